"""A chosen sentence -> the span to quote: the sentence, carried on while the text says it goes on.

A sentence cut out of its article can lose what it says: a quotation opened and not yet closed
("I am determined ... temporary controls are perhaps necessary. We should all be working towards
eliminating them," he said.), or a next sentence that only points back to it ("Particular
attention was paid to the fight against terrorism. This area has been marked by increased
activity, particularly early detection."). And a sentence that opens with a pronoun names no
one: "He had been replaced by Abercrombie" says who replaced whom only with the sentence before
it, so that one comes first, as does the one before "That will make it harder". All of it is
general English, read from punctuation and the first word of a sentence; the span never leaves
the paragraph. Spans chosen in one paragraph that meet are quoted as one snippet, in reading
order (`adjoined`).

>>> text = 'He said: "We agree. It is a start." Then he left.'
>>> carried(text, [(0, 19), (20, 35), (36, 50)], 0)
(0, 35)
>>> carried("Talks began. This area matters. Rain fell.", [(0, 12), (13, 31), (32, 42)], 0)
(0, 31)
>>> carried("Talks began.\\nThis area matters.", [(0, 12), (13, 31)], 0)
(0, 12)
>>> carried("Loudoun failed. He was replaced. Rain fell.", [(0, 15), (16, 32), (33, 43)], 1)
(0, 32)
>>> carried("Loudoun failed.\\nHe was replaced.", [(0, 15), (16, 32)], 1)  # another paragraph: alone
(16, 32)
>>> carried("Loudoun failed. In May, he was replaced.", [(0, 15), (16, 40)], 1)
(0, 40)
>>> carried("Harmond is short of doctors. Its director said so.", [(0, 28), (29, 50)], 1)  # whose director
(0, 50)
>>> carried("The boulders are big. That will make landing harder.", [(0, 21), (22, 52)], 1)
(0, 52)
>>> carried("Rain fell. That area flooded.", [(0, 10), (11, 29)], 1)  # a determiner: alone
(11, 29)
>>> carried('"It was made here. It is coming home," said Ferraz.', [(0, 18), (19, 51)], 1)  # the quotation whole
(0, 51)
"""

from __future__ import annotations

import re

MAX_EXTRA = 2  # sentences a span may gain: a quotation longer than that is cut
# A next sentence that opens by pointing back at what came before.
_BACK = re.compile(r"^\W*(?:this|these|that|those|such|it|its|they|their)\b", re.I)
# A sentence that opens with a third-person pronoun, or with a short phrase and then one ("Regarding
# migration, he explained ..."): whom it means, the sentence before says. "Its" too ("Its medical
# director, Dr. Alan Fyfe, said ..."), which, unlike "It" ("It is unclear ..."), is never empty.
_PRONOUN = re.compile(r"^\W*(?:[^,.;:\"“”]{1,40},\s+)?(?:he|she|they|him|her|them|his|hers|their|theirs|its)\b", re.I)
# "This"/"That" standing alone for what the sentence before said ("That will make landing harder.",
# "This means ..."): told by an auxiliary or "means" right after it; "That area ..." is a determiner.
_DEMONSTRATIVE = re.compile(
    r"^\W*(?:this|that)\s+(?:is|was|will|would|could|can|may|might|must|should|has|had|means|meant)\b", re.I)


def carried(text: str, spans: list[tuple[int, int]], k: int) -> tuple[int, int]:
    """The (start, end) to quote for sentence `k` of a document's sentence `spans`, in order."""
    start, end = spans[k]
    points_back = _PRONOUN.search(text[start:end]) or _DEMONSTRATIVE.search(text[start:end])
    if k and points_back and "\n" not in text[spans[k - 1][1] : start]:
        start = spans[k - 1][0]
    opened = start
    if _closes_first(text[start:end]):  # 'It is coming home," said Ferraz.': from where the quotation opens
        for before in range(k - 1, max(k - 1 - MAX_EXTRA, -1), -1):
            if "\n" in text[spans[before][1] : opened]:
                break
            opened = spans[before][0]
            if _opens(text[opened:spans[before][1]]):
                break
    # What follows is read as before the quotation's opening was added: that only adds to a span.
    curly, straight = _quotes(text[start:end], 0, False)
    for nxt_start, nxt_end in spans[k + 1 : k + 1 + MAX_EXTRA]:
        if "\n" in text[end:nxt_start]:
            break  # a new paragraph
        nxt = text[nxt_start:nxt_end]
        if curly <= 0 and not straight and not _BACK.search(nxt):
            break
        curly, straight = _quotes(nxt, curly, straight)
        end = nxt_end
    return opened, end


def _closes_first(sentence: str) -> bool:
    """Does the sentence close a quotation a sentence before opened, and go on to say who spoke
    it? A straight quotation mark closes where it follows a word or punctuation: 'home," said'.
    One that only ends the quotation ('Nobody will pay a toll.”') is quoted alone.

    >>> _closes_first('It is coming home," said Ferraz.'), _closes_first('"We agree," he said.'), _closes_first("No quote.")
    (True, False, False)
    >>> _closes_first("Nobody will pay a toll.”")
    False
    """
    m = re.search(r'["“”]', sentence)
    if m is None or not re.search(r"\w", sentence[m.end():]):
        return False
    if m.group() != '"':
        return m.group() == "”"
    return m.start() > 0 and not sentence[m.start() - 1].isspace() and sentence.count('"') % 2 == 1


def _opens(sentence: str) -> bool:
    """Does the sentence leave a quotation open ('"This atlas was made in Lisbon.')?"""
    curly, straight = _quotes(sentence, 0, False)
    return curly > 0 or straight


def _quotes(text: str, curly: int, straight: bool) -> tuple[int, bool]:
    """Curly quotations still open after `text`, and whether a straight one is (an odd number
    of straight quotes toggles it: they cannot say which way they go)."""
    return curly + text.count("“") - text.count("”"), straight ^ (text.count('"') % 2 == 1)


def adjoined(spans: list[list]) -> list[list]:
    """Quoted spans ([doc, start, end, score, chunk_id], best first) with those that meet in one
    paragraph joined, in reading order: the two halves of one quotation are one snippet, read as
    written, not the attribution first because it named the speaker asked about.

    >>> from types import SimpleNamespace
    >>> doc = SimpleNamespace(text="A said x. B said y. C said z.")
    >>> [(s[1], s[2], s[3]) for s in adjoined([[doc, 10, 19, 0.9, 1], [doc, 0, 9, 0.5, 1], [doc, 20, 29, 0.4, 2]])]
    [(0, 29, 0.9)]
    >>> [(s[1], s[2]) for s in adjoined([[doc, 20, 29, 0.9, 2], [doc, 0, 9, 0.5, 1]])]  # B's sentence between
    [(20, 29), (0, 9)]
    >>> [(s[1], s[2]) for s in adjoined([[doc, 0, 9, 0.9, 1], [doc, 20, 29, 0.5, 2]])]
    [(0, 9), (20, 29)]
    """
    out: list[list] = []
    for span in spans:
        doc, start, end = span[:3]
        for kept in out:
            gap = doc.text[kept[2]:start] if kept[2] <= start else doc.text[end:kept[1]] if end <= kept[1] else "x"
            if kept[0] is doc and not gap.strip() and "\n" not in gap:  # one paragraph, nothing between them
                kept[1], kept[2] = min(kept[1], start), max(kept[2], end)  # the best one's score and chunk stay
                break
        else:
            out.append(list(span))
    return out


# Verbs that report speech ("said", "told media", "underlined"): the speaker is their subject.
REPORTING = ("said|says|say|told|tells|added|adds|explained|explains|stressed|stresses|underlined|underlines|"
             "underscored|emphasi[sz]ed|emphasi[sz]es|noted|notes|warned|warns|argued|argues|insisted|insists|"
             "stated|states|announced|announces|concluded|continued|repeated|declared|claimed|claims")
_REPORTING = re.compile(rf"\b(?:{REPORTING}|according to)\b", re.I)


def attribution(text: str, spans: list[tuple[int, int]], k: int) -> int | None:
    """The sentence that says who speaks sentence `k` (`k` itself when it does): one with a
    reporting verb outside quotation marks, in the same quotation or just before it, never in
    another paragraph. None when no sentence near says who.

    >>> text = 'Dahl spoke on Monday. "We agree. It is a start," she said. Berg said: "No. Never." Rain.'
    >>> spans = [(0, 21), (22, 32), (33, 58), (59, 74), (75, 82), (83, 88)]
    >>> attribution(text, spans, 1), attribution(text, spans, 2), attribution(text, spans, 4)
    (2, 2, 3)
    >>> attribution(text, spans, 5) is None  # no quotation: the article says it
    True
    """
    first = k
    while first and "\n" not in text[spans[first - 1][1] : spans[first][0]]:
        first -= 1  # the paragraph's first sentence
    last = k
    while last + 1 < len(spans) and "\n" not in text[spans[last][1] : spans[last + 1][0]]:
        last += 1
    inside, quoting = [], False  # each sentence's words outside quotation marks
    for i in range(first, last + 1):
        outside, quoting = _unquoted(text[spans[i][0] : spans[i][1]], quoting)
        inside.append((outside, quoting))
    said = [bool(_REPORTING.search(outside)) for outside, _ in inside]
    at = k - first
    if said[at]:
        return k
    opened = inside[at - 1][1] if at else False
    if not opened and not any(q in text[spans[k][0] : spans[k][1]] for q in "“”\""):
        return None  # not a quotation: the article says it
    for j in range(at + 1, min(len(said), at + 1 + MAX_EXTRA)):  # a quotation going on to '..." she said.'
        if not inside[j - 1][1]:
            break
        if said[j]:
            return first + j
    for j in range(at - 1, max(-1, at - 1 - MAX_EXTRA), -1):  # else who spoke just before it
        if said[j]:
            return first + j
    return None


def _unquoted(sentence: str, quoting: bool) -> tuple[str, bool]:
    """The words of `sentence` outside quotation marks, given whether one is open where it starts;
    and whether one is open where it ends. A straight quote opens or closes by turns.

    >>> _unquoted('It is a start," she said.', True)
    (' she said.', False)
    """
    out = []
    for ch in sentence:
        if ch in "“”\"":
            quoting = ch == "“" or (ch == '"' and not quoting)
        elif not quoting:
            out.append(ch)
    return "".join(out), quoting
