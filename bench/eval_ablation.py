"""Ablation of footnoted's retrieval settings on the bundled briefing's eval set, with the real model.

Every combination of chunk size (model tokens), footnote vectors and fusion is built as an
in-memory index and evaluated; the first table varies one setting at a time around the defaults
(200 tokens, separate footnote vectors, RRF k=60), the second holds the whole grid.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/eval_ablation.py [--home DIR]

The model is the bundled all-MiniLM-L6-v2 through onnxruntime, exported once into ``DIR/models``
(default: FOOTNOTED_HOME or the per-user data directory). The eval set is fixed; nothing here
tunes it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path

from footnoted.corpus import load_briefing
from footnoted.eval.dataset import briefing_set
from footnoted.eval.runner import EvalReport, Summary, evaluate
from footnoted.index import Encoder, Index, IndexConfig, make_encoder
from footnoted.index.index import FootnoteVectors
from footnoted.index.search import Fusion
from footnoted.ingest import ChunkSettings, Tokenizer
from footnoted.settings import Settings
from footnoted.types import Document

TOKENS = (96, 128, 160, 200, 254)
FOOTNOTES: tuple[FootnoteVectors, ...] = ("separate", "inline", "none")
FUSIONS: tuple[tuple[Fusion, int], ...] = (("rrf", 60), ("rrf", 10), ("convex", 60))
OVERLAP = 32
MODES = ("dense", "lexical", "hybrid")
DEFAULT = (200, "separate", ("rrf", 60))


@dataclass(frozen=True)
class Row:
    tokens: int
    footnotes: FootnoteVectors
    fusion: tuple[Fusion, int]
    chunks: int
    report: EvalReport

    @property
    def label(self) -> str:
        fusion = f"rrf k={self.fusion[1]}" if self.fusion[0] == "rrf" else "convex a=0.7"
        return f"{self.tokens:>3} tok  {self.footnotes:<8}  {fusion:<12}"


def measure(
    doc: Document,
    encoder: Encoder,
    tokenizer: Tokenizer,
    tokens: int,
    footnotes: FootnoteVectors,
    fusion: tuple[Fusion, int],
) -> Row:
    config = IndexConfig(
        chunk=ChunkSettings(tokens, OVERLAP), footnote_vectors=footnotes, fusion=fusion[0], rrf_k=fusion[1]
    )
    index = Index.memory(encoder, tokenizer, config)
    index.add([doc])
    report = evaluate(briefing_set(index.documents), index, modes=MODES, ks=(1, 3, 10))
    return Row(tokens, footnotes, fusion, len(index.snapshot.chunks), report)


def cells(s: Summary) -> str:
    return f"{s.hit[1]:6.3f}{s.hit[3]:6.3f}{s.mrr:6.3f}{s.ndcg:6.3f}"


def table(title: str, rows: list[Row]) -> list[str]:
    head = "".join(f" | {m:<24}" for m in MODES)
    sub = "".join(" | " + "".join(f"{h:>6}" for h in ("hit@1", "hit@3", "MRR", "nDCG")) for _ in MODES)
    lines = [title, f"{'chunk  footnotes  fusion':<34}{'chunks':>6}{head}", f"{'':<34}{'':>6}{sub}"]
    for row in rows:
        metrics = "".join(f" | {cells(row.report.result(m).overall)}" for m in MODES)
        lines.append(f"{row.label:<34}{row.chunks:>6}{metrics}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="where the exported ONNX model lives")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    settings = Settings(encoder="onnx") if args.home is None else Settings(encoder="onnx", home=args.home)
    encoder, tokenizer = make_encoder(settings)
    doc = load_briefing()
    started = time.perf_counter()
    grid = {
        (t, f, u): measure(doc, encoder, tokenizer, t, f, u)
        for t, f, u in itertools.product(TOKENS, FOOTNOTES, FUSIONS)
    }
    elapsed = time.perf_counter() - started
    questions = grid[DEFAULT].report.result("hybrid").overall.questions
    default = grid[DEFAULT]
    one_at_a_time = [grid[(t, "separate", ("rrf", 60))] for t in TOKENS]
    one_at_a_time += [grid[(200, f, ("rrf", 60))] for f in FOOTNOTES if f != "separate"]
    one_at_a_time += [grid[(200, "separate", u)] for u in FUSIONS if u != ("rrf", 60)]
    naive = evaluate(briefing_set({doc.id: doc}), _index(doc, encoder, tokenizer), modes=["baseline"], ks=(1, 3, 10))
    print(f"model {encoder.model_id}; briefing eval set, {questions} questions; chunk overlap {OVERLAP} tokens")
    print(f"{len(grid)} configurations in {elapsed:.0f} s; MRR and nDCG at 10; fusion changes the hybrid columns only")
    print()
    print("\n".join(table(f"One setting at a time around the default ({default.label.strip()})", one_at_a_time)))
    base = naive.result("baseline").overall
    print(
        f"naive baseline (1000-character chunks, overlap 200, no footnotes, dense): hit@1 {base.hit[1]:.3f}  "
        f"hit@3 {base.hit[3]:.3f}  MRR {base.mrr:.3f}  nDCG {base.ndcg:.3f}"
    )
    print()
    print("\n".join(table("Whole grid", list(grid.values()))))


def _index(doc: Document, encoder: Encoder, tokenizer: Tokenizer) -> Index:
    index = Index.memory(encoder, tokenizer, IndexConfig())
    index.add([doc])
    return index


if __name__ == "__main__":
    main()
