#!/usr/bin/env python3
"""A tiny fake Kubernetes API server over HTTPS, loopback only.

Written from the Kubernetes API conventions, independently of Latchkey's
code; only the Python standard library is used.

Authentication (any one suffices, as with the real API server's union of
authenticators):
  * client certificate signed by --client-ca (TLS is CERT_OPTIONAL; a
    certificate from any other CA fails the handshake);
  * ``Authorization: Bearer <token>`` equal to --token;
  * ``Authorization: Basic`` equal to --username/--password;
  * with --google-tokeninfo-url: a bearer token for which ``GET URL?access_token=T`` answers
    200 with an ``email`` listed by --google-allowed-email (GKE with Google tokens).
Unauthenticated requests get 401 with a v1 Status body. Every endpoint,
including /version, requires authentication, so a successful call really
proves the credentials.

Endpoints: /version, /api, /apis, /api/v1 (resource list: namespaces),
/api/v1/namespaces (NamespaceList: default, kube-system, latchkey-test),
/api/v1/namespaces/NAME, /healthz, /readyz, /livez. Everything else: 404.

Each request is appended to --log as one JSON line: method, path, the
credential kinds presented, which one authenticated, and the status.
Secrets are never written to the log. The chosen port (--port 0 = any free
port on 127.0.0.1) is written to --ready-file.

SIGHUP re-reads --token-file (token rotation: from then on only the new token
is accepted).
"""

from __future__ import annotations

import argparse
import base64
import hmac
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2024-12-11T00:00:00Z",
    "goVersion": "go1.23.3",
    "compiler": "gc",
    "platform": "linux/amd64",
}

NAMESPACES = ["default", "kube-system", "latchkey-test"]
CREATED = "2024-01-01T00:00:00Z"


def namespace_obj(name: str) -> dict:
    return {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "uid": "00000000-0000-4000-8000-%012d" % (NAMESPACES.index(name) + 1),
            "resourceVersion": "1",
            "creationTimestamp": CREATED,
            "labels": {"kubernetes.io/metadata.name": name},
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def status_obj(code: int, reason: str, message: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


def google_token_email(args, token: str) -> str | None:
    """GKE-style check of a Google access token: ask --google-tokeninfo-url (no cache, so a
    revoked token fails at once); the token's email must be one of --google-allowed-email."""
    import urllib.error
    import urllib.request
    if not token or not args.google_allowed_email:
        return None
    url = args.google_tokeninfo_url + "?" + urllib.parse.urlencode({"access_token": token})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as r:
            info = json.loads(r.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None
    email = info.get("email") if isinstance(info, dict) else None
    return email if email in args.google_allowed_email else None


class KubeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, args):
        super().__init__(addr, Handler)
        self.args = args
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            ctx.load_verify_locations(cafile=args.client_ca)
            ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.set_alpn_protocols(["http/1.1"])
        self.ssl_context = ctx
        self.log_lock = threading.Lock()

    def log_event(self, event: dict) -> None:
        if not self.args.log:
            return
        event["time"] = time.time()
        with self.log_lock, open(self.args.log, "a") as f:
            f.write(json.dumps(event) + "\n")

    # The TLS handshake runs in the per-connection thread, not in accept().
    def finish_request(self, request, client_address):
        request.settimeout(30)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.log_event({"tls_error": str(e), "status": None})
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


class Handler(BaseHTTPRequestHandler):
    server: KubeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _send_json(self, code: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _authenticate(self) -> tuple[str | None, dict]:
        args = self.server.args
        info: dict = {"presented": []}
        who = None
        # 1. client certificate (already verified against the CA by the handshake)
        cert = self.connection.getpeercert()
        if cert:
            cn = None
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        cn = v
            info["presented"].append("cert")
            info["cert_cn"] = cn
            who = who or ("cert", cn)
        # 2. Authorization header
        authz = self.headers.get("Authorization", "")
        scheme = authz.split(" ", 1)[0].lower() if authz else ""
        if scheme == "bearer":
            info["presented"].append("bearer")
            tok = authz[7:].strip()
            ok = bool(args.token) and hmac.compare_digest(tok.encode(), args.token.encode())
            info["bearer_ok"] = ok
            if ok and who is None:
                who = ("bearer", "token-user")
            elif not ok and args.google_tokeninfo_url:
                email = google_token_email(args, tok)
                info["google_ok"] = email is not None
                if email is not None and who is None:
                    who = ("google", email)
        elif scheme == "basic":
            info["presented"].append("basic")
            try:
                raw = base64.b64decode(authz[6:].strip(), validate=True).decode()
                user, pw = raw.split(":", 1)
            except Exception:
                user, pw = None, None
            info["basic_user"] = user
            ok = (bool(args.username) and user is not None and
                  hmac.compare_digest(user.encode(), args.username.encode()) and
                  hmac.compare_digest(pw.encode(), (args.password or "").encode()))
            info["basic_ok"] = ok
            if ok and who is None:
                who = ("basic", user)
        elif authz:
            info["presented"].append("other:" + scheme)
        info["auth"] = who[0] if who else None
        info["user"] = who[1] if who else None
        return (who[0] if who else None), info

    def _handle(self):
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path.rstrip("/") or "/"
        method, info = self._authenticate()
        event = {"method": self.command, "path": parsed.path, "query": parsed.query,
                 "accept": self.headers.get("Accept", ""),
                 "user_agent": self.headers.get("User-Agent", "")}
        event.update(info)
        if method is None:
            event["status"] = 401
            self.server.log_event(event)
            self._send_json(401, status_obj(401, "Unauthorized", "Unauthorized"))
            return
        code, body = self._route(path)
        event["status"] = code
        self.server.log_event(event)
        self._send_json(code, body)

    def _route(self, path: str) -> tuple[int, dict]:
        host = f"127.0.0.1:{self.server.server_address[1]}"
        if path == "/version":
            return 200, VERSION_INFO
        if path in ("/healthz", "/readyz", "/livez"):
            return 200, {"status": "ok"}
        if path == "/api":
            return 200, {"kind": "APIVersions", "versions": ["v1"],
                         "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]}
        if path == "/apis":
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []}
        if path == "/api/v1":
            return 200, {
                "kind": "APIResourceList", "groupVersion": "v1",
                "resources": [{
                    "name": "namespaces", "singularName": "namespace", "namespaced": False,
                    "kind": "Namespace", "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                    "shortNames": ["ns"], "storageVersionHash": "Q3oi5N2YM8M=",
                }],
            }
        if path == "/api/v1/namespaces":
            if self.command != "GET":
                return 405, status_obj(405, "MethodNotAllowed", "method not allowed")
            return 200, {"kind": "NamespaceList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"},
                         "items": [namespace_obj(n) for n in NAMESPACES]}
        if path.startswith("/api/v1/namespaces/") and path.count("/") == 4:
            name = path.rsplit("/", 1)[1]
            if name in NAMESPACES:
                return 200, namespace_obj(name)
            return 404, status_obj(404, "NotFound", f'namespaces "{name}" not found')
        return 404, status_obj(404, "NotFound", "the server could not find the requested resource")

    def do_GET(self):
        self._handle()

    def do_HEAD(self):
        self._handle()

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        if n:
            self.rfile.read(n)
        self._handle()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cert", required=True, help="server certificate (PEM)")
    ap.add_argument("--key", required=True, help="server private key (PEM)")
    ap.add_argument("--client-ca", help="CA whose client certificates are accepted")
    ap.add_argument("--token")
    ap.add_argument("--username")
    ap.add_argument("--password-file", help="file holding the basic-auth password")
    ap.add_argument("--token-file", help="file holding the bearer token")
    ap.add_argument("--google-tokeninfo-url",
                    help="also accept a bearer token when GET URL?access_token=T answers 200 "
                         "with an allowed email (Google tokens, as GKE does)")
    ap.add_argument("--google-allowed-email", action="append", default=[],
                    help="email accepted through --google-tokeninfo-url (repeatable)")
    ap.add_argument("--log")
    ap.add_argument("--ready-file")
    args = ap.parse_args()
    # Secrets come from files so they never appear on a command line.
    args.password = None
    if args.password_file:
        with open(args.password_file) as f:
            args.password = f.read()
    def load_token(*_):
        with open(args.token_file) as f:
            args.token = f.read()

    if args.token_file:
        load_token()
        signal.signal(signal.SIGHUP, load_token)
    srv = KubeServer(("127.0.0.1", args.port), args)
    port = srv.server_address[1]
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.ready_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
