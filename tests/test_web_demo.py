"""`budget-planner demo` and `serve`: the demo database, its accounts and statuses, and the app each
serves (waitress itself is replaced by a recorder: these tests must not block)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from budget_planner.cli import main
from budget_planner.web import demo as demo_module
from budget_planner.web import server


@pytest.fixture
def served(monkeypatch):
    """What would have been served: (app, host, port)."""
    calls = []
    monkeypatch.setattr(server, "serve", lambda app, host, port: calls.append((app, host, port)))
    yield calls
    from budget_planner.validators.intake import worker

    worker.shutdown()


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def login(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    answer = client.post(
        "/login",
        data={"username": username, "password": demo_module.DEMO_PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/", username
    return client


def test_demo_prepares_the_examples_and_serves_them_on_localhost(tmp_path, served):
    result = CliRunner().invoke(main, ["demo", "--port", "5099", "--instance", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [(app, host, port)] = served
    assert (host, port) == ("127.0.0.1", 5099)
    assert "http://127.0.0.1:5099/" in result.stdout
    for username in ("admin", "finance", "清远市", "清远市财务", "韶关市", "河源市", "梅州市"):
        assert f"用户名 {username}，密码 demo2024" in result.stdout
    assert "2024年度清远市知识产权项目需求征集（qingyuan-2024）" in result.stdout  # both open
    assert (
        "清远市（清远市征集的轮次：审核；广东省征集的轮次：报送单位）：用户名 清远市"
        in result.stdout
    )
    examples = [
        p
        for p in demo_module.examples_dir().iterdir()
        if p.suffix.lower() in demo_module.SUFFIXES and "控制数" not in p.name
    ]
    assert f"导入示例文件 {len(examples)} 个" in result.stdout
    assert (tmp_path / "demo.sqlite3").is_file()
    assert app.config["DATABASE_URL"] == f"sqlite:///{(tmp_path / 'demo.sqlite3').resolve()}"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # plain http on 127.0.0.1

    dashboard = text(login(app, "admin").get("/"))
    for status in ("已通过", "已提交", "已退回", "有错误", "已上传未提交", "未提交"):
        assert status in dashboard
    unit = login(app, "韶关市")
    page = unit.get("/")
    assert "已退回" in text(page) and "清远市" not in text(page)
    submission = re.search(r'href="(/submissions/\d+)"', page.get_data(as_text=True)).group(1)
    assert demo_module.RETURN_COMMENT in text(unit.get(submission))

    # the tree: 清远市's account reviews its county round and files in the province's
    city = login(app, "清远市")
    county = text(city.get("/"))
    assert "2024年度清远市知识产权项目需求征集" in county
    for short in ("清城区", "清新区", "英德市", "连州市", "佛冈县", "阳山县"):
        assert short in county
    assert "连山壮族瑶族自治县" in county and "连南瑶族自治县" in county
    assert "已通过" in county and "已提交" in county and "韶关市" not in county
    province = text(city.get("/?round=guangdong-2024"))
    assert "本单位 清远市" in province and "韶关市" not in province
    assert text(login(app, "清城区").get("/")).count("英德市") == 0


def test_demo_starts_afresh_each_time(tmp_path, served):
    first = demo_module.prepare_demo(tmp_path)
    again = demo_module.prepare_demo(tmp_path)
    assert again.files == first.files and again.statuses == first.statuses
    assert [a.username for a in again.accounts] == [a.username for a in first.accounts]
    assert again.statuses["已退回"] == ["深圳市表一", "韶关市表四"]  # returned; approval revoked


def test_the_demo_holds_two_years(tmp_path, served):
    """2023's 分配方案 (examples-2023/) imported as the province's closed round of last year: finance
    sees 延续 projects with last year's amounts, the planted double request across two cities,
    and 清远市's figures of both years."""
    from budget_planner.web import create_app

    info = demo_module.prepare_demo(tmp_path)
    assert (
        "导入上年分配方案：2023年度分配方案.xlsx（2023年度知识产权项目需求征集（上年分配方案导入），15 个项目）"
        in info.notes
    )
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": info.database_url}
    )
    finance = login(app, "finance")
    rounds = text(finance.get("/"))
    assert "2023年度知识产权项目需求征集（上年分配方案导入）" in rounds  # in the round selector
    findings = text(finance.get("/findings/"))
    assert (
        "清远市 表四 知识产权高质量创造 专利导航服务基地培育建设项目 50 专利导航服务基地培育建设项目 45 40 项目标识相同"
        in findings
    )
    assert (
        "深圳市 表一 第7行 知识产权公共服务网点建设 40 清远市 表四 第26行 知识产权公共服务网点建设 15 名称相同"
        in findings
    )
    last_year = text(finance.get("/last-year/"))
    assert "清远市 合计 195.5 82 113.5 187.5 65 122.5 200 150 50" in last_year
    app.extensions["budget_planner.db"]["engine"].dispose()


def test_serve_uses_the_configured_database_with_secure_cookies(tmp_path, served, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    args = ["serve", "--host", "0.0.0.0", "--port", "8123", "--instance", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--database-url", url])
    assert result.exit_code == 0, result.output
    [(app, host, port)] = served
    assert (host, port) == ("0.0.0.0", 8123)
    assert app.config["DATABASE_URL"] == url
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "HTTPS" in result.stderr
    assert (tmp_path / "site.sqlite3").is_file()  # migrated on start
    assert app.test_client().get("/login").status_code == 200


def test_a_port_in_use_is_a_chinese_message_not_a_traceback(tmp_path):
    import socket

    from budget_planner.errors import UsageError
    from budget_planner.web import create_app

    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=f"无法在 127.0.0.1:{port} 上启动站点.*--port"):
            server.serve(app, "127.0.0.1", port)
