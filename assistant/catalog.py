"""What questions look up in the corpus besides passages: supplement names, products, nutrients.

Worked out once per corpus (it may hold thousands of monographs) and replaced together with the
retriever when the index moves to a new generation (:meth:`assistant.pipeline.Assistant.refresh_if_stale`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.corpus import Corpus, Product
from assistant.normalize import content_tokens

#: words that name no topic of their own beside a supplement's name ("what does K2 do" -> "acts")
GENERAL_WORDS = frozenset({"act", "vitamin"})


@dataclass(frozen=True)
class Catalog:
    """The words of the supplements' names, each supplement's products, every nutrient."""

    name_words: frozenset[str]
    titles: tuple[tuple[str, frozenset[str]], ...]
    products_of: dict[str, list[Product]]
    nutrient_names: list[str]
    all_products: tuple[Product, ...]

    @classmethod
    def of(cls, corpus: Corpus) -> Catalog:
        names: set[str] = set(GENERAL_WORDS)
        titles: list[tuple[str, frozenset[str]]] = []
        for m in corpus.monographs:
            words = frozenset(content_tokens(m.title))
            names.update(words)
            titles.append((m.slug, words))
            titles.extend((m.slug, frozenset(content_tokens(a))) for a in m.aliases)
        products_of: dict[str, list[Product]] = {}
        for p in corpus.products:
            products_of.setdefault(p.supplement, []).append(p)
        nutrients = list(dict.fromkeys(n.nutrient for p in corpus.products for n in p.nutrients))
        return cls(frozenset(names), tuple((s, w) for s, w in titles if w), products_of, nutrients,
                   tuple(corpus.products))

    def named_supplement(self, question: str) -> str | None:
        """The supplement whose full name (or alias) the question contains; the longest wins."""
        words = set(content_tokens(question))
        best = max(((len(w), s) for s, w in self.titles if w <= words), default=None)
        return best[1] if best else None

    def is_general(self, question: str) -> bool:
        """A question with no topic beyond the supplements' own names ("what does K2 do?")."""
        return not (set(content_tokens(question)) - self.name_words)

    def product_scope(self, question: str, filters: dict[str, str] | None,
                      best: str | None) -> Sequence[Product]:
        """The products a product question is about: those of the supplement it filters on, or
        names, or, failing both, ``best`` (the best passage's). One monograph: all its products."""
        if len(self.products_of) <= 1:
            return list(self.all_products)
        chosen = (filters or {}).get("supplement") or self.named_supplement(question) or best
        return list(self.products_of.get(chosen or "", []))
