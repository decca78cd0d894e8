"""Messages are data (issue 15): every issue code in ``codes.py`` has its title and its message
template, every template (and every situation of a code) is used by the code that reports it, and
issues are made in one place, so no message is written twice."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from budget_planner.validators.report.codes import CODES, message
from budget_planner.validators.report.issues import issue, unreadable

PACKAGE = Path(__file__).resolve().parents[1] / "budget_planner"
CODES_PY = PACKAGE / "validators" / "report" / "codes.py"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _strings(nodes: list[ast.AST]) -> set[str]:
    return {
        c.value
        for node in nodes
        for c in ast.walk(node)
        if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }


def _functions() -> list[set[str]]:
    """The string constants of every function of the package (codes.py aside), one set each, and
    of every module's top-level statements (a message made once, at import)."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path == CODES_PY:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        found.append(_strings([n for n in tree.body if not isinstance(n, definitions)]))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append(_strings([node]))
    return found


@pytest.fixture(scope="module")
def functions() -> list[set[str]]:
    return _functions()


@pytest.mark.parametrize("name", sorted(CODES))
def test_every_code_has_a_title_and_a_template(name):
    code = CODES[name]
    assert code.title.strip() and code.template.strip()
    for case, template in code.cases.items():
        assert case.isidentifier() and template.strip(), (name, case)
    for template in (code.template, *code.cases.values()):
        assert all(f and not f.isdigit() for f in _fields(template)), "fields are named"


@pytest.mark.parametrize("name", sorted(CODES))
def test_every_template_is_used(functions, name):
    """A code is named where an issue is made; each of its situations in that same function."""
    users = [constants for constants in functions if name in constants]
    assert users, f"{name} has a template but nothing reports it"
    for case in CODES[name].cases:
        assert any(case in constants for constants in users), f"{name} case {case!r} unused"


def test_issues_are_made_through_one_function():
    """``Issue(`` and ``UnreadableFile(`` are called only where they are made from a code's
    template (issues.py), or rebuilt from what was made before (stored versions, a worker's reply,
    an unreadable file's exception)."""
    allowed = {
        ("validators/report/issues.py", "Issue"),
        ("validators/report/issues.py", "UnreadableFile"),
        ("storage/counted.py", "Issue"),  # a stored version's issues, as stored
        ("validators/intake/worker.py", "UnreadableFile"),  # the worker's reply, rebuilt
        ("validators/check/pipeline.py", "Issue"),  # an UnreadableFile's code and message
    }
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("Issue", "UnreadableFile")
            ):
                found.add((path.relative_to(PACKAGE).as_posix(), node.func.id))
    assert found <= allowed, found - allowed


def test_a_message_is_its_template_filled_from_the_fields_and_the_place():
    made = issue("amount.merged", sheet="Sheet1", cell="E7", row=7, label="金额", first=7, last=8)
    assert made.message == "金额单元格合并了第7–8行，只计入第7行一次；请每个项目各填一个金额"
    assert (made.code, made.sheet, made.cell, made.row, made.severity) == (
        "amount.merged",
        "Sheet1",
        "E7",
        7,
        "warning",
    )
    hidden = issue("sheet.hidden_ignored", sheet="旧稿", what="表四")
    assert hidden.message.startswith("隐藏的工作表“旧稿”中有表四，未读取")


def test_a_code_in_one_of_its_situations():
    assert message("file.not_spreadsheet", "pdf").startswith("这是 PDF 文件，无法读取其中的表格。")
    error = unreadable("file.timeout", "cpu", seconds=12)
    assert error.code == "file.timeout"
    assert error.message.startswith("读取文件超时（CPU 时间超过 12 秒），文件可能过大或结构异常。")
    with pytest.raises(KeyError):
        message("file.timeout", "no such situation")


def test_an_unknown_code_is_refused():
    with pytest.raises(KeyError, match=r"codes\.py"):
        issue("amount.typo", label="金额")


def test_a_rules_file_code_brings_its_own_template():
    made = issue(
        "rule.example", template="{label}不超过 {max_months} 个月", label="实施期", max_months=24
    )
    assert (made.message, made.severity) == ("实施期不超过 24 个月", "error")
