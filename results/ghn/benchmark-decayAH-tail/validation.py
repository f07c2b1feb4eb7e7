"""BN-free means of the shipped GHN and the decayAH tail's checkpoints on the benchmark's nets (held-out sampler
seed 0, BN-free stream 4) and on a second held-out set (seed 100, BN-free stream 104), Kendall's tau between the two
rankings, and each second-set net's range along the tail.
Usage: python3 results/ghn/benchmark-decayAH-tail/validation.py"""
import json
import statistics as st
from itertools import combinations

HERE = 'results/ghn/benchmark-decayAH-tail'
CKS = ['shipped', '78600', '79800', '81000', '82000']
BENCH = {'shipped': 'results/ghn/benchmark-decayAG-step77600', **{c: f'{HERE}/step{c}' for c in CKS[1:]}}


def bnfree(path):
    for s in json.load(open(f'{path}/benchmark.json'))['accuracy']:
        if s['set'] == 'bnfree':
            return [n['predicted'] for n in s['per_net']]
    raise SystemExit(f'{path}/benchmark.json: no bnfree set')


val = {c: bnfree(f'{HERE}/validation-seed100/{c}') for c in CKS}
ben = {c: bnfree(BENCH[c]) for c in CKS}
vm = [st.mean(val[c]) for c in CKS]
bm = [st.mean(ben[c]) for c in CKS]
print('checkpoint   benchmark (seed 0)   second set (seed 100)')
for c, b, v in zip(CKS, bm, vm):
    print(f'{c:>10}   {b:18.1f}   {v:21.1f}')
pairs = list(combinations(range(len(CKS)), 2))
tau = sum((vm[i] - vm[j]) * (bm[i] - bm[j]) > 0 for i, j in pairs) - sum(
    (vm[i] - vm[j]) * (bm[i] - bm[j]) < 0 for i, j in pairs)
print(f'Kendall tau between the two rankings: {tau / len(pairs):.2f}')
ranges = sorted(max(val[c][i] for c in CKS[1:]) - min(val[c][i] for c in CKS[1:]) for i in range(len(val[CKS[0]])))
print('second set, range of each net along the tail (78600-82000):', ', '.join(f'{r:.1f}' for r in ranges))
