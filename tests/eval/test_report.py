"""Rendering a run: text tables with the misses, JSON, and the files written with --out."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from footnoted.eval.report import render_text, to_json, write_report
from footnoted.eval.runner import EvalReport


def test_text_has_a_table_per_mode_with_a_row_per_tag(hash_report: EvalReport) -> None:
    text = render_text(hash_report)
    lines = text.splitlines()
    for result in hash_report.results:
        at = lines.index(result.mode)
        header = lines[at + 1].split()
        assert header == ["n", "hit@1", "hit@3", "hit@5", "hit@10", "R@10", "EvR@10", "MRR@10", "nDCG@10"]
        overall = lines[at + 2].split()
        assert overall[:3] == ["all", "69", f"{result.overall.hit[1]:.3f}"]
        rows = [line.split()[0] for line in lines[at + 3 : at + 3 + len(result.by_tag)]]
        assert rows == sorted(result.by_tag)
        assert f"{result.mode} misses (no relevant passage first): {len(result.misses)} of 69" in text
    assert "gold ranked: dense" in text and "first instead: [" in text


def test_text_without_misses(hash_report: EvalReport) -> None:
    assert "misses" not in render_text(hash_report, misses=False)


def test_json_report(hash_report: EvalReport) -> None:
    data = json.loads(json.dumps(to_json(hash_report)))
    assert data["set"] == "briefing"
    assert data["ks"] == [1, 3, 5, 10]
    hybrid = data["modes"]["hybrid"]
    assert hybrid["overall"]["hit@1"] == hash_report.result("hybrid").overall.hit[1]
    assert set(hybrid["overall"]) >= {"questions", "hit@10", "recall@10", "evidence_recall@10", "mrr@10", "ndcg@10"}
    assert len(hybrid["questions"]) == 69
    assert len(hybrid["questions"][0]["ranked"]) <= 10
    miss = hybrid["misses"][0]
    assert set(miss) == {"id", "question", "tags", "gold_rank", "evidence_split", "footnote_apart", "top"}
    assert set(miss["gold_rank"]) == {"dense", "lexical", "hybrid", "baseline"}
    assert miss["top"]["text"]


def test_write_report(tmp_path: Path, hash_report: EvalReport) -> None:
    files = write_report(hash_report, tmp_path / "out")
    assert sorted(files) == sorted(
        [
            "baseline.qrels",
            "baseline.run",
            "dense.run",
            "hit_at_k.png",
            "hybrid.run",
            "index.qrels",
            "lexical.run",
            "report.json",
            "report.txt",
        ]
    )
    assert all(path.is_file() and path.stat().st_size > 0 for path in files.values())
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    assert data["trec"]["baseline"] == {"run": "baseline.run", "qrels": "baseline.qrels"}
    assert data["trec"]["hybrid"] == {"run": "hybrid.run", "qrels": "index.qrels"}
    assert (tmp_path / "out" / "report.txt").read_text() == render_text(hash_report)


def test_a_miss_says_which_document_its_first_passage_came_from(hash_report: EvalReport) -> None:
    text = render_text(hash_report)
    firsts = [line for line in text.splitlines() if "first instead: [" in line]
    assert firsts and all(
        re.search(r"first instead: \[[0-9.]+\] back-in-business-2005 chars \d+-\d+ ", f) for f in firsts
    )


@pytest.mark.parametrize(
    ("documents", "baseline_documents", "said"),
    [
        (1, 1, "of every document of the index,"),
        (277, 1, "of the 1 document the questions' evidence lies in (the index holds 277),"),
        (277, 8, "of the 8 documents the questions' evidence lies in (the index holds 277),"),
    ],
)
def test_the_baseline_line_says_which_documents_it_covers(
    hash_report: EvalReport, documents: int, baseline_documents: int, said: str
) -> None:
    info = {**hash_report.index, "documents": documents, "baseline_documents": baseline_documents}
    baseline = next(
        line for line in render_text(replace(hash_report, index=info)).splitlines() if line.startswith("baseline: ")
    )
    assert baseline == f"baseline: 9 chunks of 1000 characters (overlap 200) {said} no footnotes, dense search"


def test_a_report_replaces_the_files_of_an_earlier_one(tmp_path: Path, hash_report: EvalReport) -> None:
    out = tmp_path / "out"
    write_report(hash_report, out)
    (out / "mine.txt").write_text("kept")
    hybrid = replace(hash_report, results=(hash_report.result("hybrid"),))
    written = write_report(hybrid, out)
    # No dense.run of the earlier report beside this one's index.qrels: every report file is this run's.
    assert sorted(p.name for p in out.iterdir()) == sorted([*written, "mine.txt"])
    assert sorted(written) == ["hit_at_k.png", "hybrid.run", "index.qrels", "report.json", "report.txt"]


def test_wide_tags_keep_the_columns_in_line(hash_report: EvalReport) -> None:
    result = hash_report.result("dense")
    tagged = replace(result, by_tag={"数値": result.overall, "脚注": result.overall, "note": result.overall})
    lines = render_text(replace(hash_report, results=(tagged,)), misses=False).splitlines()
    at = lines.index("dense")
    table = lines[at + 1 : at + 6]
    # Each CJK character takes two columns: the figures end in the same column on every row.
    widths = [sum(2 if "\u4e00" <= c <= "\u9fff" else 1 for c in line) for line in table]
    assert len(set(widths)) == 1, table


def test_one_question_and_no_tags(hash_report: EvalReport) -> None:
    result = hash_report.result("dense")
    one = replace(result.overall, questions=1)
    answers = replace(hash_report.answers, questions=1, by_tag={}) if hash_report.answers else None
    report = replace(hash_report, results=(replace(result, overall=one, by_tag={}),), answers=answers)
    lines = render_text(report, misses=False).splitlines()
    assert lines[0].startswith("eval set briefing: 1 question; model")
    at = next(i for i, line in enumerate(lines) if line.startswith("answers "))
    assert lines[at].endswith(" of 1 question")
    assert lines[at + 1] == ""  # no empty line of tags
