"""A PNG of hit@k against k: one panel for all questions and one per tag, a line per mode."""

from __future__ import annotations

import math
import textwrap
import unicodedata
import warnings
from collections.abc import Collection
from pathlib import Path

from footnoted.eval.runner import EvalReport, Summary


def plot_hits(report: EvalReport, path: Path) -> None:
    """Draw hit@k by mode and by tag into ``path`` (PNG, rendered with Agg)."""
    # Imported here: matplotlib is slow to import and only this file needs it. No pyplot, so no
    # global figure state and no interactive backend is ever chosen.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    glyphs = _glyphs()
    # None is the panel of all questions, kept apart from a tag that happens to be named "all".
    groups: list[str | None] = [None, *sorted({t for r in report.results for t in r.by_tag})]
    cols = min(3, len(groups))
    rows = math.ceil(len(groups) / cols)
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
    ks = list(report.ks)
    for number, (ax, group) in enumerate(zip(axes.flat, groups, strict=False)):
        count = 0
        for i, result in enumerate(report.results):
            summary: Summary | None = result.overall if group is None else result.by_tag.get(group)
            if summary is None:
                continue
            count = summary.questions
            # Shrinking markers, drawn over each other, keep modes with equal figures visible.
            size = max(3.0, 10.0 - 2.5 * i)
            ax.plot(ks, [summary.hit[k] for k in ks], marker="o", markersize=size, label=result.mode)
        if group is None:
            label = "all"
        elif group == "all" or not _drawable(group, glyphs):
            label = f"tag {number}: {_ascii(group, glyphs)}"
        else:
            label = group
        ax.set_title(f"{label} ({count} {'question' if count == 1 else 'questions'})", fontsize=10)
        ax.set_ylim(0, 1.03)
        ax.set_xticks(ks)
        ax.set_xlabel("k")
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("hit@k")
    axes[0, 0].legend(loc="lower right", fontsize=8)
    # Wrapped to the figure's width, so that one panel's figure does not cut its title off.
    name = report.set_name if _drawable(report.set_name, glyphs) else _ascii(report.set_name, glyphs)
    title = f"hit@k by mode and by tag: {name} ({report.index.get('model')})"
    fig.suptitle(textwrap.fill(title, width=int(11 * 4.2 * cols)), fontsize=10)
    with warnings.catch_warnings():
        # Labels are drawable (above); this only keeps a glyph the check missed from reaching stderr.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        fig.savefig(Path(path), dpi=110)


def _glyphs() -> Collection[int]:
    """The code points the default font draws."""
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    return set(FT2Font(findfont(FontProperties())).get_charmap())


def _drawable(text: str, glyphs: Collection[int]) -> bool:
    return all(c.isspace() or ord(c) in glyphs for c in text)


def _ascii(text: str, glyphs: Collection[int]) -> str:
    """``text`` with each character the font cannot draw spelled in ASCII: its letters without their
    accents where it has them, else its code point ("数値" is "U+6570 U+5024")."""
    out = []
    for c in text:
        if ord(c) in glyphs or c.isspace():
            out.append(c)
            continue
        plain = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
        out.append(plain if plain else f" U+{ord(c):04X} ")
    return " ".join("".join(out).split())
