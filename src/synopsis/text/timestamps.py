"""Date and time stamps that scraping pasted into an article's title or text.

Pages print when a story was posted in every format there is: "Posted: Jul
07, 2012 7:40 PM ET", "12 / 16 / 08 1: 30 AM", "Sat Nov 12 2011, 01: 19 hrs",
"26 September 2013, 10: 00 (GMT+05: 00)", "2013 - 09 - 26". A line is a stamp
when, once its spacing is repaired and its labels ("Posted", "Last updated
on") set aside, every word left is a part of a date or a time (a month, a
weekday, a number, a clock time, a zone) and a year is among them; a line
that says anything else ("Two died on May 5, 2010") is not a stamp. The
first date of a stamp is read with dateutil (month before day where both are
numbers, as US pages print them); a time without a zone is taken as UTC.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime

from dateutil import parser as date_parser

# Spacing that tokenised text puts inside dates and times: "7: 35", "11 / 27 / 2005",
# "2013 - 09 - 26", "08. 07. 2012", "p. m.".
_SPACED_COLON = re.compile(r"(?<=\d)\s*:\s*(?=\d)")
_SPACED_SLASH = re.compile(r"(?<=\d)\s*/\s*(?=\d)")
_SPACED_ISO = re.compile(r"\b(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})\b")
_SPACED_DOTS = re.compile(r"\b(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\b")
_DOTTED_TIME = re.compile(r"\b(\d{1,2})\.\s?(\d{2})(?=\s*[ap]\.?\s?m\b|\s*$)", re.IGNORECASE)
_MERIDIEM = re.compile(r"\b([ap])\.\s?m\.?", re.IGNORECASE)

_LABELS = frozenset(
    "posted updated update published publish first last modified created edited originally "
    "story article date time on at by in of the hrs hr uk local downloaded".split()
)
_MONTHS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june "
    "july august september october november december novemer".split()
)
_WEEKDAYS = frozenset(
    "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)
_DATE_TOKEN = re.compile(
    r"\d{1,4}(?:st|nd|rd|th)?"  # a day, a year, an ordinal
    r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?"  # 11/27/2005, 4/9
    r"|\d{4}-\d{2}-\d{2}(?:t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:z|[+-]\d{2}:?\d{2})?"  # ISO 8601
    r"|[+-]\d{2}:?\d{2}"  # +0200, -05:00
    r"|\d{1,2}\.\d{1,2}\.\d{4}"  # 08.07.2012
    r"|\d{1,2}:\d{2}(?::\d{2})?(?:[ap]m?)?"  # 7:35, 5:55p, 10:04pm
    r"|\d{1,2}(?:[ap]m)"  # 7am
    r"|[ap]m"
    r"|(?:gmt|utc)(?:[+-]\d{1,2}(?::?\d{1,2})?)?",  # GMT, GMT+05:00
)
_ZONE_NAMES = frozenset(
    "et pt ct mt ut z edt est cdt cst mdt mst pdt pst akdt akst hst adt ast ndt nst bst ist cet "
    "cest eet eest wet west msk gst pkt hkt sgt jst kst aest aedt acst awst nzst nzdt sast eat "
    "wat cat wib".split()
)
_YEAR = re.compile(r"(?<![\d:])(?:19|20)\d{2}(?![\d:])|\d{1,2}/\d{1,2}/\d{2,4}")
_PIECE = re.compile(r"[^\s,|@()\[\]–—;]+")
_MAX_WORDS = 16
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_ZONE_LIKE = re.compile(r"[A-Z]{2,4}")
_ZONE_OFFSET = re.compile(r"\b(?:gmt|utc)\s*(?=[+-]\d)", re.IGNORECASE)
# Several stamps on one line ("Posted ... Updated ..."): read the first.
_SECOND_LABEL = re.compile(
    r"(?<=\S)\s+(?=(?:last\s+)?(?:updated|edited|modified|originally)\b)", re.IGNORECASE
)

# Zone abbreviations common in news timestamps, in seconds east of UTC.
ZONES = {
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


def repair_spacing(text: str) -> str:
    """Close the gaps tokenised text leaves inside dates and times ("7: 35" → "7:35")."""
    text = _SPACED_ISO.sub(r"\1-\2-\3", text)
    text = _SPACED_DOTS.sub(r"\1.\2.\3", text)
    text = _SPACED_COLON.sub(":", text)
    text = _SPACED_SLASH.sub("/", text)
    text = _DOTTED_TIME.sub(r"\1:\2", text)
    return _MERIDIEM.sub(r"\1m", text)


def _is_date_word(piece: str, clocked: bool) -> bool:
    signed = piece[0] in "+-" and piece[1:2].isdigit()  # an offset: +0200, -05:00
    word = piece if signed else piece.strip(".'’:-")
    lowered = word.lower()
    if not word or lowered in _LABELS or lowered in _MONTHS or lowered in _WEEKDAYS:
        return True
    if lowered in {"-", "+"} or lowered in _ZONE_NAMES:
        return True
    # After a clock time, a capitalised abbreviation is a zone even if unknown ("AMT").
    if clocked and _ZONE_LIKE.fullmatch(word):
        return True
    return bool(_DATE_TOKEN.fullmatch(word) or _DATE_TOKEN.fullmatch(lowered))


def is_stamp(line: str) -> bool:
    """Whether ``line`` is nothing but a date or time stamp that gives a year."""
    repaired = repair_spacing(line.strip())
    pieces = _PIECE.findall(repaired)
    if not pieces or len(pieces) > _MAX_WORDS or not _YEAR.search(repaired):
        return False
    named_month = any(p.strip(".").lower() in _MONTHS for p in pieces)
    if not named_month and not any(any(c.isdigit() for c in p) for p in pieces):
        return False
    clocked = False  # an unknown zone is taken only after a clock, in a month-named date
    for piece in pieces:
        if not _is_date_word(piece, clocked):
            return False
        clocked = clocked or (named_month and bool(_CLOCK.search(piece)))
    return True


def stamp_time(line: str) -> datetime | None:
    """The time a stamp line gives (``None`` when it is not a stamp or cannot be read)."""
    if not is_stamp(line):
        return None
    repaired = repair_spacing(line.strip())
    first = _SECOND_LABEL.split(repaired, maxsplit=1)[0]
    for candidate in (first, repaired):
        parsed = _parse(candidate)
        if parsed is not None:
            return parsed
    return None


def leading_stamp(paragraph: str, min_rest: int = 20) -> tuple[str, str]:
    """``(stamp, rest)`` of a paragraph that opens with a stamp ("May 5, 2010 Three people…").

    The rest must start a sentence (a capital letter or a quote) and run at
    least ``min_rest`` characters; otherwise ``("", paragraph)``.
    """
    words = paragraph.split(" ")
    for end in range(min(len(words) - 1, _MAX_WORDS), 1, -1):
        head, rest = " ".join(words[:end]), " ".join(words[end:]).lstrip()
        if len(rest) < min_rest or not (rest[0].isupper() or rest[0] in "\"“‘'"):
            continue
        if rest.split(" ", 1)[0].strip(",.").lower() in _MONTHS | _WEEKDAYS:
            continue
        if is_stamp(head) and stamp_time(head) is not None:
            return head, rest
    return "", paragraph


def _parse(text: str) -> datetime | None:
    cleaned = re.sub(r"[|@()\[\]]", " ", text)
    # "GMT+05:00" on a news page means five hours east; dateutil reads the
    # POSIX sense (west) unless the offset stands alone.
    cleaned = _ZONE_OFFSET.sub(" ", cleaned)
    try:
        with warnings.catch_warnings():
            # An unknown zone name ("IST") is dropped and the time read as UTC.
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            parsed: datetime = date_parser.parse(cleaned, fuzzy=True, tzinfos=ZONES)
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1900 <= parsed.year <= 2100:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


__all__ = ["ZONES", "is_stamp", "leading_stamp", "repair_spacing", "stamp_time"]
