"""Write the demo round's further submissions into ``examples/`` (for the README's ``aggregate`` tour).

    .venv/bin/python tests/support/make_demo_round.py [OUT_DIR]

Six more cities, made with ``tests/support/builders.py`` the way staff make them: 广州市 (表四 with a merged
类型 column and a typed 合计), 深圳市 (表四 over its control number, and 表一), 佛山市 (表四 with a
two-row header and 小计 rows, and 表二), 东莞市 (表四 sent twice: the newer document is the one
without a suffix, the older one is named so that it sorts after it), 湛江市 (表四 and 表三) and 肇庆市
(表四 and the 项目支出预算明细表 of one of its projects). Every file carries its own document time, so
the versions order the same after a ``git clone``. ``控制数.csv`` (UTF-8 with BOM, as Excel saves
it) gives all 21 cities' control numbers. The files are committed; rerun after a change to the
builders and commit the result. The other examples (清远市, 韶关市, 河源市, 梅州市) come from
``tests/support/make_examples.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from builders import (
    DEFAULT_QUIRKS,
    Submission,
    budget_layout,
    project,
    subsidy,
    table4_rows,
    workbook,
)
from synthetic_round import beijing, with_modified

from budget_planner.templates.round import load_round

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PERFORMANCE = "完成年度目标任务，形成工作总结报告1份"
ROUND = load_round()

CONTROL = {
    "广州市": 380, "深圳市": 300, "珠海市": 160, "汕头市": 150, "佛山市": 260, "韶关市": 150,
    "河源市": 110, "梅州市": 120, "惠州市": 170, "汕尾市": 100, "东莞市": 240, "中山市": 150,
    "江门市": 140, "阳江市": 100, "湛江市": 150, "茂名市": 130, "肇庆市": 130, "清远市": 200,
    "潮州市": 100, "揭阳市": 110, "云浮市": 90,
}  # fmt: skip


def table4(unit: str, taken: dict[str, object], own: dict[str, list] | None = None) -> list[dict]:
    rows = table4_rows(ROUND, taken, own)
    for row in rows:
        if row.get("amount") and not row.get("performance"):
            row["performance"] = PERFORMANCE
    return rows


def own(category: str, name: str, amount: object, work: str) -> dict[str, list]:
    return {category: [project(category, name, amount, work=work, performance=PERFORMANCE)]}


def submissions() -> list[tuple[str, bytes, str]]:
    """(file name, bytes, the document's own modified time in Beijing time)."""
    q = DEFAULT_QUIRKS
    files = []

    def add(name: str, sub: Submission, when: str, engine: str = "openpyxl") -> None:
        files.append((name, sub.xlsx(engine), when))

    add(
        "广州市-表四.xlsx",
        Submission(
            "表四",
            table4(
                "广州市",
                {
                    "知识产权强市强县建设项目": 120,
                    "高价值专利培育布局中心建设": 80,
                    "国家级知识产权保护中心、快维中心快速协同保护能力提升": 60,
                    "知识产权金融创新促进计划项目": 45.5,
                },
            ),
            unit="广州市",
            quirks=q | {"merged_category", "total", "footer"},
        ),
        "2023-12-12 16:20",
    )
    shenzhen = table4(
        "深圳市",
        {
            "高价值专利培育布局中心建设": 150,
            "知识产权纠纷多元化解": 60,
            "1、海外分中心知识产权海外应对能力提升\n2、海外知识产权侵权责任险推广": 80,
            "知识产权证券化推广项目": 35,
        },
        own("知识产权管理", "知识产权统计监测与分析", 12.5, "开展知识产权统计监测分析"),
    )
    add(
        "深圳市-表四.xlsx",
        Submission("表四", shenzhen, unit="深圳市", quirks=q | {"total_formula"}),
        "2023-12-13 09:45",
        engine="xlsxwriter",
    )
    add(
        "深圳市-表一.xlsx",
        Submission(
            "表一",
            [
                project(
                    "知识产权高质量创造",
                    "PCT国际专利申请资助",
                    200,
                    count_amount="4项，每项50万元",
                    performance=PERFORMANCE,
                ),
                project(
                    None,
                    "高价值专利组合培育",
                    90,
                    count_amount="3个×30万元",
                    performance=PERFORMANCE,
                ),
                project(
                    "知识产权高水平服务", "知识产权公共服务网点建设", 40, performance=PERFORMANCE
                ),
            ],
            unit="深圳市",
            quirks=q | {"total"},
        ),
        "2023-12-13 10:05",
    )
    add(
        "佛山市-表四.xlsx",
        Submission(
            "表四",
            table4(
                "佛山市",
                {
                    "优势示范企业培育和知识产权贯标推进": 50,
                    "专利导航服务基地培育建设项目": 40,
                    "重点园区知识产权综合运营中心建设": 70,
                    "专利转化实施专项": 66.8,
                },
            ),
            unit="佛山市",
            quirks=q | {"two_row_header", "subtotals"},
        ),
        "2023-12-11 11:30",
    )
    add(
        "佛山市-表二.xlsx",
        Submission(
            "表二",
            [
                subsidy(
                    "中国专利奖配套奖励", 30, subsidy_recipient="获奖企业", performance=PERFORMANCE
                ),
                subsidy(
                    "广东专利奖配套奖励",
                    18.6,
                    subsidy_recipient="获奖企业",
                    performance=PERFORMANCE,
                ),
            ],
            unit="佛山市",
            quirks=q | {"total"},
        ),
        "2023-12-11 11:40",
    )
    # 东莞市 sent 表四 twice: the older draft's name sorts after the newer file's
    add(
        "东莞市-表四（旧版）.xlsx",
        Submission(
            "表四",
            table4(
                "东莞市",
                {
                    "高价值专利培育布局中心建设": 90,
                    "知识产权纠纷行政裁决效能提升": 40,
                },
            ),
            unit="东莞市",
        ),
        "2023-12-05 15:00",
    )
    add(
        "东莞市-表四.xlsx",
        Submission(
            "表四",
            table4(
                "东莞市",
                {
                    "高价值专利培育布局中心建设": 100,
                    "知识产权纠纷行政裁决效能提升": 40,
                    "商标品牌培育指导站规范化建设和服务能力提升项目": 35,
                },
            ),
            unit="东莞市",
            quirks=q | {"spacers", "total"},
        ),
        "2023-12-14 17:10",
    )
    zhanjiang = table4(
        "湛江市",
        {
            "地理标志产品培育、地理标志专用标志使用、国家地理标志产品保护示范区建设": 45,
            "地理标志产品流通和展示推广项目": 30,
        },
        own(
            "知识产权文化宣传及合作交流", "知识产权宣传周系列活动", 8, "组织4·26知识产权宣传周活动"
        ),
    )
    add(
        "湛江市-表四.xlsx",
        Submission("表四", zhanjiang, unit="湛江市", quirks=q | {"category_every_row"}),
        "2023-12-15 10:00",
    )
    add(
        "湛江市-表三.xlsx",
        Submission(
            "表三",
            [
                project("强化知识产权保护", "专利代办处窗口服务提升", 25, performance=PERFORMANCE),
                project(
                    "知识产权高水平服务",
                    "保护中心预审服务能力建设",
                    35,
                    count_amount="1个，35万元",
                    performance=PERFORMANCE,
                ),
            ],
            unit="湛江市",
        ),
        "2023-12-15 10:30",
    )
    add(
        "肇庆市-表四.xlsx",
        Submission(
            "表四",
            table4(
                "肇庆市",
                {
                    "知识产权强市强县建设项目": 50,
                    "知识产权联盟及专利池建设项目": 30,
                },
            ),
            unit="肇庆市",
            quirks=q | {"footer"},
        ),
        "2023-12-10 14:00",
    )
    budget = budget_layout({
        "project_name": "知识产权联盟及专利池建设项目",
        "table_ref": "表四",
        "category": "知识产权高质量创造",
        "project_kind": "知识产权运营",
        "provincial": 30, "local_matching": 10, "self_raised": 20, "other_sources": 0,
        "service_fee": 18, "maintenance_fee": 5, "expert_fee": 3, "enforcement_aid": 0,
        "training": 2, "publicity": 2, "other_expenses": 0,
        "calculation_note": "知识产权服务费18万元用于专利池运营；专利维持费5万元；专家咨询费3万元；培训费、宣传费各2万元。",
    }, unit="肇庆市", round_=ROUND)  # fmt: skip
    files.append(
        ("肇庆市-预算表-知识产权联盟及专利池建设项目.xlsx", workbook([budget]), "2023-12-10 14:30")
    )
    return files


def control_csv() -> bytes:
    lines = ["2024年度知识产权专项资金下放地市控制数（万元）", "单位,控制数（万元）"]
    lines += [f"{unit},{amount}" for unit, amount in CONTROL.items()]
    lines.append(f"合计,{sum(CONTROL.values())}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def main(out: Path = EXAMPLES) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data, when in submissions():
        path = out / name
        path.write_bytes(with_modified(data, beijing(when)))
        written.append(path)
    path = out / "控制数.csv"
    path.write_bytes(control_csv())
    written.append(path)
    return written


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLES):
        print(f"{p.stat().st_size:>7}  {p}")
