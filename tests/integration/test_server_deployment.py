"""How `latchkey server` is run: over TLS (--tls-cert/--tls-key) with the CLI trusting its CA,
and the policy that keeps the server's own ambient cloud credentials out of reach unless the
operator sets LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_server_deployment.py
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_peers  # noqa: E402
import cli  # noqa: E402
import latchkey_server  # noqa: E402

CONNECTORS = "/api/v1/service_connectors"


def self_signed_certificate(directory: str) -> tuple[str, str]:
    """A certificate for 127.0.0.1 (an IP SAN: names are checked against it) and its key."""
    cert, key = os.path.join(directory, "server.crt"), os.path.join(directory, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=latchkey-test", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class TlsTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dir = tempfile.mkdtemp(prefix="lk-tls-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)
        cls.cert, key = self_signed_certificate(cls.dir)
        cls.server = cls.enterClassContext(latchkey_server.latchkey_server(
            args=("--tls-cert", cls.cert, "--tls-key", key)))
        cls.trust = ssl.create_default_context(cafile=cls.cert)

    def test_the_api_answers_over_https_to_a_client_that_trusts_the_certificate(self):
        self.assertTrue(self.server.url.startswith("https://127.0.0.1:"), self.server.url)
        admin = self.server.client("admin", self.server.admin_password, ssl_context=self.trust)
        status, body = admin.get("/api/v1/current-user")
        self.assertEqual((status, body["name"]), (200, "admin"), body)
        status, made = admin.post(CONNECTORS, {
            "name": "tls-docker", "connector_type": "docker", "auth_method": "password",
            "configuration": {"registry": "https://registry.example:5000", "username": "u"},
            "secrets": {"password": "pw-over-tls-1"}, "verify": False})
        self.assertEqual(status, 201, made)

    def test_an_untrusting_client_and_plain_http_are_refused_and_the_server_stays_up(self):
        untrusting = latchkey_server.ApiClient(self.server.url)
        with self.assertRaises(Exception) as caught:
            untrusting.get("/health")
        self.assertIn("CERTIFICATE_VERIFY_FAILED", str(caught.exception))
        # Plain HTTP on the TLS port: the handshake fails, no HTTP answer is given.
        port = int(self.server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            reply = s.recv(4096)
        self.assertFalse(reply.startswith(b"HTTP/1.1 200"), reply)
        trusted = latchkey_server.ApiClient(self.server.url, ssl_context=self.trust)
        self.assertEqual(trusted.get("/health")[0], 200)

    def test_the_cli_logs_in_with_the_ca_file_and_refuses_without_it(self):
        r = self.lk_fail("login", self.server.url, "--username", "admin", "--password-stdin",
                         input=self.server.admin_password + "\n")
        self.assertOneLineError(r, "certificate")
        self.lk_ok("login", self.server.url, "--username", "admin", "--password-stdin",
                   "--ca-file", self.cert, input=self.server.admin_password + "\n")
        self.lk_ok("service-connector", "register", "cli-over-tls", "--type", "docker",
                   "--auth-method", "password", "--registry=https://registry.example:5000",
                   "--username=u", "--password=pw-cli-tls-123", "--no-verify")
        names = [c["name"] for c in self.lk_json("service-connector", "list")]
        self.assertIn("cli-over-tls", names)


class ImplicitAuthPolicyTest(unittest.TestCase):
    """The server's ambient AWS credentials (its environment) stand in for an implicit
    connector's: refused by default, usable once the operator opts in."""

    @classmethod
    def setUpClass(cls):
        cls.moto = cls.enterClassContext(aws_peers.moto_server())

    def server_env(self, enabled: bool) -> dict:
        env = {"AWS_ACCESS_KEY_ID": self.moto.access_key_id,
               "AWS_SECRET_ACCESS_KEY": self.moto.secret_access_key,
               "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent",
               "AWS_EC2_METADATA_DISABLED": "true"}
        if enabled:
            env["LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS"] = "true"
        return env

    def register_implicit(self, server):
        return server.admin().post(CONNECTORS, {
            "name": "ambient", "connector_type": "aws", "auth_method": "implicit",
            "configuration": {"region": self.moto.region, "endpoint_url": self.moto.endpoint},
            "resource_types": ["s3-bucket"], "verify": True})

    def test_implicit_connectors_are_refused_unless_the_server_enables_them(self):
        with latchkey_server.latchkey_server(extra_env=self.server_env(False)) as srv:
            status, body = self.register_implicit(srv)
            self.assertEqual(status, 422, body)  # the connector cannot authenticate here
            self.assertIn("LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS", body["error"]["message"])
            self.assertEqual(srv.admin().get(CONNECTORS)[1]["total"], 0, "nothing was saved")

        with latchkey_server.latchkey_server(extra_env=self.server_env(True)) as srv:
            status, body = self.register_implicit(srv)
            self.assertEqual(status, 201, body)
            ids = body["resources"]["resources"][0]["resource_ids"]
            self.assertEqual(sorted(ids), sorted("s3://" + b for b in self.moto.buckets))


if __name__ == "__main__":
    unittest.main()
