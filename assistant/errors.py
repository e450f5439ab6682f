"""Every exception the assistant raises on purpose, under one base class.

A corpus or page problem's ``str()`` is ``file:line: problem``; an index problem names the folder
and the fix (usually ``assistant index --rebuild``).
"""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    """Base class of the assistant's own errors."""


class FileLineError(AssistantError, ValueError):
    """A problem at a line of a file; ``str()`` is ``path:line: problem``."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        super().__init__(f"{self.path}:{line}: {problem}")


class CorpusError(FileLineError):
    """A corpus file that cannot be read."""


class PageError(FileLineError):
    """A scraped page that is not in the expected format."""

    @property
    def page(self) -> str:
        return self.path


class KnowledgeIndexError(AssistantError, RuntimeError):
    """Base class of index problems."""


class IndexMismatchError(KnowledgeIndexError):
    """The index on disk was built with other settings (embedding model or chunking)."""


class IndexCorruptError(KnowledgeIndexError):
    """The index on disk is damaged or half-written."""


class IndexBusyError(KnowledgeIndexError):
    """Another process is updating the index."""
