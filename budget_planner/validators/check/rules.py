"""The rules file (rules.toml): rules from the year's guides, each bound to a table, a condition and
fields, and the programmes they name. Loaded and checked once here; applied by ``rule_checks``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import cast

from budget_planner.errors import ConfigError
from budget_planner.money import plain
from budget_planner.templates.spec import BUDGET, Column, Specs, load_specs
from budget_planner.text import canonical
from budget_planner.validators.check.budget_checks import short_label
from budget_planner.validators.read.budget_period import months_spanned, parse_period
from budget_planner.validators.report.codes import Severity

__all__ = ["KINDS", "Programme", "Rule", "RuleSet", "Tier", "load_rules", "parse_rules"]
__all__ += ["months_spanned", "parse_period"]  # the period's reading, in budget_period

KINDS = ("min_ratio", "max_period", "tier")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_KEYS = frozenset(
    {"name", "kind", "table", "severity", "when", "field", "base", "ratio", "max_months", "tiers"}
    | {"message", "unreadable_message", "missing_message", "source"}
)
_WHEN_KEYS = frozenset({"field", "fields", "equals", "programme"})
_PLACEHOLDERS = {
    "min_ratio": (
        "label",
        "value",
        "base_label",
        "base",
        "ratio",
        "expected",
        "when",
        "when_label",
    ),
    "max_period": ("label", "value", "months", "max_months"),
    "tier": ("label", "value", "base_label", "base", "expected"),
}


@dataclass(frozen=True)
class Tier:
    low: Decimal
    high: Decimal | None  # None: no upper bound
    value: Decimal


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    table: str
    field: str
    message: str
    severity: Severity = Severity.ERROR
    when_fields: tuple[str, ...] = ()  # the first of them that is filled in is compared
    when_equals: tuple[str, ...] = ()
    when_programme: str | None = None  # …or must name this programme
    base: str | None = None
    ratio: Decimal | None = None
    max_months: int | None = None
    unreadable_message: str = ""
    missing_message: str = ""
    tiers: tuple[Tier, ...] = ()

    @property
    def code(self) -> str:
        return f"rule.{self.name}"


@dataclass(frozen=True)
class Programme:
    """A programme of the year's guides, by its name and the other names it goes by."""

    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    specs: Specs
    programmes: dict[str, Programme] = field(default_factory=dict)

    def for_table(self, table: str | None) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.table == table)

    def column(self, table: str, key: str) -> Column:
        if table == BUDGET:
            assert self.specs.budget is not None
            return self.specs.budget.field(key)
        return self.specs.table(table).column(key)

    def label(self, table: str, key: str) -> str:
        col = self.column(table, key)
        return short_label(col) if table == BUDGET else col.label


# ---------------------------------------------------------------- loading and checking the file
def _decimal(raw: object, what: str) -> Decimal:
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise ConfigError(f"{what}“{raw}”不是数字") from None


def _tiers(raw: object, where: str) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}：tier 规则须给出 tiers（各档的 from、to、value）")
    tiers = []
    for item in raw:
        low = _decimal(item.get("from"), f"{where} 档次下限")
        high = _decimal(item["to"], f"{where} 档次上限") if "to" in item else None
        tiers.append(Tier(low, high, _decimal(item.get("value"), f"{where} 档次金额")))
    tiers.sort(key=lambda t: t.low)
    for a, b in pairwise(tiers):
        if a.high is None or a.high > b.low:
            raise ConfigError(f"{where}：档次 {plain(a.low)}–{plain(a.high)} 与下一档重叠")
    return tuple(tiers)


def _programmes(raw: object) -> dict[str, Programme]:
    found: dict[str, Programme] = {}
    for item in cast(Iterable[dict], raw or ()):
        name = canonical(item.get("name", ""))
        if not name:
            raise ConfigError("项目类别（[[programmes]]）须给出 name")
        aliases = tuple(canonical(a) for a in item.get("aliases", ()))
        found[name] = Programme(name, aliases)
    return found


def _rule(raw: dict, specs: Specs, seen: set[str], programmes: dict[str, Programme]) -> Rule:
    name = raw.get("name", "")
    where = f"规则“{name or '（未命名）'}”"
    if not _NAME.fullmatch(str(name)):
        raise ConfigError(f"{where}：name 须为小写英文字母、数字和下划线")
    if name in seen:
        raise ConfigError(f"{where}：name 重复")
    seen.add(name)
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}：未知的规则类型“{kind}”，应为：{'、'.join(KINDS)}")
    table = raw.get("table")
    if table != BUDGET and table not in specs.tables:
        raise ConfigError(f"{where}：未知的表“{table}”")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}：未知的设置项 {'、'.join(unknown)}")
    if raw.get("severity", "error") not in (Severity.ERROR, Severity.WARNING):
        raise ConfigError(f"{where}：severity 应为 error 或 warning")
    when = raw.get("when") or {}
    if set(when) - _WHEN_KEYS:
        raise ConfigError(f"{where}：when 的未知设置项 {'、'.join(sorted(set(when) - _WHEN_KEYS))}")
    equals = when.get("equals", ())
    fields = when.get("fields") or ([when["field"]] if when.get("field") else [])
    programme = when.get("programme")
    if programme is not None and programme not in programmes:
        raise ConfigError(f"{where}：未知的项目类别“{programme}”（须先在 [[programmes]] 中列出）")
    if when and not fields:
        raise ConfigError(f"{where}：when 须给出 field 或 fields")
    rule = Rule(
        name=name,
        kind=kind,
        table=table,
        field=raw.get("field", ""),
        message=raw.get("message", ""),
        severity=Severity(raw.get("severity", "error")),
        when_fields=tuple(fields),
        when_equals=tuple(canonical(e) for e in ([equals] if isinstance(equals, str) else equals)),
        when_programme=programme,
        base=raw.get("base"),
        ratio=_decimal(raw["ratio"], f"{where} ratio") if "ratio" in raw else None,
        max_months=int(raw["max_months"]) if "max_months" in raw else None,
        unreadable_message=raw.get("unreadable_message", ""),
        missing_message=raw.get("missing_message", ""),
        tiers=_tiers(raw.get("tiers"), where) if kind == "tier" else (),
    )
    if not rule.field or (kind != "max_period" and not rule.base):
        raise ConfigError(f"{where}：缺少字段（field，及 {kind} 规则的 base）")
    for key in filter(None, (rule.field, rule.base, *rule.when_fields)):
        try:
            RuleSet((), specs).column(table, key)
        except KeyError:
            raise ConfigError(f"{where}：{table}没有字段“{key}”") from None
    if kind == "min_ratio" and rule.ratio is None:
        raise ConfigError(f"{where}：min_ratio 规则须给出 ratio")
    if kind == "max_period" and not rule.max_months:
        raise ConfigError(f"{where}：max_period 规则须给出 max_months")
    for template in (rule.message, rule.unreadable_message, rule.missing_message):
        try:
            template.format_map(dict.fromkeys(_PLACEHOLDERS[kind], ""))
        except (KeyError, ValueError, IndexError) as exc:
            raise ConfigError(f"{where}：提示文字中的占位符有误（{exc}）") from None
    if not rule.message:
        raise ConfigError(f"{where}：缺少提示文字 message")
    return rule


def parse_rules(data: Mapping, specs: Specs | None = None) -> RuleSet:
    """A RuleSet from the rules file's data; ConfigError (in Chinese) on anything unknown."""
    specs = specs or load_specs()
    seen: set[str] = set()
    try:
        programmes = _programmes(data.get("programmes"))
        rules = tuple(_rule(dict(raw), specs, seen, programmes) for raw in data.get("rules", ()))
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ConfigError(f"规则文件格式有误：{exc}") from None
    return RuleSet(rules, specs, programmes)


@cache
def load_rules(path: str | Path | None = None) -> RuleSet:
    """The shipped rules file (or another), parsed and checked once per process."""
    if path is None:
        text = (
            resources.files("budget_planner.validators.check")
            .joinpath("rules.toml")
            .read_text("utf-8")
        )
        name = "rules.toml"
    else:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"找不到规则文件：{path}")
        text, name = p.read_text("utf-8"), p.name
    try:
        return parse_rules(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"规则文件 {name} 不是有效的 TOML：{exc}") from None
