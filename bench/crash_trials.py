"""Crash trials: SIGKILL an index write at random points, many times; every index left must be exact.

Each trial copies a template index (two generations: the bundled briefing, then three reports),
starts one write in a child process (add ten reports, replace one, or remove one) and kills it
with SIGKILL, either just before its N-th file operation (N drawn from all the operations of
that write) or after a random delay (over the whole write, or over the commit alone). The index
left behind must load with all checksums verified and equal the old or the new generation
exactly (documents and hashes, chunk ids, vector rows, ranked results), pass ``doctor`` apart
from swept temporaries, and take the next write. See ``tests/reliability/crash.py``.

    .venv/bin/python bench/crash_trials.py [--trials 60] [--seed S] [--every OPERATION]

``--every add`` also kills the ``add`` write at each of its file operations in turn. Exits 1 if
any trial fails.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.crash import OPERATIONS, Harness, Outcome, schedule


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=60, help="random trials (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a fresh one, printed)")
    parser.add_argument(
        "--operations", default=",".join(OPERATIONS), help="writes to interrupt (add,replace,remove,rebuild)"
    )
    parser.add_argument("--every", choices=sorted(OPERATIONS), help="also kill this write at every file operation")
    parser.add_argument("--workdir", type=Path, default=None, help="where trials run (default: a temporary directory)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    rng = random.Random(seed)
    operations = tuple(args.operations.split(","))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="footnoted-crash-") as tmp:
        harness = Harness((args.workdir or Path(tmp)) / "trials")
        print(f"seed {seed}; template: {harness.old.summary()}")
        for op in operations:
            cal = harness.calibrate(op)
            print(
                f"{op}: {cal.operations} file operations, {cal.seconds * 1000:.0f} ms "
                f"(commit {cal.commit[0] * 1000:.0f}-{cal.commit[1] * 1000:.0f} ms) -> {harness.expected(op).summary()}"
            )
        outcomes: list[Outcome] = []
        for number, op, mode in schedule(args.trials, operations, rng):
            outcomes.append(harness.trial(number, op, mode, rng))
            print(outcomes[-1].line(), flush=True)
        if args.every:
            total = harness.calibrate(args.every).operations
            for crash_at in range(1, total + 1):
                outcomes.append(harness.kill_at(args.trials + crash_at, args.every, crash_at))
                print(outcomes[-1].line(), flush=True)
        failures = [o for o in outcomes if o.verdict == "FAIL"]
        if failures and args.workdir is None:
            print("(failed trials are kept only with --workdir)")
    verdicts = Counter(o.verdict for o in outcomes)
    modes = Counter(o.mode for o in outcomes)
    print()
    print(
        f"trials     {len(outcomes)} ({modes['op']} at a file operation, {modes['timer']} after a delay), seed {seed}"
    )
    print(f"old        {verdicts['old']}")
    print(f"new        {verdicts['new']}")
    print(f"failures   {len(failures)}")
    print(
        f"leftovers  {sum(o.leftovers for o in outcomes)} (unfinished temporary directories doctor noted; swept by the next write)"
    )
    print(f"time       {time.perf_counter() - started:.0f} s")
    for o in failures:
        print("FAILED", o.line())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
