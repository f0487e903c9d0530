"""Search latency and memory at 10k, 100k and 1M vectors: exact (flat, and flat16: vectors kept in
16-bit floats) vs HNSW, vs LangChain's FAISS.

    .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--queries 200] [--stores flat,flat16,hnsw]

Vectors are synthetic, each a "chunk" of its own: points of a 48-dimensional latent space
(200 clusters) mapped into 384 dimensions with a little noise, then normalised. Sentence
embeddings lie near a low-dimensional manifold like this; isotropic random vectors would not,
and would make any graph index look worse than it is on real text. footnoted's figure is its dense
stage end to end (FAISS search, then rows mapped to chunks and ranked); HNSW recall@10 is
measured against the exact result, and so is flat16's. The baseline is LangChain's FAISS vector store (an
IndexFlatL2 with a docstore) over the same vectors, searched by vector. Each size runs in a
fresh process so memory is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, percentile, ratio, rss_mb, table

DIM = 384


LATENT = 48


def vectors(n: int, seed: int = 0) -> np.ndarray:
    basis = np.random.default_rng(42).standard_normal((LATENT, DIM)).astype(np.float32)
    centres = np.random.default_rng(43).standard_normal((200, LATENT)).astype(np.float32)
    rng = np.random.default_rng(seed)
    latent = centres[rng.integers(0, 200, n)] + 0.8 * rng.standard_normal((n, LATENT)).astype(np.float32)
    out = latent @ basis + 0.5 * rng.standard_normal((n, DIM)).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def worker(n: int, kind: str, queries: int) -> dict[str, float]:
    import faiss

    data = vectors(n)
    qs = vectors(queries, seed=1)
    # Import everything first, so the memory figure is the store's alone.
    import langchain_community.vectorstores  # noqa: F401

    import footnoted.index.search  # noqa: F401

    before = rss_mb()
    started = time.perf_counter()
    if kind == "langchain":
        from langchain_community.docstore.in_memory import InMemoryDocstore
        from langchain_community.vectorstores import FAISS
        from langchain_core.documents import Document

        index = faiss.IndexFlatL2(DIM)
        index.add(data)
        ids = [str(i) for i in range(n)]
        store = FAISS(
            embedding_function=lambda text: [0.0] * DIM,  # never called: searches go by vector
            index=index,
            docstore=InMemoryDocstore({i: Document(page_content=f"chunk {i}") for i in ids}),
            index_to_docstore_id=dict(enumerate(ids)),
        )
        build = time.perf_counter() - started

        def search(q: np.ndarray) -> list[int]:
            return [int(d.page_content.split()[1]) for d in store.similarity_search_by_vector(q.tolist(), k=10)]

    else:
        from footnoted.index.lexical import Lexical
        from footnoted.index.search import dense
        from footnoted.index.snapshot import Snapshot
        from footnoted.index.vectors import FaissStore

        store_ = FaissStore(DIM, kind)  # type: ignore[arg-type]
        for begin in range(0, n, 100_000):
            store_.add(np.arange(begin, min(n, begin + 100_000)), data[begin : begin + 100_000])
        build = time.perf_counter() - started
        rows = np.arange(n, dtype=np.int64)
        snap = Snapshot(
            documents={},
            chunks=range(n),  # type: ignore[arg-type]  # the dense stage only takes its length
            vectors=store_,
            lexical=Lexical(None, 0),
            row_ids=rows,
            row_chunks=rows.astype(np.int32),
            row_notes=np.full(n, -1, dtype=np.int32),
            row_spans=np.zeros((n, 2), dtype=np.int64),
        )

        def search(q: np.ndarray) -> list[int]:
            return [int(p) for p in dense(snap, q, 10).positions]

    memory = rss_mb() - before
    search(qs[0])
    latencies, results = [], []
    for q in qs:
        t = time.perf_counter()
        results.append(search(q))
        latencies.append((time.perf_counter() - t) * 1000)
    exact = np.argsort(-(qs @ data.T), axis=1)[:, :10] if n <= 100_000 else None
    if exact is None:
        flat = faiss.IndexFlatIP(DIM)
        flat.add(data)
        exact = flat.search(qs, 10)[1]
    recall = float(np.mean([len(set(r) & set(e.tolist())) / 10 for r, e in zip(results, exact, strict=True)]))
    return {
        "build s": build,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "memory MB": memory,
        "recall@10": recall,
    }


def main() -> None:
    if "--worker" in sys.argv:
        _, _, size, kind, queries = sys.argv
        print(json.dumps(worker(int(size), kind, int(queries))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--stores", default="flat,flat16,hnsw", help="footnoted's stores to run (LangChain always runs)"
    )
    args = parser.parse_args()
    header(
        "scale: dense search latency and memory",
        f"synthetic unit vectors, d={DIM}, {args.queries} single queries, k=10, fresh process per (size, store); "
        "memory = RSS growth while building",
    )
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        got = {}
        for kind in [*args.stores.split(","), "langchain"]:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", str(n), kind, str(args.queries)], capture_output=True, text=True
            )
            if out.returncode != 0:
                print(f"# {kind} at {n}: failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            got[kind] = json.loads(out.stdout.strip().splitlines()[-1])
            r = got[kind]
            rows.append([f"{n:,}", kind, r["build s"], r["p50"], r["p99"], r["memory MB"], r["recall@10"]])
        if "flat" in got and "langchain" in got:
            print(
                f"# {n:,}: flat p50 vs LangChain p50: {ratio(got['flat']['p50'], got['langchain']['p50'])} the speed; "
                f"flat16 vs flat: {ratio(got['flat16']['p50'], got['flat']['p50']) if 'flat16' in got else 'n/a'}; "
                f"HNSW vs flat: {ratio(got['hnsw']['p50'], got['flat']['p50']) if 'hnsw' in got else 'n/a'}",
                flush=True,
            )
    print()
    table(rows, ["vectors", "store", "build s", "p50 ms", "p99 ms", "memory MB", "recall@10"])


if __name__ == "__main__":
    main()
