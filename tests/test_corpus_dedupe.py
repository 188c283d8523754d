"""Near-duplicates: syndicated copies group together, incrementally, and the index survives across runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus_records import article, words
from newstrace.corpus import Corpus
from newstrace.corpus.bands import TAIL, BandIndex, banding
from newstrace.corpus.dedupe import NUM_PERM, THRESHOLD, shingle_hashes


def copy_of(text: str) -> str:
    """A syndicated copy: the outlet's header and footer, one word changed."""
    body = text.split(" ")
    body[40] = "changed"
    return "Republished with permission of the original outlet.\n" + " ".join(body) + "\nSubscribe for more news."


def ids(groups: list[dict]) -> list[list[str]]:
    return [[m["id"] for m in g["members"]] for g in groups]


def test_shingles_ignore_case_and_punctuation_but_not_word_order() -> None:
    same = shingle_hashes("Russia attacked, Ukraine said: on Saturday!")
    assert same.tolist() == shingle_hashes("russia ATTACKED ukraine said on saturday").tolist() and len(same) == 2
    assert shingle_hashes("Ukraine attacked, Russia said: on Saturday!").tolist() != same.tolist()
    assert len(shingle_hashes("Too short")) == 1 and len(shingle_hashes(" … ")) == 0


def test_copies_group_across_runs(store_url: str) -> None:
    db = store_url
    original = words(1, 300)
    with Corpus(db) as corpus:
        corpus.add([article("A", original), article("D", words(2, 300))])
        assert corpus.duplicates() == []
    with Corpus(db) as corpus:  # a new process: the index is rebuilt from stored signatures on first use
        assert not corpus.index.dedupe.loaded
        corpus.add([article("B", copy_of(original), outlet="b.example")])
        [group] = corpus.duplicates()
        assert ids([group]) == [["A", "B"]] and 0.8 <= group["similarity"] < 1.0
        assert group["members"][1] == {
            "id": "B",
            "url": "https://b.example/story",
            "outlet": "b.example",
            "published": "2024-11-17",
        }
    with Corpus(db) as corpus:
        corpus.add([article("C", copy_of(original).replace("Subscribe", "Follow us"))])
        corpus.add([article("C", copy_of(original))])  # already stored: nothing changes
        assert ids(corpus.duplicates()) == [["A", "B", "C"]]


def test_exact_copies_of_short_texts(store_url: str) -> None:
    with Corpus(store_url) as corpus:
        corpus.add([article("A", "Kyiv hit."), article("B", "Kyiv hit."), article("C", "Odesa hit.")])
        [group] = corpus.duplicates()
        assert ids([group]) == [["A", "B"]] and group["similarity"] == 1.0


def test_a_bridging_document_merges_groups(store_url: str) -> None:
    first, second, third = words(10, 100), words(11, 100), words(12, 100)
    with Corpus(store_url) as corpus:
        corpus.add([article("X", f"{first} {second}"), article("Y", f"{second} {third}")])
        assert corpus.duplicates() == []  # a third of their shingles in common: different articles
        corpus.add([article("Z", f"{first} {second} {third}")])
        assert ids(corpus.duplicates()) == [["X", "Y", "Z"]]


def test_documents_stored_without_the_index_are_caught_up(store_url: str) -> None:
    db = store_url
    text = words(5, 200)
    with Corpus(db) as corpus:
        corpus.store.write([article("A", text), article("B", copy_of(text))])  # as if a run crashed after writing
    with Corpus(db) as corpus:
        assert ids(corpus.duplicates()) == [["A", "B"]]
        assert corpus.store.unsigned_ids() == []


def test_band_index_finds_shared_bands_before_and_after_merging() -> None:
    bands, rows = banding(THRESHOLD, NUM_PERM)
    index = BandIndex(bands, rows)
    rng = np.random.default_rng(0)
    signatures = rng.integers(0, 2**32, size=(TAIL + 100, NUM_PERM), dtype=np.uint32)
    index.insert_many((f"d{i}" for i in range(TAIL - 1)), signatures[: TAIL - 1])
    index.insert("tail", signatures[TAIL - 1])
    index.insert_many((f"d{i}" for i in range(TAIL, TAIL + 100)), signatures[TAIL:])  # fills the tail: merged
    near = signatures[5].copy()
    near[rows:] = rng.integers(0, 2**32, size=NUM_PERM - rows, dtype=np.uint32)  # only the first band in common
    assert index.query(near) == ["d5"]
    assert index.query(signatures[TAIL - 1]) == ["tail"] and index.query(signatures[TAIL + 50]) == [f"d{TAIL + 50}"]
    assert index.query(rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint32)) == []
    assert len(index) == TAIL + 100 and index.nbytes() < 20 * bands * (TAIL + 100) + 12 * bands * TAIL


def test_a_failed_update_leaves_nothing_half_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = words(6, 200)
    with Corpus(f"sqlite:///{tmp_path / 'c.db'}") as corpus:
        corpus.add([article("A", text)])

        def fail(doc_ids: list[str]) -> int:
            raise RuntimeError("story merge failed")

        monkeypatch.setattr(corpus.index.stories, "add", fail)
        with pytest.raises(RuntimeError):
            corpus.add([article("B", copy_of(text))])
        assert corpus.store.unsigned_ids() == ["B"]  # stored, but its dedupe rolled back with the story merge
        monkeypatch.undo()
        assert ids(corpus.duplicates()) == [["A", "B"]]
