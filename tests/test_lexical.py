"""Tests for rag.lexical: the tokenizer, hand-computed BM25 (bm25s, Lucene variant) on four
documents, and a pickle-free save/open round trip."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from rag.lexical import BM25, tokenize

CORPUS = [
    "Migrants crossed the border into Bosnia.",  # migrant cross border bosnia      (dl 4)
    "Police patrol the border with Croatia.",  # polic patrol border croatia         (dl 4)
    "Ministers met in Sarajevo to discuss migration.",  # minist met sarajevo discuss migrat (dl 5)
    "Frontex agreement signed by Bosnia.",  # frontex agreement sign bosnia         (dl 4)
]
K1, B = 0.9, 0.4
N, AVGDL = 4, 17 / 4


def idf(df: int) -> float:
    return math.log(1 + (N - df + 0.5) / (df + 0.5))


def tf_part(dl: int, tf: int = 1) -> float:
    """bm25s's Lucene variant: tf / (tf + k1 * (1 - b + b * dl / avgdl)), no (k1 + 1) factor."""
    return tf / (tf + K1 * (1 - B + B * dl / AVGDL))


@pytest.fixture(scope="module")
def bm25() -> BM25:
    return BM25.build(CORPUS, k1=K1, b=B, stemmer="english")


def test_tokenize_lowercases_stems_and_drops_stop_words() -> None:
    assert tokenize(["The Migrants were CROSSING the borders"]) == [["migrant", "were", "cross", "border"]]
    assert tokenize(["Ministers met in Sarajevo to discuss migration."]) == [
        ["minist", "met", "sarajevo", "discuss", "migrat"]
    ]
    assert tokenize(["the and of to in"]) == [[]]


def test_tokenize_without_stemmer() -> None:
    assert tokenize(["The Migrants were CROSSING"], stemmer="none") == [["migrants", "were", "crossing"]]


def test_scores_exact(bm25) -> None:
    assert bm25.scores("border") == pytest.approx([idf(2) * tf_part(4), idf(2) * tf_part(4), 0, 0], rel=1e-6)
    assert bm25.scores("Sarajevo") == pytest.approx([0, 0, idf(1) * tf_part(5), 0], rel=1e-6)
    assert bm25.scores("Croatia border police") == pytest.approx(
        [idf(2) * tf_part(4), (2 * idf(1) + idf(2)) * tf_part(4), 0, 0], rel=1e-6
    )


@pytest.mark.parametrize(
    "query, ids",
    [
        ("Croatia border police", [1, 0]),
        ("Bosnia migrants", [0, 3]),  # doc 0 has both terms, doc 3 only Bosnia
        ("border", [0, 1]),  # a tie is broken by id
        ("migration", [2]),  # "migration" and "migrants" stem apart
        ("Frontex agreement in Sarajevo", [3, 2]),
    ],
)
def test_search_exact_top_ids(bm25, query: str, ids: list[int]) -> None:
    scores, top = bm25.search(query, 3)
    assert top.tolist() == ids
    assert scores.tolist() == sorted(scores.tolist(), reverse=True)
    assert np.array_equal(scores, bm25.scores(query)[top])


def test_search_k_limits_results(bm25) -> None:
    assert bm25.search("Croatia border police", 1)[1].tolist() == [1]


@pytest.mark.parametrize("query", ["xyzzy unicorn", "the", ""])
def test_query_without_known_terms(bm25, query: str) -> None:
    scores = bm25.scores(query)
    assert scores.shape == (4,) and not scores.any()
    s, ids = bm25.search(query, 3)
    assert (s.shape, ids.shape) == ((0,), (0,))


def test_idf_rarer_term_is_higher(bm25) -> None:
    got = bm25.idf(["sarajevo", "border", "bosnia", "xyzzy"])
    assert got == pytest.approx({"sarajevo": idf(1), "border": idf(2), "bosnia": idf(2), "xyzzy": 0.0})
    assert got["sarajevo"] > got["border"] > got["xyzzy"]


def test_save_open_round_trip_without_pickle(tmp_path, bm25) -> None:
    folder = tmp_path / "bm25"
    bm25.save(folder)
    assert os.listdir(tmp_path) == ["bm25"]  # no leftover temporary folder
    files = sorted(os.listdir(folder))
    assert files and all(f.endswith((".json", ".npy")) for f in files), files
    for f in files:
        if f.endswith(".npy"):
            np.load(folder / f, allow_pickle=False)
        else:
            json.loads((folder / f).read_text(encoding="utf-8"))
    opened = BM25.open(folder, "english")
    for query in ("Croatia border police", "Bosnia migrants", "xyzzy"):
        assert np.array_equal(opened.scores(query), bm25.scores(query))
        a, b = opened.search(query, 4), bm25.search(query, 4)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert opened.idf(["sarajevo", "border"]) == bm25.idf(["sarajevo", "border"])


def test_a_name_typed_without_its_accents_finds_it_and_the_other_way() -> None:
    index = BM25.build(["Minister Nenad Nešić met Boštjan.", "Đorđe arrived in Łódź.", "Ships waited."],
                       k1=K1, b=B, stemmer="english")
    assert index.search("Nesic", k=1)[1].tolist() == [0]
    assert index.search("Dorde Lodz", k=1)[1].tolist() == [1]
    plain = BM25.build(["Minister Nenad Nesic met Bostjan.", "Ships waited."], k1=K1, b=B, stemmer="english")
    assert plain.search("Nešić", k=1)[1].tolist() == [0]
