"""Speech fact-checking on the shared gold claims and on a whole speech, for real."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa import Engine
from qa.factcheck import claim_verdict, split_claims
from tests.conftest import ROOT, SHARED

CLAIMS = [
    json.loads(line)
    for line in (SHARED / "eval" / "seed_claims.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _check(engine: Engine, gold: dict) -> None:  # type: ignore[type-arg]
    checks = engine.check_claim(gold["claim"], claim_id=gold["id"])
    decisive = claim_verdict(checks)
    assert decisive is not None
    assert decisive.verdict == gold["verdict"], [(v.claimed, v.verdict, v.reported) for v in checks]
    if gold["verdict"] == "refuted":
        assert decisive.reported and decisive.reported in decisive.explanation
        assert decisive.explanation.startswith("Sai: báo cáo ghi")
    if gold["evidence"]:
        assert any(gold["evidence"] in c.quote for v in checks for c in v.citations)
    for v in checks:
        for c in v.citations:
            assert c.quote == engine.index.store.document_text(c.doc)[c.start : c.end]


@pytest.mark.parametrize("gold", CLAIMS, ids=[c["id"] for c in CLAIMS])
def test_gold_claim(engine: Engine, gold: dict) -> None:  # type: ignore[type-arg]
    _check(engine, gold)


@pytest.mark.slow
@pytest.mark.parametrize("gold", CLAIMS, ids=[c["id"] for c in CLAIMS])
def test_gold_claim_with_distractors(distractor_engine: Engine, gold: dict) -> None:  # type: ignore[type-arg]
    _check(distractor_engine, gold)


SPEECH = """Kính thưa các đồng chí!
Năm nay là một năm nhiều khó khăn do dịch bệnh Covid-19.
Trong 9 tháng đầu năm 2021, Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha.
Chúng ta cũng đã giao đất 15 tổ chức với diện tích 12,62 ha.
Tỷ lệ thu gom chất thải rắn sinh hoạt đạt khoảng 98%.
Sở đã thực hiện hơn 12 cuộc thanh tra về đất đai, môi trường, khoáng sản và tài nguyên nước.
Dự án mạng lưới quan trắc được giao kinh phí 1,1 tỷ đồng.
Hội nghị sơ kết được tổ chức ngày 9/10/2021.
Thành phố đã trồng mới 500 ha rừng phòng hộ.
Công tác cải cách hành chính có nhiều chuyển biến tích cực.
Sở đã tiếp nhận và xử lý 23 đơn thư qua đường bưu điện.
Tham mưu giải quyết 15/23 vụ việc khiếu nại thuộc thẩm quyền của UBND thành phố.
Sở đã thẩm định 58 hồ sơ trích đo địa chính.
Xin cảm ơn các đồng chí đã lắng nghe.
Chúc các đồng chí sức khỏe."""

EXPECTED = [
    ("22 tổ chức", "supported"),
    ("66,4 ha", "supported"),
    ("15 tổ chức", "refuted"),
    ("12,62 ha", "supported"),
    ("khoảng 98%", "supported"),
    ("hơn 12 cuộc", "refuted"),
    ("1,1 tỷ đồng", "supported"),
    ("9/10/2021", "supported"),
    ("500 ha", "not_found"),
    ("23 đơn thư", "supported"),
    ("15/23 vụ việc", "supported"),
    ("58 hồ sơ", "supported"),
]


def test_whole_speech(engine: Engine) -> None:
    verdicts = engine.check(SPEECH)
    assert [(v.claimed, v.verdict) for v in verdicts] == EXPECTED
    for v in verdicts:
        assert SPEECH[v.start : v.end] == v.claim
        assert SPEECH[v.figure_start : v.figure_end] == v.claimed
        assert v.explanation
    refuted = [v for v in verdicts if v.verdict == "refuted"]
    assert [v.reported for v in refuted] == ["12 tổ chức", "10 cuộc"]
    assert refuted[0].explanation == "Sai: báo cáo ghi 12 tổ chức, phát biểu ghi 15 tổ chức."


def test_claim_splitting_keeps_spans_and_skips_sentences_without_figures() -> None:
    claims = split_claims(SPEECH)
    assert len(claims) == 10
    assert all(SPEECH[c.start : c.end] == c.text for c in claims)
    assert not any("Covid" in c.text for c in claims)
    first = next(c for c in claims if "66,4" in c.text)
    assert [f.text for f in first.figures] == ["22 tổ chức", "66,4 ha"]


def test_english_claim(engine: Engine) -> None:
    checks = engine.check_claim(
        "The department leased land to 22 organizations covering 66.4 hectares.", claim_id="e1"
    )
    assert [v.verdict for v in checks] == ["supported", "supported"]
    wrong = engine.check_claim("The household solid waste collection rate reached 99%.", claim_id="e2")
    assert [v.verdict for v in wrong] == ["refuted"]
    assert "98,42%" in (wrong[0].reported or "")


def test_cli_check_formats(engine: Engine, tmp_path: Path) -> None:
    speech = tmp_path / "speech.txt"
    speech.write_text(SPEECH, encoding="utf-8")
    settings = engine.settings
    args = ["--data-dir", str(settings.data_dir)] + (
        ["--chroma-url", settings.chroma_url, "--collection", settings.collection]
        if settings.chroma_url
        else []
    )
    out = subprocess.run(
        [sys.executable, "-m", "baocao.cli", "check", str(speech), "--json", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    items = json.loads(out)
    assert {
        "id",
        "claim",
        "start",
        "end",
        "verdict",
        "claimed",
        "reported",
        "explanation",
        "citations",
    } <= set(items[0])
    md = subprocess.run(
        [sys.executable, "-m", "baocao.cli", "check", str(speech), "--format", "md", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    assert md.startswith("# Kết quả kiểm chứng phát biểu")
    assert "| Sai | 12 tổ chức |" in md
