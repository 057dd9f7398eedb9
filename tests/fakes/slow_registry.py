"""A loopback Docker registry (v2 API root only) that answers slowly and counts concurrency.

Written from the registry's HTTP API specification, independently of Latchkey's code:
``GET /v2/`` without credentials answers 401 with a Basic challenge, with the right Basic
credentials 200, with wrong ones 401. Every answer waits ``delay`` seconds first, as a registry
far away would. The server records the most requests it held in flight at once (``peak``).

With ``gate=N`` the first requests are held until N of them are in flight together, and only
then answered: a client that verifies fewer than N registries at a time never fills the gate,
and its requests fail with 503 after ``gate_timeout`` seconds. That makes "all N at once" a
property a test can check without timing anything.

Runs in the test's own process (a thread); bound to 127.0.0.1 on a free port.
"""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SlowRegistry:
    def __init__(self, user: str, password: str, delay: float = 0.2, gate: int = 0,
                 gate_timeout: float = 20.0):
        self.user, self.password, self.delay = user, password, delay
        self.gate, self.gate_timeout = gate, gate_timeout
        self.lock = threading.Condition()
        self.in_flight = self.peak = self.requests = 0
        self.gate_open = gate <= 1
        registry = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                registry._handle(self)

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # the default listen backlog of 5 would drop bursts of connects

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "SlowRegistry":
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def _wait_for_gate(self) -> bool:
        """Holds the request until `gate` are in flight together; False if that never happens."""
        with self.lock:
            if not self.gate_open and self.in_flight >= self.gate:
                self.gate_open = True
                self.lock.notify_all()
            return self.lock.wait_for(lambda: self.gate_open, timeout=self.gate_timeout)

    def _handle(self, h: BaseHTTPRequestHandler):
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            answer = self._decide(h)
        finally:
            # Out of flight before the answer is sent: once the client has it, it may start its
            # next request at once, and that one must not be counted beside this one.
            with self.lock:
                self.in_flight -= 1
        self._answer(h, *answer)

    def _decide(self, h: BaseHTTPRequestHandler):
        if not self._wait_for_gate():
            return 503, b'{"errors":[{"code":"UNAVAILABLE"}]}'
        threading.Event().wait(self.delay)
        if h.path != "/v2/":
            return 404, b'{"errors":[{"code":"NOT_FOUND"}]}'
        expected = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        if h.headers.get("Authorization") == expected:
            return 200, b"{}"
        return (401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                {"WWW-Authenticate": 'Basic realm="slow-registry"'})

    @staticmethod
    def _answer(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict | None = None):
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Docker-Distribution-API-Version", "registry/2.0")
        h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)
