"""Hybrid retrieval: dense (Chroma) and lexical (BM25, ``bm25s``) fused by reciprocal rank.

:class:`HybridRetriever` is a LangChain ``BaseRetriever``; ``invoke(query, k=3)`` and the
``filters`` field (``{"supplement": ..., "section": ...}``) narrow the search. Every returned
Document carries its scores in metadata: ``dense_score`` (cosine, 0..1), ``bm25_score``,
``rrf_score``. :meth:`HybridRetriever.search` returns the same hits plus the query vector so
the caller can reuse it (one model call per question).
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr

from assistant.answer.cautions import is_caution_passage
from assistant.index.knowledge import KnowledgeIndex
from assistant.memory import release_free_memory
from assistant.normalize import NormalizedQuery, expand_query, tokenize, tokens

RRF_K = 60
#: the term that stands for "no terms" (a chunk whose text has none still needs a BM25 row)
EMPTY_TERM = "_empty_"


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
    """BM25 over the lexical form of every chunk's embed text, and what a question needs to know
    about every chunk without holding its text.

    Built in one pass over pages of Documents (the index hands them out page by page), it keeps the
    chunk ids, the BM25 matrix, each term's IDF, the anticoagulant caution passages (a few) and
    which chunk holds which product. Passage text is fetched on demand (:class:`DocumentCache`), so
    memory grows with the vocabulary and the term matrix, not with the text of the corpus.
    """

    def __init__(self, pages: Iterable[Sequence[Document]]) -> None:
        self.ids: list[str] = []
        self.cautions: list[Document] = []
        self.product_chunks: dict[str, str] = {}
        term_ids: dict[str, int] = {}
        by_supplement: dict[str, set[int]] = {}
        doc_terms: list[array[int]] = []
        df: list[int] = []
        for page in pages:
            for d in page:
                self.ids.append(str(d.id))
                row = array("i", (term_ids.setdefault(t, len(term_ids)) for t in tokenize(d.page_content)))
                df.extend([0] * (len(term_ids) - len(df)))
                for t in set(row):
                    df[t] += 1
                doc_terms.append(row or array("i", [term_ids.setdefault(EMPTY_TERM, len(term_ids))]))
                by_supplement.setdefault(str(d.metadata.get("supplement", "")), set()).update(row)
                if is_caution_passage(d):  # a note naming an interaction class
                    self.cautions.append(d)
                if d.metadata.get("product_id"):
                    self.product_chunks[str(d.metadata["product_id"])] = str(d.id)
        df.extend([0] * (len(term_ids) - len(df)))
        n = max(1, len(self.ids))
        self.vocab: frozenset[str] = frozenset(t for t in term_ids if t != EMPTY_TERM)
        names = {i: t for t, i in term_ids.items()}
        #: each supplement's own terms (a question about one monograph is judged by its words)
        self.vocab_of: dict[str, frozenset[str]] = {
            sup: frozenset(names[i] for i in ids if names[i] != EMPTY_TERM)
            for sup, ids in by_supplement.items()}
        self.idf = {t: math.log(1 + (n - df[i] + 0.5) / (df[i] + 0.5))
                    for t, i in term_ids.items() if t != EMPTY_TERM}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.bm25: bm25s.BM25 | None = None
        if self.ids:
            self.bm25 = bm25s.BM25()
            self.bm25.index((doc_terms, term_ids), show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, lexical_query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best ``k`` chunks with a positive score."""
        q = [t for t in tokens(lexical_query) if t in self.vocab]
        if not q or self.bm25 is None:
            return []
        k = min(k, len(self.ids))
        idx, scores = self.bm25.retrieve([q], k=k, show_progress=False)
        return [(self.ids[int(i)], float(s)) for i, s in zip(idx[0], scores[0], strict=True) if s > 0]


class DocumentCache:
    """Chunks by id, fetched from the index on demand and kept (least recently used first out).

    Callers get copies, so the scores one question writes into a Document's metadata never reach
    another question's.
    """

    def __init__(self, index: KnowledgeIndex, size: int = 4096) -> None:
        self.index = index
        self.size = size
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, ids: Sequence[str]) -> dict[str, Document]:
        with self._lock:
            missing = [i for i in dict.fromkeys(ids) if i not in self._docs]
        fetched = self.index.documents(missing) if missing else []
        with self._lock:
            for d in fetched:
                self._docs[str(d.id)] = d
            out: dict[str, Document] = {}
            for i in ids:
                doc = self._docs.get(i)
                if doc is not None:
                    self._docs.move_to_end(i)
                    out[i] = Document(page_content=doc.page_content, metadata=dict(doc.metadata), id=doc.id)
            while len(self._docs) > self.size:
                self._docs.popitem(last=False)
        return out


class HybridRetriever(BaseRetriever):
    """Dense + BM25 retrieval over a :class:`KnowledgeIndex`, fused by reciprocal rank.

    Example:
        >>> retriever = HybridRetriever(index=idx, k=4)          # doctest: +SKIP
        >>> docs = retriever.invoke("dose in osteoporosis")  # doctest: +SKIP
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
    _cache: DocumentCache | None = PrivateAttr(default=None)

    def refresh(self) -> None:
        """Reload the lexical side from the index (after a sync)."""
        self._lexical = None  # the old one goes before the new one is built
        self._lexical = LexicalIndex(self.index.document_pages())
        self._cache = DocumentCache(self.index)
        release_free_memory(len(self._lexical))  # the pages read to build it

    def _loaded(self) -> tuple[LexicalIndex, DocumentCache]:
        if self._lexical is None or self._cache is None:
            self.refresh()
        assert self._lexical is not None and self._cache is not None
        return self._lexical, self._cache

    @property
    def documents(self) -> DocumentCache:
        """Chunks by id, from the index (cached)."""
        return self._loaded()[1]

    @property
    def lexical(self) -> LexicalIndex:
        return self._loaded()[0]

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
        n = min(self.fetch_k, max(1, len(self.lexical)))  # no count() round trip per question
        dense = idx.store.query(qvec, n, filters)
        found = self.lexical.search(nq.lexical_text, self.fetch_k * 2)
        docs = self.documents.get([i for i, _ in found])
        bm = [(docs[i], s) for i, s in found if i in docs and self._matches(docs[i].metadata, filters)]
        bm = bm[: self.fetch_k]
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
            vecs = idx.store.vectors([str(h.document.id) for h in missing])
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
