"""Retrieval chat assistant for supplement monographs: cited answers, cautions, abstention."""

from assistant.config import Settings, disable_telemetry, get_settings

disable_telemetry()

from assistant.assistant import Assistant  # noqa: E402
from assistant.types import Answer, Caution, Citation, ProductRow, StreamEvent  # noqa: E402

__all__ = [
    "Answer",
    "Assistant",
    "Caution",
    "Citation",
    "ProductRow",
    "Settings",
    "StreamEvent",
    "get_settings",
]
