"""Both stores (SQLite, a real PostgreSQL server): migrations, atomic batches, idempotence, filters, search."""

from __future__ import annotations

import importlib.util
import json
import random
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pyarrow.parquet as pq
import pytest

from newstrace.corpus.export import export
from newstrace.records import (
    ActorMention,
    Analysis,
    Attribution,
    CodedSpan,
    Document,
    Event,
    Span,
    TimeExpr,
)
from newstrace.store import EventFilter, UnsupportedDatabase, open_store
from newstrace.store import sqlite as sqlite_store
from newstrace.store.base import TABLES, analysis_rows


def make_analysis(doc_id: str, published: str = "2024-11-17", outlet: str = "wire.example") -> Analysis:
    text = "Russia attacked Ukraine on Saturday."
    doc = Document(id=doc_id, text=text, published=published, outlet=outlet, content_hash=doc_id * 4)
    src = CodedSpan("Russia", 0, 6, "RUS", "Russia")
    tgt = CodedSpan("Ukraine", 16, 23, "UKR", "Ukraine")
    time = TimeExpr("on Saturday", 24, 35, "DATE", "2024-11-16", "publication")
    event = Event(
        id="e1",
        sentence=0,
        trigger=Span("attacked", 7, 15),
        source=src,
        target=tgt,
        cameo="190",
        plover="ASSAULT",
        modality="asserted",
        evidence=Span(text, 0, len(text)),
        rule="test",
        attribution=Attribution(),
        time=time,
    )
    actor = ActorMention("Russia", 0, 6, "RUS", "RUS", None, "Russia", "gpe", "gazetteer")
    return Analysis(document=doc, actors=[actor], events=[event], times=[time])


def test_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(f"sqlite:///{path}")
    version = store.schema_version
    store.close()
    again = open_store(str(path))
    assert again.schema_version == version >= 2
    assert again.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_write_is_idempotent_and_queryable(store_url: str) -> None:
    store = open_store(store_url)
    assert store.write([make_analysis("d1"), make_analysis("d2", "2024-11-20", "other.example")]) == 2
    assert store.write([make_analysis("d1")]) == 0
    assert store.stats()["documents"] == 2 and store.stats()["events"] == 2
    [event] = store.events(EventFilter(outlet="other.example"))
    assert event["date"] == "2024-11-16" and event["source"]["code"] == "RUS"
    assert len(store.events(EventFilter(actor="RUS", cameo="19", plover="assault"))) == 2
    assert store.events(EventFilter(since="2024-11-17")) == []
    assert store.events(EventFilter(actor="%")) == store.events(EventFilter(actor="_")) == []  # no wildcards
    assert store.events(EventFilter(cameo="1_")) == []
    assert store.document("d1")["events"][0]["time"]["value"] == "2024-11-16"
    assert store.document("missing") is None
    store.close()


def test_failed_batch_leaves_nothing_behind(store_url: str) -> None:
    store = open_store(store_url)
    bad = make_analysis("d2")
    bad.events[0].id = None  # type: ignore[assignment]  # violates NOT NULL mid-batch
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.NotNullViolation)):
        store.write([make_analysis("d1"), bad])
    assert store.stats()["documents"] == 0
    store.close()


def test_search_quotes_user_input(store_url: str) -> None:
    store = open_store(store_url)
    store.write([make_analysis("d1")])
    assert [h["id"] for h in store.search("attacked ukraine")] == ["d1"]
    assert "[" in store.search("attacked")[0]["snippet"]
    assert store.search('"; DROP TABLE documents; --') == []
    assert store.search("ukraine nowhere") == []
    assert store.search("   ") == []
    store.close()


def test_concurrent_writers_store_each_document_once(store_url: str) -> None:
    """Two writers racing over overlapping batches (as two ingest processes would) store every document once."""
    batches = [[make_analysis(f"d{i}") for i in range(start, start + 30)] for start in (0, 15)]

    def write(batch: list[Analysis]) -> int:
        store = open_store(store_url)
        try:
            return sum(store.write(batch[i : i + 5]) for i in range(0, len(batch), 5))
        finally:
            store.close()

    with ThreadPoolExecutor(2) as pool:
        stored = sum(pool.map(write, batches))
    store = open_store(store_url)
    assert stored == 45 and store.stats()["documents"] == 45 and store.stats()["events"] == 45
    store.close()


def test_stores_opened_together_on_a_new_sqlite_file(tmp_path: Path) -> None:
    """Was: "database is locked" from the WAL switch when a second process opened the file mid-migration."""
    for round_ in range(40):
        url = f"sqlite:///{tmp_path / f'new{round_}.db'}"
        start = threading.Barrier(4)
        with ThreadPoolExecutor(4) as pool:
            versions = list(pool.map(_open_and_close, [url] * 4, [start] * 4))
        assert len(set(versions)) == 1 and versions[0] >= 5


def _open_and_close(url: str, start: threading.Barrier) -> int:
    start.wait()
    store = open_store(url)
    try:
        return store.schema_version
    finally:
        store.close()


def test_exports_round_trip(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.write([make_analysis("d1")])
    files = export(store, "parquet", tmp_path / "pq")
    assert pq.read_table(tmp_path / "pq" / "events.parquet").to_pylist()[0]["cameo"] == "190"
    assert len(files) >= 8
    export(store, "jsonl", tmp_path / "a.jsonl")
    [line] = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["document"]["id"] == "d1"
    export(store, "csv", tmp_path / "csv")
    assert (tmp_path / "csv" / "events.csv").read_text(encoding="utf-8").startswith("doc_id,event_id")


def test_both_schemas_have_the_same_tables_and_columns(tmp_path: Path, pg_url: str) -> None:
    """The PostgreSQL migrations are a translation of the SQLite ones; drift between them is a bug."""
    lite, pg = open_store(f"sqlite:///{tmp_path / 's.db'}"), open_store(pg_url)
    for table in TABLES:
        lite_cols = [r[1] for r in lite.conn.execute(f"PRAGMA table_info({table})")]
        pg_cols = [
            r[0]
            for r in pg.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                (table,),
            )
        ]
        assert [c for c in pg_cols if c != "fts"] == lite_cols, table
    lite.close()
    pg.close()


def test_unknown_database_url() -> None:
    with pytest.raises(UnsupportedDatabase):
        open_store("mysql://localhost/db")


def _bench_corpus() -> ModuleType:
    """bench/store.py, for its synthetic analyses (many actors, codes, outlets and dates; deterministic)."""
    path = Path(__file__).resolve().parents[1] / "bench" / "store.py"
    spec = importlib.util.spec_from_file_location("bench_store", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _expected(docs: list[dict[str, Any]], flt: EventFilter) -> list[tuple[str, str]]:
    """The events filter's documented meaning, in plain Python: what every query plan must return."""

    def actor_matches(span: dict[str, Any] | None, value: str) -> bool:
        if not span:
            return False
        return (span["code"] or "").startswith(value.upper()) or value.lower() in (span["name"] or "").lower()

    found = []
    for doc in docs:
        for row in analysis_rows(doc)["events"]:
            event = next(e for e in doc["events"] if e["id"] == row["event_id"])
            if flt.actor and not (
                actor_matches(event["source"], flt.actor) or actor_matches(event["target"], flt.actor)
            ):
                continue
            if (
                (flt.cameo and not (row["cameo"] or "").startswith(flt.cameo))
                or (flt.plover and row["plover"] != flt.plover.upper())
                or (flt.modality and row["modality"] != flt.modality)
                or (flt.outlet and doc["document"]["outlet"] != flt.outlet)
                or (flt.document and row["doc_id"] != flt.document)
                or (flt.since and row["event_date"] < flt.since)
                or (flt.until and row["event_date"] > flt.until)
            ):
                continue
            found.append((row["event_date"], row["doc_id"], row["sentence"], row["event_id"]))
    return [(doc_id, event_id) for _, doc_id, _, event_id in sorted(found)][flt.offset : flt.offset + flt.limit]


def test_event_filters_return_exactly_the_documented_matches(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query plan (one ordered walk, a union of per-code and per-name walks, the broad-actor fallback)
    returns the same page as the filter's plain meaning, over a corpus where most filters match many events."""
    bench = _bench_corpus()
    docs = list(bench.corpus(seed=3, n_docs=120, n_events=840))
    store = open_store(store_url)
    store.write(docs)
    rng = random.Random(5)
    filters = [
        EventFilter(actor="rus"),  # code prefix (RUS, RUSGOV, RUSMIL, RUSCOP) and names ("Russian government")
        EventFilter(actor="Ukrainian"),  # names only, capitalised as written
        EventFilter(actor="IGONAT", cameo="19", limit=5),
        EventFilter(actor="U", offset=20, limit=30),  # matches source and target of many events: each listed once
        EventFilter(actor="nobody at all"),
        EventFilter(actor="%"),
        EventFilter(outlet=bench.OUTLETS[2], limit=1000),
        EventFilter(outlet=bench.OUTLETS[3], cameo="1", plover="fight", offset=2, limit=4),
        EventFilter(actor="isr", outlet=bench.OUTLETS[0], since="2023-06-01", until="2024-06-30"),
        EventFilter(modality="reported", since="2024-01-01", limit=1000),
        EventFilter(document=docs[7]["document"]["id"]),
    ]
    for _ in range(20):
        filters.append(
            EventFilter(
                actor=rng.choice([None, rng.choice(list(bench.ACTORS))[: rng.choice((2, 3, 6))]]),
                cameo=rng.choice([None, "0", "19", "112"]),
                outlet=rng.choice([None, *bench.OUTLETS[:4]]),
                modality=rng.choice([None, "asserted"]),
                limit=rng.choice((3, 50)),
                offset=rng.choice((0, 7)),
            )
        )
    for flt in filters:
        expected = _expected(docs, flt)
        got = [(e["doc_id"], e["id"]) for e in store.events(flt)]
        assert got == expected, flt
        with monkeypatch.context() as patch:
            patch.setattr(sqlite_store, "MAX_ACTOR_BRANCHES", 0)
            assert [(e["doc_id"], e["id"]) for e in store.events(flt)] == expected, flt
    assert len(_expected(docs, filters[0])) > 50 and len(_expected(docs, filters[3])) == 30  # not trivially empty
    [event, *_] = store.events(EventFilter(outlet=bench.OUTLETS[2]))
    assert event["outlet"] == bench.OUTLETS[2] and event["url"].startswith("https://")
    store.close()


def _database_at_0004(url: str, analyses: list[Analysis]) -> None:
    """A database as migrations 0001–0004 left it, with rows as the code of that time wrote them (no outlet on
    events, no actor lookup tables)."""
    if url.startswith("sqlite:///"):
        conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
        mark = "?"
        scripts = [(v, sqlite_store._split_sql(script)) for v, script in sqlite_store.migrations()]
    else:
        conn = psycopg.connect(url, autocommit=True)
        mark = "%s"
        folder = resources.files("newstrace.store").joinpath("migrations", "postgres")
        files = sorted(e.name for e in folder.iterdir() if e.name.endswith(".sql"))
        scripts = [(int(name[:4]), [folder.joinpath(name).read_text("utf-8")]) for name in files]
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY)")
    for version, statements in scripts:
        if version <= 4:
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"INSERT INTO schema_version VALUES ({mark})", (version,))
    for analysis in analyses:
        for table, rows in analysis_rows(analysis).items():
            for row in rows:
                names, marks = ",".join(f'"{c}"' for c in row), ",".join([mark] * len(row))
                conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))
    conn.commit()
    conn.close()


def test_migration_0005_upgrades_a_0004_database(store_url: str) -> None:
    """Opening a database of the previous schema keeps every row and backfills events.outlet and the actor lookup."""
    old = [make_analysis("d1"), make_analysis("d2", "2024-11-20", "other.example")]
    _database_at_0004(store_url, old)
    store = open_store(store_url)
    assert store.schema_version == 5
    assert {k: store.stats()[k] for k in ("documents", "events", "actors", "times")} == {
        "documents": 2,
        "events": 2,
        "actors": 2,
        "times": 2,
    }
    assert store.document("d2") == json.loads(analysis_rows(old[1])["documents"][0]["analysis"])
    outlets = dict(store.conn.execute("SELECT doc_id, outlet FROM events").fetchall())
    assert outlets == {"d1": "wire.example", "d2": "other.example"}
    assert sorted(r[0] for r in store.conn.execute("SELECT code FROM actor_codes")) == ["RUS", "UKR"]
    assert [e["doc_id"] for e in store.events(EventFilter(outlet="other.example"))] == ["d2"]
    assert [e["outlet"] for e in store.events(EventFilter(actor="ukraine"))] == ["wire.example", "other.example"]
    assert store.write([make_analysis("d3", outlet="third.example")]) == 1  # and the new write path works on it
    assert [e["doc_id"] for e in store.events(EventFilter(outlet="third.example", actor="RU"))] == ["d3"]
    assert "outlet" not in next(store.rows("events"))  # the export schema is unchanged
    store.close()
