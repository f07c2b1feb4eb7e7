#!/usr/bin/env python3
"""Reads the JSON header of a ghnas tensor archive (a GHN checkpoint or weights file, `TensorArchive`): its `meta`.

As a module: meta(path) -> dict. As a command: python3 scripts/lib/ghn_header.py FILE KEY prints meta[KEY]
(e.g. `step` of a training checkpoint, `checksum` of a weights file).
"""
import json
import sys


def meta(path):
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
        start = head.index(b"{")
        return json.JSONDecoder().raw_decode(head[start:].decode("latin-1"))[0]["meta"]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"{path}: not a readable ghnas tensor archive header ({e})")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: ghn_header.py FILE KEY")
    value = meta(sys.argv[1]).get(sys.argv[2])
    if value is None:
        sys.exit(f"{sys.argv[1]}: the header's meta has no '{sys.argv[2]}'")
    print(value)
