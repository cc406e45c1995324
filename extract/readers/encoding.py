"""Decode archived text files without assuming UTF-8.

County archives hold UTF-8 (with and without BOM), GB18030/GBK and UTF-16 files. Decoding is
strict: a wrong guess would turn every label into mojibake and silently lose the file's rows,
which is worse than failing it with a clear sentence.

GB18030 decodes almost any byte string, so success proves little: Big5, Shift-JIS or EUC-KR
text comes out as rare-character mojibake. A second opinion catches it: the share of common
hanzi (``encoding.yaml``), and charset-normalizer to name the likely encoding in the sentence.
``--encoding`` overrides every guess.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.yamlfile import read_yaml

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MAX_CONTROL_RATIO = 0.01  # more control characters than this and it is not a text document
ENCODING_DATA_PATH = Path(__file__).with_name("encoding.yaml")


@dataclass(frozen=True, slots=True)
class SecondOpinion:
    common_hanzi_min_share: float
    min_hanzi: int
    sample_bytes: int


@cache
def second_opinion_settings() -> SecondOpinion:
    """``encoding.yaml``, validated: every value named when wrong."""
    data = read_yaml(ENCODING_DATA_PATH) or {}
    share, least, sample = data.get("common_hanzi_min_share"), data.get("min_hanzi"), data.get("sample_bytes")
    if not isinstance(share, int | float) or not 0 < share < 1:
        raise ValueError(f"{ENCODING_DATA_PATH.name}: common_hanzi_min_share must be between 0 and 1, got {share!r}")
    for key, value in (("min_hanzi", least), ("sample_bytes", sample)):
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"{ENCODING_DATA_PATH.name}: {key} must be a positive whole number, got {value!r}")
    return SecondOpinion(float(share), least, sample)


def decode(data: bytes, override: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise ``DocumentLoadError`` with one sentence.

    ``override`` (``--encoding``) is used as given, strictly, instead of any guess.
    """
    if override:
        text = _strict(data, override).removeprefix("\ufeff")
        _reject_binary(text)
        return text, override
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
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if _truncated(exc, data):
            raise DocumentLoadError("truncated text file: it ends in the middle of a GB18030 character") from None
        raise DocumentLoadError(f"text in an unknown encoding: not UTF-8, GB18030/GBK or UTF-16{advice(data)}") from None
    if not is_plausible_chinese(text):
        raise DocumentLoadError(f"text does not read as Chinese in GB18030/GBK{advice(data)}")
    return "gb18030", text


def common_hanzi_share(text: str) -> tuple[float, int]:
    """(share of Chinese characters among the 3,755 most common, number of Chinese characters)."""
    sample = text[:50000]
    hanzi = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    common = 0
    for ch in hanzi:
        try:
            common += 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
        except UnicodeEncodeError:
            pass
    return (common / len(hanzi) if hanzi else 1.0), len(hanzi)


def is_plausible_chinese(text: str) -> bool:
    """False when a decoded text's Chinese characters are mostly rare ones: mojibake."""
    settings = second_opinion_settings()
    share, count = common_hanzi_share(text)
    return count < settings.min_hanzi or share >= settings.common_hanzi_min_share


def likely_encoding(data: bytes) -> str | None:
    """charset-normalizer's best guess at the bytes' encoding (e.g. big5, cp932), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[: second_opinion_settings().sample_bytes]).best()
    return best.encoding if best is not None else None


def advice(data: bytes) -> str:
    """The end of a failure sentence: the likely encoding and how to use it, when known."""
    guess = likely_encoding(data)
    if guess is None or guess in ("gb18030", "utf_8", "ascii"):
        return "; re-save it as UTF-8 or name its encoding with --encoding"
    return f"; it looks like {guess}: re-save it as UTF-8 or pass --encoding {guess}"


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
