"""Process helpers every peer launcher shares: free loopback ports, children that die with the
test runner, stopping one process by its own PID, and an environment with no proxies."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import time


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pdeathsig() -> None:
    """preexec_fn: the child gets SIGKILL when the runner dies, so nothing outlives a killed run."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def stop_process(proc: subprocess.Popen | None, timeout: float = 5.0) -> None:
    """Stop one process by its own PID: SIGTERM, then SIGKILL after ``timeout``."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=timeout)


def clean_env(drop_prefixes: tuple[str, ...] = (), drop_names: tuple[str, ...] = (),
              extra: dict | None = None) -> dict:
    """The runner's environment without the given variables and without proxies (a proxy
    setting must never divert loopback traffic)."""
    env = {k: v for k, v in os.environ.items()
           if not (drop_prefixes and k.startswith(drop_prefixes)) and k not in drop_names}
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(k, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    if extra:
        env.update(extra)
    return env


def wait_for_stop_signal() -> None:
    """Blocks a launcher run by hand until Ctrl-C or SIGTERM, so its ``with`` block cleans up."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    signal.sigwait({signal.SIGINT, signal.SIGTERM})


def serve_peer(peer) -> None:
    """Standalone launchers: starts ``peer`` (a context manager with ``describe()``), prints what
    tests would receive plus the cold start time, and keeps it running until signalled."""
    started = time.monotonic()
    with peer as p:
        d = p.describe()
        d["cold_start_seconds"] = round(time.monotonic() - started, 2)
        print(json.dumps(d, indent=2), flush=True)
        wait_for_stop_signal()
