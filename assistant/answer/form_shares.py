"""Which form a Special Forms line that lost its name describes, read off the share it states.

A scraped page may keep a line's words ("<what it is>; about N% <nutrient>") but lose the form
it is about. When the page's products state both the nutrient and the compound it comes from
("<n> mg of <nutrient> (from <m> mg <form>)", :func:`assistant.answer.products.stated_share`),
their share names the form: the line's "about N%" fits exactly one form's products and no other
line fits that form. The fit is said with both passages cited: the line's percentage is in the
line, the two amounts in the product; no computed number is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from langchain_core.documents import Document

from assistant.answer.citations import CitationBook
from assistant.answer.products import Share, stated_share
from assistant.answer.studies import form_mentions
from assistant.corpus import Product
from assistant.domain.page_format import unnamed_lines, value_lines
from assistant.normalize import content_tokens, fold

#: how far (in percentage points) a product's stated share may be from the line's "about N%"
SHARE_TOLERANCE = 1.5

_PERCENT = re.compile(r"(?<![\d.,])(\d{1,2}(?:\.\d+)?)\s*(?:%|per\s?cent\b)")


@dataclass(frozen=True)
class LineFit:
    """An unnamed line of a field and the form its stated share fits, with the product showing it."""

    line: str
    percent: float
    form: str
    product: Product
    share: Share


def line_percent(line: str, nutrient: str) -> float | None:
    """The one percentage a line states of ``nutrient`` (the line names it); None for none or several."""
    if not re.search(rf"\b{re.escape(fold(nutrient))}\b", fold(line)):
        return None
    found = _PERCENT.findall(line)
    return float(found[0]) if len(found) == 1 else None


def fitted_lines(field: str, values: Sequence[str], products: Sequence[Product],
                 nutrient: str) -> list[LineFit]:
    """The unnamed lines of ``field`` whose stated share of ``nutrient`` fits one form's products
    alone (within :data:`SHARE_TOLERANCE`), each form fitted by one line at most."""
    stating = [(line, percent) for line in unnamed_lines(field, values)
               if (percent := line_percent(line, nutrient)) is not None]
    if not stating:  # no unnamed line states a share: no product is read
        return []
    shares = [(p, s) for p in products if (s := stated_share(p, nutrient)) is not None]
    fits: list[LineFit] = []
    for line, percent in stating:
        near = [(p, s) for p, s in shares if abs(s.percent - percent) <= SHARE_TOLERANCE]
        forms = {s.form.casefold() for _, s in near}
        if len(forms) == 1:
            p, s = min(near, key=lambda ps: abs(ps[1].percent - percent))
            fits.append(LineFit(line, percent, s.form, p, s))
    counts = Counter(f.form.casefold() for f in fits)
    return [f for f in fits if counts[f.form.casefold()] == 1]


def fit_sentence(fit: LineFit, nutrient: str, line_marker: int, product_marker: int) -> str:
    """The fit said with its two passages: the line quoted, then the product's two amounts."""
    line = fit.line.strip().rstrip(".")
    return (f"The line “{line}” names no form [{line_marker}]; the share it states fits {fit.form}: "
            f"{fit.product.title} gives {fit.share.amount} of {nutrient} from {fit.share.whole} of "
            f"{fit.form} [{product_marker}].")


def fit_sentences(question: str, said: str, field_docs: Sequence[Document], products: Sequence[Product],
                  nutrient: str, product_docs: Callable[[Product], Document | None], book: CitationBook,
                  asks_share: bool, ignored: Collection[str] = (), of_product: bool = False) -> list[str]:
    """The fits (:func:`fitted_lines`) of the unnamed lines of ``field_docs`` (chunks of the fields
    whose lines name their forms) that the answer ``said`` quotes, or that the question asks about:
    it names the form the line fits and asks the share (``asks_share``) or shares a word with the line
    (beside the ``ignored`` words: names of nutrients and forms, general words); or, ``of_product``
    (the share asked of a product, not an amount), it names the product whose share fits the line
    ("<product> gives 65 mg from 325 mg, what percent is that"). Each cited."""
    found: list[tuple[Document, tuple[int, int], LineFit]] = []
    for doc in field_docs:
        body = str(doc.metadata.get("text", ""))
        spans = value_lines(body)
        values = [body[s:e] for s, e in spans]
        found += [(doc, spans[values.index(fit.line)], fit)
                  for fit in fitted_lines(str(doc.metadata.get("title", "")), values, products, nutrient)]
    if not found:
        return []
    named = {name.casefold() for _, _, name in form_mentions(question)}
    asked_words = set(content_tokens(question)) - set(ignored)
    out: list[str] = []
    for doc, span, fit in found:
        quoted = fit.line.strip().rstrip(".") in said
        of_form = fit.form.casefold() in named and (
            asks_share or bool(asked_words & set(content_tokens(fit.line))))
        asked = of_form or (of_product and _names(question, fit.product))
        if not (quoted or asked) or (pdoc := product_docs(fit.product)) is None:
            continue
        out.append(fit_sentence(fit, nutrient, book.cite(doc, span), book.cite(pdoc)))
    return out


def _names(question: str, product: Product) -> bool:
    """Does the question name the product by its own name?"""
    return bool(product.name) and re.search(rf"(?<![\w-]){re.escape(fold(product.name or ''))}(?![\w-])",
                                            fold(question)) is not None
