"""The azure connector's service-principal and access-token methods against a loopback fake of
Entra ID, ARM and ACR (tests/fakes/azure_fake.py, written independently) plus the fake HTTPS
Kubernetes API server for AKS: client-credentials grant, bearer checks on every ARM call, the
AAD -> ACR refresh-token exchange, and the client connectors kubectl and a registry accept.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_azure_service_principal.py
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import azure_peers  # noqa: E402
import cli  # noqa: E402
import peers  # noqa: E402


def kubeconfig_for(kube) -> str:
    ca = base64.b64encode(kube.ca_pem.encode()).decode()
    return (f"apiVersion: v1\nkind: Config\ncurrent-context: aks1\nclusters:\n- name: aks1\n"
            f"  cluster:\n    server: {kube.server}\n    certificate-authority-data: {ca}\n"
            f"contexts:\n- name: aks1\n  context:\n    cluster: aks1\n    user: clusterUser\n"
            f"users:\n- name: clusterUser\n  user:\n    token: {kube.token}\n")


class AzureServicePrincipalTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kube = cls.enterClassContext(peers.kube_apiserver(token="aks-user-token-0123456789",
                                                              client_cert=False))
        cls.fake = cls.enterClassContext(azure_peers.azure_fake(
            aks=({"name": "aks1", "kubeconfig": kubeconfig_for(cls.kube)},)))

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.fake.client_secret, "client secret")
        self.env.add_secret(self.kube.token, "AKS token")

    def sp_args(self, name, *extra, secret=None):
        return ("service-connector", "register", name, "--type", "azure", "--auth-method",
                "service-principal", f"--client_id={self.fake.client_id}",
                f"--tenant_id={self.fake.tenant_id}",
                f"--client_secret={secret or self.fake.client_secret}",
                f"--authority_host={self.fake.url}", f"--management_endpoint={self.fake.url}",
                *extra)

    def test_verify_lists_subscription_aks_and_acr(self):
        self.lk_ok(*self.sp_args("sp"))
        report = self.lk_ok("service-connector", "verify", "sp", "-o", "json").json()
        by_type = {r["resource_type"]: r for r in report["resources"]}
        self.assertEqual(by_type["azure-generic"]["resource_ids"], [self.fake.subscription_id])
        self.assertEqual(by_type["kubernetes-cluster"]["resource_ids"], ["lk-rg/aks1"])
        # The registry's login server (the fake's own host here; name.azurecr.io in Azure).
        self.assertEqual(by_type["docker-registry"]["resource_ids"],
                         [self.fake.url.split("://", 1)[1]])
        # No storage account in the fake: that one type reports why, the others still work.
        self.assertIn("no storage accounts", by_type["blob-container"]["error"])
        arm = [r for r in self.fake.requests() if r["path"].startswith("/subscriptions")]
        self.assertTrue(arm and all(r["status"] == 200 for r in arm), arm)
        self.assertNoLeaks()

    def test_wrong_secret_is_one_clear_line_and_not_saved(self):
        wrong = "not-the-secret-" + "x" * 12
        self.env.add_secret(wrong, "wrong secret")
        r = self.lk_fail(*self.sp_args("bad", "-r", "azure-generic", secret=wrong))
        self.assertOneLineError(r, "Entra ID refused the credentials of service principal",
                                "AADSTS7000215")
        self.assertEqual(self.lk_ok("service-connector", "list", "-o", "json").json(), [])
        self.assertNoLeaks()

    def test_generic_client_is_a_management_token_arm_accepts(self):
        self.lk_ok(*self.sp_args("gen", "-r", "azure-generic"))
        c = self.lk_ok("service-connector", "describe", "gen", "--client", "-o", "json",
                       "--show-secrets").json()
        self.assertEqual((c["connector_type"], c["auth_method"]), ("azure", "access-token"))
        token = c["secrets"]["token"]
        self.env.add_secret(token, "issued token")
        self.assertIsNotNone(c["expires_at"])
        req = urllib.request.Request(
            f"{self.fake.url}/subscriptions/{self.fake.subscription_id}?api-version=2020-01-01",
            headers={"Authorization": f"Bearer {token}"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as r:
            self.assertEqual(json.load(r)["subscriptionId"], self.fake.subscription_id)

    def test_access_token_for_management_says_it_cannot_serve_blob(self):
        self.lk_ok(*self.sp_args("gen2", "-r", "azure-generic"))
        c = self.lk_ok("service-connector", "describe", "gen2", "--client", "-o", "json",
                       "--show-secrets").json()
        token = c["secrets"]["token"]
        self.env.add_secret(token, "issued token")
        common = ("--type", "azure", "--auth-method", "access-token", f"--token={token}",
                  f"--management_endpoint={self.fake.url}", "--expires-at", c["expires_at"])
        self.lk_ok("service-connector", "register", "tok", *common, "-r", "azure-generic")
        r = self.lk_fail("service-connector", "register", "tok-blob", *common, "-r",
                         "blob-container", "--storage_account=acct1", "--resource-id", "cont1")
        self.assertOneLineError(r, "cannot reach blob containers", "https://storage.azure.com/")
        self.assertNoLeaks()

    def test_aks_client_is_a_kubernetes_token_kubectl_uses(self):
        self.lk_ok(*self.sp_args("aks", "-r", "kubernetes-cluster"))
        c = self.lk_ok("service-connector", "describe", "aks", "--resource-id", "aks1",
                       "--client", "-o", "json", "--show-secrets").json()
        self.assertEqual((c["connector_type"], c["auth_method"]), ("kubernetes", "token"))
        self.assertEqual(c["configuration"]["server"], self.kube.server)
        self.lk_ok("service-connector", "login", "aks", "--resource-id", "lk-rg/aks1")
        out = subprocess.run(["kubectl", "get", "namespaces", "-o", "name"],
                             env=self.env.client_env(), capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("namespace/latchkey-test", out.stdout)

    def test_acr_client_is_an_exchanged_refresh_token_the_registry_accepts(self):
        self.lk_ok(*self.sp_args("acr", "-r", "docker-registry"))
        c = self.lk_ok("service-connector", "describe", "acr", "--resource-id",
                       "https://lkfakeacr.azurecr.io", "--client", "-o", "json",
                       "--show-secrets").json()
        self.assertEqual((c["connector_type"], c["auth_method"]), ("docker", "password"))
        self.assertEqual(c["secrets"]["username"], "00000000-0000-0000-0000-000000000000")
        refresh = c["secrets"]["password"]
        self.env.add_secret(refresh, "ACR refresh token")
        self.assertNotEqual(refresh, self.fake.client_secret)
        exchanges = [r for r in self.fake.requests() if r["path"] == "/oauth2/exchange"]
        self.assertEqual(exchanges[-1]["status"], 200)
        # login writes docker auth; the registry's token endpoint accepts it (Basic -> Bearer).
        self.lk_ok("service-connector", "login", "acr", "--resource-id", "lkfakeacr")
        with open(os.path.join(self.env.docker_config, "config.json")) as f:
            config = json.load(f)
        self.assertIn(self.fake.url.split("://")[1], json.dumps(config))
        # What a registry client does with the login: Basic to the realm, then Bearer on /v2/.
        basic = base64.b64encode(f"{c['secrets']['username']}:{refresh}".encode()).decode()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(urllib.request.Request(
                f"{self.fake.url}/oauth2/token?service=x&scope=registry:catalog:*",
                headers={"Authorization": f"Basic {basic}"}), timeout=10) as r:
            access = json.load(r)["access_token"]
        self.env.add_secret(access, "ACR access token")
        with opener.open(urllib.request.Request(
                f"{self.fake.url}/v2/", headers={"Authorization": f"Bearer {access}"}),
                timeout=10) as r:
            self.assertEqual(r.status, 200)
        self.assertNoLeaks()

    def implicit_env(self, enabled):
        env = {"AZURE_CLIENT_ID": self.fake.client_id, "AZURE_TENANT_ID": self.fake.tenant_id,
               "AZURE_CLIENT_SECRET": self.fake.client_secret,
               "AZURE_AUTHORITY_HOST": self.fake.url}
        if enabled:
            env["LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS"] = "true"
        return env

    def test_implicit_is_refused_unless_enabled_then_uses_the_environment(self):
        args = ("service-connector", "register", "imp", "--type", "azure", "--auth-method",
                "implicit", f"--management_endpoint={self.fake.url}", "-r", "azure-generic")
        r = self.lk_fail(*args, env_extra=self.implicit_env(False))
        self.assertOneLineError(r, "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS")
        self.lk_ok(*args, env_extra=self.implicit_env(True))
        report = self.lk_ok("service-connector", "verify", "imp", "-o", "json",
                            env_extra=self.implicit_env(True)).json()
        self.assertEqual(report["resources"][0]["resource_ids"], [self.fake.subscription_id])
        self.assertNoLeaks()

    def test_auto_configure_lifts_the_environment_service_principal(self):
        env = self.implicit_env(False)
        env["AZURE_SUBSCRIPTION_ID"] = self.fake.subscription_id
        self.lk_ok("service-connector", "register", "auto", "--type", "azure",
                   "--auto-configure", "-r", "azure-generic",
                   f"--management_endpoint={self.fake.url}", env_extra=env)
        c = self.describe_json("auto")
        self.assertEqual(c["auth_method"], "service-principal")
        self.assertEqual(c["configuration"]["client_id"], self.fake.client_id)
        self.assertNoLeaks()


if __name__ == "__main__":
    unittest.main()
