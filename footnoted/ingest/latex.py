"""Structure of a LaTeX document; the source text is the LaTeX itself.

The body is what lies between ``\\begin{document}`` and ``\\end{document}`` (the whole file when
there is none, as in a chapter ``\\include``d by another); the preamble is furniture, and gives the
title, the authors (``\\author``, split on ``\\and``) and the date (not ``\\today``). A sectioning
command (``\\part``, ``\\chapter``, ``\\section`` ... ``\\subparagraph``, starred or not, with a
``[short]`` title or none) is a heading whose text is its braces' content, levelled by the order
of the commands the document uses. Paragraphs end at blank lines; an ``\\item`` (or a
``\\bibitem``) starts a list item. A float (``figure``, ``table``) is furniture but its
``\\caption``; a verbatim environment is one passage of text in which no command is read; math
stays in its paragraph. Comments that hold a word are furniture: they stay in the source and in
no passage. Markup that prints nothing on lines of its own (``\\begin{itemize}``, ``\\label``,
``\\hline``, ``\\newpage``; a command whose arguments hold words, as ``\\addcontentsline``'s
title, is furniture) is a ``markup`` block, which a passage spans as it spans white space: a list
stays with its lead-in, a table's header with its rows.

A note (``latex_notes``) is written where it is cited: ``\\footnote{...}`` or ``\\endnote{...}``
stays inside its paragraph, as Markdown's ``^[...]`` does; its marker is the command through its
opening brace (``\\footnote{``, ``\\footnote[3]{``), its text the braces' content less the white
space at either end. A ``\\footnotemark`` is a marker on its own (with its ``[n]``); a
``\\footnotetext{...}`` standing apart from the text is a note block.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from footnoted.ingest.latex_commands import (
    CAPTIONS,
    CHAPTER_CLASSES,
    ENV_ARGUMENTS,
    FLOATS,
    FURNITURE,
    INLINE,
    KOMA,
    LISTS,
    MARKS,
    MATH,
    NOTES,
    SECTIONING,
    TEXTS,
)
from footnoted.ingest.latex_notes import COUNTERS, Notes
from footnoted.ingest.latex_source import HIDDEN, Arguments, Masked, arguments, closing_brace, mask, plain
from footnoted.ingest.layout import trim
from footnoted.ingest.text import Layout, MarkedText
from footnoted.types import BODY_KINDS, Block, BlockKind, Span

_EVENT = re.compile(r"(?P<blank>\n[ \t]*\n)|\\(?P<cmd>[A-Za-z@]+)(?P<star>\*?)|(?P<dmath>\\\[|\$\$)")
_BEGIN = re.compile(r"\\begin[ \t]*\{document\}")
_END_DOCUMENT = re.compile(r"\\end[ \t]*\{document\}")
_CLASS = re.compile(r"\\documentclass[ \t]*(?:\[[^\]]*\])?[ \t\n]*\{(?P<name>[^}]*)\}")
_STYLE = re.compile(
    r"\\renewcommand[ \t]*\{?\\the(?P<counter>footnote|endnote)\}?[ \t]*\{\\(?P<style>arabic|alph|Alph|roman|Roman|fnsymbol)"
)
_HEADING_STOP = re.compile(r"\\(?:label|footnote|endnote|index|thanks)\b")
_VISIBLE = re.compile(r"\\[A-Za-z@]+\*?|[\x00{}\[\]\s\\$&^_~]")
_WORD = re.compile(r"\w")
_COMMAND = re.compile(r"\\(?P<name>[A-Za-z@]+)\*?")
_PROSE = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")  # two words: text that would print somewhere
_END_ENV = re.compile(r"\\end[ \t]*\{(?P<env>[^{}]*)\}")
_IF = re.compile(r"\\(?:if[A-Za-z@]*|fi)\b")


@dataclass(slots=True)
class _Run:
    """Text being gathered into a block: where it starts, the kind of block, and the furniture met in it."""

    start: int
    kind: BlockKind = "paragraph"
    cuts: list[Span] = field(default_factory=list)


def read_latex(source: str) -> MarkedText:
    """Find the structure, the metadata and the notes of a LaTeX document."""
    reader = _Reader(source)
    begin = _BEGIN.search(reader.masked)
    end = _END_DOCUMENT.search(reader.masked, begin.end()) if begin else None
    body = Span(begin.end() if begin else 0, end.start() if end else len(source))
    if begin:
        reader.furniture(0, begin.end())
    reader.walk(body.start, body.end, _Run(body.start))
    if end:
        reader.furniture(end.start(), len(source))
    reader.level_headings()
    blocks = sorted(reader.blocks, key=lambda b: b.start)
    layout = Layout(blocks=blocks, metadata=reader.metadata())
    layout.title = reader.title()
    first = next((b for b in blocks if b.kind != "furniture"), None)
    if not layout.title and first is not None and first.kind == "heading" and first.level == 1:
        layout.title = plain(source[first.start : first.end])  # as printed, not as written
    # A note cited from a heading's title ("\\section{Colour\\footnote{...}}") is cited from the heading,
    # though its title stops before the note.
    cited = [reader.titles.get(b.start, Span(b.start, b.end)) for b in blocks if b.kind in BODY_KINDS]
    footnotes = reader.notes.footnotes(source, cited)
    warnings = reader.warnings + reader.notes.warnings
    warnings += [f"note {n.label!r} at {n.start} has no marker in the text" for n in footnotes if not n.markers]
    return MarkedText(layout, footnotes, warnings)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        masked: Masked = mask(source)
        self.masked = masked.text
        self.comments = [c for c in masked.comments if _WORD.search(source, c.start, c.end)]
        self.verbatim = masked.verbatim
        self.blocks: list[Block] = []
        self.heads: list[tuple[int, str]] = []  # (index in blocks, command) of each heading
        self.titles: dict[int, Span] = {}  # each heading's whole title (its braces' content), by its start
        self.warnings: list[str] = []
        found = _CLASS.search(self.masked)
        chapters = found is not None and found.group("name").strip() in CHAPTER_CLASSES
        self.notes = Notes(per_chapter=chapters)
        self.styles = [(m.start(), m.group("counter"), m.group("style")) for m in _STYLE.finditer(self.masked)]
        self.floats = 0  # inside a float: all but its captions is furniture
        self.lists: list[str] = []  # the environments open, innermost last
        self.note_texts: list[Span] = []  # the braces' content of each note read
        self._text_seen = (-1, -1)  # (start, end): where ``_text_between`` last found text
        self.ends: dict[str, list[Span]] = {}  # each environment's \end{...}s, in order
        for m in _END_ENV.finditer(self.masked):
            self.ends.setdefault(m.group("env"), []).append(Span(m.start(), m.end()))

    # -- blocks ---------------------------------------------------------------------------------

    def furniture(self, start: int, end: int) -> None:
        start, end = trim(self.source, start, end)
        if start < end:
            self.blocks.append(Block("furniture", start, end))

    def markup(self, start: int, end: int) -> None:
        """Source that prints nothing (``\\begin{itemize}``, ``\\label{...}``): a passage spans it."""
        start, end = trim(self.source, start, end)
        if start < end:
            self.blocks.append(Block("markup", start, end))

    def text(self, kind: BlockKind, start: int, end: int) -> None:
        start, end = trim(self.source, start, end)
        if start >= end:
            return
        visible = _VISIBLE.sub("", self.masked[start:end])
        if not any(c.isalnum() for c in visible):
            self.blocks.append(Block("markup", start, end))
        elif self.floats:
            self.blocks.append(Block("furniture", start, end))
        else:
            self.blocks.append(Block(kind, start, end))

    def flush(self, run: _Run, end: int) -> None:
        """The run's text up to ``end`` as blocks: furniture standing on lines of its own (and
        comments with a word) cut out of it."""
        cuts = [c for c in run.cuts if c.start >= run.start and c.end <= end]
        first = bisect_left(self.comments, run.start, key=_start)
        last = bisect_left(self.comments, end, key=_start)
        cuts += [c for c in self.comments[first:last] if not self._in_note(c.start)]
        cuts.sort(key=_start)
        at = run.start
        shown = self._shown(run.start, end, cuts) if cuts else []
        for cut in cuts:
            if cut.start < at or not (self._alone(cut, shown, run.start, end) or self.source[cut.start] == "%"):
                continue
            self.text(run.kind, at, cut.start)
            if self._markup(cut):
                self.markup(cut.start, cut.end)
            else:
                self.furniture(cut.start, cut.end)
            at = cut.end
        self.text(run.kind, at, end)
        run.cuts = []
        run.start = end

    def _markup(self, cut: Span) -> bool:
        """Whether a cut prints nothing a reader would look for: a command whose arguments are names,
        lengths or files (``\\label{sec:data}``, ``\\vspace{1em}``, ``\\hline``), not words (an
        ``\\addcontentsline{toc}{section}{Data and methods}``; a comment; an ``\\iffalse``)."""
        command = _COMMAND.match(self.masked, cut.start)
        if command is None or command.group("name") not in FURNITURE:
            return False
        return _PROSE.search(_COMMAND.sub("", self.masked[command.end() : cut.end])) is None

    def _in_note(self, at: int) -> bool:
        """Whether ``at`` is inside a note's braces (read in source order, none inside another)."""
        i = bisect_right(self.note_texts, at, key=_start) - 1
        return i >= 0 and at < self.note_texts[i].end

    def _shown(self, start: int, end: int, cuts: list[Span]) -> list[int]:
        """How many characters of ``source[start:k]`` are neither white space nor in a cut, for
        each ``k`` from ``start`` to ``end``: one pass, so a line of many cuts is not read again
        for each."""
        covered = [0] * (end - start + 1)
        for cut in cuts:
            covered[max(cut.start, start) - start] += 1
            covered[min(cut.end, end) - start] -= 1
        shown = [0]
        depth = 0
        for k, char in enumerate(self.masked[start:end]):
            depth += covered[k]
            shown.append(shown[-1] + (depth == 0 and char not in " \t\n" + HIDDEN))
        return shown

    def _alone(self, cut: Span, shown: list[int], start: int, end: int) -> bool:
        """Whether ``cut`` has nothing but white space and other cuts around it on its lines
        (``shown`` counts what else there is, as ``_shown`` does)."""
        line_start = max(start, self.source.rfind("\n", start, cut.start) + 1)
        line_end = self.source.find("\n", cut.end, end)
        line_end = end if line_end == -1 else line_end
        spans = ((line_start, cut.start), (min(cut.end, end), line_end))
        return all(shown[b - start] == shown[a - start] for a, b in spans if a < b)

    # -- the walk -------------------------------------------------------------------------------

    def walk(self, start: int, end: int, run: _Run) -> None:
        """Read ``source[start:end]`` into blocks, the run of text open at its start in ``run``."""
        pos = start
        masked = self.masked
        while (m := _EVENT.search(masked, pos, end)) is not None:
            pos = m.end()
            if m.group("blank") is not None:
                self.flush(run, m.start())
                run.start = m.end()
                continue
            if m.group("dmath") is not None:
                close = masked.find("\\]" if m.group() == "\\[" else "$$", m.end(), end)
                pos = end if close == -1 else close + 2
                continue
            name = m.group("cmd")
            if m.start() in self.verbatim:
                # (One that runs past ``end``, begun inside an argument, is left as text.)
                pos = self.verbatim_environment(run, m.start()) if self.verbatim[m.start()][2] <= end else m.end()
            elif name == "begin":
                pos = self.begin(run, m, end)
            elif name == "end":
                pos = self.end(run, m, end)
            elif name in SECTIONING or name in KOMA:
                pos = self.heading(run, m, KOMA.get(name, name), end)
            elif name in ("item", "bibitem") and self.lists:
                self.flush(run, m.start())
                args = arguments(masked, m.end(), 1 if name == "bibitem" else 0, end)
                run.start = m.end() if name == "item" or args is None else args.end
                run.kind = "list_item"
                pos = run.start
            elif name in NOTES or name in MARKS or name in TEXTS:
                pos = self.note(run, m, name, end)
            elif name in CAPTIONS and self.floats:
                pos = self.caption(run, m, end)
            elif name == "iffalse":
                close = self._fi(m.end(), end)
                run.cuts.append(Span(m.start(), close))
                pos = close
            elif name == "def" or name == "gdef":
                brace = masked.find("{", m.end(), end)
                close = closing_brace(masked, brace, end) if brace != -1 else -1
                pos = close + 1 if close != -1 else m.end()
                run.cuts.append(Span(m.start(), pos))
            elif name in FURNITURE:
                args = arguments(masked, m.end(), FURNITURE[name], end)
                pos = args.end if args is not None else m.end()
                if args is not None and name in ("setcounter", "addtocounter", "stepcounter"):
                    self.counter(name, args)
                run.cuts.append(Span(m.start(), pos))
        self.flush(run, end)

    def verbatim_environment(self, run: _Run, at: int) -> int:
        self.flush(run, at)
        env, content, stop = self.verbatim[at]
        self.markup(at, content.start)
        if env in ("comment", "filecontents", "filecontents*"):
            self.furniture(content.start, content.end)
        else:
            start, end = trim(self.source, content.start, content.end)
            if start < end:
                self.blocks.append(Block("furniture" if self.floats else "paragraph", start, end))
        self.markup(content.end, stop)
        run.start = stop
        return stop

    def begin(self, run: _Run, m: re.Match[str], end: int) -> int:
        masked = self.masked
        args = arguments(masked, m.end(), 1, end, optional=False)
        if args is None:
            return m.end()
        env = masked[args.mandatory[0].start : args.mandatory[0].end].strip()
        if env in MATH:
            close = self.env_end(env, args.end, end)
            return close.end if close else args.end
        own = arguments(masked, args.end, ENV_ARGUMENTS.get(env, 0), end)
        after = own.end if own is not None else args.end
        if env in INLINE and self.floats:
            return self.table(run, m.start(), after, env, end)
        if env in INLINE:
            return after
        self.flush(run, m.start())
        self.markup(m.start(), after)
        self.lists.append(env)
        if env in FLOATS:
            self.floats += 1
        elif env == "minipage":
            self.notes.enter_minipage()
        if env in LISTS:
            run.kind = "paragraph"
        run.start = after
        return after

    def end(self, run: _Run, m: re.Match[str], end: int) -> int:
        args = arguments(self.masked, m.end(), 1, end, optional=False)
        if args is None:
            return m.end()
        env = self.masked[args.mandatory[0].start : args.mandatory[0].end].strip()
        if env in INLINE:
            return args.end
        self.flush(run, m.start())
        self.markup(m.start(), args.end)
        if env in self.lists:
            while self.lists:
                closed = self.lists.pop()
                if closed in FLOATS:
                    self.floats -= 1
                elif closed == "minipage":
                    self.notes.leave_minipage()
                if closed == env:
                    break
        run.kind = "list_item" if any(e in LISTS for e in self.lists) else "paragraph"
        run.start = args.end
        return args.end

    def heading(self, run: _Run, m: re.Match[str], name: str, end: int) -> int:
        args = arguments(self.masked, m.end(), 1, end)
        if args is None or not self.source.startswith("{", args.mandatory[0].start - 1):
            return m.end()  # a sectioning command named, not called (``\let\oldsection\section``)
        self.flush(run, m.start())
        content = args.mandatory[0]
        stop = _HEADING_STOP.search(self.masked, content.start, content.end)
        start, stop_at = trim(self.source, content.start, stop.start() if stop else content.end)
        if self.floats or start >= stop_at:
            self.furniture(m.start(), args.end)
        else:
            self.heads.append((len(self.blocks), name))
            self.blocks.append(Block("heading", start, stop_at, 1))
            self.titles[start] = content  # (the heading trimmed from it: it holds the heading)
        if name == "chapter" and not m.group("star"):
            self.notes.chapter()
        self.notes_only(content.start, content.end)
        run.kind = "paragraph"
        run.start = args.end
        return args.end

    def notes_only(self, start: int, end: int) -> None:
        """The notes in a heading's title: numbered and kept, their text no block of its own."""
        pos = start
        while (m := _EVENT.search(self.masked, pos, end)) is not None:
            pos = m.end()
            name = m.group("cmd")
            if name in NOTES or name in MARKS:
                pos = self.note(None, m, name, end)

    def note(self, run: _Run | None, m: re.Match[str], name: str, end: int) -> int:
        masked = self.masked
        kind = NOTES.get(name) or MARKS.get(name) or TEXTS[name]
        args = arguments(masked, m.end(), 0 if name in MARKS else 1, end)
        if args is None:
            self.warnings.append(f"\\{name} at {m.start()} is not closed")
            return m.end()
        explicit = self.source[args.optional[0].start : args.optional[0].end] if args.optional else None
        self.style_at(m.start())
        if name in MARKS:
            self.notes.mark(kind, explicit, Span(m.start(), args.end))
            return args.end
        content = args.mandatory[0]
        self.note_texts.append(content)
        text = Span(*trim(self.source, content.start, content.end))
        if name in NOTES:
            self.notes.note(kind, explicit, Span(m.start(), content.start), text)
            return args.end
        self.notes.text(kind, explicit, text, m.start())
        if run is not None and not self._text_between(run.start, m.start()):
            # A note's text set apart (after its paragraph): a note block, as a definition is.
            self.flush(run, m.start())
            self.furniture(m.start(), content.start)
            if text.start < text.end:
                self.blocks.append(Block("note", text.start, text.end))
            self.furniture(content.end, args.end)
            run.start = args.end
        return args.end

    def table(self, run: _Run, start: int, after: int, env: str, end: int) -> int:
        """A table's cells in a float: text, as a caption is (``\\footnotemark`` is how a note is
        cited from one), the float's furniture around them."""
        close = self.env_end(env, after, end)
        if close is None:
            return after
        self.flush(run, start)
        self.markup(start, after)
        floats, self.floats = self.floats, 0
        self.walk(after, close.start, _Run(after))
        self.floats = floats
        self.markup(close.start, close.end)
        run.start = close.end
        return close.end

    def _text_between(self, start: int, end: int) -> bool:
        """Whether ``source[start:end]`` prints a letter or a figure. Remembered for the latest
        ``start``, since a paragraph of many ``\\footnotetext``s asks again for each."""
        known_start, known_end = self._text_seen
        if known_start == start and known_end <= end:
            return True
        found = any(c.isalnum() for c in _VISIBLE.sub("", self.masked[start:end]))
        if found:
            self._text_seen = (start, end)
        return found

    def caption(self, run: _Run, m: re.Match[str], end: int) -> int:
        args = arguments(self.masked, m.end(), 2 if m.group("cmd") == "captionof" else 1, end)
        if args is None:
            return m.end()
        self.flush(run, m.start())
        content = args.mandatory[-1]
        self.markup(m.start(), content.start)
        floats, self.floats = self.floats, 0
        self.walk(content.start, content.end, _Run(content.start))
        self.floats = floats
        self.markup(content.end, args.end)
        run.start = args.end
        return args.end

    def counter(self, name: str, args: Arguments) -> None:
        spans = args.mandatory
        counter = self.source[spans[0].start : spans[0].end].strip()
        if counter not in COUNTERS:
            return
        if name == "stepcounter":
            self.notes.set(counter, 1, add=True)
            return
        value = self.source[spans[1].start : spans[1].end].strip()
        if re.fullmatch(r"-?\d+", value):
            self.notes.set(counter, int(value), add=name == "addtocounter")

    def style_at(self, at: int) -> None:
        """``\\thefootnote`` as the last ``\\renewcommand`` before ``at`` defines it."""
        for start, counter, style in self.styles:
            if start < at:
                self.notes.styles[counter] = style

    def env_end(self, env: str, start: int, end: int) -> Span | None:
        """The first ``\\end{env}`` from ``start`` that ends by ``end`` (looked up, not searched for:
        a search from each of many unclosed environments would take minutes)."""
        ends = self.ends.get(env, [])
        i = bisect_left(ends, start, key=lambda s: s.start)
        return ends[i] if i < len(ends) and ends[i].end <= end else None

    def _fi(self, start: int, end: int) -> int:
        """Where the ``\\fi`` closing an ``\\iffalse`` ends (conditionals nest), else ``end``."""
        depth = 1
        for m in _IF.finditer(self.masked, start, end):
            depth += -1 if m.group() == "\\fi" else 1
            if depth == 0:
                return m.end()
        return end

    # -- the document ---------------------------------------------------------------------------

    def level_headings(self) -> None:
        """Levels as the order of the sectioning commands used: the highest is 1."""
        used = sorted({name for _, name in self.heads}, key=SECTIONING.index)
        for index, name in self.heads:
            block = self.blocks[index]
            self.blocks[index] = Block("heading", block.start, block.end, used.index(name) + 1)

    def _argument(self, command: str) -> str | None:
        """The first ``\\command{...}``'s argument (outside comments), as written."""
        for m in re.finditer(rf"\\{command}\b\*?", self.masked):
            args = arguments(self.masked, m.end(), 1, len(self.masked))
            if args is not None:
                span = args.mandatory[0]
                return self.source[span.start : span.end]
        return None

    def title(self) -> str:
        found = self._argument("title")
        return plain(found) if found is not None else ""

    def metadata(self) -> dict[str, str]:
        out: dict[str, str] = {}
        author = self._argument("author")
        if author is not None:
            names = [plain(re.split(r"\\\\|\\newline\b", name)[0]) for name in re.split(r"\\and\b", author)]
            if any(names):
                out["author"] = "; ".join(n for n in names if n)
        date = self._argument("date")
        if date is not None and not re.search(r"\\today\b", date) and plain(date):
            out["date"] = plain(date)
        return out


def _start(span: Span) -> int:
    return span.start
