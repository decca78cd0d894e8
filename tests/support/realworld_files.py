"""Files made the way prefecture and county staff make them, written directly with openpyxl,
xlsxwriter, xlwt and python-docx — deliberately not through ``tests/support/builders.py``, which shares the
reader's assumptions.

Each maker returns ``(file name, bytes)``. The expected outcome of each file is written in
``tests/test_realworld_*.py`` beside it, decided the way a careful reviewer would read the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
import xlsxwriter
import xlwt
from docx import Document
from openpyxl.styles import Alignment

from budget_planner.templates.round import load_round
from budget_planner.templates.writer import write_table_template

QY = "清远市市场监督管理局（知识产权局）"
POLICY = "《广东省知识产权保护和运用“十四五”规划》"
NECESSITY = "落实省局部署，推动本市知识产权工作高质量发展。"
PERFORMANCE = "培育企业10家，形成报告1份"

HEAD_1 = [
    "序号",
    "类型",
    "主要工作内容",
    "经费安排\n（万元）",
    "拟设置项目",
    "项目数及\n单项金额",
    "项目设置\n必要性",
    "项目设置\n政策依据",
    "项目绩效",
    "备注",
]
HEAD_2 = [
    "序号",
    "主要工作内容",
    "后补助名称",
    "后补助经费",
    "后补助依据",
    "后补助承接单位",
    "项目绩效",
    "备注",
]
HEAD_4 = [
    "序号",
    "类型",
    "主要工作内容",
    "拟设置项目",
    "金额",
    "项目设置必要性",
    "项目设置政策依据",
    "项目绩效",
    "备注",
]

Rows = Sequence[Sequence[object]]


# ---------------------------------------------------------------- writers
def _openpyxl_book() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    return book


def _put(ws, row: int, values: Sequence[object], col: int = 1) -> None:
    for i, v in enumerate(values):
        if v is not None:
            ws.cell(row=row, column=col + i, value=v)


def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xw_book() -> tuple[xlsxwriter.Workbook, io.BytesIO]:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    return book, out


def row4(serial, category, work, project, amount, remark=None, policy=POLICY):
    return [serial, category, work, project, amount, NECESSITY, policy, PERFORMANCE, remark]


def row1(serial, category, work, funding, project, count, remark=None, policy=POLICY):
    return [serial, category, work, funding, project, count, NECESSITY, policy, PERFORMANCE, remark]


# ---------------------------------------------------------------- 表四, copied from the notice
def t4_copied_from_word() -> tuple[str, bytes]:
    """Qingyuan's 表四 pasted from the Word notice into Excel (openpyxl, so SUM has no cached value):
    附件2 / title / subtitle, 填报单位（盖章） left and 单位：万元 right, 类型 merged down with its line
    break, amounts typed in every form, a 合  计 row with =SUM, footer lines."""
    book = _openpyxl_book()
    ws = book.active
    ws.title = "Sheet1"
    ws["A1"] = "附件2"
    ws["A2"] = "2024年度知识产权项目需求征集表（四）"
    ws.merge_cells("A2:I2")
    ws["A3"] = "（下放地市审批权限部分）"
    ws.merge_cells("A3:I3")
    ws["A4"] = "填报单位（盖章）：清远市市场监督管理局（知识产权局）"
    ws.merge_cells("A4:D4")
    ws["H4"] = "单位：万元"
    _put(ws, 5, HEAD_4)
    rows = [
        row4(1, "知识产权\n高质量创造", "建立专利分级管理", "高价值专利培育布局中心建设", 50),
        row4(2, None, "承办大赛", "举办2024年粤港澳大湾区高价值专利培育布局大赛", "30.00"),
        row4(3, None, "对示范企业后补助", "优势示范企业培育和知识产权贯标推进", "20万元"),
        row4(4, "强化知识\n产权保护", "保护体系建设", "知识产权纠纷多元化解", "1，200.5"),
        row4(5, None, "行政裁决", "知识产权纠纷行政裁决效能提升", "５"),
    ]
    for i, r in enumerate(rows):
        _put(ws, 6 + i, r)
    ws.merge_cells("B6:B8")
    ws.merge_cells("B9:B10")
    ws["A11"] = "合  计"
    ws.merge_cells("A11:D11")
    ws["E11"] = "=SUM(E6:E10)"
    ws["A13"] = "填表人：李明"
    ws["D13"] = "联系电话：0763-3388123"
    ws["F13"] = "填报日期：2023年12月10日"
    for row in ws.iter_rows(min_row=5, max_row=11):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    return "表四-清远市.xlsx", _save(book)


def t4_xlsxwriter_cached_sums() -> tuple[str, bytes]:
    """Shaoguan's 表四 typed in WPS (xlsxwriter with cached results): group header rows spanning the
    row, 类型 repeated on every row, 小计 per group and 总计 at the bottom, all as formulas with
    their cached values; 序号 as 一、 / 1."""
    book, out = _xw_book()
    ws = book.add_worksheet("表四")
    ws.write_string(0, 0, "2024年度知识产权项目需求征集表（四）")
    ws.write_string(1, 0, "填报单位：韶关市市场监督管理局")
    ws.write_string(1, 6, "单位：万元")
    for c, h in enumerate(HEAD_4):
        ws.write_string(2, c, h)
    ws.merge_range(3, 0, 3, 8, "一、知识产权高质量创造")
    data = [
        ["1.", "知识产权高质量创造", "专利导航", "专利导航服务基地培育建设项目", 40],
        ["2.", "知识产权高质量创造", "联盟建设", "知识产权联盟及专利池建设项目", 25.5],
    ]
    r = 4
    for d in data:
        for c, v in enumerate(row4(*d)):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
        r += 1
    ws.write_string(r, 3, "小计")
    ws.write_formula(r, 4, "=SUM(E5:E6)", None, 65.5)
    r += 1
    ws.merge_range(r, 0, r, 8, "二、知识产权高效能转化")
    r += 1
    for d in [
        ["1.", "知识产权高效能转化", "专利转化", "专利转化实施专项", 100],
        ["2.", "知识产权高效能转化", "金融创新", "知识产权金融创新促进计划项目", 0.5],
    ]:
        for c, v in enumerate(row4(*d)):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
        r += 1
    ws.write_string(r, 3, "小计")
    ws.write_formula(r, 4, "=SUM(E9:E10)", None, 100.5)
    r += 1
    ws.write_string(r, 0, "总计")
    ws.write_formula(r, 4, "=E7+E11", None, 166)
    r += 2
    ws.write_string(r, 0, "审核人：王芳          填表人：张伟")
    book.close()
    return "韶关市2024年度知识产权项目需求征集表（四）.xlsx", out.getvalue()


# ---------------------------------------------------------------- 表一 / 表三, two-row headers
def _two_row_header_1(ws, top: int) -> None:
    """The 表一/表三 header as a clerk draws it: most cells merged down over two rows, 经费安排 with
    （万元） on its own line, 项目设置 merged over 必要性 / 政策依据."""
    singles = {
        1: "序号",
        2: "类型",
        3: "主要工作内容",
        4: "经费安排\n（万元）",
        5: "拟设置项目",
        6: "项目数及\n单项金额",
        9: "项目绩效",
        10: "备注",
    }
    for col, text in singles.items():
        ws.cell(row=top, column=col, value=text)
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    ws.cell(row=top, column=7, value="项目设置")
    ws.merge_cells(start_row=top, start_column=7, end_row=top, end_column=8)
    ws.cell(row=top + 1, column=7, value="必要性")
    ws.cell(row=top + 1, column=8, value="政策依据")


def t1_two_row_header() -> tuple[str, bytes]:
    """Zhuhai's 表一: title and subtitle, a two-row merged header, 类型 typed once with blanks below,
    序号 as （一）, amounts ￥60 / 50.0000 / "40 万", counts in three spellings, a 合计（万元） row."""
    book = _openpyxl_book()
    ws = book.active
    ws.title = "表一"
    ws["A1"] = "2024年度知识产权项目需求征集表（一）"
    ws["A2"] = "保留省局部分"
    ws["A3"] = "填报单位：珠海市市场监督管理局（知识产权局）"
    ws["J3"] = "单位：万元"
    _two_row_header_1(ws, 4)
    rows = [
        row1(
            "（一）",
            "知识产权高质量创造",
            "高价值专利培育",
            "￥60",
            "高价值专利培育项目",
            "3个×20万元",
        ),
        row1("（二）", None, "专利导航", 50.0, "产业专利导航项目", "2项，每项25万元"),
        row1(
            "（三）",
            "知识产权高水平服务",
            "服务机构培育",
            "40 万",
            "服务机构培育项目",
            "1个，40万元",
        ),
    ]
    for i, r in enumerate(rows):
        _put(ws, 6 + i, r)
    ws["D8"].number_format = "0.0000"
    ws["A9"] = "合计（万元）"
    ws["D9"] = 150
    return "珠海市-需求征集表.xlsx", _save(book)


def t3_told_by_sheet_name() -> tuple[str, bytes]:
    """Maoming's 表三: no title at all, the sheet is named 表三; the file name says nothing."""
    book = _openpyxl_book()
    ws = book.active
    ws.title = "表三"
    _put(ws, 1, HEAD_1)
    _put(
        ws,
        2,
        row1(1, "强化知识产权保护", "保护中心运行", 80, "保护中心快速维权项目", "1个，80万元"),
    )
    _put(ws, 3, row1(2, "知识产权高水平服务", "代办处运行", 20, "专利代办处服务提升项目", None))
    return "茂名市报送材料.xlsx", _save(book)


def t3_told_by_file_name() -> tuple[str, bytes]:
    """Zhanjiang's 表三 on Sheet1 with no title: only the file name says （三）."""
    book = _openpyxl_book()
    ws = book.active
    _put(ws, 1, ["填报单位：湛江市市场监督管理局（知识产权局）"])
    _put(ws, 2, HEAD_1)
    _put(ws, 3, row1(1, "强化知识产权保护", "维权援助", 35, "维权援助工作站建设", "1个，35万元"))
    return "2024年度知识产权项目需求征集表（三）湛江.xlsx", _save(book)


def t1_ambiguous() -> tuple[str, bytes]:
    """Yunfu's 表一 or 表三: no title, Sheet1, a file name naming neither — the reader cannot tell."""
    book = _openpyxl_book()
    ws = book.active
    _put(ws, 1, HEAD_1)
    _put(ws, 2, row1(1, "知识产权管理", "统计监测", 10, "知识产权统计监测", "1个，10万元"))
    return "云浮市需求表.xlsx", _save(book)


def t1_amount_merged() -> tuple[str, bytes]:
    """Meizhou's 表一: one 经费安排 merged over the two projects it funds together."""
    book = _openpyxl_book()
    ws = book.active
    ws.title = "Sheet1"
    ws["A1"] = "2024年度知识产权项目需求征集表（一）保留省局部分"
    _put(ws, 2, HEAD_1)
    _put(ws, 3, row1(1, "知识产权文化宣传及合作交流", "宣传周活动", 30, "知识产权宣传周", None))
    _put(ws, 4, row1(2, None, "中小学教育", None, "知识产权进校园", None))
    ws.merge_cells("D3:D4")
    ws.merge_cells("B3:B4")
    return "梅州市表一.xlsx", _save(book)


# ---------------------------------------------------------------- 表二 as .xls
def t2_xls_typed() -> tuple[str, bytes]:
    """Jiangmen's 表二 typed in Excel 2003 (.xls): 填报单位: with the name in the next cell, amounts
    as numbers and as text, a 合 计 row typed by hand, a 注： line."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("后补助")
    ws.write(0, 0, "2024年度知识产权项目需求征集表（二）")
    ws.write(1, 0, "后补助资金")
    ws.write(2, 0, "填报单位:")
    ws.write(2, 1, "江门市市场监督管理局")
    ws.write(2, 6, "单位：万元")
    for c, h in enumerate(HEAD_2):
        ws.write(3, c, h)
    data = [
        [
            1,
            "贯标后补助",
            "贯标企业后补助",
            30,
            "《广东省知识产权贯标后补助办法》",
            "江门某科技公司",
            "贯标企业5家",
            None,
        ],
        [
            2,
            "质押融资贴息",
            "质押融资贴息后补助",
            "12.5",
            "《江门市知识产权质押融资贴息办法》",
            "江门某制造公司",
            "融资1亿元",
            "续建",
        ],
    ]
    for r, line in enumerate(data, 4):
        for c, v in enumerate(line):
            if v is not None:
                ws.write(r, c, v)
    ws.write(6, 0, "合 计")
    ws.write(6, 3, 42.5)
    ws.write(8, 0, "注：后补助依据须写明文件名称。")
    out = io.BytesIO()
    book.save(out)
    return "江门市-后补助资金.xls", out.getvalue()


# ---------------------------------------------------------------- several tables in one workbook
def multi_sheets_with_instructions() -> tuple[str, bytes]:
    """Foshan's one workbook: 填表说明 first, then 表一 … 表四 on sheets of those names, a hidden list
    sheet and an old 表四 draft on a hidden sheet."""
    book = _openpyxl_book()
    guide = book.active
    guide.title = "填表说明"
    guide["A1"] = "填表说明"
    guide["A2"] = "1. 金额单位为万元。"
    guide["A3"] = "2. 类型从下拉列表选择。"
    t1 = book.create_sheet("表一")
    t1["A1"] = "2024年度知识产权项目需求征集表（一）"
    t1["A2"] = "填报单位：佛山市市场监督管理局（知识产权局）"
    _put(t1, 3, HEAD_1)
    _put(t1, 4, row1(1, "知识产权人才建设", "人才培训", 20, "知识产权人才培训", "2期，每期10万元"))
    t2 = book.create_sheet("表二")
    t2["A1"] = "2024年度知识产权项目需求征集表（二）"
    _put(t2, 2, HEAD_2)
    t2.append(
        [
            1,
            "示范企业后补助",
            "示范企业奖励",
            15,
            "《佛山市知识产权示范企业奖励办法》",
            "佛山某公司",
            "示范企业3家",
        ]
    )
    t3 = book.create_sheet("表三")
    t3["A1"] = "2024年度知识产权项目需求征集表（三）"
    _put(t3, 2, HEAD_1)
    _put(t3, 3, row1(1, "强化知识产权保护", "保护中心", 45, "保护中心预审能力提升", None))
    t4 = book.create_sheet("表四")
    t4["A1"] = "2024年度知识产权项目需求征集表（四）"
    _put(t4, 2, HEAD_4)
    _put(t4, 3, row4(1, "知识产权高效能转化", "运营中心", "重点园区知识产权综合运营中心建设", 60))
    _put(t4, 4, row4(2, None, "证券化", "知识产权证券化推广项目", 40))
    lists = book.create_sheet("lists")
    for i, c in enumerate(["知识产权高质量创造", "强化知识产权保护"], 1):
        lists.cell(row=i, column=1, value=c)
    lists.sheet_state = "hidden"
    draft = book.create_sheet("表四（旧）")
    _put(draft, 1, HEAD_4)
    _put(
        draft, 2, row4(1, "知识产权高效能转化", "运营中心", "重点园区知识产权综合运营中心建设", 90)
    )
    draft.sheet_state = "hidden"
    return "佛山市2024年度需求征集表.xlsx", _save(book)


# ---------------------------------------------------------------- 表四 with mistakes a reviewer catches
def t4_with_mistakes() -> tuple[str, bytes]:
    """Heyuan's 表四 with the mistakes reviewers see: a negative amount, 待定 for an amount, a 类型 not
    on the list, a project with an amount but no name, 政策依据 without 《》, a 合计 that does not add
    up, and a project count that disagrees."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：河源市市场监督管理局（知识产权局）"
    ws["H2"] = "单位：万元"
    _put(ws, 3, HEAD_4)
    _put(ws, 4, row4(1, "知识产权高质量创造", "导航", "专利导航服务基地培育建设项目", -5))
    _put(ws, 5, row4(2, None, "联盟", "知识产权联盟及专利池建设项目", "待定"))
    _put(ws, 6, row4(3, "知识产权保护", "快维", "知识产权快维中心建设", 30))
    _put(ws, 7, row4(4, None, "调解", None, 10))
    _put(ws, 8, row4(5, "知识产权管理", "统计", "知识产权统计分析", 8, policy="市局工作要点"))
    ws["A9"] = "合计"
    ws["E9"] = 50
    return "河源市表四.xlsx", _save(book)


# ---------------------------------------------------------------- unit lines in their variants
def _t4_minimal(unit_lines: Sequence[tuple[str, object]], sheet: str = "Sheet1") -> bytes:
    book = _openpyxl_book()
    ws = book.active
    ws.title = sheet
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    for cell, text in unit_lines:
        ws[cell] = text
    _put(ws, 3, HEAD_4)
    _put(
        ws,
        4,
        row4(
            1,
            "知识产权高效能转化",
            "商标指导站",
            "商标品牌培育指导站规范化建设和服务能力提升项目",
            12,
        ),
    )
    return _save(book)


def t4_unit_name_line() -> tuple[str, bytes]:
    """单位名称：清远市市场监管局 instead of 填报单位 — the same thing to a reader."""
    return "表四.xlsx", _t4_minimal([("A2", "单位名称：清远市市场监管局"), ("G2", "单位：万元")])


def t4_unit_halfwidth_next_cell() -> tuple[str, bytes]:
    """填报单位: in A2 and the name two cells further (B2 left blank)."""
    return "表四.xlsx", _t4_minimal(
        [("A2", "填报单位:"), ("C2", "惠州市市场监督管理局（知识产权局）")]
    )


def t4_unit_stamp_line_with_date() -> tuple[str, bytes]:
    """填报单位（盖章）：东莞市市场监督管理局        填报日期：2023年12月10日 in one cell."""
    return "东莞表四.xlsx", _t4_minimal(
        [("A2", "填报单位（盖章）：东莞市市场监督管理局        填报日期：2023年12月10日")]
    )


def t4_unit_in_title_only() -> tuple[str, bytes]:
    """No 填报单位 line: the title says 中山市2024年度…; the file name says nothing."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "中山市2024年度知识产权项目需求征集表（四）"
    _put(ws, 2, HEAD_4)
    _put(
        ws,
        3,
        row4(
            1,
            "知识产权高效能转化",
            "商标指导站",
            "商标品牌培育指导站规范化建设和服务能力提升项目",
            12,
        ),
    )
    return "表四.xlsx", _save(book)


def t4_unit_conflicts_file_name() -> tuple[str, bytes]:
    """The 填报单位 says 阳江市 but the file is named after 茂名市 (a copied file renamed badly)."""
    return "茂名市-表四.xlsx", _t4_minimal([("A2", "填报单位：阳江市市场监督管理局")])


# ---------------------------------------------------------------- the Word notice itself
def _docx_table(doc, header: Sequence[str], rows: Rows):
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    for c, h in enumerate(header):
        table.cell(0, c).text = h
    for r, line in enumerate(rows, 1):
        for c, v in enumerate(line):
            if v is not None:
                table.cell(r, c).text = str(v)
    return table


def doc_notice_four_tables() -> tuple[str, bytes]:
    """Chaozhou answers in the Word notice itself: 附件 / title / subtitle paragraphs above each table,
    a 填报单位 paragraph, 类型 merged down in 表四, a 合计 row, amounts as text."""
    doc = Document()
    doc.add_paragraph("附件")
    doc.add_paragraph("填报单位：潮州市市场监督管理局（知识产权局）")
    doc.add_paragraph("2024年度知识产权项目需求征集表（一）")
    doc.add_paragraph("保留省局部分")
    _docx_table(
        doc, HEAD_1, [row1(1, "知识产权高质量创造", "专利培育", "20", "专利培育项目", "2个×10万元")]
    )
    doc.add_paragraph("")
    doc.add_paragraph("2024年度知识产权项目需求征集表（二）")
    doc.add_paragraph("后补助资金")
    _docx_table(
        doc,
        HEAD_2,
        [[1, "贯标", "贯标后补助", "15", "《贯标后补助办法》", "潮州某公司", "贯标3家", None]],
    )
    doc.add_paragraph("2024年度知识产权项目需求征集表（三）")
    doc.add_paragraph("支持专利代办处和省知识产权保护中心开展工作")
    _docx_table(doc, HEAD_1, [row1(1, "强化知识产权保护", "代办处", "8.5", "代办处服务", None)])
    doc.add_paragraph("2024年度知识产权项目需求征集表（四）")
    doc.add_paragraph("下放地市审批权限部分")
    t4 = _docx_table(
        doc,
        HEAD_4,
        [
            row4(1, "知识产权\n高效能转化", "运营中心", "重点园区知识产权综合运营中心建设", "30"),
            row4(2, None, "金融", "知识产权金融创新促进计划项目", "20万元"),
            ["合计", None, None, None, "50", None, None, None, None],
        ],
    )
    t4.cell(1, 1).merge(t4.cell(2, 1))
    doc.add_paragraph("填表人：陈红    联系电话：0768-2222333")
    out = io.BytesIO()
    doc.save(out)
    return "潮州市2024年度知识产权项目需求征集表.docx", out.getvalue()


# ---------------------------------------------------------------- 预算表 by hand, seed 000 §三
def _budget_sheet(
    ws, values: dict[str, object], other_label: str = "7、其他相关费用（须注明）"
) -> None:
    """Seed 000's layout as a clerk rebuilds it: labels in B/C, amounts in D, 备注 in E."""
    ws["A1"] = "项目支出预算明细表"
    ws.merge_cells("A1:E1")
    ws["E2"] = "单位：万元"
    head = [
        ("项目名称", "project_name"),
        ("填报单位", "unit"),
        ("所属表", "table_ref"),
        ("类型", "category"),
        ("项目类别", "project_kind"),
        ("实施起止年月", "period"),
    ]
    r = 3
    for label, key in head:
        ws.cell(row=r, column=1, value=label)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        if values.get(key) is not None:
            ws.cell(row=r, column=3, value=values[key])
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=5)
        r += 1
    top = r  # 9
    ws.cell(row=top, column=1, value="项目支出预算及测算说明")
    ws.cell(row=top, column=2, value="项目资金来源")
    ws.cell(row=top, column=3, value="资金来源")
    ws.cell(row=top, column=4, value="金额")
    ws.cell(row=top, column=5, value="备注")
    sources = [
        ("合计", "total"),
        ("1、省局项目支出", "provincial"),
        ("2、地方、部门配套", "local"),
        ("3、单位自筹", "self"),
        ("4、其他来源", "other_src"),
    ]
    for i, (label, key) in enumerate(sources, 1):
        ws.cell(row=top + i, column=3, value=label)
        if values.get(key) is not None:
            ws.cell(row=top + i, column=4, value=values[key])
    ws.merge_cells(start_row=top, start_column=2, end_row=top + 5, end_column=2)
    e = top + 6  # 15
    ws.cell(row=e, column=2, value="省局拨款项目支出明细")
    ws.cell(row=e, column=3, value="支出项目内容")
    ws.cell(row=e, column=4, value="金额")
    lines = [
        ("1、知识产权服务费", "service"),
        ("2、专利维持费", "maintenance"),
        ("3、专家咨询费", "expert"),
        ("4、维权援助费", "aid"),
        ("5、培训费", "training"),
        ("6、宣传费", "publicity"),
        (other_label, "other"),
    ]
    for i, (label, key) in enumerate(lines, 1):
        ws.cell(row=e + i, column=3, value=label)
        if values.get(key) is not None:
            ws.cell(row=e + i, column=4, value=values[key])
    ws.merge_cells(start_row=e, start_column=2, end_row=e + 7, end_column=2)
    ws.merge_cells(start_row=top, start_column=1, end_row=e + 7, end_column=1)
    n = e + 8  # 23
    ws.cell(row=n, column=1, value="支出项目经费测算说明：")
    ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=2)
    if values.get("note") is not None:
        ws.cell(row=n, column=3, value=values["note"])
    ws.merge_cells(start_row=n, start_column=3, end_row=n, end_column=5)


def b_sum_skips_text_amount() -> tuple[str, bytes]:
    """Qingyuan's 预算表 filled by hand in seed 000's layout, 合计 as =SUM saved without a cached value
    (openpyxl): 单位自筹 typed as text "30.00" is left out of the SUM, as Excel shows it."""
    book = _openpyxl_book()
    ws = book.active
    ws.title = "预算表"
    _budget_sheet(
        ws,
        {
            "project_name": "专利转化实施专项",
            "unit": QY,
            "table_ref": "表四",
            "category": "知识产权高效能转化",
            "project_kind": "专利转化",
            "period": "2024年3月至2025年2月",
            "total": "=SUM(D11:D14)",
            "provincial": 100,
            "local": 20,
            "self": "30.00",
            "other_src": 0,
            "service": 60,
            "expert": 10,
            "training": 10,
            "publicity": 5,
            "other": 15,
            "note": "服务费60万元；专家咨询费10万元；培训费10万元；宣传费5万元；其他相关费用15万元为会议费。",
        },
    )
    return "项目支出预算明细表-清远市-专利转化实施专项.xlsx", _save(book)


def b_other_note_in_label() -> tuple[str, bytes]:
    """The note written into the label itself: 7、其他相关费用（须注明）：会议费; no 测算说明."""
    book = _openpyxl_book()
    ws = book.active
    _budget_sheet(
        ws,
        {
            "project_name": "知识产权金融创新促进计划项目",
            "unit": "清远市市场监管局",
            "table_ref": "（四）",
            "category": "知识产权高效能转化",
            "project_kind": "质押融资",
            "period": "2024年1月-2024年12月",
            "total": 50,
            "provincial": 50,
            "service": 45,
            "other": 5,
        },
        other_label="7、其他相关费用（须注明）：会议费",
    )
    return "预算表.xlsx", _save(book)


def b_other_without_note_and_gaps() -> tuple[str, bytes]:
    """A 预算表 whose 其他相关费用 says nothing of what it is for, whose sources do not add up to 合计
    and whose expense lines do not add up to 省局项目支出."""
    book = _openpyxl_book()
    ws = book.active
    _budget_sheet(
        ws,
        {
            "project_name": "知识产权证券化推广项目",
            "unit": QY,
            "table_ref": "表四",
            "category": "知识产权高效能转化",
            "project_kind": "证券化",
            "period": "2024年1月至2024年12月",
            "total": 80,
            "provincial": 60,
            "self": 10,
            "service": 40,
            "other": 10,
        },
    )
    return "清远市预算表-证券化.xlsx", _save(book)


# ---------------------------------------------------------------- the issued template, filled
def _filled_template(
    round_id: str | None, table: str, unit: str, cells: dict[str, object]
) -> bytes:
    round_ = load_round(round_id) if round_id else load_round()
    book = openpyxl.load_workbook(io.BytesIO(write_table_template(round_, table, unit)))
    ws = book[table]
    for ref, value in cells.items():
        ws[ref] = value
    return _save(book)


def t4_template_filled() -> tuple[str, bytes]:
    """Qingyuan fills the issued 表四 (saved by openpyxl, so the template's =SUM loses its cached
    value): three presets taken up, one preset put at 0, a placeholder row overwritten with its own
    project, a new project in the empty 知识产权管理 group."""
    more = {"F": NECESSITY, "G": POLICY, "H": PERFORMANCE}
    cells: dict[str, object] = {
        "E10": 50,
        "H10": PERFORMANCE,
        "E13": "30",
        "H13": PERFORMANCE,
        "E31": 100,
        "H31": PERFORMANCE,
        "E33": 0,
        "D6": "清远市知识产权强市建设提升项目",
        "E6": 20,
        **{f"{c}6": v for c, v in more.items()},
        "C47": "知识产权统计监测",
        "D47": "知识产权统计监测分析项目",
        "E47": 5.5,
        **{f"{c}47": v for c, v in more.items()},
    }
    return "2024年度知识产权项目需求征集表（四）-清远市.xlsx", _filled_template(
        None, "表四", "清远市", cells
    )


def t1_template_filled_wrong_unit() -> tuple[str, bytes]:
    """Shantou's issued 表一 with the unit cell overwritten by 汕尾市 (a template passed on)."""
    cells = {
        "C3": "汕尾市市场监督管理局",
        "C5": "高价值专利",
        "D5": 30,
        "E5": "高价值专利培育项目",
        "F5": "3个×10万元",
        "G5": NECESSITY,
        "H5": POLICY,
        "I5": PERFORMANCE,
    }
    return "2024年度知识产权项目需求征集表（一）-汕头市.xlsx", _filled_template(
        None, "表一", "汕头市", cells
    )


# ---------------------------------------------------------------- Hengyang's county round
def hy_county_t4_xls() -> tuple[str, bytes]:
    """Hengnan county's 表四 in .xls (WPS, 兼容模式): title row, 填报单位 with the county bureau,
    类型 merged down over three rows, 序号 as 1 2 3, a 总计 row, a blank spacer row, 联系人 footer."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    ws.write_merge(0, 0, 0, 8, "衡阳市2024年度知识产权项目需求征集表（四）")
    ws.write_merge(1, 1, 0, 4, "填报单位（盖章）：衡南县市场监督管理局")
    ws.write(1, 7, "单位：万元")
    for c, h in enumerate(HEAD_4):
        ws.write(2, c, h)
    data = [
        row4(1, "知识产权高质量创造", "专利导航", "衡南县特色产业专利导航项目", 8),
        row4(2, None, "高价值专利", "高价值专利培育布局中心建设", 12),
        row4(3, None, "贯标", "优势示范企业培育和知识产权贯标推进", 5),
    ]
    for r, line in enumerate(data, 3):
        for c, v in enumerate(line):
            if v is not None and c != 1:
                ws.write(r, c, v)
    ws.write_merge(3, 5, 1, 1, "知识产权高质量创造")
    # row 7 left blank as a spacer
    ws.write(7, 0, 4)
    ws.write(7, 1, "知识产权文化宣传及合作交流")
    for c, v in enumerate(row4(4, None, "宣传周", "衡南县知识产权宣传周活动", 3)[2:], 2):
        if v is not None:
            ws.write(7, c, v)
    ws.write(8, 0, "总计")
    ws.write(8, 4, 28)
    ws.write(10, 0, "联系人：刘洋")
    ws.write(10, 3, "电话：0734-8888777")
    out = io.BytesIO()
    book.save(out)
    return "衡南县表四.xls", out.getvalue()


def hy_budget_matching_funds() -> tuple[str, bytes]:
    """Leiyang's 预算表 for a 专利技术实施计划 project: 单位自筹 below three times the province's
    money, and a period of 30 months — both against the Hengyang/Qingyuan guides' rules."""
    book = _openpyxl_book()
    ws = book.active
    ws.title = "预算明细"
    _budget_sheet(
        ws,
        {
            "project_name": "耒阳市专利技术实施计划项目",
            "unit": "耒阳市市场监督管理局",
            "table_ref": "表四",
            "category": "知识产权高效能转化",
            "project_kind": "专利技术实施计划",
            "period": "2024年6月至2026年11月",
            "total": 40,
            "provincial": 10,
            "self": 25,
            "local": 5,
            "service": 6,
            "maintenance": 4,
            "note": "服务费6万元，维持费4万元。",
        },
    )
    return "耒阳市-项目支出预算明细表.xlsx", _save(book)


def hy_budget_docx() -> tuple[str, bytes]:
    """Gaoxin district's 预算表 as the Word table of the 申报书 (seed 000 §三), amounts as text."""
    doc = Document()
    doc.add_paragraph("三、项目支出预算明细表")
    doc.add_paragraph("单位：万元")
    rows = [
        ["项目名称", "高新区知识产权质押融资补贴", None, None, None],
        ["填报单位", "衡阳高新技术产业开发区市场监督管理局", None, None, None],
        ["所属表", "表四", None, None, None],
        ["类型", "知识产权高效能转化", None, None, None],
        ["项目类别", "知识产权质押融资", None, None, None],
        ["实施起止年月", "2024年5月至2025年4月", None, None, None],
        ["项目支出预算及测算说明", "项目资金来源", "资金来源", "金额", "备注"],
        [None, None, "合计", "25", None],
        [None, None, "1、省局项目支出", "5", None],
        [None, None, "2、地方、部门配套", "0", None],
        [None, None, "3、单位自筹", "20", None],
        [None, None, "4、其他来源", None, None],
        [None, "省局拨款项目支出明细", "支出项目内容", "金额", None],
        [None, None, "1、知识产权服务费", "4", None],
        [None, None, "7、其他相关费用（须注明）", "1", "评估费"],
        ["支出项目经费测算说明：", "服务费4万元，评估费1万元。", None, None, None],
    ]
    table = doc.add_table(rows=len(rows), cols=5)
    for r, line in enumerate(rows):
        for c, v in enumerate(line):
            if v is not None:
                table.cell(r, c).text = v
    for r in range(6):
        table.cell(r, 1).merge(table.cell(r, 4))
    table.cell(6, 0).merge(table.cell(14, 0))
    table.cell(15, 1).merge(table.cell(15, 4))
    out = io.BytesIO()
    doc.save(out)
    return "高新区预算表.docx", out.getvalue()


# ---------------------------------------------------------------- layouts that move things around
def t4_reordered_extra_columns() -> tuple[str, bytes]:
    """Zhaoqing's 表四 with its own column order, 联系人 and 是否续建 added, 备注 left out, amounts
    under 金额（万元）, a 类型 with a stray space, 小计： rows."""
    book = _openpyxl_book()
    ws = book.active
    ws.title = "附件1"
    ws["A1"] = "附件1"
    ws["A2"] = "2024年度知识产权项目需求征集表（四）（下放地市审批权限部分）"
    ws["A3"] = "填报单位：肇庆市市场监督管理局（知识产权局）"
    head = [
        "序号",
        "类型",
        "拟设置项目",
        "金额（万元）",
        "主要工作内容",
        "是否续建",
        "项目设置必要性",
        "项目设置政策依据",
        "项目绩效",
        "联系人",
    ]
    _put(ws, 4, head)
    data = [
        [
            1,
            "强化知识 产权保护",
            "知识产权纠纷多元化解",
            15,
            "调解组织建设",
            "是",
            NECESSITY,
            POLICY,
            PERFORMANCE,
            "周敏",
        ],
        [
            2,
            None,
            "知识产权纠纷行政裁决效能提升",
            10,
            "行政裁决",
            "否",
            NECESSITY,
            POLICY,
            PERFORMANCE,
            "周敏",
        ],
        [None, None, "小计：", 25],
        [
            3,
            "知识产权人才建设",
            "肇庆市知识产权人才培训",
            6,
            "人才培训",
            "否",
            NECESSITY,
            POLICY,
            PERFORMANCE,
            "吴刚",
        ],
        [None, None, "小计：", 6],
        [None, "合  计", None, 31],
    ]
    for i, line in enumerate(data, 5):
        _put(ws, i, line)
    return "肇庆市表四.xlsx", _save(book)


def t4_group_rows_in_category_column() -> tuple[str, bytes]:
    """Jieyang's 表四: each group opens with a row 一、知识产权高质量创造 typed in the 类型 column (序号
    blank), and the projects below leave 类型 blank."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：揭阳市市场监督管理局（知识产权局）"
    _put(ws, 3, HEAD_4)
    _put(ws, 4, [None, "一、知识产权高质量创造"])
    _put(ws, 5, row4(1, None, "导航", "专利导航服务基地培育建设项目", 20))
    _put(ws, 6, [None, "二、知识产权高效能转化"])
    _put(ws, 7, row4(2, None, "转化", "专利转化实施专项", 30))
    return "揭阳市表四.xlsx", _save(book)


def t4_group_rows_spanning() -> tuple[str, bytes]:
    """Shanwei's 表四: group rows （一）知识产权高质量创造 merged across the whole row, no 类型 on the
    project rows at all."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：汕尾市市场监督管理局"
    _put(ws, 3, HEAD_4)
    ws["A4"] = "（一）知识产权高质量创造"
    ws.merge_cells("A4:I4")
    _put(ws, 5, row4(1, None, "导航", "专利导航服务基地培育建设项目", 20))
    ws["A6"] = "（二）知识产权高效能转化"
    ws.merge_cells("A6:I6")
    _put(ws, 7, row4(1, None, "转化", "专利转化实施专项", 30))
    return "汕尾市表四.xlsx", _save(book)


def t4_formulas_xlsxwriter() -> tuple[str, bytes]:
    """Guangzhou's 表四 with amounts as formulas: =20+30 (cached 50), =SUM over a helper column with
    its cached value, a percent-formatted amount, 50.0000 shown with four places, a 合计 =SUM with a
    cached value."""
    book, out = _xw_book()
    ws = book.add_worksheet("Sheet1")
    pct = book.add_format({"num_format": "0%"})
    four = book.add_format({"num_format": "0.0000"})
    ws.write_string(0, 0, "2024年度知识产权项目需求征集表（四）")
    ws.write_string(1, 0, "填报单位：广州市市场监督管理局（知识产权局）")
    for c, h in enumerate(HEAD_4):
        ws.write_string(2, c, h)
    rows = [
        (
            row4(1, "知识产权高效能转化", "运营中心", "重点园区知识产权综合运营中心建设", None),
            ("=20+30", 50),
        ),
        (row4(2, None, "转化", "专利转化实施专项", None), ("=SUM(K5:L5)", 35)),
        (row4(3, None, "金融", "知识产权金融创新促进计划项目", None), (0.5, pct)),
        (row4(4, None, "证券化", "知识产权证券化推广项目", None), (50.0, four)),
    ]
    for r, (line, amount) in enumerate(rows, 3):
        for c, v in enumerate(line):
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif v is not None:
                ws.write_number(r, c, v)
        first, second = amount
        if isinstance(first, str):
            ws.write_formula(r, 4, first, None, second)
        else:
            ws.write_number(r, 4, first, second)
    ws.write_number(4, 10, 15)
    ws.write_number(4, 11, 20)
    ws.write_string(7, 0, "合计")
    ws.write_formula(7, 4, "=SUM(E4:E7)", None, 135.5)
    book.close()
    return "广州市-表四.xlsx", out.getvalue()


def t4_uncached_formulas() -> tuple[str, bytes]:
    """Yangjiang's 表四 saved by a tool that keeps no cached values (openpyxl): =20+30 and =E4*2
    in amounts, =SUM(E4:E5) as 合计, and =VLOOKUP that cannot be evaluated."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：阳江市市场监督管理局（知识产权局）"
    _put(ws, 3, HEAD_4)
    _put(
        ws,
        4,
        row4(1, "知识产权高效能转化", "运营中心", "重点园区知识产权综合运营中心建设", "=20+30"),
    )
    _put(ws, 5, row4(2, None, "转化", "专利转化实施专项", "=E4*2"))
    _put(ws, 6, row4(3, None, "金融", "知识产权金融创新促进计划项目", "=VLOOKUP(D6,K:L,2,0)"))
    ws["A7"] = "合计"
    ws["E7"] = "=SUM(E4:E5)"
    return "阳江市表四.xlsx", _save(book)


# ---------------------------------------------------------------- more headers and titles
def t3_told_by_subtitle_only() -> tuple[str, bytes]:
    """Dongguan's 表三: Sheet1, a neutral file name, only the subtitle row names the table."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "支持专利代办处和省知识产权保护中心开展工作"
    ws["A2"] = "填报单位：东莞市市场监督管理局"
    _put(ws, 3, HEAD_1)
    _put(ws, 4, row1(1, BAO_LABEL, "保护中心", 66, "东莞保护中心快速预审", "1个，66万元"))
    return "东莞市报送.xlsx", _save(book)


BAO_LABEL = "强化知识产权保护"


def t1_unit_per_million_on_second_row() -> tuple[str, bytes]:
    """Guangzhou's 表一: 经费安排 on the header row and （万元） alone on the row below (not merged);
    the other header cells are merged down over both rows."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（一）"
    ws["A2"] = "保留省局部分"
    ws["A3"] = "填报单位：广州市市场监督管理局（知识产权局）"
    ws["J3"] = "单位：万元"
    head = [
        "序号",
        "类型",
        "主要工作内容",
        "经费安排",
        "拟设置项目",
        "项目数及单项金额",
        "项目设置必要性",
        "项目设置政策依据",
        "项目绩效",
        "备注",
    ]
    _put(ws, 4, head)
    for col in range(1, 11):
        if col != 4:
            ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    ws["D5"] = "（万元）"
    _put(
        ws,
        6,
        row1(
            1, "知识产权高水平服务", "服务业集聚区", 100, "知识产权服务业集聚区建设", "1个，100万元"
        ),
    )
    _put(ws, 7, row1(2, None, "服务机构", "1,200", "品牌服务机构培育", "12家，每家100万元"))
    return "广州市表一.xlsx", _save(book)


def t1_and_t3_stacked_on_one_sheet() -> tuple[str, bytes]:
    """Chaozhou's 表一 and 表三 one under the other on a single sheet, each with its title."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（一）"
    ws["A2"] = "填报单位：潮州市市场监督管理局（知识产权局）"
    _put(ws, 3, HEAD_1)
    _put(ws, 4, row1(1, "知识产权管理", "统计", 10, "知识产权统计分析", "1个，10万元"))
    _put(ws, 5, ["合计", None, None, 10])
    ws["A8"] = "2024年度知识产权项目需求征集表（三）"
    ws["A9"] = "支持专利代办处和省知识产权保护中心开展工作"
    _put(ws, 10, HEAD_1)
    _put(ws, 11, row1(1, BAO_LABEL, "代办处", 12, "代办处服务能力提升", "1个，12万元"))
    _put(ws, 12, row1(2, None, "保护中心", 18, "保护中心运行保障", "1个，18万元"))
    _put(ws, 13, ["合计", None, None, "=SUM(D11:D12)"])
    return "潮州市表一表三.xlsx", _save(book)


def doc_table1_two_row_header() -> tuple[str, bytes]:
    """Meizhou's 表一 as the Word notice draws it: 项目设置 spanning 必要性 / 政策依据 on a second
    header row, the other header cells merged down, 类型 merged over two projects."""
    doc = Document()
    doc.add_paragraph("2024年度知识产权项目需求征集表（一）")
    doc.add_paragraph("保留省局部分")
    doc.add_paragraph("填报单位（盖章）：梅州市市场监督管理局")
    table = doc.add_table(rows=5, cols=10)
    top = [
        "序号",
        "类型",
        "主要工作内容",
        "经费安排\n（万元）",
        "拟设置项目",
        "项目数及\n单项金额",
        "项目设置",
        None,
        "项目绩效",
        "备注",
    ]
    for c, h in enumerate(top):
        if h:
            table.cell(0, c).text = h
    table.cell(1, 6).text = "必要性"
    table.cell(1, 7).text = "政策依据"
    for c in (0, 1, 2, 3, 4, 5, 8, 9):
        table.cell(0, c).merge(table.cell(1, c))
    table.cell(0, 6).merge(table.cell(0, 7))
    body = [
        row1("1", "知识产权人才建设", "人才培训", "15", "梅州知识产权人才培训", "3期，每期5万元"),
        row1("2", None, "实务培训", "5", "企业知识产权实务培训", "1期，5万元"),
        ["合计", None, None, "20", None, None, None, None, None, None],
    ]
    for r, line in enumerate(body, 2):
        for c, v in enumerate(line):
            if v is not None:
                table.cell(r, c).text = str(v)
    table.cell(2, 1).merge(table.cell(3, 1))
    out = io.BytesIO()
    doc.save(out)
    return "梅州市-表一.docx", out.getvalue()


def b_xlsxwriter_cached(provincial: float = 100) -> tuple[str, bytes]:
    """Qingyuan's clean 预算表 for its 表四 project 专利转化实施专项, typed in Excel: labels in B/C,
    amounts in D, =SUM 合计 with cached values, the 测算说明 on the row below its label."""
    book, out = _xw_book()
    ws = book.add_worksheet("项目支出预算明细表")
    ws.merge_range("A1:E1", "项目支出预算明细表")
    ws.write_string("E2", "单位：万元")
    head = [
        ("项目名称", "专利转化实施专项"),
        ("填报单位", QY),
        ("所属表", "表四"),
        ("类型", "知识产权高效能转化"),
        ("项目类别", "专利转化"),
        ("实施起止年月", "2024年3月至2025年2月"),
    ]
    for i, (label, value) in enumerate(head, 3):
        ws.write_string(f"B{i}", label)
        ws.merge_range(f"C{i}:E{i}", value)
    ws.write_string("B9", "项目资金来源")
    ws.write_string("C9", "资金来源")
    ws.write_string("D9", "金额")
    ws.write_string("E9", "备注")
    ws.write_string("C10", "合计")
    ws.write_formula("D10", "=SUM(D11:D14)", None, provincial + 50)
    for i, (label, v) in enumerate(
        [
            ("1、省局项目支出", provincial),
            ("2、地方、部门配套", 20),
            ("3、单位自筹", 30),
            ("4、其他来源", None),
        ],
        11,
    ):
        ws.write_string(f"C{i}", label)
        if v is not None:
            ws.write_number(f"D{i}", v)
    ws.write_string("B15", "省局拨款项目支出明细")
    ws.write_string("C15", "支出项目内容")
    ws.write_string("D15", "金额")
    lines = [
        ("1、知识产权服务费", provincial - 40),
        ("2、专利维持费", None),
        ("3、专家咨询费", 10),
        ("4、维权援助费", None),
        ("5、培训费", 10),
        ("6、宣传费", 5),
        ("7、其他相关费用（须注明）", 15),
    ]
    for i, (label, v) in enumerate(lines, 16):
        ws.write_string(f"C{i}", label)
        if v is not None:
            ws.write_number(f"D{i}", v)
    ws.write_string("E22", "会议费")
    ws.write_string("B23", "支出项目经费测算说明：")
    ws.merge_range("B24:E24", "服务费按合同计；专家咨询费10万元；培训费10万元；宣传费5万元。")
    book.close()
    return "清远市-专利转化实施专项-预算表.xlsx", out.getvalue()


# ---------------------------------------------------------------- footers, .xls 表一, Word 表四
def t4_unit_in_footer() -> tuple[str, bytes]:
    """Suzhou-style footer block: no unit line on top; below the table 注：, 填报单位（盖章）：汕头市
    市场监督管理局, 审核人 and 填报日期 lines."""
    book = _openpyxl_book()
    ws = book.active
    ws["A1"] = "附件2"
    ws["A2"] = "2024年度知识产权项目需求征集表（四）"
    ws["I3"] = "单位：万元"
    _put(ws, 4, HEAD_4)
    _put(ws, 5, row4("1", "知识产权人才建设", "培训", "汕头市知识产权人才培训", "50.0000"))
    _put(ws, 6, row4("2", "知识产权人才建设", "实务", "企业知识产权实务培训", "0.5"))
    ws["A8"] = "注：1.金额单位为万元；2.类型按通知填写。"
    ws["A9"] = "填报单位（盖章）：汕头市市场监督管理局"
    ws["A10"] = "审核人：郑洁"
    ws["E10"] = "填报日期：2023年12月10日"
    return "表四（下放地市审批权限部分）.xlsx", _save(book)


def t1_xls_merged_header() -> tuple[str, bytes]:
    """Chaozhou's 表一 in .xls: title with （一）, 项目设置 merged over 必要性 / 政策依据, 类型 merged
    down, a 合计 typed."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("表1")
    ws.write_merge(0, 0, 0, 9, "2024年度知识产权项目需求征集表（一）")
    ws.write_merge(1, 1, 0, 9, "填报单位：潮州市市场监督管理局")
    singles = {
        0: "序号",
        1: "类型",
        2: "主要工作内容",
        3: "经费安排\n（万元）",
        4: "拟设置项目",
        5: "项目数及\n单项金额",
        8: "项目绩效",
        9: "备注",
    }
    for c, h in singles.items():
        ws.write_merge(2, 3, c, c, h)
    ws.write_merge(2, 2, 6, 7, "项目设置")
    ws.write(3, 6, "必要性")
    ws.write(3, 7, "政策依据")
    body = [
        row1(1, None, "地理标志", 25, "地理标志运用促进", "1个，25万元"),
        row1(2, None, "商标品牌", 15, "商标品牌培育", "3个×5万元"),
    ]
    for r, line in enumerate(body, 4):
        for c, v in enumerate(line):
            if v is not None:
                ws.write(r, c, v)
    ws.write_merge(4, 5, 1, 1, "知识产权\n高效能转化")
    ws.write_merge(6, 6, 0, 2, "合计")
    ws.write(6, 3, 40)
    out = io.BytesIO()
    book.save(out)
    return "潮州市表一.xls", out.getvalue()


def doc_table4_category_on_every_row() -> tuple[str, bytes]:
    """Jiangmen's 表四 as a Word table: 类型 typed on every row (one with a stray space and a line
    break), amounts as text with 万元 or full-width digits, no 合计."""
    doc = Document()
    doc.add_paragraph("2024年度知识产权项目需求征集表（四）")
    doc.add_paragraph("下放地市审批权限部分")
    doc.add_paragraph("填报单位：江门市市场监督管理局（知识产权局）          单位：万元")
    _docx_table(
        doc,
        HEAD_4,
        [
            row4("1", "强化知识 产权保护", "多元化解", "知识产权纠纷多元化解", "２０"),
            row4("2", "强化知识\n产权保护", "行政裁决", "知识产权纠纷行政裁决效能提升", "10万元"),
            row4("3", "知识产权文化宣传及合作交流", "宣传周", "江门知识产权宣传周", "7.5"),
        ],
    )
    out = io.BytesIO()
    doc.save(out)
    return "江门市-表四.docx", out.getvalue()


def b_second_sheet_plain_labels() -> tuple[str, bytes]:
    """Qingyuan's 预算表 on the second sheet after 填表说明: labels without their numbering, amounts
    under 金额（万元） in column E with 备注 in F, 所属表 written as its subtitle, 单位 as 清远市市场监管局,
    amounts as 万元 text, the 测算说明 under its label."""
    book = _openpyxl_book()
    guide = book.active
    guide.title = "填表说明"
    guide["A1"] = "1. 合计应等于各项资金来源之和。"
    ws = book.create_sheet("预算")
    ws["A1"] = "项目支出预算明细表"
    ws["E2"] = "单位：万元"
    head = [
        ("项目名称：", "知识产权证券化推广项目"),
        ("填报单位：", "清远市市场监管局"),
        ("所属表：", "（四）下放地市审批权限部分"),
        ("类型：", "知识产权高效能转化"),
        ("项目类别：", "证券化"),
        ("实施起止年月：", "2024.1-2024.12"),
    ]
    for i, (label, value) in enumerate(head, 3):
        ws[f"A{i}"] = label
        ws[f"C{i}"] = value
    ws["B9"], ws["D9"], ws["E9"], ws["F9"] = "项目资金来源", "资金来源", "金额（万元）", "备注"
    for i, (label, v) in enumerate(
        [("合计", "40万元"), ("省局项目支出", "40万元"), ("单位自筹", "0")], 10
    ):
        ws[f"D{i}"] = label
        ws[f"E{i}"] = v
    ws["B13"], ws["D13"], ws["E13"] = "省局拨款项目支出明细", "支出项目内容", "金额（万元）"
    for i, (label, v) in enumerate(
        [("知识产权服务费", 30), ("宣传费", 6), ("其他相关费用（须注明）", 4)], 14
    ):
        ws[f"D{i}"] = label
        ws[f"E{i}"] = v
    ws["A18"] = "支出项目经费测算说明："
    ws["A19"] = "证券化产品设计服务费30万元，推介会宣传费6万元，其他相关费用4万元为场地租赁费。"
    return "预算表-证券化推广.xlsx", _save(book)
