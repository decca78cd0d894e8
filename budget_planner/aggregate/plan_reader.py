"""Reading last year's 分配方案 (issue 19, docs/years.md): the workbook this service writes
(``export/allocation_plan.py``: its 分配方案 sheet, a 小计 row per unit and table, the control
number on the 表四 小计) or any sheet with the columns 单位, 表, 类型, 拟设置项目, 申报金额, 核定金额
(and, if wanted, 控制数 on the project rows). The file goes through the guarded parse worker like
every upload. Every problem is reported at once, with its sheet and cell; nothing is kept from a
file with a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budget_planner.aggregate.control import _sheets
from budget_planner.aggregate.years import LastYearLine, LastYearPlan
from budget_planner.errors import UsageError
from budget_planner.templates.spec import COLLECTION_TABLES, control_spec, load_specs
from budget_planner.text import canonical, compact
from budget_planner.validators.check.pipeline import Parse
from budget_planner.validators.intake.grid import CellValue, a1
from budget_planner.validators.read.amounts import parse_amount

HEADER_SEARCH_ROWS = 20
PLAN_SHEET = "分配方案"  # the sheet the service's own plan puts first
TOTAL_WORDS = ("小计", "合计", "总计")
MAX_PROBLEMS = 30  # listed in full up to this many; then the count

# the columns, each with the headings it goes by (compact); 类型 and 控制数 may be absent
UNIT, TABLE, CATEGORY, PROJECT, REQUESTED, APPROVED, CONTROL = (
    "单位",
    "表",
    "类型",
    "拟设置项目",
    "申报金额",
    "核定金额",
    "控制数",
)
REQUIRED = (UNIT, TABLE, PROJECT, REQUESTED, APPROVED)


def _headings() -> dict[str, tuple[str, ...]]:
    project_labels = {load_specs().table(t).project_column.label for t in COLLECTION_TABLES}
    control = control_spec().amount
    return {
        UNIT: ("单位", "单位名称", "地市", "填报单位"),
        TABLE: ("表", "所属表", "表别"),
        CATEGORY: ("类型", "项目类型", "所属类型"),
        PROJECT: (PROJECT, "项目名称", "项目", *sorted(project_labels)),
        REQUESTED: ("申报金额", "申报金额(万元)", "申请金额"),
        APPROVED: ("核定金额", "核定金额(万元)", "安排金额"),
        CONTROL: tuple(compact(a) for a in (control.label, *control.aliases)),
    }


@dataclass(frozen=True)
class _Header:
    row: int  # 0-based
    columns: dict[str, int]  # column name → 0-based column


def _find_header(rows: list[list[CellValue]]) -> _Header | None:
    headings = {name: {compact(h) for h in words} for name, words in _headings().items()}
    for r, line in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [compact(v) if isinstance(v, str) else "" for v in line]
        columns: dict[str, int] = {}
        for name, words in headings.items():
            col = next((c for c, t in enumerate(texts) if t in words), None)
            if col is not None:
                columns[name] = col
        if all(name in columns for name in REQUIRED):
            return _Header(r, columns)
    return None


def _cell(line: list[CellValue], col: int | None) -> CellValue:
    return line[col] if col is not None and col < len(line) else None


def read_last_year_plan(data: bytes, name: str, *, parse: Parse | None = None) -> LastYearPlan:
    """Last year's plan from a workbook. Raises ``UsageError`` naming every problem (sheet!cell)."""
    sheets = _sheets(data, name, parse)
    sheets.sort(key=lambda s: s[0] != PLAN_SHEET)  # the service's own sheet first
    for sheet, rows in sheets:
        header = _find_header(rows)
        if header is not None:
            return _read(name, sheet, rows, header)
    wanted = "、".join(f"“{c}”" for c in (*REQUIRED[:2], CATEGORY, *REQUIRED[2:]))
    raise UsageError(f"“{name}”中找不到上年分配方案的表头：需要列 {wanted}")


def _read(name: str, sheet: str, rows: list[list[CellValue]], header: _Header) -> LastYearPlan:
    cols = header.columns
    lines: list[LastYearLine] = []
    controls: dict[str, Decimal] = {}
    problems: list[str] = []

    def amount(line: list[CellValue], column: str, excel_row: int) -> Decimal | None:
        raw = _cell(line, cols.get(column))
        parsed = parse_amount(raw)
        if parsed.issue is not None and parsed.value is None:
            where = a1(excel_row, cols[column] + 1)
            problems.append(f"{sheet}!{where}：{column}“{canonical(raw)}”不是金额")
        return parsed.value

    for r in range(header.row + 1, len(rows)):
        line, excel_row = rows[r], r + 1
        unit = canonical(_cell(line, cols[UNIT]))
        table = compact(_cell(line, cols[TABLE]))
        project = canonical(_cell(line, cols[PROJECT]))
        if not unit and not table and not project:
            continue
        if unit.endswith(TOTAL_WORDS) or unit in TOTAL_WORDS:
            # the service's 小计 row: "清远市 表四 小计" carries the unit's control number
            control = amount(line, CONTROL, excel_row) if CONTROL in cols else None
            owner = unit.split()[0] if " " in unit else ""
            if control is not None and owner:
                controls.setdefault(owner, control)
            continue
        if table not in COLLECTION_TABLES:
            where = a1(excel_row, cols[TABLE] + 1)
            tables = "、".join(COLLECTION_TABLES)
            problems.append(f"{sheet}!{where}：表“{canonical(table)}”应为{tables}之一")
            continue
        if not unit or not project:
            missing = UNIT if not unit else PROJECT
            problems.append(f"{sheet}!{a1(excel_row, cols[missing] + 1)}：{missing}为空")
            continue
        requested = amount(line, REQUESTED, excel_row)
        approved = amount(line, APPROVED, excel_row)
        if CONTROL in cols:
            control = amount(line, CONTROL, excel_row)
            if control is not None:
                controls.setdefault(unit, control)
        category = canonical(_cell(line, cols.get(CATEGORY)))
        where = f"{sheet}!{a1(excel_row, cols[PROJECT] + 1)}"
        lines.append(LastYearLine(unit, table, category, project, requested, approved, where))
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n……另有 {more} 处" if more else ""
        raise UsageError(
            f"上年分配方案“{name}”有 {len(problems)} 处无法导入，未导入任何内容：\n"
            + "\n".join(shown)
            + tail
        )
    if not lines:
        raise UsageError(f"上年分配方案“{name}”的“{sheet}”表中没有项目")
    title = _title(rows[: header.row])
    return LastYearPlan(title=title, year=0, lines=tuple(lines), controls=controls, source=name)


def _title(above: list[list[CellValue]]) -> str:
    """The plan's title from the rows above its header (the service writes "… · 分配方案")."""
    for line in above:
        text = canonical(line[0]) if line else ""
        if text and not text.startswith("单位："):
            return text.split(" · ")[0].strip()
    return ""
