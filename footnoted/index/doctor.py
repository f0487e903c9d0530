"""Checking an index directory without trusting it: what is wrong, file by file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from footnoted.errors import FootnotedError, IndexMismatch
from footnoted.index import snapshot as snapshots
from footnoted.index.generation import stored_documents
from footnoted.index.store import IndexDir, check_manifest, read_manifest, verify_files


@dataclass(frozen=True, slots=True)
class Checkup:
    """The result of examining an index: the generation looked at, the problems found, and notes
    on what is harmless (the temporary directory of a write that was interrupted)."""

    path: Path
    generation: str | None = None
    documents: int = 0
    chunks: int = 0
    problems: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)
    damaged: bool = True
    """Whether a problem is damage (a file, the pointer), not only that another model built it."""

    @property
    def healthy(self) -> bool:
        return not self.problems


def examine(path: Path, *, model_id: str | None = None, dimension: int | None = None) -> Checkup:
    """Examine the index at ``path``: pointer, manifest, model, every file's checksum, and a full read."""
    directory = IndexDir(path)
    try:
        gen = directory.current()
    except FootnotedError as exc:
        # The pointer: its message says which generation is whole, if any (the documents are read
        # through it, so none can be said to read back until it is mended).
        return Checkup(path, problems=(str(exc),))
    try:
        manifest = read_manifest(gen)
    except FootnotedError as exc:
        remedy = (_remedy(directory),) if directory.exists() else ()
        return Checkup(path, problems=(str(exc),), notes=remedy, damaged=not isinstance(exc, IndexMismatch))
    mismatch: list[str] = []  # built for another model or by a newer footnoted: not damage
    if model_id is not None and dimension is not None:
        try:
            check_manifest(manifest, model_id=model_id, dimension=dimension, where=path)
        except FootnotedError as exc:
            mismatch.append(str(exc))
    problems = verify_files(gen, manifest)
    documents = chunks = 0
    if not problems:
        try:
            snap = snapshots.read(gen, manifest)
            documents, chunks = len(snap.documents), len(snap.chunks)
            for c in snap.chunks:
                if c.text != snap.documents[c.document_id].source[c.start : c.end]:
                    problems.append(f"chunk {c.id} does not match its document's text")
                    break
        except FootnotedError as exc:
            problems.append(str(exc))
    # An interrupted write leaves its unfinished generation in a hidden directory. The index never
    # reads it and the next write removes it: worth saying, not damage.
    stray = [p.name for p in directory.generations.glob(".gen-*")]
    notes = [f"unfinished writes left behind (removed by the next write): {', '.join(sorted(stray))}"] if stray else []
    if problems or mismatch:
        notes.append(_remedy(directory))
    return Checkup(path, gen.name, documents, chunks, (*mismatch, *problems), tuple(notes), damaged=bool(problems))


def _remedy(directory: IndexDir) -> str:
    """What can be done for an index with problems: build it again from its documents when they
    read back whole, else ingest them afresh."""
    try:
        documents, _ = stored_documents(directory)
    except FootnotedError:
        return "its documents do not read back whole: ingest them afresh into an empty directory"
    held = f"{len(documents)} document{'' if len(documents) == 1 else 's'}"
    return f"its {held} read back whole: `footnoted reindex --index {directory.path}` builds it again from them"
