"""The fetcher against a real HTTP server on loopback: statuses, redirects, retries, limits."""

from __future__ import annotations

import gzip
import itertools
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from local_http import FakeClock, LocalServer, Route, Seen, loopback_settings
from synopsis.config import FetchSettings, Settings
from synopsis.errors import FetchError, InputError
from synopsis.fetch import Fetcher, sniff_kind

HTML = b"<!doctype html><html><head><title>Ferry</title></head><body>caf\xe9</body></html>"
RSS = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>News</title>'
    b"<item><title>Ferry</title><link>https://example.org/ferry</link></item></channel></rss>"
)


def html(body: bytes = HTML, *headers: tuple[str, str]) -> Route:
    return Route(200, (("Content-Type", "text/html; charset=ISO-8859-1"), *headers), body)


def redirect(location: str, status: int = 302) -> Route:
    return Route(status, (("Location", location),))


def test_a_page_comes_back_with_its_type_and_charset(server: LocalServer) -> None:
    server.routes["/ferry"] = html()
    result = Fetcher(loopback_settings()).fetch(server.url("/ferry"))
    assert result.status == 200 and not result.not_modified
    assert result.url == server.url("/ferry")
    assert result.data == HTML
    assert (result.content_type, result.charset) == ("text/html", "ISO-8859-1")
    assert sniff_kind(result) == "html"


def test_every_request_names_the_bot(server: LocalServer) -> None:
    server.routes["/ferry"] = html()
    settings = loopback_settings(robots=True)
    Fetcher(settings).fetch(server.url("/ferry"))
    assert [seen.path for seen in server.requests] == ["/robots.txt", "/ferry"]
    assert {seen.headers["user-agent"] for seen in server.requests} == {settings.user_agent}
    assert settings.user_agent.startswith("synopsis/")


def test_a_redirect_chain_is_followed_to_the_final_url(server: LocalServer) -> None:
    server.routes.update(
        {
            "/one": redirect("/two", 301),
            "/two": redirect(server.url("/three"), 307),
            "/three": redirect("final", 308),  # relative to /three
            "/final": html(),
        }
    )
    result = Fetcher(loopback_settings()).fetch(server.url("/one"))
    assert result.url == server.url("/final") and result.data == HTML
    assert [seen.path for seen in server.requests] == ["/one", "/two", "/three", "/final"]


def test_a_redirect_loop_ends_as_too_many_redirects(server: LocalServer) -> None:
    server.routes["/loop"] = redirect("/loop")
    url = server.url("/loop")
    with pytest.raises(FetchError) as error:
        Fetcher(loopback_settings(max_redirects=3)).fetch(url)
    assert "too many redirects" in str(error.value) and url in str(error.value)
    assert error.value.input == url
    assert server.hits("/loop") == 4  # the first request and three redirects


def test_an_unchanged_page_answers_304_to_a_conditional_fetch(server: LocalServer) -> None:
    modified = "Wed, 01 May 2024 09:30:00 GMT"

    def page(seen: Seen) -> Route:
        if seen.headers.get("if-none-match") == '"v1"':
            return Route(304, (("ETag", '"v1"'),))
        return html(HTML, ("ETag", '"v1"'), ("Last-Modified", modified))

    server.routes["/ferry"] = page
    fetcher = Fetcher(loopback_settings())
    first = fetcher.fetch(server.url("/ferry"))
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', modified)
    again = fetcher.fetch(server.url("/ferry"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.status == 304 and again.data == b""
    assert (again.etag, again.last_modified) == ('"v1"', modified)
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == modified
    assert "if-none-match" not in server.requests[0].headers


def test_a_304_to_a_plain_fetch_is_an_error(server: LocalServer) -> None:
    server.routes["/odd"] = Route(304)
    with pytest.raises(FetchError, match="HTTP 304"):
        Fetcher(loopback_settings()).fetch(server.url("/odd"))


def test_a_slow_server_times_out_after_the_configured_tries(server: LocalServer) -> None:
    server.routes["/slow"] = Route(200, body=b"late", delay=0.7)
    settings = loopback_settings(timeout=0.2, retries=2)
    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        Fetcher(settings).fetch(server.url("/slow"))
    assert "timed out" in str(error.value) and "3 attempts" in str(error.value)
    assert server.url("/slow") in str(error.value)
    assert server.hits("/slow") == 3
    assert time.monotonic() - started < 3.0


def test_a_dripping_response_is_cut_off_at_the_response_timeout(server: LocalServer) -> None:
    # Each byte comes well within the step timeout; the whole would take five seconds.
    server.routes["/drip"] = Route(200, body=b"x" * 100, drip=0.05)
    settings = loopback_settings(timeout=0.5, response_timeout=0.4, retries=0)
    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        Fetcher(settings).fetch(server.url("/drip"))
    assert "timed out" in str(error.value) and "longer than 0.4 s" in str(error.value)
    assert time.monotonic() - started < 2.0


def test_a_server_error_is_tried_again(server: LocalServer) -> None:
    answers = iter([Route(500), Route(503), html()])
    server.routes["/flaky"] = lambda seen: next(answers)
    clock = FakeClock()
    result = Fetcher(loopback_settings(retries=2), clock=clock.now, sleep=clock.sleep).fetch(
        server.url("/flaky")
    )
    assert result.data == HTML and server.hits("/flaky") == 3
    assert clock.sleeps == [0.01, 0.02]  # backoff, doubled


def test_a_server_error_that_lasts_fails_naming_the_status(server: LocalServer) -> None:
    server.routes["/down"] = Route(502)
    with pytest.raises(FetchError, match=r"HTTP 502 \(2 attempts\)"):
        Fetcher(loopback_settings(retries=1)).fetch(server.url("/down"))
    assert server.hits("/down") == 2


@pytest.mark.parametrize("status", [404, 410, 403, 401])
def test_a_client_error_is_not_tried_again(server: LocalServer, status: int) -> None:
    server.routes["/gone"] = Route(status)
    url = server.url("/gone")
    with pytest.raises(FetchError) as error:
        Fetcher(loopback_settings(retries=3)).fetch(url)
    assert str(error.value) == f"{url}: HTTP {status}"
    assert isinstance(error.value, InputError) and error.value.input == url
    assert server.hits("/gone") == 1


def test_a_refused_connection_is_tried_again_then_reported() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(FetchError) as error:
        Fetcher(loopback_settings(retries=1)).fetch(url)
    assert "connection failed" in str(error.value) and "2 attempts" in str(error.value)
    assert error.value.input == url


def test_a_body_over_the_limit_is_refused(server: LocalServer) -> None:
    server.routes["/big"] = Route(200, (("Content-Type", "text/plain"),), b"x" * 2000)
    server.routes["/fits"] = Route(200, (("Content-Type", "text/plain"),), b"x" * 1000)
    fetcher = Fetcher(loopback_settings(max_bytes=1000))
    with pytest.raises(FetchError) as error:
        fetcher.fetch(server.url("/big"))
    assert "larger than fetch.max_bytes (1000 bytes)" in str(error.value)
    assert len(fetcher.fetch(server.url("/fits")).data) == 1000


def test_a_gzipped_body_is_unpacked_and_its_unpacked_size_capped(server: LocalServer) -> None:
    server.routes["/packed"] = html(gzip.compress(HTML), ("Content-Encoding", "gzip"))
    server.routes["/bomb"] = Route(
        200, (("Content-Encoding", "gzip"),), gzip.compress(b"0" * 10**6)
    )
    fetcher = Fetcher(loopback_settings(max_bytes=10_000))
    assert fetcher.fetch(server.url("/packed")).data == HTML
    assert server.requests[0].headers["accept-encoding"] == "gzip"
    with pytest.raises(FetchError, match=r"larger than fetch\.max_bytes"):
        fetcher.fetch(server.url("/bomb"))


def test_robots_txt_keeps_a_disallowed_path_from_being_requested(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(
        200, (("Content-Type", "text/plain"),), b"User-agent: *\nDisallow: /private/\n"
    )
    server.routes["/private/memo"] = html()
    server.routes["/news"] = html()
    fetcher = Fetcher(loopback_settings(robots=True))
    url = server.url("/private/memo")
    with pytest.raises(FetchError) as error:
        fetcher.fetch(url)
    assert str(error.value) == f"{url}: disallowed by robots.txt" and error.value.input == url
    assert server.hits("/private/memo") == 0
    assert fetcher.fetch(server.url("/news")).data == HTML


def test_robots_rules_for_this_bot_by_name(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(
        200, body=b"User-agent: otherbot\nDisallow:\n\nUser-agent: synopsis\nDisallow: /\n"
    )
    server.routes["/news"] = html()
    with pytest.raises(FetchError, match="robots"):
        Fetcher(loopback_settings(robots=True)).fetch(server.url("/news"))
    assert server.hits("/news") == 0
    # with robots off, nothing asks for it
    assert Fetcher(loopback_settings(robots=False)).fetch(server.url("/news")).data == HTML
    assert server.hits("/robots.txt") == 1


def test_robots_txt_is_read_once_per_site_and_again_when_it_expires(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(200, body=b"User-agent: *\nDisallow: /private/\n")
    for path in ("/a", "/b", "/c"):
        server.routes[path] = html()
    clock = FakeClock()
    fetcher = Fetcher(
        loopback_settings(robots=True, robots_ttl=100), clock=clock.now, sleep=clock.sleep
    )
    for path in ("/a", "/b", "/c"):
        fetcher.fetch(server.url(path))
    assert server.hits("/robots.txt") == 1
    clock.advance(101)
    fetcher.fetch(server.url("/a"))
    assert server.hits("/robots.txt") == 2


@pytest.mark.parametrize("status", [401, 403])
def test_a_forbidden_robots_txt_disallows_the_site(server: LocalServer, status: int) -> None:
    server.routes["/robots.txt"] = Route(status)
    server.routes["/news"] = html()
    with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
        Fetcher(loopback_settings(robots=True)).fetch(server.url("/news"))
    assert server.hits("/news") == 0


def test_a_missing_robots_txt_allows_everything(server: LocalServer) -> None:
    server.routes["/news"] = html()  # /robots.txt answers 404
    assert Fetcher(loopback_settings(robots=True)).fetch(server.url("/news")).data == HTML
    assert server.hits("/robots.txt") == 1


def test_a_failing_robots_txt_allows_for_now_and_is_asked_again_soon(
    server: LocalServer,
) -> None:
    server.routes["/robots.txt"] = Route(500)
    server.routes["/news"] = html()
    clock = FakeClock()
    fetcher = Fetcher(loopback_settings(robots=True, retries=2), clock=clock.now, sleep=clock.sleep)
    assert fetcher.fetch(server.url("/news")).data == HTML
    assert server.hits("/robots.txt") == 1  # robots.txt is not retried: it allows for now
    fetcher.fetch(server.url("/news"))
    assert server.hits("/robots.txt") == 1
    clock.advance(61)  # well within robots_ttl, past the short wait for a failed one
    fetcher.fetch(server.url("/news"))
    assert server.hits("/robots.txt") == 2


def test_requests_to_a_host_start_no_faster_than_its_rate(server: LocalServer) -> None:
    server.routes["/news"] = html()
    fetcher = Fetcher(loopback_settings(per_host_rate=10.0))
    started = time.monotonic()
    for _ in range(6):
        fetcher.fetch(server.url("/news"))
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 3.0  # five intervals of 0.1 s between six starts
    arrivals = [seen.at for seen in server.requests]
    assert min(b - a for a, b in itertools.pairwise(arrivals)) > 0.08


def test_a_host_never_sees_more_requests_at_once_than_allowed(server: LocalServer) -> None:
    for index in range(8):
        server.routes[f"/page{index}"] = Route(200, body=b"ok", delay=0.1)
    fetcher = Fetcher(loopback_settings(per_host_concurrency=2, robots=True))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetcher.fetch, [server.url(f"/page{i}") for i in range(8)]))
    assert [r.data for r in results] == [b"ok"] * 8
    assert server.max_in_flight == 2
    assert server.hits("/robots.txt") == 1  # threads asking at once wait for one reading


def test_a_page_that_is_not_html_is_sniffed_as_other(server: LocalServer) -> None:
    server.routes["/photo.png"] = Route(200, (("Content-Type", "image/png"),), b"\x89PNG\r\n\x1a\n")
    result = Fetcher(loopback_settings()).fetch(server.url("/photo.png"))
    assert result.content_type == "image/png" and sniff_kind(result) == "other"


def test_a_feed_is_sniffed_as_feed(server: LocalServer) -> None:
    server.routes["/feed"] = Route(200, (("Content-Type", "application/rss+xml"),), RSS)
    server.routes["/feed-as-xml"] = Route(200, (("Content-Type", "text/xml"),), RSS)
    fetcher = Fetcher(loopback_settings())
    assert sniff_kind(fetcher.fetch(server.url("/feed"))) == "feed"
    assert sniff_kind(fetcher.fetch(server.url("/feed-as-xml"))) == "feed"


def test_loopback_is_refused_by_default(server: LocalServer) -> None:
    server.routes["/news"] = html()
    url = server.url("/news")
    with pytest.raises(FetchError) as error:
        Fetcher(FetchSettings()).fetch(url)
    assert str(error.value) == f"{url}: refusing to fetch from a non-public address (127.0.0.1)"
    assert server.requests == []  # not even robots.txt


def test_the_environment_allows_private_addresses(server: LocalServer) -> None:
    server.routes["/news"] = html()
    settings = Settings.from_env({"SYNOPSIS_FETCH__ALLOW_PRIVATE_URLS": "1"})
    assert settings.fetch.allow_private_urls is True
    assert Settings.from_env({}).fetch.allow_private_urls is False
    assert Fetcher(settings.fetch).fetch(server.url("/news")).data == HTML
