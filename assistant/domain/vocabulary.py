"""The domain vocabulary: units, nutrients and their forms, interaction classes, the lexicon.

Loaded once from the YAML files of ``assistant/domain/vocabulary/`` and validated with pydantic; a
bad file is a :class:`VocabularyError` that names the file and the line. Adding a class, a brand, a
synonym or a unit is a change to those files, never to code.

Example:
    >>> v = vocabulary()
    >>> v.unit("mcg").canonical
    'µg'
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.errors import FileLineError

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabulary"
FILES = ("units.yaml", "nutrients.yaml", "interactions.yaml", "lexicon.yaml")


class VocabularyError(FileLineError):
    """A vocabulary file that cannot be used."""


# --------------------------------------------------------------------------- models


class Unit(BaseModel):
    canonical: str
    token: str
    factor_ug: float | None = Field(default=None, gt=0)
    rewrite: Literal["always", "number", "never"] = "never"
    spellings: list[str] = Field(min_length=1)


class Form(BaseModel):
    name: str
    terms: list[str] = Field(default_factory=list)
    ug_per_iu: float | None = Field(default=None, gt=0)
    #: an amount of this form is a compound's weight, not the nutrient's ("325 mg <salt>")
    compound: bool = False


class Nutrient(BaseModel):
    name: str
    terms: list[str] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    ug_per_iu: float | None = Field(default=None, gt=0)
    #: the nutrients whose amounts together make this one's (the members of a family of compounds):
    #: a product that states them is measured by them (its own figure may be the whole oil's mass)
    parts: list[str] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.terms]


class Member(BaseModel):
    terms: list[str] = Field(default_factory=list)
    expansion: str | None = None


class InteractionClass(BaseModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    members: dict[str, Member] = Field(default_factory=dict)
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    #: what its medicines are taken for: "<one of these> pills", "a tablet for my <one of these>"
    #: name the class (with the lexicon's ``medicine_nouns``), as its phrases do
    used_for: list[str] = Field(default_factory=list)
    monitoring: dict[str, str] = Field(default_factory=dict)
    expansion: str = ""
    unnamed_expansion: str | None = None
    lexical: str = ""
    referral: str
    note_only: bool = False
    question_phrases: list[str] = Field(default_factory=list)
    #: regular expressions (over the casefolded question) that bring a note-only class as its
    #: question_phrases do, for wordings no fixed phrase covers ("swallowed a bunch of tablets")
    question_patterns: list[str] = Field(default_factory=list)
    #: regular expressions (over the casefolded question) saying that it may have happened already
    #: ("my toddler swallowed a handful of my tablets"), and what is said first then, before anything
    #: the page says: where to get help now
    urgent_patterns: list[str] = Field(default_factory=list)
    #: ... unless one of these says who took it is not a person (a pet): then ``urgent_not_referral``
    urgent_not: list[str] = Field(default_factory=list)
    urgent_referral: str | None = None
    urgent_not_referral: str | None = None

    @field_validator("patterns", "question_patterns", "urgent_patterns", "urgent_not")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)
        return patterns

    def names(self) -> dict[str, str]:
        """Every single-word or multi-word name of a member -> the member's generic name."""
        out: dict[str, str] = {}
        for generic, member in self.members.items():
            out[generic] = generic
            out.update({t: generic for t in member.terms})
        return out


class Rewrite(BaseModel):
    why: str
    pattern: str
    to: str
    #: the replacement names what the words mean ("memory" is cognition): a page that has the
    #: replacement's words covers a question's word (the scope check does not call it off-topic);
    #: false for a rewrite that only relates them ("natto" is a food with one form)
    covers: bool = False

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        re.compile(pattern)
        return pattern


class Negation(BaseModel):
    triggers: list[str] = Field(default_factory=list)
    terminators: list[str] = Field(default_factory=list)
    pseudo: list[str] = Field(default_factory=list)
    #: the words after a trigger that make a negated statement about oneself (see lexicon.yaml)
    statements: list[str] = Field(default_factory=list)
    #: regular expressions of what, right after a negated phrase, says someone does take it after
    #: all ("my husband isn't on <medicine> but I am"): that phrase negates nothing
    affirmed_after: list[str] = Field(default_factory=list)
    #: words that make a negated sentence opener a statement about oneself (see lexicon.yaml)
    statement_nouns: list[str] = Field(default_factory=list)
    #: terminators that open what is taken after all ("no meds except a multivitamin")
    exceptions: list[str] = Field(default_factory=list)
    #: triggers that say one came off a medicine ("stopped", "quit"): negated ("I haven't stopped")
    #: they affirm, and neither negates
    stopping: list[str] = Field(default_factory=list)
    #: regular expressions of taking a medicine again, anywhere in the sentence after a trigger
    #: ("came off <medicine> last month and will restart it"): that trigger negates nothing
    resumed: list[str] = Field(default_factory=list)
    #: regular expressions matched right after a stopping trigger: the medicine is taken again in the
    #: next clause ("stopped <medicine>, doc says I'll restart it"): that trigger negates nothing
    resumed_after_stop: list[str] = Field(default_factory=list)
    #: regular expressions of a negated stop or a start still to come ("won't stop <medicine>",
    #: "haven't started it yet"): a trigger inside one negates nothing, the medicine is taken
    continuing: list[str] = Field(default_factory=list)
    #: regular expressions of someone saying they take something ("I take <x>", "she's on <x>"): a
    #: denying statement with one of these in another clause is no reassurance only
    taking: list[str] = Field(default_factory=list)
    scope: int = Field(default=6, ge=1, le=30)

    @field_validator("affirmed_after", "resumed", "continuing", "taking")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return compiles(patterns)


class FollowupWords(BaseModel):
    """The wording of follow-ups (lexicon.yaml ``followups``; each list is explained there)."""

    new_topic: list[str] = Field(default_factory=list)
    word_forms: list[tuple[str, str]] = Field(default_factory=list)
    people_conditions: list[str] = Field(default_factory=list)
    people_words: list[str] = Field(default_factory=list)
    study_words: list[str] = Field(default_factory=list)
    reference_words: list[str] = Field(default_factory=list)
    study_anaphors: list[str] = Field(default_factory=list)
    study_pronoun: list[str] = Field(default_factory=list)
    #: the pointers that point at several things at once ("how much did they give?" after a list)
    plural_pointers: list[str] = Field(default_factory=list)
    #: what, right before a supplement's name and a product word, asks of that supplement's products
    category_askers: list[str] = Field(default_factory=list)
    #: a word of a name and the shorter ways users write it ("vit d" names what "vitamin d" names)
    short_forms: dict[str, list[str]] = Field(default_factory=dict)
    other_form: list[str] = Field(default_factory=list)
    own_intent: list[str] = Field(default_factory=list)
    fillers: list[str] = Field(default_factory=list)
    #: words that, ending a turn, ask it of what the conversation asked ("is <x> enough?")
    open_ends: list[str] = Field(default_factory=list)
    pointers: list[str] = Field(default_factory=list)
    one_pointers: list[str] = Field(default_factory=list)
    #: "how does it compare to <B>": the turn keeps what it points back at beside what it names
    compared_with: list[str] = Field(default_factory=list)
    product_words: list[str] = Field(default_factory=list)
    described_heads: list[str] = Field(default_factory=list)
    same_form: list[str] = Field(default_factory=list)
    #: "that much", "that amount": the one amount the last answer states (see lexicon.yaml ``same_amount``)
    same_amount: dict[str, list[str]] = Field(default_factory=dict)
    source: list[str] = Field(default_factory=list)
    across_studies: list[str] = Field(default_factory=list)
    study_members: list[str] = Field(default_factory=list)
    dose_words: list[str] = Field(default_factory=list)
    field_names: dict[str, list[str]] = Field(default_factory=dict)
    #: which of the last answer's cited items a turn points at ("the second one": 2; "the last": -1)
    ordinals: dict[str, int] = Field(default_factory=dict)
    #: what follows "the <ordinal>" when a turn points at an item of the last answer by its place
    #: (regular expression: "of those", "one you said"); see lexicon.yaml ``place_pointer``
    place_pointer: str = r"(?!)"
    #: what may follow "the one" / "the study" to describe a study of its own ("with 1 g a day", "in
    #: older adults"; regular expressions, see lexicon.yaml ``described_after``)
    described_after: list[str] = Field(default_factory=list)
    #: who a sentence is about: the user ("self") or someone they describe ("other"); see lexicon.yaml
    #: ``persons``
    persons: dict[Literal["self", "he", "she", "other"], list[str]] = Field(default_factory=dict)
    described_by: list[str] = Field(default_factory=list)
    #: how a statement that sets the scene opens: someone said doing or being something, after a
    #: greeting or a joint (see lexicon.yaml ``scene_openers``)
    scene_leads: str = ""
    scene_openers: list[str] = Field(default_factory=list)
    #: "he" / "she" -> the population group (of kind sex) a described person's word tells it by
    sex_groups: dict[Literal["he", "she"], str] = Field(default_factory=dict)

    @field_validator("new_topic", "other_form", "study_pronoun", "same_form", "source", "compared_with",
                     "across_studies", "study_members", "dose_words", "described_after")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return compiles(patterns)

    @field_validator("persons")
    @classmethod
    def _persons_compile(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        return compiles_each(v)


class FigureKind(BaseModel):
    """A kind of figure a question asks (a change, a threshold): how a question asks it and how a
    sentence states it (see lexicon.yaml ``figure_kinds``)."""

    asked: list[str] = Field(min_length=1)
    stated: list[str] = Field(min_length=1)
    #: what an answer none of whose lines states this kind says is not stated: the question's own
    #: words ({phrase}: what ``asked`` matched; {last}: its last word: "how many {last}"). None: the
    #: answer says so only where it says a figure is missing (see lexicon.yaml ``figure_kinds``)
    says: str | None = None
    #: two amounts in one unit on one of the answer's lines let the reader set them side by side ("11
    #: mg — boys; 15 mg — girls"): the gap is not said (the answer computes no difference itself)
    read_from_two: bool = False
    #: an answer that leaves this kind unstated and speaks of none of the words asking it answers a
    #: neighbouring question ("how many weeks before my <level> goes up?" with the daily allowance):
    #: the monograph does not say (see :func:`assistant.answer.scope.figure_beside`); "always": one
    #: that leaves it unstated answers a neighbouring question whatever words it shares
    beside: bool | Literal["always"] = False
    #: False: a detail, no figure ("does it go away once you stop?", "one dose or split?"): the
    #: answer says it is not stated where no line states it, but the question asks no figure (no line
    #: is dropped or judged for the numbers it lacks)
    figure: bool = True

    @field_validator("asked", "stated")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return compiles(patterns)


class Lexicon(BaseModel):
    rewrites: list[Rewrite] = Field(default_factory=list)
    stopwords: dict[str, str] = Field(default_factory=dict)
    #: text-speak and what it stands for ("shud": "should"; see lexicon.yaml ``shorthand``)
    shorthand: dict[str, str] = Field(default_factory=dict)
    general: dict[str, str] = Field(default_factory=dict)
    #: words that are a topic of their own whenever a page lacks them, however little they move the
    #: question (see lexicon.yaml ``topics``)
    topics: dict[str, str] = Field(default_factory=dict)
    #: what a monograph's notes usually cover but a page may leave out, by the token a question
    #: names it with -> how an answer names it (see lexicon.yaml ``unlisted``)
    unlisted: dict[str, str] = Field(default_factory=dict)
    #: common medicines no interaction class holds (see lexicon.yaml ``other_medicines``)
    other_medicines: list[str] = Field(default_factory=list)
    #: the words a medicine is called by whatever it is (see lexicon.yaml ``medicine_nouns``): with
    #: an interaction class's ``used_for``, a medicine named by its use
    medicine_nouns: list[str] = Field(default_factory=list)
    #: regular expressions of what a question says is taken, its group ``thing`` (see lexicon.yaml
    #: ``taken_things``)
    taken_things: list[str] = Field(default_factory=list)
    #: regular expressions of what a question asks the dose of, its group ``thing`` (see lexicon.yaml
    #: ``dosed_things``)
    dosed_things: list[str] = Field(default_factory=list)
    #: regular expressions of an ask about taking things together (see lexicon.yaml ``together``)
    together: list[str] = Field(default_factory=list)
    #: ... or about what one does to the other ("does <x> block <y>?"; lexicon.yaml ``effect_on``)
    effect_on: list[str] = Field(default_factory=list)
    #: ... unless the question sets the two side by side ("which is better absorbed, <x> or <y>?",
    #: "does <x> do it better than <y>?"; lexicon.yaml ``effect_compared``)
    effect_compared: list[str] = Field(default_factory=list)
    #: how a turn leans on the conversation before it (read by assistant/followup.py)
    followups: FollowupWords = Field(default_factory=FollowupWords)
    negation: Negation = Field(default_factory=Negation)
    #: regular expressions (over the folded question) of a question that asks for an amount: a dose,
    #: how much to take, a limit. Such a question about a nutrient no monograph in scope is about is
    #: never answered with that monograph's figures.
    amount_questions: list[str] = Field(default_factory=list)
    #: regular expressions of a question that asks for a figure (see lexicon.yaml ``figure_questions``)
    figure_questions: list[str] = Field(default_factory=list)
    #: kinds of figure whose asking needs a sentence stating that kind, not any number
    figure_kinds: dict[str, FigureKind] = Field(default_factory=dict)
    #: words that open a second ask inside one question (see lexicon.yaml ``part_openers``)
    part_openers: list[str] = Field(default_factory=list)
    #: asks for what a supplement is or does (see lexicon.yaml ``summary_questions``)
    summary_questions: list[str] = Field(default_factory=list)
    #: regular expressions of what joins the names of a list ("<a>, <b> and <c>", "<a> vs <b>")
    #: (see lexicon.yaml ``list_joints``)
    list_joints: list[str] = Field(default_factory=list)
    #: regular expressions of a statement that someone has a condition, with a ``condition`` group
    #: (see lexicon.yaml ``stated_conditions``)
    stated_conditions: list[str] = Field(default_factory=list)
    #: words that end a stated condition's name ("a <condition> at the moment": "<condition>")
    condition_ends: list[str] = Field(default_factory=list)
    #: a condition's last word that names it only with a word before it ("<organ> disease", not "disease")
    generic_conditions: list[str] = Field(default_factory=list)
    #: regular expressions of a phrase that names something only to compare ("like you have to
    #: with <another supplement>"): its names are no subject (see lexicon.yaml ``comparisons``)
    comparisons: list[str] = Field(default_factory=list)
    #: regular expressions of a question about a supplement's interactions that names no medicine
    #: ("does it interact with any medicines?"; see lexicon.yaml ``interaction_questions``)
    interaction_questions: list[str] = Field(default_factory=list)
    #: regular expressions of a question about a supplement's safety as a whole ("any warnings about
    #: it?", "is <it> safe?"): every caution answers it (see lexicon.yaml ``safety_questions``)
    safety_questions: list[str] = Field(default_factory=list)
    #: regular expressions of a question about its interaction with "it" or "them" ("never took
    #: <medicine>. does <x> interact with it?"): about the medicine the question denies taking
    denied_interaction_questions: list[str] = Field(default_factory=list)
    #: words that after "or" make a range, not a second thing to choose ("my age or younger")
    choice_ranges: list[str] = Field(default_factory=list)
    #: words that pick one of several numbered kinds of a thing ("type 1", "stage 3"); see
    #: lexicon.yaml ``numbered_kinds``
    numbered_kinds: list[str] = Field(default_factory=list)
    #: words that may open the second side of a choice before its content ("<a> or the <b>")
    choice_openers: list[str] = Field(default_factory=list)
    #: regular expressions of a question whether what is said reaches something more ("does <it> apply
    #: to <a> too?"), each ending where that thing begins (see lexicon.yaml ``extension_leads``)
    extension_leads: list[str] = Field(default_factory=list)

    @field_validator("amount_questions", "stated_conditions", "figure_questions", "comparisons",
                     "interaction_questions", "safety_questions", "denied_interaction_questions",
                     "extension_leads")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return compiles(patterns)


class Vocabulary(BaseModel):
    units: list[Unit]
    nutrients: list[Nutrient]
    classes: list[InteractionClass]
    lexicon: Lexicon

    def unit(self, spelling: str) -> Unit:
        """The unit a spelling names (``ValueError`` for an unknown one)."""
        s = re.sub(r"\s+", " ", spelling.strip().casefold())
        for u in self.units:
            if s in {x.casefold() for x in u.spellings} or s == u.canonical.casefold():
                return u
        raise ValueError(f"unknown unit: {spelling!r}")

    def interaction_class(self, name: str) -> InteractionClass:
        for c in self.classes:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def general_words(self) -> frozenset[str]:
        """Words that are never a question's topic by themselves (see lexicon.yaml ``general``), and
        the units' one-word spellings ("how many grams is the limit" asks for a unit, not a topic)."""
        units = {s for u in self.units for s in u.spellings if " " not in s}
        return frozenset(w for words in self.lexicon.general.values() for w in words.split()) | units

    @property
    def topic_words(self) -> frozenset[str]:
        """Words that are a topic whenever a page lacks them (lexicon.yaml ``topics``)."""
        return frozenset(w for words in self.lexicon.topics.values() for w in words.split())

    @property
    def stopwords(self) -> frozenset[str]:
        return frozenset(w for words in self.lexicon.stopwords.values() for w in words.split())

    def terms(self) -> Iterator[str]:
        """Every name the vocabulary holds for a nutrient, form or medicine (for the code scan)."""
        for n in self.nutrients:
            yield from n.terms
            for f in n.forms:
                yield f.name
                yield from f.terms
        for c in self.classes:
            for generic, member in c.members.items():
                yield generic
                yield from member.terms


# --------------------------------------------------------------------------- loading


def _located(node: yaml.Node, lines: dict[tuple[Any, ...], int], path: tuple[Any, ...] = ()) -> Any:
    """The Python value of a YAML node, recording each value's line (1-based) under its path."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for k, v in node.value:
            key = yaml.safe_load(yaml.serialize(k))
            lines[(*path, key)] = k.start_mark.line + 1
            out[key] = _located(v, lines, (*path, key))
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_located(v, lines, (*path, i)) for i, v in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def load_file(path: Path) -> tuple[dict[str, Any], dict[tuple[Any, ...], int]]:
    """A vocabulary file as a dict, and the line of every value in it."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise VocabularyError(path, (mark.line + 1) if mark else 1, f"broken YAML: {exc}") from None
    except OSError as exc:
        raise VocabularyError(path, 1, f"cannot read: {exc}") from None
    lines: dict[tuple[Any, ...], int] = {}
    data = _located(node, lines) if node is not None else {}
    if not isinstance(data, dict):
        raise VocabularyError(path, 1, "the file must be a mapping of keys to lists")
    return data, lines


def line_of(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    """The line of the deepest part of ``loc`` that :func:`load_file` recorded (1 when none)."""
    return next((lines[loc[:i]] for i in range(len(loc), 0, -1) if loc[:i] in lines), 1)


M = TypeVar("M", bound=BaseModel)
K = TypeVar("K")


def compiles(patterns: list[str]) -> list[str]:
    """``patterns`` when each is a valid regular expression (a pydantic validator for the cue
    files' pattern lists: the error names the pattern, and :func:`load_validated` its line)."""
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"{p!r} is not a valid pattern: {exc}") from None
    return patterns


def compiles_each(lists: dict[K, list[str]]) -> dict[K, list[str]]:
    """``lists`` when every pattern of each list is a valid regular expression (:func:`compiles`)."""
    for patterns in lists.values():
        compiles(patterns)
    return lists


def load_validated(path: Path | str, model: type[M], error: type[FileLineError]) -> M:
    """A YAML file read with :func:`load_file` and validated as ``model``.

    Any problem (an unreadable or broken file, a value the model refuses) is raised as ``error``
    naming the file and the line: ``path:line: problem``.
    """
    try:
        data, lines = load_file(Path(path))
    except FileLineError as exc:
        raise error(exc.path, exc.line, exc.problem) from None
    try:
        return model(**data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        what = ".".join(str(x) for x in loc)
        raise error(path, line_of(lines, loc), f"{what}: {err['msg']}") from None


def load_vocabulary(folder: Path = VOCABULARY_DIR) -> Vocabulary:
    """Read and validate the vocabulary files of ``folder``."""
    merged: dict[str, Any] = {}
    where: dict[str, tuple[Path, dict[tuple[Any, ...], int]]] = {}
    for name in FILES:
        path = folder / name
        data, lines = load_file(path)
        for key, value in data.items():
            if key in merged:
                raise VocabularyError(path, lines.get((key,), 1), f"'{key}' is defined twice")
            merged[key] = value
            where[key] = (path, lines)
    lexicon = {key: merged.pop(key) for key in Lexicon.model_fields if key in merged}
    try:
        return Vocabulary(**merged, lexicon=Lexicon(**lexicon))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        top = loc[0] if loc else ""
        if top == "lexicon" and len(loc) > 1:
            top, loc = str(loc[1]), loc[1:]
        path, lines = where.get(str(top), (folder / FILES[0], {}))
        what = ".".join(str(x) for x in loc)
        raise VocabularyError(path, line_of(lines, loc), f"{what}: {err['msg']}") from None
    except re.error as exc:  # pragma: no cover - pydantic wraps validator errors
        raise VocabularyError(folder, 1, f"a pattern does not compile: {exc}") from None


@functools.cache
def vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package (loaded once)."""
    return load_vocabulary()


@functools.cache
def vocabulary_digest(folder: Path = VOCABULARY_DIR) -> str:
    """A short hash of the vocabulary files: the words passages are reduced to (the lexicon's
    rewrites, units) and the names the catalogue knows depend on them, so data kept with an index
    generation under another digest is made anew."""
    h = hashlib.sha256()
    for name in FILES:
        h.update(name.encode() + b"\0" + (folder / name).read_bytes())
    return h.hexdigest()[:12]
