"""A throwaway PostgreSQL server on 127.0.0.1 for the ledger tests.

It uses the server binaries of the machine's PostgreSQL install (Debian's ``postgresql``
package; ``.ci/install-postgres`` installs it). As root the server runs as the ``postgres``
user, which it insists on. A watchdog process stops the server when the test run ends,
however it ends.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

INSTALL_HINT = "install PostgreSQL's server (`bash .ci/install-postgres`, which .ci/run calls)"

# Durability is not under test: skip fsyncs so the concurrency tests measure locking, not disks.
_SETTINGS = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=200"]


def server_bindir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``: on PATH, else Debian's versioned folders."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    """``start()`` runs initdb and the server; ``dsn`` connects to it; ``stop()`` ends it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="lattice-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.dsn = f"host=127.0.0.1 port={self.port} user=lattice dbname=postgres"
        self._watchdog: subprocess.Popen[bytes] | None = None

    def _as_server_user(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def _run(self, argv: list[str]) -> None:
        done = subprocess.run(
            self._as_server_user(argv), capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({done.returncode}): {done.stdout}{done.stderr}")

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        pg_ctl = str(self.bindir / "pg_ctl")
        self._run(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "lattice", "--no-sync"]
        )
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} " + " ".join(f"-c {s}" for s in _SETTINGS)
        self._run([pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start"])
        # Stops the server when our end of its stdin closes: at stop(), or when this process dies.
        watchdog = f"import subprocess, sys; sys.stdin.read(); subprocess.run({self._stop_argv()!r}, capture_output=True)"
        self._watchdog = subprocess.Popen([sys.executable, "-c", watchdog], stdin=subprocess.PIPE)
        return self

    def _stop_argv(self) -> list[str]:
        return self._as_server_user(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
        )

    def stop(self) -> None:
        if self._watchdog is not None and self._watchdog.stdin is not None:
            self._watchdog.stdin.close()
            self._watchdog.wait(timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)
