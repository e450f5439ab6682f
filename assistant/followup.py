"""Follow-ups as conversation state: which earlier question a turn continues, and what it changes.

A turn that names its own topic stands alone, and so does one that says it starts afresh ("ok
different question, ..."). A follow-up ("and the other form?", "and the upper limit?", "how
long was that one?") continues the conversation's current question: the slots it names (a product,
a nutrient or one of its forms, a Dosage Guide field, the people, a study) replace the same kind of
slot there, and it keeps the rest ("how long was that one?" keeps the study). A follow-up that asks
about something of its own ("what dose did they use in the osteoporosis study?" after a product
question) takes the earlier question's subject, not its intent. Words the earlier question already
used are not a topic of the turn's own ("did the <form> one slow bone loss the same way?" asks the
earlier question of another form). The wording is data: lexicon.yaml ``followups``. Pure functions
over text.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from assistant.domain.page_format import FIELD_TERMS
from assistant.domain.vocabulary import FollowupWords, vocabulary
from assistant.doses import DOSE_RE, parse_doses
from assistant.normalize import (
    STUDY_POINTER,
    asking_flags,
    content_tokens,
    cue,
    cue_fold,
    fold,
    general_words,
    in_some_form,
    medicine_names,
    mentioned_classes,
    names_a_medicine,
    negated_spans,
    sentences_of,
    split_at_ask,
    stem,
    taken_things,
    without_negated_mentions,
)
from assistant.nutrients import nutrient_before, read_nutrients

#: a turn that opens like this, or leans on a pronoun, continues the conversation
_FOLLOWUP = re.compile(
    r"^(?:so|then|and|also|but|ok|okay|well)\b|"
    r"\b(they|them|their|it|its|that|this|those|these|there|he|she|same|the study|the trial|"
    r"the product|the one|that one|this one|the form|the dose|what about|how about|and for|"
    r"the\s+(?:\w+est|(?:most|least)\s+\w+)\s+ones?)\b"
)
#: the kinds of slot a turn can name, in the order they are masked (a product's name first: it
#: may hold a nutrient's or a form's name; a component of products before the supplement whose
#: alias it may also be). A study is found apart: it may hold the others.
SLOT_KINDS = ("product", "form", "field", "component", "nutrient", "people", "dose", "study", "result")
#: the kinds that name what is taken: a nutrient and its forms replace each other
SUBJECT_KINDS = ("form", "nutrient")
#: "same question for X", "what about X": the turn asks the earlier question of X
_SAME = re.compile(r"^\W*(?:(?:and|ok|okay|so|then)\W+)?(?:(?:the\s+)?same(?:\s+(?:question|thing|answer))?|"
                   r"what\s+about|how\s+about)\s+(?:(?:for|with|about|of|on|in)\s+)?", re.IGNORECASE)
#: a turn that opens by joining something to the earlier question ("and with <x>?", "also on <x>?")
_AND_WITH = re.compile(r"^\W*(?:and|also|plus)\s+(?:(?:with|on|taking)\s+)?", re.IGNORECASE)
#: a turn that is nothing but a number ("and 8?", "what about #3?"): a finding's number when the
#: earlier question named one by its number
_BARE_NUMBER = re.compile(r"^\W*(?:(?:and|ok|okay|so|then|also|what\s+about|how\s+about)\W+)*"
                          r"(?:#\s*)?(\d{1,3})\W*$", re.IGNORECASE)
#: what follows a number that makes it an amount or a time, not a finding's number
_TIMES = ("day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours")


@functools.cache
def followup_words() -> FollowupWords:
    """The follow-up wording of the vocabulary's lexicon.yaml (``followups``)."""
    return vocabulary().lexicon.followups


def _words(phrases: Iterable[str]) -> str:
    """An alternation of literal phrases (longest first; any spacing or hyphen between words)."""
    return "|".join(r"[\s-]+".join(re.escape(w) for w in p.split())
                    for p in sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True)
class _Cues:
    new_topic: re.Pattern[str]
    condition: re.Pattern[str]
    study: re.Pattern[str]
    study_word: re.Pattern[str]
    reference: re.Pattern[str]
    anaphor: re.Pattern[str]
    pronoun: re.Pattern[str]
    other_form: re.Pattern[str]
    own_intent: frozenset[str]
    fillers: frozenset[str]
    #: chat that opens a turn ("hmm", "um ok so"), and the same with the joining words of a
    #: follow-up ("ok and ...", "so then ...")
    filler_lead: re.Pattern[str]
    chat_lead: re.Pattern[str]
    pointer: re.Pattern[str]
    one_pointer: re.Pattern[str]
    compared: re.Pattern[str]
    product: re.Pattern[str]
    same_form: re.Pattern[str]
    source: re.Pattern[str]
    across_studies: re.Pattern[str]
    members: re.Pattern[str]
    dose: re.Pattern[str]
    described: re.Pattern[str]
    described_one: re.Pattern[str]
    #: a closing word that asks the turn of what the conversation asked ("is <x> enough?")
    open_end: re.Pattern[str]
    #: how a statement that sets the scene opens (:func:`scene_and_ask`)
    scene: re.Pattern[str]



#: a description that goes on past its product word ("the <kind> with <x>")
_CLAUSED = re.compile(r"\s(?:with|without|containing|that|which|made|in)\s", re.IGNORECASE)

#: the words that join a follow-up to the turn before ("ok and ...", "so then ...")
_JOINERS = ("so", "then", "and", "also", "but", "ok", "okay", "well")
#: a turn that only names what it swaps in ("what about <it>?", "how about <it>"), punctuation aside
_BARE_SWAP = re.compile(rf"\W*(?:(?:{'|'.join(_JOINERS)}|what|how)\W+)*(?:about\W*)?")


def _not_a_reference() -> str:
    """The words after a number that make it an amount or a time ("study 4 weeks" is no finding's number)."""
    return _words([*(u for unit in vocabulary().units for u in (unit.canonical, *unit.spellings)), *_TIMES])


@functools.cache
def _cues() -> _Cues:
    w = followup_words()
    never = r"(?!)"
    whole = r"(?<![\w-])(?:{})(?![\w-])"
    function = _words(vocabulary().lexicon.stopwords.get("function", "").split()) or never
    w_fillers = [fold(x) for x in w.fillers]
    return _Cues(
        new_topic=re.compile(whole.format("|".join(w.new_topic) or never)),
        # "with osteoporosis", "who have kidney disease": a connector, then the condition's words
        condition=re.compile(rf"\s+(?:{_words(w.people_conditions) or never})\s+", re.IGNORECASE),
        # "the 720 mcg study", "that osteoporosis trial": one to four words between, none a function word
        study=re.compile(rf"(?<![\w-])(?:the|that|this)\s+(?:(?!(?:{function})\s)[^\s?!,;:]+\s+){{1,4}}?"
                         rf"(?:{_words(w.study_words) or never})(?![\w-])", re.IGNORECASE),
        study_word=re.compile(whole.format(_words(w.study_words) or never), re.IGNORECASE),
        reference=re.compile(rf"(?<![\w-])(?:(?:{_words(w.reference_words) or never})\.?\s*#?\s*|#\s*|\[)"
                             rf"(\d{{1,3}})(?![\d.,]*\d)(?!\s*(?:%|(?:{_not_a_reference()})(?![\w-])))\]?",
                             re.IGNORECASE),
        anaphor=re.compile(whole.format(_words(w.study_anaphors) or never), re.IGNORECASE),
        pronoun=re.compile("|".join(w.study_pronoun) or never),
        other_form=re.compile(whole.format("|".join(w.other_form) or never), re.IGNORECASE),
        own_intent=frozenset(fold(x) for x in w.own_intent),
        fillers=frozenset(fold(x) for x in w.fillers),
        filler_lead=re.compile(rf"^\W*(?:(?:{'|'.join(map(re.escape, w_fillers)) or never})\b\W*)+"),
        chat_lead=re.compile(rf"\W*(?:(?:{'|'.join([*_JOINERS, *map(re.escape, w_fillers)])})\b\W*)*"),
        pointer=re.compile(whole.format(_words(w.pointers) or never), re.IGNORECASE),
        one_pointer=re.compile(whole.format(_words(w.one_pointers) or never), re.IGNORECASE),
        compared=re.compile(whole.format("|".join(w.compared_with) or never)),
        product=re.compile(whole.format(_words(w.product_words) or never), re.IGNORECASE),
        same_form=re.compile(whole.format("|".join(w.same_form) or never), re.IGNORECASE),
        source=re.compile("|".join(w.source) or never),
        across_studies=re.compile("|".join(w.across_studies) or never),
        members=re.compile("|".join(w.study_members) or never),
        dose=re.compile(rf"(?<![\w-])(?:{'|'.join(w.dose_words) or never})(?![\w-])|{DOSE_RE.pattern}",
                        re.IGNORECASE),
        described=re.compile(_DESCRIBED_FORM.format(heads=_words(w.described_heads) or never), re.IGNORECASE),
        described_one=re.compile(_DESCRIBED_FORM.format(heads=never), re.IGNORECASE),
        open_end=re.compile(rf"(?<![\w-])(?:{_words(w.open_ends) or never})\W*$"),
        scene=re.compile(rf"^\W*{w.scene_leads}(?:(?:{_words(w.scene_openers) or never})(?![\w'])|"
                         + "|".join(_described_person(k).pattern for k in ("he", "she", "other")) + ")"),
    )


@dataclass(frozen=True)
class Resolution:
    """How a turn is understood against the conversation before it."""

    #: the question retrieval and scope use
    question: str
    followup: bool
    #: the turn asks nothing of its own: it also takes the earlier question's intent (a product
    #: comparison stays one: "and which has the least?")
    inherits_intent: bool
    #: the turn as it is read when "the one with <...>" after a question about the research is a
    #: study, not a product ("and the study with 1 g a day?"); None otherwise
    of_study: str | None = None
    #: the turn asks of another medicine than the earlier question ("what about <another>?",
    #: :func:`asks_of_another_medicine`): the earlier medicine's notes do not answer it
    other_medicine: bool = False


@dataclass(frozen=True)
class Slot:
    kind: str
    value: str  # what it names, canonical
    start: int
    end: int
    #: the people's group word inside a span that also holds who they are ("healthy women",
    #: "adults with anaemia"); None for other kinds
    core: tuple[int, int] | None = None

    @property
    def qualified(self) -> bool:
        """People named with more than their group ("healthy women", "women with <a condition>")."""
        return self.core is not None and self.core != (self.start, self.end)


#: a product referred to by what sets it apart ("the liquid one", "the one with zinc", "the ones
#: that contain X", "the multivitamin with <nutrient>": a product word of the lexicon's follow-ups
#: for "one"): a product slot whose value is the description itself
_DESCRIBED_FORM = (
    r"(?<![\w-])the\s+(?:[\w-]+\s+){{0,2}}?(?:ones?|(?:{heads})(?:\s+ones?)?)(?![\w-])"
    # "the one with the most X" ranks the products: no description of one of them
    r"(?!\s+(?:with|that\s+has|which\s+has|containing)\s+(?:the\s+)?"
    r"(?:most|least|highest|lowest|more|less|fewest|largest|smallest|biggest)\b)"
    r"(?:\s+(?:with|without|that\s+(?:has|have|contains?)|which\s+(?:has|have|contains?)|containing|"
    r"made\s+(?:with|from)|in)\s+[^?.!,;]*?(?:[\w-]+)(?=\s*(?:[?.!,;]|$|\s(?:and|or|but)\b)))?")


#: a page's reference as an answer quotes it ("(ref. 5)"): the answer quotes the research
_PAGE_REFERENCE = re.compile(r"\(ref\.\s*\d")
#: a dose told by its size, not its amount ("the low dose one", "the higher-dose one"): a study's arm
#: (a product is told by its amount: "the 25 mg one")
_DOSE_SIZE = re.compile(r"\b(?:low|lower|lowest|high|higher|highest|small|smaller|big|bigger|large|larger)"
                        r"[\s-]*dos(?:e|es|ed|ing)\b", re.IGNORECASE)
#: a turn describing a study of its own before its pronoun ("and the one in people over 80, how much
#: did they give them"): the pronoun is that study's, not the earlier one's
_OWN_STUDY = re.compile(r"(?<![\w-])the\s+(?:[\w-]+\s+){0,2}?ones?\s+(?:in|with|where|who|that|which|for|on|"
                        r"from|about)\b", re.IGNORECASE)

#: the word a study pointer ends in ("the study"): "the one with <dose>" in a research conversation
STUDY_WORD = STUDY_POINTER.split()[-1]


@functools.cache
def _described_after() -> str:
    """The lexicon's ``described_after`` as one alternation (never matches when it lists none)."""
    return "|".join(followup_words().described_after) or r"(?!)"


def _phrase(term: str) -> str:
    words = re.split(r"[\s-]+", term.strip())
    short = followup_words().short_forms

    def word(w: str) -> str:  # the word, or a shorter way of writing it
        alts = [w, *short.get(w.lower(), ())]
        return re.escape(w) if len(alts) == 1 else "(?:" + "|".join(map(re.escape, alts)) + ")"

    return r"(?<![\w-])" + r"[\s-]*".join(word(w) for w in words) + r"(?![\w-])"


@functools.lru_cache(maxsize=32)
def _slot_patterns(names: tuple[tuple[str, str, str], ...]) -> list[tuple[str, str, re.Pattern[str]]]:
    """(kind, value, pattern) for every slot term: the caller's names (products, supplements), the
    vocabulary's forms and nutrients, the page format's fields."""
    terms: list[tuple[str, str, str]] = list(names)
    for n in vocabulary().nutrients:
        terms += [("nutrient", n.name, t) for t in n.names()]
        terms += [("form", f.name, t) for f in n.forms for t in (f.name, *f.terms)]
    terms += [("field", name, t) for name, ts in FIELD_TERMS.items() for t in (name, *ts)]
    terms += [("field", name, t) for name, ts in followup_words().field_names.items() for t in ts]
    terms.sort(key=lambda x: (SLOT_KINDS.index(x[0]), -len(x[2])))
    out = [(k, v, re.compile(_phrase(t), re.IGNORECASE)) for k, v, t in terms]
    from assistant.answer.dosage import dosage_cues  # the groups of people a question can name

    people = [(name, w) for name, g in dosage_cues().population.groups.items() for w in g.words]
    people += [(fold(w), w) for w in followup_words().people_words]  # "<condition> patients"
    people.sort(key=lambda x: -len(x[1]))
    return out + [("people", name, re.compile(rf"(?<![\w-])(?:{w})(?![\w-])", re.IGNORECASE))
                  for name, w in people] + _age_patterns() + [("dose", "", _cues().dose)] + _result_patterns()


def _result_patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """(kind "result", the kind of result, pattern) for the words that ask the findings of one kind of
    result ("no benefit", "harm"): a turn asking of another replaces it ("and which caused harm?")."""
    from assistant.answer.studies import study_cues  # the kinds of result a question asks

    return [("result", kind, cue(patterns))
            for kind, patterns in study_cues().question.result.items() if patterns]


def _age_patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """The ways a text gives someone's age ("over 70", "she's 64", "aged 15"): people too (value
    ``age``), never an amount or a length of time ("over 100 mg", "for 3 years")."""
    from assistant.answer.dosage import dosage_cues

    after = rf"(?!\s*(?:{_not_a_reference()})(?![\w-]))"
    duration = rf"(?!\d{{1,3}}[\s-]*(?:{_words(_TIMES)})(?![\s-]*old)(?![\w-]))"
    return [("people", "age", re.compile(rf"{duration}(?:{a.pattern}){after}", re.IGNORECASE))
            for a in dosage_cues().population.ages]


def find_slots(text: str, names: Sequence[tuple[str, str, str]] = (), turn: bool = False) -> list[Slot]:
    """The slots ``text`` names, longest first within a kind, none inside another's span; the
    people with who they are ("healthy women", "adults with anaemia"). A study ("the 720 mcg
    study", "study 4") is found apart: its words may name a form or a nutrient too. ``turn``: the
    text is the turn being resolved, where a product word describes a product as "one" does ("and
    the multivitamin with <nutrient>?": the product it swaps in); in earlier turns it describes the
    subject asked then, and the turn's own words say what it keeps."""
    found: list[Slot] = []
    patterns = _slot_patterns(tuple(names))
    named_products = [p for p in patterns if p[0] == "product"]
    described = _cues().described if turn else _cues().described_one
    for kind, value, pat in [*named_products, ("product", "", described),
                             *(p for p in patterns if p[0] != "product")]:
        for m in pat.finditer(text):
            if not any(s.start < m.end() and m.start() < s.end for s in found):
                found.append(Slot(kind, value or fold(m.group(0)), m.start(), m.end()))
    found = [_qualified_people(text, s, found) if s.kind == "people" else s for s in found]
    return sorted([*found, *_study_slots(text)], key=lambda s: s.start)


def _turn_slots(question: str, names: Sequence[tuple[str, str, str]]) -> list[Slot]:
    """The turn's slots, a product word ending a description of one as "one" does only where the
    turn says nothing but that product ("and the multivitamin with <nutrient>?"): in "can I take the
    tablets with <medicine>?" the words after the product word are no description of it."""
    slots = find_slots(question, names, turn=True)
    products = [s for s in slots if s.kind == "product"]
    rest = fold(_blanked(question, products))
    bare = _cues().chat_lead.fullmatch(rest) or _BARE_SWAP.fullmatch(rest)
    # "the tablets with food": what follows the product word must name something the product holds
    held = all(_subject_slots(question, s.start, s.end, names) or not _CLAUSED.search(question[s.start:s.end])
               for s in products)
    return slots if bare and held else find_slots(question, names)


def _study_slots(text: str) -> list[Slot]:
    """The studies ``text`` names: by a finding's number ("study 4", "ref 5", "#3": value
    ``ref:N``) or by what sets one apart ("the 720 mcg study": value the words)."""
    cues = _cues()
    out = [Slot("study", f"ref:{int(m.group(1))}", m.start(), m.end()) for m in cues.reference.finditer(text)]
    for m in cues.study.finditer(text):  # ("the study" alone names none: it points back)
        if any(s.start < m.end() and m.start() < s.end for s in out):
            continue
        out.append(Slot("study", " ".join(fold(m.group(0)).split()), m.start(), m.end()))
    return out


def _topic_word(word: str) -> bool:
    general = vocabulary().general_words
    return any(t not in general and stem(t) not in general for t in content_tokens(word))


def _qualified_people(text: str, s: Slot, found: Sequence[Slot]) -> Slot:
    """A people slot with who they are: up to two topic words before the group word ("healthy
    women") and a condition after it ("women with osteoporosis")."""

    def free(a: int, b: int) -> bool:
        return not any(o is not s and o.start < b and a < o.end for o in found)

    start, end = s.start, s.end
    for _ in range(2):
        m = re.search(r"(?<![\w-])([^\W\d_][\w-]*)\s+$", text[:start])
        if m is None or not free(m.start(1), s.start) or not _topic_word(m.group(1)):
            break
        start = m.start(1)
    if (c := _cues().condition.match(text, end)) is not None:
        took = 0  # up to three topic words, up to a punctuation mark or any other word
        for w in list(re.finditer(r"[^\W\d_][\w'-]*|\S", text[c.end():]))[:3]:
            if not (w.group(0)[0].isalpha() and _topic_word(w.group(0))):
                break
            took = c.end() + w.end()
        if took and free(end, took):
            end = took
    if (start, end) == (s.start, s.end):
        return Slot(s.kind, s.value, s.start, s.end, (s.start, s.end))
    extra = content_tokens(text[start:s.start] + " " + text[s.end:end])
    return Slot(s.kind, "|".join([s.value, *extra]), start, end, (s.start, s.end))


def _people_word(s: Slot) -> bool:
    """People named by a word of no group ("<condition> patients", "participants with <x>"): the
    condition is who they are, not a qualifier of a group."""
    return s.kind == "people" and s.value.split("|")[0] in _people_words()


@functools.lru_cache(maxsize=1)
def _people_words() -> frozenset[str]:
    return frozenset(fold(w) for w in followup_words().people_words)


def _described(s: Slot, text: str) -> bool:
    """A product slot that describes the product ("the liquid one") rather than naming it."""
    return s.kind == "product" and s.value == fold(text[s.start:s.end])


def own_topic(text: str, slots: Iterable[Slot], previous: str | None = None) -> list[str]:
    """The topic words of a turn beyond the slots it names, the words of a follow-up and (given the
    earlier question) the words it repeats from there; a word that asks for something of its own
    ("why") counts although it names no topic."""
    # "the 720 mcg study" says what it asks of: only a numbered study's slot is blanked; "people with
    # <condition>" names its condition as a topic: only the people word is
    masked = _blanked(text, [Slot(s.kind, s.value, *s.core) if _people_word(s) and s.core else s
                             for s in slots if not (s.kind == "study" and not s.value.startswith("ref:"))])
    general = vocabulary().general_words
    cues = _cues()
    earlier = {stem(t) for t in content_tokens(previous)} if previous else set()
    out = [t for t in content_tokens(masked) if t not in general and stem(t) not in general
           and t not in cues.fillers and not in_some_form(stem(t), earlier)]
    opener = cues.chat_lead.match(fold(masked))  # "ok and ...", "hmm ok so ..."
    asks = [w for w in re.findall(r"[^\W\d_]+", fold(masked)[opener.end() if opener else 0:])
            if w in cues.own_intent]
    return [*asks, *out]


def _blanked(text: str, slots: Iterable[Slot]) -> str:
    """The text with the slots' spans blanked (each character a space, so other positions hold)."""
    keep = [True] * len(text)
    for s in slots:
        keep[s.start:s.end] = [False] * (s.end - s.start)
    return "".join(c if k else " " for c, k in zip(text, keep, strict=True))


def cues_products(question: str) -> bool:
    """Does the turn use a word of a question about products ("which products", "the capsule")?"""
    return _cues().product.search(question) is not None


def cues_across(question: str) -> bool:
    """Does the turn ask across the studies ("in the studies", "any trial")?"""
    return _cues().across_studies.search(fold(question)) is not None


#: at most this many words beside the names it swaps make a turn that asks nothing of its own
_SWAP_ONLY_WORDS = 3


def is_followup(question: str, has_history: bool) -> bool:
    """Does a turn lean on the conversation (a pronoun, "what about", or almost no words)? Chat before
    it ("hmm", "um ok so ...") is no word of its own."""
    if not has_history:
        return False
    cues = _cues()
    fillers = cues.fillers
    folded = cues.filler_lead.sub("", fold(question))
    if _FOLLOWUP.search(folded) or len([t for t in content_tokens(folded) if t not in fillers]) <= 1:
        return True
    if cues.open_end.search(folded):
        return True  # "is <x> enough?": enough for what the conversation asked
    # a turn that only names the nutrient or form to swap ("that's <form> tho. <form> only?"): besides
    # the names, a few words that ask nothing of their own. Not people: "<nutrient> in pregnancy?"
    # asks of people the earlier question's answer may not cover, and stands alone
    slots = find_slots(folded, ())
    if not slots or any(s.kind not in ("nutrient", "form") for s in slots):
        return False
    rest = _blanked(folded, slots)
    return (len(re.findall(r"[\w'-]+", rest)) <= _SWAP_ONLY_WORDS
            and not [t for t in content_tokens(rest) if t not in fillers])


def people_said_before(question: str, earlier: Sequence[str]) -> str:
    """The sentences of the latest earlier turn that say who the person the turn asks of is ("I'm 75."
    before "how much <x> do I need a day?", "My son is 15." before "what's his daily need?"): naming
    people, each about one person (:func:`persons_in`), the one the turn asks of when it says whom
    (a turn that says no one, "daily <x> need?", asks of the person the conversation last described).
    "" when the turn starts afresh or speaks of several people, or no earlier turn since the
    conversation last started afresh describes the person. The caller reads them only for a turn that
    names no people of its own."""
    from assistant.answer.dosage import people_in  # (imports this module's neighbours)

    asked = persons_in(question)
    if starts_afresh(question) or len(asked) > 1:
        return ""
    for turn in reversed(earlier):
        if said := [s for s in sentences_of(turn) if people_in(s).named
                    and _same_person(asked, persons_in(s) or frozenset({"self"}))]:
            return " ".join(said)
        if starts_afresh(turn):
            break
    return ""


def _same_person(asked: frozenset[str], said: frozenset[str]) -> bool:
    """Can a sentence about ``said`` (one person) be about the one a turn asks of (none said: anyone)?
    Someone described ("my partner") may be a "he" or a "she"; the user is only the user."""
    if len(said) != 1:
        return False
    if not asked or asked == said:
        return True
    return "self" not in asked | said and "other" in asked | said


def persons_in(text: str) -> frozenset[str]:
    """Who a text is about (lexicon ``persons``): "he" or "she" (a pronoun, or "my <a word for a man or
    a woman>"), "other" (someone else described: "my partner"), "self" (the user, in words not part
    of a description of someone else: "my" of "my son" is not). Not one who is no one asked about
    (the baby one expects)."""
    from assistant.answer.dosage import without_others  # (imports this module's neighbours)

    folded = without_others(cue_fold(text))  # "I'm expecting my first baby": the baby is no one described
    cues = followup_words().persons
    found: set[str] = set()
    for kind in ("he", "she", "other"):
        described = _described_person(kind)
        if cue(cues.get(kind, [])).search(folded) or described.search(folded):
            found.add(kind)
        folded = described.sub(lambda m: " " * len(m.group(0)), folded)
    if cue(cues.get("self", [])).search(folded):
        found.add("self")
    return frozenset(found)


@functools.cache
def _described_person(kind: str) -> re.Pattern[str]:
    """Someone the user describes by a word for a group of people after one of the lexicon's
    ``described_by`` ("my son", "our daughter", a word between allowed: "my little girl"): for "he" and
    "she" the words of the population group ``sex_groups`` names; for "other" the lexicon's ``persons``."""
    from assistant.answer.dosage import dosage_cues  # the groups of people a question can name

    words = followup_words()
    if kind == "other":
        return cue(words.persons.get("other", []))
    sex = {str(k): v for k, v in words.sex_groups.items()}.get(kind)
    group = dosage_cues().population.groups.get(sex) if sex else None
    if not words.described_by or group is None:
        return re.compile(r"(?!)")
    lead, people = _words(words.described_by), "|".join(group.words)
    return re.compile(rf"(?<![\w-])(?:{lead})\s+(?:[\w-]+\s+)?(?:{people})(?![\w-])")


def scene_and_ask(question: str) -> tuple[str, str]:
    """(what the question says to set the scene, the rest): before its first sentence that asks, its
    sentences, and the words before the ask in that sentence, that open with someone doing or being
    something (the lexicon's ``scene_openers``, or someone described: "I run marathons and I'm
    vegetarian, how much ...?", "my son is 10 and plays football. ..."). ('', the question) when it
    sets none or asks nothing."""
    sentences = sentences_of(question)
    asking = asking_flags(sentences)
    if not any(asking):
        return "", question
    first = asking.index(True)  # (a statement after the ask is what it asks with: "...? I'm 70.")
    opens = [_opens_scene(t) for t in sentences[:first]]
    scene = [t for t, o in zip(sentences[:first], opens, strict=True) if o]
    rest = [t for t, o in zip(sentences[:first], opens, strict=True) if not o]
    before, ask = split_at_ask(sentences[first])
    if before and _opens_scene(before):
        scene.append(before)
    else:
        ask = sentences[first]
    return " ".join(scene), " ".join([*rest, ask, *sentences[first + 1:]])


def _opens_scene(text: str) -> bool:
    """Does the text open with someone doing or being something (a greeting or a joint before)?"""
    return bool(_cues().scene.match(cue_fold(text)))


def points_back(question: str) -> bool:
    """Does the turn point back at what the last answer was about ("that one", "it", "them")?"""
    return _cues().pointer.search(fold(question)) is not None


def naming_pointed(question: str, title: str) -> str:
    """The turn with the first words that point back at one thing (lexicon ``one_pointers``: "does
    that one have <x>?") said as that thing, ``title`` ("does <title> have <x>?"); the turn as it is
    when it points at none, or at an item by its place ("the second of those")."""
    m = _cues().one_pointer.search(question)
    if m is None or _place_pointed(question) is not None:
        return question
    return f"{question[:m.start()]}{title}{question[m.end():]}"


def _place_pointed(question: str) -> re.Match[str] | None:
    """Where the turn points at an item by its place ("the second of those"; the ordinal a group),
    or None."""
    fw = followup_words()
    words = "|".join(sorted(map(re.escape, fw.ordinals), key=len, reverse=True))
    return re.search(rf"(?<![\w-])the\s+({words})\s+{fw.place_pointer}", fold(question)) if words else None


def compares_back(question: str) -> bool:
    """Does the turn set what it names beside what it points back at ("is that one better than <B>?")?"""
    return _cues().compared.search(fold(question)) is not None and points_back(question)


def _pointer_at(question: str, named: Sequence[Slot]) -> re.Match[str] | None:
    """The first word that points back ("it", "that one"), not one that leads into a name the turn
    gives ("i read that <B> is better")."""
    # (the word after a pointer starts where what follows the pointer, stripped, begins)
    starts = {s.start for s in named}
    return next((m for m in _cues().pointer.finditer(question)
                 if len(question) - len(question[m.end():].lstrip()) not in starts), None)


def about_products(question: str, names: Sequence[tuple[str, str, str]] = ()) -> bool:
    """Does a question ask about products: a product word ("which capsule"), a product's name or
    one described ("the <form> one")?"""
    return bool(_cues().product.search(question)) or any(
        s.kind == "product" for s in find_slots(question, names))


def about_a_study(question: str) -> bool:
    """Does the question name a study ("the trial after giving birth ... which one won") and no
    product? Then "which one" is among the study's arms, not the products."""
    cues = _cues()
    return cues.study_word.search(question) is not None and cues.product.search(question) is None


def starts_afresh(question: str) -> bool:
    """Does the turn say it asks something new ("ok different question, ...", "unrelated, but")?"""
    return _cues().new_topic.search(fold(question)) is not None


def resolve(question: str, previous: str | None, names: Sequence[tuple[str, str, str]] = (),
            answer: str = "", finding: Callable[[str], bool] | None = None) -> Resolution:
    """The turn ``question`` against the conversation's current question ``previous`` (``answer``:
    what the assistant replied to the turn before, which may name what "the other form" leaves;
    ``finding``: whether words the answer cited write one of the corpus's research findings)."""
    other = bool(previous) and asks_of_another_medicine(question, previous or "")
    r = _resolved(question, previous, names, answer, finding, other)
    if r.followup and other:
        r = replace(r, other_medicine=True)
    if r.followup and previous and (one := _study_one(question, previous, names)) is not None:
        # "and the one with <dose>?": a study described, read as "the study with <dose>"
        return replace(r, of_study=question[:one[0]] + STUDY_WORD + question[one[1]:])
    return r


def _resolved(question: str, previous: str | None, names: Sequence[tuple[str, str, str]],
              answer: str, finding: Callable[[str], bool] | None, other_medicine: bool = False) -> Resolution:
    if not previous or starts_afresh(question) or not (
            is_followup(question, True) or _asks_of_members(question, previous, names, answer, finding)):
        return Resolution(question, False, False)
    if _cues().source.search(fold(question)) and (cited := _cited(answer)):
        return Resolution(f"{question}; {SOURCE_OF}: {cited}", True, False)  # the claim's findings answer it
    earlier = find_slots(previous, names)
    question = _named_references(question, previous, earlier, answer, names, finding)
    products = bool(_cues().product.search(previous)) or any(
        s.kind == "product" and not _described(s, answer) for s in find_slots(answer, names))
    slots = _in_context(question, _turn_slots(question, names), earlier, names, products)
    # a kind of result asked replaces the earlier one's ("and which caused harm?" after "which found
    # no benefit?"); with none earlier, it is the turn's intent, no slot
    slots = [s for s in slots if s.kind != "result" or any(e.kind == "result" for e in earlier)]
    if _names_another_category(question, slots, earlier):  # "and which <B> product has the most <x>?"
        return Resolution(question, False, False)  # after one about <A>'s: a question of its own
    rest = question[same.end():] if (same := _SAME.match(question)) else ""
    if (rest and (own_topic(rest, find_slots(rest, names, turn=True), previous) or cues_products(rest))
            and not other_medicine):
        return Resolution(_asked_again(rest, previous, earlier), True, True)
    kept = list(dict.fromkeys(previous[e.start:e.end] for e in earlier if e.kind == "product"))
    given = [s for s in slots if s.kind == "product" and not _described(s, question)]  # not described
    if len(kept) == 1 and given and compares_back(question) and (m := _pointer_at(question, given)):
        # "how does it compare to <B>?": the earlier product where the turn points at it, its own intent
        return Resolution(f"{question[:m.start()]}{kept[0]}{question[m.end():]}", True, False)
    # it asks something of its own (or about products after a question about none): the earlier
    # subject, not the intent
    # a field the earlier question asked in other words ("how much does a man need" -> "and the
    # max?") has no slot there to replace: the turn asks its field of the earlier subject
    new_field = (any(s.kind == "field" for s in slots) and not any(s.kind == "field" for s in earlier)
                 and not products and not cues_products(previous) and not _about_research(previous)
                 and not any(s.kind == "product" for s in slots))  # "is the strongest one over the max?"
    # a nutrient of products is swapped for one the earlier question named ("what about <B>?" after
    # "the most <A>"); with none there, it is a topic of the turn's own
    swapped = [s for s in slots if s.kind != "component" or any(e.kind == "component" for e in earlier)]
    if own_topic(question, swapped, previous) or new_field or _switches(question, slots, previous):
        named = _replaced_kinds(question, slots)
        if named & set(SUBJECT_KINDS):  # a nutrient or a form of its own: the earlier one goes, and
            named |= {*SUBJECT_KINDS, "component"}  # the earlier nutrients of products with it
        if cues_across(question):  # "was <form> used for anything in the studies", "did any heart
            named.add("people")  # study go higher": asked of them all, whoever they were in
        bare = ("the one", "the ones")  # "the one they use": it describes nothing
        subject = [previous[s.start:s.end] for s in earlier
                   if s.kind not in named and not (_described(s, previous) and s.value in bare)]
        if not subject and not products and not named & set(SUBJECT_KINDS) and points_back(question):
            subject = [previous]  # "did it help them at all?": what it points at has no slot of its own
        fields = [s.value for s in slots if s.kind == "field" and fold(s.value) not in fold(question)]
        return Resolution(" ".join([question, *fields, *dict.fromkeys(subject)]), True, False)
    base = _other_form_studies(previous, slots, earlier)
    kinds = [k for k in SLOT_KINDS if k in {s.kind for s in slots}]
    if any(k in SUBJECT_KINDS for k in kinds):
        base = _replace_subject(base, [s for s in slots if s.kind in SUBJECT_KINDS], question, names)
    for kind in (k for k in kinds if k not in SUBJECT_KINDS):
        base = _replace_slot(base, kind, [s for s in slots if s.kind == kind], question, names)
    return Resolution(f"{base} {_without_moved(_without_ruled_out(question), base, names)}", True, True)


def _names_another_category(question: str, slots: Sequence[Slot], earlier: Sequence[Slot]) -> bool:
    """Does the turn ask of the products of a supplement the earlier question did not name: one of the
    lexicon's ``category_askers``, the supplement's name, a product word ("which <B> product ...",
    "among the <B> supplements")? Nothing of the earlier question carries over: its supplement's
    products are not these."""
    before = {s.value for s in earlier if s.kind == "nutrient"}
    askers = followup_words().category_askers
    for s in slots:
        head, after = fold(question[:s.start]).rstrip(), question[s.end:]
        if (s.kind == "nutrient" and before and s.value not in before
                and any(head == a or head.endswith(f" {a}") for a in askers)
                and _cues().product.match(question, s.end + len(after) - len(after.lstrip()))):
            return True
    return False


def asks_of_another_medicine(question: str, previous: str) -> bool:
    """"what about <a medicine>?" after a question about another one (not of the same interaction
    class): the earlier question is not asked again with both, as if the earlier medicine's notes
    answered this one; the turn asks its own question of the earlier supplement."""
    if (same := _SAME.match(question)) is not None:
        rest = question[same.end():]
    elif (joined := _AND_WITH.match(question)) is not None and all(  # "and with <a medicine>?": nothing else
            names_a_medicine(t) or t in general_words() for t in content_tokens(question[joined.end():])):
        rest = question[joined.end():]
    else:
        return False
    rest, previous = without_negated_mentions(rest), without_negated_mentions(previous)  # not "no longer on"
    shared = set(content_tokens(rest)) & set(content_tokens(previous)) & medicine_names().keys()
    return names_a_medicine(rest) and names_a_medicine(previous) and not shared and not (
        set(mentioned_classes([rest])) & set(mentioned_classes([previous])))


def _asked_again(rest: str, previous: str, earlier: Sequence[Slot]) -> str:
    """"same question for the liquid one", "what about <X>?": the earlier question, asked of what
    the turn names (``rest``): its product in place of the earlier one, its outcome in place of the
    earlier outcome, else added to it."""
    rest = re.sub(r"^(?:the|a|an|that|this)\s+", "", rest.strip(), flags=re.IGNORECASE)
    old = [s for s in earlier if s.kind == "product"]
    base = previous
    for s in sorted(old, key=lambda s: s.start, reverse=True):
        base = base[:s.start] + ("the " + rest if s is old[0] else "") + base[s.end:]
    resolved = base if old else _topic_swapped(previous, rest, earlier) or f"{previous} {rest}"
    return re.sub(r"\s{2,}", " ", resolved)


def _topic_swapped(previous: str, rest: str, earlier: Sequence[Slot]) -> str | None:
    """"what about <another outcome>?" after a question about the findings on one (the study cues'
    ``topics``): the earlier question asked of that outcome, without the people who were in the
    earlier outcome's findings ("did it prevent fractures in healthy adults?" -> "what about
    diabetes?": "did it prevent diabetes?"); None when either names no outcome, or the same one."""
    from assistant.answer.studies import study_cues  # the outcomes the findings are grouped by

    topics = study_cues().question.topics
    said = [(t, m) for t, pats in topics.items() if pats and (m := cue(pats).search(rest))]
    before = [(t, m) for t, pats in topics.items() if pats for m in cue(pats).finditer(previous)]
    if len(said) != 1 or not before or {t for t, _ in before} == {said[0][0]}:
        return None
    spans = sorted([*((m.start(), m.end()) for _, m in before),
                    *((_lead_start(previous, s.start), s.end) for s in earlier if s.kind == "people")])
    merged: list[list[int]] = []
    for a, b in spans:  # ("women with osteoporosis" holds the outcome's word: one span)
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    asked = re.sub(r"^\W*(?:(?:for|about|with|on|in)\s+)?(?:the\s+)?|\W+$", "", rest)
    lead = re.match(rf"{_PEOPLE_LEAD}\s+", previous[merged[0][0]:])  # "the study in <them>"
    return _put(previous, [Slot("topic", "", a, b) for a, b in merged],
                (lead.group(0) if lead else "") + asked)


#: a preposition before the words naming the people of a study ("the study in <them>")
_PEOPLE_LEAD = "(?:in|among|for|with|on)"


def _lead_start(text: str, start: int) -> int:
    """Where the words naming people at ``start`` begin with the preposition before them ("in ")."""
    m = re.search(rf"(?<![\w-]){_PEOPLE_LEAD}\s+$", text[:start])
    return m.start() if m else start


def _replaced_kinds(question: str, slots: Sequence[Slot]) -> set[str]:
    """The kinds of the earlier question's slots a turn asking of its own topic does not keep: those
    it names; a study, kept only where the turn points at it (one told by its dose's size: by its
    own words); a product, in a turn about a study; an earlier amount, which goes with its intent,
    unless the turn points back ("that amount")."""
    named = {s.kind for s in slots} | {"study"} | ({"people"} if _dosed_study(slots) else set())
    return named | ({"product"} if about_a_study(question) else set()) | (
        set() if points_back(question) else {"dose"})


def _dosed_study(slots: Sequence[Slot]) -> bool:
    """Does the turn name a study by the size of its dose ("the low dose study")? It is found by its
    own words, not among the people the earlier question named."""
    return any(s.kind == "study" and _DOSE_SIZE.search(s.value) for s in slots)


def _other_form_studies(previous: str, slots: Sequence[Slot], earlier: Sequence[Slot]) -> str:
    """The earlier question with the study it named by its description ("the 3 year study") said as
    "the studies" when the turn swaps the form and names no study: a study used one form, so "and
    <other form>?" asks the other form's studies, not the same study (a form its description names
    stays, and so do its words but its figures: "the <topic> trial" -> "the <topic> studies")."""
    new = {s.value for s in slots if s.kind == "form"}
    old = {s.value for s in earlier if s.kind == "form"}
    if not new or not old or new <= old or any(s.kind == "study" for s in slots):
        return previous
    out = previous
    for st in sorted((s for s in earlier if s.kind == "study" and not s.value.startswith("ref:")),
                     key=lambda s: s.start, reverse=True):
        words = re.sub(r"^\S+\s+|\s+\S+$", "", previous[st.start:st.end])  # "the <words> study"
        words = DOSE_RE.sub(" ", words)  # its figures: doses and lengths of time
        words = re.sub(rf"(?<![\w.,])\d[\d.,]*[\s-]*(?:{_words(_TIMES)})(?![\w-])", " ", words)
        out = out[:st.start] + " ".join(["the", *words.split(), "studies"]) + out[st.end:]
    return out


def _asks_of_members(question: str, previous: str, names: Sequence[tuple[str, str, str]], answer: str = "",
                     finding: Callable[[str], bool] | None = None) -> bool:
    """Does the turn ask a detail of a study's people or arms ("how old were the participants", "what
    did the placebo group get?") after a question that named a study or asked about the research
    findings, or after an answer that cited one finding and nothing else?"""
    if _cues().members.search(fold(question)) is None:
        return False
    return (any(s.kind == "study" for s in find_slots(previous, names)) or _about_research(previous)
            or (finding is not None and len(_cited_items(answer)) == 1
                and bool(_only_finding(answer, finding))))


def _without_moved(turn: str, base: str, names: Sequence[tuple[str, str, str]]) -> str:
    """The turn without the products and people it names that now stand in the earlier question
    (``base``): each is said once ("the one that has X in it" twice reads as two products)."""
    out = turn
    for s in sorted(find_slots(turn, names, turn=True), key=lambda s: s.start, reverse=True):
        text = turn[s.start:s.end]
        if s.kind in ("product", "people") and re.search(_phrase(text), base, re.IGNORECASE):
            out = out[:s.start] + out[s.end:]
    return re.sub(r"\s{2,}", " ", out).strip()


def _named_references(question: str, previous: str, earlier: Sequence[Slot], answer: str,
                      names: Sequence[tuple[str, str, str]],
                      finding: Callable[[str], bool] | None = None) -> str:
    """The turn with what it points back at named: "the other form" (the form of a nutrient with two
    that the earlier turn named the other of), "that one" / "that study", and "it" before a verb
    only a study takes ("was it done in ..."): the study the earlier question named, when the turn
    names none of its own; when the earlier question named none either, in a conversation about the
    research findings, the finding the last answer cited ("the study", with its words after the turn)."""
    cues = _cues()
    question = _described_study(question, answer, names)
    if (m := cues.other_form.search(question)) and (other := _other_form(f"{previous} {answer}", names)):
        question = question[:m.start()] + other + question[m.end():]
    elif (m := cues.same_form.search(question)) and (same := _one_form(answer) or _one_form(previous, names)):
        question = question[:m.start()] + same + question[m.end():]
    question = _amount_pointed(question, answer)
    # "the first trial you mentioned, how long did they run it?": the item by its place, before "they"
    if (item := _ordinal_item(question, answer, _about_research(previous))) != question:
        return item
    if any(s.kind == "study" for s in find_slots(question, names)):
        return question
    at, members = _study_pointer(question)
    if at is None or _OWN_STUDY.search(question, 0, at[0]) or (  # "the one in <people>, what did they
            re.match(rf"\s+(?:{_described_after()})\s+\w", question[at[1]:], re.IGNORECASE)  # give";
            and not members
            and cues.study_word.search(question, at[0], at[1])):  # "and the study with <dose>?"
        return question
    # "the participants" stays, of the study: "the participants in <the study>"
    head = question[:at[1]] + " in " if members else question[:at[0]]
    if studies := [s for s in earlier
                   if s.kind == "study" and not _page_wide(previous[s.start:s.end], names)]:
        return head + previous[studies[-1].start:studies[-1].end] + question[at[1]:]
    # the earlier question named none: the finding the last answer cited describes it, after the turn,
    # in a conversation about the research, or when the turn points at a study by a study's word and
    # the answer cited a finding ("<topic>? || how long was that study?")
    if _about_research(previous) and _points_at_all(question[at[0]:at[1]], answer, finding):
        return question  # "how much did they give?" of every finding a list across them cited
    if _about_research(previous):
        said = _ordinal_said(question)  # "the first one" is the first cited, whatever it shares
        cited = (_best_finding(answer, previous, finding) if said is None and finding is not None else "") \
            or _cited(answer, said or 1)
    else:  # "that study" alone, after an answer that cited one finding (read only for such a turn)
        bare = finding is not None and _ordinal(question) == 1 and _bare_study_pointer(question, at)
        cited = _only_finding(answer, finding) if bare and finding is not None else ""
    if not cited:
        return question
    return f"{head}{STUDY_POINTER}{question[at[1]:]}; {STUDY_POINTER}: {_without_lead(cited)}"  # not a lead


def _page_wide(study: str, names: Sequence[tuple[str, str, str]]) -> bool:
    """Does a study's phrase name no one study, only a supplement's research ("the <supplement>
    research", "the <nutrient> studies"): its words besides the study words all name a supplement?"""
    words = set(content_tokens(_cues().study_word.sub(" ", study)))
    naming = {w for kind, _, text in names if kind == "nutrient" for w in content_tokens(text)}
    return bool(words) and words <= naming


def _points_at_all(pointer: str, answer: str, finding: Callable[[str], bool] | None) -> bool:
    """Does a plural pointer (the lexicon's ``plural_pointers``: "they") point at every finding the
    last answer listed under a list's lead ("Research findings that ...: <a> [1] <b> [2]"): the reply
    to a question across the findings ("which studies ...")?"""
    items = _cited_items(answer)
    return (fold(pointer).strip() in followup_words().plural_pointers and finding is not None
            and bool(items) and _without_lead(items[0]) != items[0].lstrip(" ,;")
            and len(_cited_findings(answer, finding)) > 1)


def _best_finding(answer: str, previous: str, finding: Callable[[str], bool]) -> str:
    """Of the items the answer cited that write a research finding, the one that shares the most
    words with the earlier question (the one it described: "which study compared <a> to <b>?"), the
    first of those that share as many ("" when it cited none): a dose line or a summary cited before
    it is no study."""
    found = _cited_findings(answer, finding)
    asked = set(content_tokens(previous))
    return max(found, key=lambda i: len(asked & set(content_tokens(_without_lead(i)))), default="")


def _study_one(question: str, previous: str, names: Sequence[tuple[str, str, str]]) -> tuple[int, int] | None:
    """Where "the one" is in a turn that describes it ("and the one with 1 g a day?", "the one in
    older adults") after a question about the research findings, the turn naming no product: a
    study of theirs (None otherwise)."""
    m = re.search(rf"(?<![\w-])the\s+(one)\s+(?:{_described_after()})(?![\w-])", question, re.IGNORECASE)
    if m is None or cues_products(question) or not _about_research(previous) or taken_things(question):
        return None  # ("I take the one with 65 mg": a product the user takes)
    named = find_slots(question, names, turn=True)
    if any(s.kind == "product" and not _described(s, question) for s in named):  # a product by its name
        return None
    return m.span(1)


def _only_finding(answer: str, finding: Callable[[str], bool]) -> str:
    """The one item the answer cited that writes a research finding ("" when none does, or several:
    "that study" does not say which)."""
    found = _cited_findings(answer, finding)
    return found[0] if len(found) == 1 else ""


def _cited_findings(answer: str, finding: Callable[[str], bool]) -> list[str]:
    """The items the answer cited that write a research finding, in order."""
    return [item for item in _cited_items(answer) if finding(_without_lead(item))]


def _bare_study_pointer(question: str, at: tuple[int, int]) -> bool:
    """Does the turn point at a study (by a study's word, or by a pronoun before a study's verb) and
    say nothing else of its own (no number, at most :data:`_BARE_POINTER_WORDS` words: "how long was
    that study?", not "... that study of adults over 80")?"""
    cues, rest = _cues(), question[:at[0]] + question[at[1]:]
    # a study's word ("that trial"), or a pronoun before a verb only a study takes ("did they test"),
    # not "that one" (a product too)
    studied = (cues.study_word.search(question, at[0], at[1]) is not None
               or cues.anaphor.fullmatch(question[at[0]:at[1]]) is None)
    return studied and len(content_tokens(rest)) <= _BARE_POINTER_WORDS and not re.search(r"\d", rest)


def _described_study(question: str, answer: str, names: Sequence[tuple[str, str, str]]) -> str:
    """The turn with "the low dose one" written "the low dose study" when the last answer was about
    the research (it names a study or cites the page's references: "(ref. 5)") and named no product
    by name, and the turn no product word ("how long did the higher-dose one run?": a study's arm, told
    by the size of its dose)."""
    research = _cues().study_word.search(answer) or _PAGE_REFERENCE.search(answer)
    if not research or cues_products(question) or any(
            s.kind == "product" and not _described(s, answer) for s in find_slots(answer, names)):
        return question
    for s in find_slots(question, names, turn=True):
        text = question[s.start:s.end]
        one = re.search(r"\s+ones?$", text)
        if s.kind == "product" and _described(s, question) and one and _DOSE_SIZE.search(text):
            return f"{question[:s.start + one.start()]} study{question[s.end:]}"
    return question


def points_at_amount(question: str) -> bool:
    """Does the turn point at an amount of the last answer ("that much", "the same amount")?"""
    return _amount_pointer(question) is not None


def _amount_pointer(question: str) -> tuple[str, re.Match[str]] | None:
    """Where the turn points at an amount (lexicon ``same_amount``), and how ("as_much", "amount")."""
    folded = fold(question)
    for how, patterns in followup_words().same_amount.items():
        if patterns and (m := re.search(rf"(?<![\w-])(?:{'|'.join(patterns)})(?![\w-])", folded)):
            return how, m
    return None


def _amount_pointed(question: str, answer: str) -> str:
    """The turn with "that much" / "that amount" replaced by the one amount the last answer states
    (of the nutrient the turn names, if it names one): "does any product give that much?" -> "...
    give as much as <amount>?"; unchanged when the answer states no single such amount."""
    if (pointer := _amount_pointer(question)) is None or (amount := _one_amount(question, answer)) is None:
        return question
    if re.search(r"\bhow (?:much|many)\b", fold(question)):
        return question  # "how much in each one, and is that under <a limit>?": its own amount
    how, m = pointer
    said = f"as much as {amount}" if how == "as_much" else amount
    return question[:m.start()] + said + question[m.end():]


#: words right before an amount that make it a bound, not an amount given
_BOUND_BEFORE = re.compile(r"\b(?:above|over|below|under|exceeding|more\s+than|less\s+than|beyond)\s*$",
                           re.IGNORECASE)


def _one_amount(question: str, answer: str) -> str | None:
    """The one amount (by mass and unit, "/day" aside) the answer states, none per body weight;
    when the question names a nutrient (or form), the one amount of it (named right before)."""
    text = re.sub(r"\[\d+\]", " ", answer)
    # an amount per body weight is no amount a product holds; "800 IU (20 mcg)" is one amount
    found = parse_doses(text)
    doses = [d for i, d in enumerate(found) if not re.match(r"\s*(?:/|per\s+)\s*kg\b", text[d.end:])
             and not (i and re.fullmatch(r"\s*\(", text[found[i - 1].end:d.start]))]
    # an amount a note bounds ("doses above <x> have been associated with ...") is no amount stated
    given = [d for d in doses if not _BOUND_BEFORE.search(text[:d.start])]
    doses = given or doses
    asked = {n.nutrient.casefold() for n in read_nutrients(question)}
    if asked:  # the turn names its nutrient: the amount must be that nutrient's
        doses = [d for d in doses if (named := nutrient_before(text, d.start)) and named.casefold() in asked]
    return _bare(doses[0].text) if len({d.key() for d in doses}) == 1 else None


def _bare(amount: str) -> str:
    """An amount without its "/day" ("180 μg/day" -> "180 μg")."""
    return re.sub(r"\s*(?:/|per\s+)day\b", "", amount).strip()


def _study_pointer(question: str) -> tuple[tuple[int, int] | None, bool]:
    """Where the turn points at a study ("that one", "was it done in", "what doses did they use in
    it") and whether it points at its people ("the participants": kept, the study after them)."""
    cues = _cues()
    if m := cues.anaphor.search(question):
        return m.span(), False
    folded = fold(question)
    if len(folded) != len(question):
        return None, False
    if m := cues.pronoun.search(folded):
        return m.span(next(i for i in range(1, (m.lastindex or 0) + 1) if m.group(i))), False
    if m := cues.members.search(folded):
        return m.span(), True
    return None, False


#: a turn pointing at "that study" with at most this many words of its own besides, and no number
#: ("how long was that study?"), describes no study of its own: it points at the one the last answer cited
_BARE_POINTER_WORDS = 1
#: what a turn asking where the last answer's claim comes from is written as, the claim after it
#: (study_cues.yaml ``question.source`` reads it)
SOURCE_OF = "source of"


#: a list's lead has at least this many words ("Products whose description states <x>: ..."); fewer
#: before a colon are a title's own ("<kind>: <name>")
_LEAD_WORDS = 4


def _ordinal_item(question: str, answer: str, research: bool) -> str:
    """The turn with the item it points at by its place among those the last answer cited ("the
    second of those - who is it for?") said in that item's words; unchanged when it points at none.
    In a conversation about the research (``research``) the item is a finding: "the study", its words
    pinned after the turn."""
    fw = followup_words()
    m = _place_pointed(question)
    if m is None or len(fold(question)) != len(question):
        return question
    # "the first trial you mentioned" after an answer about no research counts the cited items that
    # name a study (none: it points at nothing); after one about the research, every item is a finding
    said_study = _cues().study_word
    of_studies = said_study.search(m.group(0)) is not None
    among = said_study if of_studies and not research else None
    if not (cited := _cited(answer, fw.ordinals[m.group(1)], among)):
        return question
    cited = _without_lead(cited)  # the lead of a list is no part of the item
    # an item that names a study ("... in a meta-analysis of RCTs") is a finding, whatever was asked before
    if research or of_studies or said_study.search(cited):
        return f"{question[:m.start()]}{STUDY_POINTER}{question[m.end():]}; {STUDY_POINTER}: {cited}"
    return question[:m.start()] + cited + question[m.end():]


def _without_lead(item: str) -> str:
    """A cited item without the lead of a list ("Products whose ...: <item>")."""
    lead, colon, rest = item.lstrip(" ,;").partition(": ")
    return rest if colon and len(lead.split()) >= _LEAD_WORDS else item.lstrip(" ,;")


def _ordinal(question: str) -> int:
    """Which cited item the turn points at ("the second one": 2, "the last one": -1); 1 when it says none."""
    return _ordinal_said(question) or 1


def _ordinal_said(question: str) -> int | None:
    """Which cited item the turn points at by its place ("the first one": 1); None when it says none."""
    ordinals = followup_words().ordinals
    folded = fold(question)
    pointer = r"\s+(?:one|study|trial|finding)\b"  # "the second one": an ordinal of a cited item
    found = sorted((m.start(), n) for w, n in ordinals.items()
                   for m in re.finditer(rf"(?<![\w-])the\s+{re.escape(w)}{pointer}", folded))
    return found[0][1] if found else None


def _cited_items(answer: str) -> list[str]:
    """The things the answer cites, in order: each one's words before its citation marker (after
    any earlier marker), without the closing punctuation."""
    parts = re.split(r"\s*\[[^\[\]]{1,80}\]", answer)
    return [p.strip().strip(".;:!? ") for p in parts[:-1] if content_tokens(p)]


def _cited(answer: str, nth: int = 1, among: re.Pattern[str] | None = None) -> str:
    """The ``nth`` thing the answer cites (1: the first; -1: the last): its words before its
    citation marker (after any earlier marker), without the closing punctuation; "" when it cites
    nothing (or fewer). ``among``: counted only among the items it finds in ("" when it finds in none)."""
    items = _cited_items(answer)
    if among is not None:  # a list's lead ("Research findings on <x>: ...") names no item
        items = [i for i in items if among.search(_without_lead(i))]
    if not items or nth > len(items) or -nth > len(items):
        return ""
    return items[nth - 1] if nth > 0 else items[nth]


def _switches(question: str, slots: Sequence[Slot], previous: str) -> bool:
    """Does the turn switch to the research from another question ("has that amount been used in any
    of the studies?" after a product question), or to the products from the research ("how much is
    in the ultra one?" after a study)? It takes the earlier subject, not the earlier intent."""
    if cues_across(question) or about_a_study(question):
        return not _about_research(previous)
    named_product = bool(cues_products(question)) or any(s.kind == "product" for s in slots)
    return named_product and _about_research(previous)


def _about_research(previous: str) -> bool:
    """Was the earlier question (the one the last answer replied to) about the research findings: a
    question about them, or one that names a study ("the combo study")?"""
    from assistant.answer.studies import parse_study_query  # the questions across the findings

    return _cues().study_word.search(previous) is not None or parse_study_query(previous) is not None


def _other_form(context: str, names: Sequence[tuple[str, str, str]]) -> str | None:
    """The form ``context`` does not name, of the one nutrient with exactly two forms whose other
    form it names; None when that is not one form."""
    named = {s.value for s in find_slots(context, names) if s.kind == "form"}
    pairs = [{f.name for f in n.forms} for n in vocabulary().nutrients if len(n.forms) == 2]
    found = [f for pair in pairs if len(named & pair) == 1 for f in pair - named]
    return found[0] if len(found) == 1 else None


def _one_form(text: str, names: Sequence[tuple[str, str, str]] = ()) -> str | None:
    """The one form ``text`` names ("that form" after an answer about it); None when none or several."""
    named = list(dict.fromkeys(s.value for s in find_slots(text, names) if s.kind == "form"))
    return named[0] if len(named) == 1 else None


def _in_context(question: str, slots: list[Slot], earlier: Sequence[Slot],
                names: Sequence[tuple[str, str, str]], products: bool = False) -> list[Slot]:
    """The turn's slots as the earlier question reads them: "the <form> one" is that form when the
    earlier question named no product and was no question about products (``products``: it was, or
    the answer to it named one); a bare number ("and 8?") is a finding's number when the earlier
    question named a finding by its number."""
    out: list[Slot] = []
    products = products or any(s.kind == "product" for s in earlier)
    for s in slots:
        inner = _subject_slots(question, s.start, s.end, names) if _described(s, question) else []
        # the description is the nutrient or form alone: nothing but "the" and "one" around it
        around = [Slot("", "", 0, s.start), *inner, Slot("", "", s.end, len(question))]
        if inner and not products and not own_topic(question, around):
            out += inner
        else:
            out.append(s)
    numbered = any(s.kind == "study" and s.value.startswith("ref:") for s in earlier)
    if numbered and not any(s.kind == "study" for s in out) and (m := _BARE_NUMBER.match(question)):
        out.append(Slot("study", f"ref:{int(m.group(1))}", m.start(1), m.end(1)))
    return sorted(out, key=lambda s: s.start)


def _subject_slots(text: str, start: int, end: int, names: Sequence[tuple[str, str, str]]) -> list[Slot]:
    """The nutrients and forms named between ``start`` and ``end`` of ``text`` (inside a product's
    description: "the <form> one")."""
    found: list[Slot] = []
    for kind, value, pat in _slot_patterns(tuple(names)):
        if kind in SUBJECT_KINDS:
            for m in pat.finditer(text, start, end):
                if not any(s.start < m.end() and m.start() < s.end for s in found):
                    found.append(Slot(kind, value, m.start(), m.end()))
    return sorted(found, key=lambda s: s.start)


def _key(nutrient: str) -> str:
    return re.sub(r"[\s-]+", " ", fold(nutrient)).strip()


@functools.cache
def _form_owners() -> dict[str, str]:
    """Each form's nutrient (keys as :func:`_key` makes them)."""
    return {f.name: _key(n.name) for n in vocabulary().nutrients for f in n.forms}


def _replace_subject(base: str, new: Sequence[Slot], question: str,
                     names: Sequence[tuple[str, str, str]]) -> str:
    """``base`` with the nutrients and forms the turn's replace: a form replaces the earlier forms and
    any other nutrient ("and <form>?" after a question about another nutrient), a nutrient the
    earlier nutrients and their forms; a form's own nutrient stays ("what about <form>?" after a
    question about its nutrient)."""
    owners = _form_owners()
    forms = [s for s in new if s.kind == "form"]
    own = {owners.get(s.value) for s in forms}
    new = [s for s in new if s.kind == "form" or _key(s.value) not in own]  # "<nutrient>? the <form> one"
    old = [s for s in find_slots(base, names) if s.kind in SUBJECT_KINDS]
    if {s.value for s in new} <= {s.value for s in old}:
        return base  # nothing the earlier question did not name ("what dose of <one of them>")
    only_forms = all(s.kind == "form" for s in new)
    gone = [s for s in old if not (s.kind == "nutrient" and only_forms and _key(s.value) in own)]
    return _put(base, gone, _text_of(new, question))


def _replace_slot(base: str, kind: str, new: Sequence[Slot], question: str,
                  names: Sequence[tuple[str, str, str]]) -> str:
    """``base`` with its slots of ``kind`` replaced by the text that names ``new`` in ``question``:
    people named by their group alone keep the earlier condition ("and for children?" after
    "adults with anaemia"); a finding named by its number keeps the earlier words ("study 4" ->
    "study 8")."""
    old = [s for s in find_slots(base, names) if s.kind == kind]
    if kind == "product" and not old:
        old = _product_phrases(base)  # "the liquid product" -> "the <words> one" the turn describes
    if not old or {s.value for s in old} == {s.value for s in new}:
        return base
    if kind == "people" and not any(s.qualified for s in new):  # but "<condition> patients" are who they are
        old = [s if _people_word(s) else Slot(s.kind, s.value, *(s.core or (s.start, s.end))) for s in old]
    if kind == "people":  # "does a baby need" -> "does aged 45 need": the article goes with the people
        old = [Slot(s.kind, s.value, m.start() if (m := re.search(r"(?<![\w-])(?:a|an)\s+$", base[:s.start]))
                    else s.start, s.end, s.core) for s in old]
    refs = [s.value for s in new if s.value.startswith("ref:")]
    if kind == "study" and refs and all(s.value.startswith("ref:") for s in old):
        first = old[0]
        number = re.search(r"\d+", base[first.start:first.end])
        assert number is not None  # a finding's number
        at = first.start + number.start()
        return _put(base, [Slot(kind, first.value, at, first.start + number.end()), *old[1:]], refs[0][4:])
    return _put(base, old, _text_of(new, question))


def _product_phrases(text: str) -> list[Slot]:
    """The products ``text`` describes with a product word ("the liquid product", "that bottle")."""
    words = _words(followup_words().product_words)
    if not words:
        return []
    pat = rf"(?<![\w-])(?:the|that|this)\s+(?:[\w-]+\s+){{0,2}}?(?:{words})(?![\w-])"
    return [Slot("product", fold(m.group(0)), m.start(), m.end())
            for m in re.finditer(pat, text, re.IGNORECASE)]


def _text_of(new: Sequence[Slot], question: str) -> str:
    ordered = sorted(new, key=lambda s: s.start)
    between = [question[a.end:b.start] for a, b in itertools.pairwise(ordered)]
    texts = [_age_text(question[s.start:s.end]) if s.value == "age" else question[s.start:s.end]
             for s in ordered]
    if all(not b.strip() for b in between) and texts == [question[s.start:s.end] for s in ordered]:
        return question[ordered[0].start:ordered[-1].end]  # "pregnant women": one phrase
    if all(not re.search(r"\w", b) for b in between):  # "my son, he's 15", "his wife? she's 64"
        return " ".join(texts)
    return " and ".join(texts)


def _age_text(text: str) -> str:
    """Someone's age as the earlier question can hold it: "she's 64" -> "aged 64" (a range or a
    bound as written)."""
    from assistant.answer.dosage import dosage_cues

    for a in dosage_cues().population.ages:
        m = re.fullmatch(a.pattern, fold(text))
        if m and not a.months and [k for k, v in m.groupdict().items() if v is not None] == ["at"]:
            return f"aged {m.group('at')}"
    return text


def _put(base: str, old: Sequence[Slot], text: str) -> str:
    """``base`` with ``text`` where the first of ``old`` was and the others gone."""
    if not old:
        return base
    out = base
    ordered = sorted(old, key=lambda s: s.start)
    for s in reversed(ordered):
        out = out[:s.start] + (text if s is ordered[0] else "") + out[s.end:]
    return re.sub(r"\s{2,}", " ", out)


def _without_ruled_out(question: str) -> str:
    """The turn without the people it rules out ("healthy women, not ones with osteoporosis"): a
    negated phrase with a condition of people is what it is not about."""
    folded = fold(question)
    if len(folded) != len(question):
        return question
    cues = _cues()
    out = question
    for start, end in sorted(negated_spans(folded), reverse=True):
        if cues.condition.search(folded, start, end):
            cut = re.search(r"[\s,;]*$", out[:start])
            out = out[:cut.start() if cut else start] + out[end:]
    return out if content_tokens(out) else question


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
