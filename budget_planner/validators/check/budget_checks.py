"""Checks of a 项目支出预算明细表 (the 申报书's §三, docs/domain.md): header fields, sources, expense lines, notes, and its
agreement with the table row it belongs to."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from budget_planner.money import plain
from budget_planner.project_key import ProjectKey, matches_row, project_key
from budget_planner.templates.spec import Column, Role, budget_spec, load_specs, resolve_table
from budget_planner.text import canonical, compact
from budget_planner.validators.intake.grid import SheetGrid, parse_a1, row_of
from budget_planner.validators.read.cells import blank, category_label
from budget_planner.validators.read.model import BudgetForm, ParsedTable, TableRow
from budget_planner.validators.read.programmes import same_project
from budget_planner.validators.report.codes import TEXT_AMOUNTS
from budget_planner.validators.report.issues import Issue, issue

_NUMBERING = re.compile(r"^[0-9一二三四五六七八九十]+[、.．]")
_BRACKETED = re.compile(r"\([^()]*\)")
_PUNCTUATION = re.compile(r"[\s:;,.、()\[\]《》“”\"'－—-]+")


def short_label(col: Column) -> str:
    """A line's label without its numbering and bracketed remark: 1、省局项目支出 → 省局项目支出."""
    return _BRACKETED.sub("", _NUMBERING.sub("", canonical(col.label))).strip()


def check_budget(table: ParsedTable, sheet: SheetGrid | None = None) -> list[Issue]:
    """Every check of one 预算表 on its own (the table-row comparison needs the batch)."""
    form = table.budget
    if form is None:
        return []
    return [
        *check_header(table, form),
        *check_sources(table, form),
        *check_expenses(table, form),
        *check_notes(table, form, sheet),
    ]


def _issue(code: str, parsed: ParsedTable, form: BudgetForm, col: Column, value=None, **fields):
    f = form.fields.get(col.key)
    cell = f.cell if f is not None else None
    return issue(
        code,
        sheet=parsed.sheet_of(key=col.key),
        cell=cell,
        row=row_of(cell),
        column=short_label(col),
        value=value,
        **fields,
    )


def _readable(form: BudgetForm, cols: Iterable[Column]) -> bool:
    """No amount among ``cols`` was typed but could not be read (that cell has its own error)."""
    for col in cols:
        f = form.fields.get(col.key)
        if f is not None and form.amount(col.key) is None and not blank(f.raw):
            return False
    return True


def _sum(form: BudgetForm, cols: Iterable[Column]) -> Decimal:
    return sum((form.amount(c.key) or Decimal(0) for c in cols), Decimal(0))


def _text_hint(form: BudgetForm, cols: list[Column], stated: Decimal) -> str:
    """Why a sum shown by Excel differs: amounts typed as text, which its SUM leaves out."""
    as_text = [c for c in cols if isinstance(getattr(form.fields.get(c.key), "raw", None), str)]
    if as_text and _sum(form, [c for c in cols if c not in as_text]) == stated:
        return TEXT_AMOUNTS
    return ""


# ---------------------------------------------------------------- header block
def check_header(table: ParsedTable, form: BudgetForm) -> Iterator[Issue]:
    """项目名称, 合计 and 省局项目支出 are filled in (the rest is optional or inferred)."""
    spec = budget_spec()
    for col in spec.header:
        if col.required and not form.text(col.key):
            yield _issue("required.missing", table, form, col, label=col.label)
    for col in spec.sources:
        f = form.fields.get(col.key)
        if col.required and (f is None or blank(f.raw)):
            yield _issue("required.missing", table, form, col, label=short_label(col))
    category = next((c for c in spec.header if c.role is Role.CATEGORY), None)
    table_ref = next((c for c in spec.header if c.key == "table_ref"), None)
    if category is None or table_ref is None or not form.text(category.key):
        return
    ref = resolve_table(form.text(table_ref.key))
    if ref is not None and load_specs().table(ref).categories:
        ref_spec = load_specs().table(ref)
        given = form.text(category.key)
        if category_label(ref_spec, given) is None:
            yield _issue(
                "category.unknown",
                table,
                form,
                category,
                given,
                label=category.label,
                table=ref,
                allowed="、".join(ref_spec.categories),
            )


# ---------------------------------------------------------------- sources and expenses
def _role(role: Role) -> Column:
    return next(c for c in budget_spec().sources if c.role is role)


def check_sources(table: ParsedTable, form: BudgetForm) -> Iterator[Issue]:
    """合计 = 省局项目支出 + 地方、部门配套 + 单位自筹 + 其他来源."""
    total_col = _role(Role.TOTAL)
    parts = [c for c in budget_spec().sources if c is not total_col]
    stated = form.amount(total_col.key)
    if stated is None or not _readable(form, parts):
        return
    summed = _sum(form, parts)
    if stated != summed:
        yield _issue(
            "budget.sources_mismatch",
            table,
            form,
            total_col,
            plain(stated),
            label=short_label(total_col),
            stated=plain(stated),
            summed=plain(summed),
            difference=plain(stated - summed),
            hint=_text_hint(form, parts, stated),
        )


def check_expenses(table: ParsedTable, form: BudgetForm) -> Iterator[Issue]:
    """The expense lines of 省局拨款项目支出明细 add up to 省局项目支出."""
    provincial_col = _role(Role.PROVINCIAL)
    lines = budget_spec().expenses
    provincial = form.amount(provincial_col.key)
    if not _readable(form, (*lines, provincial_col)):
        return
    if provincial is None and all(form.amount(c.key) is None for c in lines):
        return
    stated = provincial or Decimal(0)
    summed = _sum(form, lines)
    if stated != summed:
        yield _issue(
            "budget.expenses_mismatch",
            table,
            form,
            provincial_col,
            plain(stated),
            label=short_label(provincial_col),
            stated=plain(stated),
            summed=plain(summed),
            difference=plain(stated - summed),
            hint=_text_hint(form, list(lines), stated),
        )


# ---------------------------------------------------------------- 其他相关费用（须注明）
def _names(col: Column) -> set[str]:
    """How a line may be named in a note: its label and aliases without numbering or remark
    (其它 written for 其他 too: notes are compared with ``_plain``)."""
    names = set()
    for text in (col.label, *col.aliases):
        name = _plain(_BRACKETED.sub("", _NUMBERING.sub("", canonical(text))))
        if name:
            names.add(name)
    return names


def _plain(text: str) -> str:
    """Compact text as a note is compared: 其它 and 其他 alike."""
    return compact(text).replace("其它", "其他")


def _label_says_more(text: object, col: Column) -> bool:
    """Whether a label cell holds more than the line's own name and remark (须注明): its note."""
    rest = _plain(_NUMBERING.sub("", canonical(text)))
    remarks = _BRACKETED.findall(compact(canonical(col.label)))
    rest = _BRACKETED.sub("", rest)
    for name in sorted({*_names(col), *(r.strip("()") for r in remarks)}, key=len, reverse=True):
        rest = rest.replace(name, "")
    return bool(_PUNCTUATION.sub("", rest))


def _row_texts(sheet: SheetGrid | None, cell: str | None) -> list[str]:
    """The other text cells on the row of ``cell``: its label and 备注 as filed."""
    where = parse_a1(cell)
    if sheet is None or where is None or where[0] > sheet.height:
        return []
    row, col = where
    values = sheet.values[row - 1]
    return [v for i, v in enumerate(values, 1) if i != col and isinstance(v, str) and canonical(v)]


def check_notes(table: ParsedTable, form: BudgetForm, sheet: SheetGrid | None) -> Iterator[Issue]:
    """A line that needs a note (其他相关费用) and holds an amount > 0 says what it is for, in its
    label or 备注 on its row, or in the 测算说明 naming it."""
    note_compact = _plain(form.text(budget_spec().note.key))
    for col in budget_spec().fields:
        if not col.needs_note:
            continue
        amount = form.amount(col.key)
        if amount is None or amount <= 0:
            continue
        f = form.fields.get(col.key)
        if any(_label_says_more(t, col) for t in _row_texts(sheet, f.cell if f else None)):
            continue
        if any(name in note_compact for name in _names(col)):
            continue
        yield _issue(
            "budget.other_without_note",
            table,
            form,
            col,
            plain(amount),
            label=short_label(col),
            amount=plain(amount),
            note_label=budget_spec().note.label,
        )


# ---------------------------------------------------------------- against the table row
def budget_key(table: ParsedTable) -> ProjectKey | None:
    """The project key of a 预算表: (unit, 所属表, 类型, 项目名称); None without a table or name."""
    form = table.budget
    if form is None:
        return None
    spec = budget_spec()
    ref = resolve_table(form.text("table_ref"))
    name_col = next(c for c in spec.header if c.role is Role.PROJECT_NAME)
    category_col = next((c for c in spec.header if c.role is Role.CATEGORY), None)
    name = form.text(name_col.key)
    if ref is None or not name:
        return None
    category = form.text(category_col.key) if category_col else ""
    ref_spec = load_specs().table(ref)
    category = category_label(ref_spec, category) or category
    return project_key(table.unit, ref, category, name)


def _same(key: ProjectKey, row: ProjectKey) -> bool:
    """A 预算表's key and a table row's: the same project, its name as written or with a place,
    year or trailing 项目 more or less (清远市知识产权强市建设 is the row 知识产权强市建设)."""
    if matches_row(key, row):
        return True
    return (
        key.unit == row.unit
        and (not key.table or key.table == row.table)
        and (not key.category or key.category == row.category)
        and same_project(key.name, row.name)
    )


def budget_rows(
    budget_table: ParsedTable, table_rows: Iterable[TableRow], unit: str | None = None
) -> tuple[ProjectKey, list[TableRow]] | None:
    """The table rows a 预算表 belongs to, and the key they were matched by: looked for in the 所属表
    it names, else in every table of its unit (所属表 and 类型 inferred), all in one table.

    ``table_rows`` are project rows with their keys; ``unit`` the unit it counts for, when not its
    own. None when it has no 项目名称 or no table of that unit (and kind, when named) is among the
    rows; an empty list when such a table holds no row of the project.
    """
    form = budget_table.budget
    name_col = next(c for c in budget_spec().header if c.role is Role.PROJECT_NAME)
    if form is None or not form.text(name_col.key):
        return None
    unit = unit or budget_table.unit
    key = budget_key(budget_table)
    if key is not None:
        key = key._replace(unit=unit) if unit else key
        candidates = [r for r in table_rows if r.key and (r.key.unit, r.key.table) == key[:2]]
    else:
        key = project_key(unit, "", form.text("category"), form.text(name_col.key))
        candidates = [r for r in table_rows if r.key and r.key.unit == key.unit]
    if not candidates:
        return None
    matched = [r for r in candidates if _same(key, r.key)]  # type: ignore[arg-type]
    if matched:
        table = matched[0].key.table  # type: ignore[union-attr]
        matched = [r for r in matched if r.key and r.key.table == table]
    return key, matched


def row_amount(rows: Sequence[TableRow], table: str, provincial: Decimal | None) -> Decimal | None:
    """The amount of a project's rows a 预算表 is held to: the row whose amount its 省局项目支出
    equals, else all of them together (one 后补助 to several 承接单位 is one project), None when no
    amount can be read."""
    key = load_specs().table(table).amount_column.key
    amounts = [a for r in rows if isinstance(a := r.value(key), Decimal)]
    if not amounts:
        return None
    return provincial if provincial in amounts else sum(amounts, Decimal(0))


def budget_row_mismatch(budget_table: ParsedTable, table_rows: Iterable[TableRow]) -> list[Issue]:
    """Compare a 预算表's 省局项目支出 with the amount of the table row it belongs to (``budget_rows``).

    A mismatch is an error at the 省局项目支出 cell; a table of that unit present without the project
    is ``budget.no_row`` (a warning); no table of that unit (and kind, when named) says nothing.
    """
    found = budget_rows(budget_table, table_rows)
    if found is None:
        return []
    key, matched = found
    form = budget_table.budget
    assert form is not None
    name_col = next(c for c in budget_spec().header if c.role is Role.PROJECT_NAME)
    name = form.text(name_col.key)
    if not matched:
        where = key.table or "本单位的需求征集表"
        return [
            _issue(
                "budget.no_row",
                budget_table,
                form,
                name_col,
                name,
                where=where,
                name=name,
            )
        ]
    table = matched[0].key.table  # type: ignore[union-attr]
    provincial_col = _role(Role.PROVINCIAL)
    provincial = form.amount(provincial_col.key)
    if provincial is None:
        return []
    amount_key = load_specs().table(table).amount_column.key
    amounts = [(r, a) for r in matched if isinstance(a := r.value(amount_key), Decimal)]
    if not amounts or provincial == row_amount(matched, table, provincial):
        return []
    row, amount = amounts[0]
    where = row.cell(amount_key) or f"第 {row.excel_row} 行"
    if len(amounts) > 1:  # the project's rows together (one 后补助, several 承接单位)
        amount = sum((a for _, a in amounts), Decimal(0))
        where = "、".join(r.cell(amount_key) or f"第 {r.excel_row} 行" for r, _ in amounts)
    named = row.value(load_specs().table(table).project_column.key)  # the row's own name
    return [
        _issue(
            "budget.row_mismatch",
            budget_table,
            form,
            provincial_col,
            plain(provincial),
            label=short_label(provincial_col),
            provincial=plain(provincial),
            table=table,
            where=where,
            name=named if isinstance(named, str) and named else name,
            amount=plain(amount),
        )
    ]
