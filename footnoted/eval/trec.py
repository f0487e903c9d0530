"""TREC run and qrels files, so that results can be checked with trec_eval, ranx or ir-measures.

A run line is ``qid Q0 docid rank score tag`` and a qrels line ``qid 0 docid grade``; the docid is
a chunk id. Each mode ranks a pool of chunks, and a run must be scored with the qrels of its own
pool (the index's chunks, or the baseline's): relevant chunks of another pool would count as missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from footnoted.errors import EvalSetError
from footnoted.eval.relevance import Judged


def run_lines(judged: Iterable[Judged], tag: str) -> list[str]:
    """One line per retrieved passage, in each question's ranked order.

    trec_eval and its kin sort by score and break ties by docid, not by our rank; scores are
    therefore written rounded to 6 decimals and, where they tie, stepped down by 1e-6 so that
    every tool reads our order back.
    """
    lines = []
    for j in judged:
        scores = _strictly_decreasing([r.score for r in j.retrieved])
        for rank, (r, score) in enumerate(zip(j.retrieved, scores, strict=True), 1):
            lines.append(f"{_token(j.question.id)} Q0 {_token(r.chunk.id)} {rank} {score:.6f} {_token(tag)}")
    return lines


def qrels_lines(judged: Iterable[Judged]) -> list[str]:
    """One line per relevant chunk of the pool, retrieved or not (grade 0 lines are left out)."""
    return [
        f"{_token(j.question.id)} 0 {_token(chunk_id)} {grade}"
        for j in judged
        for chunk_id, grade in sorted(j.relevant.items())
        if grade > 0
    ]


def write_run(path: Path, judged: Iterable[Judged], tag: str) -> None:
    Path(path).write_text("".join(line + "\n" for line in run_lines(judged, tag)), encoding="utf-8")


def write_qrels(path: Path, judged: Iterable[Judged]) -> None:
    Path(path).write_text("".join(line + "\n" for line in qrels_lines(judged)), encoding="utf-8")


def _strictly_decreasing(scores: Sequence[float]) -> list[float]:
    out: list[float] = []
    for value in scores:
        score = round(value, 6)
        if out and score >= out[-1]:
            score = round(out[-1] - 1e-6, 6)
        out.append(score)
    return out


def _token(value: str) -> str:
    if not value or any(c.isspace() for c in value):
        raise EvalSetError(f"cannot write {value!r} to a TREC file: ids there must be non-empty and without whitespace")
    return value
