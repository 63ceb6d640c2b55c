"""Question + retrieved Passages -> a streamed Answer whose [n] markers cite verbatim snippets.

`Generator` is the interface every answerer implements: `stream()` yields text deltas and ends
with the complete `Answer`, so a chat window can show the answer as it forms. An LLM-backed
generator (local or OpenAI-compatible) will implement the same interface.

`ExtractiveGenerator`, the default, needs no LLM: it reads the evidence of every sentence of
the passages (`rag.evidence`: MiniLM cosines, shared terms, names, whether it holds the kind of
thing asked for) and lets the fitted judge (`rag.judge`) pick the sentences that answer and say
whether any does; with the reader on (`--reader local`), when the judge is in doubt a language
model reads the sentence it would quote (`rag.reader`) and the two decide together. It
abstains, saying so plainly, when the evidence says the articles do not answer.
"""

from __future__ import annotations

import re
from typing import Iterator, Protocol

import numpy as np

from .align import features as aligned
from .asked_role import about_role, holding_role, leaves_unnamed, names_holder, role_names, role_of
from .candidates import candidates, has_candidate
from .config import Config
from .counts import asked_noun, counts_other
from .definition import introducing
from .discourse import adjoined, attribution, carried
from .errors import ConfigError, LLMError
from .evidence import Evidence, corpus_figures, corpus_terms, doc_sentences, gather, opens, paragraph
from .followup import quoted_before
from .judge import load as load_judge
from .mentions import mentions
from .question import QuestionInfo, analyze, asked_part, asks_speaker, focus_noun, given_by
from .shapes import says_when
from .referents import counted
from .storage import Index
from .types import Answer, Citation, Passage
from .rules import COUNTS, NAMED, rule_out
from .unknown import of_other_years, says_unknown
from .withheld import asked

NOT_FOUND = "The articles do not contain an answer to this question."


class Generator(Protocol):
    def stream(
        self, question: str, q_vec: np.ndarray, passages: list[Passage], history: list[dict] | None = None
    ) -> Iterator[str | Answer]:
        """Yield text deltas, then the final Answer (its text is the deltas joined)."""


def make_generator(idx: Index, cfg: Config) -> Generator:
    """The answerer `cfg.generator` names: "extractive", or a language model ("local", "openai")."""
    if cfg.generator == "extractive":
        return ExtractiveGenerator(idx, cfg)
    from .write import LLMGenerator

    return LLMGenerator(idx, cfg)


class _NoReader(Exception):
    """The reader is off, cannot be loaded, or failed: the judge decides alone."""


class ExtractiveGenerator:
    """Quotes the sentences the judge scores highest, or refuses when the evidence says the
    articles do not answer.

    Refusal, in order: nothing retrieved; the sentence to be quoted says that what is asked is
    not known ("It did not name a successor.", `says_unknown`); the question asks for a kind of
    thing (a person, a date, a figure) that none of the three best sentences holds, or for a
    figure that the sentence to be quoted first does not give (`rule_out`); the confidence is
    below its threshold (or `min_confidence` when set): the judge's alone (the default), or with
    the reader on, the judge's and the reader's together (`Judge.read`).
    """

    def __init__(self, idx: Index, cfg: Config):
        self.idx, self.cfg = idx, cfg
        self._judge = None  # None: the fitted one (rag/judge.json)
        self._reader = False  # not loaded yet
        self.read_log: dict = {}  # what the reader said ("log_odds": None when not asked), or why it could not

    @property
    def judge(self):
        # cached; read only when answering, so `eval.fit_judge` can run without one
        return self._judge if self._judge is not None else load_judge()

    def evidence(self, question: str, q_vec: np.ndarray, passages: list[Passage]) -> tuple[QuestionInfo, Evidence]:
        qi = analyze(question, self.cfg.bm25_stemmer)
        return qi, gather(self.idx, qi, q_vec, passages, self.cfg.bm25_stemmer)

    def weigh(self, question, q_vec, passages, history=None) -> tuple[Evidence, np.ndarray, float, str]:
        """(evidence, each candidate's choice score, confidence, reason to refuse or "").

        Whether the articles answer rests on the judge's absolute evidence for the whole
        standalone question, and, when it is in doubt, on the reader reading the sentence that
        would be quoted first (`rag.reader`); which sentence answers, on its choice model, and in
        a follow-up on what the follow-up adds to the conversation (`given_by`)."""
        qi, ev = self.evidence(question, q_vec, passages)
        if not len(ev.sentence_ids):
            return ev, np.zeros(0), *self.decide(qi, ev, np.zeros(0))
        scores = self.judge.sentence_scores(ev)
        new = given_by(qi, history, self.cfg.bm25_stemmer)
        quoted = self.shortlist(new, gather(self.idx, new, q_vec, passages, self.cfg.bm25_stemmer) if new.given else ev)
        choice = self.judge.choice_scores(quoted)
        if history and role_of(qi) is None:  # a follow-up is about what the last answer quoted
            # (one asking for a person by role is about the body its role is of: `about_role`)
            choice = self.anchored(quoted, choice, history, passages)
        if qi.defines or role_of(qi) is not None:
            texts = [self.idx.sentences[int(i)].text for i in quoted.sentence_ids]
            # "Who is X?": first the sentence that introduces X; "Who is the mayor?": one that says the role
            k = introducing(qi.defines, texts, choice) if qi.defines else holding_role(
                qi, texts, choice, lambda i: about_role(self.idx, qi, int(quoted.sentence_ids[i])))
            if k is not None and (qi.defines or about_role(self.idx, qi, int(quoted.sentence_ids[k]))):
                choice = choice.copy()
                choice[k] = choice.max() + 1e-6
        if qi.kind in COUNTS and not quoted.column("typed")[int(np.argmax(choice))]:
            # a figure asked for: a runner-up quoted with the best that holds one, where what the
            # question names is named, is quoted first
            typed_chosen = [i for i in self.choose(choice) if quoted.column("typed_about")[i]]
            if typed_chosen:
                choice = choice.copy()
                choice[typed_chosen[0]] = choice.max() + 1e-6
        choice = self.count_first(question, qi, quoted, choice)
        choice = self.named_later(qi, quoted, choice)
        best = int(np.argmax(choice))
        first = int(quoted.sentence_ids[best])
        sent = self.idx.sentences[first]  # the one to be quoted first
        typed = bool(quoted.column("typed")[best])
        if asks_speaker(question) and not typed:  # who speaks it may be said beside it
            typed = has_candidate(qi, self.idx.documents[sent.doc_id].text[slice(*quoted_span(self.idx, sent, True))])
        if qi.calendar and not typed:  # the year asked for may come in a runner-up quoted with it
            typed = bool(quoted.column("typed")[self.choose(choice)].any())
        timed = (qi.kind != "date" or typed or any(  # "When ...?": some sentence quoted says when, in any words
            says_when(self.idx.documents[s.doc_id].text[slice(*quoted_span(self.idx, s))])
            for s in (self.idx.sentences[int(quoted.sentence_ids[i])] for i in self.choose(choice))))
        # "It did not name a successor.": the articles' own word that they do not know comes first
        counts = counted(asked_part(question))  # "How many homes ...?": the homes
        sentence = lambda i: self.idx.sentences[int(quoted.sentence_ids[i])]  # noqa: E731
        unknown = says_unknown(self.idx, sent, asked(question, qi.kind), typed and bool(qi.accepts),
                               counts and counts.split()[-1], focus_noun(question),
                               [sentence(i) for i in self.choose(choice)[1:]], qi, self.cfg.bm25_stemmer,
                               [sentence(i) for i in self.next_best(choice)], quoted_span)
        if not unknown and leaves_unnamed(qi, sent.text):  # "A local pilot was on board.": the article's word it has no name
            unknown = f'the articles do not name them: "{sent.text.strip()}"'
        spans = (self.idx.documents[s.doc_id].text[slice(*quoted_span(self.idx, s))]  # read only for a year asked
                 for s in map(sentence, self.choose(choice)))
        other = "" if unknown else of_other_years(asked_part(question), spans)  # not 2025's quota for 2026
        read = None if unknown or other else lambda: self.reader.log_odds(question, sent.text)
        confidence, reason = self.decide(qi, ev, scores, read, first_typed=typed, first_about=about_role(self.idx, qi, first),
                                         timed=timed)
        return quoted, choice, confidence, unknown or reason or other

    def next_best(self, choice: np.ndarray) -> list[int]:
        """The candidates the choice model ranks next to the best, to the third, not to be quoted."""
        order = self.choose(choice)
        return [int(i) for i in np.argsort(-choice, kind="stable")[:3] if int(i) not in order]

    def count_first(self, question: str, qi: QuestionInfo, quoted: Evidence, choice: np.ndarray) -> np.ndarray:
        """Asked "How many N ...?", quote first a runner-up that counts N when the best sentence's
        figures all count something else (`rag.counts`): "Kestlewood's board approved the plan by
        nine votes to two" before the story's opening sentence and its "two organisations".
        Only the order changes: refusing when no sentence to be quoted counts N was measured to
        refuse answers on news kept back ("620 spaces" for "How many cars could the garage hold?")."""
        noun = asked_noun(question) if qi.kind == "number" else None
        order = self.choose(choice)
        text = lambda i: self.idx.sentences[int(quoted.sentence_ids[i])].text
        if not noun or len(order) < 2 or not counts_other(noun, text(order[0]), self.alike):
            return choice
        fitting = [i for i in order[1:] if quoted.column("typed")[i] and not counts_other(noun, text(i), self.alike)]
        if not fitting:
            return choice
        choice = choice.copy()
        choice[fitting[0]] = choice.max() + 1e-6
        return choice

    def named_later(self, qi: QuestionInfo, quoted: Evidence, choice: np.ndarray) -> np.ndarray:
        """News often leaves the who, when or how much of its opening sentence to a later one ("A
        lawyer for the widow of a man killed when ..." before "Her husband, Darnell Whitaker, 44,
        ..."): when the best is an article's opening sentence holding none of the kind asked for,
        the likeliest candidate of that article that holds one of the kind itself (a person for
        "Who", not a company) is quoted first: the opening sentence said what the question names,
        and the later one need not say it again. Only for a person, place or body: a year or a
        figure in a later sentence is as often of something else ("built by a Glasgow firm",
        then "moved to a museum in 1987"), and those questions are refused instead (`rag.rules`)."""
        best = int(np.argmax(choice))
        first = int(quoted.sentence_ids[best])
        if qi.kind not in NAMED or quoted.column("typed")[best] or not opens(self.idx, first):
            return choice
        sentences = [self.idx.sentences[int(s)] for s in quoted.sentence_ids]
        doc = sentences[best].doc_id
        holding = np.array([i for i, s in enumerate(sentences) if s.doc_id == doc and quoted.column("typed")[i]
                            and any(k == qi.kind for k, _ in candidates(qi, s.text))], dtype=int)
        if not len(holding):
            return choice
        choice = choice.copy()
        choice[holding[np.argmax(choice[holding])]] = choice.max() + 1e-6
        return choice

    def anchored(self, quoted: Evidence, choice: np.ndarray, history: list[dict], passages: list[Passage]) -> np.ndarray:
        """The choice scores of a follow-up, with the candidates outside the articles the last
        answer quoted (`rag.followup.quoted_before`) never chosen, when any candidate is inside:
        "How big is it?" after an answer on a farm is not answered by another story's "big-ticket
        furniture", though the farm's words are the given, which choose no sentence (`given_by`).
        Not when a sentence outside is far the likelier (`ANCHOR_LOG_ODDS`): the last answer may
        have quoted the wrong article."""
        docs = {p.chunk.doc_id for p in passages}
        anchor = quoted_before(history, {d: self.idx.documents[d].text for d in docs})
        inside = np.array([self.idx.sentences[int(s)].doc_id in anchor for s in quoted.sentence_ids], dtype=bool)
        if not inside.any() or inside.all() or choice[~inside].max() - choice[inside].max() > ANCHOR_LOG_ODDS:
            return choice
        return np.where(inside, choice, choice.min() - 100.0)

    def alike(self, a: str, b: str) -> float:
        """The cosine of two words' embeddings: how alike in meaning (`rag.counts.ALIKE`)."""
        from .embed import embed_query

        return float(embed_query(a, self.cfg.embedder) @ embed_query(b, self.cfg.embedder))

    def shortlist(self, qi: QuestionInfo, ev: Evidence) -> Evidence:
        """The candidates the choice model reads, with how closely each meets the question (`rag.align`)."""
        if self.judge.shortlist is None:
            return ev
        rows = self.judge.shortlisted(ev)
        if role_of(qi) is not None:  # asked by role: a sentence naming its holder is a candidate, however it scores
            texts = [self.idx.sentences[int(s)].text for s in ev.sentence_ids]
            listed = set(rows.tolist())
            holders = [i for i in range(len(texts)) if i not in listed and names_holder(qi, texts[i])
                       and self.on_subject(qi, int(ev.sentence_ids[i]))]
            rows = np.union1d(rows, holders[:HOLDERS]).astype(rows.dtype)
        return ev.take(rows, aligned(self.idx, qi, ev.sentence_ids[rows], self.cfg.embedder, self.cfg.bm25_stemmer))

    def on_subject(self, qi: QuestionInfo, sentence_id: int) -> bool:
        """Is the sentence about what the question is about: the body its role is of
        (`about_role`) and every other name it gives ("Who was the leader when the Franks entered
        the Euphrates valley?" is not answered by a Mingo leader)?"""
        context, of_role = paragraph(self.idx, sentence_id), set(role_names(qi.text))
        return about_role(self.idx, qi, sentence_id) and all(mentions(context, n) for n in qi.salient if n not in of_role)

    @property
    def reader(self):
        """The reader (`rag.reader`), loaded when first asked; None when off or unable to run."""
        if self._reader is False:
            from .reader import make_reader

            try:
                self._reader = make_reader(self.cfg)
            except (ConfigError, LLMError) as err:
                self._reader, self.read_log["unavailable"] = None, str(err)
        return self._reader

    def stream(self, question, q_vec, passages, history=None):
        yield from self.quote(question, passages, self.weigh(question, q_vec, passages, history))

    def quote(self, question, passages, weighed):
        """The answer `weigh` decided on (`weighed`, its result), word by word, then the Answer:
        a language-model answerer that falls back to the quote need not weigh (or read) again."""
        ev, scores, confidence, reason = weighed
        if reason:
            yield NOT_FOUND
            yield Answer(question, NOT_FOUND, [], True, passages, confidence, self.cfg.mode, reason=reason, checks=self.checks())
            return
        spans, speaker = [], asks_speaker(question)  # spans: [doc, start, end, score, chunk_id], best first
        for i in self.choose(scores):
            sent = self.idx.sentences[int(ev.sentence_ids[i])]
            doc = self.idx.documents[sent.doc_id]
            start, end = quoted_span(self.idx, sent, speaker)
            if any(d is doc and a <= sent.start < b for d, a, b, *_ in spans):
                continue  # already quoted as part of a better sentence's span
            if any(d is doc and a <= start < b for d, a, b, *_ in spans):
                start = sent.start  # the sentence it would carry back is quoted already
            ahead = [a for d, a, *_ in spans if d is doc and sent.end <= a < end]
            if ahead:  # it would carry on into a better sentence quoted already: stop before it
                end = len(doc.text[: min(ahead)].rstrip())
            spans.append([doc, start, end, round(float(scores[i]), 4), sent.chunk_id])
        citations, text = [], ""
        for n, (doc, start, end, score, chunk_id) in enumerate(adjoined(spans), 1):
            snippet = doc.text[start:end]
            citations.append(Citation(n, doc.doc_id, doc.title, snippet, score, doc.url, start, end, chunk_id, doc.date))
            piece = ("" if n == 1 else " ") + f"{snippet} [{n}]"
            text += piece
            yield from re.findall(r"\s*\S+", piece)  # word by word, as a chat window shows it
        yield Answer(question, text, citations, False, passages, confidence, self.cfg.mode, checks=self.checks())

    def checks(self) -> dict:
        """What the reader said about this question ({"reader": {...}}), if it was consulted."""
        return {"reader": dict(self.read_log)} if self.read_log else {}

    def decide(self, qi: QuestionInfo, ev: Evidence, scores: np.ndarray, log_odds=None, first_typed: bool = True,
               first_about: bool = True, timed: bool = True) -> tuple[float, str]:
        """(confidence, reason to refuse or ""). `log_odds()` asks the reader about the sentence
        to be quoted; it is called only when the reader is on and its answer could matter.
        `first_typed`: that sentence holds the kind of thing asked for; `first_about`: it is about
        the role a person is asked for by (`about_role`, `rule_out`); `timed`: some sentence to be
        quoted says when, for a question that asks when."""
        if not len(scores):
            return 0.0, "nothing relevant retrieved"
        confidence = self.judge.confidence(ev, scores)
        reason = rule_out(qi, ev, scores, corpus_figures(self.idx), first_typed, first_about, corpus_terms(self.idx))
        if not reason and not timed:
            reason = "the sentences that answer best say nothing of when"
        threshold = self.judge.threshold
        if not reason and log_odds is not None and self.judge.reader and self.cfg.reader != "off":
            try:
                read, said = self.judge.read(confidence, lambda: self._ask(log_odds))
                confidence, threshold = read, self.judge.reader["threshold"]
                self.read_log["log_odds"] = said
            except _NoReader:
                pass  # the judge decides alone, as with the reader off
        if self.cfg.min_confidence >= 0:
            threshold = self.cfg.min_confidence
        if not reason and confidence < threshold:
            reason = f"the evidence is too weak (confidence {confidence:.2f} < {threshold:.2f})"
        return confidence, reason

    def _ask(self, log_odds) -> float:
        if self.reader is None:
            raise _NoReader
        try:
            return log_odds()
        except LLMError as err:
            self.read_log["failed"] = str(err)
            raise _NoReader from None

    def choose(self, scores: np.ndarray) -> list[int]:
        """The best sentence, plus runners-up nearly as likely to be the one that answers."""
        order = np.argsort(-scores, kind="stable")
        odds = np.exp(scores - scores[order[0]])  # each one's odds relative to the best
        ratio = self.cfg.answer_ratio if self.cfg.answer_ratio > 0 else self.judge.answer_ratio
        return [int(i) for i in order[: self.cfg.max_citations] if odds[i] >= ratio]


def quoted_span(idx, sent, speaker: bool = False) -> tuple[int, int]:
    """The span of its document to quote for a chosen sentence (`rag.discourse.carried`); asked
    who said it (`speaker`), from or to the sentence that says who (`rag.discourse.attribution`)."""
    doc_spans = [(idx.sentences[i].start, idx.sentences[i].end) for i in doc_sentences(idx)[sent.doc_id]]
    k = doc_spans.index((sent.start, sent.end))
    text = idx.documents[sent.doc_id].text
    start, end = carried(text, doc_spans, k)
    says = attribution(text, doc_spans, k) if speaker else None
    if says is not None:
        start, end = min(start, doc_spans[says][0]), max(end, doc_spans[says][1])
    return start, end


# Sentences naming a role's holder added to the choice model's shortlist when a person is asked
# for by role ("Who runs the museum?"): '"It is coming home," said the museum's director, Rui Ferraz'
# shares few of the question's words. A few, in passage order: each costs an alignment.
HOLDERS = 3
# A follow-up is answered from the article the last answer quoted unless a sentence elsewhere is
# this much likelier by the choice model (log odds, e^3: 20 to 1). Set by hand on the development
# conversations (eval/conversations.jsonl and the news sets'): where the anchor mended an answer the
# sentence elsewhere led by 0.2 to 2.4; where the last answer had quoted the wrong article, by 7.3.
ANCHOR_LOG_ODDS = 3.0
