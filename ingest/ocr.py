"""Scanned pages read with Tesseract and its Vietnamese model (Debian's ``tesseract-ocr`` and
``tesseract-ocr-vie``; ``make install`` puts them on the machine).

A PDF page with no text layer is usually one image of the page: its images are read by the
``tesseract`` program (one process per image, under the page's time limit, inside the parsing jail
with its memory limit), and the words are joined back into lines. Each page keeps the mean word
confidence that Tesseract gives (0-100), so that a page read too poorly for its figures to be
trusted can be reported and its figures flagged.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from baocao.errors import BaocaoError

OCR_LANG = "vie"
_MIN_IMAGE_PIXELS = 100 * 100  # logos and rules are not pages
_OCR_ORIGIN = re.compile(r"\(OCR (\d+(?:\.\d+)?)%\)")


@dataclass(frozen=True)
class PageText:
    """What OCR read from one page.

    Attributes:
        text: the page's lines, in reading order.
        confidence: the mean confidence of its words, 0-100 (0 when no word was read).
        words: how many words were read.
    """

    text: str
    confidence: float
    words: int


def page_origin(number: int, confidence: float) -> str:
    """Where an OCR'd paragraph comes from, for people: "trang 2 (OCR 96%)"."""
    return f"trang {number} (OCR {confidence:.0f}%)"


def ocr_confidence(origin: str) -> float | None:
    """The OCR confidence an origin records ("trang 2 (OCR 96%)" -> 96.0), or None if not OCR'd."""
    m = _OCR_ORIGIN.search(origin)
    return float(m.group(1)) if m else None


class OcrUnavailable(BaocaoError):
    """The ``tesseract`` program or its Vietnamese model is not installed (the loader turns it
    into a ``LoadError`` naming the file and the fix)."""


def available() -> bool:
    """Whether the ``tesseract`` program is on the PATH."""
    return shutil.which("tesseract") is not None


def read_page(page: Any, *, timeout_s: float) -> PageText | None:
    """OCR the images of a pypdf page; ``None`` when the page has no image large enough to be text.

    Raises:
        OcrUnavailable: tesseract is not installed or lacks the Vietnamese model.
        subprocess.TimeoutExpired: the page took longer than ``timeout_s``.
    """
    images = []
    for image in page.images:
        picture = image.image
        if picture is not None and picture.width * picture.height >= _MIN_IMAGE_PIXELS:
            images.append(picture)
    if not images:
        return None
    lines: list[str] = []
    confidences: list[float] = []
    for picture in images:
        png = io.BytesIO()
        picture.convert("L").save(png, format="PNG")
        tsv = _tesseract(png.getvalue(), timeout_s)
        page_lines, page_confidences = _read_tsv(tsv)
        lines += page_lines
        confidences += page_confidences
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return PageText("\n".join(lines), round(confidence, 1), len(confidences))


def _tesseract(png: bytes, timeout_s: float) -> str:
    if not available():
        raise OcrUnavailable("the tesseract program is not installed")
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", OCR_LANG, "--psm", "3", "tsv"],
        input=png,
        capture_output=True,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("Failed loading language" in line or "Error opening data file" in line for line in detail):
            raise OcrUnavailable(f"tesseract has no '{OCR_LANG}' model")
        raise OcrUnavailable(f"tesseract failed: {detail[-1] if detail else done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def _read_tsv(tsv: str) -> tuple[list[str], list[float]]:
    """Lines of words (by block, paragraph and line) and each word's confidence, from Tesseract's TSV."""
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":  # level 5: a word
            continue
        word = cols[11].strip()
        if not word:
            continue
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(word)
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            confidences.append(conf)
    return [" ".join(words) for words in lines.values()], confidences
