"""Damaged index files of every kind are refused at load and by ``footnoted doctor``, naming the file.

Every file a generation holds is truncated, emptied, bit-flipped (first, middle and last byte),
extended or deleted in turn; each must be refused with ``IndexCorrupt`` naming it, never loaded
into silently wrong results.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from footnoted import cli
from footnoted.errors import FootnotedError, IndexCorrupt, IndexMismatch
from footnoted.index import HashEncoder, Index
from footnoted.index.doctor import examine
from footnoted.index.store import MANIFEST, IndexDir
from footnoted.ingest import WordTokenizer
from tests.reliability.crash import State, base_documents, open_index, state


def _truncate_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _flip(position: Callable[[int], int]) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        out = bytearray(data)
        out[position(len(out))] ^= 0x04
        return bytes(out)

    return damage


DAMAGES: dict[str, Callable[[bytes], bytes] | None] = {
    "truncated": _truncate_half,
    "emptied": lambda data: b"",
    "first byte flipped": _flip(lambda n: 0),
    "middle byte flipped": _flip(lambda n: n // 2),
    "last byte flipped": _flip(lambda n: n - 1),
    "extended": lambda data: data + b"\x00",
    "deleted": None,
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, State]:
    path = tmp_path_factory.mktemp("corruption") / "ix"
    index = open_index(path, create=True)
    first, *rest = base_documents()
    index.add([first])
    index.add(rest)
    healthy = state(index)
    index.close()
    return path, healthy


def _copy(template: tuple[Path, State], tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "ix"
    shutil.copytree(template[0], path)
    return path, IndexDir(path).current()


def _files(gen: Path) -> list[str]:
    listed = sorted(json.loads((gen / MANIFEST).read_text())["files"])
    return [*listed, MANIFEST]


def _damage(gen: Path, rel: str, how: str) -> None:
    target = gen / rel
    damage = DAMAGES[how]
    if damage is None:
        target.unlink()
    else:
        target.write_bytes(damage(target.read_bytes()))


def _doctor(path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """``footnoted doctor --index PATH`` through the CLI's entry point, in this process."""
    monkeypatch.setenv("FOOTNOTED_ENCODER", "hash")
    monkeypatch.setattr(sys, "argv", ["footnoted", "doctor", "--index", str(path)])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        cli.main()
    out = capsys.readouterr()
    return int(exited.value.code or 0), out.out + out.err


def test_every_file_of_a_generation_is_covered(template: tuple[Path, State]) -> None:
    files = _files(IndexDir(template[0]).current())
    kinds = {"documents.json", "chunks.json", "row_ids.npy", "vectors.faiss", "lexical/size.txt", MANIFEST}
    assert kinds <= set(files)
    assert len(files) >= 13, files


@pytest.mark.parametrize("how", list(DAMAGES))
def test_damaged_files_are_refused_at_load_and_by_doctor(
    template: tuple[Path, State],
    tmp_path: Path,
    how: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    missed: list[str] = []
    files = _files(IndexDir(template[0]).current())
    for rel in files:
        if rel == MANIFEST and how == "middle byte flipped":
            continue  # a flip inside a manifest value: see test_a_flipped_manifest_value_is_detected
        case = tmp_path / rel.replace("/", "_")
        path, gen = _copy(template, case)
        _damage(gen, rel, how)
        # The manifest's absence makes the whole generation incomplete; the message names that.
        name = gen.name if rel == MANIFEST and how == "deleted" else rel
        try:
            open_index(path)
            missed.append(f"{rel}: loaded")
        except IndexCorrupt as exc:
            if name not in str(exc):
                missed.append(f"{rel}: the message does not name it: {exc}")
        except FootnotedError as exc:
            missed.append(f"{rel}: {type(exc).__name__}, not IndexCorrupt: {exc}")
        checkup = examine(path)
        if not any(name in p for p in checkup.problems):
            missed.append(f"{rel}: examine() says {checkup.problems}")
        code, output = _doctor(path, capsys, monkeypatch)
        if code != 5 or name not in output:
            missed.append(f"{rel}: doctor exited {code}: {output}")
        if how == "truncated":
            missed.extend(f"{rel}: {m}" for m in _rebuilt_or_left(path, gen, rel, template[1], output))
        shutil.rmtree(case)
    assert not missed, "\n".join(missed)


def _rebuilt_or_left(path: Path, gen: Path, rel: str, template: State, doctor: str) -> list[str]:
    """A damaged index whose documents read back is built again from them, exactly as it was;
    one whose documents (or manifest) are damaged is refused and left as it is."""
    if rel in ("documents.json", MANIFEST):
        if "do not read back whole" not in doctor:
            return [f"doctor offers no way on: {doctor}"]
        try:
            Index.rebuild(path, HashEncoder(), WordTokenizer())
        except FootnotedError:
            return [] if IndexDir(path).current() == gen else ["the refused rebuild moved CURRENT"]
        return ["built again from damaged documents"]
    if "footnoted reindex --index" not in doctor:
        return [f"doctor does not offer reindex: {doctor}"]
    index, _ = Index.rebuild(path, HashEncoder(), WordTokenizer())
    rebuilt = state(index)
    if replace(rebuilt, generation=template.generation) != template:
        return [f"built again differs: {rebuilt.summary()} vs {template.summary()}"]
    if examine(path).problems:
        return [f"built again, doctor still finds {examine(path).problems}"]
    return []


def test_a_healthy_index_passes_doctor(
    template: tuple[Path, State], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _copy(template, tmp_path)
    code, output = _doctor(path, capsys, monkeypatch)
    assert code == 0, output
    assert output.startswith(f"ok: {path} (gen-000002: 4 documents")
    assert state(open_index(path)) == template[1]


def test_an_interrupted_write_is_noted_not_called_damage(
    template: tuple[Path, State], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _copy(template, tmp_path)
    # What a write killed before its rename leaves: its unfinished generation, hidden.
    unfinished = IndexDir(path).generations / ".gen-000003-k1ll3d"
    unfinished.mkdir()
    (unfinished / "vectors.faiss").write_bytes(b"half a file")
    code, output = _doctor(path, capsys, monkeypatch)
    assert code == 0, output
    assert output.startswith(f"ok: {path} (gen-000002: 4 documents")
    assert "note: unfinished writes left behind (removed by the next write): .gen-000003-k1ll3d" in output
    index = open_index(path)
    assert state(index) == template[1]
    index.remove(sorted(index.documents)[0])
    index.close()
    assert not unfinished.exists()
    assert examine(path).notes == ()


def test_doctor_as_a_real_process(template: tuple[Path, State], tmp_path: Path) -> None:
    """The installed command: exit 0 and ``ok`` when healthy; exit 5 and the problem when damaged."""
    path, gen = _copy(template, tmp_path)
    env = {**os.environ, "FOOTNOTED_ENCODER": "hash"}
    command = [sys.executable, "-m", "footnoted.cli", "doctor", "--index", str(path), "--json"]
    healthy = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert healthy.returncode == 0, healthy.stderr
    assert json.loads(healthy.stdout)["healthy"] is True
    assert json.loads(healthy.stdout)["generation"] == int(gen.name[4:])  # a number, as `info` gives it
    _damage(gen, "vectors.faiss", "middle byte flipped")
    damaged = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert damaged.returncode == 5, damaged.stderr
    report = json.loads(damaged.stdout)
    assert report["healthy"] is False
    assert report["problems"] == ["vectors.faiss: checksum mismatch (corrupted)"]
    search = subprocess.run(
        [sys.executable, "-m", "footnoted.cli", "search", "mines", "--index", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert search.returncode == 5
    assert "vectors.faiss: checksum mismatch" in search.stderr
    assert search.stdout == ""


@pytest.mark.parametrize("pointer", ["", "gen-00000", "gen-000009", "gen-000002\x00", "../../etc"])
def test_a_damaged_pointer_is_refused(template: tuple[Path, State], tmp_path: Path, pointer: str) -> None:
    path, _ = _copy(template, tmp_path)
    (path / "CURRENT").write_text(pointer)
    with pytest.raises(IndexCorrupt, match="CURRENT"):
        open_index(path)
    assert examine(path).problems


def test_a_lost_pointer_is_refused_not_restarted_empty(template: tuple[Path, State], tmp_path: Path) -> None:
    path, _ = _copy(template, tmp_path)
    (path / "CURRENT").unlink()
    with pytest.raises(IndexCorrupt, match="CURRENT"):
        open_index(path, create=True)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (("retrieval", "rrf_k"), 60),
        (("retrieval", "answer_passages"), 4),
        (("next_row_id",), None),
        (("chunker", "max_tokens"), 96),
    ],
)
def test_a_flipped_manifest_value_is_detected(
    template: tuple[Path, State], tmp_path: Path, key: tuple[str, ...], value: int | None
) -> None:
    path, gen = _copy(template, tmp_path)
    raw = (gen / MANIFEST).read_bytes()
    manifest = json.loads(raw)
    found = manifest
    for part in key:
        found = found[part]
    assert value is None or found == value
    # Flip one bit of the value's last digit, in the file's own bytes.
    needle = f'"{key[-1]}": {found}'.encode()
    at = raw.index(needle) + len(needle) - 1
    damaged = bytearray(raw)
    damaged[at] ^= 0x01
    (gen / MANIFEST).write_bytes(bytes(damaged))
    with pytest.raises((IndexCorrupt, IndexMismatch)):
        open_index(path)
