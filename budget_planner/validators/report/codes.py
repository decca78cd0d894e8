"""Every issue code, once: its severity, its Chinese title and its message template (and the README
lists them; docs/contracts.md explains them). As in frictionless, a message belongs to its code: a
template is filled from named fields (``{label}``, ``{raw}`` …) by ``message()``, and every issue is
made through ``issues.issue`` (an unreadable file through ``issues.unreadable``), so no message is
written anywhere else. A code met in several situations names each one's template in ``cases``.

``rule.*`` codes are the rules file's: ``rules.toml`` gives each rule its severity, title and
template (``validators.check.rules``)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """How a user reads it: 错误 / 提醒 (``SEVERITY_WORDS``)."""
        return SEVERITY_WORDS[self.value]


# The one vocabulary of severity, declared once: the site, the annotated file, every workbook and
# the terminal read these words (tests/test_one_vocabulary.py holds them all to it).
SEVERITY_WORDS: Mapping[str, str] = MappingProxyType({"error": "错误", "warning": "提醒"})
# what a unit asks for is 申报 (申报金额, 申报合计) in every page and workbook; labels quoted from
# the seeds (项目申请单位) stay as written
REQUEST_WORD = "申报"


class Code(NamedTuple):
    severity: Severity
    title: str
    template: str  # the message, filled from named fields
    cases: Mapping[str, str] = MappingProxyType({})  # the code's other situations, by name


def _cases(**cases: str) -> Mapping[str, str]:
    return MappingProxyType(cases)


E, W = Severity.ERROR, Severity.WARNING

# how a file that a parser cannot take is fixed (the end of many file.* messages)
SAVE_AS = "请用 Excel 或 WPS 打开后，选择“文件→另存为”，保存为 Excel 工作簿（.xlsx）再上传。"
RESAVE = "请在 Excel 中打开，核对后另存为 .xlsx（或把数据复制到新工作簿）再上传。"
SPLIT = "请删除多余的工作表、图片后另存，或把表格分成几个文件上传。"
TRIM = "请删除多余的行、列、图片后另存，或把表格分成几个文件上传。"
NOT_A_TABLE = (
    "无法读取其中的表格。请上传填好的 Excel 原文件；盖章扫描件请在“盖章扫描件”处另行上传。"
)
TIMEOUT = (
    "，文件可能过大或结构异常。请删除多余的工作表和行列、另存为 .xlsx 后重新上传；"
    "仍超时请分成几个文件上传。"
)
# why a stated sum differs from what Excel shows (a hint added to the sum checks)
TEXT_AMOUNTS = "：有金额以文本形式填写，Excel 求和时不计入，请改为数字"

CODES: dict[str, Code] = {
    # ---------------------------------------------------------------- the container and the parser
    "file.empty": Code(
        E,
        "文件为空",
        "文件是空的（0 字节），可能上传中断或选错了文件，请重新选择文件上传。",
        _cases(no_text="{name} 是空的。"),
    ),
    "file.not_spreadsheet": Code(
        E,
        "不是 Excel 或 Word 文件",
        "无法识别的文件格式：请上传 Excel 文件（.xlsx、.xlsm、.xls）或 Word 文件（.docx）。",
        _cases(
            pdf="这是 PDF 文件，" + NOT_A_TABLE,
            image="这是图片文件，" + NOT_A_TABLE,
            doc="这是旧版 Word 文件（.doc），无法读取。请用 Word 或 WPS 打开后另存为 .docx"
            "（或把表格复制到 Excel 另存为 .xlsx）再上传。",
            rtf="这是 RTF 文档，无法读取。请用 Word 或 WPS 打开后另存为 .docx 再上传。",
            xlsb="这是 Excel 二进制工作簿（.xlsb），暂不支持。" + SAVE_AS,
            open_document="这是 OpenDocument 格式（.ods/.odt），暂不支持。" + SAVE_AS,
            text="这是文本文件（如 CSV），不是 Excel 表格。" + SAVE_AS,
            csv_encoding="{name} 的编码无法识别：请另存为 UTF-8 或 GB18030 编码的 CSV，或 Excel 文件。",
        ),
    ),
    "file.fake_excel": Code(
        E,
        "扩展名是 Excel，内容却不是（如网页或 XML 表格）",
        "文件扩展名是 Excel，但内容是纯文本（如 CSV）。" + SAVE_AS,
        _cases(
            html="文件扩展名是 Excel，但内容其实是网页（HTML），常见于从网站或系统导出的表格。"
            + SAVE_AS,
            xml="文件扩展名是 Excel，但内容是 XML 表格（Excel 2003 XML 格式）。" + SAVE_AS,
            mht="文件扩展名是 Excel，但内容是单个网页文件（MHT）。" + SAVE_AS,
        ),
    ),
    "file.corrupt": Code(
        E,
        "文件已损坏，无法读取",
        "文件已损坏或不完整（可能下载或上传时中断），无法读取。"
        "请在 Excel 中打开确认内容无误，另存为 .xlsx 后重新上传。",
        _cases(
            bad_part_name="文件内部结构异常（含有重复或非法的部件名称），不是由 Excel 正常保存的。"
            + SAVE_AS,
            strings_miscounted="文件内部结构异常（共享字符串表声明的数量与实际不符），"
            "不是由 Excel 正常保存的。" + SAVE_AS,
            sheet_missing="文件结构不完整：找不到工作表“{sheet}”的内容。"
            "请在 Excel 中打开、另存为新的 .xlsx 后重新上传。",
            cell_twice="工作表“{sheet}”中单元格 {ref} 被定义了两次，不是由 Excel 正常保存的，"
            "无法确定哪一个值是对的。" + RESAVE,
            rows_out_of_order="工作表“{sheet}”中第 {row} 行的单元格出现在第 {after} 行之后，"
            "行的顺序错乱，不是由 Excel 正常保存的。" + RESAVE,
            out_of_memory="文件内容过大或结构异常，读取时超出了内存限制。"
            "请删除多余的工作表、行列和图片，另存为 .xlsx 后重新上传；仍不行请分成几个文件上传。",
            parser_died="读取文件时解析程序异常退出，文件可能已损坏或结构异常。"
            "请在 Excel 中打开，把表格复制到新工作簿、另存为 .xlsx 后重新上传。",
        ),
    ),
    "file.encrypted": Code(
        E,
        "文件设有打开密码",
        "文件设有打开密码，请在 Excel 中取消密码（文件→信息→保护工作簿→用密码进行加密，"
        "清空密码）后重新上传。",
    ),
    "file.too_large": Code(
        E,
        "文件过大",
        "文件大小 {size_mb:.1f} MB，超过上限 {limit_mb:.0f} MB。" + SPLIT,
        _cases(
            parts="文件内部包含 {count} 个部件，超过上限 {limit} 个，不像正常的表格文件。"
            "请在 Excel 中打开，把表格复制到新工作簿后另存为 .xlsx 再上传。",
            part="文件解压后有部分内容超过 {limit_mb:.0f} MB，超出可处理的范围。" + TRIM,
            total="文件解压后总大小超过 {limit_mb:.0f} MB，超出可处理的范围。" + SPLIT,
            strings="文件中不同的文字内容超过 {limit} 个（共享字符串），超出可处理的范围。"
            "请删除多余的工作表和行列后另存，或把表格分成几个文件上传。",
        ),
    ),
    "file.dtd": Code(
        E,
        "文件含有不允许的 DTD/实体声明",
        "文件中含有不允许的 DTD/实体声明（Excel 不会写入这种内容），为安全起见不予读取。" + SAVE_AS,
    ),
    "file.out_of_grid": Code(
        E,
        "单元格超出 Excel 表格范围",
        "工作表“{sheet}”中有单元格引用 {ref} 超出了 Excel 的表格范围（A1:XFD1048576），"
        "文件不是由 Excel 正常保存的。请在 Excel 中打开、把数据复制到新工作簿后另存为 .xlsx 再上传。",
    ),
    "file.range_too_large": Code(
        E,
        "数据区域过大",
        "工作表“{sheet}”的数据分布在 {rows} 行、{cols} 列的范围内"
        "（上限 {max_rows} 行、{max_cols} 列），多半是远处的单元格里误填了内容。"
        "请删除表格以外多余的行和列（或把数据复制到新工作簿）后重新上传。",
        _cases(
            word_rows="Word 文档中的{table}超过 {max_rows} 行或 {max_cols} 列（第 {rows} 行），"
            "不像正常的表格。请检查表格后另存为 .docx，或把表格复制到 Excel 另存为 .xlsx 再上传。",
            word_cells="Word 文档中的{table}超过 {max_rows} 行或 {max_cols} 列"
            "（第 {rows} 行跨到第 {cols} 列），不像正常的表格。"
            "请检查表格后另存为 .docx，或把表格复制到 Excel 另存为 .xlsx 再上传。",
        ),
    ),
    "file.timeout": Code(
        E,
        "读取超时",
        "读取文件超时（超过 {seconds:.0f} 秒）" + TIMEOUT,
        _cases(cpu="读取文件超时（CPU 时间超过 {seconds:.0f} 秒）" + TIMEOUT),
    ),
    "file.macros_ignored": Code(
        W, "文件中的宏已忽略", "文件中含有宏（VBA），宏已忽略，只读取单元格中的数据。"
    ),
    "sheet.hidden_ignored": Code(
        W,
        "隐藏工作表未读取",
        "隐藏的工作表“{sheet}”中有{what}，未读取；如需报送，请取消隐藏或把它放到可见的工作表中",
        _cases(
            backup="工作表“{sheet}”的名称表明是备份，其中的{what}未读取；如需报送，请改名后重新上传"
        ),
    ),
    # ---------------------------------------------------------------- finding the table
    "table.unknown": Code(
        E,
        "无法识别是哪一张表",
        "文件中没有找到可识别的需求征集表或预算表：请使用下发的模板，或保留表头（{labels}等列）",
    ),
    "table.ambiguous": Code(
        E,
        "无法区分是表一还是表三",
        "表头与{tables}都相符，无法区分是哪一张表：请在标题中注明{titles}，或用下发的模板填报",
    ),
    "header.missing": Code(
        E,
        "缺少必需的列",
        "{table}缺少必需的列：{labels}",
        _cases(
            control_file="控制数文件中找不到表头：应有{wanted}两列（控制数也可写作：{aliases}）"
        ),
    ),
    "header.amount_split": Code(
        W,
        "金额分列填写",
        "“{label}”下分为{parts}几列，按“{read}”一列计入；如应按其他列，请改为一列金额后重新上传",
    ),
    "table.nil_return": Code(
        W,
        "本表报送为“无”（没有需求）",
        "本表填报为“{said}”，按“没有需求”处理（行数 0，合计 0）",
        _cases(
            blank="本表没有填写任何项目，按“没有需求”处理（行数 0，合计 0）；如有需求，请填写后重新上传"
        ),
    ),
    "table.continued": Code(
        W,
        "表格在下一个工作表续接，已合并为一张表",
        "工作表“{sheet}”接续“{first}”的{table}（{reason}），已合并为一张表："
        "行数和合计按 {sheets} 个工作表一起计算",
    ),
    "unit.conflict": Code(
        E,
        "填报单位前后不一致",
        "填报单位写的是{written}，但这是下发给{issued_to}的模板",
        _cases(
            file_name="文件名中的单位是{file_unit}，文件内填写的是{unit}",
            expected="文件填写的单位是{told}，与报送单位{expected}不一致",
        ),
    ),
    "unit.unknown": Code(
        E,
        "无法识别填报单位",
        "填报单位“{name}”不是本轮的{unit_kind}，请填写单位全称或简称",
        _cases(
            unplaced="无法识别填报单位：请在表上方写明“填报单位：…”或在文件名中写明单位，"
            "本文件未计入汇总",
            none="无法识别填报单位：请在表上方写明“填报单位：…”或在文件名中写明单位，"
            "否则汇总时本文件不能计入",
        ),
    ),
    # ---------------------------------------------------------------- cells
    "required.missing": Code(
        E,
        "必填项为空",
        "“{label}”为必填项",
        _cases(
            control_unit="第 {row} 行填了控制数 {amount}，但没有填单位",
            control_amount="{unit}的控制数为空",
        ),
    ),
    "category.unknown": Code(
        E, "类型不在列表中", "{label}“{value}”不在{table}的列表中，应为：{allowed}"
    ),
    "text.too_long": Code(E, "文字超过长度限制", "“{label}”超过 {max_length} 字（现 {length} 字）"),
    "amount.not_number": Code(
        E,
        "金额不是数字",
        "{label}“{raw}”不是数字，请填写数字（单位：万元）",
        _cases(
            date="{label}“{raw}”是日期或时间，不是数字（Excel 会把 5.1 这样的输入自动转成日期，"
            "请先把单元格设为数值格式），请填写数字（单位：万元）"
        ),
    ),
    "amount.negative": Code(E, "金额为负数", "{label}不能为负数"),
    "amount.too_large": Code(
        E,
        "金额超过 100 亿元或不是有限数",
        "{label}“{raw}”超过 100 亿元（1,000,000 万元）或不是有限数，请核对金额是否以万元填写",
    ),
    "amount.normalised": Code(
        W, "金额已规范化", "{label}“{raw}”{changes}", _cases(nothing="{label}“{raw}”视为未填")
    ),
    "amount.rounded": Code(W, "金额已四舍五入到 4 位小数", "{label}“{raw}”{changes}"),
    "amount.merged": Code(
        W,
        "金额单元格跨行合并",
        "{label}单元格合并了第{first}–{last}行，只计入第{first}行一次；请每个项目各填一个金额",
    ),
    "amount.in_yuan": Code(
        W,
        "金额按元填写，已换算为万元",
        "本表注明“{text}”，{label}按元填写：已除以 10000 换算为万元，合计 {total} 万元",
        _cases(
            header="表头“{text}”，{label}按元填写：已除以 10000 换算为万元，合计 {total} 万元",
            form="本表注明“{text}”，金额按元填写：已全部除以 10000 换算为万元",
            cell="{label}“{raw}”{changes}",
        ),
    ),
    "amount.in_yuan_suspect": Code(
        W,
        "标为元的金额都很小，可能实际按万元填写",
        "本表注明“{text}”，但{label}都小于 {below} 元（最大 {largest} 元）：可能实际按万元填写，请核对单位",
        _cases(
            header="表头“{text}”，但{label}都小于 {below} 元（最大 {largest} 元）："
            "可能实际按万元填写，请核对单位"
        ),
    ),
    "amount.in_text_column": Code(
        E,
        "数字填在了文字列",
        "“{label}”填的是数字“{shown}”，应为文字；金额请填在“{amount_label}”列",
    ),
    "row.shifted": Code(
        E,
        "整行错位",
        "第 {row} 行整行向{side}错位了一列（{amount_label}在 {found}，应在 {should}），"
        "请将该行内容向{back}移一列",
    ),
    "row.hidden": Code(
        W,
        "表内有隐藏的行（已计入）",
        "{rows}是隐藏行，其内容已计入本表：不应报送的请删除；应报送的请取消隐藏，便于核对",
    ),
    "project.duplicate": Code(
        E,
        "同一文件中项目重复申报",
        "{label}“{name}”{also}与{first}重复：同一项目只填一行，如确是两个项目请改用不同的名称",
    ),
    "total.mismatch": Code(
        E,
        "合计与明细之和不符",
        "{word} {stated} 与明细之和 {summed} 不符（差 {difference}）{hint}",
        _cases(control_file="合计 {stated} 与各单位控制数之和 {summed} 不符"),
    ),
    "count_amount.mismatch": Code(
        E,
        "项目数及单项金额与经费安排不符",
        "“{text}”合计 {product} 万元，与{label} {funding} 不符",
        _cases(each="“{text}”单项 {product} 万元，{label} {funding} 不是它的整数倍"),
    ),
    "count_amount.unreadable": Code(
        W,
        "项目数及单项金额无法解读",
        "无法从“{text}”读出项目数和单项金额，请按“3个×20万元”或“2项，每项25万元”填写",
    ),
    "policy_basis.no_document": Code(
        W, "政策依据未列出文件名称", "“{label}”未写明政策文件名称，请用书名号《》标出文件"
    ),
    "formula.evaluated": Code(
        W,
        "公式无缓存值，已按公式计算",
        "公式 ={formula} 没有缓存值，已按公式计算为 {result}",
        _cases(
            stale="公式 ={formula} 保存的结果是 0（文件要求打开时重新计算，生成它的程序没有计算），"
            "已按公式计算为 {result}"
        ),
    ),
    "formula.no_cached_value": Code(
        E,
        "公式没有计算结果",
        "单元格 {cell} 的公式 ={formula} 没有计算结果，请在 Excel 中打开、保存后重新上传",
    ),
    "cell.error_value": Code(
        E,
        "单元格为错误值",
        "{label}单元格为错误值 {raw}，请改正公式或改填内容",
        _cases(amount="{label}单元格为错误值 {raw}，请改正公式或改填数字"),
    ),
    # ---------------------------------------------------------------- 项目支出预算明细表
    "budget.sources_mismatch": Code(
        E,
        "资金来源之和与合计不符",
        "{label} {stated} 与各项资金来源之和 {summed} 不符（差 {difference}）{hint}",
    ),
    "budget.expenses_mismatch": Code(
        E,
        "支出明细之和与省局项目支出不符",
        "{label} {stated} 与支出明细之和 {summed} 不符（差 {difference}）{hint}",
    ),
    "budget.other_without_note": Code(
        E,
        "其他相关费用未注明用途",
        "{label} {amount} 万元未注明用途：请在该行注明，或在“{note_label}”中说明",
    ),
    "budget.row_mismatch": Code(
        E,
        "预算表与需求表金额不符",
        "{label} {provincial} 与{table} {where}“{name}”的金额 {amount} 不符",
    ),
    "budget.no_row": Code(
        W,
        "预算表找不到对应的需求表项目",
        "{where}中找不到项目“{name}”，请核对项目名称是否与需求征集表一致",
    ),
    # ---------------------------------------------------------------- reconciliation findings (issue 19)
    "continuation.mismatch": Code(
        W,
        "申报书的新增/延续与上年不符",
        "{unit}“{project}”的申报书勾选“{declared}”，{found}",
        _cases(
            declared_new="但上年{last_title}有同一项目“{last_project}”（申报 {last_requested} 万元，"
            "核定 {last_approved} 万元）：应为延续",
            declared_continued="但上年{last_title}中找不到该单位的同一项目：应为新增，或核对项目名称",
        ),
    ),
    # ---------------------------------------------------------------- the control-number file (控制数)
    "control.unit_unknown": Code(
        E,
        "控制数文件中的单位无法识别",
        "单位“{name}”不是本轮次的{unit_kind}（可填简称、全称或别名）",
    ),
    "control.duplicate": Code(
        E,
        "控制数文件中单位重复",
        "{unit}重复列出：已在 {earlier} 填写控制数 {amount}，本行未计入",
    ),
    "control.unit_missing": Code(
        W,
        "控制数文件未列出该单位",
        "控制数文件未列出以下{unit_kind}（视为控制数未知）：{units}",
    ),
}


def code(name: str) -> Code:
    """The catalogue entry for a code; rule.* codes are errors unless the rules file says otherwise."""
    if name in CODES:
        return CODES[name]
    if name.startswith("rule."):
        return Code(E, "不符合申报规则", "{message}")
    raise KeyError(
        f"unknown issue code {name!r}: add it to validators/report/codes.py and the README"
    )


def message(name: str, case: str | None = None, /, **fields: object) -> str:
    """The message of a code (in one of its ``cases``), its template filled from ``fields``."""
    entry = code(name)
    template = entry.template if case is None else entry.cases[case]
    return template.format_map(fields)
