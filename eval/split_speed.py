"""A BEIR folder's first N documents -> sentence splitting's time, as the build does it and as pysbd alone would.

    python -m eval.split_speed ../shared/data/scifact --docs 1500

`rag.sentences.split_sentences` on each document (title and text, as `rag.chunk` gives them),
timed two ways in one process, alternately, twice each: as the build runs it (pysbd's patterns
compiled once, its sentences found back with `str.find`) and as plain pysbd (`Segmenter.segment`,
its patterns left to Python's own cache). It checks that both give the very same spans.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time

from rag import sentences

from .bench import load_dataset


def _plain(on: bool) -> None:
    """Put pysbd back as it ships (`on`), or the build's way (not `on`)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("pysbd") and isinstance(getattr(module, "re", None), sentences._Patterns):
            module.re = re
    if on:
        sentences._segment = lambda text: sentences._segmenter().segment(text)
    else:
        sentences._segment = _BUILD
        sentences._keep_patterns(__import__("pysbd"))


_BUILD = sentences._segment


def measure(path, docs: int, rounds: int = 2) -> dict:
    ds = load_dataset(path, docs)
    texts = [f"{d.title}\n{d.text}" for d in ds.documents]
    sentences._segmenter()  # pysbd loaded outside the clock
    seconds: dict[str, list[float]] = {"build": [], "pysbd": []}
    spans = {}
    for _ in range(rounds):
        for way in ("pysbd", "build"):
            _plain(way == "pysbd")
            t0 = time.perf_counter()
            spans[way] = [sentences.split_sentences(t) for t in texts]
            seconds[way].append(round(time.perf_counter() - t0, 2))
    _plain(False)
    return {"documents": len(texts), "sentences": sum(map(len, spans["build"])), "seconds": seconds,
            "same_spans": spans["build"] == spans["pysbd"]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.split_speed", description=__doc__.split("\n")[0])
    p.add_argument("path")
    p.add_argument("--docs", type=int, default=1500)
    args = p.parse_args(argv)
    print(json.dumps(measure(args.path, args.docs), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
