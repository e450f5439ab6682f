"""Retrieval chat assistant for supplement monographs: cited answers, cautions, abstention.

``import assistant`` is cheap: the public names below load on first use (``assistant.Assistant``
pulls in the model and Chroma, ``assistant.Answer`` only pydantic). Importing the package switches
the telemetry of the libraries it uses off, once, before any of them can be imported through it
(:func:`assistant.config.disable_telemetry`, the one place that does).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assistant.config import disable_telemetry

disable_telemetry()

if TYPE_CHECKING:
    from assistant.config import Settings, get_settings
    from assistant.pipeline import Assistant
    from assistant.types import Answer, Caution, Citation, ProductRow, StreamEvent

#: public name -> the module that defines it
_EXPORTS = {
    "Assistant": "assistant.pipeline",
    "Settings": "assistant.config",
    "get_settings": "assistant.config",
    "Answer": "assistant.types",
    "Caution": "assistant.types",
    "Citation": "assistant.types",
    "ProductRow": "assistant.types",
    "StreamEvent": "assistant.types",
}

__all__ = [
    "Answer", "Assistant", "Caution", "Citation", "ProductRow", "Settings", "StreamEvent", "get_settings",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
