"""Refreshing credentials for kubectl (exec credential plugin: `latchkey credentials kubernetes`)
and for docker clients (`docker-credential-latchkey` via config.json credHelpers), exercised by
the real clients: kubectl against the HTTPS fake API server, skopeo against docker-registry.

Both rotate the credential on the server side after `login` and show the client carrying on
with the new one, without logging in again.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_credential_protocols_kube_docker.py
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import peers  # noqa: E402

KUBECTL = peers.KUBECTL
BIN_DIR = os.path.dirname(os.path.abspath(cli.latchkey_bin()))
HELPER = os.path.join(BIN_DIR, "docker-credential-latchkey")


def utc_in(seconds: int) -> str:
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class KubectlExecPluginTest(cli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.env.add_secret("kube-tok-" + secrets.token_hex(16), "kube token")
        self.kube = self.enterContext(peers.kube_apiserver(token=self.token, client_cert=False))
        self.ca_file = self.env.write_input("ca.pem", self.kube.ca_pem)

    def kubectl(self, *args):
        return subprocess.run([KUBECTL, *args], capture_output=True, text=True, timeout=90,
                              env=self.tool_env())

    def tool_env(self):
        # No LATCHKEY_HOME: the exec plugin's arguments pin it.
        return {k: v for k, v in self.env.client_env().items() if not k.startswith("LATCHKEY_")}

    def bearer_statuses(self):
        return [e["status"] for e in self.kube.requests() if e.get("path") == "/api/v1/namespaces"]

    def test_credentials_command_prints_an_exec_credential(self):
        self.lk_ok("service-connector", "register", "k", "--type", "kubernetes", "--auth-method",
                   "token", f"--server={self.kube.server}", f"--token={self.token}",
                   f"--certificate_authority=@{self.ca_file}", "--cluster_name=fake",
                   "--expires-at", utc_in(3600))
        # Run as kubectl runs it (its output is the token, by design, so outside the leak scan).
        r = subprocess.run([cli.latchkey_bin(), "credentials", "kubernetes", "k"],
                           capture_output=True, text=True, timeout=60,
                           env=self.env.environ())
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual((doc["apiVersion"], doc["kind"]),
                         ("client.authentication.k8s.io/v1", "ExecCredential"))
        self.assertEqual(doc["status"]["token"], self.token)
        self.assertRegex(doc["status"]["expirationTimestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_kubectl_refreshes_the_token_after_it_expires(self):
        lifetime = 25
        self.lk_ok("service-connector", "register", "k", "--type", "kubernetes", "--auth-method",
                   "token", f"--server={self.kube.server}", f"--token={self.token}",
                   f"--certificate_authority=@{self.ca_file}", "--cluster_name=fake",
                   "--expires-at", utc_in(lifetime), "--expires-skew-tolerance", "0")
        out = self.lk_ok("service-connector", "login", "k", "-o", "json").json()
        self.assertTrue(out["refresh"], out)
        with open(self.env.kubeconfig) as f:
            kubeconfig = f.read()
        self.assertNotIn(self.token, kubeconfig, "a refreshing kubeconfig holds no token")
        user = json.loads(self.kubectl("config", "view", "-o", "json").stdout)["users"][0]["user"]
        self.assertEqual(user["exec"]["apiVersion"], "client.authentication.k8s.io/v1")
        self.assertEqual(user["exec"]["args"][:2], ["credentials", "kubernetes"])

        r = self.kubectl("get", "namespaces")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kube-system", r.stdout)

        # One long-lived client-go process: kubectl proxy caches the ExecCredential until its
        # expirationTimestamp.
        port = peers.free_port()
        proxy = subprocess.Popen([KUBECTL, "proxy", "--address=127.0.0.1", f"--port={port}"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=self.tool_env())
        self.addCleanup(peers.stop_process, proxy)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

        def via_proxy():
            for _ in range(100):
                try:
                    with opener.open(f"http://127.0.0.1:{port}/api/v1/namespaces", timeout=30) as resp:
                        return resp.status, json.load(resp)
                except urllib.error.HTTPError as e:
                    return e.code, None
                except urllib.error.URLError:
                    time.sleep(0.1)  # the proxy is still starting
            self.fail("kubectl proxy never answered")

        status, body = via_proxy()
        self.assertEqual(status, 200)
        self.assertIn("default", [i["metadata"]["name"] for i in body["items"]])

        # Rotation: the cluster accepts only a new token, and the connector holds it.
        new = self.env.add_secret("kube-tok2-" + secrets.token_hex(16), "rotated kube token")
        self.kube.rotate_token(new)
        self.lk_ok("service-connector", "update", "k", f"--token={new}", "--expires-at",
                   utc_in(3600))
        self.kube.clear_log()
        time.sleep(lifetime + 2)  # past the first ExecCredential's expirationTimestamp
        status, _ = via_proxy()
        self.assertEqual(status, 200, "the proxy did not fetch a fresh token after expiry")
        statuses = self.bearer_statuses()
        self.assertTrue(statuses)
        self.assertEqual(set(statuses), {200},
                         "client-go should refresh on expiry, before sending the old token")
        r = self.kubectl("get", "namespaces")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_password_connector_cannot_refresh(self):
        user, password = "kube-admin", self.env.add_secret("kube-pw-" + secrets.token_hex(8), "pw")
        kube = self.enterContext(peers.kube_apiserver(username=user, password=password,
                                                      client_cert=False))
        self.lk_ok("service-connector", "register", "kp", "--type", "kubernetes", "--auth-method",
                   "password", f"--server={kube.server}", f"--username={user}",
                   f"--password={password}",
                   f"--certificate_authority=@{self.env.write_input('ca2.pem', kube.ca_pem)}",
                   "--cluster_name=fake-pw")
        r = self.lk_fail("service-connector", "login", "kp", "--refresh")
        self.assertOneLineError(r, "--static")
        self.assertOneLineError(self.lk_fail("credentials", "kubernetes", "kp"), "password")


class DockerCredentialHelperTest(cli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.user = "dockeruser"
        self.password = self.env.add_secret("reg-pw-" + secrets.token_hex(12), "registry password")
        self.reg = self.enterContext(peers.docker_registry("htpasswd", self.user, self.password))
        self.image = self.reg.push_test_image()
        self.config_path = os.path.join(self.env.docker_config, "config.json")

    def tool_env(self, **extra):
        env = {k: v for k, v in self.env.client_env().items() if not k.startswith("LATCHKEY_")}
        env["LATCHKEY_HOME"] = self.env.latchkey_home  # helpers get only their caller's env
        env["PATH"] = BIN_DIR + os.pathsep + env.get("PATH", "")
        env.update(extra)
        return env

    def helper(self, action, stdin=""):
        return subprocess.run([HELPER, action], input=stdin, capture_output=True, text=True,
                              env=self.tool_env(), timeout=60)

    def skopeo_inspect(self):
        return subprocess.run(["skopeo", "inspect", "--tls-verify=false", "--authfile",
                               self.config_path, "docker://" + self.image],
                              capture_output=True, text=True, env=self.tool_env(), timeout=90)

    def register(self):
        self.lk_ok("service-connector", "register", "reg", "--type", "docker", "--auth-method",
                   "password", f"--username={self.user}", f"--password={self.password}",
                   f"--registry={self.reg.url}")

    def test_helper_protocol(self):
        self.assertTrue(os.path.islink(HELPER) or os.path.isfile(HELPER), HELPER)
        self.register()
        self.assertEqual(self.helper("get", self.reg.hostport).stdout.strip(),
                         "credentials not found in native keychain")
        self.lk_ok("service-connector", "login", "reg", "--refresh")
        got = self.helper("get", f"https://{self.reg.hostport}\n")
        self.assertEqual(got.returncode, 0, got.stdout + got.stderr)
        self.assertEqual(json.loads(got.stdout), {"ServerURL": f"https://{self.reg.hostport}",
                                                  "Username": self.user, "Secret": self.password})
        listing = self.helper("list")
        self.assertEqual(json.loads(listing.stdout), {self.reg.hostport: "reg"})
        other = self.helper("get", "registry.example.invalid")
        self.assertEqual((other.returncode, other.stdout.strip()),
                         (1, "credentials not found in native keychain"))
        store = self.helper("store", json.dumps({"ServerURL": self.reg.hostport,
                                                 "Username": "u", "Secret": "s3cr3t-value"}))
        self.assertEqual(store.returncode, 1)
        self.assertIn("does not store", store.stdout)
        version = self.helper("version")
        self.assertEqual(version.returncode, 0)
        self.assertIn("latchkey", version.stdout)
        self.assertEqual(self.helper("erase", self.reg.hostport).returncode, 0)
        self.assertEqual(self.helper("get", self.reg.hostport).returncode, 1)
        self.assertEqual(self.helper("erase", self.reg.hostport).returncode, 1)

    def test_skopeo_uses_the_helper_and_survives_a_password_rotation(self):
        self.register()
        with open(self.config_path, "w") as f:
            json.dump({"auths": {self.reg.hostport: {"auth": "c3RhbGU6b2xk"}},
                       "credHelpers": {"gcr.io": "gcloud"}, "experimental": "enabled"}, f)
        out = self.lk_ok("service-connector", "login", "reg", "--refresh", "-o", "json").json()
        self.assertTrue(out["refresh"])
        with open(self.config_path) as f:
            cfg = json.load(f)
        self.assertEqual(cfg["credHelpers"], {"gcr.io": "gcloud", self.reg.hostport: "latchkey"})
        self.assertNotIn(self.reg.hostport, cfg.get("auths", {}), "stale static login left behind")
        self.assertEqual(cfg["experimental"], "enabled")
        s = self.skopeo_inspect()
        self.assertEqual(s.returncode, 0, s.stderr)
        self.assertIn("Digest", s.stdout)

        new = self.env.add_secret("reg-pw2-" + secrets.token_hex(12), "new registry password")
        self.reg.set_password(new)
        self.assertNotEqual(self.skopeo_inspect().returncode, 0, "the old password still works")
        self.lk_ok("service-connector", "update", "reg", f"--password={new}")
        s = self.skopeo_inspect()  # no new login
        self.assertEqual(s.returncode, 0, s.stderr)

        # A static login afterwards takes the helper out again, so its entry is read.
        self.lk_ok("service-connector", "login", "reg", "--static")
        with open(self.config_path) as f:
            cfg = json.load(f)
        self.assertEqual(cfg["credHelpers"], {"gcr.io": "gcloud"})
        self.assertIn(self.reg.hostport, cfg["auths"])

    def test_auto_login_of_a_password_connector_stays_static(self):
        self.register()
        out = self.lk_ok("service-connector", "login", "reg", "-o", "json").json()
        self.assertFalse(out["refresh"])
        with open(self.config_path) as f:
            self.assertIn(self.reg.hostport, json.load(f)["auths"])


if __name__ == "__main__":
    unittest.main()
