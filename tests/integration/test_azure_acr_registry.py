"""The AAD -> ACR refresh-token exchange proven with real registry software and a real client:
the fake (tests/fakes/azure_fake.py) plays ACR's front door (/oauth2/exchange, /oauth2/token)
for a real docker-registry whose token auth trusts the key the fake signs access tokens with.
After `latchkey service-connector login` writes the docker auth (user 00000000-..., the ACR
refresh token as password; or, refreshing, the docker-credential-latchkey helper that exchanges
a fresh one per use), skopeo pushes and inspects an image: skopeo trades the refresh
token for an access token at the realm, and docker-registry verifies that token's signature,
audience and scopes itself.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_azure_acr_registry.py
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import azure_peers  # noqa: E402  (puts tests/peers on sys.path)
import cli  # noqa: E402
import docker_registry  # noqa: E402

ZERO_USER = "00000000-0000-0000-0000-000000000000"
BIN_DIR = os.path.dirname(os.path.abspath(cli.latchkey_bin()))


class AzureAcrRegistryTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake, cls.reg = cls.enterClassContext(azure_peers.acr_registry())
        cls.host = cls.fake.url.split("://", 1)[1]

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.fake.client_secret, "client secret")

    def register(self, name):
        self.lk_ok("service-connector", "register", name, "--type", "azure", "--auth-method",
                   "service-principal", f"--client_id={self.fake.client_id}",
                   f"--tenant_id={self.fake.tenant_id}",
                   f"--client_secret={self.fake.client_secret}",
                   f"--authority_host={self.fake.url}", f"--management_endpoint={self.fake.url}",
                   "-r", "docker-registry")

    def docker_config(self) -> dict:
        with open(os.path.join(self.env.docker_config, "config.json")) as f:
            return json.load(f)

    def tool_env(self):
        env = self.env.client_env()
        # docker-credential-latchkey (beside the binary) for refreshing logins; it finds the
        # connectors through LATCHKEY_HOME.
        env["PATH"] = BIN_DIR + os.pathsep + env.get("PATH", "")
        return env

    def skopeo(self, *args):
        authfile = os.path.join(self.env.docker_config, "config.json")
        return self.skopeo_with(authfile, *args)

    def skopeo_with(self, authfile, *args):
        return subprocess.run(["skopeo", "--insecure-policy", *args, "--authfile", authfile],
                              capture_output=True, text=True, env=self.tool_env(), timeout=120)

    def push_and_inspect(self, repo):
        layout = docker_registry.build_oci_layout(os.path.join(self.env.root, "oci-" + repo),
                                                  tag="1", message=f"hello from {repo}\n")
        dest = f"docker://{self.host}/lk/{repo}:1"
        push = self.skopeo("copy", "--dest-tls-verify=false", layout["ref"], dest)
        self.assertEqual(push.returncode, 0, push.stderr)
        inspect = self.skopeo("inspect", "--tls-verify=false", dest)
        self.assertEqual(inspect.returncode, 0, inspect.stderr)
        self.assertEqual(json.loads(inspect.stdout)["Digest"], layout["manifest_digest"])
        log = self.fake.requests()
        self.assertEqual([r["status"] for r in log if r["path"] == "/oauth2/exchange"][-1], 200)
        grants = [r for r in log if r["path"] == "/oauth2/token" and r["status"] == 200]
        self.assertTrue(any(f"lk/{repo}:pull,push" in r.get("scopes", []) for r in grants),
                        grants)
        # docker-registry itself verified the fake's tokens and served the manifest.
        served = [e for e in self.reg.access_log() if e["uri"] == f"/v2/lk/{repo}/manifests/1"]
        self.assertIn(200, [e["status"] for e in served], served)

    def test_static_login_lets_skopeo_push_and_inspect(self):
        self.register("acr")
        self.lk_ok("service-connector", "login", "acr", "--resource-id", "lkfakeacr", "--static")
        auths = self.docker_config()["auths"]
        self.assertIn(self.host, auths)
        user, _, refresh = base64.b64decode(auths[self.host]["auth"]).decode().partition(":")
        self.assertEqual(user, ZERO_USER)
        self.env.add_secret(refresh, "ACR refresh token")
        self.assertNotEqual(refresh, self.fake.client_secret)
        self.push_and_inspect("static")
        self.assertNoLeaks()

    def test_refreshing_login_lets_skopeo_push_and_inspect_through_the_helper(self):
        self.register("acr-helper")
        self.lk_ok("service-connector", "login", "acr-helper", "--resource-id", "lkfakeacr",
                   "--refresh")
        config = self.docker_config()
        self.assertEqual(config["credHelpers"], {self.host: "latchkey"})
        self.assertNotIn(self.host, config.get("auths", {}))
        exchanges = len([r for r in self.fake.requests() if r["path"] == "/oauth2/exchange"])
        self.push_and_inspect("helper")
        # Each time skopeo asks the helper, the broker exchanges a fresh refresh token.
        later = len([r for r in self.fake.requests() if r["path"] == "/oauth2/exchange"])
        self.assertGreater(later, exchanges)
        self.assertNoLeaks()

    def test_without_the_login_the_registry_refuses_skopeo(self):
        empty = self.env.write_input("empty-auth.json", '{"auths": {}}')
        r = self.skopeo_with(empty, "inspect", "--tls-verify=false",
                             f"docker://{self.host}/lk/none:1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unauthorized", r.stderr.lower())
        forged = self.env.write_input("forged-auth.json", json.dumps({"auths": {self.host: {
            "auth": base64.b64encode(
                f"{ZERO_USER}:not-a-refresh-token".encode()).decode()}}}))
        before = len(self.fake.requests())
        r = self.skopeo_with(forged, "inspect", "--tls-verify=false",
                             f"docker://{self.host}/lk/none:1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unauthorized", r.stderr.lower())
        refused = [x for x in self.fake.requests()[before:] if x["path"] == "/oauth2/token"]
        self.assertEqual([x["status"] for x in refused], [401], refused)


if __name__ == "__main__":
    unittest.main()
