from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from footnoted.corpus import load_briefing
from footnoted.errors import InvalidQuery
from footnoted.index import HashEncoder, Index
from footnoted.index.encoder import Kind
from footnoted.index.search import Ranking, rrf, zscore
from footnoted.ingest import WordTokenizer


def ranking(positions: list[int]) -> Ranking:
    return Ranking(np.asarray(positions, dtype=np.int64), np.linspace(1.0, 0.5, len(positions), dtype=np.float32))


def test_rrf_orders_a_tie_by_position_at_any_depth() -> None:
    # Chunk 4 is first in one list and third in the other, chunk 3 the other way round: equal scores.
    dense, lexical = ranking([4, 3, 1]), ranking([3, 4, 5])
    full = rrf([dense, lexical], 10)
    assert full.scores[0] == full.scores[1]
    assert full.positions[:2].tolist() == [3, 4]
    assert rrf([dense, lexical], 1).positions.tolist() == [3]


@given(st.permutations(range(12)), st.permutations(range(12)), st.integers(1, 12))
def test_the_top_k_is_the_start_of_the_whole_ranking(first: list[int], second: list[int], k: int) -> None:
    rankings = [ranking(first), ranking(second[: len(second) - 3])]
    whole = rrf(rankings, 12)
    top = rrf(rankings, k)
    assert top.positions.tolist() == whole.positions[:k].tolist()
    assert np.array_equal(top.scores, whole.scores[:k])


def scored(pairs: list[tuple[int, float]]) -> Ranking:
    return Ranking(np.asarray([p for p, _ in pairs], dtype=np.int64), np.asarray([s for _, s in pairs], np.float32))


def test_zscore_keeps_a_list_that_is_sure_of_its_first_ahead_of_one_that_is_not() -> None:
    # BM25 far surer of chunk 7 than of the rest; the question's vector nearly flat, 7 fifth.
    dense = scored([(1, 0.62), (2, 0.61), (3, 0.61), (4, 0.60), (7, 0.60), (5, 0.59)])
    lexical = scored([(7, 14.0), (2, 3.1), (1, 2.9), (8, 2.8), (9, 2.7)])
    assert zscore(dense, lexical, 3).positions.tolist()[0] == 7
    assert rrf([dense, lexical], 3).positions.tolist()[0] != 7  # where reciprocal ranks lose it


def test_zscore_gives_a_passage_one_list_missed_that_lists_lowest_score() -> None:
    dense, lexical = scored([(1, 0.9), (2, 0.5), (3, 0.1)]), scored([(2, 4.0), (4, 2.0)])
    fused = zscore(dense, lexical, 10)
    by = dict(zip(fused.positions.tolist(), fused.scores.tolist(), strict=True))
    z_dense = {1: 1.2247, 2: 0.0, 3: -1.2247}  # (s - mean) / std over the list
    z_lexical = {2: 1.0, 4: -1.0}
    for position in (1, 2, 3, 4):
        expected = 0.5 * z_dense.get(position, -1.2247) + 0.5 * z_lexical.get(position, -1.0)
        assert by[position] == pytest.approx(expected, abs=1e-3)
    assert fused.positions.tolist() == [2, 1, 3, 4]  # 3 and 4 tie (last in one, missed by the other)


def test_zscore_of_a_list_with_one_passage_or_none_takes_the_other_lists_order() -> None:
    dense = scored([(5, 0.7), (6, 0.4), (7, 0.2)])
    assert zscore(dense, scored([]), 3).positions.tolist() == [5, 6, 7]
    assert zscore(dense, scored([(6, 3.0)]), 3).positions.tolist() == [5, 6, 7]  # one score: no spread
    assert zscore(scored([]), scored([]), 3).positions.tolist() == []


class _Counting:
    """A hash encoder that counts its calls."""

    def __init__(self) -> None:
        self.inner = HashEncoder()
        self.model_id, self.dimension, self.max_tokens = (
            self.inner.model_id,
            self.inner.dimension,
            self.inner.max_tokens,
        )
        self.calls = 0

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        self.calls += 1
        return self.inner.encode(texts, kind)


def test_a_question_vector_given_is_used_as_is_and_nothing_is_encoded() -> None:
    encoder = _Counting()
    index = Index.memory(encoder, WordTokenizer())
    index.add([load_briefing()])
    question = "How many antipersonnel mines does the United States stockpile?"
    assert index.cached_query(question) is None
    encoded = index.search(question, 3)
    vector = index.cached_query(question)
    assert vector is not None  # remembered by the search that encoded it
    calls = encoder.calls
    given_hits = index.search(question, 3, query=vector)
    given_answer = index.ask(question, 3, query=vector)
    assert encoder.calls == calls
    assert [h.chunk.id for h in given_hits] == [h.chunk.id for h in encoded]
    assert given_answer.text == index.ask(question, 3).text
    # Another vector changes the dense ranking: it is not ignored in favour of the question's own.
    other = index.encode_query("exports to South Korea")
    dense_given = index.search(question, 3, mode="dense", query=other)
    assert [h.chunk.id for h in dense_given] == [
        h.chunk.id for h in index.search("exports to South Korea", 3, mode="dense")
    ]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"query": np.zeros(10, np.float32)}, "query must be a vector of 256 finite numbers"),
        ({"query": np.zeros((1, 256), np.float32)}, "not one of shape (1, 256)"),
        ({"query": np.full(256, np.nan, np.float32)}, "finite numbers"),
        ({"k": 2.5}, "k must be a whole number from 1, not 2.5"),
        ({"k": True}, "not True"),
        ({"k": 0}, "not 0"),
    ],
)
def test_a_bad_question_vector_or_k_is_an_invalid_query(bad: dict[str, Any], message: str) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    with pytest.raises(InvalidQuery, match=re.escape(message)):
        index.search("stockpile", **bad)
    with pytest.raises(InvalidQuery, match=re.escape(message)):
        index.ask("stockpile", **bad)


@pytest.mark.parametrize(
    ("question", "bad", "message"),
    [
        ("mines \ud800", {}, "half of a character (a lone surrogate)"),
        ("\ud83d\ude00 mines", {}, "half of a character"),
        (123, {}, "the question must be a string, not int"),
        ("mines", {"mode": ""}, "mode must be one of dense, lexical, hybrid, not ''"),
    ],
)
def test_a_question_that_is_not_text_or_an_empty_mode_is_an_invalid_query(
    question: Any, bad: dict[str, Any], message: str
) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    with pytest.raises(InvalidQuery, match=re.escape(message)):
        index.search(question, **bad)
    with pytest.raises(InvalidQuery, match=re.escape(message)):
        index.ask(question, **bad)


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("\u200b", "U+200B"),  # a zero-width space
        ("\ufeff \u2060\u00ad", "U+FEFF, U+2060, U+00AD"),  # a byte-order mark, a word joiner, a soft hyphen
        ("\u200e\x00\x01\u200f", "U+200E, U+0000, U+0001, U+200F"),  # direction marks and controls
    ],
)
def test_a_question_of_characters_never_seen_is_empty_and_not_encoded(question: str, shown: str) -> None:
    # Searched, it would be a question with no words: any passage at all, at an arbitrary score.
    encoder = _Counting()
    index = Index.memory(encoder, WordTokenizer())
    index.add([load_briefing()])
    encoder.calls = 0
    for mode in ("dense", "lexical", "hybrid"):
        with pytest.raises(
            InvalidQuery,
            match=re.escape(f"the question is empty: it holds only characters that are not seen ({shown})"),
        ):
            index.search(question, mode=mode)  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery, match="the question is empty: "):
        index.ask(question)
    assert encoder.calls == 0
    # Beside a word they change nothing a reader sees, and the question is asked.
    assert index.search(f"{question}stockpile", k=1)[0].chunk.text


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda ix: ix.encode_query(None), InvalidQuery, "the question is empty"),
        (lambda ix: ix.encode_query("  "), InvalidQuery, "the question is empty"),
        (
            lambda ix: ix.search("stockpile", query="abc"),
            InvalidQuery,
            "query must be a vector of 256 finite numbers, not str",
        ),
        (lambda ix: ix.search("stockpile", query=object()), InvalidQuery, "not object"),
        (
            lambda ix: ix.search("stockpile", document_ids=5),
            InvalidQuery,
            "document_ids must be a document id or a list",
        ),
        (lambda ix: ix.ask("stockpile", document_ids=[["a"]]), InvalidQuery, "document_ids must be"),
        (
            lambda ix: ix.add(["report.txt"]),
            TypeError,
            "Index.add takes Documents, not str: read a file with footnoted.load",
        ),
        (lambda ix: ix.add([None]), TypeError, "not NoneType"),
        (lambda ix: ix.remove(["a"]), TypeError, "Index.remove takes document ids (strings), not list"),
    ],
)
def test_arguments_of_the_wrong_kind_are_said_to_be(call: Any, error: type[Exception], message: str) -> None:
    # Each a clear error of its own kind, never an AttributeError from deep inside; nothing stored changes.
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    before = index.snapshot
    with pytest.raises(error, match=re.escape(message)):
        call(index)
    assert index.snapshot is before


def test_a_setting_an_index_does_not_have_is_refused_before_it_reaches_a_manifest(tmp_path: Path) -> None:
    from footnoted.index.config import IndexConfig
    from footnoted.ingest.chunk import ChunkSettings

    for bad, message in (
        ({"store": "foo"}, "store must be one of flat, flat16, hnsw, not 'foo'"),
        ({"mode": "fuzzy"}, "mode must be one of"),
        ({"rrf_k": 0}, "rrf_k must be a whole number from 1"),
    ):
        with pytest.raises(ValueError, match=re.escape(message)):
            IndexConfig(**bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape("max_tokens must be a whole number of tokens, not '100'")):
        ChunkSettings("100")  # type: ignore[arg-type]
    index = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    with pytest.raises(ValueError, match="store must be one of"):
        Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer(), store="foo")  # type: ignore[arg-type]
    assert Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).config.store == "flat"


def test_one_document_id_given_as_a_string_is_that_id() -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    hits = index.search("stockpile", 3, document_ids="back-in-business-2005")
    assert hits and {h.chunk.document_id for h in hits} == {"back-in-business-2005"}


@pytest.mark.parametrize("empty", [[], (), set()])
def test_an_empty_document_filter_is_an_invalid_query(empty: Sequence[str]) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    message = "the document filter is empty: name at least one document id, or leave it out"
    for call in (index.search, index.ask):
        with pytest.raises(InvalidQuery, match=re.escape(message)):
            call("stockpile", document_ids=empty)


def _opened(tmp_path: Path, **setting: Any) -> tuple[Index, Index]:
    """The briefing's index opened twice: with no setting, and with ``setting``."""
    from footnoted import Settings, open_index

    encoder = (HashEncoder(256), WordTokenizer())
    where = tmp_path / "ix"
    open_index(Settings(home=tmp_path, encoder="hash"), where, encoder=encoder, create=True).add([load_briefing()])
    own = open_index(Settings(home=tmp_path, encoder="hash"), where, encoder=encoder)
    return own, open_index(Settings(home=tmp_path, encoder="hash", **setting), where, encoder=encoder)


def test_open_index_takes_the_settings_mode_for_questions_that_name_none(tmp_path: Path) -> None:
    question = "antivehicle mines exported to South Korea"
    own, lexical = _opened(tmp_path, mode="lexical")
    assert own.config.mode == lexical.config.mode == "hybrid"  # the stored mode is not changed
    by_lexical = [h.score for h in own.search(question, 5, mode="lexical")]
    assert [h.score for h in own.search(question, 5)] != by_lexical
    assert [h.score for h in lexical.search(question, 5)] == by_lexical
    assert [p.score for p in lexical.ask(question, 5).passages] == by_lexical
    # A question that names its mode keeps it.
    assert [h.score for h in lexical.search(question, 5, mode="hybrid")] == [h.score for h in own.search(question, 5)]


def test_open_index_takes_the_settings_fusion_and_the_index_keeps_its_own(tmp_path: Path) -> None:
    from typing import get_args

    from footnoted.index import search
    from footnoted.settings import Fusion

    assert get_args(Fusion) == get_args(search.Fusion) == search.FUSIONS  # the settings name every fusion
    question = "antivehicle mines exported to South Korea"
    own, fused = _opened(tmp_path, fusion="zscore")
    assert own.config.fusion == fused.config.fusion == "rrf" and fused.fusion == "zscore"
    lists = own.rankings(question, 50)
    expected = search.zscore(lists["dense"], lists["lexical"], 5)
    assert [h.chunk.id for h in fused.search(question, 5)] == [own.snapshot.chunks[p].id for p in expected.positions]
    assert [h.score for h in fused.search(question, 5)] == pytest.approx(expected.scores.tolist())
    assert [h.score for h in own.search(question, 5)] != [h.score for h in fused.search(question, 5)]
    # A question may name its own fusion, as it may its mode.
    assert [h.score for h in own.search(question, 5, fusion="zscore")] == [h.score for h in fused.search(question, 5)]
    assert [p.score for p in own.ask(question, 5, fusion="zscore").passages] == [
        h.score for h in fused.search(question, 5)
    ]
    assert [h.score for h in fused.search(question, 5, fusion="rrf")] == [h.score for h in own.search(question, 5)]
    with pytest.raises(InvalidQuery, match="fusion must be one of rrf, zscore, convex, not 'mean'"):
        own.search(question, 5, fusion="mean")  # type: ignore[arg-type]


def test_open_index_takes_a_path_as_a_string(tmp_path: Path) -> None:
    from footnoted import Settings, open_index

    index = open_index(Settings(home=tmp_path / "home", encoder="hash"), str(tmp_path / "mine"), create=True)
    index.add([load_briefing()])
    assert index.path == tmp_path / "mine"
