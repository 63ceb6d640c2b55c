"""Chunks and sentences without vectors -> vector stores: vectors from the cache or the model, stored by stable id.

The second half of a build (rag.build has the first): each new chunk and sentence is looked up in
the vector cache (rag.vcache) and only the texts missing from it are embedded, in steps saved to
the cache as they finish. The stores are the previous index's, with the chunks and sentences gone
deleted and the new ones added by id (rag.store), or new ones for a build from scratch.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from .config import Config

log = logging.getLogger("rag.build")
CACHE_STEP = 4  # batches embedded between two writes to the vector cache (what a kill can lose; tests shrink it with the batch)
LOG_STEP = 2048  # texts between two progress lines in a log


def embed_and_store(p, prev, cfg: Config) -> tuple[dict, dict]:
    """(stores {"chunks", "sentences"} holding exactly the plan's ids, stats for the report)."""
    from .store import new_store
    from .vcache import VectorCache, embed_cached, text_key

    cache = VectorCache(Path(cfg.index_dir) / "vectors", cfg.vectors)
    cache.remove_leftovers()
    dim = prev.dense.dim if prev is not None else cache.dim
    if dim is None:
        from .embed import dimension

        dim = dimension(cfg.embedder)
    stats = {"embedded": 0, "cached": 0, "kept": 0, "embed_seconds": 0.0, "chunks_embedded": 0, "cache": cache}
    stores = {}
    parts = (
        ("chunks", [c.embed_text for c in p.chunks], p.new_chunks, p.gone_chunks, p.chunk_uids, prev and prev.dense),
        ("sentences", [s.text for s in p.sentences], p.new_sentences, p.gone_sentences, p.sentence_uids,
         prev and prev.sentence_store),
    )
    if cfg.sentence_vectors == "pooled":
        pooled = _pooled(p, cfg, cache, dim, stats)
    elif cfg.chunk_vectors == "sentences":
        pooled = _from_sentences(p, cfg, cache, dim, stats)
    else:
        pooled = {}
    for name, texts, new, gone, uids, view in parts:
        if name in pooled:
            vectors = pooled[name]
        else:
            todo = [texts[r] for r in new.tolist()]
            log.info("embedding %s: %d texts", name, len(todo))
            on_step = _progress(cfg, f"embedding {name}")
            vectors, cached, embedded = embed_cached(
                todo, cfg.embedder, cache, dim=dim, batch_size=cfg.batch_size, step=cfg.batch_size * CACHE_STEP,
                on_step=on_step,
            )
            if cached:
                log.info("embedding %s: %d of %d vectors found in the vector cache", name, cached, len(todo))
            if name == "chunks":
                stats["embed_seconds"], stats["chunks_embedded"] = on_step.seconds(), embedded
            stats["embedded"] += embedded
            stats["cached"] += cached
        if view is not None:  # update the previous store: it holds every id but the new ones
            store = view.store
            store.delete(gone)
            stats["kept"] += len(store)
        else:
            store = new_store(cfg, dim, len(texts))
        store.add(uids[new], vectors)
        stores[name] = store
    stats["chunks_per_second"] = stats["chunks_embedded"] / stats["embed_seconds"] if stats["embed_seconds"] else 0.0
    if cfg.chunk_vectors == "sentences":  # the cache holds the sentences' and headlines' vectors
        from .chunkvec import live_texts

        stats["live"] = {text_key(t) for t in live_texts(p)}
    elif pooled:  # the cache holds the chunks' vectors and the sentences' pooled ones
        from .pool import pooled_key

        stats["live"] = {text_key(t) for t in parts[0][1]} | {pooled_key(t, sp) for t, sp in _sentence_spans(p)}
    else:
        stats["live"] = {text_key(t) for _, texts, *_ in parts for t in texts}
    return stores, stats


def _sentence_spans(p) -> list[tuple[str, tuple[int, int]]]:
    """Each sentence's chunk text (headline + text, what the model reads) and its span in it."""
    out = []
    for s in p.sentences:
        c = p.chunks[s.chunk_id]
        shift = len(c.embed_text) - len(c.text) - c.start  # the headline and its line break come first
        out.append((c.embed_text, (s.start + shift, s.end + shift)))
    return out


def _pooled(p, cfg: Config, cache, dim: int, stats: dict) -> dict:
    """The new chunks' and sentences' vectors from one pass over the chunks (rag.pool)."""
    from .pool import embed_pooled

    texts = [c.embed_text for c in p.chunks]
    spans = _sentence_spans(p)
    sentences = [(p.sentences[r].chunk_id, spans[r][1]) for r in p.new_sentences.tolist()]
    log.info("embedding chunks, sentences pooled from their tokens: %d chunks, %d sentences",
             len(p.new_chunks), len(sentences))
    on_step = _progress(cfg, "embedding chunks")
    chunks, sents, cached, embedded = embed_pooled(
        texts, p.new_chunks.tolist(), sentences, cfg.embedder, cache, dim=dim, step=cfg.batch_size * CACHE_STEP,
        on_step=on_step,
    )
    if cached:
        log.info("embedding: %d of %d vectors found in the vector cache", cached, len(p.new_chunks) + len(sentences))
    stats["embed_seconds"], stats["chunks_embedded"] = on_step.seconds(), embedded
    stats["embedded"] += embedded
    stats["cached"] += cached
    return {"chunks": chunks, "sentences": sents}


def _from_sentences(p, cfg: Config, cache, dim: int, stats: dict) -> dict:
    """The new sentences' vectors, and the new chunks' pooled from them and their headlines' (rag.chunkvec)."""
    from .chunkvec import embed_from_sentences

    log.info("embedding sentences and headlines, chunks pooled from them: %d chunks, %d new sentences",
             len(p.new_chunks), len(p.new_sentences))
    on_step = _progress(cfg, "embedding sentences")
    chunks, sents, cached, embedded = embed_from_sentences(
        p, cfg.embedder, cache, dim=dim, batch_size=cfg.batch_size, step=cfg.batch_size * CACHE_STEP, on_step=on_step,
    )
    if cached:
        log.info("embedding: %d vectors found in the vector cache", cached)
    stats["embed_seconds"], stats["chunks_embedded"] = on_step.seconds(), len(p.new_chunks)  # chunks made per second
    stats["embedded"] += embedded
    stats["cached"] += cached
    return {"chunks": chunks, "sentences": sents}


def _progress(cfg: Config, label: str):
    """on_step(done, total) for embed_cached: a progress bar, or without one a log line every few slices."""
    state: dict = {}
    every = LOG_STEP

    def on_step(done: int, total: int) -> None:
        if done == 0:
            from .embed import load_model

            log.info("loading the embedding model %s", cfg.embedder)
            load_model(cfg.embedder)  # not part of the throughput measured
            state["t0"] = time.perf_counter()
            if cfg.progress:
                from tqdm import tqdm

                state["bar"] = tqdm(total=total, desc=label, unit="text", leave=False)
            return
        if "bar" in state:
            state["bar"].update(done - state["bar"].n)
            if done == total:
                state["bar"].close()
        elif done == total or done // every > state.get("last", 0) // every:
            log.info("%s: %d/%d (%.0f/s)", label, done, total, done / max(time.perf_counter() - state["t0"], 1e-9))
            state["last"] = done
        state["t1"] = time.perf_counter()

    on_step.seconds = lambda: state["t1"] - state["t0"] if "t1" in state else 0.0  # embedding time, model loaded
    return on_step
