"""The README lists every issue code a report can carry (as sqlite-utils' test_docs.py does for its
commands): a code added to codes.py or a rule added to rules.toml fails here until it is documented."""

from __future__ import annotations

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
