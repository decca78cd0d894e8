"""The JSON API: tokens made on the account page (shown once, stored hashed), bearer or session
auth, CSRF only for sessions, the DESIGN §5 report from an upload, status, history and the
aggregate report, and a unit's token reaching only its own unit."""

from __future__ import annotations

import io
import re

from builders import make_table, project
from webclient import SCAN, table4
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart


def make_token(client) -> str:
    page = client.post("/account/token")
    assert page.status_code == 200
    found = re.search(r'<textarea id="token-text"[^>]*>(bp_[^<]+)</textarea>', page.text)
    assert found, "the new token is shown on the page"
    return found.group(1)


class Api:
    """A script calling the API with its token (no cookies, no CSRF token)."""

    def __init__(self, app, token: str) -> None:
        self.http = app.test_client(use_cookies=False)
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str):
        return self.http.get(url, headers=self.headers)

    def post(self, url: str, fields: list | None = None):
        boundary, body = encode_multipart(MultiDict(fields or []))
        return self.http.post(
            url,
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            headers=self.headers,
        )

    def upload(self, files: list[tuple[bytes, str]], **more: str):
        fields: list = [("files", FileStorage(io.BytesIO(d), filename=n)) for d, n in files]
        fields += list(more.items())
        return self.post("/api/v1/upload", fields)


def faulty() -> bytes:
    """表四 with a negative amount in its second project (E6)."""
    rows = [
        project("知识产权高质量创造", "专利导航项目", 50),
        project("强化知识产权保护", "知识产权纠纷多元化解", -30),
    ]
    return make_table("表四", "清远市", rows)


def test_a_token_is_shown_once_and_works_in_the_authorization_header(app, site):
    unit = site["qingyuan"]
    token = make_token(unit)
    assert token not in unit.get("/account/token").text  # only its hash is kept
    assert "您已有一个有效的 API 令牌" in unit.get("/account/token").text
    status = Api(app, token).get("/api/v1/status")
    assert status.status_code == 200
    body = status.json
    assert body["user"] == {"username": "qingyuan", "unit": "清远市", "roles": ["submitter"]}
    assert [(r["id"], r["roles"]) for r in body["rounds"]] == [("guangdong-2024", ["submitter"])]
    assert [u["unit"] for u in body["units"]] == ["清远市"]  # its own unit only
    assert body["units"][0]["tables"]["表四"]["label"] == "未提交"
    assert body["units"][0]["missing"] == ["表四"]


def test_an_upload_answers_with_the_report_of_design_5_and_a_clean_one_is_submitted(app, site):
    api = Api(app, make_token(site["qingyuan"]))
    first = api.upload([(faulty(), "清远市-表四.xlsx")])
    assert first.status_code == 200
    [report] = first.json
    assert {k: report[k] for k in ("file", "table", "unit", "ok", "rows", "total")} == {
        "file": "清远市-表四.xlsx",
        "table": "表四",
        "unit": "清远市",
        "ok": False,
        "rows": 2,
        "total": "20",
    }
    [error] = [i for i in report["issues"] if i["severity"] == "error"]
    assert (error["code"], error["cell"], error["column"], error["value"]) == (
        "amount.negative",
        "E6",
        "金额",
        "-30",
    )
    version = report["version"]
    assert (version["number"], version["new"], version["status"]) == (1, True, "errors")
    refused = api.post(f"/api/v1/versions/{version['id']}/submit")
    assert refused.status_code == 409  # the state forbids it: nothing changed
    assert "有 1 处错误，不能提交" in refused.json["error"]["message"]

    corrected = table4()  # the same bytes twice below (a workbook records when it was saved)
    fixed = api.upload(
        [(corrected, "清远市-表四.xlsx")], attachment=FileStorage(io.BytesIO(SCAN), "盖章.pdf")
    )
    [clean] = fixed.json
    assert clean["ok"] is True and clean["version"]["number"] == 2
    submitted = api.post(f"/api/v1/versions/{clean['version']['id']}/submit")
    assert (submitted.status_code, submitted.json["status"]) == (200, "submitted")
    same = api.upload([(corrected, "清远市-表四.xlsx")])
    assert same.json[0]["version"] == {**clean["version"], "new": False, "status": "submitted"}

    history = api.get(f"/api/v1/submissions/{_submission(app)}").json
    assert [(v["number"], v["state"]) for v in history["versions"]] == [
        (2, "已提交"),
        (1, "有错误"),
    ]
    assert history["versions"][0]["changes"] == [
        {
            "kind": "金额变化",
            "category": "强化知识产权保护",
            "name": "知识产权纠纷多元化解",
            "before": "-30",
            "after": "30",
        }
    ]


def _submission(app, unit: str = "清远市") -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        (sub,) = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        return sub.id


def test_a_units_token_reaches_only_its_own_unit(app, site):
    site["shaoguan"].upload([(table4("韶关市"), "韶关市-表四.xlsx")])
    other = _submission(app, "韶关市")
    api = Api(app, make_token(site["qingyuan"]))
    assert api.get(f"/api/v1/submissions/{other}").status_code == 404
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        (version,) = repository.get_submission(db.session(), other, scope=None).versions
        other_version = version.id
    assert api.get(f"/api/v1/versions/{other_version}").status_code == 404
    assert api.post(f"/api/v1/versions/{other_version}/submit").status_code == 404
    sneaked = api.upload([(table4("韶关市"), "韶关市-表四.xlsx")], unit="韶关市")
    assert sneaked.status_code == 404
    assert api.get("/api/v1/reports/aggregate").status_code == 403
    assert "韶关市" not in api.get("/api/v1/status").get_data(as_text=True)


def test_admin_uploads_on_a_units_behalf_and_finance_reads_the_aggregate_report(app, site):
    admin = Api(app, make_token(site["admin"]))
    assert admin.upload([(table4(), "清远市-表四.xlsx")]).status_code == 400  # which unit?
    done = admin.upload(
        [(table4(first=150), "清远市-表四.xlsx")], unit="清远市市场监督管理局（知识产权局）"
    )
    assert done.status_code == 200 and done.json[0]["unit"] == "清远市"
    report = Api(app, make_token(site["finance"])).get("/api/v1/reports/aggregate").json
    assert report["units"]["清远市"]["表四"]["total"] == "180"
    [line] = [r for r in report["reconciliation"] if r["unit"] == "清远市"]
    assert line == {**line, "control": "100", "requested": "180", "difference": "80", "over": True}
    assert ["韶关市", "表四"] in report["missing"]
    assert report["tables"]["表四"]["total"] == "180"
    log = site["admin"].get("/admin/audit").text
    assert "代为上传" in log


def test_tokens_need_no_csrf_but_sessions_do(app, site):
    unit = site["qingyuan"]
    fields = MultiDict([("files", FileStorage(io.BytesIO(table4()), filename="清远市-表四.xlsx"))])
    boundary, body = encode_multipart(fields)
    no_csrf = unit.http.post(
        "/api/v1/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert no_csrf.status_code == 400
    assert no_csrf.json["error"]["message"].startswith("页面已过期或缺少安全校验码")
    with_header = unit.http.post(
        "/api/v1/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"X-CSRFToken": unit.csrf()},
    )
    assert with_header.status_code == 200 and with_header.json[0]["version"]["number"] == 1
    token_call = Api(app, make_token(unit)).upload([(table4(first=49), "清远市-表四.xlsx")])
    assert token_call.status_code == 200 and token_call.json[0]["version"]["number"] == 2


def test_a_bad_or_revoked_token_is_refused_with_json(app, site):
    unit = site["qingyuan"]
    token = make_token(unit)
    wrong = Api(app, token[:-2] + "zz").get("/api/v1/status")
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == 'Bearer realm="budget_planner"'
    assert wrong.json["error"]["message"].startswith("API 令牌无效或已作废")
    assert Api(app, "").get("/api/v1/status").status_code == 401
    basic = app.test_client().get("/api/v1/status", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401
    unit.post("/account/token/revoke")
    assert Api(app, token).get("/api/v1/status").status_code == 401


def test_a_token_request_is_the_tokens_user_whatever_cookie_it_carries(app, site):
    admin_session = site["admin"]
    unit_token = make_token(site["qingyuan"])
    response = admin_session.http.get(
        "/api/v1/status", headers={"Authorization": f"Bearer {unit_token}"}
    )
    assert response.json["user"]["username"] == "qingyuan"
    assert len(response.json["units"]) == 1


def test_a_password_reset_ends_the_token(app, site):
    from budget_planner.storage import repository
    from budget_planner.web import db

    token = make_token(site["qingyuan"])
    with app.app_context():
        repository.reset_password(db.session(), "qingyuan", actor=None)
    refused = Api(app, token).get("/api/v1/status")
    assert refused.status_code == 401


def test_workflow_actions_on_the_api(app, site):
    unit = Api(app, make_token(site["qingyuan"]))
    admin = Api(app, make_token(site["admin"]))
    finance = Api(app, make_token(site["finance"]))
    [uploaded] = unit.upload([(table4(), "清远市-表四.xlsx")]).json
    vid = uploaded["version"]["id"]
    assert unit.post(f"/api/v1/versions/{vid}/publish").status_code == 404  # no such action
    assert unit.post(f"/api/v1/versions/{vid}/submit").json["state_label"] == "已提交"
    assert unit.post(f"/api/v1/versions/{vid}/withdraw").json["state_label"] == "已上传未提交"
    unit.post(f"/api/v1/versions/{vid}/submit")
    assert admin.post(f"/api/v1/versions/{vid}/approve").json["status"] == "approved"
    twice = admin.post(f"/api/v1/versions/{vid}/approve")
    assert twice.status_code == 409
    assert twice.json["error"] == {
        "status": 409,
        "title": "无法进行此操作",
        "message": "表四第 1 版当前为“已通过”，不能审核通过：已审核通过，无须再次审核",
    }
    bare = admin.post(f"/api/v1/versions/{vid}/revoke")
    assert (bare.status_code, bare.json["error"]["message"]) == (
        400,
        "撤销通过须填写理由（单位将看到此理由）",
    )
    revoked = admin.post(f"/api/v1/versions/{vid}/revoke", [("reason", "与表一重复申报")])
    assert (revoked.json["state_label"], revoked.json["status"]) == ("已退回", "returned")
    history = unit.get(f"/api/v1/submissions/{_submission(app)}").json
    [review] = history["versions"][0]["reviews"][-1:]
    assert (review["decision"], review["comment"]) == ("revoke", "与表一重复申报")
    listed = finance.get("/api/v1/allocations").json
    assert (listed["published"], listed["entered"]) == (None, [])
