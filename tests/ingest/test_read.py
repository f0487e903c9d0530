"""Reading formats, structure and furniture, and refusing what is not a document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from footnoted.errors import DocumentTooLarge, IngestError, UnsupportedFormat
from footnoted.ingest import load, parse
from footnoted.ingest.read import DOCUMENT_ID, document_id
from footnoted.types import Document
from tests.conftest import DATA


def test_briefing_title_and_front_matter(briefing: Document) -> None:
    assert briefing.id == "back-in-business-2005"
    assert briefing.title == "Back in Business? U.S. Landmine Production and Exports"
    assert briefing.metadata["publisher"] == "Human Rights Watch"
    assert briefing.metadata["date"] == "August 2005"
    assert briefing.metadata["kind"] == "Background Briefing"


def test_briefing_furniture_is_marked(briefing: Document) -> None:
    furniture = [briefing.source[b.start : b.end] for b in briefing.blocks if b.kind == "furniture"]
    assert "Download PDF file\n[208 Kb, 16 pages]" in furniture
    for line in [
        "Related Material",
        "Policy Background",
        "Export and Transfer of Landmines",
        "Landmine Monitor Report",
    ]:
        assert line in furniture


def test_briefing_list_items_follow_their_lead_in(briefing: Document) -> None:
    kinds = [b.kind for b in briefing.blocks if b.kind in ("paragraph", "list_item")]
    assert kinds[:5] == ["paragraph", "list_item", "list_item", "list_item", "list_item"]
    lead_in = next(b for b in briefing.blocks if b.kind == "paragraph")
    assert briefing.source[lead_in.start : lead_in.end].endswith("However:")


def test_every_block_and_section_points_into_the_source(briefing: Document) -> None:
    for block in briefing.blocks:
        assert 0 <= block.start < block.end <= len(briefing.source)
        assert briefing.source[block.start : block.end] == briefing.source[block.start : block.end].strip()


def test_markdown_headings_make_a_section_hierarchy() -> None:
    doc = load(DATA / "notes.md")
    assert doc.title == "Markdown Footnotes"
    assert doc.metadata["date"] == "2024-05-01"
    assert [s.path for s in doc.sections] == [
        ("Markdown Footnotes",),
        ("Markdown Footnotes", "Background"),
        ("Markdown Footnotes", "Analysis"),
    ]


def test_html_furniture_and_metadata() -> None:
    doc = load(DATA / "endnotes.html")
    assert doc.title == "Endnotes Example"
    assert doc.metadata["author"] == "A. Writer"
    for absent in ["not text", "color: red", "Home", "About", "Site banner", "Copyright"]:
        assert absent not in doc.source
    furniture = {doc.source[b.start : b.end] for b in doc.blocks if b.kind == "furniture"}
    assert {"Download PDF file", "Other report", "Another page"} <= furniture


def test_plain_text_headings() -> None:
    doc = load(DATA / "chapters.txt")
    assert doc.title == "The Cost of Clearance"
    assert [s.title for s in doc.sections] == ["Chapter 1: Fields", "Chapter 2: Villages"]


@pytest.mark.parametrize(
    ("name", "data", "error", "message"),
    [
        ("report.odt", b"PK\x03\x04", IngestError, "cannot read the .odt"),
        ("report.pages", b"PK\x03\x04 a Pages file", UnsupportedFormat, "unsupported file type '.pages'"),
        ("report.docx", b"PK\x03\x04", IngestError, "cannot read the .docx"),
        ("report.docx", b"\xd0\xcf\x11\xe0 old", IngestError, "a Word 97-2003 .doc file"),
        ("report.pdf", b"%PDF-1.4", IngestError, "cannot read the PDF"),
        ("report", b"text", UnsupportedFormat, "unsupported file type '(none)'"),
        ("empty.txt", b"", IngestError, "the file is empty"),
        ("blank.txt", b"  \n\t\n", IngestError, "the file is empty"),
        ("binary.txt", b"\x00\x01\x02PNG\x00\x00" * 20, IngestError, "binary data"),
        ("bad.txt", b"caf\xe9 \x81\x8d", IngestError, "not valid UTF-8"),
        ("script.html", b"<html><script>alert(1)</script></html>", IngestError, "no text"),
    ],
)
def test_bad_input_is_refused_clearly(name: str, data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(data, name=name)


def test_windows_1252_falls_back_and_says_so() -> None:
    doc = parse("Title\n\nIt cost \u20ac5, said the caf\u00e9 owner.".encode("cp1252"), name="legacy.txt")
    assert "café" in doc.source and "€5" in doc.source
    assert doc.metadata["encoding"] == "cp1252"
    assert any("cp1252" in w for w in doc.warnings)


def test_too_large_and_missing_files(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    with pytest.raises(DocumentTooLarge, match="over the limit"):
        load(big, max_bytes=100)
    with pytest.raises(IngestError, match="cannot read"):
        load(tmp_path / "missing.txt")


def test_a_stored_version_is_kept_for_the_same_bytes_and_the_limit_still_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Report\n\nThe survey found 40 minefields.[1]\n\n[1] Survey of 2004.\n")
    stored = load(path)
    reads: list[Path] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    assert load(path, stored=stored) is stored
    assert reads == [path]  # read once, and not parsed
    path.write_text("Report\n\nThe survey found 41 minefields.[1]\n\n[1] Survey of 2005.\n")
    changed = load(path, stored=stored)
    assert changed is not stored and "41 minefields" in changed.source
    path.write_text("word " * 1000)  # a stored document whose file grew past the limit is not read at all
    reads.clear()
    with pytest.raises(DocumentTooLarge, match="over the limit"):
        load(path, stored=stored, max_bytes=100)
    assert reads == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Back in Business.txt", "back-in-business"),
        ("../../etc/passwd.md", "passwd"),
        ("Résumé Ünïcode.md", "resume-unicode"),
        ("???.html", "document-516ea795"),
        ("地雷.txt", "document-2005d517"),
        ("地雷 2004.txt", "2004-96067752"),
    ],
)
def test_document_ids_are_path_safe(name: str, expected: str) -> None:
    assert document_id(name) == expected
    assert re.fullmatch(DOCUMENT_ID, expected)


def test_names_with_no_ascii_form_never_share_an_id() -> None:
    names = ["地雷.txt", "мины.txt", "報告.txt", "日本語.txt", "Россия.txt", "!!!.txt", "💣.txt", "年报 2004.txt"]
    names += ["地雷 2004.txt"]
    assert len({document_id(n) for n in names}) == len(names)


def test_files_with_the_same_name_get_distinct_ids(tmp_path: Path) -> None:
    from footnoted.ingest.read import document_ids

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    paths = [tmp_path / "a" / "index.html", tmp_path / "b" / "index.html", tmp_path / "b" / "notes.md"]
    assert document_ids(paths) == ["a-index", "b-index", "notes"]
    assert document_ids([tmp_path / "a" / "index.html", tmp_path / "b" / "notes.md"]) == ["index", "notes"]
    # The same name but the extension: the extension tells them apart, and only them (the others
    # keep the ids they had before the clash, so ingesting the folder again finds them).
    assert document_ids([tmp_path / "a.txt", tmp_path / "a.md", tmp_path / "b.md"]) == ["a.txt", "a.md", "b"]
    # Paths that read the same once joined ("x/a.txt", "x-a.txt"): a hash of each path as well.
    clash = document_ids([tmp_path / "x" / "a.txt", tmp_path / "y" / "a.txt", tmp_path / "x-a.txt"])
    assert len(set(clash)) == 3
    assert clash[1] == "y-a"
    assert all(re.fullmatch(DOCUMENT_ID, i) for i in clash)


def test_a_br_in_html_is_a_line_break_inside_its_paragraph() -> None:
    page = (
        "<html><body><h1>Convoy<br>2004</h1><p>The convoy left Kabul at dawn on 3 March and<br>\n"
        "  reached Bamyan before the snow.<a href='#n1' id='m1'><sup>1</sup></a></p>"
        "<p>First line<br><br>a paragraph of its own.</p>"
        "<ol><li id='n1'>Convoy log,<br>2004. <a href='#m1'>↩</a></li></ol></body></html>"
    )
    doc = parse(page.encode(), name="convoy.html")
    texts = [(b.kind, doc.source[b.start : b.end]) for b in doc.blocks]
    assert texts == [
        ("heading", "Convoy\n2004"),
        ("paragraph", "The convoy left Kabul at dawn on 3 March and\nreached Bamyan before the snow.1"),
        ("paragraph", "First line"),  # two breaks in a row leave a blank line: a new paragraph
        ("paragraph", "a paragraph of its own."),
        ("note", "Convoy log,\n2004. ↩"),
    ]
    assert doc.title == "Convoy 2004"
    (note,) = doc.footnotes
    assert note.text == doc.source[note.start : note.end] == "Convoy log,\n2004."
    assert [doc.source[m.start : m.end] for m in note.markers] == ["1"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("heading.md", "# Report\n\n## Background[^1]\n\nThe mines were counted twice.\n\n[^1]: A note.\n"),
        (
            "heading.html",
            "<h1>Report</h1><h2>Background<sup><a href='#n1' id='r1'>1</a></sup></h2>"
            "<p>The mines were counted twice.</p><ol><li id='n1'>A note. <a href='#r1'>↩</a></li></ol>",
        ),
    ],
)
def test_a_marker_in_a_heading_is_left_out_of_its_section_title(name: str, text: str) -> None:
    doc = parse(text.encode(), name=name)
    assert [n.label for n in doc.footnotes] == ["1"] and doc.footnotes[0].markers
    assert "Background" in [s.title for s in doc.sections]
    assert not any("1" in s.title for s in doc.sections)


def test_word_processor_bullets_open_list_items_not_headings() -> None:
    # Word and LibreOffice draw bullets in the Symbol and Wingdings fonts; their PDFs and text
    # exports keep them as private-use characters (U+F0B7, U+F0A7, U+F0D8). A short bulleted
    # line is an item of the list, not a heading of its own.
    text = (
        "Stockpiles\n\n"
        "The report lists what the depots held at the end of the year, as the army counted it.\n\n"
        "\uf0b7 Anti-personnel mines\n"
        "\uf0a7 Anti-vehicle mines\n"
        "\uf0d8 Fuzes and casings\n\n"
        "Each figure is the army's own.\n"
    )
    doc = parse(text, name="stock.txt")
    kinds = {doc.source[b.start : b.end]: b.kind for b in doc.blocks}
    for item in ("\uf0b7 Anti-personnel mines", "\uf0a7 Anti-vehicle mines", "\uf0d8 Fuzes and casings"):
        assert kinds.get(item) == "list_item", kinds


@pytest.mark.parametrize("fmt", ["markdown", "md", ".md", "MD"])
def test_a_format_is_named_by_its_reader_or_its_extension(fmt: str) -> None:
    doc = parse("# Wells\n\nThe wells ran dry.[^1]\n\n[^1]: A survey.\n", name="notes.txt", fmt=fmt)
    assert (doc.format, doc.title, [n.label for n in doc.footnotes]) == ("markdown", "Wells", ["1"])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"data": "x", "fmt": "bogus"}, UnsupportedFormat, "unknown format 'bogus'; footnoted reads docx, epub, html"),
        ({"data": None}, IngestError, "notes.txt: a document is read from bytes or text, not NoneType"),
        ({"data": 5}, IngestError, "not int"),
        ({"data": "wells \udc80 ran dry"}, IngestError, "the text holds half of a character (a lone surrogate) at 6"),
        ({"data": "x", "doc_id": 5}, IngestError, "a document id is a string, not int '5'"),
    ],
)
def test_arguments_parse_cannot_read_are_ingest_errors(kwargs: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        parse(name="notes.txt", **kwargs)  # type: ignore[arg-type]
    assert parse(bytearray(b"The wells ran dry."), name="notes.txt").source == "The wells ran dry."


@pytest.mark.parametrize("changed", ["ingest/sentences.py", "index/rows.py", "index/lexical.py"])
def test_the_reader_stamp_changes_with_the_code_that_makes_an_index_of_a_document(tmp_path: Path, changed: str) -> None:
    # A copy of the package's modules, one of them changed: the stamp is another, so a file read
    # by the code before is read (and its vectors made) again at its next ingest.
    import shutil

    import footnoted
    import footnoted.ingest.read as read

    root = tmp_path / "footnoted"
    for part in ("ingest", "index"):
        shutil.copytree(
            Path(footnoted.__file__).parent / part, root / part, ignore=shutil.ignore_patterns("__pycache__")
        )

    def stamp() -> str:
        real = read.__file__
        read.__file__ = str(root / "ingest" / "read.py")
        read.reader_version.cache_clear()
        try:
            return read.reader_version()
        finally:
            read.__file__ = real
            read.reader_version.cache_clear()

    before = stamp()
    assert before == read.reader_version()  # the copy is the package's code
    module = root / changed
    module.write_text(module.read_text() + "\n# changed\n")
    assert stamp() != before
    module.write_text(module.read_text().removesuffix("\n# changed\n"))
    (root / "index" / "vectors.py").write_text("# makes no passage's text\n")
    assert stamp() == before
