"""Server-rendered pages: search, annotated articles, an event timeline, stories and the actor network.

Templates are Jinja2 with autoescaping on; the only markup built in Python (the annotated article text) is built
from escaped pieces in ``markup.py``. Pages carry data in the HTML and in ``data-*`` attributes, never in inline
scripts, so the strict Content-Security-Policy of ``newstrace.api`` holds. The one script and one stylesheet are
package files served by fixed routes (no route maps a URL to a file path).
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from newstrace.api.deps import open_corpus
from newstrace.api.params import MODALITIES, EventQuery, PageOffsetQ, event_query

from .graph import layout
from .markup import kind_counts, marks_from_analysis, render_marked

PAGE_SIZE = 25
#: Reports that contradict the story (the stories stage counts a story as disputed when one of them is present).
DISPUTING = ("denied", "negated")
templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("newstrace.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
_STATIC = resources.files(__package__).joinpath("static")
ASSETS = {
    "app.css": ("text/css; charset=utf-8", _STATIC.joinpath("app.css").read_bytes()),
    "app.js": ("text/javascript; charset=utf-8", _STATIC.joinpath("app.js").read_bytes()),
}

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def safe_url(url: str | None) -> str | None:
    """A document URL fit for an ``href``: only http(s), so a stored ``javascript:`` URL stays inert text."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


HIT = re.compile(r"\[([^\[\]\n]{1,200})\]")


def snippet_html(snippet: str | None) -> Markup:
    """A search snippet with its ``[hit]`` markers (from the store's FTS) as ``<b>``; all text escaped."""
    text = snippet or ""
    out: list[Markup] = []
    last = 0
    for match in HIT.finditer(text):
        out += [escape(text[last : match.start()]), Markup("<b>"), escape(match.group(1)), Markup("</b>")]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


templates.env.globals["safe_url"] = safe_url
templates.env.filters["snippet"] = snippet_html


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status, status=status, message=message)


@pages.get("/static/{name}")
def asset(name: str) -> Response:
    """One of the package's own assets, looked up by name in a fixed table (never a path on disk)."""
    if name not in ASSETS:
        raise HTTPException(404, f"no asset {name!r}")
    media_type, body = ASSETS[name]
    return Response(body, media_type=media_type, headers={"Cache-Control": "no-cache"})


@pages.get("/")
def index(
    request: Request,
    q: Annotated[str | None, Query(max_length=500)] = None,
    offset: PageOffsetQ = 0,
) -> HTMLResponse:
    q = q.strip() if q else None
    with open_corpus(request) as corpus:
        if q:
            rows = corpus.search(q, limit=offset + PAGE_SIZE + 1)[offset:]
        else:
            rows = corpus.documents(limit=PAGE_SIZE + 1, offset=offset)
    return render(
        request,
        "index.html",
        q=q,
        documents=rows[:PAGE_SIZE],
        offset=offset,
        page=PAGE_SIZE,
        has_more=len(rows) > PAGE_SIZE,
    )


@pages.get("/articles/{doc_id:path}")  # ids may hold "/" (feed GUIDs, URLs)
def article(request: Request, doc_id: Annotated[str, Path(min_length=1, max_length=200)]) -> HTMLResponse:
    with open_corpus(request) as corpus:
        data = corpus.document(doc_id)
    if data is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    text = data["document"]["text"]
    marks = marks_from_analysis(data)
    events = [
        {**e, "evidence_text": text[e["evidence"]["start"] : e["evidence"]["end"]] if e.get("evidence") else ""}
        for e in data.get("events") or []
    ]
    return render(
        request,
        "article.html",
        doc=data["document"],
        analysis=data,
        events=events,
        body=render_marked(text, marks),
        kinds=kind_counts(marks),
    )


@pages.get("/events")
def timeline(request: Request, query: Annotated[EventQuery, Depends(event_query)]) -> HTMLResponse:
    with open_corpus(request) as corpus:
        rows = corpus.events(**{**query.filters(), "limit": query.limit + 1})
    days: dict[str, list[dict[str, Any]]] = {}
    for event in rows[: query.limit]:
        days.setdefault(event.get("date") or "undated", []).append(event)
    return render(
        request,
        "events.html",
        query=query,
        form=query.form(),
        days=days,
        count=min(len(rows), query.limit),
        has_more=len(rows) > query.limit,
        modalities=MODALITIES,
    )


@pages.get("/stories")
def stories(request: Request, query: Annotated[EventQuery, Depends(event_query)]) -> HTMLResponse:
    with open_corpus(request) as corpus:
        rows = corpus.stories(**{**query.filters(), "limit": query.limit + 1})
    return render(
        request,
        "stories.html",
        query=query,
        form=query.form(),
        stories=rows[: query.limit],
        has_more=len(rows) > query.limit,
        modalities=MODALITIES,
    )


@pages.get("/stories/{story_id}")
def story(request: Request, story_id: Annotated[int, Path(ge=1, le=2**62)]) -> HTMLResponse:
    with open_corpus(request) as corpus:
        data = corpus.story(story_id)
    if data is None:
        raise HTTPException(404, f"no story with id {story_id}")
    disputing = [r for r in data["reports"] if r["modality"] in DISPUTING]
    return render(request, "story.html", story=data, disputing=disputing)


@pages.get("/actors")
def actors(request: Request) -> HTMLResponse:
    with open_corpus(request) as corpus:
        edges = corpus.actor_edges(limit=300)
        top = corpus.actors(limit=50)
    return render(request, "actors.html", graph=layout(edges), edges=edges[:50], actors=top)
