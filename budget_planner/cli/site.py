"""Commands that serve the site: the demo on the embedded default, and the configured service."""

from __future__ import annotations

from pathlib import Path

import click

from budget_planner.cli.base import main


@main.command()
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option(
    "--instance",
    "instance_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("instance"),
    show_default=True,
    help="实例目录：演示数据库 demo.sqlite3 放在这里",
)
def demo(port: int, instance_dir: Path) -> None:
    """准备演示数据（示例轮次、演示账号、examples/ 中的示例报送）并在 127.0.0.1 上运行站点。"""
    from budget_planner.web.server import run_demo

    run_demo(port, instance_dir)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option(
    "--instance",
    "instance_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("instance"),
    show_default=True,
    help="实例目录（默认 SQLite 数据库所在位置）",
)
@click.option(
    "--database-url",
    envvar="DATABASE_URL",
    default=None,
    help="数据库地址；默认读取环境变量 DATABASE_URL，未设置时使用实例目录中的 SQLite",
)
def serve(host: str, port: int, instance_dir: Path, database_url: str | None) -> None:
    """用 waitress 运行报送网站（使用已配置的数据库）。"""
    from budget_planner.web.server import serve_site

    serve_site(host, port, instance_dir, database_url)
