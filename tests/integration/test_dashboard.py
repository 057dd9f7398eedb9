"""The dashboard in a real headless Chromium (Debian's) against a real ``latchkey server``, a
real docker-registry (htpasswd) and moto (IAM enforced).

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_dashboard.py

This file starts the peers and the server, creates users and fixtures over the REST API
(a few hundred connectors for paging, a shared and a shared read-only connector, one holding
markup for the XSS case, one with a wrong password for error rows, one that has expired), then
runs ``node --test tests/browser/`` (playwright-core from web/node_modules) with everything in
LK_* environment variables, prints node's output and asserts it exited 0. Screenshots of every
screen go to $LATCHKEY_TEST_OUTPUT/dashboard-screenshots, or next to the binary under
test-output/ (the path is printed).
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import aws_peers  # noqa: E402
import cli  # noqa: E402
import peers  # noqa: E402
from latchkey_server import latchkey_server  # noqa: E402

BROWSER_TESTS = os.path.join(cli.REPO_ROOT, "tests", "browser")
WEB = os.path.join(cli.REPO_ROOT, "web")
BULK = 300
XSS = "<img src=x onerror=window.__xss=1>"


def screenshot_dir() -> str:
    base = os.environ.get("LATCHKEY_TEST_OUTPUT") or os.path.join(
        os.path.dirname(os.path.abspath(cli.latchkey_bin())), "test-output")
    return os.path.join(base, "dashboard-screenshots")


class DashboardBrowserTest(unittest.TestCase):
    def test_dashboard_in_chromium(self):
        self.assertTrue(os.path.exists(os.path.join(WEB, "node_modules", "playwright-core")),
                        "web/node_modules is missing: run scripts/install-deps.sh (npm ci in web/)")
        chromium = os.environ.get("LK_CHROMIUM", "/usr/bin/chromium")
        self.assertTrue(os.access(chromium, os.X_OK), f"{chromium} is missing: apt-get install chromium")
        reg_user, reg_password = "dockeruser", "reg-pw-" + secrets.token_hex(12)
        with peers.docker_registry("htpasswd", reg_user, reg_password) as reg, \
                aws_peers.moto_server() as moto, latchkey_server() as srv:
            admin = srv.admin()
            passwords = {}
            for name in ("alice", "bob"):
                passwords[name] = "pw-" + secrets.token_urlsafe(12)
                status, body = admin.post("/api/v1/users", {"name": name, "password": passwords[name]})
                self.assertEqual(status, 201, body)
            alice = srv.client("alice", passwords["alice"])

            def docker(name, password, **extra):
                body = {"name": name, "connector_type": "docker", "auth_method": "password",
                        "configuration": {"registry": reg.url, "username": reg_user},
                        "secrets": {"password": password}, "verify": False, **extra}
                status, out = alice.post("/api/v1/service_connectors", body)
                if status == 400 and "share_secrets" in json.dumps(out):
                    # A server without share_secrets (long-lived credentials shared for use).
                    body.pop("share_secrets")
                    status, out = alice.post("/api/v1/service_connectors", body)
                self.assertIn(status, (200, 201), out)

            # Paging fixtures: kubernetes connectors pointing at a closed loopback port (they are
            # never verified here, and the resources explorer filters them out by type).
            for i in range(BULK):
                status, out = alice.post("/api/v1/service_connectors", {
                    "name": f"bulk-{i:03d}", "connector_type": "kubernetes", "auth_method": "token",
                    "configuration": {"server": "https://127.0.0.1:9", "cluster_name": "bulk"},
                    "secrets": {"token": "bulk-token"}, "labels": {"batch": str(i // 100)},
                    "verify": False})
                self.assertIn(status, (200, 201), out)
            # Shared for use: others get its (long-lived) password as client credentials.
            docker("shared-registry", reg_password, shared=True, share_secrets=True)
            docker("shared-ro-registry", reg_password, shared=True, shared_read_only=True)
            docker("broken-registry", "not-the-password")
            docker("xss-registry", reg_password, description=XSS, labels={"note": XSS})
            soon = (datetime.datetime.now(datetime.timezone.utc)
                    + datetime.timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
            docker("expired-registry", reg_password, expires_at=soon)

            shots = screenshot_dir()
            shutil.rmtree(shots, ignore_errors=True)
            os.makedirs(shots, exist_ok=True)
            print(f"dashboard screenshots: {shots}", flush=True)
            env = {k: v for k, v in os.environ.items() if not k.startswith(("LATCHKEY_", "AWS_"))}
            env.update({
                "LK_URL": srv.url, "LK_SCREENSHOT_DIR": shots, "LK_CHROMIUM": chromium,
                "LK_ADMIN_USER": "admin", "LK_ADMIN_PASSWORD": srv.admin_password,
                "LK_USER": "alice", "LK_USER_PASSWORD": passwords["alice"],
                "LK_OTHER": "bob", "LK_OTHER_PASSWORD": passwords["bob"],
                "LK_REGISTRY_URL": reg.url, "LK_REGISTRY_HOSTPORT": reg.hostport,
                "LK_REGISTRY_USER": reg_user, "LK_REGISTRY_PASSWORD": reg_password,
                "LK_MOTO_ENDPOINT": moto.endpoint, "LK_MOTO_REGION": moto.region,
                "LK_MOTO_KEY_ID": moto.access_key_id, "LK_MOTO_SECRET": moto.secret_access_key,
                "LK_MOTO_ROLE_ARN": moto.role_arn, "LK_MOTO_BUCKETS": ",".join(moto.buckets),
                "LK_BULK_PREFIX": "bulk-", "LK_BULK_COUNT": str(BULK),
                "LK_SHARED_NAME": "shared-registry", "LK_SHARED_RO_NAME": "shared-ro-registry",
                "LK_XSS_NAME": "xss-registry", "LK_EXPIRED_NAME": "expired-registry",
                "NO_PROXY": "127.0.0.1,localhost",
            })
            files = sorted(os.path.join(BROWSER_TESTS, f) for f in os.listdir(BROWSER_TESTS)
                           if f.endswith(".test.mjs"))
            r = subprocess.run(["node", "--test", "--test-concurrency=1", "--test-reporter=spec", *files],
                               env=env, capture_output=True, text=True, timeout=540)
            print(r.stdout[-20000:], r.stderr[-5000:], sep="\n", flush=True)
            self.assertEqual(r.returncode, 0, "browser tests failed (output above)")
            for secret in (reg_password, moto.secret_access_key, passwords["alice"]):
                self.assertNotIn(secret, "".join(srv.output), "a secret reached the server's log")


if __name__ == "__main__":
    unittest.main()
