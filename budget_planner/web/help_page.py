"""The 帮助 page, generated from the data the checks themselves run on, so it never disagrees with
them: how to fill each table (``templates/tables.toml``: every column, required or not, its help
text, the 类型 list), what is checked (the issue codes' titles and severities, ``validators/report/
codes.py``, and the rules of ``validators/check/rules.toml``), and whom to call in the round.

Open to everyone, before sign-in too (a unit that cannot sign in still reads how to fill); the
round's contacts are shown to signed-in members of that round only.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from budget_planner.templates.round import Round
from budget_planner.templates.spec import Column, ColumnKind, load_specs
from budget_planner.validators.check.rules import Rule, RuleSet, load_rules
from budget_planner.validators.report.codes import CODES
from budget_planner.web import rounds
from budget_planner.web.access import here

bp = Blueprint("help_page", __name__)

KIND_WORDS = {
    ColumnKind.SERIAL: "序号，可不填",
    ColumnKind.CATEGORY: "从下拉列表选择",
    ColumnKind.TEXT: "文字",
    ColumnKind.AMOUNT: "金额（万元）",
    ColumnKind.COUNT_AMOUNT: "如“3个×20万元”",
    ColumnKind.PERIOD: "起止年月",
}
# what the checks are about, by the first part of their code (in this order on the page)
AREAS = {
    "file": "文件能否读取",
    "sheet": "文件能否读取",
    "table": "是哪一张表",
    "header": "是哪一张表",
    "unit": "填报单位",
    "required": "每一行的内容",
    "category": "每一行的内容",
    "text": "每一行的内容",
    "row": "每一行的内容",
    "project": "每一行的内容",
    "policy_basis": "每一行的内容",
    "cell": "每一行的内容",
    "formula": "每一行的内容",
    "amount": "金额",
    "count_amount": "金额",
    "total": "合计",
    "budget": "预算表",
    "control": "控制数文件（财务）",
}


@dataclass(frozen=True)
class Check:
    title: str
    severity: str  # 错误 / 提醒


@dataclass(frozen=True)
class RuleLine:
    table: str
    severity: str
    text: str


class _Blank(dict):
    """A message template's placeholders read as words (the rule's own labels where known)."""

    def __missing__(self, key: str) -> str:
        return "…"


def checks_by_area() -> dict[str, list[Check]]:
    found: dict[str, list[Check]] = {area: [] for area in dict.fromkeys(AREAS.values())}
    for code, meant in CODES.items():
        area = AREAS.get(code.split(".", 1)[0], "其他")
        found.setdefault(area, []).append(Check(meant.title, meant.severity.label))
    return {area: checks for area, checks in found.items() if checks}


def rule_text(rule: Rule, ruleset: RuleSet) -> str:
    words: dict[str, Any] = _Blank(label=ruleset.label(rule.table, rule.field))
    if rule.base:
        words["base_label"] = ruleset.label(rule.table, rule.base)
    if rule.ratio is not None:
        words["ratio"] = rule.ratio
    if rule.max_months is not None:
        words["max_months"] = rule.max_months
    if rule.when_programme:
        words["when"] = rule.when_programme
    words["value"] = "所填"
    return string.Formatter().vformat(rule.message, (), words)


def rule_lines() -> list[RuleLine]:
    ruleset = load_rules()
    return [RuleLine(r.table, r.severity.label, rule_text(r, ruleset)) for r in ruleset.rules]


def column_note(column: Column) -> str:
    return column.help or KIND_WORDS.get(column.kind, "")


def contacts(config: Round) -> dict[str, Any]:
    """Whom to call: the collecting office (its contact where the round gives one), and for the
    collecting office's own people, each member unit's contact."""
    collector = config.collector
    return {
        "office": collector.full_name or collector.short_name,
        "person": getattr(collector, "contact", ""),
        "phone": getattr(collector, "phone", ""),
        "units": [u for u in config.units if u.contact or u.phone],
    }


@bp.route("/help")
def index():
    specs = load_specs()
    stored, config, me = None, None, None
    if current_user.is_authenticated:
        stored = rounds.current()
        if stored is not None:
            _stored, config = rounds.required()
            me = here()
    tables: Mapping[str, Any] = specs.tables
    return render_template(
        "help/index.html",
        tables=tables,
        budget=specs.budget,
        checks=checks_by_area(),
        rules=rule_lines(),
        column_note=column_note,
        stored=stored,
        config=config,
        contacts=contacts(config) if config is not None else None,
        collecting=bool(me and (me.reviewer or me.finance)),
    )
