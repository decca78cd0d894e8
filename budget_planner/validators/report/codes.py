"""Every issue code, with its severity and Chinese title: listed once, here (and in the README)."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """How a user reads it: 错误 / 提醒."""
        return "错误" if self is Severity.ERROR else "提醒"


class Code(NamedTuple):
    severity: Severity
    title: str


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    # the container and the parser
    "file.empty": Code(E, "文件为空"),
    "file.not_spreadsheet": Code(E, "不是 Excel 或 Word 文件"),
    "file.fake_excel": Code(E, "扩展名是 Excel，内容却不是（如网页或 XML 表格）"),
    "file.corrupt": Code(E, "文件已损坏，无法读取"),
    "file.encrypted": Code(E, "文件设有打开密码"),
    "file.too_large": Code(E, "文件过大"),
    "file.dtd": Code(E, "文件含有不允许的 DTD/实体声明"),
    "file.out_of_grid": Code(E, "单元格超出 Excel 表格范围"),
    "file.range_too_large": Code(E, "数据区域过大"),
    "file.timeout": Code(E, "读取超时"),
    "file.macros_ignored": Code(W, "文件中的宏已忽略"),
    "sheet.hidden_ignored": Code(W, "隐藏工作表未读取"),
    # finding the table
    "table.unknown": Code(E, "无法识别是哪一张表"),
    "table.ambiguous": Code(E, "无法区分是表一还是表三"),
    "header.missing": Code(E, "缺少必需的列"),
    "table.nil_return": Code(W, "本表报送为“无”（没有需求）"),
    "table.continued": Code(W, "表格在下一个工作表续接，已合并为一张表"),
    "unit.conflict": Code(E, "填报单位前后不一致"),
    "unit.unknown": Code(E, "无法识别填报单位"),
    # cells
    "required.missing": Code(E, "必填项为空"),
    "category.unknown": Code(E, "类型不在列表中"),
    "text.too_long": Code(E, "文字超过长度限制"),
    "amount.not_number": Code(E, "金额不是数字"),
    "amount.negative": Code(E, "金额为负数"),
    "amount.too_large": Code(E, "金额超过 100 亿元或不是有限数"),
    "amount.normalised": Code(W, "金额已规范化"),
    "amount.rounded": Code(W, "金额已四舍五入到 4 位小数"),
    "amount.merged": Code(W, "金额单元格跨行合并"),
    "amount.in_yuan": Code(W, "金额按元填写，已换算为万元"),
    "amount.in_yuan_suspect": Code(W, "标为元的金额都很小，可能实际按万元填写"),
    "amount.in_text_column": Code(E, "数字填在了文字列"),
    "row.shifted": Code(E, "整行错位"),
    "row.hidden": Code(W, "表内有隐藏的行（已计入）"),
    "project.duplicate": Code(E, "同一文件中项目重复申报"),
    "total.mismatch": Code(E, "合计与明细之和不符"),
    "count_amount.mismatch": Code(E, "项目数及单项金额与经费安排不符"),
    "count_amount.unreadable": Code(W, "项目数及单项金额无法解读"),
    "policy_basis.no_document": Code(W, "政策依据未列出文件名称"),
    "formula.evaluated": Code(W, "公式无缓存值，已按公式计算"),
    "formula.no_cached_value": Code(E, "公式没有计算结果"),
    "cell.error_value": Code(E, "单元格为错误值"),
    # 项目支出预算明细表
    "budget.sources_mismatch": Code(E, "资金来源之和与合计不符"),
    "budget.expenses_mismatch": Code(E, "支出明细之和与省局项目支出不符"),
    "budget.other_without_note": Code(E, "其他相关费用未注明用途"),
    "budget.row_mismatch": Code(E, "预算表与需求表金额不符"),
    "budget.no_row": Code(W, "预算表找不到对应的需求表项目"),
    # the control-number file (控制数)
    "control.unit_unknown": Code(E, "控制数文件中的单位无法识别"),
    "control.duplicate": Code(E, "控制数文件中单位重复"),
    "control.unit_missing": Code(W, "控制数文件未列出该单位"),
    # the rules file adds rule.<name> codes at load time (see validators.rules)
}


def code(name: str) -> Code:
    """The catalogue entry for a code; rule.* codes are errors unless the rules file says otherwise."""
    if name in CODES:
        return CODES[name]
    if name.startswith("rule."):
        return Code(E, "不符合申报规则")
    raise KeyError(f"unknown issue code {name!r}: add it to validators/codes.py and the README")
