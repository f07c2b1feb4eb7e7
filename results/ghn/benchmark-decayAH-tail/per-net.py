"""Per-net BN-free accuracy of the shipped GHN and of the decayAH tail's checkpoints, the spread of each net along the
tail, the family's mean by depth, and the other OOD families' means.
Usage: python3 results/ghn/benchmark-decayAH-tail/per-net.py SPECS.json
  SPECS.json: ./ghnas space sample --family bnfree --n 20 --seed 4 --channels 8 (the benchmark's BN-free nets)"""
import json
import statistics as st
import sys

HERE = 'results/ghn/benchmark-decayAH-tail'
COLS = [('77600 shipped', 'results/ghn/benchmark-decayAG-step77600')] + [
    (s, f'{HERE}/step{s}') for s in ('78600', '79800', '81000', '82000')] + [('avg4', f'{HERE}/average-78600-82000')]
TAIL = ['78600', '79800', '81000', '82000']


def predicted(path, family):
    for s in json.load(open(f'{path}/benchmark.json'))['accuracy']:
        if s['set'] == family:
            return [n['predicted'] for n in s['per_net']]
    raise SystemExit(f'{path}/benchmark.json: no {family} set')


cells = [s['n_cells'] for s in json.load(open(sys.argv[1]))]
d = {k: predicted(p, 'bnfree') for k, p in COLS}
print('BN-free, test accuracy (%) with predicted parameters, 2000 test images')
print('net cells ' + ' '.join(f'{k:>14}' for k, _ in COLS) + '  tail range')
for i in range(len(cells)):
    r = [d[k][i] for k in TAIL]
    print(f'{i:3d} {cells[i]:5d} ' + ' '.join(f'{d[k][i]:14.1f}' for k, _ in COLS) + f'  {max(r) - min(r):10.1f}')
print('mean      ' + ' '.join(f'{st.mean(d[k]):14.1f}' for k, _ in COLS))
for lo, hi in ((4, 5), (8, 15), (17, 18)):
    idx = [i for i, c in enumerate(cells) if lo <= c <= hi]
    print(f'{lo}-{hi} cells ({len(idx)}) ' + ' '.join(f'{st.mean(d[k][i] for i in idx):.1f}' for k, _ in COLS))
for fam in ('wide', 'deep', 'dense'):
    print(f'{fam} mean ' + ' '.join(f'{st.mean(predicted(p, fam)):.2f}' for _, p in COLS))
