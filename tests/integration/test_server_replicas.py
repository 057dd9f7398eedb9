"""Several `latchkey server` replicas on one PostgreSQL store, and crash safety (SIGKILL mid-write)
on SQLite and PostgreSQL. Only the wire is used (tests/integration/latchkey_server.py).

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_server_replicas.py

Replicas share the database and the secrets key (LATCHKEY_SECRETS_KEY), nothing else: each has its
own LATCHKEY_HOME, so whatever one replica sees of another's writes came through the store.
"""

from __future__ import annotations

import base64
import os
import secrets
import sqlite3
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "peers"))
import cli  # noqa: E402
import latchkey_server  # noqa: E402
import peers  # noqa: E402
from postgres import postgres_server  # noqa: E402

CONNECTORS = "/api/v1/service_connectors"
SECRETS_KEY = base64.b64encode(os.urandom(32)).decode()
ADMIN_PASSWORD = "adm-" + secrets.token_urlsafe(12)


def setUpModule():
    global PG_URL, REGISTRY
    b = cli.latchkey_bin()
    if not (os.path.isfile(b) and os.access(b, os.X_OK)):
        raise AssertionError(f"latchkey binary not found or not executable: {b}")
    PG_URL = unittest.enterModuleContext(postgres_server())
    REGISTRY = unittest.enterModuleContext(peers.docker_registry())


def server(store_url=None, **kw) -> latchkey_server.LatchkeyServer:
    """A server sharing the module's secrets key and admin password (not started)."""
    return latchkey_server.LatchkeyServer(store_url=store_url, admin_password=ADMIN_PASSWORD,
                                          extra_env={"LATCHKEY_SECRETS_KEY": SECRETS_KEY}, **kw)


def docker_body(name, registry=None, username="tester", password=None, verify=False):
    return {"name": name, "connector_type": "docker", "auth_method": "password",
            "configuration": {"registry": registry or "https://registry.invalid:5000",
                              "username": username},
            "secrets": {"password": password or "pw-" + secrets.token_hex(8)}, "verify": verify}


def list_all(client) -> list:
    """Every connector, following pages; checks the page arithmetic on the way."""
    items, page = [], 1
    while True:
        status, body = client.get(CONNECTORS, query={"size": 1000, "page": page})
        if status != 200:
            raise AssertionError(f"list page {page}: {status} {body}")
        items += body["items"]
        if page >= body["total_pages"]:
            if body["total"] != len(items):
                raise AssertionError(f"list says total={body['total']} but returned {len(items)}")
            return items
        page += 1


class ReplicasTest(unittest.TestCase):
    """Two replicas A and B: separate homes, one PostgreSQL database, one secrets key."""

    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        cls.A = server(PG_URL)
        cls.addClassCleanup(cls.A.close)
        cls.A.start()
        cls.B = server(PG_URL)
        cls.addClassCleanup(cls.B.close)
        cls.B.start()
        assert cls.A.home != cls.B.home

    def setUp(self):
        self.a = self.A.admin()
        self.b = self.B.admin()
        self.tag = secrets.token_hex(3)

    def name(self, stem):
        return f"{stem}-{self.tag}"

    def test_connector_and_secret_written_on_one_replica_are_read_and_used_on_the_other(self):
        name = self.name("shared")
        status, made = self.a.post(CONNECTORS, docker_body(
            name, REGISTRY.url, REGISTRY.username, REGISTRY.password, verify=True))
        self.assertEqual(status, 201, made)
        self.assertEqual(made["version"], 1)
        # B reads it, decrypts its secret with the shared key, and lists it.
        status, got = self.b.get(f"{CONNECTORS}/{name}")
        self.assertEqual(status, 200, got)
        self.assertEqual((got["id"], got["version"]), (made["id"], 1))
        status, revealed = self.b.get(f"{CONNECTORS}/{name}", query={"expand_secrets": "true"})
        self.assertEqual(status, 200, revealed)
        self.assertEqual(revealed["secrets"]["password"], REGISTRY.password)
        self.assertIn(made["id"], [c["id"] for c in list_all(self.b)])
        # ... and uses it: client credentials issued by B against the real registry.
        status, client = self.b.get(f"{CONNECTORS}/{name}/client",
                                    query={"resource_id": REGISTRY.hostport})
        self.assertEqual(status, 200, client)
        self.assertEqual(client["secrets"]["password"], REGISTRY.password)
        self.assertEqual(client["version"], 1)
        status, client = self.a.get(f"{CONNECTORS}/{name}/client",
                                    query={"resource_id": REGISTRY.hostport})
        self.assertEqual((status, client.get("version")), (200, 1), client)

        # An update on B is seen by A, version included, and A's cache follows it.
        status, upd = self.b.put(f"{CONNECTORS}/{made['id']}",
                                 {"description": "changed on B", "labels": {"who": "b"},
                                  "version": 1, "verify": False})
        self.assertEqual(status, 200, upd)
        self.assertEqual(upd["version"], 2)
        status, seen = self.a.get(f"{CONNECTORS}/{name}")
        self.assertEqual(status, 200, seen)
        self.assertEqual((seen["version"], seen["description"], seen["labels"]),
                         (2, "changed on B", {"who": "b"}))
        status, client = self.a.get(f"{CONNECTORS}/{name}/client",
                                    query={"resource_id": REGISTRY.hostport})
        self.assertEqual(status, 200, client)
        self.assertEqual(client["version"], 2, "A served client credentials of a stale version")
        # A stale version sent to A is refused: A does not trust a cached copy.
        status, body = self.a.put(f"{CONNECTORS}/{name}",
                                  {"description": "stale", "version": 1, "verify": False})
        self.assertEqual(status, 409, body)

        # Secrets: created on A, read (decrypted) on B; changed on B, read on A.
        sname = self.name("sec")
        value = "v1-" + secrets.token_hex(8)
        status, s = self.a.post("/api/v1/secrets", {"name": sname, "values": {"k": value}})
        self.assertEqual(status, 201, s)
        status, s_b = self.b.get(f"/api/v1/secrets/{sname}", query={"expand_secrets": "true"})
        self.assertEqual(status, 200, s_b)
        self.assertEqual((s_b["id"], s_b["values"]), (s["id"], {"k": value}))
        value2 = "v2-" + secrets.token_hex(8)
        status, body = self.b.put(f"/api/v1/secrets/{sname}", {"values": {"k": value2}})
        self.assertEqual(status, 200, body)
        status, s_a = self.a.get(f"/api/v1/secrets/{sname}", query={"expand_secrets": "true"})
        self.assertEqual((status, s_a.get("values")), (200, {"k": value2}), s_a)

    def test_concurrent_updates_across_replicas_lose_nothing(self):
        name = self.name("race")
        status, made = self.a.post(CONNECTORS, docker_body(name))
        self.assertEqual(status, 201, made)
        threads_per_replica, rounds = 4, 8
        answers = []  # (status, body, description sent)
        lock = threading.Lock()
        start = threading.Barrier(2 * threads_per_replica)

        def worker(srv, idx):
            api = latchkey_server.ApiClient(srv.url, self.a.token)
            start.wait()
            for k in range(rounds):
                st, cur = api.get(f"{CONNECTORS}/{made['id']}")
                if st != 200:
                    with lock:
                        answers.append((st, cur, None))  # the read before the update failed
                    continue
                desc = f"w{idx}-r{k}"
                st, body = api.put(f"{CONNECTORS}/{made['id']}",
                                   {"description": desc, "version": cur["version"],
                                    "verify": False})
                with lock:
                    answers.append((st, body, desc))

        threads = [threading.Thread(target=worker, args=(srv, i))
                   for i, srv in enumerate([self.A, self.B] * threads_per_replica)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
        self.assertFalse(any(t.is_alive() for t in threads), "update threads hung")
        self.assertEqual(len(answers), 2 * threads_per_replica * rounds)
        won = [(body["version"], desc) for st, body, desc in answers if st == 200]
        self.assertTrue(won, "no update succeeded at all")
        versions = sorted(v for v, _ in won)
        self.assertEqual(versions, list(range(2, 2 + len(won))),
                         "two updates were acknowledged with the same version (a lost update)")
        last_desc = max(won)[1]
        for api in (self.a, self.b):
            status, final = api.get(f"{CONNECTORS}/{name}")
            self.assertEqual(status, 200, final)
            self.assertEqual(final["version"], 1 + len(won),
                             f"final version != 1 + number of 200s ({len(won)})")
            self.assertEqual(final["description"], last_desc)
        odd = [("GET" if desc is None else "PUT", st, body) for st, body, desc in answers
               if desc is None or st not in (200, 409)]
        self.assertEqual(odd[:3], [], f"{len(odd)} of {len(answers)} answers to versioned updates "
                                      "were neither 200 nor 409")

    def test_readers_on_both_replicas_see_a_whole_connector_during_updates(self):
        name = self.name("read")
        status, made = self.a.post(CONNECTORS, docker_body(
            name, REGISTRY.url, REGISTRY.username, REGISTRY.password, verify=True))
        self.assertEqual(status, 201, made)
        stop = threading.Event()
        bad, reads = [], [0]
        lock = threading.Lock()

        def writer(srv):
            api = latchkey_server.ApiClient(srv.url, self.a.token)
            while not stop.is_set():
                st, cur = api.get(f"{CONNECTORS}/{made['id']}")
                if st == 200:
                    api.put(f"{CONNECTORS}/{made['id']}",
                            {"description": "w", "version": cur["version"], "verify": False})

        def reader(srv):
            api = latchkey_server.ApiClient(srv.url, self.a.token)
            while not stop.is_set():
                for path, query in ((f"{CONNECTORS}/{made['id']}", {"expand_secrets": "true"}),
                                    (f"{CONNECTORS}/{made['id']}/client",
                                     {"resource_id": REGISTRY.hostport})):
                    st, body = api.get(path, query=query)
                    with lock:
                        reads[0] += 1
                        if st != 200 or body["secrets"].get("password") != REGISTRY.password:
                            bad.append((srv.url, "client" if path.endswith("/client") else "get",
                                        st, body))

        threads = [threading.Thread(target=writer, args=(s,)) for s in (self.A, self.B, self.A, self.B)]
        threads += [threading.Thread(target=reader, args=(s,)) for s in (self.A, self.B)]
        for t in threads:
            t.start()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        self.assertFalse(any(t.is_alive() for t in threads), "threads hung")
        self.assertGreater(reads[0], 20)
        kinds = sorted({(kind, st) for _url, kind, st, _body in bad})
        self.assertEqual(bad[:3], [], f"{len(bad)} of {reads[0]} reads of an existing connector "
                                      f"failed while it was being updated ({kinds})")

    def test_login_token_from_one_replica_works_on_the_other(self):
        on_a = self.A.admin()
        b_with_a_token = latchkey_server.ApiClient(self.B.url, on_a.token)
        status, me = b_with_a_token.get("/api/v1/current-user")
        self.assertEqual((status, me.get("name")), (200, "admin"), me)
        # A user created through B logs in on A.
        user, pw = self.name("alice"), "pw-" + secrets.token_urlsafe(12)
        status, body = self.b.post("/api/v1/users", {"name": user, "password": pw})
        self.assertEqual(status, 201, body)
        alice_on_a = self.A.client(user, pw)
        status, me = latchkey_server.ApiClient(self.B.url, alice_on_a.token).get(
            "/api/v1/current-user")
        self.assertEqual((status, me.get("name")), (200, user), me)
        # Logging out on A revokes the token everywhere.
        status, body = on_a.post("/api/v1/logout")
        self.assertEqual(status, 204, body)
        status, body = b_with_a_token.get("/api/v1/current-user")
        self.assertEqual(status, 401, body)

    def test_delete_on_one_replica_is_a_404_on_the_other(self):
        name = self.name("gone")
        status, made = self.a.post(CONNECTORS, docker_body(
            name, REGISTRY.url, REGISTRY.username, REGISTRY.password, verify=True))
        self.assertEqual(status, 201, made)
        # B has the connector and its client credentials cached before the delete.
        status, client = self.b.get(f"{CONNECTORS}/{name}/client",
                                    query={"resource_id": REGISTRY.hostport})
        self.assertEqual(status, 200, client)
        sname = self.name("gone-sec")
        status, s = self.a.post("/api/v1/secrets", {"name": sname, "values": {"k": "v-12345678"}})
        self.assertEqual(status, 201, s)
        self.assertEqual(self.b.get(f"/api/v1/secrets/{sname}")[0], 200)
        # B answers repeated lists from its cache of list answers (until the store changes).
        for _ in range(2):
            self.assertIn(name, [c["name"] for c in list_all(self.b)])

        status, body = self.a.delete(f"{CONNECTORS}/{name}")
        self.assertEqual(status, 204, body)
        status, body = self.a.delete(f"/api/v1/secrets/{sname}")
        self.assertEqual(status, 204, body)

        for path, query in ((f"{CONNECTORS}/{name}", None), (f"{CONNECTORS}/{made['id']}", None),
                            (f"{CONNECTORS}/{name}/client", {"resource_id": REGISTRY.hostport}),
                            (f"/api/v1/secrets/{sname}", None)):
            status, body = self.b.get(path, query=query)
            self.assertEqual(status, 404, f"B on GET {path} after the delete on A: {body}")
        status, body = self.b.put(f"{CONNECTORS}/{made['id']}",
                                  {"description": "x", "version": 1, "verify": False})
        self.assertEqual(status, 404, body)
        self.assertNotIn(name, [c["name"] for c in list_all(self.b)])
        self.assertNotIn(made["id"], [c["id"] for c in list_all(self.b)])


class CrashSafetyTest(unittest.TestCase):
    """SIGKILL while 8 clients write; every acknowledged write must survive the restart."""

    maxDiff = 4000
    THREADS = 8

    def hammer_and_kill(self, srv: latchkey_server.LatchkeyServer, prefix: str):
        token = srv.admin().token
        acked: dict[str, int] = {}  # name -> highest acknowledged version
        errors: list[str] = []  # HTTP answers that are neither success nor a crash symptom
        lock = threading.Lock()
        stop = threading.Event()

        def worker(t):
            api = latchkey_server.ApiClient(srv.url, token, timeout=20)
            i = 0
            while not stop.is_set():
                name = f"{prefix}-{t}-{i}"
                i += 1
                try:
                    st, body = api.post(CONNECTORS, docker_body(name))
                except Exception:  # the server died under this request
                    return
                if st != 201:
                    with lock:
                        errors.append(f"create {name}: {st} {body}")
                    continue
                with lock:
                    acked[name] = body["version"]
                version = body["version"]
                for k in range(2):
                    try:
                        st, body = api.put(f"{CONNECTORS}/{name}",
                                           {"description": f"u{k}", "version": version,
                                            "labels": {"k": str(k)}, "verify": False})
                    except Exception:
                        return
                    if st != 200:
                        with lock:
                            errors.append(f"update {name}: {st} {body}")
                        break
                    version = body["version"]
                    with lock:
                        acked[name] = version

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(self.THREADS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with lock:
                if len(acked) >= 60:
                    break
            time.sleep(0.02)
        pid = srv.pid
        srv.kill()  # mid-stream: the threads are still writing
        stop.set()
        for t in threads:
            t.join(timeout=30)
        self.assertFalse(any(t.is_alive() for t in threads), "writer threads hung")
        self.assertEqual(errors, [], "the server refused writes before the crash")
        self.assertGreaterEqual(len(acked), 20, "too few writes acknowledged before the kill")
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)
        return acked, token

    def check_after_restart(self, srv, acked, old_token, prefix):
        srv.start()
        api = srv.admin()
        items = list_all(api)
        mine = [c for c in items if c["name"].startswith(prefix + "-")]
        names = [c["name"] for c in mine]
        self.assertEqual(len(names), len(set(names)), "a connector name appears twice")
        by_name = {c["name"]: c for c in mine}
        missing = sorted(n for n in acked if n not in by_name)
        self.assertEqual(missing, [], "acknowledged connectors lost in the crash")
        behind = sorted(f"{n}: acked v{v}, stored v{by_name[n]['version']}"
                        for n, v in acked.items() if by_name[n]["version"] < v)
        self.assertEqual(behind, [], "acknowledged updates lost in the crash")
        # Everything stored is whole: readable one by one, secrets decrypt.
        for c in mine:
            status, got = api.get(f"{CONNECTORS}/{c['id']}", query={"expand_secrets": "true"})
            self.assertEqual(status, 200, got)
            self.assertEqual(got["version"], c["version"])
            self.assertTrue(got["secrets"]["password"].startswith("pw-"), got["name"])
        # Tokens survive too, and the store takes writes again.
        status, me = latchkey_server.ApiClient(srv.url, old_token).get("/api/v1/current-user")
        self.assertEqual(status, 200, me)
        status, body = api.post(CONNECTORS, docker_body(f"{prefix}-after"))
        self.assertEqual(status, 201, body)
        return api

    def test_sigkill_mid_write_on_sqlite(self):
        srv = server()
        self.addCleanup(srv.close)
        srv.start()
        prefix = "crash-sqlite"
        acked, token = self.hammer_and_kill(srv, prefix)
        self.check_after_restart(srv, acked, token, prefix)
        db = os.path.join(srv.home, "latchkey.db")
        self.assertTrue(os.path.isfile(db), os.listdir(srv.home))
        conn = sqlite3.connect(db, timeout=30)
        try:
            self.assertEqual(conn.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        finally:
            conn.close()
        srv.stop()
        conn = sqlite3.connect(db, timeout=30)
        try:
            self.assertEqual(conn.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        finally:
            conn.close()

    def test_sigkill_mid_write_on_postgresql(self):
        srv = server(PG_URL)
        self.addCleanup(srv.close)
        srv.start()
        prefix = "crash-pg-" + secrets.token_hex(3)
        acked, token = self.hammer_and_kill(srv, prefix)
        api = self.check_after_restart(srv, acked, token, prefix)
        status, health = api.get("/health")
        self.assertEqual((status, health), (200, {"status": "ok", "store": "postgresql"}))


if __name__ == "__main__":
    unittest.main()
