#!/usr/bin/env python3
"""A loopback fake of Entra ID, Azure Resource Manager and an ACR registry, on one port.

Written from Microsoft's documented wire formats, independently of Latchkey's code; standard
library only (plus the preinstalled `cryptography` when fronting a real registry). Everything is described by --config (JSON, read from a file so secrets never
appear on a command line):

  {"tenant_id", "client_id", "client_secret", "subscription_id", "subscription_name",
   "storage_accounts": [{"name", "resource_group", "blob"}],
   "aks": [{"name", "resource_group", "kubeconfig"}],
   "acr": [{"name", "resource_group"}], "token_lifetime": 3600,
   "public_url": optional, the URL clients reach the fake by (a proxy in front of it)}

Entra ID   POST /{tenant}/oauth2/v2.0/token  client_credentials grant: the client id, the secret
           and the tenant must match (invalid_client / AADSTS7000215 for a wrong secret, 401) and
           the scope must be "{this server}/.default" (management) or
           "https://storage.azure.com/.default". Tokens are unsigned JWTs whose aud names the
           scope's resource; the fake remembers each one it issued.
ARM        /subscriptions[...] requires "Authorization: Bearer" with a management token this
           fake issued and that has not expired (401 InvalidAuthenticationToken otherwise) and an
           api-version parameter. Lists subscriptions, storage accounts, managed clusters and
           registries (whole subscription or one resource group); POST
           .../managedClusters/{name}/listClusterUserCredential returns the configured kubeconfig.
Managed    GET /msi/token?resource=R&api-version=2019-08-01 (what IDENTITY_ENDPOINT points at)
identity   with header X-IDENTITY-HEADER equal to config "identity_header": a token for R (this
           server's URL or https://storage.azure.com/); 401 for a missing or wrong header, 400
           for another api-version or resource. Answers with expires_on as a string, as Azure's.
ACR        POST /oauth2/exchange (grant_type=access_token with a management token) -> an ACR
           refresh token; GET /oauth2/token with Basic 00000000-0000-0000-0000-000000000000:
           <refresh token> -> an access token; GET /v2/ needs that access token (401 with a
           Bearer challenge otherwise). The registries' loginServer is this server's URL.
           With config "acr_registry" {"upstream_file", "key", "cert", "issuer"} the fake fronts
           a real docker-registry instead, as ACR's one host does: access tokens are RS256 JWTs
           the registry verifies (kid of "cert", aud = this server's host:port, access = the
           requested scopes), and every /v2/ request is relayed to the URL in "upstream_file"
           (read per request, since the registry starts after the fake it names as its realm).

Each request is appended to --log as one JSON line (method, path, status); no secret is logged.
The chosen port is written to --ready-file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ZERO_USER = "00000000-0000-0000-0000-000000000000"
STORAGE_SCOPE = "https://storage.azure.com/.default"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State:
    def __init__(self, config: dict):
        self.config = config
        self.lock = threading.Lock()
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (kind, expiry)
        self.base = ""

    def issue(self, kind: str, aud: str, lifetime: float) -> str:
        now = time.time()
        exp = now + lifetime
        # nbf and iat as Entra ID sets them; Azurite's OAuth check requires all three times.
        payload = {"nbf": int(now) - 300, "iat": int(now) - 300, "aud": aud, "iss": f"https://sts.windows.net/{self.config['tenant_id']}/",
                   "tid": self.config["tenant_id"], "oid": "11111111-2222-3333-4444-555555555555",
                   "appid": self.config["client_id"], "exp": int(exp), "nonce":
                   secrets.token_hex(8)}
        token = (b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "." +
                 b64url(json.dumps(payload).encode()) + "." + b64url(secrets.token_bytes(16)))
        with self.lock:
            self.tokens[token] = (kind, exp)
        return token

    def valid(self, token: str, kind: str) -> bool:
        with self.lock:
            entry = self.tokens.get(token)
        return entry is not None and entry[0] == kind and entry[1] > time.time()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    @property
    def state(self) -> State:
        return self.server.state  # type: ignore[attr-defined]

    def send_json(self, status: int, body, headers: dict | None = None):
        data = json.dumps(body).encode()
        # Logged before answering: a test that reads the log once its client has the answer
        # must find the line there.
        self.log_request_line(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def log_request_line(self, status: int, **extra):
        log = self.server.log_path  # type: ignore[attr-defined]
        if log:
            entry = {"method": self.command, "path": self.path.split("?")[0], "status": status}
            entry.update(getattr(self, "log_extra", {}), **extra)
            with open(log, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def form(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        return {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}

    def bearer(self) -> str:
        auth = self.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else ""

    # ---- Entra ID ----
    def token_endpoint(self, tenant: str):
        cfg = self.state.config
        f = self.form()
        if f.get("grant_type") != "client_credentials":
            return self.send_json(400, {"error": "unsupported_grant_type"})
        if tenant != cfg["tenant_id"]:
            return self.send_json(400, {"error": "invalid_request", "error_description":
                                        f"AADSTS90002: Tenant '{tenant}' not found.\r\nTrace ID: t"})
        if f.get("client_id") != cfg["client_id"]:
            return self.send_json(400, {"error": "unauthorized_client", "error_description":
                                        "AADSTS700016: Application not found in the directory."})
        if f.get("client_secret") != cfg["client_secret"]:
            return self.send_json(401, {"error": "invalid_client", "error_description":
                                        "AADSTS7000215: Invalid client secret provided. Ensure "
                                        "the secret being sent in the request is the client "
                                        "secret value.\r\nTrace ID: t\r\nCorrelation ID: c"})
        scope = f.get("scope", "")
        lifetime = cfg.get("token_lifetime", 3600)
        if scope == f"{self.state.base}/.default":
            kind, aud = "management", f"{self.state.base}/"
        elif scope == STORAGE_SCOPE:
            kind, aud = "storage", "https://storage.azure.com"
        else:
            return self.send_json(400, {"error": "invalid_scope", "error_description":
                                        f"AADSTS70011: The provided value for scope {scope} is "
                                        "not valid."})
        token = self.state.issue(kind, aud, lifetime)
        self.send_json(200, {"token_type": "Bearer", "expires_in": lifetime,
                             "ext_expires_in": lifetime, "access_token": token})

    # ---- ARM ----
    def arm(self, path: str, query: dict):
        if not self.state.valid(self.bearer(), "management"):
            return self.send_json(401, {"error": {"code": "InvalidAuthenticationToken",
                                                  "message": "The access token is invalid."}})
        if "api-version" not in query:
            return self.send_json(400, {"error": {"code": "MissingApiVersionParameter",
                                                  "message": "api-version is required"}})
        cfg = self.state.config
        sub = cfg["subscription_id"]
        parts = [p for p in path.split("/") if p]
        if parts == ["subscriptions"]:
            return self.send_json(200, {"value": [self.subscription()]})
        if len(parts) < 2 or parts[1].lower() != sub:
            return self.send_json(404, {"error": {"code": "SubscriptionNotFound",
                                                  "message": f"The subscription '{parts[1] if len(parts) > 1 else ''}' could not be found."}})
        if len(parts) == 2:
            return self.send_json(200, self.subscription())
        group = None
        rest = parts[2:]
        if rest[0].lower() == "resourcegroups":
            group, rest = rest[1], rest[2:]
        if len(rest) < 3 or rest[0].lower() != "providers":
            return self.send_json(404, {"error": {"code": "NotFound", "message": "no route"}})
        provider = f"{rest[1]}/{rest[2]}".lower()
        kinds = {"microsoft.storage/storageaccounts": "storage_accounts",
                 "microsoft.containerservice/managedclusters": "aks",
                 "microsoft.containerregistry/registries": "acr"}
        if provider not in kinds:
            return self.send_json(404, {"error": {"code": "NotFound", "message": "no route"}})
        items = [i for i in cfg.get(kinds[provider], [])
                 if group is None or i["resource_group"].lower() == group.lower()]
        if len(rest) == 3 and self.command == "GET":
            return self.send_json(200, {"value": [self.resource(provider, i) for i in items]})
        if (len(rest) == 5 and provider.endswith("managedclusters") and self.command == "POST"
                and rest[4] == "listClusterUserCredential"):
            for i in items:
                if i["name"] == rest[3]:
                    value = base64.b64encode(i["kubeconfig"].encode()).decode()
                    return self.send_json(200, {"kubeconfigs": [{"name": "clusterUser",
                                                                 "value": value}]})
            return self.send_json(404, {"error": {"code": "ResourceNotFound",
                                                  "message": f"cluster {rest[3]} not found"}})
        return self.send_json(404, {"error": {"code": "NotFound", "message": "no route"}})

    def subscription(self) -> dict:
        cfg = self.state.config
        return {"id": f"/subscriptions/{cfg['subscription_id']}",
                "subscriptionId": cfg["subscription_id"], "tenantId": cfg["tenant_id"],
                "displayName": cfg.get("subscription_name", "fake"), "state": "Enabled"}

    def resource(self, provider: str, item: dict) -> dict:
        cfg = self.state.config
        rid = (f"/subscriptions/{cfg['subscription_id']}/resourceGroups/{item['resource_group']}"
               f"/providers/{provider}/{item['name']}")
        props: dict = {}
        if provider.endswith("storageaccounts"):
            props = {"primaryEndpoints": {"blob": item["blob"]}}
        elif provider.endswith("managedclusters"):
            props = {"fqdn": f"{item['name']}.hcp.fake.azmk8s.io"}
        else:
            props = {"loginServer": self.state.base}
        return {"id": rid, "name": item["name"], "properties": props}

    # ---- managed identity (App Service / Container Apps form) ----
    def managed_identity(self, query: dict):
        cfg = self.state.config
        resource = query.get("resource", "")
        # Logged so tests can see what the client asked for; the header value never is.
        self.log_extra = {"resource": resource, "api_version": query.get("api-version"),
                          "client_id": query.get("client_id"),
                          "identity_header_ok": self.headers.get("X-IDENTITY-HEADER") ==
                          cfg.get("identity_header")}
        if not cfg.get("identity_header") or not self.log_extra["identity_header_ok"]:
            return self.send_json(401, {"error": "invalid_request", "error_description":
                                        "X-IDENTITY-HEADER is missing or wrong"})
        if query.get("api-version") != "2019-08-01":
            return self.send_json(400, {"error": "invalid_request",
                                        "error_description": "unsupported api-version"})
        base = self.state.base
        if resource.rstrip("/") == base:
            kind, aud = "management", f"{base}/"
        elif resource.rstrip("/") == "https://storage.azure.com":
            kind, aud = "storage", "https://storage.azure.com"
        else:
            return self.send_json(400, {"error": "invalid_resource",
                                        "error_description": f"unknown resource {resource}"})
        lifetime = cfg.get("token_lifetime", 3600)
        token = self.state.issue(kind, aud, lifetime)
        self.send_json(200, {"access_token": token, "expires_on": str(int(time.time() +
                                                                             lifetime)),
                             "resource": resource, "token_type": "Bearer",
                             "client_id": cfg["client_id"]})

    # ---- ACR ----
    def acr_exchange(self):
        f = self.form()
        if f.get("grant_type") != "access_token" or not self.state.valid(
                f.get("access_token", ""), "management"):
            return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED",
                                                    "message": "invalid AAD access token"}]})
        self.send_json(200, {"refresh_token": self.state.issue("acr-refresh", "acr", 3 * 3600)})

    def acr_token(self):
        auth = self.headers.get("Authorization", "")
        user, _, password = "", "", ""
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        if user != ZERO_USER or not self.state.valid(password, "acr-refresh"):
            return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED",
                                                    "message": "authentication required"}]})
        registry = self.state.config.get("acr_registry")
        if registry:
            return self.send_json(200, {"access_token": self.registry_jwt(registry)})
        self.send_json(200, {"access_token": self.state.issue("acr-access", "acr", 300)})

    def registry_jwt(self, registry: dict) -> str:
        """A token docker-registry's token auth accepts: RS256, kid = libtrust ID of the key."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        with open(registry["cert"], "rb") as f:
            public = x509.load_pem_x509_certificate(f.read()).public_key()
        with open(registry["key"], "rb") as f:
            private = serialization.load_pem_private_key(f.read(), password=None)
        der = public.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        b32 = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
        kid = ":".join(b32[i:i + 4] for i in range(0, len(b32), 4))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        access = []
        for scope in query.get("scope", []):
            for part in scope.split(" "):
                typ, _, rest = part.partition(":")
                name, _, actions = rest.rpartition(":")
                if typ and name:
                    access.append({"type": typ, "name": name,
                                   "actions": [a for a in actions.split(",") if a]})
        self.log_extra = {"scopes": [a["name"] + ":" + ",".join(a["actions"]) for a in access]}
        now = int(time.time())
        claims = {"iss": registry["issuer"], "sub": ZERO_USER,
                  "aud": self.state.base.split("://", 1)[1], "exp": now + 300, "nbf": now - 10,
                  "iat": now, "jti": secrets.token_hex(8), "access": access}
        head = b64url(json.dumps({"typ": "JWT", "alg": "RS256", "kid": kid}).encode())
        body = b64url(json.dumps(claims).encode())
        sig = private.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{head}.{body}.{b64url(sig)}"

    def request_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else None

    def relay_to_registry(self, registry: dict):
        """Passes one /v2/ request to the real registry and its answer back, unchanged; the
        Host header stays ours, so upload Locations the registry builds point back here."""
        with open(registry["upstream_file"]) as f:
            upstream = urllib.parse.urlsplit(f.read().strip())
        body = self.request_body()
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        # Header by header: a client sends Accept several times (one per manifest type).
        conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for k, v in self.headers.items():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding",
                                 "content-length"):
                conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        self.log_request_line(r.status)
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding",
                                 "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def registry(self):
        if self.state.valid(self.bearer(), "acr-access"):
            return self.send_json(200, {})
        host = self.state.base.split("://", 1)[1]
        self.send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": "auth required"}]},
                       {"WWW-Authenticate": f'Bearer realm="{self.state.base}/oauth2/token",'
                                           f'service="{host}"'})

    def route(self):
        self.log_extra = {}
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        path = url.path
        parts = [p for p in path.split("/") if p]
        if self.command == "POST" and len(parts) == 4 and parts[1:] == ["oauth2", "v2.0",
                                                                         "token"]:
            return self.token_endpoint(parts[0])
        if path.startswith("/subscriptions"):
            return self.arm(path, query)
        if self.command == "POST" and path == "/oauth2/exchange":
            return self.acr_exchange()
        if self.command == "GET" and path == "/oauth2/token":
            return self.acr_token()
        if self.command == "GET" and path == "/msi/token":
            return self.managed_identity(query)
        registry = self.state.config.get("acr_registry")
        if registry and (path == "/v2" or path.startswith("/v2/")):
            return self.relay_to_registry(registry)
        if path in ("/v2", "/v2/"):
            return self.registry()
        self.send_json(404, {"error": {"code": "NotFound", "message": "no route"}})

    do_GET = do_POST = do_PUT = do_PATCH = do_HEAD = do_DELETE = route


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--config", required=True)
    ap.add_argument("--log")
    ap.add_argument("--ready-file")
    args = ap.parse_args()
    with open(args.config) as f:
        config = json.load(f)
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.state = State(config)  # type: ignore[attr-defined]
    # "public_url": where clients reach the fake when something (a test's proxy) is in front of
    # it, as ARM's and Entra ID's public names front their servers.
    srv.state.base = config.get("public_url") or \
        f"http://127.0.0.1:{srv.server_address[1]}"  # type: ignore[attr-defined]
    srv.log_path = args.log  # type: ignore[attr-defined]
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.replace(args.ready_file + ".tmp", args.ready_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
