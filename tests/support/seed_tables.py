"""Read the four tables out of seed 002 (plain text, one cell per tab-led line) for tests to compare with."""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_002 = SEEDS / "002_9c68a371e715f530.txt"

SECTION_MARKERS = {
    "表一": "保留省局部分",
    "表二": "后补助资金",
    "表三": "支持专利代办处和省知识产权保护中心开展工作",
    "表四": "下放地市审批权限部分",
}
WIDTHS = {"表一": 10, "表二": 8, "表三": 10, "表四": 9}


def _section(text: str, table: str) -> str:
    start = text.index(SECTION_MARKERS[table] + "\n")
    ends = [text.find("\n20", start + 1)]
    end = min(e for e in ends if e > 0) if any(e > 0 for e in ends) else len(text)
    return text[start:end]


def _cells(section: str) -> list[str]:
    cells: list[list[str]] = []
    for line in section.splitlines()[1:]:
        if line.startswith("\t"):
            cells.append([line[1:]])
        elif line.startswith(" \t"):
            break  # the cut-off fragments after the last whole row
        elif cells:
            cells[-1].append(line)
    return ["\n".join(c).strip("\n") for c in cells]


def seed_table(table: str) -> tuple[list[str], list[list[str]]]:
    """(header cells, body rows) of one table as the seed has them, raw (not canonical)."""
    text = SEED_002.read_text("utf-8")
    cells = _cells(_section(text, table))
    width = WIDTHS[table]
    header, body = cells[:width], cells[width:]
    rows = [body[i : i + width] for i in range(0, len(body), width)]
    if rows and len(rows[-1]) < width:
        rows[-1] = rows[-1] + [""] * (width - len(rows[-1]))
    return header, rows
