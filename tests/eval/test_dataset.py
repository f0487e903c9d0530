"""Loading eval sets: quotes resolved to exact spans, hints for repeated quotes, BEIR sets, and errors."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from footnoted.errors import EvalSetError
from footnoted.eval.dataset import EvalSet, load_beir, load_set, read_set
from footnoted.types import Document

A = Document(
    id="a",
    title="A",
    source="Nelson’s “fleet” sailed at dawn.\n\nIt returned\u00a0at   dusk — late. Shared sentence here. Ibid.\n[1] Ibid. Nelson wrote it.",
)
B = Document(id="b", title="B", source="Another report. Its ships sailed at noon. Shared sentence here.")
DOCS = {"a": A, "b": B}


def jsonl(*records: Any) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records)


def q(*evidence: Any, **fields: Any) -> dict[str, Any]:
    return {"id": "q1", "question": "What happened?", "evidence": list(evidence), **fields}


def resolve(*evidence: Any, **fields: Any) -> str:
    (ev,) = read_set(jsonl(q(*evidence, **fields)), DOCS, name="t").questions[0].evidence
    return ev.text


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ('Nelson\'s "fleet" sailed at dawn.', "Nelson’s “fleet” sailed at dawn."),
        ("It returned at dusk - late.", "It returned\u00a0at   dusk — late."),
        ("sailed at dawn. It returned", "sailed at dawn.\n\nIt returned"),
        ("   at dawn.  ", "at dawn."),
        ("its ships sailed", None),
    ],
)
def test_quotes_resolve_whitespace_and_quote_mark_insensitively(quote: str, found: str | None) -> None:
    if found is None:
        with pytest.raises(EvalSetError, match="is not in any document"):
            resolve(quote)
    else:
        assert resolve(quote, document="a") == found


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_quotes_match_under_unicode_normalization_and_keep_the_source_span(form: str) -> None:
    stored = unicodedata.normalize(form, "The Café Royal opened in 1865. Crème brûlée was served.")
    docs = {"c": Document(id="c", title="C", source=stored)}
    typed = unicodedata.normalize("NFD" if form == "NFC" else "NFC", "Café Royal opened")
    record = q(typed, "brûlée")
    (question,) = read_set(jsonl(record), docs, name="t").questions
    first, second = question.evidence
    assert first.text == stored[first.start : first.end] == unicodedata.normalize(form, "Café Royal opened")
    assert second.text == unicodedata.normalize(form, "brûlée")  # the accents are inside the span


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_a_string_may_hold_a_line_or_paragraph_separator(separator: str) -> None:
    # Valid JSON holds these raw; str.splitlines() would cut the record in two.
    text = "\n".join(
        [
            json.dumps(q("at dawn", question=f"When did{separator}they sail?"), ensure_ascii=False),
            json.dumps(q("at dusk", id="q2"), ensure_ascii=False),
            "not json",
        ]
    )
    with pytest.raises(EvalSetError, match=r"^t:3: not valid JSON"):
        read_set(text, DOCS, name="t")
    loaded = read_set(text.rsplit("\n", 1)[0] + "\r\n", DOCS, name="t")
    assert loaded.questions[0].text == f"When did{separator}they sail?"
    assert [question.origin for question in loaded.questions] == ["t:1", "t:2"]


def test_a_byte_order_mark_is_not_part_of_the_set(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_text("\ufeff" + jsonl(q("at dawn")), encoding="utf-8")
    assert load_set(path, DOCS).questions[0].evidence[0].text == "at dawn"


def test_evidence_spans_are_exact(briefing_eval: EvalSet, briefing_docs: Mapping[str, Document]) -> None:
    assert len(briefing_eval.questions) >= 60
    for question in briefing_eval.questions:
        assert question.evidence
        for ev in question.evidence:
            assert briefing_docs[ev.document_id].source[ev.start : ev.end] == ev.text


def test_without_document_the_quote_picks_its_document() -> None:
    (question,) = read_set(jsonl(q("Its ships sailed at noon.")), DOCS, name="t").questions
    assert question.evidence[0].document_id == "b"


def test_occurrence_and_context_pick_one_of_several_matches() -> None:
    second = read_set(jsonl(q({"quote": "Ibid.", "occurrence": 2}, document="a")), DOCS, name="t")
    in_note = read_set(jsonl(q({"quote": "Ibid.", "context": "[1] Ibid. Nelson"}, document="a")), DOCS, name="t")
    first = read_set(jsonl(q({"quote": "Ibid.", "occurrence": 1}, document="a")), DOCS, name="t")
    note_at = A.source.index("[1] Ibid.") + 4
    assert second.questions[0].evidence[0].start == note_at
    assert in_note.questions[0].evidence[0].start == note_at
    assert first.questions[0].evidence[0].start == A.source.index("Ibid.")


def test_tags_and_blank_lines() -> None:
    loaded = read_set("\n" + jsonl(q("at dawn", tags=["body", "date", "body"])) + "\n\n", DOCS, name="t")
    assert loaded.questions[0].tags == ("body", "date")
    assert loaded.name == "t"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "t:1: not valid JSON"),
        ("[1, 2]", "t:1: each line must be a JSON object"),
        (jsonl({"question": "?", "evidence": ["dawn"]}), '"id" must be a non-empty string without whitespace'),
        (jsonl(q("dawn", id="q 1")), '"id" must be a non-empty string without whitespace'),
        (jsonl(q("dawn"), q("dusk")), "t:2: question 'q1': the id is used twice"),
        (jsonl({"id": "q1", "evidence": ["dawn"]}), "question 'q1': \"question\" must be a non-empty string"),
        (jsonl(q()), "question 'q1': \"evidence\" must be a non-empty list"),
        (jsonl(q("  ")), "question 'q1': evidence 1 is empty"),
        (jsonl(q(3)), "evidence 1 must be a quote or an object"),
        (jsonl(q("dawn", evidance=["x"])), "unknown field 'evidance'"),
        (jsonl(q({"quote": "dawn", "page": 3})), "evidence 1: unknown field 'page'"),
        (jsonl(q("dawn", tags="body")), '"tags" must be a list of strings'),
        (jsonl(q("dawn", document="zzz")), "document 'zzz' is not in the index"),
        (jsonl(q("at dawn", "sailed at midnight", document="a")), "question 'q1': evidence 2 is not in document 'a'"),
        (jsonl(q("nelson’s")), "evidence 1 is not in any document of the index"),
        (jsonl(q("Shared sentence here.")), 'evidence 1 is in several documents (a, b); add "document"'),
        (jsonl(q("Ibid.", document="a")), "evidence 1 occurs 2 times in 'a' (at characters"),
        (jsonl(q("Ibid.", document="a")), 'add a "context" or an "occurrence"'),
        (jsonl(q({"quote": "Ibid.", "occurrence": 3}, document="a")), '"occurrence" is 3 but the quote occurs 2 times'),
        (jsonl(q({"quote": "Ibid.", "occurrence": 0})), '"occurrence" must be a whole number from 1'),
        (jsonl(q({"quote": "Ibid.", "occurrence": True})), '"occurrence" must be a whole number from 1'),
        (jsonl(q({"quote": "Ibid.", "context": "no such text"}, document="a")), "evidence 1: its context is not in"),
        (jsonl(q({"quote": "Ibid.", "context": "Ibid."}, document="a")), "its context occurs 2 times in 'a'"),
        (jsonl(q({"quote": "dawn", "context": "[1] Ibid."})), "evidence 1 is not inside its context"),
        ("\n\n", "t: no questions"),
        (jsonl(q("dawn", question="When \ud800 at dawn?")), "question 'q1': the question holds half of a character"),
        (jsonl(q("dawn", question="\u200b\u2060")), "t:1: question 'q1': the question is empty: it holds only"),
    ],
)
def test_load_errors_name_the_question(text: str, message: str) -> None:
    with pytest.raises(EvalSetError) as caught:
        read_set(text, DOCS, name="t")
    assert message in str(caught.value)


def test_load_set_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(jsonl(q("at dawn")), encoding="utf-8")
    loaded = load_set(path, DOCS)
    assert loaded.name == "mine"
    assert loaded.questions[0].evidence[0].text == "at dawn"
    with pytest.raises(EvalSetError, match="no such file"):
        load_set(tmp_path / "missing.jsonl", DOCS)


def write_beir(root: Path, qrels: str, queries: list[dict[str, Any]] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    queries = queries or [{"_id": "1", "text": "When did the fleet sail?"}, {"_id": "2", "text": "Unjudged?"}]
    (root / "queries.jsonl").write_text(jsonl(*queries), encoding="utf-8")
    (root / "qrels").mkdir(exist_ok=True)
    (root / "qrels" / "test.tsv").write_text(qrels, encoding="utf-8")
    return root


def test_beir_accepts_trec_qrels(tmp_path: Path) -> None:
    root = write_beir(tmp_path / "trec", "1 0 a 1\n1 0 b 3\n")
    (question,) = load_set(root, DOCS).questions
    assert dict(question.documents) == {"a": 1, "b": 3}


def test_beir_sets_judge_by_document(tmp_path: Path) -> None:
    root = write_beir(tmp_path / "beir", "query-id\tcorpus-id\tscore\n1\ta\t2\n1\tb\t0\n")
    loaded = load_set(root, DOCS)
    assert loaded.name == "beir"
    (question,) = loaded.questions  # query 2 has no positive judgement
    assert (question.id, question.text, dict(question.documents), question.evidence) == (
        "1",
        "When did the fleet sail?",
        {"a": 2},
        (),
    )


@pytest.mark.parametrize(
    ("qrels", "message"),
    [
        ("1\tzzz\t1\n", "query '1' judges document 'zzz', which is not in the index"),
        ("9\ta\t1\n", "query '9' is not in queries.jsonl"),
        ("1\ta\thigh\n", "the score 'high' is not a whole number"),
        ("1\ta\tinf\n", "the score 'inf' is not a whole number"),
        ("1\ta\t1e400\n", "the score '1e400' is not a whole number"),
        ("1\ta\t1\n1\tb\t0.5\n", "test.tsv:2: the score '0.5' is not a whole number; grades are whole numbers"),
        ("1\ta\n", 'expected "query-id corpus-id score"'),
        ("1\ta\t0\n", "no query has a relevant document"),
    ],
)
def test_beir_errors(tmp_path: Path, qrels: str, message: str) -> None:
    root = write_beir(tmp_path / "beir", qrels)
    with pytest.raises(EvalSetError, match=message):
        load_beir(root / "queries.jsonl", root / "qrels" / "test.tsv", DOCS)


def test_beir_whole_grades_may_be_written_as_decimals(tmp_path: Path) -> None:
    root = write_beir(tmp_path / "beir", "1\ta\t2.0\n")
    assert dict(load_set(root, DOCS).questions[0].documents) == {"a": 2}


def test_beir_files_may_start_with_a_byte_order_mark_and_hold_separators(tmp_path: Path) -> None:
    queries = [{"_id": "1", "text": "When did\u2028the fleet sail?"}, {"_id": "2", "text": "Who\u0085sailed?"}]
    root = write_beir(tmp_path / "beir", "query-id\tcorpus-id\tscore\n1\ta\t1\n2\tb\t1\n", queries)
    for name in ("queries.jsonl", "qrels/test.tsv"):
        path = root / name
        path.write_text("\ufeff" + path.read_text(encoding="utf-8"), encoding="utf-8")
    first, second = load_set(root, DOCS).questions
    assert (first.text, dict(first.documents)) == ("When did\u2028the fleet sail?", {"a": 1})
    assert (second.text, dict(second.documents)) == ("Who\u0085sailed?", {"b": 1})
    assert second.origin == f"{root / 'queries.jsonl'}:2"


def test_beir_directory_without_qrels(tmp_path: Path) -> None:
    (tmp_path / "queries.jsonl").write_text(jsonl({"_id": "1", "text": "x"}), encoding="utf-8")
    with pytest.raises(EvalSetError, match="no qrels found"):
        load_set(tmp_path, DOCS)


def test_beir_query_ids_are_each_used_once_and_questions_are_text(tmp_path: Path) -> None:
    twice = [{"_id": "1", "text": "When did the fleet sail?"}, {"_id": "1", "text": "Who sailed?"}]
    root = write_beir(tmp_path / "twice", "1\ta\t1\n", twice)
    with pytest.raises(EvalSetError, match=re.escape("queries.jsonl:2: the query id '1' is used twice")):
        load_set(root, DOCS)
    broken = write_beir(tmp_path / "broken", "1\ta\t1\n")
    # JSON may write half of a character as an escape: the file is valid UTF-8, the text is not text.
    (broken / "queries.jsonl").write_text('{"_id": "1", "text": "When \\ud800 did it sail?"}\n', encoding="utf-8")
    with pytest.raises(EvalSetError, match="half of a character"):
        load_set(broken, DOCS)
    unseen = write_beir(tmp_path / "unseen", "1\ta\t1\n", [{"_id": "1", "text": "\u200b"}])
    with pytest.raises(EvalSetError, match=re.escape("queries.jsonl:1: query '1': the question is empty")):
        load_set(unseen, DOCS)
