"""Serving the site with waitress: ``budget-planner serve`` and ``budget-planner demo``."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask

from budget_planner.errors import UsageError
from budget_planner.web.app import create_app
from budget_planner.web.demo import DemoInfo, prepare_demo

THREADS = 8


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def serve(app: Flask, host: str, port: int) -> None:
    from waitress.server import create_server

    shown = f"[{host}]" if ":" in host else host
    channels: dict = {}  # waitress's socket map: closed here if the port cannot be had
    try:
        server = create_server(
            app, map=channels, host=host, port=port, threads=THREADS, ident="budget_planner"
        )
    except OSError as exc:
        for channel in list(channels.values()):
            channel.close()
        raise UsageError(
            f"无法在 {shown}:{port} 上启动站点（{exc.strerror or exc}）：端口可能已被占用，"
            "请用 --port 换一个端口"
        ) from exc
    _say(f"站点地址：http://{shown}:{port}/    （按 Ctrl+C 停止）")
    try:
        server.run()
    except KeyboardInterrupt:
        _say("站点已停止。")


def serve_site(host: str, port: int, instance_dir: Path, database_url: str | None) -> None:
    app = create_app({"INSTANCE_PATH": str(instance_dir), "DATABASE_URL": database_url})
    if app.config["SESSION_COOKIE_SECURE"]:
        _say(
            "提示：登录 Cookie 仅通过 HTTPS 发送，请经 HTTPS 反向代理访问；"
            "仅在本机试用时可设置环境变量 SESSION_COOKIE_SECURE=0。"
        )
    serve(app, host, port)


def describe(info: DemoInfo, url: str) -> str:
    lines = [
        f"演示数据已准备好：{info.round_title}（{info.round_id}），导入示例文件 {info.files} 个",
        f"同时开放的轮次：{'、'.join(f'{title}（{rid}）' for rid, title in info.rounds)}",
        f"数据库：{info.database_url}",
    ]
    for status, cells in info.statuses.items():
        lines.append(f"  {status}：{'、'.join(cells)}")
    for status, cells in info.county_statuses.items():
        lines.append(f"  县市区轮次 {status}：{'、'.join(cells)}")
    lines += [f"  {note}" for note in info.notes]
    lines += [
        "",
        f"请在浏览器中打开 {url} ，用以下演示账号登录（有多个轮次的账号可在页面右上角切换）：",
        "",
    ]
    for account in info.accounts:
        lines.append(
            f"  {account.unit}（{account.what}）：用户名 {account.username}，"
            f"密码 {account.password}"
        )
    return "\n".join(lines)


def run_demo(port: int, instance_dir: Path) -> None:
    info = prepare_demo(instance_dir)
    url = f"http://127.0.0.1:{port}/"
    print(describe(info, url), flush=True)
    app = create_app(
        {
            "INSTANCE_PATH": str(info.instance_dir),
            "DATABASE_URL": info.database_url,
            "SESSION_COOKIE_SECURE": False,  # plain http on this machine only
        }
    )
    serve(app, "127.0.0.1", port)
