"""CLI lifecycle: register/list/filter/describe/delete, name uniqueness under
concurrency, list-resources, and the `secret` command group incl. rotate-key.

    python3 -m unittest tests/integration/test_cli_lifecycle.py -v
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import peers  # noqa: E402


def dead_url():
    return f"http://127.0.0.1:{peers.free_port()}"


class ConnectorLifecycleTest(cli.CliTestCase):
    def register_nv(self, name, *extra, password=None):
        pw = password or self.env.add_secret("nv-pw-" + secrets.token_hex(10), "password")
        return self.lk("service-connector", "register", name, "--type", "docker", "--auth-method", "password",
                       "--username=u", f"--password={pw}", f"--registry={self.dead}", "--no-verify", *extra)

    def setUp(self):
        super().setUp()
        self.dead = dead_url()

    def test_empty_list(self):
        self.assertEqual(self.list_connectors(), [])
        self.lk_ok("service-connector", "list")

    def test_register_list_and_filters(self):
        r = self.register_nv("alpha", "--label", "env=ci", "--label", "team=core")
        self.assertEqual(r.returncode, 0, r.describe())
        r = self.register_nv("beta", "--label", "env=prod")
        self.assertEqual(r.returncode, 0, r.describe())
        ktok = self.env.add_secret("k-tok-" + secrets.token_hex(10), "token")
        r = self.lk("service-connector", "register", "kappa", "--type", "kubernetes", "--auth-method", "token",
                    f"--server=https://127.0.0.1:{peers.free_port()}", f"--token={ktok}", "--insecure=true",
                    "--cluster_name=c1", "--no-verify")
        self.assertEqual(r.returncode, 0, r.describe())

        conns = self.list_connectors()
        self.assertEqual(sorted(c["name"] for c in conns), ["alpha", "beta", "kappa"])
        for c in conns:
            self.assertConnectorShape(c)
            self.assertTrue(c["created"] and c["updated"], json.dumps(c))
        self.assertEqual(len({c["id"] for c in conns}), 3, "connector ids must be unique")
        by = {c["name"]: c for c in conns}
        self.assertEqual(by["alpha"]["labels"], {"env": "ci", "team": "core"})
        self.assertEqual(by["kappa"]["connector_type"], "kubernetes")
        self.assertEqual(self.field(by["kappa"], "token"), cli.HIDDEN)

        self.assertEqual(self.connector_names("--name", "alpha"), ["alpha"])
        self.assertEqual(self.connector_names("--type", "docker"), ["alpha", "beta"])
        self.assertEqual(self.connector_names("--type", "kubernetes"), ["kappa"])
        self.assertEqual(self.connector_names("--label", "env=ci"), ["alpha"])
        self.assertEqual(self.connector_names("--label", "env=prod"), ["beta"])
        self.assertEqual(self.connector_names("--label", "env=nowhere"), [])
        self.assertEqual(self.connector_names("--name", "nope"), [])

        text = self.lk_ok("service-connector", "list").stdout
        for n in ("alpha", "beta", "kappa"):
            self.assertIn(n, text)

        self.lk_ok("service-connector", "delete", "beta")
        self.assertEqual(self.connector_names(), ["alpha", "kappa"])

    def test_duplicate_name_refused(self):
        self.assertEqual(self.register_nv("dup").returncode, 0)
        r = self.register_nv("dup")
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("already exists", r.stderr.lower(), r.describe())
        self.assertEqual(self.connector_names(), ["dup"])

    def test_missing_connector_errors(self):
        for cmd in ("describe", "verify", "delete", "login"):
            r = self.lk_fail("service-connector", cmd, "does-not-exist")
            self.assertOneLineError(r)

    def test_invalid_type_and_auth_method(self):
        pw = self.env.add_secret("inv-pw-" + secrets.token_hex(8))
        r = self.lk_fail("service-connector", "register", "x", "--type", "no-such-type", "--auth-method", "password",
                         "--username=u", f"--password={pw}", "--no-verify")
        self.assertOneLineError(r)
        r = self.lk_fail("service-connector", "register", "y", "--type", "docker", "--auth-method", "no-such-method",
                         "--username=u", f"--password={pw}", f"--registry={self.dead}", "--no-verify")
        self.assertOneLineError(r)
        self.assertEqual(self.list_connectors(), [])

    def test_concurrent_register_distinct_names(self):
        procs = []
        for i in range(8):
            pw = self.env.add_secret(f"conc-pw-{i}-" + secrets.token_hex(8))
            procs.append(self.env.spawn("service-connector", "register", f"c{i}", "--type", "docker",
                                        "--auth-method", "password", "--username=u", f"--password={pw}",
                                        f"--registry={self.dead}", "--no-verify"))
        results = [self.env.collect(p) for p in procs]
        failed = [r.describe() for r in results if r.returncode != 0]
        self.assertEqual(failed, [], "concurrent registrations failed:\n" + "\n".join(failed))
        conns = self.list_connectors()
        self.assertEqual(sorted(c["name"] for c in conns), [f"c{i}" for i in range(8)])
        self.assertEqual(len({c["id"] for c in conns}), 8)
        # Every connector kept its own secret.
        for i in range(8):
            c = self.describe_json(f"c{i}", show_secrets=True)
            self.assertTrue(self.field(c, "password").startswith(f"conc-pw-{i}-"))

    def test_concurrent_register_same_name(self):
        procs = []
        pws = []
        for i in range(8):
            pw = self.env.add_secret(f"same-pw-{i}-" + secrets.token_hex(8))
            pws.append(pw)
            procs.append(self.env.spawn("service-connector", "register", "same", "--type", "docker",
                                        "--auth-method", "password", "--username=u", f"--password={pw}",
                                        f"--registry={self.dead}", "--no-verify"))
        results = [self.env.collect(p) for p in procs]
        winners = [r for r in results if r.returncode == 0]
        losers = [r for r in results if r.returncode != 0]
        self.assertEqual(len(winners), 1, "exactly one registration must win:\n" +
                         "\n".join(r.describe() for r in results))
        for r in losers:
            self.assertTrue(0 < r.returncode < 128, r.describe())
            self.assertIn("already exists", r.stderr.lower(), r.describe())
        self.assertEqual(self.connector_names(), ["same"])
        # The stored secret is the winner's, intact.
        winner_pw = [a for a in winners[0].argv if a.startswith("--password=")][0].split("=", 1)[1]
        self.assertEqual(self.field(self.describe_json("same", show_secrets=True), "password"), winner_pw)

    def test_list_resources_over_several_connectors(self):
        with peers.docker_registry("htpasswd", "lr-user",
                                   self.env.add_secret("lr-pw-" + secrets.token_hex(10))) as reg:
            for name in ("r1", "r2"):
                r = self.lk("service-connector", "register", name, "--type", "docker", "--auth-method", "password",
                            f"--username={reg.username}", f"--password={reg.password}", f"--registry={reg.url}")
                self.assertEqual(r.returncode, 0, r.describe())
            self.assertEqual(self.register_nv("broken").returncode, 0)
            r = self.lk("service-connector", "list-resources", "-o", "json")
            data = r.json()
            self.assertIsInstance(data, list)
            by = {e["name"]: e for e in data}
            for name in ("r1", "r2"):
                self.assertIn(name, by, r.stdout)
                for k in cli.VERIFY_KEYS:
                    self.assertIn(k, by[name])
                self.assertIsNone(by[name]["error"], json.dumps(by[name]))
                ids = [str(i) for res in by[name]["resources"] for i in res["resource_ids"]]
                self.assertTrue(any(reg.hostport in i for i in ids), json.dumps(by[name]))
            if "broken" in by:
                self.assertVerifyFailed(by["broken"])


class SecretLifecycleTest(cli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.v1 = self.env.add_secret("sv1-" + secrets.token_hex(12), "secret value 1")
        self.v2 = self.env.add_secret("sv2-" + secrets.token_hex(12), "secret value 2")
        self.v3 = self.env.add_secret("sv3-" + secrets.token_hex(12), "secret value 3")

    def test_secret_lifecycle(self):
        self.lk_ok("secret", "create", "sec-main", f"--alpha_key={self.v1}", f"--beta_key={self.v2}")
        r = self.lk("secret", "create", "sec-main", f"--alpha_key={self.v1}")
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("already exists", r.stderr.lower())

        self.assertIn("sec-main", self.lk_ok("secret", "list").stdout)
        got = self.lk_ok("secret", "get", "sec-main").stdout
        self.assertIn("alpha_key", got)
        self.assertIn("beta_key", got)
        self.assertIn(cli.HIDDEN, got)
        shown = self.lk_ok("secret", "get", "sec-main", "--show-secrets").stdout
        self.assertIn(self.v1, shown)
        self.assertIn(self.v2, shown)

        self.lk_ok("secret", "update", "sec-main", f"--gamma_key={self.v3}", "--remove-key", "alpha_key")
        shown = self.lk_ok("secret", "get", "sec-main", "--show-secrets").stdout
        self.assertNotIn("alpha_key", shown)
        self.assertNotIn(self.v1, shown)
        self.assertIn(self.v2, shown)
        self.assertIn("gamma_key", shown)
        self.assertIn(self.v3, shown)

        self.lk_ok("secret", "rename", "sec-main", "sec-renamed")
        self.lk_fail("secret", "get", "sec-main")
        listing = self.lk_ok("secret", "list").stdout
        self.assertIn("sec-renamed", listing)
        self.assertNotIn("sec-main", listing)
        shown = self.lk_ok("secret", "get", "sec-renamed", "--show-secrets").stdout
        self.assertIn(self.v2, shown)
        self.assertIn(self.v3, shown)

        self.lk_ok("secret", "delete", "sec-renamed")
        self.lk_fail("secret", "get", "sec-renamed")
        self.assertNotIn("sec-renamed", self.lk_ok("secret", "list").stdout)
        r = self.lk_fail("secret", "delete", "sec-renamed")
        self.assertOneLineError(r)

    def test_secret_value_from_file(self):
        path = self.env.write_input("val.txt", self.v1)
        self.lk_ok("secret", "create", "from-file", f"--alpha_key=@{path}")
        shown = self.lk_ok("secret", "get", "from-file", "--show-secrets").stdout
        self.assertIn(self.v1, shown)
        self.assertNotIn("@" + path, shown)

    def _home_digest(self):
        h = {}
        for p in self.env.home_files():
            with open(p, "rb") as f:
                h[os.path.relpath(p, self.env.latchkey_home)] = hashlib.sha256(f.read()).hexdigest()
        return h

    def test_rotate_key_keeps_values_readable(self):
        self.lk_ok("secret", "create", "rot", f"--alpha_key={self.v1}", f"--beta_key={self.v2}")
        cpw = self.env.add_secret("rot-conn-pw-" + secrets.token_hex(10), "connector password")
        self.lk_ok("service-connector", "register", "rotconn", "--type", "docker", "--auth-method", "password",
                   "--username=u", f"--password={cpw}", f"--registry={dead_url()}", "--no-verify")
        before = self._home_digest()
        self.assertTrue(before, "nothing stored under LATCHKEY_HOME")
        self.lk_ok("secret", "rotate-key")
        after = self._home_digest()
        self.assertNotEqual(before, after, "rotate-key changed no stored bytes")
        shown = self.lk_ok("secret", "get", "rot", "--show-secrets").stdout
        self.assertIn(self.v1, shown)
        self.assertIn(self.v2, shown)
        self.assertEqual(self.field(self.describe_json("rotconn", show_secrets=True), "password"), cpw)
        # New writes after rotation work, and a second rotation keeps everything.
        self.lk_ok("secret", "create", "post-rot", f"--gamma_key={self.v3}")
        self.lk_ok("secret", "rotate-key")
        self.assertIn(self.v3, self.lk_ok("secret", "get", "post-rot", "--show-secrets").stdout)
        self.assertIn(self.v1, self.lk_ok("secret", "get", "rot", "--show-secrets").stdout)
        self.assertEqual(self.field(self.describe_json("rotconn", show_secrets=True), "password"), cpw)


if __name__ == "__main__":
    unittest.main()
