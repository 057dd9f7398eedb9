#!/usr/bin/env python3
"""Artifact store throughput against `aws s3 cp`, in one run, on the same moto (IAM enforced):

- latchkey: `latchkey artifact-store cp FILE store:KEY` (upload) and `cp store:KEY FILE`
  (download) through an s3 artifact store connected to an iam-role connector (the transfer uses
  the role's bucket-scoped session credentials);
- baseline: `aws s3 cp` of the same file both ways with the user's own keys.

Prints MiB/s for each direction and the ratio latchkey/awscli. Both outputs are compared with the
input byte for byte.
Usage: bench/artifact_store_vs_aws_s3_cp.py build/latchkey
Environment: BENCH_MIB (object size, default 256).
"""
import filecmp
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import aws_peers  # noqa: E402
from process_util import clean_env  # noqa: E402
from bench_table import record  # noqa: E402
from process_timing import samples_ms  # noqa: E402


def timed(cmd, env):
    """Seconds one run of `cmd` takes."""
    return samples_ms(cmd, env, 1)[0] / 1000


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/latchkey")
    mib = int(os.environ.get("BENCH_MIB", "256"))
    aws = shutil.which("aws")
    if not aws:
        sys.exit("awscli (`aws`) is not installed")
    work = tempfile.mkdtemp(prefix="latchkey-bench-artifacts-")
    try:
        source = os.path.join(work, "object.bin")
        with open(source, "wb") as f:
            for _ in range(mib):
                f.write(os.urandom(1 << 20))
        with aws_peers.moto_server() as m:
            bucket = m.buckets[0]
            home = os.path.join(work, "home")
            os.makedirs(home)
            env = clean_env(drop_prefixes=("LATCHKEY_", "AWS_"),
                            extra={"LATCHKEY_HOME": home, "HOME": home})
            for cmd in (
                ["service-connector", "register", "s3", "--type", "aws", "--auth-method",
                 "iam-role", f"--role_arn={m.role_arn}", f"--aws_access_key_id={m.access_key_id}",
                 f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                 f"--endpoint_url={m.endpoint}", "-r", "s3-bucket"],
                ["artifact-store", "register", "store", "--flavor", "s3", f"--path=s3://{bucket}"],
                ["artifact-store", "connect", "store", "--connector", "s3"]):
                timed([binary, *cmd], env)
            ours_up = timed([binary, "artifact-store", "cp", source, "store:latchkey.bin"], env)
            ours_file = os.path.join(work, "latchkey.out")
            ours_down = timed([binary, "artifact-store", "cp", "store:latchkey.bin", ours_file],
                              env)
            aws_env = clean_env(drop_prefixes=("AWS_",), extra={
                "HOME": home, "AWS_ACCESS_KEY_ID": m.access_key_id,
                "AWS_SECRET_ACCESS_KEY": m.secret_access_key, "AWS_DEFAULT_REGION": m.region,
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
            theirs_up = timed([aws, "s3", "cp", source, f"s3://{bucket}/awscli.bin",
                               "--endpoint-url", m.endpoint, "--only-show-errors"], aws_env)
            theirs_file = os.path.join(work, "awscli.out")
            theirs_down = timed([aws, "s3", "cp", f"s3://{bucket}/awscli.bin", theirs_file,
                                 "--endpoint-url", m.endpoint, "--only-show-errors"], aws_env)
        for out in (ours_file, theirs_file):
            if not filecmp.cmp(source, out, shallow=False):
                sys.exit(f"{out} differs from the uploaded file")
        print(f"Artifact store throughput, {mib} MiB object on moto (MiB/s, higher is better)")
        for label, ours, theirs in (("upload", ours_up, theirs_up),
                                    ("download", ours_down, theirs_down)):
            print(f"  {label:8}  latchkey artifact-store cp {mib / ours:8.1f}   "
                  f"aws s3 cp {mib / theirs:8.1f}   ratio {theirs / ours:.2f}")
        record(f"artifact-store upload, {mib} MiB object to moto", f"{mib / ours_up:.0f} MiB/s",
               f"aws s3 cp {mib / theirs_up:.0f} MiB/s", theirs_up / ours_up, ">= 3x aws s3 cp",
               theirs_up / ours_up >= 3)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
