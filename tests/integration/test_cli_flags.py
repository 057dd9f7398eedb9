"""Upstream's flags the CLI gained for issue 17: `-ri` on every command with --resource-id,
`list-types -d`, `register -n`, `verify -v` wording, `latchkey` alone printing the help, and
the component groups' plurals. Against a real docker-registry (htpasswd).

    python3 -m unittest tests/integration/test_cli_flags.py -v
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import peers  # noqa: E402


class ResourceIdShortFlagTest(cli.CliTestCase):
    """`-ri ID` and `-ri=ID` mean --resource-id on register, describe, verify, login,
    list-resources, update and component connect."""

    def test_ri_everywhere(self):
        pw = self.env.add_secret("ri-pw-" + secrets.token_hex(10), "registry password")
        with peers.docker_registry("htpasswd", "ri-user", pw) as reg:
            rid = reg.hostport
            self.lk_ok("service-connector", "register", "reg", "--type", "docker", "--auth-method",
                       "password", f"--username={reg.username}", f"--password={reg.password}",
                       f"--registry={reg.url}", "-ri", rid)
            self.assertEqual(self.describe_json("reg")["resource_id"], rid)
            # A wrong ID is refused as a resource ID (not read as "-r i" or a stray argument).
            r = self.lk_fail("service-connector", "register", "reg2", "--type", "docker",
                             f"--username={reg.username}", f"--password={reg.password}",
                             f"--registry={reg.url}", "-ri", "127.0.0.1:1")
            self.assertOneLineError(r)
            self.assertNotIn("not expected", r.stderr)
            self.assertNotIn("reg2", self.connector_names())

            client = self.lk_json("service-connector", "describe", "reg", "-ri", rid)
            self.assertEqual(client["resource_id"], rid)
            self.assertEqual(client["resource_types"], ["docker-registry"])
            client = self.lk_json("service-connector", "describe", "reg", f"-ri={rid}")
            self.assertEqual(client["resource_id"], rid)

            report = self.lk_json("service-connector", "verify", "reg", "-ri", rid)
            self.assertIsNone(report["error"], json.dumps(report))
            self.assertEqual(report["resources"][0]["resource_ids"], [rid])

            listed = self.lk_json("service-connector", "list-resources", "-r", "docker-registry",
                                  "-ri", rid)
            self.assertEqual([e["name"] for e in listed], ["reg"], json.dumps(listed))
            other = self.lk_json("service-connector", "list-resources", "-r", "docker-registry",
                                 "-ri", "127.0.0.1:1")
            self.assertIn("127.0.0.1:1", other[0]["error"], json.dumps(other))
            self.assertEqual(self.lk_json("service-connector", "list-resources", "-r",
                                          "docker-registry", "-ri", "127.0.0.1:1", "-e"), [])

            self.lk_ok("service-connector", "login", "reg", "-ri", rid, "--static")
            with open(os.path.join(self.env.docker_config, "config.json")) as f:
                self.assertIn(rid, json.load(f)["auths"])

            self.lk_ok("service-connector", "update", "reg", "--description", "-ri is a value",
                       "-ri", rid)
            d = self.describe_json("reg")
            self.assertEqual(d["description"], "-ri is a value")
            self.assertEqual(d["resource_id"], rid)

            self.lk_ok("container-registry", "register", "cr", "-f", "default", f"--uri={rid}")
            self.lk_ok("container-registry", "connect", "cr", "-c", "reg", "-ri", rid)
            self.assertIn("reg", self.lk_ok("container-registry", "describe", "cr").stdout)

    def test_ri_inside_a_value_is_left_alone(self):
        self.lk_ok("secret", "create", "s1", "--key_a=-ri")
        shown = self.lk_ok("secret", "get", "s1", "--show-secrets").stdout
        self.assertIn("-ri", shown)
        self.assertNotIn("--resource-id", shown)


class FlagsTest(cli.CliTestCase):
    def test_no_arguments_prints_help_and_succeeds(self):
        r = self.lk()
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("service-connector", r.stdout)
        self.assertIn("Usage", r.stdout)
        self.assertEqual(r.stderr, "")

    def test_group_help_says_registries(self):
        help_text = self.lk_ok("--help").stdout
        self.assertIn("Manage container registries", help_text)
        self.assertNotIn("registrys", help_text)
        self.assertIn("List container registries",
                      self.lk_ok("container-registry", "--help").stdout)
        self.assertIn("No container registries found", self.lk_ok("container-registry", "list").stdout)

    def test_every_command_is_found_though_only_the_named_part_of_the_tree_is_built(self):
        # The CLI builds its command tree only as far as the command the line names (app.cc).
        top = self.lk_ok("--help").stdout
        for word in ("service-connector", "credentials", "exec", "secret", "user", "token", "login",
                     "logout", "server", "artifact-store", "container-registry", "orchestrator",
                     "stack", "completion"):
            self.assertIn(word, top)
        group = self.lk_ok("service-connector", "--help").stdout
        for sub in ("list-types", "describe-type", "register", "list", "describe", "update",
                    "delete", "verify", "list-resources", "login"):
            self.assertIn(sub, group)
        self.assertIn("No service connectors found", self.lk_ok("connector", "list").stdout)
        self.assertIn("docker", self.lk_ok("service-connector", "list-types").stdout)
        self.assertIn("No container registries found",
                      self.lk_ok("container-registry", "list").stdout)
        for words in (("no-such-command",), ("service-connector", "no-such-command"),
                      ("credentials", "no-such-protocol")):
            r = self.lk_fail(*words)
            self.assertEqual(r.returncode, 2, r.describe())
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.describe())
        self.assertIn("unknown command 'no-such-command'", self.lk_fail("no-such-command").stderr)

    def test_a_command_that_only_reads_leaves_the_store_files_untouched(self):
        # The last connection to close would checkpoint the WAL with three fdatasyncs; a process
        # that committed nothing leaves that to the next writer (store/sqlite/sqlite_db.cc).
        for i in range(3):
            self.lk_ok("service-connector", "register", f"reg-{i}", "--type", "docker",
                       "--username=u", "--password=p", f"--registry=r{i}.example:5000",
                       "--no-verify")
        db = os.path.join(self.env.latchkey_home, "latchkey.db")

        def snapshot():
            return {f: (os.stat(f).st_size, os.stat(f).st_mtime_ns) for f in (db, db + "-wal")}

        before = snapshot()
        self.lk_ok("service-connector", "list", "-o", "json")
        self.lk_ok("service-connector", "describe", "reg-1")
        self.assertEqual(snapshot(), before)
        self.lk_ok("service-connector", "update", "reg-1", "--description=changed", "--no-verify")
        self.assertIn("changed", self.lk_ok("service-connector", "describe", "reg-1").stdout)

    def test_list_types_detailed(self):
        table = self.lk_ok("service-connector", "list-types").stdout
        detailed = self.lk_ok("service-connector", "list-types", "-d").stdout
        self.assertEqual(detailed, self.lk_ok("service-connector", "list-types", "--detailed").stdout)
        self.assertNotEqual(table, detailed)
        for t in ("aws", "gcp", "azure", "kubernetes", "docker"):
            described = self.lk_ok("service-connector", "describe-type", t).stdout
            self.assertIn(described, detailed, f"{t}'s full description is missing")
        only = self.lk_ok("service-connector", "list-types", "-d", "-t", "docker").stdout
        self.assertEqual(only, self.lk_ok("service-connector", "describe-type", "docker").stdout)

    def test_register_no_docs_suppresses_hints(self):
        pw = self.env.add_secret("nd-pw-" + secrets.token_hex(10), "password")
        dead = f"http://127.0.0.1:{peers.free_port()}"
        args = ["--type", "docker", "--username=u", f"--password={pw}", f"--registry={dead}",
                "--no-verify", "--share"]
        r = self.lk_ok("service-connector", "register", "with-docs", *args)
        self.assertIn("Note:", r.stderr)
        for flag in ("-n", "--no-docs"):
            r = self.lk_ok("service-connector", "register", "no-docs" + flag, *args, flag)
            self.assertEqual(r.stderr, "", r.describe())
            self.assertIn("Successfully registered", r.stdout)


class VerifyWordingTest(cli.CliTestCase):
    def test_verify_only_does_not_claim_resources(self):
        pw = self.env.add_secret("vw-pw-" + secrets.token_hex(10), "registry password")
        with peers.docker_registry("htpasswd", "vw-user", pw) as reg:
            self.lk_ok("service-connector", "register", "reg", "--type", "docker",
                       f"--username={reg.username}", f"--password={reg.password}",
                       f"--registry={reg.url}")
            full = self.lk_ok("service-connector", "verify", "reg").stdout
            self.assertIn("has access to the following resources", full)
            self.assertIn(reg.hostport, full)
            for flag in ("-v", "--verify-only"):
                out = self.lk_ok("service-connector", "verify", "reg", flag).stdout
                self.assertIn("is correctly configured with valid credentials.", out)
                self.assertNotIn("has access to the following resources", out)
                self.assertNotIn("none listed", out)
                self.assertIn("not listed (--verify-only)", out)
            # A failed check still fails, with -v too.
            self.lk_ok("service-connector", "update", "reg", "--password=wrong-password-x",
                       "--no-verify")
            r = self.lk("service-connector", "verify", "reg", "-v")
            self.assertNotEqual(r.returncode, 0, r.describe())
            self.assertNotIn("correctly configured", r.stdout)


if __name__ == "__main__":
    unittest.main()
