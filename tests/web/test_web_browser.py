"""The web UI in a real browser: Playwright driving Debian's Chromium.

Playwright cannot download its own browser here, so these tests use the
``chromium`` package's executable (``.ci/run`` installs it) and skip, saying
why, when it is absent. One browser and one server serve the whole module.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from synopsis.archive import Archive
from synopsis.config import Settings
from synopsis.demo import corpus_path
from synopsis.embed import Embedder
from synopsis.store import SQLiteStore
from synopsis.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TOKEN = "browser-token"

XSS = {
    "id": "xss-browser",
    "title": '<script>window.__xss="title"</script><img src=x onerror="window.__xss=1">Ferry',
    "outlet": '<img src=x onerror="window.__xss=2">Evil<script>window.__xss=3</script>',
    "url": "javascript:window.__xss=4",
    "published": "2026-03-14T10:00:00+00:00",
    "text": (
        "The ferry Aurelia Star capsized in Halvik Sound off Marrendal and 14 people died. "
        '<script>window.__xss="text"</script> Rescuers said nine people are still missing. '
        '<img src=x onerror="window.__xss=5"> Divers searched the wreck on Saturday morning. '
        "javascript:window.__xss=6 The government promised an inquiry into the disaster."
    ),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Archive]:
    path = tmp_path_factory.mktemp("browser") / "web.db"
    with Archive(SQLiteStore(path), Settings(), embedder) as opened:
        opened.ingest([str(corpus_path())])
        opened.ingest([XSS])
        yield opened


@pytest.fixture(scope="module")
def server(archive: Archive, browser: Any) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a background thread."""
    app = create_app(archive.settings, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


class Watch:
    """A page with its dialogs and page errors recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def no_script_ran(self) -> None:
        assert self.page.evaluate("typeof window.__xss") == "undefined"
        assert self.dialogs == []
        assert self.errors == []


@pytest.fixture
def watch(browser: Any) -> Iterator[Watch]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Watch(page)
    context.close()


def _story(archive: Archive, article_id: str) -> str:
    story = archive.store.story_of(article_id)
    assert story is not None
    return story


def test_citation_reveals_the_source_sentence(server: str, archive: Archive, watch: Watch) -> None:
    ferry = _story(archive, "wire-1")
    page = watch.page
    page.goto(f"{server}/stories/{ferry}")
    report = page.request.get(f"{server}/api/stories/{ferry}").json()
    line = report["stories"][0]["summary"][0]
    evidence = next(e for e in line["evidence"] if e["article"] == line["citations"][0])
    box = page.locator(".summary > li").first.locator(".evidence")
    assert not box.is_visible()
    page.locator(".summary > li").first.locator("button.cite").first.click()
    assert box.is_visible()
    active = box.locator(".ev-item.active")
    assert active.count() == 1
    assert active.locator("blockquote").inner_text() == evidence["text"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-demo.png"), full_page=True)
    watch.no_script_ran()


def test_side_by_side_reader(server: str, archive: Archive, watch: Watch) -> None:
    ferry = _story(archive, "wire-1")
    page = watch.page
    page.goto(f"{server}/stories/{ferry}")
    page.click("#open-reader")
    page.wait_for_url(f"**/stories/{ferry}/read")
    columns = page.locator(".reader article")
    assert columns.count() == 3
    claim = page.locator(".reader article").first.locator(".sent.shared").first
    number = claim.get_attribute("data-claim")
    same = page.locator(f'.sent[data-claim="{number}"]')
    assert same.count() >= 2
    claim.hover()
    assert page.locator(".sent.focus").count() == same.count()
    colours = {same.nth(i).evaluate("e => getComputedStyle(e).backgroundColor") for i in range(2)}
    assert len(colours) == 1
    # choose two articles, then open what cleaning removed on demand
    page.goto(f"{server}/stories/{ferry}/read?a=wire-1&a=spin-1")
    assert page.locator(".reader article").count() == 2
    removed = page.locator("details.removed-box").first
    assert not removed.locator("ul.removed, p").first.is_visible()
    removed.locator("summary").click()
    assert removed.locator("ul.removed, p").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reader-demo.png"), full_page=True)
    watch.no_script_ran()


def test_script_payloads_render_as_text_on_every_page(
    server: str, archive: Archive, watch: Watch
) -> None:
    story = _story(archive, XSS["id"])
    page = watch.page
    for path in [
        "/",
        f"/stories/{story}",
        f"/stories/{story}/read?a={XSS['id']}&a=wire-1",
        f"/articles/{XSS['id']}",
        "/?q=%3Cscript%3Ewindow.__xss%3D9%3C%2Fscript%3E",
        "/upload",
    ]:
        page.goto(server + path)
        page.wait_for_load_state("load")
        watch.no_script_ran()
        assert page.locator("img[onerror]").count() == 0
        assert page.locator('a[href^="javascript:"]').count() == 0
        body = page.inner_text("body")
        if path.startswith(("/stories", "/articles")):
            assert "<script>" in body or "<img src=x" in body, path
    page.goto(f"{server}/articles/{XSS['id']}")
    assert XSS["title"] in page.inner_text("h1")
    assert "javascript:window.__xss=4" in page.inner_text("body")


def test_upload_form_adds_an_article_to_its_story(
    server: str, archive: Archive, watch: Watch
) -> None:
    quillsoft = _story(archive, "tech-1")
    original = archive.store.get_article("tech-1")
    page = watch.page
    page.goto(f"{server}/upload")
    page.fill("#token", "wrong")
    page.fill("#title", "Quillsoft layoffs, as reprinted")
    page.fill("#outlet", "Browser Reprints")
    page.fill("#text", original.text)
    page.click("button[type=submit]")
    page.wait_for_selector("#upload-result.error")
    assert "wrong token" in page.inner_text("#upload-result")
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")
    link = page.locator(f'#upload-result a[href="/stories/{quillsoft}"]')
    link.wait_for(timeout=60_000)
    link.click()
    page.wait_for_url(f"**/stories/{quillsoft}")
    assert "Browser Reprints" in page.inner_text(".sources")
    watch.no_script_ran()


def test_seeds_story_page_screenshot(
    server: str, archive: Archive, watch: Watch, seeds: list[Path]
) -> None:
    result = archive.ingest([str(p) for p in seeds])
    assert len(result.added) == 5
    stories = {archive.store.story_of(a) for a in result.added}
    story = max(stories, key=lambda s: sum(archive.store.story_of(a) == s for a in result.added))
    page = watch.page
    page.goto(f"{server}/stories/{story}")
    page.locator("button.cite").first.click()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-seeds.png"), full_page=True)
    assert page.locator(".sources > li").count() >= 2
    watch.no_script_ran()


def test_chromium_is_debian_s(browser: Any) -> None:
    assert shutil.which(str(CHROMIUM)) is not None
    assert browser.version
