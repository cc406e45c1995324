"""``goaltables sql`` and ``goaltables export`` on a real output folder."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from goaltables.pipelines.cli import EXIT_USAGE, main
from goaltables.pipelines.schema import SCHEMAS
from tests.conftest import FIXTURES, SAMPLES

BY_UNIT = ("SELECT unit_name, sum(budget_total) AS wan FROM goal_tables WHERE is_primary AND unit_name IS NOT NULL "
           "GROUP BY ALL ORDER BY 1")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sql") / "out"
    assert main(["extract", str(SAMPLES), str(FIXTURES / "docx"), str(FIXTURES / "pdf"), "--out", str(folder),
                 "--quiet"]) == 0
    return folder


def test_sql_prints_an_aligned_table(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(out), BY_UNIT]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["unit_name", "wan"]
    assert lines[2].split() == ["宁县总工会", "142.82"] and lines[3].split() == ["怀来县总工会", "543.98"]
    assert lines[-1] == "(2 rows)"
    assert len({len(line.encode("gbk")) for line in lines[:4]}) == 1  # CJK counted double: columns line up


def test_sql_csv_and_json_keep_money_exact(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["sql", str(out), "--csv", BY_UNIT])
    assert list(csv.reader(capsys.readouterr().out.splitlines())) == [
        ["unit_name", "wan"], ["宁县总工会", "142.82"], ["怀来县总工会", "543.98"]]
    main(["sql", str(out), "--json", BY_UNIT])
    assert json.loads(capsys.readouterr().out) == [{"unit_name": "宁县总工会", "wan": "142.82"},
                                                   {"unit_name": "怀来县总工会", "wan": "543.98"}]


def test_sql_error_is_one_line_and_exit_2(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["sql", str(out), "SELECT nope FROM indicators"])
    assert exit_info.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("goaltables: error: SQL error:") and "nope" in err


def test_sql_on_a_folder_that_is_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sql", str(tmp_path), "SELECT 1"])
    assert "is not a goaltables output folder" in capsys.readouterr().err


def test_xlsx_has_a_sheet_per_table_with_chinese_headers_filters_and_frozen_header(out: Path, tmp_path: Path) -> None:
    book_path = tmp_path / "book.xlsx"
    assert main(["export", str(out), "--xlsx", str(book_path)]) == 0
    book = load_workbook(book_path)
    assert book.sheetnames == ["说明", "汇总", "文件", "目标表", "绩效指标", "单位目标", "问题"]
    summary = {r[0]: r[1:] for r in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["怀来县总工会"][:2] == (4, 543.98) and summary["宁县总工会"][2:] == (1, 142.82)
    assert summary["合计（每张目标表只计一次）"][1] == 543.98  # copies in .docx and .pdf not added
    sheet = book["目标表"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["目标表编号", "文件编号", "表序号"] and "预算数（万元）" in header
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 15 and book["汇总"].column_dimensions["A"].width == 30  # widths kept
    tables = pd.read_parquet(out / "goal_tables")
    assert sheet.max_row == len(tables) + 1
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(tables) + 1}"
    rows = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    project = [r for r in rows if r["主副本"] == "是" and r["表类型"] == "项目支出绩效目标表" and r["单位名称"]]
    assert {r["单位名称"] for r in project} == {"怀来县总工会"}
    assert sum(Decimal(str(r["预算数（万元）"])) for r in project) == Decimal("543.98")
    plan = next(r["资金支出计划"] for r in rows if r["标题"] == "怀财字【2025】7号救助资金绩效目标表")
    assert plan == "3月底 25%；6月底 50%；10月底 75%；12月底 100%"  # a nested column, flattened
    assert book["绩效指标"]["A1"].value == "指标编号"
    assert book["绩效指标"].max_row == len(pd.read_parquet(out / "indicators")) + 1


def test_csv_is_utf8_with_bom_and_opens_with_the_same_rows(out: Path, tmp_path: Path) -> None:
    assert main(["export", str(out), "--csv", str(tmp_path / "csv")]) == 0
    for name in SCHEMAS:
        data = (tmp_path / "csv" / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        frame = pd.read_csv(tmp_path / "csv" / f"{name}.csv", encoding="utf-8-sig", dtype=str)
        assert len(frame) == len(pd.read_parquet(out / name))
    levels = pd.read_csv(tmp_path / "csv" / "indicators.csv", encoding="utf-8-sig", dtype=str)["一级指标"]
    assert "产出指标" in set(levels)  # codes shown by their Chinese names


def test_export_needs_a_target(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", str(out)])
    assert exit_info.value.code == EXIT_USAGE and "--xlsx FILE and/or --csv FOLDER" in capsys.readouterr().err
