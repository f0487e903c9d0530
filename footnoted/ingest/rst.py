"""Structure of a reStructuredText document; the source text is the reST itself.

Section titles are the lines underlined (or over- and underlined) with punctuation, levelled in
the order their styles are first met, as docutils levels them; the adornments are furniture. An
explicit markup block (``.. ``) is a note (``.. [1]``, ``.. [#]``, ``.. [*]``, ``.. [CIT2002]``),
a directive, a hyperlink target, a substitution definition or a comment, never a heading.
Directives that only place something (``toctree``, ``image``, ``include``, ``index``) are
furniture, as are targets, substitution definitions and comments; an admonition (``note``,
``warning``) is text, and so is code (a ``code-block``, a literal block after ``::``), in whose
text no marker is looked for. A field list before the body (``:Author:``, ``:Date:``) and a PEP's
header give the document's title, author and date.
"""

from __future__ import annotations

import re

from footnoted.ingest.markdown import code_spans
from footnoted.ingest.rst_notes import LABEL, NoteDefinition, link_notes, name_of, references
from footnoted.ingest.text import Layout, MarkedText
from footnoted.types import BODY_KINDS, Block, BlockKind, Span

_PUNCTUATION = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ADORNMENT = re.compile(rf"([{_PUNCTUATION}])\1*[ \t]*$")
_EXPLICIT = re.compile(r"\.\.(?:[ \t]+|$)")
_NOTE = re.compile(rf"\.\.[ \t]+\[(?P<label>{LABEL})\](?:[ \t]+|(?=\n)|\Z)")
_DIRECTIVE = re.compile(r"\.\.[ \t]+(?P<name>(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*)[ ]?::(?:[ \t]+|(?=\n)|\Z)")
_TARGET = re.compile(r"\.\.[ \t]+_(?:`(?P<quoted>[^`]+)`|(?P<name>[^:`]*)):")
_ANONYMOUS = re.compile(r"__(?:[ \t]+|$)")
_BULLET = re.compile(r"[-*+•‣⁃](?:[ \t]+|$)")
_ENUMERATOR = re.compile(
    r"(?:\(?(?:\d+|#|[a-zA-Z]|[ivxlcdm]+|[IVXLCDM]+)\)|(?:\d+|#|[a-zA-Z]|[ivxlcdm]+|[IVXLCDM]+)\.)(?:[ \t]+|$)"
)
_FIELD = re.compile(r":(?P<name>(?:[^:\\]|\\.)+):(?:[ \t]+|$)")
_GRID_TABLE = re.compile(r"\+-[-+]*\+[ \t]*$")
_SIMPLE_TABLE = re.compile(r"=+(?:[ ]+=+)+[ \t]*$")
_PEP_FIELD = re.compile(r"(?P<key>[A-Z][A-Za-z-]*):[ \t]+\S")
_EMAIL = re.compile(r"\s*(?:<[^>]*>|\([^)]*@[^)]*\))")
# Inline markup in a title, as it reads rendered: a role's text (its target's last part after "~"),
# a literal's, a link's, emphasis's; an escaped character itself, an escaped space nothing.
_ROLE = re.compile(r":[\w.:+-]+:`(?P<text>[^`]+)`")
_LITERAL = re.compile(r"``(?P<text>.+?)``")
_LINK = re.compile(r"`(?P<text>[^`]+?)`_{1,2}")
_EMPHASIS = re.compile(r"(?<![\w*])\*{1,2}(?P<text>[^*\s](?:[^*]*[^*\s])?)\*{1,2}(?!\w)")
_ESCAPE = re.compile(r"\\(?P<char>.)", re.DOTALL)

# Directives that place something other than text (a table of contents, a picture, a file),
# whose whole block is furniture; the code ones, whose content is one passage with no markers;
# the rest (admonitions, Sphinx's descriptions, unknown ones) have text: their argument and content.
_PLACING = frozenset(
    "toctree image include contents sectnum section-numbering raw meta index target-notes header footer"
    " role default-role title highlight literalinclude tabularcolumns automodule autoclass autofunction automethod"
    " autodata autoattribute autoexception autosummary autoprogram moduleauthor sectionauthor codeauthor"
    " currentmodule module program default-domain graphviz digraph graph inheritance-diagram bibliography"
    " testsetup testcleanup spelling:word-list".split()
)
_CODE = frozenset(
    "code code-block sourcecode parsed-literal doctest testcode testoutput ipython math productionlist"
    " prompt jupyter-execute".split()
)
_PATH_ARGUMENT = frozenset({"figure", "only", "ifconfig"})
"""Directives whose argument is no text (a path, a condition), their content text."""
# Docinfo fields that say who wrote the document and when; abstract and dedication are text.
_BIBLIOGRAPHIC = frozenset(
    "author authors organization address contact version revision status date copyright title".split()
)
_TEXT_FIELDS = frozenset({"abstract", "dedication"})


def read_rst(source: str) -> MarkedText:
    """Find the structure and the notes of a reStructuredText document."""
    reader = _Reader(source)
    start = reader.pep_header()
    reader.body(start, len(reader.lines), 0, top=True)
    reader.blocks.sort(key=lambda b: b.start)
    layout = Layout(blocks=reader.blocks, metadata=reader.metadata)
    layout.title = reader.title or _first_title(source, reader.blocks) or reader.field_title
    text = [Span(b.start, b.end) for b in reader.blocks if b.kind in BODY_KINDS or b.kind == "note"]
    refs = references(source, text, reader.code + _inline_code(source, text))
    names = reader.names | {name_of(source[b.start : b.end]) for b in reader.blocks if b.kind == "heading"}
    notes, warnings = link_notes(source, reader.notes, refs, names)
    return MarkedText(layout, notes, warnings)


def rst_title(text: str) -> str:
    """A title's text as it reads rendered: ``:mod:`!contextlib` --- the ``with`` statement`` is
    "contextlib --- the with statement"."""
    text = _ROLE.sub(lambda m: _role_text(m.group("text")), text)
    text = _LITERAL.sub(lambda m: m.group("text"), text)
    text = _LINK.sub(lambda m: re.sub(r"\s*<[^>]*>$", "", m.group("text")), text)
    text = _EMPHASIS.sub(lambda m: m.group("text"), text)
    text = _ESCAPE.sub(lambda m: "" if m.group("char").isspace() else m.group("char"), text)
    return " ".join(text.split())


def _role_text(text: str) -> str:
    """What a role shows: "open()" of ":func:`open() <io.open>`", "join" of ":meth:`~str.join`"."""
    shown = re.sub(r"\s*<[^>]*>$", "", text).lstrip("!")
    return shown[1:].rsplit(".", 1)[-1] if shown.startswith("~") else shown


def _first_title(source: str, blocks: list[Block]) -> str:
    top = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    return rst_title(source[top.start : top.end]) if top is not None else ""


def _inline_code(source: str, spans: list[Span]) -> list[Span]:
    """Inline literals and interpreted text (``x``, `x`, :role:`x`) in ``spans``."""
    return [c for span in spans for c in code_spans(source, span.start, span.end)]


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: list[tuple[int, int]] = []
        at = 0
        for line in source.split("\n"):
            self.lines.append((at, at + len(line)))
            at += len(line) + 1
        self.blocks: list[Block] = []
        self.code: list[Span] = []
        self.notes: list[NoteDefinition] = []
        self.names: set[str] = set()
        self.styles: list[tuple[str, bool]] = []
        self.metadata: dict[str, str] = {}
        self.title = ""
        self.field_title = ""

    # Lines

    def text(self, i: int) -> str:
        s, e = self.lines[i]
        return self.source[s:e]

    def blank(self, i: int) -> bool:
        return not self.text(i).strip()

    def indent(self, i: int) -> int:
        line = self.text(i).expandtabs(8)
        return len(line) - len(line.lstrip())

    def stripped(self, i: int) -> str:
        return self.text(i).strip()

    def add(self, kind: BlockKind, start: int, end: int, level: int = 0) -> None:
        """Add a block over ``source[start:end]`` less its white space at either end."""
        while start < end and self.source[start].isspace():
            start += 1
        while end > start and self.source[end - 1].isspace():
            end -= 1
        if start < end:
            self.blocks.append(Block(kind, start, end, level))

    def add_lines(self, kind: BlockKind, lo: int, hi: int) -> None:
        if lo < hi:
            self.add(kind, self.lines[lo][0], self.lines[hi - 1][1])

    def block_end(self, i: int, hi: int, indent: int) -> int:
        """The end of the block opening at line ``i``: its lines set in deeper than ``indent``,
        blank lines among them, up to a line that is not; trailing blank lines left out."""
        j = i + 1
        while j < hi and (self.blank(j) or self.indent(j) > indent):
            j += 1
        while j > i + 1 and self.blank(j - 1):
            j -= 1
        return j

    def paragraph_end(self, i: int, hi: int) -> int:
        """The end of the paragraph opening at line ``i``: up to a blank line or a change of indent."""
        j = i + 1
        while j < hi and not self.blank(j) and self.indent(j) == self.indent(i):
            j += 1
        return j

    # The body

    def body(self, lo: int, hi: int, indent: int, *, top: bool = False) -> None:
        """Read lines ``lo`` to ``hi``, set in ``indent`` or deeper, into blocks."""
        i = lo
        literal = False  # the paragraph before ended with "::": an indented block after it is code
        while i < hi:
            if self.blank(i):
                i += 1
                continue
            at = self.indent(i)
            if at > indent:
                j = i
                while j < hi and (self.blank(j) or self.indent(j) > indent):
                    j += 1
                while self.blank(j - 1):
                    j -= 1
                if literal:
                    self.literal(i, j)
                else:
                    self.body(i, j, min(self.indent(k) for k in range(i, j) if not self.blank(k)))
                i, literal = j, False
                continue
            line = self.stripped(i)
            if literal and _ADORNMENT.match(line) is None and line[0] in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
                j = self.paragraph_end(i, hi)  # a quoted literal block: each line opens with ">" (or so)
                self.literal(i, j)
                i, literal = j, False
                continue
            literal = False
            i, literal = self.element(i, hi, indent, top)

    def element(self, i: int, hi: int, indent: int, top: bool) -> tuple[int, bool]:
        """Read the element that opens at line ``i``; where the next one opens, and whether this one
        ended with "::"."""
        line = self.stripped(i)
        if _EXPLICIT.match(line):
            return self.explicit(i, hi, indent), False
        if top and (end := self.section_title(i, hi)):
            return end, False
        if (_ADORNMENT.match(line) and len(line) >= 4) or _ANONYMOUS.match(line):
            j = self.block_end(i, hi, indent) if _ANONYMOUS.match(line) else i + 1
            self.add_lines("furniture", i, j)  # a transition, or an anonymous target "__ url"
            return j, False
        if _GRID_TABLE.match(line) or _SIMPLE_TABLE.match(line):
            return self.table(i, hi, grid=bool(_GRID_TABLE.match(line))), False
        if line.startswith(">>>"):
            j = self.paragraph_end(i, hi)
            self.literal(i, j)
            return j, False
        if m := _FIELD.match(line):
            return self.field(i, hi, indent, m.group("name")), False
        if _BULLET.match(line) or (_ENUMERATOR.match(line) and self.enumerated(i, hi)):
            return self.item(i, hi, indent)
        return self.paragraph(i, hi, indent)

    def paragraph(self, i: int, hi: int, indent: int) -> tuple[int, bool]:
        j = self.paragraph_end(i, hi)
        if j == i + 1 and j < hi and not self.blank(j) and self.indent(j) > indent:
            return self.item(i, hi, indent)  # a definition list's term, its definition set in below
        self.blocks.extend(self.blocks_of_lines(i, j))
        return j, self.stripped(j - 1).endswith("::")

    def blocks_of_lines(self, i: int, j: int) -> list[Block]:
        """A paragraph (a line block, "| ...", among them); "::" alone is furniture."""
        s, e = self._trimmed(self.lines[i][0], self.lines[j - 1][1])
        return [Block("furniture" if self.source[s:e] == "::" else "paragraph", s, e)]

    def _trimmed(self, s: int, e: int) -> tuple[int, int]:
        while s < e and self.source[s].isspace():
            s += 1
        while e > s and self.source[e - 1].isspace():
            e -= 1
        return s, e

    def literal(self, i: int, j: int) -> None:
        """Lines ``i`` to ``j`` are code: a passage of their own, with no markers."""
        self.add_lines("paragraph", i, j)
        self.code.append(Span(self.lines[i][0], self.lines[j - 1][1]))

    def item(self, i: int, hi: int, indent: int) -> tuple[int, bool]:
        """A list item (a bullet's, a number's, a term's and its definition): its first paragraph
        is the item, the paragraphs set in under it are read as a body of their own."""
        end = self.block_end(i, hi, indent)
        first = i + 1
        while first < end and not self.blank(first):
            first += 1
        self.add_lines("list_item", i, first)
        if first < end:
            column = min(self.indent(k) for k in range(first, end) if not self.blank(k))
            if self.stripped(first - 1).endswith("::") and column > indent:
                self.literal_then_body(first, end, column)
            else:
                self.body(first, end, column)
        return end, False

    def literal_then_body(self, lo: int, hi: int, column: int) -> None:
        """A literal block opening a list item's rest (set in ``column`` or deeper), then its body."""
        j = lo
        while j < hi and (self.blank(j) or self.indent(j) >= column):
            j += 1
        while self.blank(j - 1):
            j -= 1
        start = next(k for k in range(lo, j) if not self.blank(k))
        self.literal(start, j)
        if j < hi:
            self.body(j, hi, min(self.indent(k) for k in range(j, hi) if not self.blank(k)))

    def enumerated(self, i: int, hi: int) -> bool:
        """Whether an enumerator opens a list item: the line after it is blank, set in, or another item."""
        if i + 1 >= hi or self.blank(i + 1) or self.indent(i + 1) > self.indent(i):
            return True
        return bool(_ENUMERATOR.match(self.stripped(i + 1)))

    def table(self, i: int, hi: int, *, grid: bool) -> int:
        """A grid table runs to a blank line; a simple one to a border with a blank line after it."""
        j = i + 1
        if grid:
            while j < hi and not self.blank(j):
                j += 1
        else:
            while j < hi:
                j += 1
                if _SIMPLE_TABLE.match(self.stripped(j - 1)) and (j >= hi or self.blank(j)):
                    break
        self.add_lines("paragraph", i, j)
        return j

    def field(self, i: int, hi: int, indent: int, name: str) -> int:
        """A field (``:Author: Ann Lee``): before the body, the document's facts; else a list item."""
        end = self.block_end(i, hi, indent)
        key = name.lower()
        docinfo = indent == 0 and not any(b.kind not in ("heading", "furniture", "meta") for b in self.blocks)
        docinfo = docinfo and sum(1 for b in self.blocks if b.kind == "heading") <= 2
        if not docinfo:
            self.add_lines("list_item", i, end)
            return end
        s = self.lines[i][0] + len(self.text(i)) - len(self.text(i).lstrip())
        value = " ".join(self.source[s + len(name) + 2 : self.lines[end - 1][1]].split())
        if key in _TEXT_FIELDS:
            self.add_lines("paragraph", i, end)
        elif key in _BIBLIOGRAPHIC or (value and not key.startswith(("og:", "tocdepth", "orphan", "nocomments"))):
            self.add_lines("meta", i, end)
            self.fact(key, value)
        else:
            self.add_lines("furniture", i, end)
        return end

    def fact(self, key: str, value: str) -> None:
        if not value:
            return
        if key in ("author", "authors"):
            names = [_EMAIL.sub("", n).strip() for n in re.split(r"[;,]" if key == "authors" else ";", value)]
            self.metadata.setdefault("author", "; ".join(n for n in names if n))
        elif key == "date":
            self.metadata.setdefault("date", value)
        elif key == "organization":
            self.metadata.setdefault("publisher", value)
        elif key == "title":
            self.field_title = self.field_title or value

    def pep_header(self) -> int:
        """A PEP's header ("PEP: 8", "Title: ...", "Author: ..."), as its own lines of facts; where
        the body starts."""
        first = next((i for i in range(len(self.lines)) if not self.blank(i)), None)
        if first is None or not (m := _PEP_FIELD.match(self.text(first))) or m.group("key") not in ("PEP", "Title"):
            return 0
        fields: list[tuple[int, int]] = []
        i = first
        while i < len(self.lines) and not self.blank(i):
            if _PEP_FIELD.match(self.text(i)):
                fields.append((i, i + 1))
            elif fields and self.indent(i) > 0:
                fields[-1] = (fields[-1][0], i + 1)
            else:
                return 0
            i += 1
        if len(fields) < 2:
            return 0
        for lo, hi in fields:
            key, _, value = " ".join(self.source[self.lines[lo][0] : self.lines[hi - 1][1]].split()).partition(": ")
            # Who wrote it, when and under what title are its title block; its status, type and
            # history are furniture, as a Markdown file's front matter is.
            self.add_lines("meta" if key in ("Title", "Author", "Created") else "furniture", lo, hi)
            if key == "Title":
                self.title = value
            elif key == "Author":
                self.fact("authors", value)
            elif key == "Created":
                self.fact("date", value)
        return i

    # Titles

    def section_title(self, i: int, hi: int) -> int:
        """Where a section title opening at line ``i`` ends (0 when none opens there): its text is
        a heading, its adornment furniture."""
        line = self.stripped(i)
        over = _ADORNMENT.match(self.text(i))
        if over is not None:
            if i + 2 >= hi or self.blank(i + 1) or self.text(i + 2).rstrip() != self.text(i).rstrip():
                return 0
            if _ADORNMENT.match(self.stripped(i + 1)):
                return 0
            self.title_at(i + 1, (line[0], True))
            self.add_lines("furniture", i, i + 1)
            self.add_lines("furniture", i + 2, i + 3)
            return i + 3
        if i + 1 >= hi or self.blank(i + 1) or self.indent(i + 1) != 0:
            return 0
        under = self.stripped(i + 1)
        if not _ADORNMENT.match(self.text(i + 1)) or (len(under) < 4 and len(under) < len(line)):
            return 0
        self.title_at(i, (under[0], False))
        self.add_lines("furniture", i + 1, i + 2)
        return i + 2

    def title_at(self, i: int, style: tuple[str, bool]) -> None:
        if style not in self.styles:
            self.styles.append(style)
        self.add_lines("heading", i, i + 1)
        self.blocks[-1] = Block("heading", self.blocks[-1].start, self.blocks[-1].end, self.styles.index(style) + 1)

    # Explicit markup

    def explicit(self, i: int, hi: int, indent: int) -> int:
        """A note, a directive, a target, a substitution definition or a comment."""
        line = self.text(i)
        at = self.lines[i][0] + len(line) - len(line.lstrip())
        rest = line.strip()
        if rest == ".." and (i + 1 >= hi or self.blank(i + 1)):
            self.add_lines("furniture", i, i + 1)  # an empty comment: it ends what came before
            return i + 1
        end = self.block_end(i, hi, indent)
        block_end = self.lines[end - 1][1]
        if m := _NOTE.match(self.source, at):
            self.note(m, at, i, end)
        elif m := _DIRECTIVE.match(self.source, at):
            self.directive(m, i, end)
        else:
            if m := _TARGET.match(self.source, at):
                self.names.add(name_of(m.group("quoted") or m.group("name") or ""))
            self.add("furniture", at, block_end)  # a target, a substitution definition, a comment
        return end

    def note(self, m: re.Match[str], at: int, i: int, end: int) -> None:
        block_end = self.lines[end - 1][1]
        text_start, text_end = self._trimmed(m.end(), block_end)
        self.add("note", at, block_end)
        if text_start < text_end:
            self.notes.append(NoteDefinition(m.group("label"), text_start, text_end))
        # Code inside a note holds no markers: read its body for that, its blocks aside.
        kept = len(self.blocks)
        if i + 1 < end:
            inner = [k for k in range(i + 1, end) if not self.blank(k)]
            if inner:
                self.body(inner[0], end, min(self.indent(k) for k in inner))
        del self.blocks[kept:]

    def directive(self, m: re.Match[str], i: int, end: int) -> None:
        name = m.group("name").lower()
        kind = name.rsplit(":", 1)[-1]
        block_end = self.lines[end - 1][1]
        if name in _PLACING or kind in _PLACING:
            self.add("furniture", self.lines[i][0], block_end)
            return
        # The argument: from after "::" to a blank line or the options.
        j = i + 1
        while j < end and not self.blank(j) and not _FIELD.match(self.stripped(j)):
            j += 1
        argument = (m.end(), self.lines[j - 1][1])
        self.add("furniture", self.lines[i][0], m.end())
        options = j
        while options < end and not self.blank(options) and _FIELD.match(self.stripped(options)):
            options += 1
        self.add_lines("furniture", j, options)
        content = [k for k in range(options, end) if not self.blank(k)]
        if name in _CODE or kind in _CODE:
            self.add("furniture" if kind != "math" else "paragraph", *argument)
            if content:
                self.literal(content[0], end)
            return
        self.add("furniture" if kind in _PATH_ARGUMENT else "paragraph", *argument)
        if content:
            self.body(content[0], end, min(self.indent(k) for k in content))
