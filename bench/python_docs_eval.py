"""Retrieval beyond the briefing: an eval set over the Python 3.11 documentation's footnoted pages.

    .venv/bin/python bench/python_docs_eval.py [--home DIR] [--distractors N] [--ablation]

The corpus is every page of Debian's ``python3.11-doc`` (installed when missing) with a Sphinx
footnote marker: 63 pages, 118 notes, 2.1 million characters of reference text and tutorials,
found by a regular expression over the raw HTML. ``--distractors N`` adds the first N other pages
of ``library/`` (no notes), so that more passages compete for every question.

The set, ``bench/sets/python-docs.jsonl``, is 59 questions written from the pages' HTML before any
retrieval was run on them: 46 answered only by a footnote (``footnote``), 12 only by the body
(``body``), one by both (``both``). Each names no page; its quotes are found in whichever page holds them.

One index of the pages, built with the real model through onnxruntime and the default settings,
is evaluated in every mode beside the LangChain-style baseline (``footnoted.eval.baseline``), with
``ask``'s answers. ``--ablation`` builds the index again for each footnote-vector setting and with
a single vector per passage, and scores each fusion, to see whether the defaults chosen on the
briefing hold on a corpus of another kind.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table

if TYPE_CHECKING:
    from footnoted.eval.runner import EvalReport
    from footnoted.index import Encoder, Index, IndexConfig
    from footnoted.ingest import Tokenizer
    from footnoted.types import Document

DOCS = Path("/usr/share/doc/python3.11/html")
SET = Path(__file__).resolve().parent / "sets" / "python-docs.jsonl"
_MARKER = re.compile(rb'class="footnote-reference')
TAGS = ("footnote", "body")


def pages(distractors: int) -> list[Path]:
    """The pages with a footnote marker, then ``distractors`` pages of ``library/`` without one."""
    if not DOCS.is_dir():
        print("# installing python3.11-doc with apt ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "python3.11-doc"], check=True, capture_output=True)
    every = sorted(DOCS.rglob("*.html"))
    noted = [p for p in every if _MARKER.search(p.read_bytes())]
    others = [p for p in sorted((DOCS / "library").glob("*.html")) if p not in noted]
    return noted + others[:distractors]


def read(paths: list[Path]) -> list[Document]:
    from footnoted.ingest import load

    # Ids from the path under the docs ("library.pathlib"): two pages may share a file name.
    return [load(p, doc_id=str(p.relative_to(DOCS).with_suffix("")).replace("/", ".")) for p in paths]


def build(docs: list[Document], encoder: Encoder, tokenizer: Tokenizer, config: IndexConfig) -> tuple[Index, float]:
    from footnoted.index import Index

    index = Index.memory(encoder, tokenizer, config)
    started = time.perf_counter()
    index.add(docs)
    return index, time.perf_counter() - started


def figures(report: EvalReport, mode: str) -> list[str]:
    result = report.result(mode)
    cells = [f"{result.overall.hit[1]:.3f} / {result.overall.hit[5]:.3f} / {result.overall.mrr:.3f}"]
    for tag in TAGS:
        s = result.by_tag.get(tag)
        cells.append(f"{s.hit[1]:.3f} / {s.mrr:.3f}" if s else "-")
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="where the exported ONNX model lives")
    parser.add_argument("--distractors", type=int, default=0, help="other library pages to add (default 0)")
    parser.add_argument("--ablation", action="store_true", help="also each footnote-vector setting and fusion")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from footnoted.eval.baseline import Baseline
    from footnoted.eval.dataset import load_set
    from footnoted.eval.runner import evaluate
    from footnoted.index import Index, IndexConfig, make_encoder
    from footnoted.settings import Settings

    settings = Settings(encoder="onnx") if args.home is None else Settings(encoder="onnx", home=args.home)
    encoder, tokenizer = make_encoder(settings)
    paths = pages(args.distractors)
    started = time.perf_counter()
    docs = read(paths)
    reading = time.perf_counter() - started
    notes = sum(len(d.footnotes) for d in docs)
    linked = sum(1 for d in docs for n in d.footnotes if n.markers)
    chars = sum(len(d.source) for d in docs)
    header(
        "Retrieval on the Python 3.11 documentation's footnoted pages",
        f"bench/sets/python-docs.jsonl on {len(docs)} pages ({args.distractors} without notes); real model (onnx)",
    )
    print(f"read {len(docs)} pages in {reading:.1f} s: {chars:,} characters, {notes} notes ({linked} linked)")

    config = IndexConfig()
    index, took = build(docs, encoder, tokenizer, config)
    eval_set = load_set(SET, index.documents)
    counts = {tag: sum(1 for q in eval_set.questions if tag in q.tags) for tag in (*TAGS, "both")}
    print(
        f"index: {len(index.snapshot.chunks):,} passages, built in {took:.1f} s; "
        f"{len(eval_set.questions)} questions ({', '.join(f'{n} {t}' for t, n in counts.items())})"
    )
    # The baseline cuts every page, as the index does (by default it cuts only those the evidence lies in).
    baseline = Baseline.build(index.documents.values(), encoder)
    report = evaluate(eval_set, index, ks=(1, 5, 10), baseline=baseline)
    head = ["mode", "hit@1 / hit@5 / MRR@10", *(f"{t} hit@1 / MRR" for t in TAGS)]
    table([[m, *figures(report, m)] for m in ("dense", "lexical", "hybrid", "baseline")], head)
    if report.answers:
        by_tag = ", ".join(f"{t} {report.answers.by_tag[t]:.3f}" for t in TAGS if t in report.answers.by_tag)
        print(f"answers: the answer sentence overlaps the evidence for {report.answers.overlap:.3f} ({by_tag})")
    missed = [j.question.id for j in report.result("hybrid").judged if j.first_relevant != 1]
    print("hybrid, not first:", " ".join(missed))

    if not args.ablation:
        return
    from typing import get_args

    from footnoted.index.config import FootnoteVectors
    from footnoted.index.search import Fusion

    rows = []
    variants = [("defaults", config)]
    variants += [(f"footnote_vectors={v}", replace(config, footnote_vectors=v)) for v in get_args(FootnoteVectors)]
    variants += [("sentence_vectors=False", replace(config, sentence_vectors=False))]
    for name, variant in variants:
        if variant == config and name != "defaults":
            continue
        built = index if variant == config else build(docs, encoder, tokenizer, variant)[0]
        for fusion in get_args(Fusion):
            # The same chunks and vectors, another fusion: a view over the snapshot already built.
            fused = Index(built.encoder, built.tokenizer, replace(variant, fusion=fusion), None, built.snapshot)
            result = evaluate(eval_set, fused, modes=("dense", "lexical", "hybrid"), ks=(1, 5, 10), answers=False)
            rows.append([name, fusion, *(figures(result, m)[0] for m in ("dense", "hybrid"))])
    table(rows, ["index", "fusion", "dense hit@1 / hit@5 / MRR@10", "hybrid hit@1 / hit@5 / MRR@10"])


if __name__ == "__main__":
    main()
