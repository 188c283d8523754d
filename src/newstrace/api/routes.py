"""The JSON API under /api: a thin shell over ``newstrace.Corpus`` and ``newstrace.analyze``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response

import newstrace

from .deps import open_corpus, require_writer
from .models import (
    ActorGraph,
    ActorList,
    DocumentPage,
    Error,
    EventPage,
    NewDocument,
    SearchResults,
    Stored,
    StoryPage,
)
from .params import EventQuery, LimitQ, PageOffsetQ, SearchQ, event_query

ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": Error, "description": "Invalid parameters"}}
DocId = Annotated[str, Path(min_length=1, max_length=200)]
StoryId = Annotated[int, Path(ge=1, le=2**62)]

router = APIRouter(prefix="/api", responses=ERRORS)


def _page(key: str, rows: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """One page of ``rows``, which were fetched with one row more than ``limit`` to tell whether more follow."""
    return {key: rows[:limit], "limit": limit, "offset": offset, "has_more": len(rows) > limit}


@router.get("/documents", response_model=DocumentPage, summary="List or search stored documents")
def list_documents(
    request: Request,
    q: Annotated[str | None, Query(max_length=500, description="Full-text search: all words must occur.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: PageOffsetQ = 0,
) -> dict[str, Any]:
    """Newest first; with ``q``, best full-text matches first (with snippets)."""
    q = q.strip() if q else None
    with open_corpus(request) as corpus:
        if q:
            rows = corpus.search(q, limit=offset + limit + 1)[offset:]
        else:
            rows = corpus.documents(limit=limit + 1, offset=offset)
    return {**_page("documents", rows, limit, offset), "q": q}


@router.get(
    "/documents/{doc_id:path}",  # ids may hold "/" (feed GUIDs, URLs)
    summary="One document's full analysis (the JSON output contract)",
    responses={404: {"model": Error, "description": "No such document"}},
)
def get_document(request: Request, doc_id: DocId) -> dict[str, Any]:
    with open_corpus(request) as corpus:
        data = corpus.document(doc_id)
    if data is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    return data


@router.post(
    "/documents",
    response_model=Stored,
    status_code=201,
    summary="Analyse and store an article (needs the bearer token)",
    responses={
        200: {"model": Stored, "description": "Already stored: nothing changed"},
        400: {"model": Error, "description": "The body cannot be read (not UTF-8)"},
        401: {"model": Error, "description": "Missing or wrong token"},
        403: {"model": Error, "description": "The server is read-only"},
        413: {"model": Error, "description": "Request body too large"},
    },
    dependencies=[Depends(require_writer)],
)
def add_document(request: Request, response: Response, body: NewDocument) -> dict[str, Any]:
    """201 with the new id; 200 when that document was already stored. One analysis runs at a time (the spaCy
    pipeline is shared by the server's threads)."""
    try:
        with request.app.state.analyze_lock:
            analysis = newstrace.analyze(
                body.text,
                published=body.published,
                url=body.url,
                title=body.title,
                id=body.id,
                html=body.html,
            )
    except ValueError as exc:  # the extractor rejected the input (empty after extraction, not text…)
        raise HTTPException(422, f"cannot analyse this article: {exc}") from exc
    with open_corpus(request) as corpus:
        stored = corpus.add([analysis]) == 1
    if not stored:
        response.status_code = 200
    doc_id = analysis.document.id
    return {
        "id": doc_id,
        "stored": stored,
        "href": f"/api/documents/{doc_id}",
        "events": len(analysis.events),
        "warnings": [{"code": w.code, "message": w.message} for w in analysis.warnings],
    }


@router.get("/events", response_model=EventPage, summary="Coded events, with the filters of `newstrace events`")
def list_events(request: Request, query: Annotated[EventQuery, Depends(event_query)]) -> dict[str, Any]:
    filters = {**query.filters(), "limit": query.limit + 1}
    with open_corpus(request) as corpus:
        rows = corpus.events(**filters)
    return _page("events", rows, query.limit, query.offset)


@router.get("/stories", response_model=StoryPage, summary="Events merged across articles, with corroboration")
def list_stories(request: Request, query: Annotated[EventQuery, Depends(event_query)]) -> dict[str, Any]:
    """Same filters as /api/events; a story matches when one of its reports does."""
    with open_corpus(request) as corpus:
        rows = corpus.stories(**{**query.filters(), "limit": query.limit + 1})
    return _page("stories", rows, query.limit, query.offset)


@router.get(
    "/stories/{story_id}",
    summary="One story with each article's report (earliest first)",
    responses={404: {"model": Error, "description": "No such story"}},
)
def get_story(request: Request, story_id: StoryId) -> dict[str, Any]:
    with open_corpus(request) as corpus:
        story = corpus.story(story_id)
    if story is None:
        raise HTTPException(404, f"no story with id {story_id}")
    return story


@router.get("/actors", response_model=ActorList, summary="Coded actors by number of mentions")
def list_actors(request: Request, limit: LimitQ = 100) -> dict[str, Any]:
    with open_corpus(request) as corpus:
        return {"actors": corpus.actors(limit=limit)}


@router.get("/actors/graph", response_model=ActorGraph, summary="Who acts on whom: actor pairs weighted by events")
def actor_graph(request: Request, limit: LimitQ = 200) -> dict[str, Any]:
    with open_corpus(request) as corpus:
        return {"edges": corpus.actor_edges(limit=limit)}


@router.get("/search", response_model=SearchResults, summary="Full-text search over titles and texts")
def search(request: Request, q: SearchQ, limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
    with open_corpus(request) as corpus:
        return {"q": q, "results": corpus.search(q, limit=limit)}


@router.get("/stats", summary="Counts, top actors, events by type and modality, warnings")
def stats(request: Request) -> dict[str, Any]:
    with open_corpus(request) as corpus:
        return corpus.stats()
