"""Structure of a Markdown document; the source text is the Markdown itself. Also where its code
and its inline notes (``^[...]``) are, for the note finder."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from footnoted.ingest.layout import Para, paragraphs, split_items, trim
from footnoted.ingest.text import FURNITURE, Layout
from footnoted.types import Block, BlockKind, Span

_ATX = re.compile(r"(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.MULTILINE)
_YAML = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_YAML_TITLE = re.compile(r"^title:[ \t]*(?P<title>.+?)[ \t]*$", re.MULTILINE)
_YAML_DATE = re.compile(r"^date:[ \t]*(?P<date>.+?)[ \t]*$", re.MULTILINE)
# "author: Name", or a list of them on the lines below ("  - Name"), as pandoc's front matter has it.
_YAML_AUTHOR = re.compile(r"^author:[ \t]*(?P<one>.*?)[ \t]*\n(?P<list>(?:[ \t]+-[ \t]+.*\n)*)", re.MULTILINE)
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$")
_LINK_ONLY = re.compile(r"^(?:[-*+][ \t]+)?\[[^\]]+\]\([^)]*\)[ \t]*$")
# A link reference definition, "[0]: http://www.scons.org/" with an optional title: where a
# "[scons][0]" link goes, not a note ("[^1]: ..." is).
_LINK_DEFINITION = re.compile(
    r"^[ ]{0,3}\[(?!\^)[^\]]+\]:[ \t]*(?:<[^>]*>|\S+)(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$"
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Pandoc's inline note, "a claim.^[Its source, p. 3.]", as Quarto, R Markdown, markdown-it-footnote
# and Obsidian write it too; not an escaped caret ("\^[").
_INLINE_NOTE = re.compile(r"(?<!\\)\^\[")
# What the search for a note's closing bracket stops at: brackets, which nest ("^[See [the
# report](http://x), p. 3.]"), an escape, and backticks (a bracket in code counts for nothing).
_BRACKETS = re.compile(r"[\[\]\\`]")
_BACKTICKS = re.compile(r"(?<!\\)`+")
_WORD = re.compile(r"[^\W\d_]{3}")
_LETTER = re.compile(r"[^\W\d_]")
_ESCAPE = re.compile(r"\\.")
# What only a regular expression writes: a range ("2-9", "a-z", "A-F") whose first end opens the
# text or follows a character of another kind (a word's hyphen follows a letter: "anti-war"), and
# a count after the closing bracket ("^[a-z]{5}").
_RANGE = re.compile(r"(?:^|(?<=[^0-9]))[0-9]-[0-9]|(?:^|(?<=[^a-z]))[a-z]-[a-z]|(?:^|(?<=[^A-Z]))[A-Z]-[A-Z]")
_COUNT = re.compile(r"\{\d+(?:,\d*)?\}")


def heading_title(line: str) -> str:
    m = _ATX.match(line)
    return m.group("title") if m else line.strip()


def read_markdown(source: str) -> Layout:
    """Find the structure of a Markdown document: ATX headings, lists, fences, footnote definitions."""
    layout = Layout(blocks=[])
    start = 0
    front = _YAML.match(source)
    if front:
        body = front.group("body")
        if m := _YAML_TITLE.search(body):
            layout.title = m.group("title").strip("\"' ")
        if m := _YAML_DATE.search(body):
            layout.metadata["date"] = m.group("date").strip("\"' ")
        if m := _YAML_AUTHOR.search(body):
            one = m.group("one")
            if one.startswith("[") and one.endswith("]"):  # a flow list, "[Ann Lee, Bo Kim]"
                names = one[1:-1].split(",")
            elif one:
                names = [] if one in ("~", "null") else [one]
            else:
                names = [n.split("-", 1)[1] for n in m.group("list").splitlines()]
            names = [n.strip().strip("\"'") for n in names]
            if any(names):
                layout.metadata["author"] = "; ".join(n for n in names if n)
        layout.blocks.append(Block("furniture", *trim(source, 0, front.end())))
        start = front.end()
    for s, e, kind in _regions(source, start):
        if kind == "fence":
            layout.blocks.append(Block("paragraph", s, e))
        elif kind == "comment":
            layout.blocks.append(Block("furniture", s, e))
        else:
            for para in paragraphs(source, s, e):
                _para_blocks(source, para, layout)
    layout.blocks.sort(key=lambda b: b.start)
    if not layout.title:
        heads = [b for b in layout.blocks if b.kind == "heading"]
        top = min(heads, key=lambda b: (b.level, b.start), default=None)
        if top is not None:
            layout.title = heading_title(source[top.start : top.end])
    return layout


def _regions(source: str, start: int) -> list[tuple[int, int, str]]:
    """Cut the text into code fences, HTML comments and ordinary text, in order."""
    out: list[tuple[int, int, str]] = []
    pos = start
    while pos < len(source):
        fence = _FENCE.search(source, pos)
        comment = _COMMENT.search(source, pos)
        nxt = min((m for m in (fence, comment) if m), key=lambda m: m.start(), default=None)
        if nxt is None:
            out.append((pos, len(source), "text"))
            break
        out.append((pos, nxt.start(), "text"))
        if nxt is comment:
            out.append((*trim(source, nxt.start(), nxt.end()), "comment"))
            pos = nxt.end()
            continue
        marker = nxt.group(1)
        close = re.compile(rf"^[ \t]{{0,3}}{re.escape(marker)}[ \t]*$", re.MULTILINE).search(source, nxt.end())
        end = close.end() if close else len(source)
        out.append((*trim(source, nxt.start(), end), "fence"))
        pos = end
    return [(s, e, k) for s, e, k in out if s < e]


def _para_blocks(source: str, para: Para, layout: Layout) -> None:
    """Headings and rules are lines of their own; the rest of a paragraph is prose or list items."""
    pending: list[tuple[int, int]] = []

    def flush() -> None:
        if pending:
            sub = Para(pending[0][0], pending[-1][1], tuple(pending))
            for s, e, item in split_items(source, sub):
                text = source[s:e]
                link_only = _LINK_ONLY.match(text) is not None
                kind: BlockKind = "list_item" if item else "paragraph"
                if link_only or FURNITURE.match(text):
                    kind = "furniture"
                layout.blocks.append(Block(kind, s, e))
            pending.clear()

    for i, (s, e) in enumerate(para.lines):
        line = source[s:e]
        m = _ATX.match(line)
        if m:
            flush()
            layout.blocks.append(Block("heading", s, e, len(m.group("hashes"))))
        elif _RULE.match(line):
            if pending and i == len(para.lines) - 1 and set(line.strip()) == {"-"} and len(pending) == 1:
                # Setext heading: "Title" underlined with dashes.
                hs, he = pending.pop()
                layout.blocks.append(Block("heading", hs, he, 2))
            else:
                flush()
            layout.blocks.append(Block("furniture", s, e))
        elif set(line.strip()) == {"="} and len(pending) == 1:
            hs, he = pending.pop()
            layout.blocks.append(Block("heading", hs, he, 1))
            layout.blocks.append(Block("furniture", s, e))
        elif _LINK_DEFINITION.match(line):
            flush()
            layout.blocks.append(Block("furniture", s, e))
        else:
            pending.append((s, e))
    flush()


@dataclass(frozen=True, slots=True)
class InlineNote:
    """A note written where it is cited: "a claim.^[Its source.]"."""

    marker: Span
    """The ``^[`` that opens it: what links to it, as ``[^1]`` does to a note defined apart (the
    whole of ``^[...]`` would be a link holding the note, and a sentence holding its claim would
    not hold its marker whole when the note runs on over sentences of its own)."""
    text: Span
    """Inside the brackets, less the white space at either end."""


def inline_notes(source: str, start: int, end: int) -> list[InlineNote]:
    """The inline notes in ``source[start:end]``, outside inline code: each from its ``^[`` to the
    bracket that closes it. What is no note's text is left: a power ("x^[2]", "2^[n]") or a regular
    expression ("^[a-z]") has no word in it."""
    if source.find("^[", start, end) == -1:
        return []
    code = code_spans(source, start, end)
    code_starts = [span.start for span in code]
    code_ends = {span.start: span.end for span in code}
    pairs = _pairs(source, start, end, code_ends)
    out: list[InlineNote] = []
    for m in _INLINE_NOTE.finditer(source, start, end):
        k = bisect.bisect_right(code_starts, m.start()) - 1
        if (out and m.start() < out[-1].text.end) or (k >= 0 and m.start() < code[k].end):
            continue  # inside the note before (they do not nest), or inside code
        close = pairs.get(m.end() - 1)
        if close is not None and _reads_as_note(source[m.end() : close]) and not _COUNT.match(source, close + 1):
            out.append(InlineNote(Span(m.start(), m.end()), Span(*trim(source, m.end(), close))))
    return out


def code_spans(source: str, start: int, end: int) -> list[Span]:
    """Inline code in ``source[start:end]``: from a run of backticks to the next run as long
    ("`x^[2]`", "``a ` b``"); a run that none closes is only backticks."""
    if source.find("`", start, end) == -1:
        return []
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(source, start, end)]
    by_length: dict[int, list[int]] = {}
    for i, (s, e) in enumerate(runs):
        by_length.setdefault(e - s, []).append(i)
    out: list[Span] = []
    i = 0
    while i < len(runs):
        s, e = runs[i]
        same = by_length[e - s]
        k = bisect.bisect_right(same, i)
        if k < len(same):
            out.append(Span(s, runs[same[k]][1]))
            i = same[k] + 1
        else:
            i += 1
    return out


def code_blocks(source: str, blocks: Sequence[Block]) -> list[Span]:
    """The paragraphs of ``blocks`` that are code: a fence, or lines set in four spaces or more (a
    tab) that do not carry on a list item above them."""
    out: list[Span] = []
    listed = False  # set-in paragraphs here carry on a list item
    for block in blocks:
        set_in = block.kind == "paragraph" and _set_in(source, block.start) >= 4
        if block.kind == "paragraph" and (source.startswith(("```", "~~~"), block.start) or (set_in and not listed)):
            out.append(Span(block.start, block.end))
        if block.kind == "list_item":
            listed = True
        elif not set_in:
            listed = False
    return out


def _set_in(source: str, offset: int) -> int:
    """How far the line holding ``offset`` is set in before it (a tab to four), or 0 when text comes
    before ``offset`` on its line."""
    prefix = source[source.rfind("\n", 0, offset) + 1 : offset]
    return len(prefix.expandtabs(4)) if not prefix.strip(" \t") else 0


def _pairs(source: str, start: int, end: int, code_ends: dict[int, int]) -> dict[int, int]:
    """Where each bracket opening in ``source[start:end]`` is closed, brackets escaped or inside
    code aside; one pass, however many notes fail to close."""
    pairs: dict[int, int] = {}
    opened: list[int] = []
    pos = start
    while (m := _BRACKETS.search(source, pos, end)) is not None:
        pos = m.end()
        char = m.group()
        if char == "\\":
            pos += 1
        elif char == "`":
            pos = code_ends.get(m.start(), pos)
        elif char == "[":
            opened.append(m.start())
        elif opened:
            pairs[opened.pop()] = m.start()
    return pairs


def _reads_as_note(text: str) -> bool:
    """Whether an inline note's text is one: it holds a letter and a space, ends a sentence, holds a
    word of three letters or more, or an address ("Ibid.", "p. 42", "Smith", "https://..."); "2",
    "n", "a-z", "Hh" and "[:space:]" are an exponent and regular expressions, and so are a word with
    a range in it ("a2-9tjqk", "a-zäöü") and letters that are only escapes (" \\t")."""
    if text.startswith(("^", "[:")) or not _LETTER.search(_ESCAPE.sub("", text)):
        return False
    if "://" not in text and not any(c.isspace() for c in text) and _ranges(text):
        return False
    return (
        any(c.isspace() for c in text)
        or text.rstrip().endswith((".", "。"))
        or _WORD.search(text) is not None
        or "://" in text
    )


def _ranges(text: str) -> bool:
    """Whether ``text`` holds a character class's range: two characters of one kind in order,
    "2-9" or "a-z", the first opening the text or following a character of another kind."""
    return any(m.group()[0] <= m.group()[2] for m in _RANGE.finditer(text))
