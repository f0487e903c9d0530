"""Folding text for quote matching, and mapping matches back to exact source spans."""

from __future__ import annotations

import unicodedata

import pytest

from footnoted.eval.quotes import find_all, fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("a  b\n\n c", "a b c"),
        ("  padded\t", "padded"),
        ("non\u00a0breaking\u2009thin", "non breaking thin"),
        ("“curly” ‘single’ it’s", "\"curly\" 'single' it's"),
        ("„low‟ ′prime″", '"low" \'prime"'),
        ("en–dash em—dash", "en-dash em-dash"),
        ("wait…", "wait..."),
        ("zero\u200bwidth soft\u00adhyphen", "zerowidth softhyphen"),
        ("\\$1.3 billion, 11\\% \\& \\#4 \\*bold\\*", "$1.3 billion, 11% & #4 *bold*"),
        ("a \\\\$ b \\section", "a \\$ b \\section"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text).text == folded


def test_fold_keeps_the_origin_of_every_character() -> None:
    source = "x  “y” …"
    folded = fold(source)
    assert len(folded.origin) == len(folded.text)
    assert [source[i] for i in folded.origin] == ["x", " ", "“", "y", "”", " ", "…", "…", "…"]
    assert folded.ends == tuple(i + 1 for i in folded.origin)


@pytest.mark.parametrize(("source_form", "quote_form"), [("NFD", "NFC"), ("NFC", "NFD"), ("NFD", "NFD")])
def test_quotes_are_compared_in_normal_form_c(source_form: str, quote_form: str) -> None:
    source = unicodedata.normalize(source_form, "Le Café Royal. 한국 façade")
    for quote in ("Café", "한국", "façade", "é"):
        (span,) = find_all(fold(source), unicodedata.normalize(quote_form, quote))
        # The span holds the whole of the source's characters: a base letter with its combining accent.
        assert source[span.start : span.end] == unicodedata.normalize(source_form, quote)
    assert find_all(fold(source), "Cafe") == []


def test_a_match_maps_back_to_the_exact_source_span() -> None:
    source = "Before.  The U.S.\u00a0“assists”\n   nobody…  After."
    (span,) = find_all(fold(source), 'The U.S. "assists" nobody...')
    assert source[span.start : span.end] == "The U.S.\u00a0“assists”\n   nobody…"


def test_every_occurrence_is_found_overlapping_ones_too() -> None:
    source = "aaa"
    assert [(s.start, s.end) for s in find_all(fold(source), "aa")] == [(0, 2), (1, 3)]


def test_a_quote_of_the_printed_text_matches_latex_as_written() -> None:
    source = "requested a total of \\$1.3 billion, 11\\% of it\\footnote{Budget, p. 4.} for Spider."
    (span,) = find_all(fold(source), "a total of $1.3 billion, 11% of it")
    assert source[span.start : span.end] == "a total of \\$1.3 billion, 11\\% of it"


def test_case_and_markers_are_not_forgiven() -> None:
    folded = fold("mines since 1991.1  It has")
    assert find_all(folded, "Mines since 1991") == []
    assert find_all(folded, "1991. It has") == []
    assert len(find_all(folded, "1991.1 It has")) == 1


def test_an_empty_quote_matches_nothing() -> None:
    assert find_all(fold("text"), " \n ") == []


def test_a_match_begins_and_ends_where_source_characters_do() -> None:
    # "…." folds to "....": the quote "…" is there once, not twice, and never a part of it.
    source = "rare…. Then… more."
    spans = [(s.start, s.end) for s in find_all(fold(source), "…")]
    assert spans == [(4, 5), (11, 12)]
    assert [(s.start, s.end) for s in find_all(fold(source), "..")] == []
    assert [(s.start, s.end) for s in find_all(fold(source), "….")] == [(4, 6)]
