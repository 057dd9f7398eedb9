#!/usr/bin/env python3
"""Time to the dashboard's connectors list being interactive, in Chromium on loopback.

    python3 bench/dashboard_load.py build/latchkey

Starts a real `latchkey server`, registers 50 and then 10,000 connectors over the REST API
(unverified), and for each size has bench/dashboard_load.mjs (playwright-core driving Debian's
Chromium) load /connectors several times. "list interactive" is the time from the navigation's
start to the app's performance mark, set in the first animation frame after the first page of
rows is rendered (the search box and links are live then); "seen by the driver" is the same
load timed from outside by Playwright (goto plus waiting for the rows, with its polling). The
baseline, measured in the same page right after, is the
list API call the page makes (first page of 25), fetched and parsed alone; the ratio is the
dashboard's own cost on top of the API. Needs web/node_modules (npm ci in web/) and
/usr/bin/chromium.
"""
import concurrent.futures
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
from latchkey_server import latchkey_server  # noqa: E402


def register(client, start, stop):
    def one(i):
        status, body = client.post("/api/v1/service_connectors", {
            "name": f"bench-{i:05d}", "connector_type": "docker", "auth_method": "password",
            "configuration": {"registry": f"registry-{i}.example:5000", "username": "bench"},
            "secrets": {"password": f"pw-{i}"}, "labels": {"team": f"t{i % 10}"}, "verify": False})
        if status not in (200, 201):
            raise SystemExit(f"registration failed: {status} {body}")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(start, stop)))


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/latchkey")
    os.environ["LATCHKEY_BIN"] = binary
    runs = os.environ.get("BENCH_RUNS", "7")
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "50,10000").split(",")]
    with latchkey_server() as srv:
        admin = srv.admin()
        done = 0
        print(f"{'connectors':>10} {'list interactive':>17} {'min':>7} {'API call alone':>15} {'ratio':>6}"
              f" {'seen by the driver':>19}")
        for size in sizes:
            register(admin, done, size)
            done = size
            out = subprocess.run(["node", os.path.join(HERE, "dashboard_load.mjs"), srv.url, "admin",
                                  srv.admin_password, runs], capture_output=True, text=True, timeout=600)
            if out.returncode != 0:
                raise SystemExit("browser run failed:\n" + out.stdout + out.stderr)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{size:>10} {r['ui_ms']:>14.0f} ms {r['ui_min_ms']:>4.0f} ms {r['api_ms']:>12.1f} ms "
                  f"{r['ui_ms'] / max(r['api_ms'], 0.1):>5.1f}x {r['driver_wall_ms']:>16.0f} ms", flush=True)


if __name__ == "__main__":
    main()
