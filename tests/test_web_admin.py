"""The admin's page: opening and closing the round, the account list, and the audit log page."""

from __future__ import annotations

import re

from webclient import table4


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_closing_and_reopening_the_round(site):
    admin = site["admin"]
    assert "关闭征集" in admin.get("/admin/").text
    asked = admin.post("/admin/round/close")  # a confirmation first: nothing changes yet
    assert asked.status_code == 200 and "确认关闭征集" in text(asked)
    assert "征集状态：征集中" in text(site["qingyuan"].get("/"))
    closed = admin.post("/admin/round/close", {"confirm": "yes"})
    assert "已关闭征集" in text(admin.get(closed.headers["Location"]))
    assert "征集状态：已关闭" in text(site["qingyuan"].get("/"))
    assert "本轮征集已关闭；如需补报，请联系省局。" in text(site["qingyuan"].get("/upload"))
    admin.post("/admin/round/open")
    assert "征集状态：征集中" in text(site["qingyuan"].get("/"))
    log = text(admin.get("/admin/audit"))
    assert log.index("开放征集") < log.index("关闭征集")  # newest first


def test_the_account_list_and_the_audit_page(site):
    site["qingyuan"].upload([(table4(), "清远市-表四.xlsx")])
    site.anonymous().login("shaoguan", "wrong-password")
    admin = site["admin"]
    accounts = text(admin.get("/admin/"))
    assert re.search(r"qingyuan 清远市 — 正常 \d{4}-\d\d-\d\d \d\d:\d\d 重置密码", accounts)
    assert "finance 广东省 财务 正常" in accounts
    log = text(admin.get("/admin/audit"))
    assert re.search(
        r"\d\d:\d\d:\d\d qingyuan 上传 清远市 表四第 1 版 表四第 1 版：清远市-表四.xlsx（无错误）",
        log,
    )
    assert re.search(r"shaoguan 登录失败 韶关市 密码错误；来自 127\.0\.0\.1", log)
    assert site["finance"].get("/admin/audit").status_code == 403


def account_id(app, username: str) -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        return repository.get_user(db.session(), username).id


def test_a_locked_account_is_shown_reset_clears_the_lock_and_unlock_lifts_it(app, site):
    for _ in range(5):
        site.anonymous().login("shaoguan", "wrong-password")
    admin = site["admin"]
    listed = text(admin.get("/admin/"))
    assert re.search(r"shaoguan 韶关市 — 已锁定至 \d{4}-\d\d-\d\d \d\d:\d\d", listed)
    assert "解除锁定" in listed
    shaoguan = account_id(app, "shaoguan")
    admin.post(f"/admin/accounts/{shaoguan}/reset", {"confirm": "yes"})
    assert "shaoguan 韶关市 — 待修改一次性密码" in text(admin.get("/admin/"))
    for _ in range(5):
        site.anonymous().login("shaoguan", "wrong-password")
    unlocked = admin.post(f"/admin/accounts/{shaoguan}/unlock")
    assert "已解除“shaoguan”的登录锁定" in text(admin.get(unlocked.headers["Location"]))
    log = text(admin.get("/admin/audit"))  # round-less entries, with their unit
    assert "admin 解除登录锁定 韶关市 shaoguan" in log
    assert "admin 重置密码 韶关市 shaoguan（登录锁定同时解除）" in log


def test_a_disabled_account_loses_its_sessions_and_token_and_cannot_sign_in(app, site):
    from test_web_api import Api, make_token

    unit = site["qingyuan"]
    token = make_token(unit)
    assert unit.get("/").status_code == 200
    admin = site["admin"]
    done = admin.post(f"/admin/accounts/{account_id(app, 'qingyuan')}/active", {"active": "0"})
    assert "已停用账号“qingyuan”" in text(admin.get(done.headers["Location"]))
    assert unit.get("/").headers["Location"].startswith("/login")  # its session ends
    assert Api(app, token).get("/api/v1/status").status_code == 401  # its token is revoked
    assert site.anonymous().login("qingyuan").status_code == 200  # refused: the form again
    assert "qingyuan 清远市 — 已停用" in text(admin.get("/admin/"))
    admin.post(f"/admin/accounts/{account_id(app, 'qingyuan')}/active", {"active": "1"})
    assert site.anonymous().login("qingyuan").status_code == 302
    mine = admin.post(f"/admin/accounts/{account_id(app, 'admin')}/active", {"active": "0"})
    assert "不能停用自己正在使用的账号" in text(admin.get(mine.headers["Location"]))


def test_a_late_grant_lets_one_unit_file_after_closing(app, site):
    import datetime as dt

    admin = site["admin"]
    admin.post("/admin/round/close", {"confirm": "yes"})
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    granted = admin.post("/admin/late", {"unit": "清远市", "until": today.isoformat()})
    assert f"已准予清远市补报至 {today:%Y年%m月%d日}" in text(
        admin.get(granted.headers["Location"])
    )
    page = site["qingyuan"].upload([(table4(), "清远市-表四.xlsx")])
    assert "没有发现错误" in text(page) and "提交此版本" in text(page)
    refused = site["shaoguan"].upload([(table4("韶关市"), "韶关市-表四.xlsx")])
    assert "本轮征集已关闭；如需补报，请联系省局（不能上传）" in text(refused)
