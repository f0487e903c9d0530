"""The command line as users run it: real processes, exit codes, human and JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from footnoted.index.store import manifest_digest
from tests.conftest import DATA


def run(
    home: Path, *args: str, encoder: str = "hash", models: Path | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    """``footnoted ARGS`` in a process of its own, with no ``FOOTNOTED_*`` setting but these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTED_")}
    env.update({"FOOTNOTED_HOME": str(home), "FOOTNOTED_ENCODER": encoder})
    env.update({f"FOOTNOTED_{k.upper()}": v for k, v in settings.items()})
    if models is not None:
        env["FOOTNOTED_MODEL_CACHE"] = str(models)
    return subprocess.run(
        [sys.executable, "-m", "footnoted.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )


def test_every_command_works_on_the_bundled_briefing_with_no_index_given(tmp_path: Path) -> None:
    asked = run(tmp_path, "ask", "How many antipersonnel mines does the United States stockpile?", "--json")
    assert asked.returncode == 0, asked.stderr
    body = json.loads(asked.stdout)
    assert set(body) == {"question", "answer", "passages"}
    assert (tmp_path / "index" / "CURRENT").is_file(), "the briefing's index is built on first use"
    searched = json.loads(run(tmp_path, "search", "stockpile", "-k", "2", "--json").stdout)
    assert [r["rank"] for r in searched["results"]] == [1, 2]
    info = json.loads(run(tmp_path, "info", "--json").stdout)
    assert info["documents"][0]["id"] == "back-in-business-2005"
    assert info["footnotes"] == 8
    assert run(tmp_path, "doctor").returncode == 0


def test_human_output_shows_spans_and_footnotes(tmp_path: Path) -> None:
    out = run(tmp_path, "search", "stockpile of antipersonnel mines", "-k", "1").stdout
    assert "chars " in out
    assert "[3] Included in this stockpile" in out


def test_ingest_update_remove_cycle(tmp_path: Path) -> None:
    index = str(tmp_path / "ix")
    first = json.loads(
        run(tmp_path, "ingest", str(DATA / "chapters.txt"), str(DATA / "notes.md"), "--index", index, "--json").stdout
    )
    assert first["added"] == ["chapters", "notes"]
    assert first["encoded"] > 0
    again = json.loads(run(tmp_path, "ingest", str(DATA / "chapters.txt"), "--index", index, "--json").stdout)
    assert again["unchanged"] == ["chapters"]
    assert again["encoded"] == 0
    hits = json.loads(run(tmp_path, "search", "district health records", "--index", index, "--json").stdout)
    assert hits["results"][0]["citation"]["document_id"] == "chapters"
    assert run(tmp_path, "remove", "notes", "--index", index).returncode == 0
    docs = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)["documents"]
    assert [d["id"] for d in docs] == ["chapters"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["search", "anything", "--index", "{tmp}/missing"], 4, "no index at"),
        (["remove", "nope", "--index", "{tmp}/ix"], 4, "no document 'nope'"),
        (["ingest", "{tmp}/report.pages", "--index", "{tmp}/ix"], 3, "unsupported file type '.pages'"),
        (["ingest", "{tmp}/report.docx", "--index", "{tmp}/ix"], 3, "cannot read the .docx"),
        (["ingest", "{tmp}/report.pdf", "--index", "{tmp}/ix"], 3, "cannot read the PDF"),
        (["ingest", "{tmp}/empty.txt", "--index", "{tmp}/ix"], 3, "the file is empty"),
        (["ingest", "{tmp}/absent.txt", "--index", "{tmp}/ix"], 3, "cannot read the file"),
        (["search", "   ", "--index", "{tmp}/ix"], 7, "the question is empty"),
        (["ask", "\u200b\u2060", "--index", "{tmp}/ix"], 7, "only characters that are not seen (U+200B, U+2060)"),
        # A byte that is not UTF-8 reaches Python as half of a character.
        (["search", "mines \udcff", "--index", "{tmp}/ix"], 7, "half of a character"),
        (["search", "x", "--mode", "magic", "--index", "{tmp}/ix"], 2, "--mode must be"),
        (["reindex", "--index", "{tmp}/missing"], 4, "no index at"),
        (
            ["reindex", "--chunk-overlap", "150", "--index", "{tmp}/ix"],
            2,
            "the overlap must be at least 0 and under half of the passage size (200 tokens), not 150",
        ),
        (["reindex", "--store", "ivf", "--index", "{tmp}/ix"], 2, "--store must be"),
        # Valid alone, but past the model's limit (254 tokens) the overlap no longer fits.
        (["reindex", "--chunk-tokens", "2000", "--chunk-overlap", "500", "--index", "{tmp}/ix"], 2, "model's limit"),
        (["search", "x", "-k", "0", "--index", "{tmp}/ix"], 2, "-k: must be between 1 and 50 (FOOTNOTED_MAX_K), not 0"),
        (["search", "--index", "{tmp}/ix"], 2, "Missing argument 'question'"),
        (["serch", "x"], 2, "No such command 'serch'"),
        (["doctor", "--index", "{tmp}/missing"], 4, "no index at"),
        # A file where the index's folder should be: as a path through a file (below), exit code 9.
        (["ingest", "{tmp}/a.txt", "--index", "{tmp}/a.txt"], 9, "is a file, not an index directory"),
        (["search", "mines", "--index", "{tmp}/a.txt"], 9, "is a file, not an index directory"),
        (["ask", "mines", "--index", "{tmp}/a.txt"], 9, "is a file, not an index directory"),
        (["doctor", "--index", "{tmp}/a.txt"], 9, "is a file, not an index directory"),
        (["reindex", "--index", "{tmp}/a.txt"], 9, "is a file, not an index directory"),
        (["eval", "--index", "{tmp}/a.txt"], 9, "is a file, not an index directory"),
        (["serve", "--index", "{tmp}/a.txt", "--port", "8899"], 9, "is a file, not an index directory"),
        (["serve", "--host", "", "--port", "8899"], 2, "--host: give an address"),
        (["serve", "--port", "70000"], 2, "--port: 70000 is not a port"),
        (["ingest", "{tmp}/a.txt", "--id", "bad id", "--index", "{tmp}/ix"], 2, "--id: invalid document id 'bad id'"),
        (["ingest", "{tmp}/a.txt", "--id", "-x", "--index", "{tmp}/ix"], 2, "starting with a letter or digit"),
        # An eval set that cannot be read is an unreadable input, as a document is (3).
        (["eval", "--set", "{tmp}/nonexist.jsonl", "--index", "{tmp}/ix"], 3, "nonexist.jsonl: no such file"),
        (["ask", "mines", "--document", "nope", "--index", "{tmp}/ix"], 4, "no document 'nope'"),
        (["--versio"], 2, "No such option: --versio"),
        # FOOTNOTED_MAX_K and FOOTNOTED_MAX_QUESTION_CHARS bound questions here as over HTTP and MCP.
        (["search", "mines", "-k", "51", "--index", "{tmp}/ix"], 2, "-k: must be between 1 and 50 (FOOTNOTED_MAX_K)"),
        (["ask", "mines " * 401, "--index", "{tmp}/ix"], 7, "the question is 2406 characters long; the limit is 2000"),
        (["ingest", "{tmp}/a.txt", "--index", "{tmp}/a.txt/ix"], 9, "Not a directory"),
        (
            ["ingest", "{tmp}/a.txt", "{tmp}/empty.txt", "--id", "x", "--index", "{tmp}/ix"],
            2,
            "--id names one document",
        ),
    ],
)
def test_errors_are_one_line_and_a_meaningful_exit_code(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "report.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "report.pages").write_bytes(b"PK\x03\x04 a Pages file")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "a.txt").write_text("A title\n\nSome text about mines.\n")
    assert run(tmp_path, "ingest", str(tmp_path / "a.txt"), "--index", str(tmp_path / "ix")).returncode == 0
    done = run(tmp_path, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_damaged_index_is_reported_by_doctor_and_refused_by_search(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    assert run(tmp_path, "ingest", str(DATA / "chapters.txt"), "--index", str(index)).returncode == 0
    chunks = next((index / "generations").glob("gen-*")) / "chunks.json"
    chunks.write_bytes(chunks.read_bytes()[:-3])
    doctor = run(tmp_path, "doctor", "--index", str(index))
    assert doctor.returncode == 5
    assert "chunks.json" in doctor.stdout
    searched = run(tmp_path, "search", "fields", "--index", str(index))
    assert searched.returncode == 5
    assert "damaged" in searched.stderr
    assert f"footnoted reindex --index {index}" in searched.stderr
    # Its documents are intact: it is built again from them, without the source file.
    rebuilt = run(tmp_path, "reindex", "--index", str(index), "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["documents"] == 1
    assert run(tmp_path, "doctor", "--index", str(index)).returncode == 0
    hits = json.loads(run(tmp_path, "search", "district health records", "--index", str(index), "--json").stdout)
    assert hits["results"][0]["citation"]["document_id"] == "chapters"


def test_info_shows_an_index_another_model_built_and_how_to_search_it(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    assert run(tmp_path, "ingest", str(DATA / "chapters.txt"), "--index", str(index)).returncode == 0
    assert json.loads(run(tmp_path, "info", "--index", str(index), "--json").stdout)["searchable"] is True
    gen = next((index / "generations").glob("gen-*"))
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest["model"]["id"] = "another-model"
    manifest["checksum"] = manifest_digest(manifest)
    (gen / "manifest.json").write_text(json.dumps(manifest))
    assert run(tmp_path, "search", "fields", "--index", str(index)).returncode == 5
    shown = run(tmp_path, "info", "--index", str(index))
    assert shown.returncode == 0, shown.stderr
    assert "another-model" in shown.stdout
    assert f"footnoted reindex --index {index}" in shown.stdout
    assert "chapters: The Cost of Clearance (5 footnotes)" in shown.stdout
    body = json.loads(run(tmp_path, "info", "--index", str(index), "--json").stdout)
    assert (body["model"], body["searchable"], body["chunks"], body["footnotes"]) == ("another-model", False, 2, 5)
    assert [(d["id"], d["chunks"]) for d in body["documents"]] == [("chapters", None)]
    # One a newer footnoted wrote is refused, as before.
    manifest["format_version"] = 99
    manifest["checksum"] = manifest_digest(manifest)
    (gen / "manifest.json").write_text(json.dumps(manifest))
    refused = run(tmp_path, "info", "--index", str(index))
    assert refused.returncode == 5
    assert "newer footnoted" in refused.stderr


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("pdf_text/report-pdftotext.txt", "4"),
        ("pdf_text/report.pdf", "4"),
        ("docx/endnotes.docx", "3"),
        ("odt/libreoffice_endnotes.odt", "iii"),
        ("exporters/sphinx.html", "3"),
        ("exporters/wikipedia.html", "3"),
    ],
)
def test_a_page_foot_or_exported_note_reaches_the_json(tmp_path: Path, path: str, label: str) -> None:
    # Text from a PDF with its notes at the page foot, and HTML from Sphinx and Wikipedia: the
    # passage answering from a note carries that note, its text exact.
    index = str(tmp_path / "ix")
    added = run(tmp_path, "ingest", str(DATA / path), "--index", index, "--json")
    assert added.returncode == 0, added.stderr
    question = "124,000 antivehicle mines shipped to South Korea"
    body = json.loads(
        run(tmp_path, "search", question, "--index", index, "--mode", "lexical", "-k", "1", "--json").stdout
    )
    [top] = body["results"]
    notes = {n["label"]: n for n in top["footnotes"]}
    assert label in notes
    assert "124,000 antivehicle mines" in notes[label]["text"]
    source = (DATA / path).read_text() if path.endswith(".txt") else None
    if source is not None:
        assert source[notes[label]["start"] : notes[label]["end"]] == notes[label]["text"]


def test_a_folder_adds_the_documents_below_it_and_says_what_it_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / ".cache").mkdir()
    (folder / "report.pdf").write_bytes((DATA / "pdf" / "report.pdf").read_bytes())
    (folder / "sub" / "endnotes.docx").write_bytes((DATA / "docx" / "endnotes.docx").read_bytes())
    (folder / ".cache" / "old.txt").write_text("A hidden copy.\n")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 and nothing else")
    (folder / "notes.xyz").write_text("Not a format footnoted reads.\n")
    index = str(tmp_path / "ix")
    done = run(tmp_path, "ingest", str(folder), "--index", index, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sorted(report["added"]) == ["endnotes", "report"]
    [skipped] = report["skipped"]
    assert skipped.startswith("broken.pdf: cannot read the PDF")
    # A file named on its own still stops the ingest, and an empty folder is refused.
    alone = run(tmp_path, "ingest", str(folder / "broken.pdf"), "--index", index)
    assert alone.returncode == 3 and "cannot read the PDF" in alone.stderr
    (tmp_path / "empty").mkdir()
    empty = run(tmp_path, "ingest", str(tmp_path / "empty"), "--index", index)
    assert empty.returncode == 3 and "no file footnoted reads in this folder" in empty.stderr
    docs = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)["documents"]
    assert sorted(d["id"] for d in docs) == ["endnotes", "report"]


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed from now on (in process)."""
    import footnoted.ingest.read

    read: list[str] = []
    real = footnoted.ingest.read.parse

    def counting(data: bytes, **kwargs: object) -> object:
        read.append(str(kwargs["name"]))
        return real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(footnoted.ingest.read, "parse", counting)
    return read


def test_reingesting_unchanged_files_parses_none_of_them_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In process, so that parsing a file can be counted: only the changed one is parsed again.
    from typer.testing import CliRunner

    from footnoted.cli import app

    monkeypatch.setenv("FOOTNOTED_HOME", str(tmp_path))
    monkeypatch.setenv("FOOTNOTED_ENCODER", "hash")
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("chapters.txt", "notes.md", "endnotes.html"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    args = ["ingest", str(folder), "--index", str(tmp_path / "ix"), "--json"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert sorted(json.loads(first.stdout)["added"]) == ["chapters", "endnotes", "notes"]
    read = _count_parses(monkeypatch)
    (folder / "notes.md").write_text((DATA / "notes.md").read_text() + "\nA closing line.\n")
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    body = json.loads(second.stdout)
    assert (sorted(body["unchanged"]), body["replaced"], body["encoded"] > 0) == (
        ["chapters", "endnotes"],
        ["notes"],
        True,
    )
    assert read == ["notes.md"]
    human = CliRunner().invoke(app, args[:-1])
    assert "unchanged chapters  (5 footnotes)" in human.stdout  # what it says of a stored document
    assert read == ["notes.md"]


def test_files_read_by_other_reading_code_are_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An index built by an earlier footnoted: its documents carry another reader's stamp. The same
    # bytes ingested again are read again, once, and replace what it holds, their unchanged text
    # taking its vectors from the cache; after that they are unchanged again.
    from typer.testing import CliRunner

    import footnoted.ingest.read
    from footnoted.cli import app
    from footnoted.index.generation import stored_documents
    from footnoted.index.store import IndexDir

    monkeypatch.setenv("FOOTNOTED_HOME", str(tmp_path))
    monkeypatch.setenv("FOOTNOTED_ENCODER", "hash")
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("chapters.txt", "notes.md"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    args = ["ingest", str(folder), "--index", str(tmp_path / "ix"), "--json"]
    with monkeypatch.context() as earlier:
        earlier.setattr(footnoted.ingest.read, "reader_version", lambda: "0123456789ab")
        first = CliRunner().invoke(app, args)
    assert sorted(json.loads(first.stdout)["added"]) == ["chapters", "notes"], first.output
    read = _count_parses(monkeypatch)
    second = CliRunner().invoke(app, args[:-1]).stdout.splitlines()
    assert sorted(read) == ["chapters.txt", "notes.md"]
    assert [line.split()[:2] for line in second if line.startswith("replaced")] == [
        ["replaced", "chapters"],
        ["replaced", "notes"],
    ]
    assert (
        second.count(
            "          read again: the file is unchanged, but other reading code (an earlier footnoted) read it"
        )
        == 2
    )
    assert second[-1].split(",")[1] == " 0 texts encoded"
    stored, _ = stored_documents(IndexDir(tmp_path / "ix"))
    assert {d.metadata["reader"] for d in stored} == {footnoted.ingest.read.reader_version()}
    third = json.loads(CliRunner().invoke(app, args).stdout)
    assert (sorted(third["unchanged"]), third["reread"], len(read)) == (["chapters", "notes"], [], 2)
    # In JSON, among the replaced: another stamp again, and the same bytes are read again once more.
    monkeypatch.setattr(footnoted.ingest.read, "reader_version", lambda: "0123456789ab")
    fourth = json.loads(CliRunner().invoke(app, [*args, str(folder / "notes.md")]).stdout)
    assert (sorted(fourth["replaced"]), sorted(fourth["reread"])) == (["chapters", "notes"], ["chapters", "notes"])


def test_a_folder_is_read_and_committed_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In process, with batches of two files: each batch is one commit, so an ingest stopped part
    # way keeps the batches before it; a file named on its own is read in the first batch.
    from typer.testing import CliRunner

    import footnoted.cli
    import footnoted.ingest.many
    from footnoted import Index, Settings, open_index
    from footnoted.cli import app
    from footnoted.types import Document

    monkeypatch.setenv("FOOTNOTED_HOME", str(tmp_path))
    monkeypatch.setenv("FOOTNOTED_ENCODER", "hash")
    monkeypatch.setattr(footnoted.cli, "BATCH_FILES", 2)
    folder = tmp_path / "docs"
    folder.mkdir()
    names = ["chapters.txt", "endnotes.html", "notes.md", "superscript.txt", "word_export.html"]
    for name in names:
        (folder / name).write_bytes((DATA / name).read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    alone = tmp_path / "sup_ol.html"
    alone.write_bytes((DATA / "sup_ol.html").read_bytes())
    batches: list[list[str]] = []
    add = Index.add

    def recorded(self: Index, documents: list[Document], **kwargs: object) -> object:
        batches.append([d.id for d in documents])
        return add(self, documents, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "add", recorded)
    index = tmp_path / "ix"
    done = CliRunner().invoke(app, ["ingest", str(folder), str(alone), "--index", str(index), "--json"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.stdout)
    # The named file with the folder's first two (of which the empty one is skipped), then two by two.
    assert batches == [["sup_ol", "chapters"], ["endnotes", "notes"], ["superscript", "word_export"]]
    assert body["added"] == ["chapters", "endnotes", "notes", "superscript", "word_export", "sup_ol"]  # as given
    assert len(body["skipped"]) == 1 and "empty.txt" in body["skipped"][0]

    # Stopped in its second batch: the first batch's changes are kept, the rest are not made.
    for name in names:
        (folder / name).write_text((DATA / name).read_text() + "\nOne more line.\n")
    calls: list[int] = []
    load_all = footnoted.ingest.many.load_all

    def interrupted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return load_all(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(footnoted.ingest.many, "load_all", interrupted)
    stopped = CliRunner().invoke(app, ["ingest", str(folder), "--index", str(index)])
    assert stopped.exit_code == 130  # as a shell reports an interrupted command
    kept = open_index(Settings(), index).documents
    assert "One more line." in kept["chapters"].source
    assert "One more line." not in kept["notes"].source

    # A file named on its own that cannot be read stops the ingest before anything is stored.
    monkeypatch.setattr(footnoted.ingest.many, "load_all", load_all)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 and nothing else")
    refused = CliRunner().invoke(app, ["ingest", str(folder), str(broken), "--index", str(index)])
    assert "cannot read the PDF" in str(refused.exception)  # exit code 3 from the console script (above)
    assert "One more line." not in open_index(Settings(), index).documents["notes"].source


@pytest.mark.parametrize(("readers", "given"), [(None, None), ("1", 1), ("3", 3)])
def test_ingest_reads_on_as_many_processes_as_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, readers: str | None, given: int | None
) -> None:
    from typer.testing import CliRunner

    import footnoted.ingest.many
    from footnoted.cli import app

    monkeypatch.setenv("FOOTNOTED_HOME", str(tmp_path))
    monkeypatch.setenv("FOOTNOTED_ENCODER", "hash")
    if readers is not None:
        monkeypatch.setenv("FOOTNOTED_READERS", readers)
    asked: list[object] = []
    load_all = footnoted.ingest.many.load_all

    def spy(*args: object, **kwargs: object) -> object:
        asked.append(kwargs["readers"])
        return load_all(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(footnoted.ingest.many, "load_all", spy)
    done = CliRunner().invoke(app, ["ingest", str(DATA / "notes.md"), "--index", str(tmp_path / "ix")])
    assert done.exit_code == 0, done.output
    assert asked == [given]  # None: one per core


def test_batches_grow_with_the_index() -> None:
    from footnoted.cli import BATCH_FILES, _batches

    files = [(Path(f"{i}.txt"), i != 5) for i in range(1000)]  # one named on its own
    stored = [0]
    sizes = []
    for batch in _batches(files, lambda: stored[0]):
        sizes.append(len(batch))
        stored[0] += len(batch)
    assert sizes[0] == BATCH_FILES + 1 and 5 in next(_batches(files, lambda: 0))
    # A quarter of what is stored once that is more: the commits, each as large as the index, add up
    # to a bounded multiple of the last one rather than growing with the square of the files.
    assert sizes[:4] == [65, 64, 64, 64] and sizes[-1] <= max(BATCH_FILES, sum(sizes[:-1]) // 4)
    assert sum(sizes) == 1000 and len(sizes) < 20


def _ingested(home: Path, markdown: str) -> str:
    """The index, under ``home``, of one Markdown report."""
    report = home / "report.md"
    report.write_text(markdown)
    assert run(home, "ingest", str(report), "--index", str(home / "ix")).returncode == 0
    return str(home / "ix")


def test_an_answer_names_its_section_without_repeating_the_title(tmp_path: Path) -> None:
    index = _ingested(
        tmp_path,
        "# Clearance in Laos\n\n## Costs\n\nClearing one hectare of farmland cost 1,200 dollars in 2004.[^1]\n\n"
        "[^1]: Survey of the national clearance authority, 2005.\n",
    )
    out = run(tmp_path, "ask", "What did clearing a hectare cost?", "--index", index).stdout
    assert "  -- Clearance in Laos, Costs, chars " in out


def test_a_note_citing_a_source_short_names_the_note_with_it(tmp_path: Path) -> None:
    index = _ingested(
        tmp_path,
        "# Groundwater\n\nThe aquifer lost a fifth of its water.[^1]\n\nDistricts answered with metering rules.[^2]"
        "\n\n[^1]: Jane Kessler, The Vanishing Aquifer (1994).\n[^2]: See Kessler, supra note 1, at 251.\n",
    )
    out = run(tmp_path, "search", "metering rules", "--index", index, "-k", "1").stdout
    assert "[2] See Kessler, supra note 1, at 251. (see note 1)" in out


def test_info_says_how_the_index_searches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "report.txt"
    report.write_text("Report\n\nThe survey found 40 minefields.[1]\n\n[1] Survey of 2004.\n")
    index = str(tmp_path / "ix")
    monkeypatch.setenv("FOOTNOTED_VECTOR_STORE", "flat16")  # run() passes no FOOTNOTED_ setting on
    made = subprocess.run(
        [sys.executable, "-m", "footnoted.cli", "ingest", str(report), "--index", index],
        env={**os.environ, "FOOTNOTED_HOME": str(tmp_path), "FOOTNOTED_ENCODER": "hash"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr
    shown = run(tmp_path, "info", "--index", index)  # the kind the index was made with, whatever is set now
    vectors = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)["vectors"]
    assert f"searches    hybrid, rrf fusion, over {vectors} vectors in a flat16 store" in shown.stdout
    fused = run(tmp_path, "info", "--index", index, fusion="zscore")
    assert f"searches    hybrid, zscore fusion (FOOTNOTED_FUSION; the index's own: rrf), over {vectors}" in fused.stdout


def test_code_keeps_its_lines_and_hard_wrapped_text_is_folded(tmp_path: Path) -> None:
    page = tmp_path / "gzip.html"
    page.write_text(
        "<html><head><title>Compressing</title></head><body><h1>Compressing</h1>"
        "<p>How to compress an existing file:</p>"
        "<pre>import gzip\nwith open('a.txt', 'rb') as f_in:\n    with gzip.open('a.gz', 'wb') as f_out:\n"
        "        f_out.write(f_in.read())</pre></body></html>"
    )
    memo = tmp_path / "memo.txt"
    memo.write_text("Memo\n\nThe survey found forty\nminefields in the north.\n\nA second paragraph follows.\n")
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(page), str(memo), "--index", index).returncode == 0

    code = run(tmp_path, "search", "compress a file with gzip", "--index", index, "--document", "gzip").stdout
    assert "   How to compress an existing file:\n   import gzip\n   with open('a.txt', 'rb') as f_in:\n" in code
    assert "\n       with gzip.open('a.gz', 'wb') as f_out:\n           f_out.write(f_in.read())\n" in code

    text = run(tmp_path, "search", "minefields", "--index", index, "--document", "memo").stdout
    assert "   The survey found forty minefields in the north.\n   A second paragraph follows.\n" in text


def test_reindex_with_no_index_given_works_on_the_bundled_briefing(tmp_path: Path) -> None:
    done = run(tmp_path, "reindex", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["documents"] == 1
    assert (tmp_path / "index" / "CURRENT").is_file()


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("MODE", "bogus", "FOOTNOTED_MODE: Input should be"),
        ("READERS", "-1", "FOOTNOTED_READERS: Input should be greater than or equal to 0"),
        (
            "CHUNK_TOKENS",
            "3",
            "FOOTNOTED_CHUNK_TOKENS/FOOTNOTED_CHUNK_OVERLAP: the passage size (max_tokens) must be at least 8 tokens, not 3",
        ),
        ("CHUNK_TOKENS", "2000", "the model's limit makes 254 tokens"),
    ],
)
def test_a_setting_out_of_bounds_is_one_line_and_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, value: str, message: str
) -> None:
    monkeypatch.setenv("FOOTNOTED_CHUNK_OVERLAP", "500" if value == "2000" else "32")
    env = {**os.environ, "FOOTNOTED_HOME": str(tmp_path), "FOOTNOTED_ENCODER": "hash", f"FOOTNOTED_{setting}": value}
    done = subprocess.run(
        [sys.executable, "-m", "footnoted.cli", "ingest", str(DATA / "notes.md"), "--index", str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "ix").exists()


def test_files_that_would_share_an_id_are_all_kept(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "x").mkdir(parents=True)
    (folder / "a.txt").write_text("Alpha text about apples.\n")
    (folder / "a.md").write_text("# Beta\n\nBeta text about bananas.\n")
    (folder / "x" / "a.txt").write_text("Gamma text about cherries.\n")
    (folder / "x-a.txt").write_text("Delta text about dates.\n")
    (folder / "地雷.txt").write_text("Epsilon text about elderberries.\n")
    (folder / "мины.txt").write_text("Zeta text about figs.\n")
    index = str(tmp_path / "ix")
    # The same file named twice, and again inside its folder, is read once.
    done = run(tmp_path, "ingest", str(folder), str(folder / "a.md"), str(folder / "a.md"), "--index", index, "--json")
    assert done.returncode == 0, done.stderr
    added = json.loads(done.stdout)["added"]
    assert len(added) == len(set(added)) == 6
    docs = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)["documents"]
    assert len(docs) == 6
    assert {"a.txt", "a.md"} <= {d["id"] for d in docs}


def test_a_current_pointer_changed_by_hand_names_the_generation_to_trust(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    assert run(tmp_path, "ingest", str(DATA / "chapters.txt"), "--index", str(index)).returncode == 0
    (index / "CURRENT").write_text("gen-000009\n")
    manifest = (index / "generations" / "gen-000001" / "manifest.json").read_bytes()
    searched = run(tmp_path, "search", "fields", "--index", str(index))
    assert searched.returncode == 5
    assert "the newest complete generation is gen-000001: write its name into CURRENT" in searched.stderr
    # doctor says the same, and no more: its documents cannot be said not to read back, as they
    # are read through the pointer being mended.
    doctor = run(tmp_path, "doctor", "--index", str(index))
    assert doctor.returncode == 5
    assert "write its name into CURRENT" in doctor.stdout and "note:" not in doctor.stdout, doctor.stdout
    # With no generation whole, the one remedy left is said plainly.
    (index / "generations" / "gen-000001" / "manifest.json").unlink()
    gone = run(tmp_path, "search", "fields", "--index", str(index)).stderr
    assert f"no complete generation is left: move {index} aside and ingest the documents again" in gone
    (index / "generations" / "gen-000001" / "manifest.json").write_bytes(manifest)
    (index / "CURRENT").write_text("gen-000001\n")
    assert run(tmp_path, "search", "fields", "--index", str(index)).returncode == 0


def test_a_clash_added_to_a_folder_leaves_the_other_ids_as_they_were(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "alpha.txt").write_text("Alpha text about apples.\n")
    (folder / "beta.md").write_text("# Beta\n\nBeta text about bananas.\n")
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(folder), "--index", index).returncode == 0
    (folder / "report.txt").write_text("Report text about cherries.\n")
    (folder / "report.md").write_text("# Report\n\nReport text about dates.\n")
    again = json.loads(run(tmp_path, "ingest", str(folder), "--index", index, "--json").stdout)
    assert sorted(again["unchanged"]) == ["alpha", "beta"]
    assert sorted(again["added"]) == ["report.md", "report.txt"]
    docs = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)["documents"]
    assert sorted(d["id"] for d in docs) == ["alpha", "beta", "report.md", "report.txt"]


def _scores(done: subprocess.CompletedProcess[str]) -> list[float]:
    assert done.returncode == 0, done.stderr
    return [r["score"] for r in json.loads(done.stdout)["results"]]


def test_footnoted_mode_is_the_default_mode_on_any_index(tmp_path: Path) -> None:
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(DATA / "chapters.txt"), "--index", index).returncode == 0  # made hybrid
    question = ("search", "district health records", "--index", index, "--json")
    lexical = _scores(run(tmp_path, *question, "--mode", "lexical"))
    assert _scores(run(tmp_path, *question)) != lexical, "unset: the index's own mode (hybrid)"
    assert _scores(run(tmp_path, *question, mode="lexical")) == lexical
    # An explicit --mode still wins over the setting.
    assert _scores(run(tmp_path, *question, "--mode", "hybrid", mode="lexical")) != lexical
    asked = run(tmp_path, "ask", "district health records", "--index", index, "--json", mode="lexical")
    by_lexical = run(tmp_path, "ask", "district health records", "--index", index, "--json", "--mode", "lexical")
    assert json.loads(asked.stdout)["passages"] == json.loads(by_lexical.stdout)["passages"]
    # An index made while the setting was set keeps it as its own.
    other = str(tmp_path / "other")
    assert run(tmp_path, "ingest", str(DATA / "chapters.txt"), "--index", other, mode="lexical").returncode == 0
    assert json.loads(run(tmp_path, "info", "--index", other, "--json").stdout)["config"]["mode"] == "lexical"


@pytest.mark.parametrize("given", ["setting", "option"])
def test_the_default_index_named_explicitly_is_still_the_default(tmp_path: Path, given: str) -> None:
    default = str(tmp_path / "index")
    if given == "setting":
        done = run(tmp_path, "search", "stockpile", "-k", "1", "--json", index=default)
    else:
        done = run(tmp_path, "search", "stockpile", "-k", "1", "--json", "--index", default)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["citation"]["document_id"] == "back-in-business-2005"
    # Damaged, it is built again from the documents it holds, as the default always is.
    chunks = next((tmp_path / "index" / "generations").glob("gen-*")) / "chunks.json"
    chunks.write_bytes(chunks.read_bytes()[:-3])
    again = run(tmp_path, "search", "stockpile", "-k", "1", "--json", index=default)
    assert again.returncode == 0, again.stderr


def test_a_reader_that_goes_away_ends_the_command_silently_with_141(tmp_path: Path) -> None:
    assert run(tmp_path, "info").returncode == 0  # the briefing's index, built
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTED_")}
    env.update({"FOOTNOTED_HOME": str(tmp_path), "FOOTNOTED_ENCODER": "hash"})
    for args in (["search", "mines"], ["search", "mines", "--json"], ["info"], ["--help"], ["search", "--help"]):
        read, write = os.pipe()
        os.close(read)  # as `| head -1` does once it has its line
        try:
            done = subprocess.run(
                [sys.executable, "-m", "footnoted.cli", *args],
                stdout=write,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                timeout=600,
            )
        finally:
            os.close(write)
        assert done.returncode == 141, done.stderr
        assert done.stderr == ""


def test_version_and_python_dash_m(tmp_path: Path) -> None:
    from importlib.metadata import version

    shown = run(tmp_path, "--version")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"footnoted {version('footnoted')}"
    env = {**os.environ, "FOOTNOTED_HOME": str(tmp_path), "FOOTNOTED_ENCODER": "hash"}
    module = subprocess.run(
        [sys.executable, "-m", "footnoted", "--help"], capture_output=True, text=True, env=env, timeout=600
    )
    assert module.returncode == 0, module.stderr
    assert "ingest" in module.stdout
    assert "--version" in module.stdout


def test_list_items_keep_their_lines_and_urls_stay_whole(tmp_path: Path) -> None:
    url = "https://example.org/reports/landmine-monitor-2004/annex-b/exemptions-granted-to-senior-holders.html"
    report = tmp_path / "list.md"
    report.write_text(
        "# Exemptions\n\n"
        "The authority granted exemptions to these holders:\n"
        "- the Northfield Irrigation Company, which drew its full entitlement in each drought year since 2019\n"
        "- the Basin Sugar Cooperative\n"
        "1. first in the annex\n"
        f"2) second in the annex, listed at {url} with the others\n"
    )
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(report), "--index", index).returncode == 0
    for command in ("search", "ask"):
        out = run(tmp_path, command, "exemptions holders annex", "--index", index, "-k", "1").stdout
        lines = out.splitlines()[-12:]  # the passage (ask prints its answer sentence before it)
        assert "   The authority granted exemptions to these holders:" in lines
        assert "   - the Basin Sugar Cooperative" in lines
        assert "   1. first in the annex" in lines
        assert any(line.startswith("   - the Northfield Irrigation Company") for line in lines)
        # A long item wraps under its own text, past the bullet.
        assert "     2019" in lines or "     since 2019" in lines
        assert any(line.strip() == url for line in lines), "a web address is never broken"


def test_long_lines_of_an_html_document_wrap_at_their_indentation(tmp_path: Path) -> None:
    words = " ".join(f"argument_{n}" for n in range(30))
    page = tmp_path / "code.html"
    page.write_text(
        "<html><head><title>Calls</title></head><body><h1>Calls</h1><p>A long call:</p>"
        f"<pre>result = compute(\n    {words})</pre></body></html>"
    )
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(page), "--index", index).returncode == 0
    out = run(tmp_path, "search", "a long call to compute", "--index", index, "-k", "1").stdout
    code = [line for line in out.splitlines() if "argument_" in line]
    assert len(code) > 1
    assert all(len(line) <= 100 for line in code)
    assert all(line.startswith("       argument_") for line in code), code


def test_output_that_is_not_utf8_is_escaped_or_replaced(tmp_path: Path) -> None:
    doc = tmp_path / "emoji.txt"
    doc.write_text("Mines \U0001f4a3 report\n\nThe mines \U0001f4a3 were cleared by 2004.\n", encoding="utf-8")
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(doc), "--index", index).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTED_")}
    env.update({"FOOTNOTED_HOME": str(tmp_path), "FOOTNOTED_ENCODER": "hash", "PYTHONIOENCODING": "cp1252"})
    command = [sys.executable, "-m", "footnoted.cli", "search", "mines cleared", "--index", index]
    as_json = subprocess.run([*command, "--json"], capture_output=True, env=env, timeout=600)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout.decode("ascii"))["results"][0]["text"].count("\U0001f4a3") == 2
    human = subprocess.run(command, capture_output=True, env=env, timeout=600)
    assert human.returncode == 0, human.stderr
    assert "The mines ? were cleared by 2004." in human.stdout.decode("cp1252")


def test_ask_can_be_limited_to_documents(tmp_path: Path) -> None:
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(DATA / "chapters.txt"), str(DATA / "notes.md"), "--index", index).returncode == 0
    for only in ("chapters", "notes"):
        done = run(tmp_path, "ask", "treaty records", "--index", index, "--document", only, "--json")
        assert done.returncode == 0, done.stderr
        passages = json.loads(done.stdout)["passages"]
        assert passages
        assert {p["citation"]["document_id"] for p in passages} == {only}


def test_a_stored_file_keeps_its_id_when_a_namesake_joins_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    (folder / "x").mkdir(parents=True)
    (folder / "y").mkdir()
    for n in (1, 2):
        (folder / "x" / f"n{n}.txt").write_text(f"Note {n}\n\nThe mines of district {n} were counted.\n")
    (folder / "x" / "readme.md").write_text("# Readme\n\nHow the reports were gathered.\n")
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(folder), "--index", index).returncode == 0
    (folder / "y" / "readme.txt").write_text("Readme\n\nAnother folder's notes on the counts.\n")
    assert run(tmp_path, "ingest", str(folder), "--index", index).returncode == 0
    listed = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)
    assert sorted(d["id"] for d in listed["documents"]) == ["n1", "n2", "readme", "y-readme"]


def test_a_file_told_apart_keeps_its_id_when_its_namesake_leaves_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    for part, text in (("x/readme.md", "# Readme\n\nHow the reports were gathered.\n"), ("y/readme.txt", "Counts.\n")):
        (folder / part).parent.mkdir(parents=True, exist_ok=True)
        (folder / part).write_text(text)
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(folder), "--index", index).returncode == 0
    (folder / "y" / "readme.txt").unlink()
    again = run(tmp_path, "ingest", str(folder), "--index", index)
    assert again.returncode == 0, again.stderr
    listed = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)
    # x's file is still "x-readme", unchanged, not added again as "readme".
    assert sorted(d["id"] for d in listed["documents"]) == ["x-readme", "y-readme"]


def test_a_command_started_with_its_output_closed_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTED_")}
    env.update({"FOOTNOTED_HOME": str(tmp_path), "FOOTNOTED_ENCODER": "hash"})
    done = subprocess.run(
        [sys.executable, "-m", "footnoted.cli", "--version"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=120,
        close_fds=True,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 0, done.stderr
    assert not done.stderr


def test_help_paragraphs_wrap_at_the_terminal_width_not_at_the_source_lines() -> None:
    from typer.testing import CliRunner

    from footnoted.cli import app

    shown = CliRunner().invoke(app, ["ingest", "--help"], terminal_width=200, env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    lines = [" ".join(line.split()) for line in shown.output.splitlines()]
    # One line at 200 columns; the docstring breaks it after "cannot read,".
    assert any("any it cannot read, in batches of at least 64 files, each committed as it is done." in x for x in lines)


def test_help_shows_no_value_for_a_flag() -> None:
    from typer.testing import CliRunner

    from footnoted.cli import app

    shown = CliRunner().invoke(app, ["ingest", "--help"], terminal_width=120, env={"COLUMNS": "120"})
    assert shown.exit_code == 0, shown.output
    flags = [line for line in shown.output.splitlines() if line.lstrip("│ ").startswith(("--prune", "--json"))]
    assert len(flags) == 2
    assert not any("<bool>" in line or "BOOL" in line for line in flags), flags
    assert any("--index" in line and "<path>" in line.lower() for line in shown.output.splitlines())


def test_prune_removes_the_documents_whose_files_left_the_folder_and_nothing_else(tmp_path: Path) -> None:
    folder, index = tmp_path / "reports", str(tmp_path / "ix")
    (folder / "sub").mkdir(parents=True)
    for name in ("kept.md", "deleted.md", "renamed.md", "broken.md", "sub/deep.md"):
        (folder / name).write_text(f"# {name}\n\nMines were counted.[1]\n\n[1] A source for {name}.\n")
    alone = tmp_path / "alone.md"
    alone.write_text("# Alone\n\nMines were cleared.[1]\n\n[1] Elsewhere.\n")
    assert run(tmp_path, "ingest", str(folder), str(alone), "--index", index).returncode == 0
    (folder / "deleted.md").unlink()
    (folder / "renamed.md").rename(folder / "moved.md")
    (folder / "sub" / "deep.md").rename(folder / "deep.md")  # moved within the folder: the same id, unchanged
    (folder / "broken.md").write_bytes(b"\x00\x01\x02 not a text file")  # there, but unreadable now
    alone.unlink()  # gone too, but not below the folder given
    without = run(tmp_path, "ingest", str(folder), "--index", index, "--json")
    assert json.loads(without.stdout)["added"] == ["moved"]
    assert "removed" not in json.loads(without.stdout)
    listed = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)["documents"]
    assert {d["id"] for d in listed} >= {"deleted", "renamed"}, "nothing is pruned unless asked"

    pruned = run(tmp_path, "ingest", str(folder), "--index", index, "--prune", "--json")
    assert pruned.returncode == 0, pruned.stderr
    body = json.loads(pruned.stdout)
    assert body["removed"] == ["deleted", "renamed"]
    listed = json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)["documents"]
    assert {d["id"] for d in listed} == {"kept", "moved", "broken", "deep", "alone"}
    human = run(tmp_path, "ingest", str(folder), "--index", index, "--prune")
    assert human.returncode == 0 and "removed" not in human.stdout, "nothing left to prune"

    refused = run(tmp_path, "ingest", str(folder / "kept.md"), "--index", index, "--prune")
    assert (refused.returncode, refused.stderr.count("\n")) == (2, 1)
    assert "--prune" in refused.stderr


def test_the_k_limit_is_the_setting(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A title\n\nSome text about mines.\n")
    assert run(tmp_path, "ingest", str(tmp_path / "a.txt"), "--index", str(tmp_path / "ix")).returncode == 0
    raised = run(tmp_path, "search", "mines", "-k", "120", "--index", str(tmp_path / "ix"), "--json", max_k="200")
    assert raised.returncode == 0, raised.stderr
    lowered = run(tmp_path, "search", "mines", "-k", "4", "--index", str(tmp_path / "ix"), max_k="3")
    assert (lowered.returncode, lowered.stderr.strip()) == (
        2,
        "footnoted: -k: must be between 1 and 3 (FOOTNOTED_MAX_K), not 4",
    )
    # With no -k, the default (5) is the limit where that is lower: a question still gets an answer.
    for command in ("search", "ask"):
        unnamed = run(tmp_path, command, "mines", "--index", str(tmp_path / "ix"), "--json", max_k="3")
        assert unnamed.returncode == 0, unnamed.stderr


def test_serve_says_in_one_line_when_it_cannot_listen(tmp_path: Path) -> None:
    # Before anything starts (uvicorn said it in its own words after "ready", and exited 3).
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = run(tmp_path, "serve", "--port", port)
    assert (busy.returncode, busy.stderr.strip()) == (
        9,
        f"footnoted: cannot listen on 127.0.0.1:{port}: Address already in use",
    )
    unknown = run(tmp_path, "serve", "--host", "no-such-host.invalid", "--port", port)
    assert unknown.returncode == 9 and f"footnoted: cannot listen on no-such-host.invalid:{port}: " in unknown.stderr
    blank = run(tmp_path, "serve", "--port", port, host=" ")
    assert (blank.returncode, blank.stderr.count("\n")) == (2, 1) and "FOOTNOTED_HOST" in blank.stderr


def test_footnoted_fusion_and_the_fusion_option_choose_how_hybrid_search_fuses(tmp_path: Path) -> None:
    index = str(tmp_path / "ix")
    assert run(tmp_path, "ingest", str(DATA / "chapters.txt"), "--index", index).returncode == 0  # made rrf
    question = ("search", "district health records", "--index", index, "--json")
    rrf = _scores(run(tmp_path, *question))
    zscore = _scores(run(tmp_path, *question, "--fusion", "zscore"))
    assert zscore != rrf
    assert _scores(run(tmp_path, *question, fusion="zscore")) == zscore
    assert _scores(run(tmp_path, *question, "--fusion", "rrf", fusion="zscore")) == rrf  # the option wins
    asked = run(tmp_path, "ask", "district health records", "--index", index, "--json", "--fusion", "zscore")
    assert [p["score"] for p in json.loads(asked.stdout)["passages"]] == zscore
    report = json.loads(run(tmp_path, "eval", "--fusion", "zscore", "--mode", "hybrid", "--json").stdout)
    assert report["index"]["fusion"] == "zscore"
    # An index made while the setting was set keeps it as its own; the others stay as they were made.
    other = str(tmp_path / "other")
    assert run(tmp_path, "ingest", str(DATA / "chapters.txt"), "--index", other, fusion="zscore").returncode == 0
    assert json.loads(run(tmp_path, "info", "--index", other, "--json").stdout)["config"]["fusion"] == "zscore"
    assert json.loads(run(tmp_path, "info", "--index", index, "--json").stdout)["config"]["fusion"] == "rrf"
    for bad in (run(tmp_path, *question, "--fusion", "magic"), run(tmp_path, *question, fusion="magic")):
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
        assert "rrf" in bad.stderr and "zscore" in bad.stderr
