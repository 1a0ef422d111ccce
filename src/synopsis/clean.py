"""Cleaning: remove what scraping pasted into an article, and keep an audit of it.

Every removal is recorded on the article as a :class:`~synopsis.records.Removal`
with its kind and the exact text removed, so a reader can check that nothing
of the article itself was lost. Rules work on whole paragraphs and are
deliberately conservative: a paragraph is only removed when it *is* junk (a
"See also" teaser), never because it *mentions* junk ("as the report's see-also
section shows, …").
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import ftfy
from dateutil import parser as date_parser
from rapidfuzz import fuzz

from .records import Article, Removal, RemovalKind, normalise_for_hash
from .segment import join_paragraphs, split_paragraphs

_LINK_BAIT = re.compile(
    r"^(?:see also|read more|read also|also read|related(?: articles?| stories| coverage| news)?|"
    r"more from|recommended(?: for you)?|you may also like|don'?t miss|most read|trending|"
    r"watch|listen|click here|more on this story|further reading)\b\s*[:\-–—|»>]?",
    re.IGNORECASE,
)
_COMMENT_FORM = re.compile(
    r"^(?:leave a (?:reply|comment)|post (?:a )?comment|cancel reply|add a comment|"
    r"\d+\s+comments?|comments?(?:\s*\(\d+\))?$|your email address will not be published|"
    r"required fields are marked|(?:name|email|e-mail|website|comment)\s*\*|"
    r"save my name, email|log in to (?:comment|reply)|join the (?:conversation|discussion)|"
    r"be the first to comment|show comments|view comments)",
    re.IGNORECASE,
)
_SHARE_WIDGET = re.compile(
    r"^(?:share(?: this(?: article| story| page)?)?(?: on (?:facebook|twitter|x|linkedin|whatsapp|"
    r"reddit|email))?|tweet|pin it|email|print|copy link|follow us(?: on \w+)?|"
    r"sign up (?:for|to) (?:our|the) (?:\w+ )?newsletters?|subscribe(?: now| to our newsletter)?|"
    r"get the latest news|download (?:our|the) app|advertisement|sponsored(?: content)?)"
    r"\s*[:!.]?\s*$",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(
    r"^(?:sign up (?:for|to)|subscribe to) (?:our|the) .{0,60}newsletter"
    r"|\b(?:in|to) your inbox\b|\bnewsletter\b.{0,40}\bsign up\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"^(?:photo|image|picture|video|caption|credit|file photo|illustration)\s*(?:credit)?\s*[:|]"
    r"|[.!?]\s+(?:photo|photograph|picture|image)(?:\s*credit)?\s*:\s*[^.]{2,60}$"
    r"|(?:\((?:photo|image|picture)[^)]*\)|(?:/|\||©)\s*(?:reuters|afp|ap|getty images?|epa|"
    r"shutterstock|xinhua|anadolu|alamy)\b[^.]{0,40})\s*$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:this (?:story|article|post)(?: and (?:its )?(?:title|headline))? (?:has|have) been "
    r"updated|all rights reserved|copyright ©|© \d{4}|(?:this|the) content (?:may )?not be "
    r"(?:published|reproduced))",
    re.IGNORECASE,
)
_HASHTAG_LINE = re.compile(r"^(?:#[\w\-]+[\s,;]*){2,}$", re.UNICODE)
_TIMESTAMP_PREFIX = re.compile(
    r"^(?:(?:last )?updated|published|posted|first published|modified)(?: on| at)?\s*:?\s*",
    re.IGNORECASE,
)
_ISO_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)?"
    r"(?:\s*(?:UTC|GMT|Z|[+-]\d{2}:?\d{2}))?$",
    re.IGNORECASE,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WORDY_TIMESTAMP = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)\s*,?\s+\d{{4}}"
    rf"(?:\s*(?:,|at|-|–|\|)?\s*\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?$",
    re.IGNORECASE,
)

# Zone abbreviations common in news timestamps, in seconds east of UTC.
_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "BST": 3600,
    "CET": 3600,
    "CEST": 7200,
    "EET": 7200,
    "EEST": 10800,
    "EST": -18000,
    "EDT": -14400,
    "CST": -21600,
    "CDT": -18000,
    "PST": -28800,
    "PDT": -25200,
}

# Near-identical repeated paragraphs (one with straight, one with curly quotes,
# one with a word changed) score at least this on rapidfuzz's ratio (0–100).
_NEAR_DUPLICATE_RATIO = 90.0
_SHORT_WIDGET_WORDS = 12


def clean(article: Article) -> Article:
    """The article with junk paragraphs removed from ``text`` and listed in ``removed``."""
    # Keep the outlet's typography: curly quotes are not mojibake.
    repaired = ftfy.fix_text(article.raw_text or article.text, uncurl_quotes=False)
    paragraphs = split_paragraphs(repaired)
    removed: list[Removal] = []
    kept: list[str] = []
    seen: list[str] = []
    published = article.published
    in_teaser_list = False
    for paragraph in paragraphs:
        kind = classify_junk(paragraph)
        if kind is None and in_teaser_list and _is_headline(paragraph):
            kind = RemovalKind.LINK_BAIT
        in_teaser_list = kind is RemovalKind.LINK_BAIT and (
            in_teaser_list or _is_teaser_header(paragraph)
        )
        if kind is RemovalKind.TIMESTAMP and published is None:
            published = parse_timestamp(paragraph)
        if kind is None and _repeats(paragraph, seen):
            kind = RemovalKind.DUPLICATE_PARAGRAPH
        if kind is not None:
            removed.append(Removal(kind, paragraph))
            continue
        kept.append(paragraph)
        seen.append(normalise_for_hash(paragraph))
    return replace(
        article,
        text=join_paragraphs(kept),
        removed=[*article.removed, *removed],
        published=published,
    )


def classify_junk(paragraph: str) -> RemovalKind | None:
    """The kind of junk ``paragraph`` is, or ``None`` for article text."""
    text = paragraph.strip()
    words = len(text.split())
    if _HASHTAG_LINE.match(text):
        return RemovalKind.HASHTAGS
    if _COMMENT_FORM.match(text) and words <= 25:
        return RemovalKind.COMMENT_FORM
    if (_SHARE_WIDGET.match(text) and words <= _SHORT_WIDGET_WORDS) or (
        _NEWSLETTER.search(text) and words <= 25
    ):
        return RemovalKind.SHARE_WIDGET
    if _LINK_BAIT.match(text) and _is_teaser(text):
        return RemovalKind.LINK_BAIT
    if _CAPTION.search(text) and words <= 40:
        return RemovalKind.CAPTION
    if _BOILERPLATE.match(text) and words <= 30:
        return RemovalKind.BOILERPLATE
    if is_timestamp_line(text):
        return RemovalKind.TIMESTAMP
    return None


def is_timestamp_line(text: str) -> bool:
    """A line that is only a date or time stamp ("Updated 15 March 2026, 09:42")."""
    stamp = _TIMESTAMP_PREFIX.sub("", text.strip()).strip()
    return bool(_ISO_TIMESTAMP.match(stamp) or _WORDY_TIMESTAMP.match(stamp))


def _is_teaser(text: str) -> bool:
    """A link-bait line is a label or a linked headline, not a sentence of the story.

    "See also: Floods hit the north" and "See also  Floods hit the north" are
    teasers; "See also the minister's remarks, which contradicted him." begins
    like one but is prose: it ends a sentence.
    """
    words = text.split()
    if len(words) > 25:
        return False
    _head, colon, _rest = text.partition(":")
    return bool(colon) or len(words) <= 4 or _is_headline(text)


def _is_teaser_header(text: str) -> bool:
    """A label that introduces a list of links: "Related articles", "Read more:"."""
    label = text.strip().rstrip(":").strip()
    return bool(_LINK_BAIT.match(label)) and len(label.split()) <= 4


def _is_headline(text: str) -> bool:
    """A linked headline in a teaser list: short, no closing punctuation."""
    line = text.strip().lstrip("-–•*· ").strip()
    return 0 < len(line.split()) <= 20 and not line.endswith((".", "!", "?", '"', "”", ":"))


def _repeats(paragraph: str, seen: list[str]) -> bool:
    key = normalise_for_hash(paragraph)
    if not key:
        return True
    for earlier in seen:
        if key == earlier:
            return True
        if min(len(key), len(earlier)) >= 30 and fuzz.ratio(key, earlier) >= _NEAR_DUPLICATE_RATIO:
            return True
    return False


def parse_timestamp(text: str) -> datetime | None:
    """A datetime from a pasted timestamp line (``2024-05-01 03:30:35``, ``15 March 2026, 09:42``).

    Times without a zone are taken as UTC.
    """
    if not is_timestamp_line(text):
        return None
    stamp = _TIMESTAMP_PREFIX.sub("", text.strip()).strip()
    stamp = re.sub(r"(\d{1,2})\.(\d{2})(?=\s*(?:[ap]\.?m|$))", r"\1:\2", stamp)
    try:
        parsed: datetime = date_parser.parse(
            stamp.replace(" at ", " ").replace("|", " "), fuzzy=True, tzinfos=_ZONES
        )
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
