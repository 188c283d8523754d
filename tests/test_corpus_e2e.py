"""Issue 9's done-means through the real pipeline: copies group, and a story counts independent sources.

Five JSONL articles published 2024-11-17: the seed (minus its aggregator line) from outlet A, two syndicated
copies of it from B and C (extra header and footer lines, one word changed), and two independently written short
reports of Russia's Saturday missile-and-drone attack on Ukraine from D and E.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from newstrace.corpus import Corpus
from newstrace.corpus.gdelt import GDELT_COLUMNS

REPORT_D = (
    "Russia attacked Ukraine's energy system with missiles and drones on Saturday in one of the largest strikes of "
    "the war. Explosions shook Kyiv before dawn as air defences engaged incoming targets.\n"
    "Power cuts followed in several regions, and repair crews worked through the day to restore electricity to "
    "homes and hospitals."
)
REPORT_E = (
    "Russia launched a massive missile and drone attack on Ukraine on Saturday, hitting power plants and "
    "substations across the country. Residents of Odesa and Lviv sheltered in metro stations while the strikes "
    "continued.\nEngineers expect repairs to the damaged equipment to take weeks."
)


def one_word_changed(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.fixture(scope="module")
def corpus_db(seed_text: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    body = seed_text.split("\n", 1)[1]  # minus the aggregator line
    copy_b = (
        "Syndicated from Outlet A under a content-sharing agreement.\n"
        + one_word_changed(body, "large-scale attack", "large-scale assault")
        + "\nCopyright 2024 Outlet B. All rights reserved.\n"
    )
    copy_c = (
        "Latest world news from Outlet C\n"
        + one_word_changed(body, "hesitant", "reluctant")
        + "\nFollow Outlet C for more updates.\n"
    )
    articles = [
        ("A", body, "https://outlet-a.example/biden-atacms"),
        ("B", copy_b, "https://outlet-b.example/world/atacms"),
        ("C", copy_c, "https://outlet-c.example/atacms-decision"),
        ("D", REPORT_D, "https://outlet-d.example/strikes"),
        ("E", REPORT_E, "https://outlet-e.example/attack"),
    ]
    folder = tmp_path_factory.mktemp("e2e")
    path = folder / "articles.jsonl"
    lines = [
        {"id": i, "text": text, "url": url, "outlet": f"outlet-{i.lower()}.example", "published": "2024-11-17"}
        for i, text, url in articles
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    db = folder / "news.db"
    with Corpus(f"sqlite:///{db}") as corpus:
        report = corpus.ingest([str(path)], workers=2)
    assert report.stored == 5 and not report.rejected
    return db


def _snapshot(db: Path) -> dict[str, object]:
    """What a reader sees: every event's coding and provenance, the duplicate groups and the stories."""
    with Corpus(f"sqlite:///{db}") as corpus:
        events = corpus.store.conn.execute(
            "SELECT doc_id, event_id, trigger_start, trigger_end, cameo, plover, modality, source_code, target_code, "
            "time_value, place_name, rule, attribution FROM events ORDER BY doc_id, event_id"
        ).fetchall()
        return {
            "events": events,
            "duplicates": corpus.duplicates(),
            "stories": [(s["cameo"], s["articles"], s["independent_sources"]) for s in corpus.stories()],
        }


def test_parallel_ingest_stores_what_one_process_stores(corpus_db: Path, tmp_path: Path) -> None:
    """The workers=2 fixture database equals a one-process ingest of the same file, row for row."""
    one = tmp_path / "one.db"
    with Corpus(f"sqlite:///{one}") as corpus:
        assert corpus.ingest([str(corpus_db.parent / "articles.jsonl")], workers=1).stored == 5
    parallel, serial = _snapshot(corpus_db), _snapshot(one)
    assert parallel["events"], "no events coded"
    assert parallel == serial


def test_syndicated_copies_group_together(corpus_db: Path) -> None:
    with Corpus(f"sqlite:///{corpus_db}") as corpus:
        groups = corpus.duplicates()
    assert [[m["id"] for m in g["members"]] for g in groups] == [["A", "B", "C"]]


def test_russian_attack_story_has_three_independent_sources(corpus_db: Path) -> None:
    with Corpus(f"sqlite:///{corpus_db}") as corpus:
        stories = corpus.stories(actor="RUS", plover="ASSAULT")
    attack = [
        s
        for s in stories
        if (s["source"]["code"] or "").startswith("RUS") and ((s["target"] or {}).get("code") or "").startswith("UKR")
    ]
    assert attack, stories
    story = max(attack, key=lambda s: len(s["articles"]))
    assert {"A", "D", "E"} <= set(story["articles"])
    assert story["independent_sources"] == 3, story["origins"]
    assert story["plover"] == "ASSAULT" and story["cameo"].startswith("19")


def test_gdelt_export_from_the_command(corpus_db: Path, tmp_path: Path) -> None:
    result = run_cli("export", "--format", "gdelt", str(tmp_path / "events.tsv"), db=corpus_db)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "events.tsv").read_text(encoding="utf-8").splitlines()
    rows = [dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True)) for line in lines]
    assert any(
        r["Actor1CountryCode"] == "RUS"
        and r["Actor2CountryCode"] == "UKR"
        and r["EventRootCode"] == "19"
        and r["NumSources"] == "3"
        for r in rows
    )
