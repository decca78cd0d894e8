"""Redirect-after-post on every form (web/after_post.py): each POST endpoint of the URL map (the
JSON API aside), sent as a browser sends it by a user allowed to, answers 302/303 — never a page —
so 后退 and 刷新 never show the browser's "确认重新提交表单". What a POST has to show (the upload
results, a confirmation step, the form again with its errors, a new API token, one-time passwords)
is the page the redirect leads to; a secret on it is shown once."""

from __future__ import annotations

import re

import test_web_access as matrix
from webclient import PASSWORD, table4

SIGNED_IN = {"reviewer": "admin", "finance": "finance", "submitter": "qingyuan"}
CONFIRMED = {"admin.close_round", "admin.create_accounts", "admin.reset_password"}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def posted(client, target: str, data: dict):
    """The raw answer to a form's POST (the token as the page carries it), not followed."""
    return client.http.post(target, data={**data, "csrf_token": client.csrf()})


def test_every_form_post_answers_a_redirect(app, site):
    world = matrix.populate(site)
    clients = {role: site[name] for role, name in SIGNED_IN.items()}
    rules = [
        r
        for r in matrix.ordered(app)
        if "POST" in (r.methods or ()) and not matrix.is_api(r.endpoint)
    ]
    assert {r.endpoint for r in rules} >= {"auth.login", "review.act", "account.new_token"}
    pages = []

    def submit() -> None:  # review.act withdraws it, review.decide approves it
        sent = posted(clients["submitter"], f"/versions/{world.version_id['清远市']}/submit", {})
        pages.append(("review.act (submit)", sent.status_code, "Location" in sent.headers))

    for rule in rules:
        if rule.endpoint in ("review.act", "review.decide"):
            submit()
        expect = matrix.EXPECT[rule.endpoint]
        role = expect.roles[0]
        if rule.endpoint == "auth.logout":  # last; qingyuan's password was reset just before
            role = "reviewer"
        client = site.anonymous() if rule.endpoint == "auth.login" else clients[role]
        target = matrix.url(app, rule, world, "清远市")
        data = matrix.post_data(rule.endpoint, matrix.ROUND_ID)
        if rule.endpoint == "auth.login":
            data = {"username": "qingyuan", "password": "wrong-password-1"}
        tries = [data, {**data, "confirm": "yes"}] if rule.endpoint in CONFIRMED else [data]
        for sent in tries:
            answer = posted(client, target, sent)
            location = answer.headers.get("Location", "")
            pages.append((rule.endpoint, answer.status_code, bool(location)))
            if "shown=" in location:  # the page the POST had to show: there, once asked for
                shown = client.get(location)
                assert shown.status_code == 200, (rule.endpoint, location)
                assert "Redirecting" not in text(shown)
    wrong = [p for p in pages if p[1] not in (302, 303) or not p[2]]
    assert wrong == []


def test_the_upload_results_come_after_a_redirect_and_a_reload_shows_them_again(site):
    unit = site["qingyuan"]  # the raw answer here: SiteClient.upload follows the redirect
    from io import BytesIO

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    fields = MultiDict(
        [
            ("files", FileStorage(BytesIO(table4()), filename="清远市-表四.xlsx")),
            ("csrf_token", unit.csrf()),
        ]
    )
    boundary, body = encode_multipart(fields)
    raw = unit.http.post(
        "/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert raw.status_code == 303
    location = raw.headers["Location"]
    assert location.startswith("/upload?shown=")
    first, again = unit.get(location), unit.get(location)
    for shown in (first, again):  # 刷新: the same results, nothing sent again
        assert "表四" in text(shown) and "第 1 版" in text(shown) and "没有发现错误" in text(shown)
    assert text(unit.get("/upload")).count("第 1 版") == 0  # the plain page: the form only


def test_a_new_api_token_is_shown_once(site):
    unit = site["qingyuan"]
    raw = posted(unit, "/account/token", {})
    assert raw.status_code == 303 and raw.headers["Location"].startswith("/account/token?shown=")
    shown = unit.get(raw.headers["Location"])
    token = re.search(r'<textarea id="token-text"[^>]*>([^<]+)</textarea>', shown.text)
    assert token and "新令牌只显示这一次" in text(shown)
    reloaded = unit.get(raw.headers["Location"])  # 刷新: the token is gone, the settings remain
    assert reloaded.status_code == 302 and reloaded.headers["Location"] == "/account/token"
    page = unit.get("/account/token")
    assert token.group(1) not in page.text and "您已有一个有效的 API 令牌" in text(page)


def test_a_failed_sign_in_is_the_form_again_after_a_redirect(site):
    visitor = site.anonymous()
    raw = posted(visitor, "/login", {"username": "qingyuan", "password": "not-" + PASSWORD})
    assert raw.status_code == 303 and raw.headers["Location"].startswith("/login?shown=")
    assert "用户名或密码不正确" in text(visitor.get(raw.headers["Location"]))
