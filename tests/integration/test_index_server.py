"""The same index tests against a real Chroma server (`chroma run`, started here on 127.0.0.1)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from assistant.config import ChunkingSettings, Settings
from assistant.index.knowledge import IndexMismatchError, KnowledgeIndex
from assistant.index.store import collection_names, delete_collection
from evals.bench import procs
from tests.conftest import CORPUS
from tests.integration.test_index import (
    TOTAL,
    CachedEmbeddings,
    check_edit_last_finding,
    check_edit_one_product,
    check_first_sync_then_noop,
    check_remove_and_add_a_file,
    check_search,
    check_stats,
    check_stored_metadata,
)

pytestmark = pytest.mark.server

HEARTBEAT_TIMEOUT = 60.0


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` from this venv on a free loopback port; yields the port."""
    root = tmp_path_factory.mktemp("chroma-server")
    try:
        with procs.chroma_server(root / "data", timeout=HEARTBEAT_TIMEOUT) as (port, _):
            yield port
    except procs.ServiceError as exc:
        pytest.fail(str(exc))


@pytest.fixture()
def server_settings(chroma_server: int, tmp_path: Path) -> Settings:
    """A private corpus, a private record manager and a collection of its own on the shared server."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                    chroma_host="127.0.0.1", chroma_port=chroma_server,
                    collection=f"t{uuid.uuid4().hex[:10]}")


@pytest.fixture()
def cached(embeddings: Embeddings) -> CachedEmbeddings:
    return CachedEmbeddings(embeddings)


def test_server_mode_uses_the_http_client(server_settings: Settings, cached: CachedEmbeddings) -> None:
    idx = KnowledgeIndex(server_settings, cached)
    assert server_settings.server_mode
    assert type(idx.client).__name__ != "PersistentClient"
    assert idx.client.heartbeat() > 0
    assert not (server_settings.index_dir / "chroma").exists()  # the vectors live on the server
    assert idx.client.get_max_batch_size() > 0


def test_server_first_sync_then_noop(server_settings: Settings, embeddings: Embeddings) -> None:
    idx = check_first_sync_then_noop(server_settings, embeddings)
    check_stats(idx)
    check_search(idx)
    check_stored_metadata(idx, server_settings.corpus_dir)


def test_server_edit_one_product(server_settings: Settings, cached: CachedEmbeddings) -> None:
    check_edit_one_product(server_settings, cached)


def test_server_edit_last_finding(server_settings: Settings, cached: CachedEmbeddings) -> None:
    check_edit_last_finding(server_settings, cached)


def test_server_remove_and_restore_a_file(server_settings: Settings, cached: CachedEmbeddings) -> None:
    check_remove_and_add_a_file(server_settings, cached)


def test_server_fingerprint_mismatch_and_rebuild(server_settings: Settings, cached: CachedEmbeddings) -> None:
    first = KnowledgeIndex(server_settings, cached)
    first.sync()
    other = server_settings.model_copy(update={"chunking": ChunkingSettings(overview_window=3)})
    idx = KnowledgeIndex(other, cached)
    with pytest.raises(IndexMismatchError, match="assistant index --rebuild"):
        idx.sync()
    assert idx.rebuild().num_added == TOTAL - 1
    assert idx.sync().num_added == 0
    names = collection_names(idx.client)
    assert first.collection_name not in names and idx.collection_name in names


def test_server_wiped_collection_is_refilled(server_settings: Settings, cached: CachedEmbeddings) -> None:
    idx = KnowledgeIndex(server_settings, cached)
    idx.sync()
    delete_collection(idx.client, idx.collection_name)  # e.g. the server's data was reset
    again = KnowledgeIndex(server_settings, cached)
    assert again.sync().num_added == TOTAL
    check_stats(again)


def test_server_noop_compares_file_digests_without_parsing(
        server_settings: Settings, cached: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.index.knowledge as index_module

    KnowledgeIndex(server_settings, cached).sync()

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged corpus was parsed")

    monkeypatch.setattr(index_module, "load_corpus", no_parse)
    monkeypatch.setattr(index_module, "load_part", no_parse)
    assert KnowledgeIndex(server_settings, cached).sync().num_skipped == TOTAL
