"""The model's two CPU runtimes side by side: throughput by batch size, agreement, retrieval quality.

    .venv/bin/python bench/encoders.py [--rounds 5]

onnxruntime (fp32) and OpenVINO (compiled for this CPU: bf16 where it has AMX or AVX-512 BF16,
else fp32) run the same exported graph. For each batch size, the eval questions (made unique)
are encoded by both runtimes in alternating rounds, so the machine's drift falls on both alike;
the median of the rounds is reported. Packing: calls of 8 to 32 questions, several to a row (the
default) against one to a row, in alternating rounds. Agreement is the lowest cosine of either runtime's vectors
to sentence-transformers' own. Quality is the briefing eval, with the index built and searched
by onnxruntime alone and by the default routing (a call of three texts or more to OpenVINO).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, questions, table

SIZES = (1, 2, 3, 4, 8, 16, 32)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    header(
        "encoder runtimes",
        f"eval questions made unique, encoded in calls of {', '.join(map(str, SIZES))}; {args.rounds} alternating "
        "rounds, median; agreement against sentence-transformers; briefing eval per routing",
    )
    import numpy as np

    from footnoted.corpus import load_briefing
    from footnoted.eval import evaluate
    from footnoted.eval.dataset import briefing_set
    from footnoted.index import Index, make_encoder
    from footnoted.index.encoder import SentenceTransformerEncoder, default_model_path, read_spec
    from footnoted.index.onnx import ROW, OnnxEncoder
    from footnoted.index.openvino import OpenVinoEncoder, RoutedEncoder
    from footnoted.ingest.sentences import sentences
    from footnoted.settings import Settings

    models = Path(tempfile.gettempdir()) / "footnoted-bench-models"
    routed, tokenizer = make_encoder(Settings(home=models.parent, model_cache=models, encoder="onnx"))
    assert isinstance(routed, RoutedEncoder)
    single, batch = routed.single, routed.batch_encoder()
    assert isinstance(single, OnnxEncoder) and isinstance(batch, OpenVinoEncoder)
    runtimes = {"onnxruntime fp32": single, f"OpenVINO {batch.precision}": batch}

    qs = [f"{q} ({i})" for i, q in enumerate(questions() * 4)]
    for encoder in runtimes.values():
        encoder.encode(qs[:32], "query")
    rates: dict[tuple[str, int], list[float]] = {}
    for _ in range(args.rounds):
        for size in SIZES:
            for name, encoder in runtimes.items():
                started = time.perf_counter()
                for begin in range(0, 96, size):
                    encoder.encode(qs[begin : begin + size], "query")
                rates.setdefault((name, size), []).append(96 / (time.perf_counter() - started))
    rows = []
    for size in SIZES:
        medians = [statistics.median(rates[(name, size)]) for name in runtimes]
        rows.append([size, *medians, medians[1] / medians[0]])
    print("\nquestions per second, by texts per call")
    table(rows, ["texts per call", *runtimes, "OpenVINO / onnxruntime"])
    for name in runtimes:
        one, most = statistics.median(rates[(name, 1)]), statistics.median(rates[(name, 32)])
        print(f"{name}: 32 per call is {most / one:.2f}x one per call")

    print(f"\nmilliseconds a call, several questions a row of at least {ROW} tokens (packed) or one a row")
    packing: dict[tuple[str, int, bool], list[float]] = {}
    for _ in range(args.rounds):
        for size in (8, 16, 32):
            for name, encoder in runtimes.items():
                for packed in (True, False):
                    encoder.row = ROW if packed else None
                    started = time.perf_counter()
                    for begin in range(0, 96, size):
                        encoder.encode(qs[begin : begin + size], "query")
                    packing.setdefault((name, size, packed), []).append(
                        (time.perf_counter() - started) * 1000 * size / 96
                    )
    for encoder in runtimes.values():
        encoder.row = ROW
    by_call: list[list[str | float]] = []
    for size in (8, 16, 32):
        for name in runtimes:
            in_rows, one_a_row = (statistics.median(packing[(name, size, p)]) for p in (True, False))
            by_call.append([name, size, in_rows, one_a_row, one_a_row / in_rows])
    table(by_call, ["runtime", "questions per call", "packed ms", "one a row ms", "packed speed-up"])

    doc = load_briefing()
    passages = [doc.source[s.start : s.end] for s in sentences(doc.source, 0, len(doc.source))]
    for name, encoder in runtimes.items():
        encoder.encode(passages[:32])
        best = 0.0
        for _ in range(3):
            started = time.perf_counter()
            encoder.encode(passages * 4)
            best = max(best, 4 * len(passages) / (time.perf_counter() - started))
        print(f"{name}: the briefing's {len(passages)} sentences x 4 as passages, best of 3: {best:.1f} texts/s")

    reference = SentenceTransformerEncoder(read_spec(default_model_path()))
    texts = qs[:64] + passages[:64]
    expected = reference.encode(texts)
    for name, encoder in runtimes.items():
        got = np.vstack([encoder.encode(texts[i : i + 32]) for i in range(0, len(texts), 32)])
        print(
            f"{name}: lowest cosine to sentence-transformers over {len(texts)} texts: {(got * expected).sum(1).min():.6f}"
        )

    print("\nbriefing eval (hybrid / dense hit@1 and MRR@10)")
    evals: list[list[str | float]] = []
    for name, used in (("onnxruntime alone", single), ("routed: 3+ texts to OpenVINO", routed)):
        index = Index.memory(used, tokenizer)
        index.add([doc])
        report = evaluate(briefing_set(index.documents), index, modes=("hybrid", "dense"), answers=False)
        cells: list[str | float] = [name]
        for mode in ("hybrid", "dense"):
            summary = report.result(mode).overall
            cells += [summary.hit[1], summary.mrr]
        evals.append(cells)
    table(evals, ["index built and searched by", "hybrid hit@1", "hybrid MRR", "dense hit@1", "dense MRR"])


if __name__ == "__main__":
    main()
