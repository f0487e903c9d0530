"""Ranking metrics for one question, written out so their definitions are in plain sight.

``grades`` are the relevance grades of the ranked passages, best first (0: not relevant);
``ideal`` are the grades of every relevant passage in the collection, in any order. Ranks are
1-based, and ``rel_i`` is the grade at rank ``i``. A mean over questions gives the figures
reported (MRR is the mean of the reciprocal ranks). The definitions are those of trec_eval and
ranx, which a test checks them against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def hit_at_k(grades: Sequence[int], k: int) -> float:
    """hit@k = 1 if some ``rel_i > 0`` with ``i <= k``, else 0 (ranx ``hit_rate``, ir-measures ``Success``)."""
    return 1.0 if any(g > 0 for g in grades[:k]) else 0.0


def recall_at_k(grades: Sequence[int], ideal: Sequence[int], k: int) -> float:
    """recall@k = |{i <= k : rel_i > 0}| / R, with R the number of relevant passages (0 when R = 0)."""
    relevant = sum(1 for g in ideal if g > 0)
    if relevant == 0:
        return 0.0
    return sum(1 for g in grades[:k] if g > 0) / relevant


def reciprocal_rank_at_k(grades: Sequence[int], k: int) -> float:
    """RR@k = 1 / min{i <= k : rel_i > 0}, or 0 when no relevant passage is in the top k."""
    for rank, g in enumerate(grades[:k], 1):
        if g > 0:
            return 1.0 / rank
    return 0.0


def dcg_at_k(grades: Sequence[int], k: int) -> float:
    """DCG@k = sum_{i=1..k} rel_i / log2(i + 1) (linear gain, as trec_eval and ranx ``ndcg``)."""
    return sum(g / math.log2(i + 1) for i, g in enumerate(grades[:k], 1) if g > 0)


def ndcg_at_k(grades: Sequence[int], ideal: Sequence[int], k: int) -> float:
    """nDCG@k = DCG@k / IDCG@k, where IDCG@k is the DCG@k of ``ideal`` sorted best first (0 when IDCG = 0)."""
    best = dcg_at_k(sorted(ideal, reverse=True), k)
    return dcg_at_k(grades, k) / best if best > 0 else 0.0


def evidence_recall_at_k(covered_at: Sequence[int | None], k: int) -> float:
    """Evidence recall@k = |{g in G : covered_at(g) <= k}| / |G|, the share of gold spans whose text
    the top k passages show in full (0 when there are no gold spans)."""
    if not covered_at:
        return 0.0
    return sum(1 for r in covered_at if r is not None and r <= k) / len(covered_at)
