"""The HTTP API and web UI of ``newstrace serve``: ``create_app(db_url, token)`` builds the FastAPI app.

JSON under ``/api`` (schema at ``/openapi.json``), server-rendered pages elsewhere (``newstrace.web``). Reads are
open; writes need ``Authorization: Bearer <NEWSTRACE_TOKEN>`` and are refused (403) when no token is configured.
"""

from .app import CSP, LOOPBACK_HOSTS, create_app

__all__ = ["CSP", "LOOPBACK_HOSTS", "create_app"]
