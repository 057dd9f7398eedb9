"""What the CLI shows on a terminal (issue 17): a spinner on stderr during slow calls, only when
stderr is a terminal and the output is a table; tables fitted to the terminal's width; the
`Expanding argument value` line of @file arguments; describe's private/shared header and
upstream's time format; the long-lived credentials warning; usage errors on one line; shell
completion that creates nothing. Runs the real binary with stderr or stdout on a pseudo-terminal,
against a registry on 127.0.0.1 that answers slowly.

    python3 -m unittest tests/integration/test_cli_terminal.py -v
"""

from __future__ import annotations

import base64
import fcntl
import http.server
import json
import os
import pty
import re
import secrets
import struct
import subprocess
import sys
import termios
import threading
import time
import unicodedata
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402

SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
DELAY = 0.8  # seconds each registry answer waits: several spinner frames


class SlowRegistry:
    """A registry v2 endpoint with Basic auth whose every answer takes DELAY seconds."""

    def __init__(self, username: str, password: str):
        expected = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                time.sleep(DELAY)
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="slow"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Docker-Distribution-API-Version", "registry/2.0")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.hostport = f"127.0.0.1:{self.server.server_address[1]}"
        self.url = f"http://{self.hostport}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def set_winsize(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def read_all(fd: int, into: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO once the last writer closed
            return
        if not chunk:
            return
        into.append(chunk)


def display_width(text: str) -> int:
    """Columns as a terminal shows them: emoji and East Asian wide characters take two."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\ufe0f\u200d":
            continue
        wide = unicodedata.east_asian_width(ch) in ("W", "F") or 0x1F000 <= ord(ch) <= 0x1FAFF
        width += 2 if wide else 1
    return width


class TerminalRun:
    """stdout, stderr and exit status of one run with one stream on a pseudo-terminal."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def describe(self) -> str:
        return f"exit {self.returncode}\n--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"


class CliTerminalTest(cli.CliTestCase):

    def run_on_tty(self, *args: str, tty: str = "stderr", columns: int = 200,
                   env_extra: dict | None = None) -> TerminalRun:
        """Runs latchkey with `tty` ("stderr" or "stdout") on a pseudo-terminal of `columns`
        columns and the other stream on a pipe."""
        master, slave = pty.openpty()
        set_winsize(slave, 40, columns)
        chunks: list[bytes] = []
        reader = threading.Thread(target=read_all, args=(master, chunks), daemon=True)
        env = self.env.environ(env_extra)
        env.pop("COLUMNS", None)
        if env_extra and "COLUMNS" in env_extra:
            env["COLUMNS"] = env_extra["COLUMNS"]
        streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        streams[tty] = slave
        p = subprocess.Popen([self.env.binary, *args], stdin=subprocess.DEVNULL, env=env,
                             cwd=self.env.root, **streams)
        os.close(slave)
        reader.start()
        piped = p.stdout if tty == "stderr" else p.stderr
        other = piped.read()
        piped.close()
        p.wait(timeout=60)
        reader.join(timeout=10)
        os.close(master)
        on_tty = b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")
        other_text = other.decode(errors="replace")
        run = (TerminalRun(p.returncode, other_text, on_tty) if tty == "stderr"
               else TerminalRun(p.returncode, on_tty, other_text))
        # What reached the terminal counts for the leak scan like any other output.
        self.env.history.append(cli.Result(list(args), p.returncode, run.stdout, run.stderr,
                                           "--show-secrets" in args))
        return run

    def slow_registry(self) -> SlowRegistry:
        self.password = self.env.add_secret("slow-pw-" + secrets.token_hex(10), "registry password")
        reg = SlowRegistry("slow-user", self.password)
        self.addCleanup(reg.stop)
        return reg

    def register_args(self, name: str, reg: SlowRegistry) -> list[str]:
        return ["service-connector", "register", name, "--type", "docker", "--auth-method",
                "password", "--username=slow-user", f"--password={self.password}",
                f"--registry={reg.url}"]

    # -- spinner ---------------------------------------------------------------------------
    def assertSpinner(self, run: TerminalRun, message: str):
        self.assertRegex(run.stderr, f"[{SPINNER_FRAMES}] " + re.escape(message), run.describe())
        # Erased before the result: the last thing on the terminal is not a spinner frame.
        tail = run.stderr.rsplit("\x1b[2K", 1)[-1]
        self.assertNotRegex(tail, f"[{SPINNER_FRAMES}]", run.describe())
        self.assertNotRegex(run.stdout, f"[{SPINNER_FRAMES}]", run.describe())

    def test_spinner_on_a_terminal_only(self):
        reg = self.slow_registry()
        run = self.run_on_tty(*self.register_args("slow", reg))
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertSpinner(run, "Registering service connector 'slow'...")
        self.assertIn("Successfully registered service connector `slow`", run.stdout)

        run = self.run_on_tty("service-connector", "verify", "slow")
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertSpinner(run, "Verifying service connector 'slow'...")

        run = self.run_on_tty("service-connector", "update", "slow", "--description", "slow one")
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertSpinner(run, "Updating service connector 'slow'...")

        run = self.run_on_tty("service-connector", "list-resources")
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertSpinner(run, "Fetching all service connector resources...")

        run = self.run_on_tty("service-connector", "describe", "slow", "--client")
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertSpinner(run, "Issuing client credentials of service connector 'slow'...")

        run = self.run_on_tty("service-connector", "login", "slow", "--static")
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertSpinner(run, "Attempting to configure local client using service connector "
                                "'slow'...")

        # -o json: programs read it, so no decoration on any stream, even on a terminal.
        run = self.run_on_tty("service-connector", "verify", "slow", "-o", "json")
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertNotRegex(run.stderr, f"[{SPINNER_FRAMES}]", run.describe())
        self.assertEqual(json.loads(run.stdout)["name"], "slow")
        # A plain describe reads the store only: nothing to wait for.
        run = self.run_on_tty("service-connector", "describe", "slow")
        self.assertNotRegex(run.stderr, f"[{SPINNER_FRAMES}]", run.describe())

        # stderr on a pipe: nothing but results and errors.
        r = self.lk_ok(*self.register_args("slow2", reg))
        self.assertNotRegex(r.stderr, f"[{SPINNER_FRAMES}]", r.describe())
        self.assertNotIn("\x1b", r.stderr)
        r = self.lk_ok("service-connector", "verify", "slow2")
        self.assertEqual(r.stderr, "", r.describe())

    def test_spinner_is_erased_before_an_error(self):
        reg = self.slow_registry()
        args = self.register_args("bad-password", reg)
        args[args.index(f"--password={self.password}")] = "--password=wrong-password-1"
        run = self.run_on_tty(*args)
        self.assertNotEqual(run.returncode, 0, run.describe())
        self.assertSpinner(run, "Registering service connector 'bad-password'...")
        after = run.stderr.rsplit("\x1b[2K", 1)[-1]
        self.assertTrue(after.startswith("Error: "), run.describe())
        self.assertEqual(after.count("\n"), 1, "after the spinner, one error line:\n" + run.describe())

    # -- tables fitted to the terminal -----------------------------------------------------
    def long_error_connector(self):
        """A connector whose list-resources row carries a long error message."""
        self.lk_ok("service-connector", "register", "unreachable-registry-with-a-long-name",
                   "--type", "docker", "--username=u", "--password=p-long-enough",
                   "--registry=http://127.0.0.1:9/some/very/long/path/that/makes/the/row/wide",
                   "--no-verify", "-l", "team=a-rather-long-label-value-for-wrapping")

    def assertFits(self, text: str, columns: int):
        lines = [ln for ln in text.splitlines() if ln.startswith(("┃", "┏", "┠", "┗"))]
        self.assertTrue(lines, text)
        for ln in lines:
            self.assertLessEqual(display_width(ln), columns, f"{ln!r}\n{text}")
        return lines

    def test_tables_wrap_to_the_terminal(self):
        self.long_error_connector()
        # The terminal's own size (ioctl), with no COLUMNS.
        run = self.run_on_tty("service-connector", "list-resources", tty="stdout", columns=70)
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertFits(run.stdout, 70)
        self.assertIn("💥", run.stdout)
        run = self.run_on_tty("service-connector", "list", tty="stdout", columns=90)
        self.assertFits(run.stdout, 90)
        # Every table line is as wide as the table: borders line up, emoji counted as two.
        widths = {display_width(ln) for ln in run.stdout.splitlines() if ln.startswith("┃")}
        self.assertEqual(len(widths), 1, run.stdout)

        # A pipe: whole cells (scripts), unless COLUMNS asks for a width.
        r = self.lk_ok("service-connector", "list-resources")
        self.assertTrue(any(display_width(ln) > 120 for ln in r.stdout.splitlines()), r.stdout)
        r = self.lk_ok("service-connector", "list-resources", env_extra={"COLUMNS": "60"})
        self.assertFits(r.stdout, 60)
        r = self.lk_ok("service-connector", "describe", "unreachable-registry-with-a-long-name",
                       env_extra={"COLUMNS": "50"})
        self.assertFits(r.stdout, 50)
        # A nonsensical COLUMNS is ignored, not an error.
        r = self.lk_ok("service-connector", "list", env_extra={"COLUMNS": "wide"})
        self.assertIn("unreachable-registry-with-a-long-name", r.stdout)

    # -- @file arguments ----------------------------------------------------------------------
    def test_expanding_a_file_argument_says_so_without_the_value(self):
        password = self.env.add_secret("file-pw-" + secrets.token_hex(10), "password in a file")
        path = self.env.write_input("registry-password.txt", password)
        r = self.lk_ok("service-connector", "register", "from-file", "--type", "docker",
                       "--username=u", f"--password=@{path}", "--registry=http://127.0.0.1:9",
                       "--no-verify")
        self.assertIn(f"Expanding argument value password to contents of file {path}.\n",
                      r.stderr)
        # Relative to where the command runs, shown absolute.
        r = self.lk_ok("service-connector", "update", "from-file", "--password=@inputs/"
                       "registry-password.txt", "--no-verify")
        self.assertIn(f"to contents of file {path}.", r.stderr)
        self.assertEqual(self.describe_json("from-file", show_secrets=True)["secrets"]["password"],
                         password)

    # -- describe ---------------------------------------------------------------------------
    def test_describe_says_private_or_shared_and_shows_upstreams_times(self):
        self.lk_ok("service-connector", "register", "d", "--type", "docker", "--username=u",
                   "--password=p-long-enough", "--registry=http://127.0.0.1:9", "--no-verify")
        r = self.lk_ok("service-connector", "describe", "d")
        self.assertRegex(r.stdout, r"Service connector 'd' of type 'docker' with id '[0-9a-f-]+' is "
                                   r"owned by user '[^']+' and is 'private'\.")
        self.assertRegex(r.stdout, r"CREATED_AT\s+│ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+┃")
        self.assertRegex(r.stdout, r"UPDATED_AT\s+│ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+┃")
        self.assertNotRegex(r.stdout, r"\d\dT\d\d:")
        # JSON keeps ISO 8601.
        self.assertRegex(self.describe_json("d")["created"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.lk_ok("service-connector", "update", "d", "--share", "--no-verify")
        r = self.lk_ok("service-connector", "describe", "d")
        self.assertIn("and is 'shared'.", r.stdout)

    # -- long-lived credentials -----------------------------------------------------------
    def test_warns_when_clients_receive_long_lived_keys(self):
        key = self.env.add_secret("AKIA" + secrets.token_hex(8).upper(), "aws key id")
        secret = self.env.add_secret("aws-secret-" + secrets.token_hex(12), "aws secret key")
        keys = [f"--aws_access_key_id={key}", f"--aws_secret_access_key={secret}",
                "--region=us-east-1", "--no-verify"]
        r = self.lk_ok("service-connector", "register", "keys", "--type", "aws", "--auth-method",
                       "secret-key", *keys)
        warning = [ln for ln in r.stderr.splitlines() if ln.startswith("Warning:")]
        self.assertEqual(len(warning), 1, r.describe())
        self.assertIn("'keys'", warning[0])
        self.assertIn("session-token", warning[0])
        self.assertIn("iam-role", warning[0])
        # -n/--no-docs: only the result.
        r = self.lk_ok("service-connector", "register", "keys-quiet", "--type", "aws",
                       "--auth-method", "secret-key", "-n", *keys)
        self.assertNotIn("Warning", r.stderr)
        # Temporary credentials for clients: no warning, and update warns only when it applies.
        r = self.lk_ok("service-connector", "register", "sessions", "--type", "aws",
                       "--auth-method", "session-token", *keys)
        self.assertNotIn("Warning", r.stderr)
        r = self.lk_ok("service-connector", "update", "keys", "--description", "x", "--no-verify")
        self.assertIn("Warning: clients of service connector 'keys'", r.stderr)
        r = self.lk_ok("service-connector", "update", "sessions", "--description", "x",
                       "--no-verify")
        self.assertNotIn("Warning", r.stderr)
        # GCP: only with generate_temporary_tokens=false.
        sa = self.env.write_input("sa.json", json.dumps({"type": "service_account",
                                                          "client_email": "a@b.c"}))
        r = self.lk_ok("service-connector", "register", "gcp-key", "--type", "gcp",
                       "--auth-method", "service-account", f"--service_account_json=@{sa}",
                       "--project_id=p", "--generate_temporary_tokens=false", "--no-verify")
        self.assertIn("generate_temporary_tokens", r.stderr)
        r = self.lk_ok("service-connector", "register", "gcp-tokens", "--type", "gcp",
                       "--auth-method", "service-account", f"--service_account_json=@{sa}",
                       "--project_id=p", "--no-verify")
        self.assertNotIn("Warning", r.stderr)

    # -- usage errors and completion ------------------------------------------------------
    def test_usage_errors_are_one_inert_line(self):
        r = self.lk_fail("service-connector", "describe")
        self.assertOneLineError(r, "name_or_id")
        self.assertEqual(r.returncode, 2)
        r = self.lk_fail("service-connector", "list", "--bogus", "\x1b[31mred")
        self.assertOneLineError(r, "--bogus")
        self.assertNotIn("\x1b", r.stderr)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(self.lk_ok("--version").stdout.strip(), "latchkey 0.1.0")
        self.assertIn("Usage:", self.lk_ok("service-connector", "--help").stdout)

    def test_completion_creates_nothing(self):
        os.rmdir(self.env.latchkey_home)
        r = self.lk_ok("__complete", "--", "service-connector", "describe", "")
        self.assertEqual(r.stdout, "")
        r = self.lk_ok("__complete", "--", "secret", "get", "")
        self.assertFalse(os.path.exists(self.env.latchkey_home),
                         "TAB must not create $LATCHKEY_HOME or a store")
        # Once a store exists, names are offered.
        self.lk_ok("service-connector", "register", "tabbed", "--type", "docker", "--username=u",
                   "--password=p-long-enough", "--registry=http://127.0.0.1:9", "--no-verify")
        r = self.lk_ok("__complete", "--", "service-connector", "describe", "tab")
        self.assertEqual(r.stdout, "tabbed\n")
        r = self.lk_ok("__complete", "--", "artifact-store", "connect", "s", "--connector=ta")
        self.assertEqual(r.stdout, "--connector=tabbed\n")


if __name__ == "__main__":
    unittest.main()
