"""Cutting a document into passages that fit the encoder and keep their footnotes.

Blocks are packed in order into chunks of at most ``max_tokens`` model tokens (a note written
inside the text not counted), within one section and never across furniture or note bodies
(markup, which prints nothing, they span). A heading travels with what follows it and a list's
lead-in sentence with its items. A block too long for one chunk is cut by
langchain-text-splitters at paragraph, line, sentence, clause and word boundaries, in that order
of preference, with ``overlap`` tokens repeated between the pieces. Spans are computed here, not
taken from the splitter (its ``add_start_index`` is wrong with token lengths and overlap), and
checked: every chunk's text is exactly ``source[start:end]``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from footnoted.errors import IngestError
from footnoted.ingest.inline_notes import outside_notes
from footnoted.ingest.sentences import SENTENCE_BREAK, sentences
from footnoted.ingest.tokens import Tokenizer
from footnoted.types import BODY_KINDS, Block, Chunk, Document, Footnote, Span

_WORD_START = re.compile(r"(?<!\S)\S")
_SEPARATORS = [r"\n[ \t\u00a0]*\n\s*", r"\n\s*", SENTENCE_BREAK, r"(?<=[;:,])\s+", r"\s+"]
NOTES_SECTION = "Notes"


@dataclass(frozen=True, slots=True)
class ChunkSettings:
    """Chunk size and overlap, in model tokens."""

    max_tokens: int = 200
    overlap: int = 32

    def __post_init__(self) -> None:
        for name, value in (("max_tokens", self.max_tokens), ("overlap", self.overlap)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{name} must be a whole number of tokens, not {value!r}")
        if self.max_tokens < 8:
            raise ValueError(f"the passage size (max_tokens) must be at least 8 tokens, not {self.max_tokens}")
        if not 0 <= self.overlap < self.max_tokens // 2:
            raise ValueError(
                f"the overlap must be at least 0 and under half of the passage size ({self.max_tokens} tokens), not {self.overlap}"
            )

    def within(self, limit: int) -> ChunkSettings:
        """These settings for a model that reads at most ``limit`` tokens: passages no longer than that.

        Raises:
            ValueError: the overlap is not under half of the passage size so capped.
        """
        if self.max_tokens <= limit:
            return self
        if self.overlap >= limit // 2:
            raise ValueError(
                f"overlap must be under half of the passage size, which the model's limit makes {limit} tokens"
            )
        return ChunkSettings(limit, self.overlap)


def chunk_id(document_id: str, start: int, end: int, text: str) -> str:
    digest = hashlib.sha256(f"{document_id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return f"{document_id}:{digest[:16]}"


def chunk(document: Document, tokenizer: Tokenizer, settings: ChunkSettings | None = None) -> list[Chunk]:
    """Cut ``document`` into chunks of at most ``settings.max_tokens`` tokens of ``tokenizer``.

    Every chunk carries the footnotes whose markers fall inside its span. Notes that no marker
    cites, or whose markers no chunk spans (a LaTeX heading's note, the heading alone before a
    float), are kept as chunks of their own, so nothing is lost.
    """
    settings = settings or ChunkSettings()
    splitter = Splitter(tokenizer, settings)
    packed: list[tuple[Span, int, str]] = []
    for group, section in _groups(document):
        packed.extend((span, tokens, section) for span, tokens in _pack(document, group, splitter))
    cited = _Markers(document.footnotes)
    carried = {id(n) for span, _, _ in packed for n in cited.within(span)}
    uncarried = [n for n in document.footnotes if id(n) not in carried]
    orphans = [Span(n.start, n.end) for n in uncarried]
    counts = splitter.count_all([document.source[s.start : s.end] for s in orphans])
    packed.extend((span, tokens, NOTES_SECTION) for span, tokens in zip(orphans, counts, strict=True))
    if not getattr(tokenizer, "additive", False):
        # Sums of unit counts are exact only for a tokenizer that splits on whitespace first.
        exact = splitter.count_all([own_text(document, s) for s, _, _ in packed])
        packed = [(span, n, section) for (span, _, section), n in zip(packed, exact, strict=True)]
    # The rare chunk over the budget (a unit too long on its own, or an optimistic sum) is cut.
    spans: list[tuple[Span, int, str]] = []
    for span, tokens, section in packed:
        if tokens <= settings.max_tokens:
            spans.append((span, tokens, section))
        else:
            pieces = splitter.split(document.source, span)
            counts = splitter.count_all([own_text(document, p) for p in pieces])
            spans.extend((p, n, section) for p, n in zip(pieces, counts, strict=True))
    chunks = []
    for span, tokens, section in spans:
        text = document.source[span.start : span.end]
        notes = cited.within(span)
        if not notes and section == NOTES_SECTION:
            notes = tuple(n for n in uncarried if Span(n.start, n.end).contains(span))
        chunks.append(
            Chunk(
                id=chunk_id(document.id, span.start, span.end, text),
                document_id=document.id,
                section=section,
                start=span.start,
                end=span.end,
                text=text,
                footnotes=notes,
                tokens=tokens,
            )
        )
    return chunks


class _Markers:
    """A document's note markers by offset, to find the notes a span cites without a scan of all."""

    def __init__(self, footnotes: tuple[Footnote, ...]) -> None:
        self.footnotes = footnotes
        self.marks = sorted((m.start, m.end, i) for i, n in enumerate(footnotes) for m in n.markers)
        self.starts = [start for start, _, _ in self.marks]

    def within(self, span: Span) -> tuple[Footnote, ...]:
        """The notes with a marker inside ``span``, in the document's order of notes."""
        first, past = bisect_left(self.starts, span.start), bisect_right(self.starts, span.end)
        found = {i for _, end, i in self.marks[first:past] if end <= span.end}
        return tuple(self.footnotes[i] for i in sorted(found))


_HAS_WORD = re.compile(r"\w")
_SHORT_FURNITURE = 300
"""Characters of furniture, in all, that a heading may reach over to what it heads (a table of
contents or an index's entries under a heading are far longer: the heading stays apart)."""


_HEADS = frozenset({"heading", "title", "meta"})
"""Blocks that head what follows them (a title block's author and date lines too)."""


def _trailing_headings(group: list[Block]) -> list[Block]:
    """The headings that end ``group``: they head what comes next."""
    n = len(group)
    while n and group[n - 1].kind == "heading":
        n -= 1
    return group[n:]


def _groups(document: Document) -> Iterator[tuple[list[Block], str]]:
    """Runs of body blocks that a chunk may span: same section, nothing excluded in between."""
    group: list[Block] = []
    key: tuple[str, ...] | None = None
    for block in document.blocks:
        if block.kind == "markup" or (
            block.kind == "furniture" and not _HAS_WORD.search(document.source, block.start, block.end)
        ):
            continue  # prints nothing, or a rule or a heading's underline ("====="): nothing to leave out
        if block.kind not in BODY_KINDS:
            heads = _trailing_headings(group)
            if block.kind == "furniture" and heads and block.end - heads[-1].end <= _SHORT_FURNITURE:
                # A little furniture between a heading and what it heads (a comment after a Markdown
                # heading, a running header at a page break): the heading still opens the passage
                # under it, which spans those few words too, rather than standing alone.
                if len(heads) < len(group):
                    yield group[: len(group) - len(heads)], _section_name(key)
                    group = heads
                continue
            if group:
                yield group, _section_name(key)
            group, key = [], None
            continue
        section = document.section_at(block.start)
        path = section.path if section else ()
        if group and path != key:
            if all(b.kind in _HEADS for b in group):
                # Nothing but a title or headings (a page's title over its first section's
                # heading): they open the passage below them rather than stand as one that says
                # nothing, which a question naming the title would find first.
                group.append(block)
                key = path
                continue
            yield group, _section_name(key)
            group = []
        group.append(block)
        key = path
    if group:
        yield group, _section_name(key)


def _starts_sentence(source: str, offset: int) -> bool:
    """Whether a sentence (or a list item, or a paragraph) begins at ``offset``."""
    before = source[max(0, offset - 4) : offset]
    at_line_start = not before.strip() and (offset < 2 or "\n" in before)
    return at_line_start or any(s.start == offset for s in sentences(source, max(0, offset - 400), offset + 1))


def _section_name(path: tuple[str, ...] | None) -> str:
    return " › ".join(path or ())


def _units(source: str, blocks: list[Block]) -> list[Span]:
    """Blocks that belong together: a heading with what follows, a lead-in with its list items or
    with the paragraph it announces."""
    units: list[Span] = []
    glue = False
    led_list = False
    for i, block in enumerate(blocks):
        if units and (glue or (led_list and block.kind == "list_item")):
            units[-1] = Span(units[-1].start, block.end)
        else:
            units.append(Span(block.start, block.end))
            led_list = False
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        # A block that ends with a colon announces the next one: a list, an example, a quotation.
        lead_in = (
            block.kind != "list_item"
            and source[block.start : block.end].rstrip().endswith(":")
            and following is not None
            and following.kind in ("list_item", "paragraph")
        )
        led_list = led_list or (lead_in and following is not None and following.kind == "list_item")
        glue = block.kind in _HEADS or lead_in
    return units


def own_text(document: Document, span: Span) -> str:
    """The text of ``span`` without the notes written inside it (LaTeX's ``\\footnote{...}``, Markdown's
    ``^[...]``): what a passage's budget counts, as for a note set apart, whose text is no part of the
    passage's count either (the note has vectors of its own)."""
    pieces = outside_notes(document, span)
    if len(pieces) == 1:
        return document.source[span.start : span.end]
    return " ".join(document.source[p.start : p.end] for p in pieces).strip()


def _pack(document: Document, blocks: list[Block], splitter: Splitter) -> Iterator[tuple[Span, int]]:
    """Units packed greedily into chunks of at most the budget, with the sum of their units' counts.

    Units are counted together in one batch. The sum is the chunk's exact count for a tokenizer
    that splits on whitespace first (blocks are separated by whitespace); the caller recounts for
    any other, and cuts a chunk that is over the budget.
    """
    source = document.source
    units = _units(source, blocks)
    counts = splitter.count_all([own_text(document, u) for u in units])
    # What lies between two units is in the chunk that spans them too: a rule ("---") or a few
    # words of furniture after a heading (``_groups``). Most gaps are white space, counted as none.
    gaps = {i: source[units[i - 1].end : units[i].start] for i in range(1, len(units))}
    gaps = {i: gap for i, gap in gaps.items() if not gap.isspace() and gap}
    gap_tokens = dict(zip(gaps, splitter.count_all(list(gaps.values())), strict=True))
    current: Span | None = None
    current_tokens = 0
    for i, (unit, tokens) in enumerate(zip(units, counts, strict=True)):
        joined = current_tokens + gap_tokens.get(i, 0) + tokens
        if current is not None and joined <= splitter.max_tokens:
            current, current_tokens = Span(current.start, unit.end), joined
            continue
        if current is not None:
            yield current, current_tokens
        current, current_tokens = unit, tokens
    if current is not None:
        yield current, current_tokens


class Splitter:
    """langchain's recursive splitter, measured in model tokens, with exact spans and token overlap.

    The splitter cuts without overlap, so its pieces tile the text in order and each one's span
    is found unambiguously even in repetitive text. The overlap is then added here: each piece
    reaches back into the one before, from a sentence start if one fits, else from a word start,
    by at most ``overlap`` tokens and never past the budget.
    """

    def __init__(self, tokenizer: Tokenizer, settings: ChunkSettings) -> None:
        self._tokenizer = tokenizer
        # langchain measures every split twice (to recurse, then to merge) and the overlap search
        # re-measures the same spans: each distinct text is counted once.
        self.count = functools.lru_cache(maxsize=4096)(tokenizer.count)
        self.max_tokens = settings.max_tokens
        self.overlap = settings.overlap
        self._splitter: Any = None  # made when a text first needs cutting

    def _recursive(self) -> Any:
        if self._splitter is None:
            # Imported only then: it costs a quarter of a second, and most documents' blocks (and the
            # query path) never need it.
            from langchain_text_splitters import RecursiveCharacterTextSplitter

            self._splitter = RecursiveCharacterTextSplitter(
                separators=_SEPARATORS,
                is_separator_regex=True,
                keep_separator="end",
                # Room is left for the overlap each piece gains when it reaches back.
                chunk_size=self.max_tokens - self.overlap,
                chunk_overlap=0,
                length_function=self.count,
                strip_whitespace=True,
            )
        return self._splitter

    def count_all(self, texts: list[str]) -> list[int]:
        """Token counts of many texts, in one batch when the tokenizer can."""
        batch = getattr(self._tokenizer, "count_batch", None)
        return list(batch(texts)) if batch is not None else [self.count(t) for t in texts]

    def split(self, source: str, span: Span) -> list[Span]:
        """Cut ``source[span]`` into pieces within the budget; consecutive pieces may overlap."""
        text = source[span.start : span.end]
        if self.count(text) <= self.max_tokens:
            return [span]
        tiles: list[Span] = []
        pos = 0
        for piece in self._recursive().split_text(text):
            piece = piece.rstrip()  # langchain can leave the separator's space on a piece
            if not piece:
                continue
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if not text.startswith(piece, pos):
                raise IngestError(f"internal error: the splitter's piece does not start at offset {pos}")
            tiles.extend(self._hard_split(source, Span(span.start + pos, span.start + pos + len(piece))))
            pos += len(piece)
        pieces = [tiles[0], *(self._reach_back(source, prev, tile) for prev, tile in itertools.pairwise(tiles))]
        # A short piece (a list's lead-in) can be reached over whole by the next: it would be a
        # passage that another one holds entire, taking a second place in every result list.
        return [
            p for p, after in zip(pieces, [*pieces[1:], None], strict=True) if after is None or after.start > p.start
        ]

    def _reach_back(self, source: str, prev: Span, tile: Span) -> Span:
        """``tile`` extended to start inside ``prev``: by whole sentences of up to twice ``overlap``
        tokens, or, for a piece the splitter had to cut mid-sentence, by words up to ``overlap``.

        A passage that begins cleanly keeps a clean beginning; the budget is never exceeded.
        """
        if self.overlap == 0:
            return tile
        choices = [([s.start for s in sentences(source, prev.start, prev.end)], 2 * self.overlap)]
        if not _starts_sentence(source, tile.start):
            choices.append(([m.start() for m in _WORD_START.finditer(source, prev.start, prev.end)], self.overlap))
        for starts, reach in choices:

            def fits(start: int, reach: int = reach) -> bool:
                return (
                    self.count(source[start : tile.start]) <= reach
                    and self.count(source[start : tile.end]) <= self.max_tokens
                )

            # Token counts only shrink as the start moves right: the earliest fitting start is a bisection.
            candidates = [p for p in starts if p < tile.start]
            lo, hi = 0, len(candidates)
            while lo < hi:
                mid = (lo + hi) // 2
                if fits(candidates[mid]):
                    hi = mid
                else:
                    lo = mid + 1
            if lo < len(candidates):
                return Span(candidates[lo], tile.end)
        return tile

    def _hard_split(self, source: str, span: Span) -> list[Span]:
        """Last resort for text with no break the splitter can use: cut by characters."""
        if self.count(source[span.start : span.end]) <= self.max_tokens:
            return [span]
        lo, hi = span.start + 1, span.end
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.count(source[span.start : mid]) <= self.max_tokens:
                lo = mid
            else:
                hi = mid - 1
        cut = max(lo, span.start + 1)
        return [Span(span.start, cut), *self._hard_split(source, Span(cut, span.end))]
