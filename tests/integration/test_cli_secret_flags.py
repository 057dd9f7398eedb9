"""`secret` flags from upstream (issue 17): create -p/--private, get -p BOOL, update
-r/--remove-keys, list filters, export [-f FILE] [--overwrite].

    python3 -m unittest tests/integration/test_cli_secret_flags.py -v
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402


class SecretFlagsTest(cli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.v1 = self.env.add_secret("sf1-" + secrets.token_hex(12), "secret value 1")
        self.v2 = self.env.add_secret("sf2-" + secrets.token_hex(12), "secret value 2")

    def test_create_private(self):
        for flag in ("-p", "--private"):
            name = "priv" + flag
            self.lk_ok("secret", "create", name, f"--k={self.v1}", flag)
            self.assertFalse(self.lk_json("secret", "get", name)["shared"])
        r = self.lk_fail("secret", "create", "both", f"--k={self.v1}", "-p", "--share")
        self.assertIn("excludes", r.stderr)
        self.lk_fail("secret", "get", "both")

    def test_get_private_chooses_visibility(self):
        self.lk_ok("secret", "create", "one", f"--k={self.v1}")
        self.lk_ok("secret", "create", "two", f"--k={self.v2}", "--share")
        self.assertEqual(self.lk_json("secret", "get", "one", "-p", "true")["name"], "one")
        self.assertEqual(self.lk_json("secret", "get", "two", "--private", "false")["name"], "two")
        r = self.lk_fail("secret", "get", "one", "-p", "false")
        self.assertOneLineError(r, "no shared secret 'one'")
        r = self.lk_fail("secret", "get", "two", "-p", "true")
        self.assertOneLineError(r, "no private secret 'two'")
        r = self.lk_fail("secret", "get", "one", "-p", "maybe")
        self.assertIn("--private", r.stderr)
        shown = self.lk("secret", "get", "one", "-p", "true", "--show-secrets").stdout
        self.assertIn(self.v1, shown)

    def test_update_remove_keys(self):
        v3 = self.env.add_secret("sf3-" + secrets.token_hex(12), "secret value 3")
        self.lk_ok("secret", "create", "multi", f"--a={self.v1}", f"--b={self.v2}", f"--c={v3}")
        self.lk_ok("secret", "update", "multi", "-r", "a", "--remove-keys", "b")
        self.assertEqual(sorted(self.lk_json("secret", "get", "multi")["values"]), ["c"])
        r = self.lk_fail("secret", "update", "multi", "-r", "c")
        self.assertOneLineError(r, "at least one value")
        r = self.lk_fail("secret", "update", "multi", "-r", "nope")
        self.assertOneLineError(r, "no key 'nope'")
        self.assertIn(v3, self.lk_ok("secret", "get", "multi", "--show-secrets").stdout)

    def test_list_filters(self):
        for name in ("db-prod", "db-dev", "api-token"):
            self.lk_ok("secret", "create", name, f"--k={self.v1}")
        names = lambda *f: [s["name"] for s in self.lk_json("secret", "list", *f)]  # noqa: E731
        self.assertEqual(names("--name", "startswith:db-"), ["db-dev", "db-prod"])
        self.assertEqual(names("--name", "contains:token"), ["api-token"])
        self.assertEqual(names("--sort_by", "desc:name", "--size", "2", "--page", "1"),
                         ["db-prod", "db-dev"])
        self.assertEqual(names("--name", "db-dev", "--logical_operator", "or",
                               "--id", "startswith:zzzz"), ["db-dev"])
        r = self.lk_fail("secret", "list", "--sort_by", "colour")
        self.assertOneLineError(r, "sort_by")

    def test_export_to_stdout_and_file(self):
        self.lk_ok("secret", "create", "exp", f"--alpha={self.v1}", "--port=123", "--flag=true")
        r = self.lk_ok("secret", "export", "exp")
        r.show_secrets = True  # the owner asked for the values
        self.assertIn(self.v1, r.stdout)
        path = os.path.join(self.env.inputs, "exp.yaml")
        self.lk_ok("secret", "export", "exp", "-f", path)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            self.assertEqual(f.read(), r.stdout)
        # The file reads back as the same secret.
        self.lk_ok("secret", "create", "copy", "-v", "@" + path)
        self.assertEqual(self.lk_json("secret", "get", "copy", "--show-secrets")["values"],
                         {"alpha": self.v1, "port": "123", "flag": "true"})
        # Never overwritten without --overwrite, and left untouched by the refusal.
        self.lk_ok("secret", "update", "exp", f"--alpha={self.v2}")
        r = self.lk_fail("secret", "export", "exp", "-f", path)
        self.assertOneLineError(r, "--overwrite")
        with open(path) as f:
            self.assertIn(self.v1, f.read())
        self.lk_ok("secret", "export", "exp", "--file", path, "--overwrite")
        with open(path) as f:
            self.assertIn(self.v2, f.read())
        self.assertEqual(sorted(os.listdir(self.env.inputs)), ["exp.yaml"])
        r = self.lk_fail("secret", "export", "missing", "-f", os.path.join(self.env.inputs, "m"))
        self.assertOneLineError(r)
        self.assertFalse(os.path.exists(os.path.join(self.env.inputs, "m")))


if __name__ == "__main__":
    unittest.main()
