"""How the benches time a command: a new process per run, output discarded, a failure fatal."""
from __future__ import annotations

import statistics
import subprocess
import time


def samples_ms(cmd, env, runs, timeout=None):
    """Wall-clock milliseconds of `runs` runs of `cmd` (a new process each)."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True, timeout=timeout)
        out.append((time.perf_counter() - start) * 1000)
    return out


def median_ms(cmd, env, runs, timeout=None):
    return statistics.median(samples_ms(cmd, env, runs, timeout))
