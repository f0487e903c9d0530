"""Structure of a Markdown document; the source text is the Markdown itself."""

from __future__ import annotations

import re

from footnoted.ingest.layout import Para, paragraphs, split_items, trim
from footnoted.ingest.text import FURNITURE, Layout
from footnoted.types import Block, BlockKind

_ATX = re.compile(r"(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.MULTILINE)
_YAML = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_YAML_TITLE = re.compile(r"^title:[ \t]*(?P<title>.+?)[ \t]*$", re.MULTILINE)
_YAML_DATE = re.compile(r"^date:[ \t]*(?P<date>.+?)[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$")
_LINK_ONLY = re.compile(r"^(?:[-*+][ \t]+)?\[[^\]]+\]\([^)]*\)[ \t]*$")
# A link reference definition, "[0]: http://www.scons.org/" with an optional title: where a
# "[scons][0]" link goes, not a note ("[^1]: ..." is).
_LINK_DEFINITION = re.compile(
    r"^[ ]{0,3}\[(?!\^)[^\]]+\]:[ \t]*(?:<[^>]*>|\S+)(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$"
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


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
