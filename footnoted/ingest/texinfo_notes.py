"""Notes as GNU Texinfo's HTML (``makeinfo``, ``texi2any``) writes them: under a heading that is
their label.

A marker ``<a id="DOCF1" href="#FOOT1"><sup>1</sup></a>`` points at a heading holding nothing but
the anchor ``<a id="FOOT1" href="#DOCF1">(1)</a>`` that links back to it (``<h5>`` in Texinfo 6
and 7, closed by a stray ``</h3>`` in 6.7; ``<h3>`` with ``name`` in 4 and 5), under a "Footnotes"
heading. The note is what follows that heading, up to the next heading, a rule or the end of the
element around it (Texinfo's ``<div class="footnote">``).
"""

from __future__ import annotations

import bisect
import itertools

from footnoted.ingest.dom import Extractor
from footnoted.types import Block

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def labels_note(source: str, ex: Extractor, targets: dict[str, int], marker: int, heading: int) -> bool:
    """Whether ``heading`` is the label of a note that link ``marker`` cites: its text is nothing
    but one anchor ("(1)"), and that anchor links back to the marker."""
    head = ex.elements[heading]
    anchors = [j for j in range(heading + 1, head.last + 1) if ex.elements[j].tag == "a"]
    if head.tag not in HEADINGS or len(anchors) != 1:
        return False
    anchor = ex.elements[anchors[0]]
    if source[head.start : head.end].strip() != source[anchor.start : anchor.end].strip():
        return False
    href = str(anchor.attrs.get("href") or "")
    back = targets.get(href[1:], -1) if href.startswith("#") else -1
    return back >= 0 and back <= marker <= ex.elements[back].last


def note_under(ex: Extractor, blocks: list[Block], heading: int) -> tuple[int, int]:
    """The span of the blocks a note's label heading heads: those after it, up to the next heading
    or rule (``<hr>``), or to the end of the element around it; empty when there are none."""
    head = ex.elements[heading]
    stop = ex.elements[head.parent].end if head.parent >= 0 else ex.length
    for j in range(head.last + 1, len(ex.elements)):
        element = ex.elements[j]
        if element.start >= stop:
            break
        if element.tag in HEADINGS or element.tag == "hr":
            stop = element.start
            break
    first = bisect.bisect_left(blocks, head.end, key=lambda b: b.start)  # blocks are in the page's order
    inside = list(itertools.takewhile(lambda b: b.end <= stop, itertools.islice(blocks, first, None)))
    return (inside[0].start, inside[-1].end) if inside else (head.end, head.end)
