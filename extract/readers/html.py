"""Saved web pages (.html), and the Excel "web page" exports archived as .xls.

The page's own declaration decides the encoding, because Chinese pages are mostly GBK and a
UTF-8 guess would turn every label into mojibake. A GB2312 declaration is read as GB18030: pages
that say GB2312 routinely contain GBK-only characters (生僻字 in names), and GB18030 is a
superset of both. Without a declaration, or when the declared charset cannot decode the bytes,
the text-file decoder guesses (the fallback is noted). lxml's HTML parser then builds the tree;
``html_blocks`` turns it into paragraphs and tables.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.model import Document
from goaltables.extract.readers.encoding import advice, bom_encoding, decode, is_plausible_chinese
from goaltables.extract.readers.html_blocks import page_blocks

PRESCAN_BYTES = 4096  # browsers look for the declaration in the first 1024 bytes; exports pad more
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Declarations whose real content is GBK or wider: decode them all as GB18030.
# Single-byte Western declarations: a Chinese page saved by a misconfigured server or editor
# says one of these while holding GBK or UTF-8 bytes.
_WESTERN = {"latin_1", "iso8859-1", "cp1252", "windows-1252", "ascii", "iso8859-15"}
_CLOSING = re.compile(r"</(?:html|body)\s*>\s*$", re.IGNORECASE)
_GB_FAMILY = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "chinese", "csgb2312", "euc-cn", "gb18030"}


def read(data: bytes, encoding: str | None = None) -> Document:
    text, encoding, notes = decode_page(data, encoding)
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses str input that declares an encoding
    if not text.strip():
        raise DocumentLoadError("empty web page: no text after decoding")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentLoadError(f"unreadable web page: {exc}") from None
    notes += truncation_notes(text)
    return Document(blocks=page_blocks(root), file_format="html", encoding=encoding, notes=notes)


def truncation_notes(text: str) -> list[str]:
    """A page cut short (an interrupted download or copy) loses the rows after the cut, and
    lxml repairs the tree without a word; a page that opens <html>/<body> must also close it."""
    head = text[:4096].lower()
    opened = "<html" in head or "<body" in head
    tables_open = text.lower().count("<table") - text.lower().count("</table")
    if opened and not _CLOSING.search(text.rstrip()[-64:]):
        return ["the page ends without </html> or </body>: the file may be cut short and rows after the cut lost"]
    if tables_open > 0:
        return [f"{tables_open} table(s) never closed: the file may be cut short and rows after the cut lost"]
    return []


def decode_page(data: bytes, override: str | None = None) -> tuple[str, str, list[str]]:
    """``(text, encoding, notes)``: ``--encoding`` first, then BOM, the declared charset, a guess.

    A declaration is checked, not trusted: a Western single-byte charset over bytes that read as
    Chinese, or any charset whose text is Chinese mojibake, is second-guessed.
    """
    if override:
        text, encoding = decode(data, override)
        return text, encoding, []
    declared = None if bom_encoding(data) else declared_charset(data)
    if declared is not None:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass
        else:
            return _checked(data, text, declared)
    text, encoding = decode(data)
    if declared is None:
        return text, encoding, []
    return text, encoding, [f"page declares charset {declared} but is not valid {declared}; read as {encoding}"]


def _checked(data: bytes, text: str, declared: str) -> tuple[str, str, list[str]]:
    """The declared decoding, unless the bytes say otherwise (see ``decode_page``)."""
    if declared in _WESTERN and any(byte >= 0x80 for byte in data):
        try:
            guessed, encoding = decode(data)
        except DocumentLoadError:
            raise DocumentLoadError(f"web page declares charset {declared} but holds other text{advice(data)}") from None
        if guessed != text:
            return guessed, encoding, [f"page declares charset {declared} but its text is {encoding}; read as {encoding}"]
    if not is_plausible_chinese(text):
        raise DocumentLoadError(f"web page does not read as Chinese in its declared charset {declared}{advice(data)}")
    return text, declared, []


def declared_charset(data: bytes) -> str | None:
    """The codec named by ``<meta charset>`` or ``http-equiv`` content, mapped to what to use."""
    match = _META_CHARSET.search(data[:PRESCAN_BYTES])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
