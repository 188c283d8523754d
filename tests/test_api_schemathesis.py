"""Schemathesis against the app's own /openapi.json, in process: generated requests for every operation.

Small CI budget (``NEWSTRACE_SCHEMATHESIS_EXAMPLES`` valid and as many invalid cases per operation, default 25):
every response must be no server error and must match the status codes, content type and body schema that the
OpenAPI document declares. Requests carry the write token, so POST is exercised past the authorization check.

Each operation's cases come from ``operation.as_strategy()`` under a plain ``@given``: schemathesis' own
``@schema.parametrize()`` reads ``request.node._nodeid``, which pytest 9 no longer has.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    import schemathesis
except ImportError:  # a development venv made before the pin; CI must run this test, like the PostgreSQL ones
    if os.environ.get("CI"):
        raise ImportError("schemathesis is missing: requirements/lock.txt must pin schemathesis==4.32.5") from None
    pytest.skip("schemathesis is not installed (pip install schemathesis==4.32.5)", allow_module_level=True)
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import newstrace
from corpus_records import article, event
from newstrace.api import create_app

TOKEN = "schemathesis-token"
EXAMPLES = int(os.environ.get("NEWSTRACE_SCHEMATHESIS_EXAMPLES", "25"))
OPERATIONS = [
    ("GET", "/api/documents"),
    ("POST", "/api/documents"),
    ("GET", "/api/documents/{doc_id}"),
    ("GET", "/api/events"),
    ("GET", "/api/stories"),
    ("GET", "/api/stories/{story_id}"),
    ("GET", "/api/actors"),
    ("GET", "/api/actors/graph"),
    ("GET", "/api/search"),
    ("GET", "/api/stats"),
]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api_schema(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The schema served by an app over a small stored corpus (events, a merged story, searchable words), on
    each backend: PostgreSQL refuses strings (NUL) that SQLite stores, which only showed there."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'api.db'}"
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
                article("doc-a", None, event(time="2024-11-17"), outlet="a.example"),
                article("doc-b", None, event(time="2024-11-17", modality="reported"), outlet="b.example"),
                article("doc-c", "Russia attacked Ukraine on Monday.", event("USA", "RUS", "042", "CONSULT")),
            ]
        )
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(url, TOKEN))


def test_every_operation_is_under_test(api_schema: Any) -> None:
    """A new route must join ``OPERATIONS`` (or it would silently go unfuzzed)."""
    served = {(op.method.upper(), op.path) for op in (result.ok() for result in api_schema.get_all_operations())}
    assert served == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_its_schema(api_schema: Any, method: str, path: str) -> None:
    operation = api_schema[path][method]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(
        max_examples=2 * EXAMPLES,
        deadline=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=cases)
    def conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)

    conforms()
