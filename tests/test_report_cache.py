"""``aggregate --cache``: a file met again is not validated again, and nothing a user sees changes.

Each file's reports and tables are kept as JSON keyed by the bytes, the name, the round and the
package; a second run over the same files gives the same JSON and the same workbook without
validating; a changed file is validated again and the 预算表 of the batch checked against it; a
broken or foreign entry is recomputed, never believed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import budget_planner.app.aggregate as app_aggregate
from budget_planner.app import report_cache
from budget_planner.app.report_cache import ReportCache
from budget_planner.cli import main
from budget_planner.templates.round import load_round
from budget_planner.validators.check.pipeline import Upload, validate_uploads
from budget_planner.validators.intake.extract import read_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
REALWORLD3 = ROOT / "tests" / "realworld3"
ZHAOQING_BUDGET = "肇庆市-预算表-知识产权联盟及专利池建设项目.xlsx"


@pytest.fixture(scope="module", autouse=True)
def _stop_parse_workers():
    yield
    from budget_planner.validators.intake.worker import shutdown

    shutdown()


def _uploads(folder: Path) -> list[Upload]:
    files = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".xls", ".docx", ".xlsm"))
    return [Upload(p.read_bytes(), p.name) for p in files]


@pytest.mark.parametrize("folder", [EXAMPLES, REALWORLD3], ids=["examples", "realworld3"])
def test_a_kept_result_reads_back_equal_to_the_fresh_one(tmp_path, folder):
    round_ = load_round()
    uploads = _uploads(folder)
    fresh = validate_uploads(uploads, round_, parse=read_workbook)
    cache = ReportCache(tmp_path, round_)
    for upload, checked in zip(uploads, fresh, strict=True):
        assert cache.put(upload, checked), upload.name
    issues = 0
    for upload, checked in zip(uploads, fresh, strict=True):
        back = cache.get(upload)
        assert back is not None, upload.name
        assert [c.report.to_dict() for c in back] == [c.report.to_dict() for c in checked]
        assert [c.table for c in back] == [c.table for c in checked]
        assert [c.modified for c in back] == [c.modified for c in checked]
        issues += sum(len(c.report.issues) for c in back)
    assert cache.hits == len(uploads) and issues > 0  # errors and warnings went through too


def _aggregate(folder: Path, out: Path, *options: str):
    args = ["aggregate", str(folder), "--out", str(out), "--control", str(folder / "控制数.csv")]
    result = CliRunner().invoke(main, [*args, "--json", *options])
    assert result.exit_code in (0, 1), result.output
    return result, json.loads(result.stdout)


def _cells(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's values, but the 说明 sheet's 生成时间 (two runs may fall in two minutes)."""
    book = load_workbook(path)
    return {
        ws.title: [tuple(r) for r in ws.iter_rows(values_only=True) if r[:1] != ("生成时间",)]
        for ws in book
    }


@pytest.fixture
def round_dir(tmp_path):
    folder = tmp_path / "报送"
    shutil.copytree(EXAMPLES, folder)
    return folder


def test_the_second_run_reuses_every_file_and_says_the_same(tmp_path, round_dir, monkeypatch):
    cache, out = tmp_path / "缓存", tmp_path / "汇总.xlsx"
    first, data = _aggregate(round_dir, out, "--cache", str(cache))
    book = _cells(out)
    assert "取自缓存" not in first.stderr
    entries = list(cache.rglob("*.json"))
    assert len(entries) == 16  # one per submission (the control file is not a submission)

    def no_validation(*args, **kwargs):
        raise AssertionError("validated again")

    monkeypatch.setattr(app_aggregate, "validate_uploads", no_validation)
    second, again = _aggregate(round_dir, out, "--cache", str(cache))
    assert "16 个文件未改动，校验结果取自缓存" in second.stderr
    assert again == data
    assert second.exit_code == first.exit_code == 1  # 河源市-表一 has errors
    assert _cells(out) == book
    assert not list(cache.rglob(".tmp-*"))  # written by renaming: no half-written entry left


def test_a_changed_file_is_validated_again_and_the_budget_checked_against_it(tmp_path, round_dir):
    cache, out = tmp_path / "缓存", tmp_path / "汇总.xlsx"
    _, before = _aggregate(round_dir, out, "--cache", str(cache))
    budget = next(f for f in before["files"] if f["file"].endswith(ZHAOQING_BUDGET))
    assert budget["issues"] == []
    # the clerk of 肇庆市 changes the amount of the project its 预算表 belongs to
    round_ = load_round()
    table4 = round_dir / "肇庆市-表四.xlsx"
    [[checked]] = validate_uploads([Upload(table4.read_bytes(), table4.name)], round_)
    row = next(r for r in checked.table.project_rows if "专利池" in str(r.value("project")))
    cell = row.cell("amount")
    book = load_workbook(table4)
    book.active[cell] = 987
    book.save(table4)

    second, after = _aggregate(round_dir, out, "--cache", str(cache))
    assert "15 个文件未改动" in second.stderr
    fresh, expected = _aggregate(round_dir, tmp_path / "新.xlsx", "--no-cache")
    expected["workbook"] = after["workbook"]
    assert after == expected
    budget = next(f for f in after["files"] if f["file"].endswith(ZHAOQING_BUDGET))
    mismatch = [i for i in budget["issues"] if i["code"] == "budget.row_mismatch"]
    assert len(mismatch) == 1 and "987" in mismatch[0]["message"]
    assert second.exit_code == fresh.exit_code


def test_an_unreadable_file_is_never_kept(tmp_path, round_dir):
    """A failed parse may be the machine's (out of time or memory): tried again on every run."""
    (round_dir / "茂名市-表四.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    cache, out = tmp_path / "缓存", tmp_path / "汇总.xlsx"
    args = ["aggregate", str(round_dir), "--out", str(out), "--json", "--cache", str(cache)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 2  # an unreadable file
    assert len(list(cache.rglob("*.json"))) == 16  # the 16 readable submissions only
    second = CliRunner().invoke(main, args)
    assert "16 个文件未改动" in second.stderr and second.exit_code == 2
    broken = [
        f for f in json.loads(second.stdout)["files"] if f["file"].endswith("茂名市-表四.xlsx")
    ]
    assert [i["code"] for i in broken[0]["issues"]] == ["file.corrupt"]


def test_a_renamed_file_or_another_round_is_a_new_key(tmp_path):
    round_ = load_round()
    upload = Upload((EXAMPLES / "广州市-表四.xlsx").read_bytes(), "广州市-表四.xlsx")
    cache = ReportCache(tmp_path, round_)
    key = cache.key(upload)
    assert cache.key(Upload(upload.data, "广州市-表四（二）.xlsx")) != key
    assert cache.key(Upload(upload.data, upload.name, "广州市")) != key
    assert ReportCache(tmp_path, load_round("hengyang-2024")).key(upload) != key
    assert cache.key(Upload(upload.data + b"\0", upload.name)) != key
    assert ReportCache(tmp_path / "x", round_).key(upload) == key


def _garble(path: Path, how: str) -> None:
    entry = json.loads(path.read_text("utf-8"))
    if how == "cut":
        path.write_text(path.read_text("utf-8")[:100], "utf-8")
    elif how == "foreign":
        entry["key"] = "0" * 64  # an entry made for another file, copied here
        path.write_text(json.dumps(entry), "utf-8")
    elif how == "outside":
        entry["classes"][0][0] = "os:system"  # naming anything outside the package
        path.write_text(json.dumps(entry), "utf-8")
    elif how == "fields":
        entry["classes"] = [[name, [*(fields or []), "extra"]] for name, fields in entry["classes"]]
        path.write_text(json.dumps(entry), "utf-8")


@pytest.mark.parametrize("how", ["cut", "foreign", "outside", "fields"])
def test_a_broken_or_foreign_entry_is_recomputed(tmp_path, round_dir, how):
    cache, out = tmp_path / "缓存", tmp_path / "汇总.xlsx"
    _, before = _aggregate(round_dir, out, "--cache", str(cache))
    for entry in cache.rglob("*.json"):
        _garble(entry, how)
    second, after = _aggregate(round_dir, out, "--cache", str(cache))
    assert "取自缓存" not in second.stderr
    assert after == before
    third, _ = _aggregate(round_dir, out, "--cache", str(cache))  # rewritten whole
    assert "16 个文件未改动" in third.stderr


def test_no_cache_keeps_nothing_and_the_default_folder_is_the_users(tmp_path, round_dir):
    default = tmp_path / "用户缓存"
    runner = CliRunner(env={report_cache.CACHE_ENV: str(default)})
    args = ["aggregate", str(round_dir), "--out", str(tmp_path / "a.xlsx")]
    assert runner.invoke(main, [*args, "--no-cache"]).exit_code == 1
    assert not default.exists()
    runner.invoke(main, args)
    assert len(list(default.rglob("*.json"))) == 16
    assert "16 个文件未改动" in runner.invoke(main, args).stderr


def test_the_default_folder_follows_the_platform_convention(monkeypatch, tmp_path):
    monkeypatch.delenv(report_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(report_cache.sys, "platform", "linux")
    assert report_cache.default_dir() == tmp_path / "budget-planner"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert report_cache.default_dir() == Path.home() / ".cache" / "budget-planner"


def test_a_control_workbook_read_before_is_not_read_again(tmp_path, round_dir, monkeypatch):
    """The control-number workbook is kept too: a second run starts no parse at all, and says the
    same; the same file changed is read again."""
    from decimal import Decimal

    from tests.support.synthetic_round import control_workbook

    control = tmp_path / "控制数.xlsx"
    amounts = {"广州市": Decimal(380), "深圳市": Decimal(300), "清远市": Decimal("12.5")}
    control.write_bytes(control_workbook(amounts))
    cache, out = tmp_path / "缓存", tmp_path / "汇总.xlsx"
    args = ["aggregate", str(round_dir), "--out", str(out), "--control", str(control)]
    first = CliRunner().invoke(main, [*args, "--json", "--cache", str(cache)])
    book = _cells(out)
    assert len(list(cache.rglob("*.json"))) == 17  # the 16 submissions and the control file

    def no_reading(*args, **kwargs):
        raise AssertionError("read again")

    with monkeypatch.context() as m:
        m.setattr(app_aggregate, "_validate", no_reading)
        second = CliRunner().invoke(main, [*args, "--json", "--cache", str(cache)])
    assert "16 个文件未改动" in second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert second.exit_code == first.exit_code
    assert _cells(out) == book
    assert _control_of(json.loads(second.stdout), "清远") == "12.5"

    control.write_bytes(control_workbook({**amounts, "清远市": Decimal("99")}))
    third = CliRunner().invoke(main, [*args, "--json", "--cache", str(cache)])
    assert _control_of(json.loads(third.stdout), "清远") == "99"


def _control_of(data: dict, unit: str) -> str:
    return next(u["control"] for u in data["reconciliation"] if u["unit"].startswith(unit))
