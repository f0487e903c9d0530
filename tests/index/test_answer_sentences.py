"""``ask`` answers with the sentence that states the answer: a short one, one under a heading, one in
a paragraph of its own, whatever marks its footnote, and never a title."""

from __future__ import annotations

from footnoted.index import HashEncoder, Index
from footnoted.index.answer import answer_sentences
from footnoted.ingest import WordTokenizer, parse
from footnoted.types import Span


def _ask(text: str, question: str, name: str = "report.md") -> tuple[str, list[str]]:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([parse(text.encode(), name=name)])
    answer = index.ask(question)
    assert answer.citation is not None
    source = index.documents[answer.citation.document_id].source
    assert source[answer.citation.start : answer.citation.end] == answer.text
    return answer.text, [n.label for n in answer.footnotes]


def test_a_short_sentence_that_states_the_answer_is_the_answer() -> None:
    # Short sentences share a vector with the one before them; the answer is still the short one.
    text = (
        "# Production\n\nThe Army reviewed its landmine policy with the State Department in 1996. "
        "Production ended in 1997.[^1] A new factory opened in Kansas in 2003 to build mixed systems.\n\n"
        "[^1]: Department of Defense, Stockpile report, 2004.\n"
    )
    assert _ask(text, "When did production end?") == ("Production ended in 1997.[^1]", ["1"])


def test_the_sentence_under_a_heading_is_not_part_of_the_heading() -> None:
    text = (
        "# Field notes\n\n## Exports\nExports of antipersonnel mines were banned by Congress in 1992.\n"
        "### Notes on method\nFigures are rounded.\n"
    )
    assert _ask(text, "Are the figures rounded?") == ("Figures are rounded.", [])


def test_an_answer_does_not_run_into_the_next_paragraph() -> None:
    text = (
        "# Findings\n\nThe Red River depot holds 3,000 antipersonnel mines awaiting destruction.[^1]\n\n"
        "Photographs were taken by inspectors.\n\n[^1]: Inspection log, 2004.\n"
    )
    assert _ask(text, "Who took the photographs?") == ("Photographs were taken by inspectors.", [])
    depot = _ask(text, "How many mines does the Red River depot hold?")
    assert depot == ("The Red River depot holds 3,000 antipersonnel mines awaiting destruction.[^1]", ["1"])


def test_a_title_is_not_the_answer() -> None:
    text = (
        "Production Timeline\n\nProduction of antipersonnel mines ended at the Kansas plant in 1997, "
        "after the Army cancelled its last order.\n"
    )
    answer, _ = _ask(text, "When did production end?", name="report.txt")
    assert answer.startswith("Production of antipersonnel mines ended")


def test_a_marker_after_a_closing_quote_ends_the_sentence_it_cites() -> None:
    text = (
        "# Allocation\n\nAn allocation may be reduced only “in proportion to each holder’s entitlement.”[^1] "
        "The authority has nonetheless granted 23 exemptions since 2019.[^2]\n\n"
        "[^1]: Compact, article 7.\n[^2]: Authority statement, 2023.\n"
    )
    assert _ask(text, "How many exemptions has the authority granted since 2019?") == (
        "The authority has nonetheless granted 23 exemptions since 2019.[^2]",
        ["2"],
    )


def test_a_numbered_item_is_its_own_sentence_with_its_number() -> None:
    text = (
        "# Ratification\n\nThe steps are these:\n\n1. The parliament votes on the treaty.\n"
        "2. The government deposits its instrument with the UN Secretary-General.\n"
        "3. The treaty enters into force six months later.\n"
    )
    answer, _ = _ask(text, "What does the government deposit with the UN Secretary-General?")
    assert answer == "2. The government deposits its instrument with the UN Secretary-General."


def test_chinese_sentences_are_cut_at_their_stops() -> None:
    text = (
        "# 地雷报告\n\n中国储存了约一亿一千万枚杀伤人员地雷。[^1]中国没有签署渥太华条约。[^2]"
        "俄罗斯储存了约两千六百万枚地雷。[^3]\n\n[^1]: 地雷监测报告，2004年。\n[^2]: 外交部声明，1997年。\n"
        "[^3]: 国防部数据，2004年。\n"
    )
    assert _ask(text, "中国签署渥太华条约了吗") == ("中国没有签署渥太华条约。[^2]", ["2"])


def test_a_line_break_asked_for_in_html_opens_a_sentence() -> None:
    page = (
        "<h1>News</h1><h2>Release 1.1.35</h2><p>Fix use-after-free in xsltApplyTemplates<br>"
        "Fix memory leak in xsltDocumentElem (David King)<br>Speed up the number formatting of large documents</p>"
    )
    answer, _ = _ask(page, "Which memory leak was fixed?", name="news.html")
    assert answer == "Fix memory leak in xsltDocumentElem (David King)"


def test_a_signature_in_a_block_of_its_own_is_not_the_answer() -> None:
    # "__missing__(key)" shares a vector with the lead-in before it and holds more of the question's
    # words, but it is no sentence: what it does is said under it.
    page = (
        "<h1>collections</h1><p>defaultdict objects support the following method in addition to the standard "
        "dict operations:</p><dl><dt>__missing__(key)</dt><dd><p>If the default_factory attribute is None, this "
        "raises a KeyError exception with the key as argument.</p></dd></dl>"
    )
    answer, _ = _ask(page, "What does a defaultdict do when a key is missing?", name="collections.html")
    assert answer != "__missing__(key)"


def test_each_latex_list_item_answers_on_its_own_and_markup_never() -> None:
    text = (
        "\\documentclass{article}\n\\begin{document}\nThe ministry named three problems in 2004:\n"
        "\\begin{itemize}\n  \\item Minefields were left unmarked near the village schools.\n"
        "  \\item Clearance teams lacked metal detectors for the northern fields.\n"
        "  \\item Records of past clearance were lost in a fire at the depot.\n\\end{itemize}\n\\end{document}\n"
    )
    for question, item in [
        ("Which fields were left unmarked near the schools?", "Minefields were left unmarked"),
        ("What did the clearance teams lack for the northern fields?", "Clearance teams lacked"),
        ("How were the records of past clearance lost?", "Records of past clearance"),
    ]:
        answer, _ = _ask(text, question, name="report.tex")
        assert answer.startswith(item), (question, answer)
    doc = parse(text, name="report.tex")
    spans = answer_sentences(doc, Span(0, len(doc.source)))
    assert not [s for s in spans if "\\begin{itemize}" in doc.source[s.start : s.end]]
