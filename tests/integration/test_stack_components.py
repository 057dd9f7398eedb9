"""Stack components and stacks in local mode: flavors, register/connect/disconnect against moto
(IAM enforced), the seeds' walkthrough end to end with real bytes through connector-issued
credentials, `{{secret.key}}` references, the local flavor, and the connector's protection.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_stack_components.py
"""

from __future__ import annotations

import hashlib
import os
import sys
import unittest

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_peers  # noqa: E402
import cli  # noqa: E402


def write_random(path: str, size: int) -> str:
    """A file of `size` pseudo-random bytes; returns its SHA-256."""
    digest = hashlib.sha256()
    block = hashlib.sha256(path.encode()).digest() * 32768  # 1 MiB, not compressible by luck
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = block[:min(left, len(block))]
            f.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
            block = block[1:] + block[:1]
    return digest.hexdigest()


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FlavorTest(cli.CliTestCase):
    def test_flavor_list_names_the_connector_resources(self):
        out = self.lk_ok("artifact-store", "flavor", "list").stdout
        for flavor, resource in (("s3", "s3-bucket"), ("gcs", "gcs-bucket"),
                                 ("azure", "blob-container"), ("local", "➖")):
            row = next(line for line in out.splitlines() if f" {flavor} " in line)
            self.assertIn(resource, row)
        flavors = {f["name"]: f for f in self.lk_json("container-registry", "flavor", "list")}
        self.assertEqual(sorted(flavors), ["aws", "azure", "default", "gcp"])
        self.assertEqual(flavors["aws"]["resource_type"], "docker-registry")
        orchestrators = {f["name"]: f for f in self.lk_json("orchestrator", "flavor", "list")}
        self.assertEqual(orchestrators["kubernetes"]["resource_type"], "kubernetes-cluster")
        self.assertIsNone(orchestrators["local"]["resource_type"])

    def test_flavor_describe_s3_prints_the_seeds_requirement(self):
        out = self.lk_ok("artifact-store", "flavor", "describe", "s3").stdout
        self.assertTrue(out.startswith("Configuration class: S3ArtifactStoreConfig\n"), out)
        self.assertIn("This flavor supports connecting to external resources with a Service "
                      "Connector. It requires a 's3-bucket' resource.", out)
        self.assertIn("'latchkey service-connector list-resources --resource-type s3-bucket'", out)
        self.assertIn("'latchkey service-connector register -i'", out)
        r = self.lk_fail("artifact-store", "flavor", "describe", "hdfs")
        self.assertOneLineError(r, "hdfs", "s3")

    def test_local_flavor_copies_on_disk_without_a_connector(self):
        store_dir = os.path.join(self.env.root, "store")
        work = os.path.join(self.env.root, "work")
        os.makedirs(work)
        self.lk_ok("artifact-store", "register", "files", "--flavor", "local", f"--path={store_dir}")
        src = os.path.join(work, "in.bin")
        digest = write_random(src, 3 << 20)
        self.lk_ok("artifact-store", "cp", src, "files:runs/1/in.bin")
        self.assertEqual(sha256_of(os.path.join(store_dir, "runs/1/in.bin")), digest)
        listed = self.lk_json("artifact-store", "ls", "files", "runs/")
        self.assertEqual(listed, [{"key": "runs/1/in.bin", "size": 3 << 20}])
        out = os.path.join(work, "out.bin")
        self.lk_ok("artifact-store", "cp", "files:runs/1/in.bin", out)
        self.assertEqual(sha256_of(out), digest)
        # A missing artifact fails cleanly and leaves no file behind.
        missing = os.path.join(work, "missing.bin")
        r = self.lk_fail("artifact-store", "cp", "files:nope", missing)
        self.assertOneLineError(r, "nope")
        self.assertEqual(sorted(os.listdir(work)), ["in.bin", "out.bin"])
        # The local flavor uses no connector.
        r = self.lk_fail("artifact-store", "connect", "files", "--connector", "whatever")
        self.assertOneLineError(r, "does not use service connectors")

    def test_stack_update_replaces_and_removes_members(self):
        for name in ("a1", "a2"):
            self.lk_ok("artifact-store", "register", name, "--flavor", "local",
                       f"--path={os.path.join(self.env.root, name)}")
        self.lk_ok("orchestrator", "register", "o1", "--flavor", "local")
        self.lk_ok("container-registry", "register", "r1", "--flavor", "default",
                   "--uri=127.0.0.1:5000")
        self.lk_ok("stack", "register", "s", "-a", "a1", "-o", "o1", "--set")
        r = self.lk_ok("stack", "update", "s", "-a", "a2", "-c", "r1", "--remove-orchestrator")
        self.assertIn("Stack 's' updated.", r.stdout)
        s = self.lk_json("stack", "describe", "s")
        names = {t: c["name"] for t, c in s["components"].items()}
        self.assertEqual(names, {"artifact_store": "a2", "container_registry": "r1"})
        self.assertTrue(s["active"])
        self.assertOneLineError(self.lk_fail("stack", "update", "s"), "nothing to update")
        self.assertOneLineError(self.lk_fail("stack", "update", "s", "-c", "nope"), "nope")
        self.assertOneLineError(self.lk_fail("stack", "update", "nope", "-a", "a1"), "nope")
        # A failed update changes nothing.
        names = {t: c["name"] for t, c in self.lk_json("stack", "describe", "s")["components"].items()}
        self.assertEqual(names, {"artifact_store": "a2", "container_registry": "r1"})


class MotoStackTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = cls.enterClassContext(aws_peers.moto_server())

    def setUp(self):
        super().setUp()
        for value, label in self.moto.secrets().items():
            self.env.add_secret(value, label)
        self.work = os.path.join(self.env.root, "work")
        os.makedirs(self.work)

    def admin_s3(self):
        return boto3.client("s3", endpoint_url=self.moto.endpoint, region_name=self.moto.region,
                            aws_access_key_id=self.moto.access_key_id,
                            aws_secret_access_key=self.moto.secret_access_key,
                            config=Config(s3={"addressing_style": "path"}))

    def register_connector(self, name="aws-s3", *extra):
        m = self.moto
        self.lk_ok("service-connector", "register", name, "--type", "aws", "--auth-method",
                   "iam-role", f"--role_arn={m.role_arn}", f"--aws_access_key_id={m.access_key_id}",
                   f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                   f"--endpoint_url={m.endpoint}", "-r", "s3-bucket", *extra)

    def test_seeds_walkthrough_writes_and_reads_an_artifact(self):
        bucket = self.moto.buckets[0]
        self.register_connector()
        # As in the seeds, the path is the bucket itself. (moto with IAM enforced miscomputes
        # signatures of ListObjectsV2 prefixes containing '/', boto3's too, so the moto tests
        # list without one; test_stack_rgw.py lists under a path prefix on a real S3.)
        r = self.lk_ok("artifact-store", "register", "s3-zenfiles", "--flavor", "s3",
                       f"--path=s3://{bucket}")
        self.assertIn("Successfully registered artifact store `s3-zenfiles`", r.stdout)
        r = self.lk_ok("artifact-store", "connect", "s3-zenfiles", "--connector", "aws-s3")
        self.assertIn("Successfully connected artifact store `s3-zenfiles` to the following "
                      "resources:", r.stdout)
        row = next(line for line in r.stdout.splitlines() if "aws-s3" in line)
        self.assertIn(f"s3://{bucket}", row)  # the bucket of the path, not the whole path
        self.assertIn("s3-bucket", row)
        # As written in the seeds: the default orchestrator exists without being registered.
        r = self.lk_ok("stack", "register", "s3-zenfiles", "-o", "default", "-a", "s3-zenfiles",
                       "--set")
        self.assertIn("set as active", r.stdout)

        src = os.path.join(self.work, "message.txt")
        with open(src, "w") as f:
            f.write("Hello World!\n")
        self.lk_ok("artifact-store", "cp", src, "s3-zenfiles:simple_step_one/output")
        stored = self.admin_s3().get_object(Bucket=bucket, Key="simple_step_one/output")
        self.assertEqual(stored["Body"].read(), b"Hello World!\n")
        listed = self.lk_json("artifact-store", "ls", "s3-zenfiles", "simple_step_one")
        self.assertEqual(listed, [{"key": "simple_step_one/output", "size": 13}])
        back = os.path.join(self.work, "back.txt")
        self.lk_ok("artifact-store", "cp", "s3-zenfiles:simple_step_one/output", back)
        with open(back) as f:
            self.assertEqual(f.read(), "Hello World!\n")

        # The active stack's connector is marked in `service-connector list`.
        self.register_connector("unused")
        rows = self.lk_ok("service-connector", "list").stdout.splitlines()
        self.assertIn("ACTIVE", rows[1])
        self.assertIn("👉", next(line for line in rows if " aws-s3 " in line))
        self.assertNotIn("👉", next(line for line in rows if " unused " in line))
        stack = self.lk_json("stack", "describe")
        self.assertTrue(stack["active"])
        self.assertEqual(stack["components"]["artifact_store"]["connector_resource_id"],
                         f"s3://{bucket}")
        self.assertIn("👉", self.lk_ok("stack", "list").stdout)

    def test_connector_in_use_cannot_be_deleted_or_retargeted(self):
        bucket = self.moto.buckets[0]
        self.register_connector()
        self.lk_ok("artifact-store", "register", "store", "--flavor", "s3",
                   f"--path=s3://{bucket}", "--connector", "aws-s3")
        r = self.lk_fail("service-connector", "delete", "aws-s3")
        self.assertOneLineError(r, "artifact store 'store'", "disconnect")
        r = self.lk_fail("service-connector", "update", "aws-s3", "--resource-id",
                         f"s3://{self.moto.buckets[1]}")
        self.assertOneLineError(r, "artifact store 'store'")
        r = self.lk_fail("service-connector", "update", "aws-s3", "--auth-method", "secret-key",
                         "--remove-attr", "role_arn")
        self.assertOneLineError(r, "artifact store 'store'")
        self.lk_ok("service-connector", "update", "aws-s3", "--description", "still fine")
        self.lk_ok("artifact-store", "disconnect", "store")
        self.lk_ok("service-connector", "delete", "aws-s3")

    def test_connect_checks_resource_type_and_reachability(self):
        self.register_connector()
        self.lk_ok("artifact-store", "register", "gcs", "--flavor", "gcs", "--path=gs://b/x")
        r = self.lk_fail("artifact-store", "connect", "gcs", "--connector", "aws-s3")
        self.assertOneLineError(r, "'gcs-bucket'")
        self.lk_ok("artifact-store", "register", "nobucket", "--flavor", "s3",
                   "--path=s3://no-such-bucket-here/x")
        r = self.lk_fail("artifact-store", "connect", "nobucket", "--connector", "aws-s3")
        self.assertOneLineError(r, "cannot reach s3-bucket 's3://no-such-bucket-here'")
        self.assertIsNone(self.lk_json("artifact-store", "describe", "nobucket")["connector_id"])
        r = self.lk_fail("artifact-store", "connect", "nobucket", "--connector", "aws-s3",
                         "--resource-id", f"s3://{self.moto.buckets[0]}")
        self.assertOneLineError(r, "not")
        # Registering with a connector that cannot reach the bucket saves nothing.
        r = self.lk_fail("artifact-store", "register", "bad", "--flavor", "s3",
                         "--path=s3://no-such-bucket-here", "--connector", "aws-s3")
        # ("default" is the default stack's local store, there since the first stack call.)
        self.assertEqual([c["name"] for c in self.lk_json("artifact-store", "list")],
                         ["default", "gcs", "nobucket"])

    def test_authentication_secret_holds_the_store_credentials(self):
        """The seeds' third alternative: `secret create aws ...` then
        `artifact-store register s3 --flavor s3 --path=s3://BUCKET --authentication_secret=aws`."""
        m = self.moto
        bucket = m.buckets[0]
        self.lk_ok("secret", "create", "aws", f"--aws_access_key_id={m.access_key_id}",
                   f"--aws_secret_access_key={m.secret_access_key}")
        r = self.lk_ok("artifact-store", "register", "s3", "--flavor", "s3",
                       f"--path=s3://{bucket}", "--authentication_secret=aws",
                       f"--region={m.region}", f"--endpoint_url={m.endpoint}")
        self.assertIn("Successfully registered artifact store `s3`", r.stdout)
        src = os.path.join(self.work, "in.txt")
        with open(src, "w") as f:
            f.write("kept with the secret's keys\n")
        self.lk_ok("artifact-store", "cp", src, "s3:auth_secret/in")
        stored = self.admin_s3().get_object(Bucket=bucket, Key="auth_secret/in")
        self.assertEqual(stored["Body"].read(), b"kept with the secret's keys\n")
        back = os.path.join(self.work, "back.txt")
        self.lk_ok("artifact-store", "cp", "s3:auth_secret/in", back)
        with open(back) as f:
            self.assertEqual(f.read(), "kept with the secret's keys\n")
        described = self.lk_json("artifact-store", "describe", "s3")
        self.assertEqual(described["configuration"]["authentication_secret"], "aws")

        # A secret without the keys, or no such secret: one line naming the secret, no value.
        self.lk_ok("secret", "create", "incomplete", "--aws_access_key_id=only-the-id-here")
        self.lk_ok("artifact-store", "register", "s3-incomplete", "--flavor", "s3",
                   f"--path=s3://{bucket}", "--authentication_secret=incomplete",
                   f"--endpoint_url={m.endpoint}")
        r = self.lk_fail("artifact-store", "cp", src, "s3-incomplete:x")
        self.assertOneLineError(r, "'incomplete'", "aws_secret_access_key")
        self.lk_ok("artifact-store", "register", "s3-missing", "--flavor", "s3",
                   f"--path=s3://{bucket}", "--authentication_secret=nope",
                   f"--endpoint_url={m.endpoint}")
        r = self.lk_fail("artifact-store", "cp", src, "s3-missing:x")
        self.assertOneLineError(r, "nope", "authentication_secret")

    def test_interactive_connect_lists_compatible_connectors_and_asks(self):
        bucket = self.moto.buckets[1]
        self.register_connector()
        self.lk_ok("artifact-store", "register", "pick", "--flavor", "s3", f"--path=s3://{bucket}")
        r = self.lk_ok("artifact-store", "connect", "pick", "-i", input="nope\naws-s3\n")
        self.assertIn("aws-s3", r.stderr)
        self.assertIn(f"s3://{bucket}", r.stderr)
        component = self.lk_json("artifact-store", "describe", "pick")
        self.assertEqual(component["connector_resource_id"], f"s3://{bucket}")

    def test_secret_references_are_resolved_at_use_time(self):
        bucket = self.moto.buckets[0]
        self.lk_ok("secret", "create", "aws", f"--aws_access_key_id={self.moto.access_key_id}",
                   f"--aws_secret_access_key={self.moto.secret_access_key}")
        r = self.lk_fail("artifact-store", "register", "literal", "--flavor", "s3",
                         f"--path=s3://{bucket}", f"--secret={self.moto.secret_access_key}")
        self.assertOneLineError(r, "reference")
        self.lk_ok("artifact-store", "register", "direct", "--flavor", "s3",
                   f"--path=s3://{bucket}/direct", "--key={{aws.aws_access_key_id}}",
                   "--secret={{ aws.aws_secret_access_key }}", f"--endpoint_url={self.moto.endpoint}",
                   f"--region={self.moto.region}")
        described = self.lk_ok("artifact-store", "describe", "direct").stdout
        self.assertIn("{{aws.aws_access_key_id}}", described)
        src = os.path.join(self.work, "a.txt")
        with open(src, "w") as f:
            f.write("by reference\n")
        self.lk_ok("artifact-store", "cp", src, "direct:a.txt")
        self.assertEqual(self.admin_s3().get_object(Bucket=bucket, Key="direct/a.txt")["Body"]
                         .read(), b"by reference\n")
        # Resolved when used: a changed secret takes effect at once.
        self.lk_ok("secret", "update", "aws", "--aws_secret_access_key=wrong-secret-value")
        r = self.lk_fail("artifact-store", "cp", src, "direct:b.txt")
        self.assertOneLineError(r, "SignatureDoesNotMatch")
        self.lk_ok("secret", "delete", "aws")
        r = self.lk_fail("artifact-store", "ls", "direct")
        self.assertOneLineError(r, "secret 'aws'")

    def test_large_files_stream_in_parts_and_come_back_identical(self):
        bucket = self.moto.buckets[0]
        self.register_connector()
        self.lk_ok("artifact-store", "register", "big", "--flavor", "s3",
                   f"--path=s3://{bucket}/big", "--connector", "aws-s3")
        src = os.path.join(self.work, "big.bin")
        digest = write_random(src, (70 << 20) + 12345)
        self.lk_ok("artifact-store", "cp", src, "big:model.bin", timeout=300)
        head = self.admin_s3().head_object(Bucket=bucket, Key="big/model.bin")
        self.assertEqual(head["ContentLength"], (70 << 20) + 12345)
        self.assertIn("-", head["ETag"])  # a multipart upload's ETag: MD5-of-parts "-" count
        out = os.path.join(self.work, "back.bin")
        self.lk_ok("artifact-store", "cp", "big:model.bin", out, timeout=300)
        self.assertEqual(sha256_of(out), digest)
        # Without a terminal on stderr there is no progress bar.
        self.assertNotIn("MiB/s", "".join(r.stderr for r in self.env.history))


if __name__ == "__main__":
    unittest.main()
