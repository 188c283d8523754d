"""The command as users run it: output contract, exit codes, one-line errors, idempotent ingest."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from conftest import ROOT, SEED, run_cli

CONTRACT = {
    "document": {"id", "url", "title", "published", "published_from", "language", "text", "removed"},
    "actors": None,
    "events": None,
    "quotes": None,
    "times": None,
    "places": None,
    "framing": None,
    "warnings": None,
}


def test_analyze_seed_prints_the_contract(seed_text: str) -> None:
    result = run_cli("analyze", str(SEED), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(CONTRACT) <= set(data)
    assert CONTRACT["document"] <= set(data["document"])
    doc = data["document"]
    aggregator = seed_text.splitlines()[0]
    assert doc["removed"] == [aggregator]
    assert aggregator not in doc["text"] and doc["text"] == seed_text.replace(aggregator + "\n", "", 1)
    assert doc["published"] is None and doc["published_from"] is None
    assert {"code": "no-publication-date"}.items() <= data["warnings"][0].items()


def test_analyze_jsonl_keeps_order_and_ids(tmp_path: Path) -> None:
    lines = [
        {"id": "z-last", "text": "Russia launched drones at Kyiv on Saturday.", "published": "2024-11-17"},
        {
            "id": "a-first",
            "html": "<html><body><article><p>Talks in Moscow ended.</p></article></body></html>",
        },
        {"id": "m-mid", "text": "Zelensky met Scholz.", "date": "2024-11-18"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = run_cli("analyze", str(path), "--input-format", "jsonl")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["document"]["id"] for o in out] == ["z-last", "a-first", "m-mid"]
    assert [o["document"]["published"] for o in out] == ["2024-11-17", None, "2024-11-18"]


def test_analyze_stdin_with_published() -> None:
    result = run_cli("analyze", "-", "--published", "2024-11-17", stdin=b"Kyiv said Russia attacked on Saturday.")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)["document"]
    assert doc["published"] == "2024-11-17" and doc["published_from"] == "input"


def test_ingest_bad_folder_reports_each_input_and_is_idempotent(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, place in enumerate(["Kyiv", "Gaza", "Khartoum"]):
        (folder / f"good{i}.txt").write_text(
            f"Officials in {place} said talks would resume next week.", encoding="utf-8"
        )
    (folder / "noise.bin").write_bytes(os.urandom(3000))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "j1", "text": "NATO ministers met in Brussels."}) + "\n{broken\n", encoding="utf-8"
    )
    db = tmp_path / "t.db"
    first = run_cli("ingest", str(folder), db=db)
    assert first.returncode == 1
    assert "Traceback" not in first.stderr
    errors = [line for line in first.stderr.splitlines() if re.match(r"^/.+: ", line)]
    assert {line.split(": ", 1)[0] for line in errors} == {
        str(folder / "noise.bin"),
        str(folder / "empty.txt"),
        f"{folder / 'feed.jsonl'}:2",
    }
    stats = json.loads(run_cli("stats", "--format", "json", db=db).stdout)
    assert stats["documents"] == 4 and {"events", "quotes"} <= set(stats)
    again = run_cli("ingest", str(folder), "--format", "json", db=db)
    assert again.returncode == 1 and json.loads(again.stdout)["stored"] == 0
    assert json.loads(run_cli("stats", "--format", "json", db=db).stdout)["documents"] == 4


def test_usage_errors_exit_2_and_failures_are_one_line(tmp_path: Path) -> None:
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("events", "--limit", "0").returncode == 2
    bad_db = run_cli("stats", "--db", "sqlite:////nonexistent/dir/x.db")
    assert bad_db.returncode == 1
    assert len(bad_db.stderr.strip().splitlines()) == 1 and "Traceback" not in bad_db.stderr


def test_query_commands_after_ingest(tmp_path: Path, seed_text: str) -> None:
    db = tmp_path / "q.db"
    src = tmp_path / "seed.txt"
    src.write_text(seed_text, encoding="utf-8")
    assert run_cli("ingest", str(src), "--published", "2024-11-17", "-q", db=db).returncode == 0
    hits = json.loads(run_cli("search", "ATACMS Kursk", "--format", "json", db=db).stdout)["results"]
    assert len(hits) == 1 and "[" in hits[0]["snippet"]
    hostile = run_cli("search", 'NEAR("x" OR', "--format", "json", db=db)
    assert hostile.returncode == 0 and json.loads(hostile.stdout)["results"] == []
    events = run_cli("events", "--format", "json", db=db)
    assert events.returncode == 0 and "events" in json.loads(events.stdout)
    assert run_cli("events", "--format", "csv", db=db).stdout.startswith("doc_id,id,date")
    out = tmp_path / "export"
    assert run_cli("export", "--format", "parquet", str(out), db=db).returncode == 0
    assert (out / "documents.parquet").exists() and (out / "events.parquet").exists()


def test_cli_reference_is_current() -> None:
    """Like sqlite-utils' test_docs: docs/cli.md is regenerated from --help, so a change must update it."""
    sys.path.insert(0, str(ROOT / "tools"))
    import cli_docs

    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_docs.render(), (
        "docs/cli.md is stale: run .venv/bin/python tools/cli_docs.py"
    )


def test_readme_tours_every_subcommand() -> None:
    from newstrace.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/cli.md" in readme
    assert [n for n in names if f"newstrace {n}" not in readme] == []


def test_ingest_and_stats_on_postgresql(store_url: str, tmp_path: Path) -> None:
    """The same commands against a real PostgreSQL server (started by the pg_url fixture) as against SQLite."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i, place in enumerate(["Kyiv", "Gaza"]):
        (folder / f"a{i}.txt").write_text(f"Officials in {place} said talks resumed on Monday.", encoding="utf-8")
    assert run_cli("ingest", str(folder), "-q", "--db", store_url).returncode == 0
    assert run_cli("ingest", str(folder), "-q", "--db", store_url).returncode == 0
    stats = json.loads(run_cli("stats", "--format", "json", "--db", store_url).stdout)
    assert stats["documents"] == 2
    hits = json.loads(run_cli("search", "Gaza talks", "--format", "json", "--db", store_url).stdout)["results"]
    assert len(hits) == 1
