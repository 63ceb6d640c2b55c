"""Settings -> one frozen Config: a CLI flag beats an environment variable beats the default.

>>> Config.load(top_k=3).top_k
3

The fields in `INDEX_FIELDS` shape the index on disk; they are written to its manifest and an
index built with other values is refused (see `rag.storage.check_settings`).
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from .errors import ConfigError

# In a checkout (the usual, editable install) seeds/ and index/ sit beside rag/; an installed
# copy uses the current folder instead.
_CHECKOUT = Path(__file__).resolve().parent.parent
ROOT = _CHECKOUT if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd()
MODES = ("dense", "bm25", "hybrid", "hybrid+rerank")
GENERATORS = ("extractive", "local", "openai")
READERS = ("local", "off")  # rag.reader
STORES = ("faiss", "milvus")
EMBED_BACKENDS = ("torch", "onnx", "onnx-int8")  # rag.embed.BACKENDS
SENTENCE_VECTORS = ("separate", "pooled")  # rag.ingest: a pass of their own, or pooled from their chunk's tokens (rag.pool)
CHUNK_VECTORS = ("embedded", "sentences")  # rag.ingest: the chunk read whole, or pooled from its sentences' vectors (rag.chunkvec)

# Bumped whenever cleaning, sentence splitting or chunking changes what an index holds, so an
# index built by older code is refused instead of silently disagreeing with the new code.
PIPELINE_VERSION = 9  # 6: BM25 terms without accents (rag.lexical.fold); 7: nor thousands' commas; 8: datelines out; 9: "Ste." ends no sentence

# Settings baked into the stored index. Changing one needs `rag index` again.
INDEX_FIELDS = (
    "model",
    "embed_backend",
    "sentence_vectors",
    "chunk_vectors",
    "encoding",
    "chunk_tokens",
    "chunk_overlap",
    "bm25_k1",
    "bm25_b",
    "bm25_stemmer",
    "store",  # an index is read by the store that built it (FAISS files, or Milvus collections)
)


@dataclass(frozen=True)
class Config:
    corpus: Path = ROOT / "seeds"
    index_dir: Path = ROOT / "index"
    model: str = "sentence-transformers/all-MiniLM-L6-v2"
    # Who runs the model (rag/embed.py): onnx-int8, onnx (fp32, ONNX Runtime) or torch (fp32). onnx
    # gives torch's vectors (minimum cosine 1.0 to four places); onnx-int8, exported with its few
    # outlier activation channels smoothed into the weights (rag/onnx_embed.py), embeds 1.5x as
    # fast at cosine 0.997 to them (`python -m eval.embed_speed ../shared/data/scifact --docs 150`)
    # and, each text run alone, keeps SciFact's nDCG@10 at fp32's (0.7398 against 0.7399): the
    # README's `rag bench` section.
    embed_backend: str = "onnx-int8"
    sentence_vectors: str = "separate"  # separate (each sentence embedded alone) or pooled (from its chunk's tokens)
    chunk_vectors: str = "embedded"  # embedded (the chunk read whole) or sentences (from its headline's and sentences' vectors)
    encoding: str = "cl100k_base"
    chunk_tokens: int = 200
    chunk_overlap: int = 40
    # Texts per forward pass. Small batches are as fast on 2 CPU cores (sorted by length, they pad
    # little) and hold far less memory: `python -m eval.bench ../shared/data/scifact --side rag
    # --max-docs 1000 --out F`, 64 -> 8: build 127 s -> 109 s, peak RSS 1266 -> 939 MB (attention
    # holds rows x heads x width^2 floats per layer).
    batch_size: int = 8
    max_file_mb: float = 5.0  # larger article files are left out of the index and reported
    lock_wait: float = 5.0  # seconds `rag index` waits for another build's lock before refusing (inf: --wait)
    # Vector store: "faiss" (in the index folder) or "milvus" (Milvus Lite file or server, rag/milvus_store.py)
    store: str = "faiss"
    exact_max: int = 250_000  # FAISS: exact search up to this many vectors, IVF-SQ8 above (rag/store.py)
    milvus_uri: str = ""  # "milvus": a local file (Milvus Lite; default <index_dir>/milvus.db) or http://host:19530
    milvus_token: str = ""  # "milvus": "user:password" or an API key, for a server
    # Retrieval
    mode: str = "hybrid+rerank"  # the best nDCG@10 on SciFact (`rag eval --beir`)
    top_k: int = 5
    candidates: int = 300  # chunks per signal scored and fused; deep enough for Recall@100
    w_dense: float = 1.0
    w_bm25: float = 1.0
    w_sentence: float = 1.0
    fusion: str = "zscore"  # or "rrf"
    rrf_k: int = 60
    mmr_lambda: float = 0.7  # 1.0 = pure relevance; lower trades relevance for diversity
    bm25_k1: float = 0.9
    bm25_b: float = 0.4
    bm25_stemmer: str = "english"
    # Answering
    max_citations: int = 3
    min_confidence: float = -1.0  # refuse below this confidence; -1: the threshold fitted in rag/judge.json
    # Who reads the sentence to be quoted when the judge is in doubt whether it answers (rag/reader.py):
    # "off" (the judge alone) or "local", the bundled 1.5B model in this process (the one judge.json's
    # reader model was fitted with). Off by default: it lifts SQuAD's refusals but not the seed
    # sets', and costs about a second a question (README, "The reader").
    reader: str = "off"
    answer_ratio: float = -1.0  # a runner-up is quoted too when its odds of holding the answer are this share of the best's; -1: fitted in rag/judge.json
    # Writing: "extractive" quotes sentences (no model); "local" runs a GGUF model in-process;
    # "openai" asks any OpenAI-compatible chat endpoint (llama.cpp server, Ollama, vLLM, hosted).
    generator: str = "extractive"
    llm_base_url: str = ""  # "openai": e.g. http://127.0.0.1:8080/v1 (else $OPENAI_BASE_URL)
    llm_model: str = ""  # "openai": the endpoint's model name (else $OPENAI_MODEL)
    llm_api_key: str = ""  # "openai": (else $OPENAI_API_KEY)
    llm_model_path: str = ""  # "local": a .gguf file (default: the bundled Qwen2.5-Coder-0.5B, joined into the cache)
    llm_threads: int = 2
    llm_timeout: float = 60.0  # seconds without a token before the model is given up on
    llm_max_tokens: int = 160
    progress: bool = True

    @classmethod
    def load(cls, **overrides) -> "Config":
        """Defaults, then `RAG_<FIELD>` environment variables, then `overrides` (None = unset)."""
        values: dict = {}
        for f in fields(cls):
            raw = os.environ.get(f"RAG_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, raw, type(getattr(cls(), f.name)))
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        cfg = cls(**{k: _coerce(k, v, type(getattr(cls(), k))) for k, v in values.items()})
        cfg.validate()
        return cfg

    def with_(self, **changes) -> "Config":
        """A copy with some settings changed (None values are ignored)."""
        cfg = replace(self, **{k: v for k, v in changes.items() if v is not None})
        cfg.validate()
        return cfg

    def validate(self) -> None:
        for f in fields(self):  # NaN compares unequal to itself and slips through every range check below
            value = getattr(self, f.name)
            if isinstance(value, float) and (math.isnan(value) or (math.isinf(value) and f.name != "lock_wait")):
                raise ConfigError(f"{f.name} must be a finite number, not {value}")
        if self.bm25_k1 < 0 or not 0.0 <= self.bm25_b <= 1.0:
            raise ConfigError(f"bm25_k1 must be 0 or more and bm25_b between 0 and 1, not {self.bm25_k1} and {self.bm25_b}")
        if self.mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.chunk_tokens < 16:
            raise ConfigError(f"chunk_tokens must be at least 16, not {self.chunk_tokens}")
        if not 0 <= self.chunk_overlap < self.chunk_tokens // 2 + 1:
            raise ConfigError(
                f"chunk_overlap must be between 0 and half of chunk_tokens, not {self.chunk_overlap}"
            )
        if self.generator not in GENERATORS:
            raise ConfigError(f"generator must be one of {', '.join(GENERATORS)}, not {self.generator!r}")
        if self.reader not in READERS:
            raise ConfigError(f"reader must be one of {', '.join(READERS)}, not {self.reader!r}")
        if self.embed_backend not in EMBED_BACKENDS:
            raise ConfigError(f"embed_backend must be one of {', '.join(EMBED_BACKENDS)}, not {self.embed_backend!r}")
        if self.sentence_vectors not in SENTENCE_VECTORS:
            raise ConfigError(f"sentence_vectors must be one of {', '.join(SENTENCE_VECTORS)}, not {self.sentence_vectors!r}")
        if self.chunk_vectors not in CHUNK_VECTORS:
            raise ConfigError(f"chunk_vectors must be one of {', '.join(CHUNK_VECTORS)}, not {self.chunk_vectors!r}")
        if self.chunk_vectors == "sentences" and self.sentence_vectors != "separate":
            raise ConfigError("chunk_vectors=sentences pools the sentences' own vectors: it needs sentence_vectors=separate")
        if self.store not in STORES:
            raise ConfigError(f"store must be one of {', '.join(STORES)}, not {self.store!r}")
        if self.fusion not in ("zscore", "rrf"):
            raise ConfigError(f"fusion must be zscore or rrf, not {self.fusion!r}")
        if self.llm_timeout <= 0:
            raise ConfigError(f"llm_timeout must be above 0 seconds, not {self.llm_timeout}")
        for name in ("top_k", "batch_size", "candidates", "exact_max", "max_citations", "rrf_k", "llm_threads", "llm_max_tokens"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}")
        if not (0.0 <= self.min_confidence <= 1.0 or self.min_confidence == -1.0):
            raise ConfigError(f"min_confidence must be between 0 and 1 (or -1: the fitted threshold), not {self.min_confidence}")
        if not (0.0 < self.answer_ratio <= 1.0 or self.answer_ratio == -1.0):
            raise ConfigError(f"answer_ratio must be above 0 and at most 1 (or -1: the fitted ratio), not {self.answer_ratio}")
        if not self.lock_wait >= 0:
            raise ConfigError(f"lock_wait must be 0 seconds or more, not {self.lock_wait}")
        if not 0.0 <= self.mmr_lambda <= 1.0:
            raise ConfigError(f"mmr_lambda must be between 0 and 1, not {self.mmr_lambda}")

    @property
    def embedder(self) -> str:
        """The embedding model and its backend as one name, what rag.embed loads ("<model>@onnx-int8")."""
        return self.model if self.embed_backend == "torch" else f"{self.model}@{self.embed_backend}"

    @property
    def vectors(self) -> str:
        """What kind of vector the index holds: the embedder, and for int8 the export that made
        its weights and how it runs texts. An fp32 export is the model itself (torch's vectors, cosine 1.0); an int8 one
        depends on how it was quantized, and vectors of two recipes must never meet in one index
        or one vector cache (`rag.vcache`)."""
        if self.embed_backend != "onnx-int8":
            return self.embedder
        from .onnx_embed import EXPORTER, INT8_RUN

        return f"{self.embedder}#{EXPORTER}-{INT8_RUN}"

    def index_settings(self) -> dict:
        """The settings recorded in, and checked against, the index manifest."""
        settings = {"pipeline": PIPELINE_VERSION, **{k: v for k, v in asdict(self).items() if k in INDEX_FIELDS}}
        if self.vectors != self.embedder:  # an int8 index from another export is another index
            settings["vectors"] = self.vectors
        return settings


def _parse(name: str, raw: str, kind: type):
    """An environment variable's text -> the setting's type; the error names the variable."""
    if kind is bool:
        word = raw.strip().lower()
        if word not in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
            raise ConfigError(f"RAG_{name.upper()} must be true or false (1/0, yes/no, on/off), not {raw!r}")
        return word in ("1", "true", "yes", "on")
    try:
        return _coerce(name, raw, kind)
    except ConfigError:
        raise ConfigError(f"RAG_{name.upper()} must be {'an' if kind is int else 'a'} {kind.__name__}, not {raw!r}") from None


def _coerce(name: str, value, kind: type):
    try:
        if issubclass(kind, Path):
            return Path(value).expanduser()
        if kind is bool:
            return bool(value)
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name} expects {kind.__name__}, got {value!r}") from None
