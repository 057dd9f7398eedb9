#!/usr/bin/env bash
# Installs what the AWS-side real test peers need from Debian (tests/peers/ceph_rgw.py,
# tests/peers/moto_server.py). Idempotent and instant when everything is present: apt runs
# only for what is missing, and `apt-get update` only then.
#
#   ceph-mon ceph-osd radosgw  - a single-node Ceph (memstore OSD) with RGW + STS
#   ceph-common                - the `ceph` CLI and `radosgw-admin` (pulled in by the daemons,
#                                listed explicitly because the launcher calls them directly)
#   ceph-mgr is NOT needed: the peer runs mon + osd + radosgw only.
#
# moto 5 / boto3 / botocore are preinstalled Python packages on this machine image; this script
# only checks that they import and says so loudly if they do not (the registry that ships them
# is not reachable from here, so there is nothing to install).
set -euo pipefail

packages=(ceph-mon ceph-osd radosgw ceph-common)

bash "$(dirname "$0")/apt-install-missing.sh" "${packages[@]}"

if ! python3 -c 'import moto.server, boto3, botocore' 2>/dev/null; then
  echo "install-aws-peers: python3 cannot import moto.server / boto3 / botocore;" \
       "the moto peer needs moto 5 with its server extras (flask) and boto3" >&2
  exit 1
fi
