"""Unit-aware dose parsing (pure functions, no I/O).

Micrograms are written ``mcg``, ``µg`` (U+00B5), ``μg`` (U+03BC), ``ug`` and ``microgram(s)``;
all parse to the unit ``µg``. ``mg`` is 1,000 µg, never 1 µg. ``IU`` is kept as IU (it is only
meaningful for vitamins A, D and E; vitamin D: 1 µg = 40 IU). Ranges (``100–200 μg/day``,
``100-200``, ``100 to 200``) carry the unit on the last number only. Offsets always refer to the
text as given, so a parsed dose can be cited by its span.

Example:
    >>> [d.text for d in parse_doses("A high dose (45 mg/day) and 1,000 IU of vitamin X")]
    ['45 mg/day', '1,000 IU']
    >>> parse_doses("45 mg")[0].micrograms
    45000.0
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MICRO_SIGN = "\u00b5"
GREEK_MU = "\u03bc"

#: canonical unit -> factor to micrograms (IU has none in general)
_TO_UG: dict[str, float] = {"µg": 1.0, "mg": 1_000.0, "g": 1_000_000.0}

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNIT = (
    r"(?P<unit>mcg|[μ]g|ug|micrograms?|mg|milligrams?|grams?|g|iu|international\s+units?)"
)
_RANGE_SEP = r"\s*(?:–|—|-|to)\s*"
_PER_DAY = r"(?P<perday>\s*(?:/\s*(?:day|d)\b|per\s+day\b|daily\b|a\s+day\b))?"
DOSE_RE = re.compile(
    rf"(?<![\w.,])(?P<low>{_NUM})(?:{_RANGE_SEP}(?P<high>{_NUM}))?\s*{_UNIT}(?![a-zA-Z]){_PER_DAY}",
    re.IGNORECASE,
)
NUMBER_RE = re.compile(rf"(?<![\w.,]){_NUM}(?![\d])")


def canonical_unit(raw: str) -> str:
    """Map a written unit to one of ``µg``, ``mg``, ``g``, ``IU``."""
    u = unicodedata.normalize("NFKC", raw).casefold().strip()
    u = re.sub(r"\s+", " ", u)
    if u in {"mcg", "μg", "ug", "microgram", "micrograms"}:
        return "µg"
    if u in {"mg", "milligram", "milligrams"}:
        return "mg"
    if u in {"g", "gram", "grams"}:
        return "g"
    if u in {"iu", "international unit", "international units"}:
        return "IU"
    raise ValueError(f"unknown unit: {raw!r}")


def parse_number(raw: str) -> float:
    """``'1,000'`` -> 1000.0; ``'1.5'`` -> 1.5."""
    return float(raw.replace(",", ""))


@dataclass(frozen=True)
class Dose:
    """A dose as written: value (or range), unit, per-day flag and where it stands in the text."""

    low: float
    high: float | None
    unit: str
    per_day: bool
    start: int
    end: int
    text: str

    @property
    def micrograms(self) -> float | None:
        """The (low) value in µg, or None for IU."""
        factor = _TO_UG.get(self.unit)
        return None if factor is None else self.low * factor

    @property
    def high_micrograms(self) -> float | None:
        factor = _TO_UG.get(self.unit)
        if factor is None or self.high is None:
            return None
        return self.high * factor

    def key(self) -> tuple[str, float, float | None]:
        """A unit-normalised key: equal for '100 mcg', '100 µg' and '0.1 mg'."""
        factor = _TO_UG.get(self.unit)
        if factor is None:
            return (self.unit, self.low, self.high)
        high = None if self.high is None else round(self.high * factor, 6)
        return ("µg", round(self.low * factor, 6), high)


def _searchable(text: str) -> str:
    """Same length as ``text``; the micro sign becomes Greek mu so both parse alike."""
    return text.replace(MICRO_SIGN, GREEK_MU)


def parse_doses(text: str) -> list[Dose]:
    """Every dose written in ``text``, in order, with offsets into ``text``."""
    out: list[Dose] = []
    for m in DOSE_RE.finditer(_searchable(text)):
        high = m.group("high")
        out.append(
            Dose(
                low=parse_number(m.group("low")),
                high=parse_number(high) if high else None,
                unit=canonical_unit(m.group("unit")),
                per_day=bool(m.group("perday")),
                start=m.start(),
                end=m.end(),
                text=text[m.start() : m.end()].strip(),
            )
        )
    return out


def numbers_in(text: str) -> set[float]:
    """Every number written in ``text`` (thousands separators removed), e.g. {1000.0, 45.0}.

    Digits inside names (a letter, or a letter and a dash, right before them: ``B6``, ``XY-7``)
    are not numbers of the text.
    """
    found: set[float] = set()
    for m in NUMBER_RE.finditer(text):
        before = text[max(0, m.start() - 1) : m.start()]
        if before and (before.isalpha() or (before == "-" and _is_name_dash(text, m.start()))):
            continue
        found.add(parse_number(m.group(0)))
    return found


def _is_name_dash(text: str, pos: int) -> bool:
    """True for the dash of 'XY-4' (a name), False for the dash of a range '100-200'."""
    return pos >= 2 and text[pos - 2].isalpha()


def dose_keys(text: str) -> set[tuple[str, float, float | None]]:
    """Unit-normalised keys of the doses in ``text``."""
    return {d.key() for d in parse_doses(text)}


def unsupported_numbers(sentence: str, passage: str) -> list[str]:
    """Numbers of ``sentence`` that ``passage`` does not contain (units normalised for doses)."""
    missing: list[str] = []
    passage_keys = dose_keys(passage)
    passage_numbers = numbers_in(passage)
    dose_spans: list[tuple[int, int]] = []
    for d in parse_doses(sentence):
        dose_spans.append((d.start, d.end))
        if d.key() not in passage_keys:
            missing.append(d.text)
    rest = "".join(
        " " if any(s <= i < e for s, e in dose_spans) else ch for i, ch in enumerate(sentence)
    )
    for n in sorted(numbers_in(rest)):
        if n not in passage_numbers:
            missing.append(f"{n:g}")
    return missing
