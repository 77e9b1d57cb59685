"""Text normalisation: one form for display, a stricter one for matching.

Text arrives in composed and decomposed Unicode, with old and new tone-mark placement
(hoà / hòa, thuỷ / thủy), soft hyphens and non-breaking spaces. ``clean`` gives the text that is
stored and cited; ``match_form`` and ``fold`` give keys for comparing words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
# the five Vietnamese tone marks as combining characters (NFD)
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONE_RE = re.compile(f"[{_TONES}]")
_VOWELS = "aăâeêioôơuưy"
# clusters whose tone mark moved between the old and new spelling rules when no final consonant follows
_MOVABLE = ("oa", "oe", "uy")
_WORD = re.compile(r"\w+")


def clean(text: str) -> str:
    """Display form: NFC, no soft hyphens or zero-width characters, single spaces, trimmed lines.

    Paragraph breaks (blank lines) are kept as one blank line; line breaks inside a paragraph
    are kept as ``\\n``.

    >>> clean("Ho\\u0300a  bi\\u0300nh\\u00a0ha\\u0300")
    'Hòa bình hà'
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _unify_syllable(match: re.Match[str]) -> str:
    return _unify_word(match.group(0))


@lru_cache(maxsize=65536)
def _unify_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = _TONE_RE.findall(decomposed)
    if len(tones) != 1:
        return word
    bare = _TONE_RE.sub("", decomposed)
    base = unicodedata.normalize("NFC", bare)
    low = base.lower()
    # only syllables ending in a movable cluster, and not "qu" + "y" (there "u" belongs to "qu")
    for cluster in _MOVABLE:
        if low.endswith(cluster) and not low.endswith("q" + cluster):
            at = len(base) - 2
            placed = base[: at + 1] + tones[0] + base[at + 1 :]
            return unicodedata.normalize("NFC", placed)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word))


def unify_tones(text: str) -> str:
    """Put the tone mark of ``oa``, ``oe``, ``uy`` endings on their first vowel: "hoà" -> "hòa".

    The result is for matching only; display keeps the report's own spelling.
    """
    return _WORD.sub(_unify_syllable, unicodedata.normalize("NFC", text))


@lru_cache(maxsize=32768)
def match_form(text: str) -> str:
    """Key for comparing text: cleaned, lowercased, tone marks unified.

    >>> match_form("Uỷ ban") == match_form("ủy ban")
    True
    """
    return unify_tones(clean(text).lower())


def fold(text: str) -> str:
    """Strip every diacritic (and đ -> d) for queries typed without them: "Cho thuê đất" -> "cho thue dat"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def has_diacritics(text: str) -> bool:
    """True if the text carries any Vietnamese diacritic (so it was not typed without them)."""
    return fold(text) != text.lower()
