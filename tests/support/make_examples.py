"""Write the sample submissions of ``examples/`` (inputs for the README tour and the demo), and
those of 清远市's county round in ``examples-qingyuan/`` (its 县市区's 表四 and control numbers).

    .venv/bin/python tests/support/make_examples.py [OUT_DIR [COUNTY_OUT_DIR]]

Each file is made the way a unit makes it: the issued template filled in with openpyxl (清远市), a
hand-made copy with every quirk staff bring (韶关市), a table with planted mistakes (河源市), the Word
table itself (梅州市) and one 项目支出预算明细表 (清远市, for its 表四 row). The files are committed;
rerun this after a change to the builders or the templates and commit the result.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from builders import QUIRKS, Submission, make_budget, project, table4_rows
from openpyxl import load_workbook

from budget_planner.templates.round import load_round
from budget_planner.templates.writer import write_table_template

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COUNTY_EXAMPLES = Path(__file__).resolve().parents[2] / "examples-qingyuan"
COUNTY_ROUND = "qingyuan-2024"
PERFORMANCE = "完成年度目标任务，形成工作总结报告1份"
BASIS = "《广东省知识产权保护和运用“十四五”规划》"
NAVIGATION = "专利导航服务基地培育建设项目"


def fill_template(
    unit: str,
    taken: dict[str, object],
    own: dict[str, object] | None = None,
    table: str = "表四",
    round_name: str | None = None,
) -> bytes:
    """The issued template of ``unit`` filled with openpyxl as staff do: an amount and 项目绩效 for
    each preset taken up, the unit's own project in the first placeholder row. Formulas (合计) keep no
    cached value, as openpyxl saves them."""
    wb = load_workbook(io.BytesIO(write_table_template(load_round(round_name), table, unit)))
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "序号")
    col = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    rows = {ws.cell(r, col["拟设置项目"]).value: r for r in range(header + 1, ws.max_row + 1)}
    for name, amount in taken.items():
        ws.cell(rows[name], col["金额"]).value = amount
        ws.cell(rows[name], col["项目绩效"]).value = PERFORMANCE
    if own:
        r = rows["各县区根据工作内容拟设置的项目1"]
        for label, value in own.items():
            ws.cell(r, col[label]).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def qingyuan_table4() -> bytes:
    taken = {
        NAVIGATION: 50,
        "高价值专利培育布局中心建设": 80,
        "知识产权纠纷多元化解": 30,
        "商标品牌培育指导站规范化建设和服务能力提升项目": 20.5,
    }
    own = {
        "主要工作内容": "在重点园区建设知识产权公共服务网点",
        "拟设置项目": "知识产权公共服务网点建设",
        "金额": 15,
        "项目设置必要性": "完善市县两级知识产权公共服务体系",
        "项目设置政策依据": "《知识产权公共服务“十四五”规划》",
        "项目绩效": "新建服务网点3个，年服务企业200家次",
    }
    return fill_template("清远市", taken, own)


def shaoguan_table4() -> bytes:
    """A hand-made copy of 表四: two-row header, merged 类型, spacers, 小计 and 合计 formulas, a
    填表说明 sheet first, a hidden dropdown list, footer lines; valid."""
    taken = {"高价值专利培育布局中心建设": 40, "知识产权纠纷多元化解": 25, "专利转化实施专项": 60}
    own = {
        "知识产权人才建设": [
            project("知识产权人才建设", "知识产权专业人才培训", 12.5, performance="培训300人次")
        ]
    }
    rows = table4_rows(taken=taken, own=own)
    for row in rows:
        if row.get("amount") is not None and not row.get("performance"):
            row["performance"] = PERFORMANCE
    quirks = QUIRKS - {"old_draft", "metadata", "category_every_row", "total", "numbering_row"}
    return Submission("表四", rows=rows, quirks=quirks, unit="韶关市").xlsx("xlsxwriter")


def heyuan_table1() -> Submission:
    """河源市's 表一 with four planted errors (and one warning), a typed 合计."""
    rows = [
        project("知识产权高质量创造", "高价值专利培育中心", 60, count_amount="3个×20万元"),
        project(None, "专利导航项目", -5),
        project("知识产权运营", "运营平台建设", 40),
        project("强化知识产权保护", None, 30),
        project(None, "维权援助项目", 9.5, count_amount="2项，每项5万元"),
        project("知识产权管理", "统计监测", 100, policy_basis="按省局工作要点"),
    ]
    quirks = frozenset({"title", "unit_line", "money_unit", "serial", "total", "footer"})
    return Submission("表一", rows=rows, quirks=quirks, unit="河源市")


def meizhou_table4_docx() -> bytes:
    taken = {"地理标志产品流通和展示推广项目": 35, "知识产权证券化推广项目": 20}
    rows = [r for r in table4_rows(taken=taken) if r.get("amount") is not None]
    for row in rows:
        row["performance"] = PERFORMANCE
    return Submission("表四", rows=rows, unit="梅州市").docx()


def qingyuan_budget() -> bytes:
    """The 预算表 of 清远市's 专利导航 project: 50 from the province, as in its 表四."""
    values = {
        "project_name": NAVIGATION,
        "table_ref": "表四",
        "category": "知识产权高质量创造",
        "project_kind": "专利导航",
        "period": "2024年3月至2025年2月",
        "provincial": 50,
        "local_matching": 10,
        "self_raised": 0,
        "service_fee": 30,
        "maintenance_fee": 0,
        "expert_fee": 6,
        "training": 8,
        "publicity": 4,
        "other_expenses": 2,
        "calculation_note": "知识产权服务费30万元：委托服务机构开展产业专利导航分析；专家咨询费6万元："
        "论证评审3次；培训费8万元：专题培训2期；宣传费4万元：成果发布；其他相关费用2万元：资料印刷。",
    }
    return make_budget(values, engine="xlsxwriter", total="formula")


def qingcheng_table4() -> bytes:
    """清城区's 表四 in 清远市's county round: the city's issued template, filled in."""
    taken = {"高价值专利培育布局中心建设": 30, "专利转化实施专项": 20}
    own = {
        "主要工作内容": "在区内商圈设立知识产权纠纷人民调解工作室",
        "拟设置项目": "知识产权纠纷人民调解工作室建设",
        "金额": 10,
        "项目设置必要性": "就近化解商户之间的商标、专利纠纷",
        "项目设置政策依据": "《关于强化知识产权保护的意见》",
        "项目绩效": "年调解纠纷30件以上",
    }
    return fill_template("清城区", taken, own, round_name=COUNTY_ROUND)


def yingde_table4() -> bytes:
    """英德市's 表四 (英德红茶 is a 地理标志 product): the issued template, filled in."""
    taken = {
        "地理标志产品流通和展示推广项目": 25,
        "商标品牌培育指导站规范化建设和服务能力提升项目": 10,
    }
    return fill_template("英德市", taken, round_name=COUNTY_ROUND)


def lianzhou_table4() -> bytes:
    """连州市's 表四 as a hand-made copy sent by e-mail (the city uploads it on its behalf)."""
    rows = [
        project("知识产权高效能转化", "知识产权金融创新促进计划项目", 15, performance=PERFORMANCE),
        project("知识产权文化宣传及合作交流", "知识产权宣传周活动", 5, performance=PERFORMANCE),
    ]
    quirks = frozenset({"title", "unit_line", "money_unit", "serial", "total", "footer"})
    county = load_round(COUNTY_ROUND)
    return Submission("表四", rows=rows, quirks=quirks, unit="连州市", round_=county).xlsx()


COUNTY_CONTROL = (
    "单位,控制数\n清城区,80\n清新区,60\n英德市,50\n连州市,40\n佛冈县,30\n阳山县,30\n"
    "连山壮族瑶族自治县,25\n连南瑶族自治县,25\n"
)


def build_county() -> dict[str, bytes]:
    return {
        "清城区-表四.xlsx": qingcheng_table4(),
        "英德市-表四.xlsx": yingde_table4(),
        "连州市-表四.xlsx": lianzhou_table4(),
        "控制数.csv": COUNTY_CONTROL.encode("utf-8"),
    }


def build() -> dict[str, bytes]:
    return {
        "清远市-表四.xlsx": qingyuan_table4(),
        "韶关市-表四（手工表）.xlsx": shaoguan_table4(),
        "河源市-表一.xlsx": heyuan_table1().xlsx(),
        "梅州市-表四.docx": meizhou_table4_docx(),
        f"清远市-预算表-{NAVIGATION}.xlsx": qingyuan_budget(),
    }


def main(out: Path = EXAMPLES, county_out: Path = COUNTY_EXAMPLES) -> None:
    for folder, files in ((out, build()), (county_out, build_county())):
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
            print(f"{folder / name}  {len(data) // 1024} KB")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:3]))
