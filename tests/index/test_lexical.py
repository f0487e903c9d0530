from __future__ import annotations

from pathlib import Path

import numpy as np

from footnoted.index.lexical import Lexical, analyze


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
