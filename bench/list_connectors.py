#!/usr/bin/env python3
"""Cold-process `latchkey service-connector list -o json` over N registered connectors.

Prints the median wall time of several runs next to baselines measured the same way: `aws
--version` (issue 18's yardstick for a CLI's cold start: goal >= 50x faster), the process floor
(`latchkey --version`: start-up, no store) and, when the sqlite3 shell is installed, `sqlite3
-json` reading the same rows straight from the database. The runs of each command alternate
with the others', so a busy moment of the machine weighs on all of them alike.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from bench_table import record
from process_timing import samples_ms


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
        if shutil.which("aws"):
            rows.append(("baseline: aws --version", ["aws", "--version"]))
        if shutil.which("sqlite3"):
            rows.append(("baseline: sqlite3 -json SELECT * FROM connectors",
                         ["sqlite3", "-json", os.path.join(home, "latchkey.db"), "SELECT * FROM connectors"]))
        print(f"{count} connectors, {runs} cold runs each (median / min / max, ms)")
        samples = {label: [] for label, _ in rows}
        for _ in range(runs):
            for label, cmd in rows:
                samples[label] += samples_ms(cmd, env, 1)
        results = {}
        for label, _ in rows:
            results[label] = median = statistics.median(samples[label])
            print(f"  {label:<50} {median:8.2f} {min(samples[label]):8.2f} {max(samples[label]):8.2f}")
        main_median = results[rows[0][0]]
        for label, _ in rows[1:]:
            print(f"  ratio list / {label.split(': ', 1)[1]:<40} {main_median / results[label]:6.2f}x")
        aws = results.get("baseline: aws --version")
        if aws:
            ratio = aws / main_median
            print(f"  list is {ratio:.1f}x faster than aws --version (goal >= 50x: "
                  f"{'met' if ratio >= 50 else 'NOT met'})")
            record(f"service-connector list -o json, {count} connectors, cold process",
                   f"{main_median:.1f} ms", f"aws --version {aws:.0f} ms", ratio, ">= 50x faster",
                   ratio >= 50)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
