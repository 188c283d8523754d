"""Shared fixtures: paths to the seed and gold data, and a runner for the real ``newstrace`` command."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_6af43aeff367a08c.txt"
GOLD = SHARED / "research" / "data"
DEMO = ROOT / "examples" / "demo"


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("../shared/seed is not present")
    return SEED.read_text(encoding="utf-8")


def run_cli(*args: str, stdin: bytes | None = None, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would (real exit code, stdout and stderr)."""
    env = dict(os.environ)
    if db is not None:
        env["NEWSTRACE_DB"] = f"sqlite:///{db}"
    return subprocess.run(
        [sys.executable, "-m", "newstrace", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A real PostgreSQL server on a free loopback port, initdb'd into a temp dir for this test session.

    As root (CI), the server runs as the ``postgres`` system user, since PostgreSQL refuses to run as root.
    """
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing: .ci/apt-packages.txt must install postgresql")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    # Not pytest's tmp_path: its parents are private to root, and the server may run as another user.
    base = Path(tempfile.mkdtemp(prefix="newstrace-pg-"))
    data = base / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
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
    log = base / "server.log"
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off",
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


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each backend, so store tests run against both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    import psycopg

    base: str = request.getfixturevalue("pg_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def gold_file(name: str) -> Path:
    """A gold set of ``../shared/research/data`` (evaluation only), or skip where this checkout has none."""
    path = GOLD / name
    if not path.exists():
        pytest.skip(f"../shared/research/data/{name} is not present")
    return path
