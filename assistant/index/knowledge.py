"""The vector index: Chroma (embedded at ``index_dir`` or a Chroma server) with incremental sync.

Sync goes through LangChain's indexing API with a SQL record manager kept beside the index: an
unchanged corpus embeds nothing, an edited file re-embeds only its changed chunks, a removed file
loses its chunks. The whole corpus is parsed and validated *before* anything is written, so a bad
file leaves the previous index serving. ``meta.json`` records the settings fingerprint; opening an
index built with other settings raises :class:`IndexMismatchError` (fix: ``assistant index --rebuild``).

Crash safety (embedded mode): the index lives in generations, ``index_dir/gen-*/`` (Chroma data,
records and meta.json together), and the file ``index_dir/CURRENT`` names the one that serves. A
sync that changes anything copies the serving generation's files into a new one (nothing is
re-embedded; SQLite through its backup API), updates that copy, and only then replaces ``CURRENT``
atomically; a first build or a rebuild fills a new, empty generation instead. A process killed
at any point leaves the previous generation serving and whole; the next sync starts again from
it. One writer at a time holds ``index_dir/.lock``; readers never take it, and a running web chat
moves to the new generation on its next question (:meth:`KnowledgeIndex.is_stale`). With a Chroma
server, sync updates the collection in place (the record manager makes a re-run exact).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, cast

from langchain_classic.indexes import SQLRecordManager
from langchain_classic.indexes._sql_record_manager import UpsertionRecord
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.indexing import index as lc_index
from sqlalchemy.orm import Session, sessionmaker

from assistant.config import Settings
from assistant.corpus import Corpus, files_digest, load_corpus
from assistant.errors import IndexBusyError, IndexCorruptError, IndexMismatchError, KnowledgeIndexError
from assistant.index import faults, generations
from assistant.index.documents import ChunkDocuments, SyncResult, docs_digest, length_sorted, progress_bar
from assistant.index.generations import META_FILE, RECORDS_FILE
from assistant.index.store import ChromaError, ChromaStore, delete_collection, make_client, max_batch_size
from assistant.memory import release_free_memory

__all__ = [
    "IndexBusyError", "IndexCorruptError", "IndexMismatchError", "KnowledgeIndex", "KnowledgeIndexError",
    "SyncResult",
]

log = logging.getLogger(__name__)


class KnowledgeIndex:
    """One Chroma collection plus its record manager; created once and passed around.

    Opening checks that the serving generation is readable and whole (:class:`IndexCorruptError`
    otherwise); writers that repair (``sync``, ``rebuild``) open with ``check=False``.

    Example:
        >>> from assistant.index.embeddings import load_embeddings   # doctest: +SKIP
        >>> s = Settings(); idx = KnowledgeIndex(s, load_embeddings(s))   # doctest: +SKIP
        >>> idx.sync(load_corpus(s.corpus_dir)).num_added   # doctest: +SKIP
    """

    def __init__(self, settings: Settings, embeddings: Embeddings, client: Any | None = None, *,
                 data_dir: Path | None = None, check: bool = True) -> None:
        self.settings = settings
        self.embeddings = embeddings
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        #: this object made its generation folder just now and has written nothing to it yet
        self._fresh = False
        if settings.server_mode:
            self.data_dir = settings.index_dir
        else:
            current: Path | None = data_dir
            if current is None:
                try:
                    current = generations.current_generation(settings.index_dir)
                except IndexCorruptError:
                    if check:
                        raise
                    current = None  # a writer rebuilds from the corpus
            self._fresh = current is None
            self.data_dir = current or self._new_generation()
        self.collection_name = settings.collection_name()
        # Opened on first use (a generation this object only made, then dropped, never opens Chroma).
        self._client: Any | None = client
        self._store: ChromaStore | None = None
        self._records: SQLRecordManager | None = None
        if check and not settings.server_mode and data_dir is None:
            self._check_readable()

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.settings, self.data_dir)
        return self._client

    @property
    def store(self) -> ChromaStore:
        if self._store is None:
            self._store = self._open_store()
        return self._store

    @property
    def record_manager(self) -> SQLRecordManager:
        if self._records is None:
            self._records = self._record_manager(self.collection_name)
        return self._records

    def _open(self, client: Any | None = None, store: ChromaStore | None = None,
              records: SQLRecordManager | None = None) -> None:
        """Set (or, with no arguments, drop so they reopen lazily) the client, store and records."""
        self._client, self._store, self._records = client, store, records

    def _new_generation(self) -> Path:
        return generations.new_generation(self.settings.index_dir)

    @property
    def committed(self) -> bool:
        """Is this the generation that CURRENT names (always true with a server)?"""
        if self.settings.server_mode:
            return True
        return generations.current_name(self.settings.index_dir) == self.data_dir.name

    def is_stale(self) -> bool:
        """Has another process committed a newer generation since this one was opened?"""
        if self.settings.server_mode:
            return False
        name = generations.current_name(self.settings.index_dir)
        return name is not None and name != self.data_dir.name

    def reopen(self) -> None:
        """Serve the generation that CURRENT names now."""
        try:
            gen = generations.current_generation(self.settings.index_dir)
        except IndexCorruptError:
            return
        if gen is not None and gen != self.data_dir:
            self._switch_to(gen)

    def _switch_to(self, gen: Path) -> None:
        self.data_dir = gen
        self._fresh = False
        self._open()

    def _check_readable(self) -> None:
        """A committed generation must open and agree with its records: else it is corrupt."""
        if not self.committed:
            return
        try:
            stored = self.count()
            recorded = self.recorded_count()
        except Exception as exc:
            raise IndexCorruptError(
                f"the index in {self.data_dir} cannot be read ({type(exc).__name__}: {exc}). "
                "Run `assistant index --rebuild` to rebuild it.") from exc
        if stored != recorded:
            raise IndexCorruptError(
                f"the index in {self.data_dir} is damaged ({stored} chunks stored, {recorded} "
                "recorded). Run `assistant index --rebuild` to rebuild it.")

    def _record_manager(self, collection_name: str) -> SQLRecordManager:
        manager = SQLRecordManager(
            f"chroma/{self._location()}/{collection_name}",
            db_url=f"sqlite:///{self.data_dir / RECORDS_FILE}",
        )
        manager.create_schema()
        return manager

    def _location(self) -> str:
        s = self.settings
        return f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else "embedded"

    def _open_store(self, embeddings: Embeddings | None = None) -> ChromaStore:
        return ChromaStore(self.client, self.collection_name, embeddings or self.embeddings)

    # ---------------------------------------------------------------- fingerprint

    @property
    def meta_path(self) -> Path:
        return self.data_dir / META_FILE

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

    def _write_meta(self, digest: str | None = None, files: str | None = None) -> None:
        meta = {
            "files_digest": files,
            "fingerprint": self.settings.fingerprint(),
            "embedding_model": self.settings.embedding_model,
            "chunking": self.settings.chunking.model_dump(),
            "collection": self.collection_name,
            "digest": digest,
            "chunks": self.count(),
        }
        tmp = self.meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(self.meta_path)

    # ---------------------------------------------------------------- writer lock

    def writer_lock(self) -> AbstractContextManager[None]:
        """One writer at a time per index folder; a second one gets :class:`IndexBusyError`."""
        return generations.writer_lock(self.settings.index_dir, self.settings.lock_timeout)

    # ---------------------------------------------------------------- sync

    def sync(self, corpus: Corpus | None = None, *, show_progress: bool = False) -> SyncResult:
        """Bring the index in line with the corpus, embedding only what changed.

        Embedded: an unchanged corpus touches nothing; a change is made in a new generation that
        replaces the serving one atomically when complete.
        """
        self.check_fingerprint()
        if corpus is None and not self.settings.server_mode:
            files = files_digest(self.settings.corpus_dir)
            unchanged = self._unchanged_files(files)
            if unchanged is not None:  # byte-identical to the serving generation's corpus: no parsing
                return unchanged
            corpus = load_corpus(self.settings.corpus_dir, digest=files)
        corpus = corpus if corpus is not None else load_corpus(self.settings.corpus_dir)
        docs = self._chunk_documents(corpus)  # the corpus is whole and valid: load_corpus checked it
        with self.writer_lock():
            if self.settings.server_mode:
                return self._sync_in_place(docs, show_progress)
            self.reopen()
            digest, n = docs_digest(docs)
            release_free_memory(n)  # the pass's garbage, before the model's threads take their own
            meta = self.read_meta()
            if self.committed and meta and meta.get("digest") == digest and self.count() == n:
                if meta.get("files_digest") != corpus.files_digest:
                    self._write_meta(digest, corpus.files_digest)  # same chunks, files touched
                return SyncResult(0, 0, n, 0)
            return self._sync_new_generation(docs, digest, show_progress, start_empty=False,
                                             files=corpus.files_digest)

    def _chunk_documents(self, corpus: Corpus) -> ChunkDocuments:
        return ChunkDocuments(corpus, self.settings.chunking)

    def _unchanged_files(self, files: str | None) -> SyncResult | None:
        """A no-op result when the serving generation was built from exactly these files."""
        if files is None:
            return None
        with self.writer_lock():
            self.reopen()
            meta = self.read_meta()
            if not (self.committed and meta and meta.get("files_digest") == files):
                return None
            chunks = self.count()
            return SyncResult(0, 0, chunks, 0) if chunks == meta.get("chunks") else None

    def _sync_new_generation(self, docs: Iterable[Document], digest: str, show_progress: bool,
                             start_empty: bool, files: str | None = None) -> SyncResult:
        old = self.data_dir if self.committed else None
        # A generation this object opened itself, that nothing serves and nothing has been written
        # to (a first build), is filled in place: no copy, no second client.
        reuse = old is None and self._fresh
        target = self.data_dir if reuse else self._new_generation()
        try:
            staged = self if reuse else KnowledgeIndex(self.settings, self.embeddings, data_dir=target)
            if old is not None and not start_empty:
                staged = self._clone_into(staged)
                target = staged.data_dir
            faults.fault_point("cloned")
            result = staged._sync_in_place(docs, show_progress, digest, blank=old is None or start_empty,
                                           files=files)
            faults.fault_point("synced")
            generations.commit(self.settings.index_dir, target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        faults.fault_point("committed")
        self._adopt(staged)
        generations.cleanup(self.settings.index_dir, {target.name, *([old.name] if old else [])})
        return result

    def _adopt(self, staged: KnowledgeIndex) -> None:
        """Serve the generation ``staged`` has just filled, through its already open client."""
        if staged is self:
            return
        self.data_dir, self._fresh = staged.data_dir, False
        self._open(staged._client, staged._store, staged._records)

    def _clone_into(self, staged: KnowledgeIndex) -> KnowledgeIndex:
        """Copy the serving generation into ``staged`` (no re-embedding); returns the copy.

        The files are copied: Chroma's vector segment as it is, its SQLite database and the records
        through SQLite's backup API (a consistent snapshot). Nothing writes to a committed generation,
        so the copy is exact; it is checked (same chunk and record counts) before use. Should it ever
        fail the check, a second new generation gets the vectors through Chroma's API instead.
        """
        try:
            generations.copy_generation_files(self.data_dir, staged.data_dir)
            if staged.count() == self.count() and staged.recorded_count() == self.recorded_count():
                return staged
            log.warning("the file copy of %s is incomplete: copying through Chroma", self.data_dir.name)
        except (OSError, sqlite3.Error, ChromaError) as exc:
            log.warning("cannot copy the files of %s (%s): copying through Chroma", self.data_dir.name, exc)
        shutil.rmtree(staged.data_dir, ignore_errors=True)
        staged = KnowledgeIndex(self.settings, self.embeddings, data_dir=self._new_generation())
        staged.store.copy_from(self.store)
        generations.sqlite_copy(self.data_dir / RECORDS_FILE, staged.data_dir / RECORDS_FILE)
        staged._records = None  # reopen on the copied records
        return staged

    def _sync_in_place(self, docs: Iterable[Document], show_progress: bool, digest: str | None = None, *,
                       blank: bool = False, files: str | None = None) -> SyncResult:
        """Sync ``docs`` into this object's collection.

        ``blank``: the collection and records are empty (a first build or a rebuild), so every
        chunk will be embedded. They then go in length order, so each model batch pads to a
        length close to its texts' own (as ``encode()`` does when it is given the whole list).
        """
        embeddings = faults.maybe_pausing(self.embeddings)  # crash tests: pause inside the embedding
        if blank:
            docs = length_sorted(docs)
        else:
            self._repair_if_out_of_step()
        self._fresh = False
        batch = max(1, min(max_batch_size(self.client), self.settings.index_batch_size))
        store = self.store if embeddings is self.embeddings else self._open_store(embeddings)
        with progress_bar(self.embeddings, show_progress):
            result = lc_index(docs, self.record_manager, store.langchain, cleanup="full", source_id_key="source",
                              batch_size=batch, key_encoder="sha256")
        self._write_meta(digest, files)
        return SyncResult(
            result["num_added"], result["num_updated"], result["num_skipped"], result["num_deleted"]
        )

    def rebuild(self, corpus: Corpus | None = None, *, show_progress: bool = False) -> SyncResult:
        """Build the index again from the corpus, whatever state (or settings) it is in."""
        corpus = corpus if corpus is not None else load_corpus(self.settings.corpus_dir)  # validate first
        docs = self._chunk_documents(corpus)
        with self.writer_lock():
            if self.settings.server_mode:
                old = self.read_meta()
                names = {self.collection_name}
                if old and isinstance(old.get("collection"), str):
                    names.add(old["collection"])
                for name in names:
                    if not delete_collection(self.client, name):
                        log.debug("no collection %s to delete", name)
                    if name != self.collection_name:  # records of an index built with other settings
                        self._clear_records(self._record_manager(name))
                self._clear_records()
                if self.meta_path.exists():
                    self.meta_path.unlink()
                self._store = self._open_store()
                return self._sync_in_place(docs, show_progress)
            return self._sync_new_generation(docs, docs_digest(docs)[0], show_progress, start_empty=True,
                                             files=corpus.files_digest)

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
        recorded = self.recorded_count()
        if stored == recorded:
            return
        log.warning("index out of step (%d chunks stored, %d recorded): re-adding every chunk",
                    stored, recorded)
        if not delete_collection(self.client, self.collection_name):
            log.debug("no collection %s to delete", self.collection_name)
        self._clear_records()
        self._store = self._open_store()

    # ---------------------------------------------------------------- reading

    def count(self) -> int:
        return self.store.count()

    def recorded_count(self) -> int:
        """How many chunks the record manager knows (a COUNT, not a list of every key)."""
        factory = cast("sessionmaker[Session]", self.record_manager.session_factory)  # a sync engine
        with factory() as session:
            return int(session.query(UpsertionRecord)
                       .filter(UpsertionRecord.namespace == self.record_manager.namespace).count())

    def stored_chunks(self) -> list[Document]:
        """Every stored chunk as a Document (page_content = embed text, metadata incl. 'text')."""
        return [d for page in self.document_pages() for d in page]

    def document_pages(self, step: int = 1000) -> Iterator[list[Document]]:
        """Every stored chunk, a page at a time (only one page is held in memory)."""
        return self.store.document_pages(step)

    def documents(self, ids: Sequence[str]) -> list[Document]:
        """The stored chunks with these ids (unknown ids are left out)."""
        return self.store.get(ids)

    def stats(self) -> dict[str, Any]:
        metas = [m for page in self.store.pages(5000) for m in (page["metadatas"] or [])]
        by_section = Counter(str(m.get("section")) for m in metas)
        by_supplement = Counter(str(m.get("supplement")) for m in metas)
        return {"chunks": len(metas), "by_section": dict(by_section), "by_supplement": dict(by_supplement)}
