"""The baseline: the pipeline of LangChain's RAG tutorial, answering with its top-k chunks.

``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)``
over the raw seed page, the same MiniLM embeddings object as the assistant, an in-memory Chroma
collection (``langchain_chroma`` on ``chromadb.EphemeralClient``), and ``similarity_search`` for
the top k. Where the tutorial hands the chunks to an LLM, the baseline returns the chunks
themselves as the answer, each followed by its ``[n]`` marker, so that the same metrics apply.
It never abstains, shows no cautions and ignores the conversation history.

The page's own reference markers (``[5][4]``) are written ``(ref. 5; ref. 4)`` in the answer
text, as the assistant does, so they are not mistaken for citations (the snippet keeps them).

Example:
    >>> rag = BaselineRAG(assistant.index.embeddings)                       # doctest: +SKIP
    >>> rag.ask("What dose of MK-4 was used in osteoporosis?").text    # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.config import REPO_ROOT
from assistant.types import Answer, Citation

#: the raw page each monograph folder keeps (``assistant import`` writes it)
SOURCE_FILE = "source.txt"
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
_SOURCE_REF = re.compile(r"\[(\d+)\]")


def render_chunk(text: str) -> str:
    """The chunk as answer text: one line, the page's ``[n]`` markers as ``(ref. n)``."""
    text = _SOURCE_REF.sub(r"(ref. \1)", text).replace(")(ref.", "; ref.")
    return re.sub(r"\s+", " ", text).strip()


class BaselineRAG:
    """Tutorial RAG over the raw page; :meth:`ask` returns an :class:`assistant.types.Answer`.

    Args:
        embeddings: the embedding model to use (pass the assistant's ``.embeddings``).
        pages: the raw page files to index (default: every ``<slug>/source.txt`` of ``corpus_dir``).
        k: chunks per answer.
        corpus_dir: the corpus whose source pages are indexed (default: the repo's corpus/).
    """

    name = "baseline"

    def __init__(self, embeddings: Embeddings, pages: Sequence[Path | str] | None = None, k: int = 5,
                 corpus_dir: Path | None = None) -> None:
        root = corpus_dir or REPO_ROOT / "corpus"
        self.pages = [Path(p) for p in pages] if pages else sorted(root.glob(f"*/{SOURCE_FILE}"))
        if not self.pages:
            raise FileNotFoundError(f"no source page ({SOURCE_FILE}) in the corpus folders of {root}")
        for page in self.pages:
            if not page.is_file():
                raise FileNotFoundError(f"baseline page not found: {page}")
        self.k = k
        self.embeddings = embeddings
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True)
        #: each page's raw text by its source name ("<slug>/source.txt")
        self.texts = {f"{p.parent.name}/{p.name}": p.read_text(encoding="utf-8") for p in self.pages}
        self.chunks: list[Document] = splitter.split_documents(
            [Document(page_content=text, metadata={"source": src, "supplement": src.split("/")[0]})
             for src, text in self.texts.items()])
        for i, d in enumerate(self.chunks):
            d.metadata["chunk"] = i
            d.id = f"baseline-{i}"
        self._client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.collection_name = f"baseline-{uuid.uuid4().hex[:12]}"
        self.store = Chroma(collection_name=self.collection_name, embedding_function=embeddings,
                            client=self._client)
        self.store.add_documents(self.chunks, ids=[str(d.id) for d in self.chunks])

    def retrieve(self, question: str, k: int | None = None) -> list[Document]:
        """The top-k chunks for the question (the tutorial's ``similarity_search``)."""
        return self.store.similarity_search(question, k=k or self.k)

    def ask(self, question: str, history: Sequence[dict[str, str]] | None = None,
            **_: Any) -> Answer:
        """The top-k chunks as the answer, each with its ``[n]`` marker. History is ignored."""
        docs = self.retrieve(question)
        citations: list[Citation] = []
        parts: list[str] = []
        for n, d in enumerate(docs, start=1):
            start = int(d.metadata.get("start_index", 0))
            citations.append(Citation(
                marker=n, chunk_id=f"baseline-{d.metadata.get('chunk')}",
                supplement=str(d.metadata.get("supplement", "")),
                section="(raw page chunk)", title=f"Chunk {int(d.metadata.get('chunk', 0)) + 1}",
                source=str(d.metadata.get("source", "")), snippet=d.page_content,
                span=(start, start + len(d.page_content)),
            ))
            parts.append(f"{render_chunk(d.page_content)} [{n}]")
        return Answer(question=question, text=" ".join(parts), citations=citations, cautions=[],
                      abstained=False, mode="extractive")

    def close(self) -> None:
        """Drop the in-memory collection."""
        with contextlib.suppress(Exception):  # best effort clean-up
            self._client.delete_collection(self.collection_name)
