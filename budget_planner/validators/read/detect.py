"""Which table a sheet holds, and where its header is (docs/reader.md, docs/contracts.md).

An issued template says so in its very hidden metadata sheet; any other file is recognised by its header
row: the first ~30 rows are scanned, each cell compared (``compact``) with the spec's labels and aliases,
a header split over two rows (a merged 项目设置 over 必要性/政策依据, 经费安排 over (万元)) read as one.
The table whose columns match best wins; 表一 and 表三 share their columns and are told apart by the
metadata, else the title or subtitle rows above the header (or a Word table's preamble), else the sheet
name, else the file name — else the table is ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from budget_planner.templates import metadata
from budget_planner.templates.spec import COLLECTION_TABLES, TableSpec, load_specs
from budget_planner.text import compact
from budget_planner.validators.intake.grid import SheetGrid, WorkbookGrid, a1
from budget_planner.validators.read import yuan
from budget_planner.validators.read.cells import total_label
from budget_planner.validators.report.issues import Issue, issue

SCAN_ROWS = 30
# a header names at least this many of a table's columns, one of them its name or amount
MIN_COLUMNS = 3
HEADER_MAX_LEN = 40  # a longer cell is never a header

_ARABIC = {"一": "1", "二": "2", "三": "3", "四": "4"}
_MARKS = re.compile(r"^\*+|\*+$|\((必填|选填|可选)\)$")  # on compact (NFKC) text
# remarks a header cell may carry after its label, on compact text: the unit said in words
# (金额（单位：万元） is 金额(万元)) and how many places to type (（保留两位小数）), dropped
_UNIT_SAID = re.compile(r"\(单位:((?:人民币)?万?元)\)")
_PLACES_REMARK = re.compile(r"\((?:保留|精确到)(?:小数点后)?[0-9一二两三四]位(?:小数)?\)$")
_ONE_LINE = re.compile(r"[ \t]*[\r\n]+[ \t]*")  # a header's line breaks, with the spaces about them
_UNIT_REMARK = re.compile(r"\((单位:)?万?元\)|(单位:)?万?元")  # （万元） on its own under a header


@dataclass
class HeaderMatch:
    """A header row (or two) and, per table that fits it best, the columns it names."""

    rows: tuple[int, ...]
    tables: tuple[str, ...]  # the best-fitting tables (two when 表一 and 表三 tie)
    columns: dict[str, dict[str, int]]  # table → column key → 1-based column
    score: int = 0
    # an amount header over sub-columns (金额 over 合计 | 其中：省级资金 | 其中：地方配套): per table,
    # the column key → (the header's text, the sub-labels, the sub-column read)
    split: dict[str, dict[str, tuple[str, tuple[str, ...], str]]] = field(default_factory=dict)

    @property
    def first_data_row(self) -> int:
        return self.rows[-1] + 1


# ---------------------------------------------------------------- the header index


@cache
def _index() -> tuple[dict[str, dict[str, tuple[str, ...]]], frozenset[str]]:
    """Per table: compact label/alias → the column keys it may stand for; and every known key."""
    per_table: dict[str, dict[str, tuple[str, ...]]] = {}
    every: set[str] = set()
    for table_id in COLLECTION_TABLES:
        spec = load_specs().table(table_id)
        index: dict[str, list[str]] = {}
        for col in spec.columns:
            keys = col.match_keys
            if col.is_amount:  # 金额（元）, 后补助经费（元）: read, then converted (yuan.py)
                keys = (*keys, *(y for k in keys for y in yuan.yuan_header_keys(k)))
            for k in keys:
                index.setdefault(k, []).append(col.key)
                every.add(k)
        per_table[table_id] = {k: tuple(v) for k, v in index.items()}
    return per_table, frozenset(every)


def header_key(value: object) -> str:
    """A header cell as compared: compact, without a required-marker (``*``, ``(必填)``).

    Long text is never a header ("" at once: a sentence costs far more to canonicalise).
    """
    if type(value) is not str or len(value) > HEADER_MAX_LEN:
        return ""
    return _header_key(value)


def is_header_word(value: object) -> bool:
    """Whether a cell is the label or an alias of some table's column."""
    key = header_key(value)
    return bool(key) and key in _index()[1]


@lru_cache(maxsize=8192)
def _header_key(value: str) -> str:
    key = _MARKS.sub("", compact(value))
    if "(" in key:
        key = _UNIT_SAID.sub(r"(\1)", _PLACES_REMARK.sub("", key))
    return key


def _merge_tops(sheet: SheetGrid, last_row: int) -> dict[tuple[int, int], tuple[int, int]]:
    """For cells covered by a merge starting within the first rows: their merge's top-left."""
    tops: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if r0 > last_row:
            continue
        for r in range(r0, min(r1, last_row) + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    tops[(r, c)] = (r0, c0)
    return tops


def _fit(
    cells: list[tuple[int, tuple[str, ...]]], table_id: str
) -> tuple[dict[str, int], int, int]:
    """(column key → column, columns matched, foreign cells) of one table against a header row."""
    index, every = _index()[0][table_id], _index()[1]
    found: dict[str, int] = {}
    foreign = 0
    for col, candidates in cells:
        hit = False
        for cand in candidates:
            for key in index.get(cand, ()):
                if key not in found:
                    found[key] = col
                    hit = True
                    break
            if hit:
                break
        if not hit and any(c in every for c in candidates):
            foreign += 1
    return found, len(found), foreign


def _spec(table_id: str) -> TableSpec:
    return load_specs().table(table_id)


@cache
def _shape(table_id: str) -> tuple[frozenset[str], int]:
    """(the keys of a table's name and amount columns, its number of columns)."""
    spec = _spec(table_id)
    return frozenset({spec.project_column.key, spec.amount_column.key}), len(spec.columns)


def _match(cells: list[tuple[int, tuple[str, ...]]], rows: tuple[int, ...]) -> HeaderMatch | None:
    every = _index()[1]
    if sum(1 for _, cands in cells if any(c in every for c in cands)) < MIN_COLUMNS:
        return None
    results = []
    for table_id in COLLECTION_TABLES:
        found, matched, foreign = _fit(cells, table_id)
        key_cols, width = _shape(table_id)
        if matched < MIN_COLUMNS or not key_cols & found.keys():
            continue
        missing = width - matched
        results.append((matched - foreign, -missing, table_id, found))
    if not results:
        return None
    best = max(r[:2] for r in results)
    if best[0] < MIN_COLUMNS:
        return None
    tied = [r for r in results if r[:2] == best]
    return HeaderMatch(
        rows=rows,
        tables=tuple(r[2] for r in tied),
        columns={r[2]: r[3] for r in tied},
        score=best[0],
    )


def find_header(sheet: SheetGrid, start: int = 1, limit: int = SCAN_ROWS) -> HeaderMatch | None:
    """The best header row (or pair of rows) among ``limit`` rows from ``start``."""
    last = min(sheet.height, start + limit - 1)
    if last < start:
        return None
    tops = _merge_tops(sheet, last + 1)

    def text(r: int, c: int) -> object:
        top = tops.get((r, c))
        if top is not None and top[0] == r:  # a horizontal merge: the value stands over each column
            return sheet.get(*top)
        return sheet.get(r, c)

    keys: dict[int, list[tuple[int, str]]] = {}
    for r in range(start, last + 2):
        line = sheet.values[r - 1] if r <= sheet.height else []
        keys[r] = [(c, header_key(text(r, c))) for c in range(1, len(line) + 1)]

    singles: dict[int, HeaderMatch | None] = {}
    for r in range(start, last + 1):
        cells: list[tuple[int, tuple[str, ...]]] = [(c, (k,)) for c, k in keys[r] if k]
        singles[r] = _match(cells, (r,)) if len(cells) >= MIN_COLUMNS else None

    def score(m: HeaderMatch | None) -> int:
        return m.score if m else 0

    best: HeaderMatch | None = None
    for r in range(start, last + 1):
        single = singles[r]
        if single and score(single) > score(best):
            best = single
        if r + 1 > sheet.height:
            continue
        top_keys, bottom_keys = dict(keys[r]), dict(keys[r + 1])
        cells = []
        for c in sorted(top_keys.keys() | bottom_keys.keys()):
            top = top_keys.get(c, "")
            covered = tops.get((r + 1, c))
            bottom = "" if covered and covered[0] == r else bottom_keys.get(c, "")
            cands = tuple(x for x in (top + bottom, top, bottom) if x)
            if cands:
                cells.append((c, cands))
        double = _match(cells, (r, r + 1))
        below = singles.get(r + 1)
        if double and score(double) > max(score(single), score(below), score(best)):
            best = double
    if best is not None and len(best.rows) == 1:
        _merged_down(best, sheet)
    return best


def is_unit_remark(text: object) -> bool:
    """A money-unit remark on its own: （万元）, 单位：万元, （元）."""
    return bool(_UNIT_REMARK.fullmatch(header_key(text)))


def _merged_down(header: HeaderMatch, sheet: SheetGrid) -> None:
    """A header occupies the next row too when each of its cells is merged down over it or has
    only a unit remark below (经费安排 over （万元） typed on its own row), or nothing; or when what
    the next row holds is the sub-labels of an amount header merged across them (``_split``)."""
    r = header.rows[0]
    cols = {c for columns in header.columns.values() for c in columns.values()}
    down = {c0 for r0, c0, r1, c1 in sheet.merged if r0 == r and r1 == r + 1 and c0 == c1}
    if not cols or r + 1 > sheet.height:
        return
    below = sheet.values[r]
    remarks = {c for c in cols - down if _UNIT_REMARK.fullmatch(header_key(sheet.get(r + 1, c)))}
    others = [v for c, v in enumerate(below, 1) if c not in down | remarks and v is not None]
    if cols <= down or (remarks and not any(str(v).strip() for v in others)):
        header.rows = (r, r + 1)
        return
    spans = [
        (c0, c1) for r0, c0, r1, c1 in sheet.merged if r0 == r1 == r and c1 > c0 and c0 in cols
    ]
    under = {c for c0, c1 in spans for c in range(c0, c1 + 1)}
    filled = {c for c, v in enumerate(below, 1) if v is not None and str(v).strip()}
    if spans and filled and filled <= under and all(type(v) is str for v in below if v is not None):
        for table, columns in header.columns.items():
            _split(header, sheet, table, columns, spans)
        if header.split:
            header.rows = (r, r + 1)


_SUB_PREFIX = re.compile(r"^(其中|含)[:：]?")  # 其中：省级资金, on compact text


def _split(
    header: HeaderMatch,
    sheet: SheetGrid,
    table: str,
    columns: dict[str, int],
    spans: list[tuple[int, int]],
) -> None:
    """An amount column whose header is merged over sub-columns reads the sub-column its own
    label or alias names (其中：省级资金 for 表四's 金额), else the 合计 one; with neither (金额 over
    2024年 | 2025年) it is left as it was, the row below read as data (and its text said wrong)."""
    r = header.rows[0]
    for col in _spec(table).columns:
        at = columns.get(col.key)
        if at is None or not col.is_amount:
            continue
        span = next(((c0, c1) for c0, c1 in spans if c0 == at), None)
        if span is None:
            continue
        subs = [(c, header_key(sheet.get(r + 1, c))) for c in range(span[0], span[1] + 1)]
        subs = [(c, _SUB_PREFIX.sub("", k)) for c, k in subs if k]
        if len(subs) < 2:
            continue
        keys = set(col.match_keys)
        chosen = next((c for c, k in subs if k in keys), None)
        chosen = chosen or next((c for c, k in subs if total_label(k) is not None), None)
        if chosen is None:
            continue
        columns[col.key] = chosen
        shown = [str(sheet.get(r + 1, c)).strip() for c, _ in subs]
        read = str(sheet.get(r + 1, chosen)).strip()
        header.split.setdefault(table, {})[col.key] = (
            str(sheet.get(r, at)).strip(),
            tuple(shown),
            read,
        )


def split_issue(sheet: SheetGrid, header: HeaderMatch, table_id: str) -> list[Issue]:
    """header.amount_split for each amount column read from one of its sub-columns."""
    return [
        issue(
            "header.amount_split",
            sheet=sheet.name,
            cell=a1(header.rows[-1], header.columns[table_id][key]),
            row=header.rows[-1],
            value=read,
            label=label,
            parts="、".join(f"“{p}”" for p in parts),
            read=read,
        )
        for key, (label, parts, read) in header.split.get(table_id, {}).items()
    ]


# ---------------------------------------------------------------- telling 表一 from 表三


def _hints(table_id: str) -> tuple[str, ...]:
    spec = _spec(table_id)
    number = spec.number
    return (
        compact(spec.subtitle),
        f"({number})",
        table_id,
        f"表{_ARABIC.get(number, number)}",
        *spec.keywords,
    )


def named_in(text: str, candidates: tuple[str, ...]) -> str | None:
    """The one candidate table the text names (by subtitle, number or keyword), else None."""
    haystack = compact(text)
    if not haystack:
        return None
    hits = [t for t in candidates if any(h and h in haystack for h in _hints(t))]
    return hits[0] if len(hits) == 1 else None


def text_above(sheet: SheetGrid, header_row: int, start: int = 1) -> list[tuple[str, str | None]]:
    """The text of the rows above the header (from ``start``), with each cell, and a Word table's
    preamble (no cell)."""
    found: list[tuple[str, str | None]] = [(p, None) for p in getattr(sheet, "preamble", []) or []]
    for r in range(start, min(header_row, sheet.height + 1)):
        for c, v in enumerate(sheet.values[r - 1], 1):
            if isinstance(v, str) and v.strip():
                found.append((v, a1(r, c)))
    return found


def titled_otherwise(sheet: SheetGrid, header: HeaderMatch, table_id: str, since: int) -> bool:
    """Whether the title rows between ``since`` and a header that fits several tables (表一/表三)
    name another one than ``table_id``: then that header starts another table, not a repeat."""
    if len(header.tables) < 2:
        return False
    above = " ".join(
        v
        for r in range(max(since, 1), min(header.rows[0], sheet.height + 1))
        for v in sheet.values[r - 1]
        if isinstance(v, str)
    )
    named = named_in(above, header.tables)
    return named is not None and named != table_id


def resolve(
    header: HeaderMatch,
    sheet: SheetGrid,
    file_name: str,
    meta: dict[str, str] | None,
    start: int = 1,
) -> str | None:
    """One table for a header that fits several equally: metadata, title, sheet name, file name."""
    tables = header.tables
    if len(tables) == 1:
        return tables[0]
    if meta and meta.get("table") in tables:
        return meta["table"]
    above = " ".join(t for t, _ in text_above(sheet, header.rows[0], start))
    for source in (above, sheet.name, file_name):
        table = named_in(source, tables)
        if table:
            return table
    return None


# ---------------------------------------------------------------- the workbook


def read_metadata(grid: WorkbookGrid) -> dict[str, str] | None:
    """Our metadata sheet's key/value pairs, when the file is an issued template."""
    for sheet in grid.sheets:
        if sheet.name == metadata.SHEET_NAME:
            pairs = [
                (line[0] if line else None, line[1] if len(line) > 1 else None)
                for line in sheet.values
            ]
            return metadata.parse(pairs)
    return None


def is_own_sheet(sheet: SheetGrid) -> bool:
    """Our template's metadata sheet: never a table."""
    return sheet.name == metadata.SHEET_NAME


def ambiguous_issue(sheet: SheetGrid, header: HeaderMatch) -> Issue:
    tables = [_spec(t) for t in header.tables]
    titles = "或".join(f"“（{s.number}）{s.subtitle}”" for s in tables)
    return issue(
        "table.ambiguous",
        sheet=sheet.name,
        row=header.rows[0],
        tables="、".join(header.tables),
        titles=titles,
    )


def missing_issue(sheet: SheetGrid, table_id: str, header: HeaderMatch) -> Issue | None:
    columns = header.columns[table_id]
    missing = [c for c in _spec(table_id).columns if c.required and c.key not in columns]
    if not missing:
        return None
    labels = [c.label for c in missing]
    return issue(
        "header.missing",
        sheet=sheet.name,
        row=header.rows[0],
        value="、".join(labels),
        table=table_id,
        labels="、".join(labels),
    )


# ---------------------------------------------------------------- amounts in 元


@dataclass(frozen=True)
class InYuan:
    """Why a column holds 元: its header cell as typed, or the 单位：元 line above the table."""

    cell: str | None
    text: str
    line: bool = False  # a 单位：元 line (every amount column), not the column's own header


def yuan_columns(
    sheet: SheetGrid, header: HeaderMatch, table_id: str, start: int = 1
) -> dict[str, InYuan]:
    """The amount columns of a table filed in 元: headed 金额（元）, or below a 单位：元 line."""
    amounts = [c.key for c in _spec(table_id).columns if c.is_amount]
    columns = header.columns[table_id]
    found: dict[str, InYuan] = {}
    for key in amounts:
        col = columns.get(key)
        if col is None:
            continue
        for r in header.rows:
            value = sheet.get(r, col)
            if isinstance(value, str) and yuan.header_in_yuan(value):
                # (quoted on one line: 经费安排\n（元） is 经费安排（元）)
                found[key] = InYuan(a1(r, col), _ONE_LINE.sub("", value.strip()))
                break
    if len(found) < len(amounts):
        line = next(
            ((t, c) for t, c in text_above(sheet, header.rows[0], start) if yuan.says_yuan(t)), None
        )
        if line is not None:
            for key in amounts:
                if key in columns and key not in found:
                    found[key] = InYuan(line[1], line[0].strip(), line=True)
    return found
