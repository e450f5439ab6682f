"""The vector index: Chroma (embedded at ``index_dir`` or a Chroma server) with incremental sync.

Sync compares the corpus's chunk keys with the records (:mod:`assistant.index.records`, plain
SQLite): an unchanged corpus embeds nothing, an edited file re-embeds only its changed chunks, a
removed file loses its chunks. Whatever is parsed is validated *before* anything is written, so a
bad file leaves the previous index serving. ``meta.json`` records the settings fingerprint (opening
an index built with other settings raises :class:`IndexMismatchError`; fix: ``assistant index
--rebuild``) and a digest of each monograph folder, so a sync parses only the folders that changed.

Crash safety (embedded mode): the index lives in generations, ``index_dir/gen-*/``, and the file
``index_dir/CURRENT`` names the one that serves; a generation is never written to once committed.
A first build or a rebuild fills a new, empty generation. An edit makes a *layered* generation
(:mod:`assistant.index.layers`): it refers to a base generation and holds only a small Chroma
collection of the chunks added since and the base keys removed, so an edit writes the size of the
change, not of the index; when the delta outgrows :func:`~assistant.index.layers.delta_limit`, the
next sync compacts (copies the base once, folds the delta in). ``CURRENT`` is replaced atomically
only when the new generation is complete, so a process killed at any point leaves the previous one
serving and whole. One writer at a time holds ``index_dir/.lock``; readers never take it, and a
running web chat moves to the new generation on its next question (:meth:`KnowledgeIndex.is_stale`).
With a Chroma server, sync updates the collection in place (the records make a re-run exact).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.corpus import Corpus, digest_of, folder_digests, load_corpus, load_part
from assistant.errors import IndexBusyError, IndexCorruptError, IndexMismatchError, KnowledgeIndexError
from assistant.index import faults, generations
from assistant.index.documents import ChunkDocuments, SyncResult, docs_digest, length_sorted, progress_bar
from assistant.index.generations import META_FILE, RECORDS_FILE
from assistant.index.layers import LayeredStore, delta_limit
from assistant.index.records import RecordStore, keyed
from assistant.index.store import ChromaError, ChromaStore, delete_collection, make_client, max_batch_size
from assistant.memory import release_free_memory

__all__ = [
    "IndexBusyError", "IndexCorruptError", "IndexMismatchError", "KnowledgeIndex", "KnowledgeIndexError",
    "SyncResult",
]

log = logging.getLogger(__name__)

#: a sync whose changed folders are at most this share of the corpus parses only those
PARTIAL_SHARE = 0.2


@dataclass
class Plan:
    """What a sync will change: documents to add (keyed), keys to delete, keys left as they are."""

    add: list[Document] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def size(self) -> int:
        return len(self.add) + len(self.stale)


class KnowledgeIndex:
    """One Chroma collection (or a layered pair) plus its records; created once and passed around.

    Opening checks that the serving generation is readable and whole (:class:`IndexCorruptError`
    otherwise); writers that repair (``sync``, ``rebuild``) open with ``check=False``.

    Example:
        >>> from assistant.index.embeddings import load_embeddings   # doctest: +SKIP
        >>> s = Settings(); idx = KnowledgeIndex(s, load_embeddings(s))   # doctest: +SKIP
        >>> idx.sync(load_corpus(s.corpus_dir)).num_added   # doctest: +SKIP
    """

    def __init__(self, settings: Settings, embeddings: Embeddings, client: Any | None = None, *,
                 data_dir: Path | None = None, check: bool = True, base: str | None = None) -> None:
        self.settings = settings
        self.embeddings = embeddings
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        #: this object made its generation folder just now and has written nothing to it yet
        self._fresh = False
        #: the base generation of a layered generation being made (its meta does not say yet)
        self._staged_base = base
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
        self._store: ChromaStore | LayeredStore | None = None
        self._records: RecordStore | None = None
        self._base_records: RecordStore | None = None
        if check and not settings.server_mode and data_dir is None:
            self._check_readable()

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.settings, self.data_dir)
        return self._client

    @property
    def store(self) -> ChromaStore | LayeredStore:
        if self._store is None:
            self._store = self._open_store()
        return self._store

    @property
    def records(self) -> RecordStore:
        """This generation's own records (a layered one's: its delta and its removed base keys)."""
        if self._records is None:
            self._records = RecordStore(self.data_dir / RECORDS_FILE, self._namespace())
        return self._records

    #: the name tests and older callers use
    record_manager = records

    @property
    def base_dir(self) -> Path | None:
        """The base generation of a layered generation (None for a whole one, or with a server)."""
        if self.settings.server_mode:
            return None
        name = self._staged_base
        if name is None:
            meta = self.read_meta()
            name = meta.get("base") if meta else None
        return self.settings.index_dir / name if isinstance(name, str) and name else None

    @property
    def layered(self) -> bool:
        return self.base_dir is not None

    def _base_record_store(self) -> RecordStore:
        base = self.base_dir
        assert base is not None
        if self._base_records is None:
            self._base_records = RecordStore(base / RECORDS_FILE, self._namespace(), readonly=True)
        return self._base_records

    def _open(self, client: Any | None = None, store: ChromaStore | LayeredStore | None = None,
              records: RecordStore | None = None) -> None:
        """Set (or, with no arguments, drop so they reopen lazily) the client, store and records."""
        self._client, self._store, self._records = client, store, records
        self._base_records = None

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
        self._staged_base = None
        self._open()

    def _check_readable(self) -> None:
        """A committed generation must open and agree with its records: else it is corrupt."""
        if not self.committed:
            return
        try:
            if self.layered and not (self.base_dir or Path()).is_dir():
                raise FileNotFoundError(f"its base generation {self.base_dir} is missing")
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

    def _namespace(self) -> str:
        s = self.settings
        location = f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else "embedded"
        return f"chroma/{location}/{self.collection_name}"

    def _open_store(self, embeddings: Embeddings | None = None) -> ChromaStore | LayeredStore:
        own = ChromaStore(self.client, self.collection_name, embeddings or self.embeddings)
        base = self.base_dir
        if base is None:
            return own
        base_store = ChromaStore(make_client(self.settings, base), self.collection_name,
                                 embeddings or self.embeddings)
        return LayeredStore(base_store, own, self.records.removed())

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

    def _write_meta(self, digest: str | None = None, files: str | None = None,
                    folders: dict[str, str] | None = None) -> None:
        base = self.base_dir
        meta = {
            "files_digest": files,
            "folders": folders,
            "fingerprint": self.settings.fingerprint(),
            "embedding_model": self.settings.embedding_model,
            "chunking": self.settings.chunking.model_dump(),
            "collection": self.collection_name,
            "digest": digest,
            "chunks": self.count(),
            "base": base.name if base is not None else None,
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

        Without ``corpus``, only the monograph folders whose files changed since the serving
        generation was made are parsed (all of them when many changed). Embedded: an unchanged
        corpus touches nothing; a change is made in a new generation that replaces the serving one
        atomically when complete.
        """
        self.check_fingerprint()
        if corpus is None:
            folders = folder_digests(self.settings.corpus_dir)
            files = digest_of(folders) if folders is not None else None
            unchanged = self._unchanged_files(files)
            if unchanged is not None:  # byte-identical to the serving generation's corpus: no parsing
                return unchanged
            part = self._changed_part(folders)
            if part is not None:
                scope, monographs = part
                docs = ChunkDocuments(Corpus(self.settings.corpus_dir, monographs, files), self.settings.chunking)
                return self._sync_docs(docs, show_progress, scope=scope, files=files, folders=folders)
            corpus = load_corpus(self.settings.corpus_dir, digest=files, folders=folders)
        else:
            unchanged = self._unchanged_files(corpus.files_digest)
            if unchanged is not None:
                return unchanged
        return self._sync_docs(self._chunk_documents(corpus), show_progress, scope=None,
                               files=corpus.files_digest, folders=corpus.folder_digests)

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

    def _changed_part(self, folders: dict[str, str] | None) -> tuple[set[str], list[Any]] | None:
        """(the changed top-level folders, their monographs parsed and checked) when few changed
        and the serving index is whole; None: parse the whole corpus."""
        meta = self.read_meta()
        old = meta.get("folders") if meta else None
        if folders is None or not isinstance(old, dict) or not self.committed:
            return None
        changed = {f for f in folders.keys() | old.keys() if folders.get(f) != old.get(f)}
        if "" in changed or len(changed) > max(1, int(len(folders) * PARTIAL_SHARE)):
            return None  # a file at the top, or many folders: the whole corpus
        if self.count() != self.recorded_count():
            return None  # out of step: sync repairs it from the whole corpus
        monographs = load_part(self.settings.corpus_dir, sorted(f for f in changed if f in folders))
        self._check_unique(monographs, changed)
        return changed, monographs

    def _check_unique(self, monographs: Sequence[Any], changed: set[str]) -> None:
        """A changed monograph's slug and product ids must not be another folder's (what
        :func:`load_corpus` checks across the whole corpus)."""
        from assistant.corpus import CorpusError

        def other_folder(filters: dict[str, str]) -> str | None:
            for d in self.store.where(filters, limit=5):
                folder = str(d.metadata.get("source", "")).split("/", 1)[0]
                if folder not in changed:
                    return str(d.metadata.get("source"))
            return None

        for mono in monographs:
            if (where := other_folder({"supplement": mono.slug})) is not None:
                raise CorpusError(mono.source, 0, f"duplicate slug {mono.slug!r} (also in {where})")
            for p in mono.products:
                if (where := other_folder({"product_id": p.id})) is not None:
                    raise CorpusError(p.source, 0, f"duplicate product id {p.id!r} (also in {where})")

    def _sync_docs(self, docs: ChunkDocuments, show_progress: bool, *, scope: set[str] | None,
                   files: str | None, folders: dict[str, str] | None) -> SyncResult:
        with self.writer_lock():
            if self.settings.server_mode:
                return self._sync_in_place(docs, show_progress, scope=scope, files=files, folders=folders)
            self.reopen()
            digest: str | None = None
            if scope is None:
                digest, n = docs_digest(docs)
                release_free_memory(n)  # the pass's garbage, before the model's threads take their own
                meta = self.read_meta()
                if self.committed and meta and meta.get("digest") == digest and self.count() == n:
                    if meta.get("files_digest") != files:
                        self._write_meta(digest, files, folders)  # same chunks, files touched
                    return SyncResult(0, 0, n, 0)
            blank = not self.committed or (scope is None and self._out_of_step())
            return self._sync_new_generation(docs, digest, show_progress, start_empty=blank, files=files,
                                             folders=folders, scope=scope)

    def _out_of_step(self) -> bool:
        """Do the stored chunks and the records disagree (Chroma data or records lost)?"""
        try:
            stored, recorded = self.count(), self.recorded_count()
        except (ChromaError, sqlite3.Error, OSError):
            return True
        if stored != recorded:
            log.warning("index out of step (%d chunks stored, %d recorded): re-adding every chunk",
                        stored, recorded)
        return stored != recorded

    def _held_keys(self, scope: set[str] | None) -> dict[str, str]:
        """key -> source of every chunk this generation serves (under ``scope``'s folders)."""
        own = self.records.keys(scope)
        if not self.layered:
            return own
        removed = self.records.removed()
        held = {k: g for k, g in self._base_record_store().keys(scope).items() if k not in removed}
        held.update(own)
        return held

    def _plan(self, docs: Iterable[Document], scope: set[str] | None) -> Plan:
        held = self._held_keys(scope)
        plan = Plan()
        seen: set[str] = set()
        for d in docs:
            d = keyed(d)
            key = str(d.id)
            if key in seen:
                continue
            seen.add(key)
            if key in held:
                plan.skipped += 1
            else:
                plan.add.append(d)
        plan.stale = [k for k in held if k not in seen]
        return plan

    def _sync_new_generation(self, docs: Iterable[Document], digest: str | None, show_progress: bool,
                             start_empty: bool, files: str | None = None,
                             folders: dict[str, str] | None = None,
                             scope: set[str] | None = None) -> SyncResult:
        old = self.data_dir if self.committed else None
        if old is None or start_empty:
            return self._build_new(docs, digest, show_progress, files, folders)
        plan = self._plan(docs, scope)
        if not plan.size:  # the same chunks: the files were touched, or reverted to what is served
            meta = self.read_meta() or {}
            self._write_meta(digest or meta.get("digest"), files, folders)
            return SyncResult(0, 0, plan.skipped, 0)
        base = self.base_dir or self.data_dir
        pending = self.records.count() + len(self.records.removed()) if self.layered else 0
        base_chunks = self._base_count()
        target = self._new_generation()

        def fill() -> tuple[KnowledgeIndex, SyncResult]:
            if pending + plan.size <= delta_limit(base_chunks):
                staged = self._stage_delta(target, base)
                faults.fault_point("cloned")
                result = staged._apply_layered(plan, show_progress)
            else:
                staged = self._clone_into(KnowledgeIndex(self.settings, self.embeddings, data_dir=target),
                                          base)
                faults.fault_point("cloned")
                result = staged._apply_compaction(self, plan, show_progress)
            staged._write_meta(None if scope is not None else digest, files, folders)
            return staged, result

        return self._commit_new(target, old, fill, _whole_corpus(docs) if scope is None else None)

    def _commit_new(self, target: Path, old: Path | None,
                    fill: Callable[[], tuple[KnowledgeIndex, SyncResult]],
                    corpus: Corpus | None = None) -> SyncResult:
        """Fill a new generation (``fill`` returns it, staged, with the sync's result), build its
        serving data, point CURRENT at it, serve it, and remove what no longer serves. Anything
        that fails or is killed before the switch leaves the previous generation serving."""
        staged: KnowledgeIndex | None = None
        try:
            staged, result = fill()
            staged._derive(corpus)
            faults.fault_point("synced")
            generations.commit(self.settings.index_dir, staged.data_dir)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            if staged is not None:
                shutil.rmtree(staged.data_dir, ignore_errors=True)
            raise
        faults.fault_point("committed")
        self._adopt(staged)
        self._cleanup(old)
        return result

    def _base_count(self) -> int:
        if not self.layered:
            return self.count()
        return self._base_record_store().count()

    def _build_new(self, docs: Iterable[Document], digest: str | None, show_progress: bool,
                   files: str | None, folders: dict[str, str] | None) -> SyncResult:
        """A first build or a rebuild: every chunk embedded into a new, empty generation."""
        old = self.data_dir if self.committed else None
        # A generation this object opened itself, that nothing serves and nothing has been written
        # to (a first build), is filled in place: no second client.
        reuse = old is None and self._fresh
        target = self.data_dir if reuse else self._new_generation()

        def fill() -> tuple[KnowledgeIndex, SyncResult]:
            staged = self if reuse else KnowledgeIndex(self.settings, self.embeddings, data_dir=target)
            faults.fault_point("cloned")
            staged._fresh = False
            result = staged._add_all(docs, show_progress)
            staged._write_meta(digest, files, folders)
            return staged, result

        return self._commit_new(target, old, fill, _whole_corpus(docs))

    def _cleanup(self, old: Path | None) -> None:
        """Remove every generation but the serving one, the one it replaced, and their bases."""
        keep = {self.data_dir.name}
        if self.base_dir is not None:
            keep.add(self.base_dir.name)
        if old is not None:
            keep.add(old.name)
            try:
                previous = json.loads((old / META_FILE).read_text(encoding="utf-8")).get("base")
            except (OSError, ValueError):
                previous = None
            if isinstance(previous, str):
                keep.add(previous)
        generations.cleanup(self.settings.index_dir, keep)

    def _stage_delta(self, target: Path, base: Path) -> KnowledgeIndex:
        """A new layered generation over ``base`` holding a copy of this generation's delta (if any)."""
        if self.layered:
            try:
                generations.copy_generation_files(self.data_dir, target)
                staged = KnowledgeIndex(self.settings, self.embeddings, data_dir=target, base=base.name)
                if (staged.count() == self.count() and staged.recorded_count() == self.recorded_count()):
                    return staged
                log.warning("the file copy of %s is incomplete: copying through Chroma", self.data_dir.name)
            except (OSError, sqlite3.Error, ChromaError) as exc:
                log.warning("cannot copy the files of %s (%s): copying through Chroma", self.data_dir.name, exc)
            for entry in target.iterdir():
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            staged = KnowledgeIndex(self.settings, self.embeddings, data_dir=target, base=base.name)
            own = self.store
            assert isinstance(own, LayeredStore) and isinstance(staged.store, LayeredStore)
            staged.store.delta.copy_from(own.delta)
            staged.records.add(list(self.records.keys().items()))
            removed = sorted(self.records.removed())
            staged.records.remove(removed)
            staged.store.removed.update(removed)
            return staged
        return KnowledgeIndex(self.settings, self.embeddings, data_dir=target, base=base.name)

    def _embedded(self, docs: Sequence[Document], embeddings: Embeddings) -> list[list[float]]:
        return embeddings.embed_documents([d.page_content for d in docs])

    def _write(self, docs: Iterable[Document], show_progress: bool, *,
               vectors_of: dict[str, Any] | None = None) -> int:
        """Add keyed ``docs`` to this generation's own collection and records, embedding in batches
        (a document whose vector ``vectors_of`` holds is not embedded again); returns how many."""
        embeddings = faults.maybe_pausing(self.embeddings)  # crash tests: pause inside the embedding
        store = self.store
        own = store.delta if isinstance(store, LayeredStore) else store
        size = max(1, min(max_batch_size(self.client), self.settings.index_batch_size))
        added = 0
        batch: list[Document] = []

        def flush() -> None:
            nonlocal added
            if not batch:
                return
            known = vectors_of or {}
            todo = [d for d in batch if str(d.id) not in known]
            fresh = dict(zip((str(d.id) for d in todo), self._embedded(todo, embeddings), strict=True)) if todo else {}
            vecs = [known[str(d.id)] if str(d.id) in known else fresh[str(d.id)] for d in batch]
            own.add([str(d.id) for d in batch], vecs, [d.page_content for d in batch],
                    [dict(d.metadata) for d in batch])
            self.records.add([(str(d.id), str(d.metadata.get("source", ""))) for d in batch])
            added += len(batch)
            batch.clear()

        with progress_bar(self.embeddings, show_progress):
            for d in docs:
                batch.append(d)
                if len(batch) >= size:
                    flush()
            flush()
        return added

    def _add_all(self, docs: Iterable[Document], show_progress: bool) -> SyncResult:
        """Fill this empty generation (or server collection) with ``docs`` in length order, so each
        model batch pads to a length close to its texts' own."""
        seen: set[str] = set()

        def unique() -> Iterator[Document]:
            for d in length_sorted(docs):
                k = keyed(d)
                if str(k.id) not in seen:
                    seen.add(str(k.id))
                    yield k

        return SyncResult(self._write(unique(), show_progress), 0, 0, 0)

    def _apply_layered(self, plan: Plan, show_progress: bool) -> SyncResult:
        """Apply ``plan`` to this (staged, layered) generation: the delta takes what is new, a
        removed base chunk that comes back is served again, base chunks gone are noted removed."""
        store = self.store
        assert isinstance(store, LayeredStore)
        back = [str(d.id) for d in plan.add if str(d.id) in store.removed]
        if back:
            store.restore(back)
            self.records.unremove(back)
        backs = set(back)
        added = self._write((d for d in plan.add if str(d.id) not in backs), show_progress)
        if plan.stale:
            in_delta = set(self.records.keys()) & set(plan.stale)
            if in_delta:
                store.delta.delete(sorted(in_delta))
                self.records.delete_keys(sorted(in_delta))
            from_base = [k for k in plan.stale if k not in in_delta]
            store.removed.update(from_base)
            self.records.remove(from_base)
        return SyncResult(added + len(back), 0, plan.skipped, len(plan.stale))

    def _apply_compaction(self, serving: KnowledgeIndex, plan: Plan, show_progress: bool) -> SyncResult:
        """Fold the serving generation's delta and ``plan`` into this copy of its base."""
        stale = set(plan.stale)
        drop: set[str] = set(stale)
        vectors: dict[str, Any] = {}
        if serving.layered:
            drop |= serving.records.removed()
            own = serving.store
            assert isinstance(own, LayeredStore)
            for page in own.delta.pages(vectors=True):
                keep = [i for i, k in enumerate(page["ids"]) if k not in stale]
                docs = [Document(id=page["ids"][i], page_content=(page["documents"] or [])[i] or "",
                                 metadata=dict((page["metadatas"] or [])[i] or {})) for i in keep]
                vectors.update({page["ids"][i]: page["embeddings"][i] for i in keep})
                self._write(docs, False, vectors_of=vectors)
        base_keys = set(self.records.keys())
        back = {str(d.id) for d in plan.add if str(d.id) in base_keys}
        gone = sorted((drop - back) & base_keys)
        if gone:
            self.store.delete(gone)
            self.records.delete_keys(gone)
        added = self._write((d for d in plan.add if str(d.id) not in back), show_progress)
        return SyncResult(added + len(back), 0, plan.skipped, len(plan.stale))

    def _adopt(self, staged: KnowledgeIndex) -> None:
        """Serve the generation ``staged`` has just filled, through its already open client."""
        if staged is self:
            return
        self.data_dir, self._fresh, self._staged_base = staged.data_dir, False, None
        self._open(staged._client, staged._store, staged._records)

    def _clone_into(self, staged: KnowledgeIndex, base: Path) -> KnowledgeIndex:
        """Copy the whole generation ``base`` into ``staged`` (no re-embedding); returns the copy.

        The files are copied: Chroma's vector segment as it is, its SQLite database and the records
        through SQLite's backup API (a consistent snapshot). Nothing writes to a committed generation,
        so the copy is exact; it is checked (same chunk and record counts) before use. Should it ever
        fail the check, a second new generation gets the vectors through Chroma's API instead.
        """
        source = self if base == self.data_dir else KnowledgeIndex(self.settings, self.embeddings, data_dir=base)
        try:
            generations.copy_generation_files(base, staged.data_dir)
            if staged.count() == source.count() and staged.recorded_count() == source.recorded_count():
                return staged
            log.warning("the file copy of %s is incomplete: copying through Chroma", base.name)
        except (OSError, sqlite3.Error, ChromaError) as exc:
            log.warning("cannot copy the files of %s (%s): copying through Chroma", base.name, exc)
        shutil.rmtree(staged.data_dir, ignore_errors=True)
        staged = KnowledgeIndex(self.settings, self.embeddings, data_dir=self._new_generation())
        own = staged.store
        assert isinstance(own, ChromaStore)
        src = source.store
        assert isinstance(src, ChromaStore)
        own.copy_from(src)
        staged.records.add(list(source.records.keys().items()))
        return staged

    def _sync_in_place(self, docs: Iterable[Document], show_progress: bool, *, scope: set[str] | None = None,
                       files: str | None = None, folders: dict[str, str] | None = None) -> SyncResult:
        """Sync ``docs`` into the server's collection in place (the records make a re-run exact)."""
        if scope is None and self._out_of_step():
            self._clear()
        if self.count() == 0 and self.records.count() == 0:
            result = self._add_all(docs, show_progress)
        else:
            plan = self._plan(docs, scope)
            added = self._write(plan.add, show_progress)
            if plan.stale:
                self.store.delete(plan.stale)
                self.records.delete_keys(plan.stale)
            result = SyncResult(added, 0, plan.skipped, len(plan.stale))
        self._write_meta(None, files, folders)
        return result

    def _clear(self) -> None:
        if not delete_collection(self.client, self.collection_name):
            log.debug("no collection %s to delete", self.collection_name)
        self.records.clear()
        self._store = None

    def _derive(self, corpus: Corpus | None = None) -> None:
        """Build what questions need from this generation (lexical index, vocabulary; the parsed
        ``corpus`` when it is the whole one) and save it in the generation, so a process starting
        on it loads instead of recomputing."""
        from assistant.serving import build_and_save

        build_and_save(self, corpus)

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
                self.records.clear()
                if self.meta_path.exists():
                    self.meta_path.unlink()
                self._store = None
                return self._sync_in_place(docs, show_progress, files=corpus.files_digest,
                                           folders=corpus.folder_digests)
            return self._build_new(docs, docs_digest(docs)[0], show_progress, corpus.files_digest,
                                   corpus.folder_digests)

    # ---------------------------------------------------------------- reading

    def count(self) -> int:
        return self.store.count()

    def recorded_count(self) -> int:
        """How many chunks the records know (a COUNT, not a list of every key)."""
        own = self.records.count()
        if not self.layered:
            return own
        return self._base_record_store().count() - len(self.records.removed()) + own

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


def _whole_corpus(docs: Iterable[Document]) -> Corpus | None:
    """The corpus ``docs`` were chunked from (kept with a new whole generation), if known."""
    return docs.corpus if isinstance(docs, ChunkDocuments) else None
