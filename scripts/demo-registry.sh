#!/usr/bin/env bash
# Starts a throwaway Docker registry with htpasswd auth on 127.0.0.1 for the README walkthrough.
# Usage: scripts/demo-registry.sh start [PORT] | stop
set -euo pipefail
state=${TMPDIR:-/tmp}/latchkey-demo-registry
case "${1:-start}" in
  start)
    port=${2:-5055}
    mkdir -p "$state/data"
    htpasswd -Bbn demo demo-password > "$state/htpasswd"
    cat > "$state/config.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $state/data
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: latchkey-demo
    path: $state/htpasswd
YAML
    docker-registry serve "$state/config.yml" > "$state/registry.log" 2>&1 &
    echo $! > "$state/pid"
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
    echo "registry: http://127.0.0.1:$port  user: demo  password: demo-password  (pid $(cat "$state/pid"))"
    ;;
  stop)
    [ -f "$state/pid" ] && kill "$(cat "$state/pid")" 2>/dev/null || true
    rm -rf "$state"
    ;;
esac
