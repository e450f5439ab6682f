"""Follow-ups as conversation state: which earlier question a turn continues, and what it changes.

A turn that names its own topic stands alone. A follow-up ("what about the other form?", "and the upper
limit?", "how long was that one?") continues the conversation's current question: the slots it
names (a product, a nutrient or supplement, a form, a Dosage Guide field) replace the same kind of
slot there, and it keeps the rest ("how long was that one?" keeps the study). A follow-up that asks
about something of its own ("what dose did they use in the osteoporosis study?" after a product
question) takes the earlier question's subject, not its intent. Pure functions over text.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assistant.domain.page_format import FIELD_TERMS
from assistant.domain.vocabulary import vocabulary
from assistant.normalize import content_tokens, fold, stem

#: a turn that opens like this, or leans on a pronoun, continues the conversation
_FOLLOWUP = re.compile(
    r"^(?:so|then|and|also|but|ok|okay|well)\b|"
    r"\b(they|them|their|it|its|that|this|those|these|there|he|she|same|the study|the trial|"
    r"the product|the one|that one|this one|the form|the dose|what about|how about|and for)\b"
)
#: the kinds of slot a turn can name, in the order they are masked (a product's name first: it
#: may hold a nutrient's or a form's name)
SLOT_KINDS = ("product", "form", "field", "nutrient", "people")
#: "same question for X", "what about X": the turn asks the earlier question of X
_SAME = re.compile(r"^\W*(?:(?:and|ok|okay|so|then)\W+)?(?:(?:the\s+)?same(?:\s+(?:question|thing|answer))?|"
                   r"what\s+about|how\s+about)\s+(?:(?:for|with|about|of|on|in)\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Resolution:
    """How a turn is understood against the conversation before it."""

    #: the question retrieval and scope use
    question: str
    followup: bool
    #: the turn asks nothing of its own: it also takes the earlier question's intent (a product
    #: comparison stays one: "and which has the least?")
    inherits_intent: bool


@dataclass(frozen=True)
class Slot:
    kind: str
    value: str  # what it names, canonical
    start: int
    end: int


#: a product referred to by what sets it apart ("the liquid one", "the one with zinc", "the ones
#: that contain X"): a product slot whose value is the description itself
_DESCRIBED = re.compile(
    r"(?<![\w-])the\s+(?:[\w-]+\s+){0,2}?ones?(?![\w-])"
    # "the one with the most X" ranks the products: no description of one of them
    r"(?!\s+(?:with|that\s+has|which\s+has|containing)\s+(?:the\s+)?"
    r"(?:most|least|highest|lowest|more|less|fewest|largest|smallest|biggest)\b)"
    r"(?:\s+(?:with|without|that\s+(?:has|have|contains?)|which\s+(?:has|have|contains?)|containing|"
    r"made\s+(?:with|from)|in)\s+[^?.!,;]*?(?:[\w-]+)(?=\s*(?:[?.!,;]|$|\s(?:and|or|but)\b)))?",
    re.IGNORECASE)


def _phrase(term: str) -> str:
    words = re.split(r"[\s-]+", term.strip())
    return r"(?<![\w-])" + r"[\s-]*".join(re.escape(w) for w in words) + r"(?![\w-])"


@functools.lru_cache(maxsize=32)
def _slot_patterns(names: tuple[tuple[str, str, str], ...]) -> list[tuple[str, str, re.Pattern[str]]]:
    """(kind, value, pattern) for every slot term: the caller's names (products, supplements), the
    vocabulary's forms and nutrients, the page format's fields."""
    terms: list[tuple[str, str, str]] = list(names)
    for n in vocabulary().nutrients:
        terms += [("nutrient", n.name, t) for t in n.names()]
        terms += [("form", f.name, t) for f in n.forms for t in (f.name, *f.terms)]
    terms += [("field", name, t) for name, ts in FIELD_TERMS.items() for t in (name, *ts)]
    terms.sort(key=lambda x: (SLOT_KINDS.index(x[0]), -len(x[2])))
    out = [(k, v, re.compile(_phrase(t), re.IGNORECASE)) for k, v, t in terms]
    from assistant.answer.dosage import dosage_cues  # the groups of people a question can name

    people = [(name, w) for name, g in dosage_cues().population.groups.items() for w in g.words]
    people.sort(key=lambda x: -len(x[1]))
    return out + [("people", name, re.compile(rf"(?<![\w-])(?:{w})(?![\w-])", re.IGNORECASE))
                  for name, w in people]


def find_slots(text: str, names: Sequence[tuple[str, str, str]] = ()) -> list[Slot]:
    """The slots ``text`` names, longest first within a kind, none inside another's span."""
    found: list[Slot] = []
    patterns = _slot_patterns(tuple(names))
    named_products = [p for p in patterns if p[0] == "product"]
    for kind, value, pat in [*named_products, ("product", "", _DESCRIBED),
                             *(p for p in patterns if p[0] != "product")]:
        for m in pat.finditer(text):
            if not any(s.start < m.end() and m.start() < s.end for s in found):
                found.append(Slot(kind, value or fold(m.group(0)), m.start(), m.end()))
    return sorted(found, key=lambda s: s.start)


def own_topic(text: str, slots: Iterable[Slot]) -> list[str]:
    """The topic words of a turn beyond the slots it names and the words of a follow-up."""
    masked = text
    for s in sorted(slots, key=lambda s: s.start, reverse=True):
        masked = masked[:s.start] + " " + masked[s.end:]
    general = vocabulary().general_words
    return [t for t in content_tokens(masked) if t not in general and stem(t) not in general]


def is_followup(question: str, has_history: bool) -> bool:
    """Does a turn lean on the conversation (a pronoun, "what about", or almost no words)?"""
    return has_history and bool(_FOLLOWUP.search(fold(question)) or len(content_tokens(question)) <= 1)


def resolve(question: str, previous: str | None, names: Sequence[tuple[str, str, str]] = ()) -> Resolution:
    """The turn ``question`` against the conversation's current question ``previous``."""
    if not previous or not is_followup(question, True):
        return Resolution(question, False, False)
    slots = find_slots(question, names)
    rest = question[same.end():] if (same := _SAME.match(question)) else ""
    if rest and own_topic(rest, find_slots(rest, names)):
        # "same question for the liquid one": the earlier question, asked of what this turn names
        rest = re.sub(r"^(?:the|a|an|that|this)\s+", "", rest.strip(), flags=re.IGNORECASE)
        old = [s for s in find_slots(previous, names) if s.kind == "product"]
        base = previous
        for s in sorted(old, key=lambda s: s.start, reverse=True):
            base = base[:s.start] + ("the " + rest if s is old[0] else "") + base[s.end:]
        return Resolution(re.sub(r"\s{2,}", " ", base if old else f"{previous} {rest}"), True, True)
    if own_topic(question, slots):  # it asks something of its own: the earlier subject, not intent
        named = {s.kind for s in slots}
        subject = [previous[s.start:s.end] for s in find_slots(previous, names) if s.kind not in named]
        return Resolution(" ".join([question, *dict.fromkeys(subject)]), True, False)
    base = previous
    for kind in {s.kind for s in slots}:
        base = _replace_slot(base, kind, [s for s in slots if s.kind == kind], question, names)
    return Resolution(f"{base} {question}", True, True)


def _replace_slot(base: str, kind: str, new: Sequence[Slot], question: str,
                  names: Sequence[tuple[str, str, str]]) -> str:
    """``base`` with its slots of ``kind`` replaced by the text that names ``new`` in ``question``."""
    old = [s for s in find_slots(base, names) if s.kind == kind]
    if not old or {s.value for s in old} == {s.value for s in new}:
        return base
    ordered = sorted(new, key=lambda s: s.start)
    adjacent = all(not question[a.end:b.start].strip() for a, b in itertools.pairwise(ordered))
    text = (question[ordered[0].start:ordered[-1].end] if adjacent  # "pregnant women": one phrase
            else " and ".join(question[s.start:s.end] for s in ordered))
    out = base
    for i, s in enumerate(sorted(old, key=lambda s: s.start, reverse=True)):
        out = out[:s.start] + (text if i == len(old) - 1 else "") + out[s.end:]
    return re.sub(r"\s{2,}", " ", out)


def current_question(user_turns: Sequence[str], names: Sequence[tuple[str, str, str]] = ()) -> str | None:
    """The conversation's current question after all of ``user_turns`` (each resolved in turn)."""
    current: str | None = None
    for turn in user_turns:
        if turn.strip():
            current = resolve(turn, current, names).question
    return current


def conversation_subject(earlier: Sequence[str], named: Callable[[str], list[str]]) -> list[str]:
    """What the conversation last named (``named`` finds the names in one turn), latest turn first:
    a question that names no subject of its own ("which trial gave the smallest amount?") is about it."""
    for turn in reversed(earlier):
        if found := named(turn):
            return found
    return []
