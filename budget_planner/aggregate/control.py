"""The control-number file (控制数, docs/contracts.md): one amount per unit, read and checked like any input.

Columns 单位 and 控制数 as ``templates/tables.toml`` [control] names them (with aliases); title rows
above the header are allowed; an optional 合计 row is checked against the units' sum. An .xlsx goes
through the extraction worker like every upload; a CSV is read with the standard library in UTF-8,
UTF-8 with BOM or GB18030.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from budget_planner.money import plain
from budget_planner.templates.round import Round
from budget_planner.templates.spec import ControlSpec, control_spec
from budget_planner.text import canonical, compact
from budget_planner.validators.check.pipeline import Parse
from budget_planner.validators.intake.grid import CellValue, a1
from budget_planner.validators.read.amounts import UNREADABLE, parse_amount
from budget_planner.validators.report.issues import Issue, Report, issue, unreadable

HEADER_SEARCH_ROWS = 30
_BOM = b"\xef\xbb\xbf"


@dataclass
class ControlNumbers:
    """Control numbers by unit short name, in 万元, with where each was read and what was wrong."""

    file: str
    amounts: dict[str, Decimal] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    stated_total: Decimal | None = None
    report: Report = field(default_factory=lambda: Report(file=""))

    def get(self, unit: str) -> Decimal | None:
        return self.amounts.get(unit)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))

    @property
    def ok(self) -> bool:
        return self.report.ok


def _decode_csv(data: bytes, name: str) -> str:
    if data.startswith(_BOM):
        return data[len(_BOM) :].decode("utf-8")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unreadable("file.not_spreadsheet", "csv_encoding", name=name)


def _csv_rows(data: bytes, name: str) -> list[list[CellValue]]:
    text = _decode_csv(data, name)
    if not text.strip():
        raise unreadable("file.empty", "no_text", name=name)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",\t;，")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def is_csv(name: str) -> bool:
    return PurePath(name).suffix.lower() in (".csv", ".txt")


def _sheets(data: bytes, name: str, parse: Parse | None) -> list[tuple[str, list[list[CellValue]]]]:
    """(sheet name, rows) of every visible sheet; a CSV is one sheet named after the file."""
    if is_csv(name):
        return [(PurePath(name).stem, _csv_rows(data, name))]
    if parse is None:  # the container gate, then the guarded parse worker, as for every upload
        from budget_planner.validators.intake.worker import parse_workbook

        parse = parse_workbook
    grid = parse(data, name)
    return [(s.name, s.values) for s in grid.sheets if s.visibility == "visible"]


def _find_header(rows: list[list[CellValue]], spec: ControlSpec) -> tuple[int, int, int] | None:
    """(0-based header row, unit column, amount column) of the first row naming both columns."""
    unit_keys, amount_keys = set(spec.unit.match_keys), set(spec.amount.match_keys)
    for r, line in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [compact(v) if isinstance(v, str) else "" for v in line]
        unit_col = next((c for c, t in enumerate(texts) if t in unit_keys), None)
        amount_col = next((c for c, t in enumerate(texts) if t in amount_keys), None)
        if unit_col is not None and amount_col is not None:
            return r, unit_col, amount_col
    return None


def _cell(line: list[CellValue], col: int) -> CellValue:
    return line[col] if col < len(line) else None


def _is_total_label(text: str, spec: ControlSpec) -> bool:
    return any(text.startswith(compact(label)) for label in spec.total_labels)


def read_control(
    data: bytes, name: str, round_: Round, *, parse: Parse | None = None
) -> ControlNumbers:
    """Read a control-number file (.xlsx or .csv). Raises UnreadableFile when it cannot be read.

    ``parse`` turns workbook bytes into a grid: by default the guarded parse worker."""
    spec = control_spec()
    sheets = _sheets(data, name, parse)
    for sheet, rows in sheets:
        found = _find_header(rows, spec)
        if found is not None:
            return _read_rows(name, sheet, rows, found, spec, round_)
    control = ControlNumbers(file=name)
    control.report = Report(file=name, table=spec.title, sheet=sheets[0][0] if sheets else None)
    wanted = "、".join(f"“{c.label}”" for c in (spec.unit, spec.amount))
    aliases = "、".join(spec.amount.aliases)
    control.report.add(
        [
            issue(
                "header.missing",
                "control_file",
                sheet=control.report.sheet,
                wanted=wanted,
                aliases=aliases,
            )
        ]
    )
    return control


def _read_rows(
    name: str,
    sheet: str,
    rows: list[list[CellValue]],
    found: tuple[int, int, int],
    spec: ControlSpec,
    round_: Round,
) -> ControlNumbers:
    header, unit_col, amount_col = found
    text_only = is_csv(name)  # a CSV holds only text: "50" there is simply a number
    control = ControlNumbers(file=name)
    report = Report(file=name, table=spec.title, sheet=sheet)
    issues: list[Issue] = []
    amount_label = canonical(_cell(rows[header], amount_col))

    def add(
        code: str, case: str | None, row: int, col: int, column: str, value: object, **fields
    ) -> None:
        issues.append(
            issue(
                code,
                case,
                sheet=sheet,
                cell=a1(row, col + 1),
                row=row,
                column=column,
                value=None if value is None else canonical(value),
                **fields,
            )
        )

    for r in range(header + 1, len(rows)):
        line, excel_row = rows[r], r + 1
        unit_raw, amount_raw = _cell(line, unit_col), _cell(line, amount_col)
        unit_text = compact(unit_raw)
        parsed = parse_amount(amount_raw, numbers_are_text=text_only)
        amount_blank = parsed.value is None and parsed.issue is None
        if not unit_text and amount_blank:
            continue
        if unit_text and _is_total_label(unit_text, spec):
            control.stated_total = parsed.value
            report.stated_total = parsed.value
            control.cells["合计"] = a1(excel_row, amount_col + 1)
            continue
        unit = round_.unit(unit_text) if unit_text else None
        if unit is None and unit_text and amount_blank:
            continue  # a note or footer line (注：…, 填表人：…)
        if parsed.issue in UNREADABLE:
            add(
                parsed.issue,
                parsed.case,
                excel_row,
                amount_col,
                amount_label,
                amount_raw,
                label="控制数",
                raw=parsed.raw,
                changes=parsed.changes,
            )
            continue
        if parsed.issue:
            add(
                parsed.issue,
                parsed.case,
                excel_row,
                amount_col,
                amount_label,
                amount_raw,
                label="控制数",
                raw=parsed.raw,
                changes=parsed.changes,
            )
        if not unit_text:
            add(
                "required.missing",
                "control_unit",
                excel_row,
                unit_col,
                spec.unit.label,
                None,
                amount=plain(parsed.value),
            )
            continue
        if unit is None:
            add(
                "control.unit_unknown",
                None,
                excel_row,
                unit_col,
                spec.unit.label,
                unit_raw,
                name=canonical(unit_raw),
                unit_kind=round_.unit_kind,
            )
            continue
        if parsed.value is None:
            add(
                "required.missing",
                "control_amount",
                excel_row,
                amount_col,
                amount_label,
                None,
                unit=unit.short_name,
            )
            continue
        if parsed.value < 0:
            add(
                "amount.negative",
                None,
                excel_row,
                amount_col,
                amount_label,
                amount_raw,
                label=f"{unit.short_name}的控制数",
            )
            continue
        if unit.short_name in control.amounts:
            add(
                "control.duplicate",
                None,
                excel_row,
                unit_col,
                spec.unit.label,
                unit_raw,
                unit=unit.short_name,
                earlier=control.cells[unit.short_name],
                amount=plain(control.amounts[unit.short_name]),
            )
            continue
        control.amounts[unit.short_name] = parsed.value
        control.cells[unit.short_name] = a1(excel_row, amount_col + 1)

    if control.stated_total is not None and control.stated_total != control.total:
        cell = control.cells["合计"]
        issues.append(
            issue(
                "total.mismatch",
                "control_file",
                sheet=sheet,
                cell=cell,
                row=int("".join(ch for ch in cell if ch.isdigit())),
                column=amount_label,
                value=plain(control.stated_total),
                stated=plain(control.stated_total),
                summed=plain(control.total),
            )
        )
    absent = [u.short_name for u in round_.units if u.short_name not in control.amounts]
    if absent:
        issues.append(
            issue(
                "control.unit_missing",
                sheet=sheet,
                unit_kind=round_.unit_kind,
                units="、".join(absent),
            )
        )
    # order by unit as the round lists them
    order = {u.short_name: i for i, u in enumerate(round_.units)}
    control.amounts = dict(sorted(control.amounts.items(), key=lambda kv: order[kv[0]]))
    report.rows = len(control.amounts)
    report.total = control.total
    report.add(issues)
    control.report = report
    return control
