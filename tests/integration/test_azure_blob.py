"""The azure connector's storage-account-key method against Azurite, the real Blob service
emulator: Shared Key listing, and container-scoped service SAS that curl and Microsoft's
@azure/storage-blob SDK (clients that know nothing of Latchkey) use on the one container,
refused on another, beyond its permissions and after it expires. The account key never leaves
the broker.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_azure_blob.py
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import azure_peers  # noqa: E402
import cli  # noqa: E402


def curl(method: str, url: str, data: bytes | None = None, headers: dict | None = None):
    """(status, body) of one request made by curl, with no proxy."""
    argv = ["curl", "-sS", "--noproxy", "*", "-X", method, "-o", "-", "-w", "\n%{http_code}",
            url]
    for k, v in (headers or {}).items():
        argv += ["-H", f"{k}: {v}"]
    if data is not None:
        argv += ["--data-binary", "@-"]
    out = subprocess.run(argv, input=data, capture_output=True, timeout=30, check=True).stdout
    body, _, status = out.rpartition(b"\n")
    return int(status), body


class AzureBlobTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.az = cls.enterClassContext(azure_peers.azurite())

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.az.key, "storage account key")

    def register(self, name, *extra, ok=True):
        args = ("service-connector", "register", name, "--type", "azure", "--auth-method",
                "storage-account-key", f"--account_name={self.az.account}",
                f"--account_key={self.az.key}", f"--blob_endpoint={self.az.endpoint}", *extra)
        return self.lk_ok(*args) if ok else self.lk_fail(*args)

    def client(self, name, container, *extra):
        c = self.lk_ok("service-connector", "describe", name, "--resource-id", container,
                       "--client", "-o", "json", "--show-secrets", *extra).json()
        self.assertEqual((c["connector_type"], c["auth_method"]), ("azure", "sas-token"))
        sas = c["secrets"]["sas_token"]
        self.env.add_secret(sas, "issued SAS")
        return c, sas

    def test_account_key_lists_the_containers(self):
        self.register("blob", "-r", "blob-container")
        report = self.lk_ok("service-connector", "verify", "blob", "-o", "json").json()
        ids = report["resources"][0]["resource_ids"]
        self.assertEqual(sorted(ids), ["az://lk-a", "az://lk-b"])
        self.assertNoLeaks()

    def test_wrong_key_is_refused_with_one_line_and_not_saved(self):
        wrong = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk="
        self.env.add_secret(wrong, "wrong key")
        r = self.lk_fail("service-connector", "register", "bad", "--type", "azure",
                         "--auth-method", "storage-account-key", f"--account_name={self.az.account}",
                         f"--account_key={wrong}", f"--blob_endpoint={self.az.endpoint}")
        self.assertOneLineError(r, "AuthorizationFailure")
        self.assertEqual(self.lk_ok("service-connector", "list", "-o", "json").json(), [])
        self.assertNoLeaks()

    def test_sas_reads_its_container_only(self):
        self.register("sas", "-r", "blob-container")
        client, sas = self.client("sas", "abfs://lk-a")
        self.assertEqual(client["resource_id"], "az://lk-a")
        self.assertNotIn("account_key", client["secrets"])
        self.assertIn("sr=c", sas)
        endpoint = client["configuration"]["blob_endpoint"]
        self.assertEqual(endpoint, self.az.endpoint)
        status, body = curl("GET", f"{endpoint}/lk-a?restype=container&comp=list&{sas}")
        self.assertEqual(status, 200, body)
        self.assertIn(b"<Name>hello.txt</Name>", body)
        status, body = curl("GET", f"{endpoint}/lk-a/hello.txt?{sas}")
        self.assertEqual((status, body), (200, b"hello from lk-a"))
        status, _ = curl("GET", f"{endpoint}/lk-b?restype=container&comp=list&{sas}")
        self.assertEqual(status, 403)
        status, _ = curl("GET", f"{endpoint}/lk-b/hello.txt?{sas}")
        self.assertEqual(status, 403)
        status, _ = curl("GET", f"{endpoint}/?comp=list&{sas}")  # the account's listing
        self.assertEqual(status, 403)
        self.assertNoLeaks()

    def test_azure_sdk_uses_the_service_sas_on_its_container_only(self):
        # Microsoft's @azure/storage-blob, given only the SAS URL (a client that knows nothing
        # of Latchkey and sends a newer API version than curl above).
        self.register("sdk", "-r", "blob-container", "--sas_permissions=rl")
        client, sas = self.client("sdk", "lk-b")
        endpoint = client["configuration"]["blob_endpoint"]
        b = azure_peers.sdk_client(f"{endpoint}/lk-b?{sas}", "list", "get:hello.txt",
                                   "put:sdk.txt:write")
        self.assertEqual(b[0], {"op": "list", "ok": True, "names": ["hello.txt"]})
        self.assertEqual(b[1]["text"], "hello from lk-b")
        self.assertEqual((b[2]["ok"], b[2]["status"]), (False, 403))  # no 'w' in the SAS
        a = azure_peers.sdk_client(f"{endpoint}/lk-a?{sas}", "list", "get:hello.txt")
        self.assertEqual([(r["ok"], r["status"]) for r in a], [(False, 403)] * 2, a)
        self.assertNoLeaks()

    def test_sas_carries_only_the_configured_permissions(self):
        self.register("ro", "-r", "blob-container", "--sas_permissions=lr")
        client, sas = self.client("ro", "lk-a")
        self.assertIn("sp=rl", sas)
        endpoint = client["configuration"]["blob_endpoint"]
        put = {"x-ms-blob-type": "BlockBlob", "x-ms-version": "2021-12-02"}
        status, _ = curl("PUT", f"{endpoint}/lk-a/new.txt?{sas}", b"data", put)
        self.assertEqual(status, 403)
        self.register("rw", "-r", "blob-container")
        client, sas = self.client("rw", "lk-a")
        status, body = curl("PUT", f"{endpoint}/lk-a/new.txt?{sas}", b"data", put)
        self.assertEqual(status, 201, body)
        r = self.register("bad-perm", "-r", "blob-container", "--sas_permissions=rz", ok=False)
        self.assertIn("is not a container SAS permission", r.stderr)

    def test_issued_sas_registers_as_a_connector_of_its_own(self):
        self.register("src", "-r", "blob-container")
        client, sas = self.client("src", "lk-b")
        self.lk_ok("service-connector", "register", "consumer", "--type", "azure",
                   "--auth-method", "sas-token", f"--account_name={self.az.account}",
                   f"--blob_endpoint={self.az.endpoint}", f"--sas_token={sas}",
                   "-r", "blob-container", "--resource-id", "lk-b")
        report = self.lk_ok("service-connector", "verify", "consumer", "-o", "json").json()
        self.assertEqual(report["resources"][0]["resource_ids"], ["az://lk-b"])
        r = self.lk_fail("service-connector", "register", "wrong", "--type", "azure",
                         "--auth-method", "sas-token", f"--account_name={self.az.account}",
                         f"--blob_endpoint={self.az.endpoint}", f"--sas_token={sas}",
                         "-r", "blob-container", "--resource-id", "lk-a")
        self.assertOneLineError(r, "403")
        self.assertNoLeaks()

    def test_sas_is_refused_after_it_expires(self):
        self.register("short", "-r", "blob-container", "--expiration-seconds", "60")
        client, sas = self.client("short", "lk-a")
        endpoint = client["configuration"]["blob_endpoint"]
        url = f"{endpoint}/lk-a/hello.txt?{sas}"
        self.assertEqual(curl("GET", url)[0], 200)
        expires = datetime.datetime.fromisoformat(client["expires_at"].replace("Z", "+00:00"))
        left = (expires - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertLessEqual(left, 61)
        time.sleep(max(0.0, left) + 2)
        self.assertEqual(curl("GET", url)[0], 403)


if __name__ == "__main__":
    unittest.main()
