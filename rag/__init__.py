"""rag: grounded, cited answers from a folder of news articles.

>>> from rag import answer
>>> a = answer("Where did the Balkan ministers meet?")  # doctest: +SKIP
>>> a.citations[0].source  # doctest: +SKIP
'003_d7e33aac75d08225.txt'

Pipeline: files -> documents (load, clean) -> chunks (chunk) -> vectors (embed) -> index
(storage, store, lexical) -> passages (retrieve, fuse, rerank) -> answer with citations (generate).
"""

from .api import answer, load_index, search, stream
from .build import IndexReport, index
from .config import Config
from .errors import ConfigError, IndexMismatchError, IndexMissingError, InputError, RagError
from .retrieve import Filters
from .types import Answer, Chunk, Citation, Document, Passage, Sentence

__all__ = [
    "answer", "stream", "search", "index", "load_index",
    "Config", "Filters", "IndexReport",
    "Answer", "Citation", "Chunk", "Document", "Passage", "Sentence",
    "RagError", "InputError", "IndexMissingError", "IndexMismatchError", "ConfigError",
]
