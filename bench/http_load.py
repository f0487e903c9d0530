"""HTTP throughput and latency at concurrency 1, 8 and 32 against real uvicorn servers on loopback.

    .venv/bin/python bench/http_load.py [--per-connection 30 | --requests N] [--rounds 5] [--encoders onnx,torch] [--client raw]

Servers: footnoted with micro-batching on (the default) and off (FOOTNOTED_MICRO_BATCH=0), side
by side, taking turns burst by burst so that the machine's drift falls on both alike; and the
LangChain baseline behind the same FastAPI + uvicorn stack. A bounded
load generator (a minimal asyncio HTTP/1.1 client over keep-alive connections, loopback only)
sends a fixed number of requests per level (30 per connection by default: 200, 240 and 960 at
concurrency 1, 8 and 32, so that the ramp at a burst's start and end weighs alike); every
question is an eval question made unique by a number after it (``serials``), so no cache answers
it. Each level reports the CPU time the server and the client spent per request:
the client shares the two cores with the server, so what it spends is taken from the server."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import cpu_seconds, header, percentile, questions, table
from tests.server import Server, free_port, start_server

if TYPE_CHECKING:
    from footnoted.settings import EncoderName


async def load(url: str, path: str, body_key: str, n: int, concurrency: int, first: int) -> dict[str, float]:
    """``n`` POST requests over ``concurrency`` keep-alive connections, with a minimal HTTP/1.1 client.

    The client shares the two cores with the server it measures, so it must cost little: this one
    writes each request in one call and reads the response by its Content-Length (about 0.15 ms of
    CPU a request, where httpx's client spends about 4 ms; see ``--client httpx``).
    """
    host, port = url.removeprefix("http://").split(":")
    qs = questions()
    latencies: list[float] = []
    errors = 0
    numbers = iter(range(n))
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for i in numbers:
                body = json.dumps({body_key: f"{qs[i % len(qs)]} ({first + i})", "k": 5}).encode()
                started = time.perf_counter()
                try:
                    writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
                    status, length = _response_head(await reader.readuntil(b"\r\n\r\n"))
                    await reader.readexactly(length)
                    if status != 200:
                        errors += 1
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                latencies.append((time.perf_counter() - started) * 1000)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return _result(n, time.perf_counter() - started, latencies, errors)


def _result(n: int, wall: float, latencies: list[float], errors: int) -> dict[str, float]:
    return {
        "rps": n / wall,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "errors": float(errors),
    }


def _response_head(head: bytes) -> tuple[int, int]:
    """Status code and Content-Length of a response head (ValueError when either is missing)."""
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return status, int(value)
    raise ValueError("no Content-Length")


async def load_httpx(url: str, path: str, body_key: str, n: int, concurrency: int, first: int) -> dict[str, float]:
    """The same load through httpx's AsyncClient (how this benchmark measured before)."""
    qs = questions()
    latencies: list[float] = []
    errors = 0
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def one(i: int) -> None:
            nonlocal errors
            async with gate:
                body = {body_key: f"{qs[i % len(qs)]} ({first + i})", "k": 5}
                started = time.perf_counter()
                try:
                    response = await client.post(path, json=body)
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return _result(n, time.perf_counter() - started, latencies, errors)


def start_langchain() -> Server:
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "langchain.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bench.langchain_app:app", "--port", str(port), "--log-level", "warning"],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.url + "/readyz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.stop()
    raise RuntimeError(server.logs()[-2000:])


LEVELS = (1, 8, 32)


def model_calls(url: str) -> tuple[float, float] | None:
    """The question-encoding calls a footnoted server has made so far, and the seconds they took
    (from ``/metrics``); None for a server without them (the baseline)."""
    response = httpx.get(url + "/metrics", timeout=10)
    if response.status_code != 200:
        return None
    values = dict(
        line.split(" ", 1) for line in response.text.splitlines() if line.startswith("footnoted_encode_seconds_")
    )
    return float(values["footnoted_encode_seconds_count"]), float(values["footnoted_encode_seconds_sum"])


_asked = 0


def serials(n: int) -> int:
    """The first of ``n`` numbers no earlier burst of this run has used: question ``i`` of a burst is
    an eval question with ``(first + i)`` after it, unique, so that no cache answers it, and only
    about four tokens longer, as the model-alone figures' questions are (a suffix naming the server
    and the round, as before, made them twice as long: 37 tokens against 19)."""
    global _asked
    first = _asked
    _asked += n
    return first


def burst(server: Server, path: str, key: str, n: int, c: int, client: str) -> dict[str, float]:
    """One bounded run at concurrency ``c``, with the CPU time the server and this client spent per
    request and, for a footnoted server, the questions per model call and the seconds of model calls
    per second of the burst (the share of it the model was busy; above 100% when calls overlap, as
    they do without micro-batching, each request thread calling the model on its own)."""
    run = load if client == "raw" else load_httpx
    calls = model_calls(server.url)
    server_cpu, own_cpu = cpu_seconds(server.process.pid), time.process_time()
    started = time.perf_counter()
    result = asyncio.run(run(server.url, path, key, n, c, serials(n)))
    wall = time.perf_counter() - started
    result["server_cpu_ms"] = (cpu_seconds(server.process.pid) - server_cpu) * 1000 / n
    result["client_cpu_ms"] = (time.process_time() - own_cpu) * 1000 / n
    after = model_calls(server.url)
    if calls is not None and after is not None and after[0] > calls[0]:
        result["per_call"] = n / (after[0] - calls[0])
        result["model_busy"] = (after[1] - calls[1]) / wall
        result["call_ms"] = (after[1] - calls[1]) * 1000 / (after[0] - calls[0])
    return result


def measure(
    servers: dict[str, Server],
    path: str,
    key: str,
    sizes: dict[int, int],
    rounds: int,
    client: str,
) -> dict[str, dict[int, list[dict[str, float]]]]:
    """Every server at each level (``sizes``: concurrency -> requests a burst), ``rounds`` times,
    taking turns burst by burst.

    The servers run side by side and the bursts alternate (the order flips every round), so the
    machine's drift, 10 to 30% within a minute here, falls on all of them alike. Every burst asks
    questions no earlier one has asked.
    """
    for server in servers.values():
        asyncio.run(load(server.url, path, key, 20, 4, serials(20)))
    out: dict[str, dict[int, list[dict[str, float]]]] = {name: {c: [] for c in sizes} for name in servers}
    for c, n in sizes.items():
        for round_ in range(rounds):
            order = list(servers.items())
            for name, server in order if round_ % 2 == 0 else reversed(order):
                out[name][c].append(burst(server, path, key, n, c, client))
    return out


def ceiling_worker(encoder_name: EncoderName, models: Path) -> dict[str, float]:
    """The model alone, no server: questions per second encoded one per call and 32 per call."""
    from footnoted.index import make_encoder
    from footnoted.settings import Settings

    encoder, _ = make_encoder(Settings(home=Path(tempfile.mkdtemp()), encoder=encoder_name, model_cache=models))
    qs = [f"{q} (ceiling {i})" for i, q in enumerate(questions() * 4)][:256]
    encoder.encode(qs[:32], "query")
    rates: dict[str, float] = {}
    for size in (1, 16, 32):
        best = 0.0
        for _ in range(2):
            started = time.perf_counter()
            for begin in range(0, len(qs), size):
                encoder.encode(qs[begin : begin + size], "query")
            best = max(best, len(qs) / (time.perf_counter() - started))
        rates[f"batch {size}"] = best
    return rates


def ceiling(encoder: str, models: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--ceiling", encoder, "--models", str(models)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, help="requests a burst at every level (default: see --per-connection)")
    parser.add_argument(
        "--per-connection",
        type=int,
        default=30,
        help="requests each connection sends in a burst, at least 200 a burst (the default sizing)",
    )
    parser.add_argument("--encoders", default="onnx,torch")
    parser.add_argument("--rounds", type=int, default=5, help="bursts per server and level, taking turns")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--ceiling", help=argparse.SUPPRESS)
    parser.add_argument("--models", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ceiling:
        print(json.dumps(ceiling_worker(args.ceiling, args.models)))
        return
    # A burst's first and last requests run below its concurrency (the connections start together and
    # finish one by one); sized by connection, that ramp is the same small share at every level.
    sizes = {c: args.requests or max(200, args.per_connection * c) for c in LEVELS}
    described = (
        f"{args.requests}"
        if args.requests
        else f"{args.per_connection} per connection, at least 200 ({sizes[32]} at c=32)"
    )
    header(
        "HTTP throughput",
        f"bursts of {described} POST requests (k=5), unique questions, loopback, {args.client} client; "
        f"per runtime, a server with micro-batching and one without run side by side and take turns, "
        f"{args.rounds} bursts each per level; medians",
    )
    models = Path(tempfile.gettempdir()) / "footnoted-bench-models"
    encoders = args.encoders.split(",")
    results: dict[str, dict[int, list[dict[str, float]]]] = {}
    for encoder in encoders:
        servers = {
            f"footnoted {encoder}, batching {b}": start_server(
                Path(tempfile.mkdtemp()), models, encoder=encoder, micro_batch="1" if b == "on" else "0"
            )
            for b in ("on", "off")
        }
        try:
            for name, levels in measure(servers, "/v1/search", "query", sizes, args.rounds, args.client).items():
                results[f"{name}: search"] = levels
            if encoder == "onnx":
                on = {f"footnoted {encoder}, batching on: ask": servers[f"footnoted {encoder}, batching on"]}
                results.update(measure(on, "/v1/ask", "question", sizes, 1, args.client))
        finally:
            for server in servers.values():
                server.stop()
    server = start_langchain()
    try:
        langchain = measure({"LangChain FAISS: search": server}, "/search", "query", sizes, 1, args.client)
        results.update(langchain)
    finally:
        server.stop()
    ceilings = {encoder: ceiling(encoder, models) for encoder in encoders}

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    def model(runs: list[dict[str, float]]) -> list[str]:
        if not all("per_call" in r for r in runs):
            return ["", "", ""]
        return [
            f"{median(runs, 'per_call'):.1f}",
            f"{median(runs, 'call_ms'):.1f}",
            f"{median(runs, 'model_busy'):.0%}",
        ]

    rows = []
    for name, levels in results.items():
        for c, runs in levels.items():
            cells = [median(runs, k) for k in ("rps", "p50", "p99")]
            cpu = [median(runs, "server_cpu_ms"), median(runs, "client_cpu_ms")]
            rows.append([name, c, len(runs), *cells, int(sum(r["errors"] for r in runs)), *cpu, *model(runs)])
    head = ["server: route", "concurrency", "bursts", "requests/s", "p50 ms", "p99 ms", "errors"]
    table(
        rows,
        [*head, "server CPU ms/req", "client CPU ms/req", "questions/model call", "ms/model call", "model s per s"],
    )
    lc = median(results["LangChain FAISS: search"][32], "rps")
    for encoder in encoders:
        on_runs = results[f"footnoted {encoder}, batching on: search"][32]
        off_runs = results[f"footnoted {encoder}, batching off: search"][32]
        ratios = [a["rps"] / b["rps"] for a, b in zip(on_runs, off_runs, strict=True)]
        middle = statistics.median(ratios)
        print(
            f"{encoder}: micro-batching at concurrency 32, burst by burst: {', '.join(f'{r:.2f}x' for r in ratios)}; "
            f"median {middle:.2f}x (target >= 2x: {'met' if middle >= 2 else 'NOT met'}); "
            f"median throughput vs LangChain: {median(on_runs, 'rps') / lc:.2f}x"
        )
        single, batched = ceilings[encoder]["batch 1"], ceilings[encoder]["batch 32"]
        print(
            f"  {encoder} model alone, no server: {single:.1f} questions/s one per call, {batched:.1f} 32 per call: "
            f"batching the model calls can buy at most {batched / single:.2f}x"
        )
        if all("call_ms" in r for r in on_runs):
            print(
                f"  {encoder} in the server at concurrency 32: {median(on_runs, 'per_call'):.1f} questions a model call "
                f"taking {median(on_runs, 'call_ms'):.1f} ms, the model busy {median(on_runs, 'model_busy'):.0%} of "
                f"the time; alone, a call of 16 takes {16000 / ceilings[encoder]['batch 16']:.1f} ms"
            )


if __name__ == "__main__":
    main()
