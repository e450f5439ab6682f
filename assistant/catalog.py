"""What questions look up in the corpus besides passages: supplement names, products, nutrients.

Worked out once per corpus (it may hold thousands of monographs) and replaced together with the
retriever when the index moves to a new generation (:meth:`assistant.pipeline.Assistant.refresh_if_stale`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from assistant.corpus import Corpus, Monograph, Product
from assistant.domain.vocabulary import vocabulary
from assistant.normalize import content_tokens, fold
from assistant.nutrients import mentioned_nutrients, name_lead

#: words that name no topic of their own beside a supplement's name ("what does it do" -> "acts")
GENERAL_WORDS = frozenset({"act", "vitamin"})


def _vocabulary_names(m: Monograph) -> list[str]:
    """The vocabulary's names for a monograph's own nutrient and its forms (so a question may name a
    monograph by any of them without an alias in its front matter)."""
    primary = str(m.meta.get("primary_nutrient") or "").casefold()
    return [t for n in vocabulary().nutrients if n.name.casefold() == primary
            for t in (n.name, *n.terms, *(x for f in n.forms for x in (f.name, *f.terms)))]


def _form_names(corpus: Corpus) -> list[tuple[str, frozenset[str]]]:
    """The product-description forms (product_cues ``description.forms``: "<form> oil") whose
    descriptions are all of one monograph name it, by the form's name and by each of its words no
    other monograph's products use ("the <form> caps"), unless the word names an outcome the
    findings are about (study_cues ``topics``: a level in the blood is no form)."""
    from assistant.answer.products import _kind_re, product_cues  # the cues that read descriptions
    from assistant.answer.studies import study_cues

    outcome = re.compile("|".join(f"(?:{p})" for ps in study_cues().question.topics.values() for p in ps))
    texts = {m.slug: " ".join(p.text for p in m.products).casefold() for m in corpus.monographs}
    out: list[tuple[str, frozenset[str]]] = []
    for name, patterns in product_cues().description.forms.items():
        rx = _kind_re(tuple(patterns))
        slugs = [s for s, t in texts.items() if rx.search(t)]
        if len(slugs) != 1:
            continue
        others = " ".join(t for s, t in texts.items() if s != slugs[0])
        is_outcome = [w for w in content_tokens(name) if outcome.fullmatch(w) or outcome.fullmatch(w + "s")]
        words = [w for w in content_tokens(name)
                 if w not in set(content_tokens(others)) and w not in is_outcome]
        whole = frozenset(content_tokens(name))
        out += [*([(slugs[0], whole)] if len(whole) > 1 or not is_outcome else []),
                *((slugs[0], frozenset([w])) for w in words)]
    return out


def _own_names(m: Monograph) -> list[str]:
    forms = m.meta.get("forms") or []
    return [m.title, *m.aliases, str(m.meta.get("primary_nutrient") or ""),
            *(str(f) for f in (forms if isinstance(forms, list) else []))]


#: bumped when :meth:`Catalog.of` reads a corpus otherwise: a catalogue kept with an index by
#: another version is built anew (serving.cached_corpus)
CATALOG_FORMAT = 8


@dataclass(frozen=True)
class Catalog:
    """The words of the supplements' names, each supplement's products, every nutrient."""

    name_words: frozenset[str]
    titles: tuple[tuple[str, frozenset[str]], ...]
    products_of: dict[str, list[Product]]
    nutrient_names: list[str]
    all_products: tuple[Product, ...]
    #: each supplement's own nutrient (front matter ``primary_nutrient``): what "which has the
    #: most?" means when no nutrient is named
    primary_of: dict[str, str]
    #: (kind, value, term) of the names a follow-up may swap: products, the nutrients of products and
    #: supplements
    slot_names: tuple[tuple[str, str, str], ...] = ()
    #: each supplement's own nutrients (casefolded), named by its title, aliases, primary nutrient
    #: or forms: the nutrients its Dosage Guide and findings are about
    own_nutrients: dict[str, frozenset[str]] = field(default_factory=dict)
    #: each monograph's title, by its slug
    title_of: dict[str, str] = field(default_factory=dict)
    #: the words of the monographs' aliases of one word that name no form ("<alias>" alone)
    alias_words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, corpus: Corpus) -> Catalog:
        names: set[str] = set(GENERAL_WORDS)
        # each monograph's aliases of one word (an alias that is a form of a nutrient names that form,
        # and a word beside a name qualifies it: "what is <form>?", "the most <qualified> <x>" ask more)
        aliases: set[str] = set()
        forms = {fold(t) for n in vocabulary().nutrients for f in n.forms for t in (f.name, *f.terms)}
        titles: list[tuple[str, frozenset[str]]] = []
        for m in corpus.monographs:
            words = frozenset(content_tokens(m.title))
            names.update(words)
            titles.append((m.slug, words))
            for alias in m.aliases:
                alias_words = content_tokens(alias)
                if len(alias_words) == 1 and fold(alias) not in forms:
                    aliases.update(alias_words)
            names_of = [*m.aliases, *_vocabulary_names(m)]
            titles.extend((m.slug, frozenset(content_tokens(a))) for a in names_of)
            titles.extend((m.slug, frozenset(content_tokens(p.name))) for p in m.products if p.name)
        titles.extend(_form_names(corpus))
        products_of: dict[str, list[Product]] = {}
        for p in corpus.products:
            products_of.setdefault(p.supplement, []).append(p)
        nutrients = list(dict.fromkeys(n.nutrient for p in corpus.products for n in p.nutrients))
        primary = {m.slug: str(m.meta["primary_nutrient"]) for m in corpus.monographs
                   if m.meta.get("primary_nutrient")}
        slots = [("product", p.id, p.name) for p in corpus.products if p.name]
        # a name said short ("<brand> <nutrient>"), when no other product's name opens so
        leads: dict[tuple[str, ...], list[Product]] = {}
        for p in corpus.products:
            if (lead := name_lead(p.name or "")) is not None:
                leads.setdefault(lead, []).append(p)
        slots += [("product", ps[0].id, " ".join(lead)) for lead, ps in leads.items() if len(ps) == 1]
        # a nutrient of products that is no supplement's own (one of a supplement's two components,
        # a mineral added to a vitamin): swapped by itself ("which has the most <A>?" -> "what about
        # <B>?"), the supplement whose alias it may also be staying
        own_primary = {fold(str(v)) for v in primary.values()}
        slots += [("component", n, n) for n in nutrients if fold(n) not in own_primary]
        slots += [("nutrient", m.slug, t) for m in corpus.monographs for t in (m.title, *m.aliases)]
        own = {m.slug: frozenset(n.casefold() for n in mentioned_nutrients(" ; ".join(_own_names(m)),
                                                                           [m.title]))
               for m in corpus.monographs}
        return cls(frozenset(names), tuple((s, w) for s, w in titles if w), products_of, nutrients,
                   tuple(corpus.products), primary, tuple(slots), own,
                   {m.slug: m.title for m in corpus.monographs}, frozenset(aliases))

    @cached_property
    def monograph_titles(self) -> frozenset[str]:
        """Every monograph's title."""
        return frozenset(self.title_of.values())

    @cached_property
    def page_name_words(self) -> frozenset[str]:
        """Every word of a monograph's title and aliases (not its products' names)."""
        names = (name for kind, _, name in self.slot_names if kind == "nutrient")
        return frozenset(t for name in names for t in content_tokens(name))

    @cached_property
    def page_and_product_name_words(self) -> frozenset[str]:
        """Every word of a monograph's title and aliases and of its products' own names."""
        named = (t for p in self.all_products if p.name for t in content_tokens(p.name))
        return self.page_name_words | frozenset(named)

    def spelt_name_words(self, supplement: str) -> frozenset[str]:
        """The words of one monograph's title and aliases as written (folded; "vitamin" of "Vitamin
        <X>", which no content word keeps)."""
        names = (name for kind, slug, name in self.slot_names if kind == "nutrient" and slug == supplement)
        return frozenset(w for name in names for w in re.findall(r"[\w+-]+", fold(name)))

    @cached_property
    def title_words(self) -> frozenset[str]:
        """Every word of a supplement's names: its title, aliases, vocabulary names, products' names."""
        return frozenset(t for _, w in self.titles for t in w)

    @cached_property
    def owned_nutrients(self) -> frozenset[str]:
        """Every monograph's own nutrients (casefolded), together."""
        return frozenset().union(*self.own_nutrients.values())

    @cached_property
    def product_by_id(self) -> dict[str, Product]:
        """Every product by its id."""
        return {p.id: p for p in self.all_products}

    def names_of(self, supplement: str | None) -> frozenset[str]:
        """The words of one supplement's names (with None: of every supplement's)."""
        if supplement is None:
            return self.title_words
        return frozenset(t for s, w in self.titles if s == supplement for t in w)

    @cached_property
    def naming_words(self) -> frozenset[str]:
        """Every word of a supplement's or a nutrient's name (no such word names a condition)."""
        return self.title_words | frozenset(content_tokens(" ".join(self.nutrient_names)))

    def primary_nutrient(self, supplement: str | None) -> str | None:
        """The nutrient a supplement's products are compared by when the question names none."""
        if supplement is None and len(self.primary_of) == 1:
            return next(iter(self.primary_of.values()))
        return self.primary_of.get(supplement or "")

    def named_supplement(self, question: str) -> str | None:
        """The supplement whose full name (or alias) the question contains; the longest wins."""
        words = set(content_tokens(question))
        best = max(((len(w), s) for s, w in self.titles if w <= words), default=None)
        return best[1] if best else None

    def named_supplements(self, question: str) -> list[str]:
        """Every supplement the question names (by title, alias, vocabulary name or product name),
        leaving out one whose only naming words are part of a longer name the question uses."""
        words = set(content_tokens(question))
        named = [(w, s) for s, w in self.titles if w <= words]
        out = [s for w, s in named if not any(w < w2 and s2 != s for w2, s2 in named)]
        return list(dict.fromkeys(out))

    def foreign_nutrients(self, question: str, supplement: str | None) -> list[str]:
        """The nutrients the question names that are not the supplement's own (with no supplement:
        no monograph's own), e.g. another vitamin whose figures the monograph does not give."""
        own = (self.own_nutrients.get(supplement, frozenset()) if supplement
               else frozenset().union(*self.own_nutrients.values()))
        return [n for n in mentioned_nutrients(question) if n.casefold() not in own]

    def is_general(self, question: str) -> bool:
        """A question with no topic beyond the supplements' own names ("what does X do?")."""
        return not (set(content_tokens(question)) - self.name_words)

    def names_only(self, question: str) -> bool:
        """A question naming at most one supplement (by its title or a one-word alias) and nothing
        else of it ("what is <alias>?")."""
        return (not (set(content_tokens(question)) - self.name_words - self.alias_words)
                and len(self.named_supplements(question)) <= 1)

    def product_scope(self, question: str, filters: dict[str, str] | None, best: str | None,
                      category: str | None = None, every: bool = False) -> Sequence[Product]:
        """The products a product question is about: those of the supplement it filters on; else,
        when it chooses products by a nutrient's name (``category``: "which of the <nutrient>
        products ..."), every product that names that nutrient, its own page's first; else those of
        the supplement it names, or, failing that, ``best`` (the best passage's). One monograph, or
        (``every``) a question asked across every page ("which products on any of the pages ..."):
        all products."""
        if len(self.products_of) <= 1:
            return list(self.all_products)
        if not (filters or {}).get("supplement") and category:
            page = self.page_of.get(category.casefold(), "")
            own = list(self.products_of.get(page, []))
            held = [p for p in self.holders_of.get(category.casefold(), []) if p.supplement != page]
            if own or held:
                return own + held
        if not (filters or {}).get("supplement") and every:
            return list(self.all_products)
        chosen = (filters or {}).get("supplement") or self.named_supplement(question) or best
        return list(self.products_of.get(chosen or "", []))

    @cached_property
    def holders_of(self) -> dict[str, list[Product]]:
        """The products that name each nutrient (casefolded, as the front matter names it), in the
        catalogue's order: built once, not scanned per question."""
        out: dict[str, list[Product]] = {}
        for p in self.all_products:
            for n in dict.fromkeys(x.nutrient.casefold() for x in p.nutrients):
                out.setdefault(n, []).append(p)
        return out

    @cached_property
    def page_of(self) -> dict[str, str]:
        """The supplement whose own nutrient each is (casefolded nutrient -> slug)."""
        return {n.casefold(): s for s, n in self.primary_of.items()}
