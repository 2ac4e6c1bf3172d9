"""A throwaway PostgreSQL cluster that a test may stop and start at will.

The shared test server must stay up for the other tests, so the outage test runs its own cluster
(``initdb`` takes about a second). PostgreSQL refuses to run as root: as root, every command runs
as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """initdb + pg_ctl in a temporary folder, on a free local port."""

    def __init__(self, bin_dir: str) -> None:
        self.bin = Path(bin_dir)
        self.dir = Path(tempfile.mkdtemp(prefix="crossroads-pgfault-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self._run(f"{self.bin / 'initdb'} -D {self.data} -A trust -U postgres -E UTF8")
        # the options are given again on every start, so a restart is the same server
        self.options = (f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off")

    @property
    def url(self) -> str:
        """The URL of the cluster's ``postgres`` database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, command: str) -> None:
        argv = (["su", "postgres", "-s", "/bin/sh", "-c", command] if self.as_postgres
                else shlex.split(command))
        subprocess.run(argv, check=True, capture_output=True, timeout=60, cwd=self.dir)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run(f"{self.bin / 'pg_ctl'} -D {self.data} -l {self.dir / 'log'} -w "
                  f"-o {shlex.quote(self.options)} start")

    def stop(self) -> None:
        """Stop the server now (fast shutdown: connections are cut)."""
        self._run(f"{self.bin / 'pg_ctl'} -D {self.data} -w -m fast stop")

    def destroy(self) -> None:
        """Stop the server if it runs and delete the cluster."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
