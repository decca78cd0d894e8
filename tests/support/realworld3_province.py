"""The third real-world set, 广东 round (21 地市): 表一–表四 and 预算表 as prefecture staff make them.

Each maker's docstring says what the file holds and, for a planted mistake, where it is; the
expected reports are in ``tests/test_realworld3.py``.
"""

from __future__ import annotations

import openpyxl
import realworld3_xml as x
from openpyxl.styles import Alignment
from realworld3_docs import budget_template_docx, declaration_docx_nested, notice_table_docx
from realworld3_files import (
    BAO,
    FU,
    GAO,
    GOAL,
    GUAN,
    HEAD_1,
    HEAD_2,
    HEAD_3,
    HEAD_4,
    POLICY,
    QIANG,
    REN,
    TITLE,
    WEN,
    ZHUAN,
    Made,
    budget_block,
    put,
    row1,
    row2,
    row4,
    save,
    xls_book,
)

from budget_planner.templates.round import load_round

WRAP = Alignment(wrap_text=True, vertical="center")


# ================================================================ 表一 copied from the Word notice
def gz_table1_from_word() -> Made:
    """Guangzhou's 表一, the notice's Word table pasted into Excel and saved by LibreOffice: 类型 with
    its Word line break (知识产权\\n高质量创造) merged down over its group, 序号 written 1 / （一） / 1.1,
    every 类型 of the notice kept with an empty 可加行 row, 项目数及单项金额 that agree, a typed 合计."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表一"
    ws["A1"] = "附件"
    ws["A2"] = f"{TITLE}（一）"
    ws["A3"] = "保留省局部分"
    ws["A4"] = "填报单位：广州市市场监督管理局（知识产权局）"
    put(ws, 5, HEAD_1)
    groups = [
        (
            "知识产权\n高质量创造",
            [
                row1(
                    "1",
                    None,
                    "专利导航服务基地建设",
                    30,
                    "专利导航服务基地培育建设项目",
                    "2个×15万元",
                ),
                row1(
                    "2", None, "高价值专利组合培育", 20, "高价值专利培育布局中心建设", "1个，20万元"
                ),
            ],
        ),
        ("强化知识\n产权保护", [[None] * 10]),
        (
            "知识产权高效能转化",
            [
                row1("（一）", None, "专利转化对接", 25.5, "专利转化实施专项", None),
                row1(
                    "（二）",
                    None,
                    "质押融资贴息",
                    10,
                    "知识产权金融创新促进计划项目",
                    "2项，每项5万元",
                ),
            ],
        ),
        ("知识产权高水平服务", [[None] * 10]),
        ("知识产权人才建设", [[None] * 10]),
        ("知识产权文化宣传及合作交流", [[None] * 10]),
        ("知识产权管理", [row1(1.1, None, "统计监测", 8, "知识产权统计监测与分析", "1个×8万元")]),
    ]
    r = 6
    for category, rows in groups:
        first = r
        for line in rows:
            put(ws, r, line)
            r += 1
        ws.cell(row=first, column=2, value=category).alignment = WRAP
        if r - 1 > first:
            ws.merge_cells(start_row=first, start_column=2, end_row=r - 1, end_column=2)
    ws.cell(row=r, column=1, value="合计")
    ws.cell(row=r, column=4, value=93.5)
    return Made("广州市-表一.xlsx", save(book), "lo-xlsx")


# ================================================================ WPS: phonetic runs, number formats
def _presets4(round_id: str | None, taken: dict[str, tuple[object, str]], blank_amount: object):
    """The round's 表四 presets as rows (placeholders as issued); ``taken``: project → (金额, 绩效)."""
    rows = []
    for p in load_round(round_id).presets_for("表四"):
        v = p.values
        amount, goal = taken.get(p.project, (blank_amount, None))
        rows.append(
            [
                None,
                p.category,
                v.get("work_content"),
                p.project,
                amount,
                v.get("necessity"),
                v.get("policy_basis"),
                goal,
                v.get("remarks"),
            ]
        )
    return rows


def _wps_table4(unit_full: str, rows, *, total=None, dimension="A1:I40", extra=None) -> x.Sheet:
    s = x.Sheet("Sheet1", dimension=dimension)
    s.put(1, [x.Phonetic(f"{TITLE}（四）", "ひょう")])
    s.merge("A1:I1")
    s.put(2, ["下放地市审批权限部分"])
    s.put(3, [f"填报单位（盖章）：{unit_full}", None, None, None, None, None, None, "单位：万元"])
    s.put(4, [x.Phonetic(h, "") if i == 1 else h for i, h in enumerate(HEAD_4)])
    r = 5
    for line in rows:
        s.put(r, line)
        r += 1
    if total is not None:
        s.put(r, ["合计", None, None, None, total])
        s.merge(f"A{r}:D{r}")
        r += 1
    for line in extra or []:
        s.put(r, line)
        r += 1
    return s


def sz_table4_wps() -> Made:
    """Shenzhen's 表四 saved by WPS: shared strings with phonetic properties (one with a reading
    run), every preset of the notice copied with its placeholders, amounts shown as
    ``#,##0.00"万元"`` and ``0.00_ ``, the untaken presets' 金额 typed ``0.00`` as text, the placeholder
    of 知识产权强市 replaced by the city's own row, a 合计 formula with its cached value."""
    taken = {
        "知识产权强市强县建设项目": (x.Styled(120.0, "wan"), GOAL),
        "高价值专利培育布局中心建设": (x.Styled(60.0, "wan"), GOAL),
        "专利导航服务基地培育建设项目": (x.Styled(35.5, "trail"), GOAL),
        "知识产权纠纷多元化解": (x.Styled(20.0, "wan"), GOAL),
        "专利转化实施专项": (x.Styled(80.0, "thousands"), GOAL),
    }
    rows = _presets4(None, taken, x.Styled("0.00", "text"))
    own = [None, None, "深圳市知识产权强市建设评估", "强市建设第三方评估", x.Styled(15.0, "wan")]
    own += ["评估强市建设成效。", POLICY, "评估报告1份", None]
    rows[1] = own  # 各地市根据工作内容拟设置的项目1 → the city's own project
    for i, line in enumerate(rows, 1):
        line[0] = i
    total = x.Sum("SUM(E5:E29)", 330.5)
    extra = [[], ["填表人：周敏", None, "联系电话：0755-83070000", None, "审核人：李卫东"]]
    s = _wps_table4("深圳市市场监督管理局（知识产权局）", rows, total=total, extra=extra)
    return Made("深圳市-表四.xlsx", x.workbook([s]), "wps")


def yf_table4_wps() -> Made:
    """Yunfu's 表四 by WPS, only the projects it takes up, 类型 on each group's first row and the
    projects' text as inline strings (``<is>``); the 预算表 of its 专利导航 project is in this batch
    (``云浮市-预算表.docx``) and asks the same 40 万元."""
    rows = [
        row4(1, QIANG, "强县建设", x.Inline("知识产权强市强县建设项目"), 50.0, goal="新增强县1个"),
        row4(2, GAO, "导航基地", x.Inline("专利导航服务基地培育建设项目"), 40.0),
        row4(3, None, "贯标", x.Inline("优势示范企业培育和知识产权贯标推进"), 12.0),
        row4(
            4, ZHUAN, "商标指导站", x.Inline("商标品牌培育指导站规范化建设和服务能力提升项目"), 18.0
        ),
    ]
    s = _wps_table4("云浮市市场监督管理局（知识产权局）", rows, total=x.Sum("SUM(E5:E8)", 120.0))
    return Made("云浮市-表四.xlsx", x.workbook([s]), "wps")


def zq_table4_wps_mistakes() -> Made:
    """Zhaoqing's 表四 by WPS, 小计 per 类型 (typed), with three planted mistakes: 约30 in E6
    (amount.not_number), 项目绩效 left empty in H8 (required.missing), and the 小计 of 强化知识产权保护
    in E10 saying 25 where its rows make 20 (total.mismatch)."""
    rows = [
        row4(1, GAO, "导航", "专利导航服务基地培育建设项目", 30.0),
        row4(2, None, "专利池", "知识产权联盟及专利池建设项目", "约30"),
        [None, None, "小计", None, 30.0],
        row4(3, BAO, "纠纷调解", "知识产权纠纷多元化解", 12.0, goal=None),
        row4(4, None, "行政裁决", "知识产权纠纷行政裁决效能提升", 8.0),
        [None, None, "小计", None, 25.0],
    ]
    s = _wps_table4("肇庆市市场监督管理局（知识产权局）", rows, total=50.0)
    return Made("肇庆市-表四.xlsx", x.workbook([s]), "wps")


def zq_table3_inline() -> Made:
    """Zhaoqing's 表三, every string typed inline (``t="inlineStr"``) as some exporters write them,
    the header with the Word notice's doubled line breaks, a 1.1 / 1.2 numbering, the title naming
    (三) and its subtitle, no 合计."""
    s = x.Sheet("Sheet1", dimension="A1:J9")
    s.put(1, [x.Inline(f"{TITLE}（三）")])
    s.put(2, [x.Inline("支持专利代办处和省知识产权保护中心开展工作")])
    s.put(3, [x.Inline("填报单位：肇庆市市场监督管理局（知识产权局）")])
    s.put(4, [x.Inline(h) for h in HEAD_3])
    lines = [
        row1(
            "1.1",
            BAO,
            "保护中心快速预审",
            45.0,
            "肇庆市知识产权保护中心快速预审能力建设",
            "1个×45万元",
        ),
        row1("1.2", None, "代办处窗口服务", 15.0, "专利代办处窗口服务提升", "1个×15万元"),
        row1("2.1", FU, "公共服务网点", 10.0, "知识产权公共服务网点建设", "2个×5万元"),
    ]
    for i, line in enumerate(lines, 5):
        s.put(i, [x.Inline(v) if isinstance(v, str) else v for v in line])
    return Made("肇庆市-表三.xlsx", x.workbook([s], application="Microsoft Excel"), "wps")


# ================================================================ xlwt .xls
def zh_table2_xlwt() -> Made:
    """Zhuhai's 表二 written by xlwt (BIFF8): 单位：万元 on the 填报单位 line, one 后补助 going to two
    承接单位 (not a double request), amounts as ``#,##0.00``, a 合计, then the footer lines
    填表人 / 联系电话 / 审核人 / 日期 in separate cells."""
    rows = [
        (1, [f"{TITLE}（二）"]),
        (2, ["后补助资金"]),
        (3, ["填报单位：珠海市市场监督管理局（知识产权局）", None, None, None, None, "单位：万元"]),
        (4, HEAD_2),
        (5, row2(1, "专利奖配套奖励", "中国专利奖配套奖励", 30.0, "珠海格力电器股份有限公司")),
        (6, row2(2, "专利奖配套奖励", "中国专利奖配套奖励", 20.0, "珠海冠宇电池股份有限公司")),
        (7, row2(3, "贯标后补助", "知识产权贯标后补助", 12.5, "珠海市3家贯标企业")),
        (8, ["合计", None, None, 62.5]),
        (
            10,
            [
                "填表人：黄丽",
                None,
                "联系电话：0756-2212345",
                None,
                "审核人：陈刚",
                None,
                "日期：2024年1月8日",
            ],
        ),
    ]
    data = xls_book({"表二": rows}, {"表二": [(8, 8, 1, 3)]})
    return Made("珠海市-表二.xls", data, "xlwt")


# ================================================================ a clerk's copy-paste in openpyxl
def _title(ws, top: int, number: str, subtitle: str) -> None:
    ws.cell(row=top, column=1, value=f"{TITLE}（{number}）")
    ws.cell(row=top + 1, column=1, value=subtitle)


def dg_three_tables_one_sheet() -> Made:
    """Dongguan put 表一, 表三 and 表四 on one sheet, each under its title, with blank rows between;
    cells pasted from Word keep non-breaking and ideographic spaces, 类型 repeated on every row,
    some amounts typed as text (``20.00``)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "需求征集表"
    ws["A1"] = "填报单位：东莞市市场监督管理局（知识产权局）"
    _title(ws, 3, "一", "保留省局部分")
    put(ws, 5, HEAD_1)
    put(
        ws,
        6,
        row1(1, "知识产权\u00a0高质量创造", "导航", "20.00", "东莞市产业专利导航", "1个×20万元"),
    )
    put(ws, 7, row1(2, "知识产权高质量创造", "专利池", 15, "东莞市产业专利池建设", None))
    put(ws, 8, row1(3, "知识产权管理\u3000", "统计", 5, "东莞市知识产权统计分析", None))
    _title(ws, 12, "三", "支持专利代办处和省知识产权保护中心开展工作")
    put(ws, 14, HEAD_1)
    put(ws, 15, row1(1, "强化知识产权保护", "快速预审", 40, "东莞市知识产权保护中心快速预审", None))
    put(ws, 16, ["合计", None, None, 40])
    _title(ws, 20, "四", "下放地市审批权限部分")
    put(ws, 22, HEAD_4)
    put(ws, 23, row4(1, "知识产权强市、强县建设", "强市", "知识产权强市强县建设项目", 100))
    put(ws, 24, row4(2, "知识产权高效能转化", "运营", "重点园区知识产权综合运营中心建设", "35.50"))
    put(ws, 25, ["合计", None, None, None, 135.5])
    return Made("东莞市-需求征集表.xlsx", save(book), "openpyxl")


def yj_table4_typed_amounts() -> Made:
    """Yangjiang's 表四 typed by hand: full-width digits (``３５``), amounts with 万 or 万元 only
    (``20万``, ``12.5万元``), the presets it does not take up with 金额 ``0`` typed as text, a 合计
    of the amounts taken up."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    _title(ws, 1, "四", "下放地市审批权限部分")
    ws["A3"] = "填报单位：阳江市市场监督管理局（知识产权局）"
    ws["H3"] = "单位：万元"
    put(ws, 4, HEAD_4)
    put(ws, 5, row4(1, QIANG, "强市建设", "知识产权强市强县建设项目", "３５"))
    put(ws, 6, row4(2, GAO, "培育中心", "高价值专利培育布局中心建设", "0", goal=None))
    put(ws, 7, row4(3, None, "导航", "专利导航服务基地培育建设项目", "20万"))
    put(ws, 8, row4(4, BAO, "纠纷化解", "知识产权纠纷多元化解", "0.00", goal=None))
    put(ws, 9, row4(5, ZHUAN, "地标推广", "地理标志产品流通和展示推广项目", "12.5万元"))
    put(ws, 10, ["合计", None, None, None, "67.5"])
    return Made("阳江市-表四.xlsx", save(book), "openpyxl")


def zs_table1_in_yuan() -> Made:
    """Zhongshan's 表一 under a ``单位：元`` line: amounts in 元 (300000, 80000) while 项目数及单项金额
    counts in 万元 (``3个×10万元``) — they agree once converted."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    _title(ws, 1, "一", "保留省局部分")
    ws["A3"] = "填报单位：中山市市场监督管理局（知识产权局）"
    ws["J3"] = "单位：元"
    put(ws, 4, HEAD_1)
    put(ws, 5, row1(1, GAO, "导航", 300000, "中山市灯饰产业专利导航", "3个×10万元"))
    put(ws, 6, row1(2, REN, "人才培训", 80000, "知识产权实务人才培训", "2期，每期4万元"))
    put(ws, 7, ["合计", None, None, 380000])
    return Made("中山市-表一-元.xlsx", save(book), "openpyxl")


# ================================================================ LibreOffice: .ods → .xlsx, .xls
def zs_table4_subtotals_ods() -> Made:
    """Zhongshan's 表四 kept in LibreOffice as .ods and then saved as .xlsx: 小计 per 类型 and the 合计
    as =SUM formulas (LibreOffice computes their values), 类型 merged over each group."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    _title(ws, 1, "四", "下放地市审批权限部分")
    ws["A3"] = "填报单位：中山市市场监督管理局（知识产权局）"
    put(ws, 4, HEAD_4)
    put(ws, 5, row4(1, GAO, "导航", "专利导航服务基地培育建设项目", 25))
    put(ws, 6, row4(2, None, "贯标", "优势示范企业培育和知识产权贯标推进", 15))
    put(ws, 7, [None, "小计", None, None, "=SUM(E5:E6)"])
    put(ws, 8, row4(3, BAO, "信用监管", "推广开展知识产权领域以信用为基础的分级分类监管工作", 10))
    put(ws, 9, row4(4, None, "行政裁决", "知识产权纠纷行政裁决效能提升", 6.5))
    put(ws, 10, [None, "小计", None, None, "=SUM(E8:E9)"])
    put(ws, 11, ["合计", None, None, None, "=E7+E10"])
    ws.merge_cells("B5:B6")
    ws.merge_cells("B8:B9")
    return Made("中山市-表四.xlsx", save(book), "lo-ods")


def zj_table4_text_dates_xls() -> Made:
    """Zhanjiang's 表四 saved by LibreOffice as .xls: dates typed as text in 备注 (``2024.03``,
    ``2024年3月启动``), percentages in 项目绩效 as text, a hidden sheet holding the 类型 dropdown
    list (no table: nothing to say), a typed 合计."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    _title(ws, 1, "四", "下放地市审批权限部分")
    ws["A3"] = "填报单位：湛江市市场监督管理局（知识产权局）"
    put(ws, 4, HEAD_4)
    put(
        ws,
        5,
        row4(
            1, QIANG, "强县", "知识产权强市强县建设项目", 60, "2024.03", goal="强县建设达标率100%"
        ),
    )
    put(ws, 6, row4(2, WEN, "宣传周", "知识产权宣传周活动", 8, "2024年3月启动", goal="覆盖率≥90%"))
    put(ws, 7, row4(3, GUAN, "统计", "知识产权统计监测", 4.5, "2024/12/31前完成"))
    put(ws, 8, ["合计", None, None, None, 72.5])
    lists = book.create_sheet("下拉列表")
    for i, c in enumerate([QIANG, GAO, BAO, ZHUAN, FU, REN, WEN, GUAN], 1):
        lists.cell(row=i, column=1, value=c)
    lists.sheet_state = "hidden"
    return Made("湛江市-表四.xls", save(book), "lo-xls")


def jy_table4_mistakes_xls() -> Made:
    """Jieyang's 表四 saved by LibreOffice as .xls, with planted mistakes: a negative amount in E6
    (amount.negative), 类型 ``知识产权保护`` in B7 (category.unknown), and the 合计 in E9 saying 80
    where the rows make 50 (total.mismatch)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    _title(ws, 1, "四", "下放地市审批权限部分")
    ws["A3"] = "填报单位：揭阳市市场监督管理局（知识产权局）"
    put(ws, 4, HEAD_4)
    put(ws, 5, row4(1, GAO, "导航", "专利导航服务基地培育建设项目", 40))
    put(ws, 6, row4(2, None, "专利池", "知识产权联盟及专利池建设项目", -5))
    put(ws, 7, row4(3, "知识产权保护", "纠纷", "知识产权纠纷多元化解", 15))
    put(ws, 9, ["合计", None, None, None, 80])
    return Made("揭阳市-表四.xls", save(book), "lo-xls")


def jy_table1_count_mismatch() -> Made:
    """Jieyang's 表一 saved by LibreOffice: 项目数及单项金额 ``3个×20万元`` in F6 against 经费安排 50
    (count_amount.mismatch), and a 政策依据 naming no document in H5 (a warning)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表一"
    _title(ws, 1, "一", "保留省局部分")
    ws["A3"] = "填报单位：揭阳市市场监督管理局（知识产权局）"
    put(ws, 4, HEAD_1)
    put(
        ws,
        5,
        row1(
            1, FU, "服务机构", 20, "知识产权服务机构培育", "2个×10万元", policy="省局年度工作要点"
        ),
    )
    put(ws, 6, row1(2, ZHUAN, "运营基金", 50, "知识产权运营基金引导", "3个×20万元"))
    return Made("揭阳市-表一.xlsx", save(book), "lo-xlsx")


# ================================================================ 预算表: issued template, 申报书, Word
def sz_budget_template_lo() -> Made:
    """Shenzhen's 预算表 in the issued template (its metadata sheet kept), filled in and saved by
    LibreOffice: 所属表 表四, 类型 from the list, the period as ``2024.03-2025.02``; its 省局项目支出
    is the 60 万元 of the 表四 row 高价值专利培育布局中心建设 in ``深圳市-表四.xlsx``."""
    from realworld3_template import filled_budget_template

    data = filled_budget_template(
        "深圳市",
        {
            "项目名称": "高价值专利培育布局中心建设",
            "所属表": "表四",
            "类型": GAO,
            "项目类别": "高价值专利培育",
            "实施起止年月": "2024.03-2025.02",
        },
        {
            "1、省局项目支出": 60,
            "3、单位自筹": 40,
            "1、知识产权服务费": 45,
            "3、专家咨询费": 5,
            "5、培训费": 10,
        },
        "服务费45万元用于专利布局分析；专家咨询费5万元；培训费10万元。",
    )
    return Made("深圳市-预算表.xlsx", data, "lo-xlsx")


def zh_budget_wps_mistakes() -> Made:
    """Zhuhai's 预算表 by WPS with planted mistakes: the expense lines add to 28 against a 省局项目支出
    of 30 in D9 (budget.expenses_mismatch), and 其他相关费用 5 in D20 with no note anywhere
    (budget.other_without_note)."""
    s = x.Sheet("预算表", dimension="A1:E23")
    s.put(1, ["项目支出预算明细表"])
    s.merge("A1:E1")
    s.put(2, ["项目名称", None, "珠海市知识产权纠纷调解中心建设"])
    s.put(3, ["填报单位", None, "珠海市市场监督管理局（知识产权局）"])
    s.put(4, ["所属表", None, "表二"])
    s.put(5, ["实施起止年月", None, "2024年1月至2024年12月"])
    money = {
        "合计": x.Styled(30.0, "wan"),
        "1、省局项目支出": x.Styled(30.0, "wan"),
        "1、知识产权服务费": 15.0,
        "4、维权援助费": 8.0,
        "7、其他相关费用（须注明）": 5.0,
    }
    rows, merges = budget_block(money, "服务费用于调解员聘用；维权援助费用于案件援助。")
    for i, line in enumerate(rows, 6):
        s.put(i, line)
    for r0, c0, r1, c1 in merges:
        s.merge(f"{chr(65 + c0)}{r0 + 6}:{chr(65 + c1)}{r1 + 6}")
    return Made("珠海市-预算表.xlsx", x.workbook([s]), "wps")


def dg_patent_plan_declaration() -> Made:
    """Dongguan's 申报书 on one sheet, saved by LibreOffice, named ``2024年度东莞市专利技术实施计划
    项目`` (the programme of seed 004 with year, place and 项目): 单位自筹 50 is less than three times
    the 省局项目支出 of 20 (rule.matching_funds at the 单位自筹 cell, D22)."""
    from realworld3_template import declaration_sheet

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "申报书"
    declaration_sheet(
        ws,
        {
            "项目名称": "2024年度东莞市专利技术实施计划项目",
            "研究起止日期": ("2024年5月", "至", "2025年10月"),
            "项目申请单位名称": "东莞市智造精密部件有限公司",
            "推荐单位名称": "东莞市市场监督管理局（知识产权局）",
        },
        {
            "合计": 70,
            "1、省局项目支出": 20,
            "3、单位自筹": 50,
            "1、知识产权服务费": 12,
            "2、专利维持费": 8,
        },
        "服务费12万元用于专利实施许可；维持费8万元用于核心专利年费。",
    )
    return Made("东莞市-专利技术实施计划-申报书.xlsx", save(book), "lo-xlsx")


def yf_budget_template_docx() -> Made:
    """Yunfu's 预算表 as a Word table in the issued template's layout (项目名称 … 实施起止年月, then
    the money), 填报单位 the city bureau, 所属表 表四: its 省局项目支出 40 is the 表四 row's."""
    data = budget_template_docx(
        {
            "项目名称": "专利导航服务基地培育建设项目",
            "填报单位": "云浮市市场监督管理局（知识产权局）",
            "所属表": "表四",
            "类型": GAO,
            "项目类别": "专利导航",
            "实施起止年月": "2024年3月至2025年2月",
        },
        {
            "合计": "40",
            "1、省局项目支出": "40",
            "1、知识产权服务费": "30",
            "5、培训费": "6",
            "7、其他相关费用（须注明）": "4",
        },
        "服务费30万元用于导航分析；培训费6万元；其他相关费用4万元为导航成果汇编印刷费。",
    )
    return Made("云浮市-预算表.docx", data, "docx")


def gz_declaration_nested_docx() -> Made:
    """Guangzhou's 申报书 exported by WPS as .docx: the cover lines, §一 基本信息 in one table, and §三
    项目支出预算明细表 as a table nested in the one cell of a frame table (WPS keeps the outline that
    way). The project is 表一's 专利导航服务基地培育建设项目 asking the same 30 万元."""
    data = declaration_docx_nested(
        {
            "项目名称": "广州市专利导航服务基地培育建设项目",
            "研究起止日期": ("2024年1月", "至", "2024年12月"),
            "项目申请单位名称": "广州知识产权服务有限公司",
            "推荐单位名称": "广州市市场监督管理局（知识产权局）",
        },
        {
            "合计": "45",
            "1、省局项目支出": "30",
            "3、单位自筹": "15",
            "1、知识产权服务费": "24",
            "3、专家咨询费": "6",
        },
        "服务费24万元用于导航分析；专家咨询费6万元。",
    )
    return Made("广州市-申报书.docx", data, "docx")


def zj_table1_word_notice() -> Made:
    """Zhanjiang's 表一 sent as the notice's own Word table: title, subtitle, 填报单位 and 单位：万元
    paragraphs above it, 类型 cells with line breaks merged down over their rows (vMerge), every
    类型 of the notice kept with an empty row."""
    rows = [
        ["1", "知识产权\n高质量创造", "专利挖掘", "18", "湛江市海洋产业专利挖掘布局", "1个×18万元"],
        ["2", None, "导航", "12", "湛江市产业专利导航", "2个×6万元"],
        [None, "强化知识\n产权保护", None, None, None, None],
        ["3", "知识产权\n人才建设", "培训", "6.5", "知识产权实务培训", None],
    ]
    data = notice_table_docx(
        [
            f"{TITLE}（一）",
            "保留省局部分",
            "填报单位：湛江市市场监督管理局（知识产权局）",
            "单位：万元",
        ],
        HEAD_1,
        [
            [*r, *(["落实部署。", POLICY, "培训200人次", None] if r[0] else [None] * 4)]
            for r in rows
        ],
        merges=[(1, 2, 1)],  # 类型 of the first group over rows 2–3 of the table
    )
    return Made("湛江市-表一.docx", data, "docx")


MAKERS = [
    gz_table1_from_word,
    sz_table4_wps,
    yf_table4_wps,
    zq_table4_wps_mistakes,
    zq_table3_inline,
    zh_table2_xlwt,
    dg_three_tables_one_sheet,
    yj_table4_typed_amounts,
    zs_table1_in_yuan,
    zs_table4_subtotals_ods,
    zj_table4_text_dates_xls,
    jy_table4_mistakes_xls,
    jy_table1_count_mismatch,
    sz_budget_template_lo,
    zh_budget_wps_mistakes,
    dg_patent_plan_declaration,
    yf_budget_template_docx,
    gz_declaration_nested_docx,
    zj_table1_word_notice,
]


# ================================================================ more of what clerks do
def mm_table1_template_copy() -> Made:
    """Maoming's 表一 copied from the notice with every 类型 group kept: the groups it does not use
    keep the notice's ``可加行`` in 拟设置项目, rows it crossed out with ``/`` in every cell, a row
    with nothing but ``0`` in 经费安排 (copied down from a formula), and the footer 经办人 /
    分管领导 / 制表日期 written under the text columns, not in column A."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表一"
    _title(ws, 1, "一", "保留省局部分")
    ws["A3"] = "填报单位：茂名市市场监督管理局（知识产权局）"
    put(ws, 4, HEAD_1)
    put(ws, 5, row1(1, GAO, "专利挖掘", 16, "茂名市石化产业专利挖掘", "2个×8万元"))
    put(ws, 6, [None, None, "/", "/", "/", "/", "/", "/", "/", "/"])
    put(ws, 7, [None, BAO, None, None, "可加行"])
    put(ws, 8, [None, ZHUAN, None, 0])
    put(ws, 9, row1(2, FU, "公共服务", 9.5, "知识产权信息公共服务网点建设", None))
    put(ws, 10, [None, None, "—", "—", "—", "—", "—", "—", "—"])
    put(ws, 11, [None, REN, None, None, "可加行"])
    put(ws, 12, [None, WEN, None, None, "可加行"])
    put(ws, 13, [None, GUAN, None, None, "可加行"])
    put(ws, 14, ["合计", None, None, 25.5])
    put(ws, 16, [None, None, "经办人：吴敏", None, "分管领导：", None, "制表日期：2024年1月10日"])
    return Made("茂名市-表一.xlsx", save(book), "openpyxl")


def cz_table4_comma_category() -> Made:
    """Chaozhou's 表四 saved by LibreOffice: 类型 typed ``知识产权强市，强县建设`` (a full-width comma
    for the list's 、), the footer 单位负责人 / 经办人 / 联系电话 in one row."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    _title(ws, 1, "四", "下放地市审批权限部分")
    ws["A3"] = "填报单位：潮州市市场监督管理局（知识产权局）"
    put(ws, 4, HEAD_4)
    put(ws, 5, row4(1, "知识产权强市，强县建设", "强市", "知识产权强市强县建设项目", 40))
    put(ws, 6, row4(2, WEN, "宣传周", "潮州市知识产权宣传周", 6))
    put(ws, 7, ["合计", None, None, None, 46])
    put(ws, 9, ["单位负责人：", None, "经办人：郑洁", None, "联系电话：0768-2000000"])
    return Made("潮州市-表四.xlsx", save(book), "lo-xlsx")


def sw_declaration_three_years_docx() -> Made:
    """Shanwei's 申报书 in Word (§三 nested as WPS exports it), its period written as a duration the
    way the guides write it: ``实施周期 | 3年`` — 36 months, more than the 2 years allowed
    (rule.implementation_period at the cell after the label)."""
    data = declaration_docx_nested(
        {
            "项目名称": "汕尾市海洋产业专利导航",
            "研究起止日期": None,
            "实施周期": "3年",
            "项目申请单位名称": "汕尾市海丰知识产权服务中心",
            "推荐单位名称": "汕尾市市场监督管理局（知识产权局）",
        },
        {
            "合计": "20",
            "1、省局项目支出": "20",
            "1、知识产权服务费": "20",
        },
        "服务费20万元用于导航分析。",
    )
    return Made("汕尾市-专利导航-申报书.docx", data, "docx")


def st_table2_word_merged() -> Made:
    """Shantou's 表二 as a Word table: one 后补助 to two 承接单位, its 主要工作内容, 后补助名称 and
    依据 merged down over the two rows (vMerge): two projects, no double request."""
    rows = [
        [
            "1",
            "专利奖配套奖励",
            "广东专利奖配套奖励",
            "10",
            "《广东省专利奖励办法》",
            "汕头市A玩具有限公司",
            "获奖1项",
            None,
        ],
        ["2", None, None, "10", None, "汕头市B化工有限公司", "获奖1项", None],
        [
            "3",
            "贯标奖励",
            "知识产权贯标后补助",
            "6",
            "《汕头市知识产权专项资金管理办法》",
            "汕头市C电子有限公司",
            "通过贯标",
            None,
        ],
    ]
    data = notice_table_docx(
        [f"{TITLE}（二）", "后补助资金", "填报单位：汕头市市场监督管理局（知识产权局）"],
        HEAD_2,
        rows,
        merges=[(1, 2, 1), (1, 2, 2), (1, 2, 4)],
    )
    return Made("汕头市-表二.docx", data, "docx")


MAKERS += [
    mm_table1_template_copy,
    cz_table4_comma_category,
    sw_declaration_three_years_docx,
    st_table2_word_merged,
]


def hz_budget_circled_numbers() -> Made:
    """Huizhou's 预算表 typed by hand and saved by LibreOffice: the lines numbered ①–⑦ instead of
    1、–7、 (``①知识产权服务费``), the period ``实施周期：2024年1月-2024年12月`` in one cell."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "预算表"
    put(ws, 1, ["项目支出预算明细表"])
    put(ws, 2, ["项目名称", None, "惠州市专利导航服务基地培育建设项目"])
    put(ws, 3, ["实施周期：2024年1月-2024年12月"])
    rows, merges = budget_block(
        {"合计": 18, "1、省局项目支出": 18, "1、知识产权服务费": 15, "5、培训费": 3},
        "服务费15万元用于导航分析；培训费3万元。",
    )
    circled = "①②③④⑤⑥⑦"
    for i, line in enumerate(rows, 4):
        label = line[2]
        if isinstance(label, str) and label[:1].isdigit():
            line[2] = circled[int(label[0]) - 1] + label.split("、", 1)[1]
        put(ws, i, line)
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0 + 4, start_column=c0 + 1, end_row=r1 + 4, end_column=c1 + 1)
    return Made("惠州市-预算表.xlsx", save(book), "lo-xlsx")


def jm_table4_breakdown_xls() -> Made:
    """Jiangmen's 表四 saved by LibreOffice as .xls: the 合计 right under the header, and a project
    broken down on the line below it (``其中：省级资金 15``, ``其中：市级配套 5``) — parts of the row
    above, not projects."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    _title(ws, 1, "四", "下放地市审批权限部分")
    ws["A3"] = "填报单位：江门市市场监督管理局（知识产权局）"
    put(ws, 4, HEAD_4)
    put(ws, 5, ["合计", None, None, None, 30])
    put(ws, 6, row4(1, GAO, "导航", "专利导航服务基地培育建设项目", 20))
    put(ws, 7, [None, None, "其中：省级资金", None, 15])
    put(ws, 8, [None, None, "其中：市级配套", None, 5])
    put(ws, 9, row4(2, BAO, "调解", "知识产权纠纷多元化解", 10))
    return Made("江门市-表四.xls", save(book), "lo-xls")


MAKERS += [hz_budget_circled_numbers, jm_table4_breakdown_xls]


def zj_table4_framed_docx() -> Made:
    """Zhanjiang's 表四 in Word, the table kept inside the one cell of a frame table (a layout WPS
    users make to fix the page): the title and 填报单位 paragraphs above the frame name the unit;
    the file's name does not."""
    from realworld3_docs import framed_table_docx

    data = framed_table_docx(
        [f"{TITLE}（四）", "下放地市审批权限部分", "填报单位：湛江市市场监督管理局（知识产权局）"],
        HEAD_4,
        [
            [
                "1",
                QIANG,
                "强县建设",
                "知识产权强市强县建设项目",
                "30",
                "落实强市部署。",
                POLICY,
                "强县1个",
                None,
            ],
            [
                "2",
                ZHUAN,
                "地标推广",
                "地理标志产品流通和展示推广项目",
                "12.5",
                "推广地标。",
                POLICY,
                "展会2场",
                None,
            ],
        ],
    )
    return Made("下放地市审批权限部分-框架表.docx", data, "docx")


MAKERS += [zj_table4_framed_docx]
