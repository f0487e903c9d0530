"""The metrics on hand-computed examples, and cross-checked against ir-measures (trec_eval) and ranx."""

from __future__ import annotations

import math
import random

import ir_measures
import pytest
from ir_measures import RR, Qrel, R, ScoredDoc, Success, nDCG

from footnoted.eval.metrics import (
    dcg_at_k,
    evidence_recall_at_k,
    hit_at_k,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank_at_k,
)

# A ranking of five passages: relevant ones (grades 1 and 2) at ranks 2 and 4; a third relevant
# passage (grade 1) was not retrieved.
GRADES = [0, 1, 0, 2, 0]
IDEAL = [1, 2, 1]


@pytest.mark.parametrize(("k", "expected"), [(1, 0.0), (2, 1.0), (10, 1.0)])
def test_hit(k: int, expected: float) -> None:
    assert hit_at_k(GRADES, k) == expected


@pytest.mark.parametrize(("k", "expected"), [(1, 0.0), (2, 1 / 3), (4, 2 / 3), (10, 2 / 3)])
def test_recall(k: int, expected: float) -> None:
    assert recall_at_k(GRADES, IDEAL, k) == pytest.approx(expected)


@pytest.mark.parametrize(("k", "expected"), [(1, 0.0), (2, 0.5), (10, 0.5)])
def test_reciprocal_rank(k: int, expected: float) -> None:
    assert reciprocal_rank_at_k(GRADES, k) == expected


def test_ndcg_by_hand() -> None:
    # DCG@5 = 1/log2(3) + 2/log2(5) = 0.63093 + 0.86135; IDCG@5 = 2/log2(2) + 1/log2(3) + 1/log2(4) = 2 + 0.63093 + 0.5
    assert dcg_at_k(GRADES, 5) == pytest.approx(1.49228, abs=1e-5)
    assert ndcg_at_k(GRADES, IDEAL, 5) == pytest.approx(1.49228 / 3.13093, abs=1e-5)
    assert ndcg_at_k(GRADES, IDEAL, 5) == pytest.approx(0.47663, abs=1e-5)
    # nDCG@2 = (1/log2(3)) / (2 + 1/log2(3))
    assert ndcg_at_k(GRADES, IDEAL, 2) == pytest.approx(0.63093 / 2.63093, abs=1e-5)
    assert ndcg_at_k([2, 1, 1], IDEAL, 3) == pytest.approx(1.0)
    assert ndcg_at_k([1, 1, 2], IDEAL, 3) == pytest.approx(
        (1 + 1 / math.log2(3) + 2 / 2) / (2 + 1 / math.log2(3) + 1 / 2)
    )


def test_nothing_relevant_scores_zero() -> None:
    assert recall_at_k([0, 0], [], 2) == 0.0
    assert ndcg_at_k([0, 0], [], 2) == 0.0
    assert hit_at_k([], 5) == 0.0
    assert reciprocal_rank_at_k([], 5) == 0.0


def test_evidence_recall() -> None:
    covered = [1, None, 3]
    assert evidence_recall_at_k(covered, 1) == pytest.approx(1 / 3)
    assert evidence_recall_at_k(covered, 3) == pytest.approx(2 / 3)
    assert evidence_recall_at_k([], 3) == 0.0


def synthetic(seed: int = 7, queries: int = 40) -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
    """Graded judgements and rankings with no ties, so every tool reads the same order."""
    rng = random.Random(seed)
    qrels: dict[str, dict[str, int]] = {}
    runs: dict[str, list[str]] = {}
    for q in range(queries):
        docs = [f"d{i}" for i in range(30)]
        qrels[f"q{q}"] = {d: rng.choice([1, 1, 2, 3]) for d in rng.sample(docs, rng.randint(1, 6))}
        runs[f"q{q}"] = rng.sample(docs, rng.randint(0, 15))
    return qrels, runs


def ours(qrels: dict[str, dict[str, int]], runs: dict[str, list[str]], k: int) -> dict[str, float]:
    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    grades = {q: [qrels[q].get(d, 0) for d in runs[q]] for q in qrels}
    ideal = {q: list(qrels[q].values()) for q in qrels}
    return {
        "hit": mean([hit_at_k(grades[q], k) for q in qrels]),
        "recall": mean([recall_at_k(grades[q], ideal[q], k) for q in qrels]),
        "rr": mean([reciprocal_rank_at_k(grades[q], k) for q in qrels]),
        "ndcg": mean([ndcg_at_k(grades[q], ideal[q], k) for q in qrels]),
    }


@pytest.mark.parametrize("k", [1, 3, 5, 10])
def test_agrees_with_ir_measures(k: int) -> None:
    qrels, runs = synthetic()
    judged = [Qrel(q, d, g) for q, docs in qrels.items() for d, g in docs.items()]
    scored = [ScoredDoc(q, d, float(len(docs) - i)) for q, docs in runs.items() for i, d in enumerate(docs)]
    theirs = ir_measures.calc_aggregate([Success @ k, R @ k, RR @ k, nDCG @ k], judged, scored)
    mine = ours(qrels, runs, k)
    assert any(not docs for docs in runs.values())  # a query with nothing retrieved counts as zero in both
    assert mine["hit"] == pytest.approx(theirs[Success @ k])
    assert mine["recall"] == pytest.approx(theirs[R @ k])
    assert mine["rr"] == pytest.approx(theirs[RR @ k])
    assert mine["ndcg"] == pytest.approx(theirs[nDCG @ k])


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::numba.core.errors.NumbaWarning")
def test_agrees_with_ranx() -> None:
    from ranx import Qrels, Run, evaluate

    # ranx wants every judged query in the run, so queries with nothing retrieved are left out.
    qrels, runs = synthetic(seed=11)
    runs = {q: docs for q, docs in runs.items() if docs}
    qrels = {q: qrels[q] for q in runs}
    run = Run({q: {d: float(len(docs) - i) for i, d in enumerate(docs)} for q, docs in runs.items()})
    scores = evaluate(Qrels(qrels), run, ["hit_rate@1", "hit_rate@5", "recall@5", "mrr@10", "ndcg@10"])
    one, five, ten = ours(qrels, runs, 1), ours(qrels, runs, 5), ours(qrels, runs, 10)
    assert scores["hit_rate@1"] == pytest.approx(one["hit"])
    assert scores["hit_rate@5"] == pytest.approx(five["hit"])
    assert scores["recall@5"] == pytest.approx(five["recall"])
    assert scores["mrr@10"] == pytest.approx(ten["rr"])
    assert scores["ndcg@10"] == pytest.approx(ten["ndcg"])
