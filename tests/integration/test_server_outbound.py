"""The server's outbound calls: the network policy (SSRF) and the pool they run on.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_server_outbound.py

A user who registers a connector chooses the hosts the server then calls from its own network
position. These tests point ``verify`` at what an attacker would: the cloud metadata address,
loopback services of every kind (a real docker-registry, a closed port, an SSH-like banner, a
plain web server), a registry whose token realm points at the metadata address, and a host that
accepts connections and never answers. Every target is on 127.0.0.0/8 or is refused before any
packet leaves (169.254.169.254 is never connected to: the policy check runs before connect).
"""

from __future__ import annotations

import http.server
import os
import secrets
import socket
import socketserver
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import peers  # noqa: E402
from latchkey_server import latchkey_server  # noqa: E402

API = "/api/v1"
POLICY_TEXT = "outbound policy does not allow this destination"


def docker_draft(registry: str, password: str = "pw-" + secrets.token_hex(6)) -> dict:
    return {"name": "probe-" + secrets.token_hex(4), "connector_type": "docker",
            "auth_method": "password",
            "configuration": {"registry": registry, "username": "u"},
            "secrets": {"password": password}}


class _Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class LoopbackServers:
    """A plain web server, an SSH-like banner, a registry whose Bearer realm is the metadata
    address, and a listener that accepts and never answers; all on 127.0.0.1."""

    def __init__(self):
        self.servers = []
        self.hung: list[socket.socket] = []
        self.accepted = threading.Semaphore(0)

        class Web(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.startswith("/v2/") and self.server.realm:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate",
                                     f'Bearer realm="{self.server.realm}",service="r"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b"<html>hello</html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Banner(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian\r\n")

        self.web = self._start(Web, realm=None)
        self.realm = self._start(Web, realm="http://169.254.169.254/token")
        self.ssh = self._start(Banner)
        self.hang_listener = socket.socket()
        self.hang_listener.bind(("127.0.0.1", 0))
        self.hang_listener.listen(64)
        threading.Thread(target=self._accept_and_hold, daemon=True).start()

    def _start(self, handler, **attrs):
        srv = _Threaded(("127.0.0.1", 0), handler)
        for k, v in attrs.items():
            setattr(srv, k, v)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    def _accept_and_hold(self):
        while True:
            try:
                conn, _ = self.hang_listener.accept()
            except OSError:
                return
            self.hung.append(conn)
            self.accepted.release()

    @property
    def hanging(self) -> str:
        return f"http://127.0.0.1:{self.hang_listener.getsockname()[1]}"

    def close(self):
        for srv in self.servers:
            srv.shutdown()
            srv.server_close()
        self.hang_listener.close()
        for conn in self.hung:
            conn.close()


class OutboundTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.peers = LoopbackServers()
        cls.addClassCleanup(cls.peers.close)

    def verify(self, client, registry: str, password: str | None = None):
        draft = docker_draft(registry) if password is None else docker_draft(registry, password)
        return client.post(f"{API}/service_connectors/verify", draft)

    def assertRefused(self, answer, target: str) -> str:
        """A verification report whose error is the policy's refusal; returns that error with the
        target's URL and host:port replaced by TARGET."""
        status, body = answer
        self.assertEqual(status, 200, f"{target}: {body}")
        error = body.get("error") or ""
        self.assertIn(POLICY_TEXT, error, f"{target}: {body}")
        for r in body["resources"]:
            self.assertIn(POLICY_TEXT, r["error"] or "", target)
        host = target.split("://", 1)[1]
        return error.replace(target, "TARGET").replace(host, "TARGET")

    def test_metadata_address_and_realm_are_refused_by_default(self):
        with latchkey_server() as srv:
            self.assertIn("denied to 169.254.0.0/16, fe80::/10", "".join(srv.output))
            admin = srv.admin()
            for target in ("http://169.254.169.254", "http://[fd00:ec2::254]",
                           "http://[::ffff:169.254.169.254]"):
                self.assertRefused(self.verify(admin, target), target)
            # The registry itself is on loopback; its token realm is not.
            status, body = self.verify(admin, self.peers.realm)
            self.assertEqual(status, 200, body)
            self.assertIn(POLICY_TEXT, body["error"], body)
            self.assertIn("169.254.169.254", body["error"], body)
            # Loopback stays reachable by default (self-hosted registries live there).
            status, body = self.verify(admin, self.peers.web)
            self.assertNotIn(POLICY_TEXT, str(body))

    def test_denied_targets_all_get_the_same_answer(self):
        user, password = "reg-" + secrets.token_hex(3), "pw-" + secrets.token_hex(8)
        with peers.docker_registry("htpasswd", user, password) as reg, \
                latchkey_server(args=["--outbound-deny", "127.0.0.0/8"]) as srv:
            self.assertIn("denied to", "".join(srv.output))
            admin = srv.admin()
            closed = f"http://127.0.0.1:{peers.free_port()}"
            messages = set()
            for target in (reg.url, closed, self.peers.ssh, self.peers.web):
                messages.add(self.assertRefused(self.verify(admin, target, password), target))
            self.assertEqual(len(messages), 1, messages)
            # Registering is refused the same way (as a failed verification), nothing is saved.
            status, body = admin.post(f"{API}/service_connectors", docker_draft(reg.url, password))
            self.assertEqual(status, 422, body)
            self.assertIn(POLICY_TEXT, body["error"]["message"])
            status, page = admin.get(f"{API}/service_connectors")
            self.assertEqual((status, page["total"]), (200, 0), page)

    def test_allow_list_reaches_only_what_it_names(self):
        user, password = "reg-" + secrets.token_hex(3), "pw-" + secrets.token_hex(8)
        with peers.docker_registry("htpasswd", user, password) as reg, \
                latchkey_server(args=["--outbound-allow", "127.0.0.1/32",
                                      "--outbound-deny", "127.0.0.0/8"]) as srv:
            admin = srv.admin()
            ok = docker_draft(reg.url, password)
            ok["configuration"]["username"] = user
            status, body = admin.post(f"{API}/service_connectors/verify", ok)
            self.assertEqual(status, 200, body)
            self.assertFalse(body.get("error"), body)
            other = reg.url.replace("127.0.0.1", "127.0.0.2")
            self.assertRefused(self.verify(admin, other, password), other)

    def test_bad_policy_is_refused_at_start(self):
        with self.assertRaises(RuntimeError) as e:
            with latchkey_server(args=["--outbound-deny", "10.0.0.0/40"]):
                pass
        self.assertIn("--outbound-deny", str(e.exception))

    def test_hanging_provider_holds_neither_the_store_pool_nor_other_users(self):
        with latchkey_server(args=["--outbound-per-user", "4", "--provider-timeout", "20",
                                   "--worker-threads", "2"]) as srv:
            admin = srv.admin()
            for name in ("alice", "bob"):
                status, body = admin.post(f"{API}/users", {"name": name, "password": name + "-pw-12345"})
                self.assertEqual(status, 201, body)
            alice = srv.client("alice", "alice-pw-12345")
            bob = srv.client("bob", "bob-pw-12345")
            results: list[tuple[int, dict]] = []
            lock = threading.Lock()

            def hang():
                answer = self.verify(alice, self.peers.hanging)
                with lock:
                    results.append(answer)

            threads = [threading.Thread(target=hang, daemon=True) for _ in range(4)]
            for t in threads:
                t.start()
            for _ in range(4):  # all four are connected to the silent host and waiting
                self.assertTrue(self.peers.accepted.acquire(timeout=60))
            # Alice's fifth and sixth are refused at once, with a hint when to retry.
            for _ in range(2):
                status, body = self.verify(alice, self.peers.hanging)
                self.assertEqual(status, 429, body)
                self.assertEqual(body["error"]["code"], "resource_exhausted")
            # Everyone else is served while Alice's four still wait: store reads on their own
            # pool (only two threads here), and Bob's provider calls within his own bound.
            for _ in range(20):
                self.assertEqual(bob.get(f"{API}/service_connectors")[0], 200)
                self.assertEqual(admin.get(f"{API}/secrets")[0], 200)
            status, body = self.verify(bob, self.peers.web)
            self.assertNotEqual(status, 429, body)
            with lock:
                self.assertEqual(results, [], "the hanging verifications ended early")
            for t in threads:
                t.join(timeout=60)
            self.assertEqual(len(results), 4)
            for status, body in results:  # each ended by the provider timeout, as a report error
                self.assertEqual(status, 200, body)
                self.assertIn("Timeout was reached", body["error"] or "", body)
            # Her slots are free again.
            status, body = self.verify(alice, self.peers.web)
            self.assertNotEqual(status, 429, body)


if __name__ == "__main__":
    unittest.main()
