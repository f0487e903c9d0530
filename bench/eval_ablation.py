"""Ablation of footnoted's retrieval settings on the bundled briefing's eval set, with the real model.

Every combination of chunk size (model tokens), footnote vectors and fusion is built as an
in-memory index and evaluated, and the defaults once more with BM25 over each chunk's body and
footnotes joined in one text instead of a field each. The first table varies one setting at a time around the defaults
of ``IndexConfig``; the second holds the whole grid. Fusion changes only the hybrid ranking, so
the fusion variants share one index (same chunks, same vectors).

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
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import get_args

from footnoted.corpus import load_briefing
from footnoted.eval.dataset import briefing_set
from footnoted.eval.runner import EvalReport, Summary, evaluate
from footnoted.index import Encoder, Index, IndexConfig, make_encoder
from footnoted.index.config import FootnoteVectors
from footnoted.index.lexical import Lexical
from footnoted.index.search import Fusion
from footnoted.index.snapshot import lexical_text
from footnoted.ingest import ChunkSettings, Tokenizer
from footnoted.settings import Settings
from footnoted.types import Document

TOKENS = (96, 128, 160, 200, 254)
FOOTNOTES: tuple[FootnoteVectors, ...] = get_args(FootnoteVectors)
FUSIONS: tuple[tuple[Fusion, int], ...] = (("rrf", 60), ("rrf", 10), ("zscore", 60), ("convex", 60))
MODES = ("dense", "lexical", "hybrid")
KS = (1, 3, 10)


@dataclass(frozen=True)
class Row:
    config: IndexConfig
    chunks: int
    vectors: int
    report: EvalReport
    note: str = ""

    @property
    def label(self) -> str:
        c = self.config
        fusion = {"rrf": f"rrf k={c.rrf_k}", "zscore": "zscore", "convex": "convex a=0.7"}[c.fusion]
        extra = "" if getattr(c, "sentence_vectors", True) else " -body sents"
        return f"{c.chunk.max_tokens:>3}  {c.footnote_vectors:<10} {fusion:<12}{extra}{self.note}"


def build(doc: Document, encoder: Encoder, tokenizer: Tokenizer, config: IndexConfig) -> Index:
    index = Index.memory(encoder, tokenizer, config)
    index.add([doc])
    return index


def measure(index: Index, config: IndexConfig, *, joined: bool = False) -> Row:
    # Same snapshot, another fusion: an Index over the chunks and vectors already built.
    snap = index.snapshot
    if joined:
        # BM25 over each chunk's body and footnotes as one text, instead of a field each.
        snap = replace(
            snap, lexical=Lexical.build([lexical_text(c, snap.documents[c.document_id]) for c in snap.chunks])
        )
    view = Index(index.encoder, index.tokenizer, config, None, snap)
    report = evaluate(briefing_set(view.documents), view, modes=MODES, ks=KS)
    return Row(config, len(snap.chunks), len(snap.row_ids), report, " -bm25 fields" if joined else "")


def cells(s: Summary) -> str:
    return f"{s.hit[1]:6.3f}{s.hit[3]:6.3f}{s.mrr:6.3f}{s.ndcg:6.3f}"


def table(title: str, rows: list[Row]) -> list[str]:
    head = "".join(f" | {m:<24}" for m in MODES)
    sub = "".join(" | " + "".join(f"{h:>6}" for h in ("hit@1", "hit@3", "MRR", "nDCG")) for _ in MODES)
    lines = [title, f"{'tok  footnotes  fusion':<38}{'chunks':>7}{'vecs':>5}{head}", f"{'':<50}{sub}"]
    for row in rows:
        metrics = "".join(f" | {cells(row.report.result(m).overall)}" for m in MODES)
        lines.append(f"{row.label:<38}{row.chunks:>7}{row.vectors:>5}{metrics}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="where the exported ONNX model lives")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    settings = Settings(encoder="onnx") if args.home is None else Settings(encoder="onnx", home=args.home)
    encoder, tokenizer = make_encoder(settings)
    doc = load_briefing()
    default = IndexConfig()
    started = time.perf_counter()
    grid: dict[tuple[int, str, tuple[str, int]], Row] = {}
    for tokens, notes in itertools.product(TOKENS, FOOTNOTES):
        shape = replace(default, chunk=ChunkSettings(tokens, default.chunk.overlap), footnote_vectors=notes)
        index = build(doc, encoder, tokenizer, shape)
        for fusion, k in FUSIONS:
            grid[(tokens, notes, (fusion, k))] = measure(index, replace(shape, fusion=fusion, rrf_k=k))

    def at(
        tokens: int = default.chunk.max_tokens,
        notes: str = default.footnote_vectors,
        fusion: tuple[str, int] = (default.fusion, default.rrf_k),
    ) -> Row:
        return grid[(tokens, notes, fusion)]

    one_at_a_time = [at(tokens=t) for t in TOKENS]
    one_at_a_time += [at(notes=n) for n in FOOTNOTES if n != default.footnote_vectors]
    one_at_a_time += [at(fusion=u) for u in FUSIONS if u != (default.fusion, default.rrf_k)]
    one_at_a_time.append(measure(build(doc, encoder, tokenizer, default), default, joined=True))
    if "sentence_vectors" in {f.name for f in fields(IndexConfig)}:
        plain = replace(default, sentence_vectors=False)
        one_at_a_time.append(measure(build(doc, encoder, tokenizer, plain), plain))
    elapsed = time.perf_counter() - started
    naive = evaluate(briefing_set({doc.id: doc}), build(doc, encoder, tokenizer, default), modes=["baseline"], ks=KS)
    base = naive.result("baseline").overall
    print(f"model {encoder.model_id}; briefing eval set, {base.questions} questions")
    print(
        f"{len(grid)} configurations in {elapsed:.0f} s; chunk overlap {default.chunk.overlap} tokens; "
        "MRR and nDCG at 10; fusion changes the hybrid columns only"
    )
    print(
        "tok: chunk budget in model tokens; vecs: vectors in the index; -body sents: sentence_vectors=False; "
        "-bm25 fields: BM25 over body and footnotes joined in one text"
    )
    print()
    print("\n".join(table(f"One setting at a time around the defaults ({at().label.strip()})", one_at_a_time)))
    print(
        f"naive baseline (1000-character chunks, overlap 200, no footnotes, dense): hit@1 {base.hit[1]:.3f}  "
        f"hit@3 {base.hit[3]:.3f}  MRR {base.mrr:.3f}  nDCG {base.ndcg:.3f}"
    )
    print()
    print("\n".join(table("Whole grid", list(grid.values()))))


if __name__ == "__main__":
    main()
