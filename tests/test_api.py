"""The HTTP API and web pages through FastAPI's TestClient (no server, no browser).

Most tests run over a database filled with hand-built analyses (records from ``newstrace.records``) so they are
fast and know exactly which spans exist; one test posts a real article through ``newstrace.analyze``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import newstrace
from newstrace.api import CSP, LOOPBACK_HOSTS, create_app
from newstrace.records import (
    ActorMention,
    Analysis,
    Attribution,
    ChainLink,
    CodedSpan,
    Document,
    Event,
    Framing,
    Place,
    Quote,
    Span,
    TimeExpr,
)
from newstrace.web import snippet_html
from newstrace.web.graph import layout
from newstrace.web.markup import Mark, marks_from_analysis, render_marked

TOKEN = "test-token"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"
TEXT = 'Russian forces attacked Kharkiv on Monday, Ukrainian officials said. "We will respond," Zelensky said.'


def _span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = [m.start() for m in re.finditer(re.escape(needle), text)][nth]
    return start, start + len(needle)


def _coded(text: str, needle: str, code: str, name: str) -> CodedSpan:
    start, end = _span(text, needle)
    return CodedSpan(needle, start, end, code, name)


def _actor(text: str, needle: str, code: str, name: str, kind: str) -> ActorMention:
    return ActorMention(needle, *_span(text, needle), code, code[:3], code[3:], name, kind, "gazetteer")


def _analysis(doc_id: str, published: str | None, title: str, outlet: str, url: str | None = None) -> Analysis:
    """A small, fully marked analysis: actors, one attributed event, a quote, a time, a place, a framing span."""
    t = TEXT
    actors = [
        _actor(t, "Russian forces", "RUSMIL", "Russian military", "group"),
        _actor(t, "Ukrainian officials", "UKRGOV", "Ukrainian government", "group"),
        _actor(t, "Zelensky", "UKRGOV", "Volodymyr Zelensky", "person"),
    ]
    sentence_end = t.index(".") + 1
    day, anchor = (published, "publication") if published else ("XXXX-WXX-1", "none")
    monday = TimeExpr("Monday", *_span(t, "Monday"), "DATE", day, anchor, "t.weekday")
    kharkiv = Place("Kharkiv", *_span(t, "Kharkiv"), "Kharkiv", "UKR", 49.99, 36.23, "city", "g.city")
    event = Event(
        id="e1",
        sentence=0,
        trigger=Span("attacked", *_span(t, "attacked")),
        source=_coded(t, "Russian forces", "RUSMIL", "Russian military"),
        target=_coded(t, "Kharkiv", "UKR", "Kharkiv"),
        cameo="190",
        plover="ASSAULT",
        modality="reported",
        evidence=Span(t[:sentence_end], 0, sentence_end),
        rule="v.attack",
        attribution=Attribution(
            speaker=_coded(t, "Ukrainian officials", "UKRGOV", "Ukrainian government"),
            cue=Span("said", *_span(t, "said")),
            chain=[ChainLink(outlet, "outlet"), ChainLink("Ukrainian officials", "official", "UKRGOV")],
        ),
        time=monday,
        place=kharkiv,
        quad_class=4,
        goldstein=-10.0,
    )
    quote = Quote(
        "q1",
        "direct",
        Span("We will respond,", *_span(t, "We will respond,")),
        _coded(t, "Zelensky", "UKRGOV", "Volodymyr Zelensky"),
        Span("said", *_span(t, "said", 1)),
        "q.direct",
    )
    # crosses the quote's start on purpose: markup must split one of them
    framing = Framing(
        t[_span(t, "said.")[0] : _span(t, "We")[1]], _span(t, "said.")[0], _span(t, "We")[1], "test", "author"
    )
    document = Document(doc_id, t, url=url, title=title, published=published, outlet=outlet, content_hash=doc_id)
    return Analysis(document, actors, [event], [quote], [monday], [kharkiv], [framing])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}"
    with newstrace.Corpus(url) as corpus:
        corpus.add(
            [
                _analysis("doc-a", "2024-11-18", "Attack on Kharkiv", "Example Times", "https://example.com/a"),
                _analysis("doc-b", "2024-11-20", "Second report", "Other Post"),
                _analysis("doc-c", None, HOSTILE, "Hostile", "javascript:alert(1)"),
            ]
        )
    return url


@pytest.fixture(scope="module")
def client(db: str) -> TestClient:
    return TestClient(create_app(db, TOKEN))


@pytest.fixture(scope="module")
def readonly(db: str) -> TestClient:
    return TestClient(create_app(db, None))


def test_openapi_documents_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/documents",
        "/api/documents/{doc_id}",
        "/api/events",
        "/api/actors",
        "/api/search",
        "/api/stats",
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/actors/graph",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/documents"]
    assert client.get("/docs").status_code == 404  # the CDN-based Swagger page would break the CSP


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/api/stats", "/articles/doc-a", "/static/app.js", "/nope", "/api/events?limit=0"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP


def test_documents_list_pages_and_searches(client: TestClient) -> None:
    page = client.get("/api/documents", params={"limit": 2}).json()
    assert [d["id"] for d in page["documents"]] == ["doc-b", "doc-a"]  # newest first, undated last
    assert page["has_more"] is True
    rest = client.get("/api/documents", params={"limit": 2, "offset": 2}).json()
    assert [d["id"] for d in rest["documents"]] == ["doc-c"] and rest["has_more"] is False
    assert page["documents"][0]["events"] == 1
    hits = client.get("/api/documents", params={"q": "Kharkiv attack"}).json()
    assert {d["id"] for d in hits["documents"]} == {"doc-a"}
    assert "[" in hits["documents"][0]["snippet"]


def test_document_is_the_full_contract(client: TestClient) -> None:
    data = client.get("/api/documents/doc-a").json()
    assert set(data) >= {"document", "actors", "events", "quotes", "times", "places", "framing", "warnings"}
    assert data["events"][0]["attribution"]["chain"][1]["code"] == "UKRGOV"
    missing = client.get("/api/documents/nope")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no document with id 'nope'", "status": 404}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 3),
        ({"actor": "RUS"}, 3),
        ({"actor": "ukr"}, 3),
        ({"actor": "Russian military"}, 3),
        ({"actor": "USA"}, 0),
        ({"cameo": "19"}, 3),
        ({"cameo": "04"}, 0),
        ({"plover": "assault"}, 3),
        ({"modality": "reported"}, 3),
        ({"modality": "denied"}, 0),
        ({"since": "2024-11-19"}, 1),
        ({"until": "2024-11-18"}, 1),  # the undated doc-c has no event date: no date filter matches it
        ({"outlet": "Other Post"}, 1),
        ({"document": "doc-a"}, 1),
        ({"limit": 2}, 2),
        ({"offset": 2}, 1),
        ({"since": ""}, 3),  # an empty form field is no filter
    ],
)
def test_event_filters(client: TestClient, params: dict[str, Any], expected: int) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    assert len(response.json()["events"]) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"offset": -1},
        {"limit": "many"},
        {"since": "2024-13-01"},
        {"until": "yesterday"},
        {"modality": "maybe"},
        {"cameo": "abc"},
        {"plover": "DROP TABLE"},
        {"actor": "x" * 101},
    ],
)
def test_bad_event_parameters_answer_422_with_a_message(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422
    assert body["error"].startswith("invalid parameters: ")
    assert body["detail"][0]["field"] == next(iter(params))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=60))
def test_free_text_parameters_never_crash(client: TestClient, text: str) -> None:
    for path, key in (
        ("/api/search", "q"),
        ("/api/documents", "q"),
        ("/api/events", "actor"),
        ("/api/stories", "actor"),
        ("/", "q"),
    ):
        response = client.get(path, params={key: text})
        assert response.status_code in (200, 422), (path, text, response.text)


def test_actors_aggregate_and_graph(client: TestClient) -> None:
    actors = client.get("/api/actors").json()["actors"]
    assert actors[0] == {"code": "UKRGOV", "name": "Zelensky" and actors[0]["name"], "mentions": 6, "documents": 3}
    assert {"code": "RUSMIL", "name": "Russian military", "mentions": 3, "documents": 3} in actors
    edges = client.get("/api/actors/graph").json()["edges"]
    assert edges == [
        {"source": "RUSMIL", "source_name": "Russian military", "target": "UKR", "target_name": "Kharkiv", "events": 3}
    ]
    assert client.get("/api/actors", params={"limit": 0}).status_code == 422


def test_search_and_stats(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "Zelensky respond"}).json()
    assert len(found["results"]) == 3
    assert client.get("/api/search").status_code == 422
    assert client.get("/api/search", params={"q": '"*) OR NEAR('}).status_code == 200  # never FTS5 syntax
    stats = client.get("/api/stats").json()
    assert stats["documents"] == 3 and stats["events"] == 3


def test_writes_are_refused_without_the_right_token(client: TestClient, readonly: TestClient) -> None:
    body = {"text": TEXT}
    refused = readonly.post("/api/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert refused.status_code == 403
    assert "read-only" in refused.json()["error"]
    assert client.post("/api/documents", json=body).status_code == 401
    wrong = client.post("/api/documents", json=body, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert client.post("/api/documents", json=body, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "x", "published": "soon"}, {"text": "x", "id": "../etc"}, {"text": "x", "extra": 1}],
)
def test_bad_documents_answer_422(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/api/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    assert response.json()["error"].startswith("invalid parameters: ")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "Russia attacked Ukraine.", "url": "http://["}',  # urlsplit raises on it
        b'{"text": "Russia attacked Ukraine.", "url": "javascript:alert(1)"}',  # would become a link in the UI
        b'{"text": "Russia \\ud800 attacked Ukraine."}',  # a lone surrogate is not valid Unicode text
        b'{"text": "<p></p>", "html": true}',  # no main text in the page
        b"{not json",
    ],
)
def test_hostile_documents_answer_422_not_500(client: TestClient, raw: bytes) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    response = client.post("/api/documents", content=raw, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith(("invalid parameters: ", "cannot analyse this article: "))


def test_oversized_bodies_answer_413(client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "Content-Length": "999999999"}
    response = client.post("/api/documents", content=b"{}", headers=headers)
    assert response.status_code == 413 and "too large" in response.json()["error"]


def test_post_analyses_and_stores_once(tmp_path: Path) -> None:
    app = TestClient(create_app(f"sqlite:///{tmp_path / 'post.db'}", TOKEN))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"text": "Russia attacked Ukraine on Monday.", "title": HOSTILE, "published": "2024-11-17", "id": "p1"}
    created = app.post("/api/documents", json=body, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "p1" and created.json()["stored"] is True
    again = app.post("/api/documents", json=body, headers=auth)
    assert again.status_code == 200 and again.json()["stored"] is False
    stored = app.get("/api/documents/p1").json()
    assert stored["document"]["title"] == HOSTILE and stored["document"]["published"] == "2024-11-17"
    whitespace = app.post("/api/documents", json={"text": "   "}, headers=auth)
    assert whitespace.status_code == 422 and "cannot analyse" in whitespace.json()["error"]


class _Balance(HTMLParser):
    """Checks that every element opened inside the article text is closed in order (well-nested markup)."""

    VOID = frozenset({"input", "meta", "link", "br", "img", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.broken = False
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.broken = True


def test_article_page_marks_every_kind_and_nests(client: TestClient) -> None:
    page = client.get("/articles/doc-a")
    assert page.status_code == 200
    body = page.text.split('id="article-text">', 1)[1].split("</div>", 1)[0]
    checker = _Balance()
    checker.feed(body)
    assert not checker.broken and checker.stack == []
    kinds = {attrs.get("data-kind") for _, attrs in checker.tags}
    assert kinds == {"actor", "event", "quote", "time", "place", "framing", "evidence"}
    assert re.sub(r"<[^>]+>", "", body).replace("&#34;", '"') == TEXT
    assert '<mark data-kind="event" data-code="190" data-event="e1"' in body
    assert 'id="event-e1"' in page.text and "Ukrainian officials" in page.text
    assert 'href="https://example.com/a"' in page.text


def test_hostile_article_is_escaped_everywhere(client: TestClient) -> None:
    for path in ("/articles/doc-c", "/", "/?q=Kharkiv", "/events", "/actors", "/stories", "/stories/2"):
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
    article = client.get("/articles/doc-c").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert "javascript:" not in article.split("<main>", 1)[1].split('class="muted">javascript')[0]
    assert 'href="javascript' not in article
    assert client.get("/api/documents/doc-c").json()["document"]["title"] == HOSTILE


def test_pages_render_and_bad_parameters_are_422_pages(client: TestClient) -> None:
    assert "Attack on Kharkiv" in client.get("/").text
    found = client.get("/", params={"q": "Zelensky"}).text
    assert "Second report" in found and "<b>Zelensky</b>" in found
    assert str(snippet_html("a [<i>] [b")) == "a <b>&lt;i&gt;</b> [b"
    timeline = client.get("/events", params={"actor": "RUS", "since": "", "modality": ""})
    assert timeline.status_code == 200 and timeline.text.count('class="timeline-event"') == 3
    assert "according to Example Times ← Ukrainian officials" in timeline.text
    bad = client.get("/events", params={"since": "2024-99-99"})
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"] and "since" in bad.text
    graph = client.get("/actors").text
    assert 'data-source="RUSMIL" data-target="UKR" data-events="3"' in graph
    assert client.get("/articles/nope").status_code == 404
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/pyproject.toml").status_code == 404
    assert client.get("/static/..%2F..%2Fpyproject.toml").status_code == 404


def test_trusted_hosts_refuse_dns_rebinding(db: str) -> None:
    app = TestClient(create_app(db, None, allowed_hosts=LOOPBACK_HOSTS), base_url="http://127.0.0.1:8000")
    assert app.get("/api/stats").status_code == 200
    assert app.get("/api/stats", headers={"Host": "evil.example"}).status_code == 400


def test_markup_splits_crossing_spans_and_escapes() -> None:
    text = "a <b> & c"
    marks = [Mark(0, 5, "quote"), Mark(2, 9, "framing", (("data-code", '"x"'),)), Mark(50, 60, "actor")]
    html = str(render_marked(text, marks))
    assert html == (
        '<mark data-kind="quote">a <mark data-kind="framing" data-code="&#34;x&#34;">&lt;b&gt;</mark></mark>'
        '<mark data-kind="framing" data-code="&#34;x&#34;"> &amp; c</mark>'
    )
    assert str(render_marked("", [])) == ""
    assert str(render_marked("x<y", [Mark(1, 1, "actor")])) == "x&lt;y"


def test_marks_follow_the_contract(db: str) -> None:
    with newstrace.Corpus(db) as corpus:
        data = corpus.document("doc-a")
    assert data is not None
    kinds = sorted(m.kind for m in marks_from_analysis(data))
    assert kinds == ["actor", "actor", "actor", "event", "evidence", "framing", "place", "quote", "time"]


def test_graph_layout_places_nodes_and_drops_self_loops() -> None:
    edges = [
        {"source": "RUS", "target": "UKR", "events": 4},
        {"source": "UKR", "target": "RUS", "events": 1},
        {"source": "RUS", "target": "RUS", "events": 2},
        {"source": "USA", "target": "UKR", "events": 1},
    ]
    graph = layout(edges, max_nodes=2)
    assert [n.code for n in graph.nodes] == ["RUS", "UKR"] and graph.hidden_nodes == 1
    assert [(e.source, e.target) for e in graph.edges] == [("RUS", "UKR"), ("UKR", "RUS")]
    assert graph.edges[0].width > graph.edges[1].width


def test_serve_reads_the_token_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    from newstrace.cli import app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: seen.update(app=application, **kw))
    db = f"sqlite:///{tmp_path / 'serve.db'}"
    result = CliRunner().invoke(app, ["serve", "--db", db, "--port", "8123"], env={"NEWSTRACE_TOKEN": "s"})
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8123
    assert seen["app"].state.token == "s"
    result = CliRunner().invoke(app, ["serve", "--db", db, "--token-env", "UNSET_VAR_X"], env={"NEWSTRACE_TOKEN": "s"})
    assert result.exit_code == 0 and seen["app"].state.token is None


def test_stories_list_and_one_story(client: TestClient) -> None:
    stories = client.get("/api/stories").json()["stories"]
    merged = next(s for s in stories if s["articles"] == ["doc-a", "doc-b"])
    assert merged["independent_sources"] == 1  # both relay the same Ukrainian officials
    story = client.get(f"/api/stories/{merged['id']}").json()
    assert [r["doc_id"] for r in story["reports"]] == ["doc-a", "doc-b"]
    assert story["reports"][0]["attribution"]["chain"][0]["text"] == "Example Times"
    assert client.get("/api/stories", params={"actor": "USA"}).json()["stories"] == []
    assert client.get("/api/stories/999999").status_code == 404
    assert client.get("/api/stories/0").status_code == 422
    assert client.get("/api/stories/abc").status_code == 422
    page = client.get(f"/stories/{merged['id']}")
    assert page.status_code == 200
    assert '<strong id="independent-sources">1</strong>' in page.text
    assert 'href="/articles/doc-a#event-e1"' in page.text
    assert f'href="/stories/{merged["id"]}"' in client.get("/stories").text
    assert client.get("/stories/999999").status_code == 404


def test_ids_with_slashes_open_as_pages_and_api(tmp_path: Path) -> None:
    """Feed GUIDs and URL-like ids hold "/", "?" and "#": the links the pages print must open them."""
    doc_id = "feed/2024/11?item=1#top"
    url = f"sqlite:///{tmp_path / 'slash.db'}"
    with newstrace.Corpus(url) as corpus:
        corpus.add([_analysis(doc_id, "2024-11-18", "Slashed id", "Example Times")])
    web = TestClient(create_app(url, None))
    [href] = re.findall(r'href="(/articles/[^"]+)"', web.get("/").text)
    assert "?" not in href and "#" not in href  # escaped, so they stay part of the id
    page = web.get(href)
    assert page.status_code == 200 and "Slashed id" in page.text
    api = web.get("/api/documents/" + href.removeprefix("/articles/"))
    assert api.status_code == 200 and api.json()["document"]["id"] == doc_id


@pytest.mark.parametrize("path", ["/events", "/stories"])
def test_listing_pages_link_the_next_and_previous_page_with_the_same_filters(client: TestClient, path: str) -> None:
    first = client.get(path, params={"limit": 1, "actor": "RUS"}).text
    assert f'<a rel="next" href="{path}?actor=RUS&amp;offset=1&amp;limit=1">' in first and 'rel="prev"' not in first
    second = client.get(path, params={"limit": 1, "offset": 1, "actor": "RUS"}).text
    assert f'<a rel="prev" href="{path}?actor=RUS&amp;offset=0&amp;limit=1">' in second
