"""TREC run and qrels files: their format, and standard tools reading our figures back from them."""

from __future__ import annotations

from pathlib import Path

import ir_measures
import pytest
from ir_measures import RR, R, Success, nDCG

from footnoted.errors import EvalSetError
from footnoted.eval.dataset import Question
from footnoted.eval.relevance import Judged, Retrieved
from footnoted.eval.runner import CUTOFF, EvalReport
from footnoted.eval.trec import qrels_lines, run_lines, write_qrels, write_run
from footnoted.types import Chunk


def judged(qid: str, scores: list[float], grades: list[int], relevant: dict[str, int]) -> Judged:
    retrieved = tuple(
        Retrieved(Chunk(f"doc:c{i}", "doc", "", 0, 1, "x"), s, g)
        for i, (s, g) in enumerate(zip(scores, grades, strict=True))
    )
    return Judged(Question(qid, "?"), "hybrid", retrieved, relevant, ())


def test_run_lines() -> None:
    lines = run_lines([judged("q1", [0.91234567, 0.5, 0.25], [1, 0, 0], {"doc:c0": 1})], "footnoted-hybrid")
    assert lines == [
        "q1 Q0 doc:c0 1 0.912346 footnoted-hybrid",
        "q1 Q0 doc:c1 2 0.500000 footnoted-hybrid",
        "q1 Q0 doc:c2 3 0.250000 footnoted-hybrid",
    ]


def test_tied_scores_are_stepped_down_to_keep_our_order() -> None:
    lines = run_lines([judged("q1", [0.5, 0.5, 0.5, 0.2], [0, 0, 1, 0], {})], "t")
    assert [line.split()[4] for line in lines] == ["0.500000", "0.499999", "0.499998", "0.200000"]
    assert [line.split()[3] for line in lines] == ["1", "2", "3", "4"]


def test_qrels_lines_hold_every_relevant_chunk_retrieved_or_not() -> None:
    lines = qrels_lines([judged("q1", [0.9], [0], {"doc:c7": 1, "doc:c3": 2}), judged("q2", [], [], {})])
    assert lines == ["q1 0 doc:c3 2", "q1 0 doc:c7 1"]


def test_ids_with_whitespace_are_refused() -> None:
    with pytest.raises(EvalSetError, match="without whitespace"):
        run_lines([judged("q 1", [0.9], [1], {})], "t")


def test_files_end_with_a_newline(tmp_path: Path) -> None:
    one = [judged("q1", [0.9], [1], {"doc:c0": 1})]
    write_run(tmp_path / "x.run", one, "t")
    write_qrels(tmp_path / "x.qrels", one)
    assert (tmp_path / "x.run").read_text() == "q1 Q0 doc:c0 1 0.900000 t\n"
    assert (tmp_path / "x.qrels").read_text() == "q1 0 doc:c0 1\n"


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid", "baseline"])
def test_ir_measures_reads_our_figures_back(tmp_path: Path, hash_report: EvalReport, mode: str) -> None:
    result = hash_report.result(mode)
    write_run(tmp_path / "run", result.judged, mode)
    write_qrels(tmp_path / "qrels", result.judged)
    qrels = list(ir_measures.read_trec_qrels(str(tmp_path / "qrels")))
    run = list(ir_measures.read_trec_run(str(tmp_path / "run")))
    ks = hash_report.ks
    measures = [*(Success @ k for k in ks), *(R @ k for k in ks), RR @ CUTOFF, nDCG @ CUTOFF]
    theirs = ir_measures.calc_aggregate(measures, qrels, run)
    ours = result.overall
    for k in ks:
        assert ours.hit[k] == pytest.approx(theirs[Success @ k])
        assert ours.recall[k] == pytest.approx(theirs[R @ k])
    assert ours.mrr == pytest.approx(theirs[RR @ CUTOFF])
    assert ours.ndcg == pytest.approx(theirs[nDCG @ CUTOFF])
