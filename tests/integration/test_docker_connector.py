"""Docker service connector against a real docker-registry (htpasswd and token auth).

    python3 -m unittest tests/integration/test_docker_connector.py -v

Real clients used afterwards: skopeo (reads config.json via --authfile) and the
docker CLI client, which needs no engine for `docker manifest inspect
--insecure` against an http registry (verified on this machine image).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import peers  # noqa: E402


class DockerConnectorMixin:
    AUTH = "htpasswd"

    def setUp(self):
        super().setUp()
        self.user = "dockeruser"
        self.password = self.env.add_secret("reg-pw-" + secrets.token_hex(12), "registry password")
        self.reg = self.enterContext(peers.docker_registry(self.AUTH, self.user, self.password))
        self.image = self.reg.push_test_image()  # 127.0.0.1:PORT/test/hello:1

    # -- helpers ---------------------------------------------------------------
    def register(self, name="reg", password=None, *extra):
        return self.lk("service-connector", "register", name, "--type", "docker",
                       "--auth-method", "password", f"--username={self.user}",
                       f"--password={password if password is not None else self.password}",
                       f"--registry={self.reg.url}", *extra)

    def successful_registry_calls(self, since=0):
        if self.AUTH == "token":
            return [e for e in self.reg.token_requests()[since:] if e["status"] == 200 and e["user"] == self.user]
        return [e for e in self.reg.access_log()[since:] if e["status"] == 200]

    def skopeo_inspect(self, authfile, image=None):
        return subprocess.run(["skopeo", "inspect", "--tls-verify=false", "--authfile", authfile,
                               "docker://" + (image or self.image)],
                              capture_output=True, text=True, env=self.env.client_env(), timeout=90)

    def docker_config_path(self):
        return os.path.join(self.env.docker_config, "config.json")

    # -- tests -----------------------------------------------------------------
    def test_register_verifies_and_lists(self):
        before = len(self.reg.token_requests() if self.AUTH == "token" else self.reg.access_log())
        r = self.register("reg")
        self.assertEqual(r.returncode, 0, r.describe())
        # A table of reached resources.
        self.assertIn("docker-registry", r.stdout, r.describe())
        self.assertIn(self.reg.hostport, r.stdout, r.describe())
        # Verification really talked to the registry with valid credentials.
        self.assertTrue(self.successful_registry_calls(before),
                        "register reported success without an authenticated call reaching the registry")
        conns = self.list_connectors()
        self.assertEqual(len(conns), 1, json.dumps(conns))
        c = conns[0]
        self.assertConnectorShape(c)
        self.assertEqual(c["name"], "reg")
        self.assertEqual(c["connector_type"], "docker")
        self.assertEqual(c["auth_method"], "password")
        self.assertEqual(c["resource_types"], ["docker-registry"])
        self.assertEqual(self.field(c, "password"), cli.HIDDEN)
        self.assertIn(self.reg.hostport, json.dumps(self.field(c, "registry")))
        self.assertTrue(c["id"])

    def test_wrong_password_is_refused_and_not_registered(self):
        wrong = self.env.add_secret("wrong-pw-" + secrets.token_hex(10), "wrong password")
        before = len(self.reg.token_requests() if self.AUTH == "token" else self.reg.access_log())
        r = self.lk_fail("service-connector", "register", "bad", "--type", "docker", "--auth-method", "password",
                         f"--username={self.user}", f"--password={wrong}", f"--registry={self.reg.url}")
        self.assertOneLineError(r)
        self.assertEqual(self.list_connectors(), [])
        self.lk_fail("service-connector", "describe", "bad")
        # It was refused by the registry, not short-circuited.
        if self.AUTH == "token":
            self.assertTrue([e for e in self.reg.token_requests()[before:] if e["status"] == 401],
                            "token server never saw the wrong password")
        else:
            self.assertIn(self.user, self.reg.failed_logins())

    def test_unreachable_registry_is_refused(self):
        port = peers.free_port()
        r = self.lk_fail("service-connector", "register", "gone", "--type", "docker", "--auth-method", "password",
                         f"--username={self.user}", f"--password={self.password}",
                         f"--registry=http://127.0.0.1:{port}")
        self.assertOneLineError(r)
        self.assertEqual(self.list_connectors(), [])

    def test_no_verify_registers_and_verify_reports_error(self):
        wrong = self.env.add_secret("nv-wrong-" + secrets.token_hex(10), "wrong password")
        self.lk_ok("service-connector", "register", "nv", "--type", "docker", "--auth-method", "password",
                   f"--username={self.user}", f"--password={wrong}", f"--registry={self.reg.url}",
                   "--no-verify")
        self.assertEqual(self.connector_names(), ["nv"])
        self.assertVerifyFailed(self.verify_json("nv"))

    def test_password_from_file(self):
        path = self.env.write_input("pw.txt", self.password)
        r = self.lk("service-connector", "register", "fromfile", "--type", "docker", "--auth-method", "password",
                    f"--username={self.user}", f"--password=@{path}", f"--registry={self.reg.url}")
        self.assertEqual(r.returncode, 0, r.describe())
        c = self.describe_json("fromfile", show_secrets=True)
        self.assertEqual(self.field(c, "password"), self.password)

    def test_describe_hides_secrets_unless_asked(self):
        self.assertEqual(self.register("d").returncode, 0)
        c = self.describe_json("d")
        self.assertConnectorShape(c)
        self.assertEqual(self.field(c, "password"), cli.HIDDEN)
        text = self.lk_ok("service-connector", "describe", "d")
        self.assertIn(cli.HIDDEN, text.stdout)
        self.assertIn("d", text.stdout)
        shown = self.describe_json("d", show_secrets=True)
        self.assertEqual(self.field(shown, "password"), self.password)
        self.assertEqual(self.field(shown, "username"), self.user)
        shown_text = self.lk_ok("service-connector", "describe", "d", "--show-secrets")
        self.assertIn(self.password, shown_text.stdout)

    def test_verify_and_list_resources_json(self):
        self.assertEqual(self.register("v").returncode, 0)
        data = self.verify_json("v")
        self.assertEqual(data["name"], "v")
        self.assertEqual(data["connector_type"], "docker")
        self.assertVerifyOk(data, "docker-registry", self.reg.hostport)
        # Text verify shows the reached registry too.
        text = self.lk_ok("service-connector", "verify", "v")
        self.assertIn(self.reg.hostport, text.stdout)
        lr = self.lk_json("service-connector", "list-resources")
        self.assertIsInstance(lr, list)
        entry = [e for e in lr if e.get("name") == "v"]
        self.assertEqual(len(entry), 1, json.dumps(lr))
        for k in cli.VERIFY_KEYS:
            self.assertIn(k, entry[0])
        self.assertIsNone(entry[0]["error"])
        ids = [i for res in entry[0]["resources"] for i in res["resource_ids"]]
        self.assertTrue(any(self.reg.hostport in str(i) for i in ids), json.dumps(lr))

    def test_verify_detects_revoked_credentials(self):
        self.assertEqual(self.register("rv").returncode, 0)
        self.assertVerifyOk(self.verify_json("rv"), "docker-registry")
        self.reg.set_password(self.env.add_secret("rotated-" + secrets.token_hex(8), "rotated password"))
        self.assertVerifyFailed(self.verify_json("rv"))

    def test_update_password_reverifies(self):
        self.assertEqual(self.register("up").returncode, 0)
        wrong = self.env.add_secret("upd-wrong-" + secrets.token_hex(10), "wrong password")
        r = self.lk_fail("service-connector", "update", "up", f"--password={wrong}")
        self.assertOneLineError(r)
        # Refused update leaves the stored credentials as they were.
        self.assertEqual(self.field(self.describe_json("up", show_secrets=True), "password"), self.password)
        # Real rotation: the registry now only accepts a new password.
        new = self.env.add_secret("reg-pw2-" + secrets.token_hex(12), "new registry password")
        self.reg.set_password(new)
        self.assertVerifyFailed(self.verify_json("up"))
        r = self.lk("service-connector", "update", "up", f"--password={new}")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertEqual(self.field(self.describe_json("up", show_secrets=True), "password"), new)
        self.assertVerifyOk(self.verify_json("up"), "docker-registry", self.reg.hostport)
        self.lk_ok("service-connector", "login", "up")
        with open(self.docker_config_path()) as f:
            auth = json.load(f)["auths"][self.reg.hostport]["auth"]
        self.assertEqual(base64.b64decode(auth).decode(), f"{self.user}:{new}")
        s = self.skopeo_inspect(self.docker_config_path())
        self.assertEqual(s.returncode, 0, s.stderr)

    def test_login_writes_docker_config_and_real_clients_work(self):
        self.assertEqual(self.register("li").returncode, 0)
        other_auth = base64.b64encode(b"someone:elses-credential").decode()
        pre = {
            "auths": {"registry.example.invalid": {"auth": other_auth}},
            "psFormat": "table {{.ID}}\t{{.Names}}",
            "experimental": "enabled",
            "proxies": {"default": {"noProxy": "127.0.0.1"}},
        }
        with open(self.docker_config_path(), "w") as f:
            json.dump(pre, f)
        # Negative control: without the login the registry refuses skopeo.
        empty = os.path.join(self.env.root, "empty-auth.json")
        with open(empty, "w") as f:
            json.dump({"auths": {}}, f)
        self.assertNotEqual(self.skopeo_inspect(empty).returncode, 0, "registry accepted anonymous access")

        r = self.lk_ok("service-connector", "login", "li")
        with open(self.docker_config_path()) as f:
            cfg = json.load(f)
        # Our entry...
        self.assertIn(self.reg.hostport, cfg["auths"], json.dumps(cfg))
        entry = cfg["auths"][self.reg.hostport]
        self.assertEqual(base64.b64decode(entry["auth"]).decode(), f"{self.user}:{self.password}")
        # ...and everything that was there before survives.
        self.assertEqual(cfg["auths"]["registry.example.invalid"], {"auth": other_auth})
        for k in ("psFormat", "experimental", "proxies"):
            self.assertEqual(cfg[k], pre[k], k)
        self.assertNotIn(self.password, r.stdout + r.stderr)

        # skopeo reads the file.
        s = self.skopeo_inspect(self.docker_config_path())
        self.assertEqual(s.returncode, 0, s.stderr)
        self.assertEqual(json.loads(s.stdout)["Name"], f"{self.reg.hostport}/test/hello")
        # skopeo can also push with it (copy to a new tag).
        layout = peers.build_oci_layout(os.path.join(self.env.root, "oci"), tag="2", message="second\n")
        c = subprocess.run(["skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                            "--dest-authfile", self.docker_config_path(), layout["ref"],
                            f"docker://{self.reg.hostport}/test/hello:2"],
                           capture_output=True, text=True, env=self.env.client_env(), timeout=120)
        self.assertEqual(c.returncode, 0, c.stderr)
        self.assertEqual(self.skopeo_inspect(self.docker_config_path(),
                                             f"{self.reg.hostport}/test/hello:2").returncode, 0)
        # The docker CLI client (no engine needed for manifest inspect; --insecure allows http).
        d = subprocess.run(["docker", "--config", self.env.docker_config, "manifest", "inspect", "--insecure",
                            self.image], capture_output=True, text=True, env=self.env.client_env(), timeout=90)
        self.assertEqual(d.returncode, 0, d.stderr)
        self.assertEqual(json.loads(d.stdout)["schemaVersion"], 2)

    def test_login_creates_config_when_absent(self):
        self.assertEqual(self.register("fresh").returncode, 0)
        self.assertFalse(os.path.exists(self.docker_config_path()))
        self.lk_ok("service-connector", "login", "fresh")
        with open(self.docker_config_path()) as f:
            cfg = json.load(f)
        self.assertEqual(base64.b64decode(cfg["auths"][self.reg.hostport]["auth"]).decode(),
                         f"{self.user}:{self.password}")
        self.assertEqual(self.skopeo_inspect(self.docker_config_path()).returncode, 0)

    def test_delete(self):
        self.assertEqual(self.register("gone").returncode, 0)
        self.lk_ok("service-connector", "delete", "gone")
        self.assertEqual(self.list_connectors(), [])
        self.lk_fail("service-connector", "describe", "gone")
        self.lk_fail("service-connector", "login", "gone")
        self.lk_fail("service-connector", "delete", "gone")


class DockerHtpasswdTest(DockerConnectorMixin, cli.CliTestCase):
    AUTH = "htpasswd"


class DockerTokenAuthTest(DockerConnectorMixin, cli.CliTestCase):
    AUTH = "token"


if __name__ == "__main__":
    unittest.main()
