"""The public Python API: :class:`Assistant`.

Example:
    >>> from assistant import Assistant                        # doctest: +SKIP
    >>> a = Assistant()                                         # doctest: +SKIP
    >>> ans = a.ask("Does K2 interfere with Coumadin?")         # doctest: +SKIP
    >>> ans.cautions[0].citation.section                        # doctest: +SKIP
    'Clinical Notes'
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer.cautions import (
    REFERRAL,
    REFERRAL_GENERAL,
    caution_passages,
    is_personal_request,
    mentions_anticoagulant,
)
from assistant.answer.extractive import (
    ABSTAIN_MESSAGE,
    CitationBook,
    compose_extractive,
    compose_products,
    parse_product_query,
)
from assistant.answer.gate import MARKER_RE, build_messages, check_sentence, make_llm, sentences_from_stream
from assistant.config import Settings, get_settings
from assistant.corpus import Corpus, CorpusError, Product, load_corpus
from assistant.index.embeddings import load_embeddings
from assistant.index.knowledge import IndexBusyError, KnowledgeIndex, SyncResult
from assistant.normalize import content_tokens, expand_query, fold, raw_tokens, stem, surface_forms
from assistant.normalize import tokens as lex_tokens
from assistant.retrieval import Hit, HybridRetriever
from assistant.types import (
    Answer,
    AnswerEvent,
    Caution,
    ProductRow,
    SourcesEvent,
    StreamEvent,
    TextEvent,
)

log = logging.getLogger(__name__)

Turn = dict[str, str]

_FOLLOWUP = re.compile(
    r"^(?:so|then|and|also|but|ok|okay|well)\b|"
    r"\b(they|them|their|it|its|that|this|those|these|there|he|she|same|the study|the trial|"
    r"the product|the one|that one|this one|the form|the dose|what about|how about|and for)\b"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: cosine above which a word the corpus does not contain still counts as covered (a near synonym)
SYNONYM_COSINE = 0.72
#: how far (1 - cosine) removing a word must move the question's embedding for it to be a topic
TOPIC_SHIFT = 0.03


def _without_term(lexical_question: str, term: str) -> str:
    """The (lexical form of the) question with every token whose stem is ``term`` removed."""
    return " ".join(t for t in raw_tokens(lexical_question) if stem(t) != term)


def _model_tokens(llm: BaseChatModel, messages: list[Any]) -> Iterator[str]:
    """The model's reply as text pieces; a model that fails mid-way just ends the reply (the gate
    and the extractive fallback take it from there), so a model outage never breaks an answer."""
    try:
        for chunk in llm.stream(messages):
            yield str(chunk.content)
    except Exception as exc:  # any provider error: connection, rate limit, bad response
        log.warning("chat model failed (%s: %s); falling back to the extractive answer",
                    type(exc).__name__, exc)


def clean_question(question: Any, max_chars: int) -> str:
    """Validate and tidy a question; ``ValueError`` with a clear message when unusable."""
    if not isinstance(question, str):
        raise ValueError(f"the question must be text, not {type(question).__name__}")
    q = unicodedata.normalize("NFC", question)
    q = _CONTROL.sub(" ", q).strip()
    if not q:
        raise ValueError("the question is empty: type a question about the monograph")
    if len(q) > max_chars:
        raise ValueError(f"the question is {len(q):,} characters long; the limit is {max_chars:,}")
    return q


def check_history(history: Sequence[Turn] | None) -> list[Turn]:
    out: list[Turn] = []
    for i, turn in enumerate(history or []):
        if not isinstance(turn, dict) or turn.get("role") not in {"user", "assistant"}:
            raise ValueError(f"history turn {i} must be {{'role': 'user'|'assistant', 'content': str}}")
        content = turn.get("content")
        if not isinstance(content, str):
            content = str(content) if content is not None else ""
        out.append({"role": str(turn["role"]), "content": content})
    return out


@dataclass(frozen=True)
class CorpusFacts:
    """What questions look up in the corpus, worked out once per corpus (it may hold thousands of
    monographs): the words of the supplements' names, each supplement's products, every nutrient."""

    name_words: frozenset[str]
    titles: tuple[tuple[str, frozenset[str]], ...]
    products_of: dict[str, list[Product]]
    nutrient_names: list[str]

    @classmethod
    def of(cls, corpus: Corpus) -> CorpusFacts:
        names: set[str] = {"act", "vitamin"}
        titles: list[tuple[str, frozenset[str]]] = []
        for m in corpus.monographs:
            words = frozenset(content_tokens(m.title))
            names.update(words)
            titles.append((m.slug, words))
            titles.extend((m.slug, frozenset(content_tokens(a))) for a in m.aliases)
        products_of: dict[str, list[Product]] = {}
        for p in corpus.products:
            products_of.setdefault(p.supplement, []).append(p)
        nutrients = list(dict.fromkeys(n.nutrient for p in corpus.products for n in p.nutrients))
        return cls(frozenset(names), tuple((s, w) for s, w in titles if w), products_of, nutrients)

    def named_supplement(self, question: str) -> str | None:
        """The supplement whose full name (or alias) the question contains; the longest wins."""
        words = set(content_tokens(question))
        best = max(((len(w), s) for s, w in self.titles if w <= words), default=None)
        return best[1] if best else None


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
        >>> a.ask("What dose of MK-4 was used in women with osteoporosis?").text  # doctest: +SKIP
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
        self.corpus = load_corpus(self.settings.corpus_dir)
        self.last_sync: SyncResult | None = None
        if sync:
            try:
                self.last_sync = self.index.sync(self.corpus, show_progress=show_progress)
            except IndexBusyError:
                if not self.index.committed:
                    raise
                log.warning("the index is being updated by another process; serving the current one")
        self.retriever = HybridRetriever(index=self.index, k=self.settings.k)
        self.retriever.refresh()
        self._vocab_vectors: tuple[list[str], np.ndarray] | None = None
        self._vocab_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self.llm: BaseChatModel | None = llm if llm is not None else make_llm(self.settings)
        self.chain: Runnable[Any, Answer] = RunnableLambda(self._invoke_chain, name="assistant")

    # ------------------------------------------------------------------ public API

    def ask(self, question: str, history: Sequence[Turn] | None = None, *,
            filters: dict[str, str] | None = None) -> Answer:
        """Answer one question. Raises ``ValueError`` for an empty or over-long question."""
        q = clean_question(question, self.settings.max_question_chars)
        turns = check_history(history)
        self.refresh_if_stale()
        return self._answer(q, turns, filters)

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
        yield from self._run(q, turns, filters)

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
            self.retriever.refresh()
            self._vocab_vectors = None
            log.info("now serving index %s", self.index.data_dir.name)
            return True

    @property
    def supplements(self) -> list[str]:
        return [m.slug for m in self.corpus.monographs]

    # ------------------------------------------------------------------ internals

    def _invoke_chain(self, inp: Any) -> Answer:
        if isinstance(inp, str):
            return self.ask(inp)
        if isinstance(inp, dict):
            return self.ask(inp.get("question", ""), inp.get("history"), filters=inp.get("filters"))
        raise ValueError("chain input must be a question string or {'question': ..., 'history': [...]}")

    def _effective_question(self, q: str, turns: list[Turn]) -> tuple[str, bool]:
        """Resolve a follow-up ('and which dose was that?') with the previous user question.

        Returns (question to retrieve with, whether it is a follow-up)."""
        prev = [t["content"] for t in turns if t["role"] == "user" and t["content"].strip()]
        if not prev:
            return q, False
        own = content_tokens(q)
        if _FOLLOWUP.search(fold(q)) or len(own) <= 1:
            return f"{prev[-1]} {q}", True
        return q, False

    @property
    def corpus(self) -> Corpus:
        """The parsed corpus (the structured products come from here)."""
        return self._corpus

    @corpus.setter
    def corpus(self, corpus: Corpus) -> None:
        self._corpus = corpus
        self._facts = CorpusFacts.of(corpus)

    def _is_general(self, question: str) -> bool:
        """A question with no topic beyond the supplement's own names (and 'acts': what it does)."""
        return not (set(content_tokens(question)) - self._facts.name_words)

    def _product_scope(self, question: str, filters: dict[str, str] | None,
                       best: str | None) -> list[Product]:
        """The products a product question is about: those of the supplement it filters on, or
        names, or, failing both, ``best`` (the best passage's). One monograph: all its products."""
        facts = self._facts
        if len(facts.products_of) <= 1:
            return list(self.corpus.products)
        chosen = (filters or {}).get("supplement") or facts.named_supplement(question) or best
        return list(facts.products_of.get(chosen or "", []))

    def _vocab(self) -> tuple[list[str], np.ndarray]:
        """Embeddings of the corpus vocabulary (built once, on the first unknown word)."""
        with self._vocab_lock:
            return self._build_vocab()

    def _build_vocab(self) -> tuple[list[str], np.ndarray]:
        if self._vocab_vectors is None:
            forms: dict[str, str] = {}
            for page in self.index.document_pages():
                for d in page:
                    for k, v in surface_forms(str(d.metadata.get("text", d.page_content))).items():
                        forms.setdefault(k, v)
            words = sorted(forms)
            vecs = np.asarray(self.embeddings.embed_documents([forms[w] for w in words]), dtype=np.float32)
            self._vocab_vectors = (words, vecs)
        return self._vocab_vectors

    def support(self, question: str, hits: Sequence[Hit]) -> tuple[float, list[str]]:
        """How well the corpus covers the question.

        Returns (score, off_topic): ``score`` (0..1) is the better of the best passage's dense
        similarity and its IDF-weighted share of the question's topic words; ``off_topic`` are
        topic words the corpus does not contain, has no near synonym for (cosine below
        ``SYNONYM_COSINE``), and that carry meaning in the question (removing the word moves the
        question's embedding by at least ``TOPIC_SHIFT``). Any such word means the monograph
        does not cover the question ("K2 for migraines", "K2 in pregnancy").
        """
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
        unknown = [t for t in terms if t not in lex.vocab and not re.search(r"\d", t)]
        if not unknown:
            return score, []
        words, vecs = self._vocab()
        lq = " ".join(raw_tokens(question))
        variants = [_without_term(lq, t) for t in unknown]
        enc = np.asarray(self.embeddings.embed_documents(
            [t.replace("_", " ") for t in unknown] + [lq] + variants), dtype=np.float32)
        term_vecs, qvec, var_vecs = enc[: len(unknown)], enc[len(unknown)], enc[len(unknown) + 1:]
        sims = term_vecs @ vecs.T if len(words) else np.zeros((len(unknown), 1))
        off_topic = [
            t for t, row, v in zip(unknown, sims, var_vecs, strict=True)
            if float(row.max()) < SYNONYM_COSINE and 1.0 - float(qvec @ v) >= TOPIC_SHIFT
        ]
        return score, off_topic

    def _abstain(self, q: str, support: float) -> Answer:
        return Answer(question=q, text=ABSTAIN_MESSAGE, abstained=True, mode="abstained", support=support)

    def _cautions(self, book: CitationBook, supplement: str | None) -> list[Caution]:
        out: list[Caution] = []
        for doc in caution_passages(self.retriever.lexical.cautions, supplement):
            marker = book.cite(doc, (0, len(str(doc.metadata.get("text", "")))))
            out.append(Caution(kind="anticoagulant", text=str(doc.metadata.get("text")),
                               citation=book.citations[marker - 1]))
        return out

    def _product_docs(self, products: Sequence[Product]) -> dict[str, Document]:
        """The chunks of these products (fetched by id; the corpus may hold thousands)."""
        chunks = self.retriever.lexical.product_chunks
        ids = {p.id: chunks[p.id] for p in products if p.id in chunks}
        docs = self.retriever.documents.get(list(ids.values()))
        return {pid: docs[cid] for pid, cid in ids.items() if cid in docs}

    def _run(self, q: str, turns: list[Turn], filters: dict[str, str] | None) -> Iterator[StreamEvent]:
        """The whole pipeline as events: sources, text, then the final Answer."""
        s = self.settings
        eq, followup = self._effective_question(q, turns)
        # cautions follow the whole conversation; a new topic ("and migraines?") is judged on its own
        anticoag = mentions_anticoagulant([q, *[t["content"] for t in turns if t["role"] == "user"]])
        asks_anticoag = bool(mentions_anticoagulant([eq]) or (followup and anticoag))
        personal = is_personal_request(q)
        book = CitationBook()
        lines: list[str] = []
        table: list[ProductRow] = []

        nutrient_names = self._facts.nutrient_names
        pq = parse_product_query(q, nutrient_names) or (
            parse_product_query(eq, nutrient_names) if eq != q else None)
        nq = expand_query(eq)
        hits = self.retriever.search(eq, k=s.k, filters=filters, query=nq).hits
        if self._is_general(eq) and not pq:
            # "what does K2 do?": nothing but the supplement's name -> the page's own summary first
            overview = self.retriever.search(eq, k=2, filters={**(filters or {}), "kind": "prose"},
                                             query=nq).hits
            hits = overview or hits
        support, off_topic = (1.0, []) if (asks_anticoag or pq) else self.support(eq, hits)
        if off_topic or support < s.abstain_threshold:
            yield from self._emit(self._abstain(q, support))
            return

        supplement = (filters or {}).get("supplement") or (
            str(hits[0].document.metadata.get("supplement")) if hits else None)
        cautions: list[Caution] = []
        if anticoag:
            cautions = self._cautions(book, supplement)
            for c in cautions:
                if c.citation is not None:
                    lines.append(f"{c.text.rstrip('.')}. [{c.citation.marker}]")
        shown = frozenset(c.citation.chunk_id for c in cautions if c.citation)
        no_numbers = bool(anticoag) and personal
        mode: str = "extractive"
        dropped: list[str] = []

        if pq is not None:  # across products: from the structured amounts
            products = self._product_scope(eq, filters, supplement)
            plines, table = compose_products(pq, products, self._product_docs(products), book)
            lines.extend(plines)
        elif self.llm is not None:  # a chat model writes, the gate checks (events stream as they pass)
            mode = yield from self._compose_generative(eq, hits, book, cautions, lines, dropped,
                                                       anticoag, no_numbers, shown)
        else:
            lines.extend(self._extractive(eq, hits, book, anticoag, no_numbers, shown))
        if not anticoag and any(mentions_anticoagulant([c.snippet]) for c in book.citations):
            cautions = self._cautions(book, supplement)  # the answer draws on an anticoagulant passage
        if personal:
            lines.append(REFERRAL if anticoag else REFERRAL_GENERAL)
        if not lines:
            yield from self._emit(self._abstain(q, support))
            return
        answer = Answer(question=q, text=" ".join(lines), citations=book.citations, cautions=cautions,
                        abstained=False, mode=mode, table=table, support=support,  # type: ignore[arg-type]
                        dropped=dropped)
        if mode == "extractive":
            yield from self._emit(answer)
        else:
            if personal:
                yield TextEvent(delta=lines[-1])
            yield AnswerEvent(answer=answer)

    def _compose_generative(self, eq: str, hits: Sequence[Hit], book: CitationBook, cautions: list[Caution],
                            lines: list[str], dropped: list[str], anticoag: Sequence[str], no_numbers: bool,
                            shown: frozenset[str]) -> Generator[StreamEvent, None, str]:
        """The sources first, then each sentence as soon as it passes the gate (appended to
        ``lines``; the dropped ones to ``dropped``); the extractive answer when too few pass.
        Returns the mode: ``generative`` or ``fallback``."""
        preview = CitationBook()
        for h in hits:
            preview.cite(h.document, score=h.dense_score)
        yield SourcesEvent(citations=preview.citations, cautions=cautions)
        for line in lines:
            yield TextEvent(delta=line + " ")
        kept = 0
        for line, reason in self._generate(eq, hits, book, no_numbers):
            if reason is not None:
                dropped.append(line)
                continue
            kept += 1
            lines.append(line)
            yield TextEvent(delta=line + " ")
        if kept >= self.settings.llm_min_kept:
            return "generative"
        extra = self._extractive(eq, hits, book, anticoag, no_numbers, shown)
        lines.extend(extra)
        for line in extra:
            yield TextEvent(delta=line + " ")
        return "fallback"

    def _emit(self, answer: Answer) -> Iterator[StreamEvent]:
        yield SourcesEvent(citations=answer.citations, cautions=answer.cautions)
        parts = re.split(r"(?<=\])\s+", answer.text) if not answer.abstained else [answer.text]
        for i, part in enumerate(parts):
            yield TextEvent(delta=(part if i == 0 else " " + part))
        yield AnswerEvent(answer=answer)

    def _extractive(self, eq: str, hits: Sequence[Hit], book: CitationBook, anticoag: Sequence[str],
                    no_numbers: bool, shown: frozenset[str]) -> list[str]:
        s = self.settings
        lex = self.retriever.lexical
        limit = s.max_answer_sentences if not anticoag else max(1, s.max_answer_sentences - 1)
        return compose_extractive(eq, content_tokens(eq), hits, lex.idf, lex.max_idf, limit, book,
                                  exclude_numbers=no_numbers, skip_chunks=shown)

    def _generate(self, question: str, hits: Sequence[Hit], book: CitationBook,
                  no_numbers: bool) -> Iterator[tuple[str, str | None]]:
        """(sentence, None) for each generated sentence that passes the gate, renumbered to the
        answer's citations; (sentence, reason) for each one dropped."""
        assert self.llm is not None
        passages = [str(h.document.metadata.get("text", h.document.page_content)) for h in hits]
        tokens_ = _model_tokens(self.llm, build_messages(question, hits))
        for sentence in sentences_from_stream(tokens_):
            refs, reason = check_sentence(sentence, passages)
            prose = MARKER_RE.sub(" ", sentence).strip()
            if reason is None and no_numbers and re.search(r"\d", prose):
                reason = "a number in answer to a personal-dose request"
            if reason is not None:
                yield sentence, reason
                continue
            markers = [book.cite(hits[r - 1].document, score=hits[r - 1].dense_score) for r in refs]
            yield f"{prose} " + "".join(f"[{m}]" for m in dict.fromkeys(markers)), None

    def _answer(self, q: str, turns: list[Turn], filters: dict[str, str] | None) -> Answer:
        final: Answer | None = None
        for event in self._run(q, turns, filters):
            if isinstance(event, AnswerEvent):
                final = event.answer
        assert final is not None
        return final
