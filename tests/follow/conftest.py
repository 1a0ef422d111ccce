"""Fixtures of the follow tests: a news site on loopback and an archive that fetches from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from site_fixture import NewsSite, open_archive

from local_http import LocalServer
from synopsis.archive import Archive


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def site(server: LocalServer) -> NewsSite:
    return NewsSite(server)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with open_archive(tmp_path / "news.db") as opened:
        yield opened
