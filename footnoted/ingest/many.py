"""Reading in helper processes: many files at once, on every core (``load_all``), and a server's
uploaded PDFs away from its interpreter lock (``Reader``).

Reading is one core's work, and for a PDF a slow one: about 49 pages a second here (PDFium reads
the characters, pdfminer's layout in pure Python groups them), of the order of what encoding the
same text costs. So ``load_all`` hands files out
one at a time, as each reader comes free, to this process and to helper processes beside it.
A helper is a fresh interpreter (``helper_command``), not a fork (the caller may
hold threads and locks) nor multiprocessing's spawn (which runs the caller's main script again).
It gets a file only once it has started, so a short job never waits for one; and a helper that
fails in any way costs nothing but reading its file here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from footnoted.errors import IngestError
from footnoted.ingest import pdf
from footnoted.ingest.process import python_command
from footnoted.ingest.read import (
    DEFAULT_MAX_BYTES,
    PACKAGE_FORMATS,
    document_id,
    format_of,
    load,
    parse,
    read_bytes,
    stored_unchanged,
)
from footnoted.types import Document

# What reading costs here, to tell whether a helper (half a second to start) pays: a PDF a
# twentieth of a second and 1.1 s a MB (40 PDFs from 5 KB to 0.3 MB, 1 to 15 pages, read in one
# process: 0.012 s + 1.07 s/MB fitted, about 23 ms a page), a Word, OpenDocument, EPUB or RTF file
# a tenth, text and HTML 10 MB a second.
_PDF_SECONDS = 0.05
_PDF_BYTES_A_SECOND = 900_000
_PACKAGE_SECONDS = 0.1
_BYTES_A_SECOND = 10_000_000
HELPER_PAYS_FROM = 1.0
"""The reading, in estimated seconds, worth starting a helper for."""
_HEADER = struct.Struct("!Q")
_READY = b"ready"


@dataclass(frozen=True, slots=True)
class _Job:
    path: Path
    doc_id: str | None
    max_bytes: int


def load_all(
    paths: Sequence[str | Path],
    *,
    ids: Sequence[str | None] | None = None,
    stored: Mapping[str, Document] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    readers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Document | IngestError]:
    """Read ``paths`` as ``load`` reads each, on up to ``readers`` cores (default: all there are).

    ``ids[i]`` is the id of ``paths[i]`` (default: from its name). ``stored`` maps an id to the
    version an index holds, returned as it is when the file's bytes are unchanged. ``progress``,
    when given, is called with 1 as each file is done, from one thread at a time. The result has
    one entry per path, in order: its ``Document``, or the ``IngestError`` reading it raised.
    """
    files = [Path(p) for p in paths]
    names = list(ids) if ids is not None else [None] * len(files)
    if len(names) != len(files):
        raise ValueError(f"{len(names)} ids for {len(files)} paths")
    results = _Results(len(files), progress)
    todo: list[int] = []
    for i, (path, doc_id) in enumerate(zip(files, names, strict=True)):
        old = stored.get(doc_id or document_id(path.name)) if stored is not None else None
        if old is None:
            todo.append(i)
            continue
        try:
            fmt, data = read_bytes(path, max_bytes)
        except IngestError as exc:
            results.set(i, exc)
            continue
        if stored_unchanged(old, data, fmt):
            results.set(i, old)  # nothing to read
        else:
            todo.append(i)
    jobs = {i: _Job(files[i], names[i], max_bytes) for i in todo}
    helpers = _helpers_for(list(jobs.values()), readers)
    # The longest first, so that no reader is left with a long file at the end while the others
    # wait: ``_seconds`` ranks them.
    queue = _Queue(sorted(todo, key=lambda i: -_seconds(jobs[i])) if helpers else todo)
    threads = [
        threading.Thread(target=_drive, args=(queue, jobs, results), name=f"footnoted-reader-{n}", daemon=True)
        for n in range(helpers)
    ]
    for thread in threads:
        thread.start()
    # With helpers, every core is reading already: no second process for a PDF.
    alone = pdf.in_one_process if helpers else contextlib.nullcontext
    while (mine := queue.take()) is not None:
        with alone():
            results.set(mine, _here(jobs[mine]))
    queue.close()
    for thread in threads:
        thread.join()
    out: list[Document | IngestError] = []
    for result in results.items:
        if isinstance(result, (Document, IngestError)):
            out.append(result)
        elif isinstance(result, BaseException):
            raise result
        else:  # every index was handed out exactly once, and each reader sets what it takes
            raise AssertionError("a file was left unread")
    return out


class _Results:
    """What each file gave, in order, told to ``progress`` as it comes."""

    def __init__(self, size: int, progress: Callable[[int], None] | None) -> None:
        self.items: list[Document | BaseException | None] = [None] * size
        self._progress = progress
        self._lock = threading.Lock()

    def set(self, i: int, result: Document | BaseException) -> None:
        with self._lock:
            self.items[i] = result
            if self._progress is not None:
                self._progress(1)


def _helpers_for(jobs: Sequence[_Job], readers: int | None) -> int:
    """How many helper processes to start beside this one: none for a job too small to pay for one."""
    cores = readers if readers is not None else _cores()
    if cores < 2 or len(jobs) < 2 or not sys.executable:  # (an embedded interpreter may not know its own)
        return 0
    seconds = sum(_seconds(job) for job in jobs)
    return min(cores, len(jobs)) - 1 if seconds >= HELPER_PAYS_FROM else 0


def _seconds(job: _Job) -> float:
    """About how long reading ``job``'s file takes here (a PDF's time grows with its size too)."""
    try:
        fmt = format_of(job.path.name)
        size = job.path.stat().st_size
    except (OSError, IngestError):
        return 0.0  # reading it will say why
    if fmt == "pdf":
        return _PDF_SECONDS + size / _PDF_BYTES_A_SECOND
    return _PACKAGE_SECONDS if fmt in PACKAGE_FORMATS else size / _BYTES_A_SECOND


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class _Queue:
    """The files still to read, handed out one at a time; closed once this process has read its
    last, so that a helper not yet started is stopped rather than waited for."""

    def __init__(self, items: Sequence[int]) -> None:
        self._items = list(reversed(items))
        self._lock = threading.Lock()
        self.closed = threading.Event()
        self._starting: list[subprocess.Popen[bytes]] = []

    def take(self) -> int | None:
        with self._lock:
            return self._items.pop() if self._items else None

    def starting(self, helper: subprocess.Popen[bytes]) -> bool:
        """Register a helper that has yet to say it is ready; False when the work is done already."""
        with self._lock:
            if self.closed.is_set():
                return False
            self._starting.append(helper)
            return True

    def started(self, helper: subprocess.Popen[bytes]) -> None:
        with self._lock:
            if helper in self._starting:
                self._starting.remove(helper)

    def close(self) -> None:
        with self._lock:
            self.closed.set()
            for helper in self._starting:
                helper.kill()  # its manager's wait for "ready" then ends
            self._starting.clear()


def _here(job: _Job) -> Document | BaseException:
    try:
        return load(job.path, doc_id=job.doc_id, max_bytes=job.max_bytes)
    except IngestError as exc:
        return exc
    except Exception as exc:  # not the file's fault: raised in the caller's thread
        return exc


class Reader:
    """Reads documents sent as bytes (a server's uploads) in a helper process kept for the purpose,
    so that a long read holds this process's interpreter lock for none of its time.

    Only PDFs go to the helper (about 20 ms a page, most of it Python holding the lock; every other format
    reads in milliseconds, less than the round trip). The helper starts at the first PDF and stays;
    one that has died is started again at the next. While it is busy with one PDF, another is read
    here, so two arriving together take both cores; a helper that fails on a PDF costs only reading
    it here, where any error it has is raised as it would be.
    """

    def __init__(self, *, helper: bool = True) -> None:
        """``helper=False`` reads everything here."""
        self._lock = threading.Lock()
        self._helper: subprocess.Popen[bytes] | None = None
        self._closed = not helper

    def parse(
        self, data: bytes, *, name: str, fmt: str | None = None, doc_id: str | None = None, title: str | None = None
    ) -> Document:
        """What ``footnoted.ingest.parse`` gives for the same arguments."""
        fmt = fmt or format_of(name)
        if fmt == "pdf" and self._lock.acquire(blocking=False):
            try:
                answer = self._ask(("parse", data, name, fmt, doc_id, title))
            finally:
                self._lock.release()
            if isinstance(answer, IngestError):
                raise answer
            if answer is not None:
                return answer
        return parse(data, name=name, fmt=fmt, doc_id=doc_id, title=title)

    def close(self) -> None:
        """Stop the helper; what is read after this is read here."""
        with self._lock:
            self._closed = True
            self._stop()

    def _ask(self, request: tuple[object, ...]) -> Document | IngestError | None:
        """The helper's answer, or None when there is none (it cannot start, or failed)."""
        if self._closed:
            return None
        helper = self._helper
        if helper is None or helper.poll() is not None:
            self._stop()  # one that has died: its pipes closed, and it reaped
            helper = self._helper = self._start()
            if helper is None:
                return None
        answer = _ask(helper, request)
        if answer is None:
            self._stop()  # not to be trusted with the next one
        return answer

    def _start(self) -> subprocess.Popen[bytes] | None:
        helper = _spawn()
        if helper is not None and not _ready(helper):
            _end(helper)
            return None
        return helper

    def _stop(self) -> None:
        if self._helper is not None:
            _end(self._helper)
            self._helper = None


def _end(helper: subprocess.Popen[bytes]) -> None:
    """Stop a helper and reap it."""
    helper.kill()
    for pipe in (helper.stdin, helper.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        helper.wait(timeout=10)


def helper_command() -> list[str]:
    """How a helper is started."""
    return python_command("from footnoted.ingest.many import serve; serve()")


def _spawn() -> subprocess.Popen[bytes] | None:
    """A helper started, or None when no process is to be had."""
    try:
        return subprocess.Popen(
            helper_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None


def _ready(helper: subprocess.Popen[bytes]) -> bool:
    """Whether a helper's first words say it is ready: not if it failed to start, was stopped, or
    something else wrote first (a site hook that prints)."""
    assert helper.stdout is not None  # a pipe
    try:
        return _receive(helper.stdout) == _READY
    except Exception:
        return False


def _drive(queue: _Queue, jobs: Mapping[int, _Job], results: _Results) -> None:
    """Keep one helper busy until the queue is empty; any file it fails on is read here instead."""
    helper = _spawn()
    if helper is None:  # this process reads everything
        return
    with helper:  # closes its pipes and waits for it
        try:
            if not queue.starting(helper):
                helper.kill()
                return
            ready = _ready(helper)
            queue.started(helper)
            if not ready:
                return  # the work is done without it
            while (i := queue.take()) is not None:
                job = jobs[i]
                answer = _ask(helper, ("load", str(job.path), job.doc_id, job.max_bytes))
                if answer is None:
                    with pdf.in_one_process():  # the helper failed on it: read it here, and stop using it
                        results.set(i, _here(job))
                    return
                results.set(i, answer)
        finally:
            if helper.stdin is not None and not helper.stdin.closed:
                with contextlib.suppress(OSError):
                    helper.stdin.close()  # the helper's cue to exit
            if helper.poll() is None and queue.closed.is_set():
                helper.kill()


def _ask(helper: subprocess.Popen[bytes], request: tuple[object, ...]) -> Document | IngestError | None:
    """What the helper read (``serve`` says what it is asked), or None when it did not answer in kind."""
    assert helper.stdin is not None and helper.stdout is not None  # both are pipes
    try:
        _send(helper.stdin, pickle.dumps(request))
        payload = _receive(helper.stdout)
        answer = pickle.loads(payload) if payload is not None else None
    except Exception:
        return None
    if isinstance(answer, (Document, IngestError)):
        return answer
    return None


def _send(pipe: IO[bytes], payload: bytes) -> None:
    pipe.write(_HEADER.pack(len(payload)) + payload)
    pipe.flush()


def _receive(pipe: IO[bytes]) -> bytes | None:
    """One message, or None when the pipe ends first."""
    header = pipe.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    payload = pipe.read(size)
    return payload if len(payload) == size else None


def serve() -> None:
    """A helper: read each file (or bytes) asked for on stdin, and answer on stdout."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the answers
    parse(b"warm", name="warm.txt")  # first-use work done before saying ready
    _send(answers, _READY)
    while (request := _receive(requests)) is not None:
        kind, *args = pickle.loads(request)
        answer: object
        try:
            if kind == "load":
                path, doc_id, max_bytes = args
                with pdf.in_one_process():  # the caller reads beside this process already: no third
                    answer = load(Path(path), doc_id=doc_id, max_bytes=max_bytes)
            else:
                data, name, fmt, doc_id, title = args
                answer = parse(data, name=name, fmt=fmt, doc_id=doc_id, title=title)  # a long PDF in two
        except IngestError as exc:
            answer = exc
        except Exception:
            answer = None  # the caller reads this itself, and sees what is wrong
        try:
            payload = pickle.dumps(answer)
        except Exception:
            payload = pickle.dumps(None)
        _send(answers, payload)
