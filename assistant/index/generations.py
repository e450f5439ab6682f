"""Index generations on disk: ``index_dir/gen-*/`` folders and the ``CURRENT`` file naming the one
that serves (pure file operations, no Chroma).

A change is made in a new generation and ``CURRENT`` is replaced atomically (write, fsync, rename,
fsync the folder) only when it is complete, so a process killed at any point leaves the previous
generation serving and whole. One writer at a time holds ``index_dir/.lock``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.errors import IndexBusyError, IndexCorruptError
from assistant.index.store import CHROMA_DIR

META_FILE = "meta.json"
RECORDS_FILE = "records.sqlite3"
CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
GEN_PREFIX = "gen-"


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder that serves, or None when there is no index yet."""
    pointer = index_dir / CURRENT_FILE
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    gen = index_dir / name
    if not name.startswith(GEN_PREFIX) or not (gen / META_FILE).is_file():
        raise IndexCorruptError(
            f"the index in {index_dir} is damaged ({CURRENT_FILE} names {name!r}, which is not a "
            "complete index). Run `assistant index --rebuild` to rebuild it."
        )
    return gen


def sqlite_copy(src: Path, dst: Path) -> None:
    """A consistent copy of an SQLite database (its WAL included) through the backup API."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def copy_generation_files(src: Path, dst: Path) -> None:
    """Copy a generation's Chroma folder and records into the (empty) generation folder ``dst``."""
    (dst / CHROMA_DIR).mkdir(parents=True, exist_ok=True)
    for entry in (src / CHROMA_DIR).iterdir():
        out = dst / CHROMA_DIR / entry.name
        if entry.name.endswith((".sqlite3-wal", ".sqlite3-shm", ".sqlite3-journal")):
            continue  # the backup below carries what they hold
        if entry.suffix == ".sqlite3":
            sqlite_copy(entry, out)
        elif entry.is_dir():
            shutil.copytree(entry, out)
        else:
            shutil.copy2(entry, out)
    sqlite_copy(src / RECORDS_FILE, dst / RECORDS_FILE)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_name(index_dir: Path) -> str | None:
    """What ``CURRENT`` says, without checking it (None when unreadable or absent)."""
    try:
        return (index_dir / CURRENT_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def new_generation(index_dir: Path) -> Path:
    """A new, empty generation folder."""
    gen = index_dir / f"{GEN_PREFIX}{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    gen.mkdir(parents=True)
    return gen


def commit(index_dir: Path, target: Path) -> None:
    """Point CURRENT at ``target`` atomically (write, fsync, rename, fsync the folder)."""
    tmp = index_dir / f"{CURRENT_FILE}.tmp"
    tmp.write_text(target.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(index_dir / CURRENT_FILE)
    fsync_dir(index_dir)


def cleanup(index_dir: Path, keep: set[str]) -> None:
    """Remove generations other than ``keep`` (the new one and the one it replaced)."""
    for d in index_dir.glob(f"{GEN_PREFIX}*"):
        if d.is_dir() and d.name not in keep:
            shutil.rmtree(d, ignore_errors=True)


@contextmanager
def writer_lock(index_dir: Path, timeout: float) -> Iterator[None]:
    """One writer at a time per index folder; a second one gets :class:`IndexBusyError`."""
    lock = FileLock(str(index_dir / LOCK_FILE), timeout=timeout)
    try:
        with lock:
            yield
    except Timeout:
        raise IndexBusyError(
            f"the index in {index_dir} is being updated by another process; "
            "try again when it has finished") from None
