"""PDF files: their text layer, page by page, with the notes at the foot of each page.

PDFium reads each page's characters and pdfminer.six lays them out into lines and boxes
(``pdf_chars``). Where a page's notes are set
smaller than its text, they are told apart by their size (``pdf_notes.py``): a note that runs on
to the next page stays whole, each column's notes are found, and raised figures are markers.
Otherwise the text is read as any text extracted from a PDF is (``pages.py``: a marker glued to
its word, "1961.1", a label to its note, "1Lower Basin ..."). Every page ends with a form feed,
so running heads and page numbers are found either way. The document's source is that text:
spans point into it. Justified lines come out with runs of spaces between words; they are closed
up to one. Soft hyphens and ligatures become the characters a reader would type, and a word
hyphenated at a line's end is made whole (a web address or a path broken at one of its own hyphens
keeps it). A title whose lines pdfminer boxes apart is one paragraph again, and headings take
their levels from the sizes they are set in (``level_headings``).
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import IO

from footnoted.errors import IngestError
from footnoted.ingest import pdf_chars
from footnoted.ingest.pdf_notes import Line, plain_text, rebuild, set_apart_headings, unwrap
from footnoted.ingest.process import python_command
from footnoted.types import Block, Span

# A hyphen comes out of some fonts as a soft hyphen ("paras. 52\xad55"), and ligatures as one
# character ("ﬁeld"): neither would match what a reader types.
_GLYPHS = str.maketrans({"\xad": "-", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_SPACES = re.compile(r"[ \t\xa0]{2,}")
# A word broken at a line's end: its two parts, what is glued to the second ("tions,", "tions.7")
# and the space after it.
_BROKEN = re.compile(r"([^\W\d_]+)[-\xad][ \t]*\n([^\W\d_]+)(\S*)(?:[ \t]+|\n|(?=\f)|$)")
_COMPOUND = re.compile(r"[^\W\d_]+(?:[-\xad][^\W\d_]+)+")
# What marks a web address, a path or a file name in a word: "://", "www.", two slashes, a slash
# beside a dot ("ks.gov/dwr", "docs/report.pdf"), a domain's ending, a backslash, "@", "_", "=",
# "?" or "#". A slash alone ("input/out-\nput") is prose.
_ADDRESS = re.compile(r"://|www\.|/\S*/|\.\w+/|/\S*\.\w|\.(?:com|org|net|gov|edu|int|info)\b|[\\@_=?#]")
_HYPHEN = re.compile(r"[-\xad]")
# A word written with a figure: "CO2", "1990s", "3rd" (not a note's label glued to it, "1Consti-").
_FIGURED = re.compile(r"[^\W\d_]\d|\d[a-z]")
_LINE_END = re.compile(r"[\n\f]")
"""What ends a line of the text: pages end in form feeds, lines in newlines."""
_TRAILING = re.compile(r"[ \t\xa0]+(?=\n|\f|$)")
# A heading's lines: set this much larger than the running text, at most this far apart (bottom to
# bottom, in sizes: Chromium sets a title's lines 1.5 apart, WeasyPrint 1.2; two headings stand
# further apart, by their margins), and at most this long.
_HEADING_SIZE = 1.15
_HEADING_LEADING = 1.75
_HEADING_CHARS = 120
_PARAGRAPH_CHARS = 80
SPLIT_AT = 16
"""Below this many pages a PDF is laid out in one process. From it, this process lays out the first
few pages and times them, and when the rest would take ``SPLIT_FROM_SECONDS`` or more, a second
process lays out their latter part while this one lays out the others (reading a page's
characters and laying them out is most of a PDF's reading time: 8 to 25 ms a page here)."""
SPLIT_FROM_SECONDS = 1.5
"""Starting the second process costs 0.4 to 0.7 s, which this one spends laying out pages."""
_START_SECONDS = 0.5
_PROBE_PAGES = 4
_ALONE: ContextVar[bool] = ContextVar("footnoted_pdf_alone", default=False)


@contextmanager
def in_one_process() -> Iterator[None]:
    """PDFs read in this thread meanwhile are laid out here alone, without a second process (for a
    caller that keeps every core busy already)."""
    token = _ALONE.set(True)
    try:
        yield
    finally:
        _ALONE.reset(token)


# What PDF writers put in the information fields when nobody set them.
_UNSET = re.compile(
    r"^(?:untitled|anonymous|unknown|unspecified|none|n/?a|microsoft (?:word|powerpoint) - .*"
    r"|.*\.(?:docx?|pdf|odt|rtf|indd|tex|html?|qxd)|slide \d+|\W*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PdfText:
    """A PDF's text layer (pages ended by form feeds) and what its information dictionary says."""

    text: str
    pages: int
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    markers: tuple[Span, ...] = ()
    """Raised figures in the text (where notes were told apart by their size): likely markers."""
    warnings: tuple[str, ...] = ()
    heading_sizes: dict[str, tuple[float, ...]] = field(default_factory=dict)
    """For the words of each line set larger than the running text, the size of every line of those
    words in page order, 0.0 where it is no larger (a running head repeating the title); see
    ``level_headings``."""


def read_pdf(data: bytes, name: str) -> PdfText:
    """The text of every page of a PDF, each ended by a form feed.

    Raises:
        IngestError: the file is not a PDF, is damaged or encrypted, or has no text layer
            (a scan: it needs OCR first).
    """
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise IngestError(f"{name}: not a PDF file (it does not start with %PDF-)")
    try:
        info, numbered = _information(data, name)
        laid = _lay_out(data, numbered)
    except IngestError:
        raise
    except Exception as exc:
        # Whatever a damaged file makes PDFium or pdfminer's layout raise (PDFium repairs most).
        raise IngestError(f"{name}: cannot read the PDF, it may be damaged ({type(exc).__name__}: {exc})") from None
    lost = [number for number, page in enumerate(laid, 1) if page is None]
    if laid and len(lost) == len(laid):
        raise IngestError(f"{name}: cannot read the PDF, it may be damaged (none of its pages can be loaded)")
    warnings = (
        (f"page{'s' * (len(lost) > 1)} {_numbers(lost)} could not be read (damaged); the rest was",) if lost else ()
    )
    pages = [page or [] for page in laid]  # a lost page keeps its place: an empty page, its form feed
    count = len(pages) or 1
    set_apart_headings(pages)
    body = _running_size(pages)
    _heading_lines_together(pages, body)
    sizes = _heading_sizes(pages, body)
    rebuilt = rebuild(pages)
    text, markers = unwrap(_normalise(rebuilt if rebuilt is not None else plain_text(pages)))
    if not text.replace("\f", "").strip():
        raise IngestError(
            f"{name}: the PDF has no text layer ({count} page{'s' * (count != 1)} of images, a scan?); "
            "run OCR on it first (e.g. ocrmypdf) and ingest the result"
        )
    title = info.pop("title", "")
    metadata = {"pages": str(count), **info}
    return PdfText(text, count, title, metadata, tuple(markers), warnings, sizes)


def level_headings(source: str, blocks: Sequence[Block], sizes: dict[str, tuple[float, ...]]) -> list[Block]:
    """The headings of a PDF's text ranked by the size they are set in, the largest level 1, so that
    a subsection's path names its section ("Findings › Metering"): the text alone gives them all
    one level. Where all are set in one size they are left as they are; a heading set no larger
    than the running text (bold, say, or a line taken for one) is a level below the rest.

    A heading is known by the words of its first line, and the k-th line of those words in the
    text by the k-th in the pages (``sizes``, from ``PdfText``)."""
    seen: dict[str, int] = {}
    size_at: dict[int, float] = {}  # a line's start -> its size
    at = 0
    for line in _LINE_END.split(source):
        words = " ".join(line.split())
        if words in sizes:
            k = seen[words] = seen.get(words, -1) + 1
            size_at[at] = sizes[words][k] if k < len(sizes[words]) else 0.0
        at += len(line) + 1
    found = {i: size_at.get(b.start, 0.0) for i, b in enumerate(blocks) if b.kind == "heading"}
    ranked = sorted({round(size, 1) for size in found.values() if size}, reverse=True)
    if len(ranked) < 2:
        return list(blocks)
    out = list(blocks)
    for i, size in found.items():
        level = ranked.index(round(size, 1)) + 1 if size else len(ranked) + 1
        out[i] = dataclasses.replace(blocks[i], level=level)
    return out


def _running_size(pages: list[list[Line]]) -> float:
    """The running text's size, as ``set_apart_headings`` finds it: the largest that sets a good
    share of the characters (notes set smaller may set more); 0.0 when none does."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text.strip())
    least = max(_PARAGRAPH_CHARS, 0.15 * sum(sizes.values()))
    return max((size for size, count in sizes.items() if size and count >= least), default=0.0)


def _heading_sizes(pages: list[list[Line]], body: float) -> dict[str, tuple[float, ...]]:
    """For the words of each short line set larger than the running text (``body``, its size; as the
    text will hold them), the size of every line of those words, in page order: 0.0 where it is no
    larger."""
    if not body:
        return {}
    lines = [(" ".join(line.plain().translate(_GLYPHS).split()), line.size) for page in pages for line in page]
    large = {words for words, size in lines if size >= _HEADING_SIZE * body and 0 < len(words) <= _HEADING_CHARS}
    sizes: dict[str, list[float]] = {}
    for words, size in lines:
        if words in large:
            sizes.setdefault(words, []).append(size if size >= _HEADING_SIZE * body else 0.0)
    return {words: tuple(found) for words, found in sizes.items()}


def _heading_lines_together(pages: list[list[Line]], body: float) -> None:
    """A title or heading set over two or more lines is one paragraph, though pdfminer boxes its
    lines apart where they are spaced wider than its line margin (a browser's title, "Groundwater
    Under Pressure: Irrigation", "and Aquifer Depletion in the Ogallala", "Region"): each line is
    set larger than the running text (``body``, its size), in the size of the one above it, right
    under it."""
    if not body:
        return
    for lines in pages:
        for above, below in itertools.pairwise(lines):
            if (
                above.box_end
                and above.size == below.size >= _HEADING_SIZE * body
                and 0 < above.y0 - below.y0 <= _HEADING_LEADING * above.size
                and below.x0 < above.x1
                and above.x0 < below.x1
                and max(len(above.text.strip()), len(below.text.strip())) <= _HEADING_CHARS
            ):
                above.box_end = False


def _numbers(numbers: list[int]) -> str:
    """ "3", "3 and 7", "3, 7 and 9"."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _normalise(text: str) -> str:
    text = _join_broken_words(text.replace("\r\n", "\n").replace("\r", "\n"))
    return _TRAILING.sub("", _SPACES.sub(" ", text.translate(_GLYPHS)))


def _join_broken_words(text: str) -> str:
    """Words hyphenated at a line's end made whole again, on the first line ("exemp-\ntions" is
    "exemptions"; a search for the word must find it). A compound the text also writes with its
    hyphen elsewhere keeps it ("long-\nterm" is "long-term" when "long-term" occurs)."""
    # Every pair a hyphen joins anywhere in the text: "non-self-destructing" has "self-destructing".
    compounds = {
        f"{a}-{b}".lower()
        for w in _COMPOUND.findall(text)
        for a, b in zip(_HYPHEN.split(w), _HYPHEN.split(w)[1:], strict=False)
    }

    def join(m: re.Match[str]) -> str:
        left, right, rest = m.group(1), m.group(2), m.group(3)
        if not right[0].islower():
            return m.group(0)  # "Smith-\nJones", "pre-\n2004": not a word broken in two
        head = _glued_before(text, m.start())
        if _ADDRESS.search(f"{head}{left}-{right}{rest}"):
            # A typesetter breaks a web address or a path at its own hyphens and never hyphenates
            # it: the hyphen is the address's, and the line break stays, as it does in an address
            # broken after a slash.
            return m.group(0)
        kept = f"{left}-{right}".lower() in compounds or _hyphenated(head, left, rest)
        return f"{left}{'-' if kept else ''}{right}{rest}\n"

    return _BROKEN.sub(join, text)


def _glued_before(text: str, at: int) -> str:
    """What is written before ``at`` up to the space before it ("https://ks.gov/dwr/" before "water-")."""
    start = at
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:at]


def _hyphenated(head: str, left: str, rest: str) -> bool:
    """Whether a word broken at a hyphen is a compound that keeps it, written so: with a figure
    ("1990s-\nera", "3rd-\nparty") or in capitals ("NATO-\nled"), which no typesetter hyphenates,
    or with a hyphen of its own ("non-self-\ndestructing"), where it breaks at no other place."""
    word = f"{head}{left}"
    return bool(_FIGURED.search(word)) or (len(left) > 1 and left.isupper()) or bool(_HYPHEN.search(word + rest))


def _lay_out(data: bytes, count: int) -> list[list[Line] | None]:
    """The lines of each of a PDF's ``count`` pages; when there are many, in two processes.

    The second process is a fresh interpreter (``serve_pages``), not a fork (the caller may hold
    threads and locks) nor multiprocessing's spawn (which runs the caller's main script again). It
    is given the bytes and the pages on its input and answers with their lines, pickled; should it
    fail for any reason, this process reads those pages itself.
    """
    if count < SPLIT_AT or _ALONE.get() or not sys.executable:  # (an embedded interpreter may not know its own)
        return _pages(data, None)
    probe = max(1, min(_PROBE_PAGES, count // 4))
    started = time.perf_counter()
    first = _pages(data, range(probe))
    per_page = (time.perf_counter() - started) / probe
    left = count - probe
    if per_page * left < SPLIT_FROM_SECONDS:
        return first + _pages(data, range(probe, count))
    # This process lays out pages while the other starts, so it takes that many more than half.
    ahead = int(_START_SECONDS / per_page) if per_page > 0 else left
    middle = min(count - 1, probe + (left + ahead) // 2)
    try:
        worker = subprocess.Popen(
            python_command("from footnoted.ingest.pdf import serve_pages; serve_pages()"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # no process to be had here: this one reads every page
        return first + _pages(data, range(probe, count))
    assert worker.stdin is not None and worker.stdout is not None  # both are pipes
    feeder = threading.Thread(target=_feed, args=(worker.stdin, pickle.dumps((data, middle, count))), daemon=True)
    with worker:  # closes its pipes and waits for it
        feeder.start()
        try:
            ours = _pages(data, range(probe, middle)) if middle > probe else []  # (an empty range: every page)
            answer = worker.stdout.read()
        except BaseException:
            worker.kill()  # this part failed (a damaged file), or the read was interrupted
            raise
        finally:
            feeder.join()
    theirs: list[list[Line] | None] | None = None
    if worker.returncode == 0:
        try:
            theirs = pickle.loads(answer)
        except Exception:
            theirs = None
    if not isinstance(theirs, list) or len(theirs) != count - middle:  # a worker that failed, or lost its way
        theirs = _pages(data, range(middle, count))
    return first + ours + theirs


def _feed(pipe: IO[bytes], payload: bytes) -> None:
    try:
        with pipe:
            pipe.write(payload)
    except OSError:  # the worker is gone: its return code says so
        pass


def serve_pages() -> None:
    """The second process: lay out the pages asked for on stdin, pickled to stdout."""
    data, first, past = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(_pages(data, range(first, past))))


def _pages(data: bytes, numbers: Sequence[int] | None) -> list[list[Line] | None]:
    """The lines of the pages ``numbers`` (from 0; all when None), in order (None: not loaded)."""
    return pdf_chars.pages(data, numbers)


def _information(data: bytes, name: str) -> tuple[dict[str, str], int]:
    """Title, author, subject and creation date from the PDF's information dictionary, where set,
    and how many pages it has."""
    found, count = pdf_chars.information(data, name)
    out: dict[str, str] = {}
    for key, field_name in (("Title", "title"), ("Author", "author"), ("Subject", "subject")):
        value = " ".join(found.get(key, "").split())
        if value and not _UNSET.match(value):
            out[field_name] = value
    if date := re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", found.get("CreationDate", "")):
        out["created"] = "-".join(part for part in date.groups() if part)
    return out, count
