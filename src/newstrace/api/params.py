"""Query parameters shared by the JSON API and the web pages, validated before they reach the corpus.

Every bound is checked here so that bad input answers 422 with a message instead of reaching SQLite; empty form
fields (``?since=``) count as absent, because that is what an HTML form sends for a field left blank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal, get_args

from fastapi import Query
from pydantic import BeforeValidator

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _text(value: str | None) -> str | None:
    return value.strip() or None if value else None


#: For typed parameters (dates, choices); length-checked strings are cleaned after validation by ``_text``.
Blank = BeforeValidator(_blank_is_none)
Modality = Literal["asserted", "reported", "hedged", "denied", "future", "negated", "hypothetical"]
MODALITIES: tuple[str, ...] = get_args(Modality)

ActorQ = Annotated[
    str | None,
    Query(max_length=100, description="Source or target code prefix (RUS, USAGOV) or part of a name (any case)."),
]
CameoQ = Annotated[str | None, Query(pattern=r"^\d{0,4}$", description="CAMEO code prefix (19 = all fights).")]
PloverQ = Annotated[str | None, Query(pattern=r"^[A-Za-z_]{0,40}$", description="PLOVER category (ASSAULT).")]
ModalityQ = Annotated[Modality | None, Blank, Query(description="How sure the text is about the event.")]
SinceQ = Annotated[dt.date | None, Blank, Query(description="Earliest event date (YYYY-MM-DD).")]
UntilQ = Annotated[dt.date | None, Blank, Query(description="Latest event date (YYYY-MM-DD).")]
OutletQ = Annotated[str | None, Query(max_length=200, description="Only events from this outlet.")]
DocumentQ = Annotated[str | None, Query(max_length=200, description="Only events of this document id.")]
LimitQ = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")]
OffsetQ = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
#: Search pages are cut from the best hits, so deep pages cost; nobody reads past the 10,000th hit.
PageOffsetQ = Annotated[int, Query(ge=0, le=10_000)]
SearchQ = Annotated[str, Query(min_length=1, max_length=500, description="Words that must all occur.")]


@dataclass(frozen=True, slots=True)
class EventQuery:
    """The filters of ``newstrace events`` (``Corpus.events`` keywords), as validated query parameters."""

    actor: str | None = None
    cameo: str | None = None
    plover: str | None = None
    modality: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    document: str | None = None
    limit: int = 100
    offset: int = 0

    def filters(self) -> dict[str, Any]:
        return asdict(self)

    def form(self) -> dict[str, str]:
        """The non-empty filters (without paging), e.g. to rebuild a link to the same selection."""
        return {k: str(v) for k, v in asdict(self).items() if v not in (None, "") and k not in ("limit", "offset")}


def event_query(
    actor: ActorQ = None,
    cameo: CameoQ = None,
    plover: PloverQ = None,
    modality: ModalityQ = None,
    since: SinceQ = None,
    until: UntilQ = None,
    outlet: OutletQ = None,
    document: DocumentQ = None,
    limit: LimitQ = 100,
    offset: OffsetQ = 0,
) -> EventQuery:
    """FastAPI dependency: the event filters of a request."""
    return EventQuery(
        actor=_text(actor),
        cameo=_text(cameo),
        plover=_text(plover),
        modality=modality,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        outlet=_text(outlet),
        document=_text(document),
        limit=limit,
        offset=offset,
    )
