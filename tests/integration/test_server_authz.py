"""Authorization matrix of the REST API on one real ``latchkey server`` (SQLite).

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_server_authz.py

Users: admin, and alice and bob (plain users made by admin). alice owns a private and a shared
connector (docker, each on its own real docker-registry peer with htpasswd auth, so /verify and
/client work) and a private and a shared secret. Every verb x {alice, bob, admin} x
{private, shared} is checked against one expected table; a mismatch prints the whole table.

Rules: owners and admins may do everything. Anyone else sees a shared item (read + use: GET,
verify, resources; /client only where the credentials handed out are temporary, or when the owner
shared it with ``share_secrets`` -- a docker password connector is neither, so a plain shared one
answers 403 and a ``secrets`` one 200) but never its secret values (expand_secrets -> 403) and may not
change or delete it (403); a connector shared read-only (``shared_read_only``) may be read but
not used (verify and /client 403, absent from resources); someone else's private item is 404 for
every verb, by ID, name or ID prefix, with the same message as an item that does not exist.
Private names are unique per owner (shared ones among shared items): a name resolves to the
caller's own item first.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
from latchkey_server import latchkey_server  # noqa: E402
from test_server_api import (API, Recorder, RecordingClient, RouteMatcher,  # noqa: E402
                             error_shape_problem, load_route_templates, require_binary,
                             scan_for_secrets, server_sources)

HIDDEN = "[HIDDEN]"
ACTORS = ("alice", "bob", "admin")
CONNECTOR_VIS = ("private", "shared", "read-only", "secrets")
SECRET_VIS = ("private", "shared")
L, A = "listed", "absent"

# Expected outcome per (verb, actor), one value per visibility in that order ("listed"/"absent"
# for list-like verbs).
CONNECTOR_EXPECTED = {
    "list":       {"alice": (L, L, L, L), "bob": (A, L, L, L), "admin": (L, L, L, L)},
    "get":        {"alice": (200, 200, 200, 200), "bob": (404, 200, 200, 200), "admin": (200, 200, 200, 200)},
    "get+expand": {"alice": (200, 200, 200, 200), "bob": (404, 403, 403, 403), "admin": (200, 200, 200, 200)},
    "update":     {"alice": (200, 200, 200, 200), "bob": (404, 403, 403, 403), "admin": (200, 200, 200, 200)},
    "delete":     {"alice": (204, 204, 204, 204), "bob": (404, 403, 403, 403), "admin": (204, 204, 204, 204)},
    "verify":     {"alice": (200, 200, 200, 200), "bob": (404, 200, 403, 200), "admin": (200, 200, 200, 200)},
    "client":     {"alice": (200, 200, 200, 200), "bob": (404, 403, 403, 200), "admin": (200, 200, 200, 200)},
    "resources":  {"alice": (L, L, L, L), "bob": (A, L, A, L), "admin": (L, L, L, L)},
}
SECRET_EXPECTED = {
    "list":       {"alice": (L, L), "bob": (A, L), "admin": (L, L)},
    "get":        {"alice": (200, 200), "bob": (404, 200), "admin": (200, 200)},
    "get+expand": {"alice": (200, 200), "bob": (404, 403), "admin": (200, 200)},
    "update":     {"alice": (200, 200), "bob": (404, 403), "admin": (200, 200)},
    "delete":     {"alice": (204, 204), "bob": (404, 403), "admin": (204, 204)},
}
MUTATING = ("update", "delete")


def render_table(title: str, vis_list: tuple, expected: dict, got: dict) -> str:
    """expected/got: {(verb, actor, vis): outcome}."""
    cols = [(a, v) for a in ACTORS for v in vis_list]
    header = ["verb"] + [f"{a}/{v}" for a, v in cols]
    rows = []
    for verb in expected:
        row = [verb]
        for a, v in cols:
            e = expected[verb][a][vis_list.index(v)]
            g = got.get((verb, a, v), "-")
            row.append(f"{g}" if str(g) == str(e) else f"{g} (want {e}) !!")
        rows.append(row)
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: " | ".join(str(c).ljust(w) for c, w in zip(r, widths))  # noqa: E731
    return "\n".join([title, line(header), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows])


class AuthzMatrixTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_binary()
        cls.secret_values: dict[str, str] = {}
        cls.private_values: dict[str, str] = {}  # values bob must never receive
        cls.reg_user = "regtester"
        cls.priv_pw = cls.add_secret("priv-reg-pw-" + secrets.token_hex(10), "private registry password",
                                     private=True)
        cls.shared_pw = cls.add_secret("shared-reg-pw-" + secrets.token_hex(10), "shared registry password")
        cls.priv_reg = cls.enterClassContext(peers.docker_registry("htpasswd", cls.reg_user, cls.priv_pw))
        cls.shared_reg = cls.enterClassContext(peers.docker_registry("htpasswd", cls.reg_user, cls.shared_pw))
        admin_pw = cls.add_secret("adm-" + secrets.token_urlsafe(12), "admin password")
        cls.srv = cls.enterClassContext(latchkey_server(admin_password=admin_pw))
        cls.recorder = Recorder(RouteMatcher(load_route_templates()))
        cls.anon = RecordingClient(cls.srv.url, cls.recorder, actor="anonymous")
        cls.clients = {"admin": cls.login("admin", admin_pw)}
        cls.user_ids = {}
        for name in ("alice", "bob"):
            pw = cls.add_secret(f"{name}-pw-" + secrets.token_hex(8), f"password of {name}")
            st, body = cls.clients["admin"].post(f"{API}/users", {"name": name, "password": pw})
            if st != 201:
                raise AssertionError(f"creating {name}: {st} {body}")
            cls.user_ids[name] = body["id"]
            cls.clients[name] = cls.login(name, pw)
        cls.alice, cls.bob, cls.admin = (cls.clients[n] for n in ("alice", "bob", "admin"))
        # The standing fixtures (read-only verbs); update/delete get fresh items per cell.
        cls.conn = {vis: cls.make_connector(vis, "fixture") for vis in CONNECTOR_VIS}
        cls.sec = {vis: cls.make_secret(vis, "fixture") for vis in SECRET_VIS}

    # -- fixtures --------------------------------------------------------------------
    @classmethod
    def add_secret(cls, value: str, label: str, private: bool = False) -> str:
        cls.secret_values[value] = label
        if private:
            cls.private_values[value] = label
        return value

    @classmethod
    def login(cls, name: str, password: str) -> RecordingClient:
        st, body = cls.anon.post(f"{API}/login", {"username": name, "password": password})
        if st != 200:
            raise AssertionError(f"login as {name}: {st} {body}")
        cls.add_secret(body["token"], f"API token of {name}")
        return cls.anon.with_token(body["token"], name)

    @classmethod
    def make_connector(cls, vis: str, purpose: str) -> dict:
        reg, pw = (cls.priv_reg, cls.priv_pw) if vis == "private" else (cls.shared_reg, cls.shared_pw)
        name = f"alice-{vis}-{purpose}-{secrets.token_hex(3)}"
        body = {"name": name, "connector_type": "docker", "auth_method": "password",
                "configuration": {"registry": reg.url, "username": cls.reg_user},
                "secrets": {"password": pw}, "shared": vis != "private",
                "shared_read_only": vis == "read-only", "share_secrets": vis == "secrets",
                "verify": False,
                "labels": {"authz": "1"}}
        st, c = cls.alice.post(f"{API}/service_connectors", body)
        if st != 201:
            raise AssertionError(f"alice creating connector {name}: {st} {c}")
        c["_password"] = pw
        return c

    @classmethod
    def make_secret(cls, vis: str, purpose: str) -> dict:
        value = cls.add_secret(f"alice-{vis}-value-" + secrets.token_hex(8), f"alice {vis} secret value",
                               private=vis == "private")
        name = f"alice-{vis}-{purpose}-{secrets.token_hex(3)}"
        st, s = cls.alice.post(f"{API}/secrets", {"name": name, "values": {"token": value},
                                                  "shared": vis == "shared"})
        if st != 201:
            raise AssertionError(f"alice creating secret {name}: {st} {s}")
        s["_value"] = value
        if vis == "shared" and not s.get("shared"):
            raise AssertionError(f"secret created with shared=true is not shared: {s}")
        return s

    def tearDown(self):
        leaks = scan_for_secrets(self.secret_values, server_sources(self.srv))
        with self.recorder.lock:
            bob_bodies = [(p, st, raw) for actor, p, st, raw in self.recorder.bodies if actor == "bob"]
            shapes = list(self.recorder.shape_violations)
        for path, st, raw in bob_bodies:
            for value, label in self.private_values.items():
                if value.encode() in raw:
                    leaks.append(f"{label} in bob's answer to {path} ({st})")
        problems = []
        if leaks:
            problems.append("secret values leaked:\n  " + "\n  ".join(sorted(set(leaks))))
        if shapes:
            problems.append("bad error bodies:\n  " + "\n  ".join(shapes))
        if self.srv.proc is None or self.srv.proc.poll() is not None:
            problems.append("the server died:\n" + "".join(self.srv.output[-40:]))
        if problems:
            self.fail("\n".join(problems))

    # -- the matrix --------------------------------------------------------------------
    def refs(self, item: dict, actor: str, vis: str) -> dict[str, str]:
        """How to name the item: by ID always; for an outsider on a private item also by name and
        by ID prefix (all must be 404)."""
        if actor == "bob" and vis == "private":
            return {"id": item["id"], "name": item["name"], "prefix": item["id"][:13]}
        return {"id": item["id"]}

    @staticmethod
    def missing_ref(kind: str) -> str:
        return {"id": str(uuid.uuid4()), "name": "missing-" + secrets.token_hex(4),
                "prefix": str(uuid.uuid4())[:13]}[kind]

    def connector_call(self, client, verb: str, ref: str, actor: str):
        url = f"{API}/service_connectors/{ref}"
        if verb == "get":
            return client.get(url)
        if verb == "get+expand":
            return client.get(url, query={"expand_secrets": "true"})
        if verb == "update":
            return client.put(url, {"labels": {"touched-by": actor}, "verify": False})
        if verb == "delete":
            return client.delete(url)
        if verb == "verify":
            return client.put(url + "/verify")
        if verb == "client":
            return client.get(url + "/client")
        raise ValueError(verb)

    def secret_call(self, client, verb: str, ref: str, actor: str):
        url = f"{API}/secrets/{ref}"
        if verb == "get":
            return client.get(url)
        if verb == "get+expand":
            return client.get(url, query={"expand_secrets": "true"})
        if verb == "update":
            return client.put(url, {"values": {f"by-{actor}": "updated-" + secrets.token_hex(6)}})
        if verb == "delete":
            return client.delete(url)
        raise ValueError(verb)

    def run_matrix(self, kind: str):
        expected = CONNECTOR_EXPECTED if kind == "connector" else SECRET_EXPECTED
        vis_list = CONNECTOR_VIS if kind == "connector" else SECRET_VIS
        call = self.connector_call if kind == "connector" else self.secret_call
        make = self.make_connector if kind == "connector" else self.make_secret
        standing = self.conn if kind == "connector" else self.sec
        got: dict = {}
        notes: list[str] = []
        for verb in expected:
            for actor in ACTORS:
                client = self.clients[actor]
                for vis in vis_list:
                    cell = (verb, actor, vis)
                    want = expected[verb][actor][vis_list.index(vis)]
                    if verb in ("list", "resources"):
                        got[cell] = self.list_outcome(kind, verb, client, standing[vis]["id"])
                        continue
                    item = make(vis, f"{verb}-{actor}") if verb in MUTATING else standing[vis]
                    outcomes = {}
                    for ref_kind, ref in self.refs(item, actor, vis).items():
                        st, body = call(client, verb, ref, actor)
                        outcomes[ref_kind] = st
                        notes += self.check_cell(kind, verb, actor, vis, item, ref_kind, ref, st, body, call)
                    if len(set(outcomes.values())) == 1:
                        got[cell] = next(iter(outcomes.values()))
                    else:
                        got[cell] = ",".join(f"{k}={v}" for k, v in outcomes.items())
                    notes += self.check_after_mutation(kind, verb, actor, vis, item, want, call)
        mismatches = [c for c in got
                      if str(got[c]) != str(expected[c[0]][c[1]][vis_list.index(c[2])])]
        table = render_table(f"{kind}s: outcome per verb x actor/visibility", vis_list, expected,
                             got)
        if mismatches or notes:
            self.fail(f"\n{table}\n\n" + (f"{len(mismatches)} cell(s) differ (marked !!)\n" if mismatches else "")
                      + ("\n".join("- " + n for n in notes) if notes else ""))
        print("\n" + table, file=sys.stderr)

    def list_outcome(self, kind, verb, client, item_id):
        if kind == "connector" and verb == "list":
            st, body = client.get(f"{API}/service_connectors", query={"size": 1000})
            ids = [c["id"] for c in body["items"]] if st == 200 else None
        elif kind == "connector":
            st, body = client.get(f"{API}/service_connectors/resources", query={"connector_type": "docker"})
            ids = [r["id"] for r in body] if st == 200 else None
        else:
            st, body = client.get(f"{API}/secrets", query={"size": 1000})
            ids = [s["id"] for s in body["items"]] if st == 200 else None
        if ids is None:
            return f"HTTP {st}"
        return "listed" if item_id in ids else "absent"

    def check_cell(self, kind, verb, actor, vis, item, ref_kind, ref, st, body, call) -> list[str]:
        """Per-answer checks beyond the status; returns problems."""
        where = f"{kind} {verb} by {actor} on {vis} item (by {ref_kind})"
        notes = []
        if st >= 400:
            problem = error_shape_problem(body)
            if problem:
                return [f"{where}: {problem}: {body!r:.200}"]
        if st == 404 and actor == "bob":
            # Indistinguishable from an item that does not exist.
            missing = self.missing_ref(ref_kind)
            mst, mbody = call(self.bob, verb, missing, actor)
            if mst != 404 or body["error"]["code"] != mbody["error"]["code"] or \
                    body["error"]["message"].replace(ref, "<REF>") != mbody["error"]["message"].replace(missing, "<REF>"):
                notes.append(f"{where}: 404 differs from a missing item's answer: {body} vs {mst} {mbody}")
        if st == 200 and verb == "get":
            hidden = item["secrets"] if kind == "connector" else item["values"]
            shown = body["secrets"] if kind == "connector" else body["values"]
            if any(v != HIDDEN for v in shown.values()) or set(shown) != set(hidden):
                notes.append(f"{where}: secret values must be hidden without expand_secrets: {shown}")
        if st == 200 and verb == "get+expand":
            if kind == "connector" and body["secrets"].get("password") != item["_password"]:
                notes.append(f"{where}: expand_secrets did not reveal the password")
            if kind == "secret" and body["values"].get("token") != item["_value"]:
                notes.append(f"{where}: expand_secrets did not reveal the value")
        if st == 200 and verb == "update":
            if body.get("owner") != "alice":
                notes.append(f"{where}: the owner changed to {body.get('owner')!r}")
        if st == 200 and verb == "verify":
            if body.get("error") or any(r.get("error") for r in body.get("resources", [])):
                notes.append(f"{where}: verification reported an error: {json.dumps(body)[:300]}")
        if st == 200 and verb == "client":
            if body["secrets"].get("password") != item["_password"]:
                notes.append(f"{where}: /client did not hand out the registry credentials")
        return notes

    def check_after_mutation(self, kind, verb, actor, vis, item, want, call) -> list[str]:
        """A refused update/delete left the item as it was; an allowed delete removed it."""
        if verb not in MUTATING:
            return []
        where = f"{kind} {verb} by {actor} on {vis} item"
        st, now = call(self.alice, "get+expand", item["id"], "alice")
        if verb == "delete" and want == 204:
            return [] if st == 404 else [f"{where}: still there after delete ({st})"]
        if st != 200:
            return [f"{where}: the owner cannot read it afterwards ({st} {now})"]
        if want in (403, 404):
            if kind == "connector":
                if now["version"] != item["version"] or now["labels"] != item["labels"]:
                    return [f"{where}: a refused {verb} changed it: {json.dumps(now)[:300]}"]
            elif set(now["values"]) != {"token"} or now["values"]["token"] != item["_value"]:
                return [f"{where}: a refused {verb} changed its values: {sorted(now['values'])}"]
        return []

    def test_connector_matrix(self):
        self.run_matrix("connector")

    def test_secret_matrix(self):
        self.run_matrix("secret")

    # -- lists ---------------------------------------------------------------------------
    def test_bob_lists_only_shared_items(self):
        st, page = self.bob.get(f"{API}/service_connectors", query={"size": 1000})
        self.assertEqual(st, 200, page)
        for c in page["items"]:
            self.assertTrue(c["shared"] or c["owner"] == "bob", f"bob sees a private connector: {c['name']}")
            self.assertTrue(all(v == HIDDEN for v in c["secrets"].values()), c["name"])
        names = [c["name"] for c in page["items"]]
        self.assertIn(self.conn["shared"]["name"], names)
        self.assertNotIn(self.conn["private"]["name"], names)
        self.assertEqual(page["total"], len(page["items"]), "the total counts invisible connectors")
        # Filters don't reveal it either.
        for q in ({"name": self.conn["private"]["name"]}, {"label": "authz"}, {"connector_type": "docker"}):
            with self.subTest(q=q):
                st, p = self.bob.get(f"{API}/service_connectors", query=q)
                self.assertEqual(st, 200, p)
                self.assertNotIn(self.conn["private"]["id"], [c["id"] for c in p["items"]])
        st, reports = self.bob.get(f"{API}/service_connectors/resources")
        self.assertEqual(st, 200, reports)
        self.assertNotIn(self.conn["private"]["id"], [r["id"] for r in reports])
        self.assertIn(self.conn["shared"]["id"], [r["id"] for r in reports])
        st, secs = self.bob.get(f"{API}/secrets", query={"size": 1000})
        self.assertEqual(st, 200, secs)
        secs = secs["items"]
        for s in secs:
            self.assertTrue(s["shared"] or s["owner"] == "bob", f"bob sees a private secret: {s['name']}")
            self.assertTrue(all(v == HIDDEN for v in s["values"].values()), s["name"])
        self.assertIn(self.sec["shared"]["id"], [s["id"] for s in secs])
        self.assertNotIn(self.sec["private"]["id"], [s["id"] for s in secs])
        # admin sees everything.
        st, page = self.admin.get(f"{API}/service_connectors", query={"size": 1000})
        self.assertEqual(st, 200)
        ids = [c["id"] for c in page["items"]]
        self.assertIn(self.conn["private"]["id"], ids)
        self.assertIn(self.conn["shared"]["id"], ids)
        st, secs = self.admin.get(f"{API}/secrets", query={"size": 1000})
        self.assertEqual(st, 200)
        secs = secs["items"]
        self.assertTrue({self.sec["private"]["id"], self.sec["shared"]["id"]} <= {s["id"] for s in secs})

    def test_bob_sharing_is_owner_only(self):
        """bob cannot make alice's private item visible to himself, nor unshare her shared one."""
        for kind, item, base in (("connector", self.conn["private"], f"{API}/service_connectors"),
                                 ("secret", self.sec["private"], f"{API}/secrets")):
            with self.subTest(kind=kind):
                body = {"shared": True, "verify": False} if kind == "connector" else {"shared": True}
                st, resp = self.bob.put(f"{base}/{item['id']}", body)
                self.assertEqual(st, 404, resp)
                st, resp = self.bob.get(f"{base}/{item['id']}")
                self.assertEqual(st, 404, resp)
        st, resp = self.bob.put(f"{API}/secrets/{self.sec['shared']['id']}", {"shared": False})
        self.assertEqual(st, 403, resp)
        st, resp = self.bob.put(f"{API}/service_connectors/{self.conn['shared']['id']}",
                                {"shared": False, "verify": False})
        self.assertEqual(st, 403, resp)
        st, resp = self.bob.get(f"{API}/secrets/{self.sec['shared']['id']}")
        self.assertEqual((st, resp.get("shared")), (200, True), resp)

    # -- names (issue 14, finding 9) ------------------------------------------------------
    def test_private_names_are_per_owner_and_resolve_own_first(self):
        """A private name is neither refused to nor revealed by another user, and a name means
        the caller's own item first; shared names stay unique among shared items."""
        theirs = self.conn["private"]
        body = {"name": theirs["name"], "connector_type": "docker", "auth_method": "password",
                "configuration": {"registry": self.shared_reg.url, "username": self.reg_user},
                "secrets": {"password": self.shared_pw}, "verify": True}
        st, mine = self.bob.post(f"{API}/service_connectors", body)
        self.assertEqual(st, 201, f"bob was refused a name only alice's private connector has: {mine}")
        try:
            for client, want in ((self.bob, mine["id"]), (self.alice, theirs["id"])):
                st, got = client.get(f"{API}/service_connectors/{theirs['name']}")
                self.assertEqual((st, got.get("id")), (200, want), got)
            # The admin, who owns neither, is told to use the ID.
            st, got = self.admin.get(f"{API}/service_connectors/{theirs['name']}")
            self.assertEqual(st, 400, got)
            self.assertIn("give the ID", got["error"]["message"])
            # A second one of bob's own is refused; sharing it onto alice's shared name too.
            st, again = self.bob.post(f"{API}/service_connectors", {**body, "verify": False})
            self.assertEqual(st, 409, again)
            shared = self.conn["shared"]
            st, clash = self.bob.put(f"{API}/service_connectors/{mine['id']}",
                                     {"name": shared["name"], "shared": True, "verify": False})
            self.assertEqual(st, 409, clash)
            st, still = self.bob.get(f"{API}/service_connectors/{mine['id']}")
            self.assertEqual((still["name"], still["shared"]), (theirs["name"], False), still)
        finally:
            self.bob.delete(f"{API}/service_connectors/{mine['id']}")
        st, sec = self.bob.post(f"{API}/secrets", {"name": self.sec["private"]["name"],
                                                   "values": {"token": "bob-own-value"}})
        self.assertEqual(st, 201, sec)
        st, got = self.bob.get(f"{API}/secrets/{self.sec['private']['name']}")
        self.assertEqual((st, got.get("id")), (200, sec["id"]), got)
        self.bob.delete(f"{API}/secrets/{sec['id']}")

    # -- users and tokens ------------------------------------------------------------------
    def test_bob_cannot_administer(self):
        cases = [
            ("create a user", lambda: self.bob.post(f"{API}/users", {"name": "mallory",
                                                                     "password": "mallory-pw-1"})),
            ("create an admin", lambda: self.bob.post(f"{API}/users", {"name": "mallory2",
                                                                       "password": "mallory-pw-1",
                                                                       "admin": True})),
            ("list users", lambda: self.bob.get(f"{API}/users")),
            ("delete a user", lambda: self.bob.delete(f"{API}/users/alice")),
            ("create an API key", lambda: self.bob.post(f"{API}/users/alice/api_keys", {})),
            ("list every user's tokens", lambda: self.bob.get(f"{API}/tokens", query={"all": "true"})),
        ]
        for what, fn in cases:
            with self.subTest(what):
                st, body = fn()
                self.assertEqual(st, 403, f"bob may not {what}: {st} {body}")
                self.assertEqual(body["error"]["code"], "permission_denied", body)
        st, page = self.admin.get(f"{API}/users", query={"size": 1000})
        self.assertEqual(st, 200)
        users = page["items"]
        self.assertNotIn("mallory", [u["name"] for u in users])
        self.assertNotIn("mallory2", [u["name"] for u in users])
        self.assertIn("alice", [u["name"] for u in users])

    def test_tokens_are_per_user(self):
        st, page = self.bob.get(f"{API}/tokens", query={"size": 1000})
        self.assertEqual(st, 200, page)
        bob_tokens = page["items"]
        self.assertTrue(bob_tokens)
        self.assertEqual({t["user_id"] for t in bob_tokens}, {self.user_ids["bob"]},
                         "bob's token list shows other users' tokens")
        st, alice_tokens = self.alice.get(f"{API}/tokens")
        self.assertEqual(st, 200)
        alice_token = alice_tokens["items"][0]["id"]
        # bob cannot revoke alice's token: it does not exist for him.
        st, body = self.bob.delete(f"{API}/tokens/{alice_token}")
        self.assertEqual(st, 404, body)
        self.assertEqual(self.alice.get(f"{API}/current-user")[0], 200, "alice's token was revoked by bob")
        # admin sees every user's tokens.
        st, every = self.admin.get(f"{API}/tokens", query={"all": "true", "size": 1000})
        self.assertEqual(st, 200)
        self.assertTrue({self.user_ids["alice"], self.user_ids["bob"]} <= {t["user_id"] for t in every["items"]})
        # A user's current-user is himself, not an admin.
        st, me = self.bob.get(f"{API}/current-user")
        self.assertEqual((me["name"], me["admin"]), ("bob", False))


if __name__ == "__main__":
    unittest.main()
