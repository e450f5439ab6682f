"""Choices the passages cited do not settle.

A question that offers two things to choose between ("<a> or <b>?") is answered only when the
passages cited name one of them. When they name neither, the answer says so rather than let
sentences about something else stand for the choice. A question whether what is said reaches
something more ("does <it> apply to <a> too?") is told so, likewise, when the passages cited never
mention that something.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Container, Mapping, Sequence

from assistant import messages as msg
from assistant.domain.vocabulary import vocabulary
from assistant.normalize import (
    asking_sentences,
    content_tokens,
    cue,
    cue_fold,
    mentioned_classes,
    negated_spans,
    sentences_of,
)
from assistant.nutrients import mentioned_nutrients

#: one side of a choice is at most this many words
_SIDE_WORDS = 2
#: a side is named by a word of the answer that begins with the same letters as one of its words
#: ("pregnancy" by "pregnant"), when both are at least this long
_SHARED_START = 6
_WORD = r"[a-z0-9][\w+-]*"
_CHOICE = re.compile(rf"((?:{_WORD}\s+){{0,{_SIDE_WORDS - 1}}}{_WORD})\s+or\s+"
                     rf"((?:{_WORD}\s+){{0,{_SIDE_WORDS + 1}}}{_WORD})")


def _in_side(word: str) -> bool:
    """A content word, or a letter that goes with one ("vit d")."""
    return len(word) == 1 or bool(content_tokens(word))


def _side(words: Sequence[str]) -> str:
    """The words as one side, if they hold a content word."""
    return " ".join(words) if content_tokens(" ".join(words)) else ""


def _left_side(words: Sequence[str]) -> str:
    """The content words that end right before "or" (none when a function word comes first)."""
    side: list[str] = []
    for w in reversed(words):
        if not _in_side(w):
            break
        side.insert(0, w)
    while side and len(side[0]) == 1:  # a letter goes with the word before it: "a" opens no side
        side.pop(0)
    return _side(side)


def _right_side(words: Sequence[str]) -> str:
    rest = list(words)
    openers = vocabulary().lexicon.choice_openers
    while rest and rest[0] in openers:
        rest.pop(0)
    if rest and rest[0] in vocabulary().lexicon.choice_ranges:
        return ""  # "<a> or younger": a range, not a choice
    side: list[str] = []
    for w in rest[:_SIDE_WORDS]:
        if not _in_side(w):
            break
        side.append(w)
    return _side(side)


def offered_choices(question: str) -> list[tuple[str, str]]:
    """The pairs a question offers to choose between ("is it <a> or <b>?"), each side made of
    content words only, as the question writes them (folded). A choice inside a negated phrase is
    none ("not on <a> or <b>": what the user does not take)."""
    text = cue_fold(asking_sentences(question))
    negated = negated_spans(text)
    out: list[tuple[str, str]] = []
    for m in _CHOICE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in negated):
            continue
        left, right = _left_side(m.group(1).split()), _right_side(m.group(2).split())
        if left and right:
            out.append((left, right))
    return out


def offered_words(question: str, asked: Sequence[str], known: Container[str]) -> frozenset[str]:
    """The content words of the options a question offers for what it asks with one of ``asked``
    (cues such as "what kind of"): both sides of a choice in the sentence that asks it ("what type
    of <nutrient> is in it, <a> or <b>?") and the items of the sentence right after it when that
    sentence only lists options ("<a>, <b>?"), each only when every word of it is ``known`` (the
    words of the forms the vocabulary names). Options of another sentence ("ok with <a> or <b>?"),
    words no form has ("<medicine>, <condition>?") and a medicine or condition are none of them."""
    sentences = sentences_of(cue_fold(question))
    sides: list[str] = []
    for i, sentence in enumerate(sentences):
        if not cue(asked).search(sentence):
            continue
        sides += [side for pair in offered_choices(sentence) for side in pair]
        if i + 1 < len(sentences) and (items := _listed(sentences[i + 1])):
            sides += items
    return frozenset(t for side in sides if not mentioned_classes([side])
                     and all(w in known for w in content_tokens(side)) for t in content_tokens(side))


def _listed(sentence: str) -> list[str]:
    """The items of a sentence that only lists options ("<a>, <b>?", "<a> or <b>?"), else none."""
    if not sentence.rstrip().endswith("?"):
        return []
    items = [i.strip() for i in re.split(r",|\bor\b", sentence.rstrip(" ?")) if i.strip()]
    return items if len(items) >= 2 and all(len(i.split()) <= _SIDE_WORDS for i in items) else []


def _shares_start(token: str, tokens: frozenset[str]) -> bool:
    return len(token) >= _SHARED_START and any(
        len(t) >= _SHARED_START and t[:_SHARED_START] == token[:_SHARED_START] for t in tokens)


def _used(token: str, tokens: frozenset[str]) -> bool:
    """Do the lines' tokens hold the word, or one that begins the same?"""
    return token in tokens or _shares_start(token, tokens)


def _named(side: str, tokens: frozenset[str], nutrients: frozenset[str]) -> bool:
    """Do the answer's lines name one side: one of its content words (or a word that begins the
    same), or its nutrient (by any name or form of it)?"""
    return (any(_used(t, tokens) for t in content_tokens(side))
            or any(n in nutrients for n in mentioned_nutrients(side)))


def _said_otherwise(pair: str, corpus_words: Container[str]) -> bool:
    """Might the passages name the pair's sides in other words? A medicine, a condition or anything
    else of an interaction class (its caution speaks of it by its class), people ("a man or a woman":
    the page's groups), and lay words the corpus never uses ("tired or exhausted": it says fatigue)."""
    return _said_in_other_words(pair) or not any(t in corpus_words for t in content_tokens(pair))


def _said_in_other_words(thing: str) -> bool:
    """Might the passages speak of it in their own words: a medicine, a condition or anything else of
    an interaction class (by its class), or people (the page's groups)? A word the corpus never uses
    is not mentioned (the lexicon's rewrites already read a lay word as the page's)."""
    from assistant.answer.scope import field_words

    return bool(mentioned_classes([thing], questions=False)) or bool(field_words(thing))


def unsettled_choices(question: str, lines: Sequence[str], corpus_words: Container[str],
                      lacking: Collection[str] = ()) -> list[str]:
    """One sentence for each choice the question offers that the answer's lines name neither side
    of ("is it <a> or <b>?" answered by passages that name neither), but for a pair the passages
    might name in other words (``corpus_words``: every word the corpus uses, as tokens); and one for
    each side the lines do not name whose words are all ``lacking`` (words the pages lack, taken as
    no topic because the other side is named: :func:`one_sided`)."""
    text = " ".join(lines)
    tokens = frozenset(content_tokens(text))
    nutrients = frozenset(mentioned_nutrients(text))
    choices = offered_choices(question)
    neither = [msg.NEITHER_NAMED.format(first=a, second=b) for a, b in choices
               if not _said_otherwise(f"{a} or {b}", corpus_words)
               and not _named(a, tokens, nutrients) and not _named(b, tokens, nutrients)]
    # "with <a> or <b>?" where the lines name <b> and the pages lack <a>: what they say is of <b>
    one = [msg.SIDE_UNMENTIONED.format(side=x) for a, b in choices for x, y in ((a, b), (b, a))
           if _named(y, tokens, nutrients) and not _named(x, tokens, nutrients)
           and (own := set(content_tokens(x))) and own <= set(lacking)]
    return neither + one


def one_sided(question: str, off_topic: Collection[str]) -> frozenset[str]:
    """The off-topic words that make up one side of a choice the question offers whose other side
    holds none ("can I take it with <a> or <b>?", the page naming <b>): the passages may answer of
    the other side, and the answer says they never mention this one (:func:`unsettled_choices`)."""
    out: set[str] = set()
    for a, b in offered_choices(question):
        for this, other in ((set(content_tokens(a)), set(content_tokens(b))),
                            (set(content_tokens(b)), set(content_tokens(a)))):
            if this and this <= set(off_topic) and other and not other & set(off_topic):
                out |= this
    return frozenset(out)


#: the thing a question asks whether what is said reaches is at most this many words
_EXTENSION_WORDS = 8
#: what ends that thing: "too", "as well", "also", "or", "either", a comma or the end of the sentence
_EXTENSION_END = re.compile(
    r"\s+(?:too|as well|also|either|or|and is|and does|and would)\b|[,;:?!]|\.(?!\d)|$")


@functools.lru_cache(maxsize=4)
def _extension_leads(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The leads, each its own regex (not a whole-word cue: each ends where the next word begins)."""
    return tuple(re.compile(p) for p in patterns)


def _lead_matches(text: str) -> list[re.Match[str]]:
    """Where the lexicon's ``extension_leads`` match the (folded) text, in order."""
    leads = _extension_leads(tuple(vocabulary().lexicon.extension_leads))
    found = [m for p in leads for m in p.finditer(text)]
    return sorted(found, key=lambda m: m.start())


def extension_words(question: str) -> frozenset[str]:
    """The content words with which a question asks whether what is said reaches something more:
    that something's, and those of the lead that asks it but what is said ("does <it> count <a>
    too?", "is <it> on top of <a>"): none of them is a topic the passages must hold."""
    text = cue_fold(asking_sentences(question))
    asking = [t for m in _lead_matches(text) for t in content_tokens(m.group(0))
              if t not in content_tokens(m.groupdict().get("subject") or "")]
    return frozenset([*asking, *(t for x in offered_extensions(question) for t in content_tokens(x))])


def offered_extensions(question: str) -> list[str]:
    """What a question asks whether the passages' word reaches ("does <it> apply to <a> too?", "is
    <it> the same if you're <a>?"; the lexicon's ``extension_leads``): the words after a lead, up to
    "too", "as well", "or" or a comma, at most a few (folded), where they hold a content word and no
    number ("in their 80s", "at 5000 IU": the fields' ages and amounts). One in a negated phrase is
    none."""
    text = cue_fold(asking_sentences(question))
    negated = negated_spans(text)
    out: list[str] = []
    for m in _lead_matches(text):
        if any(a < m.end() and m.start() < b for a, b in negated):
            continue
        rest = text[m.end():].lstrip()
        words = rest[:_EXTENSION_END.search(rest).start()].split()  # type: ignore[union-attr]
        if (0 < len(words) <= _EXTENSION_WORDS and content_tokens(" ".join(words))
                and not re.search(r"(?<![a-z-])\d", " ".join(words))):  # (an age, an amount: the fields')
            out.append(" ".join(words))
    return list(dict.fromkeys(out))


def unsettled_extensions(question: str, lines: Sequence[str], own_words: Container[str]) -> list[str]:
    """One sentence for each thing the question asks whether the answer's lines reach ("does <it>
    apply to <a> too?") that they never mention: by none of its words but the pages' own names
    (``own_words``: "<x> oil" is named by its "<a>", not its "oil"), nor a word that begins the same.
    Not for what the passages might say in other words (:func:`_said_in_other_words`: people, a
    medicine; a word the corpus never uses is mentioned nowhere)."""
    tokens = frozenset(content_tokens(" ".join(lines)))
    sides = {side for pair in offered_choices(question) for side in pair}  # ("<a> or <b>": a choice's)
    out: list[str] = []
    for thing in (x for x in offered_extensions(question) if x not in sides):
        own = [t for t in content_tokens(thing) if t not in own_words]
        if own and not _said_in_other_words(thing) and not any(
                _used(t, tokens) for t in own):
            out.append(msg.NOT_EXTENDED.format(thing=thing))
    return out


def unmentioned_scene(question: str, words: Sequence[str], lines: Sequence[str],
                      typed: Mapping[str, str] | None = None) -> list[str]:
    """The sentence saying the answer's lines never mention the words (content tokens) the
    question uses only to set the scene ("I run marathons, how much <x> a day?"): each run of
    such words as the user wrote them (``typed``: a corrected word -> as typed), quoted; none when
    the lines use them all (or a word that begins the same). Not people, nor a medicine or condition
    of an interaction class: their own notes speak of them (:func:`_said_in_other_words`)."""
    tokens = frozenset(content_tokens(" ".join(lines)))
    unsaid = {w for w in words if not _used(w, tokens)}
    runs: list[list[str]] = [[]]
    for m in re.finditer(r"[\w'’-]+", question):
        if set(content_tokens(m.group(0))) & unsaid:
            runs[-1].append((typed or {}).get(m.group(0).casefold(), m.group(0)))
        elif runs[-1]:
            runs.append([])
    things = [f"“{' '.join(r)}”" for r in runs if r and not _said_in_other_words(" ".join(r))]
    if not things:
        return []
    listed = things[0] if len(things) == 1 else f"{', '.join(things[:-1])} or {things[-1]}"
    return [msg.SCENE_UNMENTIONED.format(things=listed)]
