"""The bundled briefing as a PDF: does retrieval hold when the report arrives typeset?

    .venv/bin/python bench/briefing_pdf.py [--home DIR] [--out FILE.pdf]

The briefing's text (its title lines, paragraphs and bullet points; not the web page's links) is
typeset by Typst (``pip install typst``, in the bench extra) with its eight notes as real
page-foot footnotes at their markers, a running head and page numbers. The PDF is read by
footnoted like any PDF, and the briefing's eval set (the same questions and evidence quotes,
found again in the PDF's text) is run on it and on the text, with the real model through
onnxruntime. Prints notes found, chunks, hit@1 and MRR@10 per mode and the answer overlap for
both, and the questions whose evidence could not be found in the PDF's text.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table

_SPECIAL = set("\\#*_`$<>@[]~/-.=+'\"")
MODES = ("dense", "lexical", "hybrid")


def _escape(text: str) -> str:
    """Typst markup for literal text: every character Typst could read as markup escaped."""
    return "".join("\\" + c if c in _SPECIAL else c for c in re.sub(r"\s+", " ", text))


def typeset(doc) -> bytes:  # type: ignore[no-untyped-def]
    """The briefing as Typst sets it: front matter, then the body with a footnote at each marker."""
    import typst

    parts = [
        '#set document(title: "Back in Business? U.S. Landmine Production and Exports", author: "Human Rights Watch")',
        '#set page(paper: "a4", margin: (x: 2.5cm, y: 2.5cm), header: context { if counter(page).get().first() > 1 '
        "[#set text(8pt); Human Rights Watch #h(1fr) Back in Business?] }, footer: context [#set text(8pt); #h(1fr) "
        '#counter(page).display("1") #h(1fr)])',
        "#set text(size: 11pt)",
        "#set par(justify: true)",
        "#set smartquote(enabled: false)",
    ]
    for block in doc.blocks:
        text = doc.source[block.start : block.end]
        if block.kind == "title":
            parts.append('#align(center)[#text(16pt, weight: "bold")[' + _escape(text) + "]]")
        elif block.kind == "meta":
            parts.append("#align(center)[" + _escape(text) + "]")
        elif block.kind in ("paragraph", "list_item"):
            parts.append(with_notes(doc, block, _escape, lambda note: "#footnote[" + _escape(note) + "]"))
    return bytes(typst.compile("\n\n".join(parts).encode()))


def with_notes(doc, block, escape, note) -> str:  # type: ignore[no-untyped-def]
    """A block's text escaped for a typesetter, each note cited in it written at its marker by
    ``note`` (the note's text -> markup) in the marker's place."""
    notes = sorted((m.start, m.end, n.text) for n in doc.footnotes for m in n.markers)
    pieces, at = [], block.start
    for start, end, text in notes:
        if block.start <= start and end <= block.end:
            pieces.append(escape(doc.source[at:start]).rstrip() + note(text))
            at = end
    pieces.append(escape(doc.source[at : block.end]))
    return "".join(pieces)


def setup(what: str):  # type: ignore[no-untyped-def]
    """The command line (``--home``, ``--out``) and the real model's encoder and tokenizer."""
    from footnoted.index import make_encoder
    from footnoted.settings import Settings

    parser = argparse.ArgumentParser(description=(sys.modules["__main__"].__doc__ or "").splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="where the exported ONNX model lives")
    parser.add_argument("--out", type=Path, default=None, help=f"also write the {what} here")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings(encoder="onnx") if args.home is None else Settings(encoder="onnx", home=args.home)
    return args, *make_encoder(settings)


def main() -> None:
    from footnoted.corpus import BRIEFING_ID, load_briefing
    from footnoted.ingest import parse

    args, encoder, tokenizer = setup("PDF")
    text = load_briefing()
    pdf = typeset(text)
    if args.out:
        args.out.write_bytes(pdf)
    typeset_doc = parse(pdf, name="back-in-business-2005.pdf", doc_id=BRIEFING_ID)
    header(
        "The briefing as text and as a typeset PDF",
        "Typst PDF of the briefing read by footnoted; the briefing eval set on both; real model (onnx)",
    )
    compare({"text (bundled)": text, f"PDF ({typeset_doc.metadata['pages']} pages)": typeset_doc}, encoder, tokenizer)


def compare(docs, encoder, tokenizer) -> None:  # type: ignore[no-untyped-def]
    """The briefing's eval set on each of ``docs`` (name -> the briefing read from one form), as a table."""
    from footnoted.errors import EvalSetError
    from footnoted.eval.dataset import briefing_set
    from footnoted.eval.runner import evaluate
    from footnoted.index import Index

    rows = []
    for name, doc in docs.items():
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
