#!/usr/bin/env python3
"""Rank agreement between two `ghnas measure` tables of the same architectures under different budgets.

Usage: scripts/compare-budgets.py CHEAP_TABLE_DIR EXPENSIVE_TABLE_DIR

Joins both tables on (split, samplerSeed, index) -- the same sampled architecture -- and prints, per property, the
Kendall tau-b between the two budgets' values: how well the cheap budget's ranking predicts the expensive one's.
Pure Python (no numpy/scipy) so it runs wherever the tables are.
"""
import csv
import sys
from pathlib import Path

PROPERTIES = ["cleanAccuracy", "noiseRobustness", "inferenceLatencyMs", "convergence", "finalTrainAccuracy"]


def rows(table):
    out = {}
    for split in ("train", "test"):
        f = Path(table) / f"{split}.csv"
        if f.exists():
            with open(f, newline="") as fh:
                for r in csv.DictReader(fh):
                    out[(r["split"], r["samplerSeed"], r["index"])] = r
    return out


def kendall_tau_b(x, y):
    concordant = discordant = ties_x = ties_y = 0
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denom = ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)) ** 0.5
    return (concordant - discordant) / denom if denom else float("nan")


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    a, b = rows(argv[1]), rows(argv[2])
    keys = sorted(set(a) & set(b), key=lambda k: (k[0], int(k[1]), int(k[2])))
    if len(keys) < 3:
        sys.exit(f"compare-budgets: only {len(keys)} architectures in both tables; need at least 3")
    print(f"{len(keys)} architectures measured under both budgets ({argv[1]} vs {argv[2]})")
    print("| property | Kendall tau-b | mean (cheap) | mean (expensive) |")
    print("|---|---|---|---|")
    for p in PROPERTIES:
        x = [float(a[k][p]) for k in keys]
        y = [float(b[k][p]) for k in keys]
        print(f"| {p} | {kendall_tau_b(x, y):.3f} | {sum(x) / len(x):.4f} | {sum(y) / len(y):.4f} |")


if __name__ == "__main__":
    main(sys.argv)
