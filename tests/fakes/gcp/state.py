"""The fake's state: the world (principals, grants, resources) and the tokens it minted.

Everything here is guarded by one lock; handlers call the public methods only.
"""

from __future__ import annotations

import secrets
import threading
import time

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
CLOUD_PLATFORM_RO = "https://www.googleapis.com/auth/cloud-platform.read-only"
STORAGE_SCOPES = {
    "https://www.googleapis.com/auth/devstorage.read_only": {"storage.objects.get",
                                                             "storage.objects.list",
                                                             "storage.buckets.get",
                                                             "storage.buckets.list"},
    "https://www.googleapis.com/auth/devstorage.read_write": None,
    "https://www.googleapis.com/auth/devstorage.full_control": None,
}

_OBJ_ALL = {"storage.objects.create", "storage.objects.delete", "storage.objects.get",
            "storage.objects.list", "storage.objects.update"}
# Storage roles the fake knows (enough for bindings and Credential Access Boundaries).
ROLES = {
    "roles/storage.objectViewer": {"storage.objects.get", "storage.objects.list"},
    "roles/storage.objectCreator": {"storage.objects.create"},
    "roles/storage.objectUser": set(_OBJ_ALL),
    "roles/storage.objectAdmin": _OBJ_ALL | {"storage.objects.getIamPolicy",
                                             "storage.objects.setIamPolicy"},
    "roles/storage.legacyBucketReader": {"storage.buckets.get", "storage.objects.list"},
    "roles/storage.legacyBucketWriter": {"storage.buckets.get", "storage.objects.list",
                                         "storage.objects.create", "storage.objects.delete"},
    "roles/storage.legacyBucketOwner": {"storage.buckets.get", "storage.buckets.update",
                                        "storage.objects.list", "storage.objects.create",
                                        "storage.objects.delete"},
    "roles/storage.legacyObjectReader": {"storage.objects.get"},
    "roles/storage.legacyObjectOwner": {"storage.objects.get", "storage.objects.update"},
    "roles/storage.admin": _OBJ_ALL | {"storage.buckets.get", "storage.buckets.list",
                                       "storage.buckets.create", "storage.buckets.delete",
                                       "storage.buckets.update"},
}


def role_permissions(role: str) -> set[str] | None:
    return ROLES.get(role)


class Token:
    __slots__ = ("value", "principal", "scopes", "expiry", "boundary", "grant", "issued")

    def __init__(self, principal, scopes, lifetime, boundary, grant):
        self.value = "ya29." + secrets.token_urlsafe(48)
        self.principal = principal
        self.scopes = list(scopes)
        self.issued = time.time()
        self.expiry = self.issued + lifetime
        self.boundary = boundary  # None, or [(bucket, set(permissions), prefix-or-None)]
        self.grant = grant

    def remaining(self) -> int:
        return max(0, int(self.expiry - time.time()))


class State:
    def __init__(self, world: dict, token_lifetime: int):
        self.lock = threading.Lock()
        self.token_lifetime = token_lifetime
        self.tokens: dict[str, Token] = {}
        self.stats: dict[str, dict[str, int]] = {"minted": {}, "refused": {}, "requests": {}}
        self.world: dict = {}
        self.set_world(world)

    # -- world ------------------------------------------------------------------------------
    def set_world(self, world: dict) -> None:
        w = {k: world.get(k) or {} for k in (
            "projects", "service_accounts", "token_creators", "project_permissions",
            "buckets", "workload_identity_pools", "metadata")}
        for k in ("authorized_users", "clusters", "repositories", "public_urls"):
            w[k] = list(world.get(k) or [])
        for b, spec in w["buckets"].items():
            if "project" not in spec:
                raise ValueError(f"bucket {b} has no project")
        with self.lock:
            self.world = w

    def project_number(self, project: str) -> str | None:
        p = self.world["projects"].get(project)
        return None if p is None else str(p.get("number", ""))

    def public_key_pem(self, email: str, kid: str) -> str | None:
        sa = self.world["service_accounts"].get(email)
        return None if sa is None else (sa.get("public_keys") or {}).get(kid)

    def authorized_user(self, refresh_token: str) -> dict | None:
        for u in self.world["authorized_users"]:
            if secrets.compare_digest(u.get("refresh_token", ""), refresh_token):
                return u
        return None

    def may_impersonate(self, target: str, caller: str) -> bool:
        return caller in (self.world["token_creators"].get(target) or [])

    def federated_principal(self, audience: str, subject_token: str) -> str | None:
        pool = self.world["workload_identity_pools"].get(audience)
        if pool is None:
            return None
        for tok, principal in (pool.get("subject_tokens") or {}).items():
            if secrets.compare_digest(tok, subject_token):
                return principal
        return None

    def bucket(self, name: str) -> dict | None:
        return self.world["buckets"].get(name)

    def has_project_permission(self, project: str, principal: str, perm: str) -> bool:
        grants = (self.world["project_permissions"].get(project) or {}).get(principal) or []
        return perm in grants

    def has_bucket_permission(self, bucket: str, principal: str, perm: str) -> bool:
        spec = self.bucket(bucket)
        if spec is None:
            return False
        if self.has_project_permission(spec["project"], principal, perm):
            return True
        roles = (spec.get("bindings") or {}).get(principal) or []
        if isinstance(roles, str):
            roles = [roles]
        return any(perm in (role_permissions(r) or ()) for r in roles)

    # -- tokens -----------------------------------------------------------------------------
    def count(self, kind: str, key: str) -> None:
        with self.lock:
            d = self.stats[kind]
            d[key] = d.get(key, 0) + 1

    def mint(self, principal: str, scopes, grant: str, lifetime: int | None = None,
             boundary=None) -> Token:
        life = self.token_lifetime if lifetime is None else min(lifetime, self.token_lifetime)
        tok = Token(principal, scopes, life, boundary, grant)
        with self.lock:
            now = time.time()
            for k in [k for k, t in self.tokens.items() if t.expiry < now - 600]:
                del self.tokens[k]
            self.tokens[tok.value] = tok
            self.stats["minted"][grant] = self.stats["minted"].get(grant, 0) + 1
        return tok

    def mint_copy(self, subject: Token, boundary, grant: str) -> Token:
        tok = Token(subject.principal, subject.scopes, 0, boundary, grant)
        tok.expiry = subject.expiry
        with self.lock:
            self.tokens[tok.value] = tok
            self.stats["minted"][grant] = self.stats["minted"].get(grant, 0) + 1
        return tok

    def lookup(self, value: str) -> tuple[Token | None, str]:
        """(token, "") when valid, else (None, "unknown"|"expired")."""
        with self.lock:
            tok = self.tokens.get(value)
        if tok is None:
            return None, "unknown"
        if tok.expiry <= time.time():
            return None, "expired"
        return tok, ""

    def revoke(self, principal: str) -> int:
        with self.lock:
            gone = [k for k, t in self.tokens.items() if t.principal == principal]
            for k in gone:
                del self.tokens[k]
        return len(gone)

    def snapshot_stats(self) -> dict:
        with self.lock:
            return {k: dict(v) for k, v in self.stats.items()} | {"live_tokens": len(self.tokens)}


def scope_allows(scopes: list[str], perm: str) -> bool:
    """Does the OAuth scope set allow a call needing ``perm``?"""
    if CLOUD_PLATFORM in scopes:
        return True
    read_only = perm.endswith((".get", ".list"))
    if CLOUD_PLATFORM_RO in scopes and read_only:
        return True
    if perm.startswith("storage."):
        for s in scopes:
            if s in STORAGE_SCOPES:
                allowed = STORAGE_SCOPES[s]
                if allowed is None or perm in allowed:
                    return True
    return False


def boundary_allows(boundary, bucket: str, perm: str, object_name: str | None) -> bool:
    if boundary is None:
        return True
    for rule_bucket, perms, prefix in boundary:
        if rule_bucket != bucket or perm not in perms:
            continue
        if prefix is not None and object_name is not None and not (
                f"projects/_/buckets/{bucket}/objects/{object_name}".startswith(prefix)):
            continue
        return True
    return False
