"""Hostile inputs for ingest: the small checked-in corpus (tests/data/nasty/), big ones made at test time, and
good synthetic articles to mix among them.

Everything is generated from a fixed seed, so the corpus is reproducible and a failure names a stable file.
Regenerate the checked-in corpus with ``python tests/fuzz/nasty.py tests/data/nasty`` (it stays < 200 KB);
``big_cases()`` are the ones too large to commit (a 2 MB single line, a 21 MB gzip bomb payload).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import random
import sys
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SEED = 20261125

_PLACES = ("Kyiv", "Kharkiv", "Gaza", "Khartoum", "Caracas", "Manila", "Niamey", "Tbilisi", "Yerevan", "Dhaka")
_ACTORS = ("police", "the army", "protesters", "the government", "rebels", "the ministry", "officials", "the UN")
_VERBS = ("met", "criticised", "attacked", "thanked", "accused", "visited", "warned", "praised")


def article(i: int) -> str:
    """A short, unique, plain-text news article: a headline, a dateline and two sentences naming ``i``."""
    rng = random.Random(SEED + i)
    place, actor, verb, other = (
        rng.choice(_PLACES),
        rng.choice(_ACTORS),
        rng.choice(_VERBS),
        rng.choice(_ACTORS),
    )
    return (
        f"Report {i}: {actor.title()} in {place}\n\n"
        f"{place.upper()} (Wire) - {actor.capitalize()} {verb} {other} in {place} on Tuesday, "
        f"officials said, in what they called event number {i}.\n"
        f"\u201cWe will respond,\u201d a spokesperson for {other} told reporters after meeting {i}.\n"
    )


def article_jsonl(ids: range) -> bytes:
    """JSONL of ``article(i)`` with ids ``good-{i}`` and a publication date, one per line."""
    lines = [
        json.dumps({"id": f"good-{i}", "text": article(i), "published": "2026-11-17", "url": f"http://x.example/{i}"})
        for i in ids
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def page(i: int) -> str:
    """``article(i)`` as a web page with navigation clutter around it."""
    body = "".join(f"<p>{line}</p>" for line in article(i).splitlines()[2:] if line)
    return (
        f"<html><head><title>Report {i}</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>Report {i}</h1>{body}{'<p>Residents described the scene in detail.</p>' * 4}</article>"
        "<footer>Copyright Wire</footer></body></html>"
    )


def warc(pages: list[tuple[str, str]], *, gzip_records: bool = True) -> bytes:
    """A WARC (gzip per record, as Common Crawl writes them) of HTML responses."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip_records)
    for number, (url, html) in enumerate(pages):
        record_id = f"<urn:uuid:{uuid.UUID(int=zlib.crc32(url.encode()) * 1000 + number)}>"  # reproducible bytes
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(html.encode()),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2026-11-20T10:00:00Z", "WARC-Record-ID": record_id},
        )
        writer.write_record(record)
    return buf.getvalue()


def _raw_warc_record(content_length: int | str, body: bytes, uri: str | None = "http://x.example/lie") -> bytes:
    head = [b"WARC/1.0", b"WARC-Type: response", b"WARC-Date: 2026-11-20T10:00:00Z"]
    if uri is not None:
        head.append(f"WARC-Target-URI: {uri}".encode())
    head.append(f"Content-Length: {content_length}".encode())
    return b"\r\n".join(head) + b"\r\n\r\n" + body + b"\r\n\r\n"


_HTTP_HTML = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"


def _gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes as gzip at maximum compression: about 1 KB per MB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\x00" * (1 << 20)
    out = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    out.append(compressor.compress(b"\x00" * (size % len(chunk))))
    out.append(compressor.flush())
    return b"".join(out)


def small_cases() -> Iterator[tuple[str, bytes]]:
    """(file name, content) of every checked-in hostile input; each under ~40 KB."""
    rng = random.Random(SEED)
    text = article(9001)
    html = page(9002)
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>One</title><link>http://x.example/1</link><description>{text}</description></item>"
        f"<item><title>Two</title><link>http://x.example/2</link><description>{text[:40]}"
    )
    good_warc = warc([("http://x.example/w1", page(9003)), ("http://x.example/w2", page(9004))])
    yield "random-1k.bin", rng.randbytes(1024)
    yield "random-4k.txt", rng.randbytes(4096)
    yield "random.html", rng.randbytes(2048)
    yield "random.jsonl", rng.randbytes(2048)
    yield "random.xml", rng.randbytes(2048)
    yield "random.warc.gz", rng.randbytes(3000)
    yield "random-gzip-header.warc.gz", b"\x1f\x8b\x08\x00" + rng.randbytes(2000)
    yield "empty.txt", b""
    yield "whitespace.txt", b" \n\t\r\n  "
    yield "truncated.html", html[: len(html) // 3].encode()
    yield "truncated-mid-tag.html", b'<html><head><title>Cut</title></head><body><article><p class="le'
    yield "utf16-le-no-bom.txt", text.encode("utf-16-le")
    yield "utf16-be-no-bom.txt", text.encode("utf-16-be")
    yield "utf16-odd-length.txt", text.encode("utf-16-le")[:-1]
    yield "utf16-bom-then-garbage.txt", codecs.BOM_UTF16_LE + b"\x00\xd8" + b"A\x00" * 20  # lone surrogate
    yield "utf8-bom-then-latin1.txt", codecs.BOM_UTF8 + "Café crème à Zürich.".encode("latin-1")
    yield "utf32-bom-truncated.txt", codecs.BOM_UTF32_LE + b"A\x00\x00"
    yield "mixed-utf8-cp1252.txt", text.encode() + " Orbán, Zürich, café “quoted”.".encode("cp1252")
    yield "mixed-utf8-utf16.txt", text.encode() + "Łódź".encode("utf-16")
    yield "nul-in-text.txt", text.encode()[:60] + b"\x00" + text.encode()[60:]
    yield "truncated-rss.xml", rss.encode()
    yield (
        "rss-bad-charrefs.xml",
        (
            b'<rss version="2.0"><channel><item><title>a&#xD800;b</title><link>http://[::1</link>'
            b"<description>x &#x110000; y</description></item></channel></rss>"
        ),
    )
    yield (
        "rss-entity-expansion.xml",
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
            b'<rss version="2.0"><channel><item><title>t</title><description>&d;&d;&d;&d;</description></item>'
            b"</channel></rss>"
        ),
    )
    yield "deep.xml", b"<rss>" + b"<a>" * 5000 + b"</rss>"
    yield "nested-5000.jsonl", b"[" * 5000 + b"]" * 5000 + b"\n" + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"\n"
    yield "huge-int.jsonl", b'{"id": "n", "text": "t", "x": ' + b"9" * 5000 + b"}\n"
    yield "lone-surrogate.jsonl", b'{"id": "s1", "text": "Kyiv \\ud800 said.", "url": "http://[::1"}\n'
    yield "wrong-types.jsonl", b'{"id": 5, "text": "x"}\n{"text": ["a"]}\n{"text": null, "html": {}}\nnull\n"str"\n'
    yield "truncated.warc.gz", good_warc[: len(good_warc) // 2 + 37]
    yield "truncated-plain.warc", warc([("http://x.example/w5", page(9005))], gzip_records=False)[:-200]
    yield "lying-length-long.warc", _raw_warc_record(999_999, _HTTP_HTML + b"<html><p>short</p></html>")
    yield "lying-length-short.warc", _raw_warc_record(40, _HTTP_HTML + b"<html><p>" + b"longer " * 30 + b"</p></html>")
    yield "negative-length.warc", _raw_warc_record(-5, _HTTP_HTML)
    yield "nonnumeric-length.warc", _raw_warc_record("abc", _HTTP_HTML)
    yield "no-target-uri.warc", _raw_warc_record(len(_HTTP_HTML), _HTTP_HTML, uri=None)
    yield "gzip-not-warc.gz", gzip.compress(text.encode(), mtime=0)
    yield "gzip-bomb.warc.gz", _gzip_bomb(21 * 1024 * 1024)  # 21 MB of zeros: above the 20 MB default limit
    yield "gzip-bomb-warc-header.warc.gz", _gzip_bomb_after_warc_header(21 * 1024 * 1024)
    yield "gzip-bomb-content-encoding.warc.gz", _content_encoding_bomb(50 * 1024 * 1024)
    quotes = (
        "\u201eWe are ready,\u201c said the minister. \u00abNon\u00bb, r\u00e9pondit-il. \u2039Yes\u203a "
        "\u300c\u306f\u3044\u300d \u201dunbalanced \u201c\u201c\u201c ''' \"\"\" `` \u2018\u2019\u2018 "
        "\u2019tis \u201a\u2018 \u275d\u275e \uff02x\uff02\n"
    )
    yield "odd-quotes.txt", (quotes * 20).encode()
    yield "controls.txt", bytes(range(32)) * 40
    separators = {"id": "ls", "text": "A\u2028B\u0085C\u2029D."}  # JSON allows them raw inside strings
    yield "line-separators.jsonl", json.dumps(separators, ensure_ascii=False).encode()
    yield "crlf.jsonl", article_jsonl(range(9100, 9102)).replace(b"\n", b"\r\n")


def _gzip_bomb_after_warc_header(size: int) -> bytes:
    """A WARC record header whose declared body is ``size`` zero bytes, all inside one gzip member."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = _raw_warc_record(size, b"")[: -len(b"\r\n\r\n")]
    out = [compressor.compress(head + _HTTP_HTML)]
    chunk = b"\x00" * (1 << 20)
    out += [compressor.compress(chunk) for _ in range(size // len(chunk))]
    out.append(compressor.flush())
    return b"".join(out)


def _content_encoding_bomb(size: int) -> bytes:
    """A WARC response whose HTTP body is ``Content-Encoding: gzip`` of ``size`` zeros: warcio inflates it."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        "http://x.example/bomb",
        "response",
        payload=io.BytesIO(_gzip_bomb(size)),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2026-11-20T10:00:00Z", "WARC-Record-ID": f"<urn:uuid:{uuid.UUID(int=7)}>"},
    )
    writer.write_record(record)
    return buf.getvalue()


def big_cases() -> Iterator[tuple[str, bytes]]:
    """Hostile inputs too big to commit; made at test time (a few MB each, under the 20 MB default limit)."""
    line = ("Officials in Kyiv said the talks would continue " * 45_000)[: 2 * 1024 * 1024]
    yield "single-line-2mb.txt", line.encode()
    yield "single-line-2mb.jsonl", json.dumps({"id": "big", "text": line}).encode()
    yield "deep-div-2mb.html", b"<html><body>" + b"<div>" * 400_000 + b"text" + b"</body></html>"


def write_corpus(folder: Path) -> list[Path]:
    """Write ``small_cases()`` into ``folder`` (the checked-in tests/data/nasty/ is made by this)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in small_cases():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "data" / "nasty")
    paths = write_corpus(out)
    print(f"wrote {len(paths)} files, {sum(p.stat().st_size for p in paths):,} bytes, to {out}")
