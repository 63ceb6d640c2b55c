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


def _blas_threads() -> list[int]:
    """numpy's BLAS's thread count (other BLAS libraries may be loaded beside it)."""
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas" and "numpy" in i["filepath"]]


def test_blas_held_at_one_thread_while_any_holder_is_inside():
    import threading

    import numpy  # noqa: F401
    from threadpoolctl import threadpool_limits

    from rag.threads import blas_one_thread

    with threadpool_limits(2, user_api="blas"):  # 2 where the machine has two cores
        before = _blas_threads()
        assert before
        a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
        seen = {}

        def first():
            with blas_one_thread():
                a_in.set()
                b_in.wait(10)
            a_out.set()

        t = threading.Thread(target=first)
        t.start()
        a_in.wait(10)
        with blas_one_thread():
            b_in.set()
            a_out.wait(10)
            seen["after the first left"] = _blas_threads()  # the second still holds it
        t.join()
        assert set(seen["after the first left"]) == {1}
        assert _blas_threads() == before


def test_cores_is_what_this_process_may_run_on():
    import os

    from rag.threads import cores

    assert 1 <= cores() <= (os.cpu_count() or 1)
