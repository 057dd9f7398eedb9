"""Self-tests of the loopback Google Cloud fake (tests/fakes/gcp_fake.py via gcp_peers.py): it
issues tokens only for correct credentials, enforces IAM, scopes, boundaries and expiry, speaks
the Cloud Storage upload/download protocols, and the real gcloud CLI works against it.

    python3 -m unittest tests/integration/test_gcp_fake.py -v

One fake is shared by the module; the expiry and lifecycle tests start their own. Nothing is
skipped: a fake (or the kube fake, or gcloud) that cannot start makes the tests fail.
"""

from __future__ import annotations

import calendar
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gcp_peers  # noqa: E402
import peers  # noqa: E402

P = "proj-a"
SA = "ci@proj-a.iam.gserviceaccount.com"
SA2 = "other@proj-a.iam.gserviceaccount.com"
TARGET = "deployer@proj-a.iam.gserviceaccount.com"
HOP = "hop@proj-a.iam.gserviceaccount.com"
USER = "alice@example.com"
AUD = ("//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/"
       "providers/gh")
FED = "principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/" \
      "subject/repo:latchkey"
CP = gcp_peers.CLOUD_PLATFORM
G = None
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TT = "urn:ietf:params:oauth:token-type:access_token"


def build(w):
    keys = {"sa": w.add_service_account(SA, P), "sa2": w.add_service_account(SA2, P),
            "user": w.add_authorized_user(USER)}
    w.add_service_account(TARGET, P)
    w.add_service_account(HOP, P)
    keys["ext"] = w.add_external_account(AUD, "gh-oidc-jwt", FED, {"file": "/dev/null"},
                                         impersonate=TARGET)
    w.grant_project(P, SA, "storage.buckets.list", "container.clusters.list",
                    "container.clusters.get", "artifactregistry.repositories.list",
                    "resourcemanager.projects.get")
    w.add_bucket("bucket-a", P, {SA: "roles/storage.objectAdmin",
                                 TARGET: "roles/storage.objectViewer",
                                 SA2: "roles/storage.objectCreator"},
                 objects={"hello.txt": "hello world", "dir/one.txt": "1", "dir/two.txt": "2"})
    w.add_bucket("bucket-b", P, {SA: "roles/storage.objectAdmin"}, objects={"b.txt": "bee"})
    w.add_bucket("my.dotted.bucket", P, {SA: ["roles/storage.objectViewer",
                                              "roles/storage.legacyBucketReader"]})
    for i in range(5):
        w.add_bucket(f"paged-{i}", "proj-paged", {})
    w.grant_project("proj-paged", SA, "storage.buckets.list")
    w.allow_impersonation(TARGET, SA)
    w.allow_impersonation(TARGET, FED)
    w.allow_impersonation(HOP, SA2)
    w.allow_impersonation(TARGET, HOP)
    w.add_repository(P, "us-central1", "images")
    w.add_cluster(P, "europe-west1-b", "static", "127.0.0.1:1", "-----BEGIN CERTIFICATE-----\n")
    w.set_metadata(SA, P)
    return keys


def setUpModule():
    global G
    G = unittest.enterModuleContext(gcp_peers.gcp_fake(build))


def call(method, path, token=None, body=None, headers=None, form=None, js=None, url=None):
    """(status, headers dict lower-case, body bytes); never follows redirects."""
    u = urllib.parse.urlsplit(url or G.url)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    if js is not None:
        body = json.dumps(js).encode()
        h.setdefault("Content-Type", "application/json")
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def jcall(*a, **kw):
    status, hdrs, body = call(*a, **kw)
    return status, (json.loads(body) if body.strip() else None)


def sa_token(key="sa", scopes=(CP,)):
    return G.service_account_token(G.built[key], scopes)


def jwt_grant(assertion):
    return jcall("POST", "/token", form={"grant_type": gcp_peers.JWT_BEARER,
                                         "assertion": assertion})


class OAuthTokenEndpoint(unittest.TestCase):
    def test_jwt_signed_by_registered_key_gets_token_and_tokeninfo(self):
        st, body = jwt_grant(gcp_peers.service_account_assertion(G.built["sa"]))
        self.assertEqual(st, 200, body)
        self.assertEqual(body["token_type"], "Bearer")
        self.assertTrue(body["access_token"].startswith("ya29."))
        self.assertTrue(3590 <= body["expires_in"] <= 3600)
        st, info = jcall("GET", "/tokeninfo?access_token=" + body["access_token"])
        self.assertEqual((st, info["email"], info["scope"]), (200, SA, CP))
        self.assertTrue(0 < int(info["expires_in"]) <= 3600)

    def test_jwt_refusals(self):
        key, other = G.built["sa"], G.built["sa2"]
        forged = dict(key, private_key=other["private_key"])  # right kid, wrong key
        cases = {
            "wrong key": gcp_peers.service_account_assertion(forged),
            "unknown kid": gcp_peers.service_account_assertion(
                dict(key, private_key_id="0" * 40)),
            "wrong aud": gcp_peers.service_account_assertion(
                key, aud="https://example.com/token"),
            "expired": gcp_peers.service_account_assertion(key, iat=int(time.time()) - 7200),
            "too long": gcp_peers.service_account_assertion(key, lifetime=7200),
            "future iat": gcp_peers.service_account_assertion(key, iat=int(time.time()) + 900),
            "garbage": "not.a.jwt",
        }
        for name, assertion in cases.items():
            st, body = jwt_grant(assertion)
            self.assertEqual((st, body["error"]), (400, "invalid_grant"), name)
            self.assertIn("error_description", body, name)
        st, body = jwt_grant(gcp_peers.service_account_assertion(forged))
        self.assertEqual(body["error_description"], "Invalid JWT Signature.")
        for scopes in ((), ("https://www.googleapis.com/auth/userinfo.email",)):
            st, body = jwt_grant(gcp_peers.service_account_assertion(key, scopes=scopes))
            self.assertEqual((st, body["error"]), (400, "invalid_scope"))

    def test_refresh_token_grant(self):
        u = G.built["user"]
        self.assertNotIn("token_uri", u)
        form = {"grant_type": "refresh_token", "refresh_token": u["refresh_token"],
                "client_id": u["client_id"], "client_secret": u["client_secret"]}
        st, body = jcall("POST", "/token", form=form)
        self.assertEqual(st, 200, body)
        st, info = jcall("GET", "/tokeninfo?access_token=" + body["access_token"])
        self.assertEqual(info["email"], USER)
        st, body = jcall("POST", "/token", form=dict(form, client_secret="wrong"))
        self.assertEqual((st, body["error"]), (401, "invalid_client"))
        st, body = jcall("POST", "/token", form=dict(form, refresh_token="1//nope"))
        self.assertEqual((st, body["error"]), (400, "invalid_grant"))
        st, body = jcall("POST", "/token", form=dict(form, grant_type="password"))
        self.assertEqual((st, body["error"]), (400, "unsupported_grant_type"))

    def test_tokeninfo_unknown_token(self):
        st, body = jcall("GET", "/tokeninfo?access_token=ya29.bogus")
        self.assertEqual((st, body["error"]), (400, "invalid_token"))


class IamCredentials(unittest.TestCase):
    def gen(self, caller_token, target=TARGET, **body):
        body.setdefault("scope", [CP])
        return jcall("POST", f"/v1/projects/-/serviceAccounts/{target}:generateAccessToken",
                     token=caller_token, js=body)

    def test_allowed_caller_gets_token_for_target(self):
        st, body = self.gen(sa_token(), lifetime="600s")
        self.assertEqual(st, 200, body)
        exp = calendar.timegm(time.strptime(body["expireTime"], "%Y-%m-%dT%H:%M:%SZ"))
        self.assertAlmostEqual(exp, time.time() + 600, delta=5)
        st, info = jcall("GET", "/tokeninfo?access_token=" + body["accessToken"])
        self.assertEqual(info["email"], TARGET)
        st, _ = jcall("GET", "/storage/v1/b/bucket-a/o/hello.txt", token=body["accessToken"])
        self.assertEqual(st, 200)  # the target's own binding (objectViewer) applies

    def test_denied_caller_and_bad_requests(self):
        st, body = self.gen(sa_token("sa2"))
        self.assertEqual((st, body["error"]["status"]), (403, "PERMISSION_DENIED"))
        self.assertEqual(body["error"]["message"], "Permission 'iam.serviceAccounts."
                         "getAccessToken' denied on resource (or it may not exist).")
        st, body = self.gen(sa_token(), lifetime="7200s")
        self.assertEqual((st, body["error"]["status"]), (400, "INVALID_ARGUMENT"))
        st, body = self.gen(sa_token(), scope=[])
        self.assertEqual(st, 400)
        st, body = self.gen(None)
        self.assertEqual((st, body["error"]["status"]), (401, "UNAUTHENTICATED"))
        st, body = self.gen("ya29.bogus")
        self.assertEqual(st, 401)

    def test_delegate_chain(self):
        # SA2 -> HOP -> TARGET: HOP allows SA2, TARGET allows HOP.
        st, body = self.gen(sa_token("sa2"), delegates=[f"projects/-/serviceAccounts/{HOP}"])
        self.assertEqual(st, 200, body)
        # SA -> HOP is not allowed (HOP does not list SA).
        st, body = self.gen(sa_token(), delegates=[f"projects/-/serviceAccounts/{HOP}"])
        self.assertEqual(st, 403, body)


def downscope(subject, options):
    return jcall("POST", "/v1/token", form={
        "grant_type": TOKEN_EXCHANGE, "subject_token_type": ACCESS_TT,
        "requested_token_type": ACCESS_TT, "subject_token": subject,
        "options": options if isinstance(options, str) else json.dumps(options)})


def boundary(bucket, role):
    return {"accessBoundary": {"accessBoundaryRules": [{
        "availableResource": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
        "availablePermissions": [f"inRole:{role}"]}]}}


class CredentialAccessBoundary(unittest.TestCase):
    def test_viewer_boundary_on_bucket_a(self):
        st, body = downscope(sa_token(), boundary("bucket-a", "roles/storage.objectViewer"))
        self.assertEqual(st, 200, body)
        self.assertEqual(body["issued_token_type"], ACCESS_TT)
        self.assertEqual(body["token_type"], "Bearer")
        self.assertLessEqual(body["expires_in"], 3600)
        t = body["access_token"]
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o/hello.txt?alt=media", t)[2],
                         b"hello world")
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o", t)[0], 200)
        st, body = jcall("GET", "/storage/v1/b/bucket-b/o/b.txt?alt=media", t)
        self.assertEqual(st, 403)
        self.assertIn("storage.objects.get", body["error"]["message"])
        st = call("POST", "/upload/storage/v1/b/bucket-a/o?uploadType=media&name=x", t,
                  body=b"x")[0]
        self.assertEqual(st, 403)
        self.assertEqual(call("GET", f"/v1/projects/{P}", t)[0], 403)

    def test_refused_requests(self):
        t = sa_token()
        for bad in ("{not json", {"accessBoundary": {}},
                    boundary("bucket-a", "roles/storage.nonsense"),
                    boundary("bucket-a", "roles/storage.objectViewer") | {"accessBoundary": {
                        "accessBoundaryRules": [{"availableResource": "//x/y",
                                                 "availablePermissions": ["inRole:r"]}]}}):
            st, body = downscope(t, bad)
            self.assertEqual((st, body["error"]), (400, "invalid_request"), bad)
        st, body = downscope("ya29.bogus", boundary("bucket-a", "roles/storage.objectViewer"))
        self.assertEqual((st, body["error"]), (400, "invalid_grant"))

    def test_creator_boundary_writes_but_cannot_read(self):
        st, body = downscope(sa_token(), boundary("bucket-a", "roles/storage.objectCreator"))
        t = body["access_token"]
        st = call("POST", "/upload/storage/v1/b/bucket-a/o?uploadType=media&name=cab/new.txt",
                  t, body=b"new")[0]
        self.assertEqual(st, 200)
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o/cab%2Fnew.txt?alt=media", t)[0],
                         403)


class WorkloadIdentityFederation(unittest.TestCase):
    def exchange(self, audience=AUD, subject="gh-oidc-jwt"):
        return jcall("POST", "/v1/token", form={
            "grant_type": TOKEN_EXCHANGE, "audience": audience, "scope": CP,
            "requested_token_type": ACCESS_TT, "subject_token": subject,
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"})

    def test_exchange_then_impersonate(self):
        ext = G.built["ext"]
        self.assertEqual((ext["type"], ext["token_url"]), ("external_account", G.sts_url))
        st, body = self.exchange()
        self.assertEqual(st, 200, body)
        fed = body["access_token"]
        st, info = jcall("GET", "/tokeninfo?access_token=" + fed)
        self.assertNotIn("email", info)
        url = urllib.parse.urlsplit(ext["service_account_impersonation_url"])
        st, body = jcall("POST", url.path, token=fed, js={"scope": [CP]})
        self.assertEqual(st, 200, body)
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o/hello.txt?alt=media",
                              body["accessToken"])[2], b"hello world")

    def test_unknown_audience_or_subject_token(self):
        self.assertEqual(self.exchange(audience=AUD + "x")[1]["error"], "invalid_grant")
        st, body = self.exchange(subject="forged")
        self.assertEqual((st, body["error"]), (400, "invalid_grant"))


class CloudStorage(unittest.TestCase):
    def test_bucket_list_paging_and_get(self):
        t, names, page = sa_token(), [], ""
        while True:
            st, body = jcall("GET", f"/storage/v1/b?project=proj-paged&maxResults=2{page}", t)
            self.assertEqual(st, 200, body)
            names += [b["name"] for b in body["items"]]
            if "nextPageToken" not in body:
                break
            page = "&pageToken=" + urllib.parse.quote(body["nextPageToken"])
        self.assertEqual(names, [f"paged-{i}" for i in range(5)])
        st, body = jcall("GET", "/storage/v1/b/my.dotted.bucket", t)
        self.assertEqual((st, body["name"], body["kind"]), (200, "my.dotted.bucket",
                                                           "storage#bucket"))
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a", t)[0], 403)  # no buckets.get
        st, body = jcall("GET", "/storage/v1/b?project=proj-a", sa_token("sa2"))
        self.assertEqual(st, 403)
        self.assertIn(f"{SA2} does not have storage.buckets.list access to the Google Cloud "
                      "project. Permission 'storage.buckets.list' denied", body["error"]["message"])
        self.assertEqual(body["error"]["errors"][0]["reason"], "forbidden")

    def test_object_list_prefix_delimiter_and_metadata(self):
        t = sa_token()
        st, body = jcall("GET", "/storage/v1/b/bucket-a/o?delimiter=/", t)
        self.assertEqual(body["prefixes"], ["dir/"])
        self.assertIn("hello.txt", [i["name"] for i in body["items"]])
        st, body = jcall("GET", "/storage/v1/b/bucket-a/o?prefix=dir/&maxResults=1", t)
        self.assertEqual([i["name"] for i in body["items"]], ["dir/one.txt"])
        st, body = jcall("GET", "/storage/v1/b/bucket-a/o?prefix=dir/&pageToken="
                         + urllib.parse.quote(body["nextPageToken"]), t)
        self.assertEqual([i["name"] for i in body["items"]], ["dir/two.txt"])
        st, meta = jcall("GET", "/storage/v1/b/bucket-a/o/hello.txt", t)
        self.assertEqual((meta["size"], meta["bucket"]), ("11", "bucket-a"))
        for k in ("updated", "md5Hash", "crc32c", "generation"):
            self.assertIn(k, meta)
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o/none", t)[0], 404)
        self.assertEqual(call("GET", "/storage/v1/b/no-such-bucket/o", t)[0], 404)

    def test_range_reads(self):
        t, path = sa_token(), "/storage/v1/b/bucket-a/o/hello.txt?alt=media"
        st, h, body = call("GET", path, t, headers={"Range": "bytes=2-5"})
        self.assertEqual((st, body, h["content-range"]), (206, b"llo ", "bytes 2-5/11"))
        self.assertEqual(call("GET", path, t, headers={"Range": "bytes=-3"})[2], b"rld")
        self.assertEqual(call("GET", path, t, headers={"Range": "bytes=20-"})[0], 416)
        st, h, _ = call("GET", path, t)
        self.assertIn("md5=", h["x-goog-hash"])

    def test_simple_multipart_upload_download_delete(self):
        t, data = sa_token(), os.urandom(3 << 20)
        st, meta = jcall("POST", "/upload/storage/v1/b/bucket-a/o?uploadType=media&name=up/a.bin",
                         t, body=data, headers={"Content-Type": "application/octet-stream"})
        self.assertEqual((st, meta["size"]), (200, str(len(data))))
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o/up%2Fa.bin?alt=media", t)[2], data)
        mp = (b"--XX\r\nContent-Type: application/json\r\n\r\n{\"name\": \"up/m.txt\"}\r\n"
              b"--XX\r\nContent-Type: text/plain\r\n\r\nmultipart body\r\n--XX--\r\n")
        st, meta = jcall("POST", "/upload/storage/v1/b/bucket-a/o?uploadType=multipart", t,
                         body=mp, headers={"Content-Type": "multipart/related; boundary=XX"})
        self.assertEqual((st, meta["name"], meta["contentType"]), (200, "up/m.txt", "text/plain"))
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o/up%2Fm.txt?alt=media", t)[2],
                         b"multipart body")
        self.assertEqual(call("DELETE", "/storage/v1/b/bucket-a/o/up%2Fa.bin", t)[0], 204)
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o/up%2Fa.bin", t)[0], 404)

    def test_overwrite_needs_delete_permission(self):
        t2 = sa_token("sa2")  # objectCreator on bucket-a
        path = "/upload/storage/v1/b/bucket-a/o?uploadType=media&name=creator.txt"
        self.assertEqual(call("POST", path, t2, body=b"1")[0], 200)
        self.assertEqual(call("POST", path, t2, body=b"2")[0], 403)

    def test_resumable_upload(self):
        t, unit = sa_token(), 256 * 1024
        data = os.urandom(12 * unit + 1000)
        st, h, _ = call("POST", "/upload/storage/v1/b/bucket-a/o?uploadType=resumable", t,
                        js={"name": "res/big.bin", "contentType": "application/x-test"})
        self.assertEqual(st, 200)
        sess = urllib.parse.urlsplit(h["location"])
        session = sess.path + "?" + sess.query
        st, h, _ = call("PUT", session, body=b"", headers={"Content-Range": "bytes */*"})
        self.assertEqual(st, 308)
        self.assertNotIn("range", h)
        # A non-aligned chunk: only whole 256 KiB units are kept.
        st, h, _ = call("PUT", session, body=data[:unit + 10],
                        headers={"Content-Range": f"bytes 0-{unit + 9}/*"})
        self.assertEqual((st, h["range"]), (308, f"bytes=0-{unit - 1}"))
        off = unit
        while off < len(data):
            end = min(off + 4 * unit, len(data))
            total = str(len(data)) if end == len(data) else "*"
            st, h, body = call("PUT", session, body=data[off:end],
                               headers={"Content-Range": f"bytes {off}-{end - 1}/{total}"})
            if end < len(data):
                self.assertEqual((st, h["range"]), (308, f"bytes=0-{end - 1}"))
            off = end
        self.assertEqual(st, 200, body)
        meta = json.loads(body)
        self.assertEqual((meta["size"], meta["contentType"]), (str(len(data)),
                                                               "application/x-test"))
        got = call("GET", "/storage/v1/b/bucket-a/o/res%2Fbig.bin?alt=media", t)[2]
        self.assertEqual(hashlib.sha256(got).digest(), hashlib.sha256(data).digest())
        # A gap is refused.
        st, h, _ = call("POST", "/upload/storage/v1/b/bucket-a/o?uploadType=resumable&name=g", t)
        sess = urllib.parse.urlsplit(h["location"])
        st, _, _ = call("PUT", sess.path + "?" + sess.query, body=b"x" * 10,
                        headers={"Content-Range": f"bytes {unit}-{unit + 9}/*"})
        self.assertEqual(st, 400)

    def test_unauthenticated(self):
        st, h, body = call("GET", "/storage/v1/b/bucket-a/o")
        self.assertEqual(st, 401)
        self.assertIn("www-authenticate", h)
        st, body = jcall("GET", "/storage/v1/b/bucket-a/o", "ya29.bogus")
        self.assertEqual((st, body["error"]["message"]), (401, "Invalid Credentials"))
        # A read-only scope cannot write.
        ro = sa_token(scopes=("https://www.googleapis.com/auth/devstorage.read_only",))
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o", ro)[0], 200)
        self.assertEqual(call("POST", "/upload/storage/v1/b/bucket-a/o?uploadType=media&name=r",
                              ro, body=b"r")[0], 403)


class GkeArtifactRegistryResourceManager(unittest.TestCase):
    def test_gke_and_kube_fake_with_google_token(self):
        with peers.kube_apiserver(token=None, client_cert=False,
                                  google_tokeninfo_url=G.url + "/tokeninfo",
                                  google_allowed_emails=[SA]) as kube:
            G.world.add_cluster(P, "us-central1", "c1", f"127.0.0.1:{kube.port}", kube.ca_pem)
            G.push()
            t = sa_token()
            st, body = jcall("GET", f"/v1/projects/{P}/locations/-/clusters", t)
            self.assertEqual(st, 200, body)
            c = [c for c in body["clusters"] if c["name"] == "c1"][0]
            self.assertEqual((c["name"], c["status"], c["endpoint"]),
                             ("c1", "RUNNING", f"127.0.0.1:{kube.port}"))
            import base64
            self.assertEqual(base64.b64decode(c["masterAuth"]["clusterCaCertificate"]).decode(),
                             kube.ca_pem)
            st, body = jcall("GET", f"/v1/projects/{P}/locations/us-central1/clusters/c1", t)
            self.assertEqual((st, body["name"]), (200, "c1"))
            st, body = jcall("GET", f"/v1/projects/{P}/locations/-/clusters", sa_token("sa2"))
            self.assertEqual((st, body["error"]["message"]), (403, 'Required "container.'
                             f'clusters.list" permission(s) for "projects/{P}".'))
            import ssl
            ctx = ssl.create_default_context(cafile=kube.ca_path)

            def kube_get(token):
                c = http.client.HTTPSConnection("127.0.0.1", kube.port, context=ctx, timeout=30)
                c.request("GET", "/api/v1/namespaces", headers={"Authorization": "Bearer " + token})
                r = c.getresponse()
                r.read()
                c.close()
                return r.status
            self.assertEqual(kube_get(t), 200)
            self.assertEqual(kube_get(sa_token("sa2")), 401)  # valid but not allowed
            G.revoke(SA)
            self.assertEqual(kube_get(t), 401)

    def test_artifact_registry_and_resource_manager(self):
        t = sa_token()
        st, body = jcall("GET", f"/v1/projects/{P}/locations", t)
        self.assertIn({"locationId": "us-central1", "name": f"projects/{P}/locations/us-central1"},
                      body["locations"])
        st, body = jcall("GET", f"/v1/projects/{P}/locations/us-central1/repositories", t)
        self.assertEqual(body["repositories"][0]["name"],
                         f"projects/{P}/locations/us-central1/repositories/images")
        self.assertEqual(body["repositories"][0]["format"], "DOCKER")
        self.assertEqual(call("GET", f"/v1/projects/{P}/locations/us-central1/repositories",
                              sa_token("sa2"))[0], 403)
        st, body = jcall("GET", f"/v1/projects/{P}", t)
        self.assertEqual((st, body["projectId"], body["lifecycleState"]), (200, P, "ACTIVE"))
        self.assertEqual(call("GET", f"/v1/projects/{P}", sa_token("sa2"))[0], 403)
        self.assertEqual(jcall("GET", f"/v1/projects/{P}")[1]["error"]["status"],
                         "UNAUTHENTICATED")


class MetadataServer(unittest.TestCase):
    MD = {"Metadata-Flavor": "Google"}

    def test_with_and_without_header(self):
        st, h, _ = call("GET", "/", headers=self.MD)
        self.assertEqual((st, h["metadata-flavor"]), (200, "Google"))
        base = "/computeMetadata/v1/instance/service-accounts/default/"
        st, h, body = call("GET", base + "token", headers=self.MD)
        self.assertEqual((st, h["metadata-flavor"]), (200, "Google"))
        tok = json.loads(body)
        self.assertEqual(tok["token_type"], "Bearer")
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o", tok["access_token"])[0], 200)
        self.assertEqual(call("GET", base + "email", headers=self.MD)[2], SA.encode())
        self.assertEqual(call("GET", "/computeMetadata/v1/project/project-id",
                              headers=self.MD)[2], P.encode())
        st, body = jcall("GET", base + "?recursive=true", headers=self.MD)
        self.assertEqual(body["email"], SA)
        self.assertEqual(call("GET", base + "token")[0], 403)
        self.assertEqual(call("GET", base + "token", headers={"Metadata-Flavor": "google"})[0],
                         403)
        self.assertEqual(call("GET", base + "token", headers=dict(
            self.MD, **{"X-Forwarded-For": "1.2.3.4"}))[0], 403)


class AdminLogAndExpiry(unittest.TestCase):
    def test_revoke_stats_and_log_has_no_secrets(self):
        before = G.stats()["minted"].get("jwt_bearer", 0)
        t = sa_token("sa2")
        self.assertEqual(G.stats()["minted"]["jwt_bearer"], before + 1)
        self.assertGreaterEqual(G.revoke(SA2), 1)
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o", t)[0], 401)
        call("GET", "/tokeninfo?access_token=" + t)
        with open(G.log_path) as f:
            log = f.read()
        for secret in G.secrets() + [t]:
            self.assertNotIn(secret.strip()[-40:], log)
        self.assertTrue(all({"method", "path", "principal", "status"} <= set(e)
                            for e in G.log()))

    def test_world_file_at_start(self):
        d = tempfile.mkdtemp(prefix="lk-gcpw-")
        proc = None
        try:
            world = {"projects": {"w": {"number": "42"}},
                     "metadata": {"service_account": "vm@w.iam.gserviceaccount.com",
                                  "project_id": "w"}}
            with open(os.path.join(d, "world.json"), "w") as f:
                json.dump(world, f)
            port_file = os.path.join(d, "port")
            proc = subprocess.Popen([sys.executable, gcp_peers.GCP_FAKE, "--port-file", port_file,
                                     "--world", os.path.join(d, "world.json")],
                                    env=gcp_peers.process_util.clean_env(),
                                    stderr=subprocess.DEVNULL)
            deadline = time.time() + 15
            while not os.path.exists(port_file) and proc.poll() is None and time.time() < deadline:
                time.sleep(0.05)
            with open(port_file) as f:
                url = "http://127.0.0.1:" + f.read().strip()
            st, _, body = call("GET", "/computeMetadata/v1/project/numeric-project-id", url=url,
                               headers={"Metadata-Flavor": "Google"})
            self.assertEqual((st, body), (200, b"42"))
        finally:
            gcp_peers.process_util.stop_process(proc)
            shutil.rmtree(d, ignore_errors=True)

    def test_expired_token_refused(self):
        with gcp_peers.gcp_fake(build, token_lifetime=2) as g:
            t = g.service_account_token(g.built["sa"])
            ok = call("GET", "/storage/v1/b/bucket-a/o", t, url=g.url)[0]
            time.sleep(2.5)
            self.assertEqual(ok, 200)
            self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o", t, url=g.url)[0], 401)
            st, body = jcall("GET", f"/v1/projects/{P}", t, url=g.url)
            self.assertEqual((st, body["error"]["status"]), (401, "UNAUTHENTICATED"))
            self.assertEqual(call("GET", "/tokeninfo?access_token=" + t, url=g.url)[0], 400)
            pid, port, workdir = g.pid, g.port, g.workdir
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)
        self.assertFalse(os.path.exists(workdir))
        with socket.socket() as s:
            self.assertNotEqual(s.connect_ex(("127.0.0.1", port)), 0)


GOOGLE_AUTH_PROBE = r"""
import json, sys
from google.auth import compute_engine, downscoped, identity_pool, impersonated_credentials
from google.auth.transport.requests import Request
from google.oauth2 import credentials, service_account
cfg, req, out = json.load(open(sys.argv[1])), Request(), {}
url, cp = cfg["url"], [cfg["cp"]]
sa = service_account.Credentials.from_service_account_info(cfg["sa"], scopes=cp)
u = credentials.Credentials(None, refresh_token=cfg["user"]["refresh_token"],
                            client_id=cfg["user"]["client_id"],
                            client_secret=cfg["user"]["client_secret"], token_uri=url + "/token")
ext = identity_pool.Credentials.from_info(cfg["ext"], scopes=cp)
imp = impersonated_credentials.Credentials(source_credentials=sa, target_principal=cfg["target"],
                                           target_scopes=cp, lifetime=600)
imp._iam_endpoint_override = (url + "/v1/projects/-/serviceAccounts/" + cfg["target"]
                              + ":generateAccessToken")
rule = downscoped.AccessBoundaryRule(
    available_resource="//storage.googleapis.com/projects/_/buckets/bucket-a",
    available_permissions=["inRole:roles/storage.objectViewer"])
down = downscoped.Credentials(source_credentials=sa, credential_access_boundary=
                              downscoped.CredentialAccessBoundary(rules=[rule]))
down._sts_client._token_exchange_endpoint = url + "/v1/token"
for name, c in (("sa", sa), ("user", u), ("ext", ext), ("imp", imp), ("down", down),
                ("gce", compute_engine.Credentials())):
    c.refresh(req)
    out[name] = c.token
print(json.dumps(out))
"""


class GoogleAuthLibrary(unittest.TestCase):
    """google-auth 2.x as bundled with the gcloud SDK drives every token flow of the fake."""

    def test_google_auth_flows(self):
        sdk = os.path.dirname(os.path.dirname(os.path.realpath(shutil.which("gcloud"))))
        py = os.path.join(sdk, "platform", "bundledpythonunix", "bin", "python3")
        d = tempfile.mkdtemp(prefix="lk-gauth-")
        try:
            subject = os.path.join(d, "subject")
            with open(subject, "w") as f:
                f.write("gh-oidc-jwt")
            cfg = {"url": G.url, "cp": CP, "target": TARGET, "sa": G.built["sa"],
                   "user": G.built["user"],
                   "ext": dict(G.built["ext"], credential_source={"file": subject})}
            with open(os.path.join(d, "cfg.json"), "w") as f:
                json.dump(cfg, f)
            env = gcp_peers.process_util.clean_env(extra={
                "PYTHONPATH": os.path.join(sdk, "lib", "third_party"),
                "GCE_METADATA_HOST": G.url[len("http://"):],
                "GCE_METADATA_IP": G.url[len("http://"):]})
            r = subprocess.run([py, "-c", GOOGLE_AUTH_PROBE, os.path.join(d, "cfg.json")],
                               env=env, capture_output=True, text=True, timeout=120)
        finally:
            shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        tokens = json.loads(r.stdout)
        expect = {"sa": SA, "user": USER, "ext": TARGET, "imp": TARGET, "down": SA, "gce": SA}
        for name, principal in expect.items():
            st, info = jcall("GET", "/tokeninfo?access_token=" + tokens[name])
            self.assertEqual((st, info.get("email")), (200, principal), name)
        down = tokens["down"]
        self.assertEqual(call("GET", "/storage/v1/b/bucket-a/o/hello.txt", down)[0], 200)
        self.assertEqual(call("GET", "/storage/v1/b/bucket-b/o/b.txt", down)[0], 403)


class Gcloud(unittest.TestCase):
    """The real gcloud CLI with CLOUDSDK_AUTH_ACCESS_TOKEN_FILE + endpoint overrides."""

    def run_gcloud(self, token, *args):
        d = tempfile.mkdtemp(prefix="lk-gcloud-")
        try:
            tf = os.path.join(d, "token")
            with open(tf, "w") as f:
                f.write(token)
            env = G.gcloud_env(tf, P, os.path.join(d, "config"))
            return subprocess.run([shutil.which("gcloud") or "gcloud", *args], env=env,
                                  capture_output=True, text=True, timeout=180)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_gcloud_uses_a_token_the_fake_minted(self):
        t = sa_token()
        r = self.run_gcloud(t, "storage", "ls", "gs://bucket-a")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("gs://bucket-a/hello.txt", r.stdout)
        r = self.run_gcloud(t, "storage", "buckets", "list", "--format=value(name)")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("my.dotted.bucket", r.stdout.split())
        r = self.run_gcloud(t, "container", "clusters", "list", "--format=value(name,location)")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("static\teurope-west1-b", r.stdout)
        r = self.run_gcloud(t, "artifacts", "repositories", "list", "--location=us-central1",
                            "--format=value(name)")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "images"), r.stderr)

    def test_gcloud_with_bogus_token_fails(self):
        r = self.run_gcloud("ya29.bogus-token", "storage", "ls", "gs://bucket-a")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("hello.txt", r.stdout)


if __name__ == "__main__":
    unittest.main()
