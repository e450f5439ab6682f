"""The monograph format, with one owner: section names, Dosage Guide fields, the blank marker, and
the renderers that write a monograph's Markdown body.

The importer writes this format, the corpus parser reads it, the chunker marks blank fields from it,
the synthetic benchmark corpus writes it, and the evals name its sections; all of them take the
names from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.doses import parse_doses

OVERVIEW = "Overview"
DOSAGE_GUIDE = "Dosage Guide"
CLINICAL_NOTES = "Clinical Notes"
RESEARCH = "Research"
#: the page's sections before the products, in page order
SECTIONS = (OVERVIEW, DOSAGE_GUIDE, CLINICAL_NOTES, RESEARCH)

#: the Dosage Guide's fields and their subtitles, in page order
DOSAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Recommended Daily Allowance", "For generally healthy individuals"),
    ("Therapeutic Doses", "For treatment of specific conditions"),
    ("Upper Intake Limit", "Maximum safe daily intake"),
    ("Special Forms", "Alternative forms for specific needs"),
)
FIELD_NAMES = tuple(name for name, _ in DOSAGE_FIELDS)

#: other ways pages write a field's heading (matched like headings: any case and spacing)
FIELD_VARIANTS = {
    "Recommended Dietary Allowance": "Recommended Daily Allowance",
    "RDA": "Recommended Daily Allowance",
    "Therapeutic Dose": "Therapeutic Doses",
    "Upper Intake Level": "Upper Intake Limit",
    "Tolerable Upper Intake Level": "Upper Intake Limit",
    "Upper Limit": "Upper Intake Limit",
    "Special Form": "Special Forms",
}

#: how people name each field in a question (besides its own name)
FIELD_TERMS = {
    "Recommended Daily Allowance": ["rda", "recommended dietary allowance", "daily allowance",
                                    "recommended intake", "daily requirement"],
    "Therapeutic Doses": ["therapeutic dose", "therapeutic doses", "treatment dose"],
    "Upper Intake Limit": ["upper limit", "upper intake level", "ul", "tolerable upper intake level",
                           "maximum safe daily intake", "maximum daily intake"],
    "Special Forms": ["special form", "alternative forms"],
}

#: the products heading of a page: "Products Containing <Supplement> (N reports)", any case and
#: spacing, the count glued to the name or not
PRODUCTS_RE = re.compile(
    r"^products\s+containing\s+(?P<name>.+?)\s*\(\s*(?P<n>\d+)\s*reports?\s*\)\s*$", re.IGNORECASE)


def heading_key(line: str) -> str:
    """A heading line as compared: spacing folded, case ignored, a trailing colon dropped."""
    return re.sub(r"\s+", " ", line.strip().rstrip(":").strip()).casefold()


_SECTION_KEYS = {heading_key(s): s for s in SECTIONS}
_FIELD_KEYS = {**{heading_key(n): n for n in FIELD_NAMES},
               **{heading_key(k): v for k, v in FIELD_VARIANTS.items()}}


def section_heading(line: str) -> str | None:
    """The section a heading line names ("Clinical notes" -> "Clinical Notes"), or None."""
    return _SECTION_KEYS.get(heading_key(line))


def field_heading(line: str) -> str | None:
    """The Dosage Guide field a line names ("Upper intake limit" -> "Upper Intake Limit"), or None."""
    return _FIELD_KEYS.get(heading_key(line))


def products_section(supplement: str) -> str:
    """The products section's title for a supplement."""
    return f"Products Containing {supplement}"


#: written in place of a Dosage Guide value that the page leaves blank. Never a number.
BLANK_VALUE = "No value is listed on the monograph page."


def is_blank(value_lines: Sequence[str]) -> bool:
    """Does a field's value (its lines after the subtitle) say the page gives none?"""
    values = [v.strip() for v in value_lines if v.strip()]
    return not values or values == [BLANK_VALUE]


def render_body(title: str, overview: Sequence[str], fields: Sequence[tuple[str, str, Sequence[str]]],
                notes: Sequence[str], findings: Sequence[str]) -> str:
    """A monograph's Markdown body. ``fields``: (name, subtitle, value lines; empty when blank)."""
    out = [f"# {title}", "", f"## {OVERVIEW}", "", *overview, "", f"## {DOSAGE_GUIDE}", ""]
    for name, subtitle, values in fields:
        out += [f"### {name}", "", subtitle, "", *(list(values) or [BLANK_VALUE]), ""]
    out += [f"## {CLINICAL_NOTES}", "", *(f"- {n}" for n in notes), ""]
    out += [f"## {RESEARCH}", "", *(f"{i}. {t}" for i, t in enumerate(findings, start=1)), ""]
    return "\n".join(out)


def value_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each value of a field's text: the lines after the subtitle; a line that
    starts in lower case and holds no dose continues the one before it."""
    out: list[tuple[int, int]] = []
    pos = 0
    for i, line in enumerate(text.split("\n")):
        s = pos + len(line) - len(line.lstrip())
        e = pos + len(line.rstrip())
        pos += len(line) + 1
        if i == 0 or e <= s:
            continue
        body = text[s:e]
        if out and body[:1].islower() and not parse_doses(body):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


#: the fields whose lines each begin with the name of what they describe ("<form>: <what it is>"); a
#: line without one (a scraped page that lost it) leaves which form it is about unsaid
NAMED_LINE_FIELDS = ("Special Forms",)
#: a line's name: a few words (a parenthesis allowed: "<name> (<short name>)") before a colon
_LINE_NAME = re.compile(r"^[^:;.()]{1,60}(?:\([^()]{1,20}\))?\s*:\s+\S")


def unnamed_lines(field: str, values: Sequence[str]) -> list[str]:
    """The values of a field whose lines name what they describe that do not begin with a name."""
    if field not in NAMED_LINE_FIELDS:
        return []
    return [v for v in values if not _LINE_NAME.match(v) or len(v.split(":", 1)[0].split()) > 6]


def one_line(value: str) -> str:
    """A value written over several lines, as one line."""
    return re.sub(r"\s*\n\s*", " ", value)
