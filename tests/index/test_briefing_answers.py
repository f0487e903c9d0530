"""The real bundled model and real FAISS on the bundled briefing.

Each question is answered only by one of the briefing's eight footnotes (note 8, "Ibid.", by the
claim it supports); the passage that carries that footnote must rank first.
"""

from __future__ import annotations

import pytest

from footnoted.index import Index

# Written before any was run, and never reworded. Three sit on a tie: the passage carrying the
# note is first in one ranking and third in the other, a rival passage the other way round, so
# their fused scores are equal and document order decides (the rule for every tie). For notes 2
# and 3 that puts the right passage first; for note 8 ("Ibid.", in the last passage) it puts note
# 5's passage first, and that one is kept, marked, rather than reworded or fixed by choosing
# another tie rule (taking dense search's order instead loses note 3 and one eval question).
# strict=True turns it into a failure the day it ranks first.
_TIED_SECOND = pytest.mark.xfail(strict=True, reason="tied for first, second in document order; see above")

FOOTNOTE_QUESTIONS = [
    ("1", "How many landmines did American forces scatter across Kuwait and Iraq in the Gulf War?"),
    ("2", "What is the complete formal title of the Mine Ban Treaty?"),
    ("3", "How much of the American stockpile consists of mines that do not destroy themselves?"),
    ("4", "How many anti-tank mines did the United States ship to South Korea?"),
    ("5", "How many stored mines had treaty members already destroyed according to the Nairobi declaration?"),
    ("6", "Which four governments were still laying antipersonnel mines in 2003 and 2004?"),
    ("7", "What does the first article of the treaty forbid member states from doing?"),
    pytest.param(
        "8",
        "Where does the briefing source its point that treaty members might have to divest from American mine makers?",
        marks=_TIED_SECOND,
    ),
]

pytestmark = pytest.mark.model


@pytest.mark.parametrize(("label", "question"), FOOTNOTE_QUESTIONS)
def test_a_footnote_only_answer_ranks_its_passage_first(real_briefing_index: Index, label: str, question: str) -> None:
    top = real_briefing_index.search(question, 1)[0]
    assert label in [n.label for n in top.chunk.footnotes], top.chunk.text[:120]


@pytest.mark.parametrize(
    ("label", "question"), [tuple(p.values) if hasattr(p, "values") else p for p in FOOTNOTE_QUESTIONS]
)
def test_a_footnote_only_answer_is_in_the_top_two(real_briefing_index: Index, label: str, question: str) -> None:
    labels = [n.label for hit in real_briefing_index.search(question, 2) for n in hit.chunk.footnotes]
    assert label in labels


def test_ask_quotes_the_stockpile_sentence(real_briefing_index: Index) -> None:
    answer = real_briefing_index.ask("How many antipersonnel mines does the United States have in storage?")
    assert "10.4 million antipersonnel mines" in answer.text
    assert [n.label for n in answer.footnotes] == ["3"]
    assert answer.citation is not None
    source = real_briefing_index.documents[answer.citation.document_id].source
    assert source[answer.citation.start : answer.citation.end] == answer.text


def test_ask_can_answer_from_a_footnote(real_briefing_index: Index) -> None:
    answer = real_briefing_index.ask("How many mines did the US exported to South Korea in 2004?")
    assert "124,000 antivehicle mines" in answer.text
    assert [n.label for n in answer.footnotes] == ["4"]
