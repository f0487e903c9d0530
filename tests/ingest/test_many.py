"""Reading many files at once: a helper process beside this one, the same documents either way."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from footnoted.errors import IngestError, UnsupportedFormat
from footnoted.ingest import load, many, parse
from footnoted.ingest.many import load_all
from footnoted.types import Document

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = [
    DATA / "pdf" / "report.pdf",
    DATA / "pdf" / "typeset" / "two-columns.pdf",
    DATA / "pdf" / "endnotes.pdf",
    DATA / "docx" / "report.docx",
    DATA / "odt" / "libreoffice_report.odt",
    DATA / "epub" / "report.epub",
    DATA / "rtf" / "libreoffice_endnotes.rtf",
    DATA / "exporters" / "pandoc.html",
    DATA / "notes.md",
    DATA / "superscript.txt",
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The fixtures, and three files that cannot be read, among them."""
    tmp_path = tmp_path_factory.mktemp("many")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.html"
    binary.write_bytes(bytes(range(256)) * 40)
    unknown = tmp_path / "notes.pages"
    unknown.write_bytes(b"not read")
    return [*FIXTURES[:4], empty, *FIXTURES[4:7], binary, unknown, *FIXTURES[7:]]


@pytest.fixture(scope="module")
def expected(files: list[Path]) -> list[Document | IngestError]:
    """What reading each file in this process, one after another, gives."""
    return _one_by_one(files)


def _one_by_one(paths: list[Path]) -> list[Document | IngestError]:
    out: list[Document | IngestError] = []
    for path in paths:
        try:
            out.append(load(path))
        except IngestError as exc:
            out.append(exc)
    return out


def _same(got: list[Document | IngestError], want: list[Document | IngestError]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if isinstance(w, IngestError):
            assert type(g) is type(w) and str(g) == str(w)
        else:
            assert g == w


@pytest.fixture
def slow_here(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """This process reads slowly, so a helper is started and surely reads some of the files; the
    ones read here are recorded (and the ones a helper's thread read here, after the helper failed
    on them)."""
    here: list[Path] = []
    monkeypatch.setattr(many, "HELPER_PAYS_FROM", 0.0)
    real = many._here

    def slow(job: many._Job) -> Document | BaseException:
        here.append(job.path)
        if threading.current_thread().name.startswith("footnoted-reader"):
            failed_on.append(job.path)
        time.sleep(0.3)
        return real(job)

    monkeypatch.setattr(many, "_here", slow)
    failed_on.clear()
    return here


failed_on: list[Path] = []


def test_the_helper_reads_documents_equal_to_this_process(
    files: list[Path], expected: list[Document | IngestError], slow_here: list[Path]
) -> None:
    done: list[int] = []
    got = load_all(files, readers=2, progress=done.append)
    _same(got, expected)
    assert done == [1] * len(files)  # each file told once, whoever read it
    # The helper, a process of its own with its own hash seed, read some of them; errors came
    # back with their type and message.
    assert 0 < len(slow_here) < len(files)
    assert isinstance(got[-4], UnsupportedFormat)


def test_everything_is_read_here_with_one_reader(tmp_path: Path, slow_here: list[Path]) -> None:
    paths = FIXTURES[:3]
    _same(load_all(paths, readers=1), _one_by_one(paths))
    assert slow_here == paths


def test_ids_and_the_stored_version(tmp_path: Path) -> None:
    paths = FIXTURES[:4]
    ids = ["a", "b", "c", "d"]
    first = load_all(paths, ids=ids, readers=2)
    assert [d.id for d in first if isinstance(d, Document)] == ids
    # Unchanged bytes give the stored object back; a changed file is read again.
    changed = tmp_path / "notes.md"
    changed.write_text("# Notes\n\nA claim.[^1]\n\n[^1]: Its source.\n")
    assert isinstance(first[0], Document) and isinstance(first[1], Document)
    stored = {"a": first[0], "b": first[1], "e": load(changed, doc_id="e")}
    changed.write_text("# Notes\n\nAnother claim.[^1]\n\n[^1]: Its source.\n")
    done: list[int] = []
    again = load_all([*paths[:2], changed], ids=["a", "b", "e"], stored=stored, readers=2, progress=done.append)
    assert len(done) == 3
    assert again[0] is first[0] and again[1] is first[1]
    assert isinstance(again[2], Document) and "Another claim" in again[2].source


def test_the_stored_version_is_found_by_name_when_no_ids_are_given(tmp_path: Path) -> None:
    paths = FIXTURES[:2]
    first = load_all(paths, readers=1)
    stored = {d.id: d for d in first if isinstance(d, Document)}
    assert len(stored) == 2
    again = load_all(paths, stored=stored, readers=1)
    assert again[0] is first[0] and again[1] is first[1], "unchanged bytes are not read again"


def test_ids_must_match_paths() -> None:
    with pytest.raises(ValueError, match="2 ids for 1 paths"):
        load_all(FIXTURES[:1], ids=["a", "b"])


@pytest.mark.parametrize(
    "script",
    [
        "pass",  # exits at once
        # Ready, then gone before its first answer.
        "import struct, sys; out = sys.stdout.buffer; out.write(struct.pack('!Q', 5) + b'ready'); out.flush(); "
        "sys.stdin.buffer.read(8)",
        # Ready, then an answer that is no document.
        "import pickle, struct, sys; out = sys.stdout.buffer; out.write(struct.pack('!Q', 5) + b'ready'); "
        "out.flush(); sys.stdin.buffer.read(8); p = pickle.dumps('nonsense'); "
        "out.write(struct.pack('!Q', len(p)) + p); out.flush()",
        # Ready, then a message cut short.
        "import struct, sys; out = sys.stdout.buffer; out.write(struct.pack('!Q', 5) + b'ready'); out.flush(); "
        "sys.stdin.buffer.read(8); out.write(struct.pack('!Q', 100) + b'short'); out.flush()",
        # Something else writes first, a header that asks for more than any memory holds.
        "import sys; sys.stdout.buffer.write(b'\\xff' * 8 + b'ready'); sys.stdout.flush(); sys.stdin.buffer.read()",
    ],
    ids=["exits", "dies-on-a-job", "answers-nonsense", "answers-half", "writes-garbage"],
)
def test_a_failing_helper_costs_only_reading_here(
    files: list[Path],
    expected: list[Document | IngestError],
    monkeypatch: pytest.MonkeyPatch,
    slow_here: list[Path],
    script: str,
) -> None:
    monkeypatch.setattr(many, "helper_command", lambda: [sys.executable, "-c", script])
    some = [0, 1, 4, 9]  # two PDFs and two files that cannot be read
    _same(load_all([files[i] for i in some], readers=2), [expected[i] for i in some])
    assert sorted(slow_here) == sorted(files[i] for i in some)
    # Each helper that said it was ready was given a file, failed on it, and that one was read here.
    assert len(failed_on) == (0 if script == "pass" or "xff" in script else 1)


def test_no_helper_where_none_could_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(many, "helper_command", lambda: [str(tmp_path / "no-such-program")])
    paths = FIXTURES[:3]
    _same(load_all(paths, readers=2), _one_by_one(paths))


def test_a_helper_only_where_it_pays(tmp_path: Path) -> None:
    def helpers(paths: list[Path], readers: int | None = 2) -> int:
        return many._helpers_for([many._Job(p, None, 1) for p in paths], readers)

    small = [DATA / "notes.md", DATA / "superscript.txt", DATA / "endnotes.html"]
    assert helpers(small) == 0  # milliseconds of reading: not worth half a second to start
    assert helpers(FIXTURES[:3]) == 0  # three short PDFs: a quarter of a second
    # PDFs of a MB (estimated by their size alone: what is in them does not matter here).
    large = []
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        large.append(tmp_path / name)
        large[-1].write_bytes(b"%PDF-1.4\n" + b"0" * 1_000_000)
    assert helpers(large[:2]) == 1
    assert helpers(large[:1]) == 0  # one file: nothing to share
    assert helpers(large[:2], readers=1) == 0
    assert helpers(large, readers=8) == 2  # no more helpers than files beside this process
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 2_000_000)
    assert helpers([big, DATA / "notes.md"]) == 1


def test_a_helper_not_yet_started_is_not_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A helper that would take ten seconds to say it is ready: the work is done here without it,
    # and the helper stopped.
    monkeypatch.setattr(many, "helper_command", lambda: [sys.executable, "-c", "import time; time.sleep(10)"])
    started = time.perf_counter()
    paths = [DATA / "notes.md", DATA / "superscript.txt"]
    _same(load_all(paths, readers=2), _one_by_one(paths))
    monkeypatch.setattr(many, "_helpers_for", lambda jobs, readers: 1)
    _same(load_all(paths, readers=2), _one_by_one(paths))
    assert time.perf_counter() - started < 5


def test_a_helper_runs_the_copy_of_footnoted_its_caller_runs(tmp_path: Path) -> None:
    # A copy of the package, imported by a script that puts it on sys.path itself (as a checkout
    # is used without installing): its helpers import that copy, not the installed one.
    import footnoted

    copy = tmp_path / "checkout"
    shutil.copytree(Path(footnoted.__file__).parent, copy / "footnoted", ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        f"import subprocess, sys; sys.path.insert(0, {str(copy)!r}); "
        "from footnoted.ingest.process import python_command; "
        "print(subprocess.run(python_command('import footnoted; print(footnoted.__file__)'), "
        "capture_output=True, text=True, check=True).stdout.strip())"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.strip() == str(copy / "footnoted" / "__init__.py")


# A server's uploads: bytes read in a helper kept for the purpose.

PDF = DATA / "pdf" / "report.pdf"


def test_a_reader_reads_pdfs_in_its_helper_and_the_rest_here() -> None:
    reader = many.Reader()
    data = PDF.read_bytes()
    text = (DATA / "notes.md").read_bytes()
    try:
        assert reader.parse(text, name="notes.md") == parse(text, name="notes.md")
        assert reader._helper is None  # milliseconds of reading: not worth the round trip
        doc = reader.parse(data, name="report.pdf", doc_id="r", title="A title")
        assert doc == parse(data, name="report.pdf", doc_id="r", title="A title")
        helper = reader._helper
        assert helper is not None and helper.poll() is None  # started, and kept for the next
        assert reader.parse(data, name="report.pdf") == parse(data, name="report.pdf")
        assert reader._helper is helper
        # An error in the file comes back as it would be raised here, and is no failure of the helper.
        with pytest.raises(IngestError) as raised:
            reader.parse(b"%PDF-1.4 and nothing else", name="broken.pdf")
        with pytest.raises(IngestError) as here:
            parse(b"%PDF-1.4 and nothing else", name="broken.pdf")
        assert type(raised.value) is type(here.value) and str(raised.value) == str(here.value)
        assert reader._helper is helper
        # One that has died is started again at the next PDF.
        helper.kill()
        helper.wait()
        assert reader.parse(data, name="report.pdf") == parse(data, name="report.pdf")
        assert reader._helper is not None and reader._helper is not helper
        last = reader._helper
    finally:
        reader.close()
    assert reader._helper is None and last.poll() is not None
    assert reader.parse(data, name="report.pdf") == parse(data, name="report.pdf")  # read here now
    assert reader._helper is None


def test_a_reader_told_to_keep_no_helper_reads_everything_here() -> None:
    reader = many.Reader(helper=False)
    data = PDF.read_bytes()
    assert reader.parse(data, name="report.pdf") == parse(data, name="report.pdf")
    assert reader._helper is None


def test_a_busy_reader_reads_the_next_pdf_here() -> None:
    reader = many.Reader()
    data = PDF.read_bytes()
    with reader._lock:  # as while another upload's PDF is being read
        assert reader.parse(data, name="report.pdf") == parse(data, name="report.pdf")
    assert reader._helper is None
    reader.close()


@pytest.mark.parametrize(
    "script",
    [
        "pass",
        "import struct, sys; out = sys.stdout.buffer; out.write(struct.pack('!Q', 5) + b'ready'); out.flush(); "
        "sys.stdin.buffer.read(8)",
        "import sys; sys.stdout.buffer.write(b'\\xff' * 8 + b'ready'); sys.stdout.flush(); sys.stdin.buffer.read()",
    ],
    ids=["exits", "dies-on-a-job", "writes-garbage"],
)
def test_a_failing_reader_helper_costs_only_reading_here(monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    monkeypatch.setattr(many, "helper_command", lambda: [sys.executable, "-c", script])
    reader = many.Reader()
    data = PDF.read_bytes()
    try:
        assert reader.parse(data, name="report.pdf") == parse(data, name="report.pdf")
        assert reader._helper is None  # not kept
        with pytest.raises(IngestError, match="cannot read the PDF"):
            reader.parse(b"%PDF-1.4 and nothing else", name="broken.pdf")
    finally:
        reader.close()
