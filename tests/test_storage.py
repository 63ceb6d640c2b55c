"""The index folder: self-describing manifest, plain files, refusals, atomic replacement."""

from __future__ import annotations

import hashlib
import json

import pytest

import rag
from rag.errors import IndexMismatchError, IndexMissingError
from rag.storage import open_index, read_manifest

SEEDS = __import__("pathlib").Path(__file__).resolve().parent.parent / "seeds"


def test_manifest_describes_the_index(seed_config):
    m = read_manifest(seed_config.index_dir)
    assert m["format"] == "rag-index/1"
    assert m["settings"] == seed_config.index_settings()
    assert m["model"] == {"id": "sentence-transformers/all-MiniLM-L6-v2", "dimension": 384}
    assert m["versions"]["faiss-cpu"] and m["versions"]["sentence-transformers"] and m["versions"]["tiktoken"]
    assert m["counts"]["documents"] == 5
    for path in SEEDS.iterdir():
        assert m["sources"][path.name] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_index_files_are_plain_and_listed(seed_config):
    m = read_manifest(seed_config.index_dir)
    gen = seed_config.index_dir / m["generation"]
    files = sorted(p.relative_to(gen).as_posix() for p in gen.rglob("*") if p.is_file())
    assert files == sorted(m["files"])
    assert {p.rsplit(".", 1)[-1] for p in files} <= {"json", "jsonl", "npy", "faiss"}  # no pickle
    for line in (gen / "chunks.jsonl").read_text().splitlines():
        json.loads(line)


def test_other_settings_are_refused(seed_config):
    with pytest.raises(IndexMismatchError, match="chunk_tokens=200 but chunk_tokens=120"):
        open_index(seed_config.with_(chunk_tokens=120))


def test_missing_index(tmp_path):
    with pytest.raises(IndexMissingError, match="rag index"):
        open_index(rag.Config.load(index_dir=tmp_path))


def test_damaged_file_is_detected(tmp_path):
    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False)
    rag.index(SEEDS / "000_19e16c48e833ded7.txt", config=cfg)
    m = read_manifest(cfg.index_dir)
    victim = cfg.index_dir / m["generation"] / "chunks.faiss"
    victim.write_bytes(victim.read_bytes()[:100])
    with pytest.raises(IndexMismatchError, match="damaged"):
        open_index(cfg)


def test_rebuild_replaces_the_generation(tmp_path):
    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False)
    rag.index(SEEDS / "000_19e16c48e833ded7.txt", config=cfg)
    first = read_manifest(cfg.index_dir)["generation"]
    rag.index(SEEDS, config=cfg)
    second = read_manifest(cfg.index_dir)
    assert second["generation"] != first and second["counts"]["documents"] == 5
    assert sorted(p.name for p in cfg.index_dir.iterdir()) == sorted([second["generation"], "manifest.json"])
    assert len(open_index(cfg).documents) == 5


def test_a_same_size_corruption_is_detected(tmp_path):
    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False)
    rag.index(SEEDS / "000_19e16c48e833ded7.txt", config=cfg)
    victim = cfg.index_dir / read_manifest(cfg.index_dir)["generation"] / "chunks.jsonl"
    data = bytearray(victim.read_bytes())
    data[10] ^= 0x01
    victim.write_bytes(bytes(data))
    with pytest.raises(IndexMismatchError, match="damaged"):
        open_index(cfg)


def test_a_failed_write_leaves_no_partial_folder(tmp_path, monkeypatch):
    import rag.storage as storage

    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False)
    rag.index(SEEDS / "000_19e16c48e833ded7.txt", config=cfg)
    before = read_manifest(cfg.index_dir)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.FaissStore, "save", disk_full)  # a real failure mode, injected
    with pytest.raises(OSError):
        rag.index(SEEDS, config=cfg)
    assert read_manifest(cfg.index_dir) == before
    assert sorted(p.name for p in cfg.index_dir.iterdir()) == sorted([before["generation"], "manifest.json"])
    assert len(open_index(cfg).documents) == 1
