#!/usr/bin/env bash
# Rebuilds everything downstream of the measurement table, in order:
#   1. copies a measurement directory into results/surrogate/measurements (skip with TABLE unset),
#   2. fits the shipped surrogates on it and writes the report (results/surrogate/report.{md,json}),
#   3. rechecks the 60- vs 200-step budget (results/surrogate/budget-check.md),
#   4. rebuilds the jar with the new surrogates and reruns the reference searches under results/search/.
# Usage: scripts/refit-surrogates.sh [MEASUREMENT_DIR]     (about 25 minutes on 2 cores with 250 + 250 nets; the fit and report alone 9)
set -euo pipefail
# one OpenMP thread per JVM: with two, libnd4j's threads spin against each other on a shared 2-core machine
export OMP_NUM_THREADS=1
cd "$(dirname "$0")/.."

. scripts/lib/build.sh
SHIPPED=surrogate/src/main/resources/org/ghnas/surrogate/surrogates-fashion-mnist.ghns
TABLE=${1:-}

if [[ -n "$TABLE" ]]; then
    cmp -s "$TABLE/config.yaml" results/surrogate/measurements/config.yaml \
        || { echo "$TABLE/config.yaml: differs from results/surrogate/measurements/config.yaml" >&2; exit 2; }
    for f in train.jsonl train.csv test.jsonl test.csv; do
        cp "$TABLE/$f" "results/surrogate/measurements/$f.tmp"
        mv "results/surrogate/measurements/$f.tmp" "results/surrogate/measurements/$f"
    done
fi
wc -l results/surrogate/measurements/{train,test}.jsonl

# the fit embeds with the jar's GHN: a jar older than the shipped GHN would fit the surrogates on the previous one
[[ -f $JAR && $JAR -nt ghn/src/main/resources/org/ghnas/ghn/ghn2-fashion-mnist.ghn ]] || build_jar
java -jar $JAR surrogate fit --table results/surrogate/measurements --out $SHIPPED --report results/surrogate --seeds 5
python3 scripts/compare-budgets.py results/surrogate/measurements results/surrogate/measurements-200steps \
    > results/surrogate/budget-check.md.tmp
mv results/surrogate/budget-check.md.tmp results/surrogate/budget-check.md

build_jar
# a run directory refuses a second run without --resume: start each one afresh
rm -rf results/search/{quickstart,quickstart-seeds,accurate-under-params,noise-robust,accuracy-latency-pareto}
java -jar $JAR search experiments/quickstart.yaml --baseline random --out results/search/quickstart
java -jar $JAR search experiments/quickstart.yaml --seeds 5 --out results/search/quickstart-seeds
for e in accurate-under-params noise-robust accuracy-latency-pareto; do
    java -jar $JAR search experiments/examples/$e.yaml --baseline random --out results/search/$e
done
java -jar $JAR export results/search/quickstart --top 2
/usr/bin/time -f "wall %e s" -o /tmp/quickstart-wall.txt \
    java -jar $JAR search experiments/quickstart.yaml --baseline random --out "$(mktemp -d)/quickstart"
{
    echo '# Wall time of the quickstart on the 2-core machine, JVM start included (jar already built), measured with'
    echo '#   /usr/bin/time -f "wall %e s" java -jar experiments/target/ghnas.jar search experiments/quickstart.yaml --baseline random --out DIR'
    echo "# by scripts/refit-surrogates.sh on $(date -u +%Y-%m-%d)."
    echo "run: $(cat /tmp/quickstart-wall.txt)"
} > results/search/quickstart/timing.txt
# the best net of each quickstart seed, and random search's best of the same seed, under the measurement protocol
python3 scripts/search-picks.py results/search/quickstart-seeds > results/search/verification/picks.json.tmp
mv results/search/verification/picks.json.tmp results/search/verification/picks.json
rm -rf results/search/verification/measured
OMP_NUM_THREADS=1 java -jar $JAR measure --config experiments/measure.yaml --specs results/search/verification/picks.json \
    --out results/search/verification/measured
