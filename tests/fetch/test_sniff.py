"""Telling an article page from a feed from anything else."""

from __future__ import annotations

import pytest

from synopsis.fetch import FetchResult, sniff_kind

ATOM = b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>N</title></feed>'
RSS1 = b'<?xml version="1.0"?><!-- RSS 1.0 --><rdf:RDF xmlns:rdf="x"><channel/></rdf:RDF>'
JSON_FEED = b'{"version": "https://jsonfeed.org/version/1.1", "title": "N", "items": []}'


def page(content_type: str, data: bytes) -> FetchResult:
    return FetchResult("https://example.org/x", 200, data, content_type, None, None, None)


@pytest.mark.parametrize(
    ("content_type", "data", "kind"),
    [
        ("text/html", b"<!DOCTYPE html>\n<html lang='en'><body>a</body></html>", "html"),
        ("text/html", b"\xef\xbb\xbf  <html><body>a</body></html>", "html"),
        ("text/html", b"<meta charset='utf-8'><p>a fragment</p>", "html"),  # by its type
        ("", b"<!doctype html><title>no type</title>", "html"),
        ("text/plain", b"<html><body>mislabelled</body></html>", "html"),
        ("application/xhtml+xml", b'<?xml version="1.0"?><html xmlns="x"/>', "html"),
        ("application/rss+xml", b'<?xml version="1.0"?><rss version="2.0"/>', "feed"),
        ("text/xml", b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', "feed"),
        ("application/xml", ATOM, "feed"),
        ("text/html", ATOM, "feed"),  # a feed served as HTML is still a feed
        ("application/octet-stream", RSS1, "feed"),
        ("application/json", JSON_FEED, "feed"),
        ("application/atom+xml", b"  \n junk before <feed>", "feed"),  # by its type
        ("application/json", b'{"title": "not a feed"}', "other"),
        ("text/xml", b'<?xml version="1.0"?><urlset xmlns="x"/>', "other"),  # a sitemap
        ("image/png", b"\x89PNG\r\n\x1a\n", "other"),
        ("text/plain", b"Just words about a ferry.", "other"),
        ("application/pdf", b"%PDF-1.7", "other"),
    ],
)
def test_sniff_kind(content_type: str, data: bytes, kind: str) -> None:
    assert sniff_kind(page(content_type, data)) == kind


def test_a_utf16_feed_is_recognised() -> None:
    data = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"/>'.encode("utf-16")
    assert sniff_kind(page("text/xml", data)) == "feed"
