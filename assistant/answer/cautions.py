"""Safety: which notes are cautions of which interaction class, when they apply, personal requests.

Pure functions over text and Documents. A caution is a monograph note (a chunk of kind ``note``)
that names a member of an interaction class of the vocabulary; its ``kind`` is that class. The
cautions of a class are attached whenever the question or the conversation names the class (any
generic, brand, misspelling or phrase), or the answer draws on a passage that names it; those of
the monograph the question is about, never a neighbour's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence

from langchain_core.documents import Document
from rapidfuzz import fuzz

from assistant import messages as msg
from assistant.answer.citations import CitationBook
from assistant.domain.vocabulary import vocabulary
from assistant.normalize import (
    content_tokens,
    content_tokens_with_parts,
    cue,
    fold,
    mentioned_classes,
    negated_spans,
    without_negated_mentions,
)
from assistant.types import Caution

_PERSONAL = re.compile(
    r"\b(?:i|i'm|im|i am|me|my|mine|myself|for me|my dad|my mom|my mother|my father|my wife|my husband)\b"
)
_ADVICE = re.compile(
    r"\b(?:how much|how many|how long (?:should|must|do|does|can|will|would)|what dose|which dose|"
    r"what amount|"
    r"safe (?:amount|dose|number|level|limit)|"
    r"safe to|ok to|okay to|fine to|can i|could i|should i|may i|is it safe|stop|quit|skip|"
    r"come off|start|switch|increase|decrease|lower|raise|adjust|change|"
    # "what would my dose be", "is 1000 IU recommended for me", "the therapeutic amount for me"
    r"(?:my|me a) (?!age\b)(?:[\w-]+ ){0,2}?(?:doses?|dosages?|amounts?|intakes?|limits?|max(?:imum)?|rda|"
    r"allowance|ceiling)|(?:doses?|dosages?|amounts?|intakes?|limits?|max(?:imum)?|rda|allowance) "
    r"(?:[\w-]+ ){0,3}?for me|recommended (?:[\w-]+ ){0,3}?for me|for me to take|am i allowed|"
    r"(?:is|are|would|will) (?:[\w-]+ ){0,8}?(?:ok|okay|fine|safe|too much) for (?:me|my)|"
    r"in my case|(?:and|or) mine|"
    r"(?:would|do|will) you recommend|"
    # "is one a day ok?", "would two a day be too much?"
    r"(?:is|are|would|will) (?:one|two|three|\d+|that|this) (?:\w+ )?(?:a|per|each) day)\b"
)
#: a condition's word this long matches a note's word spelt a little differently ...
LONG_WORD = 8
#: ... when their similarity (rapidfuzz ratio, 0-100) is at least this
SAME_WORD_RATIO = 90
#: letters from which a word that begins a note's word is that word, clipped ("sarcoid")
CLIPPED_WORD = 6
#: a note's word at least this long, held whole in a condition's word, names it ("hyper<x>emia")
COMPOUND_PART = 10
#: the class every personal-dose question brings (a monograph's note on toxicity or limits)
DOSE_RISK_CLASS = "toxicity"


def note_classes(doc: Document) -> list[str]:
    """The interaction classes a monograph note names (none for any other kind of passage)."""
    if doc.metadata.get("kind") != "note":
        return []
    return mentioned_classes([str(doc.metadata.get("text") or doc.page_content)], questions=False)


def of_no_medicine(doc: Document) -> bool:
    """Is a note a caution of classes no medicine names (``note_only``: a harm at some doses, an
    allergy), not of a medicine the asker may not take?"""
    return bool(classes := note_classes(doc)) and all(vocabulary().interaction_class(c).note_only
                                                       for c in classes)


def is_caution_passage(doc: Document) -> bool:
    """A monograph note (not a study finding) that names an interaction class."""
    return bool(note_classes(doc))


def caution_passages(docs: Sequence[Document], supplement: str | Collection[str] | None = None,
                     classes: Collection[str] | None = None) -> list[Document]:
    """The cautions of the corpus (of one supplement, or of several; of some classes), in corpus order."""
    scope = {supplement} if isinstance(supplement, str) else supplement
    out = [d for d in docs if (scope is None or d.metadata.get("supplement") in scope)
           and (cs := note_classes(d)) and (classes is None or set(cs) & set(classes))]
    return sorted(out, key=lambda d: (str(d.metadata.get("source")), int(d.metadata.get("start", 0))))


def cautions_for(book: CitationBook, passages: Sequence[Document], supplement: str | Collection[str] | None,
                 classes: Sequence[str]) -> list[Caution]:
    """The cautions of ``classes`` of ``supplement`` in the monograph's own words, each cited in
    ``book``; a note of several classes is one caution whose kind is the first class asked for."""
    out: list[Caution] = []
    for doc in caution_passages(passages, supplement, classes):
        text = str(doc.metadata.get("text", ""))
        marker = book.cite(doc, (0, len(text)))
        kinds = note_classes(doc)
        kind = next(c for c in classes if c in kinds)
        out.append(Caution(kind=kind, kinds=kinds, text=text, citation=book.citations[marker - 1]))
    return out


def caution_line(caution: Caution) -> str:
    """A caution as a sentence of the answer, with its marker."""
    marker = caution.citation.marker if caution.citation else ""
    return f"{caution.text.rstrip('.')}. [{marker}]"


def is_personal_request(question: str) -> bool:
    """'How much can I take?', 'is it safe for me', 'should I stop my blood thinner'."""
    q = fold(question)
    return bool(_PERSONAL.search(q) and _ADVICE.search(q))


def stated_conditions(question: str) -> list[str]:
    """The conditions a question says someone has ("I have chronic kidney disease", "my mother was
    diagnosed with sarcoidosis"), as written: the lexicon's ``stated_conditions`` patterns, each
    with a ``condition`` group. A condition inside a negated phrase ("I don't have ...") is none."""
    folded = fold(question)
    negated = negated_spans(folded)
    return [m.group("condition").strip() for p in _condition_patterns() for m in p.finditer(folded)
            if not any(s <= m.start("condition") < e for s, e in negated)]


def interaction_ask(question: str) -> str | None:
    """The words that ask about interactions without naming a medicine ("does it interact with
    any medicines?": the lexicon's ``interaction_questions``, or its ``safety_questions``: "is <it>
    safe?"); None when none do. Negated statements are left out."""
    lexicon = vocabulary().lexicon
    m = _asked_by([*lexicon.interaction_questions, *lexicon.safety_questions], question)
    return m.group(0) if m else None


def safety_ask(question: str) -> bool:
    """Does the question ask about the supplement's safety as a whole, naming no medicine ("any
    warnings about it?", "is <it> ok for me?": the lexicon's ``safety_questions``)? Every caution
    answers it, of a medicine or of none."""
    return _asked_by(vocabulary().lexicon.safety_questions, question) is not None


def _asked_by(patterns: Sequence[str], question: str) -> re.Match[str] | None:
    """Where the first of ``patterns`` matches the folded question, its negated statements left out."""
    return cue(patterns).search(fold(without_negated_mentions(question))) if patterns else None


def denied_interaction_ask(question: str) -> bool:
    """Does the question ask about an interaction with "it" or "them" (the lexicon's
    ``denied_interaction_questions``: "never took <medicine>. does <x> interact with it?")?"""
    patterns = vocabulary().lexicon.denied_interaction_questions
    return bool(patterns) and cue(patterns).search(fold(question)) is not None


def interaction_kinds(docs: Sequence[Document], supplement: str | Collection[str] | None,
                      every: bool = False) -> list[str]:
    """The interaction classes the cautions of ``supplement`` are about: not the note-only ones
    (a harm at some doses, an allergy) unless ``every``."""
    found = [c for d in caution_passages(docs, supplement) for c in note_classes(d)
             if every or not vocabulary().interaction_class(c).note_only]
    return list(dict.fromkeys(found))


def _condition_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in vocabulary().lexicon.stated_conditions]


def names_condition(note: str, conditions: Sequence[str], ignore: Collection[str] = ()) -> bool:
    """Does a caution note name one of the conditions stated, by the condition's own word (the last
    before a word that ends its name; for a generic last word, "<organ> disease", the words that say
    which: before it, else after the ending word, "problems with my <organ>")? Words of ``ignore``
    (the supplements' names) name none. A note on "people with <condition>" is then about the person
    asking."""
    if not conditions:
        return False
    words = set(content_tokens_with_parts(note)) - set(ignore)
    return any(_names_one(c, words, ignore) for c in conditions)


def _names_one(condition: str, words: set[str], ignore: Collection[str]) -> bool:
    """Do a note's words name the condition (see :func:`names_condition`)?"""
    head, rest = _split_condition(fold(condition))
    generic = {t for w in vocabulary().lexicon.generic_conditions for t in content_tokens(w)}
    asked = [t for t in content_tokens(head) if t not in ignore]
    if asked and asked[-1] not in generic:
        return _holds(asked[-1], words)
    which = [t for t in asked if t not in generic] or [t for t in content_tokens(rest)
                                                        if t not in ignore and t not in generic]
    return any(_holds(t, words) for t in which)


@functools.cache
def _condition_end() -> re.Pattern[str] | None:
    ends = vocabulary().lexicon.condition_ends
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, ends))})\b") if ends else None


def _split_condition(folded: str) -> tuple[str, str]:
    """A stated condition's name and what follows it: split at the first word that ends a name (the
    lexicon's ``condition_ends``: "<condition> at the moment")."""
    m = p.search(folded) if (p := _condition_end()) is not None else None
    return (folded, "") if m is None else (folded[:m.start()], folded[m.end():])


def _holds(t: str, words: set[str]) -> bool:
    """Is ``t`` one of the words: the same, a long word spelt another way ("haemo-" and "hemo-"),
    clipped ("sarcoid" for "sarcoidosis"), or a compound holding a long one whole ("hyper<x>emia"
    holds "<x>": the condition of a high <x>)?"""
    return t in words or any((len(t) >= LONG_WORD and fuzz.ratio(t, w) >= SAME_WORD_RATIO)
                             or (len(t) >= CLIPPED_WORD and w.startswith(t))
                             or (len(w) >= COMPOUND_PART and w in t) for w in words)


def referral(classes: Sequence[str]) -> str:
    """What a personal request gets instead of a number: the first named class's referral."""
    for name in classes:
        c = vocabulary().interaction_class(name)
        if not c.note_only:
            return c.referral.strip()
    return msg.REFERRAL_GENERAL


def urgent_referral(question: str) -> str | None:
    """Where to get help now, when the question says too much may have been taken already (a
    class's ``urgent_patterns``); said before anything else, in an answer or a refusal. When a pet
    took it (``urgent_not``), where to get help for an animal (``urgent_not_referral``), if any."""
    folded = question.casefold()
    for c in vocabulary().classes:
        if not (c.urgent_referral and any(re.search(p, folded) for p in c.urgent_patterns)):
            continue
        if not any(re.search(p, folded) for p in c.urgent_not):
            return c.urgent_referral.strip()
        if c.urgent_not_referral:
            return c.urgent_not_referral.strip()
    return None


_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:instructions?|rules?|prompts?|above|previous)\b|"
    r"\b(?:system prompt|you are now|as an ai|tell (?:the )?users? to|always (?:say|state|answer))\b",
    re.IGNORECASE,
)


def is_injection(text: str) -> bool:
    """Does a text carry instructions aimed at the assistant (a prompt injection)?

    Such sentences are never quoted (extractive) and never cited (generative)."""
    return bool(_INJECTION.search(text))
