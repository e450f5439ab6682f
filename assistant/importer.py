"""Turn a scraped monograph page (the seed's format) into the corpus layout.

The page format: the headings ``Overview``, ``Dosage Guide``, ``Clinical Notes``, ``Research`` and
``Products Containing <Supplement>(N reports)`` on lines of their own; the Dosage Guide's four
fields each as a heading line and a subtitle line, then the value lines (possibly none); notes as
``- `` lines; one finding a line; products as blank-line separated paragraphs.

:func:`parse_page` is pure (text in, records out); :func:`write_corpus` writes the files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.chunking import split_sentences
from assistant.domain.page_format import (
    PRODUCTS_RE,
    SECTIONS,
    field_heading,
    products_section,
    render_body,
    section_heading,
)
from assistant.domain.vocabulary import vocabulary
from assistant.errors import PageError
from assistant.normalize import mentioned_classes
from assistant.nutrients import read_nutrients


@dataclass
class PageField:
    name: str
    subtitle: str
    values: list[str] = field(default_factory=list)


@dataclass
class PageNutrient:
    nutrient: str
    amount: str | None = None
    form: str | None = None


@dataclass
class PageProduct:
    text: str
    name: str | None
    title: str
    nutrients: list[PageNutrient]


@dataclass
class Page:
    supplement: str
    overview: list[str]
    fields: list[PageField]
    notes: list[str]
    findings: list[str]
    products: list[PageProduct]
    product_reports: int

    @property
    def slug(self) -> str:
        return slugify(self.supplement)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def parse_product(text: str, extra_names: Sequence[str] = ()) -> PageProduct:
    """A product paragraph -> name (if the text names it), nutrients with amounts and forms, title.

    ``extra_names``: nutrient names besides the vocabulary's (the page's own supplement)."""
    spans = split_sentences(text)
    first = text[spans[0][0]:spans[0][1]] if spans else text
    name: str | None = None
    m = re.match(r"^(?!This\b|These\b|A\b|An\b|The\b)(?P<name>.+?) is an? ", first)
    if m:
        name = m.group("name").strip()
    contents = first[m.end():] if m else first  # a product name (its own words and digits) lists nothing
    nutrients = [PageNutrient(n.nutrient, n.amount, n.form)
                 for n in read_nutrients(contents, text, extra_names)]
    title = name or describe_product(first, nutrients)
    return PageProduct(text, name, title, nutrients)


def describe_product(first_sentence: str, nutrients: list[PageNutrient]) -> str:
    """A descriptive title for an unnamed product, from its own contents (never invented)."""
    low = first_sentence.casefold()
    kind = ("Multivitamin" if "multivitamin" in low
            else "Liquid supplement" if "liquid" in low else "Supplement")
    parts = []
    for n in nutrients:
        part = n.nutrient
        if n.amount:
            part += f" {n.amount}"
        if n.form:
            part += f" ({n.form})"
        parts.append(part)
    return f"{kind}: {' + '.join(parts)}" if parts else kind


def parse_page(text: str, page: str = "page") -> Page:
    """Parse a scraped monograph page; :class:`PageError` names the line of a problem."""
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    current: str | None = None
    buckets: dict[str, list[tuple[int, str]]] = {s: [] for s in (*SECTIONS, "Products")}
    supplement: str | None = None
    reports = 0
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if section := section_heading(line):
            current = section
            continue
        if m := PRODUCTS_RE.match(line):
            current = "Products"
            supplement = m.group("name").strip()
            reports = int(m.group("n"))
            continue
        if current is None:
            if line:
                raise PageError(page, i, f"text before the first heading ({', '.join(SECTIONS)})")
            continue
        buckets[current].append((i, raw.rstrip()))
    for s in SECTIONS:
        if not any(t.strip() for _, t in buckets[s]):
            raise PageError(page, len(lines), f"the page has no '{s}' section")
    if supplement is None:
        raise PageError(page, len(lines), "no 'Products Containing <Supplement>(N reports)' heading")

    overview = [t.strip() for _, t in buckets["Overview"] if t.strip()]
    fields = _parse_fields(buckets["Dosage Guide"], page)
    notes: list[str] = []
    for i, t in buckets["Clinical Notes"]:
        if not t.strip():
            continue
        if not t.lstrip().startswith("- "):
            raise PageError(page, i, "a Clinical Notes line must start with '- '")
        notes.append(t.lstrip()[2:].strip())
    findings = [t.strip() for _, t in buckets["Research"] if t.strip()]
    paragraphs: list[str] = []
    cur: list[str] = []
    for _, t in [*buckets["Products"], (0, "")]:
        if t.strip():
            cur.append(t.strip())
        elif cur:
            paragraphs.append(" ".join(cur))
            cur = []
    products = [parse_product(p, [supplement]) for p in paragraphs]
    _distinct_titles(products)
    return Page(supplement, overview, fields, notes, findings, products, reports)


def _distinct_titles(products: list[PageProduct]) -> None:
    """Two products described alike get their order in the list added to the title."""
    counts: dict[str, int] = {}
    for p in products:
        counts[p.title] = counts.get(p.title, 0) + 1
    for i, p in enumerate(products, start=1):
        if counts[p.title] > 1:
            p.title = f"{p.title} (product {i})"


def _parse_fields(lines: list[tuple[int, str]], page: str) -> list[PageField]:
    fields: list[PageField] = []
    expect_subtitle = False
    for i, raw in lines:
        t = raw.strip()
        if not t:
            continue
        if name := field_heading(t):
            fields.append(PageField(name, ""))
            expect_subtitle = True
            continue
        if not fields:
            raise PageError(page, i, f"Dosage Guide text before a field heading: {t!r}")
        if expect_subtitle:
            fields[-1].subtitle = t
            expect_subtitle = False
        else:
            fields[-1].values.append(t)
    return fields


def describe_page(page: Page) -> str:
    """What the importer understood of a page, for ``assistant import --dry-run``."""
    meta = detect_front_matter(page)
    out = [f"supplement: {page.supplement} (slug {page.slug})",
           f"primary nutrient: {meta['primary_nutrient']}; forms: {', '.join(meta['forms']) or 'none'}",  # type: ignore[arg-type]
           f"interaction classes in the notes: {', '.join(meta['interactions']) or 'none'}",  # type: ignore[arg-type]
           f"overview: {len(page.overview)} paragraph(s)", "dosage guide:"]
    for f in page.fields:
        values = "; ".join(f.values) if f.values else "(no value on the page)"
        out.append(f"  {f.name} ({f.subtitle}): {values}")
    out.append(f"clinical notes: {len(page.notes)}")
    out += [f"  - {n}" for n in page.notes]
    out.append(f"research findings: {len(page.findings)}")
    out.append(f"products: {len(page.products)} (the heading says {page.product_reports})")
    for p in page.products:
        amounts = ", ".join(f"{n.nutrient} {n.amount or '(no amount)'}" + (f" as {n.form}" if n.form else "")
                            for n in p.nutrients) or "no nutrient recognised"
        out.append(f"  {p.title}: {amounts}")
    return "\n".join(out)


# --------------------------------------------------------------------------- writing


#: front-matter keys an editor may add or correct in ``monograph.md``; a re-import keeps them
EDITABLE_KEYS = ("examples", "primary_nutrient", "forms", "interactions")


def detect_front_matter(page: Page) -> dict[str, object]:
    """What the vocabulary recognises in a page: its own nutrient, that nutrient's forms the page
    names, the interaction classes its Clinical Notes speak of, and three example questions."""
    named = read_nutrients(page.supplement)  # the vocabulary's name for it, else the page's own
    primary = named[0].nutrient if named else page.supplement
    text = "\n".join([*page.overview, *page.notes, *page.findings, *(p.text for p in page.products)])
    forms = [f.name for n in vocabulary().nutrients if n.name == primary for f in n.forms
             if any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", text, re.IGNORECASE)
                    for t in (f.name, *f.terms))]
    classes = mentioned_classes(page.notes, questions=False)
    return {"primary_nutrient": primary, "forms": forms, "interactions": classes,
            "examples": example_questions(page, classes)}


def example_questions(page: Page, classes: Sequence[str]) -> list[str]:
    """Three questions the web chat offers for a page: a dose, an interaction, a product."""
    name = page.supplement
    out = [f"What doses of {name} were used in the studies?"]
    drug = next((vocabulary().interaction_class(c) for c in classes
                 if not vocabulary().interaction_class(c).note_only), None)
    if drug is not None:
        out.append(f"Can I take {name} with {drug.label}?")
    out.append(f"Which product has the most {name}?" if page.products else f"What is {name} used for?")
    return out


def render_monograph(page: Page, aliases: list[str], source: str, date: str,
                     kept: dict[str, object] | None = None) -> str:
    """``monograph.md``: front matter (what the page says, what the vocabulary recognises in it,
    and ``kept``: the editable keys of the file it replaces, which win) and the body."""
    meta: dict[str, object] = {
        "title": page.supplement,
        "slug": page.slug,
        "aliases": aliases,
        "source": source,
        "date": date,
        "products_section": products_section(page.supplement),
        "product_reports": page.product_reports,
        **detect_front_matter(page),
    }
    meta.update({k: v for k, v in (kept or {}).items() if k in EDITABLE_KEYS and v})
    body = render_body(page.supplement, page.overview, [(f.name, f.subtitle, f.values) for f in page.fields],
                       page.notes, page.findings)
    return "\n".join(["---", yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
                      body])


def _kept_front_matter(path: Path) -> dict[str, object]:
    """The editable front-matter keys of an existing ``monograph.md`` (none when there is none)."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---" not in text[4:]:
        return {}
    try:
        meta = yaml.safe_load(text[4:text.index("\n---", 4)])
    except yaml.YAMLError:
        return {}
    return {k: meta[k] for k in (*EDITABLE_KEYS, "aliases") if isinstance(meta, dict) and meta.get(k)}


def render_product(p: PageProduct, pid: str, order: int) -> str:
    nutrients = []
    for n in p.nutrients:
        item: dict[str, str] = {"nutrient": n.nutrient}
        if n.amount:
            item["amount"] = n.amount
        if n.form:
            item["form"] = n.form
        nutrients.append(item)
    meta = {"id": pid, "order": order, "title": p.title, "name": p.name, "nutrients": nutrients}
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip()
    return f"---\n{head}\n---\n\n{p.text}\n"


def write_corpus(page: Page, corpus_dir: Path, aliases: list[str], source: str,
                 date: str | None = None) -> Path:
    """Write ``corpus_dir/<slug>/`` for the page; returns that folder. Overwrites the slug's files."""
    folder = corpus_dir / page.slug
    pdir = folder / "products"
    pdir.mkdir(parents=True, exist_ok=True)
    for old in pdir.glob("*.md"):
        old.unlink()
    date = date or dt.date.today().isoformat()
    mono = folder / "monograph.md"
    kept = _kept_front_matter(mono)
    kept_aliases = kept.pop("aliases", None)
    if not aliases and isinstance(kept_aliases, list):  # a re-import without --alias keeps them
        aliases = [str(a) for a in kept_aliases]
    mono.write_text(render_monograph(page, aliases, source, date, kept), encoding="utf-8")
    for i, p in enumerate(page.products, start=1):
        stem = slugify(p.name or p.title)[:40].rstrip("-")
        (pdir / f"{i:02d}-{stem}.md").write_text(render_product(p, f"{page.slug}-p{i}", i), encoding="utf-8")
    return folder


def read_page(page_path: Path) -> str:
    """The page as text; invalid UTF-8 is a :class:`PageError` naming the line of the bad byte."""
    data = page_path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PageError(str(page_path), line, f"invalid UTF-8 at byte {exc.start}: {exc.reason}") from None


#: the copy of the scraped page each monograph folder keeps (its front matter's ``source:``)
SOURCE_FILE = "source.txt"


def import_page(page_path: Path, corpus_dir: Path, aliases: list[str] | None = None) -> Path:
    """Parse the page, write ``corpus_dir/<slug>/`` and keep a copy of the page there as
    ``source.txt`` (the folder then stands alone: ``make corpus`` re-imports from that copy)."""
    text = read_page(page_path)
    page = parse_page(text, str(page_path))
    folder = write_corpus(page, corpus_dir, aliases or [], SOURCE_FILE)
    kept = folder / SOURCE_FILE
    if not (kept.exists() and kept.resolve() == page_path.resolve()):
        kept.write_bytes(page_path.read_bytes())
    return folder
