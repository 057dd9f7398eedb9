"""Faults from upstream: the Azure fake (Entra ID and Resource Manager) behind the
fault-injecting proxy (the fault matrix is in upstream_faults.py). Entra ID's client-credentials
grant only mints a token from a secret that stays valid and is retried like a GET.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_upstream_faults_azure.py
"""

from __future__ import annotations

import os
import secrets
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fakes"))
import azure_peers  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from latchkey_server import latchkey_server  # noqa: E402
from upstream_faults import API, TIMEOUT, FaultCase  # noqa: E402


class AzureFaultsTest(FaultCase):
    get_prefix = "GET /subscriptions"

    @classmethod
    def setUpClass(cls):
        cls.proxy = cls.enterClassContext(FaultProxy(None))
        cls.fake = cls.enterClassContext(azure_peers.azure_fake(public_url=cls.proxy.url))
        cls.proxy.set_upstream(cls.fake.direct_url)
        cls.secret_values = [cls.fake.client_secret]
        cls.start_server()

    def draft(self, url=None, client_id=None):
        url = url or self.proxy.url
        return {"name": "a-" + secrets.token_hex(4), "connector_type": "azure",
                "auth_method": "service-principal", "resource_types": ["azure-generic"],
                "configuration": {"tenant_id": self.fake.tenant_id,
                                  "client_id": client_id or self.fake.client_id,
                                  "subscription_id": self.fake.subscription_id,
                                  "authority_host": url, "management_endpoint": url},
                "secrets": {"client_secret": self.fake.client_secret}}

    def test_faults_on_resource_manager(self):
        self.run_get_faults()

    def test_the_client_credentials_grant_is_retried_like_a_get(self):
        # A server of its own: Entra ID tokens are cached per process.
        token_path = f"POST /{self.fake.tenant_id}/oauth2/v2.0/token"
        with latchkey_server(args=["--provider-timeout", TIMEOUT]) as srv:
            admin = srv.admin()
            self.proxy.plan("503", only=token_path)
            before = len(self.proxy.requests)
            status, body = admin.post(f"{API}/service_connectors/verify", self.draft())
            self.assertEqual(status, 200, body)
            self.assertOneLineNaming(body.get("error"), self.proxy, "503")
            self.assertEqual(self.since(before, token_path), ["503"] * 3)
            self.proxy.plan("reset", times=1, only=token_path)
            before = len(self.proxy.requests)
            status, body = admin.post(f"{API}/service_connectors/verify", self.draft())
            self.assertFalse(body.get("error"), body)
            self.assertEqual(self.since(before, token_path), ["reset", "pass"])
        self.proxy.plan("pass")

    def test_tls_faults(self):
        self.run_tls_faults(self.fake.direct_url)


if __name__ == "__main__":
    unittest.main()
