#!/usr/bin/env bash
# Fine-tunes the reference quickstart run's best exported net from its GHN-predicted parameters and from He init, at
# lr 0.05 and 0.01 (README, "Fine-tuning from predicted weights"): copies results/search/quickstart/export/0-* to
# results/finetune/0-HASH and 0-HASH-lr0.01 and runs `ghnas finetune` in each (200 steps, evaluation every 20).
# Run after scripts/refit-surrogates.sh, which exports that net with the shipped GHN. About 20 minutes on one core.
set -euo pipefail
export OMP_NUM_THREADS=1
cd "$(dirname "$0")/.."

. scripts/lib/build.sh
[[ -f $JAR ]] || build_jar
best=$(ls -d results/search/quickstart/export/0-* | head -1)
[[ -d $best ]] || { echo "no exported best net under results/search/quickstart/export (run scripts/refit-surrogates.sh)" >&2; exit 2; }
name=$(basename "$best")
for lr in 0.05 0.01; do
    out=results/finetune/$name
    [[ $lr == 0.05 ]] || out=$out-lr$lr
    rm -rf "$out.tmp"
    mkdir -p "$out.tmp"
    cp "$best"/{spec.json,parameters.ghnp,manifest.json} "$out.tmp/"
    java --add-modules jdk.incubator.vector -jar $JAR finetune "$out.tmp" --steps 200 --eval-every 20 --lr $lr
    rm -rf "$out"
    mv "$out.tmp" "$out"
done
