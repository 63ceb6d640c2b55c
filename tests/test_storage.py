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
    assert sorted(p.name for p in cfg.index_dir.iterdir()) == sorted([second["generation"], "lock", "manifest.json", "vectors"])
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
    import rag.store as store

    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False)
    rag.index(SEEDS / "000_19e16c48e833ded7.txt", config=cfg)
    before = read_manifest(cfg.index_dir)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.FaissStore, "save", disk_full)  # a real failure mode, injected
    with pytest.raises(OSError):
        rag.index(SEEDS, config=cfg)
    assert read_manifest(cfg.index_dir) == before
    assert sorted(p.name for p in cfg.index_dir.iterdir()) == sorted([before["generation"], "lock", "manifest.json", "vectors"])
    assert len(open_index(cfg).documents) == 1


# --- a hand-edited or cut manifest: one line, never a traceback --------------------------------


def _manifest(tmp_path) -> dict:
    """A manifest as write_index writes one (no generation folder needed to read it)."""
    return {
        "format": "rag-index/1",
        "created": "2024-01-01T00:00:00+00:00",
        "generation": "gen-20240101T000000-abcdef",
        "settings": rag.Config.load(index_dir=tmp_path).index_settings(),
        "versions": {},
        "counts": {"documents": 1, "chunks": 1, "sentences": 1},
        "files": {"chunks.jsonl": {"bytes": 10, "sha256": "0" * 64}, "bm25/params.index.json": {"bytes": 2, "sha256": "1" * 64}},
        "sources": {"a.txt": "2" * 64},
        "model": {"id": "m", "dimension": 384},
    }


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda m: [m], "it holds an array, not an object"),
        (lambda m: "index", "it holds a string, not an object"),
        (lambda m: {k: v for k, v in m.items() if k != "generation"}, "no 'generation'"),
        (lambda m: {k: v for k, v in m.items() if k != "format"}, "no 'format'"),
        (lambda m: {k: v for k, v in m.items() if k != "settings"}, "no 'settings'"),
        (lambda m: {**m, "files": list(m["files"])}, "'files' is an array, not an object"),
        (lambda m: {**m, "settings": [1, 2]}, "'settings' is an array, not an object"),
        (lambda m: {**m, "generation": 7}, "'generation' is a number, not a string"),
        (lambda m: {**m, "generation": "../../etc"}, "'generation' is not a generation folder name"),
        (lambda m: {**m, "counts": {"documents": 1}}, "'counts' has no number of chunks"),
        (lambda m: {**m, "files": {"../../etc/passwd": {"bytes": 1, "sha256": "0"}}}, "names a file outside the index"),
        (lambda m: {**m, "files": {"chunks.jsonl": {"bytes": "10"}}}, "lacks the size or hash of 'chunks.jsonl'"),
        (lambda m: {**m, "files": {"chunks.jsonl": None}}, "lacks the size or hash of 'chunks.jsonl'"),
    ],
)
def test_a_hand_edited_manifest_is_refused_in_one_line(tmp_path, edit, expected):
    (tmp_path / "manifest.json").write_text(json.dumps(edit(_manifest(tmp_path))))
    for read in (read_manifest, lambda folder: open_index(rag.Config.load(index_dir=folder))):
        with pytest.raises(IndexMismatchError) as err:
            read(tmp_path)
        message = str(err.value)
        assert expected in message and "is damaged" in message and message.endswith("rebuild with `rag index`")
        assert "\n" not in message


@pytest.mark.parametrize("cut", [0, 1, 40, -2])
def test_a_truncated_manifest_is_refused_in_one_line(tmp_path, cut):
    text = json.dumps(_manifest(tmp_path), indent=2)
    (tmp_path / "manifest.json").write_text(text[:cut] if cut >= 0 else text[:cut] + "\xff")
    with pytest.raises(IndexMismatchError, match=r"manifest\.json is unreadable .*: rebuild with `rag index`$"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_bytes(b"\xff\xfe{}")  # not UTF-8 at all
    with pytest.raises(IndexMismatchError, match="is unreadable"):
        read_manifest(tmp_path)


def test_an_intact_manifest_is_read_as_written(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(_manifest(tmp_path)))
    assert read_manifest(tmp_path) == _manifest(tmp_path)
    other = {**_manifest(tmp_path), "format": "rag-index/0"}
    (tmp_path / "manifest.json").write_text(json.dumps(other))
    with pytest.raises(IndexMismatchError, match="of format 'rag-index/0', not 'rag-index/1'"):
        read_manifest(tmp_path)


# --- what a killed build leaves behind ---------------------------------------------------------


def test_leftovers_of_a_killed_build_are_removed_and_nothing_else(tmp_path):
    """Under the lock no other build is writing: every partial folder, manifest temp file and
    generation the manifest does not name is a dead build's. Other names, and what a link
    points to, are left alone."""
    from rag.storage import remove_leftovers

    (tmp_path / "manifest.json").write_text(json.dumps(_manifest(tmp_path)))
    current = tmp_path / _manifest(tmp_path)["generation"]
    current.mkdir()
    dead = tmp_path / ".gen-20240101T000000-dead01.partial"
    (dead / "bm25").mkdir(parents=True)
    (dead / "chunks.jsonl").write_text("{}\n")
    orphan = tmp_path / "gen-20240102T000000-orphan"  # renamed into place, never committed
    orphan.mkdir()
    (tmp_path / "manifest.json.tmp4242").write_text("{")
    precious = tmp_path.parent / f"{tmp_path.name}-precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    (tmp_path / ".gen-20240103T000000-link01.partial").symlink_to(precious)
    keep = [tmp_path / ".gen-notes", tmp_path / "my.partial", tmp_path / "vectors", tmp_path / "lock"]
    for k in keep:
        k.mkdir()

    assert remove_leftovers(tmp_path) == [dead.name, ".gen-20240103T000000-link01.partial", orphan.name, "manifest.json.tmp4242"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([current.name, "manifest.json", *(k.name for k in keep)])
    assert (precious / "keep.txt").read_text() == "mine"
    assert remove_leftovers(tmp_path) == []


def test_without_a_readable_manifest_no_generation_is_removed(tmp_path):
    from rag.storage import remove_leftovers

    (tmp_path / "gen-20240101T000000-a").mkdir()
    (tmp_path / "gen-20240102T000000-b").mkdir()
    (tmp_path / "manifest.json").write_text("[")
    assert remove_leftovers(tmp_path) == []
    assert len(list(tmp_path.glob("gen-*"))) == 2


def test_a_build_removes_what_a_killed_build_left(tmp_path):
    cfg = rag.Config.load(index_dir=tmp_path / "idx", progress=False)
    cfg.index_dir.mkdir()
    stale = cfg.index_dir / ".gen-20240101T000000-dead01.partial"
    stale.mkdir()
    (stale / "chunks.jsonl").write_text("{}\n")
    (cfg.index_dir / "vectors" / "0123456789abcdef").mkdir(parents=True)
    (cfg.index_dir / "vectors" / "0123456789abcdef" / "1-dead.tmp").write_bytes(b"\x93NUMPY")  # a cut cache segment
    rag.index(SEEDS / "000_19e16c48e833ded7.txt", config=cfg)
    m = read_manifest(cfg.index_dir)
    assert sorted(p.name for p in cfg.index_dir.iterdir()) == sorted([m["generation"], "lock", "manifest.json", "vectors"])
    assert not list((cfg.index_dir / "vectors").rglob("*.tmp"))
    assert len(open_index(cfg).documents) == 1


def test_an_index_from_before_the_store_and_backend_settings_is_a_faiss_index_of_torch_vectors(tmp_path):
    import pytest

    from rag import Config
    from rag.errors import IndexMismatchError
    from rag.manifest import check_settings

    cfg = Config.load(index_dir=tmp_path, embed_backend="torch")  # the default then
    old = {k: v for k, v in cfg.index_settings().items() if k not in ("store", "embed_backend")}
    check_settings({"settings": old}, cfg, tmp_path)  # no rebuild needed
    for backend in ("onnx-int8", "onnx"):  # onnx-int8, today's default, is another backend: the index says torch
        with pytest.raises(IndexMismatchError, match=f"embed_backend='torch' but embed_backend='{backend}'"):
            check_settings({"settings": old}, cfg.with_(embed_backend=backend), tmp_path)


def test_an_int8_index_from_another_export_is_refused(tmp_path, monkeypatch):
    import pytest

    import rag.onnx_embed
    from rag import Config
    from rag.errors import IndexMismatchError
    from rag.manifest import check_settings

    cfg = Config.load(index_dir=tmp_path, embed_backend="onnx-int8")
    built = cfg.index_settings()
    check_settings({"settings": built}, cfg, tmp_path)
    monkeypatch.setattr(rag.onnx_embed, "EXPORTER", "next")  # the quantization changed since the build
    with pytest.raises(IndexMismatchError, match="vectors="):
        check_settings({"settings": built}, cfg, tmp_path)
    old = {k: v for k, v in built.items() if k != "vectors"}  # from before int8 indexes said which export
    with pytest.raises(IndexMismatchError, match="vectors=None"):
        check_settings({"settings": old}, cfg, tmp_path)


def test_a_failed_atomic_write_keeps_the_old_file_and_leaves_no_temporary_one(tmp_path):
    from rag.storage import _atomic_write

    path = tmp_path / "judge.json"
    _atomic_write(path, "old")
    with pytest.raises(TypeError):
        _atomic_write(path, b"not text")  # a caller's mistake, mid-write
    assert path.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["judge.json"]
