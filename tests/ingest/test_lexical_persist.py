"""The saved lexical index: complete or absent after kill -9, found stale or damaged and rebuilt,
and answering exactly as a rebuild does."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from baocao.settings import Settings
from ingest import Index, ingest_paths
from ingest.chunk import lexical_tokens
from ingest.lexical import LexicalIndex, LexicalRow
from ingest.lexical_files import LexicalFiles, manifest_key, slot_of
from ingest.normalize import fold
from ingest.store import DocRecord
from qa import Engine
from tests.conftest import ARTICLES, EMBED_CACHE, REPORT, ROOT, report_parts

CLI = [sys.executable, "-m", "baocao.cli"]
PROBES = [
    json.loads(x)
    for x in (ROOT / "tests" / "data" / "report_probes_qa.jsonl").read_text(encoding="utf-8").splitlines()
    if x.strip()
]


def _files(directory: Path) -> dict[str, bytes]:
    """Every file of a saved index but the copy's description (which holds its write time)."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != "copy.json"
    }


def _fresh(index: Index, tmp: Path) -> dict[str, bytes]:
    """The files of a lexical index rebuilt now from the store's committed chunks."""
    manifest = index.store.manifest()
    rebuilt = LexicalIndex(r for r in index.store.lexical_rows() if r.doc_id in manifest)
    rebuilt.save(tmp)
    return _files(tmp)


def _copies(slot: Path) -> list[Path]:
    return sorted(d for d in slot.iterdir() if d.is_dir() and not d.name.startswith(".")) if slot.is_dir() else []


def _rebuilds_at_open(settings: Settings, embedder, caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:  # type: ignore[no-untyped-def]
    """What a fresh open that loads the lexical index logs (nothing when it found its saved copy)."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="baocao.ingest"), Index.open(settings, embedder=embedder) as index:
        index.lexical()
    return list(caplog.records)


def _record(doc_id: str, sha: str = "s", chunks: int = 3) -> DocRecord:
    return DocRecord(doc_id, "p", "f", "t", "txt", sha, chunks, "", "", "")


def test_the_key_follows_the_committed_documents_not_their_order() -> None:
    a, b = _record("a"), _record("b")
    key = manifest_key({"a": a, "b": b})
    assert key == manifest_key({"b": b, "a": a})
    assert key != manifest_key({"a": a})
    assert key != manifest_key({"a": a, "b": _record("b", sha="other")})
    assert key != manifest_key({"a": a, "b": _record("b", chunks=4)})


def test_server_copies_live_under_each_data_dir_keyed_to_the_server(tmp_path: Path) -> None:
    embedded = Settings(data_dir=tmp_path / "d")
    one = embedded.replace(chroma_url="http://127.0.0.1:8001")
    other = embedded.replace(chroma_url="http://127.0.0.1:8002")
    assert slot_of(embedded) == tmp_path / "d" / "lexical" / "baocao"
    assert slot_of(one).parent == slot_of(embedded).parent
    assert len({slot_of(embedded), slot_of(one), slot_of(other)}) == 3


def test_a_loaded_copy_keeps_answering_after_a_newer_one_replaces_it(tmp_path: Path) -> None:
    rows = [
        LexicalRow("a:0", "a", lexical_tokens("Cho thuê đất 22 tổ chức"), lexical_tokens("Đất đai"), "text"),
        LexicalRow("b:0", "b", lexical_tokens("Thu hồi đất 06 trường hợp"), [], "text"),
    ]
    files = LexicalFiles(tmp_path / "slot")
    files.commit(LexicalIndex(rows), "old", documents=2)
    loaded = files.load("old").index
    assert loaded is not None
    files.commit(LexicalIndex(rows[:1]), "new", documents=1)  # a serving process's copy is swept away
    assert not (tmp_path / "slot" / "old").exists()
    assert loaded.restore_diacritics("cho thue dat") == "cho thuê đất"  # its syllables were mapped at load
    assert loaded.search(lexical_tokens("thu hồi đất"), 1, context_weight=0.5)[0][0] == "b:0"


@pytest.mark.slow
def test_ingests_killed_at_random_points_leave_a_saved_index_equal_to_a_fresh_rebuild(  # type: ignore[no-untyped-def]
    tmp_path: Path, cached_embedder
) -> None:
    corpus = report_parts(tmp_path / "corpus")
    for article in sorted(ARTICLES.iterdir())[:4]:
        (corpus / article.name).write_bytes(article.read_bytes())
    env = {**os.environ, "BAOCAO_EMBED_CACHE_DIR": str(EMBED_CACHE)}
    data = tmp_path / "data"
    cmd = [*CLI, "ingest", str(corpus), "--json", "--no-progress", "--data-dir", str(data)]
    # how long a whole ingest takes here, so that kills fall all along one (the final save included)
    started = time.monotonic()
    subprocess.run([*cmd[:-1], str(tmp_path / "timing")], check=True, capture_output=True, cwd=ROOT, env=env)
    whole = time.monotonic() - started
    slot = slot_of(Settings(data_dir=data))
    rng = random.Random(20261201)
    for _ in range(6):
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.0) * whole)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # whatever copies the kill left are each complete: described, every file of the right size and sum
        for copy in _copies(slot):
            assert LexicalFiles(slot).load(copy.name).index is not None, f"a partial copy survived: {copy}"
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
    with Index.open(Settings(data_dir=data, progress=False), embedder=cached_embedder) as index:
        key = manifest_key(index.manifest())
        assert [c.name for c in _copies(slot)] == [key]
        assert LexicalFiles(slot).load(key).index is not None
        assert _files(slot / key) == _fresh(index, tmp_path / "fresh")
    assert not [d for d in slot.iterdir() if d.name.startswith(".tmp-")], "temporary folders were left behind"


_COMMITTER = r"""
import json, sys
from pathlib import Path
from ingest.lexical import LexicalIndex, LexicalRow
from ingest.lexical_files import LexicalFiles
rows = [LexicalRow(*r) for r in json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))]
files = LexicalFiles(Path(sys.argv[1]))
whole, part = LexicalIndex(rows), LexicalIndex(r for r in rows if not r.doc_id.endswith("0"))
print("ready", flush=True)
while True:
    files.commit(whole, "whole", documents=10)
    files.commit(part, "part", documents=9)
"""


@pytest.mark.slow
def test_commits_killed_at_random_points_leave_one_complete_copy(tmp_path: Path, cached_embedder) -> None:
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([REPORT])
        base = list(index.store.lexical_rows())
    # ten copies of the report under other ids: a few thousand sentences, so that a commit takes a while
    rows = [
        [f"d{n}:{r.chunk_id}", f"d{n}", r.tokens, r.context, r.role] for n in range(10) for r in base
    ]
    rows_file = tmp_path / "rows.json"
    rows_file.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    expected = {}
    for key, keep in (("whole", lambda d: True), ("part", lambda d: not d.endswith("0"))):
        built = LexicalIndex(LexicalRow(*r) for r in rows if keep(r[1]))
        built.save(tmp_path / "expected" / key)
        expected[key] = _files(tmp_path / "expected" / key)
    slot = tmp_path / "slot"
    rng = random.Random(7)
    seen = set()
    for _ in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-c", _COMMITTER, str(slot), str(rows_file)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        copies = _copies(slot)
        assert len(copies) <= 2, copies  # the new one renamed in, the old one not yet swept
        for copy in copies:
            assert LexicalFiles(slot).load(copy.name).index is not None, f"a partial copy survived: {copy}"
            assert _files(copy) == expected[copy.name]
            seen.add(copy.name)
    assert seen, "no kill left a committed copy: the committer never got that far"
    # the next commit sweeps what the kills left: only its own copy remains
    LexicalFiles(slot).commit(LexicalIndex(LexicalRow(*r) for r in rows), "whole", documents=10)
    assert [p.name for p in slot.iterdir() if p.name != ".lock"] == ["whole"]


def _damage_truncate(copy: Path) -> None:
    target = copy / "exact" / "data.csc.index.npy"
    target.write_bytes(target.read_bytes()[:-7])


def _damage_flip(copy: Path) -> None:
    target = copy / "document.weights.npy"
    data = bytearray(target.read_bytes())
    data[-3] ^= 0x40  # same size, other bytes: only the checksum can tell
    target.write_bytes(bytes(data))


def _damage_lose_file(copy: Path) -> None:
    (copy / "df.json").unlink()


def _damage_description(copy: Path) -> None:
    (copy / "copy.json").write_text("{not json", encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (_damage_truncate, r"is damaged \(exact/data\.csc\.index\.npy has \d+ bytes, \d+ were written\)"),
        (_damage_flip, r"is damaged \(document\.weights\.npy does not match its checksum\)"),
        (_damage_lose_file, r"is damaged \(df\.json is missing\)"),
        (_damage_description, r"is damaged \(copy\.json: "),
    ],
    ids=["truncated", "bit-flipped", "file-lost", "description-garbled"],
)
def test_a_damaged_copy_is_detected_rebuilt_and_saved_again(  # type: ignore[no-untyped-def]
    damage, why: str, tmp_path: Path, cached_embedder, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([REPORT])
    slot = slot_of(settings)
    (copy,) = _copies(slot)
    good = _files(copy)
    damage(copy)
    with caplog.at_level(logging.WARNING, logger="baocao.ingest"), Index.open(
        settings, embedder=cached_embedder
    ) as reader:
        assert len(reader.lexical()) > 50
        assert _files(slot / manifest_key(reader.manifest())) == good, "the rebuilt copy differs from the one first saved"
    lines = [r.getMessage() for r in caplog.records if r.name == "baocao.ingest"]
    assert len(lines) == 1 and "\n" not in lines[0], lines
    assert f"the lexical index in {slot}" in lines[0] and "rebuilding it from the index's 1 document" in lines[0]
    assert re.search(why, lines[0]), lines[0]
    assert _rebuilds_at_open(settings, cached_embedder, caplog) == [], (
        "the copy saved by the rebuild was not found at the next open"
    )


def test_a_copy_left_behind_by_the_manifest_is_found_stale_and_rebuilt(  # type: ignore[no-untyped-def]
    tmp_path: Path, cached_embedder, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([REPORT])
        article = sorted(ARTICLES.iterdir())[0]
        # the pipeline under the index, as an older baocao or a tool would run it: the manifest
        # changes and the saved copy does not
        assert ingest_paths([article], index.store, cached_embedder, settings).added == 1
    slot = slot_of(settings)
    (old,) = _copies(slot)
    with caplog.at_level(logging.WARNING, logger="baocao.ingest"), Index.open(
        settings, embedder=cached_embedder
    ) as reader:
        rebuilt = reader.lexical()
        assert {rebuilt.doc_ids[i] for i in range(len(rebuilt))} == set(reader.manifest())
        key = manifest_key(reader.manifest())
        assert [c.name for c in _copies(slot)] == [key] != [old.name]
        assert _files(slot / manifest_key(reader.manifest())) == _fresh(reader, tmp_path / "fresh")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "baocao.ingest"]
    assert "is stale (saved for 1 document," in line and "the manifest has changed since" in line
    assert "rebuilding it from the index's 2 documents" in line


class _Terminal:
    """A stand-in for a terminal's stderr: what the progress bar writes."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_a_rebuild_at_open_shows_its_progress_on_a_terminal(  # type: ignore[no-untyped-def]
    tmp_path: Path, cached_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(quiet, writable=True, embedder=cached_embedder) as index:
        index.ingest([REPORT])
        sentences = index.store.count()
    shutil.rmtree(slot_of(quiet))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with Index.open(Settings(data_dir=tmp_path / "data", progress=True), embedder=cached_embedder) as reader:
        assert len(reader.lexical()) == sentences
    assert "Dựng lại chỉ mục từ khóa" in terminal.text and f"/{sentences} [" in terminal.text
    # without a terminal, or with --no-progress, nothing is drawn
    shutil.rmtree(slot_of(quiet))
    terminal.text = ""
    with Index.open(quiet, embedder=cached_embedder) as reader:
        reader.lexical()
    assert "Dựng lại" not in terminal.text


def test_removal_saves_the_new_index_at_once(tmp_path: Path, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = report_parts(tmp_path / "corpus", size=6)
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([corpus])
        victim = sorted(index.manifest())[0]
        index.remove(victim)
        key = manifest_key(index.manifest())
        assert victim not in set(index.lexical().documents)
    assert [c.name for c in _copies(slot_of(settings))] == [key]
    loaded = LexicalFiles(slot_of(settings)).load(key).index
    assert loaded is not None and victim not in loaded.documents


def test_answers_are_identical_with_the_saved_and_the_rebuilt_index(  # type: ignore[no-untyped-def]
    tmp_path: Path, cached_embedder, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([REPORT])
    # the same index without its saved lexical copy: it must rebuild from the store
    bare = settings.replace(data_dir=tmp_path / "bare")
    shutil.copytree(settings.data_dir, bare.data_dir, ignore=shutil.ignore_patterns("lexical", "*.lock"))
    sample = random.Random(18).sample(PROBES, 20)
    # each question as asked, and typed without diacritics (the respeller reads the saved syllables)
    questions = [p["question"] for p in sample] + [fold(p["question"]) for p in sample[:5]]
    with caplog.at_level(logging.WARNING, logger="baocao.ingest"):
        saved = Engine(Index.open(settings, embedder=cached_embedder), settings)
        saved.index.lexical()
        assert caplog.records == [], "the saved copy was not loaded"
        rebuilt = Engine(Index.open(bare, embedder=cached_embedder), bare)
        rebuilt.index.lexical()
        assert "is not saved yet" in caplog.text, "the copy-less index did not rebuild"
    answered = 0
    for q in questions:
        a, b = saved.ask(q), rebuilt.ask(q)
        assert a.as_json() == b.as_json(), q
        hits = [(h.chunk.chunk_id, h.score, h.lexical) for h in saved.retrieve(q, k=40)]
        assert hits == [(h.chunk.chunk_id, h.score, h.lexical) for h in rebuilt.retrieve(q, k=40)], q
        answered += a.answer is not None
    assert answered >= 10, "the sample should exercise answers, not only abstentions"
    saved.index.close()
    rebuilt.index.close()


@pytest.mark.server
def test_a_server_reader_keeps_its_own_copy_keyed_to_the_server_manifest(  # type: ignore[no-untyped-def]
    chroma_server: str, tmp_path: Path, cached_embedder, caplog: pytest.LogCaptureFixture
) -> None:
    writer_settings = Settings(
        data_dir=tmp_path / "writer", chroma_url=chroma_server, collection="lexsrv", progress=False
    )
    reader_settings = writer_settings.replace(data_dir=tmp_path / "reader")
    with Index.open(writer_settings, writable=True, embedder=cached_embedder) as writer:
        writer.ingest([REPORT])
        with caplog.at_level(logging.WARNING, logger="baocao.ingest"), Index.open(
            reader_settings, embedder=cached_embedder
        ) as reader:
            reader.lexical()
            first = manifest_key(reader.manifest())
            assert [c.name for c in _copies(slot_of(reader_settings))] == [first]
            assert "is not saved yet" in caplog.text
            caplog.clear()
            writer.ingest([sorted(ARTICLES.iterdir())[1]])
            reader.manifest(refresh=True)
            assert len(set(reader.lexical().documents)) == 2
            assert "is stale" in caplog.text
            now = manifest_key(reader.manifest())
            assert [c.name for c in _copies(slot_of(reader_settings))] == [now] != [first]
        # the writer's copy lives under its own data dir, and is current
        assert [c.name for c in _copies(slot_of(writer_settings))] == [now]
    assert _rebuilds_at_open(reader_settings, cached_embedder, caplog) == [], (
        "a restart of the reader rebuilt instead of loading its copy"
    )

