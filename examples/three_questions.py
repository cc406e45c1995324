"""Three questions a finance-bureau analyst asks of an output folder, answered with the loader.

    python examples/three_questions.py output

1. How much money sits behind each level-1 indicator type?
2. Which units copy the same target into (nearly) every indicator?
3. What satisfaction targets does each region set?

Each goal table counts once (``is_primary``), and budgets are summed on goal_tables before any
join, so an amount is never repeated once per indicator row.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from goaltables.pipelines import load

COPY_SHARE = 0.5  # a unit "copies" when one target text fills at least half of its indicators


def money_per_level1(t: dict[str, pd.DataFrame], names: pd.Series) -> pd.DataFrame:
    """Budget (万元) of the distinct project tables that have at least one indicator of each
    level-1 type. A table with output and effect indicators counts under both, once each."""
    tables = t["goal_tables"].query("is_primary and table_kind == 'project'")
    pairs = t["indicators"][["table_id", "level1"]].dropna().drop_duplicates()  # one row per table and type
    money = pairs.merge(tables[["table_id", "budget_total"]], on="table_id")
    out = money.groupby("level1", observed=True).agg(tables=("table_id", "nunique"), wan_yuan=("budget_total", "sum"))
    out.index = out.index.map(lambda code: names.get(code, code))
    return out.sort_values("wan_yuan", ascending=False)


def units_copying_targets(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Units whose most frequent target text fills at least COPY_SHARE of their indicators."""
    tables = t["goal_tables"].query("is_primary")[["table_id", "unit_name"]]
    rows = t["indicators"].merge(tables, on="table_id").dropna(subset=["target_raw", "unit_name"])
    counts = rows.groupby(["unit_name", "target_raw"], observed=True).size().rename("n").reset_index()
    top = counts.sort_values(["unit_name", "n", "target_raw"], ascending=[True, False, True]).groupby("unit_name").head(1)
    top = top.merge(rows.groupby("unit_name").size().rename("indicators").reset_index(), on="unit_name")
    top["share"] = (top.n / top.indicators).round(2)
    return top[top.share >= COPY_SHARE].set_index("unit_name")[["target_raw", "n", "indicators", "share"]]


def satisfaction_by_region(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Percentage targets of satisfaction indicators per county (or city), primary tables only."""
    tables = t["goal_tables"].query("is_primary")[["table_id", "county", "city"]]
    rows = t["indicators"].query("indicator_kind == 'satisfaction_rate' and target_unit == '%'")
    rows = rows.merge(tables, on="table_id")
    rows["region"] = rows.county.fillna(rows.city).fillna("?")
    return rows.groupby("region").target_value.agg(["count", "min", "median", "max"])


def main(out_dir: Path) -> None:
    t = load.tables(out_dir)
    codes = load.codes()
    names = codes[codes["column"] == "level1"].set_index("code").name_zh
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 120):
        print("1. 各一级指标类型涉及的项目预算（万元，每张目标表只计一次）")
        print(money_per_level1(t, names).to_string(), end="\n\n")
        print(f"2. 同一指标值占本单位指标 {COPY_SHARE:.0%} 以上的单位")
        print(units_copying_targets(t).to_string(), end="\n\n")
        print("3. 各地区满意度指标目标值（%）")
        print(satisfaction_by_region(t).to_string())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python examples/three_questions.py OUTPUT_DIR")
    main(Path(sys.argv[1]))
