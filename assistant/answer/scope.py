"""Scope: does the corpus cover a question, or should the assistant abstain?

:class:`ScopeJudge` scores how well the retrieved passages cover the question and finds its
off-topic words: topic words the corpus does not contain, has no near synonym for, and that carry
meaning in the question. Either a low score or one off-topic word means the monograph does not
cover the question ("X for migraines", "X in pregnancy" for a page that says neither).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant import messages as msg
from assistant.domain.vocabulary import FigureKind, vocabulary
from assistant.doses import parse_doses
from assistant.normalize import (
    asking_only,
    content_tokens,
    content_tokens_with_parts,
    covering_words,
    cue,
    cue_fold,
    fold,
    general_words,
    in_some_form,
    joined_pairs,
    raw_tokens,
    stem,
    surface_forms,
    without_denials,
)
from assistant.normalize import tokens as lex_tokens
from assistant.nutrients import mentioned_nutrients, same_nutrient
from assistant.retrieval import Hit, HybridRetriever

if TYPE_CHECKING:
    from assistant.serving import CorpusWords

#: cosine above which a word the corpus does not contain still counts as covered (a near synonym)
SYNONYM_COSINE = 0.72
#: how far (1 - cosine) removing a word must move the question's embedding for it to be a topic
TOPIC_SHIFT = 0.03
#: how far the question's off-topic words, removed together, must move its embedding for the
#: monograph not to cover it (a lone word near ``TOPIC_SHIFT`` is chat, not a topic)
QUESTION_SHIFT = 0.055
#: how far several words the page lacks, none a topic alone (each leans on the others: "joint pain,
#: arthritis in my knees"), must move the question together to be its topic
COLLECTIVE_SHIFT = 0.1


@functools.cache
def _topic_words() -> frozenset[str]:
    """The lexicon's words that are always a topic, stemmed as question terms are."""
    return _with_stems(vocabulary().topic_words)


def _with_stems(words: frozenset[str]) -> frozenset[str]:
    return frozenset(words | {stem(w) for w in words})


def field_words(question: str) -> frozenset[str]:
    """The (stemmed) words with which a question names a Dosage Guide field ("maximum amount",
    "RDA", the field's own name) or the people it asks about ("pregnant women", "aged 12"), as the
    cues of ``dosage_cues.yaml`` read them: a question about a field of the monograph in scope is covered
    by that field, whose values (or its blank) answer it, even where these words are not the page's."""
    from assistant.answer.dosage import cue, dosage_cues, field_terms
    from assistant.answer.dosage import fold as cue_fold

    cues = dosage_cues()
    folded = cue_fold(question)
    patterns = [p for name, ps in cues.question.fields.items() for p in (*ps, *field_terms(name))]
    patterns += [w for g in cues.population.groups.values() for w in g.words]
    # each pattern on its own: one that names a field by fewer words never hides a longer one
    spans = " ".join(m.group(0) for p in patterns for m in cue([p]).finditer(folded))
    spans += " " + " ".join(m.group(0) for a in cues.population.ages for m in re.finditer(a.pattern, folded))
    return frozenset(content_tokens(spans)) | frozenset(stem(t) for t in raw_tokens(spans))


def asks_amount(question: str) -> bool:
    """Does the question ask for an amount: a dose, how much to take, a limit (the lexicon's
    ``amount_questions``)?"""
    return cue(vocabulary().lexicon.amount_questions).search(cue_fold(question)) is not None


def asks_summary(question: str) -> bool:
    """Does the question ask what a supplement is or does (the lexicon's ``summary_questions``)?"""
    return cue(vocabulary().lexicon.summary_questions).search(fold(question)) is not None


def _figure_kinds(figures_only: bool = True) -> list[FigureKind]:
    """The lexicon's ``figure_kinds``; with ``figures_only``, not the details (``figure: false``)."""
    return [k for k in vocabulary().lexicon.figure_kinds.values() if k.figure or not figures_only]


def asks_figure(question: str) -> bool:
    """Does the question ask for a figure: an amount, a time, a share, a count (the lexicon's
    ``figure_questions``)?"""
    lex = vocabulary().lexicon
    asked = [*lex.figure_questions, *(p for k in _figure_kinds() for p in k.asked)]
    return cue(asked).search(cue_fold(question)) is not None


def figure_answered(question: str, lines: Sequence[str]) -> bool:
    """Do the answer's lines state the figure the question asks: of the kind it asks (the lexicon's
    ``figure_kinds``: "by how much" needs a change, not the dose), else any figure?"""
    from assistant.answer.extractive import states_figure

    folded = cue_fold(question)
    asked = [k for k in _figure_kinds() if cue(k.asked).search(folded)]
    if any(k.read_from_two for k in asked) and _two_in_one_unit(lines):
        return True  # "how much more of one than the other": both amounts, set side by side
    kinds: list[re.Pattern[str] | None] = [cue(k.stated) for k in asked]
    return any(states_figure(line, kind) for line in lines for kind in (kinds or [None]))


def figure_gap(question: str, lines: Sequence[str], *, figures_only: bool = False) -> str | None:
    """The line saying that an answer's lines leave unstated a figure of a kind the question names
    by its own words (the lexicon's ``figure_kinds`` that say one: "how often", "how many <units>"),
    or a detail asked (a kind with ``figure: false``: "is it prescription-only?"), those words as
    asked; None when no such kind is asked or a line states it. ``figures_only``: figures, no detail."""
    from assistant.answer.extractive import states_figure

    folded = cue_fold(question)
    for kind in _figure_kinds(figures_only):
        if kind.says and (m := cue(kind.asked).search(folded)) is not None and not any(
                states_figure(line, cue(kind.stated)) for line in lines) and not (
                kind.read_from_two and _two_in_one_unit(lines)):
            phrase = m.group(0).strip()
            asked = kind.says.format(phrase=phrase, last=phrase.split()[-1])
            return msg.FIGURE_NOT_STATED.format(asked=asked[:1].upper() + asked[1:])
    return None


def figure_beside(question: str, lines: Sequence[str], naming: Collection[str]) -> bool:
    """Do an answer's lines leave unstated a figure of a kind the lexicon marks ``beside`` ("how
    many weeks before ..."), and speak of none of the words of the sentence that asks it (beyond
    the figure's own words, the supplements' names ``naming``, amounts and general words; a word
    in another spelling or ending counts)? Then they answer a neighbouring question ("how many
    weeks before my <level> goes up?" with the daily allowance), not this one: the monograph does
    not say."""
    from assistant.answer.extractive import states_figure
    from assistant.answer.studies import same_word

    folded = cue_fold(question)
    m = next((m for k in vocabulary().lexicon.figure_kinds.values()
              if k.beside is True and not any(states_figure(line, cue(k.stated)) for line in lines)
              and (m := cue(k.asked).search(folded)) is not None), None)
    if m is None:
        return False
    start = max(folded.rfind(c, 0, m.start()) for c in ".?!") + 1
    ends = [i for c in ".?!" if (i := folded.find(c, m.end())) >= 0]
    sentence = folded[start:m.start()] + " " + folded[m.end():min(ends, default=len(folded))]
    for d in sorted(parse_doses(sentence), key=lambda d: d.start, reverse=True):
        sentence = sentence[:d.start] + " " + sentence[d.end:]
    asked = set(content_tokens(sentence)) - set(naming) - general_words()
    said = {t for line in lines for t in content_tokens_with_parts(line)}
    return bool(asked) and not any(in_some_form(w, said) or any(same_word(w, t) for t in said) for w in asked)


def figure_unanswered(question: str, lines: Sequence[str]) -> bool:
    """Do an answer's lines leave unstated a figure of a kind the lexicon marks ``beside: always``,
    whatever words they share ("what <blood level> should I aim for?" answered with a dose or a
    caution)? Then they answer a neighbouring question: the monograph does not say."""
    from assistant.answer.extractive import states_figure

    folded = cue_fold(question)
    return bool(lines) and any(
        k.beside == "always" and cue(k.asked).search(folded) is not None
        and not any(states_figure(line, cue(k.stated)) for line in lines)
        for k in vocabulary().lexicon.figure_kinds.values())


#: numbers of a numbered kind written in roman numerals ("type II")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def _asking_part(question: str) -> str:
    """The sentences of a question that ask, without its statements that deny (what a figure or
    a kind is asked of; not "<...> taken before, now ..." said beside it)."""
    return asking_only(without_denials(question))


def kind_beside(question: str, lines: Sequence[str]) -> bool:
    """Does the question ask of one numbered kind of a thing (the lexicon's ``numbered_kinds``:
    "type 1 <condition>") that the answer's lines never name, while they name another of its kind
    ("type 2 <condition>")? Then they answer about a neighbour: the monograph does not say."""
    if not lines:
        return False
    from assistant.answer.studies import same_word  # one word in two endings ("<thing>ics", "<thing>es")

    asked = _numbered_kinds(_asking_part(question))
    said = _numbered_kinds(" ".join(lines))
    # each asked is unsaid, and the lines name another number of the same kind of the same thing
    return bool(asked) and not asked & said and all(any(
        s[0] == a[0] and same_word(stem(s[2]), stem(a[2])) for s in said) for a in asked)


def _numbered_kinds(text: str) -> set[tuple[str, str, str]]:
    """(kind word, number, the word after) of each numbered kind a text names ("type 2 <thing>"); a
    kind asked as a choice ("type 1 or type 2 <thing>") takes the thing named after the last."""
    words = vocabulary().lexicon.numbered_kinds
    if not words:
        return set()
    found = list(cue([rf"({'|'.join(map(re.escape, words))})[\s-]*(\d+|iv|i{{1,3}})\b(?:\s+([a-z][\w-]*))?"]
                     ).finditer(cue_fold(text)))
    out, after = set(), ""
    for m in reversed(found):  # the thing named after a later one, for "type 1 or type 2 <thing>"
        after = m[3] if m[3] and m[3] not in ("or", "and") else after
        out.add((m[1], _ROMAN.get(m[2], m[2]), after))
    return out


def nutrient_beside(question: str, lines: Sequence[str], titles: Collection[str]) -> bool:
    """Does a question that asks a figure other than an amount name a nutrient (beyond those of the
    pages' ``titles``) that none of the answer's lines names? Then their figures are about something
    else ("how many hours apart should I take <a> and <b>?" answered with the spacing for two
    medicines): the monograph does not say."""
    if not lines or not asks_figure(question) or asks_amount(question):
        return False  # (an amount asked is the page's own: "how much <x> with <y>?" is answered)
    own = [n for t in titles for n in mentioned_nutrients(t)]
    asked = [n for n in mentioned_nutrients(_asking_part(question))
             if not any(same_nutrient(n, o) for o in own)]
    said = mentioned_nutrients(" ".join(lines))
    return bool(asked) and not any(same_nutrient(a, s) for a in asked for s in said)


def _two_in_one_unit(lines: Sequence[str]) -> bool:
    """Does one line state two different amounts in one unit ("11 mg — boys; 15 mg — girls")?
    Amounts of different lines may be of different things."""
    for line in lines:
        units = [unit for unit, _ in {(d.unit, d.low) for d in parse_doses(line)}]
        if len(units) != len(set(units)):
            return True
    return False


def asked_part(question: str, lines: Sequence[str]) -> str | None:
    """Of an answer's lines, cut into their parts ("<field>: <value>; <value>", sentences), the
    part the question names: the one sharing the most (at least two) of its words with it, when no
    other shares as many ("what dose of <form>": the value naming <form>, not another's figure)."""
    asked = set(content_tokens(question))
    parts = [p for line in lines for p in re.split(r";\s|(?<=[.!?])\s+(?=[A-Z])", line) if p.strip()]
    shared = [len(asked & set(content_tokens(p))) for p in parts]
    if not shared or (best := max(shared)) < 2 or shared.count(best) > 1:
        return None
    part = re.sub(r"\s*\[\d+\]", "", parts[shared.index(best)]).strip(" .")
    return re.sub(r"^[^:()]+\([^)]*\):\s+", "", part)  # a field's head ("<field> (<subtitle>): ")


def _rewritten_to_known(term: str, surfaces: dict[str, str], vocab: Collection[str]) -> bool:
    """Does a covering rewrite of the lexicon give the word words the corpus has ("memory" is
    cognition)? Then it is no off-topic word."""
    word = surfaces.get(term)
    return word is not None and any(t != term and t in vocab for t in covering_words(word))


def joined_known(question: str, vocab: Collection[str]) -> frozenset[str]:
    """The (stemmed) words of the question that it writes apart where the page joins them with a
    hyphen ("fat soluble" for the page's "fat-soluble"): each part of such a pair is a word the page
    has. A part alone ("yeast" where the page says "yeast-derived") is not."""
    return frozenset(stem(p) for pair in joined_pairs(question) if pair in vocab for p in pair.split("-"))


def without_term(lexical_question: str, term: str) -> str:
    """The (lexical form of the) question with every token whose stem is ``term`` removed."""
    return " ".join(t for t in raw_tokens(lexical_question) if stem(t) != term)


class ScopeJudge:
    """Support scores and off-topic words over one retriever's index.

    The corpus vocabulary's embeddings (for the synonym check) come with the index generation
    (:mod:`assistant.serving`, given to :meth:`reset`), or are built once, on the first question
    with a word the corpus does not contain.
    """

    def __init__(self, embeddings: Embeddings, retriever: HybridRetriever,
                 words: CorpusWords | None = None) -> None:
        self.embeddings = embeddings
        self.retriever = retriever
        self._vocab_vectors: tuple[list[str], np.ndarray] | None = None
        self._words_of: dict[str, set[str]] = {}
        self._lock = threading.Lock()
        self.reset(words)

    def reset(self, words: CorpusWords | None = None) -> None:
        """Forget the corpus vocabulary (the index moved on), or take the new generation's."""
        self._vocab_vectors = None
        if words is not None:
            self._vocab_vectors = (words.stems, words.vectors)
            self._words_of = words.words_of

    def vocabulary(self) -> tuple[list[str], np.ndarray]:
        """(each corpus word's stem, its embedding): the generation's saved words, or built once."""
        with self._lock:
            if self._vocab_vectors is None:
                from assistant.serving import gather

                _, words = gather(self.retriever.index.document_pages())
                words.embed(self.embeddings)
                self._words_of = words.words_of
                self._vocab_vectors = (words.stems, words.vectors)
            return self._vocab_vectors

    def support(self, question: str, hits: Sequence[Hit], supplement: str | None = None,
                names: Collection[str] = ()) -> tuple[float, list[str]]:
        """(score, off_topic): ``score`` (0..1) is the better of the best passage's dense
        similarity and its IDF-weighted share of the question's topic words; ``off_topic`` are
        topic words the corpus does not contain, has no near synonym for (cosine below
        ``SYNONYM_COSINE``), and that carry meaning in the question (removing the word moves the
        question's embedding by at least ``TOPIC_SHIFT``). With ``supplement``, "the corpus" is that
        monograph: a question about one supplement is not covered by a neighbour's words. ``names``:
        the words of the supplements' names (a nickname the page never uses names it, no topic)."""
        if not hits:
            return 0.0, []
        lex = self.retriever.lexical
        terms = list(dict.fromkeys(content_tokens(question)))
        dense = max(h.dense_score for h in hits)
        if not terms:
            return round(max(0.0, dense), 4), []
        weight = {t: lex.idf.get(t, lex.max_idf) for t in terms}
        total = sum(weight.values()) or 1.0
        lexical = 0.0
        for h in hits:
            toks = set(lex_tokens(h.document.page_content))
            lexical = max(lexical, sum(w for t, w in weight.items() if t in toks) / total)
        score = round(max(0.0, dense, lexical), 4)
        vocab = lex.vocab_of.get(supplement, lex.vocab) if supplement else lex.vocab
        joined = joined_known(question, vocab)
        surfaces = surface_forms(question)
        general = general_words()
        # a word with letters ("covid-19", "10yo", "5htp" too: no amount is read off a word); a bare
        # number or range is no topic; nor is a word the page has in another form ("anemic" where it
        # says "anemia")
        unknown = [t for t in terms if not in_some_form(t, vocab) and t not in general and t not in names
                   and t not in joined and re.search(r"[a-z]", t)
                   and not _rewritten_to_known(t, surfaces, vocab)]
        if not unknown:
            return score, []
        # a near synonym counts where the answer would come from: the passages retrieved
        near = {t for h in hits for t in lex_tokens(h.document.page_content)}
        return score, self.off_topic(question, unknown, supplement, near)

    def off_topic(self, question: str, unknown: Sequence[str], supplement: str | None = None,
                  near: Collection[str] | None = None) -> list[str]:
        """The words of ``unknown`` (absent from the corpus, or from ``supplement``'s monograph) with
        no near synonym in it (among the words of ``near``, when given: the retrieved passages') that
        carry meaning in the question. Unknown words that are near synonyms of each other
        ("pregnancy", "pregnant") are one topic: the shift is measured with all of them removed."""
        words, vecs = self.vocabulary()
        own = self._words_of.get(supplement or "")
        if own is not None or near is not None:
            keep = [i for i, w in enumerate(words)
                    if (own is None or w in own) and (near is None or w in near)]
            words, vecs = [words[i] for i in keep], vecs[keep]
        lq = " ".join(raw_tokens(question))
        term_vecs = np.asarray(self.embeddings.embed_documents([t.replace("_", " ") for t in unknown]),
                               dtype=np.float32)
        same = term_vecs @ term_vecs.T >= SYNONYM_COSINE
        variants = []
        for i in range(len(unknown)):
            v = lq
            for j, t in enumerate(unknown):
                if same[i, j]:
                    v = without_term(v, t)
            variants.append(v)
        enc = np.asarray(self.embeddings.embed_documents([lq, *variants]), dtype=np.float32)
        qvec, var_vecs = enc[0], enc[1:]
        lacking = self._lacking(unknown, term_vecs, vecs)
        found = [t for t, v in zip(unknown, var_vecs, strict=True)
                 if t in lacking and 1.0 - float(qvec @ v) >= TOPIC_SHIFT]
        topics = _topic_words()
        if any(t in topics or stem(t) in topics for t in found):  # "which brand to buy"
            return found
        if found and self._shift_without(qvec, lq, found) >= QUESTION_SHIFT:
            return found
        # words that each lean on the others ("joint pain ... arthritis in my knees"): one topic
        return lacking if lacking and self._shift_without(qvec, lq, lacking) >= COLLECTIVE_SHIFT else []

    def lacking(self, words: Sequence[str], supplement: str | None = None) -> list[str]:
        """The words with no near synonym (cosine below ``SYNONYM_COSINE``) among the words of the
        corpus (of ``supplement``'s monograph, when given): words of something the page never speaks
        of in any form ("bleed" has "bleeding")."""
        if not words:
            return []
        stems, vecs = self.vocabulary()
        own = self._words_of.get(supplement or "")
        if own is not None:
            vecs = vecs[[i for i, w in enumerate(stems) if w in own]]
        term_vecs = np.asarray(self.embeddings.embed_documents([t.replace("_", " ") for t in words]),
                               dtype=np.float32)
        return self._lacking(words, term_vecs, vecs)

    @staticmethod
    def _lacking(words: Sequence[str], term_vecs: np.ndarray, vecs: np.ndarray) -> list[str]:
        sims = term_vecs @ vecs.T if len(vecs) else np.zeros((len(words), 1))
        return [t for t, row in zip(words, sims, strict=True) if float(row.max()) < SYNONYM_COSINE]

    def _shift_without(self, qvec: np.ndarray, lq: str, found: Sequence[str]) -> float:
        """How far the question moves with these words all removed at once. One chatty word the
        page lacks ("is that a myth", "the ladies in that study") barely moves it; a topic of its own
        ("in pregnancy", "for migraines") moves it far."""
        rest = lq
        for t in found:
            rest = without_term(rest, t)
        vec = np.asarray(self.embeddings.embed_documents([rest]), dtype=np.float32)[0]
        return 1.0 - float(qvec @ vec)
