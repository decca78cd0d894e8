"""The account list handed to units: unit, full name, username and one-time password, as .xlsx."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

from budget_planner.export.xlsx_safe import Styles, new_workbook, write_text

SHEET = "账号"
HEADERS = ("单位", "单位全称", "用户名", "一次性密码")
WIDTHS = (12, 40, 14, 18)
NOTE = "一次性密码仅用于首次登录，登录后须立即修改密码。请妥善分发，勿外传。"


class AccountLine(Protocol):
    @property
    def unit(self) -> str: ...

    @property
    def full_name(self) -> str: ...

    @property
    def username(self) -> str: ...

    @property
    def password(self) -> str: ...


def write_accounts(
    path: str | Path | BinaryIO, accounts: Sequence[AccountLine], title: str = ""
) -> Path | BinaryIO:
    """One row per account under a title and a note; every cell written as text. ``path`` may be
    a binary stream (the site's one-time download)."""
    if isinstance(path, str | Path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    book = new_workbook(path)
    styles = Styles(
        book,
        {
            "title": {"bold": True, "font_size": 14},
            "note": {"font_color": "#9C0006"},
            "header": {"bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center"},
            "cell": {"border": 1},
            "secret": {"border": 1, "font_name": "Consolas"},
        },
    )
    ws = book.add_worksheet(SHEET)
    write_text(ws, 0, 0, title or "报送单位账号", styles, "title")
    write_text(ws, 1, 0, NOTE, styles, "note")
    for col, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        ws.set_column(col, col, width)
        write_text(ws, 3, col, label, styles, "header")
    for row, account in enumerate(accounts, start=4):
        values = (account.unit, account.full_name, account.username, account.password)
        for col, value in enumerate(values):
            write_text(ws, row, col, value, styles, "secret" if col == 3 else "cell")
    ws.freeze_panes(4, 0)
    book.close()
    return path
