"""A synthetic corpus of about N chunks, for the benchmark at scale (``assistant bench --scale N``).

Each generated monograph has the seed page's structure and passes :func:`assistant.corpus.load_corpus`:
``monograph.md`` with YAML front matter (title, slug, aliases, source, date, products_section, the
Dosage Guide fields) and ``## Overview`` (prose), ``## Dosage Guide`` (``### Field`` blocks, some
blank as on the seed page), ``## Clinical Notes`` (``- note`` lines, some of them anticoagulant
cautions) and ``## Research`` (``N. finding`` lines numbered 1, 2, 3...); ``products/NN-*.md`` with
front matter nutrients whose amount strings (``250 mg``, ``1,000 IU``) and forms stand verbatim in
the description. Names, forms, amounts, populations, durations and outcomes vary from one monograph
to the next; everything comes from one seeded ``random.Random``, so the same ``(N, seed)`` writes
the same files.

Example:
    >>> info = generate_corpus(Path("/tmp/big/corpus"), 20_000)   # doctest: +SKIP
    >>> info.chunks, info.monographs                                # doctest: +SKIP
    (20012, 748)
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.config import ChunkingSettings
from assistant.domain.page_format import DOSAGE_FIELDS, products_section, render_body
from assistant.importer import slugify

# (name, aliases, forms, usual unit, typical daily amounts)
_NUTRIENTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, tuple[int, ...]], ...] = (
    ("Magnesium", ("Mg",), ("glycinate", "citrate", "oxide", "threonate", "malate"), "mg",
     (100, 200, 250, 300, 400, 500)),
    ("Zinc", ("Zn",), ("picolinate", "gluconate", "citrate", "bisglycinate"), "mg", (8, 11, 15, 25, 30, 50)),
    ("Selenium", ("Se",), ("selenomethionine", "sodium selenite", "selenium yeast"), "mcg",
     (50, 55, 100, 200, 400)),
    ("Vitamin D3", ("cholecalciferol", "D3"), ("cholecalciferol", "lanolin-derived D3", "lichen D3"), "IU",
     (400, 600, 800, 1000, 2000, 4000, 5000)),
    ("Vitamin B12", ("cobalamin", "B12"), ("methylcobalamin", "cyanocobalamin", "adenosylcobalamin"), "mcg",
     (2, 25, 250, 500, 1000, 2500)),
    ("Folate", ("folic acid", "vitamin B9"), ("L-methylfolate", "folic acid", "folinic acid"), "mcg",
     (400, 600, 800, 1000)),
    ("Iron", ("Fe",), ("ferrous bisglycinate", "ferrous sulfate", "ferric citrate"), "mg",
     (9, 18, 27, 45, 65)),
    ("Omega-3 Fish Oil", ("EPA", "DHA", "fish oil"), ("triglyceride", "ethyl ester", "phospholipid"), "mg",
     (250, 500, 1000, 2000, 3000)),
    ("Coenzyme Q10", ("CoQ10", "ubiquinone", "ubiquinol"), ("ubiquinone", "ubiquinol"), "mg",
     (30, 60, 100, 200, 300)),
    ("Curcumin", ("turmeric extract",), ("phytosome", "piperine complex", "micellar curcumin"), "mg",
     (250, 500, 1000, 1500)),
    ("Ashwagandha", ("Withania somnifera",), ("root extract", "KSM-66 extract", "leaf and root extract"),
     "mg", (240, 300, 600)),
    ("Melatonin", ("N-acetyl-5-methoxytryptamine",), ("immediate release", "extended release"), "mg",
     (1, 3, 5, 10)),
    ("Probiotic Lactobacillus", ("L. rhamnosus", "lactic acid bacteria"), ("capsule", "powder"), "mg",
     (100, 250, 500)),
    ("Vitamin C", ("ascorbic acid",), ("ascorbic acid", "sodium ascorbate", "liposomal vitamin C"), "mg",
     (75, 90, 250, 500, 1000)),
    ("Vitamin E", ("tocopherol",), ("d-alpha tocopherol", "mixed tocopherols", "tocotrienols"), "IU",
     (15, 100, 200, 400)),
    ("Vitamin A", ("retinol",), ("retinyl palmitate", "beta-carotene"), "IU", (2500, 3000, 5000, 10000)),
    ("Calcium", ("Ca",), ("carbonate", "citrate", "hydroxyapatite"), "mg", (200, 500, 600, 1000, 1200)),
    ("Iodine", ("potassium iodide",), ("potassium iodide", "kelp"), "mcg", (150, 220, 290, 500)),
    ("Chromium", ("Cr",), ("picolinate", "polynicotinate"), "mcg", (35, 200, 500, 1000)),
    ("Berberine", ("berberine HCl",), ("berberine HCl", "dihydroberberine"), "mg", (500, 900, 1000, 1500)),
    ("Quercetin", ("sophora japonica extract",), ("quercetin dihydrate", "isoquercetin"), "mg",
     (250, 500, 1000)),
    ("Resveratrol", ("trans-resveratrol",), ("trans-resveratrol", "micronised resveratrol"), "mg",
     (150, 250, 500, 1000)),
    ("Alpha-Lipoic Acid", ("ALA", "thioctic acid"), ("R-lipoic acid", "racemic lipoic acid"), "mg",
     (300, 600, 1200)),
    ("N-Acetylcysteine", ("NAC",), ("capsule", "effervescent tablet"), "mg", (600, 1200, 1800)),
    ("L-Theanine", ("theanine",), ("Suntheanine", "free-form L-theanine"), "mg", (100, 200, 400)),
    ("Creatine", ("creatine monohydrate",), ("monohydrate", "hydrochloride"), "g", (3, 5, 10, 20)),
    ("Glucosamine", ("glucosamine sulfate",), ("sulfate", "hydrochloride"), "mg", (750, 1500)),
    ("Garlic Extract", ("Allium sativum", "allicin"), ("aged garlic extract", "allicin powder"), "mg",
     (300, 600, 1200)),
    ("Ginkgo Biloba", ("ginkgo", "EGb 761"), ("standardised leaf extract", "EGb 761"), "mg", (120, 240)),
    ("Vitamin K1", ("phylloquinone", "K1"), ("phylloquinone", "phytonadione"), "mcg",
     (90, 100, 120, 200, 1000)),
    ("Saw Palmetto", ("Serenoa repens",), ("lipidosterolic extract", "berry powder"), "mg", (160, 320)),
    ("Milk Thistle", ("silymarin", "Silybum marianum"), ("silymarin extract", "silybin phytosome"), "mg",
     (140, 280, 420)),
    ("Rhodiola", ("Rhodiola rosea", "golden root"), ("SHR-5 extract", "root extract"), "mg", (200, 400, 600)),
    ("Boron", ("boron citrate",), ("calcium fructoborate", "boron glycinate"), "mg", (3, 6, 10)),
    ("Potassium", ("potassium salts",), ("citrate", "chloride", "gluconate"), "mg", (99, 200, 500)),
    ("Nattokinase", ("NK", "natto extract"), ("enzyme capsule",), "mg", (50, 100, 200)),
    ("Fish Collagen", ("marine collagen", "collagen peptides"), ("hydrolysed peptides",), "g", (2, 5, 10)),
    ("Spirulina", ("Arthrospira platensis",), ("tablet", "powder"), "g", (1, 3, 5)),
    ("Lutein", ("marigold extract",), ("free lutein", "lutein esters"), "mg", (6, 10, 20)),
    ("Biotin", ("vitamin B7", "vitamin H"), ("d-biotin",), "mcg", (30, 300, 5000, 10000)),
)

_POPULATIONS = (
    "postmenopausal women", "older adults", "healthy volunteers", "adults with type 2 diabetes",
    "patients with chronic kidney disease", "pregnant women", "endurance athletes", "adolescents",
    "adults with mild hypertension", "patients on haemodialysis", "smokers", "vegetarians",
    "nursing home residents", "adults with metabolic syndrome", "children aged 6–12",
    "men with low testosterone", "patients with heart failure", "college students",
    "office workers with poor sleep", "adults with osteoarthritis of the knee",
)
_OUTCOMES = (
    "fasting glucose", "bone mineral density", "systolic blood pressure", "sleep onset latency",
    "serum ferritin", "C-reactive protein", "LDL cholesterol", "grip strength", "fatigue scores",
    "cognitive test scores", "markers of oxidative stress", "insulin sensitivity", "muscle soreness",
    "hair thickness", "joint pain scores", "homocysteine", "serum 25-hydroxyvitamin D",
    "arterial stiffness", "immune cell counts", "mood questionnaire scores",
)
_DURATIONS = ("4 weeks", "6 weeks", "8 weeks", "12 weeks", "16 weeks", "six months", "one year",
              "two years", "three years", "18 months")
_EFFECTS = (
    "significantly improved", "modestly reduced", "did not significantly change",
    "slightly increased", "reduced", "improved", "had no measurable effect on",
    "produced a dose-dependent decrease in", "tended to improve", "normalised",
)
_DESIGNS = ("In a randomised controlled trial,", "In a meta-analysis of RCTs,", "In an open-label study,",
            "In a crossover trial,", "In a pilot study,", "In a 3-arm trial,", "In a cohort study,")
_ROLES = (
    "acts as a cofactor for enzymes involved in energy metabolism",
    "supports normal immune function and antioxidant defence",
    "contributes to bone mineralization and muscle function",
    "modulates inflammatory signalling in several tissues",
    "is required for DNA synthesis and red blood cell formation",
    "supports mitochondrial function and cellular energy production",
    "helps regulate neurotransmitter synthesis and sleep-wake cycles",
    "influences glucose uptake and lipid metabolism",
)
_DRUG_NOTES = (
    "may reduce the absorption of tetracycline and quinolone antibiotics; separate doses by at least 2 hours",
    "may add to the effect of blood pressure medicines; monitor blood pressure when starting",
    "may lower blood glucose; people taking metformin or insulin should monitor their glucose",
    "may interact with levothyroxine; take it at least 4 hours apart",
    "may increase the sedative effect of benzodiazepines and alcohol",
    "can interfere with some chemotherapy agents; discuss with the oncology team",
    "may reduce the effect of immunosuppressants such as cyclosporine",
)
_ANTICOAG_NOTES = (
    "may increase bleeding risk in patients on warfarin or other anticoagulants; monitor INR closely",
    "high doses may interfere with anticoagulant therapy (e.g., warfarin); use only under medical "
    "supervision",
    "may add to the effect of antiplatelet drugs such as clopidogrel and aspirin; watch for bruising",
)
_OTHER_NOTES = (
    "Gastrointestinal upset is the most common side effect; taking it with food usually helps",
    "Doses above the upper limit have been linked to toxicity in case reports",
    "Absorption is better when taken with a meal that contains fat",
    "Quality varies between brands; choose products with third-party testing",
    "People with kidney disease should ask a doctor before using high doses",
    "Benefits are most consistent in people with low baseline status",
    "Not enough is known about use during pregnancy and breastfeeding; avoid high doses",
    "Effects on long-term outcomes have not been established in large trials",
)
_BRANDS = ("Ultra", "Pure", "Daily", "Advanced", "Optimal", "Nature's", "Prime", "Essential",
           "Complete", "Active", "Vital", "Core", "Max", "Gentle", "Triple")
_PRODUCT_KINDS = ("capsule", "tablet", "softgel", "liquid supplement", "powder", "gummy", "chewable")


@dataclass(frozen=True)
class SyntheticCorpus:
    """What :func:`generate_corpus` wrote."""

    root: Path
    monographs: int
    products: int
    chunks: int  # the chunk count expected with the default chunking (checked by the benchmark)


def _amount(value: float, unit: str) -> str:
    """``1000, 'IU'`` -> ``'1,000 IU'``; ``2.5, 'mg'`` -> ``'2.5 mg'``."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"
    return f"{text} {unit}"


class _Writer:
    def __init__(self, rng: random.Random, chunking: ChunkingSettings) -> None:
        self.rng = rng
        self.chunking = chunking

    def overview_chunks(self, sentences: int) -> int:
        w = self.chunking.overview_window
        stride = min(self.chunking.overview_stride, w)
        starts = list(range(0, max(1, sentences - w + 1), stride))
        if starts[-1] + w < sentences:
            starts.append(sentences - w)
        return len(starts)

    def monograph(self, folder: Path, index: int) -> tuple[int, int]:
        """Write one monograph folder; returns (chunks, products)."""
        rng = self.rng
        name, aliases, forms, unit, amounts = _NUTRIENTS[index % len(_NUTRIENTS)]
        form = rng.choice(forms)
        title = f"{name} ({form})" if index >= len(_NUTRIENTS) else name
        slug = f"{slugify(name)}-{index:05d}"
        populations = rng.sample(_POPULATIONS, 6)
        outcomes = rng.sample(_OUTCOMES, 6)
        dose = rng.choice(amounts)
        high = dose * rng.choice((2, 3, 4, 5))
        anticoag = rng.random() < 0.2

        # Overview: 4-7 sentences, some with reference markers
        n_findings = rng.randint(5, 12)
        overview = [
            f"{title} {rng.choice(_ROLES)}.",
            f"Clinical evidence indicates that {name.lower()} supplementation {rng.choice(_EFFECTS)} "
            f"{outcomes[0]} in {populations[0]} [{rng.randint(1, n_findings)}].",
            f"However, trials in {populations[1]} have shown mixed results on {outcomes[1]}, with one "
            f"study of {rng.choice(_DURATIONS)} showing no significant difference between {form} and placebo "
            f"[{rng.randint(1, n_findings)}].",
            f"High-dose {form} ({_amount(high, unit)}/day) has been studied for {outcomes[2]}, suggesting a "
            f"dose-dependent effect [{rng.randint(1, n_findings)}].",
            f"Combining {name.lower()} with {rng.choice(_NUTRIENTS)[0].lower()} appears to have additive "
            f"effects on {outcomes[3]} [{rng.randint(1, n_findings)}].",
            f"Emerging research is exploring its role in {outcomes[4]} among {populations[2]}.",
            f"Most guidelines consider {_amount(dose, unit)} per day a typical supplemental amount.",
        ]
        overview = overview[: rng.randint(4, len(overview))]

        fields: list[tuple[str, str, str | None]] = []
        for fname, subtitle in DOSAGE_FIELDS:
            value: str | None
            if rng.random() < 0.35:
                value = None
            elif fname == "Recommended Daily Allowance":
                value = f"{_amount(dose, unit)} per day for adults"
            elif fname == "Therapeutic Doses":
                value = f"{_amount(dose, unit)}–{_amount(high, unit)} per day for {outcomes[0]}"
            elif fname == "Upper Intake Limit":
                value = f"{_amount(high * 2, unit)} per day; higher amounts only under medical supervision"
            else:
                others = ", ".join(f for f in forms if f != form) or "none listed"
                value = f"{form.capitalize()} is preferred for {populations[3]}\nOther forms: {others}"
            fields.append((fname, subtitle, value))

        notes = [f"{title} {rng.choice(_DRUG_NOTES)}"]
        if anticoag:
            notes.append(f"{title} {rng.choice(_ANTICOAG_NOTES)}")
        notes.extend(rng.sample(_OTHER_NOTES, rng.randint(2, 4)))

        findings = []
        for _ in range(n_findings):
            d = rng.choice(amounts) * rng.choice((1, 1, 2, 3))
            findings.append(
                f"{rng.choice(_DESIGNS)} {form} ({_amount(d, unit)}/day) for {rng.choice(_DURATIONS)} "
                f"{rng.choice(_EFFECTS)} {rng.choice(outcomes)} in {rng.choice(populations)}."
            )

        front = {
            "title": title,
            "slug": slug,
            "aliases": list(aliases),
            "source": f"synthetic-{slug}.txt",
            "date": "2026-11-26",
            "products_section": products_section(name),
        }
        blocks = [(f, s, [v] if v is not None else []) for f, s, v in fields]
        body = render_body(title, [" ".join(overview)], blocks, notes, findings)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "monograph.md").write_text(
            "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n" + body,
            encoding="utf-8")

        n_products = rng.randint(2, 8)
        pdir = folder / "products"
        pdir.mkdir(exist_ok=True)
        for p in range(1, n_products + 1):
            self.product(pdir, slug, name, forms, unit, amounts, p)
        chunks = self.overview_chunks(len(overview)) + len(fields) + len(notes) + n_findings + n_products
        return chunks, n_products

    def product(self, pdir: Path, slug: str, name: str, forms: tuple[str, ...], unit: str,
                amounts: tuple[int, ...], p: int) -> None:
        rng = self.rng
        kind = rng.choice(_PRODUCT_KINDS)
        form = rng.choice(forms)
        amount = _amount(rng.choice(amounts) * rng.choice((1, 1, 2)), unit)
        nutrients: list[dict[str, str]] = [{"nutrient": name, "amount": amount, "form": form}]
        co_name, _, _, co_unit, co_amounts = rng.choice(_NUTRIENTS)
        with_co = co_name != name and rng.random() < 0.6
        co_amount = _amount(rng.choice(co_amounts), co_unit)
        if with_co:
            nutrients.append({"nutrient": co_name, "amount": co_amount})
        brand = rng.choice(_BRANDS)
        ptitle = f"{brand} {name} {form.title()} {amount}" + (f" + {co_name} {co_amount}" if with_co else "")
        combo = f" and {co_name.lower()} ({co_amount})" if with_co else ""
        text = (
            f"This {kind} provides {name.lower()} ({amount} as {form}){combo} per serving. "
            f"It is formulated for {rng.choice(_POPULATIONS)} and aims to support {rng.choice(_OUTCOMES)}. "
            f"{rng.choice(_OTHER_NOTES)}."
        )
        front = {"id": f"{slug}-p{p}", "order": p, "title": ptitle,
                 "name": ptitle if rng.random() < 0.5 else None, "nutrients": nutrients}
        (pdir / f"{p:02d}-{slugify(ptitle)[:40]}.md").write_text(
            "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n" + text + "\n",
            encoding="utf-8")


def generate_corpus(root: Path | str, target_chunks: int, *, seed: int = 7, include: Path | str | None = None,
                    chunking: ChunkingSettings | None = None) -> SyntheticCorpus:
    """Write monographs under ``root`` until about ``target_chunks`` chunks (never fewer).

    ``include``: a corpus folder copied in first (e.g. the seed corpus, so its questions still
    have their answers in the haystack); its chunks count towards the target only as estimated by
    the caller, so pass ``target_chunks`` minus its chunks.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if include is not None:
        shutil.copytree(include, root, dirs_exist_ok=True)
    writer = _Writer(random.Random(seed), chunking or ChunkingSettings())
    chunks = products = monographs = 0
    while chunks < target_chunks:
        c, p = writer.monograph(root / f"synthetic-{monographs:05d}", monographs)
        chunks += c
        products += p
        monographs += 1
    return SyntheticCorpus(root, monographs, products, chunks)
