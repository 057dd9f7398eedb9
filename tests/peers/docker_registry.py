#!/usr/bin/env python3
"""Launcher for a real Docker registry v2 peer (Debian's docker-registry 2.8).

Everything is loopback-only and lives in a temporary directory:

  * the registry is always started with our own config (the packaged default
    config binds every interface on :5000, so it is never used);
  * ``htpasswd`` mode: bcrypt htpasswd file made with ``htpasswd -Bbn``;
  * ``token`` mode: tests/fakes/registry_token_server.py is started first on a
    free port (it reports its port on stdout), then the registry is configured
    with ``auth.token`` pointing at it and trusting its throwaway certificate.

Every process started here is stopped by its own PID (terminate, then kill).

Run standalone for manual poking:

    python3 tests/peers/docker_registry.py --auth htpasswd --username u --password p
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_util import clean_env, free_port, stop_process, wait_for_stop_signal  # noqa: E402


def _clean_env(extra: dict | None = None) -> dict:
    return clean_env(drop_prefixes=("REGISTRY_",), extra=extra)


HERE = os.path.dirname(os.path.abspath(__file__))
FAKES_DIR = os.path.join(os.path.dirname(HERE), "fakes")
TOKEN_SERVER = os.path.join(FAKES_DIR, "registry_token_server.py")

REGISTRY_BIN = os.environ.get("LATCHKEY_TEST_REGISTRY_BIN", "/usr/bin/docker-registry")
HTPASSWD_BIN = shutil.which("htpasswd") or "/usr/bin/htpasswd"
SKOPEO_BIN = shutil.which("skopeo") or "/usr/bin/skopeo"
OPENSSL_BIN = shutil.which("openssl") or "/usr/bin/openssl"

TOKEN_SERVICE = "latchkey-test-registry"
# Apache-style access line the registry writes per request.
_ACCESS_RE = re.compile(r'^\S+ - \S+ \[[^\]]*\] "(\S+) (\S+) [^"]*" (\d{3}) \S+ "[^"]*" "([^"]*)"')
TOKEN_ISSUER = "latchkey-test-token-issuer"


# ---------------------------------------------------------------------------
# A tiny OCI image built by hand (no third-party tooling).
# ---------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def build_oci_layout(directory: str, tag: str = "1", message: str = "hello from latchkey tests\n") -> dict:
    """Create an OCI image layout in ``directory`` holding one tiny image.

    Returns a dict with the manifest digest and the layout reference usable by
    skopeo (``oci:DIR:TAG``).
    """
    os.makedirs(os.path.join(directory, "blobs", "sha256"), exist_ok=True)

    def put_blob(data: bytes) -> str:
        digest = _sha256(data)
        with open(os.path.join(directory, "blobs", "sha256", digest.split(":", 1)[1]), "wb") as f:
            f.write(data)
        return digest

    # Layer: a deterministic tar with one small file.
    tar_buf = io.BytesIO()
    with tarfile.open(fileobj=tar_buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        payload = message.encode()
        info = tarfile.TarInfo("hello.txt")
        info.size = len(payload)
        info.mtime = 0
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(payload))
    layer_tar = tar_buf.getvalue()
    gz_buf = io.BytesIO()
    with gzip.GzipFile(fileobj=gz_buf, mode="wb", mtime=0) as gz:
        gz.write(layer_tar)
    layer_gz = gz_buf.getvalue()
    layer_digest = put_blob(layer_gz)

    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {"Cmd": ["/hello.txt"]},
        "rootfs": {"type": "layers", "diff_ids": [_sha256(layer_tar)]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "latchkey test fixture"}],
    }
    config_bytes = json.dumps(config, separators=(",", ":"), sort_keys=True).encode()
    config_digest = put_blob(config_bytes)

    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": len(config_bytes),
        },
        "layers": [
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": layer_digest,
                "size": len(layer_gz),
            }
        ],
    }
    manifest_bytes = json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()
    manifest_digest = put_blob(manifest_bytes)

    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": manifest_digest,
                "size": len(manifest_bytes),
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }
        ],
    }
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(directory, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    return {"manifest_digest": manifest_digest, "ref": f"oci:{directory}:{tag}"}


# ---------------------------------------------------------------------------
# Certificates for token mode (throwaway, made with the openssl CLI).
# ---------------------------------------------------------------------------

def make_token_signing_cert(directory: str) -> tuple[str, str]:
    key = os.path.join(directory, "token-signer.key")
    crt = os.path.join(directory, "token-signer.crt")
    subprocess.run(
        [OPENSSL_BIN, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
         "-days", "2", "-subj", "/CN=latchkey-test-token-signer"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    os.chmod(key, 0o600)
    return key, crt


# ---------------------------------------------------------------------------
# The registry itself.
# ---------------------------------------------------------------------------

class DockerRegistry:
    """A running docker-registry on 127.0.0.1.

    Attributes: ``url`` ("http://127.0.0.1:PORT"), ``hostport`` ("127.0.0.1:PORT"),
    ``port``, ``username``, ``password``, ``auth`` ("htpasswd"/"token"),
    ``workdir``, and in token mode ``token_url``, ``service``, ``users_file``.
    """

    def __init__(self, auth: str = "htpasswd", username: str = "tester", password: str = "secret",
                 workdir: str | None = None):
        if auth not in ("htpasswd", "token"):
            raise ValueError(f"unknown auth mode {auth!r}")
        self.auth = auth
        self.username = username
        self.password = password
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="lk-registry-")
        self.proc: subprocess.Popen | None = None
        self.token_proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.token_port: int | None = None
        self.token_url: str | None = None
        self.service = TOKEN_SERVICE
        self.issuer = TOKEN_ISSUER
        self.users_file = os.path.join(self.workdir, "token-users.json")
        self.token_log = os.path.join(self.workdir, "token-requests.jsonl")
        self.registry_log_path = os.path.join(self.workdir, "registry.log")
        self._registry_log = None
        self._token_stderr = None

    # -- properties ---------------------------------------------------------
    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.hostport}"

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> "DockerRegistry":
        try:
            storage = os.path.join(self.workdir, "storage")
            os.makedirs(storage, exist_ok=True)
            if self.auth == "htpasswd":
                auth_cfg = self._setup_htpasswd()
            else:
                auth_cfg = self._setup_token_server()
            last_err = None
            for _attempt in range(5):
                self.port = free_port()
                cfg_path = self._write_config(storage, auth_cfg)
                self._registry_log = open(self.registry_log_path, "ab")
                self.proc = subprocess.Popen(
                    [REGISTRY_BIN, "serve", cfg_path],
                    stdin=subprocess.DEVNULL, stdout=self._registry_log, stderr=subprocess.STDOUT,
                    env=_clean_env(), cwd=self.workdir,
                )
                try:
                    self._wait_ready()
                    return self
                except RuntimeError as e:  # port raced away, or config problem
                    last_err = e
                    stop_process(self.proc)
                    self.proc = None
                    self._registry_log.close()
                    self._registry_log = None
            raise RuntimeError(f"docker-registry did not start: {last_err}\n{self.registry_log()}")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        stop_process(self.token_proc)
        self.token_proc = None
        for fh in (self._registry_log, self._token_stderr):
            if fh is not None:
                try:
                    fh.close()
                except OSError:
                    pass
        self._registry_log = self._token_stderr = None
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "DockerRegistry":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- setup helpers --------------------------------------------------------
    def _setup_htpasswd(self) -> str:
        out = subprocess.run([HTPASSWD_BIN, "-Bbn", self.username, self.password],
                             check=True, capture_output=True).stdout
        path = os.path.join(self.workdir, "htpasswd")
        with open(path, "wb") as f:
            f.write(out.strip() + b"\n")
        return (
            "auth:\n"
            "  htpasswd:\n"
            "    realm: latchkey-test-realm\n"
            f"    path: {path}\n"
        )

    def set_password(self, new_password: str) -> None:
        """Rotate the user's password on the running peer (both auth modes).

        htpasswd: the registry re-reads the file when its mtime changes; token:
        the token server re-reads its users file on every request.
        """
        self.password = new_password
        if self.auth == "token":
            self.set_token_users({self.username: new_password})
            return
        path = os.path.join(self.workdir, "htpasswd")
        old_mtime = os.stat(path).st_mtime_ns
        out = subprocess.run([HTPASSWD_BIN, "-Bbn", self.username, new_password],
                             check=True, capture_output=True).stdout
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(out.strip() + b"\n")
        os.replace(tmp, path)
        # Make sure the modification time differs even on coarse-grained filesystems.
        new_mtime = max(os.stat(path).st_mtime_ns, old_mtime + 2_000_000_000)
        os.utime(path, ns=(new_mtime, new_mtime))

    def set_token_users(self, users: dict[str, str]) -> None:
        """Token mode only: replace the accepted user->password map (read per request)."""
        tmp = self.users_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(users, f)
        os.replace(tmp, self.users_file)

    def _setup_token_server(self) -> str:
        key, crt = make_token_signing_cert(self.workdir)
        self.set_token_users({self.username: self.password})
        ready_file = os.path.join(self.workdir, "token-server.port")
        self._token_stderr = open(os.path.join(self.workdir, "token-server.log"), "ab")
        self.token_proc = subprocess.Popen(
            [sys.executable, TOKEN_SERVER, "--port", "0", "--key", key, "--cert", crt,
             "--users-file", self.users_file, "--issuer", self.issuer, "--service", self.service,
             "--ready-file", ready_file, "--log", self.token_log],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._token_stderr,
            env=_clean_env(), cwd=self.workdir,
        )
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.token_proc.poll() is not None:
                raise RuntimeError("token server exited early; see token-server.log")
            if os.path.exists(ready_file):
                with open(ready_file) as f:
                    txt = f.read().strip()
                if txt:
                    self.token_port = int(txt)
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError("token server did not report its port")
        self.token_url = f"http://127.0.0.1:{self.token_port}/token"
        return (
            "auth:\n"
            "  token:\n"
            f"    realm: {self.token_url}\n"
            f"    service: {self.service}\n"
            f"    issuer: {self.issuer}\n"
            f"    rootcertbundle: {crt}\n"
        )

    def _write_config(self, storage: str, auth_cfg: str) -> str:
        secret = base64.urlsafe_b64encode(os.urandom(24)).decode()
        cfg = (
            "version: 0.1\n"
            "log:\n"
            "  level: info\n"
            "  fields:\n"
            "    service: registry\n"
            "storage:\n"
            "  filesystem:\n"
            f"    rootdirectory: {storage}\n"
            "  delete:\n"
            "    enabled: true\n"
            "  cache:\n"
            "    blobdescriptor: inmemory\n"
            "http:\n"
            f"  addr: 127.0.0.1:{self.port}\n"
            f"  secret: {secret}\n"
            "  headers:\n"
            "    X-Content-Type-Options: [nosniff]\n"
            + auth_cfg
        )
        path = os.path.join(self.workdir, "config.yml")
        with open(path, "w") as f:
            f.write(cfg)
        return path

    def _wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.time() + timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"docker-registry exited with {self.proc.returncode}")
            try:
                opener.open(self.url + "/v2/", timeout=1)
                raise RuntimeError("registry answered /v2/ without authentication")
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError("docker-registry did not become ready")

    def registry_log(self) -> str:
        try:
            with open(self.registry_log_path, "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def access_log(self) -> list[dict]:
        """The registry's own access log: [{"method","uri","status","user_agent"}, ...]."""
        out = []
        try:
            with open(self.registry_log_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return out
        for line in text.splitlines():
            m = _ACCESS_RE.match(line)
            if m:
                out.append({"method": m.group(1), "uri": m.group(2), "status": int(m.group(3)),
                            "user_agent": m.group(4)})
        return out

    def failed_logins(self) -> list[str]:
        """htpasswd mode: user names the registry logged as failing authentication."""
        try:
            with open(self.registry_log_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return []
        return re.findall(r'error authenticating user \\"([^\\"]*)\\"', text)

    def token_requests(self) -> list[dict]:
        """Token mode: the token server's request log (one dict per /token request)."""
        try:
            with open(self.token_log) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    # -- image helpers --------------------------------------------------------
    def skopeo_env(self, home: str) -> dict:
        return _clean_env({"HOME": home, "REGISTRY_AUTH_FILE": os.path.join(home, "no-such-auth.json"),
                           "XDG_RUNTIME_DIR": home})

    def push_test_image(self, repo: str = "test/hello", tag: str = "1") -> str:
        """Push a tiny hand-built OCI image with skopeo; returns "HOST:PORT/repo:tag"."""
        scratch = tempfile.mkdtemp(prefix="lk-oci-", dir=self.workdir)
        layout = build_oci_layout(os.path.join(scratch, "layout"), tag=tag)
        dest = f"{self.hostport}/{repo}:{tag}"
        r = subprocess.run(
            [SKOPEO_BIN, "--insecure-policy", "copy", "--dest-tls-verify=false",
             "--dest-creds", f"{self.username}:{self.password}", layout["ref"], f"docker://{dest}"],
            capture_output=True, env=self.skopeo_env(scratch), timeout=120,
        )
        if r.returncode != 0:
            raise RuntimeError(f"skopeo copy failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
        return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--auth", choices=["htpasswd", "token"], default="htpasswd")
    ap.add_argument("--username", default="tester")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--push", action="store_true", help="push test/hello:1 after start")
    args = ap.parse_args()
    reg = DockerRegistry(args.auth, args.username, args.password)
    with reg:
        if args.push:
            print("pushed", reg.push_test_image(), flush=True)
        print(json.dumps({"url": reg.url, "hostport": reg.hostport, "token_url": reg.token_url,
                          "workdir": reg.workdir, "pid": reg.proc.pid}), flush=True)
        wait_for_stop_signal()


if __name__ == "__main__":
    main()
