"""HTTP plumbing shared by the fake's services: one request object per call, Google's error
shapes, body reading (Content-Length or chunked, streamed), and the per-request log line."""

from __future__ import annotations

import json
import urllib.parse
from http.server import BaseHTTPRequestHandler

# Query parameters safe to log (everything else, e.g. access_token or upload_id, is dropped).
LOGGABLE_QUERY = {"project", "prefix", "delimiter", "maxResults", "pageToken", "alt", "name",
                  "uploadType", "scopes", "recursive", "principal", "fields", "projection",
                  "versions", "startOffset", "endOffset", "includeTrailingDelimiter"}

STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 409: "ALREADY_EXISTS",
                412: "FAILED_PRECONDITION", 413: "OUT_OF_RANGE", 500: "INTERNAL"}


class HttpError(Exception):
    """Raised by a service; rendered by the server as a JSON body with ``code``."""

    def __init__(self, code: int, body: dict, headers: dict | None = None, reason: str = ""):
        super().__init__(reason or str(body)[:200])
        self.code = code
        self.body = body
        self.headers = headers or {}
        self.reason = reason


def google_error(code: int, message: str, status: str | None = None, **extra) -> HttpError:
    """The google.rpc.Status JSON shape most Google APIs answer with."""
    err = {"code": code, "message": message, "status": status or STATUS_NAMES.get(code, "UNKNOWN")}
    err.update(extra)
    return HttpError(code, {"error": err}, reason=message)


def oauth_error(code: int, error: str, description: str | None = None) -> HttpError:
    """RFC 6749 section 5.2 error (token endpoints)."""
    body = {"error": error}
    if description is not None:
        body["error_description"] = description
    return HttpError(code, body, reason=f"{error}: {description or ''}")


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler, server):
        self.h = handler
        self.server = server
        self.state = server.state
        self.method = handler.command
        split = urllib.parse.urlsplit(handler.path)
        self.raw_path = split.path
        self.path = urllib.parse.unquote(split.path)
        self.query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        self.headers = handler.headers
        self.principal: str | None = None
        self.token = None
        self.note = ""
        self.body_done = False
        self.status = None
        self.minted = None  # grant name when a token was minted (log)

    # -- request body ------------------------------------------------------------------------
    def iter_body(self, chunk: int = 1 << 20):
        """Yields the request body in pieces (Content-Length or Transfer-Encoding: chunked)."""
        self.body_done = True
        rfile = self.h.rfile
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            while True:
                line = rfile.readline(1024)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while rfile.readline(1024).strip():
                        pass
                    return
                left = size
                while left:
                    data = rfile.read(min(left, chunk))
                    if not data:
                        raise ConnectionError("client closed mid-body")
                    left -= len(data)
                    yield data
                rfile.readline(8)
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0:
            data = rfile.read(min(left, chunk))
            if not data:
                raise ConnectionError("client closed mid-body")
            left -= len(data)
            yield data

    def body(self, limit: int = 64 << 20) -> bytes:
        parts, n = [], 0
        for p in self.iter_body():
            n += len(p)
            if n > limit:
                raise google_error(413, "request body too large for this endpoint")
            parts.append(p)
        return b"".join(parts)

    def form(self) -> dict:
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        raw = self.body()
        if ctype != "application/x-www-form-urlencoded":
            raise oauth_error(400, "invalid_request",
                              "Content-Type must be application/x-www-form-urlencoded")
        try:
            pairs = urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True,
                                           strict_parsing=bool(raw))
        except (UnicodeDecodeError, ValueError):
            raise oauth_error(400, "invalid_request", "malformed form body")
        return dict(pairs)

    def json_body(self) -> dict:
        raw = self.body()
        if not raw.strip():
            return {}
        try:
            obj = json.loads(raw)
        except ValueError:
            raise google_error(400, "Invalid JSON payload received.")
        if not isinstance(obj, dict):
            raise google_error(400, "Invalid JSON payload received: not an object.")
        return obj

    # -- responses ---------------------------------------------------------------------------
    def _finish_body(self):
        if self.body_done:
            return
        # An error before the body was read: drain a small body so the client sees the
        # answer and the connection stays usable; otherwise close the connection after it.
        length = self.headers.get("Content-Length")
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        if not chunked and (length is None or (length.isdigit() and int(length) <= 16 << 20)):
            try:
                for _ in self.iter_body():
                    pass
                return
            except (ConnectionError, ValueError):
                pass
        self.h.close_connection = True

    def send(self, code: int, data: bytes, ctype: str, headers: dict | None = None,
             length: int | None = None) -> None:
        self.status = code
        self._finish_body()
        self.h.send_response(code)
        if ctype:
            self.h.send_header("Content-Type", ctype)
        self.h.send_header("Content-Length", str(len(data) if length is None else length))
        for k, v in (headers or {}).items():
            self.h.send_header(k, v)
        if self.h.close_connection:
            self.h.send_header("Connection", "close")
        self.h.end_headers()
        if self.method != "HEAD" and data:
            self.h.wfile.write(data)

    def send_json(self, code: int, obj, headers: dict | None = None) -> None:
        self.send(code, json.dumps(obj, indent=1).encode() + b"\n",
                  "application/json; charset=UTF-8", headers)

    def send_text(self, code: int, text: str, headers: dict | None = None) -> None:
        self.send(code, text.encode(), "text/plain; charset=utf-8", headers)

    def log_line(self) -> dict:
        q = {k: v for k, v in self.query.items() if k in LOGGABLE_QUERY}
        return {"method": self.method, "path": self.path, "query": q,
                "principal": self.principal, "status": self.status,
                **({"note": self.note} if self.note else {}),
                **({"minted": self.minted} if self.minted else {})}
