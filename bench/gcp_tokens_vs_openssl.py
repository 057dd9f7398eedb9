#!/usr/bin/env python3
"""GCP access tokens per second from a service-account connector, cold and cached, against the
machine's RSA-2048 signing rate (`openssl speed rsa2048`) in the same run: a cold token costs
one RS256 signature, so the cold rate should sit just under openssl's.

Usage: bench/gcp_tokens_vs_openssl.py build/bench/gcp_token_throughput
"""
import json
import re
import subprocess
import sys


def openssl_signs_per_second(seconds=3):
    out = subprocess.run(["openssl", "speed", "-seconds", str(seconds), "rsa2048"],
                         capture_output=True, text=True, check=True).stdout
    # "rsa 2048 bits 0.000614s 0.000017s   1628.7  58823.5" -> sign/s is the third number.
    for line in out.splitlines():
        m = re.match(r"\s*rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)", line)
        if m:
            return float(m.group(1))
    raise SystemExit("could not read openssl speed's output:\n" + out)


def main():
    tool = sys.argv[1] if len(sys.argv) > 1 else "build/bench/gcp_token_throughput"
    ours = json.loads(subprocess.run([tool, "2000"], capture_output=True, text=True,
                                     check=True).stdout)
    signs = openssl_signs_per_second()
    print("GCP access tokens per second from a service-account connector (one core)")
    print(f"  cold (sign + exchange)   {ours['cold_per_second']:12,.0f}")
    print(f"  cached                   {ours['cached_per_second']:12,.0f}")
    print(f"  openssl rsa2048 sign/s   {signs:12,.0f}")
    print(f"  cold / openssl           {ours['cold_per_second'] / signs:12.2f}   "
          "(1.0 = bound by RSA signing alone)")
    print(f"  cached / cold            {ours['cached_per_second'] / ours['cold_per_second']:12,.0f}x")


if __name__ == "__main__":
    main()
