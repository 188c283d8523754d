"""A throwaway PostgreSQL server for benchmarks: initdb into a temp dir, pg_ctl on a free loopback port.

Same recipe as the ``pg_url`` test fixture (kept separate so bench scripts never import from tests). As root the
server runs as the ``postgres`` system user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@contextmanager
def postgres_server(settings: dict[str, str] | None = None) -> Iterator[str]:
    """Yield the URL of a fresh database on a new server; stop the server and delete its files afterwards.

    ``settings`` are passed as ``-c name=value``; fsync is off because the data is disposable.
    """
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not installed (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="newstrace-bench-pg-"))
    data = base / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server_opts = f"-h 127.0.0.1 -p {port} -k {base} " + " ".join(
        f"-c {k}={v}" for k, v in {"fsync": "off", **(settings or {})}.items()
    )
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "newstrace",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "server.log"),
                "-w",
                "-o",
                server_opts,
                "start",
            ],
            check=True,
            capture_output=True,
        )
        try:
            subprocess.run(
                [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "newstrace", "newstrace"],
                check=True,
                capture_output=True,
            )
            yield f"postgresql://newstrace@127.0.0.1:{port}/newstrace"
        finally:
            subprocess.run(
                [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                check=False,
                capture_output=True,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)
