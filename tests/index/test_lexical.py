from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from footnoted.index import HashEncoder, Index
from footnoted.index import lexical as lexical_module
from footnoted.index.lexical import Lexical, analyze
from footnoted.index.snapshot import lexical_fields as fields
from footnoted.ingest import WordTokenizer, parse
from footnoted.types import Document


def test_analyze_keeps_figures_and_stems_words() -> None:
    terms = analyze("The U.S. stockpiles 10.4 million mines; pp. 1,141-1,142.")
    assert "10.4" in terms
    assert "1,141" in terms
    assert "stockpil" in terms
    assert "mine" in terms
    assert "the" not in terms


def test_bm25_ranks_the_text_with_the_terms(tmp_path: Path) -> None:
    lexical = Lexical.build(["cats and dogs", "mines in Kuwait and Iraq", "nothing relevant"])
    scores = lexical.scores("landmines scattered in Kuwait")
    assert int(np.argmax(scores)) == 1
    lexical.save(tmp_path / "bm25")
    assert np.allclose(Lexical.load(tmp_path / "bm25").scores("Kuwait"), lexical.scores("Kuwait"))


def test_empty_corpus_and_empty_query() -> None:
    assert Lexical.build([]).scores("anything").shape == (0,)
    assert not Lexical.build(["some text"]).scores("the of and").any()


def test_a_chunk_scores_the_sum_of_its_fields(tmp_path: Path) -> None:
    texts = ["Kuwait and Iraq", "mines in Kuwait", "dogs", "Kuwait mines scattered from airplanes"]
    lexical = Lexical.build(texts, owners=[0, 0, 1, 2], size=3)
    alone = Lexical.build(texts)  # the same fields, each its own chunk: the same BM25 statistics
    for query in ("Kuwait mines", "dogs", "airplanes"):
        fields = alone.scores(query)
        assert np.allclose(lexical.scores(query), [fields[0] + fields[1], fields[2], fields[3]])
    lexical.save(tmp_path / "bm25")
    assert np.allclose(Lexical.load(tmp_path / "bm25").scores("Kuwait mines"), lexical.scores("Kuwait mines"))


def test_long_footnotes_do_not_discount_the_body() -> None:
    body = "The stockpile holds 10.4 million antipersonnel mines."
    notes = ["A long note about treaty history, conferences, declarations and reports. " * 8]
    fields = Lexical.build([body, *notes, body], owners=[0, 0, 1], size=2)
    joined = Lexical.build(["\n".join([body, *notes]), body])
    # Scored as fields, the passage that also carries a long note keeps its body's full score;
    # joined into one text, the note's length discounts it.
    assert fields.scores("stockpile")[0] == pytest.approx(fields.scores("stockpile")[1])
    assert joined.scores("stockpile")[0] < 0.9 * joined.scores("stockpile")[1]


def test_fields_must_belong_to_chunks(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="belongs to"):
        Lexical.build(["a text", "another"], owners=[0, 3], size=2)
    Lexical.build(["mines", "Kuwait"], owners=[0, 1], size=2).save(tmp_path / "bm25")
    np.save(tmp_path / "bm25" / "owners.npy", np.array([0, 5]))
    with pytest.raises(ValueError, match="beyond"):
        Lexical.load(tmp_path / "bm25")


def test_adding_to_an_index_analyses_only_the_new_text_and_builds_the_same_bm25(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def report(name: str, note: str) -> Document:
        text = f"{name}\n\nThe clearance of {name} took years and cost lives.[1] Mines remain.\n\n[1] {note}\n"
        return parse(text.encode(), name=f"{name.lower()}.txt")

    analysed: list[str] = []
    real = lexical_module.analyze

    def counting(text: str) -> list[str]:
        analysed.append(text)
        return real(text)

    monkeypatch.setattr(lexical_module, "analyze", counting)
    grown = Index.open(tmp_path / "grown", HashEncoder(), WordTokenizer())
    grown.add([report("Kuwait", "A survey of 1991."), report("Angola", "Field notes.")])
    analysed.clear()
    grown.add([report("Laos", "Bombing records.")])
    assert sorted(analysed) == sorted(f for c in grown.snapshot.chunks if c.document_id == "laos" for f in fields(c))
    analysed.clear()
    grown.add([report("Kuwait", "A survey of 1992.")])  # the same passage, its note changed
    assert "A survey of 1992." in analysed and "A survey of 1991." not in analysed
    assert all(c.document_id == "kuwait" for c in grown.snapshot.chunks if set(fields(c)) & set(analysed))

    whole = Index.open(tmp_path / "whole", HashEncoder(), WordTokenizer())
    whole.add(
        [report("Angola", "Field notes."), report("Laos", "Bombing records."), report("Kuwait", "A survey of 1992.")]
    )
    for question in ("clearance of Kuwait", "survey 1992 mines", "bombing records", "1991"):
        ours = dict(zip((c.id for c in grown.snapshot.chunks), grown.snapshot.lexical.scores(question), strict=True))
        fresh = dict(zip((c.id for c in whole.snapshot.chunks), whole.snapshot.lexical.scores(question), strict=True))
        assert ours == fresh, question
