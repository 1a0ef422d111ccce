"""The web server's edges: hostile bodies, uploads, methods, headers and slow clients.

Over a small store built with a model-free encoder (no NER), so these run fast.
The slow-client tests serve the real application with uvicorn in a thread and
talk to it over raw sockets.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from synopsis.archive import Archive
from synopsis.config import Settings, WebSettings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.store import SQLiteStore
from synopsis.web import create_app
from synopsis.web.middleware import PAGE_POLICY

TOKEN = "edge-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SETTINGS = Settings.from_mapping({"compare.ner": False})

PAGE = (
    b"<html><head><title>Ferry capsizes off Marrendal</title></head><body><article>"
    b"<p>The ferry Aurelia Star capsized in Halvik Sound off Marrendal on Saturday, and "
    b"fourteen people died, the coast guard said.</p><p>Rescuers said nine people are still "
    b"missing as divers searched the wreck through the night.</p></article></body></html>"
)
ARTICLE = {
    "id": "edge-1",
    "title": "Harbour reopens",
    "outlet": "Brennstad Post",
    "text": "The harbour of Brennstad reopened on Monday after a week of repairs, the port "
    "authority said. Ships queued outside the breakwater overnight.",
}


def warc_response(url: str, body: bytes = PAGE) -> bytes:
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-04-27T12:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(SQLiteStore(tmp_path / "edges.db"), SETTINGS, HashedWordsEmbedder()) as opened:
        opened.ingest([ARTICLE])
        yield opened


@pytest.fixture
def client(archive: Archive) -> TestClient:
    app = create_app(archive.settings, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})
    return TestClient(app, client=("127.0.0.1", 40000))


# --- bodies ------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_deeply_nested_json_body_is_a_clear_422_not_a_500(client: TestClient) -> None:
    """Finding 2: JSON nested 100,000 deep answered 500 with a RecursionError."""
    for body in (
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "[" * 5_000,  # unclosed too: still "too deep", never a crash
        '{"title": "x", "text": "y", "extra": ' + "[" * 150 + "]" * 150 + "}",
    ):
        response = client.post(
            "/api/articles", content=body, headers={**AUTH, "content-type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert "nested too deeply" in response.json()["detail"]
    # brackets inside strings are text, not nesting
    text = ARTICLE["text"] + " " + "[" * 500
    response = client.post(
        "/api/articles", json={**ARTICLE, "id": "edge-2", "text": text}, headers=AUTH
    )
    assert response.status_code == 201, response.text


def test_deeply_nested_json_file_upload_is_a_listed_failure(client: TestClient) -> None:
    deep = ("[" * 20_000 + "]" * 20_000).encode()
    files = [("files", ("deep.json", deep, "application/json"))]
    response = client.post("/api/articles", files=files, headers=AUTH)
    assert response.status_code == 200, response.text
    failures = response.json()["failures"]
    assert [f["input"] for f in failures] == ["upload:deep.json"]
    assert "nested too deeply" in failures[0]["reason"]


@pytest.mark.timeout(60)
def test_uploaded_warc_records_are_read(client: TestClient) -> None:
    """Finding 3: every record of an uploaded archive came back "empty response"."""
    second = PAGE.replace(b"Ferry capsizes", b"Boat sinks").replace(b"fourteen", b"nine")
    records = [
        warc_response("https://example.org/a"),
        warc_response("https://example.org/b", second),
    ]
    files = [
        ("files", ("crawl.warc", b"".join(records), "application/warc")),
        (
            "files",
            ("crawl.warc.gz", b"".join(gzip.compress(r) for r in records), "application/gzip"),
        ),
    ]
    response = client.post("/api/articles", files=files, headers=AUTH)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["failures"] == []
    assert len(body["added"]) == 2  # the gzipped copy holds the same two pages
    assert len(body["skipped"]) == 2 and all("same article" in s["reason"] for s in body["skipped"])


@pytest.mark.timeout(60)
def test_uploaded_warc_bomb_is_a_failure_within_bounds(client: TestClient) -> None:
    import zlib

    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/big\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: 2000000100\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    )
    # 2 GB of page in one gzip member: after a full flush, deflate repeats itself, so the
    # 10 MB block is compressed once (the trailer's checksum is never reached)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b"a" * 10_000_000) + compressor.flush(zlib.Z_FULL_FLUSH)
    bomb = start + block * 200 + compressor.flush()
    assert len(bomb) < 5_000_000
    started = time.perf_counter()
    response = client.post(
        "/api/articles", files=[("files", ("bomb.warc.gz", bomb, "application/gzip"))], headers=AUTH
    )
    assert time.perf_counter() - started < 30
    assert response.status_code == 200, response.text
    (failure,) = response.json()["failures"]
    assert failure["input"] == "upload:bomb.warc.gz:1"
    assert "decompresses to over" in failure["reason"]


# --- methods and headers ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/stories", "/api/articles/edge-1", "/upload", "/docs"])
def test_head_answers_as_get_without_a_body(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.headers["x-content-type-options"] == "nosniff"


def test_head_keeps_the_access_rules(archive: Archive) -> None:
    app = create_app(archive.settings, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})
    remote = TestClient(app, client=("203.0.113.7", 40000))
    assert remote.head("/api/stories").status_code == 403
    assert remote.head("/api/stories", headers=AUTH).status_code == 200


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/articles", "OPTIONS, POST"),
        ("/api/articles/edge-1", "GET, HEAD, OPTIONS"),
        ("/api/stories", "GET, HEAD, OPTIONS"),
        ("/", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_answers_the_allowed_methods(client: TestClient, path: str, allowed: str) -> None:
    response = client.options(path)
    assert response.status_code == 204
    assert response.headers["allow"] == allowed
    assert response.content == b""
    assert response.headers["content-security-policy"] == PAGE_POLICY


def test_options_on_an_unknown_path_is_404(client: TestClient) -> None:
    assert client.options("/nowhere/at/all").status_code == 404


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"])
def test_api_docs_carry_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    for name, value in {
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
    }.items():
        assert response.headers[name] == value
    from synopsis.web.middleware import docs_policy

    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    if path == "/openapi.json":
        assert policy == PAGE_POLICY
        return
    # the docs pages' own scripts may run (their CDN, their inline script by hash), no others
    assert policy == docs_policy(response.content)
    scripts = policy.split("script-src ")[1].split(";")[0].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "https://cdn.jsdelivr.net" in scripts
    inline = response.text.count("<script>")
    assert len([s for s in scripts if s.startswith("'sha256-")]) == inline


def test_docs_policy_hashes_each_inline_script() -> None:
    import base64
    import hashlib

    from synopsis.web.middleware import docs_policy

    page = b"<html><script>alert(1)</script><script src='x.js'></script></html>"
    digest = base64.b64encode(hashlib.sha256(b"alert(1)").digest()).decode()
    assert f"'sha256-{digest}'" in docs_policy(page)


def test_unexpected_errors_answer_500_with_the_security_headers(archive: Archive) -> None:
    app = create_app(archive.settings, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/broken", broken)
    app.add_api_route("/broken", broken)
    quiet = TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 40000))
    for path in ("/api/broken", "/broken"):
        response = quiet.get(path)
        assert response.status_code == 500
        assert "a bug" not in response.text
        assert response.headers["content-security-policy"] == PAGE_POLICY
        assert response.headers["x-frame-options"] == "DENY"
    assert quiet.get("/api/broken").json() == {"detail": "internal server error"}


# --- slow clients, against a served application --------------------------------------------


class Served:
    """The application served by uvicorn in a thread, on a free local port."""

    def __init__(self, app: FastAPI, web: WebSettings) -> None:
        import uvicorn

        from synopsis.web.middleware import server_options

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="critical", **server_options(web)
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return sock


def read_until_closed(sock: socket.socket, limit: float = 10) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took."""
    started = time.monotonic()
    sock.settimeout(limit)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - started


@pytest.fixture
def served(archive: Archive) -> Iterator[Served]:
    web = replace(
        archive.settings.web,
        header_timeout=1.0,
        body_timeout=1.0,
        keep_alive_timeout=1.0,
        max_header_bytes=8192,
    )
    settings = replace(archive.settings, web=web)
    app = create_app(settings, archive=archive, environ={"SYNOPSIS_TOKEN": TOKEN})
    with Served(app, web) as running:
        yield running


@pytest.mark.timeout(60)
def test_served_connections_that_send_nothing_are_closed(served: Served) -> None:
    """Finding 8: a connection that sends nothing was kept open indefinitely."""
    with served.connect() as sock:
        data, took = read_until_closed(sock)
    assert data == b"" and 0.5 < took < 5


@pytest.mark.timeout(60)
def test_served_headers_trickled_a_byte_at_a_time_are_cut_off(served: Served) -> None:
    """Finding 8: a slowloris header trickle kept the connection open indefinitely."""
    request = b"GET /api/stories HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 400
    with served.connect() as sock:
        started = time.monotonic()
        closed = False
        for byte in request:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.02)
            if time.monotonic() - started > 8:
                break
        data, _ = read_until_closed(sock)
        took = time.monotonic() - started
    assert closed or data.startswith(b"HTTP/1.1 408"), data
    assert took < 6


@pytest.mark.timeout(60)
def test_served_endless_headers_are_refused(served: Served) -> None:
    with served.connect() as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 20_000 + b"\r\n")
        data, took = read_until_closed(sock)
    assert data.startswith((b"HTTP/1.1 431", b"HTTP/1.1 400")), data[:100]
    assert took < 5


@pytest.mark.timeout(60)
def test_served_bodies_that_never_end_are_cut_off(served: Served) -> None:
    head = (
        b"POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + TOKEN.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
    )
    with served.connect() as sock:
        sock.sendall(head)
        started = time.monotonic()
        data, _ = read_until_closed(sock)
        took = time.monotonic() - started
    assert took < 6
    assert not data.startswith(b"HTTP/1.1 201")


@pytest.mark.timeout(60)
def test_served_requests_still_work_and_idle_keep_alive_closes(served: Served) -> None:
    with served.connect() as sock:
        for _ in range(2):  # two requests on one kept-alive connection
            sock.sendall(b"GET /api/stories HTTP/1.1\r\nHost: x\r\n\r\n")
            reply = b""
            while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
                chunk = sock.recv(65536)
                assert chunk, reply
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 200")
        data, took = read_until_closed(sock)
    assert data == b"" and took < 5


def test_serve_runs_uvicorn_with_the_slow_client_guard(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from synopsis.cli import app as cli
    from synopsis.web.middleware import SlowClientGuard

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setenv("SYNOPSIS_WEB__HEADER_TIMEOUT", "3")
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    (served,), options = calls[0]
    served.state.service.archive.close()
    assert issubclass(options["http"], SlowClientGuard)
    assert options["http"].header_timeout == 3.0
    assert options["timeout_keep_alive"] == WebSettings().keep_alive_timeout
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "s.db"), "--workers", "2"])
    assert result.exit_code == 0, result.output
    _, options = calls[1]
    module, _, name = options["http"].partition(":")
    import importlib

    protocol = getattr(importlib.import_module(module), name)  # as a worker process finds it
    assert issubclass(protocol, SlowClientGuard) and protocol.header_timeout == 3.0
