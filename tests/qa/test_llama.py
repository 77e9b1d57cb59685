"""baocao's parts as llama-index components: nodes, embedding, retriever, query and chat engines;
and nothing fetched from the network on the way."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.response.schema import Response
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeRelationship, TextNode

from qa import Engine
from qa.llama import BaocaoEmbedding, local_tokens
from tests.conftest import ROOT
from tests.qa.conftest import CORPUS


@pytest.fixture(scope="module")
def report(tmp_path_factory, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    from tests.qa.conftest import engine_over

    return engine_over({"report.txt": next(CORPUS.glob("*.txt")).read_text(encoding="utf-8")}, tmp_path_factory, cached_embedder)


def test_retriever_gives_sentence_nodes_with_metadata_and_neighbours(report: Engine) -> None:
    retriever = report.as_retriever(top_k=5)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve("Cho thuê đất bao nhiêu ha?")
    assert len(nodes) == 5 and all(isinstance(n.node, TextNode) for n in nodes)
    assert nodes == sorted(nodes, key=lambda n: -(n.score or 0))
    top = next(n.node for n in nodes if "cho thuê đất 22 tổ chức" in n.node.get_content())
    meta = top.metadata
    assert meta["filename"] == "report.txt" and meta["title"] and meta["period"]
    text = report.index.store.document_text(meta["doc"])
    assert text[meta["start"] : meta["end"]] == top.get_content()
    rel = top.relationships
    assert rel[NodeRelationship.SOURCE].node_id == meta["doc"]
    assert rel[NodeRelationship.PREVIOUS].node_id == f"{meta['doc']}:{meta['sentence'] - 1:05d}"
    assert rel[NodeRelationship.NEXT].node_id == f"{meta['doc']}:{meta['sentence'] + 1:05d}"
    # the vector is of the sentence alone; an LLM also reads the title and heading
    assert "filename" not in top.get_content(metadata_mode="llm") and meta["title"] in top.get_content(metadata_mode="llm")
    assert top.get_content(metadata_mode="embed") == top.get_content()


def test_query_engine_response_carries_the_citations(report: Engine) -> None:
    engine = report.as_query_engine()
    assert isinstance(engine, CustomQueryEngine)
    response = engine.query("how many hectares were leased")
    assert isinstance(response, Response) and str(response) == "66,4 ha"
    cited = response.source_nodes[0].node
    assert "66,4 ha" in cited.get_content() and cited.metadata["answer_start"] >= cited.metadata["start"]
    assert response.metadata is not None and response.metadata["answer"]["value"] == 66.4
    # an abstention is a response too, with the nearest passages as its sources
    missing = engine.query("Số vụ cháy rừng năm 2021 là bao nhiêu?")
    assert str(missing).startswith("Không tìm thấy") and missing.metadata["answer"]["abstained"]  # type: ignore[index]


def test_chat_engine_resolves_follow_ups_across_languages(report: Engine) -> None:
    chat = report.as_chat_engine()
    assert chat.chat("how many hectares were leased").response == "66,4 ha"
    follow = chat.chat("Còn giao đất thì sao?")
    assert follow.response == "12,62 ha" and "giao đất 12 tổ chức" in follow.source_nodes[0].node.get_content()
    assert [m.content for m in chat.chat_history][::2] == ["how many hectares were leased", "Còn giao đất thì sao?"]
    assert "".join(chat.stream_chat("what about allocation?").response_gen).strip() == "12,62 ha"
    chat.reset()
    assert chat.chat_history == []


def test_embedding_is_the_index_embedder(report: Engine) -> None:
    embedding = BaocaoEmbedding(report.index.embedder)
    q = np.asarray(embedding.get_query_embedding("cho thuê đất"))
    assert np.allclose(q, report.index.embedder.embed_query("cho thuê đất"), atol=1e-6)
    rows = embedding.get_text_embedding_batch(["cho thuê đất 22 tổ chức", "thu gom rác"])
    assert len(rows) == 2 and abs(float(np.linalg.norm(rows[0])) - 1.0) < 1e-3


def test_llama_index_counts_tokens_locally() -> None:
    from llama_index.core import Settings as LlamaSettings

    assert LlamaSettings.tokenizer is local_tokens and local_tokens("Cho thuê 66,4 ha.") == [
        "Cho", "thuê", "66", ",", "4", "ha", ".",
    ]  # fmt: skip


GUARD = """
import socket, sys
attempts = []
LOOPBACK = ("127.0.0.1", "::1", "localhost")
def _refuse(host):
    attempts.append(str(host))
    raise ConnectionRefusedError(f"network refused by the test: {host}")
_connect = socket.socket.connect
def connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if self.family != socket.AF_UNIX and host not in LOOPBACK:
        _refuse(host)
    return _connect(self, address)
socket.socket.connect = connect
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host not in LOOPBACK and host is not None:
        _refuse(host)
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
"""


def test_ingest_ask_and_chat_with_the_network_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    script = GUARD + textwrap.dedent(f"""
        from baocao.cli import main
        data = {str(tmp_path / "data")!r}
        assert main(["ingest", {str(CORPUS)!r}, "--data-dir", data, "--no-progress"]) == 0
        assert main(["ask", "Cho thuê đất bao nhiêu ha?", "--data-dir", data, "--json"]) == 0
        from baocao.settings import Settings
        from qa import Engine
        engine = Engine.from_settings(Settings(data_dir=__import__("pathlib").Path(data), progress=False))
        chat = engine.as_chat_engine()
        chat.chat("how many hectares were leased")
        print("CHAT", chat.chat("Còn giao đất thì sao?").response)
        print("QUERY", len(engine.as_query_engine().query("Tỷ lệ thu gom rác đạt bao nhiêu?").source_nodes))
        print("ATTEMPTS", __import__("json").dumps(attempts))
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line.startswith(("CHAT", "QUERY", "ATTEMPTS")))
    assert lines["CHAT"] == "12,62 ha" and int(lines["QUERY"]) > 0
    assert json.loads(lines["ATTEMPTS"]) == []
    assert '"answer": "66,4 ha"' in out.stdout


def test_the_query_engine_gives_the_answers_of_ask(report: Engine) -> None:
    from eval.runner import read_jsonl
    from tests.conftest import SHARED

    engine = report.as_query_engine()
    for g in read_jsonl(SHARED / "eval" / "seed_qa.jsonl"):
        response = engine.query(g["question"])
        asked = report.ask(g["question"])
        assert response.metadata is not None and response.metadata["answer"] == asked.as_json()
        assert str(response) == asked.shown()
        assert [n.node.get_content() for n in response.source_nodes] == [c.quote for c in asked.citations or asked.related]
