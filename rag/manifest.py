"""An index folder -> its manifest, checked: the one file that says which generation is the index.

`manifest.json` is the single commit point of a build (see `rag.storage`): it names the generation
folder, the settings, model and versions that shaped it, the size and SHA-256 of every file in it,
and the content hash of every source article (what `rag index` compares to know what changed).
A manifest edited by hand or cut short is refused in one line (`IndexMismatchError`), never a
traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .config import Config
from .errors import IndexMismatchError, IndexMissingError

FORMAT = "rag-index/1"
MANIFEST = "manifest.json"


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise IndexMissingError(f"no index in {folder}: build it with `rag index`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise IndexMismatchError(f"{path} is unreadable ({err}): rebuild with `rag index`") from None
    if isinstance(manifest, dict) and "format" in manifest and manifest["format"] != FORMAT:
        raise IndexMismatchError(f"{folder} holds an index of format {manifest.get('format')!r}, not {FORMAT!r}: rebuild with `rag index`")
    problem = _manifest_problem(manifest)
    if problem:
        raise IndexMismatchError(f"{path} is damaged ({problem}): rebuild with `rag index`")
    return manifest


_GENERATION = re.compile(r"gen-[0-9A-Za-z-]+")
_REQUIRED = {"format": str, "generation": str, "settings": dict, "counts": dict, "files": dict, "sources": dict}


def _json_kind(value) -> str:
    """'an object', 'an array', 'a string'...: a JSON value's kind, as a user editing the file sees it."""
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _manifest_problem(manifest) -> str | None:
    """What makes `manifest` unusable (a key missing, a value of the wrong kind), or None."""
    if not isinstance(manifest, dict):
        return f"it holds {_json_kind(manifest)}, not an object"
    for key, kind in _REQUIRED.items():
        if key not in manifest:
            return f"no {key!r}"
        if not isinstance(manifest[key], kind):
            return f"{key!r} is {_json_kind(manifest[key])}, not {_json_kind(kind())}"
    if not _GENERATION.fullmatch(manifest["generation"]):
        return f"'generation' is not a generation folder name: {manifest['generation'][:60]!r}"
    for key in ("documents", "chunks", "sentences"):
        if not isinstance(manifest["counts"].get(key), int):
            return f"'counts' has no number of {key}"
    for name, meta in manifest["files"].items():
        if Path(name).is_absolute() or ".." in Path(name).parts:
            return f"'files' names a file outside the index: {name[:60]!r}"
        if not (isinstance(meta, dict) and isinstance(meta.get("bytes"), int) and isinstance(meta.get("sha256"), str)):
            return f"'files' lacks the size or hash of {name[:60]!r}"
    for key in ("next_ids", "stores"):  # written since builds are incremental; older manifests lack them
        if key in manifest and not isinstance(manifest[key], dict):
            return f"{key!r} is {_json_kind(manifest[key])}, not an object"
    return None


SINCE = {"store": "faiss", "embed_backend": "torch", "sentence_vectors": "separate", "chunk_vectors": "embedded"}


# What the code, not the user, decides: an index that differs only in these was built by
# another version of rag, and can be rebuilt from its own corpus without asking.
BY_CODE = ("pipeline", "vectors")


def check_settings(manifest: dict, cfg: Config, folder: Path) -> None:
    """Refuse an index built with other settings than `cfg` asks for, naming the first difference."""
    built, wanted = _built(manifest), cfg.index_settings()
    for key in wanted:
        if built.get(key) != wanted[key]:
            if key == "pipeline":
                raise IndexMismatchError(
                    f"the index in {folder} was built by another version of rag (pipeline {built.get(key)!r}, "
                    f"this one reads {wanted[key]!r}): rebuild it with `rag index`"
                )
            raise IndexMismatchError(
                f"the index in {folder} was built with {key}={built.get(key)!r} but {key}={wanted[key]!r} "
                f"is configured: rebuild with `rag index` or use the same settings"
            )


def outdated_corpus(manifest: dict, cfg: Config) -> Path | None:
    """The corpus folder to rebuild an index from when it differs from `cfg` only in what the code
    decides (`BY_CODE`) and that folder is still there; None when the user's settings differ."""
    built, wanted = _built(manifest), cfg.index_settings()
    differ = [key for key in wanted if built.get(key) != wanted[key]]
    corpus = manifest.get("corpus")
    if not differ or any(key not in BY_CODE for key in differ) or not isinstance(corpus, str):
        return None
    return Path(corpus) if Path(corpus).is_dir() else None


def _built(manifest: dict) -> dict:
    # Settings added after an index was built shaped it as their default does: an index from
    # before `store` and `embed_backend` existed is a FAISS index of torch vectors.
    return {**SINCE, **manifest.get("settings", {})}
