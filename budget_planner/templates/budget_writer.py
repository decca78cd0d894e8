"""The 项目支出预算明细表 (the 申报书's §三, docs/domain.md) as a one-page form, with its sums and checks as formulas.

Columns A–E: the header block puts each field's label in A:B and its input in C:E; below it, the seed's
block — A the section caption merged down, B 项目资金来源 / 省局拨款项目支出明细, C the line label,
D the amount, E 备注 — then 支出项目经费测算说明 and two visible check cells (一致/不一致).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from budget_planner.templates.book_style import row_height
from budget_planner.templates.formats import Styles
from budget_planner.templates.round import Unit
from budget_planner.templates.sheet_setup import (
    FORM_PROTECTION,
    ListSheet,
    merge_text,
    protect,
    setup_print,
)
from budget_planner.templates.spec import (
    COLLECTION_TABLES,
    BudgetSpec,
    Column,
    ColumnKind,
    Role,
    load_specs,
)
from budget_planner.templates.validation import (
    amount_rule,
    choice_rule,
    length_rule,
    unit_name_rule,
)

# layout captions of the seed's block (not fields: nothing is read back from them)
SECTION_CAPTION = "项目支出预算及测算说明"
SOURCES_CAPTION = "项目资金来源"
EXPENSES_CAPTION = "省局拨款项目支出明细"
SOURCES_HEAD = ("资金来源", "金额", "备注")
EXPENSES_HEAD = "支出项目内容"
CHECKS_HEAD = ("自动校验（公式自动计算，无需填写）", "计算值", "结果")
SAME, DIFFERENT = "一致", "不一致"

WIDTHS = (12, 12, 30, 16, 30)
AMOUNT_COL, REMARK_COL, LAST_COL = 3, 4, 4
FIRST_FIELD_ROW = 3
NOTE_ROWS = 6
ROW_HEIGHT = 24.0


@dataclass(frozen=True)
class BudgetLayout:
    """0-based rows of the form's lines, for callers (and tests) that point at cells."""

    fields: dict[str, int]  # key of every header field, source and expense → its row
    note_row: int
    checks: tuple[int, int]  # (sources check row, expenses check row)

    def amount_cell(self, key: str) -> str:
        return xl_rowcol_to_cell(self.fields[key], AMOUNT_COL)


def category_choices() -> tuple[str, ...]:
    """The longest 类型 list of the collection tables (表四's holds every other one)."""
    lists = [t.categories for t in load_specs().tables.values() if t.categories]
    every = set().union(*lists)
    return next(
        (c for c in lists if set(c) == every), tuple(dict.fromkeys(x for c in lists for x in c))
    )


class BudgetSheetWriter:
    def __init__(self, workbook: Workbook, styles: Styles, lists: ListSheet) -> None:
        self.workbook, self.styles, self.lists = workbook, styles, lists

    def write(
        self, budget: BudgetSpec, *, subtitle: str, unit: Unit | None, unit_names: Sequence[str]
    ) -> BudgetLayout:
        ws = self.workbook.add_worksheet(budget.title)
        self.ws, self.budget = ws, budget
        st = self.styles
        for c, width in enumerate(WIDTHS):
            ws.set_column(c, c, width)
        merge_text(ws, 0, 0, LAST_COL, budget.title, st["title"])
        ws.set_row(0, 34)
        merge_text(ws, 1, 0, LAST_COL, subtitle, st["subtitle"])
        ws.set_row(1, 22)
        merge_text(ws, 2, AMOUNT_COL, LAST_COL, budget.unit_label, st["money_unit"])
        ws.set_row(2, 22)

        rows: dict[str, int] = {}
        row = FIRST_FIELD_ROW
        for col in budget.header:
            self._header_field(row, col, unit, unit_names)
            rows[col.key] = row
            row += 1
        row = self._block(row, rows)
        note_row = row
        row = self._note(row)
        checks = self._checks(row + 1, rows)
        setup_print(ws, last_row=checks[1], last_col=LAST_COL, landscape=False)
        protect(ws, FORM_PROTECTION)
        ws.activate()
        return BudgetLayout(rows, note_row, checks)

    # ------------------------------------------------------------------ the header block
    def _header_field(
        self, row: int, col: Column, unit: Unit | None, unit_names: Sequence[str]
    ) -> None:
        ws, st = self.ws, self.styles
        merge_text(ws, row, 0, 1, col.label, st["label"])
        is_unit = col.key == "unit"
        fixed = is_unit and unit is not None
        value = unit.full_name if fixed and unit else ""
        merge_text(ws, row, 2, LAST_COL, value, st["label_left" if fixed else "input"])
        ws.set_row(row, ROW_HEIGHT)
        if fixed:
            return
        if is_unit:
            rule = unit_name_rule(self.lists, unit_names, col.label)
        elif col.key == "table_ref":
            rule = choice_rule(self.lists, col, COLLECTION_TABLES)
        elif col.kind is ColumnKind.CATEGORY:
            rule = choice_rule(self.lists, col, category_choices())
        elif col.max_length:
            rule = length_rule(col, input_message=True)
        else:
            return
        ws.data_validation(row, 2, row, 2, rule)

    # ------------------------------------------------------------------ sources and expenses
    def _block(self, row: int, rows: dict[str, int]) -> int:
        ws, st, budget = self.ws, self.styles, self.budget
        first = row
        sources_end = row + len(budget.sources)
        expenses_end = sources_end + 1 + len(budget.expenses)
        merge_text(ws, first, 0, 0, SECTION_CAPTION, st["label"], last_row=expenses_end)
        merge_text(ws, row, 1, 1, SOURCES_CAPTION, st["label"], last_row=sources_end)
        for c, text in enumerate(SOURCES_HEAD, start=2):
            ws.write_string(row, c, text, st["header"])
        ws.set_row(row, ROW_HEIGHT)
        for col in budget.sources:
            row += 1
            rows[col.key] = row
            style = st["total_label" if col.role is Role.TOTAL else "label_left"]
            ws.write_string(row, 2, col.label, style)
            ws.write_blank(row, REMARK_COL, None, st["input"])
            ws.set_row(row, ROW_HEIGHT)
        parts = [c for c in budget.sources if c.role is not Role.TOTAL]
        total = next(c for c in budget.sources if c.role is Role.TOTAL)
        first_part, last_part = rows[parts[0].key], rows[parts[-1].key]
        for col in parts:
            ws.write_blank(rows[col.key], AMOUNT_COL, None, st["input_amount"])
        ws.data_validation(
            first_part,
            AMOUNT_COL,
            last_part,
            AMOUNT_COL,
            amount_rule(parts[0], title=SOURCES_HEAD[1]),
        )
        ws.write_formula(
            rows[total.key], AMOUNT_COL, self._sum(first_part, last_part), st["total_amount"], 0
        )

        row += 1
        merge_text(ws, row, 1, 1, EXPENSES_CAPTION, st["label"], last_row=expenses_end)
        ws.write_string(row, 2, EXPENSES_HEAD, st["header"])
        ws.write_string(row, AMOUNT_COL, SOURCES_HEAD[1], st["header"])
        hint = "；".join(
            f"填写“{c.label}”的，请在下方“{budget.note.label}”中注明用途"
            for c in budget.expenses
            if c.needs_note
        )
        hint_text = hint + "。" if hint else ""
        merge_text(ws, row, REMARK_COL, REMARK_COL, hint_text, st["hint"], last_row=expenses_end)
        ws.set_row(row, ROW_HEIGHT)
        for col in budget.expenses:
            row += 1
            rows[col.key] = row
            ws.write_string(row, 2, col.label, st["label_left"])
            ws.write_blank(row, AMOUNT_COL, None, st["input_amount"])
            ws.set_row(row, ROW_HEIGHT)
        first_expense = rows[budget.expenses[0].key]
        rule = amount_rule(budget.expenses[0], title=SOURCES_HEAD[1])
        ws.data_validation(first_expense, AMOUNT_COL, row, AMOUNT_COL, rule)
        return row + 1

    def _note(self, row: int) -> int:
        ws, st, note = self.ws, self.styles, self.budget.note
        last = row + NOTE_ROWS - 1
        merge_text(ws, row, 0, 1, note.label, st["label"], last_row=last)
        merge_text(ws, row, 2, LAST_COL, "", st["input_note"], last_row=last)
        if note.max_length:
            ws.data_validation(row, 2, row, 2, length_rule(note, input_message=True))
        for r in range(row, last + 1):
            ws.set_row(r, ROW_HEIGHT)
        return last + 1

    # ------------------------------------------------------------------ visible checks
    def _checks(self, row: int, rows: dict[str, int]) -> tuple[int, int]:
        ws, st, budget = self.ws, self.styles, self.budget
        merge_text(ws, row, 0, 2, CHECKS_HEAD[0], st["header"])
        ws.write_string(row, AMOUNT_COL, CHECKS_HEAD[1], st["header"])
        ws.write_string(row, REMARK_COL, CHECKS_HEAD[2], st["header"])
        ws.set_row(row, ROW_HEIGHT)

        total = next(c for c in budget.sources if c.role is Role.TOTAL)
        provincial = next(c for c in budget.sources if c.role is Role.PROVINCIAL)
        parts = [c for c in budget.sources if c.role is not Role.TOTAL]
        sources_row, expenses_row = row + 1, row + 2
        first_part, last_part = rows[parts[0].key], rows[parts[-1].key]
        first_exp, last_exp = rows[budget.expenses[0].key], rows[budget.expenses[-1].key]
        total_cell = xl_rowcol_to_cell(rows[total.key], AMOUNT_COL)
        provincial_cell = xl_rowcol_to_cell(rows[provincial.key], AMOUNT_COL)

        items = (
            (
                sources_row,
                f"资金来源{total.label} = {' + '.join(c.label for c in parts)}",
                self._sum(first_part, last_part),
                total_cell,
            ),
            (
                expenses_row,
                f"支出明细合计 = {provincial.label}",
                self._sum(first_exp, last_exp),
                provincial_cell,
            ),
        )
        for r, label, sum_formula, compare_to in items:
            merge_text(ws, r, 0, 2, label, st["check_label"])
            ws.write_formula(r, AMOUNT_COL, sum_formula, st["check_value"], 0)
            computed = xl_rowcol_to_cell(r, AMOUNT_COL)
            result = f'=IF(ROUND({computed}-{compare_to},4)=0,"{SAME}","{DIFFERENT}")'
            ws.write_formula(r, REMARK_COL, result, st["check_result"], SAME)
            ws.set_row(r, row_height([(label, sum(WIDTHS[:3]))], ROW_HEIGHT))
        for value, style in ((DIFFERENT, "bad"), (SAME, "good")):
            ws.conditional_format(
                sources_row,
                REMARK_COL,
                expenses_row,
                REMARK_COL,
                {"type": "cell", "criteria": "==", "value": f'"{value}"', "format": st[style]},
            )
        return sources_row, expenses_row

    @staticmethod
    def _sum(first: int, last: int) -> str:
        return f"=SUM({xl_rowcol_to_cell(first, AMOUNT_COL)}:{xl_rowcol_to_cell(last, AMOUNT_COL)})"
