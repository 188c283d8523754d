"""Store benchmark: ingest and query the same synthetic corpus on SQLite and on a PostgreSQL server, in one run.

Synthetic analyses (contract dicts, built deterministically from ``--seed``) go through ``store.write`` in batches,
as ``ingest`` writes them; then random ``events`` filters of the kinds ``newstrace events`` offers and FTS searches
are timed. Prints one JSON object and a one-line summary. Targets (issue: Scale): ``events`` p95 < 50 ms with
1M events; peak RSS per worker <= 1 GB. The PostgreSQL server is started here on loopback (initdb + pg_ctl).

    .venv/bin/python bench/store.py [--events 1000000] [--docs N] [--queries 200] [--skip-postgres] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/pgserver.py, when run as a script

from pgserver import postgres_server

from newstrace.store import EventFilter, Store, open_store

# Actor code and name, one a line (about 60 CAMEO actor codes: states, their sectors, IGOs, NGOs, rebels).
_ACTORS = """
RUSGOV Russian government
RUSMIL Russian military
RUS Russia
RUSCOP Russian police
UKRGOV Ukrainian government
UKRMIL Ukrainian military
UKR Ukraine
UKRREB separatists
USAGOV US government
USAMIL US military
USA United States
USALEG US Congress
CHNGOV Chinese government
CHNMIL Chinese military
CHN China
TWNGOV Taiwan government
ISRGOV Israeli government
ISRMIL Israeli military
ISR Israel
PSEREB Hamas
PSEGOV Palestinian Authority
IRNGOV Iranian government
IRNMIL Iranian military
IRN Iran
SYRGOV Syrian government
SYRREB Syrian rebels
TURGOV Turkish government
TURMIL Turkish military
GBRGOV British government
GBR United Kingdom
FRAGOV French government
DEUGOV German government
DEU Germany
POLGOV Polish government
EUR European Union
IGONAT NATO
IGOUNO United Nations
IGOWTO WTO
IGOAFU African Union
NGOHRI Human Rights Watch
NGOMSF Doctors Without Borders
INDGOV Indian government
PAKGOV Pakistani government
PAKMIL Pakistani military
AFGREB Taliban
SDNGOV Sudanese government
SDNREB RSF
ETHGOV Ethiopian government
NGAGOV Nigerian government
NGAREB Boko Haram
VENGOV Venezuelan government
BRAGOV Brazilian government
MEXCOP Mexican police
MEXCRM cartel
PRKGOV North Korean government
PRKMIL North Korean military
KORGOV South Korean government
JPNGOV Japanese government
SAUGOV Saudi government
YEMREB Houthis
LBNREB Hezbollah
"""
ACTORS = dict(line.split(" ", 1) for line in _ACTORS.strip().splitlines())
# CAMEO code, PLOVER category, quad class, Goldstein score, trigger verb
_CAMEO = """
010|OTHER|1|0.0|said
012|OTHER|1|-0.1|criticized
020|CONSULT|1|3.0|urged
036|CONSULT|1|4.0|offered talks
040|CONSULT|1|1.0|consulted
042|CONSULT|1|1.9|visited
043|CONSULT|1|2.8|hosted
046|CONSULT|1|7.0|negotiated
051|SUPPORT|1|3.4|praised
057|AGREE|1|8.0|signed
061|COOPERATE|2|6.4|cooperated
071|AID|2|7.4|gave aid
072|AID|2|8.3|supplied weapons
080|YIELD|2|5.0|yielded
084|RELEASE|2|7.0|released
090|INVESTIGATE|3|-2.0|investigated
111|ACCUSE|3|-2.0|criticized
112|ACCUSE|3|-2.0|accused
120|REJECT|3|-4.0|rejected
130|THREATEN|3|-4.4|threatened
138|THREATEN|3|-7.0|threatened attack
140|PROTEST|3|-6.5|protested
163|SANCTION|3|-8.0|imposed an embargo
172|SANCTION|4|-5.0|sanctioned
173|ARREST|4|-5.0|arrested
180|ASSAULT|4|-9.0|attacked
183|ASSAULT|4|-10.0|bombed
190|FIGHT|4|-10.0|fought
193|FIGHT|4|-10.0|clashed
194|FIGHT|4|-10.0|shelled
195|FIGHT|4|-10.0|struck
1951|FIGHT|4|-10.0|carried out air strikes
200|ASSAULT|4|-10.0|massacred
"""
CAMEO = [(c, p, int(q), float(g), v) for c, p, q, g, v in (line.split("|") for line in _CAMEO.strip().splitlines())]
MODALITIES = ["asserted"] * 5 + ["reported"] * 3 + ["hedged", "denied", "future", "negated", "hypothetical"]
_OUTLETS = """
wire globe herald tribune courier daily observer times post ledger chronicle gazette monitor signal dispatch
bulletin review journal sentinel record
"""
OUTLETS = [f"{name}.example" for name in _OUTLETS.split()]
_PLACES = """
Kyiv:UKR Moscow:RUS Gaza:PSE Beijing:CHN Washington:USA Brussels:BEL Tehran:IRN Khartoum:SDN Damascus:SYR
Kharkiv:UKR
"""
PLACES = [tuple(item.split(":")) for item in _PLACES.split()]
_VOCABULARY = """
the a of in on to and for with by from as at minister president officials said talks ceasefire troops border
attack strike missile drone sanctions agreement summit election protest police army forces region city capital
government opposition rebels aid humanitarian convoy refugees hospital energy gas oil grain port shipping
economy inflation budget parliament vote court ruling investigation spokesman statement embassy envoy peace
negotiations deal security council resolution veto alliance military exercise navy coast guard airspace
violation casualties civilians injured killed wounded evacuated reconstruction infrastructure power outage
winter offensive counteroffensive frontline artillery shelling villages occupied liberated prisoners exchange
hostages release mediation qatar egypt turkey pipeline tariffs exports imports markets currency bank loan imf
debt crisis drought flood earthquake cyclone wildfire vaccine outbreak cholera famine corruption scandal arrest
"""
WORDS = _VOCABULARY.split()
# Word frequencies in news are Zipfian: a few words are everywhere, most are rare. Common words get weight 1/rank.
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
_SYLLABLES = "ka lo mir ve dan or tes ul bra nik sa gor el vin rus ta mo len hal zu per qui das ber"
# Proper names made of syllables: rare terms (each in ~0.1% of documents), as people and places are in real news.
NAMES = sorted({a + b + c for a in _SYLLABLES.split() for b in _SYLLABLES.split() for c in ("v", "sk", "n", "ra")})
START = dt.date(2023, 1, 1)
DAYS = 730  # two years of publication dates


def make_doc(rng: random.Random, n: int, n_events: int) -> dict[str, Any]:
    """One analysis in its JSON contract form: text of ~80 vocabulary words, ``n_events`` coded events."""
    words = rng.choices(WORDS, weights=WEIGHTS, k=rng.randint(60, 100))
    for _ in range(4):  # each article names a few people or places
        words.insert(rng.randrange(len(words)), rng.choice(NAMES).capitalize())
    title = " ".join([*rng.choices(WORDS, weights=WEIGHTS, k=7), rng.choice(NAMES).capitalize()]).capitalize()
    text = " ".join(words).capitalize() + "."
    published = (START + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
    doc_id = hashlib.sha1(f"doc-{n}".encode()).hexdigest()[:16]
    codes = list(ACTORS)
    actors, events, times = [], [], []
    for i in range(n_events):
        src, tgt = rng.sample(codes, 2)
        cameo, plover, quad, goldstein, verb = rng.choice(CAMEO)
        start = rng.randrange(0, max(1, len(text) - 40))
        s_span = {"text": ACTORS[src], "start": start, "end": start + 6, "code": src, "name": ACTORS[src]}
        t_span = {"text": ACTORS[tgt], "start": start + 16, "end": start + 22, "code": tgt, "name": ACTORS[tgt]}
        time_obj = None
        if rng.random() < 0.5:  # half the events carry their own day, a few days before publication
            day = (dt.date.fromisoformat(published) - dt.timedelta(days=rng.randrange(4))).isoformat()
            time_obj = {
                "text": "on Monday",
                "start": start + 24,
                "end": start + 33,
                "type": "DATE",
                "value": day,
                "anchor": "publication",
                "rule": "weekday",
            }
            times.append(time_obj)
        place = None
        if rng.random() < 0.4:
            name, country = rng.choice(PLACES)
            place = {
                "text": name,
                "start": start + 34,
                "end": start + 38,
                "name": name,
                "country": country,
                "lat": 50.0,
                "lon": 30.0,
                "feature": "PPLC",
            }
        events.append(
            {
                "id": f"e{i + 1}",
                "sentence": i,
                "trigger": {"text": verb, "start": start + 7, "end": start + 15},
                "source": s_span,
                "target": t_span if rng.random() < 0.85 else None,
                "cameo": cameo,
                "plover": plover,
                "modality": rng.choice(MODALITIES),
                "evidence": {"text": "", "start": start, "end": start + 40},
                "rule": "bench",
                "attribution": {"speaker": None, "cue": None, "chain": []},
                "time": time_obj,
                "place": place,
                "quad_class": quad,
                "goldstein": goldstein,
                "plover_mode": None,
            }
        )
        for code, span in ((src, s_span), (tgt, t_span)):
            actors.append(
                {
                    "text": span["text"],
                    "start": span["start"],
                    "end": span["end"],
                    "code": code,
                    "country": code[:3],
                    "role": code[3:] or None,
                    "name": ACTORS[code],
                    "kind": "org",
                    "via": "bench",
                }
            )
    document = {
        "id": doc_id,
        "text": text,
        "url": f"https://{rng.choice(OUTLETS)}/{doc_id}",
        "title": title,
        "published": published,
        "published_from": "meta",
        "language": "en",
        "removed": [],
        "author": None,
        "outlet": rng.choice(OUTLETS),
        "crawl_date": None,
        "content_hash": hashlib.sha1(text.encode()).hexdigest(),
        "input_format": "jsonl",
        "origin": "bench",
    }
    return {
        "document": document,
        "actors": actors,
        "events": events,
        "quotes": [],
        "times": times,
        "places": [],
        "framing": [],
        "warnings": [],
    }


def corpus(seed: int, n_docs: int, n_events: int) -> Iterator[dict[str, Any]]:
    """``n_docs`` documents holding exactly ``n_events`` events between them (counts drawn around the mean)."""
    rng = random.Random(seed)
    left = n_events
    for n in range(n_docs):
        docs_left = n_docs - n
        mean = left / docs_left
        k = left if docs_left == 1 else max(0, min(left, round(rng.uniform(mean * 0.6, mean * 1.4))))
        left -= k
        yield make_doc(rng, n, k)


def random_filters(seed: int, n: int) -> list[tuple[str, EventFilter]]:
    """``n`` filters of the kinds ``newstrace events`` offers, alone and combined, each with limit 100, and
    ``n / 12`` more by actor name."""
    rng = random.Random(seed + 1)
    out = []
    kinds = [
        "actor",
        "actor_country",
        "cameo",
        "plover",
        "modality",
        "dates",
        "outlet",
        "actor+cameo",
        "plover+dates",
        "actor+modality+dates",
        "outlet+cameo",
        "actor+outlet+plover",
    ]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        since_day = START + dt.timedelta(days=rng.randrange(DAYS - 30))
        args: dict[str, Any] = {}
        for part in kind.split("+"):
            if part == "actor":
                args["actor"] = rng.choice(list(ACTORS))
            elif part == "actor_country":
                args["actor"] = rng.choice(list(ACTORS))[:3]
            elif part == "cameo":
                args["cameo"] = rng.choice(CAMEO)[0][: rng.choice((2, 3))]
            elif part == "plover":
                args["plover"] = rng.choice(CAMEO)[1].lower()
            elif part == "modality":
                args["modality"] = rng.choice(MODALITIES)
            elif part == "dates":
                args["since"] = since_day.isoformat()
                args["until"] = (since_day + dt.timedelta(days=rng.choice((1, 7, 30)))).isoformat()
            elif part == "outlet":
                args["outlet"] = rng.choice(OUTLETS)
        out.append((kind, EventFilter(limit=100, **args)))
    # Actor names as users type them ("Russian", "Houthis"): the name-substring side of --actor. Drawn from their
    # own generator and appended, so the filters above stay the same as in earlier runs of this bench.
    names = random.Random(seed + 3)
    words = sorted({name.split()[0] for name in ACTORS.values()})
    out += [("actor_name", EventFilter(limit=100, actor=names.choice(words))) for _ in range(n // len(kinds))]
    return out


def random_searches(seed: int, n: int) -> list[tuple[str, str]]:
    """Searches as users type them: a name, a name and a topic word, or only topic words (the broad, slow kind)."""
    rng = random.Random(seed + 2)
    out = []
    for i in range(n):
        kind = ("name", "name+word", "words")[i % 3]
        name, topic = rng.choice(NAMES), rng.sample(WORDS[13:], 2)
        query = {"name": name, "name+word": f"{name} {topic[0]}", "words": " ".join(topic)}[kind]
        out.append((kind, query))
    return out


def percentiles(ms: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50": round(qs[49], 2), "p95": round(qs[94], 2), "p99": round(qs[98], 2), "max": round(max(ms), 2)}


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def run_backend(url: str, args: argparse.Namespace, n_docs: int) -> dict[str, Any]:
    """Ingest the corpus in batches of ``--batch`` documents, then time filters and searches on a fresh connection."""
    store: Store = open_store(url)
    gen_s = write_s = 0.0
    batch: list[dict[str, Any]] = []
    stream = corpus(args.seed, n_docs, args.events)
    t_all = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        batch = [doc for _, doc in zip(range(args.batch), stream, strict=False)]
        gen_s += time.perf_counter() - t0
        if not batch:
            break
        t0 = time.perf_counter()
        store.write(batch)
        write_s += time.perf_counter() - t0
    total_s = time.perf_counter() - t_all
    stats = store.stats()
    # Planner statistics and (PostgreSQL) the visibility map, as autovacuum would leave them after a bulk load.
    store.conn.execute("VACUUM ANALYZE" if url.startswith("postgresql") else "ANALYZE")
    store.close()
    store = open_store(url)
    per_kind: dict[str, list[float]] = {}
    all_ms, rows = [], []
    for kind, flt in random_filters(args.seed, args.queries):
        found: list[Any] = []
        ms = timed(lambda flt=flt, found=found: found.extend(store.events(flt)))
        per_kind.setdefault(kind, []).append(ms)
        all_ms.append(ms)
        rows.append(len(found))
    search_ms, hits = [], []
    search_by_kind: dict[str, list[float]] = {}
    for kind, query in random_searches(args.seed, args.queries):
        found = []
        ms = timed(lambda query=query, found=found: found.extend(store.search(query)))
        search_ms.append(ms)
        search_by_kind.setdefault(kind, []).append(ms)
        hits.append(len(found))
    store.close()
    return {
        "url": url.split("@")[-1] if "@" in url else "sqlite",
        "documents": stats["documents"],
        "events": stats["events"],
        "ingest": {
            "seconds_total": round(total_s, 1),
            "seconds_in_write": round(write_s, 1),
            "seconds_generating": round(gen_s, 1),
            "docs_per_s": round(stats["documents"] / write_s, 1),
            "events_per_s": round(stats["events"] / write_s, 1),
        },
        "events_query_ms": percentiles(all_ms),
        "events_query_ms_by_kind": {k: percentiles(v) for k, v in per_kind.items()},
        "events_rows_mean": round(statistics.mean(rows), 1),
        "search_ms": percentiles(search_ms),
        "search_ms_by_kind": {k: percentiles(v) for k, v in search_by_kind.items()},
        "search_hits_mean": round(statistics.mean(hits), 1),
    }


class LoadSampler(threading.Thread):
    """1-minute load average every few seconds: on a shared 2-core machine other processes skew the timings."""

    def __init__(self, every_s: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.every_s, self.samples, self.stop = every_s, [os.getloadavg()[0]], threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.every_s):
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict[str, float]:
        return {"mean": round(statistics.mean(self.samples), 2), "max": round(max(self.samples), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--docs", type=int, default=None, help="default: events / 7")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=500, help="documents per store.write (one transaction)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    n_docs = args.docs or max(1, args.events // 7)
    result: dict[str, Any] = {
        "bench": "store",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "loadavg_start": os.getloadavg(),
        },
        "params": {
            "events": args.events,
            "docs": n_docs,
            "queries": args.queries,
            "batch": args.batch,
            "seed": args.seed,
        },
    }
    sampler = LoadSampler()
    sampler.start()
    with tempfile.TemporaryDirectory(prefix="newstrace-bench-") as tmp:
        result["sqlite"] = run_backend(f"sqlite:///{Path(tmp) / 'bench.db'}", args, n_docs)
        result["sqlite"]["db_mb"] = round(sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20, 1)
    if not args.skip_postgres:
        with postgres_server() as url:
            result["postgres"] = run_backend(url, args, n_docs)
        lite, pg = result["sqlite"], result["postgres"]
        result["ratio_pg_over_sqlite"] = {
            "ingest_docs_per_s": round(pg["ingest"]["docs_per_s"] / lite["ingest"]["docs_per_s"], 2),
            "events_p95": round(pg["events_query_ms"]["p95"] / lite["events_query_ms"]["p95"], 2),
            "search_p95": round(pg["search_ms"]["p95"] / lite["search_ms"]["p95"], 2),
        }
    result["machine"]["loadavg_end"] = os.getloadavg()
    result["machine"]["loadavg_1min_during_run"] = sampler.summary()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result, indent=2))
    parts = []
    for name in ("sqlite", "postgres"):
        if name in result:
            r = result[name]
            parts.append(
                f"{name}: ingest {r['ingest']['docs_per_s']:.0f} docs/s {r['ingest']['events_per_s']:.0f} events/s, "
                f"events p50/p95 {r['events_query_ms']['p50']}/{r['events_query_ms']['p95']} ms, "
                f"search p95 {r['search_ms']['p95']} ms"
            )
    target = all(result[n]["events_query_ms"]["p95"] < 50 for n in ("sqlite", "postgres") if n in result)
    print(
        f"store bench, {result['params']['events']} events / {n_docs} docs: "
        + "; ".join(parts)
        + f"; peak RSS {result['peak_rss_mb']} MB; events p95 < 50 ms: {'yes' if target else 'NO'}"
    )


if __name__ == "__main__":
    main()
