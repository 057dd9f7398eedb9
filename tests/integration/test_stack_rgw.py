"""The S3 artifact store on Ceph RGW, which enforces STS session policies: the artifact store
moves bytes with credentials down-scoped to its one bucket (an iam-role connector), and those
credentials reach nothing else.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_stack_rgw.py
"""

from __future__ import annotations

import hashlib
import os
import sys
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_peers  # noqa: E402
import cli  # noqa: E402


class RgwArtifactStoreTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rgw = cls.enterClassContext(aws_peers.ceph_rgw())

    def setUp(self):
        super().setUp()
        for value, label in self.rgw.secrets().items():
            self.env.add_secret(value, label)
        self.work = os.path.join(self.env.root, "work")
        os.makedirs(self.work)

    def test_artifacts_move_with_credentials_scoped_to_the_store_bucket(self):
        bucket1, bucket2 = self.rgw.buckets[:2]
        self.lk_ok("service-connector", "register", "rgw", "--type", "aws", "--auth-method",
                   "iam-role", f"--aws_access_key_id={self.rgw.access_key_id}",
                   f"--aws_secret_access_key={self.rgw.secret_access_key}",
                   f"--region={self.rgw.region}", f"--endpoint_url={self.rgw.endpoint}",
                   f"--role_arn={self.rgw.role_arn}", "-r", "s3-bucket")
        self.lk_ok("artifact-store", "register", "store", "--flavor", "s3",
                   f"--path=s3://{bucket1}/artifacts", "--connector", "rgw")
        self.lk_ok("stack", "register", "rgw-stack", "-a", "store", "--set")

        src = os.path.join(self.work, "data.bin")
        payload = hashlib.sha256(b"rgw").digest() * 40000  # 1.28 MB
        with open(src, "wb") as f:
            f.write(payload)
        self.lk_ok("artifact-store", "cp", src, "store:run-1/data.bin")
        admin = self.rgw.client("s3")
        self.assertEqual(admin.get_object(Bucket=bucket1, Key="artifacts/run-1/data.bin")["Body"]
                         .read(), payload)
        self.assertEqual(self.lk_json("artifact-store", "ls", "store"),
                         [{"key": "run-1/data.bin", "size": len(payload)}])
        back = os.path.join(self.work, "back.bin")
        self.lk_ok("artifact-store", "cp", "store:run-1/data.bin", back)
        with open(back, "rb") as f:
            self.assertEqual(f.read(), payload)

        # The credentials the store used are the connector's client credentials for bucket1:
        # RGW refuses them on bucket2.
        client = self.lk_ok("service-connector", "describe", "rgw", "--resource-id",
                            f"s3://{bucket1}", "-o", "json", "--show-secrets").json()
        creds = client["secrets"]
        for value in creds.values():
            self.env.add_secret(value, "issued credential")
        s3 = self.rgw.client("s3", creds["aws_access_key_id"], creds["aws_secret_access_key"],
                             creds["aws_session_token"])
        self.assertEqual(s3.get_object(Bucket=bucket1, Key="artifacts/run-1/data.bin")["Body"]
                         .read(), payload)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            s3.put_object(Bucket=bucket2, Key="artifacts/x", Body=b"x")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_an_unreachable_bucket_is_refused_at_connect(self):
        self.lk_ok("service-connector", "register", "rgw-key", "--type", "aws", "--auth-method",
                   "secret-key", f"--aws_access_key_id={self.rgw.access_key_id}",
                   f"--aws_secret_access_key={self.rgw.secret_access_key}",
                   f"--region={self.rgw.region}", f"--endpoint_url={self.rgw.endpoint}",
                   "-r", "s3-bucket")
        self.lk_ok("artifact-store", "register", "ghost", "--flavor", "s3",
                   "--path=s3://no-such-bucket-rgw")
        r = self.lk_fail("artifact-store", "connect", "ghost", "--connector", "rgw-key")
        self.assertOneLineError(r, "cannot reach s3-bucket 's3://no-such-bucket-rgw'")


if __name__ == "__main__":
    unittest.main()
