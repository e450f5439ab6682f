"""Citations: passages numbered 1, 2, 3... in order of first use, with the sentences they cite."""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.types import Citation


@dataclass
class CitationBook:
    """Numbers passages in order of first use and collects the highlighted sentences."""

    citations: list[Citation] = field(default_factory=list)
    _by_chunk: dict[str, int] = field(default_factory=dict)

    def cite(self, doc: Document, highlight: tuple[int, int] | None = None, score: float = 0.0) -> int:
        meta = doc.metadata
        cid = str(meta.get("chunk_id") or doc.id)
        if cid not in self._by_chunk:
            ref = meta.get("ref")
            self.citations.append(
                Citation(
                    marker=len(self.citations) + 1,
                    chunk_id=cid,
                    supplement=str(meta.get("supplement", "")),
                    section=str(meta.get("section", "")),
                    subsection=str(meta["subsection"]) if meta.get("subsection") is not None else None,
                    title=str(meta.get("title", "")),
                    source=str(meta.get("source", "")),
                    snippet=str(meta.get("text", doc.page_content)),
                    span=(int(meta.get("start", 0)), int(meta.get("end", 0))),
                    score=round(float(score), 4),
                    ref=int(ref) if ref is not None else None,
                    product_id=str(meta["product_id"]) if meta.get("product_id") else None,
                )
            )
            self._by_chunk[cid] = len(self.citations)
        marker = self._by_chunk[cid]
        if highlight is not None:
            c = self.citations[marker - 1]
            if highlight not in c.highlights:
                c.highlights.append(highlight)
        return marker
