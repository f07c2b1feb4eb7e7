#!/usr/bin/env bash
# Benchmarks a trained release branch (scripts/branch-release.sh) against the shipped GHN, as every release since
# step 23000 was judged (README, "Training status"): `ghnas ghn bench` on 2000 test images with the shared He-init and
# SGD columns into results/ghn/benchmark-NAME-stepS, then net by net against the shipped GHN's committed benchmark
# (vs-SHIPPED.txt) and the BN-free family by depth (bnfree-by-cells.txt), each file headed by the command that made it;
# then the BN-free family on twenty other held-out nets (sampler seed 100, into bnfree-seed100/, against the shipped
# GHN's run on them in bnfree-seed100.txt), since the benchmark's twenty alone cannot separate two releases by less
# than 2-3 points (results/ghn/bnfree-analysis.md). A killed benchmark resumes from its journals when run again; with
# benchmark.json present only the comparisons are rewritten. Give it both cores (pause the main run meanwhile: kill
# -STOP PID, then kill -CONT PID): ~10 min idle.
# Usage: scripts/bench-release.sh NAME      (the branch runs/ghn-NAME, trained to its last step)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/training-run.sh

[[ $# == 1 ]] || { echo "usage: scripts/bench-release.sh NAME   (the trained branch runs/ghn-NAME)" >&2; exit 2; }
NAME=$1
RUN=runs/ghn-$NAME
[[ -f $RUN/checkpoint.ghn && -f $RUN/ghn-train.yaml ]] || { echo "$RUN: no checkpoint.ghn and ghn-train.yaml of a release branch" >&2; exit 2; }
step=$(checkpoint_step "$RUN/checkpoint.ghn")
last=$(sed -nE 's/^steps: *([0-9]+).*/\1/p' "$RUN/ghn-train.yaml")
[[ $step == "$last" ]] || { echo "$RUN/checkpoint.ghn: at step $step, the branch runs to $last; train it first" >&2; exit 2; }
shipped=$(python3 scripts/lib/shipped_benchmark.py)
shipped2=$(python3 scripts/lib/shipped_benchmark.py --seed 100)
OUT=results/ghn/benchmark-$NAME-step$step
vs=$(basename "$(dirname "$shipped")"); vs=${vs#benchmark-}
[[ $(dirname "$shipped") != "$OUT" ]] || { echo "$OUT: is the shipped GHN's benchmark already; nothing to compare" >&2; exit 2; }

if [[ ! -f $OUT/benchmark.json ]]; then
    ./ghnas ghn bench --checkpoint "$RUN/checkpoint.ghn" --test-images 2000 --workers 2 --skip-training-throughput \
        --baselines results/ghn/accuracy-baselines.jsonl --out "$OUT"
fi
if [[ ! -f $OUT/bnfree-seed100/benchmark.json ]]; then
    # the He-init column of these nets is on file; no SGD column (the BN-free nets barely move in 100 steps)
    ./ghnas ghn bench --checkpoint "$RUN/checkpoint.ghn" --seed 100 --id 0 --families bnfree --skip-predefined \
        --sgd-steps 0 --test-images 2000 --workers 2 --skip-training-throughput --latency-nets 1 --repeats 1 \
        --baselines results/ghn/benchmark-decayAH-tail/validation-seed100/he-init-baselines.jsonl \
        --out "$OUT/bnfree-seed100"
fi
specs=$(mktemp)
trap 'rm -f "$specs" "$OUT"/*.txt.tmp' EXIT
./ghnas space sample --family bnfree --n 20 --seed 4 --channels 8 > "$specs"
{
    echo "# python3 scripts/compare-bench.py $shipped $OUT/benchmark.json"
    python3 scripts/compare-bench.py "$shipped" "$OUT/benchmark.json"
} > "$OUT/vs-$vs.txt.tmp"
{
    echo "# python3 scripts/compare-bench.py $shipped $OUT/benchmark.json SPECS bnfree n_cells 4-5,8-15,17-18"
    echo "# SPECS: ghnas space sample --family bnfree --n 20 --seed 4 --channels 8 (the benchmark's BN-free set)"
    python3 scripts/compare-bench.py "$shipped" "$OUT/benchmark.json" "$specs" bnfree n_cells 4-5,8-15,17-18
} > "$OUT/bnfree-by-cells.txt.tmp"
{
    echo "# python3 scripts/compare-bench.py $shipped2 $OUT/bnfree-seed100/benchmark.json"
    python3 scripts/compare-bench.py "$shipped2" "$OUT/bnfree-seed100/benchmark.json"
} > "$OUT/bnfree-seed100.txt.tmp"
mv "$OUT/vs-$vs.txt.tmp" "$OUT/vs-$vs.txt"
mv "$OUT/bnfree-seed100.txt.tmp" "$OUT/bnfree-seed100.txt"
mv "$OUT/bnfree-by-cells.txt.tmp" "$OUT/bnfree-by-cells.txt"
cat "$OUT/vs-$vs.txt"
echo "second BN-free set (sampler seed 100):"
tail -n +2 "$OUT/bnfree-seed100.txt"
echo "(A: the shipped GHN, $shipped and $shipped2; B: $RUN at step $step; BN-free by depth in $OUT/bnfree-by-cells.txt)"
