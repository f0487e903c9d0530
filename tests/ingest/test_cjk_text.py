"""Plain text in Chinese and Japanese: no spaces between words, sentences ended by 。！？."""

from __future__ import annotations

import pytest

from footnoted.ingest import parse
from footnoted.ingest.layout import is_label, is_prose, words
from footnoted.types import Document
from tests.conftest import DATA


def _texts(doc: Document, kind: str) -> list[str]:
    return [doc.source[b.start : b.end] for b in doc.blocks if b.kind == kind]


def test_japanese_paragraphs_and_notes_are_read() -> None:
    path = DATA / "cjk" / "jp.txt"
    doc = parse(path.read_bytes(), name=path.name)
    assert doc.title == "カブール地雷報告書"
    assert _texts(doc, "paragraph") == [
        "二〇〇四年、カブール州の倉庫には四千五百十二個の対人地雷が保管されていた。[1]",
        "検査官は木箱を二回数え、その食い違いを省に報告した。[2]",
        "ダムの水門が開かれた後、付近のゼブラフィッシュの数は急激に減少した。",
    ]
    assert _texts(doc, "furniture") == ["注"]
    assert [(f.label, f.text) for f in doc.footnotes] == [
        ("1", "省の在庫台帳、第十四号。"),
        ("2", "検査官から省への書簡、二〇〇四年三月三日。"),
    ]
    for note in doc.footnotes:
        assert note.text == doc.source[note.start : note.end]
        assert [doc.source[m.start : m.end] for m in note.markers] == [f"[{note.label}]"]
    assert doc.warnings == ()


def test_chinese_notes_under_a_notes_heading_are_notes() -> None:
    source = (
        "坎大哈地雷报告\n\n"
        "二〇〇四年，坎大哈省的仓库里储存了四千五百一十二枚杀伤人员地雷，检查员把木箱数了两遍。[1]\n\n"
        "检查员向部里报告了这一差异，部里在三月回复说账目已经更正。[2]\n\n"
        "Notes\n\n"
        "[1] 省的库存账簿，第十四号。\n"
        "[2] 检查员致部里的信。\n"
    )
    doc = parse(source.encode(), name="zh.txt")
    assert len(_texts(doc, "paragraph")) == 2
    assert [(f.label, f.text, len(f.markers)) for f in doc.footnotes] == [
        ("1", "省的库存账簿，第十四号。", 1),
        ("2", "检查员致部里的信。", 1),
    ]


@pytest.mark.parametrize(
    ("text", "label", "prose"),
    [
        ("カブール地雷報告書", True, False),  # a title
        ("第二章 カブール州における対人地雷の保管状況", True, False),  # a heading of 21 characters
        ("検査官は木箱を二回数え、その食い違いを省に報告した。", False, True),
        ("地雷は倉庫に保管されていた。", False, True),  # short, but a sentence
        ("地雷は倉庫に保管されていたか？", True, True),  # a question: ends as headings may
        ("省の在庫台帳、第十四号。", False, True),
        ("省の在庫台帳、", False, False),
        ("Kabul landmine report", True, False),
    ],
)
def test_labels_and_prose_in_chinese_and_japanese(text: str, label: bool, prose: bool) -> None:
    assert (is_label(text), is_prose(text)) == (label, prose)


def test_two_characters_of_chinese_or_japanese_count_as_a_word() -> None:
    assert words("対人地雷") == ["対人", "地雷"]
    assert words("地雷 mines 2004年") == ["地雷", "mines", "2004", "年"]


def test_a_marker_glued_after_a_chinese_stop_cites_its_note() -> None:
    text = (
        "坎大哈地雷报告\n\n仓库里储存了四千五百一十二枚地雷。1检查员把木箱数了两遍。2\n\n注\n\n"
        "1 省的库存账簿，第十四号。\n2 检查员致部里的信。\n"
    )
    doc = parse(text.encode(), name="zh.txt")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("1", "省的库存账簿，第十四号。"),
        ("2", "检查员致部里的信。"),
    ]
    assert [[doc.source[m.start - 1 : m.end] for m in n.markers] for n in doc.footnotes] == [["。1"], ["。2"]]
    assert not doc.warnings


def test_a_number_that_opens_a_japanese_sentence_is_no_marker() -> None:
    text = (
        "報告\n\n調査は一九九八年に始まった。1翌年の調査では数が減った。2年後、省は再び数えた。"
        "倉庫の地雷は減っていた。2\n\n注\n\n1 省の報告書。\n2 省の在庫台帳、第十四号。\n"
    )
    doc = parse(text.encode(), name="ja.txt")
    assert [n.label for n in doc.footnotes] == ["1", "2"]
    last = text.index("減っていた。2") + len("減っていた。")
    assert [(m.start, m.end) for m in doc.footnotes[1].markers] == [(last, last + 1)]
