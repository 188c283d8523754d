"""Crash safety: ``kill -9`` a real ``newstrace ingest`` while it writes, run the same ingest again, and every
article is stored exactly once in a database that passes SQLite's integrity checks.

One chain of runs over one database: run 1 is killed at a random moment after its second commit, run 2 at a
random moment after its first, run 3 finishes. The kill moments are drawn from a seeded generator
(set NEWSTRACE_CRASH_SEED to explore others; ``make fuzz`` does) and printed, so a failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from fuzz.nasty import article

ARTICLES = 150
TIMEOUT = 240.0  # seconds for one run; a loaded CI machine is slow, a hung one must still fail


def count_documents(db: Path) -> int:
    """Documents committed so far, as a second process sees them (0 while the schema is being made)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # no documents table yet, or a writer holds an exclusive lock
        return 0


def start_ingest(folder: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newstrace", "ingest", str(folder), "--db", f"sqlite:///{db}", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(proc: subprocess.Popen[str], db: Path, at_least: int) -> int:
    """Poll until the database holds ``at_least`` documents (or the process has ended); returns the count."""
    deadline = time.monotonic() + TIMEOUT
    while (seen := count_documents(db)) < at_least and proc.poll() is None:
        assert time.monotonic() < deadline, f"ingest never stored {at_least} documents"
        time.sleep(0.01)
    return seen


def kill(proc: subprocess.Popen[str], db: Path) -> int:
    """SIGKILL ``proc`` now; returns the documents committed just before (it may have finished already)."""
    seen = count_documents(db)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return seen


def check_database(db: Path, folder: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "documents_fts" in tables:  # FTS5's own check: the index matches the documents it indexes
            conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        rows = conn.execute("SELECT id, origin, content_hash FROM documents").fetchall()
    assert len(rows) == ARTICLES
    assert len({r[0] for r in rows}) == ARTICLES and len({r[2] for r in rows}) == ARTICLES
    assert {Path(r[1]).name for r in rows} == {p.name for p in folder.iterdir()}


def test_sigkill_during_ingest_then_rerun_stores_every_article_once(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(ARTICLES):
        (folder / f"{i:03d}.txt").write_text(article(i), encoding="utf-8")
    db = tmp_path / "crash.db"
    seed = int(os.environ.get("NEWSTRACE_CRASH_SEED", "12"))
    rng = random.Random(seed)

    # Run 1: time one batch (first commit to second), then kill a random 0-1.5 batches later: mid-batch, on any
    # machine speed. Run 2: the same after its own first commit. A run that finishes first is allowed in run 2.
    kills: list[tuple[int, int | None]] = []
    proc = start_ingest(folder, db)
    first = wait_for(proc, db, 1)
    started = time.monotonic()
    wait_for(proc, db, first + 1)
    batch_seconds = time.monotonic() - started
    time.sleep(rng.uniform(0.0, 1.5) * batch_seconds)
    kills.append((kill(proc, db), proc.returncode))
    proc = start_ingest(folder, db)
    wait_for(proc, db, kills[0][0] + 1)
    time.sleep(rng.uniform(0.0, 1.5) * batch_seconds)
    kills.append((kill(proc, db), proc.returncode))
    print(f"crash seed {seed}: batch {batch_seconds:.2f} s; (documents at kill, exit code) = {kills}")
    assert all(code in (-signal.SIGKILL, 0) for _, code in kills), kills
    assert kills[0][1] == -signal.SIGKILL and kills[0][0] < ARTICLES, "the first run finished before the kill"

    final = start_ingest(folder, db)
    out, err = final.communicate(timeout=TIMEOUT)
    assert final.returncode == 0, err
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["rejected"] == []
    assert report["stored"] + report["skipped"] == ARTICLES
    check_database(db, folder)
