"""The ONNX int8 backend: the real model exported here, quantised, and served by onnxruntime.

The export runs once per session into a temporary cache folder (never the repo's ``.models``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

import assistant.index.onnx_embeddings as onnx_module
from assistant import Assistant, Settings
from assistant.chunking import chunk_corpus
from assistant.corpus import load_corpus
from assistant.index.embeddings import load_embeddings, resolve_model_path
from assistant.index.onnx_embeddings import OnnxBackendError, OnnxEmbeddings
from tests.conftest import CORPUS


@pytest.fixture(scope="session")
def onnx_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("onnx")
    shutil.copytree(CORPUS, root / "corpus")
    return Settings(corpus_dir=root / "corpus", index_dir=root / "index", feedback_db=root / "fb.sqlite3",
                    embedding_backend="onnx-int8", model_cache_dir=root / "models")


@pytest.fixture(scope="session")
def onnx_embeddings(onnx_settings: Settings) -> Embeddings:
    return load_embeddings(onnx_settings)


def test_vectors_agree_with_torch_on_every_chunk(onnx_embeddings: Embeddings, embeddings: Embeddings) -> None:
    assert isinstance(onnx_embeddings, OnnxEmbeddings)
    texts = [c.embed_text for c in chunk_corpus(load_corpus(CORPUS))]
    got = np.asarray(onnx_embeddings.embed_documents(texts))
    ref = np.asarray(embeddings.embed_documents(texts))
    assert got.shape == ref.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    assert (got * ref).sum(axis=1).min() >= 0.98
    # the order of the input does not change a vector (batches are length-sorted inside)
    again = np.asarray(onnx_embeddings.embed_documents(texts[::-1]))[::-1]
    assert np.allclose(again, got, atol=1e-5)
    assert onnx_embeddings.embed_documents([]) == []


def test_the_export_is_reused_not_redone(onnx_settings: Settings, onnx_embeddings: Embeddings,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def no_export(*args: object) -> Path:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_module, "export_int8", no_export)
    again = load_embeddings(onnx_settings)
    assert again.embed_query("MK-7 dose") == onnx_embeddings.embed_query("MK-7 dose")
    exports = [p for p in onnx_settings.model_cache_dir.iterdir() if not p.name.startswith(".")]
    assert len(exports) == 1 and (exports[0] / onnx_module.MODEL_FILE).is_file()


def test_backend_is_part_of_the_fingerprint(onnx_settings: Settings) -> None:
    torch_settings = onnx_settings.model_copy(update={"embedding_backend": "torch"})
    assert onnx_settings.fingerprint() != torch_settings.fingerprint()
    assert torch_settings.fingerprint() == Settings(corpus_dir=onnx_settings.corpus_dir).fingerprint()


def test_a_model_without_mean_pooling_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "cls-model"
    shutil.copytree(resolve_model_path(Settings().embedding_model), model)
    cfg = model / "1_Pooling" / "config.json"
    data = json.loads(cfg.read_text(encoding="utf-8"))
    data.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    cfg.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(OnnxBackendError, match="mean pooling"):
        onnx_module.export_int8(model, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_assistant_answers_with_citations_on_the_onnx_backend(onnx_settings: Settings,
                                                                   onnx_embeddings: Embeddings) -> None:
    a = Assistant(onnx_settings, embeddings=onnx_embeddings)
    answer = a.ask("What dose of MK-4 was used in women with osteoporosis?")
    assert not answer.abstained and answer.citations
    assert "45 mg" in answer.text
    warfarin = a.ask("I'm on warfarin, can I take K2?")
    assert warfarin.cautions
    assert a.ask("Does vitamin K2 help with migraines?").abstained
