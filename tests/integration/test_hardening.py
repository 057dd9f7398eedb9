"""Regression tests for the adversarial review's findings (issue 14), against a real
``latchkey server`` and the real CLI in local mode.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_hardening.py

Each test names the finding it covers. Servers listen on 127.0.0.1 and are stopped by their PID
(tests/integration/latchkey_server.py).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import stat
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cli  # noqa: E402
import peers  # noqa: E402
from latchkey_server import LatchkeyServer, latchkey_server  # noqa: E402

API = "/api/v1"
ESC_NAME = "x\x1b]52;c;aGVsbG8=\x07"  # OSC 52: writes the reader's clipboard
HOSTILE_NAMES = (ESC_NAME, "row\nforged", "cr\rname", "del\x7f", "c1\u009b31m", "bidi\u202etxt",
                 "iso\u2066x")


def require_binary():
    if not os.path.exists(cli.latchkey_bin()):
        raise unittest.SkipTest("build/latchkey is missing: build first")


def raw_exchange(url: str, request: bytes) -> bytes:
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(request)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, body = out.partition(b"\r\n\r\n")
                length = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
                          if l.lower().startswith(b"content-length:")]
                if length and len(body) >= length[0]:
                    return out


def docker_connector(name: str, **extra) -> dict:
    body = {"name": name, "connector_type": "docker", "auth_method": "password",
            "configuration": {"registry": "http://127.0.0.1:9", "username": "u"},
            "secrets": {"password": "registry-password-" + secrets.token_hex(6)}, "verify": False}
    body.update(extra)
    return body


class ServerHardeningTest(unittest.TestCase):
    """One server for the findings that need no special server options."""

    @classmethod
    def setUpClass(cls):
        require_binary()
        cls.srv = LatchkeyServer(args=["--login-lockout-seconds", "2"]).start()
        cls.admin = cls.srv.admin()
        cls.passwords = {}
        for name in ("alice", "bob", "carol"):
            pw = f"{name}-pw-" + secrets.token_hex(6)
            st, body = cls.admin.post(f"{API}/users", {"name": name, "password": pw})
            assert st == 201, (st, body)
            cls.passwords[name] = pw

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def login(self, name, password=None):
        return self.srv.client().send(
            "POST", f"{API}/login", {"username": name, "password": password or self.passwords[name]})

    # -- finding 1 ---------------------------------------------------------------------------
    def test_finding1_huge_login_names_add_a_bounded_amount_to_the_audit_log(self):
        before = os.path.getsize(self.srv.audit_log)
        huge = "u" * 1_000_000  # 1 MB: the body stays under the server's 1 MiB limit
        for _ in range(5):
            st, body, _h = self.login(huge, "whatever-password")
            self.assertEqual(st, 400, body[:200])
            self.assertLess(len(body), 1024, "the refusal does not echo the name")
        st, body, _h = self.srv.client().send("POST", f"{API}/login",
                                              {"username": "a" * 128, "password": "p" * 5000})
        self.assertEqual(st, 400)
        # Names within the limit are logged (bounded) for every attempt.
        for _ in range(3):
            st, _b, _h = self.login("n" * 128, "wrong-password")
            self.assertEqual(st, 401)
        grown = os.path.getsize(self.srv.audit_log) - before
        self.assertLess(grown, 8 * 1024, f"5 MB of user names added {grown} bytes to audit.log")

    def test_finding1_oversized_names_labels_and_descriptions_are_refused(self):
        alice = self.srv.client("alice", self.passwords["alice"])
        cases = {
            "name": docker_connector("n" * 129),
            "label key": docker_connector("lk-" + secrets.token_hex(3), labels={"k" * 129: "v"}),
            "label value": docker_connector("lv-" + secrets.token_hex(3), labels={"k": "v" * 1025}),
            "description": docker_connector("d-" + secrets.token_hex(3), description="d" * 4097),
        }
        for what, body in cases.items():
            with self.subTest(what):
                st, resp = alice.post(f"{API}/service_connectors", body)
                self.assertEqual(st, 400, resp)
                self.assertIn("limit", resp["error"]["message"])
        st, resp = alice.post(f"{API}/secrets", {"name": "s" * 129, "values": {"k": "v"}})
        self.assertEqual(st, 400, resp)
        st, resp = alice.post(f"{API}/secrets", {"name": "big-" + secrets.token_hex(3),
                                                 "values": {"k": "v" * ((1 << 20) + 1)}})
        self.assertIn(st, (400, 413), resp)  # over the value limit, or the server's body limit

    # -- finding 4 ---------------------------------------------------------------------------
    def test_finding4_control_characters_in_names_and_label_keys_are_refused(self):
        alice = self.srv.client("alice", self.passwords["alice"])
        for name in HOSTILE_NAMES:
            with self.subTest(name=repr(name)):
                st, resp = alice.post(f"{API}/secrets", {"name": name, "values": {"k": "v"},
                                                         "shared": True})
                self.assertEqual(st, 400, resp)
                self.assertIn("control characters", resp["error"]["message"])
                self.assertNotIn("\x1b", json.dumps(resp, ensure_ascii=False))
                st, resp = alice.post(f"{API}/service_connectors", docker_connector(name, shared=True))
                self.assertEqual(st, 400, resp)
                st, resp = alice.post(f"{API}/service_connectors",
                                      docker_connector("lbl-" + secrets.token_hex(3),
                                                       labels={name: "v"}))
                self.assertEqual(st, 400, resp)
                st, resp = alice.post(f"{API}/secrets", {"name": "ok-" + secrets.token_hex(3),
                                                         "values": {name: "v"}})
                self.assertEqual(st, 400, resp)

    # -- finding 7 ---------------------------------------------------------------------------
    def test_finding7_failed_logins_are_throttled_per_name(self):
        for _ in range(5):
            st, _b, _h = self.login("carol", "wrong-password")
            self.assertEqual(st, 401)
        st, body, headers = self.login("carol")  # the right password
        self.assertEqual(st, 429, body)
        self.assertEqual(json.loads(body)["error"]["code"], "resource_exhausted")
        retry_after = int(headers["Retry-After"])
        self.assertGreaterEqual(retry_after, 1)
        # Other users are unaffected.
        st, body, _h = self.login("bob")
        self.assertEqual(st, 200, body)
        time.sleep(retry_after + 0.5)
        st, body, _h = self.login("carol")
        self.assertEqual(st, 200, body)

    # -- finding 10 --------------------------------------------------------------------------
    def test_finding10_lifetimes_are_bounded(self):
        st, resp = self.admin.post(f"{API}/users", {"name": "svc-" + secrets.token_hex(3),
                                                    "service_account": True})
        self.assertEqual(st, 201, resp)
        st, resp = self.admin.post(f"{API}/users/{resp['name']}/api_keys",
                                   {"name": "k", "ttl_seconds": 2 ** 63 - 1})
        self.assertEqual(st, 400, resp)
        self.assertIn("ttl_seconds", resp["error"]["message"])
        for field, value in (("expiration_seconds", 2 ** 62), ("expires_skew_tolerance", 2 ** 62)):
            with self.subTest(field):
                st, resp = self.admin.post(f"{API}/service_connectors",
                                           docker_connector("t-" + secrets.token_hex(3),
                                                            **{field: value}))
                self.assertEqual(st, 400, resp)
                self.assertIn(field, resp["error"]["message"])

    def test_finding10_empty_required_attributes_are_refused(self):
        body = docker_connector("empty-" + secrets.token_hex(3))
        body["configuration"]["username"] = ""
        st, resp = self.admin.post(f"{API}/service_connectors", body)
        self.assertEqual(st, 400, resp)
        self.assertIn("username", resp["error"]["message"])

    def test_finding10_ambiguous_host_and_authorization_headers_are_400(self):
        token = self.admin.token
        for request in (b"GET /api/v1/current-user HTTP/1.1\r\nAuthorization: Bearer " +
                        token.encode() + b"\r\n\r\n",
                        b"GET /api/v1/current-user HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " +
                        token.encode() + b"\r\nAuthorization: Bearer lk_other\r\n\r\n"):
            reply = raw_exchange(self.srv.url, request)
            self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply[:200])
        ok = raw_exchange(self.srv.url, b"GET /api/v1/current-user HTTP/1.1\r\nHost: a\r\n"
                          b"Authorization: Bearer " + token.encode() + b"\r\n\r\n")
        self.assertTrue(ok.startswith(b"HTTP/1.1 200"), ok[:200])

    def test_finding10_database_files_are_private(self):
        for suffix in ("", "-wal", "-shm"):
            path = os.path.join(self.srv.home, "latchkey.db" + suffix)
            if os.path.exists(path):
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
        self.assertTrue(os.path.exists(os.path.join(self.srv.home, "latchkey.db")))

    # -- finding 5 ---------------------------------------------------------------------------
    def test_finding5_long_lived_secrets_need_share_secrets(self):
        alice = self.srv.client("alice", self.passwords["alice"])
        bob = self.srv.client("bob", self.passwords["bob"])
        name = "shared-reg-" + secrets.token_hex(3)
        password = "reg-pw-" + secrets.token_hex(8)
        reg = self.enterContext(peers.docker_registry("htpasswd", "tester", password))
        body = docker_connector(name, shared=True)
        body["configuration"] = {"registry": reg.url, "username": "tester"}
        body["secrets"] = {"password": password}
        st, c = alice.post(f"{API}/service_connectors", body)
        self.assertEqual(st, 201, c)
        self.assertFalse(c["share_secrets"])
        st, resp = bob.get(f"{API}/service_connectors/{c['id']}/client")
        self.assertEqual(st, 403, resp)
        self.assertIn("--share-secrets", resp["error"]["message"])
        st, resp = alice.get(f"{API}/service_connectors/{c['id']}/client")
        self.assertEqual(st, 200, resp)
        st, c = alice.put(f"{API}/service_connectors/{c['id']}", {"share_secrets": True,
                                                                   "verify": False})
        self.assertEqual(st, 200, c)
        self.assertTrue(c["share_secrets"] and c["shared"])
        st, resp = bob.get(f"{API}/service_connectors/{c['id']}/client")
        self.assertEqual(st, 200, resp)
        self.assertEqual(resp["secrets"]["password"], password)
        # Read-only (or private) clears it.
        st, c = alice.put(f"{API}/service_connectors/{c['id']}", {"shared_read_only": True,
                                                                   "verify": False})
        self.assertEqual(st, 200, c)
        self.assertFalse(c["share_secrets"])


class AuditRotationTest(unittest.TestCase):
    def test_finding1_the_audit_log_rotates_by_size(self):
        require_binary()
        with latchkey_server(args=["--audit-log-max-bytes", "8192", "--audit-log-keep", "2"]) as srv:
            admin = srv.admin()
            for i in range(150):
                st, _ = admin.delete(f"{API}/tokens/missing-{i}-" + "x" * 40)
                self.assertEqual(st, 404)
            files = sorted(f for f in os.listdir(srv.home) if f.startswith("audit.log"))
            self.assertEqual(files, ["audit.log", "audit.log.1", "audit.log.2"])
            for f in files:
                path = os.path.join(srv.home, f)
                self.assertLess(os.path.getsize(path), 8192 + 2048, f)
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, f)
                with open(path) as fh:
                    for line in fh:
                        json.loads(line)


class KeyFileTest(unittest.TestCase):
    def test_finding10_a_deleted_key_file_is_not_replaced_while_secrets_exist(self):
        require_binary()
        env = cli.CliEnv()
        try:
            r = env.run("secret", "create", "s1", "--token=" + "value-" + secrets.token_hex(6))
            self.assertEqual(r.returncode, 0, r.describe())
            key_file = os.path.join(env.latchkey_home, "secrets.key")
            os.rename(key_file, key_file + ".moved")
            r = env.run("secret", "get", "s1", "--show-secrets")
            self.assertNotEqual(r.returncode, 0, r.describe())
            self.assertIn(key_file, r.stderr)
            self.assertIn("missing", r.stderr)
            self.assertFalse(os.path.exists(key_file), "a new key was written over the lost one")
            os.rename(key_file + ".moved", key_file)
            r = env.run("secret", "get", "s1", "--show-secrets")
            self.assertEqual(r.returncode, 0, r.describe())
        finally:
            env.cleanup()

    def test_finding10_database_files_are_private_in_an_existing_home(self):
        require_binary()
        env = cli.CliEnv()
        self.addCleanup(env.cleanup)
        os.chmod(env.latchkey_home, 0o755)
        old = os.umask(0o022)
        try:
            r = env.run("secret", "create", "s1", "--token=value-" + secrets.token_hex(6))
            self.assertEqual(r.returncode, 0, r.describe())
        finally:
            os.umask(old)
        for suffix in ("", "-wal", "-shm"):
            path = os.path.join(env.latchkey_home, "latchkey.db" + suffix)
            self.assertTrue(os.path.exists(path), path)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)


class LocalCliHardeningTest(unittest.TestCase):
    def setUp(self):
        require_binary()
        self.env = cli.CliEnv()
        self.addCleanup(self.env.cleanup)

    def register(self, name, *extra):
        return self.env.run("service-connector", "register", name, "--type", "docker",
                            "--username=u", "--registry=http://127.0.0.1:9", "--no-verify", *extra)

    # -- finding 4 ---------------------------------------------------------------------------
    def test_finding4_local_mode_refuses_hostile_names_and_shows_descriptions_inert(self):
        for name in HOSTILE_NAMES:
            r = self.env.run("secret", "create", name, "--token=value-" + secrets.token_hex(6))
            self.assertNotEqual(r.returncode, 0, r.describe())
            self.assertNotIn("\x1b", r.stderr)
            r = self.register(name, "--password=pw-" + secrets.token_hex(6))
            self.assertNotEqual(r.returncode, 0, r.describe())
        r = self.register("reg", "--password=pw-" + secrets.token_hex(6),
                          "-d", "see \x1b]52;c;aGk=\x07 here\nnext", "-l", "team=a\x1b[2Jb")
        self.assertEqual(r.returncode, 0, r.describe())
        for args in (("service-connector", "describe", "reg"), ("service-connector", "list")):
            r = self.env.run(*args)
            self.assertEqual(r.returncode, 0, r.describe())
            for raw in ("\x1b", "\x07"):
                self.assertNotIn(raw, r.stdout, args)
            self.assertIn("\\x1b", r.stdout, args)
        r = self.env.run("service-connector", "describe", "reg")
        self.assertIn("see \\x1b]52;c;aGk=\\x07 here\\x0anext", r.stdout)

    # -- finding 6 ---------------------------------------------------------------------------
    def test_finding6_file_arguments_are_bounded(self):
        start = time.monotonic()
        r = self.register("zero", "--password=@/dev/zero")
        elapsed = time.monotonic() - start
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("over the limit of 1048576 bytes", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        print(f"\n  @/dev/zero refused in {elapsed:.2f}s")
        big = self.env.write_input("big.yaml", "token: " + "v" * (2 << 20) + "\n")
        r = self.env.run("secret", "create", "big", "-v", "@" + big)
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("over the limit of", r.stderr)
        r = self.env.run("secret", "create", "big", "-v", "@/dev/zero")
        self.assertNotEqual(r.returncode, 0, r.describe())

    # -- finding 10 --------------------------------------------------------------------------
    def test_finding10_a_repeated_attribute_is_refused(self):
        r = self.register("twice", "--password=a-password", "--password=b-password")
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("--password is given more than once", r.stderr)
        r = self.register("empty", "--password=")
        self.assertNotEqual(r.returncode, 0, r.describe())
        self.assertIn("must not be empty", r.stderr)


if __name__ == "__main__":
    unittest.main()
