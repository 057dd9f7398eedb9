"""The CLI's local credential cache, against moto with IAM enforced.

`latchkey credentials aws` (an AWS credential_process) runs once per aws/boto3 process; each run
after the first must be answered from $LATCHKEY_HOME/credential-cache without a call to AWS until
the credentials near expiry. A counting proxy (tests/fakes/fault_proxy.py) sits between Latchkey
and moto, so "no call" is a count at the peer, and the peer is then made unreachable to show the
cached answer needs nothing from it. No timings are asserted.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_credential_cache.py
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fakes"))
import aws_peers  # noqa: E402
import cli  # noqa: E402
import latchkey_server  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402


class CredentialCacheTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = cls.enterClassContext(aws_peers.moto_server())
        cls.bucket = cls.moto.buckets[0]

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.moto.secret_access_key, "moto secret access key")
        self.proxy = FaultProxy(upstream=self.moto.endpoint)
        self.addCleanup(self.proxy.close)
        m = self.moto
        self.lk_ok("service-connector", "register", "role", "--type", "aws", "--auth-method",
                   "iam-role", f"--role_arn={m.role_arn}", f"--aws_access_key_id={m.access_key_id}",
                   f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                   f"--endpoint_url={self.proxy.url}", "-r", "s3-bucket")
        self.cache_dir = os.path.join(self.env.latchkey_home, "credential-cache")

    # STS calls are POST / at the peer; S3's HeadBucket is HEAD /bucket.
    def sts_calls(self) -> int:
        return sum(1 for method, path, _ in self.proxy.requests if method == "POST" and path == "/")

    def peer_calls(self) -> int:
        return len(self.proxy.requests)

    def credentials(self, *extra, env_extra=None):
        r = self.lk_ok("credentials", "aws", "role", "--resource-id", f"s3://{self.bucket}",
                       *extra, env_extra=env_extra)
        return json.loads(r.stdout)

    def entries(self) -> list[str]:
        if not os.path.isdir(self.cache_dir):
            return []
        return [os.path.join(self.cache_dir, n) for n in os.listdir(self.cache_dir)
                if n.endswith(".entry")]

    def test_a_second_process_is_answered_from_the_cache(self):
        self.proxy.requests.clear()
        first = self.credentials()
        self.assertEqual(self.sts_calls(), 1, "one AssumeRole per uncached issue, not two")
        self.assertEqual(len(self.entries()), 1)
        calls = self.peer_calls()
        second = self.credentials()
        self.assertEqual(self.peer_calls(), calls, "the cached answer made a call to the peer")
        self.assertEqual(second, first)
        # The peer unreachable: the cached answer does not need it.
        self.proxy.plan("reset")
        third = self.credentials()
        self.assertEqual(third, first)
        # And the credentials served still work at the peer.
        body = self.moto.client("s3", first["AccessKeyId"], first["SecretAccessKey"],
                                first["SessionToken"]).get_object(
            Bucket=self.bucket, Key=self.moto.object_key)["Body"].read()
        self.assertEqual(body, self.moto.object_body(self.bucket))

    def test_no_cache_goes_to_the_peer_and_leaves_the_cache_alone(self):
        cached = self.credentials()
        entry = self.entries()[0]
        with open(entry, "rb") as f:
            before = f.read()
        calls = self.sts_calls()
        fresh = self.credentials("--no-cache")
        self.assertEqual(self.sts_calls(), calls + 1)
        self.assertNotEqual(fresh["AccessKeyId"], cached["AccessKeyId"])
        env_fresh = self.credentials(env_extra={"LATCHKEY_NO_CACHE": "1"})
        self.assertEqual(self.sts_calls(), calls + 2)
        self.assertNotEqual(env_fresh["AccessKeyId"], cached["AccessKeyId"])
        with open(entry, "rb") as f:
            self.assertEqual(f.read(), before, "--no-cache wrote the cache")
        self.assertEqual(self.credentials(), cached, "the cached entry is still served")
        # With the peer unreachable, --no-cache fails: it really asks the peer.
        self.proxy.plan("reset")
        r = self.lk("credentials", "aws", "role", "--resource-id", f"s3://{self.bucket}",
                    "--no-cache")
        self.assertNotEqual(r.returncode, 0, r.describe())

    def test_update_invalidates(self):
        cached = self.credentials()
        self.lk_ok("service-connector", "update", "role", "--description", "changed")
        self.assertEqual(self.entries(), [], "the update left the old entry on disk")
        calls = self.sts_calls()
        fresh = self.credentials()
        self.assertEqual(self.sts_calls(), calls + 1)
        self.assertNotEqual(fresh["AccessKeyId"], cached["AccessKeyId"])
        self.assertEqual(self.credentials(), fresh)
        self.assertEqual(self.sts_calls(), calls + 1)

    def test_delete_invalidates(self):
        self.credentials()
        self.assertEqual(len(self.entries()), 1)
        self.lk_ok("service-connector", "delete", "role", "-y")
        self.assertEqual(self.entries(), [])
        r = self.lk_fail("credentials", "aws", "role", "--resource-id", f"s3://{self.bucket}")
        self.assertEqual(r.stdout, "")

    def test_key_rotation_invalidates(self):
        cached = self.credentials()
        self.lk_ok("secret", "rotate-key")
        self.assertEqual(self.entries(), [])
        calls = self.sts_calls()
        self.assertNotEqual(self.credentials()["AccessKeyId"], cached["AccessKeyId"])
        self.assertEqual(self.sts_calls(), calls + 1)

    def test_a_corrupt_entry_is_a_miss_and_replaced(self):
        cached = self.credentials()
        entry = self.entries()[0]
        with open(entry, "r+b") as f:
            f.truncate(os.path.getsize(entry) // 2)
        calls = self.sts_calls()
        fresh = self.credentials()
        self.assertEqual(self.sts_calls(), calls + 1)
        self.assertNotEqual(fresh["AccessKeyId"], cached["AccessKeyId"])
        self.assertEqual(self.credentials(), fresh, "the corrupt entry was not replaced")

    def test_the_cache_holds_no_plaintext_and_is_private(self):
        doc = self.credentials()
        self.assertEqual(stat.S_IMODE(os.stat(self.cache_dir).st_mode), 0o700)
        files = [os.path.join(self.cache_dir, n) for n in os.listdir(self.cache_dir)]
        self.assertTrue(files)
        needles = {k: doc[k].encode() for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
        needles["bucket"] = self.bucket.encode()
        needles["connector name"] = b"role"
        for path in files:
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
            with open(path, "rb") as f:
                data = f.read()
            for label, value in needles.items():
                if label == "connector name":
                    self.assertNotIn(b'"role"', data, path)
                    continue
                self.assertNotIn(value, data, f"{label} in plaintext in {path}")


class RemoteCredentialCacheTest(cli.CliTestCase):
    """After `latchkey login URL`: entries are sealed with the client's own key ring and served
    without asking the server while recently confirmed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = cls.enterClassContext(aws_peers.moto_server())
        cls.bucket = cls.moto.buckets[0]
        cls.admin_password = "adm-" + secrets.token_urlsafe(12)
        cls.server = cls.enterClassContext(
            latchkey_server.latchkey_server(admin_password=cls.admin_password))

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.moto.secret_access_key, "moto secret access key")
        self.lk_ok("login", self.server.url, "--username", "admin", "--password-stdin",
                   input=self.admin_password + "\n")
        m = self.moto
        self.name = "role-" + secrets.token_hex(3)
        self.lk_ok("service-connector", "register", self.name, "--type", "aws", "--auth-method",
                   "iam-role", f"--role_arn={m.role_arn}", f"--aws_access_key_id={m.access_key_id}",
                   f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                   f"--endpoint_url={m.endpoint}", "-r", "s3-bucket")

    def server_requests(self) -> int:
        """`credentials.issue` lines: the server writes one for every /client request."""
        with open(self.server.audit_log) as f:
            return sum(1 for line in f if "credentials.issue" in line and self.name in line)

    def credentials(self, *extra):
        r = self.lk_ok("credentials", "aws", self.name, "--resource-id", f"s3://{self.bucket}",
                       *extra)
        return json.loads(r.stdout)

    def test_a_second_process_does_not_ask_the_server(self):
        first = self.credentials()
        issued = self.server_requests()
        self.assertGreaterEqual(issued, 1)
        self.assertEqual(self.credentials(), first)
        self.assertEqual(self.server_requests(), issued, "the server was asked again")
        cache = os.path.join(self.env.latchkey_home, "credential-cache")
        files = os.listdir(cache)
        self.assertEqual(len(files), 1)
        with open(os.path.join(cache, files[0]), "rb") as f:
            data = f.read()
        for key in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
            self.assertNotIn(first[key].encode(), data)
        # An update made through this CLI drops the entry at once.
        self.lk_ok("service-connector", "update", self.name, "--description", "changed")
        self.assertEqual(os.listdir(cache), [])
        self.credentials()
        self.assertEqual(self.server_requests(), issued + 1)


if __name__ == "__main__":
    unittest.main()
