from synopsis.records import Article
from synopsis.text.segment import segment, split_paragraphs, split_sentences


def spans(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentences_split_on_terminal_punctuation_and_quotes() -> None:
    text = 'The dam broke at dawn. "We ran," she said. Was anyone hurt? Nobody knows!'
    assert spans(text) == [
        "The dam broke at dawn.",
        '"We ran," she said.',
        "Was anyone hurt?",
        "Nobody knows!",
    ]


def test_abbreviations_initials_and_decimals_do_not_split() -> None:
    text = "Mr. Oskarsen met Dr. J. K. Lind in the U.S. on Friday. Costs rose 5.5 percent."
    assert spans(text) == [
        "Mr. Oskarsen met Dr. J. K. Lind in the U.S. on Friday.",
        "Costs rose 5.5 percent.",
    ]


def test_curly_quote_after_period_stays_with_sentence() -> None:
    text = "He said: \u201cWe will rebuild.\u201d The mayor agreed."
    assert spans(text) == ["He said: \u201cWe will rebuild.\u201d", "The mayor agreed."]


def test_lowercase_after_period_does_not_split() -> None:
    assert spans("The figure was approx. three hundred people.") == [
        "The figure was approx. three hundred people."
    ]


def test_paragraphs_from_blank_lines_and_single_lines() -> None:
    assert split_paragraphs("One.\n\nTwo.\nThree.") == ["One.", "Two.", "Three."]


def test_hard_wrapped_block_is_joined() -> None:
    wrapped = (
        "The river rose through the night and by morning the old town was\n"
        "under water, officials said, as rescue boats searched the streets\n"
        "for people trapped in their homes."
    )
    assert split_paragraphs(wrapped) == [" ".join(wrapped.split("\n"))]


def test_segment_spans_point_into_text() -> None:
    article = Article(id="a", text="First line here.\n\nSecond one. Third one.", source="x")
    done = segment(article)
    assert done.paragraphs == ["First line here.", "Second one. Third one."]
    assert [s.text for s in done.sentences] == ["First line here.", "Second one.", "Third one."]
    for sentence in done.sentences:
        assert done.text[sentence.start : sentence.end] == sentence.text
    assert [s.paragraph for s in done.sentences] == [0, 1, 1]
