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
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import ftfy
from dateutil import parser as date_parser
from rapidfuzz import fuzz

from ..records import Article, Removal, RemovalKind, normalise_for_hash
from . import timestamps
from .quality import artefact_count, assess
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
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"


# Near-identical repeated paragraphs (one with straight, one with curly quotes,
# one with a word changed) score at least this on rapidfuzz's ratio (0–100).
_NEAR_DUPLICATE_RATIO = 90.0
_SHORT_WIDGET_WORDS = 12
# A doubled paragraph is a scraping artefact when the copy follows within a
# few paragraphs. Short lines (headings, recipe labels) and lines a page
# repeats three times or more (an interview's questions, a template) are
# structure, not doubling: they stay.
_DUPLICATE_WINDOW = 4
_DUPLICATE_MIN_WORDS = 6
# A long paragraph repeated word for word is doubled wherever the copy is
# (a scraper that pasted the whole body twice).
_ANYWHERE_MIN_WORDS = 15
_NEAR_DUPLICATE_MIN_WORDS = 10
_TEMPLATE_REPEATS = 3

# A photo caption pasted into the body: a present-tense "X meets with Y at Z"
# line with no closing punctuation (article sentences end with one).
_CAPTION_STYLE = re.compile(
    r"^[A-Z\"“‘'][^.!?]{0,200}?\b(?:meets|speaks|talks|arrives|attends|gestures|looks on|"
    r"shakes hands|poses|waves|listens|walks|delivers|greets|chats|(?:is|are) (?:seen|pictured))"
    r"\b[^.!?:]*$"
)
_CAPTION_STYLE_MAX_WORDS = 35

# A dateline opening the body: "WASHINGTON (AP) — ", "BEIJING, April 26 (Reuters) - ",
# "MARRENDAL, Kaldemark, March 14 (Nordpress) – ", "Beijing.- ". A capitalised
# name followed by a dash alone ("Anna Berg - the mayor - said") is not one:
# the place must be in capitals, or carry a date or an agency, or end in ".-".
_DASH = r"(?:\s*[-–—]+|\.-)\s+"
_PLACE = r"[A-Z][A-Za-z'’.]*(?:[ -][A-Z][A-Za-z'’.]*){0,3}"
_DATE_PART = rf"(?i:{_MONTH})\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
_DATELINE = re.compile(
    rf"^(?:"
    rf"(?P<caps>[A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+){{0,3}})(?:,\s*{_PLACE})?"
    rf"(?:,\s*(?P<date1>{_DATE_PART}))?(?:\s*\((?P<agency1>[A-Za-z .&/-]{{2,30}})\))?{_DASH}"
    rf"|{_PLACE}(?:,\s*{_PLACE})?(?:,\s*(?P<date2>{_DATE_PART}))?"
    rf"\s*\((?P<agency2>[A-Za-z .&/-]{{2,30}})\){_DASH}"
    rf"|{_PLACE}(?:,\s*{_PLACE})?,\s*(?P<date3>{_DATE_PART}){_DASH}"
    rf"|[A-Z][a-z]+(?: [A-Z][a-z]+)*\.-\s+"
    rf")(?=[A-Z“\"‘'])",
)


def clean(article: Article) -> Article:
    """The article with junk paragraphs removed from ``text`` and listed in ``removed``.

    Quality flags of what is left (doubled paragraphs, spinner and
    machine-translation artefacts, run-together words) go to ``quality``.
    """
    # Keep the outlet's typography: curly quotes are not mojibake.
    repaired = ftfy.fix_text(article.raw_text or article.text, uncurl_quotes=False)
    paragraphs = split_paragraphs(repaired)
    removed: list[tuple[int, Removal]] = []
    body: list[tuple[int, str]] = []
    published = article.published
    title = article.title
    if title and timestamps.is_stamp(title):
        # A page whose headline slot held its time stamp: keep the time, drop the title.
        removed.append((-1, Removal(RemovalKind.TIMESTAMP, title)))
        published = published or timestamps.stamp_time(title)
        title = None
    in_teaser_list = False
    for position, paragraph in enumerate(paragraphs):
        kind = classify_junk(paragraph)
        if kind is None and in_teaser_list and _is_headline(paragraph):
            kind = RemovalKind.LINK_BAIT
        in_teaser_list = kind is RemovalKind.LINK_BAIT and (
            in_teaser_list or _is_teaser_header(paragraph)
        )
        if kind is RemovalKind.TIMESTAMP and published is None:
            published = parse_timestamp(paragraph)
        if kind is not None:
            removed.append((position, Removal(kind, paragraph)))
            continue
        if not body:
            stamp, paragraph = timestamps.leading_stamp(paragraph)
            if stamp:
                removed.append((position, Removal(RemovalKind.TIMESTAMP, stamp)))
                published = published or timestamps.stamp_time(stamp)
            dateline, paragraph = split_dateline(paragraph)
            if dateline:
                removed.append((position, Removal(RemovalKind.DATELINE, dateline)))
                published = published or parse_dateline_date(dateline)
        body.append((position, paragraph))
    kept, doubled = _collapse_doubled(body)
    removed.extend(doubled)
    removed.sort(key=lambda item: item[0])
    cleaned = replace(
        article,
        text=join_paragraphs(kept),
        title=title,
        removed=[*article.removed, *(removal for _, removal in removed)],
        published=published,
    )
    cleaned.quality = assess(cleaned)
    return cleaned


def split_dateline(paragraph: str) -> tuple[str, str]:
    """``(dateline, rest)`` of an opening paragraph; ``("", paragraph)`` when it has none."""
    match = _DATELINE.match(paragraph)
    if match is None or len(paragraph) - match.end() < 20:
        return "", paragraph
    return paragraph[: match.end()].strip(), paragraph[match.end() :]


def parse_dateline_date(dateline: str) -> datetime | None:
    """The date of a dateline that gives its year ("BEIJING, April 26, 2024 (Reuters) -")."""
    found = re.search(rf"{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}", dateline, re.IGNORECASE)
    if found is None:
        return None
    try:
        parsed: datetime = date_parser.parse(found.group(0))
    except (ValueError, OverflowError):
        return None
    return parsed.replace(tzinfo=UTC)


def _collapse_doubled(body: list[tuple[int, str]]) -> tuple[list[str], list[tuple[int, Removal]]]:
    """Keep one of each doubled paragraph: the one with fewer artefacts, at the first place."""
    keys = [normalise_for_hash(text) for _, text in body]
    counts = Counter(keys)
    kept: list[int] = []  # indexes into body, in order
    texts = {i: text for i, (_, text) in enumerate(body)}
    removed: list[tuple[int, Removal]] = []
    for i, key in enumerate(keys):
        earlier = _doubled_of(i, keys, kept, counts)
        if earlier is None:
            kept.append(i)
            continue
        position = body[i][0]
        if artefact_count(texts[i]) < artefact_count(texts[earlier]):
            # The copy reads better: it takes the first one's place.
            removed.append((position, Removal(RemovalKind.DUPLICATE_PARAGRAPH, texts[earlier])))
            texts[earlier] = texts[i]
            keys[earlier] = key
        else:
            removed.append((position, Removal(RemovalKind.DUPLICATE_PARAGRAPH, texts[i])))
    return [texts[i] for i in kept], removed


def _doubled_of(i: int, keys: list[str], kept: list[int], counts: Counter[str]) -> int | None:
    key = keys[i]
    if not key:
        return None
    words = len(key.split())
    if words < _DUPLICATE_MIN_WORDS or counts[key] >= _TEMPLATE_REPEATS:
        return None
    for j in reversed(kept):
        earlier = keys[j]
        if key == earlier and (i - j <= _DUPLICATE_WINDOW or words >= _ANYWHERE_MIN_WORDS):
            return j
        if i - j > _DUPLICATE_WINDOW:
            continue
        if (
            min(words, len(earlier.split())) >= _NEAR_DUPLICATE_MIN_WORDS
            and fuzz.ratio(key, earlier) >= _NEAR_DUPLICATE_RATIO
        ):
            return j
    return None


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
    if (_CAPTION.search(text) and words <= 40) or (
        _CAPTION_STYLE.match(text) and words <= _CAPTION_STYLE_MAX_WORDS
    ):
        return RemovalKind.CAPTION
    if _BOILERPLATE.match(text) and words <= 30:
        return RemovalKind.BOILERPLATE
    if is_timestamp_line(text):
        return RemovalKind.TIMESTAMP
    return None


def is_timestamp_line(text: str) -> bool:
    """A line that is only a date or time stamp ("Updated 15 March 2026, 09:42")."""
    return timestamps.is_stamp(text)


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


def parse_timestamp(text: str) -> datetime | None:
    """A datetime from a pasted timestamp line (``2024-05-01 03:30:35``, ``15 March 2026, 09:42``).

    Times without a zone are taken as UTC (see :mod:`synopsis.timestamps`).
    """
    return timestamps.stamp_time(text)


@dataclass(frozen=True, slots=True)
class RemovalCheck:
    """One removal checked against the article's kept text and other reports of the event.

    ``twin`` is the kept paragraph a doubled one duplicates (``""`` if none);
    ``elsewhere`` is the most similar sentence of the other articles and
    ``elsewhere_score`` its rapidfuzz ``partial_ratio`` (0–100). A removal is
    suspect when it is a doubled paragraph without a kept twin, or any other
    removal that another report carries as article text.
    """

    article: str
    kind: RemovalKind
    text: str
    twin: str
    elsewhere: str
    elsewhere_score: float

    @property
    def suspect(self) -> bool:
        if self.kind is RemovalKind.DUPLICATE_PARAGRAPH:
            return not self.twin
        return self.elsewhere_score >= _ELSEWHERE_SUSPECT


_ELSEWHERE_SUSPECT = 90.0
_ELSEWHERE_MIN_WORDS = 6


def check_removals(articles: list[Article]) -> list[RemovalCheck]:
    """Every removal of ``articles`` (cleaned), checked: was any of it article text?

    A doubled paragraph must have a near-identical twin still in the text; any
    other removal of six words or more must not be found (partial ratio ≥ 90)
    among the sentences of the *other* articles, which report the same event:
    if another outlet prints it as article text, it probably was.
    """
    checks: list[RemovalCheck] = []
    for article in articles:
        kept = split_paragraphs(article.text)
        others = [
            paragraph
            for other in articles
            if other.id != article.id
            for paragraph in split_paragraphs(other.text)
        ]
        for removal in article.removed:
            twin = ""
            if removal.kind is RemovalKind.DUPLICATE_PARAGRAPH:
                key = normalise_for_hash(removal.text)
                twin = next(
                    (
                        p
                        for p in kept
                        if fuzz.ratio(key, normalise_for_hash(p)) >= _NEAR_DUPLICATE_RATIO
                    ),
                    "",
                )
            best, score = "", 0.0
            if len(removal.text.split()) >= _ELSEWHERE_MIN_WORDS:
                for paragraph in others:
                    value = fuzz.partial_ratio(removal.text, paragraph)
                    if value > score:
                        best, score = paragraph, value
            checks.append(RemovalCheck(article.id, removal.kind, removal.text, twin, best, score))
    return checks
