"""rag.embed and rag.onnx_embed: embedder names, the ONNX export (real torch, real ONNX Runtime), agreement with torch."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from rag import Config, ConfigError, IndexMismatchError
from rag.embed import dimension, embed, embed_query, embedder, parse_embedder
from rag.tokens import model_path

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# Lengths from two words to past the model's 256-token window, so batches are padded.
TEXTS = [
    "Border police",
    "Ministers of the Western Balkan states met in Vienna to discuss the migration route.",
    "Vitamin D deficiency was associated with a higher risk of fracture in older women. " * 4,
    "A randomized trial of statins " + "and their effect on cardiovascular outcomes " * 60,
]


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


def test_query_vectors_are_cached_and_read_only():
    a = embed_query("same question", MODEL)
    assert embed_query("same question", MODEL) is a and not a.flags.writeable


def test_names_round_trip():
    assert embedder(MODEL) == MODEL
    assert parse_embedder(embedder(MODEL, "onnx-int8")) == (MODEL, "onnx-int8")
    assert parse_embedder(MODEL) == (MODEL, "torch")
    with pytest.raises(ConfigError, match="embedding backend"):
        parse_embedder(f"{MODEL}@tensorrt")


def test_config_names_the_embedder():
    assert Config.load(embed_backend="onnx").embedder == f"{MODEL}@onnx"
    assert Config.load(embed_backend="torch").embedder == MODEL
    assert "embed_backend" in Config.load().index_settings()
    with pytest.raises(ConfigError, match="embed_backend"):
        Config.load(embed_backend="gpu")


def test_empty_input_keeps_the_dimension():
    assert embed([], MODEL).shape == (0, 384)


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory):
    """A fresh export cache, exported once here (torch's exporter, ONNX Runtime's quantizer)."""
    from rag import onnx_embed

    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg"))
    try:
        folder = model_path(MODEL)
        files = {q: onnx_embed.onnx_file(folder, quantized=q) for q in (False, True)}
        yield onnx_embed, folder, files
    finally:
        if old is None:
            os.environ.pop("XDG_CACHE_HOME")
        else:
            os.environ["XDG_CACHE_HOME"] = old


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1)


def test_export_is_cached_whole(onnx_cache):
    onnx_embed, folder, files = onnx_cache
    root = onnx_embed.cache_dir() / onnx_embed.model_digest(folder)
    assert sorted(p.name for p in root.iterdir()) == ["model-int8.onnx", "model.onnx"]  # no temporary left
    assert files[True].stat().st_size < files[False].stat().st_size / 3  # int8 weights
    before = files[True].stat().st_mtime_ns
    assert onnx_embed.onnx_file(folder, quantized=True) == files[True]
    assert files[True].stat().st_mtime_ns == before  # reused, not exported again


def test_a_failed_write_leaves_nothing(onnx_cache, tmp_path):
    onnx_embed, _, _ = onnx_cache
    target = tmp_path / "model.onnx"

    def dies(tmp):
        tmp.write_bytes(b"half a model")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        onnx_embed._write_then_rename(target, dies)
    assert list(tmp_path.iterdir()) == []
    stale = tmp_path / ".tmp-123-model.onnx"  # what a SIGKILLed export leaves
    stale.write_bytes(b"x")
    os.utime(stale, (time.time() - 7200,) * 2)
    onnx_embed._remove_stale(tmp_path)
    assert not stale.exists()


def test_onnx_fp32_gives_torch_vectors(onnx_cache):
    onnx_embed, folder, _ = onnx_cache
    enc = onnx_embed.OnnxEncoder.load(folder, quantized=False)
    ref = embed(TEXTS, MODEL)
    got = enc.encode(TEXTS)  # one padded batch: padding must not leak into the short texts
    assert got.shape == (4, 384) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert _cosines(got, ref).min() > 0.9999


def test_onnx_int8_stays_close_to_torch(onnx_cache):
    onnx_embed, folder, _ = onnx_cache
    enc = onnx_embed.OnnxEncoder.load(folder, quantized=True)
    ref = embed(TEXTS, MODEL)
    got = enc.encode(TEXTS)
    # 0.997 at least here with rag.smooth, 0.990 without it (a CPU with VNNI)
    assert _cosines(got, ref).min() > 0.993
    # what matters for retrieval: the same text is still the nearest of the four
    assert (np.argmax(got @ ref.T, axis=1) == np.arange(4)).all()


def test_smoothing_changes_the_graph_not_its_vectors(onnx_cache, tmp_path):
    """rag.smooth rewrites x @ W as (x / s) @ (s W) where x has outlier channels: the same vectors in float."""
    import onnx
    import onnxruntime as ort

    from rag.smooth import smooth

    onnx_embed, folder, files = onnx_cache
    model = onnx.load(str(files[False]))
    smooth(model, folder)
    assert [n.op_type for n in model.graph.node if n.name.endswith("_smooth")].count("Mul") >= 6  # a few per layer
    onnx.save(model, str(tmp_path / "smoothed.onnx"))
    session = ort.InferenceSession(str(tmp_path / "smoothed.onnx"), providers=["CPUExecutionProvider"])
    got = onnx_embed.OnnxEncoder(session, onnx_embed.tokenizer(str(folder)), 384).encode(TEXTS)
    ref = onnx_embed.OnnxEncoder.load(folder, quantized=False).encode(TEXTS)
    assert _cosines(got, ref).min() > 0.99999


def test_backend_is_part_of_the_index(seed_config):
    """An index built with one backend is refused by a config asking for another, in one line."""
    from rag import load_index
    from rag.vcache import VectorCache

    other = "onnx" if seed_config.embed_backend != "onnx" else "torch"
    with pytest.raises(IndexMismatchError, match="embed_backend"):
        load_index(seed_config.with_(embed_backend=other), build_if_missing=False)
    root = seed_config.index_dir / "vectors"
    assert VectorCache(root, seed_config.embedder).folder != VectorCache(root, seed_config.with_(embed_backend=other).embedder).folder


def test_an_int8_vector_depends_on_its_text_alone(onnx_cache):
    # int8 activations get one scale per run: in a batch, a text's vector would depend on its batch-mates
    onnx_embed, folder, _ = onnx_cache
    enc = onnx_embed.OnnxEncoder.load(folder, quantized=True)
    alone = enc.encode([TEXTS[0]])
    assert np.allclose(enc.encode(TEXTS)[:1], alone, atol=1e-6)
    assert np.allclose(enc.encode(list(reversed(TEXTS)))[-1:], alone, atol=1e-6)
    batched = onnx_embed.OnnxEncoder(enc.session, enc.tokenizer, enc.dim).encode(TEXTS)[:1]  # the old way: one run
    assert not np.allclose(batched, alone, atol=1e-6)  # what the test guards against


def test_a_batch_run_across_worker_sessions_gives_each_text_its_own_vector(onnx_cache):
    """On a machine with two cores or more a batch's texts run side by side, one single-threaded
    session each; a text's vector is the one the main session gives it, in its place."""
    onnx_embed, folder, _ = onnx_cache
    enc = onnx_embed.OnnxEncoder.load(folder, quantized=True)
    if len(os.sched_getaffinity(0)) > 1:
        assert enc.workers >= 2
    texts = TEXTS * 5  # more slices than workers, so a worker is reused
    together = enc.encode(texts)
    one_by_one = np.concatenate([enc.encode([t]) for t in texts])  # each in the main session
    assert np.allclose(together, one_by_one, atol=1e-6)
    encs, states = enc.states(texts)
    assert [len(s) for s in states] == [len(e.ids) for e in encs]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as callers:  # batches from several threads at once share the workers
        for got in callers.map(enc.encode, [texts] * 6):
            assert np.allclose(got, one_by_one, atol=1e-6)
