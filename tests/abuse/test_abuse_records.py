"""Record files gone wrong: JSON Lines, JSON, CSV, RSS and HTML that break the rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synopsis.readers import read_inputs

TEXT = (
    "The harbour of Brennstad reopened on Monday after a week of repairs, the port authority "
    "said. Ships queued outside the breakwater overnight."
)
OTHER = (
    "Crews restored power to the last districts of Marrendal on Tuesday, the utility said, "
    "four days after the storm brought down its lines."
)


def write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def kinds(result: Any) -> dict[str, str]:
    """Each input name's outcome: ``article``, or ``failure: reason`` / ``skip: reason``."""
    found = {a.source: "article" for a in result.articles}
    found |= {f.input: f"failure: {f.reason}" for f in result.failures}
    found |= {s.input: f"skip: {s.reason}" for s in result.skipped}
    return found


@pytest.mark.timeout(30)
def test_broken_jsonl_lines_fail_one_by_one(tmp_path: Path, good: Path, abuse: Any) -> None:
    lines = [
        json.dumps({"id": "a", "text": TEXT}),
        '{"id": "b", "text": "unterminated',
        "[1, 2, 3]",
        json.dumps([{"id": "c", "text": OTHER}]),  # an array as a line: not a record
        "null",
        '"a string"',
        json.dumps({"id": 5, "title": ["not", "a", "string"], "text": OTHER}),
        json.dumps({"id": "d", "text": 42}),
        json.dumps({"id": "e", "text": OTHER, "published": {"nested": True}}),
        "[" * 50_000,  # deeper than any parser's stack
        json.dumps({"id": "a", "text": TEXT}),  # the same record again
        json.dumps({"id": "a", "text": OTHER}),  # the same id, other text
        "\x00\x01garbage",
        "",
        json.dumps({"id": "f", "text": OTHER + " Again."}),
    ]
    path = write(tmp_path / "records.jsonl", "\n".join(lines))
    with abuse.bounded(seconds=20, megabytes=200):
        result = read_inputs([path, good])
    abuse.good_read(result, good)
    found = kinds(result)
    name = str(path)
    assert found[f"{name}:1"] == "article"
    assert found[f"{name}:2"].startswith("failure: line is not valid JSON")
    assert found[f"{name}:3"] == "failure: record is not an object (got array)"
    assert found[f"{name}:4"] == "failure: record is not an object (got array)"
    assert found[f"{name}:5"] == "failure: record is not an object (got null)"
    assert found[f"{name}:6"] == "failure: record is not an object (got string)"
    assert found[f"{name}:7"] == "failure: field 'title' must be a string, got array"
    assert found[f"{name}:8"] == "failure: field 'text' must be a string, got number"
    assert found[f"{name}:9"] == "article"  # an unreadable date is kept aside, not fatal
    assert "nested too deeply" in found[f"{name}:10"]
    assert found[f"{name}:11"].startswith("skip: same article as")
    assert found[f"{name}:12"].startswith("failure: duplicate id 'a'")
    assert found[f"{name}:13"].startswith("failure: line is not valid JSON")
    assert f"{name}:14" not in found  # a blank line is no record
    assert found[f"{name}:15"] == "article"


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"articles": ' + "[" * 2_000 + "]" * 2_000 + "}", "nested too deeply"),
        ("{", "not valid JSON"),
        ("42", "JSON must be an object or an array of objects, got number"),
        ('{"articles": "none"}', "field 'articles' must be an array, got string"),
        ("[]", None),
    ],
)
def test_bad_json_documents_fail_with_a_reason(
    tmp_path: Path, good: Path, document: str, reason: str | None, abuse: Any
) -> None:
    path = write(tmp_path / "doc.json", document)
    with abuse.bounded(seconds=20, megabytes=300):
        result = read_inputs([path, good])
    abuse.good_read(result, good)
    ((kind, _, why),) = abuse.accounted(result, path)
    if reason is None:
        assert kind == "skip"
    else:
        assert kind == "failure" and reason in why


def test_json_depth_scan_counts_brackets_outside_strings_only() -> None:
    from synopsis.readers.structured import MAX_JSON_DEPTH, json_depth_exceeds, load_json

    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    assert json_depth_exceeds(deep)
    assert not json_depth_exceeds("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    in_string = json.dumps({"text": "[" * 10_000 + '\\"{' * 500})
    assert not json_depth_exceeds(in_string)
    assert load_json(in_string)["text"].startswith("[[[")
    assert load_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}  # a UTF-8 byte-order mark
    assert load_json('{"a": 1}'.encode("utf-16")) == {"a": 1}


@pytest.mark.timeout(30)
def test_csv_with_embedded_newlines_and_ragged_rows(tmp_path: Path, good: Path, abuse: Any) -> None:
    content = (
        "id,title,text\n"
        f'a,"Two\nline title","{TEXT}\n\nSecond paragraph, with ""quotes""."\n'
        f'b,Ragged,"{OTHER}",extra,values\n'
        "c,Short\n"
        f'd,Unclosed,"{OTHER}\n'
    )
    path = write(tmp_path / "table.csv", content)
    with abuse.bounded(seconds=20, megabytes=200):
        result = read_inputs([path, good])
    abuse.good_read(result, good)
    found = kinds(result)
    name = str(path)
    assert found[f"{name}:2"] == "article"
    article = next(a for a in result.articles if a.source == f"{name}:2")
    assert article.title == "Two\nline title" and 'with "quotes"' in article.text
    # rows are named by the line they start on: the first ran over lines 2 to 5
    assert found[f"{name}:6"] == "article"
    extra = next(a for a in result.articles if a.source == f"{name}:6")
    assert extra.metadata["extra_values"] == ["extra", "values"]
    assert found[f"{name}:7"] == "failure: field 'text' is empty"
    assert found[f"{name}:8"] == "article"  # a quote left open runs to the end of the file
    assert set(found) - {str(good)} == {f"{name}:{n}" for n in (2, 6, 7, 8)}


@pytest.mark.timeout(30)
def test_csv_without_a_header_is_a_clear_failure_naming_the_file(
    tmp_path: Path, good: Path, abuse: Any
) -> None:
    """Finding 8: a headerless CSV lost its first row with an unclear message."""
    path = write(tmp_path / "noheader.csv", f'a,Harbour,"{TEXT}"\nb,Power,"{OTHER}"\n')
    result = read_inputs([path, good])
    abuse.good_read(result, good)
    ((kind, name, reason),) = abuse.accounted(result, path)
    assert (kind, name) == ("failure", str(path))
    assert reason.startswith("no header row: the first row ('a', 'Harbour', 'The harbour of")
    assert "a CSV file must start with a header such as 'id,title,text'" in reason


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("name", "feed", "expect"),
    [
        ("truncated.xml", '<?xml version="1.0"?><rss version="2.0"><channel><item><title>T', None),
        ("notxml.rss", "this is not a feed at all, just words", "failure"),
        (
            "empty-channel.xml",
            '<rss version="2.0"><channel><title>x</title></channel></rss>',
            "skip",
        ),
        (
            "entities.xml",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            + "".join(
                f'<!ENTITY {n} "' + f"&{p};" * 10 + '">'
                for p, n in zip("abcdef", "bcdefg", strict=True)
            )
            + ']><rss version="2.0"><channel><item><title>Bomb</title><description>&g;&g;&g;'
            "</description></item></channel></rss>",
            None,
        ),
        (
            "deep.atom",
            '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Deep</title><content>'
            + "<div>" * 20_000
            + "</content></entry></feed>",
            None,
        ),
    ],
)
def test_malformed_feeds_are_accounted_for(
    tmp_path: Path, good: Path, name: str, feed: str, expect: str | None, abuse: Any
) -> None:
    path = write(tmp_path / name, feed)
    with abuse.bounded(seconds=30, megabytes=400):
        result = read_inputs([path, good])
    abuse.good_read(result, good)
    found = abuse.accounted(result, path)
    if expect is not None:
        assert {kind for kind, _, _ in found} == {expect}
    for kind, _, _ in found:  # whatever a broken feed gives, it is said, never raised
        assert kind in {"article", "failure", "skip"}


@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    "markup",
    [
        "<div>" * 100_000 + "Deep text of the page, long enough to read." + "</div>" * 100_000,
        "<p>" + "<b><i>" * 50_000 + "Nested inline text of the page here." + "</i></b>" * 50_000,
        "<table>" + "<tr><td><table>" * 20_000 + "cell" + "</table></td></tr>" * 20_000,
        "<html><body><p>Unclosed " + "<span class='x" * 10_000,
        "<!--" + "comment " * 100_000,
        "<script>" + "var x = '<p>not text</p>';" * 20_000,
    ],
    ids=["divs", "inline", "tables", "unclosed-attrs", "open-comment", "script"],
)
def test_deeply_nested_and_broken_html_is_accounted_for(
    tmp_path: Path, good: Path, markup: str, abuse: Any
) -> None:
    path = write(tmp_path / "page.html", f"<html><head><title>Deep</title></head>{markup}")
    with abuse.bounded(seconds=60, megabytes=800):
        result = read_inputs([path, good])
    abuse.good_read(result, good)
    abuse.accounted(result, path)
