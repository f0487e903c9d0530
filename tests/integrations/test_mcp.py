"""The MCP server: end to end over stdio as a subprocess (the SDK's own client), and tool details in process."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest

pytest.importorskip("mcp")

from mcp import Client as MCPClient
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult, TextContent

from footnoted.corpus import load_briefing
from footnoted.index import Index
from footnoted.integrations import mcp_output as out
from footnoted.integrations.mcp import create_server
from footnoted.settings import Mode
from tests.integrations.conftest import QUESTION

ROOT = Path(__file__).parents[2]
BRIEFING = "back-in-business-2005"
MODULE = ["-m", "footnoted.integrations.mcp"]


@asynccontextmanager
async def _stdio(log: Path, env: dict[str, str], args: list[str]) -> AsyncIterator[ClientSession]:
    """``python ARGS`` (a server module and its options) as a subprocess, through the SDK's stdio client."""
    params = StdioServerParameters(
        command=sys.executable,
        args=args,
        env={"HF_HUB_OFFLINE": "1", **env},
        cwd=ROOT,
    )
    with log.open("w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield session


def _run(log: Path, env: dict[str, str], args: list[str], body: Callable[[ClientSession], Awaitable[None]]) -> None:
    async def main() -> None:
        with anyio.fail_after(180):
            async with _stdio(log, env, args) as session:
                await body(session)

    try:
        anyio.run(main)
    except BaseException:
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise


def _text(result: CallToolResult) -> str:
    assert len(result.content) == 1
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text


def _check_quotes(passages: list[dict[str, Any]], source: str) -> None:
    for p in passages:
        assert source[p["citation"]["start"] : p["citation"]["end"]] == p["text"]
        for note in p["footnotes"]:
            assert source[note["start"] : note["end"]] == note["text"]


@pytest.mark.model
def test_stdio_end_to_end_with_the_real_model(tmp_path: Path, real_home: Path) -> None:
    source = load_briefing().source
    env = {"FOOTNOTED_HOME": str(tmp_path / "home"), "FOOTNOTED_MODEL_CACHE": str(real_home / "models")}

    async def body(session: ClientSession) -> None:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        assert set(tools) == {"search", "ask", "list_documents"}
        for tool in tools.values():
            assert tool.output_schema is not None
            assert tool.annotations is not None
            assert tool.annotations.read_only_hint
        assert set(tools["search"].input_schema["properties"]) == {"question", "k", "mode", "documents"}

        found = await session.call_tool("search", {"question": QUESTION, "k": 3})
        assert not found.is_error
        data = out.SearchOutput.model_validate(found.structured_content).model_dump()
        assert data["query"] == QUESTION
        assert [r["rank"] for r in data["results"]] == [1, 2, 3]
        first = data["results"][0]
        assert "10.4 million" in first["text"]
        assert "3" in [n["label"] for n in first["footnotes"]]
        _check_quotes(data["results"], source)
        text = _text(found)
        assert text.startswith("[1] Back in Business? U.S. Landmine Production and Exports, characters ")
        assert "note 3: Included in this stockpile are 2.8 million" in text

        asked = await session.call_tool("ask", {"question": QUESTION, "k": 2})
        answer = out.AskOutput.model_validate(asked.structured_content).model_dump()
        assert answer["answer"] is not None
        assert "10.4 million antipersonnel mines" in answer["answer"]["text"]
        assert [n["label"] for n in answer["answer"]["footnotes"]] == ["3"]
        cited = answer["answer"]["citation"]
        assert source[cited["start"] : cited["end"]] == answer["answer"]["text"]
        _check_quotes(answer["passages"], source)
        assert _text(asked).startswith("Answer: ")

        listed = await session.call_tool("list_documents", {})
        documents = out.DocumentsOutput.model_validate(listed.structured_content).documents
        assert [(d.id, d.footnotes) for d in documents] == [(BRIEFING, 8)]
        assert BRIEFING in _text(listed)

        refused = await session.call_tool("search", {"question": QUESTION, "documents": ["nope"]})
        assert refused.is_error
        assert "no document 'nope' in the index" in _text(refused)

    _run(tmp_path / "mcp.log", env, MODULE, body)


def _cli_has_mcp() -> bool:
    from footnoted.cli import app

    return any((c.name or (c.callback and c.callback.__name__)) == "mcp" for c in app.registered_commands)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(MODULE, id="module"),
        pytest.param(
            ["-m", "footnoted.cli", "mcp"],
            id="footnoted mcp",
            marks=pytest.mark.skipif(not _cli_has_mcp(), reason="`footnoted mcp` is not registered in footnoted.cli"),
        ),
    ],
)
def test_stdio_reports_an_index_that_cannot_be_opened(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "no-such-index"
    env = {"FOOTNOTED_HOME": str(tmp_path / "home"), "FOOTNOTED_ENCODER": "hash"}

    async def body(session: ClientSession) -> None:
        # The handshake does not wait for the index; every call then says what went wrong.
        assert {t.name for t in (await session.list_tools()).tools} == {"search", "ask", "list_documents"}
        for name, args in [("search", {"question": QUESTION}), ("list_documents", {})]:
            result = await session.call_tool(name, args)
            assert result.is_error
            assert f"the index could not be opened: no index at {missing}" in _text(result)

    _run(tmp_path / "mcp.log", env, [*command, "--index", str(missing)], body)


def test_stdio_bounds_k_and_questions_as_the_settings_say(tmp_path: Path) -> None:
    env = {
        "FOOTNOTED_HOME": str(tmp_path / "home"),
        "FOOTNOTED_ENCODER": "hash",
        "FOOTNOTED_MAX_K": "7",
        "FOOTNOTED_MAX_QUESTION_CHARS": "30",
    }

    async def body(session: ClientSession) -> None:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        for name in ("search", "ask"):
            properties = tools[name].input_schema["properties"]
            assert (properties["k"]["maximum"], properties["question"]["maxLength"]) == (7, 30)
        too_many = await session.call_tool("search", {"question": "mines", "k": 8})
        assert too_many.is_error and "k" in _text(too_many)
        too_long = await session.call_tool("ask", {"question": "mines " * 6})
        assert too_long.is_error and "question" in _text(too_long)
        fine = await session.call_tool("search", {"question": "mines", "k": 7})
        assert not fine.is_error and out.SearchOutput.model_validate(fine.structured_content).results

    _run(tmp_path / "mcp.log", env, MODULE, body)


# -- in process: the same server object, without a subprocess ------------------------------------


def _call(index: Index, name: str, arguments: dict[str, Any], default_mode: Mode | None = None) -> CallToolResult:
    async def main() -> CallToolResult:
        async with MCPClient(create_server(lambda: index, default_mode)) as client:
            return await client.call_tool(name, arguments)

    return anyio.run(main)


def test_the_mode_of_a_question_that_names_none_is_the_setting(briefing_hash_index: Index) -> None:
    # FOOTNOTED_MODE reaches the server as its default mode; a question's own mode still wins.
    result = _call(briefing_hash_index, "search", {"question": QUESTION, "k": 3}, default_mode="lexical")
    data = out.SearchOutput.model_validate(result.structured_content)
    lexical = [h.chunk.id for h in briefing_hash_index.search(QUESTION, 3, mode="lexical")]
    assert lexical != [h.chunk.id for h in briefing_hash_index.search(QUESTION, 3, mode="dense")]
    assert [r.chunk_id for r in data.results] == lexical
    result = _call(
        briefing_hash_index, "search", {"question": QUESTION, "k": 3, "mode": "dense"}, default_mode="lexical"
    )
    data = out.SearchOutput.model_validate(result.structured_content)
    assert [r.chunk_id for r in data.results] == [
        h.chunk.id for h in briefing_hash_index.search(QUESTION, 3, mode="dense")
    ]


def test_search_options_reach_the_index(briefing_hash_index: Index) -> None:
    result = _call(
        briefing_hash_index, "search", {"question": QUESTION, "k": 2, "mode": "lexical", "documents": [BRIEFING]}
    )
    data = out.SearchOutput.model_validate(result.structured_content)
    expected = briefing_hash_index.search(QUESTION, 2, mode="lexical")
    assert [r.chunk_id for r in data.results] == [h.chunk.id for h in expected]
    assert _text(result) == out.search_text(expected)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"question": ""}, "question"),
        ({"question": QUESTION, "k": 0}, "k"),
        ({"question": QUESTION, "k": 51}, "k"),
        ({"question": QUESTION, "mode": "fuzzy"}, "mode"),
        ({"question": "   "}, "the question is empty"),
        # Whole numbers only, as the HTTP API takes them: "3" and true are not read as 3 and 1.
        ({"question": QUESTION, "k": "3"}, "k"),
        ({"question": QUESTION, "k": True}, "k"),
    ],
)
def test_bad_arguments_are_tool_errors(briefing_hash_index: Index, arguments: dict[str, Any], message: str) -> None:
    result = _call(briefing_hash_index, "search", arguments)
    assert result.is_error
    assert message in _text(result)


def test_a_session_sees_what_another_process_commits(tmp_path: Path) -> None:
    # One session, an index on disk, and another writer (another process, as `footnoted ingest` and
    # `footnoted remove` are): each call answers from the newest generation.
    from footnoted.index import HashEncoder
    from footnoted.ingest import WordTokenizer, parse

    path = tmp_path / "ix"
    writer = Index.open(path, HashEncoder(), WordTokenizer())
    writer.add([parse("Wells near Kuito ran dry in 2004.\n", name="wells.txt")])
    served = Index.open(path, HashEncoder(), WordTokenizer())

    async def main() -> list[CallToolResult]:
        async with MCPClient(create_server(lambda: served)) as client:
            before = await client.call_tool("list_documents", {})
            writer.add([parse("Roads to Huambo were cleared of mines.\n", name="roads.txt")])
            writer.remove("wells")
            after = await client.call_tool("list_documents", {})
            searched = await client.call_tool("search", {"question": "roads cleared of mines", "documents": ["roads"]})
            return [before, after, searched]

    before, after, searched = anyio.run(main)
    assert [d["id"] for d in before.structured_content["documents"]] == ["wells"]  # type: ignore[index]
    assert [d["id"] for d in after.structured_content["documents"]] == ["roads"]  # type: ignore[index]
    assert _text(after) == "roads: roads (0 footnotes, 1 passage)"
    assert not searched.is_error and "Huambo" in _text(searched)


def test_no_passages_and_no_answer_read_plainly() -> None:
    from footnoted.types import Answer

    assert out.search_text([]) == "No passages found."
    nothing = Answer(question="q", text="", citation=None, footnotes=(), passages=())
    assert out.ask_text(nothing).startswith("No answer found in the indexed documents.")
    assert out.documents_text([]) == "The index holds no documents."


def test_a_citation_names_its_section_without_repeating_the_title() -> None:
    from footnoted.types import Chunk, Citation, Hit

    chunk = Chunk("report:1", "report", "Clearance in Laos › Costs", 10, 40, "Clearing cost 1,200 dollars.", (), 8)
    hit = Hit(1, 0.9, chunk, Citation("report", "Clearance in Laos", "Clearance in Laos › Costs", 10, 40))
    assert out.search_text([hit]).startswith("[1] Clearance in Laos › Costs, characters 10–40")
