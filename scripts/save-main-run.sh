#!/usr/bin/env bash
# Saves the background main GHN training run's latest checkpoint into results/ghn/training, where the next session
# resumes it from (README, "Training status"): the checkpoint (weights and Adam state), its config, and the progress
# CSV and log up to the checkpoint's step, each written to a temporary file and renamed, so a run still writing to
# RUN_DIR or a kill half-way never leaves a torn copy. Updates the step the README names. Safe while the run goes on.
# Usage: scripts/save-main-run.sh [RUN_DIR]      (default runs/ghn)
set -euo pipefail
cd "$(dirname "$0")/.."

RUN=${1:-runs/ghn}
OUT=results/ghn/training
[[ -f $RUN/checkpoint.ghn ]] || { echo "$RUN/checkpoint.ghn: no checkpoint" >&2; exit 2; }

# copy first, then read the step from the copy: the run may write a newer checkpoint meanwhile
cp "$RUN/checkpoint.ghn" $OUT/checkpoint.ghn.tmp
step=$(python3 - $OUT/checkpoint.ghn.tmp <<'PY'
import json, sys
head = open(sys.argv[1], 'rb').read(1 << 16)
start = head.index(b'{')
print(json.JSONDecoder().raw_decode(head[start:].decode('latin-1'))[0]['meta']['step'])
PY
)
awk -F, -v s="$step" 'NR == 1 || $1 <= s' "$RUN/progress.csv" > $OUT/progress.csv.tmp
awk -v s="$step" '/^step [0-9]+\// { split($2, a, "/"); if (a[1] + 0 > s + 0) exit } { print }' "$RUN/train.log" \
    > $OUT/train.log.tmp
cp "$RUN/config.yaml" $OUT/config.yaml.tmp
cp "$RUN/ghn-train.yaml" $OUT/ghn-train.yaml.tmp
for f in checkpoint.ghn progress.csv train.log config.yaml ghn-train.yaml; do
    mv $OUT/$f.tmp $OUT/$f
done
sed -i -E "s/holds the main run's latest full checkpoint \(step [0-9]+;/holds the main run's latest full checkpoint (step $step;/" README.md
grep -q "latest full checkpoint (step $step;" README.md || { echo "README.md: the checkpoint step sentence was not found" >&2; exit 1; }
echo "saved $RUN at step $step into $OUT"
