#!/usr/bin/env python3
"""Per-net table of the BN-free SGD runs (scripts/bnfree-sgd-ceiling.sh) beside the shipped GHN's predicted accuracy.

Usage: [LRS="0.01 0.002"] python3 scripts/bnfree-sgd-ceiling.py [BENCHMARK_JSON]
(default: the committed benchmark of the shipped GHN, found by the weights checksum it records; LRS: only these
learning rates, default every rate run so far)
"""
import glob
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import shipped_benchmark  # noqa: E402

bench = sys.argv[1] if len(sys.argv) > 1 else shipped_benchmark.path()
sets = json.load(open(bench))["accuracy"]
ghn = {n["index"]: n for n in next(s for s in sets if s["set"] == "bnfree")["per_net"]}

runs = {}
for path in glob.glob("results/ghn/bnfree-sgd/lr*-net*.json"):
    m = re.match(r"lr(.+)-net(\d+)\.json", os.path.basename(path))
    r = json.load(open(path))
    acc = r["test_accuracy"]
    runs.setdefault(int(m[2]), {})[m[1]] = (10.0 if acc is None or math.isnan(acc) else acc, r)

# LRS set: those rates only (e.g. the first two, as the README quotes them); unset: every rate run so far
chosen = os.environ.get("LRS")
lrs = sorted(chosen.split() if chosen else {lr for v in runs.values() for lr in v}, key=float, reverse=True)
print(f"# {'LRS=' + repr(chosen) + ' ' if chosen else ''}python3 scripts/bnfree-sgd-ceiling.py {bench}")
print("| net | cells | params | GHN predicted | " + " | ".join(f"SGD 1 epoch, lr {lr}" for lr in lrs)
      + " | best SGD |")
print("|---|---|---|---|" + "---|" * len(lrs) + "---|")
best_all, pred_all = [], []
for i in sorted(runs):
    spec = next(iter(runs[i].values()))[1]["spec"]
    row = [f"{runs[i][lr][0]:.2f}" if lr in runs[i] else "–" for lr in lrs]
    best = max(runs[i][lr][0] for lr in lrs if lr in runs[i])  # over the chosen rates run so far
    complete = all(lr in runs[i] for lr in lrs)
    if complete:
        best_all.append(best)
        pred_all.append(ghn[i]["predicted"])
    print(f"| {i} | {spec['n_cells']} | {ghn[i]['params']} | {ghn[i]['predicted']:.2f} | " + " | ".join(row)
          + f" | {best:.2f}{'' if complete else ' (so far)'} |")
if best_all:
    n = len(best_all)
    print(f"\nNets with every learning rate run: {n} of 20; mean best SGD {sum(best_all) / n:.2f}%, "
          f"mean GHN predicted on the same nets {sum(pred_all) / n:.2f}%; "
          f"best SGD >= 55% on {sum(a >= 55 for a in best_all)} of them.")
    # the nets SGD trains, those it leaves at chance under every rate, and the rest
    for name, keep in (("best SGD >= 55%", lambda a: a >= 55), ("best SGD <= 16% (chance)", lambda a: a <= 16),
                       ("in between", lambda a: 16 < a < 55)):
        group = [(a, p) for a, p in zip(best_all, pred_all) if keep(a)]
        if group:
            print(f"- {name}: {len(group)} nets, best SGD {min(a for a, _ in group):.1f}-{max(a for a, _ in group):.1f}% "
                  f"(mean {sum(a for a, _ in group) / len(group):.2f}%), GHN predicted mean "
                  f"{sum(p for _, p in group) / len(group):.2f}%")
