"""Last-year plans as offices keep them: a plain sheet of the plan's columns (what an office that
never used the service has, typed or exported from its own ledger), with a title row and a note
row above the header, amounts as numbers, 控制数 on each project row of its unit, and a 合计 row."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook

HEADER = ("单位", "表", "类型", "拟设置项目", "申报金额", "核定金额", "控制数")
# (单位, 表, 类型, 拟设置项目, 申报金额, 核定金额, 控制数)
Line = tuple[str, str, str, str, object, object, object]


def plain_plan(lines: Sequence[Line], *, title: str = "2023年度项目资金分配方案") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "2023年分配"
    ws.append([title])
    ws.append(["单位：万元"])
    ws.append(list(HEADER))
    for line in lines:
        ws.append([float(v) if isinstance(v, Decimal) else v for v in line])
    requested = sum(Decimal(str(line[4])) for line in lines if isinstance(line[4], int | float))
    ws.append(["合计", None, None, None, float(requested), None, None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
