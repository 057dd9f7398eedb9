"""Azure-side peers for Latchkey's integration tests (importable helper module).

  azurite(...)    -> tests/peers/azurite.py: the real Azure Blob service emulator (npm azurite,
                     installed by scripts/install-azure-peers.sh), containers with one blob
                     each. Yields an Azurite (.endpoint, .account, .key, .containers, .put_blob).
  azure_fake(...) -> tests/fakes/azure_fake.py: a loopback fake of Entra ID, ARM, a managed
                     identity endpoint and ACR, written independently of Latchkey. Yields an
                     AzureFake.
  azurite_oauth(ca) -> Azurite over HTTPS (a leaf of the throwaway CA) with `--oauth basic`.
  acr_registry()   -> the fake fronting a real docker-registry whose token auth trusts the
                     fake's ACR /oauth2/token: yields (AzureFake, DockerRegistry).
  sdk_client(url, ops) -> runs tests/integration/azure_blob_client.js (Microsoft's
                     @azure/storage-blob SDK) on a container URL with a SAS.
  write_az_shim(...) -> a fake `az` on a PATH directory printing what `az account
                     get-access-token -o json` prints, with a token from the fake.

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

    .url ("http://127.0.0.1:PORT": authority host, management endpoint, ACR login server and,
    at /msi/token, a managed identity endpoint),
    .tenant_id, .client_id, .client_secret, .subscription_id, .registry ("lkfakeacr"),
    .requests() (the request log), .pid.
    """

    def __init__(self, storage_accounts=(), aks=(), acr=("lkfakeacr",), resource_group="lk-rg",
                 identity_header=None, acr_registry=None, public_url=None):
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
        if identity_header:
            self.config["identity_header"] = identity_header
        if acr_registry:
            self.config["acr_registry"] = acr_registry
        if public_url:
            self.config["public_url"] = public_url
        self.registry = acr[0] if acr else None
        self.proc = None
        self.port = None

    @property
    def url(self) -> str:
        """Where clients reach the fake: its port, or `public_url` (a proxy in front of it)."""
        return self.config.get("public_url") or self.direct_url

    @property
    def direct_url(self) -> str:
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


@contextlib.contextmanager
def azurite_oauth(ca, **kwargs):
    """Azurite serving HTTPS with a certificate of `ca` (peers.CertAuthority) and checking
    bearer tokens (`--oauth basic`). .endpoint is https://127.0.0.1:PORT/devstoreaccount1."""
    cert, key = ca.issue("azurite", "127.0.0.1", server=True)
    peer = Azurite(tls=(cert, key, ca.cert_path), oauth=True, **kwargs)
    peer.start()
    try:
        yield peer
    finally:
        peer.stop()


ACR_ISSUER = "latchkey-test-acr"


@contextlib.contextmanager
def acr_registry():
    """A real docker-registry behind the fake, as ACR looks from outside: one host serving
    /oauth2/exchange, /oauth2/token and /v2/. The registry's token auth names the fake's
    /oauth2/token as realm and trusts the key the fake signs its access tokens with; the fake
    relays /v2/ to the registry. Yields (AzureFake, DockerRegistry)."""
    import docker_registry as _registry  # tests/peers/docker_registry.py

    class FrontedRegistry(_registry.DockerRegistry):
        realm = service = cert = ""

        def _setup_token_server(self) -> str:  # the fake is the token server
            return ("auth:\n  token:\n"
                    f"    realm: {self.realm}\n    service: {self.service}\n"
                    f"    issuer: {ACR_ISSUER}\n    rootcertbundle: {self.cert}\n")

    workdir = tempfile.mkdtemp(prefix="lk-acr-")
    try:
        key, cert = _registry.make_token_signing_cert(workdir)
        upstream = os.path.join(workdir, "upstream")
        fake = AzureFake(acr_registry={"upstream_file": upstream, "key": key, "cert": cert,
                                       "issuer": ACR_ISSUER})
        fake.start()
        try:
            reg = FrontedRegistry(auth="token", username="unused", password="unused-password")
            reg.realm = f"{fake.url}/oauth2/token"
            reg.service = fake.url.split("://", 1)[1]
            reg.cert = cert
            reg.start()
            try:
                with open(upstream, "w") as f:
                    f.write(reg.url)
                yield fake, reg
            finally:
                reg.stop()
        finally:
            fake.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


AZ_SHIM = """#!/usr/bin/env python3
# A stand-in for the az CLI: `az account get-access-token -o json --resource R [--tenant T]`
# prints what az prints, with a token the fake Entra ID issues to a service principal.
import datetime, json, os, sys, time, urllib.parse, urllib.request
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "az-shim.json")) as f:
    cfg = json.load(f)
args = sys.argv[1:]
with open(os.path.join(here, "az-calls.jsonl"), "a") as f:
    f.write(json.dumps(args) + "\\n")
if args[:2] != ["account", "get-access-token"] or "--resource" not in args:
    sys.stderr.write("ERROR: the shim knows only account get-access-token --resource\\n")
    sys.exit(2)
if cfg.get("logged_out"):
    sys.stderr.write("ERROR: Please run 'az login' to setup account.\\n")
    sys.exit(1)
resource = args[args.index("--resource") + 1]
body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": cfg["client_id"],
                               "client_secret": cfg["client_secret"],
                               "scope": resource + ".default"}).encode()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(f"{cfg['authority']}/{cfg['tenant_id']}/oauth2/v2.0/token", body) as r:
    token = json.load(r)
exp = int(time.time()) + int(token["expires_in"])
out = {"accessToken": token["access_token"],
       "expiresOn": datetime.datetime.fromtimestamp(exp).strftime("%Y-%m-%d %H:%M:%S.%f"),
       "subscription": cfg["subscription_id"], "tenant": cfg["tenant_id"],
       "tokenType": "Bearer"}
if cfg.get("with_epoch"):
    out["expires_on"] = exp
print(json.dumps(out, indent=2))
"""


def write_az_shim(directory: str, fake: AzureFake, with_epoch: bool = True,
                  logged_out: bool = False) -> str:
    """Writes `az` (and its 0600 settings) into `directory`; returns the directory for PATH.
    Each call's arguments are appended to az-calls.jsonl there."""
    os.makedirs(directory, exist_ok=True)
    settings = os.path.join(directory, "az-shim.json")
    with open(os.open(settings, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump({"authority": fake.url, "tenant_id": fake.tenant_id,
                   "client_id": fake.client_id, "client_secret": fake.client_secret,
                   "subscription_id": fake.subscription_id, "with_epoch": with_epoch,
                   "logged_out": logged_out}, f)
    path = os.path.join(directory, "az")
    with open(path, "w") as f:
        f.write(AZ_SHIM)
    os.chmod(path, 0o755)
    return directory


def az_calls(directory: str) -> list[list[str]]:
    try:
        with open(os.path.join(directory, "az-calls.jsonl")) as f:
            return [json.loads(line) for line in f]
    except OSError:
        return []


BLOB_CLIENT = os.path.join(HERE, "azure_blob_client.js")


def sdk_node_path() -> str:
    base = os.environ.get("LATCHKEY_AZURE_PEERS_DIR",
                          os.path.join(os.path.expanduser("~"), ".cache", "latchkey",
                                       "azure-peers"))
    modules = os.path.join(base, "node_modules")
    if not os.path.isdir(os.path.join(modules, "@azure", "storage-blob")):
        raise AssertionError(f"@azure/storage-blob is missing under {modules}; run "
                             "scripts/install-azure-peers.sh")
    return modules


def sdk_client(container_url: str, *ops: str, ca_path: str | None = None) -> list[dict]:
    """Runs the SDK client on one container URL (with its SAS); one result per op."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir(),
           "NODE_PATH": sdk_node_path(), "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    if ca_path:
        env["NODE_EXTRA_CA_CERTS"] = ca_path
    out = subprocess.run(["node", BLOB_CLIENT, container_url, *ops], capture_output=True,
                         text=True, env=env, timeout=60)
    if out.returncode != 0:
        raise AssertionError(f"azure_blob_client.js exited {out.returncode}: {out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines()]
