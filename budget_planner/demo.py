"""The template set of the shipped round written and listed as it goes: blank, and personalised for
one city, into ``out_dir/模板`` (``tests/test_template_cli.py`` runs it). Not the ``budget-planner
demo`` command: that one builds the demo database and serves the site (``web/demo.py``, ``cli/site.py``).
"""

from __future__ import annotations

from pathlib import Path

from budget_planner.templates.round import load_round
from budget_planner.templates.writer import write_template_set

DEMO_UNIT = "清远市"
TEMPLATES_DIR = "模板"


def run_demo(out_dir: Path) -> list[Path]:
    """Write the demo output under ``out_dir`` and print a summary in Chinese; returns the files."""
    round_ = load_round()
    target = Path(out_dir) / TEMPLATES_DIR
    print(f"示例轮次：{round_.title}（{round_.id}，{len(round_.units)}个{round_.unit_kind}）")
    blank = write_template_set(round_, target)
    print(f"已生成空白模板 {len(blank)} 个：")
    for path in blank:
        print(f"  {path}")
    unit = round_.unit(DEMO_UNIT)
    assert unit is not None
    personal = write_template_set(round_, target, [unit])
    print(f"已生成{unit.full_name}的个性化模板 {len(personal)} 个（填报单位已预填）：")
    for path in personal:
        print(f"  {path}")
    return [*blank, *personal]
