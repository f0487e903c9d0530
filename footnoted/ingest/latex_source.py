"""LaTeX source as the LaTeX reader scans it: comments, verbatim text and escaped characters masked,
braces matched, a command's arguments found, and a stretch of LaTeX as the plain text it prints.

The masked text is as long as the source, so an offset in one is the same offset in the other:
what a scan of the masked text finds is a span of the source as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from footnoted.types import Span

HIDDEN = "\x00"
"""What the masked text holds in place of a comment's, a verbatim text's or an escaped character's
characters: no brace, no backslash, no white space (a comment's line is not a blank line)."""

# Environments whose content LaTeX reads as it is written (no command, no brace, no comment in it),
# and ``comment`` (the comment package), whose content is not printed.
VERBATIM_ENVIRONMENTS = frozenset(
    "verbatim verbatim* Verbatim Verbatim* BVerbatim LVerbatim lstlisting minted comment filecontents"
    " filecontents* alltt".split()
)
_LEX = re.compile(
    r"\\(?:begin[ \t]*\{(?P<env>[A-Za-z]+\*?)\}|(?P<verb>verb|lstinline)\*?(?P<delim>[^A-Za-z\s*{\[])"
    r"|[A-Za-z@]+|(?P<symbol>[\s\S]))|(?P<comment>%)"
)
_ENDS = {env: re.compile(rf"\\end[ \t]*\{{{re.escape(env)}\}}") for env in VERBATIM_ENVIRONMENTS}


@dataclass(slots=True)
class Masked:
    """A LaTeX source with what no command can be in hidden (``HIDDEN``), and where that was."""

    text: str
    comments: list[Span] = field(default_factory=list)
    """Each comment, from its ``%`` to the end of its line."""
    verbatim: dict[int, tuple[str, Span, int]] = field(default_factory=dict)
    """Where each verbatim environment's ``\\begin`` starts: its name, its content, and where its
    ``\\end{...}`` ends."""


def mask(source: str) -> Masked:
    """The source with comments, verbatim content and escaped characters (``\\%``, ``\\{``,
    ``\\\\``) hidden, in one pass from the start, as TeX reads it."""
    chars = list(source)
    out = Masked("")
    pos = 0
    while (m := _LEX.search(source, pos)) is not None:
        pos = m.end()
        if m.group("comment") is not None:
            eol = source.find("\n", m.start())
            eol = len(source) if eol == -1 else eol
            out.comments.append(Span(m.start(), eol))
            chars[m.start() : eol] = HIDDEN * (eol - m.start())
            pos = eol
        elif (env := m.group("env")) is not None and env in VERBATIM_ENVIRONMENTS:
            end = _ENDS[env].search(source, m.end())
            stop, after = (end.start(), end.end()) if end else (len(source), len(source))
            out.verbatim[m.start()] = (env, Span(m.end(), stop), after)
            chars[m.end() : stop] = [c if c == "\n" else HIDDEN for c in source[m.end() : stop]]
            pos = after
        elif m.group("verb") is not None:
            close = source.find(m.group("delim"), m.end())
            eol = source.find("\n", m.end())
            if close != -1 and (eol == -1 or close < eol):
                chars[m.end() : close] = HIDDEN * (close - m.end())
                pos = close + 1
        elif (symbol := m.group("symbol")) is not None and symbol not in "\n[]()":
            chars[m.start() + 1] = HIDDEN  # \[ and \] stay: they open and close display math
    out.text = "".join(chars)
    return out


def closing_brace(masked: str, opening: int, end: int) -> int:
    """Where the brace opening at ``opening`` closes (braces nest), else -1 before ``end``."""
    close = _pairs(masked).get(opening, -1)
    return close if close < end else -1


@lru_cache(maxsize=4)
def _pairs(masked: str) -> dict[int, int]:
    """Each brace of ``masked`` that is closed, and where: found in one pass, since a scan from
    each brace would take minutes on a file of many unclosed ones."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACE.finditer(masked):
        if m.group() == "{":
            stack.append(m.start())
        elif stack:
            pairs[stack.pop()] = m.start()
    return pairs


_BRACE = re.compile(r"[{}]")
_SPACE = re.compile(r"[ \t]*(?:\n[ \t]*)?")
_CONTROL = re.compile(r"\\(?:[A-Za-z@]+|.)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Arguments:
    """A command's arguments: the content of each optional ``[...]`` and mandatory ``{...}`` one
    (a mandatory one that is a single token unbraced, ``\\newcommand\\x``, is that token), and
    where the last ends."""

    optional: tuple[Span, ...]
    mandatory: tuple[Span, ...]
    end: int


def arguments(masked: str, pos: int, mandatory: int, end: int, *, optional: bool = True) -> Arguments | None:
    """The arguments of the command whose name ends at ``pos``: any optional ones, then
    ``mandatory`` mandatory ones, each after white space that holds no blank line. None when one
    is missing or not closed before ``end``; a command with none ends at ``pos``."""
    opt: list[Span] = []
    man: list[Span] = []
    at = pos
    while True:
        space = _SPACE.match(masked, at, end)
        look = space.end() if space else at
        if look >= end:
            break
        char = masked[look]
        if optional and not man and char == "[":
            close = _bracket(masked, look, end)
            if close == -1:
                return None
            opt.append(Span(look + 1, close))
            at = close + 1
            continue
        if len(man) >= mandatory:
            break
        if char == "{":
            close = closing_brace(masked, look, end)
            if close == -1:
                return None
            man.append(Span(look + 1, close))
            at = close + 1
        elif char not in "}[]" and not char.isspace() and char != HIDDEN:
            token = _CONTROL.match(masked, look)
            stop = token.end() if token else look + 1
            man.append(Span(look, stop))
            at = stop
        else:
            break
    if len(man) < mandatory:
        return None
    return Arguments(tuple(opt), tuple(man), at)


def _bracket(masked: str, opening: int, end: int) -> int:
    """Where the ``[`` at ``opening`` closes: the first ``]`` outside braces, else -1."""
    depth = 0
    for pos in range(opening + 1, min(end, opening + 2000)):
        char = masked[pos]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return -1
        elif char == "]" and depth == 0:
            return pos
        elif char == "\n" and masked.startswith("\n", pos + 1):
            return -1
    return -1


# Accents written as commands (\'e, \"{o}, \c{c}) and the combining marks they put on a letter.
_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
_ACCENT = re.compile(
    r"\\(?P<accent>['`^\"~=.]|[uvHckr](?![A-Za-z]))\s*(?:\{\s*(?P<braced>\\?[A-Za-z])\s*\}|(?P<bare>[A-Za-z]))"
)
_NAMED = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2e",
    "TeX": "TeX",
    "ldots": "…",
    "dots": "…",
    "textendash": "–",
    "textemdash": "—",
    "S": "§",
    "P": "¶",
    "copyright": "©",
    "pounds": "£",
    "euro": "€",
}
# Commands whose arguments print nothing in a title: a note, a label, a link's target.
_SILENT = re.compile(r"\\(?:thanks|footnote|label|index|protect|href(?=\s*\{[^}]*\}))\b\*?")
_DROP_FIRST = frozenset({"thanks", "footnote", "label", "index", "hspace", "vspace", "href"})


def plain(latex: str) -> str:
    """A stretch of LaTeX (a title, an author's name) as the text it prints, on one line: commands
    dropped and their arguments kept, a note, a label or a line break's length left out, accents
    put on their letters, ``~`` and ``\\\\`` a space, ``--`` a dash."""
    masked = mask(latex).text
    pieces: list[str] = []
    pos = 0
    while pos < len(latex):
        char = masked[pos]
        if char == HIDDEN:
            original = latex[pos]
            if latex[pos - 1 : pos] == "\\" and original in "{}%$&#_":
                pieces.append(original)
            elif latex[pos - 1 : pos] == "\\" and original == "\\":
                pieces.append(" ")
            pos += 1
            continue
        if char == "\\":
            accent = _ACCENT.match(latex, pos)
            if accent is not None:
                letter = (accent.group("braced") or accent.group("bare")).lstrip("\\")
                pieces.append(unicodedata.normalize("NFC", letter + _ACCENTS[accent.group("accent")]))
                pos = accent.end()
                continue
            if masked[pos + 1 : pos + 2] == HIDDEN:  # an escaped character (\\%, \\&): read next
                pos += 1
                continue
            control = _CONTROL.match(masked, pos)
            name = control.group()[1:] if control else ""
            pos = control.end() if control else pos + 1
            if name in _DROP_FIRST:
                args = arguments(masked, pos, 1, len(masked))
                if args is not None:
                    pos = args.end
                continue
            if name in _NAMED:
                pieces.append(_NAMED[name])
            elif name in ("\\", "newline", "and", "quad", "qquad", ",", " "):
                pieces.append(" ")
            continue
        if char in "{}$":
            pos += 1
            continue
        pieces.append("\u00a0" if char == "~" else char)
        pos += 1
    text = "".join(pieces).replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    return " ".join(text.replace("\u00a0", " ").split())
