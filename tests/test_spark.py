"""The Spark runner and ``load``: a cluster run stores the same documents and events as a direct ``ingest``.

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

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import DEMO, run_cli
from newstrace import Corpus, analyze, spark
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
        assert corpus.load(tmp_path / "out").as_dict() == {"read": 1, "stored": 1, "skipped": 0}
        assert corpus.load(tmp_path / "out").as_dict() == {"read": 1, "stored": 0, "skipped": 1}
        assert corpus.document("doc-1")["events"] == data["events"]  # type: ignore[index]
    added = f"sqlite:///{tmp_path / 'added.db'}"
    with Corpus(added) as corpus:
        corpus.add([analysis])
    assert _stats_counts(store_url) == _stats_counts(added)


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
    """WARC + JSONL through Spark local[2] and ``load``, against the same inputs through ``ingest``."""
    _need_spark()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("not newstrace's: must survive the run\n", encoding="utf-8")
    missing = str(tmp_path / "missing.jsonl")
    ran = run_cli(
        "spark",
        *INPUTS,
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
    assert {p.name for p in out.iterdir()} == {"analyses", "events", "rejected", "notes.txt"}

    loaded, ingested = tmp_path / "loaded.db", tmp_path / "ingested.db"
    first = run_cli("load", str(out), "--db", f"sqlite:///{loaded}", "--format", "json")
    again = run_cli("load", str(out), "--db", f"sqlite:///{loaded}", "--format", "json")
    direct = run_cli("ingest", *INPUTS, "--db", f"sqlite:///{ingested}", "--format", "json")
    assert first.returncode == again.returncode == direct.returncode == 0, first.stderr + again.stderr + direct.stderr
    assert json.loads(again.stdout)["stored"] == 0

    counts = _counts(loaded)
    assert counts["documents"] == json.loads(direct.stdout)["stored"] == summary["documents"] > 10
    assert counts == _counts(ingested)
    assert counts["events"] == summary["events"] == pq.read_table(out / "events").num_rows > 0
    assert _ids(loaded) == _ids(ingested)
