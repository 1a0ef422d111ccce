"""Fixtures of the fetch tests: a loopback HTTP server (see ``tests/local_http.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local_http import LocalServer


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running
