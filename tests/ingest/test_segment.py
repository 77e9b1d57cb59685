"""underthesea's tokenizers, imported without the rest of the package."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPORT, ROOT

_HEAVY = ("torch", "transformers", "pypdf", "docx")


def _run(code: str, *args: str) -> list:  # type: ignore[type-arg]
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_tokenizers_come_without_underthesea_s_other_pipelines() -> None:
    words, spans, heavy, whole = _run(
        "import json, sys\n"
        "from ingest.segment import sentence_spans, words\n"
        "w = words('Cho thuê đất 22 tổ chức'); s = sentence_spans('Một câu. Hai câu.')\n"
        f"heavy = sorted(m for m in {_HEAVY!r} if m in sys.modules)\n"
        "import underthesea  # a later import of the package gets all of it\n"
        "print(json.dumps([w, s, heavy, callable(underthesea.pos_tag) and underthesea.word_tokenize is not None]))"
    )
    assert words == ["cho", "thuê", "đất", "22", "tổ_chức"]
    assert spans == [[0, 8], [9, 17]]
    assert heavy == []
    assert whole


def test_a_cold_question_imports_no_parser_nor_torch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-m", "baocao.cli", "ingest", str(REPORT), "--data-dir", str(data), "--no-progress"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    answer, heavy = _run(
        "import json, sys\n"
        "from pathlib import Path\n"
        "from baocao.settings import Settings\n"
        "from qa import Engine\n"
        "e = Engine.from_settings(Settings(data_dir=Path(sys.argv[1]), progress=False))\n"
        "a = e.ask('Cho thuê đất bao nhiêu ha?')\n"
        f"print(json.dumps([a.answer, sorted(m for m in {_HEAVY!r} if m in sys.modules)]))",
        str(data),
    )
    assert answer == "66,4 ha"
    assert heavy == [], f"answering a question imported {heavy}"
