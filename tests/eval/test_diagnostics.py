"""Diagnosing a miss: gold ranks in every list, split evidence, footnotes cut off from their markers."""

from __future__ import annotations

import numpy as np

from footnoted.eval.diagnostics import diagnose
from footnoted.eval.relevance import Pool, judge
from footnoted.index import Ranking
from tests.eval.sample import BODY_REST, CLAIM, DOC, NOTE_TEXT, question


def ranking(*positions: int) -> Ranking:
    return Ranking(np.array(positions, dtype=np.int64), np.linspace(1.0, 0.5, len(positions), dtype=np.float32))


def test_a_hit_needs_no_diagnosis() -> None:
    pool = Pool([CLAIM, BODY_REST], {"d": DOC})
    q = question("figure 42")
    lists = {"dense": judge(q, "dense", ranking(0, 1), pool)}
    assert diagnose("dense", lists, pool) is None


def test_a_miss_is_diagnosed_in_its_own_pool() -> None:
    index = Pool([CLAIM, BODY_REST], {"d": DOC})
    naive = Pool([BODY_REST, NOTE_TEXT], {"d": DOC})
    q = question("figure 42")
    lists = {
        "dense": judge(q, "dense", ranking(1, 0), index),
        "lexical": judge(q, "lexical", ranking(0), index),
        "hybrid": judge(q, "hybrid", ranking(0, 1), index),
        "baseline": judge(q, "baseline", ranking(0, 1), naive),
    }
    miss = diagnose("baseline", lists, naive)
    assert miss is not None
    assert miss.gold_rank == {"dense": 2, "lexical": 1, "hybrid": 1, "baseline": 2}
    assert miss.footnote_apart is True
    assert miss.evidence_split is False
    assert miss.top is not None and miss.top.chunk == BODY_REST
    dense = diagnose("dense", lists, index)
    assert dense is not None and dense.footnote_apart is False
