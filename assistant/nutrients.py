"""Nutrients in text, from the vocabulary: which nutrients (and forms) a product names with which
amounts, and an amount's mass in micrograms (pure functions).

Names come from ``nutrients.yaml`` (a nutrient's name, its other terms, its forms' terms), from the
generic pattern "vitamin" + letter (+ digits), and from the names a caller adds (a page's own
supplement, for a nutrient the vocabulary does not know yet). An amount belongs to a name when it
stands in parentheses right after it ("vitamin C (250 mg)") or right before it ("65 mg of
the mineral", "28 mg of it"). IU becomes a mass only through the factor the vocabulary
gives for that nutrient or form; where it gives none, never.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.domain.vocabulary import Nutrient, vocabulary
from assistant.doses import Dose, parse_doses
from assistant.normalize import cue_fold

#: "vitamin" + a letter (+ digits) is a nutrient's name whether or not the vocabulary lists it
_VITAMIN = r"vitamin\s+[a-z](?:-?\d{1,2})?\b"


@dataclass
class NamedNutrient:
    """A nutrient a text names: its name, the amount as written (None when not given), its form."""

    nutrient: str
    amount: str | None = None
    form: str | None = None


@dataclass(frozen=True)
class _Names:
    pattern: re.Pattern[str]
    #: a term (casefolded) -> (nutrient name, form name or None)
    terms: dict[str, tuple[str, str | None]]
    form_of: re.Pattern[str] | None


def canonical_vitamin(name: str) -> str:
    """'Vitamin b6' (or 'vitamin b-6') -> 'vitamin B6'."""
    name = re.sub(r"\s+", " ", name.strip())
    return "vitamin " + re.sub(r"[\s-]", "", name.split(" ", 1)[1]).upper()


def _term_regex(term: str) -> str:
    words = re.split(r"[\s-]+", term.strip())
    return r"[\s-]*".join(re.escape(w) for w in words)


@functools.lru_cache(maxsize=64)
def _names(extra: tuple[str, ...]) -> _Names:
    terms: dict[str, tuple[str, str | None]] = {}
    for n in vocabulary().nutrients:
        for t in n.names():
            terms.setdefault(t.casefold(), (n.name, None))
        for f in n.forms:
            for t in [f.name, *f.terms]:
                terms.setdefault(t.casefold(), (n.name, f.name))
    for name in extra:
        terms.setdefault(name.casefold(), (name, None))
    alts = sorted(terms, key=len, reverse=True)
    pattern = re.compile(r"\b(?P<name>" + "|".join([_VITAMIN, *map(_term_regex, alts)]) + r")(?![\w-])",
                         re.IGNORECASE)
    forms = [t for t, (_, f) in terms.items() if f]
    nutrient_terms = [t for t, (_, f) in terms.items() if not f]
    form_of = (re.compile(rf"\b(?P<form>{'|'.join(map(_term_regex, forms))}) form of (?:vitamin )?"
                          rf"(?P<of>{'|'.join(map(_term_regex, nutrient_terms))}|[a-z]\d)\b", re.IGNORECASE)
               if forms else None)
    return _Names(pattern, terms, form_of)


def _lookup(names: _Names, written: str) -> tuple[str, str | None]:
    """The (nutrient, form) a matched name stands for (any spacing or hyphen inside it alike)."""
    key = re.sub(r"[\s-]+", "", written.casefold())
    for term, value in names.terms.items():
        if re.sub(r"[\s-]+", "", term) == key:
            return value
    if re.match(r"vitamin\s", written, re.IGNORECASE):
        return canonical_vitamin(written), None
    return written.strip(), None


@functools.lru_cache(maxsize=1)
def form_words() -> frozenset[str]:
    """The content words of every form the vocabulary names, by its name or a term for it."""
    from assistant.normalize import content_tokens

    return frozenset(t for n in vocabulary().nutrients for f in n.forms for w in (f.name, *f.terms)
                     for t in content_tokens(w))


def form_spellings(form: str) -> tuple[str, ...]:
    """A form's name and the vocabulary's terms for it ("<form>", "<form>s")."""
    return tuple(dict.fromkeys([form, *(t for n in vocabulary().nutrients for f in n.forms
                                        if f.name.casefold() == form.casefold() for t in f.terms)]))


def mentioned_nutrients(text: str, extra_names: Sequence[str] = ()) -> list[str]:
    """The nutrients a text names, each once, in order: by a vocabulary name or term, a form's (its
    nutrient then), "vitamin" + a letter (+ digits), or one of ``extra_names``."""
    names = _names(tuple(extra_names))
    return list(dict.fromkeys(_lookup(names, m.group("name"))[0] for m in names.pattern.finditer(text)))


def _amount_before(text: str, start: int) -> str | None:
    """The dose that ends right before ``start`` ("65 mg of ", "28 mg ")."""
    head = text[max(0, start - 40):start]
    doses = parse_doses(head)
    if doses and re.fullmatch(r"\s*(?:of\s+)?", head[doses[-1].end:]):
        return head[doses[-1].start:doses[-1].end].strip()
    return None


def _paren_after(text: str, end: int) -> str | None:
    m = re.match(r"\s*\((?P<paren>[^)]*)\)", text[end:])
    return m.group("paren") if m else None


def read_nutrients(sentence: str, full_text: str = "",
                   extra_names: Sequence[str] = ()) -> list[NamedNutrient]:
    """The nutrients ``sentence`` names with their amounts and forms, in order, each once.

    ``full_text``: the whole description, read for "<form> form of <nutrient>" only.
    ``extra_names``: more nutrient names (e.g. the page's own supplement).
    """
    names = _names(tuple(extra_names))
    out: list[NamedNutrient] = []
    for m in names.pattern.finditer(sentence):
        nutrient, form = _lookup(names, m.group("name"))
        paren = _paren_after(sentence, m.end())
        amount = _amount_before(sentence, m.start())  # "65 mg of <name> (from 325 mg of a salt)"
        if amount is None and paren is not None and (doses := parse_doses(paren)):
            amount = paren[doses[0].start:doses[0].end].strip()
        if paren and not form:
            form = next((f for t, (n, f) in names.terms.items() if f and n == nutrient
                         and re.search(rf"\b{_term_regex(t)}\b", paren, re.IGNORECASE)), None)
        seen = next((n for n in out if n.nutrient.casefold().startswith(nutrient.casefold())), None)
        if seen is not None:  # named again ("vitamin B" after "vitamin B6", a form after its nutrient)
            seen.amount = seen.amount or amount
            seen.form = seen.form or form
            continue
        out.append(NamedNutrient(nutrient, amount, form))
    if names.form_of is not None:
        for fm in names.form_of.finditer(full_text):
            of = fm.group("of").casefold()
            form = _lookup(names, fm.group("form"))[1]
            for n in out:
                if n.form is None and n.nutrient.casefold().endswith(of):
                    n.form = form
    return out


def micrograms(nutrient: str, form: str | None, dose: Dose | None) -> float | None:
    """The (low) amount in µg: mass units directly, IU through the vocabulary's factor for the
    form (else the nutrient); None when the dose is missing or no factor is known."""
    if dose is None:
        return None
    if dose.micrograms is not None:
        return dose.micrograms
    factor = ug_per_iu(nutrient, form)
    return None if factor is None else dose.low * factor


def ug_per_iu(nutrient: str, form: str | None = None) -> float | None:
    """Micrograms in one IU of this nutrient (or form), or None when the vocabulary gives none."""
    n = _vocabulary_nutrient(nutrient)
    if n is None:
        return None
    return next((f.ug_per_iu for f in n.forms if form and f.name.casefold() == form.casefold()), n.ug_per_iu)


def _vocabulary_nutrient(name: str) -> Nutrient | None:
    """The vocabulary's entry for a nutrient, by its name (the first, as the file orders them)."""
    return next((n for n in vocabulary().nutrients if n.name.casefold() == name.casefold()), None)


def nutrient_before(text: str, start: int) -> str | None:
    """The nutrient named last in the few words before an amount at ``start``, counted from the
    last "+", ";" or "," there (its own name's part: "<A> + <B> 400 mcg" is <B>'s), or None."""
    named = read_nutrients(re.split(r"[+;,]", text[max(0, start - 40):start])[-1])
    return named[-1].nutrient if named else None


def joined_nutrients_end(text: str, at: int) -> int:
    """Where the nutrients joined on by "+" at ``at`` end ("... + <A> + <B> tablet": after <B>), each
    named without an amount; ``at`` when none is."""
    pattern = _names(()).pattern
    end = at
    while (m := re.match(r"\s*\+\s*", text[end:])) and (n := pattern.match(text, end + m.end())):
        end = n.end()
    return end


def parts_of(nutrient: str) -> tuple[str, ...]:
    """The nutrients whose amounts together are ``nutrient``'s (the vocabulary's ``parts``)."""
    n = _vocabulary_nutrient(nutrient)
    return tuple(n.parts) if n is not None else ()


def one_of(named: str, nutrient: str) -> bool:
    """Is an amount of ``named`` one of ``nutrient``'s: the same nutrient by a more or less specific
    name (a letter and the letter with its number), or one of its parts?"""
    a, b = named.casefold(), nutrient.casefold()
    return a.startswith(b) or b.startswith(a) or a in {p.casefold() for p in parts_of(nutrient)}


def same_nutrient(a: str, b: str) -> bool:
    """Is either of two nutrient names one of the other's (:func:`one_of`, read both ways)?"""
    return one_of(a, b) or one_of(b, a)


def compound_form(nutrient: str, form: str) -> bool:
    """Is an amount of this form the weight of a compound, not of the nutrient in it (the
    vocabulary's ``compound``: a salt whose weight is mostly not the mineral's)?"""
    n = _vocabulary_nutrient(nutrient)
    return n is not None and any(f.compound for f in n.forms if f.name.casefold() == form.casefold())


@functools.lru_cache(maxsize=1)
def _nutrient_words() -> frozenset[str]:
    """The folded words of every nutrient's names in the vocabulary."""
    return frozenset(w for n in vocabulary().nutrients for t in n.names()
                     for w in re.findall(r"[\w-]+", cue_fold(t)))


def name_lead(name: str) -> tuple[str, ...] | None:
    """A product name said short: the (folded) first two words of a name of three words or more
    that opens with no nutrient's word ("<brand> <nutrient>" of "<brand> <nutrient> <form> Plus
    <nutrient>"); the one word of a brand's coined name before its strength ("<BrandWord> <figure>",
    the word written with a capital inside it: "OmegaMax 1000" said "omegamax"). None for any other
    name."""
    raw = re.findall(r"[\w-]+", name)
    words = [cue_fold(w) for w in raw]
    if not words or words[0] in _nutrient_words():
        return None
    if len(words) >= 3:
        return words[0], words[1]
    coined = len(words) == 2 and words[1].isdigit() and re.search(r"[a-z][A-Z]", raw[0]) is not None
    return (words[0],) if coined else None
