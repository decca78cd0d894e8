"""The third real-world set: what the makers share (texts, rows, writers) and the list of makers.

Each maker returns ``Made(name, data, producer)``; ``producer`` says how ``make_realworld3.py``
finishes the bytes: ``wps`` (written by ``realworld3_xml`` as WPS saves), ``openpyxl`` (a clerk's
copy-paste, saved as is), ``xlwt`` (a BIFF8 .xls written by xlwt), ``docx`` (python-docx), and
``lo-xlsx`` / ``lo-xls`` / ``lo-ods`` (opened and saved by LibreOffice: as .xlsx, as .xls, or as .ods
and then that .ods saved as .xlsx). The makers are in ``realworld3_province`` (the 广东 round) and
``realworld3_hengyang`` (the 衡阳 round, ``--round hengyang-2024``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import openpyxl
import xlwt

POLICY = "《广东省知识产权保护和运用“十四五”规划》"
HY_POLICY = "《衡阳市知识产权专项资金管理办法》（衡市监\u30142022\u30155号）"
NEED = "贯彻落实知识产权强省建设部署，补齐本地短板。"
GOAL = "培育企业15家，举办活动2场，形成报告1份"
# seed 002's 表一 header, cell by cell as the Word notice has it
HEAD_1 = ["序号", "类型", "主要工作内容", "经费安排（万元）", "拟设置项目", "项目数及单项金额"]
HEAD_1 += ["项目设置必要性", "项目设置政策依据", "项目绩效", "备注"]
# seed 002's 表三 header: the line breaks of the Word cells kept
HEAD_3 = [
    "序号",
    "类型",
    "主要工作内容",
    "经费安排\n\n（万元）",
    "拟设置项目",
    "项目数及\n\n单项金额",
]
HEAD_3 += ["项目设置\n\n必要性", "项目设置\n\n政策依据", "项目绩效", "备注"]
HEAD_2 = ["序号", "主要工作内容", "后补助名称", "后补助经费", "后补助依据", "后补助承接单位"]
HEAD_2 += ["项目绩效", "备注"]
HEAD_4 = ["序号", "类型", "主要工作内容", "拟设置项目", "金额", "项目设置必要性"]
HEAD_4 += ["项目设置政策依据", "项目绩效", "备注"]
QIANG = "知识产权强市、强县建设"
GAO, BAO, ZHUAN = "知识产权高质量创造", "强化知识产权保护", "知识产权高效能转化"
FU, REN, WEN, GUAN = (
    "知识产权高水平服务",
    "知识产权人才建设",
    "知识产权文化宣传及合作交流",
    "知识产权管理",
)
TITLE = "2024年度知识产权项目需求征集表"
SOURCES = ["合计", "1、省局项目支出", "2、地方、部门配套", "3、单位自筹", "4、其他来源"]
EXPENSES = ["1、知识产权服务费", "2、专利维持费", "3、专家咨询费", "4、维权援助费", "5、培训费"]
EXPENSES += ["6、宣传费", "7、其他相关费用（须注明）"]


@dataclass(frozen=True)
class Made:
    name: str
    data: bytes
    producer: str  # wps | openpyxl | xlwt | docx | lo-xlsx | lo-xls | lo-ods


def row4(n, category, work, project, amount, remark=None, policy=POLICY, goal=GOAL):
    return [n, category, work, project, amount, NEED, policy, goal, remark]


def row1(n, category, work, amount, project, count, remark=None, policy=POLICY):
    return [n, category, work, amount, project, count, NEED, policy, GOAL, remark]


def row2(n, work, name, amount, recipient, basis="《广东省专利奖励办法》"):
    return [n, work, name, amount, basis, recipient, GOAL, None]


def put(ws, row: int, values: Sequence[object], col: int = 1) -> None:
    """openpyxl: a row of values from ``col``, None left empty."""
    for i, v in enumerate(values):
        if v is not None:
            ws.cell(row=row, column=col + i, value=v)


def save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_book(rows_by_sheet: dict[str, list[tuple[int, Sequence[object]]]], merges=None) -> bytes:
    """xlwt: each sheet's rows (1-based row, values from column A); amounts shown as #,##0.00;
    ``merges``: sheet → [(r0, r1, c0, c1)] 1-based inclusive, the value in the top-left cell."""
    book = xlwt.Workbook(encoding="utf-8")
    money = xlwt.easyxf(num_format_str="#,##0.00")
    wrap = xlwt.easyxf("align: wrap on")
    for name, rows in rows_by_sheet.items():
        ws = book.add_sheet(name)
        spans = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in (merges or {}).get(name, [])}
        for r, values in rows:
            for c, v in enumerate(values, 1):
                if v is None:
                    continue
                style = money if isinstance(v, float) else wrap
                if (r, c) in spans:
                    r1, c1 = spans[(r, c)]
                    ws.write_merge(r - 1, r1 - 1, c - 1, c1 - 1, v, style)
                else:
                    ws.write(r - 1, c - 1, v, style)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def budget_block(money: dict[str, object], note: str, *, unit_line: str = "单位：万元"):
    """Seed 000 §三 as rows of five cells (A 说明, B 来源/明细, C 项目, D 金额, E 备注), from its
    heading: the rows and the merges (r0, c0, r1, c1) relative to the first row (0-based)."""
    rows: list[list[object]] = [[None, None, None, unit_line, None]]
    rows.append(["项目支出预算及测算说明", "项目资金来源", "资金来源", "金额", "备注"])
    rows += [[None, None, label, money.get(label), None] for label in SOURCES]
    rows.append([None, "省局拨款项目支出明细", "支出项目内容", "金额", None])
    rows += [[None, None, label, money.get(label), None] for label in EXPENSES]
    rows.append(["支出项目经费测算说明：", note, None, None, None])
    n = len(rows)
    merges = [(1, 0, n - 2, 0), (1, 1, 6, 1), (7, 1, n - 2, 1), (n - 1, 1, n - 1, 4)]
    return rows, merges


def makers():
    """Every maker of the set: (the province's, 衡阳's)."""
    import realworld3_hengyang as hy
    import realworld3_province as gd

    return gd.MAKERS, hy.MAKERS
