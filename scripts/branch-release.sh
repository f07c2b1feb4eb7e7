#!/usr/bin/env bash
# Starts a release branch of the main GHN training run (README, "Training status"): copies the run's latest
# checkpoint and progress into a new run directory and writes its config with the release recipe, the main run's
# config plus `steps: S+STEPS`, `lrMilestones: [S]`, `lrGamma: 0.1` and `bnFreeShare: SHARE`, where S is the
# checkpoint's step (and `scaleAnchor: ANCHOR` when ANCHOR is above 0), and a copy of the jar (ship-ghn.sh and refit-surrogates.sh rebuild experiments/target/ghnas.jar,
# which must not change under a running JVM). Prints the command that trains it; ship it with scripts/ship-ghn.sh
# once benchmarked.
# Usage: scripts/branch-release.sh NAME [SOURCE_DIR] [STEPS] [SHARE] [ANCHOR]
#   NAME: the branch's directory, runs/ghn-NAME; SOURCE_DIR: the main run (default runs/ghn, else results/ghn/training);
#   STEPS: steps at the tenth rate (default 2600); SHARE: BN-free share of the branch's nets (default 0.5);
#   ANCHOR: weight of the scale anchor on the predicted conv weights (GhnTrainingConfig.scaleAnchor; default 1.0, the
#   shipped GHN's recipe; 0 turns it off).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/training-run.sh
. scripts/lib/build.sh

[[ $# -ge 1 && $# -le 5 ]] || { echo "usage: scripts/branch-release.sh NAME [SOURCE_DIR] [STEPS] [SHARE] [ANCHOR]" >&2; exit 2; }
NAME=$1
SRC=${2:-}
STEPS=${3:-2600}
SHARE=${4:-0.5}
ANCHOR=${5:-1.0}
if [[ -z $SRC ]]; then
    SRC=runs/ghn
    [[ -f $SRC/checkpoint.ghn ]] || SRC=results/ghn/training
fi
OUT=runs/ghn-$NAME
[[ -f $SRC/checkpoint.ghn && -f $SRC/ghn-train.yaml ]] \
    || { echo "$SRC: no checkpoint.ghn and ghn-train.yaml of a training run" >&2; exit 2; }
[[ $STEPS =~ ^[1-9][0-9]*$ ]] || { echo "STEPS: expected a positive whole number of steps, got '$STEPS'" >&2; exit 2; }
[[ $SHARE =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || { echo "SHARE: expected a probability in [0, 1], got '$SHARE'" >&2; exit 2; }
[[ $ANCHOR =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "ANCHOR: expected a weight >= 0 such as 1.0, got '$ANCHOR'" >&2; exit 2; }
[[ ! -e $OUT ]] || { echo "$OUT: exists already; choose another NAME" >&2; exit 2; }
if grep -qE '^(lrMilestones|lrGamma):' "$SRC/ghn-train.yaml"; then
    echo "$SRC/ghn-train.yaml: has a learning-rate schedule already; branch from the constant-rate main run" >&2
    exit 2
fi

mkdir -p runs
TMP=$(mktemp -d "runs/.ghn-$NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# copy first, then read the step from the copy: the main run may write a newer checkpoint meanwhile
cp "$SRC/checkpoint.ghn" "$TMP/checkpoint.ghn"
step=$(checkpoint_step "$TMP/checkpoint.ghn")
progress_until "$SRC/progress.csv" "$step" > "$TMP/progress.csv"
sed -E -e "s/^steps: .*/steps: $((step + STEPS))/" -e '/^(bnFreeShare|scaleAnchor):/d' "$SRC/ghn-train.yaml" \
    > "$TMP/ghn-train.yaml"
printf 'bnFreeShare: %s\nlrMilestones: [%s]\nlrGamma: 0.1\n' "$SHARE" "$step" >> "$TMP/ghn-train.yaml"
if awk -v a="$ANCHOR" 'BEGIN { exit !(a > 0) }'; then
    printf 'scaleAnchor: %s\n' "$ANCHOR" >> "$TMP/ghn-train.yaml"
fi
echo "# release branch $NAME of $SRC at step $step ($(date -u +%FT%TZ)): $STEPS steps at the tenth rate, bnFreeShare $SHARE, scaleAnchor $ANCHOR" \
    > "$TMP/train.log"
[[ -f $JAR ]] || build_jar
cp $JAR "$TMP/ghnas.jar"
mv "$TMP" "$OUT"
trap - EXIT
echo "branched $SRC at step $step into $OUT (to step $((step + STEPS))); train it with"
echo "OMP_NUM_THREADS=1 nohup java -Xmx6g --add-modules jdk.incubator.vector -jar $OUT/ghnas.jar ghn train \\"
echo "    --config $OUT/ghn-train.yaml --out $OUT --log-every 10 --resume --workers 1 >> $OUT/train.log 2>&1 &"
