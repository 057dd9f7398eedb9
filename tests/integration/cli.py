"""Run the real ``latchkey`` binary in an isolated environment and record
everything it prints, so tests can scan for leaked secrets.

The binary is $LATCHKEY_BIN, or build/latchkey relative to the repository root.
Each CliEnv gets fresh temporary LATCHKEY_HOME, DOCKER_CONFIG, KUBECONFIG and
HOME; secret values handed to the CLI are registered with ``add_secret`` and
``leaks()`` reports every place they show up in plaintext: any file under
LATCHKEY_HOME (sqlite db, -wal, -shm, keys, logs...) and the captured
stdout/stderr of every command that was not run with --show-secrets.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
HIDDEN = "[HIDDEN]"

CONNECTOR_KEYS = ("id", "name", "connector_type", "auth_method", "resource_types", "resource_id",
                  "supports_instances", "configuration", "secrets", "labels", "expiration_seconds",
                  "expires_at", "expires_skew_tolerance", "description", "owner", "shared", "version",
                  "created", "updated")
VERIFY_KEYS = ("id", "name", "connector_type", "resources", "error")


def latchkey_bin() -> str:
    p = os.environ.get("LATCHKEY_BIN") or os.path.join(REPO_ROOT, "build", "latchkey")
    if not os.path.isabs(p):
        p = os.path.join(REPO_ROOT, p)
    return p


class Result:
    def __init__(self, argv, returncode, stdout, stderr, show_secrets, env_note=""):
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.show_secrets = show_secrets
        self.env_note = env_note

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def json(self):
        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError as e:
            raise AssertionError(f"stdout of {self.cmdline()} is not JSON ({e}):\n{self.stdout!r}\n"
                                 f"stderr: {self.stderr!r}") from None

    def cmdline(self) -> str:
        return "latchkey " + " ".join(self.argv)

    def describe(self) -> str:
        return (f"$ {self.cmdline()}\n-> exit {self.returncode}\n--- stdout ---\n{self.stdout}"
                f"\n--- stderr ---\n{self.stderr}")

    def __repr__(self):
        return f"<Result {self.cmdline()!r} rc={self.returncode}>"


def secret_variants(value: str) -> dict[str, bytes]:
    """Byte patterns that count as the secret 'in plaintext'."""
    raw = value.encode()
    out = {"raw": raw,
           "base64": base64.b64encode(raw).rstrip(b"="),
           "base64url": base64.urlsafe_b64encode(raw).rstrip(b"="),
           "hex": binascii.hexlify(raw)}
    esc = json.dumps(value)[1:-1].encode()
    if esc != raw:
        out["json-escaped"] = esc
    # Multi-line values (PEM keys): any single long line of the body is a leak.
    lines = [ln.strip() for ln in value.splitlines()]
    body = [ln for ln in lines if len(ln) >= 40 and not ln.startswith("-----")]
    for i, ln in enumerate(body):
        out[f"line{i}"] = ln.encode()
    # Drop patterns too short to be meaningful.
    return {k: v for k, v in out.items() if len(v) >= 8}


class CliEnv:
    """Fresh temp dirs + environment for one test."""

    def __init__(self, binary: str | None = None):
        self.binary = binary or latchkey_bin()
        self.root = tempfile.mkdtemp(prefix="lk-it-")
        self.home = os.path.join(self.root, "home")
        self.latchkey_home = os.path.join(self.root, "latchkey-home")
        self.docker_config = os.path.join(self.root, "docker-config")
        self.kube_dir = os.path.join(self.root, "kube")
        self.kubeconfig = os.path.join(self.kube_dir, "config")
        self.inputs = os.path.join(self.root, "inputs")
        self.tmpdir = os.path.join(self.root, "tmp")
        for d in (self.home, self.latchkey_home, self.docker_config, self.kube_dir, self.inputs, self.tmpdir):
            os.makedirs(d, mode=0o700)
        self.history: list[Result] = []
        self._spawned: list[subprocess.Popen] = []
        self.secrets: dict[str, str] = {}  # value -> label

    # -- environment -----------------------------------------------------------
    def environ(self, extra: dict | None = None) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("LATCHKEY_") and k not in (
                   "KUBECONFIG", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "http_proxy", "https_proxy",
                   "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "XDG_CONFIG_HOME",
                   "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR")}
        env.update({
            "HOME": self.home,
            "LATCHKEY_HOME": self.latchkey_home,
            "DOCKER_CONFIG": self.docker_config,
            "KUBECONFIG": self.kubeconfig,
            "TMPDIR": self.tmpdir,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        })
        if extra:
            env.update(extra)
        return env

    def client_env(self, extra: dict | None = None) -> dict:
        """Environment for real clients (skopeo, docker, kubectl) run by tests."""
        env = self.environ(extra)
        env["TMPDIR"] = os.path.join(self.root, "client-tmp")
        os.makedirs(env["TMPDIR"], mode=0o700, exist_ok=True)
        env["REGISTRY_AUTH_FILE"] = os.path.join(self.root, "no-such-registry-auth.json")
        env["XDG_RUNTIME_DIR"] = os.path.join(self.root, "xdg-runtime")
        os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
        return env

    # -- secrets -----------------------------------------------------------------
    def add_secret(self, value: str, label: str = "secret") -> str:
        if len(value) < 8:
            raise ValueError("test secrets must be >= 8 characters to be scanned reliably")
        self.secrets[value] = label
        return value

    def write_input(self, name: str, content: str) -> str:
        """A file outside LATCHKEY_HOME for --field=@path arguments."""
        path = os.path.join(self.inputs, name)
        with open(path, "w") as f:
            f.write(content)
        return path

    # -- running -----------------------------------------------------------------
    def run(self, *args: str, timeout: float = 90, env_extra: dict | None = None,
            input: str | None = None) -> Result:
        argv = [str(a) for a in args]
        try:
            p = subprocess.run([self.binary, *argv], capture_output=True, env=self.environ(env_extra),
                               timeout=timeout, input=input.encode() if input is not None else None,
                               cwd=self.root)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = -999, e.stdout or b"", (e.stderr or b"") + b"\n[test harness: TIMEOUT]"
        res = Result(argv, rc, out.decode(errors="replace"), err.decode(errors="replace"),
                     "--show-secrets" in argv)
        self.history.append(res)
        return res

    def spawn(self, *args: str, env_extra: dict | None = None) -> subprocess.Popen:
        """Start without waiting (for concurrency tests); pass to ``collect``."""
        p = subprocess.Popen([self.binary, *[str(a) for a in args]], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=self.environ(env_extra), cwd=self.root)
        p.latchkey_argv = [str(a) for a in args]
        self._spawned.append(p)
        return p

    def collect(self, p: subprocess.Popen, timeout: float = 120) -> Result:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            err += b"\n[test harness: TIMEOUT]"
        res = Result(p.latchkey_argv, p.returncode, out.decode(errors="replace"),
                     err.decode(errors="replace"), "--show-secrets" in p.latchkey_argv)
        self.history.append(res)
        return res

    # -- leak scanning -------------------------------------------------------------
    @staticmethod
    def _files_under(root: str) -> list[str]:
        files = []
        for dirpath, _dirs, names in os.walk(root):
            for n in names:
                p = os.path.join(dirpath, n)
                if os.path.isfile(p) and not os.path.islink(p):
                    files.append(p)
        return files

    def home_files(self) -> list[str]:
        """Every file under LATCHKEY_HOME (db, -wal, -shm, key files, logs...)."""
        return self._files_under(self.latchkey_home)

    def scanned_files(self) -> list[str]:
        """LATCHKEY_HOME, plus leftovers in the CLI's $TMPDIR and $HOME (neither
        should ever hold a plaintext secret; DOCKER_CONFIG and KUBECONFIG, which
        legitimately receive credentials on `login`, live outside both)."""
        return self.home_files() + self._files_under(self.tmpdir) + self._files_under(self.home)

    def file_leaks(self) -> list[str]:
        found = []
        for path in self.scanned_files():
            with open(path, "rb") as f:
                data = f.read()
            for value, label in self.secrets.items():
                for kind, pat in secret_variants(value).items():
                    if pat in data:
                        found.append(f"{label} ({kind}) in file {os.path.relpath(path, self.root)}")
        return found

    def output_leaks(self) -> list[str]:
        found = []
        for res in self.history:
            if res.show_secrets:
                continue
            for stream_name, text in (("stdout", res.stdout), ("stderr", res.stderr)):
                data = text.encode()
                for value, label in self.secrets.items():
                    for kind, pat in secret_variants(value).items():
                        if pat in data:
                            found.append(f"{label} ({kind}) in {stream_name} of `{res.cmdline()}`")
        return found

    def leaks(self) -> list[str]:
        return self.file_leaks() + self.output_leaks()

    def cleanup(self) -> None:
        # Any CLI process a failed test left running is stopped by its own PID.
        for p in self._spawned:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


class CliTestCase(unittest.TestCase):
    """Base class: fresh CliEnv per test; every test ends with a leak scan."""

    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b = latchkey_bin()
        # Not a skip: a missing binary is a failure of every test.
        if not (os.path.isfile(b) and os.access(b, os.X_OK)):
            raise AssertionError(f"latchkey binary not found or not executable: {b} "
                                 f"(build it, or set LATCHKEY_BIN)")

    def setUp(self):
        super().setUp()
        self.env = CliEnv()
        self.addCleanup(self.env.cleanup)
        # Runs before env.cleanup (cleanups are LIFO): scan after the test body.
        self.addCleanup(self._final_leak_scan)

    def _final_leak_scan(self):
        leaks = self.env.leaks()
        if leaks:
            raise AssertionError("secret values leaked:\n  " + "\n  ".join(leaks))

    def assertNoLeaks(self):
        leaks = self.env.leaks()
        self.assertEqual(leaks, [], "secret values leaked")

    # -- CLI wrappers ------------------------------------------------------------
    def lk(self, *args, **kw) -> Result:
        return self.env.run(*args, **kw)

    def lk_ok(self, *args, **kw) -> Result:
        r = self.env.run(*args, **kw)
        if r.returncode != 0:
            self.fail("command failed but should succeed:\n" + r.describe())
        return r

    def lk_fail(self, *args, **kw) -> Result:
        r = self.env.run(*args, **kw)
        if r.returncode == 0:
            self.fail("command succeeded but should fail:\n" + r.describe())
        if r.returncode < 0 or r.returncode >= 128:
            self.fail("command crashed instead of failing cleanly:\n" + r.describe())
        self.assertTrue(r.stderr.strip(), "a failing command must explain itself on stderr:\n" + r.describe())
        return r

    def lk_json(self, *args, **kw):
        r = self.lk_ok(*args, "-o", "json", **kw)
        return r.json()

    def assertOneLineError(self, r: Result, *needles: str):
        # An @file argument's notice (upstream's "Expanding argument value ...") comes before
        # the command runs; the error itself must still be one line.
        lines = [ln for ln in r.stderr.strip().splitlines()
                 if ln.strip() and not ln.startswith("Expanding argument value ")]
        self.assertEqual(len(lines), 1, "expected a one-line error on stderr:\n" + r.describe())
        for n in needles:
            self.assertIn(n.lower(), r.stderr.lower(), r.describe())

    # -- connector helpers ---------------------------------------------------------
    def list_connectors(self, *filters) -> list:
        data = self.lk_json("service-connector", "list", *filters)
        self.assertIsInstance(data, list, "list -o json must be a JSON list")
        return data

    def connector_names(self, *filters) -> list[str]:
        return sorted(c["name"] for c in self.list_connectors(*filters))

    def describe_json(self, name: str, show_secrets: bool = False) -> dict:
        args = ["service-connector", "describe", name]
        if show_secrets:
            args.append("--show-secrets")
        data = self.lk_json(*args)
        self.assertIsInstance(data, dict, "describe -o json must be a JSON object")
        self.assertEqual(data.get("name"), name)
        return data

    def assertConnectorShape(self, c: dict):
        missing = [k for k in CONNECTOR_KEYS if k not in c]
        self.assertEqual(missing, [], f"connector object lacks keys: {json.dumps(c)[:800]}")
        self.assertIsInstance(c["configuration"], dict)
        self.assertIsInstance(c["secrets"], dict)
        self.assertIsInstance(c["labels"], dict)
        self.assertIsInstance(c["resource_types"], list)

    def field(self, c: dict, key: str):
        """A connector attribute, wherever the CLI puts it (configuration or secrets)."""
        for section in ("configuration", "secrets"):
            if key in (c.get(section) or {}):
                return c[section][key]
        self.fail(f"attribute {key!r} is in neither configuration nor secrets: {json.dumps(c)[:800]}")

    def verify_json(self, name: str) -> dict:
        """verify -o json; exit status may be non-zero only if an error is reported."""
        r = self.lk("service-connector", "verify", name, "-o", "json")
        data = r.json()
        self.assertIsInstance(data, dict)
        missing = [k for k in VERIFY_KEYS if k not in data]
        self.assertEqual(missing, [], f"verify output lacks keys: {r.stdout[:800]}")
        if r.returncode != 0:
            self.assertTrue(data["error"] or any(x.get("error") for x in data["resources"]),
                            "verify exited non-zero without reporting an error:\n" + r.describe())
        self._last_verify_rc = r.returncode
        return data

    def assertVerifyOk(self, data: dict, resource_type: str, expect_id_contains: str | None = None):
        self.assertIsNone(data["error"], json.dumps(data))
        self.assertEqual(getattr(self, "_last_verify_rc", 0), 0, "verify succeeded but exit status != 0")
        types = [r["resource_type"] for r in data["resources"]]
        self.assertIn(resource_type, types, json.dumps(data))
        for res in data["resources"]:
            if res["resource_type"] == resource_type:
                self.assertIsNone(res.get("error"), json.dumps(data))
                self.assertIsInstance(res["resource_ids"], list)
                self.assertTrue(res["resource_ids"], "no resource ids reported: " + json.dumps(data))
                if expect_id_contains:
                    self.assertTrue(any(expect_id_contains in str(i) for i in res["resource_ids"]),
                                    f"{expect_id_contains!r} not among resource ids: {json.dumps(data)}")

    def assertVerifyFailed(self, data: dict):
        errs = [data.get("error")] + [r.get("error") for r in data.get("resources", [])]
        self.assertTrue(any(errs), "verification should report an error: " + json.dumps(data))
