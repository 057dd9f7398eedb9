"""The fake's HTTP server: routing of every Google API path, admin endpoints, request log."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import oauth, resources, storage
from .httpkit import HttpError, Request, google_error
from .objects import ObjectStore
from .state import State

_O = r"/storage/v1/b/([^/]+)/o/(.+)"
ROUTES = [
    ("POST", r"/token", oauth.token_endpoint),
    ("POST", r"/oauth2/v4/token", oauth.token_endpoint),
    ("GET POST", r"/tokeninfo", oauth.tokeninfo),
    ("GET POST", r"/oauth2/v3/tokeninfo", oauth.tokeninfo),
    ("POST", r"/v1/projects/([^/]+)/serviceAccounts/([^/:]+):generateAccessToken",
     oauth.generate_access_token),
    ("POST", r"/v1/token", oauth.sts_token),
    ("GET", r"/storage/v1/b", storage.list_buckets),
    ("GET", r"/storage/v1/b/([^/]+)", storage.get_bucket),
    ("GET", r"/storage/v1/b/([^/]+)/o", storage.list_objects),
    ("GET HEAD", _O, storage.get_object),
    ("GET HEAD", r"/download" + _O, storage.get_object),
    ("DELETE", _O, storage.delete_object),
    ("POST PUT DELETE", r"/upload/storage/v1/b/([^/]+)/o", storage.upload),
    ("POST PUT DELETE", r"/resumable/upload/storage/v1/b/([^/]+)/o", storage.upload),  # apitools
    ("GET", r"/v1/projects/([^/]+)/(?:locations|zones)/([^/]+)/clusters", resources.list_clusters),
    ("GET", r"/v1/projects/([^/]+)/(?:locations|zones)/([^/]+)/clusters/([^/]+)",
     resources.get_cluster),
    ("GET", r"/v1/projects/([^/]+)/locations", resources.list_ar_locations),
    ("GET", r"/v1/projects/([^/]+)/locations/([^/]+)/repositories",
     resources.list_repositories),
    ("GET", r"/v1/projects/([^/:]+)", resources.get_project),
    ("GET", r"/v3/projects/([^/:]+)", lambda req, p: resources.get_project(req, p, "v3")),
    ("GET", r"/|/computeMetadata(?:/.*)?", oauth.metadata),
]
ROUTES = [(set(m.split()), re.compile(rx), fn) for m, rx, fn in ROUTES]


class GcpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, state: State, store: ObjectStore, log_path: str | None):
        super().__init__(("127.0.0.1", port), Handler)
        self.state, self.store, self.log_path = state, store, log_path
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.log_lock = threading.Lock()

    def log_event(self, event: dict) -> None:
        if not self.log_path:
            return
        event["time"] = round(time.time(), 3)
        with self.log_lock, open(self.log_path, "a") as f:
            f.write(json.dumps(event) + "\n")

    def load_world(self, world: dict) -> None:
        self.state.set_world(world)
        for b, spec in self.state.world["buckets"].items():
            for name, text in (spec.get("objects") or {}).items():
                if self.store.get(b, name) is None:
                    self.store.put_bytes(b, name, text.encode(), "text/plain")


class Handler(BaseHTTPRequestHandler):
    server: GcpServer
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def _dispatch(self):
        req = Request(self, self.server)
        try:
            if req.path.startswith("/__admin/"):
                self._admin(req)
            else:
                self._route(req)
        except HttpError as e:
            if req.status is None:
                req.note = req.note or e.reason[:200]
                req.send_json(e.code, e.body, e.headers)
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True
            req.status = req.status or 499
        except Exception:
            traceback.print_exc(file=sys.stderr)
            if req.status is None:
                req.send_json(500, {"error": {"code": 500, "message": "fake internal error",
                                              "status": "INTERNAL"}})
        self.server.state.count("requests", f"{req.method} {req.status}")
        self.server.log_event(req.log_line())

    def _route(self, req):
        allowed = set()
        for methods, rx, fn in ROUTES:
            m = rx.fullmatch(req.path)
            if m is None:
                continue
            if req.method in methods:
                return fn(req, *m.groups())
            allowed |= methods
        if allowed:
            raise google_error(405, f"Method {req.method} is not allowed here.")
        raise google_error(404, f"The requested URL {req.path} was not found on this server.",
                           "NOT_FOUND")

    def _admin(self, req):
        if self.client_address[0] != "127.0.0.1":
            raise google_error(403, "admin endpoints are loopback only")
        if req.path == "/__admin/stats" and req.method == "GET":
            return req.send_json(200, self.server.state.snapshot_stats())
        if req.path == "/__admin/revoke" and req.method == "POST":
            req.body(1 << 16)
            principal = req.query.get("principal", "")
            n = self.server.state.revoke(principal)
            req.principal = principal
            return req.send_json(200, {"revoked": n})
        if req.path == "/__admin/world" and req.method == "POST":
            try:
                self.server.load_world(json.loads(req.body()))
            except (ValueError, TypeError, AttributeError, KeyError) as e:
                raise google_error(400, f"bad world: {e}")
            return req.send_json(200, {"ok": True})
        raise google_error(404, "unknown admin endpoint")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Loopback fake of Google Cloud APIs")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--world", help="world description (JSON)")
    ap.add_argument("--token-lifetime", type=int, default=3600)
    ap.add_argument("--log", help="request log, one JSON line per request")
    ap.add_argument("--data-dir", help="object storage directory (default: a temp dir)")
    args = ap.parse_args(argv)
    world = {}
    if args.world:
        with open(args.world) as f:
            world = json.load(f)
    own_dir = None
    if not args.data_dir:
        own_dir = args.data_dir = tempfile.mkdtemp(prefix="gcp-fake-")
    srv = GcpServer(args.port, State({}, args.token_lifetime), ObjectStore(args.data_dir),
                    args.log)
    srv.load_world(world)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(srv.server_address[1]))
        os.replace(tmp, args.port_file)
    import signal
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=srv.shutdown).start())
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
        if own_dir:
            shutil.rmtree(own_dir, ignore_errors=True)
    return 0
