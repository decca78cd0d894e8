"""The plain pipeline: what a user would write by hand with pandas, pandera and ``to_excel``.

``pandas.read_excel`` (engine calamine: pandas' next default, faster than openpyxl), the header row found by its labels, 类型 filled down, the
rows with a numeric 序号 kept, amounts cleaned of 万元 and thousands separators, one pandera schema per
table type (built from the same specs, validated once per type over the whole batch — the efficient way
round), totals by unit and 类型 with ``groupby``, a reconciliation against the control numbers, and
every frame written with ``to_excel``. No 预算表, no cell positions, no charts: the baseline does less
than the engine, so a ratio against it is conservative.

    .venv/bin/python -m benchmarks.baselines.plain FILE             (one table, report to a temp file)
    .venv/bin/python -m benchmarks.baselines.plain --round DIR CONTROL OUT.xlsx
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from budget_planner.templates.spec import COLLECTION_TABLES, ColumnKind, TableSpec, load_specs
from budget_planner.text import compact

HEADER_SEARCH = 15
ENGINE = "calamine"  # pandas' coming default, and faster than openpyxl: the stronger baseline
TABLE_IN_NAME = re.compile("|".join(COLLECTION_TABLES))


def _schema(spec: TableSpec) -> pa.DataFrameSchema:
    columns = {}
    for col in spec.columns:
        if col.kind is ColumnKind.SERIAL or col.kind is ColumnKind.COUNT_AMOUNT:
            continue
        if col.kind is ColumnKind.AMOUNT:
            columns[col.key] = pa.Column(float, pa.Check.ge(0), nullable=not col.required)
        elif col.kind is ColumnKind.CATEGORY:
            columns[col.key] = pa.Column(str, pa.Check.isin(list(spec.categories)))
        else:
            checks = [pa.Check.str_length(max_value=col.max_length)] if col.max_length else []
            columns[col.key] = pa.Column(str, checks, nullable=not col.required)
    return pa.DataFrameSchema(columns, strict=False)


def _table_of(sheet: str, file_name: str) -> str | None:
    if sheet in COLLECTION_TABLES:
        return sheet
    found = TABLE_IN_NAME.search(file_name)
    return found.group() if found else None


def _frame(raw: pd.DataFrame, spec: TableSpec) -> pd.DataFrame | None:
    """The table's rows under its header, columns renamed to the spec's keys."""
    keys = {k: col.key for col in spec.columns for k in col.match_keys}
    for i in range(min(HEADER_SEARCH, len(raw))):
        names = [keys.get(compact(str(v))) for v in raw.iloc[i]]
        if names.count(None) <= 1 and spec.amount_column.key in names:
            break
    else:
        return None
    body = raw.iloc[i + 1 :].copy()
    body.columns = [n or f"_{j}" for j, n in enumerate(names)]
    body = body[pd.to_numeric(body["serial"], errors="coerce").notna()].copy()
    if "category" in body:
        body["category"] = body["category"].ffill()
    amount = spec.amount_column.key
    body = body[body[amount].notna()].copy()  # a preset not taken up has no amount
    text = body[amount].astype(str).str.replace("万元", "").str.replace(",", "").str.strip()
    body[amount] = pd.to_numeric(text, errors="coerce")
    return body.reset_index(drop=True)


def read_file(path: Path) -> list[tuple[str, pd.DataFrame]]:
    """(table id, rows) for every sheet of ``path`` that holds a collection table."""
    specs = load_specs()
    out = []
    for sheet, raw in pd.read_excel(path, sheet_name=None, header=None, engine=ENGINE).items():
        table = _table_of(str(sheet), path.name)
        if table is None:
            continue
        frame = _frame(raw, specs.table(table))
        if frame is not None:
            out.append((table, frame))
    return out


def validate(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """pandera's failure cases (empty when the rows pass)."""
    try:
        _schema(load_specs().table(table)).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases
    return pd.DataFrame()


def validate_file(path: Path, out: Path | io.BytesIO) -> int:
    """One file: read, validate, write the rows and the failures; returns the failures found."""
    failures = 0
    with pd.ExcelWriter(out) as writer:
        for table, frame in read_file(path):
            found = validate(table, frame)
            failures += len(found)
            frame.to_excel(writer, sheet_name=table, index=False)
            found.to_excel(writer, sheet_name=f"{table}问题", index=False)
    return failures


def run_round(folder: Path, control: Path, out: Path) -> None:
    """A whole round: every table of every file, totals by unit, reconciliation, one workbook."""
    specs = load_specs()
    frames: dict[str, list[pd.DataFrame]] = {}
    for path in sorted(folder.glob("*.xlsx")):
        unit = path.stem.split("-")[0]
        for table, frame in read_file(path):
            frames.setdefault(table, []).append(frame.assign(unit=unit, file=path.name))
    tables = {t: pd.concat(f, ignore_index=True) for t, f in frames.items()}
    failures = {t: validate(t, df) for t, df in tables.items()}
    totals = pd.DataFrame(
        {t: df.groupby("unit")[specs.table(t).amount_column.key].sum() for t, df in tables.items()}
    ).fillna(0)
    controls = pd.read_excel(control, header=1, engine=ENGINE)
    controls.columns = ["unit", "control"]
    check = controls.merge(totals[["表四"]].reset_index(), on="unit", how="left").fillna(0)
    check["difference"] = check["表四"] - check["control"]
    check["over"] = check["difference"] > 0
    with pd.ExcelWriter(out) as writer:
        totals.to_excel(writer, sheet_name="汇总")
        check.to_excel(writer, sheet_name="控制数核对", index=False)
        for table, df in tables.items():
            amount = specs.table(table).amount_column.key
            if "category" in df:
                by = df.pivot_table(index="unit", columns="category", values=amount, aggfunc="sum")
                by.to_excel(writer, sheet_name=f"{table}类型汇总")
            df.to_excel(writer, sheet_name=table, index=False)
            failures[table].to_excel(writer, sheet_name=f"{table}问题", index=False)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--round"]:
        folder, control, out = map(Path, argv[1:4])
        run_round(folder, control, out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for name in argv:
            validate_file(Path(name), Path(tmp) / "report.xlsx")


if __name__ == "__main__":
    main(sys.argv[1:])
