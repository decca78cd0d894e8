"""Text that tries to become something else in a spreadsheet: formulas, links, DDE, control
characters, direction overrides, cell-size limits. Shared by the hostile corpus (as cells of an
uploaded 表四) and the export-safety tests (as text every written workbook must keep as text)."""

from __future__ import annotations

from builders import Submission, project

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")'
CMD = "=cmd|' /C calc'!A0"
C0 = "控制\x01字符\x07\x1b[31m\x1f"
RTL = "报告\u202egpj.exe"
LONG_OK = "长" * 32_767  # exactly what an Excel cell holds
LONG_TOO = "超" * 40_000  # more than an Excel cell holds: an error, never cut

# the formula-like payloads: each must stay text, never become a formula or a link
FORMULA_LIKE = (
    "=1+1",
    HYPERLINK,
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\n=1",
    CMD,
    DDE,
    '=HYPERLINK("file:///etc/passwd")',
    "<img src=x onerror=alert(1)>",
    "_x003D_1+1",
)
PAYLOADS = (*FORMULA_LIKE, C0, RTL)

# where the corpus puts payloads into a 表四 of four rows: (row index, column key) → payload
PAYLOAD_CELLS: dict[tuple[int, str], str] = {
    (0, "work_content"): "=1+1",
    (0, "project"): HYPERLINK,
    (0, "remarks"): CMD,
    (1, "work_content"): "@SUM(A1)",
    (1, "project"): "+1",
    (1, "remarks"): DDE,
    (2, "work_content"): "_x003D_1+1",
    (2, "project"): "<img src=x onerror=alert(1)>",
    (2, "amount"): "=1+1",
    (2, "remarks"): C0,
    (3, "project"): "-1+1项目",
    (3, "remarks"): RTL,
    (3, "amount"): "-1+1",
}


def payload_submission() -> Submission:
    """清远市's 表四 with the payloads typed into text and amount cells (as a user could type them
    with a leading apostrophe, so they are text, not formulas)."""
    rows = [
        project("知识产权高质量创造", "专利导航项目", 50),
        project("强化知识产权保护", "知识产权纠纷多元化解", 30),
        project("知识产权管理", "第三项", 1),
        project("知识产权管理", "第四项", 1),
    ]
    for (index, key), payload in PAYLOAD_CELLS.items():
        rows[index][key] = payload
    return Submission("表四", rows=rows, unit="清远市")
