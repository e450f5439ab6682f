"""Query and text normalisation for retrieval (pure functions).

One function, :func:`lexical_form`, maps both corpus text and questions to the same tokens, so
``ug``/``µg``/``μg``/``mcg``/``microgram`` all meet, ``MK7``/``mk 7``/``menaquinone-7`` become
``mk7``, and every anticoagulant name (brand, generic, class, misspelt) also yields the token
``anticoagulant``. :func:`expand_query` adds the canonical words to a question for the dense search.
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------- anticoagulants

#: name -> canonical drug (brands map to their generic). Classes map to "anticoagulant".
ANTICOAGULANT_NAMES: dict[str, str] = {
    "warfarin": "warfarin", "coumadin": "warfarin", "jantoven": "warfarin", "marevan": "warfarin",
    "acenocoumarol": "acenocoumarol", "sintrom": "acenocoumarol",
    "phenprocoumon": "phenprocoumon", "marcumar": "phenprocoumon", "falithrom": "phenprocoumon",
    "apixaban": "apixaban", "eliquis": "apixaban",
    "rivaroxaban": "rivaroxaban", "xarelto": "rivaroxaban",
    "dabigatran": "dabigatran", "pradaxa": "dabigatran",
    "edoxaban": "edoxaban", "savaysa": "edoxaban", "lixiana": "edoxaban",
    "heparin": "heparin", "enoxaparin": "enoxaparin", "lovenox": "enoxaparin",
    "fondaparinux": "fondaparinux", "coumarin": "anticoagulant", "coumarins": "anticoagulant",
    "anticoagulant": "anticoagulant", "anticoagulants": "anticoagulant",
    "anticoagulation": "anticoagulant", "anticoagulated": "anticoagulant",
    "doac": "anticoagulant", "doacs": "anticoagulant", "noac": "anticoagulant", "noacs": "anticoagulant",
    "vka": "anticoagulant", "vkas": "anticoagulant", "inr": "inr",
}
VITAMIN_K_ANTAGONISTS = {"warfarin", "acenocoumarol", "phenprocoumon"}
_ANTICOAG_PHRASES = [
    re.compile(r"\bblood[\s-]*thinn(?:er|ers|ing)\b"),
    re.compile(r"\bthin(?:s|ning)?\s+(?:my\s+|the\s+|your\s+)?blood\b"),
    re.compile(r"\bvitamin\s*k\s+antagonists?\b"),
    re.compile(r"\banti[\s-]coagula\w*"),
    re.compile(r"\bclotting\s+(?:test|time|medicine|medication|drug)s?\b"),
    re.compile(r"\bprothrombin\s+time\b"),
]

# --------------------------------------------------------------------------- synonyms

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12}

#: (pattern on casefolded NFKC text, replacement) applied in order by lexical_form.
_REWRITES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"(\d),(\d{3})\b"), r"\1\2"),
    (re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve)(?=[\s-]+(?:years?|weeks?|months?|days?)\b)"),
     lambda m: str(_NUMBER_WORDS[m.group(1)])),
    (re.compile(r"(\d)-(years?|weeks?|months?|days?)\b"), r"\1 \2"),
    (re.compile(r"\btoxic\w*"), "toxicity"),
    (re.compile(r"\b(?:most|max(?:imum)?|highest amount)\b(?=.{0,40}\b(?:per day|a day|daily|safely)\b)"),
     "upper intake limit most"),
    # "how does K2 work", "what does K2 do", "mechanism": the page says what a supplement "acts" as
    (re.compile(r"\b(how\s+(?:does|do|did)\b.{0,40}?)\bwork\b"), r"\1 acts"),
    (re.compile(r"\b(what\s+(?:does|do)\b.{0,40}?)\bdo\b(?=\s*(?:\?|$|for|in|to))"), r"\1 acts"),
    (re.compile(r"\bmechanisms?\b|\bmode\s+of\s+action\b"), "acts"),
    (re.compile(r"(\d)\s*(?:μg|ug|mcg|micrograms?)\b"), r"\1 mcg"),
    (re.compile(r"\b(?:μg|ug|micrograms?)\b"), "mcg"),
    (re.compile(r"(\d)\s*(?:mg|milligrams?)\b"), r"\1 mg"),
    (re.compile(r"\bmilligrams?\b"), "mg"),
    (re.compile(r"(\d)\s*(?:iu|international\s+units?)\b"), r"\1 iu"),
    (re.compile(r"\bmenaquinone[\s-]*4\b"), "mk4 menaquinone"),
    (re.compile(r"\bmenatetrenone\b|\bmk[\s-]*4\b"), "mk4"),
    (re.compile(r"\bmenaquinone[\s-]*7\b"), "mk7 menaquinone"),
    (re.compile(r"\bmk[\s-]*7\b"), "mk7"),
    (re.compile(r"\bmenaquinones?\b(?![\s-]*\d)"), "menaquinone k2"),
    (re.compile(r"\bvitamin\s*k[\s-]*2\b|\bvit\.?\s*k2\b"), "k2"),
    (re.compile(r"\bphylloquinone\b|\bvitamin\s*k[\s-]*1\b"), "k1"),
    (re.compile(r"\bcholecalciferol\b|\bvitamin\s*d[\s-]*3\b"), "d3"),
    (re.compile(r"\bvitamin\s+([a-z])(\d{0,2})\b"), r"vitamin_\1\2"),
    (re.compile(r"\bnatto\b"), "natto mk7"),
    (re.compile(r"\brda\b|\brecommended\s+(?:daily|dietary)\s+(?:allowance|intake)\b"),
     "recommended daily allowance"),
    (re.compile(r"\bul\b|\btolerable\s+upper\s+(?:intake\s+)?(?:level|limit)\b|\bmax(?:imum)?\s+(?:safe\s+)?(?:dose|intake)\b"),
     "upper intake limit"),
    (re.compile(r"\bhalf[\s-]*li(?:fe|ves)\b"), "half-life"),
    (re.compile(r"\bupper\s+(?:intake\s+)?(?:limit|level)\b"), "upper intake limit"),
    (re.compile(r"\bbmd\b|\bbone\s+(?:mineral\s+)?density\b"), "bmd bone mineral density"),
    (re.compile(r"\bmgp\b|\bmatrix\s+gla\s+protein\b"), "mgp matrix gla protein"),
    (re.compile(r"\bucoc\b|\bundercarboxylated\s+osteocalcin\b"), "ucoc undercarboxylated osteocalcin"),
    (re.compile(r"\bckd\b|\bchronic\s+kidney\s+disease\b|\bkidneys?(?:\s+disease)?\b|\brenal\b"),
     "ckd kidney"),
    (re.compile(r"\boutside\s+(?:of\s+)?the\s+liver\b|\bextra[\s-]*hepatic\b"), "extrahepatic"),
    (re.compile(r"\b\d+[\s-]*(?:year|yr|month)s?[\s-]*olds?\b|\bkids?\b|\bchild(?:ren)?\b|\btoddlers?\b|"
                r"\binfants?\b|\bbab(?:y|ies)\b|\bteen\w*\b|\bsons?\b|\bdaughters?\b|\bpaediatric\b|"
                r"\bpediatric\b"), "child"),
    (re.compile(r"\bhearts?\b|\bcardiac\b"), "heart cardiovascular"),
    (re.compile(r"\barter(?:y|ies|ial)\b|\bblood\s+vessels?\b"), "arteries vascular"),
    (re.compile(r"\bbones\b|\bskeleton\b|\bskeletal\b"), "bone"),
    (re.compile(r"\bmenopaus\w*|\bpost[\s-]*menopaus\w*"), "postmenopausal"),
]

_STOPWORDS_TEXT = """
    a an the and or but if of in on at to for from by with about as into than then that this these
    those is are was were be been being am do does did doing have has had having i me my mine we our
    you your yours he she it its they them their what which who whom whose when where why how can
    could should would will shall may might must there here any some all each both more most less
    least much many few other such no not nor only own same so too very just also s t don isn aren
    tell me please know give show explain list say said okay ok hi hello thanks thank let lets take
    taking took takes use used using get getting need needs want like one ones thing things product
    products supplement supplements vitamin dose doses dosage dosing amount amounts per serving
    servings day daily contain contains containing included include includes have good bad best
    better okay fine safe safely help helps work works level levels monograph says say page
    information info study studies research trial trials use anything something someone really
    actually generally usually typically find found finding findings show shown shows showed result
    results effect effects happen happens mean means tell told look known about regarding related
    relation relationship role kind type types form forms above across after afterwards again
    against almost alone along already although always among amongst another anyhow anyone anyway
    anywhere around back became because become becomes before beforehand behind below beside besides
    between beyond call cannot cant co con couldnt de describe detail done down due during eg eight
    either eleven else elsewhere empty enough etc even ever every everyone everything everywhere
    except fifteen fifty fill first five former formerly forty four front full further go hence
    hereafter hereby herein hereupon however hundred ie inc indeed interest keep last latter
    latterly ltd made make many meanwhile mill move namely neither never nevertheless next nine
    nobody none noone nothing now nowhere off often once onto otherwise out over part perhaps put
    rather re seem seemed seeming seems serious several side since sincere six sixty somehow
    sometime sometimes somewhere still system ten thence thereafter thereby therefore therein
    thereupon thick third three through throughout thru thus together top toward towards twelve
    twenty two un under until up upon via well whatever whence whenever whereafter whereas whereby
    wherein whereupon wherever whether while whither whoever whole whom within without yet true
    false right wrong correct run ran finish finished stay stays depend depends express expressed
    mention mentioned mentions give given gave gives treat treating happen happened lowered highest
    lowest max compare compared people person adult adults body made make makes prove proven outside
    state stated states week weeks year years month months claim claims suggest suggests page guide
    document source text listed list lists
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
#: tokens that carry no topic: numbers and single letters
_NUMERIC = re.compile(r"^\d+(?:\.\d+)?$")

_TOKEN = re.compile(r"[a-z0-9_]+(?:-[a-z0-9]+)*")


def fold(text: str) -> str:
    """NFKC (µ becomes μ) and casefold; never transliterate."""
    return unicodedata.normalize("NFKC", text).casefold()


def lexical_form(text: str) -> str:
    """The normalised text both questions and passages are tokenised from."""
    t = fold(text)
    for pat, rep in _REWRITES:
        t = pat.sub(rep, t)
    return t


def stem(token: str) -> str:
    """A light English stemmer (plural and common suffixes), enough to meet 'studies'/'study'."""
    for suf, rep in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if token.endswith(suf) and len(token) - len(suf) >= 3 and not token.endswith("ss"):
            return token[: -len(suf)] + rep
    return token


def tokens(text: str) -> list[str]:
    """Stemmed tokens of the lexical form (no stopword removal); cached, for the passages and
    sentences a question retrieves (they come back question after question)."""
    return list(_tokens(text))


@functools.lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def tokenize(text: str) -> Iterator[str]:
    """:func:`tokens` without the cache, one by one: for indexing every chunk once."""
    for t in _TOKEN.findall(lexical_form(text)):
        yield sys.intern(stem(t))


def content_tokens(text: str) -> list[str]:
    """Tokens that carry the topic: not stopwords, not numbers."""
    out: list[str] = []
    for t in _TOKEN.findall(lexical_form(text)):
        if t in STOPWORDS or _NUMERIC.match(t) or len(t) < 2:
            continue
        st = stem(t)
        if st in STOPWORDS:
            continue
        out.append(st)
    return out


# --------------------------------------------------------------------------- anticoagulant detection


@functools.lru_cache(maxsize=65536)
def _fuzzy_name(token: str) -> str | None:
    if token in ANTICOAGULANT_NAMES:
        return ANTICOAGULANT_NAMES[token]
    if len(token) < 5:
        return None
    best = difflib.get_close_matches(token, ANTICOAGULANT_NAMES.keys(), n=1, cutoff=0.8)
    return ANTICOAGULANT_NAMES[best[0]] if best else None


@functools.lru_cache(maxsize=8192)
def _find_anticoagulants(text: str) -> tuple[str, ...]:
    return tuple(_scan_anticoagulants(text))


def find_anticoagulants(text: str) -> list[str]:
    """Canonical anticoagulant names (or 'anticoagulant', 'inr') mentioned in ``text``.

    Brands, generics, classes, "blood thinner", INR and misspellings ("warfrin") all count.
    """
    return list(_find_anticoagulants(text))


def _scan_anticoagulants(text: str) -> list[str]:
    """Canonical anticoagulant names (or 'anticoagulant', 'inr') mentioned in ``text``.

    Brands, generics, classes, "blood thinner", INR and misspellings ("warfrin") all count.
    """
    t = fold(text)
    found: list[str] = []
    for raw in re.findall(r"[a-z]+", t):
        name = _fuzzy_name(raw)
        if name and name not in found:
            found.append(name)
    for pat in _ANTICOAG_PHRASES:
        if pat.search(t) and "anticoagulant" not in found:
            found.append("anticoagulant")
    return found


# --------------------------------------------------------------------------- query expansion


@dataclass(frozen=True)
class NormalizedQuery:
    """A question prepared for retrieval."""

    original: str
    dense_text: str
    lexical_text: str
    anticoagulants: list[str] = field(default_factory=list)


def expand_query(question: str) -> NormalizedQuery:
    """Add canonical words for the dense search; the lexical form for BM25."""
    anticoags = find_anticoagulants(question)
    extra: list[str] = []
    if anticoags:
        drugs = [a for a in anticoags if a not in {"anticoagulant", "inr"}]
        extra.append("anticoagulant therapy")
        if any(d in VITAMIN_K_ANTAGONISTS for d in drugs) or not drugs:
            extra.append("warfarin vitamin K antagonists")
        extra.extend(drugs)
        if "inr" in anticoags:
            extra.append("monitor INR")
    lex = lexical_form(question)
    if anticoags:
        lex += " anticoagulant warfarin"
    # the dense model reads natural text: spell the unit variants out once
    dense = question
    if re.search(r"\d\s*(?:ug|micrograms?)\b", fold(question)):
        dense = re.sub(r"(?i)(\d)\s*(?:ug|micrograms?)\b", r"\1 μg", dense)
    if extra:
        dense = f"{dense} ({'; '.join(extra)})"
    return NormalizedQuery(question, dense, lex, anticoags)


def surface_forms(text: str) -> dict[str, str]:
    """stem -> the first word form it was made from (for embedding single terms)."""
    out: dict[str, str] = {}
    for t in _TOKEN.findall(lexical_form(text)):
        out.setdefault(stem(t), t.replace("_", " "))
    return out


def raw_tokens(text: str) -> list[str]:
    """Unstemmed tokens of the lexical form."""
    return _TOKEN.findall(lexical_form(text))
