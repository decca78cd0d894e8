"""What a written workbook holds, read the way Excel reads it: every text cell (``_xHHHH_`` escapes
decoded), every formula, every link. Used to prove that user text stays text in what we write."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode(text: str) -> str:
    """Excel's reading of ``_xHHHH_`` escapes (``_x005F_`` keeps a literal underscore sequence)."""
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


def _text(el: Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{NS}t") if not _inside_phonetic(el, t))


def _inside_phonetic(root: Element, t: Element) -> bool:
    return any(t in list(rph.iter()) for rph in root.iter(f"{NS}rPh"))


@dataclass
class Written:
    texts: list[str]  # every text cell, as Excel shows it
    formulas: list[str]  # every <f> element's text
    links: list[str]  # every relationship of a hyperlink or external target


def inspect(data: bytes) -> Written:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            shared = [decode(_text(si)) for si in fromstring(zf.read("xl/sharedStrings.xml"))]
        texts, formulas = [], []
        for name in names:
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                continue
            for c in fromstring(zf.read(name)).iter(f"{NS}c"):
                kind = c.get("t")
                v = c.find(f"{NS}v")
                if kind == "s" and v is not None:
                    texts.append(shared[int(v.text or 0)])
                elif kind == "inlineStr":
                    texts.append(decode(_text(c)))
                elif kind == "str" and v is not None:
                    texts.append(decode(v.text or ""))
                f = c.find(f"{NS}f")
                if f is not None:
                    formulas.append(f.text or "")
        links = []
        for name in names:
            if name.endswith(".rels"):
                for rel in fromstring(zf.read(name)):
                    kind, mode = rel.get("Type", ""), rel.get("TargetMode", "")
                    if kind.endswith("/hyperlink") or mode == "External":
                        links.append(rel.get("Target", ""))
    return Written(texts, formulas, links)


def assert_kept_as_text(
    data: bytes, payloads: list[str], *, own_formula: re.Pattern[str] | None = None
) -> Written:
    """Every payload is a whole text cell; no link at all; no formula, or only the service's own
    (``own_formula`` matches each whole formula text)."""
    written = inspect(data)
    for payload in payloads:
        assert payload in written.texts, f"{payload[:40]!r} is not a whole text cell"
    for formula in written.formulas:
        assert own_formula is not None and own_formula.fullmatch(formula), formula
    assert written.links == []
    book = load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.hyperlink is None or not cell.hyperlink.target, cell.coordinate
                if isinstance(cell.value, str) and decode(cell.value) in payloads:
                    assert cell.data_type == "s", cell.coordinate
    return written
