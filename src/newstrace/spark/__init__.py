"""Run the per-document pipeline on Apache Spark: files in, Parquet analyses out (``newstrace spark``).

Why Spark: it is what archive owners already run (Common Crawl's own cc-pyspark tooling uses it for CC-NEWS),
on YARN, Kubernetes, EMR or Databricks, and it reads local paths and any Hadoop URI (hdfs://, s3a://, gs://)
alike. This is the only module that imports pyspark, and only when called, so the base install runs without it.

The driver only lists files. Two stages run on the executors:

1. read: each input file goes through ``ingest``'s readers and main-text extraction, exactly as ``ingest`` reads
   it: a local file is opened by the executor (``ingest.read_path``: a WARC is streamed record by record, any
   size), a remote one arrives as a ``binaryFile`` row (path + bytes, up to ``max_bytes``) for
   ``ingest.read_bytes``; unreadable inputs become ``rejected`` rows;
2. analyse: the extracted documents, de-duplicated by id and spread evenly over ``partitions`` (one WARC or
   JSONL file can hold thousands of articles, so files alone balance badly), are parsed by one spaCy model per
   Python worker (``pipeline.get_nlp`` is cached per process and Spark reuses its Python workers).

Only extracted text crosses the shuffle, not raw HTML. Every document keeps where it came from (which input
argument, file, record in the file), so the run knows the order ``ingest`` would have read it in: a document id
read twice keeps its first copy, as in ``ingest``, and the corpus stages use that order. The output folder holds
Parquet tables:

- ``analyses/``: id, url, title, published, outlet, events (count), ``analysis_json`` (the JSON output
  contract, ``Analysis.to_dict``) and the input_index, input_file, input_record it was read from;
  ``newstrace load`` stores these through the one store write path;
- ``events/``: the events table of the export schema (``store.base.analysis_rows``), for analysts' queries;
- ``rejected/``: origin, reason for every input that could not be read or had no article text;
- ``signatures/``, ``duplicates/``, ``stories/``, ``story_events/``: near-duplicate groups and stories, computed
  by Spark jobs over the tables above (``spark/corpus.py``), which ``load`` copies into a fresh database.

Boilerplate learning (``extract.Extractor`` drops lines repeated across an outlet's documents) runs per Spark
partition of input files here, not across the whole run as in ``ingest``, so a site footer may be kept in a
few more documents than ``ingest`` would keep it in.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import pickle
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pyarrow as pa

from newstrace import pipeline
from newstrace.corpus.load import ORDER_COLUMNS
from newstrace.extract import ExtractionError, Extractor
from newstrace.ingest import DEFAULT_MAX_BYTES, ReadOptions, read_bytes, read_path
from newstrace.records import AnalysisWarning, Document, Rejected
from newstrace.store.base import analysis_rows

#: Arrow batches between the JVM and Python workers: many small rows, or one large file (a 1 GB CC-NEWS WARC).
ARROW_BATCH_BYTES = 64 * 1024 * 1024
ARROW_BATCH_RECORDS = 1000
#: Rows per Arrow batch handed back by the read stage (extracted texts) and the analyse stage (seconds of parsing).
STAGED_BATCH = 256
OUTPUT_BATCH = 32
#: Rejections returned to the caller (the CLI prints them); all of them are in ``rejected/``.
REJECTED_SAMPLE = 20

STAGED_SCHEMA = (
    "id string, origin string, reason string, payload binary, input_index int, input_file string, input_record int"
)
ANALYSES_SCHEMA = (
    "id string, url string, title string, published string, outlet string, events int, analysis_json string, "
    "input_index int, input_file string, input_record int"
)
#: The export schema's events table, column for column (``analysis_rows``; a test checks they agree).
EVENTS_SCHEMA = (
    "doc_id string, event_id string, sentence int, trigger_text string, trigger_start int, trigger_end int, "
    "source_text string, source_start int, source_end int, source_code string, source_name string, "
    "target_text string, target_start int, target_end int, target_code string, target_name string, "
    "cameo string, plover string, plover_mode string, modality string, quad_class int, goldstein double, "
    "event_date string, time_value string, place_name string, place_country string, lat double, lon double, "
    "evidence_start int, evidence_end int, rule string, attribution string"
)


class SparkMissing(RuntimeError):
    pass


def require_spark() -> None:
    """Fail with the install hint, not a traceback, where the ``spark`` extra or a Java runtime is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkMissing("install the extra: pip install 'newstrace[spark]'") from exc
    if not os.environ.get("JAVA_HOME") and not shutil.which("java"):
        raise SparkMissing("Spark needs a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)")


def _spark_session(master: str | None, conf: dict[str, str]) -> Any:
    """A session on ``master``; without one, spark-submit's master if launched by it, else all local cores."""
    from pyspark.sql import SparkSession

    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # the driver was started by spark-submit
    master = master or (None if submitted else "local[*]")
    if master and master.startswith("local"):
        # Local Python workers must run this interpreter (the one with newstrace and the spaCy model).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("newstrace")
    if master:
        builder = builder.master(master)
    settings = {
        "spark.sql.execution.arrow.maxRecordsPerBatch": str(ARROW_BATCH_RECORDS),
        "spark.sql.execution.arrow.maxBytesPerBatch": str(ARROW_BATCH_BYTES),
        "spark.sql.session.timeZone": "UTC",
        **conf,
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _remove(spark: Any, uri: str) -> None:
    """Delete a folder on any Hadoop file system (local, HDFS, S3), as Spark's own writers do."""
    path = spark._jvm.org.apache.hadoop.fs.Path(uri)
    path.getFileSystem(spark._jsc.hadoopConfiguration()).delete(path, True)


def _local_path(path: str) -> str:
    """``file:/a/b`` (how Spark names local files) as ``/a/b``, so origins read as in ``ingest``.

    Not ``urlparse``: Hadoop paths are not percent-encoded, so a "#" or "?" in a file name is part of the name.
    """
    if not path.startswith("file:"):
        return path
    rest = path.removeprefix("file:")
    return rest[2:] if rest.startswith("///") else rest


def _check_inputs(inputs: Iterable[str]) -> tuple[list[str], list[Rejected]]:
    """Local inputs that do not exist are rejected here, as ``ingest`` does, instead of failing the whole job.

    URIs with a scheme (hdfs://, s3a://) are left to Spark: listing them needs the cluster's file system.
    """
    found: list[str] = []
    missing: list[Rejected] = []
    for raw in inputs:
        scheme = urlparse(raw).scheme
        if scheme and scheme != "file" and len(scheme) > 1:  # len 1: a Windows drive letter
            found.append(raw)
            continue
        local = _local_path(raw)
        if glob.has_magic(local):
            if glob.glob(local, recursive=True):
                found.append(str(Path(local).absolute()))
            else:
                missing.append(Rejected(raw, "no files match this pattern"))
        elif Path(local).exists():
            found.append(str(Path(local).absolute()))
        else:
            missing.append(Rejected(raw, "no such file or directory"))
    return found, missing


def input_index(path: str, inputs: list[str]) -> int:
    """Which input argument a file Spark listed came from: the first that names it, holds it or matches it.

    ``ingest`` reads its inputs in the order given; this number (with the path, then the record) restores that
    order after Spark has spread the files over tasks.
    """
    local = _local_path(path)
    for index, raw in enumerate(inputs):
        name = _local_path(raw).rstrip("/")
        if local == name or local.startswith(f"{name}/") or (glob.has_magic(name) and fnmatch.fnmatchcase(local, name)):
            return index
    return len(inputs)


def _staged_rows(
    path: str, content: bytes | None, options: ReadOptions, extractor: Extractor, index: int
) -> Iterator[dict[str, Any]]:
    """One file's articles, extracted as ``ingest`` extracts them; a rejection is a row with a reason.

    A local file comes without ``content``: it is read here exactly as ``ingest`` reads it (``read_path``), so a
    WARC is streamed record by record, whatever its size, instead of arriving whole in an Arrow batch.
    """
    local = _local_path(path)
    where = {"input_index": index, "input_file": local}
    sources = read_bytes(local, content, options) if content is not None else read_path(local, options)
    for record, item in enumerate(sources):
        if isinstance(item, Rejected):
            yield {"origin": item.origin, "reason": item.reason}
            continue
        try:
            document, warnings = extractor.extract(item)
        except ExtractionError as exc:
            yield {"origin": item.origin, "reason": str(exc)}
            continue
        payload = pickle.dumps((document, warnings), protocol=pickle.HIGHEST_PROTOCOL)
        yield {"id": document.id, "origin": item.origin, "payload": payload, **where, "input_record": record}


def _read_stage(options: ReadOptions, inputs: list[str], cpu: Any) -> Any:
    """The executor function of stage 1: binaryFile batches in, one staged row per article or rejection out.

    ``cpu`` (a Spark accumulator) sums the Python workers' CPU seconds, the figure capacity planning needs.
    """

    def read(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        started = time.process_time()
        extractor = Extractor()
        rows: list[dict[str, Any]] = []
        for batch in batches:
            paths = batch["path"].to_pylist()
            contents = batch["content"].to_pylist() if "content" in batch.schema.names else [None] * len(paths)
            for path, content in zip(paths, contents, strict=True):
                for row in _staged_rows(path, content, options, extractor, input_index(path, inputs)):
                    rows.append(row)
                    if len(rows) >= STAGED_BATCH:  # a 1 GB WARC holds tens of thousands of articles
                        yield _batch(rows, _STAGED_ARROW)
                        rows = []
        if rows:
            yield _batch(rows, _STAGED_ARROW)
        cpu.add(time.process_time() - started)

    return read


def _analyze_stage(model: str | None, cpu: Any) -> Any:
    """The executor function of stage 2: staged documents in, analyses out, one ``nlp.pipe`` per partition.

    ``cpu`` sums the CPU seconds of analysis proper; loading the model (once per Python worker) is left out.
    """

    def analyze(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        pipeline.get_nlp(model)
        started = time.process_time()

        order: dict[str, tuple[Any, ...]] = {}

        def items() -> Iterator[tuple[Document, list[AnalysisWarning]]]:
            for batch in batches:
                for row in batch.select(["id", "payload", *ORDER_COLUMNS]).to_pylist():
                    order[row["id"]] = tuple(row[c] for c in ORDER_COLUMNS)
                    yield pickle.loads(row["payload"])

        rows: list[dict[str, Any]] = []
        for result in pipeline.analyze_documents(items(), model=model):
            if isinstance(result, Rejected):  # analyze_documents only passes through rejections it is given
                continue
            data = result.to_dict()
            doc = data["document"]
            rows.append(
                {
                    **{k: doc[k] for k in ("id", "url", "title", "published", "outlet")},
                    "events": len(data["events"]),
                    "analysis_json": json.dumps(data, ensure_ascii=False),
                    **dict(zip(ORDER_COLUMNS, order.pop(doc["id"]), strict=True)),
                }
            )
            if len(rows) >= OUTPUT_BATCH:
                yield _batch(rows, _ANALYSES_ARROW)
                rows = []
        if rows:
            yield _batch(rows, _ANALYSES_ARROW)
        cpu.add(time.process_time() - started)

    return analyze


def _events_stage(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Stored analyses flattened to the export schema's events rows, by the same code the stores use."""
    for batch in batches:
        texts = batch["analysis_json"].to_pylist()
        yield _batch([row for text in texts for row in analysis_rows(json.loads(text))["events"]], _EVENTS_ARROW)


_ARROW_TYPES = {
    "string": pa.string(),
    "int": pa.int32(),
    "long": pa.int64(),
    "double": pa.float64(),
    "binary": pa.binary(),
    "boolean": pa.bool_(),
}


def arrow_schema(ddl: str) -> pa.Schema:
    """The Arrow schema matching a Spark DDL string ("name type, …"): mapInArrow output must match it exactly."""
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in (col.split() for col in ddl.split(", "))])


_STAGED_ARROW = arrow_schema(STAGED_SCHEMA)
_ANALYSES_ARROW = arrow_schema(ANALYSES_SCHEMA)
_EVENTS_ARROW = arrow_schema(EVENTS_SCHEMA)


def _batch(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist(rows, schema=schema)


def run(
    inputs: list[str],
    output: str,
    master: str | None = None,
    partitions: int | None = None,
    *,
    published: str | None = None,
    input_format: str = "auto",
    max_bytes: int = DEFAULT_MAX_BYTES,
    model: str | None = None,
    conf: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Analyse every article in ``inputs`` on Spark and write the Parquet tables under ``output``.

    ``partitions`` is how many analyse tasks to spread the documents over (default: 3 per core of the cluster);
    aim for a few thousand documents per task on big runs so a lost task costs minutes, not hours.
    Returns counts, seconds and up to ``REJECTED_SAMPLE`` rejections (all are in ``output``/rejected/).
    """
    require_spark()
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from . import corpus

    started = time.monotonic()
    found, missing = _check_inputs(inputs)
    spark = _spark_session(master, conf or {})
    session_s = time.monotonic() - started
    options = ReadOptions(max_bytes=max_bytes, published=published, input_format=input_format)
    read_cpu, analyze_cpu = spark.sparkContext.accumulator(0.0), spark.sparkContext.accumulator(0.0)
    staged_schema = spark.createDataFrame([], STAGED_SCHEMA).schema
    target = output.rstrip("/")  # only newstrace's tables are replaced, never other files
    for table in corpus.TABLES:  # computed from the analyses: never leave a previous run's beside new ones
        _remove(spark, f"{target}/{table}")

    files = (
        spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(found)
        if found
        else spark.createDataFrame([], "path string, length long, content binary")
    )
    # Local files are only listed here and read by the executors themselves, as ``ingest`` reads them (WARC
    # streamed, any size; other files up to the limit). Remote files (HDFS, S3) come through binaryFile, which
    # pushes the length filter down, so files over the limit are never read into memory.
    local = F.col("path").startswith("file:")
    too_large = files.where(~local & (F.col("length") > max_bytes)).select(
        F.col("path").alias("origin"),
        F.format_string("file too large (%,d bytes > limit %,d)", F.col("length"), F.lit(max_bytes)).alias("reason"),
    )
    read = _read_stage(options, found, read_cpu)
    remote = files.where(~local & (F.col("length") <= max_bytes)).select("path", "content")
    staged = (
        remote.mapInArrow(read, staged_schema)
        .unionByName(files.where(local).select("path").mapInArrow(read, staged_schema))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        documents = staged.where(F.col("id").isNotNull())
        first = Window.partitionBy("id").orderBy(*ORDER_COLUMNS)  # a document read twice: its first copy
        unique = documents.withColumn("copy", F.row_number().over(first)).where("copy = 1").drop("copy")
        parts = partitions or 3 * spark.sparkContext.defaultParallelism
        analyses = unique.repartition(parts).mapInArrow(_analyze_stage(model, analyze_cpu), ANALYSES_SCHEMA)
        analyses.write.mode("overwrite").parquet(f"{target}/analyses")

        rejected = staged.where(F.col("id").isNull()).select("origin", "reason").unionByName(too_large)
        if missing:
            rejected = rejected.unionByName(
                spark.createDataFrame([(r.origin, r.reason) for r in missing], "origin string, reason string")
            )
        rejected.coalesce(1).write.mode("overwrite").parquet(f"{target}/rejected")
        duplicates = documents.count() - unique.count()
    finally:
        staged.unpersist()

    stored = spark.read.parquet(f"{target}/analyses")
    stored.select("analysis_json").mapInArrow(_events_stage, EVENTS_SCHEMA).write.mode("overwrite").parquet(
        f"{target}/events"
    )
    corpus_started = time.monotonic()
    corpus_counts = corpus.run(spark, target, parts)
    corpus_s = time.monotonic() - corpus_started
    rejected_rows = spark.read.parquet(f"{target}/rejected")
    summary = {
        "output": target,
        "master": spark.sparkContext.master,
        "partitions": parts,
        "inputs": len(found),
        "documents": stored.count(),
        "duplicates": duplicates,
        "events": spark.read.parquet(f"{target}/events").count(),
        **corpus_counts,
        "rejected": rejected_rows.count(),
        "rejected_sample": [
            {"input": r["origin"], "reason": r["reason"]} for r in rejected_rows.limit(REJECTED_SAMPLE).collect()
        ],
        "seconds": round(time.monotonic() - started, 1),
        "session_seconds": round(session_s, 1),  # JVM start: a fixed cost per run, not per document
        "corpus_seconds": round(corpus_s, 1),  # near-duplicates and stories
        # Python workers' CPU seconds (retried tasks count twice): what sizing a cluster needs
        "cpu_seconds": {"read": round(read_cpu.value, 1), "analyze": round(analyze_cpu.value, 1)},
    }
    return summary
