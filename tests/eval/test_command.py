"""``footnoted eval`` through Typer, on the bundled briefing with the deterministic encoder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from footnoted.errors import EvalSetError
from footnoted.eval.command import eval_command
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer, parse

app = typer.Typer()
app.command("eval")(eval_command)
app.command("noop")(lambda: None)  # two commands, so "eval" is a subcommand as in footnoted's CLI


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOOTNOTED_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FOOTNOTED_ENCODER", "hash")
    monkeypatch.delenv("FOOTNOTED_INDEX", raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["eval", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_tables_for_every_mode_on_the_bundled_briefing(env: Path) -> None:
    code, output = run()
    assert code == 0, output
    assert "eval set briefing: 69 questions; model hash-256" in output
    for mode in ("dense", "lexical", "hybrid", "baseline"):
        assert f"\n{mode}\n" in output
    assert (env / "home" / "index" / "CURRENT").is_file()


def test_json_with_chosen_modes_and_cutoffs(env: Path) -> None:
    code, output = run("--json", "--mode", "lexical", "--mode", "hybrid", "--k", "2,1")
    assert code == 0, output
    data = json.loads(output)
    assert list(data["modes"]) == ["lexical", "hybrid"]
    assert data["ks"] == [1, 2]
    assert "hit@2" in data["modes"]["hybrid"]["overall"]


def test_out_writes_the_files(env: Path) -> None:
    code, output = run("--mode", "dense,baseline", "--out", str(env / "out"))
    assert code == 0, output
    names = sorted(p.name for p in (env / "out").iterdir())
    assert names == [
        "baseline.qrels",
        "baseline.run",
        "dense.run",
        "hit_at_k.png",
        "index.qrels",
        "report.json",
        "report.txt",
    ]


def test_own_set_file(env: Path) -> None:
    path = env / "mine.jsonl"
    record = {"id": "m1", "question": "How many antivehicle mines?", "evidence": ["7.5 million antivehicle mines"]}
    path.write_text(json.dumps(record) + "\n")
    code, output = run("--set", str(path), "--mode", "lexical", "--k", "1")
    assert code == 0, output
    assert "eval set mine: 1 question;" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "1,x"], "expected comma-separated whole numbers from 1"),
        (["--k", "0"], "expected comma-separated whole numbers from 1"),
        (["--mode", "sparse"], "'sparse' is not one of dense, lexical, hybrid, baseline"),
    ],
)
def test_usage_errors(env: Path, args: list[str], message: str) -> None:
    code, output = run(*args)
    assert code == 2
    assert message in " ".join(output.replace("│", " ").split())  # rich wraps the message in a box


def test_an_index_without_the_briefing_needs_a_set(env: Path) -> None:
    where = env / "other"
    index = Index.open(where, HashEncoder(), WordTokenizer())
    index.add([parse("Some other text about nothing in particular.", name="other.txt")])
    index.close()
    with pytest.raises(EvalSetError, match="does not hold the bundled briefing"):
        run("--index", str(where))


@pytest.mark.parametrize("where", ["afile", "afile/sub"])
def test_out_naming_a_file_is_refused_before_the_run(env: Path, where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (env / "afile").write_text("mine")

    def not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("evaluated before --out was checked")

    monkeypatch.setattr("footnoted.eval.command.evaluate", not_run)
    code, output = run("--out", str(env / where))
    assert code == 9
    assert (
        output
        == f"footnoted: {env / 'afile'}: is a file; --out needs a directory, where it writes the report's files\n"
    )
    assert (env / "afile").read_text() == "mine"


def test_the_table_is_printed_before_the_report_is_written(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("footnoted.eval.command.write_report", full_disk)
    result = CliRunner().invoke(app, ["eval", "--mode", "lexical", "--out", str(env / "out")])
    assert isinstance(result.exception, OSError)
    assert "eval set briefing: 69 questions" in result.output and "\nlexical\n" in result.output
