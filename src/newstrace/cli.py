"""The ``newstrace`` command: a thin Typer shell over ``newstrace.analyze`` and ``newstrace.Corpus``.

Exit codes: 0 ok, 1 some inputs were rejected (each listed on stderr as ``input: reason``) or the command failed,
2 usage error. Errors are one line on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

import newstrace
from newstrace import eval as evaluation
from newstrace.corpus import DEFAULT_DB, EXPORT_FORMATS, Corpus, IngestReport

app = typer.Typer(
    help="Turn news articles into a source-attributed event database.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
_state = {"debug": False}

DbOption = Annotated[
    str, typer.Option("--db", envvar="NEWSTRACE_DB", help="Database URL (sqlite:///PATH).", show_default=True)
]
InputFormat = StrEnum("InputFormat", {f: f for f in newstrace.INPUT_FORMATS})  # type: ignore[misc]


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class DocFormat(StrEnum):
    json = "json"
    table = "table"


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _report_rejected(report: IngestReport) -> None:
    for rejected in report.rejected:
        err.print(str(rejected), markup=False, highlight=False)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    _state["debug"] = debug
    if version:
        out.print(newstrace.__version__)
        raise typer.Exit


@app.command()
def analyze(
    file: Annotated[str, typer.Argument(help="A file to analyse, or - for standard input.")],
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD).")] = None,
    input_format: Annotated[InputFormat, typer.Option(help="How to read the input.")] = InputFormat("auto"),
    format: Annotated[DocFormat, typer.Option("--format", help="Output format.")] = DocFormat.json,
) -> None:
    """Analyse articles without storing them and print the full output contract.

    One JSON object per article; for JSONL, RSS or WARC input one object per article, one per line, in input
    order, with document.id equal to the input id.
    """
    rejected = 0
    results = list(newstrace.analyze_inputs([file], published=published, input_format=input_format.value))
    single = len(results) == 1
    for result in results:
        if isinstance(result, newstrace.Analysis):
            data = result.to_dict()
            if format is DocFormat.table:
                _print_analysis_table(data)
            elif single:
                _print_json(data)
            else:
                sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            rejected += 1
            err.print(str(result), markup=False, highlight=False)
    raise typer.Exit(1 if rejected else 0)


def _digest(name: str, item: dict[str, Any]) -> dict[str, str]:
    """One row of ``analyze --format table``: nested spans shown as their text and code."""
    if name == "events":
        chain = " → ".join(link["text"] for link in item["attribution"]["chain"][1:])
        return {
            "id": item["id"],
            "source": f"{item['source']['code']} ({item['source']['text']})",
            "trigger": item["trigger"]["text"],
            "target": f"{item['target']['code']} ({item['target']['text']})" if item["target"] else "",
            "plover": f"{item['plover']} {item['cameo']}",
            "modality": item["modality"],
            "time": (item["time"] or {}).get("value") or "",
            "according to": chain,
        }
    if name == "quotes":
        speaker = item["speaker"] or {}
        return {
            "kind": item["kind"],
            "speaker": f"{speaker.get('text', '')} {speaker.get('code') or ''}".strip(),
            "content": item["content"]["text"],
        }
    return {k: str(v) for k, v in item.items()}


_DIGEST_COLUMNS = {
    "actors": ("text", "code", "via"),
    "events": ("id", "source", "trigger", "target", "plover", "modality", "time", "according to"),
    "quotes": ("kind", "speaker", "content"),
    "times": ("text", "value", "anchor"),
    "places": ("text", "name", "country"),
    "framing": ("text", "category", "voice"),
    "warnings": ("code", "message"),
}


def _print_analysis_table(data: dict[str, Any]) -> None:
    doc = data["document"]
    out.print(f"[bold]{doc['title'] or doc['id']}[/bold]  published={doc['published']}  id={doc['id']}")
    for name, cols in _DIGEST_COLUMNS.items():
        table = Table(title=f"{name} ({len(data[name])})", title_justify="left")
        for col in cols:
            table.add_column(col)
        for item in data[name]:
            row = _digest(name, item)
            table.add_row(*(row.get(c, "") for c in cols))
        out.print(table)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, or - for standard input.")],
    db: DbOption = DEFAULT_DB,
    published: Annotated[str | None, typer.Option(help="Publication date for inputs that have none.")] = None,
    input_format: Annotated[InputFormat, typer.Option(help="How to read the inputs.")] = InputFormat("auto"),
    workers: Annotated[
        int | None, typer.Option(min=1, help="Parser processes (one spaCy model each); default on Linux: one per core.")
    ] = None,
    max_bytes: Annotated[
        int,
        typer.Option(
            min=1,
            help="Largest input accepted, in bytes: each file, stdin and each WARC record. WARC files are streamed "
            "(any size); a WARC read from stdin is limited after decompression.",
        ),
    ] = 20 * 1024**2,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    format: Annotated[DocFormat, typer.Option("--format", help="Summary format.")] = DocFormat.table,
) -> None:
    """Read, analyse and store articles (text, HTML, RSS/Atom, WARC, JSONL). Re-running stores nothing twice."""
    with Corpus(db) as corpus:
        show = not quiet and format is DocFormat.table
        with Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn(
                "{task.fields[stored]} stored, {task.fields[skipped]} already there, {task.fields[rejected]} rejected"
            ),
            TimeElapsedColumn(),
            console=err,
            disable=not show or not err.is_terminal,  # a bar in a log file is noise
            transient=True,
            auto_refresh=False,  # no refresh thread: ingest forks its workers, and a fork must not copy held locks
        ) as bar:
            task = bar.add_task("ingesting", total=None, stored=0, skipped=0, rejected=0)

            def progress(report: IngestReport) -> None:
                bar.update(
                    task,
                    completed=report.read,
                    stored=report.stored,
                    skipped=report.skipped,
                    rejected=len(report.rejected),
                    refresh=True,
                )

            report = corpus.ingest(
                paths,
                published=published,
                input_format=input_format.value,
                workers=workers,
                max_bytes=max_bytes,
                progress=progress,
            )
        _report_rejected(report)
        if format is DocFormat.json:
            _print_json(report.as_dict())
        elif not quiet:
            err.print(
                f"{report.read} read, {report.stored} stored, {report.skipped} already stored, "
                f"{len(report.rejected)} rejected",
                highlight=False,
            )
    raise typer.Exit(1 if report.rejected else 0)


@app.command()
def stats(
    db: DbOption = DEFAULT_DB,
    format: Annotated[DocFormat, typer.Option("--format", help="Output format.")] = DocFormat.table,
) -> None:
    """Counts of documents, events, quotes and more; top actors; events by type and modality; warnings."""
    with Corpus(db) as corpus:
        data = corpus.stats()
    if format is DocFormat.json:
        _print_json(data)
        return
    low, high = data["published_range"]
    out.print(
        f"[bold]{data['documents']}[/bold] documents ({low or '?'} … {high or '?'}), "
        f"[bold]{data['events']}[/bold] events, {data['quotes']} quotes, {data['actors']} actor mentions, "
        f"{data['times']} time expressions, {data['places']} places, {data['framing']} framing flags"
    )
    for title, rows, cols in (
        (
            "Top actors",
            [(a["name"], a["code"], a["mentions"]) for a in data["top_actors"]],
            ("actor", "code", "mentions"),
        ),
        ("Events by PLOVER type", list(data["events_by_plover"].items()), ("type", "events")),
        ("Events by modality", list(data["events_by_modality"].items()), ("modality", "events")),
        ("Warnings", list(data["warnings_by_code"].items()), ("warning", "documents")),
    ):
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for col in cols:
            table.add_column(col)
        for row in rows:
            table.add_row(*(str(v) for v in row))
        out.print(table)


EVENT_COLUMNS = (
    "doc_id",
    "id",
    "date",
    "source",
    "target",
    "cameo",
    "plover",
    "modality",
    "trigger",
    "outlet",
)


def _flat_event(event: dict[str, Any]) -> dict[str, Any]:
    def code(span: dict[str, Any] | None) -> str:
        return "" if not span else f"{span.get('code') or '?'} ({span['text']})"

    return {
        **{k: event[k] for k in ("doc_id", "id", "date", "cameo", "plover", "modality", "outlet")},
        "source": code(event["source"]),
        "target": code(event["target"]),
        "trigger": event["trigger"]["text"] if event["trigger"] else "",
    }


ActorOption = Annotated[
    str | None, typer.Option(help="Source or target code prefix (RUS, USAGOV) or part of a name (any case).")
]
CameoOption = Annotated[str | None, typer.Option(help="CAMEO code prefix (19 = all fights).")]
PloverOption = Annotated[str | None, typer.Option(help="PLOVER category (ASSAULT).")]
LimitOption = Annotated[int, typer.Option(min=1, max=100_000)]
OffsetOption = Annotated[int, typer.Option(min=0)]
ListFormatOption = Annotated[ListFormat, typer.Option("--format", help="Output format.")]


def _print_listing(
    key: str, rows: list[dict[str, Any]], fmt: ListFormat, columns: tuple[str, ...], flat: Any, title: str
) -> None:
    """``events`` and ``stories`` output: ``{key: rows}`` as JSON, flattened rows as CSV or a table."""
    if fmt is ListFormat.json:
        _print_json({key: rows})
    elif fmt is ListFormat.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns)
        writer.writeheader()
        writer.writerows(flat(r) for r in rows)
        sys.stdout.write(buf.getvalue())
    else:
        table = Table(title=title, title_justify="left")
        for col in columns:
            table.add_column(col)
        for row in rows:
            flattened = flat(row)
            table.add_row(*(str(flattened[c] or "") for c in columns))
        out.print(table)


@app.command()
def events(
    db: DbOption = DEFAULT_DB,
    actor: ActorOption = None,
    cameo: CameoOption = None,
    plover: PloverOption = None,
    modality: Annotated[str | None, typer.Option(help="asserted, reported, hedged, denied, future…")] = None,
    since: Annotated[str | None, typer.Option(help="Earliest event date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Latest event date (YYYY-MM-DD).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only events from this outlet.")] = None,
    document: Annotated[str | None, typer.Option(help="Only events of this document id.")] = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    format: ListFormatOption = ListFormat.table,
) -> None:
    """List coded events with filters."""
    with Corpus(db) as corpus:
        rows = corpus.events(
            actor=actor,
            cameo=cameo,
            plover=plover,
            modality=modality,
            since=since,
            until=until,
            outlet=outlet,
            document=document,
            limit=limit,
            offset=offset,
        )
    _print_listing("events", rows, format, EVENT_COLUMNS, _flat_event, f"{len(rows)} events")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find in titles and texts.")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    format: Annotated[DocFormat, typer.Option("--format", help="Output format.")] = DocFormat.table,
) -> None:
    """Full-text search (all words must occur), with snippets."""
    with Corpus(db) as corpus:
        hits = corpus.search(query, limit=limit)
    if format is DocFormat.json:
        _print_json({"query": query, "results": hits})
        return
    for hit in hits:
        out.print(f"[bold]{hit['id']}[/bold]  {hit['published'] or '?'}  {hit['title'] or ''}", highlight=False)
        out.print("    " + " ".join(hit["snippet"].split()), markup=False, highlight=False)
    if not hits:
        err.print("no matches")


@app.command()
def duplicates(
    db: DbOption = DEFAULT_DB,
    format: Annotated[DocFormat, typer.Option("--format", help="Output format.")] = DocFormat.table,
) -> None:
    """Groups of near-duplicate articles (syndicated copies, light edits), with their lowest similarity."""
    with Corpus(db) as corpus:
        groups = corpus.duplicates()
    if format is DocFormat.json:
        _print_json({"groups": groups})
        return
    for group in groups:
        out.print(f"[bold]group {group['id']}[/bold]  similarity ≥ {group['similarity']}", highlight=False)
        for member in group["members"]:
            out.print(
                f"    {member['id']}  {member['published'] or '?'}  {member['outlet'] or '?'}  {member['url'] or ''}",
                markup=False,
                highlight=False,
            )
    if not groups:
        err.print("no duplicates")


STORY_TABLE_COLUMNS = (
    "id",
    "date",
    "source",
    "target",
    "cameo",
    "plover",
    "articles",
    "independent_sources",
    "disputed",
)
STORY_COLUMNS = (
    "id",
    "date",
    "source",
    "target",
    "cameo",
    "plover",
    "place",
    "articles",
    "mentions",
    "independent_sources",
    "modalities",
    "outlets",
    "first_seen",
    "disputed",
)


def _flat_story(story: dict[str, Any]) -> dict[str, Any]:
    def actor(span: dict[str, Any] | None) -> str:
        return "" if not span else f"{span.get('code') or '?'} ({span.get('name') or ''})"

    return {
        **{k: story[k] for k in ("id", "date", "cameo", "plover", "mentions", "independent_sources", "first_seen")},
        "source": actor(story["source"]),
        "target": actor(story["target"]),
        "place": (story["place"] or {}).get("name") or "",
        "articles": ";".join(story["articles"]),
        "modalities": ";".join(f"{k}:{v}" for k, v in story["modalities"].items()),
        "outlets": ";".join(story["outlets"]),
        "disputed": "yes" if story["disputed"] else "",
    }


def _story_table_row(story: dict[str, Any]) -> dict[str, Any]:
    return {**_flat_story(story), "articles": len(story["articles"])}


@app.command()
def stories(
    db: DbOption = DEFAULT_DB,
    actor: ActorOption = None,
    cameo: CameoOption = None,
    plover: PloverOption = None,
    modality: Annotated[str | None, typer.Option(help="Stories with a mention of this modality (denied…).")] = None,
    since: Annotated[str | None, typer.Option(help="Earliest story date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Latest story date (YYYY-MM-DD).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Stories reported by this outlet.")] = None,
    document: Annotated[str | None, typer.Option(help="Stories mentioned in this document id.")] = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    format: ListFormatOption = ListFormat.table,
) -> None:
    """Events merged across articles into stories, with independent corroboration (docs/corroboration.md)."""
    with Corpus(db) as corpus:
        rows = corpus.stories(
            actor=actor,
            cameo=cameo,
            plover=plover,
            modality=modality,
            since=since,
            until=until,
            outlet=outlet,
            document=document,
            limit=limit,
            offset=offset,
        )
    if format is ListFormat.table:  # the table counts articles; CSV and JSON list their ids
        _print_listing("stories", rows, format, STORY_TABLE_COLUMNS, _story_table_row, f"{len(rows)} stories")
    else:
        _print_listing("stories", rows, format, STORY_COLUMNS, _flat_story, "")


@app.command()
def export(
    out_path: Annotated[
        Path, typer.Argument(metavar="OUT", help="Output file (jsonl, gdelt) or folder (csv, parquet).")
    ],
    format: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(EXPORT_FORMATS)}.")] = "jsonl",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export the database: analyses as JSONL, every table as CSV or Parquet files, or stories as GDELT 2.0 TSV.

    CSV and Parquet include stories and duplicate groups; the GDELT columns filled are listed in docs/export.md.
    """
    if format not in EXPORT_FORMATS:
        raise typer.BadParameter(f"choose from {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    with Corpus(db) as corpus:
        for path in corpus.export(format, out_path):
            err.print(f"wrote {path}", highlight=False)


@app.command("spark")
def spark_(
    inputs: Annotated[
        list[str], typer.Argument(metavar="INPUT...", help="Files, folders or globs; local or Hadoop URIs (s3a://…).")
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Output folder, local or a Hadoop URI; its tables are replaced.")
    ],
    master: Annotated[
        str | None, typer.Option(help="Spark master (local[4], yarn, k8s://…); default: spark-submit's or local[*].")
    ] = None,
    partitions: Annotated[int | None, typer.Option(min=1, help="Analyse tasks (default: 3 per core).")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date for inputs that have none.")] = None,
    input_format: Annotated[InputFormat, typer.Option(help="How to read the inputs.")] = InputFormat("auto"),
    max_bytes: Annotated[
        int,
        typer.Option(
            min=1,
            help="Largest input accepted, in bytes: each file, stdin, WARC record, and a .warc.gz after decompression.",
        ),
    ] = 20 * 1024**2,
    conf: Annotated[list[str] | None, typer.Option("--conf", help="Spark setting KEY=VALUE (repeatable).")] = None,
    format: Annotated[DocFormat, typer.Option("--format", help="Summary format.")] = DocFormat.table,
) -> None:
    """Analyse articles on Apache Spark and write Parquet tables to a folder: analyses, events, rejected, and the
    corpus jobs' near-duplicates and stories (signatures, duplicates, stories, story_events).

    Needs the extra: pip install 'newstrace[spark]' (and Java 17+). Load the result with `newstrace load`.
    """
    settings = dict(item.partition("=")[::2] for item in conf or [])
    if any(not key or not value for key, value in settings.items()):
        raise typer.BadParameter("expected KEY=VALUE", param_hint="--conf")
    from newstrace import spark  # pyspark itself is imported only by spark.run

    try:
        spark.require_spark()
    except spark.SparkMissing as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from None
    summary = spark.run(
        inputs,
        output,
        master=master,
        partitions=partitions,
        published=published,
        input_format=input_format.value,
        max_bytes=max_bytes,
        conf=settings,
    )
    for rejected in summary["rejected_sample"]:
        err.print(f"{rejected['input']}: {rejected['reason']}", markup=False, highlight=False)
    if summary["rejected"] > len(summary["rejected_sample"]):
        more = summary["rejected"] - len(summary["rejected_sample"])
        err.print(f"… and {more} more in {summary['output']}/rejected/", markup=False, highlight=False)
    if format is DocFormat.json:
        _print_json(summary)
    else:
        err.print(
            f"{summary['documents']} analysed ({summary['events']} events), {summary['duplicates']} duplicates, "
            f"{summary['near_duplicates']} near-duplicates in {summary['duplicate_groups']} groups, "
            f"{summary['stories']} stories, {summary['rejected']} rejected in {summary['seconds']} s "
            f"on {summary['master']} → {summary['output']}",
            markup=False,
            highlight=False,
        )
    raise typer.Exit(1 if summary["rejected"] else 0)


@app.command()
def load(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Output folder of `newstrace spark`.")],
    db: DbOption = DEFAULT_DB,
    format: Annotated[DocFormat, typer.Option("--format", help="Summary format.")] = DocFormat.table,
) -> None:
    """Store the analyses a `newstrace spark` run wrote (no Spark needed). Re-running stores nothing twice."""
    with Corpus(db) as corpus:
        report = corpus.load(directory).as_dict()
    if format is DocFormat.json:
        _print_json(report)
    else:
        where = "copied from the Spark run" if report["corpus"] == "spark" else "computed here"
        err.print(
            f"{report['read']} read, {report['stored']} stored, {report['skipped']} already stored; "
            f"near-duplicates and stories {where}",
            highlight=False,
        )


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to bind; the default answers only this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    token_env: Annotated[
        str, typer.Option(help="Environment variable holding the bearer token for writes; unset = read-only.")
    ] = "NEWSTRACE_TOKEN",
) -> None:
    """Serve the JSON API (/api, schema at /openapi.json) and the web pages (articles, events, actors).

    The token is read from the environment, never from the command line (where other users could see it).
    """
    import uvicorn

    from newstrace.api import LOOPBACK_HOSTS, create_app

    token = os.environ.get(token_env) or None
    loopback = host in ("127.0.0.1", "localhost", "::1")
    application = create_app(db, token, allowed_hosts=LOOPBACK_HOSTS if loopback else None)
    mode = "writes need the bearer token" if token else f"read-only (set {token_env} to allow writes)"
    err.print(f"serving {db} on http://{host}:{port}/ — {mode}", markup=False, highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="info")


@app.command("eval")
def eval_(
    task: Annotated[str, typer.Argument(help=f"One of: {', '.join(evaluation.TASKS)}.")],
    gold: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Gold JSONL file.")],
    split: Annotated[str | None, typer.Option(help="Only records of this split.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N records.")] = None,
) -> None:
    """Score a stage against a gold set and print the metrics as JSON."""
    if task not in evaluation.TASKS:
        raise typer.BadParameter(f"choose from {', '.join(evaluation.TASKS)}", param_hint="TASK")
    _print_json(evaluation.run(task, gold, split=split, limit=limit))


def main() -> None:
    """Entry point: Typer exits 2 on usage errors; any other failure is one line (traceback with --debug), exit 1."""
    try:
        app()
    except Exception as exc:  # one line for users; the traceback only on request
        if _state["debug"]:
            raise
        detail = str(exc).splitlines()[0] if str(exc) else ""
        err.print(f"error: {type(exc).__name__}: {detail}", markup=False, highlight=False)
        sys.exit(1)
