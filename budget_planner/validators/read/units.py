"""Which unit filed a table (docs/contracts.md): metadata, else the 填报单位 line, else the file name, else --unit.

The unit is the round's short name. Metadata and 填报单位 disagreeing is an error (``unit.conflict``); a
file name naming another unit is a warning with the same code; a 填报单位 line naming no unit of the
round is ``unit.unknown``; a file whose unit cannot be told at all has none. When the caller says which
unit it expects (``--unit``, the uploader's account) and the file names another, that is an error too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from budget_planner.templates.round import Round, Unit
from budget_planner.text import compact
from budget_planner.validators.intake.grid import SheetGrid, a1
from budget_planner.validators.report.codes import Severity
from budget_planner.validators.report.issues import Issue, issue

UNIT_LABEL = "填报单位"
# what else heads the unit's line above a table (申报单位 is not one: in a 申报书 it is the applicant)
LINE_LABELS = (UNIT_LABEL, "报送单位", "单位名称")
# after the label: an optional (盖章) and a colon; then the name, up to the next label on the line
_AFTER_LABEL = re.compile(r"^(\((盖|公|签)?章\))?:?")
_NEXT_LABEL = re.compile(
    r"(金额)?单位:|(填报|填表)?日期|填表人|填报人|联系人|联系电话|电话|审核人|负责人|\(盖章\)|\(公章\)"
    # a date written after it (填报单位（盖章）：      2024年4月20日), or its blank 年 月 日
    r"|[0-9]{4}年|[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|年月日"
)
_BLANKS = re.compile(r"_+")
_BRACKETED = re.compile(r"\(([^()]*)\)")  # on compact text: （…） is (…) after NFKC
# a unit's legal form around its name (bare_name): the organ after it, a development zone's rank
_ORGAN = re.compile(r"(管理委员会|管委会|人民政府|办公室)$")
_ZONE_RANK = re.compile(r"国家级?(?=(高新|经济技术|经济开发|经开|综合保税|农业科技|自主创新))")


@dataclass(frozen=True)
class UnitLine:
    """A 填报单位 line as found: the name written after the label (may be empty) and where."""

    name: str
    cell: str | None
    sheet: str | None = None
    labelled: bool = (
        True  # the label had its colon: a name after it that matches no unit is an error
    )


def _line_name(text: str) -> tuple[str, bool] | None:
    """(the name after a 填报单位 label, whether the label had a colon); None: no label here."""
    head = compact(text[:80])
    label = next((x for x in LINE_LABELS if x in text or x in head), None)
    if label is None:
        return None
    flat = compact(text)
    at = flat.find(label)
    if at < 0:
        return None
    rest = flat[at + len(label) :]
    after = _AFTER_LABEL.match(rest)
    labelled = bool(after and after.group())
    if at > 0 and not labelled:
        return None  # 填报单位 inside a sentence, not a label
    return _name(rest[after.end() if after else 0 :]), labelled


def find_unit_line(sheet: SheetGrid, rows: Iterable[int]) -> UnitLine | None:
    """The first 填报单位 line in the given rows (the name in the same cell or the next one)."""
    for r in rows:
        line = sheet.values[r - 1] if 1 <= r <= sheet.height else []
        for c, value in enumerate(line, 1):
            if not isinstance(value, str):
                continue
            found = _line_name(value)
            if found is None:
                continue
            name, labelled = found
            where = c
            if not name:
                where, text = next(
                    (
                        (i, v)
                        for i, v in enumerate(line[c:], c + 1)
                        if isinstance(v, str) and v.strip()
                    ),
                    (c, ""),
                )
                name = _name(compact(text))
                if _line_name(name) is not None or name.startswith("单位"):
                    name, where = "", c
            return UnitLine(name, a1(r, where), sheet.name, labelled)
    return None


def find_unit_in_preamble(paragraphs: Iterable[str]) -> UnitLine | None:
    """A Word table's 填报单位 paragraph (no cell to point at)."""
    for text in paragraphs:
        found = _line_name(text)
        if found is not None:
            return UnitLine(found[0], None, None, found[1])
    return None


def _name(rest: str) -> str:
    cut = _NEXT_LABEL.search(rest)
    if cut:
        rest = rest[: cut.start()]
    return _BLANKS.sub("", rest).strip(":,;")


def bare_name(name: object) -> str:
    """A unit's name as compared when its legal form is written out: the organ after it
    (管理委员会, 人民政府 …) and a development zone's rank (国家, 国家级) taken out —
    衡阳国家高新技术产业开发区管理委员会 is the park the round knows as 衡阳高新技术产业开发区."""
    text = compact(name)
    bare = _ZONE_RANK.sub("", _ORGAN.sub("", text))
    return bare if len(bare) >= 2 else text


def _bare_unit(round_: Round, part: str) -> Unit | None:
    bare = bare_name(part)
    for unit in round_.units:
        if any(bare_name(n) == bare for n in unit.names):
            return unit
    return None


def unit_named(round_: Round, name: str) -> Unit | None:
    """The unit a written name stands for. A name with a bracketed sub-office
    (…管理委员会（…高新分局）) is matched on the whole name, then the part outside the brackets,
    then the part inside: each exactly first, then in its bare form (``bare_name``), then as a name
    held inside it."""
    exact = round_.unit(name)
    if exact is not None:
        return exact
    text = compact(name)
    inside = [p for p in _BRACKETED.findall(text) if p]
    parts = [p for p in (_BRACKETED.sub("", text), *inside) if p] if inside else [text]
    for part in parts:
        unit = round_.unit(part)
        if unit is not None:
            return unit
    for part in parts:
        unit = _bare_unit(round_, part)
        if unit is not None:
            return unit
    if not inside:
        return round_.find_unit_in(text)
    for part in parts:
        unit = round_.find_unit_in(part)
        if unit is not None:
            return unit
    return round_.find_unit_in(text)


@dataclass
class UnitResult:
    unit: str | None
    issues: list[Issue] = field(default_factory=list)


def resolve_unit(
    round_: Round,
    *,
    meta: dict[str, str] | None,
    line: UnitLine | None,
    file_name: str,
    expected: str | None,
    sheet: str | None,
) -> UnitResult:
    """The unit of one table, with what disagreed."""
    issues: list[Issue] = []
    meta_unit: Unit | None = None
    if meta:
        meta_unit = round_.unit(meta.get("unit", "")) or round_.unit(meta.get("unit_full_name", ""))
    line_unit: Unit | None = None
    if line is not None and line.name:
        line_unit = unit_named(round_, line.name)
        if line_unit is None and line.labelled:
            issues.append(
                issue(
                    "unit.unknown",
                    sheet=sheet,
                    cell=line.cell,
                    row=_row(line.cell),
                    value=line.name,
                    name=line.name,
                    unit_kind=round_.unit_kind,
                )
            )
    file_unit = round_.find_unit_in(PurePath(file_name).stem) if file_name else None
    expected_unit = round_.unit(expected) if expected else None
    # the sheet named after the unit (a sheet 韶关 in 2024年需求征集表（四）.xlsx): the last the file says
    sheet_unit = round_.find_unit_in(sheet) if sheet else None

    unit = meta_unit or line_unit or file_unit or sheet_unit or expected_unit
    if unit is None and not issues:
        issues.append(issue("unit.unknown", "none", sheet=sheet, severity=Severity.WARNING))
    if meta_unit and line_unit and meta_unit != line_unit:
        issues.append(
            issue(
                "unit.conflict",
                sheet=sheet,
                cell=line.cell if line else None,
                row=_row(line.cell if line else None),
                value=line.name if line else None,
                written=line_unit.short_name,
                issued_to=meta_unit.short_name,
            )
        )
    if unit and file_unit and file_unit != unit:
        issues.append(
            issue(
                "unit.conflict",
                "file_name",
                sheet=sheet,
                value=PurePath(file_name).name,
                severity=Severity.WARNING,
                file_unit=file_unit.short_name,
                unit=unit.short_name,
            )
        )
    told = meta_unit or line_unit
    if expected_unit and told and told != expected_unit:
        issues.append(
            issue(
                "unit.conflict",
                "expected",
                sheet=sheet,
                cell=line.cell if line and line_unit is told else None,
                row=_row(line.cell) if line and line_unit is told else None,
                value=told.short_name,
                told=told.short_name,
                expected=expected_unit.short_name,
            )
        )
    return UnitResult(unit.short_name if unit else None, issues)


def _row(cell: str | None) -> int | None:
    if not cell:
        return None
    digits = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits) if digits.isdigit() else None
