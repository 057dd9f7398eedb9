#!/usr/bin/env python3
"""A loopback fake of the Google Cloud APIs Latchkey talks to, in ONE plain-HTTP process.

Written from Google's public API documentation, independently of Latchkey's code; Python 3.11
standard library plus ``cryptography`` (RS256 verification). Code: tests/fakes/gcp/.

    gcp_fake.py --port-file F [--port 0] [--world world.json] [--token-lifetime 3600]
                [--log requests.jsonl] [--data-dir DIR]

Everything is served on http://127.0.0.1:PORT at Google's real paths:
  POST /token                 OAuth2 (oauth2.googleapis.com): grant_type=jwt-bearer (RS256
                              assertion checked against the SA's registered key by ``kid``;
                              iss, aud = BASE/token or
                              https://oauth2.googleapis.com/token, scope, iat/exp <= 3600 s) and
                              grant_type=refresh_token (client_id/secret in the form or Basic).
  GET  /tokeninfo?access_token=T   v3 shape (exp/expires_in are strings, as Google sends).
  POST /v1/projects/-/serviceAccounts/EMAIL:generateAccessToken   IAM Credentials (delegates).
  POST /v1/token              STS: Credential Access Boundary down-scoping (subject_token_type
                              access_token + options) and workload identity federation.
  /storage/v1/..., /upload/storage/v1/..., /download/storage/v1/...   Cloud Storage JSON API.
  GET /v1/projects/P/locations/L/clusters[/NAME]   GKE (zones/L too).
  GET /v1/projects/P/locations, .../locations/L/repositories   Artifact Registry.
  GET /v1/projects/P (v1), /v3/projects/P   Resource Manager.
  GET / and /computeMetadata/v1/...   GCE metadata server (Metadata-Flavor: Google required).
  POST /__admin/revoke?principal=X, GET /__admin/stats, POST /__admin/world (replace world).
Every access token is "ya29." + random and lives --token-lifetime seconds (generateAccessToken:
min(lifetime asked, --token-lifetime); a down-scoped token: the rest of its subject's life).

World JSON (every key optional):
  {"projects": {"P": {"number": "123"}},
   "service_accounts": {"EMAIL": {"public_keys": {"KID": "PEM public key or certificate"}}},
   "authorized_users": [{"email", "client_id", "client_secret", "refresh_token",
                         "scopes": [optional, default cloud-platform+userinfo.email+openid]}],
   "token_creators": {"TARGET_EMAIL": ["CALLER_PRINCIPAL", ...]},
   "project_permissions": {"P": {"PRINCIPAL": ["storage.buckets.list", "storage.objects.get",
                                  "container.clusters.list", "container.clusters.get",
                                  "artifactregistry.repositories.list",
                                  "resourcemanager.projects.get", ...]}},
   "buckets": {"B": {"project": "P", "bindings": {"PRINCIPAL": "roles/storage.objectAdmin" or
                     [roles]}, "objects": {"NAME": "utf-8 text"}, "location": "US"}},
   "clusters": [{"project", "location", "name", "endpoint": "127.0.0.1:PORT", "ca_pem"}],
   "repositories": [{"project", "location", "name", "format": "DOCKER"}],
   "workload_identity_pools": {"//iam.googleapis.com/projects/N/locations/global/
                               workloadIdentityPools/P/providers/R":
                               {"subject_tokens": {"SUBJECT_TOKEN": "FEDERATED_PRINCIPAL"}}},
   "metadata": {"service_account": "EMAIL", "project_id": "P", "scopes": [optional]},
   "public_urls": ["http://127.0.0.1:PROXY_PORT"]}   (other URLs clients reach the fake by,
                              e.g. a proxy in front of it: accepted as JWT audiences too)

Permission model: a principal (SA email, user email, or federated principal name) holds a
permission on a bucket when project_permissions[bucket's project][principal] lists it or one
of its bucket roles (state.ROLES) includes it; the token's OAuth scopes must allow the call
(cloud-platform, cloud-platform.read-only for get/list, devstorage.*); a down-scoped token is
further limited by its boundary and cannot be used on non-storage APIs. Overwriting an object
also needs storage.objects.delete (as on GCS). Resumable uploads keep only whole 256 KiB units
of a non-final chunk (the 308 Range says how much), as Google documents. Objects above 16 MiB
carry md5Hash but no crc32c (pure-Python CRC32C is slow).

Each request is appended to --log as one JSON line {method, path, query (safe keys only),
principal, status, note, minted}; tokens, secrets, assertions and upload ids are never logged.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gcp.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
