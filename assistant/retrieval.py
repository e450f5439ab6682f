"""Hybrid retrieval: dense (Chroma) and lexical (BM25, ``bm25s``) fused by reciprocal rank.

:class:`HybridRetriever` is a LangChain ``BaseRetriever``; ``invoke(query, k=3)`` and the
``filters`` field (``{"supplement": ..., "section": ...}``) narrow the search. Every returned
Document carries its scores in metadata: ``dense_score`` (cosine, 0..1), ``bm25_score``,
``rrf_score``. :meth:`HybridRetriever.search` returns the same hits plus the query vector so
the caller can reuse it (one model call per question).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr

from assistant.index import KnowledgeIndex
from assistant.normalize import NormalizedQuery, expand_query, tokens

RRF_K = 60


@dataclass
class Hit:
    document: Document
    dense_score: float
    bm25_score: float
    rrf_score: float

    @property
    def chunk_id(self) -> str:
        return str(self.document.metadata.get("chunk_id") or self.document.id)


@dataclass
class SearchResult:
    query: NormalizedQuery
    hits: list[Hit]
    query_vector: list[float]


class LexicalIndex:
    """BM25 over the lexical form of every chunk's embed text."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = list(docs)
        self.doc_tokens = [tokens(d.page_content) for d in self.docs]
        self.vocab = {t for toks in self.doc_tokens for t in toks}
        n = max(1, len(self.docs))
        df: dict[str, int] = {}
        for toks in self.doc_tokens:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.bm25: bm25s.BM25 | None = None
        if self.docs:
            self.bm25 = bm25s.BM25()
            self.bm25.index([t or ["_empty_"] for t in self.doc_tokens], show_progress=False)

    def search(self, lexical_query: str, k: int) -> list[tuple[int, float]]:
        q = [t for t in tokens(lexical_query) if t in self.vocab]
        if not q or self.bm25 is None:
            return []
        k = min(k, len(self.docs))
        idx, scores = self.bm25.retrieve([q], k=k, show_progress=False)
        return [(int(i), float(s)) for i, s in zip(idx[0], scores[0], strict=True) if s > 0]


class HybridRetriever(BaseRetriever):
    """Dense + BM25 retrieval over a :class:`KnowledgeIndex`, fused by reciprocal rank.

    Example:
        >>> retriever = HybridRetriever(index=idx, k=4)          # doctest: +SKIP
        >>> docs = retriever.invoke("MK-4 dose in osteoporosis")  # doctest: +SKIP
        >>> docs[0].metadata["section"]                           # doctest: +SKIP
        'Research'
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any = Field(description="The KnowledgeIndex to search.")
    k: int = Field(default=5, ge=1, description="Documents returned.")
    fetch_k: int = Field(default=20, ge=1, description="Candidates from each of dense and BM25.")
    filters: dict[str, str] | None = Field(
        default=None, description="Metadata equality filters, e.g. {'section': 'Research'}."
    )

    _lexical: LexicalIndex | None = PrivateAttr(default=None)
    _docs_by_id: dict[str, Document] = PrivateAttr(default_factory=dict)

    def refresh(self) -> None:
        """Reload the lexical side from the index (after a sync)."""
        docs = self.index.all_documents()
        self._lexical = LexicalIndex(docs)
        self._docs_by_id = {str(d.metadata.get("chunk_id") or d.id): d for d in docs}

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self.refresh()
        assert self._lexical is not None
        return self._lexical

    def _matches(self, meta: dict[str, Any], filters: dict[str, str] | None) -> bool:
        return not filters or all(meta.get(k) == v for k, v in filters.items())

    def search(self, question: str, *, k: int | None = None, filters: dict[str, str] | None = None,
               query: NormalizedQuery | None = None) -> SearchResult:
        """Hybrid search; returns hits (best first) and the query vector."""
        k = k or self.k
        filters = filters if filters is not None else self.filters
        nq = query or expand_query(question)
        idx: KnowledgeIndex = self.index
        qvec = idx.embeddings.embed_query(nq.dense_text)
        where: dict[str, Any] | None = None
        if filters:
            conds = [{key: {"$eq": v}} for key, v in filters.items()]
            where = conds[0] if len(conds) == 1 else {"$and": conds}
        n = min(self.fetch_k, max(1, len(self.lexical.docs)))  # no count() round trip per question
        res = idx.store._collection.query(
            query_embeddings=np.asarray([qvec], dtype=np.float32), n_results=n, where=where,
            include=["documents", "metadatas", "distances"],
        )
        dense: list[tuple[Document, float]] = []
        for i, text, meta, dist in zip(res["ids"][0], (res["documents"] or [[]])[0],
                                       (res["metadatas"] or [[]])[0], (res["distances"] or [[]])[0],
                                       strict=True):
            dense.append((Document(page_content=text or "", metadata=dict(meta or {}), id=i),
                          1.0 - float(dist)))
        lex = self.lexical
        bm = [(lex.docs[i], s) for i, s in lex.search(nq.lexical_text, self.fetch_k * 2)
              if self._matches(lex.docs[i].metadata, filters)][: self.fetch_k]
        fused: dict[str, Hit] = {}
        for rank, (doc, score) in enumerate(dense):
            cid = str(doc.metadata.get("chunk_id") or doc.id)
            fused[cid] = Hit(doc, score, 0.0, 1.0 / (RRF_K + rank + 1))
        for rank, (doc, score) in enumerate(bm):
            cid = str(doc.metadata.get("chunk_id") or doc.id)
            hit = fused.get(cid)
            if hit is None:
                hit = fused[cid] = Hit(doc, float("nan"), 0.0, 0.0)
            hit.bm25_score = score
            hit.rrf_score += 1.0 / (RRF_K + rank + 1)
        missing = [h for h in fused.values() if math.isnan(h.dense_score)]
        if missing:
            q = np.asarray(qvec, dtype=np.float32)
            got = idx.store._collection.get(ids=[str(h.document.id) for h in missing], include=["embeddings"])
            embs: Any = got["embeddings"] if got["embeddings"] is not None else []
            vecs = {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], embs, strict=True)}
            for h in missing:
                v = vecs.get(str(h.document.id))
                h.dense_score = float(np.dot(q, v)) if v is not None else 0.0
        hits = sorted(fused.values(), key=lambda h: h.rrf_score, reverse=True)[:k]
        for h in hits:
            h.document.metadata.update(
                dense_score=round(h.dense_score, 4), bm25_score=round(h.bm25_score, 4),
                rrf_score=round(h.rrf_score, 6),
            )
        return SearchResult(nq, hits, list(qvec))

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None,
        filters: dict[str, str] | None = None, **kwargs: Any,
    ) -> list[Document]:
        return [h.document for h in self.search(query, k=k, filters=filters).hits]
