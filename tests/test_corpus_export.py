"""Exports of corpus state: GDELT 2.0 event rows for stories, and stories/duplicates as Parquet and CSV tables."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus_records import article, event, words
from newstrace.corpus import Corpus
from newstrace.corpus.gdelt import GDELT_COLUMNS


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    text = words(4, 200)
    with Corpus(f"sqlite:///{tmp_path / 'c.db'}") as c:
        c.add(
            [
                article("A", text, event("RUSMIL", "UKR", place=("Kyiv", "UKR"), sentence=2)),
                article("B", text + " Follow B.", event("RUSMIL", "UKR", place=("Kyiv", "UKR"), sentence=2)),
                article("D", None, event("RUS", "UKRGOV", "193", sentence=0, chain=[("Kyiv", "official", "UKR")])),
                article(
                    "G", None, event("IGOG7", None, "030", "AGREE", place=("Ukraine", "UKR")), published="2024-03-01"
                ),
            ]
        )
        yield c


def test_gdelt_rows_have_gdelt_columns(corpus: Corpus, tmp_path: Path) -> None:
    [path] = corpus.export("gdelt", tmp_path / "out.tsv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [dict(zip(GDELT_COLUMNS, r, strict=True)) for r in csv.reader(fh, delimiter="\t")]
    assert len(GDELT_COLUMNS) == 61 and GDELT_COLUMNS[0] == "GLOBALEVENTID" and GDELT_COLUMNS[-1] == "SOURCEURL"
    g7, attack = rows
    assert attack["SQLDATE"] == "20241117" and attack["MonthYear"] == "202411" and attack["Year"] == "2024"
    assert attack["Actor1Code"] == "RUSMIL" and attack["Actor1CountryCode"] == "RUS"
    assert attack["Actor1Type1Code"] == "MIL" and attack["Actor2Code"] == "UKR" and attack["Actor2Name"] == "UKRAINE"
    assert (attack["EventCode"], attack["EventBaseCode"], attack["EventRootCode"]) == ("190", "190", "19")
    assert attack["QuadClass"] == "4" and attack["GoldsteinScale"] == "-10.0" and attack["IsRootEvent"] == "1"
    assert (attack["NumMentions"], attack["NumSources"], attack["NumArticles"]) == ("3", "2", "3")
    assert attack["ActionGeo_FullName"] == "Kyiv, Ukraine" and attack["ActionGeo_CountryCode"] == "UP"  # FIPS
    assert attack["ActionGeo_Lat"] == "50.4500" and attack["ActionGeo_Type"] == ""
    assert attack["SOURCEURL"] == "https://a.example/story" and len(attack["DATEADDED"]) == 14
    assert g7["Actor1KnownGroupCode"] == "G7" and g7["Actor2Code"] == "" and g7["ActionGeo_Type"] == "1"
    assert g7["ActionGeo_ADM1Code"] == "UP" and g7["IsRootEvent"] == "1" and g7["AvgTone"] == ""


def test_gdelt_loads_with_pandas(corpus: Corpus, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    [path] = corpus.export("gdelt", tmp_path)  # a folder: GDELT's file name inside it
    frame = pd.read_csv(path, sep="\t", header=None, names=list(GDELT_COLUMNS), dtype={"EventCode": str})
    assert list(frame["EventCode"]) == ["030", "190"] and list(frame["NumSources"]) == [1, 2]
    assert frame["SQLDATE"].tolist() == [20240301, 20241117]


def test_stories_and_duplicates_round_trip_through_parquet_and_csv(corpus: Corpus, tmp_path: Path) -> None:
    corpus.export("parquet", tmp_path / "pq")
    stories = pq.read_table(tmp_path / "pq" / "stories.parquet").to_pylist()
    assert [s["independent_sources"] for s in stories] == [1, 2]
    assert json.loads(stories[1]["articles"]) == ["A", "B", "D"] and stories[1]["place_name"] == "Kyiv"
    duplicates = pq.read_table(tmp_path / "pq" / "duplicates.parquet").to_pylist()
    assert [(d["group_id"], d["doc_id"]) for d in duplicates] == [(1, "A"), (1, "B")]
    corpus.export("csv", tmp_path / "csv")
    with (tmp_path / "csv" / "stories.csv").open(encoding="utf-8") as fh:
        assert [r["cameo"] for r in csv.DictReader(fh)] == ["030", "190"]
