"""The records: the cited-line base, converting lines, and what the package exports."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any

import pytest

import synopsis
from synopsis.records import (
    Citation,
    CitedLine,
    Digest,
    Fact,
    Story,
    StoryListing,
    SummaryLine,
    UniqueDetail,
)
from synopsis.report.contract import comparison_to_dict, digest_to_dict, line_to_dict

BASE_FIELDS = ["text", "article", "sentence", "citations", "evidence"]
EVIDENCE = (
    Citation("a1", 0, "Storm hits the coast."),
    Citation("b2", 3, "A storm hit the coast on Friday."),
)


def field_names(cls: type[Any]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def summary_line() -> SummaryLine:
    return SummaryLine(
        text="Storm hits the coast.",
        article="a1",
        sentence=0,
        citations=("a1", "b2"),
        evidence=EVIDENCE,
        independent_support=2,
    )


def test_cited_lines_share_the_five_base_fields_in_order() -> None:
    assert field_names(CitedLine) == BASE_FIELDS
    assert field_names(UniqueDetail) == BASE_FIELDS
    for cls in (SummaryLine, Fact):
        assert field_names(cls) == [*BASE_FIELDS, "independent_support", "speaker"]
    for cls in (SummaryLine, Fact, UniqueDetail):
        assert issubclass(cls, CitedLine)
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        assert "__dict__" not in dir(cls)  # slotted all the way down
    assert not issubclass(Fact, SummaryLine) and not issubclass(SummaryLine, Fact)


def test_cited_lines_construct_positionally_and_stay_frozen() -> None:
    line = SummaryLine("Storm hits the coast.", "a1", 0, ("a1", "b2"), EVIDENCE, 2)
    assert line == summary_line()
    assert UniqueDetail("Only here.", "c3", 5, ("c3",), ()).article == "c3"
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.text = "changed"  # type: ignore[misc]
    # Same fields, different record: not equal (dataclass equality checks the type).
    assert Fact.from_line(line) != line


def test_fact_from_line_keeps_every_field() -> None:
    line = summary_line()
    fact = Fact.from_line(line)
    assert type(fact) is Fact
    assert dataclasses.astuple(fact) == dataclasses.astuple(line)
    assert {name: getattr(fact, name) for name in field_names(Fact)} == {
        name: getattr(line, name) for name in field_names(SummaryLine)
    }


def test_from_line_drops_extra_fields_and_takes_changes() -> None:
    line = summary_line()
    detail = UniqueDetail.from_line(line)
    assert dataclasses.astuple(detail) == dataclasses.astuple(line)[:5]
    with pytest.raises(TypeError, match="independent_support"):
        Fact.from_line(detail)
    fact = Fact.from_line(detail, independent_support=1)
    assert fact.independent_support == 1 and fact.evidence == EVIDENCE
    assert SummaryLine.from_line(line, text="Changed.").text == "Changed."


def test_cited_lines_serialise_to_the_contract_shape() -> None:
    line = summary_line()
    evidence = [{"article": c.article, "sentence": c.sentence, "text": c.text} for c in EVIDENCE]
    expected_line = {
        "text": line.text,
        "article": "a1",
        "sentence": 0,
        "citations": ["a1", "b2"],
        "independent_support": 2,
        "evidence": evidence,
        "speaker": None,
    }
    # Key order is part of the bytes of the JSON contract.
    assert json.dumps(line_to_dict(line)) == json.dumps(expected_line)
    assert json.dumps(line_to_dict(Fact.from_line(line))) == json.dumps(expected_line)
    detail = UniqueDetail.from_line(line)
    expected_detail = {
        k: v for k, v in expected_line.items() if k not in ("independent_support", "speaker")
    }
    assert json.dumps(line_to_dict(detail)) == json.dumps(expected_detail)
    digest = Digest(
        story=Story(id="s1", article_ids=["a1", "b2"]),
        summary=[line],
        facts=[Fact.from_line(line)],
        unique=[detail],
    )
    as_dict = digest_to_dict(digest)
    assert as_dict["summary"] == as_dict["facts"] == [expected_line]
    assert comparison_to_dict(digest)["unique"] == [expected_detail]


def test_story_listing_to_dict() -> None:
    listing = StoryListing("s1", "Storm", 3, 2, "2024-05-01", None, ["en"])
    assert listing.to_dict() == {
        "id": "s1",
        "title": "Storm",
        "articles": 3,
        "independent_sources": 2,
        "first_published": "2024-05-01",
        "last_published": None,
        "languages": ["en"],
        "conflicts": None,
    }
    assert list(listing.to_dict()) == field_names(StoryListing)


def _records_in(annotation: Any) -> set[type[Any]]:
    """The dataclasses that a field annotation names, through lists, tuples and unions."""
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return {annotation}
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, dict, typing.Union, types.UnionType):
        return {found for arg in typing.get_args(annotation) for found in _records_in(arg)}
    return set()


def _records_held(root: type[Any]) -> set[type[Any]]:
    held: set[type[Any]] = set()
    pending = [root]
    while pending:
        cls = pending.pop()
        for annotation in typing.get_type_hints(cls).values():
            for record in _records_in(annotation) - held:
                held.add(record)
                pending.append(record)
    return held


def test_every_record_a_digest_holds_is_exported_by_the_package() -> None:
    held = _records_held(Digest)
    assert {SummaryLine, Fact, UniqueDetail, Citation, Story} <= held
    for record in sorted(held | {Digest, CitedLine, StoryListing}, key=lambda c: c.__name__):
        assert getattr(synopsis, record.__name__, None) is record, record.__name__
        assert record.__name__ in synopsis.__all__, record.__name__
