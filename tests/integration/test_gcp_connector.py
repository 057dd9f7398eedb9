"""The gcp connector against the loopback Google Cloud fake (tests/fakes/gcp_fake.py), which
checks every assertion signature, token, permission and access boundary itself, and against
real clients: kubectl (GKE through the fake API server, which asks the fake's tokeninfo) and
the gcloud CLI (reading what `login` wrote).

    python3 -m unittest tests/integration/test_gcp_connector.py -v
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import gcp_peers  # noqa: E402
import latchkey_server  # noqa: E402
import peers  # noqa: E402

PROJECT = "latchkey-core"
EMPTY = f"empty-connectors@{PROJECT}.iam.gserviceaccount.com"
BUCKET_SA = f"bucket-sl@{PROJECT}.iam.gserviceaccount.com"
ADMIN = f"admin@{PROJECT}.iam.gserviceaccount.com"
NODE = f"node@{PROJECT}.iam.gserviceaccount.com"
USER = "dev@example.com"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
ADMIN_PERMISSIONS = ("storage.buckets.list", "storage.buckets.get", "storage.objects.list",
                     "storage.objects.get", "storage.objects.create", "storage.objects.delete",
                     "container.clusters.list", "container.clusters.get",
                     "artifactregistry.repositories.list", "resourcemanager.projects.get")


def build_world(w):
    keys = {name: w.add_service_account(email, PROJECT)
            for name, email in (("empty", EMPTY), ("bucket", BUCKET_SA), ("admin", ADMIN),
                                ("node", NODE))}
    w.allow_impersonation(BUCKET_SA, EMPTY)
    w.grant_project(PROJECT, ADMIN, *ADMIN_PERMISSIONS)
    w.grant_project(PROJECT, NODE, *ADMIN_PERMISSIONS)
    w.grant_project(PROJECT, USER, "storage.buckets.list", "storage.objects.list")
    w.add_bucket("latchkey-bucket-sl", PROJECT, {BUCKET_SA: "roles/storage.objectAdmin"},
                 objects={"hello.txt": "hello from sl"})
    w.add_bucket("data.example.com", PROJECT, objects={"a.txt": "dotted"})
    w.add_bucket("other-bucket", PROJECT, objects={"secret.txt": "not for you"})
    w.add_repository(PROJECT, "us-central1", "images")
    w.set_metadata(NODE, PROJECT)
    keys["user"] = w.add_authorized_user(USER, include_token_uri=True)
    return keys


class GcpTestCase(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gcp = cls.enterClassContext(gcp_peers.gcp_fake(build_world))
        cls.keys = cls.gcp.built
        # GKE: the fake API server accepts Google tokens of the node and admin accounts.
        cls.kube = cls.enterClassContext(peers.kube_apiserver(
            token="unused-static-token", client_cert=False,
            google_tokeninfo_url=cls.gcp.url + "/tokeninfo",
            google_allowed_emails=(ADMIN, NODE)))
        cls.gcp.world.add_cluster(PROJECT, "us-central1", "prod",
                                  cls.kube.server.removeprefix("https://"), cls.kube.ca_pem)
        cls.gcp.push()

    def setUp(self):
        super().setUp()
        for value in self.gcp.secrets():
            self.env.add_secret(value, "gcp fake secret")
        self.gcloud_dir = os.path.join(self.env.root, "gcloud")

    def lkg(self, *args, ok=True, env=None):
        extra = {"CLOUDSDK_CONFIG": self.gcloud_dir, **(env or {})}
        return self.lk_ok(*args, env_extra=extra) if ok else self.lk_fail(*args, env_extra=extra)

    def key_arg(self, name):
        path = self.env.write_input(f"{name}.json", json.dumps(self.keys[name]))
        return f"--service_account_json=@{path}"

    def register(self, name, method, *extra, ok=True, env=None):
        return self.lkg("service-connector", "register", name, "--type", "gcp", "--auth-method",
                        method, f"--project_id={PROJECT}", f"--api_endpoint={self.gcp.url}",
                        *extra, ok=ok, env=env)

    def resources(self, name, env=None):
        report = self.lkg("service-connector", "verify", name, "-o", "json", env=env).json()
        return {r["resource_type"]: r for r in report["resources"]}

    def client(self, name, resource_type, resource_id, env=None):
        c = self.lkg("service-connector", "describe", name, "--resource-type", resource_type,
                     "--resource-id", resource_id, "--client", "-o", "json",
                     "--show-secrets", env=env).json()
        for value in c["secrets"].values():
            self.env.add_secret(value, "issued credential")
        return c

    def storage(self, token, path, data=None, method=None):
        req = urllib.request.Request(self.gcp.url + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + token})
        try:
            with OPENER.open(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()


class GcpConnectorTest(GcpTestCase):
    def test_service_account_reaches_every_resource_type(self):
        self.register("admin", "service-account", self.key_arg("admin"))
        by_type = self.resources("admin")
        self.assertEqual(by_type["gcp-generic"]["resource_ids"], [PROJECT])
        self.assertEqual(sorted(by_type["gcs-bucket"]["resource_ids"]),
                         ["gs://data.example.com", "gs://latchkey-bucket-sl", "gs://other-bucket"])
        self.assertEqual(by_type["kubernetes-cluster"]["resource_ids"], ["prod"])
        self.assertEqual(by_type["docker-registry"]["resource_ids"],
                         [f"gcr.io/{PROJECT}", f"us-central1-docker.pkg.dev/{PROJECT}/images"])

    def test_seed_an_account_without_permissions_reaches_nothing(self):
        out = self.register("gcp-empty-sa", "service-account", self.key_arg("empty")).stdout
        self.assertIn("storage.buckets.list", out)
        by_type = self.resources("gcp-empty-sa")
        self.assertEqual(by_type["gcp-generic"]["resource_ids"], [PROJECT])
        self.assertIn("failed to list GCS buckets: 403", by_type["gcs-bucket"]["error"])
        self.assertIn("container.clusters.list", by_type["kubernetes-cluster"]["error"])
        self.assertEqual(by_type["docker-registry"]["resource_ids"], [f"gcr.io/{PROJECT}"])

    def test_seed_impersonation_reaches_exactly_one_bucket(self):
        self.register("gcp-impersonate-sa", "impersonation", self.key_arg("empty"),
                      f"--target_principal={BUCKET_SA}", "--resource-type", "gcs-bucket",
                      "--resource-id", "gs://latchkey-bucket-sl")
        listed = self.lkg("service-connector", "list-resources", "-o", "json").json()
        ids = [r["resource_ids"] for c in listed for r in c["resources"]]
        self.assertEqual(ids, [["gs://latchkey-bucket-sl"]])
        client = self.client("gcp-impersonate-sa", "gcs-bucket", "gs://latchkey-bucket-sl")
        self.assertEqual((client["connector_type"], client["auth_method"]), ("gcp", "oauth2-token"))
        self.assertEqual(client["configuration"]["service_account_email"], BUCKET_SA)
        token = client["secrets"]["token"]
        status, body = self.storage(token, "/storage/v1/b/latchkey-bucket-sl/o/hello.txt?alt=media")
        self.assertEqual((status, body), (200, b"hello from sl"))
        # The impersonated account cannot reach another bucket, and the source account alone
        # cannot reach this one.
        self.assertEqual(self.storage(token, "/storage/v1/b/other-bucket/o")[0], 403)
        empty = self.gcp.service_account_token(self.keys["empty"])
        self.env.add_secret(empty, "source token")
        self.assertEqual(self.storage(empty, "/storage/v1/b/latchkey-bucket-sl/o")[0], 403)

    def test_bucket_tokens_are_down_scoped_to_their_bucket(self):
        self.register("admin", "service-account", self.key_arg("admin"), "-r", "gcs-bucket")
        client = self.client("admin", "gcs-bucket", "gs://data.example.com")
        self.assertEqual(client["configuration"]["access_boundary"],
                         "gs://data.example.com (inRole:roles/storage.objectAdmin)")
        described = self.lkg("service-connector", "describe", "admin", "--resource-type",
                             "gcs-bucket", "--resource-id", "data.example.com", "--client").stdout
        self.assertIn("access_boundary", described)
        token = client["secrets"]["token"]
        self.assertEqual(self.storage(token, "/storage/v1/b/data.example.com/o/a.txt?alt=media"),
                         (200, b"dotted"))
        # The account itself can read every bucket; its down-scoped token cannot.
        self.assertEqual(self.storage(token, "/storage/v1/b/other-bucket/o")[0], 403)
        self.assertEqual(self.storage(token, "/storage/v1/b?project=" + PROJECT)[0], 403)

    def test_read_only_boundary_role_refuses_writes(self):
        self.register("viewer", "service-account", self.key_arg("admin"), "-r", "gcs-bucket",
                      "--gcs_access_boundary_role=roles/storage.objectViewer")
        token = self.client("viewer", "gcs-bucket", "gs://other-bucket")["secrets"]["token"]
        self.assertEqual(self.storage(token, "/storage/v1/b/other-bucket/o/secret.txt?alt=media"),
                         (200, b"not for you"))
        status, _ = self.storage(token, "/upload/storage/v1/b/other-bucket/o?uploadType=media"
                                        "&name=new.txt", data=b"x", method="POST")
        self.assertEqual(status, 403)

    def test_wrong_key_is_refused_clearly_and_not_saved(self):
        forged = dict(self.keys["admin"])
        forged["private_key"] = self.keys["empty"]["private_key"]
        path = self.env.write_input("forged.json", json.dumps(forged))
        r = self.register("forged", "service-account", f"--service_account_json=@{path}", ok=False)
        self.assertOneLineError(r, "Invalid JWT Signature")
        self.assertEqual(self.lkg("service-connector", "list", "-o", "json").json(), [])

    def test_user_account_uses_its_refresh_token(self):
        path = self.env.write_input("user.json", json.dumps(self.keys["user"]))
        self.register("user", "user-account", f"--user_account_json=@{path}", "-r", "gcs-bucket")
        self.assertEqual(len(self.resources("user")["gcs-bucket"]["resource_ids"]), 3)
        stats = self.gcp.stats()
        self.assertGreaterEqual(stats["minted"].get("refresh_token", 0), 1, stats)

    def test_static_token_expires_with_the_connector(self):
        token = self.gcp.service_account_token(self.keys["admin"])
        self.env.add_secret(token, "static token")
        self.register("static", "oauth2-token", f"--token={token}", "-r", "gcs-bucket",
                      "--expires-at", "2099-01-01T00:00:00Z")
        self.assertEqual(len(self.resources("static")["gcs-bucket"]["resource_ids"]), 3)
        bad = self.register("bogus", "oauth2-token", "--token=ya29.not-a-token", "-r",
                            "gcs-bucket", "--resource-id", "gs://other-bucket", ok=False)
        self.assertIn("401", bad.stderr)

    def test_gke_login_writes_a_kubeconfig_kubectl_uses(self):
        self.register("gke", "service-account", self.key_arg("admin"), "-r", "kubernetes-cluster")
        client = self.client("gke", "kubernetes-cluster", "prod")
        self.assertEqual(client["connector_type"], "kubernetes")
        self.assertEqual(client["resource_id"], f"gke_{PROJECT}_us-central1_prod")
        self.lkg("service-connector", "login", "gke", "--resource-id", "us-central1/prod")
        out = subprocess.run([peers.KUBECTL, "get", "namespaces", "-o", "name"],
                             env=self.env.client_env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("namespace/default", out.stdout)

    def test_registry_client_is_a_docker_login_with_the_access_token(self):
        self.register("gar", "service-account", self.key_arg("admin"), "-r", "docker-registry")
        client = self.client("gar", "docker-registry",
                             f"us-central1-docker.pkg.dev/{PROJECT}/images")
        self.assertEqual(client["connector_type"], "docker")
        self.assertEqual(client["secrets"]["username"], "oauth2accesstoken")
        self.assertEqual(client["configuration"]["registry"], "https://us-central1-docker.pkg.dev")
        status, _ = self.storage(client["secrets"]["password"],
                                 f"/v1/projects/{PROJECT}/locations/us-central1/repositories")
        self.assertEqual(status, 200)

    def test_gcloud_uses_what_login_wrote(self):
        self.register("sl", "impersonation", self.key_arg("empty"),
                      f"--target_principal={BUCKET_SA}", "-r", "gcs-bucket", "--resource-id",
                      "gs://latchkey-bucket-sl")
        out = self.lkg("service-connector", "login", "sl").stdout
        self.assertIn("gcloud configuration 'default'", out)
        token_file = os.path.join(self.gcloud_dir, "latchkey", "access_token")
        self.assertEqual(os.stat(token_file).st_mode & 0o777, 0o600)
        env = self.gcp.gcloud_env("/nonexistent", PROJECT, self.gcloud_dir)
        # Only what login wrote into the configuration may authenticate gcloud.
        for name in ("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", "CLOUDSDK_CORE_PROJECT"):
            env.pop(name)
        env["HOME"] = self.env.home
        r = subprocess.run(["gcloud", "storage", "ls", "gs://latchkey-bucket-sl"], env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("gs://latchkey-bucket-sl/hello.txt", r.stdout)
        r = subprocess.run(["gcloud", "storage", "ls", "gs://other-bucket"], env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertNotEqual(r.returncode, 0)

    def test_describe_type_lists_methods_and_resources(self):
        out = self.lkg("service-connector", "describe-type", "gcp").stdout
        for word in ("implicit", "user-account", "service-account", "external-account",
                     "oauth2-token", "impersonation", "gcp-generic", "gcs-bucket",
                     "kubernetes-cluster", "docker-registry"):
            self.assertIn(word, out)

    def test_permanent_key_is_handed_out_when_asked_and_login_writes_it_for_gcloud(self):
        self.register("keyed", "service-account", self.key_arg("admin"), "-r", "gcs-bucket",
                      "--resource-id", "gs://other-bucket", "--generate_temporary_tokens=false")
        client = self.client("keyed", "gcs-bucket", "gs://other-bucket")
        self.assertEqual(client["auth_method"], "service-account")
        self.assertIsNone(client["expires_at"])
        self.assertEqual(json.loads(client["secrets"]["service_account_json"])["client_email"],
                         ADMIN)
        out = self.lkg("service-connector", "login", "keyed").stdout
        self.assertIn("credentials.json", out)
        adc = os.path.join(self.gcloud_dir, "application_default_credentials.json")
        self.assertEqual(os.stat(adc).st_mode & 0o777, 0o600)
        with open(os.path.join(self.gcloud_dir, "configurations", "config_default")) as f:
            self.assertIn("credential_file_override", f.read())


class GcpAmbientCredentialsTest(GcpTestCase):
    IMPLICIT = {"LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS": "true"}

    def test_implicit_is_refused_unless_enabled(self):
        r = self.register("ambient", "implicit", ok=False,
                          env={"GCE_METADATA_HOST": self.gcp.url.removeprefix("http://")})
        self.assertOneLineError(r, "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS")

    def test_implicit_uses_the_metadata_server(self):
        env = {**self.IMPLICIT, "GCE_METADATA_HOST": self.gcp.url.removeprefix("http://")}
        self.register("ambient", "implicit", "-r", "kubernetes-cluster", env=env)
        self.assertEqual(self.resources("ambient", env=env)["kubernetes-cluster"]["resource_ids"],
                         ["prod"])

    def test_auto_configure_lifts_google_application_credentials(self):
        path = self.env.write_input("adc.json", json.dumps(self.keys["admin"]))
        env = {"GOOGLE_APPLICATION_CREDENTIALS": path}
        self.lkg("service-connector", "register", "auto", "--type", "gcp", "--auto-configure",
                 f"--api_endpoint={self.gcp.url}", "-r", "gcs-bucket", env=env)
        c = self.describe_json("auto")
        self.assertEqual(c["auth_method"], "service-account")
        self.assertEqual(c["configuration"]["project_id"], PROJECT)
        self.assertEqual(c["secrets"]["service_account_json"], cli.HIDDEN)

    def test_auto_configure_takes_gclouds_adc_file_and_project(self):
        os.makedirs(os.path.join(self.gcloud_dir, "configurations"))
        with open(os.path.join(self.gcloud_dir, "application_default_credentials.json"), "w") as f:
            json.dump(self.keys["user"], f)
        with open(os.path.join(self.gcloud_dir, "configurations", "config_default"), "w") as f:
            f.write(f"[core]\nproject = {PROJECT}\n")
        self.lkg("service-connector", "register", "auto-user", "--type", "gcp",
                 "--auto-configure", f"--api_endpoint={self.gcp.url}", "-r", "gcs-bucket")
        c = self.describe_json("auto-user")
        self.assertEqual((c["auth_method"], c["configuration"]["project_id"]),
                         ("user-account", PROJECT))

    def test_executable_sourced_external_account_needs_the_opt_in(self):
        audience = ("//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/"
                    "ci/providers/exec")
        script = self.env.write_input("subject.sh", "#!/bin/sh\n"
                                      'echo \'{"version":1,"success":true,'
                                      '"token_type":"urn:ietf:params:oauth:token-type:jwt",'
                                      '"id_token":"eyJ.exec-subject.sig"}\'\n')
        os.chmod(script, 0o700)
        self.gcp.world.grant_project(PROJECT, "principal://ci/subject/exec",
                                     "storage.buckets.list")
        config = self.gcp.world.add_external_account(
            audience, "eyJ.exec-subject.sig", "principal://ci/subject/exec",
            {"executable": {"command": script, "timeout_millis": 5000}})
        self.gcp.push()
        path = self.env.write_input("exec.json", json.dumps(config))
        r = self.register("exec", "external-account", f"--external_account_json=@{path}",
                          "-r", "gcs-bucket", ok=False, env=self.IMPLICIT)
        self.assertOneLineError(r, "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1")
        env = {**self.IMPLICIT, "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "1"}
        self.register("exec", "external-account", f"--external_account_json=@{path}",
                      "-r", "gcs-bucket", env=env)
        self.assertEqual(len(self.resources("exec", env=env)["gcs-bucket"]["resource_ids"]), 3)

    def test_external_account_exchanges_a_file_token_then_impersonates(self):
        audience = ("//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/"
                    "ci/providers/github")
        subject = self.env.write_input("subject.jwt", "eyJ.subject-token.sig")
        self.gcp.world.allow_impersonation(BUCKET_SA, "principal://ci/subject/repo")
        config = self.gcp.world.add_external_account(
            audience, "eyJ.subject-token.sig", "principal://ci/subject/repo",
            {"file": subject}, impersonate=BUCKET_SA)
        self.gcp.push()
        path = self.env.write_input("external.json", json.dumps(config))
        self.register("wif", "external-account", f"--external_account_json=@{path}", "-r",
                      "gcs-bucket", "--resource-id", "gs://latchkey-bucket-sl", env=self.IMPLICIT)
        token = self.client("wif", "gcs-bucket", "gs://latchkey-bucket-sl",
                            env=self.IMPLICIT)["secrets"]["token"]
        self.assertEqual(self.storage(token, "/storage/v1/b/latchkey-bucket-sl/o")[0], 200)


class GcsArtifactStoreTest(GcpTestCase):
    def test_artifacts_move_through_a_down_scoped_bucket_token(self):
        self.register("gcs-sl", "service-account", self.key_arg("admin"), "-r", "gcs-bucket")
        self.lkg("artifact-store", "register", "gcs-store", "--flavor", "gcs",
                 "--path=gs://latchkey-bucket-sl/runs")
        r = self.lkg("artifact-store", "connect", "gcs-store", "--connector", "gcs-sl")
        self.assertIn("gs://latchkey-bucket-sl", r.stdout)
        # 20 MiB: above the resumable threshold, so three 8 MiB-aligned chunks.
        src = os.path.join(self.env.root, "model.bin")
        with open(src, "wb") as f:
            f.write(os.urandom(20 << 20))
        self.lkg("artifact-store", "cp", src, "gcs-store:1/model.bin")
        small = self.env.write_input("note.txt", "hello")
        self.lkg("artifact-store", "cp", small, "gcs-store:1/note.txt")
        listed = self.lkg("artifact-store", "ls", "gcs-store", "1/", "-o", "json").json()
        self.assertEqual(listed, [{"key": "1/model.bin", "size": 20 << 20},
                                  {"key": "1/note.txt", "size": 5}])
        back = os.path.join(self.env.root, "back.bin")
        self.lkg("artifact-store", "cp", "gcs-store:1/model.bin", back)
        with open(src, "rb") as a, open(back, "rb") as b:
            self.assertTrue(a.read() == b.read(), "downloaded bytes differ")
        # The bytes really are in the bucket, under the path's prefix.
        admin = self.gcp.service_account_token(self.keys["admin"])
        self.env.add_secret(admin, "admin token")
        self.assertEqual(self.storage(admin, "/storage/v1/b/latchkey-bucket-sl/o/"
                                             "runs%2F1%2Fnote.txt?alt=media"), (200, b"hello"))
        grants = [e for e in self.gcp.log() if e.get("path", "").startswith("/v1/token")]
        self.assertTrue(grants, "bucket tokens are down-scoped at STS")
        missing = self.lkg("artifact-store", "cp", "gcs-store:1/none", back + ".2", ok=False)
        self.assertIn("404", missing.stderr)
        self.assertFalse(os.path.exists(back + ".2"))


class GcpServerTest(GcpTestCase):
    """Through a server, whose token cache outlives single commands."""

    def test_cached_token_is_refreshed_after_a_401(self):
        with latchkey_server.latchkey_server() as srv:
            admin = srv.admin()
            body = {"name": "srv-admin", "connector_type": "gcp",
                    "auth_method": "service-account", "resource_types": ["gcs-bucket"],
                    "configuration": {"project_id": PROJECT, "api_endpoint": self.gcp.url},
                    "secrets": {"service_account_json": json.dumps(self.keys["admin"])}}
            status, created = admin.post("/api/v1/service_connectors", body)
            self.assertEqual(status, 201, created)
            path = f"/api/v1/service_connectors/{created['id']}/verify"
            minted = lambda: self.gcp.stats()["minted"].get("jwt_bearer", 0)  # noqa: E731
            self.assertEqual(admin.put(path)[0], 200)
            before = minted()
            self.assertEqual(admin.put(path)[0], 200)
            self.assertEqual(minted(), before, "the second verify reuses the cached token")
            # Google revokes the token early: the next call gets 401, fetches a new token once
            # and succeeds.
            self.gcp.revoke(ADMIN)
            status, report = admin.put(path)
            self.assertEqual(status, 200, report)
            ids = [r["resource_ids"] for r in report["resources"]]
            self.assertEqual(len(ids[0]), 3, report)
            self.assertEqual(minted(), before + 1)


if __name__ == "__main__":
    unittest.main()
