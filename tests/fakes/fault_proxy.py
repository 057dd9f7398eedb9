"""A fault-injecting HTTP proxy on loopback, between Latchkey and a real peer.

    proxy = FaultProxy(upstream="http://127.0.0.1:5000")   # starts on a free 127.0.0.1 port
    proxy.plan("503", times=2)        # the next two requests get 503, then requests pass
    proxy.plan("reset")               # every request: the connection is reset, no answer
    ... proxy.url ... proxy.requests ... proxy.close()

Faults (each for `times` requests, default every one until the next plan()):
  pass            forward unchanged
  delay           wait `seconds` (default 2), then forward
  reset           close the connection with an RST before answering
  truncate        forward, but cut the body in half and close (Content-Length promises more)
  drip            send the answer's headers, then one body byte per second
  429 / 429-ra    Too Many Requests, without / with Retry-After: 1
  500 / 503       the status with a small JSON body
  oversized       200 with a 64 MiB body (streamed, never held here)
  tls-untrusted   (with tls="untrusted") serve HTTPS with a self-signed certificate
  tls-wrong-host  (with tls="wrong-host") HTTPS with a certificate for another name

HTTPS on both sides (a Kubernetes API server): `certificate=(cert_path, key_path)` serves TLS
with that certificate (one the client trusts, or one of a trusted CA for another name), and an
https:// upstream is reached over TLS trusting `upstream_ca` (a CA file). A peer that must know
the URL it is reached by before it starts: FaultProxy(None), then set_upstream(url).

Written for the tests, independently of Latchkey's code. Standard library only (plus the
openssl CLI for the TLS certificates).
"""

from __future__ import annotations

import http.client
import http.server
import os
import socket
import socketserver
import ssl
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length"}


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _self_signed(directory: str, name: str) -> tuple[str, str]:
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class FaultProxy:
    def __init__(self, upstream: str | None, tls: str | None = None,
                 certificate: tuple[str, str] | None = None, upstream_ca: str | None = None):
        self.upstream = urllib.parse.urlsplit(upstream) if upstream else None
        self.upstream_ca = upstream_ca
        self.lock = threading.Lock()
        self.mode, self.remaining, self.seconds, self.only = "pass", None, 2.0, None
        self.requests: list[tuple[str, str, str]] = []  # (method, path, fault applied)
        self.times: list[float] = []  # time.monotonic() of each request, as in `requests`
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                fault = proxy._take(self.command, self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if fault == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                if fault in ("429", "429-ra", "500", "503"):
                    status = int(fault[:3])
                    payload = b'{"error":"injected fault"}'
                    self.send_response(status)
                    if fault == "429-ra":
                        self.send_header("Retry-After", "1")
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault == "oversized":
                    size, chunk = 64 << 20, b"x" * (1 << 20)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(size))
                    self.end_headers()
                    try:
                        for _ in range(size // len(chunk)):
                            self.wfile.write(chunk)
                    except OSError:
                        pass  # the client gave up: what the test wants
                    self.close_connection = True
                    return
                if fault == "delay":
                    time.sleep(proxy.seconds)
                status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    if fault == "truncate":
                        self.wfile.write(data[: len(data) // 2])
                        self.close_connection = True
                    elif fault == "drip":
                        for i in range(len(data)):
                            self.wfile.write(data[i:i + 1])
                            self.wfile.flush()
                            time.sleep(1)
                    else:
                        self.wfile.write(data)
                except OSError:
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any

        self.server = _Server(("127.0.0.1", 0), Handler)
        self._tmp = None
        if tls or certificate:
            if certificate:
                cert, key = certificate
            else:
                self._tmp = tempfile.TemporaryDirectory(prefix="fault-proxy-")
                cert, key = _self_signed(
                    self._tmp.name, "127.0.0.1.nip.invalid" if tls == "wrong-host" else "127.0.0.1")
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls or certificate else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def set_upstream(self, upstream: str):
        self.upstream = urllib.parse.urlsplit(upstream)

    def plan(self, mode: str, times: int | None = None, seconds: float = 2.0,
             only: str | None = None):
        """`only`: the fault applies to requests whose "METHOD path" starts with it; others pass."""
        with self.lock:
            self.mode, self.remaining, self.seconds, self.only = mode, times, seconds, only

    def _take(self, method: str, path: str) -> str:
        with self.lock:
            fault = self.mode
            self.times.append(time.monotonic())
            if self.only and not f"{method} {path}".startswith(self.only):
                fault = "pass"
            elif self.remaining is not None:
                if self.remaining <= 0:
                    fault = "pass"
                else:
                    self.remaining -= 1
            self.requests.append((method, path, fault))
            return fault

    def faults(self, mode: str) -> int:
        with self.lock:
            return sum(1 for _, _, f in self.requests if f == mode)

    def _forward(self, method, path, headers, body):
        if self.upstream.scheme == "https":
            ctx = ssl.create_default_context(cafile=self.upstream_ca)
            conn = http.client.HTTPSConnection(self.upstream.hostname, self.upstream.port,
                                               timeout=30, context=ctx)
        else:
            conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                              timeout=30)
        try:
            # Host stays the client's: SigV4 signs it, and the peers here ignore it.
            forwarded = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(method, path, body=body or None, headers=forwarded)
            resp = conn.getresponse()
            data = resp.read() if method != "HEAD" else b""
            return resp.status, resp.getheaders(), data
        finally:
            conn.close()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        if self._tmp:
            self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
