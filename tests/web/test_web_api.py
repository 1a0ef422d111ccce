"""The REST API and the server-rendered pages, through FastAPI's TestClient."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from synopsis.archive import Archive
from synopsis.config import FetchSettings, Settings, WebSettings
from synopsis.demo import corpus_path
from synopsis.embed import Embedder
from synopsis.store import SQLiteStore
from synopsis.web import create_app
from synopsis.web.deps import get_settings, is_loopback
from synopsis.web.service import LruCache, StoryData, StoryService
from synopsis.web.uploads import file_format, safe_name
from synopsis.web.views import reader_page

TOKEN = "test-token-123"
LOCAL = ("127.0.0.1", 40000)
REMOTE = ("203.0.113.7", 40000)

XSS = {
    "id": "xss-1",
    "title": '<script>window.__xss = "title"</script> Ferry <img src=x onerror="window.__xss=1">',
    "outlet": '<img src=x onerror="window.__xss=2">Evil Outlet<script>window.__xss=3</script>',
    "url": "javascript:window.__xss=4",
    "published": "2026-03-14T10:00:00+00:00",
    "text": (
        "The ferry Aurelia Star capsized in Halvik Sound off Marrendal and 14 people died. "
        '<script>window.__xss = "text"</script> Rescuers said nine people are still missing. '
        '<img src=x onerror="window.__xss=5"> Divers searched the wreck on Saturday morning. '
        "javascript:window.__xss=6 The government promised an inquiry into the disaster."
    ),
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A store holding the demo corpus and one article full of script payloads."""
    path = tmp_path_factory.mktemp("web") / "web.db"
    with Archive(SQLiteStore(path), Settings(), embedder) as archive:
        archive.ingest([str(corpus_path())])
        archive.ingest([XSS])
        service = StoryService(archive)
        for story in archive.stories():  # computed once here; each test's copy reuses them
            service.story(story.id)
    return path


@pytest.fixture
def archive(store_path: Path, embedder: Embedder, tmp_path: Path) -> Iterator[Archive]:
    """A private copy of the module's store, so writes in one test stay there."""
    copy = tmp_path / "copy.db"

    with sqlite3.connect(store_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with Archive(SQLiteStore(copy), Settings(), embedder) as opened:
        yield opened


def client_for(
    archive: Archive, *, token: str = TOKEN, host: tuple[str, int] = LOCAL
) -> TestClient:
    app = create_app(archive.settings, archive=archive, environ={"SYNOPSIS_TOKEN": token})
    return TestClient(app, client=host)


@pytest.fixture
def client(archive: Archive) -> TestClient:
    return client_for(archive)


def story_of(archive: Archive, article_id: str) -> str:
    story = archive.store.story_of(article_id)
    assert story is not None
    return story


# ---------------------------------------------------------------------- reads


def test_story_list_filters_and_searches(client: TestClient, archive: Archive) -> None:
    everything = client.get("/api/stories").json()
    assert everything["total"] == len(archive.stories()) >= 4
    ferry = story_of(archive, "wire-1")
    row = next(s for s in everything["stories"] if s["id"] == ferry)
    assert set(row["languages"]) == {"en", "es"}
    assert row["independent_sources"] >= 3
    found = client.get("/api/stories", params={"q": "QUILLSOFT"}).json()
    assert [s["id"] for s in found["stories"]] == [story_of(archive, "tech-1")]
    spanish = client.get("/api/stories", params={"language": "es"}).json()
    assert [s["id"] for s in spanish["stories"]] == [ferry]
    assert client.get("/api/stories", params={"min_sources": 99}).json()["total"] == 0
    assert len(client.get("/api/stories", params={"limit": 1}).json()["stories"]) == 1
    page = client.get("/", params={"q": "quillsoft"})
    assert page.status_code == 200
    assert "Quillsoft to cut 600 jobs" in page.text
    assert "Cardiline" not in page.text


def test_story_api_returns_the_report_contract(client: TestClient, archive: Archive) -> None:
    ferry = story_of(archive, "wire-1")
    response = client.get(f"/api/stories/{ferry}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    report = response.json()
    assert report["schema"] == "synopsis.report/1"
    assert [s["id"] for s in report["stories"]] == [ferry]
    story = report["stories"][0]
    assert "wire-1" in story["articles"] and "es-1" in story["articles"]
    assert story["summary"] and all(line["citations"] for line in story["summary"])
    assert {a["id"] for a in report["articles"]} == set(story["articles"])
    assert client.get("/api/stories/nope").status_code == 404


def test_story_report_is_cached_per_version(client: TestClient, archive: Archive) -> None:
    ferry = story_of(archive, "wire-1")
    first = client.get(f"/api/stories/{ferry}").content
    service = client.app.state.service  # type: ignore[attr-defined]
    version = service.version(service.live_row(ferry))
    cached = archive.store.cached_report(ferry, version)
    assert cached is not None
    assert json.loads(cached)["report"] == json.loads(first)
    # a second server over the same store answers from the store's cache
    again = client_for(archive).get(f"/api/stories/{ferry}").content
    assert again == first


def test_article_api_and_page(client: TestClient, archive: Archive) -> None:
    body = client.get("/api/articles/pharma-1").json()
    assert body["outlet"] == "Kaldemark Business Journal"
    assert body["story"] == story_of(archive, "pharma-1")
    assert body["text"].startswith("Brenova Pharma is recalling")
    assert client.get("/api/articles/no-such").status_code == 404
    page = client.get("/articles/pharma-1")
    assert page.status_code == 200
    assert "Cleaning audit" in page.text and "Brenova Pharma recalls 1.2 million packs" in page.text


def test_story_page_shows_summary_evidence_sources_and_graph(
    client: TestClient, archive: Archive
) -> None:
    ferry = story_of(archive, "wire-1")
    report = client.get(f"/api/stories/{ferry}").json()
    page = client.get(f"/stories/{ferry}")
    assert page.status_code == 200
    html = page.text
    line = report["stories"][0]["summary"][0]
    assert 'class="cite"' in html and 'class="evidence"' in html
    from markupsafe import escape

    assert str(escape(line["evidence"][0]["text"])) in html
    assert "Copy graph" in html and "<svg" in html and "Coverage timeline" in html
    assert html.count('class="num-badge">[') >= len(report["stories"][0]["articles"])
    assert 'href="/stories/' + ferry + '/read"' in html


def test_reader_colours_shared_claims_alike(client: TestClient, archive: Archive) -> None:
    ferry = story_of(archive, "wire-1")
    page = client.get(f"/stories/{ferry}/read", params=[("a", "wire-1"), ("a", "copy-1")])
    assert page.status_code == 200
    assert page.text.count('<article id="col-') == 2
    service = client.app.state.service  # type: ignore[attr-defined]
    data: StoryData = service.story(ferry)
    view = reader_page(data, ["wire-1", "copy-1"])
    claims = {
        column.id: {s.claim for s in column.segments if s.claim is not None}
        for column in view.columns
    }
    # copy-1 reprints wire-1: they share claims, each colour used on both sides
    assert claims["wire-1"] and claims["wire-1"] == claims["copy-1"]
    hues = {
        s.claim: s.hue for column in view.columns for s in column.segments if s.claim is not None
    }
    assert len(set(hues.values())) == len(hues)
    text = "".join(s.text for s in view.columns[0].segments)
    assert text == next(a for a in data.report["articles"] if a["id"] == "wire-1")["text"]


def test_missing_pages_are_404(client: TestClient) -> None:
    assert client.get("/stories/nope").status_code == 404
    assert client.get("/stories/nope/read").status_code == 404
    assert client.get("/articles/nope").status_code == 404
    assert client.get("/static/../../etc/passwd").status_code == 404
    assert client.get("/static/nothing.css").status_code == 404


# ---------------------------------------------------------------------- access


def test_reads_are_local_only_unless_public(archive: Archive) -> None:
    remote = client_for(archive, host=REMOTE)
    assert remote.get("/api/stories").status_code == 403
    assert remote.get("/").status_code == 403
    assert (
        remote.get("/api/stories", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    )
    app = remote.app
    public = replace(archive.settings, web=WebSettings(public_reads=True))
    app.dependency_overrides[get_settings] = lambda: public  # type: ignore[attr-defined]
    assert remote.get("/api/stories").status_code == 200
    assert remote.get("/").status_code == 200


def test_writes_need_the_token(archive: Archive) -> None:
    article = {"title": "A test", "text": "Some words about nothing in particular. " * 3}
    client = client_for(archive)
    assert client.post("/api/articles", json=article).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/api/articles", json=article, headers=wrong).status_code == 401
    basic = {"Authorization": f"Basic {TOKEN}"}
    assert client.post("/api/articles", json=article, headers=basic).status_code == 401
    unconfigured = client_for(archive, token="")
    refused = unconfigured.post("/api/articles", json=article, headers={"Authorization": "Bearer "})
    assert refused.status_code == 403
    assert "no SYNOPSIS_TOKEN" in refused.json()["detail"]
    assert archive.store.article_count() == 16


def test_post_with_token_lands_in_the_right_story_and_page_shows_it(
    client: TestClient, archive: Archive
) -> None:
    original = archive.store.get_article("tech-1")
    quillsoft = story_of(archive, "tech-1")
    before = client.get(f"/stories/{quillsoft}").text
    listed = {s["id"]: s for s in client.get("/api/stories").json()["stories"]}
    assert listed[quillsoft]["articles"] == 2
    article = {
        "id": "tech-reprint",
        "title": "Quillsoft cuts 600 jobs (reprint)",
        "outlet": "Reprint Weekly",
        "url": "https://reprint.example/quillsoft",
        "published": "2026-03-13T18:00:00+01:00",
        "text": original.text,
    }
    response = client.post(
        "/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["added"] == ["tech-reprint"]
    assert body["placed"] == {"tech-reprint": quillsoft}
    assert "Reprint Weekly" not in before
    page = client.get(f"/stories/{quillsoft}").text
    assert "Reprint Weekly" in page and "Quillsoft cuts 600 jobs (reprint)" in page
    listed = {s["id"]: s for s in client.get("/api/stories").json()["stories"]}
    assert listed[quillsoft]["articles"] == 3
    report = client.get(f"/api/stories/{quillsoft}").json()
    assert "tech-reprint" in report["stories"][0]["articles"]
    again = client.post("/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 200 and again.json()["unchanged"] == ["tech-reprint"]


def test_file_upload_is_read_from_memory(client: TestClient, archive: Archive) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = (
        b"Harbour cranes idle\n\n"
        b"Dock workers in Teglholm stopped work on Monday over pay, the union said.\n"
    )
    files = [
        ("files", ("../../etc/cranes.txt", text, "text/plain")),
        ("files", ("photo.png", b"\x89PNG\x00\x00", "image/png")),
    ]
    response = client.post("/api/articles", files=files, headers=auth)
    assert response.status_code == 201, response.text
    body = response.json()
    [added] = body["added"]
    stored = archive.store.get_article(added)
    assert stored.title == "Harbour cranes idle"
    assert stored.source == "<item 0>"
    assert [f["input"] for f in body["failures"]] == ["upload:photo.png"]
    assert safe_name("../../etc/cranes.txt", 0) == "cranes.txt"
    assert safe_name("C:\\x\\y.html", 0) == "y.html"
    assert file_format("a.WARC.GZ") == ".warc.gz" and file_format("a.exe") is None


def test_upload_limits_and_bad_bodies(archive: Archive) -> None:
    small = replace(
        archive.settings, web=WebSettings(max_upload_bytes=2000, max_articles_per_request=2)
    )
    app = create_app(small, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})
    client = TestClient(app, client=LOCAL)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = {"text": "word " * 1000}
    assert client.post("/api/articles", json=big, headers=auth).status_code == 413
    many = [{"text": f"article number {i} " * 3} for i in range(3)]
    too_many = client.post("/api/articles", json=many, headers=auth)
    assert too_many.status_code == 422 and "too many" in too_many.json()["detail"]
    bad = client.post(
        "/api/articles", content=b"{not json", headers={**auth, "content-type": "application/json"}
    )
    assert bad.status_code == 422
    plain = client.post(
        "/api/articles", content=b"hi", headers={**auth, "content-type": "text/plain"}
    )
    assert plain.status_code == 415
    no_text = client.post("/api/articles", json={"title": "no body"}, headers=auth)
    assert no_text.status_code == 200
    assert "text" in no_text.json()["failures"][0]["reason"]


# ---------------------------------------------------------------------- safety


def _payload_free(html: str) -> None:
    assert "<script>window" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html


@pytest.mark.parametrize("page", ["story", "read", "article", "list", "api"])
def test_article_content_is_escaped_everywhere(
    client: TestClient, archive: Archive, page: str
) -> None:
    story = story_of(archive, "xss-1")
    url = {
        "story": f"/stories/{story}",
        "read": f"/stories/{story}/read?a=xss-1&a=wire-1",
        "article": "/articles/xss-1",
        "list": "/?q=%3Cscript%3E",
        "api": "/api/articles/xss-1",
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    if page == "api":
        assert response.json()["title"] == XSS["title"]
        return
    html = response.text
    _payload_free(html)
    if page != "list":
        assert "&lt;script&gt;" in html
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_openapi_documents_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles"} <= set(schema["paths"])
    post = schema["paths"]["/api/articles"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert client.get("/docs").status_code == 200


def test_openapi_lists_the_response_shapes(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]

    def fields(name: str) -> set[str]:
        return set(components[name]["properties"])

    def ref(response: dict[str, Any]) -> str:
        return str(response["content"]["application/json"]["schema"]["$ref"]).rsplit("/", 1)[-1]

    assert fields("StoryListPage") == {"total", "offset", "stories"}
    assert fields("StoryListItem") == {
        "id",
        "title",
        "articles",
        "independent_sources",
        "first_published",
        "last_published",
        "languages",
        "conflicts",
    }
    assert fields("IngestResponse") == {
        "added",
        "unchanged",
        "placed",
        "stories",
        "failures",
        "skipped",
    }
    assert fields("InputStatus") == {"input", "reason"}
    assert {"id", "text", "story"} <= fields("StoredArticle")
    assert {"schema", "articles", "stories"} <= fields("StoryReport")
    assert fields("ErrorDetail") == {"detail"}
    paths = schema["paths"]
    assert ref(paths["/api/stories"]["get"]["responses"]["200"]) == "StoryListPage"
    assert ref(paths["/api/stories/{story_id}"]["get"]["responses"]["200"]) == "StoryReport"
    assert ref(paths["/api/stories/{story_id}"]["get"]["responses"]["404"]) == "ErrorDetail"
    assert ref(paths["/api/articles/{article_id}"]["get"]["responses"]["200"]) == "StoredArticle"
    for path in ("/api/articles", "/api/articles/from-url"):
        responses = paths[path]["post"]["responses"]
        assert ref(responses["201"]) == ref(responses["200"]) == "IngestResponse"


def test_errors_raised_in_routes_become_404_and_422(client: TestClient) -> None:
    from fastapi import FastAPI

    from synopsis.errors import InputError, NotFoundError

    def missing() -> None:
        raise NotFoundError("story", "gone")

    def unreadable() -> None:
        raise InputError("feed.xml", "not XML")

    app = client.app
    assert isinstance(app, FastAPI)
    for prefix in ("/api", ""):
        app.add_api_route(f"{prefix}/test-missing", missing)
        app.add_api_route(f"{prefix}/test-unreadable", unreadable)
    api = client.get("/api/test-missing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/json"
    assert api.json() == {"detail": "no story with id 'gone'"}
    page = client.get("/test-missing")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "No story &#39;gone&#39;." in page.text and "Not found" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    api = client.get("/api/test-unreadable")
    assert api.status_code == 422 and api.json() == {"detail": "feed.xml: not XML"}
    page = client.get("/test-unreadable")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "feed.xml: not XML" in page.text
    # the real routes answer the same way
    assert client.get("/api/stories/nope").json() == {"detail": "no story with id 'nope'"}
    assert client.get("/api/articles/nope").json() == {"detail": "no article with id 'nope'"}
    story = client.get("/stories/nope")
    assert story.headers["content-type"].startswith("text/html")
    assert "No story &#39;nope&#39;." in story.text
    assert "No article &#39;nope&#39;." in client.get("/articles/nope").text


def test_upload_and_fetch_errors_are_synopsis_errors() -> None:
    from synopsis import errors, fetch
    from synopsis.web import uploads

    for kind in (errors.UploadError, errors.FetchError):
        assert issubclass(kind, errors.InputError)
        assert issubclass(kind, errors.SynopsisError)
        assert issubclass(kind, ValueError)  # as before they joined the tree
    assert uploads.UploadError is errors.UploadError
    assert fetch.FetchError is errors.FetchError
    upload = errors.UploadError("no articles in the request")
    assert str(upload) == "no articles in the request" and upload.input == "request body"
    with pytest.raises(errors.FetchError) as refused:
        fetch.Fetcher(FetchSettings()).fetch("ftp://example.org/a.html")
    assert refused.value.input == "ftp://example.org/a.html"
    assert str(refused.value) == (
        "ftp://example.org/a.html: only http and https URLs can be fetched, not 'ftp'"
    )


def test_fetch_and_web_settings_leave_cached_reports_valid() -> None:
    from synopsis.web.service import _settings_fingerprint

    base = Settings()
    serving = replace(
        base, fetch=FetchSettings(allow_private_urls=True, retries=0), web=WebSettings(port=9000)
    )
    assert _settings_fingerprint(serving) == _settings_fingerprint(base)
    assert _settings_fingerprint(base.with_summary_words(30)) != _settings_fingerprint(base)


def test_web_settings_are_checked() -> None:
    from synopsis.errors import ConfigError

    with pytest.raises(ConfigError) as error:
        WebSettings(port=0)
    assert error.value.setting == "web.port"
    with pytest.raises(ConfigError) as error:
        Settings.from_mapping({"web.max_upload_bytes": -1})
    assert error.value.setting == "web.max_upload_bytes"
    env = {"SYNOPSIS_WEB__PUBLIC_READS": "true", "SYNOPSIS_WEB__PORT": "9000"}
    web = Settings.from_env(env).web
    assert web.public_reads is True and web.port == 9000
    assert "secret" not in repr(WebSettings(token="secret"))


def test_serve_command_starts_uvicorn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn
    from fastapi import FastAPI
    from typer.testing import CliRunner

    from synopsis.cli import app as cli

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setenv("SYNOPSIS_WEB__DB", "unset")
    monkeypatch.setenv("SYNOPSIS_WEB__PUBLIC_READS", "false")
    db = tmp_path / "served.db"
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", "8123"])
    assert result.exit_code == 0, result.output
    (served,), options = calls[0]
    assert isinstance(served, FastAPI)
    assert (options["host"], options["port"]) == ("127.0.0.1", 8123)
    assert served.state.settings.web.db == str(db)
    served.state.service.archive.close()
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--workers", "2", "--public-reads"])
    assert result.exit_code == 0, result.output
    (target,), options = calls[1]
    assert target == "synopsis.web:app_from_env"
    assert options["factory"] is True and options["workers"] == 2
    assert os.environ["SYNOPSIS_WEB__DB"] == str(db)
    assert os.environ["SYNOPSIS_WEB__PUBLIC_READS"] == "True"
    assert Settings.from_env().web.public_reads is True


def test_lru_cache_keeps_the_most_recent() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("testclient", False),
        (None, False),
    ],
)
def test_loopback_clients(host: str | None, local: bool) -> None:
    assert is_loopback(host) is local


# ---------------------------------------------------------------------- URL ingest


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    """A loopback HTTP server: the demo's scraped page, a redirect to it, and an image."""
    import http.server
    import threading

    page = (
        corpus_path() / "evening-post-aurelia-star-divers-search-capsized-ferry.html"
    ).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/ferry.html")
                self.end_headers()
                return
            body, kind = (page, "text/html; charset=utf-8")
            if self.path == "/photo.png":
                body, kind = (b"\x89PNG\r\n", "image/png")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/a.html", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http://10.1.2.3/news", "non-public address (10.1.2.3)"),
        ("http://169.254.169.254/latest/meta-data", "non-public address"),
        ("http://[::1]:8000/", "non-public address (::1)"),
        ("http://user:pw@example.org/", "credentials"),
    ],
)
def test_url_ingest_refuses_unsafe_targets(client: TestClient, url: str, reason: str) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = client.post("/api/articles/from-url", json={"url": url}, headers=auth)
    assert response.status_code == 422
    assert reason in response.json()["detail"]


def test_url_ingest_refuses_loopback_unless_allowed(
    client: TestClient, archive: Archive, page_server: str
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    url = f"{page_server}/moved"
    assert client.post("/api/articles/from-url", json={"url": url}).status_code == 401
    refused = client.post("/api/articles/from-url", json={"url": url}, headers=auth)
    assert refused.status_code == 422 and "127.0.0.1" in refused.json()["detail"]
    allowed = replace(archive.settings, fetch=FetchSettings(allow_private_urls=True))
    app = create_app(allowed, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})
    local = TestClient(app, client=LOCAL)
    response = local.post("/api/articles/from-url", json={"url": url}, headers=auth)
    assert response.status_code == 201, response.text
    [added] = response.json()["added"]
    article = archive.store.get_article(added)
    assert article.url == f"{page_server}/ferry.html"
    assert "Aurelia Star" in article.text
    assert response.json()["placed"][added] == story_of(archive, "wire-1")
    image = local.post(
        "/api/articles/from-url", json={"url": f"{page_server}/photo.png"}, headers=auth
    )
    assert image.status_code == 200
    assert "not an HTML or text page (image/png)" in image.json()["failures"][0]["reason"]


def test_store_report_cache_and_change_token(tmp_path: Path) -> None:
    from synopsis.errors import NotFoundError
    from synopsis.records import Article

    with SQLiteStore(tmp_path / "cache.db") as store:
        token = store.stories_changed()
        with pytest.raises(NotFoundError):
            store.cache_report("s1", "v1", "{}")
        store.add_articles(
            [
                Article(id="a1", text="Some text.", source="x", language="en"),
                Article(id="a2", text="Other text.", source="y", language="fr"),
            ]
        )
        store.save_story("s1", "One", ["a1", "a2"])
        assert store.stories_changed() != token
        store.cache_report("s1", "v1", '{"n": 1}')
        store.cache_report("s1", "v2", '{"n": 2}')
        assert store.cached_report("s1", "v1") is None
        assert store.cached_report("s1", "v2") == '{"n": 2}'
        assert store.story_languages() == {"s1": ["en", "fr"]}


# ------------------------------------------- a write holds up no read (issue 13)


class _HeldEmbedder:
    """An encoder that holds any text with ``marker`` until ``release`` is set (at most 30 s)."""

    def __init__(self, inner: Embedder, marker: str) -> None:
        import threading

        self.inner = inner
        self.marker = marker
        self.name = inner.name
        self.dim = inner.dim
        self.holding = threading.Event()
        self.release = threading.Event()

    def encode(self, texts: Any) -> Any:
        if any(self.marker in text for text in texts):
            self.holding.set()
            self.release.wait(timeout=30)
        return self.inner.encode(texts)


def test_story_reads_do_not_wait_for_an_ingest(
    store_path: Path, embedder: Embedder, tmp_path: Path
) -> None:
    """While a POST's ingest is encoding, a story read (even a cold one) is served."""
    import threading
    import time

    copy = tmp_path / "copy.db"
    with sqlite3.connect(store_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    held = _HeldEmbedder(embedder, "Zorbulon")
    with Archive(SQLiteStore(copy), Settings(), held) as archive:
        service = StoryService(archive)  # its in-process cache is empty: the read is cold
        ferry = story_of(archive, "wire-1")
        article = {
            "id": "held-1",
            "title": "Zorbulon festival opens",
            "text": "The Zorbulon festival opened on Friday. Crowds filled the square.",
        }
        ingest = threading.Thread(target=service.ingest, args=([article],))
        ingest.start()
        try:
            assert held.holding.wait(timeout=60), "the ingest never reached its encoder"
            done: list[StoryData] = []
            read = threading.Thread(target=lambda: done.append(service.story(ferry)))
            began = time.perf_counter()
            read.start()
            read.join(timeout=20)
            took = time.perf_counter() - began
            assert done, f"the story read waited for the ingest ({took:.1f} s and counting)"
            assert ingest.is_alive()  # the ingest is still held: the read did not wait for it
            assert done[0].report["stories"][0]["id"] == ferry
        finally:
            held.release.set()
            ingest.join(timeout=60)
        assert archive.store.has_article("held-1")


def test_a_read_only_store_is_served(store_path: Path, embedder: Embedder, tmp_path: Path) -> None:
    """Reads (and reports not cached yet) work over a store opened read-only; writes are 503/401."""
    copy = tmp_path / "copy.db"
    with sqlite3.connect(store_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
        dst.execute("DELETE FROM story_reports")  # every report must be computed again
    with Archive.open(copy, Settings(), read_only=True, embedder=embedder) as archive:
        assert archive.store.read_only
        client = client_for(archive, token="")
        ferry = story_of(archive, "wire-1")
        assert client.get("/api/stories").json()["total"] >= 4
        report = client.get(f"/api/stories/{ferry}")
        assert report.status_code == 200
        assert report.json()["stories"][0]["id"] == ferry
        assert client.get(f"/stories/{ferry}").status_code == 200
        assert archive.store.cached_report(ferry, "anything") is None
        refused = client.post("/api/articles", json={"id": "x", "text": "Some words here."})
        assert refused.status_code in (401, 403)


def test_concurrent_uploads_each_get_their_own_result(client: TestClient, archive: Archive) -> None:
    """Uploads that wait while one is stored are stored together; each answer is its own."""
    from concurrent.futures import ThreadPoolExecutor

    original = archive.store.get_article("tech-1")
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def post(n: int) -> Any:
        article = {
            "id": f"reprint-{n}",
            "title": f"Quillsoft cuts 600 jobs (reprint {n})",
            "outlet": f"Reprint Weekly {n}",
            "published": "2026-03-13T18:00:00+01:00",
            "text": original.text,
        }
        return client.post("/api/articles", json=article, headers=auth)

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(post, range(6)))
    quillsoft = story_of(archive, "tech-1")
    for n, response in enumerate(responses):
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["added"] == [f"reprint-{n}"]
        assert body["placed"] == {f"reprint-{n}": quillsoft}
    assert archive.store.articles_without_story() == []
