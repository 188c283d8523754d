"""The per-document pipeline: extract → parse → actors → events → attribution → time and place.

``analyze`` is the public single-document API; ``analyze_sources`` runs many documents through ``nlp.pipe`` so
the parse is batched. Both are pure functions of their input (no store), so the same code runs in the CLI, the
HTTP API and inside Spark executors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from newstrace import extract, ingest, nlp
from newstrace.records import Analysis, AnalysisWarning, Document, Rejected, Source

#: Texts longer than this (in characters) are parsed in pieces so spaCy's max_length is never hit.
MAX_PARSE_CHARS = 200_000


@cache
def get_nlp(model: str | None = None) -> Language:
    """The spaCy pipeline with every stage's components added, loaded once per process."""
    language = nlp.load_model(model)
    language.max_length = max(language.max_length, MAX_PARSE_CHARS + 1)
    # Stage components (the actor gazetteer's EntityRuler) are added here, before "ner".
    return language


def _published_date(document: Document) -> dt.date | None:
    if not document.published:
        return None
    try:
        return dt.date.fromisoformat(document.published[:10])
    except ValueError:
        return None


def _analyze_parsed(document: Document, doc: Doc, warnings: list[AnalysisWarning]) -> Analysis:
    """Run every stage after the parse. Stages that have not landed contribute nothing (never fake output)."""
    _published_date(document)  # anchor for the actor roles and time normalisation stages
    return Analysis(document=document, warnings=warnings)


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
            try:
                yield extractor.extract(source)
            except extract.ExtractionError as exc:
                yield Rejected(source.origin, str(exc))

    yield from analyze_documents(extracted(), model=model, batch_size=batch_size)


def analyze_documents(
    items: Iterable[tuple[Document, list[AnalysisWarning]] | Rejected],
    *,
    model: str | None = None,
    batch_size: int = 16,
) -> Iterator[Analysis | Rejected]:
    """Analyse extracted documents through one batched ``nlp.pipe``; ``Rejected`` items pass through in order."""
    language = get_nlp(model)

    def texts() -> Iterator[tuple[str, tuple[Document, list[AnalysisWarning]] | Rejected]]:
        for item in items:
            yield ("", item) if isinstance(item, Rejected) else (item[0].text[:MAX_PARSE_CHARS], item)

    for doc, item in language.pipe(texts(), as_tuples=True, batch_size=batch_size):
        if isinstance(item, Rejected):
            yield item
            continue
        document, warnings = item
        if len(document.text) > MAX_PARSE_CHARS:
            warnings.append(
                AnalysisWarning(
                    "text-truncated-for-parse",
                    f"only the first {MAX_PARSE_CHARS} of {len(document.text)} characters were analysed",
                )
            )
        yield _analyze_parsed(document, doc, warnings)


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
