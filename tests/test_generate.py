"""The extractive answerer: sentence choice, citations, and each reason to abstain (the rules alone: test_rules.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rag import Config
from rag.embed import embed_query
from rag.generate import NOT_FOUND, ExtractiveGenerator
from rag.judge import load as load_judge
from rag.retrieve import retrieve


def ask(idx, cfg, question, passages=None):
    vec = embed_query(question, cfg.embedder)
    passages = retrieve(idx, question, vec, cfg) if passages is None else passages
    *deltas, final = ExtractiveGenerator(idx, cfg).stream(question, vec, passages)
    assert "".join(deltas) == final.text
    return final


def test_quotes_the_answering_sentence_with_its_offsets(seed_index, seed_config):
    a = ask(seed_index, seed_config, "Which Austrian chancellor did Cerar talk to about Austria's measures?")
    assert not a.abstained and "Kern" in a.text
    for c in a.citations:
        doc = seed_index.documents[c.source]
        assert doc.text[c.start : c.end] == c.snippet and f"{c.snippet} [{c.n}]" in a.text


def test_quotes_at_most_max_citations(seed_index, seed_config):
    q = "Who is the Slovenian Minister of the Interior?"
    assert len(ask(seed_index, seed_config.with_(answer_ratio=0.001), q).citations) >= 2  # runners-up let in
    a = ask(seed_index, seed_config.with_(max_citations=1, answer_ratio=0.001), q)
    assert len(a.citations) == 1 and re.findall(r"\[\d\]", a.text) == ["[1]"]
    assert len(ask(seed_index, seed_config.with_(answer_ratio=1.0), q).citations) == 1  # only the best


@pytest.mark.parametrize(
    "scores, ratio, max_citations, chosen",
    [
        ([0.0, -0.5, -1.0, -3.0], 0.5, 3, [0, 1]),  # odds 1, 0.61, 0.37, 0.05
        ([-1.0, 0.0, -0.5, -3.0], 0.3, 3, [1, 2, 0]),  # best first
        ([0.0, -0.5, -1.0, -3.0], 0.3, 2, [0, 1]),  # at most max_citations
        ([0.0, -0.1], 1.0, 3, [0]),
        ([2.0], 0.5, 3, [0]),
    ],
)
def test_choose_by_odds_relative_to_the_best(scores, ratio, max_citations, chosen):
    gen = ExtractiveGenerator(None, Config.load(answer_ratio=ratio, max_citations=max_citations, progress=False))
    assert gen.choose(np.array(scores)) == chosen


@pytest.mark.parametrize(
    "question, reason",
    [
        ("Which football club won the Champions League?", "the evidence is too weak"),  # off-topic
        ("How do vaccines work?", "the evidence is too weak"),  # off-topic
        ("How tall is Cerar?", "no sentence found holds the number asked for"),
        ("What is the population of Slovenia?", "the articles never mention population"),
        ("How many people live in Slovenia?", "the sentence that answers best gives no number"),
        ("How many asylum applications did Slovenia receive in 2015?", "the articles never mention 2015"),  # 2015 in no article
        ("How many illegal entries did Croatia register in the first five months of the year?", "no number found is said of croatia"),
        ("When did Nešić visit Ljubljana?", "no date found is said of nešić, ljubljana"),
        ("How do I make spaghetti carbonara?", "the evidence is too weak"),
        ("How much money has the EU given Bosnia for accommodation?", "no sentence found holds the money asked for"),
        ("Who?", "the question names nothing to look for"),
        ("Why is that?", "the question names nothing to look for"),  # a first turn: nothing to carry over
    ],
)
def test_each_reason_to_abstain(seed_index, seed_config, question, reason):
    a = ask(seed_index, seed_config, question)
    assert a.abstained and a.text == NOT_FOUND and a.citations == []
    assert reason in a.reason


def test_nothing_retrieved(seed_index, seed_config):
    a = ask(seed_index, seed_config, "Who signed the bill?", passages=[])
    assert a.abstained and a.reason == "nothing relevant retrieved" and a.confidence == 0.0


def test_threshold_is_the_fitted_one_unless_configured(seed_index, seed_config):
    fitted = load_judge().threshold
    q = "Who did Boštjan Poklukar host?"
    answered = ask(seed_index, seed_config, q)
    assert not answered.abstained and answered.confidence >= fitted
    refused = ask(seed_index, seed_config.with_(min_confidence=1.0), q)
    assert refused.abstained and f"< {1.0:.2f}" in refused.reason
    weak = "How do vaccines work?"  # refused at the fitted threshold (above)
    a = ask(seed_index, seed_config, weak)
    assert a.abstained and f"< {fitted:.2f}" in a.reason and a.confidence < fitted
    assert not ask(seed_index, seed_config.with_(min_confidence=0.0), weak).abstained


BERGEN = """Nordic ministers meet in Bergen

Norway's fisheries minister Anna Berg hosted Poland's maritime minister Piotr Nowak in Bergen on Monday, where the two discussed quotas for the coming season.

"We both agreed that we must do everything we can to stop illegal trawling and the smuggling of catch across the Baltic," Berg told reporters afterwards.

The talks also covered port fees and a joint research vessel, which Poland hopes to launch in 2027.
"""


def test_a_follow_up_is_answered_by_what_it_adds_not_by_the_names_it_repeats(one_article):
    """The rewrite puts the previous answer's names into the follow-up; the sentence that answers
    is the one holding what the follow-up adds, not the previous answer naming them again."""
    import rag

    cfg = one_article("bergen.txt", BERGEN)
    first = rag.answer("Who did Anna Berg host in Bergen?", config=cfg)
    assert "Piotr Nowak" in first.text
    history = [{"role": "user", "content": "Who did Anna Berg host in Bergen?"}, {"role": "assistant", "content": first.text}]
    follow = rag.answer("What did the two of them agree to do everything they could to stop?", history=history, config=cfg)
    assert "Piotr Nowak" in follow.standalone  # the rewrite named them
    assert "illegal trawling" in follow.text and "hosted" not in follow.text


HARBOUR = """A new harbour chief

Harbour chief Lena Dahl retired in March after twenty years at the port. She was replaced by Tomas Vik, the port's former safety officer. The port also bought two new tugboats for the winter.
"""


def test_a_quote_opening_with_a_pronoun_says_whom_it_means_and_nothing_is_quoted_twice(one_article):
    import rag

    cfg = one_article("harbour.txt", HARBOUR, max_citations=1)
    q = "Whom did Tomas Vik replace?"  # the sentence that answers says "She": the one before says who
    a = rag.answer(q, config=cfg)
    assert a.citations[0].snippet.startswith("Harbour chief Lena Dahl") and "She was replaced by Tomas Vik" in a.text
    for q in (q, "Who replaced Lena Dahl as harbour chief?"):  # "She ..." quoted second, then first
        every = rag.answer(q, config=cfg.with_(max_citations=3, answer_ratio=0.0001))
        spans = sorted((c.start, c.end) for c in every.citations)
        assert all(e <= s for (_, e), (s, _) in zip(spans, spans[1:]))  # no text quoted twice
        assert every.text.count("Lena Dahl retired") == 1 and "Tomas Vik" in every.text
        assert every.text.index("Lena Dahl retired") < every.text.index("replaced by Tomas Vik")  # as written


TUGS = """Storm season at the port

“The port needs a third tugboat before winter. Storms have grown stronger every year,” harbour chief Lena Dahl said on Monday.

The council will vote on the purchase in May.
"""


@pytest.mark.parametrize("question", ["Why does the port need a third tugboat, according to Lena Dahl?",
                                      "What did Lena Dahl say about the storms?"])
def test_a_quotation_that_goes_on_into_a_sentence_quoted_already_stops_before_it(one_article, question):
    # the second sentence of a quotation was quoted first, then the first carried on into it
    import rag

    cfg = one_article("tugs.txt", TUGS)
    every = rag.answer(question, config=cfg.with_(max_citations=3, answer_ratio=0.0001))
    spans = sorted((c.start, c.end) for c in every.citations)
    assert all(e <= s for (_, e), (s, _) in zip(spans, spans[1:]))  # no text quoted twice
    assert every.text.count("third tugboat") == 1 and every.text.count("stronger every year") == 1
    # one quotation, one snippet, in the order it was said (adjoining spans are joined: `adjoined`)
    assert every.citations[0].snippet.startswith("“The port needs a third tugboat") and "Dahl said" in every.citations[0].snippet


@pytest.mark.parametrize(
    "question, first",
    [
        ("Who is Cerar?", "Slovenian Prime Minister Miro Cerar has attended"),  # not "Cerar today briefly discussed ..."
        ("Who is Nenad Nešić?", "The Slovenian Minister of the Interior, Boštjan Poklukar, hosted the Minister of Security"),
    ],
)
def test_who_is_quotes_first_the_sentence_that_introduces_them(seed_index, seed_config, question, first):
    a = ask(seed_index, seed_config, question)
    assert not a.abstained and a.citations[0].snippet.startswith(first), a.text


def test_what_is_quotes_first_the_sentence_that_spells_the_name_out(seed_index, seed_config):
    a = ask(seed_index, seed_config, "What is Frontex?")  # not "... so that Frontex can start its mission ..."
    assert not a.abstained and "European Border and Coast Guard Agency (Frontex)" in a.citations[0].snippet, a.text


BRIDGE = """Lyon's new bridge

Mayor Anna Berg opened the new bridge over the Rhône on Tuesday and told reporters: “It was built in two years. Nobody will pay a toll.”

Piotr Nowak, the council's treasurer, spoke after her. The bridge cost 40 million euros.
"""


def test_who_said_a_quotation_quotes_it_with_whom_the_article_says_spoke_it(one_article):
    import rag

    cfg = one_article("bridge.txt", BRIDGE)
    a = rag.answer('Who said "Nobody will pay a toll."?', config=cfg)
    assert not a.abstained and "Anna Berg" in a.citations[0].snippet and "Nobody will pay a toll" in a.citations[0].snippet
    plain = rag.answer("Will anybody pay a toll on the bridge?", config=cfg)  # not asked who: the quotation alone
    assert "Anna Berg" not in plain.citations[0].snippet


INQUIRY = """Rail inquiry blames missed tests

The Transport Safety Commission published its interim report on the derailment on Tuesday.

"The testing simply did not happen," said Dr. Mara Lind, the commission's chief investigator, at a news conference.
"""


def test_a_body_named_in_full_once_and_by_its_last_word_after_is_what_the_role_is_of(one_article):
    import rag

    cfg = one_article("inquiry.txt", INQUIRY)
    a = rag.answer("Who is the Transport Safety Commission's chief investigator?", config=cfg)
    assert not a.abstained and "Mara Lind" in a.citations[0].snippet, (a.text, a.reason)


FLOOD = """Tessby flood scheme approved

Councillors approved the Environment Agency's plan to protect Tessby from the River Lune on Thursday.

"The storage area is the heart of the design," said Gareth Hume, the agency's project manager for the scheme.
"""


def test_a_thing_a_name_qualifies_is_named_by_its_noun_after(one_article):
    """"the Tessby scheme" is "the scheme" once the article has named Tessby, as the Environment
    Agency is "the agency"."""
    import rag

    cfg = one_article("flood.txt", FLOOD)
    a = rag.answer("Who is the Environment Agency's project manager for the Tessby scheme?", config=cfg)
    assert not a.abstained and "Gareth Hume" in a.citations[0].snippet, (a.text, a.reason)
    other = rag.answer("Who is the Environment Agency's project manager for the Carlow scheme?", config=cfg)
    assert other.abstained  # Carlow: no article names it


GALLERY = """Lisbon gallery buys a 16th-century atlas

A Lisbon gallery bought a hand-painted atlas at a London auction on Wednesday.

The buyer was the Gallery of Nautical Charts in Lisbon, which bid through a representative in the saleroom.

Charlotte Pennington, head of books and manuscripts at the auction house, called it a rare find.

"This atlas was made in Lisbon, for Portuguese pilots. It is coming home," said the gallery's director, Rui Ferraz, outside the auction house.
"""


def test_who_runs_a_body_is_quoted_from_the_sentence_naming_its_head_not_another_bodys(one_article):
    """The director's sentence shares few of the question's words, and the auction house's head
    of books is someone else's head: the sentence naming the gallery's director is quoted, with
    the quotation it closes."""
    import rag

    cfg = one_article("gallery.txt", GALLERY)
    a = rag.answer("Who runs the Gallery of Nautical Charts?", config=cfg)
    assert not a.abstained and "Rui Ferraz" in a.citations[0].snippet, (a.text, a.reason)
    assert a.citations[0].snippet.startswith('"This atlas was made in Lisbon'), a.citations[0].snippet


SEEDS_DEAL = """Seed firm joins lentil project

Canadian seed company Prairie Pulse Genetics, based in Saskatoon, will contribute field sites to the project.

Separately, the retailer Hearthstone said Robert Haines, who had run Hearthstone for 17 years, would stay on its board.
"""


def test_who_runs_it_after_a_question_on_a_body_is_not_another_bodys_head(one_article):
    """"Who runs it?" names no body; the conversation was about Prairie Pulse Genetics, whose head
    the article does not name: the man who ran another company does not answer it."""
    import rag

    cfg = one_article("seeds.txt", SEEDS_DEAL)
    history = [{"role": "user", "content": "Where is Prairie Pulse Genetics based?"},
               {"role": "assistant", "content": "Canadian seed company Prairie Pulse Genetics, based in Saskatoon, "
                                                "will contribute field sites to the project. [1]"}]
    a = rag.answer("Who runs it?", history=history, config=cfg)
    assert a.abstained and "Haines" not in a.text, (a.standalone, a.text)
    assert "Haines" in rag.answer("Who runs Hearthstone?", config=cfg).text


CRANE = """Harbour crane returns to Tessby

The old harbour crane at Tessby was built by a Glasgow firm to unload coal ships.

It was moved to a museum in 1987 and returned to the quay in March 2024, after a restoration that cost the town council 400,000 pounds.

Volunteers repainted it in its original green.
"""


def test_a_year_asked_for_is_not_answered_by_a_quote_that_gives_none(one_article):
    """"In what year ...?" asks for a point in the calendar: the sentence that says the crane was
    built, with no year, does not answer it, though the next one gives two years of other things."""
    import rag

    cfg = one_article("crane.txt", CRANE)
    built = rag.answer("In what year was the harbour crane at Tessby built?", config=cfg)
    assert built.abstained and "no date in the calendar" in built.reason
    moved = rag.answer("In what year was the Tessby crane moved to a museum?", config=cfg)
    assert not moved.abstained and "1987" in moved.text
    when = rag.answer("When was the crane at Tessby built?", config=cfg)  # "When" may be told by any word of time,
    assert when.abstained and "nothing of when" in when.reason  # and this sentence has none: not the calendar's rule



PUMPS = """Pump maker Tamlo to cut jobs as profit halves

TAMPERE, Finland - Tamlo, the Finnish maker of industrial pumps, said on Thursday it would cut jobs after its profit halved in the first quarter.

Operating profit fell to 38.6 million euros in January-March from 74.1 million euros a year earlier.

The company did not say which sites would close.
"""


def test_a_figure_asked_for_is_quoted_first_from_a_runner_up_that_holds_one(one_article):
    """The story's opening sentence shares the question's words and gives no figure; the sentence
    quoted with it does, about the same company: it comes first, and the question is answered."""
    import rag

    cfg = one_article("pumps.txt", PUMPS)
    a = rag.answer("What was Tamlo's operating profit in the first three months of the year?", config=cfg)
    assert not a.abstained and a.text.startswith("Operating profit fell to 38.6 million euros")


QUARRY = """Inquest opens into death at Harlow quarry

HARLOW - A coroner opened an inquest on Tuesday into the death of a worker who was crushed when a conveyor collapsed at the Millbrook quarry near Harlow in March.

The quarry's owner, Stenton Aggregates, has admitted that it did not inspect the conveyor for two years.

The worker, Daniel Osei, 37, a machine operator from Epping, died at the scene on March 14.
"""


def test_who_the_opening_sentence_leaves_unnamed_is_quoted_from_a_later_one(one_article):
    """The opening sentence shares the question's words and names no one ("a worker"); the last
    one names him: it is quoted first."""
    import rag

    cfg = one_article("quarry.txt", QUARRY)
    a = rag.answer("Who was crushed when the Millbrook quarry conveyor collapsed?", config=cfg)
    assert not a.abstained and a.text.startswith("The worker, Daniel Osei"), (a.text, a.reason)


FERRIES = """Ferry line cuts winter sailings

KIRKWALL, Oct. 2 - Northlink Isles said on Tuesday it would cut its winter sailings between Kirkwall and Lerwick from six a week to four.

The company's chief executive, Morag Flett, said fuel costs had risen by 18 percent in a year.
"""


def test_the_company_s_chief_is_the_chief_of_the_company_the_story_opens_with(one_article):
    """News names the body once, in its opening paragraph, and says "the company" after: "the
    company's chief executive" is Northlink Isles' (the headline does not name it)."""
    import rag

    cfg = one_article("ferries.txt", FERRIES)
    for question in ("Who is the chief executive of Northlink Isles?", "Who runs Northlink Isles?"):
        a = rag.answer(question, config=cfg)
        assert not a.abstained and "Morag Flett" in a.citations[0].snippet, (question, a.text)


WRECK = """Divers find wreck of lost ore carrier

DULUTH - Divers have found the wreck of the Marten Bay, an ore carrier that sank in Lake Superior in 1902.

The ship left Duluth in a gale and broke apart within hours. Its captain, Elias Rowe, was among the 19 men lost.
"""


def test_its_captain_is_the_captain_of_the_ship_the_story_opens_with(one_article):
    import rag

    a = rag.answer("Who was the captain of the Marten Bay?", config=one_article("wreck.txt", WRECK))
    assert not a.abstained and "Elias Rowe" in a.text, (a.text, a.reason)


QUOTA = """Herring quota cut again

BERGEN - Norway's fisheries ministry said on Monday that the coastal herring quota for 2025 would be 310,000 tonnes, down from 365,000 tonnes.

Fishermen's groups said the cut would cost jobs in the north.

A new research vessel will join the institute's fleet in 2026.
"""


def test_a_year_asked_about_is_not_answered_by_another_years_figure(one_article):
    import rag

    cfg = one_article("quota.txt", QUOTA)
    later = rag.answer("What is the coastal herring quota for 2026?", config=cfg)
    assert later.abstained and "of 2025, not 2026" in later.reason, (later.text, later.reason)
    assert not rag.answer("What is the coastal herring quota for 2025?", config=cfg).abstained


RETEST = """Young people's hearing to be tested again

MELBOURNE - Researchers tested the hearing of 5,140 young people between 2019 and 2024 and found that 17.3 percent had measurable loss, the study's leader, Dr Hannah Okafor, said.

Okafor said about 1,200 of the participants had agreed to be retested next year, and the results of the retesting would show whether the loss is permanent.

She did not say when the results of the follow-up would be published.
"""


def test_a_runner_up_that_says_what_is_asked_is_not_known_is_the_answer(one_article):
    """The sentence quoted first gives a date, of the retesting; the one quoted with it says the
    date asked for, of the results, is not known: that is the articles' answer."""
    import rag

    cfg = one_article("retest.txt", RETEST)
    results = rag.answer("When will the results of the retesting be published?", config=cfg)
    assert results.abstained and "not known" in results.reason, (results.text, results.reason)
    retested = rag.answer("When will the participants be retested?", config=cfg)
    assert not retested.abstained and "next year" in retested.citations[0].snippet, retested.text


CRASH = """Bus crash closes motorway

A tourist bus crashed on the A9 near Perth on Sunday, blocking three lanes of the motorway.

Police in Perth said 14 of the bus's passengers were taken to hospital after the crash on the A9.
"""


def test_how_many_is_quoted_first_from_a_sentence_that_counts_what_is_asked(one_article):
    """The opening sentence shares the question's words and counts lanes, not passengers; the
    sentence quoted with it counts the passengers: it comes first (`rag.counts`)."""
    import rag

    cfg = one_article("crash.txt", CRASH)
    a = rag.answer("How many passengers were hurt when the tourist bus crashed on the A9 near Perth on Sunday?", config=cfg)
    assert not a.abstained and a.citations[0].snippet.startswith("Police in Perth said 14"), a.text



FARM = """Heat-tolerant lentil passes field trials

ADELAIDE - Sarah McInnes, who grows lentils, wheat and barley on 2,800 hectares near Kimba and hosted one of the trial sites, said she had watched the difference between the plots during the October heat.

"The ordinary plots had dropped their flowers and the others were still going," McInnes said.
"""
FURNITURE = """Retailer to close stores

TORONTO - Hearthstone will close 27 of its 214 stores, the retailer said on Thursday.

"The stores they are closing are the obvious ones. The harder question is what happens to the 187 that are left if consumers don't come back to big-ticket furniture next year," analyst Linh Tran said. She cut her price target on the stock to C$7 from C$10.
"""


def test_a_follow_up_is_answered_from_the_article_the_last_answer_quoted(tmp_path):
    """"How big is it?" repeats the farm the conversation is about, which chooses no sentence:
    the only word left to choose by is "big", which the other story has ("big-ticket"). The
    follow-up is about the article the last answer quoted, and is answered from it."""
    import rag

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "farm.txt").write_text(FARM, encoding="utf-8")
    (tmp_path / "corpus" / "furniture.txt").write_text(FURNITURE, encoding="utf-8")
    cfg = rag.Config.load(index_dir=tmp_path / "index", corpus=tmp_path / "corpus", progress=False)
    rag.index(config=cfg)
    first = rag.answer("Where is Sarah McInnes's farm?", config=cfg)
    assert not first.abstained and "Kimba" in first.text
    history = [{"role": "user", "content": "Where is Sarah McInnes's farm?"}, {"role": "assistant", "content": first.text}]
    size = rag.answer("How big is it?", history=history, config=cfg)
    assert not size.abstained and all(c.source == "farm.txt" for c in size.citations), (size.standalone, size.text)
    assert "2,800 hectares" in size.citations[0].snippet

