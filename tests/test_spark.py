"""The Spark runner and ``load``: a cluster run stores the same documents, events, near-duplicate groups and
stories as a direct ``ingest``.

The end-to-end test runs the real ``newstrace spark`` in ``local[2]`` (a JVM, Python workers, Parquet output) and
is skipped where pyspark or Java is missing, unless NEWSTRACE_REQUIRE_SPARK=1 says this machine must have them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import DEMO, run_cli
from newstrace import Corpus, analyze, spark
from newstrace.corpus.dedupe import THRESHOLD, similarity
from newstrace.spark import corpus as spark_corpus
from newstrace.spark.corpus import replay_group
from newstrace.store.base import TABLES, analysis_rows

INPUTS = [str(DEMO / "warc" / "demo.warc.gz"), str(DEMO / "jsonl" / "articles.jsonl")]
TEXT = (
    "Russian forces struck Kyiv on Monday, Ukrainian officials said. "
    "The Kremlin denied the report, a spokesman told reporters in Moscow."
)


def _need_spark() -> None:
    missing = [
        what
        for what, present in (("pyspark", importlib.util.find_spec("pyspark")), ("java", shutil.which("java")))
        if not present
    ]
    if missing and os.environ.get("NEWSTRACE_REQUIRE_SPARK") == "1":
        pytest.fail(f"NEWSTRACE_REQUIRE_SPARK=1 but {', '.join(missing)} is missing")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (pip install 'newstrace[spark]', a Java 17 runtime)")


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT id FROM documents")}


_STORY = "match_key, cameo, plover, source_code, source_name, source_key, target_code, target_name, target_key, date, "
_STORY += "place_name, place_country, lat, lon"


def _corpus_state(db: Path) -> dict[str, list[object]]:
    """Near-duplicate groups and stories as comparable values (ids and creation times differ between databases)."""
    with sqlite3.connect(db) as conn:

        def rows(sql: str) -> list[object]:
            return [tuple(r) for r in conn.execute(sql)]

        return {
            "arrival": rows("SELECT doc_id FROM doc_signatures ORDER BY seq"),
            "groups": sorted(
                sorted(r[0].split(","))
                for r in conn.execute("SELECT group_concat(doc_id) FROM dup_members GROUP BY group_id")
            ),
            "members": sorted(rows("SELECT doc_id, matched, similarity FROM dup_members"), key=repr),
            "stories": rows(f"SELECT {_STORY} FROM stories ORDER BY id"),
            "mentions": sorted(
                sorted(r[0].split(","))
                for r in conn.execute(
                    "SELECT group_concat(doc_id || '/' || event_id) FROM story_events GROUP BY story_id"
                )
            ),
        }


def _plant_copies(path: Path) -> None:
    """Near-duplicates of the demo's JSONL articles (a new header and footer, a word changed; an exact copy; a copy
    of a copy) and five texts where a late arrival bridges two groups of copies, ``Deduplicator``'s merge case:
    A ~ A2 and B ~ B2 are copies, A and B share too little to be copies, X is a copy of both."""
    articles = [json.loads(line) for line in (DEMO / "jsonl" / "articles.jsonl").read_text().splitlines()]
    rows = []
    for i, article in enumerate(articles[:3]):
        words = article["text"].split(" ")
        words[len(words) // 2] = "reportedly"
        text = "By a staff writer. " + " ".join(words) + "\nCopyright Harbor Herald. All rights reserved."
        rows.append({**article, "id": f"copy-{i}", "text": text})
    rows.append({**articles[0], "id": "exact-copy"})
    rows.append({**rows[0], "id": "copy-of-copy", "text": rows[0]["text"] + "."})
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((DEMO / "txt").glob("*.txt"))[:4]).split()
    p, q, r = words[:240], words[240:600], words[600:840]
    texts = {
        "A": p + q,
        "A2": ["Harbor", "Herald", "reports:", *p, *q],
        "B": q + r,
        "B2": [*q, *r, "Copyright", "Meridian", "Times."],
        "X": p[120:] + q + r[:120],
    }
    for name, text in texts.items():
        rows.append({"id": f"bridge-{name}", "text": " ".join(text)})
    # each copy from an outlet of its own: lines repeated within an outlet are boilerplate, which a Spark read
    # task learns only from its own files (docs/scaling.md), so shared outlets would change texts, not groups
    for n, row in enumerate(rows):
        row |= {"outlet": f"Planted {n}", "url": f"http://planted{n}.example/{row['id']}"}
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def test_replay_follows_deduplicator_order() -> None:
    """A document matching two earlier copies that are in no group yet: the best one opens the group unmatched,
    the rest join matched to the newcomer; a later bridge between groups keeps every earlier row as it was."""
    rows = replay_group(
        [
            (1, "a", 3, "c", 0.8),
            (2, "b", 3, "c", 0.9),
            (4, "d", 5, "e", 0.7),
            (3, "c", 6, "x", 0.6),
            (5, "e", 6, "x", 0.6),
        ]
    )
    assert {r["doc_id"]: (r["matched"], r["similarity"]) for r in rows} == {
        "b": (None, None),
        "c": ("b", 0.9),
        "a": ("c", 0.8),
        "d": (None, None),
        "e": ("d", 0.7),
        "x": ("c", 0.6),
    }
    assert {r["group"] for r in rows} == {1}


def test_input_index_finds_the_argument_a_file_came_from() -> None:
    inputs = ["/data/b.jsonl", "/data/crawl", "/data/more/*.warc.gz", "s3a://bucket/cc"]
    assert spark.input_index("file:/data/b.jsonl", inputs) == 0
    assert spark.input_index("file:/data/crawl/2024/x.warc.gz", inputs) == 1
    assert spark.input_index("file:/data/more/y.warc.gz", inputs) == 2
    assert spark.input_index("s3a://bucket/cc/z.warc.gz", inputs) == 3
    assert spark.input_index("file:/elsewhere.txt", inputs) == 4


def test_local_warc_files_are_streamed_by_the_read_stage(tmp_path: Path) -> None:
    """A local file reaches the executor as a path and is read as ``ingest`` reads it: a WARC larger than
    ``--max-bytes`` streams record by record; the same bytes handed over whole (a remote file) hit the limit."""
    from newstrace.extract import Extractor
    from newstrace.ingest import ReadOptions
    from newstrace.spark import _staged_rows

    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes((DEMO / "warc" / "demo.warc.gz").read_bytes())
    options = ReadOptions(max_bytes=6000)  # under the archive's 17 KB, over each record
    streamed = list(_staged_rows(f"file:{warc}", None, options, Extractor(), 0))
    assert len(streamed) > 3 and all("payload" in row for row in streamed), streamed
    assert [row["input_record"] for row in streamed] == list(range(len(streamed)))
    whole = list(_staged_rows(str(warc), warc.read_bytes(), options, Extractor(), 0))
    assert any("exceeds the limit" in row.get("reason", "") for row in whole)
    odd = tmp_path / "crawl #1?.warc.gz"  # "#" and "?" are part of a Hadoop path's name, not a fragment or query
    odd.write_bytes(warc.read_bytes())
    assert [r["id"] for r in _staged_rows(f"file:{odd}", None, options, Extractor(), 0)] == [r["id"] for r in streamed]


def test_events_schema_matches_the_export_schema() -> None:
    """The Spark events table has exactly the columns, in order, that the stores and exports use."""
    rows = analysis_rows(analyze(TEXT, published="2024-11-20"))["events"]
    assert rows, "the test text should code at least one event"
    assert [c.split()[0] for c in spark.EVENTS_SCHEMA.split(", ")] == list(rows[0])


def test_missing_local_inputs_are_rejected_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    found, missing = spark._check_inputs(
        [
            str(tmp_path / "a.txt"),
            str(tmp_path / "nope.txt"),
            str(tmp_path / "*.none"),
            "s3a://bucket/cc-news/*.warc.gz",
        ]
    )
    assert found == [str(tmp_path / "a.txt"), "s3a://bucket/cc-news/*.warc.gz"]
    assert [r.reason for r in missing] == ["no such file or directory", "no files match this pattern"]


def _stats_counts(url: str) -> dict[str, int]:
    with Corpus(url) as corpus:
        return {t: corpus.stats()[t] for t in TABLES}


def test_load_is_idempotent_and_matches_add(tmp_path: Path, store_url: str) -> None:
    """``load`` reads Spark's layout (analyses/part-*.parquet) with pyarrow alone and stores through store.write,
    into SQLite and a real PostgreSQL server alike."""
    analysis = analyze(TEXT, published="2024-11-20", id="doc-1")
    folder = tmp_path / "out" / "analyses"
    folder.mkdir(parents=True)
    data = analysis.to_dict()
    pq.write_table(
        pa.Table.from_pylist([{"id": "doc-1", "analysis_json": json.dumps(data)}]), folder / "part-0.parquet"
    )
    (folder / "_SUCCESS").write_text("")
    with Corpus(store_url) as corpus:
        assert corpus.load(tmp_path / "out").as_dict() == {"read": 1, "stored": 1, "skipped": 0, "corpus": "load"}
        assert corpus.load(tmp_path / "out").as_dict() == {"read": 1, "stored": 0, "skipped": 1, "corpus": "load"}
        assert corpus.document("doc-1")["events"] == data["events"]  # type: ignore[index]
    added = f"sqlite:///{tmp_path / 'added.db'}"
    with Corpus(added) as corpus:
        corpus.add([analysis])
    assert _stats_counts(store_url) == _stats_counts(added)


def _corpus_view(url: str) -> dict[str, object]:
    """Groups and stories as the API shows them, without the ids and creation times each database assigns."""
    with Corpus(url) as corpus:
        groups = [{k: v for k, v in g.items() if k != "id"} for g in corpus.duplicates()]
        stories = [{k: v for k, v in s.items() if k != "id"} for s in corpus.stories(limit=1000)]
    return {"groups": groups, "stories": stories}


def _write_table(folder: Path, rows: list[dict[str, Any]], schema: pa.Schema | None = None) -> None:
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / "part-00000.parquet")
    (folder / "_SUCCESS").write_text("")


def test_load_copies_precomputed_groups_and_stories(tmp_path: Path, store_url: str) -> None:
    """Corpus tables made by the executor functions (here without Spark: ``replay_group``, ``merge_stories``) are
    copied into an empty database, SQLite or PostgreSQL, and read back as ``ingest`` would have stored them."""
    first = analyze(TEXT, published="2024-11-20", id="doc-1")
    copy = analyze("BREAKING. " + TEXT + " More to follow.", published="2024-11-21", id="doc-2")
    analyses = [first.to_dict(), copy.to_dict()]
    out = tmp_path / "out"
    _write_table(out / "analyses", [{"id": a["document"]["id"], "analysis_json": json.dumps(a)} for a in analyses])
    signer = spark_corpus._signer()
    signatures = [
        {"doc_id": a["document"]["id"], "seq": seq, "signature": signer.signature(a["document"]["text"]).tobytes()}
        for seq, a in enumerate(analyses)
    ]
    score = similarity(*(np.frombuffer(s["signature"], dtype="<u4") for s in signatures))
    assert score >= THRESHOLD
    _write_table(out / "signatures", signatures)
    _write_table(
        out / "duplicates",
        replay_group([(0, "doc-1", 1, "doc-2", score)]),
        spark_corpus._DUPLICATES_ARROW,
    )
    events = [{**e, "seq": seq} for seq, a in enumerate(analyses) for e in analysis_rows(a)["events"]]
    mentions = spark_corpus.merge_stories(events)
    assert len(mentions) == len(events) > len({m["story_id"] for m in mentions})  # the copy's events merged
    stories = [
        {k: v for k, v in m.items() if k not in {"doc_id", "event_id", "first", "seq", "sentence"}}
        for m in mentions
        if m["first"]
    ]
    _write_table(out / "stories", stories)
    _write_table(out / "story_events", [{k: m[k] for k in ("story_id", "doc_id", "event_id")} for m in mentions])

    with Corpus(store_url) as corpus:
        assert corpus.load(out).as_dict()["corpus"] == "spark"
    added = f"sqlite:///{tmp_path / 'added.db'}"
    with Corpus(added) as corpus:
        corpus.add([first, copy])
    view = _corpus_view(store_url)
    assert view == _corpus_view(added)
    assert [[m["id"] for m in g["members"]] for g in view["groups"]] == [["doc-1", "doc-2"]]


def test_load_names_a_folder_without_analyses(tmp_path: Path) -> None:
    result = run_cli("load", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "no Parquet analyses" in result.stderr and "Traceback" not in result.stderr


def test_spark_without_the_extra_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A base install (no pyspark) gets the install hint and exit 2, and --help still works."""
    fake = tmp_path / "site" / "pyspark"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('pyspark hidden by the test')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    result = run_cli("spark", INPUTS[1], "--output", str(tmp_path / "out"))
    helped = run_cli("spark", "--help")
    assert result.returncode == 2
    assert result.stderr.strip() == "install the extra: pip install 'newstrace[spark]'"
    assert helped.returncode == 0 and "--output" in helped.stdout


def test_spark_without_java_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _need_spark()
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # the command runs as sys.executable, by absolute path
    result = run_cli("spark", INPUTS[1], "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip() == "Spark needs a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)"


@pytest.mark.slow
def test_spark_then_load_equals_direct_ingest(tmp_path: Path) -> None:
    """WARC + JSONL (with planted near-duplicates) through Spark local[2] and ``load``, against the same inputs
    through ``ingest``: same documents and events, and the same near-duplicate groups and stories, which the
    Spark run computed and ``load`` copied."""
    _need_spark()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("not newstrace's: must survive the run\n", encoding="utf-8")
    (out / "stories").mkdir()  # a previous run's table, older than the new analyses: must not be loaded
    (out / "stories" / "_SUCCESS").write_text("")
    missing = str(tmp_path / "missing.jsonl")
    inputs = [*INPUTS, str(tmp_path / "copies.jsonl")]
    _plant_copies(Path(inputs[-1]))
    ran = run_cli(
        "spark",
        *inputs,
        missing,
        "--output",
        str(out),
        "--master",
        "local[2]",
        "--partitions",
        "4",
        "--conf",
        "spark.ui.enabled=false",
        "--format",
        "json",
    )
    # exit 1 and a summary: the missing input is reported, the rest analysed (a failed run has no summary)
    assert ran.returncode == 1 and ran.stdout.startswith("{"), ran.stderr[-3000:]
    summary = json.loads(ran.stdout)
    assert summary["rejected_sample"] == [{"input": missing, "reason": "no such file or directory"}]
    tables = {"analyses", "events", "rejected", "signatures", "duplicates", "stories", "story_events"}
    assert {p.name for p in out.iterdir()} == tables | {"notes.txt"}

    loaded, ingested = tmp_path / "loaded.db", tmp_path / "ingested.db"
    first = run_cli("load", str(out), "--db", f"sqlite:///{loaded}", "--format", "json")
    again = run_cli("load", str(out), "--db", f"sqlite:///{loaded}", "--format", "json")
    direct = run_cli("ingest", *inputs, "--db", f"sqlite:///{ingested}", "--format", "json")
    assert first.returncode == again.returncode == direct.returncode == 0, first.stderr + again.stderr + direct.stderr
    assert json.loads(first.stdout)["corpus"] == "spark"
    assert json.loads(again.stdout)["stored"] == 0 and json.loads(again.stdout)["corpus"] == "load"

    counts = _counts(loaded)
    assert counts["documents"] == json.loads(direct.stdout)["stored"] == summary["documents"] > 10
    assert counts == _counts(ingested)
    assert counts["events"] == summary["events"] == pq.read_table(out / "events").num_rows > 0

    state = _corpus_state(loaded)
    assert state == _corpus_state(ingested)
    # without the run's corpus tables, load deduplicates and merges itself, in the order ingest reads the inputs
    shutil.copytree(out / "analyses", tmp_path / "bare" / "analyses")
    computed = run_cli(
        "load", str(tmp_path / "bare"), "--db", f"sqlite:///{tmp_path / 'computed.db'}", "--format", "json"
    )
    assert json.loads(computed.stdout)["corpus"] == "load", computed.stderr
    assert _corpus_state(tmp_path / "computed.db") == state
    planted = [["copy-0", "copy-of-copy", "exact-copy"], ["bridge-A", "bridge-A2", "bridge-B", "bridge-B2", "bridge-X"]]
    assert all(any(set(group) <= set(found) for found in state["groups"]) for group in planted)
    assert summary["duplicate_groups"] == len(state["groups"]) and summary["stories"] == len(state["stories"]) > 50
    assert _ids(loaded) == _ids(ingested)
