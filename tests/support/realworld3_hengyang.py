"""The third real-world set, 衡阳 round (``--round hengyang-2024``): county and 园区 returns — 表四
as the city reissues it, 预算表 and seed 000's 申报书 — as county staff make them.

Each maker's docstring says what the file holds and, for a planted mistake, where it is; the
expected reports are in ``tests/test_realworld3.py``.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import realworld3_xml as x
from realworld3_docs import budget_template_docx, declaration_docx_nested, notice_table_docx
from realworld3_files import (
    BAO,
    GAO,
    HEAD_4,
    HY_POLICY,
    QIANG,
    TITLE,
    WEN,
    ZHUAN,
    Made,
    budget_block,
    put,
    row4,
    save,
    xls_book,
)
from realworld3_province import _presets4
from realworld3_template import declaration_sheet

HY = "hengyang-2024"


def hn_county_table4_wps() -> Made:
    """衡南县's 表四 by WPS: the city's presets copied whole, the 各县区 placeholders of two 类型
    replaced by the county's own rows, a 小计 under each 类型 it takes up (typed), a 合计, and the
    footer 填表人 / 联系电话 / 审核人 merged across."""
    taken = {
        "知识产权强市强县建设项目": (30.0, "创建强县1个"),
        "专利导航服务基地培育建设项目": (12.0, "导航报告1份"),
        "知识产权纠纷多元化解": (6.0, "调解案件30件"),
    }
    presets = _presets4(HY, taken, None)
    rows = []
    subtotals = {QIANG: 30.0, GAO: 20.0, BAO: 6.0}
    own = {
        "各县区根据工作内容拟设置的项目1": {
            GAO: ["衡南县莲湘产业专利挖掘", 8.0],
        }
    }
    current = None
    for line in presets:
        category = line[1]
        if current is not None and category != current and current in subtotals:
            rows.append([None, None, f"{current}小计", None, subtotals[current]])
        current = category
        if line[3] in own and category in own[line[3]]:
            name, amount = own[line[3]][category]
            line = [None, None, "县级自行开展的工作", name, amount, "补齐短板。", HY_POLICY]
            line += ["专利申请20件", None]
        rows.append(line)
    for i, line in enumerate(rows, 1):
        if line[3]:
            line[0] = i
    s = x.Sheet("表四", dimension="A1:I60")
    s.put(1, [f"{TITLE}（四）"])
    s.put(2, ["填报单位：衡南县市场监督管理局", None, None, None, "单位：万元"])
    s.put(3, HEAD_4)
    r = 4
    for line in rows:
        s.put(r, line)
        r += 1
    s.put(r, ["合计", None, None, None, 56.0])
    s.put(r + 2, ["填表人：谭丽", None, None, "联系电话：0734-7000001", None, "审核人：何军"])
    s.merge(f"A{r + 2}:C{r + 2}")
    return Made("衡南县-表四.xlsx", x.workbook([s]), "wps")


def park_declaration_lo() -> Made:
    """The 高新区 (a 园区)'s 申报书 on one sheet, saved by LibreOffice: the 推荐单位 is the park's
    management committee by its full legal name (衡阳国家高新技术产业开发区管理委员会), the applicant
    a firm; no 所属表 and no 表四 of the park in the batch."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    declaration_sheet(
        ws,
        {
            "项目名称": "高新区知识产权强链护链项目",
            "研究起止日期": ("2024年6月", "至", "2025年5月"),
            "项目申请单位名称": "衡阳特变电工输变电有限公司",
            "推荐单位名称": "衡阳国家高新技术产业开发区管理委员会",
        },
        {
            "合计": 50,
            "1、省局项目支出": 10,
            "3、单位自筹": 40,
            "1、知识产权服务费": 7,
            "3、专家咨询费": 3,
        },
        "服务费7万元用于产业链专利分析；专家咨询费3万元用于论证。",
    )
    return Made("衡阳高新区-申报书.xlsx", save(book), "lo-xlsx")


def hs_declaration_nested_docx() -> Made:
    """衡山县's 申报书 exported by WPS (.docx, §三 nested in a frame table), named after its project
    only: the 推荐单位 that tells the county is on the cover page, a paragraph
    (``推荐单位名称：衡山县市场监督管理局``) as in seed 000; 研究起止日期 2024年7月 | 至 | 2025年6月."""
    data = declaration_docx_nested(
        {
            "项目名称": "衡山县商业秘密保护示范企业创建",
            "研究起止日期": ("2024年7月", "至", "2025年6月"),
            "项目申请单位名称": "衡山县南岳云雾茶业有限公司",
            "推荐单位名称": "衡山县市场监督管理局",
        },
        {
            "合计": "12",
            "1、省局项目支出": "5",
            "3、单位自筹": "7",
            "1、知识产权服务费": "3",
            "5、培训费": "2",
        },
        "服务费3万元用于商业秘密管理体系建设；培训费2万元。",
    )
    return Made("商业秘密保护示范企业创建申报书.docx", data, "docx")


def qd_county_table4_xlwt() -> Made:
    """祁东县's 表四 written by xlwt: 单位：万元 on its own line, 类型 merged over its group, a 合计,
    a blank row and the footer (填表人, 联系电话, 日期) in one cell each."""
    rows = [
        (1, [f"{TITLE}（四）"]),
        (2, ["填报单位：祁东县市场监督管理局"]),
        (3, [None, None, None, None, None, None, None, None, "单位：万元"]),
        (4, HEAD_4),
        (5, row4(1, GAO, "黄花菜专利培育", "祁东黄花菜高价值专利培育", 10.0, policy=HY_POLICY)),
        (6, row4(2, None, "导航", "专利导航服务基地培育建设项目", 6.0, policy=HY_POLICY)),
        (7, row4(3, ZHUAN, "地标", "地理标志产品流通和展示推广项目", 9.5, policy=HY_POLICY)),
        (8, ["合计", None, None, None, 25.5]),
        (10, ["填表人：刘芳  联系电话：0734-6000002  日期：2024年5月10日"]),
    ]
    data = xls_book({"Sheet1": rows}, {"Sheet1": [(5, 6, 2, 2)]})
    return Made("祁东县-表四.xls", data, "xlwt")


def sg_budget_date_cells_wps() -> Made:
    """石鼓区's 预算表 by WPS, laid out as the issued form: the period as two real date cells shown
    ``yyyy"年"m"月"`` with 至 between, amounts shown ``0.00_ ``, 所属表 表四 and 类型 given."""
    s = x.Sheet("预算表", dimension="A1:E30")
    s.put(1, ["项目支出预算明细表"])
    s.put(2, ["项目名称", None, "石鼓区知识产权纠纷调解工作站建设"])
    s.put(3, ["填报单位", None, "衡阳市石鼓区市场监督管理局"])
    s.put(4, ["所属表", None, "表四"])
    s.put(5, ["类型", None, BAO])
    s.put(6, ["实施起止年月", None, x.Styled(dt.date(2024, 7, 1), "yearmonth"), "至"])
    s.cells[(6, 5)] = x.Styled(dt.date(2025, 6, 30), "yearmonth")
    money = {
        "合计": x.Styled(15.0, "trail"),
        "1、省局项目支出": x.Styled(8.0, "trail"),
        "2、地方、部门配套": x.Styled(7.0, "trail"),
        "1、知识产权服务费": x.Styled(5.0, "trail"),
        "4、维权援助费": x.Styled(3.0, "trail"),
    }
    rows, merges = budget_block(money, "服务费5万元用于调解员培训与聘用；维权援助费3万元。")
    for i, line in enumerate(rows, 7):
        s.put(i, line)
    for r0, c0, r1, c1 in merges:
        s.merge(f"{chr(65 + c0)}{r0 + 7}:{chr(65 + c1)}{r1 + 7}")
    return Made("石鼓区-预算表.xlsx", x.workbook([s]), "wps")


def ny_declaration_long_period_xls() -> Made:
    """南岳区's 申报书 saved by LibreOffice as .xls, with planted mistakes: the period written
    ``执行期限：2024年1月—2026年6月`` in one cell (30 months: rule.implementation_period at that cell),
    and the 合计 50 where the sources make 45 (budget.sources_mismatch at the 合计)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "申报书"
    put(ws, 1, ["衡阳市知识产权专项项目申报书"])
    put(ws, 2, ["项目名称：南岳区衡山寿岳地理标志运用保护示范工程"])
    put(ws, 3, ["执行期限：2024年1月—2026年6月"])
    put(ws, 4, ["项目申请单位名称：南岳区茶叶产业协会"])
    put(ws, 5, ["推荐单位名称：衡阳市南岳区市场监督管理局"])
    put(ws, 7, ["三、项目支出预算明细表"])
    rows, merges = budget_block(
        {
            "合计": 50,
            "1、省局项目支出": 10,
            "3、单位自筹": 35,
            "1、知识产权服务费": 6,
            "6、宣传费": 4,
        },
        "服务费6万元用于地理标志运用评估；宣传费4万元用于推介。",
    )
    for i, line in enumerate(rows, 8):
        put(ws, i, line)
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0 + 8, start_column=c0 + 1, end_row=r1 + 8, end_column=c1 + 1)
    return Made("南岳区-申报书.xls", save(book), "lo-xls")


def zx_county_table4_in_yuan() -> Made:
    """蒸湘区's 表四, saved by LibreOffice, its amount column headed ``金额（元）`` with amounts in 元
    (80000; 45000.5 元 with its 角 is 4.50005 万元, rounded to 4.5001 with a warning), a 合计 in 元."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表四"
    put(ws, 1, [f"{TITLE}（四）"])
    put(ws, 2, ["填报单位：蒸湘区市场监督管理局"])
    head = [*HEAD_4]
    head[4] = "金额（元）"
    put(ws, 3, head)
    put(ws, 4, row4(1, GAO, "贯标", "优势示范企业培育和知识产权贯标推进", 80000, policy=HY_POLICY))
    put(ws, 5, row4(2, WEN, "宣传", "4.26知识产权宣传周活动", 45000.5, policy=HY_POLICY))
    put(ws, 6, ["合计", None, None, None, 125000.5])
    for r in range(4, 7):
        ws.cell(row=r, column=5).number_format = "#,##0.00"
    return Made("蒸湘区-表四-元.xlsx", save(book), "lo-xlsx")


def hd_county_table4_mistakes() -> Made:
    """衡东县's 表四 typed in openpyxl, with planted mistakes: the same project under the same 类型
    twice (D7 repeats D5: project.duplicate at D7) and a negative amount in E6 (amount.negative)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    put(ws, 1, [f"{TITLE}（四）"])
    put(ws, 2, ["填报单位：衡东县市场监督管理局"])
    put(ws, 3, HEAD_4)
    put(ws, 4, row4(1, QIANG, "强县", "知识产权强市强县建设项目", 20, policy=HY_POLICY))
    put(ws, 5, row4(2, GAO, "黄贡椒专利", "衡东黄贡椒专利培育", 6, policy=HY_POLICY))
    put(ws, 6, row4(3, None, "导航", "专利导航服务基地培育建设项目", -3, policy=HY_POLICY))
    put(ws, 7, row4(4, None, "黄贡椒专利（二期）", "衡东黄贡椒专利培育", 4, policy=HY_POLICY))
    return Made("衡东县-表四.xlsx", save(book), "openpyxl")


def yf_county_table4_docx() -> Made:
    """雁峰区's 表四 as a Word table: the title and 填报单位 as paragraphs, 类型 on each group's first
    row merged down (vMerge), amounts typed as text (a Word table: no warning for that)."""
    rows = [
        [
            "1",
            QIANG,
            "强区建设",
            "知识产权强市强县建设项目",
            "15",
            "落实强市部署。",
            HY_POLICY,
            "强区达标",
            None,
        ],
        [
            "2",
            GAO,
            "专利导航",
            "专利导航服务基地培育建设项目",
            "5",
            "补短板。",
            HY_POLICY,
            "报告1份",
            None,
        ],
        [
            "3",
            None,
            "专利池",
            "知识产权联盟及专利池建设项目",
            "3.5",
            "补短板。",
            HY_POLICY,
            "专利池1个",
            None,
        ],
    ]
    data = notice_table_docx(
        [f"{TITLE}（四）", "填报单位：衡阳市雁峰区市场监督管理局", "单位：万元"],
        HEAD_4,
        rows,
        merges=[(2, 3, 1)],
    )
    return Made("雁峰区-表四.docx", data, "docx")


def hyx_budget_template_docx() -> Made:
    """衡阳县's 预算表 as a Word table in the issued form: 填报单位 衡阳县市场监督管理局 (a county named
    like the city), 项目类别 知识产权质押融资, no 所属表."""
    data = budget_template_docx(
        {
            "项目名称": "衡阳县知识产权质押融资贴息",
            "填报单位": "衡阳县市场监督管理局",
            "项目类别": "知识产权质押融资",
            "实施起止年月": "2024年1月至2024年12月",
        },
        {
            "合计": "5",
            "1、省局项目支出": "5",
            "1、知识产权服务费": "5",
        },
        "知识产权服务费5万元用于质押融资评估费补贴。",
    )
    return Made("衡阳县-预算表.docx", data, "docx")


def park_table4_wps() -> Made:
    """The 高新区's optional 表四 by WPS, its 填报单位 line naming the city bureau's sub-office
    (衡阳市市场监督管理局高新分局) with a stamp mark; 类型 repeated on each row."""
    rows = [
        row4(1, ZHUAN, "运营中心", "重点园区知识产权综合运营中心建设", 25.0, policy=HY_POLICY),
        row4(2, ZHUAN, "转化专项", "专利转化实施专项", 10.0, policy=HY_POLICY),
    ]
    s = x.Sheet("Sheet1", dimension="A1:I8")
    s.put(1, [f"{TITLE}（四）"])
    s.put(2, ["填报单位（盖章）：衡阳市市场监督管理局高新分局"])
    s.put(3, HEAD_4)
    for i, line in enumerate(rows, 4):
        s.put(i, line)
    s.put(6, ["合计", None, None, None, x.Sum("SUM(E4:E5)", 35.0)])
    return Made("高新区-表四.xlsx", x.workbook([s]), "wps")


def _budget_sheet(
    name: str, header: list[tuple[str, object]], money: dict, note: str, unit_line: str
):
    """A hand-made 预算表 by WPS: title, the header fields (label | value), then seed 000 §三."""
    s = x.Sheet(name, dimension="A1:E30")
    s.put(1, ["项目支出预算明细表"])
    r = 2
    for label, value in header:
        s.put(r, [label, None, value])
        r += 1
    rows, merges = budget_block(money, note, unit_line=unit_line)
    for i, line in enumerate(rows, r):
        s.put(i, line)
    for r0, c0, r1, c1 in merges:
        s.merge(f"{chr(65 + c0)}{r0 + r}:{chr(65 + c1)}{r1 + r}")
    return s


def zx_budget_wps() -> Made:
    """蒸湘区's 预算表 by WPS in 万元 for its 表四 row 优势示范企业培育和知识产权贯标推进, whose 80000 元
    in ``蒸湘区-表四-元.xlsx`` is the same 8 万元; no 所属表: found by name."""
    s = _budget_sheet(
        "Sheet1",
        [("项目名称", "优势示范企业培育和知识产权贯标推进"), ("填报单位", "蒸湘区市场监督管理局")],
        {
            "合计": 8.0,
            "1、省局项目支出": 8.0,
            "1、知识产权服务费": 6.0,
            "5、培训费": 2.0,
        },
        "服务费6万元用于贯标辅导；培训费2万元。",
        "单位：万元",
    )
    return Made("蒸湘区-预算表.xlsx", x.workbook([s]), "wps")


def qd_budget_in_yuan_mismatch() -> Made:
    """祁东县's 预算表 by WPS under ``单位：元``: its 省局项目支出 120000 元 (12 万元) in D8 is not the 10
    万元 of its 表四 row 祁东黄花菜高价值专利培育 (budget.row_mismatch at D8)."""
    s = _budget_sheet(
        "预算表",
        [("项目名称", "祁东黄花菜高价值专利培育"), ("所属表", "表四"), ("类型", GAO)],
        {
            "合计": 200000.0,
            "1、省局项目支出": 120000.0,
            "3、单位自筹": 80000.0,
            "1、知识产权服务费": 100000.0,
            "3、专家咨询费": 20000.0,
        },
        "服务费10万元用于专利挖掘；专家咨询费2万元。",
        "单位：元",
    )
    return Made("祁东县-预算表.xlsx", x.workbook([s]), "wps")


MAKERS = [
    hn_county_table4_wps,
    park_declaration_lo,
    hs_declaration_nested_docx,
    qd_county_table4_xlwt,
    sg_budget_date_cells_wps,
    ny_declaration_long_period_xls,
    zx_county_table4_in_yuan,
    hd_county_table4_mistakes,
    yf_county_table4_docx,
    hyx_budget_template_docx,
    park_table4_wps,
    zx_budget_wps,
    qd_budget_in_yuan_mismatch,
]
