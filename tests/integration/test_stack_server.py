"""Stack components and stacks through a real `latchkey server` (remote mode), with moto (IAM
enforced) behind it: connecting is verified on the server with the connector's own keys, and
artifacts move with the short-lived client credentials the server issues; the main keys never
reach the client.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_stack_server.py
"""

from __future__ import annotations

import os
import secrets
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_peers  # noqa: E402
import cli  # noqa: E402
import latchkey_server  # noqa: E402
from process_util import free_port  # noqa: E402


class StackServerTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = cls.enterClassContext(aws_peers.moto_server())
        cls.admin_password = "adm-" + secrets.token_urlsafe(12)
        cls.server = cls.enterClassContext(
            latchkey_server.latchkey_server(admin_password=cls.admin_password))

    def setUp(self):
        super().setUp()
        self.watch(self.env)
        self.work = os.path.join(self.env.root, "work")
        os.makedirs(self.work)

    def watch(self, env: cli.CliEnv) -> None:
        env.add_secret(self.moto.secret_access_key, "moto secret access key")
        env.add_secret(self.moto.access_key_id, "moto access key id")

    def login(self, env=None, username="admin", password=None):
        r = (env or self.env).run("login", self.server.url.replace("127.0.0.1", "localhost"),
                                  "--username", username, "--password-stdin",
                                  input=(password or self.admin_password) + "\n")
        self.assertEqual(r.returncode, 0, r.describe())

    def blocked_from_moto(self) -> dict:
        """This process cannot reach moto (a dead proxy), but reaches the server as localhost."""
        dead = "http://127.0.0.1:%d" % free_port()
        env = {k: dead for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                                 "all_proxy", "ALL_PROXY")}
        env.update({"NO_PROXY": "localhost", "no_proxy": "localhost"})
        return env

    def register_connector(self, name):
        m = self.moto
        self.lk_ok("service-connector", "register", name, "--type", "aws", "--auth-method",
                   "iam-role", f"--role_arn={m.role_arn}", f"--aws_access_key_id={m.access_key_id}",
                   f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                   f"--endpoint_url={m.endpoint}", "-r", "s3-bucket")

    def assertMainKeysNeverPrinted(self, env):
        keys = (self.moto.secret_access_key, self.moto.access_key_id)
        for res in env.history:
            for text in (res.stdout, res.stderr):
                for key in keys:
                    for kind, pat in cli.secret_variants(key).items():
                        self.assertNotIn(pat, text.encode(), f"main key ({kind}) in {res.cmdline()}")

    def test_walkthrough_through_the_server(self):
        bucket = self.moto.buckets[0]
        self.login()
        self.register_connector("aws-s3")
        blocked = self.blocked_from_moto()
        # Verified on the server: this CLI cannot reach moto itself.
        self.lk_ok("artifact-store", "register", "s3-zenfiles", "--flavor", "s3",
                   f"--path=s3://{bucket}", env_extra=blocked)
        r = self.lk_ok("artifact-store", "connect", "s3-zenfiles", "--connector", "aws-s3",
                       env_extra=blocked)
        self.assertIn(f"s3://{bucket}", r.stdout)
        r = self.lk_fail("artifact-store", "connect", "s3-zenfiles", "--connector", "aws-s3",
                         "--resource-id", "s3://elsewhere", env_extra=blocked)
        self.assertOneLineError(r, "s3://elsewhere")
        self.lk_ok("stack", "register", "s3-zenfiles", "-a", "s3-zenfiles", "--set")

        src = os.path.join(self.work, "message.txt")
        with open(src, "w") as f:
            f.write("Hello from the server's credentials\n")
        self.lk_ok("artifact-store", "cp", src, "s3-zenfiles:step/output")
        # No '/' in the listed prefix: moto with IAM enforced miscomputes such signatures.
        self.assertEqual(self.lk_json("artifact-store", "ls", "s3-zenfiles", "step"),
                         [{"key": "step/output", "size": 36}])
        back = os.path.join(self.work, "back.txt")
        self.lk_ok("artifact-store", "cp", "s3-zenfiles:step/output", back)
        with open(back) as f:
            self.assertEqual(f.read(), "Hello from the server's credentials\n")
        admin = self.moto.client("s3")
        self.assertEqual(admin.get_object(Bucket=bucket, Key="step/output")["Body"].read(),
                         b"Hello from the server's credentials\n")

        # Members change through PUT /api/v1/stacks/{id}.
        self.lk_ok("orchestrator", "register", "local-o", "--flavor", "local")
        self.lk_ok("stack", "update", "s3-zenfiles", "-o", "local-o")
        described = self.lk_json("stack", "describe", "s3-zenfiles")
        self.assertEqual(described["components"]["orchestrator"]["name"], "local-o")
        self.lk_ok("stack", "update", "s3-zenfiles", "--remove-orchestrator")

        rows = self.lk_ok("service-connector", "list").stdout.splitlines()
        self.assertIn("👉", next(line for line in rows if " aws-s3 " in line))
        stacks = self.lk_json("stack", "list")
        # Besides upstream's default stacks (the admin sees every user's), only this one, active.
        self.assertEqual([(s["name"], s["active"]) for s in stacks if s["name"] != "default"],
                         [("s3-zenfiles", True)])
        self.assertFalse(any(s["active"] for s in stacks if s["name"] == "default"))
        r = self.lk_fail("service-connector", "delete", "aws-s3")
        self.assertOneLineError(r, "artifact store 's3-zenfiles'")
        self.assertMainKeysNeverPrinted(self.env)

    def test_components_are_private_to_their_owner(self):
        self.login()
        self.lk_ok("orchestrator", "register", "mine", "--flavor", "local")
        password = "alice-" + secrets.token_urlsafe(10)
        self.lk_ok("user", "create", "alice", "--password-stdin", input=password + "\n")
        alice = cli.CliEnv()
        self.addCleanup(alice.cleanup)
        alice.add_secret(password, "alice's password")
        self.login(alice, "alice", password)
        r = alice.run("orchestrator", "describe", "mine")
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("no orchestrator named or with ID 'mine'", r.stderr)
        listed = alice.run("orchestrator", "list", "-o", "json")
        self.assertEqual(listed.returncode, 0, listed.describe())
        # Only her own: the default orchestrator of her default stack, not the admin's `mine`.
        self.assertEqual([(c["name"], c["flavor"]) for c in listed.json()], [("default", "local")])
        self.assertEqual(alice.leaks(), [])


if __name__ == "__main__":
    unittest.main()
