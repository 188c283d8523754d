"""Typed records passed between pipeline stages.

Every stage is a function from these records to these records, so a stage can be tested, replaced or run
inside another engine (Spark) without knowing about its neighbours. The JSON form (``Analysis.to_dict``) is the
output contract of ``../shared/design/DESIGN.md``: offsets are character offsets into ``Document.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

Modality = Literal["asserted", "reported", "hedged", "denied", "future", "negated", "hypothetical"]


@dataclass(slots=True)
class Source:
    """One input article as read from disk, stdin, a feed or an archive, before main-text extraction.

    Exactly one of ``text`` and ``html`` is set. ``origin`` is what an error message names (``path`` or
    ``path:line``); ``crawl_date`` is when a crawler fetched it (a WARC-Date), never a publication date.
    """

    origin: str
    text: str | None = None
    html: str | None = None
    id: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    published_from: str | None = None
    author: str | None = None
    outlet: str | None = None
    crawl_date: str | None = None
    input_format: str = "text"


@dataclass(slots=True)
class Rejected:
    """An input that could not be read; the batch goes on without it."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(slots=True)
class AnalysisWarning:
    code: str
    message: str


@dataclass(slots=True)
class Document:
    id: str
    text: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    published_from: str | None = None
    language: str = "en"
    removed: list[str] = field(default_factory=list)
    author: str | None = None
    outlet: str | None = None
    crawl_date: str | None = None
    content_hash: str = ""
    input_format: str = "text"
    origin: str | None = None


@dataclass(slots=True)
class Span:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class ActorMention:
    text: str
    start: int
    end: int
    code: str | None
    country: str | None
    role: str | None
    name: str
    kind: str
    via: str


@dataclass(slots=True)
class CodedSpan:
    """A span standing for an actor inside an event or a quote (the local mention plus what it resolves to)."""

    text: str
    start: int
    end: int
    code: str | None = None
    name: str | None = None


@dataclass(slots=True)
class ChainLink:
    text: str
    kind: str
    code: str | None = None


@dataclass(slots=True)
class Attribution:
    speaker: CodedSpan | None = None
    cue: Span | None = None
    chain: list[ChainLink] = field(default_factory=list)


@dataclass(slots=True)
class TimeExpr:
    text: str
    start: int
    end: int
    type: str
    value: str
    anchor: str
    rule: str = ""


@dataclass(slots=True)
class Place:
    text: str
    start: int
    end: int
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    feature: str
    rule: str = ""


@dataclass(slots=True)
class Event:
    id: str
    sentence: int
    trigger: Span
    source: CodedSpan
    target: CodedSpan | None
    cameo: str
    plover: str
    modality: str
    evidence: Span
    rule: str
    attribution: Attribution = field(default_factory=Attribution)
    time: TimeExpr | None = None
    place: Place | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    plover_mode: str | None = None


@dataclass(slots=True)
class Quote:
    id: str
    kind: str
    content: Span
    speaker: CodedSpan | None
    cue: Span | None
    rule: str = ""


@dataclass(slots=True)
class Framing:
    text: str
    start: int
    end: int
    category: str
    voice: str
    rule: str = ""


@dataclass(slots=True)
class Analysis:
    """Everything newstrace knows about one document; ``to_dict`` is the JSON output contract."""

    document: Document
    actors: list[ActorMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    warnings: list[AnalysisWarning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON output contract (DESIGN.md): every record as a plain dict, recursively."""
        return _plain(self)


_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copy of every leaf: records hold only str/int/float/bool/None
    leaves, so copying them is wasted work, and this runs for every stored document (a few ms each with asdict)."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
