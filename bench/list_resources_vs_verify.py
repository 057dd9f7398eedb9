#!/usr/bin/env python3
"""list-resources over many slow registries against one verify, in the same run (issue 18).

20 docker connectors point at tests/fakes/slow_registry.py, a loopback registry that answers
each request after 200 ms (a verify is two requests: the anonymous probe and the authenticated
call). Prints the median of `latchkey service-connector list-resources` over all 20, the median
of `latchkey service-connector verify` of one, and their ratio (target: <= 1.3x, that is, the
20 cost about what one costs).

Usage: bench/list_resources_vs_verify.py build/latchkey [--connectors N] [--delay S] [--runs R]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "fakes"))
from bench_table import record  # noqa: E402
from process_timing import median_ms  # noqa: E402
from slow_registry import SlowRegistry  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default="build/latchkey")
    ap.add_argument("--connectors", type=int, default=20)
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    home = tempfile.mkdtemp(prefix="latchkey-bench-")
    env = dict(os.environ, LATCHKEY_HOME=home)
    try:
        with SlowRegistry("bench", "bench-password", delay=a.delay) as registry:
            for i in range(a.connectors):
                subprocess.run([binary, "service-connector", "register", f"slow-{i:02d}",
                                "--type", "docker", "--auth-method", "password",
                                "--username=bench", "--password=bench-password",
                                f"--registry={registry.url}", "--no-verify"],
                               env=env, stdout=subprocess.DEVNULL, check=True, timeout=60)
            one = median_ms([binary, "service-connector", "verify", "slow-00"], env, a.runs, 120)
            every = median_ms([binary, "service-connector", "list-resources"], env, a.runs, 120)
            peak = registry.peak
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"list-resources over {a.connectors} docker connectors ({a.delay * 1000:.0f} ms "
          f"registry), median of {a.runs}")
    print(f"  verify one:            {one:8.0f} ms")
    print(f"  list-resources all:    {every:8.0f} ms   (registry saw at most {peak} at once)")
    print(f"  ratio: {every / one:.2f}x   (issue 18 today: 7.4x; target <= 1.3x)")
    record(f"list-resources, {a.connectors} docker connectors, registry answering after "
           f"{a.delay * 1000:.0f} ms", f"{every:.0f} ms", f"one verify {one:.0f} ms", every / one,
           "<= 1.3x one verify", every / one <= 1.3)


if __name__ == "__main__":
    main()
