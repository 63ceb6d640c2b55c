"""Texts -> unit-length float32 vectors with a sentence-transformers model, loaded offline.

An embedder is named by one string, the model and its backend: `"<model>"` runs the model in
torch (fp32), `"<model>@onnx"` in ONNX Runtime (fp32) and `"<model>@onnx-int8"` in ONNX Runtime
with int8 weights (rag.onnx_embed). `Config.embedder` gives the configured one; the index
manifest records the backend and the vector cache keeps one folder per embedder, so vectors of
two kinds never meet in one index.

>>> embedder("sentence-transformers/all-MiniLM-L6-v2", "onnx-int8")
'sentence-transformers/all-MiniLM-L6-v2@onnx-int8'
>>> parse_embedder("m@onnx")
('m', 'onnx')

The model is loaded once per process and reused; torch and onnxruntime are imported only here,
so commands that never embed (`rag --help`) start fast.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

from .errors import ConfigError
from .threads import one_thread
from .tokens import model_path

BACKENDS = ("torch", "onnx", "onnx-int8")
# The pooled pass (states) runs torch in slices of at most this many padded tokens: activations
# grow with rows x width (attention with rows x width^2); on 126 SciFact chunks 64 rows of 256
# tokens peaked ~450 MB above the loaded model, 8192 tokens ~250 MB at 5-10% less speed, 4096
# ~130 MB at 25% less. The separate pass (encode) does not slice: with slices, the whole SciFact
# build's peak RSS was 1939 MB in `rag bench` at ad05b88, against 1563 MB without at 9ccf85c (RSS
# creeps over tens of thousands of differently shaped batches), so that change was taken back.
TORCH_BATCH_TOKENS = 8192
# Batches of different shapes leave freed activations scattered in glibc's heaps, which it keeps
# rather than hands back, so a torch build's RSS creeps. Handing them back (malloc_trim) every few
# batches: `rag bench --json`, torch, peak ingest RSS 1108 MB (bafe500) -> 1010 MB (d26bf75), at
# the same docs/s (a fixed mmap threshold instead cost a third more time in a trial).
TRIM_EVERY = 4


def embedder(model: str, backend: str = "torch") -> str:
    """The name of `model` run by `backend` (the torch name is the bare model, as before)."""
    return model if backend == "torch" else f"{model}@{backend}"


def parse_embedder(name: str) -> tuple[str, str]:
    """An embedder's name -> (model, backend)."""
    model, _, backend = name.rpartition("@") if "@" in name else ("", "", "torch")
    if not model:
        return name, "torch"
    if backend not in BACKENDS:
        raise ConfigError(f"embedding backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return model, backend


class _TorchEncoder:
    """sentence-transformers in torch: one batch -> unit-length rows."""

    def __init__(self, folder: str):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter every command
        self.model = SentenceTransformer(folder, device="cpu")
        self.folder = folder
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(getter())

    def encode(self, texts: list[str]) -> np.ndarray:
        """One batch: (len(texts), dim) unit-length rows, in one forward pass (TORCH_BATCH_TOKENS says why)."""
        return self.model.encode(
            texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    def states(self, texts: list[str]):
        """Texts -> (their tokenizer encodings, each text's last-layer token vectors as a (tokens, dim)
        float32 array): what mean pooling averages, for rag.pool."""
        import torch

        from .onnx_embed import padded, sliced, tokenizer, unpadded

        encs = tokenizer(self.folder).encode_batch(texts)
        out = []
        with torch.inference_mode():
            for part in sliced(encs, TORCH_BATCH_TOKENS):
                ids, mask = padded(part)
                hidden = self.model[0].auto_model(
                    input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                    token_type_ids=torch.zeros_like(torch.from_numpy(ids)),
                ).last_hidden_state.numpy()
                out += unpadded(hidden, part)
        return encs, out


@lru_cache(maxsize=4)
def load_model(name: str):
    """The encoder for embedder `name` (see above), on the CPU, never touching a model hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    model, backend = parse_embedder(name)
    if backend == "torch":
        return _TorchEncoder(model_path(model))
    from .onnx_embed import OnnxEncoder

    return OnnxEncoder.load(model_path(model), quantized=backend == "onnx-int8")


def dimension(name: str) -> int:
    return load_model(name).dim


def embed(
    texts: list[str], model: str, *, batch_size: int = 8, progress: bool = False, label: str = "embedding"
) -> np.ndarray:
    """Embed `texts` with embedder `model` as rows of a (len(texts), dim) float32 array with unit L2 norm.

    Texts are sorted by length before batching (less padding, much faster on CPU), and the
    rows are put back in the caller's order.
    """
    m = load_model(model)
    if not texts:
        return np.zeros((0, m.dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    bar = _bar(len(texts), label) if progress else None
    out = np.empty((len(texts), m.dim), dtype=np.float32)
    started = time.perf_counter()
    for b in range(0, len(order), batch_size):
        idx = order[b : b + batch_size]
        out[idx] = m.encode([texts[i] for i in idx])
        if (b // batch_size + 1) % TRIM_EVERY == 0:
            _trim_heap()
        if bar is not None:
            bar.update(len(idx))
            bar.set_postfix_str(f"{bar.n / (time.perf_counter() - started):.0f} {label.split()[-1]}/s")
    if bar is not None:
        bar.close()
    return out


@lru_cache(maxsize=1)
def _libc():
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None  # glibc only (not macOS, not musl)
    except OSError:
        return None


def _trim_heap() -> None:
    """Hand the heap's free pages back to the system (TRIM_EVERY says why); a no-op off glibc."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@lru_cache(maxsize=256)
def embed_query(text: str, model: str) -> np.ndarray:
    """One question's vector with embedder `model`; cached, since the chat re-asks and the eval repeats."""
    with _torch_one_thread(model):
        vec = embed([text], model)[0]
    vec.setflags(write=False)
    return vec


@contextmanager
def _torch_one_thread(model: str):
    """Torch on one thread for a single question, when torch runs `model` (rag.threads). Why: with
    two OpenMP threads and the other core busy, the threads wait for each other; measured here under
    load, one short question took 1.0 s on two threads and 0.05 s on one (on an idle machine both
    take a few milliseconds). ONNX Runtime never spin-waits: nothing to set."""
    if parse_embedder(model)[1] != "torch":
        yield
        return
    import torch

    with one_thread(torch.get_num_threads, torch.set_num_threads):
        yield


def _bar(total: int, label: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=label.split()[-1], leave=False)
