"""Every committed monograph is a fresh import of its page, and variants of every page in the ways
scraped pages differ (heading case and spacing, blank lines, unit spellings, thousands separators,
labelled or unlabelled Special Forms lines, a count glued to its heading or not) import to the
same monograph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import messages as msg
from assistant.domain.page_format import FIELD_NAMES, SECTIONS
from assistant.doses import parse_doses
from assistant.importer import Page, import_page, parse_page
from tests.conftest import FULL_CORPUS

PAGES = sorted(FULL_CORPUS.glob("*/source.txt"))
HEADINGS = {*SECTIONS, *FIELD_NAMES}


def _front_matter_free(text: str) -> str:
    """A monograph file without the lines an import date or an editor changes."""
    text = re.sub(r"(?m)^date: .*\n", "", text)
    return re.sub(r"(?m)^(?:examples|aliases):(?: \[\])?\n(?:- .*\n)*", "", text)


@pytest.mark.parametrize("page", PAGES, ids=[p.parent.name for p in PAGES])
def test_committed_monograph_is_a_fresh_import_of_its_page(page: Path, tmp_path: Path) -> None:
    folder = import_page(page, tmp_path)
    committed = page.parent
    fresh = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert fresh == sorted(p.relative_to(committed).as_posix() for p in committed.rglob("*") if p.is_file())
    for rel in fresh:
        a = (folder / rel).read_text(encoding="utf-8")
        b = (committed / rel).read_text(encoding="utf-8")
        assert _front_matter_free(a) == _front_matter_free(b), f"{committed.name}/{rel} differs (run `make corpus`)"


def summary(page: Page) -> tuple[object, ...]:
    """What must not change across variants: the structure and every amount, unit-normalised."""
    def keys(text: str) -> list[tuple[str, float, float | None]]:
        return [d.key() for d in parse_doses(text)]
    fields = [(f.name, len(f.values), [keys(v) for v in f.values]) for f in page.fields]
    products = [[(n.nutrient, keys(n.amount or ""), n.form) for n in p.nutrients] for p in page.products]
    return (page.supplement, page.product_reports, len(page.overview), fields, len(page.notes),
            len(page.findings), products)


@st.composite
def variant(draw: st.DrawFn, text: str) -> str:
    """The page as another scrape might write it."""
    lines = text.split("\n")
    out: list[str] = []
    case = draw(st.sampled_from([str.lower, str.upper, str.title, str]))
    for line in lines:
        stripped = line.strip()
        if stripped in HEADINGS:
            line = case(stripped)
            if draw(st.booleans()):
                line = line.replace(" ", "  ")
            if draw(st.booleans()):
                out.append("")  # a blank line before a heading
        elif m := re.match(r"^(Products Containing .+?)\s*\((\d+ reports?)\)\s*$", stripped):
            line = f"{m.group(1)}{draw(st.sampled_from(['', ' ', '  ']))}({m.group(2)})"
        elif draw(st.integers(0, 4)) == 0 and not stripped.startswith("- ") and stripped:
            out.append(line)
            line = ""  # an extra blank line after a line
        out.append(line)
    page = "\n".join(out)
    micro = draw(st.sampled_from(["mcg", "µg", "μg"]))
    page = re.sub(r"(?<=\d) ?(?:mcg|µg|μg)\b", f" {micro}", page)
    if draw(st.booleans()):
        page = re.sub(r"\b(\d{1,2}),(\d{3})\b", r"\1\2", page)  # 1,000 -> 1000
    return page


@pytest.mark.parametrize("page", PAGES, ids=[p.parent.name for p in PAGES])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_variants_of_a_page_import_to_the_same_monograph(page: Path, data: st.DataObject) -> None:
    text = page.read_text(encoding="utf-8")
    expected = summary(parse_page(text, page.name))
    assert summary(parse_page(data.draw(variant(text)), page.name)) == expected


def test_labelled_and_unlabelled_special_forms_lines_are_both_values() -> None:
    text = (FULL_CORPUS / "iron" / "source.txt").read_text(encoding="utf-8")
    page = parse_page(text, "iron.txt")
    forms = next(f for f in page.fields if f.name == "Special Forms")
    assert len(forms.values) == 4 and sum(":" in v for v in forms.values) == 1


def test_lines_that_lost_their_form_names_are_told() -> None:
    """A Special Forms line begins with the name of its form ("<form>: <what it is>"); a scraped page
    may lose it. For a question about forms the quoted field says which lines do not name theirs."""
    from assistant.answer.dosage import asks_forms, unnamed_note
    from assistant.domain.page_format import unnamed_lines

    named = ["Ethyl esters: concentrated form", "Ergocalciferol (D2): plant- or yeast-derived form"]
    bare = ["Most widely used and least expensive; about 20% elemental", "Longer half-life"]
    assert unnamed_lines("Special Forms", named) == []
    assert unnamed_lines("Special Forms", [*named, *bare]) == bare
    assert unnamed_lines("Recommended Daily Allowance", bare) == []  # its lines name people, not forms
    assert unnamed_note("Special Forms", bare, forms_asked=True).strip() == msg.LINES_UNNAMED
    assert unnamed_note("Special Forms", [*named, *bare], forms_asked=True).strip() == msg.SOME_LINES_UNNAMED
    assert unnamed_note("Special Forms", bare, forms_asked=False) == ""
    assert asks_forms("which k2 form is that line about?") and asks_forms("is it MK-4 or MK-7?")
    assert asks_forms("does the special forms section name them?")
    assert not asks_forms("was any of the research done in people who had a heart attack?")
