#!/usr/bin/env python3
"""Cold-process latency of `latchkey credentials aws` as an AWS credential_process, in one run.
A new `latchkey credentials aws C --resource-id s3://B` process per sample (an iam-role
connector on moto with IAM enforced), in four ways:

- embedded store, local credential cache warm ($LATCHKEY_HOME/credential-cache): what awscli
  meets on every call after the first;
- embedded store, --no-cache: every call assumes the role (AssumeRole + HeadBucket at moto);
- through a `latchkey server` (SQLite), local credential cache warm (within its 60 s recheck);
- through the server, --no-cache: the server's in-memory cache answers;

and the baseline: a new `aws sts assume-role` process per sample (awscli obtaining the same kind
of credentials itself, with the long-lived keys on the client, against the same moto).

Prints each median (and p90) with the ratio awscli/latchkey, cached and uncached side by side.
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
from bench_table import record  # noqa: E402
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
            target = ["--resource-id", f"s3://{bucket}"]
            # Embedded store: the same connector registered under a LATCHKEY_HOME of its own.
            local_env = clean_env(drop_prefixes=("LATCHKEY_", "AWS_"), extra={
                "LATCHKEY_HOME": os.path.join(home, "local"), "HOME": home})
            register = subprocess.run(
                [binary, "service-connector", "register", "s3", "--type", "aws",
                 "--auth-method", "iam-role", f"--role_arn={m.role_arn}",
                 f"--aws_access_key_id={m.access_key_id}",
                 f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                 f"--endpoint_url={m.endpoint}", "-r", "s3-bucket"],
                env=local_env, capture_output=True, text=True)
            if register.returncode != 0:
                sys.exit(f"registering the local connector: {register.stderr}")
            remote_env = clean_env(drop_prefixes=("LATCHKEY_", "AWS_"), extra={
                "LATCHKEY_HOME": os.path.join(home, "remote"), "HOME": home,
                "LATCHKEY_URL": srv.url, "LATCHKEY_API_TOKEN": admin.token})
            ours_cmd = [binary, "credentials", "aws", "s3", *target]
            for env in (local_env, remote_env):
                first = subprocess.run(ours_cmd, env=env, capture_output=True, text=True)
                if first.returncode != 0 or json.loads(first.stdout).get("Version") != 1:
                    sys.exit(f"latchkey credentials aws failed: {first.stderr}")
            rows = [
                ("latchkey, embedded store, local cache warm",
                 samples_ms(ours_cmd, local_env, runs)),
                ("latchkey, embedded store, --no-cache (AssumeRole)",
                 samples_ms(ours_cmd + ["--no-cache"], local_env, runs)),
                ("latchkey, via server, local cache warm",
                 samples_ms(ours_cmd, remote_env, runs)),
                ("latchkey, via server, --no-cache (server cache warm)",
                 samples_ms(ours_cmd + ["--no-cache"], remote_env, runs)),
            ]
            aws_env = clean_env(drop_prefixes=("AWS_",), extra={
                "HOME": home, "AWS_ACCESS_KEY_ID": m.access_key_id,
                "AWS_SECRET_ACCESS_KEY": m.secret_access_key, "AWS_DEFAULT_REGION": m.region,
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
            theirs = samples_ms([aws, "sts", "assume-role", "--role-arn", m.role_arn,
                                 "--role-session-name", "bench", "--endpoint-url", m.endpoint],
                                aws_env, runs)
        theirs_ms = statistics.median(theirs)
        p90 = lambda xs: sorted(xs)[max(int(len(xs) * 0.9) - 1, 0)]
        print(f"credential_process latency, a new process per call ({runs} runs, median ms)")
        for label, xs in rows:
            ms = statistics.median(xs)
            print(f"  {label:<54}{ms:8.1f}   p90 {p90(xs):7.1f}   awscli/latchkey "
                  f"{theirs_ms / ms:5.1f}x")
        print(f"  {'aws sts assume-role (awscli, keys on client)':<54}{theirs_ms:8.1f}"
              f"   p90 {p90(theirs):7.1f}")
        for label, xs in rows[:2]:
            ms = statistics.median(xs)
            record(f"credentials aws (iam-role, moto), {label.split(', ', 1)[1]}", f"{ms:.1f} ms",
                   f"aws sts assume-role {theirs_ms:.0f} ms", theirs_ms / ms, ">= 50x faster",
                   theirs_ms / ms >= 50)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
