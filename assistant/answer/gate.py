"""The grounding gate: deterministic checks that every generated sentence must pass.

Whatever a chat model writes (:mod:`assistant.answer.generative`) passes :func:`check_sentence`,
plain code that no model can talk its way past; :func:`grounding_gate` applies it to a whole text.
The same function runs in the pipeline and in the tests:

* every sentence must carry at least one ``[n]`` that names a passage the model was given;
* every number in a sentence must stand in the passage(s) it cites (units normalised);
* most of a sentence's topic words must stand in the passage(s) it cites;
* a sentence that tells the reader to start, stop or change a medicine or dose is dropped
  (individual medical advice), and so is any sentence citing a passage that carries
  instructions aimed at the assistant (a prompt injection in the corpus).

Sentences that fail are dropped and recorded; when too little survives, the caller falls back to
the extractive answer. Abstention and cautions are decided outside, before and after the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from assistant.answer.cautions import is_injection
from assistant.doses import unsupported_numbers
from assistant.normalize import content_tokens

#: share of a sentence's topic words that must stand in the passages it cites
MIN_OVERLAP = 0.5

MARKER_RE = re.compile(r"\[(\d+)\]")
#: a sentence ends at . ! ? (markers may stand before or after it) followed by white space
_END = re.compile(r"(?:(?:\s*\[\d+\])+[.!?]|[.!?](?:\s*\[\d+\])*)(?=\s)|\n")
_ADVICE = re.compile(
    r"\b(?:stop|quit|discontinue|skip|halt|start|begin|increase|decrease|double|reduce|raise|lower|"
    r"switch|come off|cut)\b[^.]{0,60}\b(?:warfarin|coumadin|medicine|medication|meds|drug|dose|"
    r"anticoagulant|blood thinner|pills?|treatment|therapy)\b",
    re.IGNORECASE,
)
def split_generated(text: str) -> list[str]:
    """Sentences of generated text, each with its markers."""
    return list(sentences_from_stream([text]))


def sentences_from_stream(chunks: Iterable[str]) -> Iterator[str]:
    """Re-chunk a token stream into whole sentences (with their trailing markers)."""
    buf = ""
    for piece in chunks:
        buf += piece
        while m := _END.search(buf):
            sentence = buf[: m.end()].strip()
            buf = buf[m.end():]
            if sentence:
                yield sentence
    if buf.strip():
        yield buf.strip()


@dataclass
class GateResult:
    kept: list[tuple[str, list[int]]] = field(default_factory=list)  # (sentence, passage numbers)
    dropped: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def check_sentence(sentence: str, passages: Sequence[str], *,
                   no_numbers: bool = False) -> tuple[list[int], str | None]:
    """(cited passage numbers, None) when the sentence is grounded, else ([], reason).

    ``no_numbers``: the question asked for a personal dose, so a sentence with a number is dropped.
    """
    refs = [int(n) for n in MARKER_RE.findall(sentence)]
    prose = MARKER_RE.sub(" ", sentence).strip()
    if not refs:
        return [], "no citation"
    if any(r < 1 or r > len(passages) for r in refs):
        return [], "cites a passage that was not retrieved"
    cited = " ".join(passages[r - 1] for r in refs)
    if any(is_injection(passages[r - 1]) for r in refs):
        return [], "cites a passage that carries instructions"
    if _ADVICE.search(prose):
        return [], "individual medical advice"
    if no_numbers and re.search(r"\d", prose):
        return [], "a number in answer to a personal-dose request"
    missing = unsupported_numbers(prose, cited)
    if missing:
        return [], f"numbers not in the cited passage: {', '.join(missing)}"
    words = set(content_tokens(prose))
    if words:
        have = set(content_tokens(cited))
        if len(words & have) / len(words) < MIN_OVERLAP:
            return [], "not supported by the cited passage"
    return refs, None


def grounding_gate(text: str, passages: Sequence[str], *, no_numbers: bool = False) -> GateResult:
    """Keep the sentences of ``text`` that pass every check; record the rest."""
    out = GateResult()
    for s in split_generated(text):
        refs, reason = check_sentence(s, passages, no_numbers=no_numbers)
        if reason is None:
            out.kept.append((s, refs))
        else:
            out.dropped.append(s)
            out.reasons.append(reason)
    return out
