"""Texts -> a BM25 index (bm25s, Snowball stemming, English stop words); a query -> scores.

bm25s stores plain `.npy` and `.json` files (never pickle), which sit in the index folder
beside the FAISS files under the same manifest.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np


@lru_cache(maxsize=4)
def _stemmer(language: str):
    if not language or language == "none":
        return None
    import Stemmer

    return Stemmer.Stemmer(language)


def tokenize(texts: list[str], stemmer: str = "english") -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed terms, the same way for documents and queries, with
    Latin letters' accents dropped (`fold`).

    >>> tokenize(["Migrants were crossing the borders"])
    [['migrant', 'were', 'cross', 'border']]
    >>> tokenize(["Nenad Nešić"]) == tokenize(["Nenad Nesic"])
    True
    >>> tokenize(["5,000 migrants"]) == tokenize(["5000 migrants"])  # not "000" alone
    True
    """
    import bm25s

    return bm25s.tokenize(
        [ungrouped(fold(t)) for t in texts], stopwords="en", stemmer=_stemmer(stemmer), return_ids=False,
        show_progress=False,
    )


_GROUP = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def ungrouped(text: str) -> str:
    """Figures without their thousands' commas, as people type them either way.

    >>> ungrouped("5,000 came in 2015, 1,250,000 in all; 3, 4 and 1.5 stay")
    '5000 came in 2015, 1250000 in all; 3, 4 and 1.5 stay'
    """
    return _GROUP.sub("", text) if "," in text else text


# Latin letters that carry no separable accent (NFKD leaves them whole).
_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "ß": "ss",
                          "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe"})


def fold(text: str) -> str:
    """`text` with the accents of Latin letters dropped: a reader who types "Nesic" means "Nešić".
    Other scripts keep their marks (a Devanagari vowel sign is part of the word).

    >>> fold("Nešić and Boštjan, a fiancée, Đorđe in Łódź")
    'Nesic and Bostjan, a fiancee, Dorde in Lodz'
    >>> fold("Йошкар-Ола") == "Йошкар-Ола"
    True
    """
    if text.isascii():
        return text
    out: list[str] = []
    for c in unicodedata.normalize("NFKD", text.translate(_LETTERS)):
        if unicodedata.combining(c) and out and out[-1].isascii():
            continue  # an accent on a Latin letter
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


class BM25:
    """BM25 over the chunks; ids are chunk ids (row order of the texts indexed)."""

    def __init__(self, retriever, stemmer: str):
        self.retriever = retriever
        self.stemmer = stemmer

    @classmethod
    def build(cls, texts: list[str], *, k1: float, b: float, stemmer: str) -> "BM25":
        import bm25s

        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index(tokenize(texts, stemmer), show_progress=False)
        return cls(retriever, stemmer)

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every chunk for `query` (zeros when no term is known)."""
        terms = [t for t in tokenize([query], self.stemmer)[0] if t in self.retriever.vocab_dict]
        if not terms:
            return np.zeros(self.retriever.scores["num_docs"], dtype=np.float32)
        return np.asarray(self.retriever.get_scores(terms), dtype=np.float32)

    def idf(self, terms: list[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each term (0 for terms never indexed).

        Document frequencies are the column lengths of bm25s's sparse score matrix.
        """
        vocab, indptr = self.retriever.vocab_dict, self.retriever.scores["indptr"]
        n = self.retriever.scores["num_docs"]
        out = {}
        for t in terms:
            if t in vocab:
                df = int(indptr[vocab[t] + 1] - indptr[vocab[t]])
                out[t] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
            else:
                out[t] = 0.0
        return out

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        all_scores = self.scores(query)
        k = min(k, len(all_scores))
        top = np.argpartition(-all_scores, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
        top = top[np.lexsort((top, -all_scores[top]))]  # score desc, then id: deterministic
        top = top[all_scores[top] > 0]
        return all_scores[top], top.astype(np.int64)

    def save(self, folder: Path) -> None:
        tmp = Path(f"{folder}.tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        self.retriever.save(str(tmp))
        if Path(folder).exists():  # a directory cannot be renamed over a non-empty one
            shutil.rmtree(folder)
        os.replace(tmp, folder)

    @classmethod
    def open(cls, folder: Path, stemmer: str) -> "BM25":
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=False), stemmer)
