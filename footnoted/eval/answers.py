"""Scoring ``ask``: does the extracted answer sentence land on the evidence?

An answer is right when its span overlaps a gold span of the question in the same document.
That is a span test, like passage relevance, so it survives re-chunking too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from footnoted.eval.dataset import EvalSet
from footnoted.index import Index
from footnoted.types import Span


@dataclass(frozen=True, slots=True)
class AnswerScore:
    """The share of questions whose answer overlaps their evidence, overall and per tag."""

    questions: int
    overlap: float
    by_tag: Mapping[str, float]
    wrong: tuple[str, ...]
    """Ids of the questions whose answer missed the evidence."""


def score_answers(eval_set: EvalSet, index: Index) -> AnswerScore:
    """Ask every question with evidence (default mode) and check the answer's span against it."""
    right: dict[str, bool] = {}
    tags: dict[str, list[str]] = {}
    for q in eval_set.questions:
        if not q.evidence:
            continue
        answer = index.ask(q.text)
        c = answer.citation
        right[q.id] = c is not None and any(
            e.document_id == c.document_id and e.span.overlaps(Span(c.start, c.end)) for e in q.evidence
        )
        for tag in q.tags:
            tags.setdefault(tag, []).append(q.id)
    n = len(right)
    return AnswerScore(
        questions=n,
        overlap=sum(right.values()) / n if n else 0.0,
        by_tag={t: sum(right[i] for i in ids) / len(ids) for t, ids in sorted(tags.items())},
        wrong=tuple(i for i, ok in right.items() if not ok),
    )
