from __future__ import annotations

import os
import subprocess
import sys
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
    assert sorted(analysed) == sorted(
        f for c in grown.snapshot.chunks if c.document_id == "laos" for f in fields(c, grown.document("laos"))
    )
    analysed.clear()
    grown.add([report("Kuwait", "A survey of 1992.")])  # the same passage, its note changed
    assert "A survey of 1992." in analysed and "A survey of 1991." not in analysed
    assert all(
        c.document_id == "kuwait"
        for c in grown.snapshot.chunks
        if set(fields(c, grown.document(c.document_id))) & set(analysed)
    )

    whole = Index.open(tmp_path / "whole", HashEncoder(), WordTokenizer())
    whole.add(
        [report("Angola", "Field notes."), report("Laos", "Bombing records."), report("Kuwait", "A survey of 1992.")]
    )
    for question in ("clearance of Kuwait", "survey 1992 mines", "bombing records", "1991"):
        ours = dict(zip((c.id for c in grown.snapshot.chunks), grown.snapshot.lexical.scores(question), strict=True))
        fresh = dict(zip((c.id for c in whole.snapshot.chunks), whole.snapshot.lexical.scores(question), strict=True))
        assert ours == fresh, question


QUESTIONS = [
    "How many antipersonnel mines does the United States stockpile?",
    "mines mines mines Kuwait",  # a repeated term counts each time
    "Nairobi declaration 37 million stockpiled mines 2004",
    "zebra unicorn",  # no term in the vocabulary
    "treaty",
]


def test_scores_equal_bm25s_own(briefing: Document) -> None:
    import bm25s

    texts = [briefing.source[b.start : b.end] for b in briefing.blocks]
    ours = Lexical.build(texts)
    theirs = bm25s.BM25(k1=1.2, b=0.75)
    theirs.index([analyze(t) for t in texts], show_progress=False)
    for question in QUESTIONS:
        terms = analyze(question)
        known = [t for t in terms if t in theirs.vocab_dict]
        expected = theirs.get_scores(terms) if known else np.zeros(len(texts))
        assert np.array_equal(ours.scores(question), np.asarray(expected, dtype=np.float32)), question


def _corpora() -> list[tuple[str, list[list[str]]]]:
    """Term lists as bm25s would index them: real text, and random ones (Zipf-like repeats,
    empty texts, texts of one term, one long text among short ones)."""
    from footnoted.corpus import load_briefing

    briefing = load_briefing()
    out = [("briefing blocks", [analyze(briefing.source[b.start : b.end]) for b in briefing.blocks])]
    rng = np.random.default_rng(7)
    for seed in range(4):
        words = [f"w{i}" for i in range(int(rng.integers(5, 400)))]
        weights = 1 / np.arange(1, len(words) + 1)
        texts = []
        for _ in range(int(rng.integers(1, 300))):
            size = int(
                rng.choice([0, 1, int(rng.integers(2, 40)), int(rng.integers(100, 2000))], p=[0.1, 0.1, 0.7, 0.1])
            )
            texts.append([str(w) for w in rng.choice(words, size=size, p=weights / weights.sum())])
        if any(texts):
            out.append((f"random {seed}", texts))
    return out


@pytest.mark.parametrize(("name", "texts"), _corpora(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_matrix_is_bm25s_own_to_the_bit(name: str, texts: list[list[str]]) -> None:
    import bm25s

    theirs = bm25s.BM25(k1=1.2, b=0.75)
    theirs.index(texts, show_progress=False)
    ours = lexical_module._eager_bm25(texts)
    assert set(ours.vocab) == set(theirs.vocab_dict)
    assert ours.fields == theirs.scores["num_docs"] == len(texts)
    assert len(ours.data) == len(theirs.scores["data"])
    data, indices, indptr = (theirs.scores[k] for k in ("data", "indices", "indptr"))
    for term, t in theirs.vocab_dict.items():
        if not term:
            continue
        mine = ours.vocab[term]
        ours_column = slice(ours.indptr[mine], ours.indptr[mine + 1])
        their_column = slice(indptr[t], indptr[t + 1])
        assert np.array_equal(ours.indices[ours_column], indices[their_column]), term
        assert ours.data[ours_column].tobytes() == data[their_column].tobytes(), term
    assert ours.data.dtype == data.dtype and ours.indices.dtype == indices.dtype


def test_the_same_texts_make_the_same_files_in_any_process(tmp_path: Path) -> None:
    # Two processes with other string hashes (bm25s's own term ids followed a set's order).
    script = (
        "import sys; from pathlib import Path; from footnoted.corpus import load_briefing; "
        "from footnoted.index.lexical import Lexical; b = load_briefing(); "
        "Lexical.build([b.source[x.start : x.end] for x in b.blocks]).save(Path(sys.argv[1]))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / seed)], check=True, env=env, timeout=120)
    for path in sorted((tmp_path / "1").iterdir()):
        assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes(), path.name


def test_reads_what_bm25s_writes_and_bm25s_reads_what_it_writes(briefing: Document, tmp_path: Path) -> None:
    import bm25s

    texts = [briefing.source[b.start : b.end] for b in briefing.blocks]
    theirs = bm25s.BM25(k1=1.2, b=0.75)
    theirs.index([analyze(t) for t in texts], show_progress=False)
    theirs.save(str(tmp_path / "theirs"), show_progress=False)
    np.save(tmp_path / "theirs" / "owners.npy", np.arange(len(texts)))
    (tmp_path / "theirs" / "size.txt").write_text(str(len(texts)))
    loaded = Lexical.load(tmp_path / "theirs")

    ours = Lexical.build(texts)
    ours.save(tmp_path / "ours")
    reopened = bm25s.BM25.load(str(tmp_path / "ours"))
    for question in QUESTIONS[:3]:
        expected = np.asarray(theirs.get_scores(analyze(question)), dtype=np.float32)
        assert np.array_equal(loaded.scores(question), expected)
        assert np.array_equal(np.asarray(reopened.get_scores(analyze(question)), dtype=np.float32), expected)


def test_stop_words_are_bm25s_english_list_and_question_words() -> None:
    from bm25s.stopwords import STOPWORDS_EN

    assert set(lexical_module._BM25S_STOPWORDS_EN) == set(STOPWORDS_EN)


@pytest.mark.parametrize(
    ("file", "damage"),
    [
        ("indptr.csc.index.npy", lambda a: a[:-1]),
        ("indices.csc.index.npy", lambda a: a + 1000),
        ("data.csc.index.npy", lambda a: a[:-1]),
    ],
)
def test_arrays_that_disagree_are_refused(tmp_path: Path, file: str, damage: object) -> None:
    Lexical.build(["mines in Kuwait", "mines in Laos", "dogs"]).save(tmp_path / "bm25")
    path = tmp_path / "bm25" / file
    np.save(path, damage(np.load(path)))  # type: ignore[operator]
    with pytest.raises(ValueError, match="BM25"):
        Lexical.load(tmp_path / "bm25")


def test_a_vocabulary_beyond_the_matrix_is_refused(tmp_path: Path) -> None:
    Lexical.build(["mines in Kuwait", "dogs"]).save(tmp_path / "bm25")
    (tmp_path / "bm25" / "vocab.index.json").write_text('{"mine": 0, "kuwait": 99}')
    with pytest.raises(ValueError, match="vocabulary"):
        Lexical.load(tmp_path / "bm25")


def test_opening_and_searching_an_index_imports_neither_bm25s_nor_what_it_brings(
    tmp_path: Path, briefing: Document
) -> None:
    Index.open(tmp_path / "index", HashEncoder(), WordTokenizer()).add([briefing])
    script = f"""
import sys
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer
index = Index.open({str(tmp_path / "index")!r}, HashEncoder(), WordTokenizer())
assert index.search("How many mines does the United States stockpile?", 3, mode="lexical")[0].score > 0
index.ask("How many mines does the United States stockpile?")
print(",".join(m for m in ("bm25s", "numba", "scipy", "torch") if m in sys.modules))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Talks were held in Montréal.", "Montreal"),
        ("Talks were held in Montre\u0301al.", "Montréal"),  # decomposed in the source
        ("A hydro\u00adelectric dam was built.", "hydroelectric"),  # a soft hyphen
        ("The ﬁnal ﬂoor of the oﬃce.", "final floor office"),  # ligatures, as PDF text has them
        ("It was signed in ２００４.", "2004"),  # full-width figures
        ("DIE STRASSE WAR GESPERRT.", "straße"),
        ("It closed in\u200bIstanbul.", "Istanbul"),  # a zero-width space parts words
        ("Die Verhandlungen fanden in İstanbul statt.", "Istanbul"),
        ("الكِتَابُ على الطاولة", "الكتاب"),  # Arabic vowel points are optional
        ("東京大学は大きい。", "大学"),  # Chinese and Japanese: pairs of characters
    ],
)
def test_a_word_is_one_term_however_it_is_written(text: str, question: str) -> None:
    assert set(analyze(question)) <= set(analyze(text)), (analyze(question), analyze(text))


def test_words_of_scripts_with_marks_stay_whole() -> None:
    assert analyze("हिन्दी भाषा") == ["हिन्दी", "भाषा"]


def test_an_index_analysed_by_an_earlier_version_is_analysed_again_as_it_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from footnoted.index import generation

    doc = parse("Talks\n\nThe talks were held in Montréal in 1997.\n".encode(), name="talks.txt")
    with monkeypatch.context() as m:  # as version 1 wrote it: no folding
        m.setattr(lexical_module, "_wide_words", lambda text: lexical_module._TOKEN.findall(text.lower()))
        m.setattr(generation, "ANALYZER", 1)
        Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).add([doc])
        assert not Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).search("Montreal", mode="lexical")
    reopened = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert [h.chunk.document_id for h in reopened.search("Montreal", mode="lexical")] == ["talks"]
