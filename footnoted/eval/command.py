"""``footnoted eval``: run an eval set against an index and print (or write) the figures."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from footnoted.corpus import BRIEFING_ID
from footnoted.errors import EvalSetError
from footnoted.eval.dataset import briefing_set, load_set
from footnoted.eval.report import render_text, to_json, write_report
from footnoted.eval.runner import MODES, evaluate
from footnoted.index import open_index
from footnoted.settings import Settings


def eval_command(
    index: Annotated[
        Path | None, typer.Option("--index", help="Index directory (default: the bundled briefing's index).")
    ] = None,
    set_file: Annotated[
        Path | None,
        typer.Option(
            "--set",
            help="Eval set: a JSONL file, or a BEIR directory (queries.jsonl, qrels/test.tsv). "
            "Default: the bundled briefing's questions.",
        ),
    ] = None,
    k: Annotated[str, typer.Option("--k", help="Cut-offs for hit@k and recall@k, comma-separated.")] = "1,3,5,10",
    mode: Annotated[
        list[str] | None,
        typer.Option("--mode", help=f"{', '.join(MODES)}; repeat for several (default: all of them)."),
    ] = None,
    fusion: Annotated[
        str | None,
        typer.Option(
            "--fusion",
            help="How the hybrid mode fuses its lists: rrf, zscore or convex (default: FOOTNOTED_FUSION, else "
            "the index's own, rrf).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report for programs.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Also write report.json, report.txt, TREC runs and qrels, and a plot (PNG) to this directory, "
            "replacing the files of an earlier report there.",
        ),
    ] = None,
) -> None:
    """Measure retrieval on an eval set: hit@k, recall@k, MRR@10 and nDCG@10 per mode and tag, and the misses."""
    from footnoted.cli import _fusion

    cutoffs = _cutoffs(k)
    modes = _modes(mode)
    fused = _fusion(fusion)
    # Read once, here at the entry point; the model is loaded from disk only.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if index is not None:
        from footnoted.cli import _index_dir

        _index_dir(Settings(), index)  # a file where the index should be: exit code 9, as for every command
    if out is not None and (blocker := _file_in_the_way(out)) is not None:
        from footnoted.cli import _fail

        # Checked before a run that can take minutes, not found when writing its results.
        _fail(f"{blocker}: is a file; --out needs a directory, where it writes the report's files", 9)
    ix = open_index(Settings(), index)
    ix.default_fusion = fused or ix.default_fusion
    try:
        if set_file is not None:
            eval_set = load_set(set_file, ix.documents)
        elif BRIEFING_ID in ix.documents:
            eval_set = briefing_set(ix.documents)
        else:
            raise EvalSetError(
                f"the index at {ix.path} does not hold the bundled briefing, which the default eval set asks "
                "about; give a set for its documents with --set FILE"
            )
        report = evaluate(eval_set, ix, modes=modes, ks=cutoffs)
    finally:
        ix.close()
    # Printed first: a report that cannot be written (a full or read-only disk) does not lose the figures.
    if as_json:
        typer.echo(json.dumps(to_json(report), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(report), nl=False)
    if out is not None:
        written = write_report(report, out)
        typer.echo(f"wrote {', '.join(sorted(written))} to {out}", err=True)


def _file_in_the_way(out: Path) -> Path | None:
    """``out``, or the folder above it nearest to it that exists, when that is not a directory."""
    for path in (out, *out.parents):
        if path.exists():
            return None if path.is_dir() else path
    return None


def _cutoffs(text: str) -> tuple[int, ...]:
    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        values = []
    if not values or values[0] < 1:
        raise typer.BadParameter(
            f"expected comma-separated whole numbers from 1, such as 1,3,5,10; got {text!r}", param_hint="--k"
        )
    return tuple(values)


def _modes(given: list[str] | None) -> tuple[str, ...]:
    if not given:
        return MODES
    modes = [m.strip() for item in given for m in item.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise typer.BadParameter(
            f"{unknown[0] if unknown else '(none)'!r} is not one of {', '.join(MODES)}", param_hint="--mode"
        )
    return tuple(dict.fromkeys(modes))
