"""Shared fixtures: paths to the seed and gold data, and a runner for the real ``newstrace`` command."""

from __future__ import annotations

import os
import subprocess
import sys
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
