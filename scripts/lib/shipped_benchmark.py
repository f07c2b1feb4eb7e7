#!/usr/bin/env python3
"""Finds the committed benchmark of the shipped GHN: the results/ghn/benchmark*/benchmark.json whose recorded weights
checksum is the shipped checkpoint's and which scored the BN-free family (a speed-only run of the same GHN does not).

As a module: path() -> str. As a command (from the repository root): python3 scripts/lib/shipped_benchmark.py prints it.
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ghn_header import meta  # noqa: E402

SHIPPED = "ghn/src/main/resources/org/ghnas/ghn/ghn2-fashion-mnist.ghn"


def path():
    checksum = meta(SHIPPED)["checksum"]
    for candidate in sorted(glob.glob("results/ghn/benchmark*/benchmark.json")):
        with open(candidate) as f:
            bench = json.load(f)
        if bench.get("ghn_sha256") == checksum and any(s["set"] == "bnfree" for s in bench.get("accuracy", [])):
            return candidate
    sys.exit(f"shipped benchmark: no results/ghn/benchmark*/benchmark.json scores the BN-free family with the shipped GHN "
             f"(weights SHA-256 {checksum[:8]}...)")


if __name__ == "__main__":
    print(path())
