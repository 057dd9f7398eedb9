"""The whole REST API of a real ``latchkey server``, on the default SQLite store and on PostgreSQL.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_server_api.py

One mixin (``ApiSuite``) holds every test; ``SqliteApiTest`` and ``PostgresApiTest`` run it
against one server each (started once per class, with a real docker-registry peer using
htpasswd auth for verification and client credentials). Every call goes through
``RecordingClient``, which records (method, route template, status) so that

  * the last test can assert that every route of /api/v1/openapi.json got a 2xx answer,
  * the audit log can be checked against the state changes the suite actually made,
  * every error body is checked to be exactly {"error": {"code", "message"}}.

After each test the server's captured output, its audit log and (SQLite) every file under its
LATCHKEY_HOME are scanned for every secret value the suite handed to the server.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import threading
import time
import unittest
import urllib.error
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "peers"))
import cli  # noqa: E402
import peers  # noqa: E402
from latchkey_server import ApiClient, latchkey_server  # noqa: E402
from postgres import postgres_server  # noqa: E402

OPENAPI_FILE = os.path.join(cli.REPO_ROOT, "src", "server", "api", "openapi.json")
HIDDEN = cli.HIDDEN
API = "/api/v1"


# ---------------------------------------------------------------------------
# Recording client
# ---------------------------------------------------------------------------

def load_route_templates(doc: dict | None = None) -> set[tuple[str, str]]:
    if doc is None:
        with open(OPENAPI_FILE) as f:
            doc = json.load(f)
    out = set()
    for path, ops in doc["paths"].items():
        for method in ops:
            if method.lower() in ("get", "post", "put", "delete", "patch", "head"):
                out.add((method.upper(), path))
    return out


class RouteMatcher:
    """Maps a concrete path to its openapi template; literal segments win over {params}."""

    def __init__(self, templates: set[tuple[str, str]]):
        paths = sorted({p for _, p in templates}, key=lambda p: (p.count("{"), -len(p)))
        self._res = [(p, re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(p)) + "$"))
                     for p in paths]
        self.templates = templates

    def template(self, method: str, path: str) -> str | None:
        for p, rx in self._res:
            if rx.match(path) and (method, p) in self.templates:
                return p
        return None


class Recorder:
    """Thread-safe log of every call made through RecordingClient."""

    def __init__(self, matcher: RouteMatcher):
        self.matcher = matcher
        self.lock = threading.Lock()
        self.calls: list[tuple[str, str | None, int, str]] = []  # method, template, status, path
        self.shape_violations: list[str] = []
        self.bodies: list[tuple[str, str, int, bytes]] = []  # (actor, path, status, raw body)

    def record(self, method, path, status, body, raw, actor):
        template = self.matcher.template(method, path)
        problem = None
        if status >= 400:
            problem = error_shape_problem(body)
        with self.lock:
            self.calls.append((method, template, status, path))
            self.bodies.append((actor, f"{method} {path}", status, raw))
            if problem:
                self.shape_violations.append(f"{method} {path} -> {status}: {problem}: {body!r:.300}")

    def ok_routes(self) -> set[tuple[str, str]]:
        with self.lock:
            return {(m, t) for m, t, s, _ in self.calls if t and 200 <= s < 300}

    def count_ok(self, method: str, template: str) -> int:
        with self.lock:
            return sum(1 for m, t, s, _ in self.calls if (m, t) == (method, template) and 200 <= s < 300)


def error_shape_problem(body) -> str | None:
    if not isinstance(body, dict):
        return "error body is not a JSON object"
    if set(body) != {"error"}:
        return f"top-level keys {sorted(body)} != ['error']"
    err = body["error"]
    if not isinstance(err, dict) or set(err) != {"code", "message"}:
        return "'error' must be an object with exactly 'code' and 'message'"
    if not (isinstance(err["code"], str) and err["code"] and isinstance(err["message"], str)
            and err["message"]):
        return "'code' and 'message' must be non-empty strings"
    return None


class Response(tuple):
    """(status, body) that also carries the response headers."""

    def __new__(cls, status, body, headers):
        r = super().__new__(cls, (status, body))
        r.headers = headers
        return r

    @property
    def status(self):
        return self[0]

    @property
    def body(self):
        return self[1]


class RecordingClient(ApiClient):
    """ApiClient that records every call (and keeps response headers)."""

    def __init__(self, url: str, recorder: Recorder, token: str | None = None, actor: str = "anon"):
        super().__init__(url, token)
        self.recorder = recorder
        self.actor = actor

    def with_token(self, token: str | None, actor: str | None = None) -> "RecordingClient":
        return RecordingClient(self.url, self.recorder, token, actor or self.actor)

    def request(self, method, path, body=None, raw=None, headers=None, query=None):
        status, rawbody, hdrs = self.send(method, path, body, raw, headers, query)
        ctype = hdrs.get("Content-Type", "")
        if rawbody and "json" in ctype:
            try:
                parsed = json.loads(rawbody)
            except json.JSONDecodeError:
                parsed = rawbody.decode(errors="replace")
        else:
            parsed = rawbody.decode(errors="replace") if rawbody else None
        self.recorder.record(method, path, status, parsed, rawbody, self.actor)
        return Response(status, parsed, hdrs)


def scan_for_secrets(secret_values: dict[str, str], sources: dict[str, bytes]) -> list[str]:
    found = []
    for where, data in sources.items():
        for value, label in secret_values.items():
            for kind, pat in cli.secret_variants(value).items():
                if pat in data:
                    found.append(f"{label} ({kind}) in {where}")
    return found


def server_sources(srv, include_home_files: bool = True) -> dict[str, bytes]:
    """Everything the server wrote that must never hold a secret value."""
    out = {"server output": "".join(srv.output).encode()}
    try:
        with open(srv.audit_log, "rb") as f:
            out["audit log"] = f.read()
    except FileNotFoundError:
        out["audit log"] = b""
    if include_home_files:
        for dirpath, _dirs, names in os.walk(srv.home):
            for n in names:
                p = os.path.join(dirpath, n)
                if os.path.isfile(p) and not os.path.islink(p) and p != srv.audit_log:
                    with open(p, "rb") as f:
                        out["file " + os.path.relpath(p, srv.home)] = f.read()
    return out


def require_binary():
    b = cli.latchkey_bin()
    # Not a skip: a missing binary fails every test.
    if not (os.path.isfile(b) and os.access(b, os.X_OK)):
        raise AssertionError(f"latchkey binary not found or not executable: {b} "
                             f"(build it, or set LATCHKEY_BIN)")


def uid() -> str:
    return secrets.token_hex(4)


def dead_registry() -> str:
    return f"http://127.0.0.1:{peers.free_port()}"


# Audited state changes: route -> action written to the audit log on success.
AUDITED = {
    ("POST", f"{API}/login"): "user.login",
    ("POST", f"{API}/logout"): "token.revoke",
    ("POST", f"{API}/session"): "user.login",
    ("DELETE", f"{API}/session"): "token.revoke",
    ("DELETE", f"{API}/tokens/{{id}}"): "token.revoke",
    ("POST", f"{API}/users"): "user.create",
    ("DELETE", f"{API}/users/{{name}}"): "user.delete",
    ("POST", f"{API}/users/{{name}}/api_keys"): "api_key.create",
    ("POST", f"{API}/service_connectors"): "connector.create",
    ("PUT", f"{API}/service_connectors/{{id}}"): "connector.update",
    ("DELETE", f"{API}/service_connectors/{{id}}"): "connector.delete",
    ("GET", f"{API}/service_connectors/{{id}}/client"): "credentials.issue",
    ("POST", f"{API}/secrets"): "secret.create",
    ("PUT", f"{API}/secrets/{{id}}"): "secret.update",
    ("DELETE", f"{API}/secrets/{{id}}"): "secret.delete",
    ("POST", f"{API}/stack_components/{{type}}"): "stack_component.register",
    ("PUT", f"{API}/stack_components/{{type}}/{{id}}"): "stack_component.update",
    ("DELETE", f"{API}/stack_components/{{type}}/{{id}}"): "stack_component.delete",
    ("POST", f"{API}/stack_components/{{type}}/{{id}}/connect"): "stack_component.connect",
    ("POST", f"{API}/stack_components/{{type}}/{{id}}/disconnect"): "stack_component.disconnect",
    ("POST", f"{API}/stacks"): "stack.register",
    ("PUT", f"{API}/stacks/{{id}}"): "stack.update",
    ("DELETE", f"{API}/stacks/{{id}}"): "stack.delete",
}


# ---------------------------------------------------------------------------
# The suite
# ---------------------------------------------------------------------------

class ApiSuite:
    """Mixed into a unittest.TestCase whose setUpClass calls ``_start_class(store_url)``."""

    maxDiff = 6000
    STORE_KIND = "sqlite"
    SCAN_HOME_FILES = True

    # -- class fixtures -----------------------------------------------------------
    @classmethod
    def _start_class(cls, store_url: str | None):
        require_binary()
        cls.secret_values: dict[str, str] = {}
        cls.reg_user = "tester"
        cls.reg_password = cls.add_secret("reg-pw-" + secrets.token_hex(12), "registry password")
        cls.reg = cls.enterClassContext(peers.docker_registry("htpasswd", cls.reg_user, cls.reg_password))
        cls.admin_password = cls.add_secret("adm-" + secrets.token_urlsafe(12), "admin password")
        cls.srv = cls.enterClassContext(latchkey_server(store_url=store_url,
                                                        admin_password=cls.admin_password))
        cls.templates = load_route_templates()
        cls.recorder = Recorder(RouteMatcher(cls.templates))
        cls.anon = RecordingClient(cls.srv.url, cls.recorder, actor="anonymous")
        cls.admin = cls.login_as("admin", cls.admin_password)

    @classmethod
    def add_secret(cls, value: str, label: str = "secret") -> str:
        assert len(value) >= 8, "scanned secrets must be >= 8 characters"
        cls.secret_values[value] = label
        return value

    @classmethod
    def login_as(cls, name: str, password: str, token_name: str | None = None) -> RecordingClient:
        body = {"username": name, "password": password}
        if token_name:
            body["token_name"] = token_name
        st, resp = cls.anon.post(f"{API}/login", body)
        if st != 200:
            raise AssertionError(f"login as {name} failed: {st} {resp}")
        cls.add_secret(resp["token"], f"API token of {name}")
        return cls.anon.with_token(resp["token"], name)

    def setUp(self):
        super().setUp()
        with self.recorder.lock:
            self.recorder.shape_violations.clear()
        self.addCleanup(self._after_test_checks)

    def _after_test_checks(self):
        with self.recorder.lock:
            bad = list(self.recorder.shape_violations)
        leaks = scan_for_secrets(self.secret_values, server_sources(self.srv, self.SCAN_HOME_FILES))
        problems = []
        if bad:
            problems.append("error bodies not shaped {\"error\":{\"code\",\"message\"}}:\n  " + "\n  ".join(bad))
        if leaks:
            problems.append("secret values leaked by the server:\n  " + "\n  ".join(leaks))
        if self.srv.proc is None or self.srv.proc.poll() is not None:
            problems.append("the server process died:\n" + "".join(self.srv.output[-40:]))
        if problems:
            raise AssertionError("\n".join(problems))

    # -- helpers -------------------------------------------------------------------
    def assertStatus(self, resp, status: int, what: str = ""):
        st, body = resp[0], resp[1]
        if st != status:
            self.fail(f"{what or 'request'}: expected HTTP {status}, got {st}: {json.dumps(body)[:1200]}")
        return body

    def assertError(self, resp, status: int, code: str | None = None, what: str = ""):
        body = self.assertStatus(resp, status, what)
        problem = error_shape_problem(body)
        self.assertIsNone(problem, f"{what}: {problem}: {body!r}")
        if code:
            self.assertEqual(body["error"]["code"], code, f"{what}: {body}")
        return body["error"]

    def assertHealthy(self):
        st, body = self.anon.get("/health")
        self.assertEqual(st, 200, f"/health after a bad request: {st} {body}")
        self.assertEqual(body.get("status"), "ok")

    def docker_body(self, name: str, password: str | None = None, registry: str | None = None,
                    verify: bool | None = None, **extra) -> dict:
        body = {"name": name, "connector_type": "docker", "auth_method": "password",
                "configuration": {"registry": registry or self.reg.url, "username": self.reg_user},
                "secrets": {"password": password if password is not None else self.reg_password}}
        if verify is not None:
            body["verify"] = verify
        body.update(extra)
        return body

    def create_docker(self, name: str, client=None, **kw) -> dict:
        client = client or self.admin
        if "password" not in kw and kw.get("registry") is not None:
            kw["password"] = self.add_secret("nv-pw-" + secrets.token_hex(8), "unverified password")
        return self.assertStatus(client.post(f"{API}/service_connectors", self.docker_body(name, **kw)),
                                 201, f"create connector {name}")

    def create_kube(self, name: str, labels: dict | None = None) -> dict:
        token = self.add_secret("kube-tok-" + secrets.token_hex(10), "kubernetes token")
        body = {"name": name, "connector_type": "kubernetes", "auth_method": "token",
                "configuration": {"server": f"https://127.0.0.1:{peers.free_port()}",
                                  "cluster_name": "c1", "insecure": True},
                "secrets": {"token": token}, "labels": labels or {}, "verify": False}
        return self.assertStatus(self.admin.post(f"{API}/service_connectors", body), 201, "create kube")

    def get_connector(self, ref: str, client=None, **query):
        return (client or self.admin).get(f"{API}/service_connectors/{ref}", query=query or None)

    def list_names(self, client=None, **query) -> list[str]:
        body = self.assertStatus((client or self.admin).get(f"{API}/service_connectors", query=query),
                                 200, f"list {query}")
        return [c["name"] for c in body["items"]]

    def metric_value(self, text: str, name: str) -> float:
        total = 0.0
        found = False
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                total += float(line.rsplit(" ", 1)[1])
                found = True
        self.assertTrue(found, f"metric {name} not exported:\n{text[:3000]}")
        return total

    # =============================================================================
    # Health, metrics, documents
    # =============================================================================
    def test_health(self):
        body = self.assertStatus(self.anon.get("/health"), 200, "/health")
        self.assertEqual(body, {"status": "ok", "store": self.STORE_KIND})

    def test_openapi_document(self):
        doc = self.assertStatus(self.anon.get(f"{API}/openapi.json"), 200, "openapi.json")
        self.assertTrue(str(doc.get("openapi", "")).startswith("3"), str(doc)[:300])
        self.assertEqual(load_route_templates(doc), self.templates,
                         "the served document's routes differ from src/server/api/openapi.json")

    def test_unknown_route_and_method(self):
        self.assertError(self.admin.get(f"{API}/no-such-thing"), 404, what="unknown path")
        self.assertError(self.admin.request("PATCH", f"{API}/secrets"), 405, what="PATCH /secrets")

    def test_metrics_http_requests(self):
        self.assertStatus(self.anon.get("/health"), 200)
        st, text = self.anon.get("/metrics")
        self.assertEqual(st, 200, text)
        self.assertIsInstance(text, str)
        self.assertIn("latchkey_http_requests_total", text)
        self.assertGreater(self.metric_value(text, "latchkey_http_requests_total"), 0)

    # =============================================================================
    # Login, logout, current user
    # =============================================================================
    def test_login_ok_and_wrong_password(self):
        st, body = self.anon.post(f"{API}/login", {"username": "admin", "password": self.admin_password,
                                                  "token_name": "login-test"})
        self.assertEqual(st, 200, body)
        self.add_secret(body["token"], "admin login token")
        self.assertTrue(body["token"])
        self.assertEqual(body["name"], "login-test")
        self.assertEqual(body["user"]["name"], "admin")
        self.assertTrue(body["user"]["admin"])
        self.assertNotIn("token_hash", body)
        self.assertNotIn("password", json.dumps(body["user"]))

        wrong = self.anon.post(f"{API}/login", {"username": "admin", "password": "wrong-" + uid()})
        e1 = self.assertError(wrong, 401, "unauthenticated", "wrong password")
        unknown = self.anon.post(f"{API}/login", {"username": "nobody-" + uid(), "password": "whatever-pw"})
        e2 = self.assertError(unknown, 401, "unauthenticated", "unknown user")
        self.assertEqual(e1["message"], e2["message"],
                         "a wrong password and an unknown user must be indistinguishable")
        self.assertError(self.anon.post(f"{API}/login", {"username": "admin"}), 400, "invalid_argument",
                         "login without password")

    def test_logout_revokes_token(self):
        c = self.login_as("admin", self.admin_password, "to-log-out")
        self.assertStatus(c.get(f"{API}/current-user"), 200)
        st, body = c.post(f"{API}/logout")
        self.assertEqual(st, 204, body)
        self.assertIsNone(body)
        self.assertError(c.get(f"{API}/current-user"), 401, "unauthenticated", "after logout")
        self.assertError(c.post(f"{API}/logout"), 401, "unauthenticated", "second logout")
        # Only that token: the suite's own admin session still works.
        self.assertStatus(self.admin.get(f"{API}/current-user"), 200)

    def test_current_user(self):
        body = self.assertStatus(self.admin.get(f"{API}/current-user"), 200)
        self.assertEqual(body["name"], "admin")
        self.assertTrue(body["admin"])
        self.assertFalse(body["service_account"])
        self.assertTrue(body["active"])
        self.assertTrue(body["id"])
        self.assertEqual(set(body), {"id", "name", "admin", "service_account", "active", "created"})

    def test_dashboard_session_cookie_and_csrf(self):
        creds = {"username": "admin", "password": self.admin_password}
        csrf = {"X-Latchkey-CSRF": "1"}
        # As a cross-site form would send it (no custom header): refused, and no cookie is set.
        r = self.anon.post(f"{API}/session", creds)
        self.assertError(r, 403, "permission_denied", "session without the CSRF header")
        self.assertIsNone(r.headers.get("Set-Cookie"))
        self.assertError(self.anon.post(f"{API}/session", {**creds, "password": "no-" + uid()},
                                        headers=csrf), 401, "unauthenticated", "wrong password")
        r = self.anon.post(f"{API}/session", creds, headers=csrf)
        body = self.assertStatus(r, 200, "sign in")
        self.assertEqual(body["user"]["name"], "admin")
        self.assertEqual(set(body), {"user", "expires_at"})
        attrs = [a.strip() for a in r.headers["Set-Cookie"].split(";")]
        name, _, token = attrs[0].partition("=")
        self.assertEqual(name, "lk_session")
        self.add_secret(token, "dashboard session token")
        self.assertNotIn(token, json.dumps(body), "the token must live in the cookie only")
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"):
            self.assertIn(attr, attrs)
        self.assertNotIn("Secure", attrs, "plain HTTP: a Secure cookie would never come back")
        jar = {"Cookie": f"other=1; lk_session={token}"}
        me = self.assertStatus(self.anon.get(f"{API}/current-user", headers=jar), 200, "by cookie")
        self.assertEqual(me["name"], "admin")

        # A state change by cookie needs the header, and no sign of another site.
        name = "csrf-" + uid()
        value = "csrf-value-" + secrets.token_hex(8)
        self.add_secret(value, "CSRF test secret value")
        secret = {"name": name, "values": {"k": value}}
        host = urllib.parse.urlparse(self.srv.url).netloc
        for extra, what in (({}, "no header"),
                            ({**csrf, "Origin": "http://evil.example"}, "another Origin"),
                            ({**csrf, "Origin": "null"}, "an opaque Origin"),
                            ({**csrf, "Sec-Fetch-Site": "cross-site"}, "cross-site fetch")):
            self.assertError(self.anon.post(f"{API}/secrets", secret, headers={**jar, **extra}),
                             403, "permission_denied", what)
        self.assertError(self.admin.get(f"{API}/secrets/{name}"), 404, what="nothing was created")
        created = self.assertStatus(
            self.anon.post(f"{API}/secrets", secret,
                           headers={**jar, **csrf, "Origin": f"http://{host}",
                                    "Sec-Fetch-Site": "same-origin"}), 201, "same-origin create")
        self.assertStatus(self.admin.delete(f"{API}/secrets/{created['id']}"), 204)
        # A bearer token is not a browser's ambient credential: no CSRF header needed.
        self.assertStatus(self.admin.get(f"{API}/current-user", headers={"Origin": "http://x"}), 200)

        # Sign out: the token is revoked and the cookie cleared.
        self.assertError(self.anon.delete(f"{API}/session", headers=jar), 403, "permission_denied")
        r = self.anon.delete(f"{API}/session", headers={**jar, **csrf})
        self.assertEqual(r.status, 204, r)
        self.assertIn("Max-Age=0", r.headers["Set-Cookie"])
        self.assertError(self.anon.get(f"{API}/current-user", headers=jar), 401, "unauthenticated")

    def test_security_headers(self):
        for r in (self.anon.get("/health"), self.anon.get(f"{API}/service_connectors"),
                  self.admin.get(f"{API}/current-user")):
            csp = r.headers.get("Content-Security-Policy", "")
            self.assertIn("default-src 'self'", csp)
            self.assertIn("frame-ancestors 'none'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff")
            self.assertEqual(r.headers.get("Cache-Control"), "no-store")

    def test_dashboard_is_served_from_the_binary(self):
        shell = self.anon.get("/")
        self.assertEqual(shell.status, 200, shell)
        self.assertTrue(shell.headers["Content-Type"].startswith("text/html"))
        self.assertEqual(shell.headers["Cache-Control"], "no-cache")
        self.assertIn("default-src 'self'", shell.headers["Content-Security-Policy"])
        html = shell[1]
        self.assertNotIn("<script>", html, "no inline script: the CSP would block it")
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)
        self.assertTrue(assets, html[:500])
        for path in assets:
            r = self.anon.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertEqual(r.headers["Cache-Control"], "public, max-age=31536000, immutable")
            self.assertTrue(r.headers["ETag"])
        # A shared link to a client-side route loads the same shell; an unknown API path and an
        # asset of another build do not.
        deep = self.anon.get("/connectors/some-connector")
        self.assertEqual((deep.status, deep[1]), (200, html))
        etag = shell.headers["ETag"]
        self.assertEqual(self.anon.get("/", headers={"If-None-Match": etag}).status, 304)
        self.assertError(self.anon.get(f"{API}/no-such-route"), 404, "not_found")
        self.assertEqual(self.anon.get("/assets/app-0000000000.js").status, 404)
        self.assertEqual(self.anon.post("/connectors").status, 404)

    def test_flavors(self):
        flavors = self.assertStatus(self.admin.get(f"{API}/flavors"), 200, "flavors")
        s3 = [f for f in flavors if (f["type"], f["name"]) == ("artifact_store", "s3")]
        self.assertEqual(len(s3), 1, flavors)
        self.assertEqual(s3[0]["connector_requirement"]["resource_type"], "s3-bucket")
        self.assertEqual(s3[0]["connector_requirement"]["resource_id_attr"], "path")
        self.assertIn("path", [a["name"] for a in s3[0]["attributes"]])
        local = [f for f in flavors if (f["type"], f["name"]) == ("artifact_store", "local")]
        self.assertIsNone(local[0]["connector_requirement"])
        registries = self.assertStatus(
            self.admin.get(f"{API}/flavors", query={"type": "container_registry"}), 200)
        self.assertTrue(registries)
        self.assertEqual({f["type"] for f in registries}, {"container_registry"})
        self.assertError(self.admin.get(f"{API}/flavors", query={"type": "nope"}), 400,
                         "invalid_argument")
        self.assertError(self.anon.get(f"{API}/flavors"), 401, "unauthenticated")

    # =============================================================================
    # Users, service accounts, API keys, tokens
    # =============================================================================
    def test_users_crud(self):
        name = "user-" + uid()
        pw = self.add_secret("pw-" + secrets.token_hex(8), f"password of {name}")
        u = self.assertStatus(self.admin.post(f"{API}/users", {"name": name, "password": pw}), 201)
        self.assertEqual(u["name"], name)
        self.assertFalse(u["admin"])
        self.assertFalse(u["service_account"])
        self.assertNotIn("password", json.dumps(u))
        listed = self.assertStatus(self.admin.get(f"{API}/users", query={"size": 1000}), 200)["items"]
        self.assertIn(name, [x["name"] for x in listed])
        for x in listed:
            self.assertNotIn("password_hash", x)
        self.assertError(self.admin.post(f"{API}/users", {"name": name, "password": pw}), 409,
                         "already_exists", "duplicate user")
        self.assertError(self.admin.post(f"{API}/users", {"name": "bad name!", "password": pw}), 400,
                         "invalid_argument", "bad user name")
        self.assertError(self.admin.post(f"{API}/users", {"name": "short-" + uid(), "password": "short"}),
                         400, "invalid_argument", "short password")
        self.assertError(self.admin.post(f"{API}/users", {"name": "nopw-" + uid()}), 400,
                         "invalid_argument", "user without password")

        # The user logs in and owns a secret: deleting him is refused until it is gone.
        user = self.login_as(name, pw)
        me = self.assertStatus(user.get(f"{API}/current-user"), 200)
        self.assertEqual(me["name"], name)
        sval = self.add_secret("owned-" + secrets.token_hex(8), "owned secret")
        s = self.assertStatus(user.post(f"{API}/secrets", {"name": f"owned-{name}", "values": {"v": sval}}), 201)
        err = self.assertError(self.admin.delete(f"{API}/users/{name}"), 400, "failed_precondition",
                               "delete a user who owns a secret")
        self.assertIn(name, err["message"])
        self.assertIn(name, [x["name"] for x in self.assertStatus(self.admin.get(f"{API}/users", query={"name": name}),
                                                                  200)["items"]])
        self.assertStatus(user.delete(f"{API}/secrets/{s['id']}"), 204)
        st, body = self.admin.delete(f"{API}/users/{name}")
        self.assertEqual(st, 204, body)
        self.assertEqual(self.assertStatus(self.admin.get(f"{API}/users", query={"name": name}), 200)["total"], 0)
        self.assertError(user.get(f"{API}/current-user"), 401, "unauthenticated", "token of a deleted user")
        self.assertError(self.anon.post(f"{API}/login", {"username": name, "password": pw}), 401,
                         "unauthenticated", "login of a deleted user")
        self.assertError(self.admin.delete(f"{API}/users/{name}"), 404, "not_found", "delete twice")
        self.assertError(self.admin.delete(f"{API}/users/admin"), 400, "failed_precondition",
                         "admin deletes himself")
        # A second admin may administer users; a plain user may not.
        adm = "adm-" + uid()
        apw = self.add_secret("pw-" + secrets.token_hex(8), f"password of {adm}")
        made = self.assertStatus(self.admin.post(f"{API}/users", {"name": adm, "password": apw, "admin": True}), 201)
        self.assertTrue(made["admin"])
        adm_client = self.login_as(adm, apw)
        self.assertStatus(adm_client.get(f"{API}/users"), 200, "a second admin lists users")
        self.assertStatus(adm_client.post(f"{API}/logout"), 204)
        self.assertStatus(self.admin.delete(f"{API}/users/{adm}"), 204)

    def test_user_owning_connector_cannot_be_deleted(self):
        name = "owner-" + uid()
        pw = self.add_secret("pw-" + secrets.token_hex(8), f"password of {name}")
        self.assertStatus(self.admin.post(f"{API}/users", {"name": name, "password": pw}), 201)
        user = self.login_as(name, pw)
        c = self.create_docker(f"{name}-conn", client=user, registry=dead_registry(), verify=False)
        self.assertError(self.admin.delete(f"{API}/users/{name}"), 400, "failed_precondition",
                         "delete a user who owns a connector")
        self.assertStatus(user.delete(f"{API}/service_connectors/{c['id']}"), 204)
        self.assertStatus(self.admin.delete(f"{API}/users/{name}"), 204)

    def test_service_account_and_api_key(self):
        sa = "sa-" + uid()
        u = self.assertStatus(self.admin.post(f"{API}/users", {"name": sa, "service_account": True}), 201)
        self.assertTrue(u["service_account"])
        self.assertError(self.admin.post(f"{API}/users", {"name": "sa-" + uid(), "service_account": True,
                                                          "password": "sa-password-1"}),
                         400, "invalid_argument", "service account with a password")
        key = self.assertStatus(self.admin.post(f"{API}/users/{sa}/api_keys", {"name": "ci"}), 201)
        self.add_secret(key["token"], "API key")
        self.assertEqual(key["name"], "ci")
        self.assertEqual(key["user"]["name"], sa)
        self.assertIsNone(key["expires_at"])
        c = self.anon.with_token(key["token"], sa)
        me = self.assertStatus(c.get(f"{API}/current-user"), 200)
        self.assertEqual(me["name"], sa)
        self.assertTrue(me["service_account"])
        self.assertError(c.get(f"{API}/users"), 403, "permission_denied", "service account lists users")
        e = self.assertError(self.anon.post(f"{API}/login", {"username": sa, "password": "any-password-1"}),
                             401, "unauthenticated", "service account logs in with a password")
        self.assertEqual(e["message"], "wrong user name or password")
        # People log in with passwords; accounts don't; keys only for accounts.
        self.assertError(self.admin.post(f"{API}/users/admin/api_keys", {}), 400, "invalid_argument",
                         "API key for a person")
        self.assertError(self.admin.post(f"{API}/users/nobody-{uid()}/api_keys", {}), 404, "not_found",
                         "API key for a missing account")
        self.assertError(self.admin.post(f"{API}/users/{sa}/api_keys", {"ttl_seconds": 0}), 400,
                         "invalid_argument", "ttl_seconds=0")
        self.assertError(self.admin.post(f"{API}/users/{sa}/api_keys", {"ttl_seconds": "1"}), 400,
                         "invalid_argument", "ttl_seconds as a string")

        # ttl_seconds=1: valid now, 401 once expired. Times are whole seconds on the server, so
        # start just after a second boundary to have (almost) the whole second.
        time.sleep(1.02 - (time.time() % 1.0))
        short = self.assertStatus(self.admin.post(f"{API}/users/{sa}/api_keys",
                                                  {"name": "short", "ttl_seconds": 1}), 201)
        self.add_secret(short["token"], "short-lived API key")
        self.assertIsNotNone(short["expires_at"])
        sc = self.anon.with_token(short["token"], sa)
        self.assertStatus(sc.get(f"{API}/current-user"), 200, "API key within its ttl")
        time.sleep(2.1)
        self.assertError(sc.get(f"{API}/current-user"), 401, "unauthenticated", "expired API key")
        self.assertHealthy()
        self.assertStatus(c.get(f"{API}/current-user"), 200, "the long-lived key still works")

    def test_tokens_list_and_revoke(self):
        second = self.login_as("admin", self.admin_password, "second-" + uid())
        mine = self.assertStatus(self.admin.get(f"{API}/tokens", query={"size": 1000}), 200)["items"]
        me = self.assertStatus(self.admin.get(f"{API}/current-user"), 200)
        for t in mine:
            self.assertEqual(t["user_id"], me["id"])
            self.assertEqual(set(t), {"id", "user_id", "name", "created", "expires_at", "revoked"},
                             "tokens must not expose their value or hash")
        second_name = [t for t in mine if t["name"].startswith("second-")]
        self.assertTrue(second_name, json.dumps(mine))
        tid = second_name[-1]["id"]
        self.assertStatus(second.get(f"{API}/current-user"), 200)
        st, body = self.admin.delete(f"{API}/tokens/{tid}")
        self.assertEqual(st, 204, body)
        self.assertError(second.get(f"{API}/current-user"), 401, "unauthenticated", "revoked token")
        after = {t["id"]: t for t in self.assertStatus(self.admin.get(f"{API}/tokens", query={"size": 1000}),
                                                       200)["items"]}
        if tid in after:
            self.assertTrue(after[tid]["revoked"], "a revoked token must be listed as revoked")
        self.assertError(self.admin.delete(f"{API}/tokens/{uuid.uuid4()}"), 404, "not_found",
                         "revoke an unknown token")
        # all=true: every user's tokens, for an admin.
        sa = "sa-tok-" + uid()
        self.assertStatus(self.admin.post(f"{API}/users", {"name": sa, "service_account": True}), 201)
        key = self.assertStatus(self.admin.post(f"{API}/users/{sa}/api_keys", {}), 201)
        self.add_secret(key["token"], "API key")
        every = self.assertStatus(self.admin.get(f"{API}/tokens", query={"all": "true", "user": sa}), 200)
        self.assertIn(key["id"], [t["id"] for t in every["items"]])
        mine = self.assertStatus(self.admin.get(f"{API}/tokens", query={"id": key["id"]}), 200)
        self.assertEqual(mine["items"], [])
        self.assertError(self.admin.get(f"{API}/tokens", query={"all": "maybe"}), 400, "invalid_argument")
        # An admin may revoke another user's token.
        self.assertStatus(self.admin.delete(f"{API}/tokens/{key['id']}"), 204)
        self.assertError(self.anon.with_token(key["token"]).get(f"{API}/current-user"), 401,
                         "unauthenticated", "API key revoked by an admin")

    # =============================================================================
    # Connector types
    # =============================================================================
    def test_connector_types(self):
        types = self.assertStatus(self.admin.get(f"{API}/service_connector_types"), 200)
        names = sorted(t["connector_type"] for t in types)
        self.assertEqual(names, ["aws", "azure", "docker", "gcp", "kubernetes"])
        only = self.assertStatus(self.admin.get(f"{API}/service_connector_types",
                                                query={"connector_type": "docker"}), 200)
        self.assertEqual([t["connector_type"] for t in only], ["docker"])
        by_rt = self.assertStatus(self.admin.get(f"{API}/service_connector_types",
                                                 query={"resource_type": "docker-registry"}), 200)
        self.assertIn("docker", [t["connector_type"] for t in by_rt])
        self.assertNotIn("kubernetes", [t["connector_type"] for t in by_rt])
        docker = self.assertStatus(self.admin.get(f"{API}/service_connector_types/docker"), 200)
        self.assertEqual(docker["connector_type"], "docker")
        methods = {m["auth_method"]: m for m in docker["auth_methods"]}
        self.assertIn("password", methods)
        fields = {f["name"]: f for f in methods["password"]["config_fields"]}
        self.assertTrue(fields["password"]["secret"])
        self.assertError(self.anon.get(f"{API}/service_connector_types"), 401, "unauthenticated")
        # A type that does not exist is a missing resource.
        self.assertError(self.admin.get(f"{API}/service_connector_types/no-such-type"), 404, "not_found",
                         "GET an unknown connector type")

    # =============================================================================
    # Connectors
    # =============================================================================
    def test_connector_create_verified(self):
        name = "reg-" + uid()
        c = self.create_docker(name, labels={"env": "test"}, description="real registry")
        self.assertEqual(c["name"], name)
        self.assertEqual(c["connector_type"], "docker")
        self.assertEqual(c["auth_method"], "password")
        self.assertEqual(c["resource_types"], ["docker-registry"])
        self.assertEqual(c["resource_id"], self.reg.hostport)
        self.assertEqual(c["owner"], "admin")
        self.assertEqual(c["version"], 1)
        self.assertFalse(c["shared"])
        self.assertEqual(c["labels"], {"env": "test"})
        self.assertEqual(c["description"], "real registry")
        self.assertEqual(c["secrets"].get("password"), HIDDEN)
        rep = c["resources"]
        self.assertIsNotNone(rep, "a verified registration reports its resources")
        self.assertIsNone(rep["error"], json.dumps(rep))
        self.assertEqual([r["resource_type"] for r in rep["resources"]], ["docker-registry"])
        self.assertIn(self.reg.hostport, rep["resources"][0]["resource_ids"])
        self.assertIsNone(rep["resources"][0]["error"])
        # The registry really authenticated the verification.
        self.assertTrue([e for e in self.reg.access_log() if e["status"] == 200],
                        "no authenticated request reached the registry")
        # Same name again: 409, and nothing new.
        self.assertError(self.admin.post(f"{API}/service_connectors", self.docker_body(name)), 409,
                         "already_exists", "duplicate connector name")
        self.assertEqual(self.list_names(name=name), [name])

    def test_connector_create_wrong_password_is_refused(self):
        name = "wrong-" + uid()
        wrong = self.add_secret("wrong-pw-" + secrets.token_hex(8), "wrong registry password")
        st, body = self.admin.post(f"{API}/service_connectors", self.docker_body(name, password=wrong))
        # 422, not 401: the registry refused the connector's password, not the caller's token.
        self.assertEqual(st, 422, body)
        self.assertEqual(body["error"]["code"], "unauthenticated", body)
        self.assertIsNone(error_shape_problem(body), body)
        self.assertEqual(self.list_names(name=name), [], "a connector that failed verification was stored")

    def test_connector_create_without_verify(self):
        name = "nv-" + uid()
        wrong = self.add_secret("nv-wrong-" + secrets.token_hex(8), "wrong registry password")
        c = self.create_docker(name, password=wrong, verify=False)
        self.assertIsNone(c["resources"], "verify=false must not verify")
        self.assertEqual(c["version"], 1)
        got = self.assertStatus(self.get_connector(name), 200)
        self.assertEqual(got["id"], c["id"])
        # Verifying it now reports the failure (200 with an error in the report).
        rep = self.assertStatus(self.admin.put(f"{API}/service_connectors/{c['id']}/verify"), 200)
        self.assertTrue(rep["error"] or any(r.get("error") for r in rep["resources"]), json.dumps(rep))

    def test_connector_create_bad_requests(self):
        base = self.docker_body("bad-" + uid(), verify=False)
        cases = {
            "missing connector_type": {k: v for k, v in base.items() if k != "connector_type"},
            "unknown connector_type": {**base, "connector_type": "nope"},
            "name not a string": {**base, "name": 5},
            "shared not a bool": {**base, "shared": "yes"},
            "labels not an object": {**base, "labels": ["a"]},
            "label value not a string": {**base, "labels": {"a": 1}},
            "unknown field": {**base, "colour": "blue"},
            "secrets value not a string": {**base, "secrets": {"password": 1}},
            "missing required attribute": {**base, "configuration": {"registry": self.reg.url}},
            "both resource_type and resource_types": {**base, "resource_type": "docker-registry",
                                                      "resource_types": ["docker-registry"]},
            "body is a list": [base],
            "no name": {k: v for k, v in base.items() if k != "name"},
        }
        for what, body in cases.items():
            with self.subTest(what):
                self.assertError(self.admin.post(f"{API}/service_connectors", body), 400, "invalid_argument", what)
        self.assertEqual(self.list_names(name=base["name"]), [])

    def test_connector_list_filters(self):
        tag = uid()
        a = self.create_docker(f"flt-{tag}-a", registry=dead_registry(), verify=False,
                               labels={"suite": tag, "env": "prod", "team": "core"})
        b = self.create_docker(f"flt-{tag}-b", registry=dead_registry(), verify=False,
                               labels={"suite": tag, "env": "dev"})
        k = self.create_kube(f"flt-{tag}-k", labels={"suite": tag, "env": "prod"})
        s = f"suite={tag}"
        self.assertEqual(self.list_names(label=s), [a["name"], b["name"], k["name"]])
        self.assertEqual(self.list_names(label=s, connector_type="docker"), [a["name"], b["name"]])
        self.assertEqual(self.list_names(label=s, connector_type="kubernetes"), [k["name"]])
        self.assertEqual(self.list_names(label=[s, "team"]), [a["name"]])
        self.assertEqual(self.list_names(label=[s, "env=prod"]), [a["name"], k["name"]])
        self.assertEqual(self.list_names(label=[s, "env=prod", "team=core"]), [a["name"]])
        self.assertEqual(self.list_names(label=[s, "env=staging"]), [])
        self.assertEqual(self.list_names(label=[s, "nokey"]), [])
        self.assertEqual(self.list_names(name=b["name"]), [b["name"]])
        self.assertEqual(self.list_names(name=f"flt-{tag}"), [], "name is an exact match")
        self.assertEqual(self.list_names(label=s, auth_method="token"), [k["name"]])
        self.assertEqual(self.list_names(label=s, resource_type="docker-registry"), [a["name"], b["name"]])
        page = self.assertStatus(self.admin.get(f"{API}/service_connectors", query={"label": s}), 200)
        self.assertEqual(page["total"], 3)
        for item in page["items"]:
            for v in item["secrets"].values():
                self.assertEqual(v, HIDDEN, "list must never show secret values")
        self.assertError(self.admin.get(f"{API}/service_connectors", query={"label": "=x"}), 400,
                         "invalid_argument", "label '=x'")

    def test_connector_paging_and_sorting(self):
        tag = uid()
        names = [f"pg-{tag}-{i}" for i in range(7)]
        for n in (names[3], names[0], names[6], names[1], names[5], names[2], names[4]):
            self.create_docker(n, registry=dead_registry(), verify=False, labels={"pg": tag})
        pages = []
        for index in (1, 2, 3):
            p = self.assertStatus(self.admin.get(f"{API}/service_connectors",
                                                 query={"label": f"pg={tag}", "size": 3, "page": index}), 200)
            self.assertEqual((p["index"], p["max_size"], p["total"], p["total_pages"]), (index, 3, 7, 3),
                             json.dumps({k: v for k, v in p.items() if k != "items"}))
            pages.append([c["name"] for c in p["items"]])
        self.assertEqual([len(p) for p in pages], [3, 3, 1])
        flat = [n for p in pages for n in p]
        self.assertEqual(len(set(flat)), 7, f"pages overlap: {pages}")
        self.assertEqual(flat, sorted(names), f"pages not sorted by name: {pages}")
        beyond = self.assertStatus(self.admin.get(f"{API}/service_connectors",
                                                  query={"label": f"pg={tag}", "size": 3, "page": 4}), 200)
        self.assertEqual(beyond["items"], [])
        desc = self.list_names(label=f"pg={tag}", sort_by="-name")
        self.assertEqual(desc, sorted(names, reverse=True))
        desc_pages = [self.list_names(label=f"pg={tag}", sort_by="-name", size=3, page=i) for i in (1, 2, 3)]
        self.assertEqual([n for p in desc_pages for n in p], sorted(names, reverse=True))
        self.assertEqual(len(self.list_names(label=f"pg={tag}", sort_by="created")), 7)
        for q, what in (({"sort_by": "colour"}, "bad sort_by"), ({"sort_by": "-"}, "sort_by '-'"),
                        ({"size": 0}, "size 0"), ({"size": 1001}, "size 1001"), ({"page": 0}, "page 0"),
                        ({"size": "three"}, "size not an integer"), ({"page": "1x"}, "page not an integer")):
            with self.subTest(what):
                self.assertError(self.admin.get(f"{API}/service_connectors", query=q), 400,
                                 "invalid_argument", what)

    def test_connector_get(self):
        name = "get-" + uid()
        c = self.create_docker(name, verify=False)
        for ref in (c["id"], name, c["id"][:13]):
            with self.subTest(ref=ref):
                got = self.assertStatus(self.get_connector(ref), 200, f"GET {ref}")
                self.assertEqual(got["id"], c["id"])
                self.assertEqual(got["secrets"]["password"], HIDDEN)
                self.assertNotIn("resources", got)
        full = self.assertStatus(self.get_connector(name, expand_secrets="true"), 200)
        self.assertEqual(full["secrets"]["password"], self.reg_password)
        self.assertEqual(full["secrets"]["username"], self.reg_user)
        hidden = self.assertStatus(self.get_connector(name, expand_secrets="false"), 200)
        self.assertEqual(hidden["secrets"]["password"], HIDDEN)
        self.assertError(self.get_connector(name, expand_secrets="perhaps"), 400, "invalid_argument")
        missing = str(uuid.uuid4())
        err = self.assertError(self.get_connector(missing), 404, "not_found", "GET a missing connector")
        self.assertIn(missing, err["message"])
        self.assertError(self.get_connector("no-such-" + uid()), 404, "not_found")

    def test_connector_update(self):
        name = "upd-" + uid()
        c = self.create_docker(name, verify=False, labels={"keep": "1", "drop": "x"})
        url = f"{API}/service_connectors/{c['id']}"
        u = self.assertStatus(self.admin.put(url, {"labels": {"new": "2", "drop": None}, "version": 1,
                                                   "verify": False}), 200, "update labels")
        self.assertEqual(u["labels"], {"keep": "1", "new": "2"})
        self.assertEqual(u["version"], 2)
        self.assertIsNone(u["resources"])
        u = self.assertStatus(self.admin.put(url, {"shared": True, "description": "d2", "verify": False}), 200)
        self.assertTrue(u["shared"])
        self.assertEqual(u["description"], "d2")
        self.assertEqual(u["version"], 3)
        # Rename, with verification against the real registry this time.
        new_name = name + "-renamed"
        u = self.assertStatus(self.admin.put(url, {"name": new_name, "version": 3}), 200, "rename + verify")
        self.assertEqual(u["name"], new_name)
        self.assertEqual(u["version"], 4)
        self.assertIsNotNone(u["resources"])
        self.assertIsNone(u["resources"]["error"], json.dumps(u["resources"]))
        self.assertEqual(u["secrets"]["password"], HIDDEN)
        got = self.assertStatus(self.get_connector(new_name, expand_secrets="true"), 200)
        self.assertEqual((got["id"], got["version"], got["shared"], got["labels"]),
                         (c["id"], 4, True, {"keep": "1", "new": "2"}))
        self.assertEqual(got["secrets"]["password"], self.reg_password, "update lost the password")
        self.assertError(self.get_connector(name), 404, "not_found", "old name after rename")

        # A stale version: 409 and nothing changes.
        before = self.assertStatus(self.get_connector(c["id"]), 200)
        err = self.assertError(self.admin.put(url, {"labels": {"stale": "1"}, "name": name + "-stale",
                                                    "shared": False, "version": 2, "verify": False}),
                               409, "conflict", "stale version")
        self.assertIn("version", err["message"])
        after = self.assertStatus(self.get_connector(c["id"]), 200)
        self.assertEqual(after, before, "a refused stale update changed the stored connector")

        # Bad updates.
        self.assertError(self.admin.put(url, {"colour": "red"}), 400, "invalid_argument", "unknown field")
        self.assertError(self.admin.put(url, {"version": "4"}), 400, "invalid_argument", "version as string")
        self.assertError(self.admin.put(url, {"labels": {"a": 1}}), 400, "invalid_argument", "label int")
        self.assertError(self.admin.put(url, {"remove_attrs": ["nope"], "verify": False}), 400,
                         "invalid_argument", "remove a missing attribute")
        self.assertError(self.admin.put(f"{API}/service_connectors/missing-{uid()}", {"verify": False}), 404,
                         "not_found", "update a missing connector")
        other = self.create_docker("upd-other-" + uid(), registry=dead_registry(), verify=False)
        self.assertError(self.admin.put(url, {"name": other["name"], "verify": False}), 409, "already_exists",
                         "rename onto an existing connector's name")
        final = self.assertStatus(self.get_connector(c["id"]), 200)
        self.assertEqual(final["version"], 4)

    def test_connector_concurrent_updates(self):
        c = self.create_docker("conc-" + uid(), registry=dead_registry(), verify=False)
        url = f"{API}/service_connectors/{c['id']}"
        threads_n, rounds = 8, 4
        outcomes = []
        for rnd in range(rounds):
            barrier = threading.Barrier(threads_n)
            results = [None] * threads_n

            def worker(i, rnd=rnd, barrier=barrier, results=results):
                st, cur = self.get_connector(c["id"])
                try:
                    barrier.wait(timeout=30)
                except threading.BrokenBarrierError:
                    pass
                if st != 200:
                    results[i] = (st, cur, None)
                    return
                v = cur["version"]
                results[i] = (*self.admin.put(url, {"labels": {"writer": f"{rnd}-{i}"}, "version": v,
                                                    "verify": False}), v)

            ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads_n)]
            for t in ts:
                t.start()
            for t in ts:
                t.join(timeout=60)
            outcomes.append(results)
            statuses = sorted(r[0] for r in results)
            read_versions = {r[2] for r in results}
            self.assertEqual(len(read_versions), 1, f"round {rnd}: threads read different versions")
            unexpected = [(r[0], r[1]) for r in results if r[0] not in (200, 409)]
            self.assertEqual(statuses, [200] + [409] * (threads_n - 1),
                             f"round {rnd}: expected exactly one 200 and {threads_n - 1} 409s; "
                             f"unexpected answers: {json.dumps(unexpected)[:1500]}")
            (read_version,) = read_versions
            for st, body, _v in results:
                if st == 409:
                    self.assertEqual(body["error"]["code"], "conflict", body)
                else:
                    self.assertEqual(body["version"], read_version + 1)
        successes = sum(1 for res in outcomes for r in res if r[0] == 200)
        final = self.assertStatus(self.get_connector(c["id"]), 200)
        self.assertEqual(final["version"], 1 + successes)
        winner = [f"{rnd}-{i}" for rnd, res in enumerate(outcomes) for i, r in enumerate(res) if r[0] == 200][-1]
        self.assertEqual(final["labels"], {"writer": winner})

    def test_connector_reads_during_concurrent_updates(self):
        """Free-for-all: writers re-read and retry, readers expand secrets meanwhile. Writers only
        ever see 200 or 409; readers always 200 with the stored password."""
        password = self.add_secret("ffa-pw-" + secrets.token_hex(8), "connector password")
        c = self.create_docker("ffa-" + uid(), registry=dead_registry(), password=password, verify=False)
        url = f"{API}/service_connectors/{c['id']}"
        writes, reads, lock = [], [], threading.Lock()
        stop = threading.Event()

        def writer(i):
            for n in range(6):
                st, cur = self.get_connector(c["id"])
                if st != 200:
                    with lock:
                        writes.append((st, cur))
                    continue
                st, body = self.admin.put(url, {"labels": {"w": f"{i}-{n}"}, "version": cur["version"],
                                                "verify": False})
                with lock:
                    writes.append((st, body))

        def reader():
            while not stop.is_set():
                st, body = self.get_connector(c["id"], expand_secrets="true")
                ok = st == 200 and body["secrets"].get("password") == password
                with lock:
                    reads.append((st, None if ok else body))

        ws = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
        rs = [threading.Thread(target=reader) for _ in range(2)]
        for t in rs + ws:
            t.start()
        for t in ws:
            t.join(timeout=60)
        stop.set()
        for t in rs:
            t.join(timeout=60)
        bad_writes = [w for w in writes if w[0] not in (200, 409)]
        bad_reads = [r for r in reads if r[0] != 200 or r[1] is not None]
        self.assertEqual(bad_writes, [], "concurrent updates must answer 200 or 409 only")
        self.assertEqual(bad_reads, [], f"GET ?expand_secrets=true failed during concurrent updates "
                                        f"({len(bad_reads)} of {len(reads)} reads)")
        successes = sum(1 for w in writes if w[0] == 200)
        self.assertGreater(successes, 0)
        final = self.assertStatus(self.get_connector(c["id"], expand_secrets="true"), 200)
        self.assertEqual(final["version"], 1 + successes)
        self.assertEqual(final["secrets"]["password"], password)

    def test_connector_delete(self):
        name = "del-" + uid()
        c = self.create_docker(name, registry=dead_registry(), verify=False)
        st, body = self.admin.delete(f"{API}/service_connectors/{name}")
        self.assertEqual(st, 204, body)
        self.assertIsNone(body)
        self.assertError(self.get_connector(c["id"]), 404, "not_found", "GET after delete")
        self.assertError(self.admin.delete(f"{API}/service_connectors/{c['id']}"), 404, "not_found",
                         "delete twice")
        self.assertEqual(self.list_names(name=name), [])
        # The name is free again.
        self.create_docker(name, registry=dead_registry(), verify=False)

    def test_connector_verify_saved_and_unsaved(self):
        name = "ver-" + uid()
        c = self.create_docker(name, verify=False)
        rep = self.assertStatus(self.admin.put(f"{API}/service_connectors/{name}/verify"), 200)
        self.assertEqual(rep["id"], c["id"])
        self.assertEqual(rep["name"], name)
        self.assertIsNone(rep["error"], json.dumps(rep))
        self.assertIn(self.reg.hostport, rep["resources"][0]["resource_ids"])
        rep = self.assertStatus(self.admin.put(f"{API}/service_connectors/{name}/verify",
                                               query={"resource_type": "docker-registry",
                                                      "list_resources": "false"}), 200)
        self.assertIsNone(rep["error"], json.dumps(rep))
        self.assertError(self.admin.put(f"{API}/service_connectors/{name}/verify",
                                        query={"list_resources": "nah"}), 400, "invalid_argument")
        self.assertError(self.admin.put(f"{API}/service_connectors/missing-{uid()}/verify"), 404, "not_found")
        # Unsaved: nothing is stored either way.
        before = self.assertStatus(self.admin.get(f"{API}/service_connectors"), 200)["total"]
        good = self.docker_body("")
        del good["name"]
        rep = self.assertStatus(self.admin.post(f"{API}/service_connectors/verify", good), 200, "verify draft")
        self.assertIsNone(rep["error"], json.dumps(rep))
        self.assertIn(self.reg.hostport, rep["resources"][0]["resource_ids"])
        bad = dict(good, secrets={"password": self.add_secret("draft-wrong-" + secrets.token_hex(6))})
        rep = self.assertStatus(self.admin.post(f"{API}/service_connectors/verify", bad), 200)
        self.assertTrue(rep["error"] or any(r.get("error") for r in rep["resources"]), json.dumps(rep))
        self.assertError(self.admin.post(f"{API}/service_connectors/verify", dict(good, colour=1)), 400,
                         "invalid_argument", "unknown field in a draft")
        self.assertError(self.admin.post(f"{API}/service_connectors/verify", raw=b"{nope"), 400,
                         "invalid_argument", "malformed draft")
        self.assertEqual(self.assertStatus(self.admin.get(f"{API}/service_connectors"), 200)["total"], before,
                         "verifying a draft stored something")

    def test_connector_resources(self):
        good = self.create_docker("res-ok-" + uid(), verify=False)
        wrong = self.add_secret("res-wrong-" + secrets.token_hex(6), "wrong registry password")
        bad = self.create_docker("res-bad-" + uid(), password=wrong, verify=False)
        kube = self.create_kube("res-kube-" + uid())
        reports = self.assertStatus(self.admin.get(f"{API}/service_connectors/resources"), 200)
        by_id = {r["id"]: r for r in reports}
        self.assertIn(good["id"], by_id)
        self.assertIsNone(by_id[good["id"]]["error"], json.dumps(by_id[good["id"]]))
        self.assertIn(self.reg.hostport, by_id[good["id"]]["resources"][0]["resource_ids"])
        self.assertTrue(by_id[bad["id"]]["error"] or by_id[bad["id"]]["resources"][0]["error"],
                        json.dumps(by_id[bad["id"]]))
        ok_only = self.assertStatus(self.admin.get(f"{API}/service_connectors/resources",
                                                   query={"exclude_errors": "true"}), 200)
        ids = [r["id"] for r in ok_only]
        self.assertIn(good["id"], ids)
        self.assertNotIn(bad["id"], ids)
        docker_only = self.assertStatus(self.admin.get(f"{API}/service_connectors/resources",
                                                       query={"connector_type": "docker"}), 200)
        self.assertNotIn(kube["id"], [r["id"] for r in docker_only])
        self.assertIn(good["id"], [r["id"] for r in docker_only])
        self.assertError(self.admin.get(f"{API}/service_connectors/resources", query={"exclude_errors": "x"}),
                         400, "invalid_argument")

    def test_connector_client_and_cache_metrics(self):
        name = "cli-" + uid()
        c = self.create_docker(name)
        _, before = self.anon.get("/metrics")
        hits_before = self.metric_value(before, "latchkey_credential_cache_hits_total") \
            if "latchkey_credential_cache_hits_total " in before else 0.0
        first = self.assertStatus(self.admin.get(f"{API}/service_connectors/{name}/client"), 200, "client")
        self.assertEqual(first["connector_type"], "docker")
        self.assertEqual(first["id"], c["id"])
        self.assertEqual(first["resource_types"], ["docker-registry"])
        self.assertEqual(first["resource_id"], self.reg.hostport)
        self.assertEqual(first["secrets"]["username"], self.reg_user)
        self.assertEqual(first["secrets"]["password"], self.reg_password)
        second = self.assertStatus(self.admin.get(f"{API}/service_connectors/{c['id']}/client",
                                                  query={"resource_type": "docker-registry"}), 200)
        self.assertEqual(second["secrets"], first["secrets"])
        st, text = self.anon.get("/metrics")
        self.assertEqual(st, 200)
        self.assertIn("latchkey_http_requests_total", text)
        self.assertGreater(self.metric_value(text, "latchkey_credential_cache_hits_total"), hits_before,
                           "the second /client call was not served from the cache")
        self.assertGreater(self.metric_value(text, "latchkey_client_credentials_served_total"), 0)
        self.assertRegex(text, r'latchkey_http_requests_total\{[^}]*route="/api/v1/service_connectors/\{id\}/client"')
        self.assertError(self.admin.get(f"{API}/service_connectors/missing-{uid()}/client"), 404, "not_found")
        self.assertError(self.admin.get(f"{API}/service_connectors/{name}/client",
                                        query={"resource_type": "kubernetes-cluster"}), 400)

    # =============================================================================
    # Secrets
    # =============================================================================
    def test_secrets_crud(self):
        name = "sec-" + uid()
        v1 = self.add_secret("sv1-" + secrets.token_hex(8), "secret value 1")
        v2 = self.add_secret("sv2-" + secrets.token_hex(8), "secret value 2")
        v3 = self.add_secret("sv3-" + secrets.token_hex(8), "secret value 3")
        s = self.assertStatus(self.admin.post(f"{API}/secrets", {"name": name, "values": {"a": v1, "b": v2}}), 201)
        self.assertEqual(s["name"], name)
        self.assertEqual(s["values"], {"a": HIDDEN, "b": HIDDEN})
        self.assertEqual(s["owner"], "admin")
        self.assertFalse(s["shared"])
        listed = self.assertStatus(self.admin.get(f"{API}/secrets", query={"name": name}), 200)
        self.assertEqual(listed["total"], 1)
        mine = [x for x in listed["items"] if x["id"] == s["id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["values"], {"a": HIDDEN, "b": HIDDEN})
        for ref in (s["id"], name, s["id"][:13]):
            with self.subTest(ref=ref):
                got = self.assertStatus(self.admin.get(f"{API}/secrets/{ref}"), 200)
                self.assertEqual(got["id"], s["id"])
                self.assertEqual(got["values"], {"a": HIDDEN, "b": HIDDEN})
        full = self.assertStatus(self.admin.get(f"{API}/secrets/{name}", query={"expand_secrets": "true"}), 200)
        self.assertEqual(full["values"], {"a": v1, "b": v2})
        # Update values: add c, change b, remove a.
        u = self.assertStatus(self.admin.put(f"{API}/secrets/{name}",
                                             {"values": {"c": v3, "b": v1}, "remove_keys": ["a"]}), 200)
        self.assertEqual(u["values"], {"b": HIDDEN, "c": HIDDEN})
        full = self.assertStatus(self.admin.get(f"{API}/secrets/{s['id']}", query={"expand_secrets": "1"}), 200)
        self.assertEqual(full["values"], {"b": v1, "c": v3})
        # Share it: the stored secret says so.
        u = self.assertStatus(self.admin.put(f"{API}/secrets/{name}", {"shared": True}), 200)
        self.assertTrue(u["shared"])
        got = self.assertStatus(self.admin.get(f"{API}/secrets/{name}"), 200)
        self.assertTrue(got["shared"], "PUT {shared: true} answered shared=true but did not store it")
        self.assertEqual(got["values"], {"b": HIDDEN, "c": HIDDEN}, "sharing changed the values")
        # Rename.
        new = name + "-renamed"
        u = self.assertStatus(self.admin.put(f"{API}/secrets/{name}", {"name": new}), 200)
        self.assertEqual((u["id"], u["name"]), (s["id"], new))
        self.assertError(self.admin.get(f"{API}/secrets/{name}"), 404, "not_found", "old secret name")
        full = self.assertStatus(self.admin.get(f"{API}/secrets/{new}", query={"expand_secrets": "true"}), 200)
        self.assertEqual(full["values"], {"b": v1, "c": v3}, "rename changed the values")
        self.assertTrue(full["shared"])
        # Unshare + rename together.
        u = self.assertStatus(self.admin.put(f"{API}/secrets/{new}", {"shared": False, "name": name}), 200)
        self.assertEqual((u["name"], u["shared"]), (name, False))
        got = self.assertStatus(self.admin.get(f"{API}/secrets/{name}"), 200)
        self.assertFalse(got["shared"])
        # Bad input.
        self.assertError(self.admin.post(f"{API}/secrets", {"name": name, "values": {"x": "yyyyyyyy"}}), 409,
                         "already_exists", "duplicate secret name")
        self.assertError(self.admin.post(f"{API}/secrets", {"name": "empty-" + uid(), "values": {}}), 400,
                         "invalid_argument", "secret without values")
        self.assertError(self.admin.post(f"{API}/secrets", {"name": "t-" + uid(), "values": {"a": 1}}), 400,
                         "invalid_argument", "non-string value")
        self.assertError(self.admin.post(f"{API}/secrets", {"name": "t-" + uid(), "values": {"a": "b"},
                                                            "extra": 1}), 400, "invalid_argument", "unknown field")
        self.assertError(self.admin.put(f"{API}/secrets/{name}", {}), 400, "invalid_argument", "empty update")
        self.assertError(self.admin.put(f"{API}/secrets/{name}", {"remove_keys": ["zz"]}), 400,
                         "invalid_argument", "remove a missing key")
        self.assertError(self.admin.put(f"{API}/secrets/{name}", {"remove_keys": ["b", "c"]}), 400,
                         "invalid_argument", "remove every key")
        self.assertError(self.admin.get(f"{API}/secrets/{name}", query={"expand_secrets": "x"}), 400,
                         "invalid_argument")
        self.assertError(self.admin.put(f"{API}/secrets/missing-{uid()}", {"shared": True}), 404, "not_found")
        other = self.assertStatus(self.admin.post(f"{API}/secrets", {"name": "sec-other-" + uid(),
                                                                     "values": {"x": v2}}), 201)
        self.assertError(self.admin.put(f"{API}/secrets/{name}", {"name": other["name"]}), 409, "already_exists",
                         "rename onto an existing secret's name")
        self.assertStatus(self.admin.delete(f"{API}/secrets/{other['id']}"), 204)
        # Delete.
        st, body = self.admin.delete(f"{API}/secrets/{name}")
        self.assertEqual(st, 204, body)
        self.assertError(self.admin.get(f"{API}/secrets/{s['id']}"), 404, "not_found", "GET after delete")
        self.assertError(self.admin.delete(f"{API}/secrets/{s['id']}"), 404, "not_found", "delete twice")
        self.assertNotIn(s["id"], [x["id"] for x in self.assertStatus(
            self.admin.get(f"{API}/secrets", query={"size": 1000}), 200)["items"]])

    # =============================================================================
    # Bad input and bad credentials
    # =============================================================================
    def test_bad_input(self):
        c = self.create_docker("badin-" + uid(), registry=dead_registry(), verify=False)
        curl = f"{API}/service_connectors/{c['id']}"
        big = b'{"name": "' + b"x" * (2 << 20) + b'"}'
        cases = [
            ("malformed JSON", lambda: self.admin.post(f"{API}/service_connectors", raw=b'{"name": '), 400),
            ("truncated JSON", lambda: self.admin.post(f"{API}/secrets", raw=b'{"name": "x", "values": {'), 400),
            ("not JSON at all", lambda: self.admin.post(f"{API}/users", raw=b"name=x&password=y"), 400),
            ("JSON array body", lambda: self.admin.post(f"{API}/secrets", raw=b"[]"), 400),
            ("JSON string body", lambda: self.admin.put(curl, raw=b'"x"'), 400),
            ("wrong type: name", lambda: self.admin.post(f"{API}/users", {"name": 7, "password": "xxxxxxxxxx"}), 400),
            ("wrong type: admin", lambda: self.admin.post(f"{API}/users", {"name": "wt-" + uid(),
                                                                           "password": "xxxxxxxxxx",
                                                                           "admin": "yes"}), 400),
            ("wrong type: shared", lambda: self.admin.put(curl, {"shared": 1, "verify": False}), 400),
            ("wrong type: values", lambda: self.admin.post(f"{API}/secrets", {"name": "x" + uid(),
                                                                              "values": "abc"}), 400),
            ("wrong type: password", lambda: self.anon.post(f"{API}/login", {"username": "admin",
                                                                             "password": 12345678}), 400),
            ("unknown field: user", lambda: self.admin.post(f"{API}/users", {"name": "uf-" + uid(),
                                                                             "password": "xxxxxxxxxx",
                                                                             "role": "root"}), 400),
            ("unknown field: login", lambda: self.anon.post(f"{API}/login", {"username": "admin",
                                                                             "password": "x", "otp": 1}), 400),
            ("unknown field: update", lambda: self.admin.put(curl, {"owner": "bob"}), 400),
            ("unknown field: api key", lambda: self.admin.post(f"{API}/users/admin/api_keys", {"scope": 1}), 400),
            ("2 MiB body", lambda: self.admin.post(f"{API}/service_connectors", raw=big), 413),
            ("2 MiB body, no token", lambda: self.anon.post(f"{API}/login", raw=big), 413),
        ]
        for what, call, status in cases:
            with self.subTest(what):
                resp = call()
                self.assertError(resp, status, None, what)
                if status == 400:
                    self.assertEqual(resp[1]["error"]["code"], "invalid_argument", f"{what}: {resp[1]}")
                self.assertHealthy()
        # Nothing was created or changed by any of them.
        got = self.assertStatus(self.get_connector(c["id"]), 200)
        self.assertEqual((got["version"], got["shared"]), (1, False))

    def test_bad_credentials(self):
        # An expired key and a revoked token, made here so the test stands alone.
        sa = "sa-bad-" + uid()
        self.assertStatus(self.admin.post(f"{API}/users", {"name": sa, "service_account": True}), 201)
        revoked = self.login_as("admin", self.admin_password, "to-revoke")
        self.assertStatus(revoked.post(f"{API}/logout"), 204)
        time.sleep(1.02 - (time.time() % 1.0))
        short = self.assertStatus(self.admin.post(f"{API}/users/{sa}/api_keys", {"ttl_seconds": 1}), 201)
        self.add_secret(short["token"], "short-lived API key")
        time.sleep(2.1)
        tokens = {
            "missing bearer": None,
            "garbage bearer": "garbage",
            "well-formed unknown token": "lk_" + secrets.token_urlsafe(32),
            "expired API key": short["token"],
            "revoked (logged out) token": revoked.token,
        }
        routes = [("GET", f"{API}/current-user"), ("GET", f"{API}/service_connectors"),
                  ("POST", f"{API}/secrets"), ("GET", f"{API}/tokens"), ("POST", f"{API}/logout"),
                  ("DELETE", f"{API}/service_connectors/anything")]
        for what, token in tokens.items():
            client = self.anon.with_token(token, what)
            for method, path in routes:
                with self.subTest(what=what, route=f"{method} {path}"):
                    resp = client.request(method, path, body={"name": "x", "values": {"a": "b"}}
                                          if method == "POST" else None)
                    self.assertError(resp, 401, "unauthenticated", f"{what}: {method} {path}")
                    self.assertTrue(resp.headers.get("WWW-Authenticate", "").startswith("Bearer"),
                                    f"{what}: 401 without a WWW-Authenticate: Bearer header")
            self.assertHealthy()
        # Wrong scheme.
        resp = self.anon.get(f"{API}/current-user", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
        self.assertError(resp, 401, "unauthenticated", "Basic auth")
        self.assertHealthy()

    # =============================================================================
    # Last: audit log and route coverage (names sort after every other test)
    # =============================================================================
    def test_stack_components_and_stacks(self):
        n = uid()
        conn = self.create_docker("stk-conn-" + n)
        registry = self.reg.url.split("://", 1)[1]
        comps = f"{API}/stack_components/container_registry"
        r = self.assertStatus(self.admin.post(comps, {"name": "reg-" + n, "flavor": "default",
                                                      "configuration": {"uri": registry}}), 201)
        self.assertIsNone(r["resources"])
        self.assertError(self.admin.post(comps, {"name": "x-" + n, "flavor": "default",
                                                 "colour": "red"}), 400, "invalid_argument")
        self.assertError(self.admin.post(f"{API}/stack_components/widget", {"name": "w"}), 404)
        got = self.assertStatus(self.admin.get(f"{comps}/reg-{n}"), 200)
        self.assertEqual((got["flavor"], got["configuration"]), ("default", {"uri": registry}))
        self.assertIn("reg-" + n, [c["name"] for c in self.assertStatus(self.admin.get(comps), 200)["items"]])
        linked = self.assertStatus(self.admin.post(f"{comps}/reg-{n}/connect",
                                                   {"connector": conn["name"]}), 200)
        self.assertEqual(linked["connector_id"], conn["id"])
        self.assertEqual(linked["connector_resource_id"], registry)
        self.assertEqual(linked["resources"]["resources"][0]["resource_ids"], [registry])
        # The connector is now in use: deleting it is refused, naming the component.
        refused = self.admin.delete(f"{API}/service_connectors/{conn['id']}")
        self.assertError(refused, 400, "failed_precondition")
        self.assertIn(f"container registry 'reg-{n}'", refused[1]["error"]["message"])
        upd = self.assertStatus(self.admin.put(f"{comps}/reg-{n}", {"name": "reg2-" + n}), 200)
        self.assertEqual(upd["name"], "reg2-" + n)
        store = self.assertStatus(self.admin.post(f"{API}/stack_components/artifact_store",
                                                  {"name": "files-" + n, "flavor": "local"}), 201)
        s = self.assertStatus(self.admin.post(f"{API}/stacks", {
            "name": "stack-" + n, "set_active": True,
            "components": {"artifact_store": store["id"], "container_registry": "reg2-" + n}}), 201)
        self.assertEqual(s["components"]["container_registry"]["connector_id"], conn["id"])
        self.assertEqual(self.assertStatus(self.admin.get(f"{API}/stacks/stack-{n}"), 200)["id"],
                         s["id"])
        self.assertIn(s["id"], [x["id"] for x in self.assertStatus(self.admin.get(f"{API}/stacks"), 200)["items"]])
        self.assertEqual(self.assertStatus(self.admin.get(f"{API}/active_stack"), 200)["stack"]["id"],
                         s["id"])
        other = self.assertStatus(self.admin.post(f"{API}/stacks", {
            "name": "other-" + n, "components": {"artifact_store": "files-" + n}}), 201)
        moved = self.assertStatus(self.admin.put(f"{API}/stacks/{s['id']}", {
            "components": {"container_registry": None}}), 200)
        self.assertEqual(sorted(moved["components"]), ["artifact_store"])
        self.assertError(self.admin.put(f"{API}/stacks/{s['id']}", {
            "components": {"artifact_store": None}}), 400, "invalid_argument")
        self.assertError(self.admin.put(f"{API}/stacks/{s['id']}", {"name": "x"}), 400)
        self.assertError(self.admin.delete(f"{API}/stacks/{s['id']}"), 400)  # the active one
        self.assertStatus(self.admin.put(f"{API}/active_stack", {"stack": other["name"]}), 200)
        self.assertStatus(self.admin.delete(f"{API}/stacks/{s['id']}"), 204)
        self.assertStatus(self.admin.post(f"{comps}/reg2-{n}/disconnect"), 200)
        self.assertStatus(self.admin.delete(f"{comps}/reg2-{n}"), 204)
        self.assertStatus(self.admin.delete(f"{API}/service_connectors/{conn['id']}"), 204)

    def test_zz_audit_log(self):
        # Refused changes of its own, so this test also stands alone.
        self.assertError(self.anon.post(f"{API}/login", {"username": "admin", "password": "not-it-" + uid()}),
                         401, "unauthenticated")
        c = self.create_docker("audit-" + uid(), registry=dead_registry(), verify=False)
        self.assertError(self.admin.put(f"{API}/service_connectors/{c['id']}",
                                        {"labels": {"a": "b"}, "version": 99, "verify": False}), 409, "conflict")
        with open(self.srv.audit_log) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip()]
        self.assertTrue(lines, "the audit log is empty")
        events = []
        for i, ln in enumerate(lines):
            try:
                ev = json.loads(ln)
            except json.JSONDecodeError as e:
                self.fail(f"audit line {i + 1} is not JSON ({e}): {ln[:300]}")
            for key in ("time", "actor", "action", "result", "target"):
                self.assertIn(key, ev, f"audit line {i + 1} lacks {key!r}: {ln[:300]}")
            self.assertTrue(ev["actor"].get("name"), f"audit line {i + 1} has no actor name: {ln[:300]}")
            self.assertTrue(ev["action"] and ev["result"], ln[:300])
            events.append(ev)
        problems = []
        by_action: dict[str, int] = {}
        for route, action in AUDITED.items():
            by_action[action] = by_action.get(action, 0) + self.recorder.count_ok(*route)
        for action, expected in sorted(by_action.items()):
            got = sum(1 for e in events if e["action"] == action and e["result"] == "ok")
            if got != expected:
                problems.append(f"{action}: {expected} successful calls, {got} 'ok' audit lines")
        self.assertEqual(problems, [], "audit log does not match the state changes made")
        # Refused changes are audited with their reason.
        self.assertTrue([e for e in events if e["action"] == "connector.update" and e["result"] == "conflict"],
                        "a stale-version update was not audited as a conflict")
        self.assertTrue([e for e in events if e["action"] == "user.login" and e["result"] == "unauthenticated"],
                        "failed logins are not audited")
        # Actors are the callers.
        creates = [e for e in events if e["action"] == "connector.create" and e["result"] == "ok"]
        self.assertTrue(all(e["actor"]["name"] for e in creates))
        self.assertIn("admin", {e["actor"]["name"] for e in creates})

    def test_zzz_every_route_exercised(self):
        """Needs the whole class to have run: every documented route got at least one 2xx."""
        exercised = self.recorder.ok_routes()
        missing = sorted(self.templates - exercised)
        undocumented = sorted(exercised - self.templates)
        self.assertEqual((missing, undocumented), ([], []),
                         f"routes without a successful call: {missing}; undocumented routes: {undocumented}")
        self.assertEqual(exercised, self.templates)


class PagingOverflowTest(unittest.TestCase):
    """A page far past the end is an empty page or a 400, never a crash. Own throwaway server,
    so a crash here cannot take the suites above down with it."""

    def test_huge_page_numbers(self):
        require_binary()
        srv = self.enterContext(latchkey_server())
        recorder = Recorder(RouteMatcher(load_route_templates()))
        anon = RecordingClient(srv.url, recorder)
        st, body = anon.post(f"{API}/login", {"username": "admin", "password": srv.admin_password})
        self.assertEqual(st, 200, body)
        admin = anon.with_token(body["token"], "admin")
        for i in range(3):
            st, body = admin.post(f"{API}/service_connectors", {
                "name": f"ovf-{i}", "connector_type": "docker", "auth_method": "password",
                "configuration": {"registry": dead_registry(), "username": "u"},
                "secrets": {"password": "ovf-pw-" + secrets.token_hex(6)}, "verify": False})
            self.assertEqual(st, 201, body)
        results = []
        for page, size in ((10 ** 6, 1000), (10 ** 16, 1000), (2 ** 62, 3), (2 ** 63 - 1, 1), (2 ** 63 - 1, 1000)):
            try:
                st, body = admin.get(f"{API}/service_connectors", query={"page": page, "size": size})
            except (urllib.error.URLError, ConnectionError, OSError) as e:
                st, body = None, f"no answer: {e}"
            ok = (st == 200 and body["items"] == []) or \
                 (st == 400 and isinstance(body, dict) and body["error"]["code"] == "invalid_argument")
            results.append((page, size, st, ok, body if not ok else None))
            if srv.proc.poll() is not None:
                break
        bad = [r for r in results if not r[3]]
        died = None
        try:
            died = srv.proc.wait(timeout=1.0) if bad else srv.proc.poll()
        except Exception:  # still running
            died = None
        if bad or died is not None:
            self.fail("GET /api/v1/service_connectors?page=P&size=S with P*S beyond int64 must be an empty "
                      f"page or a 400, not a crash. Server exit status: {died}. Bad answers:\n  "
                      + "\n  ".join(f"page={p} size={s}: {st} {str(b)[:160]}" for p, s, st, _, b in bad))


class SqliteApiTest(ApiSuite, unittest.TestCase):
    STORE_KIND = "sqlite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_class(None)


class PostgresApiTest(ApiSuite, unittest.TestCase):
    STORE_KIND = "postgresql"
    SCAN_HOME_FILES = True  # the secrets key and audit log still live under LATCHKEY_HOME

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_binary()
        url = cls.enterClassContext(postgres_server())
        cls._start_class(url)
        pg_password = urllib.parse.unquote(urllib.parse.urlsplit(url).password or "")
        if len(pg_password) >= 8:
            cls.add_secret(pg_password, "PostgreSQL password")


if __name__ == "__main__":
    unittest.main()
