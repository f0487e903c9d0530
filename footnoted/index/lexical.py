"""BM25 over chunks, as bm25s scores it: a chunk's body and each footnote it carries are scored as fields.

Each field is a BM25 text of its own (its own length normalisation), and a chunk scores the sum
of its fields. Joined into one text, a passage that carries three long notes reads as a long
text, and every term it holds is discounted for that; scored apart, a term in a note counts as
much as it would in a passage of the note's own length. This mirrors the dense side, where the
body and each note are vectors of their own. Measured on the briefing's eval set
(``bench/eval_ablation.py``): lexical hit@1 0.797 joined, 0.855 as fields; hybrid 0.884 and 0.899.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from footnoted.ingest.letters import MARKS

# Figures stay whole ("10.4", "1,141", "1997/1998"); everything else splits into words.
_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
ANALYZER = 2
"""The version of ``analyze``, recorded in a manifest: an index whose BM25 was built by another is
analysed again as it opens. 2 folds text that is not ASCII (below)."""
# Text that is not ASCII is folded first, so that what a reader sees as one word is one term:
# compatibility forms ("ﬁnal", "２００４"), accents ("Montréal", "Montréal" decomposed and
# "Montreal"), case ("STRASSE", "straße"), and characters that show nothing (a soft hyphen in
# "hydro\u00adelectric", joiners, direction marks); a zero-width space is a space. Marks that a
# script's words are written with (Devanagari's vowel signs) stay in the word; the optional ones
# (Arabic and Hebrew vowel points) go with the accents. Chinese and Japanese, written without
# spaces, are cut into overlapping pairs of characters, as search engines cut them.
_INVISIBLE: dict[int, str | None] = {
    ord(c): None for c in "\u00ad\u034f\u061c\u180e\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
}
_INVISIBLE |= {ord(c): None for c in "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"}
_INVISIBLE[0x200B] = " "
_ACCENTS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u064b-\u065f\u0670\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WIDE_TOKEN = re.compile(rf"[{_CJK}]+|\d+(?:[.,/]\d+)*|(?:[^\W\d_]|{MARKS})+(?:['’](?:[^\W\d_]|{MARKS})+)?", re.UNICODE)
# bm25s's English stop words (``bm25s.stopwords.STOPWORDS_EN``; a test keeps the two equal), written
# out so that searching never imports bm25s, and a few question words.
_BM25S_STOPWORDS_EN = (
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
    "they this to was will with"
).split()
_STOPWORDS = frozenset(_BM25S_STOPWORDS_EN) | frozenset("s does did do what which who whom how when why".split())

# The files of a BM25 index, as bm25s writes them (``BM25.save``): indexes written before this
# module read them itself stay readable, and bm25s can still open what it writes.
_ARRAYS = {"data": "data.csc.index.npy", "indices": "indices.csc.index.npy", "indptr": "indptr.csc.index.npy"}
_VOCAB = "vocab.index.json"
_BM25S_FORMAT = "0.3.16"
"""The bm25s version whose files these are (it opens them: a test checks)."""
_PARAMS = "params.index.json"
_COUNTS = "counts.npy"
"""How often each (term, field) of the matrix occurs (not one of bm25s's files; it passes it over)."""


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def analyze(text: str) -> list[str]:
    """Lower-cased, stop words removed, Snowball-stemmed terms; figures are kept as written.

    Terms are interned: an index keeps the terms of every text it holds (see ``Lexical.terms``),
    each a reference to one string."""
    if text.isascii():
        words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS]
    else:
        words = [w for w in _wide_words(text) if w not in _STOPWORDS]
    stems: list[str] = _stemmer().stemWords([w for w in words if not _kept_whole(w)])
    it = iter(stems)
    return [sys.intern(w if _kept_whole(w) else next(it)) for w in words]


def _kept_whole(term: str) -> bool:
    """Figures and pairs of Chinese or Japanese characters are terms as they are, not stemmed."""
    return term[0].isdigit() or "\u3040" <= term[0] <= "\ufaff"


def _wide_words(text: str) -> list[str]:
    folded = _ACCENTS.sub("", unicodedata.normalize("NFKD", text.translate(_INVISIBLE))).casefold()
    folded = folded.replace("’", "'")
    if _CJK_RUN.search(folded):
        folded = _CJK_RUN.sub(r" \g<0> ", folded)
        words: list[str] = []
        for w in _WIDE_TOKEN.findall(folded):
            if _CJK_RUN.fullmatch(w) and len(w) > 1:
                words.extend(w[i : i + 2] for i in range(len(w) - 1))
            else:
                words.append(w)
        return words
    return _WIDE_TOKEN.findall(folded)


class Lexical:
    """A BM25 index over fields that belong to chunks; rebuilt whenever the chunk list changes.

    It is bm25s's eager index: every (term, field) score computed up front, into a sparse matrix by
    term, built here as bm25s builds it (``_eager_bm25``, the same scores to the bit) and saved in
    its files. Scoring a question is a sum of the matrix's columns for its terms, which this class
    does itself over those arrays (the same sums, in the same order and precision), so that no
    path imports bm25s and what it brings (numba, scipy): a third of a second at every start.
    """

    def __init__(
        self,
        matrix: _Matrix | None,
        size: int,
        owners: np.ndarray | None = None,
        counts: np.ndarray | None = None,
    ) -> None:
        self._matrix = matrix
        self.size = size
        """How many chunks the fields belong to."""
        self.owners = np.arange(size, dtype=np.int64) if owners is None else owners
        """The chunk position each field belongs to."""
        self.counts = counts
        """How often each (term, field) of the matrix occurs, entry for entry (None for files bm25s
        wrote, which do not keep them): the next build takes the terms of the fields it keeps from
        here instead of analysing their texts again, and the texts' lengths with them."""

    @property
    def fields(self) -> int:
        return len(self.owners)

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        owners: Sequence[int] | None = None,
        size: int | None = None,
        base: Lexical | None = None,
        kept: Sequence[int] | None = None,
    ) -> Lexical:
        """BM25 over ``texts``; field ``i`` belongs to chunk ``owners[i]`` (each its own chunk when not
        given). Where ``kept[i]`` is not -1, field ``i`` is field ``kept[i]`` of ``base``, the same
        text: its terms are taken from there, and ``texts[i]`` is not read.

        Raises:
            ValueError: a field without a chunk, or ``kept`` names fields ``base`` lacks or cannot give.
        """
        owned = np.arange(len(texts), dtype=np.int64) if owners is None else np.asarray(owners, dtype=np.int64)
        size = len(texts) if size is None else size
        if len(owned) != len(texts) or (len(owned) and (owned.min() < 0 or owned.max() >= size)):
            raise ValueError("every field needs the position of a chunk it belongs to")
        previous = np.full(len(texts), -1, dtype=np.int64) if kept is None else np.asarray(kept, dtype=np.int64)
        reused = previous >= 0
        if len(previous) != len(texts) or (reused.any() and (base is None or previous.max() >= base.fields)):
            raise ValueError("every kept field must be one of the base's")
        if reused.any() and base is not None and base._matrix is not None and base.counts is None:
            raise ValueError("the base keeps no term counts (written by bm25s): analyse its texts again")
        fresh = np.flatnonzero(~reused)
        analysed = [analyze(texts[i]) for i in fresh.tolist()]
        if reused.any() and base is not None and base._matrix is not None:
            entries = _merged(base, previous, _entries(analysed, fresh, _kept_vocab(base)))
        else:
            entries = _entries(analysed, fresh)
        if not len(entries.columns):
            # bm25s fails on a corpus without a single term (stop words, punctuation, symbols only);
            # every score would be zero anyway.
            return cls(None, size, owned)
        matrix, counts = _scored(entries, len(texts))
        return cls(matrix, size, owned, counts)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query``: the sum over its fields (zeros where no term matches)."""
        terms = analyze(query)
        if self._matrix is None or not terms:
            return np.zeros(self.size, dtype=np.float32)
        fields = self._matrix.sums(terms).astype(np.float64)
        return np.bincount(self.owners, weights=fields, minlength=self.size).astype(np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._matrix is not None:
            self._matrix.save(directory)
        if self.counts is not None:
            np.save(directory / _COUNTS, self.counts)
        np.save(directory / "owners.npy", self.owners)
        (directory / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, directory: Path) -> Lexical:
        """Raises ValueError when the files disagree with each other."""
        size = int((directory / "size.txt").read_text())
        owners = np.load(directory / "owners.npy")
        if owners.ndim != 1 or (len(owners) and (owners.min() < 0 or owners.max() >= size)):
            raise ValueError(f"{directory / 'owners.npy'} names chunks beyond the {size} there are")
        if not (directory / _PARAMS).is_file():
            return cls(None, size, owners)  # saved without a matrix: no text had a term
        matrix = _Matrix.load(directory)
        if matrix.fields != len(owners):
            raise ValueError(f"{directory} holds {matrix.fields} BM25 texts but {len(owners)} owners")
        counts = None
        if (directory / _COUNTS).is_file():
            counts = np.load(directory / _COUNTS)
            if (
                counts.dtype.kind not in "iu"
                or counts.ndim != 1
                or len(counts) != len(matrix.data)
                or (len(counts) and counts.min() < 1)
            ):
                raise ValueError(f"{directory / _COUNTS} does not match the BM25 scores beside it")
        return cls(matrix, size, owners, counts)


@dataclass(frozen=True, slots=True)
class _Entries:
    """The (term, field) pairs of a set of texts and how often each occurs, ordered by term, then
    field: term ``columns[i]`` (an index into ``terms``) occurs ``counts[i]`` times in field ``rows[i]``."""

    terms: list[str]
    columns: np.ndarray
    rows: np.ndarray
    counts: np.ndarray


def _entries(analysed: Sequence[list[str]], fields: np.ndarray, vocab: dict[str, int] | None = None) -> _Entries:
    """The entries of texts analysed into ``analysed``, text ``i`` being field ``fields[i]``. Term ids
    follow ``vocab``'s, and go on in order of first appearance (bm25s's follow the order of a set of
    strings, which changes from one process to the next), so the same texts make the same files."""
    vocab = {} if vocab is None else dict(vocab)
    for term in dict.fromkeys(itertools.chain.from_iterable(analysed)):  # distinct terms, in C
        vocab.setdefault(term, len(vocab))
    lengths = np.fromiter(map(len, analysed), dtype=np.int64, count=len(analysed))
    ids = np.fromiter(
        map(vocab.__getitem__, itertools.chain.from_iterable(analysed)), dtype=np.int64, count=int(lengths.sum())
    )
    texts = np.repeat(np.asarray(fields, dtype=np.int64), lengths)
    # One entry per (term, text) that holds it, ordered by term, then text: the matrix's order.
    pairs, counts = np.unique(ids << 32 | texts, return_counts=True)
    return _Entries(list(vocab), pairs >> 32, pairs & 0xFFFFFFFF, counts)


def _kept_vocab(base: Lexical) -> dict[str, int]:
    """The base's terms by id (bm25s's empty term, past the last column, left out)."""
    matrix = base._matrix
    return {} if matrix is None else {t: i for t, i in sorted(matrix.vocab.items(), key=lambda item: item[1]) if t}


def _merged(base: Lexical, previous: np.ndarray, new: _Entries) -> _Entries:
    """``new`` with the entries of the base's fields that are kept, as field ``i`` where
    ``previous[i]`` names one; terms no field holds any more are dropped."""
    matrix, counts = base._matrix, base.counts
    assert matrix is not None and counts is not None
    where = np.full(base.fields, -1, dtype=np.int64)
    kept = np.flatnonzero(previous >= 0)
    where[previous[kept]] = kept
    rows = where[matrix.indices]
    alive = rows >= 0
    columns = np.repeat(np.arange(len(matrix.indptr) - 1, dtype=np.int64), np.diff(matrix.indptr))[alive]
    columns = np.concatenate([columns, new.columns])
    rows = np.concatenate([rows[alive], new.rows])
    frequency = np.concatenate([counts[alive].astype(np.int64), new.counts])
    used = np.bincount(columns, minlength=len(new.terms)) > 0
    terms = new.terms
    if not used.all():
        columns = (np.cumsum(used) - 1)[columns]
        terms = [t for t, u in zip(terms, used.tolist(), strict=True) if u]
    # Two runs, each in (term, field) order (the kept fields keep theirs, as the terms do): a stable
    # sort merges them in one pass.
    order = np.argsort(columns << 32 | rows, kind="stable")
    return _Entries(terms, columns[order], rows[order], frequency[order])


def _scored(entries: _Entries, n: int, k1: float = 1.2, b: float = 0.75) -> tuple[_Matrix, np.ndarray]:
    """The matrix ``bm25s.BM25(k1, b).index(analysed)`` builds over ``n`` texts (its default
    "lucene" scoring), built with numpy from their entries: every score the same to the bit (tests
    compare them), in the same layout and files; and the entries' counts beside it. bm25s counts
    each text's terms in Python, text by text; this sorts all the (term, text) pairs at once.
    Adding a document changes every term's weight, so each write to an index scores the whole
    matrix again, but only the new texts are analysed: the others' counts are kept."""
    columns, rows, frequency = entries.columns, entries.rows, entries.counts
    df = np.bincount(columns, minlength=len(entries.terms))
    lengths = np.bincount(rows, weights=frequency, minlength=n).astype(np.int64)  # each text's terms
    # bm25s computes each idf in Python (math.log, not numpy's) and keeps it in float32.
    distinct, which = np.unique(df, return_inverse=True)
    idf = np.array([math.log(1 + (n - int(d) + 0.5) / (int(d) + 0.5)) for d in distinct], dtype=np.float32)[which]
    # Its term-frequency part, in float64 as bm25s's arithmetic does it (the average length is a
    # numpy float64), the product rounded to float32 once.
    average = lengths.mean()
    tf = frequency.astype(np.float32).astype(np.float64)
    tfc = tf / (k1 * ((1 - b) + b * lengths[rows] / average) + tf)
    data = (idf[columns] * tfc).astype(np.float32)
    indptr = np.zeros(len(entries.terms) + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    vocab = {term: i for i, term in enumerate(entries.terms)}
    vocab.setdefault("", len(vocab))  # bm25s's empty term, given an id past the last column
    params = {
        "k1": k1,
        "b": b,
        "delta": 0.5,
        "method": "lucene",
        "idf_method": "lucene",
        "dtype": "float32",
        "int_dtype": "int32",
        "num_docs": n,
        "version": _BM25S_FORMAT,
        "backend": "numpy",
    }
    return _Matrix(data, rows.astype(np.int32), indptr, vocab, params), _compact(frequency)


def _compact(counts: np.ndarray) -> np.ndarray:
    """Counts in 2 bytes each where every one fits (a term 65,535 times in one field is rare), else 4."""
    return counts.astype(np.uint16 if not len(counts) or int(counts.max()) < 1 << 16 else np.int32)


def _eager_bm25(analysed: Sequence[list[str]], k1: float = 1.2, b: float = 0.75) -> _Matrix:
    """The matrix ``bm25s.BM25(k1, b).index(analysed)`` builds (see ``_scored``)."""
    return _scored(_entries(analysed, np.arange(len(analysed))), len(analysed), k1, b)[0]


class _Matrix:
    """bm25s's precomputed scores: column ``t`` (``indptr[t]:indptr[t + 1]``) holds term ``t``'s
    score in each field that has it (``indices``: the fields, ``data``: the scores)."""

    def __init__(
        self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, vocab: dict[str, int], params: dict[str, Any]
    ) -> None:
        self.data, self.indices, self.indptr, self.vocab, self.params = data, indices, indptr, vocab, params
        self.fields = int(params["num_docs"])

    def sums(self, terms: list[str]) -> np.ndarray:
        """Each field's summed score for ``terms``, as ``bm25s.BM25.get_scores`` sums them: a term
        met twice counts twice, one term after another, in float32."""
        out = np.zeros(self.fields, dtype=self.data.dtype)
        vocab, indptr = self.vocab, self.indptr
        for term in terms:
            t = vocab.get(term)
            if t is not None and term:
                start, end = indptr[t], indptr[t + 1]
                out[self.indices[start:end]] += self.data[start:end]  # a field appears once per column
        return out

    def save(self, directory: Path) -> None:
        for name, file in _ARRAYS.items():
            np.save(directory / file, getattr(self, name))
        (directory / _VOCAB).write_bytes(orjson.dumps(self.vocab))
        (directory / _PARAMS).write_text(json.dumps(self.params, indent=4), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> _Matrix:
        params = json.loads((directory / _PARAMS).read_text(encoding="utf-8"))
        vocab = orjson.loads((directory / _VOCAB).read_bytes())
        data, indices, indptr = (np.load(directory / _ARRAYS[name]) for name in ("data", "indices", "indptr"))
        if not isinstance(params, dict) or not isinstance(vocab, dict):
            raise ValueError(f"{directory}: the BM25 parameters or vocabulary are not JSON objects")
        if params.get("method", "lucene") != "lucene":
            raise ValueError(f"{directory}: BM25 variant {params.get('method')!r} is not supported")
        fields = int(params["num_docs"])
        if not (data.ndim == indices.ndim == indptr.ndim == 1 and len(data) == len(indices)):
            raise ValueError(f"{directory}: the BM25 score arrays do not match")
        if len(indptr) == 0 or indptr[0] != 0 or indptr[-1] != len(data) or np.any(np.diff(indptr) < 0):
            raise ValueError(f"{directory}: the BM25 term offsets do not match its scores")
        if len(indices) and (indices.min() < 0 or indices.max() >= fields):
            raise ValueError(f"{directory}: the BM25 scores name texts beyond the {fields} there are")
        # bm25s gives the empty term an id past the last column.
        columns = len(indptr) - 1
        if any(not isinstance(t, int) or not 0 <= t < columns for term, t in vocab.items() if term):
            raise ValueError(f"{directory}: the BM25 vocabulary names terms beyond the {columns} it scores")
        return cls(data, indices, indptr, vocab, params)
