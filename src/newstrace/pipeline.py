"""The per-document pipeline: extract → parse → actors → events → attribution → time and place.

``analyze`` is the public single-document API; ``analyze_sources`` runs many documents through ``nlp.pipe`` so
the parse is batched. Both are pure functions of their input (no store), so the same code runs in the CLI, the
HTTP API and inside Spark executors.
"""

from __future__ import annotations

import datetime as dt
import itertools
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from newstrace import actors, attribution, events, extract, ingest, nlp, timeplace
from newstrace.nlp import pieces
from newstrace.records import Analysis, AnalysisWarning, Document, Rejected, Source

#: Texts longer than this (in characters) are parsed in pieces, which bounds the parser's memory per call.
MAX_PARSE_CHARS = pieces.DEFAULT_PIECE_CHARS


@cache
def get_nlp(model: str | None = None) -> Language:
    """The spaCy pipeline with every stage's components added, loaded once per process."""
    language = nlp.load_model(model)
    language.max_length = max(language.max_length, MAX_PARSE_CHARS + 1)
    actors.configure(language)  # the gazetteer EntityRuler, before "ner", so curated names win
    timeplace.warm_up()  # build the place gazetteer now, not inside the first document's timing
    return language


def _published_date(document: Document) -> dt.date | None:
    if not document.published:
        return None
    try:
        return dt.date.fromisoformat(document.published[:10])
    except ValueError:
        return None


def _analyze_parsed(document: Document, doc: Doc, warnings: list[AnalysisWarning]) -> Analysis:
    """Run every stage after the parse, in data-flow order; each reads the records of the stages before it."""
    published = _published_date(document)
    found_actors, actor_warnings = actors.find_actors(doc, published)
    times = timeplace.find_times(doc, published)
    coded = events.code_events(doc, found_actors)
    quotes = attribution.find_quotes(doc, found_actors)
    attribution.attribute_events(doc, coded, quotes, found_actors)  # source chains and reported/hedged/denied
    places = timeplace.find_places(doc, found_actors)
    timeplace.attach(coded, times, places, doc, published)
    return Analysis(
        document=document,
        actors=found_actors,
        events=coded,
        quotes=quotes,
        times=times,
        places=places,
        framing=attribution.find_framing(doc, quotes),
        warnings=warnings + actor_warnings,
    )


def analyze(
    text: str,
    *,
    published: str | dt.date | None = None,
    url: str | None = None,
    title: str | None = None,
    id: str | None = None,
    html: bool = False,
    model: str | None = None,
) -> Analysis:
    """Analyse one article given as plain text (or HTML with ``html=True``).

    ``published`` (ISO date) anchors relative times and dated roles; without it, newstrace looks for a date in
    the text and otherwise warns ``no-publication-date`` and leaves relative times unanchored.
    """
    if isinstance(published, dt.date):
        published = published.isoformat()
    source = Source(
        origin=url or "<text>",
        text=None if html else text,
        html=text if html else None,
        id=id,
        title=title,
        url=url,
        published=published,
        published_from="input" if published else None,
        input_format="html" if html else "text",
    )
    result = next(analyze_sources([source], model=model))
    if isinstance(result, Rejected):
        raise ValueError(str(result))
    return result


def extract_one(extractor: extract.Extractor, source: Source) -> tuple[Document, list[AnalysisWarning]] | Rejected:
    """Main text of one source, or why not: no article text, an extraction bug, or past the time limit
    (lxml and trafilatura on pathological HTML are where a document can stall a batch)."""
    limit = time_limit_for(source.html or source.text or "")
    try:
        with _time_limit(limit):
            return extractor.extract(source)
    except extract.ExtractionError as exc:
        return Rejected(source.origin, str(exc))
    except DocumentTimeout:
        return Rejected(source.origin, f"extraction took longer than {limit:.0f} s (time limit)")
    except Exception as exc:  # an extraction bug on one input must not end the run
        return Rejected(source.origin, f"extraction failed ({type(exc).__name__}: {exc})"[:300])


def analyze_sources(
    sources: Iterable[Source | Rejected],
    *,
    model: str | None = None,
    batch_size: int = 16,
    extractor: extract.Extractor | None = None,
) -> Iterator[Analysis | Rejected]:
    """Extract and analyse a stream of sources in order; bad inputs come out, in place, as ``Rejected``."""
    extractor = extractor or extract.Extractor()

    def extracted() -> Iterator[tuple[Document, list[AnalysisWarning]] | Rejected]:
        for source in sources:
            if isinstance(source, Rejected):
                yield source
                continue
            yield extract_one(extractor, source)

    yield from analyze_documents(extracted(), model=model, batch_size=batch_size)


def analyze_documents(
    items: Iterable[tuple[Document, list[AnalysisWarning]] | Rejected],
    *,
    model: str | None = None,
    batch_size: int = 16,
) -> Iterator[Analysis | Rejected]:
    """Analyse extracted documents through one batched ``nlp.pipe``; ``Rejected`` items pass through in order.

    The model is loaded only once a first item arrives, so a re-run that finds everything stored stays fast.
    """
    pending = iter(items)
    first = next(pending, None)
    if first is None:
        return
    items = itertools.chain([first], pending)
    language = get_nlp(model)

    def texts() -> Iterator[tuple[str, tuple[Document, list[AnalysisWarning]] | Rejected]]:
        for item in items:  # rejected, over-long and non-English items go through the pipe empty, in order
            parse = not isinstance(item, Rejected) and item[0].language == "en" and len(item[0].text) <= MAX_PARSE_CHARS
            yield (item[0].text, item) if parse else ("", item)

    for doc, item in language.pipe(texts(), as_tuples=True, batch_size=batch_size):
        if isinstance(item, Rejected):
            yield item
            continue
        document, warnings = item
        if document.language != "en":  # stored and marked (a "not-english" warning), never coded
            yield Analysis(document=document, warnings=warnings)
            continue
        limit = time_limit_for(document.text)
        try:
            with _time_limit(limit):
                if len(document.text) > MAX_PARSE_CHARS:
                    doc, parts = pieces.parse_in_pieces(language, document.text, MAX_PARSE_CHARS)
                    message = pieces.split_warning_message(parts, len(document.text))
                    warnings.append(AnalysisWarning("text-split-for-parse", message))
                result: Analysis | Rejected = _analyze_parsed(document, doc, warnings)
        except DocumentTimeout:
            result = Rejected(document.origin or document.id, f"analysis took longer than {limit:.0f} s (time limit)")
        except Exception as exc:  # a stage failing on one document must not cost the rest of the batch
            result = Rejected(document.origin or document.id, f"analysis failed ({type(exc).__name__}: {exc})"[:300])
        yield result


class DocumentTimeout(Exception):
    """One document's analysis ran past its time limit."""


def time_limit_for(text: str) -> float:
    """Seconds one document may take after its batch parse: generous (the stages cost a few percent of the parse),
    so only a pathological input (a regex or loop gone quadratic) is cut off instead of stalling the batch."""
    return TIME_LIMIT_BASE_S + len(text) / 10_000


#: Base of the per-document time limit, in seconds (plus one second per 10,000 characters).
TIME_LIMIT_BASE_S = 60.0


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ``DocumentTimeout`` in this thread after ``seconds`` (SIGALRM). Only the main thread can receive
    signals, which is where ingest, its worker processes and Spark's Python workers analyse documents; elsewhere
    (a web server's thread pool) no limit applies."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def analyze_inputs(
    paths: Iterable[str],
    *,
    published: str | None = None,
    input_format: str = "auto",
    max_bytes: int = ingest.DEFAULT_MAX_BYTES,
    model: str | None = None,
) -> Iterator[Analysis | Rejected]:
    """Read files (or ``-`` for stdin) and analyse every article in them, in input order, without storing."""
    options = ingest.ReadOptions(max_bytes=max_bytes, published=published, input_format=input_format)
    yield from analyze_sources(ingest.read_inputs(paths, options), model=model)
