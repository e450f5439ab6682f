"""Research findings as study records, and questions across studies answered from them.

A monograph's Research section is a list of one-sentence findings. Each is read once per index
generation into a :class:`StudyRecord`: the nutrients and forms it names (from the vocabulary, via
:func:`assistant.nutrients.read_nutrients`), its doses (with unit and mass equivalent; IU only through
the vocabulary's factor), duration, population, outcome and result (positive, null, ongoing, mixed or
harm). A question across studies ("the biggest dose in any study", "which trials found nothing",
"which studies used <a form>", "studies in pregnant women", "what is reference [5]") is parsed into a
:class:`StudyQuery` and answered from the records, every finding it states cited, its numbers
exactly as the finding writes them. Both superlatives asked ("which ran the longest and which the
shortest") are each answered with their own lead; a dose the question names ("at around 3 g a day")
picks the findings that gave that amount. A question about one study's detail ("how much did they
give them", "was it the <form> kind or <form>") names the study by its words, dose, duration or the
ages of its population ("the one in people over 80"); one that nothing describes is not parsed
(``None``): the extractive answer handles it. "did <supplement> do anything in <people>" asks the
findings in those people; a yes/no question whether a study found an effect ("was there a study
where it helped with <topic>") states the matching findings with their own results.

The cue words live in ``assistant/domain/study_cues.yaml`` (:func:`study_cues`); apart from loading
that file once, everything here is pure.

Example:
    >>> r = record_from_text("Zinc (25 mg/day) for 4 weeks did not shorten colds in healthy adults.",
    ...                      "zinc", 6, "c6", primary="zinc")
    >>> (r.nutrient, r.doses[0].dose.text, r.doses[0].micrograms, r.duration, r.population, r.result)
    ('zinc', '25 mg/day', 25000.0, 'for 4 weeks', 'healthy adults', 'null')
    >>> parse_study_query("what was the biggest dose used in any of the studies?").direction
    'max'
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from langchain_core.documents import Document
from pydantic import BaseModel, Field, field_validator
from rapidfuzz import fuzz

from assistant.answer.citations import CitationBook
from assistant.answer.dosage import mask_doses
from assistant.domain.vocabulary import compiles, compiles_each, load_validated, vocabulary
from assistant.doses import Dose, parse_doses
from assistant.errors import FileLineError
from assistant.normalize import (
    PINNED_STUDY,
    asking_sentences,
    class_names_in,
    content_tokens,
    content_tokens_with_parts,
    cue,
    general_words,
    in_some_form,
    lexical_form,
    name_terms,
    rewritten_spans,
    stem,
    tokens,
    without_denials,
)
from assistant.normalize import cue_alternation as alternation
from assistant.normalize import cue_fold as fold
from assistant.nutrients import (
    NamedNutrient,
    mentioned_nutrients,
    micrograms,
    read_nutrients,
    same_nutrient,
    ug_per_iu,
)

CUES_PATH = Path(__file__).resolve().parent.parent / "domain" / "study_cues.yaml"

Result = Literal["positive", "null", "ongoing", "mixed", "harm"]
RESULTS: tuple[Result, ...] = ("positive", "null", "ongoing", "mixed", "harm")
#: what a question may ask of the results: a kind, or that a finding has one ("finished": not ongoing)
Asked = Literal["positive", "null", "ongoing", "mixed", "harm", "finished"]
#: the kinds each asked kind lists (a question for no effect also gets the mixed results)
ASKED_KINDS: dict[str, frozenset[str]] = {
    "null": frozenset({"null", "mixed"}), "finished": frozenset({"positive", "null", "mixed", "harm"})}

#: the sentences of an answer across studies (filled only with the cited finding's own text, the
#: vocabulary's names and the fixed words below; none holds a number)
EXTREME_TEMPLATE = "The {word} {nutrient} dose in the research findings is {dose}{form}: {finding}"
#: ... among the findings of the people or the result asked about ({what}: "that report an effect")
EXTREME_AMONG = "The {word} {nutrient} dose among the research findings {what} is {dose}{form}: {finding}"
EXTREME_TIE = "The same dose: {finding}"
EXTREME_UNCOMPARABLE = "These findings give a dose that cannot be compared by mass: {finding}"
LIST_TEMPLATE = "Research findings {what}: {finding}"
NONE_TEMPLATE = "None of the monograph's research findings {what}."
OTHER_FORM_TEMPLATE = "Research findings {what} that do not name {forms}: {finding}"
POPULATIONS_TEMPLATE = "The findings that state their population were in: {populations}."
REFERENCE_TEMPLATE = "That reference is this research finding: {finding}"
REFERENCES_TEMPLATE = "Those references are these research findings: {finding}"
#: said after the findings when a number the question gives names none of them ("study 2 vs study 9")
REFERENCE_MISSING = ("Not every number asked names a research finding on this page; "
                     "the ones that do are cited.")
SOURCE_TEMPLATE = "That comes from this research finding: {finding}"
HARM_TEMPLATE = "This finding reports a harm or an increased risk rather than a benefit: {finding}"
LENGTH_TEMPLATE = "Of the research findings that say how long they ran, the {word} ran {duration}: {finding}"
LENGTH_TIE = "As long: {finding}"
LENGTH_WORDS = {"max": "longest", "min": "shortest"}
RANKED_DOSES = "The research findings that state a dose of {nutrient}, from the {first} to the {last}:"
RANKED_LENGTHS = "The research findings that say how long they ran, from the {first} to the {last}:"
DOSE_WORDS = {"max": "highest", "min": "lowest"}
DETAIL_TEMPLATE = "The research finding on the study asked about: {finding}"
NAMING_TEMPLATE = "The study described names no {names}; the research findings that do: {finding}"
DETAIL_GAP = "The finding does not state {what}."
#: several findings fit the study described equally well, and none states the detail asked
TIED_TEMPLATE = "The research findings that fit the study described: {finding}"
TIED_GAP = "None of these findings states {what}."
#: ... and one of them does not state it (said after that finding)
TIED_ONE_GAP = "That finding does not state {what}."
#: the lead of the findings a question asks for only by leaving some out ("leaving the <x> ones out")
LEFT_OUT_WORDS = "leaving out {names}"
#: an amount a question sets beside one study's dose ("is <product> the same dose as the <...> study?")
BESIDE_TEMPLATE = "{what} ({amount}) [{own}] is {word} the {form}dose {gave} ({dose}) [{marker}]."
#: how BESIDE_TEMPLATE names the study's dose: of a study with a result, and of one still running
BESIDE_GAVE = {"done": "that study gave", "ongoing": "that trial is testing"}
ALSO_TEMPLATE = "Another research finding speaks of {words}: {finding}"
#: the detail kind of a question about one study that asks what the monograph never mentions
UNMENTIONED = "unmentioned"
#: the detail kind of a question about one study that asks what its finding does not say
FINDING_GAP = "finding_gap"
#: the detail kind that asks for the whole finding (study_cues.yaml ``details.about``)
ABOUT_DETAIL = "about"
#: a sentence of the monograph's text that cites the finding and states the detail asked
CITING_TEMPLATE = "The monograph's text on this finding: {sentence}"
#: how each filter reads in a list's lead ("Research findings that used <form> and report ...")
RESULT_WORDS: dict[str, str] = {
    "null": "that report no significant effect",
    "ongoing": "that are ongoing (no results yet)",
    "mixed": "with mixed results",
    "harm": "that report a harm or an increased risk",
    "positive": "that report an effect",
    "finished": "that report a result",
}
#: how a duration filter reads in a list's lead (the question's number is never repeated)
DURATION_WORDS = "that say they ran for the length of time asked about"
#: how a length asked bounds the findings' lengths ("above": longer than it, the length itself left out)
RanBound = Literal["exact", "at_least", "above", "at_most", "below"]
COMPARED_WORDS = "with the doses compared"
#: how a dose filter reads in a list's lead (the question's number is never repeated)
GIVEN_WORDS = "that gave the dose asked about"
EVERY_WORDS = "on this page"
BOUND_WORDS = "with a dose {how} the one asked about"
MAX_LISTED = 10


# --------------------------------------------------------------------------- the cues file


class StudyCuesError(FileLineError):
    """A bad ``study_cues.yaml``; ``str()`` is ``path:line: problem``."""




class FindingCues(BaseModel):
    """How one finding is read (see the comments in ``study_cues.yaml``)."""

    result: dict[Literal["ongoing", "mixed", "null", "harm"], list[str]]
    outcome_verbs: list[str] = Field(min_length=1)
    population_after: list[str] = Field(min_length=1)
    population_before: list[str] = Field(default_factory=list)
    design: list[str] = Field(default_factory=list)
    population_end: list[str] = Field(default_factory=list)
    duration_lead: list[str] = Field(default_factory=list)
    duration_qualifier: list[str] = Field(default_factory=list)
    #: each unit's pattern and its length in days
    duration_units: dict[str, float] = Field(min_length=1)
    duration_not_before: list[str] = Field(default_factory=list)
    number_words: dict[str, int] = Field(default_factory=dict)
    daily: list[str] = Field(default_factory=list)
    not_daily: list[str] = Field(default_factory=list)
    threshold_before: list[str] = Field(default_factory=list)
    concentration_after: list[str] = Field(default_factory=list)
    per_weight_after: list[str] = Field(default_factory=list)
    #: the words joining doses that are parts of one amount, and the words beside them at most
    dose_sum: list[str] = Field(default_factory=list)
    dose_sum_gap: int = Field(default=4, ge=0)

    @field_validator("outcome_verbs", "population_after", "population_before", "design", "population_end",
                     "duration_lead", "duration_qualifier", "duration_not_before", "daily",
                     "not_daily", "threshold_before", "concentration_after", "per_weight_after", "dose_sum")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)

    @field_validator("result")
    @classmethod
    def _result_patterns(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        return compiles_each(v)

    @field_validator("duration_units")
    @classmethod
    def _unit_patterns(cls, v: dict[str, float]) -> dict[str, float]:
        compiles(list(v))
        if any(days <= 0 for days in v.values()):
            raise ValueError("a duration unit's length in days must be positive")
        return v


class DetailCues(BaseModel):
    """One detail of a study a question may ask (its duration, its size, ...)."""

    asked: list[str] = Field(min_length=1)
    stated: list[str] = Field(default_factory=list)
    #: the study record's field that states the detail when it is read ("duration", "population",
    #: "outcome"; "doses" and "forms": of the nutrient or form asked about, when one is; "text": the
    #: whole finding, always stated)
    record_field: Literal["duration", "population", "outcome", "doses", "forms", "text"] | None = None
    #: the detail is of a nutrient or form named right after the cue ("the dose of <nutrient>"): asked
    #: only when one is named there (within ``of_name_scope`` words); it is no filter of the study
    of_name: bool = False
    of_name_scope: int = Field(default=4, ge=1)
    #: the question must also match one of these (if any), and none of ``not_with``
    needs: list[str] = Field(default_factory=list)
    not_with: list[str] = Field(default_factory=list)
    says: str = Field(min_length=1)
    #: ``says`` when it names ``{name}`` and no name is asked about
    says_unnamed: str | None = None
    #: the finding answers the question when it states the detail (its own words say it: "what did it
    #: measure"); else a stated detail is left to the passages' answer, only a gap answered here
    answer_stated: bool = False
    #: also asked when the question offers two of the vocabulary's forms as choices ("A or B");
    #: an ``asked`` pattern's groups ``first`` and ``second`` are the choices it offers
    choices_of_forms: bool = False

    @field_validator("asked", "stated", "needs", "not_with")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)


class QuestionCues(BaseModel):
    """How a question across studies is read (see the comments in ``study_cues.yaml``)."""

    across: list[str] = Field(min_length=1)
    reference: list[str] = Field(min_length=1)
    source: list[str] = Field(default_factory=list)
    whom: list[str] = Field(default_factory=list)
    duration_article: list[str] = Field(default_factory=list)
    population_not_clause: list[str] = Field(default_factory=list)
    #: studies named by their nutrient, form or topic ("the <nutrient> <topic> studies"; group "named")
    named_studies: str = r"(?!)"
    ordinal_reference: list[str] = Field(default_factory=list)
    ordinal_suffixes: list[str] = Field(default_factory=list)
    ordinals: dict[str, int] = Field(default_factory=dict)
    longest: list[str] = Field(default_factory=list)
    shortest: list[str] = Field(default_factory=list)
    max: list[str] = Field(min_length=1)
    min: list[str] = Field(min_length=1)
    dose_words: list[str] = Field(min_length=1)
    daily: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    exclude_scope: int = Field(default=5, ge=1)
    exclude_next: list[str] = Field(default_factory=list)
    exclude_next_scope: int = Field(default=2, ge=1)
    combined: list[str] = Field(default_factory=list)
    combined_scope: int = Field(default=3, ge=1)
    duration_before: list[str] = Field(default_factory=list)
    duration_after: list[str] = Field(default_factory=list)
    duration_at_least: list[str] = Field(default_factory=list)
    duration_at_most: list[str] = Field(default_factory=list)
    #: bounds said after the length ("a year or more", "6 months or less")
    duration_at_least_after: list[str] = Field(default_factory=list)
    duration_at_most_after: list[str] = Field(default_factory=list)
    #: the bound words that leave the length itself out ("longer than 3 years": not 3 years)
    duration_strict: list[str] = Field(default_factory=list)
    #: a length asked "about" ("lasted about a month", these words) is that long give or take this share
    duration_about: list[str] = Field(default_factory=list)
    duration_leeway: float = Field(default=0.0, ge=0.0, lt=1.0)
    compare: list[str] = Field(default_factory=list)
    either: list[str] = Field(default_factory=list)
    finished: list[str] = Field(default_factory=list)
    result_contrast: list[str] = Field(default_factory=list)
    population_prepositions: list[str] = Field(min_length=1)
    population_groups: dict[str, list[str]] = Field(default_factory=dict)
    topics: dict[str, list[str]] = Field(default_factory=dict)
    list_words: list[str] = Field(default_factory=list)
    ranked: list[str] = Field(default_factory=list)
    ranked_length: list[str] = Field(default_factory=list)
    #: words that name the findings themselves ("in any of the studies"): a dose asked of them that
    #: none gave is answered so, not left to another reading (a product named by that amount)
    study_nouns: list[str] = Field(default_factory=list)
    #: words before a unit that ask the answer's amounts in it ("put the doses into mcg"): no filter
    converted_unit: list[str] = Field(default_factory=list)
    result: dict[Result, list[str]]
    population_negation: list[str] = Field(default_factory=list)
    alone: list[str] = Field(default_factory=list)
    alone_scope: int = Field(default=4, ge=1)
    efficacy: list[str] = Field(default_factory=list)
    results_asked: list[str] = Field(default_factory=list)
    efficacy_in: list[str] = Field(default_factory=list)
    efficacy_past: list[str] = Field(default_factory=list)
    #: a question whether something had an effect on an outcome ("did it reduce <outcome>?")
    effect_asked: list[str] = Field(default_factory=list)
    #: the countable events an effect may be asked on ("did it reduce <event>?"): a finding reports
    #: one only in its own words
    outcome_events: list[str] = Field(default_factory=list)
    people_words: list[str] = Field(default_factory=list)
    whether_found: list[str] = Field(default_factory=list)
    details: dict[str, DetailCues] = Field(default_factory=dict)
    cotreatment: list[str] = Field(default_factory=list)
    cotreatment_says: str = "that {name} was given with it"
    cotreatment_unnamed: str = "whether anything was given with it"
    one_study_words: list[str] = Field(default_factory=list)
    design_words: list[str] = Field(default_factory=list)
    #: a question naming one study ("the <...> study", "that trial"), and what the finding is said
    #: not to state when the question asks it about words the monograph never uses ({words})
    one_study: list[str] = Field(default_factory=list)
    #: a follow-up that sets what it names beside the dose the last answer's one finding gave ("is
    #: that a lot more than what's in <product>?")
    beside_reply: list[str] = Field(default_factory=list)
    #: "as much as", "the same dose as": amounts compared (beside compare, dose_above, dose_below)
    same_amount: list[str] = Field(default_factory=list)
    unmentioned_says: str = "anything about {words}"
    finding_gap_says: str = "anything about {words}"
    approximate_before: list[str] = Field(default_factory=list)
    approximate_after: list[str] = Field(default_factory=list)
    approximate_tolerance: float = Field(default=0.1, ge=0, lt=1)
    #: how a population's ages are written; groups low, high, exact or decade (see the cues file)
    population_ages: list[str] = Field(default_factory=list)
    #: words that point at an age said of someone before ("people that old", "her age"), and how an
    #: age is said of someone ("my mum is 85", "I'm 72": group exact)
    age_pointers: list[str] = Field(default_factory=list)
    said_ages: list[str] = Field(default_factory=list)
    #: spellings of one word (the first written as the second), and how words match by their stem
    spellings: dict[str, str] = Field(default_factory=dict)
    word_stem: int = Field(default=5, ge=1)
    word_ending: int = Field(default=2, ge=0)
    choice_words: list[str] = Field(default_factory=list)
    dose_above: list[str] = Field(default_factory=list)
    dose_below: list[str] = Field(default_factory=list)
    #: after a dose, that dose or more ("4,000 IU or more") / that dose or less: it bounds them too
    dose_or_more: list[str] = Field(default_factory=list)
    dose_or_less: list[str] = Field(default_factory=list)

    @field_validator("across", "max", "min", "dose_words", "daily", "exclude", "population_prepositions",
                     "longest", "shortest", "ordinal_suffixes", "population_negation", "alone", "efficacy",
                     "cotreatment", "exclude_next", "combined", "duration_before", "duration_after",
                     "duration_at_least", "duration_at_most", "duration_strict", "duration_about", "compare",
                     "either", "finished", "result_contrast", "approximate_before", "approximate_after",
                     "choice_words", "efficacy_in", "efficacy_past", "effect_asked", "outcome_events",
                     "whether_found", "dose_above", "dose_below", "dose_or_more", "dose_or_less",
                     "study_nouns", "converted_unit", "beside_reply", "same_amount", "age_pointers")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)

    @field_validator("population_ages", "said_ages")
    @classmethod
    def _age_patterns(cls, v: list[str]) -> list[str]:
        for p in compiles(v):
            groups = set(re.compile(p).groupindex)
            if not groups or groups - {"low", "high", "exact", "decade"}:
                raise ValueError(f"{p!r} needs groups among low, high, exact and decade (and no others)")
        return v

    @field_validator("ordinal_reference")
    @classmethod
    def _ordinal_patterns(cls, v: list[str]) -> list[str]:
        for p in v:
            if "{ordinal}" not in p:
                raise ValueError(f"{p!r} needs {{ordinal}} where the ordinal stands")
            compiles([p.replace("{ordinal}", "(x)")])
        return v

    @field_validator("reference")
    @classmethod
    def _one_group(cls, v: list[str]) -> list[str]:
        for p in compiles(v):
            if re.compile(p).groups < 1:
                raise ValueError(f"{p!r} needs a group for the reference number")
        return v

    @field_validator("result", "topics")
    @classmethod
    def _result_patterns(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        return compiles_each(v)


class StudyCues(BaseModel):
    finding: FindingCues
    question: QuestionCues


def parse_cues(path: Path | str) -> StudyCues:
    """Read and validate a cues file; a problem is a :class:`StudyCuesError` naming its line."""
    return load_validated(path, StudyCues, StudyCuesError)


@functools.lru_cache(maxsize=4)
def study_cues(path: str | None = None) -> StudyCues:
    """The cues (the packaged file unless ``path`` names another), read once per path."""
    return parse_cues(path or CUES_PATH)






# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class StudyDose:
    """One dose a finding writes: as parsed, whose it is, and whether it compares with others."""

    dose: Dose
    nutrient: str
    form: str | None
    #: the low (and high) end in µg: mass units directly, IU only through the vocabulary's factor
    micrograms: float | None
    high_micrograms: float | None
    #: an amount given (not a threshold, a concentration or an amount per kg of body weight)
    comparable: bool
    per_weight: bool
    #: given every day (written per day, or the finding says daily and nothing says otherwise)
    daily: bool


@dataclass(frozen=True)
class Citing:
    """A sentence of the monograph's prose that cites a finding ("... [2]"): where a detail of the
    study the finding leaves out may be stated ("between the <form> and placebo groups")."""

    chunk_id: str
    doc_id: str | None
    #: the sentence as the chunk writes it, and its span in the chunk's text
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class StudyRecord:
    """One research finding as structured data; ``text`` is the finding verbatim (the chunk's text)."""

    supplement: str
    ref: int | None
    chunk_id: str
    text: str
    #: the nutrient the finding is about (the first it names, else the monograph's own) and its form
    nutrient: str | None
    form: str | None
    nutrients: tuple[str, ...]
    forms: tuple[str, ...]
    doses: tuple[StudyDose, ...]
    duration: str | None
    population: str | None
    outcome: str | None
    result: Result
    #: the monograph's own nutrient (front matter ``primary_nutrient``), if known
    primary: str | None = None
    #: the stored document's id (what the index is asked for; may differ from ``chunk_id``)
    doc_id: str | None = None
    #: the duration's length in days, its low and high end ("3 to 5 years": both ends)
    duration_days: tuple[float, float] | None = None
    #: the prose sentences that cite the finding by its number
    cited_by: tuple[Citing, ...] = ()

    def names(self) -> set[str]:
        """Every nutrient and form the finding is about, casefolded."""
        own = {d.nutrient for d in self.doses} | {d.form for d in self.doses if d.form}
        return {n.casefold() for n in (*self.nutrients, *self.forms, *own) if n}


def records_from(docs: Iterable[Document], primary_of: Mapping[str, str] | None = None) -> list[StudyRecord]:
    """The study records of every finding chunk among ``docs`` (other chunks are skipped).

    ``primary_of``: each supplement's own nutrient (doses a finding gives to no named nutrient are its).
    """
    out: list[StudyRecord] = []
    for d in docs:
        meta = d.metadata
        if meta.get("kind") != "finding":
            continue
        supplement = str(meta.get("supplement", ""))
        ref = meta.get("ref")
        r = record_from_text(str(meta.get("text", d.page_content)), supplement,
                             int(ref) if ref is not None else None, str(meta.get("chunk_id") or d.id),
                             primary=(primary_of or {}).get(supplement))
        out.append(replace(r, doc_id=str(d.id)) if d.id else r)
    out.sort(key=lambda r: (r.supplement, r.ref if r.ref is not None else math.inf))
    citing = citing_sentences(docs)
    return [replace(r, cited_by=tuple(citing.get((r.supplement, r.ref), ()))) if r.ref is not None else r
            for r in out]


#: a finding's number as the prose cites it ("[2]", "[5][4]", "(ref. 2)")
_CITE_MARK = re.compile(r"\[(\d{1,3})\]|\(ref\.?\s*(\d{1,3})\)")


def citing_sentences(docs: Iterable[Document]) -> dict[tuple[str, int], list[Citing]]:
    """The prose sentences of ``docs`` (chunks of kind ``prose``) that cite a finding, by (supplement,
    finding number); a sentence two overlapping chunks hold is kept once."""
    out: dict[tuple[str, int], list[Citing]] = {}
    seen: set[tuple[str, str]] = set()
    for d in docs:
        meta = d.metadata
        if meta.get("kind") != "prose":
            continue
        text, supplement = str(meta.get("text", d.page_content)), str(meta.get("supplement", ""))
        for m in re.finditer(r"[^.!?\s](?:[^.!?]|[.!?](?!\s|$))*[.!?]?", text):
            refs = [int(a or b) for a, b in _CITE_MARK.findall(m.group(0))]
            if not refs or (supplement, m.group(0)) in seen:
                continue
            seen.add((supplement, m.group(0)))
            c = Citing(str(meta.get("chunk_id") or d.id), str(d.id) if d.id else None, m.group(0),
                       m.start(), m.end())
            for ref in dict.fromkeys(refs):
                out.setdefault((supplement, ref), []).append(c)
    return out


def record_from_text(text: str, supplement: str, ref: int | None, chunk_id: str, *,
                     primary: str | None = None, cues: StudyCues | None = None) -> StudyRecord:
    """Read one finding sentence into a :class:`StudyRecord`."""
    fc = (cues or study_cues()).finding
    folded = fold(text)
    named = _read_nutrients(text, primary)
    forms = tuple(dict.fromkeys([*(f for _, _, f in form_mentions(text)),
                                 *(n.form for n in named if n.form)]))
    nutrient = named[0].nutrient if named else primary
    names = [n.nutrient for n in named]
    names += [n for n in _elided_vitamins(text) if n.casefold() not in {x.casefold() for x in names}]
    outcome_span = _outcome_span(folded, fc)
    population = _population(text, folded, outcome_span, fc)
    outcome = _outcome(text, folded, outcome_span, population, fc)
    duration = _duration(text, folded, fc)
    return StudyRecord(
        supplement=supplement, ref=ref, chunk_id=chunk_id, text=text, nutrient=nutrient,
        form=forms[0] if forms else None, nutrients=tuple(dict.fromkeys(names)),
        forms=forms, doses=tuple(_doses(text, folded, named, primary or nutrient, fc)),
        duration=duration[0] if duration else None, population=population[0] if population else None,
        outcome=outcome, result=_result(folded, fc), primary=primary,
        duration_days=duration[1] if duration else None)


#: "vitamins <L> and <M>", "vitamin <L>, <M> and <N>": the letters after the first are vitamins too
_ELIDED = re.compile(
    r"\bvitamins?\s+[A-Z]\d{0,2}(?P<rest>(?:\s*(?:,|\band\b|&|\+|\bor\b)\s*[A-Z]\d{0,2}\b)+)", re.IGNORECASE)


def _elided_vitamins(text: str) -> list[str]:
    """The vitamins a finding names by their letter alone after another ("a combination of vitamin
    <L> and <M>" names vitamin <M>); only capital letters count (never the article "a")."""
    out: list[str] = []
    for m in _ELIDED.finditer(text):
        letters = re.findall(r"(?<![\w])([A-Z]\d{0,2})\b", m["rest"])
        out.extend("vitamin " + letter.upper() for letter in letters)
    return list(dict.fromkeys(out))


def _read_nutrients(text: str, primary: str | None) -> list[NamedNutrient]:
    try:
        return read_nutrients(text, extra_names=(primary,) if primary else ())
    except (IndexError, ValueError):  # a name the nutrient reader cannot place: read no nutrients
        return []


def _result(folded: str, fc: FindingCues) -> Result:
    for kind in ("ongoing", "mixed", "null", "harm"):
        if cue(fc.result.get(kind, [])).search(folded):
            return kind
    return "positive"


def _outcome_span(folded: str, fc: FindingCues) -> tuple[int, int] | None:
    """Where the outcome's verb (with an adverb before it) starts and where the verb ends."""
    depth = 0
    inside = [False] * len(folded)
    for i, ch in enumerate(folded):
        depth += ch == "("
        inside[i] = depth > 0
        depth -= ch == ")" and depth > 0
    for m in cue(fc.outcome_verbs).finditer(folded):
        if inside[m.start()]:
            continue
        start = m.start()
        adverb = re.search(r"(?:\b\w+ly\s+)$", folded[:start])
        return (adverb.start() if adverb else start), m.end()
    return None


def _outcome(text: str, folded: str, span: tuple[int, int] | None, population: tuple[str, int] | None,
             fc: FindingCues) -> str | None:
    """The verb phrase: from the outcome's verb to the population after it, else to the end of its
    clause (a comma, or "in" + a study design)."""
    if span is None:
        return None
    if population is not None and population[1] > span[0]:
        end = population[1]
    else:
        design = rf"\s+(?:{alternation(fc.population_after)})\s+(?:{alternation(fc.design)})"
        stop = re.search(rf"\s*[,;]|{design}", folded[span[1]:])
        end = span[1] + stop.start() if stop else len(text)
    return text[span[0]:end].strip(" ,;.") or None


def _population(text: str, folded: str, outcome: tuple[int, int] | None,
                fc: FindingCues) -> tuple[str, int] | None:
    """The population phrase and where it starts: after "in"/"among" past the outcome's verb (not a
    design such as "in a meta-analysis"), else from "during" up to the outcome."""
    after = outcome[1] if outcome else 0
    design = cue(fc.design)
    end_re = re.compile(rf"\s*[,;.]|\s+(?:{alternation(fc.population_end)})(?![\w])")
    for m in cue(fc.population_after).finditer(folded, after):
        s = m.end()
        while s < len(folded) and folded[s].isspace():
            s += 1
        if design.match(folded, s):
            continue
        stop = end_re.search(folded, s)
        e = stop.start() if stop else len(folded)
        phrase = text[s:e].strip(" ,;.")
        if phrase:
            return phrase, m.start()
    if outcome is not None:
        for m in cue(fc.population_before).finditer(folded, 0, outcome[0]):
            phrase = text[m.end():outcome[0]].strip(" ,;.")
            if phrase and "(" not in phrase:
                return phrase, m.start()
    return None


def _duration(text: str, folded: str, fc: FindingCues) -> tuple[str, tuple[float, float] | None] | None:
    """The duration as written ("for 60 days", "over a median of 4.9 years", "Three years") and its
    length in days (low and high end)."""
    lead = rf"(?:(?:{alternation(fc.duration_lead)})\s+)?" if fc.duration_lead else ""
    qual = rf"(?:(?:{alternation(fc.duration_qualifier)})\s+)?" if fc.duration_qualifier else ""
    m = re.search(rf"(?<![\w.,-]){lead}{qual}{_length_pattern(fc)}", folded)
    if not m:
        return None
    return text[m.start():m.end()], _length_days(m, fc)


def _length_pattern(fc: FindingCues) -> str:
    """NUMBER [to NUMBER] UNIT (groups low, high, unit), not an age ("4 months of age")."""
    num = rf"(?:\d+(?:\.\d+)?|{'|'.join(map(re.escape, fc.number_words))})"
    not_before = (rf"(?!\s+(?:{alternation(fc.duration_not_before)})\b)" if fc.duration_not_before else "")
    return (rf"(?P<low>{num})(?:\s*(?:to|–|-)\s*(?P<high>{num}))?[\s-]+"
            rf"(?P<unit>{alternation(fc.duration_units)})\b{not_before}")


def _length_days(m: re.Match[str], fc: FindingCues) -> tuple[float, float] | None:
    days = next((d for p, d in fc.duration_units.items() if re.fullmatch(p, m["unit"])), None)
    low = _number(m["low"], fc)
    high = _number(m["high"], fc) if m["high"] else low
    return (low * days, high * days) if days is not None and low is not None and high is not None else None


def _number(word: str, fc: FindingCues) -> float | None:
    try:
        return float(word)
    except ValueError:
        return float(fc.number_words[word]) if word in fc.number_words else None


def _doses(text: str, folded: str, named: Sequence[NamedNutrient], default: str | None,
           fc: FindingCues) -> list[StudyDose]:
    """Every dose of the finding, each given to the nutrient it is written with (else ``default``)."""
    claims: list[tuple[str, NamedNutrient]] = [(n.amount, n) for n in named if n.amount]
    threshold = re.compile(rf"(?:{alternation(fc.threshold_before)})\s+$") if fc.threshold_before else None
    conc = re.compile(rf"\s*(?:{alternation(fc.concentration_after)})") if fc.concentration_after else None
    per_kg = re.compile(rf"\s*(?:{alternation(fc.per_weight_after)})") if fc.per_weight_after else None
    daily_text = bool(cue(fc.daily).search(folded)) and not cue(fc.not_daily).search(folded)
    out: list[StudyDose] = []
    for d in parse_doses(text):
        owner = next((n for amount, n in claims if amount == d.text), None)
        if owner is not None:
            claims.remove((d.text, owner))
            if _in_combination(text, d):
                owner = None  # "A+B (4 g/day)": the amount of a combination, the supplement's own
        nutrient = owner.nutrient if owner else (default or "")
        form = _form_before(text, d) or (owner.form if owner else _only_form(named, nutrient))
        before, after = folded[max(0, d.start - 20):d.start], folded[d.end:d.end + 16]
        weight = bool(per_kg and per_kg.match(after))
        given = not ((threshold and threshold.search(before)) or (conc and conc.match(after)))
        ug = micrograms(nutrient, form, d) if nutrient else d.micrograms
        high = _high_micrograms(d, nutrient, form)
        out.append(StudyDose(d, nutrient, form, ug, high, given and not weight, weight,
                             given and not weight and (d.per_day or daily_text)))
    return out


def _in_combination(text: str, d: Dose) -> bool:
    """Is the dose written for a combination of names ("A+B (4 g/day)", "4 g/day A+B")?"""
    before = text[max(0, d.start - 30):d.start]
    return bool(re.search(r"\w\+\w+\s*\(\s*(?:\w+\s+)?$", before)
                or re.match(r"\s*\w+\+\w", text[d.end:d.end + 30]))


def form_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, vocabulary form name) of every form ``text`` names, in order."""
    found: dict[tuple[int, int], str] = {}
    for n in vocabulary().nutrients:
        for f in n.forms:
            for term in (f.name, *f.terms):
                words = re.split(r"[\s-]+", term.strip())
                pattern = r"(?<![\w-])" + r"[\s-]*".join(map(re.escape, words)) + r"(?![\w-])"
                for m in re.finditer(pattern, text, re.IGNORECASE):
                    if not any(s <= m.start() < e for s, e in found):
                        found[(m.start(), m.end())] = f.name
    return sorted((s, e, name) for (s, e), name in found.items())


def _form_before(text: str, d: Dose) -> str | None:
    """The form named right before the dose's parenthesis ("<form> (50 mg/day)")."""
    for _, e, name in form_mentions(text):
        if re.fullmatch(r"\s*\(\s*(?:\w+\s+)?", text[e:d.start]):
            return name
    return None


def _only_form(named: Sequence[NamedNutrient], nutrient: str) -> str | None:
    forms = {n.form for n in named if n.form and n.nutrient == nutrient}
    return forms.pop() if len(forms) == 1 else None


def _high_micrograms(d: Dose, nutrient: str, form: str | None) -> float | None:
    if d.high is None:
        return None
    if d.high_micrograms is not None:
        return d.high_micrograms
    factor = ug_per_iu(nutrient, form) if nutrient else None
    return None if factor is None else d.high * factor


# --------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class StudyQuery:
    """A question across the research findings, as filters and a selection.

    ``ref``: one numbered finding (``refs``: every one the question numbers, "study 7 vs study 8",
    "[5][4]"). ``direction``: the largest ("max") or smallest ("min") dose (of
    ``nutrients``/``forms`` if named, else the monograph's own nutrient). ``length``: the longest or
    shortest study (among those that pass the other filters). Otherwise a list of the findings that
    pass every filter the question names.
    """

    ref: int | None = None
    refs: tuple[int, ...] = ()
    direction: Literal["max", "min"] | None = None
    #: the longest ("max") or shortest ("min") study, by the length of its duration
    length: Literal["max", "min"] | None = None
    daily: bool = False
    nutrients: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    #: nutrients or forms the question leaves out ("not counting the <other nutrient> ones")
    excluded: tuple[str, ...] = ()
    #: the stems of the words of the population asked about ("in pregnant women")
    population: tuple[str, ...] = ()
    #: the population groups it names (each as its stems): every one must be some finding's population
    population_groups: tuple[tuple[str, ...], ...] = ()
    #: the kinds of result asked, the first the question's main one; several when it asks each as
    #: which ("which has a result and which is still going")
    results: tuple[Asked, ...] = ()
    unit: str | None = None
    #: topics (names of ``study_cues.yaml`` ``question.topics``) asked about, and left out
    topics: tuple[str, ...] = ()
    not_topics: tuple[str, ...] = ()
    #: the stems of population words the findings' population must not name ("who don't have ...")
    population_not: tuple[str, ...] = ()
    #: nutrients or forms the findings must not name (the supplement given "without" them)
    without: tuple[str, ...] = ()
    #: one study's detail asked (a ``details`` kind of ``study_cues.yaml``, or "cotreatment"): the
    #: one finding the question describes is stated, and what it does not state of that detail
    detail: str | None = None
    #: the other details the question asks of that study ("how many were in it, and what form was
    #: it?"): what the finding does not state of them is said too
    also_details: tuple[str, ...] = ()
    #: what describes that one study: its doses (µg or None, value, unit), duration in days, words
    doses: tuple[tuple[float | None, float, str], ...] = ()
    duration_days: tuple[float, float] | None = None
    words: tuple[str, ...] = ()
    #: the nutrients or forms a detail is of ("the dose of <nutrient>"), no filter of the study
    about: tuple[str, ...] = ()
    #: how long the findings must have run, in days (low, high), and how: that long, at least or at most
    ran_days: tuple[float, float] | None = None
    ran_bound: RanBound = "exact"
    #: doses compared (µg or None, value, unit; unit "" for a bare number): their findings, each stated
    compared: tuple[tuple[float | None, float, str], ...] = ()
    #: the other end asked besides ``direction`` or ``length`` ("which ran the longest and which the
    #: shortest"): each end answered with its own lead, in the question's order
    then: Literal["max", "min"] | None = None
    #: doses the findings must give (µg or None, value, unit), and whether the question says about
    given: tuple[tuple[float | None, float, str], ...] = ()
    approximate: bool = False
    #: the ages (low, high; in years) of the population of the one study asked about
    ages: tuple[float, float] | None = None
    #: the choices a detail is asked between ("the <A> kind or <B>"), no words of the study
    choices: tuple[str, ...] = ()
    #: detail ``UNMENTIONED``: the question's words that the monograph never uses (as written)
    unmentioned: tuple[str, ...] = ()
    #: a claim whose source is asked ("which study says that" about a sentence the conversation
    #: quoted): the finding that states it, or the findings the prose sentence stating it cites
    claim: str | None = None
    #: a dose the findings' doses must be above or below ("a bigger dose than 1.5 mg"): (how, µg)
    dose_bound: tuple[Literal["above", "below"], float] | None = None
    #: whom the findings were in is asked ("who were the studies done in?"): each finding's population
    whom: bool = False
    #: every finding in order of the dose (``direction``) or the length (``length``) asked, that end
    #: first ("list the doses from lowest to highest", "put them in order shortest to longest")
    ranked: bool = False
    #: the question names the findings themselves ("in any of the studies", "the research"): how it
    #: asks, not what (no part of a query's identity)
    names_findings: bool = field(default=False, compare=False)
    #: one study's detail is asked of a study the question names where it asks ("the <...> study"),
    #: not only of one it implies ("what dose is used to treat <x>, and for how long?")
    names_study: bool = field(default=False, compare=False)
    #: the findings' doses are asked in a unit ("put the doses into mcg"): each finding is listed
    converted: bool = False
    #: two or more names compared ("the <nutrient> studies vs the <form> ones"): the findings of any
    #: of them, not of all at once
    either: bool = False

    @property
    def numbers(self) -> tuple[int, ...]:
        """Every numbered finding asked about (``refs``, else ``ref`` alone, else none)."""
        return self.refs or (() if self.ref is None else (self.ref,))


def parse_study_query(question: str, *, cues: StudyCues | None = None) -> StudyQuery | None:
    """A question across studies (or about one numbered finding), or None (a question about one
    study's details, or about no study). With the packaged cues the parse is cached: a turn asks it
    of the same text for its scope, its study scopes and its study queries."""
    if cues is None:
        return _parse_with_packaged_cues(question)
    return _parse_study_query(question, cues)


@functools.lru_cache(maxsize=512)
def _parse_with_packaged_cues(question: str) -> StudyQuery | None:
    return _parse_study_query(question, study_cues())


def described_study_query(question: str) -> StudyQuery | None:
    """The one study a question describes by its length (its people's ages, or the one dose it gave)
    and asks nothing else of ("what did the 4 week <nutrient> study find?"): the findings that ran
    that long (were in people of those ages, gave that dose), of the nutrients or forms named; None
    when it describes none so."""
    cues = study_cues()
    q = fold(question)
    ran = _asked_duration(q, cues, described=True)
    # ... or by the ages of its people ("what did the study in people over 80 find?"): an age in the
    # clause that tells whom it was in (not the asker's, nor what is asked of it after)
    whom = _one_study_in(q, cues) if ran is None else None
    ages = _widest(a for at, _, a in _age_spans(question, q, cues)
                   if whom[0] <= at < whom[1]) if whom else None
    given = _described_dose(question, q, cues) if ran is None and ages is None else ()
    if ran is None and ages is None and not given:
        return None
    named, excluded = _named(lexical_form(question), cues.question)
    clause = q[whom[0]:whom[1]] if whom and ages else ""
    population = _people_terms(_population_terms(clause, cues.question, [0])[0]) if clause else ()
    return StudyQuery(nutrients=tuple(n for k, n in named if k == "nutrient"), excluded=excluded,
                      forms=tuple(n for k, n in named if k == "form"), ran_days=ran[0] if ran else None,
                      ran_bound=ran[1] if ran else "exact", ages=ages, population=population, given=given)


def _described_dose(question: str, q: str, cues: StudyCues) -> tuple[tuple[float | None, float, str], ...]:
    """The one dose a question tells its one study by ("what did the 1 g a day study find?", "and the
    study with 1 g a day?"), when it asks nothing else of it: the dose in the sentence naming the
    study, no other dose set beside it, no finding pinned, no word but what asks what it found."""
    said = _one_study_sentence(q, cues)
    if (not said or PINNED_STUDY.search(question) or compares_amounts(question)
            or not _only_described(q, cues)):
        return ()
    given = _given_doses(said, said, cues)[0]
    return given if len(given) == 1 else ()


def _one_study_sentence(q: str, cues: StudyCues) -> str:
    """The sentence of the (folded) question that names one study ("the <...> study"), "" if none:
    a dose elsewhere is the asker's ("what did the study find? i take 1 g a day")."""
    found = cue(cues.question.one_study).search(q)
    if found is None:
        return ""
    start = max((m.end() for m in re.finditer(r"[?.!;]\s", q[:found.start()])), default=0)
    end = re.search(r"[?.!;](?:\s|$)", q[found.end():])
    return q[start:found.end() + end.start() if end else len(q)]


def _only_described(q: str, cues: StudyCues) -> bool:
    """Does the (folded) question ask nothing of the study it describes by its dose but what it found?
    Beside its doses, how often they were given and the names of nutrients and forms, its words are
    all ``one_study_words`` (not "was the <dose> study dangerous?": a question of risk)."""
    q = mask_doses(q)[0]
    if cues.question.daily:
        q = cue(cues.question.daily).sub(" ", q)
    lex = _name_terms_re().sub(" ", lexical_form(q))
    allowed = set(content_tokens(" ".join(cues.question.one_study_words)))
    return all(t in allowed for t in content_tokens(lex))


@functools.lru_cache(maxsize=1)
def _name_terms_re() -> re.Pattern[str]:
    """Every name of a nutrient or a form (lexical, longest first) as one word pattern."""
    terms = "|".join(re.escape(t) for t, _, _ in name_terms())
    return re.compile(rf"(?<![\w-])(?:{terms})(?![\w-])" if terms else r"(?!)")


def _one_study_in(q: str, cues: StudyCues) -> tuple[int, int] | None:
    """Where the (folded) question says whom one study it names was in ("the study in people over 80
    with <condition> find?": "people over 80 with <condition>"), up to the clause's end or the first
    word that asks of the study (``one_study_words``: "find", "show"); None when it names none so."""
    qc = cues.question
    if not (qc.duration_after and qc.population_prepositions):
        return None
    study = rf"(?<![\w-])(?:the|that|this)\s+(?:[\w+-]+\s+){{0,2}}?(?:{alternation(qc.duration_after)})"
    if (m := re.search(rf"{study}\s+(?:{alternation(qc.population_prepositions)})(?![\w-])", q)) is None:
        return None
    end = m.end() + len(re.split(r"[?.;!,]", q[m.end():], maxsplit=1)[0])
    asks = re.search(rf"(?<![\w-])(?:{alternation(qc.one_study_words)})(?![\w-])", q[m.end():end])
    return m.end(), m.end() + asks.start() if asks else end


def _parse_study_query(question: str, allcues: StudyCues) -> StudyQuery | None:
    qc = allcues.question
    q = fold(question)
    if qc.source and (m := cue(qc.source).search(q)) and (claim := m.groupdict().get("claim")):
        return StudyQuery(claim=claim)
    refs = _references(q, qc)
    detail = _detail_asked(q, qc)
    if refs:
        return _by_reference(refs, detail, qc)
    lex = lexical_form(question)
    if not PINNED_STUDY.search(question) and (compared := _compared_doses(question, q, allcues)):
        named, excluded = _named(lex, qc)
        return StudyQuery(compared=compared, nutrients=tuple(n for k, n in named if k == "nutrient"),
                          forms=tuple(n for k, n in named if k == "form"), excluded=excluded)
    if detail is not None and _of_one_study(q, detail[1], qc):
        return _one_study_query(question, q, lex, detail, allcues)
    without = _without(lex, qc)
    asks_alone = bool(without) and bool(cue(qc.efficacy).search(q)) and bool(_topics(q, qc)[0])
    given, approximate = _given_doses(question, q, allcues)
    asks_dose = bool(given) and bool(cue(qc.efficacy).search(q))  # "did it help at <dose>"
    people = _people_asked(q, qc)  # "did it do anything in <people>"
    named, excluded = _named(lex, qc)
    if (not cue(qc.across).search(q) and not asks_alone and not asks_dose and not people
            and not _asks_form_did(q, qc, named)):
        return None
    excluded = tuple(x for x in excluded if x not in without)
    named = [(k, n) for k, n in named if n not in without]
    forms = tuple(n for kind, n in named if kind == "form")
    nutrients = tuple(n for kind, n in named if kind == "nutrient") or (() if forms else tuple(
        n for n in mentioned_nutrients(question) if n not in excluded))  # "vitamin <letter>"
    ranking = _ranking(q, qc) if qc.ranked and cue(qc.ranked).search(q) else None  # every finding in order
    direction, length, then = ranking or _superlatives(q, qc)
    results = _asked_results(q, qc)
    topics, not_topics = _topics(q, qc)
    either = max(len(named), len(nutrients)) >= 2 and cue(qc.either).search(q) is not None  # "<a> vs <b>"
    population, groups, population_not = _population_terms(_without_ranking(q, qc), qc, people)
    population = _people_terms(population)
    whom = bool(qc.whom) and bool(cue(qc.whom).search(q))  # "who were <the studies> done in": no population
    population, groups, ages = ((), (), None) if whom else (population, groups,
                                                            _ages_asked(question, q, allcues, people))
    population_not = tuple(t for t in population_not if t not in _unit_words())  # "in mg and not mcg"
    ran = _asked_duration(q, allcues)
    bound, given = _bound_and_given(q, qc, nutrients, given)
    query = StudyQuery(direction=direction, length=length, daily=bool(cue(qc.daily).search(q)),
                       dose_bound=bound, nutrients=nutrients, forms=forms, excluded=excluded,
                       population=population, population_groups=groups, results=results,
                       unit=None if direction or given or bound else next(iter(_units(lex, qc)), None),
                       topics=topics,
                       not_topics=not_topics, population_not=population_not, without=without,
                       ran_days=ran[0] if ran else None, ran_bound=ran[1] if ran else "exact", then=then,
                       given=given, approximate=approximate, whom=whom, ranked=ranking is not None,
                       names_findings=bool(qc.study_nouns) and bool(cue(qc.study_nouns).search(q)),
                       converted=_converted_unit(lex, qc), ages=ages, either=either)  # "into mcg": across
    filters = (direction or length or forms or excluded or query.population or results or query.unit or ages
               or population_not or without or ran or given or bound or query.whom or query.converted)
    listing = bool(people) or either or bool(cue([*qc.list_words, *qc.whether_found]).search(q))
    if not filters and not ((topics or not_topics or nutrients) and listing):
        return None  # naming a topic or a nutrient makes a filter only in a question for a list (or whether)
    return query


End = Literal["max", "min"]


def _superlatives(q: str, qc: QuestionCues) -> tuple[End | None, End | None, End | None]:
    """The largest or smallest dose asked (with a dose word), else the longest or shortest study;
    and the other end when the question asks both across a contrast ("which went on the longest and
    which was the shortest"): (direction, length, then)."""
    if cue(qc.dose_words).search(q):
        first, then = _ends(q, qc.max, qc.min, qc)
        if first is not None:
            return first, None, then
    first, then = _ends(q, qc.longest, qc.shortest, qc)
    return None, first, then


def _without_ranking(q: str, qc: QuestionCues) -> str:
    """The (folded) question with its ranking words blanked ("in order shortest to longest" names no
    people); as long as the question."""
    return cue(qc.ranked).sub(lambda m: " " * len(m.group(0)), q) if qc.ranked else q


def _ranking(q: str, qc: QuestionCues) -> tuple[End | None, End | None, None] | None:
    """A ranking's measure and first end: by length when it names a length ("shortest to longest",
    "by duration"), by dose when it names a dose; from the end the question names first (the low
    end when it names none). None when it names no measure ("by quality", "most recent first")."""
    by_length = bool(cue(qc.ranked_length).search(q)) if qc.ranked_length else False
    if not by_length and not cue(qc.dose_words).search(q):  # "from most recent to oldest": no measure
        return None
    high, low = (qc.longest, qc.shortest) if by_length else (qc.max, qc.min)
    sides: tuple[tuple[Sequence[str], End], ...] = ((high, "max"), (low, "min"))
    ends = sorted((m.start(), end) for ws, end in sides for m in cue(ws).finditer(q))
    first: End = ends[0][1] if ends else "min"
    return (None, first, None) if by_length else (first, None, None)


def _ends(q: str, high: Sequence[str], low: Sequence[str], qc: QuestionCues) -> tuple[End | None, End | None]:
    """The end asked ("max" when both are named without a contrast), and the other end when both
    are asked across a contrast, in the question's order; a bound ("at least") is no end."""
    bounds = [m.span() for m in cue([*qc.duration_at_least, *qc.duration_at_most]).finditer(q)]
    sides: tuple[tuple[Sequence[str], End], ...] = ((high, "max"), (low, "min"))
    ends = [(m, end) for ws, end in sides
            for m in cue(ws).finditer(q) if not any(s <= m.start() < e for s, e in bounds)]
    first: End | None = "max" if any(e == "max" for _, e in ends) else ends[0][1] if ends else None
    for (m1, e1), (m2, e2) in ((a, b) for a in ends for b in ends if a[0].end() <= b[0].start()):
        if e1 != e2 and qc.result_contrast and cue(qc.result_contrast).search(q[m1.end():m2.start()]):
            return e1, e2
    return first, None


def _topics(q: str, qc: QuestionCues) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The topics the question names, and those it names after an exclusion ("instead of bones")."""
    scopes = _excluded_spans(q, qc)
    negated = _negated_spans(q, qc)
    wanted: list[str] = []
    left_out: list[str] = []
    for name, patterns in qc.topics.items():
        for m in cue(patterns).finditer(q):
            if any(s <= m.start() < e for s, e in negated):
                continue  # "in women who don't have <condition>": a population, not a topic left out
            (left_out if any(s <= m.start() < e for s, e in scopes) else wanted).append(name)
    left = tuple(dict.fromkeys(left_out))
    return tuple(n for n in dict.fromkeys(wanted) if n not in left), left


def unreported_outcomes(question: str, findings: Sequence[str], lines: Sequence[str] = ()) -> list[str]:
    """The events a question asks an effect on ("did it reduce <event>?": an ``outcome_events`` word
    after an ``effect_asked`` or ``efficacy`` cue, in its sentence) when none of ``findings`` (the
    research findings an answer cites) nor the answer's ``lines`` names any of them, in some form or
    in the lexicon's words for it. A finding on the same topic in other words ("<marker> in women
    with <condition>" for "did it cut <event>?") answers a neighbouring question. Only such events
    are read: a broader word ("<a topic>", "<a feeling>") is reported by a finding on its topic in
    any words."""
    qc = study_cues().question
    q = fold(without_denials(question))
    asked = [m for ps in (qc.effect_asked, qc.efficacy) if ps for m in cue(ps).finditer(q)]
    if not findings or not asked or not qc.outcome_events:
        return []
    start = min(m.end() for m in asked)
    end = min([i for c in ".?!" if (i := q.find(c, start)) >= 0] or [len(q)])
    skip = _excluded_spans(q, qc) + _negated_spans(q, qc)
    spans = [m.span() for m in cue(qc.outcome_events).finditer(q, start, end)
             if not any(s <= m.start() < e for s, e in skip)]
    if not spans:
        return []
    said = {t for text in (*findings, *lines) for t in content_tokens_with_parts(fold(text))}

    def named(word: str) -> bool:
        return in_some_form(word, said) or _has_word(word, said, qc)

    joined = re.sub(r"[\s-]+", "", " ".join(fold(t) for t in (*findings, *lines)))

    def reported(s: int, e: int) -> bool:  # by the word the event is named by ("<low> birth weight"),
        own = [stem(t) for t in re.findall(r"[^\W_][\w-]*", q[s:e])]  # not a word qualifying it
        if (own and named(own[-1])) or re.sub(r"[\s-]+", "", q[s:e]) in joined:  # "<a>-<b>" as "<a><b>"
            return True
        # or in the lexicon's words for it ("<event>": "major <...> events"), most of them said
        added = [t for t in dict.fromkeys(content_tokens(q[s:e])) if t not in own]
        return bool(added) and 2 * sum(named(t) for t in added) >= len(added)

    if any(reported(s, e) for s, e in spans):
        return []
    return list(dict.fromkeys(q[s:e] for s, e in spans))


def topic_mates(question: str, words: Sequence[str], surfaces: Mapping[str, str],
                findings: Sequence[str]) -> list[str]:
    """Those of ``words`` (stems; ``surfaces``: each one's form in the question) that name a topic
    the question also names in other words, words that ``findings`` (the research findings in
    scope) use ("<a condition> fractures" where a finding is on fractures): they ask about that
    topic, which the findings answer, not about something else."""
    qc = study_cues().question
    folded = fold(question)
    rest = folded
    for w in words:  # the question without the words judged
        rest = re.sub(rf"(?<!\w){re.escape(fold(surfaces.get(w, w)))}\w*", " ", rest)
    texts = [fold(t) for t in findings]
    named = [ps for ps in qc.topics.values()
             if any(re.search(rf"(?<!\w){re.escape(m.group(0))}", t)
                    for m in cue(ps).finditer(rest) for t in texts)]
    return [w for w in words if any(cue(ps).fullmatch(fold(surfaces.get(w, w))) for ps in named)]


def _excluded_spans(text: str, qc: QuestionCues) -> list[tuple[int, int]]:
    """The spans an exclusion cue covers: the few words after "not counting", "instead of", ..."""
    return _spans_after(text, qc.exclude, qc.exclude_scope)


def _spans_after(text: str, patterns: Sequence[str], scope: int) -> list[tuple[int, int]]:
    """The spans of the ``scope`` words after each match of ``patterns``, up to the end of its clause
    ("leaving out the <x> dose, which <nutrient> study ...": the nutrient after the comma is asked)."""
    spans = []
    for m in cue(patterns).finditer(text) if patterns else ():
        clause = re.match(r"(?:[^,;:.!?]|[.,](?=\d))*", text[m.end():])  # "1,000 IU", "1.5 mg" go on
        words = list(re.finditer(r"\S+", clause.group(0) if clause else ""))[:scope]
        spans.append((m.end(), m.end() + (words[-1].end() if words else 0)))
    return spans


def _name_words(lex: str, keep: Collection[str] = ()) -> set[str]:
    """The content words of every vocabulary name a lexical-form text writes (but the names of
    ``keep``): the words of a name of several ("<word> oil") are that name, each no word of its own."""
    return {t for pattern, _, name in _name_patterns() if name not in keep
            for m in pattern.finditer(lex) for t in content_tokens(m.group(0))}


def _names_in(lex: str) -> list[tuple[int, str, str]]:
    """(position, "nutrient" | "form", vocabulary name) of every name of a lexical-form text, in
    order; a longer name wins over a shorter one inside it."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str, str]] = []
    for pattern, kind, name in _name_patterns():
        for m in pattern.finditer(lex):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), kind, name))
    return sorted(found)


def study_subject(question: str, *, cues: StudyCues | None = None) -> str:
    """The question without the names it gives as given together with the supplement ("which
    studies gave it together with <nutrient>"), as left out ("without <nutrient>", "not counting
    <form>") or as what one study's detail is of ("what dose of
    <nutrient> did they use in the <...> study"): for deciding which monograph's findings it is
    about (the studies are not those of <nutrient>'s monograph). A question not about the research
    findings (:func:`parse_study_query` reads none) loses only the names it rules out ("does <X> on
    its own without <nutrient> help": <nutrient> is not what it asks about)."""
    qc = (cues or study_cues()).question
    q = fold(question)
    # names left out or ruled out ("without <nutrient>", "not counting <form>")
    spans = _excluded_spans(q, qc) + _spans_after(q, qc.alone, qc.alone_scope)
    if (sq := parse_study_query(question, cues=cues)) is not None:  # given with it, or a detail's name
        spans += (_spans_after(q, qc.combined, qc.combined_scope)
                  + _spans_after(q, qc.exclude_next, qc.exclude_next_scope))
        detail = _detail_asked(q, qc) if sq.detail is not None else None  # (of one study: across, a filter)
        if detail is not None and (dc := qc.details.get(detail[0])) is not None and dc.of_name:
            spans += detail[1]
    if not spans:
        return question
    words = list(re.finditer(r"\S+", q))
    dropped: set[int] = set()
    for s, e in spans:
        inside = [i for i, w in enumerate(words) if s <= w.start() < e]
        for i in inside:  # the fewest words from each that name something ("vitamin <letter>"),
            # a name begun inside the span may end after it (one begun after it is not ruled out:
            # "not on <drug>. what <nutrient> dose ...")
            after = inside[-1] + 1
            end = next((j for j in range(i, min(after + 2, len(words)))
                        if _names_in(_joined(words, i, j)) and not _names_in(_joined(words, after, j))), None)
            if end is not None and i not in dropped:
                dropped.update(range(i, end + 1))
    return " ".join(w.group() for i, w in enumerate(words) if i not in dropped)


def _joined(words: Sequence[re.Match[str]], first: int, last: int) -> str:
    """The lexical form of words ``first`` to ``last`` (none when first > last)."""
    return lexical_form(" ".join(w.group() for w in words[first:last + 1]))


def _reference_lines(cited: list[str], asked: int) -> list[str]:
    """The numbered findings asked about, each cited; said when a number asked names none."""
    lead = REFERENCE_TEMPLATE if len(cited) == 1 else REFERENCES_TEMPLATE
    missing = [REFERENCE_MISSING] if len(cited) < asked else []
    return [lead.format(finding=c) if i == 0 else c for i, c in enumerate(cited)] + missing


def _by_reference(refs: tuple[int, ...], detail: tuple[str, list[tuple[int, int]]] | None,
                  qc: QuestionCues) -> StudyQuery:
    """The numbered findings asked about; "tell me about finding 3": a detail that is the whole
    finding asks nothing more."""
    whole = detail is not None and getattr(qc.details.get(detail[0]), "record_field", None) == "text"
    return StudyQuery(ref=refs[0], refs=refs if len(refs) > 1 else (),
                      detail=detail[0] if detail and not whole else None)


def _references(q: str, qc: QuestionCues) -> tuple[int, ...]:
    """The numbers of the findings the question names ("reference [5]", "study 7 vs study 8",
    "[5][4]", "the 4th study", "the second trial"), in its order."""
    found = sorted((m.start(), int(m.group(1))) for p in qc.reference for m in re.finditer(p, q)
                   if m.group(1))
    if found:
        return tuple(dict.fromkeys(n for _, n in found))
    one = _reference(q, qc)
    return (one,) if one is not None else ()


def _reference(q: str, qc: QuestionCues) -> int | None:
    """The number of the finding the question names by its place ("the 4th study", "the second trial")."""
    if qc.ordinal_reference:
        suffix = rf"\d{{1,3}}(?:{alternation(qc.ordinal_suffixes)})" if qc.ordinal_suffixes else r"(?!x)x"
        ordinal = rf"({suffix}|{alternation(map(re.escape, qc.ordinals))})"
        for p in qc.ordinal_reference:
            m = re.search(rf"(?<![\w-]){alternation([p]).replace('{ordinal}', ordinal)}", q)
            if m:
                word = m.group(1)
                return qc.ordinals[word] if word in qc.ordinals else int(re.match(r"\d+", word)[0])  # type: ignore[index]
    return None


def _asked_results(q: str, qc: QuestionCues) -> tuple[Asked, ...]:
    """The kinds of result the question asks: the first kind (in this order) with a matching cue;
    with another kind asked elsewhere in it, across a contrast ("which one already has a result and
    which one is still going"), both, in the question's order."""
    order: tuple[Asked, ...] = ("ongoing", "finished", "null", "mixed", "harm", "positive")
    found: list[tuple[int, int, Asked]] = []
    for kind in order:
        patterns = qc.finished if kind == "finished" else qc.result.get(kind, [])
        for m in cue(patterns).finditer(q) if patterns else ():
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), kind))
    if not found:
        return ()
    first = found[0]
    contrast = cue(qc.result_contrast) if qc.result_contrast else None
    asked = [first]
    for s, e, kind in found[1:]:
        if kind in {k for _, _, k in asked} or contrast is None:
            continue
        between = q[first[1]:s] if s >= first[1] else q[e:first[0]]
        if contrast.search(between):
            asked.append((s, e, kind))
    kinds = tuple(k for _, _, k in sorted(asked))
    if kinds == ("positive",) and qc.whether_found and cue(qc.whether_found).search(q):
        return ()  # "was there a study where it helped": each finding with its own result
    return kinds


def _people_asked(q: str, qc: QuestionCues) -> tuple[int, ...]:
    """Where the people start in "did <supplement> do anything in <people>", "does it work for
    <people>": after each ``efficacy_in`` cue whose clause names people (a population group's word or
    one of ``people_words``); () when the question asks of none."""
    if not qc.efficacy_in:
        return ()
    people = {t for w in [*qc.people_words, *(w for ws in qc.population_groups.values() for w in ws)]
              for t in tokens(lexical_form(w))}
    return tuple(m.end() for m in cue(qc.efficacy_in).finditer(q)
                 if people & set(tokens(lexical_form(re.split(r"[?.;!]", q[m.end():], maxsplit=1)[0]))))


@functools.lru_cache(maxsize=1)
def _name_patterns() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(regex on the lexical form, "nutrient" | "form", vocabulary name), longest name first."""
    return tuple((re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])"), kind, name)
                 for key, kind, name in name_terms())


def _asks_form_did(q: str, qc: QuestionCues, named: Sequence[tuple[str, str]]) -> bool:
    """Does the question ask, in the past, what a form it names did for a topic ("did <form> help
    <topic>")? The findings that used the form answer it."""
    return (bool(qc.efficacy_past) and any(kind == "form" for kind, _ in named)
            and bool(cue(qc.efficacy_past).search(q)) and bool(_topics(q, qc)[0]))


def _named(lex: str, qc: QuestionCues) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
    """The nutrients and forms the question names (kind, name), and the names it leaves out."""
    found = _names_in(lex)
    excluded_at = _excluded_spans(lex, qc) + _spans_after(lex, qc.exclude_next, qc.exclude_next_scope)
    named: list[tuple[str, str]] = []
    excluded: list[str] = []
    for pos, kind, name in found:
        if any(s <= pos < e for s, e in excluded_at):
            excluded.append(name)
        elif (kind, name) not in named:
            named.append((kind, name))
    # a name the question also leaves out ("I don't take <a>, only <b>, so leaving the <a> ones
    # out, ...") is not one it asks about
    return [(k, n) for k, n in named if n not in excluded], tuple(dict.fromkeys(excluded))


def _population_terms(q: str, qc: QuestionCues, starts: Sequence[int] = ()
                      ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """The stems of the words after "in"/"among"/... (and at ``starts``: where the people asked
    about start) up to the end of the clause, each with the other words of its group ("pregnant"
    also stands for "pregnancy") and a medicine class named with its other names; the groups
    named; and the stems of the words after a negation within the clause ("who don't have
    <condition>")."""
    found: list[str] = []
    negated: list[str] = []
    for end in sorted({*(m.end() for m in cue(qc.population_prepositions).finditer(q)), *starts}):
        clause = re.split(r"[?.;!]", q[end:], maxsplit=1)[0]
        studies_only = bool(qc.population_not_clause) and cue(qc.population_not_clause).match(clause.lstrip())
        if studies_only or _topic_studies(clause, qc):
            continue  # "in any study", "in the <nutrient> <topic> studies": the studies, no people
        neg = cue(qc.population_negation).search(clause)
        said = clause[:neg.start()] if neg else clause
        said = cue(qc.age_pointers).sub(" ", said) if qc.age_pointers else said  # "that old": an age
        found.extend([*content_tokens(said), *_class_terms(said)])
        if neg:
            negated.extend(content_tokens(clause[neg.end():]))
    groups = [{t for w in words for t in tokens(lexical_form(w))} for words in qc.population_groups.values()]
    out = list(dict.fromkeys(t for t in found if t not in negated))
    named = [g for g in groups if g & set(out)]
    for g in named:
        out.extend(sorted(g - set(out)))
    return tuple(out), tuple(tuple(sorted(g)) for g in named), tuple(dict.fromkeys(negated))


def _ages_asked(question: str, q: str, cues: StudyCues, starts: Sequence[int] = ()
                ) -> tuple[float, float] | None:
    """The ages of the people a question asks the findings about ("in people over 85", "did any
    study include adults in their 70s"): an age in a clause after a population preposition (or at
    ``starts``), never one said of the asker ("I'm 45, which study ..."), unless the people asked
    about point at it ("people my age": the last age said of someone before them)."""
    qc = cues.question
    ends = sorted({*(m.end() for m in cue(qc.population_prepositions).finditer(q)), *starts})
    clauses = [(e, e + len(re.split(r"[?.;!]", q[e:], maxsplit=1)[0])) for e in ends]
    found = _widest(a for s, _, a in _age_spans(question, q, cues) if any(b <= s < e for b, e in clauses))
    if found is not None or not (qc.age_pointers and qc.said_ages):
        return found
    if any(cue(qc.age_pointers).search(q[b:e]) for b, e in clauses):
        # "my mum is 85 ... studied in people that old?": the age said of someone last before it
        first = min(b for b, _ in clauses)
        said = [m for m in re.finditer(rf"(?<![\w-])(?:{alternation(qc.said_ages)})", q) if m.start() < first]
        return _age_range(said[-1]) if said else None
    return None


def _topic_studies(clause: str, qc: QuestionCues) -> bool:
    """Does the clause name studies by their nutrient, form or topic alone ("the <nutrient> <topic>
    studies", ``named_studies``), no people? A nutrient's name of two words counts as one."""
    m = re.match(qc.named_studies, clause)
    if m is None:
        return False
    words = m.group("named").split()
    i = 0
    while i < len(words):
        alone = mentioned_nutrients(words[i])
        if not alone and i + 1 < len(words) and mentioned_nutrients(f"{words[i]} {words[i + 1]}"):
            i += 2  # "<name> <letter><digit>"
        elif alone:
            i += 1
        elif n := _topic_phrase(words[i:i + 3], qc):  # a topic's phrase of several words, as one
            i += n
        else:
            return False
    return True


def _topic_phrase(words: Sequence[str], qc: QuestionCues) -> int:
    """How many of ``words``, from the first, one topic pattern writes whole (the most; 0: none)."""
    patterns = [p for ps in qc.topics.values() for p in ps]
    return next((n for n in range(len(words), 0, -1)
                 if cue(patterns).fullmatch(" ".join(words[:n]))), 0)


def _class_terms(said: str) -> list[str]:
    """"people on <a medicine class>": the stems of the class's other names, which the findings may
    name it by, when the people are named by that class alone (one other word at most: "patients on
    <a member>"; "<people of a condition> on <it>" names them by more)."""
    names = [t for n in class_names_in(said) for t in content_tokens(n)]
    own, general = set(content_tokens(said)), set(general_words())
    if not names or len(own - set(names) - general) > 1:
        return []
    return [t for t in names if t not in own and t not in general]


def _negated_spans(q: str, qc: QuestionCues) -> list[tuple[int, int]]:
    """The spans of a population clause after a negation ("in women who don't have <condition>")."""
    spans: list[tuple[int, int]] = []
    for m in cue(qc.population_prepositions).finditer(q):
        clause = re.split(r"[?.;!]", q[m.end():], maxsplit=1)[0]
        if neg := cue(qc.population_negation).search(clause):
            spans.append((m.end() + neg.end(), m.end() + len(clause)))
    return spans


def _without(lex: str, qc: QuestionCues) -> tuple[str, ...]:
    """The nutrients and forms named within a few words after "without" (the supplement alone)."""
    spans = []
    for m in cue(qc.alone).finditer(lex):
        words = list(re.finditer(r"\S+", lex[m.end():]))[: qc.alone_scope]
        spans.append((m.end(), m.end() + (words[-1].end() if words else 0)))
    out: list[str] = []
    taken: list[tuple[int, int]] = []
    for pattern, _, name in _name_patterns():
        for m in pattern.finditer(lex):
            if any(s <= m.start() < e for s, e in spans) and not any(
                    s < m.end() and m.start() < e for s, e in taken):
                taken.append((m.start(), m.end()))
                out.append(name)
    return tuple(dict.fromkeys(out))


def _detail_asked(q: str, qc: QuestionCues) -> tuple[str, list[tuple[int, int]]] | None:
    """The detail of one study the question asks (its kind) and where the question asks it (a
    detail of a name: the cue and the name after it)."""
    if found := next(_details_asked(q, qc), None):
        return found
    if spans := [m.span() for m in cue(qc.cotreatment).finditer(q)]:
        return "cotreatment", spans
    return None


def _details_asked(q: str, qc: QuestionCues) -> Iterator[tuple[str, list[tuple[int, int]]]]:
    """Each detail of one study the question asks, in the cue file's order, with where it asks it."""
    for kind, dc in qc.details.items():
        if (dc.needs and not cue(dc.needs).search(q)) or (dc.not_with and cue(dc.not_with).search(q)):
            continue
        spans = [span for p in dc.asked for m in cue([p]).finditer(q) for span in _cue_spans(m)]
        if dc.choices_of_forms and not spans:
            spans = _form_choice(q, qc)
        if dc.of_name:  # the cue and the name after it, where one follows
            spans = [(s, e + end) for s, e in spans
                     if (end := _name_end(q[e:], dc.of_name_scope)) is not None]
        if spans:
            yield kind, spans


#: a detail's words are asked, not a description of the study ("was it randomised?", not "the
#: randomised trial"), where an asking word comes before them in their clause (or opens them)
_ASKED_AT = re.compile(r"\b(?:was|were|is|are|did|does|do|has|have|had|what|which|how|who|whether)\b"
                       r"[^,;.?!]{0,30}$")
_ASK_IN = 12


def _other_details(q: str, qc: QuestionCues, kind: str,
                   spans: Sequence[tuple[int, int]]) -> list[tuple[str, list[tuple[int, int]]]]:
    """The details besides ``kind`` the question asks of the same study, each where no other's cue
    is (a gap said of it; not the whole finding, which any other detail answers)."""
    own = qc.details[kind].record_field if kind in qc.details else None
    fields = {own} if own else set()
    out = []
    for k, sp in _details_asked(q, qc):
        f = qc.details[k].record_field
        if (k not in (kind, ABOUT_DETAIL) and qc.details[k].says and (f is None or f not in fields)
                and not any(a < e and s < b for a, b in sp for s, e in spans)
                and any(_ASKED_AT.search(q[:a] + q[a:b][:_ASK_IN]) for a, b in sp)):
            out.append((k, sp))  # (one field asked twice, "what kind ... <a> or <b>?", is one detail)
            fields |= {f} if f else set()
    return out


def _of_one_study(q: str, spans: Sequence[tuple[int, int]], qc: QuestionCues) -> bool:
    """Is a detail asked (at ``spans``) of one study, not of many (a list, the longest, whom the
    findings were in, a ranking)? The "which" of "which kind of <name>" asks no list."""
    across = [*qc.longest, *qc.shortest, *qc.whom, *qc.ranked]
    return not cue(across).search(q) and not cue(qc.list_words).search(_without_spans(q, spans))


def _without_spans(q: str, spans: Sequence[tuple[int, int]]) -> str:
    """The (folded) question with the spans given blanked (where a detail is asked: its words,
    "which kind of <name>", are no words of a list asked)."""
    return "".join(" " if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(q))


def _cue_spans(m: re.Match[str]) -> list[tuple[int, int]]:
    """Where a cue asks its detail: the match, without its group ``rest`` (the words of the study)."""
    if "rest" in m.re.groupindex and m.group("rest"):
        return [(m.start(), m.start("rest")), (m.end("rest"), m.end())]
    return [m.span()]


def _form_choice(q: str, qc: QuestionCues) -> list[tuple[int, int]]:
    """The span of two of the vocabulary's forms offered as choices ("<A> or <B>"), each of up to
    three words right beside the choice word, read in their lexical form ("<name>-<n>" as the
    vocabulary writes it)."""
    if not qc.choice_words:
        return []
    words = [w.span() for w in re.finditer(r"\S+", q)]
    for m in re.finditer(rf"\s+(?:{alternation(qc.choice_words)})\s+", q):
        left = next((s for s in reversed([s for s, e in words if e <= m.start()][-3:])
                     if _is_form(q[s:m.start()])), None)
        right = next((e for e in [e for s, e in words if s >= m.end()][:3] if _is_form(q[m.end():e])), None)
        if left is not None and right is not None:
            return [(left, right)]
    return []


def _is_form(text: str) -> bool:
    """Is the text (its punctuation aside) one of the vocabulary's forms, whole?"""
    lex = lexical_form(text).strip(" ,.;:?!()")
    return any(kind == "form" and pattern.fullmatch(lex) for pattern, kind, _ in _name_patterns())


def _choices(q: str, dc: DetailCues, spans: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    """The choices a detail is asked between: the groups ``first`` and ``second`` of its cue, else
    the forms named in its spans."""
    out = [m[g] for p in dc.asked for m in cue([p]).finditer(q)
           for g in ("first", "second") if g in m.re.groupindex and m[g]]
    if not out and dc.choices_of_forms:
        out = [n for s, e in spans for _, kind, n in _names_in(lexical_form(q[s:e])) if kind == "form"]
    return tuple(dict.fromkeys(out))


def _name_end(text: str, scope: int) -> int | None:
    """Where the first name of ``text``'s first ``scope`` words ends (None: they name none)."""
    words = list(re.finditer(r"\S+", text))[:scope]
    for j in range(len(words)):
        if _names_in(lexical_form(text[:words[j].end()])):
            return words[j].end()
    return None


def _population_tokens(qc: QuestionCues) -> list[frozenset[str]]:
    """Each group of people's words (study_cues ``population_groups``), as tokens."""
    return [frozenset(t for w in ws for t in tokens(lexical_form(w))) for ws in qc.population_groups.values()]


def _one_study_query(question: str, q: str, lex: str, detail: tuple[str, list[tuple[int, int]]],
                     cues: StudyCues) -> StudyQuery | None:
    """A question about one study's detail, with what describes the study (None when nothing does:
    a question with nothing but its detail names no study)."""
    qc = cues.question
    kind, spans = detail
    others = _other_details(q, qc, kind, spans) if kind in qc.details else []  # (not a gap's words)
    asked = [*spans, *(sp for _, found in others for sp in found)]  # their words describe no study
    named, _ = _named(lex, qc)
    dc = qc.details.get(kind)
    # which form, asked beside another detail ("how many were in it, and was it <a> or <b>?")
    form_asked: tuple[DetailCues | None, Sequence[tuple[int, int]]] = next(
        ((fc, sp) for k, sp in [(kind, spans), *others]
         if (fc := qc.details.get(k)) is not None and fc.record_field == "forms"), (None, []))
    # a detail of a name ("the dose of <nutrient>"): that name is what is asked, not which study
    about = tuple(dict.fromkeys(n for k, sp in [(kind, spans), *others]
                                if (kc := qc.details.get(k)) is not None and kc.of_name
                                for s, e in sp for _, _, n in _names_in(lexical_form(q[s:e]))))
    forms = tuple(n for k, n in named if k == "form" and n not in about)
    if form_asked[0] is not None:
        forms = ()  # asking which form: the forms it names are the choices, not the study's
    nutrients = tuple(n for k, n in named if k == "nutrient" and n not in about)
    if form_asked[0] is not None:  # "which kind of <nutrient>": one of its studies
        nutrients = tuple(dict.fromkeys((*nutrients, *(n for k, n in named if k == "nutrient"))))
    ages = _age_spans(question, q, cues)  # "people over 80": an age, not a dose
    doses = tuple((d.micrograms, d.low, d.unit) for d in parse_doses(question)
                  if not any(s <= d.start < e for s, e, _ in ages))
    duration = _duration(question, q, cues.finding)
    # "the study that lasted about a month": how long it ran, said as a question says it
    ran = None if duration else _asked_duration(q, cues)
    days = duration[1] if duration else ran[0] if ran is not None and ran[1] == "exact" else None
    rest = _without_spans(q, asked)
    skip = (set(_unit_words()) | _study_word_tokens(qc)
            | {t for _, n in named for t in tokens(lexical_form(n))}  # the names: filters, not words
            | _name_words(lex)  # (as the question writes them: "<word> oil" is a name, no description)
            | (_ran_words(qc) if days is not None and duration is None else set()))
    words = [t for t in _description_tokens(rest) if t not in skip and not t.isdigit()]
    for g in _population_tokens(qc):
        if g & set(words):
            words.extend(sorted(g - set(words)))
    if not (forms or doses or days or words or ages) or (kind == "duration" and days):
        return None  # nothing describes the study, or the question gives the duration it asks
    return StudyQuery(detail=kind, also_details=tuple(k for k, _ in others), nutrients=nutrients,
                      forms=forms, doses=doses, names_study=_names_one_study(q, cues),
                      duration_days=days, words=tuple(dict.fromkeys(words)),
                      about=about, ages=_widest(a for _, _, a in ages),
                      choices=_choices(q, form_asked[0], form_asked[1]) if form_asked[0] is not None
                      else _choices(q, dc, spans) if dc is not None else ())


def _ran_words(qc: QuestionCues) -> set[str]:
    """The words that say how long a study ran ("lasted", "ran for", "about"): no detail of it."""
    return {t for w in [*qc.duration_before, *qc.duration_about] for t in tokens(re.sub(r"[^\w\s]", " ", w))}


def sets_beside_reply(question: str, *, cues: StudyCues | None = None) -> re.Match[str] | None:
    """The words with which a follow-up sets what it names beside the dose the last answer gave ("is
    that a lot more than" what's in <product>?, "does <product> have" as much as they gave them?;
    study_cues ``beside_reply``), or None."""
    return cue((cues or study_cues()).question.beside_reply).search(fold(question))


def asks_results(question: str) -> bool:
    """Does the question ask what a study found (study cues ``results_asked``)?"""
    return cue(study_cues().question.results_asked).search(fold(question)) is not None


def names_one_study(question: str) -> bool:
    """Does the question name one study where it asks ("the <...> study", "that trial")?"""
    return _names_one_study(fold(question), study_cues())


def compares_amounts(question: str) -> bool:
    """Does the question compare amounts ("more than", "as much as", "the same dose as", "compared
    with"; study_cues ``compare``, ``dose_above``, ``dose_below``, ``same_amount``)? Not "did the
    <...> study use <product>?"."""
    qc = study_cues().question
    comparing = cue([*qc.compare, *qc.dose_above, *qc.dose_below, *qc.same_amount])
    return comparing.search(fold(question)) is not None


def _names_one_study(folded: str, cues: StudyCues) -> bool:
    """Does the (folded) question name one study ("the <...> study", "the 4 week one") where it
    asks? A statement around its question ("I know the <...> trial didn't help. Does it interact
    with <x>?") only tells what the user knows."""
    return cue(cues.question.one_study).search(asking_sentences(folded)) is not None


def unmentioned_study_query(question: str, unmentioned: Sequence[str], *,
                            cues: StudyCues | None = None) -> StudyQuery | None:
    """A question about one study ("the <...> study", a ``one_study`` cue) that asks about words the
    monograph never uses (``unmentioned``, as the question writes them: "how did they measure <x>
    in the <...> study?"): the finding its other words describe is stated, with what it does not
    state. None when the question names no one study, or nothing describes one."""
    allcues = cues or study_cues()
    q = fold(question)
    if not unmentioned or not _names_one_study(q, allcues):
        return None
    spans = [m.span() for w in unmentioned for m in re.finditer(rf"(?<!\w){re.escape(fold(w))}(?!\w)", q)]
    found = _one_study_query(question, q, lexical_form(question), (UNMENTIONED, spans), allcues)
    return replace(found, unmentioned=tuple(unmentioned)) if found is not None else None


def finding_gap_query(question: str, records: Sequence[StudyRecord], known: Collection[str],
                      every: Sequence[StudyRecord] = (), *,
                      cues: StudyCues | None = None) -> StudyQuery | None:
    """A question about one study ("the <...> study", a ``one_study`` cue; "did their <outcome> go
    up?") that asks about words the corpus uses (``known``: its word stems) but its finding does not:
    the query stating that finding and that it says nothing of them (the question's own words, as
    written). None when the question names no one study, no one finding fits it, or the finding
    holds every such word, or another finding (of ``every``, the corpus's) holds one of them: the
    question may describe that one (unless the question names one study once and its figures alone,
    dose, duration or ages, pick it). Words the corpus never uses are chat, or the scope check's."""
    allcues = cues or study_cues()
    q = fold(question)
    if not _names_one_study(q, allcues):
        return None
    found = _one_study_query(question, q, lexical_form(question), (UNMENTIONED, []), allcues)
    one = _one_study(found, records) if found is not None else None
    dropped: tuple[str, ...] = ()
    if found is not None and one is None and found.nutrients:  # "did anyone get high <nutrient>?":
        bare = replace(found, nutrients=())  # a nutrient no finding of the study names is asked
        # (unless another monograph has a finding of that nutrient the words describe: it is that one)
        own = {r.supplement for r in records}
        elsewhere = _one_study(found, [r for r in every if r.supplement not in own])
        if elsewhere is None and (one := _one_study(bare, records)) is not None:
            found, dropped = bare, found.nutrients
    if found is None or one is None:
        return None
    held = _finding_words(one.text)
    qc = allcues.question
    skip = (held | set(_unit_words()) | _study_word_tokens(qc) | general_words()
            | {t for w in qc.design_words for t in tokens(lexical_form(w))})
    # a phrase a rewrite reads as words the finding holds ("kidney disease" for its "CKD") is held
    read = q
    for a, b, to in rewritten_spans(q):
        if all(_has_word(t, held, qc) for t in content_tokens(to)):
            read = read[:a] + " " * (b - a) + read[b:]
    seq = re.findall(r"[^\W\d_][\w-]*", cue(qc.combined).sub(" ", read))  # "plus <x>" says "with <x>"
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(seq)  # two stopwords that make one term
             if not content_tokens(a) and not content_tokens(b)]
    name_words = _name_words(lexical_form(question), dropped)  # "<x>" of "<x> oil" is no detail
    name_words |= {p for n in name_words for p in n.split("-")}  # a name written apart, "<word> <digit>"
    missing = [w for w in dict.fromkeys([*seq, *pairs])
               if (ts := content_tokens(w)) and not set(ts) & skip and set(ts) <= set(known)
               and not set(ts) <= name_words
               and not any(_has_word(t, held, qc) for t in ts)  # "pregnancy" where it says "pregnant"
               and (not (names := _names_in(lexical_form(w))) or any(n in dropped for _, _, n in names))]
    lacking = {t for w in missing for t in content_tokens(w)}
    missing = [part for w in missing for part in w.split()]
    citing = [_description_tokens(fold(_citing_clause(c.text, one.ref))) for c in one.cited_by]  # may say it
    # the question names one study once, its figures alone name it, and it holds some of the
    # question's words (or the figure is in the words that name it): the words it lacks are asked
    alone = _one_study(replace(found, words=()), records)
    named = [m.group(0) for m in cue(qc.one_study).finditer(q)]
    figured = (len(named) == 1 and alone is not None and alone.chunk_id == one.chunk_id
               and (not found.words or any(_has_word(t, held, qc) for t in found.words)
                    or re.search(r"\d", named[0]) is not None))  # "the <dose> study": its figure names it
    others = [] if figured or _named_alone(named, one, every, qc) else [
        _finding_words(r.text) for r in every if r.chunk_id != one.chunk_id]
    if not missing or any(lacking & words for words in [*others, *citing]):
        return None
    return replace(found, detail=FINDING_GAP, unmentioned=_phrases(q, set(missing)))


def described_study(question: str, records: Sequence[StudyRecord], *,
                    cues: StudyCues | None = None) -> StudyRecord | None:
    """The one finding a question names as a study ("is <product> the same dose as the <...>
    study?", with what describes anything else masked by the caller); None when it names no one
    study or no one finding fits it."""
    allcues = cues or study_cues()
    q = fold(question)
    if not _names_one_study(q, allcues):
        return None
    found = _one_study_query(question, q, lexical_form(question), (UNMENTIONED, []), allcues)
    return _one_study(found, records) if found is not None else None


@dataclass(frozen=True)
class Beside:
    """An amount a question sets beside one study's dose: what it is of ("<product>'s vitamin X per
    serving"), as written, in µg, the nutrient, and the marker citing where it is written."""

    what: str
    dose: Dose
    micrograms: float
    nutrient: str
    marker: int
    #: the form the amount is of, if said: a dose of another form is named as that form's
    form: str | None = None


def finding_lines(record: StudyRecord, docs: Mapping[str, Document], book: CitationBook,
                  amounts: Sequence[Beside] = ()) -> list[str]:
    """The line stating a study's finding, cited, then how each amount set beside it compares with
    the one dose the finding gives of that nutrient, given every day (a serving is a day's: a yearly
    or single dose, or one per kg, is never set beside it; nor is either of two amounts of it, "1
    g/day, providing 840 mg <part of it>": which one the product's amount is like is not said; a dose
    of one form beside an amount of another, or of a form not said, is named as that form's: "the
    <form A> dose that study gave"); empty when its chunk is not given."""
    doc = docs.get(record.chunk_id) or docs.get(record.doc_id or "")
    if doc is None:
        return []
    lines = [DETAIL_TEMPLATE.format(finding=f"{record.text} [{book.cite(doc, (0, len(record.text)))}]")]
    for a in amounts:
        if (given := beside_dose(record, a.nutrient)) is not None and (ug := given.micrograms) is not None:
            word = ("the same as" if math.isclose(a.micrograms, ug, rel_tol=1e-6)
                    else "less than" if a.micrograms < ug else "more than")
            gave = BESIDE_GAVE["ongoing" if record.result == "ongoing" else "done"]
            form = given.form  # said only when it is not the amount's own
            named = f"{form} " if form and fold(form) != fold(a.form or "") else ""
            lines.append(BESIDE_TEMPLATE.format(what=a.what, amount=a.dose.text, own=a.marker, word=word,
                                                form=named, gave=gave, dose=given.dose.text,
                                                marker=book.cite(doc)))
    return lines


def beside_dose(record: StudyRecord, nutrient: str) -> StudyDose | None:
    """The one dose of ``nutrient`` a finding gives that an amount can be set beside: given every
    day, for no body weight, one amount, not a range; None when it gives none such, or two (see
    :func:`finding_lines`). A level it names ("ferritin below 50 μg/L") is no dose."""
    given = [d for d in record.doses
             if d.comparable and (_covers(nutrient, d.nutrient) or _covers(d.nutrient, nutrient))]
    if len(given) != 1 or not given[0].daily or given[0].per_weight or given[0].high_micrograms is not None:
        return None
    return given[0] if given[0].micrograms is not None else None


def _study_word_tokens(qc: QuestionCues) -> set[str]:
    """The tokens of the words that name a study rather than describe which one."""
    return {t for w in qc.one_study_words for t in tokens(lexical_form(w))}


def _named_alone(named: Sequence[str], one: StudyRecord, every: Sequence[StudyRecord],
                 qc: QuestionCues) -> bool:
    """Does the question name one study once by words only its finding holds ("the <drug name>
    trial")? Then its other words ask about that finding, not describe another."""
    generic = _study_word_tokens(qc) | general_words()
    words = [t for t in content_tokens(named[0]) if t not in generic] if len(named) == 1 else []
    held = _finding_words(one.text)
    return bool(words) and all(_has_word(t, held, qc) for t in words) and not any(
        all(_has_word(t, _finding_words(r.text), qc) for t in words)
        for r in every if r.chunk_id != one.chunk_id)


def _citing_clause(text: str, ref: object) -> str:
    """The words of a citing passage that cite finding ``ref``: from the marker before its own up
    to it ("..., but <x> did not reduce <y> [2], and ..."); up to the sentence's end when that
    clause states no result (its verb comes after the marker: "<x> [4] and <y> [3] did not ...");
    the whole text when no marker names it."""
    start = 0
    for m in re.finditer(r"(?:\[\d+\])+", text):
        if str(ref) in re.findall(r"\d+", m.group()):
            clause = text[start:m.start()]
            if re.search(r"\b(?:\w+ed|did|does|not|no|was|were|is|are|showed?|found)\b", clause):
                return clause
            end = re.search(r"[.!?](?:\s|$)", text[m.end():])
            return text[start:m.end() + end.end()] if end else text[start:]
        start = m.end()
    return text


def _phrases(text: str, words: set[str]) -> tuple[str, ...]:
    """``words`` as ``text`` writes them, neighbours joined ("<a> <b>", not "<a> or <b>")."""
    runs: list[list[re.Match[str]]] = []
    for m in re.finditer(r"[^\W\d_][\w-]*", text):
        if m.group() not in words:
            continue
        if runs and not text[runs[-1][-1].end():m.start()].strip():
            runs[-1].append(m)
        else:
            runs.append([m])
    return tuple(dict.fromkeys(text[r[0].start():r[-1].end()] for r in runs))


def _age_spans(text: str, folded: str, cues: StudyCues) -> list[tuple[int, int, tuple[float, float]]]:
    """Where a text names an age and the ages (low, high; years) it names: "over 80", "aged 80 and
    older", "aged 50–60", "in their 80s"; never a number that is part of a dose or a duration."""
    qc = cues.question
    taken = [(d.start, d.end) for d in parse_doses(text)]
    taken += [m.span() for m in re.finditer(_length_pattern(cues.finding), folded)]
    out: list[tuple[int, int, tuple[float, float]]] = []
    for p in qc.population_ages:
        for m in re.finditer(rf"(?<![\w-])(?:{alternation([p])})", folded):
            ns, ne = next(m.span(g) for g in ("low", "high", "exact", "decade")
                          if g in m.re.groupindex and m.group(g))
            if (any(ns < e and s < ne for s, e in taken)
                    or any(m.start() < e and s < m.end() for s, e, _ in out)):
                continue
            out.append((m.start(), m.end(), _age_range(m)))
    return sorted(out)


def _age_range(m: re.Match[str]) -> tuple[float, float]:
    groups = {k: float(v) for k, v in m.groupdict().items() if v}
    if "decade" in groups:
        return groups["decade"] * 10, groups["decade"] * 10 + 9.999
    if "exact" in groups:
        return groups["exact"], groups["exact"] + 0.999
    return groups.get("low", 0.0), groups.get("high", math.inf)


def _widest(ranges: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    """The range spanning all of ``ranges`` (None when there are none)."""
    found = list(ranges)
    return (min(a for a, _ in found), max(b for _, b in found)) if found else None


@functools.lru_cache(maxsize=512)
def _population_ages(population: str) -> tuple[tuple[float, float], ...]:
    """The ages a finding's population names ("aged 80 and older": 80 and up)."""
    return tuple(a for _, _, a in _age_spans(population, fold(population), study_cues()))


def _age_distance(asked: tuple[float, float], ages: tuple[float, float]) -> float | None:
    """How far a population's ages are from those asked (None: they do not overlap)."""
    (a, b), (c, d) = asked, ages
    if a > d or c > b:
        return None
    high = 0.0 if b == d else abs(b - d) if math.isfinite(b) and math.isfinite(d) else 100.0
    return abs(a - c) + high


#: a name's token ("vitamin_x", "<name>-3"): another name differs from it by one letter or digit
_NAME_TOKEN = re.compile(r"[_\d]")


def _same_word(a: str, b: str, qc: QuestionCues) -> bool:
    """Are two words one, across spellings ("anaemia", "anemia") and endings ("anemic", "anemia")?"""
    for written, as_ in qc.spellings.items():
        a, b = a.replace(written, as_), b.replace(written, as_)
    if a == b:
        return True
    if _NAME_TOKEN.search(a) or _NAME_TOKEN.search(b):  # a name is no other name's form
        return False
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return n >= qc.word_stem and len(a) - n <= qc.word_ending and len(b) - n <= qc.word_ending


def same_word(a: str, b: str) -> bool:
    """Are two (stemmed) words one, across spellings and endings (the study cues' ``spellings``,
    ``word_stem`` and ``word_ending``)?"""
    return _same_word(a, b, study_cues().question)


def _has_word(word: str, words: AbstractSet[str], qc: QuestionCues) -> bool:
    return word in words or any(_same_word(word, w, qc) for w in words)


def _given_doses(question: str, q: str, cues: StudyCues
                 ) -> tuple[tuple[tuple[float | None, float, str], ...], bool]:
    """The doses a question names as given (µg or None, value, unit; not an age, nor an amount
    after a threshold or a bound: "above 1 g", "at least 1000 IU"), and whether one is approximate
    ("around 3 g", "3-ish grams")."""
    qc, fc = cues.question, cues.finding
    after = rf"(?:{alternation(qc.approximate_after)})(?![\w])" if qc.approximate_after else r"(?!x)x"
    text = re.sub(rf"(?<=\d)\s*{after}(?=\s*[^\W\d_])", lambda m: " " * len(m.group()), q)  # "3-ish g"
    ages = _age_spans(text, text, cues)
    threshold = _ending_with([*fc.threshold_before, *qc.duration_at_least, *qc.duration_at_most], r"\s+")
    before = _ending_with(qc.approximate_before, r"\s*")
    out: list[tuple[float | None, float, str]] = []
    approximate = False
    for d in parse_doses(text):
        lead = text[max(0, d.start - 30):d.start]
        if any(s <= d.start < e for s, e, _ in ages) or threshold.search(lead):
            continue
        out.append((d.micrograms, d.low, d.unit))
        approximate = (approximate or bool(before.search(lead)) or text[d.start:d.end] != q[d.start:d.end]
                       or bool(re.match(rf"\s*{after}", q[d.end:])))
    return tuple(dict.fromkeys(out)), approximate


def _dose_bound(q: str, qc: QuestionCues,
                nutrients: Sequence[str] = ()) -> tuple[Literal["above", "below"], float, Dose] | None:
    """The dose a (folded) question bounds the findings' doses by ("a bigger dose than 1.5 mg", "above
    100 mcg", "4,000 units or more"): the first dose right after a ``dose_above`` or ``dose_below``
    cue, or right before a ``dose_or_more`` or ``dose_or_less`` one (that dose itself within), in
    µg; in units of a nutrient named (``nutrients``) whose unit has a mass; and that dose as written."""
    for how, patterns in (("above", qc.dose_above), ("below", qc.dose_below)):
        for m in cue(patterns).finditer(q) if patterns else ():
            doses = parse_doses(q[m.end():])
            gap = q[m.end():m.end() + doses[0].start] if doses else ""
            if doses and re.fullmatch(r"\s*(?:(?:that|this|the|a|an)\s+)?", gap) and (
                    ug := _bound_micrograms(doses[0], nutrients)):
                return ("above" if how == "above" else "below"), ug, doses[0]
    for how, patterns in (("above", qc.dose_or_more), ("below", qc.dose_or_less)):
        for m in cue(patterns).finditer(q) if patterns else ():
            doses = [d for d in parse_doses(q[:m.start()]) if not q[d.end:m.start()].strip()]
            if doses and (ug := _bound_micrograms(doses[-1], nutrients)):
                inclusive = ug * (1 - 1e-9) if how == "above" else ug * (1 + 1e-9)  # that dose within
                return ("above" if how == "above" else "below"), inclusive, doses[-1]
    return None


GivenDose = tuple[float | None, float, str]


def _bound_and_given(q: str, qc: QuestionCues, nutrients: Sequence[str], given: tuple[GivenDose, ...]
                     ) -> tuple[tuple[Literal["above", "below"], float] | None, tuple[GivenDose, ...]]:
    """The dose that bounds the findings' (:func:`_dose_bound`), and the doses they must give
    without it: the dose that bounds them is no dose they must give."""
    found = _dose_bound(q, qc, nutrients)
    if found is None:
        return None, given
    how, ug, dose = found
    return (how, ug), tuple(g for g in given if (g[1], g[2].casefold()) != (dose.low, dose.unit.casefold()))


def _bound_micrograms(dose: Dose, nutrients: Sequence[str]) -> float | None:
    """A bounding dose in µg: by its unit, else (units) through the first nutrient named that has a
    factor (:func:`assistant.nutrients.micrograms`)."""
    if dose.micrograms or dose.unit != "IU":  # a mass unit, or one with no mass (mL)
        return dose.micrograms
    return next((ug for n in nutrients if (ug := micrograms(n, None, dose)) is not None), None)


def _bounded(query: StudyQuery, chosen: Sequence[StudyRecord]) -> list[StudyRecord]:
    """The findings with a dose beyond the question's bound (all, without one)."""
    if query.dose_bound is None:
        return list(chosen)
    how, ug = query.dose_bound
    return [r for r in chosen if any(d.comparable and d.micrograms is not None
                                     and (d.micrograms > ug if how == "above" else d.micrograms < ug)
                                     for d in r.doses if _of_asked(d, r, query))]


def _of_asked(d: StudyDose, r: StudyRecord, query: StudyQuery) -> bool:
    """Is a finding's dose one of the nutrient asked about or of the finding's own: not the dose of
    something given with it?"""
    asked = (*query.nutrients, *((r.nutrient,) if r.nutrient else ()))
    return not asked or any(same_nutrient(d.nutrient, n) for n in asked)


def _ending_with(patterns: Sequence[str], space: str) -> re.Pattern[str]:
    """A regex for a text that ends with one of ``patterns`` (and ``space``); none: matches nothing."""
    if not patterns:
        return re.compile(r"(?!x)x")
    return re.compile(rf"(?<![\w-])(?:{alternation(patterns)}){space}$")


def _opens(text: str, patterns: Sequence[str]) -> bool:
    """Does ``text`` open (after white space) with one of the patterns?"""
    return bool(patterns) and re.match(rf"\s*(?:{alternation(patterns)})(?![\w-])", text) is not None


def _asked_duration(q: str, cues: StudyCues, *, described: bool = False
                    ) -> tuple[tuple[float, float], RanBound] | None:
    """How long the findings asked about ran: a duration right after "ran", "lasted", ... or right
    before "studies" ("3-year studies"), in days, and whether it is a lower or upper bound.
    ``described``: only a study described by its length after an article, a name of up to two words
    between ("what did the 4 week <nutrient> study find?")."""
    fc, qc = cues.finding, cues.question
    if not (qc.duration_before or qc.duration_after):
        return None
    if qc.duration_article and fc.number_words:  # "a year or more": the number one
        one = next((w for w, n in fc.number_words.items() if n == 1), None)
        q = re.sub("|".join(f"(?:{p})" for p in qc.duration_article), one, q) if one else q
    bounds = [*qc.duration_at_least, *qc.duration_at_most]  # "over 2 years": a bound, not a lead
    not_bound = rf"(?!(?:{alternation(bounds)})\s)" if bounds else ""
    lead = rf"(?:{not_bound}(?:{alternation(fc.duration_lead)})\s+)?" if fc.duration_lead else ""
    bound = "".join(rf"(?:(?P<{name}>{alternation(ws)})\s+)?" if ws else ""
                    for name, ws in (("at_least", qc.duration_at_least), ("at_most", qc.duration_at_most)))
    qual = rf"(?:(?P<qual>{alternation(fc.duration_qualifier)})\s+)?" if fc.duration_qualifier else ""
    length = _length_pattern(fc)
    patterns = []
    if qc.duration_before and not described:
        patterns.append(rf"(?<![\w-])(?:{alternation(qc.duration_before)})\s+{lead}{bound}{qual}{length}")
    if qc.duration_after:
        told = (r"(?:the|a|that|this)\s+", r"(?P<named>(?:[\w+-]+\s+){0,2}?)") if described else ("", "")
        patterns.append(rf"(?<![\w.,-]){told[0]}{bound}{length}[\s-]+{told[1]}"
                        rf"(?:{alternation(qc.duration_after)})(?![\w-])")
    for p in patterns:
        m = re.search(p, q)
        if m and m.groupdict().get("named") and not _names_only(m.group("named")):
            continue  # "the one-year <condition> trial": told by more than its length and names
        if m and (days := _length_days(m, fc)) is not None:
            after = q[m.end():]
            said_bound = m.groupdict().get("at_least") or m.groupdict().get("at_most")
            how: RanBound = (
                "at_least" if m.groupdict().get("at_least") or _opens(after, qc.duration_at_least_after)
                else "at_most" if m.groupdict().get("at_most") or _opens(after, qc.duration_at_most_after)
                else "exact")
            if said_bound and qc.duration_strict and cue(qc.duration_strict).fullmatch(said_bound):
                how = "above" if how == "at_least" else "below"  # "longer than 3 years": not 3 years
            said = m.groupdict().get("qual")  # "lasted about a month": 4 weeks too ("only": no leeway)
            if how == "exact" and said and qc.duration_about and cue(qc.duration_about).fullmatch(said):
                days = (days[0] * (1 - qc.duration_leeway), days[1] * (1 + qc.duration_leeway))
            return days, how
    return None


def _names_only(text: str) -> bool:
    """Is the text nothing but nutrients' and forms' names ("<form>", "<nutrient> <letter><digit>")?"""
    rest = lexical_form(text)
    for pattern, _, _ in _name_patterns():
        rest = pattern.sub(" ", rest)
    return not rest.strip()


def _compared_doses(question: str, q: str, cues: StudyCues) -> tuple[tuple[float | None, float, str], ...]:
    """(Not asked of a follow-up's pinned finding: its doses describe the study pointed at.)
    The doses a question compares ("compare the two <form> doses 45 vs 1.5"): with a comparison
    cue, every dose it writes (a bare number: a dose of any unit; not a duration, a reference or a
    number inside a word), when there are two or more; else ()."""
    qc = cues.question
    if not qc.compare or not cue(qc.compare).search(q):
        return ()
    doses = parse_doses(question)
    out: list[tuple[float | None, float, str]] = [(d.micrograms, d.low, d.unit) for d in doses]
    taken = [(d.start, d.end) for d in doses]
    taken += [m.span() for m in re.finditer(_length_pattern(cues.finding), q)]
    for m in re.finditer(r"(?<![\w.,\[#-])\d+(?:\.\d+)?(?![\w\]%]|[.,]\d)", question):
        if not any(s <= m.start() < e for s, e in taken):
            out.append((None, float(m.group()), ""))
    return tuple(dict.fromkeys(out)) if len(set(out)) >= 2 else ()


def _description_tokens(text: str) -> set[str]:
    """The content words of a text, hyphenated words also split ("high-dose": "high", "dose")."""
    return set(content_tokens(text)) | set(content_tokens(text.replace("-", " ")))


@functools.lru_cache(maxsize=1024)
def _finding_words(text: str) -> frozenset[str]:
    """A finding's description words (read once per text: every question about one study compares
    its words with each finding's)."""
    return frozenset(_description_tokens(fold(text)))


def _units(lex: str, qc: QuestionCues) -> list[str]:
    """The units of amount the question names ("which used mg doses"), as a dose names them, in the
    order it names them; a unit it leaves out ("in mg rather than mcg") or asks the amounts in
    ("converted to mcg") is not one of them."""
    left_out = _excluded_spans(lex, qc)
    found: dict[str, int] = {}
    for canonical, start in _unit_mentions(lex):
        if not any(a <= start < b for a, b in left_out) and not _converted_at(lex, start, qc):
            found[canonical] = min(found.get(canonical, start), start)
    return sorted(found, key=found.__getitem__)


def _unit_mentions(lex: str) -> list[tuple[str, int]]:
    """Each unit of amount the (lexical) question names: its canonical unit and where."""
    return [(u.canonical, m.start()) for u in vocabulary().units for s in {u.token, *u.spellings}
            for m in re.finditer(rf"(?<![\w-]){re.escape(lexical_form(s).strip())}(?![\w-])", lex)]


def _converted_at(lex: str, start: int, qc: QuestionCues) -> bool:
    """Is the unit at ``start`` the one the findings' doses are asked in ("into mcg")?"""
    return bool(qc.converted_unit) and _ending_with(qc.converted_unit, r"\s+").search(lex[:start]) is not None


def _converted_unit(lex: str, qc: QuestionCues) -> bool:
    """Does the question ask the findings' doses in a unit ("into mcg", "converted to mg")?"""
    return any(_converted_at(lex, start, qc) for _, start in _unit_mentions(lex))


@functools.lru_cache(maxsize=1)
def _unit_words() -> frozenset[str]:
    """Every unit's spellings as the question's words (a unit is never a population)."""
    return frozenset(t for u in vocabulary().units for s in {u.token, *u.spellings}
                     for t in tokens(lexical_form(s)))


# --------------------------------------------------------------------------- answers


@dataclass
class StudySelection:
    """What a query picks from the records: the findings to state (in order), the dose that decided
    an extreme, and whether the selection answers the question (an empty but certain answer does)."""

    records: list[StudyRecord] = field(default_factory=list)
    doses: dict[str, StudyDose] = field(default_factory=dict)
    #: findings whose dose could not be compared by mass (IU without a known factor)
    uncomparable: list[StudyRecord] = field(default_factory=list)
    #: findings reported beside the others (harm, when the question asks for no benefit)
    also: list[StudyRecord] = field(default_factory=list)
    answered: bool = False
    what: str = ""
    #: several kinds of result asked each as which: each kind's lead and its findings (in order)
    groups: list[tuple[str, list[StudyRecord]]] = field(default_factory=list)
    #: the findings that name their population, when none is in the population asked about
    populations: list[StudyRecord] = field(default_factory=list)
    #: of findings that fit a study described equally well, what those that leave out the detail
    #: asked do not state (by chunk id)
    unstated: dict[str, str] = field(default_factory=dict)


#: at most this many findings answer "the <detail> of <nutrient> in the <...> study" when no one
#: finding fits the description but these name <nutrient>
MAX_ABOUT = 3
#: what each point of :func:`_tie_break` adds to a finding's score: only enough to tell apart two
#: findings the question's words describe equally (a score is a sum of word weights, each at least
#: log 2, so a few points never outweigh a word)
TIE_BREAK = 1e-4

#: a finding written again in a conversation's history (a caller's own copy of an earlier answer,
#: shortened or reworded) is that finding when this close to its text (rapidfuzz ratio, 0..100) and
#: no other finding is as close
NEAR_COPY = 90


def finding_written(words: str, records: Sequence[StudyRecord]) -> StudyRecord | None:
    """The finding ``words`` write (a finding an earlier answer cited, pinned to a follow-up): the
    one whose text they begin, else the one they nearly copy; None when none (or two) fit."""
    folded = fold(words).strip()
    if not folded:
        return None  # no words write a finding
    if begun := [r for r in records if fold(r.text).startswith(folded)]:
        return begun[0]
    near = sorted(((fuzz.ratio(folded, fold(r.text)), i) for i, r in enumerate(records)), reverse=True)
    if not near or near[0][0] < NEAR_COPY or (len(near) > 1 and near[1][0] >= NEAR_COPY):
        return None
    return records[near[0][1]]


def select_studies(query: StudyQuery, records: Sequence[StudyRecord],
                   supplement: str | None = None) -> StudySelection:
    """The findings that answer ``query`` among ``records`` (those of ``supplement`` if given)."""
    scoped = [r for r in records if supplement is None or r.supplement == supplement]
    if not scoped:
        return StudySelection()
    if query.claim is not None:
        return _by_claim(query.claim, scoped)
    if query.ref is not None:
        hit = [r for n in query.numbers for r in scoped if r.ref == n]
        gap = _detail_gap(query, hit[0]) if len(hit) == 1 else None
        return StudySelection(records=hit, answered=bool(hit), what=gap or "")
    if query.detail is not None:  # the one finding described, and what it does not state of the detail
        ranked = _ranked(query, scoped)  # (read once: the one described, else those tied or named)
        one = _best_of(ranked)
        if (one is None and (query.about or query.forms)
                and 0 < len(named := _about_pool(query, scoped)) <= MAX_ABOUT
                and (described := _ranked(replace(query, about=(), forms=()), scoped))  # a study so
                and _described_less(ranked, described[0][1])):  # described is here
            # "what dose of <form> did the <...> trial give" ("how long did the <...> trial with <form>
            # run") when no such trial names <form> (a follow-up that swapped the form): the findings
            # that do name it, each with its own
            return StudySelection(records=named, answered=True)
        if one is None and (tied := _tied(query, ranked)):
            return tied  # "how many were in the <...> study", two findings so described
        gaps = [g for k in (query.detail, *query.also_details)
                if one is not None and (g := _detail_gap(_one_detail(query, k), one))]
        dc = study_cues().question.details.get(query.detail)
        if one is None or not (gaps or (dc is not None and dc.answer_stated)):
            return StudySelection()
        return StudySelection(records=[one], answered=True, what=" or ".join(dict.fromkeys(gaps)))
    if query.compared:
        return _compared(query, scoped)
    if query.whom and _asks_population_only(query) and query.direction is None and query.length is None:
        pool = [r for r in _named_pool(query, scoped) if r.population]
        return StudySelection(answered=bool(pool), populations=pool)
    if query.then is not None:
        return _both_ends(query, scoped)
    if query.direction is not None:
        return _extreme(query, scoped)
    if query.length is not None:
        return _longest(query, scoped)
    return _filtered(query, scoped)


def _tied(query: StudyQuery, ranked: Sequence[tuple[StudyRecord, float]]) -> StudySelection | None:
    """The few findings the question's words describe equally well (its best, of ``ranked``: see
    :func:`_ranked`), when some leave the one study detail asked (the cues' ``details``) unstated:
    each is stated, with what none of them says (the same unstated of each), else (of a study the
    turn names itself) with what each that leaves it out does not say ("how long did the <...>
    study run?" of a finished study and a trial still running that are both so described). When
    each states it, the passages answer."""
    dc = study_cues().question.details.get(query.detail or "")
    if query.also_details or dc is None:
        return None  # (a word the page never uses is no detail of a study: its own answer says so)
    top = ranked[0][1] if ranked else 0.0
    tied = [r for r, score in ranked if top > 0 and math.isclose(score, top)]
    if not 1 < len(tied) <= MAX_ABOUT:
        return None
    gaps = {r.chunk_id: gap for r in tied if (gap := _detail_gap(query, r))}
    if len(gaps) == len(tied) and len(set(gaps.values())) == 1:
        return StudySelection(records=tied, answered=True, what=next(iter(gaps.values())))
    if not gaps or not query.names_study:
        return None  # some state it: only of a study the turn names ("the <...> study")
    return StudySelection(records=tied, answered=True, unstated=gaps)


def _described_less(ranked: Sequence[tuple[StudyRecord, float]], best: float) -> bool:
    """Are the findings naming what was asked described by none of the question's words, or less
    well than a finding that does not name it (the question's best)?"""
    top = max((score for _, score in ranked), default=0.0)  # (a tie-break's share is no description:
    return top < 2 * TIE_BREAK or top < best - 10 * TIE_BREAK  # a dose's point alone, a few at most)


def _each_end(query: StudyQuery) -> list[StudyQuery]:
    """A question for both ends as one question for each, in its order."""
    assert query.then is not None
    if query.direction is not None:
        return [replace(query, then=None), replace(query, direction=query.then, then=None)]
    return [replace(query, then=None), replace(query, length=query.then, then=None)]


def _both_ends(query: StudyQuery, scoped: Sequence[StudyRecord]) -> StudySelection:
    """The findings of each end asked (answered only when each is)."""
    sels = [select_studies(q, scoped) for q in _each_end(query)]
    if not all(s.answered for s in sels):
        return StudySelection()
    out = StudySelection(answered=True)
    for s in sels:
        out.records += [r for r in s.records if r not in out.records]
        out.uncomparable += [r for r in s.uncomparable if r not in out.uncomparable]
        out.doses.update(s.doses)
    return out


def _named_pool(query: StudyQuery, scoped: Sequence[StudyRecord], *,
                given: bool = False) -> list[StudyRecord]:
    """The findings of the supplement (nutrient) the question names, with the form it names; with
    ``given``, also those that gave the nutrient named with their own ("the study that got <own
    nutrient> plus <another>" describes one finding by both)."""
    pool = list(scoped)
    if query.nutrients:
        own = {r.chunk_id: ({(r.nutrient or "").casefold(), (r.primary or "").casefold()}
                            | (r.names() if given else set())) - {""} for r in pool}
        asked = [n.casefold() for n in query.nutrients]
        pool = [r for r in pool
                if any(_covers(n, x) or _covers(x, n) for n in asked for x in own[r.chunk_id])]
    if query.forms:
        pool = [r for r in pool if {f.casefold() for f in query.forms} & {f.casefold() for f in r.forms}]
    return pool


def _compared(query: StudyQuery, scoped: Sequence[StudyRecord]) -> StudySelection:
    """The findings of the doses compared, in the question's order: each dose written with a unit
    must be some finding's; a bare number counts when it is some finding's dose; at least two."""
    excluded = {x.casefold() for x in query.excluded}
    pool = [r for r in _named_pool(query, scoped) if not r.names() & excluded]
    chosen: list[StudyRecord] = []
    for asked in query.compared:
        hits = [r for r in pool if any(_same_dose(asked, d.dose) for d in r.doses if d.comparable)]
        if not hits and asked[2]:
            return StudySelection()  # a dose no finding gives: the records do not answer it
        chosen.extend(r for r in hits if r not in chosen)
    if len(chosen) < 2:
        return StudySelection()
    return StudySelection(records=chosen, answered=True, what=COMPARED_WORDS)


#: the share of a claim's words a sentence must hold to be the one that states it
CLAIM_MATCH = 0.6


def _by_claim(claim: str, scoped: Sequence[StudyRecord]) -> StudySelection:
    """The findings behind a claim: the finding that states it, or those the prose sentence that
    states it cites (the sentence holding most of the claim's words, at least ``CLAIM_MATCH``)."""
    qc = study_cues().question
    wanted = _description_tokens(fold(claim))
    if not wanted:
        return StudySelection()

    def share(text: str) -> float:
        words = _description_tokens(fold(_CITE_MARK.sub(" ", text)))
        return sum(_has_word(w, words, qc) for w in wanted) / len(wanted)

    score = {r.chunk_id: max([share(r.text), *(share(c.text) for c in r.cited_by)]) for r in scoped}
    best = max(score.values(), default=0.0)
    if best < CLAIM_MATCH:
        return StudySelection()
    return StudySelection(records=[r for r in scoped if math.isclose(score[r.chunk_id], best)], answered=True)


def _about_pool(query: StudyQuery, scoped: Sequence[StudyRecord]) -> list[StudyRecord]:
    """The findings of the supplement the question names; with "the dose of <nutrient>", those
    that name <nutrient>. A nutrient the question names describes the study if it gave it."""
    pool = _named_pool(query, scoped, given=True)
    if query.about:  # "the dose of <nutrient> in the <...> study": a study that names <nutrient>
        asked = [a.casefold() for a in query.about]
        pool = [r for r in pool if any(_covers(a, x) or _covers(x, a) for a in asked
                                       for x in r.names() | {(r.primary or "").casefold()} if x)]
    return list(pool)


def _one_study(query: StudyQuery, scoped: Sequence[StudyRecord]) -> StudyRecord | None:
    """The one finding the question describes: of the supplement it names, with the form, dose and
    duration it names, and the most (and rarest) of its words; None when two describe it as well."""
    return _best_of(_ranked(query, scoped))


def _best_of(ranked: Sequence[tuple[StudyRecord, float]]) -> StudyRecord | None:
    """The first of findings ranked best first (:func:`_ranked`), unless the next is as good."""
    if not ranked or (len(ranked) > 1 and math.isclose(ranked[0][1], ranked[1][1])):
        return None
    return ranked[0][0]


def _ranked(query: StudyQuery, scoped: Sequence[StudyRecord]) -> list[tuple[StudyRecord, float]]:
    """The findings the question may describe, each with how well its words describe it, best first:
    those of the supplement it names, with the form, dose and duration it names, scored by the most
    (and rarest) of its words (those none of its words describe are left out, unless a form, dose,
    duration or ages describe them), with a tie-break's small share beside (:func:`_tie_break`)."""
    pool = _about_pool(query, scoped)
    given = {r.chunk_id: _given(query, r) for r in pool} if query.doses else {}  # (read once per finding)
    if query.doses:
        pool = [r for r in pool if given[r.chunk_id] >= 0]
    if query.duration_days is not None:
        low, high = query.duration_days
        pool = [r for r in pool if r.duration_days is not None
                and r.duration_days[0] - 1e-9 <= high and low <= r.duration_days[1] + 1e-9]
    if query.ages is not None:
        pool = _by_ages(query.ages, pool)
    qc = study_cues().question
    words = {r.chunk_id: _finding_words(r.text) for r in scoped}
    has = {(r.chunk_id, t): _has_word(t, words[r.chunk_id], qc) for r in scoped for t in query.words}
    df = {t: sum(has[r.chunk_id, t] for r in scoped) for t in query.words}
    weight = {t: math.log(1 + len(scoped) / df[t]) if df[t] else 0.0 for t in query.words}
    # the words of one group of people count once ("pregnant" and "maternal" are one description)
    groups = _word_groups(query.words, qc)
    score = {r.chunk_id: math.fsum(max((weight[t] for t in g if has[r.chunk_id, t]), default=0.0)
                                   for g in groups) for r in pool}
    hard = bool(query.forms or query.doses or query.duration_days or query.ages)
    ranked = sorted(pool, key=lambda r: score[r.chunk_id], reverse=True)
    return [(r, score[r.chunk_id] + TIE_BREAK * _tie_break(r, groups, qc, given.get(r.chunk_id, 0)))
            for r in ranked if hard or score[r.chunk_id] > 0]


def _tie_break(r: StudyRecord, groups: Sequence[frozenset[str]], qc: QuestionCues, given: int) -> int:
    """What tells apart findings the question's words describe equally: how many of its words the
    finding's outcome holds (the one that measured a word is "the <outcome> study", not one whose
    people are so described, "in patients with high <outcome>"; a trial still running has no outcome
    yet: what it compares is its design), and whether it gave a dose the question names as an amount
    (``given``: :func:`_given`, 0 when no dose is named)."""
    measured = _finding_words(r.outcome or "") if r.result != "ongoing" else frozenset()
    outcome = sum(any(_has_word(t, measured, qc) for t in g) for g in groups)
    return outcome + max(given, 0)


def _given(query: StudyQuery, r: StudyRecord) -> int:
    """How plainly the finding gives a dose the question names: 1 as an amount given, 0 only as
    another figure ("above <x> g/day", a threshold), -1 not at all. Of findings the words describe
    equally, "the <x> g trial" is one that gave <x> g."""
    return max((1 if d.comparable else 0 for d in r.doses if any(_same_dose(q, d.dose) for q in query.doses)),
               default=-1)


def _word_groups(words: Sequence[str], qc: QuestionCues) -> list[frozenset[str]]:
    """The words describing a study, those of one group of people (study_cues ``population_groups``)
    together, each other word by itself."""
    groups = [found for g in _population_tokens(qc) if (found := g & set(words))]
    grouped = frozenset().union(*groups)
    return [*groups, *(frozenset([t]) for t in words if t not in grouped)]


def words_held(query: StudyQuery, record: StudyRecord) -> int:
    """How many of the words describing one study the finding holds (to tell which monograph's
    finding a question describes, when each has one that fits)."""
    held = _finding_words(record.text)
    return sum(_has_word(t, held, study_cues().question) for t in query.words)


def age_distance(query: StudyQuery, record: StudyRecord) -> float:
    """How far the finding's population's ages are from those the question asks (0 when it asks
    none; infinite when the finding states no ages that overlap): "the study in people over 80" is
    the one in people aged 80 and older, not one in people aged 70 and older."""
    return 0.0 if query.ages is None else _nearest_ages(query.ages, record)


def _nearest_ages(asked: tuple[float, float], record: StudyRecord) -> float:
    """The distance of the finding's nearest stated ages from those asked (infinite: none overlap)."""
    return min((d for a in _population_ages(record.population or "")
                if (d := _age_distance(asked, a)) is not None), default=math.inf)


def _by_ages(asked: tuple[float, float], pool: Sequence[StudyRecord]) -> list[StudyRecord]:
    """The findings whose population's ages overlap those asked, the nearest of them."""
    near = {r.chunk_id: d for r in pool if math.isfinite(d := _nearest_ages(asked, r))}
    best = min(near.values(), default=None)
    return [r for r in pool if best is not None and math.isclose(near.get(r.chunk_id, math.inf), best)]


def _amounts(r: StudyRecord, fc: FindingCues) -> list[tuple[float | None, float, str]]:
    """Every amount a finding gives (µg or None, value, unit): each comparable dose (both ends of a
    range), and the total of doses written as parts of one ("2 g <A> plus 1 g <B>": 3 g)."""
    doses = [d for d in r.doses if d.comparable]
    out = [(d.micrograms, d.dose.low, d.dose.unit) for d in doses]
    out += [(d.high_micrograms, d.dose.high, d.dose.unit) for d in doses if d.dose.high is not None]
    joins = cue(fc.dose_sum) if fc.dose_sum else None
    total: float | None = None
    for a, b in itertools.pairwise(doses):
        between = fold(r.text[a.dose.end:b.dose.start])
        apart = bool(re.search(r"[,;()]|\bor\b", between)) or len(between.split()) > 2 * fc.dose_sum_gap + 1
        joined = joins is not None and bool(joins.search(between)) and not apart
        if joined and a.micrograms is not None and b.micrograms is not None:
            total = (total if total is not None else a.micrograms) + b.micrograms
            out.append((total, total, "µg"))
        else:
            total = None
    return out


def _gives(r: StudyRecord, query: StudyQuery, cues: StudyCues) -> bool:
    """Does the finding give a dose asked (by mass; approximate: within the tolerance)?"""
    tol = cues.question.approximate_tolerance if query.approximate else 1e-9
    for ug, value, unit in query.given:
        for a_ug, a_value, a_unit in _amounts(r, cues.finding):
            if ug is not None and a_ug is not None:
                if abs(a_ug - ug) <= tol * ug:
                    return True
            elif unit == a_unit and abs(a_value - value) <= tol * value:
                return True
    return False


def _none_gave(query: StudyQuery, scoped: Sequence[StudyRecord]) -> bool:
    """Is "no finding gave the dose asked" the answer? Only when the question asks it of the
    findings by name, of a monograph whose findings name the nutrient or form asked (if one is), and
    no finding of that nutrient has a range that holds it ("100–200 μg" holds 150 μg)."""
    names = [n.casefold() for n in (*query.nutrients, *query.forms)]
    own = [r for r in scoped
           if not names or any(_covers(n, x) or _covers(x, n) for x in r.names() for n in names)]
    return query.names_findings and bool(own) and not any(_within_range(r, query) for r in own)


def _within_range(r: StudyRecord, query: StudyQuery) -> bool:
    """Does one of the finding's dose ranges hold a dose asked (by mass, or in the same unit)?"""
    for ug, value, unit in query.given:
        for sd in r.doses:
            d = sd.dose
            if d.high is None:
                continue
            if ug is not None and d.micrograms is not None and d.high_micrograms is not None:
                if d.micrograms <= ug <= d.high_micrograms:
                    return True
            elif unit == d.unit and d.low <= value <= d.high:
                return True
    return False


def _same_dose(asked: tuple[float | None, float, str], d: Dose) -> bool:
    """Is ``d`` the dose asked (by mass; a bare number, unit "": by the number as written)?"""
    ug, value, unit = asked
    if not unit:
        return math.isclose(value, d.low) or (d.high is not None and math.isclose(value, d.high))
    if ug is not None and d.micrograms is not None:
        return math.isclose(ug, d.micrograms, rel_tol=1e-9) or (
            d.high_micrograms is not None and math.isclose(ug, d.high_micrograms, rel_tol=1e-9))
    return unit == d.unit and (math.isclose(value, d.low)
                               or (d.high is not None and math.isclose(value, d.high)))


def _one_detail(query: StudyQuery, kind: str) -> StudyQuery:
    """The query asking one of its details alone (the names a detail is of stay: "which form of
    <nutrient>"); the choices stay with the detail asking which form (the first, when none does)."""
    details = study_cues().question.details
    form_kinds = [k for k in (query.detail, *query.also_details) if (dc := details.get(k or "")) is not None
                  and dc.record_field == "forms"]
    own = kind in form_kinds or (not form_kinds and kind == query.detail)
    return replace(query, detail=kind, also_details=(), choices=query.choices if own else ())


def _detail_gap(query: StudyQuery, r: StudyRecord, cues: StudyCues | None = None) -> str | None:
    """What the finding does not state of the detail asked (the words for "does not state ..."), or
    None when it states it (or no detail is asked)."""
    qc = (cues or study_cues()).question
    if query.detail is None:
        return None
    if query.detail in (UNMENTIONED, FINDING_GAP):
        says = qc.unmentioned_says if query.detail == UNMENTIONED else qc.finding_gap_says
        return says.format(words=" or ".join(query.unmentioned))
    if query.detail == "cotreatment":
        own = r.names() | {(r.primary or "").casefold()}
        asked = [n for n in (*query.nutrients, *query.forms)
                 if not any(_covers(n.casefold(), x) or _covers(x, n.casefold()) for x in own if x)]
        if not asked:
            return None
        if any(ch.isdigit() for n in asked for ch in n):  # a name's number would be no number of the finding
            return qc.cotreatment_unnamed
        return qc.cotreatment_says.format(name=" or ".join(asked))
    dc = qc.details.get(query.detail)
    if dc is None:
        return None
    # "which kind of <nutrient>" of a finding that names a kind of it ("<nutrient> <n>") is stated
    named_kind = dc.record_field == "forms" and any(
        _covers(a.casefold(), x) and a.casefold() != x for a in query.about for x in r.names())
    stated = (named_kind or _states(r, dc.record_field, query.about)
              or bool(dc.stated and cue(dc.stated).search(fold(r.text)))
              or any(_names_choice(r, c) for c in query.choices) or bool(citing_detail(query, r)))
    if stated:
        return None
    if "{name}" not in dc.says:
        return dc.says
    return dc.says.format(name=" or ".join(query.about)) if query.about else (dc.says_unnamed or dc.says)


def citing_detail(query: StudyQuery, r: StudyRecord) -> list[Citing]:
    """The prose sentences citing the finding that state the detail asked when the finding itself
    does not ("... between the <form> and placebo groups [2]" for whether it had a placebo)."""
    dc = study_cues().question.details.get(query.detail or "")
    if dc is None or not dc.stated or cue(dc.stated).search(fold(r.text)):
        return []
    return [c for c in r.cited_by if cue(dc.stated).search(fold(_CITE_MARK.sub(" ", c.text)))]


def _names_choice(r: StudyRecord, choice: str) -> bool:
    """Does the finding name a choice asked between (every content word of it)?"""
    qc = study_cues().question
    words = _finding_words(r.text)
    wanted = _description_tokens(fold(choice))
    return bool(wanted) and all(_has_word(w, words, qc) for w in wanted)


def _states(r: StudyRecord, record_field: str | None, about: Sequence[str]) -> bool:
    """Does the record's field state the detail (of the names asked about, if any)?"""
    if record_field is None:
        return False
    asked = [a.casefold() for a in about]
    if record_field == "doses":
        return any(not asked or any(_covers(a, d.nutrient) or _covers(d.nutrient.casefold(), a)
                                    or a == (d.form or "").casefold() for a in asked) for d in r.doses)
    if record_field == "forms":
        owner = _form_owners()
        return any(not asked or any(a == f.casefold() or _covers(a, owner.get(f.casefold(), ""))
                                    or _covers(owner.get(f.casefold(), "").casefold(), a) for a in asked)
                   for f in r.forms)
    return getattr(r, record_field) is not None


@functools.lru_cache(maxsize=1)
def _form_owners() -> dict[str, str]:
    """Each vocabulary form (casefolded) and the nutrient it is a form of."""
    return {f.name.casefold(): n.name for n in vocabulary().nutrients for f in n.forms}


def _wanted_dose(query: StudyQuery, d: StudyDose, primary: str | None) -> bool:
    names = {d.nutrient.casefold(), (d.form or "").casefold()}
    if names & {x.casefold() for x in query.excluded}:
        return False
    if query.forms:
        return (d.form or "").casefold() in {f.casefold() for f in query.forms}
    wanted = list(query.nutrients) or [primary or d.nutrient]
    return any(_covers(n, d.nutrient) for n in wanted)


def names_nutrient(record: StudyRecord, nutrient: str) -> bool:
    """Does the finding name the nutrient, a numbered kind of it, or its general name (a finding on
    "vitamin K and D" names the "vitamin D<n>" a product holds)?"""
    return any(_covers(nutrient, n) or _covers(n, nutrient) for n in record.names())


def _covers(named: str, nutrient: str) -> bool:
    """Is ``nutrient`` the nutrient named, or a numbered kind of it (a question's general name for
    the monograph's own: the vocabulary's "vitamin X" covers "vitamin X3")?"""
    a, b = named.casefold(), nutrient.casefold()
    return a == b or (b.startswith(a) and re.fullmatch(r"\d", b[len(a):]) is not None)


def _extreme(query: StudyQuery, scoped: Sequence[StudyRecord]) -> StudySelection:
    """The findings with the largest (smallest) dose of the nutrient (form) asked about (every
    finding by its dose, for a ranking: among those that pass the question's other filters)."""
    what = ""
    if query.ranked:
        among = _filtered(replace(query, direction=None, ranked=False), scoped)
        if among.what and not among.answered:
            return StudySelection()
        scoped = among.records if among.what else scoped
    elif (words := _unnamed(query.population)) or query.population_groups or query.ages or query.results:
        # "the highest dose in pregnant women", "in people with <condition>", "the smallest dose that
        # showed a benefit": among those findings, never the highest dose given to anyone else (none
        # such: no answer from the findings); the words of a population that name the supplement ("in
        # the <nutrient> studies") name no people
        people = bool(words or query.population_groups or query.ages)
        among = _filtered(StudyQuery(population=words, population_groups=query.population_groups,
                                     forms=query.forms, excluded=query.excluded,
                                     population_not=query.population_not if people else (),
                                     ages=query.ages, results=query.results), scoped)
        if not (scoped := among.records):
            return StudySelection()
        what = among.what
    pool: list[tuple[StudyRecord, StudyDose, float]] = []
    uncomparable: list[StudyRecord] = []
    for r in scoped:
        for d in r.doses:
            if not d.comparable or not _wanted_dose(query, d, r.primary) or (query.daily and not d.daily):
                continue
            value = (d.high_micrograms or d.micrograms) if query.direction == "max" else d.micrograms
            if value is None:
                if r not in uncomparable:
                    uncomparable.append(r)
                continue
            pool.append((r, d, value))
    if not pool:
        return StudySelection(uncomparable=uncomparable, answered=bool(uncomparable))
    if query.ranked:  # every finding by its dose, the end asked first
        return _ranked_doses(pool, query.direction == "max", uncomparable)
    target = (max if query.direction == "max" else min)(v for _, _, v in pool)
    sel = StudySelection(uncomparable=uncomparable, answered=True, what=what)
    for r, d, v in pool:
        if math.isclose(v, target, rel_tol=1e-9) and r.chunk_id not in sel.doses:
            sel.records.append(r)
            sel.doses[r.chunk_id] = d
    return sel


def _ranked_doses(pool: Sequence[tuple[StudyRecord, StudyDose, float]], highest_first: bool,
                  uncomparable: list[StudyRecord]) -> StudySelection:
    """Each finding once, by the dose of it that ranks it (its largest for a ranking from the
    highest, its smallest for one from the lowest)."""
    best: dict[str, tuple[StudyRecord, StudyDose, float]] = {}
    for r, d, v in pool:
        held = best.get(r.chunk_id)
        if held is None or (v > held[2] if highest_first else v < held[2]):
            best[r.chunk_id] = (r, d, v)
    ordered = sorted(best.values(), key=lambda x: x[2], reverse=highest_first)
    return StudySelection(records=[r for r, _, _ in ordered], doses={r.chunk_id: d for r, d, _ in ordered},
                          uncomparable=uncomparable, answered=True)


def _longest(query: StudyQuery, scoped: Sequence[StudyRecord]) -> StudySelection:
    """The findings that ran longest (shortest), among those that pass the question's other filters:
    the high end of a range counts for the longest, the low end for the shortest."""
    among = _filtered(replace(query, length=None), scoped)
    excluded = {x.casefold() for x in query.excluded}
    kept = [r for r in scoped if not r.names() & excluded]  # "the longest <x> (not <y>) trial"
    pool = [r for r in (among.records if among.what else kept) if r.duration_days is not None]
    if not pool or (among.what and not among.answered):
        return StudySelection()
    end = 1 if query.length == "max" else 0
    length = [(r, r.duration_days[end]) for r in pool if r.duration_days is not None]
    if query.ranked:  # every finding that says how long it ran, the end asked first
        return StudySelection(records=[r for r, _ in sorted(length, key=lambda x: x[1],
                                                              reverse=query.length == "max")], answered=True)
    target = (max if query.length == "max" else min)(v for _, v in length)
    return StudySelection(records=[r for r, v in length if math.isclose(v, target, rel_tol=1e-9)],
                          answered=True)


def _filtered(query: StudyQuery, scoped: Sequence[StudyRecord]) -> StudySelection:
    """The findings that pass every filter the question names (and the words for the lead)."""
    chosen = list(scoped)
    what: list[str] = []
    left_some_out = False
    excluded = {x.casefold() for x in query.excluded}
    if excluded:
        kept = [r for r in chosen if (r.nutrient or "").casefold() not in excluded
                and not ({f.casefold() for f in r.forms} & excluded)]
        left_some_out = len(kept) < len(chosen)
        chosen = kept
    chosen = _by_names(query, scoped, chosen, what)
    if query.ran_days is not None:
        chosen = [r for r in chosen if _ran(r, query)]
        what.append(DURATION_WORDS)
    if query.unit:
        chosen = [r for r in chosen if any(d.comparable and d.dose.unit == query.unit for d in r.doses)]
        what.append(f"with a dose in {query.unit}")
    if query.dose_bound is not None:
        chosen = _bounded(query, chosen)
        what.append(BOUND_WORDS.format(how=query.dose_bound[0]))
    if query.given:  # a dose no finding gives: the records do not answer it
        if not any(_gives(r, query, study_cues()) for r in scoped):
            return StudySelection(answered=_none_gave(query, scoped), what=GIVEN_WORDS)
        chosen = [r for r in chosen if _gives(r, query, study_cues())]
        what.append(GIVEN_WORDS)
    people = _by_people(query, scoped, chosen, what)
    if isinstance(people, StudySelection):
        return people
    chosen, certain = people
    if query.population_not:  # "women who weren't anaemic": no finding in people with anaemia
        qc = study_cues().question
        chosen = [r for r in chosen if r.population and not any(
            _has_word(t, population_words(r.population), qc) for t in query.population_not)]
        what.append("in the population asked about" if not query.population else "")
    if query.without:
        left_out = {x.casefold() for x in query.without}
        chosen = [r for r in chosen if not any(_covers(x, n) for x in left_out for n in r.names())]
        what.append("without " + " or ".join(query.without))
    chosen = _by_topics(query, chosen, what)
    if left_some_out and not any(what) and not query.results:  # leaving some out is all it asks of them
        what.append(LEFT_OUT_WORDS.format(names=" and ".join(query.excluded)))
    return _by_result(query, chosen, what, certain)


def _by_names(query: StudyQuery, scoped: Sequence[StudyRecord], chosen: list[StudyRecord],
              what: list[str]) -> list[StudyRecord]:
    """The findings that used the forms asked and name the other nutrients asked (each monograph's
    own nutrient is no filter; a general name covers its numbered kinds: "vitamin <L>" names "vitamin
    <L><n>"); when the question compares them (``either``), those of any of them, the monograph's own
    nutrient a name too ("the <other nutrient> studies vs the <own nutrient> ones")."""
    wanted = {f.casefold() for f in query.forms}
    own = {r.primary for r in scoped if r.primary}
    other = [n for n in query.nutrients if query.either or not any(_covers(n, p) for p in own)]

    def used(r: StudyRecord) -> bool:
        return bool(wanted & {f.casefold() for f in r.forms})

    def names(r: StudyRecord) -> bool:
        return any(_covers(n, x) for n in other for x in r.names())

    if query.either and wanted and other:
        what.append("that used " + " or ".join([*query.forms, *other]))
        return [r for r in chosen if used(r) or names(r)]
    if wanted:
        chosen = [r for r in chosen if used(r)]
        what.append("that used " + " or ".join(query.forms))
    if other:
        chosen = [r for r in chosen if names(r)]
        what.append("with " + " or ".join(other))
    return chosen


def _by_people(query: StudyQuery, scoped: Sequence[StudyRecord], chosen: list[StudyRecord],
               what: list[str]) -> tuple[list[StudyRecord], bool] | StudySelection:
    """The findings in the people asked about (their words, their ages), and whether any finding
    names them; a selection of its own when the question asks nothing but whom and none does
    ("were any of the studies in <people>?": none is, and whom they were in)."""
    certain = True
    if query.population:
        pops = [population_words(r.population) for r in scoped if r.population]
        missing = [g for g in query.population_groups if not any(set(g) & p for p in pops)]
        matched = [] if missing else _by_population(query.population, scoped)  # none "in pregnancy"
        # "were any of the studies in <people>?" asks nothing else: none is, and whom they were in
        if missing and _asks_population_only(query):
            return _whom_instead(chosen)
        certain = bool(matched)
        chosen = [r for r in chosen if r in matched]
        what.append("in the population asked about")
    if query.ages is not None and query.detail is None and not query.population:  # "people over 85":
        # every finding whose stated ages overlap (people named too: their words choose, as they did)
        aged = [r for r in scoped if math.isfinite(_nearest_ages(query.ages, r))]
        if not aged and _asks_population_only(query):
            return _whom_instead(chosen)
        certain = certain and bool(aged)
        chosen = [r for r in chosen if r in aged]
        what.append("in the population asked about")
    return chosen, certain


def _whom_instead(chosen: Sequence[StudyRecord]) -> StudySelection:
    """No finding is in the people asked about (a question that asks nothing else): whom they were in."""
    return StudySelection(answered=True, what="names the population asked about",
                          populations=[r for r in chosen if r.population])


def _asks_population_only(query: StudyQuery) -> bool:
    """Does the question filter the findings by nothing but whom they were in (and the supplement
    or form)?"""
    return not (query.ran_days is not None or query.unit or query.dose_bound is not None or query.given
                or query.topics or query.not_topics or query.results or query.without or query.population_not)


def _by_topics(query: StudyQuery, chosen: list[StudyRecord], what: list[str]) -> list[StudyRecord]:
    """The findings on the topics asked and on none left out (the lead's words added to ``what``)."""
    if not (query.topics or query.not_topics):
        return chosen
    topics = study_cues().question.topics
    chosen = [r for r in chosen if (not query.topics or any(cue(topics[n]).search(fold(r.text))
                                                             for n in query.topics))
              and not any(cue(topics[n]).search(fold(r.text)) for n in query.not_topics)]
    if query.topics:
        what.append("on " + " or ".join(query.topics))
    if query.not_topics:
        what.append("not on " + " or ".join(query.not_topics))
    return chosen


def _by_result(query: StudyQuery, chosen: list[StudyRecord], what: list[str],
               certain: bool) -> StudySelection:
    """The findings (that passed the other filters) of the kind of result asked; several kinds: each
    kind's findings as a group, said as which."""
    if len(query.results) > 1:
        lead = [w for w in what if w]
        groups = [(" and ".join([*lead, RESULT_WORDS[k]]), [r for r in chosen if r.result in _kinds(k)])
                  for k in query.results]
        listed = [r for _, rs in groups for r in rs]
        return StudySelection(records=list(dict.fromkeys(listed)), answered=certain, what=groups[0][0],
                              groups=groups)
    also: list[StudyRecord] = []
    if query.results:
        also = [r for r in chosen if "null" in query.results and r.result == "harm"]
        chosen = [r for r in chosen if r.result in _kinds(query.results[0])]
        what.append(RESULT_WORDS[query.results[0]])
    if not what and not query.converted:
        return StudySelection()
    what = [w for w in what if w] or [EVERY_WORDS]  # "the doses into mcg": every finding, each converted
    return StudySelection(records=chosen, also=also, answered=certain, what=" and ".join(what))


def _people_terms(population: Sequence[str]) -> tuple[str, ...]:
    """The terms of a population asked about but units ("doses in milligrams"); none when they are
    only names of nutrients or forms ("in the <nutrient> studies" names no people)."""
    terms = tuple(t for t in population if t not in _unit_words())
    return terms if _unnamed(terms) else ()


def _unnamed(population: Sequence[str]) -> tuple[str, ...]:
    """The words of a population asked about that are no name of a nutrient or form ("<supplement>"
    in "the <supplement> trials in people with <condition>")."""
    joined = " ".join(population)
    for pattern, _, _ in _name_patterns():
        joined = pattern.sub(" ", joined)
    left = set(joined.split())
    return tuple(t for t in population if t in left)


def _kinds(asked: str) -> frozenset[str]:
    return ASKED_KINDS.get(asked, frozenset({asked}))


def _ran(r: StudyRecord, query: StudyQuery) -> bool:
    """Did the finding run as long as asked (in days; a range: either end; 0.1% leeway)?"""
    if r.duration_days is None or query.ran_days is None:
        return False
    (low, high), (qlow, qhigh) = r.duration_days, query.ran_days
    slack = 1e-3 * max(high, qhigh)
    if query.ran_bound == "at_least":
        return high >= qlow - slack
    if query.ran_bound == "above":
        return high > qlow + slack
    if query.ran_bound == "at_most":
        return low <= qhigh + slack
    if query.ran_bound == "below":
        return low < qhigh - slack
    return low - slack <= qhigh and qlow <= high + slack


def population_words(population: str) -> frozenset[str]:
    """The words of a finding's population, as tokens, and the parts of its hyphenated words
    ("statin-treated patients" holds "statin": asked "in people on statins", it is theirs)."""
    words = frozenset(tokens(lexical_form(population)))
    return words | frozenset(t for w in words if "-" in w for t in tokens(lexical_form(w.replace("-", " "))))


def _by_population(terms: Sequence[str], records: Sequence[StudyRecord]) -> list[StudyRecord]:
    """The findings whose population best matches the words asked about: each word weighs by how
    rare it is among the populations; those scoring at least half the best score are kept."""
    pops = {r.chunk_id: population_words(r.population) for r in records if r.population}
    n = len(pops)
    if not n:
        return []
    df = {t: sum(t in p for p in pops.values()) for t in set(terms)}
    score = {cid: math.fsum(math.log(1 + n / df[t]) for t in set(terms) if df[t] and t in p)
             for cid, p in pops.items()}
    best = max(score.values(), default=0.0)
    if best <= 0:
        return []
    return [r for r in records if score.get(r.chunk_id, 0.0) >= best / 2]


def _several_described(query: StudyQuery, sel: StudySelection,
                       cite: Callable[[StudyRecord], str]) -> list[str]:
    """A detail asked of one study that several findings answer: those the words describe equally
    well, with what none of them states (``sel.what``) or, after each that leaves it out, what that
    one does not state (``sel.unstated``); else (no one study fits) those naming what was asked."""
    if sel.what:
        return [TIED_TEMPLATE.format(finding=cite(r)) if i == 0 else cite(r)
                for i, r in enumerate(sel.records)] + [TIED_GAP.format(what=sel.what)]
    if sel.unstated:
        lines: list[str] = []
        for i, r in enumerate(sel.records):
            lines.append(TIED_TEMPLATE.format(finding=cite(r)) if i == 0 else cite(r))
            if r.chunk_id in sel.unstated:
                lines.append(TIED_ONE_GAP.format(what=sel.unstated[r.chunk_id]))
        return lines
    return [NAMING_TEMPLATE.format(names=" or ".join(query.about or query.forms), finding=cite(r))
            if i == 0 else cite(r) for i, r in enumerate(sel.records)]


def compose_studies(query: StudyQuery, records: Sequence[StudyRecord], docs: Mapping[str, Document],
                    book: CitationBook, supplement: str | None = None, *, nearest: bool = True) -> list[str]:
    """The answer's lines, each stating a finding verbatim (or a template filled with its text) and
    citing it (``docs``: the findings' chunks by id); empty when the records do not answer it. With
    ``nearest``, a length bound none passes is followed by the findings nearest it."""
    if query.then is not None:  # each end with its own lead
        ends = [compose_studies(q, records, docs, book, supplement, nearest=nearest)
                for q in _each_end(query)]
        return [line for lines in ends for line in lines] if all(ends) else []
    sel = select_studies(query, records, supplement)
    found = {r.chunk_id: doc for r in records if (doc := docs.get(r.chunk_id) or docs.get(r.doc_id or ""))}
    if not sel.answered or any(r.chunk_id not in found for r in (*sel.records, *sel.also, *sel.uncomparable,
                                                                   *sel.populations)):
        return []
    sel.records, sel.also = sel.records[:MAX_LISTED], sel.also[:MAX_LISTED]

    def cite(r: StudyRecord, d: StudyDose | None = None) -> str:
        hl = (d.dose.start, d.dose.end) if d is not None else (0, len(r.text))
        return f"{r.text} [{book.cite(found[r.chunk_id], hl)}]"

    gap = [DETAIL_GAP.format(what=sel.what)] if query.detail is not None and sel.what else []
    if query.claim is not None:
        return [SOURCE_TEMPLATE.format(finding=cite(r)) for r in sel.records]
    if query.ref is not None:  # one numbered finding, or several ("study 7 vs study 8")
        return _reference_lines([cite(r) for r in sel.records], len(query.numbers)) + gap
    if query.detail is not None and len(sel.records) > 1:
        return _several_described(query, sel, cite)
    if query.detail is not None:
        return [line for r in sel.records for line in (
            DETAIL_TEMPLATE.format(finding=cite(r)), *_citing_lines(query, r, docs, book))] + gap + [
            ALSO_TEMPLATE.format(words=" or ".join(query.unmentioned), finding=cite(r))
            for r in _also_stating(query, sel.records, records) if r.chunk_id in found]
    if query.ranked and (query.direction or query.length):
        return _ranked_lines(query, sel, cite)
    if query.direction is not None:
        return _extreme_lines(query, sel, cite)
    if query.length is not None:
        return [(LENGTH_TEMPLATE.format(word=LENGTH_WORDS[query.length], duration=r.duration, finding=cite(r))
                 if i == 0 else LENGTH_TIE.format(finding=cite(r))) for i, r in enumerate(sel.records)]
    if sel.groups:  # each kind of result asked, as which
        out: list[str] = []
        for what, rs in sel.groups:
            out += [(LIST_TEMPLATE.format(what=what, finding=cite(r)) if i == 0 else cite(r))
                    for i, r in enumerate(rs[:MAX_LISTED])]
            if not rs:
                out.append(NONE_TEMPLATE.format(what=what.removeprefix("that ")))
        return out
    if sel.populations:  # none in the people asked about: whom the findings were in
        return [*([NONE_TEMPLATE.format(what=sel.what)] if sel.what else []),
                POPULATIONS_TEMPLATE.format(populations="; ".join(
                    f"{r.population} [{book.cite(found[r.chunk_id], _span(r.text, r.population or ''))}]"
                    for r in sel.populations[:MAX_LISTED]))]
    lines = [(LIST_TEMPLATE.format(what=sel.what, finding=cite(r)) if i == 0 else cite(r))
             for i, r in enumerate(sel.records)]
    if not sel.records:
        lines += [NONE_TEMPLATE.format(what=sel.what.removeprefix("that ")),
                  *_other_form_lines(query, records, supplement, found, cite),
                  *(_nearest_length_lines(query, records, supplement, found, cite) if nearest else [])]
    return lines + [HARM_TEMPLATE.format(finding=cite(r)) for r in sel.also]


def _other_form_lines(query: StudyQuery, records: Sequence[StudyRecord], supplement: str | None,
                      found: Mapping[str, Document], cite: Any) -> list[str]:
    """When no finding used the forms asked about on the topic asked, those on the topic that do not
    name them, each cited: what the page does say of it is not hidden behind "none used <form>". Only
    on a page some of whose findings use the forms (another page's findings are not listed)."""
    asked = {f.casefold() for f in query.forms}
    if not asked or not query.topics or not any(asked & r.names() for r in records):
        return []  # only on a topic asked, and on a page whose findings use the form
    wider = select_studies(dataclasses.replace(query, forms=()), records, supplement)
    if not wider.answered or not wider.what or any(r.chunk_id not in found for r in wider.records):
        return []
    forms = " or ".join(query.forms)
    return [(OTHER_FORM_TEMPLATE.format(what=wider.what, forms=forms, finding=cite(r)) if i == 0 else cite(r))
            for i, r in enumerate(wider.records[:MAX_LISTED])]


#: the end of the findings' lengths a bound that none passes looks at ("longer than <x>": the longest)
BOUND_END: dict[str, Literal["max", "min"]] = {"above": "max", "at_least": "max",
                                               "below": "min", "at_most": "min"}


def _nearest_length_lines(query: StudyQuery, records: Sequence[StudyRecord], supplement: str | None,
                          found: Mapping[str, Document], cite: Any) -> list[str]:
    """When no finding ran as long as a bound asks ("did any run longer than <x>?"), the longest
    (shortest) of those that pass the question's other filters, each cited: how near any came."""
    end = BOUND_END.get(query.ran_bound) if query.ran_days is not None else None
    if end is None:
        return []
    near = select_studies(dataclasses.replace(query, ran_days=None, ran_bound="exact", length=end), records,
                          supplement)
    if not near.answered or not near.records or any(r.chunk_id not in found for r in near.records):
        return []
    return [(LENGTH_TEMPLATE.format(word=LENGTH_WORDS[end], duration=r.duration, finding=cite(r))
             if i == 0 else LENGTH_TIE.format(finding=cite(r)))
            for i, r in enumerate(near.records[:MAX_LISTED])]


def _span(text: str, part: str) -> tuple[int, int]:
    """Where ``part`` is in ``text`` (the whole text when it is not)."""
    at = text.find(part)
    return (at, at + len(part)) if at >= 0 else (0, len(text))


def _also_stating(query: StudyQuery, stated: Sequence[StudyRecord],
                  records: Sequence[StudyRecord]) -> list[StudyRecord]:
    """The other findings that hold the words a finding gap says the finding lacks (what the page
    does say of them is shown beside the gap)."""
    if query.detail != FINDING_GAP or not query.unmentioned:
        return []
    lacking = {t for w in query.unmentioned for t in content_tokens(w)}
    ids = {r.chunk_id for r in stated}
    return [r for r in records if r.chunk_id not in ids
            and lacking & _finding_words(r.text)][:MAX_LISTED]


def _citing_lines(query: StudyQuery, r: StudyRecord, docs: Mapping[str, Document],
                  book: CitationBook) -> list[str]:
    """The prose sentences citing the finding that state the detail asked, each cited."""
    out: list[str] = []
    for c in citing_detail(query, r):
        if (d := docs.get(c.doc_id or c.chunk_id)) is not None:
            said = re.sub(r"\s*\[(\d{1,3})\]", r" (ref. \1)", c.text)  # the page's "[2]": no citation of ours
            out.append(CITING_TEMPLATE.format(sentence=f"{said} [{book.cite(d, (c.start, c.end))}]"))
    return out


def _ranked_lines(query: StudyQuery, sel: StudySelection, cite: Any) -> list[str]:
    """A lead naming the order, then each finding in it (the dose that ranks it highlighted)."""
    if query.direction is not None:
        nutrient = next((d.nutrient for d in sel.doses.values()), "")
        first, last = DOSE_WORDS[query.direction], DOSE_WORDS["min" if query.direction == "max" else "max"]
        lead = RANKED_DOSES.format(nutrient=nutrient, first=first, last=last)
    else:
        assert query.length is not None
        other = "min" if query.length == "max" else "max"
        lead = RANKED_LENGTHS.format(first=LENGTH_WORDS[query.length], last=LENGTH_WORDS[other])
    found = [cite(r, sel.doses.get(r.chunk_id)) for r in sel.records]
    lines = [f"{lead} {found[0]}", *found[1:]] if found else []
    lines.extend(EXTREME_UNCOMPARABLE.format(finding=cite(r)) for r in sel.uncomparable)
    return lines


def _extreme_lines(query: StudyQuery, sel: StudySelection, cite: Any) -> list[str]:
    lines: list[str] = []
    for i, r in enumerate(sel.records):
        d = sel.doses[r.chunk_id]
        if i:
            lines.append(EXTREME_TIE.format(finding=cite(r, d)))
            continue
        word = ("highest" if query.direction == "max" else "lowest") + (" daily" if query.daily else "")
        form = f" ({d.form})" if d.form else ""
        template = EXTREME_AMONG if sel.what else EXTREME_TEMPLATE
        lines.append(template.format(word=word, nutrient=d.nutrient, dose=d.dose.text, form=form,
                                     finding=cite(r, d), what=sel.what))
    lines.extend(EXTREME_UNCOMPARABLE.format(finding=cite(r)) for r in sel.uncomparable)
    return lines
