#!/usr/bin/env python3
"""Soak: `latchkey server` under mixed load for SOAK_SECONDS (default 600), with its resident
memory and open file descriptors sampled; fails if either grows.

    SOAK_SECONDS=600 python3 bench/soak.py build/latchkey        # make soak

Load (loopback only, bounded in count and time): client threads of two users and an admin
loop over connector and secret creates, updates, deletes and secret rotations on a bounded set
of names, list pages with filters, gets with and without expand_secrets, logins and logouts
(new API tokens, then revoked), failed logins of a third user name (within the throttle), a
verify against a closed loopback port (outbound pool), /health and /metrics. Every
SAMPLE_SECONDS (default 5) the server's VmRSS (/proc/PID/status) and the number of entries in
/proc/PID/fd are sampled.

Growth: the samples are cut in thirds; the first is warm-up (caches, pools and the allocator
filling up) and ignored, and the median of the last third is compared with the median of the
second. RSS may rise by at
most max(8 MiB, 10%), descriptors by at most 8 (keep-alive connections, the pools). The run
prints the samples' summary and the request counts, and exits 1 on growth or on a request that
failed unexpectedly.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
from latchkey_server import latchkey_server  # noqa: E402

API = "/api/v1"
NAMES_PER_THREAD = 20


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


class Load:
    def __init__(self, srv, deadline: float):
        self.srv, self.deadline = srv, deadline
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.failures: list[str] = []

    def count(self, what: str, status: int, ok=(200, 201, 204)):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1
            if status not in ok and len(self.failures) < 50:
                self.failures.append(f"{what}: HTTP {status}")

    def writer(self, client, tag: str, rng: random.Random):
        names = [f"soak-{tag}-{i}" for i in range(NAMES_PER_THREAD)]
        present: dict[str, str] = {}
        while time.monotonic() < self.deadline:
            name = rng.choice(names)
            kind = "connector" if hash(name) % 2 else "secret"
            value = secrets.token_hex(16)
            if name not in present:
                if kind == "connector":
                    status, _ = client.post(f"{API}/service_connectors", {
                        "name": name, "connector_type": "docker", "auth_method": "password",
                        "verify": False, "labels": {"soak": tag},
                        "configuration": {"registry": "http://127.0.0.1:9", "username": "u"},
                        "secrets": {"password": value}})
                else:
                    status, _ = client.post(f"{API}/secrets",
                                            {"name": name, "values": {"v": value}})
                self.count(f"{kind}.create", status)
                if status == 201:
                    present[name] = kind
            elif rng.random() < 0.2:
                path = "service_connectors" if kind == "connector" else "secrets"
                status, _ = client.delete(f"{API}/{path}/{name}")
                self.count(f"{kind}.delete", status)
                present.pop(name, None)
            elif kind == "connector":
                status, _ = client.put(f"{API}/service_connectors/{name}", {
                    "description": "d" + value[:8], "verify": False,
                    "secrets": {"password": value}})
                self.count("connector.update", status)
            else:
                status, _ = client.put(f"{API}/secrets/{name}", {"values": {"v": value}})
                self.count("secret.rotate", status)

    def reader(self, client, tag: str, rng: random.Random):
        while time.monotonic() < self.deadline:
            roll = rng.random()
            if roll < 0.3:
                status, _ = client.get(f"{API}/service_connectors",
                                       query={"size": "20", "label": f"soak={tag}",
                                              "sort_by": "desc:updated"})
                self.count("connector.list", status)
            elif roll < 0.5:
                status, _ = client.get(f"{API}/secrets", query={"name": "startswith:soak-"})
                self.count("secret.list", status)
            elif roll < 0.7:
                name = f"soak-{tag}-{rng.randrange(NAMES_PER_THREAD)}"
                path = "service_connectors" if hash(name) % 2 else "secrets"
                status, _ = client.get(f"{API}/{path}/{name}",
                                       query={"expand_secrets": "true"})
                self.count("get", status, ok=(200, 404))
            elif roll < 0.8:
                status, _ = client.get("/health")
                self.count("health", status)
            elif roll < 0.9:
                status, _ = client.get("/metrics")
                self.count("metrics", status)
            else:
                status, _ = client.post(f"{API}/service_connectors/verify", {
                    "name": "soak-verify", "connector_type": "docker", "auth_method": "password",
                    "configuration": {"registry": "http://127.0.0.1:9", "username": "u"},
                    "secrets": {"password": "p"}})
                self.count("verify.closed-port", status)
            time.sleep(0.005)

    def sessions(self, user: str, password: str):
        """Logins (each a new API token), a use of it, and logout; and a wrong password for a
        user name that does not exist, slowly enough to stay within the login throttle."""
        base = self.srv.client()
        n = 0
        while time.monotonic() < self.deadline:
            c = self.srv.client()
            status, body = c.post(f"{API}/login", {"username": user, "password": password})
            self.count("login", status)
            if status == 200:
                c.token = body["token"]
                status, _ = c.get(f"{API}/service_connectors", query={"size": "5"})
                self.count("token.use", status)
                status, _ = c.post(f"{API}/logout")
                self.count("logout", status, ok=(200, 204))
            n += 1
            if n % 10 == 0:
                status, _ = base.post(f"{API}/login", {"username": "nobody-" + str(n % 3),
                                                       "password": "wrong-password"})
                self.count("login.refused", status, ok=(401, 429))
            time.sleep(0.2)


def main(argv=None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    if not argv:
        print("usage: soak.py LATCHKEY_BINARY", file=sys.stderr)
        return 2
    os.environ["LATCHKEY_BIN"] = argv[0]
    seconds = float(os.environ.get("SOAK_SECONDS", "600"))
    every = float(os.environ.get("SAMPLE_SECONDS", "5"))
    samples: list[tuple[float, int, int]] = []
    with latchkey_server() as srv:
        admin = srv.admin()
        users = []
        for i in range(2):
            name, password = f"soak-user-{i}", "soak-pw-" + secrets.token_hex(8)
            status, body = admin.post(f"{API}/users", {"name": name, "password": password})
            if status != 201:
                raise SystemExit(f"creating {name}: {status} {body}")
            users.append((name, password, srv.client(name, password)))
        start = time.monotonic()
        load = Load(srv, start + seconds)
        threads = []
        for i, (name, password, client) in enumerate(users):
            threads.append(threading.Thread(target=load.writer,
                                            args=(client, f"u{i}", random.Random(i))))
            threads.append(threading.Thread(target=load.reader,
                                            args=(client, f"u{i}", random.Random(100 + i))))
            threads.append(threading.Thread(target=load.sessions, args=(name, password)))
        threads.append(threading.Thread(target=load.writer,
                                        args=(admin, "admin", random.Random(7))))
        for t in threads:
            t.daemon = True
            t.start()
        pid = srv.pid
        print(f"soak: {seconds:.0f} s of mixed load on server pid {pid}, sampling every "
              f"{every:.0f} s", flush=True)
        while time.monotonic() < start + seconds:
            samples.append((time.monotonic() - start, rss_kib(pid), fd_count(pid)))
            t, rss, fds = samples[-1]
            if len(samples) % 12 == 1:
                print(f"  t={t:5.0f} s  RSS {rss / 1024:7.1f} MiB  fds {fds}", flush=True)
            time.sleep(every)
        for t in threads:
            t.join(timeout=60)
        samples.append((time.monotonic() - start, rss_kib(pid), fd_count(pid)))
    total = sum(load.counts.values())
    print(f"requests: {total} ({total / seconds:.0f}/s): " +
          ", ".join(f"{k} {v}" for k, v in sorted(load.counts.items())))
    failed = False
    if load.failures:
        print(f"unexpected answers: {load.failures[:10]}")
        failed = True
    third = len(samples) // 3
    if third < 2:
        print(f"too few samples ({len(samples)}): run longer")
        return 1
    early, late = samples[third:2 * third], samples[2 * third:]
    rss_early = statistics.median(s[1] for s in early) / 1024
    rss_late = statistics.median(s[1] for s in late) / 1024
    fd_early = statistics.median(s[2] for s in early)
    fd_late = statistics.median(s[2] for s in late)
    rss_all = [s[1] / 1024 for s in samples]
    fd_all = [s[2] for s in samples]
    print(f"samples: {len(samples)}; RSS MiB min {min(rss_all):.1f} max {max(rss_all):.1f}, "
          f"median after warm-up {rss_early:.1f} -> {rss_late:.1f} "
          f"({rss_late - rss_early:+.1f}); fds min {min(fd_all)} max {max(fd_all)}, median "
          f"{fd_early:.0f} -> {fd_late:.0f} ({fd_late - fd_early:+.0f})")
    if rss_late - rss_early > max(8.0, 0.10 * rss_early):
        print("FAILED: RSS grows")
        failed = True
    if fd_late - fd_early > 8:
        print("FAILED: open file descriptors grow")
        failed = True
    print("FAILED" if failed else "OK: neither RSS nor open descriptors grow")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
