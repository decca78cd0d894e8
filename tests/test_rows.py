"""Rows below a header → classified, typed rows: what a reviewer checks row by row."""

from __future__ import annotations

from decimal import Decimal

from budget_planner.project_key import ProjectKey, keys_of, project_key
from budget_planner.templates.spec import load_specs
from budget_planner.validators.intake.grid import ErrorValue, Formula, SheetGrid
from budget_planner.validators.read.cells import total_label
from budget_planner.validators.read.model import RowKind
from budget_planner.validators.read.rows import read_rows

D = Decimal
T4 = [
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
T4_COLUMNS = {c.key: i for i, c in enumerate(load_specs().table("表四").columns, 1)}
DOC = "《广东省知识产权保护和运用“十四五”规划》"


def line(
    serial=None, category=None, work=None, name=None, amount=None, perf="完成目标", remark=None
):
    text = None if name is None else f"推进{name}"
    basis = None if name is None else DOC
    return [serial, category, work, name, amount, text, basis, perf if name else None, remark]


def grid(body: list[list], merged=(), header_row: int = 3) -> SheetGrid:
    values = [
        ["2024年度知识产权项目需求征集表（四）"],
        ["填报单位：清远市市场监督管理局（知识产权局）"],
    ]
    values = values[: header_row - 1]
    values.append(list(T4))
    values.extend(body)
    return SheetGrid(name="表四", values=values, merged=list(merged))


def read(sheet: SheetGrid, province_round, first: int = 4, **kw):
    return read_rows(
        sheet,
        load_specs().table("表四"),
        T4_COLUMNS,
        first,
        table="表四",
        unit=kw.pop("unit", "清远市"),
        round_=province_round,
        **kw,
    )


def kinds(result) -> list[tuple[int, str]]:
    return [(r.excel_row, r.kind.value) for r in result.rows]


def test_merged_category_fills_down_and_blank_category_takes_the_one_above(province_round):
    sheet = grid(
        [
            line(1, "知识产权\n高质量创造", "工作一", "专利导航项目", 50),
            line(2, None, "工作二", "专利池建设", 30),
            line(3, "强化知识产权保护", "工作三", "维权援助", 20),
            line(4, None, "工作四", "行政裁决", 10),
        ],
        merged=[(4, 2, 5, 2)],
    )
    result = read(sheet, province_round)
    assert [(r.excel_row, r.category) for r in result.rows] == [
        (4, "知识产权高质量创造"),
        (5, "知识产权高质量创造"),
        (6, "强化知识产权保护"),
        (7, "强化知识产权保护"),
    ]
    row5 = result.rows[1]
    assert row5.fields["category"].raw is None
    assert row5.fields["category"].value == "知识产权高质量创造"
    assert row5.fields["category"].cell == "B5"
    assert result.issues == []


def test_an_invalid_category_is_kept_as_typed_for_validation_to_flag(province_round):
    result = read(
        grid([line(1, " 专利 创造 ", "工作", "项目甲", 5), line(2, None, "工作", "项目乙", 6)]),
        province_round,
    )
    assert [r.category for r in result.rows] == ["专利 创造", "专利 创造"]
    assert result.rows[0].fields["category"].value == "专利 创造"


def test_merged_work_content_fills_down_and_text_is_canonical(province_round):
    sheet = grid(
        [
            line(1, "知识产权管理", "建立\u00a0管理  制度\r\n并推广", "项目甲", 5),
            line(2, None, None, "项目乙", 6),
        ],
        merged=[(4, 3, 5, 3)],
    )
    result = read(sheet, province_round)
    assert [r.value("work_content") for r in result.rows] == ["建立 管理 制度\n并推广"] * 2
    assert result.rows[1].fields["work_content"].raw is None


def test_an_amount_merged_over_rows_counts_once_with_a_warning(province_round):
    sheet = grid(
        [
            line(1, "知识产权管理", "工作", "项目甲", 40),
            line(2, None, "工作", "项目乙", None),
            line(3, None, "工作", "项目丙", 5),
        ],
        merged=[(4, 5, 5, 5)],
    )
    result = read(sheet, province_round)
    assert [r.value("amount") for r in result.rows] == [D(40), None, D(5)]
    assert [(i.code, i.cell, i.row) for i in result.issues] == [("amount.merged", "E4", 4)]
    assert "第4–5行" in result.issues[0].message


def test_amount_shapes_are_typed_with_a_warning_at_their_cell(province_round):
    sheet = grid(
        [
            line(1, "知识产权管理", "工作", "项目甲", "50万元"),
            line(2, None, "工作", "项目乙", "１，２００"),
            line(3, None, "工作", "项目丙", 12.5),
            line(4, None, "工作", "项目丁", "待定"),
            line(5, None, "工作", "项目戊", ErrorValue("#DIV/0!")),
            line(6, None, "工作", "项目己", "-5"),
        ]
    )
    result = read(sheet, province_round)
    assert [r.value("amount") for r in result.rows] == [
        D(50),
        D(1200),
        D("12.5"),
        None,
        None,
        D(-5),
    ]
    assert [(i.code, i.cell, i.severity.value) for i in result.issues] == [
        ("amount.normalised", "E4", "warning"),
        ("amount.normalised", "E5", "warning"),
        ("amount.not_number", "E7", "error"),
        ("cell.error_value", "E8", "error"),
        ("amount.normalised", "E9", "warning"),
    ]
    first = result.issues[0]
    assert (first.column, first.value, first.sheet) == ("金额", "50万元", "表四")
    assert first.message == "金额“50万元”已去掉“万元”"
    assert [r.kind for r in result.rows] == [RowKind.PROJECT] * 6  # "待定" still names a project


def test_subtotals_are_kept_and_the_grand_total_is_the_stated_total(province_round):
    sheet = grid(
        [
            line(1, "知识产权管理", "工作", "项目甲", 40),
            line(2, None, "工作", "项目乙", 2.5),
            ["小计：", None, None, None, 42.5],
            [None] * 9,
            line(3, "知识产权人才建设", "工作", "项目丙", 7),
            [None, "小 计", None, None, Formula("SUM(E8:E8)")],
            ["合 计", None, None, None, 49.5],
        ]
    )
    result = read(sheet, province_round)
    assert kinds(result) == [
        (4, "project"),
        (5, "project"),
        (6, "subtotal"),
        (8, "project"),
        (9, "subtotal"),
        (10, "total"),
    ]
    assert (result.stated_total, result.stated_total_cell) == (D("49.5"), "E10")
    subtotal = result.rows[2]
    assert subtotal.category == "知识产权管理"
    assert result.rows[4].category == "知识产权人才建设"  # the 小计 label sat in the 类型 column
    assert result.rows[5].category is None


def test_zongji_wins_over_an_earlier_heji(province_round):
    sheet = grid(
        [
            line(1, "知识产权管理", "工作", "项目甲", 40),
            ["合计", None, None, None, 40],
            ["总计（万元）", None, None, None, 41],
            [None, None, "其中：省级", None, 1],
        ]
    )
    result = read(sheet, province_round)
    assert (result.stated_total, result.stated_total_cell) == (D(41), "E6")


def test_footer_ends_the_table_and_notes_are_skipped(province_round):
    sheet = grid(
        [
            ["注：金额单位为万元"],
            line(1, "知识产权管理", "工作", "项目甲", 40),
            [None] * 9,
            ["填表人：张三", None, None, None, "联系电话：0763-3388123"],
            line(2, "知识产权管理", "工作", "草稿项目", 99),
        ]
    )
    result = read(sheet, province_round)
    assert kinds(result) == [(5, "project")]
    assert result.end_row == 5
    assert result.issues == []


def test_a_long_run_of_blank_rows_ends_the_table(province_round):
    body = [line(1, "知识产权管理", "工作", "项目甲", 40)] + [[None] * 9] * 25
    body.append(line(2, "知识产权管理", "工作", "远处的旧数据", 99))
    result = read(grid(body), province_round)
    assert kinds(result) == [(4, "project")]


def test_repeated_header_and_column_numbering_rows_are_skipped(province_round):
    sheet = grid(
        [
            [1, 2, 3, 4, 5, 6, 7, 8, 9],
            line(1, "知识产权管理", "工作", "项目甲", 40),
            list(T4),
            line(2, None, "工作", "项目乙", 3),
        ]
    )
    result = read(sheet, province_round)
    assert kinds(result) == [(5, "project"), (7, "project")]
    assert result.rows[1].category == "知识产权管理"


def test_placeholders_presets_not_taken_up_and_empty_template_rows(province_round):
    sheet = grid(
        [
            line(
                None,
                "知识产权强市、强县建设",
                "省局与有共建意向…",
                "知识产权强市强县建设项目",
                None,
            ),
            line(
                None,
                None,
                "各地市拟在省局拨付资金中自行开展的工作内容",
                "各地市根据工作内容拟设置的项目1",
                None,
            ),
            line(None, None, None, "各地市根据工作内容拟设置的项目2（可加行，下同）", None),
            line(None, "知识产权高质量创造", "工作", "高价值专利培育布局中心建设", 0),
            line(None, None, "工作", "专利导航服务基地培育建设项目", 20),
            line(None, None, "工作", "各县区根据工作内容拟设置的项目1", 15),
            [None, "知识产权人才建设"],
            [3],
        ]
    )
    result = read(sheet, province_round)
    assert kinds(result) == [
        (4, "preset_unused"),
        (5, "placeholder"),
        (6, "placeholder"),
        (7, "preset_unused"),  # a preset with 0 is not taken up
        (8, "project"),
        (9, "project"),  # a prompt left as the name, but with an amount: counted, never dropped
    ]


def test_a_row_with_a_projects_text_but_no_name_or_amount_is_a_project_row(province_round):
    sheet = grid([[1, "知识产权管理", "开展培训", None, None, "提升能力", DOC, "培训100人"]])
    result = read(sheet, province_round)
    assert kinds(result) == [(4, "project")]
    assert result.rows[0].value("project") is None


def test_row_keys_are_the_project_keys(province_round):
    sheet = grid(
        [
            line(1, "知识产权\n管理", "工作", " 专利  导航\n项目 ", 40),
            ["合计", None, None, None, 40],
        ]
    )
    result = read(sheet, province_round, unit="韶关市")
    row = result.rows[0]
    assert row.key == project_key("韶关市", "表四", "知识产权管理", " 专利  导航\n项目 ")
    assert str(row.key) == "韶关市|表四|知识产权管理|专利导航项目"


def test_word_cells_are_text_so_plain_numbers_say_nothing(province_round):
    sheet = grid(
        [line(1, "知识产权管理", "工作", "项目甲", "50"), line(2, None, "工作", "项目乙", "50万元")]
    )
    result = read(sheet, province_round, numbers_are_text=True)
    assert [r.value("amount") for r in result.rows] == [D(50), D(50)]
    assert [(i.code, i.cell) for i in result.issues] == [("amount.normalised", "E5")]


def test_another_tables_header_ends_this_table(province_round):
    t2 = [
        "序号",
        "主要工作内容",
        "后补助名称",
        "后补助经费",
        "后补助依据",
        "后补助承接单位",
        "项目绩效",
        "备注",
    ]
    sheet = grid(
        [
            line(1, "知识产权管理", "工作", "项目甲", 40),
            [None] * 9,
            ["2024年度知识产权项目需求征集表（二）"],
            t2,
            [1, "补助", "后补助甲", 10, DOC, "某单位", "完成"],
        ]
    )
    result = read(sheet, province_round)
    assert kinds(result) == [(4, "project")]
    assert result.next_header == 7


def test_total_labels():
    assert total_label("合 计") is RowKind.TOTAL
    assert total_label("总计：") is RowKind.TOTAL
    assert total_label("合计（万元）") is RowKind.TOTAL
    assert total_label("小计") is RowKind.SUBTOTAL
    assert total_label("知识产权管理小计") is RowKind.SUBTOTAL
    assert total_label("统计分析平台建设") is None
    assert total_label(42) is None


def test_an_error_value_in_a_text_column_is_an_error_never_a_blank(province_round):
    sheet = grid([line(1, "知识产权管理", ErrorValue("#N/A"), "项目甲", 5)])
    result = read(sheet, province_round)
    assert result.rows[0].value("work_content") is None
    assert [(i.code, i.cell, i.column, i.value) for i in result.issues] == [
        ("cell.error_value", "C4", "主要工作内容", "#N/A")
    ]


def test_a_two_row_header_repeated_on_page_two_is_skipped_whole(province_round):
    top = [
        "序号",
        "类型",
        "主要工作内容",
        "拟设置项目",
        "金额",
        "项目设置",
        None,
        "项目绩效",
        "备注",
    ]
    bottom = [None, None, None, None, None, "必要性", "政策依据"]
    sheet = SheetGrid(
        "表四",
        values=[
            top,
            bottom,
            line(1, "知识产权管理", "工作", "项目甲", 40),
            top,
            bottom,
            line(2, None, "工作", "项目乙", 3),
        ],
        merged=[(1, 6, 1, 7), (4, 6, 4, 7)],
    )
    result = read(sheet, province_round, first=3, header_height=2)
    assert kinds(result) == [(3, "project"), (6, "project")]


def test_keys_made_for_a_whole_table_are_the_keys_the_constructor_makes():
    # the reader makes a table's keys at once (keys_of); each must be a ProjectKey like any other:
    # equal, the same hash (a dict of keys finds it), its fields by name, its stored form
    parts = [
        ("清远市", "表四", "知识产权管理", "统计分析项目", ""),
        ("", "表二", "", "专利奖", "某公司"),
    ]
    made = list(keys_of(parts))
    assert made == [ProjectKey(*p) for p in parts]
    assert [type(k) for k in made] == [ProjectKey, ProjectKey]
    assert {ProjectKey(*parts[0]): 1}[made[0]] == 1
    assert (made[1].name, made[1].extra, str(made[1])) == (
        "专利奖",
        "某公司",
        "|表二||专利奖|某公司",
    )
