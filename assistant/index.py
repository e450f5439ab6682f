"""The vector index: Chroma (embedded at ``index_dir`` or a Chroma server) with incremental sync.

Sync goes through LangChain's indexing API with a SQL record manager kept beside the index: an
unchanged corpus embeds nothing, an edited file re-embeds only its changed chunks, a removed file
loses its chunks. The whole corpus is parsed and validated *before* anything is written, so a bad
file leaves the previous index serving. ``meta.json`` records the settings fingerprint; opening an
index built with other settings raises :class:`IndexMismatchError` (fix: ``assistant index --rebuild``).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_classic.indexes import SQLRecordManager
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.indexing import index as lc_index

from assistant.chunking import Chunk, chunk_corpus
from assistant.config import Settings, disable_telemetry
from assistant.corpus import Corpus, load_corpus

log = logging.getLogger(__name__)

META_FILE = "meta.json"
RECORDS_FILE = "records.sqlite3"
CHROMA_DIR = "chroma"


class IndexError_(RuntimeError):
    """Base class of index problems (named to avoid shadowing the builtin)."""


class IndexMismatchError(IndexError_):
    """The index on disk was built with other settings (embedding model or chunking)."""


class IndexMissingError(IndexError_):
    """There is no index yet."""


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


def make_client(settings: Settings) -> Any:
    """A Chroma client: embedded on disk by default, HTTP when ``chroma_host`` is set."""
    disable_telemetry()
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                   settings=chroma_settings)
    path = settings.index_dir / CHROMA_DIR
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def chunk_to_document(chunk: Chunk) -> Document:
    meta = dict(chunk.metadata)
    meta["text"] = chunk.text
    return Document(page_content=chunk.embed_text, metadata=meta, id=chunk.id)


class KnowledgeIndex:
    """One Chroma collection plus its record manager; created once and passed around.

    Example:
        >>> from assistant.embeddings import load_embeddings   # doctest: +SKIP
        >>> s = Settings(); idx = KnowledgeIndex(s, load_embeddings(s))   # doctest: +SKIP
        >>> idx.sync(load_corpus(s.corpus_dir)).num_added   # doctest: +SKIP
    """

    def __init__(self, settings: Settings, embeddings: Embeddings, client: Any | None = None) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.client = client if client is not None else make_client(settings)
        self.collection_name = settings.collection_name()
        self.store = self._open_store()
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        self.record_manager = self._record_manager(self.collection_name)

    def _record_manager(self, collection_name: str) -> SQLRecordManager:
        manager = SQLRecordManager(
            f"chroma/{self._location()}/{collection_name}",
            db_url=f"sqlite:///{self.settings.index_dir / RECORDS_FILE}",
        )
        manager.create_schema()
        return manager

    def _location(self) -> str:
        s = self.settings
        return f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else "embedded"

    def _open_store(self) -> Chroma:
        return Chroma(
            collection_name=self.collection_name,
            embedding_function=self.embeddings,
            client=self.client,
            collection_metadata={"hnsw:space": "cosine"},
        )

    # ---------------------------------------------------------------- fingerprint

    @property
    def meta_path(self) -> Path:
        return self.settings.index_dir / META_FILE

    def read_meta(self) -> dict[str, Any] | None:
        if not self.meta_path.exists():
            return None
        try:
            data = json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def check_fingerprint(self) -> None:
        """Raise :class:`IndexMismatchError` if the index was built with other settings."""
        meta = self.read_meta()
        if meta is None:
            return
        if meta.get("fingerprint") != self.settings.fingerprint():
            raise IndexMismatchError(
                f"the index in {self.settings.index_dir} was built with other settings "
                f"(embedding model {meta.get('embedding_model')!r}, fingerprint {meta.get('fingerprint')}); "
                f"these settings need fingerprint {self.settings.fingerprint()}. "
                "Run `assistant index --rebuild` to rebuild it."
            )

    def _write_meta(self) -> None:
        meta = {
            "fingerprint": self.settings.fingerprint(),
            "embedding_model": self.settings.embedding_model,
            "chunking": self.settings.chunking.model_dump(),
            "collection": self.collection_name,
        }
        tmp = self.meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        tmp.replace(self.meta_path)

    # ---------------------------------------------------------------- sync

    def sync(self, corpus: Corpus | None = None, *, show_progress: bool = False) -> SyncResult:
        """Bring the index in line with the corpus, embedding only what changed."""
        self.check_fingerprint()
        corpus = corpus if corpus is not None else load_corpus(self.settings.corpus_dir)
        docs = [chunk_to_document(c) for c in chunk_corpus(corpus, self.settings.chunking)]
        self._repair_if_out_of_step()
        max_batch = int(self.client.get_max_batch_size())
        batch = max(1, min(max_batch, 256))
        had_progress = getattr(self.embeddings, "show_progress", None)
        if show_progress and had_progress is not None:
            self.embeddings.show_progress = True  # type: ignore[attr-defined]
        try:
            result = lc_index(
                docs,
                self.record_manager,
                self.store,
                cleanup="full",
                source_id_key="source",
                batch_size=batch,
                key_encoder="sha256",
            )
        finally:
            if had_progress is not None:
                self.embeddings.show_progress = had_progress  # type: ignore[attr-defined]
        self._write_meta()
        return SyncResult(
            result["num_added"], result["num_updated"], result["num_skipped"], result["num_deleted"]
        )

    def rebuild(self, corpus: Corpus | None = None, *, show_progress: bool = False) -> SyncResult:
        """Drop this index (any settings) and build it again from the corpus."""
        corpus = corpus if corpus is not None else load_corpus(self.settings.corpus_dir)  # validate first
        old = self.read_meta()
        names = {self.collection_name}
        if old and isinstance(old.get("collection"), str):
            names.add(old["collection"])
        for name in names:
            try:
                self.client.delete_collection(name)
            except Exception:
                log.debug("no collection %s to delete", name)
            if name != self.collection_name:  # records of an index built with other settings
                self._clear_records(self._record_manager(name))
        self._clear_records()
        if self.meta_path.exists():
            self.meta_path.unlink()
        self.store = self._open_store()
        return self.sync(corpus, show_progress=show_progress)

    def _clear_records(self, manager: SQLRecordManager | None = None) -> None:
        manager = manager or self.record_manager
        keys = manager.list_keys()
        if keys:
            manager.delete_keys(keys)

    def _repair_if_out_of_step(self) -> None:
        """Start the collection afresh when it and the record manager disagree.

        Happens when the Chroma data was deleted (or the server was wiped) but ``records.sqlite3``
        survived, or the other way round: without this, sync would skip chunks that are not stored,
        or never delete stored chunks that the records do not know.
        """
        stored = self.count()
        recorded = len(self.record_manager.list_keys())
        if stored == recorded:
            return
        log.warning("index out of step (%d chunks stored, %d recorded): re-adding every chunk",
                    stored, recorded)
        try:
            self.client.delete_collection(self.collection_name)
        except Exception:
            log.debug("no collection %s to delete", self.collection_name)
        self._clear_records()
        self.store = self._open_store()

    # ---------------------------------------------------------------- reading

    def count(self) -> int:
        return int(self.store._collection.count())

    def all_documents(self) -> list[Document]:
        """Every stored chunk as a Document (page_content = embed text, metadata incl. 'text')."""
        got = self.store._collection.get(include=["documents", "metadatas"])
        docs: list[Document] = []
        for i, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True):
            docs.append(Document(page_content=text or "", metadata=dict(meta or {}), id=i))
        return docs

    def stats(self) -> dict[str, Any]:
        metas = self.store._collection.get(include=["metadatas"])["metadatas"] or []
        by_section = Counter(str(m.get("section")) for m in metas)
        by_supplement = Counter(str(m.get("supplement")) for m in metas)
        return {"chunks": len(metas), "by_section": dict(by_section), "by_supplement": dict(by_supplement)}


def remove_embedded_index(settings: Settings) -> None:
    """Delete the embedded index folder's contents (used by repair)."""
    for name in (CHROMA_DIR, RECORDS_FILE, META_FILE):
        p = settings.index_dir / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
