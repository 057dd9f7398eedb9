"""Shell completion: `latchkey completion bash|zsh`, run for real. The bash script is sourced
in a non-interactive bash with COMP_WORDS/COMP_CWORD set and its function called; the zsh
script is parsed (`zsh -n`) and run with compadd standing in as a function that prints.

    python3 -m unittest tests/integration/test_cli_completion.py -v
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402

BASH_DRIVER = r'''
source "$1"; shift
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_latchkey_complete
printf '%s\n' "${COMPREPLY[@]}"
'''

ZSH_DRIVER = r'''
compadd() { shift; print -rl -- "${(@P)1}" }
source "$1"; shift
words=("$@")
CURRENT=${#words}
_latchkey
'''


class CompletionTest(cli.CliTestCase):
    def setUp(self):
        super().setUp()
        for shell in ("bash", "zsh"):
            # Not a skip: scripts/install-deps.sh installs both.
            self.assertTrue(shutil.which(shell), f"{shell} is not installed (scripts/install-deps.sh)")
        self.scripts = {}
        for shell in ("bash", "zsh"):
            path = os.path.join(self.env.inputs, f"latchkey.{shell}")
            with open(path, "w") as f:
                f.write(self.lk_ok("completion", shell).stdout)
            self.scripts[shell] = path
        pw = self.env.add_secret("cmp-pw-" + secrets.token_hex(10), "password")
        for name in ("aws-s3", "aws-eks", "docker-hub"):
            self.lk_ok("service-connector", "register", name, "--type", "docker", "--username=u",
                       f"--password={pw}", "--registry=http://127.0.0.1:9", "--no-verify")
        self.lk_ok("secret", "create", "db-creds", f"--password={pw}")

    def complete(self, shell: str, *words: str) -> list[str]:
        driver = BASH_DRIVER if shell == "bash" else ZSH_DRIVER
        argv = [shell, "-c", driver, shell] if shell == "bash" else ["zsh", "-f", "-c", driver, "zsh"]
        p = subprocess.run([*argv, self.scripts[shell], self.env.binary, *words], capture_output=True,
                           text=True, env=self.env.environ(), timeout=60, cwd=self.env.root)
        self.assertEqual(p.returncode, 0, f"{shell} failed: {p.stderr}")
        self.assertEqual(p.stderr, "", p.stderr)
        return [ln for ln in p.stdout.splitlines() if ln]

    def test_scripts_parse(self):
        for shell in ("bash", "zsh"):
            p = subprocess.run([shell, "-n", self.scripts[shell]], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
        self.lk_fail("completion", "fish")

    def test_commands_flags_and_values(self):
        for shell in ("bash", "zsh"):
            with self.subTest(shell=shell):
                top = self.complete(shell, "se")
                self.assertEqual(sorted(top), ["secret", "server", "service-connector"])
                self.assertEqual(self.complete(shell, "service-connector", "list-"),
                                 ["list-resources", "list-types"])
                self.assertIn("--resource-id", self.complete(shell, "service-connector", "verify", "x", "--res"))
                self.assertEqual(self.complete(shell, "service-connector", "describe", "aws"),
                                 ["aws-eks", "aws-s3"])
                self.assertEqual(self.complete(shell, "service-connector", "login", "-r", "docker-registry", "dock"),
                                 ["docker-hub"])
                self.assertEqual(self.complete(shell, "service-connector", "register", "x", "--type", "kub"),
                                 ["kubernetes"])
                self.assertEqual(self.complete(shell, "service-connector", "register", "x", "-t", "docker", "-a", ""),
                                 ["password"])
                self.assertIn("s3-bucket", self.complete(shell, "service-connector", "list-resources", "-r", "s3"))
                self.assertEqual(self.complete(shell, "secret", "get", "db"), ["db-creds"])
                self.assertEqual(self.complete(shell, "exec", "aws-s3", "--", "ls"), [])

    def test_names_are_inert(self):
        # A name that could not be stored through the CLI (controls are refused) is written straight
        # into the store, as an older or foreign writer might have; completion must not print it.
        import sqlite3
        def is_sqlite(path):
            with open(path, "rb") as f:
                return f.read(16) == b"SQLite format 3\0"
        db = [p for p in self.env.home_files() if is_sqlite(p)]
        self.assertTrue(db, self.env.home_files())
        con = sqlite3.connect(db[0])
        con.execute("UPDATE connectors SET name = ? WHERE name = 'aws-eks'", ("aws-\x1b]52;c;eA==\x07x",))
        con.commit()
        con.close()
        for shell in ("bash", "zsh"):
            got = self.complete(shell, "service-connector", "describe", "aws")
            self.assertEqual(got, ["aws-s3"], shell)
        # A name with shell syntax is completed as one quoted word, never expanded.
        pw = self.env.add_secret("cmp-pw2-" + secrets.token_hex(10), "password")
        self.lk_ok("service-connector", "register", "x$(touch pwned) y", "--type", "docker", "--username=u",
                   f"--password={pw}", "--registry=http://127.0.0.1:9", "--no-verify")
        got = self.complete("bash", "service-connector", "verify", "x")
        self.assertEqual(got, [r"x\$\(touch\ pwned\)\ y"])
        self.assertEqual(self.complete("zsh", "service-connector", "verify", "x"), ["x$(touch pwned) y"])
        self.assertFalse(os.path.exists(os.path.join(self.env.root, "pwned")))


if __name__ == "__main__":
    unittest.main()
