"""Self-test of the test peers: each one starts, refuses wrong credentials,
accepts the right ones, and is gone after it is stopped.

    python3 -m unittest tests/integration/test_peers.py -v
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url, headers=None, context=None):
    """Returns (status, headers, body) without raising on HTTP errors."""
    req = urllib.request.Request(url, headers=headers or {})
    handlers = [urllib.request.ProxyHandler({})]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def basic(user, pw):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()}


def port_closed(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def pid_gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still "exists"; Popen.wait() in stop() reaps it, so this is a real process.
    return False


class RegistryHtpasswdTest(unittest.TestCase):
    def test_htpasswd_registry(self):
        with peers.docker_registry("htpasswd", "alice", "pw-htpasswd-1") as reg:
            pid, port = reg.proc.pid, reg.port
            self.assertEqual(reg.url, f"http://127.0.0.1:{port}")
            self.assertEqual(reg.hostport, f"127.0.0.1:{port}")
            # Loopback only: the registry config binds 127.0.0.1.
            with open(os.path.join(reg.workdir, "config.yml")) as f:
                self.assertIn(f"addr: 127.0.0.1:{port}", f.read())
            st, hdrs, _ = http_get(reg.url + "/v2/")
            self.assertEqual(st, 401)
            self.assertIn("Basic", hdrs.get("WWW-Authenticate", ""))
            st, _, _ = http_get(reg.url + "/v2/", basic("alice", "wrong"))
            self.assertEqual(st, 401)
            st, _, _ = http_get(reg.url + "/v2/", basic("mallory", "pw-htpasswd-1"))
            self.assertEqual(st, 401)
            st, _, _ = http_get(reg.url + "/v2/", basic("alice", "pw-htpasswd-1"))
            self.assertEqual(st, 200)
            ref = reg.push_test_image()
            self.assertEqual(ref, f"{reg.hostport}/test/hello:1")
            st, _, body = http_get(reg.url + "/v2/_catalog", basic("alice", "pw-htpasswd-1"))
            self.assertEqual(st, 200)
            self.assertIn("test/hello", json.loads(body)["repositories"])
            st, _, body = http_get(reg.url + "/v2/test/hello/tags/list", basic("alice", "pw-htpasswd-1"))
            self.assertEqual(json.loads(body)["tags"], ["1"])
            # Password rotation is picked up by the running registry.
            reg.set_password("pw-htpasswd-2")
            st, _, _ = http_get(reg.url + "/v2/", basic("alice", "pw-htpasswd-1"))
            self.assertEqual(st, 401)
            st, _, _ = http_get(reg.url + "/v2/", basic("alice", "pw-htpasswd-2"))
            self.assertEqual(st, 200)
        self.assertTrue(pid_gone(pid), "registry process still alive after stop")
        self.assertTrue(port_closed(port))


class RegistryTokenTest(unittest.TestCase):
    def _token(self, reg, user, pw, scope):
        q = urllib.parse.urlencode({"service": reg.service, "scope": scope})
        return http_get(f"{reg.token_url}?{q}", basic(user, pw))

    def test_token_registry(self):
        with peers.docker_registry("token", "bob", "pw-token-1") as reg:
            pid, tpid, port = reg.proc.pid, reg.token_proc.pid, reg.port
            st, hdrs, _ = http_get(reg.url + "/v2/")
            self.assertEqual(st, 401)
            challenge = hdrs.get("WWW-Authenticate", "")
            self.assertIn("Bearer", challenge)
            self.assertIn(reg.token_url, challenge)
            # Wrong credentials at the token server -> 401.
            st, _, _ = self._token(reg, "bob", "nope", "registry:catalog:*")
            self.assertEqual(st, 401)
            st, _, _ = http_get(f"{reg.token_url}?service={reg.service}")
            self.assertEqual(st, 401)
            # Right credentials -> token accepted by the registry.
            st, _, body = self._token(reg, "bob", "pw-token-1", "registry:catalog:*")
            self.assertEqual(st, 200)
            doc = json.loads(body)
            for k in ("token", "access_token", "expires_in", "issued_at"):
                self.assertIn(k, doc)
            header = json.loads(base64.urlsafe_b64decode(doc["token"].split(".")[0] + "=="))
            self.assertEqual(header["alg"], "RS256")
            self.assertEqual(len(header["kid"].split(":")), 12)
            claims = json.loads(base64.urlsafe_b64decode(doc["token"].split(".")[1] + "=="))
            self.assertEqual(claims["aud"], reg.service)
            self.assertEqual(claims["sub"], "bob")
            self.assertEqual(claims["access"], [{"type": "registry", "name": "catalog", "actions": ["*"]}])
            st, _, _ = http_get(reg.url + "/v2/_catalog", {"Authorization": "Bearer " + doc["token"]})
            self.assertEqual(st, 200)
            # A forged token (payload altered) is refused by the registry itself.
            parts = doc["token"].split(".")
            forged_claims = dict(claims, sub="mallory")
            parts[1] = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).rstrip(b"=").decode()
            st, _, _ = http_get(reg.url + "/v2/_catalog", {"Authorization": "Bearer " + ".".join(parts)})
            self.assertEqual(st, 401)
            # Pushing through the token flow works (skopeo does the dance).
            reg.push_test_image()
            st, _, body = self._token(reg, "bob", "pw-token-1", "repository:test/hello:pull")
            tok = json.loads(body)["token"]
            st, _, body = http_get(reg.url + "/v2/test/hello/tags/list", {"Authorization": "Bearer " + tok})
            self.assertEqual(st, 200)
            self.assertEqual(json.loads(body)["tags"], ["1"])
            # Password change at the token server takes effect immediately.
            reg.set_token_users({"bob": "pw-token-2"})
            st, _, _ = self._token(reg, "bob", "pw-token-1", "registry:catalog:*")
            self.assertEqual(st, 401)
            st, _, _ = self._token(reg, "bob", "pw-token-2", "registry:catalog:*")
            self.assertEqual(st, 200)
            log = reg.token_requests()
            self.assertTrue(any(e["status"] == 401 for e in log))
            self.assertTrue(any(e["status"] == 200 for e in log))
            self.assertNotIn("pw-token-1", json.dumps(log))
        self.assertTrue(pid_gone(pid))
        self.assertTrue(pid_gone(tpid))
        self.assertTrue(port_closed(port))


class SkopeoAndDockerClientTest(unittest.TestCase):
    """The real clients read config.json `auths` against both registry modes."""

    def _check(self, mode):
        with peers.docker_registry(mode, "carol", "pw-client-1") as reg:
            reg.push_test_image()
            d = tempfile.mkdtemp(prefix="lk-peer-cfg-")
            self.addCleanup(shutil.rmtree, d, True)
            cfg = os.path.join(d, "config.json")
            env = reg.skopeo_env(d)
            image = f"{reg.hostport}/test/hello:1"

            def write(user, pw):
                with open(cfg, "w") as f:
                    json.dump({"auths": {reg.hostport: {"auth": base64.b64encode(f"{user}:{pw}".encode()).decode()}}}, f)

            def skopeo():
                return subprocess.run(["skopeo", "inspect", "--tls-verify=false", "--authfile", cfg,
                                       "docker://" + image], capture_output=True, env=env, timeout=60)

            def docker():
                return subprocess.run(["docker", "--config", d, "manifest", "inspect", "--insecure", image],
                                      capture_output=True, env=env, timeout=60)

            write("carol", "wrong")
            self.assertNotEqual(skopeo().returncode, 0)
            self.assertNotEqual(docker().returncode, 0)
            write("carol", "pw-client-1")
            r = skopeo()
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)["Name"], f"{reg.hostport}/test/hello")
            r = docker()
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)["schemaVersion"], 2)

    def test_htpasswd_clients(self):
        self._check("htpasswd")

    def test_token_clients(self):
        self._check("token")


class FakeKubeTest(unittest.TestCase):
    def test_kube_apiserver_auth(self):
        with peers.kube_apiserver(token="tok-peer-1", username="kuser", password="kpw-peer-1") as kube:
            pid, port = kube.proc.pid, kube.port
            self.assertEqual(kube.server, f"https://127.0.0.1:{port}")
            self.assertIn("BEGIN CERTIFICATE", kube.ca_pem)
            self.assertIn("PRIVATE KEY", kube.client_key_pem)
            ctx = ssl.create_default_context(cafile=kube.ca_path)
            # Unauthenticated -> 401 Status, also on /version.
            for path in ("/version", "/api", "/api/v1/namespaces"):
                st, _, body = http_get(kube.server + path, context=ctx)
                self.assertEqual(st, 401, path)
                self.assertEqual(json.loads(body)["kind"], "Status")
            st, _, _ = http_get(kube.server + "/version", {"Authorization": "Bearer wrong"}, ctx)
            self.assertEqual(st, 401)
            st, _, _ = http_get(kube.server + "/version", basic("kuser", "wrong"), ctx)
            self.assertEqual(st, 401)
            # Right credentials.
            st, _, body = http_get(kube.server + "/version", {"Authorization": "Bearer tok-peer-1"}, ctx)
            self.assertEqual(st, 200)
            self.assertEqual(json.loads(body)["gitVersion"], "v1.32.0")
            st, _, body = http_get(kube.server + "/api/v1/namespaces", basic("kuser", "kpw-peer-1"), ctx)
            self.assertEqual(st, 200)
            self.assertIn("default", [i["metadata"]["name"] for i in json.loads(body)["items"]])
            cctx = ssl.create_default_context(cafile=kube.ca_path)
            cctx.load_cert_chain(kube.client_cert_path, kube.client_key_path)
            st, _, _ = http_get(kube.server + "/apis", context=cctx)
            self.assertEqual(st, 200)
            # Server cert is not trusted without the fake's CA.
            with self.assertRaises(urllib.error.URLError):
                http_get(kube.server + "/version", {"Authorization": "Bearer tok-peer-1"},
                         ssl.create_default_context())
            # A client certificate from another CA fails the handshake.
            other = peers.CertAuthority(tempfile.mkdtemp(prefix="lk-otherca-"), "other-ca")
            self.addCleanup(shutil.rmtree, other.directory, True)
            ocrt, okey = other.issue("intruder", "test-user")
            octx = ssl.create_default_context(cafile=kube.ca_path)
            octx.load_cert_chain(ocrt, okey)
            with self.assertRaises((urllib.error.URLError, ssl.SSLError, ConnectionError)):
                st, _, _ = http_get(kube.server + "/version", context=octx)
                # TLS 1.3 may report the rejection only when reading; a 401/200 here is a failure.
                raise AssertionError(f"foreign client cert got HTTP {st}")
            log = kube.requests()
            auths = [e.get("auth") for e in log if e.get("status")]
            self.assertIn("bearer", auths)
            self.assertIn("basic", auths)
            self.assertIn("cert", auths)
            self.assertNotIn("tok-peer-1", json.dumps(log))
            self.assertNotIn("kpw-peer-1", json.dumps(log))
        self.assertTrue(pid_gone(pid))
        self.assertTrue(port_closed(port))

    def test_kubectl_against_fake(self):
        with peers.kube_apiserver(token="tok-peer-2", client_cert=True) as kube:
            d = tempfile.mkdtemp(prefix="lk-kubectl-")
            self.addCleanup(shutil.rmtree, d, True)
            kcfg = os.path.join(d, "kubeconfig")
            env = peers.clean_env({"HOME": d, "KUBECONFIG": kcfg})
            peers.write_kubeconfig(kcfg, [
                {"name": "tok", "server": kube.server, "ca_path": kube.ca_path, "token": "tok-peer-2"},
                {"name": "crt", "server": kube.server, "ca_path": kube.ca_path,
                 "client_cert_path": kube.client_cert_path, "client_key_path": kube.client_key_path},
                {"name": "bad", "server": kube.server, "ca_path": kube.ca_path, "token": "nope"},
            ], current="tok", env=env)
            for ctx in ("tok", "crt"):
                r = subprocess.run(["kubectl", "--kubeconfig", kcfg, "--context", ctx, "get", "namespaces"],
                                   capture_output=True, text=True, env=env, timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("default", r.stdout)
                r = subprocess.run(["kubectl", "--kubeconfig", kcfg, "--context", ctx, "version"],
                                   capture_output=True, text=True, env=env, timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("Server Version: v1.32.0", r.stdout)
            r = subprocess.run(["kubectl", "--kubeconfig", kcfg, "--context", "bad", "get", "namespaces"],
                               capture_output=True, text=True, env=env, timeout=60)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Unauthorized", r.stderr)


class CertAuthorityTest(unittest.TestCase):
    def test_distinct_cas(self):
        d = tempfile.mkdtemp(prefix="lk-ca-")
        self.addCleanup(shutil.rmtree, d, True)
        a = peers.CertAuthority(os.path.join(d, "a"), "ca-a")
        b = peers.CertAuthority(os.path.join(d, "b"), "ca-b")
        self.assertNotEqual(a.cert_pem, b.cert_pem)
        crt, _ = a.issue("leaf", "127.0.0.1", server=True)
        ok = subprocess.run(["openssl", "verify", "-CAfile", a.cert_path, crt], capture_output=True)
        bad = subprocess.run(["openssl", "verify", "-CAfile", b.cert_path, crt], capture_output=True)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertNotEqual(bad.returncode, 0)


if __name__ == "__main__":
    unittest.main()
