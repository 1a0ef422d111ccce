"""Numbers written as words, shared by everything that reads figures from text."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

NUMBER_WORDS: Mapping[str, float] = MappingProxyType(
    {
        "one": 1.0,
        "two": 2.0,
        "three": 3.0,
        "four": 4.0,
        "five": 5.0,
        "six": 6.0,
        "seven": 7.0,
        "eight": 8.0,
        "nine": 9.0,
        "ten": 10.0,
        "eleven": 11.0,
        "twelve": 12.0,
        "dozen": 12.0,
        "twenty": 20.0,
        "hundred": 100.0,
        "thousand": 1000.0,
        "million": 1e6,
        "billion": 1e9,
    }
)
"""English number words and their values."""

COUNT_WORDS: Mapping[str, float] = MappingProxyType(
    {word: value for word, value in NUMBER_WORDS.items() if 2 <= value <= 1000}
)
"""The number words that count things ("two ships", "a dozen people"): not "one",
which is a pronoun as often as a count, nor "million"/"billion", which scale a digit."""

__all__ = ["COUNT_WORDS", "NUMBER_WORDS"]
