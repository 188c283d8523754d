"""Stories: merging events across articles, independent corroboration, disputes, filters and the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus_records import article, event, words
from newstrace.cli import app
from newstrace.corpus import Corpus
from newstrace.corpus.stories import independent_origins, upstream

WAPO = [("Washington Post", "outlet", None)]


@pytest.fixture
def corpus(store_url: str) -> Corpus:
    """An empty corpus on each store backend (SQLite, and PostgreSQL where its server binaries are installed)."""
    with Corpus(store_url) as c:
        yield c


def story_articles(corpus: Corpus, **filters: str) -> list[list[str]]:
    return [s["articles"] for s in corpus.stories(**filters)]


def test_compatible_events_merge_across_articles(corpus: Corpus) -> None:
    corpus.add(
        [
            article("A", None, event("RUS", "UKR", "190")),
            article("B", None, event("RUSMIL", "UKRGOV", "195")),  # same countries, same CAMEO root
            article("C", None, event("RUS", None, "190"), published="2024-11-19"),  # no target: compatible
            article("D", None, event("RUS", "UKR", "193", time="2024-11-20")),  # 3 days later: inside the window
        ]
    )
    [story] = corpus.stories()
    assert story["articles"] == ["A", "B", "D", "C"] and story["mentions"] == 4  # by publication date
    assert story["source"] == {"code": "RUS", "name": "Russia"} and story["target"]["code"] == "UKR"
    assert story["date"] == "2024-11-17" and story["cameo"] == "190" and story["plover"] == "ASSAULT"


@pytest.mark.parametrize(
    "other",
    [
        event("RUS", "UKR", "190", time="2024-11-21"),  # four days later
        event("UKR", "RUS", "190"),  # the other way round
        event("RUS", "USA", "190"),  # another target
        event("RUS", "UKR", "040", "CONSULT"),  # another CAMEO root
        event("RUS", "UKR", "190", time="2014"),  # dated by publication, but about 2014
        event(None, "UKR", "190"),  # no coded source
        event("RUS", "UKR", "190", place=("Lviv", "POL")),  # places in different countries
    ],
)
def test_incompatible_events_stay_apart(corpus: Corpus, other: object) -> None:
    corpus.add([article("A", None, event("RUS", "UKR", "190", place=("Kyiv", "UKR"))), article("B", None, other)])
    assert story_articles(corpus) == [["A"], ["B"]]


def test_a_later_mention_fills_in_target_and_place(corpus: Corpus) -> None:
    corpus.add([article("A", None, event("RUS", None)), article("B", None, event("RUS", "UKR", place=("Kyiv", "UKR")))])
    [story] = corpus.stories()
    assert story["target"]["code"] == "UKR" and story["place"]["name"] == "Kyiv"


def test_independent_sources_collapse_copies_outlets_and_upstream_sources(corpus: Corpus) -> None:
    text = words(7, 200)
    corpus.add(
        [
            article("A", text, event(), outlet="kyiv-daily.example"),  # own reporting
            article("A2", "Republished. " + text, event(), outlet="mirror.example"),  # a syndicated copy of A
            article("A3", None, event(), outlet="kyiv-daily.example"),  # the same newsroom again
            article("W1", None, event(chain=WAPO)),  # two outlets citing the Washington Post …
            article("W2", None, event(chain=[("The Washington Post", "outlet", None)])),
            article("W3", None, event(), outlet="washingtonpost.com"),  # … and the Post's own report
            article("G1", None, event(chain=[*WAPO, ("unnamed U.S. officials", "anonymous", "USAGOV")])),
            article("G2", None, event(chain=[("Pentagon officials", "official", "USAMIL")])),  # same government
            article("Z", None, event(chain=[("Zelensky", "person", "UKRGOV")])),
            article("Z2", None, event(chain=[("Volodymyr Zelensky", "person", "UKRGOV")])),
            article("K", None, event(modality="denied", chain=[("Kremlin", "official", "RUSGOV")])),
            article("F", None, event(modality="future")),
        ]
    )
    [story] = corpus.stories()
    assert len(story["articles"]) == 12
    assert sorted(story["origins"]) == ["doc:A", "gov:USA", "person:zelensky", "src:washingtonpost"]
    assert story["independent_sources"] == 4
    assert story["disputed"] is True
    assert story["modalities"] == {"asserted": 10, "denied": 1, "future": 1}


def test_an_outlets_report_and_articles_citing_it_are_one_origin() -> None:
    mentions = [
        {"doc_id": "P", "outlet": "The Washington Post", "modality": "asserted", "attribution": None},
        {
            "doc_id": "Q",
            "outlet": "q.example",
            "modality": "reported",
            "attribution": json.dumps(
                {
                    "chain": [
                        {"text": "article", "kind": "author", "code": None},
                        {"text": "the Washington Post", "kind": "outlet", "code": None},
                    ]
                }
            ),
        },
    ]
    assert independent_origins(mentions) == ["doc:P"]


def test_upstream_is_the_deepest_source() -> None:
    chain = [
        {"text": "article", "kind": "author", "code": None},
        {"text": "Washington Post", "kind": "outlet", "code": None},
        {"text": "New York Times", "kind": "outlet", "code": None},
        {"text": "unnamed U.S. officials", "kind": "anonymous", "code": "USAGOV"},
    ]
    assert upstream({"chain": chain}) == "gov:USA"
    assert upstream({"chain": chain[:3]}) == "src:newyorktimes"
    assert upstream({"chain": chain[:1]}) is None
    assert upstream({"chain": [{"text": "reports", "kind": "document", "code": None}]}) is None
    he = {"chain": [{"text": "he", "kind": "person", "code": "UKRGOV"}], "speaker": {"name": "Volodymyr Zelensky"}}
    assert upstream(he) == "person:zelensky"


def test_stories_take_the_events_filters(corpus: Corpus) -> None:
    corpus.add(
        [
            article("A", None, event("RUS", "UKR"), outlet="a.example"),
            article("B", None, event("USAGOV", "UKR", "040", "CONSULT"), published="2024-11-20"),
            article("C", None, event("RUS", "UKR", modality="denied"), outlet="c.example"),
        ]
    )
    assert story_articles(corpus) == [["A", "C"], ["B"]]
    assert story_articles(corpus, actor="USA") == [["B"]]
    assert story_articles(corpus, actor="Russia") == [["A", "C"]]
    assert story_articles(corpus, cameo="19", plover="assault") == [["A", "C"]]
    assert story_articles(corpus, since="2024-11-18") == [["B"]]
    assert story_articles(corpus, until="2024-11-18") == [["A", "C"]]
    assert story_articles(corpus, outlet="c.example") == [["A", "C"]]
    assert story_articles(corpus, document="B") == [["B"]]
    assert story_articles(corpus, modality="denied") == [["A", "C"]]
    assert story_articles(corpus, limit=1, offset=1) == [["B"]]


def test_cli_stories_and_duplicates(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    text = words(3, 200)
    with Corpus(db) as corpus:
        corpus.add(
            [article("A", text, event()), article("B", text + " Copyright B.", event()), article("D", None, event())]
        )

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.stdout

    [group] = json.loads(run("duplicates", "--format", "json"))["groups"]
    assert [m["id"] for m in group["members"]] == ["A", "B"]
    assert set(group["members"][0]) == {"id", "url", "outlet", "published"}
    [story] = json.loads(run("stories", "--format", "json", "--actor", "RUS"))["stories"]
    fields = "id cameo plover source target date place articles mentions independent_sources modalities outlets"
    assert {*fields.split(), "first_seen", "disputed"} <= set(story)
    assert story["articles"] == ["A", "B", "D"] and story["independent_sources"] == 2
    [row] = list(csv.DictReader(io.StringIO(run("stories", "--format", "csv"))))
    assert row["articles"] == "A;B;D" and row["independent_sources"] == "2" and row["modalities"] == "asserted:3"
    assert "RUS" in run("stories") and "similarity" in run("duplicates")
