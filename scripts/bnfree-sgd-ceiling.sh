#!/usr/bin/env bash
# How well do the GHN benchmark's 20 held-out BN-free nets train with plain SGD? One epoch of Fashion-MNIST from He
# init per net and learning rate (momentum 0.9, cosine to 0, batch 64), one net at a time; the 55% goal for the
# predicted parameters (issue 3) is to be read against these figures. Each result is written atomically to
# results/ghn/bnfree-sgd/lrLR-netNN.json and a net with a result is skipped, so the script resumes where it was
# stopped (about 1-5 minutes per net on one core). Summary: python3 scripts/bnfree-sgd-ceiling.py
# Usage: scripts/bnfree-sgd-ceiling.sh [JAR]      LRS="0.01 0.002 0.0005" by default
set -euo pipefail
export OMP_NUM_THREADS=1
cd "$(dirname "$0")/.."

JAR=${1:-experiments/target/ghnas.jar}
OUT=results/ghn/bnfree-sgd
LRS=${LRS:-0.01 0.002 0.0005}
mkdir -p "$OUT"
vector=()
java --list-modules 2>/dev/null | grep -q '^jdk\.incubator\.vector@' && vector=(--add-modules jdk.incubator.vector)

# the benchmark's BN-free set: family bnfree, sampler seed 0 + the family's ordinal (4), C=8 (GhnBenchmark)
specs=$(mktemp -d)
trap 'rm -rf "$specs"' EXIT
java "${vector[@]}" -jar "$JAR" space sample --family bnfree --n 20 --seed 4 --channels 8 > "$specs/all.json" \
    2> "$specs/sample.log" || { tail -3 "$specs/sample.log" >&2; exit 1; }
python3 - "$specs" <<'EOF'
import json, sys
d = sys.argv[1]
for i, spec in enumerate(json.load(open(f"{d}/all.json"))):
    json.dump(spec, open(f"{d}/net{i:02d}.json", "w"))
EOF

for lr in $LRS; do
    for i in $(seq -w 0 19); do
        result=$OUT/lr$lr-net$i.json
        [[ -f $result ]] && continue
        echo "lr $lr net $i" >&2
        java "${vector[@]}" -Xmx3g -jar "$JAR" space train "$specs/net$i.json" --epochs 1 --lr "$lr" --out "$result" \
            > /dev/null 2> "$specs/train.log" || { tail -3 "$specs/train.log" >&2; exit 1; }
    done
done
