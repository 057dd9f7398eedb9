"""Bearer-token authentication and permission checks for the fake's resource APIs, plus the
RS256 JWT verification the OAuth token endpoint uses."""

from __future__ import annotations

import base64
import json
import re

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .httpkit import HttpError, google_error
from .state import boundary_allows, scope_allows

UNAUTH_MESSAGE = ("Request had invalid authentication credentials. Expected OAuth 2 access "
                  "token, login cookie or other valid authentication credential. See "
                  "https://developers.google.com/identity/sign-in/web/devconsole-project.")
WWW_AUTH = 'Bearer realm="https://accounts.google.com/"'


def b64url_decode(s: str) -> bytes:
    s = s.rstrip("=")
    if not re.fullmatch(r"[A-Za-z0-9_-]*", s):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def decode_jwt(assertion: str) -> tuple[dict, dict, bytes, bytes]:
    """(header, claims, signing_input, signature); raises ValueError when malformed."""
    parts = assertion.split(".")
    if len(parts) != 3:
        raise ValueError("a JWT has three dot-separated parts")
    header = json.loads(b64url_decode(parts[0]))
    claims = json.loads(b64url_decode(parts[1]))
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise ValueError("JWT header and claims must be JSON objects")
    return header, claims, (parts[0] + "." + parts[1]).encode(), b64url_decode(parts[2])


def verify_rs256(pem: str, signing_input: bytes, signature: bytes) -> bool:
    data = pem.encode()
    if b"BEGIN CERTIFICATE" in data:
        key = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        return True
    except InvalidSignature:
        return False


def bearer(req, api: str = "google"):
    """Authenticates the request's bearer token; sets req.principal / req.token.

    api="storage" answers 401 in the Cloud Storage JSON API's shape, otherwise google.rpc."""
    authz = req.headers.get("Authorization") or ""
    value = authz[7:].strip() if authz[:7].lower() == "bearer " else ""
    tok, why = (None, "missing") if not value else req.state.lookup(value)
    if tok is not None:
        req.principal, req.token = tok.principal, tok
        return tok
    req.note = f"bearer token {why}"
    req.state.count("refused", f"bearer_{why}")
    if api == "storage":
        if why == "missing":
            msg = "Anonymous caller does not have storage access. Login Required."
            reason = "required"
        else:
            msg, reason = "Invalid Credentials", "authError"
        raise HttpError(401, {"error": {"code": 401, "message": msg, "errors": [
            {"message": msg, "domain": "global", "reason": reason,
             "locationType": "header", "location": "Authorization"}]}},
            headers={"WWW-Authenticate": WWW_AUTH}, reason=req.note)
    err = google_error(401, UNAUTH_MESSAGE, "UNAUTHENTICATED")
    err.headers["WWW-Authenticate"] = WWW_AUTH
    raise err


def insufficient_scope(req) -> HttpError:
    req.note = "insufficient scope"
    e = google_error(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED",
                     details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                               "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                               "domain": "googleapis.com"}])
    e.headers["WWW-Authenticate"] = WWW_AUTH + ', error="insufficient_scope"'
    return e


def require_project_permission(req, project: str, perm: str, message: str) -> None:
    """Project-level permission (GKE, Artifact Registry, Resource Manager)."""
    tok = req.token
    if not scope_allows(tok.scopes, perm):
        raise insufficient_scope(req)
    if tok.boundary is not None or not req.state.has_project_permission(project, tok.principal,
                                                                          perm):
        req.note = f"denied {perm}"
        raise google_error(403, message, "PERMISSION_DENIED")


def storage_denied(req, perm: str, what: str) -> HttpError:
    req.note = f"denied {perm}"
    msg = (f"{req.principal} does not have {perm} access to {what}. Permission '{perm}' "
           "denied on resource (or it may not exist).")
    return HttpError(403, {"error": {"code": 403, "message": msg, "errors": [
        {"message": msg, "domain": "global", "reason": "forbidden"}]}}, reason=req.note)


def require_storage_permission(req, bucket: str | None, perm: str, what: str, *,
                               project: str | None = None, object_name: str | None = None):
    tok = req.token
    if not scope_allows(tok.scopes, perm):
        raise storage_denied(req, perm, what)
    if bucket is None:
        ok = tok.boundary is None and req.state.has_project_permission(project, tok.principal,
                                                                       perm)
    else:
        ok = (req.state.has_bucket_permission(bucket, tok.principal, perm)
              and boundary_allows(tok.boundary, bucket, perm, object_name))
    if not ok:
        raise storage_denied(req, perm, what)
