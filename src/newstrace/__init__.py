"""newstrace: news articles in, a source-attributed event database out.

Public API:

- ``newstrace.analyze(text, published=..., url=...) -> Analysis`` analyses one article (``Analysis.to_dict()`` is
  the JSON output contract);
- ``newstrace.Corpus(db_url)`` ingests many articles into a store and queries them.
"""

from newstrace.corpus import Corpus, IngestReport
from newstrace.ingest import FORMATS as INPUT_FORMATS
from newstrace.pipeline import analyze, analyze_inputs, analyze_sources
from newstrace.records import Analysis

__version__ = "0.1.0"

__all__ = [
    "INPUT_FORMATS",
    "Analysis",
    "Corpus",
    "IngestReport",
    "__version__",
    "analyze",
    "analyze_inputs",
    "analyze_sources",
]
