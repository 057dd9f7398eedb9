#!/usr/bin/env python3
"""Command-to-credentials latency against moto, in one run:

- `latchkey service-connector describe C --resource-id s3://B --client -o json` for a
  federation-token connector (verifies the bucket, mints a down-scoped token, prints it);
- `aws sts get-federation-token` (awscli) against the same moto, the same call done by hand.

Prints the medians and the ratio (the issue's target is >= 50x).
Usage: bench/client_latency_vs_awscli.py build/latchkey
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import aws_peers  # noqa: E402
from bench_table import record  # noqa: E402
from process_timing import median_ms  # noqa: E402


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/latchkey")
    runs = int(os.environ.get("BENCH_RUNS", "11"))
    aws = shutil.which("aws")
    if not aws:
        sys.exit("awscli (`aws`) is not installed")
    home = tempfile.mkdtemp(prefix="latchkey-bench-")
    try:
        with aws_peers.moto_server() as m:
            env = dict(os.environ, LATCHKEY_HOME=home, HOME=home)
            bucket = m.buckets[0]
            subprocess.run([binary, "service-connector", "register", "fed", "--type", "aws",
                            "--auth-method", "federation-token", f"--aws_access_key_id={m.access_key_id}",
                            f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                            f"--endpoint_url={m.endpoint}", "-r", "s3-bucket"],
                           env=env, stdout=subprocess.DEVNULL, check=True)
            ours = median_ms([binary, "service-connector", "describe", "fed", "--resource-id",
                              f"s3://{bucket}", "--client", "-o", "json"], env, runs)
            aws_env = dict(os.environ, HOME=home, AWS_ACCESS_KEY_ID=m.access_key_id,
                           AWS_SECRET_ACCESS_KEY=m.secret_access_key, AWS_DEFAULT_REGION=m.region)
            theirs = median_ms([aws, "sts", "get-federation-token", "--name", "bench",
                                "--endpoint-url", m.endpoint], aws_env, runs)
        print(f"Command to credentials against moto ({runs} runs, median ms)")
        print(f"  latchkey describe --client (verify + federation token)  {ours:8.1f}")
        print(f"  aws sts get-federation-token                            {theirs:8.1f}")
        ratio = theirs / ours
        print(f"  ratio {ratio:.1f}x   (target >= 50x: {'met' if ratio >= 50 else 'NOT met'})")
        record("describe --client (verify + federation token, moto)", f"{ours:.0f} ms",
               f"aws sts get-federation-token {theirs:.0f} ms", ratio, ">= 50x faster", ratio >= 50)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
