"""The fetcher's rules over the mock transport: the address guard, URLs, retries, limits."""

from __future__ import annotations

import http.client
from collections.abc import Callable, Mapping, Sequence

import pytest

from local_http import FakeClock
from synopsis.config import FetchSettings
from synopsis.errors import ConfigError, FetchError
from synopsis.fetch import Fetcher, Request, Response
from synopsis.fetch.limits import HostLimits
from synopsis.fetch.testing import MockTransport, static_resolver

PUBLIC = "93.184.216.34"
HOSTS = {
    "news.example": [PUBLIC],
    "intranet.example": ["10.0.0.7"],
    "split.example": [PUBLIC, "192.168.1.20"],
    "xn--caf-dma.example": [PUBLIC],
}
PAGE = Response(200, (("Content-Type", "text/html"),), b"<html>page</html>")


def fetcher(
    handler: Callable[[Request], Response],
    hosts: Mapping[str, Sequence[str]] = HOSTS,
    clock: FakeClock | None = None,
    **settings: object,
) -> tuple[Fetcher, MockTransport]:
    transport = MockTransport(handler)
    values: dict[str, object] = {"robots": False, "backoff": 0.01, "per_host_rate": 1e6}
    clock = clock or FakeClock()
    made = Fetcher(
        FetchSettings(**{**values, **settings}),  # type: ignore[arg-type]
        transport,
        resolver=static_resolver(hosts),
        clock=clock.now,
        sleep=clock.sleep,
    )
    return made, transport


def by_url(answers: Mapping[str, Response]) -> Callable[[Request], Response]:
    return lambda request: answers.get(request.url, Response(404))


def test_the_request_goes_to_the_checked_address() -> None:
    fetch, transport = fetcher(lambda request: PAGE)
    assert fetch.fetch("http://news.example/a").data == b"<html>page</html>"
    [sent] = transport.requests
    assert sent.address == PUBLIC and sent.url == "http://news.example/a"


def test_a_redirect_to_a_private_address_is_refused_without_requesting_it() -> None:
    moved = Response(302, (("Location", "http://intranet.example/admin"),))
    fetch, transport = fetcher(by_url({"http://news.example/a": moved}))
    with pytest.raises(FetchError) as error:
        fetch.fetch("http://news.example/a")
    assert str(error.value) == (
        "http://intranet.example/admin: refusing to fetch from a non-public address "
        "(10.0.0.7) (redirected from http://news.example/a)"
    )
    assert error.value.input == "http://news.example/a"
    assert [r.url for r in transport.requests] == ["http://news.example/a"]


def test_a_redirect_to_a_private_address_is_followed_when_allowed() -> None:
    moved = Response(302, (("Location", "http://intranet.example/admin"),))
    answers = {"http://news.example/a": moved, "http://intranet.example/admin": PAGE}
    fetch, transport = fetcher(by_url(answers), allow_private_urls=True)
    assert fetch.fetch("http://news.example/a").url == "http://intranet.example/admin"
    assert transport.requests[-1].address == "10.0.0.7"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/", "non-public address (127.0.0.1)"),
        ("http://[::ffff:127.0.0.1]/", "non-public address (127.0.0.1)"),
        ("http://[::1]/", "non-public address (::1)"),
        ("http://169.254.169.254/latest/meta-data", "non-public address (169.254.169.254)"),
        ("http://split.example/", "non-public address (192.168.1.20)"),
    ],
)
def test_a_redirect_to_a_non_public_address_is_refused(url: str, reason: str) -> None:
    moved = Response(301, (("Location", url),))
    fetch, transport = fetcher(by_url({"http://news.example/": moved}))
    with pytest.raises(FetchError, match="refusing") as error:
        fetch.fetch("http://news.example/")
    assert reason in str(error.value)
    assert len(transport.requests) == 1


@pytest.mark.parametrize("address", ["0.0.0.0", "224.0.0.1", "ff02::1"])
def test_unspecified_and_multicast_addresses_are_never_fetched(address: str) -> None:
    fetch, transport = fetcher(
        lambda request: PAGE, {"odd.example": [address]}, None, allow_private_urls=True
    )
    with pytest.raises(FetchError, match="refusing to fetch from"):
        fetch.fetch("http://odd.example/")
    assert transport.requests == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://news.example/a", "only http and https URLs can be fetched, not 'ftp'"),
        ("file:///etc/passwd", "only http and https URLs can be fetched, not 'file'"),
        ("javascript:alert(1)", "only http and https"),
        ("news.example/a", "only http and https URLs can be fetched, not 'none'"),
        ("http://user:secret@news.example/", "URLs with credentials are not fetched"),
        ("http://:80/", "no host"),
        ("http://news.example:99999/", "not a valid URL"),
        ("http://news.example/a b", "spaces or control characters"),
        ("http://news.example/\r\nX-Injected: 1", "spaces or control characters"),
        ("http://nowhere.example/", "cannot resolve 'nowhere.example'"),
    ],
)
def test_urls_that_may_not_be_fetched_are_refused_before_any_request(url: str, reason: str) -> None:
    fetch, transport = fetcher(lambda request: PAGE)
    with pytest.raises(FetchError) as error:
        fetch.fetch(url)
    assert reason in str(error.value) and error.value.input == url
    assert transport.requests == []


def test_a_redirect_to_another_scheme_or_nowhere_is_refused() -> None:
    answers = {
        "http://news.example/ftp": Response(302, (("Location", "ftp://news.example/a"),)),
        "http://news.example/empty": Response(302),
    }
    fetch, _ = fetcher(by_url(answers))
    with pytest.raises(FetchError, match=r"not 'ftp' \(redirected from http://news"):
        fetch.fetch("http://news.example/ftp")
    with pytest.raises(FetchError, match="redirect without a Location"):
        fetch.fetch("http://news.example/empty")


def test_a_unicode_host_and_path_are_sent_as_ascii() -> None:
    fetch, transport = fetcher(lambda request: PAGE)
    result = fetch.fetch("http://café.example/naïve?q=ü&x=%2F")
    assert result.url == "http://xn--caf-dma.example/na%C3%AFve?q=%C3%BC&x=%2F"
    assert transport.requests[0].url == result.url


def test_every_request_carries_the_user_agent_and_conditions() -> None:
    fetch, transport = fetcher(lambda request: Response(304, (("ETag", '"v2"'),)))
    result = fetch.fetch("http://news.example/a", etag='"v1"', last_modified="yesterday")
    assert result.not_modified and result.etag == '"v2"' and result.last_modified == "yesterday"
    [sent] = transport.requests
    assert sent.header("user-agent") == FetchSettings().user_agent
    assert (sent.header("If-None-Match"), sent.header("If-Modified-Since")) == ('"v1"', "yesterday")
    with pytest.raises(FetchError, match="If-None-Match"):
        fetch.fetch("http://news.example/a", etag='"v1"\r\nX-Injected: 1')


def test_retry_after_is_honoured() -> None:
    answers = iter([Response(429, (("Retry-After", "3"),)), Response(503), PAGE])
    clock = FakeClock()
    fetch, transport = fetcher(lambda request: next(answers), clock=clock)
    assert fetch.fetch("http://news.example/a").status == 200
    assert len(transport.requests) == 3
    assert clock.sleeps == [3.0, 0.02]


def test_a_retry_after_longer_than_allowed_fails_at_once() -> None:
    fetch, transport = fetcher(
        lambda request: Response(503, (("Retry-After", "3600"),)), max_retry_wait=30
    )
    with pytest.raises(FetchError) as error:
        fetch.fetch("http://news.example/a")
    assert "HTTP 503" in str(error.value) and "fetch.max_retry_wait" in str(error.value)
    assert len(transport.requests) == 1


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (TimeoutError("timed out"), "timed out (no answer within fetch.timeout, 10 s)"),
        (ConnectionResetError(104, "Connection reset by peer"), "connection failed"),
        (http.client.IncompleteRead(b"par", 10), "connection failed (IncompleteRead"),
        (OSError("network is unreachable"), "connection failed"),
    ],
)
def test_network_failures_are_retried_and_become_fetch_errors(
    failure: Exception, reason: str
) -> None:
    def fail(request: Request) -> Response:
        raise failure

    clock = FakeClock()
    fetch, transport = fetcher(fail, clock=clock, retries=3)
    with pytest.raises(FetchError) as error:
        fetch.fetch("http://news.example/a")
    assert reason in str(error.value) and "(4 attempts)" in str(error.value)
    assert len(transport.requests) == 4
    assert clock.sleeps == [0.01, 0.02, 0.04]


def test_backoff_waits_no_longer_than_max_retry_wait() -> None:
    clock = FakeClock()
    fetch, _ = fetcher(
        lambda r: Response(500), clock=clock, retries=3, backoff=10, max_retry_wait=15
    )
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch.fetch("http://news.example/a")
    assert clock.sleeps == [10, 15, 15]


def test_an_unknown_content_coding_is_an_error() -> None:
    fetch, _ = fetcher(lambda r: Response(200, (("Content-Encoding", "br"),), b"..."))
    with pytest.raises(FetchError, match="content coding 'br' is not supported"):
        fetch.fetch("http://news.example/a")


def test_robots_txt_is_fetched_through_the_guard_with_the_user_agent() -> None:
    answers = {
        "http://news.example/robots.txt": Response(200, (), b"User-agent: *\nDisallow: /x\n"),
        "http://news.example/a": PAGE,
    }
    fetch, transport = fetcher(by_url(answers), robots=True)
    fetch.fetch("http://news.example/a")
    with pytest.raises(FetchError, match="robots"):
        fetch.fetch("http://news.example/x/1")
    assert [r.url for r in transport.requests] == [
        "http://news.example/robots.txt",
        "http://news.example/a",
    ]
    assert all(r.address == PUBLIC for r in transport.requests)
    assert {r.header("User-Agent") for r in transport.requests} == {FetchSettings().user_agent}


def test_host_limits_space_starts_per_host() -> None:
    clock = FakeClock()
    limits = HostLimits(2, 10.0, clock=clock.now, sleep=clock.sleep)
    for host in ("a.example", "a.example", "b.example", "a.example"):
        with limits.slot(host):
            pass
    # a.example at 0, then 0.1 (slept 0.1), b.example at once, a.example at 0.2 (slept 0.1)
    assert clock.sleeps == pytest.approx([0.1, 0.1])


@pytest.mark.parametrize(
    ("values", "setting"),
    [
        ({"timeout": 0}, "fetch.timeout"),
        ({"response_timeout": -1}, "fetch.response_timeout"),
        ({"per_host_rate": 0}, "fetch.per_host_rate"),
        ({"retries": -1}, "fetch.retries"),
        ({"max_bytes": 0}, "fetch.max_bytes"),
        ({"per_host_concurrency": 0}, "fetch.per_host_concurrency"),
        ({"user_agent": "bot\r\nX-Injected: 1"}, "fetch.user_agent"),
        ({"user_agent": "  "}, "fetch.user_agent"),
    ],
)
def test_fetch_settings_are_checked(values: dict[str, object], setting: str) -> None:
    with pytest.raises(ConfigError) as error:
        FetchSettings(**values)  # type: ignore[arg-type]
    assert error.value.setting == setting
