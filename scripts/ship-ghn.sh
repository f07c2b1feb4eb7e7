#!/usr/bin/env bash
# Ships a GHN training run's latest checkpoint as the jar's pretrained GHN: its weights without the Adam moments
# (`ghnas ghn weights`), its config, and its progress CSV and log up to that step, under
# ghn/src/main/resources/org/ghnas/ghn/. The surrogates are fitted on the shipped GHN's embeddings and refuse another
# GHN, so run scripts/refit-surrogates.sh next. Rebuilds the jar at the end.
# Usage: scripts/ship-ghn.sh RUN_DIR [EARLIER_LOG]
#   EARLIER_LOG: the log of the run RUN_DIR branched from, put before RUN_DIR/train.log up to the branch step.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/training-run.sh
. scripts/lib/build.sh

RUN=${1:?usage: scripts/ship-ghn.sh RUN_DIR [EARLIER_LOG]}
EARLIER=${2:-}
RES=ghn/src/main/resources/org/ghnas/ghn
[[ -f $JAR ]] || build_jar

step=$(checkpoint_step "$RUN/checkpoint.ghn")
echo "shipping $RUN/checkpoint.ghn, step $step"
java -jar $JAR ghn weights "$RUN/checkpoint.ghn" --out $RES/ghn2-fashion-mnist.ghn
cp "$RUN/config.yaml" $RES/ghn2-fashion-mnist.yaml.tmp
mv $RES/ghn2-fashion-mnist.yaml.tmp $RES/ghn2-fashion-mnist.yaml
progress_until "$RUN/progress.csv" "$step" > $RES/ghn2-fashion-mnist-progress.csv.tmp
mv $RES/ghn2-fashion-mnist-progress.csv.tmp $RES/ghn2-fashion-mnist-progress.csv
{
    if [[ -n $EARLIER ]]; then
        # the branch's first header line names the step it started from: "ghn train: ..., step N of M, ..."
        branch=$(grep -m1 -o 'step [0-9]* of' "$RUN/train.log" | tr -dc 0-9)
        log_until "$EARLIER" "$branch"
        echo "--- branch: $RUN from step $branch, config: $(tr '\n' ' ' < "$RUN/config.yaml")"
    fi
    log_until "$RUN/train.log" "$step"
} > $RES/ghn2-fashion-mnist-train.log.tmp
mv $RES/ghn2-fashion-mnist-train.log.tmp $RES/ghn2-fashion-mnist-train.log
ls -l $RES
# the jar must carry the new weights before anything embeds with it (refit-surrogates.sh fits on the jar's GHN)
build_jar
echo "rebuilt $JAR with the shipped GHN"
