#!/usr/bin/env python3
"""Compares the predicted-parameter accuracies of two `ghnas ghn bench` outputs net by net.

Usage: scripts/compare-bench.py A/benchmark.json B/benchmark.json [SPECS.json SET KEY [RANGES]]
Prints, per set of held-out nets both runs measured: the number of nets, both means, their difference and on how
many nets B is ahead of A. With SPECS.json (the set's nets, e.g. `ghnas space sample --channels 8 --n 100 --seed 0`),
SET (e.g. id) and KEY (a spec field, e.g. fc_layers), also both means and their difference per value of that field;
with RANGES (e.g. 4-5,8-15,17-18) of a numeric field, also per range, every net weighted alike.
"""
import json
import sys


def read(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"compare-bench.py: cannot read {path} as a ghn bench benchmark.json: {e}")


def per_net(bench):
    return {s['set']: {n['index']: n['predicted'] for n in s['per_net']} for s in bench['accuracy']}


def held_out(bench):
    """What picks a benchmark's nets and images: two runs that differ here measured different nets."""
    settings = bench.get('settings', {})
    return {key: settings.get(key, default) for key, default in (('seed', 0), ('channels', 8), ('test_images', None))}


def main(argv):
    if len(argv) not in (3, 6, 7):
        sys.exit('usage: compare-bench.py A.json B.json [SPECS.json SET KEY [RANGES]]')
    ranges = [parse_range(text) for text in argv[6].split(',')] if len(argv) == 7 else []
    bench_a, bench_b = read(argv[1]), read(argv[2])
    if held_out(bench_a) != held_out(bench_b):
        sys.exit(f"compare-bench.py: {argv[1]} and {argv[2]} measured different nets or images "
                 f"({held_out(bench_a)} against {held_out(bench_b)}); compare runs of the same seed, channels and "
                 f"test images")
    a, b = per_net(bench_a), per_net(bench_b)
    print(f"{'set':9s} {'n':>4s} {'A':>7s} {'B':>7s} {'B-A':>7s}  B ahead")
    for name, nets in a.items():
        common = sorted(set(nets) & set(b.get(name, {})))
        if not common:
            continue
        ma = sum(nets[i] for i in common) / len(common)
        mb = sum(b[name][i] for i in common) / len(common)
        ahead = sum(b[name][i] > nets[i] for i in common)
        print(f"{name:9s} {len(common):4d} {ma:7.2f} {mb:7.2f} {mb - ma:+7.2f}  {ahead}/{len(common)}")
    if len(argv) >= 6:
        with open(argv[3]) as f:
            specs = json.load(f)
        name, key = argv[4], argv[5]
        common = sorted(set(a[name]) & set(b[name]))
        groups = {}
        for i in common:
            groups.setdefault(json.dumps(specs[i][key]), []).append((a[name][i], b[name][i]))
        for value, pairs in sorted(groups.items(), key=lambda g: field_order(g[0])):
            print_group(f"{name} {key}={value}", pairs)
        if ranges and not all(isinstance(specs[i][key], (int, float)) for i in common):
            sys.exit(f"compare-bench.py: {argv[3]}: field '{key}' is not numeric, so RANGES do not apply to it")
        for text, low, high in ranges:
            pairs = [(a[name][i], b[name][i]) for i in common if low <= specs[i][key] <= high]
            if pairs:
                print_group(f"{name} {key} {text}", pairs)


def parse_range(text):
    try:
        low, high = (float(v) for v in text.split('-'))
    except ValueError:
        sys.exit(f"compare-bench.py: RANGES: '{text}' is not LOW-HIGH (e.g. 4-5,8-15,17-18)")
    return text, low, high


def print_group(label, pairs):
    ma = sum(p[0] for p in pairs) / len(pairs)
    mb = sum(p[1] for p in pairs) / len(pairs)
    print(f"{label}: n={len(pairs)} mean A {ma:.2f}, B {mb:.2f}, B-A {mb - ma:+.2f}")


def field_order(text):
    """Numbers (n_cells, fc_layers) in numeric order, then any other values in text order."""
    value = json.loads(text)
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    return (0, value, '') if numeric else (1, 0, text)


if __name__ == '__main__':
    main(sys.argv)
