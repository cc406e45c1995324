from __future__ import annotations

import codecs

import pytest

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.model import Paragraph, Table
from goaltables.extract.readers.encoding import decode
from goaltables.extract.readers.text import read
from goaltables.extract.registry import read_document
from tests.conftest import ENCODINGS, SAMPLE_000, SAMPLE_004


def test_word_export_layout_gives_a_form_and_a_grid_table_per_goal_table() -> None:
    doc = read(SAMPLE_000.read_bytes())
    tables = doc.tables()
    assert len(tables) == 8
    assert [t.n_rows for t in tables] == [7, 8] * 4
    grid = tables[1]
    assert [c.text for c in grid.rows()[0] if True][:3] == ["一级指标", "二级指标", "三级指标"]
    # a merged 一级 cell is an empty cell in this export, not repeated text
    assert grid.rows()[2][0].cell.text == ""
    assert all(c.row_span == 1 and c.col_span == 1 for c in grid.cells)


def test_word_export_drops_bookmark_markers_and_keeps_paragraph_order() -> None:
    doc = read(SAMPLE_000.read_bytes())
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts[:3] == ["第一部分", "单位整体绩效目标", "一、总体绩效目标"]
    assert not any("[bookmark" in t for t in texts)
    first_table = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Table))
    assert doc.blocks[first_table - 1].text.endswith("救助资金绩效目标表")


def test_tab_separated_layout_keeps_row_cells_in_position() -> None:
    doc = read(SAMPLE_004.read_bytes())
    [table] = doc.tables()
    rows = table.rows()
    assert len(rows) == 45
    assert [s.text for s in rows[9]][:4] == ["一级指标", "权重", "二级指标", "三级指标"]
    assert rows[10][0].cell.pos.line == 15


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_reencoded_samples_decode_to_the_same_text(encoding: str) -> None:
    text = SAMPLE_000.read_text(encoding="utf-8")
    decoded, _ = decode(ENCODINGS[encoding](text))
    assert decoded.replace("\r\n", "\n") == text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + "单位".encode("utf-8"), "utf-8-sig"),
        ("单位".encode("gb18030"), "gb18030"),
        (codecs.BOM_UTF16_LE + "单位".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "单位".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_encoding_is_detected_not_assumed(data: bytes, expected: str) -> None:
    assert decode(data) == ("单位", expected)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (bytes(range(256)) * 4, "binary file"),
        ("单位：万元".encode("utf-8")[:-1], "truncated text file"),
        (b"\x81\x30\xff\xfe\xff" * 20, "unknown encoding"),
    ],
)
def test_unreadable_text_fails_with_one_sentence(data: bytes, message: str) -> None:
    with pytest.raises(DocumentLoadError, match=message) as info:
        read_document(data)
    assert "\n" not in str(info.value)
