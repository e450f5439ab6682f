"""The plain-SQLite record manager: LangChain-compatible keys, per-folder lookups, removals."""

from __future__ import annotations

from pathlib import Path

from langchain_core.documents import Document
from langchain_core.indexing.api import _get_document_with_hash

from assistant.index.records import RecordStore, doc_key, keyed


def test_keys_are_langchains_sha256_document_hash() -> None:
    """An index built by LangChain's indexing API keeps its keys: nothing is re-embedded."""
    d = Document(page_content="K2 — Research: 45 mg/day", metadata={"source": "k2/index.md", "ref": 3})
    assert doc_key(d) == _get_document_with_hash(d, key_encoder="sha256").id
    assert keyed(d).id == doc_key(d) and keyed(d).metadata == d.metadata


def test_records_by_folder_and_removed_keys(tmp_path: Path) -> None:
    r = RecordStore(tmp_path / "records.sqlite3", "ns")
    r.add([("a1", "a/index.md"), ("a2", "a/products/p.md"), ("b1", "b/index.md")])
    r.add([("a1", "a/index.md")])  # recorded once
    assert r.count() == 3
    assert r.keys(sources_under={"a"}) == {"a1": "a/index.md", "a2": "a/products/p.md"}
    r.delete_keys(["a2"])
    assert sorted(r.list_keys()) == ["a1", "b1"]
    r.remove(["x", "y"])
    r.unremove(["y"])
    assert r.removed() == {"x"}
    other = RecordStore(tmp_path / "records.sqlite3", "other")  # namespaces are separate
    assert other.count() == 0 and other.removed() == set()
    r.clear()
    assert r.count() == 0 and r.removed() == set()


def test_a_base_is_opened_read_only(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite3"
    RecordStore(path, "ns").add([("k", "a/index.md")])
    before = path.read_bytes()
    ro = RecordStore(path, "ns", readonly=True)
    assert ro.count() == 1 and ro.removed() == set()
    ro.close()
    assert path.read_bytes() == before
