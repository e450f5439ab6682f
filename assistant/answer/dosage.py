"""The Dosage Guide's fields as records, and questions about them answered from the records.

A field chunk ("Upper Intake Limit": subtitle, then one value per line) is read into a
:class:`DosageField` of :class:`FieldValue` records: the value as written, its amount part and its
doses (unit, mass in µg; IU only through the vocabulary's factor for the nutrient), the population
or condition after its dash (ages and groups of people), and what a value that gives no amount says
instead: a unit without a number ("mcg— No established ..."), or that no amount is set. A blank
field is kept blank.

A question about a field (:func:`parse_dosage_query`) names the field, perhaps the people ("for
adults over 70", "a 10-year-old"), a unit ("in mcg") and an amount to compare with the limit ("am I
over the limit with 65 mg?"). :func:`compose_dosage` answers it from the records: the values for
those people quoted verbatim and cited; a conversion between mass units beside the page's own figure
(never a number the page does not hold: an IU figure the page does not state is never computed); the
amount asked about compared with the limit when both are in comparable units (IU and mass only
through the vocabulary's factor) without repeating the reader's number; a blank field or a value
without an amount said as such, cited, with the referral. It answers only what the records settle
better than quoting the passage (``[]`` otherwise: the extractive answer quotes the field).

The cue words live in ``assistant/domain/dosage_cues.yaml`` (:func:`dosage_cues`); apart from
loading that file once, everything here is pure.

Example:
    >>> f = read_field("Upper Intake Limit", "Maximum safe daily intake\\n\\n45 mg/day — adults 19+")
    >>> v = f.values[0]
    >>> (v.amount, v.population, v.doses[0].micrograms, v.people.ages)
    ('45 mg/day', 'adults 19+', 45000.0, ((19.0, 130.0),))
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from langchain_core.documents import Document
from pydantic import BaseModel, Field, field_validator, model_validator
from rapidfuzz import fuzz

from assistant import messages as msg
from assistant.answer.cautions import stated_conditions
from assistant.answer.citations import CitationBook
from assistant.answer.extractive import blank_field_sentence
from assistant.domain.page_format import (
    BLANK_VALUE,
    FIELD_NAMES,
    FIELD_TERMS,
    one_line,
    unnamed_lines,
    value_lines,
)
from assistant.domain.vocabulary import compiles, load_validated, vocabulary
from assistant.doses import MICRO_SIGN, Dose, parse_doses
from assistant.errors import FileLineError
from assistant.normalize import content_tokens, cue, lexical_form, mentioned_classes, names_a_medicine, stem
from assistant.normalize import cue_fold as fold  # scope.py imports fold from here
from assistant.nutrients import (
    compound_form,
    mentioned_nutrients,
    micrograms,
    nutrient_before,
    one_of,
    read_nutrients,
)

CUES_PATH = Path(__file__).resolve().parent.parent / "domain" / "dosage_cues.yaml"

Relation = Literal["above", "equal", "below"]
#: cite(values) -> "[n]": cites a field's chunk, highlighting those values (the whole field: none)
CiteFn = Callable[..., str]

# --------------------------------------------------------------------------- the cues file


class DosageCuesError(FileLineError):
    """A bad ``dosage_cues.yaml``; ``str()`` is ``path:line: problem``."""




class QuestionCues(BaseModel):
    """How a question about a field is read (see the comments in ``dosage_cues.yaml``)."""

    fields: dict[str, list[str]] = Field(min_length=1)
    limit_field: str
    #: the field of the amount people need, and how a question asks whether an amount meets it ("is
    #: one <product> enough?"): an amount asked so is compared with that field's values too
    allowance_field: str | None = None
    sufficiency: list[str] = Field(default_factory=list)
    #: the field of doses for conditions, and the words that lead to a condition in a question
    treatment_field: str | None = None
    condition_lead: list[str] = Field(default_factory=list)
    condition_trail: list[str] = Field(default_factory=list)
    dose_asked: list[str] = Field(default_factory=list)
    purpose_words: list[str] = Field(default_factory=list)
    not_conditions: list[str] = Field(default_factory=list)
    #: an amount said to be a limit ("my limit is 45 mg"): the words before it, and after it
    limit_before: list[str] = Field(default_factory=list)
    limit_after: list[str] = Field(default_factory=list)
    #: servings counted ("3 <product> capsules"): group ``count``, digits or one of count_words
    serving_count: list[str] = Field(default_factory=list)
    count_words: dict[str, int] = Field(default_factory=dict)
    compare: list[str] = Field(min_length=1)
    asked_unit: list[str] = Field(min_length=1)
    counted_servings: list[str] = Field(default_factory=list)
    #: words that join two amounts into a sum ("2000 IU and another 3000 IU")
    sum_joints: list[str] = Field(default_factory=list)
    #: an amount taken more than once ("30 mg twice a day")
    repeated: list[str] = Field(default_factory=list)
    #: whether an amount named is safe ("is 10000 IU a day safe?", "can I take 200 mg?"): the limit
    amount_safety: list[str] = Field(default_factory=list)
    taken_beside: list[str] = Field(default_factory=list)
    taken_beside_before: list[str] = Field(default_factory=list)
    not_summed: list[str] = Field(default_factory=list)
    supplement_safety: list[str] = Field(default_factory=list)
    #: less than one serving ("half a tablet"): one serving above the limit says nothing of these
    fractional_servings: list[str] = Field(default_factory=list)
    #: an amount taken less often than daily ("once a week"): the limits are daily
    not_daily: list[str] = Field(default_factory=list)
    #: an amount said as taken each day ("a day", "daily", "every morning")
    daily: list[str] = Field(default_factory=list)
    #: words for a supplement of any kind ("a multi", "my vitamins"): what holds amounts, unlike a medicine
    supplement_words: list[str] = Field(default_factory=list)
    #: a question about which form something is ("which type of <nutrient>", "what kind is it"): a
    #: field quoted whose lines lost their names says so
    forms_asked: list[str] = Field(default_factory=list)
    #: how a note speaks of amounts above a figure ("doses above <amount> have been associated with
    #: <harm>"): an amount compared with the limit that is above that figure brings the note
    note_above: list[str] = Field(default_factory=list)
    #: words naming a study ("the 4 g trial"): an amount said with them is the study's, whose harms
    #: are not the asker's (no note above a figure comes with it)
    study_words: list[str] = Field(default_factory=list)
    #: a question about the share of a form that is the nutrient ("what percentage is actual <x>",
    #: "is it really a third <x>"): the line of a form's field that states the share is asked about
    share_asked: list[str] = Field(default_factory=list)
    #: ... asked in words only a share answers ("what percent is that"): asked of a named product too
    share_only: list[str] = Field(default_factory=list)

    @field_validator("compare", "asked_unit", "counted_servings", "sum_joints", "repeated", "amount_safety",
                     "supplement_safety", "taken_beside", "taken_beside_before", "not_summed",
                     "fractional_servings", "not_daily", "daily", "supplement_words", "forms_asked",
                     "note_above", "study_words", "share_asked", "share_only", "condition_lead",
                     "condition_trail", "dose_asked", "purpose_words", "not_conditions", "limit_before",
                     "limit_after", "serving_count")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)

    @field_validator("fields")
    @classmethod
    def _field_patterns(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, patterns in v.items():
            if name not in FIELD_NAMES:
                raise ValueError(f"{name!r} is not a Dosage Guide field ({', '.join(FIELD_NAMES)})")
            compiles(patterns)
        return v

    @model_validator(mode="after")
    def _limit_is_a_field(self) -> QuestionCues:
        for key, name in (("limit_field", self.limit_field), ("treatment_field", self.treatment_field),
                          ("allowance_field", self.allowance_field)):
            if name is not None and name not in self.fields:
                raise ValueError(f"{key} {name!r} is not one of the fields")
        return self


class AgePattern(BaseModel):
    pattern: str
    months: bool = False

    @field_validator("pattern")
    @classmethod
    def _groups(cls, v: str) -> str:
        names = set(re.compile(compiles([v])[0]).groupindex)
        if not names or not names <= {"lo", "hi", "plus", "over", "under", "at"}:
            raise ValueError(f"{v!r} needs named groups among lo, hi, plus, over, under, at")
        return v


class Group(BaseModel):
    kind: Literal["sex", "stage", "state", "age"]
    words: list[str] = Field(min_length=1)
    ages: tuple[float, float] | None = None

    @field_validator("words")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)


class PopulationCues(BaseModel):
    ages: list[AgePattern] = Field(default_factory=list)
    groups: dict[str, Group] = Field(default_factory=dict)
    #: phrases naming people other than those asked about (group ``other``): not read as people
    others: list[str] = Field(default_factory=list)
    #: words that deny the group words right after them ("not <a> or <b>"): those are not the people
    denials: list[str] = Field(default_factory=list)

    @field_validator("others")
    @classmethod
    def _other_group(cls, v: list[str]) -> list[str]:
        for p in v:
            if "other" not in re.compile(p).groupindex:
                raise ValueError(f"{p!r} needs a named group 'other'")
        return v

    @field_validator("denials")
    @classmethod
    def _denial_patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)

    @functools.cached_property
    def word_pattern(self) -> str:
        """Any word of any group, as a whole-word pattern (built once: every value line's people are read)."""
        return cue([w for g in self.groups.values() for w in g.words]).pattern


class LineCues(BaseModel):
    none_set: list[str] = Field(default_factory=list)
    population_dash: list[str] = Field(min_length=1)
    per_weight: list[str] = Field(default_factory=list)
    advise_against: list[str] = Field(default_factory=list)

    @field_validator("none_set", "population_dash", "per_weight", "advise_against")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)


class DosageCues(BaseModel):
    question: QuestionCues
    population: PopulationCues
    line: LineCues


def parse_cues(path: Path | str) -> DosageCues:
    """Read and validate a cues file; a problem is a :class:`DosageCuesError` naming its line."""
    return load_validated(path, DosageCues, DosageCuesError)


@functools.lru_cache(maxsize=4)
def dosage_cues(path: str | None = None) -> DosageCues:
    """The cues (the packaged file unless ``path`` names another), read once per path."""
    return parse_cues(path or CUES_PATH)


def advises_against(text: str) -> bool:
    """Does a page's line advise against taking the supplement (``line.advise_against``: "should not
    take <it> unless prescribed")?"""
    pats = dosage_cues().line.advise_against
    return bool(pats) and cue(pats).search(fold(text)) is not None




# --------------------------------------------------------------------------- populations


@dataclass(frozen=True)
class Population:
    """The people a value line is for, or a question names: ages (years, inclusive ranges), groups
    (names of ``dosage_cues.yaml`` ``population.groups``) and the other content words."""

    ages: tuple[tuple[float, float], ...] = ()
    groups: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()

    @property
    def named(self) -> bool:
        """Does it name any people (ages or groups)?"""
        return bool(self.ages or self.groups)

    def of_kind(self, kind: str, cues: PopulationCues) -> frozenset[str]:
        return frozenset(g for g in self.groups if cues.groups[g].kind == kind)


_OPEN_AGE = 130.0


def _ages_of(m: re.Match[str], months: bool) -> tuple[float, float]:
    g = {k: float(v) for k, v in m.groupdict().items() if v is not None}
    if "lo" in g and "hi" in g:
        lo, hi = g["lo"], g["hi"]
    elif "plus" in g:
        lo, hi = g["plus"], _OPEN_AGE
    elif "over" in g:
        lo, hi = g["over"] + (1 / 12 if months else 1), _OPEN_AGE
    elif "under" in g:
        lo, hi = 0.0, g["under"] - (1 / 12 if months else 1)
    else:
        lo = hi = g["at"]
    if months:
        return lo / 12, min(hi, _OPEN_AGE * 12) / 12
    return lo, hi


def read_population(text: str, cues: DosageCues | None = None) -> Population:
    """The ages and groups of people a text names (amounts should be masked by the caller)."""
    pc = (cues or dosage_cues()).population
    folded, denied = _without_denied(without_others(fold(text), pc), pc)
    ages: list[tuple[float, float]] = []
    taken: list[tuple[int, int]] = []
    for ap in pc.ages:
        for m in re.finditer(ap.pattern, folded):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if (age := _ages_of(m, ap.months))[0] <= _OPEN_AGE:  # "the 250-500 range" is no age
                ages.append(age)
    groups = {name for name, g in pc.groups.items() if cue(g.words).search(folded)}
    if ages:  # "a 12 year old? the list jumps from babies to adults": a stated age is who is asked about
        groups = {name for name in groups if (a := pc.groups[name].ages) is None or _overlap(ages, [a])}
    for name in sorted(groups):
        g = pc.groups[name]
        if g.kind == "age" and g.ages is not None:
            ages.append(g.ages)
    return Population(tuple(ages), frozenset(groups), frozenset(content_tokens(text)) - denied)


@functools.lru_cache(maxsize=4)
def _denial_run(denials: tuple[str, ...], word: str) -> re.Pattern[str]:
    """A denial, then the group words it denies, joined by "or", "nor" or "/" (named group ``denied``)."""
    joint = r"\s*(?:/|\bor\b|\bnor\b)\s*"
    return re.compile(rf"{cue(denials).pattern}\s+(?P<denied>{word}(?:{joint}{word})*)")


def without_others(folded: str, pc: PopulationCues | None = None) -> str:
    """The (folded) text with the people it names who are not those asked about blanked ("breastfeeding
    our 3 month old": the baby), as long as before."""
    for p in (pc or dosage_cues().population).others:
        folded = re.sub(p, lambda m: m.group(0)[:m.start("other") - m.start()] + " " * len(m.group("other"))
                        + m.group(0)[m.end("other") - m.start():], folded)
    return folded


def denies_people(text: str) -> bool:
    """Does the text deny that someone is of a group ("I'm not pregnant anymore")?"""
    pc = dosage_cues().population
    return bool(pc.denials) and _denial_run(tuple(pc.denials), pc.word_pattern).search(fold(text)) is not None


def _without_denied(folded: str, pc: PopulationCues) -> tuple[str, frozenset[str]]:
    """The text with the group words a denial says the people are not blanked ("a woman of 34, not
    <state> or <state>": she is asked about, not the <state>), and those words' content tokens."""
    if not pc.denials:
        return folded, frozenset()
    found = list(_denial_run(tuple(pc.denials), pc.word_pattern).finditer(folded))
    out = folded
    for m in found:
        out = out[:m.start("denied")] + " " * (m.end("denied") - m.start("denied")) + out[m.end("denied"):]
    return out, frozenset(t for m in found for t in content_tokens(m.group("denied")))


def _stage_ages(p: Population, cues: PopulationCues) -> tuple[tuple[float, float], ...]:
    """The ages a population's life-stage groups stand for (when it gives none of its own)."""
    return tuple(a for g in sorted(p.groups) if cues.groups[g].kind == "stage"
                 and (a := cues.groups[g].ages) is not None)


def _overlap(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> bool:
    return any(lo1 <= hi2 and lo2 <= hi1 for lo1, hi1 in a for lo2, hi2 in b)


def shares_people(asked: Population, said: Population, cues: DosageCues | None = None) -> bool:
    """Do two texts name some of the same people: a group of both, or ages that overlap (a life
    stage stands for its ages: "kids" and "children under 6" do; "a 12 year old" and "children
    under 6" do not)?"""
    if not (asked.named and said.named):
        return False
    pc = (cues or dosage_cues()).population
    if asked.groups & said.groups:
        return True
    return _overlap(asked.ages or _stage_ages(asked, pc), said.ages or _stage_ages(said, pc))


def stated_ages(p: Population, cues: DosageCues | None = None) -> tuple[tuple[float, float], ...]:
    """The ages a text states in numbers ("aged 80 and older"), not an age group's own span ("older
    adults")."""
    pc = (cues or dosage_cues()).population
    spans = {pc.groups[g].ages for g in p.of_kind("age", pc)}
    return tuple(a for a in p.ages if a not in spans)


def of_the_age_asked(asked: Population, said: Population, cues: DosageCues | None = None) -> bool:
    """Is a text about people of an age asked about, by the ages it states in numbers ("my gran is
    85" and "in adults aged 80 and older"), and no people the asked ones cannot be?"""
    return (bool(asked.ages) and _overlap(asked.ages, stated_ages(said, cues))
            and not excludes_people(asked, said, cues))


def in_another_state(asked: Population, said: Population, cues: DosageCues | None = None) -> bool:
    """Is a text about people in a state (pregnancy, breastfeeding) the people asked about are not
    said to be in ("my gran is 85" and a finding "during pregnancy")? Only of people asked about."""
    pc = (cues or dosage_cues()).population
    return asked.named and bool(said.of_kind("state", pc) - asked.of_kind("state", pc))


def excludes_people(asked: Population, said: Population, cues: DosageCues | None = None) -> bool:
    """Is a text about people the ones asked about cannot be: the other sex, a state they are not
    said to be in ("my gran is 85" and a finding "during pregnancy"), or ages apart, by the ages it
    states or its life stage ("infants"; an age group's own span, "older adults", is no stated age)?"""
    pc = (cues or dosage_cues()).population
    if not asked.named:
        return False
    sexes = asked.of_kind("sex", pc), said.of_kind("sex", pc)
    if in_another_state(asked, said, cues) or (all(sexes) and not sexes[0] & sexes[1]):
        return True
    stated = stated_ages(said, cues) or _stage_ages(said, pc)
    mine = asked.ages or _stage_ages(asked, pc)
    return bool(stated and mine) and not _overlap(mine, stated)


def match_score(asked: Population, line: Population, cues: DosageCues | None = None) -> float | None:
    """How well a value line's people fit the people asked about; None: they exclude each other
    (ages apart, the other sex, another life stage, a state such as pregnancy asked about that the
    line does not name)."""
    pc = (cues or dosage_cues()).population
    score = 0.0
    if asked.ages:
        line_ages = line.ages or _stage_ages(line, pc)
        if line_ages:
            if not _overlap(asked.ages, line_ages):
                return None
            score += 3
    for kind, weight in (("sex", 2.0), ("stage", 1.0)):
        a, b = asked.of_kind(kind, pc), line.of_kind(kind, pc)
        if a and b:
            if not a & b:
                return None
            score += weight
    a, b = asked.of_kind("state", pc), line.of_kind("state", pc)
    if a - b and line.named:  # pregnancy asked of a line for women in general: not theirs
        return None
    score += 3 * len(a & b) - 2 * len(b - a)
    return score + 0.25 * len(asked.words & line.words)


# --------------------------------------------------------------------------- field records


@dataclass(frozen=True)
class FieldValue:
    """One value of a field: as written, its amount part and doses, and the people it is for."""

    text: str
    #: where the value stands in the field's text (a value may run over two lines)
    start: int
    end: int
    #: the part before the population dash ("45 mg/day of the mineral") and the part after it
    amount: str
    population: str
    #: the doses of the amount part (offsets into ``text``)
    doses: tuple[Dose, ...]
    people: Population
    #: an amount per body weight ("3 mg/kg/day"): never compared with an absolute amount
    per_weight: bool = False
    #: the unit the value carries without a number ("mcg— No established ..."), canonical
    unit_only: str | None = None
    #: the value says no amount is set ("No established Tolerable Upper Intake Level ...")
    none_set: bool = False


@dataclass(frozen=True)
class DosageField:
    """A Dosage Guide field: its name, subtitle and values (none when the page leaves it blank)."""

    name: str
    subtitle: str
    values: tuple[FieldValue, ...] = ()

    @property
    def blank(self) -> bool:
        return not self.values

    @property
    def sets_none(self) -> bool:
        """Does the field say that no amount is set (and give none for anyone)?"""
        return any(v.none_set for v in self.values)

    @property
    def gaps(self) -> list[FieldValue]:
        """Values that carry a unit without a number or say no amount is set."""
        return [v for v in self.values if v.unit_only or v.none_set]


def _unit_spellings() -> dict[str, str]:
    """Every spelling of a unit (folded) -> its canonical name."""
    return {fold(s): u.canonical for u in vocabulary().units for s in [u.canonical, *u.spellings]}


def _to_ug() -> dict[str, float]:
    """Micrograms in one unit of each mass unit of the vocabulary (IU has no general factor)."""
    return {u.canonical: u.factor_ug for u in vocabulary().units if u.factor_ug is not None}


def _unit_token(canonical: str) -> str:
    return next((u.token for u in vocabulary().units if u.canonical == canonical), canonical)


def _split_population(value: str, after: int, cues: DosageCues) -> tuple[int, int]:
    """Where a value's amount part ends and its population part starts: at the first population
    dash after ``after`` (the end of its first dose), by the first dash pattern that finds one."""
    for p in cues.line.population_dash:
        m = re.compile(p).search(value, after)
        if m:
            return m.start(), m.end()
    return len(value), len(value)


def read_value(text: str, start: int = 0, cues: DosageCues | None = None,
               end: int | None = None) -> FieldValue:
    """One value as a record (``start``, ``end``: where it stands in its field's text, which may
    hold it over two lines)."""
    cues = cues or dosage_cues()
    doses = parse_doses(text)
    cut, rest = _split_population(text, doses[0].end if doses else 0, cues)
    amount, population = text[:cut].strip(), text[rest:].strip()
    amount_doses = tuple(d for d in doses if d.start < cut)
    unit_only = None
    if not doses and population:
        unit_only = _unit_spellings().get(fold(amount).strip())
    folded = fold(text)
    none_set = not amount_doses and bool(cue(cues.line.none_set).search(folded))
    per_weight = any(_per_weight(text[d.end:], cues) for d in amount_doses)
    masked = population
    for d in parse_doses(population):
        masked = masked[: d.start] + " " * (d.end - d.start) + masked[d.end:]
    people = read_population(masked, cues) if population else Population()
    end = start + len(text) if end is None else end
    return FieldValue(text, start, end, amount, population, amount_doses, people, per_weight, unit_only,
                      none_set)


def read_field(name: str, text: str, cues: DosageCues | None = None) -> DosageField:
    """A field's text (subtitle, then its values; the blank marker when the page gives none)."""
    subtitle = text.split("\n", 1)[0].strip()
    values: list[FieldValue] = []
    for s, e in value_lines(text):
        raw = text[s:e]
        if raw.strip() == BLANK_VALUE:
            continue
        joined = one_line(raw)
        values.append(read_value(joined, s, cues, e))
    return DosageField(name, subtitle, tuple(values))


def field_from_doc(doc: Document, cues: DosageCues | None = None) -> DosageField:
    """The field a Dosage Guide chunk holds (its metadata ``text`` and ``title``)."""
    text = str(doc.metadata.get("text", doc.page_content))
    name = str(doc.metadata.get("title", ""))
    return _read_default(name, text) if cues is None else read_field(name, text, cues)


@functools.lru_cache(maxsize=4096)
def _read_default(name: str, text: str) -> DosageField:
    """:func:`read_field` with the default cues, read once per chunk text (a field is immutable)."""
    return read_field(name, text)


# --------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class DosageQuery:
    """A question about Dosage Guide fields."""

    #: the fields asked about, in the order of the cues file
    fields: tuple[str, ...]
    #: the people the question names
    people: Population = field(default_factory=Population)
    #: the unit the answer is asked in (canonical), if any
    unit: str | None = None
    #: the amount to compare with the limit ("am I over the limit with 65 mg?"), if any
    amount: Dose | None = None
    #: the amount is one serving of a product the question takes more of ("two <product>s a day"):
    #: only a serving above every limit is compared (more servings are above it too)
    servings: bool = False
    #: the amount is taken beside something whose amount the question does not give ("and the <x>
    #: one"): only an amount above a limit is said to be (so is the whole)
    beside: bool = False
    #: the amount is the sum of several the question adds up ("60 mg plus 30 mg"; never stated: the
    #: page states no sum)
    summed: bool = False
    #: it asks which form something is (:func:`asks_forms`): lines that do not name theirs say so
    forms_asked: bool = False
    #: it asks whether the amount meets the allowance ("is one <product> enough for her?"): the amount
    #: is compared with that field's values too, not the limit's alone
    sufficient: bool = False
    #: the conditions it names that the treatment field's values are for (:func:`treated_conditions`)
    conditions: frozenset[str] = frozenset()
    #: what it says the amount is for ("for general heart health": :func:`purposes_in`)
    purposes: frozenset[str] = frozenset()


def asks_forms(question: str, cues: DosageCues | None = None) -> bool:
    """Does the question ask which form something is (``forms_asked``), or name a form of the
    vocabulary?"""
    from assistant.answer.studies import form_mentions  # (imports this module's cues)

    qc = (cues or dosage_cues()).question
    return cue(qc.forms_asked).search(fold(question)) is not None or bool(form_mentions(question))


def people_in(question: str, cues: DosageCues | None = None) -> Population:
    """The people a question names (its amounts masked first: an amount is no age)."""
    return read_population(mask_doses(question)[0], cues)


def mask_doses(text: str) -> tuple[str, list[Dose]]:
    """The text with its amounts blanked out (as long as before), and the amounts."""
    doses = parse_doses(text)
    out = text
    for d in doses:
        out = out[: d.start] + " " * (d.end - d.start) + out[d.end:]
    return out, doses


def _asked_unit(folded: str, cues: QuestionCues) -> str | None:
    spellings = _unit_spellings()
    alts = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in sorted(spellings, key=len, reverse=True))
    lead = "|".join(re.sub(r" +", r"\\s+", p) for p in cues.asked_unit)
    # (a unit over a volume is a concentration, no amount to convert: "in g/dL")
    m = re.search(rf"(?<![\w-])(?:{lead})\s+(?P<unit>{alts})(?![\w])(?!\s*/\s*(?:dl|ml|l)\b)", folded)
    return spellings[re.sub(r"\s+", " ", m.group("unit"))] if m else None


def parse_dosage_query(question: str, cues: DosageCues | None = None,
                       nutrient: str | None = None) -> DosageQuery | None:
    """The fields a question asks about, with its people, unit and amount to compare; None when it
    names no field. ``nutrient``: the monograph's own, whose amount is compared (an amount the
    question names for another nutrient is not). With the packaged cues the parse is cached (a turn
    asks it of the same text for its monograph, its field answer and whether its own words ask a
    field)."""
    if cues is None:
        return _parse_with_packaged_cues(question, nutrient)
    return _parse_dosage_query(question, cues, nutrient)


@functools.lru_cache(maxsize=512)
def _parse_with_packaged_cues(question: str, nutrient: str | None) -> DosageQuery | None:
    return _parse_dosage_query(question, dosage_cues(), nutrient)


def _parse_dosage_query(question: str, cues: DosageCues, nutrient: str | None) -> DosageQuery | None:
    masked, doses = mask_doses(question)
    doses = [d for d in doses if not _said_limit(question, d, cues.question)]  # "my limit is 45 mg"
    folded = fold(masked)
    qc = cues.question
    fields = tuple(name for name, patterns in qc.fields.items()
                   if cue([*patterns, *field_terms(name)]).search(folded))
    # the amounts of the nutrient: not a medicine's ("on <medicine> 2.5 mg", "5 mg of <medicine>"), a
    # compound's weight, nor (the monograph's nutrient given) another nutrient's
    own = _own_of(question, doses, nutrient)
    # a sum ("2000 IU plus 3000 IU, safe?"): the page states none; added up in one unit, it is set
    # beside the limit (not in several, "5000 IU plus 100 mcg", nor with another's amount in it, nor
    # amounts of other days or people: ``not_summed``)
    summed = _summed(question, doses, qc)
    total = total_dose(own) if (summed and len(own) == len(doses)
                            and not (qc.not_summed and cue(qc.not_summed).search(folded))) else None
    safety = bool(own) and asks_amount_safety(question, cues) and (not summed or total is not None)
    if safety and qc.limit_field not in fields:  # "is 10000 IU a day safe?": the amount against the limit
        fields = (*fields, qc.limit_field)
    if not fields:
        return None
    sufficient = qc.allowance_field in fields and asks_sufficiency(question, cues)
    limit = qc.limit_field in fields
    amount = (total or own[0]) if own and ((limit and (safety or cue(qc.compare).search(folded)))
                                           or sufficient) else None
    if amount is not None and ((summed and total is None) or _per_weight(question[amount.end:], cues)
                               or cue([*qc.repeated, *qc.not_daily, *qc.counted_servings]).search(folded)):
        amount = None  # a sum of amounts in several units, an amount per body weight, one taken more
        # than once (or servings of it counted: "2 of the <amount> softgels") or not daily: none is compared
    if sufficient and amount is not None and not limit:  # "is 100 mg enough?": whether it is also
        fields = (*fields, qc.limit_field)  # above the limit (more than enough is not safe)
    beside = amount is not None and _taken_beside(question, own, qc)
    return DosageQuery(fields, read_population(masked, cues), _asked_unit(folded, qc), amount, beside=beside,
                       summed=summed and amount is not None, forms_asked=asks_forms(question, cues),
                       purposes=purposes_in(masked, cues), sufficient=sufficient)


def asks_sufficiency(question: str, cues: DosageCues | None = None) -> bool:
    """Does the question ask whether an amount meets a need ("is it enough?", "would it cover
    it?"): a ``sufficiency`` cue?"""
    qc = (cues or dosage_cues()).question
    return bool(qc.sufficiency) and cue(qc.sufficiency).search(fold(question)) is not None


def purposes_in(text: str, cues: DosageCues | None = None) -> frozenset[str]:
    """What ``text`` says something is for: the word before each of ``purpose_words`` ("heart" of
    "for general heart health"), as topic tokens, with the lexicon's words for it ("cardiovascular");
    none for a stopword or a general word ("a healthy guy", "for my health")."""
    purpose = cue((cues or dosage_cues()).question.purpose_words)
    tokens = re.findall(r"[\w'-]+", fold(text))
    general = vocabulary().general_words
    return frozenset(t for i in range(1, len(tokens)) if purpose.fullmatch(tokens[i])
                     for t in content_tokens(tokens[i - 1]) if t not in general)


def _taken_beside(question: str, own: Sequence[Dose], qc: QuestionCues) -> bool:
    """Is something of no amount in the question taken beside its amounts (``taken_beside`` after
    the last, ``taken_beside_before`` before the first, within its clause)?"""
    before = re.split(r"[;.?!]", question[:own[0].start])[-1]
    after = fold(question[own[-1].end:])
    found = cue(qc.taken_beside).search(after) if qc.taken_beside else None
    # a medicine taken beside the amount holds none of it: its cautions speak of it
    joined = re.split(r"[;.?!,]", after[_joined_at(after, found, qc):])[0] if found is not None else ""
    if found is not None and _only_medicines(joined, qc):
        found = None
    return found is not None or (
        bool(qc.taken_beside_before) and cue(qc.taken_beside_before).search(fold(before)) is not None)


def _joined_at(text: str, found: re.Match[str], qc: QuestionCues) -> int:
    """Where what a ``taken_beside`` match joins on begins: after its last joining word (``sum_joints``)."""
    joins = list(cue(qc.sum_joints).finditer(text, found.start(), found.end()))
    return joins[-1].end() if joins else found.start()


def _only_medicines(text: str, qc: QuestionCues) -> bool:
    """Is everything ``text`` joins (by ``sum_joints``) a medicine, none of it a nutrient or a
    supplement (``supplement_words``): then none of it holds the amount?"""
    parts = [t for t in cue(qc.sum_joints).split(text) if t.strip()]
    return bool(parts) and all(names_a_medicine(t) and not mentioned_nutrients(t)
                               and cue(qc.supplement_words).search(t) is None for t in parts)


def total_dose(doses: Sequence[Dose], nutrient: str | None = None) -> Dose | None:
    """Amounts written in one unit, added up; in several units, added up in µg when each has a mass
    (IU through the vocabulary's factor for ``nutrient``); None otherwise, or for none."""
    if doses and len({d.unit for d in doses}) > 1:
        masses = [_as_mass(d, nutrient) for d in doses]
        if any(m is None for m in masses):
            return None
        doses = [m for m in masses if m is not None]
    if not doses:
        return None
    high = sum(d.high if d.high is not None else d.low for d in doses) if any(d.high for d in doses) else None
    return replace(doses[0], low=sum(d.low for d in doses), high=high,
                   text=" + ".join(d.text for d in doses))  # the sum is never written as one figure


def _as_mass(d: Dose, nutrient: str | None) -> Dose | None:
    """The dose in µg (its text kept), or None when it has no mass (IU of no factor)."""
    low = _in_ug(d, d.low, nutrient)
    high = _in_ug(d, d.high, nutrient) if d.high is not None else None
    return None if low is None else replace(d, low=low, high=high, unit=MICRO_SIGN + "g")


def asks_dose(question: str, cues: DosageCues | None = None) -> bool:
    """Does the question ask for a dose (``dose_asked``; an amount it states asks none)?"""
    return cue((cues or dosage_cues()).question.dose_asked).search(fold(mask_doses(question)[0])) is not None


def treated_conditions(question: str, f: DosageField, known: frozenset[str],
                       cues: DosageCues | None = None, *, taken: bool = False) -> frozenset[str]:
    """The words of the conditions the question names that the field's values are for (stemmed, in
    the values' spelling), each after a word that leads to one ("how much should I take for
    triglycerides": a value for "elevated triglycerides"), asked for a dose (``dose_asked``), not a
    purpose ("for a healthy heart"). ``known``: words that name no condition (general words, the
    supplements' and products' names); a word of a group of people ("adults", "children") or of
    ``not_conditions`` names none either. ``taken``: the question states an amount taken (for the
    condition), asked beside a limit, instead of asking a dose."""
    qc = (c := cues or dosage_cues()).question
    if not qc.condition_lead or not (taken or asks_dose(question, c)):
        return frozenset()
    folded = fold(mask_doses(question)[0])
    groups = cue([w for g in c.population.groups.values() for w in g.words])
    skip = {stem(fold(w)) for w in qc.not_conditions}
    words = {stem(w) for v in f.values for w in content_tokens(v.population.split(",")[0])
             if w not in known and stem(w) not in known and stem(w) not in skip and not groups.fullmatch(w)}
    lead, trail, purpose = cue(qc.condition_lead), cue(qc.condition_trail), cue(qc.purpose_words)
    tokens = ["", *re.findall(r"[\w'-]+", folded), ""]
    stems = [{stem(x) for x in (t, *lexical_form(t).split())} for t in tokens]  # its lexicon's too ("trigs")
    return frozenset(w for i in range(1, len(tokens) - 1) for w in words
                     if any(_same_word(s, w) for s in stems[i])
                     and (any(lead.fullmatch(x) for x in tokens[max(1, i - 3):i])
                          or trail.match(" ".join(tokens[i + 1:i + 7])) is not None)
                     and not (purpose.fullmatch(tokens[i + 1]) or purpose.fullmatch(tokens[i - 1])))


def names_field(question: str, name: str) -> bool:
    """Does the question name the field by its own name or terms ("rda", "upper limit")?"""
    return cue(field_terms(name)).search(fold(question)) is not None


def field_terms(name: str) -> list[str]:
    """The field's own name and the page format's terms for it, as cue patterns."""
    return [re.escape(fold(t)) for t in [name, *FIELD_TERMS.get(name, [])]]


def _chosen(f: DosageField, query: DosageQuery, cues: DosageCues) -> tuple[list[FieldValue], bool]:
    """:func:`select_values` for the people asked about; of the treatment field, those for the
    conditions asked about (all of them, when none is for one)."""
    chosen, no_group = select_values(f, query.people, cues)
    for_purpose = [v for v in f.values if query.purposes & purposes_in(v.population, cues)
                   and (not v.people.named or match_score(query.people, v.people, cues) is not None)]
    if for_purpose:  # "how much for general heart health?": the values stated for that purpose
        return for_purpose, False
    if not query.conditions or f.name != cues.question.treatment_field:
        return chosen, no_group
    kept = [v for v in chosen
            if any(_same_word(c, stem(w)) for w in v.people.words for c in query.conditions)]
    return kept or chosen, no_group


def _same_word(word: str, other: str) -> bool:
    """Is ``word`` ``other``, or (six letters or more) another spelling of it ("anemia", "anaemia")?"""
    return word == other or (len(word) >= 6 and len(other) >= 6 and fuzz.ratio(word, other) >= 90)


def asks_supplement_safety(question: str, cues: DosageCues | None = None) -> bool:
    """Does the question ask whether the supplement itself is safe (``supplement_safety``)?"""
    qc = (cues or dosage_cues()).question
    return bool(qc.supplement_safety) and cue(qc.supplement_safety).search(fold(question)) is not None


def asks_safety(question: str, cues: DosageCues | None = None) -> bool:
    """Does the question ask whether something is safe or ok to take (``amount_safety``: "is
    <amount> a day ok?", "can I take <product>?"), for anyone or with anything?"""
    qc = (cues or dosage_cues()).question
    return bool(qc.amount_safety) and bool(cue(qc.amount_safety).search(fold(mask_doses(question)[0])))


def asks_amount_safety(question: str, cues: DosageCues | None = None) -> bool:
    """Does the question ask whether an amount is safe (``amount_safety``: "is <amount> a day ok?",
    "can I take <product>?")? Not whether it is safe with a medicine it names, nor for a condition
    it says someone has: the cautions answer those."""
    return asks_safety(question, cues) and not _medicines(question) and not stated_conditions(question)


def fewer_than_one_serving(question: str, cues: DosageCues | None = None) -> bool:
    """Does the question take less than one serving ("half a tablet", "¼")?"""
    qc = (cues or dosage_cues()).question
    return bool(qc.fractional_servings) and bool(cue(qc.fractional_servings).search(fold(question)))


#: words after an amount that start another thing than its own name ("65 mg with <another nutrient>")
_JOINS = frozenset({"with", "and", "plus", "or", "for", "in", "to", "on", "from", "per", "a", "an", "than",
                    "vs", "versus", "alongside", "beside", "besides", "into", "at"})


def own_amounts(question: str, nutrient: str | None = None, cues: DosageCues | None = None) -> list[Dose]:
    """The amounts a question names of the nutrient (``nutrient``: the monograph's own): not a limit
    it quotes ("my limit is 45 mg"), a medicine's ("on <medicine> 2.5 mg", "2000 mg <medicine>"), a
    compound's weight, nor another nutrient's."""
    qc = (cues or dosage_cues()).question
    return _own_of(question, [d for d in parse_doses(question) if not _said_limit(question, d, qc)], nutrient)


def _own_of(question: str, doses: Sequence[Dose], nutrient: str | None) -> list[Dose]:
    """Those of ``doses`` that are the nutrient's own (see :func:`own_amounts`)."""
    return [d for d in doses
            if not names_a_medicine(_words_around(question, d)) and _own_amount(question, d, nutrient)]


def _own_amount(question: str, dose: Dose, nutrient: str | None) -> bool:
    """Is the amount the nutrient's own: not another nutrient's ("200 mg of <another nutrient>"; when
    ``nutrient`` is given), nor a compound's weight ("325 mg <salt form>": not the nutrient's mass)?"""
    words = re.sub(r"^\s*of\b", "", _clause_after(question, dose)).split()[:3]
    named = read_nutrients(" ".join(words)) if words and words[0].casefold() not in _JOINS else []
    if named and named[0].form and compound_form(named[0].nutrient, named[0].form):
        return False
    found = named[0].nutrient if named else nutrient_before(question, dose.start)
    return nutrient is None or found is None or one_of(found, nutrient)


def _medicines(text: str) -> list[str]:
    """The medicine classes ``text`` names (affirmed; not the note-only classes, such as excess)."""
    return [c for c in mentioned_classes([text]) if not vocabulary().interaction_class(c).note_only]


def _words_around(question: str, dose: Dose) -> str:
    """The word right before an amount and the two after it, within its clause: whose amount it is."""
    before = re.split(r"[,;.?!]", question[max(0, dose.start - 40):dose.start])[-1].split()[-1:]
    return " ".join([*before, *_clause_after(question, dose).split()[:2]])


def servings_counted(question: str, cues: DosageCues | None = None) -> int | None:
    """How many servings the question counts ("3 <product> capsules a day": 3), if it says."""
    qc = (cues or dosage_cues()).question
    for p in qc.serving_count:
        if (m := re.search(p, fold(question))) is not None:
            n = m.group("count")
            return int(n) if n.isdigit() else qc.count_words.get(n)
    return None


def times(d: Dose, n: int) -> Dose:
    """``n`` servings of an amount (to set beside a figure; never stated: the page states no total)."""
    return replace(d, low=d.low * n, high=d.high * n if d.high is not None else None)


def amounts_said(question: str, cues: DosageCues | None = None) -> list[Dose]:
    """The amounts of the question but those it says are a limit ("my limit is 45 mg")."""
    qc = (cues or dosage_cues()).question
    return [d for d in parse_doses(question) if not _said_limit(question, d, qc)]


def _said_limit(question: str, dose: Dose, qc: QuestionCues) -> bool:
    """Does the question say this amount is a limit ("my limit is 45 mg", "4000 IU is the max")?"""
    before = re.split(r"[,;.?!]", question[max(0, dose.start - 40):dose.start])[-1]
    return any(re.search(p, fold(before)) for p in qc.limit_before) or any(
        re.search(p, fold(_clause_after(question, dose))) for p in qc.limit_after)


def _clause_after(question: str, dose: Dose) -> str:
    """What follows an amount within its clause (up to 40 characters)."""
    return re.split(r"[,;.?!]", question[dose.end:dose.end + 40])[0]


def _summed(question: str, doses: Sequence[Dose], qc: QuestionCues) -> bool:
    """Does the question join two amounts into a sum (in any units; ``sum_joints``)? The page states
    no sum to compare ("is 5000 IU more than the 4000 IU limit?" sets one beside the other)."""
    return bool(qc.sum_joints) and any(cue(qc.sum_joints).search(fold(question[a.end:b.start]))
                                       for a, b in itertools.pairwise(doses))


def _per_weight(after: str, cues: DosageCues) -> bool:
    """Does the text right after an amount make it one per body weight ("3 mg/kg", "3 mg for each
    kilo")? Such an amount is never compared with an absolute one."""
    return bool(cues.line.per_weight) and re.match(
        rf"\s*(?:{'|'.join(cues.line.per_weight)})", fold(after)) is not None


# --------------------------------------------------------------------------- choosing values


def select_values(f: DosageField, people: Population,
                  cues: DosageCues | None = None) -> tuple[list[FieldValue], bool]:
    """(the values for the people asked about, whether the field has none for them). No people
    named, or values that name none: every value."""
    values = list(f.values)
    if not people.named or not values:
        return values, False
    scored = [(v, match_score(people, v.people, cues)) for v in values]
    fit = [(v, s) for v, s in scored if s is not None and s >= 0]
    cues = cues or dosage_cues()
    if not fit and _by_age_only(f, people, cues):
        # "is 65 mg ok while pregnant?" of a limit with no line for pregnancy: a limit for an age
        # group holds for everyone in it (an allowance for a state is another amount: not this)
        states = people.of_kind("state", cues.population)
        return select_values(f, replace(people, groups=people.groups - states), cues)
    if not fit:
        return ([], True) if any(v.people.named for v in values) else (values, False)
    best = max(s for _, s in fit)
    return [v for v, s in fit if s == best], False


def _by_age_only(f: DosageField, people: Population, cues: DosageCues) -> bool:
    """Is ``f`` the limit, asked for people in a state (pregnancy) that none of its values names,
    while some value names people? Its values by age then hold for them."""
    states = people.of_kind("state", cues.population)
    return (bool(states) and f.name == cues.question.limit_field and any(v.people.named for v in f.values)
            and not any(v.people.of_kind("state", cues.population) & states for v in f.values)
            and not any(match_score(people, v.people, cues) is not None for v in f.values))


def _names_nobody_asked(f: DosageField, people: Population, cues: DosageCues) -> bool:
    """Is ``f`` the limit, asked for people, while none of its values names any? Its values are then
    no separate value for them (the page does not say whom its line is for)."""
    return people.named and f.name == cues.question.limit_field and not any(v.people.named for v in f.values)


def _top(d: Dose) -> float:
    return d.high if d.high is not None else d.low


def _in_ug(d: Dose, value: float, nutrient: str | None) -> float | None:
    """``value`` (in the dose's unit) in µg: mass directly, IU through the vocabulary's factor."""
    scaled = Dose(value, None, d.unit, d.per_day, d.start, d.end, d.text)
    return micrograms(nutrient or "", None, scaled)


def sets_beside(question: str, cues: DosageCues | None = None) -> bool:
    """Does the question set an amount beside a value ("does it go over that?", "is that above the
    limit?"): a ``compare`` cue?"""
    return cue((cues or dosage_cues()).question.compare).search(fold(question)) is not None


def compare_amount(amount: Dose, value: FieldValue, nutrient: str | None) -> Relation | None:
    """The amount asked about against a value's limit: in the same unit kind when the value gives
    one (IU with IU, mass with mass), else through the vocabulary's IU factor; None when they
    cannot be compared (no amount, an amount per body weight, no factor)."""
    if value.per_weight or not value.doses:
        return None
    asked = _top(amount)
    pairs: list[tuple[float, float]] = []
    for d in value.doses:
        if amount.unit == "IU" and d.unit == "IU":
            pairs.append((asked, _top(d)))
        elif amount.unit != "IU" and d.unit != "IU":
            pairs.append((asked * _to_ug()[amount.unit], _top(d) * _to_ug()[d.unit]))
    if not pairs:
        for d in value.doses:
            a, b = _in_ug(amount, asked, nutrient), _in_ug(d, _top(d), nutrient)
            if a is not None and b is not None:
                pairs.append((a, b))
                break
    if not pairs:
        return None
    a, b = pairs[0]
    if math.isclose(a, b, rel_tol=1e-9):
        return "equal"
    return "above" if a > b else "below"


def exceeds_every_limit(amount: Dose, f: DosageField, nutrient: str | None) -> bool:
    """Is the amount above every limit the field sets (for anyone: so above the highest), with
    each value comparable? False when the field sets none or a value cannot be compared."""
    if f.blank or f.sets_none:
        return False
    relations = [compare_amount(amount, v, nutrient) for v in f.values]
    return all(r == "above" for r in relations)


def _format_number(v: float) -> str:
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}"
    return f"{v:,.6f}".rstrip("0").rstrip(".")


def converted(d: Dose, unit: str) -> str | None:
    """A mass dose written in another mass unit ("45 mg/day" -> "45,000 mcg/day"); None for IU
    either way (an IU figure is a number the page may not hold: never computed here)."""
    if d.unit not in _to_ug() or unit not in _to_ug() or d.unit == unit:
        return None
    factor = _to_ug()[d.unit] / _to_ug()[unit]
    text = _format_number(d.low * factor)
    if d.high is not None:
        text += "–" + _format_number(d.high * factor)
    return f"{text} {_unit_token(unit)}" + ("/day" if d.per_day else "")


# --------------------------------------------------------------------------- answering


def answers(query: DosageQuery, f: DosageField, cues: DosageCues | None = None) -> bool:
    """Do the records settle this field's part of the question better than quoting the passage?
    (an amount to compare with the limit, a blank field or a value without an amount, people named,
    a unit the values are not written in; an amount set beside another field: "is one <product> a
    day more than the recommended amount?" gets the field's values stated, not passages that may
    leave them out; only the limit is compared with)."""
    cues = cues or dosage_cues()
    if query.amount is not None:
        return True
    if f.blank or f.gaps or query.people.named:
        return True
    chosen, _ = select_values(f, query.people, cues)
    return query.unit is not None and any(v.doses and not any(d.unit == query.unit for d in v.doses)
                                          for v in chosen)


def unnamed_note(field: str, values: Sequence[str], forms_asked: bool) -> str:
    """For a question about forms, the note (with its leading space) that a field's lines quoted do
    not name the form they describe, where they should (``page_format.unnamed_lines``); else ""."""
    unnamed = unnamed_lines(field, values) if forms_asked else []
    if not unnamed:
        return ""
    return f" {msg.LINES_UNNAMED if len(unnamed) == len(values) else msg.SOME_LINES_UNNAMED}"


def _values_text(values: Sequence[FieldValue]) -> str:
    return "; ".join(v.text.rstrip(".") for v in values)


def compose_dosage(query: DosageQuery, docs: Sequence[Document], book: CitationBook,
                   nutrient: str | None = None, referral: str | None = None,
                   cues: DosageCues | None = None, *, whole: bool = False) -> list[str]:
    """The answer's sentences for the fields of ``docs`` (the Dosage Guide chunks asked about), each
    with its [n]; ``[]`` when none of them calls for more than quoting the passage (``whole``: each
    field is then stated with all its values, as a record).

    ``nutrient``: the monograph's primary nutrient (its IU factor, if the vocabulary gives one);
    ``referral``: said after a comparison with the limit (None: the caller says it).
    """
    cues = cues or dosage_cues()
    parsed = [(doc, field_from_doc(doc, cues)) for doc in docs]
    if not whole and not any(answers(query, f, cues) for _, f in parsed):
        return []
    lines: list[str] = []
    compared = False
    for doc, f in parsed:
        def cite(values: Sequence[FieldValue] = (), _doc: Document = doc) -> str:
            score = float(_doc.metadata.get("dense_score", 0.0) or 0.0)
            spans = [(v.start, v.end) for v in values] or [(0, len(str(_doc.metadata.get("text", ""))))]
            marker = 0
            for span in spans:
                marker = book.cite(_doc, span, score)
            return f"[{marker}]"

        comparing = _compared_with(query, f.name, cues)
        compared = compared or comparing
        if f.blank:
            lines.append(f"{blank_field_sentence(doc)} {cite()}")
            if comparing:
                lines.append(f"{msg.LIMIT_BLANK.format(field=f.name)} {cite()}")
            continue
        chosen, no_group = _chosen(f, query, cues)
        if _by_age_only(f, query.people, cues):  # "the limit while pregnant": none of its own
            lines.append(f"{msg.FIELD_NO_SEPARATE.format(field=f.name)} {cite(chosen)}")
        if no_group:
            text = msg.FIELD_NO_GROUP.format(field=f.name, subtitle=f.subtitle, values=_values_text(f.values))
            lines.append(f"{text} {cite(f.values)}")
            continue
        if comparing and query.amount is not None and not f.sets_none:
            lines += _comparison(query, query.amount, f, chosen, nutrient, cite)
        else:
            text = msg.FIELD_VALUES.format(field=f.name, subtitle=f.subtitle, values=_values_text(chosen))
            lines.append(f"{text}{unnamed_note(f.name, [v.text for v in chosen], query.forms_asked)} "
                         f"{cite(chosen)}")
        if _names_nobody_asked(f, query.people, cues):  # "the limit for a teenager?"
            lines.append(f"{msg.FIELD_NAMES_NO_PEOPLE.format(field=f.name)} {cite(chosen)}")
        lines += [f"{msg.FIELD_UNIT_ONLY.format(field=f.name, unit=_unit_token(v.unit_only))} {cite([v])}"
                  for v in chosen if v.unit_only]
        if comparing and f.sets_none:
            unset = [v for v in f.values if v.none_set]
            lines.append(f"{msg.LIMIT_NONE_SET.format(field=f.name)} {cite(unset)}")
            if query.amount is not None:
                lines += _beside_figures(query.amount, f, nutrient, cite, only_above=query.beside)
        if query.unit is not None:
            lines += _conversions(query.unit, f, chosen, cite)
    lines = _as_summed(lines) if query.summed else lines  # "2000 IU plus 3000 IU": the amounts together
    if compared and referral:
        lines.append(referral)
    return lines


def _compared_with(query: DosageQuery, field_name: str, cues: DosageCues) -> bool:
    """Is the query's amount set beside this field: the limit's, or the allowance's when the
    question asks whether the amount meets it?"""
    qc = cues.question
    return query.amount is not None and (field_name == qc.limit_field
                                         or (query.sufficient and field_name == qc.allowance_field))


def _as_summed(lines: Sequence[str]) -> list[str]:
    """The limit sentences said of the amounts a question adds up, together (``SUMMED_WORDING``)."""
    return [functools.reduce(lambda t, r: t.replace(*r), msg.SUMMED_WORDING, line) for line in lines]


def notes_above(amount: Dose, notes: Sequence[Document], cues: DosageCues | None = None) -> list[Document]:
    """The notes that speak of amounts above a figure ("doses above <amount> have been associated
    with <harm>", the cues' ``note_above``) which the amount asked about exceeds: by mass, else in
    the same unit (an amount in IU is no mass)."""
    cues = cues or dosage_cues()
    if not cues.question.note_above:
        return []
    lead = _lead_before(tuple(cues.question.note_above))
    out: list[Document] = []
    for doc in notes:
        text = str(doc.metadata.get("text") or doc.page_content)
        if any(lead.search(text[:d.start].casefold()) and _exceeds(amount, d) for d in parse_doses(text)):
            out.append(doc)
    return out


@functools.lru_cache(maxsize=8)
def _lead_before(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the patterns, ending where the text before a figure ends."""
    return re.compile(rf"(?:{'|'.join(patterns)})\s*$")


def _exceeds(amount: Dose, figure: Dose) -> bool:
    if amount.micrograms is not None and figure.micrograms is not None:
        return amount.micrograms > figure.micrograms
    return amount.unit == figure.unit and amount.low > figure.low


def _beside_figures(amount: Dose, f: DosageField, nutrient: str | None, cite: CiteFn,
                    only_above: bool = False) -> list[str]:
    """A field that sets no limit, set beside the amounts its other values give ("up to 5 g/day
    considered safe (EFSA)", "3 g/day ... FDA guidance"): those the amount is above (all of a value's
    figures), above in part ("3 g/day ..., including up to 2 g/day from supplements" beside 2.5 g) and
    above none of, each cited; none that cannot be compared. Each figure is an amount of what its
    value names (a nutrient's parts, not the whole oil): the comparison says it reads it as the same
    measure. ``only_above``: the amount is taken beside something of no stated amount, so only the
    figures it is above on its own are said."""
    by: dict[str, list[FieldValue]] = {}
    for v in f.values:
        rels = [r for d in v.doses if not v.none_set
                and (r := compare_amount(amount, replace(v, doses=(d,)), nutrient)) is not None]
        if rels:
            kind = "above" if all(r == "above" for r in rels) else "part" if "above" in rels else "within"
            by.setdefault(kind, []).append(v)
    templates = {"above": msg.LIMIT_FIGURES_ABOVE, "part": msg.LIMIT_FIGURES_PART,
                 "within": msg.LIMIT_FIGURES_WITHIN}
    return [f"{templates[k].format(field=f.name, values=_values_text(vs))} {cite(vs)}"
            for k in (("above",) if only_above else ("above", "part", "within")) if (vs := by.get(k))]


def _comparison(query: DosageQuery, amount: Dose, f: DosageField, chosen: Sequence[FieldValue],
                nutrient: str | None, cite: CiteFn) -> list[str]:
    """The amount asked about against each chosen value's limit, one sentence per outcome (when the
    query's amount is one of several servings taken, or taken with something of no stated amount,
    only an amount above a limit is said to be; the other values are stated as they are)."""
    servings, beside = query.servings, query.beside
    by: dict[Relation | None, list[FieldValue]] = {}
    for v in chosen:
        by.setdefault(compare_amount(amount, v, nutrient), []).append(v)
    if servings or beside:
        above = by.pop("above", [])
        rest = [v for v in chosen if v not in above]
        alone = msg.LIMIT_SERVING_ABOVE if servings else msg.LIMIT_ALONE_ABOVE
        said = [f"{alone.format(field=f.name, values=_values_text(above))} {cite(above)}"] if above else []
        values = msg.FIELD_VALUES.format(field=f.name, subtitle=f.subtitle, values=_values_text(rest))
        uncounted = [msg.LIMIT_BESIDE_UNCOUNTED.format(field=f.name)] if beside and rest and not servings \
            else []
        return said + ([f"{values} {cite(rest)}"] if rest else []) + uncounted
    templates = {"above": msg.LIMIT_ABOVE, "equal": msg.LIMIT_EQUAL, "below": msg.LIMIT_BELOW}
    out: list[str] = []
    for rel in ("above", "equal", "below"):
        if vals := by.get(rel):
            out.append(f"{templates[rel].format(field=f.name, values=_values_text(vals))} {cite(vals)}")
    if vals := by.get(None):
        text = msg.LIMIT_NOT_COMPARABLE.format(field=f.name, values=_values_text(vals))
        out.append(f"{text} {cite(vals)}")
    return out


def _conversions(unit: str, f: DosageField, chosen: Sequence[FieldValue], cite: CiteFn) -> list[str]:
    """Each chosen value's figure in the unit asked for, beside the page's own (mass units only);
    a value with no figure in that unit and none computable says so."""
    out: list[str] = []
    missing: list[FieldValue] = []
    for v in chosen:
        if not v.doses or v.per_weight or any(d.unit == unit for d in v.doses):
            continue
        d = next((d for d in v.doses if d.unit in _to_ug()), None)
        text = converted(d, unit) if d is not None else None
        if d is None or text is None:
            missing.append(v)
            continue
        out.append(f"{msg.UNIT_CONVERTED.format(unit=_unit_token(unit), amount=d.text, converted=text)} "
                   f"{cite([v])}")
    if missing:
        units = sorted({_unit_token(d.unit) if d.unit != "IU" else "IU" for v in missing for d in v.doses})
        asked = "IU" if unit == "IU" else _unit_token(unit)
        out.append(f"{msg.UNIT_NOT_STATED.format(field=f.name, units=' and '.join(units), unit=asked)} "
                   f"{cite(missing)}")
    return out


def unit_conversions(question: str, lines: Sequence[str]) -> list[str]:
    """For a question asking an amount in a mass unit ("in mcg?", "how many micrograms is that"): each
    mass dose of the (cited) lines written in another unit, converted ("In mcg, 1 mg/day is 1,000
    mcg/day. [n]", cited as its line is); IU is never converted."""
    unit = _asked_unit(fold(question), dosage_cues().question)
    if unit is None:
        return []
    asked = {n.nutrient.casefold() for n in read_nutrients(question)}
    out: list[str] = []
    for line in lines:
        markers = re.findall(r"\[\d+\]", line)
        if not markers:
            continue
        plain = re.sub(r"\[\d+\]", " ", line)
        for d in parse_doses(plain):
            named = nutrient_before(plain, d.start)
            if asked and not (named and named.casefold() in asked):
                continue  # another nutrient's amount ("in mg" of <nutrient>: not the <other>'s)
            text = converted(d, unit)
            said = msg.UNIT_CONVERTED.format(unit=_unit_token(unit), amount=d.text, converted=text)
            if text is not None and not any(o.startswith(said) for o in out):  # once, where first stated
                out.append(f"{said} {markers[-1]}")
    return out


def field_names(cues: DosageCues | None = None) -> tuple[str, ...]:
    """The fields questions can be answered about from records (those the cues file names)."""
    return tuple((cues or dosage_cues()).question.fields)


def docs_by_field(docs: Iterable[Document]) -> Mapping[str, Document]:
    """Dosage Guide chunks by field title."""
    return {str(d.metadata.get("title")): d for d in docs if d.metadata.get("kind") == "field"}
