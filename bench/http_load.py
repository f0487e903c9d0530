"""HTTP throughput and latency at concurrency 1, 8 and 32 against real uvicorn servers on loopback.

    .venv/bin/python bench/http_load.py [--requests 200]

Servers: footnoted (micro-batching on, the default), the same footnoted with micro-batching off
(FOOTNOTED_BATCH_WINDOW_MS=0), and the LangChain baseline behind the same FastAPI + uvicorn
stack. A bounded load generator (asyncio + httpx, loopback only) sends a fixed number of
requests per level; every question is made unique with a suffix, so no cache answers it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, percentile, questions, table
from tests.server import Server, free_port, start_server


async def load(url: str, path: str, body_key: str, n: int, concurrency: int) -> dict[str, float]:
    qs = questions()
    latencies: list[float] = []
    errors = 0
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def one(i: int) -> None:
            nonlocal errors
            async with gate:
                body = {body_key: f"{qs[i % len(qs)]} (request {i})", "k": 5}
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
        wall = time.perf_counter() - started
    return {
        "rps": n / wall,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "errors": float(errors),
    }


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--encoder", default="onnx")
    args = parser.parse_args()
    header(
        "HTTP throughput",
        f"{args.requests} POST requests per level (k=5), unique questions, loopback; one uvicorn process per server",
    )
    models = Path(tempfile.gettempdir()) / "footnoted-bench-models"
    results: dict[str, dict[int, dict[str, float]]] = {}
    for name, settings in (
        ("footnoted search (batching)", {"encoder": args.encoder}),
        ("footnoted search (no batching)", {"encoder": args.encoder, "batch_window_ms": "0"}),
    ):
        server = start_server(Path(tempfile.mkdtemp()), models, **settings)
        try:
            asyncio.run(load(server.url, "/v1/search", "query", 20, 4))
            results[name] = {
                c: asyncio.run(load(server.url, "/v1/search", "query", args.requests, c)) for c in (1, 8, 32)
            }
            if "no batching" not in name:
                results["footnoted ask (batching)"] = {
                    c: asyncio.run(load(server.url, "/v1/ask", "question", args.requests, c)) for c in (1, 8, 32)
                }
        finally:
            server.stop()
    server = start_langchain()
    try:
        asyncio.run(load(server.url, "/search", "query", 20, 4))
        results["LangChain FAISS search"] = {
            c: asyncio.run(load(server.url, "/search", "query", args.requests, c)) for c in (1, 8, 32)
        }
    finally:
        server.stop()
    rows = []
    for name, levels in results.items():
        for c, r in levels.items():
            rows.append([name, c, r["rps"], r["p50"], r["p99"], int(r["errors"])])
    table(rows, ["server", "concurrency", "requests/s", "p50 ms", "p99 ms", "errors"])
    on = results["footnoted search (batching)"][32]["rps"]
    off = results["footnoted search (no batching)"][32]["rps"]
    lc = results["LangChain FAISS search"][32]["rps"]
    print(
        f"micro-batching gain at concurrency 32: {on:.1f} / {off:.1f} requests/s = {on / off:.2f}x "
        f"(target >= 2x: {'met' if on / off >= 2 else 'NOT met'})"
    )
    print(f"footnoted search vs LangChain at concurrency 32: {on:.1f} / {lc:.1f} requests/s = {on / lc:.2f}x")


if __name__ == "__main__":
    main()
