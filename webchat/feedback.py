"""Append-only store of the web chat's thumbs up/down votes, in a local SQLite file.

Each vote is one row: the question, the answer text, the answer's citations as JSON, the vote and
the UTC time. The file is written in WAL mode with ``synchronous=FULL`` and one short transaction
per insert, so killing the app process at any moment leaves a valid database (at worst without the
vote being written). Triggers refuse ``UPDATE`` and ``DELETE``: rows are only ever added.

Example:
    >>> import tempfile, pathlib
    >>> store = FeedbackStore(pathlib.Path(tempfile.mkdtemp()) / "fb.sqlite3")
    >>> store.add("What dose?", "45 mg/day [1]", [{"marker": 1}], "up")
    1
    >>> store.all()[0].vote
    'up'
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

VOTES: tuple[str, ...] = ("up", "down")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down'))
);
CREATE TRIGGER IF NOT EXISTS feedback_no_update BEFORE UPDATE ON feedback
BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
CREATE TRIGGER IF NOT EXISTS feedback_no_delete BEFORE DELETE ON feedback
BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
"""


@dataclass(frozen=True)
class FeedbackRecord:
    """One stored vote."""

    id: int
    created_at: str
    question: str
    answer: str
    citations: list[Any]
    vote: str


class FeedbackStore:
    """An append-only SQLite file of votes; safe to share between threads (one connection per call).

    Args:
        path: the SQLite file (created with its folder when missing).
        timeout: seconds to wait for another writer's lock.
    """

    def __init__(self, path: str | Path, *, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            con.execute("PRAGMA synchronous=FULL")
            yield con
        finally:
            con.close()

    def add(self, question: str, answer: str, citations: Sequence[Any] | None, vote: str) -> int:
        """Append one vote (``"up"`` or ``"down"``) in its own transaction; returns the row id."""
        if vote not in VOTES:
            raise ValueError(f"vote must be one of {VOTES}, not {vote!r}")
        payload = json.dumps(list(citations or []), ensure_ascii=False)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute(
                    "INSERT INTO feedback (created_at, question, answer, citations, vote) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (now, str(question), str(answer), payload, vote),
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return int(cur.lastrowid or 0)

    def all(self) -> list[FeedbackRecord]:
        """Every stored vote, oldest first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, created_at, question, answer, citations, vote FROM feedback ORDER BY id"
            ).fetchall()
        return [FeedbackRecord(id=r[0], created_at=r[1], question=r[2], answer=r[3],
                               citations=json.loads(r[4]), vote=r[5]) for r in rows]

    def count(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])
