"""Request and response shapes of the JSON API, so /openapi.json documents what clients send and get."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The largest article text accepted by ``POST /api/documents`` (characters); longer texts answer 422. The same
#: limit as extraction's ``MAX_TEXT_CHARS``, which the API may not import (layer contract).
MAX_TEXT_CHARS = 1_000_000


class Error(BaseModel):
    error: str = Field(description="What went wrong, in one sentence.")
    status: int
    detail: list[dict[str, Any]] | None = Field(None, description="Per-parameter problems (422 only).")


class DocumentSummary(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    ingested_at: str | None = None
    events: int | None = None
    snippet: str | None = Field(None, description="Search hits only: matching words in [brackets].")


class DocumentPage(BaseModel):
    documents: list[DocumentSummary]
    limit: int
    offset: int
    has_more: bool
    q: str | None = None


class EventPage(BaseModel):
    events: list[dict[str, Any]] = Field(description="Events in the nested shape of the output contract.")
    limit: int
    offset: int
    has_more: bool


class StoryPage(BaseModel):
    stories: list[dict[str, Any]] = Field(
        description="Merged events: articles, outlets, independent sources, first report, disputed."
    )
    limit: int
    offset: int
    has_more: bool


class ActorAggregate(BaseModel):
    code: str
    name: str | None = None
    mentions: int
    documents: int


class ActorList(BaseModel):
    actors: list[ActorAggregate]


class ActorEdge(BaseModel):
    source: str
    source_name: str | None = None
    target: str
    target_name: str | None = None
    events: int


class ActorGraph(BaseModel):
    edges: list[ActorEdge]


class SearchResults(BaseModel):
    q: str
    results: list[DocumentSummary]


class NewDocument(BaseModel):
    """An article to analyse and store. ``text`` is plain text, or HTML when ``html`` is true."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    published: dt.date | None = Field(None, description="Publication date; anchors relative times.")
    id: str | None = Field(None, min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:-]+$")
    html: bool = False

    @field_validator("text", "title", "url")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        """PostgreSQL refuses NUL in any text value (the store would fail with a 500): refuse it here, clearly."""
        if value is not None and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value

    @field_validator("url")
    @classmethod
    def _absolute_http_url(cls, url: str | None) -> str | None:
        """A URL names the article's outlet and becomes a link in the UI: only absolute http(s) URLs are kept."""
        if url is None:
            return None
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError as exc:
            raise ValueError(f"not a URL: {exc}") from exc
        if parts.scheme not in ("http", "https") or not host:
            raise ValueError("must be an absolute http(s) URL")
        return url


class Stored(BaseModel):
    id: str
    stored: bool = Field(description="False when a document with this id was already stored (nothing changed).")
    href: str
    events: int
    warnings: list[dict[str, Any]]
