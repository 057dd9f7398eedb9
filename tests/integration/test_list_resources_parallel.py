"""list-resources verifies every connector at once, up to a bound, in the CLI and in the server.

    python3 -m unittest tests/integration/test_list_resources_parallel.py -v

The registries are tests/fakes/slow_registry.py: slow answers, and a gate that holds the first
requests until N are in flight together, so "all N verified concurrently" is checked without
timing anything (a client working in waves never fills the gate and gets 503s).
"""

from __future__ import annotations

import os
import secrets
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fakes"))
import cli  # noqa: E402
from latchkey_server import latchkey_server  # noqa: E402
from slow_registry import SlowRegistry  # noqa: E402

CONNECTORS = 20


class ListResourcesParallelTest(cli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.user = "slowuser"
        self.password = self.env.add_secret("slow-pw-" + secrets.token_hex(12), "registry password")

    def register_all(self, registry: SlowRegistry, count: int = CONNECTORS):
        for i in range(count):
            self.lk_ok("service-connector", "register", f"slow-{i:02d}", "--type", "docker",
                       "--auth-method", "password", f"--username={self.user}",
                       f"--password={self.password}", f"--registry={registry.url}", "--no-verify")

    def assertAllReached(self, reports, count: int = CONNECTORS):
        self.assertEqual(len(reports), count, reports)
        for report in reports:
            self.assertIsNone(report["error"], report)
            ids = [i for res in report["resources"] for i in res["resource_ids"]]
            self.assertEqual(len(ids), 1, report)

    def test_every_connector_is_verified_at_once(self):
        with SlowRegistry(self.user, self.password, delay=0.2, gate=CONNECTORS) as registry:
            self.register_all(registry)
            reports = self.lk_json("service-connector", "list-resources")
            self.assertAllReached(reports)
            self.assertGreaterEqual(registry.peak, CONNECTORS)

    def test_the_bound_is_respected_and_configurable(self):
        with SlowRegistry(self.user, self.password, delay=0.05) as registry:
            self.register_all(registry, 12)
            reports = self.lk_json("service-connector", "list-resources",
                                   env_extra={"LATCHKEY_VERIFY_PARALLELISM": "3"})
            self.assertAllReached(reports, 12)
            self.assertLessEqual(registry.peak, 3)
            self.assertEqual(registry.requests, 24)  # a probe and an authenticated call each

    def test_a_bad_bound_is_one_clear_error(self):
        for bad in ("0", "257", "many", "4x"):
            r = self.lk_fail("service-connector", "list-resources",
                             env_extra={"LATCHKEY_VERIFY_PARALLELISM": bad})
            self.assertOneLineError(r, "LATCHKEY_VERIFY_PARALLELISM must be a whole number from 1 "
                                       "to 256")

    def test_the_server_verifies_at_once_too(self):
        with SlowRegistry(self.user, self.password, delay=0.2, gate=CONNECTORS) as registry, \
                latchkey_server(args=["--verify-parallelism", "32"]) as server:
            admin = server.admin()
            for i in range(CONNECTORS):
                status, body = admin.post("/api/v1/service_connectors", {
                    "name": f"slow-{i:02d}", "connector_type": "docker", "auth_method": "password",
                    "configuration": {"username": self.user, "registry": registry.url},
                    "secrets": {"password": self.password},
                    "verify": False})
                self.assertEqual(status, 201, body)
            status, reports = admin.get("/api/v1/service_connectors/resources")
            self.assertEqual(status, 200, reports)
            self.assertAllReached(reports)
            self.assertGreaterEqual(registry.peak, CONNECTORS)


if __name__ == "__main__":
    unittest.main()
