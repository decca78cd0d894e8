"""The container gate's messages: one clear Chinese sentence per case, naming the fix."""

from __future__ import annotations

MB = 1024 * 1024
SAVE_AS = "请用 Excel 或 WPS 打开后，选择“文件→另存为”，保存为 Excel 工作簿（.xlsx）再上传。"

EMPTY = "文件是空的（0 字节），可能上传中断或选错了文件，请重新选择文件上传。"
CORRUPT = "文件已损坏或不完整（可能下载或上传时中断），无法读取。请在 Excel 中打开确认内容无误，另存为 .xlsx 后重新上传。"
BAD_PART_NAME = "文件内部结构异常（含有重复或非法的部件名称），不是由 Excel 正常保存的。" + SAVE_AS
ENCRYPTED = "文件设有打开密码，请在 Excel 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后重新上传。"
DTD = "文件中含有不允许的 DTD/实体声明（Excel 不会写入这种内容），为安全起见不予读取。" + SAVE_AS
NOT_SPREADSHEET = (
    "无法识别的文件格式：请上传 Excel 文件（.xlsx、.xlsm、.xls）或 Word 文件（.docx）。"
)
PDF = "这是 PDF 文件，无法读取其中的表格。请上传填好的 Excel 原文件；盖章扫描件请在“盖章扫描件”处另行上传。"
IMAGE = "这是图片文件，无法读取其中的表格。请上传填好的 Excel 原文件；盖章扫描件请在“盖章扫描件”处另行上传。"
DOC = "这是旧版 Word 文件（.doc），无法读取。请用 Word 或 WPS 打开后另存为 .docx（或把表格复制到 Excel 另存为 .xlsx）再上传。"
RTF = "这是 RTF 文档，无法读取。请用 Word 或 WPS 打开后另存为 .docx 再上传。"
XLSB = "这是 Excel 二进制工作簿（.xlsb），暂不支持。" + SAVE_AS
OPEN_DOCUMENT = "这是 OpenDocument 格式（.ods/.odt），暂不支持。" + SAVE_AS
FAKE_HTML = "文件扩展名是 Excel，但内容其实是网页（HTML），常见于从网站或系统导出的表格。" + SAVE_AS
FAKE_XML = "文件扩展名是 Excel，但内容是 XML 表格（Excel 2003 XML 格式）。" + SAVE_AS
FAKE_MHT = "文件扩展名是 Excel，但内容是单个网页文件（MHT）。" + SAVE_AS
FAKE_TEXT = "文件扩展名是 Excel，但内容是纯文本（如 CSV）。" + SAVE_AS
STRINGS_MISCOUNTED = (
    "文件内部结构异常（共享字符串表声明的数量与实际不符），不是由 Excel 正常保存的。" + SAVE_AS
)
TEXT = "这是文本文件（如 CSV），不是 Excel 表格。" + SAVE_AS


def upload_too_large(size: int, limit: int) -> str:
    return (
        f"文件大小 {size / MB:.1f} MB，超过上限 {limit / MB:.0f} MB。"
        "请删除多余的工作表、图片后另存，或把表格分成几个文件上传。"
    )


def too_many_parts(count: int, limit: int) -> str:
    return (
        f"文件内部包含 {count} 个部件，超过上限 {limit} 个，不像正常的表格文件。"
        "请在 Excel 中打开，把表格复制到新工作簿后另存为 .xlsx 再上传。"
    )


def part_too_large(limits) -> str:
    return (
        f"文件解压后有部分内容超过 {limits.max_part_size / MB:.0f} MB，超出可处理的范围。"
        "请删除多余的行、列、图片后另存，或把表格分成几个文件上传。"
    )


def total_too_large(limits) -> str:
    return (
        f"文件解压后总大小超过 {limits.max_total_size / MB:.0f} MB，超出可处理的范围。"
        "请删除多余的工作表、图片后另存，或把表格分成几个文件上传。"
    )


def too_many_strings(limit: int) -> str:
    return (
        f"文件中不同的文字内容超过 {limit} 个（共享字符串），超出可处理的范围。"
        "请删除多余的工作表和行列后另存，或把表格分成几个文件上传。"
    )
