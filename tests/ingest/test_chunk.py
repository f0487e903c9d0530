"""Chunking invariants: exact spans, full coverage, token budgets, footnotes attached, stable ids."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footnoted.errors import IngestError
from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, parse
from footnoted.ingest.chunk import own_text
from footnoted.ingest.tokens import Tokenizer
from footnoted.types import BODY_KINDS, Block, Chunk, Document, Span
from tests.conftest import DATA


def check_invariants(doc: Document, chunks: list[Chunk], tokenizer: Tokenizer, max_tokens: int) -> None:
    spans = [Span(c.start, c.end) for c in chunks]
    for c in chunks:
        assert c.text == doc.source[c.start : c.end]
        assert c.text == c.text.strip()
        assert tokenizer.count(own_text(doc, Span(c.start, c.end))) == c.tokens <= max_tokens
        for note in c.footnotes:
            assert note.text == doc.source[note.start : note.end]
    for block in doc.blocks:
        block_span = Span(block.start, block.end)
        if block.kind in BODY_KINDS:
            covered = sorted((s for s in spans if s.overlaps(block_span)), key=lambda s: s.start)
            assert covered, f"block not chunked: {doc.source[block.start : block.end][:60]!r}"
            reach = block.start
            for s in covered:
                assert not doc.source[reach : s.start].strip(), "text between two chunks was dropped"
                reach = max(reach, s.end)
            assert reach >= block.end
        elif not _between_a_heading_and_its_text(doc, block):
            assert not any(s.overlaps(block_span) for s in spans if not _is_orphan_note_chunk(doc, s))
    for note in doc.footnotes:
        for marker in note.markers:
            holders = [c for c in chunks if Span(c.start, c.end).contains(marker)]
            assert holders, "a marker outside every chunk"
            assert all(note in c.footnotes for c in holders)


def _between_a_heading_and_its_text(doc: Document, block: Block) -> bool:
    """A little furniture right after a heading, which the passage the heading opens spans."""
    if block.kind != "furniture":
        return False
    before = [b for b in doc.blocks if b.end <= block.start and (b.kind in BODY_KINDS or b.kind == "note")]
    return bool(before) and before[-1].kind == "heading" and block.end - before[-1].end <= 300


def _is_orphan_note_chunk(doc: Document, span: Span) -> bool:
    return any(not n.markers and Span(n.start, n.end).contains(span) for n in doc.footnotes)


@pytest.mark.parametrize("max_tokens", [40, 80, 128, 254])
def test_briefing_invariants(briefing: Document, max_tokens: int) -> None:
    tokenizer = WordTokenizer()
    chunks = chunk(briefing, tokenizer, ChunkSettings(max_tokens=max_tokens, overlap=8))
    check_invariants(briefing, chunks, tokenizer, max_tokens)


def test_briefing_invariants_with_the_model_tokenizer(briefing: Document, model_tokenizer: Tokenizer) -> None:
    chunks = chunk(briefing, model_tokenizer, ChunkSettings(max_tokens=128, overlap=16))
    check_invariants(briefing, chunks, model_tokenizer, 128)


def test_each_briefing_note_rides_with_the_chunk_holding_its_marker(briefing: Document) -> None:
    chunks = chunk(briefing, WordTokenizer(), ChunkSettings(max_tokens=200, overlap=16))
    for note in briefing.footnotes:
        (marker,) = note.markers
        holders = [c for c in chunks if c.start <= marker.start and marker.end <= c.end]
        assert holders and all(note in c.footnotes for c in holders), note.label
    for c in chunks:
        assert "[1] The United States used" not in c.text, "a note body was chunked as a passage"


def test_briefing_furniture_reaches_no_chunk(briefing: Document) -> None:
    chunks = chunk(briefing, WordTokenizer(), ChunkSettings(max_tokens=254, overlap=16))
    text = "\n".join(c.text for c in chunks)
    for line in [
        "Download PDF file",
        "[208 Kb, 16 pages]",
        "Related Material",
        "More on Human Rights and Arms",
        "Policy Background",
        "The Bush Administration’s Landmine Policy",
        "Development and Production of New Landmines",
        "Export and Transfer of Landmines",
    ]:
        assert line not in text


def test_lead_in_and_its_list_share_a_chunk(briefing: Document) -> None:
    chunks = chunk(briefing, WordTokenizer(), ChunkSettings(max_tokens=254, overlap=16))
    holder = next(c for c in chunks if "However:" in c.text)
    assert "called Spider" in holder.text and "Intelligent Munitions System" in holder.text


def test_chunk_ids_are_stable_and_content_derived(briefing: Document) -> None:
    a = chunk(briefing, WordTokenizer(), ChunkSettings(max_tokens=128, overlap=16))
    b = chunk(briefing, WordTokenizer(), ChunkSettings(max_tokens=128, overlap=16))
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    assert all(c.id.startswith("back-in-business-2005:") for c in a)


def test_a_long_sentence_without_breaks_is_still_cut_within_budget() -> None:
    text = "Title\n\n" + "-".join(["word"] * 500) + ".\n"
    doc = parse(text, name="long.txt")
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=50, overlap=5))
    check_invariants(doc, chunks, WordTokenizer(), 50)


def test_orphan_notes_become_their_own_passages() -> None:
    doc = parse("Title\n\nA claim.[1] More text here.\n\n[1] Cited.\n\n[2] Never cited.\n", name="o.txt")
    chunks = chunk(doc, WordTokenizer())
    orphan = [c for c in chunks if c.section == "Notes"]
    assert [c.text for c in orphan] == ["Never cited."]


@pytest.mark.parametrize("fixture", ["chapters.txt", "notes.md", "endnotes.html", "word_export.html", "sup_ol.html"])
def test_fixture_invariants(fixture: str) -> None:
    doc = parse((DATA / fixture).read_bytes(), name=fixture)
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=24, overlap=4))
    check_invariants(doc, chunks, WordTokenizer(), 24)


# -- generated documents ------------------------------------------------------------------------

_words = st.sampled_from(
    "the mines treaty stockpile export production Spider Matrix 10.4 million $1.3 billion July 1, 2005 "
    "pp. 1,141 p. 6. 1997 states parties self-destruct “assist” Iraq Kuwait — ; : , U.S.".split()
)
_sentence = st.builds(
    lambda ws, marker, end: " ".join(ws).capitalize() + end + marker,
    st.lists(_words, min_size=3, max_size=30),
    st.sampled_from(["", "", "[1]", "[2]", "1", "2", " 3"]),
    st.sampled_from([".", "?", "!", ":"]),
)
_paragraph = st.lists(_sentence, min_size=1, max_size=6).map("  ".join)
_block = st.one_of(
    _paragraph,
    _paragraph.map(lambda p: "  • " + p),
    st.sampled_from(["Chapter One", "Background", "Notes", "Download PDF file", "1. Introduction"]),
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(_block, min_size=1, max_size=12))
    notes = draw(st.lists(_sentence, max_size=3))
    body = "\n\n".join(["A Generated Report", *blocks])
    tail = "\n\n".join(f"[{i}] {n}" for i, n in enumerate(notes, start=1))
    return body + ("\n\n" + tail if tail else "") + draw(st.sampled_from(["", "\n", "\n\n   \n"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents(), max_tokens=st.integers(min_value=12, max_value=120))
def test_generated_documents_keep_every_invariant(text: str, max_tokens: int) -> None:
    try:
        doc = parse(text, name="generated.txt")
    except IngestError:
        return
    tokenizer = WordTokenizer()
    chunks = chunk(doc, tokenizer, ChunkSettings(max_tokens=max_tokens, overlap=max_tokens // 4))
    check_invariants(doc, chunks, tokenizer, max_tokens)
    assert [c.id for c in chunk(doc, tokenizer, ChunkSettings(max_tokens=max_tokens, overlap=max_tokens // 4))] == [
        c.id for c in chunks
    ]


@pytest.mark.parametrize("name", ["relnotes.txt", "relnotes.md"])
def test_an_underlined_heading_is_the_title_and_starts_the_passage_under_it(name: str) -> None:
    text = (
        "Git 2.37.2 Release Notes\n========================\n\n"
        "This primarily is to backport various fixes accumulated on the master front since 2.37.1.\n\n"
        "Fixes since v2.37.1\n-------------------\n\n"
        ' * "git shortlog -n" relied on the underlying qsort() to be stable, which should not have been the case.\n'
    )
    doc = parse(text, name=name)
    assert doc.title == "Git 2.37.2 Release Notes"
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(200, 32))
    # No passage is a heading alone: each heading opens the passage of the text under it.
    assert [c.text.split("\n")[0] for c in chunks] == ["Git 2.37.2 Release Notes", "Fixes since v2.37.1"]
    assert chunks[1].section.endswith("Fixes since v2.37.1")
    for c in chunks:
        assert doc.source[c.start : c.end] == c.text


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "page.html",
            "<h1>The Lighthouses of Carrow Point</h1><h2>Construction</h2><p>The first tower was built in 1836.</p>",
        ),
        ("report.md", "# The Lighthouses of Carrow Point\n\n## Construction\n\nThe first tower was built in 1836.\n"),
        ("report.txt", "THE LIGHTHOUSES OF CARROW POINT\n\nConstruction\n\nThe first tower was built in 1836.\n"),
    ],
)
def test_a_title_over_its_first_sections_heading_opens_that_sections_passage(name: str, text: str) -> None:
    # The title is a section (or a title block) of its own, with nothing under it but the next
    # section: alone, it would be a passage that says nothing, found first by any question naming it.
    doc = parse(text, name=name)
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(200, 16))
    assert len(chunks) == 1
    assert chunks[0].start == 0 and chunks[0].text.endswith("The first tower was built in 1836.")
    assert chunks[0].section.endswith("Construction")


def test_a_heading_reaches_over_a_comment_to_the_text_it_heads() -> None:
    doc = parse(
        b"# OS\n\nThe os module.\n\n## `os.uptime()`\n\n<!-- YAML\nadded: v0.3.3\n-->\n\n"
        b"Returns the system uptime in number of seconds.\n",
        name="os.md",
    )
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=200, overlap=16))
    assert not any(c.text == "## `os.uptime()`" for c in chunks)
    holder = next(c for c in chunks if "system uptime" in c.text)
    assert holder.text.startswith("## `os.uptime()`")


def test_no_passage_is_held_whole_by_another() -> None:
    items = "".join(
        f"- Item {i} describes the build file option called option{i} and what it does.\n" for i in range(40)
    )
    doc = parse(f"# Build files\n\nThere are three main build files:\n\n{items}".encode(), name="leadin.md")
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=120, overlap=32))
    assert len(chunks) > 2
    spans = [Span(c.start, c.end) for c in chunks]
    assert not any(a is not b and a.contains(b) for a in spans for b in spans)


def test_a_heading_does_not_reach_over_a_table_of_contents() -> None:
    links = "".join(f"* [Section {i}](#section-{i})\n" for i in range(40))
    doc = parse(
        f"# Guide\n\n## Contents\n\n{links}\nThe guide begins here, with its first paragraph.\n".encode(),
        name="guide.md",
    )
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=200, overlap=16))
    assert not any("[Section 3]" in c.text for c in chunks)


@pytest.mark.parametrize(
    "text",
    [
        "0\n---\n0",  # found by tests/reliability/test_parser_fuzz.py
        "The depot held mines.\n\n* * *\n\nThe army counted them again in 2004.",
        "# Findings\n\n<!-- draft: check the figures -->\n\nThe depot held 10.4 million mines.",
    ],
)
def test_a_chunk_over_a_rule_or_furniture_counts_its_tokens_too(text: str) -> None:
    # A chunk spans the rule or the few words of furniture between its blocks, so its count holds
    # their tokens as well: it was the sum of its blocks' counts, under the budget it then exceeded.
    doc = parse(text, name="x.md")
    tokenizer = WordTokenizer()
    for piece in chunk(doc, tokenizer, ChunkSettings(max_tokens=64, overlap=8)):
        assert piece.tokens == tokenizer.count(piece.text), piece.text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("\\documentclass{article}\n\\begin{document}\n{body}\n\\end{{document}}\n", "report.tex"),
        ("{body}\n", "report.md"),
    ],
)
def test_a_note_written_inside_the_text_counts_against_no_budget(text: str, name: str) -> None:
    note = " ".join(["The ministry's return lists every depot and its holdings by type."] * 6)
    written = "\\footnote{" + note + "}" if name.endswith(".tex") else "^[" + note + "]"
    body = f"The army holds 10.4 million mines.{written} Production ended in 1997. Exports stopped in 1992."
    doc = parse(text.replace("{body}", body).replace("{{", "{").replace("}}", "}"), name=name)
    passages = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=24, overlap=0))
    # The note alone is over the budget; the text without it is under: one passage of the paragraph,
    # its note whole inside it, as a note set apart is attached whole, and the budget counts the text.
    tokenizer = WordTokenizer()
    assert tokenizer.count(note) > 24
    (passage,) = passages
    assert passage.text.startswith("The army holds") and passage.text.endswith("Exports stopped in 1992.")
    assert passage.tokens == tokenizer.count(body.replace(written, " ")) < 24
    assert [n.text for n in passage.footnotes] == [note]
    check_invariants(doc, passages, WordTokenizer(), 24)
