"""The only module that touches Chroma: clients, and a typed interface over one collection.

:class:`ChromaStore` wraps a langchain-chroma ``Chroma`` (what LangChain's indexing API writes
through) and offers the reads the rest of the assistant needs: count, get by id, a nearest-neighbour
query by vector, stored vectors by id, and every record page by page. Nothing outside this module
uses Chroma's own objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import chromadb
import chromadb.errors
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.config import Settings

CHROMA_DIR = "chroma"
#: records per page when reading a whole collection (one unpaginated get fails on large ones)
PAGE_SIZE = 1000
#: Chroma's own errors, for callers that fall back on them
ChromaError = chromadb.errors.ChromaError


@lru_cache(maxsize=1)
def _chroma_settings() -> ChromaSettings:
    """Chroma's settings, read from the environment once (each read costs about 10 ms)."""
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def make_client(settings: Settings, data_dir: Path | None = None) -> Any:
    """A Chroma client: embedded on disk (``data_dir/chroma``) by default, HTTP when ``chroma_host``
    is set."""
    chroma_settings = _chroma_settings().model_copy()  # a client writes its path into its copy
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                   settings=chroma_settings)
    path = (data_dir or settings.index_dir) / CHROMA_DIR
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def max_batch_size(client: Any) -> int:
    """The most records the client takes in one write."""
    return int(client.get_max_batch_size())


def delete_collection(client: Any, name: str) -> bool:
    """Drop a collection; False when there was none."""
    try:
        client.delete_collection(name)
    except (ValueError, ChromaError):
        return False
    return True


def collection_names(client: Any) -> set[str]:
    return {c.name for c in client.list_collections()}


def _documents(got: Any) -> list[Document]:
    """Documents from a Chroma ``get`` result (ids, documents, metadatas)."""
    return [Document(page_content=text or "", metadata=dict(meta or {}), id=i)
            for i, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)]


class ChromaStore:
    """One Chroma collection (cosine space) and the reads the assistant makes of it.

    Args:
        client: a Chroma client (:func:`make_client`).
        name: the collection's name.
        embeddings: the model LangChain's writes embed with.
    """

    def __init__(self, client: Any, name: str, embeddings: Embeddings) -> None:
        self.client = client
        self.name = name
        #: the LangChain vector store over the collection (what the indexing API writes through)
        self.langchain = Chroma(
            collection_name=name,
            embedding_function=embeddings,
            client=client,
            client_settings=client.get_settings(),  # else langchain-chroma reads the env again
            collection_metadata={"hnsw:space": "cosine"},
        )
        self._collection = self.langchain._collection

    def count(self) -> int:
        return int(self._collection.count())

    def get(self, ids: Sequence[str]) -> list[Document]:
        """The stored chunks with these ids (unknown ids are left out)."""
        if not ids:
            return []
        return _documents(self._collection.get(ids=list(ids), include=["documents", "metadatas"]))

    def where(self, filters: dict[str, Any] | None = None, limit: int | None = None) -> list[Document]:
        """The stored chunks whose metadata equals ``filters`` (all of them with none)."""
        got = self._collection.get(where=_where(filters), limit=limit,
                                   include=["documents", "metadatas"])
        return _documents(got)

    def with_vectors(self, ids: Sequence[str]) -> list[tuple[Document, np.ndarray]]:
        """The stored chunks with these ids and their vectors (unknown ids are left out)."""
        if not ids:
            return []
        got = self._collection.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        embs: Any = got["embeddings"] if got["embeddings"] is not None else []
        return list(zip(_documents(got), (np.asarray(v, dtype=np.float32) for v in embs), strict=True))

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these ids."""
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        embs: Any = got["embeddings"] if got["embeddings"] is not None else []
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], embs, strict=True)}

    def query_raw(self, vector: Sequence[float], n: int, filters: dict[str, Any] | None = None) -> Any:
        """Chroma's own answer to a nearest-neighbour query (the benchmark's bare search)."""
        return self._collection.query(
            query_embeddings=np.asarray([vector], dtype=np.float32), n_results=n, where=_where(filters),
            include=["documents", "metadatas", "distances"],
        )

    def query(self, vector: Sequence[float], n: int,
              filters: dict[str, Any] | None = None) -> list[tuple[Document, float]]:
        """The ``n`` nearest chunks to ``vector`` with their cosine similarity, best first."""
        res = self.query_raw(vector, n, filters)
        out: list[tuple[Document, float]] = []
        for i, text, meta, dist in zip(res["ids"][0], (res["documents"] or [[]])[0],
                                       (res["metadatas"] or [[]])[0], (res["distances"] or [[]])[0],
                                       strict=True):
            out.append((Document(page_content=text or "", metadata=dict(meta or {}), id=i), 1.0 - float(dist)))
        return out

    def pages(self, step: int = PAGE_SIZE, *, vectors: bool = False) -> Iterator[dict[str, Any]]:
        """Every record, a page at a time: dicts of ``ids``, ``documents``, ``metadatas`` (and
        ``embeddings`` with ``vectors``). Only one page is held in memory."""
        include = ["documents", "metadatas", *(["embeddings"] if vectors else [])]
        total = self.count()
        for offset in range(0, total, step):
            got = self._collection.get(include=include, limit=step, offset=offset)  # type: ignore[arg-type]
            yield {"ids": got["ids"], "documents": got["documents"], "metadatas": got["metadatas"],
                   "embeddings": got.get("embeddings") if vectors else None}

    def document_pages(self, step: int = PAGE_SIZE) -> Iterator[list[Document]]:
        """Every stored chunk as Documents, a page at a time."""
        for page in self.pages(step):
            yield _documents(page)

    def add(self, ids: Sequence[str], vectors: Any, documents: Sequence[str],
            metadatas: Sequence[dict[str, Any]]) -> None:
        """Add records with their vectors as they are (no embedding)."""
        self._collection.add(ids=list(ids), embeddings=vectors, documents=list(documents),
                             metadatas=list(metadatas))

    def delete(self, ids: Sequence[str]) -> None:
        self._collection.delete(ids=list(ids))

    def copy_from(self, other: ChromaStore) -> None:
        """Add every record of ``other`` with its stored vector (nothing is embedded again)."""
        step = max(1, min(max_batch_size(self.client), 2000))
        for page in other.pages(step, vectors=True):
            if page["ids"]:
                self.add(page["ids"], page["embeddings"], page["documents"] or [], page["metadatas"] or [])


def _where(filters: dict[str, Any] | None) -> dict[str, Any] | None:
    """Chroma's ``where`` for metadata equality on every key of ``filters``."""
    if not filters:
        return None
    conds = [{key: {"$eq": v}} for key, v in filters.items()]
    return conds[0] if len(conds) == 1 else {"$and": conds}
