"""BM25 over chunks, with bm25s: a chunk's body and each footnote it carries are scored as fields.

Each field is a BM25 text of its own (its own length normalisation), and a chunk scores the sum
of its fields. Joined into one text, a passage that carries three long notes reads as a long
text, and every term it holds is discounted for that; scored apart, a term in a note counts as
much as it would in a passage of the note's own length. This mirrors the dense side, where the
body and each note are vectors of their own. Measured on the briefing's eval set
(``bench/eval_ablation.py``): lexical hit@1 0.797 joined, 0.855 as fields; hybrid 0.884 and 0.899.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

# bm25s sets its own logger to DEBUG, so its "Building index from tokens" reached the server's
# JSON-lines log as a line of plain text.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Figures stay whole ("10.4", "1,141", "1997/1998"); everything else splits into words.
_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_STOPWORDS = frozenset(STOPWORDS_EN) | {"s", "does", "did", "do", "what", "which", "who", "whom", "how", "when", "why"}


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def analyze(text: str) -> list[str]:
    """Lower-cased, stop words removed, Snowball-stemmed terms; figures are kept as written.

    Terms are interned: an index keeps the terms of every text it holds (see ``Lexical.terms``),
    each a reference to one string."""
    words = [w for w in _TOKEN.findall(text.lower().replace("’", "'")) if w not in _STOPWORDS]
    stems: list[str] = _stemmer().stemWords([w for w in words if not w[0].isdigit()])
    it = iter(stems)
    return [sys.intern(w if w[0].isdigit() else next(it)) for w in words]


class Lexical:
    """A BM25 index over fields that belong to chunks; rebuilt whenever the chunk list changes."""

    def __init__(
        self,
        retriever: bm25s.BM25 | None,
        size: int,
        owners: np.ndarray | None = None,
        terms: list[list[str]] | None = None,
    ) -> None:
        self._retriever = retriever
        self.size = size
        """How many chunks the fields belong to."""
        self.owners = np.arange(size, dtype=np.int64) if owners is None else owners
        """The chunk position each field belongs to."""
        self.terms = terms
        """Each field's terms, as built (None once loaded from disk): the next build over the same
        texts takes them instead of analysing the texts again."""

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        owners: Sequence[int] | None = None,
        size: int | None = None,
        terms: Sequence[list[str] | None] | None = None,
    ) -> Lexical:
        """BM25 over ``texts``; field ``i`` belongs to chunk ``owners[i]`` (each its own chunk when not
        given). ``terms[i]``, where given, are the terms ``analyze(texts[i])`` would give."""
        owned = np.arange(len(texts), dtype=np.int64) if owners is None else np.asarray(owners, dtype=np.int64)
        size = len(texts) if size is None else size
        if len(owned) != len(texts) or (len(owned) and (owned.min() < 0 or owned.max() >= size)):
            raise ValueError("every field needs the position of a chunk it belongs to")
        known = terms if terms is not None else [None] * len(texts)
        analysed = [analyze(t) if k is None else k for t, k in zip(texts, known, strict=True)]
        if not any(analysed):
            # bm25s fails on a corpus without a single term (stop words, punctuation, symbols only);
            # every score would be zero anyway.
            return cls(None, size, owned, analysed)
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(analysed, show_progress=False)
        return cls(retriever, size, owned, analysed)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query``: the sum over its fields (zeros where no term matches)."""
        terms = analyze(query)
        if self._retriever is None or not terms:
            return np.zeros(self.size, dtype=np.float32)
        fields = np.asarray(self._retriever.get_scores(terms), dtype=np.float64)
        return np.bincount(self.owners, weights=fields, minlength=self.size).astype(np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(directory), show_progress=False)
        np.save(directory / "owners.npy", self.owners)
        (directory / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, directory: Path) -> Lexical:
        """Raises ValueError when the files disagree with each other."""
        size = int((directory / "size.txt").read_text())
        owners = np.load(directory / "owners.npy")
        if owners.ndim != 1 or (len(owners) and (owners.min() < 0 or owners.max() >= size)):
            raise ValueError(f"{directory / 'owners.npy'} names chunks beyond the {size} there are")
        if not (directory / "params.index.json").is_file():
            return cls(None, size, owners)  # saved without a retriever: no text had a term
        retriever = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        fields = int(retriever.scores["num_docs"])
        if fields != len(owners):
            raise ValueError(f"{directory} holds {fields} BM25 texts but {len(owners)} owners")
        return cls(retriever, size, owners)
