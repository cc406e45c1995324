"""Decode archived text files without assuming UTF-8.

County archives hold UTF-8 (with and without BOM), GB18030/GBK and UTF-16 files. Decoding is
strict: a wrong guess would turn every label into mojibake and silently lose the file's rows,
which is worse than failing it with a clear sentence.
"""

from __future__ import annotations

import codecs
import unicodedata

from extract.errors import DocumentLoadError

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MAX_CONTROL_RATIO = 0.01  # more control characters than this and it is not a text document


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise ``DocumentLoadError`` with one sentence."""
    encoding = bom_encoding(data) or _bomless_utf16(data)
    if encoding:
        text = _strict(data, encoding)
    elif b"\x00" in data[:4096]:  # no BOM and not UTF-16: NULs mean binary
        raise DocumentLoadError("binary file: not a text, Word, PDF or Excel document")
    else:
        encoding, text = _utf8_or_gb18030(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    _reject_binary(text)
    return text, encoding


def looks_binary(head: bytes) -> bool:
    """NUL bytes outside UTF-16/32 text mean the file is not text at all."""
    return b"\x00" in head and not (bom_encoding(head) or _bomless_utf16(head))


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start names, if any."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM shows as NULs in every other byte of its ASCII characters."""
    sample = data[:4096]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    # Chinese text has few ASCII characters, so the NUL share can be low, and some CJK code
    # points (U+4E00 一) put a NUL in the other parity; binary data has NULs in both alike.
    # A wrong guess is still caught by the control-character check after decoding.
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.05 and even < odd / 4:
        return "utf-16-le"
    if even > 0.05 and odd < even / 4:
        return "utf-16-be"
    return None


def _utf8_or_gb18030(data: bytes) -> tuple[str, str]:
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _truncated(exc, data):
            raise DocumentLoadError("truncated text file: it ends in the middle of a UTF-8 character") from None
    try:
        return "gb18030", data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if _truncated(exc, data):
            raise DocumentLoadError("truncated text file: it ends in the middle of a GB18030 character") from None
        raise DocumentLoadError(
            "text in an unknown encoding: not UTF-8, GB18030/GBK or UTF-16; re-save it as UTF-8"
        ) from None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if _truncated(exc, data):
            raise DocumentLoadError(f"truncated text file: it ends in the middle of a {encoding} character") from None
        raise DocumentLoadError(f"text file with a {encoding} byte-order mark but invalid {encoding} content") from None


def _truncated(exc: UnicodeDecodeError, data: bytes) -> bool:
    """An error confined to the last few bytes means the file was cut, not mis-encoded."""
    return exc.end >= len(data) and len(data) - exc.start < 4


def _reject_binary(text: str) -> None:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ch not in "\t\n\r\f" and unicodedata.category(ch) == "Cc")
    if sample and controls / len(sample) > MAX_CONTROL_RATIO:
        raise DocumentLoadError("binary file: not a text, Word, PDF or Excel document")
