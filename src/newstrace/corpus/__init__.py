"""The corpus API: ingest inputs into a store and query what is there.

``Corpus(db_url)`` is what the CLI and the HTTP API wrap. Ingest is idempotent (documents already stored are
skipped before they are parsed) and resumable (each batch commits atomically, so a re-run after a crash only
redoes the open batch).
"""

from __future__ import annotations

import ctypes
import itertools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from newstrace import pipeline
from newstrace.extract import Extractor
from newstrace.ingest import DEFAULT_MAX_BYTES, ReadOptions, read_inputs
from newstrace.records import Analysis, AnalysisWarning, Document, Rejected
from newstrace.store import EventFilter, Store, open_store

from .dedupe import duplicate_groups
from .export import EXPORT_FORMATS, export
from .index import CorpusIndex
from .load import LoadReport, load_analyses
from .stories import list_stories, summarize

DEFAULT_DB = "sqlite:///newstrace.db"


def default_db_url() -> str:
    return os.environ.get("NEWSTRACE_DB", DEFAULT_DB)


def usable_cores() -> int:
    """Cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class IngestReport:
    read: int = 0
    stored: int = 0
    skipped: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "stored": self.stored,
            "skipped": self.skipped,
            "rejected": [{"input": r.origin, "reason": r.reason} for r in self.rejected],
        }


Progress = Callable[[IngestReport], None]
Item = tuple[Document, list[AnalysisWarning]]


def _die_with_parent(parent: int) -> None:
    """Worker-process initializer: end this worker when the ingest process ends, however it ends.

    A ``kill -9`` of the parent runs no clean-up, and a forked worker holds its own copy of the task pipe, so it
    would wait forever, orphaned, holding the parent's stdout and stderr open. Linux can send a signal on the
    parent's death (PR_SET_PDEATHSIG); the pid check closes the gap where the parent died before that was set.
    """
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _analyze_chunk(chunk: list[Item], model: str | None) -> list[Analysis | Rejected]:
    """Worker-process entry point: the model is loaded once per process (``get_nlp`` is cached)."""
    return list(pipeline.analyze_documents(chunk, model=model))


class Corpus:
    def __init__(self, db_url: str | None = None, *, model: str | None = None) -> None:
        self.db_url = db_url or default_db_url()
        self.store: Store = open_store(self.db_url)
        self.model = model
        self.index = CorpusIndex(self.store)  # near-duplicates and stories, updated after each stored batch

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # -- writing ---------------------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[str],
        *,
        published: str | None = None,
        input_format: str = "auto",
        max_bytes: int = DEFAULT_MAX_BYTES,
        workers: int | None = None,
        batch_size: int = 32,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read, analyse and store every article in ``paths``; bad inputs are reported, never fatal.

        ``workers`` parser processes (default on Linux: one per usable core; elsewhere 1, since spawned workers
        need the caller's ``if __name__ == "__main__":`` guard) analyse documents; this process reads, extracts
        (learned boilerplate needs every document of an outlet in one place) and stores, in input order.
        """
        workers = workers or (usable_cores() if sys.platform == "linux" else 1)
        report = IngestReport()
        options = ReadOptions(max_bytes=max_bytes, published=published, input_format=input_format)
        todo = self._new_documents(read_inputs(paths, options), report, progress)
        results = (
            self._analyze_parallel(todo, workers, chunk=8)
            if workers > 1
            else pipeline.analyze_documents(todo, model=self.model)
        )
        batch: list[Analysis] = []
        for result in results:
            if isinstance(result, Rejected):
                report.rejected.append(result)
            else:
                batch.append(result)
                if len(batch) >= batch_size:
                    report.stored += self._write(batch)
                    batch = []
            if progress:
                progress(report)
        if batch:
            report.stored += self._write(batch)
        if progress:
            progress(report)
        return report

    def _new_documents(self, sources: Iterable[Any], report: IngestReport, progress: Progress | None) -> Iterator[Item]:
        """Extracted documents not yet stored (nor seen earlier in this run); rejects go to the report."""
        extractor = Extractor()
        seen: set[str] = set()
        for source in sources:
            report.read += 1
            if isinstance(source, Rejected):
                report.rejected.append(source)
                if progress:
                    progress(report)
                continue
            if source.id and (source.id in seen or self.store.known_ids([source.id])):
                report.skipped += 1
                continue
            extracted = pipeline.extract_one(extractor, source)
            if isinstance(extracted, Rejected):
                report.rejected.append(extracted)
                continue
            document, warnings = extracted
            if document.id in seen or self.store.known_ids([document.id]):
                report.skipped += 1
                if progress:
                    progress(report)
                continue
            seen.add(document.id)
            yield document, warnings

    def _analyze_parallel(self, items: Iterator[Item], workers: int, chunk: int) -> Iterator[Analysis | Rejected]:
        """Fan chunks out to worker processes (one spaCy model each), yielding results in input order.

        Where ``fork`` is safe (Linux), the model and gazetteers are loaded once here and the workers are forked
        after it, sharing those pages copy-on-write: each worker starts at once instead of spending seconds
        importing and loading, which on a short run is much of the speed-up. Elsewhere workers are spawned.
        Nothing is loaded or started until a first document needs analysing (a re-run may find all stored).
        """
        first = next(items, None)
        if first is None:
            return
        items = itertools.chain([first], items)
        if sys.platform == "linux":
            pipeline.get_nlp(self.model)
            context = get_context("fork")
        else:
            context = get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            pending: list[Future[list[Analysis | Rejected]]] = []
            while True:
                block = list(itertools.islice(items, chunk))
                if block:
                    pending.append(pool.submit(_analyze_chunk, block, self.model))
                if pending and (not block or len(pending) >= 2 * workers):
                    yield from pending.pop(0).result()
                if not block and not pending:
                    return

    def add(self, analyses: list[Analysis]) -> int:
        """Store analyses made elsewhere (the HTTP API, a notebook); returns how many were new."""
        return self._write(analyses)

    def load(self, directory: str | Path) -> LoadReport:
        """Store the analyses a ``newstrace spark`` run wrote to ``directory``; loading twice stores nothing twice."""
        return load_analyses(self.store, self.index, Path(directory))

    def _write(self, analyses: list[Analysis]) -> int:
        """Store a batch, then dedupe it and merge its events into stories (a separate, idempotent step)."""
        stored = self.store.write(analyses)
        self.index.update(a.document.id for a in analyses)
        return stored

    # -- reading ---------------------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def events(self, **filters: Any) -> list[dict[str, Any]]:
        return self.store.events(EventFilter(**filters))

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        return self.store.search(query, limit)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return self.store.document(doc_id)

    def documents(self, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Stored documents, newest first, as summaries (id, title, url, published, outlet, events)."""
        return self.store.documents(limit, offset)

    def actors(self, limit: int = 100) -> list[dict[str, Any]]:
        """Coded actors with their number of mentions and documents, most mentioned first."""
        return self.store.actors(limit)

    def actor_edges(self, limit: int = 200) -> list[dict[str, Any]]:
        """Source → target actor pairs weighted by events (the actor network)."""
        return self.store.actor_edges(limit)

    def duplicates(self) -> list[dict[str, Any]]:
        """Groups of near-duplicate documents (syndicated copies), each with its weakest similarity."""
        self.index.update()
        return duplicate_groups(self.store)

    def stories(self, **filters: Any) -> list[dict[str, Any]]:
        """Events merged across articles, with independent corroboration; filters as for ``events``."""
        self.index.update()
        return list_stories(self.store, EventFilter(**filters))

    def story(self, story_id: int) -> dict[str, Any] | None:
        """One story as ``stories`` lists it, plus ``reports``: each article's own account, earliest first."""
        self.index.update()
        row = self.store.story_row(story_id)
        if row is None:
            return None
        return {**summarize(row, self.store.story_mentions([story_id])), "reports": self.store.story_reports(story_id)}

    def export(self, fmt: str, out: str | Path) -> list[Path]:
        self.index.update()  # stories and duplicates are exported too: finish any left unprocessed
        return export(self.store, fmt, Path(out))


__all__ = ["DEFAULT_DB", "EXPORT_FORMATS", "Corpus", "IngestReport", "default_db_url"]
