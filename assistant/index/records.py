"""Which chunks an index holds, by key and source file: a plain-``sqlite3`` record manager.

Each stored chunk has a key, a hash of its embed text and metadata (the same hash LangChain's
indexing API gives with ``key_encoder="sha256"``, so an index built by it reads the same), which is
also its id in Chroma, and the source file it came from. Sync compares the corpus's keys with these
and adds or deletes only the difference. The table is the one LangChain's ``SQLRecordManager`` made
(``upsertion_record``), so an index built before reads as it is; a second table,
``removed_record``, lists the keys of a layered generation's base that this generation has removed
(:mod:`assistant.index.layers`).

No ORM: every statement is a plain parametrised query (SQLAlchemy's bulk paths cost seconds per
edit at 20,000 chunks).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from langchain_core.documents import Document

_SCHEMA = """
CREATE TABLE IF NOT EXISTS upsertion_record (
    uuid VARCHAR NOT NULL, "key" VARCHAR, namespace VARCHAR NOT NULL, group_id VARCHAR,
    updated_at FLOAT, PRIMARY KEY (uuid), CONSTRAINT uix_key_namespace UNIQUE ("key", namespace));
CREATE INDEX IF NOT EXISTS ix_upsertion_record_namespace ON upsertion_record (namespace);
CREATE INDEX IF NOT EXISTS ix_upsertion_record_group_id ON upsertion_record (group_id);
CREATE TABLE IF NOT EXISTS removed_record (
    "key" VARCHAR NOT NULL, namespace VARCHAR NOT NULL, PRIMARY KEY ("key", namespace));
"""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_key(doc: Document) -> str:
    """The chunk's key: LangChain's sha256 document hash (content hash + metadata hash)."""
    meta = json.dumps(dict(doc.metadata or {}), sort_keys=True)
    return _sha256(_sha256(doc.page_content) + _sha256(meta))


def keyed(doc: Document) -> Document:
    """The document with its key as id (what Chroma stores it under)."""
    return Document(id=doc_key(doc), page_content=doc.page_content, metadata=doc.metadata)


class RecordStore:
    """The records of one index (one namespace of one SQLite file).

    Example:
        >>> import tempfile, pathlib
        >>> r = RecordStore(pathlib.Path(tempfile.mkdtemp()) / "r.sqlite3", "ns")
        >>> r.add([("key-a", "a/index.md"), ("key-b", "a/products/p.md")]); r.count()
        2
        >>> sorted(r.keys(sources_under={"a"}))
        ['key-a', 'key-b']
    """

    def __init__(self, path: Path, namespace: str, *, readonly: bool = False) -> None:
        self.path = path
        self.namespace = namespace
        if readonly:  # a layered generation's base: never written again, not even its journal mode
            self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False,
                                       isolation_level=None)
            return
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def count(self) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM upsertion_record WHERE namespace = ?",
                               (self.namespace,)).fetchone()
        return int(row[0])

    def keys(self, sources_under: Iterable[str] | None = None) -> dict[str, str]:
        """key -> source file, of every record (or only those whose source lies in one of the
        top-level folders ``sources_under``)."""
        rows = self._db.execute("SELECT key, group_id FROM upsertion_record WHERE namespace = ?",
                                (self.namespace,))
        out = {str(k): str(g or "") for k, g in rows}
        if sources_under is None:
            return out
        folders = set(sources_under)
        return {k: g for k, g in out.items() if g.split("/", 1)[0] in folders}

    def list_keys(self) -> list[str]:
        return list(self.keys())

    def add(self, rows: Sequence[tuple[str, str]]) -> None:
        """Record (key, source) pairs (a key already recorded is left as it is)."""
        now = time.time()
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO upsertion_record (uuid, key, namespace, group_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(str(uuid.uuid4()), k, self.namespace, g, now) for k, g in rows])

    def delete_keys(self, keys: Sequence[str]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM upsertion_record WHERE key = ? AND namespace = ?",
                                 [(k, self.namespace) for k in keys])

    def clear(self) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM upsertion_record WHERE namespace = ?", (self.namespace,))
            self._db.execute("DELETE FROM removed_record WHERE namespace = ?", (self.namespace,))

    # ------------------------------------------------------------- a layered generation's removals

    def removed(self) -> set[str]:
        if not self._has_removed_table():
            return set()
        rows = self._db.execute("SELECT key FROM removed_record WHERE namespace = ?", (self.namespace,))
        return {str(k) for (k,) in rows}

    def _has_removed_table(self) -> bool:
        return self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'removed_record'").fetchone() is not None

    def unremove(self, keys: Sequence[str]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM removed_record WHERE key = ? AND namespace = ?",
                                 [(k, self.namespace) for k in keys])

    def remove(self, keys: Sequence[str]) -> None:
        """Note base keys this generation no longer holds."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR IGNORE INTO removed_record (key, namespace) VALUES (?, ?)",
                                 [(k, self.namespace) for k in keys])
