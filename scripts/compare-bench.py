#!/usr/bin/env python3
"""Compares the predicted-parameter accuracies of two `ghnas ghn bench` outputs net by net.

Usage: scripts/compare-bench.py A/benchmark.json B/benchmark.json [SPECS.json SET KEY]
Prints, per set of held-out nets both runs measured: the number of nets, both means, their difference and on how
many nets B is ahead of A. With SPECS.json (the set's nets, e.g. `ghnas space sample --channels 8 --n 100 --seed 0`),
SET (e.g. id) and KEY (a spec field, e.g. fc_layers), also both means and their difference per value of that field.
"""
import json
import sys


def per_net(path):
    with open(path) as f:
        bench = json.load(f)
    return {s['set']: {n['index']: n['predicted'] for n in s['per_net']} for s in bench['accuracy']}


def main(argv):
    if len(argv) not in (3, 6):
        sys.exit('usage: compare-bench.py A.json B.json [SPECS.json SET KEY]')
    a, b = per_net(argv[1]), per_net(argv[2])
    print(f"{'set':9s} {'n':>4s} {'A':>7s} {'B':>7s} {'B-A':>7s}  B ahead")
    for name, nets in a.items():
        common = sorted(set(nets) & set(b.get(name, {})))
        if not common:
            continue
        ma = sum(nets[i] for i in common) / len(common)
        mb = sum(b[name][i] for i in common) / len(common)
        ahead = sum(b[name][i] > nets[i] for i in common)
        print(f"{name:9s} {len(common):4d} {ma:7.2f} {mb:7.2f} {mb - ma:+7.2f}  {ahead}/{len(common)}")
    if len(argv) == 6:
        with open(argv[3]) as f:
            specs = json.load(f)
        name, key = argv[4], argv[5]
        groups = {}
        for i in sorted(set(a[name]) & set(b[name])):
            groups.setdefault(json.dumps(specs[i][key]), []).append((a[name][i], b[name][i]))
        for value, pairs in sorted(groups.items(), key=lambda g: field_order(g[0])):
            ma = sum(p[0] for p in pairs) / len(pairs)
            mb = sum(p[1] for p in pairs) / len(pairs)
            print(f"{name} {key}={value}: n={len(pairs)} mean A {ma:.2f}, B {mb:.2f}, B-A {mb - ma:+.2f}")


def field_order(text):
    """Numbers (n_cells, fc_layers) in numeric order, then any other values in text order."""
    value = json.loads(text)
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    return (0, value, '') if numeric else (1, 0, text)


if __name__ == '__main__':
    main(sys.argv)
