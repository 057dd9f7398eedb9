"""Kubernetes service connector against the fake HTTPS API server, then kubectl.

    python3 -m unittest tests/integration/test_kubernetes_connector.py -v
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import peers  # noqa: E402

KUBECTL = peers.KUBECTL


class KubernetesConnectorTest(cli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.env.add_secret("kube-tok-" + secrets.token_hex(16), "kube token")
        self.kuser = "kube-admin"
        self.kpass = self.env.add_secret("kube-pw-" + secrets.token_hex(12), "kube password")
        self.kube = self.enterContext(peers.kube_apiserver(token=self.token, username=self.kuser,
                                                           password=self.kpass, client_cert=True))
        self.env.add_secret(self.kube.client_key_pem, "client key")
        self.ca_file = self.env.write_input("ca.pem", self.kube.ca_pem)
        self.crt_file = self.env.write_input("client.crt", self.kube.client_cert_pem)
        self.key_file = self.env.write_input("client.key", self.kube.client_key_pem)
        other_ca = peers.CertAuthority(os.path.join(self.env.root, "other-ca"), "other-ca")
        self.other_ca_file = self.env.write_input("other-ca.pem", other_ca.cert_pem)

    # -- helpers ---------------------------------------------------------------
    def register_token(self, name="k", token=None, *extra):
        return self.lk("service-connector", "register", name, "--type", "kubernetes", "--auth-method", "token",
                       f"--server={self.kube.server}", f"--token={token or self.token}",
                       f"--certificate_authority=@{self.ca_file}", "--cluster_name=fake", *extra)

    def good_requests(self, auth):
        return [e for e in self.kube.requests() if e.get("status") == 200 and e.get("auth") == auth]

    def kubectl(self, *args, kubeconfig=None):
        kc = kubeconfig or self.env.kubeconfig
        return subprocess.run([KUBECTL, "--kubeconfig", kc, *args], capture_output=True, text=True,
                              env=self.env.client_env({"KUBECONFIG": kc}), timeout=90)

    def assertKubectlWorks(self, auth, kubeconfig=None):
        self.kube.clear_log()
        r = self.kubectl("get", "namespaces", kubeconfig=kubeconfig)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("default", r.stdout)
        self.assertIn("kube-system", r.stdout)
        ns = [e for e in self.kube.requests() if e.get("path") == "/api/v1/namespaces"]
        self.assertTrue(ns, "kubectl never listed namespaces on the fake")
        self.assertTrue(all(e["status"] == 200 and e["auth"] == auth for e in ns), json.dumps(ns))
        r = self.kubectl("version", kubeconfig=kubeconfig)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Server Version: v1.32.0", r.stdout)

    def assertNotRegistered(self):
        self.assertEqual(self.list_connectors(), [])

    def assertKubeVerified(self, name):
        data = self.verify_json(name)
        self.assertEqual(data["connector_type"], "kubernetes")
        self.assertVerifyOk(data, "kubernetes-cluster")
        ids = [str(i) for res in data["resources"] for i in res["resource_ids"]]
        self.assertTrue(any("fake" in i or f"127.0.0.1:{self.kube.port}" in i for i in ids),
                        "resource ids name neither the cluster nor the server: " + json.dumps(data))

    def preexisting_kubeconfig(self):
        """A kubeconfig with an unrelated context that is current and points nowhere."""
        dead = f"https://127.0.0.1:{peers.free_port()}"
        self.other_token = self.env.add_secret("other-ctx-tok-" + secrets.token_hex(8), "other context token")
        peers.write_kubeconfig(self.env.kubeconfig, [
            {"name": "other-cluster", "server": dead, "insecure": True, "token": self.other_token,
             "namespace": "team-a"},
        ], current="other-cluster", env=self.env.client_env())

    def kubeconfig_doc(self, path=None):
        r = self.kubectl("config", "view", "--raw", "-o", "json", kubeconfig=path)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def assertOtherContextSurvived(self):
        doc = self.kubeconfig_doc()
        ctx = {c["name"]: c["context"] for c in doc["contexts"]}
        self.assertIn("other-cluster", ctx, json.dumps(doc)[:2000])
        self.assertEqual(ctx["other-cluster"].get("namespace"), "team-a")
        users = {u["name"]: u["user"] for u in doc["users"]}
        self.assertEqual(users[ctx["other-cluster"]["user"]].get("token"), self.other_token)
        clusters = {c["name"]: c["cluster"] for c in doc["clusters"]}
        self.assertTrue(clusters[ctx["other-cluster"]["cluster"]].get("insecure-skip-tls-verify"))
        self.assertNotEqual(doc["current-context"], "other-cluster",
                            "login must switch the current context to the connector's")
        self.assertGreaterEqual(len(ctx), 2)

    # -- registration ----------------------------------------------------------
    def test_token_with_ca_registers_and_verifies(self):
        r = self.register_token("k")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("kubernetes-cluster", r.stdout)
        self.assertTrue(self.good_requests("bearer"), "no authenticated bearer request reached the fake")
        c = self.describe_json("k")
        self.assertConnectorShape(c)
        self.assertEqual(c["connector_type"], "kubernetes")
        self.assertEqual(c["auth_method"], "token")
        self.assertEqual(c["resource_types"], ["kubernetes-cluster"])
        self.assertEqual(self.field(c, "token"), cli.HIDDEN)
        self.assertEqual(self.field(c, "server"), self.kube.server)
        shown = self.describe_json("k", show_secrets=True)
        self.assertEqual(self.field(shown, "token"), self.token)
        self.assertEqual(self.field(shown, "certificate_authority").strip(), self.kube.ca_pem.strip())
        self.assertKubeVerified("k")

    def test_client_certificate_registers_and_verifies(self):
        self.kube.clear_log()
        r = self.lk("service-connector", "register", "kc", "--type", "kubernetes", "--auth-method", "token",
                    f"--server={self.kube.server}", f"--certificate_authority=@{self.ca_file}",
                    f"--client_certificate=@{self.crt_file}", f"--client_key=@{self.key_file}",
                    "--cluster_name=fake")
        self.assertEqual(r.returncode, 0, r.describe())
        good = self.good_requests("cert")
        self.assertTrue(good, "no request authenticated by client certificate: " + json.dumps(self.kube.requests()))
        self.assertEqual({e["cert_cn"] for e in good}, {"test-user"})
        c = self.describe_json("kc")
        self.assertEqual(self.field(c, "client_key"), cli.HIDDEN)
        shown = self.describe_json("kc", show_secrets=True)
        self.assertEqual(self.field(shown, "client_key").strip(), self.kube.client_key_pem.strip())
        self.assertKubeVerified("kc")

    def test_password_registers_and_verifies(self):
        r = self.lk("service-connector", "register", "kp", "--type", "kubernetes", "--auth-method", "password",
                    f"--server={self.kube.server}", f"--username={self.kuser}", f"--password={self.kpass}",
                    f"--certificate_authority=@{self.ca_file}", "--cluster_name=fake")
        self.assertEqual(r.returncode, 0, r.describe())
        good = self.good_requests("basic")
        self.assertTrue(good)
        self.assertEqual({e["basic_user"] for e in good}, {self.kuser})
        c = self.describe_json("kp")
        self.assertEqual(c["auth_method"], "password")
        self.assertEqual(self.field(c, "password"), cli.HIDDEN)
        self.assertKubeVerified("kp")

    def test_wrong_password_refused(self):
        wrong = self.env.add_secret("kube-wrong-pw-" + secrets.token_hex(8), "wrong password")
        r = self.lk_fail("service-connector", "register", "kp", "--type", "kubernetes", "--auth-method", "password",
                         f"--server={self.kube.server}", f"--username={self.kuser}", f"--password={wrong}",
                         f"--certificate_authority=@{self.ca_file}", "--cluster_name=fake")
        self.assertOneLineError(r)
        self.assertNotRegistered()

    def test_insecure_without_ca(self):
        r = self.lk("service-connector", "register", "ki", "--type", "kubernetes", "--auth-method", "token",
                    f"--server={self.kube.server}", f"--token={self.token}", "--insecure=true",
                    "--cluster_name=fake")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertTrue(self.good_requests("bearer"))
        self.assertKubeVerified("ki")

    def test_wrong_token_refused(self):
        wrong = self.env.add_secret("kube-wrong-tok-" + secrets.token_hex(12), "wrong token")
        self.kube.clear_log()
        r = self.lk_fail("service-connector", "register", "kw", "--type", "kubernetes", "--auth-method", "token",
                         f"--server={self.kube.server}", f"--token={wrong}",
                         f"--certificate_authority=@{self.ca_file}", "--cluster_name=fake")
        self.assertOneLineError(r)
        self.assertNotRegistered()
        log = self.kube.requests()
        self.assertTrue(any(e.get("bearer_ok") is False for e in log), "the fake never saw the wrong token")
        self.assertFalse([e for e in log if e.get("status") == 200])

    def test_wrong_ca_refused(self):
        self.kube.clear_log()
        r = self.lk_fail("service-connector", "register", "kca", "--type", "kubernetes", "--auth-method", "token",
                         f"--server={self.kube.server}", f"--token={self.token}",
                         f"--certificate_authority=@{self.other_ca_file}", "--cluster_name=fake")
        self.assertOneLineError(r)
        self.assertNotRegistered()
        self.assertFalse([e for e in self.kube.requests() if e.get("status")],
                         "an HTTP request got through although the server's CA is not trusted")

    def test_no_ca_and_not_insecure_refused(self):
        # The fake's CA is not in the system trust store: TLS verification must fail.
        r = self.lk_fail("service-connector", "register", "kn", "--type", "kubernetes", "--auth-method", "token",
                         f"--server={self.kube.server}", f"--token={self.token}", "--cluster_name=fake")
        self.assertOneLineError(r)
        self.assertNotRegistered()
        self.assertFalse([e for e in self.kube.requests() if e.get("status")])

    # -- login -----------------------------------------------------------------
    def test_login_token_merges_kubeconfig(self):
        self.assertEqual(self.register_token("k").returncode, 0)
        self.preexisting_kubeconfig()
        r = self.lk_ok("service-connector", "login", "k")
        self.assertOtherContextSurvived()
        self.assertKubectlWorks("bearer")

    def test_login_client_cert_merges_kubeconfig(self):
        r = self.lk("service-connector", "register", "kc", "--type", "kubernetes", "--auth-method", "token",
                    f"--server={self.kube.server}", f"--certificate_authority=@{self.ca_file}",
                    f"--client_certificate=@{self.crt_file}", f"--client_key=@{self.key_file}",
                    "--cluster_name=fake")
        self.assertEqual(r.returncode, 0, r.describe())
        self.preexisting_kubeconfig()
        self.lk_ok("service-connector", "login", "kc")
        self.assertOtherContextSurvived()
        self.assertKubectlWorks("cert")

    def test_login_password_merges_kubeconfig(self):
        r = self.lk("service-connector", "register", "kp", "--type", "kubernetes", "--auth-method", "password",
                    f"--server={self.kube.server}", f"--username={self.kuser}", f"--password={self.kpass}",
                    f"--certificate_authority=@{self.ca_file}", "--cluster_name=fake")
        self.assertEqual(r.returncode, 0, r.describe())
        self.preexisting_kubeconfig()
        self.lk_ok("service-connector", "login", "kp")
        self.assertOtherContextSurvived()
        self.assertKubectlWorks("basic")

    def test_login_insecure_into_empty_kubeconfig(self):
        r = self.lk("service-connector", "register", "ki", "--type", "kubernetes", "--auth-method", "token",
                    f"--server={self.kube.server}", f"--token={self.token}", "--insecure=true",
                    "--cluster_name=fake")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertFalse(os.path.exists(self.env.kubeconfig))
        self.lk_ok("service-connector", "login", "ki")
        self.assertTrue(os.path.exists(self.env.kubeconfig))
        self.assertKubectlWorks("bearer")

    # -- auto-configure --------------------------------------------------------
    def _auto_configure(self, ctx_spec, auth):
        dead = f"https://127.0.0.1:{peers.free_port()}"
        peers.write_kubeconfig(self.env.kubeconfig, [
            {"name": "unrelated", "server": dead, "insecure": True,
             "token": self.env.add_secret("unrelated-tok-" + secrets.token_hex(8), "unrelated token")},
            dict(ctx_spec, name="fake-ctx", server=self.kube.server, ca_path=self.kube.ca_path),
        ], current="fake-ctx", env=self.env.client_env())
        self.kube.clear_log()
        r = self.lk("service-connector", "register", "auto", "--type", "kubernetes", "--auto-configure")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertTrue(self.good_requests(auth), "auto-configured credentials were not verified on the fake")
        shown = self.describe_json("auto", show_secrets=True)
        self.assertEqual(shown["connector_type"], "kubernetes")
        self.assertEqual(self.field(shown, "server"), self.kube.server)
        self.assertKubeVerified("auto")
        # Log in into a brand-new kubeconfig and use it with kubectl.
        fresh = os.path.join(self.env.root, "fresh-kubeconfig")
        self.lk_ok("service-connector", "login", "auto", env_extra={"KUBECONFIG": fresh})
        self.assertTrue(os.path.exists(fresh), "login did not honour $KUBECONFIG")
        self.assertKubectlWorks(auth, kubeconfig=fresh)
        return shown

    def test_auto_configure_token_context(self):
        shown = self._auto_configure({"token": self.token}, "bearer")
        self.assertEqual(self.field(shown, "token"), self.token)
        hidden = self.describe_json("auto")
        self.assertEqual(self.field(hidden, "token"), cli.HIDDEN)

    def test_auto_configure_client_cert_context(self):
        shown = self._auto_configure({"client_cert_path": self.kube.client_cert_path,
                                      "client_key_path": self.kube.client_key_path}, "cert")
        self.assertEqual(self.field(shown, "client_key").strip(), self.kube.client_key_pem.strip())


if __name__ == "__main__":
    unittest.main()
