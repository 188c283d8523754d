"""Near-duplicates and syndication: MinHash LSH over normalised word shingles, plus exact content hashes.

Why: a wire story re-published by ten outlets (with their own header, footer, headline or a changed word) is one
report, not ten; corroboration counts (``stories``) collapse such copies. Detection is incremental: each new
document is first queried against the index of everything stored before it, then inserted. The MinHash
signatures are stored in the database, so a later run rebuilds the in-memory index from them (once, lazily, on
first use) without re-reading any text, and picks up signatures written by other processes in the meantime.
Signatures are datasketch MinHashes; the LSH band index is ``bands.BandIndex`` (datasketch's banding, compact
storage).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash

from newstrace.store import Store

from .bands import BandIndex, banding

#: Signature length; 128 permutations estimate a Jaccard similarity to about ±0.04.
NUM_PERM = 128
#: Words per shingle: long enough that two independent reports of one event share few shingles.
SHINGLE_WORDS = 5
#: Estimated shingle Jaccard similarity from which two documents are copies of one text. A syndicated copy with a
#: new header and footer and a few edited words scores 0.8-0.95; independent reports of the same event score < 0.1.
THRESHOLD = 0.5
#: Stored signatures are only comparable under the same scheme, seed, permutation count and shingle hashing
#: (``shingle_hashes``: cheap, since datasketch's affine32 scheme mixes and permutes the values it is given).
_SCHEME = "affine32"
_SEED = 1
_WORD = re.compile(r"\w+")
#: Odd multipliers that make an n-gram's hash depend on word order.
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint32)


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the distinct word ``SHINGLE_WORDS``-grams of the case-folded, NFKC-normalised text.

    Punctuation is ignored. Each word is hashed once (CRC-32, stable across processes, as stored signatures
    require) and the n-gram hashes are order-sensitive mixes of their words' hashes, computed with numpy.
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if not words:
        return np.empty(0, dtype=np.uint32)
    hashes = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint32, count=len(words))
    size = min(SHINGLE_WORDS, len(words))
    count = len(words) - size + 1
    grams = np.zeros(count, dtype=np.uint32)
    for k in range(size):
        grams += hashes[k : k + count] * _MIX[k]  # uint32 arithmetic wraps around, as a hash should
    return np.unique(grams)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (the share of equal hash values)."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass(slots=True)
class Match:
    doc_id: str
    similarity: float


class Deduplicator:
    """Finds, for each new document, the stored documents it copies, and keeps the duplicate groups up to date."""

    def __init__(self, store: Store, *, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.store = store
        self.threshold = threshold
        self.num_perm = num_perm
        self._template = MinHash(num_perm=num_perm, seed=_SEED, scheme=_SCHEME)
        self._bands = banding(threshold, num_perm)
        self._index: BandIndex | None = None
        self._empty = bytes(4 * num_perm)
        self._seen_seq = 0

    def signature(self, text: str) -> np.ndarray | None:
        """The MinHash values of ``text`` (uint32), or None for a text without words."""
        grams = shingle_hashes(text)
        if not len(grams):
            return None
        minhash = MinHash(
            num_perm=self.num_perm,
            seed=_SEED,
            permutations=self._template.permutations,
            scheme=_SCHEME,
            hashfunc=int,
        )
        minhash.update_batch(grams.tolist())
        return minhash.hashvalues.astype("<u4")

    @property
    def loaded(self) -> bool:
        """Whether the in-memory index has been built in this process."""
        return self._index is not None

    def sync(self) -> bool:
        """Load signatures stored since the last call (all of them the first time); True on the first load."""
        first = self._index is None
        if self._index is None:
            self._index = BandIndex(*self._bands)
        ids: list[str] = []
        rows: list[bytes] = []
        for seq, doc_id, blob in self.store.signatures_after(self._seen_seq):
            if blob != self._empty:  # a text without words is found by its content hash only
                ids.append(doc_id)
                rows.append(bytes(blob))
            self._seen_seq = seq
            if len(rows) == 10_000:
                self._load(ids, rows)
                ids, rows = [], []
        self._load(ids, rows)
        return first

    def _load(self, ids: list[str], rows: list[bytes]) -> None:
        if ids and self._index is not None:
            self._index.insert_many(ids, np.frombuffer(b"".join(rows), dtype="<u4").reshape(len(ids), self.num_perm))

    def reset(self) -> None:
        """Forget the in-memory index (after a rolled-back batch it may hold documents the database does not)."""
        self._index = None
        self._seen_seq = 0

    def add(self, doc: dict[str, Any]) -> list[Match]:
        """Record one document (``id``, ``text``, ``content_hash``); returns the earlier documents it copies.

        Call inside a store transaction, after ``sync``: the signature and the group changes commit together.
        """
        assert self._index is not None, "call sync() first"
        doc_id = doc["id"]
        values = self.signature(doc["text"])
        found = (
            {other: 1.0 for other in self.store.same_content(doc["content_hash"], doc_id)}
            if doc["content_hash"]
            else {}
        )
        if values is not None:
            candidates = [c for c in self._index.query(values) if c not in found and c != doc_id]
            for other, blob in self.store.signatures(candidates).items():
                score = similarity(values, np.frombuffer(blob, dtype="<u4"))
                if score >= self.threshold:
                    found[other] = score
        blob = values.tobytes() if values is not None else self._empty
        self._seen_seq = self.store.add_signature(doc_id, blob)
        if values is not None:
            self._index.insert(doc_id, values)
        matches = sorted((Match(k, v) for k, v in found.items()), key=lambda m: (-m.similarity, m.doc_id))
        if matches:
            self._join(doc_id, matches)
        return matches

    def _join(self, doc_id: str, matches: Sequence[Match]) -> None:
        """Put ``doc_id`` in the group of its best match, merging every group it bridges into the oldest one."""
        groups = self.store.dup_groups_of(m.doc_id for m in matches)
        best = matches[0]
        if groups:
            into = min(groups.values())
            self.store.merge_dup_groups(into, set(groups.values()))
        else:
            into = self.store.new_dup_group()
            self.store.add_dup_member(into, best.doc_id, None, None)
            groups[best.doc_id] = into
        self.store.add_dup_member(into, doc_id, best.doc_id, best.similarity)
        for match in matches:
            if match.doc_id not in groups:
                self.store.add_dup_member(into, match.doc_id, doc_id, match.similarity)


def duplicate_groups(store: Store) -> list[dict[str, Any]]:
    """Every group of two or more copies: members in arrival order, and the weakest link's similarity."""
    groups: dict[int, dict[str, Any]] = {}
    for row in store.dup_group_rows():
        group = groups.setdefault(row["group_id"], {"id": row["group_id"], "members": [], "similarity": None})
        group["members"].append(
            {"id": row["doc_id"], "url": row["url"], "outlet": row["outlet"], "published": row["published"]}
        )
        if row["similarity"] is not None:
            low = group["similarity"]
            group["similarity"] = round(row["similarity"] if low is None else min(low, row["similarity"]), 3)
    return [g for g in groups.values() if len(g["members"]) > 1]
