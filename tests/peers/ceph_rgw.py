#!/usr/bin/env python3
"""Launcher for a real single-node Ceph with RADOS Gateway + STS (Debian's Ceph 16 "Pacific").

What it starts (mgr is not needed and is not started):

  ceph-mon  (id "a", msgr v1 only, 127.0.0.1:<free port>)
  ceph-osd  (id 0, objectstore memstore: all object data lives in the OSD's RAM)
  radosgw   (client.rgw.a, beast frontend on 127.0.0.1:<free port>, STS enabled)

Everything is loopback-only (public/cluster addr 127.0.0.1, ``ms bind msgr2 = false``,
``ms bind ipv6 = false``) and every file the daemons and CLI tools write (config, monmap,
mon store, OSD dir, admin sockets, pid files, logs, crash dir) lives in one temporary
directory, removed on stop. Each daemon is stopped by its own PID (SIGTERM, then SIGKILL
after a timeout), in the order radosgw, osd, mon. The daemons also get PR_SET_PDEATHSIG so a
test runner killed with SIGKILL cannot leave them behind.

Sequence (the recipe in shared/reference/test-peers.md): ceph.conf -> ``monmaptool --create
--addv a [v1:127.0.0.1:P] --fsid F`` -> ``ceph-mon --mkfs`` -> start mon -> wait for quorum ->
sleep 1 s (an OSD started sooner can get 'wrong fsid' and exit) -> ``ceph osd new UUID`` ->
``ceph-osd --mkfs --osd-uuid UUID`` -> start osd -> wait for "1 up" -> start radosgw -> wait for
HTTP -> ``radosgw-admin user create`` / ``caps add --caps=roles=*`` / ``role create`` /
``role-policy put`` -> create the buckets (one object each) with the user's own keys over S3.

Facts about this peer (each checked by tests/integration/test_aws_peers.py):

  * S3, STS and IAM share one endpoint, ``http://127.0.0.1:PORT`` (path-style S3; STS is a
    POST of a form to ``/``). There is no virtual-host addressing (no ``rgw dns name``).
  * Region: the zonegroup is "default". SigV4 verification uses whatever region the client
    put in the credential scope, so ``us-east-1`` (used here), ``default`` or any other string
    verify, for S3 and STS alike. Only CreateBucket cares: a LocationConstraint must be absent
    or "default", so create buckets with region ``us-east-1`` (boto3 then sends none).
  * STS: AssumeRole (session Policy enforced: the policy's bucket 200, another bucket 403,
    ListBuckets 403) and GetSessionToken (the session acts as the user) work. GetCallerIdentity
    and GetFederationToken answer 405 MethodNotAllowed. GetSessionToken needs an identity
    policy allowing sts:GetSessionToken on the user (else 403 AccessDenied): the launcher puts
    one with IAM PutUserPolicy (caps ``roles=*;user-policy=*``).
  * Durations: AssumeRole up to the role's max session duration (RGW default 3600; 3601 ->
    400 InvalidArgument); GetSessionToken up to ``rgw sts max session duration`` 43200 (AWS
    allows 129600); the minimum for both is ``rgw sts min session duration`` (RGW default
    900, kept unless ``min_session_duration`` is given: lower values let a test watch
    credentials expire, after which they get 403 AccessDenied).
  * Errors come back in S3's ``<Error><Code>..`` format, for STS too (not ``<ErrorResponse>``;
    botocore's STS client therefore reports the code as "Unknown"). Wrong user keys (unknown
    key or wrong secret) give 403 AccessDenied, not InvalidAccessKeyId/SignatureDoesNotMatch;
    a wrong secret with a session token gives 403 SignatureDoesNotMatch; a session token that
    does not decrypt gives 400 InvalidArgument; a valid token of another session with these
    keys, or a missing token, gives 403 AccessDenied.
  * The session token is AES-CBC ciphertext without a MAC: changing one character in its
    middle is often ACCEPTED. Only structural forgeries (other session's token, changed last
    block, truncation, garbage) are reliably refused.
  * Role ARNs have an empty account: ``arn:aws:iam:::role/NAME``; users are
    ``arn:aws:iam:::user/UID``; assumed roles ``arn:aws:sts:::assumed-role/ROLE/SESSION``.
  * A ``Policy`` form value whose spaces are encoded as ``+`` (what botocore sends for
    ``json.dumps`` output) is rejected, 400 MalformedPolicyDocument ("failed to parse policy"
    in the log): encode spaces as ``%20`` or send minified JSON.
  * ZenML's generated s3-bucket policy (ListAllMyBuckets scoped to the bucket ARN) does not
    allow ListBuckets (403), and does not include GetBucketLocation (403); HeadBucket, Get/Put/
    Delete/ListBucket on the bucket work.

Start-up takes ~3.5 s: the mon's Paxos batching interval is cut from 1 s to 50 ms (each
osdmap change, e.g. every pool radosgw creates, is one proposal), and osd.0 is placed in the
CRUSH map by the launcher so the OSD sends no mon commands at start (with auth none they can
race the monmap and fail with 'wrong fsid'). Daemon RSS is ~130 MB in all.

Run standalone for manual poking (prints a JSON description, stops on Ctrl-C):

    python3 tests/peers/ceph_rgw.py
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

BIN = {name: os.environ.get(f"LATCHKEY_TEST_{name.upper().replace('-', '_')}_BIN", f"/usr/bin/{name}")
       for name in ("ceph", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool")}

REGION = "us-east-1"
ZONEGROUP = "default"
RGW_NAME = "client.rgw.a"
INSTALL_HINT = "run scripts/install-aws-peers.sh (Debian packages ceph-mon ceph-osd radosgw ceph-common)"


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_util import clean_env, free_port, serve_peer  # noqa: E402
from process_util import pdeathsig as _pdeathsig  # noqa: E402
from process_util import stop_process as _stop_process  # noqa: E402


def stop_process(proc: subprocess.Popen | None, timeout: float = 10.0) -> None:
    """Ceph daemons flush on SIGTERM; give them longer than the other peers."""
    _stop_process(proc, timeout)


def _clean_env() -> dict:
    return clean_env(drop_prefixes=("CEPH_", "PYTHON", "AWS_"), drop_names=("VIRTUAL_ENV",))


class CephStartError(RuntimeError):
    """The Ceph peer could not be started; the message carries the relevant log tail."""


def _random_key(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _tail(path: str, limit: int = 4000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            return f.read().decode(errors="replace")
    except OSError as e:
        return f"(no log: {e})"


class CephRgw:
    """A running single-node Ceph + radosgw with STS on 127.0.0.1.

    Attributes once started:
      ``endpoint`` ("http://127.0.0.1:PORT", S3, STS and IAM), ``port``, ``mon_port``, ``region`` ("us-east-1"),
      ``zonegroup`` ("default"), ``access_key_id`` / ``secret_access_key`` (the RGW user
      ``user_id``, caps roles=* and user-policy=*, an identity policy allowing
      sts:GetSessionToken), ``role_name`` / ``role_arn`` (trusts the user; its permission
      policy allows s3:* on everything; max session 3600 s), ``buckets`` (names, each holding
      ``object_key`` with ``object_body(bucket)``), ``sts_key``, ``workdir``, ``conf_path``,
      ``pids`` (daemon name -> PID).
    """

    def __init__(self, buckets: tuple[str, ...] = ("bucket1", "bucket2"), user_id: str = "latchkey-tester",
                 role_name: str = "latchkey-s3-role", min_session_duration: int | None = None,
                 start_timeout: float = 120.0, debug_rgw: int = 1, workdir: str | None = None):
        self.bucket_names = tuple(buckets)
        self.user_id = user_id
        self.role_name = role_name
        self.min_session_duration = min_session_duration
        self.start_timeout = start_timeout
        self.debug_rgw = debug_rgw
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="lk-ceph-")
        self.conf_path = os.path.join(self.workdir, "ceph.conf")
        self.log_dir = os.path.join(self.workdir, "log")
        self.fsid = str(uuid.uuid4())
        self.osd_uuid = str(uuid.uuid4())
        self.sts_key = _random_key(16)  # AES-128 key: exactly 16 characters
        self.access_key_id = "LKRGW" + _random_key(15, string.ascii_uppercase + string.digits)
        self.secret_access_key = _random_key(40)
        self.region = REGION
        self.zonegroup = ZONEGROUP
        self.mon_port: int | None = None
        self.port: int | None = None
        self.role_arn: str | None = None
        self.buckets: list[str] = []
        self.object_key = "hello.txt"
        self.procs: dict[str, subprocess.Popen] = {}
        self._outputs: dict[str, object] = {}
        self.timings: dict[str, float] = {}
        self.osd_restarts = 0
        self._deadline = 0.0

    # -- public -----------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.procs.items()}

    def object_body(self, bucket: str) -> bytes:
        return f"hello from {bucket} (latchkey ceph peer)\n".encode()

    def start(self) -> "CephRgw":
        t0 = time.monotonic()
        self._deadline = t0 + self.start_timeout
        try:
            for path in BIN.values():
                if not os.access(path, os.X_OK):
                    raise CephStartError(f"{path} not found: {INSTALL_HINT}")
            self._start_mon()
            self._mark("mon", t0)
            self._start_osd()
            self._mark("osd", t0)
            self._start_rgw()
            self._mark("rgw", t0)
            self._create_user_and_role()
            self._allow_get_session_token()
            self._mark("user+role", t0)
            self._create_buckets()
            self._mark("buckets", t0)
            self._deadline = 0.0
            return self
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for name in ("radosgw", "ceph-osd", "ceph-mon"):
            stop_process(self.procs.get(name))
        for fh in self._outputs.values():
            try:
                fh.close()
            except OSError:
                pass
        self._outputs.clear()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "CephRgw":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, daemon: str, limit: int = 4000) -> str:
        """Tail of a daemon's own log (``mon.a``, ``osd.0``, ``client.rgw.a``) plus its stdout/stderr."""
        short = {"ceph-mon": "mon.a", "ceph-osd": "osd.0", "radosgw": RGW_NAME}.get(daemon, daemon)
        parts = [f"--- {short} log ---", _tail(os.path.join(self.log_dir, f"ceph-{short}.log"), limit)]
        out = os.path.join(self.log_dir, f"{daemon}.out")
        if os.path.exists(out):
            parts += [f"--- {daemon} stdout/stderr ---", _tail(out, limit // 2)]
        return "\n".join(parts)

    def ceph(self, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess:
        """Run the ``ceph`` CLI against this cluster (no check).

        With auth off, the CLI may send its first command before it has the monmap; the monitor
        then refuses it ("handle_command on fsid 0000... != ...", EPERM "problem getting command
        descriptions"). Seen under load in CI; such answers are retried a few times."""
        argv = [BIN["ceph"], "-c", self.conf_path, "--connect-timeout", "10", *args]
        for attempt in range(8):
            r = self._run(argv, timeout)
            if r.returncode == 0 or "problem getting command descriptions" not in r.stderr:
                return r
            time.sleep(0.25 * (attempt + 1))
        return r

    def radosgw_admin(self, *args: str, timeout: float = 60.0) -> dict | list | str | None:
        """Run ``radosgw-admin`` against this cluster; returns its JSON output (or its text when
        it prints no JSON, as ``role-policy put`` does)."""
        r = self._run([BIN["radosgw-admin"], "-c", self.conf_path, *args], timeout)
        if r.returncode != 0:
            raise CephStartError(f"radosgw-admin {' '.join(args[:2])} failed ({r.returncode}): "
                                 f"{r.stderr.strip()[-2000:]}")
        out = r.stdout.strip()
        if not out:
            return None
        try:
            return json.loads(out)
        except json.JSONDecodeError:
            return out

    # -- steps --------------------------------------------------------------------------------
    def _mark(self, step: str, t0: float) -> None:
        self.timings[step] = round(time.monotonic() - t0, 3)

    def _remaining(self) -> float:
        return self._deadline - time.monotonic()

    def _run(self, argv: list[str], timeout: float) -> subprocess.CompletedProcess:
        if self._deadline:  # during start-up, never beyond the overall start budget
            timeout = max(1.0, min(timeout, self._remaining()))
        try:
            return subprocess.run(argv, capture_output=True, text=True, env=_clean_env(), cwd=self.workdir,
                                  stdin=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            shown = " ".join(a for a in argv if a != self.conf_path and a != "-c")
            raise CephStartError(f"`{shown}` timed out after {timeout:.0f} s\n" + self.log_tail("ceph-mon")) from e

    def _write_conf(self) -> None:
        w = self.workdir
        lines = [
            "[global]",
            f"fsid = {self.fsid}",
            f"mon host = [v1:127.0.0.1:{self.mon_port}]",
            "public addr = 127.0.0.1",
            "cluster addr = 127.0.0.1",
            "ms bind msgr1 = true",
            "ms bind msgr2 = false",
            "ms bind ipv6 = false",
            "auth cluster required = none",
            "auth service required = none",
            "auth client required = none",
            f"keyring = {w}/keyring",
            f"run dir = {w}/run",
            f"admin socket = {w}/run/$cluster-$name.$pid.asok",
            f"pid file = {w}/run/$cluster-$name.pid",
            f"log file = {self.log_dir}/$cluster-$name.log",
            f"mon cluster log file = {self.log_dir}/cluster.log",
            f"crash dir = {w}/crash",
            f"mon data = {w}/mon/$cluster-$id",
            f"osd data = {w}/osd/$cluster-$id",
            f"osd journal = {w}/osd/$cluster-$id/journal",
            f"mgr data = {w}/mgr/$cluster-$id",
            f"rgw data = {w}/rgw/$cluster-$id",
            "osd objectstore = memstore",
            "memstore device bytes = 1073741824",
            "osd pool default size = 1",
            "osd pool default min size = 1",
            "osd pool default pg num = 8",
            "osd pool default pgp num = 8",
            "osd pool default pg autoscale mode = off",
            "mon allow pool size one = true",
            "mon warn on pool no redundancy = false",
            "mon max pg per osd = 1000",
            "mon data avail warn = 1",
            "mon data avail crit = 0",
            "osd crush chooseleaf type = 0",
            "osd op num shards = 1",
            # With auth none the OSD can send its start-up mon commands (crush location, device
            # class) before its MonClient has the monmap; the mon then answers 'wrong fsid'
            # (the command carries fsid 0) and the OSD exits. The launcher places osd.0 in the
            # CRUSH map itself instead (`ceph osd crush add`), so the OSD sends no commands.
            "osd crush update on start = false",
            "osd class update on start = false",
            # Every osdmap change (OSD boot, each pool radosgw creates) is one Paxos proposal;
            # the default 1 s batching interval makes start-up ~10 s slower on a one-mon cluster.
            "paxos propose interval = 0.05",
            "paxos min wait = 0.01",
            "",
            f"[{RGW_NAME}]",
            f"rgw frontends = beast endpoint=127.0.0.1:{self.port}",
            f"rgw sts key = {self.sts_key}",
            "rgw s3 auth use sts = true",
            "rgw thread pool size = 32",
            f"debug rgw = {self.debug_rgw}",
        ]
        if self.min_session_duration is not None:
            lines.append(f"rgw sts min session duration = {int(self.min_session_duration)}")
        for d in ("run", "log", "crash", "mon", "osd", "rgw"):
            os.makedirs(os.path.join(w, d), exist_ok=True)
        with open(self.conf_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        old = self._outputs.pop(name, None)
        if old is not None:
            old.close()
        out = open(os.path.join(self.log_dir, f"{name}.out"), "ab")
        self._outputs[name] = out
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             env=_clean_env(), cwd=self.workdir, preexec_fn=_pdeathsig)
        self.procs[name] = p
        return p

    def _check_alive(self, name: str) -> None:
        p = self.procs[name]
        if p.poll() is not None:
            raise CephStartError(f"{name} exited with status {p.returncode} during start-up\n"
                                 + self.log_tail(name))

    def _wait(self, name: str, what: str, probe, interval: float = 0.25, budget: float | None = None) -> None:
        end = time.monotonic() + (budget if budget is not None else self._remaining())
        end = min(end, self._deadline)
        last = None
        while True:
            self._check_alive(name)
            try:
                if probe():
                    return
            except CephStartError as e:
                last = e
            if time.monotonic() >= end:
                raise CephStartError(f"timed out waiting for {what} (start budget {self.start_timeout:.0f} s)"
                                     + (f"; last probe error: {last}" if last else "") + "\n"
                                     + self.log_tail(name))
            time.sleep(interval)

    def _start_mon(self) -> None:
        self.mon_port = free_port()
        self.port = free_port()
        while self.port == self.mon_port:
            self.port = free_port()
        self._write_conf()
        monmap = os.path.join(self.workdir, "monmap")
        r = self._run([BIN["monmaptool"], "--create", "--clobber", "--addv", "a",
                       f"[v1:127.0.0.1:{self.mon_port}]", "--fsid", self.fsid, monmap], 30)
        if r.returncode != 0:
            raise CephStartError(f"monmaptool failed: {r.stderr.strip()}")
        r = self._run([BIN["ceph-mon"], "-c", self.conf_path, "--mkfs", "-i", "a", "--monmap", monmap], 60)
        if r.returncode != 0:
            raise CephStartError(f"ceph-mon --mkfs failed ({r.returncode}): {r.stderr.strip()[-2000:]}\n"
                                 + _tail(os.path.join(self.log_dir, "ceph-mon.a.log")))
        self._spawn("ceph-mon", [BIN["ceph-mon"], "-f", "-c", self.conf_path, "-i", "a"])

        def quorum() -> bool:
            r = self.ceph("quorum_status", "-f", "json", timeout=20)
            if r.returncode != 0:
                raise CephStartError(r.stderr.strip()[-500:])
            return "a" in json.loads(r.stdout).get("quorum_names", [])

        self._wait("ceph-mon", "the monitor to form a quorum", quorum, budget=45)
        time.sleep(1.0)  # an OSD started right after quorum can get 'wrong fsid' and exit

    def _start_osd(self) -> None:
        r = self.ceph("osd", "new", self.osd_uuid)
        if r.returncode != 0:
            raise CephStartError(f"ceph osd new failed: {r.stderr.strip()[-1000:]}\n" + self.log_tail("ceph-mon"))
        osd_id = r.stdout.strip()
        if osd_id != "0":
            raise CephStartError(f"ceph osd new returned id {osd_id!r}, expected 0")
        r = self.ceph("osd", "crush", "add", "osd.0", "1.0", "root=default", "host=localhost")
        if r.returncode != 0:
            raise CephStartError(f"ceph osd crush add failed: {r.stderr.strip()[-1000:]}\n" + self.log_tail("ceph-mon"))
        os.makedirs(os.path.join(self.workdir, "osd", "ceph-0"), exist_ok=True)
        r = self._run([BIN["ceph-osd"], "-c", self.conf_path, "-i", "0", "--mkfs", "--osd-uuid", self.osd_uuid], 60)
        if r.returncode != 0:
            raise CephStartError(f"ceph-osd --mkfs failed ({r.returncode}): {r.stderr.strip()[-2000:]}\n"
                                 + _tail(os.path.join(self.log_dir, "ceph-osd.0.log")))

        def one_up() -> bool:
            r = self.ceph("osd", "stat", "-f", "json", timeout=20)
            if r.returncode != 0:
                raise CephStartError(r.stderr.strip()[-500:])
            st = json.loads(r.stdout)
            st = st.get("osdmap", st)  # older releases nest the numbers under "osdmap"
            return st.get("num_up_osds") == 1 and st.get("num_in_osds") == 1

        # Belt and braces for start-up races: an OSD that exits before it is up is started
        # again (its memstore was written by --mkfs), at most 3 times in all.
        for attempt in range(1, 4):
            self._spawn("ceph-osd", [BIN["ceph-osd"], "-f", "-c", self.conf_path, "-i", "0"])
            try:
                self._wait("ceph-osd", "the OSD to be up and in (`1 up`)", one_up, budget=60)
                return
            except CephStartError:
                if attempt == 3 or self.procs["ceph-osd"].poll() is None:
                    raise
                self.osd_restarts += 1

    def _start_rgw(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

        def answers() -> bool:
            # Anonymous ListBuckets: RGW answers 200 with an empty ListAllMyBucketsResult. Checking
            # the body makes sure it is our radosgw and not something else on a raced port.
            try:
                with opener.open(self.endpoint + "/", timeout=2) as r:
                    return r.status == 200 and b"ListAllMyBucketsResult" in r.read()
            except (urllib.error.URLError, ConnectionError, OSError):
                return False

        for attempt in range(1, 4):
            self._spawn("radosgw", [BIN["radosgw"], "-f", "-c", self.conf_path, "-n", RGW_NAME])
            try:
                self._wait("radosgw", f"radosgw to answer HTTP on {self.endpoint}", answers, interval=0.1)
                return
            except CephStartError as e:
                # The free port was taken between choosing and binding it: pick another one.
                # (Rare; the dead radosgw's watches on the control objects then make the next
                # radosgw-admin calls wait for osd_client_watch_timeout, ~30 s, once.)
                if attempt == 3 or "Address already in use" not in str(e):
                    raise
                stop_process(self.procs.get("radosgw"))
                self.port = free_port()
                self._write_conf()

    def _create_user_and_role(self) -> None:
        self.radosgw_admin("user", "create", f"--uid={self.user_id}", "--display-name=Latchkey tester",
                           f"--access-key={self.access_key_id}", f"--secret-key={self.secret_access_key}")
        # roles=*: the role APIs; user-policy=*: lets the user attach its own IAM policy below.
        self.radosgw_admin("caps", "add", f"--uid={self.user_id}", "--caps=roles=*;user-policy=*")
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam:::user/{self.user_id}"]},
            "Action": ["sts:AssumeRole"]}]}
        role = self.radosgw_admin("role", "create", f"--role-name={self.role_name}", "--path=/",
                                  "--assume-role-policy-doc=" + json.dumps(trust, separators=(",", ":")))
        if isinstance(role, dict) and "role" in role:  # some releases wrap the object
            role = role["role"]
        self.role_arn = role["arn"] if isinstance(role, dict) and role.get("arn") else \
            f"arn:aws:iam:::role/{self.role_name}"
        perms = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::*"]}]}
        self.radosgw_admin("role-policy", "put", f"--role-name={self.role_name}", "--policy-name=s3-all",
                           "--policy-doc=" + json.dumps(perms, separators=(",", ":")))

    def _allow_get_session_token(self) -> None:
        # RGW refuses GetSessionToken (403 AccessDenied, "User does not have permission to perform
        # GetSessionToken") unless an identity policy of the user allows sts:GetSessionToken.
        # Pacific's radosgw-admin cannot attach user policies; the IAM API (PutUserPolicy, same
        # endpoint, service "iam") can, given the user-policy cap added above. A user policy with
        # no S3 statement leaves the user's own S3 access (ACL-based, as owner) unchanged.
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["sts:GetSessionToken"], "Resource": "*"}]}
        self._boto("iam").put_user_policy(UserName=self.user_id, PolicyName="allow-get-session-token",
                                          PolicyDocument=json.dumps(policy, separators=(",", ":")))

    def _boto(self, service: str):
        return self.client(service, retries=3)

    def client(self, service: str, access_key_id: str | None = None, secret_access_key: str | None = None,
               session_token: str | None = None, region: str | None = None, retries: int = 1):
        """A boto3 client at this RGW (path-style S3, bounded timeouts, ``retries`` attempts in
        all), with explicit credentials only: the peer user's unless others are given."""
        import boto3  # preinstalled; imported lazily so `--help` works without it
        from botocore.config import Config
        return boto3.session.Session(
            aws_access_key_id=access_key_id if access_key_id is not None else self.access_key_id,
            aws_secret_access_key=secret_access_key if secret_access_key is not None else self.secret_access_key,
            aws_session_token=session_token, region_name=region or self.region).client(
            service, endpoint_url=self.endpoint,
            config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": retries, "mode": "standard"},
                          connect_timeout=5, read_timeout=30))

    def secrets(self) -> dict[str, str]:
        """Secret values of this peer -> label (for CliEnv.add_secret / leak scans)."""
        return {self.secret_access_key: "rgw user secret access key", self.sts_key: "rgw sts key"}

    def create_bucket(self, name: str, with_object: bool = True) -> str:
        """Create a bucket owned by the peer's user (one ``object_key`` object in it by default)."""
        s3 = self._boto("s3")
        s3.create_bucket(Bucket=name)
        if with_object:
            s3.put_object(Bucket=name, Key=self.object_key, Body=self.object_body(name))
        self.buckets.append(name)
        return name

    def _create_buckets(self) -> None:
        for b in self.bucket_names:
            self.create_bucket(b)

    def describe(self) -> dict:
        return {"endpoint": self.endpoint, "region": self.region, "zonegroup": self.zonegroup,
                "access_key_id": self.access_key_id, "secret_access_key": self.secret_access_key,
                "role_arn": self.role_arn, "buckets": self.buckets, "object_key": self.object_key,
                "workdir": self.workdir, "pids": self.pids, "timings": self.timings}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bucket", action="append", help="bucket to create (repeatable; default bucket1, bucket2)")
    ap.add_argument("--min-session-duration", type=int, default=None)
    ap.add_argument("--debug-rgw", type=int, default=1)
    args = ap.parse_args()
    serve_peer(CephRgw(buckets=tuple(args.bucket or ("bucket1", "bucket2")),
                       min_session_duration=args.min_session_duration, debug_rgw=args.debug_rgw))


if __name__ == "__main__":
    main()
