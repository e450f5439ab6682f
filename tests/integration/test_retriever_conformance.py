"""LangChain's standard retriever conformance suite, run on the real hybrid retriever."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant import Assistant
from assistant.retrieval import HybridRetriever


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    _index: Any = None

    @pytest.fixture(autouse=True)
    def _bind_index(self, assistant: Assistant) -> None:
        type(self)._index = assistant.index

    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"index": type(self)._index}

    @property
    def retriever_query_example(self) -> str:
        return "MK-4 dose in postmenopausal women with osteoporosis"


def test_filters_narrow_to_a_section(assistant: Assistant) -> None:
    docs = assistant.retriever.invoke("warfarin", k=3, filters={"section": "Research"})
    assert docs and all(d.metadata["section"] == "Research" for d in docs)


def test_scores_are_in_metadata(assistant: Assistant) -> None:
    doc = assistant.retriever.invoke("Coumadin interaction", k=1)[0]
    assert {"dense_score", "bm25_score", "rrf_score"} <= doc.metadata.keys()
    assert doc.metadata["section"] == "Clinical Notes"


def test_a_search_given_its_vector_embeds_nothing_and_finds_the_same(assistant: Assistant) -> None:
    question = "MK-4 dose in postmenopausal women with osteoporosis"
    first = assistant.retriever.search(question, k=4)
    index = assistant.retriever.index
    model, calls = index.embeddings, []

    class Counting:  # the real model, each query embedding counted
        def __getattr__(self, name: str) -> Any:
            return getattr(model, name)

        def embed_query(self, text: str) -> list[float]:
            calls.append(text)
            return list(model.embed_query(text))

    index.embeddings = Counting()
    try:
        again = assistant.retriever.search(question, k=4, vector=first.query_vector)
    finally:
        index.embeddings = model
    assert calls == []
    assert [h.chunk_id for h in again.hits] == [h.chunk_id for h in first.hits]


def test_hits_are_copies_the_cache_keeps_unchanged(assistant: Assistant) -> None:
    hit = assistant.retriever.search("Coumadin interaction", k=1).hits[0]
    hit.document.metadata["scribbled"] = True
    stored = assistant.retriever.documents.get([str(hit.document.id)], copy=False)
    assert all("scribbled" not in d.metadata for d in stored.values())
