"""Safety: when anticoagulant cautions apply, which passages they are, and personal-advice requests.

Pure functions over text and Documents. The cautions are the monograph's own notes (chunks of kind
``note``) that mention an anticoagulant; they are attached whenever the question or the
conversation names one (any name, class, brand, misspelling or INR) or the answer draws on an
anticoagulant passage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from langchain_core.documents import Document

from assistant.answer.citations import CitationBook
from assistant.normalize import find_anticoagulants, fold
from assistant.types import Caution

_PERSONAL = re.compile(
    r"\b(?:i|i'm|im|i am|me|my|mine|myself|for me|my dad|my mom|my mother|my father|my wife|my husband)\b"
)
_ADVICE = re.compile(
    r"\b(?:how much|how many|what dose|which dose|what amount|safe (?:amount|dose|number|level|limit)|"
    r"safe to|ok to|okay to|fine to|can i|could i|should i|may i|is it safe|stop|quit|skip|"
    r"come off|start|switch|increase|decrease|lower|raise|adjust|change)\b"
)


def mentions_anticoagulant(texts: Iterable[str]) -> list[str]:
    found: list[str] = []
    for t in texts:
        for name in find_anticoagulants(t):
            if name not in found:
                found.append(name)
    return found


def is_caution_passage(doc: Document) -> bool:
    """A monograph note (not a study finding) that speaks of anticoagulants."""
    meta = doc.metadata
    text = str(meta.get("text") or doc.page_content)
    return meta.get("kind") == "note" and bool(find_anticoagulants(text))


def caution_passages(docs: Sequence[Document], supplement: str | None = None) -> list[Document]:
    """The anticoagulant cautions of the corpus (optionally of one supplement), in corpus order."""
    out = [d for d in docs if is_caution_passage(d)
           and (supplement is None or d.metadata.get("supplement") == supplement)]
    return sorted(out, key=lambda d: (str(d.metadata.get("source")), int(d.metadata.get("start", 0))))


def cautions_for(book: CitationBook, passages: Sequence[Document], supplement: str | None) -> list[Caution]:
    """The caution passages of ``supplement`` as cautions in the monograph's own words, each cited
    in ``book``."""
    out: list[Caution] = []
    for doc in caution_passages(passages, supplement):
        text = str(doc.metadata.get("text", ""))
        marker = book.cite(doc, (0, len(text)))
        out.append(Caution(kind="anticoagulant", text=text, citation=book.citations[marker - 1]))
    return out


def caution_line(caution: Caution) -> str:
    """A caution as a sentence of the answer, with its marker."""
    marker = caution.citation.marker if caution.citation else ""
    return f"{caution.text.rstrip('.')}. [{marker}]"


def is_personal_request(question: str) -> bool:
    """'How much can I take?', 'is it safe for me', 'should I stop my warfarin'."""
    q = fold(question)
    return bool(_PERSONAL.search(q) and _ADVICE.search(q))


_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:instructions?|rules?|prompts?|above|previous)\b|"
    r"\b(?:system prompt|you are now|as an ai|tell (?:the )?users? to|always (?:say|state|answer))\b",
    re.IGNORECASE,
)


def is_injection(text: str) -> bool:
    """Does a text carry instructions aimed at the assistant (a prompt injection)?

    Such sentences are never quoted (extractive) and never cited (generative)."""
    return bool(_INJECTION.search(text))
