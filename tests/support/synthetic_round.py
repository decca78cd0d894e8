"""A whole synthetic round for the aggregation tests: 21 cities' files as staff send them, and what a
careful reader of those files expects the aggregation to say (worked out from the inputs here, not by
the code under test).

Files are built with ``tests/support/builders.py``; the document's own modified time is set in
docProps/core.xml, the file's time with ``os.utime``, so the versions order as they would on disk.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from builders import (
    DEFAULT_QUIRKS,
    Submission,
    budget_layout,
    project,
    subsidy,
    table4_rows,
    workbook,
)

from budget_planner.templates.round import BEIJING, Round, load_round

T4 = "表四"
_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified></cp:coreProperties>'
)


def beijing(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def with_modified(data: bytes, when: dt.datetime) -> bytes:
    """The same .xlsx/.docx with its document properties saying it was last saved at ``when``."""
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        names = src.namelist()
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                if _MODIFIED.search(body):
                    body = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
                else:
                    body = _CORE.format(stamp.decode()).encode()
            dst.writestr(item, body)
        if "docProps/core.xml" not in names:
            dst.writestr("docProps/core.xml", _CORE.format(stamp.decode()))
    return out.getvalue()


@dataclass
class Expected:
    """What the aggregation must say about the round written."""

    totals: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # unit → table → total
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, table) → counted file
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    superseded: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # unit, table, file, n
    budgets: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (unit, project) → 合计
    mismatched_budgets: list[tuple[str, str]] = field(default_factory=list)
    control: dict[str, Decimal] = field(default_factory=dict)
    flagged: list[tuple[str, str]] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    formula_like: list[str] = field(default_factory=list)  # texts that must stay text

    def missing(self, round_: Round) -> list[list[str]]:
        return [
            [u.short_name, t]
            for u in round_.units
            for t in round_.required_tables(u)
            if t not in self.totals.get(u.short_name, {})
        ]

    def over(self) -> list[str]:
        return [
            u for u, c in self.control.items() if self.totals.get(u, {}).get(T4, Decimal(0)) > c
        ]


class RoundWriter:
    def __init__(self, folder: Path, round_: Round | None = None) -> None:
        self.folder = folder
        self.round = round_ or load_round()
        self.expected = Expected()
        folder.mkdir(parents=True, exist_ok=True)

    def save(
        self, name: str, data: bytes, modified: str | None, file_time: str | None = None
    ) -> Path:
        if modified:
            data = with_modified(data, beijing(modified))
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        stamp = beijing(file_time or modified or "2023-12-01 08:00").timestamp()
        os.utime(path, (stamp, stamp))
        return path

    def count(
        self, unit: str, table: str, name: str, amounts: list[Decimal], version: int = 1
    ) -> None:
        self.expected.totals.setdefault(unit, {})[table] = sum(amounts, Decimal(0))
        self.expected.rows.setdefault(unit, {})[table] = len(amounts)
        self.expected.files[(unit, table)] = str(self.folder / name)
        self.expected.versions[(unit, table)] = version

    def table4(self, unit: str, taken: dict[str, object], own: dict[str, list] | None = None,
               *, name: str | None = None, modified: str | None = "2023-12-10 10:00",
               file_time: str | None = None, version: int = 1, counted: bool = True,
               engine: str = "openpyxl", word: bool = False) -> Path:  # fmt: skip
        rows = table4_rows(self.round, taken, own)
        for row in rows:  # a preset taken up gets its 项目绩效, as the unit fills it in
            if row.get("amount") and not row.get("performance"):
                row["performance"] = "完成年度目标任务，形成工作报告1份"
        sub = Submission(T4, rows=rows, unit=unit, round_=self.round)
        name = name or f"{unit}-{T4}.{'docx' if word else 'xlsx'}"
        data = sub.docx() if word else sub.xlsx(engine)
        path = self.save(name, data, modified, file_time)
        if counted:
            amounts = [Decimal(str(a)) for a in taken.values() if a]
            amounts += [Decimal(str(r["amount"])) for rs in (own or {}).values() for r in rs]
            self.count(unit, T4, name, amounts, version)
        return path

    def table(self, table: str, unit: str | None, rows: list[dict], *, name: str | None = None,
              modified: str | None = "2023-12-10 10:00", counted: bool = True) -> Path:  # fmt: skip
        sub = Submission(table, rows=rows, unit=unit, round_=self.round, quirks=DEFAULT_QUIRKS)
        name = name or f"{unit or '报送'}-{table}.xlsx"
        path = self.save(name, sub.xlsx(), modified)
        if counted and unit:
            self.count(unit, table, name, [Decimal(str(r["amount"])) for r in rows])
        return path

    def budget(self, unit: str, project_name: str, provincial: str, *, category: str,
               table_ref: str = T4, mismatch: bool = False,
               modified: str | None = "2023-12-11 10:00") -> Path:  # fmt: skip
        p = Decimal(provincial)
        values = {
            "project_name": project_name,
            "table_ref": table_ref,
            "category": category,
            "project_kind": "知识产权保护能力建设",
            "provincial": p,
            "local_matching": 10,
            "self_raised": 0,
            "other_sources": 0,
            "service_fee": p - 2,
            "maintenance_fee": 0,
            "expert_fee": 2,
            "enforcement_aid": 0,
            "training": 0,
            "publicity": 0,
            "other_expenses": 0,
            "calculation_note": "知识产权服务费用于保护协作；专家咨询费2万元用于评审。",
        }
        name = f"{unit}-预算表-{project_name}.xlsx"
        path = self.save(
            name, workbook([budget_layout(values, unit=unit, round_=self.round)]), modified
        )
        self.expected.budgets[(unit, project_name)] = p + 10
        if mismatch:
            self.expected.mismatched_budgets.append((unit, project_name))
        return path


HYPERLINK = '=HYPERLINK("http://example.com/x","点此查看")'
PLUS = "+1 加强知识产权保护宣传"
AT_SUM = "@SUM(A1:A9) 项目"


def write_round(folder: Path) -> Expected:
    """The 21-city round: most cities send 表四, two miss it, some resubmit, some are over their
    control number, some files have errors, 预算表 that agree and disagree with their rows."""
    w = RoundWriter(folder)
    e = w.expected
    units = [u.short_name for u in w.round.units]
    presets = [p.project for p in w.round.presets_for(T4) if not p.placeholder]
    control: dict[str, Decimal] = {}
    skip = {"汕尾市", "云浮市", "佛山市", "东莞市", "阳江市", "珠海市"}
    for i, unit in enumerate(units):
        control[unit] = Decimal(200 + 10 * i)
        if unit in skip:
            continue
        taken = {
            presets[i % len(presets)]: 50 + i,
            presets[(i + 5) % len(presets)]: Decimal("12.5") + i,
        }
        own = {
            "知识产权管理": [
                project("知识产权管理", f"{unit}知识产权管理能力提升", Decimal("0.0001") * (i + 1))
            ]
        }
        w.table4(unit, taken, own)
    # over their control numbers: 广州市 (index 0) and 深圳市
    control["广州市"] = Decimal("62.5")  # requests 50 + 12.5 + 0.0001
    control["深圳市"] = Decimal("64")  # requests 51 + 13.5 + 0.0002 = 64.5002
    # 佛山市 resubmits: the newer document is named so that it sorts first
    w.table4(
        "佛山市",
        {presets[0]: 80},
        name="佛山市-表四-最终版.xlsx",
        modified="2023-12-01 09:00",
        file_time="2023-12-20 09:00",
        counted=False,
    )
    w.table4(
        "佛山市",
        {presets[0]: 120, presets[1]: 30},
        name="佛山市-表四.xlsx",
        modified="2023-12-08 15:30",
        file_time="2023-12-09 09:00",
        version=2,
    )
    e.superseded.append(("佛山市", T4, str(folder / "佛山市-表四-最终版.xlsx"), 1))
    # 东莞市: three versions; the newest has an error (a negative amount) and still counts, flagged
    for n, (amount, when) in enumerate([(40, "2023-12-02 10:00"), (45, "2023-12-05 10:00")], 1):
        w.table4(
            "东莞市",
            {presets[2]: amount},
            name=f"东莞/东莞市-表四-v{n}.xlsx",
            modified=when,
            counted=False,
        )
        e.superseded.append(("东莞市", T4, str(folder / f"东莞/东莞市-表四-v{n}.xlsx"), n))
    w.table4(
        "东莞市",
        {presets[2]: 50, presets[3]: -5},
        name="东莞/东莞市-表四-v3.xlsx",
        modified="2023-12-12 10:00",
        version=3,
    )
    e.flagged.append(("东莞市", T4))
    # 阳江市 sends a Word table whose text looks like formulas: it must stay text
    own = {
        "知识产权文化宣传及合作交流": [
            project("知识产权文化宣传及合作交流", HYPERLINK, 15, work=PLUS, remarks=AT_SUM)
        ]
    }
    w.table4("阳江市", {presets[4]: 25}, own, word=True)
    e.formula_like += [HYPERLINK, PLUS, AT_SUM]
    # 珠海市 sends 表四 and two 预算表: one agrees with its row, one does not; a third names no row
    w.table4("珠海市", {presets[6]: 60, presets[7]: 40})
    cat6 = next(p.category for p in w.round.presets_for(T4) if p.project == presets[6])
    cat7 = next(p.category for p in w.round.presets_for(T4) if p.project == presets[7])
    w.budget("珠海市", presets[6], "60", category=cat6)
    w.budget("珠海市", presets[7], "35", category=cat7, mismatch=True)
    # 汕尾市 sends only 表一 (表四 missing); 云浮市 sends nothing
    w.table("表一", "汕尾市", [project("强化知识产权保护", "知识产权快速维权", 33)])
    # a 表二 from 中山市, a 表三 from 湛江市 with an unknown 类型 (an error, flagged)
    w.table("表二", "中山市", [subsidy("中国专利奖配套奖励", 20)])
    w.table("表三", "湛江市", [project("不在列表里的类型", "保护中心运行保障", 18)])
    e.flagged.append(("湛江市", "表三"))
    # a file that names no unit anywhere
    w.table(
        T4,
        None,
        [project("知识产权管理", "无名项目", 9)],
        name="表四（未署名）.xlsx",
        counted=False,
    )
    e.unassigned.append(str(folder / "表四（未署名）.xlsx"))
    e.control = control
    return e


def control_workbook(amounts: dict[str, Decimal]) -> bytes:
    """The control-number file as finance sends it: a title, 单位 and 下放资金控制数（万元）, a 合计."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "控制数"
    ws.append(["2024年度知识产权专项资金下放地市控制数"])
    ws.append(["序号", "单位", "下放资金控制数（万元）"])
    for i, (unit, amount) in enumerate(amounts.items(), 1):
        ws.append([i, unit, float(amount)])
    ws.append([None, "合计", float(sum(amounts.values(), Decimal(0)))])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
