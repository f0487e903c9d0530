"""Reading and indexing run with the garbage collector's full passes held back, and only then."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from footnoted.collector import bulk
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer, load
from footnoted.types import Document

DATA = Path(__file__).parent / "data"


@pytest.fixture
def eager_collector() -> Iterator[None]:
    """Thresholds so low that a few allocations set off a full pass, restored afterwards."""
    saved = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


class Passes:
    """Counts the collector's passes by generation while it is attached."""

    def __init__(self) -> None:
        self.by_generation = [0, 0, 0]

        self.full_while_held = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.by_generation[info["generation"]] += 1
            if info["generation"] == 2 and gc.get_threshold()[2] > 10**9:
                self.full_while_held += 1

    def __enter__(self) -> Passes:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self)


def test_bulk_holds_full_passes_and_restores_the_threshold(eager_collector: None) -> None:
    with bulk():
        assert gc.get_threshold()[:2] == (1, 1)
        assert gc.get_threshold()[2] > 10**9
    assert gc.get_threshold() == (1, 1, 1)


def test_bulk_restores_the_threshold_after_an_error(eager_collector: None) -> None:
    with pytest.raises(RuntimeError), bulk():
        raise RuntimeError("boom")
    assert gc.get_threshold() == (1, 1, 1)


def test_nested_blocks_share_one_hold(eager_collector: None) -> None:
    with bulk():
        with bulk():
            pass
        assert gc.get_threshold()[2] > 10**9, "the inner block ended the outer one's hold"
    assert gc.get_threshold() == (1, 1, 1)


def test_overlapping_threads_restore_the_threshold_when_the_last_ends(eager_collector: None) -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with bulk():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with bulk():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.get_threshold()[2])

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen and seen[0] > 10**9, "the first block out restored the threshold under the second"
    assert gc.get_threshold() == (1, 1, 1)


def test_a_threshold_changed_inside_is_kept() -> None:
    saved = gc.get_threshold()
    try:
        with bulk():
            gc.set_threshold(500, 5, 5)
        assert gc.get_threshold() == (500, 5, 5)
    finally:
        gc.set_threshold(*saved)


def test_an_add_runs_young_passes_only(eager_collector: None, briefing: Document) -> None:
    encoder = HashEncoder()
    encode = encoder.encode
    during: list[int] = []

    def watched(texts: list[str], kind: str = "passage") -> np.ndarray:
        during.append(gc.get_threshold()[2])
        return encode(texts, kind)  # type: ignore[arg-type]

    encoder.encode = watched  # type: ignore[method-assign,assignment]
    index = Index.memory(encoder, WordTokenizer())
    with Passes() as passes:
        index.add([briefing])
    assert index.snapshot.chunks
    assert during and all(t > 10**9 for t in during), "full passes were not held during the add"
    assert passes.by_generation[0] > 0, "no young pass ran: cycles made during an add would not be freed"
    assert passes.full_while_held == 0
    assert gc.get_threshold() == (1, 1, 1)


def test_reading_a_page_holds_full_passes(eager_collector: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from footnoted.ingest import read

    read_html = read.read_html  # type: ignore[attr-defined]
    during: list[int] = []

    def watched(raw: str) -> object:
        during.append(gc.get_threshold()[2])
        return read_html(raw)

    monkeypatch.setattr(read, "read_html", watched)
    page = next(p for p in sorted(DATA.rglob("*.html")))
    with Passes() as passes:
        doc = load(page)
    assert doc.source
    assert during and during[0] > 10**9
    assert passes.by_generation[0] > 0
    assert passes.full_while_held == 0


def test_the_same_allocations_outside_bulk_run_full_passes(eager_collector: None) -> None:
    # The control for the tests above: with these thresholds allocations set off full passes.
    gc.collect()
    with Passes() as outside:
        kept = [[i] for i in range(len(gc.get_objects()))]
    with Passes() as inside, bulk():
        kept += [[i] for i in range(len(gc.get_objects()))]
    assert outside.by_generation[2] > 0
    assert inside.full_while_held == 0 and inside.by_generation[0] > 0


def test_opening_an_index_holds_full_passes(
    eager_collector: None, briefing: Document, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from footnoted.index import snapshot

    Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).add([briefing])
    make = snapshot.Chunk
    during: list[int] = []

    def watched(*fields: object) -> snapshot.Chunk:
        during.append(gc.get_threshold()[2])
        return make(*fields)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot, "Chunk", watched)
    with Passes() as passes:
        index = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert index.snapshot.chunks
    assert during and all(t > 10**9 for t in during), "full passes were not held while the index was read"
    assert passes.by_generation[0] > 0
    assert passes.full_while_held == 0
    assert gc.get_threshold() == (1, 1, 1)
