"""A sentence that ends its block with a colon announces what follows; as an answer it brings it."""

from __future__ import annotations

import pytest

from footnoted.index import HashEncoder, Index, IndexConfig
from footnoted.ingest import ChunkSettings, WordTokenizer, parse
from footnoted.types import Answer


def _ask(text: str, question: str, config: IndexConfig | None = None) -> tuple[Answer, str]:
    index = Index.memory(HashEncoder(), WordTokenizer(), config)
    doc = parse(text.encode(), name="report.md")
    index.add([doc])
    answer = index.ask(question)
    assert answer.citation is not None
    assert doc.source[answer.citation.start : answer.citation.end] == answer.text
    return answer, doc.source


def test_a_lead_in_answer_brings_the_list_it_announces_with_the_notes_its_items_cite() -> None:
    answer, _ = _ask(
        "# Findings\n\nThe survey of the northern provinces found three problems:\n\n"
        "- Minefields were left unmarked near schools.[^1]\n- Clearance teams lacked detectors.\n"
        "- Records of past clearance were lost.\n\nFunding rose in 2004.\n\n"
        "[^1]: Provincial survey, 2003.\n",
        "What problems did the survey of the northern provinces find?",
    )
    assert answer.text.startswith("The survey of the northern provinces found three problems:")
    assert answer.text.rstrip().endswith("Records of past clearance were lost.")
    assert "Funding" not in answer.text
    assert [n.label for n in answer.footnotes] == ["1"]


def test_a_lead_in_answer_brings_the_one_paragraph_it_announces() -> None:
    answer, _ = _ask(
        "# Usage\n\nExample of how to compress an existing file with the archive tool:\n\n"
        "tar -czf backup.tgz data/\n\nThe tool also reads standard input.\n",
        "How do I compress an existing file with the archive tool?",
    )
    assert answer.text.endswith("tar -czf backup.tgz data/")  # it shares no word with the question
    assert "standard input" not in answer.text


def test_a_colon_inside_its_block_brings_nothing() -> None:
    answer, _ = _ask(
        "# Costs\n\nThe ministry gave one figure: clearing a hectare cost 1,200 dollars.\n\n"
        "Donors paid for most of it.\n",
        "How much did the ministry say clearing a hectare cost?",
    )
    assert answer.text == "The ministry gave one figure: clearing a hectare cost 1,200 dollars."


def test_what_a_lead_in_announces_stays_with_it_in_one_passage() -> None:
    # Packed greedily, the lead-in would close the first passage and its example open the second.
    filler = " ".join(["Survey teams recorded every field they visited that year."] * 2)
    text = (
        f"# Usage\n\n{filler}\n\nExample of how to compress an existing file with the archive tool:\n\n"
        "archive --compress report.txt --output report.gz --level 9\n"
    )
    config = IndexConfig(chunk=ChunkSettings(max_tokens=32, overlap=0))
    answer, _ = _ask(text, "How do I compress an existing file with the archive tool?", config)
    assert answer.text.startswith("Example of how to compress")
    assert answer.text.endswith("--level 9")
    (holder,) = [p for p in answer.passages if "Example of how" in p.chunk.text]
    assert "--level 9" in holder.chunk.text and "Survey teams" not in holder.chunk.text


# With no blank line under the heading, the lead-in shares its vector with the heading's title.
@pytest.mark.parametrize("under_heading", ["\n\n", "\n"])
def test_a_latex_lead_in_answer_brings_its_list_over_the_markup_between(under_heading: str) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    doc = parse(
        f"\\documentclass{{article}}\n\\begin{{document}}\n\\section{{Findings}}{under_heading}"
        "The survey of the northern provinces found three problems:\n\\begin{itemize}\n"
        "\\item Minefields were left unmarked near schools.\\footnote{Ministry records, 2003.}\n"
        "\\item Clearance teams lacked detectors.\n\\end{itemize}\n\nFunding rose in 2004.\n\\end{document}\n",
        name="report.tex",
    )
    index.add([doc])
    answer = index.ask("What problems did the survey of the northern provinces find?")
    assert answer.citation is not None
    assert doc.source[answer.citation.start : answer.citation.end] == answer.text
    assert answer.text.startswith("The survey of the northern provinces found three problems:")
    assert answer.text.endswith("Clearance teams lacked detectors.")
    assert [n.label for n in answer.footnotes] == ["1"]
