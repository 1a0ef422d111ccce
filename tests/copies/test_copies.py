from datetime import UTC, datetime

import pytest

from synopsis.config import CopySettings
from synopsis.copies import find_copies, likely_origin, source_groups
from synopsis.copies.candidates import MinHasher
from synopsis.copies.near_duplicate import NearDuplicateIndex, shingles
from synopsis.records import Article, CopyKind, CopyLink

WIRE = (
    "Heavy rain flooded the lower town of Brennstad on Tuesday, forcing 300 people from their "
    "homes, the fire service said. The river rose two metres in six hours after a week of storms. "
    "Mayor Lotte Grim said the town would open three shelters and asked residents to avoid the "
    "riverside roads. Forecasters expect more rain on Thursday, and the army has sent 40 soldiers "
    "to help build sandbag walls along the embankment."
)


def make(article_id: str, text: str, day: int | None = None) -> Article:
    published = datetime(2026, 3, day, tzinfo=UTC) if day else None
    return Article(id=article_id, text=text, raw_text=text, source=article_id, published=published)


def test_exact_copy_ignores_quotes_case_and_spacing() -> None:
    a = make("a", WIRE, day=1)
    b = make("b", "  " + WIRE.upper().replace(" ", "  "), day=2)
    links = find_copies([a, b])
    assert links == [CopyLink("a", "b", CopyKind.EXACT, 1.0, "a")]


def test_near_duplicate_found_and_unrelated_not() -> None:
    edited = WIRE.replace("Tuesday", "Tuesday night").replace("40 soldiers", "forty soldiers")
    unrelated = (
        "The central bank raised its main interest rate by a quarter point on Wednesday, citing "
        "stubborn inflation in services and a tight labour market across the country."
    )
    links = find_copies([make("a", WIRE, 1), make("b", edited, 2), make("c", unrelated, 2)])
    assert [(k.a, k.b, k.kind, k.origin) for k in links] == [
        ("a", "b", CopyKind.NEAR_DUPLICATE, "a")
    ]
    assert 0.5 <= links[0].score < 1.0


def test_near_duplicate_threshold_is_respected() -> None:
    half = " ".join(WIRE.split()[: len(WIRE.split()) // 2])
    strict = CopySettings(near_duplicate_threshold=0.9)
    # Half the wire: Jaccard below 0.9, linked only as a cut copy (containment 1.0).
    links = find_copies([make("a", WIRE), make("b", half)], strict)
    assert [(k.kind, k.origin) for k in links] == [(CopyKind.NEAR_DUPLICATE, "a")]
    assert links[0].score < 0.9
    edited = half.replace("Tuesday", "Wednesday").replace("300 people", "many people")
    no_cuts = CopySettings(near_duplicate_threshold=0.9, near_duplicate_containment=1.0)
    assert find_copies([make("a", WIRE), make("b", edited)], no_cuts) == []


def test_given_hashes_give_the_links_computed_ones_do_and_must_fit() -> None:
    edited = WIRE.replace("Tuesday", "Tuesday night").replace("40 soldiers", "forty soldiers")
    half = " ".join(WIRE.split()[: len(WIRE.split()) // 2])
    articles = [make("a", WIRE, 1), make("b", edited, 2), make("c", half, 3)]
    settings = CopySettings()
    hasher = MinHasher(settings.num_perm, settings.seed, settings.shingle_words)
    hashed = hasher.hash_texts(a.text for a in articles)
    found = find_copies(articles, settings, hashed=hashed)
    assert found == find_copies(articles, settings)
    assert {(k.a, k.b) for k in found} == {("a", "b"), ("a", "c"), ("b", "c")}
    with pytest.raises(ValueError, match="one per article"):
        find_copies(articles[:2], settings, hashed=hashed)
    with pytest.raises(ValueError, match="of 64"):
        find_copies(articles, CopySettings(num_perm=64), hashed=hashed)


def test_index_rejects_the_same_article_twice() -> None:
    index = NearDuplicateIndex()
    index.add(make("a", WIRE))
    with pytest.raises(ValueError, match="already in the index"):
        index.add(make("a", WIRE))


def test_shingles_of_short_text() -> None:
    assert shingles("Too short", 5) == {b"too short"}
    assert shingles("", 5) == set()
    assert len(shingles("one two three four five six", 5)) == 2


def test_origin_from_time_then_containment() -> None:
    early, late = make("a", WIRE, day=1), make("b", WIRE, day=3)
    assert likely_origin(early, late) == "a"
    assert likely_origin(late, early) == "a"
    undated_a, undated_b = make("a", WIRE), make("b", WIRE)
    assert likely_origin(undated_a, undated_b) is None
    # b holds nearly all of a's shingles, a only half of b's: a was cut from b.
    assert likely_origin(undated_a, undated_b, containment_ab=0.95, containment_ba=0.5) == "b"


def test_source_groups_are_connected_components_in_input_order() -> None:
    links = [
        CopyLink("b", "d", CopyKind.NEAR_DUPLICATE, 0.8),
        CopyLink("d", "e", CopyKind.EXACT, 1.0),
        CopyLink("x", "a", CopyKind.EXACT, 1.0),  # x is outside the set: ignored
    ]
    assert source_groups(["a", "b", "c", "d", "e"], links) == [["a"], ["b", "d", "e"], ["c"]]


def test_invalid_settings_name_the_setting() -> None:
    with pytest.raises(ValueError, match=r"copies\.near_duplicate_threshold"):
        CopySettings(near_duplicate_threshold=1.5)
