"""A bounded load test of ``footnoted serve`` with the real model: fixed request count, loopback only.

Starts ``footnoted serve`` (the bundled briefing, the bundled all-MiniLM-L6-v2 through
onnxruntime) on a free loopback port, or uses ``--url`` (which must be a loopback address) with
``--pid`` for memory. 32 clients send a fixed number of requests: searches (k 3-10, each mode)
and asks, with the briefing's eval questions, half of them varied so the query cache cannot
answer them. Prints requests, errors, latency percentiles, throughput, and the server's resident
memory sampled over the run, with its growth from the end of the warm-up to the end.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/load_test.py [--requests 20000] [--concurrency 32]

Exits 1 if any request failed or the memory grew by more than ``--max-growth-mb`` (default 64)
after the warm-up. The model is exported to ONNX once into ``--models`` (default: the per-user
data directory's), so the first run takes a minute longer.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from footnoted.settings import Settings
from tests.server import start_server

VARIANTS = ("please", "exactly", "in 2005", "according to the briefing", "in total", "overall", "roughly", "now")


@dataclass
class Result:
    kind: str
    status: int
    seconds: float
    warm: bool
    error: str = ""
    at: float = 0.0
    """When the request was sent (monotonic)."""


@dataclass
class Memory:
    """Resident set size of one process, sampled by a thread."""

    pid: int
    interval: float = 0.5
    samples: list[tuple[float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def rss(self) -> int:
        try:
            import psutil

            return int(psutil.Process(self.pid).memory_info().rss)
        except ImportError:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
            raise RuntimeError(f"no VmRSS for process {self.pid}") from None

    def start(self) -> None:
        def run() -> None:
            while not self._stop.is_set():
                self.samples.append((time.monotonic(), self.rss()))
                self._stop.wait(self.interval)

        threading.Thread(target=run, name="rss-sampler", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self.samples.append((time.monotonic(), self.rss()))

    def at(self, moment: float) -> int:
        """The last sample taken at or before ``moment``."""
        before = [rss for t, rss in self.samples if t <= moment]
        return before[-1] if before else self.samples[0][1]


def questions() -> list[str]:
    text = (resources.files("footnoted.eval.sets") / "briefing.jsonl").read_text(encoding="utf-8")
    return [json.loads(line)["question"] for line in text.splitlines() if line.strip()]


def plan(count: int, seed: int) -> list[tuple[str, dict[str, object]]]:
    """The fixed list of requests: 70% search, 30% ask; half the questions varied past the cache."""
    rng = random.Random(seed)
    pool = questions()
    out: list[tuple[str, dict[str, object]]] = []
    for _ in range(count):
        question = rng.choice(pool)
        if rng.random() < 0.5:
            question = f"{question.rstrip('?')} {rng.choice(VARIANTS)} {rng.randrange(10_000)}?"
        if rng.random() < 0.7:
            body = {"query": question, "k": rng.randint(3, 10), "mode": rng.choice(["dense", "lexical", "hybrid"])}
            out.append(("search", body))
        else:
            out.append(("ask", {"question": question, "k": 5}))
    return out


async def run(
    url: str, requests: list[tuple[str, dict[str, object]]], concurrency: int, warmup: int, lags: list[float]
) -> list[Result]:
    queue: asyncio.Queue[tuple[int, str, dict[str, object]]] = asyncio.Queue()
    for i, (kind, body) in enumerate(requests):
        queue.put_nowait((i, kind, body))
    results: list[Result] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def worker() -> None:
            while True:
                try:
                    i, kind, body = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started, sent = time.perf_counter(), time.monotonic()
                try:
                    response = await client.post(f"/v1/{kind}", json=body)
                    error = "" if response.status_code == 200 else response.text[:200]
                    elapsed = time.perf_counter() - started
                    results.append(Result(kind, response.status_code, elapsed, i < warmup, error, sent))
                except httpx.HTTPError as exc:
                    cause = exc.__cause__ or exc.__context__
                    error = f"{exc!r} (from {cause!r})" if cause else repr(exc)
                    results.append(Result(kind, 0, time.perf_counter() - started, i < warmup, error, sent))

        async def watch_lag() -> None:
            """How late this client's own event loop wakes up: latency it adds to every request."""
            while not queue.empty():
                before = time.monotonic()
                await asyncio.sleep(0.1)
                lags.append(time.monotonic() - before - 0.1)

        await asyncio.gather(watch_lag(), *(worker() for _ in range(concurrency)))
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=1000, help="requests before the memory baseline")
    parser.add_argument("--max-growth-mb", type=float, default=64.0, help="allowed RSS growth after the warm-up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="an already running server (loopback only); needs --pid")
    parser.add_argument("--pid", type=int, help="the server's process id, for --url")
    parser.add_argument("--models", type=Path, default=None, help="where the ONNX export of the model is kept")
    args = parser.parse_args()

    server = None
    if args.url:
        host = urlsplit(args.url).hostname or ""
        if not (host == "localhost" or ipaddress.ip_address(host).is_loopback) or args.pid is None:
            parser.error("--url must be a loopback address, and --pid the server's process id")
        url, pid = args.url, args.pid
    else:
        home = Path(tempfile.mkdtemp(prefix="footnoted-load-"))
        models = args.models or Settings().models_dir
        started = time.monotonic()
        server = start_server(home, models, timeout=600)
        url, pid = server.url, server.process.pid
        print(f"server {url} (pid {pid}) ready in {time.monotonic() - started:.0f} s; models in {models}")

    requests = plan(args.requests, args.seed)
    memory = Memory(pid)
    memory.start()
    lags: list[float] = []
    print(f"{args.requests} requests ({args.warmup} warm-up), concurrency {args.concurrency} ...", flush=True)
    began = time.monotonic()
    try:
        results = asyncio.run(run(url, requests, args.concurrency, args.warmup, lags))
    finally:
        ended = time.monotonic()
        memory.stop()
        if server is not None:
            log = server.logs()
            server.stop()
    elapsed = ended - began

    errors = [r for r in results if r.status != 200]
    measured = [r for r in results if not r.warm]
    print(f"\nrequests      {len(results)} in {elapsed:.1f} s: {len(results) / elapsed:.1f} requests/s")
    print(f"errors        {len(errors)}")
    for r in errors[:10]:
        print(f"  {r.kind} {r.status} at {r.at - began:.1f} s after {r.seconds * 1000:.0f} ms: {r.error}")
    print("latency (ms, after warm-up)     p50     p90     p99     max   count")
    for kind in ("search", "ask", "all"):
        times = [r.seconds * 1000 for r in measured if kind in ("all", r.kind)]
        if times:
            print(
                f"  {kind:28s} {percentile(times, 50):7.1f} {percentile(times, 90):7.1f} "
                f"{percentile(times, 99):7.1f} {max(times):7.1f} {len(times):7d}"
            )

    if lags:
        print(
            f"client loop lag (ms)          p50 {percentile(lags, 50) * 1000:.1f}, p99 {percentile(lags, 99) * 1000:.1f}, "
            f"max {max(lags) * 1000:.1f} (time the load generator itself adds; same 2 cores as the server)"
        )

    # The warm-up ends when its last request has been answered (requests go out in order).
    warm_end = began + sum(r.seconds for r in results if r.warm) / args.concurrency
    baseline, final = memory.at(warm_end), memory.samples[-1][1]
    middle = memory.at(began + elapsed / 2)
    peak = max(rss for _, rss in memory.samples)
    mb = 1024 * 1024
    growth = (final - baseline) / mb
    print(f"\nserver RSS    {len(memory.samples)} samples every {memory.interval} s")
    print(
        f"  start {memory.samples[0][1] / mb:.0f} MB, after warm-up {baseline / mb:.0f} MB, "
        f"middle {middle / mb:.0f} MB, end {final / mb:.0f} MB, peak {peak / mb:.0f} MB"
    )
    print(
        f"  growth after warm-up {growth:+.1f} MB (bound {args.max_growth_mb:.0f} MB); second half {(final - middle) / mb:+.1f} MB"
    )
    timeline = memory.samples[:: max(1, len(memory.samples) // 12)]
    print("  timeline (s:MB) " + " ".join(f"{max(0.0, t - began):.0f}:{rss / mb:.0f}" for t, rss in timeline))
    if server is not None and "Traceback" in log:
        print("the server logged a traceback:\n" + log[log.index("Traceback") :][:2000])
        return 1
    ok = not errors and growth <= args.max_growth_mb
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
