"""The grounding gate: deterministic checks that every generated sentence must pass.

Whatever a chat model writes (:mod:`assistant.answer.generative`) passes :func:`check_sentence`,
plain code that no model can talk its way past; :func:`grounding_gate` applies it to a whole text.
The same function runs in the pipeline and in the tests. The checks, in the order they run (the
first that fails names the drop, see :data:`CHECKS`):

* ``citation`` - the sentence carries at least one ``[n]`` naming a passage the model was given;
* ``form`` - a sentence, not scaffolding: words besides its markers, no "[n]" placeholder or
  "(Section — Title)" header copied from the prompt, not a bare title;
* ``injection`` - no cited passage carries instructions aimed at the assistant;
* ``advice`` - the sentence does not tell the reader to start, stop, skip, double, switch or change
  a medicine, supplement or dose (any medicine: verb + possessive + medicine word, imperatives);
* ``personal_dose`` - no number at all when the question asked for a personal dose;
* ``numbers`` - every number stands in the cited passage(s), units normalised (µg = mcg), with the
  same time basis (per day is not per week); "three years" is 3 years;
* ``safety`` - an assertion of safety ("safe", "fine to take", "no interaction", "no need to
  monitor", "won't affect") only where the cited passage asserts the same itself;
* ``certainty`` - no "will/always/definitely/proven/guarantees..." that the passage does not use,
  and what the passage only hedges ("may interfere", "exploring ... slowing") stays hedged;
* ``polarity`` - the sentence's negations stand in the passage, and the passage's do not vanish
  ("did not significantly affect" may not become "significantly improved");
* ``direction`` - a finding keeps its direction (reduced is not raised, slowed is not
  accelerated), and a null or mixed finding is not turned into an effect or back;
* ``support`` - the words that carry the claim stand in the cited passage: every named nutrient,
  form, drug or condition, and all but a small share of the rest.

The word lists live in ``assistant/domain/gate_rules.yaml`` (:func:`load_rules`); the retrieval
stopword list is not used here (it removes "safe", "no", "not", "need"...). Sentences that fail are
dropped and recorded as :class:`~assistant.types.DroppedSentence`; when too little survives, the
caller falls back to the extractive answer. Abstention and cautions are decided outside.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from assistant.answer.cautions import is_injection
from assistant.doses import parse_doses, unsupported_numbers
from assistant.errors import FileLineError
from assistant.normalize import lexical_form
from assistant.types import DroppedSentence

RULES_PATH = Path(__file__).resolve().parent.parent / "domain" / "gate_rules.yaml"

MARKER_RE = re.compile(r"\[(\d+)\]")
#: a sentence ends at . ! ? (markers may stand before or after it) followed by white space
_END = re.compile(r"(?:(?:\s*\[\d+\])+[.!?]|[.!?](?:\s*\[\d+\])*)(?=\s)|\n")

#: the checks in the order they run; ``DroppedSentence.check`` is one of these
CHECKS = ("citation", "form", "injection", "advice", "personal_dose", "numbers", "safety", "certainty",
          "polarity", "direction", "support")


# --------------------------------------------------------------------------- the rules file


class GateRulesError(FileLineError):
    """A bad ``gate_rules.yaml``; ``str()`` is ``path:line: problem``."""


def _valid_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
    return pattern


Regex = Annotated[str, AfterValidator(_valid_regex)]
Word = Annotated[str, Field(min_length=1)]


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NegationRules(_Rules):
    triggers: list[Word] = Field(min_length=1)
    terminators: list[Word]
    scope: int = Field(ge=1, le=20)
    predicate: int = Field(ge=1, le=5)


class CertaintyRules(_Rules):
    words: list[Word]
    emphatic: list[Word]
    hedges: list[Word]
    claim_words: list[Word]


class DirectionRules(_Rules):
    classes: dict[str, list[Word]] = Field(min_length=2)
    compatible: list[list[Word]] = Field(default_factory=list)
    null_patterns: list[Regex]
    target: int = Field(ge=1, le=8)


class AdviceRules(_Rules):
    verbs: list[Word] = Field(min_length=1)
    possessives: list[Word] = Field(min_length=1)
    medicines: list[Word] = Field(min_length=1)
    medicine_patterns: list[Regex]
    imperative_openers: list[Regex]
    replacement_patterns: list[Regex]


class SupportRules(_Rules):
    function_words: list[Word]
    framing: list[Word]
    entity_patterns: list[Regex]
    synonyms: list[list[Word]]
    broader: dict[str, list[Word]]
    max_unsupported: float = Field(ge=0.0, le=1.0)


class GateRules(_Rules):
    """The validated contents of ``gate_rules.yaml``."""

    negation: NegationRules
    safety_patterns: dict[str, Regex] = Field(min_length=1)
    certainty: CertaintyRules
    direction: DirectionRules
    advice: AdviceRules
    injection_patterns: list[Regex]
    form_patterns: list[Regex]
    support: SupportRules


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int:
    """The 1-based line of the YAML node at ``loc`` (as far down as it exists)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            nxt = node.value[key]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


def parse_rules(text: str, path: Path | str = RULES_PATH) -> GateRules:
    """Validate the rules in ``text``; :class:`GateRulesError` naming the file and line otherwise."""
    try:
        raw = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise GateRulesError(path, (mark.line + 1) if mark else 1, f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise GateRulesError(path, 1, "expected a mapping of rule groups")
    try:
        return GateRules.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise GateRulesError(path, _line_of(root, err["loc"]), f"{where}: {err['msg']}") from exc


def load_rules(path: Path | str | None = None) -> GateRules:
    """The gate's rules (``ASSISTANT_GATE_RULES`` or the packaged file), read once per path."""
    return _load_rules(str(path or os.environ.get("ASSISTANT_GATE_RULES") or RULES_PATH))


@functools.lru_cache(maxsize=4)
def _load_rules(path: str) -> GateRules:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise GateRulesError(path, 1, f"cannot read: {exc}") from exc
    return parse_rules(text, path)


# --------------------------------------------------------------------------- compiled lexicons


def _words_re(words: Iterable[str]) -> str:
    """An alternation of plain words/phrases (longest first; spaces match any white space)."""
    alts = sorted({w.strip().casefold() for w in words}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, a.split())) for a in alts)


def _phrases(entries: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Word tuples, longest first (so "failed to" wins over a one-word trigger)."""
    return tuple(sorted({tuple(t.casefold().split()) for t in entries}, key=len, reverse=True))


@dataclass(frozen=True)
class _Lexicon:
    """Everything the checks need, compiled once from :class:`GateRules`."""

    rules: GateRules
    function: frozenset[str]
    neutral: frozenset[str]
    neg_phrases: tuple[tuple[str, ...], ...]
    hedge_phrases: tuple[tuple[str, ...], ...]
    terminators: frozenset[str]
    safety: tuple[tuple[str, re.Pattern[str]], ...]
    certainty: re.Pattern[str]
    emphatic: re.Pattern[str]
    claim_stems: tuple[str, ...]
    classes: tuple[tuple[str, tuple[str, ...]], ...]
    compatible: frozenset[frozenset[str]]
    null: tuple[re.Pattern[str], ...]
    advice: tuple[re.Pattern[str], ...]
    injection: tuple[re.Pattern[str], ...]
    form: tuple[re.Pattern[str], ...]
    entities: tuple[re.Pattern[str], ...]
    phrase_syn: tuple[tuple[re.Pattern[str], str], ...]
    joined: re.Pattern[str] | None
    word_syn: Mapping[str, str]
    broader: Mapping[str, tuple[str, ...]]


def _lexicon(rules: GateRules) -> _Lexicon:
    neg, cert, direc, adv, sup = rules.negation, rules.certainty, rules.direction, rules.advice, rules.support
    flags = re.IGNORECASE
    verbs, poss, meds = _words_re(adv.verbs), _words_re(adv.possessives), _words_re(adv.medicines)
    med = rf"(?:\b(?:{meds})\b|{'|'.join(f'(?:{p})' for p in adv.medicine_patterns)})"
    # "stop taking your supplement", "double your dose", "reduce your blood thinner"
    advice = [rf"\b(?:{verbs})\b(?:\s+[\w'-]+){{0,3}}?\s+(?:{poss})\b(?:\s+[\w'-]+){{0,3}}?\s+{med}",
              # an imperative opening the sentence or a clause: "If you take a blood thinner, stop it"
              rf"(?:^|[,;:]\s*|\b(?:then|so|and|just)\s+)(?:{verbs})\b(?!\s+(?:in|of|on|is|was|were|are|with)\b)"
              rf"(?=\s+\S)",
              *(rf"\b(?:{o})\s+(?:[\w'-]+\s+){{0,2}}?(?:{verbs})\b" for o in adv.imperative_openers),
              *(rf"(?:{r})(?:\s+[\w'-]+){{0,3}}?\s*{med}" for r in adv.replacement_patterns)]
    syn_phrases: list[tuple[re.Pattern[str], str]] = []
    syn_words: dict[str, str] = {}
    for group in sup.synonyms:
        canon = _stem(_lex_words(group[0])[0]) if _lex_words(group[0]) else group[0]
        for entry in group:
            words = _lex_words(entry)
            if len(words) > 1:
                syn_phrases.append((re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b"), canon))
            elif words:
                syn_words[_stem(words[0])] = canon
    broader = {_canon_word(k, syn_words): tuple(_canon_word(v, syn_words) for v in vs)
               for k, vs in sup.broader.items()}
    function = frozenset(w.casefold() for w in sup.function_words)
    multi = [s for stems in direc.classes.values() for s in stems if " " in s.strip()]
    phrase_words = {w for p in (*neg.triggers, *cert.hedges, *cert.words) for w in p.casefold().split()}
    return _Lexicon(
        rules=rules,
        function=function,
        neutral=function | {w.casefold() for w in sup.framing} | phrase_words,
        neg_phrases=_phrases(neg.triggers),
        hedge_phrases=_phrases(cert.hedges),
        terminators=frozenset(w.casefold() for w in neg.terminators),
        safety=tuple((name, re.compile(p, flags)) for name, p in rules.safety_patterns.items()),
        certainty=re.compile(rf"\b(?:{_words_re(cert.words)})\b", flags),
        emphatic=re.compile(rf"\b(?:{_words_re(cert.emphatic)})\s+(?!not\b)([a-z][a-z-]{{2,}})\b", flags),
        claim_stems=tuple(w.casefold() for w in cert.claim_words),
        classes=tuple((name, tuple(s.casefold().replace(" ", "_") for s in stems))
                      for name, stems in direc.classes.items()),
        compatible=frozenset(frozenset(g) for g in direc.compatible),
        null=tuple(re.compile(p, flags) for p in direc.null_patterns),
        advice=tuple(re.compile(p, flags) for p in advice),
        injection=tuple(re.compile(p, flags) for p in rules.injection_patterns),
        form=tuple(re.compile(p, flags) for p in rules.form_patterns),
        entities=tuple(re.compile(p, flags) for p in sup.entity_patterns),
        phrase_syn=tuple(sorted(syn_phrases, key=lambda x: len(x[0].pattern), reverse=True)),
        joined=re.compile(rf"\b(?:{_words_re(multi)})\b") if multi else None,
        word_syn=syn_words,
        broader=broader,
    )


def rules_lexicon() -> _Lexicon:
    """The compiled lexicon of the rules in force (compiled once per rules file)."""
    return _lexicon_at(str(os.environ.get("ASSISTANT_GATE_RULES") or RULES_PATH))


@functools.lru_cache(maxsize=4)
def _lexicon_at(path: str) -> _Lexicon:
    return _lexicon(load_rules(path))


# --------------------------------------------------------------------------- text handling

_CONTRACTIONS = [(re.compile(r"\bwon'?t\b"), "will not"), (re.compile(r"\bcan'?t\b"), "can not"),
                 (re.compile(r"\bshan't\b"), "shall not"), (re.compile(r"n't\b"), " not")]
_WORD = re.compile(r"[a-z0-9_μ]+(?:[-'][a-z0-9_μ]+)*")
_CLAUSE = re.compile(r"[;:!?\n—–]|,(?!\d{3}\b)|\.(?!\d)|\s-\s")
_NUMERIC = re.compile(r"^\d")


def plain(text: str) -> str:
    """Folded text (NFKC, casefold), curly quotes straightened, contractions spelt out, markers
    removed: what the phrase patterns match on."""
    t = unicodedata.normalize("NFKC", MARKER_RE.sub(" ", text)).casefold()
    t = t.replace("’", "'").replace("‘", "'")
    for pat, rep in _CONTRACTIONS:
        t = pat.sub(rep, t)
    return re.sub(r"[ \t]+", " ", t).strip()


def _stem(word: str) -> str:
    """A light suffix stripper, so 'reduced'/'reduces'/'reducing' and 'studies'/'study' meet."""
    w = word.removesuffix("'s")
    for suf, rep in (("ations", ""), ("ation", ""), ("ments", ""), ("ment", ""), ("ingly", ""),
                     ("edly", ""), ("ing", ""), ("ied", "y"), ("ies", "y"), ("ed", ""), ("ly", ""),
                     ("es", ""), ("s", "")):
        if w.endswith(suf) and len(w) - len(suf) >= 4 and not w.endswith("ss"):
            return w[: -len(suf)] + rep
    return w


def _lex_words(text: str) -> list[str]:
    return _WORD.findall(lexical_form(plain(text)))


def _canon_word(word: str, syn: Mapping[str, str]) -> str:
    st = _stem(word)
    return syn.get(st, st)


def same(a: str, b: str) -> bool:
    """Two stemmed words meet: equal, or one is (almost all of) the other's beginning
    ('improv'/'improvement', 'reduc'/'reduction'; not 'calcium'/'calcification')."""
    if a == b:
        return True
    cp = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return cp >= 4 and cp >= min(len(a), len(b)) - 1


def _meets(word: str, keys: Iterable[str]) -> bool:
    return any(same(word, k) for k in keys)


@dataclass(frozen=True)
class Tok:
    """A word of an analysed text: its stemmed key, its clause, and what governs it."""

    word: str
    key: str
    clause: int
    function: bool
    negated: int = -1  # the index of the negation trigger whose scope holds it, or -1
    hedged: bool = False


def _match_phrase(words: Sequence[str], i: int, phrases: Sequence[tuple[str, ...]]) -> int:
    for p in phrases:
        if tuple(words[i:i + len(p)]) == p:
            return len(p)
    return 0


def analyse(text: str) -> tuple[Tok, ...]:
    """The words of ``text`` in lexical form, by clause, with negation (NegEx-style: a trigger
    covers the next few content words of its clause) and hedge scopes marked."""
    return _analyse(text, str(os.environ.get("ASSISTANT_GATE_RULES") or RULES_PATH))


@functools.lru_cache(maxsize=4096)
def _analyse(text: str, rules_path: str) -> tuple[Tok, ...]:
    lx = _lexicon_at(rules_path)
    scope = lx.rules.negation.scope
    t = re.sub(r"\bnon-?(?=[a-z])", "not ", plain(text))
    t = lexical_form(t)
    for pat, canon in lx.phrase_syn:
        t = pat.sub(canon, t)
    if lx.joined is not None:  # multi-word direction phrases ("less stable") become one word
        t = lx.joined.sub(lambda m: re.sub(r"\s+", "_", m.group(0)), t)
    t = t.replace("(", " ").replace(")", " ")
    out: list[Tok] = []
    clause = 0
    trigger = 0
    for part in _CLAUSE.split(t):
        words = _WORD.findall(part)
        clause += 1
        neg_left = hedge_left = 0
        neg_id = -1
        i = 0
        while i < len(words):
            w = words[i]
            if w in lx.terminators:
                clause += 1
                neg_left = hedge_left = 0
                out.append(Tok(w, w, clause, True))
                i += 1
                continue
            n = _match_phrase(words, i, lx.neg_phrases)
            if n:
                trigger += 1
                neg_id, neg_left = trigger, scope
                out.extend(Tok(x, x, clause, True) for x in words[i:i + n])
                i += n
                continue
            h = _match_phrase(words, i, lx.hedge_phrases)
            if h:
                hedge_left = scope
                out.extend(Tok(x, x, clause, True) for x in words[i:i + h])
                i += h
                continue
            func = w in lx.function or bool(_NUMERIC.match(w))
            out.append(Tok(w, _canon_word(w, lx.word_syn), clause, func,
                           neg_id if neg_left > 0 and not func else -1, hedge_left > 0 and not func))
            if not func:
                neg_left = max(0, neg_left - 1)
                hedge_left = max(0, hedge_left - 1)
            i += 1
    return tuple(out)


def _scopes(toks: Sequence[Tok]) -> list[list[Tok]]:
    """The content words under each negation trigger, trigger by trigger."""
    by: dict[int, list[Tok]] = {}
    for t in toks:
        if t.negated >= 0:
            by.setdefault(t.negated, []).append(t)
    return list(by.values())


# --------------------------------------------------------------------------- the checks
# Each returns None when the sentence passes, else the reason it is dropped. ``prose`` is the
# sentence without its markers; ``cited`` the text of the passages it cites.


def check_citation(refs: Sequence[int], n_passages: int) -> str | None:
    """Cites at least one passage, and only passages that were retrieved."""
    if not refs:
        return "no citation"
    if any(r < 1 or r > n_passages for r in refs):
        return "cites a passage that was not retrieved"
    return None


def check_form(sentence: str) -> str | None:
    """A sentence, not the prompt's scaffolding: words besides the markers, no copied "[n]" or
    passage header, at least one word in lower case (not a bare title)."""
    prose = MARKER_RE.sub(" ", sentence)
    words = re.findall(r"[^\W\d_]+", prose)
    if not words:
        return "nothing but markers"
    for pat in rules_lexicon().form:
        if m := pat.search(sentence):
            return f"copies the prompt's scaffolding ('{m.group(0)}')"
    if len(words) < 3 or not any(w.islower() and len(w) > 3 for w in words):
        return "not a sentence"
    return None


def check_injection(cited: Sequence[str]) -> str | None:
    """No cited passage carries instructions aimed at the assistant."""
    lx = rules_lexicon()
    for text in cited:
        if is_injection(text) or any(p.search(plain(text)) for p in lx.injection):
            return "cites a passage that carries instructions"
    return None


def check_advice(prose: str) -> str | None:
    """Not an instruction to start, stop, skip, double, switch or change a medicine or dose."""
    p = plain(prose)
    for pat in rules_lexicon().advice:
        if m := pat.search(p):
            return f"individual medical advice ('{m.group(0).strip(' ,;:')}')"
    return None


def check_personal_dose(prose: str, no_numbers: bool) -> str | None:
    """No number at all in answer to a personal-dose request."""
    if no_numbers and re.search(r"\d", prose):
        return "a number in answer to a personal-dose request"
    return None


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_SPELT = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")(?=[\s-]+(?:years?|weeks?|months?|days?|hours?)\b)",
                    re.IGNORECASE)
_BASIS = re.compile(r"\s*(?:/\s*|per\s+|a\s+|an\s+|each\s+|every\s+)?"
                    r"(day|d|daily|week|weekly|wk|month|monthly|year|yearly|serving|drop|softgel|capsule|tablet)s?\b",
                    re.IGNORECASE)
_BASIS_NAME = {"d": "day", "daily": "day", "weekly": "week", "wk": "week", "monthly": "month",
               "yearly": "year"}


def _spell_out(text: str) -> str:
    """'three years' -> '3 years' (number words count only before a unit of time)."""
    return _SPELT.sub(lambda m: str(_NUMBER_WORDS[m.group(1).casefold()]), text)


def _basis(text: str, dose_end: int, per_day: bool) -> str | None:
    if per_day:
        return "day"
    m = _BASIS.match(text, dose_end)
    return _BASIS_NAME.get(m.group(1).casefold(), m.group(1).casefold()) if m else None


def check_numbers(prose: str, cited: str) -> str | None:
    """Every number stands in the cited passage(s), units normalised, per day stays per day."""
    s, p = _spell_out(prose), _spell_out(cited)
    missing = unsupported_numbers(s, p)
    if missing:
        return f"numbers not in the cited passage: {', '.join(missing)}"
    p_doses = [(d.key(), _basis(p, d.end, d.per_day)) for d in parse_doses(p)]
    for d in parse_doses(s):
        basis = _basis(s, d.end, d.per_day)
        if basis and not any(k == d.key() and b == basis for k, b in p_doses):
            return f"'{d.text}' per {basis}: the cited passage gives it on another basis"
    return None


def check_safety(prose: str, cited: str) -> str | None:
    """An assertion of safety only where the cited passage makes the same assertion."""
    s, p = plain(prose), plain(cited)
    for name, pat in rules_lexicon().safety:
        if (m := pat.search(s)) and not pat.search(p):
            return f"asserts safety the cited passage does not state ('{m.group(0)}', {name})"
    return None


def _claims(toks: Sequence[Tok], lx: _Lexicon) -> list[Tok]:
    """Words that carry an effect: direction words and the claim words."""
    return [t for t in toks if not t.function and t.negated < 0
            and (_direction_of(t.word, lx) or t.word.startswith(lx.claim_stems))]


def check_certainty(prose: str, cited: str) -> str | None:
    """Certainty words only where the passage has them; what the passage hedges stays hedged."""
    lx = rules_lexicon()
    s, p = plain(prose), plain(cited)
    for m in lx.certainty.finditer(s):
        if not re.search(rf"\b{re.escape(m.group(0))}\b", p):
            return f"'{m.group(0)}': the cited passage does not say it with that certainty"
    for m in lx.emphatic.finditer(s):
        if m.group(1) not in lx.function and not re.search(rf"\b{re.escape(m.group(0))}\b", p):
            return f"'{m.group(0)}': an emphatic claim the cited passage does not make"
    ptoks = analyse(cited)
    for t in _claims(analyse(prose), lx):
        if t.hedged:
            continue
        occ = [u for u in ptoks if not u.function and same(t.key, u.key)]
        if occ and all(u.hedged for u in occ):
            return f"'{t.word}' is stated as fact; the cited passage only says it may be so"
    return None


def check_polarity(prose: str, cited: str) -> str | None:
    """The sentence's negations stand in the passage; the passage's do not disappear."""
    lx = rules_lexicon()
    stoks, ptoks = analyse(prose), analyse(cited)
    p_neg = {t.key for t in ptoks if t.negated >= 0}
    for scope in _scopes(stoks):
        if not any(_meets(t.key, p_neg) for t in scope):
            return f"negates '{' '.join(t.word for t in scope)}'; the cited passage does not"
    s_pos = {t.key for t in stoks if not t.function and t.negated < 0}
    s_neg = {t.key for t in stoks if t.negated >= 0}
    n = lx.rules.negation.predicate
    for scope in _scopes(ptoks):
        pred = [t for t in scope if t.word not in lx.neutral and not _is_entity(t.word, lx)][:n]
        for t in pred:
            if _meets(t.key, s_pos) and not _meets(t.key, s_neg):
                return f"drops the passage's negation of '{t.word}'"
    return None


def _direction_of(word: str, lx: _Lexicon) -> str | None:
    for name, stems in lx.classes:
        for st in stems:
            if word == st or (len(st) >= 5 and word.startswith(st)) or word in (st + "s", st + "ed",
                                                                                   st + "ing"):
                return name
    return None


@dataclass(frozen=True)
class _Move:
    cls: str
    after: frozenset[str]
    before: frozenset[str]


def _moves(toks: Sequence[Tok], lx: _Lexicon) -> list[_Move]:
    """Each un-negated direction word with the content words after and before it in its clause."""
    n = lx.rules.direction.target
    out: list[_Move] = []
    for i, t in enumerate(toks):
        cls = None if t.function or t.negated >= 0 else _direction_of(t.word, lx)
        if cls is None:
            continue

        def around(seq: Iterable[Tok], t: Tok = t) -> frozenset[str]:
            got: list[str] = []
            for u in seq:
                if u.clause != t.clause or u.word in _COORDINATION or _direction_of(u.word, lx):
                    break
                if not u.function and u.word not in lx.neutral:
                    got.append(u.key)
                if len(got) >= n:
                    break
            return frozenset(got)

        out.append(_Move(cls, around(toks[i + 1:]), around(reversed(toks[:i]))))
    return out


#: words that end what a direction word is about ("reduced X and increased Y")
_COORDINATION = frozenset({"and", "or", "nor", "while", "whereas", "but"})


def _overlap(a: frozenset[str], b: frozenset[str]) -> int:
    return sum(1 for x in a if _meets(x, b))


def check_direction(prose: str, cited: str) -> str | None:
    """A finding keeps its direction; a null or mixed result is not made an effect, nor the reverse."""
    lx = rules_lexicon()
    s, p = plain(prose), plain(cited)
    if any(pat.search(s) for pat in lx.null) and not any(pat.search(p) for pat in lx.null):
        return "states a null or mixed result; the cited passage reports an effect"
    pmoves = _moves(analyse(cited), lx)
    for mv in _moves(analyse(prose), lx):
        def score(o: _Move, mv: _Move = mv) -> tuple[int, int, int]:
            # what moved (the words after) counts first, then subject/object swaps, then subjects
            return (_overlap(mv.after, o.after), _overlap(mv.before, o.after) + _overlap(mv.after, o.before),
                    _overlap(mv.before, o.before))
        scored = [(score(o), o) for o in pmoves]
        best = max((sc for sc, _ in scored), default=(0, 0, 0))
        if best > (0, 0, 0):
            top = {o.cls for sc, o in scored if sc == best}
            if not any(_compatible(mv.cls, c, lx) for c in top):
                return f"says '{mv.cls}' where the cited passage says '{'/'.join(sorted(top))}'"
        elif not any(_compatible(mv.cls, o.cls, lx) for o in pmoves):
            return f"claims an effect ('{mv.cls}') the cited passage does not report"
    return None


def _compatible(a: str, b: str, lx: _Lexicon) -> bool:
    return a == b or any(a in g and b in g for g in lx.compatible)


def _is_entity(word: str, lx: _Lexicon) -> bool:
    return any(p.search(word) or p.search(_stem(word)) for p in lx.entities)


def check_support(prose: str, cited: str) -> str | None:
    """The claim words stand in the cited passage: every entity, and all but a small share."""
    lx = rules_lexicon()
    claims: dict[str, str] = {}
    for t in analyse(prose):
        if t.function or t.word in lx.neutral or t.key in lx.neutral or len(t.word) < 2:
            continue
        claims.setdefault(t.key, t.word)
    if not claims:
        return None
    have: set[str] = set()
    for t in analyse(cited):
        have.add(t.key)
        have.update(_canon_word(x, lx.word_syn) for x in t.word.split("-") if x)
    for k in list(have):
        have.update(lx.broader.get(k, ()))
    missing = []
    for key, word in claims.items():
        parts = [_canon_word(x, lx.word_syn) for x in word.split("-") if x]
        if key in have or _meets(key, have) or (len(parts) > 1 and all(_meets(x, have) for x in parts)):
            continue
        if _is_entity(word, lx) or _is_entity(key, lx):
            return f"names '{word}', which the cited passage does not"
        missing.append(word)
    if len(missing) / len(claims) > lx.rules.support.max_unsupported:
        return f"not supported by the cited passage: {', '.join(missing)}"
    return None


#: the checks on a sentence's prose and its cited text, in order
TEXT_CHECKS: tuple[tuple[str, Callable[[str, str], str | None]], ...] = (
    ("numbers", check_numbers), ("safety", check_safety), ("certainty", check_certainty),
    ("polarity", check_polarity), ("direction", check_direction), ("support", check_support))


# --------------------------------------------------------------------------- sentences and the gate


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


@dataclass(frozen=True)
class Failure:
    """Which check dropped a sentence, and why."""

    check: str
    reason: str


def check_sentence(sentence: str, passages: Sequence[str], *,
                   no_numbers: bool = False) -> tuple[list[int], Failure | None]:
    """(cited passage numbers, None) when the sentence is grounded, else ([], the failure).

    ``no_numbers``: the question asked for a personal dose, so a sentence with a number is dropped.
    """
    refs = [int(n) for n in MARKER_RE.findall(sentence)]
    prose = MARKER_RE.sub(" ", sentence).strip()
    if reason := check_citation(refs, len(passages)):
        return [], Failure("citation", reason)
    if reason := check_form(sentence):
        return [], Failure("form", reason)
    cited_list = [passages[r - 1] for r in dict.fromkeys(refs)]
    if reason := check_injection(cited_list):
        return [], Failure("injection", reason)
    if reason := check_advice(prose):
        return [], Failure("advice", reason)
    if reason := check_personal_dose(prose, no_numbers):
        return [], Failure("personal_dose", reason)
    cited = "\n".join(cited_list)
    for name, check in TEXT_CHECKS:
        if reason := check(prose, cited):
            return [], Failure(name, reason)
    return refs, None


@dataclass
class GateResult:
    kept: list[tuple[str, list[int]]] = field(default_factory=list)  # (sentence, passage numbers)
    dropped: list[DroppedSentence] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [d.reason for d in self.dropped]

    @property
    def checks(self) -> list[str]:
        return [d.check for d in self.dropped]


def grounding_gate(text: str, passages: Sequence[str], *, no_numbers: bool = False) -> GateResult:
    """Keep the sentences of ``text`` that pass every check; record the rest with their check."""
    out = GateResult()
    for s in split_generated(text):
        refs, failure = check_sentence(s, passages, no_numbers=no_numbers)
        if failure is None:
            out.kept.append((s, refs))
        else:
            out.dropped.append(DroppedSentence(sentence=s, check=failure.check, reason=failure.reason))
    return out


__all__ = ["CHECKS", "MARKER_RE", "Failure", "GateResult", "GateRules", "GateRulesError", "check_advice",
           "check_certainty", "check_citation", "check_direction", "check_form", "check_injection",
           "check_numbers", "check_personal_dose", "check_polarity", "check_safety", "check_sentence",
           "check_support", "grounding_gate", "is_injection", "load_rules", "parse_rules",
           "sentences_from_stream", "split_generated"]
