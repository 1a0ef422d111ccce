"""HTML pages: main text with trafilatura, falling back to the page's ``<p>`` text.

Paragraphs are separated by a blank line. Title, outlet, date and URL come
from trafilatura's metadata, else from ``<title>``, ``og:site_name``,
``<link rel="canonical">`` and ``og:url``. :func:`fragment_paragraphs` turns an
HTML snippet (a feed entry) into paragraphs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import trafilatura
from trafilatura.settings import Document

from ..records import Failure
from .decoding import declared_html_charset, decode_or_fail
from .fields import Draft, Outcome, parse_published

MIN_EXTRACTED_SHARE = 0.1
"""Below this share of the page's ``<p>`` text, trafilatura's extraction is not trusted.

Measured on the article-extraction-benchmark: at 0.25 the ``<p>`` fallback
replaced good extractions of short articles on pages full of teasers."""

MIN_PRECISE_SHARE = 0.5
"""Below this share of the balanced extraction, the precision-mode one lost article text."""

_DATE_PARAMS = {
    "original_date": True,
    # The extensive search guesses (a copyright year becomes January 1st).
    "extensive_search": False,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
"""``<meta>`` names and properties (lower case) that hold a publication date, best first."""

_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_COMMENT_CLOSE = re.compile(r"--\s*>")  # what closes a comment to Python's parser

_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table"),
        *("td", "th", "tr", "ul"),
    }
)
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})

logger = logging.getLogger(__name__)


def read_html(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    yield draft_from_html_bytes(data, source, path)


def draft_from_html_bytes(
    data: bytes,
    source: str,
    path: str | None,
    url: str | None = None,
    charset: str | None = None,
) -> Draft | Failure:
    """A draft from an HTML page's bytes (``charset``: what the server declared)."""
    decoded = decode_or_fail(data, source, charset or declared_html_charset(data))
    if isinstance(decoded, Failure):
        return decoded
    draft = draft_from_html(decoded.text, source, path, url)
    if isinstance(draft, Draft):
        draft.metadata["encoding"] = decoded.encoding
    return draft


def draft_from_html(
    html: str, source: str, path: str | None, url: str | None = None
) -> Draft | Failure:
    """A draft from an HTML page; ``url``, if given, is where the page was fetched."""
    page = scan_html(html)
    document = _extract(html, url) or Document()
    paragraphs, extractor = _choose_paragraphs(document, page)
    title = document.title or page.title
    paragraphs = _drop_leading_title(paragraphs, title)
    if not paragraphs:
        return Failure(source, "no article text found in HTML")
    draft = Draft(
        source,
        "\n\n".join(paragraphs),
        path=path,
        title=title,
        outlet=document.sitename or page.meta.get("og:site_name"),
        url=url or document.url or page.canonical or page.meta.get("og:url"),
        language=page.language,
        metadata={"extractor": extractor},
    )
    _set_page_published(draft, page, document)
    _add_document_metadata(draft, document)
    return draft


def fragment_paragraphs(markup: str) -> list[str]:
    """The text of an HTML fragment, one string per block (paragraph, list item…)."""
    return scan_html(markup).blocks


@dataclass(slots=True)
class PageScan:
    """What the standard-library parser sees in a page."""

    title: str | None = None
    language: str | None = None
    canonical: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    json_ld: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)


def scan_html(html: str) -> PageScan:
    """Scan ``html`` with the standard library's lenient parser."""
    scanner = _Scanner()
    try:
        scanner.feed(defuse_unclosed(html))
        scanner.close()
    except (AssertionError, ValueError):  # badly broken markup: keep what was seen
        logger.debug("HTML scan stopped early", exc_info=True)
    return scanner.finish()


def defuse_unclosed(html: str) -> str:
    """``html`` with the markup that can never be closed turned into the text it reads as.

    Python's parser (before its 2025 security releases) tries every ``<`` of a
    tag, comment or ``<![`` section that is never closed again from there to
    the end of the page: quadratic, hours on a few megabytes of ``<a b='``.
    Such markup is text to it in the end, so it is escaped up front: every
    ``<`` after the page's last ``>``, every ``<!--`` after its last comment
    close (``-->``), every ``<![`` after its last ``]``. A page whose markup
    is all closed is left as it is.
    """
    last_gt = html.rfind(">") + 1
    head, tail = html[:last_gt], html[last_gt:]
    tail = tail.replace("<", "&lt;")
    comment_end = max((match.end() for match in _COMMENT_CLOSE.finditer(head)), default=0)
    head = _escape_after(head, comment_end, "<!--")
    return _escape_after(head, head.rfind("]") + 1, "<![") + tail


def _escape_after(html: str, start: int, opener: str) -> str:
    if opener not in html[start:]:
        return html
    return html[:start] + html[start:].replace(opener, "&lt;" + opener[1:])


def _extract(html: str, url: str | None) -> Document | None:
    """trafilatura's document (text and metadata), or its metadata alone, or ``None``.

    Precision mode first: it leaves out more of the sidebars, teasers and
    newsletter boxes that the balanced mode keeps. When it returns much less
    text than the balanced mode (it sometimes drops whole article sections),
    the balanced extraction is used instead.
    """
    try:
        precise = _bare_extraction(html, url, favor_precision=True)
        balanced = _bare_extraction(html, url, favor_precision=False)
        document = _prefer(precise, balanced)
        if document is None:
            document = trafilatura.extract_metadata(html, url, dict(_DATE_PARAMS))
    except Exception:  # a third-party parser failing on odd markup must not sink the batch
        logger.debug("trafilatura failed on a page", exc_info=True)
        return None
    return document


def _bare_extraction(html: str, url: str | None, *, favor_precision: bool) -> Document | None:
    document = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=favor_precision,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        date_extraction_params=dict(_DATE_PARAMS),
    )
    return document if isinstance(document, Document) else None


def _prefer(precise: Document | None, balanced: Document | None) -> Document | None:
    """The precision-mode document unless it lost much of the balanced one's text."""
    if precise is None or not precise.text:
        return balanced or precise
    if balanced is None or not balanced.text:
        return precise
    if len(precise.text) < MIN_PRECISE_SHARE * len(balanced.text):
        return balanced
    return precise


def _choose_paragraphs(document: Document, page: PageScan) -> tuple[list[str], str]:
    extracted = _split_lines(document.text) if document.text else []
    extracted_chars = sum(map(len, extracted))
    page_chars = sum(map(len, page.paragraphs))
    if extracted and extracted_chars >= MIN_EXTRACTED_SHARE * page_chars:
        return extracted, "trafilatura"
    return page.paragraphs, "paragraphs"


def _split_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _drop_leading_title(paragraphs: list[str], title: str | None) -> list[str]:
    if paragraphs and title and _same_words(paragraphs[0], title):
        return paragraphs[1:]
    return paragraphs


def _same_words(a: str, b: str) -> bool:
    return a.casefold().split() == b.casefold().split()


def _set_page_published(draft: Draft, page: PageScan, document: Document) -> None:
    """The date the page declares (meta tags, JSON-LD), else the one trafilatura found.

    Declared dates come first: trafilatura's date finder prefers a date in the
    URL, which has no time of day.
    """
    candidates = [*_declared_dates(page), *([document.date] if document.date else [])]
    for raw in candidates:
        published = parse_published(raw)
        if published is not None:
            draft.published = published
            return
    if candidates:
        draft.set_published(candidates[0])


def _declared_dates(page: PageScan) -> list[str]:
    dates = [page.meta[key] for key in _PUBLISHED_META if key in page.meta]
    for block in page.json_ld:
        dates.extend(match.group(1) for match in _JSON_LD_PUBLISHED.finditer(block))
    return dates


def _add_document_metadata(draft: Draft, document: Document) -> None:
    for name, value in (
        ("author", document.author),
        ("description", document.description),
        ("hostname", document.hostname),
    ):
        if value:
            draft.metadata[name] = value


class _Scanner(HTMLParser):
    """Collects ``<title>``, ``lang``, canonical URL, ``<meta>``, ``<p>`` and block text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._hidden = 0
        self._in_title = False
        self._title: list[str] = []
        self._paragraph: list[str] | None = None
        self._block: list[str] = []
        self._json_ld: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
            if tag == "script" and attributes.get("type", "").strip() == "application/ld+json":
                self._json_ld = []
        elif tag == "title":
            self._in_title = True
        elif tag == "html" and attributes.get("lang", "").strip():
            self.scan.language = attributes["lang"].strip()
        elif tag == "meta":
            self._add_meta(attributes)
        elif tag == "link" and "canonical" in attributes.get("rel", "").lower().split():
            self.scan.canonical = attributes.get("href", "").strip() or None
        elif tag == "time" and attributes.get("itemprop", "").lower() == "datepublished":
            self._add_meta({"itemprop": "datePublished", "content": attributes.get("datetime", "")})
        if tag in _BLOCK_TAGS:
            self._end_block()
        if tag == "p":
            self._end_paragraph()
            self._paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
            if tag == "script" and self._json_ld is not None:
                self.scan.json_ld.append("".join(self._json_ld))
                self._json_ld = None
        elif tag == "title":
            self._in_title = False
        if tag in _BLOCK_TAGS:
            self._end_block()
        if tag == "p":
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self._json_ld is not None:
            self._json_ld.append(data)
        if self._hidden:
            return
        if self._in_title:
            self._title.append(data)
            return
        self._block.append(data)
        if self._paragraph is not None:
            self._paragraph.append(data)

    def finish(self) -> PageScan:
        self._end_block()
        self._end_paragraph()
        self.scan.title = _squash(self._title) or None
        return self.scan

    def _add_meta(self, attributes: dict[str, str]) -> None:
        names = ("property", "name", "itemprop")
        key = next((attributes[n] for n in names if attributes.get(n)), "").strip().lower()
        content = attributes.get("content", "").strip()
        if key and content:
            self.scan.meta.setdefault(key, content)

    def _end_block(self) -> None:
        text = _squash(self._block)
        if text:
            self.scan.blocks.append(text)
        self._block = []

    def _end_paragraph(self) -> None:
        if self._paragraph is not None:
            text = _squash(self._paragraph)
            if text:
                self.scan.paragraphs.append(text)
        self._paragraph = None


def _squash(parts: list[str]) -> str:
    return " ".join("".join(parts).split())
