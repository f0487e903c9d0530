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
        spec = json.loads(self._tok.to_str())
        normalizer = spec.get("normalizer")
        self._words: dict[str, int] | None = {} if self.additive and _per_character(normalizer) else None
        self._ascii = _AsciiWordPiece.of(spec) if self._words is not None else None

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
            self._learn(list(new))
        glued = [t for t, parts in zip(texts, split, strict=True) if parts is None]
        direct = iter(self._direct(glued) if glued else [])
        return [next(direct) if parts is None else sum(words[w] for w in parts) for parts in split]

    def _learn(self, distinct: list[str]) -> None:
        """Count words not met before: ASCII ones by the word-piece rules here, the rest by the model."""
        words = self._words
        assert words is not None
        others = distinct
        if self._ascii is not None:
            counted = self._ascii.count
            others = []
            for word in distinct:
                n = counted(word)
                if n is None:
                    others.append(word)
                else:
                    words[word] = n
        if others:
            words.update(zip(others, self._direct(others), strict=True))

    def _direct(self, texts: Sequence[str]) -> list[int]:
        # The fast variant skips character offsets, which a count does not need.
        return [len(e.ids) for e in self._tok.encode_batch_fast(list(texts), add_special_tokens=False)]


class _AsciiWordPiece:
    """A BERT word-piece tokenizer's token count for a word of printable ASCII, read off its vocabulary.

    The model's tokenizer spends about 10 us a word here (its normalizer and pre-tokenizer), this
    about 2. For such a word its rules are short: lower-case it (when the normalizer does); every
    punctuation mark is a token of its own; every run of letters and digits is cut greedily into the
    longest pieces the vocabulary holds, those after the first prefixed (``##``), and a run with no
    such cut, or longer than the longest word the model takes, is one unknown token. Checked against
    the tokenizer on every word of the fixtures and on random ASCII (tests), and once on the 18,292
    ASCII words of 60 pages of the Python docs.
    """

    _PIECES = re.compile(r"[a-z0-9]+|[^a-z0-9]", re.IGNORECASE)

    def __init__(self, vocab: dict[str, int], prefix: str, longest: int, lowercase: bool) -> None:
        self.vocab = vocab
        self.prefix = prefix
        self.longest = longest
        self.lowercase = lowercase

    @classmethod
    def of(cls, spec: dict[str, Any]) -> _AsciiWordPiece | None:
        """The counter for a tokenizer (its JSON) with exactly these rules, else None."""
        normalizer, pre, model = spec.get("normalizer") or {}, spec.get("pre_tokenizer") or {}, spec.get("model") or {}
        if (
            normalizer.get("type") != "BertNormalizer"
            or not normalizer.get("clean_text", True)
            or pre.get("type") != "BertPreTokenizer"
            or model.get("type") != "WordPiece"
            or model.get("unk_token") not in model.get("vocab", {})
        ):
            return None
        return cls(
            model["vocab"],
            model.get("continuing_subword_prefix", "##"),
            int(model.get("max_input_chars_per_word", 100)),
            bool(normalizer.get("lowercase", True)),
        )

    def count(self, word: str) -> int | None:
        """The word's tokens, or None for a word this does not handle (the model counts it)."""
        if not (word.isascii() and word.isprintable()):
            return None  # control characters are deleted by the normalizer; non-ASCII has more rules
        if self.lowercase:
            word = word.lower()
        if word in self.vocab and word.isalnum():
            return 1
        return sum(self._run(p) if p.isalnum() else 1 for p in self._PIECES.findall(word))

    def _run(self, run: str) -> int:
        if len(run) > self.longest:
            return 1
        vocab, prefix = self.vocab, self.prefix
        pieces, start, size = 0, 0, len(run)
        while start < size:
            end = size
            while end > start:
                if (run[start:end] if start == 0 else prefix + run[start:end]) in vocab:
                    break
                end -= 1
            else:
                return 1  # no cut: the whole run is the unknown token
            pieces += 1
            start = end
        return pieces


class WordTokenizer:
    """A deterministic stand-in for tests: words and punctuation marks each count one token."""

    _TOKEN = re.compile(r"\w+|[^\w\s]")
    additive = True

    def count(self, text: str) -> int:
        return len(self._TOKEN.findall(text))
