"""The embedding model on ONNX Runtime, int8-quantised: ``embedding_backend = "onnx-int8"``.

sentence-transformers' own ONNX backend needs ``optimum-onnx``, whose releases pin
``transformers<4.58``, while sentence-transformers 6 needs ``transformers>=5``: the two cannot be
installed together. So this module does the same three steps itself, all on this machine:

1. export the model's transformer to ONNX with ``torch.onnx.export`` (from the local weights);
2. quantise it with ONNX Runtime's dynamic int8 quantisation (weights int8, per channel);
3. serve it with ``onnxruntime`` and the model's own ``tokenizer.json`` (the ``tokenizers``
   library), mean pooling and L2 normalisation, as the sentence-transformers pipeline does.

The export happens once, into ``model_cache_dir`` (atomically: a half-written export is never
used), and is reused by every later process; serving needs neither torch nor transformers. Only
mean-pooling, normalising models (all-MiniLM-L6-v2 is one) are supported; anything else is a
clear error. Vectors differ slightly from torch's (cosine ≥ 0.98 on the corpus), so the settings
fingerprint includes the backend and switching backends needs ``assistant index --rebuild``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

MODEL_FILE = "model_qint8.onnx"
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "export.json"
EXPORT_VERSION = 1


class OnnxBackendError(RuntimeError):
    """The model cannot run on the ONNX backend (unsupported pooling, missing tokenizer...)."""


def _model_settings(model_dir: Path) -> tuple[int, bool]:
    """(max sequence length, normalise) of a sentence-transformers model folder; mean pooling only."""
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    pooling = next((m for m in modules if str(m.get("type", "")).endswith("Pooling")), None)
    if kinds[:1] != ["Transformer"] or pooling is None:
        raise OnnxBackendError(f"{model_dir}: the onnx-int8 backend needs a Transformer + Pooling model")
    pool_cfg = json.loads((model_dir / pooling["path"] / "config.json").read_text(encoding="utf-8"))
    modes = [k for k, v in pool_cfg.items() if k.startswith("pooling_mode_") and v]
    if modes != ["pooling_mode_mean_tokens"]:
        raise OnnxBackendError(f"{model_dir}: the onnx-int8 backend supports mean pooling only, not {modes}")
    if not (model_dir / TOKENIZER_FILE).is_file():
        raise OnnxBackendError(f"{model_dir}: no {TOKENIZER_FILE} (the onnx-int8 backend reads it)")
    st_cfg = model_dir / "sentence_bert_config.json"
    max_len = int(json.loads(st_cfg.read_text(encoding="utf-8")).get("max_seq_length", 256)) \
        if st_cfg.is_file() else 256
    return max_len, "Normalize" in kinds


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Keep ``logging.warning()`` from installing a root handler (``basicConfig``) as a side effect."""
    root = logging.getLogger()
    guard = logging.NullHandler() if not root.handlers else None
    if guard is not None:
        root.addHandler(guard)
    try:
        yield
    finally:
        if guard is not None:
            root.removeHandler(guard)


def export_dir(model_dir: Path, cache_dir: Path) -> Path:
    """Where the export of ``model_dir`` lives: one folder per model (path and weights' size/mtime)."""
    weights = sorted(p for p in model_dir.glob("*.safetensors")) or sorted(model_dir.glob("*.bin"))
    key = json.dumps([str(model_dir.resolve()), EXPORT_VERSION,
                      [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in weights]])
    return cache_dir / f"{model_dir.name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def export_int8(model_dir: Path, out_dir: Path) -> Path:
    """Export and quantise the model into ``out_dir`` (atomically); returns ``out_dir``."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    max_len, normalize = _model_settings(model_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        transformer: Any = st[0].auto_model
        transformer.eval()

        class _Encoder(torch.nn.Module):
            def __init__(self, model: Any) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                return self.model(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state

        sample = st.tokenizer(["an example", "a second, longer example sentence"], padding=True,
                              return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        fp32 = tmp / "model.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it treats as dynamic
            torch.onnx.export(_Encoder(transformer), tuple(sample[n] for n in names), str(fp32),
                              input_names=names, output_names=["last_hidden_state"],
                              dynamic_axes={n: {0: "batch", 1: "tokens"}
                                            for n in [*names, "last_hidden_state"]},
                              opset_version=17, dynamo=False)
        with _quiet_root_logger():  # it logs through the root logger, which would configure logging
            quantize_dynamic(str(fp32), str(tmp / MODEL_FILE), weight_type=QuantType.QInt8, per_channel=True)
        fp32.unlink()
        shutil.copy2(model_dir / TOKENIZER_FILE, tmp / TOKENIZER_FILE)
        (tmp / INFO_FILE).write_text(json.dumps({"source": str(model_dir), "max_seq_length": max_len,
                                                 "normalize": normalize, "version": EXPORT_VERSION}),
                                     encoding="utf-8")
        try:
            os.replace(tmp, out_dir)
        except OSError:  # another process finished the same export first
            if not (out_dir / INFO_FILE).is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


class OnnxEmbeddings(Embeddings):
    """LangChain embeddings on an exported int8 ONNX model (see :func:`export_int8`)."""

    def __init__(self, folder: Path, batch_size: int = 16, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
        self.folder = folder
        self.batch_size = max(1, batch_size)
        self.normalize = bool(info["normalize"])
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(max_length=int(info["max_seq_length"]))
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(folder / MODEL_FILE), options,
                                            providers=["CPUExecutionProvider"])

    def _batch(self, texts: Sequence[str]) -> np.ndarray:
        encs = self.tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for i, e in enumerate(encs):
            n = len(e.ids)
            ids[i, :n], mask[i, :n], types[i, :n] = e.ids, e.attention_mask, e.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self.session.run(None, feed)[0]
        m = mask[..., None].astype(np.float32)
        vecs: np.ndarray = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        if self.normalize:
            vecs = vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
        return vecs.astype(np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        clean = [t.replace("\n", " ") for t in texts]
        order = sorted(range(len(clean)), key=lambda i: len(clean[i]), reverse=True)  # less padding
        rows: dict[int, list[float]] = {}
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            for i, vec in zip(idx, self._batch([clean[i] for i in idx]), strict=True):
                rows[i] = vec.tolist()
        return [rows[i] for i in range(len(clean))]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def load_onnx_int8(model_dir: Path, cache_dir: Path, batch_size: int) -> OnnxEmbeddings:
    """The int8 ONNX embeddings of ``model_dir``, exporting them first if this is the first use."""
    folder = export_dir(model_dir, cache_dir)
    if not (folder / INFO_FILE).is_file():
        export_int8(model_dir, folder)
    return OnnxEmbeddings(folder, batch_size)
