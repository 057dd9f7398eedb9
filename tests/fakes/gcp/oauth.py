"""Token issuers: OAuth2 token endpoint (/token: jwt-bearer, refresh_token), tokeninfo,
IAM Credentials generateAccessToken, STS /v1/token (Credential Access Boundary down-scoping
and workload identity federation), and the GCE metadata server."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import secrets
import time
import urllib.parse

from .auth import bearer, decode_jwt, verify_rs256
from .httpkit import google_error, oauth_error
from .state import CLOUD_PLATFORM, CLOUD_PLATFORM_RO, STORAGE_SCOPES, role_permissions

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
TT_ACCESS = "urn:ietf:params:oauth:token-type:access_token"
FEDERATED_TYPES = {"urn:ietf:params:oauth:token-type:jwt",
                   "urn:ietf:params:oauth:token-type:id_token",
                   "urn:ietf:params:oauth:token-type:saml2",
                   "urn:ietf:params:aws:token-type:aws4_request"}
IAM_SCOPE = "https://www.googleapis.com/auth/iam"  # what google-auth asks STS for
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
USER_SCOPES = [CLOUD_PLATFORM, "https://www.googleapis.com/auth/userinfo.email", "openid"]
GET_TOKEN_DENIED = ("Permission 'iam.serviceAccounts.getAccessToken' denied on resource "
                    "(or it may not exist).")


def numeric_id(principal: str) -> str:
    return str(int(hashlib.sha256(principal.encode()).hexdigest()[:15], 16))


def rfc3339(ts: float) -> str:
    return datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# POST /token
# ---------------------------------------------------------------------------------------------

def token_endpoint(req):
    form = req.form()
    grant = form.get("grant_type", "")
    if grant == JWT_BEARER:
        return _jwt_bearer(req, form)
    if grant == "refresh_token":
        return _refresh(req, form)
    raise oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant[:80]}")


def _invalid_grant(req, description: str):
    req.state.count("refused", "jwt_bearer")
    req.note = description
    return oauth_error(400, "invalid_grant", description)


def _jwt_bearer(req, form):
    try:
        header, claims, signing_input, sig = decode_jwt(form.get("assertion", ""))
    except (ValueError, UnicodeDecodeError):
        raise _invalid_grant(req, "Invalid JWT: malformed assertion.")
    if header.get("alg") != "RS256":
        raise _invalid_grant(req, "Invalid JWT: alg must be RS256.")
    iss = claims.get("iss")
    pem = req.state.public_key_pem(iss, header.get("kid")) if isinstance(iss, str) else None
    if pem is None or not verify_rs256(pem, signing_input, sig):
        raise _invalid_grant(req, "Invalid JWT Signature.")
    req.principal = iss
    # Google accepts its own token URL; google-auth (Python) always sends that one whatever
    # the key file's token_uri says, while Go's oauth2 sends token_uri: accept both.
    # A proxy in front of the fake ("public_urls" in the world) is where clients reach it.
    ours = [u + "/token" for u in [req.server.base_url, *req.state.world["public_urls"]]]
    if claims.get("aud") not in (*ours, GOOGLE_TOKEN_URL):
        raise _invalid_grant(req, "Invalid JWT: Failed audience check. The right audience is "
                             + req.server.base_url + "/token")
    iat, exp, now = claims.get("iat"), claims.get("exp"), time.time()
    if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)) or \
            exp - iat > 3600 or exp <= iat or exp <= now or iat > now + 300:
        raise _invalid_grant(req, "Invalid JWT: Token must be a short-lived token (60 minutes) "
                             "and in a reasonable timeframe. Check your iat and exp values in "
                             "the JWT claim.")
    if claims.get("sub") not in (None, iss):
        raise _invalid_grant(req, "Invalid JWT: domain-wide delegation (sub) is not modelled.")
    scopes = str(claims.get("scope") or "").split()
    # One scope of a Google Cloud API the fake serves (google-auth's impersonation asks for
    # the iam scope only); e.g. userinfo.email alone is refused.
    if not any(s in STORAGE_SCOPES or s in (CLOUD_PLATFORM, CLOUD_PLATFORM_RO, IAM_SCOPE)
               for s in scopes):
        req.state.count("refused", "jwt_bearer")
        req.note = "invalid scope"
        raise oauth_error(400, "invalid_scope", "Invalid OAuth scope or ID token audience "
                          "provided.")
    tok = req.state.mint(iss, scopes, "jwt_bearer")
    req.minted = "jwt_bearer"
    req.send_json(200, {"access_token": tok.value, "expires_in": tok.remaining(),
                        "token_type": "Bearer"}, {"Cache-Control": "no-store"})


def _refresh(req, form):
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    authz = req.headers.get("Authorization") or ""
    if authz[:6].lower() == "basic " and not client_id:
        import base64
        import urllib.parse
        try:
            raw = base64.b64decode(authz[6:].strip()).decode()
            client_id, secret = (urllib.parse.unquote_plus(x) for x in raw.split(":", 1))
        except (ValueError, UnicodeDecodeError):
            raise oauth_error(401, "invalid_client", "Unauthorized")
    users = [u for u in req.state.world["authorized_users"] if u.get("client_id") == client_id]
    if not users:
        req.state.count("refused", "refresh_token")
        raise oauth_error(401, "invalid_client", "The OAuth client was not found.")
    if not any(secrets.compare_digest(u.get("client_secret", ""), secret) for u in users):
        req.state.count("refused", "refresh_token")
        req.note = "wrong client secret"
        raise oauth_error(401, "invalid_client", "Unauthorized")
    user = req.state.authorized_user(form.get("refresh_token", ""))
    if user is None or user.get("client_id") != client_id:
        req.state.count("refused", "refresh_token")
        req.note = "unknown refresh token"
        raise oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
    req.principal = user["email"]
    scopes = user.get("scopes") or USER_SCOPES
    if form.get("scope"):
        asked = form["scope"].split()
        if not set(asked) <= set(scopes):
            raise oauth_error(400, "invalid_scope", "Some requested scopes were invalid.")
        scopes = asked
    tok = req.state.mint(user["email"], scopes, "refresh_token")
    req.minted = "refresh_token"
    req.send_json(200, {"access_token": tok.value, "expires_in": tok.remaining(),
                        "scope": " ".join(scopes), "token_type": "Bearer"},
                  {"Cache-Control": "no-store"})


# ---------------------------------------------------------------------------------------------
# tokeninfo (oauth2.googleapis.com/tokeninfo, v3 shape: numbers are strings)
# ---------------------------------------------------------------------------------------------

def tokeninfo(req):
    value = req.query.get("access_token")
    if value is None and req.method == "POST":
        value = req.form().get("access_token")
    tok, why = req.state.lookup(value or "")
    if tok is None:
        req.note = f"token {why}"
        raise oauth_error(400, "invalid_token", "Invalid Value")
    req.principal = tok.principal
    body = {"azp": numeric_id(tok.principal), "aud": numeric_id(tok.principal),
            "sub": numeric_id(tok.principal), "scope": " ".join(tok.scopes),
            "exp": str(int(tok.expiry)), "expires_in": str(tok.remaining()),
            "access_type": "online"}
    if "@" in tok.principal and not tok.principal.startswith("principal"):
        body["email"] = tok.principal
        body["email_verified"] = "true"
    req.send_json(200, body)


# ---------------------------------------------------------------------------------------------
# IAM Credentials: generateAccessToken
# ---------------------------------------------------------------------------------------------

def _sa_email(name: str) -> str:
    m = re.fullmatch(r"projects/[^/]+/serviceAccounts/(.+)", name)
    return m.group(1) if m else name


def generate_access_token(req, project: str, target: str):
    caller = bearer(req)
    body = req.json_body()
    if CLOUD_PLATFORM not in caller.scopes and IAM_SCOPE not in caller.scopes:
        from .auth import insufficient_scope
        raise insufficient_scope(req)
    scopes = body.get("scope")
    if not isinstance(scopes, list) or not scopes or not all(isinstance(s, str) for s in scopes):
        raise google_error(400, "Scope required.", "INVALID_ARGUMENT")
    lifetime_s = body.get("lifetime", "3600s")
    m = re.fullmatch(r"(\d+)(\.\d+)?s", lifetime_s) if isinstance(lifetime_s, str) else None
    if m is None:
        raise google_error(400, f"Invalid value at 'lifetime' ({lifetime_s!r}): expected a "
                           "google.protobuf.Duration such as \"3600s\".", "INVALID_ARGUMENT")
    lifetime = int(m.group(1))
    if lifetime < 1 or lifetime > 3600 or (lifetime == 3600 and m.group(2) and
                                           float(m.group(2)) > 0):
        req.note = "lifetime out of range"
        raise google_error(400, "The lifetime must be between 1 second and 3600 seconds "
                           f"(requested {lifetime_s}).", "INVALID_ARGUMENT")
    delegates = body.get("delegates") or []
    if not isinstance(delegates, list) or not all(isinstance(d, str) for d in delegates):
        raise google_error(400, "delegates must be a list of service account names.",
                           "INVALID_ARGUMENT")
    target = _sa_email(target)
    chain = [_sa_email(d) for d in delegates] + [target]
    prev = caller.principal
    for hop in chain:
        if caller.boundary is not None or not req.state.may_impersonate(hop, prev):
            req.state.count("refused", "generate_access_token")
            req.note = f"{prev} may not impersonate {hop}"
            raise google_error(403, GET_TOKEN_DENIED, "PERMISSION_DENIED", details=[{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "IAM_PERMISSION_DENIED", "domain": "iam.googleapis.com",
                "metadata": {"permission": "iam.serviceAccounts.getAccessToken"}}])
        prev = hop
    tok = req.state.mint(target, scopes, "generate_access_token", lifetime=lifetime)
    req.minted = "generate_access_token"
    req.send_json(200, {"accessToken": tok.value, "expireTime": rfc3339(tok.expiry)})


# ---------------------------------------------------------------------------------------------
# STS /v1/token
# ---------------------------------------------------------------------------------------------

_RESOURCE = re.compile(
    r"//storage\.googleapis\.com/projects/_/buckets/([a-z0-9][a-z0-9._-]{1,221})")
_CONDITION = re.compile(r"\s*resource\.name\.startsWith\(\s*(['\"])(projects/_/buckets/[^'\"]+)\1"
                        r"\s*\)\s*")


def load_options(raw: str):
    """STS ``options``: JSON, which google-auth additionally percent-encodes before the form
    encoding (so it arrives here still percent-encoded); both forms are accepted."""
    for text in (raw, urllib.parse.unquote(raw)):
        try:
            return json.loads(text)
        except ValueError:
            continue
    raise oauth_error(400, "invalid_request", "options is not valid JSON")


def _parse_boundary(options_raw: str):
    """[(bucket, permissions, object-name-prefix or None)] or raises invalid_request."""
    def bad(msg):
        return oauth_error(400, "invalid_request", msg)
    options = load_options(options_raw)
    ab = options.get("accessBoundary") if isinstance(options, dict) else None
    rules = ab.get("accessBoundaryRules") if isinstance(ab, dict) else None
    if not isinstance(rules, list) or not rules:
        raise bad("options.accessBoundary.accessBoundaryRules must be a non-empty list")
    if len(rules) > 10:
        raise bad("An access boundary may hold at most 10 rules.")
    out = []
    for r in rules:
        if not isinstance(r, dict):
            raise bad("an access boundary rule must be an object")
        m = _RESOURCE.fullmatch(str(r.get("availableResource", "")))
        if m is None:
            raise bad("availableResource must be //storage.googleapis.com/projects/_/buckets/"
                      "BUCKET")
        perms_in = r.get("availablePermissions")
        if not isinstance(perms_in, list) or not perms_in:
            raise bad("availablePermissions must be a non-empty list")
        perms = set()
        for p in perms_in:
            role = p[len("inRole:"):] if isinstance(p, str) and p.startswith("inRole:") else None
            rp = role_permissions(role) if role else None
            if rp is None:
                raise bad(f"unsupported availablePermissions entry {str(p)[:100]!r} "
                          "(expected inRole:roles/storage.*)")
            perms |= rp
        prefix = None
        cond = r.get("availabilityCondition")
        if cond is not None:
            cm = _CONDITION.fullmatch(str(cond.get("expression", "")) if isinstance(cond, dict)
                                      else "")
            if cm is None:
                raise bad("availabilityCondition: the fake supports only "
                          "resource.name.startsWith('projects/_/buckets/B/objects/PREFIX')")
            prefix = cm.group(2)
        out.append((m.group(1), perms, prefix))
    return out


def sts_token(req):
    ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    form = req.json_body() if ctype == "application/json" else req.form()
    form = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in form.items()}
    if form.get("grant_type") != TOKEN_EXCHANGE:
        raise oauth_error(400, "unsupported_grant_type",
                          f"Invalid grant_type: {form.get('grant_type', '')[:80]}")
    if form.get("requested_token_type") != TT_ACCESS:
        raise oauth_error(400, "invalid_request", "requested_token_type must be " + TT_ACCESS)
    stt = form.get("subject_token_type", "")
    if stt == TT_ACCESS:
        return _downscope(req, form)
    if stt in FEDERATED_TYPES:
        return _federate(req, form)
    raise oauth_error(400, "invalid_request", f"Unsupported subject_token_type {stt[:80]!r}")


def _downscope(req, form):
    subject, why = req.state.lookup(form.get("subject_token", ""))
    if subject is None:
        req.state.count("refused", "sts_downscope")
        req.note = f"subject token {why}"
        raise oauth_error(400, "invalid_grant", "The subject token is invalid or expired.")
    req.principal = subject.principal
    if not form.get("options"):
        raise oauth_error(400, "invalid_request", "options with an accessBoundary is required "
                          "for an access_token subject")
    boundary = _parse_boundary(form["options"])
    if subject.boundary is not None:
        raise oauth_error(400, "invalid_grant", "The subject token is already down-scoped.")
    tok = req.state.mint_copy(subject, boundary, "sts_downscope")
    req.minted = "sts_downscope"
    req.send_json(200, {"access_token": tok.value, "issued_token_type": TT_ACCESS,
                        "token_type": "Bearer", "expires_in": tok.remaining()})


def _federate(req, form):
    audience = form.get("audience", "")
    principal = req.state.federated_principal(audience, form.get("subject_token", ""))
    if principal is None:
        req.state.count("refused", "sts_federation")
        known = audience in req.state.world["workload_identity_pools"]
        req.note = "unknown subject token" if known else "unknown audience"
        raise oauth_error(400, "invalid_grant", "The audience in ID Token does not match the "
                          "expected audience." if not known else
                          "The subject token could not be verified.")
    req.principal = principal
    if form.get("options"):
        load_options(form["options"])
    scopes = form.get("scope", "").split() or [CLOUD_PLATFORM]
    tok = req.state.mint(principal, scopes, "sts_federation")
    req.minted = "sts_federation"
    req.send_json(200, {"access_token": tok.value, "issued_token_type": TT_ACCESS,
                        "token_type": "Bearer", "expires_in": tok.remaining()})


# ---------------------------------------------------------------------------------------------
# GCE metadata server (computeMetadata/v1)
# ---------------------------------------------------------------------------------------------

MD_HEADERS = {"Metadata-Flavor": "Google", "Server": "Metadata Server for VM"}


def metadata(req):
    if req.headers.get("Metadata-Flavor") != "Google" or req.headers.get("X-Forwarded-For"):
        req.note = "missing Metadata-Flavor: Google" if not req.headers.get("X-Forwarded-For") \
            else "X-Forwarded-For present"
        req.send(403, b"Missing required header \"Metadata-Flavor\": \"Google\"\n",
                 "text/html; charset=UTF-8", MD_HEADERS)
        return
    md = req.state.world["metadata"]
    path = req.path
    if path in ("/", ""):
        return req.send_text(200, "computeMetadata/\n", MD_HEADERS)
    project = md.get("project_id", "")
    simple = {"/computeMetadata/v1/project/project-id": project,
              "/computeMetadata/v1/project/numeric-project-id":
                  req.state.project_number(project) or "",
              "/computeMetadata/v1/universe/universe-domain": "googleapis.com",
              "/computeMetadata/v1/instance/zone":
                  f"projects/{req.state.project_number(project) or 0}/zones/us-central1-a",
              "/computeMetadata/v1/instance/hostname": "latchkey-fake.c.internal"}
    if path in simple:
        return req.send_text(200, simple[path], MD_HEADERS)
    email = md.get("service_account")
    m = re.fullmatch(r"/computeMetadata/v1/instance/service-accounts/?(?:([^/]+)(/.*)?)?", path)
    if m is None or not email:
        return req.send_text(404, "Not Found\n", MD_HEADERS)
    who, rest = m.group(1), (m.group(2) or "/")
    scopes = md.get("scopes") or [CLOUD_PLATFORM]
    if who is None:
        return req.send_text(200, f"default/\n{email}/\n", MD_HEADERS)
    if who not in ("default", email):
        return req.send_text(404, "Not Found\n", MD_HEADERS)
    if rest == "/":
        if req.query.get("recursive") == "true":
            return req.send_json(200, {"aliases": ["default"], "email": email, "scopes": scopes},
                                 MD_HEADERS)
        return req.send_text(200, "aliases\nemail\nidentity\nscopes\ntoken\n", MD_HEADERS)
    if rest == "/email":
        return req.send_text(200, email, MD_HEADERS)
    if rest == "/scopes":
        return req.send_text(200, "\n".join(scopes) + "\n", MD_HEADERS)
    if rest == "/aliases":
        return req.send_text(200, "default\n", MD_HEADERS)
    if rest == "/token":
        if req.query.get("scopes"):
            scopes = [s for s in req.query["scopes"].split(",") if s]
        req.principal = email
        tok = req.state.mint(email, scopes, "metadata")
        req.minted = "metadata"
        return req.send_json(200, {"access_token": tok.value, "expires_in": tok.remaining(),
                                   "token_type": "Bearer"}, MD_HEADERS)
    return req.send_text(404, "Not Found\n", MD_HEADERS)
