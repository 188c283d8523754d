"""WARC / WARC.gz archives (as Common Crawl's CC-NEWS) through warcio: HTML responses become Sources.

WARC-Date is when the crawler fetched the page, so it is kept as ``crawl_date``, never as the publication date.
A truncated or corrupt archive keeps the records read before the damage and reports the rest as rejected.

Archives are streamed: a CC-NEWS file is about 1 GB of gzip and 5 GB of WARC, so memory holds one record at a
time, never the archive. Gzip is decompressed here, not by warcio, so what comes out can be bounded: a few
kilobytes of gzip can expand to gigabytes (a "gzip bomb"), and warcio would happily read a gigabyte-long header
line into memory. Bounds: gzip may not expand more than 100-fold, no line may be longer than 4x the per-record
limit ``max_bytes`` (and 256 MB), and, for an archive already held in memory (stdin, a Spark row), the
decompressed archive may not exceed ``max_bytes`` either.
"""

from __future__ import annotations

import contextlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

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
# Compressed bytes read from the file at a time.
_CHUNK = 1 << 16
# Decompressed bytes kept to tell whether what warcio left unread is only blank padding.
_TAIL = 1 << 16
# No line may be longer than 4x the per-record limit, nor than this: a longer one is a header "line" that warcio
# would read into memory (a record whose one-line payload is merely over the limit is rejected, the archive goes on).
_MIN_LINE_LIMIT = 256 << 20
# gzip that expands more than this is a decompression bomb, not news (CC-NEWS WARCs expand about 5-fold).
_MAX_RATIO = 100


class InflatingReader(io.RawIOBase):
    """A read-only stream of the decompressed bytes of ``raw`` (multi-member gzip, or plain bytes as they are).

    It never raises on bad data: it ends early and sets ``problem`` instead (output over ``limit``, a line over
    ``line_limit``, a first line over ``first_line_limit``, a member cut off, corrupt gzip, junk after the last
    member), so the records before the damage are still read.
    """

    def __init__(
        self,
        raw: BinaryIO,
        *,
        limit: int | None = None,
        line_limit: int | None = None,
        first_line_limit: int | None = None,
        max_ratio: int | None = None,
    ) -> None:
        super().__init__()
        self.raw, self.limit, self.line_limit, self.first_line_limit = raw, limit, line_limit, first_line_limit
        self.max_ratio = max_ratio
        self.problem: str | None = None
        self.total = 0  # decompressed bytes handed out so far
        self.tail = b""  # the last _TAIL of them
        self._raw_read = 0  # compressed bytes read so far
        self._pending = self._read_raw(_CHUNK)
        while 0 < len(self._pending) < len(_GZIP_MAGIC) and (more := self._read_raw(_CHUNK)):
            self._pending += more  # a short read must not hide the magic bytes
        self._gzip = self._pending.startswith(_GZIP_MAGIC)
        self._inflater: zlib._Decompress | None = None
        self._line = 0  # bytes since the last newline
        self._done = False

    def readable(self) -> bool:
        return True

    def _read_raw(self, size: int) -> bytes:
        data = self.raw.read(size)
        self._raw_read += len(data)
        return data

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._more(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _stop(self, problem: str | None) -> bytes:
        self.problem, self._done = problem, True
        return b""

    def _more(self, want: int) -> bytes:
        while not self._done and want > 0:
            if not self._gzip:
                out = self._pending[:want] or self._read_raw(want)
                self._pending = self._pending[len(out) :] if self._pending else b""
                if not out:
                    return self._stop(None)
                return self._checked(out)
            if not self._pending:
                self._pending = self._read_raw(_CHUNK)
                if not self._pending:
                    return self._stop("gzip data cut off (truncated archive)" if self._inflater else None)
            if self._inflater is None:  # at a member boundary
                while len(self._pending) < len(_GZIP_MAGIC) and (more := self._read_raw(_CHUNK)):
                    self._pending += more  # a read ended inside the next member's magic bytes
                if not self._pending.startswith(_GZIP_MAGIC):
                    return self._stop(self._trailing())
                self._inflater = zlib.decompressobj(_GZIP_WBITS)
            try:
                out = self._inflater.decompress(self._pending, want)
            except zlib.error as exc:
                return self._stop(f"corrupt gzip data ({exc})")
            if self._inflater.eof:
                self._pending, self._inflater = self._inflater.unused_data, None
            else:
                self._pending = self._inflater.unconsumed_tail
            if out:
                return self._checked(out)
        return b""

    def _trailing(self) -> str | None:
        """Bytes after the last gzip member: zero or blank padding is common and harmless, anything else is not."""
        size, junk = 0, False
        while self._pending:
            size += len(self._pending)
            junk = junk or bool(self._pending.strip(b"\x00\r\n\t "))
            self._pending = self._read_raw(_CHUNK)
        return f"{size:,} bytes of non-gzip data after the last gzip member" if junk else None

    def _checked(self, out: bytes) -> bytes:
        """``out`` as handed out, after the bounds: cut at the size limit, refused past a too-long line."""
        if self.limit is not None and self.total + len(out) > self.limit:
            out = out[: self.limit - self.total]
            self.problem, self._done = f"decompressed size exceeds the limit of {self.limit:,} bytes", True
        if self.max_ratio and self._gzip and self.total + len(out) > self.max_ratio * self._raw_read + _CHUNK:
            return self._stop(f"gzip data expands more than {self.max_ratio}-fold (a decompression bomb?)")
        newline = out.rfind(b"\n")
        first_line = self.first_line_limit is not None and self.total == self._line  # no newline seen yet
        self._line = self._line + len(out) if newline < 0 else len(out) - newline - 1
        first_newline_at = self.total + (out.find(b"\n") if newline >= 0 else len(out))
        if first_line and first_newline_at > self.first_line_limit:
            return self._stop(f"not a WARC archive (no header line in the first {self.first_line_limit:,} bytes)")
        if self.line_limit is not None and self._line > self.line_limit:
            return self._stop(f"a line longer than {self.line_limit:,} bytes (corrupt archive)")
        self.total += len(out)
        self.tail = (self.tail + out)[-_TAIL:]
        return out


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
    reader = InflatingReader(io.BytesIO(data), limit=limit)
    out = b"".join(iter(lambda: reader.read(_CHUNK), b""))
    return Gunzipped(out, reader.problem)


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


def read_warc(
    origin: str, stream: BinaryIO, max_bytes: int, *, archive_limit: int | None = None
) -> Iterator[Source | Rejected]:
    """Every HTML response in the archive read from ``stream``, record by record (see the module docstring)."""
    reader = InflatingReader(
        stream,
        limit=archive_limit,
        line_limit=max(4 * max_bytes, _MIN_LINE_LIMIT),
        first_line_limit=_MAX_HEADER_LINE,
        max_ratio=_MAX_RATIO,
    )
    count = read = 0
    records = ArchiveIterator(reader)
    iterator = iter(records)
    corrupt = False
    while True:
        record, complaint = _next_record(iterator)
        if complaint and not (reader.problem and record is None):  # the reader's own reason is the better one
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
        read += 1
        yield Source(
            origin=where,
            html=html,
            url=url,
            crawl_date=(record.rec_headers.get_header("WARC-Date") or "")[:10] or None,
            input_format="warc",
        )
    if not corrupt and reader.problem is None:
        for _ in iter(lambda: reader.read(_CHUNK), b""):  # warcio stops quietly at a cut-off record: find out
            pass
    unread = reader.total - records.offset
    if reader.problem:
        yield Rejected(origin, f"{reader.problem}; {read} records read before it" if read else reader.problem)
    elif not corrupt and unread > 0 and (unread > len(reader.tail) or reader.tail[-unread:].strip()):
        yield Rejected(origin, f"truncated WARC: {unread:,} bytes after record {count} unread")
