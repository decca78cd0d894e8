"""Realistic submissions as bytes, made the way prefecture staff make them (DESIGN §3).

A ``Submission`` lays one table out on a grid — title and subtitle rows, the 填报单位 and 单位：万元
lines, a header (line breaks, full- or half-width brackets, or split over two rows), rows grouped by
类型 (given once, or merged down), spacers, 小计/合计 rows typed or as ``=SUM()``, footer lines — and
writes it as .xlsx (openpyxl: formulas without cached values; xlsxwriter: with the values Excel would
have cached) or as a Word table. Several sheets go into one workbook with ``workbook()``.

    sub = Submission("表四", rows=[project("知识产权高质量创造", "专利导航项目", 50)],
                     quirks=DEFAULT_QUIRKS | {"two_row_header", "total_formula"})
    data = sub.xlsx()
    sub.layout.cell(0, "amount")  # "E6": where the first row's 金额 landed

Rows are dicts by column key; ``project`` and ``amount`` stand for the table's project-name and
amount columns (后补助名称/后补助经费 in 表二, 经费安排 in 表一/三). A value ``MERGE_UP`` merges the
cell with the one above (an amount or 主要工作内容 merged over several rows); a str starting with "="
is a formula, ``F("=1+2", 3)`` one with a cached value. ``SPACER`` is a blank row, ``subtotal()`` a
小计 row over the rows since the previous one.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from budget_planner.money import plain
from budget_planner.templates import metadata
from budget_planner.templates.round import Round, load_round
from budget_planner.templates.spec import TableSpec, budget_spec, load_specs
from budget_planner.validators.intake.grid import a1, column_letter

# ---------------------------------------------------------------- row vocabulary

MERGE_UP = object()  # merge this cell with the one above
SPACER = "spacer"

QUIRKS = frozenset(
    {
        "title",  # title and subtitle rows above the header
        "unit_line",  # 填报单位：<full name>
        "money_unit",  # 单位：万元 at the right of the 填报单位 row
        "fullwidth_brackets",  # 经费安排（万元） as in the Word notice (else half-width)
        "header_breaks",  # line breaks and odd spaces inside header cells
        "two_row_header",  # 项目设置 over 必要性/政策依据, 经费安排 over (万元) …
        "numbering_row",  # a row 1 2 3 … under the header
        "serial",  # 序号 1, 2, 3 … on project rows
        "merged_category",  # 类型 merged down its group (else given once, blank below)
        "category_every_row",  # 类型 repeated on every row
        "spacers",  # a blank row after each 类型 group
        "subtotals",  # a 小计 row after each 类型 group (a =SUM() formula)
        "total",  # a typed 合计 row (the exact sum)
        "total_formula",  # a 合计 row as =SUM() over the amount column
        "footer",  # 填表人 / 联系电话 lines below the table
        "instructions_first",  # a 填表说明 sheet before the table's sheet
        "list_sheet",  # a hidden sheet with the 类型 dropdown list
        "old_draft",  # an older draft of the table on a hidden sheet
        "metadata",  # the very hidden bp_meta sheet of an issued template
    }
)
DEFAULT_QUIRKS = frozenset({"title", "unit_line", "money_unit", "fullwidth_brackets", "serial"})

POLICY = "《广东省知识产权保护和运用“十四五”规划》"


@dataclass(frozen=True)
class F:
    """A formula (text with the leading "="), with the value Excel would have cached (xlsxwriter)."""

    text: str
    cached: object = None


@dataclass(frozen=True)
class Subtotal:
    label: str = "小计"
    column: str = "serial"  # where the label goes (a column key)


def subtotal(label: str = "小计", column: str = "serial") -> Subtotal:
    return Subtotal(label, column)


def project(
    category: str | None,
    name: str,
    amount: object,
    *,
    work: str | None = None,
    **more: object,
) -> dict[str, object]:
    """A filled project row: every required text present, the 政策依据 citing a document."""
    row: dict[str, object] = {
        "category": category,
        "work_content": work if work is not None else f"开展{name}相关工作",
        "project": name,
        "amount": amount,
        "necessity": f"落实{POLICY}要求，推进{name}。",
        "policy_basis": POLICY,
        "performance": "完成年度目标任务",
    }
    row.update(more)
    return row


def subsidy(name: str, amount: object, **more: object) -> dict[str, object]:
    """A 表二 row (后补助)."""
    row: dict[str, object] = {
        "work_content": f"对{name}给予后补助",
        "project": name,
        "amount": amount,
        "subsidy_basis": POLICY,
        "subsidy_recipient": "清远市知识产权服务中心",
        "performance": "完成年度目标任务",
    }
    row.update(more)
    return row


# ---------------------------------------------------------------- the grid a sheet becomes


@dataclass
class Layout:
    """A sheet as cells (1-based), merges and cached formula values, plus where each input row went."""

    name: str = "Sheet1"
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    visibility: str = "visible"  # visible / hidden / veryHidden
    header_rows: tuple[int, ...] = ()
    columns: dict[str, int] = field(default_factory=dict)  # column key → 1-based column
    rows: list[int] = field(default_factory=list)  # Excel row of each input row (dicts only)
    subtotal_rows: list[int] = field(default_factory=list)
    total_row: int | None = None
    preamble: list[str] = field(default_factory=list)  # Word: paragraphs above the table

    def put(self, row: int, col: int, value: object) -> None:
        if value is not None and value != "":
            self.cells[(row, col)] = value

    def cell(self, index: int, key: str) -> str:
        """The A1 reference of input row ``index``'s column ``key``."""
        return a1(self.rows[index], self.columns[key])

    def column(self, key: str) -> str:
        return column_letter(self.columns[key])

    @property
    def height(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def width(self) -> int:
        return max((c for _, c in self.cells), default=0)


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, F) and isinstance(value.cached, int | float | Decimal):
        return _number(value.cached)
    return None


def _lenient(value: object) -> Decimal:
    """An amount as a person reads it (50万元, ５０, 1,200 → numbers); anything else 0."""
    number = _number(value)
    if number is not None:
        return number
    if not isinstance(value, str):
        return Decimal(0)
    text = unicodedata.normalize("NFKC", value).replace(",", "").replace(" ", "")
    text = text.removesuffix("万元").removesuffix("万").lstrip("¥")
    try:
        return Decimal(text)
    except ArithmeticError:
        return Decimal(0)


def _sum_formula(layout: Layout, col: int, first: int, last: int) -> F:
    """=SUM over a column range, cached with what Excel caches (numbers only; text is skipped)."""
    total = sum(
        (_number(layout.cells.get((r, col))) or Decimal(0) for r in range(first, last + 1)),
        Decimal(0),
    )
    ref = f"{column_letter(col)}{first}:{column_letter(col)}{last}"
    cached = int(total) if total == total.to_integral() else float(total)
    return F(f"SUM({ref})", cached)


# ---------------------------------------------------------------- header labels

# two-row headers as staff split them: a column label → (top, bottom); others merge over both rows
_SPLIT = {
    "经费安排(万元)": ("经费安排", "(万元)"),
    "项目数及单项金额": ("项目数及", "单项金额"),
    "项目设置必要性": ("项目设置", "必要性"),
    "项目设置政策依据": ("项目设置", "政策依据"),
}
_BREAKS = {  # how a header with line breaks and odd spaces looks
    "序号": "序  号",
    "经费安排(万元)": "经费安排\n(万元)",
    "项目数及单项金额": "项目数及\n单项金额",
    "项目设置必要性": "项目设置\n必要性",
    "项目设置政策依据": "项目设置\n政策依据",
    "项目绩效": "项目\u00a0绩效",
    "备注": "备　注",
}


def _brackets(text: str, quirks: frozenset[str]) -> str:
    if "fullwidth_brackets" in quirks:
        return text.replace("(", "（").replace(")", "）")
    return text


# ---------------------------------------------------------------- one table on one sheet


@dataclass
class Submission:
    """One collection table as a unit files it."""

    table: str = "表四"
    rows: Sequence[object] = ()
    unit: str | None = (
        "清远市"  # the unit named on the 填报单位 line (its full name); None: no name
    )
    quirks: frozenset[str] = DEFAULT_QUIRKS
    sheet: str = "Sheet1"
    round_: Round | None = None
    title: str | None = None  # replaces the title row's text
    subtitle: str | None = None  # replaces the subtitle row's text ("" leaves the row empty)
    unit_text: str | None = None  # replaces the whole 填报单位 line
    labels: dict[str, str] = field(default_factory=dict)  # column key → header text as filed
    omit: tuple[str, ...] = ()  # column keys left out of the table
    footer: Sequence[str] = ("填表人：张三", "联系电话：0763-3388123")
    meta_table: str | None = None  # what bp_meta says (default: the table)

    layout: Layout = field(init=False)

    def __post_init__(self) -> None:
        self.quirks = frozenset(self.quirks)
        unknown = self.quirks - QUIRKS
        if unknown:
            raise ValueError(f"unknown quirks: {sorted(unknown)}")
        self.round_ = self.round_ or load_round()
        self.layout = self._lay_out()

    @property
    def spec(self) -> TableSpec:
        return load_specs().table(self.table)

    @property
    def file_name(self) -> str:
        return f"{self.unit or '未知单位'}-{self.table}.xlsx"

    def _key(self, key: str) -> str:
        if key == "project":
            return self.spec.project_column.key
        if key == "amount":
            return self.spec.amount_column.key
        return key

    def _header_text(self, key: str) -> str:
        if key in self.labels:
            return self.labels[key]
        label = self.spec.column(key).label
        if "header_breaks" in self.quirks:
            label = _BREAKS.get(label, label)
        return _brackets(label, self.quirks)

    def _lay_out(self) -> Layout:
        spec, q = self.spec, self.quirks
        lay = Layout(name=self.sheet)
        # the issued template's columns; 来源单位 only on a return that fills it (a forwarded one)
        filled = {k for r in self.rows if isinstance(r, dict) for k, v in r.items() if v}
        keys = [
            c.key for c in spec.columns if c.key not in self.omit and (c.issued or c.key in filled)
        ]
        lay.columns = {k: i for i, k in enumerate(keys, 1)}
        width = len(keys)
        r = 1
        if "title" in q:
            lay.put(r, 1, self.title if self.title is not None else spec.title(self.round_.year))
            lay.merges.append((r, 1, r, width))
            lay.put(r + 1, 1, self.subtitle if self.subtitle is not None else spec.subtitle)
            lay.merges.append((r + 1, 1, r + 1, width))
            r += 2
        elif self.title is not None:
            lay.put(r, 1, self.title)
            r += 1
        if "unit_line" in q or "money_unit" in q:
            if "unit_line" in q:
                lay.put(r, 1, self._unit_line())
                lay.merges.append((r, 1, r, 4))
            if "money_unit" in q:
                lay.put(r, width, "单位：万元")
            r += 1
        r = self._header(lay, r, keys)
        if "numbering_row" in q:
            for i in range(1, width + 1):
                lay.put(r, i, i)
            r += 1
        r = self._body(lay, r)
        if "footer" in q:
            r += 1
            for line in self.footer:
                lay.put(r, 1, line)
                r += 1
        return lay

    def _unit_line(self) -> str:
        if self.unit_text is not None:
            return self.unit_text
        unit = self.round_.unit(self.unit) if self.unit else None
        name = unit.full_name if unit else (self.unit or "")
        return "填报单位：" + name.replace("(", "（").replace(")", "）")

    def _header(self, lay: Layout, r: int, keys: list[str]) -> int:
        if "two_row_header" not in self.quirks:
            for i, k in enumerate(keys, 1):
                lay.put(r, i, self._header_text(k))
            lay.header_rows = (r,)
            return r + 1
        i = 1
        while i <= len(keys):
            label = self.spec.column(keys[i - 1]).label
            split = _SPLIT.get(label) if keys[i - 1] not in self.labels else None
            if split is None:
                lay.put(r, i, self._header_text(keys[i - 1]))
                lay.merges.append((r, i, r + 1, i))
                i += 1
                continue
            top, bottom = (_brackets(t, self.quirks) for t in split)
            lay.put(r, i, top)
            lay.put(r + 1, i, bottom)
            # a shared top (项目设置) merges across the columns that share it
            j = i + 1
            while j <= len(keys):
                nxt = _SPLIT.get(self.spec.column(keys[j - 1]).label)
                if nxt is None or nxt[0] != split[0]:
                    break
                lay.put(r + 1, j, _brackets(nxt[1], self.quirks))
                j += 1
            if j > i + 1:
                lay.merges.append((r, i, r, j - 1))
            i = j
        lay.header_rows = (r, r + 1)
        return r + 2

    def _body(self, lay: Layout, r: int) -> int:
        q, cols = self.quirks, lay.columns
        amount_col = cols.get(self.spec.amount_column.key)
        cat_col = cols.get("category")
        first_body = r
        group_start = r  # first row of the current 类型 group (for merges and 小计)
        section_start = r  # first row since the last 小计 (for the 小计 formula)
        category: object = None
        serial = 0
        for item in self.rows:
            if item == SPACER:
                r += 1
                continue
            if isinstance(item, Subtotal):
                r = self._subtotal(lay, r, section_start, item)
                section_start = r
                continue
            row = {self._key(k): v for k, v in item.items()}  # type: ignore[union-attr]
            new_cat = row.get("category")
            if cat_col and new_cat not in (None, "", MERGE_UP) and new_cat != category:
                if category is not None:
                    self._close_group(lay, group_start, r - 1, cat_col)
                    if "subtotals" in q:
                        r = self._subtotal(lay, r, section_start, Subtotal())
                        section_start = r
                    if "spacers" in q:
                        r += 1
                        section_start = r
                category, group_start = new_cat, r
                lay.put(r, cat_col, new_cat)
            elif cat_col and "category_every_row" in q and category is not None:
                lay.put(r, cat_col, category)
            for key, value in row.items():
                if key == "category" or key not in cols:
                    continue
                if value is MERGE_UP:
                    self._merge_up(lay, r, cols[key])
                else:
                    lay.put(r, cols[key], value)
            named = row.get(self.spec.project_column.key) or row.get(self.spec.amount_column.key)
            if "serial" in q and "serial" in cols and "serial" not in row and named:
                serial += 1
                lay.put(r, cols["serial"], serial)
            lay.rows.append(r)
            r += 1
        if category is not None and cat_col:
            self._close_group(lay, group_start, r - 1, cat_col)
            if "subtotals" in q:
                r = self._subtotal(lay, r, section_start, Subtotal())
        if ("total" in q or "total_formula" in q) and amount_col:
            label_col = cols.get("serial", 1)
            lay.put(r, label_col, "合计")
            if "total_formula" in q:
                lay.put(r, amount_col, self._grand_total(lay, amount_col, first_body, r - 1))
            else:
                lay.put(r, amount_col, self._typed_total(lay, amount_col))
            lay.total_row = r
            r += 1
        return r

    def _close_group(self, lay: Layout, first: int, last: int, col: int) -> None:
        if "merged_category" in self.quirks and last > first:
            lay.merges.append((first, col, last, col))

    def _merge_up(self, lay: Layout, r: int, col: int) -> None:
        for i, (r0, c0, r1, c1) in enumerate(lay.merges):
            if c0 == col and c1 == col and r1 == r - 1:
                lay.merges[i] = (r0, c0, r, c1)
                return
        lay.merges.append((r - 1, col, r, col))

    def _subtotal(self, lay: Layout, r: int, first: int, item: Subtotal) -> int:
        col = lay.columns.get(item.column, 1)
        lay.put(r, col, item.label)
        amount_col = lay.columns.get(self.spec.amount_column.key)
        if amount_col and r > first:
            lay.put(r, amount_col, _sum_formula(lay, amount_col, first, r - 1))
        lay.subtotal_rows.append(r)
        return r + 1

    def _grand_total(self, lay: Layout, col: int, first: int, last: int) -> F:
        if not lay.subtotal_rows:
            return _sum_formula(lay, col, first, last)
        refs = [f"{column_letter(col)}{r}" for r in lay.subtotal_rows]
        cached = sum(
            (_number(lay.cells.get((r, col))) or Decimal(0) for r in lay.subtotal_rows), Decimal(0)
        )
        return F("+".join(refs), int(cached) if cached == cached.to_integral() else float(cached))

    def _typed_total(self, lay: Layout, col: int) -> object:
        """What a person types as the 合计: the true sum, text amounts included."""
        total = sum((_lenient(lay.cells.get((r, col))) for r in lay.rows), Decimal(0))
        return int(total) if total == total.to_integral() else float(total)

    # ------------------------------------------------------------ writing

    def sheets(self) -> list[Layout]:
        """Every sheet of the workbook this submission is, in order."""
        q = self.quirks
        out: list[Layout] = []
        if "instructions_first" in q:
            out.append(instructions_sheet())
        out.append(self.layout)
        if "list_sheet" in q:
            out.append(list_sheet(self.spec.categories))
        if "old_draft" in q:
            draft = Submission(
                self.table,
                rows=[
                    project(
                        self.spec.categories[0] if self.spec.categories else None, "旧草稿项目", 99
                    )
                ],
                unit=self.unit,
                sheet="旧版草稿",
                round_=self.round_,
            ).layout
            draft.visibility = "hidden"
            out.append(draft)
        if "metadata" in q:
            out.append(meta_sheet(self.meta_table or self.table, self.unit, self.round_))
        return out

    def xlsx(self, engine: str = "openpyxl") -> bytes:
        return workbook(self.sheets(), engine=engine)

    def docx(self) -> bytes:
        return word_document([self.word_table()])

    def word_table(self) -> Layout:
        """The table as a Word table: the lines above it become paragraphs, the header row 1."""
        lay = self.layout
        top = lay.header_rows[0]
        shifted = Layout(name=lay.name, columns=dict(lay.columns))
        shifted.preamble = [
            str(v) for (r, c), v in sorted(lay.cells.items()) if r < top and isinstance(v, str)
        ]
        for (r, c), v in lay.cells.items():
            if r >= top:
                value = v.cached if isinstance(v, F) else v
                shifted.put(
                    r - top + 1, c, plain(_number(value)) if _number(value) is not None else value
                )
        shifted.merges = [
            (r0 - top + 1, c0, r1 - top + 1, c1) for r0, c0, r1, c1 in lay.merges if r0 >= top
        ]
        shifted.header_rows = tuple(h - top + 1 for h in lay.header_rows)
        shifted.rows = [x - top + 1 for x in lay.rows]
        shifted.subtotal_rows = [x - top + 1 for x in lay.subtotal_rows]
        shifted.total_row = lay.total_row - top + 1 if lay.total_row else None
        return shifted


def make_table(table: str, unit: str | None = "清远市", rows: Sequence[object] = (), **kw) -> bytes:
    """A filled collection table as .xlsx bytes (see ``Submission`` for the options)."""
    engine = kw.pop("engine", "openpyxl")
    return Submission(table, rows=rows, unit=unit, **kw).xlsx(engine)


def make_table4(unit: str | None = "清远市", rows: Sequence[object] | None = None, **kw) -> bytes:
    """表四 as .xlsx bytes; without ``rows``, the round's presets with two of them taken up."""
    return make_table("表四", unit, rows if rows is not None else table4_rows(), **kw)


def table4_rows(
    round_: Round | None = None,
    taken: dict[str, object] | None = None,
    own: dict[str, list[dict[str, object]]] | None = None,
) -> list[dict[str, object]]:
    """表四 as the issued template has it, filled in: presets (``taken`` gives amounts by project,
    and those get a 项目绩效), placeholders replaced by the unit's ``own`` rows of that 类型 (kept as
    text when none), and the 类型 without presets holding the unit's own rows, if any."""
    round_ = round_ or load_round()
    taken = {} if taken is None else taken
    own = {k: list(v) for k, v in (own or {}).items()}
    spec = load_specs().table("表四")
    rows: list[dict[str, object]] = []
    presets = round_.presets_for("表四")
    for category in spec.categories:
        extra = own.get(category, [])
        mine = [p for p in presets if p.category == category]
        for preset in mine:
            if preset.placeholder and extra:
                rows.append(extra.pop(0))
                continue
            row: dict[str, object] = {"category": preset.category, **preset.values}
            row["amount"] = taken.get(preset.project)
            if row["amount"] is not None:  # a preset taken up gets its 项目绩效 too
                row["performance"] = "完成年度目标任务"
            rows.append(row)
        rows.extend(extra)
        if not mine and not extra:
            rows.append({"category": category})  # an empty 可加行 group
    return rows


DEFAULT_TAKEN = {"高价值专利培育布局中心建设": 50, "知识产权纠纷多元化解": 30}


# ---------------------------------------------------------------- other sheets


def instructions_sheet() -> Layout:
    lay = Layout(name="填表说明")
    for i, line in enumerate(
        (
            "填表说明",
            "1. 金额单位为万元，请填写数字。",
            "2. 类型请从下拉列表中选择，同一类型下的多行只需在第一行填写。",
            "3. 不承接的预设项目金额留空。",
        ),
        1,
    ):
        lay.put(i, 1, line)
    return lay


def list_sheet(categories: Iterable[str]) -> Layout:
    lay = Layout(name="下拉列表", visibility="hidden")
    for i, c in enumerate(categories, 1):
        lay.put(i, 1, c)
    return lay


def meta_sheet(table: str, unit: str | None, round_: Round | None = None) -> Layout:
    round_ = round_ or load_round()
    u = round_.unit(unit) if unit else None
    lay = Layout(name=metadata.SHEET_NAME, visibility="veryHidden")
    pairs = metadata.rows(
        table=table,
        spec_version=load_specs().version,
        round_id=round_.id,
        year=round_.year,
        unit=u.short_name if u else "",
        unit_full_name=u.full_name if u else "",
    )
    for i, (k, v) in enumerate(pairs, 1):
        lay.put(i, 1, k)
        lay.put(i, 2, v)
    return lay


def text_sheet(name: str, lines: Sequence[Sequence[object]], visibility: str = "visible") -> Layout:
    """A sheet of plain rows (a control-number list, a note sheet …)."""
    lay = Layout(name=name, visibility=visibility)
    for r, line in enumerate(lines, 1):
        for c, v in enumerate(line, 1):
            lay.put(r, c, v)
    return lay


# ---------------------------------------------------------------- 预算表 (seed 000 §三)

BUDGET_DEFAULTS: dict[str, object] = {
    "project_name": "高价值专利培育布局中心建设",
    "table_ref": "表四",
    "category": "知识产权高质量创造",
    "project_kind": "专利技术实施计划",
    "period": "2024年6月至2025年12月",
    "provincial": 50,
    "local_matching": 0,
    "self_raised": 150,
    "other_sources": 0,
    "service_fee": 20,
    "maintenance_fee": 10,
    "expert_fee": 5,
    "enforcement_aid": 0,
    "training": 10,
    "publicity": 5,
    "other_expenses": 0,
    "calculation_note": "知识产权服务费20万元用于专利布局分析；培训费10万元用于2期培训。",
}


@dataclass
class BudgetLayout(Layout):
    value_cells: dict[str, str] = field(default_factory=dict)  # field key → A1 of its value


def budget_layout(
    values: dict[str, object] | None = None,
    *,
    unit: str | None = "清远市",
    sheet: str = "预算表",
    labels: dict[str, str] | None = None,
    total: object = "sum",
    round_: Round | None = None,
    short_labels: bool = False,
) -> BudgetLayout:
    """A 项目支出预算明细表 as seed 000 has it: title, 单位：万元, the header block (label in A, value
    in B:E), then 项目支出预算及测算说明 | 项目资金来源 | 资金来源 | 金额 | 备注 with 合计 and the four
    sources, 省局拨款项目支出明细 with the seven expense lines, and the 测算说明 at the bottom.

    ``total``: "sum" (typed, the exact sum of the sources), "formula" (=SUM, cached), or a value.
    ``short_labels`` writes 省局项目支出 for 1、省局项目支出 and so on.
    """
    round_ = round_ or load_round()
    spec = budget_spec()
    vals = dict(BUDGET_DEFAULTS)
    if unit is not None:
        u = round_.unit(unit)
        vals["unit"] = (u.full_name if u else unit).replace("(", "（").replace(")", "）")
    vals.update(values or {})
    labels = labels or {}
    lay = BudgetLayout(name=sheet)

    def label(col) -> str:
        if col.key in labels:
            return labels[col.key]
        text = col.aliases[0] if short_labels and col.aliases and "、" in col.label else col.label
        return text.replace("(", "（").replace(")", "）")

    lay.put(1, 1, spec.title)
    lay.merges.append((1, 1, 1, 5))
    lay.put(2, 5, spec.unit_label)
    r = 3
    for col in spec.header:
        lay.put(r, 1, label(col))
        lay.put(r, 2, vals.get(col.key))
        lay.merges.append((r, 2, r, 5))
        lay.value_cells[col.key] = a1(r, 2)
        r += 1
    head = r
    lay.put(r, 1, "项目支出预算及测算说明")
    lay.put(r, 2, "项目资金来源")
    lay.put(r, 3, "资金来源")
    lay.put(r, 4, "金额")
    lay.put(r, 5, "备注")
    lay.header_rows = (r,)
    r += 1
    sources_first = r
    for col in spec.sources:
        lay.put(r, 3, label(col))
        if col.key != "total":
            lay.put(r, 4, vals.get(col.key))
        lay.value_cells[col.key] = a1(r, 4)
        r += 1
    lay.merges.append((head, 2, r - 1, 2))
    total_row = sources_first
    if total == "sum" or total == "formula":
        parts = [_number(lay.cells.get((x, 4))) or Decimal(0) for x in range(total_row + 1, r)]
        s = sum(parts, Decimal(0))
        cached = int(s) if s == s.to_integral() else float(s)
        lay.put(
            total_row,
            4,
            F(f"SUM(D{total_row + 1}:D{r - 1})", cached) if total == "formula" else cached,
        )
    else:
        lay.put(total_row, 4, total)
    lay.total_row = total_row
    lay.put(r, 2, "省局拨款项目支出明细")
    lay.put(r, 3, "支出项目内容")
    lay.put(r, 4, "金额")
    expenses_head = r
    r += 1
    for col in spec.expenses:
        lay.put(r, 3, label(col))
        lay.put(r, 4, vals.get(col.key))
        lay.value_cells[col.key] = a1(r, 4)
        r += 1
    lay.merges.append((expenses_head, 2, r - 1, 2))
    lay.merges.append((head, 1, r - 1, 1))
    lay.put(r, 1, label(spec.note).rstrip(":：") + "：")
    lay.put(r, 2, vals.get(spec.note.key))
    lay.merges.append((r, 2, r, 5))
    lay.value_cells[spec.note.key] = a1(r, 2)
    return lay


def make_budget(values: dict[str, object] | None = None, engine: str = "openpyxl", **kw) -> bytes:
    return workbook([budget_layout(values, **kw)], engine=engine)


# ---------------------------------------------------------------- writers


def workbook(sheets: Sequence[Layout], engine: str = "openpyxl") -> bytes:
    """The sheets as one .xlsx. openpyxl leaves formulas without cached values; xlsxwriter caches."""
    if engine == "openpyxl":
        return _openpyxl(sheets)
    if engine == "xlsxwriter":
        return _xlsxwriter(sheets)
    raise ValueError(engine)


def _openpyxl(sheets: Sequence[Layout]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    book.remove(book.active)
    wrap = Alignment(wrap_text=True, vertical="center")
    for lay in sheets:
        ws = book.create_sheet(lay.name)
        ws.sheet_state = lay.visibility
        for (r, c), v in lay.cells.items():
            cell = ws.cell(row=r, column=c)
            if isinstance(v, F):
                cell.value = "=" + v.text
            elif isinstance(v, Decimal):
                cell.value = float(v)
            else:
                cell.value = v  # a str starting with "=" is a formula, as typed
                if isinstance(v, str) and "\n" in v:
                    cell.alignment = wrap
        for r0, c0, r1, c1 in lay.merges:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    if all(lay.visibility != "visible" for lay in sheets):
        raise ValueError("a workbook needs a visible sheet")
    book.active = next(i for i, lay in enumerate(sheets) if lay.visibility == "visible")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _xlsxwriter(sheets: Sequence[Layout]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wrap = book.add_format({"text_wrap": True, "valign": "vcenter"})
    first_visible = next(i for i, lay in enumerate(sheets) if lay.visibility == "visible")
    for i, lay in enumerate(sheets):
        ws = book.add_worksheet(lay.name)
        if i == first_visible:
            ws.activate()
        if lay.visibility == "hidden":
            ws.hide()
        elif lay.visibility == "veryHidden":
            ws.very_hidden()
        merged_at = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in lay.merges}
        covered = {
            (r, c)
            for r0, c0, r1, c1 in lay.merges
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
            if (r, c) != (r0, c0)
        }
        for (r0, c0), (r1, c1) in merged_at.items():
            v = lay.cells.get((r0, c0))
            if isinstance(v, F | int | float | Decimal) and not isinstance(v, bool):
                ws.merge_range(r0 - 1, c0 - 1, r1 - 1, c1 - 1, None)
            else:
                ws.merge_range(r0 - 1, c0 - 1, r1 - 1, c1 - 1, "" if v is None else str(v), wrap)
        for (r, c), v in lay.cells.items():
            if (r, c) in covered or ((r, c) in merged_at and isinstance(v, str)):
                continue
            row, col = r - 1, c - 1
            if isinstance(v, F):
                ws.write_formula(
                    row, col, "=" + v.text, None, v.cached if v.cached is not None else 0
                )
            elif isinstance(v, str) and v.startswith("="):
                ws.write_formula(row, col, v)
            elif isinstance(v, str):
                ws.write_string(row, col, v, wrap if "\n" in v else None)
            elif isinstance(v, bool):
                ws.write_boolean(row, col, v)
            elif isinstance(v, int | float | Decimal):
                ws.write_number(row, col, float(v) if isinstance(v, Decimal) else v)
            else:
                ws.write(row, col, v)
    book.close()
    return buf.getvalue()


def word_document(tables: Sequence[Layout], between: Sequence[str] = ()) -> bytes:
    """Word tables (python-docx), each after its preamble paragraphs; merged cells merged."""
    import docx

    document = docx.Document()
    for i, lay in enumerate(tables):
        if i and between:
            document.add_paragraph(between[min(i - 1, len(between) - 1)])
        for line in lay.preamble:
            document.add_paragraph(line)
        table = document.add_table(rows=lay.height, cols=lay.width)
        covered = {
            (r, c)
            for r0, c0, r1, c1 in lay.merges
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
            if (r, c) != (r0, c0)
        }
        for (r, c), v in lay.cells.items():
            if (r, c) in covered:
                continue
            value = v.cached if isinstance(v, F) else v
            number = _number(value)
            table.cell(r - 1, c - 1).text = plain(number) if number is not None else str(value)
        for r0, c0, r1, c1 in lay.merges:
            if r1 <= lay.height and c1 <= lay.width:
                table.cell(r0 - 1, c0 - 1).merge(table.cell(r1 - 1, c1 - 1))
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def cells_of(lay: Layout, keys: Iterable[str], index: int) -> list[str]:
    """The A1 references of one input row's columns."""
    return [lay.cell(index, k) for k in keys]
