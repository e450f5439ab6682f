"""``assistant bench [--json] [--quick] [--scale N [--server] [--hashed-vectors]]``: the benchmark.

Every ratio is measured side by side in one run (the two sides alternate, so the noise of a
shared machine falls on both): a full index build against a bare ``SentenceTransformer.encode`` of
the same chunk texts with the same batch size; ``Assistant.ask()`` against a bare Chroma search
with the same model (query embedding included) and against the eval baseline (the LangChain
tutorial pipeline, :mod:`evals.baseline`) on the same questions. Cold start is a new
``python -c`` process on an existing index, timed until its first answer. Re-indexing counts the
texts the model embeds (zero for an unchanged corpus).

Everything runs in a temporary folder on a copy of the corpus; the repo's ``index/`` is never
touched. ``--scale N`` generates a synthetic corpus of about N chunks (:mod:`evals.bench.synthetic`,
the seed monograph included), builds it in a worker process and asks the same questions there,
side by side with the seed index, recording peak RSS and the size on disk; ``--server`` does the
same against a ``chroma run`` server started (and stopped) here. ``--hashed-vectors`` gives the
synthetic chunks cheap deterministic vectors instead of model vectors, to measure serving at sizes
the model cannot embed in the time (the build is then the store path only).

Progress goes to stderr; stdout is the table or, with ``--json``, one JSON object (the metrics at
the top level, then ``targets``, ``machine``, ``notes``...). Exit code 1 when a stage failed (the
report names it in ``failed`` and still carries every other number).

Example:
    $ assistant bench --quick --json
    {"ingest_chunks_per_s": 9.8, "encode_chunks_per_s": 10.4, "ingest_ratio": 0.94, ...}
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.memory import release_free_memory
from evals.bench.procs import chroma_server
from evals.metrics import percentile as metrics_percentile

#: The fixed questions (seed monograph): dosing, forms, cautions, products, research, blank
#: fields, out of scope. ``--quick`` uses the first ``QUICK_QUESTIONS``.
QUESTIONS: tuple[str, ...] = (
    "I'm on warfarin, can I take K2?",
    "MK-7 amount per day in the 3-year BMD study?",
    "How much vitamin K2 is in Ultra K2 MK-7 Plus D3?",
    "Which product has the most vitamin K2?",
    "What is the upper intake limit for vitamin K2?",
    "Does vitamin K2 help with migraines?",
    "What is the difference between MK-4 and MK-7?",
    "What dose of MK-4 was used in women with osteoporosis?",
    "Is there a recommended daily allowance for K2?",
    "Does K2 interfere with Coumadin?",
    "Should INR be monitored when taking vitamin K supplements?",
    "Does combining vitamin K2 with vitamin D3 help bones?",
    "What did the CKD trial find about vascular stiffness?",
    "Can K2 slow coronary artery calcification?",
    "What is undercarboxylated osteocalcin?",
    "Which products contain vitamin D3 and K2 together?",
    "Is K2 safe during pregnancy?",
    "What are the special forms of vitamin K2?",
    "How long did the low-dose MK-4 study last?",
    "What does matrix Gla protein do?",
)
QUICK_QUESTIONS = 8
COLD_QUESTION = QUESTIONS[0]
HEARTBEAT_TIMEOUT_S = 90.0
MB = 1_000_000

#: (key, what it measures, unit)
ROWS: tuple[tuple[str, str, str], ...] = (
    ("ingest_chunks_per_s", "full index build (load, chunk, embed, store)", "chunks/s"),
    ("encode_chunks_per_s", "bare SentenceTransformer.encode, same texts and batch size", "chunks/s"),
    ("ingest_ratio", "build / bare encode throughput, median of alternating pairs", "x"),
    ("ask_p50_ms", "Assistant.ask(), median", "ms"),
    ("ask_p95_ms", "Assistant.ask(), 95th percentile", "ms"),
    ("bare_search_p50_ms", "embed query + Chroma collection.query, median", "ms"),
    ("ask_vs_bare", "ask / bare search, median of back-to-back pairs", "x"),
    ("baseline_p50_ms", "eval baseline (LangChain tutorial RAG), median", "ms"),
    ("ask_vs_baseline", "ask / baseline, median of back-to-back pairs", "x"),
    ("embed_query_p50_ms", "one query embedding, torch's default threads, median", "ms"),
    ("embed_query_1thread_p50_ms", "the same with torch.set_num_threads(1), side by side", "ms"),
    ("cold_start_s", "new process, existing index, until the first answer", "s"),
    ("noop_reindex_s", "sync of an unchanged corpus (load + diff)", "s"),
    ("noop_reindex_embedded", "texts embedded by that sync", "texts"),
    ("one_file_reindex_s", "sync after editing one product file", "s"),
    ("one_file_reindex_embedded", "texts embedded by that sync", "texts"),
    ("update_bytes_written", "bytes that sync wrote to disk (/proc/self/io write_bytes)", "bytes"),
    ("onnx_encode_chunks_per_s", "ONNX int8 backend: encode of the seed chunks, same batch size", "chunks/s"),
    ("torch_encode_chunks_per_s", "torch backend: the same, alternating with it", "chunks/s"),
    ("onnx_vs_torch_encode", "ONNX int8 / torch encode throughput, median of alternating pairs", "x"),
    ("onnx_embed_query_p50_ms", "ONNX int8: one query embedding, median", "ms"),
    ("onnx_min_cosine", "ONNX int8 vs torch vector of the same chunk: lowest cosine", ""),
    ("eval_pass_rate_torch", "eval pass rate, torch backend (python -m evals, own index)", ""),
    ("eval_pass_rate_onnx", "eval pass rate, ONNX int8 backend (own index)", ""),
    ("eval_hit_at_5_torch", "eval hit@5, torch backend", ""),
    ("eval_hit_at_5_onnx", "eval hit@5, ONNX int8 backend", ""),
    ("eval_safety_held_onnx", "ONNX int8: caution recall 1, unsupported numbers 0, citations valid", "1=yes"),
    ("eval_latency_p50_ms_torch", "eval ask latency p50, torch backend", "ms"),
    ("eval_latency_p50_ms_onnx", "eval ask latency p50, ONNX int8 backend", "ms"),
    ("scale_chunks", "synthetic corpus: chunks indexed", "chunks"),
    ("scale_monographs", "synthetic corpus: monographs", "files"),
    ("scale_ingest_chunks_per_s", "build at scale (load, chunk, embed, store)", "chunks/s"),
    ("scale_encode_chunks_per_s", "bare encode of a sample of the same texts", "chunks/s"),
    ("scale_ingest_ratio", "build / bare encode throughput at scale", "x"),
    ("scale_store_chunks_per_s", "build with hashed vectors for the synthetic chunks (no model)", "chunks/s"),
    ("scale_build_s", "build at scale, wall time", "s"),
    ("scale_build_peak_rss_mb", "peak RSS of the build process", "MB"),
    ("scale_index_mb", "index on disk (Chroma + record manager)", "MB"),
    ("scale_cold_start_s", "new process on the scale index until the first answer", "s"),
    ("scale_noop_reindex_s", "sync of the unchanged scale corpus", "s"),
    ("scale_noop_reindex_embedded", "texts embedded by that sync", "texts"),
    ("scale_one_file_reindex_s", "sync after editing one product file at scale", "s"),
    ("scale_one_file_reindex_embedded", "texts embedded by that sync", "texts"),
    ("scale_update_bytes_written", "bytes that sync wrote to disk (/proc/self/io write_bytes)", "bytes"),
    ("scale_cold_start_vs_seed", "cold start at scale / on the seed corpus (cold_start_s), same run", "x"),
    ("scale_first_ask_vs_p50", "slowest first ask after start / steady ask p50 of all questions", "x"),
    ("scale_first_ask_vs_steady", "first ask / the same question's steady median, worst question", "x"),
    ("scale_first_ask_ms", "slowest first (uncached) ask per question", "ms"),
    ("scale_ask_p50_ms", "Assistant.ask() at scale, median", "ms"),
    ("scale_ask_p95_ms", "Assistant.ask() at scale, 95th percentile", "ms"),
    ("scale_seed_ask_p50_ms", "the same questions on the seed index, same process", "ms"),
    ("scale_ask_vs_seed", "ask at scale / on the seed index, median of back-to-back pairs", "x"),
    ("scale_bare_search_p50_ms", "bare search at scale, median", "ms"),
    ("scale_ask_peak_rss_mb", "peak RSS of the serving process (both indexes open)", "MB"),
    ("scale_peak_rss_mb", "peak RSS, the larger of build and serve", "MB"),
    ("server_store_chunks_per_s", "Chroma server build, vectors reused (store path only)", "chunks/s"),
    ("server_cold_start_s", "new process on the server index until the first answer", "s"),
    ("server_ask_p50_ms", "Assistant.ask() against the server, median", "ms"),
    ("server_ask_p95_ms", "Assistant.ask() against the server, 95th percentile", "ms"),
    ("server_ask_vs_seed", "server ask / embedded seed index ask, median of pairs", "x"),
    ("server_bare_search_p50_ms", "bare search against the server, median", "ms"),
    ("server_noop_reindex_s", "sync of the unchanged corpus against the server", "s"),
    ("server_one_file_reindex_s", "sync after editing one product file, server", "s"),
    ("server_client_peak_rss_mb", "peak RSS of the serving (client) process", "MB"),
    ("server_peak_rss_mb", "peak RSS of the chroma run process", "MB"),
    ("server_index_mb", "server data folder + record manager on disk", "MB"),
)

#: key -> (target text, predicate)
TARGETS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "ingest_ratio": (">= 0.85", lambda v: v >= 0.85),
    "ask_vs_bare": ("<= 1.5", lambda v: v <= 1.5),
    "noop_reindex_embedded": ("= 0", lambda v: v == 0),
    "noop_reindex_s": ("<= 2", lambda v: v <= 2.0),
    "cold_start_s": ("<= 10", lambda v: v <= 10.0),
    "scale_ask_vs_seed": ("<= 1.5", lambda v: v <= 1.5),
    "scale_peak_rss_mb": ("<= 1500 (at 100,000)", lambda v: v <= 1500.0),
    "scale_noop_reindex_embedded": ("= 0", lambda v: v == 0),
    "scale_cold_start_vs_seed": ("<= 1.2", lambda v: v <= 1.2),
    "scale_first_ask_vs_steady": ("<= 3", lambda v: v <= 3.0),
    "scale_one_file_reindex_embedded": ("= 1", lambda v: v == 1),
    # the limit depends on the size: see targets()
    "scale_one_file_reindex_s": ("<= 2 (20,000) / <= 5 (100,000)", lambda v: v <= 5.0),
}
#: scale_one_file_reindex_s's limit by corpus size (chunks): 2 s up to 20,000, 5 s beyond
REINDEX_LIMITS = ((20_000, 2.0), (100_000, 5.0))

#: the keys every run reports (without --scale or --onnx)
SEED_KEYS: tuple[str, ...] = tuple(k for k, _, _ in ROWS
                                   if not k.startswith(("scale_", "server_", "onnx_", "torch_", "eval_")))
#: the keys ``--onnx`` adds
ONNX_KEYS: tuple[str, ...] = tuple(k for k, _, _ in ROWS if k.startswith(("onnx_", "torch_", "eval_")))

COLD_START_CODE = """
import json, sys
from assistant import Assistant, Settings
spec = json.loads(sys.argv[1])
a = Assistant(Settings(**spec["settings"]))
ans = a.ask(spec["question"])
print(json.dumps({"chars": len(ans.text), "abstained": ans.abstained, "synced": a.last_sync.to_dict()
                  if a.last_sync else None}))
"""


@dataclass(frozen=True)
class Plan:
    """How much to measure: ``--quick`` runs fewer questions and repeats."""

    questions: tuple[str, ...]
    repeats: int
    build_pairs: int
    cold_runs: int
    noop_runs: int
    edit_runs: int
    scale_repeats: int
    scale_sample: int

    @classmethod
    def make(cls, quick: bool) -> Plan:
        if quick:
            return cls(QUESTIONS[:QUICK_QUESTIONS], 2, 2, 1, 2, 1, 1, 256)
        return cls(QUESTIONS, 5, 5, 3, 5, 3, 3, 1024)


class CountingEmbeddings(Embeddings):
    """Delegates to an embeddings object and counts what it embeds."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.calls = 0
        self.texts = 0

    def reset(self) -> None:
        self.calls = self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.calls += 1
        self.texts += 1
        return self.inner.embed_query(text)


class ReusedVectors(Embeddings):
    """Vectors already computed for these texts (from another index), the model for the rest."""

    def __init__(self, inner: Embeddings, vectors: dict[str, list[float]]) -> None:
        self.inner = inner
        self.vectors = vectors
        self.misses = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            self.misses += len(missing)
            self.vectors.update(zip(missing, self.inner.embed_documents(missing), strict=True))
        return [self.vectors[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class HashedVectors(Embeddings):
    """The model for the texts in ``real``; for the others a deterministic bag-of-words vector
    (a fixed random direction per word, summed, unit length). ``--hashed-vectors`` uses it to fill
    a large index in minutes: serving costs (search, BM25, RSS, disk) are those of N real chunks,
    but the build throughput is then the store path only."""

    def __init__(self, inner: Embeddings, real: set[str], dim: int) -> None:
        self.inner = inner
        self.real = real
        self.dim = dim
        self.hashed = 0
        self._words: dict[str, Any] = {}

    def _word(self, word: str) -> Any:
        import numpy as np

        vec = self._words.get(word)
        if vec is None:
            seed = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
            vec = self._words[word] = np.random.default_rng(seed).standard_normal(self.dim, dtype=np.float32)
        return vec

    def _hash(self, text: str) -> list[float]:
        words = re.findall(r"\w+", text.casefold()) or [""]
        vec = sum(self._word(w) for w in words)
        return [float(x) for x in vec / float((vec @ vec) ** 0.5)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        real = [t for t in texts if t in self.real]
        vectors = dict(zip(real, self.inner.embed_documents(real), strict=True)) if real else {}
        self.hashed += len(texts) - len(real)
        return [vectors[t] if t in vectors else self._hash(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


# --------------------------------------------------------------------------- small helpers

_T0 = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr (stdout is the table or the JSON object)."""
    print(f"[bench {time.perf_counter() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """:func:`evals.metrics.percentile`, NaN for an empty sample (the report prints it as missing)."""
    p = metrics_percentile(values, q)
    return math.nan if p is None else p


def rss_now_mb() -> float:
    """This process's resident set size now (VmRSS), in MB."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / MB
    return math.nan


def peak_rss_mb() -> float:
    """This process's peak resident set size (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB


def disk_mb(*paths: Path) -> float:
    """Bytes on disk (allocated blocks, as ``du``) under the given files or folders, in MB."""
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_blocks * 512
            continue
        for root, _, files in os.walk(path):
            for name in files:
                with contextlib.suppress(OSError):
                    total += (Path(root) / name).stat().st_blocks * 512
    return total / MB


def write_bytes() -> int:
    """Bytes this process has caused to be written to storage so far (/proc/self/io)."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def sentence_model(embeddings: Embeddings) -> Any:
    """The ``SentenceTransformer`` behind a ``HuggingFaceEmbeddings``."""
    inner = embeddings.inner if isinstance(embeddings, CountingEmbeddings) else embeddings
    return inner._client  # type: ignore[attr-defined]


def bench_settings(base: Settings, corpus: Path, index: Path, **over: Any) -> Settings:
    """The base settings on a temporary corpus and index; extractive answers, embedded Chroma."""
    update: dict[str, Any] = {"corpus_dir": corpus, "index_dir": index,
                              "feedback_db": index.parent / "feedback.sqlite3", "chroma_host": None,
                              "llm_model": None, "llm_base_url": None}
    update.update(over)
    return base.model_copy(update=update)


def settings_spec(s: Settings) -> dict[str, Any]:
    """What a worker process needs to rebuild the same settings (JSON-ready)."""
    return {
        "corpus_dir": str(s.corpus_dir), "index_dir": str(s.index_dir), "feedback_db": str(s.feedback_db),
        "embedding_model": s.embedding_model, "embedding_batch_size": s.embedding_batch_size,
        "chunking": s.chunking.model_dump(), "collection": s.collection, "k": s.k,
        "chroma_host": s.chroma_host, "chroma_port": s.chroma_port, "llm_model": None, "llm_base_url": None,
    }


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                "TOKENIZERS_PARALLELISM": "false", "CHROMA_TELEMETRY_ENABLED": "false", "NO_COLOR": "1"})
    return env


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = math.nan
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) * 1024 / 1e9, 1)
    versions: dict[str, str] = {}
    for pkg in ("torch", "sentence-transformers", "transformers", "chromadb", "langchain-core"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[pkg] = importlib.metadata.version(pkg)
    import torch

    return {"cpu": cpu, "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(), "ram_gb": mem_gb,
            "python": platform.python_version(), "os": platform.platform(), "versions": versions,
            "loadavg_start": [round(x, 2) for x in os.getloadavg()]}


ONNX_NOTE = ("ONNX int8: sentence-transformers' backend='onnx' needs optimum-onnx, which pins "
             "transformers<4.58 against sentence-transformers 6's >=5, so the model is exported here with "
             "torch.onnx and quantised with onnxruntime (assistant/onnx_embeddings.py); --onnx measures it")


def onnx_missing() -> list[str]:
    """The packages the ONNX int8 backend needs that are not installed."""
    return [m for m in ("onnx", "onnxruntime") if importlib.util.find_spec(m) is None]


# --------------------------------------------------------------------------- the seed corpus


def build_once(s: Settings, emb: Embeddings) -> tuple[float, Any]:
    """A full build into an empty index folder: load and chunk the corpus, embed, store."""
    from assistant.corpus import load_corpus
    from assistant.index.knowledge import KnowledgeIndex

    t = time.perf_counter()
    corpus = load_corpus(s.corpus_dir)
    idx = KnowledgeIndex(s, emb)
    result = idx.sync(corpus)
    dt = time.perf_counter() - t
    if result.num_added == 0:
        raise RuntimeError(f"the build into {s.index_dir} added nothing")
    return dt, idx


def bench_ingest(base: Settings, corpus: Path, work: Path, emb: CountingEmbeddings,
                 plan: Plan) -> tuple[dict[str, float], list[Any], list[Settings]]:
    from assistant.chunking import chunk_corpus
    from assistant.corpus import load_corpus

    model = sentence_model(emb)
    texts = [c.embed_text for c in chunk_corpus(load_corpus(corpus), base.chunking)]
    batch = base.embedding_batch_size

    def encode() -> None:
        model.encode(texts, batch_size=batch, normalize_embeddings=True, show_progress_bar=False)

    encode()  # warm-up (first call allocates) ...
    build_once(bench_settings(base, corpus, work / "index-warm-up"), emb)  # ... on both sides
    builds: list[float] = []
    encodes: list[float] = []
    ratios: list[float] = []
    indexes: list[Any] = []
    settings: list[Settings] = []
    for i in range(plan.build_pairs):
        s = bench_settings(base, corpus, work / f"index-{i}")
        if i % 2 == 0:
            b, idx = build_once(s, emb)
            e, _ = timed(encode)
        else:
            e, _ = timed(encode)
            b, idx = build_once(s, emb)
        builds.append(b)
        encodes.append(e)
        ratios.append(e / b)
        indexes.append(idx)
        settings.append(s)
        log(f"build {i + 1}/{plan.build_pairs}: {len(texts)} chunks, build {b:.2f}s, bare encode {e:.2f}s")
    out = {
        "chunks": float(len(texts)),
        "ingest_chunks_per_s": len(texts) / statistics.median(builds),
        "encode_chunks_per_s": len(texts) / statistics.median(encodes),
        "ingest_ratio": statistics.median(ratios),
    }
    return out, indexes, settings


def bare_searcher(idx: Any, emb: Embeddings, k: int) -> Callable[[str], Any]:
    """Embed the question, then one nearest-neighbour query of the store (same model, same collection)."""
    store = idx.store

    def search(question: str) -> Any:
        return store.query_raw(emb.embed_query(question), k)

    return search


def interleaved(systems: Sequence[tuple[str, Callable[[str], Any]]], questions: Sequence[str],
                repeats: int) -> dict[str, list[float]]:
    """Time each system on each question, ``repeats`` times, rotating which goes first (ms).

    The lists line up: item i of every list is the same question in the same round, timed within
    moments of each other, so :func:`paired_ratio` compares like with like.
    """
    times: dict[str, list[float]] = {name: [] for name, _ in systems}
    n = len(systems)
    for rep in range(repeats):
        for qi, q in enumerate(questions):
            shift = (rep + qi) % n
            for name, fn in [*systems[shift:], *systems[:shift]]:
                t = time.perf_counter()
                fn(q)
                dt = time.perf_counter() - t
                times[name].append(dt * 1000)
    return times


def paired_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """Median of a[i] / b[i]: each pair was timed back to back, so a burst of load on a shared
    machine falls on both sides of a pair instead of skewing one side's median."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def bench_ask(s: Settings, idx: Any, emb: CountingEmbeddings, plan: Plan) -> dict[str, float]:
    from assistant.pipeline import Assistant
    from evals.baseline import BaselineRAG

    a = Assistant(s, embeddings=emb, index=idx)
    baseline = BaselineRAG(emb, k=s.k, corpus_dir=s.corpus_dir)
    bare = bare_searcher(idx, emb, s.k)
    systems: list[tuple[str, Callable[[str], Any]]] = [
        ("ask", a.ask), ("bare", bare), ("baseline", baseline.ask)]
    for q in plan.questions:  # warm-up: caches, first-call allocations
        for _, fn in systems:
            fn(q)
    log(f"asking {len(plan.questions)} questions x {plan.repeats} (assistant, bare search, baseline)")
    t = interleaved(systems, plan.questions, plan.repeats)
    baseline.close()
    ask50, bare50, base50 = (statistics.median(t[n]) for n in ("ask", "bare", "baseline"))
    return {"ask_p50_ms": ask50, "ask_p95_ms": percentile(t["ask"], 95), "bare_search_p50_ms": bare50,
            "ask_vs_bare": paired_ratio(t["ask"], t["bare"]), "baseline_p50_ms": base50,
            "ask_vs_baseline": paired_ratio(t["ask"], t["baseline"])}


def bench_threads(emb: CountingEmbeddings, plan: Plan) -> dict[str, float]:
    """One query embedding with torch's default thread count against one thread, alternating.

    On a busy machine the default (one thread per core) can wait on a descheduled thread at every
    operator; this shows how much of the query latency that costs.
    """
    import torch

    default = torch.get_num_threads()
    times: dict[int, list[float]] = {default: [], 1: []}
    try:
        for rep in range(plan.repeats):
            for qi, q in enumerate(plan.questions):
                order = (default, 1) if (rep + qi) % 2 == 0 else (1, default)
                for n in order:
                    torch.set_num_threads(n)
                    t = time.perf_counter()
                    emb.inner.embed_query(q)
                    times[n].append((time.perf_counter() - t) * 1000)
    finally:
        torch.set_num_threads(default)
    return {"embed_query_p50_ms": statistics.median(times[default]),
            "embed_query_1thread_p50_ms": statistics.median(times[1])}


def cold_start(s: Settings, question: str) -> float:
    """Wall time of a new ``python -c`` process that opens the existing index and answers once."""
    spec = json.dumps({"settings": settings_spec(s), "question": question})
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", COLD_START_CODE, spec], capture_output=True, text=True,
                          env=child_env(), check=False)
    dt = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"cold-start process failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    if not info["chars"] or (info["synced"] and info["synced"]["num_added"]):
        raise RuntimeError(f"cold-start process did not answer from the existing index: {info}")
    return dt


def bench_reindex(s: Settings, idx: Any, emb: CountingEmbeddings, plan: Plan) -> dict[str, float]:
    from assistant.corpus import load_corpus

    noop: list[float] = []
    noop_embedded = 0
    for _ in range(plan.noop_runs):
        emb.reset()
        dt, result = timed(lambda: idx.sync(load_corpus(s.corpus_dir)))
        noop.append(dt)
        noop_embedded = max(noop_embedded, emb.texts)
        if result.num_added or result.num_updated or result.num_deleted:
            raise RuntimeError(f"a no-op sync changed the index: {result}")
    product = sorted((s.corpus_dir).glob("*/products/*.md"))[0]
    original = product.read_text(encoding="utf-8")
    edits: list[float] = []
    written: list[int] = []
    edit_embedded = 0
    try:
        for i in range(plan.edit_runs):
            product.write_text(original.rstrip("\n") + f" Benchmark edit {i + 1}.\n", encoding="utf-8")
            emb.reset()
            before = write_bytes()
            dt, result = timed(lambda: idx.sync())
            written.append(write_bytes() - before)
            edits.append(dt)
            edit_embedded = max(edit_embedded, emb.texts)
            if result.num_added != 1 or result.num_deleted != 1:
                raise RuntimeError(f"editing {product.name} did not replace exactly one chunk: {result}")
    finally:
        product.write_text(original, encoding="utf-8")
    return {"noop_reindex_s": statistics.median(noop), "noop_reindex_embedded": float(noop_embedded),
            "one_file_reindex_s": statistics.median(edits),
            "one_file_reindex_embedded": float(edit_embedded),
            "update_bytes_written": float(statistics.median(written))}


def bench_seed(base: Settings, work: Path, plan: Plan) -> tuple[dict[str, float], Settings]:
    """Every seed-corpus measurement; returns the metrics and the settings of a built index."""
    from assistant.index.embeddings import load_embeddings

    corpus = work / "corpus"
    shutil.copytree(base.corpus_dir, corpus)
    log(f"loading the model ({base.embedding_model})")
    emb = CountingEmbeddings(load_embeddings(base))
    ingest, indexes, settings = bench_ingest(base, corpus, work, emb, plan)
    metrics = dict(ingest)
    metrics.update(bench_ask(settings[0], indexes[0], emb, plan))
    metrics.update(bench_threads(emb, plan))
    cold_s = settings[-1] if len(settings) > 1 else settings[0]
    log(f"cold start x {plan.cold_runs} (new process, existing index)")
    metrics["cold_start_s"] = statistics.median(
        cold_start(cold_s, COLD_QUESTION) for _ in range(plan.cold_runs))
    log("re-indexing: unchanged corpus, then one edited product file")
    metrics.update(bench_reindex(settings[0], indexes[0], emb, plan))
    return metrics, settings[0]


# --------------------------------------------------------------------------- ONNX int8 against torch


def eval_run(base: Settings, work: Path, backend: str) -> dict[str, Any]:
    """``python -m evals --json`` in a new process with this backend and its own index."""
    out = work / f"evals-{backend}"
    env = {k: v for k, v in child_env().items() if not k.startswith("ASSISTANT_LLM_")}  # extractive
    env.update({"ASSISTANT_EMBEDDING_BACKEND": backend, "ASSISTANT_INDEX_DIR": str(work / f"index-{backend}"),
                "ASSISTANT_CORPUS_DIR": str(base.corpus_dir),
                "ASSISTANT_MODEL_CACHE_DIR": str(base.model_cache_dir),
                "ASSISTANT_FEEDBACK_DB": str(work / "feedback.sqlite3")})
    proc = subprocess.run([sys.executable, "-m", "evals", "--json", "--out", str(out)], capture_output=True,
                          text=True, env=env, check=False)
    report = out / "report.json"
    if not report.is_file():
        raise RuntimeError(f"the {backend} eval run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


def eval_metrics(report: dict[str, Any]) -> dict[str, float]:
    """The assistant's metrics from an eval report (``python -m evals --json``)."""
    found: dict[str, Any] = report["assistant"]["metrics"]
    return {k: float(v) for k, v in found.items() if isinstance(v, (int, float))}


def bench_onnx(base: Settings, work: Path, plan: Plan) -> tuple[dict[str, float], list[str]]:
    """The ONNX int8 backend against torch: encode throughput side by side, query latency, vector
    agreement, and the eval suite on each (the backend is kept only if the eval scores hold)."""
    from assistant.chunking import chunk_corpus
    from assistant.corpus import load_corpus
    from assistant.index.embeddings import load_embeddings

    missing = onnx_missing()
    if missing:
        return {}, [f"FAILED --onnx: {', '.join(missing)} not installed (pip install -e .)"]
    log("ONNX int8: exporting (first use only) and loading")
    torch_emb = load_embeddings(base)
    onnx_emb = load_embeddings(base.model_copy(update={"embedding_backend": "onnx-int8"}))
    texts = [c.embed_text for c in chunk_corpus(load_corpus(base.corpus_dir), base.chunking)]
    import numpy as np

    ref = np.asarray(torch_emb.embed_documents(texts))
    got = np.asarray(onnx_emb.embed_documents(texts))
    min_cos = float((ref * got).sum(axis=1).min())

    def encode_time(e: Embeddings) -> float:
        t = time.perf_counter()
        e.embed_documents(texts)
        return time.perf_counter() - t

    pairs: list[tuple[float, float]] = []
    for i in range(plan.build_pairs * 2):  # alternate which goes first
        if i % 2 == 0:
            t_torch = encode_time(torch_emb)
            t_onnx = encode_time(onnx_emb)
        else:
            t_onnx = encode_time(onnx_emb)
            t_torch = encode_time(torch_emb)
        pairs.append((t_torch, t_onnx))
    q_times: list[float] = []
    for q in plan.questions:
        t = time.perf_counter()
        onnx_emb.embed_query(q)
        q_times.append((time.perf_counter() - t) * 1000)
    out: dict[str, float] = {
        "torch_encode_chunks_per_s": len(texts) / statistics.median(t for t, _ in pairs),
        "onnx_encode_chunks_per_s": len(texts) / statistics.median(o for _, o in pairs),
        "onnx_vs_torch_encode": statistics.median(t / o for t, o in pairs),
        "onnx_embed_query_p50_ms": statistics.median(q_times),
        "onnx_min_cosine": min_cos,
    }
    notes: list[str] = []
    log("ONNX int8: the eval suite on each backend (own index each)")
    for backend, tag in (("torch", "torch"), ("onnx-int8", "onnx")):
        try:
            m = eval_metrics(eval_run(base, work, backend))
        except RuntimeError as exc:
            notes.append(f"FAILED --onnx: {exc}")
            continue
        out[f"eval_pass_rate_{tag}"] = m.get("pass_rate", math.nan)
        out[f"eval_hit_at_5_{tag}"] = m.get("hit_at_5", math.nan)
        out[f"eval_latency_p50_ms_{tag}"] = m.get("latency_p50_ms", math.nan)
        if tag == "onnx":
            out["eval_safety_held_onnx"] = float(m.get("caution_recall") == 1.0
                                                 and m.get("unsupported_number_rate") == 0.0
                                                 and m.get("citation_validity") == 1.0)
    if "eval_pass_rate_onnx" in out and "eval_pass_rate_torch" in out:
        held = out["eval_pass_rate_onnx"] >= out["eval_pass_rate_torch"] and out["eval_safety_held_onnx"] == 1
        notes.append("ONNX int8 eval scores " + ("hold: the backend is kept (embedding_backend=onnx-int8)"
                                                 if held else "do not hold: keep the torch backend"))
    return out, notes


# --------------------------------------------------------------------------- scale (worker processes)


class WorkerError(RuntimeError):
    """A worker process failed; the message is its exception (the traceback went to stderr)."""


def run_worker(kind: str, spec: dict[str, Any], work: Path) -> dict[str, Any]:
    """Run ``python -m evals.bench.runner --worker KIND`` and return the JSON it prints last."""
    spec_path = work / f"spec-{kind}-{time.monotonic_ns()}.json"
    spec = {**spec, "t0": time.time()}
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    cmd = [sys.executable, "-m", "evals.bench.runner", "--worker", kind, "--spec", str(spec_path)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=child_env(), check=False)
    lines = proc.stdout.strip().splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except ValueError:
        result = {}
    if proc.returncode != 0 or "error" in result:
        raise WorkerError(str(result.get("error") or f"exit code {proc.returncode}"))
    return result


def worker_build(spec: dict[str, Any]) -> dict[str, Any]:
    """Build an index of the (large) corpus; throughput against a bare encode of a sample."""
    from assistant.chunking import chunk_corpus
    from assistant.corpus import load_corpus
    from assistant.index.embeddings import load_embeddings
    from assistant.index.knowledge import KnowledgeIndex

    s = Settings(**spec["settings"])
    emb = CountingEmbeddings(load_embeddings(s))
    store_emb: Embeddings = emb
    reused = 0
    hashed = spec.get("hashed_real_from")
    if hashed:
        real = {c.embed_text for c in chunk_corpus(load_corpus(hashed), s.chunking)}
        dim = len(emb.embed_query("dimension"))
        store_emb = HashedVectors(emb, real, dim)
        log(f"worker: hashed vectors for the synthetic chunks, the model for the {len(real)} seed chunks")
    if spec.get("reuse_from"):
        vectors = stored_vectors(Settings(**spec["reuse_from"]), emb)
        reused = len(vectors)
        store_emb = ReusedVectors(emb, vectors)
        log(f"worker: reusing {reused:,} vectors from the embedded index (store path only)")
    texts = [c.embed_text for c in chunk_corpus(load_corpus(s.corpus_dir), s.chunking)]
    sample = random.Random(11).sample(texts, min(len(texts), int(spec["sample"])))
    n_texts = len(texts)
    del texts
    release_free_memory(n_texts)  # the sample's scaffolding (a whole parse) is not part of the build
    model = sentence_model(emb)

    def encode() -> None:
        model.encode(sample, batch_size=s.embedding_batch_size, normalize_embeddings=True,
                     show_progress_bar=False)

    if not (reused or hashed):
        model.encode(sample[:64], batch_size=s.embedding_batch_size, show_progress_bar=False)  # warm-up
    enc = [] if reused or hashed else [timed(encode)[0]]
    log(f"worker: building {s.index_dir} ({'server ' + str(s.chroma_host) if s.chroma_host else 'embedded'})")
    t = time.perf_counter()
    corpus = load_corpus(s.corpus_dir)
    idx = KnowledgeIndex(s, store_emb)
    result = idx.sync(corpus)
    build_s = time.perf_counter() - t
    if enc:
        enc.append(timed(encode)[0])
    chunks = idx.count()
    out: dict[str, Any] = {"chunks": chunks, "build_s": build_s, "ingest_chunks_per_s": chunks / build_s,
                           "added": result.num_added, "embedded": emb.texts, "peak_rss_mb": peak_rss_mb(),
                           "index_mb": disk_mb(s.index_dir)}
    if enc:
        encode_per_s = len(sample) / statistics.mean(enc)
        out.update(encode_chunks_per_s=encode_per_s, ingest_ratio=out["ingest_chunks_per_s"] / encode_per_s)
    return out


def stored_vectors(s: Settings, emb: Embeddings) -> dict[str, list[float]]:
    """embed text -> vector, read from an existing index."""
    from assistant.index.knowledge import KnowledgeIndex

    store = KnowledgeIndex(s, emb).store
    vectors: dict[str, list[float]] = {}
    for got in store.pages(5000, vectors=True):
        embs: Any = got["embeddings"]
        for text, vec in zip(got["documents"] or [], embs, strict=True):
            vectors[text or ""] = [float(x) for x in vec]
    return vectors


def worker_ask(spec: dict[str, Any]) -> dict[str, Any]:
    """Cold start on the big index, no-op sync, then ask the questions side by side with the seed index."""
    from assistant.index.embeddings import load_embeddings
    from assistant.pipeline import Assistant

    s = Settings(**spec["settings"])
    questions: list[str] = spec["questions"]
    emb = CountingEmbeddings(load_embeddings(s))
    rss = {"model": rss_now_mb()}
    a = Assistant(s, embeddings=emb)  # syncs first, as Assistant() does
    rss["assistant"] = rss_now_mb()
    a.ask(questions[0])
    cold = time.time() - float(spec["t0"])
    log(f"worker: first answer {cold:.1f}s after the process started; no-op sync next")
    emb.reset()
    noop_s, result = timed(a.index.sync)
    noop_embedded = emb.texts
    seed = Assistant(Settings(**spec["seed_settings"]), embeddings=emb, sync=False)
    bare = bare_searcher(a.index, emb, s.k)
    first: list[float] = []
    for q in questions:  # first (uncached) ask of each question, then warm the others
        t = time.perf_counter()
        a.ask(q)
        first.append((time.perf_counter() - t) * 1000)
        seed.ask(q)
        bare(q)
    rss["warm"] = rss_now_mb()
    log(f"worker: asking {len(questions)} questions x {spec['repeats']} (scale, seed, bare)")
    systems: list[tuple[str, Callable[[str], Any]]] = [("scale", a.ask), ("seed", seed.ask), ("bare", bare)]
    times = interleaved(systems, questions, int(spec["repeats"]))
    peak = peak_rss_mb()  # serving only; the edit below may copy the index
    log("worker: RSS (MB) after model load {model:.0f}, after Assistant() {assistant:.0f}, after warm-up "
        "{warm:.0f}; peak {peak:.0f}".format(**rss, peak=peak))
    n = len(questions)
    per_q = sorted(((statistics.median(times["scale"][i::n]), statistics.median(times["seed"][i::n]), q)
                    for i, q in enumerate(questions)), reverse=True)
    for sc, se, q in per_q[:6]:
        log(f"worker: slowest at scale: {sc:8.1f} ms (seed index {se:6.1f} ms)  {q}")
    log("worker: re-indexing after editing one product file")
    product = sorted(s.corpus_dir.glob("*/products/*.md"))[0]
    original = product.read_text(encoding="utf-8")
    product.write_text(original.rstrip("\n") + " Benchmark edit.\n", encoding="utf-8")
    emb.reset()
    before = write_bytes()
    try:
        edit_s, edited = timed(a.index.sync)
    finally:
        product.write_text(original, encoding="utf-8")
    edit_written = write_bytes() - before
    edit_embedded = emb.texts
    scale50, seed50 = statistics.median(times["scale"]), statistics.median(times["seed"])
    # warm-up cost: each question's first ask against its own steady median (a question that is
    # slower by nature, such as one with a word the corpus lacks, is compared with itself)
    first_vs_steady = max(f / statistics.median(times["scale"][i::n]) for i, f in enumerate(first))
    return {"cold_start_s": cold, "noop_reindex_s": noop_s, "noop_reindex_embedded": noop_embedded,
            "noop_changed": result.num_added + result.num_updated + result.num_deleted,
            "first_ask_ms": max(first), "first_ask_vs_steady": first_vs_steady,
            "ask_p50_ms": scale50, "ask_p95_ms": percentile(times["scale"], 95),
            "seed_ask_p50_ms": seed50, "ask_vs_seed": paired_ratio(times["scale"], times["seed"]),
            "bare_search_p50_ms": statistics.median(times["bare"]), "peak_rss_mb": peak,
            "one_file_reindex_s": edit_s, "one_file_reindex_embedded": edit_embedded,
            "update_bytes_written": edit_written,
            "one_file_changed": edited.num_added + edited.num_deleted, "chunks": a.index.count()}


def vm_hwm_mb(pid: int) -> float:
    """Peak RSS (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / MB
    return math.nan


def bench_scale(base: Settings, seed: Settings, work: Path, n: int, plan: Plan, server: bool,
                hashed: bool = False) -> tuple[dict[str, float], list[str]]:
    from assistant.chunking import chunk_corpus
    from assistant.corpus import load_corpus
    from evals.bench.synthetic import generate_corpus

    notes: list[str] = []
    root = work / "scale"
    seed_chunks = len(chunk_corpus(load_corpus(base.corpus_dir), base.chunking))
    log(f"generating a synthetic corpus of about {n:,} chunks")
    info = generate_corpus(root / "corpus", max(0, n - seed_chunks), include=base.corpus_dir,
                           chunking=base.chunking)
    s = bench_settings(base, info.root, root / "index")
    log(f"{info.monographs:,} synthetic monographs + the seed corpus; building (worker process)")
    build_spec: dict[str, Any] = {"settings": settings_spec(s), "sample": plan.scale_sample}
    if hashed:
        build_spec["hashed_real_from"] = str(base.corpus_dir)
    try:
        built = run_worker("build", build_spec, work)
    except WorkerError as exc:
        notes.append(f"FAILED at scale: building the {info.chunks + seed_chunks:,}-chunk index: {exc}")
        return {}, notes
    log(f"built {built['chunks']:,} chunks in {built['build_s']:.0f}s; asking (worker process)")
    m: dict[str, float] = {"scale_chunks": float(built["chunks"]),
                           "scale_monographs": float(info.monographs + 1)}
    try:
        asked = run_worker("ask", {"settings": settings_spec(s), "seed_settings": settings_spec(seed),
                                   "questions": list(plan.questions), "repeats": plan.scale_repeats}, work)
    except WorkerError as exc:
        asked = {}
        notes.append(f"FAILED at scale: the assistant could not serve the {built['chunks']:,}-chunk "
                     f"index: {exc}")
    if hashed:
        m["scale_store_chunks_per_s"] = built["ingest_chunks_per_s"]
        notes.append("--hashed-vectors: the synthetic chunks got hashed bag-of-words vectors, not model "
                     "vectors; serving numbers (ask, RSS, disk) are those of an index this size, the "
                     "build is the store path only (model throughput: see encode_chunks_per_s)")
    else:
        m.update({"scale_ingest_chunks_per_s": built["ingest_chunks_per_s"],
                  "scale_encode_chunks_per_s": built["encode_chunks_per_s"],
                  "scale_ingest_ratio": built["ingest_ratio"]})
    m.update({"scale_build_s": built["build_s"], "scale_build_peak_rss_mb": built["peak_rss_mb"],
              "scale_index_mb": built["index_mb"]})
    if not asked:
        m["scale_peak_rss_mb"] = built["peak_rss_mb"]
        return m, notes
    m.update({
        "scale_cold_start_s": asked["cold_start_s"], "scale_noop_reindex_s": asked["noop_reindex_s"],
        "scale_noop_reindex_embedded": float(asked["noop_reindex_embedded"]),
        "scale_one_file_reindex_s": asked["one_file_reindex_s"],
        "scale_one_file_reindex_embedded": float(asked["one_file_reindex_embedded"]),
        "scale_update_bytes_written": float(asked["update_bytes_written"]),
        "scale_first_ask_vs_p50": asked["first_ask_ms"] / asked["ask_p50_ms"],
        "scale_first_ask_vs_steady": asked["first_ask_vs_steady"],
        "scale_first_ask_ms": asked["first_ask_ms"], "scale_ask_p50_ms": asked["ask_p50_ms"],
        "scale_ask_p95_ms": asked["ask_p95_ms"], "scale_seed_ask_p50_ms": asked["seed_ask_p50_ms"],
        "scale_ask_vs_seed": asked["ask_vs_seed"], "scale_bare_search_p50_ms": asked["bare_search_p50_ms"],
        "scale_ask_peak_rss_mb": asked["peak_rss_mb"],
        "scale_peak_rss_mb": max(built["peak_rss_mb"], asked["peak_rss_mb"]),
    })
    if n < 100_000:
        notes.append(f"--scale {n:,}: the 100,000-chunk targets (ask p50 <= 2x seed, RSS <= 1.5 GB) "
                     "are shown against this smaller size")
    if server:
        try:
            m.update(bench_server(base, s, seed, work, plan))
        except WorkerError as exc:
            notes.append(f"FAILED against the Chroma server: {exc}")
        notes.append("server build reuses the vectors of the embedded build (the model cost is the same "
                     "as in the embedded build): server_store_chunks_per_s is the store path only")
    return m, notes


def bench_server(base: Settings, embedded: Settings, seed: Settings, work: Path,
                 plan: Plan) -> dict[str, float]:
    root = work / "server"
    with chroma_server(root / "data", env=child_env(), timeout=HEARTBEAT_TIMEOUT_S) as (port, proc):
        s = bench_settings(base, embedded.corpus_dir, root / "index", chroma_host="127.0.0.1",
                           chroma_port=port)
        log(f"Chroma server on 127.0.0.1:{port}; building (worker process)")
        built = run_worker("build", {"settings": settings_spec(s), "sample": 0,
                                     "reuse_from": settings_spec(embedded)}, work)
        log(f"server build: {built['chunks']:,} chunks in {built['build_s']:.0f}s; asking (worker process)")
        asked = run_worker("ask", {"settings": settings_spec(s), "seed_settings": settings_spec(seed),
                                   "questions": list(plan.questions), "repeats": plan.scale_repeats}, work)
        server_rss = vm_hwm_mb(proc.pid)
    return {
        "server_store_chunks_per_s": built["ingest_chunks_per_s"],
        "server_cold_start_s": asked["cold_start_s"], "server_ask_p50_ms": asked["ask_p50_ms"],
        "server_ask_p95_ms": asked["ask_p95_ms"], "server_ask_vs_seed": asked["ask_vs_seed"],
        "server_noop_reindex_s": asked["noop_reindex_s"],
        "server_one_file_reindex_s": asked["one_file_reindex_s"],
        "server_bare_search_p50_ms": asked["bare_search_p50_ms"],
        "server_client_peak_rss_mb": asked["peak_rss_mb"], "server_peak_rss_mb": server_rss,
        "server_index_mb": built["index_mb"] + disk_mb(root / "data"),
    }


# --------------------------------------------------------------------------- report


def fmt(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def targets(metrics: dict[str, float], scale: int | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, (text, ok) in TARGETS.items():
        if key in metrics and not math.isnan(metrics[key]):
            out[key] = {"target": text, "met": bool(ok(metrics[key]))}
    if scale is not None and "scale_one_file_reindex_s" in out:
        limit = next((lim for size, lim in REINDEX_LIMITS if scale <= size), REINDEX_LIMITS[-1][1])
        out["scale_one_file_reindex_s"] = {"target": f"<= {limit:g} (at {scale:,})",
                                           "met": metrics["scale_one_file_reindex_s"] <= limit}
    if scale is not None and scale < 100_000:
        for key in ("scale_peak_rss_mb",):
            if key in out:
                out[key]["note"] = f"measured at {scale:,} chunks, not 100,000"
    return out


def render_table(report: dict[str, Any]) -> str:
    metrics = report["metrics"]
    goals = report["targets"]
    m = report["machine"]
    lines = [f"assistant bench{' --quick' if report['quick'] else ''}"
             + (f" --scale {report['scale']:,}" if report["scale"] else "")
             + (" --hashed-vectors" if report.get("hashed_vectors") else "")
             + f" — {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
             f"torch {m['versions'].get('torch', '?')} ({m['torch_threads']} threads), "
             f"chromadb {m['versions'].get('chromadb', '?')}; load average {m['loadavg_start']} -> "
             f"{m['loadavg_end']}",
             f"{len(report['questions'])} questions x {report['repeats']} repeats; "
             f"{report['seed_chunks']:.0f} seed chunks; wall time {report['wall_s']:.0f}s", ""]
    rows = [("metric", "value", "unit", "target", "what it measures")]
    for key, what, unit in ROWS:
        if key not in metrics:
            continue
        goal = goals.get(key)
        mark = "" if goal is None else f"{goal['target']} {'met' if goal['met'] else 'NOT MET'}"
        if goal is not None and goal.get("note"):
            mark += f" ({goal['note'].replace(', not 100,000', '')})"
        rows.append((key, fmt(metrics[key]), unit, mark, what))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, r in enumerate(rows):
        lines.append("  ".join([r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].ljust(widths[2]),
                                r[3].ljust(widths[3]), r[4]]).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 16)
    for note in report["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- entry point


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="assistant bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--quick", action="store_true", help="fewer questions and repeats (under two minutes)")
    p.add_argument("--scale", type=int, default=None, metavar="N",
                   help="also build and query a synthetic corpus of about N chunks")
    p.add_argument("--server", action="store_true", help="with --scale: the same against a Chroma server")
    p.add_argument("--hashed-vectors", action="store_true",
                   help="with --scale: hashed vectors for the synthetic chunks instead of the model, to "
                   "measure serving at sizes the model cannot embed in the time (build = store path only)")
    p.add_argument("--onnx", action="store_true",
                   help="also measure the ONNX int8 backend against torch (speed, vectors, eval scores)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is logged)")
    p.add_argument("--worker", choices=("build", "ask"), help=argparse.SUPPRESS)
    p.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(list(argv))
    if args.scale is not None and args.scale < 100:
        p.error("--scale must be at least 100 chunks")
    if (args.server or args.hashed_vectors) and args.scale is None:
        p.error("--server and --hashed-vectors need --scale N")
    return args


def run(args: argparse.Namespace, settings: Settings | None = None) -> dict[str, Any]:
    base = settings or Settings()
    plan = Plan.make(args.quick)
    machine = machine_info()
    t = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="assistant-bench-"))
    log(f"working in {work}")
    try:
        metrics, seed = bench_seed(base, work, plan)
        notes = []
        if args.onnx:
            onnx_metrics, onnx_notes = bench_onnx(base, work, plan)
            metrics.update(onnx_metrics)
            notes.extend(onnx_notes)
        else:
            notes.append(ONNX_NOTE)
        if args.scale is not None:
            scale_metrics, scale_notes = bench_scale(base, seed, work, args.scale, plan, args.server,
                                                     args.hashed_vectors)
            metrics.update(scale_metrics)
            notes.extend(scale_notes)
            if "scale_cold_start_s" in metrics:
                metrics["scale_cold_start_vs_seed"] = metrics["scale_cold_start_s"] / metrics["cold_start_s"]
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    machine["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    failed = [n for n in notes if n.startswith("FAILED")]
    seed_chunks = metrics.pop("chunks")
    return {"metrics": metrics, "targets": targets(metrics, args.scale), "machine": machine, "notes": notes,
            "quick": args.quick, "scale": args.scale, "hashed_vectors": args.hashed_vectors,
            "onnx": args.onnx,
            "server": args.server, "questions": list(plan.questions),
            "repeats": plan.repeats, "seed_chunks": seed_chunks, "wall_s": time.perf_counter() - t,
            "failed": failed}


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """``assistant bench``; returns the exit code: 0, 1 when a stage failed (the report says which
    and still carries every other number), 2 for bad arguments."""
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.worker:
        spec = json.loads(args.spec.read_text(encoding="utf-8"))
        try:
            result = worker_build(spec) if args.worker == "build" else worker_ask(spec)
        except Exception as exc:
            traceback.print_exc()
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
            return 1
        print(json.dumps(result), flush=True)
        return 0
    report = run(args, settings)
    if args.json:
        out = {k: (None if isinstance(v, float) and math.isnan(v) else v)
               for k, v in report["metrics"].items()}
        out.update({k: v for k, v in report.items() if k != "metrics"})
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(render_table(report))
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
