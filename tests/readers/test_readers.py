"""The readers stage: every format, every failure reason, ids, order."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from synopsis.config import ReadSettings
from synopsis.readers import (
    FORMATS,
    SUPPORTED_EXTENSIONS,
    Format,
    ReadResult,
    describe,
    format_for,
    iter_input_files,
    parse_published,
    read_inputs,
    suffixes,
)
from synopsis.readers import core as readers_core
from synopsis.readers import feed as feed_reader
from synopsis.readers import formats as formats_table
from synopsis.readers import html as html_reader
from synopsis.readers import warc as warc_reader
from synopsis.readers.text import split_title
from synopsis.records import Article, Failure, Skip, derived_article_id

LEAD = (
    "A powerful storm struck the northern coast on Friday, cutting power to thousands "
    "of homes and forcing the closure of several ports."
)
SECOND = (
    "Officials said emergency crews were working through the night to restore "
    "electricity, and warned residents to stay indoors until the winds eased."
)
THIRD = "The weather service expects the storm to weaken as it moves inland over the weekend."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def read_one(*items: Any, settings: ReadSettings | None = None) -> ReadResult:
    return read_inputs(list(items), settings)


def only_article(result: ReadResult) -> Article:
    assert result.failures == []
    assert result.skipped == []
    assert len(result.articles) == 1
    return result.articles[0]


# --- plain text and Markdown -------------------------------------------------


def test_txt_first_short_line_is_the_title(tmp_path: Path) -> None:
    path = write(tmp_path / "storm.txt", f"Storm hits coast\n\n{LEAD}\n\n{SECOND}\n")
    article = only_article(read_one(path))
    assert article.title == "Storm hits coast"
    assert article.text == f"{LEAD}\n\n{SECOND}"
    assert article.raw_text == article.text
    assert article.source == str(path)
    assert article.path == str(path)
    assert article.id == derived_article_id(article.text, None)
    assert article.language is None
    assert article.published is None
    assert article.metadata == {"encoding": "utf-8"}


def test_txt_first_line_long_sentence_is_not_a_title(tmp_path: Path) -> None:
    long_first = LEAD + " " + SECOND  # over 200 characters, two sentences
    assert len(long_first) > 200
    path = write(tmp_path / "long.txt", f"{long_first}\n\n{THIRD}\n")
    article = only_article(read_one(path))
    assert article.title is None
    assert article.text == f"{long_first}\n\n{THIRD}"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Storm hits coast\n\nBody text here.", "Storm hits coast"),
        ("Storm hits coast\nBody text right below.", "Storm hits coast"),
        ("Is the storm over?\n\nBody.", "Is the storm over?"),
        (
            "Reinholt the rescuer? Ostervik bet on him\n\nBody.",
            "Reinholt the rescuer? Ostervik bet on him",
        ),
        ("Mr. Smith and the U.S. vote\n\nBody.", "Mr. Smith and the U.S. vote"),
        ("It rained. Then it stopped.\n\nBody.", None),  # two sentences
        ("The storm hit the coast on Friday.\n\nBody.", None),  # ends like a sentence
        ("The minister said on Tuesday that\nthe budget would pass.", None),  # wrapped
        ("Only one line without a body", None),
        ("---\n\nBody text.", None),  # no word in it
    ],
)
def test_split_title(text: str, title: str | None) -> None:
    found, body = split_title(text)
    assert found == title
    assert body == (text.split("\n", 1)[1].strip() if title else text.strip())


def test_markdown_heading_is_the_title_and_body_is_kept_as_is(tmp_path: Path) -> None:
    body = f"{LEAD}\n\n- **Power:** cut to *thousands*\n- Ports: closed"
    path = write(tmp_path / "storm.md", f"\n# Storm hits coast\n\n{body}\n")
    article = only_article(read_one(path))
    assert article.title == "Storm hits coast"
    assert article.text == body


def test_markdown_underlined_heading(tmp_path: Path) -> None:
    path = write(tmp_path / "storm.md", f"Storm hits coast\n================\n\n{LEAD}\n")
    article = only_article(read_one(path))
    assert article.title == "Storm hits coast"
    assert article.text == LEAD


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    text = (
        "Café talks resume\n\n"
        "The owner of the café said “we are open again” on Monday, and customers "
        "were pleased with the crème brûlée — and the prices.\n"
    )
    path = write(tmp_path / "cafe.txt", text.encode("cp1252"))
    article = only_article(read_one(path))
    assert article.title == "Café talks resume"
    assert article.text == (
        "The owner of the café said “we are open again” on Monday, and customers "
        "were pleased with the crème brûlée — and the prices."
    )
    assert article.metadata["encoding"] == "cp1252"


def test_utf16_file_with_bom_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path / "u16.txt", f"Zürich vote\n\n{LEAD} – naïve.\n".encode("utf-16"))
    article = only_article(read_one(path))
    assert article.title == "Zürich vote"
    assert article.text == f"{LEAD} – naïve."
    assert article.metadata["encoding"] == "utf-16-le"


def test_utf8_bom_and_crlf_line_endings(tmp_path: Path) -> None:
    content = f"Storm hits coast\r\n\r\n{LEAD}\r\n\r\n{SECOND}\r\n"
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + content.encode("utf-8"))
    article = only_article(read_one(path))
    assert article.title == "Storm hits coast"
    assert article.text == f"{LEAD}\n\n{SECOND}"
    assert article.metadata["encoding"] == "utf-8-sig"


# --- JSON Lines, JSON, CSV ---------------------------------------------------


def test_jsonl_bad_lines_fail_and_good_lines_load(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "title": "First", "text": LEAD}),
        '{"id": "a2", "text": "unterminated',
        json.dumps({"id": "a3", "title": "No body"}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"id": "a6", "text": SECOND, "url": "https://example.org/6"}),
        json.dumps({"id": "a7", "text": 42}),
        json.dumps({"id": "a8", "text": "   "}),
    ]
    path = write(tmp_path / "corpus.jsonl", "\n".join(lines) + "\n")
    result = read_one(path)
    assert [a.id for a in result.articles] == ["a1", "a6"]
    assert [a.source for a in result.articles] == [f"{path}:1", f"{path}:6"]
    assert result.articles[1].url == "https://example.org/6"
    assert all(a.path == str(path) for a in result.articles)
    assert [f.input for f in result.failures] == [
        f"{path}:2",
        f"{path}:3",
        f"{path}:4",
        f"{path}:7",
        f"{path}:8",
    ]
    reasons = [f.reason for f in result.failures]
    assert reasons[0].startswith("line is not valid JSON: Unterminated string")
    assert reasons[1:] == [
        "missing field 'text'",
        "record is not an object (got array)",
        "field 'text' must be a string, got number",
        "field 'text' is empty",
    ]


def test_unknown_fields_are_kept_and_synonyms_recorded(tmp_path: Path) -> None:
    record = {
        "ID": 42,
        "body": LEAD,
        "source": "Daily Planet",
        "date": "2024-04-26T08:30:00+02:00",
        "author": "Lois Lane",
        "tags": ["storm", "coast"],
        "title": "",
    }
    path = write(tmp_path / "one.jsonl", json.dumps(record) + "\n")
    article = only_article(read_one(path))
    assert article.id == "42"
    assert article.text == LEAD
    assert article.outlet == "Daily Planet"
    assert article.title is None
    assert article.published == datetime(2024, 4, 26, 8, 30, tzinfo=timezone(timedelta(hours=2)))
    assert article.metadata == {
        "author": "Lois Lane",
        "tags": ["storm", "coast"],
        "field_sources": {"outlet": "source", "published": "date", "text": "body"},
        "encoding": "utf-8",
    }


def test_text_wins_over_its_synonyms_which_stay_in_metadata() -> None:
    result = read_one({"text": LEAD, "content": "<p>other</p>", "site": "S", "outlet": "O"})
    article = only_article(result)
    assert article.text == LEAD
    assert article.outlet == "O"
    assert article.metadata == {"content": "<p>other</p>", "site": "S"}


def test_csv_rows_become_articles(tmp_path: Path) -> None:
    content = (
        "id,title,outlet,published,url,text,section\n"
        f'c1,Storm hits coast,Daily Planet,2024-04-26,https://dp.example/1,"{LEAD}",weather\n'
        f'c2,Crews at work,The Sentinel,"Fri, 26 Apr 2024 09:00:00 GMT",,"{SECOND}\n\n{THIRD}",\n'
        "c3,No text,The Sentinel,,,,\n"
    )
    path = write(tmp_path / "articles.csv", content)
    result = read_one(path)
    assert [a.id for a in result.articles] == ["c1", "c2"]
    first, second = result.articles
    assert first.source == f"{path}:2"
    assert first.title == "Storm hits coast"
    assert first.outlet == "Daily Planet"
    assert first.url == "https://dp.example/1"
    assert first.published == datetime(2024, 4, 26, tzinfo=UTC)
    assert first.metadata == {"section": "weather", "encoding": "utf-8"}
    assert second.source == f"{path}:3"
    assert second.text == f"{SECOND}\n\n{THIRD}"
    assert second.url is None
    assert second.published == datetime(2024, 4, 26, 9, 0, tzinfo=UTC)
    assert result.failures == [Failure(f"{path}:6", "field 'text' is empty")]


def test_csv_in_cp1252_is_decoded(tmp_path: Path) -> None:
    text = "The café’s owner said “we are open” after the storm passed through the town."
    content = f'title,text\nCafé reopens,"{text}"\n'
    path = write(tmp_path / "latin.csv", content.encode("cp1252"))
    article = only_article(read_one(path))
    assert article.title == "Café reopens"
    assert article.text == text
    assert article.metadata["encoding"] == "cp1252"


def test_csv_with_header_only_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.csv", "id,title,text\n")
    result = read_one(path)
    assert result.articles == []
    assert result.skipped == [Skip(str(path), "no records in file")]


def test_json_list(tmp_path: Path) -> None:
    records = [
        {"id": "j1", "title": "One", "text": LEAD, "language": "en"},
        "not an object",
        {"id": "j3", "content": SECOND, "site": "Sentinel"},
    ]
    path = write(tmp_path / "list.json", json.dumps(records))
    result = read_one(path)
    assert [(a.id, a.source) for a in result.articles] == [
        ("j1", f"{path}:1"),
        ("j3", f"{path}:3"),
    ]
    assert result.articles[0].language == "en"
    assert result.articles[1].outlet == "Sentinel"
    assert result.failures == [Failure(f"{path}:2", "record is not an object (got string)")]


def test_json_articles_object_and_single_object(tmp_path: Path) -> None:
    wrapped = write(
        tmp_path / "wrapped.json", json.dumps({"generator": "x", "articles": [{"text": LEAD}]})
    )
    single = write(tmp_path / "single.json", json.dumps({"title": "Solo", "text": SECOND}))
    result = read_one(wrapped, single)
    assert result.failures == []
    assert [(a.source, a.text) for a in result.articles] == [
        (f"{wrapped}:1", LEAD),
        (str(single), SECOND),
    ]
    assert result.articles[1].title == "Solo"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"text": ', "not valid JSON: Expecting value (line 1, column 10)"),
        ("42", "JSON must be an object or an array of objects, got number"),
        ('{"articles": "none"}', "field 'articles' must be an array, got string"),
        ('{"title": "x"}', "missing field 'text'"),
    ],
)
def test_bad_json_files(tmp_path: Path, content: str, reason: str) -> None:
    path = write(tmp_path / "bad.json", content)
    result = read_one(path)
    assert result.articles == []
    assert result.failures == [Failure(str(path), reason)]


def test_empty_json_list_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "none.json", "[]")
    assert read_one(path).skipped == [Skip(str(path), "no records in file")]


# --- HTML --------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Storm hits coast | Daily Planet</title>
  <meta property="og:site_name" content="Daily Planet">
  <meta property="og:title" content="Storm hits coast">
  <link rel="canonical" href="https://dailyplanet.example/news/storm">
  <meta property="article:published_time" content="2024-04-26T08:30:00Z">
  <script>var tracking = "do not read me";</script>
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li></ul></nav>
  <article>
    <h1>Storm hits coast</h1>
    <p>{LEAD}</p>
    <p>{SECOND}</p>
    <p>{THIRD}</p>
  </article>
  <footer><p>© 2024 Daily Planet. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body>
</html>
"""


def test_html_page_gives_title_outlet_date_url_and_body(tmp_path: Path) -> None:
    path = write(tmp_path / "storm.html", PAGE)
    article = only_article(read_one(path))
    assert article.title == "Storm hits coast"
    assert article.outlet == "Daily Planet"
    assert article.published == datetime(2024, 4, 26, 8, 30, tzinfo=UTC)
    assert article.url == "https://dailyplanet.example/news/storm"
    assert article.language == "en"
    assert article.text == f"{LEAD}\n\n{SECOND}\n\n{THIRD}"
    assert article.id == derived_article_id(article.text, article.url)
    assert article.metadata["extractor"] == "trafilatura"
    assert article.metadata["encoding"] == "utf-8"


PUBLISHED_META = '<meta property="article:published_time" content="2024-04-26T08:30:00Z">'


def test_html_declared_date_wins_over_a_date_in_the_url(tmp_path: Path) -> None:
    dated_url = "https://dailyplanet.example/2024/04/25/storm"
    path = write(
        tmp_path / "storm.html", PAGE.replace("https://dailyplanet.example/news/storm", dated_url)
    )
    article = only_article(read_one(path))
    assert article.url == dated_url
    assert article.published == datetime(2024, 4, 26, 8, 30, tzinfo=UTC)


def test_html_date_from_json_ld(tmp_path: Path) -> None:
    json_ld = (
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "2024-04-26T10:30:00+02:00"}</script>'
    )
    path = write(tmp_path / "storm.html", PAGE.replace(PUBLISHED_META, json_ld))
    article = only_article(read_one(path))
    assert article.published == datetime(2024, 4, 26, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    assert article.published.utcoffset() == timedelta(hours=2)


def test_html_falls_back_to_paragraphs_when_extraction_gives_little(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_reader.trafilatura, "bare_extraction", lambda *a, **k: None)
    path = write(tmp_path / "storm.htm", PAGE)
    article = only_article(read_one(path))
    assert article.metadata["extractor"] == "paragraphs"
    assert article.text == (
        f"{LEAD}\n\n{SECOND}\n\n{THIRD}\n\n© 2024 Daily Planet. All rights reserved."
    )
    assert article.title == "Storm hits coast"  # metadata is still read
    assert article.url == "https://dailyplanet.example/news/storm"


def test_html_in_declared_cp1252(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Café</title></head><body><p>The café’s owner said “we are open” as the storm "
        "passed through the town on Friday night.</p></body></html>"
    )
    path = write(tmp_path / "cafe.html", page.encode("cp1252"))
    article = only_article(read_one(path))
    assert "The café’s owner said “we are open”" in article.text
    assert article.metadata["encoding"] == "cp1252"


def test_html_without_text_fails(tmp_path: Path) -> None:
    path = write(
        tmp_path / "empty.html",
        "<html><head><title>Nothing</title><script>var x = 1;</script></head><body></body></html>",
    )
    result = read_one(path)
    assert result.failures == [Failure(str(path), "no article text found in HTML")]


# --- feeds and web archives --------------------------------------------------

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Example News</title>
  <link>https://news.example/</link>
  <language>en-gb</language>
  <item>
    <title>Storm hits coast</title>
    <link>https://news.example/storm</link>
    <guid>news-1</guid>
    <pubDate>Fri, 26 Apr 2024 08:30:00 GMT</pubDate>
    <description>&lt;p&gt;{LEAD}&lt;/p&gt;&lt;p&gt;{SECOND}&lt;/p&gt;</description>
  </item>
  <item>
    <title>Storm weakens</title>
    <link>https://news.example/weakens</link>
    <pubDate>Sat, 27 Apr 2024 10:00:00 +0200</pubDate>
    <description>{THIRD}</description>
  </item>
</channel>
</rss>
"""


def test_rss_feed_entries_become_articles(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.rss", RSS)
    result = read_one(path)
    assert result.failures == []
    first, second = result.articles
    assert (first.source, second.source) == (f"{path}:1", f"{path}:2")
    assert first.title == "Storm hits coast"
    assert first.url == "https://news.example/storm"
    assert first.outlet == "Example News"
    assert first.language == "en-gb"
    assert first.published == datetime(2024, 4, 26, 8, 30, tzinfo=UTC)
    assert first.text == f"{LEAD}\n\n{SECOND}"
    assert first.metadata["guid"] == "news-1"
    assert second.title == "Storm weakens"
    assert second.text == THIRD
    assert second.published == datetime(2024, 4, 27, 8, 0, tzinfo=UTC)


ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Le Journal</title>
  <id>urn:uuid:feed</id>
  <updated>2024-04-26T18:30:02Z</updated>
  <entry>
    <title>Tempête sur la côte</title>
    <link href="https://journal.example/tempete"/>
    <id>urn:uuid:entry-1</id>
    <updated>2024-04-26T18:30:02+02:00</updated>
    <summary>Résumé court.</summary>
    <content type="html">&lt;p&gt;{LEAD}&lt;/p&gt;
      &lt;ul&gt;&lt;li&gt;Ports closed&lt;/li&gt;&lt;/ul&gt;</content>
  </entry>
  <entry><title>Empty</title><id>urn:uuid:entry-2</id></entry>
</feed>
"""


def test_atom_feed_prefers_content_and_fails_empty_entries(tmp_path: Path) -> None:
    path = write(tmp_path / "journal.atom", ATOM)
    result = read_one(path)
    article = only_article(ReadResult(result.articles, [], []))
    assert article.text == f"{LEAD}\n\nPorts closed"
    assert (article.title, article.outlet, article.language) == (
        "Tempête sur la côte",
        "Le Journal",
        "fr",
    )
    assert article.published == datetime(2024, 4, 26, 16, 30, 2, tzinfo=UTC)
    assert result.failures == [Failure(f"{path}:2", "no text")]


def test_xml_that_is_not_a_feed_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.xml", "this is not xml at all, just words")
    result = read_one(path)
    assert len(result.failures) == 1
    assert result.failures[0].input == str(path)
    assert result.failures[0].reason.startswith("not an RSS or Atom feed")


def test_missing_feedparser_is_a_clear_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_reader, "_import_feedparser", lambda: None)
    path = write(tmp_path / "feed.rss", RSS)
    result = read_one(path)
    assert result.failures == [
        Failure(
            str(path),
            "reading feeds needs the 'feedparser' package, which is not installed "
            "(pip install feedparser)",
        )
    ]


def write_warc(path: Path) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def response(
        writer: WARCWriter, url: str, body: bytes, content_type: str, status: str = "200 OK"
    ) -> None:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-04-27T12:00:00Z"},
        )
        writer.write_record(record)

    undated = PAGE.replace(PUBLISHED_META, "")
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        request = writer.create_warc_record(
            "https://dailyplanet.example/news/storm",
            "request",
            payload=BytesIO(b"GET /news/storm HTTP/1.1\r\nHost: dailyplanet.example\r\n\r\n"),
        )
        writer.write_record(request)
        response(
            writer,
            "https://dailyplanet.example/news/storm?ref=rss",
            undated.encode("utf-8"),
            "text/html; charset=utf-8",
        )
        response(writer, "https://dailyplanet.example/logo.png", b"\x89PNG\r\n", "image/png")
        response(
            writer,
            "https://dailyplanet.example/gone",
            b"<html><body><p>Not found</p></body></html>",
            "text/html",
            status="404 Not Found",
        )
    return path


def test_warc_html_responses_become_articles(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc.gz")
    result = read_one(path)
    assert result.failures == []
    assert result.skipped == [Skip(f"{path}:4", "HTTP status 404")]
    article = only_article(ReadResult(result.articles, [], []))
    assert article.source == f"{path}:2"
    assert article.url == "https://dailyplanet.example/news/storm?ref=rss"
    assert article.title == "Storm hits coast"
    assert article.outlet == "Daily Planet"
    assert article.text == f"{LEAD}\n\n{SECOND}\n\n{THIRD}"
    assert article.published == datetime(2024, 4, 27, 12, 0, tzinfo=UTC)  # the WARC-Date
    assert article.metadata["warc_date"] == "2024-04-27T12:00:00Z"


def test_damaged_warc_and_missing_warcio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "bad.warc", b"garbage data, not an archive\n\n")
    result = read_one(path)
    assert len(result.failures) == 1
    assert result.failures[0].reason.startswith("not a valid WARC file: ")
    monkeypatch.setattr(warc_reader, "_import_archive_iterator", lambda: None)
    result = read_one(path)
    assert result.failures == [
        Failure(
            str(path),
            "reading WARC files needs the 'warcio' package, which is not installed "
            "(pip install warcio)",
        )
    ]


# --- folders, file failures, order -------------------------------------------


def test_folder_recursion_sorted_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.txt", f"Bee\n\n{SECOND}")
    write(root / "a.md", f"# Ay\n\n{LEAD}")
    write(root / "sub" / "c.jsonl", json.dumps({"text": THIRD}) + "\n")
    write(root / ".hidden.txt", f"Hidden\n\n{LEAD} hidden")
    write(root / ".git" / "d.txt", f"Git\n\n{LEAD} git")
    write(root / "notes.pdf", b"%PDF-1.4")
    files = iter_input_files([root, tmp_path / "explicit.pdf"])
    assert files == [
        root / "a.md",
        root / "b.txt",
        root / "sub" / "c.jsonl",
        tmp_path / "explicit.pdf",  # named explicitly: reading it reports the format
    ]
    result = read_one(root)
    assert [a.source for a in result.articles] == [
        str(root / "a.md"),
        str(root / "b.txt"),
        f"{root / 'sub' / 'c.jsonl'}:1",
    ]
    assert [a.title for a in result.articles] == ["Ay", "Bee", None]
    assert result.failures == []


def test_empty_folder_is_a_failure(tmp_path: Path) -> None:
    folder = tmp_path / "nothing"
    write(folder / "image.png", b"\x89PNG")
    assert read_one(folder).failures == [Failure(str(folder), "no supported files in folder")]


def test_bad_files_fail_with_reasons_and_good_ones_load(tmp_path: Path) -> None:
    good1 = write(tmp_path / "good1.txt", f"Storm\n\n{LEAD}")
    empty = write(tmp_path / "empty.txt", b"")
    blank = write(tmp_path / "blank.md", "  \n\t\n  ")
    binary = write(tmp_path / "binary.txt", b"\x00\x01\x02PK\x03\x04" * 50)
    controls = write(tmp_path / "controls.csv", bytes(range(1, 32)) * 20)
    short = write(tmp_path / "short.txt", "Too short.")
    odd = write(tmp_path / "data.xyz", "some text")
    missing = tmp_path / "missing.txt"
    good2 = write(tmp_path / "good2.txt", f"Crews\n\n{SECOND}")
    result = read_one(good1, empty, blank, binary, controls, short, odd, missing, good2)
    assert [a.source for a in result.articles] == [str(good1), str(good2)]
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    assert result.failures == [
        Failure(str(empty), "empty file"),
        Failure(str(blank), "no text"),
        Failure(str(binary), "binary file, not text"),
        Failure(str(controls), "binary file, not text"),
        Failure(str(short), "text too short (10 characters)"),
        Failure(str(odd), f"unsupported format '.xyz' (supported: {supported})"),
        Failure(str(missing), "file not found"),
    ]
    assert ".warc.gz" in supported


def test_file_over_the_size_limit_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", "word " * 100)
    result = read_one(path, settings=ReadSettings(max_file_bytes=100))
    assert result.failures == [Failure(str(path), "file too large (500 bytes; the limit is 100)")]


def test_min_text_chars_setting(tmp_path: Path) -> None:
    path = write(tmp_path / "mid.txt", "Fifty characters of text, give or take a few more.")
    assert read_one(path).articles != []
    result = read_one(path, settings=ReadSettings(min_text_chars=100))
    assert result.failures == [Failure(str(path), "text too short (50 characters)")]


def test_unreadable_file_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.txt", f"Locked\n\n{LEAD}")
    other = write(tmp_path / "open.txt", f"Open\n\n{SECOND}")
    real_open = os.open

    def guarded_open(name: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(name) == path:  # as if chmod 000, which root would ignore
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    result = read_one(path, other)
    assert result.failures == [Failure(str(path), "permission denied")]
    assert [a.title for a in result.articles] == ["Open"]


def test_explicit_paths_keep_input_order_and_progress_names(tmp_path: Path) -> None:
    second = write(tmp_path / "z.txt", f"Zed\n\n{SECOND}")
    first = write(tmp_path / "a.txt", f"Ay\n\n{LEAD}")
    seen: list[str] = []
    result = read_inputs([second, {"text": THIRD}, str(first)], on_progress=seen.append)
    assert [a.source for a in result.articles] == [str(second), "<item 1>", str(first)]
    assert seen == [str(second), "<item 1>", str(first)]


# --- ids and duplicates ------------------------------------------------------


def test_same_id_same_content_is_skipped_different_content_fails() -> None:
    result = read_inputs(
        [
            {"id": "x", "text": LEAD},
            {"id": "x", "text": "  " + LEAD.upper() + "\n"},  # same normalised content
            {"id": "x", "text": SECOND},
            {"id": "y", "text": SECOND},
        ]
    )
    assert [a.id for a in result.articles] == ["x", "y"]
    assert result.skipped == [Skip("<item 1>", "same article as <item 0>")]
    assert result.failures == [Failure("<item 2>", "duplicate id 'x' (also used by <item 0>)")]


def test_identical_files_without_ids_are_skipped(tmp_path: Path) -> None:
    one = write(tmp_path / "one.txt", f"Storm\n\n{LEAD}")
    two = write(tmp_path / "two.txt", f"Storm\n\n{LEAD}")
    result = read_one(one, two)
    assert [a.source for a in result.articles] == [str(one)]
    assert result.skipped == [Skip(str(two), f"same article as {one}")]


# --- dict items and dates ----------------------------------------------------


def test_dict_items() -> None:
    result = read_inputs(
        [
            {
                "id": "d1",
                "title": " Storm ",
                "url": "https://x.example/1",
                "published": datetime(2024, 4, 26, 8, 30),
                "text": LEAD,
            },
            {"text": SECOND, "published": "sometime last week", "language": "en"},
            {"text": THIRD, "published": date(2024, 4, 28)},
            {"title": ["not", "a", "string"], "text": THIRD},
            {"text": "short"},
        ]
    )
    first, second, third = result.articles
    assert (first.id, first.title, first.source, first.path) == ("d1", "Storm", "<item 0>", None)
    assert first.published == datetime(2024, 4, 26, 8, 30, tzinfo=UTC)
    assert second.id == derived_article_id(SECOND, None)
    assert second.published is None
    assert second.metadata == {"published_raw": "sometime last week"}
    assert second.language == "en"
    assert third.published == datetime(2024, 4, 28, tzinfo=UTC)
    assert result.failures == [
        Failure("<item 3>", "field 'title' must be a string, got array"),
        Failure("<item 4>", "text too short (5 characters)"),
    ]


def test_items_of_the_wrong_type_are_a_programmer_error() -> None:
    with pytest.raises(TypeError, match="got int at position 1"):
        read_inputs([{"text": LEAD}, 42])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-04-26", datetime(2024, 4, 26, tzinfo=UTC)),
        ("2024-04-26T08:30:00Z", datetime(2024, 4, 26, 8, 30, tzinfo=UTC)),
        ("2024-04-26 08:30", datetime(2024, 4, 26, 8, 30, tzinfo=UTC)),
        (
            "2024-04-26T10:30:00+02:00",
            datetime(2024, 4, 26, 10, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("Fri, 26 Apr 2024 08:30:00 GMT", datetime(2024, 4, 26, 8, 30, tzinfo=UTC)),
        ("April 26, 2024", datetime(2024, 4, 26, tzinfo=UTC)),
        ("26 April 2024", datetime(2024, 4, 26, tzinfo=UTC)),
        ("26.04.2024", datetime(2024, 4, 26, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
    ],
)
def test_parse_published(raw: str, expected: datetime | None) -> None:
    parsed = parse_published(raw)
    assert parsed == expected
    if parsed is not None and expected is not None:
        assert parsed.utcoffset() == expected.utcoffset()


def test_warc_size_limit_applies_per_record_not_per_file(tmp_path: Path) -> None:
    import random

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = write_warc(tmp_path / "crawl.warc.gz")
    noise = random.Random(3).randbytes(200_000)  # incompressible: makes the file large
    with path.open("ab") as handle:  # WARC files may be concatenated
        headers = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(
            writer.create_warc_record(
                "https://dailyplanet.example/photo.jpg",
                "response",
                payload=BytesIO(noise),
                http_headers=headers,
            )
        )
    limit = 100_000
    assert path.stat().st_size > limit > len(PAGE.encode("utf-8"))
    roomy = read_inputs([path], ReadSettings(max_file_bytes=limit))
    assert len(roomy.articles) == 1 and not roomy.failures  # a file over the limit still streams
    tight = read_inputs([path], ReadSettings(max_file_bytes=50))
    assert tight.failures and all("record too large" in f.reason for f in tight.failures)
    assert all(f.input.startswith(str(path) + ":") for f in tight.failures)


# --- the format table --------------------------------------------------------


def test_format_table_is_one_row_per_reader_with_distinct_lower_case_suffixes() -> None:
    assert all(isinstance(fmt, Format) for fmt in FORMATS)
    names = [fmt.name for fmt in FORMATS]
    assert names == ["txt", "md", "html", "jsonl", "json", "csv", "rss", "warc"]
    table = [suffix for fmt in FORMATS for suffix in fmt.suffixes]
    assert len(table) == len(set(table)) and all(s == s.lower() for s in table)
    assert suffixes() == tuple(table) == SUPPORTED_EXTENSIONS
    assert all(fmt.description for fmt in FORMATS)
    assert [fmt.name for fmt in FORMATS if fmt.binary] == ["warc"]
    binary = formats_table.BINARY_SUFFIXES
    assert binary == {".warc", ".warc.gz"}
    assert describe() == "txt, md, html, jsonl, json, csv, rss, warc"
    assert describe(verbose=True).splitlines()[-1].startswith("warc (.warc, .warc.gz): ")


def test_format_for_matches_suffixes_case_insensitively_longest_first() -> None:
    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            assert format_for(f"corpus/story{suffix}") is fmt
            assert format_for(Path(f"STORY{suffix.upper()}")) is fmt
            assert formats_table.suffix_of(f"a{suffix.upper()}") == suffix
    assert formats_table.suffix_of("crawl.WARC.GZ") == ".warc.gz"
    assert format_for("archive.gz") is None and format_for("notes") is None
    assert format_for(".txt") is None  # only a suffix, no name
    assert format_for("folder.txt/readme") is None  # the file name, not a folder, counts


def test_every_suffix_in_the_table_dispatches_to_its_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The table is the dispatch: every suffix maps to its row's reader.
    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            assert readers_core.READERS[suffix] is fmt.reader
    # And reading a file goes through that mapping (or streams, for web archives).
    called: list[tuple[str, str]] = []

    def recorder(fmt_name: str) -> formats_table.Reader:
        def read(data: bytes, source: str, path: str) -> list[Failure]:
            called.append((fmt_name, source))
            return [Failure(source, f"read as {fmt_name}")]

        return read

    fakes = {s: recorder(fmt.name) for fmt in FORMATS for s in fmt.suffixes}
    monkeypatch.setattr(readers_core, "READERS", fakes)
    monkeypatch.setattr(
        readers_core, "read_warc_file", lambda path, name, limit: iter([Failure(name, "streamed")])
    )
    expected: list[Failure] = []
    paths: list[Path] = []
    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            path = write(tmp_path / f"input{suffix.upper()}", "Some words of text.")
            paths.append(path)
            reason = "streamed" if fmt.binary else f"read as {fmt.name}"
            expected.append(Failure(str(path), reason))
    assert read_inputs(paths).failures == expected
    assert [name for name, _ in called] == [
        fmt.name for fmt in FORMATS if not fmt.binary for _ in fmt.suffixes
    ]


def test_upload_accepts_exactly_the_table_suffixes() -> None:
    from synopsis.web import uploads
    from synopsis.web.routers import pages

    assert sorted(uploads.READERS) == sorted(suffixes())
    assert pages.READERS is formats_table.READERS  # the upload page lists the same
    assert uploads.BINARY_SUFFIXES is formats_table.BINARY_SUFFIXES
    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            assert uploads.file_format(f"story{suffix.upper()}") == suffix
    upload = uploads.Upload()
    uploads.items_from_file("story.exe", b"not an article", upload, max_articles=10)
    known = ", ".join(sorted(suffixes()))
    assert upload.failures == [
        Failure("upload:story.exe", f"unsupported file type (use one of {known})")
    ]


def test_cli_digest_help_names_every_format() -> None:
    from typer.testing import CliRunner

    from synopsis.cli import app

    result = CliRunner().invoke(app, ["digest", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.replace("│", " ").split())
    assert f"Files or folders of articles ({describe()}), or http(s) URLs" in text
    listed = text.split("Files or folders of articles (", 1)[1].split(")", 1)[0]
    assert listed.split(", ") == [fmt.name for fmt in FORMATS]
