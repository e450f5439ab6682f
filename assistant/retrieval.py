"""Hybrid retrieval: dense (Chroma) and lexical (BM25, ``bm25s``) fused by reciprocal rank.

:class:`HybridRetriever` is a LangChain ``BaseRetriever``; ``invoke(query, k=3)`` and the
``filters`` field (``{"supplement": ..., "section": ...}``) narrow the search. Every returned
Document carries its scores in metadata: ``dense_score`` (cosine, 0..1), ``bm25_score``,
``rrf_score``. :meth:`HybridRetriever.search` returns the same hits plus the query vector so
the caller can reuse it (one model call per question).
"""

from __future__ import annotations

import copy
import json
import math
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr

from assistant.answer.cautions import is_caution_passage
from assistant.index.knowledge import KnowledgeIndex
from assistant.normalize import NormalizedQuery, expand_query, joined_pairs, tokenize, tokens

RRF_K = 60
#: the term that stands for "no terms" (a chunk whose text has none still needs a BM25 row)
EMPTY_TERM = "_empty_"
#: a search limited to one supplement with at most this many chunks is ranked exactly, in numpy
EXACT_LIMIT = 5000
#: bm25s's defaults (its "lucene" method), used to score a layered generation's delta chunks alike
BM25_K1, BM25_B = 1.5, 0.75


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
    chunk ids, the BM25 matrix, each term's IDF, the ids of the caution passages and which chunk
    holds which product. Passage text is fetched on demand (:class:`DocumentCache`), so memory grows
    with the vocabulary and the term matrix, not with the text of the corpus. :meth:`save` and
    :meth:`load` keep it in an index generation (bm25s's own files, memory-mapped on load);
    :meth:`with_delta` serves a layered generation: the base's BM25 with its removed chunks left
    out, and the delta's few chunks scored with the base's statistics.
    """

    def __init__(self, pages: Iterable[Sequence[Document]] = ()) -> None:
        self.ids: list[str] = []
        self.caution_ids: list[str] = []
        #: the caution passages themselves (few; filled by the retriever from the index)
        self.cautions: list[Document] = []
        self.product_chunks: dict[str, str] = {}
        term_ids: dict[str, int] = {}
        by_supplement: dict[str, set[int]] = {}
        doc_terms: list[array[int]] = []
        df: list[int] = []
        #: each chunk's supplement, in ``ids`` order
        self.supplement_of: list[str] = []
        for page in pages:
            for d in page:
                self.ids.append(str(d.id))
                self.supplement_of.append(str(d.metadata.get("supplement", "")))
                row = array("i", (term_ids.setdefault(t, len(term_ids)) for t in tokenize(d.page_content)))
                df.extend([0] * (len(term_ids) - len(df)))
                for t in set(row):
                    df[t] += 1
                doc_terms.append(row or array("i", [term_ids.setdefault(EMPTY_TERM, len(term_ids))]))
                by_supplement.setdefault(str(d.metadata.get("supplement", "")), set()).update(row)
                if is_caution_passage(d):  # a note naming an interaction class
                    self.caution_ids.append(str(d.id))
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
        self.df = {t: df[i] for t, i in term_ids.items() if t != EMPTY_TERM}
        self.n = n
        self.idf: Mapping[str, float] = IdfView(self.df, n)
        self.max_idf = _idf(n, 0)
        self.avgdl = (sum(len(r) for r in doc_terms) / n) if doc_terms else 1.0
        self.bm25: bm25s.BM25 | None = None
        if self.ids:
            self.bm25 = bm25s.BM25()
            self.bm25.index((doc_terms, term_ids), show_progress=False)
        #: a layered generation's base chunks left out, and its delta's (id, term counts, length)
        self.removed: frozenset[str] = frozenset()
        self.delta: list[tuple[str, dict[str, int], int]] = []
        #: the delta's (id, supplement)
        self.delta_supplements: list[tuple[str, str]] = []
        self._ids_of: dict[str, list[str]] | None = None
        self._source: dict[str, str] = {}

    def ids_of(self, supplement: str) -> list[str]:
        """The chunk ids of one supplement (what a search limited to it ranks)."""
        return self._by_supplement()[0].get(supplement, [])

    def source_of(self, text: str) -> str | None:
        """The supplement whose chunk matches ``text`` best (the monograph an earlier answer quoted)."""
        found = self.search(text, 1)
        return self._by_supplement()[1].get(found[0][0]) if found else None

    def _by_supplement(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Each supplement's chunk ids, and each chunk's supplement (built once per index)."""
        if self._ids_of is None:
            pairs = [(cid, sup) for cid, sup in zip(self.ids, self.supplement_of, strict=True)
                     if cid not in self.removed] + list(self.delta_supplements)
            by: dict[str, list[str]] = {}
            for cid, sup in pairs:
                by.setdefault(sup, []).append(cid)
            self._ids_of, self._source = by, dict(pairs)
        return self._ids_of, self._source

    def __len__(self) -> int:
        return len(self.ids) - len(self.removed) + len(self.delta)

    # ------------------------------------------------------------------ storage

    def save(self, folder: Path) -> None:
        """Write the BM25 matrix (bm25s's files) and the rest (JSON) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.bm25 is not None:
            self.bm25.save(str(folder / "bm25"))
        data = {"ids": self.ids, "supplement_of": self.supplement_of, "caution_ids": self.caution_ids,
                "product_chunks": self.product_chunks, "df": self.df, "n": self.n, "avgdl": self.avgdl,
                "vocab_of": {k: sorted(v) for k, v in self.vocab_of.items()}}
        (folder / "lexical.json").write_text(json.dumps(data), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        data = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        lex = cls()
        lex.ids, lex.caution_ids = list(data["ids"]), list(data["caution_ids"])
        lex.supplement_of = list(data["supplement_of"])
        lex.product_chunks = dict(data["product_chunks"])
        lex.df, lex.n, lex.avgdl = dict(data["df"]), int(data["n"]), float(data["avgdl"])
        lex.vocab = frozenset(lex.df)
        lex.vocab_of = {k: frozenset(v) for k, v in data["vocab_of"].items()}
        lex.idf = IdfView(lex.df, lex.n)
        lex.max_idf = _idf(lex.n, 0)
        lex.bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True) if (folder / "bm25").is_dir() else None
        return lex

    def with_delta(self, docs: Iterable[Document], removed: Iterable[str]) -> LexicalIndex:
        """This (base) index serving a layered generation: ``removed`` base chunks left out, the
        delta's ``docs`` added (scored against the base's term statistics)."""
        out = copy.copy(self)
        out.removed = frozenset(removed)
        out.delta = []
        out.delta_supplements = []
        out._ids_of = None
        out.caution_ids = [i for i in self.caution_ids if i not in out.removed]
        out.product_chunks = {p: c for p, c in self.product_chunks.items() if c not in out.removed}
        vocab, vocab_of = set(self.vocab), {k: set(v) for k, v in self.vocab_of.items()}
        for d in docs:
            terms = list(tokenize(d.page_content))
            out.delta.append((str(d.id), dict(Counter(terms)), len(terms)))
            out.delta_supplements.append((str(d.id), str(d.metadata.get("supplement", ""))))
            vocab.update(terms)
            vocab_of.setdefault(str(d.metadata.get("supplement", "")), set()).update(terms)
            if is_caution_passage(d):
                out.caution_ids.append(str(d.id))
            if d.metadata.get("product_id"):
                out.product_chunks[str(d.metadata["product_id"])] = str(d.id)
        out.vocab = frozenset(vocab)
        out.vocab_of = {k: frozenset(v) for k, v in vocab_of.items()}
        return out

    # ------------------------------------------------------------------ search

    def search(self, lexical_query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best ``k`` chunks with a positive score."""
        q = [t for t in (*tokens(lexical_query), *joined_pairs(lexical_query)) if t in self.vocab]
        if not q:
            return []
        found: list[tuple[str, float]] = []
        base_q = [t for t in q if t in self.df]
        if base_q and self.bm25 is not None:
            kk = min(k + len(self.removed), len(self.ids))
            idx, scores = self.bm25.retrieve([base_q], k=kk, show_progress=False)
            found = [(self.ids[int(i)], float(s)) for i, s in zip(idx[0], scores[0], strict=True)
                     if s > 0 and self.ids[int(i)] not in self.removed]
        for cid, tf, length in self.delta:
            score = sum(self._term_score(t, tf.get(t, 0), length) for t in q)
            if score > 0:
                found.append((cid, score))
        found.sort(key=lambda h: h[1], reverse=True)
        return found[:k]

    def _term_score(self, term: str, tf: int, length: int) -> float:
        """BM25 of one term in one delta chunk, exactly as bm25s scores the base's chunks (its "lucene"
        method with its default parameters: no "saturation + 1" factor in the numerator), so a chunk scores
        the same whether it came in with an edit or with a whole build."""
        if not tf:
            return 0.0
        sat, norm = BM25_K1, BM25_B  # term saturation, length normalisation
        return self.idf.get(term, self.max_idf) * tf / (
            tf + sat * (1 - norm + norm * length / max(self.avgdl, 1e-9)))




class IdfView(Mapping[str, float]):
    """Each term's IDF, worked out from its document frequency when asked (a loaded index has
    hundreds of thousands of terms; a question asks for a few)."""

    def __init__(self, df: dict[str, int], n: int) -> None:
        self.df, self.n = df, n

    def __getitem__(self, term: str) -> float:
        return _idf(self.n, self.df[term])

    def __iter__(self) -> Iterator[str]:
        return iter(self.df)

    def __len__(self) -> int:
        return len(self.df)


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def copied(doc: Document) -> Document:
    """A copy of a stored chunk (callers may add to its metadata), built without re-validating it."""
    return Document.model_construct(page_content=doc.page_content, metadata=dict(doc.metadata), id=doc.id)


class DocumentCache:
    """Chunks by id, fetched from the index on demand and kept (least recently used first out).

    Callers get copies, so the scores one question writes into a Document's metadata never reach
    another question's.
    """

    def __init__(self, index: KnowledgeIndex, size: int = 4096, vector_rows: int = 50_000) -> None:
        self.index = index
        self.size = size
        self.vector_rows = vector_rows
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._vectors: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()
        self._chunk_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors_of(self, key: str, ids: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """(ids, their stored vectors as rows) of one group of chunks (a supplement's), fetched once
        and kept (the most recently used groups, ``vector_rows`` rows in all: about 77 MB)."""
        with self._lock:
            if (hit := self._vectors.get(key)) is not None:
                self._vectors.move_to_end(key)
                return hit
        got = self.index.store.vectors(ids)
        keep = [i for i in ids if i in got]
        rows = np.stack([got[i] for i in keep]) if keep else np.zeros((0, 0), dtype=np.float32)
        with self._lock:
            self._vectors[key] = (keep, rows)
            rows_kept = sum(len(k) for k, _ in self._vectors.values())
            while len(self._vectors) > 1 and rows_kept > self.vector_rows:
                rows_kept -= len(self._vectors.popitem(last=False)[1][0])
        return keep, rows

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunks, by id (unknown ids are left out): fetched once and
        kept, the ``size`` most recently used, as their documents are."""
        with self._lock:
            missing = [i for i in dict.fromkeys(ids) if i not in self._chunk_vectors]
        fetched = self.index.store.vectors(missing) if missing else {}
        with self._lock:
            self._chunk_vectors.update(fetched)
            out: dict[str, np.ndarray] = {}
            for i in ids:
                vec = self._chunk_vectors.get(i)
                if vec is not None:
                    self._chunk_vectors.move_to_end(i)
                    out[i] = vec
            while len(self._chunk_vectors) > self.size:
                self._chunk_vectors.popitem(last=False)
        return out

    def get(self, ids: Sequence[str], keep: Callable[[Document], bool] | None = None, *,
            copy: bool = True) -> dict[str, Document]:
        """The chunks of ``ids`` found (copies), by id; ``keep``: only those it accepts (tested on
        the stored chunk, so the others are not copied). ``copy=False``: the stored chunks
        themselves, for a caller that only reads them and copies what it hands on."""
        with self._lock:
            missing = [i for i in dict.fromkeys(ids) if i not in self._docs]
        fetched = self.index.documents(missing) if missing else []
        with self._lock:
            for d in fetched:
                self._docs[str(d.id)] = d
            out: dict[str, Document] = {}
            for i in ids:
                doc = self._docs.get(i)
                if doc is not None and (keep is None or keep(doc)):
                    self._docs.move_to_end(i)
                    out[i] = copied(doc) if copy else doc
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

    #: the lexical index served and the chunk cache of its generation (one attribute: read per call)
    _served: tuple[LexicalIndex, DocumentCache] | None = PrivateAttr(default=None)

    def refresh(self) -> None:
        """Reload the lexical side from the index (after a sync): the generation's saved lexical
        index when it has one, else built from a pass over its chunks."""
        from assistant.serving import load_lexical

        self._served = None  # the old one goes before the new one is built
        self.use(load_lexical(self.index))

    def use(self, lexical: LexicalIndex) -> None:
        """Serve this lexical index (of the index's current generation)."""
        cache = DocumentCache(self.index)
        got = cache.get(lexical.caution_ids)
        lexical.cautions = [got[i] for i in lexical.caution_ids if i in got]
        self._served = (lexical, cache)

    def _loaded(self) -> tuple[LexicalIndex, DocumentCache]:
        served = self._served
        if served is None:
            self.refresh()
            served = self._served
        assert served is not None
        return served

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
               query: NormalizedQuery | None = None, vector: Sequence[float] | None = None) -> SearchResult:
        """Hybrid search; returns hits (best first) and the query vector. ``vector``: the query's
        vector when the caller already has it (the same question searched again, other filters)."""
        k = k or self.k
        filters = filters if filters is not None else self.filters
        nq = query or expand_query(question)
        idx: KnowledgeIndex = self.index
        qvec = idx.embeddings.embed_query(nq.dense_text) if vector is None else vector
        lexical, cache = self._loaded()  # one generation's, read once (a refresh may swap them)
        n = min(self.fetch_k, max(1, len(lexical)))  # no count() round trip per question
        dense = self._dense(qvec, n, filters, (lexical, cache))
        found = lexical.search(nq.lexical_text, self.fetch_k * 2)
        docs = cache.get([i for i, _ in found], copy=False)
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
            scores = self.dense_scores(qvec, [str(h.document.id) for h in missing], cache)
            for h in missing:
                h.dense_score = scores.get(str(h.document.id), 0.0)
        hits = sorted(fused.values(), key=lambda h: h.rrf_score, reverse=True)[:k]
        for h in hits:
            h.document = copied(h.document)  # only the hits handed on are copied, not every candidate
            h.document.metadata.update(
                dense_score=round(h.dense_score, 4), bm25_score=round(h.bm25_score, 4),
                rrf_score=round(h.rrf_score, 6),
            )
        return SearchResult(nq, hits, list(qvec))

    def dense_scores(self, qvec: Sequence[float], ids: Sequence[str],
                     cache: DocumentCache | None = None) -> dict[str, float]:
        """The dense score (the query vector's dot product with the chunk's) of each chunk of
        ``ids`` whose vector is stored (``cache``: the generation's being read)."""
        q = np.asarray(qvec, dtype=np.float32)
        return {i: float(np.dot(q, v)) for i, v in (cache or self.documents).vectors(ids).items()}

    def _dense(self, qvec: Sequence[float], n: int, filters: dict[str, str] | None,
               served: tuple[LexicalIndex, DocumentCache]) -> list[tuple[Document, float]]:
        """The ``n`` nearest chunks. Limited to one supplement, its chunks (few, known from the
        lexical index) are ranked exactly here: Chroma's metadata filter scans the whole
        collection, so it would cost in proportion to the catalogue."""
        idx: KnowledgeIndex = self.index
        supplement = (filters or {}).get("supplement")
        lexical, cache = served
        ids = lexical.ids_of(supplement) if supplement else []
        if not ids or len(ids) > EXACT_LIMIT:
            return idx.store.query(qvec, n, filters)
        keep, rows = cache.vectors_of(str(supplement), ids)  # fetched once per generation
        if not keep:
            return []
        sims = rows @ np.asarray(qvec, dtype=np.float32)
        order = [keep[i] for i in np.argsort(-sims, kind="stable")]
        sim = dict(zip(keep, sims.tolist(), strict=True))
        out: list[tuple[Document, float]] = []
        for start in range(0, len(order), max(n, 1) * 2):  # best first, until n match the filters
            batch = order[start:start + max(n, 1) * 2]
            docs = cache.get(batch, copy=False)
            out += [(docs[i], sim[i]) for i in batch
                    if i in docs and self._matches(docs[i].metadata, filters)]
            if len(out) >= n:
                break
        return out[:n]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None,
        filters: dict[str, str] | None = None, **kwargs: Any,
    ) -> list[Document]:
        return [h.document for h in self.search(query, k=k, filters=filters).hits]
