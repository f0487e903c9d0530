"""HTTP throughput and latency at concurrency 1, 8 and 32 against real uvicorn servers on loopback.

    .venv/bin/python bench/http_load.py [--requests 200] [--rounds 3] [--encoders onnx,torch] [--client raw]

Servers: footnoted with micro-batching on (the default) and off (FOOTNOTED_MICRO_BATCH=0), in
alternating rounds, and the LangChain baseline behind the same FastAPI + uvicorn stack. A bounded
load generator (a minimal asyncio HTTP/1.1 client over keep-alive connections, loopback only)
sends a fixed number of requests per level; every question is made unique with a suffix, so no
cache answers it. Each level reports the CPU time the server and the client spent per request:
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

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, percentile, questions, table
from tests.server import Server, free_port, start_server


async def load(url: str, path: str, body_key: str, n: int, concurrency: int, tag: str) -> dict[str, float]:
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

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for i in numbers:
                body = json.dumps({body_key: f"{qs[i % len(qs)]} ({tag} {i})", "k": 5}).encode()
                head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
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


async def load_httpx(url: str, path: str, body_key: str, n: int, concurrency: int, tag: str) -> dict[str, float]:
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
                body = {body_key: f"{qs[i % len(qs)]} ({tag} {i})", "k": 5}
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def measure(server: Server, path: str, key: str, n: int, name: str, client: str) -> dict[int, dict[str, float]]:
    """Warm up, then each concurrency level with questions no earlier phase has asked.

    Each level also records the CPU time the server and this load generator spent per request.
    """
    run = load if client == "raw" else load_httpx
    asyncio.run(run(server.url, path, key, 20, 4, f"{name} warm-up"))
    out = {}
    for c in (1, 8, 32):
        server_cpu, own_cpu = cpu_seconds(server.process.pid), time.process_time()
        result = asyncio.run(run(server.url, path, key, n, c, f"{name} c{c}"))
        result["server_cpu_ms"] = (cpu_seconds(server.process.pid) - server_cpu) * 1000 / n
        result["client_cpu_ms"] = (time.process_time() - own_cpu) * 1000 / n
        out[c] = result
    return out


def ceiling_worker(encoder_name: str, models: Path) -> dict[str, float]:
    """The model alone, no server: questions per second encoded one per call and 32 per call."""
    from footnoted.index import make_encoder
    from footnoted.settings import Settings

    encoder, _ = make_encoder(Settings(home=Path(tempfile.mkdtemp()), encoder=encoder_name, model_cache=models))
    qs = [f"{q} (ceiling {i})" for i, q in enumerate(questions() * 4)][:256]
    encoder.encode(qs[:32], "query")
    rates: dict[str, float] = {}
    for size in (1, 32):
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
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--encoders", default="onnx,torch")
    parser.add_argument("--rounds", type=int, default=3, help="micro-batching on/off pairs per encoder, alternating")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--ceiling", help=argparse.SUPPRESS)
    parser.add_argument("--models", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ceiling:
        print(json.dumps(ceiling_worker(args.ceiling, args.models)))
        return
    header(
        "HTTP throughput",
        f"{args.requests} POST requests per level (k=5), unique questions, loopback, {args.client} client; "
        f"one uvicorn process per server; each runtime served with micro-batching on and off, "
        f"{args.rounds} alternating rounds",
    )
    models = Path(tempfile.gettempdir()) / "footnoted-bench-models"
    encoders = args.encoders.split(",")
    results: dict[str, dict[int, dict[str, float]]] = {}
    for encoder in encoders:
        for round_ in range(1, args.rounds + 1):
            for batching in ("on", "off"):
                name = f"footnoted {encoder}, batching {batching}"
                server = start_server(
                    Path(tempfile.mkdtemp()), models, encoder=encoder, micro_batch="1" if batching == "on" else "0"
                )
                try:
                    results[f"{name}: search #{round_}"] = measure(
                        server, "/v1/search", "query", args.requests, name, args.client
                    )
                    if encoder == "onnx" and batching == "on" and round_ == 1:
                        results[f"{name}: ask #{round_}"] = measure(
                            server, "/v1/ask", "question", args.requests, name + " ask", args.client
                        )
                finally:
                    server.stop()
    server = start_langchain()
    try:
        results["LangChain FAISS: search #1"] = measure(
            server, "/search", "query", args.requests, "langchain", args.client
        )
    finally:
        server.stop()
    ceilings = {encoder: ceiling(encoder, models) for encoder in encoders}
    rows = []
    for name, levels in results.items():
        for c, r in levels.items():
            cpu = [r["server_cpu_ms"], r["client_cpu_ms"]]
            rows.append([name, c, r["rps"], r["p50"], r["p99"], int(r["errors"]), *cpu])
    columns = ["server: route #round", "concurrency", "requests/s", "p50 ms", "p99 ms", "errors"]
    table(rows, [*columns, "server CPU ms/req", "client CPU ms/req"])
    lc = results["LangChain FAISS: search #1"][32]["rps"]
    for encoder in encoders:
        ratios = []
        for round_ in range(1, args.rounds + 1):
            on = results[f"footnoted {encoder}, batching on: search #{round_}"][32]["rps"]
            off = results[f"footnoted {encoder}, batching off: search #{round_}"][32]["rps"]
            ratios.append(on / off)
            print(
                f"{encoder} round {round_}: micro-batching at concurrency 32: {on:.1f} / {off:.1f} requests/s = {on / off:.2f}x"
            )
        middle = statistics.median(ratios)
        on = statistics.median(
            results[f"footnoted {encoder}, batching on: search #{r}"][32]["rps"] for r in range(1, args.rounds + 1)
        )
        print(
            f"{encoder}: median gain {middle:.2f}x over {args.rounds} rounds (target >= 2x: "
            f"{'met' if middle >= 2 else 'NOT met'}); median throughput vs LangChain: {on / lc:.2f}x"
        )
        single, batched = ceilings[encoder]["batch 1"], ceilings[encoder]["batch 32"]
        print(
            f"  {encoder} model alone, no server: {single:.1f} questions/s one per call, {batched:.1f} 32 per call: "
            f"batching the model calls can buy at most {batched / single:.2f}x"
        )


if __name__ == "__main__":
    main()
