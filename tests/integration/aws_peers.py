"""AWS-side real peers for Latchkey's integration tests (importable helper module).

  moto_server(...)  -> tests/peers/moto_server.py: moto 5 with IAM authentication enforced
                       (INITIAL_NO_AUTH_ACTION_COUNT = exactly the set-up calls), an IAM user +
                       access key + policy, a role to assume, S3 buckets with an object each, an
                       EKS cluster and an ECR repository. Yields a MotoServer.
  ceph_rgw(...)     -> tests/peers/ceph_rgw.py: single-node Ceph (mon + memstore osd) with
                       radosgw + STS that ENFORCES session policies. Yields a CephRgw.

Both bind 127.0.0.1 only on free ports, keep all state in a temp dir, and stop every process by
its own PID when the context manager exits (temp dir removed). A peer that cannot start raises
(MotoStartError / CephStartError, with the daemon's log tail): tests fail, they never skip.
Install what they need with scripts/install-aws-peers.sh.

What a test gets
----------------
MotoServer: .endpoint ("http://127.0.0.1:PORT", every service incl. STS), .region ("us-east-1"),
  .account_id ("123456789012"), .access_key_id / .secret_access_key (user .user_name,
  .user_arn), .role_arn (trusts the user), .buckets (each holds .object_key =
  .object_body(bucket)), .cluster_name / .cluster_arn, .repository_name / .repository_uri,
  .registry ("123456789012.dkr.ecr.us-east-1.amazonaws.com"), .client(service, ...) (boto3),
  .secrets() (values to register for leak scans), .pid.
CephRgw: .endpoint ("http://127.0.0.1:PORT", S3 + STS + IAM), .region ("us-east-1"; any region
  string verifies, see ceph_rgw.py), .zonegroup ("default"), .access_key_id /
  .secret_access_key (user .user_id), .role_arn ("arn:aws:iam:::role/latchkey-s3-role",
  permission policy s3:* on everything, max session 3600 s), .buckets (["bucket1", "bucket2"] by
  default), .object_key, .object_body(bucket), .create_bucket(name), .client(service, ...),
  .secrets(), .pids, .log_tail(daemon).

Sharing one instance per test module (RGW starts in ~4 s, moto in ~3 s)
--------------------------------------------------------------------
Python >= 3.11 (this machine's python3):

    import aws_peers

    def setUpModule():
        global RGW
        RGW = unittest.enterModuleContext(aws_peers.ceph_rgw())

unittest stops it after the module's last test (also when a later set-up step fails); if the
peer cannot start, every test of the module is reported as an error, not skipped. Per class:
``cls.rgw = cls.enterClassContext(aws_peers.ceph_rgw())`` in ``setUpClass``. Tests that share
an instance must not depend on each other's state: create your own bucket with
``RGW.create_bucket("name")`` instead of changing bucket1/bucket2, and do not change the
user's keys, caps or the role.
"""

from __future__ import annotations

import contextlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS_DIR = os.path.join(os.path.dirname(HERE), "peers")
if PEERS_DIR not in sys.path:
    sys.path.insert(0, PEERS_DIR)

import ceph_rgw as _ceph  # noqa: E402  (tests/peers/ceph_rgw.py)
import moto_server as _moto  # noqa: E402  (tests/peers/moto_server.py)

MotoServer = _moto.MotoServer
MotoStartError = _moto.MotoStartError
CephRgw = _ceph.CephRgw
CephStartError = _ceph.CephStartError
boto_client = _moto.boto_client


@contextlib.contextmanager
def moto_server(**kwargs):
    """Start moto with IAM enforced and the set-up done; yields a MotoServer.

    kwargs: buckets=(...), cluster_name, repository_name, user_name, role_name, start_timeout,
    sts_lifetime_seconds (assumed-role sessions expire that soon and are refused afterwards).
    """
    peer = MotoServer(**kwargs)
    peer.start()
    try:
        yield peer
    finally:
        peer.stop()


@contextlib.contextmanager
def ceph_rgw(**kwargs):
    """Start single-node Ceph + radosgw with STS, user, role and buckets; yields a CephRgw.

    kwargs: buckets=("bucket1", "bucket2"), user_id, role_name, min_session_duration (RGW's
    minimum DurationSeconds; default RGW's 900), start_timeout (default 120 s), debug_rgw.
    """
    peer = CephRgw(**kwargs)
    peer.start()
    try:
        yield peer
    finally:
        peer.stop()
