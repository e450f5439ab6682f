"""Query and text normalisation for retrieval (pure functions over the domain vocabulary).

One function, :func:`lexical_form`, maps both corpus text and questions to the same tokens: the
unit spellings of the vocabulary meet (``ug``/``µg``/``μg``/``mcg``/``microgram``), and the lexicon's
rewrites bring a form's or a term's other names to one word. :func:`find_mentions` finds the
interaction classes a text names (any generic, brand, close misspelling, phrase or monitoring test),
and :func:`expand_query` adds the class's canonical words to a question for the search.
Every name lives in ``assistant/domain/vocabulary/*.yaml``; none in this module.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
import threading
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import snowballstemmer
from rapidfuzz import fuzz, process

from assistant.domain.vocabulary import InteractionClass, Vocabulary, vocabulary

# --------------------------------------------------------------------------- rewrites

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12}

#: the language's own rewrites: thousands separators, number words before a duration, "3-year"
_GENERIC_REWRITES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"(\d),(\d{3})\b"), r"\1\2"),
    (re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve)(?=[\s-]+(?:years?|weeks?|months?|days?)\b)"),
     lambda m: str(_NUMBER_WORDS[m.group(1)])),
    (re.compile(r"(\d)-(years?|weeks?|months?|days?)\b"), r"\1 \2"),
]


def _alternation(spellings: Iterable[str]) -> str:
    """A regex alternation of spellings, longest first, any white space between words."""
    parts = sorted({re.escape(fold(s)).replace(r"\ ", r"\s+") for s in spellings}, key=len, reverse=True)
    return "|".join(parts)


def _phrase_regex(term: str) -> re.Pattern[str]:
    """A whole-word regex for a phrase: any white space or hyphen between its words."""
    words = re.split(r"[\s-]+", fold(term).strip())
    return re.compile(r"\b" + r"[\s-]*".join(re.escape(w) for w in words) + r"\b")


def _unit_rewrites(v: Vocabulary) -> list[tuple[re.Pattern[str], Any]]:
    """Each unit's spellings to its token: right after a number, and (``always``) anywhere."""
    out: list[tuple[re.Pattern[str], Any]] = []
    for u in v.units:
        if u.rewrite == "never":
            continue
        alt = _alternation(u.spellings)
        out.append((re.compile(rf"(\d)\s*(?:{alt})\b"), rf"\1 {u.token}"))
        if u.rewrite == "always":
            out.append((re.compile(rf"\b(?:{alt})\b"), u.token))
    return out


@functools.cache
def _lexicon_rewrites() -> list[tuple[re.Pattern[str], str]]:
    """The lexicon's rewrites, compiled once: (pattern, what it is rewritten to)."""
    return [(re.compile(r.pattern), r.to) for r in vocabulary().lexicon.rewrites]


@functools.cache
def _rewrites() -> list[tuple[re.Pattern[str], Any]]:
    v = vocabulary()
    return [*_GENERIC_REWRITES, *_unit_rewrites(v), *_lexicon_rewrites()]


@functools.cache
def stopwords() -> frozenset[str]:
    """Words that carry no topic (the lexicon's stopword groups)."""
    return vocabulary().stopwords


#: what a follow-up's pointer to a study is written as when the finding the last answer cited is
#: pinned after it (followup.py writes it; the study questions read it)
STUDY_POINTER = "the study"
#: the finding pinned after a resolved turn: "<turn>; the study: <the finding's words>"
PINNED_STUDY = re.compile(rf";\s*{STUDY_POINTER}:\s*(?P<finding>.+)$")

#: tokens that carry no topic: numbers and single letters
_NUMERIC = re.compile(r"^\d+(?:\.\d+)?$")

_TOKEN = re.compile(r"[a-z0-9_]+(?:-[a-z0-9]+)*")


def fold(text: str) -> str:
    """NFKC (µ becomes μ) and casefold; never transliterate."""
    return unicodedata.normalize("NFKC", text).casefold()


def cue_fold(text: str) -> str:
    """:func:`fold`, then curly single quotes made straight: the text the answer modules match
    their cue files on ("don’t" meets "don't"). Each quote stays one character, so the
    result is as long as :func:`fold`'s."""
    return fold(text).replace("\u2019", "'").replace("\u2018", "'")


def cue_alternation(patterns: Iterable[str]) -> str:
    """The cue patterns of a cue file as one regex alternation, longest first. In an entry " " is
    some white space and " ?" optional white space ("did ?n.?t" is "didn't" and "did not").
    Written once per list (the answer modules build it on every question)."""
    return _cue_alternation(tuple(patterns))


@functools.lru_cache(maxsize=1024)
def _cue_alternation(patterns: tuple[str, ...]) -> str:
    alts = sorted(patterns, key=len, reverse=True)
    return "|".join(re.sub(r" +(\?)?", lambda m: r"\s*" if m.group(1) else r"\s+", p) for p in alts)


@functools.lru_cache(maxsize=1024)
def _cue_re(patterns: tuple[str, ...]) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!x)x")
    return re.compile(rf"(?<![\w-])(?:{cue_alternation(patterns)})(?![\w])")


def cue(patterns: Iterable[str]) -> re.Pattern[str]:
    """A whole-word regex for any of a cue file's ``patterns`` over :func:`cue_fold`-ed text (one
    that matches nothing when there are none); compiled once per list."""
    return _cue_re(tuple(patterns))


@functools.lru_cache(maxsize=8192)
def lexical_form(text: str) -> str:
    """The normalised text both questions and passages are tokenised from (cached: a question's
    words are read by many steps, and passages come back question after question)."""
    t = fold(text)
    for pat, rep in _rewrites():
        t = pat.sub(rep, t)
    return t


@functools.lru_cache(maxsize=1)
def name_terms() -> tuple[tuple[str, str, str], ...]:
    """Every name the vocabulary holds for a nutrient or a form, as (its lexical form, "nutrient" |
    "form", the vocabulary name), longest first: the one list of names a question may write."""
    out: list[tuple[str, str, str]] = []
    for n in vocabulary().nutrients:
        out.extend((lexical_form(t).strip(), "nutrient", n.name) for t in n.names())
        for f in n.forms:
            out.extend((lexical_form(t).strip(), "form", f.name) for t in (f.name, *f.terms))
    return tuple(sorted((o for o in out if o[0]), key=lambda o: len(o[0]), reverse=True))


def rewritten_spans(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, what it is rewritten to) of each phrase of a folded text a lexicon rewrite reads
    ("kidney disease": "ckd kidney")."""
    return [(m.start(), m.end(), to) for pattern, to in _lexicon_rewrites()
            for m in pattern.finditer(folded) if m.end() > m.start()]


def stem(token: str) -> str:
    """A light English stemmer (plural and common suffixes), enough to meet 'studies'/'study'."""
    for suf, rep in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if token.endswith(suf) and len(token) - len(suf) >= 3 and not token.endswith("ss"):
            return token[: -len(suf)] + rep
    return token


def tokens(text: str) -> list[str]:
    """Stemmed tokens of the lexical form (no stopword removal); cached, for the passages and
    sentences a question retrieves (they come back question after question)."""
    return list(_tokens(text))


@functools.lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def tokenize(text: str) -> Iterator[str]:
    """:func:`tokens` without the cache, one by one: for indexing every chunk once."""
    for t in _TOKEN.findall(lexical_form(text)):
        yield sys.intern(stem(t))


def content_tokens(text: str) -> list[str]:
    """Tokens that carry the topic: not stopwords, not numbers. Cached, as :func:`tokens` is."""
    return list(_content_tokens(text))


@functools.lru_cache(maxsize=8192)
def _content_tokens(text: str) -> tuple[str, ...]:
    out: list[str] = []
    stop = stopwords()
    for t in _TOKEN.findall(lexical_form(text)):
        if t in stop or _NUMERIC.match(t) or len(t) < 2:
            continue
        st = stem(t)
        if st in stop:
            continue
        out.append(st)
    return tuple(out)


def joined_pairs(text: str) -> list[str]:
    """Each two words of a text side by side, hyphenated and stemmed ("fat soluble" is "fat-soluble"):
    the one word a page may write them as. Words of letters only: a name with a number ("<name> 3") is
    the lexicon's to join."""
    return [stem(f"{a}-{b}") for part in re.split(r"[,.;:!?()]", text)  # not across punctuation
            for a, b in itertools.pairwise(raw_tokens(part)) if (a + b).isalpha()]


@functools.cache
def general_words() -> frozenset[str]:
    """The lexicon's general words (never a topic of their own) and their stems, as question terms
    are stemmed."""
    words = vocabulary().general_words
    return frozenset(words | {stem(w) for w in words})


def in_some_form(word: str, words: Collection[str]) -> bool:
    """Is a (stemmed) word in ``words``, or the same word in its other form (the lexicon's
    ``followups.word_forms``: a noun and its adjective, "<x>ia" and "<x>ic")?"""
    if word in words:
        return True
    for a, b in vocabulary().lexicon.followups.word_forms:
        for end, other in ((a, b), (b, a)):
            if word.endswith(end) and len(root := word[:-len(end)]) >= 4 and root + other in words:
                return True
    return False


def content_tokens_with_parts(text: str) -> list[str]:
    """:func:`content_tokens`, a hyphenated word also by its parts ("<a>-<b>" holds "<a>" and "<b>")."""
    found = content_tokens(text)
    parts = (x for t in found if "-" in t for x in content_tokens(t.replace("-", " ")))
    return list(dict.fromkeys([*found, *parts]))


# --------------------------------------------------------------------------- interaction classes


@dataclass(frozen=True)
class Mention:
    """A text names an interaction class: ``name`` is a member's generic name, a monitoring test,
    or the class's own name (for a phrase such as "blood thinner")."""

    cls: str
    name: str


#: a misspelt name (in a question) must be this close (rapidfuzz ratio, 0..100), this long, start
#: with the same letter and differ in length by at most one letter to count ("warfrin",
#: "xeralto"; not "starting" for "statin")
FUZZY_CUTOFF = 85
FUZZY_MIN_LEN = 5
FUZZY_MAX_LEN_DIFF = 1


@dataclass(frozen=True)
class _ClassMatcher:
    words: dict[str, list[Mention]]
    phrases: list[tuple[re.Pattern[str], Mention]]
    #: a medicine named by its use ("my blood pressure pills"): read in questions only (a page's
    #: text naming a use names no medicine)
    uses: list[tuple[re.Pattern[str], Mention]]


@functools.cache
def _matcher() -> _ClassMatcher:
    words: dict[str, list[Mention]] = {}
    phrases: list[tuple[re.Pattern[str], Mention]] = []

    def add(term: str, mention: Mention) -> None:
        t = fold(term)
        if re.fullmatch(r"[a-z]+", t):
            words.setdefault(t, []).append(mention)
        else:
            phrases.append((_phrase_regex(term), mention))

    for c in vocabulary().classes:
        for term, generic in c.names().items():
            add(term, Mention(c.name, generic))
        for phrase in c.phrases:
            add(phrase, Mention(c.name, c.name))
        for test in c.monitoring:
            add(test, Mention(c.name, test))
        phrases.extend((re.compile(p), Mention(c.name, c.name)) for p in c.patterns)
    uses = [(_used_for_regex(c.used_for), Mention(c.name, c.name))
            for c in vocabulary().classes if c.used_for]
    return _ClassMatcher(words, phrases, uses)


def _used_for_regex(uses: Sequence[str]) -> re.Pattern[str]:
    """A medicine named by what it is taken for: "<use> pills", "my tablets for <use>", "a weekly
    pill for my <use>" (one's own, said with a determiner: not "<nutrient> pills for <use>", the
    supplement itself; and not "for <use> health")."""
    nouns = "|".join(re.escape(fold(n)) for n in vocabulary().lexicon.medicine_nouns)
    use = "|".join(r"[\s-]*".join(re.escape(w) for w in re.split(r"[\s-]+", fold(u).strip()))
                   for u in sorted(uses, key=len, reverse=True))
    not_after = r"(?![\s-]+(?:health|support|function|wellness|rate|burn)\b)"
    return re.compile(rf"\b(?:{use}){not_after}\s+(?:{nouns})\b"
                      rf"|\b{_OWN}\s+(?:{_OF_COURSE}\s+)?(?:{nouns})\s+(?:[a-z']+\s+){{0,3}}?for\s+"
                      rf"(?:(?:my|his|her|their|your|our|the)\s+)?(?:{use})\b{not_after}")


#: whose the medicine is, or which: "my", "a", "the" ... (a medicine of one's own, not a kind of product)
_OWN = r"(?:my|his|her|their|our|your|a|an|the|some|these|those)"
#: how often or on whose word one takes it ("a weekly pill", "my usual tablets")
_OF_COURSE = r"(?:weekly|daily|monthly|nightly|morning|new|usual|regular|prescribed|prescription|little)"


@functools.lru_cache(maxsize=65536)
def _word_mentions(token: str, fuzzy: bool) -> tuple[Mention, ...]:
    m = _matcher()
    if token in m.words:
        return tuple(m.words[token])
    if not fuzzy or len(token) < FUZZY_MIN_LEN:
        return ()
    candidates = [w for w in m.words if w[0] == token[0] and abs(len(w) - len(token)) <= FUZZY_MAX_LEN_DIFF]
    best = process.extractOne(token, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return tuple(m.words[best[0]]) if best else ()


@functools.lru_cache(maxsize=8192)
def _find_mentions(text: str, fuzzy: bool = True, affirmed: bool = False) -> tuple[Mention, ...]:
    """The mentions of ``text``; ``affirmed``: only those outside a negated phrase."""
    t = fold(text)
    negated = negated_spans(t) if affirmed else []

    def keep(pos: int) -> bool:
        return not any(s <= pos < e for s, e in negated)

    found: list[Mention] = []
    for m in re.finditer(r"[a-z]+", t):
        if keep(m.start()):
            found.extend(x for x in _word_mentions(m.group(0), fuzzy) if x not in found)
    for pat, mention in _matcher().phrases:
        if mention not in found and any(keep(m.start()) for m in pat.finditer(t)):
            found.append(mention)
    uses = [(mention, spans) for pat, mention in (_matcher().uses if affirmed else [])
            if mention not in found and (spans := {m.span() for m in pat.finditer(t) if keep(m.start())})]
    # a medicine named by its use and by its own name ("<use> <medicine noun> like <member>"): at that
    # phrase, the class named; each other phrase of a use brings all of its classes
    named = {x.cls for x in found if x.name != x.cls}
    taken = {span for mention, spans in uses if mention.cls in named for span in spans}
    return tuple(found + [x for x, spans in uses if x.cls in named or spans - taken])


@dataclass(frozen=True)
class _Negation:
    trigger: re.Pattern[str]
    #: a phrase inside which a trigger negates nothing ("no problems with", "won't stop")
    pseudo: re.Pattern[str]
    stop: re.Pattern[str]
    scope: int
    #: a word right after a trigger that makes a statement about oneself ("don't have any")
    statement: re.Pattern[str]
    #: right after a negated phrase: someone takes it after all ("... but I am")
    affirmed_after: re.Pattern[str]
    #: anywhere in the sentence after a trigger: the medicine is taken again ("... and will restart it")
    resumed: re.Pattern[str]
    #: a word that makes a negated sentence opener a statement about oneself ("No heart problems.")
    statement_noun: re.Pattern[str]
    #: what opens what is taken after all ("no meds except a multivitamin")
    exception: re.Pattern[str]
    #: triggers that say one came off a medicine: negated themselves ("haven't stopped") they affirm
    stopping: frozenset[str] = frozenset()
    #: right after such a trigger, up to the next clause: the medicine is taken again ("stopped
    #: <medicine>, doc says I'll restart it")
    resumed_after_stop: re.Pattern[str] = re.compile(r"(?!x)x")


def _any_of(phrases: Iterable[str]) -> re.Pattern[str]:
    alts = sorted((_phrase_regex(x).pattern for x in phrases), key=len, reverse=True)
    return re.compile("|".join(alts) or r"(?!x)x")


@functools.cache
def _negation() -> _Negation:
    neg = vocabulary().lexicon.negation
    stops = _any_of(neg.terminators).pattern
    statement = re.compile(rf"\s*(?:{_any_of(neg.statements).pattern})")
    stop = re.compile(rf"\s*(?:[,;:.!?–—]|(?<=\s)-(?=\s)|{stops})")  # a spaced dash closes a clause too
    affirmed = re.compile("|".join(f"(?:{p})" for p in neg.affirmed_after) or r"(?!x)x")
    resumed = re.compile("|".join(f"(?:{p})" for p in neg.resumed) or r"(?!x)x")
    pseudo = re.compile("|".join([_any_of(neg.pseudo).pattern, *(f"(?:{p})" for p in neg.continuing)]))
    return _Negation(_any_of(neg.triggers), pseudo, stop, neg.scope, statement, affirmed,
                     resumed, _any_of(neg.statement_nouns),
                     re.compile(rf"\s*(?:{_any_of(neg.exceptions).pattern})"),
                     frozenset(fold(x) for x in neg.stopping),
                     re.compile("|".join(f"(?:{p})" for p in neg.resumed_after_stop) or r"(?!x)x"))


def negated_spans(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each negated phrase of a (folded) text: from a trigger over the next
    ``scope`` words, ended early by a terminator; a trigger inside a pseudo-trigger is none, and so
    is a phrase that what follows affirms ("she isn't on it but I am")."""
    neg = _negation()
    trigger, stop, scope = neg.trigger, neg.stop, neg.scope
    pseudo = [(m.start(), m.end()) for m in neg.pseudo.finditer(folded)]
    out: list[tuple[int, int]] = []
    found = list(trigger.finditer(folded))
    # a negated negation ("I haven't stopped <medicine>", "never came off it") affirms: neither negates
    stops = neg.stopping
    cancelled = {i for j, (a, b) in enumerate(itertools.pairwise(found))
                 if b.group(0) in stops and _DOUBLED.fullmatch(folded[a.end():b.start()]) for i in (j, j + 1)}
    for i, m in enumerate(found):
        if (i in cancelled or any(s <= m.start() < e for s, e in pseudo)
                or not _negates(folded, m.start(), m.group(0))):
            continue
        words = list(re.finditer(r"\S+", folded[m.end():]))[:scope]
        end = m.end() + (words[-1].end() if words else 0)
        if (t := stop.search(folded, m.end(), end)) is not None:
            end = t.start()
        if (t := _SENTENCE_END.search(folded, m.end(), end)) is not None:  # never past its sentence
            end = t.start()
        sentence = _SENTENCE_END.search(folded, m.end())
        if neg.affirmed_after.match(folded, _clause_end(folded, end)) or neg.resumed.search(
                folded, m.end(), sentence.start() if sentence else len(folded)) or (
                m.group(0) in stops and neg.resumed_after_stop.match(folded, m.end())):
            continue
        out.append((m.start(), end))
    return out


#: what may stand between a negation and the negating verb it negates ("haven't actually stopped")
_DOUBLED = re.compile(r"\s+(?:(?:ever|yet|actually|really|even|just)\s+)?")
#: the end of a sentence ("... not on it anymore. does it ..."): a negation stops there
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")
#: a contrast: what follows it is said of something else ("not on <medicine> but I take <another>")
_CONTRAST = re.compile(r"\b(?:but|however|though|although|yet|except|whereas)\b")
#: the rest of a clause, up to its punctuation
_CLAUSE_REST = re.compile(r"[^,;:.!?]*?(?=[,;:.!?]|$)")
#: the rest of a clause, up to its punctuation or a contrast
_CLAUSE_REST_TO_CONTRAST = re.compile(
    r"[^,;:.!?]*?(?=\s*,?\s*\b(?:but|though|although|yet|however|whereas|while)\b|[,;:.!?]|$)")


def _statement_end(folded: str, end: int) -> int | None:
    """Where the declarative sentence a negated statement about oneself ends, when it ends with
    "." "!" or ";" and no contrast comes first ("I quit <medicine> a while back.", "the doctor took me
    off <medicine> last year so that's done."): None when a question or another clause follows."""
    m = _CLAUSE_REST.match(folded, end)
    if m is None or _CONTRAST.search(m.group(0)) or not re.match(r"\s*[.!;]", folded[m.end():]):
        return None
    return m.end()


def _holds_a_statement_noun(folded: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Does the negated phrase (start, end) hold a statement noun ("No heart problems"), or is it
    listed with one that does ("no <condition>, no tummy problems so far.": the next negated phrase,
    right after its comma)?"""
    noun = _negation().statement_noun
    return noun.search(folded, start, end) is not None or any(
        re.fullmatch(r"\s*,\s*(?:and\s+)?", folded[end:s2]) is not None
        and noun.search(folded, s2, e2) is not None for s2, e2 in spans if s2 > end)


def _clause_end(folded: str, end: int) -> int:
    """Where the clause of a negated phrase ending at ``end`` ends (its last words, such as
    "myself" or "anymore", run on past the scope's terminator-free words up to punctuation or a
    contrast)."""
    found = _CLAUSE_REST_TO_CONTRAST.match(folded, end)
    return found.end() if found else end


def _negates(folded: str, start: int, word: str) -> bool:
    """Does a negating verb ("not", "doesn't", "isn't") negate what follows? Only in a statement
    about a person ("I'm not on", "my husband doesn't take") or an elliptical "not on any ..." that
    opens a clause. A clause that opens with a negated auxiliary asks ("Doesn't it interfere with
    <medicine>?"), and one about anything else states a fact ("it isn't a blood thinner"): the
    medicine named there is the question's topic. "no", "never", "without" always negate."""
    if not (word == "not" or word.endswith(("n't", "nt"))):
        return True
    if re.search(r"(?:^|[,;:.!?]|\b(?:and|but|so|or|then)\b)\s*$", folded[:start]):
        # ... unless, after "and"/"but", it goes on stating what the same person takes ("stopped <a
        # medicine> and isn't on any <medicine> now,"): not in a clause that asks ("... but isn't
        # taking it with <medicine> risky?")
        return word == "not" or (re.search(r"\b(?:and|but)\s*$", folded[:start]) is not None
                                 and _TAKING_AFTER.match(folded, start + len(word)) is not None
                                 and not re.match(r"[^,;:.!?]*\?", folded[start:]))
    if _ASKING_SUBJECT.search(folded, 0, start) is not None:  # "should I not take <x> with it?" asks
        return False
    return _NEGATED_SUBJECT.search(folded, 0, start) is not None


#: what a negated verb says of someone's medicines when it opens a clause ("isn't on", "doesn't take")
_TAKING_AFTER = re.compile(
    r"\s+(?:currently\s+|really\s+)?(?:on|taking|using|take|use|been\s+on)\b(?!\s+(?:it|them|that|this)\b)")


#: what carries a negated statement on ("or anything", "and no kidney issues", "nor any other")
_STATEMENT_GOES_ON = re.compile(
    r"(?:\s*,?\s*(?:or|and|nor)\s+(?:anything(?:\s+(?:else|like\s+that))?|any\s+others?|"
    r"(?:no|not|never)\b[^,;:.!?]*))*")


#: a subject after its auxiliary ("should I not ...", "can we not ..."): a question, no statement
_ASKING_SUBJECT = re.compile(
    r"\b(?:should|shall|can|could|would|will|do|does|did|must|may|might|is|are|am)\s+"
    r"(?:i|we|you|he|she|they|my\s+\w+)\s+$")


#: the subject a negated statement about oneself opens with ("I'm", "I have", "my husband is",
#: "we've been"): dropped with the statement, so "I'm not on any blood thinner" leaves no "I'm"
_NEGATED_SUBJECT = re.compile(
    r"(?:\b(?:i|i'm|im|i've|ive|we|we're|we've|he|she|they|he's|hes|she's|shes|they're|theyre|my\s+\w+)\s+"
    r"(?:(?:am|are|is|was|were|have|has|had|do|does|did|been|being)\s+)*)$")


def _mention_ends(folded: str, start: int, end: int) -> list[int]:
    """Where each mention of a (non note-only) interaction class inside ``folded[start:end]`` ends."""
    out = [start + m.end() for m in re.finditer(r"[a-z]+", folded[start:end])
           if any(not _note_only(x.cls) for x in _word_mentions(m.group(0), True))]
    for pat, mention in [*_matcher().phrases, *_matcher().uses]:
        if not _note_only(mention.cls):
            out += [m.end() for m in pat.finditer(folded, start, end)]
    return out


def without_comparisons(text: str) -> str:
    """``text`` without its phrases that name something only to compare ("like you have to with
    <another>": the lexicon's ``comparisons``)."""
    patterns = vocabulary().lexicon.comparisons
    return re.sub("|".join(f"(?:{p})" for p in patterns), " ", fold(text)) if patterns else text


@functools.lru_cache(maxsize=1024)
def without_negated_mentions(text: str) -> str:
    """``text`` without its negated statements about medicines ("I'm not on any blood thinners",
    "never been on one"): each negated phrase that names an interaction class is dropped from
    its subject to the end of the last name it holds, so what the question asks stays and the
    medicine it rules out is no topic. A text with nothing else to ask is returned as it is."""
    folded = fold(text)
    if len(folded) != len(text):  # casefolding moved the offsets (rare): work on the folded text
        text = folded
    cuts: list[tuple[int, int]] = []
    neg = _negation()
    for start, end in (spans := negated_spans(folded)):
        ends = _mention_ends(folded, start, end)
        subject = _NEGATED_SUBJECT.search(folded, 0, start)
        closed = _closes(folded, end, spans)
        opens = re.search(r"(?:^|[.!;,]\s*)$", folded[:start]) is not None  # a clause of its own
        stated = _statement_end(folded, end)  # "I quit <medicine> a while back." ends here
        if not ends:
            # "without calcium", "no upper limit", "does it not help": the negation is part of the
            # question; "I don't have any <condition>," is a statement about oneself, no topic, and
            # so is a sentence that opens with one ("No heart problems, not on any meds.")
            trig = neg.trigger.match(folded, start)
            had = subject is not None and re.search(r"(?:have|has|had|'ve|ve)\s+$", subject.group(0))
            owned = had or (trig is not None and neg.statement.match(folded, trig.end()))
            about_oneself = owned or _holds_a_statement_noun(folded, spans, start, end)
            # "no <condition> history, but can it raise the risk of it?": a contrast asks about it
            contrasted = (re.match(r"\s*[,;.]?\s*(?:but|though|although|however|yet)\b", folded[end:])
                          and re.search(r"\b(?:it|them)\b", folded[end:]))
            if subject is not None and closed and owned and not contrasted:
                cuts.append((subject.start(), end))
            elif (subject is None and opens and about_oneself and not contrasted
                  and (re.match(r"\s*[,.;!—–-]", folded[end:]) or (  # "... so", not "... except <what is>"
                      neg.stop.match(folded, end) and not neg.exception.match(folded, end)))):
                cuts.append((start, end))
            continue
        if subject is not None and stated is not None:
            cuts.append((subject.start(), stated))
            continue
        cuts.append((subject.start() if subject else start, end if closed else max(ends)))
    # a statement goes on through "or anything", "and no <more>" ("not on a water pill or anything
    # and no kidney issues."): its continuation is no topic either
    cuts = [(s, _STATEMENT_GOES_ON.match(folded, e).end()) for s, e in cuts]  # type: ignore[union-attr]
    if not cuts:
        return text
    merged: list[tuple[int, int]] = []  # overlapping cuts ("I stopped X, so I'm not on it.") as one
    for s, e in sorted(cuts):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    out = text
    for s, e in reversed(merged):
        out = out[:s] + " " + out[e:]
    out = re.sub(r"\s+([,;.!?])", r"\1", re.sub(r"\s{2,}", " ", out))
    out = re.sub(r"([,;:.!?])[,;:.!?]+", r"\1", out).strip(" ,;:")
    out = re.sub(r"^(?:[,;:.!?\s\-–—]+|(?:and|but|so|also)\b)+", "", out).lstrip(" ,;:-–—")
    return out if content_tokens(out) else text


def _closes(folded: str, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Does the clause close right after a negated phrase, so the statement is the phrase's own
    ("...INR checks,")? Chat before the punctuation ("... acid blockers btw.") closes it too, and so
    does another denial the statement goes on with ("not on anything for it and no <medicine> either.")."""
    if re.match(r"\s*(?:[,;:.!?]|$)", folded[end:]) is not None or _negation().stop.match(folded, end):
        return True
    tail = _CLAUSE_REST.match(folded, end)
    if tail is not None and tail.end() < len(folded) and not content_tokens(tail.group(0)):
        return True
    return any(s >= end and not re.sub(r"\b(?:and|or|nor)\b", "", folded[end:s]).strip() for s, _ in spans)


def find_mentions(text: str) -> list[Mention]:
    """The interaction-class names ``text`` contains, in order (brands and misspellings count)."""
    return list(_find_mentions(text))


def class_names_in(text: str) -> list[str]:
    """The other names of what ``text`` names of a (not note-only) class outside a negation: a
    member named, its own names and the words its entry expands to; the class named by a phrase
    ("people on <a class phrase>"), its phrases and the words it expands to when no member is named.
    One member is never another ("people on <a member>" is not a finding's other member)."""
    out: list[str] = []
    for m in _find_mentions(text, affirmed=True):
        k = vocabulary().interaction_class(m.cls)
        if k.note_only:
            continue
        if (member := k.members.get(m.name)) is not None:
            out += [m.name, *member.terms, *([member.expansion] if member.expansion else [])]
        elif m.name == m.cls:
            out += [*k.phrases, k.expansion, k.unnamed_expansion or ""]
    return [x for x in dict.fromkeys(out) if x]


def denied_classes(question: str) -> list[str]:
    """The classes a question names, when it names every one only inside a negated phrase ("never
    took <medicine>"); none when it names one outside a negation too. Note-only classes aside."""
    affirmed = {m.cls for m in _find_mentions(question, affirmed=True)}
    found = [m.cls for m in _find_mentions(question) if not _note_only(m.cls)]
    return [] if affirmed & set(found) else list(dict.fromkeys(c for c in found if c not in affirmed))


def mentioned_classes(texts: Iterable[str], *, questions: bool = True) -> list[str]:
    """The classes any of ``texts`` names, first mention first. ``questions``: the texts are
    questions, so a note-only class counts by its ``question_phrases`` instead of its words."""
    out: list[str] = []
    for t in texts:
        # a page spells its names right; a negated mention ("not on any blood thinner") is none
        for m in _find_mentions(t, fuzzy=questions, affirmed=questions):
            if m.cls not in out and not (questions and _note_only(m.cls)):
                out.append(m.cls)
        if questions:
            folded = fold(t)
            out.extend(c for c, pat in _question_phrases() if c not in out and pat.search(folded))
    return out


@functools.lru_cache(maxsize=1024)
def without_medicine_phrases(folded: str) -> str:
    """The folded text with each phrase that names a medicine blanked, offsets kept (in "not on any
    water pills" no word is a product's)."""
    for pat, _ in _matcher().phrases:
        folded = pat.sub(lambda m: " " * len(m.group(0)), folded)
    return folded


def names_a_medicine(text: str) -> bool:
    """Does ``text`` name a medicine: a member or phrase of an interaction class (not a note-only
    one), or one of the lexicon's ``other_medicines``?"""
    return (any(not _note_only(m.cls) for m in _find_mentions(text))
            or any(t in medicine_names() for t in content_tokens(text)))


def taken_things(question: str) -> list[str]:
    """What the question says is taken, used or started (the lexicon's ``taken_things``), as written,
    outside a negated phrase."""
    return _things(question, tuple(vocabulary().lexicon.taken_things))


def dosed_things(question: str) -> list[str]:
    """What the question asks the dose of (the lexicon's ``dosed_things``), as written, outside a
    negated phrase."""
    return _things(question, tuple(vocabulary().lexicon.dosed_things))


def _things(question: str, patterns: tuple[str, ...]) -> list[str]:
    """The group ``thing`` of each match of the ``patterns``, outside a negated phrase."""
    folded = fold(question)
    negated = negated_spans(folded)
    return [m.group("thing") for p in _thing_patterns(patterns) for m in p.finditer(folded)
            if not any(s <= m.start("thing") < e for s, e in negated)]


@functools.cache
def _thing_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@functools.cache
def medicine_names() -> dict[str, str]:
    """Each one-word name of the lexicon's ``other_medicines`` (no interaction class holds them) by
    its topic token."""
    out: dict[str, str] = {}
    for name in vocabulary().lexicon.other_medicines:
        if len(tokens := content_tokens(name)) == 1:
            out.setdefault(tokens[0], name)
    return out


@functools.cache
def _question_phrases() -> list[tuple[str, re.Pattern[str]]]:
    """Each note-only class and what asks about it: its question phrases and patterns, and saying
    that too much was taken already (its ``urgent_patterns``: "my 3 yr old got into my pills"), not
    of a pet (``urgent_not``)."""
    out = []
    for c in vocabulary().classes:
        if c.note_only and (c.question_phrases or c.question_patterns):
            alt = "|".join([*(_phrase_regex(p).pattern for p in c.question_phrases), *c.question_patterns])
            out.append((c.name, re.compile(alt)))
        if c.note_only and c.urgent_patterns:
            unless = "".join(f"(?!.*?(?:{p}))" for p in c.urgent_not)
            out.append((c.name, re.compile(f"^{unless}.*?(?:{'|'.join(c.urgent_patterns)})", re.DOTALL)))
    return out


@functools.cache
def _note_only(cls: str) -> bool:
    return vocabulary().interaction_class(cls).note_only


# --------------------------------------------------------------------------- query expansion


@dataclass(frozen=True)
class NormalizedQuery:
    """A question prepared for retrieval."""

    original: str
    dense_text: str
    lexical_text: str
    mentions: list[Mention] = field(default_factory=list)


def _class_expansion(c: InteractionClass, names: list[str]) -> list[str]:
    """The words a mention of class ``c`` (by ``names``) adds to the dense query."""
    members = [n for n in names if n in c.members]
    extra = [c.expansion] if c.expansion else []
    specific = [e for n in members if (e := c.members[n].expansion)]
    if specific:
        extra.extend(dict.fromkeys(specific))
    elif not members and c.unnamed_expansion:
        extra.append(c.unnamed_expansion)
    extra.extend(members)
    extra.extend(c.monitoring[n] for n in names if n in c.monitoring)
    return extra


@functools.cache
def _dense_unit_spellings() -> re.Pattern[str] | None:
    """The ASCII spellings of the microgram unit that the dense model reads poorly ("ug")."""
    v = vocabulary()
    mass = [u for u in v.units if u.factor_ug == 1]
    if not mass:
        return None
    odd = [s for s in mass[0].spellings if s.isascii() and s != mass[0].token]
    return re.compile(rf"(?i)(\d)\s*(?:{_alternation(odd)})\b") if odd else None


def expand_query(question: str) -> NormalizedQuery:
    """Add canonical words for the dense search; the lexical form for BM25."""
    mentions = [m for m in find_mentions(question) if not _note_only(m.cls)]
    extra: list[str] = []
    lex = lexical_form(question)
    for cls in dict.fromkeys(m.cls for m in mentions):
        c = vocabulary().interaction_class(cls)
        extra.extend(_class_expansion(c, [m.name for m in mentions if m.cls == cls]))
        if c.lexical:
            lex += f" {c.lexical}"
    # the dense model reads natural text: spell the unit variants out once
    dense = question
    pat = _dense_unit_spellings()
    if pat is not None and pat.search(fold(question)):
        dense = pat.sub(r"\1 μg", dense)
    if extra:
        dense = f"{dense} ({'; '.join(extra)})"
    return NormalizedQuery(question, dense, lex, mentions)


def covering_words(word: str) -> list[str]:
    """The (stemmed) words the lexicon's covering rewrites (``covers: true``) give a word besides
    itself ("memory" -> "cognitive"): what a page may call it."""
    folded = fold(word)
    out: list[str] = []
    for r in vocabulary().lexicon.rewrites:
        if r.covers and re.search(r.pattern, folded):
            out += content_tokens(re.sub(r.pattern, r.to, folded))
    return [t for t in dict.fromkeys(out) if t != stem(folded)]


def sentences_of(text: str) -> list[str]:
    """The text's sentences (split after ".", "!" or "?" and a space)."""
    return re.split(r"(?<=[.!?])\s+", text)


def asking_sentences(text: str) -> str:
    """The sentences of a text that ask (end in "?"); the whole text when none does."""
    asking = [s for s in sentences_of(text) if s.rstrip().endswith("?")]
    return " ".join(asking) if asking else text


def without_denials(text: str) -> str:
    """The text without its statements that deny: what the user says they do not have or no longer
    take, and what they say with it ("no <condition>, my scan was normal. what does <x> do for
    bones?"), is context, not what they ask. A statement that also affirms keeps its other clauses
    ("I take <drug>, no other meds." keeps "I take <drug>"). The sentences that ask are those ending
    in "?"; in a text with none, those a word that opens an ask begins, or begins a clause of ("...
    on nothing now. he wants the 45 mcg one, whats in it"); a text with neither is kept whole."""
    sentences = sentences_of(text)
    asking = asking_flags(sentences)
    if not any(asking):
        return text
    kept = [s if a else _undenied(s) for s, a in zip(sentences, asking, strict=True)]
    return " ".join(s for s in kept if s)


def asking_only(text: str) -> str:
    """The text's sentences that ask, from the first: those ending in "?", else (none does) from the
    first a word that opens an ask begins, or begins a clause of ("finished my course of <medicine>
    in march, not on anything now. whats the longest <x> trial"); the whole text when none asks."""
    sentences = sentences_of(text)
    first = next((i for i, a in enumerate(asking_flags(sentences)) if a), None)
    return " ".join(sentences[first:]) if first else text


def asking_flags(sentences: Sequence[str]) -> list[bool]:
    """Which sentences ask: those ending in "?"; when none does, those a word that opens an ask
    begins, or begins a clause of."""
    asking = [s.rstrip().endswith("?") for s in sentences]
    return asking if any(asking) else [bool(_ask_opener().search(fold(s))) for s in sentences]


@functools.lru_cache(maxsize=256)  # read by both the study scope and the study query of a turn
def without_leading_denials(text: str) -> str:
    """The text without the statements that deny before its first asking sentence ("stopped my
    <medicine> in March, not on anything now. <question>"); what follows the ask is kept, denial or
    not: "which trials didn't work? like the ones where it made no difference" narrows the ask."""
    sentences = sentences_of(text)
    first = next((i for i, s in enumerate(sentences) if s.rstrip().endswith("?")), None)
    if first is None:
        return without_denials(text)
    lead = without_denials(" ".join(sentences[:first + 1]))
    return " ".join([lead, *sentences[first + 1:]])


@functools.lru_cache(maxsize=1)
def _ask_opener() -> re.Pattern[str]:
    """A word that opens an ask (the lexicon's ``part_openers``) at the start of a sentence or of a
    clause in it."""
    words = "|".join(re.escape(w) for w in sorted(vocabulary().lexicon.part_openers, key=len, reverse=True))
    return re.compile(rf"(?:^|[,;:\u2013\u2014]\s*|\s-\s*)(?:{words})(?![\w'])")


def asking_part(question: str) -> str:
    """The part of a question that asks, and what follows it: from its last sentence that ends in
    "?" (else its last), from the last word there that opens an ask ("my doc switched me to <x>,
    which product has the most?": "which product has the most?")."""
    sentences = sentences_of(question.strip()) or [question]
    at = max((i for i, t in enumerate(sentences) if t.rstrip().endswith("?")), default=len(sentences) - 1)
    _, head = split_at_ask(sentences[at])
    return " ".join([head, *sentences[at + 1:]])


def split_at_ask(sentence: str) -> tuple[str, str]:
    """(what comes before the ask, the ask): the sentence split where its last word that opens an
    ask begins it or a clause of it ("my doc switched me to <x>, which product has the most?");
    ('', the sentence) when no word opens one after its start."""
    starts = [m.start() for m in _ask_opener().finditer(fold(sentence))]
    if not starts or not starts[-1]:
        return "", sentence
    return sentence[:starts[-1]], sentence[starts[-1]:].lstrip(",;:\u2013\u2014- ")


def said_in_passing(question: str, tokens: Collection[str]) -> bool:
    """Are these topic tokens said only before the part that asks, which asks nothing of taking
    things together (the lexicon's ``together`` cues: "with", "alongside", "from it")?"""
    ask = asking_part(question)
    if ask.strip() == question.strip() or set(content_tokens(ask)) & set(tokens):
        return False
    return not cue(vocabulary().lexicon.together).search(fold(ask))


def _undenied(statement: str) -> str:
    """A statement's clauses that deny nothing; none at all when it denies and none of its other
    clauses names a medicine, states a condition or says what someone takes ("I have <condition>",
    "I take <x>"): "no <condition>, my scan was normal" is all reassurance."""
    if not negated_spans(fold(statement)):  # read whole, it denies nothing ("I'm not on <x> but my
        return statement  # wife is": the medicine is taken)
    clauses = [c for c in _clause_split().split(statement) if c and c.strip()]
    denied = [bool(negated_spans(fold(c))) for c in clauses]
    kept = [c for c, d in zip(clauses, denied, strict=True) if not d]
    if any(denied) and not mentioned_classes(kept) and not any(
            p.search(fold(c)) for c in kept for p in _affirming_patterns()):
        return ""
    return " ".join(kept)


@functools.lru_cache(maxsize=1)
def _clause_split() -> re.Pattern[str]:
    """Where a statement's clauses part: after "," or ";", and before a word that closes a negation's
    scope ("no <medicine> but i take <x>": the clause after "but" denies nothing)."""
    stops = _any_of(vocabulary().lexicon.negation.terminators).pattern
    return re.compile(rf"(?<=[,;])\s+|\s+(?=(?:{stops})(?![\w']))", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _affirming_patterns() -> list[re.Pattern[str]]:
    """Someone saying they have a condition or take something (the lexicon's ``stated_conditions``
    and ``negation.taking``)."""
    lex = vocabulary().lexicon
    return [re.compile(p) for p in (*lex.stated_conditions, *lex.negation.taking)]


def surface_forms(text: str) -> dict[str, str]:
    """stem -> the first word form it was made from (for embedding single terms)."""
    out: dict[str, str] = {}
    for t in _TOKEN.findall(lexical_form(text)):
        out.setdefault(stem(t), t.replace("_", " "))
    return out


def raw_tokens(text: str) -> list[str]:
    """Unstemmed tokens of the lexical form."""
    return _TOKEN.findall(lexical_form(text))


_STEMMERS = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    """This thread's Snowball stemmer: a stemmer keeps the word it is stemming, so one shared by the
    web chat's threads can read another's word (IndexError under concurrent sessions)."""
    if (found := getattr(_STEMMERS, "stemmer", None)) is None:
        found = _STEMMERS.stemmer = snowballstemmer.stemmer("english")
    return found


@functools.lru_cache(maxsize=16384)
def word_root(token: str) -> str:
    """A word's Snowball root: its inflections meet ("lowered", "lowering" and "lower")."""
    return str(_stemmer().stemWord(token))
