"""Find formula cells that carry no cached value in an .xlsx package.

openpyxl shows either the formulas or the cached values, never both, and a formula without a
cached value (a workbook written by a program and never opened in Excel) reads as an empty
cell. An analyst must hear that a number is missing rather than see a blank, so this module
scans the sheet XML directly, cheaply, and only in workbooks that contain formulas at all.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def uncached_formulas(data: bytes) -> list[str]:
    """One note per formula cell without a cached value, e.g. ``sheet X cell B5: formula =C5+C6 …``."""
    notes = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = set(package.namelist())
        for name, part in _sheet_parts(package):
            if part not in parts:
                continue
            raw = package.read(part)
            if b"<f" not in raw and b":f" not in raw:
                continue
            notes.extend(f"sheet {name} cell {ref}: formula {formula} has no cached value" for ref, formula in _scan(raw))
    return notes


def _sheet_parts(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """``(sheet name, zip path)`` in workbook order."""
    workbook = etree.fromstring(package.read("xl/workbook.xml"))
    rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PKG_REL}Relationship")}
    parts = []
    for sheet in workbook.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(f"{REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts.append((sheet.get("name", ""), path))
    return parts


def _scan(raw: bytes) -> list[tuple[str, str]]:
    found = []
    for _, cell in etree.iterparse(io.BytesIO(raw), tag=f"{MAIN}c", huge_tree=True):
        formula = cell.find(f"{MAIN}f")
        if formula is not None:
            if not _has_cached_value(cell):
                text = f"={formula.text}" if formula.text else "(shared formula)"
                found.append((cell.get("r", "?"), text))
        cell.clear()
    return found


def _has_cached_value(cell: etree._Element) -> bool:
    """A formula that yields "" stores an empty string value (t="str"); that is a real result."""
    value = cell.find(f"{MAIN}v")
    if value is None:
        return False
    return bool((value.text or "").strip()) or cell.get("t") == "str"
