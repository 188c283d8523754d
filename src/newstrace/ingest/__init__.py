"""Read inputs (files, folders, globs, stdin) into ``Source`` records, one ``Rejected`` per bad input.

Reading never raises on bad data: a binary file, a broken JSONL line or a truncated WARC becomes a
``Rejected(origin, reason)`` and the rest of the batch goes on. Formats are chosen by extension, then by sniffing.
"""

from __future__ import annotations

import codecs
import glob
import io
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newstrace.records import Rejected, Source

from .decode import DecodeError, decode_bytes, looks_utf16, safe_url, scrub
from .feeds import read_feed
from .warc import gunzip_limited, read_warc

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
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):  # /dev/zero never ends, a FIFO blocks until someone writes
                yield Rejected(path, "not a regular file")
                return
            with open(path, "rb") as fh:
                if _is_warc(path, fh.read(2048), options):
                    fh.seek(0)
                    yield from read_warc(path, fh, options.max_bytes)  # streamed: any size, one record in memory
                    return
                if info.st_size > options.max_bytes:
                    yield Rejected(path, f"file too large ({info.st_size:,} bytes > limit {options.max_bytes:,})")
                    return
                fh.seek(0)
                data = _read_limited(fh, options.max_bytes)  # a file growing while it is read stays bounded
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


def _is_warc(path: str, head: bytes, options: ReadOptions) -> bool:
    """Whether a file is read as a WARC archive (by ``--input-format``, else by name or by its first bytes)."""
    if options.input_format != "auto":
        return options.input_format == "warc"
    return bool(head.strip()) and detect_format(path, head) == "warc"


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
        inner = gunzip_limited(data, 64).data  # never raises: corrupt gzip gives what came before the damage
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
        yield from read_warc(origin, io.BytesIO(data), options.max_bytes, archive_limit=options.max_bytes)
        return
    if fmt == "binary-gzip":
        yield Rejected(origin, "gzip data that is not a WARC archive")
        return
    if fmt == "jsonl":
        yield from read_jsonl_bytes(origin, data, options)
        return
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        yield Rejected(origin, str(exc))
        return
    if fmt == "feed":
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


# Share of control bytes (not whitespace) above which a whole JSONL file is binary junk: rejected once, not
# line by line (random bytes hold a "\n" every 256 bytes on average, one rejection each). Random data has ~10%.
_BINARY_CONTROL_SHARE = 0.05
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v")


def _control_share(data: bytes) -> float:
    return (len(data) - len(data.translate(None, _CONTROL_BYTES))) / max(len(data), 1)


def read_jsonl_bytes(origin: str, data: bytes, options: ReadOptions) -> Iterator[Source | Rejected]:
    """JSONL decoded line by line, so one line of binary junk or another encoding costs only that line.

    Decoding the whole file at once would reject every good line with the bad one, or (worse) let the encoding
    guesser read the whole file as cp1252 because of one stray byte and garble every good line.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or looks_utf16(data[:4096]):
        try:  # UTF-16/32 JSONL is rare but valid to ask for; it cannot be split on b"\n" bytes
            text = decode_bytes(data)
        except DecodeError as exc:
            yield Rejected(origin, str(exc))
            return
        yield from read_jsonl(origin, text, options)
        return
    if _control_share(data) > _BINARY_CONTROL_SHARE:
        yield Rejected(origin, "binary data, not text")
        return
    for number, raw in enumerate(data.removeprefix(codecs.BOM_UTF8).split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = _decode_jsonl_line(raw)
        except DecodeError as exc:
            yield Rejected(f"{origin}:{number}", str(exc))
            continue
        yield _jsonl_record(f"{origin}:{number}", line, options)


def _decode_jsonl_line(raw: bytes) -> str:
    """UTF-8 as JSON requires; a line that is not gets cp1252 (the usual legacy encoding of news text, and one
    line is too little for an encoding guesser to tell cp1252 from cp1250), then the guesser."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return decode_bytes(raw)


def read_jsonl(origin: str, text: str, options: ReadOptions) -> Iterator[Source | Rejected]:
    """One article per line; a broken line is rejected with its line number and the others are kept.

    Lines end at "\n" only: ``str.splitlines`` would also split at U+2028, U+0085 and other characters that
    JSON allows raw inside strings (``json.dumps(..., ensure_ascii=False)`` writes them), breaking good records.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield _jsonl_record(f"{origin}:{number}", line, options)


def _jsonl_record(where: str, line: str, options: ReadOptions) -> Source | Rejected:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejected(where, f"invalid JSON ({exc.msg})")
    except RecursionError:
        return Rejected(where, "invalid JSON (nested too deeply)")
    except ValueError as exc:  # e.g. an integer literal longer than Python's 4,300-digit conversion limit
        return Rejected(where, f"invalid JSON ({str(exc).split(':')[0]})")
    if not isinstance(record, dict):
        return Rejected(where, "expected a JSON object")
    bad = [k for k in _JSONL_KEYS if k in record and record[k] is not None and not isinstance(record[k], str)]
    if bad:
        return Rejected(where, f"field {bad[0]!r} must be a string")
    body_text, body_html = record.get("text"), record.get("html")
    if not (body_text or body_html):
        return Rejected(where, "no 'text' or 'html' field")
    published = scrub(record.get("published") or record.get("date") or options.published)
    return Source(
        origin=where,
        text=scrub(body_text) if body_text else None,
        html=None if body_text else scrub(body_html),
        id=scrub(record.get("id")) or None,
        title=scrub(record.get("title")),
        url=safe_url(record.get("url")),
        published=published,
        published_from="input" if published else None,
        author=scrub(record.get("author")),
        outlet=scrub(record.get("outlet")),
        input_format="jsonl",
    )
