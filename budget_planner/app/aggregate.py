"""``budget-planner aggregate``: files and folders on disk → validation, the CLI's choice of versions,
consolidation, the workbook and the JSON (docs/contracts.md). No click here: cli.py parses and prints."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from budget_planner.aggregate.allocation import build_plan
from budget_planner.aggregate.consolidate import Consolidation, consolidate
from budget_planner.aggregate.control import ControlNumbers, is_csv, read_control
from budget_planner.aggregate.plan_reader import read_last_year_plan
from budget_planner.aggregate.project_findings import ProjectFindings, find_projects
from budget_planner.aggregate.summary import summary
from budget_planner.aggregate.versions import Candidate, VersionChoice, choose_versions
from budget_planner.aggregate.years import LastYearPlan, compare_years
from budget_planner.app.ahead import ParseAhead, warm_validation
from budget_planner.app.report_cache import ReportCache, rebatch
from budget_planner.errors import UsageError
from budget_planner.money import plain
from budget_planner.templates.round import Round
from budget_planner.validators.check.pipeline import Checked, Upload, validate_uploads
from budget_planner.warm import no_cyclic_gc

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".docx")
ANNOTATED = "-标注.xlsx"  # the validate command's marked-up copies
LONG_BATCH = 20  # a batch this long shows a progress bar even when stderr is not a terminal


@dataclass(frozen=True)
class InputFile:
    path: Path
    shown: str  # the path as the user sees it

    @property
    def modified(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)


def _wanted(path: Path) -> bool:
    name = path.name
    return (
        path.suffix.lower() in SUFFIXES
        and not name.startswith("~$")
        and not name.endswith(ANNOTATED)
        and not name.startswith(".")
    )


def collect_files(
    paths: Sequence[Path], skip: Path | Sequence[Path | None] | None = None
) -> list[InputFile]:
    """The files named, and those in the folders named (recursively, sorted); no duplicates.

    Folders skip Excel lock files (~$…), annotated copies (…-标注.xlsx) and ``skip`` (the output
    workbook, the control-number file)."""
    found: dict[Path, InputFile] = {}
    skips = [skip] if isinstance(skip, Path) else list(skip or ())
    skipped = {p.resolve() for p in skips if p is not None}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and _wanted(child) and child.resolve() not in skipped:
                    found.setdefault(child.resolve(), InputFile(child, str(child)))
        elif path.is_file():
            found.setdefault(path.resolve(), InputFile(path, str(path)))
        else:
            raise UsageError(f"找不到文件或文件夹“{path}”")
    if not found:
        names = "、".join(SUFFIXES)
        raise UsageError(f"没有找到要汇总的文件（{names}）：请给出文件或包含它们的文件夹")
    return list(found.values())


@dataclass
class Aggregation:
    files: list[InputFile]
    results: list[list[Checked]]  # per file
    choice: VersionChoice
    consolidation: Consolidation
    control: ControlNumbers | None = None
    written: Path | None = None
    notes: list[str] = field(default_factory=list)
    findings: ProjectFindings | None = None  # 重复申报, 延续 … (issue 19)
    cache_hits: int = 0  # files whose result was kept from an earlier run (report_cache)

    @property
    def unreadable(self) -> list[str]:
        return [
            f.shown
            for f, checked in zip(self.files, self.results, strict=True)
            if any(c.report.unreadable for c in checked)
        ]

    @property
    def exit_code(self) -> int:
        """2 some file unreadable; 1 some counted file (or one that could not be placed) has
        errors, or the control-number file has; else 0. Over a control number is no exit reason."""
        if self.unreadable:
            return EXIT_USAGE
        if self.consolidation.flagged:
            return EXIT_ERRORS
        unplaced = [*self.choice.unassigned, *self.choice.unrecognised]
        if any(not u.ok for u in unplaced):
            return EXIT_ERRORS
        if self.control is not None and not self.control.ok:
            return EXIT_ERRORS
        return EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        data = summary(
            self.consolidation,
            self.choice.superseded,
            self.choice.unassigned,
            self.choice.unrecognised,
        )
        data["workbook"] = str(self.written) if self.written else None
        data["files"] = [
            {**c.report.to_dict(), "file": f.shown}
            for f, checked in zip(self.files, self.results, strict=True)
            for c in checked
        ]
        return data

    def json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def text(self) -> str:
        """The short summary printed without --json."""
        cons, rec = self.consolidation, self.consolidation.reconciliation
        lines = [
            f"已汇总 {len(cons.counted)} 个表（{len({v.unit for v in cons.counted})} 个单位，"
            f"{len(self.files)} 个文件），汇总表：{self.written}",
            f"全省申报合计（表一至表四）：{plain(cons.total)} 万元",
        ]
        if rec.control_total is not None:
            over = "、".join(u.unit for u in rec.over) or "无"
            lines.append(f"控制数合计：{plain(rec.control_total)} 万元；超出控制数的单位：{over}")
        missing = "、".join(u + t for u, t in cons.missing) or "无"
        lines.append(f"缺报：{missing}")
        if cons.flagged:
            flagged = "、".join(f"{v.file}" for v in cons.flagged)
            lines.append(f"有错误仍计入汇总：{flagged}")
        if self.choice.superseded:
            lines.append(f"已被较新版本取代：{len(self.choice.superseded)} 个")
        unplaced = [*self.choice.unassigned, *self.choice.unrecognised]
        for u in unplaced:
            lines.append(f"未计入：{u.file}（{u.reason}）")
        found = self.findings
        if found is not None:
            lines.append(f"重复申报：{len(found.doubles)} 对（见汇总表“重复申报”，不影响退出码）")
            if found.last_year is not None:
                lines.append(
                    f"延续项目：{len(found.continuations)} 个；"
                    f"申报书新增/延续与上年不符：{len(found.mismatches)} 个（与 {found.last_year.year} 年对比）"
                )
        return "\n".join(lines)


def run_aggregate(
    paths: Sequence[Path],
    round_: Round,
    out: Path,
    *,
    control_path: Path | None = None,
    last_year_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
    parse: Callable | None = None,
    cache: Path | None = None,
) -> Aggregation:
    """Validate, choose versions, consolidate, reconcile and write the workbook to ``out``; with
    ``last_year_path`` (last year's 分配方案) also mark 延续 and compare with last year. With
    ``cache`` (a folder), each file's result is kept there and a file met again is not validated
    again (``report_cache``)."""
    if out.is_dir():
        raise UsageError(f"--out 应是一个 .xlsx 文件名，而“{out}”是文件夹")
    files = collect_files(paths, skip=[out, control_path, last_year_path])
    if control_path is not None and not control_path.is_file():
        raise UsageError(f"找不到控制数文件“{control_path}”")
    last_year = read_last_year(last_year_path, round_, parse) if last_year_path else None
    uploads = _uploads(files)
    kept = ReportCache(cache, round_) if cache is not None else None
    found = [kept.get(u) if kept is not None else None for u in uploads]
    if progress is not None and any(hit is not None for hit in found):
        progress(sum(hit is not None for hit in found))
    misses = [u for u, hit in zip(uploads, found, strict=True) if hit is None]
    # a control-number workbook read before is not parsed again either (no parse worker to start)
    control_upload = _control_upload(control_path) if kept is not None else None
    control = kept.get_control(control_upload) if kept and control_upload else None
    to_read = control_path if control is None else None
    # pandas and pandera load while the worker parses (only when something is to be validated)
    warming = warm_validation() if misses else None
    try:
        if misses or to_read is not None:
            read, fresh = _validate(misses, round_, to_read, parse, progress, warming)
            control = control if read is None else read
        else:
            fresh = []
    finally:
        if warming is not None:
            warming.join()  # (at once, unless stopped early: never leave it importing at exit)
    if kept is not None and control_upload is not None and to_read is not None and control:
        kept.put_control(control_upload, control)
    new = iter(fresh)
    results = [hit if hit is not None else next(new) for hit in found]
    if kept is not None:
        for upload, hit, checked in zip(uploads, found, results, strict=True):
            if hit is None:
                kept.put(upload, checked)
        if kept.hits:
            rebatch(results)  # each 预算表 against this batch's rows, as one validation would
    # consolidation, findings and the workbook make hundreds of thousands of small objects, freed by
    # reference counting: the cyclic collector would only rescan the batch, ~0.1 s (warm.py)
    with no_cyclic_gc():
        aggregation = _consolidate(files, results, round_, out, control, last_year)
    if kept is not None:
        aggregation.cache_hits = kept.hits
    return aggregation


def _control_upload(path: Path | None) -> Upload | None:
    """A control-number workbook as a cache key (a CSV is read in this process: cheap to read
    again); None without one, or when it cannot be read (left to ``read_control`` to say)."""
    if path is None or is_csv(path.name):
        return None
    try:
        return Upload(path.read_bytes(), path.name)
    except OSError:
        return None


def _uploads(files: list[InputFile]) -> list[Upload]:
    uploads = []
    for f in files:
        try:
            data = f.path.read_bytes()
        except OSError as exc:
            raise UsageError(f"无法读取文件“{f.shown}”：{exc.strerror or exc}") from None
        uploads.append(Upload(data, f.path.name))
    return uploads


def read_last_year(path: Path, round_: Round, parse: Callable | None = None) -> LastYearPlan:
    """Last year's plan from a file, as the year before ``round_``'s."""
    if not path.is_file():
        raise UsageError(f"找不到上年分配方案“{path}”")
    plan = read_last_year_plan(path.read_bytes(), path.name, parse=parse)
    units = {name: round_.unit(name) for name in plan.units}  # 清远 → 清远市, as the site maps
    unknown = [name for name, unit in units.items() if unit is None]
    if unknown:
        raise UsageError(
            f"上年分配方案中的单位不是本轮次的{round_.unit_kind}："
            + "、".join(f"“{u}”" for u in unknown)
        )
    short = {name: unit.short_name for name, unit in units.items() if unit is not None}
    return replace(
        plan,
        title=plan.title or f"{round_.year - 1}年",
        year=round_.year - 1,
        lines=tuple(replace(line, unit=short[line.unit]) for line in plan.lines),
        controls={short[name]: amount for name, amount in plan.controls.items()},
    )


def _validate(
    uploads: list[Upload],
    round_: Round,
    control_path: Path | None,
    parse: Callable | None,
    progress: Callable[[int], None] | None,
    warming: threading.Thread | None,
) -> tuple[ControlNumbers | None, list[list[Checked]]]:
    with ParseAhead(parse) as ahead:
        control_data = control_path.read_bytes() if control_path is not None else None
        if control_path is not None and control_data is not None and not is_csv(control_path.name):
            ahead.submit(control_data, control_path.name)
        ahead.start(1)  # one worker while this process loads validation on the other core
        for upload in uploads:
            ahead.submit(upload.data, upload.name)
        control = None
        if control_path is not None and control_data is not None:
            control = read_control(control_data, control_path.name, round_, parse=ahead)
        if not uploads:
            return control, []
        if warming is not None:
            warming.join()
        ahead.start()  # then every worker of the pool
        # one batch: one schema run per table type, and each 预算表 checked against every table
        # row of the batch (docs/architecture.md); progress counts the files as their grids come back
        return control, validate_uploads(uploads, round_, parse=ahead.counting(progress))


def _consolidate(
    files: list[InputFile],
    results: list[list[Checked]],
    round_: Round,
    out: Path,
    control: ControlNumbers | None,
    last_year: LastYearPlan | None = None,
) -> Aggregation:
    from xlsxwriter.exceptions import FileCreateError

    from budget_planner.export.consolidated import write_consolidated

    candidates = [
        Candidate(checked, f.shown, f.modified, position)
        for f, per_file in zip(files, results, strict=True)
        for position, checked in enumerate(per_file)
    ]
    choice = choose_versions(candidates)
    cons = consolidate(round_, choice.counted, control)
    findings = find_projects(cons, last_year)
    comparison = None
    if last_year is not None:
        plan = build_plan(cons, {}, control.amounts if control is not None else {})
        comparison = compare_years(plan, round_.year, last_year)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        written = write_consolidated(
            out,
            cons,
            superseded=choice.superseded,
            unassigned=choice.unassigned,
            unrecognised=choice.unrecognised,
            findings=findings,
            comparison=comparison,
        )
    except (OSError, FileCreateError) as exc:
        raise UsageError(f"无法写出汇总表“{out}”：{exc}（文件是否正在 Excel 中打开？）") from None
    assert isinstance(written, Path)  # given a path, the writer returns it
    return Aggregation(files, results, choice, cons, control, written, findings=findings)
