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
    assert re.search(r"qingyuan 报送单位 清远市 正常 \d{4}-\d\d-\d\d \d\d:\d\d 重置密码", accounts)
    assert "finance 财务 — 正常" in accounts
    log = text(admin.get("/admin/audit"))
    assert re.search(
        r"\d\d:\d\d:\d\d qingyuan 上传 清远市 表四第 1 版 表四第 1 版：清远市-表四.xlsx（无错误）",
        log,
    )
    assert re.search(r"shaoguan 登录失败 韶关市 密码错误；来自 127\.0\.0\.1", log)
    assert site["finance"].get("/admin/audit").status_code == 403
