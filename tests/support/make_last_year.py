"""Write ``examples-2023/`` — the province's 2023 分配方案, as the service itself writes it
(``export/allocation_plan.py``): the last-year plan the demo imports and the tests read.

    .venv/bin/python tests/support/make_last_year.py [OUT_DIR]

Realistic on purpose: the projects are those the cities asked for the year before the 2024 examples
(``examples/``), so that some come back — 清远市's 专利导航服务基地培育建设项目 and 佛山市's
重点园区知识产权综合运营中心建设 (延续, one under a slightly different name) — while others end; a
city (汕头市) that sends nothing in 2024's examples; a 表二 后补助 without 类型; cuts with reasons.
The figures are fixed here (the tests assert them), the file is committed; rerun after a change to
the plan writer and commit the result.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

from budget_planner.aggregate.allocation import Plan, PlanLine, UnitPlan
from budget_planner.export.allocation_plan import write_allocation_plan

OUT = Path(__file__).resolve().parents[2] / "examples-2023"
FILE_NAME = "2023年度分配方案.xlsx"
TITLE = "2023年度知识产权项目需求征集"
MADE_AT = dt.datetime(2023, 3, 20, 2, 0, tzinfo=dt.UTC)
CUT = "按控制数统筹核减"

# unit → control number (万元) and its lines: (table, 类型, project, 申报, 核定, 核减理由)
UNITS: dict[str, tuple[str | None, list[tuple[str, str, str, str, str | None, str]]]] = {
    "广州市": (
        "280",
        [
            ("表四", "知识产权强市、强县建设", "知识产权强市强县建设项目", "100", "100", ""),
            ("表四", "知识产权高质量创造", "高价值专利培育布局中心建设", "90", "80", CUT),
            ("表四", "知识产权高效能转化", "知识产权质押融资风险补偿", "60", "60", ""),
        ],
    ),
    "深圳市": (
        "350",
        [
            ("表一", "知识产权高质量创造", "PCT国际专利申请资助", "180", "150", CUT),
            ("表四", "强化知识产权保护", "知识产权纠纷多元化解", "50", "50", ""),
            ("表四", "知识产权高效能转化", "知识产权证券化推广项目", "40", "30", CUT),
        ],
    ),
    "佛山市": (
        "200",
        [
            ("表二", "", "中国专利奖配套奖励", "25", "25", ""),
            ("表四", "知识产权高效能转化", "重点园区知识产权综合运营中心", "60", "50", CUT),
            ("表四", "知识产权高质量创造", "专利导航服务基地培育建设项目", "35", "35", ""),
        ],
    ),
    "韶关市": (
        "110",
        [
            ("表四", "知识产权高质量创造", "高价值专利培育布局中心建设", "40", "40", ""),
            ("表四", "知识产权人才建设", "知识产权专业人才培训", "10", "10", ""),
        ],
    ),
    "清远市": (
        "150",
        [
            ("表四", "知识产权高质量创造", "专利导航服务基地培育建设项目", "45", "40", CUT),
            ("表四", "强化知识产权保护", "知识产权纠纷多元化解", "25", "25", ""),
            ("表四", "知识产权管理", "知识产权统计监测与分析", "12", None, ""),
        ],
    ),
    "汕头市": (
        "90",
        [
            ("表四", "强化知识产权保护", "海外知识产权纠纷应对指导", "30", "30", ""),
        ],
    ),
}


def _money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def last_year_plan() -> Plan:
    units = []
    for unit, (control, lines) in UNITS.items():
        plan = UnitPlan(unit, _money(control))
        for table, category, project, requested, approved, reason in lines:
            plan.lines.append(
                PlanLine(
                    unit=unit,
                    table=table,
                    category=category,
                    project=project,
                    key=f"{unit}|{table}|{category}|{project}",
                    requested=_money(requested),
                    approved=_money(approved),
                    state="已通过",
                    reason=reason if approved is not None and approved != requested else "",
                )
            )
        units.append(plan)
    return Plan(TITLE, units, every_unit=units)


def write(out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / FILE_NAME
    write_allocation_plan(target, last_year_plan(), made_at=MADE_AT)
    return target


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
