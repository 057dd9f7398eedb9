"""Shared by the upstream-fault tests: another user timing unrelated requests (`Bystander`,
whose p50/p99 each test prints: a report, never an assertion) and `FaultCase`, one Latchkey
server with a bystander and the same fault matrix run against whichever peer sits behind a
tests/fakes/fault_proxy.py (the GCP, Azure and Kubernetes fakes; see test_upstream_faults_*.py).

For each peer: a transient status (503, 429 with and without Retry-After) or a delay on an
idempotent call is retried until it passes, with Retry-After's second waited; a status that stays
bad ends after three attempts, a 500 after one; a reset or cut-short answer is retried, then
ends; a dripping answer ends at the provider timeout; an oversized one is refused; TLS that is
not trusted or names another host is refused before a request crosses it. Every error is one
line naming the upstream (the proxy's host:port) and the cause, with no secret in it.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fakes"))
from fault_proxy import FaultProxy  # noqa: E402
from latchkey_server import latchkey_server  # noqa: E402

API = "/api/v1"
TIMEOUT = "2"  # --provider-timeout: each attempt's bound, short to keep the tests fast


class Bystander:
    """Another user listing connectors in a loop; records each request's latency."""

    def __init__(self, client):
        self.client, self.latencies, self.failures = client, [], []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            start = time.monotonic()
            status, body = self.client.get(f"{API}/service_connectors")
            self.latencies.append(time.monotonic() - start)
            if status != 200:
                self.failures.append((status, body))
            time.sleep(0.02)

    def report(self) -> str:
        self.stop.set()
        self.thread.join(timeout=30)
        xs = sorted(self.latencies)
        if not xs:
            return "no bystander requests"
        p = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))] * 1000  # noqa: E731
        return f"bystander: {len(xs)} requests, p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms"


class FaultCase(unittest.TestCase):
    """One server, one bystander, one proxy in front of the peer; subclasses give the draft."""

    proxy: FaultProxy
    secret_values: list[str] = []

    @classmethod
    def start_server(cls):
        cls.srv = cls.enterClassContext(latchkey_server(args=["--provider-timeout", TIMEOUT]))
        cls.admin = cls.srv.admin()
        name, password = "bystander", "bystander-pw-" + secrets.token_hex(6)
        status, body = cls.admin.post(f"{API}/users", {"name": name, "password": password})
        assert status == 201, body
        cls.bystander = Bystander(cls.srv.client(name, password))

    @classmethod
    def tearDownClass(cls):
        print(f"\n{cls.__name__} {cls.bystander.report()}", file=sys.stderr)
        assert not cls.bystander.failures, cls.bystander.failures[:3]
        super().tearDownClass()

    def draft(self, url: str | None = None) -> dict:
        raise NotImplementedError

    def verify(self, draft: dict | None = None) -> dict:
        status, body = self.admin.post(f"{API}/service_connectors/verify", draft or self.draft())
        self.assertEqual(status, 200, body)
        return body

    def since(self, before: int, prefix: str) -> list[str]:
        return [f for m, p, f in self.proxy.requests[before:] if f"{m} {p}".startswith(prefix)]

    def assertOneLineNaming(self, error: str | None, proxy: FaultProxy, *parts: str):
        self.assertTrue(error, "expected an error")
        self.assertNotIn("\n", error)
        self.assertIn(proxy.url.split("://")[1], error, "the error names the upstream")
        for part in parts:
            self.assertIn(part.lower(), error.lower())
        for value in self.secret_values:
            self.assertNotIn(value, error, "no secret in an error")

    # The same fault matrix for every peer, on the idempotent GET `self.get_prefix`.
    def run_get_faults(self):
        for fault, times in (("503", 2), ("429-ra", 1), ("429", 2), ("delay", 1)):
            with self.subTest(fault=fault):
                self.proxy.plan(fault, times=times, seconds=0.5, only=self.get_prefix)
                before = len(self.proxy.requests)
                body = self.verify()
                self.assertFalse(body.get("error"), f"{fault}: {body}")
                self.assertEqual(self.since(before, self.get_prefix).count(fault), times)
                if fault == "429-ra":
                    # Retry-After: 1 was honoured: the retry came at least that second later.
                    at = [t for (m, p, _), t in zip(self.proxy.requests[before:],
                                                     self.proxy.times[before:])
                          if f"{m} {p}".startswith(self.get_prefix)]
                    self.assertGreaterEqual(at[1] - at[0], 0.95)
        for fault, attempts, words in (("503", 3, ("503",)), ("500", 1, ("500",)),
                                       ("reset", 3, ()), ("truncate", 3, ())):
            with self.subTest(fault=fault):
                self.proxy.plan(fault, only=self.get_prefix)
                before = len(self.proxy.requests)
                body = self.verify()
                self.assertOneLineNaming(body.get("error"), self.proxy, *words)
                self.assertEqual(self.since(before, self.get_prefix), [fault] * attempts)
        with self.subTest(fault="drip"):
            self.proxy.plan("drip", only=self.get_prefix)
            self.assertOneLineNaming(self.verify().get("error"), self.proxy, "timeout")
        with self.subTest(fault="oversized"):
            self.proxy.plan("oversized", only=self.get_prefix)
            self.assertOneLineNaming(self.verify().get("error"), self.proxy, "exceeds 32 MiB")
        self.proxy.plan("pass")
        self.assertFalse(self.verify().get("error"))

    def run_tls_faults(self, upstream: str, **proxy_args):
        for tls in ("untrusted", "wrong-host"):
            with self.subTest(tls=tls), FaultProxy(upstream, tls=tls, **proxy_args) as bad:
                body = self.verify(self.draft(bad.url))
                self.assertOneLineNaming(body.get("error"), bad, "certificate")
                self.assertEqual(bad.requests, [], "no request may cross an untrusted channel")
