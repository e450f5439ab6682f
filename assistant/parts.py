"""A question that asks two things, split into its asks (pure).

"What's the RDA for women 19-50, and which product has the most?" is two questions: each is answered
in turn (a later one as a follow-up of the earlier, so "which one also has X?" keeps its subject)
and the answers are joined. A question is split before a word of the lexicon's ``part_openers``
that follows "?", ";" or an "and" / "also" / "plus" joint, where the side before carries at least
:data:`MIN_TOPIC_WORDS` topic words and the side after :data:`MIN_LATER_TOPIC_WORDS` ("what dose
and what result?" stays one question).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from assistant import messages as msg
from assistant.domain.vocabulary import vocabulary
from assistant.followup import followup_words, points_at_amount
from assistant.normalize import content_tokens
from assistant.types import Answer, Caution, Citation, ProductRow

#: topic words the first part must carry to stand as a question of its own
MIN_TOPIC_WORDS = 2
#: ... and a later part that asks a quantity or points at the amount the earlier part asks about
#: (answered as a follow-up of the earlier, it keeps that part's subject: "the gummy, what flavour is
#: it and how much <component>?", "what dose did the trial use, and is that much too high?"; not
#: after "how much is in <product>": the unsplit question sets its amount beside the limit itself);
#: any other later part needs MIN_TOPIC_WORDS ("which one is <form a> and which is <form b>" stays
#: one question)
MIN_LATER_TOPIC_WORDS = 1
_QUANTITY = re.compile(r"how\s+(?:much|many|long|often)\b", re.IGNORECASE)
#: at most this many parts (a longer list of asks is answered as one question)
MAX_PARTS = 3


@functools.cache
def _joint() -> re.Pattern[str]:
    openers = "|".join(re.escape(w) for w in sorted(vocabulary().lexicon.part_openers, key=len, reverse=True))
    if not openers:
        return re.compile(r"(?!)")
    return re.compile(rf"(?:[?;]+\s*|[,;]?\s+(?:and|also|plus)\s+(?:also\s+)?)(?=(?:{openers})\b)",
                      re.IGNORECASE)


def split_asks(question: str) -> list[str]:
    """The question's asks, in order; one element when it asks one thing."""
    parts: list[str] = []
    start = 0
    for m in _joint().finditer(question):
        head, tail = question[start:m.start()], question[m.end():]
        later = MIN_LATER_TOPIC_WORDS if _QUANTITY.match(tail) or (
            points_at_amount(tail) and not _QUANTITY.match(head)) else MIN_TOPIC_WORDS
        asked = question[m.start():m.end()].strip().startswith("?")
        if len(content_tokens(head)) >= MIN_TOPIC_WORDS and len(content_tokens(tail)) >= later and (
                asked or not _states(head)):  # "I take <x>; can I add <y>?": what is said first is no ask
            parts.append(head.strip(" ,;") + ("?" if asked else ""))
            start = m.end()
    parts.append(question[start:].strip())
    parts = [p for p in parts if p]
    return parts if 1 < len(parts) <= MAX_PARTS else [question]


def _states(text: str) -> bool:
    """Does a part only state something of the asker or another person (each clause opens with a
    word of the lexicon's ``followups.persons``: "I take <a medicine>", "my son is 15"), with no
    question mark? Then it is what the ask after it is asked about, not an ask of its own."""
    opener = _person_opener()
    clauses = [c.strip() for c in re.split(r"[;:–—]|[,.](?=\s)|\s-\s", text) if c.strip()]  # not "2.5 mg"
    return opener is not None and "?" not in text and bool(clauses) and all(opener.match(c) for c in clauses)


@functools.cache
def _person_opener() -> re.Pattern[str] | None:
    """A word for the asker, a "he" or a "she" (lexicon ``followups.persons``), as a whole word."""
    persons = followup_words().persons
    words = "|".join(re.escape(w) for k in ("self", "he", "she") for w in persons.get(k, []))
    return re.compile(rf"(?:{words})\b", re.IGNORECASE) if words else None


#: a citation marker ("[3]"), its number the group
_MARKER = re.compile(r"\[(\d+)\]")


def _renumber(text: str, offset: int) -> str:
    return _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", text) if offset else text


def _tail(text: str) -> tuple[str, str]:
    """(the cited text, what follows its last marker: a referral, which the joined answer says once)."""
    m = re.search(r"\][.!?;:]*(?=[^\]]*$)", text)
    if m is None or not re.search(r"\w", text[m.end():]):
        return text, ""
    return text[:m.end()], text[m.end():].strip()


#: a lead-in after a page's name has at least this many words ("The research finding on ...")
_LEAD_WORDS = 4


def _led(sentence: str) -> set[str]:
    """A sentence, and what follows its lead-in when it has one ("<lead>: <what it states>"); after
    a page's name, a lead-in of a few words too ("<page>: <lead>: <what it states>"; not a field's
    people, "<page>: For adults: <value>")."""
    pieces = sentence.split(": ")
    led = {sentence, ": ".join(pieces[1:])} if len(pieces) > 1 else {sentence}
    if len(pieces) > 2 and len(pieces[1].split()) >= _LEAD_WORDS:
        led.add(": ".join(pieces[2:]))
    return led


def _unsaid(body: str, said: set[tuple[str, tuple[str, ...]]], chunks: dict[int, str]) -> str:
    """The body without the sentences an earlier part already said, citing the same passages (two
    asks answered by one finding state it once, also where the later one leads it in with words of
    its own: "The research finding on the study asked about: <finding>"; a note both quote after a
    sentence of their own is said once, after the first); what is kept is added to ``said``. A
    lead-in that opens a list ("Research findings in the population asked about: <a> [1] <b> [2]")
    is kept with its first item, said or not, where the list goes on with something not said."""
    kept: list[str] = []
    parts = re.split(r"(?<=\])\s+", body)
    for i, part in enumerate(parts):
        key = _key(part, chunks)
        opens = len(_led(key[0])) > 1 and any(
            _key(p, chunks)[1] and not _said_before(_key(_last_sentence(p)[1], chunks), said)
            for p in parts[i + 1:])
        if not opens and _said_before(key, said):
            continue
        lead, last = _last_sentence(part)
        if lead and _said_before(_key(last, chunks), said):  # its own sentences, then one said before
            kept.append(lead)
            continue
        said.update({key, _key(last, chunks)})
        kept.append(part)
    return " ".join(kept)


def _key(part: str, chunks: dict[int, str]) -> tuple[str, tuple[str, ...]]:
    """A part's sentences without markers, and the passages its markers cite."""
    return _MARKER.sub("", part).strip(), tuple(chunks.get(int(n), n) for n in _MARKER.findall(part))


def _said_before(key: tuple[str, tuple[str, ...]], said: set[tuple[str, tuple[str, ...]]]) -> bool:
    """Did an earlier part say this, citing the same passages (its lead-in aside)?"""
    return bool(key[1]) and any(ids == key[1] and _led(text) & _led(key[0]) for text, ids in said)


def _last_sentence(part: str) -> tuple[str, str]:
    """(the sentences of a part before its last one, which carries its markers; the last one)."""
    found = list(re.finditer(r"(?<=[.!?])\s+(?=[A-Z])", part))
    if not found:
        return "", part
    return part[:found[-1].start()].rstrip(), part[found[-1].end():].strip()


def _compact(text: str, citations: list[Citation], cautions: list[Caution], table: list[ProductRow]
             ) -> tuple[str, list[Citation], list[Caution], list[ProductRow]]:
    """The citations the text, a caution or a table row still cites, numbered 1, 2, ... in order, and
    the text, cautions and rows with their markers moved to match."""
    used = ({int(n) for n in _MARKER.findall(text)} | {c.citation.marker for c in cautions if c.citation}
            | {r.marker for r in table})
    new = {c.marker: i for i, c in enumerate((c for c in citations if c.marker in used), start=1)}
    if len(new) == len(citations):
        return text, citations, cautions, table

    def to(marker: int) -> int:
        return new.get(marker, marker)

    moved = _MARKER.sub(lambda m: f"[{to(int(m.group(1)))}]", text)
    return moved, [c.model_copy(update={"marker": new[c.marker]}) for c in citations if c.marker in new], [
        c.model_copy(update={"citation": c.citation.model_copy(update={"marker": to(c.citation.marker)})})
        if c.citation is not None else c for c in cautions], [
        r.model_copy(update={"marker": to(r.marker)}) for r in table]


def merge_answers(question: str, answers: Sequence[Answer]) -> Answer:
    """One answer from the answers to a question's asks, in order: markers renumbered, cautions
    once each, a part the monograph does not cover said as such, a referral once at the end. All
    parts unanswered: the first part's abstention."""
    if all(a.abstained for a in answers):
        return answers[0].model_copy(update={"question": question})
    texts: list[str] = []
    tails: list[str] = []
    citations: list[Citation] = []
    cautions: list[Caution] = []
    table: list[ProductRow] = []
    shown: set[tuple[str, str, str]] = set()
    said: set[tuple[str, tuple[str, ...]]] = set()
    first = next(a for a in answers if not a.abstained)
    for a in answers:
        if a.abstained:
            texts.append(msg.PART_NOT_COVERED)
            continue
        offset = len(citations)
        body, tail = _tail(a.text)
        chunks = {c.marker + offset: c.chunk_id for c in a.citations}
        texts.append(_unsaid(_renumber(body, offset), said, chunks))
        if tail and tail not in tails:
            tails.append(tail)
        citations += [c.model_copy(update={"marker": c.marker + offset}) for c in a.citations]
        table += [r.model_copy(update={"marker": r.marker + offset}) for r in a.table]
        for c in a.cautions:
            key = (c.kind, c.text, c.citation.chunk_id if c.citation else "")
            if key not in shown:
                shown.add(key)
                cit = c.citation
                moved = cit.model_copy(update={"marker": cit.marker + offset}) if cit is not None else None
                cautions.append(c.model_copy(update={"citation": moved}))
    done = [a for a in answers if not a.abstained]
    joined = " ".join(t for t in [*texts, *tails] if t)
    text, citations, cautions, table = _compact(joined, citations, cautions, table)
    return Answer(question=question, text=text, citations=citations, cautions=cautions,
                  abstained=False, mode=first.mode, table=table,
                  dropped=[d for a in done for d in a.dropped], support=min(a.support for a in done),
                  corrected={k: v for a in answers for k, v in a.corrected.items()})
