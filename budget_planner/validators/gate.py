"""The container gate (placeholder: sniffing only; the full gate follows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from budget_planner.errors import UnreadableFile

MB = 1024 * 1024
Kind = Literal["xlsx", "xlsm", "xls", "docx"]


@dataclass(frozen=True)
class Limits:
    max_upload: int = 20 * MB
    max_rows: int = 200_000
    max_cols: int = 1_000
    max_cells: int = 10_000_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Container:
    kind: Kind
    macros: bool = False


def check_container(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> Container:
    if not data:
        raise UnreadableFile("file.empty", "文件是空的（0 字节），请检查后重新上传。")
    if data[:4] == b"PK\x03\x04":
        return Container("docx" if b"word/document.xml" in data else "xlsx")
    raise UnreadableFile("file.not_spreadsheet", "无法识别文件格式。")
