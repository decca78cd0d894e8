"""The container gate: every refusal has its code and a Chinese message naming the fix."""

from __future__ import annotations

import bz2
import io
import re
import struct
import zipfile
import zlib

import docx
import handmade
import hostile_files as hf
import pytest
import xlsxwriter
import xlwt

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake.gate import Container, Limits, check_container
from budget_planner.validators.report.codes import message

SHEET = '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1"><v>50</v></c></row>'


def refused(
    data: bytes, name: str = "清远市-表四.xlsx", limits: Limits | None = None
) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        check_container(data, name, limits or Limits())
    return caught.value


def real_xlsx() -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.add_worksheet("表四").write_string("A1", "序号")
    book.close()
    return buf.getvalue()


def real_xls() -> bytes:
    book = xlwt.Workbook()
    book.add_sheet("表四").write(0, 0, "序号")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def real_docx() -> bytes:
    document = docx.Document()
    document.add_table(rows=1, cols=1).cell(0, 0).text = "序号"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)


BOF = (0x0809, bytes.fromhex("0006050000000000") + b"\0" * 8)
EOF_RECORD = (0x000A, b"")


def test_kinds_are_sniffed_from_the_bytes_not_the_name():
    assert check_container(real_xlsx(), "表四.xls") == Container("xlsx")
    assert check_container(real_xls(), "表四.xlsx") == Container("xls")
    assert check_container(real_docx(), "通知.xlsx") == Container("docx")


def test_macros_are_noted_not_refused():
    vba = handmade.xlsx(SHEET, extra_parts={"xl/vbaProject.bin": b"\xcc\x61\x00"})
    assert check_container(vba, "表四.xlsm") == Container("xlsm", macros=True)
    macro_type = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert check_container(
        handmade.xlsx(SHEET, main_content_type=macro_type), "x.xlsm"
    ) == Container("xlsm", macros=True)
    xls_with_vba = handmade.cfb({"Workbook": biff(BOF, EOF_RECORD), "_VBA_PROJECT_CUR": b"\1"})
    assert check_container(xls_with_vba, "x.xls") == Container("xls", macros=True)


def test_empty_file():
    error = refused(b"")
    assert error.code == "file.empty"
    assert "重新选择文件上传" in error.message


def test_upload_over_the_size_limit():
    error = refused(real_xlsx(), limits=Limits(max_upload=1000))
    assert error.code == "file.too_large"
    assert "超过上限" in error.message and "分成几个文件" in error.message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"<html><head><meta charset='utf-8'></head><body><table><tr><td>1</td></tr></table>",
            "网页（HTML）",
        ),
        ("\ufeff<!DOCTYPE html><html><body>表四</body></html>".encode(), "网页（HTML）"),
        (
            b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>',
            "Excel 2003 XML",
        ),
        ("序号,类型,金额\n1,知识产权管理,50\n".encode("gb18030"), "纯文本"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related", "MHT"),
    ],
)
def test_web_pages_and_text_named_xls_are_fake_excel(data, message):
    error = refused(data, "清远市-表四.xls")
    assert error.code == "file.fake_excel"
    assert message in error.message
    assert "另存为" in error.message and ".xlsx" in error.message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "表四.pdf", "PDF"),
        (b"\x89PNG\r\n\x1a\n\0\0", "扫描件.png", "图片"),
        (b"<html><body>x</body></html>", "表四.pdf", "Excel 文件（.xlsx、.xlsm、.xls）"),
        (handmade.cfb({"WordDocument": b"\xec\xa5"}), "通知.doc", "另存为 .docx"),
        (
            handmade.zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
            "x.ods",
            ".ods",
        ),
        (handmade.zip_bytes({"readme.txt": "hello"}), "x.zip", "Excel 文件（.xlsx、.xlsm、.xls）"),
        (
            handmade.xlsx(
                "", main_content_type="application/vnd.ms-excel.sheet.binary.macroEnabled.main"
            ),
            "x.xlsb",
            ".xlsb",
        ),
    ],
)
def test_not_a_spreadsheet(data, name, message):
    error = refused(data, name)
    assert error.code == "file.not_spreadsheet"
    assert message in error.message


@pytest.mark.parametrize(
    "data",
    [
        real_xlsx()[:-200],  # cut off: no central directory
        real_xlsx()[:3],
        b"PK\x05\x06" + b"\0" * 18,  # an empty zip archive
        real_xls()[:2000],  # a compound file cut inside its sectors
    ],
)
def test_truncated_files_are_corrupt(data):
    error = refused(data)
    assert error.code == "file.corrupt"
    assert "重新上传" in error.message


def test_crc_mismatch_is_corrupt():
    data = bytearray(
        handmade.xlsx(SHEET, extra_parts={"xl/extra.xml": "<a>" + "x" * 5000 + "</a>"})
    )
    start = data.find(b"xl/extra.xml") + len("xl/extra.xml")
    data[start + 5] ^= 0xFF  # inside the compressed bytes of that part
    assert refused(bytes(data)).code == "file.corrupt"


def test_a_header_that_understates_the_size_is_caught():
    data = bytearray(
        handmade.xlsx(SHEET, extra_parts={"xl/extra.xml": "<a>" + "x" * 50000 + "</a>"})
    )
    # rewrite the declared uncompressed size of xl/extra.xml (local header and central directory)
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = -1
        while (pos := data.find(sig, pos + 1)) >= 0:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 12] == b"xl/extra.xml":
                data[pos + offset : pos + offset + 4] = struct.pack("<I", 100)
    assert refused(bytes(data)).code == "file.corrupt"


@pytest.mark.parametrize(
    "bad", ["../evil.xml", "/xl/abs.xml", "xl\\win.xml", "xl/./x.xml", "C:/x.xml"]
)
def test_traversal_part_names_are_corrupt(bad):
    error = refused(handmade.xlsx(SHEET, extra_parts={bad: "<a/>"}))
    assert error.code == "file.corrupt"
    assert "部件名称" in error.message


def test_duplicate_part_names_are_corrupt():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in ("[Content_Types].xml", "xl/workbook.xml"):
            zf.writestr(name, "<a/>")
        zf.writestr("XL/Workbook.xml", "<b/>")  # part names compare case-insensitively
    assert refused(buf.getvalue()).code == "file.corrupt"


def test_part_count_and_sizes_are_capped():
    many = handmade.xlsx(SHEET, extra_parts={f"xl/media/p{i}.xml": "<a/>" for i in range(30)})
    error = refused(many, limits=Limits(max_parts=20))
    assert (error.code, "超过上限 20 个" in error.message) == ("file.too_large", True)
    big = handmade.xlsx(SHEET, extra_parts={"xl/big.xml": "<a>" + "x" * 300_000 + "</a>"})
    error = refused(big, limits=Limits(max_part_size=200_000))
    assert error.code == "file.too_large" and "解压后" in error.message
    two = {"xl/a.xml": "<a>" + "x" * 150_000 + "</a>", "xl/b.xml": "<a>" + "y" * 150_000 + "</a>"}
    error = refused(handmade.xlsx(SHEET, extra_parts=two), limits=Limits(max_total_size=250_000))
    assert error.code == "file.too_large" and "总大小" in error.message


@pytest.mark.parametrize(
    "part",
    [
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet/>',
        '<?xml version="1.0"?><!ENTITY % x SYSTEM "http://example.com/x">',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"),
    ],
)
def test_dtd_in_any_xml_part_is_refused(part):
    error = refused(handmade.xlsx(SHEET, extra_parts={"docProps/custom.xml": part}))
    assert error.code == "file.dtd"
    assert "另存为" in error.message


def test_a_comment_is_not_a_dtd():
    data = handmade.xlsx(
        SHEET, extra_parts={"docProps/app.xml": "<?xml version='1.0'?><!-- DOCTYPE --><a/>"}
    )
    assert check_container(data, "x.xlsx") == Container("xlsx")


def test_encrypted_workbooks():
    # Excel saves a password-protected .xlsx as a compound file with EncryptionInfo
    ooxml = handmade.cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\0" * 64})
    error = refused(ooxml)
    assert error.code == "file.encrypted"
    assert error.message == (
        "文件设有打开密码，请在 Excel 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后重新上传。"
    )
    # an encrypted .xls carries a FILEPASS record right after BOF
    xls = handmade.cfb({"Workbook": biff(BOF, (0x002F, b"\1\0\1\0" + b"\0" * 48), EOF_RECORD)})
    assert refused(xls, "x.xls").code == "file.encrypted"


# ---------------------------------------------------------------- each part held to its headers


def _entry(name: str, body: bytes, method: int = zipfile.ZIP_DEFLATED):
    raw = hf.deflated(body) if method == zipfile.ZIP_DEFLATED else body
    return (name, raw, len(body), zlib.crc32(body), method)


def _package(*extra) -> list:
    return [*hf.entries_of(handmade.xlsx(SHEET)), *extra]


def test_a_part_compressed_other_than_excel_does_is_corrupt():
    body = b"<a>" + b"x" * 5000 + b"</a>"
    entry = ("xl/extra.xml", bz2.compress(body), len(body), zlib.crc32(body), zipfile.ZIP_BZIP2)
    assert refused(hf.raw_zip(_package(entry))).code == "file.corrupt"


def test_a_stored_part_whose_sizes_disagree_is_corrupt():
    name, raw, size, crc, method = _entry("xl/extra.xml", b"<a>stored</a>", zipfile.ZIP_STORED)
    assert refused(hf.raw_zip(_package((name, raw, size + 5, crc, method)))).code == "file.corrupt"


def test_parts_sharing_their_bytes_are_corrupt():
    # a zip bomb without recursion points many directory entries at the same compressed bytes
    data = bytearray(hf.raw_zip(_package(_entry("xl/a.xml", b"<a/>"), _entry("xl/b.xml", b"<a/>"))))
    central = [m.start() for m in re.finditer(b"PK\x01\x02", data)]
    a = next(p for p in central if data[p + 46 : p + 54] == b"xl/a.xml")
    b = next(p for p in central if data[p + 46 : p + 54] == b"xl/b.xml")
    data[b + 42 : b + 46] = data[a + 42 : a + 46]  # b's local header offset made a's
    assert refused(bytes(data)).code == "file.corrupt"


def test_a_local_header_naming_another_part_is_corrupt():
    data = hf.raw_zip(_package(_entry("xl/extra.xml", b"<a/>")))
    at = data.find(b"xl/extra.xml")  # the first occurrence: the local header's copy of the name
    forged = data[:at] + b"xl/EXTRA.xml" + data[at + 12 :]
    assert refused(forged).message == message("file.corrupt", "bad_part_name")


def test_a_dtd_in_utf16_without_a_byte_order_mark_is_refused():
    part = ' <?xml version="1.0"?><!doctype a [<!entity x "y">]><a/>'.encode("utf-16-be")
    error = refused(handmade.xlsx(SHEET, extra_parts={"customXml/item1.xml": part}))
    assert error.code == "file.dtd"


def test_a_binary_part_is_not_searched_for_declarations():
    data = handmade.xlsx(SHEET, extra_parts={"xl/media/image1.png": b"\x89PNG<!DOCTYPE"})
    assert check_container(data, "x.xlsx") == Container("xlsx")
