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

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.briefing_pdf import compare, setup, with_notes
from bench.common import header

_SPECIAL = re.compile(r"[\\{}$&#%_^~]")
_WORDS = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
_BULLET = re.compile(r"^\s*[•◦▪‣-]\s*")


def _escape(text: str) -> str:
    """LaTeX for literal text: the characters LaTeX reads as markup escaped, white space as written."""
    return _SPECIAL.sub(lambda m: _WORDS.get(m.group(), "\\" + m.group()), text)


def latex(doc) -> str:  # type: ignore[no-untyped-def]
    """The briefing as a LaTeX article: front matter, then the body with a ``\\footnote`` at each marker."""
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
        text = with_notes(doc, block, _escape, lambda note: "\\footnote{" + _escape(note) + "}")
        lines += [f"  \\item {_BULLET.sub('', text)}"] if in_list else [text, ""]
    if in_list:
        lines.append("\\end{itemize}")
    lines += ["\\end{document}", ""]
    return "\n".join(lines)


def main() -> None:
    from footnoted.corpus import BRIEFING_ID, load_briefing
    from footnoted.ingest import parse

    args, encoder, tokenizer = setup("LaTeX source")
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
    compare({"text (bundled)": text, "LaTeX source": tex}, encoder, tokenizer)


if __name__ == "__main__":
    main()
