"""A real OpenAI-compatible server behind the grounding gate (marker ``llm``).

Runs only when ``ASSISTANT_LLM_BASE_URL`` (and optionally ``ASSISTANT_LLM_MODEL``) points at a
server, e.g. llama-cpp-python serving a small GGUF model on 127.0.0.1; CI does not start one.
"""

from __future__ import annotations

import os

import pytest

from assistant import Assistant, Settings
from assistant.doses import unsupported_numbers

pytestmark = pytest.mark.llm

BASE_URL = os.environ.get("ASSISTANT_LLM_BASE_URL")


@pytest.mark.skipif(not BASE_URL, reason="set ASSISTANT_LLM_BASE_URL to an OpenAI-compatible server "
                    "(e.g. llama-cpp-python on 127.0.0.1) to run the real-model test")
def test_real_model_answers_stay_grounded(assistant: Assistant) -> None:
    pytest.importorskip("langchain_openai", reason="pip install langchain-openai for the llm test")
    s = Settings(**{**assistant.settings.model_dump(), "llm_base_url": BASE_URL,
                    "llm_model": os.environ.get("ASSISTANT_LLM_MODEL", "default")})
    a = Assistant(s, index=assistant.index, sync=False)
    assert a.llm is not None
    for q in ("What dose of MK-4 was used in women with osteoporosis?", "I'm on warfarin, can I take K2?"):
        ans = a.ask(q)
        assert ans.mode in {"generative", "fallback"}
        for c in ans.citations:
            assert c.snippet
        if "warfarin" in q:
            assert ans.cautions
        for sentence in ans.text.split("] "):
            cited = " ".join(c.snippet for c in ans.citations)
            assert unsupported_numbers(sentence.split("[")[0], cited) == []
