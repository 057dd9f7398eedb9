"""Azurite, the Azure Storage emulator (Blob service only), as a real test peer.

Installed from npm by scripts/install-azure-peers.sh into ~/.cache/latchkey/azure-peers (or
LATCHKEY_AZURE_PEERS_DIR). Binds 127.0.0.1 on a free port, keeps its data in a temp dir, never
phones home (--disableTelemetry), and is stopped by its own PID.

    with Azurite(containers=("lk-a", "lk-b")) as az:
        az.endpoint          # http://127.0.0.1:PORT/devstoreaccount1 (https:// with tls=...)
        az.account, az.key   # the emulator's well-known account and key

Run by hand (prints what tests get, stops on Ctrl-C):  python3 tests/peers/azurite.py
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_util import clean_env, free_port, pdeathsig, serve_peer, stop_process  # noqa: E402

ACCOUNT = "devstoreaccount1"
# Azurite's published development key (the same for every installation; not a secret).
KEY = ("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw"
       "==")
API_VERSION = "2021-12-02"


class AzuriteStartError(RuntimeError):
    pass


def azurite_blob_binary() -> str:
    base = os.environ.get("LATCHKEY_AZURE_PEERS_DIR",
                          os.path.join(os.path.expanduser("~"), ".cache", "latchkey",
                                       "azure-peers"))
    path = os.path.join(base, "node_modules", ".bin", "azurite-blob")
    if not os.access(path, os.X_OK):
        raise AzuriteStartError(f"{path} is missing; run scripts/install-azure-peers.sh")
    return path


class Azurite:
    def __init__(self, containers: tuple[str, ...] = ("lk-a", "lk-b"),
                 start_timeout: float = 30.0, tls: tuple[str, str, str] | None = None,
                 oauth: bool = False):
        """tls = (cert, key, ca_cert) paths serves HTTPS; oauth (needs tls, as Azurite
        accepts bearer tokens only over HTTPS) adds `--oauth basic`: Entra ID tokens are
        checked for iss, aud and lifetime, not their signature."""
        if oauth and not tls:
            raise ValueError("Azurite accepts OAuth only over HTTPS: pass tls too")
        self.tls = tls
        self.oauth = oauth
        self.containers = containers
        self.start_timeout = start_timeout
        self.port = 0
        self.workdir = ""
        self.proc: subprocess.Popen | None = None
        self.account = ACCOUNT
        self.key = KEY

    @property
    def endpoint(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}/{ACCOUNT}"

    @property
    def ca_cert_path(self) -> str | None:
        return self.tls[2] if self.tls else None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def describe(self) -> dict:
        return {"endpoint": self.endpoint, "account": self.account, "containers":
                list(self.containers), "pid": self.pid, "workdir": self.workdir}

    # --- the peer's own set-up calls, signed here with Shared Key independently of Latchkey ---
    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict | None = None) -> tuple[int, bytes]:
        """A Shared Key-signed request to the emulator (path relative to the account)."""
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
        hdrs = {"x-ms-date": date, "x-ms-version": API_VERSION}
        hdrs.update(headers or {})
        url_path, _, query = path.partition("?")
        ms = "".join(f"{k}:{v}\n" for k, v in sorted(
            (k.lower(), v) for k, v in hdrs.items() if k.lower().startswith("x-ms-")))
        resource = f"/{ACCOUNT}/{ACCOUNT}{url_path}"
        params = sorted(p.split("=", 1) for p in query.split("&") if p)
        resource += "".join(f"\n{k.lower()}:{urllib.parse.unquote(v)}" for k, v in params)
        length = str(len(body)) if body else ""
        ctype = hdrs.get("Content-Type", "")
        sts = f"{method}\n\n\n{length}\n\n{ctype}\n\n\n\n\n\n\n{ms}{resource}"
        sig = base64.b64encode(hmac.new(base64.b64decode(KEY), sts.encode(),
                                        hashlib.sha256).digest()).decode()
        hdrs["Authorization"] = f"SharedKey {ACCOUNT}:{sig}"
        req = urllib.request.Request(f"{self.endpoint}{path}", data=body or None, method=method,
                                     headers=hdrs)
        handlers: list = [urllib.request.ProxyHandler({})]
        if self.tls:
            handlers.append(urllib.request.HTTPSHandler(
                context=ssl.create_default_context(cafile=self.tls[2])))
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def create_container(self, name: str) -> None:
        status, body = self.request("PUT", f"/{name}?restype=container")
        if status not in (201, 409):
            raise AzuriteStartError(f"creating container {name}: HTTP {status} {body[:200]!r}")

    def put_blob(self, container: str, name: str, data: bytes) -> None:
        status, body = self.request("PUT", f"/{container}/{name}", data,
                                    {"x-ms-blob-type": "BlockBlob",
                                     "Content-Type": "application/octet-stream"})
        if status != 201:
            raise AzuriteStartError(f"putting blob {container}/{name}: HTTP {status} {body[:200]!r}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            with open(os.path.join(self.workdir, "azurite.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def tls_args(self) -> list[str]:
        if not self.tls:
            return []
        args = ["--cert", self.tls[0], "--key", self.tls[1]]
        return args + (["--oauth", "basic"] if self.oauth else [])

    def start(self) -> "Azurite":
        binary = azurite_blob_binary()
        self.workdir = tempfile.mkdtemp(prefix="lk-azurite-")
        self.port = free_port()
        log = open(os.path.join(self.workdir, "azurite.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "--blobHost", "127.0.0.1", "--blobPort", str(self.port), "--location",
             os.path.join(self.workdir, "data"), "--disableTelemetry", "--skipApiVersionCheck",
             "--debug", os.path.join(self.workdir, "debug.log"), *self.tls_args()],
            stdout=log, stderr=subprocess.STDOUT, env=clean_env(), preexec_fn=pdeathsig)
        log.close()
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                tail = self.log_tail()
                self.stop()
                raise AzuriteStartError(f"azurite-blob exited: {tail}")
            try:
                status, _ = self.request("GET", "/?comp=list")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                tail = self.log_tail()
                self.stop()
                raise AzuriteStartError(f"azurite-blob did not answer in time: {tail}")
            time.sleep(0.2)
        for c in self.containers:
            self.create_container(c)
            self.put_blob(c, "hello.txt", f"hello from {c}".encode())
        return self

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        if self.workdir and not os.environ.get("LATCHKEY_KEEP_PEER_DIRS"):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "Azurite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":
    serve_peer(Azurite())
