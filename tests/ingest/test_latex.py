"""LaTeX: the source as written, headings from sectioning commands, notes numbered as LaTeX numbers them.

The fixtures in ``tests/data/latex/`` were written for these tests (``briefing.tex`` beside them is
the eval's, written by ``bench/briefing_latex.py``); pdflatex (TeX Live 2022) numbers
their notes as asserted here (checked with ``\\@makefntext`` patched to log each label it sets):
1, 2, 7, 3, 4 (marks whose texts follow), 5, 6 in the report; 1 (a starred chapter resets
nothing), 1, 2, 3, 1, 2, 10 in the book; 1 to 7 in the article (a mark in a caption and one in a
table's cell, their texts after the float); 1, 1, 2, 3, 1, a, b, 2, 1, 4 in the thesis (a report
with a minipage's notes and an ``\\addtocounter``).
"""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footnoted.errors import IngestError
from footnoted.index import HashEncoder, Index
from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from footnoted.ingest.latex_source import plain
from footnoted.ingest.read import FORMATS, document_id, format_of, reader_format
from footnoted.types import BODY_KINDS, Document
from tests.conftest import DATA
from tests.conftest import block_texts as _blocks
from tests.conftest import note_labelled as _note

LATEX = DATA / "latex"


@pytest.fixture(scope="module")
def report() -> Document:
    return load(LATEX / "report.tex")


def _tex(body: str, preamble: str = "\\documentclass{article}\n") -> Document:
    return parse(f"{preamble}\\begin{{document}}\n{body}\n\\end{{document}}\n", name="t.tex")


def test_the_source_is_the_file_and_every_span_is_exact(report: Document) -> None:
    assert report.format == "latex"
    assert report.source == (LATEX / "report.tex").read_text(encoding="utf-8")
    for note in report.footnotes:
        assert report.source[note.start : note.end] == note.text
    starts = [b.start for b in report.blocks]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(report.blocks, report.blocks[1:], strict=False))


def test_title_authors_and_date(report: Document) -> None:
    assert report.title == "Drawing Down: Groundwater Allocation in the Lower Basin, 2019–2023"
    assert report.metadata["author"] == "Maria Okafor; Daniel Brandt"
    assert report.metadata["date"] == "March 2024"
    book = load(LATEX / "book.tex")
    assert book.title == "Rivers Under Contract"
    assert "date" not in book.metadata  # \today is the day it is typeset, not the document's date


def test_notes_are_numbered_as_latex_numbers_them(report: Document) -> None:
    assert [n.label for n in report.footnotes] == ["1", "2", "7", "3", "4", "5", "6"]
    source = report.source
    markers = {n.label: [source[m.start : m.end] for m in n.markers] for n in report.footnotes}
    assert markers == {
        "1": ["\\footnote{"],
        "2": ["\\footnote{"],
        "7": ["\\footnote[7]{"],
        "3": ["\\footnotemark"],
        "4": ["\\footnotemark"],
        "5": ["\\footnote{"],
        "6": ["\\footnote{"],
    }
    # Each \footnote's marker runs through its opening brace, and its text follows at once.
    for label in ("1", "2", "7", "5", "6"):
        (marker,) = _note(report, label).markers
        assert source[marker.end : _note(report, label).start] in ("", "\n")


def test_which_mark_each_footnotetext_belongs_to(report: Document) -> None:
    source = report.source
    renewal, hearing = _note(report, "3"), _note(report, "4")
    assert renewal.text == "Permit renewals are listed in the authority's \\emph{Gazette}, No.~31."
    assert hearing.text == "Hearings were required under the 2016 rules, s.~9(2)."
    assert (
        source[renewal.markers[0].start - 30 : renewal.markers[0].end] == "renewed in 2021 without review\\footnotemark"
    )
    assert source[hearing.markers[0].start - 8 : hearing.markers[0].end] == "hearing.\\footnotemark"


def test_nested_braces_escapes_comments_and_two_paragraphs_stay_in_a_note(report: Document) -> None:
    first = _note(report, "1")
    assert first.text.startswith("Lower\nBasin Water Authority, \\emph{Annual Allocation Statement 2023}")
    assert first.text.endswith("\\textit{{Basin Plan} Review}, p.~12.")
    second = _note(report, "2")
    assert second.text == (
        "Monitoring\nwells 14 to 22; see Section~\\ref{sec:wells}.\n\n"
        "The two wells drilled in 2021 are left out: their records start in mid-year."
    )
    seventh = _note(report, "7")
    assert "a brace, \\{est.\\}, which we keep. % checked 12 Jan\nThe other holders take less than 5\\% each." in (
        seventh.text
    )
    assert seventh.text.endswith("5\\% each.")
    # The blank line inside note 2 does not end the paragraph that cites it.
    (paragraph,) = [b for b in report.blocks if b.start <= second.start and second.end <= b.end]
    assert paragraph.kind == "paragraph"
    assert report.source[paragraph.start : paragraph.end].startswith("Between 2019 and 2023")


def test_headings_and_their_levels(report: Document) -> None:
    assert [(s.title, s.level) for s in report.sections] == [
        ("Summary", 1),
        ("Findings", 1),
        ("Wells and levels", 2),
        ("A note on method", 3),
        ("Recharge.", 4),
        ("Recommendations", 1),
    ]
    assert report.sections[3].path == ("Findings", "Wells and levels", "A note on method")


def test_preamble_comments_labels_and_commands_are_never_passage_text(report: Document) -> None:
    furniture = _blocks(report, "furniture")
    assert furniture[0].startswith("% Groundwater report") and furniture[0].endswith("\\begin{document}")
    assert "\\end{document}" in furniture
    assert "% An earlier draft said here that the decline had slowed since 2022." in furniture
    # Commands that print nothing are markup: no block's text, but a passage may span them.
    markup = _blocks(report, "markup")
    for line in ("\\maketitle", "\\tableofcontents", "\\newpage", "\\label{sec:findings}", "\\begin{itemize}"):
        assert line in markup
    text = [report.source[b.start : b.end] for b in report.blocks if b.kind in BODY_KINDS]
    # (A label inside display math stays with the math, in its paragraph: only those standing alone go.)
    for unwanted in ("\\usepackage", "\\label{sec", "An earlier draft", "TODO", "\\maketitle", "\\includegraphics"):
        assert not [t for t in text if unwanted in t], unwanted
    passages = chunk(report, WordTokenizer(), ChunkSettings(max_tokens=120, overlap=0))
    for unwanted in ("\\documentclass", "\\usepackage", "TODO", "An earlier draft", "\\maketitle", "fig:levels"):
        assert not [c for c in passages if unwanted in c.text], unwanted
    # A label right after its heading is furniture, and no part of the section's title.
    assert "\\label" not in " ".join(s.title for s in report.sections)


def test_lists_floats_verbatim_math_and_quotes(report: Document) -> None:
    assert _blocks(report, "list_item") == [
        "Wells in the east fell by 2.1 metres a year.\\footnote{Wells 17, 18 and 21.}",
        "Wells in the west fell by 0.6 metres a year.",
        "[--] Two wells near the river rose slightly.",
        "J. Smith, \\emph{Recharge in Semi-Arid Basins}, Hydrology Press, 2020.",
    ]
    paragraphs = _blocks(report, "paragraph")
    assert "Groundwater levels in the monitoring wells, 2019--2023." in paragraphs  # the caption
    assert "We have allocated water that is not there." in paragraphs  # the quote
    method = next(p for p in paragraphs if p.startswith("Levels are read in March"))
    assert "\\begin{equation}\\label{eq:level}" in method and method.endswith(
        "where $Q$ is abstraction and $R$ recharge."
    )
    # Verbatim text is text, and nothing in it is a note.
    assert "level --wells 14-22 --from 2019 \\footnote{not a note}" in paragraphs
    assert not [n for n in report.footnotes if "not a note" in n.text]
    # \cite is no note: the bibliography is not footnotes.
    assert "Recharge was estimated from rainfall records \\cite{smith2020}." in paragraphs


def test_a_passage_spans_markup_but_never_a_comment_or_a_command_with_words() -> None:
    doc = _tex(
        "\\section{Data}\n\nWe use three sources:\n\\begin{itemize}\n\\item the census;\n\\item the fare tables.\n"
        "\\end{itemize}\n\\medskip\n\\begin{table}[ht]\n  \\centering\n  \\begin{tabular}{lr}\n"
        "    Island & Population \\\\\n    \\hline\n    Hallø & 52 \\\\\n  \\end{tabular}\n"
        "  \\caption{Residents of the smallest island.}\\label{tab:islands}\n\\end{table}\n"
        "\\addcontentsline{toc}{section}{Data and their sources}\n"
        "Fares are in 2020 prices.\n% TODO an earlier draft gave 1990 prices\nThey exclude season tickets.\n"
    )
    for line in ("\\begin{itemize}", "\\medskip", "\\hline", "\\begin{tabular}{lr}", "\\label{tab:islands}"):
        assert line in _blocks(doc, "markup")
    assert "\\addcontentsline{toc}{section}{Data and their sources}" in _blocks(doc, "furniture")
    passages = [c.text for c in chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=200, overlap=0))]
    # The lead-in with its list, the table's header with its rows and caption: one passage, up to
    # the words the contents line prints elsewhere; the comment parts the last two sentences.
    assert passages[0].startswith("Data}\n\nWe use three sources:\n\\begin{itemize}")
    assert passages[0].endswith("Residents of the smallest island.")
    assert "Island & Population" in passages[0] and "Hallø & 52" in passages[0]
    assert passages[1:] == ["Fares are in 2020 prices.", "They exclude season tickets."]


def test_a_note_in_a_heading_is_cited_by_the_heading_and_never_lost() -> None:
    long_figure = "\\begin{figure}\n" + "A panel of text printed inside the figure. " * 10 + "\n\\end{figure}\n"
    doc = _tex(
        "\\section{Colour\\footnote{Spelt the British way.}}\nThe text on colour.\n\n"
        f"\\section{{Hints\\footnote{{A hint on hints.}}}}\n{long_figure}\nThe text on hints.\n"
    )
    assert not doc.warnings
    assert [(n.label, [doc.source[m.start : m.end] for m in n.markers]) for n in doc.footnotes] == [
        ("1", ["\\footnote{"]),
        ("2", ["\\footnote{"]),
    ]
    assert [s.title for s in doc.sections] == ["Colour", "Hints"]
    passages = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=200, overlap=0))
    carrying = {n.label: [c.text for c in passages if n in c.footnotes] for n in doc.footnotes}
    # The heading's passage spans its note; the second heading stands alone before the figure, its
    # note past its end, so the note is a passage of its own rather than in none.
    assert carrying["1"] == ["Colour\\footnote{Spelt the British way.}}\nThe text on colour."]
    assert carrying["2"] == ["A hint on hints."]


def test_a_book_numbers_its_notes_per_chapter() -> None:
    book = load(LATEX / "book.tex")
    assert [(n.label, n.text) for n in book.footnotes] == [
        ("1", "The forum met in Riverton, 2019."),
        ("1", "Water Act 1952, s.~4."),
        ("2", "Licence register, vol.~1."),
        ("3", "Amendment Act 1978."),
        ("1", "Authority circular 7/91."),
        ("2", "Annual Report 2001, p.~3."),
        ("10", "Annual Report 2015, p.~11."),  # after \setcounter{footnote}{9}
    ]
    assert [(s.title, s.level) for s in book.sections] == [
        ("Preface", 1),
        ("Licences", 1),
        ("Renewals", 2),
        ("Meters", 1),
    ]
    assert not book.warnings


@pytest.mark.parametrize(
    ("body", "labels"),
    [
        # An article does not restart at a \chapter it does not have; \footnote[n] steps nothing.
        ("A.\\footnote{a} B.\\footnote[5]{b} C.\\footnote{c}", ["1", "5", "2"]),
        ("A.\\footnote{a}\\setcounter{footnote}{0} B.\\footnote{b}", ["1", "1"]),
        ("A.\\footnote{a}\\addtocounter{footnote}{4} B.\\footnote{b}", ["1", "6"]),
        ("\\renewcommand{\\thefootnote}{\\fnsymbol{footnote}}A.\\footnote{a} B.\\footnote{b}", ["*", "†"]),
        ("\\renewcommand\\thefootnote{\\roman{footnote}}A.\\footnote{a} B.\\footnote{b}", ["i", "ii"]),
        ("\\begin{minipage}{5cm}A.\\footnote{a} B.\\footnote{b}\\end{minipage} C.\\footnote{c}", ["a", "b", "1"]),
        ("A.\\endnote{a} B.\\footnote{b} C.\\endnote{c}", ["1", "1", "2"]),
    ],
)
def test_counters(body: str, labels: list[str]) -> None:
    assert [n.label for n in _tex(body).footnotes] == labels


def test_a_footnotetext_set_apart_is_a_note_block() -> None:
    doc = _tex("Stocks fell.\\footnotemark\n\n\\footnotetext{Ministry figures, 2004.}\n\nPrices rose.")
    (note,) = doc.footnotes
    assert note.text == "Ministry figures, 2004."
    assert doc.source[note.markers[0].start : note.markers[0].end] == "\\footnotemark"
    assert _blocks(doc, "note") == ["Ministry figures, 2004."]
    assert _blocks(doc, "paragraph") == ["Stocks fell.\\footnotemark", "Prices rose."]


def test_no_sectioning_command_named_elsewhere_is_a_heading() -> None:
    doc = parse(
        "\\let\\oldsection\\section\n"
        "\\renewcommand{\\section}[1]{\\oldsection{#1}}\n"
        "Some text about \\verb|\\section{x}| and more.\n\n"
        "\\begin{verbatim}\n\\section{Not a heading}\n\\end{verbatim}\n",
        name="chapter.tex",
    )
    assert _blocks(doc, "heading") == []
    assert doc.title == "chapter"  # no \title: the file's name, not a heading's


def test_an_unclosed_note_is_warned_of_and_kept_as_text() -> None:
    doc = _tex("A claim.\\footnote{Its source, never closed.\n\nNext paragraph.")
    assert doc.footnotes == ()
    assert doc.warnings == ("\\footnote at 49 is not closed",)
    assert "A claim.\\footnote{Its source, never closed." in _blocks(doc, "paragraph")


@pytest.mark.parametrize(
    ("latex", "shown"),
    [
        ("Drawing Down\\\\ A Report", "Drawing Down A Report"),
        ("Caf\\'e in Z\\\"{u}rich \\& Gen\\`eve", "Café in Zürich & Genève"),
        ("\\textbf{Bold} title\\thanks{Funded by X.}\\label{t}", "Bold title"),
        ("2019--2023 and 5\\%~more", "2019–2023 and 5% more"),
    ],
)
def test_titles_read_as_printed(latex: str, shown: str) -> None:
    assert plain(latex) == shown


def test_formats_and_names() -> None:
    assert FORMATS[".tex"] == FORMATS[".latex"] == "latex"
    assert format_of("report.tex") == format_of("REPORT.LATEX") == "latex"
    assert reader_format("latex") == reader_format(".tex") == reader_format("tex") == "latex"
    assert document_id("report.tex") == "report"


def test_a_question_answered_by_a_note_finds_the_passage_that_cites_it(report: Document) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([report])
    question = "Which wells were drilled in 2021 and left out because their records start in mid-year?"
    top = index.search(question, 3)[0]
    note = _note(report, "2")
    # (The notes' text counts against no passage's budget: the summary is one passage, all five notes.)
    assert [n.label for n in top.chunk.footnotes] == ["1", "2", "7", "3", "4"]
    assert report.source[top.citation.start : top.citation.end] == top.chunk.text
    assert "on average.\\footnote{Monitoring" in top.chunk.text
    # The note's words are in the passage only inside the note's braces, never run into its prose.
    assert "average. Monitoring" not in top.chunk.text and "average.Monitoring" not in top.chunk.text
    answer = index.ask(question)
    assert answer.footnotes == (note,)
    assert answer.text == "The two wells drilled in 2021 are left out: their records start in mid-year."
    assert answer.citation is not None and (note.start <= answer.citation.start < answer.citation.end <= note.end)


def test_the_sentences_a_passage_answers_with_leave_its_notes_out(report: Document) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([report])
    answer = index.ask("How far did the aquifer fall each year on average, met from storage?")
    assert answer.text == "The\ngap was met from storage: the aquifer fell by 1.3 metres a year on average."
    assert [n.label for n in answer.footnotes] == ["2"]


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("article", ["1", "2", "3", "4", "5", "6", "7"]),
        ("thesis", ["1", "1", "2", "3", "1", "a", "b", "2", "1", "4"]),
    ],
)
def test_notes_are_labelled_as_pdflatex_prints_them(name: str, labels: list[str]) -> None:
    doc = load(LATEX / f"{name}.tex")
    assert [n.label for n in doc.footnotes] == labels
    assert all(n.markers for n in doc.footnotes)
    assert not doc.warnings


def test_a_mark_in_a_table_cell_or_a_caption_cites_the_text_after_the_float() -> None:
    article = load(LATEX / "article.tex")
    assert article.title == "Ferry Fares and Island Populations, 1990–2020"
    assert article.metadata["author"] == "Ingrid Halvorsen; Tomás Ruiz"
    bridge, deflated = _note(article, "6"), _note(article, "4")
    assert bridge.text == "Joined to the mainland by a bridge in 1997."
    assert "Storøy\\footnotemark & 1210" in article.source[bridge.markers[0].start - 6 : bridge.markers[0].end + 8]
    assert deflated.text.startswith("Deflated by the consumer price index")
    # A table's cells are text (the float around them furniture), so the passage carries the note.
    assert "Hallø & 52 & 27 \\\\\n    Storøy\\footnotemark & 1210 & 1344 \\\\" in _blocks(article, "paragraph")
    assert "prices.\\footnotemark" in " ".join(_blocks(article, "paragraph"))
    assert "Abstract" not in [s.title for s in article.sections]
    assert _blocks(article, "paragraph")[0].startswith("We compare ferry fares")  # the abstract


def test_a_title_from_the_first_heading_is_read_as_printed() -> None:
    doc = parse("\\section{\\emph{Caf\\'e} Notes}\nText.\n", name="notes.tex")
    assert doc.title == "Café Notes"


@pytest.mark.parametrize(
    "text",
    [
        "Text.\\footnote{x " * 20000,
        "\\section{x " * 20000,
        "x \\begin{equation} x " * 20000,
        "\\def\\x{" * 20000,
        "A\\footnotetext{x} " * 20000,
        "A.\\footnote{b}\n%c\n" * 20000,
        "\\begin{figure}\\caption{" * 5000,
    ],
    ids=["notes", "sections", "equations", "defs", "footnotetexts", "comments", "captions"],
)
def test_many_unclosed_or_many_commands_take_no_longer_than_the_text_is_long(text: str) -> None:
    # Each of these took from 12 s to over 3 minutes when every brace was matched by a scan of its own.
    began = time.perf_counter()
    with contextlib.suppress(IngestError):
        parse(text, name="x.tex")
    assert time.perf_counter() - began < 5


_PIECES = [
    *"\\{}[]%$&#^_~ \n",
    "word",
    "Text.",
    "\n\n",
    "\\footnote{",
    "\\footnote[3]{",
    "\\footnotemark",
    "\\footnotetext{",
    "\\section{",
    "\\chapter{",
    "\\begin{itemize}",
    "\\item",
    "\\end{",
    "itemize}",
    "\\begin{figure}",
    "\\caption{",
    "figure}",
    "\\begin{tabular}{ll}",
    "tabular}",
    "\\begin{verbatim}",
    "verbatim}",
    "\\verb|",
    "\\begin{document}",
    "\\end{document}",
    "\\documentclass{book}",
    "\\setcounter{footnote}{",
    "\\begin{minipage}{",
    "\\iffalse",
    "\\fi",
    "\\label{",
    "\\[",
    "$$",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_any_text_reads_with_exact_spans_or_is_refused(pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        doc = parse(text, name="x.tex")
    except IngestError:
        return
    assert doc.source == text
    assert all(0 <= b.start < b.end <= len(text) for b in doc.blocks)
    assert all(a.end <= b.start for a, b in zip(doc.blocks, doc.blocks[1:], strict=False))
    for note in doc.footnotes:
        assert text[note.start : note.end] == note.text
        # A note is cited by its marker(s), or it is a text set apart that nothing marks, and said so.
        assert note.markers or f"note {note.label!r} at {note.start} has no marker in the text" in doc.warnings


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_a_note_written_where_it_is_cited_is_no_part_of_the_citing_sentence(fmt: str) -> None:
    note = "Monitoring wells 14 to 22. The two wells drilled in 2021 are left out: their records start in mid-year."
    cited = "The gap was met from storage: the aquifer fell by 1.3 metres a year on average."
    written = f"{cited}^[{note}]" if fmt == "markdown" else f"{cited}\\footnote{{{note}}}"
    text = f"{written} Three licence holders account for two thirds of the abstraction.\n"
    doc = parse(
        text if fmt == "markdown" else f"\\begin{{document}}\n{text}\\end{{document}}\n",
        name="r.md" if fmt == "markdown" else "r.tex",
    )
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([doc])
    answer = index.ask("How far did the aquifer fall each year on average, met from storage?")
    assert answer.text == cited
    assert [n.text for n in answer.footnotes] == [note]
    answer = index.ask("Which wells were drilled in 2021 and left out because their records start in mid-year?")
    assert answer.text == "The two wells drilled in 2021 are left out: their records start in mid-year."
    assert [n.text for n in answer.footnotes] == [note]
