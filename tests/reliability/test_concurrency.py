"""Readers in threads while documents are added, replaced and removed through a real server.

Every response must come whole from one generation: its passages (ids and exact text), its
document list or its source text all belong to a single generation, one that could have been
current while the request was in flight. A replica ``Index.memory`` replays the writes to know
each generation. A second writing *process* is refused (exit code 6, HTTP 409), never allowed
to interleave with the first.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from footnoted.api.app import create_app
from footnoted.corpus import load_briefing
from footnoted.index import HashEncoder, Index
from footnoted.index.doctor import examine
from footnoted.index.load import index_config
from footnoted.index.store import IndexDir
from footnoted.ingest import WordTokenizer, load, parse
from footnoted.settings import Settings
from tests.reliability.crash import document
from tests.server import Server, start_server

QUESTIONS = (
    "How many antipersonnel mines does the United States stockpile?",
    "field clearance report",
    "treaty export ban",
    "army depot inventory destruction",
)
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Generation:
    documents: dict[str, str]
    """Document id -> source text."""
    chunks: dict[str, tuple[str, str]]
    """Chunk id -> (document id, text)."""


def _generation(index: Index) -> Generation:
    snap = index.snapshot
    return Generation(
        {d.id: d.source for d in snap.documents.values()},
        {c.id: (c.document_id, c.text) for c in snap.chunks},
    )


def _text(doc_id: str, version: int) -> str:
    # Short enough for one JSON upload, long enough for several chunks.
    return document(doc_id, seed=zlib.crc32(f"{doc_id}:{version}".encode()), paragraphs=8).source


@dataclass
class History:
    """The writer's log: each generation, and when the request that made it was sent and answered."""

    generations: list[Generation]
    sent: list[float] = field(default_factory=lambda: [float("-inf")])
    done: list[float] = field(default_factory=lambda: [float("-inf")])

    def candidates(self, started: float, ended: float) -> list[int]:
        """Generations that may have been current at some moment in ``[started, ended]``."""
        out = []
        for g in range(len(self.generations)):
            replaced_before = g + 1 < len(self.done) and self.done[g + 1] < started
            if self.sent[g] <= ended and not replaced_before:
                out.append(g)
        return out


def _consistent(kind: str, body: Any, status: int, gen: Generation, extra: str) -> bool:
    if kind in ("search", "ask"):
        if status != 200:
            return False
        results = body["results"] if kind == "search" else body["passages"]
        for r in results:
            chunk = gen.chunks.get(r["chunk_id"])
            if chunk is None or chunk != (r["citation"]["document_id"], r["text"]):
                return False
        if kind == "ask" and body["answer"] is not None:
            cited = body["answer"]["citation"]
            source = gen.documents.get(cited["document_id"])
            if source is None or source[cited["start"] : cited["end"]] != body["answer"]["text"]:
                return False
        return True
    if kind == "list":
        return status == 200 and {d["id"] for d in body["documents"]} == set(gen.documents)
    # source of document ``extra``
    if extra not in gen.documents:
        return status == 404
    return status == 200 and body["text"] == gen.documents[extra]


@pytest.fixture
def hash_server(tmp_path: Path) -> Iterator[Server]:
    (tmp_path / "home").mkdir()
    server = start_server(tmp_path / "home", tmp_path / "models", encoder="hash")
    yield server
    server.stop()


def test_readers_see_whole_generations_while_documents_change(hash_server: Server) -> None:
    rng = random.Random(7)
    replica = Index.memory(HashEncoder(), WordTokenizer(), index_config(Settings(encoder="hash")))
    replica.add([load_briefing()])
    history = History([_generation(replica)])
    stop = threading.Event()
    problems: list[str] = []
    seen: list[tuple[str, float, float, Any, int, str]] = []
    ids = ("conc-a", "conc-b", "conc-c")

    def reader(seed: int) -> None:
        local = random.Random(seed)
        with httpx.Client(base_url=hash_server.url, timeout=60) as client:
            while not stop.is_set():
                kind = local.choice(["search", "search", "ask", "list", "source"])
                extra = local.choice(ids)
                started = time.monotonic()
                try:
                    if kind == "search":
                        mode = local.choice(["dense", "lexical", "hybrid"])
                        r = client.post("/v1/search", json={"query": local.choice(QUESTIONS), "k": 20, "mode": mode})
                    elif kind == "ask":
                        r = client.post("/v1/ask", json={"question": local.choice(QUESTIONS), "k": 8})
                    elif kind == "list":
                        r = client.get("/v1/documents")
                    else:
                        r = client.get(f"/v1/documents/{extra}/source")
                except httpx.HTTPError as exc:
                    problems.append(f"{kind}: {type(exc).__name__}: {exc}")
                    return
                seen.append((kind, started, time.monotonic(), r.json(), r.status_code, extra))

    readers = [threading.Thread(target=reader, args=(i,)) for i in range(6)]
    for t in readers:
        t.start()
    versions = dict.fromkeys(ids, 0)
    live: set[str] = set()
    try:
        with httpx.Client(base_url=hash_server.url, timeout=60) as writer:
            for _ in range(18):
                doc_id = rng.choice(ids)
                sent = time.monotonic()
                if doc_id in live and rng.random() < 0.4:
                    response = writer.delete(f"/v1/documents/{doc_id}")
                    replica.remove(doc_id)
                    live.discard(doc_id)
                else:
                    versions[doc_id] += 1
                    text = _text(doc_id, versions[doc_id])
                    response = writer.post("/v1/documents", json={"id": doc_id, "title": doc_id, "text": text})
                    replica.add([parse(text.encode(), name=f"{doc_id}.txt", fmt="text", doc_id=doc_id, title=doc_id)])
                    live.add(doc_id)
                assert response.status_code in (200, 201), response.text
                history.generations.append(_generation(replica))
                history.sent.append(sent)
                history.done.append(time.monotonic())
                # Quiet for a moment: the replica must agree with the server exactly.
                listed = {d["id"] for d in writer.get("/v1/documents").json()["documents"]}
                assert listed == set(history.generations[-1].documents)
                time.sleep(0.05)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert not problems, problems
    counts: dict[str, int] = {}
    for kind, started, ended, body, status, extra in seen:
        counts[kind] = counts.get(kind, 0) + 1
        if status >= 500:
            problems.append(f"{kind}: {status} {body}")
            continue
        window = history.candidates(started, ended)
        if not any(_consistent(kind, body, status, history.generations[g], extra) for g in window):
            problems.append(f"{kind} ({extra}) {status} matches none of generations {window}: {str(body)[:300]}")
    assert not problems, f"{len(problems)} of {len(seen)} responses inconsistent:\n" + "\n".join(problems[:10])
    print(f"{len(seen)} responses checked against {len(history.generations)} generations: {counts}")
    assert len(seen) >= 100, counts
    assert all(counts.get(k, 0) >= 5 for k in ("search", "ask", "list", "source")), counts


class _SwapOnRead(Index):
    """An index whose next generation lands right after a reader first takes the snapshot."""

    pending: Index | None = None

    @property
    def snapshot(self) -> Any:
        current = self._snapshot
        if self.pending is not None:
            self._snapshot, self.pending = self.pending.snapshot, None
        return current


def test_a_document_listing_comes_from_one_generation() -> None:
    encoder, tokenizer = HashEncoder(), WordTokenizer()
    doc = parse("A new report\n\nIt has a few sentences about clearance.\n", name="new.txt")
    before = Index.memory(encoder, tokenizer)
    after = Index.memory(encoder, tokenizer)
    after.add([doc])
    index = _SwapOnRead(encoder, tokenizer, before.config, None, before.snapshot)
    index.pending = after
    with TestClient(create_app(Settings(encoder="hash"), index=index)) as client:
        listed = client.get("/v1/documents").json()["documents"]
    assert all(d["chunks"] > 0 for d in listed), listed


# -- a second writing process ----------------------------------------------------------------------

_STALLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from footnoted import cli
    from footnoted.index import store

    go = Path(sys.argv[1])
    real = store._fsync_tree

    def stalled(root):
        real(root)
        print("STALLED", flush=True)
        while not go.exists():
            time.sleep(0.02)

    store._fsync_tree = stalled
    sys.argv = ["footnoted", "ingest", *sys.argv[2:]]
    cli.main()
    """
)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "footnoted.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_a_second_writer_process_is_refused(tmp_path: Path) -> None:
    """Process A (``footnoted ingest``) holds the lock mid-commit; the CLI and a server are refused."""
    index = tmp_path / "ix"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTED_")}
    env |= {"FOOTNOTED_ENCODER": "hash", "PYTHONPATH": str(ROOT)}
    for name, seed in (("base", 1), ("first", 2), ("second", 3), ("third", 4)):
        (tmp_path / f"{name}.txt").write_text(document(name, seed=seed, paragraphs=4).source)
    base = Index.open(index, HashEncoder(), WordTokenizer(), index_config(Settings(encoder="hash")))
    base.add([load(tmp_path / "base.txt")])
    (tmp_path / "home").mkdir()
    server = start_server(tmp_path / "home", tmp_path / "models", encoder="hash", index=str(index))
    go = tmp_path / "go"
    a = subprocess.Popen(
        [sys.executable, "-c", _STALLED_WRITER, str(go), str(tmp_path / "first.txt"), "--index", str(index)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert a.stdout is not None
        assert a.stdout.readline().strip() == "STALLED"
        b = _cli("ingest", str(tmp_path / "second.txt"), "--index", str(index), env=env)
        assert b.returncode == 6, b.stderr
        assert b.stderr.startswith("footnoted: another process is writing to the index")
        with httpx.Client(base_url=server.url, timeout=60) as client:
            busy = client.post("/v1/documents", json={"id": "third", "text": "Third report.\n\nSome text here.\n"})
            assert busy.status_code == 409, busy.text
            assert busy.json()["error"]["code"] == "busy"
            assert client.post("/v1/search", json={"query": "report", "k": 3}).status_code == 200
            go.touch()
            _, err = a.communicate(timeout=120)
            assert a.returncode == 0, err
            # The server's next write builds on A's generation: nothing either process wrote is lost.
            later = client.post("/v1/documents", json={"id": "third", "text": "Third report.\n\nSome text here.\n"})
            assert later.status_code == 201, later.text
            listed = {d["id"] for d in client.get("/v1/documents").json()["documents"]}
        assert listed == {"base", "first", "third"}
        # Once the lock is free, the refused write goes through.
        base.add([load(tmp_path / "second.txt")])
        assert set(base.documents) == {"base", "first", "second", "third"}
        assert examine(index).healthy
    finally:
        go.touch()
        if a.poll() is None:
            a.kill()
        a.communicate()
        server.stop()


def test_a_server_picks_up_what_another_process_commits(tmp_path: Path) -> None:
    """``footnoted ingest`` into the index a server serves: the server answers from it within seconds;
    a damaged generation is refused and the server keeps answering from the one it has."""
    index = tmp_path / "ix"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTED_")}
    env |= {"FOOTNOTED_ENCODER": "hash", "PYTHONPATH": str(ROOT)}
    (tmp_path / "base.txt").write_text(document("base", seed=1, paragraphs=4).source)
    (tmp_path / "later.txt").write_text("Later report\n\nThe quartermaster counted 4,211 crates at the depot.\n")
    assert _cli("ingest", str(tmp_path / "base.txt"), "--index", str(index), env=env).returncode == 0
    (tmp_path / "home").mkdir()
    server = start_server(
        tmp_path / "home", tmp_path / "models", encoder="hash", index=str(index), refresh_seconds="0.2"
    )
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            before = client.get("/readyz").json()["generation"]
            added = _cli("ingest", str(tmp_path / "later.txt"), "--index", str(index), env=env)
            assert added.returncode == 0, added.stderr
            deadline = time.monotonic() + 30
            while client.get("/readyz").json()["generation"] == before and time.monotonic() < deadline:
                time.sleep(0.1)
            assert client.get("/readyz").json()["generation"] == before + 1
            listed = {d["id"] for d in client.get("/v1/documents").json()["documents"]}
            assert listed == {"base", "later"}
            hits = client.post("/v1/search", json={"query": "quartermaster crates depot", "k": 1}).json()["results"]
            assert hits[0]["citation"]["document_id"] == "later"

            # Another process commits a generation that is damaged on disk. It is written in a copy
            # and damaged there, then moved in and named current, as a commit does: were it damaged
            # after the commit, the server could load it whole in between.
            copy = tmp_path / "copy"
            shutil.copytree(index, copy)
            writer = Index.open(copy, HashEncoder(), WordTokenizer(), index_config(Settings(encoder="hash")))
            writer.remove("later")
            writer.close()
            written = IndexDir(copy).current()
            damaged = written / "vectors.faiss"
            data = bytearray(damaged.read_bytes())
            data[len(data) // 2] ^= 0xFF
            damaged.write_bytes(bytes(data))
            shutil.copytree(written, index / "generations" / written.name)
            (index / ".CURRENT.test").write_text(written.name + "\n")
            os.replace(index / ".CURRENT.test", index / "CURRENT")
            deadline = time.monotonic() + 30
            while "refresh_failed" not in server.logs() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert "refresh_failed" in server.logs()
            assert "vectors.faiss: checksum mismatch" in server.logs()
            assert client.get("/readyz").json()["generation"] == before + 1
            listed = {d["id"] for d in client.get("/v1/documents").json()["documents"]}
            assert listed == {"base", "later"}
            assert client.post("/v1/search", json={"query": "crates", "k": 1}).status_code == 200
    finally:
        server.stop()


def test_writes_waiting_their_turn_leave_the_probes_and_the_pages_answering(tmp_path: Path) -> None:
    # One long upload holds the index; more deletions wait for it than the server has worker
    # threads (40). The probes, the document pages and questions still answer meanwhile.
    (tmp_path / "home").mkdir()
    server = start_server(tmp_path / "home", tmp_path / "models", encoder="hash", max_upload_bytes="8000000")
    # Every sentence its own, so that none is encoded once for many.
    big = "\n\n".join(
        " ".join(f"Team {p} cleared field {s} near village {p * 31 + s} and counted {p * s} devices." for s in range(8))
        for p in range(14000)
    )[:7_800_000]
    statuses: dict[str, list[int]] = {"upload": [], "delete": []}

    def call(kind: str, method: str, path: str, **kwargs: Any) -> None:
        with httpx.Client(base_url=server.url, timeout=300) as own:  # a connection each
            statuses[kind].append(own.request(method, path, **kwargs).status_code)

    upload = threading.Thread(
        target=call, args=("upload", "POST", "/v1/documents"), kwargs={"json": {"id": "big", "text": big}}
    )
    waiting = [
        threading.Thread(target=call, args=("delete", "DELETE", f"/v1/documents/nothing-{n}")) for n in range(48)
    ]
    try:
        upload.start()
        # Wait until the upload holds the index: a deletion then waits for it rather than
        # answering 404 at once (the upload's body is read and parsed first, which a loaded
        # machine can take more than a second over). The deletion that shows it keeps the
        # second writer's thread; the 48 below wait on the event loop.
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline and upload.is_alive(), f"the upload never held the index: {statuses}"
            try:
                httpx.delete(f"{server.url}/v1/documents/sentinel", timeout=0.5)
            except httpx.TimeoutException:
                break
            time.sleep(0.1)
        for thread in waiting:
            thread.start()
        time.sleep(1.0)
        assert upload.is_alive(), f"the upload must still be going for this to test anything: {statuses}"
        assert sum(t.is_alive() for t in waiting) > 40, (
            f"more deletions waiting than the server has threads: {statuses}"
        )
        with httpx.Client(base_url=server.url, timeout=5) as probe:
            for path in ("/healthz", "/readyz", "/metrics", "/v1/documents", "/v1/documents/back-in-business-2005"):
                assert probe.get(path).status_code == 200, path
            assert probe.post("/v1/search", json={"query": "stockpile", "k": 1}).status_code == 200
        # Answered without waiting for the writes to be done: they still are not.
        assert upload.is_alive() and sum(t.is_alive() for t in waiting) > 40
        for thread in (upload, *waiting):
            thread.join()
        assert statuses == {"upload": [201], "delete": [404] * 48}
        assert "big" in {d["id"] for d in httpx.get(f"{server.url}/v1/documents").json()["documents"]}
    finally:
        server.stop()
