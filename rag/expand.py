"""A question + the index -> the question as searched: each abbreviation the articles never
write, followed by the words they spell it out in.

"What did the IOM warn about?" shares no word with "The International Organisation for
Migration ... warned on June 1 ...": retrieval and the judge's term overlap miss it, though
`rag.mentions` knows the two name one thing. So the spelled-out form goes in a trailing
parenthesis, the way a follow-up's context does (`rag.question.asked_part`): searched, not asked.

>>> import re; [re.findall(_ACRONYM, q) for q in ("Did the IOM warn?", "Iom? AT&T? MPs? U.S.?")]
[['IOM'], []]
"""

from __future__ import annotations

import re

from .lexical import tokenize
from .mentions import abbreviation
from .storage import Index

# "IOM", "NGOs": three to six capitals that spell out a name (as `rag.mentions` reads them). Two
# letters spell out too much by chance ("MP" Marco Polo and "SP" Sinai Peninsula in SQuAD's
# articles), and "AT&T" is a name of its own.
_ACRONYM = r"(?<![\w&.-])[A-Z]{3,6}s?(?![\w&-])"


# Titles that news abbreviates and also writes out, in words whose initials do not spell them.
TITLES = {"CEO": "chief executive", "CFO": "chief financial officer", "COO": "chief operating officer",
          "CTO": "chief technology officer"}


def expanded(question: str, idx: Index, stemmer: str = "english") -> str:
    """`question`, with what its unknown abbreviations stand for in the articles after it.

    "What did the IOM say? (International Organisation for Migration)", where the articles never
    write "IOM" but write that name; the question as it was when no article spells it out."""
    found = []
    for acronym in dict.fromkeys(re.findall(_ACRONYM, question)):
        letters = acronym[:-1] if acronym[-1] == "s" else acronym
        if len(letters) < 3 or any(idx.bm25.idf(tokenize([letters], stemmer)[0]).values()):
            continue  # the articles write it as it is: nothing to spell out
        words = TITLES.get(letters) or spelled_out(idx, letters)
        if words and words.lower() not in question.lower():
            found.append(words)
    if not found:
        return question
    carried = re.search(r"\(([^()]*)\)\s*$", question)  # a follow-up's context: one parenthesis for both
    if carried:
        return f"{question[: carried.start()]}({carried.group(1)}, {', '.join(found)})"
    return f"{question} ({', '.join(found)})"


def spelled_out(idx: Index, letters: str) -> str | None:
    """The capitalised words in the articles whose initials spell `letters`; None when none do, or
    when two different names do (which one the question means is anyone's guess)."""
    cache = idx.cache.setdefault("spelled_out", {})
    if letters not in cache:
        pattern = abbreviation(letters.lower())
        names = {m.group() for d in idx.documents.values() for m in pattern.finditer(f"{d.title}\n{d.text}")}
        cache[letters] = names.pop() if len({n.lower() for n in names}) == 1 else None
    return cache[letters]
