"""Hand-made OOXML and CFB files for the reader's tests: exact bytes no writer library would produce."""

from __future__ import annotations

import io
import struct
import zipfile

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def xlsx(
    sheet_data: str,
    *,
    dimension: str = "A1",
    sheet_name: str = "Sheet1",
    main_content_type: str = SHEET_CT,
    extra_parts: dict[str, bytes | str] | None = None,
    sheet_xml: str | None = None,
) -> bytes:
    """A minimal one-sheet workbook whose sheetData is exactly ``sheet_data``."""
    xml = sheet_xml or (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    parts = workbook_parts([(sheet_name, xml)], main_content_type)
    parts.update(extra_parts or {})
    return zip_bytes(parts)


def workbook_parts(
    sheets: list[tuple[str, str]], main_content_type: str = SHEET_CT
) -> dict[str, bytes | str]:
    """The parts of a workbook of ``sheets`` (name, worksheet XML), in order, as
    ``xl/worksheets/sheet1.xml`` …"""
    worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    numbered = list(enumerate(sheets, 1))
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{worksheet}"/>'
        for i, _ in numbered
    )
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in numbered
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i, _ in numbered
    )
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main_content_type}"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f"<sheets>{entries}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{rels}'
            "</Relationships>"
        ),
    }
    for i, (_, xml) in numbered:
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    return parts


def zip_bytes(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression, compresslevel=1) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return buf.getvalue()


def cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file (512-byte sectors) holding the given root-level streams.

    Every stream is padded with zeros to at least 4096 bytes and stored in regular sectors, so no
    mini stream is needed.
    """
    sector = 512
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    blobs = [
        streams[n].ljust(max(4096, -(-len(streams[n]) // sector) * sector), b"\0") for n in names
    ]
    dir_entries = 1 + len(names)
    dir_sectors = -(-dir_entries * 128 // sector)
    data_sectors = sum(len(b) // sector for b in blobs)
    fat_sectors = 1
    while (fat_sectors + dir_sectors + data_sectors) > fat_sectors * (sector // 4):
        fat_sectors += 1
    fat: list[int] = [fat_sect] * fat_sectors
    dir_start = len(fat)
    fat += [*range(dir_start + 1, dir_start + dir_sectors), end]
    starts = []
    for blob in blobs:
        start, count = len(fat), len(blob) // sector
        starts.append(start)
        fat += [*range(start + 1, start + count), end]
    fat += [free] * (fat_sectors * (sector // 4) - len(fat))

    def entry(
        name: str, kind: int, start: int, size: int, child: int = free, right: int = free
    ) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 16  # CLSID
            + b"\0" * 4  # state bits
            + b"\0" * 16  # times
            + struct.pack("<IQ", start, size)
        )

    # the root's children as a right-leaning chain (a valid, if unbalanced, red-black tree)
    entries = [entry("Root Entry", 5, end, 0, child=1 if names else free)]
    for i, name in enumerate(names):
        nxt = i + 2 if i + 1 < len(names) else free
        entries.append(entry(name, 2, starts[i], len(blobs[i]), right=nxt))
    directory = b"".join(entries).ljust(dir_sectors * sector, b"\0")

    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, 4096, end, 0, end, 0)
    )
    difat = list(range(fat_sectors)) + [free] * (109 - fat_sectors)
    header += struct.pack("<109I", *difat)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + fat_bytes + directory + b"".join(blobs)
