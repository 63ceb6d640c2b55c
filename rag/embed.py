"""Texts -> unit-length float32 vectors with a sentence-transformers model, loaded offline.

The model is loaded once per process and reused; torch is imported only here, so commands
that never embed (`rag --help`) start fast.
"""

from __future__ import annotations

import os
import time
from functools import lru_cache

import numpy as np

from .tokens import model_path


@lru_cache(maxsize=4)
def load_model(model: str):
    """The SentenceTransformer for `model`, on the CPU, never touching a model hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter every command
    return SentenceTransformer(model_path(model), device="cpu")


def dimension(model: str) -> int:
    m = load_model(model)
    getter = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
    return int(getter())


def embed(
    texts: list[str], model: str, *, batch_size: int = 64, progress: bool = False, label: str = "embedding"
) -> np.ndarray:
    """Embed `texts` as rows of a (len(texts), dim) float32 array with unit L2 norm.

    Texts are sorted by length before batching (less padding, much faster on CPU), and the
    rows are put back in the caller's order.
    """
    m = load_model(model)
    if not texts:
        return np.zeros((0, dimension(model)), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    bar = _bar(len(texts), label) if progress else None
    out = np.empty((len(texts), dimension(model)), dtype=np.float32)
    started = time.perf_counter()
    for b in range(0, len(order), batch_size):
        idx = order[b : b + batch_size]
        vecs = m.encode(
            [texts[i] for i in idx],
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out[idx] = vecs.astype(np.float32, copy=False)
        if bar is not None:
            bar.update(len(idx))
            bar.set_postfix_str(f"{bar.n / (time.perf_counter() - started):.0f} {label.split()[-1]}/s")
    if bar is not None:
        bar.close()
    return out


@lru_cache(maxsize=256)
def embed_query(text: str, model: str) -> np.ndarray:
    """One question's vector; cached, since the chat re-asks and the eval repeats."""
    vec = embed([text], model)[0]
    vec.setflags(write=False)
    return vec


def _bar(total: int, label: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=label.split()[-1], leave=False)
