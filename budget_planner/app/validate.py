"""``budget-planner validate``: files on disk → reports, JSON or terminal text, annotated copies and
the exit code (docs/contracts.md). No click here: cli.py parses the arguments and prints what this returns."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from budget_planner.errors import UsageError
from budget_planner.templates.round import Round
from budget_planner.validators.check.pipeline import Checked, Upload, validate_uploads
from budget_planner.validators.report.issues import Report

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


@dataclass
class Outcome:
    results: list[list[Checked]]  # per file, in argument order
    written: list[Path] = field(default_factory=list)  # annotated copies
    notes: list[str] = field(default_factory=list)  # for stderr

    @property
    def reports(self) -> list[Report]:
        return [c.report for per_file in self.results for c in per_file]

    @property
    def exit_code(self) -> int:
        """0 no errors (warnings allowed), 1 some file has errors, 2 some file unreadable."""
        reports = self.reports
        if any(r.unreadable for r in reports):
            return EXIT_USAGE
        return EXIT_ERRORS if any(not r.ok for r in reports) else EXIT_OK

    def json(self) -> str:
        """ONE array: one object per table found, in argument order then sheet order."""
        return json.dumps([r.to_dict() for r in self.reports], ensure_ascii=False, indent=2)


def read_files(paths: Sequence[Path]) -> list[tuple[Path, bytes]]:
    """The files' bytes; a missing path or a directory is a usage error (in Chinese)."""
    out = []
    for path in paths:
        if path.is_dir():
            raise UsageError(f"“{path}”是文件夹，请给出要校验的文件")
        if not path.is_file():
            raise UsageError(f"找不到文件“{path}”")
        try:
            out.append((path, path.read_bytes()))
        except OSError as exc:
            raise UsageError(f"无法读取文件“{path}”：{exc.strerror or exc}") from None
    return out


def expected_unit(round_: Round, name: str | None) -> str | None:
    """The short name of ``--unit`` (short or full name, or an alias); unknown is a usage error."""
    if not name:
        return None
    unit = round_.unit(name)
    if unit is None:
        examples = "、".join(u.short_name for u in round_.units[:3])
        raise UsageError(
            f"未知的单位“{name}”：请用本轮次{round_.unit_kind}的简称或全称（如 {examples}）"
        )
    return unit.short_name


def run(
    paths: Sequence[Path],
    round_: Round,
    *,
    unit: str | None = None,
    annotate_dir: Path | None = None,
    parse: Callable | None = None,
) -> Outcome:
    files = read_files(paths)
    expected = expected_unit(round_, unit)
    uploads = [Upload(data, path.name, expected) for path, data in files]
    outcome = Outcome(validate_uploads(uploads, round_, parse=parse))
    if annotate_dir is not None:
        _annotate_all(outcome, files, annotate_dir)
    return outcome


def _annotate_all(outcome: Outcome, files: list[tuple[Path, bytes]], out_dir: Path) -> None:
    from budget_planner.validators.report.annotate import annotate, annotated_name

    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for (path, data), checked in zip(files, outcome.results, strict=True):
        if any(c.report.unreadable for c in checked):
            outcome.notes.append(f"{path.name}：文件无法读取，未生成标注文件")
            continue
        name = annotated_name(path.name)
        stem, n = name[: -len(".xlsx")], 2
        while name in used:
            name, n = f"{stem}（{n}）.xlsx", n + 1
        used.add(name)
        target = out_dir / name
        target.write_bytes(annotate(data, path.name, checked))
        outcome.written.append(target)
        outcome.notes.append(f"已写出标注文件：{target}")
