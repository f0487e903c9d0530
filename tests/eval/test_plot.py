"""The plot of hit@k by mode and by tag."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from footnoted.eval.plot import plot_hits
from footnoted.eval.runner import EvalReport


def test_writes_a_png(tmp_path: Path, hash_report: EvalReport) -> None:
    plot_hits(hash_report, tmp_path / "hits.png")
    data = (tmp_path / "hits.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > height > 300  # a 3 x 3 grid: all questions and eight tags


def panels(report: EvalReport, path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[float]]]:
    """Each visible panel's title and its first line's hit@k, as drawn."""
    drawn: list[Figure] = []
    save = Figure.savefig

    def keep(fig: Figure, *args: object, **kwargs: object) -> None:
        drawn.append(fig)
        save(fig, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "savefig", keep)
    plot_hits(report, path)
    (fig,) = drawn
    return [(ax.get_title(), list(ax.get_lines()[0].get_ydata())) for ax in fig.axes if ax.get_visible()]


def test_a_tag_named_all_is_not_the_panel_of_all_questions(
    tmp_path: Path, hash_report: EvalReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = hash_report.result("dense")
    some = replace(result.overall, questions=1, hit=dict.fromkeys(hash_report.ks, 0.0))
    report = replace(hash_report, results=(replace(result, by_tag={"all": some}),))
    (overall, tag) = panels(report, tmp_path / "hits.png", monkeypatch)
    assert overall == ("all (69 questions)", [result.overall.hit[k] for k in hash_report.ks])
    assert tag == ("tag 1: all (1 question)", [0.0] * len(hash_report.ks))


def test_tags_the_font_cannot_draw_get_a_label_it_can(
    tmp_path: Path, hash_report: EvalReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = hash_report.result("dense")
    tagged = replace(result, by_tag={"数値": result.overall, "café": result.overall})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning on stderr
        titles = [t for t, _ in panels(replace(hash_report, results=(tagged,)), tmp_path / "hits.png", monkeypatch)]
    assert titles == ["all (69 questions)", "café (69 questions)", "tag 2: U+6570 U+5024 (69 questions)"]
