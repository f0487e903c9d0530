"""Span-overlap relevance: a passage counts when its text or one of its footnotes overlaps a gold span."""

from __future__ import annotations

import numpy as np
import pytest

from footnoted.eval.dataset import Question
from footnoted.eval.relevance import Pool, covered_at, grade, judge
from footnoted.index import Ranking
from footnoted.types import Chunk
from tests.eval.sample import (
    BETA,
    BODY_REST,
    CLAIM,
    DOC,
    MARKER,
    NOTE,
    NOTE_TEXT,
    NOTES_AT,
    SOURCE,
    chunk,
    evidence,
    question,
)


@pytest.mark.parametrize(
    ("piece", "gold", "relevant"),
    [
        (CLAIM, "Alpha claim", 1),
        (CLAIM, "figure 42", 1),  # through the footnote it carries
        (BODY_REST, "figure 42", 0),
        (NOTE_TEXT, "figure 42", 1),
        (BODY_REST, "note.1  Beta", 1),  # one character of overlap is enough
        (chunk(0, BETA - 2), "Beta sentence", 0),  # touching is not overlapping
        (chunk(0, 11, doc="other"), "Alpha claim", 0),  # same offsets, another document
    ],
)
def test_grade_by_span_overlap(piece: Chunk, gold: str, relevant: int) -> None:
    assert grade(question(gold), piece) == relevant


def test_grade_by_document_for_beir_questions() -> None:
    q = Question("q", "?", documents={"d": 2})
    assert grade(q, CLAIM) == 2
    assert grade(q, chunk(0, 5, doc="other")) == 0


def test_covered_at_joins_adjacent_chunks_and_ignores_whitespace() -> None:
    gold = evidence("a note.1  Beta sentence")
    first, second = chunk(0, MARKER + 1), chunk(BETA, NOTES_AT - 2)
    assert covered_at([gold], [first, second]) == (2,)
    assert covered_at([gold], [second, NOTE_TEXT]) == (None,)
    assert covered_at([evidence("figure 42")], [BODY_REST, CLAIM]) == (2,)
    assert covered_at([evidence("Alpha"), evidence("figure 42")], [NOTE_TEXT, CLAIM]) == (2, 1)


def test_split_evidence() -> None:
    pool = Pool([chunk(0, MARKER + 1, (NOTE,)), chunk(BETA, len(SOURCE))], {"d": DOC})
    assert pool.split(question("a note.1  Beta")) is True
    assert pool.split(question("Alpha claim")) is False
    assert pool.split(question("figure 42")) is False
    assert pool.split(Question("q", "?", documents={"d": 1})) is None


def test_footnote_apart_from_the_claim_citing_it() -> None:
    attached = Pool([CLAIM, BODY_REST], {"d": DOC})
    detached = Pool([chunk(0, MARKER + 1), BODY_REST, NOTE_TEXT], {"d": DOC})
    assert attached.footnote_apart(question("figure 42")) is False
    assert detached.footnote_apart(question("figure 42")) is True
    assert detached.footnote_apart(question("Alpha claim")) is None


def test_relevant_chunks_of_the_pool() -> None:
    pool = Pool([CLAIM, BODY_REST, NOTE_TEXT, chunk(0, 5, doc="other")], {"d": DOC})
    assert pool.relevant(question("figure 42")) == {CLAIM.id: 1, NOTE_TEXT.id: 1}
    assert pool.relevant(Question("q", "?", documents={"other": 3})) == {"other:0-5": 3}


def test_judge_grades_a_ranking() -> None:
    pool = Pool([CLAIM, BODY_REST, NOTE_TEXT], {"d": DOC})
    ranking = Ranking(np.array([1, 2, 0]), np.array([0.9, 0.5, 0.1], dtype=np.float32))
    judged = judge(question("figure 42"), "dense", ranking, pool)
    assert judged.grades == [0, 1, 1]
    assert judged.first_relevant == 2
    assert judged.covered_at == (2,)
    assert [r.chunk.id for r in judged.retrieved] == [BODY_REST.id, NOTE_TEXT.id, CLAIM.id]
    assert judged.relevant == {CLAIM.id: 1, NOTE_TEXT.id: 1}
