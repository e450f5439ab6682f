"""Spelling tolerance: a question's misspelt words, corrected against the corpus's own words and the
domain vocabulary before retrieval and the scope check ("whats the upper limt for vitmin c").

:class:`SpellCorrector` is built once per index generation, from the word forms of the stored
passages (with how often each occurs) and every word of the domain vocabulary (nutrient and form
names, interaction-class members, brands, phrases, monitoring tests, units, the lexicon's words).
Lookups use ``symspellpy`` (Damerau-Levenshtein, optimal string alignment).

It is conservative. A word is left alone when it is already known: a corpus or vocabulary word, a
stopword, a number, or a word of symspellpy's English dictionary (a real word the corpus lacks, such
as "migraines", is the scope check's business: correcting it would hide an off-topic question). Only
letters-only words of four letters or more are corrected, by at most :func:`max_distance` edits (a
three-letter word only when the correction makes a vocabulary name with a neighbouring word); of the
closest candidates the most frequent wins, and a tie in frequency, or closest candidates that name
different nutrients, forms or interaction classes, leave the word as typed.

Example:
    >>> sc = SpellCorrector.from_words({"upper": 3, "limit": 5, "vitamin": 9})
    >>> sc.correct("whats the upper limt for vitmin c")
    ('whats the upper limit for vitamin c', {'limt': 'limit', 'vitmin': 'vitamin'})
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from langchain_core.documents import Document
from rapidfuzz.distance import Levenshtein
from symspellpy import SymSpell, Verbosity

from assistant.conversation import Turn, plain_text
from assistant.domain.vocabulary import Vocabulary, vocabulary
from assistant.normalize import fold, lexical_form, stopwords, word_root

#: a word: letters (an apostrophe inside, as in "don't"), not touching a digit or another word
#: character ("b6", "x7" and "5000iu" are never words here)
WORD = re.compile(r"(?<![\w'’])[^\W\d_]+(?:['’][^\W\d_]+)*(?![\w'’])")
#: a negation written without its apostrophe: "shouldnt", "dont", "isnt" (never "corrected" away)
_CONTRACTION = re.compile(r"([a-z]+?)n'?t")
#: words shorter than this are corrected only when a neighbour confirms the correction (see
#: :meth:`SpellCorrector.suggest`): a short word is too often an abbreviation or shorthand ("ppl")
MIN_LENGTH = 4
#: the most edits a correction may make (the spellers' dictionaries are built for this many)
MAX_EDITS = 2
#: a word that may be an -ing form typed without its g ("startin", "doin")
_DROPPED_G = re.compile(r"[a-z]{2,}in")
#: a token of any kind beside a word: letters, digits and hyphens ("<letter><digits>", "24-hour")
_TOKEN = re.compile(r"\s*([\w'’-]+)")
#: a plural of a word ending in a consonant + y written with -ys ("studys" for "studies")
_PLURAL_YS = re.compile(r"[a-z]{2,}[^aeiou]ys")
#: words shorter than this are never corrected ("u", "im")
MIN_CONTEXT_LENGTH = 3
#: a word no corpus word is near is corrected to an English word from this length ("hartbeat")
MIN_ENGLISH_LENGTH = 5
#: ... one of the English dictionary's this many most frequent words (a second to build, once)
ENGLISH_TARGETS = 20_000
#: a multi-word name written as one word is recognised from this length ("fishoil")
MIN_JOINED = 6
#: the shortest Snowball root that makes a word known in another ending (shorter ones meet by chance)
MIN_ROOT = 5
#: the English dictionary shipped inside symspellpy (word, count per line): known words, never targets
ENGLISH_DICTIONARY = "frequency_dictionary_en_82_765.txt"
#: what a vocabulary word counts as when the corpus does not contain it (a corpus word counts its uses)
VOCABULARY_COUNT = 1


@functools.cache
def _shorthand() -> dict[str, str]:
    """The lexicon's text-speak words and the words they stand for (``shorthand``)."""
    return {fold(k): v for k, v in vocabulary().lexicon.shorthand.items()}


def _abbreviation(text: str, m: re.Match[str]) -> bool:
    """Is the word a unit after a number ("5000 u") or part of a dotted abbreviation ("U.S.")? Then
    it is no text-speak."""
    return text[:m.start()].rstrip()[-1:].isdigit() or re.match(r"\.\w", text[m.end():]) is not None


def max_distance(word: str) -> int:
    """The edits a word of this length may be corrected by: 1 up to 7 letters, 2 from 8."""
    return 1 if len(word) <= 7 else 2


@functools.cache
def english_words() -> frozenset[str]:
    """The words of symspellpy's English frequency dictionary (loaded once per process)."""
    text = importlib.resources.files("symspellpy").joinpath(ENGLISH_DICTIONARY).read_text(encoding="utf-8")
    return frozenset(line.split(maxsplit=1)[0] for line in text.splitlines() if line.strip())


@functools.cache
def english_speller() -> SymSpell:
    """symspellpy's English frequency dictionary as a corrector (built once per process, on first
    use or at warm-up): the last resort for a word neither the corpus nor the vocabulary is near."""
    text = importlib.resources.files("symspellpy").joinpath(ENGLISH_DICTIONARY).read_text(encoding="utf-8")
    rows = [(w, int(c)) for line in text.splitlines() if len(parts := line.split()) == 2
            for w, c in [parts] if c.isdigit()]
    sym = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=7)
    for word, count in sorted(rows, key=lambda r: -r[1])[:ENGLISH_TARGETS]:
        sym.create_dictionary_entry(word, count)
    return sym


def _tokens_beside(text: str, m: re.Match[str]) -> tuple[str, str]:
    """The (folded) tokens right before and after a match, numbers and all ("<name> <letter><digits>")."""
    before = _TOKEN.findall(text[max(0, m.start() - 40):m.start()])
    after = _TOKEN.match(text, m.end())
    return (fold(before[-1]) if before else "", fold(after.group(1)) if after else "")


def words(text: str) -> list[str]:
    """The (casefolded) words of a text, as :data:`WORD` finds them."""
    return [fold(m.group(0)).replace("’", "'") for m in WORD.finditer(text)]


def vocabulary_entities(v: Vocabulary) -> dict[str, str]:
    """Every name of the domain vocabulary -> the entity it names ("nutrient:<name>",
    "form:<nutrient>:<form>", "class:<class>"); multi-word names keep their spaces."""
    out: dict[str, str] = {}
    for n in v.nutrients:
        for name in n.names():
            out.setdefault(fold(name), f"nutrient:{n.name}")
        for f in n.forms:
            for name in (f.name, *f.terms):
                out.setdefault(fold(name), f"form:{n.name}:{f.name}")
    for c in v.classes:
        for name in (*c.names(), *c.phrases, *c.monitoring, c.label, c.name.replace("_", " ")):
            out.setdefault(fold(name), f"class:{c.name}")
    return out


def vocabulary_words(v: Vocabulary) -> set[str]:
    """Every word the vocabulary holds, with no entity: units, expansions, the lexicon's words."""
    texts: list[str] = [s for u in v.units for s in (*u.spellings, u.canonical)]
    for c in v.classes:
        texts += [c.expansion, c.unnamed_expansion or "", c.lexical, *c.monitoring.values(),
                  *(m.expansion or "" for m in c.members.values()), *c.question_phrases]
    neg = v.lexicon.negation
    texts += [*neg.triggers, *neg.terminators, *neg.pseudo, *v.stopwords, *v.general_words]
    return {w for t in texts for w in words(t)}


class SpellCorrector:
    """Corrects the misspelt words of a question against known words and their frequencies.

    Args:
        counts: every correction target -> how often it occurs (corpus words and vocabulary words).
        entities: the targets that name a nutrient, a form or an interaction class -> that entity.
        joined: a multi-word name written as one word ("bloodthinner") -> the name ("blood thinner").
        known: further words that are never corrected nor corrected to (stopwords, English words).

    Example:
        >>> sc = SpellCorrector.from_words({"blood": 4, "thinner": 2})
        >>> sc.correct("my blod thiner")[1]
        {'blod': 'blood', 'thiner': 'thinner'}
    """

    def __init__(self, counts: Mapping[str, int], *, entities: Mapping[str, str] | None = None,
                 joined: Mapping[str, str] | None = None, known: Iterable[str] = (),
                 phrases: Iterable[str] = ()) -> None:
        self.counts = dict(counts)
        self.entities = dict(entities or {})
        self.joined = dict(joined or {})
        #: the multi-word names (of the vocabulary), for a word's neighbours to confirm a candidate
        self.names = frozenset(self.joined.values())
        #: every multi-word name of the vocabulary as written, with its digits ("<name> <letter><digits>")
        self.phrases = frozenset(phrases) | self.names
        self.known = frozenset(known) | self.counts.keys()
        self._symspell = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=7)
        for word, count in self.counts.items():
            self._symspell.create_dictionary_entry(word, max(1, count))
        for word in self.joined:
            self._symspell.create_dictionary_entry(word, VOCABULARY_COUNT)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_words(cls, counts: Mapping[str, int], *, english: bool = False) -> SpellCorrector:
        """A corrector over a plain word list (no vocabulary); ``english``: English words are known."""
        return cls(counts, known=english_words() if english else ())

    @classmethod
    def build(cls, pages: Iterable[Sequence[Document]], v: Vocabulary | None = None) -> SpellCorrector:
        """The corrector of one index generation: the stored passages' words (a page of Documents
        at a time) and the domain vocabulary's."""
        counts: Counter[str] = Counter()
        for page in pages:
            for d in page:
                counts.update(words(d.page_content))
        return cls.from_counts(counts, v)

    @classmethod
    def from_counts(cls, corpus_counts: Mapping[str, int], v: Vocabulary | None = None) -> SpellCorrector:
        """The corrector over the corpus's word counts (:func:`words` of every stored passage, as
        the index generation keeps them) and the domain vocabulary's words."""
        v = v or vocabulary()
        counts: Counter[str] = Counter(corpus_counts)
        names = vocabulary_entities(v)
        entities: dict[str, str] = {}
        joined: dict[str, str] = {}
        for name, entity in names.items():
            parts = words(name)
            if len(parts) == 1 and parts[0] == name:
                entities[name] = entity
            elif len(parts) > 1 and len(squashed := "".join(parts)) >= MIN_JOINED:
                joined.setdefault(squashed, " ".join(parts))
            for w in parts:
                counts[w] += VOCABULARY_COUNT
        for w in vocabulary_words(v) | stopwords():
            counts[w] += VOCABULARY_COUNT
        return cls(counts, entities=entities, joined=joined, known=english_words(),
                   phrases=(fold(n) for n in names if " " in n.strip()))

    # ------------------------------------------------------------------ correcting

    def is_known(self, word: str) -> bool:
        """A known word, or one written without its apostrophe ("shouldnt": "should" + "nt")."""
        if word in self.known:
            return True
        m = _CONTRACTION.fullmatch(word)
        return m is not None and m.group(1) in self.known

    @functools.cached_property
    def _roots(self) -> frozenset[str]:
        """The Snowball roots of the words corrected to (read on the first correction, not at start-up):
        a word sharing one is a known word in another ending (a verb beside the corpus's noun:
        "<root>ate" beside "<root>ation"), never a typo of a further word."""
        return frozenset(r for w in self.counts
                         if len(w) >= MIN_LENGTH and len(r := word_root(w)) >= MIN_ROOT)

    def suggest(self, word: str, before: str = "", after: str = "",
                tokens: tuple[str, str] | None = None) -> str | None:
        """The correction of one casefolded word (:meth:`_suggest`), unless the word is a known word in
        another ending ("<root>ate" beside the corpus's "<root>ation") and the correction another word
        (one edit or two away, of another root); a correction to its own root stays ("studys" is
        "studies")."""
        out = self._suggest(word, before, after, tokens)
        if (out is not None and " " not in out and len(word) >= MIN_LENGTH
                and (root := word_root(word)) in self._roots and word_root(out) != root):
            return None
        return out

    def _suggest(self, word: str, before: str = "", after: str = "",
                 tokens: tuple[str, str] | None = None) -> str | None:
        """The correction of one casefolded word, or None to leave it as it is. ``before`` and
        ``after`` are its neighbours: the one candidate that makes a vocabulary name with one of
        them wins ("blod thinner" -> "blood thinner"); it is the only way a word shorter than
        :data:`MIN_LENGTH` is corrected. ``tokens``: the words right before and after it, numbers
        and all ("<letter><digits>"), for a name one edit further to be confirmed by."""
        if len(word) < MIN_CONTEXT_LENGTH or self.is_known(word) or not word.isalpha():
            return None
        if self._rewritten(word):
            return None
        if _DROPPED_G.fullmatch(word) and f"{word}g" in english_words():
            return f"{word}g"  # "startin", "doin": the g of -ing dropped, as people type it
        d = max_distance(word)
        if word in self.joined:  # a name written as one word, unless a near word makes a name with a
            # neighbour ("vitamine d" is "vitamin d", not "vitamin e" + "d"; "vitamine <letter><digit>" too)
            near = [s for s in self._symspell.lookup(word, Verbosity.ALL, max_edit_distance=d)
                    if s.distance > 0]
            b, a = tokens or (before, after)  # the tokens beside it, numbers and all
            in_name = [s for s in near if {f"{before} {s.term}", f"{s.term} {after}"} & self.names
                       or {f"{b} {s.term}", f"{s.term} {a}"} & self.phrases]
            return in_name[0].term if len(in_name) == 1 else self.joined[word]
        found = self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=d)
        found = [s for s in found if s.distance > 0 and (s.distance < 2 or s.term[0] == word[0])]
        in_name = [s for s in found if {f"{before} {s.term}", f"{s.term} {after}"} & self.names]
        if len(in_name) == 1:
            return in_name[0].term
        if not in_name and (named := self._names_further(word, d, *(tokens or (before, after)))):
            return named  # "vitman <letter><digits>": two edits from a word making a name with a neighbour
        if _PLURAL_YS.fullmatch(word) and self.is_known(plural := f"{word[:-2]}ies"):
            return plural  # "studys", "therapys": the -ies plural, as the -y word's stem says
        if len(word) < MIN_LENGTH:
            return None
        if not found:  # no word of the corpus is near: an everyday word mistyped ("hartbeat")?
            return self._english(word)
        # the first letter is rarely the one mistyped: "uper" is "upper" rather than "per"
        found = [s for s in found if s.term[0] == word[0]] or found
        best = max(found, key=lambda s: s.count)
        if sum(1 for s in found if s.count == best.count) > 1:
            return None  # a tie: no reason to prefer either
        if len({e for s in found if (e := self.entities.get(s.term))}) > 1:
            return None  # two nutrients, forms or medicines as close as each other: never guess
        return self.joined.get(best.term, best.term)

    def _names_further(self, word: str, d: int, before: str, after: str) -> str | None:
        """The one word an edit beyond ``d`` away (same first letter, no shorter than
        :data:`MIN_LENGTH`) that makes a vocabulary name with a neighbour: a name's context confirms
        what its length alone would not."""
        if d >= MAX_EDITS or len(word) < MIN_LENGTH:
            return None
        near = self._symspell.lookup(word, Verbosity.ALL, max_edit_distance=d + 1)
        fits = {s.term for s in near if s.distance == d + 1 and s.term[0] == word[0]
                and {f"{before} {s.term}", f"{s.term} {after}"} & self.phrases}
        return fits.pop() if len(fits) == 1 else None

    @staticmethod
    def _rewritten(word: str) -> bool:
        """Is the word one the lexicon rewrites to another word, not a typo of it ("trigs" is
        triglycerides; "postmenopausl" is a misspelling the rewrite only happens to catch)?"""
        out = lexical_form(word).strip()
        return out != word and Levenshtein.distance(word, out) > max_distance(word)

    def _english(self, word: str) -> str | None:
        """The English word a word of at least :data:`MIN_ENGLISH_LENGTH` letters is a typo of: the
        most frequent of the closest, same first letter; None on a tie or when none is near. The
        scope check then judges the word the user meant (a real word the corpus lacks is still
        off-topic)."""
        if len(word) < MIN_ENGLISH_LENGTH:
            return None
        found = english_speller().lookup(word, Verbosity.CLOSEST, max_edit_distance=max_distance(word))
        found = [s for s in found if s.distance > 0 and s.term[0] == word[0]]
        if not found:
            return None
        best = max(found, key=lambda s: s.count)
        return None if sum(1 for s in found if s.count == best.count) > 1 else best.term

    def correct(self, text: str) -> tuple[str, dict[str, str]]:
        """(the text with its misspelt words corrected, {typed word: correction}). Capitalised
        words stay capitalised; everything else in the text is kept as it is."""
        found = list(WORD.finditer(text))
        folded = [fold(m.group(0)).replace("’", "'") for m in found]
        corrected: dict[str, str] = {}
        out: list[str] = []
        end = 0
        padded = ["", *folded, ""]
        for i, m in enumerate(found):
            typed = m.group(0)
            full = _shorthand().get(folded[i])  # text-speak ("shud": should), unless a unit or "U.S."
            fixed = (full if full and not _abbreviation(text, m)
                     else self.suggest(folded[i], padded[i], padded[i + 2], _tokens_beside(text, m)))
            if fixed is None:
                continue
            corrected[typed.casefold()] = fixed
            if typed[:1].isupper() and typed[1:].islower():
                fixed = fixed.capitalize()
            out += [text[end:m.start()], fixed]
            end = m.end()
        return "".join([*out, text[end:]]), corrected

    def confirm(self, text: str, passages: Iterable[str]) -> tuple[str, dict[str, str]]:
        """(the text with the words :meth:`correct` had to leave alone corrected where the passages
        retrieved for it confirm the correction, {typed word: correction}).

        A word not among the corpus's and the vocabulary's own (a short one such as "los", or one
        that happens to be English) is corrected to the one candidate within :func:`max_distance`
        edits that makes, with a neighbouring word, a phrase of those passages ("bone los" ->
        "bone loss" where a passage says "bone loss"). A word that makes no phrase of theirs is
        left as typed: an off-topic word stays for the scope check.
        """
        found = list(WORD.finditer(text))
        folded = [fold(m.group(0)).replace("’", "'") for m in found]
        unknown = [len(w) >= MIN_CONTEXT_LENGTH and w not in self.counts and w.isalpha() for w in folded]
        if not any(unknown):
            return text, {}
        pairs = {(a, b) for p in passages for a, b in itertools.pairwise(words(p))}
        padded = ["", *folded, ""]
        corrected: dict[str, str] = {}
        out: list[str] = []
        end = 0
        for i, m in enumerate(found):
            word, before, after = folded[i], padded[i], padded[i + 2]
            if not unknown[i]:
                continue
            found_terms = self._symspell.lookup(word, Verbosity.ALL, max_edit_distance=max_distance(word))
            fits = {s.term for s in found_terms
                    if s.distance > 0 and ((before, s.term) in pairs or (s.term, after) in pairs)}
            if len(fits) != 1 or (word in english_words() and fits & stopwords()):
                continue  # a real word is never a slip for a word of no topic ("add": "and")
            fixed = fits.pop()
            corrected[m.group(0).casefold()] = fixed
            out += [text[end:m.start()], fixed.capitalize() if m.group(0)[:1].isupper() else fixed]
            end = m.end()
        return "".join([*out, text[end:]]), corrected

    def correct_turns(self, turns: Sequence[Turn]) -> list[Turn]:
        """The conversation with its user questions cleaned (:func:`plain_text`) and corrected."""
        return [{**t, "content": self.correct(plain_text(t["content"]))[0]} if t.get("role") == "user" else t
                for t in turns]

    def understand(self, question: str) -> tuple[str, dict[str, str]]:
        """The question as the pipeline understands it: markup stripped, misspellings corrected."""
        return self.correct(plain_text(question))
