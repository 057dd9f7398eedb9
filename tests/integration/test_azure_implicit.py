"""The azure connector's implicit method beyond environment variables: a managed identity
endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER, served by tests/fakes/azure_fake.py, which checks
the header, the resource and api-version 2019-08-01) and the az CLI's login (a shim `az` on
PATH printing what `az account get-access-token -o json` prints). Each is refused until
LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true, and then issues a management token ARM accepts.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_azure_implicit.py
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import azure_peers  # noqa: E402
import cli  # noqa: E402

# Implicit identities other than the one under test are cleared (an empty value counts as
# unset), so the developer's own environment cannot answer instead.
NO_AZURE_ENV = {"AZURE_CLIENT_ID": "", "AZURE_CLIENT_SECRET": "", "AZURE_TENANT_ID": "",
                "IDENTITY_ENDPOINT": "", "IDENTITY_HEADER": "", "IMDS_ENDPOINT": ""}


def expiry_of(client: dict) -> float:
    return datetime.datetime.fromisoformat(client["expires_at"].replace("Z", "+00:00")).timestamp()


class AzureImplicitTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.identity_header = "mi-header-" + secrets.token_hex(12)
        cls.fake = cls.enterClassContext(azure_peers.azure_fake(
            identity_header=cls.identity_header))

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.fake.client_secret, "client secret")
        self.env.add_secret(self.identity_header, "identity header")

    def register_args(self, name, *extra):
        return ("service-connector", "register", name, "--type", "azure", "--auth-method",
                "implicit", f"--management_endpoint={self.fake.url}", "-r", "azure-generic",
                *extra)

    def mi_env(self, enabled, header=None):
        env = dict(NO_AZURE_ENV, IDENTITY_ENDPOINT=f"{self.fake.url}/msi/token",
                   IDENTITY_HEADER=header or self.identity_header,
                   PATH="/nonexistent-az-dir")  # and no az CLI to fall back to
        if enabled:
            env["LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS"] = "true"
        return env

    def az_env(self, enabled, **shim):
        shim_dir = azure_peers.write_az_shim(os.path.join(self.env.root, "az-bin"), self.fake,
                                             **shim)
        env = dict(NO_AZURE_ENV, PATH=shim_dir + os.pathsep + os.environ.get("PATH", ""))
        if enabled:
            env["LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS"] = "true"
        return env, shim_dir

    def generic_client(self, name, env):
        c = self.lk_ok("service-connector", "describe", name, "--client", "-o", "json",
                       "--show-secrets", env_extra=env).json()
        self.assertEqual((c["connector_type"], c["auth_method"]), ("azure", "access-token"))
        token = c["secrets"]["token"]
        self.env.add_secret(token, "issued token")
        # ARM (the fake) accepts the token the broker got from the implicit identity.
        req = urllib.request.Request(
            f"{self.fake.url}/subscriptions/{self.fake.subscription_id}?api-version=2020-01-01",
            headers={"Authorization": f"Bearer {token}"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as r:
            self.assertEqual(json.load(r)["subscriptionId"], self.fake.subscription_id)
        return c

    def msi_requests(self):
        return [r for r in self.fake.requests() if r["path"] == "/msi/token"]

    def test_managed_identity_is_refused_unless_enabled_then_used(self):
        before = len(self.msi_requests())
        r = self.lk_fail(*self.register_args("mi"), env_extra=self.mi_env(False))
        self.assertOneLineError(r, "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS")
        self.assertEqual(len(self.msi_requests()), before, "asked the endpoint while disabled")
        env = self.mi_env(True)
        self.lk_ok(*self.register_args("mi"), env_extra=env)
        report = self.lk_ok("service-connector", "verify", "mi", "-o", "json", env_extra=env).json()
        self.assertEqual(report["resources"][0]["resource_ids"], [self.fake.subscription_id])
        start = time.time()
        c = self.generic_client("mi", env)
        self.assertAlmostEqual(expiry_of(c), start + 3600, delta=30)
        r = self.lk_fail("service-connector", "login", "mi", env_extra=env)
        self.assertOneLineError(r, "login configures no local tool for an Entra ID access token")
        calls = self.msi_requests()[before:]
        self.assertTrue(calls)
        for call in calls:
            self.assertEqual((call["status"], call["api_version"], call["identity_header_ok"]),
                             (200, "2019-08-01", True))
            self.assertEqual(call["resource"], self.fake.url + "/")
        self.assertNoLeaks()

    def test_managed_identity_with_a_wrong_header_is_one_clear_line(self):
        wrong = "wrong-header-" + secrets.token_hex(8)
        self.env.add_secret(wrong, "wrong identity header")
        r = self.lk_fail(*self.register_args("mi-bad"), env_extra=self.mi_env(True, wrong))
        self.assertOneLineError(r, "managed identity endpoint refused", "HTTP 401")
        self.assertEqual(self.lk_ok("service-connector", "list", "-o", "json").json(), [])
        self.assertNoLeaks()

    def test_az_cli_is_refused_unless_enabled_then_used(self):
        env, shim_dir = self.az_env(False)
        r = self.lk_fail(*self.register_args("cli"), env_extra=env)
        self.assertOneLineError(r, "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS")
        self.assertEqual(azure_peers.az_calls(shim_dir), [], "ran az while disabled")
        env, shim_dir = self.az_env(True)
        self.lk_ok(*self.register_args("cli", f"--tenant_id={self.fake.tenant_id}"),
                   env_extra=env)
        start = time.time()
        c = self.generic_client("cli", env)
        self.assertAlmostEqual(expiry_of(c), start + 3600, delta=30)
        calls = azure_peers.az_calls(shim_dir)
        self.assertTrue(calls)
        self.assertEqual(calls[-1], ["account", "get-access-token", "-o", "json", "--resource",
                                     self.fake.url + "/", "--tenant", self.fake.tenant_id])
        self.assertNoLeaks()

    def test_az_cli_expires_on_is_read_as_local_time(self):
        # Without the epoch field only the local-time expiresOn is left; under UTC+5:30 a
        # reading as UTC would put the expiry 5.5 hours late.
        env, _ = self.az_env(True, with_epoch=False)
        env["TZ"] = "IST-5:30"
        self.lk_ok(*self.register_args("cli-local"), env_extra=env)
        start = time.time()
        c = self.generic_client("cli-local", env)
        self.assertAlmostEqual(expiry_of(c), start + 3600, delta=30)
        self.assertNoLeaks()

    def test_az_cli_logged_out_is_one_clear_line(self):
        env, _ = self.az_env(True, logged_out=True)
        r = self.lk_fail(*self.register_args("cli-out"), env_extra=env)
        self.assertOneLineError(r, "`az account get-access-token` failed", "az login")
        self.assertNoLeaks()


if __name__ == "__main__":
    unittest.main()
