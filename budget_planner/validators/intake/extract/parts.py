"""Where an OOXML package keeps its parts: the main document, and (.xlsx) each worksheet by name."""

from __future__ import annotations

import posixpath
import zipfile
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OFFICE_DOCUMENT = "/officeDocument"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_xml(zf: zipfile.ZipFile, name: str) -> Element | None:
    try:
        return fromstring(zf.read(name))
    except KeyError:
        return None


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _targets(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, resolved part name) for one part."""
    root = _read_xml(zf, _rels_name(part))
    if root is None:
        return {}
    folder = posixpath.dirname(part)
    out: dict[str, tuple[str, str]] = {}
    for rel in root:
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(resolved))
    return out


def main_part(zf: zipfile.ZipFile) -> str:
    for rel_type, target in _targets(zf, "").values():
        if rel_type.endswith(_OFFICE_DOCUMENT):
            return target
    return "xl/workbook.xml"


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name → its XML part name, for the sheets whose part exists."""
    book = main_part(zf)
    root = _read_xml(zf, book)
    if root is None:
        return {}
    rels = _targets(zf, book)
    names = set(zf.namelist())
    out: dict[str, str] = {}
    for el in root.iter():
        if _local(el.tag) != "sheet":
            continue
        rel = rels.get(el.get(f"{{{_REL_NS}}}id", ""))
        if rel and rel[1] in names:
            out[el.get("name", "")] = rel[1]
    return out


def recalculated_on_open(zf: zipfile.ZipFile) -> bool:
    """Whether the workbook asks to be recalculated when opened (``<calcPr fullCalcOnLoad="1">``):
    written by a program that stored no real results (a spreadsheet application saves them)."""
    root = _read_xml(zf, main_part(zf))
    if root is None:
        return False
    calc = next((el for el in root.iter() if _local(el.tag) == "calcPr"), None)
    return calc is not None and calc.get("fullCalcOnLoad", "").lower() in ("1", "true")
