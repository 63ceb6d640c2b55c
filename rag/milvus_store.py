"""Unit vectors under stable int64 ids -> a Milvus collection; a query -> (scores, ids), as `FaissStore`.

One code path for Milvus Lite and a Milvus server or cluster (pymilvus's `MilvusClient`):

- `milvus_uri` a path ending in `.db` (default `<index_dir>/milvus.db`): Milvus Lite, in this
  process. A Lite file is served to one process at a time (it holds a lock on it).
- `milvus_uri` `http://host:19530` (or https): a server or cluster, `milvus_token` "user:password"
  or an API key.

Each build writes new collections (`rag_<random>`); `save` flushes and writes a small JSON pointer
in the index generation, so the index manifest stays the one commit point: a store opened from
an older generation copies its collection before the first change (`_fork`), and the collection
the live manifest names is never modified. Index: FLAT (exact) up to `exact_max` vectors,
IVF_SQ8 above, nprobe measured as for FAISS (`rag.store.tune_nprobe`).
"""

from __future__ import annotations

import json
import logging
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .errors import ConfigError, IndexMismatchError
from .store import atomic_save, ivf_nlist, tune_nprobe

FORMAT = "rag-milvus/1"
BATCH = 10_000  # rows per insert, get or iterator page (servers cap a reply at 16,384)
MAX_TOPK = 16_384
_clients: dict[tuple[str, str], object] = {}


def resolve_uri(cfg, recorded: str = "") -> str:
    """The Milvus URI to use: the setting, else the one the index recorded, else the Lite file."""
    uri = cfg.milvus_uri or recorded or str(Path(cfg.index_dir) / "milvus.db")
    if not (_is_server(uri) or uri.endswith(".db")):
        raise ConfigError(f"milvus_uri must be a Milvus Lite file ending in .db or http(s)://host:port, not {uri!r}")
    return uri


def _is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "unix:"))


@contextmanager
def _quiet():
    """pymilvus and Milvus Lite log failures with tracebacks (and notices) on stderr; we report them."""
    loggers = [logging.getLogger(n) for n in ("pymilvus", "milvus_lite")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def _client(uri: str, token: str):
    """One client per URI and token in a process (Milvus Lite starts one local server per file)."""
    if (uri, token) in _clients:
        return _clients[uri, token]
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise ConfigError("store=milvus needs pymilvus and milvus-lite: pip install -e '.[milvus]'") from None
    if not _is_server(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        with _quiet():
            client = MilvusClient(uri=uri, token=token, timeout=30)
    except Exception as err:  # pymilvus raises its own types, and grpc's
        if not _is_server(uri) and _locked(Path(uri)):
            raise ConfigError(
                f"the Milvus Lite file {uri} is in use by another process (Milvus Lite serves one process "
                "at a time): stop it, or point RAG_MILVUS_URI at a Milvus server"
            ) from None
        raise ConfigError(f"cannot connect to Milvus at {uri} ({_one_line(err)}): check RAG_MILVUS_URI and RAG_MILVUS_TOKEN") from None
    _clients[uri, token] = client
    return client


def _lite_settle(uri: str, collection: str) -> None:
    """Wait until Milvus Lite has written what a flush started.

    After a flush, Lite merges segments and builds their indexes in a background thread; a process
    killed meanwhile (say, right after `rag index` committed) leaves a half-written segment file
    that no later process can load. milvus-lite 3.2 (pinned) has no public call for this wait, so
    this reaches into its in-process server; were that to change, a warning says so.
    """
    import os

    try:
        from milvus_lite.server_manager import server_manager_instance

        db = server_manager_instance._servers[os.path.abspath(uri)][1]
        db.get_collection(collection)._wait_for_bg()
    except (ImportError, KeyError, AttributeError, IndexError) as err:
        logging.getLogger(__name__).warning("could not wait for Milvus Lite to finish writing %s: %s", collection, _one_line(err))


def _locked(db: Path) -> bool:
    import fcntl

    try:
        with open(db / "LOCK", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(f, fcntl.LOCK_UN)
        return False
    except OSError:
        return True


def _one_line(err: Exception) -> str:
    text = getattr(err, "message", None) or str(err) or type(err).__name__
    return " ".join(str(text).split())[:200]


def release(uri: str) -> None:
    """Close the clients of `uri`; for Milvus Lite also stop its local server, freeing the file."""
    for key in [k for k in _clients if k[0] == uri]:
        _clients.pop(key).close()
    if not _is_server(uri):
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(uri)


class MilvusStore:
    """A Milvus collection of (id INT64 primary key, vector FLOAT_VECTOR), inner-product metric."""

    kind = "milvus"

    def __init__(self, client, uri: str, collection: str, dim: int, index: dict, *, recorded_uri: str, owned: bool):
        self.client, self.uri, self.collection, self.dim = client, uri, collection, dim
        self.index = index  # {"type": "FLAT"} or {"type": "IVF_SQ8", "nlist": n, "nprobe": p}
        self.recorded_uri = recorded_uri  # "" for the default Lite file beside the index
        self.owned = owned  # made by this build; else a generation's collection, copied before a change
        self._count = self._query_count()

    @classmethod
    def create(cls, cfg, dim: int, expected_size: int) -> "MilvusStore":
        uri = resolve_uri(cfg)
        index = {"type": "FLAT"} if expected_size <= cfg.exact_max else {"type": "IVF_SQ8", "nlist": ivf_nlist(expected_size), "nprobe": 0}
        client = _client(uri, cfg.milvus_token)
        name = _create_collection(client, dim, index)
        return cls(client, uri, name, dim, index, recorded_uri=cfg.milvus_uri, owned=True)

    @classmethod
    def open(cls, path: Path, cfg) -> "MilvusStore":
        try:
            ptr = json.loads(Path(path).read_text(encoding="utf-8"))
            assert ptr["format"] == FORMAT
            collection, dim, index, count = str(ptr["collection"]), int(ptr["dim"]), dict(ptr["index"]), int(ptr["count"])
        except (OSError, ValueError, KeyError, TypeError, AssertionError):
            raise IndexMismatchError(f"{path} is not a Milvus pointer this version wrote: rebuild with `rag index`") from None
        uri = resolve_uri(cfg, ptr.get("uri", ""))
        client = _client(uri, cfg.milvus_token)
        with _quiet():
            exists = client.has_collection(collection)
            if exists:  # a server restarted, or Milvus Lite in a new process, holds it released
                client.load_collection(collection)
        if not exists:
            raise IndexMismatchError(f"the Milvus collection {collection} is not at {uri}: rebuild with `rag index --store milvus`")
        store = cls(client, uri, collection, dim, index, recorded_uri=ptr.get("uri", ""), owned=False)
        if len(store) != count:
            raise IndexMismatchError(f"the Milvus collection {collection} holds {len(store)} vectors, not the {count} saved: rebuild with `rag index`")
        return store

    def __len__(self) -> int:
        return self._count

    @property
    def nprobe(self) -> int | None:
        return self.index.get("nprobe")

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        self.index["nprobe"] = int(value)

    @property
    def nlist(self) -> int | None:
        return self.index.get("nlist")

    def ids(self) -> np.ndarray:
        return np.sort(np.array([r["id"] for r in self._rows(["id"])], dtype=np.int64))

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        if len(ids) == 0:
            return
        if len(np.unique(ids)) != len(ids) or np.isin(ids, self.ids()).any():
            raise ValueError("add: some ids are repeated or already stored")  # Milvus would keep both
        self._fork()
        first = self._count == 0
        with _quiet():
            for s in range(0, len(ids), BATCH):
                self.client.insert(self.collection, [{"id": int(i), "vector": v} for i, v in zip(ids[s : s + BATCH], vectors[s : s + BATCH])])
        self._count = self._query_count()
        if first and self.index["type"] == "IVF_SQ8":
            with _quiet():  # only flushed (sealed) segments are indexed; new rows are searched exhaustively
                self.client.flush(self.collection)
            tune_nprobe(self, vectors, ids)

    def delete(self, ids: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) == 0:
            return
        self._fork()
        with _quiet():
            for s in range(0, len(ids), BATCH):
                self.client.delete(self.collection, ids=[int(i) for i in ids[s : s + BATCH]])
        self._count = self._query_count()

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self) if allowed is None else len(allowed), MAX_TOPK)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        params: dict = {"metric_type": "IP"}
        if self.index["type"] == "IVF_SQ8":
            params["params"] = {"nprobe": max(1, self.index["nprobe"])}
        # Milvus Lite has no filter templates ("id in {ids}"), so the ids are written out.
        where = "" if allowed is None else f"id in [{','.join(str(int(i)) for i in allowed)}]"
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        with _quiet():
            hits = self.client.search(self.collection, data=[q], limit=k, filter=where, output_fields=["id"],
                                      search_params=params, anns_field="vector")[0]
        return np.array([h["distance"] for h in hits], dtype=np.float32), np.array([h["id"] for h in hits], dtype=np.int64)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        got: dict[int, list] = {}
        with _quiet():
            for s in range(0, len(ids), BATCH):
                for row in self.client.get(self.collection, ids=[int(i) for i in ids[s : s + BATCH]], output_fields=["vector"]):
                    got[int(row["id"])] = row["vector"]
        missing = [int(i) for i in ids if int(i) not in got]
        if missing:
            raise KeyError(f"ids not in the store: {missing[:5]}")
        return np.array([got[int(i)] for i in ids], dtype=np.float32)

    def score(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        return self.vectors(ids) @ np.asarray(query, dtype=np.float32)

    def save(self, path: Path) -> None:
        """Flush the collection (and let Milvus Lite finish writing it), then write the pointer
        (temporary name, then rename)."""
        with _quiet():
            self.client.flush(self.collection)
        if not _is_server(self.uri):
            _lite_settle(self.uri, self.collection)
        ptr = {"format": FORMAT, "uri": self.recorded_uri, "collection": self.collection, "dim": self.dim,
               "count": len(self), "index": self.index}
        atomic_save(path, lambda tmp: Path(tmp).write_text(json.dumps(ptr, indent=2) + "\n", encoding="utf-8"))

    def drop(self) -> None:
        """Remove the collection (when the index generation that named it is removed)."""
        with _quiet():
            self.client.drop_collection(self.collection)

    def _fork(self) -> None:
        """Before the first change to a collection a saved generation names, copy it to a new one."""
        if self.owned:
            return
        name = _create_collection(self.client, self.dim, self.index)
        with _quiet():
            batch = []
            for row in self._rows(["id", "vector"]):
                batch.append(row)
                if len(batch) == BATCH:
                    self.client.insert(name, batch)
                    batch = []
            if batch:
                self.client.insert(name, batch)
        self.collection, self.owned = name, True

    def _rows(self, fields: list[str]):
        with _quiet():
            it = self.client.query_iterator(self.collection, batch_size=BATCH, filter="", output_fields=fields)
            try:
                while page := it.next():
                    yield from ({"id": r["id"], **{f: r[f] for f in fields if f != "id"}} for r in page)
            finally:
                it.close()

    def _query_count(self) -> int:
        with _quiet():
            return int(self.client.query(self.collection, filter="", output_fields=["count(*)"])[0]["count(*)"])


def drop_unused(old: Path, new: Path, cfg) -> list[str]:
    """Drop the collections the pointers in generation folder `old` name and those in `new` do not.

    Called once `new` is committed and `old` is about to go. An incremental build that left a store
    unchanged names the same collection in both, which stays. A failure to reach Milvus is logged,
    not raised: the build is committed already, and a collection left over costs only space.
    """
    def named(folder: Path) -> dict[str, dict]:
        out = {}
        for ptr in Path(folder).glob("*.milvus.json"):
            try:
                data = json.loads(ptr.read_text(encoding="utf-8"))
                out[data["collection"]] = data
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return out

    keep, dropped = named(new), []
    for name, data in named(old).items():
        if name in keep:
            continue
        try:
            _client(resolve_uri(cfg, data.get("uri", "")), cfg.milvus_token).drop_collection(name)
            dropped.append(name)
        except Exception as err:  # noqa: BLE001 - see the docstring
            logging.getLogger(__name__).warning("could not drop the Milvus collection %s: %s", name, _one_line(err))
    return dropped


def _create_collection(client, dim: int, index: dict) -> str:
    from pymilvus import DataType, MilvusClient

    name = f"rag_{uuid.uuid4().hex[:16]}"
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    params = client.prepare_index_params()
    extra = {"nlist": index["nlist"]} if index["type"] == "IVF_SQ8" else {}
    params.add_index(field_name="vector", index_type=index["type"], metric_type="IP", params=extra)
    with _quiet():
        # Strong: a search right after an insert sees it (a server's default, Bounded, may not).
        client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")
    return name
