import faiss
import pytest

from rag.threads import one_thread


def test_faiss_held_at_one_thread_then_restored():
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    try:
        with one_thread(faiss.omp_get_max_threads, faiss.omp_set_num_threads):
            assert faiss.omp_get_max_threads() == 1
        assert faiss.omp_get_max_threads() == 2
    finally:
        faiss.omp_set_num_threads(before)


def test_restored_after_an_error():
    count = [3]
    with pytest.raises(ValueError):
        with one_thread(lambda: count[0], lambda n: count.__setitem__(0, n)):
            assert count[0] == 1
            raise ValueError("boom")
    assert count == [3]
