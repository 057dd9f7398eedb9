#!/usr/bin/env python3
"""HTTP throughput of `latchkey server` against nginx serving the same bytes, with wrk, in one run:

- latchkey (SQLite store) with 50 connectors: GET /api/v1/service_connectors?size=50, and a docker
  connector against a real docker-registry (tests/integration/peers.py): GET .../NAME/client, served
  from the server's credential cache after the first call;
- nginx (/usr/sbin/nginx, config in a temp dir, access_log off) serving two static JSON files of the
  same byte sizes as those two answers.

Every run is `wrk -tT -cC -dD --latency` on loopback with the same Authorization header. Prints
requests/s, p99 latency, the ratio latchkey/nginx (target >= 0.5) and the server's RSS.
Usage: bench/server_vs_nginx.py build/latchkey
Environment: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (32), BENCH_THREADS (2).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import latchkey_server  # noqa: E402
import peers  # noqa: E402
from process_util import clean_env, free_port, pdeathsig, stop_process  # noqa: E402
from bench_table import record  # noqa: E402

NGINX = os.environ.get("LATCHKEY_BENCH_NGINX", "/usr/sbin/nginx")
CONNECTORS = "/api/v1/service_connectors"


def fetch(url, token):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=30) as resp:
        if resp.status != 200:
            sys.exit(f"GET {url}: HTTP {resp.status}")
        return resp.read()


def redacted_same_size(body: bytes, secret_values) -> bytes:
    """The answer with every secret value replaced by as many 'x' (same JSON, same byte count)."""
    for value in secret_values:
        raw = json.dumps(value)[1:-1].encode()
        body = body.replace(raw, b"x" * len(raw))
    return body


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]


def wrk(url, token, duration, connections, threads):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "-H", "Authorization: Bearer " + token, url]
    out = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(),
                         timeout=duration + 60)
    if out.returncode != 0:
        sys.exit(f"wrk failed on {url}:\n{out.stdout}{out.stderr}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    p99 = re.search(r"^\s+99%\s+(\S+)", out.stdout, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    socket_errors = re.search(r"Socket errors: (.*)", out.stdout)
    if not rps or not p99:
        sys.exit(f"cannot read wrk's output for {url}:\n{out.stdout}")
    return {"rps": float(rps.group(1)), "p99_ms": to_ms(p99.group(1)),
            "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class Nginx:
    """nginx in a temp dir: `-p DIR -c nginx.conf`, daemon off, loopback port, stopped by PID."""

    def __init__(self, files: dict):
        self.dir = tempfile.mkdtemp(prefix="latchkey-bench-nginx-")
        os.chmod(self.dir, 0o755)  # workers may run as another user when started by root
        www = os.path.join(self.dir, "www")
        os.makedirs(www, mode=0o755)
        for name, data in files.items():
            with open(os.path.join(www, name), "wb") as f:
                f.write(data)
            os.chmod(os.path.join(www, name), 0o644)
        self.port = free_port()
        temp = os.path.join(self.dir, "temp")
        os.makedirs(temp, mode=0o755)
        conf = f"""
worker_processes 2;
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    types {{ application/json json; }}
    default_type application/json;
    server {{
        listen 127.0.0.1:{self.port};
        root {www};
    }}
}}
"""
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(conf)
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-c", "nginx.conf", "-e",
                                      os.path.join(self.dir, "error.log")],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, preexec_fn=pdeathsig)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit("nginx exited: " + self.proc.stderr.read().decode() + self.log())
            try:
                urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                    self.url + "/", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # 403/404 on / : it answers
            except OSError:
                time.sleep(0.05)
        self.stop()
        sys.exit("nginx did not start: " + self.log())

    def log(self):
        try:
            with open(os.path.join(self.dir, "error.log")) as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def stop(self):
        stop_process(self.proc, timeout=10)  # SIGTERM to the master's PID: fast shutdown
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/latchkey")
    os.environ["LATCHKEY_BIN"] = binary
    duration = int(os.environ.get("BENCH_DURATION", "10"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "32"))
    threads = int(os.environ.get("BENCH_THREADS", "2"))
    for tool in ("wrk", NGINX):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (Debian: wrk, nginx-light)")

    srv = latchkey_server.LatchkeyServer()
    nginx = None
    try:
        with peers.docker_registry() as reg:
            srv.start()
            api = srv.admin()
            for i in range(50):
                status, body = api.post(CONNECTORS, {
                    "name": f"bench-{i:02d}", "connector_type": "docker", "auth_method": "password",
                    "configuration": {"registry": f"https://registry-{i}.example:5000",
                                      "username": "bench"},
                    "secrets": {"password": f"pw-{i:02d}-not-used"}, "labels": {"team": f"t{i % 5}"},
                    "verify": False})
                if status != 201:
                    sys.exit(f"creating bench-{i:02d}: {status} {body}")
            status, body = api.post(CONNECTORS, {
                "name": "registry", "connector_type": "docker", "auth_method": "password",
                "configuration": {"registry": reg.url, "username": reg.username},
                "secrets": {"password": reg.password}, "verify": True})
            if status != 201:
                sys.exit(f"creating the registry connector: {status} {body}")

            list_path = f"{CONNECTORS}?size=50"
            client_path = f"{CONNECTORS}/registry/client?resource_id={reg.hostport}"
            list_body = fetch(srv.url + list_path, api.token)
            client_body = fetch(srv.url + client_path, api.token)  # also warms the cache
            if json.loads(list_body)["total"] != 51 or len(json.loads(list_body)["items"]) != 50:
                sys.exit("the list answer does not hold 50 connectors")
            nginx = Nginx({"list.json": list_body,
                           "client.json": redacted_same_size(client_body, [reg.password])}).start()
            for name, expect in (("list.json", len(list_body)), ("client.json", len(client_body))):
                got = len(fetch(f"{nginx.url}/{name}", api.token))
                if got != expect:
                    sys.exit(f"nginx serves {got} bytes for {name}, latchkey {expect}")

            rss_before = rss_kb(srv.pid)
            runs = [("GET service_connectors?size=50", srv.url + list_path, nginx.url + "/list.json",
                     len(list_body)),
                    ("GET .../registry/client (cached)", srv.url + client_path,
                     nginx.url + "/client.json", len(client_body))]
            print(f"latchkey server vs nginx, wrk -t{threads} -c{connections} -d{duration}s on "
                  f"loopback ({os.cpu_count()} CPUs shared by server, nginx and wrk)")
            print(f"  {'request':<34} {'bytes':>6} {'latchkey req/s':>15} {'p99 ms':>8} "
                  f"{'nginx req/s':>12} {'p99 ms':>8} {'ratio':>6}")
            ratios = []
            for label, ours_url, theirs_url, size in runs:
                ours = wrk(ours_url, api.token, duration, connections, threads)
                theirs = wrk(theirs_url, api.token, duration, connections, threads)
                for who, r in (("latchkey", ours), ("nginx", theirs)):
                    if r["non2xx"] or r["socket_errors"]:
                        print(f"  WARNING {who} {label}: {r['non2xx']} non-2xx answers, "
                              f"socket errors: {r['socket_errors'] or 'none'}")
                ratio = ours["rps"] / theirs["rps"]
                ratios.append(ratio)
                print(f"  {label:<34} {size:>6} {ours['rps']:>15.0f} {ours['p99_ms']:>8.2f} "
                      f"{theirs['rps']:>12.0f} {theirs['p99_ms']:>8.2f} {ratio:>6.2f}")
                record(f"server: {label}, wrk -t{threads} -c{connections}",
                       f"{ours['rps']:.0f} req/s", f"nginx, same bytes {theirs['rps']:.0f} req/s",
                       ratio, ">= 0.5x nginx", ratio >= 0.5)
            nginx_rss = sum(rss_kb(p) for p in [nginx.proc.pid, *children(nginx.proc.pid)])
            print(f"  latchkey server RSS: {rss_before / 1024:.1f} MiB before the runs, "
                  f"{rss_kb(srv.pid) / 1024:.1f} MiB after (peak {rss_kb(srv.pid, 'VmHWM') / 1024:.1f}"
                  f" MiB); nginx master + workers: {nginx_rss / 1024:.1f} MiB")
            worst = min(ratios)
            print(f"  target latchkey/nginx >= 0.5: {'met' if worst >= 0.5 else 'NOT met'} "
                  f"(lowest ratio {worst:.2f})")
    finally:
        if nginx:
            nginx.stop()
        srv.close()


if __name__ == "__main__":
    main()
