#!/usr/bin/env python3
"""Crash safety at scale: kill -9 of the server during concurrent acknowledged writes, and of
`latchkey secret rotate-key` at random points. Prints totals; exits non-zero if anything
acknowledged was lost or a store check failed.

    python3 tests/crash/crash_safety.py build/latchkey                     # make crash: full run
    python3 tests/crash/crash_safety.py build/latchkey --rounds 2 --writes 200 --rotation-rounds 3

Writes, per store (SQLite, and PostgreSQL from tests/peers/postgres.py): a few client threads
own disjoint slots (a connector or a secret each) and keep writing to them over the REST API:
creates, updates (new description and password), deletes, and secret rotations (new values).
Once `--writes` writes have been acknowledged in a round the server is killed with SIGKILL by
its PID while the threads still have requests in flight, then started again on the same store.
Every slot is read back: one whose last write was acknowledged must hold exactly that state
(a deleted one must be gone); one whose write was in flight at the kill may hold the state from
before or after it, never anything else. An acknowledged write counts as verified when its
slot's read-back matches (later acknowledged writes to a slot build on it). Then SQLite's
`PRAGMA integrity_check` and foreign_key_check, or PostgreSQL's amcheck over every B-tree index,
plus orphan checks on both (values without a secret, label rows without a connector, a
connector naming a missing secret).

Key rotation (SQLite, the embedded store the CLI command works on): secrets are created through
a server, which is stopped; then `rotate-key` is run and killed with SIGKILL after a random
delay within its measured duration, the server started on the home again, and every value read
back through the API (and the SQLite checks run). Repeated `--rotation-rounds` times.

Loopback only; every process started here is stopped by its PID.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TESTS, "integration"))
sys.path.insert(0, os.path.join(TESTS, "peers"))
from latchkey_server import LatchkeyServer  # noqa: E402
from process_util import pdeathsig, stop_process  # noqa: E402

API = "/api/v1"
TRANSPORT_ERRORS = (OSError, urllib.error.URLError, ConnectionError, TimeoutError)


class Slot:
    """One connector or secret a single thread owns: the acknowledged state and, while a write
    is in flight, the state that write would leave (None = absent)."""

    def __init__(self, kind: str, name: str):
        self.kind, self.name = kind, name
        self.state: dict | None = None
        self.pending: tuple[dict | None, dict | None] | None = None
        self.unverified = 0  # acknowledged writes since the last read-back


class Totals:
    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged = self.verified = self.lost = self.in_flight = self.refused = 0
        self.by_op: dict[str, int] = {}
        self.problems: list[str] = []

    def ack(self, op: str):
        with self.lock:
            self.acknowledged += 1
            self.by_op[op] = self.by_op.get(op, 0) + 1

    def problem(self, text: str):
        with self.lock:
            self.problems.append(text)


def connector_body(name: str, state: dict) -> dict:
    return {"name": name, "connector_type": "docker", "auth_method": "password", "verify": False,
            "description": state["description"],
            "configuration": {"registry": "http://127.0.0.1:9", "username": "crash"},
            "secrets": {"password": state["value"]}}


def new_state(rng: random.Random) -> dict:
    return {"description": "d-%08x" % rng.getrandbits(32), "value": "v-%016x" % rng.getrandbits(64)}


def plan_write(slot: Slot, rng: random.Random):
    """Picks one write for `slot`: (operation, state it leaves or None, request to send)."""
    kind_path = "service_connectors" if slot.kind == "connector" else "secrets"
    if slot.state is None:
        after = new_state(rng)
        if slot.kind == "connector":
            return "create", after, ("POST", f"{API}/service_connectors",
                                     connector_body(slot.name, after))
        after["description"] = ""
        return "create", after, ("POST", f"{API}/secrets",
                                 {"name": slot.name, "values": {"v": after["value"]}})
    if rng.random() < 0.25:
        return "delete", None, ("DELETE", f"{API}/{kind_path}/{slot.name}", None)
    after = new_state(rng)
    if slot.kind == "connector":
        # An update with a new password is a rotation of the connector's secret.
        return "update", after, ("PUT", f"{API}/service_connectors/{slot.name}",
                                 {"description": after["description"], "verify": False,
                                  "secrets": {"password": after["value"]}})
    after["description"] = ""
    return "rotate", after, ("PUT", f"{API}/secrets/{slot.name}", {"values": {"v": after["value"]}})


def writer(client, slots: list[Slot], rng: random.Random, totals: Totals, dead: threading.Event):
    while not dead.is_set():
        slot = rng.choice(slots)
        op, after, (method, path, body) = plan_write(slot, rng)
        # Marked in flight before sending: a kill may land before the answer is read.
        slot.pending = (slot.state, after)
        try:
            status, answer = client.request(method, path, body=body)
        except TRANSPORT_ERRORS:
            return  # the server is gone: the slot may hold the state before or after
        slot.pending = None
        if status in (200, 201, 204):
            slot.state = after
            slot.unverified += 1
            totals.ack(op)
        else:
            totals.refused += 1
            totals.problem(f"{slot.kind} {slot.name}: {op} answered {status}: {str(answer)[:200]}")
            return


def read_back(client, slot: Slot) -> dict | None | str:
    if slot.kind == "connector":
        status, body = client.get(f"{API}/service_connectors/{slot.name}",
                                  query={"expand_secrets": "true"})
        if status == 404:
            return None
        if status != 200:
            return f"HTTP {status}"
        return {"description": body.get("description"),
                "value": (body.get("secrets") or {}).get("password")}
    status, body = client.get(f"{API}/secrets/{slot.name}", query={"expand_secrets": "true"})
    if status == 404:
        return None
    if status != 200:
        return f"HTTP {status}"
    return {"description": "", "value": (body.get("values") or {}).get("v")}


def same(kind: str, want: dict | None, got) -> bool:
    if want is None or got is None or isinstance(got, str):
        return want is None and got is None
    return got == want


def verify_slots(client, slots: list[Slot], totals: Totals):
    for slot in slots:
        got = read_back(client, slot)
        if slot.pending is not None:
            # The write in flight at the kill: the state before it or the one it leaves.
            before, after = slot.pending
            slot.pending = None
            if same(slot.kind, before, got):
                totals.verified += slot.unverified
            elif same(slot.kind, after, got):
                totals.verified += slot.unverified
                totals.in_flight += 1  # it landed though unacknowledged: allowed
                slot.state = after
            else:
                totals.lost += max(1, slot.unverified)
                totals.problem(f"{slot.kind} {slot.name}: acknowledged {before}, in flight "
                               f"{after}, read back {got}")
                slot.state = None if isinstance(got, str) else got
        elif same(slot.kind, slot.state, got):
            totals.verified += slot.unverified
        else:
            totals.lost += max(1, slot.unverified)
            totals.problem(f"{slot.kind} {slot.name}: acknowledged {slot.state}, read back {got}")
        slot.unverified = 0


def sql_checks_sqlite(db_path: str) -> list[str]:
    problems = []
    con = sqlite3.connect(db_path, timeout=30)
    try:
        result = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems.append(f"integrity_check: {result[:5]}")
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {fk[:5]}")
        for query in ORPHAN_QUERIES + TRIGRAM_QUERIES:
            n = con.execute(query).fetchone()[0]
            if n:
                problems.append(f"{n} rows: {query}")
    finally:
        con.close()
    return problems


ORPHAN_QUERIES = [
    "SELECT count(*) FROM secret_values v LEFT JOIN secrets s ON s.id = v.secret_id "
    "WHERE s.id IS NULL",
    "SELECT count(*) FROM connectors c LEFT JOIN secrets s ON s.id = c.secret_id "
    "WHERE c.secret_id IS NOT NULL AND s.id IS NULL",
    "SELECT count(*) FROM connector_labels l LEFT JOIN connectors c ON c.id = l.connector_id "
    "WHERE c.id IS NULL",
    "SELECT count(*) FROM connector_resource_types t LEFT JOIN connectors c "
    "ON c.id = t.connector_id WHERE c.id IS NULL",
    # A connector's own secret (internal) outliving its connector is a leak of sealed values.
    "SELECT count(*) FROM secrets s WHERE s.internal <> 0 AND NOT EXISTS "
    "(SELECT 1 FROM connectors c WHERE c.secret_id = s.id)",
]

# SQLite's name indexes (migration 8) are written in the transaction of the row they index: a
# name of three characters or more must be found under its first trigram, or `contains:` would
# miss it. (Extra entries only cost a LIKE that drops them.)
TRIGRAM_QUERIES = [
    "SELECT count(*) FROM connectors c WHERE length(c.name) >= 3 AND c.rowid NOT IN "
    "(SELECT rowid FROM connector_name_trigrams WHERE connector_name_trigrams MATCH "
    "'\"' || replace(substr(c.name, 1, 3), '\"', '\"\"') || '\"')",
    "SELECT count(*) FROM secrets s WHERE s.internal = 0 AND length(s.name) >= 3 AND s.rowid "
    "NOT IN (SELECT rowid FROM secret_name_trigrams WHERE secret_name_trigrams MATCH "
    "'\"' || replace(substr(s.name, 1, 3), '\"', '\"\"') || '\"')",
]


def psql(url: str, sql: str) -> str:
    r = subprocess.run(["psql", url, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {r.stderr.strip()[:300]}")
    return r.stdout.strip()


def sql_checks_postgres(url: str) -> list[str]:
    problems = []
    psql(url, "CREATE EXTENSION IF NOT EXISTS amcheck")
    checked = psql(url, "SELECT count(bt_index_check(c.oid, true)) FROM pg_index i "
                        "JOIN pg_class c ON c.oid = i.indexrelid "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "JOIN pg_am a ON a.oid = c.relam "
                        "WHERE a.amname = 'btree' AND n.nspname NOT IN "
                        "('pg_catalog', 'information_schema', 'pg_toast')")
    if not checked or int(checked) == 0:
        problems.append("amcheck checked no index")
    for query in ORPHAN_QUERIES:
        n = int(psql(url, query))
        if n:
            problems.append(f"{n} rows: {query}")
    return problems


def run_writes(binary: str, store: str, rounds: int, writes: int, threads: int, slots_per: int,
               seed: int) -> Totals:
    totals = Totals()
    rng = random.Random(seed)
    pg = None
    store_url = None
    if store == "postgres":
        import postgres  # tests/peers/postgres.py
        pg = postgres.PostgresServer().start()
        store_url = pg.url
    os.environ["LATCHKEY_BIN"] = binary
    srv = LatchkeyServer(store_url=store_url)
    try:
        srv.start()
        slots = [[Slot("connector" if i % 2 else "secret", f"crash-{t}-{i}")
                  for i in range(slots_per)] for t in range(threads)]
        for round_no in range(1, rounds + 1):
            admin = srv.admin()
            start_acked = totals.acknowledged
            dead = threading.Event()
            workers = []
            for t in range(threads):
                client = srv.client()
                client.token, client.timeout = admin.token, 30
                w = threading.Thread(target=writer, args=(client, slots[t],
                                                          random.Random(rng.getrandbits(32)),
                                                          totals, dead), daemon=True)
                workers.append(w)
                w.start()
            deadline = time.monotonic() + 600
            while totals.acknowledged - start_acked < writes and time.monotonic() < deadline:
                if not any(w.is_alive() for w in workers):
                    break
                time.sleep(0.002)
            pid = srv.pid
            srv.kill()  # SIGKILL by PID, requests in flight
            dead.set()
            for w in workers:
                w.join(timeout=60)
            srv.start()
            admin = srv.admin()
            verify_slots(admin, [s for group in slots for s in group], totals)
            problems = (sql_checks_sqlite(os.path.join(srv.home, "latchkey.db"))
                        if store == "sqlite" else sql_checks_postgres(store_url))
            for p in problems:
                totals.problem(f"round {round_no}: {p}")
            print(f"  {store} round {round_no}: killed pid {pid} after "
                  f"{totals.acknowledged - start_acked} acknowledged writes; "
                  f"store checks {'ok' if not problems else 'FAILED'}", flush=True)
        return totals
    finally:
        srv.close()
        if pg:
            pg.stop()


def run_rotation(binary: str, rounds: int, secrets_count: int, seed: int) -> dict:
    rng = random.Random(seed)
    os.environ["LATCHKEY_BIN"] = binary
    home = tempfile.mkdtemp(prefix="lk-crash-rotate-")
    srv = LatchkeyServer(home=home)
    result = {"rounds": 0, "killed_mid_run": 0, "values_checked": 0, "unreadable": 0,
              "problems": []}
    expected: dict[str, str] = {}
    try:
        srv.start()
        admin = srv.admin()
        for i in range(secrets_count):
            name, value = f"rot-{i}", "r-%016x" % rng.getrandbits(64)
            status, body = admin.post(f"{API}/secrets", {"name": name, "values": {"v": value}})
            if status != 201:
                raise RuntimeError(f"creating {name}: {status} {body}")
            expected[name] = value
        srv.stop()
        env = srv.env()

        def rotate() -> subprocess.Popen:
            return subprocess.Popen([binary, "secret", "rotate-key"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    preexec_fn=pdeathsig)

        # How long a whole run takes (the quickest of three: the first reads a cold cache), so
        # the kills land anywhere in it, from process start to the key file's last write.
        durations = []
        for _ in range(3):
            start = time.monotonic()
            p = rotate()
            _, err = p.communicate(timeout=300)
            if p.returncode != 0:
                raise RuntimeError(f"rotate-key failed: {err.decode()[:300]}")
            durations.append(time.monotonic() - start)
        duration = min(durations)
        for _ in range(rounds):
            p = rotate()
            time.sleep(rng.uniform(0, duration))
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                result["killed_mid_run"] += 1
            p.wait(timeout=30)
            err = p.stderr.read().decode(errors="replace").strip()
            p.stderr.close()
            if p.returncode not in (0, -signal.SIGKILL):
                result["problems"].append(f"rotate-key exited {p.returncode}: {err[:300]}")
            # A temp file of the key ring's atomic write left by the kill would keep a retired
            # key on disk.
            stale = [f for f in os.listdir(home) if ".tmp" in f]
            if stale:
                result["problems"].append(f"files left in LATCHKEY_HOME: {stale}")
            result["rounds"] += 1
            srv.start()
            admin = srv.admin()
            for name, value in expected.items():
                status, body = admin.get(f"{API}/secrets/{name}", query={"expand_secrets": "true"})
                result["values_checked"] += 1
                got = (body.get("values") or {}).get("v") if status == 200 else None
                if got != value:
                    result["unreadable"] += 1
                    result["problems"].append(f"{name}: HTTP {status} {str(body)[:200]}")
            srv.stop()
            result["problems"] += sql_checks_sqlite(os.path.join(home, "latchkey.db"))
        print(f"  rotate-key takes {duration * 1000:.0f} ms unkilled; killed at random points "
              "within that", flush=True)
        return result
    finally:
        stop_process(srv.proc)
        srv.close()
        import shutil
        shutil.rmtree(home, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--writes", type=int, default=1000, help="acknowledged writes per round")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--slots", type=int, default=24, help="slots per thread")
    ap.add_argument("--stores", default="sqlite,postgres")
    ap.add_argument("--rotation-rounds", type=int, default=20)
    ap.add_argument("--rotation-secrets", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().getrandbits(32)
    print(f"crash safety (seed {seed}): {args.rounds} rounds x {args.writes} acknowledged writes, "
          f"{args.threads} client threads, stores {args.stores}", flush=True)
    failed = False
    for store in [s for s in args.stores.split(",") if s]:
        t = run_writes(args.binary, store, args.rounds, args.writes, args.threads, args.slots, seed)
        ops = ", ".join(f"{k} {v}" for k, v in sorted(t.by_op.items()))
        print(f"{store}: rounds {args.rounds}, acknowledged writes {t.acknowledged} ({ops}), "
              f"verified {t.verified}, in flight at a kill and landed {t.in_flight}, "
              f"lost {t.lost}, refused {t.refused}, store problems {len(t.problems)}", flush=True)
        for p in t.problems[:20]:
            print(f"  PROBLEM: {p}", flush=True)
        failed |= bool(t.lost or t.problems)
    if args.rotation_rounds:
        r = run_rotation(args.binary, args.rotation_rounds, args.rotation_secrets, seed)
        print(f"key rotation: rounds {r['rounds']} ({r['killed_mid_run']} killed mid-run), "
              f"values checked {r['values_checked']}, unreadable {r['unreadable']}, "
              f"store problems {len(r['problems']) - r['unreadable']}", flush=True)
        for p in r["problems"][:20]:
            print(f"  PROBLEM: {p}", flush=True)
        failed |= bool(r["unreadable"] or r["problems"])
    print("FAILED" if failed else "OK: nothing acknowledged was lost", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
