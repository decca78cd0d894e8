"""The validation result as a readable terminal report in Chinese (the CLI's default output)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from budget_planner.money import plain
from budget_planner.validators.report.issues import Report

_COLUMNS = (("严重程度", 10), ("单元格", 9), ("列", 20))


def width(text: str) -> int:
    """Display width: a CJK or full-width character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, cols: int) -> str:
    """``text`` cut or padded to ``cols`` display columns."""
    out, used = "", 0
    for ch in text.replace("\n", " "):
        w = width(ch)
        if used + w > cols - (1 if width(text) > cols else 0):
            out += "…"
            used += 1
            break
        out += ch
        used += w
    return out + " " * (cols - used)


def summary(report: Report) -> str:
    """清远市-表四.xlsx  表四  单位：清远市  工作表：Sheet1  项目 23 行  合计 1234.5 万元"""
    parts = [report.file]
    if report.table is None:
        parts.append("未识别的表")
    else:
        parts.append(report.table)
        parts.append(f"单位：{report.unit or '未识别'}")
    if report.sheet:
        parts.append(f"工作表：{report.sheet}")
    if report.table is not None:
        parts.append(f"项目 {report.rows} 行")
    if report.total is not None:
        total = f"合计 {plain(report.total)} 万元"
        if report.stated_total is not None and report.stated_total != report.total:
            total += f"（表内合计 {plain(report.stated_total)}）"
        parts.append(total)
    return "  ".join(parts)


def render(reports: Sequence[Report]) -> str:
    """Per table found: a summary line, a count, then each problem as 严重程度 单元格 列 问题."""
    blocks = []
    for report in reports:
        lines = [summary(report)]
        errors, warnings = len(report.errors), len(report.warnings)
        if not report.issues:
            lines.append("  ✓ 未发现问题")
        else:
            mark = "✗" if errors else "✓"
            lines.append(f"  {mark} {errors} 个错误，{warnings} 个提醒")
            lines.append("  " + "".join(fit(t, w) for t, w in _COLUMNS) + "问题")
            for issue in report.issues:
                sev = issue.severity.label  # type: ignore[union-attr]
                cells = (sev, issue.cell or "—", issue.column or "—")
                row = "".join(fit(t, w) for t, (_, w) in zip(cells, _COLUMNS, strict=True))
                lines.append(f"  {row}{issue.message}")
        blocks.append("\n".join(lines))
    total_errors = sum(len(r.errors) for r in reports)
    total_warnings = sum(len(r.warnings) for r in reports)
    files = len(dict.fromkeys(r.file for r in reports))
    footer = (
        f"共 {files} 个文件、{len(reports)} 张表：{total_errors} 个错误，{total_warnings} 个提醒"
    )
    return "\n\n".join([*blocks, footer]) + "\n"
