"""Regenerate examples/demo/warc/demo.warc.gz from the HTML pages in examples/warc_src/.

Usage (from the repository root):

    python examples/make_demo_warc.py

Needs the ``warcio`` package. The output is deterministic: record IDs are derived from the target
URI, record dates are fixed, and warcio's per-record gzip members carry no timestamp, so running the
script twice gives a byte-identical file.

The archive holds, in order:

* one ``warcinfo`` record;
* one ``request`` record (``GET``) for the first page, linked to its response by ``WARC-Concurrent-To``;
* one ``response`` record per page in ``examples/warc_src/`` (``HTTP/1.1 200 OK``,
  ``Content-Type: text/html; charset=utf-8``).

Each page's ``WARC-Target-URI`` is read from its ``<link rel="canonical">`` and must be under
``http://demo.example/``.
"""

from __future__ import annotations

import re
import uuid
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DEMO = Path(__file__).resolve().parent / "demo"
SRC = DEMO.parent / "warc_src"
OUT = DEMO / "warc" / "demo.warc.gz"
CRAWL_DATE = "2024-12-20T12:00:{:02d}Z"
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


def record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(parts))}>"


def main() -> None:
    pages = sorted(SRC.glob("*.html"))
    if not pages:
        raise SystemExit(f"no HTML pages in {SRC}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = (
            b"software: newstrace examples/make_demo_warc.py (warcio)\r\n"
            b"format: WARC File Format 1.0\r\n"
            b"description: newstrace demo corpus - fictional-prose news pages, CC0 1.0\r\n"
            b"isPartOf: newstrace-demo\r\n"
        )
        writer.write_record(
            writer.create_warc_record(
                "",
                "warcinfo",
                payload=BytesIO(info),
                length=len(info),
                warc_content_type="application/warc-fields",
                warc_headers_dict={
                    "WARC-Filename": OUT.name,
                    "WARC-Date": CRAWL_DATE.format(0),
                    "WARC-Record-ID": record_id("warcinfo", OUT.name),
                },
            )
        )
        for i, page in enumerate(pages, start=1):
            body = page.read_bytes()
            m = CANONICAL.search(body.decode("utf-8"))
            if not m or not m.group(1).startswith("http://demo.example/"):
                raise SystemExit(f"{page.name}: missing or non-demo canonical URL")
            uri = m.group(1)
            date = CRAWL_DATE.format(i * 2)
            resp_id = record_id("response", uri)
            if i == 1:
                path = uri.split("demo.example", 1)[1]
                req_headers = StatusAndHeaders(
                    f"GET {path} HTTP/1.1",
                    [
                        ("Host", "demo.example"),
                        ("User-Agent", "newstrace-demo-crawler/1.0"),
                        ("Accept", "text/html,application/xhtml+xml"),
                        ("Accept-Language", "en"),
                    ],
                    is_http_request=True,
                )
                writer.write_record(
                    writer.create_warc_record(
                        uri,
                        "request",
                        http_headers=req_headers,
                        warc_headers_dict={
                            "WARC-Date": date,
                            "WARC-Record-ID": record_id("request", uri),
                            "WARC-Concurrent-To": resp_id,
                        },
                    )
                )
            http_headers = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("Server", "demo-httpd"),
                    ("Date", "Fri, 20 Dec 2024 12:00:00 GMT"),
                ],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=BytesIO(body),
                    length=len(body),
                    http_headers=http_headers,
                    warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": resp_id},
                )
            )
    print(f"wrote {OUT} ({len(pages)} responses)")


if __name__ == "__main__":
    main()
