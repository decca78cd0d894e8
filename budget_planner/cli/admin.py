"""Commands on the database: migrations, rounds, accounts (the storage layer's edge)."""

from __future__ import annotations

from pathlib import Path

import click

from budget_planner.cli.base import ROUND_OPTION, load_round, main
from budget_planner.cli.database import database, db_options
from budget_planner.cli.tree import unit_named, unit_path


def _round_toml(round_file: Path | None) -> str:
    from importlib import resources

    from budget_planner.templates.round import DEFAULT_ROUND

    if round_file is not None and round_file.is_file():
        return round_file.read_text("utf-8")
    stem = round_file.stem if round_file is not None else DEFAULT_ROUND
    return (
        resources.files("budget_planner.templates.rounds")
        .joinpath(f"{stem}.toml")
        .read_text("utf-8")
    )


def _stored_round_id(session, round_file: Path | None) -> str:
    from budget_planner.errors import UsageError
    from budget_planner.storage.rounds import get_round

    round_ = load_round(round_file)
    if get_round(session, round_.id) is None:
        raise UsageError(f"数据库中还没有轮次 {round_.id}：请先运行 budget-planner round load")
    return round_.id


@main.group()
def db() -> None:
    """数据库维护。"""


@db.command("upgrade")
@db_options
def db_upgrade(instance_dir: Path, database_url: str | None) -> None:
    """把数据库结构升级到最新版本（首次运行时建表）。"""
    from budget_planner.storage.db import current_revision

    with database(instance_dir, database_url) as session:
        engine = session.get_bind()
        click.echo(f"数据库已是最新结构（版本 {current_revision(engine)}）：{engine.url!r}")


@main.group("round")
def round_group() -> None:
    """征集轮次：导入、开放、关闭。"""


@round_group.command("load")
@ROUND_OPTION
@click.option("--open", "open_now", is_flag=True, help="导入后立即开放征集。")
@db_options
def round_load(
    round_file: Path | None, open_now: bool, instance_dir: Path, database_url: str | None
) -> None:
    """按轮次配置创建轮次，挂在其征集单位下，各报送单位放入单位树；重复运行只更新有变化的内容。"""
    from budget_planner.storage.models import RoundStatus
    from budget_planner.storage.rounds import load_round_into_db, open_round

    round_ = load_round(round_file)
    with database(instance_dir, database_url) as session:
        stored = load_round_into_db(session, round_, _round_toml(round_file))
        if open_now:
            stored = open_round(session, stored.id)
        status = RoundStatus(stored.status).label
        click.echo(
            f"轮次 {stored.id}“{stored.title}”：征集单位 {unit_path(session, stored.collector_id)}，"
            f"{len(stored.units)} 个单位，{status}"
        )


def _round_status_command(name: str, verb: str):
    @round_group.command(name, help=f"{verb}征集（默认轮次为内置的广东省 2024 年度）。")
    @ROUND_OPTION
    @db_options
    def command(round_file: Path | None, instance_dir: Path, database_url: str | None) -> None:
        from budget_planner.storage import rounds

        with database(instance_dir, database_url) as session:
            round_id = _stored_round_id(session, round_file)
            getattr(rounds, f"{name}_round")(session, round_id)
            click.echo(f"轮次 {round_id} 已{verb}征集")

    return command


_round_status_command("open", "开放")
_round_status_command("close", "关闭")


@main.group()
def accounts() -> None:
    """账号管理：为各单位批量开户、添加账号、重置密码。"""


@accounts.command("create")
@ROUND_OPTION
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="把账号和一次性密码写入该 Excel 文件（不在屏幕上显示密码）。",
)
@db_options
def accounts_create(
    round_file: Path | None, out_file: Path | None, instance_dir: Path, database_url: str | None
) -> None:
    """为轮次中的每个单位创建账号（用户名为单位简称）并生成一次性密码。"""
    from budget_planner.storage.unit_accounts import create_unit_accounts

    with database(instance_dir, database_url) as session:
        round_id = _stored_round_id(session, round_file)
        created = create_unit_accounts(session, round_id)
        total = len(_round_units(session, round_id))
    skipped = total - len(created)
    if out_file is not None and created:
        from budget_planner.export.accounts import write_accounts

        try:
            write_accounts(out_file, created, title=f"{load_round(round_file).title}：报送单位账号")
            click.echo(f"已创建 {len(created)} 个账号，账号和一次性密码已写入 {out_file}")
            created = []
        except OSError as exc:  # the accounts exist now: never lose their passwords
            click.echo(f"无法写入 {out_file}（{exc.strerror}），账号和一次性密码如下：", err=True)
    if created:
        click.echo("单位\t用户名\t一次性密码")
        for account in created:
            click.echo(f"{account.unit}\t{account.username}\t{account.password}")
        click.echo(f"已创建 {len(created)} 个账号", err=True)
    elif total == skipped:
        click.echo("没有需要新建的账号", err=True)
    if skipped:
        click.echo(
            f"另有 {skipped} 个单位已有账号，未改动；如需新密码请用 budget-planner accounts reset 用户名",
            err=True,
        )


def _round_units(session, round_id: str) -> list:
    from budget_planner.storage.rounds import units

    return units(session, round_id, scope=None)


@accounts.command("add")
@click.argument("username")
@click.option("--unit", "unit_name", default=None, help="账号所属单位（简称或全称）。")
@click.option(
    "--reviewer", is_flag=True, help="在本单位持有审核权限（本单位征集的轮次中审核、管理）。"
)
@click.option(
    "--finance", is_flag=True, help="在本单位持有财务权限（本单位征集的轮次中核定金额）。"
)
@click.option(
    "--role",
    type=click.Choice(["admin", "finance", "unit"]),
    default=None,
    help="简便写法：admin 即 --reviewer、finance 即 --finance（未给 --unit 时为轮次的征集单位），"
    "unit 为报送单位账号（须给 --unit）。",
)
@ROUND_OPTION
@db_options
def accounts_add(
    username: str,
    unit_name: str | None,
    reviewer: bool,
    finance: bool,
    role: str | None,
    round_file: Path | None,
    instance_dir: Path,
    database_url: str | None,
) -> None:
    """添加一个属于某单位的账号并显示其一次性密码（首次登录须修改）。"""
    from budget_planner.errors import UsageError
    from budget_planner.storage.accounts import one_time_password
    from budget_planner.storage.rounds import get_round
    from budget_planner.storage.unit_accounts import create_user, describe

    reviewer = reviewer or role == "admin"
    finance = finance or role == "finance"
    if unit_name is None and not (reviewer or finance):
        raise UsageError("报送单位账号须用 --unit 指定单位")
    with database(instance_dir, database_url) as session:
        if unit_name is not None:
            unit = unit_named(session, unit_name)
        else:  # the collecting office's account: the round's collector
            stored = get_round(session, _stored_round_id(session, round_file))
            assert stored is not None
            unit = stored.collector
        password = one_time_password()
        account = create_user(session, username, password, unit, reviewer=reviewer, finance=finance)
        click.echo(f"已创建账号 {account.username}（{describe(account)}），一次性密码：{password}")


@accounts.command("set")
@click.argument("username")
@click.option("--reviewer/--no-reviewer", default=None, help="持有（或不再持有）审核权限。")
@click.option("--finance/--no-finance", default=None, help="持有（或不再持有）财务权限。")
@db_options
def accounts_set(
    username: str,
    reviewer: bool | None,
    finance: bool | None,
    instance_dir: Path,
    database_url: str | None,
) -> None:
    """改变账号在本单位持有的权限（审核、财务）。"""
    from budget_planner.errors import UsageError
    from budget_planner.storage.accounts import get_user
    from budget_planner.storage.unit_accounts import describe, set_holdings

    with database(instance_dir, database_url) as session:
        account = get_user(session, username)
        if account is None:
            raise UsageError(f"没有用户名为“{username}”的账号")
        changed = set_holdings(
            session,
            account.username,
            reviewer=account.reviewer if reviewer is None else reviewer,
            finance=account.finance if finance is None else finance,
            actor=None,
        )
        click.echo(f"账号 {changed.username}：{describe(changed)}")


@accounts.command("reset")
@click.argument("username")
@db_options
def accounts_reset(username: str, instance_dir: Path, database_url: str | None) -> None:
    """为账号生成新的一次性密码（登录后须修改）。"""
    from budget_planner.storage.accounts import reset_password

    with database(instance_dir, database_url) as session:
        password = reset_password(session, username)
        click.echo(f"账号 {username} 的新一次性密码：{password}")
