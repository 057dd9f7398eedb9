#!/usr/bin/env python3
"""Loopback token server for Docker registry v2 "token" authentication.

Written from the registry token-auth specification, independently of
Latchkey's code. Stdlib http.server + the preinstalled ``cryptography``.

  GET  /token?service=S&scope=T:NAME:ACTIONS[&scope=...]   (HTTP Basic credentials)
  POST /token  grant_type=password&username=..&password=..&service=..&scope=..

Credentials are checked against a JSON file {"user": "password", ...} that is
re-read on every request (tests may change it while the server runs). Wrong or
missing credentials -> 401. On success a JWT signed RS256 with the given key is
returned as {"token","access_token","expires_in","issued_at"}; its header
``kid`` is the registry's key ID of the signing certificate's public key, and
its ``access`` claim grants exactly the requested scopes.

The server binds 127.0.0.1 (port 0 = pick a free one) and writes the chosen
port to --ready-file. Each request is appended to --log as one JSON line
(never including the password).
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def registry_key_id(public_key) -> str:
    """docker/libtrust key ID: base32(sha256(DER SPKI)[:30]) unpadded, 4-char groups joined by ':'."""
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    b32 = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(b32[i:i + 4] for i in range(0, len(b32), 4))


def parse_scope(scope: str) -> dict | None:
    # type:name:actions  -- the name itself may contain ':' (e.g. a port), so
    # split the type off the front and the actions off the back.
    if scope.count(":") < 2:
        return None
    typ, rest = scope.split(":", 1)
    name, actions = rest.rsplit(":", 1)
    acts = [a for a in actions.split(",") if a]
    return {"type": typ, "name": name, "actions": acts}


class TokenServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, args):
        super().__init__(addr, Handler)
        self.args = args
        with open(args.key, "rb") as f:
            self.private_key = serialization.load_pem_private_key(f.read(), password=None)
        with open(args.cert, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        self.kid = registry_key_id(cert.public_key())
        self.log_lock = threading.Lock()

    def users(self) -> dict:
        with open(self.args.users_file) as f:
            return json.load(f)

    def log_event(self, event: dict) -> None:
        if not self.args.log:
            return
        with self.log_lock, open(self.args.log, "a") as f:
            f.write(json.dumps(event) + "\n")

    def sign(self, claims: dict) -> str:
        header = {"typ": "JWT", "alg": "RS256", "kid": self.kid}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         b64url(json.dumps(claims, separators=(",", ":")).encode()))
        sig = self.private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(sig)


class Handler(BaseHTTPRequestHandler):
    server: TokenServer
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep stderr quiet; we log JSON ourselves
        pass

    def _send_json(self, code: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _basic_credentials(self) -> tuple[str, str] | None:
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("basic "):
            return None
        try:
            raw = base64.b64decode(h[6:].strip(), validate=True).decode()
        except Exception:
            return None
        if ":" not in raw:
            return None
        u, p = raw.split(":", 1)
        return u, p

    def do_GET(self):
        parsed = urllib.parse.urlsplit(self.path)
        if parsed.path != "/token":
            self._send_json(404, {"errors": [{"code": "NOT_FOUND"}]})
            return
        q = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        creds = self._basic_credentials()
        self._issue(q.get("service", [""])[0], q.get("scope", []), creds, "GET")

    def do_POST(self):
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length).decode(errors="replace") if length else ""
        if parsed.path != "/token":
            self._send_json(404, {"errors": [{"code": "NOT_FOUND"}]})
            return
        form = urllib.parse.parse_qs(body, keep_blank_values=True)
        if form.get("grant_type", [""])[0] != "password":
            self._send_json(400, {"error": "unsupported_grant_type"})
            return
        creds = (form.get("username", [""])[0], form.get("password", [""])[0])
        scopes = []
        for s in form.get("scope", []):
            scopes.extend(s.split(" "))
        self._issue(form.get("service", [""])[0], scopes, creds, "POST")

    def _issue(self, service: str, scopes: list[str], creds, method: str) -> None:
        event = {"time": time.time(), "method": method, "service": service, "scopes": scopes,
                 "user": creds[0] if creds else None}
        users = self.server.users()
        ok = (creds is not None and creds[0] in users and
              hmac.compare_digest(users[creds[0]].encode(), creds[1].encode()))
        if not ok:
            event["status"] = 401
            self.server.log_event(event)
            self._send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                            {"WWW-Authenticate": 'Basic realm="latchkey-test-token-server"'})
            return
        if service != self.server.args.service:
            event["status"] = 400
            self.server.log_event(event)
            self._send_json(400, {"errors": [{"code": "INVALID_SERVICE", "message": "unknown service"}]})
            return
        access = []
        for s in scopes:
            for part in s.split(" "):
                parsed = parse_scope(part)
                if parsed:
                    access.append(parsed)
        now = int(time.time())
        lifetime = self.server.args.lifetime
        claims = {
            "iss": self.server.args.issuer,
            "sub": creds[0],
            "aud": service,
            "exp": now + lifetime,
            "nbf": now - 10,
            "iat": now,
            "jti": b64url(os.urandom(16)),
            "access": access,
        }
        token = self.server.sign(claims)
        issued = _dt.datetime.fromtimestamp(now, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        event["status"] = 200
        event["access"] = access
        self.server.log_event(event)
        self._send_json(200, {"token": token, "access_token": token, "expires_in": lifetime,
                              "issued_at": issued})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--key", required=True, help="PEM RSA private key used to sign tokens")
    ap.add_argument("--cert", required=True, help="PEM certificate of that key (for the kid)")
    ap.add_argument("--users-file", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--lifetime", type=int, default=300)
    ap.add_argument("--ready-file")
    ap.add_argument("--log")
    args = ap.parse_args()
    srv = TokenServer(("127.0.0.1", args.port), args)
    port = srv.server_address[1]
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.ready_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    sys.exit(main())
