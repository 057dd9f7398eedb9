"""User delegation SAS, end to end on real peers: a service-principal connector gets its
storage token from the fake Entra ID (tests/fakes/azure_fake.py), asks Azurite for a user
delegation key with it over HTTPS (Azurite takes bearer tokens only over HTTPS, `--oauth basic`,
served by a throwaway CA that Latchkey trusts through the connector's `blob_ca_certificate`),
and signs a container SAS with that key. Microsoft's own JavaScript SDK (@azure/storage-blob,
tests/integration/azure_blob_client.js), given only the SAS URL, lists, reads and writes that
container and is refused on the other one.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_azure_user_delegation.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import azure_peers  # noqa: E402
import cli  # noqa: E402
import peers  # noqa: E402

class AzureUserDelegationTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca_dir = tempfile.mkdtemp(prefix="lk-azure-ca-")
        cls.addClassCleanup(shutil.rmtree, cls.ca_dir, True)
        cls.ca = peers.CertAuthority(cls.ca_dir)
        cls.fake = cls.enterClassContext(azure_peers.azure_fake())
        cls.az = cls.enterClassContext(azure_peers.azurite_oauth(cls.ca))

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.fake.client_secret, "client secret")
        self.env.add_secret(self.az.key, "storage account key")

    def register(self, name, *extra, ca=True, ok=True):
        args = ["service-connector", "register", name, "--type", "azure", "--auth-method",
                "service-principal", f"--client_id={self.fake.client_id}",
                f"--tenant_id={self.fake.tenant_id}",
                f"--client_secret={self.fake.client_secret}",
                f"--authority_host={self.fake.url}", f"--management_endpoint={self.fake.url}",
                f"--storage_account={self.az.account}", f"--blob_endpoint={self.az.endpoint}",
                "-r", "blob-container", *extra]
        if ca:
            args.append(f"--blob_ca_certificate=@{self.ca.cert_path}")
        return self.lk_ok(*args) if ok else self.lk_fail(*args)

    def client(self, name, container):
        c = self.lk_ok("service-connector", "describe", name, "--resource-id", container,
                       "--client", "-o", "json", "--show-secrets").json()
        self.assertEqual((c["connector_type"], c["auth_method"]), ("azure", "sas-token"))
        sas = c["secrets"]["sas_token"]
        self.env.add_secret(sas, "issued SAS")
        return c, sas

    def test_verify_lists_the_containers_with_the_bearer_token(self):
        self.register("sp")
        report = self.lk_ok("service-connector", "verify", "sp", "-o", "json").json()
        self.assertEqual(sorted(report["resources"][0]["resource_ids"]),
                         ["az://lk-a", "az://lk-b"])
        self.assertNoLeaks()

    def test_user_delegation_sas_reaches_its_container_only_with_the_sdk(self):
        self.register("ud")
        client, sas = self.client("ud", "lk-a")
        query = urllib.parse.parse_qs(sas)
        # A user delegation SAS (signed with the key Azurite derived for the token's oid and
        # tid), for one container, HTTPS only; never the account key.
        self.assertEqual(query["sr"], ["c"])
        self.assertEqual(query["spr"], ["https"])
        self.assertEqual(query["skoid"], ["11111111-2222-3333-4444-555555555555"])
        self.assertEqual(query["sktid"], [self.fake.tenant_id])
        self.assertNotIn("account_key", client["secrets"])
        endpoint = client["configuration"]["blob_endpoint"]
        self.assertEqual(endpoint, self.az.endpoint)
        # The client connector carries the CA too, so its consumers can trust the endpoint.
        self.assertIn("BEGIN CERTIFICATE", client["configuration"]["blob_ca_certificate"])
        ca_file = self.env.write_input("client-ca.pem",
                                       client["configuration"]["blob_ca_certificate"])
        a = azure_peers.sdk_client(f"{endpoint}/lk-a?{sas}", "list", "get:hello.txt", "put:sdk.txt:from sdk",
                       "get:sdk.txt", ca_path=ca_file)
        self.assertEqual(a[0], {"op": "list", "ok": True, "names": ["hello.txt"]})
        self.assertEqual(a[1]["text"], "hello from lk-a")
        self.assertTrue(a[2]["ok"], a[2])
        self.assertEqual(a[3]["text"], "from sdk")
        b = azure_peers.sdk_client(f"{endpoint}/lk-b?{sas}", "list", "get:hello.txt", "put:x.txt:nope",
                       ca_path=ca_file)
        self.assertEqual([(r["ok"], r["status"]) for r in b], [(False, 403)] * 3, b)
        self.assertNoLeaks()

    def test_sas_token_connector_from_the_issued_sas_verifies_over_https(self):
        self.register("src")
        client, sas = self.client("src", "lk-b")
        cfg = client["configuration"]
        ca_file = self.env.write_input("ca.pem", cfg["blob_ca_certificate"])
        common = ("--type", "azure", "--auth-method", "sas-token",
                  f"--account_name={cfg['account_name']}", f"--blob_endpoint={cfg['blob_endpoint']}",
                  f"--sas_token={sas}", f"--blob_ca_certificate=@{ca_file}", "-r",
                  "blob-container")
        self.lk_ok("service-connector", "register", "consumer", *common, "--resource-id", "lk-b")
        report = self.lk_ok("service-connector", "verify", "consumer", "-o", "json").json()
        self.assertEqual(report["resources"][0]["resource_ids"], ["az://lk-b"])
        r = self.lk_fail("service-connector", "register", "wrong", *common, "--resource-id",
                         "lk-a")
        self.assertOneLineError(r, "403")
        # Nothing a local tool would read: login says so instead of writing a file, both for
        # the registered SAS and for the (expiring) SAS the service principal issues.
        r = self.lk_fail("service-connector", "login", "consumer")
        self.assertOneLineError(r, "login configures no local tool for a blob container")
        r = self.lk_fail("service-connector", "login", "src", "--resource-id", "lk-b")
        self.assertOneLineError(r, "login configures no local tool for a blob container")
        self.assertNoLeaks()

    def test_without_the_ca_the_endpoint_is_not_trusted_and_nothing_is_saved(self):
        r = self.register("untrusted", ca=False, ok=False)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn(self.az.endpoint.split("/devstoreaccount1")[0], r.stderr)
        self.assertIn("set blob_ca_certificate", r.stderr)
        self.assertEqual(self.lk_ok("service-connector", "list", "-o", "json").json(), [])
        bad = self.env.write_input("not-a-cert.pem", "this is not a certificate\n")
        r = self.lk_fail("service-connector", "register", "bad-ca", "--type", "azure",
                         "--auth-method", "storage-account-key",
                         f"--account_name={self.az.account}", f"--account_key={self.az.key}",
                         f"--blob_endpoint={self.az.endpoint}", f"--blob_ca_certificate=@{bad}")
        self.assertOneLineError(r, "blob_ca_certificate")
        self.assertEqual(self.lk_ok("service-connector", "list", "-o", "json").json(), [])
        self.assertNoLeaks()


if __name__ == "__main__":
    unittest.main()
