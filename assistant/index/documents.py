"""The corpus as LangChain Documents for the index, and what sync needs to know about them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.chunking import Chunk, iter_chunks
from assistant.config import ChunkingSettings
from assistant.corpus import Corpus

#: documents sorted by length together in a first build (a window, not the corpus: memory stays flat)
SORT_WINDOW = 8192


def docs_digest(docs: Iterable[Document]) -> tuple[str, int]:
    """(a hash of everything sync would store: ids, texts, metadata; how many documents).

    Streams: one short hash per document is kept, not the documents.
    """
    rows = []
    for d in docs:
        blob = json.dumps([d.id, d.page_content, d.metadata], sort_keys=True, default=str).encode()
        rows.append((str(d.id), hashlib.sha256(blob).digest()))
    rows.sort()
    h = hashlib.sha256()
    for _, row in rows:
        h.update(row)
    return h.hexdigest(), len(rows)


def length_sorted(docs: Iterable[Document], window: int = SORT_WINDOW) -> Iterator[Document]:
    """``docs`` in length order within consecutive windows of ``window`` documents: each model
    batch pads to a length close to its texts' own, without holding the whole corpus at once."""
    buf: list[Document] = []
    for d in docs:
        buf.append(d)
        if len(buf) >= window:
            buf.sort(key=lambda x: len(x.page_content))
            yield from buf
            buf = []
    buf.sort(key=lambda x: len(x.page_content))
    yield from buf


@dataclass(frozen=True)
class SyncResult:
    num_added: int
    num_updated: int
    num_skipped: int
    num_deleted: int

    def to_dict(self) -> dict[str, int]:
        return {
            "num_added": self.num_added,
            "num_updated": self.num_updated,
            "num_skipped": self.num_skipped,
            "num_deleted": self.num_deleted,
        }


def chunk_to_document(chunk: Chunk) -> Document:
    meta = dict(chunk.metadata)
    meta["text"] = chunk.text
    return Document(page_content=chunk.embed_text, metadata=meta, id=chunk.id)


class ChunkDocuments:
    """The corpus's chunks as Documents, made afresh on each pass (a large corpus is never held as
    a list of Documents: a pass for the digest, another for the index)."""

    def __init__(self, corpus: Corpus, chunking: ChunkingSettings) -> None:
        self.corpus = corpus
        self.chunking = chunking

    def __iter__(self) -> Iterator[Document]:
        return (chunk_to_document(c) for c in iter_chunks(self.corpus, self.chunking))


@contextmanager
def progress_bar(embeddings: Embeddings, show: bool) -> Iterator[None]:
    """Turn the model's progress bar on for the duration (HuggingFaceEmbeddings has one)."""
    had = getattr(embeddings, "show_progress", None)
    if show and had is not None:
        embeddings.show_progress = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if had is not None:
            embeddings.show_progress = had  # type: ignore[attr-defined]
