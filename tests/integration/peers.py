"""Test peers for Latchkey's integration tests (importable helper module).

  docker_registry(auth="htpasswd"|"token", username, password)
      -> a real Debian docker-registry 2.8 on 127.0.0.1 (tests/peers/docker_registry.py),
         in token mode fronted by tests/fakes/registry_token_server.py.
  kube_apiserver(token=None, username=None, password=None, client_cert=True)
      -> tests/fakes/fake_kube_apiserver.py over HTTPS with a throwaway CA.
  CertAuthority(directory, name)
      -> a throwaway CA made with the openssl CLI (also used for "wrong CA" tests).

All servers bind 127.0.0.1 on free ports, keep their state in temp dirs and
are stopped by their own PID when the context manager exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
PEERS_DIR = os.path.join(TESTS_DIR, "peers")
FAKES_DIR = os.path.join(TESTS_DIR, "fakes")
if PEERS_DIR not in sys.path:
    sys.path.insert(0, PEERS_DIR)

import docker_registry as _dr  # noqa: E402  (tests/peers/docker_registry.py)

DockerRegistry = _dr.DockerRegistry
build_oci_layout = _dr.build_oci_layout
stop_process = _dr.stop_process
free_port = _dr.free_port
clean_env = _dr._clean_env

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
KUBE_FAKE = os.path.join(FAKES_DIR, "fake_kube_apiserver.py")


@contextlib.contextmanager
def docker_registry(auth: str = "htpasswd", username: str = "tester", password: str | None = None):
    """Start a real docker-registry; yields a DockerRegistry (.url, .hostport, .push_test_image())."""
    if password is None:
        password = "reg-pw-" + secrets.token_hex(12)
    reg = DockerRegistry(auth=auth, username=username, password=password)
    reg.start()
    try:
        yield reg
    finally:
        reg.stop()


# ---------------------------------------------------------------------------
# Throwaway certificate authority (openssl CLI)
# ---------------------------------------------------------------------------

def _openssl(*args: str) -> None:
    r = subprocess.run([OPENSSL, *args], capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args[:2])} failed: {r.stderr.decode(errors='replace')}")


class CertAuthority:
    """A throwaway CA in ``directory``: ``.cert_path``, ``.key_path``, ``.cert_pem``."""

    def __init__(self, directory: str, name: str = "latchkey-test-ca"):
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self.name = name
        self.key_path = os.path.join(directory, f"{name}.key")
        self.cert_path = os.path.join(directory, f"{name}.crt")
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                 "-keyout", self.key_path, "-out", self.cert_path, "-days", "3",
                 "-subj", f"/CN={name}-{secrets.token_hex(4)}",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                 "-addext", "subjectKeyIdentifier=hash")
        os.chmod(self.key_path, 0o600)
        with open(self.cert_path) as f:
            self.cert_pem = f.read()

    def issue(self, stem: str, cn: str, *, server: bool = False, org: str | None = None,
              san: str = "IP:127.0.0.1,DNS:localhost") -> tuple[str, str]:
        """Issue a leaf certificate; returns (cert_path, key_path). `san`: a server's names."""
        key = os.path.join(self.directory, f"{stem}.key")
        csr = os.path.join(self.directory, f"{stem}.csr")
        crt = os.path.join(self.directory, f"{stem}.crt")
        ext = os.path.join(self.directory, f"{stem}.ext")
        subj = f"/CN={cn}" + (f"/O={org}" if org else "")
        _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-keyout", key,
                 "-out", csr, "-subj", subj)
        lines = ["basicConstraints=critical,CA:FALSE",
                 "subjectKeyIdentifier=hash",
                 "authorityKeyIdentifier=keyid"]
        if server:
            lines += ["keyUsage=critical,digitalSignature,keyEncipherment",
                      "extendedKeyUsage=serverAuth",
                      f"subjectAltName={san}"]
        else:
            lines += ["keyUsage=critical,digitalSignature,keyEncipherment",
                      "extendedKeyUsage=clientAuth"]
        with open(ext, "w") as f:
            f.write("\n".join(lines) + "\n")
        _openssl("x509", "-req", "-in", csr, "-CA", self.cert_path, "-CAkey", self.key_path,
                 "-set_serial", str(int.from_bytes(os.urandom(8), "big")), "-days", "2",
                 "-sha256", "-extfile", ext, "-out", crt)
        os.chmod(key, 0o600)
        os.remove(csr)
        return crt, key


# ---------------------------------------------------------------------------
# Fake Kubernetes API server
# ---------------------------------------------------------------------------

class FakeKubeApiserver:
    """Handle on a running fake_kube_apiserver.py.

    ``.server`` ("https://127.0.0.1:PORT"), ``.port``, ``.ca_pem``, ``.ca_path``,
    ``.token``, ``.username``, ``.password``, and when client_cert=True:
    ``.client_cert_pem``, ``.client_key_pem``, ``.client_cert_path``, ``.client_key_path``
    (CN=test-user, signed by the same CA). ``requests()`` returns the request log.
    """

    def __init__(self, token=None, username=None, password=None, client_cert=True,
                 google_tokeninfo_url=None, google_allowed_emails=()):
        self.token = token
        self.google_tokeninfo_url = google_tokeninfo_url
        self.google_allowed_emails = list(google_allowed_emails)
        self.username = username
        self.password = password
        self.workdir = tempfile.mkdtemp(prefix="lk-kube-")
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.workdir, "requests.jsonl")
        self.client_cert_pem = self.client_key_pem = None
        self.client_cert_path = self.client_key_path = None
        self._stderr = None
        self.ca = CertAuthority(os.path.join(self.workdir, "pki"), "fake-kube-ca")
        self.ca_path = self.ca.cert_path
        self.ca_pem = self.ca.cert_pem
        self.server_cert_path, self.server_key_path = self.ca.issue("apiserver", "127.0.0.1", server=True)
        self.client_cert = client_cert
        if client_cert:
            self.client_cert_path, self.client_key_path = self.ca.issue(
                "client", "test-user", org="latchkey-testers")
            with open(self.client_cert_path) as f:
                self.client_cert_pem = f.read()
            with open(self.client_key_path) as f:
                self.client_key_pem = f.read()

    @property
    def server(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def rotate_token(self, token: str, timeout: float = 10) -> None:
        """From now on only ``token`` authenticates (the old one gets 401)."""
        import signal
        import ssl
        import urllib.error
        import urllib.request
        old, self.token = self.token, token
        p = os.path.join(self.workdir, "token")
        with open(p + ".tmp", "w") as f:
            f.write(token)
        os.replace(p + ".tmp", p)
        os.kill(self.proc.pid, signal.SIGHUP)
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=self.ca_path)))
        deadline = time.time() + timeout
        while time.time() < deadline:  # the reload is asynchronous: wait until the old one fails
            try:
                opener.open(urllib.request.Request(
                    self.server + "/version", headers={"Authorization": "Bearer " + old}), timeout=5)
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    return
            time.sleep(0.05)
        raise RuntimeError("fake kube-apiserver did not reload its token")

    def start(self) -> "FakeKubeApiserver":
        ready = os.path.join(self.workdir, "port")
        cmd = [sys.executable, KUBE_FAKE, "--port", "0", "--cert", self.server_cert_path,
               "--key", self.server_key_path, "--log", self.log_path, "--ready-file", ready]
        if self.client_cert:
            cmd += ["--client-ca", self.ca_path]
        if self.token is not None:
            p = os.path.join(self.workdir, "token")
            with open(p, "w") as f:
                f.write(self.token)
            cmd += ["--token-file", p]
        if self.google_tokeninfo_url:
            cmd += ["--google-tokeninfo-url", self.google_tokeninfo_url]
            for email in self.google_allowed_emails:
                cmd += ["--google-allowed-email", email]
        if self.username is not None:
            p = os.path.join(self.workdir, "password")
            with open(p, "w") as f:
                f.write(self.password or "")
            cmd += ["--username", self.username, "--password-file", p]
        self._stderr = open(os.path.join(self.workdir, "stderr.log"), "ab")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self._stderr, env=clean_env(), cwd=self.workdir)
        deadline = time.time() + 15
        try:
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError("fake kube-apiserver exited early: " + self.stderr_text())
                if os.path.exists(ready):
                    with open(ready) as f:
                        txt = f.read().strip()
                    if txt:
                        self.port = int(txt)
                        return self
                time.sleep(0.05)
            raise RuntimeError("fake kube-apiserver did not report its port")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    def stderr_text(self) -> str:
        try:
            with open(os.path.join(self.workdir, "stderr.log"), "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def requests(self) -> list[dict]:
        try:
            with open(self.log_path) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def clear_log(self) -> None:
        with open(self.log_path, "w"):
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@contextlib.contextmanager
def kube_apiserver(token=None, username=None, password=None, client_cert=True,
                   google_tokeninfo_url=None, google_allowed_emails=()):
    """Start the fake API server; yields a FakeKubeApiserver. With google_tokeninfo_url (e.g. a
    GcpFake's url + "/tokeninfo") Google access tokens of google_allowed_emails also work."""
    kube = FakeKubeApiserver(token=token, username=username, password=password, client_cert=client_cert,
                             google_tokeninfo_url=google_tokeninfo_url,
                             google_allowed_emails=google_allowed_emails)
    try:
        kube.start()
    except BaseException:
        kube.stop()
        raise
    try:
        yield kube
    finally:
        kube.stop()


KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"


def write_kubeconfig(path: str, contexts: list[dict], current: str | None = None, env: dict | None = None) -> None:
    """Write (or merge into) a kubeconfig at ``path`` using the real kubectl.

    Each context dict: name, server, and optional ca_path (embedded) / insecure,
    token / username+password / client_cert_path+client_key_path (embedded), namespace.
    The file is written by kubectl itself, so it is the YAML a real user has.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    base_env = dict(env or os.environ)
    base_env["KUBECONFIG"] = path

    def kc(*args):
        r = subprocess.run([KUBECTL, "--kubeconfig", path, "config", *args], capture_output=True, env=base_env)
        if r.returncode != 0:
            raise RuntimeError(f"kubectl config {args[0]} failed: {r.stderr.decode(errors='replace')}")

    for c in contexts:
        name = c["name"]
        cl = ["set-cluster", name, "--server", c["server"]]
        if c.get("ca_path"):
            cl += ["--certificate-authority", c["ca_path"], "--embed-certs=true"]
        if c.get("insecure"):
            cl += ["--insecure-skip-tls-verify=true"]
        kc(*cl)
        us = ["set-credentials", name]
        if c.get("token"):
            us += ["--token", c["token"]]
        if c.get("username"):
            us += ["--username", c["username"], "--password", c.get("password", "")]
        if c.get("client_cert_path"):
            us += ["--client-certificate", c["client_cert_path"], "--client-key", c["client_key_path"],
                   "--embed-certs=true"]
        kc(*us)
        cx = ["set-context", name, "--cluster", name, "--user", name]
        if c.get("namespace"):
            cx += ["--namespace", c["namespace"]]
        kc(*cx)
    if current or contexts:
        kc("use-context", current or contexts[0]["name"])
