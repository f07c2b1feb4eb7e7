#!/usr/bin/env python3
"""Prints, as one JSON array of specs, each seed's search pick and random search's pick of the same seed:
[GA seed 1, random seed 1, GA seed 2, random seed 2, ...], from a `ghnas search --seeds N` directory.
Feed it to `ghnas measure --specs` to train both picks under the measurement protocol.
A table of the picks (seed, who, predicted score) goes to stderr.

Usage: scripts/search-picks.py results/search/quickstart-seeds > picks.json
"""
import json
import pathlib
import sys


def main(run_dir):
    seeds = sorted(pathlib.Path(run_dir).glob("seed-*"), key=lambda p: int(p.name.split("-")[1]))
    if not seeds:
        sys.exit(f"{run_dir}: no seed-N directories (expected the output of ghnas search --seeds N)")
    specs = []
    for d in seeds:
        population = json.loads((d / "population.json").read_text())
        random = json.loads((d / "random.json").read_text())
        if "best" not in random:
            sys.exit(f"{d / 'random.json'}: no 'best' net (rerun the search with this version of ghnas)")
        for who, net in (("search", population[0]), ("random", random["best"])):
            specs.append(net["spec"])
            print(f"{len(specs) - 1}\t{d.name}\t{who}\tscore {net['score']:.4f}\tparams {net['params']}",
                  file=sys.stderr)
    json.dump(specs, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
