"""Dedupe + story-merge throughput as a corpus grows (issue 9): synthetic analyses, no spaCy.

Usage: ``.venv/bin/python bench/corpus.py [--docs 100000] [--step 10000] [--batch 32] [--db PATH]``

Articles are pseudo-word texts (300-600 words); ``--copies`` of them are syndicated copies of an earlier article
(new header and footer, a few words changed) carrying the original's events. Each article has 1-5 events among
40 countries, 12 CAMEO codes and a year of dates, some attributed to an outlet or to unnamed officials, so
stories form and merge as they would in news. Batches are stored with ``store.write`` and then run through
``CorpusIndex.update`` (what ``Corpus.ingest`` does after each batch); only the second is the measured
throughput, as wall-clock and as CPU time (``docs_per_cpu_s``, steadier on a shared machine). Prints one JSON
object per step, then a JSON summary and a one-line summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from newstrace.corpus.index import CorpusIndex
from newstrace.records import Analysis, Attribution, ChainLink, CodedSpan, Document, Event, Span
from newstrace.store import open_store

COUNTRIES = [f"C{n:02d}" for n in range(40)]
ROLES = ["", "GOV", "MIL", "COP"]
CAMEOS = ["010", "036", "040", "042", "051", "057", "111", "120", "138", "173", "190", "195"]
PLOVER = {
    "01": "COOPERATE",
    "03": "AGREE",
    "04": "CONSULT",
    "05": "SUPPORT",
    "11": "ACCUSE",
    "12": "REJECT",
    "13": "THREATEN",
    "17": "COERCE",
    "19": "ASSAULT",
}
VOCAB = np.array([f"w{n}" for n in range(30_000)])
START = dt.date(2024, 1, 1)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Generator:
    """Deterministic synthetic analyses; remembers recent originals so copies and re-reports can refer back."""

    def __init__(self, seed: int, copies: float) -> None:
        self.rng = np.random.default_rng(seed)
        self.copies = copies
        self.recent: list[tuple[str, str, list[Event], str]] = []
        self.n = 0

    def _event(self, day: dt.date) -> Event:
        rng = self.rng
        src, tgt = rng.choice(COUNTRIES, 2, replace=False)
        cameo = str(rng.choice(CAMEOS))
        chain: list[ChainLink] = []
        kind = rng.random()
        if kind < 0.2:
            chain = [ChainLink("article", "author"), ChainLink(f"Outlet {rng.integers(50)}", "outlet")]
        elif kind < 0.35:
            chain = [ChainLink("article", "author"), ChainLink("officials", "anonymous", f"{src}GOV")]
        source = CodedSpan(str(src), 0, 3, f"{src}{rng.choice(ROLES)}", str(src))
        target = CodedSpan(str(tgt), 4, 7, f"{tgt}{rng.choice(ROLES)}", str(tgt)) if rng.random() < 0.8 else None
        return Event(
            id="",
            sentence=int(rng.integers(10)),
            trigger=Span("acted", 0, 5),
            source=source,
            target=target,
            cameo=cameo,
            plover=PLOVER[cameo[:2]],
            modality=str(rng.choice(["asserted", "reported", "hedged", "denied"], p=[0.6, 0.25, 0.1, 0.05])),
            evidence=Span("", 0, 0),
            rule="bench",
            attribution=Attribution(chain=chain),
        )

    def article(self) -> Analysis:
        rng, self.n = self.rng, self.n + 1
        doc_id = f"doc{self.n:07d}"
        if self.recent and rng.random() < self.copies:
            _, text, events, published = self.recent[int(rng.integers(len(self.recent)))]
            words = text.split(" ")
            for i in rng.integers(len(words), size=3):
                words[i] = "edited"
            text = f"Republished by outlet {self.n % 97}.\n" + " ".join(words) + "\nAll rights reserved."
            events = [Event(**{f: getattr(e, f) for f in Event.__slots__}) for e in events]
        else:
            text = " ".join(VOCAB[rng.zipf(1.3, size=int(rng.integers(300, 600))) % len(VOCAB)])
            published = (START + dt.timedelta(days=int(self.n * 365 / 100_000) + int(rng.integers(3)))).isoformat()
            day = dt.date.fromisoformat(published)
            events = [self._event(day) for _ in range(int(rng.integers(1, 6)))]
            self.recent = [*self.recent[-999:], (doc_id, text, events, published)]
        for k, e in enumerate(events):
            e.id = f"e{k + 1}"
        doc = Document(
            id=doc_id,
            text=text,
            published=published,
            outlet=f"outlet{self.n % 300}.example",
            url=f"https://example.org/{doc_id}",
            content_hash=f"h{hash(text)}",
        )
        return Analysis(document=doc, events=events)


def run(docs: int, step: int, batch: int, db: Path, copies: float) -> dict[str, Any]:
    store = open_store(str(db))
    index = CorpusIndex(store)
    gen = Generator(7, copies)
    steps: list[dict[str, Any]] = []
    write_s = update_s = 0.0
    done = 0
    while done < docs:
        step_write = step_update = step_cpu = 0.0
        target = min(docs, done + step)
        while done < target:
            analyses = [gen.article() for _ in range(min(batch, target - done))]
            t0 = time.perf_counter()
            store.write(analyses)
            t1, c1 = time.perf_counter(), time.process_time()
            index.update(a.document.id for a in analyses)
            t2 = time.perf_counter()
            step_cpu += time.process_time() - c1
            step_write += t1 - t0
            step_update += t2 - t1
            done += len(analyses)
        write_s += step_write
        update_s += step_update
        count = done - (steps[-1]["docs"] if steps else 0)
        stats = store.conn.execute(
            "SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM dup_members), "
            "(SELECT count(*) FROM dup_groups), (SELECT count(*) FROM story_events)"
        ).fetchone()
        row = {
            "docs": done,
            "dedupe_stories_docs_per_s": round(count / step_update, 1),
            "dedupe_stories_docs_per_cpu_s": round(count / step_cpu, 1),
            "store_write_docs_per_s": round(count / step_write, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "db_mb": round(os.path.getsize(db) / 2**20, 1),
            "stories": stats[0],
            "duplicate_docs": stats[1],
            "duplicate_groups": stats[2],
            "mentions": stats[3],
        }
        steps.append(row)
        print(json.dumps(row), flush=True)
    store.close()
    store = open_store(str(db))
    reopened = CorpusIndex(store)
    t0 = time.perf_counter()
    reopened.dedupe.sync()
    rebuild = time.perf_counter() - t0
    store.close()
    return {
        "docs": docs,
        "batch": batch,
        "copies": copies,
        "steps": steps,
        "total_dedupe_stories_s": round(update_s, 1),
        "total_store_write_s": round(write_s, 1),
        "index_rebuild_s_at_end": round(rebuild, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--step", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--copies", type=float, default=0.15, help="Share of articles that are copies.")
    parser.add_argument("--db", type=Path, help="Database file (default: a temporary one).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.docs, args.step, args.batch, args.db or Path(tmp) / "bench.db", args.copies)
    print(json.dumps(result))
    first, last = result["steps"][0], result["steps"][-1]
    print(
        f"dedupe+stories: {first['dedupe_stories_docs_per_s']:.0f} docs/s "
        f"({first['dedupe_stories_docs_per_cpu_s']:.0f}/CPU-s) at {first['docs']:,} → "
        f"{last['dedupe_stories_docs_per_s']:.0f} docs/s ({last['dedupe_stories_docs_per_cpu_s']:.0f}/CPU-s) "
        f"at {last['docs']:,}; peak RSS "
        + ", ".join(f"{s['peak_rss_mb']:.0f}" for s in result["steps"])
        + f" MB per {args.step:,}; index rebuild {result['index_rebuild_s_at_end']} s at {last['docs']:,}"
    )


if __name__ == "__main__":
    main()
