"""Faults from upstream: the Kubernetes fake (HTTPS, bearer token) behind the fault-injecting
proxy, which serves TLS with a certificate of the cluster's CA and reaches the fake over TLS (the
fault matrix is in upstream_faults.py); plus a certificate of the trusted CA for another name.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_upstream_faults_kubernetes.py
"""

from __future__ import annotations

import os
import secrets
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fakes"))
import peers  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from upstream_faults import FaultCase  # noqa: E402


class KubernetesFaultsTest(FaultCase):
    get_prefix = "GET /api/v1/namespaces"

    @classmethod
    def setUpClass(cls):
        cls.token = "kube-token-" + secrets.token_hex(12)
        cls.kube = cls.enterClassContext(peers.kube_apiserver(token=cls.token, client_cert=False))
        cls.cert = cls.kube.ca.issue("fault-proxy", "127.0.0.1", server=True)
        cls.proxy = cls.enterClassContext(FaultProxy(cls.kube.server, certificate=cls.cert,
                                                     upstream_ca=cls.kube.ca.cert_path))
        cls.secret_values = [cls.token]
        cls.start_server()

    def draft(self, url=None):
        return {"name": "k-" + secrets.token_hex(4), "connector_type": "kubernetes",
                "auth_method": "token", "resource_types": ["kubernetes-cluster"],
                "configuration": {"server": url or self.proxy.url, "cluster_name": "fake",
                                  "certificate_authority": self.kube.ca_pem},
                "secrets": {"token": self.token}}

    def test_faults_on_the_api_server(self):
        self.run_get_faults()

    def test_tls_faults(self):
        self.run_tls_faults(self.kube.server, upstream_ca=self.kube.ca.cert_path)
        # A certificate from the trusted CA, but for another name.
        other = self.kube.ca.issue("other-host", "other.invalid", server=True,
                                   san="DNS:other.invalid")
        with FaultProxy(self.kube.server, certificate=other,
                        upstream_ca=self.kube.ca.cert_path) as bad:
            body = self.verify(self.draft(bad.url))
            self.assertOneLineNaming(body.get("error"), bad)
            self.assertEqual(bad.requests, [])


if __name__ == "__main__":
    unittest.main()
