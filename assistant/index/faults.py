"""Crash-test hooks: a sync can be made to pause at a named stage so a test kills it exactly there.

A no-op unless ``ASSISTANT_FAULT_PAUSE`` names a stage (the crash tests set it in a child process).
"""

from __future__ import annotations

import os
import sys
import time

from langchain_core.embeddings import Embeddings

#: environment variable naming a stage at which sync pauses (used by the crash tests only)
FAULT_ENV = "ASSISTANT_FAULT_PAUSE"


def fault_point(stage: str) -> None:
    """Crash-test hook: when ``ASSISTANT_FAULT_PAUSE`` names this stage, announce it on stderr
    and sleep, so a test can kill the process exactly here. A no-op otherwise."""
    if os.environ.get(FAULT_ENV) == stage:
        print(f"FAULT-POINT {stage}", file=sys.stderr, flush=True)
        time.sleep(3600)


class PausingEmbeddings(Embeddings):
    """Crash tests only: embeds one batch for real, then pauses at the fault point."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls > 1:
            fault_point("embedding")
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def maybe_pausing(embeddings: Embeddings) -> Embeddings:
    """``embeddings``, or a pausing wrapper when the crash tests ask to stop inside the embedding."""
    return PausingEmbeddings(embeddings) if os.environ.get(FAULT_ENV) == "embedding" else embeddings
