"""Azure-side peers for Latchkey's integration tests (importable helper module).

  azurite(...)    -> tests/peers/azurite.py: the real Azure Blob service emulator (npm azurite,
                     installed by scripts/install-azure-peers.sh), containers with one blob
                     each. Yields an Azurite (.endpoint, .account, .key, .containers, .put_blob).
  azure_fake(...) -> tests/fakes/azure_fake.py: a loopback fake of Entra ID, ARM and ACR,
                     written independently of Latchkey. Yields an AzureFake.

Both bind 127.0.0.1 on free ports and are stopped by their own PID when the context exits; a
peer that cannot start raises (tests fail, they never skip).
"""

from __future__ import annotations

import contextlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
for sub in ("peers", "fakes"):
    path = os.path.join(TESTS, sub)
    if path not in sys.path:
        sys.path.insert(0, path)

import azurite as _azurite  # noqa: E402  (tests/peers/azurite.py)

Azurite = _azurite.Azurite


@contextlib.contextmanager
def azurite(**kwargs):
    """Start Azurite (Blob) with containers ("lk-a", "lk-b") holding hello.txt each."""
    peer = Azurite(**kwargs)
    peer.start()
    try:
        yield peer
    finally:
        peer.stop()


FAKE = os.path.join(TESTS, "fakes", "azure_fake.py")

import json  # noqa: E402
import secrets as _secrets  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from process_util import clean_env, pdeathsig, stop_process  # noqa: E402


class AzureFake:
    """Handle on a running tests/fakes/azure_fake.py (Entra ID + ARM + ACR on one port).

    .url ("http://127.0.0.1:PORT": authority host, management endpoint and ACR login server),
    .tenant_id, .client_id, .client_secret, .subscription_id, .registry ("lkfakeacr"),
    .requests() (the request log), .pid.
    """

    def __init__(self, storage_accounts=(), aks=(), acr=("lkfakeacr",), resource_group="lk-rg"):
        self.workdir = tempfile.mkdtemp(prefix="lk-azure-fake-")
        self.tenant_id = "72f988bf-0000-4000-8000-00000000000a"
        self.client_id = "0c5a3b2e-0000-4000-8000-00000000000b"
        self.client_secret = "sp-secret-" + _secrets.token_urlsafe(16)
        self.subscription_id = "9b3c1f2e-0000-4000-8000-00000000000c"
        self.resource_group = resource_group
        self.config = {
            "tenant_id": self.tenant_id, "client_id": self.client_id,
            "client_secret": self.client_secret, "subscription_id": self.subscription_id,
            "subscription_name": "latchkey-fake",
            "storage_accounts": [dict(resource_group=resource_group, **a)
                                 for a in storage_accounts],
            "aks": [dict(resource_group=resource_group, **k) for k in aks],
            "acr": [{"name": n, "resource_group": resource_group} for n in acr],
        }
        self.registry = acr[0] if acr else None
        self.proc = None
        self.port = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def requests(self) -> list[dict]:
        try:
            with open(os.path.join(self.workdir, "requests.jsonl")) as f:
                return [json.loads(line) for line in f]
        except OSError:
            return []

    def start(self) -> "AzureFake":
        config = os.path.join(self.workdir, "config.json")
        with open(os.open(config, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump(self.config, f)
        ready = os.path.join(self.workdir, "port")
        with open(os.path.join(self.workdir, "stderr"), "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, FAKE, "--config", config, "--ready-file", ready, "--log",
                 os.path.join(self.workdir, "requests.jsonl")],
                stdout=subprocess.DEVNULL, stderr=err, env=clean_env(), preexec_fn=pdeathsig)
        deadline = time.monotonic() + 15
        while not os.path.exists(ready):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("azure_fake.py did not start")
            time.sleep(0.05)
        with open(ready) as f:
            self.port = int(f.read())
        return self

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def azure_fake(**kwargs):
    """Start the Entra ID / ARM / ACR fake; yields an AzureFake."""
    peer = AzureFake(**kwargs)
    peer.start()
    try:
        yield peer
    finally:
        peer.stop()
