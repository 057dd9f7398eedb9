"""Faults from upstream: the GCP fake behind the fault-injecting proxy (the fault matrix is in
upstream_faults.py). Google's JWT-bearer grant only mints a token from a key that stays valid and
is retried like a GET; the refresh-token grant is sent once (a server that rotates refresh
tokens would see the old one twice).

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_upstream_faults_gcp.py
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fakes"))
import gcp_peers  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from upstream_faults import FaultCase  # noqa: E402

PROJECT = "lk-faults"


class GcpFaultsTest(FaultCase):
    get_prefix = "GET /storage/v1/b"

    @classmethod
    def setUpClass(cls):
        cls.proxy = cls.enterClassContext(FaultProxy(None))

        def build(w):
            sa = w.add_service_account("faults@lk-faults.iam.gserviceaccount.com", PROJECT)
            w.grant_project(PROJECT, sa["client_email"], "storage.buckets.list",
                            "storage.buckets.get", "storage.objects.list")
            w.add_bucket("lk-faults-bucket", PROJECT, objects={"a.txt": "a"})
            user = w.add_authorized_user("faults-user@example.com")
            w.data["public_urls"] = [cls.proxy.url]
            return {"sa": sa, "user": user}

        cls.gcp = cls.enterClassContext(gcp_peers.gcp_fake(build))
        cls.proxy.set_upstream(cls.gcp.url)
        cls.keys = cls.gcp.built
        cls.secret_values = [v for v in cls.gcp.secrets() if len(v) >= 8]
        cls.start_server()

    def draft(self, url=None, method="service-account", key=None):
        field = "service_account_json" if method == "service-account" else "user_account_json"
        return {"name": "g-" + secrets.token_hex(4), "connector_type": "gcp",
                "auth_method": method, "resource_types": ["gcs-bucket"],
                "configuration": {"project_id": PROJECT, "api_endpoint": url or self.proxy.url},
                "secrets": {field: json.dumps(key or self.keys["sa"])}}

    def fresh_key(self) -> dict:
        """A new service account: the server caches tokens per key, so a token fault needs one
        that has none yet."""
        sa = self.gcp.world.add_service_account(
            f"f{secrets.token_hex(3)}@lk-faults.iam.gserviceaccount.com", PROJECT)
        self.gcp.world.grant_project(PROJECT, sa["client_email"], "storage.buckets.list")
        self.gcp.push()
        return sa

    def test_faults_on_the_storage_api(self):
        self.run_get_faults()

    def test_the_jwt_bearer_grant_is_retried_like_a_get(self):
        self.proxy.plan("429-ra", times=1, only="POST /token")
        before = len(self.proxy.requests)
        self.assertFalse(self.verify(self.draft(key=self.fresh_key())).get("error"))
        self.assertEqual(self.since(before, "POST /token"), ["429-ra", "pass"])
        self.proxy.plan("503", only="POST /token")
        before = len(self.proxy.requests)
        body = self.verify(self.draft(key=self.fresh_key()))
        self.assertOneLineNaming(body.get("error"), self.proxy, "503")
        self.assertEqual(self.since(before, "POST /token"), ["503"] * 3)
        self.proxy.plan("pass")

    def test_the_refresh_token_grant_is_sent_once(self):
        user = dict(self.keys["user"], token_uri=self.proxy.url + "/token")
        for fault in ("503", "reset", "429-ra"):
            with self.subTest(fault=fault):
                self.proxy.plan(fault, only="POST /token")
                before = len(self.proxy.requests)
                body = self.verify(self.draft(method="user-account", key=user))
                self.assertOneLineNaming(body.get("error"), self.proxy)
                self.assertEqual(self.since(before, "POST /token"), [fault])
        self.proxy.plan("pass")

    def test_tls_faults(self):
        self.run_tls_faults(self.gcp.url)


if __name__ == "__main__":
    unittest.main()
