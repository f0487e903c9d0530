"""Rich Text Format (.rtf): its body, footnotes and endnotes, as one HTML page.

An RTF file is a tree of groups (``{...}``) of control words and text. A note is a destination
group, ``{\\footnote ...}`` (``{\\*\\footnote ...}`` as LibreOffice writes it), placed where its
reference stands; ``\\chftn`` is its automatic number, in the text and again at the head of the
note, and ``\\ftnalt`` makes it an endnote; a note with a mark of its own ("*") has that mark
raised before it instead. Word and LibreOffice write them so. The page written
here marks each reference as an exporter does (``<a href="#fn1" role="doc-noteref"><sup>1</sup>
</a>``) and lists the notes at the end (``<li id="fn1">``), so the HTML reader links them exactly.
Paragraphs with an outline level (``\\outlinelevel0``) or in a style named "heading N" become
headings; one in the Title style gives the title unless the ``\\info`` group states one, and so,
where no paragraph is in that style, does an opening paragraph set as a title: centred and larger
than the text (pandoc writes its title block so, with no style sheet and no ``\\info``).
Destinations that hold no text of the document (fonts, colours, styles, pictures, fields'
instructions, bookmarks, headers and footers) are skipped, and so are hidden text and tracked
deletions, a note in them too; a field's result is kept, and a text box's text (``\\shptxt``)
follows the paragraph it is anchored in. Characters come from ``\\uN`` (with its fallback skipped,
``\\ucN``) or from runs of ``\\'hh`` in the file's code page (``\\ansicpg``, Windows-1252 when
not given or unknown), a double-byte code page's pairs read as one character.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass, field

from footnoted.errors import IngestError
from footnoted.ingest.labels import lettered, roman
from footnoted.ingest.package import PackageHtml

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|((?:\\'[0-9a-fA-F]{2})+)|\\([^a-zA-Z'])|([{}])|([^\\{}\r\n]+)|[\r\n]+|(\\)$"
)
# Destinations that hold no text of the document.
_SKIP = frozenset(
    b"fonttbl colortbl stylesheet listtable listoverridetable revtbl rsidtbl generator xmlnstbl "
    b"themedata colorschememapping latentstyles datastore pict object fldinst header headerl headerr "
    b"headerf footer footerl footerr footerf listtext pntext pntxta pntxtb bkmkstart bkmkend "
    b"ftnsep ftnsepc ftncn aftnsep aftnsepc aftncn private mmathPr wgrffmtfilter pgdsctbl "
    b"shppict nonshppict blipuid picprop shprslt sp sn sv userprops docvar operator".split()
)
_INFO = {b"title": "title", b"author": "author", b"subject": "subject"}
# Control symbols and words that stand for a character.
_CHARACTERS = {
    b"~": "\u00a0",
    b"_": "\u2011",
    b"-": "",
    b"emdash": "\u2014",
    b"endash": "\u2013",
    b"lquote": "\u2018",
    b"rquote": "\u2019",
    b"ldblquote": "\u201c",
    b"rdblquote": "\u201d",
    b"bullet": "\u2022",
    b"tab": "\t",
    b"emspace": "\u2003",
    b"enspace": "\u2002",
}
_NUMBERING = {
    prefix + b"ftnn" + style: (kind, style.decode())
    for prefix, kind in ((b"", "foot"), (b"a", "end"))
    for style in (b"ar", b"alc", b"auc", b"rlc", b"ruc")
}
_MAX_DEPTH = 10_000
_TEXT_SIZE = 24
"""The type size RTF sets when none is given (``\\fs24``, 12 points), and ``\\plain`` sets again."""
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class _State:
    """What a group inherits and may change: where its text goes, and how characters are read."""

    skip: bool = False
    note: int = -1
    """The note this text belongs to (-1: the body)."""
    info: str = ""
    """The ``\\info`` field this text belongs to ("title", "author"), if any."""
    unicode_skip: int = 1
    outline: int = -1
    raised: bool = False
    """Superscript (``\\super``, ``\\up``): where a note's own mark is set."""
    hidden: bool = False
    """Hidden text (``\\v``) or a tracked deletion (``\\deleted``): not what a reader sees."""
    style: int = 0
    """The paragraph style (``\\sN``); in the style sheet, the style this group defines (-1: none)."""
    sheet: bool = False
    box: bool = False
    """In a text box (``\\shptxt``): its paragraphs follow the paragraph it is anchored in."""
    ansi_half: bool = False
    """In ``\\upr``, outside its ``\\ud``: the ANSI copy of what ``\\ud`` gives in Unicode."""
    centred: bool = False
    """The paragraph is centred (``\\qc``)."""
    size: int = _TEXT_SIZE
    """The type size in half-points (``\\fsN``)."""


@dataclass
class _Paragraph:
    level: int = -1
    parts: list[str | int] = field(default_factory=list)
    """Its HTML, and the index of each note referenced in it (labelled once all are known)."""
    title: bool = False
    """In the style named Title."""
    centred: bool = False
    size: int = _TEXT_SIZE
    """How its first text is set: centred or not, and its type size."""


_HEADING_STYLE = re.compile(r"heading ([1-9])$")


class _Writer:
    """Collects the body's paragraphs and the notes' while the file is walked."""

    def __init__(self) -> None:
        self.body: list[_Paragraph] = [_Paragraph()]
        self.notes: list[list[_Paragraph]] = []
        self.info: dict[str, list[str]] = {}
        self.marked = 0
        """How many notes the body has marked so far (``\\chftn`` in the text)."""
        self.styles: dict[int, list[str]] = {}
        """The style sheet: each paragraph style's name (its text, up to ``;``)."""
        self.endnotes: set[int] = set()
        """The notes marked ``\\ftnalt``: endnotes, numbered apart from the footnotes."""
        self.marks: dict[int, str] = {}
        """The notes with a mark of their own ("*", "†") instead of a number: their mark."""
        self.raised: tuple[_Paragraph, int] | None = None
        """Where the raised text that ends the body so far begins (a note's mark, if one follows)."""
        self.numbering = {"foot": "ar", "end": "ar"}
        """How footnotes and endnotes are numbered (``\\ftnnrlc``: i, ii, iii; ``\\aftnnar``: 1, 2, 3)."""
        self.first = {"foot": 1, "end": 1}
        """The number each series starts at (``\\ftnstart5``, ``\\aftnstart3``)."""
        self.boxes: list[_Paragraph] = []
        """The paragraphs of the text boxes met in the body's paragraph so far."""

    def style(self, number: int) -> str:
        return "".join(self.styles.get(number, ())).split(";")[0].strip().lower()

    def text(self, state: _State, s: str) -> None:
        if state.sheet and state.style >= 0:
            self.styles.setdefault(state.style, []).append(s)
            return
        if state.skip or state.hidden or not s:
            return
        if state.info:
            self.info.setdefault(state.info, []).append(s)
            return
        paragraphs = self.paragraphs(state)
        paragraph = paragraphs[-1]
        if state.note >= 0 and state.raised and state.note in self.marks and not any(p.parts for p in paragraphs):
            return  # the note's own mark at its head: its list item says it
        if state.note < 0:
            if not state.raised:
                self.raised = None
            elif self.raised is None or self.raised[0] is not paragraph:
                self.raised = (paragraph, len(paragraph.parts))
        if state.note < 0 and not paragraph.parts:  # its first text: what kind of paragraph it is
            style = self.style(state.style)
            heading = _HEADING_STYLE.match(style)
            paragraph.title = style == "title"
            paragraph.centred, paragraph.size = state.centred, state.size
            if state.outline >= 0:
                paragraph.level = state.outline
            elif heading is not None:
                paragraph.level = int(heading.group(1)) - 1
            elif paragraph.title:
                paragraph.level = 0
        paragraph.parts.append(html.escape(s, quote=False))

    def paragraphs(self, state: _State) -> list[_Paragraph]:
        """The paragraphs that ``state``'s text goes to: a note's, a text box's or the body's."""
        if state.note >= 0:
            return self.notes[state.note]
        if state.box:
            if not self.boxes:
                self.boxes.append(_Paragraph())
            return self.boxes
        return self.body

    def paragraph(self, state: _State) -> None:
        if state.skip or state.info:
            return
        paragraphs = self.paragraphs(state)
        if paragraphs is self.body:
            self.end_boxes()
        paragraphs.append(_Paragraph())  # its level is its first text's (``\pard`` comes after ``\par``)

    def end_boxes(self) -> None:
        """The text boxes anchored in the body's last paragraph, as paragraphs after it."""
        self.body.extend(self.boxes)
        self.boxes = []

    def marker(self, state: _State) -> None:
        """The reference to the next note (its automatic number), in the body."""
        if state.skip or state.info or state.note >= 0 or state.hidden:
            return  # in a note, its own number heads it: the list item says it; a hidden one is none
        self.body[-1].parts.append(self.marked)
        self.marked += 1

    def open_note(self) -> int:
        self.notes.append([_Paragraph()])
        n = len(self.notes)
        if self.marked < n:  # a note without an automatic number in the text: its reference is here
            paragraph = self.body[-1]
            if self.raised is not None and self.raised[0] is paragraph:
                # Raised text just before it is its own mark ("*", "†"): the reference, so labelled.
                start = self.raised[1]
                mark = html.unescape("".join(p for p in paragraph.parts[start:] if isinstance(p, str))).strip()
                if mark and len(mark) <= 4 and not any(isinstance(p, int) for p in paragraph.parts[start:]):
                    del paragraph.parts[start:]
                    self.marks[n - 1] = mark
            paragraph.parts.append(n - 1)
            self.marked = n
        self.raised = None
        return n - 1

    def labels(self) -> list[str]:
        """Each note's label: footnotes and endnotes counted apart, each in its numbering."""
        counts = {"foot": 0, "end": 0}
        out = []
        for i in range(len(self.notes)):
            if i in self.marks:
                out.append(self.marks[i])  # a mark of its own is not counted, as Word does not
                continue
            kind = "end" if i in self.endnotes else "foot"
            counts[kind] += 1
            out.append(_number(counts[kind] + self.first[kind] - 1, self.numbering[kind]))
        return out

    def title(self) -> str:
        """The text of the first paragraph in the Title style, if any."""
        return next((text for p in self.body if p.title and (text := _text(p))), "")

    def mark_title(self) -> None:
        """With no paragraph in the Title style, an opening paragraph set as a title is taken for one
        (and becomes a heading, as one in that style does): centred, larger than the text, and as
        large as the first heading, so that a centred line of bold text ("DRAFT") is not one."""
        written = [p for p in self.body if _text(p)]
        if not written or any(p.title for p in written):
            return
        first = written[0]
        headings = [p.size for p in written if p.level >= 0]
        sizes = [p.size for p in written[1:] if p.level < 0]
        text = max(set(sizes), key=sizes.count) if sizes else _TEXT_SIZE  # the size most paragraphs have
        if first.level < 0 and first.centred and first.size > text and first.size >= (headings or [0])[0]:
            first.title, first.level = True, 0

    def page(self) -> str:
        self.end_boxes()
        labels = self.labels()

        def html_of(p: _Paragraph) -> str:
            return "".join(
                part
                if isinstance(part, str)
                else f'<a href="#fn{part + 1}" id="fnref{part + 1}" role="doc-noteref"><sup>{labels[part]}</sup></a>'
                for part in p.parts
                if isinstance(part, str) or part < len(labels)  # a reference to no note: left out
            )

        out = ["<html><body><article>"]
        for p in self.body:
            text = html_of(p).strip()
            if text:
                tag = f"h{min(p.level + 1, 6)}" if p.level >= 0 else "p"
                out.append(f"<{tag}>{text}</{tag}>")
        if self.notes:
            out.append('<section class="footnotes" role="doc-endnotes"><ol>')
            # The footnotes, then the endnotes: each series in its own order, as a reader meets them
            # (an "Ibid." among endnotes names the endnote before it).
            for i in sorted(range(len(self.notes)), key=lambda i: (i in self.endnotes, i)):
                body = "".join(f"<p>{t}</p>" for p in self.notes[i] if (t := html_of(p).strip()))
                out.append(f'<li id="fn{i + 1}" role="doc-endnote">{body}</li>')
            out.append("</ol></section>")
        out.append("</article></body></html>")
        return "\n".join(out)


def read_rtf(data: bytes, name: str) -> PackageHtml:
    """The HTML of an .rtf file, with its notes linked, and the title and author it states.

    Raises:
        IngestError: the file is not RTF, or its groups do not close.
    """
    if not data.lstrip().startswith(b"{\\rtf"):
        raise IngestError(f"{name}: not an RTF file (it does not begin with {{\\rtf)")
    writer = _Writer()
    codepage = "cp1252"
    stack: list[_State] = []
    state = _State()
    pending_star = False
    skip_chars = 0
    pos, size = 0, len(data)
    while pos < size:
        match = _TOKEN.match(data, pos)
        if match is None:  # a lone byte the pattern does not take: text
            writer.text(state, data[pos : pos + 1].decode(codepage, "replace"))
            pos += 1
            continue
        pos = match.end()
        word, arg, escapes, symbol, brace, text, _ = match.groups()
        if brace == b"{":
            if len(stack) >= _MAX_DEPTH:
                raise IngestError(f"{name}: groups nest deeper than {_MAX_DEPTH}")
            stack.append(state)
            state = copy.copy(state)  # a group inherits all of its parent's state
            pending_star = False
        elif brace == b"}":
            if not stack:
                break  # the closing brace of the document (anything after it is ignored)
            state = stack.pop()
            skip_chars = 0
        elif word is not None:
            skip_chars = 0
            if pending_star and word not in (b"footnote", b"shpinst"):
                state.skip = True  # an optional destination this reader does not know: not text
            pending_star = False
            if word == b"ansicpg" and arg:
                codepage = _codepage(int(arg))
            elif word == b"stylesheet":
                state.skip, state.sheet, state.style = True, True, -1
            elif word == b"s" and arg is not None:
                state.style = int(arg)  # in the style sheet: the style this group defines
            elif word in _SKIP:
                state.skip = True
            elif word == b"info":
                state.skip = True  # but for the fields read below
            elif word == b"upr":
                state.ansi_half = True  # {\upr{\title Luanda ?}{\*\ud{\title \u1051?...}}}: one title
            elif word == b"ud":
                state.ansi_half = False
            elif word in _INFO and stack and stack[-1].skip and not state.ansi_half:
                state.skip, state.info = False, _INFO[word]
            elif word == b"footnote":
                if state.hidden:
                    state.skip = True  # a hidden or deleted note, whose \plain would not show it
                elif not state.skip:
                    state.note = writer.open_note()
                state.outline = -1
            elif word == b"chftn":
                writer.marker(state)
            elif word == b"ftnalt" and state.note >= 0:
                writer.endnotes.add(state.note)
            elif word in _NUMBERING:
                writer.numbering[_NUMBERING[word][0]] = _NUMBERING[word][1]
            elif word in (b"ftnstart", b"aftnstart") and arg is not None:
                writer.first["end" if word == b"aftnstart" else "foot"] = max(1, int(arg))
            elif word == b"shptxt":
                state.box = True
            elif word in (b"par", b"sect", b"page", b"row"):
                writer.paragraph(state)
            elif word in (b"line", b"cell"):
                writer.text(state, " ")
            elif word == b"pard":
                state.outline, state.style, state.centred = -1, 0, False
            elif word in (b"qc", b"ql", b"qr", b"qj", b"qd"):
                state.centred = word == b"qc"
            elif word == b"fs" and arg is not None:
                state.size = int(arg)
            elif word in (b"v", b"deleted"):
                state.hidden = arg is None or int(arg) != 0
            elif word in (b"super", b"up"):
                state.raised = arg is None or int(arg) > 0
            elif word in (b"nosupersub", b"sub", b"dn"):
                state.raised = False
            elif word == b"plain":
                state.hidden = state.raised = False
                state.size = _TEXT_SIZE
            elif word == b"outlinelevel" and arg is not None:
                state.outline = int(arg) if 0 <= int(arg) < 9 else -1
            elif word == b"uc" and arg is not None:
                state.unicode_skip = max(0, int(arg))
            elif word == b"u" and arg is not None:
                code = int(arg)
                writer.text(state, chr(code % 65536) if code % 65536 else "")  # pairs joined below
                skip_chars = state.unicode_skip
            elif word == b"bin" and arg is not None:
                pos += max(0, int(arg))  # binary data: skipped whole
            elif word in _CHARACTERS:
                writer.text(state, _CHARACTERS[word])
        elif escapes is not None:
            # A run of \\'hh decoded together: a double-byte code page's pairs make one character.
            # The fallback of a \\uN counts each escape as one character.
            raw = bytes.fromhex(escapes.replace(b"\\'", b"").decode())
            dropped = min(skip_chars, len(raw))
            skip_chars -= dropped
            writer.text(state, raw[dropped:].decode(codepage, "replace"))
        elif symbol is not None:
            if symbol == b"*":
                pending_star = True
            elif symbol in (b"\\", b"{", b"}"):
                writer.text(state, symbol.decode())
            elif symbol in _CHARACTERS:
                writer.text(state, _CHARACTERS[symbol])
            skip_chars = 0
        elif text is not None:
            if skip_chars:
                dropped = min(skip_chars, len(text))
                skip_chars -= dropped
                text = text[dropped:]
            writer.text(state, text.decode(codepage, "replace"))
    if stack:
        raise IngestError(f"{name}: the RTF ends inside {len(stack)} unclosed group(s): the file is cut short")
    info = {k: _whole("".join(v)).strip() for k, v in writer.info.items()}
    facts = {k: v for k, v in info.items() if k != "title" and v}
    writer.mark_title()
    return PackageHtml(_whole(writer.page()), info.get("title") or _whole(writer.title()), facts)


def _text(p: _Paragraph) -> str:
    """A paragraph's text, without its note references."""
    return html.unescape("".join(part for part in p.parts if isinstance(part, str))).strip()


def _whole(text: str) -> str:
    """Characters beyond the BMP come as two ``\\uN``, a surrogate pair: joined here (a lone one
    becomes U+FFFD)."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _number(n: int, style: str) -> str:
    """``n`` as RTF numbers notes: ``ar`` 1, 2, 3; ``alc`` a, b, ... z, aa; ``rlc`` i, ii, iii; the
    upper-case forms ``auc`` and ``ruc``."""
    if style in ("alc", "auc"):
        text = lettered(n)
    elif style in ("rlc", "ruc"):
        text = roman(n)
    else:
        return str(n)
    return text.upper() if style.endswith("uc") else text


def _codepage(number: int) -> str:
    name = f"cp{number}"
    try:
        "".encode(name)
    except LookupError:
        return "cp1252"
    return name
