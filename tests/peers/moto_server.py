#!/usr/bin/env python3
"""Launcher + set-up helper for a moto server (moto 5, preinstalled) with IAM authentication
enforced.

    python3 -m moto.server -H 127.0.0.1 -p PORT      with INITIAL_NO_AUTH_ACTION_COUNT=K

moto lets the first K authenticated-API requests through unchecked and then verifies every
request's SigV4 signature against its own IAM store, and evaluates the caller's IAM policies'
Action lists (not their Resource parts). K must be EXACTLY the number of set-up calls: a larger
K would leave the first requests of a test unauthenticated (wrong keys would then pass).
The set-up is therefore written as a *plan* (a list of steps, one API request each); K is
``len(plan)``, every step runs with botocore retries disabled (a retry would be a request
too), and after the plan has run the launcher checks that a request signed with unknown keys
is refused (InvalidClientTokenId) and one signed with the created user's keys is accepted.
A start that does not prove enforcement fails; it never hands out an open server.

Set-up (account 123456789012, region us-east-1; all through boto3 at the endpoint):

  * IAM user ``latchkey-tester`` with an inline policy allowing s3:*, sts:*, eks:*, ecr:*,
    iam:PassRole, iam:GetUser, iam:GetRole, iam:ListRoles; and one access key.
  * IAM role ``latchkey-role`` whose trust policy names the user's ARN (moto evaluates the
    trust policy against the caller's ARN: an account-root principal does NOT match a user),
    with an inline policy allowing s3:*, eks:*, ecr:*, sts:GetCallerIdentity.
  * S3 buckets (default ``lk-moto-bucket1`` and ``lk-moto-bucket2``), each with one object.
  * EKS cluster ``lk-moto-cluster`` and ECR repository ``lk-moto-repo``.

The server is moto's own WSGI app started the way ``python3 -m moto.server -H 127.0.0.1 -p PORT``
starts it (``run_simple``, threaded), but through ``python3 tests/peers/moto_server.py serve ...``
so that two defects of moto 5.2.1's signature checking can be fixed first (both verified by
tests/integration/test_aws_peers.py; neither loosens a check):

  1. Bodiless requests of REST services (EKS ListClusters / DescribeCluster, every GET/HEAD/
     DELETE) are always refused with SignatureDoesNotMatch: moto hashes its parsed-parameter
     dict (for EKS, the request headers) as the payload instead of the empty body. The fix
     hashes the empty body, as SigV4 says.
  2. A presigned ``GET /?Action=GetCallerIdentity&X-Amz-Signature=...`` (what an EKS
     ``k8s-aws-v1.`` token decodes to) crashes moto (HTTP 500: it only reads the Authorization
     header). A small WSGI layer verifies such a query-string signature with botocore's
     SigV4 primitives against moto's own credential store (including the ``x-k8s-aws-id``
     header when it is signed, the session token of assumed roles, and X-Amz-Date +
     X-Amz-Expires), answers 403 (SignatureDoesNotMatch / InvalidClientTokenId /
     ExpiredToken / AccessDenied) itself on failure, and on success hands moto the same
     request signed in the Authorization header with the same credentials, so the answer is
     moto's own GetCallerIdentity for that caller.

Known limits of moto (documented here, asserted by the self-tests): it checks signatures and
the Action part of IAM policies, not their Resource part (a one-bucket session policy still
reads other buckets); GetSessionToken and GetFederationToken answer with AWS's static example
credentials (AKIAIOSFODNN7EXAMPLE), which moto's own enforcement then refuses
(InvalidAccessKeyId / InvalidClientTokenId); ECR GetAuthorizationToken returns a static token
``AWS:<account>-auth-token`` (its expiresAt, 2015-01-01 in moto, is set to issue + 12 hours as ECR
does; see ``_give_ecr_tokens_a_real_lifetime``).

Optional, for tests of refreshing clients: ``MotoServer(sts_lifetime_seconds=N)`` (``serve
--sts-lifetime N``) makes every assumed-role session expire N seconds after issue and refuses
requests signed with an expired one (see ``_expire_sessions_after``).

Every other moto URL under ``/moto-api/`` (dashboard, reset, reset-auth) is unauthenticated by
design; tests must not use it. Nothing is written to disk except the server's own log in a
temporary directory that is removed on stop. The server is stopped by its own PID.

Run standalone (prints a JSON description, stops on Ctrl-C):

    python3 tests/peers/moto_server.py

(``python3 tests/peers/moto_server.py serve -H 127.0.0.1 -p PORT`` is the server process itself.)
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_util import clean_env, free_port, serve_peer, stop_process  # noqa: E402
from process_util import pdeathsig as _pdeathsig  # noqa: E402


def _clean_env(extra: dict | None = None) -> dict:
    return clean_env(drop_prefixes=("AWS_", "MOTO_"),
                     drop_names=("INITIAL_NO_AUTH_ACTION_COUNT", "TEST_SERVER_MODE", "SERVER_MODE"),
                     extra=extra)


REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account


class MotoStartError(RuntimeError):
    """The moto peer could not be started or does not enforce authentication."""


def boto_client(service: str, endpoint: str, access_key_id: str, secret_access_key: str,
                session_token: str | None = None, region: str = REGION, retries: int = 1):
    """A boto3 client for ``service`` at ``endpoint`` with explicit credentials only (never the
    environment's or ~/.aws), path-style S3, bounded timeouts, ``retries`` total attempts."""
    import boto3
    from botocore.config import Config
    session = boto3.session.Session(aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
                                    aws_session_token=session_token, region_name=region)
    cfg = Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=30,
                 retries={"total_max_attempts": retries, "mode": "standard"})
    return session.client(service, endpoint_url=endpoint, config=cfg)


class MotoServer:
    """A running moto server with IAM enforced and the set-up above done.

    Attributes once started: ``endpoint`` ("http://127.0.0.1:PORT", every service), ``port``,
    ``region``, ``account_id``, ``user_name``, ``user_arn``, ``access_key_id``,
    ``secret_access_key``, ``role_name``, ``role_arn``, ``buckets`` (each holding
    ``object_key`` = ``object_body(bucket)``), ``cluster_name``, ``cluster_arn``,
    ``repository_name``, ``repository_uri``, ``registry`` ("ACCT.dkr.ecr.REGION.amazonaws.com"),
    ``setup_calls`` (= INITIAL_NO_AUTH_ACTION_COUNT), ``pid``, ``workdir``, ``timings``.
    """

    USER_ACTIONS = ["s3:*", "sts:*", "eks:*", "ecr:*", "iam:PassRole", "iam:GetUser", "iam:GetRole",
                    "iam:ListRoles"]
    ROLE_ACTIONS = ["s3:*", "eks:*", "ecr:*", "sts:GetCallerIdentity"]

    def __init__(self, buckets: tuple[str, ...] = ("lk-moto-bucket1", "lk-moto-bucket2"),
                 cluster_name: str = "lk-moto-cluster", repository_name: str = "lk-moto-repo",
                 user_name: str = "latchkey-tester", role_name: str = "latchkey-role",
                 start_timeout: float = 30.0, _no_auth_count_delta: int = 0,
                 sts_lifetime_seconds: int | None = None):
        self.bucket_names = tuple(buckets)
        self.cluster_name = cluster_name
        self.repository_name = repository_name
        self.user_name = user_name
        self.role_name = role_name
        self.start_timeout = start_timeout
        # Test-only: assumed-role sessions expire this many seconds after issue (whatever
        # DurationSeconds asked for, AWS's minimum being 900) and are refused afterwards, so
        # tests can cross an expiry in seconds. See _expire_sessions_after.
        self.sts_lifetime_seconds = sts_lifetime_seconds
        self.region = REGION
        self.account_id = ACCOUNT_ID
        self.user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user_name}"
        self.role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{role_name}"
        self.registry = f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com"
        self.object_key = "hello.txt"
        self.workdir = tempfile.mkdtemp(prefix="lk-moto-")
        self.log_path = os.path.join(self.workdir, "moto.log")
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.access_key_id: str | None = None
        self.secret_access_key: str | None = None
        self.cluster_arn: str | None = None
        self.repository_uri: str | None = None
        self.buckets: list[str] = []
        self.setup_calls = len(self._plan())
        # Test-only: start moto with a WRONG INITIAL_NO_AUTH_ACTION_COUNT (setup_calls + delta)
        # to prove that the launcher notices (tests/integration/test_aws_peers.py).
        self._no_auth_count = self.setup_calls + _no_auth_count_delta
        self.timings: dict[str, float] = {}
        self._log = None

    # -- public ----------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def object_body(self, bucket: str) -> bytes:
        return f"hello from {bucket} (latchkey moto peer)\n".encode()

    def client(self, service: str, access_key_id: str | None = None, secret_access_key: str | None = None,
               session_token: str | None = None, region: str | None = None, retries: int = 1):
        """boto3 client at this server; defaults to the set-up user's keys."""
        return boto_client(service, self.endpoint,
                           access_key_id if access_key_id is not None else self.access_key_id,
                           secret_access_key if secret_access_key is not None else self.secret_access_key,
                           session_token, region or self.region, retries)

    def secrets(self) -> dict[str, str]:
        """Secret values of this peer -> label (for CliEnv.add_secret / leak scans)."""
        return {self.secret_access_key: "moto user secret access key"}

    def start(self) -> "MotoServer":
        t0 = time.monotonic()
        try:
            last = None
            for _attempt in range(3):
                try:
                    self._launch()
                    break
                except MotoStartError as e:
                    # Only a server that exited (e.g. its free port raced away) is tried again.
                    if self.proc is None or self.proc.poll() is None:
                        raise
                    last = e
                    self.proc = None
            else:
                raise last
            self.timings["server"] = round(time.monotonic() - t0, 3)
            self._run_plan()
            self.timings["setup"] = round(time.monotonic() - t0, 3)
            self._prove_enforcement()
            self.timings["enforcement-check"] = round(time.monotonic() - t0, 3)
            return self
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, limit: int = 4000) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-limit:]
        except OSError:
            return ""

    def describe(self) -> dict:
        keys = ("endpoint", "region", "account_id", "user_name", "user_arn", "access_key_id",
                "secret_access_key", "role_name", "role_arn", "buckets", "object_key", "cluster_name",
                "cluster_arn", "repository_name", "repository_uri", "registry", "setup_calls", "pid",
                "workdir", "timings")
        return {k: getattr(self, k) for k in keys}

    # -- internals -------------------------------------------------------------------------
    def _launch(self) -> None:
        self.port = free_port()
        if self._log is None:
            self._log = open(self.log_path, "ab")
        env = _clean_env({"INITIAL_NO_AUTH_ACTION_COUNT": str(self._no_auth_count)})
        argv = [sys.executable, os.path.abspath(__file__), "serve", "-H", "127.0.0.1", "-p", str(self.port)]
        if self.sts_lifetime_seconds:
            argv += ["--sts-lifetime", str(self.sts_lifetime_seconds)]
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, env=env,
            cwd=self.workdir, preexec_fn=_pdeathsig)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise MotoStartError(f"moto server exited with {self.proc.returncode}\n{self.log_tail()}")
            try:
                # /moto-api/ is moto's own dashboard: it is not an AWS action, so it does not
                # consume one of the K unauthenticated requests.
                with opener.open(self.endpoint + "/moto-api/", timeout=2) as r:
                    if r.status == 200:
                        return
            except urllib.error.HTTPError:
                pass
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.05)
        raise MotoStartError(f"moto server did not answer within {self.start_timeout:.0f} s\n{self.log_tail()}")

    def _plan(self) -> list[tuple[str, callable]]:
        """The set-up, one AWS API request per step (K = len(plan))."""
        user_policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": self.USER_ACTIONS, "Resource": "*"}]}
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [self.user_arn]}, "Action": "sts:AssumeRole"}]}
        role_policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": self.ROLE_ACTIONS, "Resource": "*"}]}

        def create_key(c):
            key = c["iam"].create_access_key(UserName=self.user_name)["AccessKey"]
            self.access_key_id, self.secret_access_key = key["AccessKeyId"], key["SecretAccessKey"]

        def create_cluster(c):
            cl = c["eks"].create_cluster(
                name=self.cluster_name, version="1.29", roleArn=self.role_arn,
                resourcesVpcConfig={"subnetIds": ["subnet-0a1b2c3d"], "securityGroupIds": ["sg-0a1b2c3d"],
                                    "endpointPublicAccess": True, "endpointPrivateAccess": False})
            self.cluster_arn = cl["cluster"]["arn"]

        def create_repo(c):
            repo = c["ecr"].create_repository(repositoryName=self.repository_name)["repository"]
            self.repository_uri = repo["repositoryUri"]

        plan = [
            ("iam:CreateUser", lambda c: c["iam"].create_user(UserName=self.user_name)),
            ("iam:PutUserPolicy", lambda c: c["iam"].put_user_policy(
                UserName=self.user_name, PolicyName="latchkey-tester-all",
                PolicyDocument=json.dumps(user_policy))),
            ("iam:CreateAccessKey", create_key),
            ("iam:CreateRole", lambda c: c["iam"].create_role(
                RoleName=self.role_name, AssumeRolePolicyDocument=json.dumps(trust), MaxSessionDuration=43200)),
            ("iam:PutRolePolicy", lambda c: c["iam"].put_role_policy(
                RoleName=self.role_name, PolicyName="latchkey-role-all", PolicyDocument=json.dumps(role_policy))),
        ]
        for b in self.bucket_names:
            plan.append((f"s3:CreateBucket {b}", lambda c, b=b: c["s3"].create_bucket(Bucket=b)))
            plan.append((f"s3:PutObject {b}", lambda c, b=b: (c["s3"].put_object(
                Bucket=b, Key=self.object_key, Body=self.object_body(b)), self.buckets.append(b))))
        plan.append(("eks:CreateCluster", create_cluster))
        plan.append(("ecr:CreateRepository", create_repo))
        return plan

    def _run_plan(self) -> None:
        # Any credentials do for the unauthenticated phase; retries are off (1 attempt) so each
        # step is exactly one request.
        dummy = ("AKIAMOTOSETUP0000000", "setup-phase-" + secrets.token_hex(8))
        clients = {s: boto_client(s, self.endpoint, *dummy) for s in ("iam", "s3", "eks", "ecr")}
        plan = self._plan()
        if len(plan) != self.setup_calls:
            raise MotoStartError("set-up plan changed size after the server was started")
        for i, (what, step) in enumerate(plan, 1):
            try:
                step(clients)
            except Exception as e:
                raise MotoStartError(f"moto set-up step {i}/{len(plan)} ({what}) failed: {e}\n{self.log_tail()}") from e

    def _prove_enforcement(self) -> None:
        from botocore.exceptions import ClientError
        bogus = boto_client("sts", self.endpoint, "AKIA" + secrets.token_hex(8).upper(), secrets.token_hex(20))
        try:
            bogus.get_caller_identity()
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code")
            if code != "InvalidClientTokenId":
                raise MotoStartError(f"unknown keys were refused with {code!r}, expected InvalidClientTokenId")
        else:
            raise MotoStartError(
                f"moto accepted a request signed with unknown keys after {self.setup_calls} set-up calls: "
                "INITIAL_NO_AUTH_ACTION_COUNT does not match the set-up plan")
        ident = self.client("sts").get_caller_identity()
        if ident.get("Arn") != self.user_arn:
            raise MotoStartError(f"set-up user's keys identify as {ident.get('Arn')!r}, expected {self.user_arn!r}")


# ---------------------------------------------------------------------------------------------
# The server process ("serve" sub-command): moto's app with the two fixes described above.
# ---------------------------------------------------------------------------------------------

def _fix_bodiless_payload_hash() -> None:
    from moto.iam import access_control as ac
    original = ac.IAMRequestBase._create_aws_request

    def _create_aws_request(self):
        if not self._body and str(self._method).upper() in ("GET", "HEAD", "DELETE"):
            saved = self._data
            self._data = b""  # the payload that was signed: nothing
            try:
                return original(self)
            finally:
                self._data = saved
        return original(self)

    ac.IAMRequestBase._create_aws_request = _create_aws_request


_STS_ERROR = ('<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://sts.amazonaws.com/doc/'
              '2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>'
              '<RequestId>{rid}</RequestId></ErrorResponse>')


class PresignedCallerIdentity:
    """WSGI layer: verifies presigned STS GetCallerIdentity URLs (see the module docstring)."""

    AUTH_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                   "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token")

    def __init__(self, app, account_id: str = ACCOUNT_ID):
        self.app = app
        self.account_id = account_id

    @staticmethod
    def _pairs(query: str) -> list[tuple[str, str]]:
        from urllib.parse import unquote
        out = []
        for part in query.split("&"):
            if part:
                k, _, v = part.partition("=")
                out.append((unquote(k), unquote(v)))
        return out

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and not environ.get("HTTP_AUTHORIZATION"):
            pairs = self._pairs(environ.get("QUERY_STRING", ""))
            keys = {k for k, _ in pairs}
            if "X-Amz-Signature" in keys and ("Action", "GetCallerIdentity") in pairs:
                return self._presigned(environ, start_response, pairs)
        return self.app(environ, start_response)

    def _deny(self, start_response, code: str, message: str):
        body = _STS_ERROR.format(code=code, message=message, rid=secrets.token_hex(16)).encode()
        start_response("403 Forbidden", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
        return [body]

    def _presigned(self, environ, start_response, pairs):
        import datetime
        import hmac
        from urllib.parse import quote
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from moto.iam import access_control as ac

        params: dict[str, str] = {}
        for k, v in pairs:
            if k in params:
                return self._deny(start_response, "AccessDenied", f"repeated query parameter {k}")
            params[k] = v
        missing = [k for k in self.AUTH_PARAMS[:-1] if k not in params]
        if missing:
            return self._deny(start_response, "AccessDenied", "missing " + ", ".join(missing))
        if params["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
            return self._deny(start_response, "AccessDenied", "unsupported X-Amz-Algorithm")
        cred = params["X-Amz-Credential"].split("/")
        if len(cred) != 5 or cred[3] != "sts" or cred[4] != "aws4_request":
            return self._deny(start_response, "AccessDenied", "malformed X-Amz-Credential")
        access_key_id, scope_date, region = cred[0], cred[1], cred[2]
        try:
            when = datetime.datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc)
            expires = int(params["X-Amz-Expires"])
        except ValueError:
            return self._deny(start_response, "AccessDenied", "malformed X-Amz-Date or X-Amz-Expires")
        if scope_date != params["X-Amz-Date"][:8] or not 1 <= expires <= 604800:
            return self._deny(start_response, "AccessDenied", "inconsistent X-Amz-Date / X-Amz-Expires")
        now = datetime.datetime.now(datetime.timezone.utc)
        if now > when + datetime.timedelta(seconds=expires):
            return self._deny(start_response, "ExpiredToken", "the presigned URL has expired")
        if when > now + datetime.timedelta(minutes=15):
            return self._deny(start_response, "AccessDenied", "X-Amz-Date is in the future")

        headers = {}
        token = params.get("X-Amz-Security-Token")
        if token is not None:
            headers["X-Amz-Security-Token"] = token
        try:
            key = ac.create_access_key(account_id=self.account_id, partition="aws",
                                       access_key_id=access_key_id, headers=headers)
        except ac.CreateAccessKeyFailure:
            return self._deny(start_response, "InvalidClientTokenId",
                              "The security token included in the request is invalid.")
        creds = key.create_credentials()
        if (creds.token or None) != token:
            return self._deny(start_response, "InvalidClientTokenId",
                              "The security token included in the request is invalid.")

        host = environ.get("HTTP_HOST", "")
        signed = params["X-Amz-SignedHeaders"].split(";")
        req_headers = {}
        for name in signed:
            if name == "host":
                req_headers["host"] = host
                continue
            value = environ.get("HTTP_" + name.upper().replace("-", "_"))
            if value is None:
                return self._deny(start_response, "SignatureDoesNotMatch", f"signed header {name} is missing")
            req_headers[name] = value
        canonical_query = "&".join(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, v in sorted((k, v) for k, v in params.items() if k != "X-Amz-Signature"))
        path = environ.get("PATH_INFO") or "/"
        request = AWSRequest(method="GET", url=f"http://{host}{quote(path, safe='/~')}?{canonical_query}",
                             headers=req_headers)
        request.context["timestamp"] = params["X-Amz-Date"]
        auth = SigV4Auth(creds, "sts", region)
        if auth.signed_headers(auth.headers_to_sign(request)) != params["X-Amz-SignedHeaders"]:
            return self._deny(start_response, "SignatureDoesNotMatch", "X-Amz-SignedHeaders is not canonical")
        canonical = auth.canonical_request(request)
        expected = auth.signature(auth.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, params["X-Amz-Signature"]):
            return self._deny(start_response, "SignatureDoesNotMatch",
                              "The request signature we calculated does not match the signature you provided.")

        # Valid: let moto answer, signed in the header form it understands.
        fwd = AWSRequest(method="GET", url=f"http://{host}/?Action=GetCallerIdentity&Version="
                                          f"{quote(params.get('Version', '2011-06-15'))}",
                         headers={"host": host})
        SigV4Auth(creds, "sts", region).add_auth(fwd)
        environ = dict(environ)
        environ["QUERY_STRING"] = fwd.url.split("?", 1)[1]
        for name, value in fwd.headers.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        return self.app(environ, start_response)


def _give_eks_clusters_a_real_ca() -> None:
    """moto fills certificateAuthority.data with 1400 random characters; EKS sends a base64 PEM
    certificate there, and clients (Latchkey's EKS client connector, kubectl) parse it. Give
    every cluster a real, throwaway self-signed CA certificate instead."""
    import base64
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import moto.eks.models as eks_models

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "moto-eks-ca")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    data = base64.b64encode(cert.public_bytes(serialization.Encoding.PEM)).decode()
    original_init = eks_models.Cluster.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.certificate_authority = {"data": data}

    eks_models.Cluster.__init__ = init


def _give_ecr_tokens_a_real_lifetime() -> None:
    """moto's ECR GetAuthorizationToken says the token expired on 2015-01-01; ECR's tokens are
    valid for 12 hours from issue. Keep moto's token and proxy endpoint, fix only expiresAt, so
    clients that honour the expiry (Latchkey's ECR client connector) can be exercised."""
    import moto.ecr.responses as ecr_responses

    original = ecr_responses.ECRResponse.get_authorization_token

    def get_authorization_token(self):
        result = original(self)
        for entry in result.result.get("authorizationData", []):
            entry["expiresAt"] = time.time() + 12 * 3600
        return result

    ecr_responses.ECRResponse.get_authorization_token = get_authorization_token


def _expire_sessions_after(seconds: int) -> None:
    """Test-only (``--sts-lifetime``): every assumed-role session expires ``seconds`` after it
    was issued, whatever DurationSeconds asked for, and a request signed with an expired
    session is refused as AWS refuses it (moto itself never checks expiry). Tests of refreshing
    clients can then cross a real expiry in seconds instead of AWS's 15-minute minimum."""
    import datetime

    import moto.sts.models as sts_models
    from moto.core.utils import utcnow
    from moto.iam import access_control as ac

    original_role = sts_models.AssumedRole.__init__

    def role_init(self, *args, **kwargs):
        original_role(self, *args, **kwargs)
        self.expiration = min(self.expiration, utcnow() + datetime.timedelta(seconds=seconds))

    sts_models.AssumedRole.__init__ = role_init
    original_key = ac.AssumedRoleAccessKey.__init__

    def key_init(self, account_id, partition, access_key_id, headers):
        original_key(self, account_id, partition, access_key_id, headers)
        for role in sts_models.sts_backends[account_id][partition].assumed_roles:
            if role.access_key_id == access_key_id and role.expiration <= utcnow():
                raise ac.CreateAccessKeyFailure(reason="InvalidToken")

    ac.AssumedRoleAccessKey.__init__ = key_init


def serve(host: str, port: int, sts_lifetime: int | None = None) -> None:
    """Run moto's server app (as ``moto.server.main`` does) with the fixes applied."""
    from werkzeug.serving import run_simple
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    os.environ.setdefault("MOTO_PORT", str(port))
    _fix_bodiless_payload_hash()
    _give_eks_clusters_a_real_ca()
    _give_ecr_tokens_a_real_lifetime()
    if sts_lifetime:
        _expire_sessions_after(sts_lifetime)
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    run_simple(host, port, PresignedCallerIdentity(app), threaded=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        sp = argparse.ArgumentParser(prog="moto_server.py serve")
        sp.add_argument("-H", "--host", default="127.0.0.1")
        sp.add_argument("-p", "--port", type=int, required=True)
        sp.add_argument("--sts-lifetime", type=int, default=None)
        a = sp.parse_args(sys.argv[2:])
        serve(a.host, a.port, a.sts_lifetime)
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args()
    serve_peer(MotoServer())


if __name__ == "__main__":
    main()
