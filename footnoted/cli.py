"""The ``footnoted`` command line. Every command works with no index given, on the bundled briefing.

Exit codes: 0 success, 1 unexpected error, 2 usage (a bad option or ``FOOTNOTED_*`` value), 3
unreadable document or eval set, 4 index or document not found, 5 index damaged or built differently, 6 index busy (another writer),
7 invalid question, 8 the model could not be loaded, 9 a file or folder that cannot be read or
written (a read-only disk, no permission, a file where a folder should be), 130 interrupted, 141
the reader of the output went away (``| head``).
"""

from __future__ import annotations

import inspect
import json
import os
import re
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast, get_args

import typer
from typer.core import TyperGroup

from footnoted import errors, render
from footnoted.settings import QUESTION_HELP, Fusion, Settings, setting_error
from footnoted.types import MEANT_LINE_BREAKS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from footnoted.index.config import IndexConfig
    from footnoted.index.index import AddReport, Index
    from footnoted.types import Answer, Document, Hit


class _ReaderGone(Exception):
    """Standard output's reader went away (``| head``). Not an ``OSError``: click turns a broken
    pipe into exit code 1 on its way out, and this one must reach ``main`` (exit code 141)."""


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _ReaderGone from None

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and command.help:
            command.help = _unwrapped(command.help)
        return command


def _unwrapped(help_text: str) -> str:
    """A docstring's paragraphs each on one line, for the help to wrap at the terminal's width
    (the help keeps the source's line breaks after the first paragraph, ragged in 80 columns)."""
    return "\n\n".join(" ".join(p.split("\n")) for p in inspect.cleandoc(help_text).split("\n\n"))


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Answers from footnoted documents, with exact citations and the footnotes each passage cites.",
)

EXIT_CODES: list[tuple[type[Exception], int]] = [
    (errors.IngestError, 3),
    (errors.IndexNotFound, 4),
    (errors.DocumentNotFound, 4),
    (errors.IndexMismatch, 5),
    (errors.IndexCorrupt, 5),
    (errors.IndexLocked, 6),
    (errors.InvalidQuery, 7),
    (errors.InvalidSettings, 2),
    (errors.EvalSetError, 3),
    (errors.EncoderError, 8),
]

IndexOption = Annotated[
    Path | None, typer.Option("--index", help="Index directory (default: the bundled briefing's index).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]
ModeOption = Annotated[
    str | None,
    typer.Option("--mode", help="dense, lexical or hybrid (default: FOOTNOTED_MODE, else the index's own, hybrid)."),
]
FusionOption = Annotated[
    str | None,
    typer.Option(
        "--fusion",
        help="How hybrid search fuses its lists: rrf, zscore or convex (default: FOOTNOTED_FUSION, else the "
        "index's own, rrf).",
    ),
]
DocumentOption = Annotated[list[str] | None, typer.Option("--document", help="Only these document ids.")]


def _version() -> str:
    from importlib.metadata import version

    return version("footnoted")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"footnoted {_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_show_version, help="Print the version and exit."),
    ] = False,
) -> None:
    pass


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"footnoted: {message}", err=True)
    raise typer.Exit(code)


def _echo_json(data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except UnicodeEncodeError:  # an output that is not UTF-8 (PYTHONIOENCODING=cp1252): the same JSON, escaped
        text = json.dumps(data, ensure_ascii=True, indent=2)
    typer.echo(text)


def _settings() -> Settings:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return Settings()


def _index_dir(settings: Settings, index: Path | None) -> Path:
    """The index directory a command works on; a file there is exit code 9, as a folder that cannot be written is."""
    path = index or settings.index_path()
    if path.exists() and not path.is_dir():
        _fail(f"{path}: is a file, not an index directory", 9)
    return path


def _open(index: Path | None, *, create: bool = False) -> Index:
    from footnoted.index.load import open_index

    settings = _settings()
    path = _index_dir(settings, index)
    bar = _bar("building the briefing's index") if settings.is_default_index(path) else None
    try:
        return open_index(settings, path, create=create, progress=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()


def _bar(desc: str, *, unit: str = " texts", total: int | None = None) -> Any:
    from tqdm import tqdm

    return tqdm(desc=desc, unit=unit, total=total, disable=not sys.stderr.isatty(), leave=False)


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files to add (.txt, .md, .rst, .tex, .html, .pdf, .docx, .odt, .epub, .rtf), or folders of them."
        ),
    ],
    index: IndexOption = None,
    doc_id: Annotated[str | None, typer.Option("--id", help="Document id (one file only).")] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Also remove the documents read from files below the folders given whose files are gone "
            "(deleted, renamed or moved away).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Build or update an index: add new documents, replace changed ones, skip unchanged ones.

    A folder adds the files below it that footnoted reads, skipping (and naming) any it cannot read,
    in batches of at least 64 files, each committed as it is done. A file named on its own that
    cannot be read stops the whole ingest before anything is stored. With --prune, once every file
    is in, the documents read from files below the folders that are no longer there are removed in
    one more commit (a file that is there but cannot be read keeps its document).
    """
    from footnoted.index import AddReport
    from footnoted.ingest.many import load_all
    from footnoted.ingest.read import DOCUMENT_ID, document_ids

    if doc_id is not None and not re.fullmatch(DOCUMENT_ID, doc_id):
        _fail(
            f"--id: invalid document id {doc_id[:40]!r}: use letters, digits, '.', '_' and '-', starting with a "
            "letter or digit, at most 128 characters",
            2,
        )
    files = _expand(paths)
    if doc_id is not None and len(files) != 1:
        _fail("--id names one document; give exactly one file with it", 2)
    folders = [p.resolve() for p in paths if p.is_dir()]
    if prune and not folders:
        _fail("--prune keeps a folder in step with the index; give the folder", 2)
    ix = _open(index, create=True)
    # A file the index holds under its plain id keeps it when a namesake joins the folder.
    ids = [doc_id] if doc_id is not None else document_ids([f for f, _ in files], stored=ix.documents)
    readers = _settings().readers or None
    report = AddReport()
    added: dict[int, tuple[str, int, str]] = {}  # file -> the document's id, notes and title
    skipped: dict[int, str] = {}
    reading = _bar("reading", unit="file", total=len(files))
    encoding = _bar("encoding")
    try:
        for batch in _batches(files, lambda: len(ix.documents)):
            # Unchanged bytes give the stored version back; the rest is read on every core.
            read = load_all(
                [files[i][0] for i in batch],
                ids=[ids[i] for i in batch],
                stored=ix.documents,
                readers=readers,
                progress=reading.update,
            )
            docs = []
            for i, result in zip(batch, read, strict=True):
                if isinstance(result, errors.IngestError):
                    if not files[i][1]:
                        raise result  # named on its own: the first batch, so nothing is stored yet
                    skipped[i] = str(result)
                else:
                    docs.append(result)
                    added[i] = (result.id, len(result.footnotes), result.title)
            if docs:
                report = _merged(report, ix.add(docs, progress=encoding.update))
    finally:
        reading.close()
        encoding.close()
    reasons = [skipped[i] for i in sorted(skipped)]
    if not added:
        _fail(f"no readable document: {'; '.join(reasons)}", 3)
    # A document read in this ingest is there, wherever its stored copy says it was read from (a
    # file moved within the folder, unchanged, keeps its id and its stored copy).
    gone = _gone(ix.documents, folders, read={doc_id for doc_id, _, _ in added.values()}) if prune else {}
    if gone:
        ix.remove(*gone)
    # In the order the files were given, whatever batch each was read in.
    given = {doc_id: i for i, (doc_id, _, _) in added.items()}
    report = replace(
        report,
        added=tuple(sorted(report.added, key=given.__getitem__)),
        replaced=tuple(sorted(report.replaced, key=given.__getitem__)),
        unchanged=tuple(sorted(report.unchanged, key=given.__getitem__)),
        reread=tuple(sorted(report.reread, key=given.__getitem__)),
    )
    if as_json:
        _echo_json(
            {
                "index": str(ix.path),
                "added": report.added,
                "replaced": report.replaced,
                "unchanged": report.unchanged,
                "reread": report.reread,
                "chunks": report.chunks,
                "encoded": report.encoded,
                "reused": report.reused,
                "warnings": {k: list(v) for k, v in report.warnings.items()},
                "skipped": reasons,
                **({"removed": list(gone)} if prune else {}),
            }
        )
        return
    for i in sorted(added):
        doc_id, notes, title = added[i]
        state = "added" if doc_id in report.added else "replaced" if doc_id in report.replaced else "unchanged"
        typer.echo(f"{state:9} {doc_id}  ({render.count(notes, 'footnote')}) {title}")
        if doc_id in report.reread:
            typer.echo(
                "          read again: the file is unchanged, but other reading code (an earlier footnoted) read it"
            )
        for warning in report.warnings.get(doc_id, ()):
            typer.echo(f"          warning: {warning}")
    for reason in reasons:
        typer.echo(f"skipped   {reason}")
    for removed, path in gone.items():
        typer.echo(f"removed   {removed}  (no longer at {path})")
    typer.echo(
        f"{render.count(report.chunks, 'chunk')}, {render.count(report.encoded, 'text')} encoded, {report.reused} from cache "
        f"-> {ix.path}"
    )


def _gone(documents: Mapping[str, Document], folders: list[Path], read: set[str]) -> dict[str, str]:
    """The documents read from a file below one of ``folders`` that is no longer there, by id,
    with the path ingest recorded (resolved from the current directory, as ingest was given it);
    none of those ``read`` now."""
    out: dict[str, str] = {}
    for doc_id, doc in sorted(documents.items()):
        recorded = doc.metadata.get("path")
        if not recorded or doc_id in read:
            continue  # uploaded, or the bundled briefing: no file to miss
        path = Path(recorded).resolve()
        if any(path.is_relative_to(folder) for folder in folders) and not path.exists():
            out[doc_id] = recorded
    return out


BATCH_FILES = 64
"""Files read and committed together by ``ingest``, at least (a quarter of what the index holds, when
that is more): what an interrupted ingest loses, and keeps in memory at once."""


def _batches(files: list[tuple[Path, bool]], stored: Callable[[], int]) -> Iterator[list[int]]:
    """The files' positions in the batches ``ingest`` reads and commits, in order. Files named on
    their own come first, all in the first batch, so that one that cannot be read stops the ingest
    before anything is stored. Each batch holds ``BATCH_FILES`` or a quarter of the documents the
    index holds, whichever is more, so that the commits, each of which writes the whole index
    again, cost a bounded share of the work however large it grows."""
    named = [i for i, (_, in_folder) in enumerate(files) if not in_folder]
    rest = [i for i, (_, in_folder) in enumerate(files) if in_folder]
    size = max(BATCH_FILES, stored() // 4)
    yield named + rest[:size]
    done = size
    while done < len(rest):
        size = max(BATCH_FILES, stored() // 4)
        yield rest[done : done + size]
        done += size


def _merged(a: AddReport, b: AddReport) -> AddReport:
    """Two reports of adds one after the other, as one."""
    return replace(
        a,
        added=a.added + b.added,
        replaced=a.replaced + b.replaced,
        unchanged=a.unchanged + b.unchanged,
        reread=a.reread + b.reread,
        chunks=a.chunks + b.chunks,
        encoded=a.encoded + b.encoded,
        reused=a.reused + b.reused,
        warnings={**a.warnings, **b.warnings},
    )


def _expand(paths: list[Path]) -> list[tuple[Path, bool]]:
    """The files to read, each with whether a folder named it: a folder gives the files below it
    that footnoted reads, in order, hidden ones left out."""
    from footnoted.ingest.read import FORMATS

    files: list[tuple[Path, bool]] = []
    for path in paths:
        if not path.is_dir():
            files.append((path, False))
            continue
        found = sorted(
            f
            for f in path.rglob("*")
            if f.is_file()
            and f.suffix.lower() in FORMATS
            and not any(part.startswith(".") for part in f.relative_to(path).parts)
        )
        if not found:
            _fail(f"{path}: no file footnoted reads in this folder ({', '.join(sorted(FORMATS))})", 3)
        files.extend((f, True) for f in found)
    # A file given twice (by name, or by name and in a folder) is read once, in its first place;
    # named on its own anywhere, it stops the ingest when it cannot be read.
    first: dict[Path, int] = {}
    unique: list[tuple[Path, bool]] = []
    for path, in_folder in files:
        at = first.setdefault(path.resolve(), len(unique))
        if at == len(unique):
            unique.append((path, in_folder))
        elif not in_folder:
            unique[at] = (unique[at][0], False)
    return unique


@app.command()
def reindex(
    index: IndexOption = None,
    chunk_tokens: Annotated[
        int | None,
        typer.Option("--chunk-tokens", help="Passage size in model tokens, at least 8 (default: as it was built)."),
    ] = None,
    chunk_overlap: Annotated[
        int | None,
        typer.Option(
            "--chunk-overlap",
            help="Passage overlap in model tokens, under half the passage size (default: as it was built).",
        ),
    ] = None,
    store: Annotated[
        str | None, typer.Option("--store", help="flat, flat16 or hnsw (default: as it was built).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Build an index again from the documents it holds: for another model, another version of
    footnoted, or other passage sizes. No source file is needed; the old index stays live until
    the new one is complete."""
    from footnoted.index.generation import stored_settings
    from footnoted.index.index import Index
    from footnoted.index.load import make_encoder
    from footnoted.index.store import IndexDir
    from footnoted.index.vectors import StoreKind
    from footnoted.ingest.chunk import ChunkSettings

    if store is not None and store not in ("flat", "flat16", "hnsw"):
        _fail(f"--store must be flat, flat16 or hnsw, not {store!r}", 2)
    settings = _settings()
    path = _index_dir(settings, index)
    if settings.is_default_index(path) and not IndexDir(path).exists():
        _open(path).close()  # the bundled briefing's index, built on first use as by every command
    if chunk_tokens is not None or chunk_overlap is not None:
        built = stored_settings(IndexDir(path)).chunk
        try:
            ChunkSettings(
                built.max_tokens if chunk_tokens is None else chunk_tokens,
                built.overlap if chunk_overlap is None else chunk_overlap,
            )
        except ValueError as exc:
            _fail(f"--chunk-tokens/--chunk-overlap: {exc}", 2)
    encoder, tokenizer = make_encoder(settings)
    bar = _bar("encoding")
    try:
        ix, report = Index.rebuild(
            path,
            encoder,
            tokenizer,
            chunk_tokens=chunk_tokens,
            chunk_overlap=chunk_overlap,
            store=cast("StoreKind | None", store),
            progress=bar.update,
        )
    except ValueError as exc:  # the passage size or overlap, once capped to what the model reads
        _fail(f"--chunk-tokens/--chunk-overlap: {exc}", 2)
    finally:
        bar.close()
    held = len(report.added)
    if as_json:
        _echo_json(
            {
                "index": str(ix.path),
                "documents": held,
                "chunks": report.chunks,
                "encoded": report.encoded,
                "reused": report.reused,
                "model": ix.encoder.model_id,
            }
        )
    else:
        typer.echo(
            f"{render.count(held, 'document')}, {render.count(report.chunks, 'chunk')}, {render.count(report.encoded, 'text')} encoded, "
            f"{report.reused} from cache -> {ix.path} ({ix.encoder.model_id})"
        )


@app.command()
def remove(
    document_id: Annotated[str, typer.Argument(help="Id of the document to remove.")],
    index: IndexOption = None,
) -> None:
    """Remove a document and its passages from an index."""
    ix = _open(index)
    ix.remove(document_id)
    typer.echo(f"removed {document_id} from {ix.path}")


@app.command()
def search(
    question: Annotated[str, typer.Argument(help=QUESTION_HELP)],
    index: IndexOption = None,
    k: Annotated[int | None, typer.Option("-k", "--k", help="How many passages (5; at most FOOTNOTED_MAX_K).")] = None,
    mode: ModeOption = None,
    fusion: FusionOption = None,
    document: DocumentOption = None,
    as_json: JsonOption = False,
) -> None:
    """The passages that best answer a question, with their citations and footnotes."""
    k = _limits(question, k)
    fused = _fusion(fusion)
    ix = _open(index)
    hits = ix.search(question, k, mode=_mode(mode), document_ids=document or None, fusion=fused)
    if as_json:
        _echo_json(render.search(question, hits))
        return
    if not hits:
        typer.echo("no passages found")
    for hit in hits:
        _print_hit(hit, _lines_meant(ix, hit.citation.document_id))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help=QUESTION_HELP)],
    index: IndexOption = None,
    k: Annotated[
        int | None,
        typer.Option("-k", "--k", help="How many passages to draw from (5; at most FOOTNOTED_MAX_K)."),
    ] = None,
    mode: ModeOption = None,
    fusion: FusionOption = None,
    document: DocumentOption = None,
    as_json: JsonOption = False,
) -> None:
    """The best evidence sentence for a question, with the passages it comes from."""
    k = _limits(question, k)
    fused = _fusion(fusion)
    ix = _open(index)
    answer = ix.ask(question, k, mode=_mode(mode), document_ids=document or None, fusion=fused)
    if as_json:
        _echo_json(render.ask(answer))
        return
    _print_answer(answer, ix)


def _limits(question: str, k: int | None) -> int:
    """The bounds the HTTP API and the MCP tools keep, kept here too: one setting for them all; the
    passages to return (with no ``-k``, 5, or ``FOOTNOTED_MAX_K`` where that is lower)."""
    settings = _settings()
    if k is None:
        k = settings.default_k
    if not 1 <= k <= settings.max_k:
        _fail(f"-k: must be between 1 and {settings.max_k} (FOOTNOTED_MAX_K), not {k}", 2)
    if len(question) > settings.max_question_chars:
        raise errors.InvalidQuery(
            f"the question is {len(question)} characters long; the limit is {settings.max_question_chars} "
            "(FOOTNOTED_MAX_QUESTION_CHARS)"
        )
    return k


@app.command()
def info(index: IndexOption = None, as_json: JsonOption = False) -> None:
    """Where the index is, which model built it, and what it holds (built by another model too: it
    says so, and how to search it)."""
    try:
        ix = _open(index)
    except errors.IndexMismatch as mismatch:
        _stored_info(index, mismatch, as_json)
        return
    snap = ix.snapshot
    chunks_per_doc = snap.chunk_counts()
    data: dict[str, Any] = {
        "index": str(ix.path),
        "generation": snap.generation,
        "model": ix.encoder.model_id,
        "dimension": ix.encoder.dimension,
        "config": _config_json(ix.config),
        "documents": [render.document_summary(d, chunks_per_doc.get(d.id, 0)) for d in snap.documents.values()],
        "chunks": len(snap.chunks),
        "vectors": len(snap.row_ids),
        "footnotes": sum(len(d.footnotes) for d in snap.documents.values()),
        "searchable": True,
    }
    if as_json:
        _echo_json(data)
        return
    _echo_index_and_model(data)
    typer.echo(
        f"holds       {render.count(len(snap.documents), 'document')}, {render.count(data['chunks'], 'chunk')}, "
        f"{render.count(data['footnotes'], 'footnote')}"
    )
    asked = _settings().mode
    mode = (
        f"{asked} (FOOTNOTED_MODE; the index's own: {ix.config.mode})"
        if asked and asked != ix.config.mode
        else ix.config.mode
    )
    fused = _settings().fusion
    fusion = (
        f"{fused} fusion (FOOTNOTED_FUSION; the index's own: {ix.config.fusion})"
        if fused and fused != ix.config.fusion
        else f"{ix.config.fusion} fusion"
    )
    typer.echo(f"searches    {mode}, {fusion}, over {data['vectors']} vectors in a {ix.config.store} store")
    for d in data["documents"]:
        typer.echo(
            f"  {d['id']}: {d['title']} ({render.count(d['chunks'], 'chunk')}, {render.count(d['footnotes'], 'footnote')})"
        )


def _config_json(config: IndexConfig) -> dict[str, Any]:
    """The settings ``info`` reports of an index."""
    return {
        "chunk_tokens": config.chunk.max_tokens,
        "chunk_overlap": config.chunk.overlap,
        "store": config.store,
        "footnote_vectors": config.footnote_vectors,
        "mode": config.mode,
        "fusion": config.fusion,
    }


def _echo_index_and_model(data: dict[str, Any]) -> None:
    typer.echo(f"index       {data['index']} (generation {data['generation']})")
    typer.echo(f"model       {data['model']} ({data['dimension']} dimensions)")


def _stored_info(index: Path | None, mismatch: errors.IndexMismatch, as_json: bool) -> None:
    """``info`` on an index another model built (or an older format): what its manifest and its
    documents say, read without its vectors, and why it cannot be searched as it is. One written
    by a newer footnoted is refused as before (``mismatch``)."""
    from footnoted.index.generation import stored_documents
    from footnoted.index.store import DOCUMENT_VERSIONS, IndexDir, read_manifest

    directory = IndexDir(_index_dir(_settings(), index))
    try:
        documents, config = stored_documents(directory)
        manifest = read_manifest(directory.current(), DOCUMENT_VERSIONS)
    except errors.IndexMismatch:
        raise mismatch from None
    model = manifest.get("model") or {}
    counts = manifest.get("counts") or {}
    data: dict[str, Any] = {
        "index": str(directory.path),
        "generation": int(manifest.get("generation", 0)),
        "model": model.get("id"),
        "dimension": model.get("dimension"),
        "config": _config_json(config),
        "documents": [{**render.document_summary(d, 0), "chunks": None} for d in documents],
        "chunks": counts.get("chunks"),
        "vectors": counts.get("vectors"),
        "footnotes": sum(len(d.footnotes) for d in documents),
        "searchable": False,
        "problem": str(mismatch),
    }
    if as_json:
        _echo_json(data)
        return
    _echo_index_and_model(data)
    chunks = f"{render.count(data['chunks'], 'chunk')}, " if isinstance(data["chunks"], int) else ""
    typer.echo(
        f"holds       {render.count(len(documents), 'document')}, {chunks}{render.count(data['footnotes'], 'footnote')}"
    )
    typer.echo(f"searches    nothing as it is: {mismatch}")
    for d in data["documents"]:
        typer.echo(f"  {d['id']}: {d['title']} ({render.count(d['footnotes'], 'footnote')})")


@app.command()
def serve(
    index: IndexOption = None,
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default 8000).")] = None,
) -> None:
    """Serve the HTTP API and the web page (building the briefing's index first if needed)."""
    import logging

    import uvicorn

    from footnoted.api.app import create_app

    settings = _settings()
    updates: dict[str, Any] = {}
    if index is not None:
        updates["index"] = index
    if host is not None:
        if not host.strip():
            _fail("--host: give an address to listen on (127.0.0.1 for this machine, 0.0.0.0 for all)", 2)
        updates["host"] = host
    if port is not None:
        if not 1 <= port <= 65535:
            _fail(f"--port: {port} is not a port (1 to 65535)", 2)
        updates["port"] = port
    settings = settings.model_copy(update=updates)
    _index_dir(settings, index)  # a file where the index should be: exit code 9, as for every command
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    remote = settings.host not in ("127.0.0.1", "localhost", "::1")
    if remote and not (settings.read_key or settings.admin_key or settings.allow_remote):
        typer.echo(
            "footnoted: note: no API keys are set, so only clients on this machine will be answered "
            "(set FOOTNOTED_READ_KEY / FOOTNOTED_ADMIN_KEY, or FOOTNOTED_ALLOW_REMOTE=1)",
            err=True,
        )
    _check_address(settings.host, settings.port)
    typer.echo(f"footnoted: serving http://{settings.host}:{settings.port}/ (index: {settings.index_path()})", err=True)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        # Longer than any client keeps an idle connection (httpx: 5 s, uvicorn's own default): with
        # equal limits a client can reuse a connection the server is closing, and the request fails.
        timeout_keep_alive=settings.keep_alive_seconds,
    )


def _check_address(host: str, port: int) -> None:
    """Exit 9 with one line when ``serve`` cannot listen at ``host:port`` (the port in use, a name
    that does not resolve), before anything starts; uvicorn would say so in its own words, after
    the server had announced itself ready, and exit 3."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", 9)


@app.command()
def mcp(index: IndexOption = None) -> None:
    """Serve search, ask and list_documents to MCP clients (AI assistants, editors) over stdio."""
    try:
        from footnoted.integrations.mcp import run
    except ImportError as exc:
        _fail(f"the MCP server needs the mcp extra: pip install 'footnoted[mcp]' ({exc})", 1)
    run(_settings(), index)


@app.command()
def doctor(index: IndexOption = None, as_json: JsonOption = False) -> None:
    """Check an index without trusting it: pointer, manifest, model, checksums, and a full read."""
    from footnoted.index.doctor import examine
    from footnoted.index.encoder import default_model_path, read_spec
    from footnoted.index.store import IndexDir

    settings = _settings()
    path = _index_dir(settings, index)
    if not IndexDir(path).exists() and not IndexDir(path).generations.is_dir():
        _fail(f"no index at {path}", 4)  # nothing to examine: not a damaged index
    model_id = dimension = None
    if settings.encoder != "hash":
        spec = read_spec(settings.model_path or default_model_path())
        model_id, dimension = spec.model_id, spec.dimension
    checkup = examine(path, model_id=model_id, dimension=dimension)
    if as_json:
        _echo_json(
            {
                "index": str(checkup.path),
                # A number, as `info` and /readyz give it (the directory is gen-000002 for 2).
                "generation": int(checkup.generation[4:]) if checkup.generation else None,
                "healthy": checkup.healthy,
                "damaged": checkup.damaged and not checkup.healthy,
                "documents": checkup.documents,
                "chunks": checkup.chunks,
                "problems": list(checkup.problems),
                "notes": list(checkup.notes),
            }
        )
    elif checkup.healthy:
        typer.echo(
            f"ok: {path} ({checkup.generation}: {render.count(checkup.documents, 'document')}, {render.count(checkup.chunks, 'chunk')})"
        )
    else:
        typer.echo(f"{'damaged' if checkup.damaged else 'not searchable here'}: {path}")
        for problem in checkup.problems:
            typer.echo(f"  - {problem}")
    if not as_json:
        for note in checkup.notes:
            typer.echo(f"  note: {note}")
    if not checkup.healthy:
        raise typer.Exit(5)


def _mode(mode: str | None) -> Any:
    """The mode a question is asked in: ``--mode``, else FOOTNOTED_MODE, else (None) the index's own."""
    if mode is not None and mode not in ("dense", "lexical", "hybrid"):
        _fail(f"--mode must be dense, lexical or hybrid, not {mode!r}", 2)
    return mode or _settings().mode


def _fusion(fusion: str | None) -> Any:
    """A ``--fusion`` given (checked), else None: FOOTNOTED_FUSION or the index's own stands."""
    names = get_args(Fusion)
    if fusion is not None and fusion not in names:
        _fail(f"--fusion must be {', '.join(names[:-1])} or {names[-1]}, not {fusion!r}", 2)
    return fusion


_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")
# A list item: a bullet, or a number followed by "." or ")", then a space.
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•◦▪‣–]|\d{1,3}[.)])[ \t]+(?=\S)")
_WIDTH = 100


def _wrap(text: str, indent: str, hanging: str = "") -> str:
    """``text`` on lines of at most 100 columns, its white space folded. A web address or any other
    word longer than a line is kept whole on a line of its own, and never broken at a hyphen."""
    return textwrap.fill(
        " ".join(text.split()),
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + hanging,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _paragraphs(block: str) -> Iterator[str]:
    """A block's paragraphs: the block itself, or, where lines of it are list items, each item on
    its own (with the lines that continue it), and the text before the first."""
    current: list[str] = []
    for line in block.split("\n"):
        if _LIST_ITEM.match(line) and current:
            yield "\n".join(current)
            current = []
        current.append(line)
    if current:
        yield "\n".join(current)


def _fold(paragraph: str, indent: str) -> str:
    item = _LIST_ITEM.match(paragraph)
    # A list item's following lines hang under its text, past the bullet or number.
    return _wrap(paragraph, indent, " " * len(item.group().strip() + " ") if item else "")


def _show(text: str, indent: str, lines: bool) -> str:
    """Source text for a terminal: each block (they are a blank line apart in the source) on lines of
    its own, wrapped, with each list item on lines of its own; or, where ``lines``, with its own line
    breaks and indentation, a line longer than the terminal's 100 columns wrapped at that indentation."""
    blocks = [b.strip("\n") for b in _BLOCK_BREAK.split(text) if b.strip()]
    if not lines:
        return "\n".join(_fold(p, indent) for b in blocks for p in _paragraphs(b))
    out = []
    for line in (line.rstrip() for b in blocks for line in b.split("\n")):
        if len(indent) + len(line) <= _WIDTH:
            out.append(indent + line)
        else:
            own = line[: len(line) - len(line.lstrip())]
            out.append(_wrap(line, indent + own))
    return "\n".join(out)


def _print_hit(hit: Hit, lines: bool) -> None:
    c = hit.citation
    where = f"{c.document_id}" + (f" › {c.section}" if c.section else "")
    typer.echo(f"{hit.rank}. [{hit.score:.3f}] {where}  chars {c.start}-{c.end}")
    typer.echo(_show(hit.chunk.text, "   ", lines))
    for note in hit.chunk.footnotes:
        typer.echo(
            _wrap(f"[{note.label}] {note.text}{render.note_links(note)}  (chars {note.start}-{note.end})", "      ")
        )
    typer.echo("")


def _print_answer(answer: Answer, ix: Index) -> None:
    if answer.citation is None:
        typer.echo("no answer found")
        return
    c = answer.citation
    typer.echo(_show(answer.text, "  ", _lines_meant(ix, c.document_id)))
    section = render.heading_path(c.title, c.section)
    typer.echo(f"  -- {c.title}" + (f", {section}" if section else "") + f", chars {c.start}-{c.end}")
    for note in answer.footnotes:
        typer.echo(_wrap(f"[{note.label}] {note.text}{render.note_links(note)}", "     "))
    typer.echo("\npassages:")
    for hit in answer.passages:
        _print_hit(hit, _lines_meant(ix, hit.citation.document_id))


def _lines_meant(ix: Index, document_id: str) -> bool:
    doc = ix.documents.get(document_id)
    return doc is not None and doc.format in MEANT_LINE_BREAKS


def main() -> None:
    """Entry point: run the app, turning footnoted's errors into one line and an exit code."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    if sys.stdout is None:  # started with its output closed (`>&-`): what it prints goes nowhere
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  # for the life of the process
    # A character the output cannot hold (stdout in cp1252, a document with emoji) is printed as
    # "?" rather than ending the command; JSON is escaped instead (_echo_json).
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    try:
        # Not standalone: a usage error comes back here to be said in one line, and the exit
        # code of a command that ends early comes back as the value.
        try:
            code = app(standalone_mode=False) or 0
        except SystemExit as exc:
            # The help's printer ends with exit code 1 when the reader goes away (``--help | head``),
            # after pointing the output at /dev/null: that is a reader gone, said as one.
            if exc.code == 1 and _output_is_devnull():
                raise _ReaderGone from None
            raise
        sys.stdout.flush()  # a reader gone is found here, not at exit, where Python would say so on stderr
        sys.exit(code)
    except typer.Abort:
        _exit("interrupted", 130)
    except typer.TyperException as exc:  # a usage error: an unknown command or option, a bad value
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]  # no arguments at all: the help, as a usage error
            sys.exit(exc.exit_code)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        _exit(f"{exc.format_message()}{hint}", getattr(exc, "exit_code", 2))
    except errors.FootnotedError as exc:
        _exit(str(exc), next((c for t, c in EXIT_CODES if isinstance(exc, t)), 1))
    except KeyboardInterrupt:
        _exit("interrupted", 130)
    except (BrokenPipeError, _ReaderGone):
        # The reader went away (``| head``): nothing more to say to it, and nothing to tell the
        # terminal either; the status a command killed by SIGPIPE has.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except ValidationError as exc:
        if exc.title != "Settings":
            _unexpected(exc)
        _exit(setting_error(exc), 2)  # a FOOTNOTED_* setting that does not parse
    except SettingsError as exc:  # a FOOTNOTED_* setting that does not decode (not JSON where JSON is needed)
        cause = f": {exc.__cause__}" if exc.__cause__ is not None else ""
        _exit(f"{exc}{cause}".replace("\n", " "), 2)
    except OSError as exc:  # a file or folder that cannot be read or written: a read-only disk, a file in the way
        where = f"{exc.filename}: " if exc.filename else ""
        _exit(f"{where}{exc.strerror or exc}", 9)
    except Exception as exc:
        _unexpected(exc)


def _output_is_devnull() -> bool:
    try:
        out, null = os.fstat(sys.stdout.fileno()), os.stat(os.devnull)
    except (OSError, ValueError, AttributeError):
        return False
    return (out.st_dev, out.st_ino) == (null.st_dev, null.st_ino)


def _unexpected(exc: Exception) -> NoReturn:
    """A bug: one line, not a stack trace, unless asked for."""
    if os.environ.get("FOOTNOTED_DEBUG"):
        raise exc
    _exit(f"unexpected error: {type(exc).__name__}: {exc} (set FOOTNOTED_DEBUG=1 for details)", 1)


def _exit(message: str, code: int) -> NoReturn:
    print(f"footnoted: {message}", file=sys.stderr)
    sys.exit(code)


def _register_eval() -> None:
    from footnoted.eval.command import eval_command

    app.command("eval", help="Evaluate retrieval on an eval set (default: the briefing's, on its index).")(eval_command)


_register_eval()

if __name__ == "__main__":
    main()
