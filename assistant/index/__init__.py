"""The index: Chroma (embedded generations or a server), its sync, and the embedding backends."""

from assistant.index.knowledge import (
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    KnowledgeIndex,
    SyncResult,
)

__all__ = ["IndexBusyError", "IndexCorruptError", "IndexMismatchError", "KnowledgeIndex", "SyncResult"]
