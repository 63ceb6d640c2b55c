"""The vector cache: segments on disk, and a compaction that keeps exactly the live vectors."""

import numpy as np

from rag.vcache import VectorCache, text_key


def test_compaction_keeps_the_newest_copy_of_each_live_vector(tmp_path):
    cache = VectorCache(tmp_path, "m")
    keys = [text_key(t) for t in "abcd"]
    cache.put(keys[:3], np.array([[1, 0], [2, 0], [3, 0]], np.float32))
    cache.put(keys[1:], np.array([[20, 1], [30, 1], [40, 1]], np.float32))  # b and c again (a resumed build)
    assert cache.compact({keys[0], keys[2], keys[3]}, max_segments=1)  # two segments: over the limit
    again = VectorCache(tmp_path, "m")  # what the next build reads from disk
    assert len(again) == 3 and len(list(again.folder.glob("*.npy"))) == 1
    vecs, found = again.get(keys)
    assert found.tolist() == [True, False, True, True]
    assert vecs.tolist() == [[1, 0], [30, 1], [40, 1]]


def test_compaction_to_nothing_leaves_no_segment(tmp_path):
    cache = VectorCache(tmp_path, "m")
    cache.put([text_key("a")], np.ones((1, 2), np.float32))
    assert cache.compact(set(), max_segments=0)
    assert len(VectorCache(tmp_path, "m")) == 0 and not list(cache.folder.glob("*.npy"))
