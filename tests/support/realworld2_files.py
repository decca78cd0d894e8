"""The second real-world set (issue 12): returns made by other producers than ``builders.py`` and
``realworld_files.py`` — openpyxl with inline strings and rich text, LibreOffice .xlsx and BIFF8 .xls
(saved by ``soffice --headless --convert-to``), python-docx 申报书 with several tables, workbooks on
the 1904 date system, and a 衡阳 round of county returns with its 园区.

Each maker returns ``Made(name, data, producer)``: ``data`` is what openpyxl or python-docx wrote;
``producer`` says how ``make_realworld2.py`` finishes it (``inline`` rewrites every shared string as
an inline string; ``lo-xlsx`` / ``lo-xls`` have LibreOffice open and save it). The finished files are
committed in ``tests/realworld2/``; their outcomes are written in ``tests/test_realworld2.py``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import openpyxl
from docx import Document
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

POLICY = "《广东省知识产权保护和运用“十四五”规划》"
HY_POLICY = "《衡阳市知识产权专项资金管理办法》"
NEED = "落实省局部署，推动知识产权工作高质量发展。"
GOAL = "服务企业20家，形成报告1份"
HEAD_1 = ["序号", "类型", "主要工作内容", "经费安排\n（万元）", "拟设置项目", "项目数及\n单项金额"]
HEAD_1 += ["项目设置\n必要性", "项目设置\n政策依据", "项目绩效", "备注"]
HEAD_2 = ["序号", "主要工作内容", "后补助名称", "后补助经费", "后补助依据", "后补助承接单位"]
HEAD_2 += ["项目绩效", "备注"]
HEAD_4 = ["序号", "类型", "主要工作内容", "拟设置项目", "金额", "项目设置必要性"]
HEAD_4 += ["项目设置政策依据", "项目绩效", "备注"]
GAO, BAO, ZHUAN = "知识产权高质量创造", "强化知识产权保护", "知识产权高效能转化"
FU, REN, WEN = "知识产权高水平服务", "知识产权人才建设", "知识产权文化宣传及合作交流"
BOLD = InlineFont(b=True)
RED = InlineFont(color="FFFF0000")


@dataclass(frozen=True)
class Made:
    name: str
    data: bytes
    producer: str  # openpyxl | inline | lo-xlsx | lo-xls | docx


def row4(n, category, work, project, amount, remark=None, policy=POLICY):
    return [n, category, work, project, amount, NEED, policy, GOAL, remark]


def row1(n, category, work, amount, project, count, remark=None):
    return [n, category, work, amount, project, count, NEED, POLICY, GOAL, remark]


def row2(n, work, name, amount, recipient, basis="《专利资助后补助办法》"):
    return [n, work, name, amount, basis, recipient, GOAL, None]


def _put(ws, row: int, values: Sequence[object], col: int = 1) -> None:
    for i, v in enumerate(values):
        if v is not None:
            ws.cell(row=row, column=col + i, value=v)


def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rich(*parts: tuple[str, InlineFont | None]) -> CellRichText:
    return CellRichText(*[TextBlock(font, text) if font else text for text, font in parts])


def _table(ws, top: int, title: str, unit_line: str | None, head, rows) -> int:
    """Title, 填报单位 line (row top+1) and header (top+2); the rows below. The next free row."""
    ws.cell(row=top, column=1, value=title)
    if unit_line:
        ws.cell(row=top + 1, column=1, value=unit_line)
    _put(ws, top + 2, head)
    for i, line in enumerate(rows):
        _put(ws, top + 3 + i, line)
    return top + 3 + len(rows)


# ================================================================ openpyxl, inline strings and rich text
def qy_table4_hidden_rows() -> Made:
    """Qingyuan's 表四 in rich text (bold 类型, a red word in a project), every string inline; rows
    8–9 hidden (two projects someone meant to drop, still in the file), a typed 合计."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    rows = [
        row4(
            1,
            _rich(("知识产权", BOLD), ("高质量创造", None)),
            "专利导航",
            "专利导航服务基地培育建设项目",
            30,
        ),
        row4(
            2,
            None,
            "专利池",
            _rich(("知识产权联盟", None), ("及专利池", RED), ("建设项目", None)),
            20,
        ),
        row4(3, BAO, "纠纷化解", "知识产权纠纷多元化解", 15),
        row4(4, None, "行政裁决", "知识产权纠纷行政裁决效能提升", 10),
        row4(5, None, "信用监管", "推广开展知识产权领域以信用为基础的分级分类监管工作", 5),
        row4(6, ZHUAN, "运营中心", "重点园区知识产权综合运营中心建设", 40),
        ["合计", None, None, None, 120],
    ]
    end = _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（四）",
        "填报单位：清远市市场监督管理局（知识产权局）",
        HEAD_4,
        rows,
    )
    ws.cell(row=end + 1, column=1, value="填表人：黄敏　联系电话：0763-3388123")
    for r in (8, 9):
        ws.row_dimensions[r].hidden = True
    return Made("清远市-表四-内联文本.xlsx", _save(book), "inline")


def sg_table4_continued() -> Made:
    """Shaoguan's 表四 over two sheets, 表四 and 表四（续）: the header repeated on the second, the
    合计 at its foot over both (inline strings)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    first = [
        row4(1, GAO, "专利培育", "高价值专利培育布局中心建设", 50),
        row4(2, None, "专利导航", "专利导航服务基地培育建设项目", 25.5),
        row4(3, BAO, "维权援助", "知识产权纠纷多元化解", 20),
    ]
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（四）",
        "填报单位：韶关市市场监督管理局",
        HEAD_4,
        first,
    )
    ws2 = book.create_sheet("表四（续）")
    _put(ws2, 1, HEAD_4)
    second = [
        row4(4, ZHUAN, "运营中心", "重点园区知识产权综合运营中心建设", 60),
        row4(5, None, "金融", "知识产权金融创新促进计划项目", 14.5),
        ["合计", None, None, None, 170],
    ]
    for i, line in enumerate(second, 2):
        _put(ws2, i, line)
    return Made("韶关市-表四.xlsx", _save(book), "inline")


def hy_table2_in_yuan_with_a_double() -> Made:
    """Heyuan's 表二 with 后补助经费（元）: one 后补助 to two 承接单位 (two projects), and the same
    后补助 to the same 承接单位 typed twice (a double request, row 8)."""
    book = openpyxl.Workbook()
    ws = book.active
    head = list(HEAD_2)
    head[3] = _rich(("后补助经费", BOLD), ("（元）", RED))
    rows = [
        row2(1, "专利资助", "发明专利资助后补助", 300000, "河源市知识产权服务中心"),
        row2(2, "专利资助", "发明专利资助后补助", 125000, "河源高新区企业服务中心"),
        row2(3, "贯标", "贯标后补助", 80000, "河源某电子有限公司"),
        row2(4, "专利资助", "发明专利资助后补助", 300000, "河源市知识产权服务中心"),
    ]
    _table(
        ws, 2, "2024年度知识产权项目需求征集表（二）", "填报单位：河源市市场监督管理局", head, rows
    )
    ws["A1"] = "附件2"
    return Made("河源市-表二-元.xlsx", _save(book), "inline")


def mz_table3_nothing_to_report() -> Made:
    """Meizhou's 表三 sent back with one row: 暂无 in 主要工作内容 (a nil return)."""
    book = openpyxl.Workbook()
    ws = book.active
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（三）支持专利代办处和省知识产权保护中心开展工作",
        "填报单位：梅州市市场监督管理局",
        HEAD_1,
        [[None, None, _rich(("暂无", BOLD))]],
    )
    return Made("梅州市-表三.xlsx", _save(book), "inline")


# ================================================================ LibreOffice .xlsx
def _declaration_sheet(ws, info: dict[str, object], money: dict[str, object], note: str) -> None:
    """Seed 000's 申报书 on one sheet, as a clerk retypes it: the cover lines, §一 基本信息, §三 预算明细表
    (no 所属表, 类型 or 项目类别; the period split as 研究起止日期 | start | 至 | end)."""
    lines = [
        ["衡阳市知识产权专项项目申报书"],
        ["项目名称： _____"],
        ["申请单位名称： (公章) _____"],
        ["推荐单位名称： _____"],
        [],
        ["一、项目基本信息"],
        ["项目名称", info["name"]],
        ["项目属性", "1. 新增项目 ☑ 2. 延续项目 □"],
        ["研究起止日期", info["start"], "至", info["end"]],
        ["项目申请单位名称", info["applicant"], "统一社会信用代码", info["code"]],
        ["法人代表", "张伟", "单位性质", "民营企业"],
        ["推荐单位名称", info.get("recommender")],
        [],
        ["三、项目支出预算明细表"],
        [None, None, None, "单位：万元"],
        ["项目支出预算及测算说明", "项目资金来源", "资金来源", "金额", "备注"],
    ]
    for r, line in enumerate(lines, 1):
        _put(ws, r, line)
    r = len(lines) + 1  # 17
    for label in ("合计", "1、省局项目支出", "2、地方、部门配套", "3、单位自筹", "4、其他来源"):
        _put(ws, r, [None, None, label, money.get(label)])
        r += 1
    _put(ws, r, [None, "省局拨款项目支出明细", "支出项目内容", "金额"])
    r += 1
    expenses = ["1、知识产权服务费", "2、专利维持费", "3、专家咨询费", "4、维权援助费", "5、培训费"]
    for label in (*expenses, "6、宣传费", "7、其他相关费用（须注明）"):
        _put(ws, r, [None, None, label, money.get(label)])
        r += 1
    _put(ws, r, ["支出项目经费测算说明：", note])
    ws.merge_cells(start_row=16, start_column=1, end_row=r - 1, end_column=1)


# a firm's project as Qingyuan's 申报书 names it (§一)
QY_FIRM = {
    "name": "高效节能电机专利技术产业化",
    "start": "2024年1月",
    "end": "2025年12月",
    "applicant": "清远市华能电机有限公司",
    "code": "91441800MA4W000001",
    "recommender": "清远市市场监督管理局（知识产权局）",
}


def qy_declaration_one_sheet() -> Made:
    """A firm's 申报书 for a Qingyuan patent-implementation project, §一 and §三 on one sheet (saved by
    LibreOffice): 研究起止日期 2024年1月 至 2025年12月 (24 months), the applicant a company, the
    推荐单位 the city bureau."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "申报书"
    _declaration_sheet(
        ws,
        QY_FIRM,
        {
            "合计": 200,
            "1、省局项目支出": 50,
            "3、单位自筹": 150,
            "1、知识产权服务费": 30,
            "2、专利维持费": 10,
            "3、专家咨询费": 5,
            "5、培训费": 5,
        },
        "知识产权服务费30万元用于专利布局分析；维持费10万元；专家咨询费5万元；培训费5万元。",
    )
    return Made("清远市-专利技术产业化-申报书.xlsx", _save(book), "lo-xlsx")


def sg_table4_in_yuan_line() -> Made:
    """Shaoguan's 表四 under a 单位：元 line (the amounts typed in 元), a 合计 formula."""
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：韶关市市场监督管理局"
    ws["H2"] = "单位：元"
    _put(ws, 3, HEAD_4)
    rows = [
        row4(1, GAO, "专利培育", "高价值专利培育布局中心建设", 500000),
        row4(2, FU, "代理机构", "知识产权服务机构能力提升", 123456.78),
        row4(3, REN, "培训", "知识产权人才培训", 80000),
    ]
    for i, line in enumerate(rows, 4):
        _put(ws, i, line)
    _put(ws, 7, ["合计", None, None, None, "=SUM(E4:E6)"])
    return Made("韶关市-表四-单位元.xlsx", _save(book), "lo-xlsx")


def hy_table1_nil_across() -> Made:
    """Heyuan's 表一 with 无 typed across its one row (a nil return)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表一"
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（一）保留省局部分",
        "填报单位：河源市市场监督管理局",
        HEAD_1,
        [[1, "无", "无", "无", "无", "无", "无", "无", "无", None]],
    )
    return Made("河源市-表一.xlsx", _save(book), "lo-xlsx")


def qy_patent_plan_budget() -> Made:
    """A 预算表 of the 清远市专利技术实施计划 (the programme's name as seed 004 writes it): 单位自筹 100
    is below three times the 省局项目支出 of 50 (the 1:3 rule)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "预算表"
    lines = [
        ["项目支出预算明细表"],
        ["项目名称", "智能配电柜专利技术实施"],
        ["填报单位", "清远市市场监督管理局（知识产权局）"],
        ["项目类别", "清远市专利技术实施计划"],
        ["实施周期：2024年3月—2025年8月"],
        [None, None, "单位：万元"],
        ["项目资金来源", "资金来源", "金额", "备注"],
        [None, "合计", 150],
        [None, "1、省局项目支出", 50],
        [None, "2、地方、部门配套", 0],
        [None, "3、单位自筹", 100],
        [None, "4、其他来源", 0],
        ["省局拨款项目支出明细", "支出项目内容", "金额"],
        [None, "1、知识产权服务费", 40],
        [None, "2、专利维持费", 10],
        [None, "3、专家咨询费"],
        [None, "4、维权援助费"],
        [None, "5、培训费"],
        [None, "6、宣传费"],
        [None, "7、其他相关费用（须注明）"],
        ["支出项目经费测算说明：服务费40万元用于专利实施分析，维持费10万元。"],
    ]
    for r, line in enumerate(lines, 1):
        _put(ws, r, line)
    return Made("清远市-专利技术实施计划-预算表.xlsx", _save(book), "lo-xlsx")


# ================================================================ LibreOffice BIFF8 .xls
def jm_table4_hidden_rows_xls() -> Made:
    """Jiangmen's 表四 saved as .xls by LibreOffice: row 6 hidden (a project still counted), a 合计
    formula that LibreOffice caches."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    rows = [
        row4(1, WEN, "宣传周", "知识产权宣传周活动", 12),
        row4(2, None, "展会", "知识产权成果展示", 8),
        row4(3, None, "交流", "粤港澳知识产权交流活动", 6.5),
        row4(4, REN, "培训", "企业知识产权专员培训", 10),
        ["合计", None, None, None, "=SUM(E4:E7)"],
    ]
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（四）",
        "填报单位：江门市市场监督管理局",
        HEAD_4,
        rows,
    )
    ws.row_dimensions[6].hidden = True
    return Made("江门市-表四.xls", _save(book), "lo-xls")


def fs_table2_double_xls() -> Made:
    """Foshan's 表二 as .xls: one 后补助 and its 承接单位 merged over two rows with two amounts (filled
    down: one project's two lines, never a double), and one 后补助 typed twice for the same 承接单位
    (row 10, a double request)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表二"
    rows = [
        row2(1, "贯标", "贯标后补助", 20, "佛山某机械有限公司"),
        row2(2, None, None, 15, None, basis=None),
        row2(3, "专利奖", "专利奖配套奖励", 30, "佛山某家电有限公司"),
        row2(4, "专利奖", "专利奖配套奖励", 30, "佛山某家电有限公司"),
        ["合计", None, None, 95],
    ]
    _table(
        ws,
        4,
        "2024年度知识产权项目需求征集表（二）",
        "填报单位：佛山市市场监督管理局",
        HEAD_2,
        rows,
    )
    ws["A1"] = "附件"
    for col in "BCEF":
        ws.merge_cells(f"{col}7:{col}8")
    return Made("佛山市-表二.xls", _save(book), "lo-xls")


def hz_budget_long_period_xls() -> Made:
    """Huizhou's 预算表 as .xls with its period under 执行期限 (30 months: too long), the 测算说明
    written into its label cell and naming the 其他相关费用."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "预算"
    note = (
        "支出项目经费测算说明：知识产权服务费20万元，用于委托服务机构开展专利导航分析和布局，"
        "按两个产业方向各10万元测算；培训费5万元，举办培训2期；其他相关费用3万元为成果汇编印刷费。"
    )
    lines = [
        ["项目支出预算明细表"],
        ["项目名称", "惠州市专利导航服务基地培育建设项目"],
        ["填报单位", "惠州市市场监督管理局"],
        ["所属表", "表四"],
        ["执行期限", "2024年1月至2026年6月"],
        ["资金来源", None, "金额"],
        ["合计", None, 28],
        ["1、省局项目支出", None, 28],
        ["2、地方、部门配套"],
        ["3、单位自筹"],
        ["4、其他来源"],
        ["支出项目内容", None, "金额"],
        ["1、知识产权服务费", None, 20],
        ["2、专利维持费"],
        ["3、专家咨询费"],
        ["4、维权援助费"],
        ["5、培训费", None, 5],
        ["6、宣传费"],
        ["7、其他相关费用（须注明）", None, 3],
        [note],
    ]
    for r, line in enumerate(lines, 1):
        _put(ws, r, line)
    return Made("惠州市-预算表.xls", _save(book), "lo-xls")


def mm_table3_yuan_header_in_wan_xls() -> Made:
    """Maoming's 表三 as .xls, headed 经费安排（元） but filled in 万元 (every amount under 1,000)."""
    book = openpyxl.Workbook()
    ws = book.active
    head = list(HEAD_1)
    head[3] = "经费安排（元）"
    rows = [
        row1(1, BAO, "代办处服务", 30, "专利代办处服务能力提升", None),
        row1(2, FU, "保护中心", 45, "保护中心快速预审", None),
    ]
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（三）",
        "填报单位：茂名市市场监督管理局",
        head,
        rows,
    )
    return Made("茂名市-表三.xls", _save(book), "lo-xls")


# ================================================================ python-docx 申报书, several tables
def _doc_table(doc, rows: Sequence[Sequence[object]], cols: int):
    table = doc.add_table(rows=len(rows), cols=cols)
    for r, line in enumerate(rows):
        for c, v in enumerate(line):
            if v is not None:
                table.cell(r, c).text = str(v)
    return table


def _declaration_doc(
    info: dict[str, object], money: dict[str, object], note: str, *, period_row: Sequence[object]
) -> bytes:
    """Seed 000's 申报书 in Word: cover paragraphs, §一 基本信息 (表格1), 项目主要参与人员 (表格2),
    §三 项目支出预算明细表 (表格3), §四 意见."""
    doc = Document()
    doc.add_paragraph("衡阳市知识产权专项项目申报书")
    doc.add_paragraph("(2024 年度)")
    doc.add_paragraph(f"项目名称：{info['name']}")
    doc.add_paragraph("申请单位名称：（公章）")
    doc.add_paragraph("一、项目基本信息")
    first = [
        ["项目名称", info["name"], None, None],
        ["项目属性", "1. 新增项目 ☑ 2. 延续项目 □", None, None],
        list(period_row),
        ["项目申请单位名称", info["applicant"], "统一社会信用代码", info["code"]],
        ["法人代表", "李强", "单位性质", "民营企业"],
    ]
    if info.get("recommender"):
        first.append(["推荐单位名称", info["recommender"], None, None])
    t1 = _doc_table(doc, first, 4)
    t1.cell(0, 1).merge(t1.cell(0, 3))
    t1.cell(1, 1).merge(t1.cell(1, 3))
    if info.get("recommender"):
        t1.cell(5, 1).merge(t1.cell(5, 3))
    doc.add_paragraph("二、项目方案")
    doc.add_paragraph("（略）")
    _doc_table(
        doc,
        [
            [
                "项目主要参与人员",
                "姓名",
                "性别",
                "出生年月",
                "学历",
                "职务职称",
                "所学专业",
                "所在单位",
            ],
            [None, "王芳", "女", "1985.06", "硕士", "工程师", "材料", info["applicant"]],
            [None, "赵磊", "男", "1990.11", "本科", "专利工程师", "机械", info["applicant"]],
        ],
        8,
    )
    doc.add_paragraph("三、项目支出预算明细表")
    doc.add_paragraph("单位：万元")
    labels = ["合计", "1、省局项目支出", "2、地方、部门配套", "3、单位自筹", "4、其他来源"]
    lines = ["1、知识产权服务费", "2、专利维持费", "3、专家咨询费", "4、维权援助费", "5、培训费"]
    lines += ["6、宣传费", "7、其他相关费用（须注明）"]
    rows: list[list[object]] = [
        ["项目支出预算及测算说明", "项目资金来源", "资金来源", "金额", "备注"]
    ]
    rows += [[None, None, label, money.get(label), None] for label in labels]
    rows.append([None, "省局拨款项目支出明细", "支出项目内容", "金额", None])
    rows += [[None, None, label, money.get(label), None] for label in lines]
    rows.append(["支出项目经费测算说明：", note, None, None, None])
    t3 = _doc_table(doc, rows, 5)
    t3.cell(0, 0).merge(t3.cell(len(rows) - 2, 0))
    t3.cell(len(rows) - 1, 1).merge(t3.cell(len(rows) - 1, 4))
    doc.add_paragraph("四、项目意见")
    doc.add_paragraph("申报单位负责人（签章）：")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def zh_declaration_docx() -> Made:
    """Zhuhui district's 申报书 in Word: 研究起止日期 | 2024年3月 | 至 | 2025年2月 in §一, the applicant
    a company, no 推荐单位 (the file's name gives the unit), no 所属表: its 项目名称 is the district's
    表四 row 高价值专利培育 with the place and 项目 added, and asks the same 8 万元."""
    data = _declaration_doc(
        {
            "name": "珠晖区高价值专利培育项目",
            "applicant": "衡阳市恒信新材料科技有限公司",
            "code": "91430400MA4L000002",
        },
        {
            "合计": 40,
            "1、省局项目支出": 8,
            "3、单位自筹": 32,
            "1、知识产权服务费": 6,
            "3、专家咨询费": 2,
        },
        "知识产权服务费6万元用于专利挖掘布局；专家咨询费2万元用于评审论证。",
        period_row=["研究起止日期", "2024年3月", "至", "2025年2月"],
    )
    return Made("珠晖区-专利培育-申报书.docx", data, "docx")


def hd_declaration_note_in_text_docx() -> Made:
    """Hengdong county's 申报书: the 推荐单位 in §一 names the unit (the file's name does not), 其他
    相关费用 3 explained in the 测算说明 text, written 其它相关费用 as people type it."""
    data = _declaration_doc(
        {
            "name": "农产品地理标志品牌推广",
            "applicant": "衡东县黄贡椒产业协会",
            "code": "51430424MJ0000003X",
            "recommender": "衡东县市场监督管理局",
        },
        {
            "合计": 30,
            "1、省局项目支出": 15,
            "2、地方、部门配套": 5,
            "3、单位自筹": 10,
            "1、知识产权服务费": 6,
            "6、宣传费": 6,
            "7、其他相关费用（须注明）": 3,
        },
        "服务费6万元用于品牌评估；宣传费6万元用于展会推介；其它相关费用3万元为产品检测费。",
        period_row=["研究起止日期", "2024年6月", "至", "2025年5月"],
    )
    return Made("地理标志品牌推广项目申报书.docx", data, "docx")


def cn_declaration_patent_plan_docx() -> Made:
    """Changning's 申报书 named 2024年度专利技术实施计划项目 with no 项目类别: 单位自筹 40 is below three
    times the 省局项目支出 of 20 (the 1:3 rule still applies); the period as 项目起止时间：… in one cell."""
    data = _declaration_doc(
        {
            "name": "2024年度专利技术实施计划项目",
            "applicant": "常宁市精工机械有限公司",
            "code": "91430482MA4N000004",
        },
        {
            "合计": 60,
            "1、省局项目支出": 20,
            "3、单位自筹": 40,
            "1、知识产权服务费": 12,
            "2、专利维持费": 8,
        },
        "服务费12万元用于专利实施许可谈判；维持费8万元。",
        period_row=["项目起止时间：2024年7月至2026年6月", None, None, None],
    )
    return Made("常宁市-申报书.docx", data, "docx")


# ================================================================ the 1904 date system
def _budget_1904(name: str, unit: str, period: tuple[str, object, object], money: dict) -> bytes:
    """A 预算表 on the 1904 date system (old Mac Excel), its period as two date cells."""
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    ws = book.active
    ws.title = "预算表"
    label, start, end = period
    lines = [
        ["项目支出预算明细表"],
        ["项目名称", name],
        ["填报单位", unit],
        ["所属表", "表四"],
        [label, start, "至", end],
        [None, None, "单位：万元"],
        [None, "资金来源", "金额"],
    ]
    for r, line in enumerate(lines, 1):
        _put(ws, r, line)
    for c in ("B5", "D5"):
        ws[c].number_format = "yyyy-mm-dd"
    r = len(lines) + 1
    for label in ("合计", "1、省局项目支出", "2、地方、部门配套", "3、单位自筹", "4、其他来源"):
        _put(ws, r, [None, label, money.get(label)])
        r += 1
    _put(ws, r, [None, "支出项目内容", "金额"])
    r += 1
    for label in ("1、知识产权服务费", "2、专利维持费", "3、专家咨询费", "4、维权援助费"):
        _put(ws, r, [None, label, money.get(label)])
        r += 1
    for label in ("5、培训费", "6、宣传费", "7、其他相关费用（须注明）"):
        _put(ws, r, [None, label, money.get(label)])
        r += 1
    _put(ws, r, ["支出项目经费测算说明：", money.get("note")])
    return _save(book)


def st_budget_1904_dates() -> Made:
    """Shantou's 预算表 on the 1904 date system: 实施周期 from 2024-01-01 to 2025-12-31 (24 months)."""
    data = _budget_1904(
        "知识产权纠纷多元化解",
        "汕头市市场监督管理局",
        ("实施周期", dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
        {
            "合计": 20,
            "1、省局项目支出": 20,
            "1、知识产权服务费": 12,
            "4、维权援助费": 8,
            "note": "服务费12万元用于调解组织运营；维权援助费8万元。",
        },
    )
    return Made("汕头市-预算表.xlsx", data, "openpyxl")


def sw_budget_1904_long() -> Made:
    """Shanwei's 预算表 on the 1904 date system: 项目起止时间 2024-03-01 — 2026-08-31, 30 months."""
    data = _budget_1904(
        "商标品牌培育指导站规范化建设和服务能力提升项目",
        "汕尾市市场监督管理局",
        ("项目起止时间", dt.date(2024, 3, 1), dt.date(2026, 8, 31)),
        {
            "合计": 15,
            "1、省局项目支出": 15,
            "1、知识产权服务费": 10,
            "5、培训费": 5,
            "note": "服务费10万元，培训费5万元。",
        },
    )
    return Made("汕尾市-预算表.xlsx", data, "openpyxl")


def cz_table4_1904_date_amount() -> Made:
    """Chaozhou's 表四 on the 1904 date system: a 填报日期 date cell in 备注 (text column, fine) and an
    amount Excel turned into the date 2024-05-01 (typed 5.1): amount.not_number at E5."""
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    ws = book.active
    rows = [
        row4(1, REN, "专员培训", "企业知识产权专员培训", 8, dt.date(2024, 3, 31)),
        row4(2, None, "师资", "知识产权师资库建设", dt.datetime(2024, 5, 1)),
    ]
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（四）",
        "填报单位：潮州市市场监督管理局",
        HEAD_4,
        rows,
    )
    ws["E5"].number_format = ws["I4"].number_format = "yyyy-mm-dd"
    return Made("潮州市-表四.xlsx", _save(book), "openpyxl")


# ================================================================ the 衡阳 round: counties and a 园区
def hy_zh_table4_xls() -> Made:
    """Zhuhui district's 表四 in the 衡阳 round, saved as .xls by LibreOffice; 类型 merged down."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    rows = [
        row4(1, GAO, "专利导航", "珠晖区产业专利导航", 12, policy=HY_POLICY),
        row4(2, None, "高价值专利", "高价值专利培育", 8, policy=HY_POLICY),
        row4(3, BAO, "行政裁决", "专利侵权纠纷行政裁决试点", 5, policy=HY_POLICY),
        ["合计", None, None, None, "=SUM(E4:E6)"],
    ]
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（四）",
        "填报单位：衡阳市珠晖区市场监督管理局",
        HEAD_4,
        rows,
    )
    ws.merge_cells("B4:B5")
    return Made("珠晖区-表四.xls", _save(book), "lo-xls")


def hy_park_budget() -> Made:
    """The 高新区 (a 园区) files its 预算表 under its legal name with the bureau's sub-office in
    brackets; the file's name says no unit."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "预算表"
    lines = [
        ["项目支出预算明细表"],
        ["填报单位：衡阳高新技术产业开发区管理委员会（衡阳市市场监督管理局高新分局）"],
        ["项目名称", "园区知识产权质押融资补贴"],
        ["所属表", "表四"],
        ["类型", ZHUAN],
        ["实施起止年月", "2024年5月至2025年4月"],
        [None, "资金来源", "金额"],
        [None, "合计", 25],
        [None, "1、省局项目支出", 5],
        [None, "2、地方、部门配套", 0],
        [None, "3、单位自筹", 20],
        [None, "4、其他来源"],
        [None, "支出项目内容", "金额"],
        [None, "1、知识产权服务费", 4],
        [None, "2、专利维持费"],
        [None, "3、专家咨询费"],
        [None, "4、维权援助费"],
        [None, "5、培训费", 1],
        [None, "6、宣传费"],
        [None, "7、其他相关费用（须注明）"],
        ["支出项目经费测算说明：", "服务费4万元用于质押评估，培训费1万元。"],
    ]
    for r, line in enumerate(lines, 1):
        _put(ws, r, line)
    return Made("园区项目预算表.xlsx", _save(book), "lo-xlsx")


def hy_ly_table4_double() -> Made:
    """Leiyang's 表四 with 高价值专利培育 typed twice under the same 类型 (row 6: a double request)."""
    book = openpyxl.Workbook()
    ws = book.active
    rows = [
        row4(1, GAO, "专利培育", "高价值专利培育", 10, policy=HY_POLICY),
        row4(2, None, "贯标", "企业贯标推进", 6, policy=HY_POLICY),
        row4(3, None, "专利培育", "高价值专利培育", 10, policy=HY_POLICY),
        row4(4, WEN, "宣传", "知识产权宣传周", 3, policy=HY_POLICY),
    ]
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（四）",
        "填报单位：耒阳市市场监督管理局",
        HEAD_4,
        rows,
    )
    return Made("耒阳市-表四.xlsx", _save(book), "openpyxl")


def hy_cn_table4_nil() -> Made:
    """Changning's 表四: 本单位无需求 across the merged row (a nil return)."""
    book = openpyxl.Workbook()
    ws = book.active
    _table(
        ws,
        1,
        "2024年度知识产权项目需求征集表（四）",
        "填报单位：常宁市市场监督管理局",
        HEAD_4,
        [[None, "本单位无需求"]],
    )
    ws.merge_cells("B4:I4")
    return Made("常宁市-表四.xlsx", _save(book), "openpyxl")


PROVINCE = [
    qy_table4_hidden_rows,
    sg_table4_continued,
    hy_table2_in_yuan_with_a_double,
    mz_table3_nothing_to_report,
    qy_declaration_one_sheet,
    sg_table4_in_yuan_line,
    hy_table1_nil_across,
    qy_patent_plan_budget,
    jm_table4_hidden_rows_xls,
    fs_table2_double_xls,
    hz_budget_long_period_xls,
    mm_table3_yuan_header_in_wan_xls,
    st_budget_1904_dates,
    sw_budget_1904_long,
    cz_table4_1904_date_amount,
]
HENGYANG = [
    zh_declaration_docx,
    hd_declaration_note_in_text_docx,
    cn_declaration_patent_plan_docx,
    hy_zh_table4_xls,
    hy_park_budget,
    hy_ly_table4_double,
    hy_cn_table4_nil,
]
