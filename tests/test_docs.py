"""The README lists every issue code a report can carry (as sqlite-utils' test_docs.py does for its
commands): a code added to codes.py or a rule added to rules.toml fails here until it is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_planner.validators.codes import CODES
from budget_planner.validators.rules import load_rules

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
    row = next((line for line in readme.splitlines() if f"`{name}`" in line), "")
    assert CODES[name].title in row, f"README.md's row for {name} lacks its title"
