"""Questions across products ('which has the most', 'which ones state no amount', 'more of A than
of B', 'more than <a named product>', 'how many'), answered from the products' structured amounts
(and, where those give none, the amount the description itself states for the nutrient); every
product named is cited. The cue words live in ``assistant/domain/product_cues.yaml``."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from langchain_core.documents import Document
from pydantic import BaseModel, Field, field_validator

from assistant import messages as msg
from assistant.answer.citations import CitationBook
from assistant.corpus import Nutrient as ProductNutrient
from assistant.corpus import Product
from assistant.domain.vocabulary import compiles, compiles_each, load_validated, vocabulary
from assistant.doses import Dose, parse_doses
from assistant.errors import FileLineError
from assistant.normalize import (
    asking_sentences,
    content_tokens,
    content_tokens_with_parts,
    cue,
    cue_alternation,
    cue_fold,
    fold,
    general_words,
    lexical_form,
    name_terms,
    sentences_of,
    tokens,
    without_medicine_phrases,
)
from assistant.nutrients import (
    NamedNutrient,
    form_words,
    mentioned_nutrients,
    micrograms,
    name_lead,
    parts_of,
    read_nutrients,
)
from assistant.types import ProductRow

CUES_PATH = Path(__file__).resolve().parent.parent / "domain" / "product_cues.yaml"


# --------------------------------------------------------------------------- the cues file


#: how an amount asked bounds the products' amounts: above it, at least it, below it, at most it, within
#: a range, or the closest to it
BOUND_KINDS = ("above", "at_least", "below", "at_most", "range", "closest")


#: where a clause of the folded question ends (its punctuation or a dash), and also before a contrast
_CLAUSE_END = re.compile(r"[,;:?!.()\[\]—–]|\s-\s")
_CLAUSE_OR_CONTRAST_END = re.compile(rf"{_CLAUSE_END.pattern}|\bbut\b")


class ProductCuesError(FileLineError):
    """A bad ``product_cues.yaml``; ``str()`` is ``path:line: problem``."""




class QuestionCues(BaseModel):
    product_words: list[str]
    label: list[str] = Field(default_factory=list)
    across: list[str]
    most: list[str]
    least: list[str]
    than: list[str]
    against: list[str] = []
    compare_verbs: list[str] = []
    compare_joiners: list[str] = []
    missing: list[str]
    aversion: list[str] = Field(default_factory=list)
    aversion_not_before: list[str] = Field(default_factory=list)
    aversion_asking: list[str] = Field(default_factory=list)
    persons: list[str] = Field(default_factory=list)
    limit: list[str] = []
    count: list[str]
    choose: list[str] = []
    choose_kind: list[str] = []
    seek_property: list[str] = []
    #: a clause that states the asker's own experience ("i get <symptom> from <kind>s, ..."): its kinds
    #: are not asked for when a property is sought
    own_statement: list[str] = []
    not_products: list[str] = []
    every_page: list[str] = []
    one: list[str] = []
    holds: list[str] = []
    holds_all: list[str] = []
    amount_words: list[str] = []
    servings: list[str] = []
    reference_words: list[str] = []
    page_words: list[str] = []
    kind_asked: list[str] = []
    kind_lead: list[str] = []
    kind_tail: list[str] = []
    serving_size: list[str] = []
    per_serving: list[str] = []
    second_ask: list[str] = []
    uses: list[str] = []
    earlier_words: list[str] = []
    with_words: list[str] = []
    back_words: list[str] = []
    reason: list[str] = []
    not_across: list[str] = []
    one_with: list[str] = []
    amount_of_one: list[str] = []
    one_words: list[str] = []
    #: words after a product word that set the product beside a limit ("does the <described> softgel
    #: go over the upper limit?"): they end the phrase that describes it
    beside_limit: list[str] = []
    #: what ends the words a product is set beside ("over the upper limit if I also take <x>")
    beside_limit_ends: list[str] = []
    which_form: list[str] = []
    choose_plural: list[str] = []
    #: asking for every product in order of an amount ("sort them by <nutrient>", "rank them")
    rank: list[str] = []
    #: the place after the most or least ("the second highest"; in a follow-up, "and the next one up?")
    next_place: list[str] = []
    next_turn: list[str] = []
    #: two products offered as a choice ("which has more <nutrient>: <A> or <B>?"): groups a, b, what
    #: (the nutrient and its basis) and word (a more or less word); asked as "does <A> have more
    #: <what> than <B>"
    choice: list[str] = []
    #: product words that only choose ("which one"): none when the question offers two of the
    #: vocabulary's names as the choice, joined by one of ``offer_joiners`` ("<A> vs <B> - which one
    #: ...": one of the two, no product)
    choosers: list[str] = []
    #: after "is there a <supplement>" asking of a property: the words that end the name there
    category_after: list[str] = []
    #: before "<supplement> <products>": the words that make the name choose the supplement's products
    category_before: list[str] = []
    #: "<supplement>s with the most <nutrient>": the words between the name and the most/least word
    category_ranked: list[str] = []
    #: plural product words that ask for products when a bound amount follows them (see
    #: :func:`_asks_for_products`)
    plural_products: list[str] = []
    plural_joiners: list[str] = []
    plural_not_asking: list[str] = []
    offer_joiners: list[str] = []
    #: an amount the products' amounts are held against ("more than <amount>", "<amount> or more",
    #: "anywhere near <amount>"): each kind's cues right before the amount, and (``bound_after``)
    #: right after it; a range asked with one of ``bound_range``
    bound: dict[str, list[str]] = {}
    bound_after: dict[str, list[str]] = {}
    bound_range: list[str] = []
    #: a question about safety or risk ("safe for", "what happens if", "too much"): the products
    #: held against its amount come after the page's upper limit (see :func:`asks_risk`)
    bound_risk: list[str] = []
    #: whether the supplement works or is worth taking ("does it actually work", "good or bad"): what
    #: a product's description claims is no evidence, so its passages do not answer (see
    #: :func:`asks_evidence`)
    evidence: list[str] = []
    #: whether what a product adds does what its description claims (see :func:`asks_claim`)
    claim: list[str] = []

    @field_validator("bound", "bound_after")
    @classmethod
    def _bound_patterns(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(v) - set(BOUND_KINDS)
        if unknown:
            raise ValueError(f"unknown bound kind(s) {sorted(unknown)}; known: {list(BOUND_KINDS)}")
        return {k: compiles(ps) for k, ps in v.items()}

    @field_validator("product_words", "across", "most", "least", "than", "missing", "limit", "count",
                     "choose", "not_products", "one", "holds", "holds_all", "amount_words", "servings",
                     "reference_words",
                     "page_words", "kind_asked", "kind_lead", "kind_tail", "serving_size", "per_serving",
                     "second_ask", "uses", "earlier_words", "with_words", "back_words", "reason", "claim",
                     "not_across", "one_with", "amount_of_one", "one_words", "which_form", "choose_plural",
                     "choice", "rank", "next_place", "next_turn", "bound_range", "bound_risk", "aversion",
                     "aversion_not_before", "aversion_asking", "persons", "choosers", "offer_joiners",
                     "plural_products", "plural_joiners", "plural_not_asking",
                     "category_after", "category_ranked", "category_before", "choose_kind",
                     "seek_property", "own_statement", "evidence", "beside_limit", "beside_limit_ends")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)


class DescriptionCues(BaseModel):
    kinds: dict[str, list[str]]
    forms: dict[str, list[str]] = {}
    serving_units: list[str]
    number_words: list[str]
    serving_words: list[str] = []
    share_words: list[str] = []

    @field_validator("kinds", "forms")
    @classmethod
    def _kind_patterns(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        return compiles_each(v)

    @field_validator("serving_units", "serving_words", "share_words")
    @classmethod
    def _unit_patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)


class PropertyCues(BaseModel):
    what: str
    question: list[str]
    description: list[str]
    #: only a product's own report settles it: one product's report silent on it is no answer
    product_only: bool = False

    @field_validator("question", "description")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)


class DetailCues(BaseModel):
    """A detail one product's report may state (its frequency, name, what its amounts are per)."""

    what: str
    question: list[str]
    description: list[str] = []
    #: where else the report states it: "name" (its product name), "serving" (what its amounts are per)
    source: Literal["name", "serving"] | None = None

    @field_validator("question", "description")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        return compiles(v)


class AnswerCues(BaseModel):
    one_states: str
    one_named: str
    one_absent: str
    and_named: str
    and_absent: str
    it: tuple[str, str]
    from_compound: str = ""
    property: str
    property_none: str
    exclude_none: str
    exclude_some: str
    form_other: str
    form_unstated: str
    form_none: str
    form_none_plain: str
    servings_none: str
    form_stated: str
    form_not_stated: str
    servings_stated: str
    kind_stated: str
    kind_not_stated: str
    kind_list: str
    kind_unlisted: str
    kind_other: str
    kind_unstated: str
    kind_none: str
    serving_size_none: str
    serving_size_plain: str
    serving_size_amounts: str
    serving_size_nothing: str
    property_one: str
    phrase_none: str
    phrase_some: str
    compare_one: str
    compare_same: str
    one_says: str = 'The description of {product} says: “{text}”'
    detail_unstated: str = 'The description of {product} does not state {what}'
    detail_stated: str = 'On {what}, the description of {product} says: “{text}”'
    detail_named: str = 'The report names the product “{text}”'
    form_unstated_any: str = 'These name {nutrient} but do not state its form: {items}'


class ProductCues(BaseModel):
    question: QuestionCues
    description: DescriptionCues
    properties: dict[str, PropertyCues] = {}
    details: dict[str, DetailCues] = {}
    answers: AnswerCues


def parse_cues(path: Path | str) -> ProductCues:
    """Read and validate a cues file; a problem is a :class:`ProductCuesError` naming its line."""
    return load_validated(path, ProductCues, ProductCuesError)


@functools.lru_cache(maxsize=4)
def product_cues(path: str | None = None) -> ProductCues:
    """The cues (the packaged file unless ``path`` names another), read once per path."""
    return parse_cues(path or CUES_PATH)




# --------------------------------------------------------------------------- what a description states


@dataclass(frozen=True)
class Stated:
    """An amount of one nutrient a product states: as written, parsed, and what it is given for."""

    nutrient: str
    amount: str | None
    dose: Dose | None
    form: str | None
    serving: str | None  # "per drop", "per 5 mL serving" (the description's words), or None

    @property
    def micrograms(self) -> float | None:
        return micrograms(self.nutrient, self.form, self.dose)

    @property
    def unit(self) -> str | None:
        return self.dose.unit if self.dose else None

    def detail(self) -> str:
        """'<nutrient> 650 mg per two-softgel serving' (the nutrient alone when no amount is stated)."""
        return " ".join(x for x in (self.nutrient, self.amount, self.serving if self.amount else None) if x)


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    starts = [m.end() for m in re.finditer(r"[.!?](?=\s)", text[:pos])]
    end = re.search(r"[.!?](?=\s|$)", text[pos:])
    return (starts[-1] if starts else 0), (pos + end.start() if end else len(text))


def _serving_after(text: str, pos: int) -> str | None:
    """The "per <serving>" the amount ending at ``pos`` is given for, in the same sentence."""
    _, end = _sentence_bounds(text, pos)
    units = product_cues().description.serving_units
    alts = "|".join(sorted(units, key=len, reverse=True))
    m = re.search(rf"\bper\s+(?:[\w.,-]+\s+){{0,2}}?(?:{alts})(?![\w-])(?:\s*\([^)]*\))?",
                  text[pos:end], re.IGNORECASE)
    return re.sub(r"\s+", " ", m.group(0)) if m else None


def _nearest_named(text: str, start: int) -> str | None:
    """The nutrient named last before ``start`` in its sentence (the one an amount there is of)."""
    s, _ = _sentence_bounds(text, start)
    named = read_nutrients(text[s:start])
    return named[-1].nutrient if named else None


def stated(p: Product, nutrient: str) -> Stated | None:
    """What product ``p`` states of ``nutrient``: its structured amount, else the amount its
    description gives right after naming that nutrient ("This <nutrient> liquid provides 400 IU per
    drop"); None when the product does not name the nutrient."""
    n = p.nutrient(nutrient)
    if n is None:
        return None
    form = n.form or _description_form(p, n.nutrient)
    if n.amount:
        at = p.text.find(n.amount)
        serving = _serving_after(p.text, at + len(n.amount)) if at >= 0 else None
        return Stated(n.nutrient, n.amount, n.dose, form, serving)
    for d in parse_doses(p.text):
        named = _nearest_named(p.text, d.start)
        if named is not None and named.casefold() == n.nutrient.casefold():
            return Stated(n.nutrient, d.text, d, form, _serving_after(p.text, d.end))
    return Stated(n.nutrient, None, None, form, None)


@dataclass(frozen=True)
class Measure:
    """How much of a nutrient a product states, in µg, and the amounts that say it (its own, or
    those of its parts)."""

    micrograms: float
    states: tuple[Stated, ...]

    @property
    def amount(self) -> str | None:
        return self.states[0].amount


def stated_parts(p: Product, nutrient: str) -> list[Stated]:
    """The amounts product ``p`` states of ``nutrient``'s parts (empty: it has none, or states none)."""
    return [s for n in parts_of(nutrient) if (s := stated(p, n)) is not None and s.micrograms is not None]


def _listed(s: Stated | None) -> list[Stated]:
    return [s] if s is not None else []


def measured(p: Product, nutrient: str) -> Measure | None:
    """How much of ``nutrient`` product ``p`` states: a nutrient with parts by the parts' amounts it
    states (its own figure may be the mass of the whole oil, not of the nutrient), else by its own
    amount; None when it states no amount that converts to mass."""
    if parts := stated_parts(p, nutrient):
        return Measure(sum(s.micrograms or 0.0 for s in parts), tuple(parts))
    s = stated(p, nutrient)
    return Measure(s.micrograms, (s,)) if s is not None and s.micrograms is not None else None


@dataclass(frozen=True)
class Share:
    """The share of a compound that is the nutrient, as a description states both amounts ("<n> mg
    of elemental <nutrient> (from <m> mg <form>)"): what a monograph's "about N% elemental" of a
    form is for that form's products."""

    nutrient: str
    form: str
    amount: str  # the nutrient's amount, as written
    whole: str  # the compound's amount, as written
    percent: float


def stated_share(p: Product, nutrient: str) -> Share | None:
    """The share of its compound that product ``p``'s description states is ``nutrient``: its amount,
    then in the same sentence one of ``description.share_words`` ("from"), an amount in a mass unit and
    a form of the nutrient the vocabulary knows. None when it states no such pair."""
    s = stated(p, nutrient)
    if s is None or s.amount is None or s.micrograms is None or (at := p.text.find(s.amount)) < 0:
        return None
    _, end = _sentence_bounds(p.text, at)
    rest = p.text[at + len(s.amount):end]
    lead = re.compile(rf"(?<![\w-])(?:{cue_alternation(product_cues().description.share_words)})\s*$")
    forms = {f.name for n in vocabulary().nutrients
             for f in n.forms if n.name.casefold() == nutrient.casefold()}
    for d in parse_doses(rest):
        if d.micrograms is None or not d.micrograms or not lead.search(cue_fold(rest[:d.start]).rstrip()):
            continue
        named = [f for f in _forms_named(lexical_form(rest[d.end:d.end + 60])) if f in forms]
        if named:
            return Share(s.nutrient, named[0], s.amount, d.text, 100.0 * s.micrograms / d.micrograms)
    return None


@functools.lru_cache(maxsize=4096)
def _described(text: str) -> tuple[NamedNutrient, ...]:
    """The nutrients a product's description names (read once per description: asked again and again)."""
    return tuple(read_nutrients(text))


def _description_form(p: Product, nutrient: str) -> str | None:
    return next((x.form for x in _described(p.text)
                 if x.form and x.nutrient.casefold() == nutrient.casefold()), None)


def product_forms(p: Product) -> list[str]:
    """Every form the product's front matter or description names (of any of its nutrients)."""
    found = [n.form for n in p.nutrients if n.form] + [x.form for x in _described(p.text) if x.form]
    text = fold(p.title + " " + p.text)
    found += [name for name, pats in product_cues().description.forms.items()
              if _kind_re(tuple(pats)).search(text)]
    return list(dict.fromkeys(found))


def product_kind(p: Product) -> str | None:
    """What kind of product it is (tablet, softgel, liquid, ...): the first kind its title names,
    else the first its description names."""
    kinds = product_cues().description.kinds
    for text in (fold(p.title), fold(p.text)):
        hits = [(m.start(), kind) for kind, pats in kinds.items()
                if (m := _kind_re(tuple(pats)).search(text))]
        if hits:
            return min(hits)[1]
    return None


@functools.lru_cache(maxsize=64)
def _kind_re(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """A kind's terms as words, also after a hyphen ("per two-softgel serving")."""
    return re.compile(rf"(?<!\w)(?:{'|'.join(patterns)})(?!\w)")


def cite_amount(book: CitationBook, doc: Document, p: Product, amount: str | None) -> int:
    """The marker of the product's passage (``doc``), the amount highlighted where its text writes it."""
    at = p.text.find(amount) if amount else -1
    return book.cite(doc, (at, at + len(amount)) if amount and at >= 0 else None)


def label(p: Product, details: Sequence[str] = ()) -> str:
    """The product's title with its amounts (``details``) and what its description adds, its kind
    and forms: 'Supplement: <nutrient> (gummy)', '<name> (<nutrient> 360 mg per softgel; softgel)'."""
    extra = [x for x in (product_kind(p), *product_forms(p)) if x and fold(x) not in fold(p.title)]
    parts = [*details, ", ".join(dict.fromkeys(extra))] if extra else list(details)
    return p.title + (f" ({'; '.join(parts)})" if parts else "")


# --------------------------------------------------------------------------- reading a question


@dataclass
class ProductQuery:
    nutrient: str | None  # a nutrient as products name it; None: the monograph's own (see Catalog)
    form: str | None  # a form of it, as the vocabulary names it
    direction: str | None  # "max" | "min" | None (a filter)
    missing: bool = False  # "which products don't say how much of it"
    #: every nutrient the question names, in order ("A or B")
    nutrients: tuple[str, ...] = ()
    #: "more of A than of B": the nutrient (B) compared with, within each product
    versus: str | None = None
    #: the kinds of product the question keeps ("which tablet or capsule ...")
    kinds: tuple[str, ...] = ()
    count: bool = False  # "how many products ..."
    #: the words after "than" (a product named there is what the others are compared with)
    than_text: str | None = None
    #: a property of products the question asks about (product_cues.yaml ``properties``)
    property: str | None = None
    #: "which don't have <nutrient>": the nutrients a product must not name
    excluded: tuple[str, ...] = ()
    #: "one that isn't <form>": the form the products kept are not stated as
    excluded_form: str | None = None
    #: "how many of the <products> would I need to get <amount>": servings for an amount
    servings: bool = False
    #: "how much <nutrient> is in the <words describing one product>": one product, described
    one: bool = False
    #: "is <product> a <kind> or a <kind>?": the kinds of product asked about (its kind is answered)
    asked_kinds: tuple[str, ...] = ()
    #: "one that isn't a <kind> or <kind>", "no <kind>s": the kinds of product the question leaves out
    excluded_kinds: tuple[str, ...] = ()
    #: "how many <units> is a serving": the serving size asked (the unit asked, when it names one)
    serving_size: bool = False
    serving_unit: str | None = None
    #: "do any of the products use <a phrase naming no known form>": the phrase, as the question says it
    phrase: str | None = None
    #: "which has the least A, and which one also has B": the second ask, over the same products
    then: ProductQuery | None = None
    #: "which one also has <nutrient>", "any of them": the products meant are those asked of before
    #: (in a follow-up, the conversation's supplement's; the nutrient named is what is asked of them)
    back: bool = False
    #: every product that states an amount, in order of it ("sort them by <nutrient>, smallest first")
    ranked: bool = False
    #: which place in the order is asked: 1 the most (or least), 2 the next ("the second highest")
    place: int = 1
    #: the words that describe the products asked for beyond their nutrients ("the one meant for
    #: <people>", "described as <words>"): those whose description holds them answer
    described: tuple[str, ...] = ()
    #: "any product with more than <amount>": how the amount asked bounds them (BOUND_KINDS), and it
    bound: tuple[str, Dose] | None = None


def lists_only(pq: ProductQuery | None) -> bool:
    """Does the query only list the products that have its nutrient ("what <nutrient> supplements are
    there", "... don't say how much"), asking nothing of them: no ranking, form, kind, property,
    count or bound? (None: no query)"""
    return pq is not None and replace(pq, missing=False, described=(), phrase=None) == ProductQuery(
        pq.nutrient, None, None, nutrients=pq.nutrients)


def parse_product_query(question: str, nutrient_names: Sequence[str],
                        among: bool = False) -> ProductQuery | None:
    """A question across products ('which has the most', 'which one has zinc'), or None. Two asks
    across the products joined in one question ("which has the least A, and which one also has B")
    are both answered; "does <described product> have more or less A than that" asks of one product
    (``one``); "do any of them use <a phrase>" keeps the products whose description names it. A
    question that asks why (``reason``) is none: no list of products gives a reason. ``among``: the
    conversation has set products side by side, so "which has more <nutrient>?" chooses among
    products without a product word."""
    if cue(product_cues().question.reason).search(cue_fold(question)):
        return None
    asks = _second_ask(fold(question))
    if asks is not None and (first := _parse_ask(asks[0], nutrient_names, among)) is not None and (
            second := _parse_ask(asks[1], nutrient_names, among)) is not None and (
            second.nutrients or second.form):
        return replace(first, then=second)
    pq = _parse_ask(question, nutrient_names, among)
    if asks is not None and pq is not None and (forms := _two_forms(asks)) is not None:
        return replace(pq, form=forms[0], described=(), then=replace(pq, form=forms[1], described=()))
    q = _without_limit(_amount_not_count(fold(question)))
    if (compared := _compared_one(q, nutrient_names)) is not None:  # of one product: its amounts
        return replace(compared, direction=None if _either_way(q) or pq is None else pq.direction)
    if pq is None:
        return None
    back = bool(cue(product_cues().question.back_words).search(q)) and _category_named(q) is None
    return replace(_with_phrase(pq, q, nutrient_names), back=back)


def _two_forms(asks: tuple[str, str]) -> tuple[str, str] | None:
    """ "which are <form A> and which are <form B>": the form each ask names, two different ones
    (each form's products are listed), or None."""
    first, second = (form_in_question(lexical_form(a)) for a in asks)
    return (first, second) if first is not None and second is not None and first != second else None


def asks_across_products(question: str) -> bool:
    """Does the question ask across the products (a product word, and a word that asks across them
    outside a statement), whatever it asks of them ("which of them carry the form named before")?
    A follow-up that does, naming nothing of its own, is read as its resolved question."""
    qc = product_cues().question
    q = _without_limit(_without_page(cue_fold(question)))
    return _product_word(q) and bool(cue(qc.across).search(_asking(q)))


def _product_word(q: str) -> bool:
    """Does the (folded) text hold a product word? A word that only chooses ("which one") does not
    count where the question offers two of the vocabulary's names to choose from ("<A> vs <B> -
    which one is ...": one of those two)."""
    qc = product_cues().question
    found = [m.group(0) for m in cue(qc.product_words).finditer(q)]
    if not found or any(not cue(qc.choosers).fullmatch(w) for w in found):
        return bool(found)
    return not _offers_names(q)


def _offers_names(q: str) -> bool:
    """Does the (folded) text offer two different names of the vocabulary (nutrients or forms) as a
    choice, "<A> or <B>", "<A> vs <B>"?"""
    offered = _offered_names()
    return offered is not None and any(
        m.group("a") != m.group("b") for m in offered.finditer(lexical_form(q)))


@functools.lru_cache(maxsize=1)
def _offered_names() -> re.Pattern[str] | None:
    """"<A> or <B>", "<A> vs <B>": two of the vocabulary's nutrient and form names (lexical forms,
    longest first) joined by one of ``offer_joiners``; None when there are no joiners."""
    joiners = product_cues().question.offer_joiners
    if not joiners:
        return None
    names = "|".join(re.escape(term) for term in dict.fromkeys(t for t, _, _ in name_terms()))
    return re.compile(rf"(?<![\w-])(?P<a>{names})(?![\w-])\s*,?\s*(?:{cue_alternation(joiners)})\s+"
                      rf"(?P<b>{names})(?![\w-])")


def _second_ask(q: str) -> tuple[str, str] | None:
    """The (folded) question cut before a second ask across the products (", and which one ...",
    "? any ..."), or None when it holds none."""
    words = product_cues().question.second_ask
    if not words:
        return None
    joint = re.compile(rf"(?:[?;]\s*|,\s*(?:and\s+)?|\s+and\s+)(?:also\s+)?"
                       rf"(?=(?:{cue_alternation(words)})(?![\w-]))")
    for m in joint.finditer(q):
        head, tail = q[:m.start()].strip(" ,;"), q[m.end():].strip()
        if content_tokens(head) and content_tokens(tail):
            return head, tail
    return None


def _direction(q: str) -> tuple[str | None, bool]:
    """(the direction the (folded) question ranks the products in, "max" or "min"; whether it asks
    for all of them in that order: "sort them", most first unless it says least)."""
    qc = product_cues().question
    ranked = bool(cue(qc.rank).search(q))
    most = "max" if cue(qc.most).search(q) else "min" if cue(qc.least).search(q) else None
    return most or ("max" if ranked else None), ranked


def ranking_query(question: str, nutrient_names: Sequence[str]) -> ProductQuery | None:
    """The ranking a question asks of products by the first nutrient it names ("which has more
    <x>", "the one with less <x>"), whatever products it offers; None when it ranks none or names none."""
    direction, _ = _direction(cue_fold(question))
    named = _named_nutrients(lexical_form(question), nutrient_names)
    if direction is None or not named:
        return None
    return ProductQuery(named[0], None, direction, nutrients=(named[0],))


def turn_direction(earlier: ProductQuery, turn: str, pointed: bool = False) -> ProductQuery:
    """The earlier products question a follow-up resolved to, ranked the way the turn's own words
    rank ("ok and the weakest one?" after "which is the strongest?"), at the next place when the
    turn asks it ("and the next one up?"); unchanged when the turn ranks no way or the same way.
    The earlier turns' describing words go with their ranking. A turn that ranks no way and points
    at what the answer named (``pointed``: "does it have <nutrient> too?") asks of those products,
    ranking none."""
    folded = _without_limit(_without_page(cue_fold(turn)))
    direction, _ = _direction(folded)
    qc = product_cues().question
    if earlier.direction is not None and cue([*qc.next_place, *qc.next_turn]).search(folded):
        return replace(earlier, direction=direction or earlier.direction, place=earlier.place + 1,
                       described=())
    if pointed and direction is None and earlier.direction is not None:
        return replace(earlier, direction=None, back=True, place=1, described=())
    if direction is None or earlier.direction is None or direction == earlier.direction:
        return earlier
    return replace(earlier, direction=direction, described=())


def _describing(q: str, nutrient_names: Sequence[str]) -> tuple[str, ...]:
    """The (folded) question's words that describe products beyond the nutrients, forms, kinds and
    product words it names, and the words that ask anything of any question (general words)."""
    qc = product_cues().question
    named = " ".join([*nutrient_names, *(t for n in vocabulary().nutrients for t in (n.name, *n.terms)),
                      *(t for n in vocabulary().nutrients for f in n.forms for t in (f.name, *f.terms))])
    skip = {*content_tokens(named), *content_tokens(" ".join(qc.product_words + qc.page_words)),
            *general_words()}
    rest = cue([*qc.product_words, *qc.page_words, *qc.across, *qc.holds]).sub(" ", q)
    return tuple(t for t in dict.fromkeys(content_tokens(rest))
                 if t not in skip and not any(ch.isdigit() for ch in t))


def _parse_ask(question: str, nutrient_names: Sequence[str], among: bool = False) -> ProductQuery | None:
    """One ask across products ('which has the most'; ``among``: see :func:`parse_product_query`), or None."""
    qc = product_cues().question
    q = _without_limit(_amount_not_count(fold(question)))
    direction, ranked_all = _direction(q)
    prop = asked_property(q)
    category, plural = _category_match(q) or (None, False)  # "which <supplement>(s) ...": its products
    if (servings := _servings_query(q, question, nutrient_names)) is not None:
        return servings
    if (size := _serving_size_query(question, nutrient_names)) is not None:
        return size
    if not (_product_word(_asking(q)) or category or among) or not (
            _asks_across(q, direction) or _sought_category(q)):  # with a product word: not "I take <kind>."
        if (asked := kinds_asked(q)) is not None:  # "is <product> a <kind> or a <kind>?"
            rest = q[:asked[1][0]] + " " + q[asked[1][1]:]
            named = _named_nutrients(lexical_form(rest), nutrient_names)
            return ProductQuery(named[0] if named else None, None, None, nutrients=tuple(named),
                                kinds=tuple(_kinds_in(rest)), one=True, asked_kinds=asked[0])
        return _one_described(q, nutrient_names)
    if (bounded := _bound_query(q, nutrient_names, category)) is not None or parse_doses(question):
        return bounded  # "any with more than <amount>"; else an amount names one product: a lookup
    than = cue(qc.than).search(q)
    before, after = (q[:than.start()], q[than.end():]) if than else (q, "")
    lex, lex_before, lex_after = lexical_form(question), lexical_form(before), lexical_form(after)
    form = form_in_question(lex)
    named = _named_nutrients(lex_before, nutrient_names) or _named_nutrients(lex, nutrient_names)
    # "which <supplement> has the most <component>": the nutrient ranked is the component, not the category
    components = [n for n in named if not _is_category(n, category)]
    if category and not cue(qc.product_words).search(q) and not (direction or prop or components
                                                                 or (form and plural)):
        return None  # "which <supplement> is best absorbed", "which <supplement> <form> dose": no product
    named = components or named
    if direction and (ranked := _ranked(q, nutrient_names)) is not None:
        named = [ranked, *(n for n in named if n != ranked)]  # "the most <nutrient>": that one is ranked
    nutrient = named[0] if named else None
    versus = next((n for n in _named_nutrients(lex_after, nutrient_names) if n != nutrient), None)
    excluded_kinds, unnegated = _negated_kinds(q)  # "one that isn't a <kind>": those kinds left out
    kinds = _kinds_of_ask(_without_own_statements(unnegated) if prop else unnegated, excluded_kinds)
    count, described = bool(cue(qc.count).search(q)), _describing(q, nutrient_names)
    if not (nutrient or form or direction or kinds or count or prop or excluded_kinds or category):
        return None  # describing words alone ask no question ("which <supplement> products?" lists)
    if nutrient is None and form is not None and direction is not None:  # "the most <form>": its nutrient
        nutrient = next((n.name for n in vocabulary().nutrients if any(f.name == form for f in n.forms)
                         and n.name in nutrient_names), None)
    missing = bool(_product_negations(unnegated))  # a negation of kinds asks no missing amount
    if missing and not cue(qc.amount_words).search(_without_page(q)) and (
            excluded := _excluded(unnegated, nutrient_names)):
        kept = [n for n in _named_nutrients(lexical_form(q[:excluded[0]]), nutrient_names)
                if n not in excluded[1]]
        return ProductQuery(kept[0] if kept else None, None, None, nutrients=tuple(kept), kinds=kinds,
                            excluded=excluded[1], excluded_form=excluded[2], excluded_kinds=excluded_kinds)
    pq = ProductQuery(nutrient, form, None if missing else direction, missing, tuple(named),
                      versus if direction and not missing else None, kinds, count,
                      after if than else None, prop, excluded_kinds=excluded_kinds,
                      ranked=ranked_all and direction is not None and not missing,
                      described=described, place=2 if direction and cue(qc.next_place).search(q) else 1)
    if prop and direction and not missing and _ranked(q, nutrient_names):  # "the least <nutrient>
        # in it? want <property>": the amount ranks, the property follows as its own ask
        return replace(pq, property=None, then=ProductQuery(None, None, None, kinds=kinds, property=prop))
    return pq


def _asks_across(q: str, direction: str | None) -> bool:
    """Does the (folded) question ask across the products: a word across them, a most or least word
    (``direction``), or an amount held against products named in the plural right before it
    (:func:`_plural_before`)?"""
    bound = amount_bound(q)
    return bool(cue(product_cues().question.across).search(_asking(q)) or direction or (
        bound is not None and _plural_before(q, bound[1].start)))


def _plural_before(q: str, bound_at: int) -> bool:
    """Are products named in the plural right before the amount they are held against (at
    ``bound_at``), in a question that asks for them ("<nutrient> products under <amount>",
    "<nutrient> tablets with more than <amount>")? Not in a question about taking them or their
    risk ("do <nutrient> capsules above <amount> raise ...", "is it ok to give kids gummies with
    more than <amount>"): product_cues ``plural_not_asking``."""
    if asks_risk(q) or cue(product_cues().question.plural_not_asking).search(q):
        return False
    return _plural_ending().search(q[:bound_at]) is not None


@functools.lru_cache(maxsize=1)
def _plural_ending() -> re.Pattern[str]:
    """A plural product word (and a joiner) then a bound's cue, ending the text (see
    :func:`_plural_before`), compiled once."""
    qc = product_cues().question
    plural, joiners = cue_alternation(qc.plural_products), cue_alternation(qc.plural_joiners)
    bounds = cue_alternation([p for ps in qc.bound.values() for p in ps])
    return re.compile(rf"(?<![\w-])(?:{plural})(?:\s+(?:{joiners}))?\s+(?:{bounds})\s*$")


def _bound_query(q: str, nutrient_names: Sequence[str], category: str | None) -> ProductQuery | None:
    """"does any product give more than / at least / anywhere near <amount> (of <nutrient>)", "which
    tablets land in the <low> to <high> range": the products held against the amount, or None
    (``category``: the nutrient whose products the question chooses by its name, :func:`_category_named`)."""
    bound = amount_bound(q)
    if bound is None or not _asks_for_products(_asking(q), bound[1].start):
        return None  # "what happens if I take more than <amount> from supplements" asks for no list
    lex = lexical_form(q[:bound[1].start] + " " + q[bound[1].end:])
    named, form = _named_nutrients(lex, nutrient_names), form_in_question(lex)
    # "<supplement> products over <amount> <nutrient>": the amount is not the category's
    named = [n for n in named if not _is_category(n, category)] or named
    if len(named) > 1:  # "below 1 g of <A>+<B>": an amount of several is no one nutrient's to compare
        return None
    nutrient = named[0] if named else None
    if nutrient is None and form is not None:  # "more than <amount> of <form>": its nutrient
        nutrient = next((n.name for n in vocabulary().nutrients if any(f.name == form for f in n.forms)
                         and n.name in nutrient_names), None)
    excluded_kinds, unnegated = _negated_kinds(q)
    return ProductQuery(nutrient, form, None, nutrients=tuple(named), bound=bound,
                        kinds=_kinds_of_ask(unnegated, excluded_kinds), excluded_kinds=excluded_kinds)


def _asks_for_products(q: str, bound_at: int) -> bool:
    """Does the (folded) question ask for products: a word across them ("which", "any"), one
    product sought ("can I find an iron supplement with ...", "a tablet with less than ..."), or
    products named in the plural before the amount they are held against (at ``bound_at``: "<nutrient>
    products under <amount>")?"""
    qc = product_cues().question
    sought = rf"\b(?:a|an|one)\s+(?:[\w+-]+\s+){{0,2}}?(?:{'|'.join(qc.product_words)})\b"
    return bool(cue(qc.across).search(q) or _plural_before(q, bound_at) or re.search(sought, q) is not None)


def asks_risk(question: str) -> bool:
    """Does the question ask about safety or risk (product_cues ``bound_risk``: "safe", "too much",
    "what happens if")? A list of products by an amount then follows the page's upper limit."""
    qc = product_cues().question
    return bool(qc.bound_risk) and cue(qc.bound_risk).search(fold(question)) is not None


def asks_evidence(question: str, cues: ProductCues | None = None) -> bool:
    """Does the question ask whether the supplement works or is worth taking (``evidence``), naming
    no product word? Then the page's text and findings answer it, not a product's claims."""
    qc = (cues or product_cues()).question
    folded = fold(question)
    return (cue(qc.evidence).search(folded) is not None
            and cue(qc.product_words).search(folded) is None)


def asks_claim(question: str, cues: ProductCues | None = None) -> bool:
    """Does the question ask whether something does what is claimed for it: it works or helps
    (``evidence``), or ``claim`` ("better because of <x>", "better than plain <x>", "worth it")? An
    effect alone ("does <nutrient> affect my <x>?", "better for my stomach") asks of no claim. (The
    caller finds the product it is asked of.)"""
    qc = (cues or product_cues()).question
    folded = cue_fold(question)
    return any(ps and cue(ps).search(folded) is not None for ps in (qc.claim, qc.evidence))


def _bounds_ug(amount: Dose, ug: float) -> tuple[float, float]:
    """An amount named (one value or a range) in µg, low and high, at ``ug`` µg per one of its unit."""
    low, high = amount.low * ug, (amount.high if amount.high is not None else amount.low) * ug
    return min(low, high), max(low, high)


def _within(kind: str, low: float, high: float, value: float) -> bool:
    """Does ``value`` (µg) keep to a bound of this kind (BOUND_KINDS) set by ``low``..``high`` (µg)?
    ("closest" keeps none: the nearest is chosen among them all.)"""
    return {"above": value > high, "at_least": value >= low, "below": value < low, "at_most": value <= high,
            "range": low <= value <= high}.get(kind, False)


def amount_bound(q: str) -> tuple[str, Dose] | None:
    """How the (folded) question bounds an amount it names: the kind (BOUND_KINDS) whose cue stands
    right before the amount or right after it ("<amount> (of <nutrient>) or more"), or a range
    ("<low> to <high>") asked with a range word; None when it names no amount so bound."""
    before_cues, after_cues = _bound_patterns()
    ranged = bool(product_cues().question.bound_range) and cue(product_cues().question.bound_range).search(q)
    for d in parse_doses(q):
        before, after = q[:d.start].rstrip(), q[d.end:]
        for kind, pattern in before_cues:
            if pattern.search(before):
                return kind, d
        for kind, pattern in after_cues:
            if pattern.match(after):
                return kind, d
        if d.high is not None and ranged:
            return "range", d
    return None


@functools.lru_cache(maxsize=1)
def _bound_patterns() -> tuple[list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]]]:
    """Each bound kind's cues as patterns: ending right before an amount, and starting right after
    it (past "of <a few words>": "<amount> of <nutrient> or more")."""
    qc = product_cues().question
    before = [(k, re.compile(rf"(?<!\w)(?:{'|'.join(cs)})(?:\s+(?:the|an?|about|around))?$"))
              for k, cs in qc.bound.items() if cs]
    after = [(k, re.compile(rf"(?:\s+of(?:\s+[\w+-]+){{1,3}}?)?\s*(?:{'|'.join(cs)})(?!\w)"))
             for k, cs in qc.bound_after.items() if cs]
    return before, after


def _either_way(q: str) -> bool:
    """ "more or less", "higher or lower": a comparison that asks neither the most nor the least."""
    qc = product_cues().question
    most, least = cue_alternation(qc.most), cue_alternation(qc.least)
    return re.search(rf"(?<![\w-])(?:(?:{most})\s+or\s+(?:{least})|(?:{least})\s+or\s+(?:{most}))(?![\w-])",
                     q) is not None


def _compared_one(q: str, nutrient_names: Sequence[str]) -> ProductQuery | None:
    """ "does the <described product> have more or less <nutrient> than that | than <nutrient>": a
    comparison asked of one product (no word asks across the products) with the one asked before, or
    of its nutrients, with a more/less word before "than"; None otherwise (a product named after
    "than" is compared with across the products). The product itself is found by
    :func:`one_product_question`."""
    qc = product_cues().question
    than = cue(qc.than).search(q)
    if than is None or cue(qc.across).search(q):
        return None
    head, tail = q[:than.start()], _CLAUSE_END.split(q[than.end():], maxsplit=1)[0]
    back = cue(qc.earlier_words).fullmatch(tail.strip())
    if not (back or _named_nutrients(lexical_form(tail), nutrient_names)):
        return None
    if not (cue(qc.most).search(head) or cue(qc.least).search(head)) or not _references(head):
        return None
    named = _named_nutrients(lexical_form(q), nutrient_names)
    if (ranked := _ranked(head, nutrient_names)) is not None:  # "more <nutrient>": the one compared
        named = [ranked, *(n for n in named if n != ranked)]
    if not named:
        return None
    return ProductQuery(named[0], None, None, nutrients=tuple(named), one=True, than_text=q[than.end():])


def _with_phrase(pq: ProductQuery, q: str, nutrient_names: Sequence[str]) -> ProductQuery:
    """ "do any of the products use <phrase>" (or "use it", the phrase the question opens with:
    "<phrase> - how much ... in it, and do any of the products use it"), the phrase naming a
    nutrient with words no form of the vocabulary has: the query keeps the products whose
    description names the phrase."""
    qc = product_cues().question
    m = cue(qc.uses).search(q)
    if pq.form or m is None or not cue(qc.across).search(q):
        return pq
    obj = _CLAUSE_END.split(q[m.end():], maxsplit=1)[0].strip()
    if cue(qc.earlier_words).fullmatch(obj) or not obj:
        topic = re.split(r"\s[-–—]\s|[:;?]", q, maxsplit=1)
        obj = topic[0].strip() if len(topic) > 1 else ""
    # "does <phrase> come in any of them?": the phrase is the subject, before the verb
    subject = re.match(r"(?:does|do|is|are|can)\s+(.+)", q[:m.start()].strip())
    phrase = _phrase(obj, nutrient_names) or (_phrase(subject.group(1), nutrient_names) if subject else None)
    return replace(pq, phrase=phrase) if phrase else pq


def _phrase(text: str, nutrient_names: Sequence[str]) -> str | None:
    """A phrase of at most five words (an article dropped) that names a nutrient with words of its
    own and no form the vocabulary or the cues know ("<other word> <nutrient> <other word>")."""
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
    lex = lexical_form(text)
    words = content_tokens(text)
    named = _named_nutrients(lex, nutrient_names)
    if not named or not 1 < len(words) <= 5 or form_in_question(lex) is not None:
        return None
    own = set(content_tokens(" ".join(named)))
    vocab = {t for n in vocabulary().nutrients if n.name in named for t in content_tokens(" ".join(n.terms))}
    return text if set(words) - own - vocab else None


def _without_limit(q: str) -> str:
    """The (folded) question with its phrases that ask the upper limit of intake ("the most you can
    safely take", "before it gets unsafe") and those whose "any" or "every" asks nothing across the
    products ("any problem with ...", "every day") blanked, its length kept: they rank no products
    and ask nothing across them."""
    qc = product_cues().question
    q = cue(qc.limit).sub(lambda m: " " * len(m.group(0)), q)
    return cue(qc.not_across).sub(lambda m: " " * len(m.group(0)), q)


def _asking(q: str) -> str:
    """The (folded) question with its statements blanked, its length kept: a sentence that ends with
    a full stop, is followed by another and does not open with an asking word ("the page doesn't
    say which one. is it <x> or <y>") asks nothing across the products."""
    qc = product_cues().question
    opens = re.compile(rf"\s*(?:{cue_alternation([*qc.across, *qc.choose])})(?![\w-])")
    out, at = [], 0
    for m in re.finditer(r"[^.!?]*[.!?]+", q):
        sentence = q[m.start():m.end()]
        statement = sentence.rstrip().endswith(".") and q[m.end():].strip() and not opens.match(sentence)
        out.append(q[at:m.start()] + (" " * len(sentence) if statement else sentence))
        at = m.end()
    return "".join(out) + q[at:]


def _ranked(q: str, nutrient_names: Sequence[str]) -> str | None:
    """The nutrient named right after the most/least word ("which <supplement> product has the most
    <nutrient>"): the one the question ranks by, whatever kind of product it names."""
    qc = product_cues().question
    m = cue(qc.most).search(q) or cue(qc.least).search(q)
    if m is None:
        return None
    head = " ".join(q[m.end():].split()[:3])  # "the most <nutrient>", "most of <nutrient>"
    named = _named_nutrients(lexical_form(head), nutrient_names)
    return named[0] if named else None


@functools.lru_cache(maxsize=1)
def _person_before() -> re.Pattern[str]:
    """A person right before a negation ("I don't", "my mum can't"; the cues' ``persons``): what it
    denies is said of them."""
    return re.compile(rf"(?:^|[,.;:!?]\s*|\s)(?:{cue_alternation(product_cues().question.persons)})\s*$")


def _product_negations(q: str) -> list[re.Match[str]]:
    """The negations of the folded question said of products ("which don't have <x>"), not of a
    person ("I don't want too much <x>, which have it?" asks which do)."""
    return [m for m in cue(product_cues().question.missing).finditer(q)
            if not _person_before().search(q, 0, m.start()) and not _said_before_the_ask(q, m.start())]


def _said_before_the_ask(q: str, at: int) -> bool:
    """Is ``at`` in a clause of its own before the one that asks, naming nothing products hold ("no
    kids in the house, which has the most?"; not "no <nutrient> please, which ..."): no asking word
    before it, and a clause break between it and the first one after?"""
    qc = product_cues().question
    asks = cue([*qc.choose, *qc.across, "what'?s"])
    if asks.search(q, 0, at) is not None or (ask := asks.search(q, at)) is None:
        return False
    clause = q[at:ask.start()]
    return (re.search(r"[,.;:!?–—]|\s-\s", clause) is not None and not mentioned_nutrients(clause)
            and not set(content_tokens(clause)) & form_words() and asked_property(clause) is None)


def _excluded(q: str, nutrient_names: Sequence[str]) -> tuple[int, tuple[str, ...], str | None] | None:
    """A negation that excludes ("which don't have <nutrient>", "one that isn't <form>"): where it
    starts, the nutrients named after it, the form named after it; None when it names neither."""
    for m in _product_negations(q):  # what its clause names ("which don't have <x>, or <y>": <x>)
        after = lexical_form(_CLAUSE_OR_CONTRAST_END.split(q[m.end():], maxsplit=1)[0])
        form = form_in_question(after)
        nutrients = tuple(_named_nutrients(after, nutrient_names))
        if form is not None:
            return m.start(), (), form
        if nutrients:
            return m.start(), nutrients, None
    return None


def _servings_query(q: str, question: str, nutrient_names: Sequence[str]) -> ProductQuery | None:
    """ "how many of the <products> would I need to get <amount> of <nutrient>": a count of servings
    for an amount (the question holds the amount and a word for needing or reaching it)."""
    qc = product_cues().question
    count = cue(qc.count).search(q)
    if count is None or not cue(qc.servings).search(q[count.end():]) or not parse_doses(question):
        return None
    named = _named_nutrients(lexical_form(q), nutrient_names)
    kinds = tuple(kind for kind, pats in product_cues().description.kinds.items() if cue(pats).search(q))
    if not named or not (kinds or cue(qc.product_words).search(q) or _references(q)):
        return None
    return ProductQuery(named[0], None, None, nutrients=tuple(named), kinds=kinds, servings=True)


def _without_own_statements(q: str) -> str:
    """The (folded) question without its clauses that state the asker's own experience (the cues'
    ``own_statement``: "i get <symptom> from <kind>s, is there a gentler type?"), when another is left."""
    opens = product_cues().question.own_statement
    if not opens:
        return q
    starts = re.compile(rf"(?:{cue_alternation(opens)})")
    clauses = re.split(r"(?<=[,;.!?])", q)
    rest = "".join(c for c in clauses if not starts.match(c.lstrip()))
    return rest if rest.strip() else q


def _kinds_of_ask(text: str, excluded: Sequence[str]) -> tuple[str, ...]:
    """The kinds of product the (folded) question names, but those it leaves out."""
    return tuple(k for k in _kinds_in(text) if k not in excluded)


def _kinds_in(text: str) -> list[str]:
    """The kinds of product (tablet, softgel, ...) the folded text names, in the cues' order."""
    return [kind for kind, pats in product_cues().description.kinds.items() if cue(pats).search(text)]


def _kind_alternation() -> str:
    return cue_alternation([x for pats in product_cues().description.kinds.values() for x in pats])


def kinds_asked(q: str) -> tuple[tuple[str, ...], tuple[int, int]] | None:
    """ "is <product> a capsule or a softgel?", "does it come in liquid form?": the kinds a clause of
    the folded question asks a product to be, and where they are named; None when no clause asks
    (a clause that begins with an asking word and ends with the kinds; not one after a negation,
    "one that isn't a tablet", which leaves them out)."""
    qc = product_cues().question
    if not qc.kind_asked:
        return None
    kinds, lead, tail = _kind_alternation(), cue_alternation(qc.kind_lead), cue_alternation(qc.kind_tail)
    one = rf"(?:(?:{lead})\s+)?(?:{kinds})"
    chain = re.compile(rf"(?<![\w-])(?:{lead})\s+(?:{kinds})(?:\s*,?\s*(?:or|and)\s+{one})*"
                       rf"(?:\s+(?:{tail}))*\s*$")
    opens = re.compile(rf"\s*(?:[\w']+\s*,?\s+)?(?:{cue_alternation(qc.kind_asked)})(?![\w-])")
    negated = re.compile(rf"(?<![\w-])(?:{cue_alternation(qc.missing)})\s*$")
    at = 0
    for clause in re.split(r"([;:?!.()\[\]—–]|\s-\s)", q):
        start, at = at, at + len(clause)
        m = chain.search(clause)
        if m is None or not opens.match(clause[:m.start()]) or negated.search(clause[:m.start()]):
            continue
        found = _kinds_in(m.group(0))
        if found:
            return tuple(found), (start + m.start(), start + m.end())
    return None


def _negated_kinds(q: str) -> tuple[tuple[str, ...], str]:
    """ "one that isn't a tablet or capsule", "no capsules": the kinds a negation's clause names (the
    question leaves them out), and the folded question without those clauses. None when the question
    asks about amounts ("which don't say how much"): its negation is about the amount."""
    qc = product_cues().question
    if cue(qc.amount_words).search(_without_page(q)):  # "on the list" names the page: no amount asked
        return (), q
    excluded: list[str] = []
    unnegated = q
    aversions = [(m, True) for m in cue(qc.aversion).finditer(q)] if qc.aversion else []
    for m, averse in [*((m, False) for m in cue(qc.missing).finditer(q)), *aversions]:
        clause = _CLAUSE_OR_CONTRAST_END.split(q[m.end():], maxsplit=1)[0]
        if averse:  # what one can't take names its kind at once ("can't do liquids", "hate big capsules")
            clause = m2.group(0) if (m2 := _averse_object().match(clause)) else ""
        if found := _kinds_in(clause):
            excluded += found
            end = m.end() + len(clause)
            unnegated = _without_span(unnegated, (m.start(), end))
    return tuple(dict.fromkeys(excluded)), unnegated


@functools.lru_cache(maxsize=1)
def _averse_object() -> re.Pattern[str]:
    """The first words after an aversion, before any asking word ("can't tell which one is ..."
    asks); none after a verb of finding or knowing ("can't find the liquid one" looks for it; the
    cues' ``aversion_not_before`` and ``aversion_asking``)."""
    qc = product_cues().question
    return re.compile(rf"(?!\s*(?:{cue_alternation(qc.aversion_not_before)})\b)"
                      rf"(?:\s*(?!(?:{cue_alternation(qc.aversion_asking)})\b)[\w'-]+){{1,4}}")


def serving_size_asked(folded_question: str) -> tuple[bool, str | None]:
    """ "how many drops is a serving", "what's the serving size": is the serving size asked, and the
    unit it is asked in ("drops"; None when the question names none)."""
    qc = product_cues().question
    if cue(qc.serving_size).search(folded_question):
        return True, None
    units = cue_alternation(product_cues().description.serving_units)
    for m in cue(qc.count).finditer(folded_question):
        u = re.match(rf"\s+(?:[\w-]+\s+)?({units})(?![\w-])", folded_question[m.end():])
        if u and cue(qc.per_serving).search(folded_question[m.end() + u.end():]):
            return True, u.group(1)
    return False, None


def _serving_size_query(question: str, nutrient_names: Sequence[str]) -> ProductQuery | None:
    """ "how many drops is a serving of the <described product>": the serving size of the products
    (of the kinds named, the unit asked included: "how many drops" asks of the liquids)."""
    q = cue_fold(question)
    asked, unit = serving_size_asked(q)
    if not asked:
        return None
    named = _named_nutrients(lexical_form(question), nutrient_names)
    return ProductQuery(named[0] if named else None, None, None, nutrients=tuple(named),
                        kinds=tuple(_kinds_in(q)), serving_size=True, serving_unit=unit)


def _one_described(q: str, nutrient_names: Sequence[str]) -> ProductQuery | None:
    """ "how much <nutrient> is in the <words of one product>": a question about one product (the
    pipeline finds which); the nutrients asked are those outside the describing phrase."""
    qc = product_cues().question
    if _amount_reference(q):  # "the one with <amount> of <nutrient>", "<amount> per <kind>"
        named = _named_nutrients(lexical_form(q), nutrient_names)
        return ProductQuery(named[0] if named else None, None, None, nutrients=tuple(named), one=True)
    if not cue(qc.holds).search(q) or not _references(q, loose=True) or _references(q):
        return None  # a plain "the <product word>" phrase is answered as before
    named = _named_nutrients(lexical_form(_without_references(q)), nutrient_names)
    if not named:
        return None
    return ProductQuery(named[0], None, None, nutrients=tuple(named), one=True)


def _amount_reference(q: str) -> bool:
    """Does the (folded) question refer to one product by an amount ("the one with <amount> of
    <nutrient>", "<amount> of <nutrient> per <kind>", "<amount> in one <kind>")? The pipeline finds
    the product (:func:`one_product_question`)."""
    qc = product_cues().question
    if not qc.one_with or not qc.amount_of_one:
        return False
    ones = cue_alternation([*qc.product_words, *(x for pats in product_cues().description.kinds.values()
                                                 for x in pats)])
    before = re.compile(rf"(?<![\w-])(?:{cue_alternation(qc.one_with)})\s*$")
    after = re.compile(rf"\s*(?:of\s+)?(?:[\w-]+\s+){{0,3}}?(?:{cue_alternation(qc.amount_of_one)})\s+"
                       rf"(?:{ones})(?![\w-])")
    return any(before.search(q[:d.start]) or after.match(q[d.end:]) for d in parse_doses(q))


def asked_detail(folded_question: str) -> str | None:
    """The detail of one product the question asks (product_cues.yaml ``details``), or None."""
    return next((name for name, dc in product_cues().details.items()
                 if cue(dc.question).search(folded_question)), None)


def asked_property(folded_question: str) -> str | None:
    """The product property the question asks about (product_cues.yaml ``properties``), or None."""
    return next((name for name, pc in product_cues().properties.items()
                 if cue(pc.question).search(folded_question)), None)


@functools.lru_cache(maxsize=1)
def _unit_words() -> tuple[str, ...]:
    return tuple(sorted({fold(x) for u in vocabulary().units for x in (u.canonical, *u.spellings)},
                        key=len, reverse=True))


def _amount_not_count(q: str) -> str:
    """ "how many mg of <nutrient> ..." asks for an amount: read as "how much" (not a count of products)."""
    return _how_many_units().sub("how much ", q)


@functools.lru_cache(maxsize=1)
def _how_many_units() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in _unit_words())
    return re.compile(rf"\bhow\s+many\s+(?=(?:{units})\b)")


@functools.lru_cache(maxsize=1)
def _category_terms() -> tuple[tuple[str, str], ...]:
    """(term, nutrient) for every vocabulary name of a nutrient: what "which <term>" names."""
    pairs = {(fold(t), n.name) for n in vocabulary().nutrients for t in (n.name, *n.terms) if t.strip()}
    return tuple(sorted(pairs, key=lambda tn: -len(tn[0])))


@functools.lru_cache(maxsize=1)
def _category_patterns() -> tuple[tuple[str, str], ...]:
    """:func:`_category_terms` as patterns: a space or a hyphen between a term's words, or nothing
    before a figure ("<name> 3", "<name>3"; "vitamine" is no "vitamin e")."""
    return tuple((_term_pattern(t), name) for t, name in _category_terms())


def _term_pattern(term: str) -> str:
    """A (folded) term's words with a space or a hyphen between them, or nothing before a figure."""
    words = re.split(r"[\s-]+", term.strip())
    seps = ["" if i == 0 else r"[\s-]*" if w[:1].isdigit() else r"[\s-]+" for i, w in enumerate(words)]
    return "".join(sep + re.escape(w) for sep, w in zip(seps, words, strict=True))


@functools.lru_cache(maxsize=8)
def _listed_name_patterns(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Products' own nutrient names (their front matter's) as :func:`_term_pattern` patterns."""
    return tuple((_term_pattern(fold(n)), n) for n in names if n.strip())


@functools.lru_cache(maxsize=1)
def _category_finders() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """The compiled patterns of a category asked of a property (after ``choose_kind``) and of one
    before a plural product word (product_cues ``category_after``, ``category_before``), each
    with its term in group ``t``, and each term's name by its letters and figures alone."""
    qc = product_cues().question
    terms = "|".join(t for t, _ in _category_patterns())
    after = cue_alternation(qc.category_after)
    before, plurals = cue_alternation(qc.category_before), cue_alternation(qc.plural_products)
    asked = re.compile(rf"(?:[\w-]+\s+){{0,2}}?(?P<t>{terms})(?![\w-])\s*(?:$|[?.!,]|(?:{after})(?![\w-]))")
    listed = re.compile(rf"(?:^\s*|(?<![\w-])(?:{before})\s+)(?P<t>{terms})\s+(?:{plurals})(?![\w-])"
                        # "<supplement>s with the most <nutrient>": its products, ranked
                        rf"|^\s*(?:(?:{before})\s+)?(?P<r>{terms})s?\s+(?:{cue_alternation(qc.category_ranked)})\s+"
                        rf"(?:the\s+)?(?:{cue_alternation([*qc.most, *qc.least])})(?![\w-])")
    return asked, listed, {_letters(t): name for t, name in reversed(_category_terms())}


def _letters(text: str) -> str:
    """A name by its letters and figures alone (spaces and hyphens dropped)."""
    return re.sub(r"[\s-]+", "", text)


def asks_every_page(question: str) -> bool:
    """Does the question ask across every page's products ("across all the monographs", "on any of
    the pages"; product cues ``every_page``)?"""
    return cue(product_cues().question.every_page).search(fold(question)) is not None


def joined_names(question: str, nutrient_names: Sequence[str] = ()) -> tuple[str, ...]:
    """The nutrients a question joins right before a product word ("the <a> + <b> products", "<a> and
    <b> softgels") or right after a word that holds them (``holds_all``: "any product that contains
    both <a> and <b>?"): the products it asks of hold them all; () when it joins none so. Nutrients
    are named by the vocabulary's terms or by ``nutrient_names`` (the products' own)."""
    q = fold(question)
    found = _category_spans(q, tuple(nutrient_names))
    joiner = re.compile(r"\s*(?:\+|&|/|and|plus)\s*")
    runs: list[list[tuple[int, int, str]]] = []
    for f in found:
        if runs and joiner.fullmatch(q[runs[-1][-1][1]:f[0]]):
            runs[-1].append(f)
        else:
            runs.append([f])
    product, holds = cue(product_cues().question.product_words), _holds_all()
    for run in runs:
        if len({n for _, _, n in run}) > 1 and (product.match(q[run[-1][1]:].lstrip()) or (
                holds is not None and holds.search(q[:run[0][0]]))):
            return tuple(dict.fromkeys(n for _, _, n in run))
    return ()


def holds_named(product: Product, names: Collection[str]) -> bool:
    """Does the product hold every nutrient of ``names`` (as a question names them: by a nutrient's own
    name or its family's, "<family>" naming "<family><figure>": :func:`_is_category`)?"""
    return all(any(_is_category(x.nutrient, n) for x in product.nutrients) for n in names)


@functools.cache
def _holds_all() -> re.Pattern[str] | None:
    """A word that holds the nutrients named right after it (product cues ``holds_all``), ending the
    text before them; None when there are none."""
    words = product_cues().question.holds_all
    return re.compile(rf"(?<![\w-])(?:{'|'.join(words)})\s+$") if words else None


def _category_spans(q: str, listed: tuple[str, ...] = ()) -> list[tuple[int, int, str]]:
    """Where the (folded) question names a supplement's nutrient by a vocabulary term (or one of the
    ``listed`` names): (start, end, the nutrient), in order, a term inside a longer one left out
    ("<name> <letter><digit>" once), a span both name once (the vocabulary's)."""
    spans: dict[tuple[int, int], str] = {}
    for term, name in (*_category_patterns(), *_listed_name_patterns(listed)):
        for m in re.finditer(rf"(?<![\w-]){term}(?![\w-])", q):
            spans.setdefault(m.span(), name)
    found = sorted((a, b, name) for (a, b), name in spans.items())
    return [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and o[:2] != f[:2] for o in found)]


def category_named(question: str) -> str | None:
    """The nutrient whose products the question chooses among by its name ("which <supplement>
    has ...", "is there a <property word> <supplement>", "rank the <supplement> products"), or None."""
    return _category_named(fold(question))


def _category_named(q: str) -> str | None:
    """The nutrient whose vocabulary name comes right after a choosing word ("which <supplement> has
    ...", "what <supplement> gives ...", or with a product word after it: "is there an <supplement>
    supplement with ..."; asking of a property: "is there a vegan <supplement>?"), names the
    products in the plural ("which of the <supplement>s"), or stands before a product word in the
    plural ("rank the <supplement> products"): the question is about that supplement's products
    (not when a word for its forms follows: "which <supplement> form ...")."""
    found = _category_match(q)
    return found[0] if found else None


def _category_match(q: str) -> tuple[str, bool] | None:
    """(the nutrient :func:`_category_named` finds, whether the question names its products in the
    plural: "which of the <supplement>s", where a form asked keeps them by form; "which <supplement>
    <form> dose should I take" asks no product), or None."""
    qc = product_cues().question
    for m in cue(qc.choose).finditer(q):
        rest = q[m.end():].lstrip()
        plural = re.match(rf"(?:{cue_alternation(qc.choose_plural)})\s+", rest) if qc.choose_plural else None
        rest, ending = (rest[plural.end():], "s") if plural else (rest, "s?")  # "which <supplement>s are ..."
        for term, name in _category_patterns():
            if (t := re.match(rf"{term}{ending}(?![\w-])", rest)) is not None:
                return None if cue(qc.not_products).match(rest[t.end():].lstrip()) else (name, bool(plural))
    for m in cue(qc.choose_kind).finditer(q):  # "is there an <supplement> supplement with ..."
        rest = q[m.end():].lstrip()
        for term, name in _category_patterns():
            if (t := re.match(rf"{term}(?![\w-])\s+", rest)) is not None and cue(
                    qc.product_words).match(rest[t.end():]):
                return name, False
        # "is there a <property word> <supplement>?", "is there an <supplement> that isn't made
        # from <a food>": the supplement's products, asked of a property
        asked, _, names = _category_finders()
        if asked_property(q) is not None and (found := asked.match(rest)) is not None:
            return names[_letters(found.group("t"))], False
    if (sought := _sought_category(q)) is not None:  # "what's a <property word> <supplement>"
        return sought, False
    # "rank the <supplement> products by <nutrient>": the supplement's name between one of
    # ``category_before`` (or the question's start) and a product word in the plural names them
    _, listed, names = _category_finders()
    if (found := listed.search(q)) is not None:
        return names[_letters(found.group("t") or found.group("r"))], True
    if asks_every_page(q):  # "across all the pages, which has the most <nutrient>?": the one named
        named = {name for _, _, name in _category_spans(q)}
        return (named.pop(), False) if len(named) == 1 else None
    return None


def _sought_category(q: str) -> str | None:
    """The nutrient whose products the (folded) question seeks one of, asking of a property ("what's
    a <property word> <supplement>?", "recommend a <supplement> that is <property word>"), or None."""
    qc = product_cues().question
    if not qc.seek_property or asked_property(q) is None:
        return None
    asked, _, names = _category_finders()
    for m in cue(qc.seek_property).finditer(q):
        if (found := asked.match(q[m.end():].lstrip())) is not None:
            return names[_letters(found.group("t"))]
    return None


def _is_category(nutrient: str, category: str | None) -> bool:
    """Is this product nutrient the category's (same name, or named by the category's name)?"""
    if category is None:
        return False
    a, b = fold(nutrient), fold(category)
    return a == b or a.startswith(b) or b.startswith(a)


def _named_nutrients(lex_question: str, nutrient_names: Sequence[str]) -> list[str]:
    """The product nutrient names the question names, in the order it names them."""
    at = [(_position(name, lex_question), name) for name in nutrient_names]
    return [name for pos, name in sorted((p, n) for p, n in at if p >= 0)]


def form_in_question(lex_question: str) -> str | None:
    """The vocabulary form the question names, or None (also when it names two: "form A or form B,
    which one..." compares the forms; it filters no products)."""
    named = {name for name, pats in _form_term_patterns() if any(p.search(lex_question) for p in pats)}
    folded = fold(lex_question)
    named.update(name for name, pats in product_cues().description.forms.items()
                 if _kind_re(tuple(pats)).search(folded))
    return next(iter(named)) if len(named) == 1 else None


def _position(name: str, lex_question: str) -> int:
    """Where nutrient ``name`` is first named in the (lexical) question, or -1."""
    whole, short = _nutrient_patterns(name)
    m = whole.search(lex_question) or (short.search(lex_question) if short is not None else None)
    return m.start() if m else _family_position(name, lex_question)


@functools.lru_cache(maxsize=1024)
def _nutrient_patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """A nutrient name's first (lexical) content word as a word pattern, and the same without its
    family prefix (None when that leaves under two letters), compiled once per name."""
    lex_name = lexical_form(name)
    toks = [t for t in content_tokens(lex_name)] or tokens(lex_name)
    key = toks[0] if toks else lex_name
    short = key.replace("vitamin_", "")
    return (re.compile(rf"\b{re.escape(key)}\b"),
            re.compile(rf"\b{re.escape(short)}\b") if short and len(short) >= 2 else None)


def _family_position(name: str, lex_question: str) -> int:
    """Where the question names the family of a nutrient whose name ends in a figure ("vitamin X"
    names "vitamin X3": a product that holds X3 holds vitamin X), or -1."""
    family = name.rstrip("0123456789").strip()
    if family == name.strip() or not family[-1:].isalpha() or " " not in family:
        return -1
    key = lexical_form(family).strip()
    m = re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", lex_question) if key else None
    return m.start() if m else -1


def name_in_question(name: str, lex_question: str) -> bool:
    """Is nutrient ``name`` (a product's nutrient name, e.g. 'vitamin C') named in the question?"""
    return _position(name, lex_question) >= 0


def named_product(text: str, products: Sequence[Product], short: bool = False) -> Product | None:
    """The one product (of ``products``) whose own name ``text`` contains, the longest name first;
    else (``short``) the one whose name it says short (:func:`_named_in`: "<brand> <nutrient>")."""
    words = set(content_tokens(text))
    best = sorted(((len(set(content_tokens(p.name))), p) for p in products
                   if p.name and set(content_tokens(p.name)) and set(content_tokens(p.name)) <= words),
                  key=lambda lp: -lp[0])
    if not best:
        found = _named_in(cue_fold(text), products) if short else None
        return found[0] if found else None
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1]


def numbered_product(text: str, products: Sequence[Product]) -> Product | None:
    """The one product "the <number> one" (or "the <number> <product word>") points at: the only
    one of ``products`` whose title holds that number ("the 5000 one" for "<name> 5000"; commas
    aside); None when no title holds it, or more than one does."""
    qc = product_cues().question
    words = "|".join(f"(?:{w})" for w in [*qc.one_words, *qc.product_words])
    lead = "|".join(f"(?:{w})" for w in qc.one)
    found = re.search(rf"(?<![\w-])(?:{lead})\s+(\d[\d,]*)\s+(?:{words})(?![\w-])", cue_fold(text))
    if found is None:
        return None
    number = found.group(1).replace(",", "")
    held = re.compile(rf"(?<![\d.,]){number}(?![\d.,]*\d)")
    holders = [p for p in products if held.search(p.title.replace(",", ""))]
    return holders[0] if len(holders) == 1 else None


def product_amount_text(product: Product, nutrient: str) -> tuple[str | None, str | None, str | None]:
    s = stated(product, nutrient)
    if s is None:
        return None, None, None
    return s.amount, s.unit, s.form


# --------------------------------------------------------------------------- answering


def compose_products(
        pq: ProductQuery, products: Sequence[Product], product_docs: dict[str, Document], book: CitationBook,
        primary: str | None = None, first: list[tuple[Product, Measure]] | None = None,
) -> tuple[list[str], list[ProductRow]]:
    """Answer a question across products from their stated amounts; every product cited.
    ``primary``: the monograph's own nutrient (every product of its page counts as containing it).
    A second ask of the question (``then``) is answered after the first, over the same products.
    ``first``: given, it is filled with the products (and amounts) a "which has the most" names."""
    lines, rows = _compose_ask(pq, products, product_docs, book, primary, first)
    if pq.then is not None:
        more, more_rows = _compose_ask(pq.then, products, product_docs, book, primary)
        lines, rows = lines + [m for m in more if m not in lines], rows + more_rows  # said once
    return lines, rows


def _compose_ask(pq: ProductQuery, products: Sequence[Product], product_docs: dict[str, Document],
                 book: CitationBook, primary: str | None,
                 first: list[tuple[Product, Measure]] | None = None) -> tuple[list[str], list[ProductRow]]:
    """One ask across the products (see :func:`compose_products`)."""
    out = _ProductAnswer(book, product_docs, first=first if first is not None else [])
    if pq.kinds:
        kept = [p for p in products if product_kind(p) in pq.kinds]
        if not kept:  # said so; what else it asks is answered over every product ("per capsule" loosely)
            out.lines.append(msg.PRODUCTS_NONE_MATCH.format(what="a " + " or ".join(pq.kinds)))
            if not (pq.nutrient or pq.nutrients or pq.direction):
                return out.lines, out.rows
        products = kept or products
        out.scope = f"{' or '.join(pq.kinds)} products" if kept else out.scope  # a most or least is theirs
    if pq.excluded_kinds:  # "one that isn't a <kind>": the others, and those that state no kind
        products = [p for p in products if product_kind(p) not in pq.excluded_kinds]
    if pq.asked_kinds:
        out.kind_list(products, pq, primary)
        return out.lines, out.rows
    if pq.serving_size:
        for p in products:
            out.serving_size(p, pq.serving_unit)
        return out.lines, out.rows
    if pq.property is not None:
        out.property(products, pq.property)
        return out.lines, out.rows
    if pq.phrase is not None:  # "do any of them use <phrase>": those whose description names it
        out.phrase(products, pq)
        return out.lines, out.rows
    reference = named_product(pq.than_text, products) if pq.than_text else None
    if reference is not None and pq.direction:
        nutrient = pq.nutrient or primary  # named before "than": the reference's own name is after it
        if nutrient:
            out.against_product(products, nutrient, reference, pq.direction)
            return out.lines, out.rows
    if pq.bound is not None and (nutrient := pq.nutrient or primary) and out.bounded(
            products, nutrient, pq.form, *pq.bound):
        return out.lines, out.rows
    if pq.servings:
        out.servings(products, pq.nutrients)
    elif pq.excluded:
        out.exclude(products, pq, primary)
    elif pq.excluded_form:
        out.other_form(products, pq, pq.excluded_form)
    elif pq.excluded_kinds and not (pq.count or pq.direction or pq.missing):
        out.other_kind(products, pq, primary)
    elif pq.count:
        out.count(products, pq, primary)
    elif pq.direction and pq.nutrient and pq.versus:
        out.versus(products, pq.nutrient, pq.versus, pq.direction)
    elif pq.direction and pq.nutrient and not pq.one:  # of one product (not found): no ranking
        out.extreme(products, pq.nutrient, pq.direction, ranked=pq.ranked, place=pq.place)
    elif pq.missing and pq.nutrients:
        out.missing(products, pq.nutrients)
    elif pq.missing and pq.nutrient:
        out.missing(products, (pq.nutrient,))
    else:
        out.matching(products, pq)
    return out.lines, out.rows


@dataclass
class _ProductAnswer:
    """The lines and table rows of a product answer, each product cited once in ``book``."""

    book: CitationBook
    product_docs: dict[str, Document]
    lines: list[str] = field(default_factory=list)
    rows: list[ProductRow] = field(default_factory=list)
    #: what the products compared are: "products", or "tablet products" when the question kept a kind
    scope: str = "products"
    #: the products (and amounts) the answer names first: those holding the most, or the one product
    #: within a bound asked (or those nearest it)
    first: list[tuple[Product, Measure]] = field(default_factory=list)

    def cite(self, p: Product, amount: str | None) -> int:
        return cite_amount(self.book, self.product_docs[p.id], p, amount)

    def add_row(self, p: Product, nutrient: str, marker: int) -> None:
        amount, unit, form = product_amount_text(p, nutrient)
        self.rows.append(ProductRow(product=p.title, nutrient=nutrient, amount=amount, unit=unit, form=form,
                                    marker=marker))

    def named(self, products: Iterable[Product]) -> str:
        """The products by name, each cited without an amount ("<label> [n]; <label> [m]")."""
        return "; ".join(f"{label(p)} [{self.cite(p, None)}]" for p in products)

    def item(self, p: Product, *nutrients: str) -> str:
        """'<label> (<nutrient> <amount> <serving>; ...) [n]', the product cited (a nutrient with
        parts by the parts' amounts, where it states them)."""
        states = [s for n in nutrients for s in (stated_parts(p, n) or _listed(stated(p, n)))]
        details = [s.detail() for s in states if s.amount]
        m = self.cite(p, states[0].amount if states else None)
        for s in states:
            self.add_row(p, s.nutrient, m)
        return f"{label(p, details)} [{m}]"

    def _with_amounts(self, products: Sequence[Product],
                      nutrient: str) -> tuple[list[tuple[Product, Measure]], list[Product]]:
        known = [(p, measured(p, nutrient)) for p in products]
        with_amount = [(p, s) for p, s in known if s is not None]
        without = [p for p, s in known if s is None]
        return with_amount, without

    def extreme(self, products: Sequence[Product], nutrient: str, direction: str,
                ranked: bool = False, place: int = 1) -> None:
        """The most (or least) of a nutrient, then every product that states it, then the rest
        (``ranked``: every product that states it, in order, is the answer's line; ``place`` 2: the
        next most after the most, which is named too, or the whole order when there is no next)."""
        with_amount, without = self._with_amounts(products, nutrient)
        if not with_amount:  # none of them states one ("which gummy has the most <part>"): said so
            if without:
                self.lines.append(msg.PRODUCTS_STATE_NONE.format(nutrient=nutrient,
                                                                 items=self.named(without)))
            return
        values = sorted({s.micrograms for _, s in with_amount}, reverse=direction == "max")
        whole = ranked or place > len(values)  # asked for the whole order, or no next place
        target = values[0 if whole else place - 1]
        first = ("; ".join(self.item(p, nutrient) for p, s in with_amount if s.micrograms == values[0])
                 if target != values[0] else "")  # the most, named (and cited) before the next
        names = [self.item(p, nutrient) for p, s in with_amount if s.micrograms == target]
        word = "most" if direction == "max" else "least"
        order = sorted(with_amount, key=lambda ps: ps[1].micrograms, reverse=direction == "max")
        if first:
            self.lines.append(msg.PRODUCTS_NEXT.format(scope=self.scope, word=word, nutrient=nutrient,
                                                       first=first, items="; ".join(names)))
        elif whole:
            self.lines.append(msg.PRODUCTS_RANKED.format(
                scope=self.scope, first=word, last="least" if direction == "max" else "most",
                nutrient=nutrient, items="; ".join(self.item(p, nutrient) for p, _ in order)))
        else:
            items = "; ".join(names)
            self.lines.append(msg.PRODUCTS_EXTREME.format(scope=self.scope, word=word, nutrient=nutrient,
                                                          items=items))
            if direction == "max":
                self.first += [(p, s) for p, s in with_amount if s.micrograms == target]
        for p, s in order:
            if s.micrograms != target and not whole:
                self.add_row(p, nutrient, self.cite(p, s.amount))
        if without:
            self.lines.append(msg.PRODUCTS_NO_AMOUNT.format(nutrient=nutrient, items=self.named(without)))

    def bounded(self, products: Sequence[Product], nutrient: str, form: str | None, kind: str,
                amount: Dose) -> bool:
        """The products whose amount of a nutrient is above (at least, below, at most, within the
        range of, closest to) the amount asked; when none is, the one nearest it; when the amount
        does not convert to mass (IU without a factor), that it cannot be compared. False when no
        product states an amount (the products are listed otherwise)."""
        ug = micrograms(nutrient, form, replace(amount, low=1.0, high=None))  # µg in one of its unit
        with_amount, without = self._with_amounts(products, nutrient)
        if not with_amount:
            return False
        if ug is None:
            self.lines.append(msg.PRODUCTS_BOUND_UNCOMPARABLE.format(nutrient=nutrient))
            return True
        low, high = _bounds_ug(amount, ug)
        kept = [p for p, m in with_amount if _within(kind, low, high, m.micrograms)]
        what = msg.PRODUCTS_BOUND_WHAT[kind].format(nutrient=nutrient)
        if kept:
            self.lines.append(msg.PRODUCTS_BOUND.format(what=what, items="; ".join(
                self.item(p, nutrient) for p in kept)))
            self.first += [(p, m) for p, m in with_amount if kept == [p]]  # the one named, when one is
        else:
            gap = [max(low - m.micrograms, m.micrograms - high, 0.0) for _, m in with_amount]
            near = [pm for pm, g in zip(with_amount, gap, strict=True) if g == min(gap)]
            nearest = "; ".join(self.item(p, nutrient) for p, _ in near)
            self.first += near
            line = (msg.PRODUCTS_CLOSEST if kind == "closest" else msg.PRODUCTS_BOUND_NONE
                    if self.scope == _ProductAnswer.scope else msg.PRODUCTS_BOUND_NONE_OF)
            self.lines.append(line.format(what=what, nutrient=nutrient, items=nearest, scope=self.scope))
        if without:
            self.lines.append(msg.PRODUCTS_NO_AMOUNT.format(nutrient=nutrient, items=self.named(without)))
        return True

    def versus(self, products: Sequence[Product], nutrient: str, other: str, direction: str) -> None:
        """The products that state more (or less) of one nutrient than of another."""
        word = "more" if direction == "max" else "less"
        chosen = []
        for p in products:
            a, b = stated(p, nutrient), stated(p, other)
            va, vb = (a.micrograms if a else None), (b.micrograms if b else None)
            if va is None or vb is None:
                continue
            if (va > vb) if direction == "max" else (va < vb):
                chosen.append(self.item(p, nutrient, other))
        if not chosen:
            self.lines.append(msg.PRODUCTS_VERSUS_NONE.format(word=word, nutrient=nutrient, other=other))
            return
        self.lines.append(msg.PRODUCTS_VERSUS.format(word=word, nutrient=nutrient, other=other,
                                                     items="; ".join(chosen)))

    def against_product(self, products: Sequence[Product], nutrient: str, reference: Product,
                        direction: str) -> None:
        """The products that state more (or less) of a nutrient than a named product does."""
        ref = measured(reference, nutrient)
        word = "more" if direction == "max" else "less"
        if ref is None:
            self.lines.append(msg.PRODUCT_STATES_NO_AMOUNT.format(product=label(reference), nutrient=nutrient)
                              + f" [{self.cite(reference, None)}]")
            return
        ref_item = self.item(reference, nutrient)
        others, _ = self._with_amounts([p for p in products if p.id != reference.id], nutrient)
        target = ref.micrograms
        better = [p for p, s in others
                  if ((s.micrograms > target) if direction == "max" else (s.micrograms < target))]
        same = [p for p, s in others if s.micrograms == ref.micrograms]
        if better:
            items = "; ".join(self.item(p, nutrient) for p in better)
            self.lines.append(msg.PRODUCTS_THAN.format(word=word, nutrient=nutrient, reference=ref_item,
                                                       items=items))
        else:
            self.lines.append(msg.PRODUCTS_THAN_NONE.format(word=word, nutrient=nutrient, reference=ref_item))
        if same:
            self.lines.append(msg.PRODUCTS_SAME.format(items="; ".join(self.item(p, nutrient) for p in same)))

    def count(self, products: Sequence[Product], pq: ProductQuery, primary: str | None) -> None:
        """How many products (of the kind, with the nutrient) the page lists, each listed."""
        own = pq.nutrient is None or (primary is not None and pq.nutrient.casefold() == primary.casefold())
        chosen = [p for p in products if own or _matches(p, pq)]
        chosen = [p for p in chosen if not pq.form or _matches(p, ProductQuery(None, pq.form, None))]
        words = product_cues().description.number_words
        n = len(chosen)
        how_many = words[n] if n < len(words) else "more than " + words[-1]
        what = " ".join(x for x in ("with " + pq.nutrient if pq.nutrient and not own else None,
                                    f"as {pq.form}" if pq.form else None) if x)
        items = "; ".join(self.item(p, *([pq.nutrient] if pq.nutrient else [])) for p in chosen)
        section = next((str(self.product_docs[p.id].metadata.get("section") or "") for p in chosen
                        if p.id in self.product_docs), "")
        of_kind = bool(pq.kinds) and all(product_kind(p) in pq.kinds for p in chosen)  # else: all are listed
        what = " ".join(x for x in (f"({' or '.join(pq.kinds)})" if of_kind else None, what) if x)
        self.lines.append(msg.PRODUCTS_COUNT.format(  # the kinds counted ("three products (tablet)")
            count=how_many, plural="" if n == 1 else "s", what=(" " + what) if what else "",
            section=f" under “{section}”" if section else "", items=items or "none"))

    def missing(self, products: Sequence[Product], nutrients: Sequence[str]) -> None:
        """The products whose description states no amount of (one of) the nutrients."""
        lacking = [p for p in products if any(_amount_of(p, n) is None for n in nutrients)]
        what = " or ".join(nutrients)
        if not lacking:
            self.lines.append(msg.PRODUCTS_ALL_STATE.format(nutrient=what))
            return
        parts = []
        for p in lacking:
            m = self.cite(p, None)
            parts.append(f"{label(p)} [{m}]")
            for n in nutrients:
                self.add_row(p, n, m)
        self.lines.append(msg.PRODUCTS_STATE_NONE.format(nutrient=what, items="; ".join(parts)))

    def matching(self, products: Sequence[Product], pq: ProductQuery) -> None:
        """The products that contain the nutrient (in the form) the question names."""
        matching = [p for p in products if _matches(p, pq)]
        what = (" ".join(x for x in (pq.nutrient, f"as {pq.form}" if pq.form else None) if x)
                if pq.nutrient else pq.form or " or ".join(f"a {k}" for k in pq.kinds) or "this")
        of_kind = [p for p in products if pq.kinds and pq.nutrient and product_kind(p) in pq.kinds]
        if not matching and of_kind:  # "a chewable one? how much <nutrient>?": the ones there, named
            self.lines.append(msg.PRODUCTS_KIND_UNSTATED.format(kinds=" or ".join(pq.kinds), what=what,
                                                                items=self.named(of_kind)))
        elif not matching:
            self.lines.append(msg.PRODUCTS_NONE_OF_KIND.format(kinds=" or ".join(pq.kinds), what=what)
                              if pq.kinds and pq.nutrient else msg.PRODUCTS_NONE_MATCH.format(what=what))
        if not matching:
            if pq.form:
                self._form_unstated(products, pq.form, set())
            return
        if pq.described and not pq.form and (described := self._described(matching, pq.described)):
            self.lines.append(msg.PRODUCTS_DESCRIBED.format(items="; ".join(described)))
            return
        parts = []
        for p in matching:
            nutrients = list(pq.nutrients) or [x.nutrient for x in p.nutrients if pq.form and pq.form in (
                x.form, _description_form(p, x.nutrient))]
            parts.append(self.item(p, *nutrients))
        self.lines.append(msg.PRODUCTS_MATCH.format(what=what, items="; ".join(parts)))
        if pq.form:
            self._form_unstated(products, pq.form, {p.id for p in matching})

    def _described(self, products: Sequence[Product], described: Sequence[str]) -> list[str]:
        """The products whose description holds the most of the describing words (words every one
        of them holds describe none), each with its sentence that holds most of them, quoted; none
        when no word sets some of them apart."""
        words_of = {p.id: _words(p.title + " " + p.text) for p in products}
        telling = [w for w in described if 0 < sum(w in words_of[p.id] for p in products) < len(products)]
        scored = [(sum(w in words_of[p.id] for w in telling), p) for p in products]
        best = max((n for n, _ in scored), default=0)
        if not best:
            return []
        out = []
        for _, p in (x for x in scored if x[0] == best):
            sentence = max(_sentences(p.text), key=lambda x: sum(w in _words(x) for w in telling))
            out.append(f"{label(p)} — “{sentence}” [{self.cite(p, sentence)}]")
        return out

    def _form_unstated(self, products: Sequence[Product], form: str, kept: set[str]) -> None:
        """A vocabulary form asked across the products: those that name its nutrient but state no
        form of it (the form they hold is not said, so they are neither in nor out)."""
        nutrient = next((n.name for n in vocabulary().nutrients if any(f.name == form for f in n.forms)),
                        None)
        if nutrient is None:
            return
        unstated = [p for p in products if p.id not in kept and (s := stated(p, nutrient)) is not None
                    and not s.form]
        if unstated:
            items = "; ".join(self.item(p, nutrient) for p in unstated)
            text = product_cues().answers.form_unstated_any.format(nutrient=nutrient, items=items)
            self.lines.append(text + ".")


    def _kept(self, products: Sequence[Product], nutrients: Sequence[str],
              primary: str | None) -> list[Product]:
        """The products that hold the nutrients the question keeps (the monograph's own: every one)."""
        own = {fold(primary)} if primary else set()
        return [p for p in products if all(fold(n) in own or _names(p, n) for n in nutrients)]

    def exclude(self, products: Sequence[Product], pq: ProductQuery, primary: str | None) -> None:
        """ "which don't have <nutrient>": the products that do not name it at all (or: every one does)."""
        a = product_cues().answers
        scope = self._kept(products, pq.nutrients, primary)
        what = " or ".join(pq.excluded)
        if not scope:
            self.lines.append(msg.PRODUCTS_NONE_MATCH.format(what=" and ".join(pq.nutrients) or what))
            return
        lacking = [p for p in scope if not any(_names(p, n) for n in pq.excluded)]  # names none of them
        if not lacking:
            items = "; ".join(self.item(p, *pq.excluded) for p in scope)
            self.lines.append(a.exclude_none.format(nutrient=what, items=items) + ".")
            return
        self.lines.append(a.exclude_some.format(nutrient=what, items=self.named(lacking)) + ".")

    def other_form(self, products: Sequence[Product], pq: ProductQuery, form: str) -> None:
        """ "one that isn't <form>": the products stated as another form, then those that state none."""
        a = product_cues().answers
        owner = next((n for n in vocabulary().nutrients if any(f.name == form for f in n.forms)), None)
        nutrient = pq.nutrient or (owner.name if owner else None)
        scope = [p for p in products if nutrient is None or _names(p, nutrient)]
        other, unstated = [], []
        for p in scope:
            s = stated(p, nutrient) if nutrient else None
            forms = ([s.form] if s is not None and s.form else []) if nutrient else product_forms(p)
            if not forms:
                unstated.append(p)
            elif form not in forms:
                other.append(p)
        what = nutrient or "it"
        others = [f.name for f in owner.forms if f.name != form] if owner else []
        if other:
            items = "; ".join(self.item(p, *([nutrient] if nutrient else [])) for p in other)
            self.lines.append(a.form_other.format(nutrient=what, form=form, items=items) + ".")
        elif others:
            self.lines.append(a.form_none.format(nutrient=what, form=form, others=" or ".join(others)) + ".")
        else:
            self.lines.append(a.form_none_plain.format(nutrient=what, form=form) + ".")
        if unstated:
            items = "; ".join(self.item(p, *([nutrient] if nutrient else [])) for p in unstated)
            self.lines.append(a.form_unstated.format(nutrient=what, items=items) + ".")

    def servings(self, products: Sequence[Product], nutrients: Sequence[str]) -> None:
        """ "how many of these would I need for <amount>": what each product states, and that the page
        gives no count (a count would be a number the passage does not hold)."""
        a = product_cues().answers
        for p in products:
            states = [s for s in (stated(p, n) for n in nutrients) if s is not None and s.amount]
            m = self.cite(p, states[0].amount if states else None)
            for n in nutrients:
                self.add_row(p, n, m)
            if states:
                text = a.servings_stated.format(product=label(p),
                                                amounts="; ".join(s.detail() for s in states))
            else:
                text = a.servings_none.format(product=label(p), nutrients=" or ".join(nutrients),
                                              them=a.it[0] if len(nutrients) == 1 else a.it[1])
            self.lines.append(f"{text} [{m}].")

    def kind_list(self, products: Sequence[Product], pq: ProductQuery, primary: str | None) -> None:
        """ "is it a <kind> or a <kind>?" of no one product: each product's kind, then those stating none."""
        a = product_cues().answers
        scope = self._kept(products, pq.nutrients, primary)
        stated_kinds = [(p, k) for p in scope if (k := product_kind(p)) is not None]
        if stated_kinds:
            items = "; ".join(f"{p.title} — {k} [{self.cite(p, None)}]" for p, k in stated_kinds)
            self.lines.append(a.kind_list.format(items=items) + ".")
        if unstated := [p for p in scope if product_kind(p) is None]:
            items = self.named(unstated)
            self.lines.append(a.kind_unlisted.format(items=items) + ".")

    def other_kind(self, products: Sequence[Product], pq: ProductQuery, primary: str | None) -> None:
        """ "one that isn't a <kind> or <kind>": the products (already without those kinds) stated as
        another kind, then those that state no kind (which the page cannot place either way)."""
        a = product_cues().answers
        scope = self._kept(products, pq.nutrients, primary)
        kinds = "a " + " or ".join(pq.excluded_kinds)
        if other := [p for p in scope if product_kind(p) is not None]:
            items = "; ".join(self.item(p, *pq.nutrients) for p in other)
            self.lines.append(a.kind_other.format(kinds=kinds, items=items) + ".")
        else:
            self.lines.append(a.kind_none.format(kinds=kinds) + ".")
        if unstated := [p for p in scope if product_kind(p) is None]:
            items = self.named(unstated)
            self.lines.append(a.kind_unstated.format(kinds=kinds, items=items) + ".")

    def serving_size(self, p: Product, unit: str | None) -> None:
        """ "how many <units> is a serving": the amounts the description states per serving, or that it
        does not state the serving size, with what it does state."""
        a = product_cues().answers
        states = [s for x in p.nutrients if (s := stated(p, x.nutrient)) is not None and s.amount]
        sized = cue(product_cues().description.serving_words)
        details = "; ".join(s.detail() for s in states)
        m = self.cite(p, states[0].amount if states else None)
        for s in states:
            self.add_row(p, s.nutrient, m)
        if any(s.serving and sized.search(cue_fold(s.serving)) for s in states):
            text = a.one_states.format(product=label(p), amounts=details)
        else:
            text = (a.serving_size_none.format(product=label(p), unit=unit) if unit
                    else a.serving_size_plain.format(product=label(p)))
            text += (a.serving_size_amounts.format(amounts=details) if states else a.serving_size_nothing)
        self.lines.append(f"{text} [{m}].")

    def phrase(self, products: Sequence[Product], pq: ProductQuery) -> None:
        """ "do any of the products use <phrase>": the products whose title and description hold
        every word of the phrase, or that none does (no product stands for it)."""
        a = product_cues().answers
        assert pq.phrase is not None
        held = _holding_every(pq.phrase, products)
        if not held:
            self.lines.append(a.phrase_none.format(phrase=pq.phrase) + ".")
            return
        items = "; ".join(self.item(p, *pq.nutrients) for p in held)
        self.lines.append(a.phrase_some.format(phrase=pq.phrase, items=items) + ".")

    def property(self, products: Sequence[Product], name: str) -> None:
        """The products whose description has a sentence that speaks to the property, quoted."""
        pc = product_cues().properties[name]
        parts = []
        for p in products:
            sentence = property_sentence(p, name)
            if sentence is not None:
                parts.append(f"{label(p)} — “{sentence}” [{self.cite(p, sentence)}]")
        answers = product_cues().answers
        self.lines.append(answers.property.format(what=pc.what, items="; ".join(parts)) if parts
                          else answers.property_none.format(what=pc.what))


def speaks_to(text: str, question: str, name: str) -> bool:
    """Does a text (a passage of the page) speak to property ``name`` in the question's own words:
    every word of a phrase with which the question asks it ("suitable for vegans": "vegans"; "is it
    halal": "halal", which no passage about vegans holds)?"""
    held = set(content_tokens(text))
    return any(words and set(words) <= held
               for m in cue(product_cues().properties[name].question).finditer(cue_fold(question))
               if (words := content_tokens(m.group(0))))


def property_sentence(p: Product, name: str) -> str | None:
    """The sentence of the product's description that speaks most to property ``name``, or None."""
    return _sentence_with(p, product_cues().properties[name].description)


def _sentence_with(p: Product, patterns: Sequence[str]) -> str | None:
    """The sentence of the product's description with most hits of the patterns (the first of a
    tie), or None when none has one."""
    if not patterns:
        return None
    said = cue(list(patterns))
    hits = [(len(said.findall(cue_fold(x))), -i, x) for i, x in enumerate(_sentences(p.text))]
    return max(hits)[2] if hits and max(hits)[0] else None


def _sentences(text: str) -> list[str]:
    """The description's sentences, as written."""
    return [x.strip() for x in re.split(r"(?<=[.!?])\s+", text) if x.strip()]


def _names(p: Product, nutrient: str) -> bool:
    """Does the product name the nutrient (its front matter or its description)?"""
    return p.nutrient(nutrient) is not None or any(x.nutrient.casefold() == nutrient.casefold()
                                                   for x in read_nutrients(p.title + ". " + p.text))


def _amount_of(p: Product, nutrient: str) -> str | None:
    s = stated(p, nutrient)
    return s.amount if s else None


def _matches(p: Product, pq: ProductQuery) -> bool:
    """Does the product contain the nutrient (itself or the parts it is the sum of: "<A>" where the
    product states <A>'s parts), in the form, that the question names?"""
    if pq.nutrient and p.nutrient(pq.nutrient) is None and not any(
            p.nutrient(part) is not None for part in parts_of(pq.nutrient)):
        return False
    if pq.form:
        found = stated(p, pq.nutrient) if pq.nutrient else None
        return pq.form == (found.form if found else None) or pq.form in product_forms(p)
    return True


_AMOUNT_ASKED = re.compile(r"\b(?:how much|how many|amount|dose|dosage|quantity|contain)\b")


def product_amount_gap(question: str, product: Product, nutrient_names: Sequence[str]) -> str | None:
    """For "how much <nutrient> is in <this product>": the sentence saying its description states
    no amount of that nutrient, when it states none (None otherwise: the description answers)."""
    if not (m := _AMOUNT_ASKED.search(fold(question))):
        return None
    lex = lexical_form(question)
    # "the one with <A> plus <B> in it - how much <B> does it have": the nutrient after the asking words
    asked = _named_nutrients(lexical_form(fold(question)[m.end():]), nutrient_names)
    for name in asked or _named_nutrients(lex, nutrient_names):
        s = stated(product, name)
        if s is None or s.amount is None:
            return msg.PRODUCT_STATES_NO_AMOUNT.format(product=product.title, nutrient=name)
        return None
    word = _asked_ingredient(fold(question), product)
    return msg.PRODUCT_STATES_NO_AMOUNT.format(product=product.title, nutrient=word) if word else None


@functools.lru_cache(maxsize=1)
def _ingredient_asked() -> re.Pattern[str]:
    """ "how much <word>", "how many <unit> of <word>" (the units vocabulary's spellings): the word
    asked an amount of."""
    spellings = {fold(sp) for u in vocabulary().units for sp in (u.token, *u.spellings)}
    units = sorted(spellings, key=len, reverse=True)
    return re.compile(rf"\b(?:how much|how many (?:{'|'.join(map(re.escape, units))}))"
                      r"\s+(?:of\s+)?(?:the\s+)?(?P<word>[a-z][a-z-]{3,})\b(?:\s+(?P<next>[a-z][a-z-]+)\b)?")


def _asked_ingredient(asked: str, product: Product) -> str | None:
    """The word (or two: "how much <word> <word>") of which the question asks an amount, when the
    product's description names it (outside its title) and every amount of each sentence naming it
    is another thing's ("500 mg of <other>", "<nutrient> (60 mg)"): "... along with the pigment
    <word>"; None when an amount may be its own ("<word>, 2 mg", "2 mg of the <word>") or it is not named."""
    if not (m := _ingredient_asked().search(asked)) or not content_tokens(word := m.group("word")):
        return None
    text = fold(product.text)
    more = m.group("next")
    if more and content_tokens(more) and re.search(rf"\b{re.escape(word)}\s+{re.escape(more)}\b", text):
        word = f"{word} {more}"
    pattern = re.compile(rf"\b{re.escape(word)}\b")
    sentences = [x for x in sentences_of(text) if pattern.search(x)]
    if not sentences or pattern.search(fold(product.title)):
        return None
    if any(not _anothers_amount(x, d, word) for x in sentences for d in parse_doses(x)):
        return None
    return word


def _anothers_amount(sentence: str, d: Dose, word: str) -> bool:
    """Is an amount of the sentence plainly another thing's: "<amount> of <other words>", or right
    after another nutrient's name ("<nutrient> (60 mg)"), the word asked in neither? One the word
    follows ("(from 325 mg <word>)") is the word's own."""
    if re.match(rf"\s*{re.escape(word)}\b", sentence[d.end:]):
        return False
    if of := re.match(r"\s*of\s+((?:[\w+-]+\s*){1,4})", sentence[d.end:]):
        return word not in of.group(1)
    before = re.split(r"[+;,]", sentence[max(0, d.start - 40):d.start])[-1]
    return word not in before and bool(read_nutrients(before))


# --------------------------------------------------------------------------- one product


@dataclass(frozen=True)
class OneProduct:
    """A question about one product: whether it holds the nutrients, how much of each."""

    product: Product
    nutrients: tuple[str, ...]
    #: "is the <nutrient> in <product> <form> or <form>?": the forms asked about (its form is answered)
    forms: tuple[str, ...] = ()
    #: "is <product> a <kind> or a <kind>?": the kinds of product asked about (its kind is answered)
    kinds: tuple[str, ...] = ()
    #: "how many <units> is a serving of <product>?": its serving size (in the unit asked, if any)
    serving_size: bool = False
    serving_unit: str | None = None
    #: "is <product> <property>?": the property asked (product_cues.yaml ``properties``)
    property: str | None = None
    #: "does it have more or less <nutrient> than <another product | that>": the product compared with
    versus: Product | None = None
    #: "does it have more <nutrient> than <nutrient>": a comparison of its nutrients (the amounts asked)
    compared: bool = False
    #: "is <product> really <amount> of <nutrient>", "the one with <amount>, is that a decent dose":
    #: the question gives the amounts asked itself (its description is quoted: what it says of them)
    given: bool = False
    #: "how often do you take <product>", "what's its product name": the detail asked (``details``)
    detail: str | None = None
    #: "does <product> have more than <amount> of <nutrient>?": the bound's kind and the amount named
    bound: tuple[str, Dose] | None = None

    def products(self) -> list[Product]:
        """The product asked about, then the one it is compared with (whose chunks the answer cites)."""
        return [self.product, *([self.versus] if self.versus is not None else [])]


def asks_label(question: str) -> bool:
    """Does the question ask what a product holds ("how much <nutrient> is in <product>")?"""
    qc = product_cues().question
    return bool(qc.label) and cue(qc.label).search(cue_fold(asking_sentences(question))) is not None


def one_product_question(question: str, products: Sequence[Product], in_scope: Sequence[Product],
                         nutrient_names: Sequence[str], earlier: Sequence[str] | None = None,
                         pointed: Product | None = None) -> OneProduct | None:
    """"does <a product's name> have <nutrient> in it?", "how much <nutrient> is in the <words of one
    product's description>?", "is <product> a <kind> or a <kind>?", "how many <units> is a serving
    of <product>?", "is <product> <property>?", "how often do you take <product>?" (a detail), "does
    the <described product> have more or less <nutrient> than <another product | that>?", "compare
    <product> with <another>": the product (named; described by the words of "the ... <product
    word>" its title and description hold, rarest first, or "the <supplement> with <nutrient>"; else
    ``pointed``, the one the last answer listed: "does it have <nutrient> too?") and what is asked of
    it. None for a question across products or about two, one that asks nothing it holds, or one
    whose product words fit several equally (``in_scope`` wins a tie). ``earlier``: the user's earlier
    questions, oldest first ("than that": the last one's product). Cite ``OneProduct.products()``."""
    qc, question = product_cues().question, _choice_as_than(cue_fold(question), nutrient_names)
    q = _without_limit(whole := _without_page(_amount_not_count(question)))  # a span of q is one of whole
    if (against := _one_against(q, products, in_scope, nutrient_names)) is not None:
        return against  # "compare <A> with <B>": both (the compare word would ask across them all)
    size, unit = serving_size_asked(_without_page(question))
    # "any <nutrient> in them" asks of the nutrient, not across products; "how many <units> is a
    # serving" asks of one product; a statement before the question ("not on any <medicine>.") neither;
    # nor the "which" of "which form of <nutrient>"
    asking = cue(qc.which_form).sub(lambda m: " " * len(m.group(0)), _asking(q))
    if [m for m in cue(qc.across).finditer(asking) if not _nutrient_first(asking[m.end():], nutrient_names)
        ] and not size:
        return None
    if (bounded := _one_bounded(q, whole, products, nutrient_names)) is not None or cue(qc.than).search(q):
        return bounded or _one_compared(q, products, in_scope, nutrient_names, earlier)  # "... than that"
    if earlier and _either_way(q):  # "and the <described> one? more or less?": than the one before
        return _one_either_way(q, products, in_scope, nutrient_names, earlier)
    if _ranks_outside_name(q, products):
        return None
    found = _found_in(q, products, in_scope, nutrient_names)
    outside = q[:found[1][0]] + " " + q[found[1][1]:] if found else q
    if found and _another_by_amount(outside, found[0], products, in_scope, nutrient_names):
        return None  # "<product> and the <amount> one together": a question about two products
    if (detail := _detail_outside(outside, whole, found)) is not None:  # what the report states of it, or not
        of = found[0] if found else _described_in(q, products, in_scope, nutrient_names, True, ones=True)
        return OneProduct(of, (), detail=detail) if of is not None else None
    holds = bool(cue(qc.holds).search(q))
    # no word that asks an amount, but forms outside the product's name: "is it <form> or <form>?"
    forms = _forms_either(outside) if holds else _forms_asked(outside, nutrient_names)
    holds = holds or (not forms and found is not None and _figure_asked(q, outside, question, found[0]))
    kinds = None if holds or size else kinds_asked(outside)
    prop = None if holds or size or kinds or forms else asked_property(outside)
    if not (holds or forms or kinds or size or prop):
        return None
    described = q if kinds is None or found else q[:kinds[1][0]] + " " + q[kinds[1][1]:]
    product: Product | None = found[0] if found else (_described_once(
        described, products, in_scope, nutrient_names, figures=bool(forms), amount_asked=holds) or pointed)
    if product is None:
        return None
    if kinds is not None:
        return OneProduct(product, (), kinds=kinds[0])
    if size:
        return OneProduct(product, (), serving_size=True, serving_unit=unit)
    if prop is not None:  # a report silent on it answers only a property no other passage settles
        silent = property_sentence(product, prop) is None
        return None if silent and not product_cues().properties[prop].product_only else OneProduct(
            product, (), property=prop)
    return _asked_of(q, outside if found else _without_references(q), product, forms, nutrient_names)


def _holding_every(phrase: str, products: Sequence[Product]) -> list[Product]:
    """The products whose title and description hold every content word of ``phrase``."""
    words = set(content_tokens(phrase))
    return [p for p in products if words <= _words(p.title + " " + p.text)]


def _described_once(q: str, products: Sequence[Product], in_scope: Sequence[Product],
                    nutrient_names: Sequence[str], figures: bool, amount_asked: bool) -> Product | None:
    """The one product the (folded) question's "the ... <product word>" phrase describes; else
    (``amount_asked``: an amount it holds asked) when its one such phrase ends in "one" and a nutrient is
    named outside it ("how much <nutrient> is in the <words of its description> one?"), the one
    product whose title and description hold every word of it (not of two phrases: "my <A> tablet
    ... while the <B> one")."""
    found = _described_in(q, products, in_scope, nutrient_names, figures)
    if found is not None or not amount_asked or len(spans := _reference_spans(q, loose=True, ones=True)) != 1:
        return found
    ((start, end),) = spans
    # no word describes it ("the other one"), or the amount of no nutrient is asked ("the <X> one.
    # what's in it?": its words are quoted)
    if not content_tokens(q[start:end]) or not _named_nutrients(lexical_form(q[:start] + " " + q[end:]),
                                                                 nutrient_names):
        return None
    held = _holding_every(q[start:end], products)
    return held[0] if len(held) == 1 else None


def _another_by_amount(outside: str, product: Product, products: Sequence[Product],
                       in_scope: Sequence[Product], nutrient_names: Sequence[str]) -> bool:
    """Do the (folded) words outside a product's name describe another product by amounts the
    product does not state ("<product> and the <amount> one")?"""
    other = _by_amount(outside, products, in_scope, nutrient_names)
    return other is not None and other[0] is not product and not _given(outside, product)


def _detail_outside(outside: str, whole: str, found: tuple[Product, tuple[int, int]] | None) -> str | None:
    """The detail asked outside the product's name: in the question as the products read it, else
    before its time words were blanked for them ("every day or once a week?" asks how often)."""
    return asked_detail(outside) or asked_detail(whole[:found[1][0]] + " " + whole[found[1][1]:]
                                                 if found else whole)


def _asked_of(q: str, rest: str, product: Product, forms: Sequence[str],
              nutrient_names: Sequence[str]) -> OneProduct | None:
    """What the (folded) question asks of the product: the nutrients named outside the words that
    name or describe it (``rest``), else all it names, else those whose amount it gives; with the
    forms asked, and whether it gives the amounts itself. None when it asks of no nutrient."""
    asked = (_named_nutrients(lexical_form(rest), nutrient_names)
             or _named_nutrients(lexical_form(q), nutrient_names))
    owners = [n.name for n in vocabulary().nutrients if any(f.name in forms for f in n.forms)]
    if forms and not asked:  # "is that <form> too": the product's nutrient the forms are of
        asked = [n for n in owners if _names(product, n)]
    elif forms and set(asked) & set(owners):  # "<product with A and B>: is the B <form> or <form>?"
        asked = [n for n in asked if n in owners]
    given = _given(q, product)
    asked = asked or given
    return OneProduct(product, tuple(asked), tuple(forms),
                      given=bool(given) and not forms and set(asked) <= set(given)) if asked else None


def _given(q: str, product: Product) -> list[str]:
    """The nutrients whose amount, as the product states it, the (folded) question gives too (none
    when it also gives an amount the product does not state: "the same as the <amount> in <other>")."""
    keys = {d.key() for d in parse_doses(q)}
    given = {x.nutrient: s.dose.key() for x in product.nutrients
             if (s := stated(product, x.nutrient)) is not None and s.dose is not None
             and s.dose.key() in keys}
    if keys <= set(given.values()):
        return list(given)
    # an amount the description states of something else ("<n> mg of <nutrient> (from <m> mg <salt>)"):
    # the nutrients whose amounts the sentences holding it state
    held = [found for t in _sentences(product.text) if keys & (found := {d.key() for d in parse_doses(t)})]
    if not keys <= set().union(*held):
        return []
    return [x.nutrient for x in product.nutrients if (s := stated(product, x.nutrient)) is not None
            and s.dose is not None and any(s.dose.key() in found for found in held)]


#: a number written with no unit, as a product's amounts are said short: two joined ("650/450"), or
#: one right after a nutrient's name ("<nutrient> 650"); no unit, share or time follows it
_NUM = r"\d[\d,]*(?:\.\d+)?"
_NO_UNIT = r"(?![\d.,]|\s*(?:%|/\s*\w|(?:mg|mcg|µg|μg|ug|iu|g|ml|l|milligrams?|micrograms?|grams?|units?)\b))"
_BARE_PAIR = re.compile(rf"(?<![\w.,/+])({_NUM})\s*(?:/|\+|&)\s*({_NUM}){_NO_UNIT}")
_BARE_NAMED = re.compile(rf"([^\W\d_][\w+-]*)\s+({_NUM}){_NO_UNIT}")


def _by_bare_amounts(q: str, products: Sequence[Product],
                     nutrient_names: Sequence[str]) -> tuple[set[str] | None, list[tuple[int, int]]]:
    """The products whose descriptions state every amount a (folded) question writes without a
    unit ("the <nutrient> 650 / <nutrient> 450 product", "the 650/450 softgels"), and where: each
    number one of its nutrients' amounts (of the nutrient named right before it, if one is); two at
    least, or one after a name. (None, []) when it writes none."""
    found: list[tuple[float, str | None, tuple[int, int]]] = []
    for m in _BARE_NAMED.finditer(q):
        if (named := _named_nutrients(lexical_form(m[1]), nutrient_names)):
            found.append((float(m[2].replace(",", "")), named[0], m.span()))
    if not found:
        for m in _BARE_PAIR.finditer(q):
            found += [(float(m[i].replace(",", "")), None, m.span()) for i in (1, 2)]
    if not found or parse_doses(q[min(a for *_, (a, _) in found):max(b for *_, (_, b) in found)]):
        return None, []
    left = {p.id for p in products}
    for value, name, _ in found:
        left &= {p.id for p in products if any(
            s is not None and s.dose is not None and s.dose.low == value
            for x in p.nutrients if name is None or x.nutrient == name for s in (stated(p, x.nutrient),))}
    return left, [span for *_, span in found]


def _by_amount(q: str, products: Sequence[Product], in_scope: Sequence[Product],
               nutrient_names: Sequence[str]) -> tuple[Product, tuple[int, int]] | None:
    """ "the one with <amount> of <nutrient>", "<amount> in one <kind>": the one product whose
    description states an amount the (folded) question gives (of the nutrient named right after
    it, if one is), with where the amount and that name are; None when the question names no
    product word, kind or "the one", or an amount of it fits no product or several. An amount
    the products are held against ("under <amount>") describes none."""
    qc = product_cues().question
    plain = without_medicine_phrases(q)  # "water pills": a medicine's name holds no product word
    kinds = _kinds_in(plain)
    if not (cue([*qc.product_words, *qc.one_with, *qc.one_words]).search(plain) or kinds):
        return None
    left: set[str] | None = None  # the products every amount fits ("the 1000 IU + 45 mcg one")
    spans: list[tuple[int, int]] = []
    bound = amount_bound(q)  # "<products> under <amount>": an amount they are held against, no description
    for d in parse_doses(q):
        if bound is not None and bound[1].start == d.start:
            continue
        after = re.match(r"\s*(?:of\s+)?(?:[\w-]+\s+){0,2}?[\w-]+", q[d.end:])
        named = _named_nutrients(lexical_form(after.group(0)), nutrient_names) if after else []
        end = d.end + after.end() if after and named else d.end
        fits = [p for p in products if any(
            s is not None and s.dose is not None and s.dose.key() == d.key()
            for x in p.nutrients if not named or x.nutrient in named
            for s in (stated(p, x.nutrient),))]
        if len(fits) > 1 and kinds:  # "<amount> in one <kind>": the products of that kind
            fits = [p for p in fits if product_kind(p) in kinds] or fits
        if len(fits) > 1:
            fits = [p for p in fits if p.id in {x.id for x in in_scope}] or fits
        if not fits:  # an amount no product states: it is not one's
            return None
        left = {p.id for p in fits} if left is None else left & {p.id for p in fits}
        spans.append((d.start, end))
    if left is None:  # no amount with a unit: amounts written bare ("the 650 / 450 one")
        left, spans = _by_bare_amounts(q, products, nutrient_names)
    if not left or len(left) != 1:  # several state them all (which is meant is not said), or none
        return None
    product = next(p for p in products if p.id in left)
    start = min(a for a, _ in spans)
    if (lead := _reference_before().search(q[:start])) is not None:
        start = lead.start()  # "the <words> one with <amount>": those words describe it too
    return product, (start, max(b for _, b in spans))


@functools.lru_cache(maxsize=1)
def _reference_before() -> re.Pattern[str]:
    """A reference ending right before an amount that describes a product: "the <up to three
    words> one|<product word>|<kind> with|that has|containing" (product_cues ``one``, ``one_words``,
    ``product_words``, the kinds), compiled once."""
    qc = product_cues().question
    ends = cue_alternation([*qc.one_words, *qc.product_words,
                            *(x for pats in product_cues().description.kinds.values() for x in pats)])
    return re.compile(rf"(?<![\w-])(?:{cue_alternation(qc.one)})\s+(?:[\w+-]+\s+){{0,3}}?(?:{ends})\s+"
                      rf"(?:with|that (?:has|have|contains?|gives?)|containing|having)\s+$")


def product_by_amounts(question: str, products: Sequence[Product],
                       nutrient_names: Sequence[str]) -> tuple[Product, tuple[int, int]] | None:
    """The one product a question describes by the amounts its description states ("the <nutrient>
    <amount> + <nutrient> <amount> one"), with where those amounts are in the folded question (see
    :func:`_by_amount`)."""
    return _by_amount(cue_fold(question), products, (), nutrient_names)


def _ranks_outside_name(q: str, products: Sequence[Product]) -> bool:
    """Does the (folded) question say a most or least word outside a product's name it holds (not the
    "max" of "<Brand>Max")?"""
    qc = product_cues().question
    unnamed = _without_span(q, named[1]) if (named := _named_in(q, products)) else q
    return bool(cue(qc.most).search(unnamed) or cue(qc.least).search(unnamed))


def _without_span(q: str, span: tuple[int, int]) -> str:
    """The text with one span blanked out (spaces keep every other span where it was)."""
    return q[:span[0]] + " " * (span[1] - span[0]) + q[span[1]:]


def _one_bounded(q: str, whole: str, products: Sequence[Product],
                 nutrient_names: Sequence[str]) -> OneProduct | None:
    """ "does <product> have more than <amount> of <nutrient>?", "is <product> under <amount>?": the
    one product the (folded) question names outside the amount (no other named beside it), held
    against the amount in the nutrients named outside both, else in the one it states an amount of.
    None when the question (``whole``, its limit words kept) sets it beside the limit or asks if it
    is safe: the limit answers that."""
    bound = amount_bound(q)
    if bound is None or bound[0] == "closest" or q != whole or asks_risk(q):
        return None
    dose = bound[1]
    qc = product_cues().question
    marks = cue_alternation([*qc.product_words, *qc.one_words])
    if re.match(rf"\s*(?:[\w+-]+\s+){{0,2}}?(?:{marks})(?![\w-])", q[dose.end:]):
        return None  # "more than the <amount> (<nutrient>) one": that product, not an amount
    rest = _without_span(q, (dose.start, dose.end))  # its figure names no product
    if (found := _named_in(rest, products)) is None:
        return None
    product, span = found
    outside = _without_span(rest, span)
    if _named_in(outside, products) is not None or _CLAUSE_END.search(q, min(span[1], dose.end),
                                                                       max(span[0], dose.start)):
        return None  # two products, or the amount asked in another clause ("I take <P>, is there one ...")
    if form_in_question(lexical_form(outside)) is not None:
        return None  # "less than <amount> of <a salt>": a compound's weight, not the nutrient's
    named = _named_nutrients(lexical_form(outside), nutrient_names)
    held = [x.nutrient for x in product.nutrients if measured(product, x.nutrient) is not None]
    in_unit = [n for n in held if (s := stated(product, n)) is not None and s.dose is not None
               and s.dose.unit == dose.unit]  # "at least 4000 IU": the one it states in IU
    nutrients = named or next((ns for ns in (in_unit, held) if len(ns) == 1), [])
    return OneProduct(product, tuple(nutrients), bound=bound) if nutrients else None


def _one_compared(q: str, products: Sequence[Product], in_scope: Sequence[Product],
                  nutrient_names: Sequence[str], earlier: Sequence[str] | None) -> OneProduct | None:
    """ "does the <described product> have more or less <nutrient> than <that | another product |
    another nutrient>": the product (named or described before "than") and the nutrients asked, with
    the product compared with (named or described after "than", or, for "that", the one the last
    earlier question named or described). None when no more/less word comes before "than", and
    (``earlier`` None: the caller cites the asked product alone) when another product is named
    after it: that comparison is the one across the products (:func:`compose_products`)."""
    qc = product_cues().question
    than = cue(qc.than).search(q)
    assert than is not None
    head = q[:than.start()]
    tail = _CLAUSE_END.split(q[than.end():], maxsplit=1)[0]
    if not (cue(qc.most).search(head) or cue(qc.least).search(head)):
        return None
    found = _named_in(head, products)  # its figures describe it too ("the 45 mcg <nutrient> product")
    product = found[0] if found else _described_in(head, products, in_scope, nutrient_names, figures=True)
    if product is None:
        return None
    rest = head[:found[1][0]] + " " + head[found[1][1]:] if found else _without_references(head)
    # the nutrient right after the more/less word ("more <nutrient>"), else those outside its name
    ranked = _ranked(head, nutrient_names)
    asked = [ranked] if ranked else _named_nutrients(lexical_form(rest), nutrient_names)
    # "than <a product whose name or description names nutrients>": that product, not those nutrients
    named_after = _named_in(tail, products) is not None or (
        bool(cue(qc.product_words).search(tail))
        and _described_in(tail, products, in_scope, nutrient_names, figures=True, ones=True) is not None)
    if not named_after and (others := [n for n in _named_nutrients(lexical_form(tail), nutrient_names)
                                       if n not in asked]):
        return OneProduct(product, tuple([*asked, *others]), compared=True) if asked else None
    if earlier is None and not cue(qc.earlier_words).fullmatch(tail.strip()):
        return None
    versus = _compared_with(tail, products, in_scope, nutrient_names, earlier or ())
    if versus is not None and versus.id == product.id:
        versus = None
    if versus is None and not cue(qc.earlier_words).fullmatch(tail.strip()):
        return None  # "is that more than what's usually advised?": no product to set it beside
    # "more or less than that" naming no nutrient: the nutrients both name
    if not asked and versus is not None:
        asked = [x.nutrient for x in product.nutrients if versus.nutrient(x.nutrient)]
    return OneProduct(product, tuple(asked), versus=versus, compared=True) if asked else None


def _against_split(q: str) -> tuple[str, str] | None:
    """The (folded) question's words before and after the word that sets one product against another
    (``against``: "<A> vs <B>"; the first ``compare_joiners`` word after a ``compare_verbs`` word:
    "compare <A> with <B>"), the after part to the end of its clause; None when it has none."""
    qc = product_cues().question
    if (m := cue(qc.against).search(q)) is not None:
        at, end = m.start(), m.end()
    elif (v := cue(qc.compare_verbs).search(q)) is not None and (
            j := cue(qc.compare_joiners).search(q, v.end())) is not None:
        at, end = j.start(), j.end()
    else:
        return None
    return q[:at], _CLAUSE_END.split(q[end:], maxsplit=1)[0]


def _found_in(q: str, products: Sequence[Product], in_scope: Sequence[Product],
              nutrient_names: Sequence[str]) -> tuple[Product, tuple[int, int]] | None:
    """The one product the (folded) words name, "the <supplement> with <nutrient>", or an amount it
    states, with where."""
    return (_named_in(q, products) or _with_named(q, products, in_scope, nutrient_names)
            or _by_amount(q, products, in_scope, nutrient_names))


def _one_in(q: str, products: Sequence[Product], in_scope: Sequence[Product],
            nutrient_names: Sequence[str]) -> Product | None:
    """The one product the (folded) words name, or describe: "the <supplement> with <nutrient>", an
    amount it states, the words of its title and description."""
    found = _found_in(q, products, in_scope, nutrient_names)
    return found[0] if found else _described_in(q, products, in_scope, nutrient_names, True, ones=True)


def _one_against(q: str, products: Sequence[Product], in_scope: Sequence[Product],
                 nutrient_names: Sequence[str]) -> OneProduct | None:
    """ "compare <A> with <B>", "<A> vs <B>" (no more/less word): product A (named or described
    before the word that sets them apart) compared with product B (after it), in the nutrients the
    question names, else those both name. None unless both are products, and two."""
    split = _against_split(q)
    if split is None:
        return None
    head, tail = split
    product, versus = (_one_in(part, products, in_scope, nutrient_names) for part in (head, tail))
    if product is None or versus is None or versus.id == product.id:
        return None
    asked = [n for n in _named_nutrients(lexical_form(q), nutrient_names)
             if product.nutrient(n) or versus.nutrient(n)]
    asked = asked or [x.nutrient for x in product.nutrients if versus.nutrient(x.nutrient)]
    return OneProduct(product, tuple(asked), versus=versus, compared=True) if asked else None


def _one_either_way(q: str, products: Sequence[Product], in_scope: Sequence[Product],
                    nutrient_names: Sequence[str], earlier: Sequence[str]) -> OneProduct | None:
    """ "and the <described> one? more or less?" (no "than"): the product the (folded) question
    names or describes, compared with the one the latest earlier question named or described, in
    the nutrients it names (else those both name). None when either is not found, or they are one."""
    found = _found_in(q, products, in_scope, nutrient_names)
    product = found[0] if found else _described_in(q, products, in_scope, nutrient_names, True, ones=True)
    versus = _compared_with("that", products, in_scope, nutrient_names, earlier)
    if product is None or versus is None or versus.id == product.id:
        return None
    rest = q[:found[1][0]] + " " + q[found[1][1]:] if found else _without_references(q, ones=True)
    asked = (_named_nutrients(lexical_form(rest), nutrient_names)
             or [x.nutrient for x in product.nutrients if versus.nutrient(x.nutrient)])
    return OneProduct(product, tuple(asked), versus=versus, compared=True) if asked else None


def _compared_with(tail: str, products: Sequence[Product], in_scope: Sequence[Product],
                   nutrient_names: Sequence[str], earlier: Sequence[str]) -> Product | None:
    """The product the words after "than" name or describe; for words that point back ("that",
    "the other one"), the one the latest earlier question names or describes."""
    if cue(product_cues().question.earlier_words).fullmatch(tail.strip()):
        for e in reversed(earlier):
            q = _without_page(_amount_not_count(cue_fold(e)))
            found = _named_in(q, products) or _with_named(q, products, in_scope, nutrient_names)
            if (p := found[0] if found else _described_in(q, products, in_scope, nutrient_names)) is not None:
                return p
        return None
    found = _named_in(tail, products) or _with_named(tail, products, in_scope, nutrient_names)
    return found[0] if found else _described_in(tail, products, in_scope, nutrient_names, figures=True,
                                                ones=True)


def _with_named(q: str, products: Sequence[Product], in_scope: Sequence[Product],
                nutrient_names: Sequence[str]) -> tuple[Product, tuple[int, int]] | None:
    """ "the <supplement> with <nutrient>" (``with_words``): the one product that names both the
    supplement's nutrient and the other (of several, the one in scope), with where the supplement's
    name is (the nutrient after it is what is asked of the product)."""
    qc = product_cues().question
    if not qc.with_words:
        return None
    terms = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t, _ in _category_terms())
    phrase = re.compile(rf"(?<![\w-])(?:{cue_alternation(qc.one)})\s+({terms})\s+"
                        rf"(?:{cue_alternation(qc.with_words)})\s+(.+)")
    for m in phrase.finditer(q):
        category = dict(_category_terms())[m.group(1)]
        clause = _CLAUSE_END.split(m.group(2), maxsplit=1)[0]
        added = [n for n in _named_nutrients(lexical_form(clause), nutrient_names)
                 if not _is_category(n, category)]
        if not added:
            continue
        fits = [p for p in products if _names(p, category) and _names(p, added[0])]
        if len(fits) > 1:
            scope = {p.id for p in in_scope}
            fits = [p for p in fits if p.id in scope]
        if len(fits) == 1:
            return fits[0], m.span(1)
    return None


def _without_page(q: str) -> str:
    """The (folded) question with its phrases naming the page ("on the <supplement> list", "in this
    section") blanked, its length kept."""
    return _page_phrase().sub(lambda m: " " * len(m.group(0)), q)


def page_phrases(question: str) -> list[str]:
    """The question's phrases that name a page ("on the <supplement> page", "listed in that
    monograph"), as written (folded), but one said in a negation ("not on the <supplement> page"): a
    supplement named there is the page asked about."""
    q = cue_fold(question)
    return [m.group(0) for m in _page_phrase().finditer(q)
            if not re.search(r"(?:\bnot|n't|\bnever)\s+(?:\w+\s+)?$", q[:m.start()])]


@functools.cache
def _page_phrase() -> re.Pattern[str]:
    """A preposition, the|this|..., up to three words, then a word for a page (product cues
    ``page_words``); a pattern that matches nothing when there are none."""
    words = product_cues().question.page_words
    if not words:
        return re.compile(r"(?!x)x")
    return re.compile(rf"(?<![\w-])(?:on|in|from|under|of|at)\s+(?:the|this|that|these|your|my)\s+"
                      rf"(?:[\w-]+\s+){{0,3}}?(?:{cue_alternation(words)})(?![\w-])")


def choice_sides(question: str, nutrient_names: Sequence[str]) -> tuple[str, str] | None:
    """The two sides of a choice a question offers of a nutrient ("<A> or <B>, which has more
    <nutrient>?", product cues ``choice``), as written (folded); None when it offers none. Whether
    each side is a product is the caller's to find ("tablet or liquid" are kinds, "me or my husband"
    people)."""
    m = _choice_match(cue_fold(question), nutrient_names)
    return (m["a"].strip(), m["b"].strip()) if m is not None else None


def _choice_match(q: str, nutrient_names: Sequence[str]) -> re.Match[str] | None:
    """The first of the product cues' ``choice`` patterns the folded question matches whose ``what``
    names a nutrient; None when none does."""
    found = (re.search(pattern, q) for pattern in product_cues().question.choice)
    return next((m for m in found if m and _named_nutrients(lexical_form(m["what"]), nutrient_names)), None)


def _choice_as_than(q: str, nutrient_names: Sequence[str]) -> str:
    """A choice between two products ("which has more <nutrient>: <A> or <B>?", "is the <nutrient>
    in <A> the same as in <B>?") asked as the comparison "does <A> have more <nutrient> than <B>?"
    (the folded question unchanged when it offers no such choice, or the choice is of no nutrient)."""
    if (m := _choice_match(q, nutrient_names)) is None:
        return q
    g = m.groupdict()
    word = "less" if g.get("word") and cue(product_cues().question.least).search(g["word"]) else "more"
    return f"does {g['a'].strip()} have {word} {g['what'].strip()} than {g['b'].strip()}?"


def _figure_asked(q: str, outside: str, question: str, product: Product) -> bool:
    """Does a figure ask of the product named: one it states, or any amount beside its name ("is
    <product> really <amount> of <nutrient>?", "is that 325 mg of <nutrient>?"), unless the question
    asks a limit (the Dosage Guide's field answers "am I past the max with <amount>")?"""
    return bool(_given(q, product)) or (bool(parse_doses(outside)) and not cue(
        product_cues().question.limit).search(cue_fold(question)))


def _forms_asked(outside: str, nutrient_names: Sequence[str]) -> list[str]:
    """The forms a question about one product asks of: those it names, else ("which form of
    <nutrient> is it?") every form of the nutrients it names."""
    lex = lexical_form(outside)
    if named := _forms_named(lex):
        return named
    if not cue(product_cues().question.which_form).search(outside):
        return []
    asked = set(_named_nutrients(lex, nutrient_names))
    return [f.name for n in vocabulary().nutrients if n.name in asked for f in n.forms]


def _forms_either(outside: str) -> list[str]:
    """The forms a question offers as a choice ("is the <nutrient> in there <form> or <form>?"): two
    or more it names, with an "or" between them; else none."""
    named = _forms_named(lexical_form(outside))
    return named if len(named) >= 2 and re.search(r"\bor\b", outside) else []


def _forms_named(lex_question: str) -> list[str]:
    """Every vocabulary form the (lexical) question names, in the vocabulary's order."""
    return [name for name, pats in _form_term_patterns()
            if any(p.search(lex_question) for p in pats)]


@functools.lru_cache(maxsize=1)
def _form_term_patterns() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    """Each vocabulary form with its name and terms as (lexical) word patterns, compiled once (a
    blank term names nothing)."""
    return tuple((f.name, tuple(re.compile(rf"\b{re.escape(lexical_form(t).strip())}\b")
                                for t in (f.name, *f.terms) if lexical_form(t).strip()))
                 for n in vocabulary().nutrients for f in n.forms)


def _nutrient_first(text: str, nutrient_names: Sequence[str]) -> bool:
    """Does ``text`` begin with a nutrient's name?"""
    lex = lexical_form(text).lstrip()
    return any(_position(n, lex) == 0 for n in nutrient_names)


def product_named(question: str, products: Sequence[Product], in_scope: Sequence[Product],
                  nutrient_names: Sequence[str] = ()) -> Product | None:
    """The one product a question names (its name, said in full or short) or describes ("the
    <words of its description> <product word>"), or None."""
    q = cue_fold(question)
    found = _named_in(q, products)
    return found[0] if found else _described_in(q, products, in_scope, nutrient_names, ones=True)


def products_said(question: str, products: Sequence[Product], nutrient_names: Sequence[str],
                  most: int = 2) -> list[Product]:
    """The products a question names (in full or short) or describes by amounts their descriptions
    state, in the order found, at most ``most`` ("<product> and the <amount> one together")."""
    q, found = cue_fold(question), list[Product]()
    while len(found) < most:
        hit = _named_in(q, products) or _by_amount(q, products, (), nutrient_names)
        if hit is None or hit[0] in found:
            break
        found.append(hit[0])
        q = _without_span(q, hit[1])  # the rest, where the next is
    return found


def _named_in(q: str, products: Sequence[Product]) -> tuple[Product, tuple[int, int]] | None:
    """The product whose own name the (folded) question spells out, with where; the longest wins.
    Else the one product whose name of three words or more opens with two words the question
    spells out, the first no nutrient's word ("<brand> <nutrient>" for "<brand> <nutrient> <form>
    Plus <nutrient>"): a name is often said short."""
    hits, short = [], []
    for p in products:
        whole, lead = _name_patterns(p.name or "")
        if whole is not None:
            if m := whole.search(q):
                hits.append((m.end() - m.start(), p, m.span()))
            elif lead is not None and (m := lead.search(q)):
                short.append((p, m.span()))
    if not hits:
        return short[0] if len(short) == 1 else None
    hits.sort(key=lambda h: -h[0])
    return hits[0][1], hits[0][2]


def without_name(folded: str, product: Product) -> str:
    """The folded text with the product's name blanked out, said in full or short (:func:`_named_in`)
    or, else, as it is spelt."""
    whole, lead = _name_patterns(product.name or "")
    for pattern in (whole, lead):
        if pattern is not None and (m := pattern.search(folded)):
            return folded[:m.start()] + " " + folded[m.end():]
    return folded.replace(cue_fold(product.name or ""), " ") if product.name else folded


@functools.lru_cache(maxsize=8192)
def _name_patterns(name: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """A product name's patterns, compiled once per name: the whole name spelt out, and its short
    form (:func:`name_lead`), if it has one. (None, None) for a name without words."""
    # a coined word's parts ("OmegaMax") may be said apart: "omega max", "omega-max"
    words = [cue_fold(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", w)) for w in re.findall(r"[\w-]+", name)]
    if not words:
        return None, None
    lead = name_lead(name)
    # said short, a coined word is said run together ("omegamax"): "omega max" alone is everyday words
    return _spelled(words), (_spelled(lead) if lead else None)


def _spelled(words: Sequence[str]) -> re.Pattern[str]:
    """A (folded) question's spelling of the words in order (a word's letters and figures may be
    run together or split: "<ab>-7", "<ab>7", "<ab> 7")."""
    parts = [r"[-\s]?".join(re.escape(x) for x in re.findall(r"[^\W\d_]+|\d+", w)) for w in words]
    return re.compile(r"(?<![\w-])" + r"\W+".join(x for x in parts if x) + r"(?![\w-])")


def _reference_spans(q: str, loose: bool = False, ones: bool = False,
                     to_verb: bool = False) -> list[tuple[int, int]]:
    """Where each "the|this ... <product word>" phrase of the (folded) question is (a phrase runs to
    the clause's end: punctuation; ``to_verb``: or a verb that asks what it holds after the product
    word, or words that set it beside a limit, the cues' ``beside_limit``); ``loose``: also one
    ending in a loose word ("the ... combo thing"); ``ones``: also one with "one" ("the <form> one")."""
    qc = product_cues().question
    words = [*qc.product_words, *(x for pats in product_cues().description.kinds.values() for x in pats),
             *(qc.reference_words if loose else ()), *(qc.one_words if ones else ())]
    marks = cue(words)
    asks = cue(qc.holds)
    out = []
    for m in cue(qc.one).finditer(q):
        clause = _CLAUSE_END.split(q[m.end():], maxsplit=1)[0]
        if (mark := marks.search(clause)) is None:
            continue
        # "does the <described> tablet have any <nutrient>": the verb after the product word asks
        # (not "the tablet that has <nutrient>", which describes it)
        verb = next((a for a in asks.finditer(clause, mark.end())
                     if not re.search(r"\b(?:that|which|with|who)\s+(?:[\w-]+\s+)?$", clause[:a.start()])),
                    None) if to_verb else None
        if verb is not None and cue(qc.one).search(clause, verb.end()):
            verb = None  # "my <A> tablet gives ... while the <B> one gives ...": two products, one phrase
        # "does the <described> softgel go over the upper limit?": what it is set beside is no description
        beside = cue(qc.beside_limit).search(clause, mark.end()) if to_verb and qc.beside_limit else None
        ends = [x.start() for x in (verb, beside) if x is not None]
        out.append((m.end(), m.end() + (min(ends) if ends else len(clause))))
    return out


def _references(q: str, loose: bool = False, figures: bool = False, ones: bool = False) -> list[list[str]]:
    """The words of each "the|this ... <product word>" phrase of the (folded) question, up to a verb
    that asks what it holds ("does the <described> tablet have <nutrient>"; ``figures``: with its
    figures, "the 45 mcg product"; ``ones``: a phrase with "one" too)."""
    out = [[*content_tokens(q[s:e]), *(_numbers(q[s:e]) if figures else ())]
           for s, e in _reference_spans(q, loose, ones, to_verb=True)]
    return [r for r in out if r]


def _numbers(text: str) -> list[str]:
    """The figures of a text, without thousands separators ("the 45 mcg product": "45")."""
    return [x.replace(",", "") for x in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text)]


def _without_references(q: str, ones: bool = False, to_verb: bool = False) -> str:
    """The question without its loose "the ... <product word>" phrases (what it asks of the product;
    ``to_verb``: each phrase up to a verb that asks what it holds or a limit set beside it)."""
    for s, e in reversed(_reference_spans(q, loose=True, ones=ones, to_verb=to_verb)):
        q = q[:s] + " " + q[e:]
    return q


def set_beside(question: str) -> str:
    """What the (folded) question sets a product beside: the words after the first of the cues'
    ``beside_limit``, to the clause's end or one of ``beside_limit_ends`` ("does the <described>
    softgel go over the <supplement> limit?": "<supplement> limit"; "... over the upper limit if I
    also take <x>?": "upper limit"); "" when it sets it beside nothing."""
    qc = product_cues().question
    m = cue(qc.beside_limit).search(question) if qc.beside_limit else None
    if m is None:
        return ""
    said = re.split(r"[,;.!?]", question[m.end():], maxsplit=1)[0]
    end = cue(qc.beside_limit_ends).search(said) if qc.beside_limit_ends else None
    return said[:end.start()] if end else said


def without_description(question: str) -> str:
    """The (folded) question without the words that describe a product ("does the <A> + <B> softgel
    go over the limit?": what is asked of it, "does go over the limit?")."""
    return _without_references(cue_fold(question), ones=True, to_verb=True)


def _described_in(q: str, products: Sequence[Product], in_scope: Sequence[Product],
                  nutrient_names: Sequence[str] = (), figures: bool = False,
                  ones: bool = False) -> Product | None:
    """The one product the question's "the ... <product word>" phrase describes: the one whose title
    and description hold all its words (of several, the one in scope); else the one holding most of
    their weight (rarer words weigh more), among the products in scope first, then among all, of
    those that hold every nutrient the phrase names ("the <one> <other> drops" hold both)."""
    words_of = {p.id: _words(p.title + " " + p.text) | _broader_names(p.nutrients) for p in products}
    nutrient_words = set(content_tokens(" ".join(nutrient_names))).union(
        *(_broader_names(p.nutrients) for p in products))  # "vitamin <letter>" is a nutrient's name too
    n = len(products)
    scope = {p.id for p in in_scope}
    refs = [set(r) for r in _references(q, loose=True, figures=figures, ones=ones)]
    for ref in refs:  # a phrase whose every word one product holds ("the liquid ... drops") first
        full = [p for p in products if ref <= words_of[p.id]]
        if len(full) > 1:
            full = [p for p in full if p.id in scope]
        if len(full) == 1:
            return full[0]
    for ref in refs:
        if any(ref <= words_of[p.id] for p in products):
            continue  # several hold it all: ambiguous
        # a word no product holds ("combo", "thing") says nothing of which one is meant
        weight = {t: math.log(1 + n / (1 + held)) if (held := sum(t in w for w in words_of.values())) else 0.0
                  for t in ref}
        total = math.fsum(weight.values())  # exact: the same whatever order a set gives its words
        if not total:
            continue
        must = ref & nutrient_words
        for among in ([p for p in products if p.id in scope], products):
            scored = [(math.fsum(weight[t] for t in ref if t in words_of[p.id]), p) for p in among
                      if must <= words_of[p.id]]
            best = max((sc for sc, _ in scored), default=0.0)
            top = [p for sc, p in scored if sc == best]
            if best >= total / 2 and len(top) == 1:
                return top[0]
    return None


@functools.lru_cache(maxsize=8192)
def _broader_names(nutrients: tuple[ProductNutrient, ...]) -> frozenset[str]:
    """The words of the vocabulary's less specific names of these nutrients (a phrase names a product
    stating "vitamin <letter><digit>" by "vitamin <letter>" too)."""
    held = [x.nutrient.casefold() for x in nutrients]
    return frozenset(t for n in vocabulary().nutrients for x in held
                     if (name := n.name.casefold()) != x and x.startswith(name) and name[-1].isalpha()
                     and x[len(name):].isdigit()  # only digits follow (never "<x>1" of "<x>12")
                     for t in content_tokens(n.name))


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    """The content words and figures of a text, a hyphenated word also by its parts ("two-softgel");
    kept per text (a product's description is read for every question that describes one)."""
    return frozenset({*content_tokens_with_parts(text), *_numbers(text)})


def compose_one_product(one: OneProduct, product_docs: dict[str, Document],
                        book: CitationBook) -> tuple[list[str], list[ProductRow]]:
    """What one product's description states of the nutrients asked: the amounts, a nutrient it
    names without an amount, one it does not mention; the product cited."""
    if one.product.id not in product_docs:
        return [], []
    if one.versus is not None and one.versus.id not in product_docs:  # its chunks not given: not cited
        one = replace(one, versus=None)
    out = _ProductAnswer(book, product_docs)
    p, a = one.product, product_cues().answers
    if one.forms:
        return _one_form(one, out)
    if one.kinds:
        kind = product_kind(p)
        text = (a.kind_stated.format(product=p.title, kind=kind) if kind
                else a.kind_not_stated.format(product=label(p), kinds=", ".join(one.kinds)))
        out.lines.append(f"{text} [{out.cite(p, None)}].")
        return out.lines, out.rows
    if one.serving_size:
        out.serving_size(p, one.serving_unit)
        return out.lines, out.rows
    if one.given:  # the question gives the amounts: what the description says of them, in its words
        m = out.cite(p, None)
        for n in one.nutrients:
            out.add_row(p, n, m)
        out.lines.append(f"{a.one_says.format(product=p.title, text=' '.join(_sentences(p.text)))} [{m}].")
        return out.lines, out.rows
    if one.detail is not None:  # what the report states of the detail, or that it does not state it
        _detail_line(out, p, one.detail)
        return out.lines, out.rows
    if one.property is not None:  # a property only the report settles, and it is silent: no answer
        sentence = property_sentence(p, one.property)
        if sentence is None:
            return [], []
        what = product_cues().properties[one.property].what
        text = a.property_one.format(product=label(p), what=what, sentence=sentence)
        out.lines.append(f"{text} [{out.cite(p, sentence)}].")
        return out.lines, out.rows
    _amounts_line(out, p, one.nutrients)
    if one.bound is not None:
        _bound_lines(out, p, one.nutrients, *one.bound)
    if one.versus is not None:
        _amounts_line(out, one.versus, one.nutrients)
    if one.compared:
        _comparison_lines(out, one)
    return out.lines, out.rows


def _bound_lines(out: _ProductAnswer, p: Product, nutrients: Sequence[str], kind: str, amount: Dose) -> None:
    """Whether product ``p``'s amount of each nutrient keeps to the bound the question set ("more <X>
    than the amount named": it does, or does not), or that the two cannot be compared (no amount, or
    no factor that turns one into a mass); the amount itself is named by its own line."""
    for n in nutrients:
        if (s := stated(p, n)) is None or stated_parts(p, n):
            continue  # its line says it does not mention it; or it is measured by parts its line names
        m, ug = measured(p, n), micrograms(n, s.form, replace(amount, low=1.0, high=None))
        if m is None or ug is None:
            out.lines.append(msg.ONE_BOUND_UNCOMPARABLE.format(product=p.title, nutrient=n))
            continue
        kept = _within(kind, *_bounds_ug(amount, ug), m.micrograms)
        line = msg.ONE_BOUND_KEPT if kept else msg.ONE_BOUND_NOT_KEPT
        what = msg.PRODUCTS_BOUND_WHAT[kind].format(nutrient=n)
        out.lines.append(line.format(product=p.title, what=what, m=out.cite(p, None)))


def _amounts_line(out: _ProductAnswer, p: Product, nutrients: Sequence[str]) -> None:
    """The sentence of what product ``p``'s description states of the nutrients: the amounts, a
    nutrient it names without an amount, one it does not mention; the product cited."""
    a = product_cues().answers
    states = {n: stated(p, n) for n in nutrients}
    # a nutrient with parts by the parts' amounts it states (its own figure may be the whole oil's)
    amounts = [x for n, s in states.items() for x in (stated_parts(p, n) or _listed(s)) if x.amount]
    named = [n for n, s in states.items() if s is not None and not s.amount]
    absent = [n for n, s in states.items() if s is None and not stated_parts(p, n)]  # parts stated: held
    shown = {x.nutrient for x in amounts}
    others = [s.detail() for x in p.nutrients if x.nutrient not in states and x.nutrient not in shown
              and (s := stated(p, x.nutrient)) is not None and s.amount]
    product = label(p, others)

    def them(names: Sequence[str]) -> str:
        return a.it[0] if len(names) == 1 else a.it[1]

    if amounts:
        text = a.one_states.format(product=product, amounts="; ".join(_with_compound(p, s) for s in amounts))
        if named:
            text += a.and_named.format(nutrients=" and ".join(named), them=them(named))
    elif named:
        text = a.one_named.format(product=product, nutrients=" and ".join(named), them=them(named))
    else:
        text = a.one_absent.format(product=product, nutrients=" and ".join(absent))
        absent = []
    if absent:
        text += a.and_absent.format(nutrients=" and ".join(absent))
    m = out.cite(p, amounts[0].amount if amounts else None)
    for n in nutrients:
        out.add_row(p, n, m)
    out.lines.append(f"{text} [{m}].")


def _with_compound(p: Product, s: Stated) -> str:
    """An amount product ``p`` states, with its compound's weight when the description gives that too."""
    share = stated_share(p, s.nutrient)
    more = product_cues().answers.from_compound.format(whole=share.whole, form=share.form) if share else ""
    return s.detail() + more


def _detail_line(out: _ProductAnswer, p: Product, name: str) -> None:
    """A detail of product ``p`` (``details``): the sentence of its description that states it, its
    report's product name, or what its amounts are given for ("per 5 mL serving"); else that its
    description does not state it, with the amounts it does state, and the description itself. The
    product cited."""
    dc, a = product_cues().details[name], product_cues().answers
    states = [s for x in p.nutrients if (s := stated(p, x.nutrient)) is not None and s.amount]
    amounts = "; ".join(s.detail() for s in states)
    m = out.cite(p, states[0].amount if states else None)
    for s in states:
        out.add_row(p, s.nutrient, m)
    line: str | None = None
    if dc.source == "name":
        line = a.detail_named.format(text=p.name) if p.name else None
    elif dc.source == "serving":
        served = any(s.serving for s in states)
        line = a.one_states.format(product=label(p), amounts=amounts) if served else None
    elif (sentence := _sentence_with(p, dc.description)) is not None:  # with the amounts it states
        held = label(p, [s.detail() for s in states])
        line = a.detail_stated.format(what=dc.what, product=held, text=sentence)
    if line is None:  # what the description does say is not hidden behind what it does not
        line = a.detail_unstated.format(product=label(p), what=dc.what) + (
            a.serving_size_amounts.format(amounts=amounts) if states else "")
        out.lines.append(f"{line} [{m}].")
        line = a.one_says.format(product=p.title, text=p.text.strip())
    out.lines.append(f"{line} [{m}].")


def _comparison_lines(out: _ProductAnswer, one: OneProduct) -> None:
    """ "more or less than ...": which states more of each nutrient asked, the product or the one it
    is compared with (of one product, its first nutrient against the others), where both state an
    amount that compares (a mass, or IU of one nutrient)."""
    a, p = product_cues().answers, one.product
    pairs: list[tuple[Stated | None, Stated | None, str, str]] = []
    if one.versus is not None:
        pairs = [(stated(p, n), stated(one.versus, n), n, one.versus.title) for n in one.nutrients]
    elif len(one.nutrients) > 1:
        pairs = [(stated(p, one.nutrients[0]), stated(p, n), one.nutrients[0], n) for n in one.nutrients[1:]]
    for mine, theirs, nutrient, other in pairs:
        x, y = (mine.micrograms if mine else None), (theirs.micrograms if theirs else None)
        if x is None or y is None:
            continue
        word = "more" if x > y else "less"
        text = (a.compare_same.format(product=p.title, nutrient=nutrient, other=other) if math.isclose(x, y)
                else a.compare_one.format(product=p.title, word=word, nutrient=nutrient, other=other))
        marks = dict.fromkeys([out.cite(p, None), *([out.cite(one.versus, None)] if one.versus else [])])
        out.lines.append(f"{text} {' '.join(f'[{m}]' for m in marks)}.")


def _one_form(one: OneProduct, out: _ProductAnswer) -> tuple[list[str], list[ProductRow]]:
    """"is the <nutrient> in <product> <form>?": the form its description states, or that it states none."""
    p, a = one.product, product_cues().answers
    for n in one.nutrients:
        s = stated(p, n)
        m = out.cite(p, s.form if s is not None and s.form else None)
        out.add_row(p, n, m)
        product = label(p)
        text = (a.one_absent.format(product=product, nutrients=n) if s is None
                else a.form_stated.format(product=product, nutrient=n, form=s.form) if s.form
                else a.form_not_stated.format(product=product, nutrient=n))
        out.lines.append(f"{text} [{m}].")
    return out.lines, out.rows
