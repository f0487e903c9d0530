"""The bundled briefing as LaTeX source: does retrieval hold when the report arrives as a .tex file?

    .venv/bin/python bench/briefing_latex.py [--home DIR] [--out FILE.tex]

The briefing's text is written out as a LaTeX article, as an author would write it: the front
matter in a ``center`` environment (each quoted line once, where it prints), the paragraphs, the bullet points as an
``itemize`` list under the sentence that leads into them, and each of the eight notes as a
``\\footnote{...}`` at its marker. footnoted reads the source (no TeX run), and the briefing's eval
set (the same questions and evidence quotes, found again in the source) is run on it and on the
text, with the real model through onnxruntime. Prints notes linked, chunks, hit@1 and MRR@10 per
mode and the answers' overlap for both.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table

MODES = ("dense", "lexical", "hybrid")
_SPECIAL = re.compile(r"[\\{}$&#%_^~]")
_WORDS = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
_BULLET = re.compile(r"^\s*[•◦▪‣-]\s*")


def _escape(text: str) -> str:
    """LaTeX for literal text: the characters LaTeX reads as markup escaped, white space as written."""
    return _SPECIAL.sub(lambda m: _WORDS.get(m.group(), "\\" + m.group()), text)


def latex(doc) -> str:  # type: ignore[no-untyped-def]
    """The briefing as a LaTeX article: front matter, then the body with a ``\\footnote`` at each marker."""
    notes = {(m.start, m.end): n for n in doc.footnotes for m in n.markers}
    lines = [
        "\\documentclass[11pt]{article}",
        "\\usepackage[utf8]{inputenc}",
        "\\hypersetup{pdftitle={Back in Business?}, pdfauthor={Human Rights Watch}}",
        "",
        "\\begin{document}",
        "\\thispagestyle{empty}",
        "",
        "\\begin{center}",
    ]
    front = [b for b in doc.blocks if b.kind in ("title", "meta")]
    lines += ["\n\n".join(_escape(doc.source[b.start : b.end]) for b in front), "\\end{center}", ""]
    in_list = False
    for block in doc.blocks:
        if block.kind not in ("paragraph", "list_item"):
            continue
        if block.kind == "list_item" and not in_list:
            lines.append("\\begin{itemize}")
        elif block.kind != "list_item" and in_list:
            lines += ["\\end{itemize}", ""]
        in_list = block.kind == "list_item"
        pieces, at = [], block.start
        for (start, end), note in sorted(notes.items()):
            if block.start <= start and end <= block.end:
                pieces.append(_escape(doc.source[at:start]).rstrip() + "\\footnote{" + _escape(note.text) + "}")
                at = end
        pieces.append(_escape(doc.source[at : block.end]))
        text = "".join(pieces)
        lines += [f"  \\item {_BULLET.sub('', text)}"] if in_list else [text, ""]
    if in_list:
        lines.append("\\end{itemize}")
    lines += ["\\end{document}", ""]
    return "\n".join(lines)


def main() -> None:
    from footnoted.corpus import BRIEFING_ID, load_briefing
    from footnoted.errors import EvalSetError
    from footnoted.eval.dataset import briefing_set
    from footnoted.eval.runner import evaluate
    from footnoted.index import Index, make_encoder
    from footnoted.ingest import parse
    from footnoted.settings import Settings

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="where the exported ONNX model lives")
    parser.add_argument("--out", type=Path, default=None, help="also write the LaTeX source here")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings(encoder="onnx") if args.home is None else Settings(encoder="onnx", home=args.home)
    encoder, tokenizer = make_encoder(settings)
    text = load_briefing()
    source = latex(text)
    if args.out:
        args.out.write_text(source, encoding="utf-8")
    tex = parse(source, name="back-in-business-2005.tex", doc_id=BRIEFING_ID)
    header(
        "The briefing as text and as LaTeX source",
        "the briefing written as a LaTeX article (notes as \\footnote), read by footnoted; "
        "the briefing eval set on both; real model (onnx)",
    )
    rows = []
    for name, doc in (("text (bundled)", text), ("LaTeX source", tex)):
        index = Index.memory(encoder, tokenizer)
        index.add([doc])
        try:
            eval_set = briefing_set(index.documents)
        except EvalSetError as exc:
            print(f"{name}: the eval set does not resolve: {exc}")
            continue
        report = evaluate(eval_set, index, modes=MODES, ks=(1, 10))
        linked = sum(1 for n in doc.footnotes if n.markers)
        cells = [f"{report.result(m).overall.hit[1]:.3f} / {report.result(m).overall.mrr:.3f}" for m in MODES]
        answers = f"{report.answers.overlap:.3f}" if report.answers else "-"
        rows.append([name, f"{linked} of {len(doc.footnotes)}", len(index.snapshot.chunks), *cells, answers])
    table(rows, ["document", "notes linked", "chunks", *(f"{m} hit@1 / MRR" for m in MODES), "answers"])


if __name__ == "__main__":
    main()
