"""RSS and Atom feeds through feedparser: one Source per entry, content preferred over summary.

Linked pages are never fetched here: the feed's own text is what gets analysed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import feedparser

from newstrace.records import Rejected, Source

from .decode import safe_url, scrub


def _iso(parsed: time.struct_time | None) -> str | None:
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def read_feed(origin: str, data: bytes, published: str | None = None) -> Iterator[Source | Rejected]:
    try:
        feed = feedparser.parse(data)
    except Exception as exc:  # feedparser's loose parser raises on e.g. "&#xD800;" or "&#x110000;"
        yield Rejected(origin, f"not a readable RSS/Atom feed (feedparser raised {type(exc).__name__})")
        return
    if not feed.entries:
        reason = "XML that is not an RSS/Atom feed" if not feed.get("version") else "feed has no entries"
        if feed.bozo and not feed.get("version"):
            reason = f"not a readable RSS/Atom feed ({type(feed.bozo_exception).__name__})"
        yield Rejected(origin, reason)
        return
    outlet = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, start=1):
        where = f"{origin}#{number}"
        body, body_type = "", "text/plain"
        if entry.get("content"):
            body, body_type = entry.content[0].get("value", ""), entry.content[0].get("type", "text/html")
        elif entry.get("summary"):
            body, body_type = entry.summary, entry.get("summary_detail", {}).get("type", "text/html")
        if not body.strip():
            yield Rejected(where, "feed entry has no content or summary")
            continue
        date = _iso(entry.get("published_parsed") or entry.get("updated_parsed")) or published
        is_html = "html" in body_type
        body = scrub(body) or ""
        yield Source(
            origin=where,
            text=None if is_html else body,
            html=f"<html><body><article>{body}</article></body></html>" if is_html else None,
            id=None,
            title=scrub(entry.get("title")),
            url=safe_url(entry.get("link")),
            published=date,
            published_from="metadata" if date and date != published else ("input" if date else None),
            author=scrub(entry.get("author")),
            outlet=scrub(outlet),
            input_format="feed",
        )
