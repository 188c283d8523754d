"""What every route needs: a corpus for this request, and (for writes) the bearer-token check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from newstrace.corpus import Corpus

bearer = HTTPBearer(auto_error=False, description="The server's NEWSTRACE_TOKEN; writes are refused without it.")


def open_corpus(request: Request) -> Corpus:
    """A corpus for one request, used as ``with open_corpus(request) as corpus``.

    Opened inside the route rather than by a dependency because SQLite connections belong to the thread that made
    them, and FastAPI may run a dependency and its route on different worker threads.
    """
    return Corpus(request.app.state.db_url)


def require_writer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """403 when the server has no token (read-only), 401 when the request's bearer token is missing or wrong."""
    token: str | None = request.app.state.token
    if not token:
        raise HTTPException(403, "this server is read-only: start it with NEWSTRACE_TOKEN set to allow writes")
    given = credentials.credentials if credentials and credentials.scheme.lower() == "bearer" else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(
            401, "missing or wrong bearer token (send Authorization: Bearer <token>)", {"WWW-Authenticate": "Bearer"}
        )
