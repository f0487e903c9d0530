"""pdfminer.six's layout objects for characters PDFium read (``pdf_chars``), and its layout made
faster where it costs most.

``char_type()`` is pdfminer's character with the box given, not computed from a font. ``page_type()``
is pdfminer's page, laid out as pdfminer lays one out, but:

- its characters are grouped into lines by the very tests pdfminer's ``group_objects`` makes, on
  the numbers and with each line made once (the same lines, boxes and spaces on all 309 pages of
  the fixtures and Debian's two PDFs; pdfminer's analysis of them took 1.67 s instead of 2.57 s);
- a page of more than ``GROUPED_BOXES`` boxes of text (a table set as separate cells) is read top
  down and left to right, where pdfminer's grouping of boxes, closest pair first, costs the square
  of their number and more;
- pairs of boxes equally close are grouped in the order the boxes came, where pdfminer breaks
  such ties by ``id()``, the objects' addresses in memory, so that a page with a grid of equally
  spaced boxes (a font table, a table of figures) read in another order from one run to the next.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any

GROUPED_BOXES = 200
"""Boxes of text a page may hold and still have pdfminer group them into reading order (its
grouping took 0.06 s for 160 boxes, 0.5 s for 400 and 2.3 s for 720, here)."""


@cache
def char_type() -> type:
    from pdfminer.layout import LTChar

    class Char(LTChar):
        """pdfminer's character, its box given rather than computed from a font it does not have."""

        def __init__(self, text: str, x0: float, y0: float, x1: float, y1: float, size: float) -> None:
            self._text = text
            self.matrix = (1.0, 0.0, 0.0, 1.0, x0, y0)
            self.fontname = ""
            self.adv = x1 - x0
            self.upright = True
            self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
            self.width, self.height = x1 - x0, y1 - y0
            self.bbox = (x0, y0, x1, y1)
            self.size = size

    return Char


@cache
def page_type() -> type:
    from pdfminer.layout import (
        LAParams,
        LTAnno,
        LTComponent,
        LTPage,
        LTTextBox,
        LTTextBoxVertical,
        LTTextGroup,
        LTTextGroupLRTB,
        LTTextGroupTBRL,
        LTTextLine,
        LTTextLineHorizontal,
    )
    from pdfminer.utils import Plane

    class Rows(LTTextGroup):
        """A page's boxes in one group, read top down and left to right, as a table's rows read."""

        def analyze(self, laparams: LAParams) -> None:
            super().analyze(laparams)
            self._objs.sort(key=lambda box: (-box.y1, box.x0))

    class Page(LTPage):
        """pdfminer's page, its characters grouped into lines as pdfminer groups them, faster.

        ``LTLayoutContainer.group_objects`` asks each pair of neighbours whether they share a line
        (they overlap upright by more than ``line_overlap`` of the lower, and stand less than
        ``char_margin`` of the wider apart) through half a dozen method calls, and grows each line
        a character at a time; here the same tests are made on the numbers, and each line is made
        once its characters are known, a space put wherever pdfminer puts one (a gap wider than
        ``word_margin`` of the character). Vertical writing is left to pdfminer."""

        def group_objects(self, laparams: LAParams, objs: Iterable[LTComponent]) -> Iterator[LTTextLine]:
            if laparams.detect_vertical:
                yield from super().group_objects(laparams, objs)
                return
            overlap, margin, word = laparams.line_overlap, laparams.char_margin, laparams.word_margin
            run: list[Any] | None = None
            obj0: Any = None
            for obj1 in objs:
                if obj0 is not None:
                    halign = False
                    if obj1.y0 <= obj0.y1 and obj0.y0 <= obj1.y1:  # they overlap upright
                        shared = min(abs(obj0.y0 - obj1.y1), abs(obj0.y1 - obj1.y0))
                        if obj1.x0 <= obj0.x1 and obj0.x0 <= obj1.x1:
                            apart = 0.0
                        else:
                            apart = min(abs(obj0.x0 - obj1.x1), abs(obj0.x1 - obj1.x0))
                        halign = (
                            min(obj0.height, obj1.height) * overlap < shared
                            and apart < max(obj0.width, obj1.width) * margin
                        )
                    if halign and run is not None:
                        run.append(obj1)
                    elif run is not None:
                        yield _line(run, word)
                        run = None
                    elif halign:
                        run = [obj0, obj1]
                    else:
                        yield _line([obj0], word)
                obj0 = obj1
            if run is None:
                run = [obj0]
            yield _line(run, word)

        def group_textboxes(self, laparams: LAParams, boxes: Sequence[LTTextBox]) -> list[LTTextGroup]:
            """pdfminer's grouping of the boxes into reading order, closest pair first, costs the
            square of their number and more (a table of 720 cells took over two seconds alone):
            past ``GROUPED_BOXES`` the boxes are read top down and left to right instead."""
            if len(boxes) <= GROUPED_BOXES:
                return _grouped(self.bbox, boxes)
            return [Rows(boxes)]

    def _grouped(bbox: Any, boxes: Sequence[LTTextBox]) -> list[LTTextGroup]:
        """pdfminer's ``group_textboxes``, each box and group numbered as it is made, and ties in
        distance broken by those numbers rather than by ``id()``: the same groups every run."""
        plane: Plane[Any] = Plane(bbox)
        serial: dict[int, int] = {id(box): n for n, box in enumerate(boxes)}

        def number(obj: Any) -> int:
            return serial.setdefault(id(obj), len(serial))

        def dist(obj1: Any, obj2: Any) -> float:
            x0, y0 = min(obj1.x0, obj2.x0), min(obj1.y0, obj2.y0)
            x1, y1 = max(obj1.x1, obj2.x1), max(obj1.y1, obj2.y1)
            return float((x1 - x0) * (y1 - y0) - obj1.width * obj1.height - obj2.width * obj2.height)

        def between(obj1: Any, obj2: Any) -> bool:
            x0, y0 = min(obj1.x0, obj2.x0), min(obj1.y0, obj2.y0)
            x1, y1 = max(obj1.x1, obj2.x1), max(obj1.y1, obj2.y1)
            return any(o is not obj1 and o is not obj2 for o in plane.find((x0, y0, x1, y1)))

        pairs: list[tuple[bool, float, int, int, Any, Any]] = [
            (False, dist(a, b), number(a), number(b), a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]
        ]
        heapq.heapify(pairs)
        plane.extend(boxes)
        done: set[int] = set()
        while pairs:
            checked, d, n1, n2, obj1, obj2 = heapq.heappop(pairs)
            if n1 in done or n2 in done:
                continue
            if not checked and between(obj1, obj2):
                heapq.heappush(pairs, (True, d, n1, n2, obj1, obj2))
                continue
            vertical = (LTTextBoxVertical, LTTextGroupTBRL)
            if isinstance(obj1, vertical) or isinstance(obj2, vertical):
                group: LTTextGroup = LTTextGroupTBRL([obj1, obj2])
            else:
                group = LTTextGroupLRTB([obj1, obj2])
            plane.remove(obj1)
            plane.remove(obj2)
            done.update((n1, n2))
            made = number(group)
            for other in plane:
                heapq.heappush(pairs, (False, dist(group, other), made, number(other), group, other))
            plane.add(group)
        return list(plane)

    class Line(LTTextLineHorizontal):
        """pdfminer's line, whose emptiness is told from its first character that is not a space
        (pdfminer joins all its text to tell)."""

        def is_empty(self) -> bool:
            return self.width <= 0 or self.height <= 0 or all(obj.get_text().isspace() for obj in self._objs)

    def _line(chars: list[Any], word: float) -> LTTextLineHorizontal:
        line = Line(word)
        objs = line._objs
        right = float("inf")
        for char in chars:
            if word and right < char.x0 - word * max(char.width, char.height):
                objs.append(LTAnno(" "))
            right = char.x1
            objs.append(char)
        line._x1 = right
        line.set_bbox(
            (
                min(c.x0 for c in chars),
                min(c.y0 for c in chars),
                max(c.x1 for c in chars),
                max(c.y1 for c in chars),
            )
        )
        return line

    return Page
