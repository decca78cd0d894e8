"""Realistic benchmark inputs, written once into ``benchmarks/out/`` and reused (git-ignored).

    .venv/bin/python -m benchmarks.generate [--force]

* ``single/清远市-表四-2000行.xlsx`` (and 表一, at 50, 2,000 and 50,000 project rows): one filled table
  with long Chinese text, 类型 merged down eight groups, a ``=SUM`` 小计 per group and a ``=SUM`` 合计,
  a few amounts typed as text (``50万元``, ``５０``) — a file that validates with warnings only.
* ``round/submissions/``: a whole province round — 21 units × 表一–表四 (表四 from the round's
  presets, some units with 表一–表三 on three sheets of one workbook, some with an older draft of
  表四), a few 预算表 — and ``round/控制数.xlsx``, the control numbers.

``manifest.json`` records where each table landed (header row, labels) for the hand-written
baselines, and the generator's version: files are regenerated when it changes or they are missing.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from benchmarks.content import Content
from benchmarks.sheets import Group, SheetInfo, TableWriter, write_budget
from budget_planner.templates.round import Round, load_round
from budget_planner.templates.spec import control_spec, load_specs

VERSION = 3
OUT = Path(__file__).resolve().parent / "out"
SIZES = (50, 2000, 50000)
UNIT = "清远市"


def _book(path: Path, modified: dt.datetime | None = None):
    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
    )
    book.set_properties({"author": "李敏", "created": modified or dt.datetime(2024, 3, 20, 9, 30)})
    return book


def _project_row(c: Content, table: str, name: str, amount: Any, taken: bool = True) -> dict:
    topic = c.topic()
    row: dict[str, Any] = {
        "work_content": c.work(topic),
        "project": name,
        "necessity": c.necessity(topic),
        "policy_basis": c.policy(),
        "performance": c.outcome() if taken else None,
        "remarks": c.remark(),
    }
    spec = load_specs().table(table)
    amount_key = spec.amount_column.key
    row[amount_key] = amount
    if table in ("表一", "表三") and isinstance(amount, Decimal):
        count = c.between(1, 4)
        row[amount_key] = amount * count
        row["count_amount"] = f"{count}个×{format(amount.normalize(), 'f')}万元"
    if table == "表二":
        row = {
            "work_content": row["work_content"],
            "subsidy_name": name,
            "subsidy_amount": amount,
            "subsidy_basis": c.policy(),
            "subsidy_recipient": f"{c.topic()}服务中心",
            "performance": c.outcome(),
        }
    return row


def _amount(c: Content, i: int) -> Any:
    """Mostly a number; now and then (and always on the fourth row) text as staff type it."""
    value = c.amount()
    if i == 3 or c.chance(0.003):
        return c.amount_text(value)
    return value


def table_groups(c: Content, table: str, rows: int, unit: str) -> list[Group]:
    """``rows`` project rows spread evenly over the table's 类型 (one group for 表二)."""
    categories = load_specs().table(table).categories or (None,)
    base, extra = divmod(rows, len(categories))
    groups, i = [], 0
    for g, category in enumerate(categories):
        items = []
        for _ in range(base + (g < extra)):
            name = f"{unit}{c.topic()}项目（第{i + 1}期）"
            items.append(_project_row(c, table, name, _amount(c, i)))
            i += 1
        groups.append(Group(category, items))
    return groups


def single(table: str, rows: int, force: bool = False) -> Path:
    """One filled table of ``rows`` project rows (cached)."""
    path = OUT / "single" / f"{UNIT}-{table}-{rows}行.xlsx"
    manifest = _manifest()
    if path.is_file() and not force and str(path.relative_to(OUT)) in manifest["files"]:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    round_ = load_round()
    c = Content(rows * 7 + len(table))
    book = _book(path)
    writer = TableWriter(book, load_specs().table(table), round_.year, round_.unit(UNIT).full_name)
    info = writer.write("Sheet1", table_groups(c, table, rows, UNIT))
    book.close()
    _record(path, [info])
    return path


# ---------------------------------------------------------------- a whole round


def _table4_groups(c: Content, round_: Round, unit: str) -> list[Group]:
    """表四 as issued, filled in: about half the presets taken up, placeholders kept or replaced
    by the unit's own projects, a few own projects under 类型 without presets."""
    spec = load_specs().table("表四")
    groups = []
    for category in spec.categories:
        items = []
        for preset in (p for p in round_.presets_for("表四") if p.category == category):
            if preset.placeholder and c.chance(0.5):
                name = f"{unit}{c.topic()}项目"
                items.append(_project_row(c, "表四", name, c.amount()))
                continue
            taken = not preset.placeholder and c.chance(0.5)
            row = _project_row(c, "表四", str(preset.values.get("project", "")), None, taken)
            row.update(preset.values)
            row["amount"] = c.amount() if taken else None
            row["performance"] = c.outcome() if taken else None
            items.append(row)
        for k in range(c.between(0, 3) if not items else c.between(0, 1)):
            items.append(_project_row(c, "表四", f"{unit}{c.topic()}示范项目{k + 1}", c.amount()))
        groups.append(Group(category, items))
    return groups


def _write_tables(
    path: Path,
    sheets: list[tuple[str, str, list[Group]]],
    unit_full: str,
    year: int,
    modified: dt.datetime,
) -> list[SheetInfo]:
    book = _book(path, modified)
    infos = []
    for sheet, table, groups in sheets:
        writer = TableWriter(book, load_specs().table(table), year, unit_full)
        infos.append(writer.write(sheet, groups))
    book.close()
    return infos


def _budget(c: Content, book, unit_full: str, row: dict, table: str = "表四") -> None:
    provincial = row["amount"]
    shares = [Decimal("0.4"), Decimal("0.1"), Decimal("0.1"), Decimal(0), Decimal("0.2")]
    expenses = [(provincial * s).quantize(Decimal("0.01")) for s in shares]
    expenses.append(Decimal(0))
    expenses.append(provincial - sum(expenses))  # 其他相关费用, explained in the note
    spec = load_specs().budget
    values: dict[str, Any] = {
        "project_name": row["project"],
        "unit": unit_full,
        "table_ref": table,
        "category": row.get("category", ""),
        "project_kind": "专利技术实施计划",
        "period": "2024年6月至2025年12月",
        "provincial": provincial,
        "local_matching": Decimal(0),
        "self_raised": provincial * 3,
        "other_sources": Decimal(0),
        "calculation_note": "其他相关费用用于项目验收评审和成果汇编印刷；" + c.necessity(c.topic()),
    }
    values.update({col.key: v for col, v in zip(spec.expenses, expenses, strict=True)})
    write_budget(book, "预算表", values)


def province_round(force: bool = False) -> Path:
    """The round directory: ``submissions/`` and ``控制数.xlsx`` (cached)."""
    base = OUT / "round"
    manifest = _manifest()
    control = base / "控制数.xlsx"
    if control.is_file() and not force and "round/控制数.xlsx" in manifest["files"]:
        return base
    write_round(base, _record)
    return base


def write_round(base: Path, record: Callable[[Path, list[SheetInfo]], None] | None = None) -> None:
    """Write the round into ``base`` (the same bytes on every machine: one seed, fixed document
    times); ``record`` is told where each table landed (the manifest of ``benchmarks/out``)."""

    def _record(path: Path, infos: list[SheetInfo]) -> None:
        if record is not None:
            record(path, infos)

    control = base / "控制数.xlsx"
    subs = base / "submissions"
    subs.mkdir(parents=True, exist_ok=True)
    for old in subs.glob("*.xlsx"):
        old.unlink()
    round_ = load_round()
    c = Content(2024)
    controls: dict[str, Decimal] = {}
    when = dt.datetime(2024, 3, 25, 10, 0)
    for n, unit in enumerate(round_.units):
        short, full = unit.short_name, unit.full_name
        t4 = _table4_groups(c, round_, short)
        for g in t4:
            for row in g.rows:
                row["category"] = g.category
        path = subs / f"{short}-表四.xlsx"
        _record(path, _write_tables(path, [("Sheet1", "表四", t4)], full, round_.year, when))
        if n % 5 == 2:  # an older draft, superseded by the file above
            path = subs / f"{short}-表四（初稿）.xlsx"
            draft = _table4_groups(c, round_, short)
            old = when - dt.timedelta(days=7)
            _record(path, _write_tables(path, [("Sheet1", "表四", draft)], full, round_.year, old))
        requested = sum(
            (r["amount"] for g in t4 for r in g.rows if isinstance(r.get("amount"), Decimal)),
            Decimal(0),
        )
        controls[short] = requested * Decimal("1.05") if n % 4 else requested * Decimal("0.8")
        others = [
            (t, t, table_groups(c, t, c.between(lo, hi), short))
            for t, lo, hi in (("表一", 6, 20), ("表二", 3, 8), ("表三", 3, 8))
        ]
        if n % 4 == 1:  # 表一–表三 on three sheets of one workbook
            path = subs / f"{short}-表一至表三.xlsx"
            _record(path, _write_tables(path, others, full, round_.year, when))
        else:
            for _sheet, table, groups in others:
                path = subs / f"{short}-{table}.xlsx"
                _record(
                    path, _write_tables(path, [("Sheet1", table, groups)], full, round_.year, when)
                )
        if n % 3 == 0:  # a few 预算表, for projects taken up in 表四
            taken = [r for g in t4 for r in g.rows if isinstance(r.get("amount"), Decimal)]
            for row in taken[: 1 + n % 2]:
                path = subs / f"{short}-预算表-{row['project'][:20]}.xlsx"
                book = _book(path, when)
                _budget(c, book, full, row)
                book.close()
                _record(path, [])
    _write_control(control, round_, controls)
    _record(control, [])


def _write_control(path: Path, round_: Round, controls: dict[str, Decimal]) -> None:
    spec = control_spec()
    book = _book(path)
    ws = book.add_worksheet("Sheet1")
    ws.write_string(0, 0, f"{round_.year}年度下放资金{spec.title}")
    ws.write_string(1, 0, spec.unit.label)
    ws.write_string(1, 1, spec.amount.aliases[0] if spec.amount.aliases else spec.amount.label)
    total = Decimal(0)
    for r, unit in enumerate(round_.units, 2):
        amount = controls[unit.short_name].quantize(Decimal(1))
        total += amount
        ws.write_string(r, 0, unit.short_name)
        ws.write_number(r, 1, float(amount))
    ws.write_string(len(round_.units) + 2, 0, spec.total_labels[0])
    ws.write_number(len(round_.units) + 2, 1, float(total))
    book.close()


# ---------------------------------------------------------------- manifest


def _manifest() -> dict[str, Any]:
    path = OUT / "manifest.json"
    if path.is_file():
        data = json.loads(path.read_text("utf-8"))
        if data.get("version") == VERSION:
            return data
    return {"version": VERSION, "files": {}}


def _record(path: Path, infos: list[SheetInfo]) -> None:
    data = _manifest()
    data["files"][str(path.relative_to(OUT))] = [i.to_dict() for i in infos]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")


def sheets_of(path: Path) -> list[dict[str, Any]]:
    """What the manifest says about a generated file's tables."""
    return _manifest()["files"][str(path.resolve().relative_to(OUT))]


def generate_all(sizes=SIZES, tables=("表四",), force: bool = False) -> None:
    for table in tables:
        for rows in sizes:
            single(table, rows, force)
    province_round(force)


def main(argv: list[str]) -> None:
    force = "--force" in argv
    if force:
        (OUT / "manifest.json").unlink(missing_ok=True)
    start = dt.datetime.now()
    generate_all(tables=("表四", "表一"), force=force)
    seconds = (dt.datetime.now() - start).total_seconds()
    print(f"inputs ready in {OUT} ({seconds:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
