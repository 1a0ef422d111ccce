"""Faithfulness: on every news file beside the project and on the demo corpus, every
summary line, fact, quote, unique detail, figure and conflict value appears in the
source it cites.

Each file of ``../shared`` is either checked or named below with the reason it is
not news input. The large files are sampled (whole topics, whole events, a few
pages) to keep the suite fast; ``SYNOPSIS_FULL_FAITHFULNESS=1`` checks all of them.
"""

from __future__ import annotations

import gzip
import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from synopsis import Pipeline, Report
from synopsis.compare.entities import HEADLINE
from synopsis.embed import CachedEmbedder

FULL = os.environ.get("SYNOPSIS_FULL_FAITHFULNESS") == "1"
ECB_TOPICS = 2
NEUS_EVENTS = 8
AEB_PAGES = 6

NOT_NEWS = {
    "DESIGN.md": "project design notes",
    "data/README.md": "description of the data",
    "data/aeb/LICENSE": "licence text",
    "data/aeb/ground-truth.json": "the extraction benchmark's answers, not inputs",
    "data/msrp-train.jsonl": "sentence pairs for the same-claim scorer, not articles",
}
"""Files of ../shared that are not news inputs (``hooks/`` is tooling and not walked).

A file not named here and not read below is skipped with a warning: new data
in ``../shared`` never breaks the suite, and the warning says to decide how
to check it.
"""


def assert_faithful(report: Report) -> int:
    """Check every shown text against the source it cites; return how many were checked."""
    data = report.to_dict()
    articles = {a["id"]: a for a in data["articles"]}

    def sentence(article: str, index: int) -> str:
        record = articles[article]
        if index == HEADLINE:
            return str(record["title"] or "")
        return str(record["text"])

    def within(text: str, article: str, index: int | None = None) -> None:
        source = articles[article]["text"] if index is None else sentence(article, index)
        assert text and text in source, (text, article, index)

    checked = 0
    for story in data["stories"]:
        for line in [*story["summary"], *story["facts"], *story["unique"]]:
            assert line["article"] in line["citations"]
            within(line["text"], line["article"])
            for evidence in line["evidence"]:
                assert evidence["article"] in line["citations"]
                within(evidence["text"], evidence["article"])
            checked += 1
        for quote in story["quotes"]:
            for variant in quote["variants"]:
                assert variant["article"] in quote["citations"]
                for part in variant["parts"]:
                    within(part, variant["article"])
                checked += 1
        for figure in story["figures"]:
            for evidence in figure["evidence"]:
                assert evidence["article"] in figure["citations"]
                within(evidence["as_written"], evidence["article"])
                checked += 1
        for conflict in story["conflicts"]:
            for value in conflict["values"]:
                for evidence in value["evidence"]:
                    assert evidence["article"] in value["citations"]
                    source = sentence(evidence["article"], evidence["sentence"])
                    assert evidence["text"] and evidence["text"] in source
                    checked += 1
    return checked


def _sample_jsonl(source: Path, target: Path, keep: Any) -> Path:
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    target.write_text("\n".join(line for line in lines if keep(json.loads(line))) + "\n")
    return target


def _ecbplus(path: Path, folder: Path) -> list[Path]:
    topics: list[Any] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        topic = json.loads(line)["topic"]
        if topic not in topics:
            topics.append(topic)
    chosen = set(topics if FULL else topics[:ECB_TOPICS])
    return [_sample_jsonl(path, folder / "ecbplus.jsonl", lambda r: r["topic"] in chosen)]


def _neus(path: Path, folder: Path) -> list[Path]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not FULL and number >= NEUS_EVENTS:
            break
        event = json.loads(line)
        for n, article in enumerate(event["articles"]):
            rows.append(
                {"id": f"{event['event']}-{n}", "title": article["title"], "text": article["text"]}
            )
    target = folder / "neus.jsonl"
    target.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return [target]


def _aeb_pages(pages: list[Path], folder: Path) -> list[Path]:
    chosen = pages if FULL else pages[:AEB_PAGES]
    out = []
    for page in chosen:
        target = folder / page.name.removesuffix(".gz")
        target.write_bytes(gzip.decompress(page.read_bytes()))
        out.append(target)
    return out


def shared_inputs(shared: Path, folder: Path) -> dict[str, list[Path]]:
    """Every file of ``shared`` mapped to the inputs that stand for it (none: not news)."""
    inputs: dict[str, list[Path]] = {}
    aeb_pages = sorted((shared / "data" / "aeb" / "html").glob("*.html.gz"))
    for path in sorted(shared.rglob("*")):
        relative = path.relative_to(shared).as_posix()
        if not path.is_file() or relative.startswith("hooks/"):
            continue
        if relative in NOT_NEWS:
            inputs[relative] = []
        elif relative.startswith("seeds/") and path.suffix == ".txt":
            inputs[relative] = [path]
        elif relative == "data/ecbplus-dev.jsonl":
            inputs[relative] = _ecbplus(path, folder)
        elif relative == "data/neus-val.jsonl":
            inputs[relative] = _neus(path, folder)
        elif path in aeb_pages:
            inputs[relative] = []  # read below, as a batch of pages
        else:  # a file this test does not know yet must not break the suite
            warnings.warn(
                f"{relative}: new file in ../shared, not checked; decide how to check it",
                stacklevel=1,
            )
    inputs["data/aeb/html"] = _aeb_pages(aeb_pages, folder)
    return inputs


def test_demo_corpus_is_faithful(demo_report: Report) -> None:
    assert assert_faithful(demo_report) > 50


@pytest.mark.shared
def test_every_shared_file_is_faithful(
    shared: Path, tmp_path: Path, embedder: CachedEmbedder, seeds_report: Report
) -> None:
    inputs = shared_inputs(shared, tmp_path)
    seeds = [p for name, paths in inputs.items() if name.startswith("seeds/") for p in paths]
    assert len(seeds) == 5 and len(seeds_report.articles) == 5
    assert assert_faithful(seeds_report) > 20
    pipeline = Pipeline(embedder=embedder)
    batches = {
        "ecbplus": inputs["data/ecbplus-dev.jsonl"],
        "neus": inputs["data/neus-val.jsonl"],
        "aeb": inputs["data/aeb/html"],
    }
    for name, paths in batches.items():
        report = pipeline.run(paths)
        assert report.digests, name
        assert assert_faithful(report) > 0, name


def test_an_unknown_shared_file_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "README.md").write_text("about the data\n")
    (tmp_path / "data" / "new-pairs.jsonl").write_text('{"s1": "a", "s2": "b"}\n')
    with pytest.warns(UserWarning, match=r"data/new-pairs\.jsonl: new file in \.\./shared"):
        inputs = shared_inputs(tmp_path, tmp_path / "work")
    assert "data/new-pairs.jsonl" not in inputs
    assert inputs["data/README.md"] == []
