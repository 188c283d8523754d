"""A compact in-memory LSH band index over MinHash signatures.

Why not datasketch's ``MinHashLSH`` storage: it keeps one Python set per bucket, about 7 KB per document at 25
bands (75 MB per 10k documents), so a 1M-article corpus would need 7 GB before doing anything. This index uses
the same banding (datasketch's optimal bands × rows for the threshold) but stores one sorted ``uint64`` array of
band hashes (the band number mixed in) with the matching document numbers, plus a short unsorted tail of recent
inserts that is merged in when it fills: about 12 bytes per band per document, and a lookup is one vectorised
binary search for all bands.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np
from datasketch import MinHashLSH

#: Odd 64-bit multipliers: a band's hash depends on every value in it and on their order.
_MULT = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)
#: Inserts kept unsorted before they are merged into the sorted arrays (bounds the linear part of a lookup).
TAIL = 8192


@cache
def banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives plus false negatives around ``threshold`` (datasketch's choice).

    Cached: datasketch integrates the error curves for every split (about 10 ms), and every ``Corpus()`` (each
    API request opens one) needs the same answer."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


class BandIndex:
    def __init__(self, bands: int, rows: int) -> None:
        self.bands, self.rows = bands, rows
        self.ids: list[str] = []
        self._hashes = np.empty(0, dtype=np.uint64)  # every band of every merged document, sorted
        self._docs = np.empty(0, dtype=np.int32)  # document number of each sorted hash
        self._tail = np.empty((TAIL, bands), dtype=np.uint64)
        self._tail_docs = np.empty(TAIL, dtype=np.int32)
        self._tail_len = 0

    def __len__(self) -> int:
        return len(self.ids)

    def band_hashes(self, signatures: np.ndarray) -> np.ndarray:
        """(n, bands) 64-bit hashes of each band of ``rows`` consecutive MinHash values of (n, num_perm) signatures.

        The band number is part of the hash, so equal values in different bands never collide.
        """
        n = signatures.shape[0]
        used = signatures[:, : self.bands * self.rows].astype(np.uint64).reshape(n, self.bands, self.rows)
        mult = np.resize(_MULT, self.rows)
        h = (used * mult).sum(axis=2, dtype=np.uint64)  # wraps around modulo 2**64
        h += np.arange(self.bands, dtype=np.uint64) * np.uint64(0x2545F4914F6CDD1D)
        h ^= h >> np.uint64(31)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(29)
        return h

    def query(self, signature: np.ndarray) -> list[str]:
        """Ids of indexed documents sharing at least one band with ``signature``."""
        key = self.band_hashes(signature[None, :])[0]
        found: set[int] = set()
        low, high = np.searchsorted(self._hashes, key, "left"), np.searchsorted(self._hashes, key, "right")
        for lo, hi in zip(low[low < high].tolist(), high[low < high].tolist(), strict=True):
            found.update(self._docs[lo:hi].tolist())
        if self._tail_len:
            hit = (self._tail[: self._tail_len] == key).any(axis=1)
            found.update(self._tail_docs[: self._tail_len][hit].tolist())
        return [self.ids[d] for d in sorted(found)]

    def insert(self, doc_id: str, signature: np.ndarray) -> None:
        self.insert_many([doc_id], signature[None, :])

    def insert_many(self, doc_ids: Iterable[str], signatures: np.ndarray) -> None:
        """Add documents (rows of ``signatures``, in order); merges the tail into the sorted arrays when full."""
        hashes = self.band_hashes(signatures)
        first = len(self.ids)
        self.ids.extend(doc_ids)
        numbers = np.arange(first, len(self.ids), dtype=np.int32)
        start = 0
        while start < len(numbers):
            take = min(TAIL - self._tail_len, len(numbers) - start)
            end = self._tail_len + take
            self._tail[self._tail_len : end] = hashes[start : start + take]
            self._tail_docs[self._tail_len : end] = numbers[start : start + take]
            self._tail_len, start = end, start + take
            if self._tail_len == TAIL:
                self._merge()

    def _merge(self) -> None:
        tail = self._tail[: self._tail_len]
        docs = np.repeat(self._tail_docs[: self._tail_len], self.bands)
        hashes = np.concatenate([self._hashes, tail.ravel()])
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._docs = np.concatenate([self._docs, docs])[order]
        self._tail_len = 0

    def nbytes(self) -> int:
        """Memory held by the arrays (the id list excluded)."""
        return self._hashes.nbytes + self._docs.nbytes + self._tail.nbytes + self._tail_docs.nbytes
