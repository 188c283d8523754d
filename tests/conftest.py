"""Shared fixtures: paths to the seed and gold data, and a runner for the real ``newstrace`` command."""

from __future__ import annotations

import os
import subprocess
import sys
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


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A real PostgreSQL server on a free loopback port, initdb'd into a temp dir for this test session.

    The recipe is ``bench/pgserver.py``'s (one copy for tests and benchmarks); as root (CI) the server runs as the
    ``postgres`` system user, since PostgreSQL refuses to run as root.
    """
    sys.path.insert(0, str(ROOT / "bench"))
    from pgserver import pg_bindir, postgres_server

    if pg_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing: .ci/apt-packages.txt must install postgresql")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    with postgres_server() as url:
        yield url


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
