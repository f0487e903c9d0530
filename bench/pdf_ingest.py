"""Ingesting a folder of PDF reports: where the time goes, and reading on every core.

    .venv/bin/python bench/pdf_ingest.py [--reports 12] [--chapters 8] [--repeats 2] [--dir DIR] [--out DIR]

The reports are written for the purpose and typeset by Typst (``pip install typst``, in the
bench extra), with page-foot notes, running heads and page numbers, in the six layouts of
``bench/typeset_reports.py`` in turn (``--out`` keeps them); ``--dir`` reads the PDFs of a folder
instead. In a fresh
process with the model loaded, footnoted reads them one by one (``load`` each) and with
``load_all`` (the reading shared with a helper process), in alternating runs, best of
``--repeats``; then ``Index.add`` cuts, encodes and indexes them. The baseline, in a process of
its own: LangChain's ``PyPDFium2Loader`` (PDFium, as footnoted; its text only, with no layout) for
each file, then RecursiveCharacterTextSplitter(1000, 200) + HuggingFaceEmbeddings + FAISS.from_documents; its
``PDFMinerLoader`` is timed beside it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Baseline, header, peak_rss_mb, ratio, table

if TYPE_CHECKING:
    import numpy as np

    from footnoted.index.encoder import Kind


def typeset(out: Path, reports: int, chapters: int) -> list[Path]:
    import typst

    from bench.reports import file_stem
    from bench.typeset_reports import LAYOUTS, source

    layouts = list(LAYOUTS.items())
    paths = []
    for i in range(reports):
        name, layout = layouts[i % len(layouts)]
        typ = out / f"report-{i:02d}-{file_stem(name)}.typ"
        typ.write_text(source(30 + i, chapters, layout))
        pdf = typ.with_suffix(".pdf")
        pdf.write_bytes(typst.compile(str(typ)))
        paths.append(pdf)
    return paths


def footnoted_worker(paths: list[Path], repeats: int) -> dict[str, float]:
    from footnoted.index import Index, make_encoder
    from footnoted.ingest import load, load_all
    from footnoted.settings import Settings

    home = Path(tempfile.mkdtemp())
    models = Path(tempfile.gettempdir()) / "footnoted-bench-models"
    encoder, tokenizer = make_encoder(Settings(home=home, model_cache=models))
    warm = Index.open(home / "warm", encoder, tokenizer)
    warm.add([load(Path(__file__).resolve().parents[1] / "tests" / "data" / "notes.md")])  # first-use work
    one_by_one, together = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        docs = [load(p) for p in paths]
        one_by_one.append(time.perf_counter() - started)
        started = time.perf_counter()
        read = load_all(paths)
        together.append(time.perf_counter() - started)
        if read != docs:
            raise SystemExit("load_all read the files differently from load")
    index = Index.open(home / "index", encoder, tokenizer)
    encode = encoder.encode
    inside = [0.0]

    def timed_encode(batch: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        started = time.perf_counter()
        try:
            return encode(batch, kind)
        finally:
            inside[0] += time.perf_counter() - started

    encoder.encode = timed_encode  # type: ignore[method-assign,assignment]
    started = time.perf_counter()
    report = index.add(docs)
    add = time.perf_counter() - started
    return {
        "documents": len(docs),
        "pages": float(sum(int(d.metadata.get("pages", 0)) for d in docs)),
        "characters": float(sum(len(d.source) for d in docs)),
        "footnotes": float(sum(len(d.footnotes) for d in docs)),
        "read one by one": min(one_by_one),
        "read one by one slowest": max(one_by_one),
        "read with load_all": min(together),
        "read with load_all slowest": max(together),
        "Index.add": add,
        "encoder inside Index.add": inside[0],
        "chunks": float(report.chunks),
        "texts encoded": float(report.encoded),
        "peak rss MB": peak_rss_mb(),
    }


def baseline_worker(paths: list[Path]) -> dict[str, float]:
    from langchain_community.document_loaders import PDFMinerLoader, PyPDFium2Loader

    baseline = Baseline()
    baseline.load_model()
    started = time.perf_counter()
    for p in paths:  # timed for comparison only: the pipeline below reads with PDFium
        PDFMinerLoader(str(p)).load()
    pdfminer = time.perf_counter() - started
    started = time.perf_counter()
    texts = ["\n\n".join(page.page_content for page in PyPDFium2Loader(str(p)).load()) for p in paths]
    read = time.perf_counter() - started
    baseline.build(texts)
    total = time.perf_counter() - started
    return {
        "read": read,
        "read with PDFMinerLoader": pdfminer,
        "total": total,
        "chunks": float(baseline.chunks),
        "peak rss MB": peak_rss_mb(),
    }


def run(kind: str, paths: list[Path], repeats: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--repeats", str(repeats), *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker")
    parser.add_argument("--reports", type=int, default=12)
    parser.add_argument("--chapters", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    if args.worker:
        result = (
            footnoted_worker(args.paths, args.repeats) if args.worker == "footnoted" else baseline_worker(args.paths)
        )
        print(json.dumps(result))
        return
    header(
        "PDF ingest",
        "fresh process per pipeline, model loaded first; footnoted reads one by one and with load_all in "
        f"alternating runs (best of {args.repeats}), then Index.add; baseline = LangChain PyPDFium2Loader + "
        "RecursiveCharacterTextSplitter(1000, 200) + HuggingFaceEmbeddings + FAISS.from_documents",
    )
    if args.dir:
        paths = sorted(args.dir.glob("*.pdf"))
    else:
        out = args.out or Path(tempfile.mkdtemp())
        out.mkdir(parents=True, exist_ok=True)
        paths = typeset(out, args.reports, args.chapters)
    ours = run("footnoted", paths, args.repeats)
    theirs = run("baseline", paths, args.repeats)
    print(
        f"{int(ours['documents'])} PDFs, {int(ours['pages'])} pages, {int(ours['characters']):,} characters, "
        f"{int(ours['footnotes'])} footnotes"
    )
    seq, par, add = ours["read one by one"], ours["read with load_all"], ours["Index.add"]
    inside = ours["encoder inside Index.add"]
    table(
        [
            ["reading, one by one", seq, f"{ours['pages'] / seq:.1f}", ""],
            ["reading, load_all (helper beside)", par, f"{ours['pages'] / par:.1f}", ratio(par, seq)],
            ["Index.add (cut, encode, index, write)", add, "", ""],
            ["  of which the encoder's calls", inside, "", ""],
            ["ingest: load_all + Index.add", par + add, "", ""],
        ],
        ["footnoted", "seconds", "pages/s", "vs one by one"],
    )
    print(
        f"slowest runs: one by one {ours['read one by one slowest']:.2f} s, load_all "
        f"{ours['read with load_all slowest']:.2f} s; reading is {100 * par / (par + add):.0f}% of the ingest with "
        f"load_all ({100 * seq / (seq + add):.0f}% one by one); peak RSS {ours['peak rss MB']:.0f} MB"
    )
    table(
        [
            ["footnoted (load_all + Index.add)", par + add, int(ours["chunks"]), ours["peak rss MB"]],
            [
                "LangChain (PyPDFium2Loader + FAISS.from_documents)",
                theirs["total"],
                int(theirs["chunks"]),
                theirs["peak rss MB"],
            ],
        ],
        ["pipeline", "seconds", "chunks", "peak RSS MB"],
    )
    print(
        f"baseline reading {theirs['read']:.2f} s (PDFMinerLoader would take {theirs['read with PDFMinerLoader']:.2f} s), the rest {theirs['total'] - theirs['read']:.2f} s; "
        f"footnoted / baseline: {par + add:.2f} s / {theirs['total']:.2f} s ({ratio(par + add, theirs['total'])} the speed)"
    )


if __name__ == "__main__":
    main()
