"""Spark runner against direct ingest on the same articles and cores, measured in the same run.

Writes the demo corpus (plus the seed) ``--copies`` times with distinct ids into ``--files`` JSONL files, then
times, end to end as a user runs them: ``newstrace ingest --workers C`` into SQLite, and ``newstrace spark
--master local[C]`` followed by ``newstrace load`` into SQLite. Starting Spark (the JVM and the session) is a
fixed cost per run, reported by the runner as ``session_seconds``; the steady-state rate leaves it out. Prints
one JSON object and a one-line summary.

    .venv/bin/python bench/spark.py [--copies 10] [--files 4] [--cores 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newstrace import pipeline
from newstrace.ingest import ReadOptions, read_inputs
from newstrace.records import Source

ROOT = Path(__file__).resolve().parents[1]
DEMO = [ROOT / "examples" / "demo" / part for part in ("txt", "html", "rss", "warc", "jsonl")]
SEED = ROOT.parent / "shared" / "seed" / "000_6af43aeff367a08c.txt"


def write_inputs(folder: Path, copies: int, files: int) -> tuple[int, int]:
    """The extracted demo articles as JSONL records, ``copies`` times over, spread round-robin over ``files``.

    Returns the number of articles and of words (whitespace-separated), so rates convert to other article sizes.
    """
    extractor = pipeline.extract.Extractor()
    base = []
    paths = [str(p) for p in DEMO] + ([str(SEED)] if SEED.exists() else [])
    for source in read_inputs(paths, ReadOptions()):
        if isinstance(source, Source):
            document, _ = extractor.extract(source)
            base.append({"text": document.text, "published": document.published or "2024-11-17"})
    records = [{**r, "id": f"bench-{i}-{n}"} for i in range(copies) for n, r in enumerate(base)]
    handles = [(folder / f"part-{k}.jsonl").open("w", encoding="utf-8") for k in range(files)]
    for n, record in enumerate(records):
        handles[n % files].write(json.dumps(record, ensure_ascii=False) + "\n")
    for handle in handles:
        handle.close()
    return len(records), sum(len(r["text"].split()) for r in records)


def timed(*args: str) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (of the command and every process it waited for) and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "newstrace", *args], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        docs, words = write_inputs(work / "in", args.copies, args.files)
        spark_args = ["--master", f"local[{args.cores}]", "--conf", "spark.ui.enabled=false", "--format", "json"]
        ingest_s, ingest_cpu, _ = timed(
            "ingest", str(work / "in"), "--db", f"sqlite:///{work / 'i.db'}", "--workers", str(args.cores)
        )
        spark_s, _, out = timed("spark", str(work / "in"), "--output", str(work / "out"), *spark_args)
        load_s, _, _ = timed("load", str(work / "out"), "--db", f"sqlite:///{work / 's.db'}")
    summary = json.loads(out)
    fixed_s = summary["session_seconds"]
    spark_cpu = summary["cpu_seconds"]["read"] + summary["cpu_seconds"]["analyze"]
    steady = spark_s - fixed_s
    result = {
        "docs": docs,
        "words_per_doc": round(words / docs),
        "cores": args.cores,
        "machine": f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        "ingest_s": round(ingest_s, 1),
        "spark_s": round(spark_s, 1),
        "spark_session_s": fixed_s,
        "load_s": round(load_s, 1),
        "ingest_docs_per_s_per_core": round(docs / ingest_s / args.cores, 2),
        "spark_docs_per_s_per_core": round(docs / spark_s / args.cores, 2),
        "spark_steady_docs_per_s_per_core": round(docs / steady / args.cores, 2),
        "spark_steady_words_per_s_per_core": round(words / steady / args.cores),
        "load_docs_per_s": round(docs / load_s, 1),
        # steadier than wall-clock on a shared machine: ingest's is every process (model loads included), Spark's
        # its Python workers' reading and analysing (model loads and the JVM left out)
        "ingest_docs_per_cpu_s": round(docs / ingest_cpu, 2),
        "spark_docs_per_cpu_s": round(docs / spark_cpu, 2),
    }
    print(json.dumps(result))
    print(
        f"{docs} docs on {args.cores} cores: ingest {result['ingest_docs_per_s_per_core']} docs/s/core, spark "
        f"{result['spark_docs_per_s_per_core']} end to end ({result['spark_steady_docs_per_s_per_core']} after "
        f"{fixed_s:.0f} s starting Spark), load {result['load_docs_per_s']} docs/s; per CPU second: ingest "
        f"{result['ingest_docs_per_cpu_s']}, spark workers {result['spark_docs_per_cpu_s']}"
    )


if __name__ == "__main__":
    main()
