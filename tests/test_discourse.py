"""rag.discourse: the span a citation quotes goes on while the text says it does."""

from rag.discourse import attribution, carried


def spans_of(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    out, at = [], 0
    for s in sentences:
        start = text.index(s, at)
        out.append((start, start + len(s)))
        at = start + len(s)
    return out


def test_an_open_quotation_is_quoted_until_it_closes():
    parts = ['The mayor spoke. “Taxes will not rise.', "We will cut waste instead,” she said.", "Rain fell."]
    text = " ".join(parts)
    spans = spans_of(text, ["The mayor spoke.", "“Taxes will not rise.", "We will cut waste instead,” she said.", "Rain fell."])
    assert carried(text, spans, 1) == (spans[1][0], spans[2][1])
    assert carried(text, spans, 0) == spans[0]  # nothing open, the next does not point back


def test_a_quotation_longer_than_the_limit_is_cut():
    text = '"One. Two. Three. Four."'
    spans = spans_of(text, ['"One.', "Two.", "Three.", 'Four."'])
    assert carried(text, spans, 0) == (0, spans[2][1])  # two sentences more at most


def test_a_sentence_that_points_back_goes_with_the_one_before():
    text = "The council debated housing. These plans would add 400 homes. The vote is in May."
    spans = spans_of(text, ["The council debated housing.", "These plans would add 400 homes.", "The vote is in May."])
    assert carried(text, spans, 0) == (0, spans[1][1])
    assert carried(text, spans, 1) == spans[1]  # "The vote" points at nothing before it


def test_the_span_never_leaves_the_paragraph():
    text = "“We agree.\nIt is late,” he said."
    spans = spans_of(text, ["“We agree.", "It is late,” he said."])
    assert carried(text, spans, 0) == spans[0]


def test_straight_quotes_toggle():
    text = 'He said "yes." Then "no." It ended.'
    spans = spans_of(text, ['He said "yes."', 'Then "no."', "It ended."])
    assert carried(text, spans, 0) == spans[0]  # the quotation closed in its own sentence


def test_a_sentence_opening_with_a_pronoun_brings_the_one_before():
    text = "Loudoun was recalled in 1758. He was replaced by Abercrombie. Rain fell. It was May."
    spans = spans_of(text, ["Loudoun was recalled in 1758.", "He was replaced by Abercrombie.", "Rain fell.", "It was May."])
    assert carried(text, spans, 1) == (0, spans[1][1])  # "He" is Loudoun: the quote says so
    assert carried(text, spans, 3) == spans[3]  # "It was May": an expletive "it" names no one


def test_a_pronoun_at_a_paragraph_start_stays_alone():
    text = "Loudoun was recalled.\nThey sailed in May."
    spans = spans_of(text, ["Loudoun was recalled.", "They sailed in May."])
    assert carried(text, spans, 1) == spans[1]
    assert carried("They sailed.", [(0, 12)], 0) == (0, 12)  # a document's first sentence


def test_a_pronoun_subject_after_an_opening_phrase_is_read_with_the_sentence_before():
    text = "Mayor Anna Berg spoke on Monday. Regarding the port, she said it must grow. Rain fell."
    spans = [(0, 32), (33, 75), (76, 86)]
    assert carried(text, spans, 1) == (0, 75)
    assert carried("Rain fell. Regarding the port, Anna Berg said it must grow.", [(0, 10), (11, 59)], 1) == (11, 59)


def test_who_speaks_a_quotation_is_said_where_it_opens_after_it_or_before_it():
    sentences = ["In a statement, Mayor Anna Berg said: “The bridge is our pride.", "It opens in May.",
                 "Nobody will pay a toll.”", "“Taxes will not rise,” she added.", "The council agreed.",
                 "“Nothing is settled.”"]
    text = " ".join(sentences)
    spans = spans_of(text, sentences)
    # inside the quotation opened in sentence 0; "she added"; the article's own words; the nearest
    # speaker before a quotation that names none (two sentences back at most)
    assert [attribution(text, spans, k) for k in range(6)] == [0, 0, 0, 3, None, 3]
    # a whole quotation with no "she said" of its own: who spoke just before it, when someone did
    text2 = "Cerar emphasized that Merkel understood the need. “We all agreed on that today.”"
    spans2 = spans_of(text2, ["Cerar emphasized that Merkel understood the need.", "“We all agreed on that today.”"])
    assert attribution(text2, spans2, 1) == 0


def test_who_speaks_is_never_looked_for_in_another_paragraph():
    text = "Mayor Anna Berg said so on Monday.\n“The bridge opens in May.”"
    spans = spans_of(text, ["Mayor Anna Berg said so on Monday.", "“The bridge opens in May.”"])
    assert attribution(text, spans, 1) is None
