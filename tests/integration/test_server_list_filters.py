"""Upstream's filter language on the list routes and the CLI's list flags (issue 15).

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_server_list_filters.py

A real ``latchkey server`` (SQLite, then PostgreSQL) with a handful of connectors and secrets:
operators on values, labels, logical_operator, sort_by, the page model, 400s naming unknown
parameters; then the CLI's flags against the embedded store and against the server (remote
mode). Every connector is created without verification against a dead loopback port.
"""
from __future__ import annotations

import os
import secrets
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "peers"))
import cli  # noqa: E402
import peers  # noqa: E402
from latchkey_server import latchkey_server  # noqa: E402
from postgres import postgres_server  # noqa: E402

API = "/api/v1"
NAMES = ["aws-s3", "aws-eks", "gcp_main", "Docker-Hub", "x%y"]


class ListFilterSuite:
    store_url: str | None = None

    @classmethod
    def setUpClass(cls):
        cls._ctx = latchkey_server(store_url=cls.store_url)
        cls.server = cls._ctx.__enter__()
        cls.admin = cls.server.admin()
        cls.tag = secrets.token_hex(3)
        dead = f"http://127.0.0.1:{peers.free_port()}"
        cls.created = {}
        for i, name in enumerate(NAMES):
            body = {"name": f"{name}-{cls.tag}", "connector_type": "docker", "auth_method": "password",
                    "configuration": {"registry": dead, "username": "u"},
                    "secrets": {"password": "pw-" + secrets.token_hex(8)},
                    "labels": {"suite": cls.tag, **({"team": "data"} if i % 2 == 0 else {"env": "dev"})},
                    "verify": False}
            st, c = cls.admin.post(f"{API}/service_connectors", body)
            if st != 201:
                raise AssertionError(f"create {name}: {st} {c}")
            cls.created[name] = c
        for name in ("db-pass", "api_key", "DB-Root"):
            st, s = cls.admin.post(f"{API}/secrets", {"name": f"{name}-{cls.tag}", "values": {"k": "v-" + secrets.token_hex(6)}})
            if st != 201:
                raise AssertionError(f"create secret {name}: {st} {s}")

    @classmethod
    def tearDownClass(cls):
        cls._ctx.__exit__(None, None, None)

    def names(self, path="service_connectors", **query):
        query.setdefault("label", f"suite={self.tag}") if path == "service_connectors" else None
        st, body = self.admin.get(f"{API}/{path}", query=query)
        self.assertEqual(st, 200, f"{query}: {body}")
        return [x["name"].rsplit("-", 1)[0] for x in body["items"]]

    def test_operators(self):
        t = self.tag
        self.assertEqual(self.names(name=f"aws-s3-{t}"), ["aws-s3"])
        self.assertEqual(self.names(name=f"equals:aws-s3-{t}"), ["aws-s3"])
        self.assertEqual(self.names(name="contains:AWS"), ["aws-eks", "aws-s3"],
                         "contains ignores case, as upstream")
        self.assertEqual(self.names(name="startswith:gcp"), ["gcp_main"])
        self.assertEqual(self.names(name=f"endswith:hub-{t}"), ["Docker-Hub"])
        self.assertEqual(self.names(name="contains:%"), ["x%y"], "'%' is literal")
        self.assertEqual(self.names(name="contains:_"), ["gcp_main"], "'_' is literal")
        self.assertEqual(self.names(name=f'oneof:["aws-s3-{t}","x%y-{t}"]'), ["aws-s3", "x%y"])
        self.assertEqual(self.names(name=f"gte:gcp_main-{t}"), ["gcp_main", "x%y"])
        self.assertEqual(self.names(id="startswith:" + self.created["x%y"]["id"][:13]), ["x%y"])
        self.assertEqual(self.names(created="gt:2000-01-01 00:00:00"), sorted(NAMES))
        self.assertEqual(self.names(created="lt:2000-01-01T00:00:00Z"), [])
        self.assertEqual(self.names(user="admin"), sorted(NAMES))
        self.assertEqual(self.names(resource_type="docker-registry", name="contains:s3"), ["aws-s3"])

    def test_labels_logical_operator_and_sorting(self):
        self.assertEqual(self.names(label=[f"suite={self.tag}", "team=data"]), ["aws-s3", "gcp_main", "x%y"])
        self.assertEqual(self.names(label=[f"suite={self.tag}", "env"]), ["Docker-Hub", "aws-eks"])
        # OR across the filters given: the suite label or a name.
        st, body = self.admin.get(f"{API}/service_connectors",
                                  query={"label": "env=dev", "name": f"x%y-{self.tag}", "logical_operator": "or",
                                         "size": 1000})
        self.assertEqual(st, 200, body)
        got = {x["name"] for x in body["items"]}
        self.assertTrue({f"x%y-{self.tag}", f"aws-eks-{self.tag}", f"Docker-Hub-{self.tag}"} <= got, got)
        self.assertEqual(self.names(sort_by="desc:name"), sorted(NAMES, reverse=True))
        self.assertEqual(self.names(sort_by="-name"), sorted(NAMES, reverse=True), "'-' is desc:")
        # Created within a second or two: ties are ordered by name, and desc: is the exact reverse.
        asc = self.names(sort_by="asc:created")
        self.assertEqual(sorted(asc), sorted(NAMES))
        self.assertEqual(asc[-1], "x%y", "created last, largest name")
        self.assertEqual(self.names(sort_by="desc:created"), asc[::-1])

    def test_page_model(self):
        st, p = self.admin.get(f"{API}/service_connectors",
                               query={"label": f"suite={self.tag}", "size": 2, "page": 3, "sort_by": "created"})
        self.assertEqual(st, 200, p)
        self.assertEqual({k: p[k] for k in ("index", "max_size", "total_pages", "total")},
                         {"index": 3, "max_size": 2, "total_pages": 3, "total": 5})
        self.assertEqual([x["name"] for x in p["items"]], [f"x%y-{self.tag}"])
        st, s = self.admin.get(f"{API}/secrets", query={"name": f"contains:{self.tag}", "size": 2})
        self.assertEqual(st, 200, s)
        self.assertEqual((s["total"], s["total_pages"], len(s["items"])), (3, 2, 2))
        self.assertEqual(self.names("secrets", name="contains:db", sort_by="desc:name"),
                         ["db-pass", "DB-Root"])

    def test_bad_queries_are_400_naming_the_problem(self):
        cases = [
            ("service_connectors", {"colour": "red", "name": "x"}, "colour"),
            ("service_connectors", {"expand_secrets": "true"}, "expand_secrets"),
            ("secrets", {"connector_type": "docker"}, "connector_type"),
            ("service_connectors", {"id": "contains:abc"}, "contains:"),
            ("service_connectors", {"created": "gt:yesterday"}, "created"),
            ("service_connectors", {"logical_operator": "xor"}, "logical_operator"),
            ("service_connectors", {"sort_by": "desc:colour"}, "sort_by"),
            ("service_connectors", {"name": "oneof:[1]"}, "oneof"),
            ("secrets", {"size": "0"}, "size"),
            ("stacks", {"flavor": "s3"}, "flavor"),
            ("stack_components/artifact_store", {"label": "a=b"}, "labels"),
            ("users", {"admin": "yes"}, "admin"),
            ("tokens", {"all": "true", "colour": "red"}, "colour"),
            ("tokens", {"revoked": "maybe"}, "revoked"),
        ]
        for path, query, needle in cases:
            with self.subTest(query=query):
                st, body = self.admin.get(f"{API}/{path}", query=query)
                self.assertEqual(st, 400, body)
                self.assertEqual(body["error"]["code"], "invalid_argument")
                self.assertIn(needle, body["error"]["message"])

    def test_components_stacks_users_and_tokens_page_too(self):
        t = self.tag
        comps = f"{API}/stack_components/artifact_store"
        for name in ("files", "archive", "cache"):
            st, body = self.admin.post(comps, {"name": f"{name}-{t}", "flavor": "local"})
            self.assertEqual(st, 201, body)
        st, p = self.admin.get(comps, query={"name": f"endswith:-{t}", "sort_by": "desc:name", "size": 2})
        self.assertEqual(st, 200, p)
        self.assertEqual({k: p[k] for k in ("index", "max_size", "total_pages", "total")},
                         {"index": 1, "max_size": 2, "total_pages": 2, "total": 3})
        self.assertEqual([c["name"] for c in p["items"]], [f"files-{t}", f"cache-{t}"])
        for name in ("blue", "green"):
            st, body = self.admin.post(f"{API}/stacks", {"name": f"{name}-{t}",
                                                         "components": {"artifact_store": f"files-{t}"}})
            self.assertEqual(st, 201, body)
        self.assertEqual(self.names("stacks", name=f"contains:-{t}", sort_by="desc:created", size=1, page=2),
                         ["blue"])
        for name, service in (("ops", False), ("robot", True)):
            body = {"name": f"{name}-{t}", "service_account": service}
            if not service:
                body["password"] = "pw-" + secrets.token_hex(8)
            st, u = self.admin.post(f"{API}/users", body)
            self.assertEqual(st, 201, u)
        self.assertEqual(self.names("users", name=f"contains:{t}", service_account="true"), ["robot"])
        st, key = self.admin.post(f"{API}/users/robot-{t}/api_keys", {"name": "deploy"})
        self.assertEqual(st, 201, key)
        st, tokens = self.admin.get(f"{API}/tokens", query={"all": "true", "user": f"robot-{t}"})
        self.assertEqual(st, 200, tokens)
        self.assertEqual(([x["id"] for x in tokens["items"]], tokens["total"]), ([key["id"]], 1))
        st, mine = self.admin.get(f"{API}/tokens", query={"user": f"robot-{t}"})
        self.assertEqual((st, mine["total"]), (200, 0), "without all=true only the caller's own")

    def test_cli_flags_in_remote_mode(self):
        env = cli.CliEnv()
        self.addCleanup(env.cleanup)
        extra = {"LATCHKEY_URL": self.server.url, "LATCHKEY_API_TOKEN": self.admin.token}
        r = env.run("service-connector", "list", "--label", f"suite={self.tag}", "--name", "contains:AWS",
                    "--sort_by", "desc:name", "-o", "json", env_extra=extra)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertEqual([c["name"] for c in r.json()], [f"aws-s3-{self.tag}", f"aws-eks-{self.tag}"])
        r = env.run("service-connector", "list", "--label", f"suite={self.tag}", "--size", "2", "--page", "2",
                    "--sort_by", "created", env_extra=extra)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("Page 2 of 3 (5 service connectors)", r.stdout)
        self.assertIn(f"gcp_main-{self.tag}", r.stdout)
        r = env.run("secret", "list", "--name", f"endswith:key-{self.tag}", "-o", "json", env_extra=extra)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertEqual([s["name"] for s in r.json()], [f"api_key-{self.tag}"])
        r = env.run("user", "list", "--name", "equals:admin", "-o", "json", env_extra=extra)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertEqual([u["name"] for u in r.json()], ["admin"])
        self.server.admin()  # a second admin token, so one token per page makes two pages
        r = env.run("token", "list", "--all", "--user", "admin", "--size", "1", env_extra=extra)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertRegex(r.stdout, r"Page 1 of \d+ \(\d+ API tokens\)")
        r = env.run("artifact-store", "list", "--name", f"startswith:files-{self.tag}", "-o", "json",
                    env_extra=extra)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertLessEqual(len(r.json()), 1)
        r = env.run("stack", "list", "--name", "nothing-like-this", env_extra=extra)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("No stacks found.", r.stdout)
        r = env.run("user", "list", "--sort_by", "colour", env_extra=extra)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("sort_by", r.stderr)


class SqliteListFilterTest(ListFilterSuite, unittest.TestCase):
    store_url = None


class PostgresListFilterTest(ListFilterSuite, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._pg = postgres_server()
        cls.store_url = cls._pg.__enter__()
        try:
            super().setUpClass()
        except BaseException:
            cls._pg.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._pg.__exit__(None, None, None)


class CliListFlagsTest(cli.CliTestCase):
    """The same flags on the embedded store."""

    def register(self, name, *extra):
        pw = self.env.add_secret("nv-pw-" + secrets.token_hex(10), "password")
        self.lk_ok("service-connector", "register", name, "--type", "docker", "--auth-method", "password",
                   "--username=u", f"--password={pw}", f"--registry=http://127.0.0.1:{peers.free_port()}",
                   "--no-verify", *extra)

    def test_flags(self):
        self.register("alpha", "--label", "env=ci")
        self.register("alpine", "--label", "env=prod")
        self.register("beta", "--label", "team=core")
        names = lambda *f: [c["name"] for c in self.list_connectors(*f)]  # noqa: E731
        self.assertEqual(names("--name", "startswith:alp"), ["alpha", "alpine"])
        self.assertEqual(names("--name", "contains:ALP", "--sort_by", "desc:name"), ["alpine", "alpha"])
        self.assertEqual(names("--connector_type", "docker", "--label", "env"), ["alpha", "alpine"])
        self.assertEqual(names("--label", "team=core", "--name", "alpha", "--logical_operator", "or"),
                         ["alpha", "beta"])
        self.assertEqual(names("--auth_method", "password", "--size", "1", "--page", "3"), ["beta"])
        self.assertEqual(names("--user", "oneof:nobody,someone"), [])
        self.assertEqual(names("--created", "gt:2000-01-01 00:00:00", "--sort_by", "-name"),
                         ["beta", "alpine", "alpha"])
        text = self.lk_ok("service-connector", "list", "--size", "2").stdout
        self.assertIn("Page 1 of 2 (3 service connectors)", text)
        for bad, needle in ((("--id", "contains:ab"), "contains:"), (("--sort_by", "colour"), "sort_by"),
                            (("--logical_operator", "xor"), "logical_operator"), (("--size", "0"), "size")):
            with self.subTest(bad=bad):
                r = self.lk_fail("service-connector", "list", *bad)
                self.assertOneLineError(r, needle)


if __name__ == "__main__":
    unittest.main()
