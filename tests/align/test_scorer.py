"""The "same claim" scorer: what it sees that sentence vectors do not."""

from __future__ import annotations

import pytest

from synopsis.align import FEATURES, ClaimScorer
from synopsis.align.scorer import features, view, word_weights
from synopsis.config import ClaimSettings, ConfigError

SAME = "Blinken met Xi Jinping in Beijing on Friday for five hours."


def test_names_spelled_differently_still_count_as_shared() -> None:
    values = dict(
        zip(FEATURES, features(SAME, "Blingen met Xi Jingping in Beijing.", 0.7), strict=True)
    )
    assert values["name_overlap"] == 1.0 and values["names_missing"] == 0.0
    other = dict(zip(FEATURES, features(SAME, "Putin met Modi in Delhi.", 0.7), strict=True))
    assert other["name_overlap"] == 0.0


def test_numbers_agree_within_a_tolerance_and_differ_beyond_it() -> None:
    about = dict(
        zip(
            FEATURES,
            features("Talks lasted 5.5 hours.", "Talks lasted five hours.", 0.9),
            strict=True,
        )
    )
    assert about["numbers_agree"] == 1.0 and about["numbers_differ"] == 0.0
    far = dict(zip(FEATURES, features("At least 14 died.", "At least 41 died.", 0.97), strict=True))
    assert far["numbers_differ"] == 1.0
    assert view("Version 2.6.0 shipped").numbers == frozenset({2.6})


def test_a_different_figure_or_a_negation_lowers_the_probability() -> None:
    scorer = ClaimScorer()
    base = scorer.probability(
        "At least 14 people died in the fire.", "At least 14 people died in the fire.", 0.97
    )
    figure = scorer.probability(
        "At least 14 people died in the fire.", "At least 41 people died in the fire.", 0.97
    )
    negated = scorer.probability(
        "The minister resigned on Monday.", "The minister did not resign on Monday.", 0.95
    )
    assert base > 0.8 and figure < base and negated < base
    assert scorer.same(
        "At least 14 people died in the fire.", "At least 14 people died in the fire.", 0.97
    )


def test_rare_shared_words_weigh_more_in_context() -> None:
    story = ["Officials met in the capital."] * 20 + ["TikTok must be sold."]
    weights = word_weights(story)
    assert weights["tiktok"] > weights["official"]  # words are stemmed
    a, b = "Officials said TikTok must be sold.", "TikTok must go, officials met."
    plain = features(a, b, 0.5)[FEATURES.index("weighted_overlap")]
    weighted = features(a, b, 0.5, weights)[FEATURES.index("weighted_overlap")]
    assert weighted > plain


def test_other_languages_are_judged_by_the_vectors() -> None:
    scorer = ClaimScorer()
    english, spanish = "The ferry sank off the coast.", "El ferry se hundió frente a la costa."
    assert scorer.probability(english, spanish, 0.85, same_language=False) > 0.9
    assert scorer.probability(english, spanish, 0.4, same_language=False) < 0.1


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match=r"claims\.weights needs 10 values"):
        ClaimScorer(ClaimSettings(weights=(1.0, 2.0)))
    with pytest.raises(ConfigError, match=r"claims\.same_claim"):
        ClaimSettings(same_claim=1.5)
