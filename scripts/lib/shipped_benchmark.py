#!/usr/bin/env python3
"""Finds the committed benchmark of the shipped GHN: the results/ghn/benchmark*/benchmark.json whose recorded weights
checksum is the shipped checkpoint's and which scored the BN-free family (a speed-only run of the same GHN does not).
With a sampler seed other than 0 (`--seed 100`: the second set of held-out nets releases are judged on), the one of
that seed anywhere under results/ghn.

As a module: path(seed=0) -> str. As a command (from the repository root): python3 scripts/lib/shipped_benchmark.py
[--seed N] prints it.
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ghn_header import meta  # noqa: E402

SHIPPED = "ghn/src/main/resources/org/ghnas/ghn/ghn2-fashion-mnist.ghn"


def path(seed=0):
    checksum = meta(SHIPPED)["checksum"]
    pattern = "results/ghn/benchmark*/benchmark.json" if seed == 0 else "results/ghn/**/benchmark.json"
    for candidate in sorted(glob.glob(pattern, recursive=True)):
        with open(candidate) as f:
            bench = json.load(f)
        if (bench.get("ghn_sha256") == checksum and bench.get("settings", {}).get("seed", 0) == seed
                and any(s["set"] == "bnfree" for s in bench.get("accuracy", []))):
            return candidate
    sys.exit(f"shipped benchmark: no {pattern} of sampler seed {seed} scores the BN-free family with the shipped GHN "
             f"(weights SHA-256 {checksum[:8]}...)")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and not (len(args) == 2 and args[0] == "--seed" and args[1].isdigit()):
        sys.exit("usage: shipped_benchmark.py [--seed N]")
    print(path(int(args[1]) if args else 0))
