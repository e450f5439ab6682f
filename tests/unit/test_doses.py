"""The dose parser: units, ranges, thousands separators, per day, and the numbers of a text."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from assistant.doses import (
    GREEK_MU,
    MICRO_SIGN,
    Dose,
    canonical_unit,
    dose_keys,
    numbers_in,
    parse_doses,
    unsupported_numbers,
)

MICROGRAM_SPELLINGS = ["mcg", f"{MICRO_SIGN}g", f"{GREEK_MU}g", "ug", "microgram", "micrograms",
                       "MCG", "Mcg", "UG", f"{MICRO_SIGN}G", "Micrograms"]
MILLIGRAM_SPELLINGS = ["mg", "MG", "Mg", "milligram", "milligrams", "Milligrams"]
PER_DAY = ["/day", " /day", "/d", " per day", " daily", " a day"]


def parse_dose(text: str) -> Dose:
    """Exactly one dose in ``text`` (the tests' shorthand over :func:`parse_doses`)."""
    doses = parse_doses(text)
    if len(doses) != 1:
        raise ValueError(f"expected one dose in {text!r}, found {len(doses)}")
    return doses[0]


def fmt_number(value: float, thousands: bool) -> str:
    """Write a value as a page would: '45', '1,000', '1.5', '12,345.25'."""
    if float(value).is_integer():
        n = int(value)
        return f"{n:,}" if thousands else str(n)
    return f"{value:,.2f}" if thousands else f"{value:.2f}"


# Values that round-trip exactly through 2 decimals.
values = st.one_of(
    st.integers(min_value=1, max_value=2_000_000).map(float),
    st.integers(min_value=1, max_value=9_999_99).map(lambda n: n / 100),
)
spaces = st.sampled_from(["", " ", "  "])
contexts = st.sampled_from([("", ""), ("High-dose MK-4 (", ")"), ("take ", " of K2 as MK-7"),
                            ("Vitamin D3 ", "."), ("doses such as ", ", daily")])


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize("unit", MICROGRAM_SPELLINGS)
def test_every_microgram_spelling_is_micrograms(unit: str) -> None:
    d = parse_dose(f"100 {unit}")
    assert d.unit == "µg"
    assert d.micrograms == 100.0
    assert d.key() == ("µg", 100.0, None)


@pytest.mark.parametrize("unit", MILLIGRAM_SPELLINGS)
def test_every_milligram_spelling_is_a_thousand_micrograms(unit: str) -> None:
    d = parse_dose(f"45 {unit}")
    assert d.unit == "mg"
    assert d.micrograms == 45_000.0
    assert d.key() == ("µg", 45_000.0, None)


def test_micro_sign_and_greek_mu_are_different_code_points_that_parse_alike() -> None:
    assert MICRO_SIGN == "\u00b5" and GREEK_MU == "\u03bc" and MICRO_SIGN != GREEK_MU
    a, b = parse_dose("100 \u00b5g"), parse_dose("100 \u03bcg")
    assert a.key() == b.key() == parse_dose("100 mcg").key()
    # offsets and text refer to the text as given (the micro sign is kept)
    assert a.text == "100 \u00b5g" and b.text == "100 \u03bcg"


def test_canonical_unit() -> None:
    assert canonical_unit("µg") == canonical_unit("μg") == canonical_unit("MCG") == "µg"
    assert canonical_unit("Milligrams") == "mg"
    assert canonical_unit("international units") == canonical_unit("iu") == "IU"
    with pytest.raises(ValueError, match="unknown unit"):
        canonical_unit("mmol")


def test_iu_stays_iu() -> None:
    d = parse_dose("1,000 IU")
    assert (d.low, d.unit, d.micrograms) == (1000.0, "IU", None)
    assert d.key() == ("IU", 1000.0, None)


def test_mg_and_mcg_of_the_same_amount_differ_a_thousand_fold() -> None:
    assert parse_dose("45 mg").key() != parse_dose("45 mcg").key()
    assert parse_dose("0.1 mg").key() == parse_dose("100 mcg").key()
    assert parse_dose("1 g").micrograms == 1_000_000.0


@given(value=values, thousands=st.booleans(), unit=st.sampled_from(MILLIGRAM_SPELLINGS),
       space=spaces, per_day=st.sampled_from(["", *PER_DAY]), ctx=contexts)
@example(value=45.0, thousands=False, unit="mg", space=" ", per_day="/day", ctx=("High-dose MK-4 (", ")"))
def test_milligrams_are_never_read_as_micrograms(value: float, thousands: bool, unit: str, space: str,
                                                 per_day: str, ctx: tuple[str, str]) -> None:
    written = f"{fmt_number(value, thousands)}{space}{unit}{per_day}"
    text = f"{ctx[0]}{written}{ctx[1]}"
    (d,) = parse_doses(text)
    assert d.unit == "mg"
    assert d.low == value
    assert d.micrograms is not None and math.isclose(d.micrograms, value * 1000)
    assert d.micrograms != value
    assert d.key() != parse_dose(f"{fmt_number(value, False)} mcg").key()
    assert d.text == written.strip()
    assert text[d.start : d.end].strip() == d.text


@given(value=values, thousands=st.booleans(), space=spaces, per_day=st.sampled_from(["", *PER_DAY]),
       ctx=contexts)
def test_all_microgram_spellings_have_the_same_key(value: float, thousands: bool, space: str,
                                                   per_day: str, ctx: tuple[str, str]) -> None:
    number = fmt_number(value, thousands)
    keys = set()
    for unit in MICROGRAM_SPELLINGS:
        (d,) = parse_doses(f"{ctx[0]}{number}{space}{unit}{per_day}{ctx[1]}")
        assert d.unit == "µg" and d.low == value
        assert d.per_day == bool(per_day)
        keys.add(d.key())
    assert keys == {("µg", round(value, 6), None)}


@given(value=values)
def test_micro_sign_and_greek_mu_parse_alike(value: float) -> None:
    n = fmt_number(value, True)
    a, b = parse_dose(f"{n} \u00b5g/day"), parse_dose(f"{n} \u03bcg/day")
    assert (a.low, a.high, a.unit, a.per_day, a.key()) == (b.low, b.high, b.unit, b.per_day, b.key())


# --------------------------------------------------------------------------- ranges, separators, per day


@pytest.mark.parametrize("text", ["100–200 μg/day", "100-200 μg/day", "100 to 200 μg/day",
                                  "100 – 200 µg per day", "100—200 mcg daily"])
def test_ranges_carry_the_unit_on_the_last_number(text: str) -> None:
    d = parse_dose(text)
    assert (d.low, d.high, d.unit, d.per_day) == (100.0, 200.0, "µg", True)
    assert d.micrograms == 100.0 and d.high_micrograms == 200.0
    assert d.text == text


@given(low=st.integers(1, 5000), span=st.integers(1, 5000), sep=st.sampled_from(["–", "-", " to ", " - "]),
       unit=st.sampled_from(["mg", "mcg", "μg", "IU"]), thousands=st.booleans())
def test_ranges_property(low: int, span: int, sep: str, unit: str, thousands: bool) -> None:
    high = low + span
    text = f"{fmt_number(low, thousands)}{sep}{fmt_number(high, thousands)} {unit}"
    (d,) = parse_doses(text)
    assert (d.low, d.high) == (low, high)
    if unit == "mg":
        assert d.micrograms == low * 1000 and d.high_micrograms == high * 1000


def test_seed_range_in_a_finding() -> None:
    (d,) = parse_doses("Low-dose vitamin K1 (100–200 μg/day) improved anticoagulation stability")
    assert d.text == "100–200 μg/day" and d.key() == ("µg", 100.0, 200.0)


@pytest.mark.parametrize(("text", "value"), [("1,000 IU", 1000.0), ("5,000 IU", 5000.0), ("4000 IU", 4000.0),
                                             ("1,000,000 mcg", 1_000_000.0), ("12,345.5 mg", 12345.5)])
def test_thousands_separators(text: str, value: float) -> None:
    assert parse_dose(text).low == value


@pytest.mark.parametrize("suffix", PER_DAY)
def test_per_day_flag(suffix: str) -> None:
    d = parse_dose(f"45 mg{suffix}")
    assert d.per_day
    assert d.text == f"45 mg{suffix}".strip()


@pytest.mark.parametrize("text", ["45 mg", "45 mg per serving", "45 mg/kg", "45 mg once"])
def test_not_per_day(text: str) -> None:
    assert not parse_doses(text)[0].per_day


def test_doses_in_a_sentence_with_offsets() -> None:
    text = "High-dose MK-4 (45 mg/day) and 1,000 IU of D3 plus 100 µg of K2"
    ds = parse_doses(text)
    assert [d.text for d in ds] == ["45 mg/day", "1,000 IU", "100 µg"]
    assert all(text[d.start : d.end] == d.text for d in ds)
    assert isinstance(ds[0], Dose)


@pytest.mark.parametrize("text", ["MK-4", "vitamin K2 and D3", "aged 50–60 over 3 years", "45 mgs",
                                  "B12", "x45 mg", ""])
def test_no_dose(text: str) -> None:
    assert parse_doses(text) == []


def test_parse_dose_needs_exactly_one() -> None:
    with pytest.raises(ValueError, match="expected one dose"):
        parse_dose("no dose here")
    with pytest.raises(ValueError, match="found 2"):
        parse_dose("10 mcg and 20 mcg")


def test_dose_keys() -> None:
    assert dose_keys("100 mcg or 0.1 mg") == {("µg", 100.0, None)}


# --------------------------------------------------------------------------- numbers of a text


def test_numbers_in_skips_digits_of_names() -> None:
    assert numbers_in("MK-4 and MK-7 with D3 and K2, vitamin B12, omega-3") == set()
    assert numbers_in("High-dose MK-4 (45 mg/day) for 3 years") == {45.0, 3.0}


def test_numbers_in_reads_separators_decimals_and_ranges() -> None:
    assert numbers_in("1,000 IU, 1.5 mg, 100-200 μg, aged 50–60") == {1000.0, 1.5, 100.0, 200.0, 50.0, 60.0}


@given(n=st.integers(0, 10_000_000), name=st.sampled_from(["MK-4", "MK-7", "D3", "K2", "K1"]))
def test_numbers_in_property(n: int, name: str) -> None:
    assert numbers_in(f"{name} at {n:,} units") == {float(n)}


def test_unsupported_numbers() -> None:
    passage = "High-dose MK-4 (45 mg/day) maximally reduced undercarboxylated osteocalcin over 3 years."
    assert unsupported_numbers("MK-4 at 45 mg/day for 3 years.", passage) == []
    # the same dose in other units is supported; a 1,000-fold error is not
    assert unsupported_numbers("MK-4 at 45,000 mcg per day.", passage) == []
    assert unsupported_numbers("MK-4 at 45 mcg/day.", passage) == ["45 mcg/day"]
    assert unsupported_numbers("MK-4 for 6 years.", passage) == ["6"]
    assert unsupported_numbers("MK-7 (K2) is a form.", passage) == []
    assert unsupported_numbers("1,000 IU of D3", "vitamin D3 (1,000 IU)") == []
    assert unsupported_numbers("100 µg", "K2 (100 μg)") == []
