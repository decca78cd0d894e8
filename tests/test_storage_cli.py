"""The admin commands: db upgrade, round load/open/close, accounts create/add/reset."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from budget_planner.cli import main
from budget_planner.storage import repository as repo

pytest_plugins = ["test_storage_support"]


@pytest.fixture
def run(db, tmp_path):
    """Run the CLI against the test database (SQLite, or the PostgreSQL schema of this run)."""
    url = db.get_bind().url.render_as_string(hide_password=False)

    def invoke(*args: str):
        result = CliRunner().invoke(
            main, [*args, "--database-url", url, "--instance", str(tmp_path / "instance")]
        )
        db.commit()  # end the test's read transaction: see what the command wrote
        db.expire_all()
        return result

    return invoke


def newest_migration() -> str:
    """The head revision of the migrations shipped in the package (0001, 0002, …)."""
    from alembic.script import ScriptDirectory

    from budget_planner.storage.db import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_db_upgrade(run):
    result = run("db", "upgrade")
    assert result.exit_code == 0
    assert f"数据库已是最新结构（版本 {newest_migration()}）" in result.stdout
    assert newest_migration() >= "0002"


def test_round_load_is_idempotent(run, db):
    first = run("round", "load")
    assert (first.exit_code, first.stdout) == (
        0,
        "轮次 guangdong-2024“2024年度知识产权项目需求征集”：征集单位 广东省，21 个单位，未开放\n",
    )
    again = run("round", "load", "--open")
    assert again.stdout == (
        "轮次 guangdong-2024“2024年度知识产权项目需求征集”：征集单位 广东省，21 个单位，征集中\n"
    )
    assert len(repo.units(db, "guangdong-2024", scope=None)) == 21
    assert [e.action for e in repo.audit_log(db, scope=None)] == ["round.opened", "round.loaded"]
    assert run("round", "close").stdout == "轮次 guangdong-2024 已关闭征集\n"
    assert repo.get_round(db, "guangdong-2024").status == "closed"


def test_the_county_round_loads_from_its_name(run, db):
    result = run("round", "load", "--round", "hengyang-2024")
    assert result.exit_code == 0, result.output
    assert "征集单位 湖南省 / 衡阳市，13 个单位" in result.stdout
    stored = repo.get_round(db, "hengyang-2024")
    assert stored is not None and len(stored.units) == len(repo.config_of(stored).units)


def test_round_load_attaches_each_round_to_its_collecting_unit_in_one_tree(run, db):
    """The province's round and 清远市's county round, loaded in either order, make one tree:
    广东省 → 清远市 → its 县市区, the same 清远市 a member of one and the collector of the other."""
    county = run("round", "load", "--round", "qingyuan-2024")
    assert "征集单位 广东省 / 清远市，8 个单位" in county.stdout
    run("round", "load")
    province, city = repo.get_round(db, "guangdong-2024"), repo.get_round(db, "qingyuan-2024")
    assert city.collector.parent_id == province.collector_id
    assert city.collector_id in {u.id for u in province.units}
    assert [u.short_name for u in city.units][-2:] == ["连山壮族瑶族自治县", "连南瑶族自治县"]
    assert {u.parent_id for u in city.units} == {city.collector_id}
    listed = run("units", "list").stdout.splitlines()
    assert listed[0] == "广东省" and "  清远市" in listed and "    英德市" in listed
    assert len(listed) == 1 + 21 + 8


def test_accounts_create_prints_one_time_passwords_that_work(run, db):
    run("round", "load")
    result = run("accounts", "create")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "单位\t用户名\t一次性密码" and len(lines) == 22
    unit, username, password = lines[7].split("\t")
    assert (unit, username) == ("河源市", "河源市")
    user = repo.authenticate(db, username, password)
    assert user is not None and user.must_change_password
    assert "已创建 21 个账号" in result.stderr
    again = run("accounts", "create")
    assert again.stdout == ""
    assert "另有 21 个单位已有账号，未改动" in again.stderr


def test_accounts_create_writes_a_workbook(run, db, tmp_path):
    run("round", "load")
    out = tmp_path / "账号.xlsx"
    result = run("accounts", "create", "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout == f"已创建 21 个账号，账号和一次性密码已写入 {out}\n"
    ws = load_workbook(out)["账号"]
    assert [c.value for c in ws[4]] == ["单位", "单位全称", "用户名", "一次性密码"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert len(rows) == 21
    assert rows[0][:3] == ["广州市", "广州市市场监督管理局（知识产权局）", "广州市"]
    assert all(ws.cell(row=r, column=4).data_type == "s" for r in range(5, 26))
    assert repo.authenticate(db, rows[20][2], rows[20][3]) is not None


def test_accounts_add_and_reset(run, db):
    run("round", "load")
    admin = run("accounts", "add", "省局管理员", "--role", "admin")
    assert admin.exit_code == 0
    password = admin.stdout.strip().rsplit("：", 1)[1]
    assert admin.stdout == f"已创建账号 省局管理员（广东省（审核）），一次性密码：{password}\n"
    signed_in = repo.authenticate(db, "省局管理员", password)
    assert (signed_in.unit.short_name, signed_in.holdings) == ("广东省", (repo.Holding.REVIEWER,))

    unit = run("accounts", "add", "清远市", "--role", "unit", "--unit", "清远市")
    assert unit.exit_code == 0
    assert repo.get_user(db, "清远市").unit.short_name == "清远市"
    given = run("accounts", "set", "清远市", "--reviewer")
    assert given.stdout == "账号 清远市：清远市（审核）\n"
    assert repo.get_user(db, "清远市").reviewer

    reset = run("accounts", "reset", "省局管理员")
    new = reset.stdout.strip().rsplit("：", 1)[1]
    assert reset.stdout == f"账号 省局管理员 的新一次性密码：{new}\n"
    assert repo.authenticate(db, "省局管理员", password) is None
    assert repo.authenticate(db, "省局管理员", new) is not None
    actions = [
        (e.action, e.username)
        for e in repo.audit_log(db, scope=None, actions=("user.created", "password.reset"))
    ]
    assert actions == [
        ("password.reset", "命令行"),
        ("user.created", "命令行"),
        ("user.created", "命令行"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accounts", "add", "某某", "--role", "unit"), "报送单位账号须用 --unit 指定单位"),
        (
            ("accounts", "add", "某某", "--role", "unit", "--unit", "火星市"),
            "单位树中没有单位“火星市”",
        ),
        (("accounts", "reset", "无此人"), "没有用户名为“无此人”的账号"),
    ],
)
def test_mistakes_get_a_chinese_message_and_exit_code_2(run, args, message):
    run("round", "load")
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：") and message in result.stderr
    assert "Traceback" not in result.output


def test_accounts_before_the_round_is_loaded(run):
    result = run("accounts", "create")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "错误：数据库中还没有轮次 guangdong-2024：请先运行 budget-planner round load\n"
    )


def test_the_commands_explain_themselves_in_chinese():
    result = CliRunner().invoke(main, ["accounts", "create", "--help"])
    assert "为轮次中的每个单位创建账号" in result.stdout
    assert "--database-url" in result.stdout and "DATABASE_URL" in result.stdout


def test_round_import_plan_makes_last_years_closed_round(run, db):
    from pathlib import Path

    plan = Path(__file__).resolve().parents[1] / "examples-2023" / "2023年度分配方案.xlsx"
    run("round", "load")
    result = run("round", "import-plan", str(plan))
    assert (result.exit_code, result.stdout) == (
        0,
        "已导入 2023年度分配方案.xlsx：轮次 guangdong-2023“2023年度知识产权项目需求征集（上年分配方案导入）”"
        "（2023 年，已关闭），15 个项目，6 个控制数；申报 802 万元，核定 725 万元\n",
    )
    stored = repo.get_round(db, "guangdong-2023")
    assert stored.status == "closed" and stored.collector.short_name == "广东省"
    assert repo.control_numbers(db, "guangdong-2023", scope=None)["清远市"] == 150


def test_round_import_plan_refuses_a_table_that_is_no_plan(run, db, tmp_path):
    from builders import make_table, project

    run("round", "load")
    wrong = tmp_path / "清远市-表四.xlsx"
    wrong.write_bytes(make_table("表四", "清远市", [project("知识产权管理", "统计监测", 10)]))
    result = run("round", "import-plan", str(wrong))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith("错误：“清远市-表四.xlsx”中找不到上年分配方案的表头")
    assert repo.get_round(db, "guangdong-2023") is None
