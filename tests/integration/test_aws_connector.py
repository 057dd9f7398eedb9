"""The aws connector against real peers: moto with IAM enforced, and Ceph RGW with STS, which
enforces session policies (the seeds' down-scoping example).

    python3 -m unittest tests/integration/test_aws_connector.py -v
"""

from __future__ import annotations

import base64
import datetime
import os
import shutil
import subprocess
import tempfile
import time
import sys
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_peers  # noqa: E402
import cli  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def s3_client(endpoint, region, secrets):
    return boto3.client("s3", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=secrets["aws_access_key_id"],
                        aws_secret_access_key=secrets["aws_secret_access_key"],
                        aws_session_token=secrets.get("aws_session_token"),
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


class AwsTestCase(cli.CliTestCase):
    def register_peer_secrets(self, peer):
        for value, label in peer.secrets().items():
            self.env.add_secret(value, label)

    def client_secrets(self, name, resource_id):
        client = self.lk_ok("service-connector", "describe", name, "--resource-id", resource_id,
                            "-o", "json", "--show-secrets").json()
        self.assertEqual(client["connector_type"], "aws")
        self.assertEqual(client["auth_method"], "sts-token")
        self.assertIsNotNone(client["expires_at"])
        for value in client["secrets"].values():
            self.env.add_secret(value, "issued credential")
        return client["secrets"]


class MotoTest(AwsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = cls.enterClassContext(aws_peers.moto_server())

    def setUp(self):
        super().setUp()
        self.register_peer_secrets(self.moto)

    def test_secret_key_lists_every_resource_type(self):
        self.lk_ok(*self.register_args("m1", "secret-key"))
        report = self.lk_ok("service-connector", "verify", "m1", "-o", "json").json()
        by_type = {r["resource_type"]: r for r in report["resources"]}
        self.assertEqual(by_type["aws-generic"]["resource_ids"], [self.moto.region])
        self.assertEqual(sorted(by_type["s3-bucket"]["resource_ids"]),
                         sorted("s3://" + b for b in self.moto.buckets))
        self.assertEqual(by_type["kubernetes-cluster"]["resource_ids"], [self.moto.cluster_name])
        self.assertEqual(by_type["docker-registry"]["resource_ids"],
                         [f"{self.moto.account_id}.dkr.ecr.{self.moto.region}.amazonaws.com"])

    def register_args(self, name, method, *extra):
        return ("service-connector", "register", name, "--type", "aws", "--auth-method", method,
                f"--aws_access_key_id={self.moto.access_key_id}",
                f"--aws_secret_access_key={self.moto.secret_access_key}",
                f"--region={self.moto.region}", f"--endpoint_url={self.moto.endpoint}", *extra)

    def test_wrong_secret_key_is_refused_and_not_saved(self):
        r = self.lk_fail("service-connector", "register", "bad", "--type", "aws",
                         "--auth-method", "secret-key", f"--aws_access_key_id={self.moto.access_key_id}",
                         "--aws_secret_access_key=not-the-secret", f"--region={self.moto.region}",
                         f"--endpoint_url={self.moto.endpoint}")
        self.assertIn("SignatureDoesNotMatch", r.stderr)
        self.assertEqual(self.lk_ok("service-connector", "list", "-o", "json").json(), [])

    def test_iam_role_issues_credentials_a_real_client_uses(self):
        self.lk_ok(*self.register_args("role", "iam-role", f"--role_arn={self.moto.role_arn}",
                                       "-r", "s3-bucket"))
        bucket = self.moto.buckets[0]
        secrets = self.client_secrets("role", f"s3://{bucket}")
        self.assertNotEqual(secrets["aws_access_key_id"], self.moto.access_key_id)
        body = s3_client(self.moto.endpoint, self.moto.region, secrets).get_object(
            Bucket=bucket, Key=self.moto.object_key)["Body"].read()
        self.assertEqual(body, self.moto.object_body(bucket))

    def test_eks_client_is_a_kubernetes_token_that_sts_accepts(self):
        self.lk_ok(*self.register_args("eks", "secret-key", "-r", "kubernetes-cluster"))
        client = self.lk_ok("service-connector", "describe", "eks", "--resource-id",
                            self.moto.cluster_name, "-o", "json", "--show-secrets").json()
        self.assertEqual(client["connector_type"], "kubernetes")
        self.assertEqual(client["auth_method"], "token")
        token = client["secrets"]["token"]
        self.env.add_secret(token, "EKS token")
        self.assertTrue(token.startswith("k8s-aws-v1."))
        self.assertIn("BEGIN CERTIFICATE", client["secrets"]["certificate_authority"])
        url = base64.urlsafe_b64decode(token[len("k8s-aws-v1."):] + "==").decode()
        self.assertTrue(url.startswith(self.moto.endpoint + "/?Action=GetCallerIdentity"), url)
        self.assertIn("x-k8s-aws-id", url.lower())
        # What the EKS authenticator does with the token: call STS with the signed header.
        ok = urllib.request.urlopen(urllib.request.Request(
            url, headers={"x-k8s-aws-id": self.moto.cluster_name}), timeout=30)
        self.assertIn(self.moto.user_arn, ok.read().decode())
        with self.assertRaises(urllib.error.HTTPError) as e:  # the header is part of the signature
            urllib.request.urlopen(urllib.request.Request(
                url, headers={"x-k8s-aws-id": "another-cluster"}), timeout=30)
        self.assertEqual(e.exception.code, 403)

    def test_ecr_client_is_a_docker_login_with_the_tokens_own_expiry(self):
        self.lk_ok(*self.register_args("ecr", "iam-role", f"--role_arn={self.moto.role_arn}",
                                       "-r", "docker-registry"))
        client = self.lk_ok("service-connector", "describe", "ecr", "--resource-id",
                            f"https://{self.moto.repository_uri}", "--client", "-o", "json",
                            "--show-secrets").json()
        self.env.add_secret(client["secrets"]["password"], "ECR token")
        self.assertEqual(client["connector_type"], "docker")
        self.assertEqual(client["resource_id"], self.moto.registry)
        self.assertEqual(client["configuration"]["registry"], "https://" + self.moto.registry)
        # The same login the registry's own API hands out (moto's ECR, asked by boto3).
        auth = self.moto.client("ecr").get_authorization_token()["authorizationData"][0]
        user, _, password = base64.b64decode(auth["authorizationToken"]).decode().partition(":")
        self.assertEqual((client["secrets"]["username"], client["secrets"]["password"]),
                         (user, password))
        expires = datetime.datetime.fromisoformat(client["expires_at"].replace("Z", "+00:00"))
        self.assertAlmostEqual(expires.timestamp(), auth["expiresAt"].timestamp(), delta=120)

    def aws_files(self):
        d = tempfile.mkdtemp(prefix="lk-awsfiles-")
        self.addCleanup(shutil.rmtree, d, True)
        return os.path.join(d, "credentials"), os.path.join(d, "config")

    def test_auto_configure_from_environment_defaults_to_session_token(self):
        env = {"AWS_ACCESS_KEY_ID": self.moto.access_key_id,
               "AWS_SECRET_ACCESS_KEY": self.moto.secret_access_key,
               "AWS_REGION": self.moto.region, "AWS_ENDPOINT_URL": self.moto.endpoint,
               "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"}
        r = self.lk_ok("service-connector", "register", "auto", "--type", "aws", "--auto-configure",
                       "-r", "s3-bucket", env_extra=env)
        self.assertIn(f"s3://{self.moto.buckets[0]}", r.stdout)
        c = self.lk_ok("service-connector", "describe", "auto", "-o", "json").json()
        self.assertEqual(c["auth_method"], "session-token")
        self.assertEqual(c["expiration_seconds"], 43200)
        self.assertEqual(c["secrets"]["aws_secret_access_key"], cli.HIDDEN)

    def test_auto_configure_plain_keys_as_an_explicit_iam_role(self):
        env = {"AWS_ACCESS_KEY_ID": self.moto.access_key_id,
               "AWS_SECRET_ACCESS_KEY": self.moto.secret_access_key,
               "AWS_REGION": self.moto.region, "AWS_ENDPOINT_URL": self.moto.endpoint,
               "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"}
        r = self.lk_fail("service-connector", "register", "norole", "--type", "aws",
                         "--auto-configure", "--auth-method", "iam-role", env_extra=env)
        self.assertIn("role_arn", r.stderr)
        self.lk_ok("service-connector", "register", "explicit", "--type", "aws", "--auto-configure",
                   "--auth-method", "iam-role", f"--role_arn={self.moto.role_arn}",
                   "-r", "s3-bucket", env_extra=env)
        c = self.lk_ok("service-connector", "describe", "explicit", "-o", "json").json()
        self.assertEqual(c["auth_method"], "iam-role")
        self.assertEqual(c["configuration"]["role_arn"], self.moto.role_arn)
        secrets = self.client_secrets("explicit", f"s3://{self.moto.buckets[0]}")
        self.assertTrue(secrets["aws_session_token"])

    def test_auto_configure_from_a_role_profile(self):
        creds, config = self.aws_files()
        with open(creds, "w") as f:
            f.write(f"[src]\naws_access_key_id = {self.moto.access_key_id}\n"
                    f"aws_secret_access_key = {self.moto.secret_access_key}\n")
        with open(config, "w") as f:
            f.write(f"[profile ops]\nrole_arn = {self.moto.role_arn}\nsource_profile = src\n"
                    f"region = {self.moto.region}\nendpoint_url = {self.moto.endpoint}\n")
        env = {"AWS_PROFILE": "ops", "AWS_SHARED_CREDENTIALS_FILE": creds, "AWS_CONFIG_FILE": config}
        self.lk_ok("service-connector", "register", "ops", "--type", "aws", "--auto-configure",
                   "-r", "s3-bucket", env_extra=env)
        c = self.lk_ok("service-connector", "describe", "ops", "-o", "json").json()
        self.assertEqual(c["auth_method"], "iam-role")
        self.assertEqual(c["configuration"]["role_arn"], self.moto.role_arn)

    def test_login_writes_a_profile_that_boto3_uses_and_keeps_others(self):
        creds, config = self.aws_files()
        with open(creds, "w") as f:
            f.write("# my keys\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n")
        with open(config, "w") as f:
            f.write("[profile other]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n")
        self.lk_ok(*self.register_args("role", "iam-role", f"--role_arn={self.moto.role_arn}",
                                       "-r", "s3-bucket"))
        bucket = self.moto.buckets[1]
        env = {"AWS_SHARED_CREDENTIALS_FILE": creds, "AWS_CONFIG_FILE": config}
        r = self.lk_ok("service-connector", "login", "role", "--resource-id", f"s3://{bucket}",
                       env_extra=env)
        profile = r.stdout.split("'")[1]
        self.assertTrue(profile.startswith("latchkey-"), r.stdout)
        with open(creds) as f:
            written = f.read()
        self.assertIn("# my keys\n[other]\naws_access_key_id = AKIAOTHER", written)
        with open(config) as f:
            self.assertIn("s3 =\n  addressing_style = path", f.read())
        os.environ["AWS_SHARED_CREDENTIALS_FILE"], os.environ["AWS_CONFIG_FILE"] = creds, config
        try:
            session = boto3.Session(profile_name=profile)
            s3 = session.client("s3", endpoint_url=self.moto.endpoint)
            body = s3.get_object(Bucket=bucket, Key=self.moto.object_key)["Body"].read()
        finally:
            del os.environ["AWS_SHARED_CREDENTIALS_FILE"], os.environ["AWS_CONFIG_FILE"]
        self.assertEqual(body, self.moto.object_body(bucket))

    def test_implicit_is_refused_unless_enabled(self):
        r = self.lk_fail("service-connector", "register", "imp", "--type", "aws", "--auth-method",
                         "implicit", f"--region={self.moto.region}",
                         f"--endpoint_url={self.moto.endpoint}")
        self.assertIn("LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS", r.stderr)

    def test_expired_sts_token_is_refused(self):
        r = self.lk_ok(*self.register_args("old", "sts-token", "--aws_session_token=expired-token",
                                           "--expires-at", "2020-01-01 00:00:00", "--no-verify"))
        v = self.lk_fail("service-connector", "verify", "old")
        self.assertIn("expired", v.stdout + v.stderr)
        d = self.lk_fail("service-connector", "describe", "old", "-r", "aws-generic")
        self.assertIn("expired", d.stderr)
        ls = self.lk_ok("service-connector", "list", "--name", "old")
        self.assertIn("Expired!", ls.stdout)

    def metadata_server(self, container_token="ctok-" + "x" * 8):
        d = tempfile.mkdtemp(prefix="lk-meta-")
        self.addCleanup(shutil.rmtree, d, True)
        port_file = os.path.join(d, "port")
        proc = subprocess.Popen([sys.executable, os.path.join(REPO, "tests", "fakes", "aws_metadata_server.py"),
                                 "--port-file", port_file, "--access-key-id", self.moto.access_key_id,
                                 "--secret-access-key", self.moto.secret_access_key,
                                 "--container-token", container_token])
        self.addCleanup(lambda: (proc.terminate(), proc.wait(10)))
        for _ in range(100):
            if os.path.exists(port_file):
                with open(port_file) as f:
                    return f"http://127.0.0.1:{f.read()}"
            time.sleep(0.05)
        self.fail("metadata fake did not start")

    def implicit_env(self, **extra):
        env = {"LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS": "true",
               "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent",
               "AWS_EC2_METADATA_DISABLED": "true"}
        env.update(extra)
        return env

    def register_implicit(self, name, env):
        return self.lk("service-connector", "register", name, "--type", "aws", "--auth-method",
                       "implicit", f"--region={self.moto.region}",
                       f"--endpoint_url={self.moto.endpoint}", "-r", "s3-bucket", env_extra=env)

    def test_implicit_from_the_container_credentials_endpoint(self):
        url = self.metadata_server("ctok-right")
        r = self.register_implicit("ecs", self.implicit_env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=url + "/creds", AWS_CONTAINER_AUTHORIZATION_TOKEN="ctok-right"))
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn(f"s3://{self.moto.buckets[0]}", r.stdout)
        bad = self.register_implicit("ecs2", self.implicit_env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=url + "/creds", AWS_CONTAINER_AUTHORIZATION_TOKEN="ctok-wrong"))
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("container credentials endpoint", bad.stderr)

    def test_implicit_from_imdsv2(self):
        url = self.metadata_server()
        env = self.implicit_env(AWS_EC2_METADATA_SERVICE_ENDPOINT=url)
        del env["AWS_EC2_METADATA_DISABLED"]
        r = self.register_implicit("ec2", env)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn(f"s3://{self.moto.buckets[1]}", r.stdout)

    def test_unknown_resource_is_an_error(self):
        self.lk_ok(*self.register_args("m2", "secret-key", "-r", "s3-bucket"))
        r = self.lk_fail("service-connector", "verify", "m2", "--resource-id", "s3://no-such-bucket-x")
        self.assertIn("no-such-bucket-x", r.stdout + r.stderr)


class CephRgwDownScopingTest(AwsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rgw = cls.enterClassContext(aws_peers.ceph_rgw())

    def setUp(self):
        super().setUp()
        self.register_peer_secrets(self.rgw)

    def test_iam_role_credentials_reach_one_bucket_only(self):
        bucket1, bucket2 = self.rgw.buckets[:2]
        self.lk_ok("service-connector", "register", "rgw", "--type", "aws", "--auth-method", "iam-role",
                   f"--aws_access_key_id={self.rgw.access_key_id}",
                   f"--aws_secret_access_key={self.rgw.secret_access_key}",
                   f"--region={self.rgw.region}", f"--endpoint_url={self.rgw.endpoint}",
                   f"--role_arn={self.rgw.role_arn}", "-r", "s3-bucket")
        secrets = self.client_secrets("rgw", f"s3://{bucket1}")
        s3 = s3_client(self.rgw.endpoint, self.rgw.region, secrets)
        body = s3.get_object(Bucket=bucket1, Key=self.rgw.object_key)["Body"].read()
        self.assertEqual(body, self.rgw.object_body(bucket1))
        for denied in (lambda: s3.get_object(Bucket=bucket2, Key=self.rgw.object_key),
                       lambda: s3.list_objects_v2(Bucket=bucket2)):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                denied()
            self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_session_token_credentials_work_and_are_not_down_scoped(self):
        bucket2 = self.rgw.buckets[1]
        self.lk_ok("service-connector", "register", "sess", "--type", "aws", "--auth-method",
                   "session-token", f"--aws_access_key_id={self.rgw.access_key_id}",
                   f"--aws_secret_access_key={self.rgw.secret_access_key}",
                   f"--region={self.rgw.region}", f"--endpoint_url={self.rgw.endpoint}",
                   "--expiration-seconds", "900", "-r", "s3-bucket")
        secrets = self.client_secrets("sess", f"s3://{self.rgw.buckets[0]}")
        self.assertNotEqual(secrets["aws_access_key_id"], self.rgw.access_key_id)
        # GetSessionToken carries all of the user's permissions (upstream documents this).
        body = s3_client(self.rgw.endpoint, self.rgw.region, secrets).get_object(
            Bucket=bucket2, Key=self.rgw.object_key)["Body"].read()
        self.assertEqual(body, self.rgw.object_body(bucket2))


if __name__ == "__main__":
    unittest.main()
