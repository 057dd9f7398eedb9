"""The azure artifact-store flavor on Azurite (the real Blob service): bytes move with the
container SAS the connector issues, never the account key.

    python3 -m unittest tests/integration/test_stack_azure.py -v
"""

from __future__ import annotations

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import azure_peers  # noqa: E402
import cli  # noqa: E402


class AzureArtifactStoreTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.az = cls.enterClassContext(azure_peers.azurite())

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.az.key, "storage account key")

    def test_artifacts_move_through_a_container_sas(self):
        self.lk_ok("service-connector", "register", "blobs", "--type", "azure", "--auth-method",
                   "storage-account-key", f"--account_name={self.az.account}",
                   f"--account_key={self.az.key}", f"--blob_endpoint={self.az.endpoint}",
                   "-r", "blob-container")
        self.lk_ok("artifact-store", "register", "az-store", "--flavor", "azure",
                   "--path=az://lk-a/runs")
        r = self.lk_ok("artifact-store", "connect", "az-store", "--connector", "blobs")
        self.assertIn("az://lk-a", r.stdout)
        # 20 MiB: above the block threshold, so three blocks and a block list.
        src = os.path.join(self.env.root, "model.bin")
        data = os.urandom(20 << 20)
        with open(src, "wb") as f:
            f.write(data)
        self.lk_ok("artifact-store", "cp", src, "az-store:1/model.bin")
        small = self.env.write_input("note.txt", "hello")
        self.lk_ok("artifact-store", "cp", small, "az-store:1/note.txt")
        listed = self.lk_json("artifact-store", "ls", "az-store", "1/")
        self.assertEqual(listed, [{"key": "1/model.bin", "size": 20 << 20},
                                  {"key": "1/note.txt", "size": 5}])
        back = os.path.join(self.env.root, "back.bin")
        self.lk_ok("artifact-store", "cp", "az-store:1/model.bin", back)
        with open(back, "rb") as f:
            self.assertTrue(f.read() == data, "downloaded bytes differ")
        # The blob is really there, under the path's prefix (read with the emulator's own key).
        status, body = self.az.request("GET", "/lk-a/runs/1/note.txt")
        self.assertEqual((status, body), (200, b"hello"))
        missing = self.lk_fail("artifact-store", "cp", "az-store:1/none", back + ".2")
        self.assertIn("404", missing.stderr)
        self.assertFalse(os.path.exists(back + ".2"))


if __name__ == "__main__":
    unittest.main()
