"""Why a question was missed: where its evidence ranked in each list, and how the chunking treated it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from footnoted.eval.dataset import Question
from footnoted.eval.relevance import Judged, Pool, Retrieved


@dataclass(frozen=True, slots=True)
class Miss:
    """A question whose top passage in ``mode`` is not relevant (a hit@1 failure), and why it may be."""

    question: Question
    mode: str
    gold_rank: Mapping[str, int | None]
    """Rank of the first relevant passage in each list (dense, lexical, hybrid, baseline); None: not retrieved."""
    evidence_split: bool | None
    """Some gold span lies in no single chunk of this mode's pool (None: no gold spans)."""
    footnote_apart: bool | None
    """Gold text in a footnote is in no chunk that holds the marker citing it (None: no gold text in a footnote)."""
    top: Retrieved | None
    """The passage returned first instead."""


def diagnose(mode: str, lists: Mapping[str, Judged], pool: Pool) -> Miss | None:
    """The diagnosis of ``mode``'s list for one question, or None when its first passage is relevant.

    ``lists`` holds every list judged for the question, by mode; ``pool`` is the passages ``mode`` ranks.
    """
    judged = lists[mode]
    if judged.first_relevant == 1:
        return None
    question = judged.question
    return Miss(
        question=question,
        mode=mode,
        gold_rank={m: j.first_relevant for m, j in lists.items()},
        evidence_split=pool.split(question),
        footnote_apart=pool.footnote_apart(question),
        top=judged.retrieved[0] if judged.retrieved else None,
    )
