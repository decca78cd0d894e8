"""The 帮助 page says what the checks do because it is made from the same data (tables.toml, the
issue codes, rules.toml), and whom to call; 账号设置 holds 修改密码 and the API token, which are no
longer in every clerk's menu."""

from __future__ import annotations

import html
import re

from budget_planner.templates.spec import load_specs
from budget_planner.validators.check.rules import load_rules
from budget_planner.validators.report.codes import CODES
from budget_planner.web.help_page import rule_text


def text(response) -> str:
    return html.unescape(
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    )


def section(page: str, anchor: str) -> str:
    """The text of the card with this id."""
    found = re.search(rf'<section class="card[^"]*" id="{anchor}">(.*?)</section>', page, re.S)
    assert found, anchor
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))))


def test_help_lists_every_column_of_every_table_as_the_template_has_it(site):
    page = site.anonymous().get("/help")  # before sign-in too
    assert page.status_code == 200
    raw = page.get_data(as_text=True)
    specs = load_specs()
    for table in specs.tables.values():
        card = section(raw, table.key)
        assert f"{table.id}：{table.subtitle}" in card
        for column in table.issued_columns:  # what the template has: the columns a unit fills
            required = "必填" if column.required else "—"
            assert f"{column.label} {required} {column.help}".strip() in card, column.label
        assert "来源单位" not in card  # written only by 生成上报版本 (docs/forwarding.md)
        for category in table.categories:
            assert category in card
    four = section(raw, specs.tables["表四"].key)
    assert "金额 必填 单位：万元，填数字，最多4位小数，不能为负数；不承接的预设项目留空。" in four
    assert specs.budget is not None
    plan = section(raw, specs.budget.key)
    assert all(c.label in plan for c in specs.budget.fields)


def test_help_lists_every_check_with_its_severity_and_the_rules_in_words(site):
    checks = section(site.anonymous().get("/help").get_data(as_text=True), "checks")
    for code in CODES.values():
        assert f"{code.severity.label} {code.title}" in checks, code.title
    assert "错误 金额为负数" in checks and "提醒 金额已四舍五入到 4 位小数" in checks
    ruleset = load_rules()
    for rule in ruleset.rules:
        assert f"{rule.severity.label} {rule.table}：{rule_text(rule, ruleset)}" in checks
    matching = next(r for r in ruleset.rules if r.name == "matching_funds")
    assert rule_text(matching, ruleset).startswith("项目类别为“专利技术实施计划”时")
    assert "{" not in checks  # no placeholder left unfilled


def test_help_names_whom_to_call_once_signed_in(site):
    before = section(site.anonymous().get("/help").get_data(as_text=True), "contacts")
    assert "登录后，这里列出您所在轮次的征集单位和联系人" in before
    assert "陈晓敏" not in before  # a unit's contact is not for anyone passing by
    unit = section(site["qingyuan"].get("/help").get_data(as_text=True), "contacts")
    assert (
        "本轮次（2024年度知识产权项目需求征集）由 广东省市场监督管理局（知识产权局） 征集" in unit
    )
    assert "陈晓敏" not in unit  # another unit's contact: for the collecting office only
    office = section(site["admin"].get("/help").get_data(as_text=True), "contacts")
    assert "广州市 陈晓敏 020-80000000" in office


def test_the_menu_has_help_and_account_settings_not_the_api_token(site):
    for username in ("qingyuan", "admin", "finance"):
        page = site[username].get("/").get_data(as_text=True)
        bar = page[page.index('<header class="topbar">') : page.index("</header>")]
        assert "API 令牌" not in bar and "修改密码" not in bar
        assert 'href="/help"' in bar and 'href="/account/"' in bar
    login = site.anonymous().get("/login").get_data(as_text=True)
    assert 'href="/help"' in login[: login.index("</header>")]


def test_account_settings_hold_the_password_form_and_the_api_token(site):
    unit = site["qingyuan"]
    page = unit.get("/account/")
    said = text(page)
    assert "用户名 qingyuan 单位 清远市 本轮次身份 报送单位" in said
    assert 'action="/password"' in page.text and "保存新密码" in said
    assert "您还没有 API 令牌" in said and "生成令牌" in said
    made = unit.post("/account/token")  # followed to the page it shows once
    token = re.search(r'<textarea id="token-text"[^>]*>([^<]+)</textarea>', made.text)
    assert token and "新令牌只显示这一次" in text(made)
    assert "您已有一个有效的 API 令牌" in text(unit.get("/account/"))
    wrong = unit.post("/password", {"current": "wrong-pass-1", "new": "x", "confirm": "x"})
    assert "当前密码不正确" in text(wrong) or "新密码至少 8 位" in text(wrong)
