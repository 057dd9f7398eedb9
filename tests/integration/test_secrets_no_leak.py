"""No secret value may appear in plaintext under LATCHKEY_HOME (any file:
sqlite db, -wal, -shm, keys, logs) nor in the output of any command run
without --show-secrets. (Every CliTestCase also scans at the end of each
test; these tests drive many commands on purpose and scan mid-flow too.)

    python3 -m unittest tests/integration/test_secrets_no_leak.py -v
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import peers  # noqa: E402


class ScannerSelfTest(unittest.TestCase):
    """The scanner itself finds what it should (so a clean scan means something)."""

    def test_scanner_finds_planted_values(self):
        env = cli.CliEnv(binary="/nonexistent")
        self.addCleanup(env.cleanup)
        pw = env.add_secret("planted-" + secrets.token_hex(8))
        key_pem = ("-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(os.urandom(90)).decode()[:64] +
                   "\n" + base64.b64encode(os.urandom(48)).decode() + "\n-----END PRIVATE KEY-----\n")
        env.add_secret(key_pem, "pem")
        self.assertEqual(env.leaks(), [])
        sub = os.path.join(env.latchkey_home, "sub")
        os.makedirs(sub)
        cases = [pw.encode(), base64.b64encode(pw.encode()), pw.encode().hex().encode(),
                 key_pem.splitlines()[1].encode(), key_pem.replace("\n", "\\n").encode()]
        for i, data in enumerate(cases):
            path = os.path.join(sub, f"db-{i}.sqlite-wal")
            with open(path, "wb") as f:
                f.write(b"\x00junk" + data + b"junk\x00")
            self.assertTrue(env.file_leaks(), f"planted variant {i} not found")
            os.remove(path)
        self.assertEqual(env.file_leaks(), [])
        env.history.append(cli.Result(["x"], 0, f"value {pw}", "", False))
        self.assertTrue(env.output_leaks())
        env.history[-1] = cli.Result(["x", "--show-secrets"], 0, f"value {pw}", "", True)
        self.assertEqual(env.output_leaks(), [])
        env.history.append(cli.Result(["x"], 1, "", "error: bad " + key_pem.splitlines()[2], False))
        self.assertTrue(env.output_leaks())


class NoLeakTest(cli.CliTestCase):
    def assertStoredSomething(self):
        files = self.env.home_files()
        self.assertTrue(files, "nothing was written under LATCHKEY_HOME")
        self.assertGreater(sum(os.path.getsize(p) for p in files), 0)

    def _docker_flow(self, auth):
        user = "leakuser"
        pw = self.env.add_secret("leak-reg-pw-" + secrets.token_hex(12), "registry password")
        with peers.docker_registry(auth, user, pw) as reg:
            reg.push_test_image()
            wrong = self.env.add_secret("leak-wrong-" + secrets.token_hex(12), "wrong password")
            base = ["service-connector", "register"]
            common = ["--type", "docker", "--auth-method", "password", f"--username={user}", f"--registry={reg.url}"]
            self.lk_fail(*base, "bad", *common, f"--password={wrong}")
            self.lk_fail(*base, "bad", *common, f"--password={wrong}", "-o", "json")
            self.lk_ok(*base, "good", *common, f"--password={pw}")
            pwfile = self.env.write_input("pw.txt", pw)
            self.lk_ok(*base, "good-file", *common, f"--password=@{pwfile}", "-o", "json")
            self.lk_ok(*base, "nv", *common, f"--password={wrong}", "--no-verify")
            for args in (["list"], ["list", "-o", "json"], ["describe", "good"], ["describe", "good", "-o", "json"],
                         ["verify", "good"], ["verify", "good", "-o", "json"], ["list-resources"],
                         ["list-resources", "-o", "json"], ["login", "good"]):
                self.lk_ok("service-connector", *args)
            self.lk("service-connector", "verify", "nv")
            self.lk("service-connector", "verify", "nv", "-o", "json")
            self.lk_fail("service-connector", "update", "good", f"--password={wrong}")
            self.assertNoLeaks()
            new = self.env.add_secret("leak-new-pw-" + secrets.token_hex(12), "rotated password")
            reg.set_password(new)
            self.lk_ok("service-connector", "update", "good", f"--password={new}")
            self.lk_ok("service-connector", "login", "good")
            self.lk_ok("service-connector", "delete", "good-file")
            self.assertStoredSomething()
            # The values were really stored (visible only on request).
            shown = self.lk_ok("service-connector", "describe", "good", "--show-secrets", "-o", "json").json()
            self.assertEqual(self.field(shown, "password"), new)
            shown = self.lk_ok("service-connector", "describe", "nv", "--show-secrets").stdout
            self.assertIn(wrong, shown)
            self.assertNoLeaks()

    def test_docker_htpasswd_flow(self):
        self._docker_flow("htpasswd")

    def test_docker_token_flow(self):
        self._docker_flow("token")

    def test_kubernetes_flow(self):
        token = self.env.add_secret("leak-kube-tok-" + secrets.token_hex(16), "kube token")
        kpw = self.env.add_secret("leak-kube-pw-" + secrets.token_hex(12), "kube password")
        with peers.kube_apiserver(token=token, username="kadmin", password=kpw, client_cert=True) as kube:
            self.env.add_secret(kube.client_key_pem, "client key")
            ca = self.env.write_input("ca.pem", kube.ca_pem)
            crt = self.env.write_input("c.crt", kube.client_cert_pem)
            key = self.env.write_input("c.key", kube.client_key_pem)
            wrong = self.env.add_secret("leak-kube-wrong-" + secrets.token_hex(12), "wrong token")
            base = ["service-connector", "register"]
            k = ["--type", "kubernetes", f"--server={kube.server}", "--cluster_name=fake",
                 f"--certificate_authority=@{ca}"]
            self.lk_fail(*base, "kbad", *k, "--auth-method", "token", f"--token={wrong}")
            self.lk_ok(*base, "ktok", *k, "--auth-method", "token", f"--token={token}")
            self.lk_ok(*base, "kcert", *k, "--auth-method", "token", f"--client_certificate=@{crt}",
                       f"--client_key=@{key}")
            self.lk_ok(*base, "kpw", *k, "--auth-method", "password", "--username=kadmin", f"--password={kpw}")
            for name in ("ktok", "kcert", "kpw"):
                for args in (["describe", name], ["describe", name, "-o", "json"], ["verify", name],
                             ["verify", name, "-o", "json"], ["login", name]):
                    self.lk_ok("service-connector", *args)
            self.lk_ok("service-connector", "list", "-o", "json")
            self.lk_ok("service-connector", "list-resources", "-o", "json")
            self.assertStoredSomething()
            shown = self.lk_ok("service-connector", "describe", "kcert", "--show-secrets", "-o", "json").json()
            self.assertEqual(self.field(shown, "client_key").strip(), kube.client_key_pem.strip())
            self.assertNoLeaks()

    def test_kubernetes_auto_configure_flow(self):
        token = self.env.add_secret("leak-auto-tok-" + secrets.token_hex(16), "kube token")
        with peers.kube_apiserver(token=token, client_cert=True) as kube:
            self.env.add_secret(kube.client_key_pem, "client key")
            peers.write_kubeconfig(self.env.kubeconfig, [
                {"name": "tok", "server": kube.server, "ca_path": kube.ca_path, "token": token},
            ], env=self.env.client_env())
            self.lk_ok("service-connector", "register", "auto-tok", "--type", "kubernetes", "--auto-configure")
            peers.write_kubeconfig(self.env.kubeconfig, [
                {"name": "crt", "server": kube.server, "ca_path": kube.ca_path,
                 "client_cert_path": kube.client_cert_path, "client_key_path": kube.client_key_path},
            ], current="crt", env=self.env.client_env())
            self.lk_ok("service-connector", "register", "auto-crt", "--type", "kubernetes", "--auto-configure")
            self.lk_ok("service-connector", "list", "-o", "json")
            self.lk_ok("service-connector", "describe", "auto-crt")
            self.assertStoredSomething()
            self.assertNoLeaks()

    def test_secret_commands(self):
        a = self.env.add_secret("leak-sa-" + secrets.token_hex(12))
        b = self.env.add_secret("leak-sb-" + secrets.token_hex(12))
        c = self.env.add_secret("leak-sc-" + secrets.token_hex(12))
        self.lk_ok("secret", "create", "s1", f"--k_a={a}", f"--k_b={b}")
        self.lk_ok("secret", "list")
        self.lk_ok("secret", "get", "s1")
        self.lk_ok("secret", "update", "s1", f"--k_c={c}", "--remove-key", "k_a")
        self.lk_ok("secret", "rename", "s1", "s2")
        self.lk_ok("secret", "get", "s2")
        self.lk_ok("secret", "rotate-key")
        self.lk_ok("secret", "get", "s2")
        self.lk_fail("secret", "create", "s2", f"--k_a={a}")
        self.assertStoredSomething()
        shown = self.lk_ok("secret", "get", "s2", "--show-secrets").stdout
        self.assertIn(b, shown)
        self.assertIn(c, shown)
        self.lk_ok("secret", "delete", "s2")
        self.assertNoLeaks()


if __name__ == "__main__":
    unittest.main()
