"""The CLI as the client of a real `latchkey server`, with moto (IAM enforced) behind the server.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_server_cli.py

The connector's own AWS keys go to the server once (the register command line) and must never come
back: not in any CLI output, not in any file under the client's LATCHKEY_HOME, TMPDIR or HOME.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_peers  # noqa: E402
import cli  # noqa: E402
import latchkey_server  # noqa: E402
from process_util import free_port  # noqa: E402  (tests/peers, on the path via latchkey_server)

API_TOKEN_RE = re.compile(rb"lk_[A-Za-z0-9_-]{20,}")


def shape(value):
    """The structure of a JSON value: keys and value types, list elements as a set of shapes."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return ["list of", sorted({json.dumps(shape(v), sort_keys=True) for v in value})]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


class ServerCliTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = cls.enterClassContext(aws_peers.moto_server())
        cls.admin_password = "adm-" + secrets.token_urlsafe(12)
        cls.server = cls.enterClassContext(
            latchkey_server.latchkey_server(admin_password=cls.admin_password))
        cls.bucket = cls.moto.buckets[0]

    def setUp(self):
        super().setUp()
        self.watch(self.env)

    def watch(self, env: cli.CliEnv) -> None:
        """The moto user's keys are secrets everywhere (files and outputs of `env`)."""
        env.add_secret(self.moto.secret_access_key, "moto secret access key")
        env.add_secret(self.moto.access_key_id, "moto access key id")

    def other_env(self) -> cli.CliEnv:
        env = cli.CliEnv()
        self.addCleanup(env.cleanup)
        self.addCleanup(lambda: self.assertEqual(env.leaks(), [], "secret values leaked"))
        self.watch(env)
        return env

    def run_in(self, env, *args, **kw) -> cli.Result:
        return env.run(*args, **kw)

    def ok_in(self, env, *args, **kw) -> cli.Result:
        r = env.run(*args, **kw)
        if r.returncode != 0:
            self.fail("command failed but should succeed:\n" + r.describe())
        return r

    def login(self, env=None, username="admin", password=None, url=None) -> cli.Result:
        return self.ok_in(env or self.env, "login", url or self.server.url, "--username", username,
                          "--password-stdin", input=(password or self.admin_password) + "\n")

    def register_args(self, name, *extra):
        m = self.moto
        return ("service-connector", "register", name, "--type", "aws", "--auth-method", "iam-role",
                f"--role_arn={m.role_arn}", f"--aws_access_key_id={m.access_key_id}",
                f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                f"--endpoint_url={m.endpoint}", "-r", "s3-bucket", *extra)

    def blocked_from_moto(self) -> dict:
        """Environment in which this process cannot reach moto (127.0.0.1, via a dead proxy) but
        still reaches the server by the name `localhost` (exempt from the proxy)."""
        dead = "http://127.0.0.1:%d" % free_port()
        env = {k: dead for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                                 "all_proxy", "ALL_PROXY")}
        env.update({"NO_PROXY": "localhost", "no_proxy": "localhost"})
        return env

    def assertMainKeysNeverPrinted(self, *envs):
        """Stricter than CliEnv.leaks(): --show-secrets outputs count too."""
        keys = {self.moto.secret_access_key: "secret access key",
                self.moto.access_key_id: "access key id"}
        found = []
        for env in envs:
            for res in env.history:
                for stream, text in (("stdout", res.stdout), ("stderr", res.stderr)):
                    for value, label in keys.items():
                        for kind, pat in cli.secret_variants(value).items():
                            if pat in text.encode():
                                found.append(f"moto {label} ({kind}) in {stream} of {res.cmdline()}")
        self.assertEqual(found, [], "the connector's own AWS keys reached the client")

    def session_file(self, env=None) -> str:
        return os.path.join((env or self.env).latchkey_home, "remote.json")

    # -- tests ---------------------------------------------------------------------------------
    def test_register_is_verified_on_the_server_and_output_shapes_match_local_mode(self):
        local = self.other_env()
        blocked = self.blocked_from_moto()
        # The blockade works: in local mode the CLI itself must reach moto, and cannot.
        r = self.run_in(local, *self.register_args("shape"), env_extra=blocked)
        self.assertNotEqual(r.returncode, 0, "the dead proxy did not keep the CLI from moto:\n"
                            + r.describe())
        self.assertIn("connect", r.stderr.lower(), r.describe())
        self.assertEqual(self.ok_in(local, "service-connector", "list", "-o", "json").json(), [])

        self.login(url=self.server.url.replace("127.0.0.1", "localhost"))
        r = self.lk_ok(*self.register_args("shape"), env_extra=blocked)
        self.assertIn(f"s3://{self.bucket}", r.stdout, "the server's verification report")
        wrong = self.lk_fail("service-connector", "register", "shape-wrong", "--type", "aws",
                             "--auth-method", "iam-role", f"--role_arn={self.moto.role_arn}",
                             f"--aws_access_key_id={self.moto.access_key_id}",
                             "--aws_secret_access_key=not-the-right-secret-key",
                             f"--region={self.moto.region}", f"--endpoint_url={self.moto.endpoint}",
                             "-r", "s3-bucket", env_extra=blocked)
        self.assertOneLineError(wrong, "SignatureDoesNotMatch")
        self.assertEqual(self.lk_json("service-connector", "list", "--name", "shape-wrong"), [])

        self.ok_in(local, *self.register_args("shape"))
        commands = [("service-connector", "list", "--name", "shape"),
                    ("service-connector", "describe", "shape"),
                    ("service-connector", "verify", "shape"),
                    ("service-connector", "list-resources", "-c", "aws"),
                    ("service-connector", "describe", "shape", "--resource-id",
                     f"s3://{self.bucket}", "--client")]
        for args in commands:
            with self.subTest(command=" ".join(args)):
                remote_out = self.lk_json(*args)
                local_out = self.ok_in(local, *args, "-o", "json").json()
                self.assertEqual(shape(remote_out), shape(local_out),
                                 f"remote:\n{json.dumps(remote_out, indent=1)}\n"
                                 f"local:\n{json.dumps(local_out, indent=1)}")
        c = self.lk_json("service-connector", "list", "--name", "shape")
        self.assertEqual(len(c), 1, c)
        self.assertConnectorShape(c[0])
        self.assertEqual(c[0]["owner"], "admin")
        self.assertEqual(c[0]["configuration"]["role_arn"], self.moto.role_arn)
        self.assertEqual(c[0]["secrets"]["aws_secret_access_key"], cli.HIDDEN)
        report = self.lk_json("service-connector", "verify", "shape")
        self.assertVerifyOk(report, "s3-bucket", f"s3://{self.bucket}")
        self.assertEqual(report, {**self.ok_in(local, "service-connector", "verify", "shape",
                                               "-o", "json").json(),
                                  "id": report["id"]})
        self.assertMainKeysNeverPrinted(self.env)

    def test_client_credentials_read_the_bucket_and_the_main_keys_stay_on_the_server(self):
        self.login()
        self.lk_ok(*self.register_args("client"))
        self.lk_ok("service-connector", "verify", "client", "--resource-id", f"s3://{self.bucket}")
        r = self.lk_ok("service-connector", "describe", "client", "--resource-id",
                       f"s3://{self.bucket}", "--client", "-o", "json", "--show-secrets")
        client = r.json()
        self.assertEqual((client["connector_type"], client["auth_method"]), ("aws", "sts-token"))
        self.assertEqual(client["resource_id"], f"s3://{self.bucket}")
        self.assertIsNotNone(client["expires_at"])
        creds = client["secrets"]
        for value in creds.values():
            self.env.add_secret(value, "issued STS credential")  # never stored by the client
        self.assertTrue(creds.get("aws_session_token"), client)
        self.assertNotEqual(creds["aws_access_key_id"], self.moto.access_key_id)
        s3 = self.moto.client("s3", creds["aws_access_key_id"], creds["aws_secret_access_key"],
                              creds["aws_session_token"])
        body = s3.get_object(Bucket=self.bucket, Key=self.moto.object_key)["Body"].read()
        self.assertEqual(body, self.moto.object_body(self.bucket))
        # The table form as well, and the list views: none of them carries the main keys.
        self.lk_ok("service-connector", "describe", "client", "--resource-id", f"s3://{self.bucket}",
                   "--client")
        self.lk_ok("service-connector", "describe", "client")
        self.lk_ok("service-connector", "list")
        self.lk_ok("service-connector", "list-resources")
        self.assertMainKeysNeverPrinted(self.env)
        self.assertNoLeaks()

    def test_logout_returns_to_the_local_store(self):
        admin = self.server.admin()

        def live_cli_tokens():
            status, tokens = admin.get("/api/v1/tokens", query={"size": 1000})
            self.assertEqual(status, 200, tokens)
            return {t["id"] for t in tokens["items"] if t["name"] == "cli" and not t["revoked"]}

        before = live_cli_tokens()
        self.login()
        mine = live_cli_tokens() - before
        self.assertEqual(len(mine), 1, "login should issue exactly one token")
        self.lk_ok(*self.register_args("logout-c", "--no-verify"))
        self.assertEqual(self.connector_names("--name", "logout-c"), ["logout-c"])
        r = self.lk_ok("logout")
        self.assertIn("local store", r.stdout)
        self.assertFalse(os.path.exists(self.session_file()), "logout left remote.json behind")
        self.assertEqual(self.lk_json("service-connector", "list"), [], "still talking to the server")
        r = self.lk("service-connector", "describe", "logout-c")
        self.assertEqual(r.returncode, 3, r.describe())
        self.assertEqual(live_cli_tokens() & mine, set(), "logout did not revoke the token on the server")
        r = self.lk_ok("logout")
        self.assertIn("Not logged in", r.stdout)

    def test_service_account_api_key_from_the_environment_needs_no_session_file(self):
        self.login()
        self.lk_ok("user", "create", "ci", "--service-account")
        key = self.lk_json("user", "api-key", "ci")["token"]
        self.assertTrue(key.startswith("lk_"), key)
        self.lk_ok(*self.register_args("for-ci", "--share"))

        ci = self.other_env()
        ci.add_secret(key, "service account API key")
        env = {"LATCHKEY_URL": self.server.url, "LATCHKEY_API_TOKEN": key}
        listed = self.ok_in(ci, "service-connector", "list", "-o", "json", env_extra=env).json()
        self.assertIn("for-ci", [c["name"] for c in listed])
        tokens = self.ok_in(ci, "token", "list", "-o", "json", env_extra=env).json()
        self.assertEqual([t["name"] for t in tokens], ["api-key"])
        client = self.ok_in(ci, "service-connector", "describe", "for-ci", "--resource-id",
                            f"s3://{self.bucket}", "--client", "-o", "json", "--show-secrets",
                            env_extra=env).json()
        for value in client["secrets"].values():
            ci.add_secret(value, "issued STS credential")
        self.assertTrue(client["secrets"]["aws_session_token"])
        # A user of a shared connector never reads its own secrets.
        r = self.run_in(ci, "service-connector", "describe", "for-ci", "--show-secrets", "-o",
                        "json", env_extra=env)
        if r.returncode == 0:
            self.assertEqual(set(r.json()["secrets"].values()), {cli.HIDDEN}, r.describe())
        # Shared for reading only: still listed, no longer usable.
        self.lk_ok("service-connector", "update", "for-ci", "--share-read-only", "--no-verify")
        table = self.ok_in(ci, "service-connector", "list", env_extra=env).stdout
        self.assertRegex(table, r"for-ci.*read-only", table)
        r = self.run_in(ci, "service-connector", "describe", "for-ci", "--resource-id",
                        f"s3://{self.bucket}", "--client", env_extra=env)
        self.assertEqual(r.returncode, 5, r.describe())
        self.assertOneLineError(r, "reading only")
        self.lk_ok("service-connector", "update", "for-ci", "--share", "--no-verify")
        self.ok_in(ci, "service-connector", "describe", "for-ci", "--resource-id",
                   f"s3://{self.bucket}", "--client", env_extra=env)
        r = self.run_in(ci, "user", "list", env_extra=env)
        self.assertEqual(r.returncode, 5, r.describe())
        self.assertFalse(os.path.exists(self.session_file(ci)), "an API key run wrote remote.json")
        self.assertEqual(self.ok_in(ci, "service-connector", "list", "-o", "json").json(), [],
                         "without LATCHKEY_URL/LATCHKEY_API_TOKEN the CLI must be local again")
        self.assertMainKeysNeverPrinted(self.env, ci)

    def test_non_admin_user_list_fails_with_exit_5_and_one_line(self):
        self.login()
        password = "alice-" + secrets.token_urlsafe(10)
        self.lk_ok("user", "create", "alice", "--password-stdin", input=password + "\n")
        alice = self.other_env()
        alice.add_secret(password, "alice's password")
        self.login(alice, "alice", password)
        for args in (("user", "list"), ("user", "create", "mallory", "--service-account")):
            r = self.run_in(alice, *args)
            self.assertEqual(r.returncode, 5, r.describe())
            self.assertEqual(r.stdout, "", r.describe())
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.describe())
            self.assertTrue(r.stderr.startswith("Error: "), r.describe())
        users = self.lk_json("user", "list")
        self.assertNotIn("mallory", [u["name"] for u in users])

    def test_wrong_password_at_login_writes_no_session(self):
        wrong = self.env.add_secret("wrong-" + secrets.token_urlsafe(10), "wrong password")
        r = self.lk_fail("login", self.server.url, "--password-stdin", input=wrong + "\n")
        self.assertOneLineError(r)
        self.assertFalse(os.path.exists(self.session_file()), "a failed login wrote remote.json")
        self.assertEqual(self.lk_json("service-connector", "list"), [])
        r = self.lk("user", "list")
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("login", r.stderr)

    def test_session_file_is_private_and_holds_no_plaintext_token(self):
        self.login()
        path = self.session_file()
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, "rb") as f:
            raw = f.read()
        doc = json.loads(raw)
        self.assertNotIn("token", doc)
        self.assertEqual(doc["url"], self.server.url)
        self.assertIsNone(API_TOKEN_RE.search(raw), "remote.json holds an API token in plaintext")
        self.assertIsNone(API_TOKEN_RE.search(base64.b64decode(doc["token_sealed"])))
        for f in self.env.scanned_files():
            with open(f, "rb") as fh:
                self.assertIsNone(API_TOKEN_RE.search(fh.read()), f"API token in {f}")
        # The session works, and only with this home's key: a copy elsewhere opens nothing.
        self.assertEqual(self.lk_json("user", "list")[0]["name"], "admin")
        thief = self.other_env()
        shutil.copy(path, self.session_file(thief))
        r = self.run_in(thief, "user", "list")
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.describe())


if __name__ == "__main__":
    unittest.main()
