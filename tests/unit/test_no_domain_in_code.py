"""Domain knowledge is data: the code under assistant/ names no supplement, form or medicine that
the vocabulary holds (comments and docstrings included) — those live in the vocabulary files and
the monographs' front matter."""

from __future__ import annotations

import re

from assistant.config import REPO_ROOT
from assistant.domain.vocabulary import vocabulary


def _terms() -> set[str]:
    v = vocabulary()
    terms = {t.casefold() for t in v.terms()} | {n.name.casefold() for n in v.nutrients}
    generic_words = {"vitamin a", "vitamin d", "vitamin e", "folate", "iron", "zinc", "copper", "boron",
                     "potassium", "calcium", "magnesium", "iodine", "selenium"}
    # a mineral's bare name is also an everyday word of the code's prose ("iron out"); its forms count
    return {t for t in terms if len(t) >= 2} - generic_words


def test_the_code_names_no_vocabulary_term() -> None:
    patterns = {t: re.compile(rf"(?<![\w-]){re.escape(t)}(?![\w-])", re.IGNORECASE) for t in _terms()}
    found = []
    for path in sorted((REPO_ROOT / "assistant").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for term, pat in patterns.items():
            for m in pat.finditer(text):
                line = text[: m.start()].count("\n") + 1
                found.append(f"{path.relative_to(REPO_ROOT)}:{line}: {term}")
    assert found == [], "\n".join(found)
