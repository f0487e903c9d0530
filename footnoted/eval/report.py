"""Rendering an eval run: text tables with the misses, a JSON report, and the files ``--out`` writes."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from footnoted import render
from footnoted.eval.diagnostics import Miss
from footnoted.eval.metrics import ndcg_at_k, reciprocal_rank_at_k
from footnoted.eval.plot import plot_hits
from footnoted.eval.runner import CUTOFF, MODES, EvalReport, ModeResult, Summary
from footnoted.eval.trec import write_qrels, write_run

PLOT = "hit_at_k.png"
REPORT_FILES: frozenset[str] = frozenset(
    {"report.json", "report.txt", PLOT, "index.qrels", "baseline.qrels", *(f"{m}.run" for m in MODES)}
)
"""Every name ``write_report`` may write: a report replaces all of them, leaving no earlier run's file behind."""
_SNIPPET = 90


def render_text(report: EvalReport, *, misses: bool = True) -> str:
    """A table per mode (all questions, then one row per tag) and, when asked, each mode's misses."""
    info = report.index
    n = report.results[0].overall.questions if report.results else 0
    lines = [
        f"eval set {report.set_name}: {render.count(n, 'question')}; model {info.get('model')}",
        f"index: {info.get('chunks')} chunks of at most {info.get('chunk_tokens')} tokens "
        f"(overlap {info.get('chunk_overlap')}), footnote vectors {info.get('footnote_vectors')}, "
        f"fusion {info.get('fusion')}" + (f" (k={info.get('rrf_k')})" if info.get("fusion") == "rrf" else ""),
    ]
    if "baseline_chunks" in info:
        lines.append(
            f"baseline: {info['baseline_chunks']} chunks of {info['baseline_size']} characters "
            f"(overlap {info['baseline_overlap']}) of {_documents(info)}, no footnotes, dense search"
        )
    k = report.ks[-1]
    lines.append(
        f"R@{k}: share of the relevant chunks in the top {k}; EvR@{k}: share of gold spans whose text "
        f"the top {k} show in full; a chunk is relevant when it or one of its footnotes overlaps a gold span."
    )
    if report.answers is not None:
        a = report.answers
        lines += [
            "",
            f"answers (ask, {info.get('mode') or 'hybrid'}): the answer sentence overlaps the evidence for "
            f"{a.overlap:.3f} of {render.count(a.questions, 'question')}",
        ]
        if a.by_tag:
            lines.append("  " + "  ".join(f"{t} {v:.3f}" for t, v in a.by_tag.items()))
    for result in report.results:
        lines += ["", *_table(result, report.ks)]
        if misses:
            lines += _misses(result)
    return "\n".join(lines) + "\n"


def _table(result: ModeResult, ks: tuple[int, ...]) -> list[str]:
    k = ks[-1]
    headers = [*(f"hit@{c}" for c in ks), f"R@{k}", f"EvR@{k}", f"MRR@{CUTOFF}", f"nDCG@{CUTOFF}"]
    rows: list[tuple[str, Summary]] = [("all", result.overall), *((f"  {t}", s) for t, s in result.by_tag.items())]
    width = max(12, *(_width(label) + 2 for label, _ in rows))
    out = [result.mode, f"{'':{width}}{'n':>4}" + "".join(f"{h:>{max(7, len(h) + 2)}}" for h in headers)]
    for label, s in rows:
        values = [
            *(s.hit[c] for c in ks),
            s.recall[k],
            s.evidence_recall[k] if s.evidence_recall else None,
            s.mrr,
            s.ndcg,
        ]
        cells = "".join(
            f"{'-' if v is None else f'{v:.3f}':>{max(7, len(h) + 2)}}" for h, v in zip(headers, values, strict=True)
        )
        out.append(f"{label}{' ' * (width - _width(label))}{s.questions:>4}{cells}")
    return out


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _misses(result: ModeResult) -> list[str]:
    out = [f"  {result.mode} misses (no relevant passage first): {len(result.misses)} of {result.overall.questions}"]
    for miss in result.misses:
        q = miss.question
        ranks = ", ".join(f"{m} {'-' if r is None else r}" for m, r in miss.gold_rank.items())
        out.append(f"    {q.id}  {_clip(q.text, 80)}  [{' '.join(q.tags)}]")
        out.append(
            f"      gold ranked: {ranks} | split across chunks: {_yes(miss.evidence_split)}"
            f" | footnote apart from its marker: {_yes(miss.footnote_apart)}"
        )
        if miss.top is not None:
            c = miss.top.chunk
            out.append(
                f"      first instead: [{miss.top.score:.3f}] {c.document_id} chars {c.start}-{c.end} "
                f"{_clip(c.text, _SNIPPET)!r}"
            )
    return out


def _documents(info: Mapping[str, str | int | None]) -> str:
    """Which documents the baseline was cut from: those the set's evidence lies in, or all."""
    held, cut = info.get("documents"), info.get("baseline_documents")
    if cut is None or cut == held:
        return "every document of the index"
    return (
        f"the {cut} {'document' if cut == 1 else 'documents'} the questions' evidence lies in (the index holds {held})"
    )


def _yes(flag: bool | None) -> str:
    return "n/a" if flag is None else "yes" if flag else "no"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_json(report: EvalReport) -> dict[str, Any]:
    """The whole run as JSON-ready data: figures, each question's ranked list, and the misses."""
    return {
        "set": report.set_name,
        "ks": list(report.ks),
        "cutoff": CUTOFF,
        "index": dict(report.index),
        "modes": {r.mode: _mode_json(r, report.ks) for r in report.results},
        "answers": None
        if report.answers is None
        else {
            "questions": report.answers.questions,
            "overlap": report.answers.overlap,
            "by_tag": dict(report.answers.by_tag),
            "wrong": list(report.answers.wrong),
        },
    }


def _summary_json(s: Summary) -> dict[str, Any]:
    out: dict[str, Any] = {"questions": s.questions}
    out.update({f"hit@{k}": v for k, v in s.hit.items()})
    out.update({f"recall@{k}": v for k, v in s.recall.items()})
    out.update({f"evidence_recall@{k}": (s.evidence_recall or {}).get(k) for k in s.hit})
    out[f"mrr@{CUTOFF}"] = s.mrr
    out[f"ndcg@{CUTOFF}"] = s.ndcg
    return out


def _mode_json(result: ModeResult, ks: tuple[int, ...]) -> dict[str, Any]:
    depth = max(ks[-1], CUTOFF)
    questions = []
    for j in result.judged:
        ideal = list(j.relevant.values())
        questions.append(
            {
                "id": j.question.id,
                "tags": list(j.question.tags),
                "first_relevant_rank": j.first_relevant,
                f"rr@{CUTOFF}": reciprocal_rank_at_k(j.grades, CUTOFF),
                f"ndcg@{CUTOFF}": ndcg_at_k(j.grades, ideal, CUTOFF),
                "relevant_chunks": len(j.relevant),
                "evidence_covered_at": list(j.covered_at),
                "ranked": [
                    {
                        "chunk_id": r.chunk.id,
                        "score": round(r.score, 6),
                        "grade": r.grade,
                        "start": r.chunk.start,
                        "end": r.chunk.end,
                    }
                    for r in j.retrieved[:depth]
                ],
            }
        )
    return {
        "overall": _summary_json(result.overall),
        "tags": {t: _summary_json(s) for t, s in result.by_tag.items()},
        "questions": questions,
        "misses": [_miss_json(m) for m in result.misses],
    }


def _miss_json(miss: Miss) -> dict[str, Any]:
    top = None
    if miss.top is not None:
        c = miss.top.chunk
        top = {
            "chunk_id": c.id,
            "document_id": c.document_id,
            "section": c.section,
            "start": c.start,
            "end": c.end,
            "score": round(miss.top.score, 6),
            "text": c.text,
            "footnotes": [n.label for n in c.footnotes],
        }
    return {
        "id": miss.question.id,
        "question": miss.question.text,
        "tags": list(miss.question.tags),
        "gold_rank": dict(miss.gold_rank),
        "evidence_split": miss.evidence_split,
        "footnote_apart": miss.footnote_apart,
        "top": top,
    }


def write_report(report: EvalReport, out: Path) -> dict[str, Path]:
    """Write ``report.json``, ``report.txt``, a TREC run per mode with its pool's qrels, and the plot.

    Files an earlier report left in ``out`` (``REPORT_FILES``: a run of a mode not run now, qrels
    of a pool not ranked now) are removed, so that every file there belongs to this report; other
    files are left alone. Returns what was written, by name.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in sorted(REPORT_FILES):
        (out / name).unlink(missing_ok=True)
    files: dict[str, Path] = {}
    pairs: dict[str, Mapping[str, str]] = {}
    for result in report.results:
        pool = "baseline" if result.mode == "baseline" else "index"
        run, qrels = f"{result.mode}.run", f"{pool}.qrels"
        write_run(out / run, result.judged, f"footnoted-{result.mode}")
        if qrels not in files:
            write_qrels(out / qrels, result.judged)
        files[run], files[qrels] = out / run, out / qrels
        pairs[result.mode] = {"run": run, "qrels": qrels}
    plot_hits(report, out / PLOT)
    files[PLOT] = out / PLOT
    data = {**to_json(report), "trec": pairs, "plot": PLOT}
    (out / "report.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.txt").write_text(render_text(report), encoding="utf-8")
    files["report.json"], files["report.txt"] = out / "report.json", out / "report.txt"
    return files
