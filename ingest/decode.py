"""Turn the bytes of a text file (.txt, .md, .html) into text, refusing what is not text.

Vietnamese text files arrive in UTF-8 (with or without a byte-order mark), in UTF-16 from
Windows tools, and in cp1258, the legacy Vietnamese Windows code page. Every decoding is strict,
and a decoding counts only if its result looks like text: a binary file or random bytes must be
refused, never indexed as garbage.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["TRIED_ENCODINGS", "Decoded", "decode_text"]

TRIED_ENCODINGS = "UTF-8, UTF-16, cp1258"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# control characters other than \t \n \f \r; more than 1 in 100 characters means binary
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01
# UTF-16 without a BOM: ASCII and Latin-1 letters put a NUL in every other byte
_MIN_NUL_SHARE = 0.3

# cp1258 maps almost every byte to some character, so its result must also read as Vietnamese:
# 1. enough letters (measured on the start only: counting every letter of 50 MB takes seconds)
_LETTERS = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")  # runs, with their combining marks
_SPACES = re.compile(r"\s+")
_WHITESPACE = " \t\n\r\f\v\xa0"
_MIN_LETTER_SHARE = 0.3
_LETTER_SAMPLE_CHARS = 256 * 1024
# 2. few odd symbols in the whole text: what bytes 0x80-0xBF decode to, less the typography that
#    Vietnamese documents do use (quotes, dashes, ellipsis, bullets, °, m², ±, §, ©, «»)
_ODD_SYMBOLS = re.compile("[ƒ†‡ˆ‰‹Œ˜›œŸ¡¢£¤¥¦¨ª¬¯´¶¸¹º¿]")
#    and tone marks (cp1258 writes them as combining characters) that follow no letter; the mark
#    comes first in the pattern so that the regex engine skips ahead to the rare candidates
_STRAY_TONE = re.compile(r"[\u0300\u0301\u0303\u0309\u0323](?<![^\W\d_].)")
_MAX_ODD_SHARE = 0.02


@dataclass(frozen=True)
class Decoded:
    """Text decoded from a file, and the encoding that fitted (``"utf-8"``, ``"utf-16-le"``, ``"cp1258"``)."""

    text: str
    encoding: str


def decode_text(data: bytes) -> Decoded | None:
    """Decode a text file's bytes with the first encoding that gives plausible text.

    Tried in order: the encoding a byte-order mark declares (the mark is dropped), UTF-8, UTF-16
    when every other byte is mostly NUL, then cp1258. cp1258 text keeps its combining tone marks
    (``"Đa\\u0300"``); NFC happens later, in ``normalize.clean``.

    Args:
        data: the whole file.

    Returns:
        The text and its encoding, or ``None`` when no encoding gives text (binary or random bytes).
    """
    for encoding, body in _candidates(data):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text) and (encoding != "cp1258" or _looks_like_cp1258_text(text)):
            return Decoded(text, encoding)
    return None


def _candidates(data: bytes) -> list[tuple[str, bytes]]:
    candidates = [(encoding, data[len(bom) :]) for bom, encoding in _BOMS if data.startswith(bom)]
    candidates.append(("utf-8", data))
    utf16 = _utf16_without_bom(data)
    if utf16:
        candidates.append((utf16, data))
    candidates.append(("cp1258", data))
    return candidates


def _utf16_without_bom(data: bytes) -> str | None:
    half = len(data) // 2
    if half == 0 or len(data) % 2:
        return None
    nul_even = data[0::2].count(0) / half
    nul_odd = data[1::2].count(0) / half
    # NFD text puts NULs on the other side too (U+0300 is 00 03 in LE), but far fewer
    if nul_odd >= _MIN_NUL_SHARE and nul_even < nul_odd / 4:
        return "utf-16-le"
    if nul_even >= _MIN_NUL_SHARE and nul_odd < nul_even / 4:
        return "utf-16-be"
    return None


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    controls = len(_CONTROL.findall(text))
    return controls <= _MAX_CONTROL_SHARE * len(text)


def _looks_like_cp1258_text(text: str) -> bool:
    sample = text[:_LETTER_SAMPLE_CHARS]
    sample_visible = len(_SPACES.sub("", sample))
    letters = len(sample) - len(_LETTERS.sub("", sample))
    if letters < _MIN_LETTER_SHARE * sample_visible:
        return False
    odd = len(_ODD_SYMBOLS.findall(text)) + len(_STRAY_TONE.findall(text))
    return odd <= _MAX_ODD_SHARE * (len(text) - sum(text.count(space) for space in _WHITESPACE))
