"""Corpus-level state kept current as documents arrive: near-duplicate groups and stories, in one transaction.

Why one place: ingest, ``Corpus.add`` and a catch-up after a crash all need the same "dedupe, then merge
stories" step, and doing both in one transaction per batch means a document is either fully processed (its
signature row is the marker) or not at all, so a re-run finishes exactly what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable

from newstrace.store import Store

from .dedupe import Deduplicator
from .stories import StoryMerger


class CorpusIndex:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.dedupe = Deduplicator(store)
        self.stories = StoryMerger(store)

    def update(self, doc_ids: Iterable[str] = ()) -> int:
        """Dedupe and merge into stories the given stored documents (default: any left unprocessed).

        On first use, documents stored earlier but never processed (a crash between the two steps, a database
        from before migration 0003) are processed first.

        Returns how many documents were processed; documents already processed are skipped.
        """
        wanted = list(dict.fromkeys(doc_ids)) or self.store.unsigned_ids()
        if not wanted:
            return 0  # nothing new: reads never pay for loading the index
        try:
            with self.store.transaction():
                if self.dedupe.sync():  # left-over documents first, then the given ones in the order given
                    given = set(wanted)
                    wanted = [*(d for d in self.store.unsigned_ids() if d not in given), *wanted]
                done = self.store.signed_ids(wanted)
                todo = [d for d in wanted if d not in done]
                docs = self.store.dedupe_inputs(todo)
                for doc in docs:
                    self.dedupe.add(doc)
                self.stories.add([d["id"] for d in docs])
        except BaseException:
            self.dedupe.reset()  # the in-memory index may hold documents the rollback removed
            raise
        return len(docs)
