#!/usr/bin/env python3
"""The one table `make bench` ends with: every figure next to the baseline measured in the same run.

Each bench calls `record(...)` for its rows; when LATCHKEY_BENCH_TABLE names a file (the Makefile
sets it) the row is appended there as a JSON line, and `bench/bench_table.py FILE` prints them all
as one table. Run alone, a bench prints only its own report.
"""
from __future__ import annotations

import json
import os
import sys


def record(figure: str, ours: str, baseline: str, ratio: float, goal: str, met: bool) -> None:
    """One row: what was measured, our figure and the baseline's (with units), ours/baseline
    expressed as the goal states it (e.g. "64x faster"), the goal, and whether it is met."""
    path = os.environ.get("LATCHKEY_BENCH_TABLE")
    if not path:
        return
    row = {"figure": figure, "ours": ours, "baseline": baseline, "ratio": ratio, "goal": goal,
           "met": met}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


def print_table(path: str) -> None:
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    headers = ("figure", "latchkey", "baseline", "ratio", "goal", "")
    cells = [(r["figure"], r["ours"], r["baseline"], f"{r['ratio']:.2f}x", r["goal"],
              "met" if r["met"] else "NOT met") for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print("\n" + line + "\n" + "-" * len(line))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)))
    if not rows:
        print("(no bench recorded a row)")


if __name__ == "__main__":
    print_table(sys.argv[1])
