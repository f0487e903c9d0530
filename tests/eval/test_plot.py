"""The plot of hit@k by mode and by tag."""

from __future__ import annotations

from pathlib import Path

from footnoted.eval.plot import plot_hits
from footnoted.eval.runner import EvalReport


def test_writes_a_png(tmp_path: Path, hash_report: EvalReport) -> None:
    plot_hits(hash_report, tmp_path / "hits.png")
    data = (tmp_path / "hits.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > height > 300  # a 3 x 3 grid: all questions and eight tags
