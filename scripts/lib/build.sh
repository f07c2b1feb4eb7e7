# The jar build shared by the scripts (source it). `package`, as ./ghnas builds, not `install`: the reactor resolves
# the modules itself, and the install plugin may be missing on an offline machine. Maven's output goes to stderr so
# that a script's stdout stays its own.

JAR=experiments/target/ghnas.jar

# Builds experiments/target/ghnas.jar from the working tree (skipping the tests).
build_jar() {
    mvn -q -B -DskipTests ${GHNAS_MVN_OPTS:-} package >&2
}
