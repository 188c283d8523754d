"""Property-based fuzzing of every reader, the extractor and the date normaliser, plus one regression test per
crash the fuzzing found (docs/reliability.md lists them).

CI runs a short budget (a few hundred cases in all, derandomized so a red CI is reproducible). For a long run:
``NEWSTRACE_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py --hypothesis-show-statistics`` (``make fuzz``), which
also randomizes, so each long run explores new inputs.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import gzip
import io
import json
import os
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.nasty import article, article_jsonl, big_cases, page, small_cases, warc
from newstrace.extract import ExtractionError, Extractor
from newstrace.extract.dates import find_text_date, normalise_date
from newstrace.ingest import FORMATS, ReadOptions, detect_format, read_bytes, read_inputs
from newstrace.ingest.decode import decode_bytes, safe_url, scrub
from newstrace.ingest.warc import InflatingReader, gunzip_limited
from newstrace.records import Rejected, Source

NASTY = Path(__file__).resolve().parent / "data" / "nasty"
#: Examples per property test. CI: the default; ``make fuzz``: thousands.
EXAMPLES = int(os.environ.get("NEWSTRACE_FUZZ_EXAMPLES", "60"))
LONG_RUN = "NEWSTRACE_FUZZ_EXAMPLES" in os.environ


def fuzz_settings(share: float = 1.0) -> settings:
    """``share`` of the budget: slow targets (trafilatura) get fewer examples than the byte readers."""
    return settings(
        max_examples=max(10, int(EXAMPLES * share)),
        deadline=None,
        derandomize=not LONG_RUN,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


NAMES = ("in", "in.txt", "in.html", "in.xml", "in.rss", "in.jsonl", "in.warc", "in.warc.gz", "in.gz")
OPTIONS = [ReadOptions(input_format=f, max_bytes=64 * 1024) for f in FORMATS]


def assert_well_formed(items: list[Source | Rejected]) -> None:
    """What every later stage relies on: each item is a Source or a Rejected, and every string can be stored."""
    for item in items:
        assert isinstance(item, Source | Rejected), item
        if isinstance(item, Rejected):
            assert item.origin and item.reason
            item.reason.encode("utf-8")
            continue
        assert (item.text is None) != (item.html is None), item
        for value in (item.text, item.html, item.id, item.title, item.url, item.published, item.author, item.outlet):
            if value is not None:
                value.encode("utf-8")  # no lone surrogates: hashing and SQLite need encodable text
        if item.url is not None:
            urlsplit(item.url).hostname  # noqa: B018 - outlet_of() parses it: must not raise


# -- property tests -------------------------------------------------------------------------------------------


@fuzz_settings()
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES), options=st.sampled_from(OPTIONS))
def test_read_bytes_never_raises_on_random_bytes(data: bytes, name: str, options: ReadOptions) -> None:
    assert_well_formed(list(read_bytes(name, data, options)))


@functools.cache
def _seeds() -> list[tuple[str, bytes]]:
    """Valid inputs of every format, as mutation starting points (random bytes rarely get past a sniffer).

    Made once per session: Hypothesis replays a case from its draws, so the seeds must not change between draws.
    """
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>T</title>'
        f"<link>http://x.example/1</link><pubDate>Sun, 17 Nov 2024 09:00:00 GMT</pubDate>"
        f"<description>{article(1)}</description></item></channel></rss>"
    )
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry>'
        '<title>T</title><link href="http://x.example/2"/><published>2024-11-18T10:00:00Z</published>'
        f'<content type="html">&lt;p&gt;{article(2)}&lt;/p&gt;</content></entry></feed>'
    )
    return [
        ("in.txt", article(0).encode()),
        ("in.html", page(3).encode()),
        ("in.xml", rss.encode()),
        ("in.atom", atom.encode()),
        ("in.jsonl", article_jsonl(range(4, 7))),
        ("in.warc.gz", warc([("http://x.example/7", page(7)), ("http://x.example/8", page(8))])),
        ("in.warc", warc([("http://x.example/9", page(9))], gzip_records=False)),
        ("in.txt", article(10).encode("utf-16")),
    ]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid input damaged by a few truncations, byte flips, insertions, deletions and duplications."""
    name, data = draw(st.sampled_from(_seeds()))
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("truncate", "flip", "insert", "delete", "duplicate")))
        at = draw(st.integers(0, max(len(buf) - 1, 0)))
        if op == "truncate":
            del buf[at:]
        elif op == "flip" and buf:
            buf[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            buf[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete":
            del buf[at : at + draw(st.integers(1, 256))]
        else:
            buf[at:at] = buf[at : at + draw(st.integers(1, 512))]
    return name, bytes(buf)


@fuzz_settings()
@given(case=mutated())
def test_read_bytes_never_raises_on_damaged_inputs(case: tuple[str, bytes]) -> None:
    name, data = case
    assert_well_formed(list(read_bytes(name, data, ReadOptions())))


_HTML_BITS = st.sampled_from(
    ["<p>", "</p>", "<div>", "</div>", "<article>", "<script>", "<!--", "-->", "<![CDATA[", "&amp;", "&#0;",
     "&#x110000;", "<meta property='article:published_time' content='", "'>", "<title>", "</title>", "\n", " ",
     "Kyiv said on Monday that talks failed.", "\u201cquote\u201d", "\u00ab", "\u00bb", "\x00", "\x0c"]
)  # fmt: skip
_URLS = st.one_of(st.none(), st.sampled_from(["http://x.example/a", "https://www.bbc.co.uk/news/1", "ftp://h/x"]))


@st.composite
def sources(draw: st.DrawFn) -> Source:
    """Sources as the readers produce them: any text, HTML-ish soup, and odd metadata."""
    body = draw(st.one_of(st.text(max_size=800), st.lists(st.one_of(_HTML_BITS, st.text(max_size=20))).map("".join)))
    is_html = draw(st.booleans())
    return Source(
        origin="fuzz",
        text=None if is_html else body,
        html=body if is_html else None,
        id=draw(st.one_of(st.none(), st.text(min_size=1, max_size=10))),
        title=draw(st.one_of(st.none(), st.text(max_size=40))),
        url=draw(_URLS),
        published=draw(st.one_of(st.none(), st.text(max_size=30), st.dates().map(str))),
        published_from="input",
        outlet=draw(st.one_of(st.none(), st.text(max_size=20))),
        input_format="html" if is_html else "text",
    )


@fuzz_settings(share=0.5)
@given(source=sources())
def test_extractor_raises_only_extraction_error(source: Source) -> None:
    try:
        document, _ = Extractor().extract(source)
    except ExtractionError:
        return
    assert document.text.strip() and document.id and len(document.content_hash) == 64
    assert document.published is None or normalise_date(document.published) == document.published


_GOOD = st.builds(
    lambda n, text: {"id": f"g{n}", "text": text or "x", "url": f"http://x.example/{n}"},
    st.integers(0, 10**6),
    st.text(min_size=1, max_size=200).filter(str.strip),
)
_BAD_LINE = st.one_of(
    st.binary(min_size=1, max_size=200).filter(lambda b: b.strip() and b"\n" not in b),
    st.sampled_from([b"{", b"[]", b"null", b'{"id": 1, "text": "x"}', b'{"title": "no body"}', b"[" * 3000]),
)


@fuzz_settings()
@given(
    lines=st.lists(st.one_of(_GOOD, _BAD_LINE), min_size=1, max_size=12),
    ensure_ascii=st.booleans(),
    crlf=st.booleans(),
)
def test_jsonl_keeps_good_lines_around_bad_ones(
    lines: list[dict[str, str] | bytes], ensure_ascii: bool, crlf: bool
) -> None:
    encoded = [ln if isinstance(ln, bytes) else json.dumps(ln, ensure_ascii=ensure_ascii).encode() for ln in lines]
    data = (b"\r\n" if crlf else b"\n").join(encoded)
    got = list(read_bytes("f.jsonl", data, ReadOptions()))
    assert_well_formed(got)
    sources_by_line = {int(s.origin.rsplit(":", 1)[1]): s for s in got if isinstance(s, Source)}
    if len(got) == 1 and isinstance(got[0], Rejected) and got[0].origin == "f.jsonl":
        # the junk lines outweigh the good ones so much that the file is binary: rejected as a whole, once
        assert sum(len(b) for b in encoded if isinstance(b, bytes)) > 0
        return
    for number, line in enumerate(lines, start=1):
        if isinstance(line, dict):
            assert sources_by_line[number].id == line["id"]
            assert sources_by_line[number].text == scrub(line["text"])


@fuzz_settings()
@given(value=st.one_of(st.text(max_size=60), st.from_regex(r"\d{1,5}-\d{1,2}-\d{1,2}.{0,10}", fullmatch=True)))
def test_dates_never_raise_and_are_iso(value: str) -> None:
    for found in (normalise_date(value), find_text_date(value)):
        assert found is None or normalise_date(found) == found


@fuzz_settings()
@given(data=st.binary(max_size=2048))
def test_decode_bytes_gives_text_or_decode_error(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except ValueError as exc:
        assert type(exc).__name__ == "DecodeError"
        return
    assert "\x00" not in text and "\r\n" not in text


# -- the checked-in corpus and the big cases ------------------------------------------------------------------


def test_checked_in_corpus_is_current_and_small() -> None:
    """tests/data/nasty/ is exactly what tests/fuzz/nasty.py makes, and stays small enough to commit."""
    expected = dict(small_cases())
    on_disk = {p.name: p.read_bytes() for p in NASTY.iterdir()}
    hint = "regenerate with: python tests/fuzz/nasty.py tests/data/nasty"
    assert set(on_disk) == set(expected), hint
    # compressed files may differ byte for byte under another zlib build; the rest must match exactly
    assert all(on_disk[n] == expected[n] for n in on_disk if not n.endswith(".gz")), hint
    assert sum(len(b) for b in on_disk.values()) < 200_000


@pytest.mark.parametrize("path", sorted(NASTY.iterdir()), ids=lambda p: p.name)
def test_nasty_file_is_read_and_extracted_without_exceptions(path: Path) -> None:
    items = list(read_bytes(path.name, path.read_bytes(), ReadOptions()))
    assert_well_formed(items)
    extractor = Extractor()
    for item in items:
        if isinstance(item, Source):
            with contextlib.suppress(ExtractionError):
                extractor.extract(item)


@pytest.mark.parametrize("name", [n for n, _ in big_cases()])
def test_big_hostile_inputs_are_read_within_limits(name: str) -> None:
    data = dict(big_cases())[name]
    items = list(read_bytes(name, data, ReadOptions()))
    assert_well_formed(items)
    assert not any(isinstance(i, Rejected) for i in items) or name.endswith(".html")


# -- regression tests: one per crash or wrong result the fuzzing found ----------------------------------------


def test_gzip_bomb_is_capped_at_max_bytes() -> None:
    bomb = (NASTY / "gzip-bomb.warc.gz").read_bytes()  # 21 KB that inflates to 21 MB
    unpacked = gunzip_limited(bomb, 1_000_000)
    assert len(unpacked.data) == 1_000_000 and "exceeds the limit" in (unpacked.problem or "")
    got = list(read_bytes("bomb.warc.gz", bomb, ReadOptions(max_bytes=1_000_000)))  # stops after 8 KB of zeros
    assert got == [Rejected("bomb.warc.gz", "not a WARC archive (no header line in the first 8,192 bytes)")]


def test_gzip_bomb_inside_a_warc_record_keeps_earlier_records() -> None:
    good = warc([("http://x.example/1", page(1))])
    got = list(read_bytes("a.warc.gz", good + (NASTY / "gzip-bomb-warc-header.warc.gz").read_bytes(), ReadOptions()))
    assert isinstance(got[0], Source) and got[0].url == "http://x.example/1"
    assert any("expands more than 100-fold" in r.reason for r in got if isinstance(r, Rejected))


def test_gzip_bomb_file_is_stopped_by_its_expansion_not_read_for_hours(tmp_path: Path) -> None:
    """A streamed file has no archive-size cap: gzip of blank lines (no long line, ~1000-fold) must still stop."""
    good = warc([("http://x.example/1", page(1))])
    path = tmp_path / "blank-bomb.warc.gz"
    path.write_bytes(good + gzip.compress(b"\r\n" * 20_000_000))  # 40 MB of blank lines in ~40 KB
    got = list(read_inputs([str(path)], ReadOptions()))
    assert isinstance(got[0], Source) and got[0].url == "http://x.example/1"
    assert isinstance(got[-1], Rejected) and "expands more than 100-fold" in got[-1].reason


def test_a_record_with_one_long_line_does_not_end_the_archive(tmp_path: Path) -> None:
    """A one-line payload over the record limit rejects that record; the records after it are still read."""
    pages = [("http://x.example/1", page(1)), ("http://x.example/2", "<p>" + "x" * 100_000 + "</p>")]
    pages += [("http://x.example/3", page(3)), ("http://x.example/4", page(4))]
    path = tmp_path / "long-line.warc.gz"
    path.write_bytes(warc(pages))
    got = list(read_inputs([str(path)], ReadOptions(max_bytes=20_000)))
    assert [s.url for s in got if isinstance(s, Source)] == [
        "http://x.example/1",
        "http://x.example/3",
        "http://x.example/4",
    ]
    assert [r.reason for r in got if isinstance(r, Rejected)] == ["record too large (> limit 20,000 bytes)"]


class _Trickle(io.RawIOBase):
    """A file that returns at most a few bytes per read, as a pipe or a network stream may."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step, self.at = data, step, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        out = self.data[self.at : self.at + min(self.step, size if size > 0 else self.step)]
        self.at += len(out)
        return out


@pytest.mark.parametrize("step", [1, 2, 3, 7])
def test_gzip_members_split_anywhere_by_short_reads(step: int) -> None:
    """Was: a read that ended between a member's two magic bytes read as junk after the last member (a CI flake)."""
    data = b"".join(gzip.compress(f"member {i}\n".encode() * 50) for i in range(20))
    reader = InflatingReader(_Trickle(data, step))
    out = b"".join(iter(lambda: reader.read(4096), b""))
    assert reader.problem is None and out == b"".join(f"member {i}\n".encode() * 50 for i in range(20))


def test_a_long_first_header_line_read_in_small_pieces_is_measured_once() -> None:
    """Was: bytes before the first newline were counted twice, refusing a 7 KB first line as over 8 KB."""
    reader = InflatingReader(io.BytesIO(b"W" * 7000 + b"\n" + b"rest"), first_line_limit=8192)
    assert b"".join(iter(lambda: reader.read(3000), b"")).endswith(b"rest") and reader.problem is None


def test_content_encoding_bomb_inside_a_warc_record_is_capped() -> None:
    """A 1 KB archive whose HTTP body is gzip of 50 MB: warcio inflates the body, read() stops at the limit."""
    data = (NASTY / "gzip-bomb-content-encoding.warc.gz").read_bytes()
    got = list(read_bytes("c.warc.gz", data, ReadOptions(max_bytes=1_000_000)))
    assert got == [Rejected("c.warc.gz#1", "record too large (> limit 1,000,000 bytes)")]


def test_multi_member_gzip_and_trailing_padding() -> None:
    data = gzip.compress(b"WARC/") + gzip.compress(b"1.0") + b"\x00" * 16
    assert gunzip_limited(data, 100).data == b"WARC/1.0" and gunzip_limited(data, 100).problem is None
    assert "cut off" in (gunzip_limited(gzip.compress(b"x" * 1000)[:-12], 10_000).problem or "")


def test_corrupt_gzip_is_sniffed_not_raised() -> None:
    """Was: zlib.error escaped detect_format for a gzip header followed by junk."""
    assert detect_format("x", b"\x1f\x8b\x08\x00" + b"\xff" * 100) == "binary-gzip"


def test_warc_record_without_target_uri_is_rejected() -> None:
    """Was: AttributeError from inside warcio (a response record with no WARC-Target-URI)."""
    got = list(read_bytes("n.warc", (NASTY / "no-target-uri.warc").read_bytes(), ReadOptions()))
    assert [type(g) for g in got] == [Rejected] and "corrupt WARC" in got[0].reason


def test_warc_content_length_warning_becomes_a_reason(capfd: pytest.CaptureFixture[str]) -> None:
    """Was: warcio printed 'Record not followed by newline' straight to stderr, with no Rejected."""
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.example/\r\nContent-Length: 60\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>this body is longer than sixty bytes</html>\r\n\r\n"
    )
    got = list(read_bytes("s.warc", record, ReadOptions()))
    assert capfd.readouterr().err == ""
    assert any(isinstance(g, Rejected) and "Content-Length" in g.reason for g in got)


def test_warc_header_line_bomb_is_not_read_into_memory() -> None:
    got = list(read_bytes("z.warc", b"WARC/1.0" + b"\x00" * 100_000, ReadOptions()))
    assert got == [Rejected("z.warc", "not a WARC archive (no header line in the first 8,192 bytes)")]


@pytest.mark.parametrize("charref", [b"&#xD800;", b"&#x110000;", b"&#99999999999999999999;"])
def test_feed_with_impossible_character_reference_is_rejected(charref: bytes) -> None:
    """Was: UnicodeEncodeError / ValueError / OverflowError from feedparser's loose parser."""
    feed = b'<rss version="2.0"><channel><item><title>a' + charref + b"</title><description>x</description>"
    got = list(read_bytes("f.xml", feed + b"</item></channel></rss>", ReadOptions()))
    assert len(got) == 1 and isinstance(got[0], Rejected) and "feedparser raised" in got[0].reason


def test_jsonl_integer_over_python_digit_limit_is_one_bad_line() -> None:
    """Was: ValueError (int max str digits) escaped read_jsonl and lost the whole file."""
    data = b'{"id": "n", "text": "t", "x": ' + b"9" * 5000 + b"}\n" + article_jsonl(range(1))
    got = list(read_bytes("h.jsonl", data, ReadOptions()))
    assert isinstance(got[0], Rejected) and got[0].origin == "h.jsonl:1"
    assert isinstance(got[1], Source) and got[1].id == "good-0"


def test_jsonl_lone_surrogate_and_bad_url_are_made_safe() -> None:
    """Was: a JSON "\\ud800" escape reached content_hash() (UnicodeEncodeError); "http://[::1" reached
    outlet_of() (ValueError). Both crashed the ingest of the whole batch."""
    got = list(read_bytes("s.jsonl", (NASTY / "lone-surrogate.jsonl").read_bytes(), ReadOptions()))
    assert isinstance(got[0], Source) and got[0].text == "Kyiv \ufffd said." and got[0].url is None
    document, _ = Extractor().extract(got[0])
    assert document.text == "Kyiv \ufffd said."
    assert safe_url("http://[::1") is None and safe_url("http://x.example/") == "http://x.example/"


def test_jsonl_lines_end_at_newline_only() -> None:
    """Was: str.splitlines() cut records at U+2028 / U+0085 that json.dumps(ensure_ascii=False) writes raw."""
    got = list(read_bytes("l.jsonl", (NASTY / "line-separators.jsonl").read_bytes(), ReadOptions()))
    assert len(got) == 1 and isinstance(got[0], Source) and got[0].text == "A\u2028B\u0085C\u2029D."


def test_jsonl_is_decoded_line_by_line() -> None:
    """Was: one cp1252 line made the whole file go through the encoding guesser (garbling good UTF-8 lines), and
    one binary line rejected the file."""
    good = json.dumps({"id": "u", "text": "Zürich “quoted”"}, ensure_ascii=False).encode()
    legacy = '{"id": "c", "text": "Café crème"}'.encode("cp1252")
    got = list(read_bytes("m.jsonl", b"\n".join([good, legacy, b"\x00\x01\x02junk"]), ReadOptions()))
    assert [(g.id, g.text) for g in got if isinstance(g, Source)] == [("u", "Zürich “quoted”"), ("c", "Café crème")]
    assert [g.origin for g in got if isinstance(g, Rejected)] == ["m.jsonl:3"]


def test_utf16_without_bom_is_decoded() -> None:
    """Was: rejected as 'binary data' (BOM-less UTF-16 is valid UTF-8 full of NULs)."""
    text = "Officials in Zürich said the talks — “hard” — went on."
    assert decode_bytes(text.encode("utf-16-le")) == text
    assert decode_bytes(text.encode("utf-16-be") + b"!") == text  # odd trailing byte dropped
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(bytes(range(256)) * 4)
    jsonl = article_jsonl(range(2)).decode().encode("utf-16-le")
    assert [s.id for s in read_bytes("w.jsonl", jsonl, ReadOptions())] == ["good-0", "good-1"]


def test_invalid_boms_are_rejected_with_reason() -> None:
    for name in ("utf16-bom-then-garbage.txt", "utf8-bom-then-latin1.txt", "utf32-bom-truncated.txt"):
        got = list(read_bytes(name, (NASTY / name).read_bytes(), ReadOptions()))
        assert len(got) == 1 and isinstance(got[0], Rejected) and "byte-order mark" in got[0].reason
    assert codecs.BOM_UTF8 + b"ok text" and decode_bytes(codecs.BOM_UTF8 + b"ok text") == "ok text"


def test_zlib_is_never_asked_for_unlimited_output() -> None:
    """decompress(max_length=0) means no limit: gunzip_limited must never pass 0, even exactly at the limit."""
    data = zlib.compress(b"a" * 100, wbits=31)
    assert gunzip_limited(data, 100).problem is None and gunzip_limited(data, 99).problem is not None


# -- found here, fixed in extract/: inputs that do not come through the readers (newstrace.analyze, the API) ------


def test_extract_survives_unparseable_url_from_api_callers() -> None:
    source = Source("api", text="Kyiv said talks failed.", url="http://[::1")
    with contextlib.suppress(ExtractionError):
        Extractor().extract(source)


def test_extract_survives_lone_surrogate_from_api_callers() -> None:
    with contextlib.suppress(ExtractionError):
        Extractor().extract(Source("api", text="Kyiv \ud800 said talks failed."))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")
def test_special_files_are_rejected_not_read(tmp_path: Path) -> None:
    """Was: /dev/zero given as an input was read forever (its size is 0, so the size check passed); a FIFO
    blocked the ingest until something wrote to it."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    got = list(read_inputs(["/dev/zero", str(fifo)], ReadOptions()))
    assert got == [Rejected("/dev/zero", "not a regular file"), Rejected(str(fifo), "not a regular file")]


def test_placeholder_publication_dates_are_no_dates() -> None:
    """Was: a JSONL "published": "9999-12-31" (or 0001-01-01, the usual "unknown" placeholders) became the anchor
    for relative times, and "tomorrow" / "next year" overflowed datetime.date in timeplace: OverflowError, and the
    whole ingest stopped."""
    assert normalise_date("9999-12-31") is None and normalise_date("0001-01-01") is None
    assert normalise_date("1871-03-18") == "1871-03-18" and normalise_date("2024-11-17") == "2024-11-17"
    got = list(read_bytes("p.jsonl", b'{"id": "p", "text": "Talks resume tomorrow.", "published": "9999-12-31"}',
                          ReadOptions()))  # fmt: skip
    document, warnings = Extractor().extract(got[0])  # type: ignore[arg-type]
    assert document.published is None and [w.code for w in warnings] == ["no-publication-date"]
