"""Bounded fuzzing: the question analyser and each loader raise nothing but baocao's own errors."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baocao.errors import BaocaoError
from ingest.load import load
from qa.glossary import Glossary
from qa.question import analyse

GLOSSARY = Glossary.load()
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_VI_BITS = st.sampled_from(
    [
        "bao nhiêu",
        "ha",
        "%",
        "tổ chức",
        "ngày nào",
        "ai",
        "66,4",
        "1.109.521.000",
        "Nghị quyết nào",
        "how many",
        "Còn",
        "thì sao",
        "năm 2020",
        "giai đoạn 2",
        "?",
        "đ",
        "\u0300",
        "\u00a0",
    ]
)


@FUZZ
@given(st.lists(st.one_of(st.text(max_size=20), _VI_BITS), max_size=12).map(" ".join))
def test_question_analyser_never_crashes(text: str) -> None:
    try:
        q = analyse(text, GLOSSARY)
    except BaocaoError:
        return
    assert q.kind in ("quantity", "count", "percent", "money", "date", "person", "docref", "place", "text")


def _zip_with(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


_PREFIXES = {
    ".pdf": st.sampled_from(
        [b"", b"%PDF-1.4\n", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n"]
    ),
    ".docx": st.binary(max_size=200).map(lambda xml: _zip_with({"word/document.xml": b"<w:document>" + xml})),
    ".txt": st.just(b""),
    ".md": st.just(b"# "),
    ".html": st.sampled_from([b"<html><body><p>", b"<!DOCTYPE html><h1>", b""]),
}


def _check(extension: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{extension}"
        path.write_bytes(content)
        try:
            loaded = load(path, max_bytes=1 << 20)
        except BaocaoError:
            return
        assert all(isinstance(b.text, str) for b in loaded.blocks)


@FUZZ
@given(
    st.sampled_from(sorted(_PREFIXES)).flatmap(
        lambda ext: st.tuples(st.just(ext), _PREFIXES[ext], st.binary(max_size=400))
    )
)
def test_each_loader_raises_only_our_errors(case: tuple[str, bytes, bytes]) -> None:
    extension, prefix, tail = case
    _check(extension, prefix + tail)
