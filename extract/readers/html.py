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

from extract.errors import DocumentLoadError
from extract.model import Document
from extract.readers.encoding import bom_encoding, decode
from extract.readers.html_blocks import page_blocks

PRESCAN_BYTES = 4096  # browsers look for the declaration in the first 1024 bytes; exports pad more
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Declarations whose real content is GBK or wider: decode them all as GB18030.
_GB_FAMILY = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "chinese", "csgb2312", "euc-cn", "gb18030"}


def read(data: bytes) -> Document:
    text, encoding, notes = decode_page(data)
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses str input that declares an encoding
    if not text.strip():
        raise DocumentLoadError("empty web page: no text after decoding")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentLoadError(f"unreadable web page: {exc}") from None
    return Document(blocks=page_blocks(root), file_format="html", encoding=encoding, notes=notes)


def decode_page(data: bytes) -> tuple[str, str, list[str]]:
    """``(text, encoding, notes)``: BOM first, then the declared charset, then a guess."""
    declared = None if bom_encoding(data) else declared_charset(data)
    if declared is not None:
        try:
            return data.decode(declared), declared, []
        except UnicodeDecodeError:
            pass
    text, encoding = decode(data)
    if declared is None:
        return text, encoding, []
    return text, encoding, [f"page declares charset {declared} but is not valid {declared}; read as {encoding}"]


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
