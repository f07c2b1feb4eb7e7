#!/usr/bin/env bash
# Saves the background main GHN training run's latest checkpoint into results/ghn/training, where the next session
# resumes it from (README, "Training status"): the checkpoint (weights and Adam state), its config, and the progress
# CSV and log up to the checkpoint's step, each written to a temporary file and renamed, so a run still writing to
# RUN_DIR or a kill half-way never leaves a torn copy. Updates the step the README names. Safe while the run goes on.
# Usage: scripts/save-main-run.sh [RUN_DIR]      (default runs/ghn)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/training-run.sh

RUN=${1:-runs/ghn}
OUT=results/ghn/training
[[ -f $RUN/checkpoint.ghn ]] || { echo "$RUN/checkpoint.ghn: no checkpoint" >&2; exit 2; }

FILES="checkpoint.ghn progress.csv train.log config.yaml ghn-train.yaml"
trap 'for f in $FILES; do rm -f $OUT/$f.tmp; done' EXIT
# copy first, then read the step from the copy: the run may write a newer checkpoint meanwhile
cp "$RUN/checkpoint.ghn" $OUT/checkpoint.ghn.tmp
step=$(checkpoint_step $OUT/checkpoint.ghn.tmp)
progress_until "$RUN/progress.csv" "$step" > $OUT/progress.csv.tmp
log_until "$RUN/train.log" "$step" > $OUT/train.log.tmp
cp "$RUN/config.yaml" $OUT/config.yaml.tmp
cp "$RUN/ghn-train.yaml" $OUT/ghn-train.yaml.tmp
for f in $FILES; do
    mv $OUT/$f.tmp $OUT/$f
done
sed -i -E "s/holds the main run's latest full checkpoint \(step [0-9]+;/holds the main run's latest full checkpoint (step $step;/" README.md
grep -q "latest full checkpoint (step $step;" README.md || { echo "README.md: the checkpoint step sentence was not found" >&2; exit 1; }
echo "saved $RUN at step $step into $OUT"
