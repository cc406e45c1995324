"""The HTML report in a real browser: it renders without console errors, its search works, and
every number it shows equals what pandas computes from the Parquet tables.

Runs headless Chromium (Debian package ``chromium``; .ci/run installs it) and reads the DOM the
browser built after running the page's script; skipped with a message where it is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from lxml import html as lxml_html

from goaltables.pipelines.cli import main
from tests.conftest import FIXTURES, SAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed: "
                                    "apt-get install -y --no-install-recommends chromium")


def browse(page: Path, tmp: Path, query: str = "") -> tuple[lxml_html.HtmlElement, list[str]]:
    """The DOM after the page's scripts ran, and the console messages Chromium logged."""
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr",
         "--v=0", f"--user-data-dir={tmp / 'profile'}", "--dump-dom", page.resolve().as_uri() + query],
        capture_output=True, text=True, timeout=180, check=True,
    )
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return lxml_html.fromstring(done.stdout), console


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "out"
    good = [str(p) for p in sorted(FIXTURES.iterdir())
            if p.is_dir() and p.name not in ("bad", "hostile") and (p.name != "doc" or shutil.which("soffice"))]
    main(["extract", str(SAMPLES), *good, str(FIXTURES / "bad"), "--out", str(folder), "--quiet"])
    return folder


@pytest.fixture(scope="module")
def page(out: Path) -> Path:
    path = out.parent / "report.html"
    assert main(["report", str(out), "--html", str(path)]) == 0
    return path


def _figure(dom: lxml_html.HtmlElement, key: str) -> str:
    [node] = dom.xpath(f'//*[@data-figure="{key}"]')
    return node.get("data-value")


@needs_chromium
def test_page_renders_without_console_errors_and_its_totals_equal_the_parquet(out: Path, page: Path,
                                                                              tmp_path: Path) -> None:
    dom, console = browse(page, tmp_path)
    assert console == []
    assert dom.body.get("data-ready") == "1"  # the page's script ran to the end
    docs, tables = pd.read_parquet(out / "documents"), pd.read_parquet(out / "goal_tables")
    indicators, findings = pd.read_parquet(out / "indicators"), pd.read_parquet(out / "findings")
    primary = tables[tables.is_primary]
    assert int(_figure(dom, "files")) == len(docs)
    assert int(_figure(dom, "tables")) == tables.table_key.nunique() == len(primary)
    assert int(_figure(dom, "units")) == primary.unit_name.nunique()
    assert int(_figure(dom, "indicators")) == len(indicators.merge(primary[["table_id", "doc_id"]]))
    project = primary[primary.table_kind == "project"].budget_total.sum()
    overall = primary[primary.table_kind == "overall"].budget_total.sum()
    once = tables.drop_duplicates("table_key")  # counted independently of is_primary
    assert Decimal(_figure(dom, "project_money")) == project == once[once.table_kind == "project"].budget_total.sum()
    assert Decimal(_figure(dom, "overall_money")) == overall == once[once.table_kind == "overall"].budget_total.sum()
    assert project < tables[tables.table_kind == "project"].budget_total.sum()  # copies exist and are not counted
    assert int(_figure(dom, "errors")) == (findings.severity == "error").sum()


@needs_chromium
def test_money_by_unit_equals_the_parquet(out: Path, page: Path, tmp_path: Path) -> None:
    dom, _ = browse(page, tmp_path)
    tables = pd.read_parquet(out / "goal_tables")
    project = tables[tables.is_primary & (tables.table_kind == "project")]
    want = project.fillna({"unit_name": "（未注明单位）"}).groupby("unit_name").budget_total.sum(min_count=1).dropna()
    shown = {}
    for tr in dom.xpath('//table[@id="by-unit"]/tbody/tr'):
        cells = tr.xpath("./td")
        money = cells[2].xpath(".//@data-value")
        if money:
            shown[cells[0].text_content()] = Decimal(money[0])
    assert shown == dict(want.items())


@needs_chromium
def test_finding_search_filters_the_rows(out: Path, page: Path, tmp_path: Path) -> None:
    findings = pd.read_parquet(out / "findings")
    dom, console = browse(page, tmp_path, "?q=copied_targets")
    assert console == []
    [count] = dom.xpath('//*[@id="count"]')
    assert int(count.get("data-total")) == len(findings)
    assert int(count.get("data-shown")) == (findings.code == "copied_targets").sum() > 0
    visible = dom.xpath('//tr[contains(@class, "finding") and not(@hidden)]')
    assert len(visible) == int(count.get("data-shown"))
    dom, _ = browse(page, tmp_path)  # no search: errors and warnings, notes hidden
    [count] = dom.xpath('//*[@id="count"]')
    assert int(count.get("data-shown")) == (findings.severity != "info").sum()


@needs_chromium
def test_the_harness_sees_a_broken_page(tmp_path: Path) -> None:
    """Guards the guard: a page with a script error must show up in the console list."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>undefinedFunction();</script></body></html>", encoding="utf-8")
    _, console = browse(bad, tmp_path)
    assert any("undefinedFunction" in line for line in console)


def test_page_is_self_contained_and_chinese_by_default(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in text and "预算绩效目标表分析报告" in text and "<svg" in text
    for remote in ("http://", "https://", "src=", "<link"):
        assert remote not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_english_on_request(out: Path, tmp_path: Path) -> None:
    path = tmp_path / "en.html"
    assert main(["report", str(out), "--html", str(path), "--lang", "en"]) == 0
    text = path.read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "Budget by unit" in text and "各单位预算" not in text


def test_finding_rows_point_at_file_row_and_place(out: Path, page: Path) -> None:
    dom = lxml_html.fromstring(page.read_text(encoding="utf-8"))
    rows = [[td.text_content() for td in tr.xpath("./td")] for tr in dom.xpath('//tr[contains(@class, "finding")]')]
    findings = pd.read_parquet(out / "findings")
    assert len(rows) == len(findings)
    placeholder = next(r for r in rows if "placeholder_value" in r[1] and r[3].endswith(".txt"))
    assert placeholder[5] == "0" and placeholder[6] == "第384行"  # 0-based row as in the data; the line in the file
    assert any(r[3].endswith(".pdf") and r[6].startswith("第") and "页" in r[6] for r in rows)


def test_a_long_finding_list_is_cut_with_a_note(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from goaltables.pipelines import html_report
    from goaltables.pipelines.figures import compute

    monkeypatch.setattr(html_report, "MAX_FINDING_ROWS", 10)
    dom = lxml_html.fromstring(html_report.render(compute(out), "zh"))
    assert len(dom.xpath('//tr[contains(@class, "finding")]')) == 10
    total = len(pd.read_parquet(out / "findings"))
    assert f"按严重程度列出前 10 条，共 {total} 条" in dom.text_content()
    assert dom.xpath('//tr[contains(@class, "finding")]')[0].get("data-severity") == "error"  # worst first
