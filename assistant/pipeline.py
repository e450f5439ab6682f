"""The public Python API: :class:`Assistant`, the wiring and the order of the steps.

A question flows: clean and resolve against the conversation (:mod:`assistant.conversation`) →
normalise and retrieve (:mod:`assistant.retrieval`) → judge scope or abstain
(:mod:`assistant.answer.scope`) → compose from products, a chat model behind the gate, or the
passages' own sentences (:mod:`assistant.answer`) → attach cautions → :class:`~assistant.types.Answer`.

Example:
    >>> from assistant import Assistant                        # doctest: +SKIP
    >>> a = Assistant()                                         # doctest: +SKIP
    >>> ans = a.ask("Does it interact with my blood thinner?")         # doctest: +SKIP
    >>> ans.cautions[0].citation.section                        # doctest: +SKIP
    'Clinical Notes'
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import threading
from collections.abc import Collection, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from assistant import messages as msg
from assistant import serving
from assistant.answer.cautions import (
    DOSE_RISK_CLASS,
    caution_line,
    caution_passages,
    cautions_for,
    denied_interaction_ask,
    interaction_ask,
    interaction_kinds,
    is_personal_request,
    names_condition,
    note_classes,
    of_no_medicine,
    referral,
    safety_ask,
    stated_conditions,
    urgent_referral,
)
from assistant.answer.choices import (
    extension_words,
    offered_words,
    one_sided,
    unmentioned_scene,
    unsettled_choices,
    unsettled_extensions,
)
from assistant.answer.citations import CitationBook
from assistant.answer.dosage import (
    DosageField,
    DosageQuery,
    advises_against,
    amounts_said,
    asks_amount_safety,
    asks_dose,
    asks_safety,
    asks_sufficiency,
    asks_supplement_safety,
    compose_dosage,
    denies_people,
    dosage_cues,
    exceeds_every_limit,
    fewer_than_one_serving,
    field_from_doc,
    field_names,
    names_field,
    notes_above,
    of_the_age_asked,
    own_amounts,
    parse_dosage_query,
    people_in,
    servings_counted,
    sets_beside,
    shares_people,
    times,
    total_dose,
    treated_conditions,
    unit_conversions,
)
from assistant.answer.extractive import cited_field, compose_extractive
from assistant.answer.form_shares import fit_sentences
from assistant.answer.generative import gated_sentences, make_llm
from assistant.answer.products import (
    Measure,
    OneProduct,
    ProductQuery,
    asks_across_products,
    asks_claim,
    asks_every_page,
    asks_evidence,
    asks_label,
    asks_risk,
    category_named,
    choice_sides,
    cite_amount,
    compose_one_product,
    compose_products,
    holds_named,
    joined_names,
    lists_only,
    named_product,
    numbered_product,
    one_product_question,
    page_phrases,
    parse_product_query,
    product_amount_gap,
    product_by_amounts,
    product_cues,
    product_forms,
    product_named,
    products_said,
    ranking_query,
    set_beside,
    speaks_to,
    stated,
    stated_parts,
    turn_direction,
    without_description,
    without_name,
)
from assistant.answer.scope import (
    ScopeJudge,
    asked_part,
    asks_amount,
    asks_figure,
    asks_summary,
    field_words,
    figure_answered,
    figure_beside,
    figure_gap,
    figure_unanswered,
    kind_beside,
    nutrient_beside,
)
from assistant.answer.studies import (
    RESULT_WORDS,
    Beside,
    StudyQuery,
    StudyRecord,
    age_distance,
    asks_results,
    beside_dose,
    compares_amounts,
    compose_studies,
    described_study,
    described_study_query,
    finding_gap_query,
    finding_lines,
    finding_written,
    form_mentions,
    names_nutrient,
    names_one_study,
    parse_study_query,
    records_from,
    select_studies,
    sets_beside_reply,
    study_subject,
    topic_mates,
    unmentioned_study_query,
    unreported_outcomes,
    words_held,
)
from assistant.catalog import Catalog
from assistant.config import Settings, get_settings
from assistant.conversation import (
    Turn,
    check_history,
    clean_question,
    last_answer,
    plain_text,
    user_questions,
)
from assistant.corpus import Corpus, Product, load_corpus
from assistant.corpus import Nutrient as ProductNutrient
from assistant.domain.page_format import DOSAGE_GUIDE, NAMED_LINE_FIELDS, RESEARCH
from assistant.domain.vocabulary import vocabulary
from assistant.doses import Dose, parse_doses
from assistant.errors import CorpusError, IndexBusyError
from assistant.followup import (
    Resolution,
    about_a_study,
    about_products,
    compares_back,
    conversation_subject,
    current_question,
    find_slots,
    naming_pointed,
    people_said_before,
    points_at_amount,
    points_back,
    resolve,
    scene_and_ask,
    starts_afresh,
)
from assistant.index import KnowledgeIndex, SyncResult
from assistant.index.embeddings import load_embeddings
from assistant.normalize import (
    PINNED_STUDY,
    asking_only,
    asking_part,
    content_tokens,
    cue,
    cue_fold,
    denied_classes,
    dosed_things,
    expand_query,
    fold,
    general_words,
    medicine_names,
    mentioned_classes,
    names_a_medicine,
    negated_spans,
    said_in_passing,
    sentences_of,
    surface_forms,
    taken_things,
    tokens,
    without_comparisons,
    without_denials,
    without_leading_denials,
    without_negated_mentions,
)
from assistant.nutrients import (
    form_words,
    joined_nutrients_end,
    mentioned_nutrients,
    read_nutrients,
    same_nutrient,
)
from assistant.parts import merge_answers, split_asks
from assistant.retrieval import Hit, HybridRetriever
from assistant.spelling import SpellCorrector
from assistant.types import (
    Answer,
    AnswerEvent,
    Caution,
    DroppedSentence,
    ProductRow,
    SourcesEvent,
    StreamEvent,
    TextEvent,
)

log = logging.getLogger(__name__)

#: a citation marker: a reply that carries one quoted the page
CITED = re.compile(r"\[\d+\]")
#: what closes a cited piece of an answer: its marker ("[2]"), or a section's name in a reply the
#: client wrote back ("[Clinical Notes]")
MARKER_SPLIT = re.compile(r"\[[^\]\n]{1,60}\]")
#: topic words (beyond names and general words) an ask needs before an answer holding none of them
#: counts as loose (:meth:`Assistant._loose`)
MIN_ASKED_TOPIC_WORDS = 2
#: topic words (beyond names and general words) the rest of a question needs for the words said only
#: in its denials to be context, not what it asks (:meth:`Assistant._asked_off_topic`): with none
#: ("..., on <medicine> now. is <x> ok?") what is said beside the denial is what it asks about
MIN_REST_TOPIC_WORDS = 1
#: at most this many findings in people of the age a treatment dose is asked for follow the dose
MAX_AGE_FINDINGS = 2

#: how many of a page's first passages of prose answer a question that names only the supplement
OPENING_PASSAGES = 2

#: how many more passages an evidence question ("does it work?") is searched for, its products left out
EVIDENCE_WIDER = 3

#: at most this many of a page's passages (not products) name another nutrient for them to come first
#: when a question asks of taking the two together (:meth:`Assistant._naming_beside`)
BESIDE_NAMED_MAX = 2


@dataclass(frozen=True)
class Understanding:
    """What the pipeline understood of one turn before retrieving."""

    question: str
    #: the question retrieval uses (a follow-up carries the previous question)
    retrieval_question: str
    followup: bool
    #: the interaction classes the conversation names (cautions follow the whole conversation)
    classes: list[str]
    #: the classes this turn (or the question it follows up) is about
    asks_about: list[str]
    personal: bool
    product_query: ProductQuery | None
    #: the question's misspelt words -> what they were read as
    corrected: dict[str, str] = field(default_factory=dict)
    #: the user's earlier questions, oldest first (a question that names no supplement is about
    #: the one the conversation last named)
    earlier: tuple[str, ...] = ()
    #: the assistant's last reply (what a follow-up may point back at)
    reply: str = ""
    #: the turn asks of another medicine than the earlier question's ("what about <another>?"): the
    #: earlier one's notes do not answer it, though they still apply to whoever takes it
    other_medicine: bool = False
    #: the words the pages lack that the turn says only to set the scene ("I run marathons, ..."):
    #: no topic of its; the answer says the passages it cites do not mention them
    scene: tuple[str, ...] = ()
    #: the words the pages lack that make up one side of a choice whose other side they name ("with
    #: <a> or <b>?"): no topic of its; the answer says the passages it cites do not mention them
    sides: tuple[str, ...] = ()


#: a monograph whose findings answer a question across studies: (supplement, the query, its findings)
FoundStudies = tuple[str, StudyQuery, list[StudyRecord]]


@dataclass(frozen=True)
class HeldAmount:
    """What one product a question names holds of a monograph's own nutrient (one serving), and
    whether the question takes more than one serving of it."""

    product: Product
    dose: Dose
    several: bool = False
    #: a second product the question takes with it ("<product> and the <amount> one together"):
    #: ``dose`` is what both hold, added up
    also: Product | None = None
    #: taken with a product that states no amount of it: what they hold together is not known
    uncounted: bool = False


#: at most this many products that state what one product lacks are named beside it
MAX_HOLDERS_INSTEAD = 2


@dataclass
class Composition:
    """An answer's body: its sentences with markers, a product table, how it was written."""

    lines: list[str] = field(default_factory=list)
    table: list[ProductRow] = field(default_factory=list)
    mode: str = "extractive"
    dropped: list[DroppedSentence] = field(default_factory=list)
    #: its lines say themselves what they leave unstated (a study's detail): no figure gap is added
    states_gaps: bool = False


def _best_described(found: list[FoundStudies], chosen: Sequence[Sequence[StudyRecord]]) -> list[FoundStudies]:
    """Of one study found on several pages (``chosen``: each page's selected findings), the page(s)
    whose finding holds the most of the words describing it ("the meta-analysis where <A> and <B>
    raised <outcome>": not another page's meta-analysis), then whose people's ages are nearest those
    asked ("the study in people over 80")."""
    fit = [max(((words_held(sq, r), -age_distance(sq, r)) for r in rs), default=(0, -math.inf))
           for (_, sq, _), rs in zip(found, chosen, strict=True)]
    return [f for f, n in zip(found, fit, strict=True) if n == max(fit)]


#: where a sentence of a question ends and the next begins (";" too: "... the <x> one; over the limit?")
_SENTENCE_BREAK = re.compile(r"[.?!;]+\s+(?=\S)")


def _asks_of_amount(u: Understanding, dq: DosageQuery) -> bool:
    """Does the turn ask of the amount itself: whether it is safe ("is one a day ok?"), enough
    ("is that enough for her?", the allowance asked), or above what it points back at ("would
    that one exceed it?")?"""
    q = u.question
    return (asks_amount_safety(q) or (dq.sufficient and asks_sufficiency(q))
            or (u.followup and points_back(q) and sets_beside(q)))


def _outside_description(text: str, at: int) -> str:
    """``text`` (the amounts that describe a product already blanked at ``at``) without the rest of
    the description: the few words before its amounts ("the <nutrient> 600 mg + ..."), a bracket
    right after them ("... 100 µg (<form>) one") and the nutrients joined on after them with no
    amount ("the <amount> <A> + <B> tablet")."""
    before = re.search(r"(?:[\w-]+\W+){0,3}$", text[:at])
    start = before.start() if before else at
    after = re.match(r"\s*(?:\([^)]*\))?", text[at:])
    return text[:start] + " " + text[joined_nutrients_end(text, at + (after.end() if after else 0)):]


def _asked_after(folded: str, end: int) -> str:
    """What a question asks after the words that end at ``end`` (a product's name or description):
    the sentences after the one they are in, else the rest of that one."""
    after = folded[end:]
    return after[m.end():] if (m := _SENTENCE_BREAK.search(after)) else after


def _asked_alone(question: str) -> Iterator[StudyQuery]:
    """The study query of the question's sentences that ask (from the first), when there are others
    before them and those ask about the findings."""
    if (alone := asking_only(question)) != question and (sq := parse_study_query(alone)) is not None:
        yield sq


def _serving_dose(ug: float) -> Dose:
    """One serving's amount of a nutrient, in micrograms, as a dose to set beside a limit."""
    return Dose(ug, None, "µg", False, 0, 0, f"{ug:g} µg")


def _no_numbers(u: Understanding) -> bool:
    """A personal request from someone on a medicine (or with a condition) gets no figure to act on;
    one that names the medicine or condition only to deny it ("I don't have a <condition>, how much
    a day?") asks about none (``asks_about``: its cautions still show)."""
    return u.personal and any(c != DOSE_RISK_CLASS for c in u.asks_about)


class StudyShelf:
    """The research findings of an index generation as study records, read one supplement at a
    time on first use (a monograph's findings: one metadata query) and kept."""

    def __init__(self, retriever: HybridRetriever, supplements: Sequence[str],
                 primary_of: dict[str, str]) -> None:
        self.retriever = retriever
        self.supplements = list(supplements)
        self.primary_of = primary_of
        self._of: dict[str, list[StudyRecord]] = {}
        self._lock = threading.Lock()

    def of(self, supplement: str) -> list[StudyRecord]:
        with self._lock:
            if supplement not in self._of:
                ids = self.retriever.lexical.ids_of(supplement)  # by id: no metadata scan
                docs = [d for d in self.retriever.index.documents(ids)  # the prose: what cites a finding
                        if d.metadata.get("kind") in ("finding", "prose")]
                self._of[supplement] = records_from(docs, self.primary_of)
            return self._of[supplement]

    def __iter__(self) -> Iterator[StudyRecord]:
        for supplement in self.supplements:
            yield from self.of(supplement)


class Assistant:
    """Answers questions from the monographs with numbered citations, cautions and abstention.

    Args:
        settings: ``Settings``, a dict of settings, or None for the defaults (``ASSISTANT_*``).
        embeddings: a loaded embedding model to share (loaded from the settings when None).
        index: a :class:`KnowledgeIndex` to share (opened from the settings when None).
        llm: any LangChain chat model for generated prose behind the grounding gate (default:
            the one the settings name, or none: extractive answers).
        sync: bring the index in line with the corpus first (builds it if missing; embeds only
            what changed).

    Example:
        >>> a = Assistant()                                                   # doctest: +SKIP
        >>> a.ask("What dose was used in women with osteoporosis?").text  # doctest: +SKIP
    """

    def __init__(self, settings: Settings | dict[str, Any] | None = None, *,
                 embeddings: Embeddings | None = None, index: KnowledgeIndex | None = None,
                 sync: bool = True, show_progress: bool = False,
                 llm: BaseChatModel | None = None) -> None:
        self.settings = get_settings(settings)
        self.embeddings = embeddings if embeddings is not None else (
            index.embeddings if index is not None else load_embeddings(self.settings))
        self.index = index if index is not None else KnowledgeIndex(self.settings, self.embeddings)
        self.index.check_fingerprint()
        kept = serving.cached_corpus(self.index)  # parsed with the index, if the files are the same
        if kept is not None:
            self._corpus, self.catalog = kept
        else:
            self.corpus = load_corpus(self.settings.corpus_dir)
            serving.keep_corpus(self.index, self.corpus, self.catalog)
        self.last_sync: SyncResult | None = self._sync(show_progress) if sync else None
        self.retriever = HybridRetriever(index=self.index, k=self.settings.k)
        served = serving.load(self.index, self.embeddings)  # built with the generation, loaded
        self.retriever.use(served.lexical)
        self.studies = StudyShelf(self.retriever, self.supplements, self.catalog.primary_of)
        self.speller = SpellCorrector.from_counts(served.words.counts)
        self.scope = ScopeJudge(self.embeddings, self.retriever, served.words)
        self._reload_lock = threading.Lock()
        self._last_scope: tuple[Understanding, str, tuple[str, ...]] | None = None
        self.llm: BaseChatModel | None = llm if llm is not None else make_llm(self.settings)
        self.chain: Runnable[Any, Answer] = RunnableLambda(self._invoke_chain, name="assistant")

    # ------------------------------------------------------------------ public API

    def ask(self, question: str, history: Sequence[Turn] | None = None, *,
            filters: dict[str, str] | None = None) -> Answer:
        """Answer one question. Raises ``ValueError`` for an empty or over-long question."""
        final: Answer | None = None
        for event in self.stream(question, history, filters=filters):
            if isinstance(event, AnswerEvent):
                final = event.answer
        assert final is not None
        return final

    def stream(self, question: str, history: Sequence[Turn] | None = None, *,
               filters: dict[str, str] | None = None) -> Iterator[StreamEvent]:
        """Typed events: the sources first, then the answer text, then the final Answer.

        With a chat model, text arrives sentence by sentence as each passes the grounding gate
        (the SourcesEvent then lists the retrieved passages; the final Answer's citations are
        the ones the text uses). The final AnswerEvent is always authoritative.
        """
        q = clean_question(question, self.settings.max_question_chars)
        turns = check_history(history)
        self.refresh_if_stale()
        if len(asks := split_asks(plain_text(q))) > 1 or len(asks := self._subject_asks(plain_text(q))) > 1:
            yield from self._emit(self._answer_asks(q, asks, turns, filters))
            return
        yield from self._run(q, turns, filters)

    def _subject_asks(self, q: str) -> list[str]:
        """A Dosage Guide field asked of two or more supplements in one breath ("the RDA for <a> for
        men and <b> for adults", "the limits for <a>, <b> and <c>", "<a> vs <b>"): the ask of the
        first, then "and <b> ..." as its follow-up (which changes the supplement and keeps the
        field), and so on; else the question whole. Cut only where the part before names one
        supplement and the rest names another. Never when it names a medicine or condition: each
        part must keep what the whole says of the person (a limit's notes on excess, each page's
        own, come with each part)."""
        named = self.catalog.named_supplements
        if (len(named(q)) < 2 or parse_dosage_query(q) is None
                or [c for c in mentioned_classes([q]) if c != DOSE_RISK_CLASS]
                or named_product(q, self.catalog.all_products) is not None):
            return [q]
        parts, start = [], 0
        for m in re.finditer(rf"\s*(?:{'|'.join(vocabulary().lexicon.list_joints)})\s*", q):
            head = q[start:m.start()].strip(" ,;")
            if len(named(head)) == 1 and named(q[m.end():]):
                parts.append(head)
                start = m.end()
        parts.append(q[start:].strip())
        each = [named(p) for p in parts]
        if len(parts) < 2 or any(len(n) != 1 for n in each) or len({n[0] for n in each}) < len(parts):
            return [q]
        if (listed := self._listed_asks(parts, [n[0] for n in each])) is not None:
            return listed
        if parse_dosage_query(parts[0]) is None and not parse_doses(parts[0]):  # the field asked after
            return [q]  # the list, of no amount of the first: that part alone asks nothing
        return [parts[0], *(f"and {p}" for p in parts[1:])]

    def _listed_asks(self, parts: Sequence[str], pages: Sequence[str]) -> list[str] | None:
        """Supplements listed side by side, each by its name alone ("how much <a> and <b> does she
        need a day?"): the question once for each, the list replaced by that one's name (what is
        said before and after the list holds for each). None when a name comes with words of its
        own ("<a> for men and <b> for adults")."""
        def bare(text: str, page: str) -> bool:
            words = set(content_tokens(text))
            return bool(words) and words <= self.catalog.names_of(page)

        def name_length(words: list[str], page: str, at_end: bool) -> int | None:
            """How many words at the end (or start) name the page: the fewest that do, and each
            word of its name beside them ("<name> oil", "vitamin <X>" as its title writes it; not
            "how much <name>")."""
            found = None
            spelt = self.catalog.spelt_name_words(page)
            for n in range(1, len(words) + 1):
                piece = words[-n:] if at_end else words[:n]
                edge = piece[0] if at_end else piece[-1]
                if not bare(" ".join(piece), page):
                    if found is not None:
                        break
                elif found is None or content_tokens(edge) or fold(edge).strip(" ,;:?!.") in spelt:
                    found = n
                else:
                    break
            return found

        first, last = parts[0].split(), parts[-1].split()
        k, j = name_length(first, pages[0], True), name_length(last, pages[-1], False)
        middle = zip(parts[1:-1], pages[1:-1], strict=True)
        if k is None or j is None or not all(bare(p, s) for p, s in middle):
            return None
        head, tail = " ".join(first[:-k]), " ".join(last[j:])
        names = [" ".join(first[-k:]), *parts[1:-1], " ".join(last[:j])]
        return [" ".join(w for w in (head, name.strip(" ,;?"), tail) if w) for name in names]

    def _answer_asks(self, q: str, asks: Sequence[str], turns: list[Turn],
                     filters: dict[str, str] | None) -> Answer:
        """Each ask of a question answered in turn, a later one as a follow-up of the earlier."""
        answers: list[Answer] = []
        so_far = list(turns)
        for ask in asks:
            events = self._run(ask, so_far, filters)
            answers.append(next(e.answer for e in events if isinstance(e, AnswerEvent)))
            so_far += [{"role": "user", "content": ask}, {"role": "assistant", "content": answers[-1].text}]
        if not turns and any(a.abstained for a in answers):  # beside a part not covered, a loose answer
            # covers none (a follow-up's part may lean on the conversation for its topic)
            answers = [self._abstain(ask, a.support, a.corrected) if not a.abstained and self._loose(ask, a)
                       else a for ask, a in zip(asks, answers, strict=True)]
        return merge_answers(q, answers)

    def _loose(self, ask: str, answer: Answer) -> bool:
        """Does the answer to one ask hold none of the (at least two) words the ask names its topic
        with (beside the supplements' and nutrients' names, general words and the words naming a
        Dosage Guide field or people; an ask naming a medicine or condition never is)? "<x> or <y>, and does
        it need <z>?" answered with passages on <x> alone, beside a part the monograph does not cover."""
        if mentioned_classes([ask]):  # a medicine or condition said: its cautions are never dropped
            return False
        own = set(content_tokens(ask)) - general_words() - self.catalog.naming_words - field_words(ask)
        return len(own) >= MIN_ASKED_TOPIC_WORDS and not own & set(content_tokens(answer.text))

    def refresh_if_stale(self) -> bool:
        """Move to the index generation another process has committed since (cheap when not)."""
        if not self.index.is_stale():
            return False
        with self._reload_lock:
            if not self.index.is_stale():
                return False
            try:
                corpus = load_corpus(self.settings.corpus_dir)
            except CorpusError:
                corpus = self.corpus  # the index moved on; the structured products stay as they were
            self.index.reopen()
            self.corpus = corpus
            served = serving.load(self.index, self.embeddings)
            self.retriever.use(served.lexical)
            self.studies = StudyShelf(self.retriever, self.supplements, self.catalog.primary_of)
            self.speller = SpellCorrector.from_counts(served.words.counts)
            self.scope.reset(served.words)
            log.info("now serving index %s", self.index.data_dir.name)
            return True

    @property
    def supplements(self) -> list[str]:
        return [m.slug for m in self.corpus.monographs]

    @property
    def corpus(self) -> Corpus:
        """The parsed corpus (the structured products come from here)."""
        return self._corpus

    @corpus.setter
    def corpus(self, corpus: Corpus) -> None:
        self._corpus = corpus
        self.catalog = Catalog.of(corpus)

    def warm_up(self) -> None:
        """Build now what the first question would otherwise build (the corpus vocabulary's vectors
        for the scope check), so the first question is as fast as the hundredth."""
        self.scope.vocabulary()
        self.embeddings.embed_query("warm up")

    def support(self, question: str, hits: Sequence[Hit]) -> tuple[float, list[str]]:
        """How well the corpus covers the question: see :meth:`ScopeJudge.support`."""
        return self.scope.support(question, hits)

    # ------------------------------------------------------------------ the steps

    def _sync(self, show_progress: bool) -> SyncResult | None:
        try:
            return self.index.sync(self.corpus, show_progress=show_progress)
        except IndexBusyError:
            if not self.index.committed:
                raise
            log.warning("the index is being updated by another process; serving the current one")
            return None

    def _invoke_chain(self, inp: Any) -> Answer:
        if isinstance(inp, str):
            return self.ask(inp)
        if isinstance(inp, dict):
            return self.ask(inp.get("question", ""), inp.get("history"), filters=inp.get("filters"))
        raise ValueError("chain input must be a question string or {'question': ..., 'history': [...]}")

    def _understand(self, q: str, turns: list[Turn]) -> Understanding:
        q, corrected = self.speller.understand(q)  # markup stripped, misspellings corrected
        turns = self.speller.correct_turns(turns)
        names = self.catalog.slot_names
        previous = current_question(user_questions(turns), names)
        r = resolve(q, previous, names, self._without_notes(last_answer(turns)), self._writes_finding)
        # a negated medicine ("I'm not on any blood thinners") is no topic: the rest is what is asked
        eq, followup = without_negated_mentions(self._pointed_question(q, r, turns)), r.followup
        personal = is_personal_request(without_negated_mentions(q))
        classes = mentioned_classes([q, *user_questions(turns)])
        if personal and DOSE_RISK_CLASS not in classes:
            classes.append(DOSE_RISK_CLASS)  # a personal dose question brings the notes on limits
        # the cautions follow the conversation: a medicine named in an earlier turn is still asked about
        # ("different question — ...", or "what about <another medicine>?")
        asks_about = mentioned_classes([eq]) or ([] if starts_afresh(q) or r.other_medicine else (
            classes if followup else mentioned_classes(user_questions(turns))))
        nutrients = self.catalog.nutrient_names
        # a negated statement ("not on any <medicine> here.") is no part of what the product question asks
        asked = r.question if followup and points_at_amount(q) else q  # "that much": the amount
        pq = None if about_a_study(q) or r.of_study is not None else self._product_query(asked) or (
            # "which products have that form": what it resolves to, ranked as the turn ranks
            turn_direction(found, q, points_back(q) and bool(self._listed_products(last_answer(turns)))) if (
                r.inherits_intent or (followup and asks_across_products(q)))
            and eq != q and (found := parse_product_query(eq, nutrients)) is not None else None)
        pq = pq or (None if r.of_study is not None else self._chosen_among(q, followup, last_answer(turns)))
        return Understanding(r.of_study or q, eq, followup, classes, asks_about, personal, pq, corrected,
                             tuple(user_questions(turns)), last_answer(turns), r.other_medicine)

    def _dosed_pages(self, question: str) -> set[str]:
        """The one page whose own nutrient a question asking whether an amount is safe gives that
        amount of ("is <amount> of <a> with <b> every day fine?": <a>'s limit settles it); none else."""
        if not asks_amount_safety(question):
            return set()
        page_of = self.catalog.page_of
        pages = {page_of.get(n.nutrient.casefold()) for n in read_nutrients(question) if n.amount}
        return {p for p in pages if p} if len(pages) == 1 else set()

    def _page_filters(self, u: Understanding, filters: dict[str, str] | None) -> dict[str, str] | None:
        """The filters a question's products are chosen by: those given, else the one supplement a
        phrase naming a page names ("the <product> listed on the <a> page", beside <b>'s name)."""
        if (filters or {}).get("supplement"):
            return filters
        named = self.catalog.named_supplements
        pages = list(dict.fromkeys(s for p in page_phrases(u.question) for s in named(p)))
        return {**(filters or {}), "supplement": pages[0]} if len(pages) == 1 else filters

    def _pointed_question(self, q: str, r: Resolution, turns: list[Turn]) -> str:
        """What a follow-up asks: as resolved, or, when it points back ("does that one have <x>?") at
        the one product the last answer listed (a product question's answer, "the least is in <P>"),
        and names no product, study or description of its own, the turn asked of that product."""
        names = self.catalog.slot_names
        if (not r.followup or r.of_study is not None or not points_back(q) or about_a_study(q)
                or about_products(q, names) or named_product(q, self.catalog.all_products) is not None):
            return r.question
        listed = self._listed_products(last_answer(turns))
        named = naming_pointed(q, listed[0].title) if len(listed) == 1 else q
        if named == q:
            return r.question
        return r.question.replace(q, named, 1) if q in r.question else named  # what it resolved to kept

    def _chosen_among(self, q: str, followup: bool, reply: str) -> ProductQuery | None:
        """ "which has more <nutrient>?", "which of them has the least?" after an answer that set
        products side by side (:meth:`_side_by_side`): a ranking among those, though the turn has no
        product word; None for a turn that names a product or asks of the research."""
        if not followup or about_a_study(q) or self._product_of(q) is not None or len(
                self._side_by_side(reply)) < 2:
            return None
        pq = parse_product_query(q, self.catalog.nutrient_names, among=True)
        return replace(pq, back=True) if pq is not None and pq.direction is not None else None

    def _side_by_side(self, reply: str) -> list[Product]:
        """The products an answer names by their whole titles (a comparison of two, a list), in the
        order it names them: not those a sentence sets apart for stating no amount, nor a title inside
        a longer one ("<title> + <more>")."""
        apart = tuple(m.split("{")[0] for m in (msg.PRODUCTS_NO_AMOUNT, msg.PRODUCTS_STATE_NONE))
        text = " ".join(x for x in sentences_of(self._without_notes(reply)) if not x.startswith(apart))
        at = [(m.start(), p) for p in self.catalog.all_products if p.title in text
              and (m := re.search(rf"(?<![\w+-]){re.escape(p.title)}(?![\w-])(?!\s*\+)", text))]
        return [p for _, p in sorted(at, key=lambda ap: ap[0])]

    def _product_query(self, asked: str) -> ProductQuery | None:
        """The question across products a turn asks, its negated statements about medicines left out;
        when the rest asks nothing of them, a statement of what someone avoids ("I don't eat <a
        food>, any <supplement> for me?") is the property asked of them."""
        nutrients = self.catalog.nutrient_names
        kept = self._without_denied_people(without_negated_mentions(asked))
        if self._two_products_offered(kept):  # "<A> or <B>, which has more <x>?": the two, set side by side
            return None
        pq = parse_product_query(kept, nutrients)
        if pq is None and kept != asked and (
                whole := parse_product_query(asked, nutrients)) is not None and whole.property is not None:
            return whole
        return pq

    def _two_products_offered(self, question: str) -> bool:
        """Does the question offer a choice between two products ("<A> or the <words> one, which has
        more <nutrient>?"): one side names or describes a product, the other too or is "the <words> one"?
        Not kinds ("tablet or liquid") nor people ("for me or my husband"): those rank them all."""
        if (offered := self._offered_sides(question)) is None:
            return False
        sides, products = offered
        found = [p is not None for p in products]
        described = [re.search(r"\bones?\s*$", side) is not None for side in sides]
        return any(found) and all(f or d for f, d in zip(found, described, strict=True))

    def _offered_sides(self, question: str) -> tuple[tuple[str, str], list[Product | None]] | None:
        """The two sides of a choice the question offers ("<A> or <B>, which has more <x>?") and the
        product each names or describes (None where it names none); None when it offers no choice."""
        if (sides := choice_sides(question, self.catalog.nutrient_names)) is None:
            return None
        return sides, [self._product_of(side) for side in sides]

    @staticmethod
    def _without_denied_people(text: str) -> str:
        """``text`` without its negated phrases naming people ("no kids in the house, ..."): whom the
        products are not for asks no filter of them."""
        folded = fold(text)
        cuts = [(a, b) for a, b in negated_spans(folded) if people_in(folded[a:b]).named]
        for a, b in reversed(cuts):
            folded = folded[:a] + " " + folded[b:]
        return folded if cuts else text

    def _confirm_spelling(self, u: Understanding, hits: Sequence[Hit]) -> Understanding:
        """The turn with the misspellings the retrieved passages confirm corrected ("bone los" where
        they say "bone loss"), so scope and the answer judge the question as it was meant."""
        passages = [h.document.page_content for h in hits]
        question, fixed = self.speller.confirm(u.question, passages)
        retrieval_question, more = self.speller.confirm(u.retrieval_question, passages)
        if not fixed and not more:
            return u
        return replace(u, question=question, retrieval_question=retrieval_question,
                       corrected={**u.corrected, **fixed, **more})

    def _scope_filters(self, u: Understanding, filters: dict[str, str] | None) -> dict[str, str] | None:
        """A question that names one supplement (of several) is answered from that one alone; a
        follow-up that points back at a product of the conversation's supplement ("how much
        <nutrient> comes with that one?") names a part of that product, not another supplement."""
        if (filters or {}).get("supplement") or len(self.supplements) <= 1 or asks_every_page(u.question):
            return filters  # (or one asked across every page's products)
        # a question across the findings names no subject by what it asks of them ("which studies
        # gave it with <another nutrient>"): those names do not limit it
        # ("the 5000 one", "the one with <amount>": its page)
        named = self._field_subject(u.question) or (
            self.catalog.named_supplements(without_comparisons(study_subject(u.question)))) or [
            p.supplement for p in [numbered_product(u.question, self.catalog.all_products)
                                   or self._by_amounts(u.question)] if p]
        if len(named) > 1:  # "is <amount> of <a> with <b> ok?": the page of the nutrient dosed
            named = [s for s in named if s in self._dosed_pages(u.question)] or named
        if not named and u.followup:
            named = self._named_in(without_comparisons(u.retrieval_question))
            if len(named) > 1 and points_back(u.question) and asks_amount(u.earlier[-1]):
                # "how much <nutrient> is in the <product> with <another>?", then "is that enough?":
                # the amount pointed back at is the first nutrient's, its own monograph's
                first = [n.casefold() for n in mentioned_nutrients(u.earlier[-1])[:1]]
                named = [s for s in named
                         if set(first) & self.catalog.own_nutrients.get(s, frozenset())] or named
        before = conversation_subject(  # the conversation's supplement
            u.earlier, lambda t: self.catalog.named_supplements(without_negated_mentions(t)))
        if not before and u.followup and CITED.search(u.reply):  # no turn named it: the page answered
            before = [s for s in [self.retriever.lexical.source_of(u.reply)] if s]
        products = self.catalog.products_of.get(before[0], []) if len(before) == 1 else []
        part = (u.followup and named != before and points_back(u.question) and bool(u.earlier)
                # a Dosage Guide field asked of the nutrient named ("is that <nutrient> amount over
                # the limit?") is its own monograph's, not the product's page's
                and parse_dosage_query(without_negated_mentions(u.question)) is None
                and (parse_product_query(u.earlier[-1], self.catalog.nutrient_names) is not None
                     or about_products(u.earlier[-1], self.catalog.slot_names))
                and all(any(p.nutrient(self.catalog.primary_of.get(s, "")) for p in products) for s in named))
        # ("does <another page's product> go over that?", after a nutrient's limit: that nutrient's page)
        beside = len(before) == 1 and named != before and self._field_pointed_back(u, before[0])
        if not named or part or beside:
            named = before
        return {**(filters or {}), "supplement": named[0]} if len(named) == 1 else filters

    def _field_pointed_back(self, u: Understanding, supplement: str) -> bool:
        """Is there a product the follow-up sets beside the field the last question asked
        (:meth:`_pointed_back_product`)? The field is then that nutrient's monograph's."""
        return self._pointed_back_product(u, supplement) is not None

    def _pointed_back_product(self, u: Understanding, supplement: str) -> Product | None:
        """The product of another page the follow-up sets beside the Dosage Guide field the last
        question asked ("does <product> go over that?", "what about <product>?", after <nutrient>'s
        limit), naming it (in full, short or by its amounts) and no supplement outside them; whether
        it holds the conversation's nutrient or not (then it is said to state none)."""
        q = without_negated_mentions(u.question)
        product, rest = self._product_and_rest(q)
        if product is None or product.supplement == supplement or self.catalog.named_supplements(rest):
            return None
        asked = self._field_pointed_back_query(u, self.catalog.primary_nutrient(supplement))
        # ("what about <product>?" asks nothing else: the field the last question asked)
        bare = (u.followup and bool(u.earlier) and not content_tokens(rest)
                and parse_dosage_query(without_negated_mentions(u.earlier[-1])) is not None)
        return product if asked is not None or bare else None

    def _product_and_rest(self, q: str) -> tuple[Product | None, str]:
        """The one product the question names (in full or short) or describes by its amounts, and the
        (folded) rest of the question without those words."""
        products, folded = self.catalog.all_products, cue_fold(q)
        if (product := named_product(q, products, short=True)) is not None:
            return product, without_name(folded, product)
        if (described := product_by_amounts(q, products, self.catalog.nutrient_names)):
            product, (start, end) = described  # "the <A> <amount> + <B> <amount> one": its words out
            return product, _outside_description(folded[:start] + " " + folded[end:], start)
        return None, folded

    def _by_amounts(self, question: str) -> Product | None:
        """The one product the question describes by an amount its description states, if any."""
        found = product_by_amounts(question, self.catalog.all_products, self.catalog.nutrient_names)
        return found[0] if found else None

    def _field_subject(self, question: str) -> list[str]:
        """The supplement a Dosage Guide field is asked of when the question names a product too:
        the one it names outside the product's name ("is the <nutrient> in <another page's
        product> over the limit?" asks that nutrient's monograph); none when not one."""
        q = without_negated_mentions(question)
        product = named_product(q, self.catalog.all_products, short=True)
        if parse_dosage_query(q) is None:
            return []
        if product is not None and product.name:
            rest = without_name(cue_fold(q), product)  # (said in full or short)
        elif (described := product_by_amounts(q, self.catalog.all_products, self.catalog.nutrient_names)):
            # "I take the <nutrient> <amount> + <nutrient> <amount> one. am I over the <nutrient> limit?":
            # the sentences after the one that describes it (else the words after its amounts)
            product, rest = described[0], _asked_after(cue_fold(q), described[1][1])
        else:
            return []
        named = self.catalog.named_supplements(rest)
        # a product that holds none of it is no holder ("the <nutrient> in <a product without it>")
        return named if len(named) == 1 and self._amount_of(product, named[0]) is not None else []

    def _only_product(self, text: str) -> Product | None:
        """The product a text opens with by its whole name, when its first sentence names one alone
        (an answer about that product; not one it cites in passing)."""
        folded = cue_fold(sentences_of(text)[0]) if text.strip() else ""
        named = [p for p in self.catalog.all_products
                 if p.name and re.search(rf"(?<!\w){re.escape(cue_fold(p.name))}(?!\w)", folded)]
        return named[0] if len(named) == 1 else None

    def _other_page_words(self, u: Understanding, scoped: str | None, off_topic: Sequence[str]) -> bool:
        """Are the words the monograph in scope lacks all one other monograph's, one the question
        names too, by its names or by a nutrient no page has as its own ("the <form> study" asked
        beside another supplement's name)? Then the question spans the pages."""
        if not scoped or not off_topic:
            return False
        named = set(self.catalog.named_supplements(u.retrieval_question))
        owned = self.catalog.owned_nutrients
        unowned = any(n.casefold() not in owned  # a joined name ("<nutrient>_<letter>") read as written
                      for w in off_topic for n in mentioned_nutrients(w.replace("_", " ")))
        pages = [s for s, words in self.retriever.lexical.vocab_of.items()
                 if s != scoped and (s in named or unowned) and all(w in words for w in off_topic)]
        return len(pages) == 1

    def _retrieve(self, u: Understanding, filters: dict[str, str] | None) -> list[Hit]:
        eq = u.retrieval_question
        nq = expand_query(eq)
        found = self.retriever.search(eq, k=self.settings.k, filters=filters, query=nq)
        hits, vec = found.hits, found.query_vector  # the same question searched again: its vector kept
        if (not u.product_query and asks_summary(u.question) and self.catalog.names_only(eq)
                and (opening := self._opening(eq, filters, vec))):
            hits = opening  # "what is <x>?", "what does <x> do?": the page's summary, from its start
        elif self.catalog.is_general(eq) and not u.product_query:
            # "what does X do?": nothing but the supplement's name -> the page's own summary first
            prose = {**(filters or {}), "kind": "prose"}
            hits = self.retriever.search(eq, k=2, filters=prose, query=nq, vector=vec).hits or hits
        if hits and not u.product_query and asks_evidence(u.question) and not self._names_product(u.question):
            # "does it actually work?": a product's description claims; the page's text and findings answer
            k = self.settings.k
            wider = self.retriever.search(eq, k=k * EVIDENCE_WIDER, filters=filters, query=nq,
                                          vector=vec).hits
            hits = [h for h in wider if h.document.metadata.get("kind") != "product"][:k] or hits
        beside = self._naming_beside(eq, filters, vec)
        placed = {b.chunk_id for b in beside}
        rest = [h for h in hits if h.chunk_id not in placed]
        return rest[:1] + beside + rest[1:]  # after the best passage for the whole question

    def _opening(self, question: str, filters: dict[str, str] | None, qvec: Sequence[float]) -> list[Hit]:
        """The first passages of the one page a question names, or is limited to, in the page's order
        (its summary's opening says what the supplement is and does); none for another question."""
        named = self.catalog.named_supplements(question)
        page = (filters or {}).get("supplement") or (named[0] if len(named) == 1 else None)
        if page is None:
            return []
        docs = sorted((d for d in self._page_passages([page]) if d.metadata.get("kind") == "prose"),
                      key=lambda d: int(d.metadata.get("start", 0)))[:OPENING_PASSAGES]
        scores = self.retriever.dense_scores(qvec, [str(d.id) for d in docs])
        return [Hit(d, scores.get(str(d.id), 0.0), 0.0, 0.0) for d in docs]

    def _names_product(self, q: str) -> bool:
        """Does the question name a product (by its name, its number or its amounts), or describe one
        ("the <words of its description> one")?"""
        return self._product_of(q) is not None

    def _product_of(self, q: str) -> Product | None:
        """The product the question names (by its name, its number or its amounts) or describes."""
        products, names = self.catalog.all_products, self.catalog.nutrient_names
        by_amounts = product_by_amounts(q, products, names)
        return (named_product(q, products) or numbered_product(q, products)
                or (by_amounts[0] if by_amounts else None) or product_named(q, products, [], names))

    def _naming_beside(self, question: str, filters: dict[str, str] | None,
                       qvec: Sequence[float]) -> list[Hit]:
        """The passages of the one monograph in scope (not its products) that name another nutrient
        the question asks of taking beside it or of its effect on it ("<x> and a <nutrient>
        supplement together?", "does <nutrient> block <x>?": the lexicon's ``together`` and
        ``effect_on``), when the page names it in one or two passages only: what the page says of the
        two, which its own subject's passages would outrank. (A nutrient the page names throughout
        is found by its words like any topic.) They follow the best hit."""
        page = (filters or {}).get("supplement")
        lexicon = vocabulary().lexicon
        if not page or cue([*lexicon.together, *lexicon.effect_on]).search(fold(question)) is None:
            return []
        others = self.catalog.foreign_nutrients(question, page)
        docs = self._page_passages([page]) if others else []
        found: list[Document] = []
        for name in others:
            naming = [d for d in docs
                      if name in mentioned_nutrients(str(d.metadata.get("text") or d.page_content))]
            found += naming if len(naming) <= BESIDE_NAMED_MAX else []
        scores = self.retriever.dense_scores(qvec, [str(d.id) for d in found])
        hits = [Hit(d, scores.get(str(d.id), 0.0), 0.0, 0.0) for d in found]
        return list({h.chunk_id: h for h in hits}.values())

    def _page_passages(self, pages: Sequence[str]) -> list[Document]:
        """The passages of the monographs ``pages`` (their text, notes, fields and findings; not their
        products)."""
        ids = [i for p in pages for i in self.retriever.lexical.ids_of(p)]
        docs = self.retriever.documents.get(ids, keep=lambda d: d.metadata.get("kind") != "product")
        return list(docs.values())

    def _run(self, q: str, turns: list[Turn], filters: dict[str, str] | None,
             widened: tuple[str, ...] = ()) -> Iterator[StreamEvent]:
        """The pipeline as events: sources, text, the Answer (``widened``: for these words, all pages)."""
        u = self._understand(q, turns)
        chosen = bool((filters or {}).get("supplement"))  # the user limited it to one monograph
        asked = filters
        filters = filters if widened else self._scope_filters(u, filters)
        hits = self._retrieve(u, filters)
        u = self._confirm_spelling(u, hits)
        supplement = self._supplement(u, filters, hits)
        u = self._with_interactions(u, supplement, hits, (filters or {}).get("supplement"))
        dq = self._dosage_query(u, supplement)  # the Dosage Guide fields it asks about, parsed once
        if self._foreign_subject(u, supplement, hits, dq):  # its figures would answer for another thing
            yield from self._emit(self._refused(q, u, 0.0, hits, (filters or {}).get("supplement")))
            return
        scoped = (filters or {}).get("supplement")  # the monograph the question is limited to, if any
        study_scopes = self._study_scopes(u, filters, hits, chosen)
        studies = self._study_queries(u, study_scopes, chosen)  # the findings that answer it, once
        support, off_topic, studies, lack = self._support(u, hits, scoped, supplement, studies, study_scopes)
        unlisted = self._unlisted(u, off_topic, supplement) or self._unmentioned(u, supplement, off_topic)
        off_topic = [] if unlisted else off_topic  # "side effects?" of a page that lists none, said so
        # a question about a Dosage Guide field of the monograph in scope is answered from that
        # field alone, even when its words for the people asked about are not the page's
        fields_only = (bool(off_topic) or support < self.settings.abstain_threshold) and self._field_question(
            u, dq, filters, supplement, off_topic, hits)
        if (off_topic or support < self.settings.abstain_threshold) and not fields_only:
            if not widened and not chosen and self._other_page_words(u, scoped, off_topic):
                yield from self._run(q, turns, asked, widened=tuple(off_topic))
                return
            yield from self._emit(self._refused(q, u, support, hits, scoped))
            return
        book, everywhere = CitationBook(), self._asked_of_all(u, scoped, dq, studies, hits)  # all pages
        u = replace(self._with_limit_notes(u, dq), scene=lack[0], sides=lack[1])  # (limits' notes too)
        cautions, shown = self._turn_cautions(book, u, supplement, everywhere, dq.conditions if dq else ())
        urgent = urgent_referral(u.question)  # too much may have been taken: where to get help, first
        head = ([urgent] if urgent else []) + [caution_line(c) for c in shown]
        if fields_only:
            body = Composition(self._dosage_lines(u, dq, hits, book, supplement, _no_numbers(u)))
            if not body.lines:  # the field's values do not settle it: nothing else may answer it
                yield from self._emit(self._abstain(q, support, u.corrected))
                return
        else:
            body = yield from self._compose(u, dq, hits, book, filters, supplement, cautions, head, studies,
                                            len(study_scopes) > 1, shown)
        cautions += self._drawn_cautions(book, u, supplement, cautions)
        tail = self._tail(u, head, body.lines, gaps=not body.states_gaps, cited=(supplement, book))
        said = self._named_page(u, body.lines, book, scoped)  # "<title>: ..." when no turn named it
        lines = head + ([] if body.states_gaps else unlisted) + said + tail
        if no := self._no_answer(q, u, support, book, widened, bool(unlisted), head, said, cautions, lines):
            yield from self._emit(no)
            return
        answer = Answer(question=q, text=" ".join(lines), citations=book.citations, cautions=cautions,
                        abstained=False, mode=body.mode, table=body.table, support=support,  # type: ignore[arg-type]
                        dropped=body.dropped, corrected=u.corrected)
        if body.mode == "extractive":
            yield from self._emit(answer)
            return
        for line in tail:
            yield TextEvent(delta=line)
        yield AnswerEvent(answer=answer)

    def _no_answer(self, q: str, u: Understanding, support: float, book: CitationBook, widened: Sequence[str],
                   unlisted: bool, head: Sequence[str], said: Sequence[str], cautions: Sequence[Caution],
                   lines: Sequence[str]) -> Answer | None:
        """The refusal of an answer whose lines answer nothing asked, else None: no lines; a question
        asked of every page whose cited passages lack its words (unless the lines say the page leaves
        them unmentioned); lines that, with no caution before them, leave unstated a figure asked and
        speak of none of its words, a neighbouring question's answer (:func:`figure_beside`; the
        turn's cautions come with that refusal), and lines that leave a level asked unstated,
        cautions and all (:func:`figure_unanswered`); lines that name only another numbered kind of
        what it asks of (:func:`kind_beside`) or leave unnamed a nutrient the question asks a figure
        of (:func:`nutrient_beside`): with the cautions of the classes the question names."""
        if not lines or not (unlisted or self._cites_words(book, widened)):
            return self._abstain(q, support, u.corrected)
        if figure_unanswered(u.question, [*head, *said]) or (
                not head and figure_beside(u.question, said, self.catalog.page_name_words)):
            return self._abstain(q, support, u.corrected, cautions)
        if not head and (kind_beside(u.question, said) or nutrient_beside(
                u.question, said, {self._title(c.supplement) for c in book.citations})):
            return self._abstain(q, support, u.corrected, [c for c in cautions if c.kind in u.classes])
        return None

    def _cites_words(self, book: CitationBook, words: Sequence[str]) -> bool:
        """Does some passage the answer cites hold each of ``words`` (as the page's vocabulary does,
        its heading too)? A question asked of every monograph for words its own page lacks is answered
        by passages that have them, or not at all."""
        if not words:
            return True
        titles = self.catalog.title_of
        cited = {t for c in book.citations
                 for t in tokens(" ".join([c.snippet, c.title, c.section, titles.get(c.supplement, "")]))}
        return all(w in cited for w in words)

    def _tail(self, u: Understanding, head: list[str], lines: list[str], gaps: bool = True,
              cited: tuple[str | None, CitationBook] | None = None) -> list[str]:
        """What follows the answer's lines: the notes on a condition the question says someone has
        (:meth:`_condition_lines`), the forms that lines of a field which lost their names
        fit (``cited``: the supplement in scope and the answer's citations), "how often?" that they do
        not state (with ``gaps``), "is it <a> or <b>?" that they do not name (said only of lines that
        answer something), the amounts they state in the unit asked ("in mcg?"), and the referral of
        a personal question."""
        idf = self.retriever.lexical.idf
        noted = (self._condition_lines(u, cited[0], cited[1])  # about the person asking
                 + self._fields_not_for(u, cited[0], cited[1])
                 + self._named_amount_notes(u, cited[0], cited[1]) + self._claim_findings(u, cited[1])
                 + self._age_findings(u, cited[0], cited[1])
                 + self._cited_above_limit(u, cited[1], head + lines)
                 + self._unheld_notes(u, cited[1], head + lines)) if cited else []
        if cited:  # after the others: a note they quote already is not quoted twice
            noted += self._given_dose_notes(u, cited[0], cited[1], head + lines) + self._ongoing_notes(
                u, cited[1], head + lines) + self._unreported_notes(u, cited[1], head + lines)
        said = head + lines + noted
        fits = self._form_fits(u, cited[0], cited[1], said) if cited and lines else []
        said += fits
        gap = figure_gap(u.question, said) if gaps and said else None
        tail = noted + fits + ([gap] if gap is not None else []) + (
            unsettled_choices(u.question, said, idf, u.sides)
            + unsettled_extensions(
                u.question, said, self.catalog.page_and_product_name_words)
            + unmentioned_scene(u.question, u.scene, said, {v: k for k, v in u.corrected.items()})
            if said else [])
        if not any(line.startswith(msg.UNIT_CONVERTED.split("{")[0]) for line in lines):  # a field's, said
            tail += unit_conversions(u.retrieval_question, lines)
        return tail + ([referral(u.classes)] if u.personal else [])

    def _ongoing_notes(self, u: Understanding, book: CitationBook, said: Sequence[str]) -> list[str]:
        """Asked what a study found, an answer citing an ongoing trial says it has no results yet
        (unless its lines say so)."""
        if not asks_results(u.question) or any(RESULT_WORDS["ongoing"] in line for line in said):
            return []
        marker = {c.chunk_id: c.marker for c in book.citations}
        return [msg.ONGOING_NO_RESULTS.format(marker=marker[r.chunk_id])
                for r in self._cited_records(book) if r.result == "ongoing"]

    def _cited_records(self, book: CitationBook) -> list[StudyRecord]:
        """The research findings (as study records) whose passages the answer cites, page by page."""
        cited = {c.chunk_id for c in book.citations}
        pages = dict.fromkeys(c.supplement for c in book.citations)
        return [r for p in pages for r in self.studies.of(p) if r.chunk_id in cited]

    def _unreported_notes(self, u: Understanding, book: CitationBook, lines: Sequence[str]) -> list[str]:
        """Asked whether something had an effect on an event, an answer citing research findings none
        of which (nor any of its ``lines``) names it says so (:func:`unreported_outcomes`)."""
        findings = [r.text for r in self._cited_records(book)]
        if not (outcomes := unreported_outcomes(u.question, findings, lines)):
            return []
        said = " or ".join(f"“{o}”" for o in outcomes)
        said_as = msg.OUTCOME_NOT_REPORTED if len(outcomes) == 1 else msg.OUTCOMES_NOT_REPORTED
        return [said_as.format(outcomes=said)]

    def _age_findings(self, u: Understanding, supplement: str | None, book: CitationBook) -> list[str]:
        """After a treatment dose for someone of a stated age ("my gran is 85 and anaemic, does she
        need a big dose?"), the page's findings in people of that age, by the ages they state (not a
        question about the research: the findings answer that themselves)."""
        cited, treatment = {c.chunk_id for c in book.citations}, dosage_cues().question.treatment_field
        if (supplement is None or about_a_study(u.question) or not asks_dose(u.question) or not any(
                c.section == DOSAGE_GUIDE and c.subsection == treatment for c in book.citations)):
            return []
        asked = people_in(without_negated_mentions(u.question))
        found = [r for r in self.studies.of(supplement) if r.chunk_id not in cited
                 and r.population and of_the_age_asked(asked, people_in(r.population))][:MAX_AGE_FINDINGS]
        return [msg.AGE_FINDING.format(finding=r.text.strip(), marker=book.cite(doc))  # (none cited unsaid)
                for r, doc in self._finding_docs(found)]

    def _finding_docs(self, records: Sequence[StudyRecord]) -> list[tuple[StudyRecord, Document]]:
        """Each finding with its stored passage (one fetch for all; a finding whose passage is not
        stored is left out)."""
        docs = self.retriever.documents.get([r.doc_id or r.chunk_id for r in records])
        return [(r, d) for r in records if (d := docs.get(r.doc_id or r.chunk_id)) is not None]

    def _form_fits(self, u: Understanding, supplement: str | None, book: CitationBook,
                   said: Sequence[str]) -> list[str]:
        """The lines of the monograph's form field that lost their form's name, quoted in ``said`` or
        asked about by the form their share fits, said with that form (:mod:`form_shares`)."""
        nutrient = self.catalog.primary_nutrient(supplement)
        if supplement is None or nutrient is None:
            return []
        qc, folded = dosage_cues().question, fold(u.question)
        return fit_sentences(
            u.question, " ".join(said), self._field_docs(supplement, NAMED_LINE_FIELDS, []),
            self.catalog.products_of.get(supplement, []), nutrient,
            lambda p: self._product_docs([p]).get(p.id), book, cue(qc.share_asked).search(folded) is not None,
            self.catalog.naming_words | general_words() | form_words(),
            of_product=cue(qc.share_only).search(folded) is not None)

    def _compose(self, u: Understanding, dq: DosageQuery | None, hits: Sequence[Hit], book: CitationBook,
                 filters: dict[str, str] | None, supplement: str | None, cautions: list[Caution],
                 head: list[str], studies: Sequence[FoundStudies] = (), several: bool = False,
                 shown_cautions: Sequence[Caution] = ()) -> Generator[StreamEvent, None, Composition]:
        """The answer's body: the products' amounts, a gated chat model's (streamed), or the passages'."""
        products = self.catalog.product_scope(u.retrieval_question, self._page_filters(u, filters),
                                              supplement, category_named(u.question),
                                              asks_every_page(u.retrieval_question))
        one, study = self._one_asked(u, products)
        if one is not None and studies:  # "does <product> have as much <x> as the <...> study?"
            return self._one_product_body(u, one, dq, hits, book, supplement, studies, several, study)
        if found := self._study_lines(book, studies, several):  # a question across the research findings
            return Composition(found, states_gaps=True)
        if one is not None:  # "does <product> have X in it?", "more or less X than that?"
            return self._one_product_body(u, one, dq, hits, book, supplement, study=study)
        pq = None if dq is not None and dq.forms_asked and lists_only(u.product_query) else u.product_query
        if pq is not None:  # ("what kinds of <nutrient> are there in supplements": the page's forms)
            products = self._products_back(u, pq, products)
            if pq.nutrient is None and (pq.direction is not None or lists_only(pq)):  # its own
                pq = replace(pq, nutrient=self.catalog.primary_nutrient(supplement))
            cited, first = len(book.citations), list[tuple[Product, Measure]]()
            lines, table = compose_products(pq, products, self._product_docs(products), book,
                                            primary=self.catalog.primary_nutrient(supplement), first=first)
            if pq.property is not None and len(book.citations) == cited:  # no description speaks to
                lines += self._page_on_property(u, hits, book, pq.property)  # it: the page may
            lines += self._ranked_above_limit(pq, first, supplement, book)
            limit = (dq is not None and dosage_cues().question.limit_field in dq.fields
                     and pq.direction is None)  # "the max amount" of a ranking is its "most"
            if supplement and ((pq.bound is not None and asks_risk(u.question)) or limit):  # "safe above
                # <amount>", "a max i shouldn't go over? I take two products with it": the limit leads
                lines = self._limit_lines(u, supplement, hits, book) + lines
            elif pq.property is None and dq is not None and (dq.people.named or dq.amount is not None):
                lines += self._own_field_lines(u, dq, hits, book, supplement)  # "how many drops would
                # cover the daily amount for a 75 year old?": the field for those people too
            return Composition(lines, table)
        shown = frozenset(c.citation.chunk_id for c in shown_cautions if c.citation)  # not quoted twice
        # a personal question from someone on a medicine gets no figure to act on; what a named study
        # gave, or what a product holds, is a fact, stated after the cautions
        no_numbers = _no_numbers(u) and not about_a_study(u.question)
        if no_numbers and asks_label(u.question) and (labels := [
                h for h in hits if h.document.metadata.get("kind") == "product"]):
            return Composition(self._extractive(u, labels, book, False, shown))  # the label's fact alone
        if not no_numbers and (elsewhere := self._limits_elsewhere(u, supplement, book)):
            return Composition(elsewhere)  # "is <product> ok every day?" of a page that sets no limit
        if dosage := self._dosage_lines(u, dq, hits, book, supplement, no_numbers):  # a field as records
            if self._held_safety(u, dq, supplement):  # "can I take <product> <in some way>?": the page's
                # notes (not a study, a field or a product) on the rest of the question
                quoted = frozenset(c.chunk_id for c in book.citations)
                said = dosage[-1:] if dosage[-1] == referral(u.classes) else []  # the referral ends it
                notes = [h for h in hits if h.document.metadata.get("kind") == "note"]
                rest = [line for line in self._extractive(u, notes, book, no_numbers, shown | quoted)[:1]
                        if self._on_the_rest(u, line)]
                dosage = dosage[:len(dosage) - len(said)] + rest + said
            return Composition(dosage)
        if (product := self._safety_of_one(u, dq)) is not None:  # "is <one product> ok (with <medicine>)?"
            hits = self._on_product(u, supplement, product, hits)
        if self.llm is None:
            return Composition(self._passage_lines(u, dq, hits, book, supplement, no_numbers, shown, product,
                                                   taken=one is None and pq is None))
        return (yield from self._generative(u, hits, book, cautions, head, no_numbers, shown))

    def _passage_lines(self, u: Understanding, dq: DosageQuery | None, hits: Sequence[Hit],
                       book: CitationBook, supplement: str | None, no_numbers: bool, shown: frozenset[str],
                       product: Product | None, taken: bool = False) -> list[str]:
        """The passages' own sentences (a field asked for no people stated whole first); ``product``:
        the one product asked about, in its own words when no line quotes it (what it holds).
        ``taken``: nothing is asked of one product or across them; a question that names or describes
        two ("one of <A> and one of <B> a day, what am I getting?", "can I take <A> and <B>
        together?") is answered with what each holds, in its own words (the cautions lead)."""
        names = self.catalog.nutrient_names
        if taken and dq is None and (offered := self._offered_pair(u)) is not None:  # "<A> or <B>, which
            # has more <x>?": the two ranked, then each in its own words (each cited first)
            two, by = offered
            holding = [line for p in two for line in self._holding_line(p, book)]
            ranked, _ = compose_products(by, two, self._product_docs(two), book,
                                         primary=self.catalog.primary_nutrient(two[0].supplement))
            return ranked + holding
        both = products_said(u.question, self.catalog.all_products, names) if taken and dq is None else []
        if len(both) > 1:
            return [line for p in both for line in self._holding_line(p, book)]
        if taken and (pair := self._pair_together(u)) is not None:
            return self._together_lines(u, pair, book, no_numbers, shown)
        if not no_numbers and (whole := self._field_then_passages(u, dq, hits, book, supplement, shown)):
            return whole
        gap = self._product_gap(u, hits, book)  # "how much X is in <product>" that states none
        lines = gap + self._extractive(u, hits, book, no_numbers, shown)
        return lines + (self._holding_line(product, book) if product and not gap else [])

    def _offered_pair(self, u: Understanding) -> tuple[list[Product], ProductQuery] | None:
        """The two products a question offers a choice between and the ranking it asks of them by a
        nutrient named outside the two ("<A> or the <words> one, which has more <x>?"; a side told by
        an amount alone is read with that nutrient: "the 50 mcg one" of <x>); None unless both are
        found, and differ."""
        if (offered := self._offered_sides(u.question)) is None:
            return None
        sides, products = offered
        rest = u.question
        for side in sides:  # what the sides describe them by is no ranking ("the <x> + <y> one")
            rest = re.sub(re.escape(side), " ", rest, count=1, flags=re.IGNORECASE)
        if (pq := ranking_query(rest, self.catalog.nutrient_names)) is None or pq.nutrient is None:
            return None
        found = [p or self._product_of(f"{pq.nutrient} {side}")
                 for side, p in zip(sides, products, strict=True)]
        pair = [p for p in found if p is not None]
        return (pair, pq) if len(pair) == 2 and pair[0].id != pair[1].id else None

    def _pair_together(self, u: Understanding) -> tuple[str, str] | None:
        """The two supplements a turn asks whether it is ok, or works, to take together ("can I take
        <A> and <B> together?", "is it ok to take <A> with <B>?", "do <A> and <B> work better
        together?"), or what one does to the other ("does <A> affect <B> absorption?": the lexicon's
        ``effect_on``), naming no medicine; None otherwise."""
        named = self.catalog.named_supplements(without_negated_mentions(u.question))
        if len(named) != 2 or u.asks_about:
            return None
        lex, folded = vocabulary().lexicon, fold(u.question)
        # "does <A> affect <B>'s absorption?" asks of the two too (not "<A> or <B>, which ...?")
        effect = bool(cue(lex.effect_on).search(folded)) and not cue(lex.effect_compared).search(folded)
        asked = asks_safety(u.question) or asks_evidence(u.question)
        together = asked and bool(cue(lex.together).search(folded))
        return (named[0], named[1]) if effect or together else None

    def _together_lines(self, u: Understanding, pair: tuple[str, str], book: CitationBook, no_numbers: bool,
                        shown: frozenset[str]) -> list[str]:
        """What each page of the pair says where it names the other (its passages, not its products),
        else that neither names the other."""
        named = self.catalog.named_supplements
        weight = {"note": 1.0, "field": 0.5}  # a note on the two first, a finding's or summary's after
        hits = sorted((Hit(d, weight.get(str(d.metadata.get("kind")), 0.0), 0.0, 0.0)
                       for d in self._page_passages(pair)
                       if set(pair) - {d.metadata.get("supplement")} <= set(named(d.page_content))),
                      key=lambda h: -h.dense_score)
        if not hits:  # the products listed that hold both follow (what they hold, in their own words)
            both = [p for p in self.catalog.all_products if all(self._holds(p, s) for s in pair)]
            return [msg.NOT_TOGETHER.format(first=self._title(pair[0]), second=self._title(pair[1])),
                    *(line for p in both[:2] for line in self._holding_line(p, book))]
        return self._extractive(u, hits, book, no_numbers, shown)

    def _safety_of_one(self, u: Understanding, dq: DosageQuery | None) -> Product | None:
        """The one product a turn asks is safe or ok to take, named or described ("is the <described>
        softgel ok with <medicine>?", "can I take <product>?"), asking no Dosage Guide field and
        nothing across the products; None otherwise."""
        if dq is not None or u.product_query is not None or not asks_safety(u.question):
            return None
        return product_named(u.question, self.catalog.all_products, [], self.catalog.nutrient_names)

    def _on_product(self, u: Understanding, supplement: str | None, product: Product,
                    hits: Sequence[Hit]) -> list[Hit]:
        """The passages a question about one product draws on: its own, and those of the pages whose
        cautions apply to it (not another product's, nor another page's notes)."""
        pages = set(self._caution_scope(u, supplement) or self.supplements)
        return [h for h in hits if (pid := h.document.metadata.get("product_id")) == product.id
                or (not pid and h.document.metadata.get("supplement") in pages)]

    def _products_back(self, u: Understanding, pq: ProductQuery,
                       products: Sequence[Product]) -> Sequence[Product]:
        """The products a turn asks of: those the last answer listed when it points back at them
        ("which of those has the most <nutrient>", "does it have <nutrient> too?"), else ``products``."""
        listed = self._listed_products(u.reply) if pq.back and u.followup else []
        if pq.back and pq.direction and u.followup and len(listed) < 2:  # "which has more <x>?" after two
            side = self._side_by_side(u.reply)
            listed = side if len(side) > 1 else listed
        # "which <a> + <b> product ...", "one with <a> and <b>": both
        joined = joined_names(u.question, self.catalog.nutrient_names)
        if listed and (len(listed) > 1 or pq.direction is None):
            chosen: Sequence[Product] = listed
        elif joined:  # those of every page, its own first: the nutrients may be two pages' own
            chosen = list(dict.fromkeys([*products, *self.catalog.all_products]))
        else:
            return products
        if not joined:
            return chosen
        return [p for p in chosen if holds_named(p, joined)]

    def _page_on_property(self, u: Understanding, hits: Sequence[Hit], book: CitationBook,
                          name: str) -> list[str]:
        """The page's own passages (not the products') that speak to a property no product description
        speaks to, in the question's words ("which <supplement> is suitable for vegans": a form the
        page says is); no figure to someone whose figures are withheld."""
        page = [h for h in hits if h.document.metadata.get("kind") != "product"
                and speaks_to(h.document.page_content, u.question, name)]
        cited = frozenset(c.chunk_id for c in book.citations)  # the cautions shown are not quoted again
        return self._extractive(u, page, book, _no_numbers(u), cited) if page else []

    def _generative(self, u: Understanding, hits: Sequence[Hit], book: CitationBook,
                    cautions: list[Caution], head: list[str], no_numbers: bool,
                    shown: frozenset[str]) -> Generator[StreamEvent, None, Composition]:
        """The sources first, then each sentence as soon as it passes the gate; the extractive
        answer when too few pass (mode ``fallback``)."""
        assert self.llm is not None
        preview = CitationBook()
        for h in hits:
            preview.cite(h.document, score=h.dense_score)
        yield SourcesEvent(citations=preview.citations, cautions=cautions)
        for line in head:
            yield TextEvent(delta=line + " ")
        out = Composition(mode="generative")
        for line, failure in gated_sentences(self.llm, u.retrieval_question, hits, book, no_numbers,
                                             cautions=cautions):
            if failure is not None:
                out.dropped.append(DroppedSentence(sentence=line, check=failure.check, reason=failure.reason))
                continue
            out.lines.append(line)
            yield TextEvent(delta=line + " ")
        if len(out.lines) >= self.settings.llm_min_kept:
            return out
        log.warning("the generated answer falls back to the extractive one: %d sentence(s) passed the gate, "
                    "%d needed; dropped: %s", len(out.lines), self.settings.llm_min_kept,
                    "; ".join(f"{d.check}: {d.reason}" for d in out.dropped) or "the model wrote nothing")
        out.mode = "fallback"
        for line in self._extractive(u, hits, book, no_numbers, shown):
            out.lines.append(line)
            yield TextEvent(delta=line + " ")
        return out

    def _extractive(self, u: Understanding, hits: Sequence[Hit], book: CitationBook, no_numbers: bool,
                    shown: frozenset[str]) -> list[str]:
        s = self.settings
        lex = self.retriever.lexical
        limit = s.max_answer_sentences if not shown else max(1, s.max_answer_sentences - 1)  # cautions lead
        eq = u.retrieval_question
        # a follow-up naming its own people ("what about women over 50?"): a field's values for them
        own = u.followup and people_in(without_negated_mentions(u.question)).named
        hits = self._advised_against(u, hits) or hits
        lines = compose_extractive(eq, content_tokens(eq), hits, lex.idf, lex.max_idf, limit, book,
                                   exclude_numbers=no_numbers, skip_chunks=shown,
                                   skipped_set_bar=bool(mentioned_classes([u.question])),
                                   people_question=u.question if own else None)
        if not lines or no_numbers or not asks_figure(u.question):
            return lines
        if not figure_answered(u.question, lines):
            if figure_gap(u.question, lines, figures_only=True) is None:  # one the question names: said later
                lines.append(msg.NO_FIGURE)  # "the half-life in hours": the sentences state none
        elif ((part := asked_part(u.question, lines)) is not None and not figure_answered(u.question, [part])
              and not any(ch.isdigit() for ch in part)):  # quoted, it states no number of its own
            lines.append(msg.NO_FIGURE_PART.format(part=part))  # "what dose of <form>": not another's
        return lines

    def _advised_against(self, u: Understanding, hits: Sequence[Hit]) -> list[Hit]:
        """Asked whether someone with a condition may take the supplement ("I have <condition>, can I
        take it?"), the notes among the passages that advise against taking it with that condition:
        they alone answer (doses and notes for other people are no answer). Empty when none does, or
        the question asks something else of it ("the side effects, with <condition>?")."""
        own = without_negated_mentions(u.question)
        stated = stated_conditions(own) if asks_safety(own) else []
        words = self.catalog.naming_words
        return [h for h in hits if stated and h.document.metadata.get("kind") == "note"
                and advises_against(text := str(h.document.metadata.get("text") or h.document.page_content))
                and names_condition(text, stated, words)]

    def _cautions(self, book: CitationBook, u: Understanding, supplement: str | None,
                  classes: list[str]) -> list[Caution]:
        if not classes:
            return []
        scope = self._caution_scope(u, supplement)
        return cautions_for(book, self.retriever.lexical.cautions, scope, classes)

    def _caution_scope(self, u: Understanding, supplement: str | None) -> tuple[str, ...] | None:
        """The monographs whose cautions apply to the turn: the one it is about and every other one
        whose nutrient it names ("the <product> with <another page's nutrient> in it": that page's
        interactions apply too), and those of the product it is about. None: every monograph.
        Found once per turn (the last turn's is kept, by its understanding's identity)."""
        if supplement is None:
            return None
        last = self._last_scope
        if last is not None and last[0] is u and last[1] == supplement:
            return last[2]
        scope = self._scope_of(u, supplement)
        self._last_scope = (u, supplement, scope)
        return scope

    def _scope_of(self, u: Understanding, supplement: str) -> tuple[str, ...]:
        named = self.catalog.named_supplements(without_comparisons(without_negated_mentions(u.question)))
        # the page of the product the turn is about: "is the <nutrient> in <product> over the limit?"
        # is answered from the nutrient's page, and the product's page's interactions apply too
        held = self._held_amount(u, supplement)
        # and the page of the product the last answer was about: "is the <other nutrient> too much?"
        # after an answer about one of its products carries its interactions
        replied = None if starts_afresh(u.question) else self._only_product(self._without_notes(u.reply))
        if replied is not None and not all(self._holds(replied, s) for s in named):
            replied = None  # a question of another supplement that product does not hold
        said = products_said(u.question, self.catalog.all_products, self.catalog.nutrient_names)
        products = [p for p in [named_product(u.question, self.catalog.all_products), *said,
                                held.product if held else None, replied] if p is not None]
        # a product's page, and every page whose own nutrient it holds (a product listed on one page
        # with another page's nutrient in it: both pages' interactions apply to it)
        pages = [s for p in products
                 for s in [p.supplement, *(s for s in self.supplements if self._holds(p, s))]]
        return tuple(dict.fromkeys([supplement, *named, *pages]))

    def _turn_cautions(self, book: CitationBook, u: Understanding, supplement: str | None,
                       everywhere: Sequence[str] = (), treated: Collection[str] = ()
                       ) -> tuple[list[Caution], list[Caution]]:
        """(the cautions the turn brings, those its text repeats). A note that names a condition the
        question says someone has ("I have <a condition>"), or one it asks the treatment dose for
        (``treated``: the Dosage Guide's words for it, :attr:`DosageQuery.conditions`), is about the
        person asking: its class's cautions apply and its text is repeated, as a caution is when the
        question is about it. ``everywhere``: the classes whose cautions are every monograph's (the
        turn names none)."""
        conditions = [*stated_conditions(without_negated_mentions(u.question)), *sorted(treated)]
        own = [*self._condition_notes(u, supplement, conditions), *self._people_notes(u, supplement)]
        asked = [c for c in u.asks_about if c in u.classes]  # a note's kind: a class asked, first
        classes = list(dict.fromkeys([*asked, *u.classes, *(c for d in own for c in note_classes(d))]))
        anywhere = [c for c in classes if c in everywhere]
        cautions = self._cautions(book, u, None, anywhere)  # None: every monograph's
        held = {c.citation.chunk_id for c in cautions if c.citation}
        rest = [c for c in classes if c not in anywhere]
        cautions += [c for c in self._cautions(book, u, supplement, rest)
                     if c.citation is None or c.citation.chunk_id not in held]
        about_them = {str(d.metadata.get("chunk_id") or d.id) for d in own}
        return cautions, [c for c in cautions if c.citation is not None and (  # a note of several
            set(c.kinds) & set(u.asks_about) or c.citation.chunk_id in about_them)]  # classes: any asked

    def _condition_notes(self, u: Understanding, supplement: str | None,
                         conditions: Sequence[str]) -> list[Document]:
        """The supplement's caution notes that name a condition the question says someone has (a
        supplement's or nutrient's name is no condition)."""
        if not conditions:
            return []
        notes = caution_passages(self.retriever.lexical.cautions, self._caution_scope(u, supplement))
        return [d for d in notes if names_condition(str(d.metadata.get("text") or d.page_content),
                                                    conditions, self.catalog.naming_words)]

    def _people_notes(self, u: Understanding, supplement: str | None) -> list[Document]:
        """The supplement's caution notes of no medicine (a harm at some doses) that name people the
        question asks about ("iron for kids": the note on poisoning in children under 6), not people
        it denies ("no kids in the house")."""
        asked = people_in(self._without_denied_people(without_negated_mentions(u.question)))
        if not asked.named:
            return []
        notes = caution_passages(self.retriever.lexical.cautions, self._caution_scope(u, supplement))
        return [d for d in notes if of_no_medicine(d)
                and shares_people(asked, people_in(str(d.metadata.get("text") or d.page_content)))]

    def _condition_lines(self, u: Understanding, supplement: str | None, book: CitationBook) -> list[str]:
        """The notes of no interaction class (a harm at some doses, a side effect) that name a
        condition the question says someone has ("he has <condition>, how much should he take?"),
        each quoted whole and cited, after whatever answers the rest, unless the answer quotes them
        already: about the person asking, on every answer path."""
        stated = stated_conditions(without_negated_mentions(u.question))
        pages = (self._caution_scope(u, supplement) or ()) if stated else ()
        notes = [d for d in self._unquoted_notes(pages, book) if not note_classes(d)]
        words = self.catalog.naming_words
        return [self._quoted(d, book) for d in notes
                if names_condition(str(d.metadata.get("text") or d.page_content), stated, words)]

    def _fields_not_for(self, u: Understanding, supplement: str | None, book: CitationBook) -> list[str]:
        """For each Dosage Guide field the answer cites, asked for someone the question says has a
        condition that a note of the page is about ("he has <condition>, what's the most he can
        take?"): that the field gives no value for people with it, when its lines never name it.
        Its figures are for others; the note on them is what the page says of them."""
        own = without_negated_mentions(u.question)
        stated = stated_conditions(own)
        if supplement is None or not stated or parse_dosage_query(own) is None:
            return []
        words = self.catalog.naming_words
        notes = [str(d.metadata.get("text") or d.page_content) for d in self._page_passages([supplement])
                 if d.metadata.get("kind") == "note"]
        about = [c for c in stated if any(names_condition(n, [c], words) for n in notes)
                 and not re.search(r"\d", c)]  # ("<condition> stage 2": a number the page does not state)
        fields = {c.subsection: c.marker for c in book.citations
                  if c.section == DOSAGE_GUIDE and c.supplement == supplement and c.subsection}
        said = {c.marker: c.snippet for c in book.citations}
        return [msg.FIELD_NOT_FOR_CONDITION.format(field=f, condition=c, marker=m)
                for f, m in fields.items() for c in about if not names_condition(said[m], [c], words)]

    def _unquoted_notes(self, pages: Sequence[str], book: CitationBook) -> list[Document]:
        """The notes of the monographs ``pages`` that the answer does not quote yet."""
        cited = {c.chunk_id for c in book.citations}
        return [d for d in self._page_passages(pages)
                if d.metadata.get("kind") == "note" and str(d.metadata.get("chunk_id") or d.id) not in cited]

    @staticmethod
    def _quoted(note: Document, book: CitationBook) -> str:
        """A note quoted whole, as a sentence, and cited."""
        text = str(note.metadata.get("text") or note.page_content).strip().rstrip(".")
        return f"{text}. [{book.cite(note)}]"

    def _given_dose_notes(self, u: Understanding, supplement: str | None, book: CitationBook,
                          said: Sequence[str]) -> list[str]:
        """The monograph's notes on amounts above a figure ("doses above <x> have been associated with
        <harm>") that an amount a day the answer gives to a dose question exceeds, at the top of its
        range, in a line that cites a treatment dose or a research finding (not an intake for the
        healthy), each quoted once: whoever reads the dose reads what is said of it."""
        if supplement is None or not said or not asks_dose(u.question):
            return []
        treatment = dosage_cues().question.treatment_field
        dosing = {str(c.marker) for c in book.citations
                  if c.subsection == treatment or (c.section == RESEARCH and c.supplement == supplement)}
        given = [replace(d, low=d.high if d.high is not None else d.low) for line in said
                 if {m[1:-1] for m in CITED.findall(line)} & dosing
                 for d in parse_doses(line) if d.per_day and d.low > 0]
        return [line for d in given for line in self._note_lines_above(d, supplement, book)]

    def _named_amount_notes(self, u: Understanding, supplement: str | None, book: CitationBook) -> list[str]:
        """The notes on amounts above a figure that an amount a day the question names exceeds
        ("thinking of taking <amount> a day"), unless the answer quotes them already. The amount is
        the one the Dosage Guide cues read as compared (not a limit the question quotes), else the
        question's only one, said as daily; none when the question asks of studies (a trial's dose),
        names a product (whose serving that may be) or another nutrient, or an amount taken less often
        than daily; nor a medicine's amount or a limit the question quotes (:func:`own_amounts`)."""
        q, qc = without_negated_mentions(u.question), dosage_cues().question
        folded = fold(q)
        if (supplement is None or self.catalog.foreign_nutrients(q, supplement) or self._names_product(q)
                or cue(qc.study_words).search(folded) or cue(qc.not_daily).search(folded)
                or not cue(qc.daily).search(folded)):
            return []
        primary = self.catalog.primary_nutrient(supplement)
        dq = parse_dosage_query(q, nutrient=primary)
        doses = [dq.amount] if dq is not None and dq.amount is not None else own_amounts(q, primary)
        if len(doses) != 1 or doses[0].low <= 0:
            return []
        return self._note_lines_above(doses[0], supplement, book)

    def _asked_of_all(self, u: Understanding, scoped: str | None, dq: DosageQuery | None,
                      studies: Sequence[FoundStudies], hits: Sequence[Hit]) -> list[str]:
        """The classes an interaction question asks about when it asks nothing else (no Dosage Guide
        field, product or finding; its best passage is a note) and names no supplement, nutrient or
        product, in a conversation that names none either (``scoped``: the monograph it was limited
        to, if any): every monograph's notes on them answer it ("what interacts with <a medicine>?");
        not the notes on excess, each about its own page's amounts. Empty otherwise."""
        q = u.retrieval_question
        if (scoped is not None or len(self.supplements) <= 1 or dq is not None or studies
                or not hits or hits[0].document.metadata.get("kind") != "note"
                or u.product_query is not None or self.catalog.named_supplements(q) or mentioned_nutrients(q)
                or self._names_product(q)):
            return []
        return [c for c in u.asks_about if c != DOSE_RISK_CLASS]

    def _asks_caution(self, u: Understanding, supplement: str | None) -> bool:
        """Is the turn about an interaction the monograph has a caution for (that caution then
        answers it)? A class the monograph says nothing of is judged by scope like any topic. A
        note-only class (toxicity) is asked about only through its question phrases ("can too much
        hurt you?"): its notes answer that too; so does a note on a condition the question says
        someone has ("my brother has <condition>: can he take it?")."""
        asked = list(u.asks_about)
        scope = self._caution_scope(u, supplement)
        if asked and caution_passages(self.retriever.lexical.cautions, scope, asked):
            return True
        stated = stated_conditions(without_negated_mentions(u.question))
        return bool(self._condition_notes(u, supplement, stated))

    def _supplement(self, u: Understanding, filters: dict[str, str] | None,
                    hits: Sequence[Hit]) -> str | None:
        """The monograph the question is about: the filter, the one it names, else the best passage's."""
        named = (self._limit_asked_of(u.question)
                 or self.catalog.named_supplement(without_comparisons(study_subject(u.question)))
                 or self.catalog.named_supplement(without_comparisons(study_subject(u.retrieval_question))))
        return (filters or {}).get("supplement") or named or (
            str(hits[0].document.metadata.get("supplement")) if hits else None)

    def _limit_asked_of(self, question: str) -> str | None:
        """The supplement whose limit the question sets a product beside, named with it ("does the
        <described> softgel go over the <supplement> limit?": the product may be another page's)."""
        beside = set_beside(cue_fold(question))
        dq = parse_dosage_query(beside) if beside else None
        if dq is None or dosage_cues().question.limit_field not in dq.fields:
            return None
        return self.catalog.named_supplement(beside)

    def _asks_study_dose(self, u: Understanding, own: str) -> bool:
        """Does a follow-up of a question that named a study ask a dose and nothing else ("what
        dose?", "what was the dose?": the allowance's words; no field by its name, no people, no
        supplement of its own)? It asks the dose of that study, not the Dosage Guide's. (After an
        answer that only quoted a finding, "what dose?" may ask what to take: the allowance.)"""
        if not (u.followup and u.earlier and about_a_study(u.earlier[-1])):
            return False
        dq = parse_dosage_query(own)
        return not (dq is None or dq.fields != (dosage_cues().question.allowance_field,)
                    or dq.amount is not None or dq.people.named  # (a limit asked is no dose)
                    or any(s.kind == "field" for s in find_slots(own)) or self.catalog.named_supplements(own))

    def _dosage_query(self, u: Understanding, supplement: str | None) -> DosageQuery | None:
        """The Dosage Guide fields the turn asks about: its own words, else (a follow-up) the
        question it resolves to."""
        primary = self.catalog.primary_nutrient(supplement)  # its amount is compared, not another's
        own = without_negated_mentions(u.question)
        if self._asks_study_dose(u, own):
            return None  # "what dose?" after a question about one study: the study's
        dq = parse_dosage_query(own, nutrient=primary)  # "I'm not pregnant"
        if (dq is not None and dq.amount is None and u.followup and points_at_amount(own)
                and (pointed := parse_dosage_query(u.retrieval_question, nutrient=primary)) is not None):
            dq = replace(dq, amount=pointed.amount)  # "is that above the limit?": the amount just given
        if dq is None and u.followup and not PINNED_STUDY.search(u.retrieval_question):  # (a study's
            dq = parse_dosage_query(u.retrieval_question, nutrient=primary)  # people are not the user's)
            if dq is not None and (people := people_in(own)).named:  # "what about women over 50?": these
                dq = replace(dq, people=people)  # people, not the earlier turn's as well
            if dq is not None and dq.amount is not None and re.search(r"\d", u.question):
                dq = replace(dq, amount=None)  # "what about the 5000 one?": the earlier amount is not its own
        if (dq is not None and not dq.people.named and not denies_people(u.question)  # "not pregnant anymore"
                and (said := people_said_before(u.question, u.earlier))):
            dq = replace(dq, people=people_in(said))  # "I'm 75." then "how much <x> do I need a day?"
        if dq is not None and dq.amount is not None and (holder := self._holder(u.question, supplement)):
            dq = replace(dq, amount=None)  # "<product> and also 2000 IU": a sum the page does not state
            if not self._described_beside(u.question, holder):  # (but "<product> and the <nutrient>
                return dq  # <amount> + <nutrient> <amount> one": two products' amounts, added up below)
        if dq is not None and dq.amount is not None and not dq.summed and product_by_amounts(
                u.question, self.catalog.all_products, self.catalog.nutrient_names) is not None:
            dq = replace(dq, amount=None)  # "the <nutrient> 50 mcg one": its amounts describe it (amounts
            # added up are taken, whatever products they are)
        held = self._comparable_held(u, supplement) if dq is None or dq.amount is None else None
        if dq is None and held is not None:  # "would that one exceed it?", "does it meet it?"
            dq = self._field_pointed_back_query(u, primary)
        limit = dosage_cues().question.limit_field
        if (dq is None and held is not None and asks_amount_safety(u.question)  # "is one <product> a
                and self._sets_a_limit(supplement)):  # day ok?": the limit, where the page sets one
            dq = DosageQuery((limit,), people_in(u.question))
        if dq is not None and dq.amount is None and held is not None:
            # "is one <product> a day over the max?"; set beside the recommended amount (for no
            # people named), it is set beside the limit too
            # (asked whether it may be taken, "can she take <product>?", it is set beside the limit too)
            fields = dq.fields if dq.people.named and not asks_amount_safety(u.question) and not (
                dq.sufficient) else tuple(dict.fromkeys([*dq.fields, limit]))  # (enough: and not too much)
            dq = replace(dq, amount=held.dose, fields=fields, servings=held.several,
                         summed=held.also is not None, beside=dq.beside or held.uncounted)
        if dq is None and held is None and supplement is not None:
            dq = self._safety_asked(u)
        return self._for_condition(u, supplement, dq)

    @staticmethod
    def _field_pointed_back_query(u: Understanding, primary: str | None) -> DosageQuery | None:
        """A follow-up that sets what it names beside the field the last question asked: "would that
        one exceed it?" after the limit, "is that enough for her?" after the allowance. That
        question's field and people, the amount to be set beside them."""
        sufficient = asks_sufficiency(u.question)
        if not (u.followup and u.earlier and (sufficient or sets_beside(u.question))):
            return None
        earlier = parse_dosage_query(without_negated_mentions(u.earlier[-1]), nutrient=primary)
        qc = dosage_cues().question
        if earlier is not None and sufficient and qc.allowance_field in earlier.fields:
            return replace(earlier, amount=None, sufficient=True)
        if earlier is not None and qc.limit_field in earlier.fields and sets_beside(u.question):
            return replace(earlier, amount=None)
        return None

    @staticmethod
    def _safety_asked(u: Understanding) -> DosageQuery | None:
        """"is <supplement> safe?", of no amount, medicine, people or condition: the limit field, what
        the page sets as safe (not for someone with a condition: "I have <a condition the notes say
        should not take it>, can I take it?" is the notes', never a safe amount's). Every interaction
        class a whole ask of safety brings ("is <it> ok for me?") leaves it asked."""
        own = without_negated_mentions(u.question)
        whole = safety_ask(u.question) and not mentioned_classes([own])
        if ((u.asks_about and not whole) or not asks_supplement_safety(own) or parse_doses(own)
                or people_in(own).named or stated_conditions(own)):
            return None
        return DosageQuery((dosage_cues().question.limit_field,))

    def _for_condition(self, u: Understanding, supplement: str | None,
                       dq: DosageQuery | None) -> DosageQuery | None:
        """A dose asked for a condition the page's treatment doses name ("how much should I take
        for triglycerides"), or an amount taken for one set beside the limit ("I take 100 mg for
        <it>, over the limit?"): that field is asked too (with the allowance or the limit, when the
        question asks them as well), its values for that condition."""
        qc = dosage_cues().question
        treatment, own = qc.treatment_field, without_negated_mentions(u.question)
        beside_limit = dq is not None and dq.amount is not None and qc.limit_field in dq.fields
        if (supplement is None or treatment is None or (dq is not None and treatment in dq.fields)
                or not (asks_dose(own) or beside_limit)):  # (no field is fetched for a question that asks
            return dq  # no dose, unless it sets an amount taken for the condition beside the limit)
        docs = {str(d.metadata.get("title")): field_from_doc(d)
                for d in self._field_docs(supplement, field_names(), [])}
        if treatment not in docs:
            return dq
        # a word the other fields' people share ("for general cardiovascular health") is theirs too
        known = self.catalog.title_words | vocabulary().general_words | {
            w for name, f in docs.items() if name != treatment for v in f.values for w in v.people.words}
        if not (conditions := treated_conditions(own, docs[treatment], known, taken=beside_limit)):
            return dq
        if dq is None:
            return DosageQuery((treatment,), people_in(own), conditions=conditions)
        # the amount for the generally healthy, asked in words of no field ("how much should I take"),
        # is not what is asked for a condition; a field named, or the limit, still is
        limit = qc.limit_field
        fields = tuple(f for f in field_names() if f == treatment or (
            f in dq.fields and (f == limit or names_field(own, f))))
        if beside_limit:  # whether the amount is above the limit is said before any treatment dose
            fields = tuple(sorted(fields, key=lambda f: f != limit))
        return replace(dq, fields=fields, conditions=conditions)

    def _limits_elsewhere(self, u: Understanding, supplement: str | None, book: CitationBook) -> list[str]:
        """Whether taking a product is safe, asked of a page that sets no limit ("is <a product of
        this page> ok every day?"), when the product holds other pages' nutrients and those pages
        set one: the product's description, then what one serving holds of each set beside its own
        page's limit, named ("<title>: The amount named is above ..."); nothing said of a limit the
        page does not set (it would read as reassurance about the rest). Asked in words of safety
        ("is it ok?") or of the limit alone ("too much?", "over the max?")."""
        limit = dosage_cues().question.limit_field
        own = parse_dosage_query(without_negated_mentions(u.question))  # (cached: the turn parsed it)
        if supplement is None or not (own is not None or asks_amount_safety(u.question)):
            return []
        if own is not None and own.fields != (limit,) and product_by_amounts(
                u.question, self.catalog.all_products, self.catalog.nutrient_names) is None:
            return []  # another field asked in its own words (not only amounts describing the product)
        if self._sets_a_limit(supplement):
            return []
        people = people_in(u.question)
        said = None if u.personal else referral(u.classes)
        lines: list[str] = []
        for page in self.catalog.primary_of:
            held = self._comparable_held(u, page) if page != supplement and self._sets_a_limit(page) else None
            if held is None:
                continue
            if not lines:
                lines = self._holding_line(held.product, book, whole=True)
            dq = DosageQuery((limit,), people, None, held.dose, servings=held.several)
            found = compose_dosage(dq, self._field_docs(page, [limit], []), book,
                                   self.catalog.primary_nutrient(page), None)
            if found:
                lines += [msg.FROM_MONOGRAPH.format(title=self._title(page), line=found[0]), *found[1:]]
        return lines + ([said] if lines and said else [])

    def _on_the_rest(self, u: Understanding, line: str) -> bool:
        """Does a line share a word with the rest of the question: outside the words that ask whether
        it is safe and those naming a product, a supplement or a nutrient ("can I take <product> on an
        empty stomach?": the note on food does; one on another medicine does not)?"""
        rest = cue(dosage_cues().question.amount_safety).sub(" ", cue_fold(u.question))
        asked = set(content_tokens(rest)) - self.catalog.naming_words
        return bool(asked & set(content_tokens(line)))

    def _limit_of(self, supplement: str | None) -> DosageField | None:
        """``supplement``'s upper-limit field, read as records (None: the page has none)."""
        docs = self._field_docs(supplement, [dosage_cues().question.limit_field], []) if supplement else []
        return field_from_doc(docs[0]) if docs else None

    def _sets_a_limit(self, supplement: str | None) -> bool:
        """Does ``supplement``'s upper limit set an amount? (Not "no established limit", nor a blank:
        said alone of a product that holds other nutrients too, it would read as reassurance.)"""
        f = self._limit_of(supplement)
        return f is not None and any(v.doses for v in f.values)

    def _comparable_held(self, u: Understanding, supplement: str | None) -> HeldAmount | None:
        """What the product the turn names holds of ``supplement``'s nutrient, when it may be set
        beside that page's limit: one serving, or servings counted of one above every value of it
        ("two <product>s a day" of a serving under the limit: the page states no total)."""
        held = self._held_amount(u, supplement)
        if held is None or not held.several:
            return held
        f = self._limit_of(supplement)
        above = f is not None and exceeds_every_limit(held.dose, f, self.catalog.primary_nutrient(supplement))
        return held if above else None

    def _holder(self, question: str, supplement: str | None) -> Product | None:
        """The product the question names, when it states an amount of ``supplement``'s own nutrient."""
        product = named_product(question, self.catalog.all_products)
        return product if product is not None and self._amount_of(product, supplement) is not None else None

    def _holds(self, product: Product, supplement: str | None) -> bool:
        """Does the product name ``supplement``'s own nutrient (with an amount or not)?"""
        return self._held(product, supplement) is not None

    def _amount_of(self, product: Product, supplement: str | None) -> Dose | None:
        """The amount the product states of ``supplement``'s own nutrient (on any page), if any."""
        held = self._held(product, supplement)
        return held.dose if held is not None else None

    def _held(self, product: Product, supplement: str | None) -> ProductNutrient | None:
        """The product's entry for ``supplement``'s own nutrient, if it names it."""
        primary = self.catalog.primary_of.get(supplement or "")
        return product.nutrient(primary) if primary else None

    def _held_amount(self, u: Understanding, supplement: str | None) -> HeldAmount | None:
        """"Is one <product> a day over the max?" (no amount in the question but the ones that describe
        a product, a comparison asked): the one product it names or describes by its amounts (or, "is
        that amount over the max?", the one the last answer named) and what that holds of
        ``supplement``'s own nutrient, on any page ("the <nutrient> in <another page's product>");
        ``several`` when the question counts servings ("two <product>s a day"), which would multiply
        it; None when it states none of it, when the question takes less than one serving ("half a
        <product>"), or when what it asks after the product names a nutrient that is not the
        monograph's own ("<product>. is the <another nutrient> too much?"). A question whether it is
        safe ("is one <product> a day ok?") asks the comparison too."""
        qc = dosage_cues().question
        folded = cue_fold(u.question)
        if not (sets_beside(u.question) or asks_amount_safety(u.question) or asks_sufficiency(u.question)):
            return None
        named = named_product(u.question, self.catalog.all_products, short=True)
        # "the <nutrient> <amount> + <nutrient> <amount> one": a product described by its amounts
        described = None if named else product_by_amounts(u.question, self.catalog.all_products,
                                                            self.catalog.nutrient_names)
        own = folded[:described[1][0]] + " " + folded[described[1][1]:] if described else u.question
        first = own if described else (without_name(folded, named) if named and named.name else "")
        second, without = self._second_product(first, named) if first else (None, own)
        own = without if second is not None else own
        if amounts_said(own):
            return None  # an amount of the question's own (not one it says is a limit)
        product = named or (described[0] if described else None) or self._held_product(
            u, second is None, supplement)
        if product is None:
            return None
        # the digits of "<name> 65", or the amounts that describe it, count nothing
        rest = own if described or second else without_name(folded, product)
        several = bool(cue([*qc.counted_servings, *qc.repeated]).search(rest))  # "twice a day"
        if (several and fewer_than_one_serving(rest)) or cue(qc.not_daily).search(rest):
            return None  # "half a <product>", "one <product> a week": the limits are daily
        # a nutrient asked of it that is not the monograph's own ("<product>. is the <another
        # nutrient> in it too much?", "is the <another nutrient> in the <described> one over the
        # limit?"), in the sentences that ask the comparison: its amount is not the one compared
        outside = (_outside_description(rest, described[1][0]) if described
                   else rest if named or second else without_description(rest))  # its words describe it
        asking = [x for x in _SENTENCE_BREAK.split(outside)
                  if cue([*qc.compare, *qc.sufficiency]).search(x)] or [outside]
        if self.catalog.foreign_nutrients(" ".join(asking), supplement):
            return None
        dose = self._amount_of(product, supplement)
        if second is None:
            return HeldAmount(product, dose, several) if dose is not None else None
        also = self._amount_of(second, supplement)
        if dose is None or also is None:  # one states no amount of it: the other's is set beside the
            # limit, their total never said to be below it
            held = [(p, d) for p, d in ((product, dose), (second, also)) if d is not None]
            return HeldAmount(held[0][0], held[0][1], several, uncounted=True) if held else None
        # both hold it: set beside the limit added up (in one unit, or in µg), never apart; else the
        total = total_dose([dose, also], self.catalog.primary_nutrient(supplement))  # first's alone
        if total is None:  # ("even without ...")
            return HeldAmount(product, dose, several, uncounted=True)
        return HeldAmount(product, total, several, second)

    def _second_product(self, first: str, named: Product | None) -> tuple[Product | None, str]:
        """A second product the (folded) rest of the question names or describes ("<product> and the
        <amount> one together", "<A> and <B>", "<A> plus the <words> tablet"), and that rest without
        the words that describe it (the words just before its amounts too: "the <nutrient> 600 mg")."""
        if (amounts := product_by_amounts(first, self.catalog.all_products, self.catalog.nutrient_names)):
            (start, end), led = amounts[1], re.match(r"(?:the|this|that|my)\b", first[amounts[1][0]:])
            own = first[:start] + " " + first[end:]  # (its span opens with "the <words>": no more)
            return amounts[0], own if led else _outside_description(own, start)
        if (by_name := self._second_named(first, named)) is not None:
            return by_name[0], first[:by_name[1][0]] + " " + first[by_name[1][1]:]
        other = (product_named(first, self.catalog.all_products, [], self.catalog.nutrient_names)
                 if named else None)
        if other is not None and other is not named:
            return other, without_description(first)
        return None, first

    def _described_beside(self, question: str, named: Product) -> bool:
        """Does the question describe another product by its amounts, beside the one it names?"""
        rest = without_name(cue_fold(question), named)
        return product_by_amounts(rest, self.catalog.all_products, self.catalog.nutrient_names) is not None

    def _second_named(self, rest: str, named: Product | None) -> tuple[Product, tuple[int, int]] | None:
        """Another product than ``named`` that the (folded) rest of the question names by its name
        ("<A> and <B> together, is that too much?"), with where its name is."""
        if named is None:
            return None
        said = products_said(rest, self.catalog.all_products, self.catalog.nutrient_names)
        other = next((p for p in said if p is not named and p.name and cue_fold(p.name) in rest), None)
        if other is None:
            return None
        name = cue_fold(other.name or "")
        return other, (at := rest.index(name), at + len(name))

    def _held_product(self, u: Understanding, alone: bool, supplement: str | None = None) -> Product | None:
        """The product a comparison with the limit is asked of that the turn neither names nor
        describes by amounts: the one product the last answer named, where the turn points at it ("is
        that over the max?"; not "and the drops? is that ..."), or (``alone``: no second product
        described) the one its words describe, its limit asked ("does the <form> one go over it?") or
        whether it is enough ("is the <form> tablet enough?"; also when the products answer the turn:
        "would the <words> one give her enough <nutrient> for her age?")."""
        if u.product_query is not None and not (  # (not "how many <units> would cover it?": a count)
                alone and asks_sufficiency(u.question) and not asks_figure(u.question)
                and self._asks_allowance(u)):
            return None
        names = self.catalog.slot_names
        pointed = u.reply and points_back(u.question) and not about_products(u.question, names)
        if pointed and (found := self._only_product(self._without_notes(u.reply))) is not None:
            return found
        if alone and (self._asks_limit(u) or asks_sufficiency(u.question)):
            in_scope = self.catalog.products_of.get(supplement or "", [])  # (its page's win a tie)
            return product_named(u.question, self.catalog.all_products, in_scope, self.catalog.nutrient_names)
        return None

    @staticmethod
    def _asks_allowance(u: Understanding) -> bool:
        """Does the turn's own question ask the allowance field?"""
        dq = parse_dosage_query(without_negated_mentions(u.question))
        return dq is not None and dosage_cues().question.allowance_field in dq.fields

    @staticmethod
    def _asks_limit(u: Understanding) -> bool:
        """Does the turn ask whether something is safe to take, or the question it resolves to ask
        the upper limit?"""
        dq = parse_dosage_query(u.retrieval_question)
        return asks_amount_safety(u.question) or (
            dq is not None and dosage_cues().question.limit_field in dq.fields)

    def _with_interactions(self, u: Understanding, supplement: str | None, hits: Sequence[Hit],
                           scoped: str | None) -> Understanding:
        """A question about interactions that names no medicine ("does it interact with any
        medicines?", the lexicon's ``interaction_questions``) asks about every interaction class the
        monographs in scope have a caution for; not when it has words no page uses besides those
        that ask it (a medicine the vocabulary does not know: "I'm on <x>, any interactions?"). One
        that asks about its interaction with "it" after a denial ("never took <medicine>. does <x>
        interact with it?", or the denial the turn before) asks about the class denied."""
        if supplement is None or mentioned_classes([without_negated_mentions(u.question)]):
            return u
        if (asked := interaction_ask(u.question)) is None:  # the denial: in the turn, else the one before
            denied = (denied_classes(u.question) or (denied_classes(u.earlier[-1]) if u.earlier else [])
                      ) if denied_interaction_ask(u.question) else []
            return replace(u, classes=list(dict.fromkeys([*u.classes, *denied])),
                           asks_about=list(dict.fromkeys([*u.asks_about, *denied]))) if denied else u
        _, off_topic = self.scope.support(u.retrieval_question, hits, scoped, self.catalog.names_of(scoped))
        if set(off_topic) - set(content_tokens(asked)):
            return u
        kinds = interaction_kinds(self.retriever.lexical.cautions, self._caution_scope(u, supplement),
                                  every=safety_ask(u.question))
        return replace(u, classes=list(dict.fromkeys([*u.classes, *kinds])),
                       asks_about=list(dict.fromkeys([*u.asks_about, *kinds]))) if kinds else u

    @staticmethod
    def _with_limit_notes(u: Understanding, dq: DosageQuery | None) -> Understanding:
        """A question about the upper limit, in any words the Dosage Guide cues read, asks about
        the notes on limits and excess too: they are shown with the field."""
        limit = dosage_cues().question.limit_field
        if dq is None or limit not in dq.fields or DOSE_RISK_CLASS in {*u.asks_about} & {*u.classes}:
            return u
        return replace(u, classes=list(dict.fromkeys([*u.classes, DOSE_RISK_CLASS])),
                       asks_about=list(dict.fromkeys([*u.asks_about, DOSE_RISK_CLASS])))

    def _foreign_subject(self, u: Understanding, supplement: str | None, hits: Sequence[Hit],
                         dq: DosageQuery | None) -> bool:
        """Does the turn ask the dose or use of a medicine (:meth:`_asks_a_medicines_own`), or an amount
        (a dose, how much, a limit) of nutrients that are not the monograph's own and that the passages which
        would answer never name, naming no supplement of the corpus ("the RDA of <a vitamin with no
        monograph>")? A Dosage Guide field's values are for the monograph's own nutrient: unless the
        field names the one asked about, it answers for another nutrient. Other passages answer only
        where they name it ("the dose of <a second vitamin> in the trial")."""
        q = without_negated_mentions(u.question)
        asked = [q, u.retrieval_question] if u.followup else [q]
        field = dq
        if self._asks_a_medicines_own(u):
            return True
        if u.product_query is not None or supplement is None or self.catalog.named_supplements(q):
            return False
        if field is None and not any(asks_amount(t) for t in asked):
            return self._without_monograph(u, q, hits)
        named = mentioned_nutrients(q)
        foreign = self.catalog.foreign_nutrients(q, supplement)
        if not foreign or len(foreign) < len(named):  # none, or the monograph's own is named too
            return False
        # "is the <other nutrient> one with <amount> over the limit?": those words describe a product
        # that holds the monograph's own nutrient too (its amount is the one asked about)
        products = self.catalog.all_products
        by_name, by_amounts = named_product(q, products), self._by_amounts(q)
        own = self._amount_of(by_amounts, supplement) if by_amounts else None
        described = by_name or (by_amounts if own is not None and own.key() in {
            d.key() for d in parse_doses(q)} else None)  # its amounts are the page's own nutrient's
        if described is None and not parse_doses(q) and (asks_sufficiency(q) or sets_beside(q)) and not (
                self.catalog.foreign_nutrients(without_description(q), supplement)):
            # "is the <other nutrient> tablet enough?", set beside a field: its words describe one (not
            # "the <amount> one", nor "the RDA of <other nutrient> for the <other nutrient> tablet")
            in_scope = self.catalog.products_of.get(supplement, [])
            described = product_named(q, products, in_scope, self.catalog.nutrient_names)
        if described is not None and self._holds(described, supplement) and all(
                described.nutrient(n) for n in foreign):
            return False
        docs = (self._field_docs(supplement, field.fields, hits) if field is not None
                else [h.document for h in hits if h.document.metadata.get("supplement") == supplement])
        said = {n.casefold() for d in docs for n in mentioned_nutrients(d.page_content)}
        return any(n.casefold() not in said for n in foreign)

    def _asks_a_medicines_own(self, u: Understanding) -> bool:
        """Does a turn of its own open its ask with the dose or the use of a medicine ("what's the dose
        of <a medicine> for <x>?", "what is <a medicine> used for?": the lexicon's ``dosed_things``),
        naming no supplement, nutrient or product of the catalogue and asking nothing of interactions
        ("which supplements should I avoid at my dose of <a medicine>?": the notes answer that)? Its
        prescriber's to give; the monographs' notes on the medicine are still shown (:meth:`_refused`)."""
        q = u.question
        if u.followup or self.catalog.named_supplements(q) or mentioned_nutrients(q) or interaction_ask(q):
            return False
        return any(names_a_medicine(t) for t in dosed_things(asking_part(q))) and not self._names_product(q)

    def _without_monograph(self, u: Understanding, q: str, hits: Sequence[Hit]) -> bool:
        """Does a turn of its own ask only of nutrients no monograph is about, naming no product
        ("is <a nutrient with no monograph> good for <x>?"), where no monograph passage retrieved
        names them? A product's description that holds one speaks for its seller, not for the
        monographs: they do not cover it."""
        named = mentioned_nutrients(q)
        if u.followup or not named or len(self.catalog.foreign_nutrients(q, None)) < len(named) or (
                self._names_product(q)):
            return False
        said = {n.casefold() for h in hits if not h.document.metadata.get("product_id")
                for n in mentioned_nutrients(h.document.page_content)}
        return not any(n.casefold() in said for n in named)

    def _field_question(self, u: Understanding, dq: DosageQuery | None, filters: dict[str, str] | None,
                        supplement: str | None, off_topic: Sequence[str], hits: Sequence[Hit] = ()) -> bool:
        """Is the turn about a Dosage Guide field of the one monograph in scope, and about nothing
        else? The monograph is the one the question (or the conversation, or the filter) limits it
        to, or the corpus's only one, or, when the question names none, the one whose field asked
        about is the best passage; the question names no nutrient but that monograph's own; and
        every off-topic word names the field or the people asked about."""
        if supplement is None or dq is None:
            return False
        scoped = (filters or {}).get("supplement") or (supplement if len(self.supplements) == 1 else None)
        if (scoped is None and u.followup  # "and for <people>?": the field the earlier turn asked
                and self.catalog.named_supplements(u.retrieval_question) == [supplement]):
            scoped = supplement
        if scoped is None and hits and not self.catalog.named_supplements(u.question):
            best = hits[0].document.metadata
            if best.get("kind") == "field" and best.get("title") in dq.fields:
                scoped = str(best.get("supplement"))
        if scoped != supplement or self.catalog.foreign_nutrients(u.retrieval_question, supplement):
            return False
        if not set(off_topic) - field_words(u.retrieval_question):
            return True
        # a field the page leaves blank gives no value for anyone: asked by its name, of a condition
        # or of people in words the page lacks ("does it list a <field> for <condition>?"), it is
        # answered as blank ("how much would <someone> need" names none: what it asks of is off the page)
        if not any(s.kind == "field" for s in find_slots(u.question)):
            return False
        docs = self._field_docs(supplement, dq.fields, hits)
        return len(docs) == len(dq.fields) and all(field_from_doc(d).blank for d in docs)

    def _product_gap(self, u: Understanding, hits: Sequence[Hit], book: CitationBook) -> list[str]:
        """The best passage is a product asked about for an amount it does not state: say so."""
        if not hits or not hits[0].document.metadata.get("product_id"):
            return []
        pid = str(hits[0].document.metadata["product_id"])
        product = self.catalog.product_by_id.get(pid)
        if product is None:
            return []
        # a follow-up ("and the liquid one?", "how about the gummy?") asks what the
        # question it resolves to, or the one it follows, asked of the product it names now
        asked = [u.question, u.retrieval_question, *u.earlier[-1:]] if u.followup else [u.question]
        names = self.catalog.nutrient_names
        line = next((found for q in asked
                     if (found := product_amount_gap(q, product, names)) is not None), None)
        if line is None:
            return []
        return [f"{line} [{book.cite(hits[0].document, score=hits[0].dense_score)}]"]

    def _product_docs(self, products: Sequence[Any]) -> dict[str, Document]:
        """The chunks of these products (fetched by id; the corpus may hold thousands)."""
        chunks = self.retriever.lexical.product_chunks
        ids = {p.id: chunks[p.id] for p in products if p.id in chunks}
        docs = self.retriever.documents.get(list(ids.values()))
        return {pid: docs[cid] for pid, cid in ids.items() if cid in docs}

    def _writes_finding(self, words: str) -> bool:
        """Do the words (an item an answer cited) write one of the corpus's research findings?"""
        return finding_written(words, self._every_finding()) is not None

    def _every_finding(self) -> list[StudyRecord]:
        """The research findings of every monograph, monograph by monograph."""
        return [r for s in self.supplements for r in self.studies.of(s)]

    def _named_in(self, resolved: str) -> list[str]:
        """The monographs a resolved turn names; a finding pinned to it ("...; the study: <its
        words>") is its own monograph's, whatever other names its words hold."""
        if (m := PINNED_STUDY.search(resolved)) is not None and (
                written := finding_written(m.group("finding"), self._every_finding())) is not None:
            return [written.supplement]
        return self.catalog.named_supplements(study_subject(resolved))

    def _study_scopes(self, u: Understanding, filters: dict[str, str] | None,
                      hits: Sequence[Hit], chosen: bool) -> list[str]:
        """The monographs whose findings a question across studies is about: the one in scope or
        named, and when its findings answer none (and the user did not choose it) the pages of the
        nutrients the question has them give ("is <a> being tested with <b> anywhere": a trial of
        both may be on <b>'s page); the several it names; with none named, every monograph (the best
        passages' first): "what is reference 2?" with no page in view has an answer in each."""
        if scoped := (filters or {}).get("supplement"):
            sq = None if chosen else parse_study_query(without_leading_denials(u.question))
            if sq is None or not sq.nutrients or select_studies(sq, self.studies.of(scoped)).records:
                return [scoped]
            return list(dict.fromkeys([scoped, *self.catalog.named_supplements(" ".join(sq.nutrients))]))
        named = self.catalog.named_supplements(study_subject(u.question)) or (
            self._named_in(u.retrieval_question) if u.followup else [])
        if named:
            return named
        ranked = [str(h.document.metadata.get("supplement")) for h in hits]
        return list(dict.fromkeys(s for s in [*ranked, *self.supplements] if s in self.supplements))

    def _study_queries(self, u: Understanding, scopes: Sequence[str],
                       filtered: bool = False) -> list[FoundStudies]:
        """A question across the findings of the monographs in scope, for each whose findings answer it
        (``filtered``: the user limited it to one monograph; no other page's finding is looked for)."""
        # what the turn's statements before its ask deny ("stopped my <medicine> in March, not on
        # anything now. <question>", "not on <nutrient> anymore. <question>") filters no finding
        own = without_leading_denials(u.question)
        asked = [own, u.retrieval_question] if u.followup else [own]
        if u.followup and PINNED_STUDY.search(u.retrieval_question):  # the turn's pointer is resolved
            asked = [u.retrieval_question]
        # (a study a follow-up inherits was named by an earlier turn, whose answer told which it is)
        parsed = [q if t == own else replace(q, names_study=False)
                  for t in asked if (q := parse_study_query(t)) is not None]
        if len(parsed) == 2 and parsed[1].dose_bound and not parsed[0].dose_bound:
            parsed.reverse()  # "a bigger dose than that": the dose it points at bounds them
        # last (read only when none of those is answered), what it asks alone: a statement before it
        # that denies nothing ("finished my course of <medicine> in march") filters no finding either
        for sq in itertools.chain(parsed, _asked_alone(u.question)):
            # a follow-up's own words first, then the question it resolves to ("and the dose?")
            found = [(sup, sq, records) for sup in scopes if (records := self.studies.of(sup))]
            selected = [(f, sel) for f in found if (sel := select_studies(f[1], f[2])).answered]
            if answered := [f for f, _ in selected]:
                return (_best_described(answered, [sel.records for _, sel in selected])
                        if sq.detail is not None else answered)
        # one study described whose page the question does not name ("the <other nutrient> study with
        # minerals and <a named page's nutrient>"): the one other monograph whose finding it is
        others = [(sup, sq, records) for sq in parsed[:1] if sq.detail is not None and not filtered
                  for sup in self.supplements if sup not in scopes
                  if (records := self.studies.of(sup)) and select_studies(sq, records).answered]
        if len(others) == 1:
            return others
        # one study asked about what its finding does not say ("did their <outcome> go up?")
        every = self._every_finding()
        vocab = self.retriever.lexical.vocab
        for text in asked:  # a follow-up's own words, then the question it resolves to; what its
            # statements deny ("no stent. what is the trial testing?") is not a detail it asks about
            gaps = [(sup, gq, records) for sup in scopes if (records := self.studies.of(sup))
                    and (gq := finding_gap_query(without_denials(text), records, vocab, every)) is not None
                    and select_studies(gq, records).answered]
            if len(gaps) == 1:
                return gaps
        # last, one study told by its length alone ("what did the 4 week study find?")
        described = [(sup, sq, records) for sq in map(described_study_query, asked[:1]) if sq is not None
                     for sup in scopes
                     if (records := self.studies.of(sup)) and (sel := select_studies(sq, records)).answered
                     and sel.records]
        return described if len(described) == 1 else []  # one page's findings ran that long

    def _support(self, u: Understanding, hits: Sequence[Hit], scoped: str | None, supplement: str | None,
                 studies: list[FoundStudies], study_scopes: Sequence[str]
                 ) -> tuple[float, list[str], list[FoundStudies], tuple[tuple[str, ...], tuple[str, ...]]]:
        """(support, off-topic words, the findings that answer it, (the pages' missing words said only
        to set the scene: :meth:`_asked_off_topic`, those that make up one side of a choice:
        :func:`one_sided`)). A question about a caution, or
        one the findings answer, is supported; so is a question about a property the product cues
        read ("suitable for vegans"), answered from the descriptions, stated or not; other product
        questions only in the page's words. A question about one study that asks what no page says
        is answered by that finding, and that it says nothing of it."""
        names = self._scope_names(u, scoped)
        caution = self._asks_caution(u, supplement) and not self._takes_unknown(u, hits, names)
        support, off_topic = ((1.0, []) if (caution or studies or (
            u.product_query is not None and u.product_query.property is not None))
                              else self.scope.support(u.retrieval_question, hits, scoped, names))
        if u.product_query is not None:  # the products answer it, unless it asks what no page says
            support = 1.0
        # the turn as written (its retrieval form has lost its denials' words, not their sentences)
        asked = u.retrieval_question if u.followup else u.question
        off_topic, scene = self._asked_off_topic(asked, off_topic, scoped, supplement)
        if off_topic:  # "<condition> fractures" where a finding is on fractures: the topic's word
            findings = [r.text for sup in study_scopes for r in self.studies.of(sup)]
            mates = topic_mates(asked, off_topic, surface_forms(asked), findings)
            off_topic = [t for t in off_topic if t not in mates]
        if off_topic and self._forms_offered(u, off_topic, scoped, supplement):
            off_topic = []
        if off_topic and set(off_topic) <= extension_words(asked):
            off_topic = []  # "does <it> apply to <a> too?": the passages answer it, and say they never
            # mention <a> (:func:`unsettled_extensions`)
        if off_topic and not studies and (studies := self._unmentioned_studies(u, off_topic, study_scopes)):
            support, off_topic = 1.0, []
        sides: list[str] = []
        if off_topic and set(off_topic) <= one_sided(asked, off_topic):  # "with <a> or <b>?": the passages
            off_topic, sides = [], off_topic  # answer of <b>, and say they never mention <a>
        return support, off_topic, studies, (tuple(scene), tuple(sides))

    def _takes_unknown(self, u: Understanding, hits: Sequence[Hit], names: frozenset[str]) -> bool:
        """Does a caution question that names no supplement, nutrient or product of the catalogue
        ask of something else taken ("<another supplement> after <a medicine>?"): words the corpus
        lacks that carry meaning in it, other than a medicine's name? The monographs' notes on that
        medicine are about their own supplements, not it: scope judges the question as any other."""
        q = u.retrieval_question
        if u.followup:  # what it takes may be the conversation's ("what should I take instead?")
            return False
        if self.catalog.named_supplements(q) or mentioned_nutrients(q) or self._names_product(q):
            return False
        taken = {w for t in taken_things(u.question) if not names_a_medicine(t) for w in content_tokens(t)}
        if not taken:
            return False
        _, off_topic = self.scope.support(without_negated_mentions(u.question), hits, None, names)
        return bool(taken & set(off_topic))

    def _forms_offered(self, u: Understanding, off_topic: Sequence[str], scoped: str | None,
                       supplement: str | None) -> bool:
        """Are the off-topic words all forms the question offers for one product's nutrient ("what
        kind of <nutrient> is in <product>? <a>, <b>?")? Its description answers: what it states."""
        if not set(off_topic) <= offered_words(u.question, product_cues().question.which_form, form_words()):
            return False
        in_scope = {"supplement": scoped} if scoped else None
        in_scope = self._page_filters(u, in_scope)
        products = self.catalog.product_scope(u.retrieval_question, in_scope, supplement)
        return self._one_product(u, products) is not None

    def _one_product(self, u: Understanding, products: Sequence[Product]) -> OneProduct | None:
        """The one product the question asks about (``products``: those in scope, which win a tie),
        and what it asks of it, if it asks of one."""
        pointing = u.followup and points_back(u.question) and not about_products(  # not "the one with
            u.question, self.catalog.slot_names)  # <x>": the turn describes its own
        listed = self._listed_products(u.reply) if pointing else []
        pointed = listed[0] if len(listed) == 1 else None  # "does it have <x> too?": the one listed
        if u.followup and compares_back(u.question):  # "how does it compare to <B>?": as resolved, the
            # earlier product where it points at it, when that sets the two side by side
            both = one_product_question(u.retrieval_question, self.catalog.all_products, products,
                                        self.catalog.nutrient_names, earlier=u.earlier, pointed=pointed)
            if both is not None and both.versus is not None:
                return both
        return one_product_question(u.question, self.catalog.all_products, products,
                                    self.catalog.nutrient_names, earlier=u.earlier, pointed=pointed)

    def _one_asked(self, u: Understanding,
                   products: Sequence[Product]) -> tuple[OneProduct | None, StudyRecord | None]:
        """The one product the turn asks about, and the study it sets that product beside when only
        that makes it a question about one product (found once, for the answer to use)."""
        if (one := self._one_product(u, products)) is not None:
            return one, None
        return self._product_beside_study(u, products) or (None, None)

    def _product_beside_study(self, u: Understanding,
                              products: Sequence[Product]) -> tuple[OneProduct, StudyRecord] | None:
        """The one product a turn sets beside a study's dose, and that study: the dose the last answer
        gave ("is that a lot more than what's in <product>?"), or one study it names ("is <product>
        more than the dose in the <...> study?"); the product the rest of the turn names, asked of the
        nutrient it names, else of the finding's."""
        if any(c != DOSE_RISK_CLASS for c in u.classes):  # on a medicine: no study's dose set beside
            return None
        m = sets_beside_reply(u.question) if u.followup else None
        if m is None and not (names_one_study(u.question) and compares_amounts(u.question)):
            return None  # most turns: no product is looked for ("did the <...> study use <product>?")
        rest = f"{u.question[:m.start()]} {u.question[m.end():]}" if m else u.question
        found = product_named(rest, self.catalog.all_products, products, self.catalog.nutrient_names)
        study = self._study_set_beside(u, [found]) if found is not None else None
        if found is None or study is None or study.nutrient is None:
            return None
        held = {n.nutrient.casefold(): n.nutrient for n in found.nutrients if n.dose is not None}
        named = [held[n.casefold()] for n in mentioned_nutrients(rest) if n.casefold() in held]
        asked = named[:1] or [n for n in [held.get(study.nutrient.casefold())] if n]  # else the finding's
        if not asked or stated_parts(found, asked[0]) or beside_dose(study, asked[0]) is None:
            return None  # its amount of a whole whose parts it states is not comparable, nor a dose
        return OneProduct(found, tuple(asked)), study  # the finding gives of no such kind (per kg)

    def _scope_names(self, u: Understanding, scoped: str | None) -> frozenset[str]:
        """The words that name the monograph in scope, and the name of another page's product the
        question names for its nutrient ("is the <nutrient> in <that product> under the limit?")."""
        holder = self._holder(u.question, scoped) if scoped else None
        return self.catalog.names_of(scoped) | frozenset(content_tokens(holder.name or "") if holder else ())

    def _asked_off_topic(self, question: str, off_topic: list[str], scoped: str | None,
                         supplement: str | None = None) -> tuple[list[str], list[str]]:
        """(the off-topic words the question asks with, those said only to set the scene). Words
        said only in a statement that denies ("no <condition>, my scan was normal. what does <x> do
        for bones?") are context, when the rest has a topic word of its own (none, "is <x> ok?", is
        too little for a medicine said beside the denial to be dropped); so are those said only to
        set the scene (:func:`scene_and_ask`: "I run marathons, how much <x> a day?"), when the rest
        asks a Dosage Guide field without pointing back at them ("can I take <x> with it?", "would
        <x> help?" ask of the scene itself), and they are no condition it says someone has, no
        medicine, and no word the page (``supplement``'s) has in another form; never a word of
        something the question says is taken ("no <condition>, just take <medicine>": the page's
        silence on it is said). The answer says its passages do not mention the scene's words."""
        if not off_topic:
            return off_topic, []
        undenied = without_denials(question)
        taken = {w for t in taken_things(question) for w in content_tokens(t)}
        if undenied != question:
            asked = set(content_tokens(undenied))
            names = self.catalog.names_of(scoped) | general_words()
            if len([t for t in asked if t not in names]) >= MIN_REST_TOPIC_WORDS:
                off_topic = [t for t in off_topic if t in asked or t in taken]
        scene, rest = scene_and_ask(undenied)
        if not (off_topic and scene) or points_back(rest) or parse_dosage_query(rest) is None:
            return off_topic, []
        kept = taken | set(content_tokens(rest)) | {  # a condition stated ("I have <x>") is its own
            w for c in stated_conditions(scene) for w in content_tokens(c)}
        said = [t for t in off_topic if t not in kept and not names_a_medicine(t)]  # (a medicine: said)
        scene_words = self.scope.lacking(said, supplement)  # (one the page has in a form: "bleed")
        return [t for t in off_topic if t not in scene_words], scene_words

    def _unmentioned_studies(self, u: Understanding, off_topic: Sequence[str],
                             scopes: Sequence[str]) -> list[FoundStudies]:
        """A question about one study that asks about words no page uses ("how did they measure
        <x> in the <...> study?"): the one finding it describes, said to state nothing of them."""
        surfaces = surface_forms(u.retrieval_question)
        sq = unmentioned_study_query(u.retrieval_question, [surfaces.get(t, t) for t in off_topic])
        if sq is None:
            return []
        found = [(sup, sq, records) for sup in scopes
                 if (records := self.studies.of(sup)) and select_studies(sq, records).answered]
        return found if len(found) == 1 else []

    def _title(self, supplement: str) -> str:
        """A monograph's title (its slug when the corpus has no such monograph)."""
        return self.catalog.title_of.get(supplement, supplement)

    def _listed_products(self, reply: str) -> list[Product]:
        """The products the first sentence of an answer lists by their titles (each title a whole
        item: followed by its details, a citation or the end of an item; not those a later sentence
        sets apart: "these do not state ..."), in catalogue order. An answer that names one, or
        describes them in other words, lists none: the turn's own scope stands."""
        text = sentences_of(self._without_notes(reply))[0]
        return [p for p in self.catalog.all_products  # the substring first: a catalogue holds thousands
                if p.title in text
                and re.search(rf"(?<![\w+-]){re.escape(p.title)}(?=\s*[(\[;,.:]|\s+—|\s*$)", text)]

    def _named_page(self, u: Understanding, lines: list[str], book: CitationBook, scoped: str | None
                    ) -> list[str]:
        """An answer drawn from one of several monographs to a question (and conversation) that
        did not name it ("what's the upper limit for teenagers?") says whose page it is first (the
        cautions before it may be of other pages too: "I'm on <a medicine>, what's the limit?"; lines
        that cite nothing are judged by every citation)."""
        cited = {m[1:-1] for line in lines for m in CITED.findall(line)}
        pages = {c.supplement for c in book.citations if str(c.marker) in cited or not cited}
        if (scoped or not lines or len(self.supplements) < 2 or len(pages) != 1
                or pages & set(self.catalog.named_supplements(u.retrieval_question))):
            return lines
        title = self._title(next(iter(pages)))
        if lines[0].split(": ", 1)[0] in self.catalog.monograph_titles:
            return lines  # it names its page already (each page's findings are named: "<title>: ...")
        return [msg.FROM_MONOGRAPH.format(title=title, line=lines[0]), *lines[1:]]

    def _unlisted(self, u: Understanding, off_topic: Sequence[str], supplement: str | None) -> list[str]:
        """What the question names that the page in scope never does, said so, when the page lacks
        nothing else the question asks: kinds of note (the lexicon's ``unlisted``: "what are the side
        effects of <x>?") and medicines ("I'm on <medicine>; ..."). The page's own words on the rest
        follow. Anything else it lacks still leaves the question unanswered."""
        kinds, medicines = vocabulary().lexicon.unlisted, medicine_names()
        if supplement is None or any(t not in kinds and t not in medicines for t in off_topic):
            return []
        named = [t for t in dict.fromkeys(off_topic) if t in medicines]
        if named and not said_in_passing(u.question, named):
            return []  # "is it safe with <medicine>?": asked of the medicine, which the page never mentions
        title = self._title(supplement)
        said = self._unlisted_kinds(u, supplement, title)
        if not said and any(t in kinds for t in off_topic):
            return []  # a kind of note the lines would not settle
        return said + [msg.UNMENTIONED.format(title=title, medicine=medicines[t]) for t in named]

    def _unmentioned(self, u: Understanding, supplement: str | None, off_topic: Sequence[str]) -> list[str]:
        """Whether it is ok to take the supplement together with a nutrient no monograph is about and
        its page never mentions ("can I take <another nutrient> with my <supplement> tablets?"): the
        page says nothing of taking the two together, said first (of a question in scope)."""
        q = without_negated_mentions(u.question)
        if (off_topic or supplement is None or u.asks_about or not asks_safety(q)
                or self.catalog.named_supplements(q) != [supplement]
                or not cue(vocabulary().lexicon.together).search(fold(q))):
            return []
        lex = self.retriever.lexical
        vocab = lex.vocab_of.get(supplement, lex.vocab)
        others = [n for n in self.catalog.foreign_nutrients(q, supplement)
                  if n.casefold() not in self.catalog.page_of
                  and not all(t in vocab for t in content_tokens(n))]
        title = self._title(supplement)
        return [msg.UNMENTIONED.format(title=title, medicine=n) for n in dict.fromkeys(others)]

    def _unlisted_kinds(self, u: Understanding, supplement: str, title: str) -> list[str]:
        """The kinds of note the question asks for that the page never names, said so ("<title> does
        not list side effects"); none for an amount named or a medicine asked about."""
        kinds = vocabulary().lexicon.unlisted
        lex = self.retriever.lexical
        vocab = lex.vocab_of.get(supplement, lex.vocab)
        asked = [t for t in dict.fromkeys(content_tokens(u.retrieval_question))
                 if t in kinds and t not in vocab]
        # "side effects of <a medicine>?" asks of the medicine, which its cautions answer; "side effects
        # at <amount>?" asks whether that amount is safe, which these lines would not settle
        if not asked or any(c != DOSE_RISK_CLASS for c in u.asks_about) or parse_doses(u.question):
            return []
        return [msg.UNLISTED.format(title=title, topic=kinds[t]) for t in asked]

    def _study_lines(self, book: CitationBook, studies: Sequence[FoundStudies], several: bool) -> list[str]:
        """The findings' lines; with several monographs in scope, each monograph's first line names it."""
        lines: list[str] = []
        for sup, sq, records in studies:
            cited = {c.doc_id or c.chunk_id for r in records for c in r.cited_by}  # the prose citing them
            docs = self.retriever.documents.get([*(r.doc_id or r.chunk_id for r in records), *cited])
            if (found := compose_studies(sq, records, docs, book, nearest=not several)) and several:
                found[0] = msg.FROM_MONOGRAPH.format(title=self._title(sup), line=found[0])
            lines += found
        return lines

    def _one_product_body(self, u: Understanding, one: OneProduct, dq: DosageQuery | None,
                          hits: Sequence[Hit], book: CitationBook, supplement: str | None,
                          studies: Sequence[FoundStudies] = (), several: bool = False,
                          study: StudyRecord | None = None) -> Composition:
        """A question about one product: its amounts, then the field it asks for those people, and the
        study it sets the product beside (compared); when the research findings answer it too
        (``studies``), the product's amounts and then the study beside them, else those findings.
        ``study``: the one it is set beside, when already found."""
        lines, table = compose_one_product(one, self._product_docs(one.products()), book)
        lines += self._holders_instead(one, book, supplement)
        if studies:
            beside = self._study_beside(u, one, book, study) or self._study_lines(book, studies, several)
            return Composition(lines + beside, table, states_gaps=True)
        return Composition(lines + self._own_field_lines(u, dq, hits, book, supplement)
                           + self._study_beside(u, one, book, study), table)

    def _claim_findings(self, u: Understanding, book: CitationBook) -> list[str]:
        """When a question about one product asks whether what it adds to its supplement does what
        its description claims ("does <product> absorb better because of the <nutrient>?"): the
        research findings of the product's page that name that nutrient, quoted and cited after the
        answer unless it quotes them already (a description claims; the findings are the evidence);
        that none of them names it, where none does."""
        if not asks_claim(u.question) or (product := self._product_of(u.question)
                                          or self._one_cited_product(book)) is None:
            return []
        held = {n.nutrient.casefold() for n in product.nutrients}
        added = [n for n in self.catalog.foreign_nutrients(u.question, product.supplement)
                 if n.casefold() in held]
        results = [r for r in self.studies.of(product.supplement) if r.result != "ongoing"]  # found: a result
        named = [n for n in added if any(names_nutrient(r, n) for r in results)]
        none = [msg.CLAIM_NONE.format(title=self._title(product.supplement), nutrient=n)
                for n in added if n not in named]
        cited = {c.chunk_id for c in book.citations}
        records = [r for r in results if r.chunk_id not in cited and any(names_nutrient(r, n) for n in named)]
        found = [self._quoted(d, book) for _, d in self._finding_docs(records)]
        if found:
            found[0] = msg.CLAIM_FINDINGS.format(nutrients=" and ".join(named), line=found[0])
        return found + none

    def _holders_instead(self, one: OneProduct, book: CitationBook, supplement: str | None) -> list[str]:
        """The supplement's products that state the nutrients asked of one product whose description
        mentions none of them ("does it have <x> too?" of a product without <x>: the one that has it),
        when a few alone do (an added nutrient, not the supplement's own)."""
        if (not one.nutrients or one.forms or one.kinds or one.detail or one.property or one.versus
                or supplement is None or any(stated(one.product, n) for n in one.nutrients)
                or {n.casefold() for n in one.nutrients} & self.catalog.own_nutrients.get(supplement, set())):
            return []
        others = [p for p in self.catalog.products_of.get(supplement, [])
                  if p.id != one.product.id and all(stated(p, n) for n in one.nutrients)]
        if not others or len(others) > MAX_HOLDERS_INSTEAD:
            return []
        pq = ProductQuery(nutrient=one.nutrients[0], form=None, direction=None, nutrients=one.nutrients)
        return compose_products(pq, others, self._product_docs(others), book)[0]

    def _study_beside(self, u: Understanding, one: OneProduct, book: CitationBook,
                      study: StudyRecord | None = None) -> list[str]:
        """The one study a question about one product sets it beside ("is <product> the same dose as
        the <...> study?", "more <nutrient> than the study that tested <x>?", "is that more than
        <product>?" after an answer citing one finding): its finding, cited, and how the product's
        amount of each nutrient asked compares with the study's dose."""
        if (found := study or self._study_set_beside(u, one.products())) is None:
            return []
        p = one.product
        doc = self._product_docs([p]).get(p.id)
        asked = {n.casefold() for n in one.nutrients}
        amounts = [Beside(msg.PRODUCT_AMOUNT.format(product=p.name or p.title, nutrient=n.nutrient + (
                              f" ({n.form})" if n.form else "")),
                          n.dose, ug, n.nutrient, book.cite(doc), n.form)
                   for n in p.nutrients if doc is not None and n.dose is not None
                   and (ug := n.micrograms) is not None and (not asked or n.nutrient.casefold() in asked)
                   # a product that states the parts of a nutrient measures it by them, not by the
                   # amount it gives the whole ("1,000 mg of <oil>" is not 1,000 mg of its parts)
                   and not stated_parts(p, n.nutrient)]
        docs = self.retriever.documents.get([found.doc_id or found.chunk_id])
        return finding_lines(found, docs, book, amounts)

    def _study_set_beside(self, u: Understanding, products: Sequence[Product]) -> StudyRecord | None:
        """The one study a turn about these products names (their names and amounts in it describe
        them, not the study), else the one finding the last answer cited that it points back at;
        looked for among the findings of the first product's page and of the pages the turn names."""
        masked = u.question
        for p in products:
            written = {(n.dose.low, n.dose.unit) for n in p.nutrients if n.dose is not None}
            for d in reversed(parse_doses(masked)):
                if (d.low, d.unit) in written:
                    masked = masked[:d.start] + " " * (d.end - d.start) + masked[d.end:]
            if p.name:
                masked = re.sub(re.escape(p.name), " ", masked, flags=re.IGNORECASE)
        pages = dict.fromkeys([products[0].supplement, *self.catalog.named_supplements(masked)])
        records = [r for page in pages for r in self.studies.of(page)]  # not every page's (a catalogue)
        return described_study(masked, records) or self._replied_study(u, masked, records)

    def _replied_study(self, u: Understanding, masked: str,
                       records: Sequence[StudyRecord]) -> StudyRecord | None:
        """The one finding the last answer cited, when a follow-up sets what it names beside it ("is
        that a lot more than what's in <product>?"); None when it does not, or the answer cited
        none, or several."""
        if not u.followup or sets_beside_reply(masked) is None:
            return None
        pieces = [p.strip(" .;") for p in MARKER_SPLIT.split(self._without_notes(u.reply))]
        # a piece is a finding's words, or a lead and then them ("Research findings ...: <finding>")
        cited = {id(r): r for part in pieces if content_tokens(part) and (r := (
            finding_written(part, records) or finding_written(part.partition(": ")[2], records))) is not None}
        return next(iter(cited.values())) if len(cited) == 1 else None

    def _dosage_lines(self, u: Understanding, dq: DosageQuery | None, hits: Sequence[Hit], book: CitationBook,
                      supplement: str | None, no_numbers: bool, whole: bool = False) -> list[str]:
        """A question about Dosage Guide fields that their values as records settle (the people it
        names, a unit, an amount against the limit, a blank field or a value without a number);
        ``whole``: any field asked about, stated with all its values."""
        if no_numbers or supplement is None or dq is None:
            return []
        docs = self._field_docs(supplement, dq.fields, hits)
        if not docs:
            return []
        said = None if u.personal else referral(u.classes)  # a personal request gets it at the end anyway
        held = self._held_amount(u, supplement) if dq.amount is not None else None
        first = [line for p in ([held.product, *([held.also] if held.also else [])] if held else [])
                 for line in self._holding_line(p, book, whole=self._held_safety(u, dq, supplement))
                 ] if held and held.dose == dq.amount else []  # compared: first
        total = None if dq.amount is not None else self._servings_total(u, supplement)
        if total is not None and not first:  # the product whose servings are counted, first
            first = self._holding_line(total.product, book)
        lines = compose_dosage(dq, docs, book, self.catalog.primary_nutrient(supplement), said, whole=whole)
        at = len(lines) - 1 if said is not None and lines and lines[-1] == said else len(lines)
        above = self._notes_above(dq.amount or (total.dose if total else None), dq, supplement, book)
        return first + lines[:at] + above + lines[at:]  # the referral last

    def _ranked_above_limit(self, pq: ProductQuery, first: Sequence[tuple[Product, Measure]],
                            supplement: str | None, book: CitationBook) -> list[str]:
        """After "which has the most <nutrient>?" (or "is there one with <amount>?", answered by the one
        product that has it or the nearest): that one serving of the product the answer names first
        (``first``) is above the upper limit of the nutrient's own monograph, where it is above every
        value (a ranking alone reads as a recommendation); and so for each other nutrient it states,
        after what it holds of it (the strongest <A> + <B> product may be above <B>'s limit)."""
        ranked = pq.nutrient or self.catalog.primary_nutrient(supplement)
        if not first and lists_only(pq) and ranked:  # a list of them: those one serving of is above it
            return self._listed_above_limit(ranked, book)
        if not first or pq.place != 1:
            return []
        product = first[0][0]
        lines = self._serving_above_limit(ranked, first[0][1].micrograms, book)
        for n in product.nutrients:  # what else one serving of it holds, against that one's own limit
            if n.amount and (ranked is None or n.nutrient.casefold() != ranked.casefold()) and (
                    above := self._serving_above_limit(n.nutrient, n.micrograms, book, named=True)) and (
                    held := self._holding_amount(product, n, book, msg.PRODUCT_ALSO_HOLDS)):
                lines += [held, *above]
        return lines

    def _listed_above_limit(self, nutrient: str, book: CitationBook) -> list[str]:
        """After a list of the products with ``nutrient``: each listed (cited) whose one serving is
        above every value of that nutrient's upper limit, with what it holds, then the limit once."""
        by_id = self.catalog.product_by_id
        listed = [by_id[i] for i in dict.fromkeys(c.product_id for c in book.citations if c.product_id)
                  if i in by_id]
        held, ug = list[str](), None
        for product in listed:
            n = product.nutrient(nutrient)
            over = n is not None and self._limit_docs_above(n.nutrient, n.micrograms) is not None
            if n is not None and over and (line := self._holding_amount(product, n, book, msg.PRODUCT_HOLDS)):
                held, ug = [*held, line], ug or n.micrograms
        return [*held, *self._serving_above_limit(nutrient, ug, book)] if held else []

    def _holding_amount(self, product: Product, n: ProductNutrient, book: CitationBook, template: str) -> str:
        """What one serving of the product holds of a nutrient, in ``template``, cited to its passage
        (the amount highlighted); "" when its passage is not found."""
        doc = self._product_docs([product]).get(product.id)
        if doc is None or not n.amount:
            return ""
        said = template.format(product=product.name or product.title, nutrient=n.nutrient, amount=n.amount)
        return f"{said} [{cite_amount(book, doc, product, n.amount)}]"

    def _unheld_notes(self, u: Understanding, book: CitationBook, said: Sequence[str]) -> list[str]:
        """A follow-up that sets a product beside the field the last question asked of a nutrient
        ("does <product> go over it?" after that nutrient's limit, "is <product> enough?" after its
        allowance) names a product that states no amount of that nutrient: the answer says so (what
        follows is the product's own page's, or the field alone), citing the product, unless its lines
        say it already."""
        if not (u.followup and u.earlier):
            return []
        before = conversation_subject(
            u.earlier, lambda t: self.catalog.named_supplements(without_negated_mentions(t)))
        nutrient = self.catalog.primary_nutrient(before[0]) if len(before) == 1 else None
        if nutrient is None or (product := self._pointed_back_product(u, before[0])) is None:
            return []
        if (held := stated(product, nutrient)) is not None and held.dose is not None:
            return []
        note = msg.PRODUCT_STATES_NO_AMOUNT.format(product=product.title, nutrient=nutrient)
        doc = self._product_docs([product]).get(product.id)
        if doc is None or any(note.rstrip(".") in line for line in said):
            return []
        return [f"{note} [{book.cite(doc)}]"]

    def _cited_above_limit(self, u: Understanding, book: CitationBook, said: Sequence[str]) -> list[str]:
        """A personal question of an amount or of safety answered with one product's passage ("I'm 75
        and my vitamin d is low, how much a day?": the high-dose softgel): that one serving of it is
        above its nutrient's upper limit, where it is (the product reads as the dose to take), unless
        the answer cites the limit already or the question counts its own servings ("half a tablet":
        the limit comparison decides what a count holds). Asked of the limit ("<product> has <amount> of
        <nutrient>, is that above the <nutrient> limit?"), personal or not: for each nutrient asked that
        the product states, against that nutrient's own monograph (another page's, maybe)."""
        limit = dosage_cues().question.limit_field
        asked = parse_dosage_query(without_negated_mentions(u.question))
        of_limit = asked is not None and limit in asked.fields  # "is <product> over the <nutrient> limit?"
        asks = of_limit or asks_amount(u.question) or asks_safety(u.question)
        if (not (u.personal or of_limit) or not asks
                or fewer_than_one_serving(u.question) or servings_counted(u.question)  # its own count
                or any(c.subsection == limit for c in book.citations)):  # the limit is said already
            return []
        product = self._one_cited_product(book)
        if product is None:
            return []
        if of_limit and (named := [n for n in product.nutrients if n.amount and any(
                same_nutrient(n.nutrient, m) for m in mentioned_nutrients(u.question))]):
            # the limit of each nutrient asked, from its own monograph (the product may be another page's),
            # said with the nutrient's name where it is not the product's own or several are asked
            own = self.catalog.primary_nutrient(product.supplement)
            return [line for n in named for line in self._serving_above_limit(
                n.nutrient, n.micrograms, book, named=len(named) > 1 or n.nutrient != own)]
        if of_limit and not u.personal:  # none of the nutrients asked is one the product states
            return []
        if (held := self._held(product, product.supplement)) is None:
            return []
        nutrient = self.catalog.primary_nutrient(product.supplement)
        return self._serving_above_limit(nutrient, held.micrograms, book)

    def _one_cited_product(self, book: CitationBook) -> Product | None:
        """The one product whose passages the answer cites (None when it cites none, or several)."""
        cited = {c.product_id for c in book.citations if c.product_id}
        if len(cited) != 1:
            return None
        return self.catalog.product_by_id.get(next(iter(cited)))

    def _serving_above_limit(self, nutrient: str | None, ug: float | None, book: CitationBook,
                             named: bool = False) -> list[str]:
        """That one serving holding ``ug`` of the nutrient is above the upper limit of its own monograph,
        cited, where it is above every value the field gives; else nothing. ``named``: the sentence
        names the nutrient (not the one the answer is about)."""
        if (docs := self._limit_docs_above(nutrient, ug)) is None or ug is None:
            return []
        dq = DosageQuery((dosage_cues().question.limit_field,), amount=_serving_dose(ug), servings=True)
        lines = compose_dosage(dq, docs, book, nutrient)
        if not named:
            return lines
        # said of another nutrient than the answer's: the sentence names it (every line is the "above" one)
        above = msg.LIMIT_SERVING_ABOVE.split(" the {")[0]
        own = msg.LIMIT_SERVING_NUTRIENT_ABOVE.format(nutrient=nutrient, field="{").split(" the {")[0]
        return [own + line[len(above):] if line.startswith(above) else line for line in lines]

    def _limit_docs_above(self, nutrient: str | None, ug: float | None) -> list[Document] | None:
        """The upper-limit field of the nutrient's own monograph, when one serving holding ``ug`` of it
        is above every value the field gives (None otherwise)."""
        page = self.catalog.page_of.get(nutrient.casefold()) if nutrient else None
        limit = dosage_cues().question.limit_field
        if page is None or ug is None or not (docs := self._field_docs(page, (limit,), [])):
            return None
        return docs if exceeds_every_limit(_serving_dose(ug), field_from_doc(docs[0]), nutrient) else None

    def _servings_total(self, u: Understanding, supplement: str) -> HeldAmount | None:
        """What the servings of one product the turn counts hold together ("3 <product> capsules a
        day"), to set beside a note's figure only: the page states no such total."""
        held = self._held_amount(u, supplement)
        if held is None or not held.several:
            return None
        name = held.product.name  # (the digits of the product's name count nothing: "<name> 1000")
        n = servings_counted(fold(u.question).replace(fold(name), " ") if name else u.question)
        return HeldAmount(held.product, times(held.dose, n), True) if n else None

    def _notes_above(self, amount: Dose | None, dq: DosageQuery, supplement: str,
                     book: CitationBook) -> list[str]:
        """The monograph's notes on amounts above a figure that the amount compared with its limit
        (or the servings counted hold together) exceeds ("doses above <x> have been associated
        with <harm>"), each cited, where the answer does not quote it already. Asked the limit alone,
        the notes on amounts above a figure below one the limit states: harm told of amounts the
        limit's own figures would allow."""
        if dosage_cues().question.limit_field not in dq.fields:
            return []
        if amount is not None:
            return self._note_lines_above(amount, supplement, book)
        f = self._limit_of(supplement)
        return [line for d in (d for v in (f.values if f else ()) if not v.per_weight for d in v.doses)
                for line in self._note_lines_above(d, supplement, book)]

    def _note_lines_above(self, amount: Dose, supplement: str, book: CitationBook) -> list[str]:
        """The monograph's notes on amounts above a figure that ``amount`` exceeds ("doses above <x>
        have been associated with <harm>"), each quoted whole and cited, where the answer does not
        quote it already."""
        return [self._quoted(d, book) for d in notes_above(amount, self._unquoted_notes([supplement], book))]

    def _held_safety(self, u: Understanding, dq: DosageQuery | None, supplement: str | None) -> bool:
        """Does the turn ask, in its own words, whether the amount one product it names holds is safe
        ("is one <product> a day ok?", "can I take <product> <in some way>?"), asking no field?"""
        if dq is None or dq.amount is None or not asks_amount_safety(u.question):
            return False
        held = self._held_amount(u, supplement)
        return (held is not None and held.dose == dq.amount
                and parse_dosage_query(without_negated_mentions(u.question)) is None)

    def _holding_line(self, product: Product, book: CitationBook, whole: bool = False) -> list[str]:
        """The product's first sentence, cited: the amount a limit is compared with, in its own words
        (``whole``: its whole description, what it is meant for too)."""
        doc = self._product_docs([product]).get(product.id)
        if doc is None or str(doc.metadata.get("chunk_id") or doc.id) in {c.chunk_id for c in book.citations}:
            return []  # none, or the answer states the product already
        said = sentences_of(product.text.strip())
        return [f"{' '.join(said) if whole else said[0]} [{book.cite(doc)}]"]

    def _without_notes(self, answer: str) -> str:
        """The last answer without the caution notes it quoted (with their markers): what a follow-up
        points at by its place ("the second of those") is among what the answer itself listed."""
        for doc in self.retriever.lexical.cautions:
            note = str(doc.metadata.get("text") or "").strip().rstrip(".")
            if note and note in answer:
                answer = re.sub(re.escape(note) + r"\.?\s*(?:\[\d+\]\s*)?", "", answer)
        return answer

    def _drawn_cautions(self, book: CitationBook, u: Understanding, supplement: str | None,
                        cautions: Sequence[Caution]) -> list[Caution]:
        """The cautions of the classes the answer draws on that the turn did not bring: a passage it
        cites names a class, or it cites a product above every upper limit (the notes on excess)."""
        drawn = mentioned_classes([c.snippet for c in book.citations], questions=False)
        scope = self._caution_scope(u, supplement)
        exceeded = self._over_limit_pages(book, u.question)
        over = [s for s in exceeded if scope is not None and s not in scope]
        if exceeded and DOSE_RISK_CLASS not in u.classes:
            drawn.append(DOSE_RISK_CLASS)
        extra = [c for c in drawn if c not in u.classes]
        held = {c.citation.chunk_id for c in cautions if c.citation}
        found = cautions_for(book, self.retriever.lexical.cautions, scope, extra) if extra else []
        # a class the turn brings that its pages have no note on, where the answer cites a page that
        # has one ("I'm on <medicine>, did the <other nutrient> study add <nutrient>?"): that note
        unmet = [c for c in u.classes if not any(c in x.kinds for x in cautions)]
        cited = tuple(dict.fromkeys(c.supplement for c in book.citations if c.supplement not in scope)
                      ) if unmet and scope is not None else ()
        if cited:
            found += cautions_for(book, self.retriever.lexical.cautions, cited, unmet)
        if over:  # the notes on excess of another page whose limit the product exceeds, asked or not
            found += cautions_for(book, self.retriever.lexical.cautions, tuple(over), [DOSE_RISK_CLASS])
        return [c for c in found if c.citation is None or c.citation.chunk_id not in held]

    def _over_limit_pages(self, book: CitationBook, question: str) -> list[str]:
        """When the answer is about one product (it cites one), the monographs whose own nutrient it
        holds above every value of their upper limit: its own page's, or, when the question names
        the product, another's ("<a product of one page> with <another page's nutrient>")."""
        limit = dosage_cues().question.limit_field
        pids = list(dict.fromkeys(c.product_id for c in book.citations if c.product_id))
        if not pids:
            return []
        named_one = named_product(question, self.catalog.all_products)
        if named_one is not None and named_one.id in pids and not cue(  # the product the question names
                product_cues().question.than).search(cue_fold(question)):  # (compared with none), whatever
            pids = [named_one.id]  # else the answer cites beside it ("the one that has <x>")
        forms = {name.casefold() for _, _, name in form_mentions(question)} if len(pids) > 1 else set()
        if forms and len(of_form := [  # "is <form> more constipating?": its product
                pid for pid in pids if pid in self.catalog.product_by_id and forms & {
                    f.casefold() for f in product_forms(self.catalog.product_by_id[pid])}]) == 1:
            pids = of_form
        if len(pids) != 1:  # an answer about one product (a list of several warns of none by itself)
            return []
        product = self.catalog.product_by_id.get(pids[0])
        if product is None:
            return []
        named = named_one == product
        over = []
        for supplement, primary in self.catalog.primary_of.items():
            dose = self._amount_of(product, supplement) if named or supplement == product.supplement else None
            docs = self._field_docs(supplement, [limit], []) if dose is not None else []
            if dose is not None and docs and exceeds_every_limit(dose, field_from_doc(docs[0]), primary):
                over.append(supplement)
        return over

    def _own_field_lines(self, u: Understanding, dq: DosageQuery | None, hits: Sequence[Hit],
                         book: CitationBook, supplement: str | None) -> list[str]:
        """The Dosage Guide field a question about one product asks in its own words too ("is
        <product>'s amount over the limit?", "would it cover my daily <nutrient>?"; whether it is
        enough: the allowance), as records."""
        allowance, enough = dosage_cues().question.allowance_field, False
        if dq is None and allowance and asks_sufficiency(without_negated_mentions(u.question)):
            dq, enough = DosageQuery((allowance,), sufficient=True), True  # "is it enough <x>?": the need
        elif dq is None or (parse_dosage_query(without_negated_mentions(u.question)) is None
                            and not (dq.amount is not None and _asks_of_amount(u, dq))):
            return []  # (or it asks whether the amount the product holds is safe, enough, or above
            # the field pointed back at)
        return self._dosage_lines(u, dq, hits, book, supplement, _no_numbers(u), whole=enough)

    def _field_then_passages(self, u: Understanding, dq: DosageQuery | None, hits: Sequence[Hit],
                             book: CitationBook, supplement: str | None, shown: frozenset[str]) -> list[str]:
        """A field asked for no people ("what's my daily <nutrient> supposed to be"): the field stated
        whole first (not left to the passages' best sentences), then the passages' own sentences (no
        product's, after the one allowance field asked alone, first in a conversation, of no form or
        product: a product after it reads as the dose to take)."""
        if dq is None or supplement is None or (  # the turn's own words ask the field, not its context's
                u.followup and parse_dosage_query(without_negated_mentions(u.question)) is None):
            return []
        lines = self._dosage_lines(u, dq, hits, book, supplement, False, whole=True)
        if not lines:
            return []
        cited = set(CITED.findall(" ".join(lines)))  # the field's sentences are not quoted twice
        stated = figure_answered(u.question, lines)  # the field states the figure: no line says none
        qc = dosage_cues().question
        allowance_alone = len(dq.fields) == 1 and dq.fields[0] not in (qc.limit_field, qc.treatment_field)
        if (not u.followup and allowance_alone and not dq.forms_asked
                and u.product_query is None and not about_products(u.question, self.catalog.slot_names)):
            # a product's passage after the daily allowance asked alone reads as the dose to take
            hits = [h for h in hits if h.document.metadata.get("kind") != "product"]
        return lines + [ln for ln in self._extractive(u, hits, book, False, shown)
                        if not cited & set(CITED.findall(ln)) and not (stated and ln == msg.NO_FIGURE)]

    def _limit_lines(self, u: Understanding, supplement: str, hits: Sequence[Hit],
                     book: CitationBook) -> list[str]:
        """The monograph's upper-limit field, quoted whole (for the people the question names, if any)."""
        docs = self._field_docs(supplement, [dosage_cues().question.limit_field], hits)
        return [cited_field(d, u.question, book) for d in docs]

    def _field_docs(self, supplement: str, fields: Sequence[str], hits: Sequence[Hit]) -> list[Document]:
        """The monograph's chunks of these Dosage Guide fields: retrieved, else fetched by id."""
        found = {str(m.get("title")): h.document for h in hits
                 if (m := h.document.metadata).get("kind") == "field" and m.get("supplement") == supplement}
        if missing := [f for f in fields if f not in found]:  # the monograph's chunks, by id (cached)
            ids = self.retriever.lexical.ids_of(supplement)
            fields_only = self.retriever.documents.get(ids, keep=lambda d: d.metadata.get("kind") == "field")
            for d in fields_only.values():
                if (title := str(d.metadata.get("title"))) in missing:
                    found.setdefault(title, d)
        return [found[f] for f in fields if f in found]

    def _refused(self, q: str, u: Understanding, support: float, hits: Sequence[Hit],
                 scoped: str | None) -> Answer:
        """The refusal of a question out of scope. One that asks of something no page covers, taken
        with a medicine ("<another supplement> with <a medicine>?", or a product the pages do not
        name), or the dose of a medicine, still shows every page's cautions on that medicine: what is
        known of it is never hidden; one asking of another medicine than the conversation's, the
        cautions the conversation brought (of the supplement asked about)."""
        answer = self._abstain(q, support, u.corrected)  # (the question as asked, not as corrected)
        if u.other_medicine:  # "what about <another medicine>?": the earlier one's cautions still apply
            classes = [c for c in u.classes if c != DOSE_RISK_CLASS]
            named = self.catalog.named_supplements(u.retrieval_question)
            scope: str | list[str] | None = scoped or named or None  # none named: every page's
        else:
            classes = [c for c in u.asks_about if c != DOSE_RISK_CLASS]
            scope = None
            if not classes or not (self._asks_a_medicines_own(u)
                                   or self._takes_unknown(u, hits, self._scope_names(u, scoped))):
                return answer
        book = CitationBook()
        cautions = cautions_for(book, self.retriever.lexical.cautions, scope, classes)
        return answer.model_copy(update={"cautions": cautions, "citations": book.citations})

    def _abstain(self, q: str, support: float, corrected: dict[str, str] | None = None,
                 cautions: Sequence[Caution] = ()) -> Answer:
        """The refusal; where to get help now before it, when too much may have been taken. The
        cautions that apply to the turn still come with it (each with its own passage)."""
        urgent = urgent_referral(q)
        return Answer(question=q, text=f"{urgent} {msg.ABSTAIN_MESSAGE}" if urgent else msg.ABSTAIN_MESSAGE,
                      abstained=True, mode="abstained", support=support, corrected=corrected or {},
                      cautions=list(cautions), citations=[c.citation for c in cautions if c.citation])

    def _emit(self, answer: Answer) -> Iterator[StreamEvent]:
        yield SourcesEvent(citations=answer.citations, cautions=answer.cautions)
        parts = re.split(r"(?<=\])\s+", answer.text) if not answer.abstained else [answer.text]
        for i, part in enumerate(parts):
            yield TextEvent(delta=(part if i == 0 else " " + part))
        yield AnswerEvent(answer=answer)
