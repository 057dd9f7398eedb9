#!/usr/bin/env python3
"""Cold-process `latchkey service-connector list -o json` over N registered connectors.

Prints the median wall time of several runs next to two baselines measured the same way:
the process floor (`latchkey --version`: start-up, no store) and, when the sqlite3 shell is
installed, `sqlite3 -json` reading the same rows straight from the database. Target: <= 20 ms.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed_runs(cmd, env, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples), min(samples), max(samples)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/latchkey")
    count = int(os.environ.get("BENCH_CONNECTORS", "1000"))
    runs = int(os.environ.get("BENCH_RUNS", "15"))
    home = tempfile.mkdtemp(prefix="latchkey-bench-")
    env = dict(os.environ, LATCHKEY_HOME=home, HOME=home)
    try:
        procs = []
        for i in range(count):
            procs.append(subprocess.Popen(
                [binary, "service-connector", "register", f"bench-{i:04d}", "--type", "docker",
                 "--username=bench", f"--password=pw-{i}", f"--registry=registry-{i}.example:5000",
                 "--label", f"team=t{i % 10}", "--no-verify", "-o", "json"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            if len(procs) >= 8:
                for p in procs:
                    if p.wait() != 0:
                        sys.exit("registration failed: " + p.stderr.read().decode())
                procs = []
        for p in procs:
            if p.wait() != 0:
                sys.exit("registration failed: " + p.stderr.read().decode())
        listed = subprocess.run([binary, "service-connector", "list", "-o", "json"], env=env,
                                capture_output=True, check=True).stdout
        assert listed.count(b'"connector_type"') == count, "list did not return every connector"

        rows = [("latchkey service-connector list -o json", [binary, "service-connector", "list", "-o", "json"]),
                ("baseline: latchkey --version (process floor)", [binary, "--version"])]
        if shutil.which("sqlite3"):
            rows.append(("baseline: sqlite3 -json SELECT * FROM connectors",
                         ["sqlite3", "-json", os.path.join(home, "latchkey.db"), "SELECT * FROM connectors"]))
        print(f"{count} connectors, {runs} cold runs each (median / min / max, ms)")
        results = {}
        for label, cmd in rows:
            median, lo, hi = timed_runs(cmd, env, runs)
            results[label] = median
            print(f"  {label:<50} {median:8.2f} {lo:8.2f} {hi:8.2f}")
        main_median = results[rows[0][0]]
        for label, _ in rows[1:]:
            print(f"  ratio list / {label.split(': ', 1)[1]:<40} {main_median / results[label]:6.2f}x")
        print(f"  target <= 20 ms: {'met' if main_median <= 20 else 'NOT met'} ({main_median:.2f} ms)")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
