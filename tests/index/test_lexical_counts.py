"""BM25 kept up to date without analysing the index's text again.

Each generation keeps how often each (term, field) occurs (``lexical/counts.npy``), so a process
that opens an index and adds a document analyses only that document's text: before, the first
write of every process analysed every field of the index again (at 35,000 passages, 19 of the 23 s
that adding one document took). The scores must be exactly those of BM25 built afresh over the
same chunks.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from footnoted.index import HashEncoder, Index
from footnoted.index import lexical as lexical_module
from footnoted.index.lexical import Lexical
from footnoted.index.snapshot import build_lexical
from footnoted.index.store import manifest_digest
from footnoted.ingest import WordTokenizer, parse
from footnoted.types import Document

WORDS = "mine mines stockpile treaty export Kuwait Laos ban production 1997 10.4 clearance field survey".split()
QUESTIONS = [
    "mines exported to Kuwait",
    "treaty ban production",
    "stockpile of 10.4 million",
    "clearance survey in Laos 1997",
    "nothing matches this",
]


def report(rng: random.Random, name: str, notes: int = 3) -> Document:
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40))) + f".[^{i}]" for i in range(notes)]
    bodies = [f"[^{i}]: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12))) + "." for i in range(notes)]
    return parse("# " + name + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n".join(bodies) + "\n", name=f"{name}.md")


def afresh(index: Index) -> Lexical:
    snap = index.snapshot
    return build_lexical(snap.chunks, snap.documents)


def assert_same_scores(ours: Lexical, theirs: Lexical) -> None:
    for question in QUESTIONS:
        assert ours.scores(question).tobytes() == theirs.scores(question).tobytes(), question


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    analyze: Callable[[str], list[str]] = lexical_module.analyze

    def counted(text: str) -> list[str]:
        seen.append(text)
        return analyze(text)

    monkeypatch.setattr(lexical_module, "analyze", counted)
    return seen


def open_index(path: Path) -> Index:
    return Index.open(path, HashEncoder(), WordTokenizer())


def test_adding_to_an_opened_index_analyses_only_the_new_documents_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(3)
    open_index(tmp_path / "ix").add([report(rng, f"r{i}") for i in range(6)])
    index = open_index(tmp_path / "ix")  # as a new process opens it: no terms in memory
    new = report(rng, "new")
    seen = counting(monkeypatch)
    index.add([new])
    fields = {c.text for c in index.snapshot.chunks if c.document_id == "new"}
    fields |= {n.text for n in new.footnotes}
    assert seen and set(seen) <= fields, "analysed text of documents the index already held"
    monkeypatch.undo()
    assert_same_scores(index.snapshot.lexical, afresh(index))


@pytest.mark.parametrize("seed", range(6))
def test_adds_replacements_and_removals_score_as_bm25_built_afresh(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    names = [f"r{i}" for i in range(8)]
    index = open_index(tmp_path / "ix")
    for _ in range(8):
        index = open_index(tmp_path / "ix") if rng.random() < 0.5 else index  # sometimes a new process
        held = sorted(index.documents)
        action = rng.choice(["add", "add", "replace", "remove"]) if held else "add"
        if action == "remove":
            index.remove(rng.choice(held))
        else:
            index.add([report(rng, rng.choice(names), notes=rng.randint(0, 4)) for _ in range(rng.randint(1, 3))])
        assert_same_scores(index.snapshot.lexical, afresh(index))
        assert_same_scores(open_index(tmp_path / "ix").snapshot.lexical, afresh(index))


def test_the_counts_are_each_fields_terms(tmp_path: Path) -> None:
    texts = ["mines mines in Kuwait", "the treaty", "", "Kuwait mines 1997 1997 1997"]
    built = Lexical.build(texts)
    built.save(tmp_path / "bm25")
    loaded = Lexical.load(tmp_path / "bm25")
    assert loaded.counts is not None and built.counts is not None
    assert np.array_equal(loaded.counts, built.counts)
    matrix = loaded._matrix
    assert matrix is not None
    terms = {i: t for t, i in matrix.vocab.items()}
    found: dict[int, dict[str, int]] = {}
    for column in range(len(matrix.indptr) - 1):
        for at in range(matrix.indptr[column], matrix.indptr[column + 1]):
            found.setdefault(int(matrix.indices[at]), {})[terms[column]] = int(loaded.counts[at])
    expected = {}
    for field, text in enumerate(texts):
        analysed = lexical_module.analyze(text)
        if analysed:
            expected[field] = {t: analysed.count(t) for t in analysed}
    assert found == expected


def test_counts_take_two_bytes_each_unless_one_needs_more(tmp_path: Path) -> None:
    small = Lexical.build(["mines mines in Kuwait", "the treaty"])
    assert small.counts is not None and small.counts.dtype == np.uint16
    # A term 70,000 times in one field: still counted exactly, in four bytes, and kept so.
    big = Lexical.build(["mines " * 70_000 + "Kuwait", "mines in Laos"])
    assert big.counts is not None and big.counts.dtype == np.int32 and int(big.counts.max()) == 70_000
    big.save(tmp_path / "bm25")
    loaded = Lexical.load(tmp_path / "bm25")
    assert loaded.counts is not None and np.array_equal(loaded.counts, big.counts)
    grown = Lexical.build(["", "", "more mines"], [0, 1, 2], 3, loaded, [0, 1, -1])
    assert_same_scores(grown, Lexical.build(["mines " * 70_000 + "Kuwait", "mines in Laos", "more mines"]))


def test_an_index_written_without_counts_is_analysed_once_then_keeps_them(tmp_path: Path) -> None:
    rng = random.Random(5)
    open_index(tmp_path / "ix").add([report(rng, f"r{i}") for i in range(4)])
    current = tmp_path / "ix"
    for counts in current.glob("generations/*/lexical/counts.npy"):
        # As footnoted wrote it before it kept counts (its manifest then listed no such file).
        manifest_path = counts.parents[1] / "manifest.json"
        manifest = json.loads(manifest_path.read_text())
        del manifest["files"]["lexical/counts.npy"]
        del manifest["checksum"]
        manifest["checksum"] = manifest_digest(manifest)
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        counts.unlink()
    index = open_index(current)
    assert index.snapshot.lexical.counts is None
    index.add([report(rng, "new")])
    assert index.snapshot.lexical.counts is not None
    assert_same_scores(index.snapshot.lexical, afresh(index))
    assert list(current.glob(f"generations/gen-{index.snapshot.generation:06d}/lexical/counts.npy"))


@pytest.mark.parametrize(
    "damage",
    [lambda a: a[:-1], lambda a: a * 0, lambda a: a.reshape(1, -1), lambda a: a.astype(np.float32)],
    ids=["short", "zero", "shape", "not counts"],
)
def test_counts_that_disagree_with_the_scores_are_refused(
    tmp_path: Path, damage: Callable[[np.ndarray], np.ndarray]
) -> None:
    Lexical.build(["mines in Kuwait", "mines in Laos", "dogs"]).save(tmp_path / "bm25")
    path = tmp_path / "bm25" / "counts.npy"
    np.save(path, damage(np.load(path)))
    with pytest.raises(ValueError, match=r"counts\.npy"):
        Lexical.load(tmp_path / "bm25")


def test_kept_fields_must_be_the_bases() -> None:
    base = Lexical.build(["mines in Kuwait", "dogs"])
    with pytest.raises(ValueError, match="kept field"):
        Lexical.build(["", "cats"], base=base, kept=[5, -1])
    with pytest.raises(ValueError, match="kept field"):
        Lexical.build(["", "cats"], kept=[0, -1])
