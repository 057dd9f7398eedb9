"""Google-Cloud-side peers for Latchkey's integration tests (importable helper module).

  gcp_fake(build=None, token_lifetime=3600) -> tests/fakes/gcp_fake.py: ONE loopback HTTP
      process serving OAuth2 /token, tokeninfo, IAM Credentials, STS, Cloud Storage JSON API,
      GKE, Artifact Registry, Resource Manager and the GCE metadata server. Yields a GcpFake.

gcloud against the fake (verified with Google Cloud SDK 528, test_gcp_fake.Gcloud)
-------------------------------------------------------------------------------------
gcloud accepts a plain access token from a file and per-API endpoint overrides; nothing is
written outside the temp CLOUDSDK_CONFIG directory:

    CLOUDSDK_CONFIG=<temp dir>                          # never ~/.config/gcloud
    CLOUDSDK_AUTH_ACCESS_TOKEN_FILE=<file with the ya29.* token>
    CLOUDSDK_CORE_PROJECT=<project>
    CLOUDSDK_CORE_DISABLE_PROMPTS=1
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING=true
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=true
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE=http://127.0.0.1:PORT/storage/v1/
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER=http://127.0.0.1:PORT/
    CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY=http://127.0.0.1:PORT/
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER=http://127.0.0.1:PORT/
    (+ no proxy variables; NO_PROXY=127.0.0.1)

    gcloud storage ls gs://BUCKET            -> gs://BUCKET/OBJECT lines
    gcloud storage buckets list --format=value(name)
    gcloud container clusters list --format=value(name)
    gcloud artifacts repositories list --location=L --format=value(name)
    gcloud projects describe P --format=value(projectNumber)   (checked by hand)
    gcloud storage cp / rm                                    (checked by hand)

The same as `gcloud config set` properties in the temp CLOUDSDK_CONFIG (storage + container verified):
auth/access_token_file, core/project, core/disable_usage_reporting,
component_manager/disable_update_check, api_endpoint_overrides/storage (…/storage/v1/),
api_endpoint_overrides/container (…/), api_endpoint_overrides/artifactregistry (…/).

GcpFake.gcloud_env(token_file, project, config_dir) builds exactly that environment. gcloud
then calls no token endpoint at all (it sends the file's token as is); `gcloud storage cp` up
(multipart below 8 MiB, resumable above, apitools' /resumable/upload/... path) and down (Range
reads from /download/storage/v1/...) and `gcloud storage rm` work too. A bogus token makes
gcloud exit non-zero (the fake answers 401).

What Google's own client library sends (google-auth 2.39 bundled with the SDK; test
GoogleAuthLibrary drives every flow of the fake with it)
-----------------------------------------------------------------------------------------
* service account: the JWT's ``aud`` is always https://oauth2.googleapis.com/token, whatever
  the key file's token_uri says (Go's oauth2 sends token_uri): the fake accepts both.
* authorized_user: from_authorized_user_info() ignores a token_uri in the file; gcloud's ADC
  file has none, so a client must be told the token endpoint separately (add_authorized_user
  leaves token_uri out unless include_token_uri=True).
* impersonation (and external_account with service_account_impersonation_url): the source
  token is requested with scope https://www.googleapis.com/auth/iam only; accepted.
* STS ``options`` arrive percent-encoded JSON inside the form field (google-auth quotes the
  JSON before form-encoding): the fake accepts plain and percent-encoded JSON.
* metadata server: GCE_METADATA_HOST=127.0.0.1:PORT (and GCE_METADATA_IP for the ping),
  read when google.auth.compute_engine is imported.

World builder (the key file's token_uri needs the port, so the fake starts with an empty world,
then ``build(world)`` runs with ``world.url`` known and the world is pushed over
POST /__admin/world; ``fake.world`` can be changed later and re-pushed with ``fake.push()``):

    def build(w):
        sa = w.add_service_account("ci@proj.iam.gserviceaccount.com", "proj")
        w.grant_project("proj", sa["client_email"], "storage.buckets.list")
        w.add_bucket("bucket-a", "proj", {sa["client_email"]: "roles/storage.objectAdmin"},
                     objects={"hello.txt": "hi"})
        return sa

    with gcp_peers.gcp_fake(build) as g:     # g.built is what build returned
        token = g.service_account_token(g.built)

GcpFake: .url ("http://127.0.0.1:PORT"), .token_url (.url + "/token"), .sts_url
(.url + "/v1/token"), .port, .world, .built, .log() (request log lines), .stats()
(tokens minted per grant), .revoke(principal), .push(), .service_account_token(key_dict,
scopes), .gcloud_env(token_file, project), .secrets() (values for leak scans), .pid.
The process is stopped by its own PID; its temp dir (objects, log, world) is removed. A fake that
cannot start raises GcpFakeStartError with its stderr: tests fail, never skip.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
PEERS_DIR = os.path.join(TESTS_DIR, "peers")
GCP_FAKE = os.path.join(TESTS_DIR, "fakes", "gcp_fake.py")
if PEERS_DIR not in sys.path:
    sys.path.insert(0, PEERS_DIR)

import process_util  # noqa: E402  (tests/peers/process_util.py)

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class GcpFakeStartError(RuntimeError):
    pass


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_jwt(private_key_pem: str, header: dict, claims: dict) -> str:
    """RS256 JWT (what Google's auth libraries send as the jwt-bearer assertion)."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), None)
    signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     _b64url(json.dumps(claims, separators=(",", ":")).encode()))
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64url(sig)


def service_account_assertion(key: dict, scopes=(CLOUD_PLATFORM,), aud: str | None = None,
                              iat: int | None = None, lifetime: int = 3600) -> str:
    iat = int(time.time()) if iat is None else iat
    return sign_jwt(key["private_key"], {"alg": "RS256", "typ": "JWT",
                                         "kid": key["private_key_id"]},
                    {"iss": key["client_email"], "scope": " ".join(scopes),
                     "aud": aud or key["token_uri"], "iat": iat, "exp": iat + lifetime})


class World:
    """Builds the fake's world JSON (see tests/fakes/gcp_fake.py for the format)."""

    def __init__(self, url: str):
        self.url = url
        self.token_url = url + "/token"
        self.sts_url = url + "/v1/token"
        self.data = {"projects": {}, "service_accounts": {}, "authorized_users": [],
                     "token_creators": {}, "project_permissions": {}, "buckets": {},
                     "clusters": [], "repositories": [], "workload_identity_pools": {},
                     "metadata": {}}
        self.secret_values: list[str] = []

    def add_project(self, project: str, number: str | None = None) -> str:
        p = self.data["projects"].setdefault(
            project, {"number": number or str(100000000000 + len(self.data["projects"]))})
        return p["number"]

    def add_service_account(self, email: str, project: str) -> dict:
        """Registers a new RSA-2048 key; returns the service-account key file dict."""
        self.add_project(project)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        kid = secrets.token_hex(20)
        sa = self.data["service_accounts"].setdefault(email, {"public_keys": {}})
        sa["public_keys"][kid] = public_pem
        self.secret_values.append(private_pem)
        client_id = str(100000000000000000000 + secrets.randbelow(10 ** 20))
        return {"type": "service_account", "project_id": project, "private_key_id": kid,
                "private_key": private_pem, "client_email": email, "client_id": client_id,
                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                "token_uri": self.token_url,
                "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                        + urllib.parse.quote(email),
                "universe_domain": "googleapis.com"}

    def add_authorized_user(self, email: str, include_token_uri: bool = False,
                            scopes=None) -> dict:
        """The ``authorized_user`` ADC file gcloud writes (no token_uri unless asked: clients
        default to https://oauth2.googleapis.com/token, so point them at .token_url)."""
        u = {"email": email,
             "client_id": f"{secrets.randbelow(10 ** 12)}-fake.apps.googleusercontent.com",
             "client_secret": "d-FL95Q" + secrets.token_urlsafe(18),
             "refresh_token": "1//0g" + secrets.token_urlsafe(60)}
        if scopes:
            u["scopes"] = list(scopes)
        self.data["authorized_users"].append(u)
        self.secret_values += [u["client_secret"], u["refresh_token"]]
        out = {"client_id": u["client_id"], "client_secret": u["client_secret"],
               "refresh_token": u["refresh_token"], "type": "authorized_user"}
        if include_token_uri:
            out["token_uri"] = self.token_url
        return out

    def add_external_account(self, audience: str, subject_token: str, principal: str,
                             credential_source: dict, impersonate: str | None = None,
                             subject_token_type: str = "urn:ietf:params:oauth:token-type:jwt"
                             ) -> dict:
        """Registers subject_token -> principal for the pool ``audience``; returns the
        ``external_account`` credential file dict."""
        pool = self.data["workload_identity_pools"].setdefault(audience, {"subject_tokens": {}})
        pool["subject_tokens"][subject_token] = principal
        self.secret_values.append(subject_token)
        out = {"type": "external_account", "audience": audience,
               "subject_token_type": subject_token_type, "token_url": self.sts_url,
               "credential_source": credential_source, "universe_domain": "googleapis.com"}
        if impersonate:
            out["service_account_impersonation_url"] = (
                f"{self.url}/v1/projects/-/serviceAccounts/{impersonate}:generateAccessToken")
        return out

    def grant_project(self, project: str, principal: str, *permissions: str) -> None:
        self.add_project(project)
        perms = self.data["project_permissions"].setdefault(project, {}).setdefault(principal,
                                                                                     [])
        perms += [p for p in permissions if p not in perms]

    def add_bucket(self, name: str, project: str, bindings: dict | None = None,
                   objects: dict | None = None) -> None:
        self.add_project(project)
        self.data["buckets"][name] = {"project": project, "bindings": dict(bindings or {}),
                                      "objects": dict(objects or {})}

    def allow_impersonation(self, target: str, caller: str) -> None:
        callers = self.data["token_creators"].setdefault(target, [])
        if caller not in callers:
            callers.append(caller)

    def add_cluster(self, project: str, location: str, name: str, endpoint: str,
                    ca_pem: str) -> None:
        self.add_project(project)
        self.data["clusters"].append({"project": project, "location": location, "name": name,
                                      "endpoint": endpoint, "ca_pem": ca_pem})

    def add_repository(self, project: str, location: str, name: str,
                       format: str = "DOCKER") -> None:
        self.add_project(project)
        self.data["repositories"].append({"project": project, "location": location,
                                          "name": name, "format": format})

    def set_metadata(self, service_account: str, project_id: str, scopes=None) -> None:
        self.add_project(project_id)
        self.data["metadata"] = {"service_account": service_account, "project_id": project_id}
        if scopes:
            self.data["metadata"]["scopes"] = list(scopes)


class GcpFake:
    def __init__(self, build=None, token_lifetime: int = 3600, start_timeout: float = 15):
        self.build, self.token_lifetime, self.start_timeout = build, token_lifetime, start_timeout
        self.workdir = tempfile.mkdtemp(prefix="lk-gcp-")
        self.log_path = os.path.join(self.workdir, "requests.jsonl")
        self.proc = None
        self.port = None
        self.world: World | None = None
        self.built = None
        self._stderr = None

    url = property(lambda self: f"http://127.0.0.1:{self.port}")
    token_url = property(lambda self: self.url + "/token")
    sts_url = property(lambda self: self.url + "/v1/token")
    pid = property(lambda self: self.proc.pid if self.proc else None)

    def start(self) -> "GcpFake":
        port_file = os.path.join(self.workdir, "port")
        data_dir = os.path.join(self.workdir, "data")
        os.makedirs(data_dir)
        cmd = [sys.executable, GCP_FAKE, "--port", "0", "--port-file", port_file,
               "--log", self.log_path, "--data-dir", data_dir,
               "--token-lifetime", str(self.token_lifetime)]
        self._stderr = open(os.path.join(self.workdir, "stderr.log"), "ab")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self._stderr, env=process_util.clean_env(),
                                     cwd=self.workdir, preexec_fn=process_util.pdeathsig)
        deadline = time.time() + self.start_timeout
        try:
            while True:
                if self.proc.poll() is not None:
                    raise GcpFakeStartError("gcp_fake.py exited early: " + self.stderr_text())
                if os.path.exists(port_file):
                    with open(port_file) as f:
                        self.port = int(f.read().strip())
                    break
                if time.time() > deadline:
                    raise GcpFakeStartError("gcp_fake.py did not report its port: "
                                            + self.stderr_text())
                time.sleep(0.03)
            self.world = World(self.url)
            if self.build is not None:
                self.built = self.build(self.world)
            self.push()
            return self
        except BaseException:
            self.stop()
            raise

    def push(self) -> None:
        """Sends the (changed) world to the running fake; tokens already minted stay valid."""
        self._admin("POST", "/__admin/world", json.dumps(self.world.data).encode())

    def stop(self) -> None:
        process_util.stop_process(self.proc)
        self.proc = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _admin(self, method: str, path: str, body: bytes | None = None) -> dict:
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers={"Content-Type": "application/json"})
        with OPENER.open(req, timeout=30) as r:
            return json.loads(r.read())

    def stats(self) -> dict:
        return self._admin("GET", "/__admin/stats")

    def revoke(self, principal: str) -> int:
        q = urllib.parse.urlencode({"principal": principal})
        return self._admin("POST", "/__admin/revoke?" + q, b"")["revoked"]

    def log(self) -> list[dict]:
        try:
            with open(self.log_path) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def stderr_text(self) -> str:
        try:
            with open(os.path.join(self.workdir, "stderr.log"), "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def secrets(self) -> list[str]:
        return list(self.world.secret_values) if self.world else []

    def service_account_token(self, key: dict, scopes=(CLOUD_PLATFORM,)) -> str:
        """Runs the jwt-bearer grant like Google's auth libraries; returns the access token."""
        body = urllib.parse.urlencode({"grant_type": JWT_BEARER,
                                       "assertion": service_account_assertion(key, scopes)})
        req = urllib.request.Request(self.token_url, data=body.encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        with OPENER.open(req, timeout=30) as r:
            return json.loads(r.read())["access_token"]

    def gcloud_env(self, token_file: str, project: str, config_dir: str) -> dict:
        """Environment that makes the gcloud CLI use the fake with a plain access token."""
        base = self.url + "/"
        return process_util.clean_env(drop_prefixes=("CLOUDSDK_", "GOOGLE_"), extra={
            "CLOUDSDK_CONFIG": config_dir,
            "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE": token_file,
            "CLOUDSDK_CORE_PROJECT": project,
            "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
            "CLOUDSDK_CORE_DISABLE_USAGE_REPORTING": "true",
            "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "true",
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE": base + "storage/v1/",
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER": base,
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY": base,
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER": base,
        })

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@contextlib.contextmanager
def gcp_fake(build=None, token_lifetime: int = 3600):
    """Start the fake; ``build(world)`` fills the world (its result is ``.built``)."""
    fake = GcpFake(build, token_lifetime)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
