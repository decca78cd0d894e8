"""Write the third real-world set into ``tests/realworld3/``.

    .venv/bin/python tests/support/make_realworld3.py [OUT_DIR]

The makers (``realworld3_province``, ``realworld3_hengyang``) write each file with openpyxl, xlwt,
python-docx or the WPS-shaped writer ``realworld3_xml``; ``lo-*`` files are then opened and saved by
LibreOffice (``soffice --headless --convert-to``): ``lo-xlsx`` as .xlsx, ``lo-xls`` as BIFF8 .xls,
``lo-ods`` as .ods and that .ods again as .xlsx. The results are committed, so the tests (and CI)
need no LibreOffice; rerun this after changing a maker and commit what it writes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from realworld3_files import Made, makers

OUT = Path(__file__).resolve().parents[1] / "realworld3"
_STEPS = {"lo-xlsx": ("xlsx",), "lo-xls": ("xls",), "lo-ods": ("ods", "xlsx")}


def _convert(soffice: str, profile: str, files: list[Path], to: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            *(str(p) for p in files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def libreoffice(made: list[Made], out: Path) -> None:
    """Have LibreOffice open and save each ``lo-*`` file, step by step, under its own name."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("需要 LibreOffice（soffice）才能生成 lo-* 文件")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile").as_uri()
        for producer, steps in _STEPS.items():
            batch = [m for m in made if m.producer == producer]
            if not batch:
                continue
            current = Path(tmp, producer, "0")
            current.mkdir(parents=True)
            for m in batch:
                Path(current, Path(m.name).stem + ".xlsx").write_bytes(m.data)
            for i, to in enumerate(steps, 1):
                nxt = Path(tmp, producer, str(i))
                _convert(soffice, profile, sorted(current.iterdir()), to, nxt)
                current = nxt
            for m in batch:
                shutil.copyfile(Path(current, Path(m.name).stem + "." + steps[-1]), out / m.name)


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    province, hengyang = makers()
    made = [maker() for maker in (*province, *hengyang)]
    names = [m.name for m in made]
    assert len(set(names)) == len(names), "two makers write the same file name"
    for m in made:
        if not m.producer.startswith("lo-"):
            (out / m.name).write_bytes(m.data)
    libreoffice(made, out)
    print(f"{len(made)} 个文件已写入 {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
