#!/usr/bin/env python3
"""Launcher for a throwaway PostgreSQL 15 server (Debian's, preinstalled) on 127.0.0.1.

    with postgres_server() as pg:
        pg.url   # postgresql://latchkey:PASSWORD@127.0.0.1:PORT/latchkey

Everything lives in a temporary directory owned by the ``postgres`` user (initdb refuses to
run as root, so when we are root every server command runs through ``runuser -u postgres``):
the cluster is made with scram-sha-256 authentication and a random password for the bootstrap
superuser ``latchkey``, listens on 127.0.0.1 only (its Unix socket also sits in the temporary
directory), and a database ``latchkey`` is created. Durability is switched off (fsync,
synchronous_commit): the data is thrown away anyway and tests run faster.

Stop: ``pg_ctl stop -m fast``, then SIGKILL to the postmaster's own PID (read from
postmaster.pid at start) if it is still there; the directory is removed.

Run standalone (prints a JSON description with the URL, stops on Ctrl-C or SIGTERM):

    python3 tests/peers/postgres.py
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_util import clean_env, free_port, serve_peer  # noqa: E402

PG_BIN = os.environ.get("LATCHKEY_TEST_PG_BIN", "/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"


def _as_server_user(argv: list[str]) -> list[str]:
    """Root may not run the server: drop to the postgres user. Anyone else runs it as himself."""
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--"] + argv
    return argv


class PostgresServer:
    """A running PostgreSQL on 127.0.0.1.

    Attributes: ``url``, ``port``, ``user``, ``password``, ``database``, ``workdir``, ``pid``
    (the postmaster's).
    """

    def __init__(self, user: str = "latchkey", database: str = "latchkey"):
        self.user = user
        self.database = database
        self.password = secrets.token_urlsafe(18)
        self.workdir: str | None = None
        self.port: int | None = None
        self.pid: int | None = None

    @property
    def datadir(self) -> str:
        return os.path.join(self.workdir, "data")

    @property
    def url(self) -> str:
        return (f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}")

    def describe(self) -> dict:
        return {"url": self.url, "port": self.port, "pid": self.pid, "workdir": self.workdir}

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> "PostgresServer":
        try:
            self.workdir = tempfile.mkdtemp(prefix="lk-postgres-")
            if os.geteuid() == 0:
                pw = pwd.getpwnam(SERVER_USER)
                os.chown(self.workdir, pw.pw_uid, pw.pw_gid)
            pwfile = os.path.join(self.workdir, "pwfile")
            with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write(self.password + "\n")
            if os.geteuid() == 0:
                os.chown(pwfile, pw.pw_uid, pw.pw_gid)
            self._run([os.path.join(PG_BIN, "initdb"), "-D", self.datadir, "-U", self.user,
                       "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--no-locale",
                       "--no-sync"])
            os.unlink(pwfile)
            last_err = ""
            for _attempt in range(5):
                self.port = free_port()
                r = self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.datadir, "-w", "-t", "30",
                               "-l", os.path.join(self.workdir, "server.log"), "-o",
                               f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.workdir} "
                               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                               "-c max_connections=60", "start"], check=False)
                if r.returncode == 0:
                    self.pid = self._postmaster_pid()
                    self._create_database()
                    return self
                last_err = r.stdout + self.server_log()  # the port raced away, most likely
            raise RuntimeError(f"PostgreSQL did not start: {last_err}")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.workdir is None:
            return
        if self.pid is not None:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.datadir, "-m", "fast",
                           "-w", "-t", "20", "stop"], check=False, timeout=30)
            self._kill_postmaster()
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir = None

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- helpers --------------------------------------------------------------
    def server_log(self) -> str:
        try:
            with open(os.path.join(self.workdir, "server.log"), "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except (OSError, TypeError):
            return ""

    def _run(self, argv: list[str], check: bool = True, timeout: float = 60):
        r = subprocess.run(_as_server_user(argv), stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, env=clean_env(drop_prefixes=("PG",)), cwd=self.workdir,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"{os.path.basename(argv[0])} failed ({r.returncode}): "
                               f"{r.stdout}{r.stderr}")
        r.stdout = (r.stdout or "") + (r.stderr or "")
        return r

    def _postmaster_pid(self) -> int:
        with open(os.path.join(self.datadir, "postmaster.pid")) as f:
            return int(f.readline().strip())

    def _kill_postmaster(self) -> None:
        """The postmaster outlived pg_ctl stop: kill it by its own PID, then wait for it to go."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            if not os.path.exists(os.path.join(self.datadir, "postmaster.pid")):
                return  # a PID that is no longer the postmaster's; never signal it
            os.kill(self.pid, signal.SIGKILL)
            time.sleep(0.05)

    def _create_database(self) -> None:
        # Over the Unix socket in the work directory, with the password: the same scram check
        # clients go through.
        env = clean_env(drop_prefixes=("PG",), extra={"PGPASSWORD": self.password})
        r = subprocess.run([os.path.join(PG_BIN, "createdb"), "-h", self.workdir, "-p",
                            str(self.port), "-U", self.user, self.database],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                           timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"createdb failed ({r.returncode}): {r.stdout}{r.stderr}")


@contextlib.contextmanager
def postgres_server(**kwargs):
    """Yields the URL of a fresh server (see PostgresServer), stopped and removed afterwards."""
    with PostgresServer(**kwargs) as pg:
        yield pg.url


def main() -> None:
    serve_peer(PostgresServer())


if __name__ == "__main__":
    main()
