"""The C++ client API as another project uses it: `cmake --install` puts liblatchkey.so, its
header and the CMake package in a prefix; examples/list_bucket is configured against that prefix
with find_package(latchkey), built, and lists a moto bucket through a connector, in local mode and
through a real `latchkey server`. The library exports only the public API.

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_client_api.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_peers  # noqa: E402
import cli  # noqa: E402
import latchkey_server  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


class ClientApiTest(cli.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = cls.enterClassContext(aws_peers.moto_server())
        cls.dir = tempfile.mkdtemp(prefix="lk-client-api-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)
        build_dir = os.path.dirname(os.path.abspath(cli.latchkey_bin()))
        cls.prefix = os.path.join(cls.dir, "prefix")
        run(["cmake", "--install", build_dir, "--prefix", cls.prefix])
        example_build = os.path.join(cls.dir, "example")
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        run(["cmake", "-S", os.path.join(REPO, "examples", "list_bucket"), "-B", example_build,
             *generator, f"-DCMAKE_PREFIX_PATH={cls.prefix}"])
        run(["cmake", "--build", example_build])
        cls.example = os.path.join(example_build, "list_bucket")
        cls.library = os.path.join(cls.prefix, "lib", "liblatchkey.so")

    def setUp(self):
        super().setUp()
        for value, label in self.moto.secrets().items():
            self.env.add_secret(value, label)

    def connector_args(self, name):
        m = self.moto
        return ("service-connector", "register", name, "--type", "aws", "--auth-method",
                "iam-role", f"--role_arn={m.role_arn}", f"--aws_access_key_id={m.access_key_id}",
                f"--aws_secret_access_key={m.secret_access_key}", f"--region={m.region}",
                f"--endpoint_url={m.endpoint}", "-r", "s3-bucket")

    def expected_listing(self, bucket):
        objects = self.moto.client("s3").list_objects_v2(Bucket=bucket)["Contents"]
        return "".join(f"{o['Size']}\t{o['Key']}\n" for o in objects)

    def list_bucket(self, *args, env_extra=None):
        return subprocess.run([self.example, *args], capture_output=True, text=True, timeout=60,
                              env=self.env.environ(env_extra))

    def test_the_installed_package_has_the_header_library_and_config(self):
        for path in ("include/latchkey/client.h", "lib/liblatchkey.so",
                     "lib/cmake/latchkey/latchkeyConfig.cmake", "bin/latchkey",
                     "bin/docker-credential-latchkey"):
            self.assertTrue(os.path.exists(os.path.join(self.prefix, path)), path)

    def test_only_the_public_api_is_exported(self):
        symbols = run(["nm", "-D", "--defined-only", "-C", self.library]).stdout.splitlines()
        names = [line.split(" ", 2)[2] for line in symbols if len(line.split(" ", 2)) == 3]
        # The public classes, plus standard-library template code the public header makes the
        # library instantiate (vague linkage: every user's copy of it is the same).
        allowed = re.compile(r"^(typeinfo for |typeinfo name for |vtable for )?"
                             r"(latchkey::(Client|ConnectorClient|ClientError)\b|(void )?std::)")
        internal = ("latchkey::aws", "latchkey::Backend", "latchkey::Store", "latchkey::sql",
                    "latchkey::Connector ", "nlohmann", "fmt::", "boost::", "YAML::", "CLI::")
        leaked = [n for n in names if not allowed.match(n) or any(i in n for i in internal)]
        self.assertEqual(leaked, [], "symbols beyond the public API")
        for c_symbol in ("curl_easy_init", "sqlite3_open_v2", "PQconnectdb", "EVP_EncryptInit_ex"):
            self.assertNotIn(c_symbol, names, "a dependency's symbol is re-exported")
        self.assertTrue(any("latchkey::Client::get_service_connector_client" in n for n in names))

    def test_the_example_lists_a_bucket_in_local_mode(self):
        self.lk_ok(*self.connector_args("reports"))
        bucket = self.moto.buckets[0]
        r = self.list_bucket("reports", f"s3://{bucket}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, self.expected_listing(bucket))
        self.assertEqual(r.stderr, "")
        for text in (r.stdout, r.stderr):
            self.assertNotIn(self.moto.secret_access_key, text)

    def test_errors_are_one_line_with_a_code(self):
        r = self.list_bucket("no-such-connector", "s3://whatever")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("(not_found)", r.stderr)

    def test_the_example_lists_a_bucket_through_a_server(self):
        with latchkey_server.latchkey_server() as srv:
            admin = srv.admin()
            m = self.moto
            status, body = admin.post("/api/v1/service_connectors", {
                "name": "via-server", "connector_type": "aws", "auth_method": "iam-role",
                "configuration": {"role_arn": m.role_arn, "region": m.region,
                                  "endpoint_url": m.endpoint},
                "secrets": {"aws_access_key_id": m.access_key_id,
                            "aws_secret_access_key": m.secret_access_key},
                "resource_types": ["s3-bucket"], "verify": True})
            self.assertEqual(status, 201, body)
            self.env.add_secret(admin.token, "API token")
            bucket = m.buckets[-1]
            r = self.list_bucket("via-server", f"s3://{bucket}", env_extra={
                "LATCHKEY_URL": srv.url, "LATCHKEY_API_TOKEN": admin.token})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, self.expected_listing(bucket))
            # The server issued them: one credentials.issue line in its audit log.
            with open(srv.audit_log) as f:
                self.assertIn('"credentials.issue"', f.read())


if __name__ == "__main__":
    unittest.main()
