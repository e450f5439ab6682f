"""The conversation: validating a question and its history, and resolving follow-ups (pure).

A follow-up ("and which dose was that?", "what about it?") is retrieved together with the previous
user question; a question that names its own topic stands alone. :func:`plain_text` is the question
without its markup (HTML, scripts, Markdown, code fences) and control characters: what is
understood, while the answer shows the question as typed.
"""

from __future__ import annotations

import html
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

#: markup to drop with everything inside it: scripts, styles and comments (closed or not)
_HIDDEN = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)",
                     re.I | re.S)
#: an HTML tag (a letter, "/" or "!" right after "<": "dose < 100 mcg" and "<5 mg" are not tags)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
#: terminal escape sequences (ANSI colours and cursor moves)
_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")
#: Markdown: images and links keep their text; a fence keeps its code; emphasis keeps its words
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})[\w+-]*\s*$", re.M)
_MD_CODE = re.compile(r"`+")
_MD_EMPHASIS = re.compile(r"(?<!\w)(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1(?!\w)")  # not "2*5 or 3*4"
#: a web address pasted with the question ("URL: https://example.com/iron => ...", "www.x.org/..."): no words
_URL = re.compile(r"(?:\b(?:url|link|source)\s*:\s*)?(?:\bhttps?://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)
_MD_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>(?!\s*\d)\s?|[-*+]\s+(?=\S))", re.M)  # "> 100 mcg" stays


def clean_question(question: Any, max_chars: int) -> str:
    """Validate and tidy a question; ``ValueError`` with a clear message when unusable."""
    if not isinstance(question, str):
        raise ValueError(f"the question must be text, not {type(question).__name__}")
    q = unicodedata.normalize("NFC", question)
    q = _CONTROL.sub(" ", _ANSI.sub("", q)).strip()
    if not q or not plain_text(q):  # nothing but white space, or nothing but markup
        raise ValueError("the question is empty: type a question about the monograph")
    if len(q) > max_chars:
        raise ValueError(f"the question is {len(q):,} characters long; the limit is {max_chars:,}")
    return q


def plain_text(text: str) -> str:
    """The words of a question without its markup and control characters (pure).

    HTML entities are decoded (twice-escaped ones too), then scripts, styles and comments are
    dropped with their content, tags are dropped (a block tag leaves a space), Markdown links and
    images keep their text, code fences and backticks go, emphasis keeps its words, and control and
    zero-width characters and terminal escapes are removed. White space is collapsed.

    Example:
        >>> plain_text("<script>alert(1)</script>**Is there** an [upper limit](http://x) for `B6`?")
        'Is there an upper limit for B6?'
    """
    t = _mail_body(text)
    for _ in range(len(text) + 1):  # until nothing changes: markup inside markup goes too
        once = _plain_once(t)
        if once == t:
            break
        t = once
    return t


#: where a pasted e-mail's signature starts ("-- " on its own line, "Sent from my phone")
_SIGNATURE = re.compile(r"^(?:--\s*|_{3,}\s*|sent from my\b.*|get outlook for\b.*)$", re.IGNORECASE)
#: the line that introduces a quoted message ("On Mon, 3 May, Tom wrote:")
_QUOTE_HEADER = re.compile(r"^\s*(?:>\s*)*on\b.{0,120}\bwrote:\s*$", re.IGNORECASE)


def _mail_body(text: str) -> str:
    """A pasted e-mail's own words: its signature, and the quoted lines ("> ...") of a text with a
    signature or a "... wrote:" line, go when words of its own remain (a question quoted whole is kept)."""
    lines = text.splitlines()
    if len(lines) < 2:
        return text
    end = next((i for i, line in enumerate(lines) if i and _SIGNATURE.match(line.strip())), len(lines))
    body = [line for line in lines[:end] if not _QUOTE_HEADER.match(line)]
    if end == len(lines) and len(body) == len(lines):
        return text  # no e-mail: "> ..." is a Markdown quote of the question's own
    own = [line for line in body if not line.lstrip().startswith(">")]
    for keep in (own, body):
        if any(re.search(r"\w", line) for line in keep):
            return "\n".join(keep)
    return text


def _visible(c: str) -> str:
    """A control character is a space (a line break stays, for Markdown); a zero-width one goes."""
    cat = unicodedata.category(c)
    return c if c == "\n" or cat not in ("Cc", "Cf") else " " if cat == "Cc" else ""


def _plain_once(text: str) -> str:
    t = text
    while (decoded := html.unescape(t)) != t:  # "&amp;lt;p&amp;gt;" was escaped twice (each pass shortens)
        t = decoded
    t = _ANSI.sub("", t)
    t = "".join(_visible(c) for c in t)
    t = _HIDDEN.sub(" ", t)
    t = _TAG.sub(" ", t)
    t = _MD_LINK.sub(r"\1", t)
    t = _URL.sub(" ", t)
    t = _MD_FENCE.sub(" ", t)
    t = _MD_CODE.sub("", t)
    t = _MD_EMPHASIS.sub(r"\2", t)
    t = _MD_LINE.sub("", t)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", t)).strip()


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


def last_answer(turns: Sequence[Turn]) -> str:
    """What the assistant replied to the last user question ("" when it has not replied): what a
    follow-up may point back at ("the other form" is the one that answer did not name)."""
    for turn in reversed(turns):
        if turn["role"] == "user":
            return ""
        if turn["role"] == "assistant" and turn["content"].strip():
            return turn["content"]
    return ""
