"""Answer scoring: an answer counts when its span overlaps the question's evidence."""

from __future__ import annotations

import json
from pathlib import Path

from footnoted.eval import load_set
from footnoted.eval.answers import score_answers
from footnoted.index import Index


def test_answers_are_scored_by_span_overlap(hash_index: Index, tmp_path: Path) -> None:
    lines = [
        {
            "id": "a",
            "question": "How many antipersonnel mines does the United States stockpile?",
            "evidence": ["The United States still stockpiles 10.4 million antipersonnel mines"],
            "tags": ["body"],
        },
        {
            "id": "b",
            "question": "How many antipersonnel mines does the United States stockpile?",
            "evidence": ["Ibid."],
            "tags": ["footnote"],
        },
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    eval_set = load_set(path, hash_index.documents)
    answer = hash_index.ask(lines[0]["question"])
    assert answer.citation is not None
    expected_a = "10.4 million" in answer.text
    score = score_answers(eval_set, hash_index)
    assert score.questions == 2
    assert score.by_tag["footnote"] == 0.0, "the same answer cannot also overlap note 8"
    assert score.by_tag["body"] == float(expected_a)
    assert score.wrong == (("b",) if expected_a else ("a", "b"))
