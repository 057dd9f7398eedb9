#!/usr/bin/env python3
"""Cold-process latency of `latchkey credentials aws` as an AWS credential_process, in one run:

- latchkey: a new `latchkey credentials aws C --resource-id s3://B` process per sample, talking
  to a `latchkey server` (SQLite) whose credential cache is warm (an iam-role connector on moto
  with IAM enforced, so a miss would assume the role);
- baseline: a new `aws sts assume-role` process per sample (awscli obtaining the same kind of
  credentials itself, with the long-lived keys on the client, against the same moto).

Prints both medians and the ratio awscli/latchkey.
Usage: bench/credential_process_vs_awscli.py build/latchkey
Environment: BENCH_RUNS (default 15).
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import aws_peers  # noqa: E402
import latchkey_server  # noqa: E402
from process_util import clean_env  # noqa: E402
from process_timing import samples_ms  # noqa: E402


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/latchkey")
    os.environ["LATCHKEY_BIN"] = binary
    runs = int(os.environ.get("BENCH_RUNS", "15"))
    aws = shutil.which("aws")
    if not aws:
        sys.exit("awscli (`aws`) is not installed")
    home = tempfile.mkdtemp(prefix="latchkey-bench-home-")
    try:
        with aws_peers.moto_server() as m, latchkey_server.latchkey_server() as srv:
            admin = srv.admin()
            status, body = admin.post("/api/v1/service_connectors", {
                "name": "s3", "connector_type": "aws", "auth_method": "iam-role",
                "configuration": {"role_arn": m.role_arn, "region": m.region,
                                  "endpoint_url": m.endpoint},
                "secrets": {"aws_access_key_id": m.access_key_id,
                            "aws_secret_access_key": m.secret_access_key},
                "resource_types": ["s3-bucket"], "verify": True})
            if status != 201:
                sys.exit(f"registering the connector: {status} {body}")
            bucket = m.buckets[0]
            ours_env = clean_env(drop_prefixes=("LATCHKEY_", "AWS_"), extra={
                "LATCHKEY_HOME": home, "HOME": home, "LATCHKEY_URL": srv.url,
                "LATCHKEY_API_TOKEN": admin.token})
            ours_cmd = [binary, "credentials", "aws", "s3", "--resource-id", f"s3://{bucket}"]
            first = subprocess.run(ours_cmd, env=ours_env, capture_output=True, text=True)
            if first.returncode != 0 or json.loads(first.stdout).get("Version") != 1:
                sys.exit(f"latchkey credentials aws failed: {first.stderr}")
            ours = samples_ms(ours_cmd, ours_env, runs)  # the server's cache answers these
            aws_env = clean_env(drop_prefixes=("AWS_",), extra={
                "HOME": home, "AWS_ACCESS_KEY_ID": m.access_key_id,
                "AWS_SECRET_ACCESS_KEY": m.secret_access_key, "AWS_DEFAULT_REGION": m.region,
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
            theirs = samples_ms([aws, "sts", "assume-role", "--role-arn", m.role_arn,
                                 "--role-session-name", "bench", "--endpoint-url", m.endpoint],
                                aws_env, runs)
        ours_ms, theirs_ms = statistics.median(ours), statistics.median(theirs)
        print(f"credential_process latency, a new process per call ({runs} runs, median ms)")
        print(f"  latchkey credentials aws (server cache warm)   {ours_ms:8.1f}"
              f"   p90 {sorted(ours)[int(runs * 0.9) - 1]:.1f}")
        print(f"  aws sts assume-role (awscli, keys on client)   {theirs_ms:8.1f}"
              f"   p90 {sorted(theirs)[int(runs * 0.9) - 1]:.1f}")
        print(f"  ratio {theirs_ms / ours_ms:.1f}x faster")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
