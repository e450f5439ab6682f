"""The same index tests against a real Chroma server (`chroma run`, started here on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from assistant.config import ChunkingSettings, Settings
from assistant.index import IndexMismatchError, KnowledgeIndex
from tests.conftest import CORPUS
from tests.test_index import (
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _heartbeat(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as r:
            return r.status == 200 and "nanosecond heartbeat" in json.loads(r.read())
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` from this venv on a free loopback port; yields the port."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.fail(f"the chroma CLI is not installed in this venv ({chroma})")
    root = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(root / "data")],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
    )
    try:
        deadline = time.monotonic() + HEARTBEAT_TIMEOUT
        while not _heartbeat(port):
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode}:\n"
                            + (root / "server.log").read_text(errors="replace")[-2000:])
            if time.monotonic() > deadline:
                pytest.fail(f"no Chroma heartbeat on 127.0.0.1:{port} within {HEARTBEAT_TIMEOUT:.0f} s")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


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
    names = {c.name for c in idx.client.list_collections()}
    assert first.collection_name not in names and idx.collection_name in names


def test_server_wiped_collection_is_refilled(server_settings: Settings, cached: CachedEmbeddings) -> None:
    idx = KnowledgeIndex(server_settings, cached)
    idx.sync()
    idx.client.delete_collection(idx.collection_name)  # e.g. the server's data was reset
    again = KnowledgeIndex(server_settings, cached)
    assert again.sync().num_added == TOTAL
    check_stats(again)
