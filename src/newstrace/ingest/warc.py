"""WARC / WARC.gz archives (as Common Crawl's CC-NEWS) through warcio: HTML responses become Sources.

WARC-Date is when the crawler fetched the page, so it is kept as ``crawl_date``, never as the publication date.
A truncated or corrupt archive keeps the records read before the damage and reports the rest as rejected.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newstrace.records import Rejected, Source

from .decode import DecodeError, decode_bytes


def read_warc(origin: str, data: bytes, max_bytes: int) -> Iterator[Source | Rejected]:
    count = 0
    try:
        records = ArchiveIterator(io.BytesIO(data))
        for record in records:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in content_type:
                continue
            count += 1
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{origin}#{count}"
            body = record.content_stream().read(max_bytes + 1)
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
        if data[records.offset :].strip():  # warcio stops quietly at a cut-off gzip member
            yield Rejected(origin, f"truncated WARC: {len(data) - records.offset:,} bytes after record {count} unread")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        yield Rejected(origin, f"corrupt or truncated WARC after {count} records ({detail[:120]})")
