"""Main text, metadata and boilerplate: turn a ``Source`` into the ``Document`` every later stage reads.

HTML goes through trafilatura (main text, title, author, site name, date). Plain text keeps its characters
exactly, less whole boilerplate lines (from the lexicon in ``data/boilerplate.yaml`` and lines that repeat
across many documents of one outlet), so offsets map straight back to what the user gave.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import trafilatura
import yaml
from trafilatura.settings import Document as PageExtract

from newstrace.records import AnalysisWarning, Document, Source

from .dates import find_text_date, normalise_date
from .language import detect_language, shares

#: Longest article text analysed. Far above any news article (a long feature is ~100k characters); what exceeds
#: it is a dump or an attack, and parsing it would stall a batch for minutes.
MAX_TEXT_CHARS = 1_000_000


class ExtractionError(ValueError):
    """The input holds no article text (an empty page, a page with no main text)."""


@dataclass(frozen=True, slots=True)
class BoilerplateLexicon:
    patterns: tuple[re.Pattern[str], ...]
    max_line_chars: int

    def matches(self, line: str) -> bool:
        stripped = line.strip()
        return 0 < len(stripped) <= self.max_line_chars and any(p.fullmatch(stripped) for p in self.patterns)


@cache
def load_boilerplate() -> BoilerplateLexicon:
    data = yaml.safe_load(resources.files(__package__).joinpath("data/boilerplate.yaml").read_text("utf-8"))
    return BoilerplateLexicon(
        patterns=tuple(re.compile(p, re.IGNORECASE) for p in data["patterns"]),
        max_line_chars=int(data["max_line_chars"]),
    )


def normalise_for_hash(text: str) -> str:
    """Case, Unicode form and whitespace differences do not make two texts different documents."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def document_id(text: str, url: str | None) -> str:
    """A stable id for inputs without one: the same text at the same URL always gets the same id."""
    key = normalise_for_hash(text) + "\x00" + (url or "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def outlet_of(source: Source) -> str | None:
    if source.outlet:
        return source.outlet
    if source.url:
        try:
            host = urlsplit(source.url).hostname or ""
        except ValueError:  # "http://[::1" and other unparseable URLs from API callers name no outlet
            return None
        return host.removeprefix("www.") or None
    return None


def _valid_unicode(value: str | None) -> str | None:
    """Lone surrogates (possible in text handed over by Python callers) become U+FFFD, one for one, so offsets
    stay the same and every later stage can encode the text."""
    return None if value is None else _SURROGATE.sub("\ufffd", value)


_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Extractor:
    """Stateful across one ingest run only to learn lines that repeat across an outlet's documents.

    A line seen in ``repeat_threshold`` earlier documents of the same outlet is treated as site boilerplate in
    later ones (a footer pasted under every article); the first documents keep it, which is the price of not
    buffering the whole batch.
    """

    repeat_threshold: int = 3
    max_chars: int = MAX_TEXT_CHARS
    lexicon: BoilerplateLexicon = field(default_factory=load_boilerplate)
    _seen: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def extract(self, source: Source) -> tuple[Document, list[AnalysisWarning]]:
        warnings: list[AnalysisWarning] = []
        source = replace(source, text=_valid_unicode(source.text), html=_valid_unicode(source.html))
        title, author, outlet, published, published_from = (
            source.title,
            source.author,
            outlet_of(source),
            normalise_date(source.published),
            source.published_from if source.published else None,
        )
        if source.html is not None:
            html = extract_html(source.html, source.url)
            text = html.text
            title = title or html.title
            author = author or html.author
            outlet = source.outlet or html.sitename or outlet
            if not published and html.date:
                published, published_from = html.date, "metadata"
        else:
            text = source.text or ""
        text, removed = self._strip_boilerplate(text, outlet)
        if not text.strip():
            raise ExtractionError("no article text found" if source.html is not None else "empty text")
        if len(text) > self.max_chars:
            raise ExtractionError(f"text too long ({len(text):,} characters > limit {self.max_chars:,})")
        title = title or headline_of(text)
        if not published:
            found = find_text_date(text)
            if found:
                published, published_from = found, "text"
        if published:
            published_from = published_from or "input"
        else:
            published_from = None
            warnings.append(
                AnalysisWarning(
                    "no-publication-date",
                    "no publication date in the input, metadata or text; relative times stay unanchored",
                )
            )
        language = detect_language(text)
        if language != "en":
            found, sampled = shares(text)
            warnings.append(
                AnalysisWarning(
                    "not-english",
                    f"the text reads as {language!r}, not English (English stop words are {found['en']:.0%} of its "
                    f"first {sampled} words): it is stored, but no actors, events, quotes, times or places are coded",
                )
            )
        document = Document(
            id=source.id or document_id(text, source.url),
            language=language,
            text=text,
            url=source.url,
            title=title,
            published=published,
            published_from=published_from,
            removed=removed,
            author=author,
            outlet=outlet,
            crawl_date=source.crawl_date,
            content_hash=content_hash(text),
            input_format=source.input_format,
            origin=source.origin,
        )
        return document, warnings

    def _strip_boilerplate(self, text: str, outlet: str | None) -> tuple[str, list[str]]:
        lines = text.splitlines(keepends=True)
        seen = self._seen[outlet] if outlet else None
        kept: list[str] = []
        removed: list[str] = []
        for line in lines:
            key = line.strip()
            learned = seen is not None and key and seen[key] >= self.repeat_threshold
            if self.lexicon.matches(line) or learned:
                removed.append(key)
            else:
                kept.append(line)
        if seen is not None:
            seen.update({line.strip() for line in lines if 0 < len(line.strip()) <= self.lexicon.max_line_chars})
        return "".join(kept), removed


def headline_of(text: str) -> str | None:
    """A plain-text article's first line is its headline when it is short and not a sentence."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if 0 < len(first) <= 150 and first[-1] not in ".!?\"”'’:" and "\n" in text.strip():
        return first
    return None


@dataclass(frozen=True, slots=True)
class HtmlExtract:
    text: str
    title: str | None
    author: str | None
    sitename: str | None
    date: str | None


#: When precision mode keeps less than this share of what balanced mode found, it has dropped the article
#: body itself (it misjudges some pages' main container), not just the clutter around it.
PRECISION_KEEP_MIN = 0.5


def _bare(html: str, url: str | None, favor_precision: bool) -> PageExtract | None:
    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=favor_precision,
    )


def extract_html(html: str, url: str | None = None) -> HtmlExtract:
    """Main text and metadata of a web page.

    trafilatura in precision mode, so related-story lists, newsletter boxes and captions that follow the body
    stay out of the text every later stage parses; tables kept (score tables and figures are article content);
    reader comments left out (they are not the outlet's reporting). Precision mode occasionally loses the body
    itself, so the balanced result is used whenever it kept less than ``PRECISION_KEEP_MIN`` of it. On the
    ScrapingHub benchmark this scores above trafilatura's defaults (docs/quality.md, ``newstrace eval
    extraction``).
    """
    result = _bare(html, url, favor_precision=True)
    balanced = _bare(html, url, favor_precision=False)
    precise_len = len(result.text or "") if result is not None else 0
    if balanced is not None and precise_len < PRECISION_KEEP_MIN * len(balanced.text or ""):
        result = balanced
    if result is None:
        return HtmlExtract("", None, None, None, None)
    return HtmlExtract(
        text=result.text or "",
        title=result.title,
        author=result.author,
        sitename=result.sitename,
        date=normalise_date(result.date),
    )
