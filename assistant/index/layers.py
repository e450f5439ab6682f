"""A layered generation: an immutable base index, a small delta on top, and the base keys removed.

An edit used to copy the whole serving generation (SQLite backup plus HNSW files) before adding
the changed chunk, so it cost the size of the index. Now a new generation keeps a reference to a
*base* generation, which nothing writes to again, and holds only its own Chroma collection of the
chunks added since (the delta) and the base keys it has removed. An edit copies the delta (small)
and writes the change; when the delta grows past :func:`delta_limit`, the next sync compacts: it
copies the base once and folds the delta in, making a new base.

:class:`LayeredStore` reads the two as one collection, with the same reads as
:class:`~assistant.index.store.ChromaStore`: removed base chunks never appear, queries over-fetch
from the base by the number of removed keys and merge with the delta by similarity.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from langchain_core.documents import Document

from assistant.index.store import PAGE_SIZE, ChromaStore

#: the fewest chunks a delta may hold before a compaction
MIN_DELTA = 256
#: a delta may reach this share of its base before a compaction
DELTA_SHARE = 0.05


def delta_limit(base_chunks: int) -> int:
    """How many chunks (added plus removed) a delta may hold over a base of ``base_chunks``."""
    return max(MIN_DELTA, int(base_chunks * DELTA_SHARE))


class LayeredStore:
    """A base collection read through a delta collection and a set of removed base ids.

    Writes go to the delta: :meth:`add` adds there, :meth:`delete` deletes a delta chunk or
    records a base one as removed (the caller persists ``removed``).
    """

    def __init__(self, base: ChromaStore, delta: ChromaStore, removed: set[str]) -> None:
        self.base = base
        self.delta = delta
        self.removed = set(removed)
        self.langchain = delta.langchain

    def _delta_ids(self, ids: Sequence[str]) -> set[str]:
        return {str(d.id) for d in self.delta.get(ids)}

    def count(self) -> int:
        return self.base.count() - len(self.removed) + self.delta.count()

    def get(self, ids: Sequence[str]) -> list[Document]:
        if not ids:
            return []
        got = {str(d.id): d for d in self.delta.get(ids)}
        rest = [i for i in ids if i not in got and i not in self.removed]
        got.update((str(d.id), d) for d in self.base.get(rest))
        return [got[i] for i in dict.fromkeys(ids) if i in got]

    def where(self, filters: dict[str, Any] | None = None, limit: int | None = None) -> list[Document]:
        base_limit = None if limit is None else limit + len(self.removed)
        docs = [d for d in self.base.where(filters, base_limit) if str(d.id) not in self.removed]
        docs += self.delta.where(filters, limit)
        return docs if limit is None else docs[:limit]

    def with_vectors(self, ids: Sequence[str]) -> list[tuple[Document, np.ndarray]]:
        got = self.delta.with_vectors(ids)
        have = {str(d.id) for d, _ in got}
        got += self.base.with_vectors([i for i in ids if i not in have and i not in self.removed])
        return got

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        out = self.delta.vectors(ids)
        rest = [i for i in ids if i not in out and i not in self.removed]
        if rest:
            out.update(self.base.vectors(rest))
        return out

    def query_raw(self, vector: Sequence[float], n: int, filters: dict[str, Any] | None = None) -> Any:
        """Chroma's answer shape (one query), merged from both layers."""
        hits = self.query(vector, n, filters)
        return {"ids": [[str(d.id) for d, _ in hits]], "documents": [[d.page_content for d, _ in hits]],
                "metadatas": [[d.metadata for d, _ in hits]], "distances": [[1.0 - s for _, s in hits]]}

    def query(self, vector: Sequence[float], n: int,
              filters: dict[str, Any] | None = None) -> list[tuple[Document, float]]:
        base_n = min(n + len(self.removed), max(1, self.base.count()))
        hits = [(d, s) for d, s in self.base.query(vector, base_n, filters) if str(d.id) not in self.removed]
        delta_n = min(n, self.delta.count())
        if delta_n:
            hits += self.delta.query(vector, delta_n, filters)
        hits.sort(key=lambda h: h[1], reverse=True)
        return hits[:n]

    def pages(self, step: int = PAGE_SIZE, *, vectors: bool = False) -> Iterator[dict[str, Any]]:
        for layer, skip in ((self.base, self.removed), (self.delta, set())):
            for page in layer.pages(step, vectors=vectors):
                keep = [i for i, cid in enumerate(page["ids"]) if cid not in skip]
                if len(keep) == len(page["ids"]):
                    yield page
                    continue
                yield {key: ([value[i] for i in keep] if value is not None else None)
                       for key, value in page.items()}

    def document_pages(self, step: int = PAGE_SIZE) -> Iterator[list[Document]]:
        for page in self.pages(step):
            yield [Document(page_content=t or "", metadata=dict(m or {}), id=i)
                   for i, t, m in zip(page["ids"], page["documents"] or [], page["metadatas"] or [],
                                      strict=True)]

    def add(self, ids: Sequence[str], vectors: Any, documents: Sequence[str],
            metadatas: Sequence[dict[str, Any]]) -> None:
        self.delta.add(ids, vectors, documents, metadatas)

    def restore(self, ids: Sequence[str]) -> None:
        """Serve these removed base chunks again (nothing is embedded or copied)."""
        self.removed.difference_update(ids)

    def delete(self, ids: Sequence[str]) -> list[str]:
        """Delete these ids; returns the base ids now marked removed."""
        in_delta = self._delta_ids(ids)
        if in_delta:
            self.delta.delete(sorted(in_delta))
        from_base = [i for i in ids if i not in in_delta]
        self.removed.update(from_base)
        return from_base
