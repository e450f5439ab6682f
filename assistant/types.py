"""The typed results of the assistant: answers, citations, cautions and stream events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """One numbered source of an answer.

    ``snippet`` is verbatim text of ``source`` at ``span``; ``highlights`` are the (start, end)
    offsets, relative to ``snippet``, of the sentences that the answer quotes.
    """

    marker: int = Field(description="The n of the [n] marker in the answer text (1-based).")
    chunk_id: str = Field(description="Stable id of the indexed chunk.")
    supplement: str = Field(description="Slug of the monograph, e.g. 'vitamin-k2'.")
    section: str = Field(description="The monograph's own heading, e.g. 'Clinical Notes'.")
    subsection: str | None = Field(default=None, description="A Dosage Guide field, a finding number...")
    title: str = Field(description="Human title of the passage (product title, field name...).")
    source: str = Field(description="Source file, relative to the corpus folder.")
    snippet: str = Field(description="Verbatim source text of the cited passage.")
    span: tuple[int, int] = Field(description="(start, end) character offsets of snippet in source.")
    highlights: list[tuple[int, int]] = Field(default_factory=list)
    score: float = Field(default=0.0, description="Retrieval score of the passage.")
    ref: int | None = Field(default=None, description="Research finding number, when it is one.")
    product_id: str | None = None


class Caution(BaseModel):
    """A safety note that must be shown with the answer, in the source's own words."""

    kind: str = Field(default="", description="The interaction class the caution is shown for, e.g. "
                      "'anticoagulant' (the classes: assistant/domain/vocabulary/interactions.yaml).")
    kinds: list[str] = Field(default_factory=list, description="Every class the note names.")
    text: str
    citation: Citation | None = None


class ProductRow(BaseModel):
    """One row of a product comparison table."""

    product: str
    nutrient: str
    amount: str | None = Field(default=None, description="The amount as written in the source.")
    unit: str | None = None
    form: str | None = None
    marker: int


class DroppedSentence(BaseModel):
    """A generated sentence the grounding gate removed, and which of its checks removed it."""

    sentence: str = Field(description="The sentence as the model wrote it (with its [n] markers).")
    check: str = Field(description="The gate check that dropped it, e.g. 'polarity', 'numbers'.")
    reason: str = Field(description="Why, in words.")


class Answer(BaseModel):
    """What :meth:`assistant.Assistant.ask` returns. Serialises with ``model_dump()``/``to_dict()``."""

    question: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    cautions: list[Caution] = Field(default_factory=list)
    abstained: bool = False
    mode: Literal["extractive", "generative", "fallback", "abstained"] = "extractive"
    table: list[ProductRow] = Field(default_factory=list)
    dropped: list[DroppedSentence] = Field(
        default_factory=list, description="Generated sentences the grounding gate dropped, with the check.")
    support: float = Field(default=0.0, description="Support score that decided abstention.")
    corrected: dict[str, str] = Field(
        default_factory=dict, description="Misspelt words of the question and what they were read as, "
        "e.g. {'limt': 'limit'} (the question is answered as corrected; `question` shows it as typed).")

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class SourcesEvent(BaseModel):
    type: Literal["sources"] = "sources"
    citations: list[Citation]
    cautions: list[Caution] = Field(default_factory=list)


class TextEvent(BaseModel):
    type: Literal["text"] = "text"
    delta: str


class AnswerEvent(BaseModel):
    type: Literal["answer"] = "answer"
    answer: Answer


StreamEvent = SourcesEvent | TextEvent | AnswerEvent
