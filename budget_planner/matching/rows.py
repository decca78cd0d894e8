"""A project row as the matcher sees it: what a stored row, last year's imported plan or a reader's
row becomes before it is compared (the caller builds these; nothing here reads storage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ProjectRef:
    """One row of a round: 拟设置项目 (表一/三/四), 后补助名称 (表二) or a 预算表's 项目名称 as ``name``.

    ``unit`` is the lasting unit (the same name or id in every year's round); ``amount`` and
    ``approved`` are 万元 (申报 and 核定); ``policy_basis`` the text of its 政策依据 column(s);
    ``credit_code`` the applicant's 统一社会信用代码 from its 申报书, as typed; ``lineage`` the ids
    of the rows a forwarded row stands for (a city's row forwarding a county's shares the county
    row's id); ``source`` says where it is for a reader (``清远市 表四 第12行``); ``id`` is the
    caller's handle.
    """

    round_id: str
    unit: str
    table: str
    name: str
    amount: Decimal | None = None
    approved: Decimal | None = None
    category: str = ""
    policy_basis: str = ""
    credit_code: str = ""
    lineage: frozenset[str] = field(default_factory=frozenset)
    key: str = ""
    source: str = ""
    id: object = None
