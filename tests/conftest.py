"""Shared fixtures: the packaged encoder, the demo corpus report, ../shared when present.

A test that uses the real encoder (directly or through a report built with
it) is marked ``slow`` here, so ``pytest -m "not slow"`` is the fast tier.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from synopsis import Pipeline, Report
from synopsis.embed import CachedEmbedder, UseEmbedder

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ENCODER_FIXTURES = frozenset({"embedder", "demo_report", "seeds_report"})
"""Fixtures that load the packaged encoder: a test using one is slow."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if ENCODER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def embedder() -> CachedEmbedder:
    """The default multilingual encoder, loaded once for the whole session."""
    return CachedEmbedder(UseEmbedder(threads=2))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The evaluation data beside the project; tests using it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared evaluation data at {SHARED} (absent in a fresh clone)")
    return SHARED


@pytest.fixture(scope="session")
def seeds(shared: Path) -> list[Path]:
    paths = sorted((shared / "seeds").glob("*.txt"))
    if len(paths) != 5:
        pytest.skip(f"expected five seed files in {shared / 'seeds'}, found {len(paths)}")
    return paths


@pytest.fixture(scope="session")
def demo_report(embedder: CachedEmbedder) -> Report:
    """The report of the demo corpus, computed once."""
    from synopsis.demo import corpus_path

    return Pipeline(embedder=embedder).run([corpus_path()])


@pytest.fixture(scope="session")
def seeds_report(seeds: list[Path], embedder: CachedEmbedder) -> Report:
    return Pipeline(embedder=embedder).run(seeds)
