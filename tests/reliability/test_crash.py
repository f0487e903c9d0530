"""SIGKILL a writer at random points: the index is always exactly the old or the new generation.

A few trials run here; ``bench/crash_trials.py`` runs many (and every file operation in turn).
Set ``FOOTNOTED_CRASH_SEED`` to replay a failing run.
"""

from __future__ import annotations

import os
import random

import pytest

from tests.reliability.crash import Harness, schedule

TRIALS = 4


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    return Harness(tmp_path_factory.mktemp("crash"))


def test_the_harness_sees_the_whole_write(harness: Harness) -> None:
    """The child counts the commit's file operations; a kill before the first leaves the old index."""
    cal = harness.calibrate("add")
    labels = " | ".join(cal.labels)
    for expected in ("os.mkdir generations/.gen-", "fsync", "os.rename .CURRENT.", "shutil.rmtree generations/gen-"):
        assert expected in labels, f"{expected!r} is not among the operations counted: {labels}"
    assert harness.old != harness.expected("add")
    assert harness.old.generation + 1 == harness.expected("add").generation


def test_random_kills_leave_the_old_or_the_new_generation(harness: Harness) -> None:
    seed = int(os.environ.get("FOOTNOTED_CRASH_SEED") or random.SystemRandom().randrange(1 << 32))
    rng = random.Random(seed)
    outcomes = [harness.trial(n, op, mode, rng) for n, op, mode in schedule(TRIALS, ("add", "replace"), rng)]
    report = "\n".join(o.line() for o in outcomes)
    assert all(o.verdict in ("old", "new") for o in outcomes), f"FOOTNOTED_CRASH_SEED={seed}\n{report}"


@pytest.mark.parametrize("where", ["first", "rename", "pointer", "prune"])
def test_kills_at_the_decisive_operations(harness: Harness, where: str) -> None:
    """Before the first write, before the directory rename, before the pointer moves, during the prune."""
    cal = harness.calibrate("add")
    index = {
        "first": 1,
        "rename": next(i for i, label in enumerate(cal.labels, 1) if label.startswith("os.rename generations/.gen-")),
        "pointer": next(i for i, label in enumerate(cal.labels, 1) if label.startswith("os.rename .CURRENT.")),
        "prune": next(i for i, label in enumerate(cal.labels, 1) if label.startswith("os.remove")),
    }[where]
    expected = "new" if where == "prune" else "old"
    outcome = harness.kill_at(900 + len(where), "add", index)
    assert outcome.verdict == expected, outcome.line()


def test_a_rebuild_killed_anywhere_leaves_the_old_or_the_new_generation(harness: Harness) -> None:
    assert harness.expected("rebuild").chunks != harness.old.chunks  # other passage sizes
    seed = int(os.environ.get("FOOTNOTED_CRASH_SEED") or random.SystemRandom().randrange(1 << 32))
    rng = random.Random(seed)
    outcomes = [harness.trial(950 + n, "rebuild", mode, rng) for n, mode in enumerate(("op", "timer", "op"))]
    report = "\n".join(o.line() for o in outcomes)
    assert all(o.verdict in ("old", "new") for o in outcomes), f"FOOTNOTED_CRASH_SEED={seed}\n{report}"
