"""Counting text in the embedding model's own tokens, so chunk budgets are exact."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol


class Tokenizer(Protocol):
    """Counts the tokens the encoder will see for a text (special tokens excluded)."""

    def count(self, text: str) -> int: ...


# Normalizers that change each character on its own, never across a space.
_PER_CHARACTER = {"BertNormalizer", "Lowercase", "NFC", "NFD", "NFKC", "NFKD", "StripAccents"}
# White space to Python's str.split() that a BERT normalizer deletes instead, gluing its neighbours
# into one word (checked against the real tokenizer over every character, in the tests).
_GLUED_BY_MODEL = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_WORD_MEMO = 200_000


def _per_character(normalizer: dict[str, Any] | None) -> bool:
    """Whether a tokenizer's normalizer (its JSON) changes each character on its own."""
    if normalizer is None:
        return True
    if normalizer.get("type") == "Sequence":
        return all(_per_character(n) for n in normalizer.get("normalizers", []))
    return normalizer.get("type") in _PER_CHARACTER


class ModelTokenizer:
    """The model's own tokenizer, read from its ``tokenizer.json`` (no torch needed).

    Chunking counts the same words over and over (every unit, every piece the splitter tries, every
    sentence). Where counts add up over white space, a text's count is the sum of its words', and
    each distinct word is tokenized once (in batches) and remembered: the counts are the
    tokenizer's own, exactly, at a fraction of the cost.
    """

    def __init__(self, tokenizer_json: str | Path) -> None:
        from tokenizers import Tokenizer as HFTokenizer

        self._tok = HFTokenizer.from_file(str(tokenizer_json))
        self._tok.no_truncation()
        self._tok.no_padding()
        # A word-piece tokenizer splits on whitespace before anything else, so the tokens of two
        # texts joined by whitespace are exactly the tokens of each: counts add up.
        self.additive = type(self._tok.pre_tokenizer).__name__ in ("BertPreTokenizer", "Whitespace", "WhitespaceSplit")
        normalizer = json.loads(self._tok.to_str()).get("normalizer")
        self._words: dict[str, int] | None = {} if self.additive and _per_character(normalizer) else None

    def count(self, text: str) -> int:
        return self.count_batch([text])[0]

    def count_batch(self, texts: Sequence[str]) -> list[int]:
        words = self._words
        if words is None:
            return self._direct(texts)
        split = [None if _GLUED_BY_MODEL.search(t) else t.split() for t in texts]
        new = {w for parts in split if parts is not None for w in parts if w not in words}
        if new:
            if len(words) + len(new) > _WORD_MEMO:
                # A bound on memory over a long ingest: start afresh with these texts' words (the
                # ones they share with the texts before are forgotten too).
                words.clear()
                new = {w for parts in split if parts is not None for w in parts}
            distinct = list(new)
            words.update(zip(distinct, self._direct(distinct), strict=True))
        glued = [t for t, parts in zip(texts, split, strict=True) if parts is None]
        direct = iter(self._direct(glued) if glued else [])
        return [next(direct) if parts is None else sum(words[w] for w in parts) for parts in split]

    def _direct(self, texts: Sequence[str]) -> list[int]:
        # The fast variant skips character offsets, which a count does not need.
        return [len(e.ids) for e in self._tok.encode_batch_fast(list(texts), add_special_tokens=False)]


class WordTokenizer:
    """A deterministic stand-in for tests: words and punctuation marks each count one token."""

    _TOKEN = re.compile(r"\w+|[^\w\s]")
    additive = True

    def count(self, text: str) -> int:
        return len(self._TOKEN.findall(text))
