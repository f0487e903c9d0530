"""A PNG of hit@k against k: one panel for all questions and one per tag, a line per mode."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from footnoted.eval.runner import EvalReport, Summary


def plot_hits(report: EvalReport, path: Path) -> None:
    """Draw hit@k by mode and by tag into ``path`` (PNG, rendered with Agg)."""
    # Imported here: matplotlib is slow to import and only this file needs it. No pyplot, so no
    # global figure state and no interactive backend is ever chosen.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    groups = ["all", *sorted({t for r in report.results for t in r.by_tag})]
    cols = min(3, len(groups))
    rows = math.ceil(len(groups) / cols)
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
    ks = list(report.ks)
    for ax, group in zip(axes.flat, groups, strict=False):
        count = 0
        for i, result in enumerate(report.results):
            summary: Summary | None = result.overall if group == "all" else result.by_tag.get(group)
            if summary is None:
                continue
            count = summary.questions
            # Shrinking markers, drawn over each other, keep modes with equal figures visible.
            size = max(3.0, 10.0 - 2.5 * i)
            ax.plot(ks, [summary.hit[k] for k in ks], marker="o", markersize=size, label=result.mode)
        ax.set_title(f"{group} ({count} questions)", fontsize=10)
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
    title = f"hit@k by mode and by tag: {report.set_name} ({report.index.get('model')})"
    fig.suptitle(textwrap.fill(title, width=int(11 * 4.2 * cols)), fontsize=10)
    fig.savefig(Path(path), dpi=110)
