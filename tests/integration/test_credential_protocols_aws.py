"""AWS credentials that refresh themselves, exercised by the real clients (boto3 and the aws CLI):
`latchkey credentials aws` as a credential_process written by `service-connector login`, and
`latchkey exec`'s loopback container-credentials endpoint; in local mode and through a server.

moto runs with STS sessions that expire 20 s after issue and are refused afterwards
(tests/peers/moto_server.py --sts-lifetime), so each test crosses a real expiry: the old
credentials stop working and the client carries on with new ones, without a new login.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_credential_protocols_aws.py
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_peers  # noqa: E402
import cli  # noqa: E402
import latchkey_server  # noqa: E402

STS_LIFETIME = 20  # seconds an issued session lasts on this moto
AWS = shutil.which("aws") or "/usr/bin/aws"


def parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait_until_past(moment: datetime.datetime, extra: float = 1.5) -> None:
    delay = (moment - datetime.datetime.now(datetime.timezone.utc)).total_seconds() + extra
    if delay > 0:
        time.sleep(delay)


class AwsProtocolsBase(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = cls.enterClassContext(aws_peers.moto_server(sts_lifetime_seconds=STS_LIFETIME))
        cls.bucket = cls.moto.buckets[0]

    def setUp(self):
        super().setUp()
        self.env.add_secret(self.moto.secret_access_key, "moto secret access key")
        files = tempfile.mkdtemp(prefix="lk-awsfiles-")
        self.addCleanup(shutil.rmtree, files, True)
        self.aws_env = {"AWS_CONFIG_FILE": os.path.join(files, "config"),
                        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(files, "credentials")}

    def register_role(self, name="role", env=None):
        m = self.moto
        return (env or self.env).run(
            "service-connector", "register", name, "--type", "aws", "--auth-method", "iam-role",
            f"--role_arn={m.role_arn}", f"--aws_access_key_id={m.access_key_id}",
            f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
            f"--endpoint_url={m.endpoint}", "-r", "s3-bucket",
            # Issued sessions last 20 s here: the default 300 s skew would call them expired.
            "--expires-skew-tolerance", "2")

    def client_env(self, extra=None):
        """A tool's environment: no Latchkey variables at all (the written command pins them)."""
        env = {k: v for k, v in self.env.client_env(self.aws_env).items()
               if not k.startswith(("LATCHKEY_", "AWS_ACCESS", "AWS_SECRET", "AWS_SESSION",
                                    "AWS_PROFILE"))}
        env.update(extra or {})
        return env

    def assertRefused(self, key_id, secret, token):
        s3 = self.moto.client("s3", key_id, secret, token)
        with self.assertRaises(botocore.exceptions.ClientError, msg="expired credentials still work"):
            s3.get_object(Bucket=self.bucket, Key=self.moto.object_key)

    def aws(self, *args, env):
        return subprocess.run([AWS, *args], capture_output=True, text=True, env=env, timeout=120)


class CredentialProcessTest(AwsProtocolsBase):
    def test_credentials_command_prints_the_process_format(self):
        self.assertEqual(self.register_role().returncode, 0)
        r = self.lk_ok("credentials", "aws", "role", "--resource-id", f"s3://{self.bucket}")
        doc = json.loads(r.stdout)
        self.assertEqual(sorted(doc), ["AccessKeyId", "Expiration", "SecretAccessKey",
                                       "SessionToken", "Version"])
        self.assertEqual(doc["Version"], 1)
        self.assertNotEqual(doc["AccessKeyId"], self.moto.access_key_id)
        self.assertRegex(doc["Expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        left = (parse_time(doc["Expiration"]) - datetime.datetime.now(datetime.timezone.utc))
        self.assertLess(left.total_seconds(), STS_LIFETIME + 5)
        body = self.moto.client("s3", doc["AccessKeyId"], doc["SecretAccessKey"],
                                doc["SessionToken"]).get_object(
            Bucket=self.bucket, Key=self.moto.object_key)["Body"].read()
        self.assertEqual(body, self.moto.object_body(self.bucket))
        # Errors: one line on stderr, non-zero exit, nothing on stdout.
        bad = self.lk_fail("credentials", "aws", "no-such-connector")
        self.assertEqual(bad.stdout, "")
        self.assertOneLineError(bad, "no-such-connector")

    def test_login_writes_a_credential_process_profile_that_outlives_expiry(self):
        self.assertEqual(self.register_role().returncode, 0)
        with open(self.aws_env["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
            f.write("[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n")
        out = self.lk_ok("service-connector", "login", "role", "--resource-id",
                         f"s3://{self.bucket}", "-o", "json", env_extra=self.aws_env).json()
        self.assertTrue(out["refresh"], out)  # expiring credentials: refreshing by default
        profile = out["message"].split("'")[1]
        with open(self.aws_env["AWS_CONFIG_FILE"]) as f:
            config = f.read()
        with open(self.aws_env["AWS_SHARED_CREDENTIALS_FILE"]) as f:
            credentials = f.read()
        self.assertIn(f"[profile {profile}]", config)
        self.assertIn("credential_process = ", config)
        self.assertIn("credentials aws", config)
        self.assertIn("--latchkey-home", config)  # the tool's environment has no LATCHKEY_HOME
        self.assertNotIn(profile, credentials, "keys there would win over credential_process")
        self.assertIn("[other]", credentials)

        # boto3, one long-lived session across an expiry.
        saved = {k: os.environ.get(k) for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                                                "LATCHKEY_HOME")}
        os.environ.update(self.aws_env)
        os.environ.pop("LATCHKEY_HOME", None)
        try:
            session = boto3.Session(profile_name=profile)
            s3 = session.client("s3", config=Config(s3={"addressing_style": "path"},
                                                    retries={"max_attempts": 1}))
            read = lambda: s3.get_object(Bucket=self.bucket, Key=self.moto.object_key)["Body"].read()
            self.assertEqual(read(), self.moto.object_body(self.bucket))
            provider = session.get_credentials()
            first = provider.get_frozen_credentials()
            first_expiry = provider._expiry_time  # what credential_process said
            self.assertIsNotNone(first_expiry)

            cli_first = self.aws("configure", "list", "--profile", profile, env=self.client_env())
            self.assertEqual(cli_first.returncode, 0, cli_first.stderr)
            cp = self.aws("s3", "cp", f"s3://{self.bucket}/{self.moto.object_key}", "-",
                          "--profile", profile, env=self.client_env())
            self.assertEqual(cp.returncode, 0, cp.stderr)
            self.assertEqual(cp.stdout.encode(), self.moto.object_body(self.bucket))

            wait_until_past(first_expiry)
            self.assertRefused(first.access_key, first.secret_key, first.token)
            self.assertEqual(read(), self.moto.object_body(self.bucket))  # same client, no login
            second = session.get_credentials().get_frozen_credentials()
            self.assertNotEqual(second.access_key, first.access_key)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

        # The aws CLI, after the expiry, with other credentials than before.
        cp = self.aws("s3", "cp", f"s3://{self.bucket}/{self.moto.object_key}", "-",
                      "--profile", profile, env=self.client_env())
        self.assertEqual(cp.returncode, 0, cp.stderr)
        self.assertEqual(cp.stdout.encode(), self.moto.object_body(self.bucket))
        cli_second = self.aws("configure", "list", "--profile", profile, env=self.client_env())
        key_line = lambda out: [ln for ln in out.splitlines() if "access_key" in ln][0]
        self.assertIn("custom-process", key_line(cli_second.stdout))
        self.assertNotEqual(key_line(cli_first.stdout), key_line(cli_second.stdout))

    def test_static_login_still_writes_the_keys_and_replaces_the_process(self):
        self.assertEqual(self.register_role().returncode, 0)
        self.lk_ok("service-connector", "login", "role", "--resource-id", f"s3://{self.bucket}",
                   env_extra=self.aws_env)
        r = self.lk_ok("service-connector", "login", "role", "--resource-id",
                       f"s3://{self.bucket}", "--static", "-o", "json", env_extra=self.aws_env)
        self.assertFalse(r.json()["refresh"])
        with open(self.aws_env["AWS_CONFIG_FILE"]) as f:
            self.assertNotIn("credential_process", f.read())
        with open(self.aws_env["AWS_SHARED_CREDENTIALS_FILE"]) as f:
            self.assertIn("aws_session_token", f.read())
        both = self.lk("service-connector", "login", "role", "--static", "--refresh")
        self.assertNotEqual(both.returncode, 0)


EXEC_SCRIPT = textwrap.dedent("""
    import json, os, sys, time, urllib.error, urllib.request
    import boto3
    from botocore.config import Config

    url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
    token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    out = {"url": url, "leaked": [k for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                             "AWS_PROFILE") if k in os.environ]}

    def status(headers):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    out["no_token"] = status({})[0]
    out["wrong_token"] = status({"Authorization": "x" + token[1:]})[0]
    code, doc = status({"Authorization": token})
    out["right_token"], out["fields"] = code, sorted(doc)
    out["expiration"] = doc["Expiration"]

    s3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    bucket, key = sys.argv[1], sys.argv[2]
    out["body1"] = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    first = s3._request_signer._credentials.get_frozen_credentials()
    out["first"] = [first.access_key, first.secret_key, first.token]
    time.sleep(float(sys.argv[3]))
    out["body2"] = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    out["second_key"] = s3._request_signer._credentials.get_frozen_credentials().access_key
    print(json.dumps(out))
    sys.exit(7)
""")


class ExecTest(AwsProtocolsBase):
    def run_exec(self, env, *command, timeout=120):
        return env.run("exec", "role", "--resource-id", f"s3://{self.bucket}", "--", *command,
                       timeout=timeout, env_extra={**self.aws_env, "AWS_ACCESS_KEY_ID": "AKIASHADOW",
                                                   "AWS_SECRET_ACCESS_KEY": "shadow-secret-1234"})

    def check_exec_script(self, env):
        script = env.write_input("probe.py", EXEC_SCRIPT)
        r = self.run_exec(env, sys.executable, script, self.bucket, self.moto.object_key,
                          str(STS_LIFETIME + 3))
        self.assertEqual(r.returncode, 7, r.describe())  # the command's own status
        out = json.loads(r.stdout.strip().splitlines()[-1])
        self.assertTrue(out["url"].startswith("http://127.0.0.1:"), out["url"])
        self.assertEqual(out["leaked"], [], "variables that shadow the endpoint were passed on")
        self.assertEqual((out["no_token"], out["wrong_token"], out["right_token"]), (401, 403, 200))
        self.assertEqual(out["fields"], ["AccessKeyId", "Expiration", "SecretAccessKey", "Token"])
        body = self.moto.object_body(self.bucket).decode()
        self.assertEqual((out["body1"], out["body2"]), (body, body))
        self.assertNotEqual(out["second_key"], out["first"][0], "no fresh credentials after expiry")
        self.assertRefused(*out["first"])  # the first set really had expired
        # The endpoint is gone with the command.
        with self.assertRaises(urllib.error.URLError):
            urllib.request.urlopen(out["url"], timeout=5)

    def test_boto3_gets_fresh_credentials_across_expiry_and_the_exit_status_is_passed_on(self):
        self.assertEqual(self.register_role().returncode, 0)
        self.check_exec_script(self.env)

    def test_aws_cli_reads_the_bucket(self):
        self.assertEqual(self.register_role().returncode, 0)
        r = self.run_exec(self.env, AWS, "s3", "cp", f"s3://{self.bucket}/{self.moto.object_key}", "-")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertEqual(r.stdout.encode(), self.moto.object_body(self.bucket))
        r = self.run_exec(self.env, AWS, "s3", "cp", f"s3://{self.bucket}/no-such-key", "-")
        self.assertNotEqual(r.returncode, 0, r.describe())

    def test_unusable_connector_or_command(self):
        self.assertEqual(self.register_role().returncode, 0)
        missing = self.lk("exec", "no-such", "--", "true")
        self.assertNotEqual(missing.returncode, 0)
        self.assertOneLineError(missing, "no-such")
        r = self.run_exec(self.env, "no-such-command-" + secrets.token_hex(4))
        self.assertEqual(r.returncode, 127, r.describe())
        self.assertIn("cannot run", r.stderr)

    def test_sigterm_reaches_the_command(self):
        self.assertEqual(self.register_role().returncode, 0)
        p = self.env.spawn("exec", "role", "--resource-id", f"s3://{self.bucket}", "--",
                           sys.executable, "-c",
                           "import signal,sys,time\n"
                           "signal.signal(signal.SIGTERM, lambda *a: (print('got TERM', flush=True), sys.exit(42)))\n"
                           "print('ready', flush=True)\ntime.sleep(60)")
        self.assertEqual(p.stdout.readline().strip(), b"ready")
        os.kill(p.pid, signal.SIGTERM)
        r = self.env.collect(p, timeout=30)
        self.assertEqual(r.returncode, 42, r.describe())
        self.assertIn("got TERM", r.stdout)


class RemoteModeTest(AwsProtocolsBase):
    """The same protocols after `latchkey login URL`: credentials come from the server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin_password = "adm-" + secrets.token_urlsafe(12)
        cls.server = cls.enterClassContext(
            latchkey_server.latchkey_server(admin_password=cls.admin_password))

    def setUp(self):
        super().setUp()
        self.lk_ok("login", self.server.url, "--username", "admin", "--password-stdin",
                   input=self.admin_password + "\n")
        name = "role-" + secrets.token_hex(3)
        self.assertEqual(self.register_role(name).returncode, 0)
        self.name = name

    def issued(self):
        with open(self.server.audit_log) as f:
            return sum(1 for line in f if "credentials.issue" in line and self.name in line)

    def test_credential_process_and_exec_through_the_server(self):
        before = self.issued()
        out = self.lk_ok("service-connector", "login", self.name, "--resource-id",
                         f"s3://{self.bucket}", "-o", "json", env_extra=self.aws_env).json()
        profile = out["message"].split("'")[1]
        cp = self.aws("s3", "cp", f"s3://{self.bucket}/{self.moto.object_key}", "-",
                      "--profile", profile, env=self.client_env())
        self.assertEqual(cp.returncode, 0, cp.stderr)
        self.assertEqual(cp.stdout.encode(), self.moto.object_body(self.bucket))
        self.assertGreater(self.issued(), before, "the server issued nothing")
        # The client holds no store: everything came from the server.
        self.assertFalse([f for f in os.listdir(self.env.latchkey_home) if "sqlite" in f or ".db" in f])

        r = self.env.run("exec", self.name, "--resource-id", f"s3://{self.bucket}", "--",
                         AWS, "s3", "cp", f"s3://{self.bucket}/{self.moto.object_key}", "-",
                         env_extra=self.aws_env)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertEqual(r.stdout.encode(), self.moto.object_body(self.bucket))


if __name__ == "__main__":
    unittest.main()
