"""The conversation: validating a question and its history, and resolving follow-ups (pure).

A follow-up ("and which dose was that?", "what about it?") is retrieved together with the previous
user question; a question that names its own topic stands alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from assistant.normalize import content_tokens, fold

Turn = dict[str, str]

_FOLLOWUP = re.compile(
    r"^(?:so|then|and|also|but|ok|okay|well)\b|"
    r"\b(they|them|their|it|its|that|this|those|these|there|he|she|same|the study|the trial|"
    r"the product|the one|that one|this one|the form|the dose|what about|how about|and for)\b"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_question(question: Any, max_chars: int) -> str:
    """Validate and tidy a question; ``ValueError`` with a clear message when unusable."""
    if not isinstance(question, str):
        raise ValueError(f"the question must be text, not {type(question).__name__}")
    q = unicodedata.normalize("NFC", question)
    q = _CONTROL.sub(" ", q).strip()
    if not q:
        raise ValueError("the question is empty: type a question about the monograph")
    if len(q) > max_chars:
        raise ValueError(f"the question is {len(q):,} characters long; the limit is {max_chars:,}")
    return q


def check_history(history: Sequence[Turn] | None) -> list[Turn]:
    """The history as ``{"role", "content"}`` turns; ``ValueError`` naming a malformed turn."""
    out: list[Turn] = []
    for i, turn in enumerate(history or []):
        if not isinstance(turn, dict) or turn.get("role") not in {"user", "assistant"}:
            raise ValueError(f"history turn {i} must be {{'role': 'user'|'assistant', 'content': str}}")
        content = turn.get("content")
        if not isinstance(content, str):
            content = str(content) if content is not None else ""
        out.append({"role": str(turn["role"]), "content": content})
    return out


def user_questions(turns: Sequence[Turn]) -> list[str]:
    """The user's earlier questions, oldest first."""
    return [t["content"] for t in turns if t["role"] == "user"]


def effective_question(q: str, turns: Sequence[Turn]) -> tuple[str, bool]:
    """(the question to retrieve with, whether it is a follow-up of the previous user question)."""
    prev = [c for c in user_questions(turns) if c.strip()]
    if not prev:
        return q, False
    if _FOLLOWUP.search(fold(q)) or len(content_tokens(q)) <= 1:
        return f"{prev[-1]} {q}", True
    return q, False
