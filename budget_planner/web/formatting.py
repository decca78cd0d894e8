"""Jinja filters: Beijing time, amounts in 万元, status colours."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from flask import Flask
from markupsafe import Markup

from budget_planner.money import plain
from budget_planner.storage.models import Decision, RoundStatus, Status
from budget_planner.templates.round import BEIJING

# the statuses of a unit × table (storage's labels), in the order of a round, with their CSS class
STATUSES = {
    "未提交": "s-missing",
    "有错误": "s-errors",
    "已上传未提交": "s-draft",
    "已提交": "s-submitted",
    "已退回": "s-returned",
    "已通过": "s-approved",
}
# the states of one version (storage/workflow.py) not among the above
VERSION_STATES = {"已被取代": "s-missing", "已撤销": "s-missing"}
# the button that takes each workflow action
ACTION_BUTTONS = {
    "submit": "提交此版本",
    "withdraw": "撤回提交",
    "delete": "撤销此版本",
    "approve": "审核通过",
    "return": "退回修改",
    "revoke": "撤销通过…",
}
# the CSS class of a verdict's tone (``aggregate.status.Verdict``)
VERDICT_CLASSES = {
    "good": "s-approved",
    "warn": "s-returned",
    "bad": "s-errors",
    "muted": "s-missing",
}


def beijing(value: dt.datetime | None, with_seconds: bool = False) -> str:
    """A moment in Beijing time; naive values are taken as UTC (as the database stores them)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def wan(value: Decimal | int | str | None) -> str:
    """万元 with thousands separators and no trailing zeros: 1,234.5; blank for None."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    text = plain(amount) or "0"
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ISOLATES = re.compile("[\u2066-\u2069]")
FSI, PDI = "\u2068", "\u2069"


def isolate_bidi(value: Any) -> Any:
    """Every value a page prints (Jinja's ``finalize``): text holding direction controls (U+202E
    would show 清远市 U+202E xslx.exe as 清远市exe.xlsx, or turn the cells after it around) is
    wrapped in an isolate (FSI … PDI), whose end closes whatever the text opened; isolates inside
    it are dropped so none can close the wrapper early. Markup (a form field, ``|verbatim``) is
    left as it is."""
    if type(value) is str and _BIDI.search(value):
        return FSI + _ISOLATES.sub("", value) + PDI
    return value


def verbatim(value: Any) -> Markup:
    """A value printed exactly (escaped, never isolated): a form's hidden key sent back as is."""
    return Markup.escape("" if value is None else value)


def status_class(status: str | None) -> str:
    return STATUSES.get(status or "", VERSION_STATES.get(status or "", "s-missing"))


def register(app: Flask) -> None:
    app.jinja_env.finalize = isolate_bidi
    app.add_template_filter(verbatim, "verbatim")
    from budget_planner.validators.report.codes import SEVERITY_WORDS
    from budget_planner.web.paging import CHANGES_INLINE

    app.add_template_filter(beijing, "beijing")
    app.add_template_filter(wan, "wan")
    app.add_template_filter(status_class, "status_class")
    app.jinja_env.globals.update(
        CHANGES_INLINE=CHANGES_INLINE,
        STATUSES=STATUSES,
        ROUND_STATUS={s.value: s.label for s in RoundStatus},
        STATUS_LABELS={s.value: s.label for s in Status},
        DECISIONS={d.value: d.label for d in Decision},
        ACTION_BUTTONS=ACTION_BUTTONS,
        VERDICT_CLASSES=VERDICT_CLASSES,
        SEVERITY=dict(
            SEVERITY_WORDS
        ),  # 错误 / 提醒: the one vocabulary (validators/report/codes.py)
    )
