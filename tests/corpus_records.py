"""Hand-built analyses for the corpus tests, so dedupe and story logic is tested apart from event-coding quality."""

from __future__ import annotations

import hashlib
import random
import zlib

from newstrace.records import Analysis, Attribution, ChainLink, CodedSpan, Document, Event, Place, Span, TimeExpr

NAMES = {"RUS": "Russia", "UKR": "Ukraine", "USA": "United States", "GBR": "United Kingdom", "FRA": "France"}


def words(seed: int, n: int = 120) -> str:
    """``n`` pseudo-words; different seeds share (almost) no five-word shingles."""
    rng = random.Random(seed)
    return " ".join(f"w{rng.randrange(5000)}" for _ in range(n))


def event(
    source: str | None = "RUS",
    target: str | None = "UKR",
    cameo: str = "190",
    plover: str = "ASSAULT",
    *,
    modality: str = "asserted",
    time: str | None = None,
    place: tuple[str, str] | None = None,
    chain: list[tuple[str, str, str | None]] | None = None,
    sentence: int = 0,
) -> Event:
    """An event with the fields story merging reads; ``chain`` lists (text, kind, code) after the article."""

    def span(code: str | None) -> CodedSpan:
        name = NAMES.get((code or "")[:3], code or "someone")
        return CodedSpan(name, 0, len(name), code, name)

    links = [ChainLink("article", "author", None), *(ChainLink(t, k, c) for t, k, c in chain or [])]
    return Event(
        id="",
        sentence=sentence,
        trigger=Span("attacked", 0, 8),
        source=span(source),
        target=span(target) if target else None,
        cameo=cameo,
        plover=plover,
        modality=modality,
        evidence=Span("", 0, 0),
        rule="test",
        attribution=Attribution(chain=links if chain else []),
        time=TimeExpr(time, 0, 0, "DATE", time, "absolute") if time else None,
        place=Place(place[0], 0, 0, place[0], place[1], 50.45, 30.52, "city") if place else None,
        quad_class=4,
        goldstein=-10.0,
    )


def article(
    doc_id: str,
    text: str | None = None,
    *events: Event,
    outlet: str | None = None,
    published: str = "2024-11-17",
    url: str | None = None,
) -> Analysis:
    """One stored article; its text defaults to pseudo-words unique to ``doc_id``."""
    text = text if text is not None else words(zlib.crc32(doc_id.encode()))
    doc = Document(
        id=doc_id,
        text=text,
        published=published,
        outlet=outlet or f"{doc_id.lower()}.example",
        url=url or f"https://{doc_id.lower()}.example/story",
        content_hash=hashlib.sha1(text.encode()).hexdigest(),
    )
    for n, e in enumerate(events):
        e.id = f"e{n + 1}"
    return Analysis(document=doc, events=list(events))
