"""Tufte CSS's sidenotes: ``<label class="margin-toggle sidenote-number">`` (empty: the style sheet
draws a counter's number after it), a checkbox, then ``<span class="sidenote">`` holding the note,
shown in the margin. The number is written into the text where the page shows it, and the note's
text is read after the page's, a note block cited by that number."""

from __future__ import annotations

from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer, chunk, parse

PAGE = """<html><head><title>Back in business?</title></head><body><article><h1>Back in business?</h1>
<section><p>The United States holds 10.4 million mines.<label for="sn-stock" class="margin-toggle
sidenote-number"></label><input type="checkbox" id="sn-stock" class="margin-toggle"/><span
class="sidenote">Landmine Monitor Report 2004, pp. 1,141-1,142.</span> Production ended in 1997.</p>
<p>Exports stopped in 1992.<label for="sn-law" class="margin-toggle sidenote-number"></label><input
type="checkbox" id="sn-law" class="margin-toggle"/><span class="sidenote">By law, <em>renewed</em>
each year since then.</span> A margin note<label for="mn" class="margin-toggle">&#8853;</label><input
type="checkbox" id="mn" class="margin-toggle"/><span class="marginnote">An aside with no number.</span>
stays where it is.</p></section></article></body></html>"""


def test_sidenotes_are_numbered_notes_cited_where_the_page_shows_their_numbers() -> None:
    doc = parse(PAGE.encode(), name="essay.html")
    assert not doc.warnings
    got = [(n.label, n.text, [doc.source[m.start - 8 : m.end] for m in n.markers]) for n in doc.footnotes]
    assert got == [
        ("1", "Landmine Monitor Report 2004, pp. 1,141-1,142.", ["n mines.1"]),
        ("2", "By law, renewed each year since then.", ["in 1992.2"]),
    ]
    # The note's text is no part of the paragraph; an unnumbered margin note stays in it, as text.
    paragraphs = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs[0] == "The United States holds 10.4 million mines.1 Production ended in 1997."
    assert "An aside with no number." in paragraphs[1] and "By law" not in paragraphs[1]
    (passage,) = chunk(doc, WordTokenizer())
    assert [n.label for n in passage.footnotes] == ["1", "2"]


def test_a_question_a_sidenote_answers_finds_the_passage_citing_it() -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([parse(PAGE.encode(), name="essay.html")])
    answer = index.ask("Which pages of the Landmine Monitor Report give the stockpile?")
    assert answer.text == "Landmine Monitor Report 2004, pp. 1,141-1,142."
    assert [n.label for n in answer.footnotes] == ["1"]


def test_a_sidenote_with_no_number_before_it_is_read_as_text() -> None:
    page = '<p>Exports stopped in 1992. <span class="sidenote">A note set by hand.</span> Then more.</p>'
    doc = parse(page.encode(), name="page.html")
    assert not doc.footnotes
    assert doc.source == "Exports stopped in 1992. A note set by hand. Then more."


def test_distill_footnotes_are_notes_numbered_in_order() -> None:
    page = (
        "<html><body><d-article><h2>Results</h2><p>Fares fell on 11 routes.<d-footnote>Operators' tables, "
        "<a href='#t'>2020</a>.</d-footnote> Populations fell on 27 islands.<d-footnote>Census of each "
        "island.</d-footnote></p><d-footnote-list></d-footnote-list></d-article></body></html>"
    )
    doc = parse(page.encode(), name="article.html")
    assert not doc.warnings
    assert [(n.label, n.text, [doc.source[m.start - 7 : m.end] for m in n.markers]) for n in doc.footnotes] == [
        ("1", "Operators' tables, 2020.", ["routes.1"]),
        ("2", "Census of each island.", ["slands.2"]),
    ]
    paragraphs = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs == ["Fares fell on 11 routes.1 Populations fell on 27 islands.2"]
