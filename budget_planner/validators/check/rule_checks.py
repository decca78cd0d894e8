"""Applying the rules file (``rules``) to a table: each rule bound to the table's kind runs on each
project row, or on the 预算表; a rule with a condition runs where the condition holds (a field equal to
a text, or naming a programme once its place, year and 项目 are stripped)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from budget_planner.money import plain
from budget_planner.templates.spec import BUDGET
from budget_planner.text import canonical, compact
from budget_planner.validators.check.rules import Rule, RuleSet, load_rules
from budget_planner.validators.intake.grid import row_of
from budget_planner.validators.read.budget_period import period_months
from budget_planner.validators.read.model import Field, ParsedTable, TableRow
from budget_planner.validators.read.programmes import names_programme
from budget_planner.validators.report.codes import Severity
from budget_planner.validators.report.issues import Issue, issue


# ---------------------------------------------------------------- applying
def _records(table: ParsedTable) -> Iterator[tuple[Mapping[str, Field], TableRow | None]]:
    """(fields, row) of each record a rule runs on: the 预算表 (no row), or each project row."""
    if table.budget is not None:
        yield table.budget.fields, None
    else:
        for row in table.project_rows:
            yield _RowFields(row), row


class _RowFields(Mapping[str, Field]):
    """A row's cells as the fields a rule looks at, each made when looked at (a read row has no
    ``Field`` per cell)."""

    def __init__(self, row: TableRow) -> None:
        self.row = row

    def __getitem__(self, key: str) -> Field:
        row = self.row
        if not row.has(key):
            raise KeyError(key)
        return Field(row.raw(key), row.cell(key) or "", row.value(key))

    def __iter__(self) -> Iterator[str]:
        return iter(self.row.fields)

    def __len__(self) -> int:
        return len(self.row.fields)


def _amount(fields: Mapping[str, Field], key: str | None) -> Decimal | None:
    f = fields.get(key) if key else None
    return f.value if f is not None and isinstance(f.value, Decimal) else None


def _unreadable(fields: Mapping[str, Field], key: str | None) -> bool:
    f = fields.get(key) if key else None
    return f is not None and f.unreadable_amount


def _text(fields: Mapping[str, Field], key: str | None) -> str:
    f = fields.get(key) if key else None
    return canonical(f.value) if f is not None and f.value is not None else ""


def apply_rules(table: ParsedTable, ruleset: RuleSet | None = None) -> list[Issue]:
    """Every rule bound to the table's kind, on each project row (or on the 预算表)."""
    ruleset = ruleset or load_rules()
    issues: list[Issue] = []
    for rule in ruleset.for_table(table.table):
        for fields, row in _records(table):
            when = _when(rule, ruleset, fields)
            if when is None:
                continue
            issues.extend(_apply(rule, ruleset, table, fields, row, when))
    return issues


def _when(rule: Rule, ruleset: RuleSet, fields: Mapping[str, Field]) -> tuple[str, str] | None:
    """(the field compared, what it says) when a record meets the rule's condition, else None;
    ("", "") for a rule without one."""
    if not rule.when_fields:
        return "", ""
    key = next((k for k in rule.when_fields if _text(fields, k)), None)
    if key is None:
        return None
    text = _text(fields, key)
    if rule.when_programme is not None:
        programme = ruleset.programmes[rule.when_programme]
        return (key, programme.name) if names_programme(text, programme.names) else None
    return (key, text) if compact(text) in {compact(e) for e in rule.when_equals} else None


def _apply(
    rule: Rule,
    ruleset: RuleSet,
    table: ParsedTable,
    fields: Mapping[str, Field],
    row: TableRow | None,
    when: tuple[str, str],
) -> Iterator[Issue]:
    assert table.table is not None
    f = fields.get(rule.field)
    values: dict[str, Any] = {"label": ruleset.label(table.table, rule.field)}
    if f is None or not _text(fields, rule.field):
        if rule.kind == "max_period" and table.table == BUDGET:
            yield _missing(rule, table, values)
        if f is None:
            return
    if rule.base:
        values["base_label"] = ruleset.label(table.table, rule.base)
    code, severity, template = rule.code, rule.severity, rule.message
    if rule.kind == "max_period":
        text = _text(fields, rule.field)
        if not text:
            return
        values.update(value=text, max_months=rule.max_months)
        months = period_months(text)
        if months is None:
            code, severity = f"{rule.code}.unreadable", Severity.WARNING
            template = rule.unreadable_message or rule.message
            values["months"] = "?"
        else:
            if months <= (rule.max_months or 0):
                return
            values["months"] = months
    else:
        base = _amount(fields, rule.base)
        if base is None or _unreadable(fields, rule.field):
            return  # an amount that could not be read has its own error: one mistake, one error
        value = _amount(fields, rule.field) or Decimal(0)
        if rule.kind == "min_ratio":
            expected = (rule.ratio or Decimal(0)) * base
            if value >= expected:
                return
            when_label = ruleset.label(table.table, when[0]) if when[0] else ""
            values.update(ratio=plain(rule.ratio), when=when[1], when_label=when_label)
        else:
            tier = next(
                (t for t in rule.tiers if t.low <= base and (t.high is None or base < t.high)), None
            )
            expected = tier.value if tier else Decimal(0)
            if value == expected:
                return
        values.update(value=plain(value), base=plain(base), expected=plain(expected))
    yield issue(
        code,
        sheet=table.sheet_of(row, None if row else rule.field),
        cell=f.cell,
        row=row_of(f.cell),
        column=str(values["label"]),
        value=str(values.pop("value")),
        severity=severity,
        template=template,
        **values,
    )


def _missing(rule: Rule, table: ParsedTable, values: dict[str, Any]) -> Issue:
    """rule.<name>.unreadable when the field a period rule needs is not on the 预算表 at all."""
    values = {**values, "months": "?", "max_months": rule.max_months}
    template = rule.missing_message or rule.unreadable_message or rule.message
    return issue(
        f"{rule.code}.unreadable",
        sheet=table.sheet,
        column=str(values["label"]),
        severity=Severity.WARNING,
        template=template,
        **values,
    )
