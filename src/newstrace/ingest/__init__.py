"""Read inputs (files, folders, globs, stdin) into ``Source`` records, one ``Rejected`` per bad input.

Reading never raises on bad data: a binary file, a broken JSONL line or a truncated WARC becomes a
``Rejected(origin, reason)`` and the rest of the batch goes on. Formats are chosen by extension, then by sniffing.
"""

from __future__ import annotations

import glob
import gzip
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newstrace.records import Rejected, Source

from .decode import DecodeError, decode_bytes
from .feeds import read_feed
from .warc import read_warc

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_TEXT_EXT = {".txt", ".text", ".md"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_FEED_EXT = {".xml", ".rss", ".atom"}
_JSONL_EXT = {".jsonl", ".ndjson"}
_WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz")
FORMATS = ("auto", "text", "html", "jsonl", "feed", "warc")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    published: str | None = None
    input_format: str = "auto"


def expand_paths(paths: Iterable[str]) -> Iterator[str | Rejected]:
    """Files as given, folders recursively (sorted, hidden files skipped), globs expanded; ``-`` is stdin."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield str(child)
        elif path.exists():
            yield raw
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield Rejected(raw, "no files match this pattern")
            for match in matches:
                if Path(match).is_file():
                    yield match
        else:
            yield Rejected(raw, "no such file or directory")


def read_inputs(paths: Iterable[str], options: ReadOptions | None = None) -> Iterator[Source | Rejected]:
    """Every article in the given inputs, in order."""
    options = options or ReadOptions()
    for item in expand_paths(paths):
        if isinstance(item, Rejected):
            yield item
            continue
        yield from read_path(item, options)


def read_path(path: str, options: ReadOptions) -> Iterator[Source | Rejected]:
    try:
        if path == "-":
            data = _read_limited(sys.stdin.buffer, options.max_bytes)
        else:
            size = os.path.getsize(path)
            if size > options.max_bytes:
                yield Rejected(path, f"file too large ({size:,} bytes > limit {options.max_bytes:,})")
                return
            with open(path, "rb") as fh:
                data = fh.read()
    except _TooLarge:
        yield Rejected(path, f"input too large (> limit {options.max_bytes:,} bytes)")
        return
    except OSError as exc:
        yield Rejected(path, f"cannot read: {exc.strerror or exc}")
        return
    yield from read_bytes(path, data, options)


class _TooLarge(Exception):
    pass


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge
    return data


def detect_format(path: str, data: bytes) -> str:
    lower = path.lower()
    suffix = Path(lower).suffix
    if lower.endswith(_WARC_SUFFIXES):
        return "warc"
    if suffix in _JSONL_EXT:
        return "jsonl"
    if suffix in _HTML_EXT:
        return "html"
    if suffix in _FEED_EXT:
        return "feed"
    if suffix in _TEXT_EXT:
        return "text"
    head = data[:2048]
    if head.startswith(b"\x1f\x8b"):
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            try:
                inner = gz.read(64)
            except (OSError, EOFError):
                inner = b""
        return "warc" if inner.startswith(b"WARC/") else "binary-gzip"
    if head.startswith(b"WARC/"):
        return "warc"
    sniff = head.lstrip().lower()
    if sniff.startswith(b"{"):
        return "jsonl"
    if sniff.startswith(b"<"):
        if b"<rss" in sniff or b"<feed" in sniff or b"<rdf:rdf" in sniff:
            return "feed"
        return "html"
    return "text"


def read_bytes(origin: str, data: bytes, options: ReadOptions) -> Iterator[Source | Rejected]:
    if not data.strip():
        yield Rejected(origin, "empty input")
        return
    fmt = options.input_format if options.input_format != "auto" else detect_format(origin, data)
    if fmt == "warc":
        yield from read_warc(origin, data, options.max_bytes)
        return
    if fmt == "binary-gzip":
        yield Rejected(origin, "gzip data that is not a WARC archive")
        return
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        yield Rejected(origin, str(exc))
        return
    if fmt == "jsonl":
        yield from read_jsonl(origin, text, options)
    elif fmt == "feed":
        yield from read_feed(origin, data, options.published)
    elif fmt == "html":
        yield Source(
            origin,
            html=text,
            published=options.published,
            published_from="input" if options.published else None,
            input_format="html",
        )
    else:
        yield Source(
            origin,
            text=text,
            published=options.published,
            published_from="input" if options.published else None,
            input_format="text",
        )


_JSONL_KEYS = ("id", "text", "html", "title", "url", "published", "date", "author", "outlet")


def read_jsonl(origin: str, text: str, options: ReadOptions) -> Iterator[Source | Rejected]:
    """One article per line; a broken line is rejected with its line number and the others are kept."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield Rejected(where, f"invalid JSON ({reason})")
            continue
        if not isinstance(record, dict):
            yield Rejected(where, "expected a JSON object")
            continue
        bad = [k for k in _JSONL_KEYS if k in record and record[k] is not None and not isinstance(record[k], str)]
        if bad:
            yield Rejected(where, f"field {bad[0]!r} must be a string")
            continue
        body_text, body_html = record.get("text"), record.get("html")
        if not (body_text or body_html):
            yield Rejected(where, "no 'text' or 'html' field")
            continue
        published = record.get("published") or record.get("date") or options.published
        yield Source(
            origin=where,
            text=body_text if body_text else None,
            html=None if body_text else body_html,
            id=record.get("id") or None,
            title=record.get("title"),
            url=record.get("url"),
            published=published,
            published_from="input" if published else None,
            author=record.get("author"),
            outlet=record.get("outlet"),
            input_format="jsonl",
        )
