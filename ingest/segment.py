"""Sentences and words, by underthesea: our one door to it.

The sentence is the unit of citation; word tokens feed the lexical index. underthesea's two
tokenizers are imported on first use, without the rest of the package, and only its offline
functions are called: ``sent_tokenize`` and ``word_tokenize`` run on models bundled in the
package (its ``classify`` would download, so it is never used).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from ingest.normalize import unify_tones

_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_SPACE = re.compile(r"\s+")
_IMPORT_LOCK = threading.Lock()


class _Tokenizers(NamedTuple):
    sent_tokenize: Callable[[str], list[str]]
    word_tokenize: Callable[[str], list[str]]


@cache
def _underthesea() -> _Tokenizers:
    """underthesea's sentence and word tokenizers.

    ``import underthesea`` runs the package's ``__init__``, which imports every optional pipeline;
    its translator imports transformers and torch whenever they are installed (the ``[st]``
    extra): 4 s of a 5 s cold ``baocao ask``, for a function baocao never calls. So the two
    pipelines used are imported by themselves, in the order the package's own ``__init__``
    imports them (its modules import each other in a cycle), with the package's ``__init__``
    skipped; the placeholder package is then dropped, so that a later ``import underthesea``
    anywhere gets the whole package. Should underthesea's layout change, the whole package is
    imported as before.
    """
    with _IMPORT_LOCK:
        if "underthesea" in sys.modules:  # imported whole already, by someone else
            whole = sys.modules["underthesea"]
            return _Tokenizers(whole.sent_tokenize, whole.word_tokenize)
        spec = importlib.util.find_spec("underthesea")
        if spec is not None:
            sys.modules["underthesea"] = importlib.util.module_from_spec(spec)
            try:
                importlib.import_module("underthesea.pipeline.text_normalize")
                words = importlib.import_module("underthesea.pipeline.word_tokenize").word_tokenize
                # word_tokenize imports its model class on first call, through the package
                importlib.import_module("underthesea.models.fast_crf_sequence_tagger")
                sentences = importlib.import_module("underthesea.pipeline.sent_tokenize").sent_tokenize
                return _Tokenizers(sentences, words)
            except (ImportError, AttributeError):
                for name in [m for m in sys.modules if m == "underthesea" or m.startswith("underthesea.")]:
                    del sys.modules[name]
            finally:
                sys.modules.pop("underthesea", None)
        import underthesea

        return _Tokenizers(underthesea.sent_tokenize, underthesea.word_tokenize)


def segmenter_version() -> str:
    """Name and version of the segmenter, recorded in the index's provenance."""
    from importlib.metadata import version

    return f"underthesea-{version('underthesea')}"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split a paragraph into sentences and return their ``[start, end)`` spans in ``text``.

    underthesea may alter whitespace inside a sentence, so each sentence is found again in the
    original text by its non-space characters; the spans always cover the text's own characters.

    Args:
        text: one paragraph of normalised text.

    Returns:
        Spans in order, without overlaps; their text is ``text[start:end]``.
    """
    if not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    for sentence in _underthesea().sent_tokenize(text):
        span = _locate(text, sentence, pos)
        if span is None:
            continue
        spans.append(span)
        pos = span[1]
    if not spans:
        return [(len(text) - len(text.lstrip()), len(text.rstrip()))]
    # text the tokenizer dropped between or after sentences joins the sentence before it
    merged: list[tuple[int, int]] = []
    for i, (start, _end) in enumerate(spans):
        nxt = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        end = len(text[:nxt].rstrip())
        merged.append((start, max(end, start)))
    return [(s, e) for s, e in merged if text[s:e].strip()]


def _locate(text: str, sentence: str, pos: int) -> tuple[int, int] | None:
    """Find ``sentence`` in ``text`` at or after ``pos``, ignoring differences in whitespace."""
    sentence = sentence.strip()
    if not sentence:
        return None
    found = text.find(sentence, pos)
    if found >= 0:
        return found, found + len(sentence)
    chars = [c for c in sentence if not c.isspace()]
    i = pos
    while i < len(text) and text[i].isspace():
        i += 1
    start = i
    for c in chars:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text) or text[i] != c:
            return None
        i += 1
    return start, i


def words(text: str) -> list[str]:
    """Word tokens for the lexical index: lowercased, tone marks unified, syllables joined by ``_``.

    >>> words("Cho thuê đất 22 tổ chức")  # doctest: +SKIP
    ['cho_thuê', 'đất', '22', 'tổ_chức']
    """
    text = unicodedata.normalize("NFC", text)
    tokens = []
    for token in _underthesea().word_tokenize(text):
        token = _SPACE.sub("_", unify_tones(token.lower().strip()))
        if token and not _PUNCT_ONLY.match(token):
            tokens.append(token)
    return tokens


def syllables(text: str) -> list[str]:
    """Plain syllables, lowercased with tone marks unified: the fallback tokenisation for short queries."""
    return [t for t in re.findall(r"\w+", unify_tones(unicodedata.normalize("NFC", text).lower()))]
