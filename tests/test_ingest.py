"""Readers: every input format, and bad inputs rejected one by one without losing the good ones."""

from __future__ import annotations

import gzip
import io
import json
import os
import tracemalloc
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.ingest import ReadOptions, detect_format, read_bytes, read_inputs
from newstrace.records import Rejected, Source

ARTICLE = "Russia launched drones at Kyiv on Saturday, Ukrainian officials said."
PAGE = (
    "<html><head><title>Drone attack</title></head><body><nav>Home | World</nav>"
    f"<article><h1>Drone attack</h1><p>{ARTICLE} " + "The attack damaged power lines. " * 10 + "</p></article>"
    "</body></html>"
)


def read(paths: list[Path | str], **kw: object) -> list[Source | Rejected]:
    return list(read_inputs([str(p) for p in paths], ReadOptions(**kw)))  # type: ignore[arg-type]


def make_warc(pages: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(html.encode()),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-11-20T10:00:00Z"},
        )
        writer.write_record(record)
    return buf.getvalue()


def test_plain_text_and_html(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE, encoding="utf-8")
    got = read([tmp_path])
    assert [type(s) for s in got] == [Source, Source]
    assert got[0].text == ARTICLE and got[0].input_format == "text"
    assert got[1].html == PAGE and got[1].input_format == "html"


def test_encodings_are_decoded(tmp_path: Path) -> None:
    text = "Zelensky met Orbán in Brüssel — « talks »."
    (tmp_path / "latin.txt").write_bytes("Café crème in Zürich, Orbán said. ".encode("cp1252") * 5)
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    got = read([tmp_path])
    assert all(isinstance(s, Source) for s in got), got
    assert "Orbán" in got[0].text and "Zürich" in got[0].text
    assert got[1].text == text


def test_jsonl_keeps_good_lines_and_names_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": ARTICLE, "published": "2024-11-17", "url": "http://x.example/1"}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "h1", "html": PAGE}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "n1", "title": "no body"}),
        "[" * 5000 + "]" * 5000,
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    got = read([path])
    good = [s for s in got if isinstance(s, Source)]
    bad = [s for s in got if isinstance(s, Rejected)]
    assert [s.id for s in good] == ["a1", "h1"]
    assert good[0].published == "2024-11-17" and good[1].html == PAGE
    assert [b.origin for b in bad] == [f"{path}:2", f"{path}:4", f"{path}:5", f"{path}:6"]


def test_feeds(tmp_path: Path) -> None:
    rss = tmp_path / "feed.xml"
    rss.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Demo Wire</title>'
        "<item><title>One</title><link>http://x.example/1</link>"
        "<pubDate>Sun, 17 Nov 2024 09:00:00 GMT</pubDate>"
        f"<description>{ARTICLE}</description></item></channel></rss>",
        encoding="utf-8",
    )
    atom = tmp_path / "atom.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        '<entry><title>Two</title><link href="http://x.example/2"/><published>2024-11-18T10:00:00Z</published>'
        f'<content type="html">&lt;p&gt;{ARTICLE}&lt;/p&gt;</content></entry></feed>',
        encoding="utf-8",
    )
    notfeed = tmp_path / "config.xml"
    notfeed.write_text('<?xml version="1.0"?><config><a>1</a></config>', encoding="utf-8")
    got = read([rss, atom, notfeed])
    assert isinstance(got[0], Source) and got[0].published == "2024-11-17" and got[0].outlet == "Demo Wire"
    assert got[0].url == "http://x.example/1" and got[0].title == "One"
    assert isinstance(got[1], Source) and got[1].published == "2024-11-18" and "Kyiv" in (got[1].html or "")
    assert isinstance(got[2], Rejected) and "not" in got[2].reason


def test_warc_records_and_truncation(tmp_path: Path) -> None:
    data = make_warc([("http://x.example/1", PAGE), ("http://x.example/2", PAGE.replace("Kyiv", "Kharkiv"))])
    good = tmp_path / "a.warc.gz"
    good.write_bytes(data)
    got = read([good])
    assert [s.url for s in got] == ["http://x.example/1", "http://x.example/2"]
    assert all(isinstance(s, Source) and s.crawl_date == "2024-11-20" and s.published is None for s in got)
    truncated = tmp_path / "b.warc.gz"
    first_len = len(make_warc([("http://x.example/1", PAGE)]))
    truncated.write_bytes(data[: first_len + 60])
    got = read([truncated])
    assert isinstance(got[0], Source)
    assert isinstance(got[-1], Rejected) and "truncated" in got[-1].reason


def test_warc_files_are_streamed_past_the_size_limit(tmp_path: Path) -> None:
    """A CC-NEWS file is ~1 GB of gzip: the size limit applies to each record, not to the archive."""
    pages = [(f"http://x.example/{i}", PAGE.replace("Kyiv", f"Kyiv {i}")) for i in range(40)]
    for name, data in (("big.warc.gz", make_warc(pages)), ("big.warc", gzip.decompress(make_warc(pages)))):
        path = tmp_path / name
        path.write_bytes(data)
        limit = len(data) // 10  # the archive is 10x the limit; every record is well under it
        got = read([path], max_bytes=limit)
        assert [s.url for s in got] == [u for u, _ in pages], got[-1]
        one_record_too_big = read([path], max_bytes=len(PAGE) // 2)
        assert len(one_record_too_big) == 40 and all(isinstance(r, Rejected) for r in one_record_too_big)
        assert "too large" in one_record_too_big[0].reason or "line longer" in one_record_too_big[0].reason
        stdin_like = list(read_bytes(name, data, ReadOptions(max_bytes=limit)))  # in memory: the limit holds
        assert isinstance(stdin_like[-1], Rejected) and "exceeds the limit" in stdin_like[-1].reason


def test_warc_streaming_holds_one_record_not_the_archive(tmp_path: Path) -> None:
    body = "<p>" + "The attack damaged power lines across the region. " * 100 + "</p>"  # ~5 KB a page
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(
        make_warc([(f"http://x.example/{i}", PAGE.replace("</article>", body + "</article>")) for i in range(1500)])
    )
    size = len(gzip.decompress(path.read_bytes()))
    tracemalloc.start()
    count = sum(1 for s in read_inputs([str(path)], ReadOptions(max_bytes=100_000)) if isinstance(s, Source))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 1500 and size > 7_000_000
    assert peak < size / 5, (peak, size)


def test_bad_files_are_rejected_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "binary.bin").write_bytes(os.urandom(900))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_text("x" * 2000, encoding="utf-8")
    (tmp_path / "fake.gz").write_bytes(gzip.compress(b"hello"))
    got = {Path(r.origin).name: r.reason for r in read([tmp_path], max_bytes=1000) if isinstance(r, Rejected)}
    assert set(got) == {"binary.bin", "empty.txt", "big.txt", "fake.gz"}
    assert "binary" in got["binary.bin"] or "encoding" in got["binary.bin"]
    assert "empty" in got["empty.txt"] and "too large" in got["big.txt"]
    assert read([tmp_path / "missing.txt"])[0] == Rejected(str(tmp_path / "missing.txt"), "no such file or directory")


def test_format_sniffing_without_extension() -> None:
    assert detect_format("x", b"<rss version='2.0'>") == "feed"
    assert detect_format("x", b"  <!doctype html><html>") == "html"
    assert detect_format("x", b'{"id": 1}') == "jsonl"
    assert detect_format("x", b"WARC/1.0\r\n") == "warc"
    assert detect_format("x", b"Plain words.") == "text"
