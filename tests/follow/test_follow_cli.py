"""The command line on URLs and feeds: ingest and digest a URL, follow, feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from site_fixture import NewsSite
from typer.testing import CliRunner

from local_http import LocalServer
from synopsis.cli import app
from synopsis.embed.testing import HashedWordsEmbedder


@pytest.fixture(autouse=True)
def quick_encoder_and_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hashed-words encoder (no model to load) and fetching from loopback allowed."""
    import synopsis.archive
    import synopsis.pipeline.batch

    for module in (synopsis.archive, synopsis.pipeline.batch):
        monkeypatch.setattr(module, "load_embedder", lambda settings=None: HashedWordsEmbedder(64))
    monkeypatch.setenv("SYNOPSIS_FETCH__ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("SYNOPSIS_FETCH__BACKOFF", "0.01")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_and_digest_read_article_urls_and_feeds(site: NewsSite, tmp_path: Path) -> None:
    first, second, third = site.add(3)
    db = str(tmp_path / "news.db")
    code, _, err = run("ingest", site.url(first), "--db", db, "-q")
    assert code == 0, err
    assert "1 added" in err
    code, _, err = run("ingest", site.feed_url, "--db", db, "-q")
    assert code == 0, err
    assert "2 added" in err and "1 skipped" in err  # the page stored before is not fetched again
    assert "already stored" in err
    code, out, err = run("digest", site.feed_url, "-f", "json", "-q")
    assert code == 0, err
    report = json.loads(out)
    assert {a["url"] for a in report["articles"]} == {site.url(e) for e in (first, second, third)}
    code, _, err = run("digest", site.server.url("/missing.html"), "-q")
    assert code == 1 and "HTTP 404" in err


def test_follow_polls_lists_and_drops_feeds(
    site: NewsSite, server: LocalServer, tmp_path: Path
) -> None:
    site.add(2)
    db = str(tmp_path / "news.db")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# loopback\n{site.feed_url}\n", encoding="utf-8")
    code, _, err = run("follow", str(feeds), "--db", db, "--once", "--every", "10m")
    assert code == 0, err
    assert f"following {site.feed_url}" in err
    assert "1 feeds polled (0 not modified, 0 failed); 2 new articles" in err
    code, _, err = run("follow", "--db", db, "--once")  # the store's feeds; none is due
    assert code == 0 and "no feed due" in err
    code, out, _ = run("feeds", "--db", db, "-f", "json")
    (feed,) = json.loads(out)
    assert feed["url"] == site.feed_url and feed["articles"] == 2 and feed["healthy"]
    code, out, _ = run("feeds", "--db", db)
    assert code == 0 and " ok " in out
    cells = "".join(line.split("│")[1].strip() for line in out.splitlines() if "│" in line)
    assert site.feed_url in cells  # wrapped across lines, never cut
    code, _, err = run("feeds", "--db", db, "--remove", site.feed_url)
    assert code == 0 and "no longer following" in err
    code, _, err = run("follow", "--db", db, "--once")
    assert code == 2 and "no feeds to follow" in err
    assert server.hits("/feed.xml") == 1


def test_follow_refuses_a_bad_interval_and_a_bad_list(tmp_path: Path) -> None:
    code, _, err = run(
        "follow", "https://a.example/rss", "--db", str(tmp_path / "x.db"), "--every", "soon"
    )
    assert code == 2 and "--every" in err
    listed = tmp_path / "feeds.txt"
    listed.write_text("not a url\n", encoding="utf-8")
    code, _, err = run("follow", str(listed), "--db", str(tmp_path / "x.db"))
    assert code == 2 and "feeds.txt:1" in err
