"""Coverage-guided fuzzing of ingest's reader with atheris (libFuzzer for Python).

atheris is optional and not in the lock file: ``pip install atheris==2.3.0``. Then, from the repository root:

    python tests/fuzz/atheris_ingest.py -atheris_runs=200000 tests/data/nasty

The corpus folder seeds the fuzzer (and collects new interesting inputs when given first and writable); a crash
stops it and writes ``crash-<sha1>`` with the input. The property is the one test_fuzz.py checks with
Hypothesis: ``read_bytes`` never raises, whatever the bytes and the input format, and yields only Source or
Rejected.
"""

from __future__ import annotations

import sys

import atheris

# Instrument the parsers underneath too, so coverage guidance reaches into warcio, feedparser and the decoder.
with atheris.instrument_imports(include=["newstrace", "warcio", "feedparser", "charset_normalizer"]):
    from newstrace.ingest import FORMATS, ReadOptions, read_bytes
    from newstrace.records import Rejected, Source

_NAMES = ("in", "in.txt", "in.html", "in.xml", "in.jsonl", "in.warc", "in.warc.gz", "in.gz")
# A small limit keeps each run fast and exercises the size checks (gzip bombs hit it quickly).
_OPTIONS = [ReadOptions(input_format=f, max_bytes=256 * 1024) for f in FORMATS]


def test_one_input(data: bytes) -> None:
    """The first two bytes choose the file name and the input format, the rest is the file's content."""
    if len(data) < 2:
        return
    name = _NAMES[data[0] % len(_NAMES)]
    options = _OPTIONS[data[1] % len(_OPTIONS)]
    for item in read_bytes(name, data[2:], options):
        if not isinstance(item, Source | Rejected):
            raise TypeError(f"read_bytes yielded {type(item).__name__}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
