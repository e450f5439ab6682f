"""The shared loader of validated YAML files, and the shared cue folding."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from assistant.answer import dosage, studies
from assistant.domain.vocabulary import load_validated
from assistant.errors import FileLineError
from assistant.normalize import cue_fold, fold


class _Inner(BaseModel):
    words: list[str]
    limit: int = Field(ge=1)


class _Cues(BaseModel):
    name: str
    inner: _Inner


class _CuesError(FileLineError):
    """The error a caller wants its bad file reported as."""


GOOD = "name: test\ninner:\n  words: [a, b]\n  limit: 3\n"


def test_load_validated_returns_the_model_and_names_file_and_line_of_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text(GOOD, encoding="utf-8")
    cues = load_validated(path, _Cues, _CuesError)
    assert isinstance(cues, _Cues) and cues.inner.words == ["a", "b"] and cues.inner.limit == 3

    path.write_text(GOOD.replace("limit: 3", "limit: 0"), encoding="utf-8")  # refused by the model
    with pytest.raises(_CuesError) as err:
        load_validated(str(path), _Cues, _CuesError)
    assert str(err.value).startswith(f"{path}:4: inner.limit: ")
    assert (err.value.path, err.value.line) == (str(path), 4)

    path.write_text("name: test\n", encoding="utf-8")  # a missing key: the line of its parent
    with pytest.raises(_CuesError, match=r"cues\.yaml:1: inner: Field required"):
        load_validated(path, _Cues, _CuesError)

    path.write_text("name: test\ninner: [1\n", encoding="utf-8")  # broken YAML
    with pytest.raises(_CuesError, match=r"cues\.yaml:\d+: broken YAML"):
        load_validated(path, _Cues, _CuesError)

    with pytest.raises(_CuesError, match=r"missing\.yaml:1: cannot read"):
        load_validated(tmp_path / "missing.yaml", _Cues, _CuesError)


@pytest.mark.parametrize("text", ["Don\u2019t take \u2018more\u2019", "ÆSS \u00b5g \uff21", "plain", "Straße"])
def test_cue_fold_is_fold_with_straight_single_quotes(text: str) -> None:
    old = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'").replace("\u2018", "'")
    assert cue_fold(text) == old == fold(text).replace("\u2019", "'").replace("\u2018", "'")
    assert dosage.fold is cue_fold and studies.fold is cue_fold


def _listed_strings(node: object) -> list[str]:
    """Every string inside a list of a loaded YAML tree (the cue patterns; prose values are no list's)."""
    if isinstance(node, dict):
        return [s for v in node.values() for s in _listed_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in ([v] if isinstance(v, str) else _listed_strings(v))]
    return []


@pytest.mark.parametrize("path", sorted([*Path(dosage.__file__).parents[1].glob("domain/*.yaml"),
                                         *Path(dosage.__file__).parents[1].glob("domain/vocabulary/*.yaml")]),
                         ids=lambda p: p.name)
def test_no_pattern_ends_in_white_space_a_whole_word_cue_could_never_match_before_a_word(path: Path) -> None:
    import yaml

    ending = re.compile(r"(?<!\(\?=) \)?[?*]?$")  # "were there (?:any )?" needs a space, then no word (a
    # look-ahead for a space, "to(?= )", is no space taken)
    bad = [p for p in _listed_strings(yaml.safe_load(path.read_text(encoding="utf-8"))) if ending.search(p)]
    assert not bad, f"{path.name}: {bad}"
