"""WARC / WARC.gz archives (as Common Crawl's CC-NEWS) through warcio: HTML responses become Sources.

WARC-Date is when the crawler fetched the page, so it is kept as ``crawl_date``, never as the publication date.
A truncated or corrupt archive keeps the records read before the damage and reports the rest as rejected.

Gzip is decompressed here, not by warcio, so the decompressed size can be capped: a few kilobytes of gzip can
expand to gigabytes (a "gzip bomb"), and warcio would happily read a gigabyte-long header line into memory.
The cap is the same ``max_bytes`` that limits every input, applied to the archive after decompression.
"""

from __future__ import annotations

import contextlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from newstrace.records import Rejected, Source

from .decode import DecodeError, decode_bytes, safe_url

_GZIP_MAGIC = b"\x1f\x8b"
# gzip header and trailer only (wbits 16 + 15): each member of a multi-member .warc.gz is one such stream.
_GZIP_WBITS = 31
# A WARC or ARC header line is a version or a URL line: far shorter than this.
_MAX_HEADER_LINE = 8192


@dataclass(frozen=True, slots=True)
class Gunzipped:
    """The decompressed bytes of a (multi-member) gzip stream, and why decompression stopped early, if it did."""

    data: bytes
    problem: str | None = None


def gunzip_limited(data: bytes, limit: int) -> Gunzipped:
    """Decompress every gzip member of ``data`` but never more than ``limit`` bytes of output.

    Stops at the first problem (output over the limit, a member cut off, bytes that are not gzip) and returns
    what was decompressed before it, so the records ahead of the damage are still read.
    """
    out = bytearray()
    rest = data
    while rest:
        if not rest.startswith(_GZIP_MAGIC):
            if rest.strip(b"\x00\r\n\t "):  # zero padding after the last member is common and harmless
                return Gunzipped(bytes(out), f"{len(rest):,} bytes of non-gzip data after the last gzip member")
            break
        inflater = zlib.decompressobj(_GZIP_WBITS)
        pending = rest
        try:
            while True:
                # max_length 0 would mean "no limit", but len(out) <= limit here, so it is at least 1.
                out += inflater.decompress(pending, limit + 1 - len(out))
                if len(out) > limit:
                    return Gunzipped(bytes(out[:limit]), f"decompressed size exceeds the limit of {limit:,} bytes")
                if inflater.eof:
                    rest = inflater.unused_data
                    break
                pending = inflater.unconsumed_tail
                if not pending:
                    return Gunzipped(bytes(out), "gzip data cut off (truncated archive)")
        except zlib.error as exc:
            return Gunzipped(bytes(out), f"corrupt gzip data ({exc})")
    return Gunzipped(bytes(out))


def _next_record(records: Iterator[ArcWarcRecord]) -> tuple[ArcWarcRecord | None, str | None]:
    """The next warcio record, or None at the end; the second value names what warcio complained about.

    warcio writes "Content-Length is invalid" warnings straight to stderr and, on hostile headers, raises
    whatever its parser trips over (AttributeError on a missing target URI, ValueError on a bad length...).
    Both are about the archive, not about newstrace, so both become a reason instead of noise or a traceback.
    """
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        try:
            record = next(records, None)
        except ArchiveLoadFailed as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return None, f"corrupt WARC ({detail[:120]})"
        except Exception as exc:  # any other failure inside warcio's parser is also a corrupt archive
            return None, f"corrupt WARC record headers (warcio raised {type(exc).__name__})"
    warning = captured.getvalue()
    if "Content-Length" in warning:
        return record, "a WARC record's Content-Length does not match its data"
    return record, None


def read_warc(origin: str, data: bytes, max_bytes: int) -> Iterator[Source | Rejected]:
    problem: str | None = None
    if data.startswith(_GZIP_MAGIC):
        unpacked = gunzip_limited(data, max_bytes)
        data, problem = unpacked.data, unpacked.problem
    if b"\n" not in data[:_MAX_HEADER_LINE]:  # warcio would read a header "line" of any length into memory
        reason = problem or f"not a WARC archive (no header line in the first {_MAX_HEADER_LINE:,} bytes)"
        yield Rejected(origin, reason)
        return
    count = 0
    records = ArchiveIterator(io.BytesIO(data))
    iterator = iter(records)
    corrupt = False
    while True:
        record, complaint = _next_record(iterator)
        if complaint:
            corrupt = record is None
            yield Rejected(origin, f"{complaint} after {count} records")
        if record is None:
            break
        if record.rec_type != "response" or record.http_headers is None:
            continue
        content_type = (record.http_headers.get_header("Content-Type") or "").lower()
        if "html" not in content_type:
            continue
        count += 1
        url = safe_url(record.rec_headers.get_header("WARC-Target-URI"))
        where = f"{origin}#{count}"
        try:
            body = record.content_stream().read(max_bytes + 1)
        except Exception as exc:  # warcio's chunked/gzip content decoders raise on corrupt payloads
            yield Rejected(where, f"unreadable WARC record payload ({type(exc).__name__})")
            continue
        if len(body) > max_bytes:
            yield Rejected(where, f"record too large (> limit {max_bytes:,} bytes)")
            continue
        if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than Content-Length: cut off
            yield Rejected(where, "truncated WARC record (fewer bytes than its Content-Length)")
            continue
        try:
            html = decode_bytes(body)
        except DecodeError as exc:
            yield Rejected(where, str(exc))
            continue
        yield Source(
            origin=where,
            html=html,
            url=url,
            crawl_date=(record.rec_headers.get_header("WARC-Date") or "")[:10] or None,
            input_format="warc",
        )
    if problem:
        yield Rejected(origin, f"{problem}; {count} records read before it")
    elif not corrupt and data[records.offset :].strip():  # warcio stops quietly at a cut-off record
        yield Rejected(origin, f"truncated WARC: {len(data) - records.offset:,} bytes after record {count} unread")
