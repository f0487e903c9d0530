"""An index directory on disk: immutable generations, switched in atomically, checked on load.

Layout::

    DIR/CURRENT                    name of the live generation, replaced with one rename
    DIR/generations/gen-000007/    manifest.json and the files it lists with their checksums
    DIR/lock                       held by the one process that may write
    DIR/cache/embeddings.sqlite    embedding cache (disposable)

A new generation is written beside the old one under a temporary name, every file and
directory is fsynced, the directory is renamed to its final name, and only then does CURRENT
move. A crash at any point leaves CURRENT naming a complete generation.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from footnoted.errors import IndexCorrupt, IndexLocked, IndexMismatch, IndexNotFound

FORMAT_VERSION = 6
"""Bumped whenever what a generation holds, or how its chunks and vectors are made, changes."""
READABLE_VERSIONS = (5, FORMAT_VERSION)
"""The versions this code opens: 5 differs from 6 only in not recording the notes a short form
points to ("supra note 12"), which are linked again from the notes' text as it is read."""
DOCUMENT_VERSIONS = tuple(range(1, FORMAT_VERSION + 1))
"""The versions whose documents this code reads, to build an index again from them (``footnoted
reindex``): every version has stored each document whole in ``documents.json``, its notes' links
("Ibid.", short forms) aside, which are linked again from their text."""
MANIFEST = "manifest.json"
_KEEP_GENERATIONS = 2
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            with open(os.path.join(dirpath, name), "rb+") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(Path(dirpath))


class IndexDir:
    """The files of one index and the protocol for reading and replacing them."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def generations(self) -> Path:
        return self.path / "generations"

    @property
    def cache_file(self) -> Path:
        return self.path / "cache" / "embeddings.sqlite"

    def exists(self) -> bool:
        return (self.path / "CURRENT").is_file()

    def current(self) -> Path:
        """The live generation's directory.

        Raises:
            IndexNotFound: there is no index here yet.
            IndexCorrupt: CURRENT names a generation that is not there, or is missing beside generations.
        """
        pointer = self.path / "CURRENT"
        if not pointer.is_file():
            if any(self.generations.glob("gen-*")):
                raise IndexCorrupt(
                    f"{pointer} is missing but {self.generations} holds generations; "
                    f"write the newest complete one's name (gen-NNNNNN) into CURRENT, or rebuild the index"
                )
            raise IndexNotFound(f"no index at {self.path}; build one with `footnoted ingest PATH --index {self.path}`")
        name = pointer.read_text().strip()
        gen = self.generations / name
        if not name.startswith("gen-") or not (gen / MANIFEST).is_file():
            # Not something a crash leaves (CURRENT is switched only to a generation written whole):
            # the files were changed by hand. Which generation to trust is the owner's call.
            complete = sorted(p.name for p in self.generations.glob("gen-*") if (p / MANIFEST).is_file())
            remedy = (
                f"the newest complete generation is {complete[-1]}: write its name into CURRENT to use it, or "
                if complete
                else "no complete generation is left: "
            )
            raise IndexCorrupt(
                f"{pointer} names {name!r}, which is missing or incomplete; {remedy}"
                f"move {self.path} aside and ingest the documents again"
            )
        return gen

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the writer's lock; another process trying to write is refused, not queued."""
        self.path.mkdir(parents=True, exist_ok=True)
        fh = open(self.path / "lock", "a+")  # noqa: SIM115 - held for the duration of the block
        try:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexLocked(
                    f"another process is writing to the index at {self.path}; try again when it has finished"
                ) from None
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            yield
        finally:
            fh.close()

    def commit(self, write: Callable[[Path], dict[str, Any]]) -> Path:
        """Write a new generation with ``write(dir) -> manifest fields`` and make it current.

        The caller must hold ``write_lock``.
        """
        self.generations.mkdir(parents=True, exist_ok=True)
        self._sweep_temporaries()
        number = 1 + max((int(p.name[4:]) for p in self.generations.glob("gen-*") if p.name[4:].isdigit()), default=0)
        name = f"gen-{number:06d}"
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=self.generations))
        try:
            fields = write(tmp)
            files = {}
            for path in sorted(tmp.rglob("*")):
                if path.is_file():
                    rel = path.relative_to(tmp).as_posix()
                    files[rel] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
            manifest = {"format_version": FORMAT_VERSION, "generation": number, **fields, "files": files}
            manifest["checksum"] = manifest_digest(manifest)
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
            _fsync_tree(tmp)
            os.rename(tmp, self.generations / name)
            _fsync_dir(self.generations)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        pointer_tmp = self.path / f".CURRENT.{os.getpid()}"
        with open(pointer_tmp, "w") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer_tmp, self.path / "CURRENT")
        _fsync_dir(self.path)
        self._prune(keep=name)
        return self.generations / name

    def _sweep_temporaries(self) -> None:
        for stale in self.generations.glob(".gen-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in self.path.glob(".CURRENT.*"):
            stale.unlink(missing_ok=True)

    def _prune(self, keep: str) -> None:
        """Delete all but the newest generations; the previous one stays for readers mid-load, and
        any other that a reader is loading (``reading``) stays until a later commit finds it free."""
        gens = sorted((p for p in self.generations.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
        for old in gens[:-_KEEP_GENERATIONS]:
            if old.name == keep:
                continue
            try:
                fd = os.open(old, os.O_RDONLY)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # being read
            else:
                shutil.rmtree(old, ignore_errors=True)
            finally:
                os.close(fd)


@contextlib.contextmanager
def reading(gen: Path) -> Iterator[None]:
    """Hold ``gen`` while its files are read: a commit meanwhile does not remove it (a shared lock
    on the directory, which ``_prune`` asks for exclusively and passes over when refused). Where the
    lock cannot be had (the directory is already gone, a file system without locks), the files are
    read without it, and a generation gone under the reader is read again from ``CURRENT``."""
    try:
        fd = os.open(gen, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def read_manifest(gen: Path, readable: tuple[int, ...] = READABLE_VERSIONS) -> dict[str, Any]:
    """A generation's manifest, checked: of a version in ``readable``, its checksum right.

    Raises:
        IndexMismatch: another format version.
        IndexCorrupt: it does not read, or fails its checksum.
    """
    try:
        manifest = json.loads((gen / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{gen / MANIFEST} cannot be read ({exc}); rebuild the index") from None
    if not isinstance(manifest, dict):
        raise IndexCorrupt(f"{gen / MANIFEST} is not a manifest; rebuild the index")
    # Before the checksum: a manifest of another format may not have one, and is not damaged.
    version = manifest.get("format_version")
    if version not in readable:
        where = gen.parent.parent  # DIR/generations/gen-NNNNNN
        if isinstance(version, int) and version > FORMAT_VERSION:
            hint = "it was written by a newer footnoted: use that one, or build the index afresh"
        elif version in DOCUMENT_VERSIONS:
            hint = _rebuild(where)
        else:
            hint = f"no footnoted wrote it: build the index afresh with `footnoted ingest PATH --index {where}`"
        raise IndexMismatch(
            f"the index at {where} has format version {version}, this footnoted reads {FORMAT_VERSION}; {hint}"
        )
    # Formats 1 to 3 wrote no checksum of the manifest itself.
    if (version >= 4 or "checksum" in manifest) and manifest.get("checksum") != manifest_digest(manifest):
        raise IndexCorrupt(f"{gen / MANIFEST}: checksum mismatch (corrupted); rebuild the index")
    return manifest


def manifest_digest(manifest: dict[str, Any]) -> str:
    """sha256 of a manifest's canonical JSON, leaving out its own ``checksum``."""
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def check_manifest(manifest: dict[str, Any], *, model_id: str, dimension: int, where: Path) -> None:
    """Refuse an index built with another model or dimension (``read_manifest`` refuses another format).

    Raises:
        IndexMismatch: with what differs and how to rebuild.
    """
    rebuild = _rebuild(where)
    model = manifest.get("model") or {}
    if model.get("id") != model_id:
        raise IndexMismatch(
            f"the index at {where} was built with model {model.get('id')!r}, not {model_id!r}; {rebuild}"
        )
    if model.get("dimension") != dimension:
        raise IndexMismatch(
            f"the index at {where} holds {model.get('dimension')}-dimensional vectors, the model makes {dimension}; {rebuild}"
        )


def _rebuild(where: Path) -> str:
    return f"build it again from the documents it holds with `footnoted reindex --index {where}`"


def verify_files(gen: Path, manifest: dict[str, Any]) -> list[str]:
    """Problems with the files a manifest lists: missing, wrong size, checksum mismatch, unlisted."""
    problems = []
    files = manifest.get("files") or {}
    for rel, meta in sorted(files.items()):
        path = gen / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif path.stat().st_size != meta.get("bytes"):
            problems.append(f"{rel}: {path.stat().st_size} bytes, expected {meta.get('bytes')} (truncated or altered)")
        elif sha256_file(path) != meta.get("sha256"):
            problems.append(f"{rel}: checksum mismatch (corrupted)")
    return problems
