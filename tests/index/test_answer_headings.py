"""A heading names a topic: ``ask`` answers with a sentence that states something, never a heading,
unless nothing else is there to answer with."""

from __future__ import annotations

from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer, parse


def _index(markdown: str) -> Index:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([parse(markdown.encode(), name="report.md")])
    return index


def test_a_question_worded_like_a_heading_is_answered_by_the_sentence_under_it() -> None:
    index = _index(
        "# Landmine stockpiles of the United States\n\n"
        "The United States holds 10.4 million antipersonnel mines in storage.[^1]\n\n"
        "[^1]: Landmine Monitor Report 2004.\n"
    )
    answer = index.ask("Landmine stockpiles of the United States")
    assert answer.text.startswith("The United States holds 10.4 million antipersonnel mines in storage.")
    assert [n.label for n in answer.footnotes] == ["1"]


def test_a_heading_followed_by_a_fragment_is_not_the_answer() -> None:
    # "Source code: Lib/csv.py" is too short to stand as a sentence: it joins the heading before it.
    index = _index(
        "# csv: CSV file reading and writing\n\nSource code: Lib/csv.py\n\n"
        "The csv module implements classes to read and write tabular data in CSV format.\n"
    )
    answer = index.ask("csv CSV file reading and writing")
    assert answer.text.startswith("The csv module implements classes")


def test_a_passage_of_headings_alone_still_answers_with_one() -> None:
    index = _index("# Annual report\n\n## Findings\n\n## Costs\n")
    answer = index.ask("What are the findings?")
    assert answer.text
    assert answer.citation is not None
