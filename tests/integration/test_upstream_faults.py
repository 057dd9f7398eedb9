"""Faults from upstream: a real docker-registry and moto behind a fault-injecting proxy.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_upstream_faults.py

Every call ends within its bound with a one-line error naming the upstream and the cause;
idempotent calls (GET) are retried with jittered backoff and honour Retry-After; a POST is never
retried blindly; an oversized answer is refused without being held; TLS with an untrusted
certificate or another host's name is refused. Throughout, another user's unrelated requests are
timed and their p50/p99 printed (a report, not an assertion: tests never assert on wall time).
"""

from __future__ import annotations

import os
import secrets
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fakes"))
import aws_peers  # noqa: E402
import peers  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from latchkey_server import latchkey_server  # noqa: E402
from upstream_faults import Bystander  # noqa: E402

API = "/api/v1"


class UpstreamFaultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.user, cls.password = "reg-" + secrets.token_hex(3), "pw-" + secrets.token_hex(10)
        cls.reg = cls.enterClassContext(peers.docker_registry("htpasswd", cls.user, cls.password))
        cls.proxy = cls.enterClassContext(FaultProxy(cls.reg.url))
        cls.srv = cls.enterClassContext(latchkey_server(args=["--provider-timeout", "4"]))
        cls.admin = cls.srv.admin()
        status, body = cls.admin.post(f"{API}/users", {"name": "bystander",
                                                      "password": "bystander-pw-1234"})
        assert status == 201, body
        cls.bystander = Bystander(cls.srv.client("bystander", "bystander-pw-1234"))

    @classmethod
    def tearDownClass(cls):
        print("\n" + cls.bystander.report(), file=sys.stderr)
        assert not cls.bystander.failures, cls.bystander.failures[:3]

    def verify(self, registry: str | None = None) -> dict:
        draft = {"name": "f-" + secrets.token_hex(4), "connector_type": "docker",
                 "auth_method": "password",
                 "configuration": {"registry": registry or self.proxy.url, "username": self.user},
                 "secrets": {"password": self.password}}
        status, body = self.admin.post(f"{API}/service_connectors/verify", draft)
        self.assertEqual(status, 200, body)
        return body

    def v2_requests(self, since: int) -> list[str]:
        return [f for m, p, f in self.proxy.requests[since:] if p.startswith("/v2/")]

    def assertOneLineNaming(self, error: str | None, *parts: str):
        self.assertTrue(error, "expected an error")
        self.assertNotIn("\n", error)
        self.assertIn(self.proxy.url.split("://")[1], error)
        for part in parts:
            self.assertIn(part, error)

    def test_transient_statuses_are_retried_until_they_pass(self):
        for fault, times in (("503", 2), ("429-ra", 1), ("429", 2), ("delay", 1)):
            with self.subTest(fault=fault):
                self.proxy.plan(fault, times=times, seconds=1)
                before = len(self.proxy.requests)
                body = self.verify()
                self.assertFalse(body.get("error"), f"{fault}: {body}")
                self.assertEqual(self.v2_requests(before).count(fault), times)

    def test_a_status_that_stays_bad_ends_after_three_attempts(self):
        self.proxy.plan("503")
        before = len(self.proxy.requests)
        body = self.verify()
        self.assertOneLineNaming(body["error"], "503")
        self.assertEqual(self.v2_requests(before), ["503"] * 3)

    def test_a_server_error_is_not_retried(self):
        self.proxy.plan("500")
        before = len(self.proxy.requests)
        body = self.verify()
        self.assertOneLineNaming(body["error"], "500")
        self.assertEqual(self.v2_requests(before), ["500"])

    def test_dropped_and_cut_short_answers(self):
        for fault in ("reset", "truncate"):
            with self.subTest(fault=fault):
                self.proxy.plan(fault)
                before = len(self.proxy.requests)
                body = self.verify()
                self.assertOneLineNaming(body["error"])
                self.assertEqual(self.v2_requests(before), [fault] * 3)
        # Once the fault clears, the same draft verifies.
        self.proxy.plan("reset", times=1)
        self.assertFalse(self.verify().get("error"))

    def test_a_dripping_answer_ends_at_the_timeout(self):
        self.proxy.plan("drip")
        body = self.verify()
        self.assertOneLineNaming(body["error"], "Timeout was reached")

    def test_an_oversized_answer_is_refused(self):
        self.proxy.plan("oversized")
        body = self.verify()
        self.assertOneLineNaming(body["error"], "exceeds 32 MiB")

    def test_tls_faults(self):
        for tls, words in (("untrusted", ("certificate",)), ("wrong-host", ("certificate",))):
            with self.subTest(tls=tls), FaultProxy(self.reg.url, tls=tls) as bad:
                body = self.verify(bad.url)
                error = body.get("error") or ""
                self.assertTrue(error)
                self.assertNotIn("\n", error)
                self.assertIn(bad.url.split("://")[1], error)
                self.assertTrue(any(w in error.lower() for w in words), error)
                self.assertEqual(bad.requests, [], "no request may cross an untrusted channel")


class AwsFaultsTest(unittest.TestCase):
    """AWS's own retry loop (it re-signs every attempt) against moto behind the proxy."""

    def test_sts_through_throttling_and_a_post_that_fails(self):
        moto = self.enterContext(aws_peers.moto_server())
        proxy = self.enterContext(FaultProxy(moto.endpoint))
        with latchkey_server(args=["--provider-timeout", "5"]) as srv:
            admin = srv.admin()
            draft = {"name": "aws-" + secrets.token_hex(3), "connector_type": "aws",
                     "auth_method": "secret-key", "resource_types": ["aws-generic"],
                     "configuration": {"region": moto.region, "endpoint_url": proxy.url},
                     "secrets": {"aws_access_key_id": moto.access_key_id,
                                 "aws_secret_access_key": moto.secret_access_key}}
            proxy.plan("429-ra", times=2)
            status, body = admin.post(f"{API}/service_connectors/verify", draft)
            self.assertEqual(status, 200, body)
            self.assertFalse(body.get("error"), body)
            self.assertEqual(proxy.faults("429-ra"), 2)
            proxy.plan("500")
            status, body = admin.post(f"{API}/service_connectors/verify", draft)
            self.assertEqual(status, 200, body)
            self.assertTrue(body.get("error"))
            self.assertNotIn("\n", body["error"])
            self.assertIn("500", body["error"])


if __name__ == "__main__":
    unittest.main()
