"""A real ``latchkey server`` process for integration tests, and a small REST client for it.

    with latchkey_server(store_url=None, admin_password="...", extra_env=None) as srv:
        admin = srv.client("admin", srv.admin_password)      # logs in, keeps the token
        admin.get("/api/v1/service_connectors")               # -> (status, parsed JSON or text)

The server listens on 127.0.0.1 on a free port (``--port 0``; the URL is read from its first
line of output), keeps its state in a temporary LATCHKEY_HOME (SQLite by default, or
``store_url`` such as a PostgreSQL URL from tests/peers/postgres.py), and is stopped by its own
PID (SIGTERM, then SIGKILL) when the context exits. ``kill()`` / ``restart()`` support
crash-safety tests. Nothing here imports Latchkey code: the tests see only the wire.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "peers"))
from process_util import clean_env, pdeathsig, stop_process  # noqa: E402

import cli  # noqa: E402


class ApiClient:
    """JSON over HTTP with an optional bearer token; never raises for HTTP statuses."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 60,
                 ssl_context=None):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.ssl_context = ssl_context  # for https:// URLs (default: the system's trust)

    def request(self, method: str, path: str, body=None, raw: bytes | None = None,
                headers: dict | None = None, query: dict | None = None):
        status, data, response_headers = self.send(method, path, body, raw, headers, query)
        return status, _parse(data, response_headers.get("Content-Type", ""))

    def send(self, method: str, path: str, body=None, raw: bytes | None = None,
             headers: dict | None = None, query: dict | None = None):
        """One exchange: (status, raw body bytes, response headers)."""
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPSHandler(context=self.ssl_context))
        try:
            with opener.open(req, timeout=self.timeout) as resp:
                return resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def _parse(data: bytes, content_type: str):
    if not data:
        return None
    if "json" in content_type:
        return json.loads(data)
    return data.decode(errors="replace")



class LatchkeyServer:
    def __init__(self, store_url: str | None = None, admin_password: str | None = None,
                 extra_env: dict | None = None, home: str | None = None, args=()):
        self.store_url = store_url
        self.admin_password = admin_password or "adm-" + secrets.token_urlsafe(12)
        self.home = home or tempfile.mkdtemp(prefix="lk-server-")
        self._own_home = home is None
        self.secrets_key = None
        self.extra_env = dict(extra_env or {})
        self.args = list(args)
        self.proc: subprocess.Popen | None = None
        self.url: str | None = None
        self.output: list[str] = []

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def audit_log(self) -> str:
        return os.path.join(self.home, "audit.log")

    def env(self) -> dict:
        return clean_env(drop_prefixes=("LATCHKEY_", "AWS_"), extra={
            "LATCHKEY_HOME": self.home, "LATCHKEY_ADMIN_PASSWORD": self.admin_password,
            "HOME": self.home, **self.extra_env})

    def start(self, timeout: float = 30) -> "LatchkeyServer":
        argv = [cli.latchkey_bin(), "server", "--host", "127.0.0.1", "--port", "0", *self.args]
        if self.store_url:
            argv += ["--store", self.store_url]
        self.output = []
        self.proc = subprocess.Popen(argv, env=self.env(), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, preexec_fn=pdeathsig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            m = re.search(r"listening on (https?://\S+)", line)
            if m:
                self.url = m.group(1)
                threading.Thread(target=self._drain, daemon=True).start()
                return self
        self.stop()
        raise RuntimeError("latchkey server did not start:\n" + "".join(self.output))

    def _drain(self):
        proc = self.proc
        try:
            for line in proc.stdout:
                self.output.append(line)
        except (ValueError, OSError):
            pass  # kill() or stop() closed the pipe: the process is gone

    def stop(self):
        proc = self.proc
        stop_process(proc, timeout=15)
        self._close_pipe(proc)
        self.proc = None

    @staticmethod
    def _close_pipe(proc):
        if proc and proc.stdout:
            try:
                proc.stdout.close()
            except (OSError, ValueError):
                pass

    def kill(self):
        """SIGKILL, as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._close_pipe(self.proc)
        self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    def client(self, username: str | None = None, password: str | None = None,
               ssl_context=None) -> ApiClient:
        c = ApiClient(self.url, ssl_context=ssl_context)
        if username:
            status, body = c.post("/api/v1/login", {"username": username, "password": password})
            if status != 200:
                raise AssertionError(f"login as {username} failed: {status} {body}")
            c.token = body["token"]
        return c

    def admin(self) -> ApiClient:
        return self.client("admin", self.admin_password)

    def close(self):
        self.stop()
        if self._own_home:
            shutil.rmtree(self.home, ignore_errors=True)


@contextlib.contextmanager
def latchkey_server(**kwargs):
    srv = LatchkeyServer(**kwargs)
    try:
        srv.start()
        yield srv
    finally:
        srv.close()
