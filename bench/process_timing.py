"""How the benches time a command: a new process per run, output discarded, a failure fatal
(with the end of the command's stderr)."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time


def samples_ms(cmd, env, runs, timeout=None):
    """Wall-clock milliseconds of `runs` runs of `cmd` (a new process each)."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout)
        out.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            sys.exit(f"{' '.join(map(str, cmd[:4]))} ... failed:\n"
                     f"{done.stderr.decode(errors='replace')[-2000:]}")
    return out


def median_ms(cmd, env, runs, timeout=None):
    return statistics.median(samples_ms(cmd, env, runs, timeout))
