"""Fixtures of the follow tests: a news site on loopback and an archive that fetches from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from site_fixture import NewsSite

from local_http import LocalServer, loopback_settings
from synopsis.archive import Archive
from synopsis.config import FollowSettings, Settings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.fetch import Fetcher


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def site(server: LocalServer) -> NewsSite:
    return NewsSite(server)


def open_archive(path: Path, **fetch: object) -> Archive:
    settings = Settings(follow=FollowSettings(every=60.0, batch=2))
    fetcher = Fetcher(loopback_settings(robots=True, retries=1, **fetch))
    return Archive.open(path, settings, embedder=HashedWordsEmbedder(64), fetcher=fetcher)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with open_archive(tmp_path / "news.db") as opened:
        yield opened
