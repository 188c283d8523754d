"""Load test of ``newstrace serve`` on loopback: many concurrent clients for a fixed time, latency per endpoint.

Ingests the demo corpus (examples/demo) into a temporary SQLite database, starts ``python -m newstrace serve``
on 127.0.0.1 on a free port (read-only: no token), then runs ``--clients`` concurrent httpx clients for
``--seconds`` over a mix of JSON and page reads with random filters drawn from what is stored. Prints one JSON
object (status counts, p50/p95/p99 latency per endpoint and overall, requests/s, load average) and a one-line
summary. A benchmark, not a test: it asserts nothing, but exits 1 when any response was a 5xx or a request got
no answer at all, so a run that broke the server cannot pass as a number.

    .venv/bin/python bench/api_load.py [--clients 100] [--seconds 30] [--db sqlite:///existing.db]

The client runs on the same machine as the server (and, on the 2-core development machine, competes with it
for CPU), so the figures are what one small machine does for both sides: a floor for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEMO = [ROOT / "examples" / "demo" / part for part in ("txt", "html", "rss", "warc", "jsonl")]
HOST = "127.0.0.1"  # the only address this script ever talks to
#: Hard cap on requests whatever the duration, so a very fast server cannot make the loop run away.
DEFAULT_MAX_REQUESTS = 500_000
STARTUP_SECONDS = 60.0
REQUEST_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port free on loopback right now (the OS picks it; the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def ingest_demo(db_url: str) -> None:
    """Fill the database the way a user would: the real ``ingest`` command over every demo format."""
    command = [sys.executable, "-m", "newstrace", "ingest", *map(str, DEMO), "--db", db_url, "--quiet"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode not in (0, 1):  # 1 = some inputs rejected, the rest stored
        raise SystemExit(f"ingest failed ({done.returncode}): {done.stderr[-2000:]}")


def server_env() -> dict[str, str]:
    """The caller's environment without the write token: the load test only reads, so the server is read-only."""
    return {k: v for k, v in os.environ.items() if k != "NEWSTRACE_TOKEN"}


def wait_until_ready(server: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode} before answering")
        try:
            if httpx.get(f"{base}/api/stats", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server did not answer within {STARTUP_SECONDS:.0f} s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn shuts down cleanly), SIGKILL if it has not gone after 10 s."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), to say how busy the server was."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Catalogue:
    """What is stored, so random requests hit real documents, codes, outlets and words."""

    doc_ids: list[str]
    actors: list[str]
    cameos: list[str]
    outlets: list[str]
    dates: list[str]
    words: list[str]
    story_ids: list[int] = field(default_factory=list)


def catalogue(base: str) -> Catalogue:
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
        documents = client.get("/api/documents", params={"limit": 200}).json()["documents"]
        events = client.get("/api/events", params={"limit": 1000}).json()["events"]
        stories = client.get("/api/stories", params={"limit": 200}).json()["stories"]
    actors = sorted(
        {e[role]["code"] for e in events for role in ("source", "target") if (e.get(role) or {}).get("code")}
    )
    words = sorted({w for d in documents for w in (d.get("title") or "").split() if w.isalpha() and len(w) > 3})
    return Catalogue(
        doc_ids=[d["id"] for d in documents],
        actors=actors or ["RUS"],
        cameos=sorted({e["cameo"][:2] for e in events if e.get("cameo")}) or ["19"],
        outlets=sorted({d["outlet"] for d in documents if d.get("outlet")}) or ["Demo Wire"],
        dates=sorted({d["published"] for d in documents if d.get("published")}) or ["2024-11-17"],
        words=words or ["attack"],
        story_ids=[s["id"] for s in stories],
    )


Request = tuple[str, str, dict[str, Any]]  # (endpoint label, path, query parameters)


def request_mix(cat: Catalogue, rng: random.Random) -> list[tuple[float, Callable[[], Request]]]:
    """Weighted request makers: mostly the JSON reads a client app makes, some pages, a few invalid requests."""

    def events() -> Request:
        params: dict[str, Any] = {"limit": rng.choice((10, 20, 50, 100)), "offset": rng.choice((0, 0, 0, 10, 50))}
        for key, value in (
            ("actor", lambda: rng.choice(cat.actors)[: rng.randint(3, 6)]),
            ("cameo", lambda: rng.choice(cat.cameos)),
            ("modality", lambda: rng.choice(("asserted", "reported", "hedged", "denied"))),
            ("since", lambda: rng.choice(cat.dates)),
            ("until", lambda: rng.choice(cat.dates)),
            ("outlet", lambda: rng.choice(cat.outlets)),
            ("document", lambda: rng.choice(cat.doc_ids)),
        ):
            if rng.random() < 0.25:
                params[key] = value()
        return "GET /api/events", "/api/events", params

    def documents() -> Request:
        return "GET /api/documents", "/api/documents", {"limit": rng.choice((10, 20, 50)), "offset": rng.randint(0, 30)}

    def document() -> Request:
        return "GET /api/documents/{id}", f"/api/documents/{rng.choice(cat.doc_ids)}", {}

    def search() -> Request:
        words = " ".join(rng.sample(cat.words, k=min(len(cat.words), rng.randint(1, 2))))
        return "GET /api/search", "/api/search", {"q": words, "limit": 20}

    def stories() -> Request:
        params: dict[str, Any] = {"limit": rng.choice((10, 50))}
        if rng.random() < 0.3:
            params["actor"] = rng.choice(cat.actors)[:3]
        return "GET /api/stories", "/api/stories", params

    def article() -> Request:
        return "GET /articles/{id}", f"/articles/{rng.choice(cat.doc_ids)}", {}

    def index() -> Request:
        return "GET /", "/", ({"q": rng.choice(cat.words)} if rng.random() < 0.3 else {})

    def invalid() -> Request:
        path, params = rng.choice(
            (
                ("/api/events", {"since": "2024-13-45"}),
                ("/api/events", {"limit": 10**12}),
                ("/api/documents", {"offset": -1}),
                ("/api/documents/no-such-document", {}),
                ("/api/search", {"q": "' OR 1=1 --"}),
            )
        )
        return "hostile, invalid or missing", path, params

    return [
        (0.25, events),
        (0.12, documents),
        (0.15, document),
        (0.15, search),
        (0.10, stories),
        (0.10, article),
        (0.08, index),
        (0.05, invalid),
    ]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    sent: int = 0


async def client_loop(
    client: httpx.AsyncClient,
    makers: list[tuple[float, Callable[[], Request]]],
    rng: random.Random,
    deadline: float,
    max_requests: int,
    tally: Tally,
) -> None:
    """One client: request after request until the deadline or the shared request cap."""
    weights = [w for w, _ in makers]
    while time.monotonic() < deadline and tally.sent < max_requests:
        tally.sent += 1
        label, path, params = rng.choices(makers, weights)[0][1]()
        start = time.perf_counter()
        try:
            response = await client.get(path, params=params)
            status = str(response.status_code)
        except httpx.HTTPError as exc:  # timeouts and refused connections count, they are not raised
            status = f"error:{type(exc).__name__}"
        tally.latencies[label].append(time.perf_counter() - start)
        tally.statuses[label][status] += 1


def percentiles(values: list[float]) -> dict[str, float]:
    """Nearest-rank p50/p95/p99, mean and max, in milliseconds."""
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[max(0, min(len(ordered) - 1, round(p * len(ordered) + 0.5) - 1))] * 1000

    return {
        "p50_ms": round(rank(0.50), 1),
        "p95_ms": round(rank(0.95), 1),
        "p99_ms": round(rank(0.99), 1),
        "mean_ms": round(sum(ordered) / len(ordered) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def run_load(base: str, cat: Catalogue, clients: int, seconds: float, max_requests: int, seed: int) -> Tally:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT) as client:
        deadline = time.monotonic() + seconds
        rngs = [random.Random(seed * 1000 + i) for i in range(clients)]
        await asyncio.gather(
            *(client_loop(client, request_mix(cat, rng), rng, deadline, max_requests, tally) for rng in rngs)
        )
    return tally


def report(tally: Tally, elapsed: float, config: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    everything = [v for values in tally.latencies.values() for v in values]
    overall: Counter[str] = Counter()
    for counts in tally.statuses.values():
        overall.update(counts)
    return {
        **config,
        "elapsed_s": round(elapsed, 2),
        "requests": len(everything),
        "requests_per_s": round(len(everything) / elapsed, 1),
        "statuses": dict(sorted(overall.items())),
        "server_errors": sum(n for s, n in overall.items() if s.startswith("5")),
        "no_answer": sum(n for s, n in overall.items() if s.startswith("error:")),
        "latency": percentiles(everything) if everything else {},
        "endpoints": {
            label: {
                "requests": len(values),
                "statuses": dict(sorted(tally.statuses[label].items())),
                **percentiles(values),
            }
            for label, values in sorted(tally.latencies.items())
        },
        **extra,
    }


def measure(
    args: argparse.Namespace, base: str, pid: int | None
) -> tuple[Catalogue, tuple[float, ...], tuple[float, ...], float, Tally, dict[str, float | None]]:
    """The load itself, between two readings of the load average and of the CPU time of the server (when known)
    and of this load generator, which shares the machine with the server."""
    cat = catalogue(base)
    load_before = os.getloadavg()
    cpu_before = cpu_seconds(pid) if pid else None
    own_before = time.process_time()
    start = time.monotonic()
    tally = asyncio.run(run_load(base, cat, args.clients, args.seconds, args.max_requests, args.seed))
    elapsed = time.monotonic() - start
    cpu_after = cpu_seconds(pid) if pid else None
    cpu = {
        "server_cpu_s": round(cpu_after - cpu_before, 1) if cpu_before is not None and cpu_after is not None else None,
        "load_generator_cpu_s": round(time.process_time() - own_before, 1),
    }
    return cat, load_before, os.getloadavg(), elapsed, tally, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100, help="Concurrent clients (default 100).")
    parser.add_argument("--seconds", type=float, default=30.0, help="Duration of the load (default 30).")
    parser.add_argument("--max-requests", type=int, default=DEFAULT_MAX_REQUESTS, help="Stop after this many.")
    parser.add_argument("--db", help="Use this database URL as it is instead of ingesting the demo corpus.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the random request mix.")
    parser.add_argument("--url", help=f"Load a server already running on http://{HOST}:PORT instead of starting one.")
    args = parser.parse_args()
    if not 1 <= args.clients <= 1000 or not 0 < args.seconds <= 600 or args.max_requests < 1:
        parser.error("need 1-1000 clients, 0-600 seconds and a positive --max-requests")

    if args.url:
        if urlsplit(args.url).hostname != HOST:
            parser.error(f"--url must be a server on {HOST}")
        cat, load_before, load_after, elapsed, tally, cpu = measure(args, args.url.rstrip("/"), None)
    else:
        with tempfile.TemporaryDirectory(prefix="newstrace-load-") as tmp:
            db_url = args.db or f"sqlite:///{Path(tmp) / 'demo.db'}"
            if not args.db:
                ingest_demo(db_url)
            port = free_port()
            base = f"http://{HOST}:{port}"
            command = [sys.executable, "-m", "newstrace", "serve", "--db", db_url, "--host", HOST, "--port", str(port)]
            with open(Path(tmp) / "server.log", "wb") as log:
                server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=server_env())
                try:
                    wait_until_ready(server, base)
                    cat, load_before, load_after, elapsed, tally, cpu = measure(args, base, server.pid)
                finally:
                    stop(server)
    extra = {
        "documents_stored": len(cat.doc_ids),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        **cpu,
    }
    config = {"clients": args.clients, "seconds": args.seconds, "seed": args.seed}
    result = report(tally, elapsed, config, extra)
    print(json.dumps(result, indent=2))
    latency = result["latency"]
    print(
        f"{result['requests']} requests in {result['elapsed_s']} s ({result['requests_per_s']}/s) from "
        f"{args.clients} clients: p50 {latency.get('p50_ms')} ms, p95 {latency.get('p95_ms')} ms, "
        f"p99 {latency.get('p99_ms')} ms; statuses {result['statuses']}; "
        f"{result['server_errors']} 5xx, {result['no_answer']} unanswered"
    )
    return 1 if result["server_errors"] or result["no_answer"] else 0


if __name__ == "__main__":
    sys.exit(main())
