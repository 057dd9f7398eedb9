#!/usr/bin/env python3
"""Another user's latency while anyone floods /api/v1/login with wrong passwords (issue 14,
finding 7), for a baseline binary and this one side by side.

    python3 bench/login_flood.py BASELINE_BIN [CANDIDATE_BIN]   # candidate: build/latchkey

For each binary: a fresh server on 127.0.0.1, a user who keeps calling GET /api/v1/current-user,
and FLOOD_THREADS connections sending wrong logins for made-up names for FLOOD_SECONDS. Prints
the failed-login rate, the other user's median and p90 latency quietly and under the flood, and
the ratios. Nothing here is asserted: the figures are the result.
"""
import json
import os
import secrets
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import cli  # noqa: E402
from latchkey_server import LatchkeyServer  # noqa: E402

THREADS = int(os.environ.get("FLOOD_THREADS", "32"))
SECONDS = float(os.environ.get("FLOOD_SECONDS", "10"))


def post_login(url, name, password):
    req = urllib.request.Request(url + "/api/v1/login", method="POST",
                                 data=json.dumps({"username": name, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def sample_latency(client, stop, out):
    while not stop.is_set():
        start = time.perf_counter()
        client.get("/api/v1/current-user")
        out.append((time.perf_counter() - start) * 1000.0)
        time.sleep(0.02)


def measure(binary):
    os.environ["LATCHKEY_BIN"] = binary
    srv = LatchkeyServer().start()
    try:
        admin = srv.admin()
        admin.post("/api/v1/users", {"name": "victim", "password": "victim-password"})
        victim = srv.client("victim", "victim-password")
        quiet, stop = [], threading.Event()
        sampler = threading.Thread(target=sample_latency, args=(victim, stop, quiet))
        sampler.start()
        time.sleep(3)
        stop.set()
        sampler.join()
        loud, stop, statuses = [], threading.Event(), []

        def flood():
            while not stop.is_set():
                statuses.append(post_login(srv.url, "u" + secrets.token_hex(4), "wrong-password"))

        sampler = threading.Thread(target=sample_latency, args=(victim, stop, loud))
        floods = [threading.Thread(target=flood) for _ in range(THREADS)]
        for t in floods + [sampler]:
            t.start()
        time.sleep(SECONDS)
        stop.set()
        for t in floods + [sampler]:
            t.join()
        return {"quiet_median": statistics.median(quiet),
                "flood_median": statistics.median(loud),
                "flood_p90": statistics.quantiles(loud, n=10)[-1],
                "logins_per_s": len(statuses) / SECONDS,
                "refused_401": statuses.count(401), "refused_429": statuses.count(429)}
    finally:
        srv.close()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    baseline = os.path.abspath(sys.argv[1])
    candidate = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else cli.latchkey_bin())
    results = {name: measure(b) for name, b in (("baseline", baseline), ("candidate", candidate))}
    for name, r in results.items():
        print(f"{name:9s}: {r['logins_per_s']:7.0f} failed logins/s (401: {r['refused_401']}, "
              f"429: {r['refused_429']}); other user's median {r['quiet_median']:.1f} ms quiet, "
              f"{r['flood_median']:.1f} ms under the flood (p90 {r['flood_p90']:.1f} ms)")
    b, c = results["baseline"], results["candidate"]
    print(f"flood median / quiet median: baseline {b['flood_median'] / b['quiet_median']:.1f}x, "
          f"candidate {c['flood_median'] / c['quiet_median']:.1f}x; candidate flood median is "
          f"{b['flood_median'] / c['flood_median']:.1f}x lower than the baseline's")


if __name__ == "__main__":
    main()
