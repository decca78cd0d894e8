"""Write the second real-world set (``realworld2_files``) into ``tests/realworld2/``.

    .venv/bin/python tests/support/make_realworld2.py [OUT_DIR]

openpyxl and python-docx write each file; ``inline`` files then have every shared string rewritten as
an inline string (``<c t="inlineStr"><is>…</is>``, rich text runs kept) and the shared-string part
dropped; ``lo-xlsx`` and ``lo-xls`` files are opened and saved by LibreOffice
(``soffice --headless --convert-to xlsx|xls``, a real LibreOffice .xlsx and a BIFF8 .xls). The
results are committed, so the tests (and CI) need no LibreOffice; rerun this after changing a maker
and commit what it writes.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import realworld2_files as rw2

OUT = Path(__file__).resolve().parents[1] / "realworld2"
_SI = re.compile(rb"<si>(.*?)</si>", re.DOTALL)
_SHARED_CELL = re.compile(rb'<c ([^>]*?)t="s"([^>]*)><v>(\d+)</v></c>')


def inline_strings(data: bytes) -> bytes:
    """The workbook with every shared-string cell holding its string inline, and no shared strings
    (openpyxl 3.1 already writes strings inline, rich text as runs: then nothing changes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    if "xl/sharedStrings.xml" not in src.namelist():
        return data
    strings = _SI.findall(src.read("xl/sharedStrings.xml"))

    def cell(m: re.Match[bytes]) -> bytes:
        text = strings[int(m[3])]
        return b"<c " + m[1] + b't="inlineStr"' + m[2] + b"><is>" + text + b"</is></c>"

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                continue
            if item.filename.startswith("xl/worksheets/sheet"):
                body = _SHARED_CELL.sub(cell, body)
            elif item.filename == "[Content_Types].xml":
                body = re.sub(rb'<Override PartName="/xl/sharedStrings.xml"[^>]*/>', b"", body)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                body = re.sub(rb'<Relationship [^>]*sharedStrings.xml"[^>]*/>', b"", body)
            dst.writestr(item, body)
    return out.getvalue()


def libreoffice(made: list[rw2.Made], out: Path) -> None:
    """Have LibreOffice open each file and save it as .xlsx or .xls under its own name in ``out``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("需要 LibreOffice（soffice）才能生成 lo-xlsx / lo-xls 文件")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile").as_uri()
        for kind in ("xlsx", "xls"):
            batch = [m for m in made if m.producer == f"lo-{kind}"]
            if not batch:
                continue
            src, dst = Path(tmp, f"src-{kind}"), Path(tmp, f"out-{kind}")
            src.mkdir()
            for m in batch:
                Path(src, Path(m.name).stem + ".xlsx").write_bytes(m.data)
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    kind,
                    "--outdir",
                    str(dst),
                    *sorted(str(p) for p in src.iterdir()),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            for m in batch:
                shutil.copyfile(Path(dst, Path(m.name).stem + "." + kind), out / m.name)


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    made = [maker() for maker in (*rw2.PROVINCE, *rw2.HENGYANG)]
    for m in made:
        if m.producer == "inline":
            (out / m.name).write_bytes(inline_strings(m.data))
        elif m.producer in ("openpyxl", "docx"):
            (out / m.name).write_bytes(m.data)
    libreoffice(made, out)
    print(f"{len(made)} 个文件已写入 {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
