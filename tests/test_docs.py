"""The README lists every issue code a report can carry (as sqlite-utils' test_docs.py does for its
commands): a code added to codes.py or a rule added to rules.toml fails here until it is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budget_planner.validators.check.rules import load_rules
from budget_planner.validators.report.codes import CODES

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text("utf-8")


def _rule_codes() -> list[str]:
    codes = []
    for rule in load_rules().rules:
        codes.append(rule.code)
        if rule.kind == "max_period":
            codes.append(f"{rule.code}.unreadable")
    return codes


@pytest.mark.parametrize("code", [*CODES, *_rule_codes()])
def test_issue_code_is_in_the_readme(readme, code):
    assert f"`{code}`" in readme, f"README.md does not list the issue code {code}"


@pytest.mark.parametrize("name", sorted(CODES))
def test_readme_gives_the_code_its_title(readme, name):
    # the code's row of the table (prose may name a code before it)
    row = _table_rows(readme).get(name, ("", ""))
    assert CODES[name].title == row[1], f"README.md's row for {name} lacks its title"


def _table_rows(readme: str) -> dict[str, tuple[str, str]]:
    """The README's issue-code table: code → (severity as written, title)."""
    start = readme.index("## Issue codes")
    end = readme.index("\n## ", start + 1)
    rows = {}
    for line in readme[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("`"):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    return rows


def test_readme_code_table_equals_the_catalogue(readme):
    """Every row of the table is a code the reader can emit, with its severity and exact title, and
    every code has its row: the table and codes.py (plus the rules file) are one list."""
    rows = _table_rows(readme)
    rule_codes = set(_rule_codes())
    assert set(rows) == set(CODES) | rule_codes
    for name, code in CODES.items():
        assert rows[name] == (code.severity.label, code.title), name
    for rule in load_rules().rules:
        assert rows[rule.code][0] == rule.severity.label, rule.code


# ---------------------------------------------------------------- docs/ (issue 15)
ROOT = README.parent
CONTRACTS = ROOT / "docs" / "contracts.md"


@pytest.fixture(scope="module")
def contracts() -> str:
    return CONTRACTS.read_text("utf-8")


def _commands() -> list[str]:
    import click

    from budget_planner.cli import main

    found = []

    def walk(command: click.Command, path: str) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}")
        else:
            found.append(path)

    walk(main, "budget-planner")
    return found


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_contracts(contracts, command):
    assert f"`{command}" in contracts, f"docs/contracts.md does not list {command}"


_ENV = re.compile(
    r"""(?:environ\.get|environ\[|env\.get|env\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
    r"""|_ENV\s*=\s*["']([A-Z][A-Z0-9_]+)["']"""
)
_NOT_OURS = {"PYTHONPATH"}  # passed on to the parse workers as it is


def _environment_variables() -> list[str]:
    names = set()
    for path in (ROOT / "budget_planner").rglob("*.py"):
        for match in _ENV.finditer(path.read_text("utf-8")):
            names.add(match[1] or match[2])
    return sorted(names - _NOT_OURS)


def test_the_environment_variables_are_found():
    assert {"DATABASE_URL", "SECRET_KEY", "BUDGET_PLANNER_PYTHON"} <= set(_environment_variables())


@pytest.mark.parametrize("name", _environment_variables())
def test_every_environment_variable_is_in_the_contracts(contracts, name):
    rows = [line for line in contracts.splitlines() if line.startswith(f"| `{name}` |")]
    assert rows, f"docs/contracts.md's environment table lacks {name}"


def _placeholders(path: str) -> str:
    return re.sub(r"<[^>]*>", "<…>", path)


def test_every_api_route_is_in_the_contracts(contracts, app):
    routes = {
        f"{method} {_placeholders(rule.rule)}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    }
    documented = {
        _placeholders(m[1])
        for m in re.finditer(r"^\| `((?:GET|POST) /api/[^`]+)`", contracts, re.MULTILINE)
    }
    assert routes == documented


def test_nothing_points_outside_the_repository():
    """Comments and documents point at docs/, never at a design or seed document kept elsewhere."""
    outside = re.compile(r"DESIGN §|DESIGN\.md|seed 00\d|shared/seeds")
    found = []
    for path in [*(ROOT / "budget_planner").rglob("*"), README, *(ROOT / "docs").glob("*.md")]:
        if path.suffix in (".py", ".toml", ".md", ".html") and outside.search(
            path.read_text("utf-8")
        ):
            found.append(str(path.relative_to(ROOT)))
    assert found == []


@pytest.mark.parametrize(
    "page", ["architecture.md", "contracts.md", "domain.md", "reader.md", "workflow.md"]
)
def test_the_readme_links_every_page_of_docs(readme, page):
    assert f"docs/{page}" in readme
