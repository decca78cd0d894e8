"""Accounts: bulk creation with one-time passwords, reset, sign-in and its audit, password change."""

from __future__ import annotations

import pytest
from test_storage_support import shipped_toml

from budget_planner.errors import UsageError
from budget_planner.storage import accounts
from budget_planner.storage import repository as repo
from budget_planner.storage.models import User
from budget_planner.templates.round import load_round, parse_round

pytest_plugins = ["test_storage_support"]

DEFAULT_METHOD = accounts.PASSWORD_METHOD  # read before the fixtures lower the cost


@pytest.fixture
def loaded(db):
    round_ = load_round()
    repo.load_round_into_db(db, round_, shipped_toml())
    return round_.id


def _province(db, round_id: str):
    """The round's collecting unit (广东省), where the province's accounts belong."""
    return repo.get_round(db, round_id).collector


def test_passwords_are_hashed_with_scrypt_by_default(db, loaded, monkeypatch):
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", DEFAULT_METHOD)
    user = repo.create_user(
        db, "省局", "一个足够长的密码2024", _province(db, loaded), reviewer=True
    )
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert "一个足够长的密码2024" not in user.password_hash
    assert repo.check_password(user, "一个足够长的密码2024")
    assert not repo.check_password(user, "一个足够长的密码 ")


def test_every_unit_gets_an_account_with_a_one_time_password(db, loaded):
    created = repo.create_unit_accounts(db, loaded)
    assert len(created) == 21
    assert [a.username for a in created[:3]] == ["广州市", "深圳市", "珠海市"]
    qingyuan = next(a for a in created if a.unit == "清远市")
    assert (qingyuan.username, qingyuan.full_name) == (
        "清远市",
        "清远市市场监督管理局（知识产权局）",  # as the round writes it
    )
    passwords = [a.password for a in created]
    assert len(set(passwords)) == 21
    assert all(len(p) == 12 and set(p) <= set(accounts.OTP_ALPHABET) for p in passwords)
    user = repo.get_user(db, "清远市")
    assert (user.holdings, user.unit.short_name, user.must_change_password) == ((), "清远市", True)
    assert repo.check_password(user, qingyuan.password)
    assert len(repo.audit_log(db, loaded, scope=None, actions=("user.created",))) == 21


def test_creating_accounts_again_leaves_existing_ones_alone(db, loaded):
    first = {a.username: a.password for a in repo.create_unit_accounts(db, loaded)}
    assert repo.create_unit_accounts(db, loaded) == []
    assert repo.check_password(repo.get_user(db, "广州市"), first["广州市"])


def test_a_new_round_keeps_the_units_and_their_accounts(db, loaded):
    first = {a.username: a.password for a in repo.create_unit_accounts(db, loaded)}
    text = shipped_toml().replace('id = "guangdong-2024"', 'id = "guangdong-2025"')
    import tomllib

    next_round = parse_round(tomllib.loads(text))
    stored = repo.load_round_into_db(db, next_round, text)
    assert repo.create_unit_accounts(db, "guangdong-2025") == []
    user = repo.get_user(db, "清远市")
    # the same unit of the tree is a member of both years' rounds
    assert stored.collector_id == repo.get_round(db, loaded).collector_id
    both = {r.id for r, roles in repo.account_rounds(db, user) if roles.submitter}
    assert both == {"guangdong-2024", "guangdong-2025"}
    assert repo.check_password(user, first["清远市"])


def test_reset_gives_a_new_one_time_password(db, loaded):
    old = {a.username: a.password for a in repo.create_unit_accounts(db, loaded)}["清远市"]
    repo.change_password(db, repo.get_user(db, "清远市").id, "清远市自己的新密码-2024")
    new = repo.reset_password(db, "清远市")
    user = repo.get_user(db, "清远市")
    assert new != old and repo.check_password(user, new) and not repo.check_password(user, old)
    assert user.must_change_password
    [entry] = repo.audit_log(db, scope=None, actions=("password.reset",))
    assert (entry.username, entry.detail) == ("命令行", "清远市")
    with pytest.raises(UsageError, match="没有用户名为“无此人”的账号"):
        repo.reset_password(db, "无此人")


def test_sign_in_and_failed_sign_in_are_audited(db, loaded):
    password = {a.username: a.password for a in repo.create_unit_accounts(db, loaded)}["清远市"]
    assert repo.authenticate(db, "清远市", "猜的密码123", detail="来自 10.0.0.7") is None
    assert repo.authenticate(db, "无此人", "whatever") is None
    user = repo.authenticate(db, " 清远市 ", password, detail="来自 10.0.0.7")
    assert user is not None and user.username == "清远市" and user.last_login_at is not None
    entries = repo.audit_log(db, scope=None, actions=("login", "login.failed"))
    assert [(e.action, e.username, e.detail) for e in entries] == [
        ("login", "清远市", "来自 10.0.0.7"),
        ("login.failed", "无此人", "用户名不存在"),
        ("login.failed", "清远市", "密码错误；来自 10.0.0.7"),
    ]
    qingyuan_unit = user.unit_id
    assert {e.unit_id for e in entries} == {qingyuan_unit, None}


def test_a_disabled_account_cannot_sign_in(db, loaded):
    password = {a.username: a.password for a in repo.create_unit_accounts(db, loaded)}["清远市"]
    repo.set_active(db, "清远市", False, actor=None)
    assert repo.authenticate(db, "清远市", password) is None
    assert repo.audit_log(db, scope=None, actions=("login.failed",))[0].detail == "账号已停用"


def test_changing_the_password_clears_the_one_time_flag(db, loaded):
    password = {a.username: a.password for a in repo.create_unit_accounts(db, loaded)}["清远市"]
    user = repo.get_user(db, "清远市")
    with pytest.raises(UsageError, match="密码至少 8 位"):
        repo.change_password(db, user.id, "短密码")
    with pytest.raises(UsageError, match="当前密码不正确"):
        repo.change_password(
            db, user.id, "清远市的足够长新密码-2024", current_password="不对的密码"
        )
    with pytest.raises(UsageError, match="新密码不能与原密码相同"):
        repo.change_password(db, user.id, password)
    repo.change_password(db, user.id, "清远市的足够长新密码-2024", current_password=password)
    user = repo.get_user(db, "清远市")
    assert not user.must_change_password and repo.check_password(user, "清远市的足够长新密码-2024")


def test_account_rules(db, loaded):
    qingyuan = repo.find_unit(db, loaded, "清远", scope=None)
    province = _province(db, loaded)
    with pytest.raises(UsageError, match="必须属于一个单位"):
        repo.create_user(db, "某单位", "足够长的密码abc1", None)  # type: ignore[arg-type]
    repo.create_user(db, "财务", "足够长的密码abc1", province, finance=True)
    with pytest.raises(UsageError, match="用户名“财务”已存在"):
        repo.create_user(db, "财务", "足够长的密码abc2", province, finance=True)
    unit_user = repo.create_user(db, "清远2", "足够长的密码abc1", qingyuan)
    with pytest.raises(repo.PermissionDenied):  # an account without 审核 manages no one
        repo.create_user(
            db, "冒充管理员", "足够长的密码abc1", province, reviewer=True, actor=unit_user
        )
    lead = repo.create_user(db, "清远审核", "足够长的密码abc1", qingyuan, reviewer=True)
    with pytest.raises(repo.PermissionDenied):  # 审核 at 清远市 manages nothing above it
        repo.create_user(db, "冒充省局", "足够长的密码abc1", province, reviewer=True, actor=lead)
    with pytest.raises(UsageError, match="没有用户名为“财务”的账号"):  # the province's: not its own
        repo.reset_password(db, "财务", actor=lead)
    repo.create_user(db, "清远3", "足够长的密码abc1", qingyuan, actor=lead)
    assert db.query(User).count() == 4


def test_the_web_records_its_own_events(db, loaded):
    repo.create_unit_accounts(db, loaded)
    user = repo.get_user(db, "清远市")
    entry = repo.audit(db, user, repo.Action.LOGOUT, detail="来自 10.0.0.7")
    assert (entry.user_id, entry.username, entry.action) == (user.id, "清远市", "logout")
    [stored] = repo.audit_log(db, scope=user, actions=("logout",))
    assert (stored.detail, stored.at.utcoffset().total_seconds()) == ("来自 10.0.0.7", 0)
    assert repo.Action("login.failed").label == "登录失败"


def test_accounts_are_listed_in_the_trees_order(db, loaded):
    repo.create_unit_accounts(db, loaded)
    province = _province(db, loaded)
    repo.create_user(db, "财务", "足够长的密码abc1", province, finance=True)
    repo.create_user(db, "省局", "足够长的密码abc1", province, reviewer=True)
    names = [u.username for u in repo.list_users(db)]
    assert names[:4] == ["省局", "财务", "广州市", "深圳市"] and len(names) == 23
    qingyuan = repo.find_unit(db, loaded, "清远市", scope=None)
    assert [u.username for u in repo.list_users(db, within=qingyuan.id)] == ["清远市"]
