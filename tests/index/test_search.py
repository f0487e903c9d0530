from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from footnoted.index.search import Ranking, rrf


def ranking(positions: list[int]) -> Ranking:
    return Ranking(np.asarray(positions, dtype=np.int64), np.linspace(1.0, 0.5, len(positions), dtype=np.float32))


def test_rrf_orders_a_tie_by_position_at_any_depth() -> None:
    # Chunk 4 is first in one list and third in the other, chunk 3 the other way round: equal scores.
    dense, lexical = ranking([4, 3, 1]), ranking([3, 4, 5])
    full = rrf([dense, lexical], 10)
    assert full.scores[0] == full.scores[1]
    assert full.positions[:2].tolist() == [3, 4]
    assert rrf([dense, lexical], 1).positions.tolist() == [3]


@given(st.permutations(range(12)), st.permutations(range(12)), st.integers(1, 12))
def test_the_top_k_is_the_start_of_the_whole_ranking(first: list[int], second: list[int], k: int) -> None:
    rankings = [ranking(first), ranking(second[: len(second) - 3])]
    whole = rrf(rankings, 12)
    top = rrf(rankings, k)
    assert top.positions.tolist() == whole.positions[:k].tolist()
    assert np.array_equal(top.scores, whole.scores[:k])
