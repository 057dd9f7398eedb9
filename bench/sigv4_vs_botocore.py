#!/usr/bin/env python3
"""SigV4 signatures per second: Latchkey's signer vs botocore's S3SigV4Auth and vs the floor (one
SHA-256 of the canonical request and one HMAC with a derived key, OpenSSL in the same process),
same request, same run.

Usage: bench/sigv4_vs_botocore.py build/bench/sigv4_throughput
"""
import datetime
import json
import subprocess
import sys
import time

from bench_table import record

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

FIXED = datetime.datetime(2026, 11, 23, 12, 0, 0)


class _FixedClock(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return FIXED

    @classmethod
    def now(cls, tz=None):
        return FIXED if tz is None else FIXED.replace(tzinfo=tz)


def botocore_per_second(iterations):
    botocore.auth.datetime.datetime = _FixedClock
    creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "t" * 400)
    signer = botocore.auth.S3SigV4Auth(creds, "s3", "us-east-1")
    start = time.perf_counter()
    for _ in range(iterations):
        request = AWSRequest(method="GET",
                             url="https://s3.us-east-1.amazonaws.com/example-bucket/data/part-00042.parquet",
                             headers={"user-agent": "bench", "range": "bytes=0-1023"})
        signer.add_auth(request)
    return iterations / (time.perf_counter() - start)


def main():
    tool = sys.argv[1] if len(sys.argv) > 1 else "build/bench/sigv4_throughput"
    ours = json.loads(subprocess.run([tool, "300000"], capture_output=True, text=True, check=True).stdout)
    theirs = botocore_per_second(20000)
    print("SigV4 signatures per second (S3 GET with session token, one core)")
    print(f"  latchkey  {ours['per_second']:12,.0f}")
    print(f"  botocore  {theirs:12,.0f}")
    print(f"  floor     {ours['floor_per_second']:12,.0f}   (SHA-256 of the "
          f"{ours['canonical_request_bytes']}-byte canonical request + HMAC, OpenSSL)")
    ratio = ours["per_second"] / theirs
    print(f"  ratio     {ratio:12.1f}x   (target >= 100x: {'met' if ratio >= 100 else 'NOT met'})")
    to_floor = ours["floor_per_second"] / ours["per_second"]
    print(f"  time per signature vs the floor's: {to_floor:.2f}x   (target within 2x: "
          f"{'met' if to_floor <= 2 else 'NOT met'})")
    record("SigV4 signatures/s (S3 GET, session token)", f"{ours['per_second']:,.0f}/s",
           f"floor {ours['floor_per_second']:,.0f}/s", to_floor, "<= 2x the floor's time",
           to_floor <= 2)


if __name__ == "__main__":
    main()
