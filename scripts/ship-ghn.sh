#!/usr/bin/env bash
# Ships a GHN training run's latest checkpoint as the jar's pretrained GHN: its weights without the Adam moments
# (`ghnas ghn weights`), its config, and its progress CSV and log up to that step, under
# ghn/src/main/resources/org/ghnas/ghn/. The surrogates are fitted on the shipped GHN's embeddings and refuse another
# GHN, so run scripts/refit-surrogates.sh next. Rebuilds the jar at the end.
# Usage: scripts/ship-ghn.sh RUN_DIR [EARLIER_LOG]
#   EARLIER_LOG: the log of the run RUN_DIR branched from, put before RUN_DIR/train.log up to the branch step.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN=${1:?usage: scripts/ship-ghn.sh RUN_DIR [EARLIER_LOG]}
EARLIER=${2:-}
JAR=experiments/target/ghnas.jar
RES=ghn/src/main/resources/org/ghnas/ghn
[[ -f $JAR ]] || mvn -q -B install -DskipTests

step=$(python3 - "$RUN/checkpoint.ghn" <<'PY'
import json, sys
head = open(sys.argv[1], 'rb').read(1 << 16)
start = head.index(b'{')
print(json.JSONDecoder().raw_decode(head[start:].decode('latin-1'))[0]['meta']['step'])
PY
)
echo "shipping $RUN/checkpoint.ghn, step $step"
java -jar $JAR ghn weights "$RUN/checkpoint.ghn" --out $RES/ghn2-fashion-mnist.ghn
cp "$RUN/config.yaml" $RES/ghn2-fashion-mnist.yaml.tmp
mv $RES/ghn2-fashion-mnist.yaml.tmp $RES/ghn2-fashion-mnist.yaml
awk -F, -v s="$step" 'NR == 1 || $1 <= s' "$RUN/progress.csv" > $RES/ghn2-fashion-mnist-progress.csv.tmp
mv $RES/ghn2-fashion-mnist-progress.csv.tmp $RES/ghn2-fashion-mnist-progress.csv
{
    if [[ -n $EARLIER ]]; then
        # the branch's first header line names the step it started from: "ghn train: ..., step N of M, ..."
        branch=$(grep -m1 -o 'step [0-9]* of' "$RUN/train.log" | tr -dc 0-9)
        awk -v b="$branch" '/^step [0-9]+\// { split($2, a, "/"); if (a[1] + 0 > b + 0) exit } { print }' "$EARLIER"
        echo "--- branch: $RUN from step $branch, config: $(tr '\n' ' ' < "$RUN/config.yaml")"
    fi
    awk -v s="$step" '/^step [0-9]+\// { split($2, a, "/"); if (a[1] + 0 > s + 0) exit } { print }' "$RUN/train.log"
} > $RES/ghn2-fashion-mnist-train.log.tmp
mv $RES/ghn2-fashion-mnist-train.log.tmp $RES/ghn2-fashion-mnist-train.log
ls -l $RES
# the jar must carry the new weights before anything embeds with it (refit-surrogates.sh fits on the jar's GHN)
mvn -q -B install -DskipTests
echo "rebuilt $JAR with the shipped GHN"
