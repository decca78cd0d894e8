"""The findings and the year comparison as tables (headers and rows of text and ``Decimal`` 万元):
the one shape the site's pages, the API and the consolidated workbook's sheets all show, so the
workbook says what the site says (``tests/test_workbooks_agree_with_site.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budget_planner.aggregate.project_findings import ProjectFindings
from budget_planner.aggregate.years import Figures, UnitYears, YearComparison, change
from budget_planner.matching.policy import PolicyIndex

Cell = str | Decimal | int | None


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's name and the page's heading
    headers: tuple[str, ...]
    rows: list[list[Cell]]
    note: str = ""  # what to read it with
    money: frozenset[int] = frozenset()  # the columns holding 万元


DOUBLES, CONTINUED, MISMATCHES, POLICY, YEARS = (
    "重复申报",
    "延续项目",
    "新增延续不符",
    "政策依据",
    "上年对比",
)


def doubles_table(findings: ProjectFindings) -> Table:
    rows: list[list[Cell]] = []
    for n, d in enumerate(findings.doubles, start=1):
        rows.append(
            [
                n,
                d.first.source,
                d.first.name,
                d.first.amount,
                d.second.source,
                d.second.name,
                d.second.amount,
                d.match.reason,
            ]
        )
    return Table(
        DOUBLES,
        ("序号", "来源一", "项目一", "金额一", "来源二", "项目二", "金额二", "判断依据"),
        rows,
        "同一或几乎相同的项目由两个单位、两张表或上年另一单位申报（名称去掉地名、年份、编号和泛用词后相同或高度相似，或申报书的统一社会信用代码相同）；"
        "各单位申报本轮预设项目、转报关系、同一单位上年的项目（延续）不在此列。"
        "核对发现，不阻止上传。金额单位：万元。",
        frozenset({3, 6}),
    )


def continued_table(findings: ProjectFindings) -> Table:
    rows: list[list[Cell]] = []
    for c in findings.continuations:
        old = c.last_year
        rows.append(
            [
                c.row.unit,
                c.row.table,
                c.row.category,
                c.row.name,
                c.row.amount,
                old.name,
                old.amount,
                old.approved,
                c.match.reason,
            ]
        )
    year = findings.last_year.year if findings.last_year else ""
    return Table(
        CONTINUED,
        (
            "单位",
            "表",
            "类型",
            "项目",
            "本年申报",
            f"{year}年项目",
            f"{year}年申报",
            f"{year}年核定",
            "判断依据",
        ),
        rows,
        f"本年的项目与同一单位 {year} 年的项目相同（项目标识相同，或名称按重复申报的规则相同）：延续。"
        "金额单位：万元。",
        frozenset({4, 6, 7}),
    )


def mismatches_table(findings: ProjectFindings) -> Table:
    rows: list[list[Cell]] = [
        [m.row.unit, m.row.name, m.declared, m.message] for m in findings.mismatches
    ]
    return Table(
        MISMATCHES,
        ("单位", "项目", "申报书勾选", "说明"),
        rows,
        "申报书的“新增/延续”与上年的轮次不符（continuation.mismatch）：核对发现，不阻止上传。",
    )


def policy_table(index: PolicyIndex) -> Table:
    rows: list[list[Cell]] = []
    for doc in index.documents:
        projects = "；".join(f"{r.source} {r.name}" for r in doc.rows)
        rows.append([doc.title, len(doc.rows), doc.total, projects])
    note = index.note or "每个项目只引用一份文件：各文件金额之和等于本轮合计。"
    return Table(
        POLICY,
        ("政策文件", "引用项目数", "金额", "引用的项目"),
        rows,
        f"表一至表四各项目的政策依据中以《》引用的文件。{note}。金额单位：万元。",
        frozenset({2}),
    )


def _figures(name: str, category: str, f: Figures, unit: UnitYears | None) -> list[Cell]:
    control: list[Cell] = [None, None, None]
    if unit is not None:
        control = [unit.control, unit.last_control, unit.control_change]
    return [
        name,
        category,
        f.requested,
        f.last_requested,
        f.requested_change,
        f.approved,
        f.last_approved,
        change(f.approved, f.last_approved),
        *control,
    ]


def years_table(comparison: YearComparison) -> Table:
    this, last = comparison.year, comparison.last_year
    rows: list[list[Cell]] = []
    for unit in comparison.units:
        rows.append(_figures(unit.unit, "合计", unit.total, unit))
        for category, figures in unit.categories.items():
            rows.append(_figures(unit.unit, category, figures, None))
    whole = comparison.total
    rows.append(_figures("合计", "", whole.total, whole))
    return Table(
        YEARS,
        (
            "单位",
            "类型",
            f"{this}年申报",
            f"{last}年申报",
            "申报增减",
            f"{this}年核定",
            f"{last}年核定",
            "核定增减",
            f"{this}年控制数",
            f"{last}年控制数",
            "控制数增减",
        ),
        rows,
        f"本轮（{comparison.title}）与上年（{comparison.last_title}）按单位、按类型对比；"
        "每个单位先列合计，再列各类型。核定为空：尚未录入核定金额。金额单位：万元。",
        frozenset(range(2, 11)),
    )
