"""The round as data: year, deadline, its collecting unit, units with their names and contacts, tables
owed, 表四 presets."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from budget_planner.errors import ConfigError
from budget_planner.templates.spec import ALL_TABLES, load_specs
from budget_planner.text import canonical, compact

BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")
DEFAULT_ROUND = "guangdong-2024"
PLACEHOLDER = re.compile(r"各(地市|县区)根据工作内容拟设置的项目\d+|可加行")


def is_placeholder(text: object) -> bool:
    """A template's fill-in prompt (各地市根据工作内容拟设置的项目1, …可加行…), not a project."""
    return bool(PLACEHOLDER.search(compact(text)))


@dataclass(frozen=True)
class Unit:
    """A reporting unit; names are kept as written (matching compares them with ``compact``)."""

    short_name: str
    full_name: str
    aliases: tuple[str, ...] = ()
    contact: str = ""
    phone: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.short_name, self.full_name, *self.aliases)


@dataclass(frozen=True)
class Collector:
    """The unit that collects the round (its place in the lasting unit tree: docs/units-and-rounds.md).

    ``parent`` names the unit above it (its short name), empty for the top of the tree;
    ``parent_full_name`` is used when that unit is not in the tree yet."""

    short_name: str
    full_name: str
    parent: str = ""
    parent_full_name: str = ""
    contact: str = ""  # who answers the units' questions at the collecting office
    phone: str = ""

    @property
    def reach(self) -> str:
        """联系人：王芳，电话：020-87000000 ("" when the round names nobody)."""
        parts = [
            f"联系人：{self.contact}" if self.contact else "",
            f"电话：{self.phone}" if self.phone else "",
        ]
        return "，".join(p for p in parts if p)

    @property
    def office(self) -> str:
        """How its members name it in a sentence: 省局, 市局, 县局, 区局 (else 征集单位)."""
        last = self.short_name[-1:] if self.short_name else ""
        return f"{last}局" if last in OFFICE_PLACES else "征集单位"


OFFICE_PLACES = frozenset("省市县区州")
PLACE = re.compile(r"^(.+?(?:自治区|省|自治州|市|州|盟|自治县|县|旗|区))")


def place_name(issuer: str) -> str:
    """The place an issuing office is named after (广东省市场监督管理局 → 广东省): the collector's
    short name when a round file does not give one."""
    found = PLACE.match(canonical(issuer))
    return found.group(1) if found else canonical(issuer)


@dataclass(frozen=True)
class Preset:
    """One pre-filled row of 表四: a standard project, or a placeholder row to fill."""

    category: str
    values: dict[str, str]

    @property
    def project(self) -> str:
        return self.values.get("project", "")

    @property
    def placeholder(self) -> bool:
        return is_placeholder(self.project) or is_placeholder(self.values.get("work_content", ""))


@dataclass(frozen=True)
class Requirement:
    required: tuple[str, ...]
    optional: tuple[str, ...]


@dataclass(frozen=True)
class Round:
    id: str
    year: int
    title: str
    issuer: str
    deadline: dt.date
    unit_kind: str
    units: tuple[Unit, ...]
    requirements: dict[str, Requirement]
    groups: dict[str, tuple[str, ...]]
    presets: dict[str, tuple[Preset, ...]] = field(default_factory=dict)
    collector: Collector = Collector("", "")
    code: str = ""  # the short code that starts every 回执编号 (e.g. GD2024)

    @property
    def deadline_end(self) -> dt.datetime:
        """The deadline means the end of that day, Beijing time."""
        return dt.datetime.combine(self.deadline, dt.time(23, 59, 59), BEIJING)

    def unit(self, name: object) -> Unit | None:
        """The unit a short name, full name or alias stands for (canonical, whitespace ignored)."""
        return self._name_index().get(compact(name))

    def find_unit_in(self, text: object) -> Unit | None:
        """The unit named somewhere inside free text (a 填报单位 line, a file name), longest name first."""
        haystack = compact(text)
        if not haystack:
            return None
        exact = self.unit(haystack)
        if exact:
            return exact
        for name, unit in self._names_longest_first():
            if name and name in haystack:
                return unit
        return None

    def requirement(self, unit: Unit | str) -> Requirement:
        short = unit if isinstance(unit, str) else unit.short_name
        for group, members in self.groups.items():
            if short in members:
                return self.requirements[group]
        return self.requirements["default"]

    def required_tables(self, unit: Unit | str) -> tuple[str, ...]:
        return self.requirement(unit).required

    def presets_for(self, table_id: str) -> tuple[Preset, ...]:
        return self.presets.get(table_id, ())

    @cache  # noqa: B019 - rounds are immutable and few
    def _name_index(self) -> dict[str, Unit]:
        index: dict[str, Unit] = {}
        for unit in self.units:
            for name in unit.names:
                index.setdefault(compact(name), unit)
        return index

    @cache  # noqa: B019
    def _names_longest_first(self) -> list[tuple[str, Unit]]:
        return sorted(self._name_index().items(), key=lambda item: -len(item[0]))

    def __hash__(self) -> int:
        return hash(self.id)


def _requirements(raw: dict) -> tuple[dict[str, Requirement], dict[str, tuple[str, ...]]]:
    requirements, groups = {}, {}
    for name, item in raw.items():
        for table in (*item.get("required", ()), *item.get("optional", ())):
            if table not in ALL_TABLES:
                raise ConfigError(
                    f"轮次配置中的表名“{table}”无法识别，应为：{'、'.join(ALL_TABLES)}"
                )
        requirements[name] = Requirement(
            tuple(item.get("required", ())), tuple(item.get("optional", ()))
        )
        if name != "default":
            groups[name] = tuple(item.get("units", ()))
    if "default" not in requirements:
        raise ConfigError("轮次配置缺少 [requirements.default]（各单位默认须报送的表）")
    return requirements, groups


def _presets(raw: dict) -> dict[str, tuple[Preset, ...]]:
    specs = load_specs()
    presets = {}
    for table_id, rows in raw.items():
        spec = specs.table(table_id)
        items = []
        for row in rows:
            category = spec.is_category(row.get("category", ""))
            if category is None:
                raise ConfigError(
                    f"预设项目的类型“{row.get('category')}”不在{table_id}的类型列表中"
                )
            values = {k: canonical(v) for k, v in row.items() if k != "category"}
            items.append(Preset(category=category, values=values))
        presets[table_id] = tuple(items)
    return presets


def _collector(data: dict) -> Collector:
    """``[collector]`` (short_name, full_name, parent, parent_full_name); without it, the unit
    the issuer names (the issuer is its full name)."""
    raw = data.get("collector", {})
    issuer = str(data.get("issuer", "")).strip() or str(data["title"]).strip()
    full = str(raw.get("full_name", "")).strip() or issuer
    short = str(raw.get("short_name", "")).strip() or place_name(full)
    return Collector(
        short_name=short,
        full_name=full,
        parent=str(raw.get("parent", "")).strip(),
        parent_full_name=str(raw.get("parent_full_name", "")).strip(),
        contact=str(raw.get("contact", "")).strip(),
        phone=str(raw.get("phone", "")).strip(),
    )


def parse_round(data: dict) -> Round:
    try:
        units = tuple(
            Unit(
                short_name=u["short_name"].strip(),
                full_name=u["full_name"].strip(),
                aliases=tuple(a.strip() for a in u.get("aliases", ())),
                contact=u.get("contact", ""),
                phone=str(u.get("phone", "")),
            )
            for u in data["units"]
        )
        requirements, groups = _requirements(data["requirements"])
        deadline = data["deadline"]
        if isinstance(deadline, str):
            deadline = dt.date.fromisoformat(deadline)
        collector = _collector(data)
        if any(u.short_name == collector.short_name for u in units):
            raise ConfigError(f"征集单位“{collector.short_name}”不能同时是本轮次的报送单位")
        return Round(
            id=data["id"],
            year=int(data["year"]),
            title=data["title"],
            issuer=data.get("issuer", ""),
            deadline=deadline,
            unit_kind=data.get("unit_kind", "单位"),
            units=units,
            requirements=requirements,
            groups=groups,
            presets=_presets(data.get("presets", {})),
            collector=collector,
            code=str(data.get("code", "")).strip() or str(data["id"]).upper(),
        )
    except KeyError as exc:
        raise ConfigError(f"轮次配置缺少必填项：{exc.args[0]}") from exc


@cache
def load_round(path: str | Path | None = None) -> Round:
    """The round from a TOML file, or the shipped province round when no path is given."""
    if path is None:
        text = resources.files("budget_planner.templates.rounds").joinpath(f"{DEFAULT_ROUND}.toml")
        return parse_round(tomllib.loads(text.read_text("utf-8")))
    p = Path(path)
    if not p.is_file():
        shipped = resources.files("budget_planner.templates.rounds").joinpath(f"{p.stem}.toml")
        if shipped.is_file():
            return parse_round(tomllib.loads(shipped.read_text("utf-8")))
        raise ConfigError(f"找不到轮次配置文件：{path}")
    try:
        return parse_round(tomllib.loads(p.read_text("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"轮次配置文件 {p.name} 不是有效的 TOML：{exc}") from exc
