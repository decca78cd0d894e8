"""The consolidated workbook's 图表 sheet: native Excel charts over the data sheets' ranges."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from budget_planner.aggregate.consolidate import Consolidation
from budget_planner.export.book_checks import PIVOT_SHEET, RECONCILE_SHEET
from budget_planner.export.book_styles import setup_sheet
from budget_planner.export.xlsx_safe import Styles

CHART_FONT = {"name": "宋体", "size": 9}


@dataclass(frozen=True)
class ChartData:
    """Where the charts find their data."""

    unit_rows: tuple[int, int]  # first and last unit line on 预算核对
    category_row: int  # the 类型 labels on 单位×类型
    category_total_row: int  # their totals
    category_cols: tuple[int, int]


def write_chart_sheet(wb: Workbook, styles: Styles, cons: Consolidation, data: ChartData) -> None:
    """Requested vs control number by unit (clustered column) and the split by 类型 (bar)."""
    ws = wb.add_worksheet("图表")
    ws.write_string(0, 0, f"{cons.round.title} · 图表（单位：万元）", styles["title"])
    first, last = data.unit_rows
    names = f"='{RECONCILE_SHEET}'!{xl_range_abs(first, 0, last, 0)}"
    column = wb.add_chart({"type": "column"})
    if cons.control is not None:
        column.add_series({
            "name": "控制数", "categories": names,
            "values": f"='{RECONCILE_SHEET}'!{xl_range_abs(first, 1, last, 1)}",
            "fill": {"color": "#A6A6A6"}, "gap": 80,
        })  # fmt: skip
    column.add_series({
        "name": "申报金额（表四）", "categories": names,
        "values": f"='{RECONCILE_SHEET}'!{xl_range_abs(first, 2, last, 2)}",
        "fill": {"color": "#4472C4"}, "gap": 80,
    })  # fmt: skip
    column.set_title(
        {"name": "各单位表四申报金额与控制数", "name_font": {**CHART_FONT, "size": 12}}
    )
    column.set_x_axis({"num_font": {**CHART_FONT, "rotation": -45}})
    column.set_y_axis({"num_format": "#,##0", "num_font": CHART_FONT,
                       "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})  # fmt: skip
    column.set_legend({"position": "top", "font": CHART_FONT})
    column.set_size({"width": 900, "height": 340})
    ws.insert_chart(2, 0, column)
    label_row, c1, c2 = data.category_row, *data.category_cols
    bar = wb.add_chart({"type": "bar"})
    bar.add_series({
        "name": "申报金额",
        "categories": f"='{PIVOT_SHEET}'!{xl_range_abs(label_row, c1, label_row, c2)}",
        "values": f"='{PIVOT_SHEET}'!{xl_range_abs(data.category_total_row, c1, data.category_total_row, c2)}",
        "fill": {"color": "#ED7D31"}, "gap": 60,
        "data_labels": {"value": True, "num_format": "#,##0.##", "font": CHART_FONT},
    })  # fmt: skip
    bar.set_title(
        {"name": "全省申报金额按类型（表一至表四）", "name_font": {**CHART_FONT, "size": 12}}
    )
    bar.set_y_axis({"reverse": True, "num_font": CHART_FONT})
    bar.set_x_axis({"num_format": "#,##0", "num_font": CHART_FONT,
                    "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})  # fmt: skip
    bar.set_legend({"none": True})
    bar.set_size({"width": 900, "height": 340})
    ws.insert_chart(21, 0, bar)
    setup_sheet(ws, widths=[8.43] * 14, last_row=39)
    ws.fit_to_pages(1, 1)
