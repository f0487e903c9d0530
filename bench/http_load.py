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
import json
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


async def load(url: str, path: str, body_key: str, n: int, concurrency: int, tag: str) -> dict[str, float]:
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


def measure(url: str, path: str, key: str, n: int, name: str) -> dict[int, dict[str, float]]:
    """Warm up, then each concurrency level with questions no earlier phase has asked."""
    asyncio.run(load(url, path, key, 20, 4, f"{name} warm-up"))
    return {c: asyncio.run(load(url, path, key, n, c, f"{name} c{c}")) for c in (1, 8, 32)}


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
    parser.add_argument("--ceiling", help=argparse.SUPPRESS)
    parser.add_argument("--models", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ceiling:
        print(json.dumps(ceiling_worker(args.ceiling, args.models)))
        return
    header(
        "HTTP throughput",
        f"{args.requests} POST requests per level (k=5), unique questions, loopback; one uvicorn process per server; "
        "each runtime served with micro-batching on and off",
    )
    models = Path(tempfile.gettempdir()) / "footnoted-bench-models"
    results: dict[str, dict[int, dict[str, float]]] = {}
    for encoder in args.encoders.split(","):
        for batching in ("on", "off"):
            name = f"footnoted {encoder}, batching {batching}"
            server = start_server(
                Path(tempfile.mkdtemp()), models, encoder=encoder, micro_batch="1" if batching == "on" else "0"
            )
            try:
                results[f"{name}: search"] = measure(server.url, "/v1/search", "query", args.requests, name)
                if encoder == "onnx" and batching == "on":
                    results[f"{name}: ask"] = measure(server.url, "/v1/ask", "question", args.requests, name + " ask")
            finally:
                server.stop()
    server = start_langchain()
    try:
        results["LangChain FAISS: search"] = measure(server.url, "/search", "query", args.requests, "langchain")
    finally:
        server.stop()
    ceilings = {encoder: ceiling(encoder, models) for encoder in args.encoders.split(",")}
    rows = []
    for name, levels in results.items():
        for c, r in levels.items():
            rows.append([name, c, r["rps"], r["p50"], r["p99"], int(r["errors"])])
    table(rows, ["server: route", "concurrency", "requests/s", "p50 ms", "p99 ms", "errors"])
    lc = results["LangChain FAISS: search"][32]["rps"]
    for encoder in args.encoders.split(","):
        on = results[f"footnoted {encoder}, batching on: search"][32]["rps"]
        off = results[f"footnoted {encoder}, batching off: search"][32]["rps"]
        print(
            f"{encoder}: micro-batching at concurrency 32: {on:.1f} / {off:.1f} requests/s = {on / off:.2f}x "
            f"(target >= 2x: {'met' if on / off >= 2 else 'NOT met'}); vs LangChain: {on / lc:.2f}x"
        )
        single, batched = ceilings[encoder]["batch 1"], ceilings[encoder]["batch 32"]
        print(
            f"  {encoder} model alone, no server: {single:.1f} questions/s one per call, {batched:.1f} 32 per call: "
            f"batching the model calls can buy at most {batched / single:.2f}x"
        )


if __name__ == "__main__":
    main()
