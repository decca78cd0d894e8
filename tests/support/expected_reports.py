"""The saved reports: what ``budget-planner validate --json`` says of every file in ``examples/``,
``tests/realworld2/``, ``tests/realworld3/``, of every file ``tests/support/realworld_files.py`` makes and
of the 88 files of the benchmarks' province round (``benchmarks/generate.py``, written afresh into a
temporary folder: one seed, the same bytes everywhere), and what ``budget-planner aggregate --json``
says of ``examples/`` and of that round, each with its control file.

They are committed in ``tests/expected_reports/`` and ``tests/test_expected_reports.py`` recomputes
and compares them, so that moving or rewriting code cannot change a report unnoticed. A change that
is meant to change a report (a message reworded, a reader fix) regenerates them with one command and
shows its diff in the commit::

    .venv/bin/python tests/support/expected_reports.py            # rewrite tests/expected_reports/
    .venv/bin/python tests/support/expected_reports.py --check    # compare only (exit 1 on a change)

Each set is validated the way a clerk sends it — one command per round, the files together, as the
real-world tests do (a 预算表 finds its table row among the unit's other files in the batch); each
file ``realworld_files.py`` makes is validated on its own. The JSON is stable: keys sorted, file names
relative to the repository, the consolidated workbook's path reduced to its name, no timestamps but
the workbooks' own document properties.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
OUT = TESTS / "expected_reports"
HENGYANG = "hengyang-2024"

for _path in (ROOT, TESTS, TESTS / "support"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def _cli(args: list[str]) -> tuple[int, str]:
    """Run the installed command in this process; its exit code and stdout. ``aggregate`` keeps its
    results in a folder of its own (never the user's cache): each report here is computed afresh."""
    from click.testing import CliRunner

    from budget_planner.cli import main

    with tempfile.TemporaryDirectory() as cache:
        extra = ["--cache", cache] if args[0] == "aggregate" else []
        result = CliRunner().invoke(main, [*args, *extra], catch_exceptions=False)
    return result.exit_code, result.stdout


def _validate(paths: list[str], round_id: str | None = None) -> dict:
    options = ["--round", round_id] if round_id else []
    code, out = _cli(["validate", "--json", *options, *paths])
    return {
        "command": _shown(["validate", "--json", *options]),
        "exit_code": code,
        "reports": json.loads(out),
    }


def _shown(args: list[str]) -> str:
    return "budget-planner " + " ".join(args)


def _relative(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _set_names(directory: str) -> tuple[list[str], list[str]]:
    """The province's and the 衡阳 round's file names of a committed real-world set."""
    if directory == "realworld2":
        import realworld2_files as rw2

        hengyang = [maker().name for maker in rw2.HENGYANG]
    else:
        hengyang = [maker().name for maker in importlib.import_module("realworld3_hengyang").MAKERS]
    every = sorted(p.name for p in (TESTS / directory).iterdir())
    return [n for n in every if n not in hengyang], [n for n in every if n in hengyang]


def _committed_sets() -> Iterator[tuple[str, Callable[[], dict]]]:
    examples = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix != ".csv")
    yield "validate-examples", lambda: _validate(_relative(examples))
    for directory in ("realworld2", "realworld3"):
        province, hengyang = _set_names(directory)
        folder = TESTS / directory
        yield (
            f"validate-{directory}-guangdong",
            lambda f=folder, n=province: _validate(_relative([f / x for x in n])),
        )
        yield (
            f"validate-{directory}-hengyang",
            lambda f=folder, n=hengyang: _validate(_relative([f / x for x in n]), HENGYANG),
        )


def realworld_makers() -> list[tuple[str, Callable[[], tuple[str, bytes]]]]:
    """Every maker of ``tests/support/realworld_files.py``: its public functions called without arguments."""
    import realworld_files as rw

    makers = []
    for name, function in inspect.getmembers(rw, inspect.isfunction):
        if function.__module__ != rw.__name__ or name.startswith("_") or name in ("row1", "row4"):
            continue
        if all(p.default is not p.empty for p in inspect.signature(function).parameters.values()):
            makers.append((name, function))
    return makers


def _made_files() -> dict:
    """Each made file validated on its own (several share a name); 衡阳 makers (``hy_``) on their round."""
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, maker in realworld_makers():
            file_name, data = maker()
            folder = Path(tmp, name)
            folder.mkdir()
            (folder / file_name).write_bytes(data)
            result = _validate(
                [str(folder / file_name)], HENGYANG if name.startswith("hy_") else None
            )
            found[name] = {"file": file_name, **result}
    return found


def _aggregate_examples() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp, "汇总表.xlsx")
        args = ["aggregate", "examples", "--control", "examples/控制数.csv", "--json"]
        code, out = _cli([*args, "--out", str(book)])
    report = json.loads(out)
    report["workbook"] = Path(report["workbook"]).name
    return {"command": _shown([*args, "--out", "汇总表.xlsx"]), "exit_code": code, "report": report}


def _benchmark_round() -> dict[str, dict]:
    """The benchmarks' round, validated as one batch and aggregated with its control numbers; file
    names as ``submissions/…`` (relative to the round's folder)."""
    import os

    from benchmarks.generate import write_round

    with tempfile.TemporaryDirectory() as tmp:
        write_round(Path(tmp))
        here = Path.cwd()
        os.chdir(tmp)
        try:
            files = sorted(str(p) for p in Path("submissions").iterdir())
            found = {"validate-benchmark-round": _validate(files)}
            args = ["aggregate", "submissions", "--control", "控制数.xlsx", "--json"]
            code, out = _cli([*args, "--out", str(Path(tmp, "汇总表.xlsx"))])
        finally:
            os.chdir(here)
    report = json.loads(out)
    report["workbook"] = Path(report["workbook"]).name
    found["aggregate-benchmark-round"] = {
        "command": _shown([*args, "--out", "汇总表.xlsx"]),
        "exit_code": code,
        "report": report,
    }
    return found


def compute() -> dict[str, dict]:
    """Every saved report, by the name of its file in ``tests/expected_reports/``."""
    import os

    here = Path.cwd()
    os.chdir(ROOT)  # file names relative to the repository
    try:
        reports = {name: make() for name, make in _committed_sets()}
        reports["validate-realworld_files"] = _made_files()
        reports["aggregate-examples"] = _aggregate_examples()
        reports.update(_benchmark_round())
    finally:
        os.chdir(here)
        from budget_planner.validators.intake import worker

        worker.shutdown()
    return reports


def dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def saved() -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted(OUT.glob("*.json"))}


def write(reports: dict[str, dict]) -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    for name, report in reports.items():
        (OUT / f"{name}.json").write_text(dumps(report), "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the saved reports only")
    args = parser.parse_args(argv)
    reports = compute()
    if not args.check:
        write(reports)
        print(f"{len(reports)} saved reports written to {OUT.relative_to(ROOT)}/")
        return 0
    now = {name: dumps(r) for name, r in reports.items()}
    changed = sorted(n for n in now.keys() | saved().keys() if now.get(n) != saved().get(n))
    for name in changed:
        print(f"changed: {name}.json")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
