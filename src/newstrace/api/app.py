"""The FastAPI application: JSON API, web pages, security headers and error shapes in one place."""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

import newstrace
from newstrace.corpus import Corpus

from .routes import router

log = logging.getLogger("newstrace.api")

#: Article texts and titles are untrusted HTML: nothing inline may run, nothing may load from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Largest request body accepted (bytes): room for ``MAX_TEXT_CHARS`` of text with JSON escaping.
MAX_BODY_BYTES = 8 * 1024 * 1024
#: Host names a loopback-bound server answers to (others are refused, which defeats DNS rebinding).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def create_app(db_url: str, token: str | None, *, allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The newstrace web application over the database at ``db_url``.

    ``token`` enables writes (``POST /api/documents`` with ``Authorization: Bearer <token>``); without it the
    server is read-only. ``allowed_hosts`` restricts the ``Host`` header (``newstrace serve`` passes the loopback
    names when bound to loopback). The database is opened (and migrated) once here so a bad URL fails at start.
    """
    Corpus(db_url).close()
    app = FastAPI(
        title="newstrace",
        version=newstrace.__version__,
        description="Source-attributed news events: documents, events, stories, actors, full-text search.",
        docs_url=None,  # the bundled Swagger/ReDoc pages load scripts from a CDN, which the CSP forbids
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.db_url = db_url
    app.state.token = token or None
    app.state.analyze_lock = threading.Lock()
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    from newstrace.web import error_page, pages  # the pages use the API's parameters: imported once both exist

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Security headers on every response; a declared oversized body, or a NUL in the path or a query
        parameter, is refused before any route sees it."""
        declared = request.headers.get("content-length", "")
        nul_in = _nul_parameter(request)
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:  # refused before the body is read
            response: Response = JSONResponse(
                {"error": f"request body too large (over {MAX_BODY_BYTES} bytes)", "status": 413}, 413
            )
        elif nul_in:
            problem = {"field": nul_in, "message": "NUL characters are not allowed", "type": "nul_character"}
            message = f"invalid parameters: {nul_in}: {problem['message']}"
            if wants_json(request):
                response = JSONResponse({"error": message, "status": 422, "detail": [problem]}, 422)
            else:
                response = error_page(request, 422, message)
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if wants_json(request):
            return JSONResponse({"error": message, "status": exc.status_code}, exc.status_code, exc.headers)
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [_problem(e) for e in exc.errors()]
        message = "invalid parameters: " + "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        if wants_json(request):
            return JSONResponse({"error": message, "status": 422, "detail": problems}, 422)
        return error_page(request, 422, message)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        if wants_json(request):
            return JSONResponse({"error": "internal error (see the server log)", "status": 500}, 500)
        return error_page(request, 500, "internal error (see the server log)")

    app.include_router(router)
    app.include_router(pages)
    return app


def _problem(error: dict[str, Any]) -> dict[str, str]:
    """One validation error as plain strings (pydantic's own entries may hold exceptions, not JSON-able)."""
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
    field = "body" if error["type"] == "json_invalid" else ".".join(loc) or "request"
    return {"field": field, "message": str(error.get("msg", "invalid")), "type": error["type"]}


def _nul_parameter(request: Request) -> str | None:
    """The parameter (or ``path``) holding a NUL character, if any.

    A NUL is never meaningful in an id, a filter or a search, and PostgreSQL refuses it in any text value (the
    driver raises, which would be a 500), so it is answered here, the same way on every backend and every route.
    """
    if "\x00" in request.scope.get("path", ""):
        return "path"
    for key, value in request.query_params.multi_items():
        if "\x00" in key or "\x00" in value:
            return key.replace("\x00", "") or "query"
    return None
