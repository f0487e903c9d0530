"""A harness that SIGKILLs a writing process at random points and checks the index it leaves.

Every trial starts from a copy of a template index (the *old* generation), runs one write in a
child process (which would produce the *new* generation), and kills the child with SIGKILL:

* ``op``: just before its N-th file operation under the index directory (open, mkdir, rename,
  replace, remove, rmdir, fsync, sqlite connect), counted by an audit hook in the child, with N
  drawn uniformly from all the operations that write makes; or
* ``timer``: after a random delay, drawn half the time over the whole write (encoding included)
  and half the time over the commit alone.

After the kill the index must load with every checksum verified and equal the old or the new
generation exactly: documents and their content hashes, chunk ids, vector rows, and the ranked
results of a few questions. ``footnoted doctor`` must find no problem (it may note unfinished
temporary directories), and the next write must succeed and sweep them.

SIGKILL loses nothing the kernel already holds: this proves the write protocol (temporary
directory, fsync, renames, pointer) against process death, not against power loss.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from footnoted.errors import FootnotedError
from footnoted.index import HashEncoder, Index, IndexConfig
from footnoted.index.doctor import examine
from footnoted.ingest import ChunkSettings, WordTokenizer, parse
from footnoted.types import Document

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

CONFIG = IndexConfig(chunk=ChunkSettings(max_tokens=96, overlap=8))
QUESTIONS = (
    "How many antipersonnel mines does the United States stockpile?",
    "field clearance report from the northern province",
    "treaty export ban on landmines",
)
LEFTOVERS = "unfinished writes left behind"
_EVENTS = frozenset({"open", "os.mkdir", "os.rename", "os.remove", "os.rmdir", "shutil.rmtree", "sqlite3.connect"})
_WORDS = (
    "mine stockpile treaty export clearance field report province army depot survey ban "
    "production company contract officer village road bridge casualty victim donor fund "
    "program government ministry committee convention signatory inventory destruction "
    "weapon device fuze casing pressure tripwire sensor barrier border river valley"
).split()

Mode = Literal["op", "timer"]
Verdict = Literal["old", "new", "FAIL"]


# -- documents and operations (deterministic: the child and the parent build the same ones) -------


def document(name: str, seed: int, paragraphs: int) -> Document:
    """A footnoted report of ``paragraphs`` paragraphs, the same for the same seed."""
    rng = random.Random(seed)
    body: list[str] = []
    notes: list[str] = []
    for i in range(paragraphs):
        sentences: list[str] = []
        for _ in range(rng.randint(2, 5)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 18))]
            sentences.append(" ".join(words).capitalize() + ".")
        if i % 3 == 0:
            label = len(notes) + 1
            sentences[-1] += f"[{label}]"
            notes.append(f"[{label}] Source: {' '.join(rng.choice(_WORDS) for _ in range(12))}.")
        body.append(" ".join(sentences))
    text = f"{name.replace('-', ' ').title()} report\n\n" + "\n\n".join(body) + "\n\nNotes\n\n" + "\n\n".join(notes)
    return parse(text + "\n", name=f"{name}.txt")


def base_documents() -> list[Document]:
    from footnoted.corpus import load_briefing

    return [load_briefing(), *(document(f"base-{i}", seed=i, paragraphs=12) for i in range(1, 4))]


def _add(index: Index) -> None:
    index.add([document(f"new-{i:02d}", seed=100 + i, paragraphs=30) for i in range(10)])


def _replace(index: Index) -> None:
    index.add([document("base-1", seed=201, paragraphs=20), document("extra", seed=202, paragraphs=10)])


def _remove(index: Index) -> None:
    index.remove("base-2")


def _rebuild(index: Index) -> None:
    """``footnoted reindex --chunk-tokens 120``: every chunk, vector and BM25 field made again."""
    assert index.path is not None
    rebuilt, _ = Index.rebuild(index.path, HashEncoder(), WordTokenizer(), chunk_tokens=120)
    rebuilt.close()
    index.refresh()


OPERATIONS: dict[str, Callable[[Index], None]] = {
    "add": _add,
    "replace": _replace,
    "remove": _remove,
    "rebuild": _rebuild,
}


def open_index(path: Path, *, create: bool = False) -> Index:
    return Index.open(path, HashEncoder(), WordTokenizer(), CONFIG, create=create, verify=True)


# -- what an index holds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """Everything a reader can observe of a generation, for exact comparison."""

    generation: int
    documents: tuple[tuple[str, str, str], ...]
    """(id, content hash, sha256 of the source text)."""
    chunks: tuple[str, ...]
    rows: int
    results: tuple[tuple[tuple[str, float], ...], ...]
    """For each of ``QUESTIONS``: the (chunk id, score) of the top ten hits."""

    def summary(self) -> str:
        return f"generation {self.generation}, {len(self.documents)} documents, {len(self.chunks)} chunks"


def state(index: Index) -> State:
    snap = index.snapshot
    docs = tuple(
        sorted((d.id, d.content_hash, hashlib.sha256(d.source.encode()).hexdigest()) for d in snap.documents.values())
    )
    results = tuple(
        tuple((h.chunk.id, round(h.score, 6)) for h in index.search(q, 10, mode="hybrid")) for q in QUESTIONS
    )
    return State(snap.generation, docs, tuple(c.id for c in snap.chunks), len(snap.row_ids), results)


# -- the harness -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """What one uninterrupted write does: its file operations, its duration, its commit window."""

    operations: int
    seconds: float
    commit: tuple[float, float]
    labels: tuple[str, ...] = ()
    """What each operation is (``open generations/.gen-000003.x/chunks.json``), in order."""

    def label(self, crash_at: int) -> str:
        return self.labels[crash_at - 1] if 0 < crash_at <= len(self.labels) else "?"


@dataclass(frozen=True)
class Outcome:
    trial: int
    operation: str
    mode: Mode
    point: str
    verdict: Verdict
    detail: str = ""
    leftovers: bool = False
    """``footnoted doctor`` reported unfinished temporary directories (swept by the next write)."""

    def line(self) -> str:
        extra = " (temporaries left, swept by the next write)" if self.leftovers else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"trial {self.trial:3d}  {self.operation:8s} {self.mode:5s} {self.point:18s} -> {self.verdict}{extra}{detail}"


@dataclass
class Harness:
    """A template index and the expected old and new state of each operation."""

    workdir: Path
    template: Path = field(init=False)
    old: State = field(init=False)
    new: dict[str, State] = field(init=False, default_factory=dict)
    calibrations: dict[str, Calibration] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.template = self.workdir / "template"
        index = open_index(self.template, create=True)
        # Two generations, so that the write under test also prunes the oldest one.
        first, *rest = base_documents()
        index.add([first])
        index.add(rest)
        self.old = state(index)
        index.close()

    def expected(self, operation: str) -> State:
        """The new generation, made in this process on a copy of the template."""
        if operation not in self.new:
            copy = self._copy(f"expected-{operation}")
            index = open_index(copy)
            OPERATIONS[operation](index)
            self.new[operation] = state(index)
            index.close()
            shutil.rmtree(copy)
        return self.new[operation]

    def calibrate(self, operation: str) -> Calibration:
        """Run the write once in a child, uninterrupted, counting its file operations."""
        if operation not in self.calibrations:
            copy = self._copy(f"calibrate-{operation}")
            child = _Child(copy, operation, crash_at=0)
            child.wait_ready()
            report = child.finish(timeout=300)
            if report is None:
                raise RuntimeError(f"the uninterrupted {operation} failed (exit code {child.process.exitcode})")
            self.calibrations[operation] = Calibration(
                report["ops"], report["seconds"], report["commit"], tuple(report["labels"])
            )
            found = state(open_index(copy))
            if found != self.expected(operation):
                raise RuntimeError(f"the child's {operation} does not give the expected generation")
            shutil.rmtree(copy)
        return self.calibrations[operation]

    def trial(self, number: int, operation: str, mode: Mode, rng: random.Random) -> Outcome:
        """Kill one write at a random point; check what it left."""
        cal = self.calibrate(operation)
        if mode == "op":
            return self.kill_at(number, operation, rng.randint(1, cal.operations))
        whole = rng.random() < 0.5
        return self.kill_after(number, operation, rng.uniform(0, cal.seconds) if whole else rng.uniform(*cal.commit))

    def kill_at(self, number: int, operation: str, crash_at: int) -> Outcome:
        """Kill the write just before its ``crash_at``-th file operation."""
        cal = self.calibrate(operation)
        path = self._copy(f"trial-{number:04d}")
        _Child(path, operation, crash_at=crash_at).finish(timeout=300)
        point = f"op {crash_at}/{cal.operations} ({cal.label(crash_at)})"
        return self._outcome(number, operation, "op", point, path)

    def kill_after(self, number: int, operation: str, delay: float) -> Outcome:
        """Kill the write ``delay`` seconds after it starts."""
        cal = self.calibrate(operation)
        path = self._copy(f"trial-{number:04d}")
        child = _Child(path, operation, crash_at=0)
        child.wait_ready()
        time.sleep(delay)
        child.kill()
        return self._outcome(number, operation, "timer", f"t={delay:.3f}s/{cal.seconds:.3f}", path)

    def _outcome(self, number: int, operation: str, mode: Mode, point: str, path: Path) -> Outcome:
        verdict, detail, leftovers = self.check(path, self.old, self.expected(operation))
        if verdict != "FAIL":
            shutil.rmtree(path)
        return Outcome(number, operation, mode, point, verdict, detail, leftovers)

    def check(self, path: Path, old: State, new: State) -> tuple[Verdict, str, bool]:
        """Load what the kill left; it must be exactly ``old`` or ``new``, and writable again."""
        try:
            index = open_index(path)
            found = state(index)
        except FootnotedError as exc:
            return "FAIL", f"does not load: {type(exc).__name__}: {exc}", False
        verdict: Verdict = "old" if found == old else "new" if found == new else "FAIL"
        if verdict == "FAIL":
            index.close()
            return "FAIL", f"neither old ({old.summary()}) nor new ({new.summary()}): {found.summary()}", False
        checkup = examine(path)
        leftovers = any(n.startswith(LEFTOVERS) for n in checkup.notes)
        if checkup.problems:
            index.close()
            return "FAIL", f"doctor: {'; '.join(checkup.problems)}", leftovers
        try:
            index.add([document("after-crash", seed=999, paragraphs=3)])
            index.close()
            again = open_index(path)
            ids = {d[0] for d in state(again).documents}
            again.close()
        except FootnotedError as exc:
            return "FAIL", f"the next write failed: {type(exc).__name__}: {exc}", leftovers
        if ids != {d[0] for d in found.documents} | {"after-crash"}:
            return "FAIL", "the next write did not give the expected documents", leftovers
        after = examine(path)
        if after.problems or after.notes:
            return "FAIL", f"doctor after the next write: {[*after.problems, *after.notes]}", leftovers
        return verdict, "", leftovers

    def _copy(self, name: str) -> Path:
        target = self.workdir / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(self.template, target)
        return target


def schedule(trials: int, operations: tuple[str, ...], rng: random.Random) -> Iterator[tuple[int, str, Mode]]:
    """Trials alternate between the two kill modes; each interrupts an operation drawn at random."""
    for number in range(1, trials + 1):
        mode: Mode = "op" if number % 2 else "timer"
        yield number, operations[rng.randrange(len(operations))], mode


# -- the child -------------------------------------------------------------------------------------


class _Killer:
    """Counts file operations under one directory; SIGKILLs this process before the N-th."""

    def __init__(self, directory: Path, crash_at: int) -> None:
        self.prefixes = (str(directory.absolute()), os.path.realpath(directory))
        self.crash_at = crash_at
        self.count = 0
        self.armed = False
        self.labels: list[str] = []

    def tick(self, label: str) -> None:
        if not self.armed:
            return
        self.count += 1
        if self.count == self.crash_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.crash_at == 0:
            self.labels.append(label)

    def audit(self, event: str, args: tuple[object, ...]) -> None:
        if event not in _EVENTS or not self.armed or not args:
            return
        path = args[0]
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        elif isinstance(path, os.PathLike):
            path = os.fspath(path)
        if not isinstance(path, str):
            return
        # Relative names are shutil.rmtree's, opened relative to a directory descriptor in the index.
        if os.path.isabs(path) and not path.startswith(self.prefixes):
            return
        for prefix in self.prefixes:
            path = "." if path == prefix else path.removeprefix(prefix + os.sep)
        self.tick(f"{event} {path}")


class _Child:
    """One write in a child process forked from a server that has footnoted imported already."""

    def __init__(self, path: Path, operation: str, *, crash_at: int) -> None:
        self._conn, theirs = _CONTEXT.Pipe(duplex=False)
        self.process = _CONTEXT.Process(target=_child, args=(str(path), operation, crash_at, theirs), daemon=True)
        self.process.start()
        theirs.close()

    def wait_ready(self, timeout: float = 120) -> None:
        if not self._conn.poll(timeout) or self._conn.recv() != "READY":
            self.kill()
            raise RuntimeError(f"the child did not start its write (exit code {self.process.exitcode})")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(60)
        self._conn.close()

    def finish(self, timeout: float) -> dict[str, Any] | None:
        """Wait for the child to end (or kill itself); its report if it completed the write."""
        self.process.join(timeout)
        if self.process.is_alive():
            self.kill()
            raise RuntimeError(f"the child did not end within {timeout} s")
        report: dict[str, Any] | None = None
        try:
            while self._conn.poll(0):
                message = self._conn.recv()
                if isinstance(message, dict):
                    report = message
        except EOFError:
            pass
        self._conn.close()
        return report


def _child(path: str, operation: str, crash_at: int, conn: Connection) -> None:
    from footnoted.index import store

    # Locks made here (tqdm makes one) are then unlinked at once, not left to the resource
    # tracker, which would warn about every one that a SIGKILL cut short.
    multiprocessing.set_start_method("fork", force=True)
    killer = _Killer(Path(path), crash_at)
    sys.addaudithook(killer.audit)
    real_fsync = os.fsync

    def fsync(fd: FileDescriptorLike) -> None:
        killer.tick("fsync")
        real_fsync(fd)

    os.fsync = fsync
    real_commit = store.IndexDir.commit
    window: list[float] = []

    def commit(self: store.IndexDir, write: Callable[[Path], dict[str, object]]) -> Path:
        window.append(time.perf_counter() - started)
        try:
            return real_commit(self, write)
        finally:
            window.append(time.perf_counter() - started)

    store.IndexDir.commit = commit  # type: ignore[method-assign]
    index = open_index(Path(path))
    run = OPERATIONS[operation]
    conn.send("READY")
    started = time.perf_counter()
    killer.armed = True
    run(index)
    killer.armed = False
    elapsed = time.perf_counter() - started
    conn.send({"ops": killer.count, "seconds": elapsed, "commit": (window[0], window[-1]), "labels": killer.labels})
    conn.close()


_CONTEXT = multiprocessing.get_context("forkserver")
# Children fork from a server that has imported footnoted once: a trial costs milliseconds to start.
_CONTEXT.set_forkserver_preload(["tests.reliability.crash"])
