"""The web's feed list: the API and the page show each feed's health; writes need the token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from synopsis.archive import Archive
from synopsis.config import Settings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.records import FetchFailure
from synopsis.store import SQLiteStore
from synopsis.web import create_app

TOKEN = "feeds-token"
FEED = "https://news.example/rss.xml"
WHEN = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(SQLiteStore(tmp_path / "web.db"), Settings(), HashedWordsEmbedder(16)) as opened:
        yield opened


@pytest.fixture
def client(archive: Archive) -> TestClient:
    app = create_app(archive.settings, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})
    return TestClient(app, client=("127.0.0.1", 50000))


def test_the_feed_list_shows_polls_errors_and_failed_pages(
    archive: Archive, client: TestClient
) -> None:
    store = archive.store
    store.add_feed(FEED)
    store.save_feed(
        replace(
            store.get_feed(FEED),
            title="Example <News>",
            last_polled=WHEN,
            next_poll=WHEN,
            last_status="failed",
            last_error="https://news.example/rss.xml: HTTP 500",
            errors=2,
            polls=5,
            articles=12,
            last_new=0,
        )
    )
    store.record_fetch_failure(FetchFailure("https://news.example/a.html", "timed out", WHEN, FEED))
    (feed,) = client.get("/api/feeds").json()
    assert feed["url"] == FEED and feed["errors"] == 2 and not feed["healthy"]
    assert feed["articles"] == 12 and feed["failures"][0]["reason"] == "timed out"
    page = client.get("/feeds").text
    assert "Example &lt;News&gt;" in page and "HTTP 500" in page
    assert "1 pages not fetched" in page and "timed out" in page
    assert 'href="/feeds"' in client.get("/feeds").text  # in the site's navigation


def test_following_and_dropping_a_feed_need_the_token(client: TestClient) -> None:
    assert client.post("/api/feeds", json={"url": FEED}).status_code == 401
    wrong = {"Authorization": "Bearer x"}
    assert client.post("/api/feeds", json={"url": FEED}, headers=wrong).status_code == 401
    created = client.post("/api/feeds", json={"url": FEED}, headers=AUTH)
    assert created.status_code == 201 and created.json()["last_status"] is None
    assert client.post("/api/feeds", json={"url": FEED}, headers=AUTH).status_code == 200
    refused = client.post("/api/feeds", json={"url": "ftp://news.example/feed"}, headers=AUTH)
    assert refused.status_code == 422
    assert [f["url"] for f in client.get("/api/feeds").json()] == [FEED]
    assert client.delete("/api/feeds", params={"url": FEED}).status_code == 401
    assert client.delete("/api/feeds", params={"url": FEED}, headers=AUTH).status_code == 204
    assert client.delete("/api/feeds", params={"url": FEED}, headers=AUTH).status_code == 404
    assert client.get("/api/feeds").json() == []
    assert "No feeds are followed" in client.get("/feeds").text


def test_feeds_are_read_only_for_other_hosts_unless_public(archive: Archive) -> None:
    app = create_app(archive.settings, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})
    remote = TestClient(app, client=("203.0.113.9", 50000))
    assert remote.get("/api/feeds").status_code == 403
    assert remote.get("/feeds").status_code == 403
