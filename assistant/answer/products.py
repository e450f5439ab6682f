"""Questions across products ('which has the most', 'which ones state no amount'), answered from
the products' structured amounts; every product named is cited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant import messages as msg
from assistant.answer.citations import CitationBook
from assistant.corpus import Nutrient, Product
from assistant.domain.vocabulary import vocabulary
from assistant.doses import parse_doses
from assistant.normalize import content_tokens, fold, lexical_form, tokens
from assistant.types import ProductRow

_SUPERLATIVE_MAX = re.compile(r"\b(most|highest|largest|biggest|strongest|max(?:imum)?|greatest|more)\b")
_SUPERLATIVE_MIN = re.compile(r"\b(least|lowest|smallest|weakest|min(?:imum)?|fewest|less)\b")
_PRODUCT_WORDS = re.compile(r"\b(products?|supplements?|brands?|which one|which ones|formulations?|"
                            r"options?|pills?|softgels?|capsules?|drops?|multivitamins?)\b")
_WHICH = re.compile(r"\b(which|any|list|all|every|compare|comparison|rank|how many)\b")


@dataclass
class ProductQuery:
    nutrient: str | None  # a nutrient as products name it; None: the monograph's own (see Catalog)
    form: str | None  # a form of it, as the vocabulary names it
    direction: str | None  # "max" | "min" | None (a filter)
    missing: bool = False  # "which products don't say how much of it"


def parse_product_query(question: str, nutrient_names: Sequence[str]) -> ProductQuery | None:
    """A question across products ('which has the most', 'which one has zinc'), or None."""
    q = fold(question)
    direction = "max" if _SUPERLATIVE_MAX.search(q) else "min" if _SUPERLATIVE_MIN.search(q) else None
    if not _PRODUCT_WORDS.search(q) or not (_WHICH.search(q) or direction):
        return None
    if parse_doses(question):
        return None  # an amount names one product: a lookup, not a comparison
    lex = lexical_form(question)
    form = form_in_question(lex)
    nutrient = next((name for name in nutrient_names if name_in_question(name, lex)), None)
    if nutrient is None and form is None and direction is None:
        return None
    if nutrient is None and form is not None and direction is not None:  # "the most <form>": its nutrient
        nutrient = next((n.name for n in vocabulary().nutrients if any(f.name == form for f in n.forms)
                         and n.name in nutrient_names), None)
    missing = bool(re.search(r"\b(?:don'?t|do not|doesn'?t|does not|without|no|lack\w*|missing)\b", q))
    return ProductQuery(nutrient, form, None if missing else direction, missing)


def form_in_question(lex_question: str) -> str | None:
    """The vocabulary form the question names, or None (also when it names two: "form A or form B,
    which one..." compares the forms; it filters no products)."""
    named: set[str] = set()
    for n in vocabulary().nutrients:
        for f in n.forms:
            for term in (f.name, *f.terms):
                key = lexical_form(term).strip()
                if re.search(rf"\b{re.escape(key)}\b", lex_question):
                    named.add(f.name)
    return next(iter(named)) if len(named) == 1 else None


def name_in_question(name: str, lex_question: str) -> bool:
    """Is nutrient ``name`` (a product's nutrient name, e.g. 'vitamin C') named in the question?"""
    lex_name = lexical_form(name)
    toks = [t for t in content_tokens(lex_name)] or tokens(lex_name)
    key = toks[0] if toks else lex_name
    if re.search(rf"\b{re.escape(key)}\b", lex_question):
        return True
    short = key.replace("vitamin_", "")
    return bool(short and len(short) >= 2 and re.search(rf"\b{re.escape(short)}\b", lex_question))


def product_amount_text(product: Product, nutrient: str) -> tuple[str | None, str | None, str | None]:
    n = product.nutrient(nutrient)
    if n is None:
        return None, None, None
    return n.amount, n.unit, n.form


def compose_products(pq: ProductQuery, products: Sequence[Product], product_docs: dict[str, Document],
                     book: CitationBook) -> tuple[list[str], list[ProductRow]]:
    """Answer a question across products from their structured amounts; every product cited."""
    out = _ProductAnswer(book, product_docs)
    if pq.direction and pq.nutrient:
        out.extreme(products, pq.nutrient, pq.direction)
    elif pq.missing and pq.nutrient:
        out.missing(products, pq.nutrient)
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

    def cite(self, p: Product, amount: str | None) -> int:
        hl = None
        if amount and amount in p.text:
            s = p.text.index(amount)
            hl = (s, s + len(amount))
        return self.book.cite(self.product_docs[p.id], hl)

    def add_row(self, p: Product, nutrient: str, marker: int) -> None:
        amount, unit, form = product_amount_text(p, nutrient)
        self.rows.append(ProductRow(product=p.title, nutrient=nutrient, amount=amount, unit=unit, form=form,
                                    marker=marker))

    def extreme(self, products: Sequence[Product], nutrient: str, direction: str) -> None:
        """The most (or least) of a nutrient, then every product that states it, then the rest."""
        known = [(p, p.nutrient(nutrient)) for p in products]
        with_amount = [(p, n) for p, n in known if n is not None and n.micrograms is not None]
        without = [p for p, n in known if n is None or n.micrograms is None]
        if not with_amount:
            return
        values = [n.micrograms for _, n in with_amount if n.micrograms is not None]
        target = max(values) if direction == "max" else min(values)
        names = [f"{p.title} ({nutrient} {n.amount}) [{self.cite(p, n.amount)}]"
                 for p, n in with_amount if n.micrograms == target]
        word = "most" if direction == "max" else "least"
        self.lines.append(msg.PRODUCTS_EXTREME.format(word=word, nutrient=nutrient, items="; ".join(names)))
        for p, n in sorted(with_amount, key=lambda pn: pn[1].micrograms or 0.0, reverse=direction == "max"):
            self.add_row(p, nutrient, self.cite(p, n.amount))
        if without:
            marks = [f"{p.title} [{self.cite(p, None)}]" for p in without]
            self.lines.append(msg.PRODUCTS_NO_AMOUNT.format(nutrient=nutrient, items="; ".join(marks)))

    def missing(self, products: Sequence[Product], nutrient: str) -> None:
        """The products whose description states no amount of the nutrient."""
        lacking = [p for p in products if (p.nutrient(nutrient) or Nutrient(nutrient)).amount is None]
        if not lacking:
            self.lines.append(msg.PRODUCTS_ALL_STATE.format(nutrient=nutrient))
            return
        parts = []
        for p in lacking:
            m = self.cite(p, None)
            parts.append(f"{p.title} [{m}]")
            self.add_row(p, nutrient, m)
        self.lines.append(msg.PRODUCTS_STATE_NONE.format(nutrient=nutrient, items="; ".join(parts)))

    def matching(self, products: Sequence[Product], pq: ProductQuery) -> None:
        """The products that contain the nutrient (in the form) the question names."""
        matching = [p for p in products if _matches(p, pq)]
        what = " ".join(x for x in (pq.nutrient, f"as {pq.form}" if pq.form else None) if x)
        if not matching:
            self.lines.append(msg.PRODUCTS_NONE_MATCH.format(what=what))
            return
        parts = []
        for p in matching:
            nutrient = pq.nutrient or next((x.nutrient for x in p.nutrients if x.form == pq.form), "")
            amount, _, form = product_amount_text(p, nutrient)
            m = self.cite(p, amount)
            detail = ", ".join(x for x in (amount, form) if x)
            parts.append(f"{p.title}" + (f" ({nutrient} {detail})" if detail else "") + f" [{m}]")
            self.add_row(p, nutrient, m)
        self.lines.append(msg.PRODUCTS_MATCH.format(what=what, items="; ".join(parts)))


def _matches(p: Product, pq: ProductQuery) -> bool:
    """Does the product contain the nutrient, in the form, that the question names?"""
    if pq.nutrient and p.nutrient(pq.nutrient) is None:
        return False
    if pq.form:
        found = p.nutrient(pq.nutrient) if pq.nutrient else None
        forms = [x.form for x in ([found] if found else p.nutrients) if x and x.form]
        return pq.form in forms
    return True


_AMOUNT_ASKED = re.compile(r"\b(?:how much|how many|amount|dose|dosage|quantity|contain)\b")


def product_amount_gap(question: str, product: Product, nutrient_names: Sequence[str]) -> str | None:
    """For "how much <nutrient> is in <this product>": the sentence saying its description states
    no amount of that nutrient, when it states none (None otherwise: the description answers)."""
    if not _AMOUNT_ASKED.search(fold(question)):
        return None
    lex = lexical_form(question)
    for name in nutrient_names:
        if name_in_question(name, lex):
            n = product.nutrient(name)
            if n is None or n.amount is None:
                return msg.PRODUCT_STATES_NO_AMOUNT.format(product=product.title, nutrient=name)
            return None
    return None
