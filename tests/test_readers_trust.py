"""Issue 9, readers: every case a real file that used to give a wrong or missing value with
status ok, now right or flagged. Files are built with python-docx, taken from the committed
fixtures, or encoded as real archives hold them (GBK, Big5, Shift-JIS)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from goaltables.pipelines.process import FileResult, process_file
from goaltables.pipelines.settings import Settings, SettingsError
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004
from tests.fixtures.trust_files import GRID_ROWS, form_rows, goal_docx

TITLE = "职工技能培训项目绩效目标表"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(path: Path, **settings: object) -> FileResult:
    return process_file(path, path.name, Settings(**settings))  # type: ignore[arg-type]


def _rewrite_document_xml(path: Path, change: callable) -> None:  # type: ignore[valid-type]
    """Rewrite word/document.xml inside a .docx, as Word or a converter would have written it."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------- Word


def test_docx_symbol_font_characters(tmp_path: Path) -> None:
    grid = [["产出指标", "数量指标", "培训人数", "SYM_GE"], ["产出指标", "时效指标", "办理时限", "FONT_LE"], *GRID_ROWS[2:]]
    path = goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：万元"], rows=form_rows("50"), grid=grid)

    def insert_symbols(xml: str) -> str:
        # Insert > Symbol writes <w:sym w:font="Symbol" w:char="F0B3"/>; some files instead
        # set a run in the Symbol font holding the private-use character itself
        sym = '</w:t></w:r><w:r><w:sym w:font="Symbol" w:char="F0B3"/></w:r><w:r><w:t>'
        xml = xml.replace("<w:t>SYM_GE</w:t>", f"<w:t>{sym}95%</w:t>")
        font = '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t>\uf0a3</w:t></w:r>'
        return re.sub(r"<w:r>(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t>FONT_LE</w:t></w:r>",
                      f"{font}<w:r><w:t>3工作日</w:t></w:r>", xml)

    _rewrite_document_xml(path, insert_symbols)
    rows = {r.level3: r for r in _run(path).indicators}
    assert (rows["培训人数"].target_raw, rows["培训人数"].target_op, rows["培训人数"].target_value) == ("≥95%", ">=", 95.0)
    assert (rows["办理时限"].target_raw, rows["办理时限"].target_op) == ("≤3工作日", "<=")


def test_docx_unresolved_entity_keeps_the_rest_of_its_run(tmp_path: Path) -> None:
    path = goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：万元"], rows=form_rows("50"))

    def add_entity(xml: str) -> str:
        declaration = '<!DOCTYPE w:document [<!ENTITY sig SYSTEM "file:///etc/hostname">]>'
        xml = xml.replace("?>", "?>" + declaration, 1)
        return xml.replace("<w:t>职工技能培训</w:t>", "<w:t>职工&sig;技能培训</w:t>", 1)

    _rewrite_document_xml(path, add_entity)
    result = _run(path)
    assert result.tables[0].project_name == "职工技能培训"  # the text after the entity is kept
    notes = [f for f in result.findings if f.code == "reader_note"]
    assert notes and "&sig;" in notes[0].message and result.document.status == "partial"


# --------------------------------------------------------------------------- text


def test_sniff_pdf_magic_only_at_offset_zero(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    text = "附件说明：扫描件文件头为 %PDF-1.4，另附电子表格。\n" + SAMPLE_004.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    result = _run(path)
    assert (result.document.file_format, result.document.n_indicators) == ("txt", 35)


def test_text_layout_chosen_per_block(tmp_path: Path) -> None:
    # a Word "save as text" export (cell per line) with a tab-separated table pasted below it
    path = tmp_path / "both.txt"
    path.write_bytes(SAMPLE_000.read_bytes() + b"\n" + SAMPLE_004.read_bytes())
    result = _run(path)
    assert (result.document.n_goal_tables, result.document.n_indicators) == (5, 28 + 35)


TRADITIONAL = ("職工技能培訓項目績效目標表\n單位：萬元\n項目名稱\t職工技能培訓\n預算數\t50\n"
               "一級指標\t二級指標\t三級指標\t指標值\n產出指標\t數量指標\t培訓人數\t100人\n"
               "效益指標\t社會效益指標\t職工就業率\t90%\n滿意度指標\t服務對象滿意度指標\t學員滿意度\t95%\n")


def test_encoding_big5_fails_naming_big5(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    result = _run(path)
    assert result.document.status == "failed"
    assert "big5" in result.document.error and "--encoding" in result.document.error


def test_encoding_override_reads_big5(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    result = _run(path, encoding="big5")
    assert result.document.status != "failed" and result.document.encoding == "big5"


def test_encoding_shift_jis_fails_naming_it(tmp_path: Path) -> None:
    text = "職員研修事業の予算業績目標表です。事業名称は職員研修、予算額は五十万円、研修人数は百人以上、満足度は九十五パーセント以上とする。\n" * 3
    path = tmp_path / "sjis.txt"
    path.write_bytes(text.encode("shift_jis"))
    result = _run(path)
    assert result.document.status == "failed" and re.search(r"cp932|shift_jis", result.document.error)


def test_encoding_override_must_be_known() -> None:
    with pytest.raises(SettingsError, match="encoding 'klingon' is not an encoding"):
        Settings(encoding="klingon")


# --------------------------------------------------------------------------- web pages


def test_html_declared_latin1_holding_gbk(tmp_path: Path) -> None:
    original = (FIXTURES / "html" / "000.html").read_bytes()
    path = tmp_path / "latin1.html"
    path.write_bytes(original.replace(b'<meta charset="gbk">', b'<meta charset="iso-8859-1">'))
    result = _run(path)
    assert result.document.n_indicators == 28 and result.document.encoding == "gb18030"
    assert any(f.code == "reader_note" and "iso8859-1" in f.message for f in result.findings)


def test_html_cut_midway_flagged(tmp_path: Path) -> None:
    text = (FIXTURES / "html" / "000.html").read_bytes().decode("gb18030")
    path = tmp_path / "cut.html"
    path.write_bytes(text[: len(text) * 6 // 10].encode("gb18030"))  # cut on a character boundary
    result = _run(path)
    assert result.document.status == "partial" and result.document.n_indicators < 28
    assert any(f.code == "reader_note" and "cut short" in f.message for f in result.findings)


def test_html_complete_page_not_flagged() -> None:
    path = FIXTURES / "html" / "000.html"
    assert not [f for f in _run(path).findings if f.code == "reader_note"]


# --------------------------------------------------------------------------- codes and regions


def test_six_digit_amount_is_not_the_unit_code(tmp_path: Path) -> None:
    rows = [["项目名称", "职工技能培训"], ["预算数", "500000.00"]]
    path = goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：元"], rows=rows)
    [table] = _run(path).tables
    assert (table.unit_code, table.unit_name, table.budget_total) == (None, None, 50.0)


def test_region_name_matching_several_districts_flagged(tmp_path: Path) -> None:
    rows = [["单位名称", "鼓楼区财政局"], ["项目名称", "职工技能培训"], ["预算数", "50"]]
    result = _run(goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：万元"], rows=rows))
    [table] = result.tables
    assert (table.region_code, table.county) == (None, None)
    [finding] = [f for f in result.findings if f.code == "region_ambiguous"]
    assert "南京市" in finding.message and "福州市" in finding.message


def test_region_name_with_its_city_is_not_ambiguous(tmp_path: Path) -> None:
    rows = [["单位名称", "南京市鼓楼区财政局"], ["项目名称", "职工技能培训"], ["预算数", "50"]]
    [table] = _run(goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：万元"], rows=rows)).tables
    assert (table.region_code, table.city) == ("320106", "南京市")


def test_html_declared_gbk_holding_big5_fails_naming_big5(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>{'</td><td>'.join(line.split(chr(9)))}</td></tr>" for line in TRADITIONAL.splitlines())
    page = f'<html><head><meta charset="gbk"></head><body><table>{rows}</table></body></html>'
    path = tmp_path / "big5.html"
    path.write_bytes(page.encode("big5"))
    result = _run(path)
    assert result.document.status == "failed" and "big5" in result.document.error


def test_encoding_option_on_the_command_line(tmp_path: Path) -> None:
    import pandas as pd

    from goaltables.pipelines.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--encoding", "big5", "--quiet"]) == 0
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert docs.encoding.tolist() == ["big5"]
