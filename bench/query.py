"""In-process query latency: footnoted's hybrid search + answer extraction vs the LangChain baseline.

    .venv/bin/python bench/query.py [--rounds 3]

Every question of the briefing eval set is asked ``rounds`` times, with the query-vector cache
off (each call encodes its question), on an index of the bundled briefing. The per-stage
figures time each stage on its own, the way ``Index.ask`` runs them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Baseline, header, questions, ratio, repeat, summary, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--encoder", default="onnx", choices=["onnx", "onnx-int8", "torch"])
    args = parser.parse_args()
    header(
        "query latency, in process",
        f"{len(questions())} eval questions x {args.rounds} rounds, k=5, query cache off; "
        "footnoted = hybrid search + answer extraction; baseline = LangChain FAISS similarity_search(k=5)",
    )
    from footnoted.corpus import briefing_bytes, load_briefing
    from footnoted.index import Index, make_encoder
    from footnoted.index.search import dense, lexical, rrf
    from footnoted.settings import Settings

    qs = questions() * args.rounds
    with tempfile.TemporaryDirectory() as home:
        encoder, tokenizer = make_encoder(Settings(home=Path(home), encoder=args.encoder))
        index = Index.memory(encoder, tokenizer)
        index.add([load_briefing()])
        index.query_cache_size = 0
        for q in qs[:5]:
            index.ask(q)

        it = iter(qs)
        ask = repeat(lambda: index.ask(next(it)), len(qs))
        it = iter(qs)
        search = repeat(lambda: index.search(next(it), 5), len(qs))
        it = iter(qs)
        encode = repeat(lambda: encoder.encode([next(it)], "query"), len(qs))
        snap = index.snapshot
        vectors = [encoder.encode([q], "query")[0] for q in questions()]
        vq = iter(vectors * args.rounds)
        dense_ms = repeat(lambda: dense(snap, next(vq), 50), len(qs))
        it = iter(qs)
        lexical_ms = repeat(lambda: lexical(snap, next(it), 50), len(qs))
        pairs = [(dense(snap, v, 50), lexical(snap, q, 50)) for q, v in zip(questions(), vectors, strict=True)]
        pi = iter(pairs * args.rounds)
        fusion_ms = repeat(lambda: rrf(list(next(pi)), 5), len(qs))
        index.query_cache_size = 256
        for q in questions():
            index.encode_query(q)
        it = iter(qs)
        cached = repeat(lambda: index.ask(next(it)), len(qs))

        baseline = Baseline()
        baseline.build([briefing_bytes().decode("utf-8")])
        for q in qs[:5]:
            baseline.search(q)
        it = iter(qs)
        lc = repeat(lambda: baseline.search(next(it)), len(qs))

    answer_ms = [max(a - s, 0.0) for a, s in zip(ask, search, strict=True)]
    table(
        [
            ["footnoted ask (hybrid + answer)", summary(ask)],
            ["footnoted search (hybrid)", summary(search)],
            ["  stage: encode question", summary(encode)],
            ["  stage: dense search (FAISS)", summary(dense_ms)],
            ["  stage: lexical search (BM25)", summary(lexical_ms)],
            ["  stage: fusion (RRF)", summary(fusion_ms)],
            ["  stage: answer extraction (ask - search)", summary(answer_ms)],
            ["footnoted ask, repeated question (LRU hit)", summary(cached)],
            ["LangChain FAISS similarity_search", summary(lc)],
        ],
        ["what", "latency"],
    )
    p50 = sorted(ask)[len(ask) // 2]
    lc50 = sorted(lc)[len(lc) // 2]
    print(
        f"footnoted ask p50 / LangChain p50: {p50:.2f} ms / {lc50:.2f} ms -> footnoted is {ratio(p50, lc50)} the speed"
    )
    print(f"target (ask p50 no worse than the baseline's): {'met' if p50 <= lc50 else 'NOT met'}")
    print(f"finished {time.strftime('%Y-%m-%d %H:%M:%S')}")


if __name__ == "__main__":
    main()
