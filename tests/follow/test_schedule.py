"""Poll intervals and feed lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from synopsis.errors import InputError
from synopsis.follow import parse_interval, read_feed_list


def test_intervals_read_units_and_refuse_the_rest() -> None:
    assert parse_interval("90s") == 90
    assert parse_interval("15m") == 900
    assert parse_interval("1h30m") == 5400
    assert parse_interval("2d") == 172_800
    assert parse_interval(" 45 ") == 45
    assert parse_interval("0.5h") == 1800
    for bad in ("", "soon", "15x", "0m", "15m later", "-5m"):
        with pytest.raises(ValueError, match="interval"):
            parse_interval(bad)


def test_a_feed_list_keeps_urls_and_names_the_bad_line(tmp_path: Path) -> None:
    listed = tmp_path / "feeds.txt"
    listed.write_text(
        "# world news\n"
        "https://a.example/rss.xml\n"
        "\n"
        "http://b.example/atom#top   # the fragment stays, the comment goes\n",
        encoding="utf-8",
    )
    assert read_feed_list(listed) == ["https://a.example/rss.xml", "http://b.example/atom#top"]
    listed.write_text("https://a.example/rss.xml\nftp://c.example/feed\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_feed_list(listed)
    assert info.value.input == f"{listed}:2"
    with pytest.raises(InputError, match="cannot read"):
        read_feed_list(tmp_path / "missing.txt")
