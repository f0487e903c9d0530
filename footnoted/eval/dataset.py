"""Eval sets: questions with gold evidence, resolved to exact character spans when they are loaded.

The footnoted format is JSONL, one question a line (blank lines are skipped)::

    {"id": "q7", "question": "How many mines does the US stockpile?",
     "evidence": ["The United States still stockpiles 10.4 million antipersonnel mines"],
     "document": "back-in-business-2005", "tags": ["body", "numeric"]}

- ``id``: unique within the set, without whitespace (it is written to TREC files).
- ``question``: the question as a user would ask it.
- ``evidence``: one or more quotes from the document. Each is found in the source with whitespace
  and quote marks forgiven (see ``footnoted.eval.quotes``) and becomes a gold span. A quote that
  occurs more than once needs a hint; the item is then an object::

      {"quote": "Ibid.", "context": "mines.8 ... [8] Ibid."}   a longer passage around the quote that
                                                             occurs once and holds the quote once
      {"quote": "Ibid.", "occurrence": 2}                    the 2nd match in source order
                                                             (within the context, if both are given)

- ``document`` (optional): the id of the document the quotes come from. Without it, each quote
  must be found in exactly one document of the index.
- ``tags`` (optional): labels for figures per tag (``body``, ``footnote``, ``numeric``, ...).

Because gold evidence is a span of the source, not a chunk id, re-chunking never invalidates a set.

BEIR-style sets are read too: ``queries.jsonl`` (``{"_id", "text"}``) and a qrels TSV
(``query-id corpus-id score``, or TREC's ``qid 0 docid grade``) whose corpus ids are document
ids of the index. A retrieved chunk is
then relevant, with the qrels score as its grade, when it belongs to a relevant document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from footnoted.errors import EvalSetError, InvalidQuery, check_not_blank, check_question
from footnoted.eval.quotes import Folded, find_all, fold
from footnoted.types import Document, Span

_FIELDS = frozenset({"id", "question", "evidence", "document", "tags"})
_HINTS = frozenset({"quote", "context", "occurrence"})
BRIEFING_SET = "briefing.jsonl"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A gold span: where one evidence quote was found. ``text`` is exactly ``source[start:end]``."""

    document_id: str
    start: int
    end: int
    text: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Question:
    """A question and what makes a passage relevant to it: gold spans, or graded documents (BEIR)."""

    id: str
    text: str
    evidence: tuple[Evidence, ...] = ()
    documents: Mapping[str, int] = field(default_factory=dict)
    """Relevance grade of each relevant document, for sets judged by document."""
    tags: tuple[str, ...] = ()
    origin: str = ""
    """Where the question was read (``file:line``), for messages about it."""


@dataclass(frozen=True, slots=True)
class EvalSet:
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class _Quote:
    quote: str
    context: str | None = None
    occurrence: int | None = None


def load_set(path: Path, documents: Mapping[str, Document]) -> EvalSet:
    """Load an eval set: a footnoted JSONL file, or a BEIR directory (``queries.jsonl``, ``qrels/*.tsv``).

    Raises:
        EvalSetError: the file cannot be read, or a question is malformed or its evidence not found.
    """
    path = Path(path)
    if path.is_dir():
        return load_beir(path / "queries.jsonl", _qrels_file(path), documents, name=path.name)
    return read_set(_read(path), documents, name=path.stem, where=str(path))


def briefing_set(documents: Mapping[str, Document]) -> EvalSet:
    """The questions on the bundled briefing, shipped as package data."""
    text = resources.files("footnoted.eval.sets").joinpath(BRIEFING_SET).read_text(encoding="utf-8")
    return read_set(text, documents, name="briefing", where=f"package:{BRIEFING_SET}")


def read_set(text: str, documents: Mapping[str, Document], *, name: str, where: str | None = None) -> EvalSet:
    """Parse a footnoted JSONL eval set and resolve its quotes against ``documents``."""
    where = where or name
    resolver = _Resolver(documents)
    questions: list[Question] = []
    seen: set[str] = set()
    for line, record in _records(text, where):
        qid = record.get("id")
        if not isinstance(qid, str) or not qid or any(c.isspace() for c in qid):
            raise EvalSetError(f'{where}:{line}: "id" must be a non-empty string without whitespace')
        at = f"{where}:{line}: question {qid!r}"
        if qid in seen:
            raise EvalSetError(f"{at}: the id is used twice")
        seen.add(qid)
        questions.append(_question(record, qid, at, resolver, origin=f"{where}:{line}"))
    if not questions:
        raise EvalSetError(f"{where}: no questions")
    return EvalSet(name, tuple(questions))


def load_beir(queries: Path, qrels: Path, documents: Mapping[str, Document], *, name: str = "beir") -> EvalSet:
    """A BEIR-style set: queries judged by document. Queries without a positive judgement are left out.

    Raises:
        EvalSetError: a file is malformed, or the qrels name a query or document that does not exist.
    """
    texts: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, record in _records(_read(queries), str(queries)):
        qid, text = record.get("_id"), record.get("text")
        if not isinstance(qid, str | int) or not str(qid) or any(c.isspace() for c in str(qid)):
            raise EvalSetError(f'{queries}:{line}: "_id" must be a non-empty id without whitespace')
        if not isinstance(text, str) or not text.strip():
            raise EvalSetError(f'{queries}:{line}: query {qid!r} has no "text"')
        if str(qid) in texts:
            raise EvalSetError(f"{queries}:{line}: the query id {str(qid)!r} is used twice")
        _check_question(text, f"{queries}:{line}: query {qid!r}")
        texts[str(qid)] = text
        lines[str(qid)] = line
    grades: dict[str, dict[str, int]] = {}
    for number, row in enumerate(_read(qrels).split("\n"), 1):
        parts = row.split()
        if not parts or (number == 1 and parts[0] == "query-id"):
            continue
        if len(parts) == 4:  # TREC qrels: qid iteration docid grade
            parts = [parts[0], parts[2], parts[3]]
        if len(parts) != 3:
            raise EvalSetError(f'{qrels}:{number}: expected "query-id corpus-id score", got {row!r}')
        qid, doc_id, score = parts
        grade = _grade(score, f"{qrels}:{number}")
        if qid not in texts:
            raise EvalSetError(f"{qrels}:{number}: query {qid!r} is not in {queries.name}")
        if doc_id not in documents:
            raise EvalSetError(
                f"{qrels}:{number}: query {qid!r} judges document {doc_id!r}, which is not in the index; "
                f"add it with `footnoted ingest FILE --id {doc_id}`"
            )
        if grade > 0:
            grades.setdefault(qid, {})[doc_id] = grade
    questions = tuple(
        Question(qid, text, documents=grades[qid], origin=f"{queries}:{lines[qid]}")
        for qid, text in texts.items()
        if qid in grades
    )
    if not questions:
        raise EvalSetError(f"{qrels}: no query has a relevant document")
    return EvalSet(name, questions)


def _grade(score: str, where: str) -> int:
    """A qrels grade: a whole number ("2", or "2.0" as some tools write it). A fractional grade is
    refused rather than rounded: which way it should go is the set's author's call."""
    try:
        value = float(score)
        if value != int(value):
            raise EvalSetError(
                f"{where}: the score {score!r} is not a whole number; grades are whole numbers "
                "(0 not relevant, 1 or more relevant)"
            )
        return int(value)
    except (ValueError, OverflowError):  # "abc", "nan"; "inf", "1e400"
        raise EvalSetError(f"{where}: the score {score!r} is not a whole number") from None


def _check_question(text: str, where: str) -> None:
    """A question must be text (``check_question``): no lone surrogate, which no tokenizer takes;
    and something to search (``check_not_blank``): not only characters never seen."""
    try:
        check_question(text)
        check_not_blank(text)
    except InvalidQuery as exc:
        raise EvalSetError(f"{where}: {exc}") from None


def _qrels_file(directory: Path) -> Path:
    folder = directory / "qrels"
    tsvs = sorted(folder.glob("*.tsv")) if folder.is_dir() else []
    if (folder / "test.tsv").is_file():
        return folder / "test.tsv"
    if len(tsvs) == 1:
        return tsvs[0]
    if (directory / "qrels.tsv").is_file():
        return directory / "qrels.tsv"
    raise EvalSetError(f"{directory}: no qrels found; expected qrels/test.tsv, a single qrels/*.tsv or qrels.tsv")


def _read(path: Path) -> str:
    try:
        # utf-8-sig: a byte-order mark that an editor put at the start is not part of the first line.
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvalSetError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"{path}: cannot be read ({exc})") from None


def _records(text: str, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    # Lines end at "\n" only (a "\r" before it is whitespace to JSON): str.splitlines() would also
    # break at U+2028, U+2029 and U+0085, which a JSON string may hold raw.
    for line, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{where}:{line}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise EvalSetError(f"{where}:{line}: each line must be a JSON object")
        yield line, record


def _question(record: dict[str, Any], qid: str, at: str, resolver: _Resolver, *, origin: str) -> Question:
    unknown = sorted(set(record) - _FIELDS)
    if unknown:
        raise EvalSetError(f"{at}: unknown field {unknown[0]!r}; a question has {', '.join(sorted(_FIELDS))}")
    text = record.get("question")
    if not isinstance(text, str) or not text.strip():
        raise EvalSetError(f'{at}: "question" must be a non-empty string')
    _check_question(text, at)
    document = record.get("document")
    if document is not None and (not isinstance(document, str) or document not in resolver.documents):
        held = ", ".join(sorted(resolver.documents)[:5]) or "nothing"
        raise EvalSetError(f"{at}: document {document!r} is not in the index (it holds {held})")
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise EvalSetError(f'{at}: "tags" must be a list of strings')
    items = record.get("evidence")
    if not isinstance(items, list) or not items:
        raise EvalSetError(f'{at}: "evidence" must be a non-empty list of quotes')
    evidence = tuple(
        resolver.resolve(_quote(item, f"{at}: evidence {n}"), document, f"{at}: evidence {n}")
        for n, item in enumerate(items, 1)
    )
    return Question(qid, text, evidence=evidence, tags=tuple(dict.fromkeys(tags)), origin=origin)


def _quote(item: object, what: str) -> _Quote:
    if isinstance(item, str):
        item = {"quote": item}
    if not isinstance(item, dict):
        raise EvalSetError(f'{what} must be a quote or an object with "quote"')
    unknown = sorted(set(item) - _HINTS)
    if unknown:
        raise EvalSetError(f"{what}: unknown field {unknown[0]!r}; an evidence object has {', '.join(sorted(_HINTS))}")
    quote, context, occurrence = item.get("quote"), item.get("context"), item.get("occurrence")
    if not isinstance(quote, str) or not fold(quote).text:
        raise EvalSetError(f"{what} is empty")
    if context is not None and (not isinstance(context, str) or not fold(context).text):
        raise EvalSetError(f'{what}: "context" must be a non-empty string')
    if occurrence is not None and (isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1):
        raise EvalSetError(f'{what}: "occurrence" must be a whole number from 1')
    return _Quote(quote, context, occurrence)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class _Resolver:
    """Resolves quotes to spans, folding each document's source once."""

    def __init__(self, documents: Mapping[str, Document]) -> None:
        self.documents = documents
        self._folded: dict[str, Folded] = {}

    def _find(self, document_id: str, quote: str) -> list[Span]:
        if document_id not in self._folded:
            self._folded[document_id] = fold(self.documents[document_id].source)
        return find_all(self._folded[document_id], quote)

    def resolve(self, item: _Quote, document_id: str | None, what: str) -> Evidence:
        anchor = item.context if item.context is not None else item.quote
        subject = f"{what}: its context" if item.context is not None else what
        scope = [document_id] if document_id is not None else list(self.documents)
        found = {d: spans for d in scope if (spans := self._find(d, anchor))}
        if not found:
            where = f"document {document_id!r}" if document_id is not None else "any document of the index"
            raise EvalSetError(f"{subject} is not in {where}: {_short(anchor)}")
        if len(found) > 1:
            raise EvalSetError(
                f"{subject} is in several documents ({', '.join(sorted(found))}); "
                f'add "document" to the question: {_short(anchor)}'
            )
        doc_id, spans = next(iter(found.items()))
        if item.context is not None:
            if len(spans) > 1:
                raise EvalSetError(f"{what}: its context occurs {len(spans)} times in {doc_id!r}; lengthen it")
            region = spans[0]
            spans = [s for s in self._find(doc_id, item.quote) if region.contains(s)]
            if not spans:
                raise EvalSetError(f"{what} is not inside its context: {_short(item.quote)}")
        if item.occurrence is not None:
            if item.occurrence > len(spans):
                raise EvalSetError(f'{what}: "occurrence" is {item.occurrence} but the quote occurs {len(spans)} times')
            span = spans[item.occurrence - 1]
        elif len(spans) > 1:
            starts = ", ".join(str(s.start) for s in spans[:5])
            raise EvalSetError(
                f"{what} occurs {len(spans)} times in {doc_id!r} (at characters {starts}); "
                f'add a "context" or an "occurrence" to pick one: {_short(item.quote)}'
            )
        else:
            span = spans[0]
        source = self.documents[doc_id].source
        return Evidence(doc_id, span.start, span.end, source[span.start : span.end])
