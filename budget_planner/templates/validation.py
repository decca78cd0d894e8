"""Excel data-validation rules built from the spec: dropdowns, amounts ≥ 0, text length limits.

Excel caps an input or error title at 32 characters and a message at 255; ``_fit`` keeps to that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from budget_planner.templates.sheet_setup import ListSheet
from budget_planner.templates.spec import Column

TITLE_LIMIT, MESSAGE_LIMIT = 32, 255


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _messages(
    col: Column, error: str, *, input_message: bool = True, title: str | None = None
) -> dict[str, Any]:
    name = title or col.label
    rule: dict[str, Any] = {
        "error_type": "stop",
        "error_title": _fit(f"“{name}”填写有误", TITLE_LIMIT),
        "error_message": _fit(error, MESSAGE_LIMIT),
    }
    if input_message and col.help:
        rule["input_title"] = _fit(name, TITLE_LIMIT)
        rule["input_message"] = _fit(col.help, MESSAGE_LIMIT)
    return rule


def amount_rule(col: Column, title: str | None = None) -> dict[str, Any]:
    """A number ≥ 0 (万元); a stop alert otherwise."""
    name = title or col.label
    error = f"“{name}”须填写不小于0的数字，单位为万元，不要带“万元”等文字，也不能为负数。"
    return {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        **_messages(col, error, title=title),
    }


def category_rule(lists: ListSheet, col: Column, categories: Sequence[str]) -> dict[str, Any]:
    """A dropdown holding exactly the table's 类型, from the hidden list sheet."""
    error = f"“{col.label}”请从下拉列表中选择，不要自行输入。"
    return {"validate": "list", "source": lists.add(tuple(categories)), **_messages(col, error)}


def choice_rule(lists: ListSheet, col: Column, choices: Sequence[str]) -> dict[str, Any]:
    """A dropdown for a labelled field of a form (所属表, 类型 of the 预算表)."""
    return category_rule(lists, col, choices)


def length_rule(col: Column, *, input_message: bool = False) -> dict[str, Any]:
    assert col.max_length
    error = f"“{col.label}”不能超过{col.max_length}个字，请精简。"
    return {
        "validate": "length",
        "criteria": "<=",
        "value": col.max_length,
        **_messages(col, error, input_message=input_message),
    }


def unit_name_rule(lists: ListSheet, full_names: Sequence[str], label: str) -> dict[str, Any]:
    """A dropdown of the round's units that still accepts other text (an information alert)."""
    return {
        "validate": "list",
        "source": lists.add(tuple(full_names)),
        "input_title": _fit(label, TITLE_LIMIT),
        "input_message": "请选择或填写本单位全称。",
        "error_type": "information",
        "error_title": _fit(label, TITLE_LIMIT),
        "error_message": "所填单位不在本轮名单中；如确认无误，请点击“确定”。",
    }
