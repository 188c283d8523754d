"""Hostile query parameters and paths against the API and pages, on both database backends.

What ``tests/test_api.py`` already checks (each event filter's basic bound, random text in the free-text
parameters on SQLite, FTS5 syntax in a search, ``/static/pyproject.toml``) is not repeated here. The rule under
test: an attack or a mistake answers 4xx with a message naming the parameter (JSON under /api, a page elsewhere),
or 200 with no results where "nothing matches" is the true answer; never 500, never a file from disk, never a
changed database. PostgreSQL runs too because it refuses some strings (NUL) that SQLite stores.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

import newstrace
from corpus_records import article, event
from newstrace.api import create_app

SQL = [
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE documents; --",
    "1' UNION SELECT analysis FROM documents --",
    "doc-a' --",
    "') OR ('1'='1",
]
UNICODE = ["Россия", "攻撃", "🚀💥", "\u202eevil\u202c", "e\u0301\u0301\u0301", "\ufeff", "\U0010ffff", "ﷺ" * 50]
FREE_TEXT = [
    ("/api/events", "actor"),
    ("/api/events", "outlet"),
    ("/api/events", "document"),
    ("/api/stories", "actor"),
    ("/api/stories", "outlet"),
    ("/api/documents", "q"),
    ("/api/search", "q"),
]
PAGED = [
    ("/api/events", "limit"),
    ("/api/events", "offset"),
    ("/api/stories", "limit"),
    ("/api/stories", "offset"),
    ("/api/documents", "limit"),
    ("/api/documents", "offset"),
    ("/api/actors", "limit"),
    ("/api/actors/graph", "limit"),
]
BAD_NUMBERS = [10**12, 2**63, 10**30, -1, -(2**63), "1e3", "0x10", "NaN", "1; DROP TABLE events", "１０"]
BAD_DATES = [
    "2024-13-45",
    "2024-02-30",
    "0000-01-01",
    "../../etc/passwd",
    "2024-11-17' OR '1'='1",
    "2024-11-17; DROP TABLE events",
    "1700000000",
    "-2024-01-01",
    "9" * 40,
]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small corpus (three articles, events, a merged story) in a fresh database of each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'api.db'}"
    else:
        import psycopg

        base: str = request.getfixturevalue("pg_url")
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        url = base.rsplit("/", 1)[0] + "/" + name
    with newstrace.Corpus(url) as corpus:
        corpus.add(
            [
                article("doc-a", "Russia attacked Ukraine on Monday.", event(time="2024-11-17"), outlet="a.example"),
                article("doc-b", "Russian forces attacked Ukraine.", event(time="2024-11-17"), outlet="b.example"),
                article("doc-c", None, event("USA", "RUS", "042", "CONSULT"), outlet="c.example"),
            ]
        )
    return url


@pytest.fixture(scope="module")
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url, None), raise_server_exceptions=False) as test_client:
        yield test_client


def counts(client: TestClient) -> tuple[int, int]:
    stats = client.get("/api/stats").json()
    return stats["documents"], stats["events"]


def assert_json_error(response: Any, status: int, *words: str) -> None:
    """The API's error shape: the status, and a message a person can act on (naming the parameter)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and isinstance(body["error"], str) and body["error"]
    for word in words:
        assert word in body["error"], (word, body["error"])


@pytest.mark.parametrize(("path", "key"), FREE_TEXT)
def test_sql_fragments_are_plain_text_that_matches_nothing(client: TestClient, path: str, key: str) -> None:
    before = counts(client)
    for fragment in SQL:
        response = client.get(path, params={key: fragment})
        assert response.status_code == 200, (fragment, response.text)
        body = response.json()
        rows = body.get("events", body.get("stories", body.get("documents", body.get("results"))))
        assert rows == [], (path, key, fragment)
    assert counts(client) == before


def test_sql_fragments_in_ids_are_missing_documents(client: TestClient) -> None:
    for fragment in SQL:
        assert_json_error(client.get(f"/api/documents/{fragment}"), 404, "no document with id")
        assert client.get(f"/articles/{fragment}").status_code == 404
    assert_json_error(client.get("/api/stories/1 OR 1=1"), 422, "story_id")


@pytest.mark.parametrize(("path", "key"), PAGED)
def test_huge_negative_and_non_numeric_paging_answers_422(client: TestClient, path: str, key: str) -> None:
    for value in BAD_NUMBERS:
        if key == "offset" and isinstance(value, int) and 0 <= value <= 1_000_000:
            continue
        assert_json_error(client.get(path, params={key: value}), 422, "invalid parameters: ", f"{key}:")


def test_paging_bounds_on_search_stories_and_pages(client: TestClient) -> None:
    for params in ({"q": "Russia", "limit": 10**12}, {"q": "Russia", "limit": -1}, {"q": "Russia", "limit": "all"}):
        assert_json_error(client.get("/api/search", params=params), 422, "limit:")
    assert_json_error(client.get("/api/documents", params={"q": "Russia", "offset": 10_001}), 422, "offset:")
    for story_id in (2**63, -1, "1e3", "1.5"):
        assert_json_error(client.get(f"/api/stories/{story_id}"), 422, "story_id:")
    assert_json_error(client.get("/api/stories/..%2F1"), 404)  # no route has a slash in a story id
    for path, params in (("/", {"offset": 10**30}), ("/events", {"limit": -5}), ("/stories", {"offset": -1})):
        page = client.get(path, params=params)
        assert page.status_code == 422 and page.headers["content-type"].startswith("text/html"), path
        assert next(iter(params)) in page.text


@pytest.mark.parametrize("key", ["since", "until"])
def test_bad_dates_answer_422_naming_the_field(client: TestClient, key: str) -> None:
    for value in BAD_DATES:
        for path in ("/api/events", "/api/stories"):
            assert_json_error(client.get(path, params={key: value}), 422, f"{key}:")
        assert client.get("/events", params={key: value}).status_code == 422


def test_far_dates_are_valid_and_match_nothing(client: TestClient) -> None:
    assert client.get("/api/events", params={"since": "9999-12-31"}).json()["events"] == []
    assert client.get("/api/events", params={"until": "0001-01-01"}).json()["events"] == []
    assert len(client.get("/api/events", params={"since": "2024-11-17", "until": "2024-11-17"}).json()["events"]) == 3


@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/documents/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/api/documents/..%5C..%5Cpyproject.toml",
        "/articles/..%2F..%2Fetc%2Fpasswd",
        "/articles/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/articles/....//....//etc/passwd",
        "/static/../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/static/app.css%00.toml",
        "/static/app.css/..%2F..%2F..%2Fpyproject.toml",
        "/static//etc/passwd",
        "/static/%2Fetc%2Fpasswd",
    ],
)
def test_path_traversal_finds_no_file(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 422), (path, response.status_code)  # 422: a NUL in the path
    assert "root:" not in response.text and "[project]" not in response.text and "[tool." not in response.text
    if path.startswith("/api/"):
        assert response.json()["status"] == response.status_code


def test_nul_bytes_answer_422_before_the_database(client: TestClient) -> None:
    """PostgreSQL refuses NUL in any text value (it was a 500 there): the app refuses it first, on every backend."""
    before = counts(client)
    for path, key in [*FREE_TEXT, ("/", "q"), ("/events", "actor"), ("/stories", "outlet")]:
        for value in ("\x00", "Russia\x00", "\x00' OR 1=1 --"):
            response = client.get(path, params={key: value})
            if path.startswith("/api/"):
                assert_json_error(response, 422, f"{key}: NUL characters are not allowed")
            else:
                assert response.status_code == 422 and "NUL characters" in response.text, (path, key)
    assert_json_error(client.get("/api/events", params={"since": "2024-11-17\x00"}), 422, "since:")
    assert_json_error(client.get("/api/events", params={"act\x00or": "x"}), 422, "actor:")
    for path in ("/api/documents/doc-a%00", "/api/documents/%00", "/api/stories/1%00"):
        assert_json_error(client.get(path), 422, "path: NUL")
    assert client.get("/articles/doc-a%00").status_code == 422
    assert counts(client) == before


def test_huge_strings_answer_422_with_the_limit(client: TestClient) -> None:
    huge = "Russia " * 8_000  # 56,000 characters, under httpx's 65,536-byte query limit
    for path, key in [*FREE_TEXT, ("/", "q")]:
        response = client.get(path, params={key: huge})
        assert response.status_code == 422, (path, key)
        if path.startswith("/api/"):
            assert_json_error(response, 422, f"{key}:", "at most")
    assert_json_error(client.get("/api/documents/" + "x" * 5_000), 422, "doc_id:", "at most 200")


def test_unicode_and_broken_percent_escapes(client: TestClient) -> None:
    for text in UNICODE:
        for path, key in FREE_TEXT:
            response = client.get(path, params={key: text})
            assert response.status_code == 200, (path, key, text, response.text)
        assert client.get("/", params={"q": text}).status_code == 200
        assert_json_error(client.get(f"/api/documents/{text}"), 404, "no document with id")
    # bytes that are not UTF-8 (a lone surrogate, an overlong form, stray continuation bytes)
    for raw in ("%ED%A0%80", "%C0%AF", "%FF%FE", "%80"):
        for path, key in [*FREE_TEXT, ("/", "q")]:
            response = client.get(f"{path}?{key}={raw}")
            assert response.status_code in (200, 422), (path, key, raw, response.text)
        assert client.get(f"/api/documents/doc{raw}").status_code == 404
        assert client.get(f"/articles/doc{raw}").status_code == 404


def test_repeated_and_unknown_parameters_are_harmless(client: TestClient) -> None:
    assert len(client.get("/api/events?limit=1&limit=2").json()["events"]) == 2  # the last one counts
    assert client.get("/api/events?limit=1&limit=5000").status_code == 422
    assert client.get("/api/events", params={"sql": "DROP TABLE events", "__proto__": "x"}).status_code == 200
    assert_json_error(client.get("/api/events", params={"modality": "asserted' OR '1'='1"}), 422, "modality:")


@pytest.mark.parametrize("field", ["text", "title", "url"])
def test_nul_in_a_posted_document_answers_422(db_url: str, field: str) -> None:
    """Same reason as for parameters: on PostgreSQL the store raised on NUL (a 500 after the whole analysis)."""
    body = {"text": "Russia attacked Ukraine on Monday.", "title": "Attack", "url": "https://a.example/x"}
    body[field] = body[field].replace(" ", "\x00", 1) if field == "text" else body[field] + "\x00"
    with TestClient(create_app(db_url, "token"), raise_server_exceptions=False) as writer:
        response = writer.post("/api/documents", json=body, headers={"Authorization": "Bearer token"})
        assert_json_error(response, 422, f"{field}:", "NUL characters are not allowed")
