"""`service-connector register -i` driven through piped stdin, against a real docker-registry.

    python3 -m unittest tests/integration/test_wizard.py -v
"""

from __future__ import annotations

import os
import secrets
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import peers  # noqa: E402


class WizardTest(cli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.password = self.env.add_secret("wiz-pw-" + secrets.token_hex(10), "registry password")
        self.reg = self.enterContext(peers.docker_registry("htpasswd", "wizuser", self.password))

    def answers(self, *lines):
        return "".join(line + "\n" for line in lines)

    def test_piped_answers_register_a_verified_connector(self):
        # name, type, resource type (blank = all), auto-configure?, then the password method's
        # fields: username, password, registry.
        r = self.lk_ok("service-connector", "register", "-i",
                       input=self.answers("wiz", "docker", "", "n", "wizuser", self.password,
                                          self.reg.url))
        self.assertIn(self.reg.hostport, r.stdout)
        listed = self.lk_ok("service-connector", "list", "-o", "json").json()
        self.assertEqual([c["name"] for c in listed], ["wiz"])
        self.assertEqual(listed[0]["secrets"]["password"], cli.HIDDEN)
        self.lk_ok("service-connector", "verify", "wiz")

    def test_wrong_answers_are_asked_again_and_bad_credentials_refused(self):
        r = self.lk_fail("service-connector", "register", "-i",
                         input=self.answers("wiz", "not-a-type", "docker", "", "n", "wizuser",
                                            "wrong-" + self.password[:4], self.reg.url))
        self.assertIn("Please choose one of", r.stderr)
        self.assertIn("verification failed", r.stderr)
        self.assertEqual(self.lk_ok("service-connector", "list", "-o", "json").json(), [])

    def test_input_ending_early_is_a_clear_error(self):
        r = self.lk_fail("service-connector", "register", "-i", input=self.answers("wiz"))
        self.assertIn("interactive input ended", r.stderr)
        self.assertEqual(self.lk_ok("service-connector", "list", "-o", "json").json(), [])


if __name__ == "__main__":
    unittest.main()
