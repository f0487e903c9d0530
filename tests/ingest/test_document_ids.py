"""Ids of files ingested together: a name clash renames the clashing files and no others."""

from __future__ import annotations

import re
from pathlib import Path

from footnoted.ingest.read import DOCUMENT_ID, document_ids, load


def _files(root: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Note {name}.\n")
        paths.append(path)
    return sorted(paths)


def test_a_clash_renames_only_the_clashing_files(tmp_path: Path) -> None:
    before = _files(tmp_path, "x/n1.txt", "x/n2.txt", "x/n3.txt", "x/readme.md")
    assert document_ids(before) == ["n1", "n2", "n3", "readme"]
    after = sorted([*before, *_files(tmp_path, "y/readme.txt")])
    assert document_ids(after) == ["n1", "n2", "n3", "x-readme", "y-readme"]


def test_a_path_id_never_takes_an_id_a_file_kept(tmp_path: Path) -> None:
    # "x/a.txt" would be "x-a", the id "x-a.txt" keeps: the extension tells it apart instead.
    paths = _files(tmp_path, "x/a.txt", "y/a.txt", "x-a.txt")
    ids = document_ids(paths)
    assert dict(zip(paths, ids, strict=True)) == {
        tmp_path / "x-a.txt": "x-a",
        tmp_path / "x" / "a.txt": "x-a.txt",
        tmp_path / "y" / "a.txt": "y-a",
    }
    assert all(re.fullmatch(DOCUMENT_ID, i) for i in ids)


def test_the_clashing_files_parent_is_theirs_alone(tmp_path: Path) -> None:
    # A file added elsewhere in the folder does not rename the clashing ones.
    clashing = _files(tmp_path, "x/a/readme.md", "x/b/readme.md")
    assert document_ids(clashing) == ["a-readme", "b-readme"]
    assert document_ids(sorted([*clashing, *_files(tmp_path, "y/z.txt")])) == ["a-readme", "b-readme", "z"]


def test_the_same_file_named_twice_keeps_one_id(tmp_path: Path) -> None:
    a, b = _files(tmp_path, "x/readme.md", "y/readme.md")
    assert document_ids([a, b, a]) == ["x-readme", "y-readme", "x-readme"]
    assert document_ids([a, tmp_path / "x" / ".." / "x" / "readme.md"]) == ["readme", "readme"]


def test_a_stored_file_keeps_its_id_when_a_namesake_appears(tmp_path: Path) -> None:
    old, new = _files(tmp_path, "x/readme.md", "y/readme.txt")
    stored = {"readme": load(old)}
    assert document_ids([old, new], stored) == ["readme", "y-readme"]
    # The index holds "readme" for another file: both are told apart by their paths.
    assert document_ids([old, new], {"readme": load(_files(tmp_path, "z/readme.md")[0])}) == ["x-readme", "y-readme"]
    assert document_ids([old, new], {}) == ["x-readme", "y-readme"]


def test_a_stored_file_told_apart_keeps_its_id_when_its_namesake_leaves(tmp_path: Path) -> None:
    # Stored as "x-readme" beside "y/readme.txt"; with y's file gone, it must not become "readme"
    # (a second copy of the same file under a new id).
    old, gone = _files(tmp_path, "x/readme.md", "y/readme.txt")
    stored = {"x-readme": load(old), "y-readme": load(gone)}
    assert document_ids([old], stored) == ["x-readme"]
    assert document_ids([old, gone], stored) == ["x-readme", "y-readme"]
    # A new file named as the kept one's plain id is not renamed by it, nor takes its id.
    other = _files(tmp_path, "z/notes.txt")[0]
    assert document_ids([old, other], stored) == ["x-readme", "notes"]
    # The same file's id comes from where it was read, not from its name: a file of that name
    # elsewhere is a new document.
    elsewhere = _files(tmp_path, "w/readme.md")[0]
    assert document_ids([elsewhere], stored) == ["readme"]
