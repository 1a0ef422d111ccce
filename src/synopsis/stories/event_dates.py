"""When an event happened, read from the text and resolved against the article's date.

News leads say when: "on Friday", "yesterday", "last month", "in March",
"on July 21, 2013", "in 2008". :func:`find_dates` finds such phrases and
resolves each to a period of days (one day, a week, a month or a year)
against a *reference* date: the article's publication date or its dateline.
A relative phrase without a reference resolves to nothing; an absolute date
needs none. Each resolved date carries the phrase it came from and a
confidence: full dates are sure, a weekday or "yesterday" is as good as the
reference, a month or year on its own is loose (it may name the past the
article recalls, not its event).

Nonsense never raises: "February 30", "the year 99999", a reference at the
end of the calendar resolve to nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "week", "month", "year"]

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")"

# Alternatives are tried in this order at each position; the longest forms first.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", rf"\b{_YEAR}\s*-\s*(?P<mnum>\d{{1,2}})\s*-\s*(?P<dnum>\d{{1,2}})\b"),
    ("month-day-year", rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    ("day-month-year", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    ("month-day", rf"\b{_MONTH}\s+{_DAY}\b(?!\s*,?\s*\d)"),
    ("day-month", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!,?\s*\d)"),
    ("month-year", rf"\b{_MONTH},?\s+{_YEAR}\b"),
    (
        "yesterday",
        r"\b(?P<word>yesterday|today|tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b",
    ),
    ("last-period", r"\blast\s+(?P<period>week|month|year)\b"),
    ("weekday", rf"\b(?:(?P<last>last)\s+)?{_WEEKDAY}\b"),
    ("in-month", rf"\b(?:in|last|this|since|early|late|mid-?)\s+{_MONTH}\b(?!\s*\d)"),
    ("in-year", rf"\b(?:in|since|during|of)\s+{_YEAR}\b"),
)


def _alternation(patterns: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One pattern of all: each form's groups renamed ``<form>__<group>`` (names must differ)."""
    parts = []
    for name, pattern in patterns:
        form = name.replace("-", "_")
        parts.append(f"(?P<{form}>" + pattern.replace("(?P<", f"(?P<{form}__") + ")")
    return re.compile("|".join(parts), re.IGNORECASE)


# At each position the first form that matches wins: the longest forms come first.
_ANY = _alternation(_PATTERNS)
# Every form holds a digit, a capitalised month or weekday, or one of these words.
_HINT = re.compile(
    r"\d|yesterday|today|tonight|last|this|Yesterday|Today|Tonight|Last|This"
    r"|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun"
    r"|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|MON|TUE|WED|THU|FRI|SAT|SUN"
)
_FORMS = {name.replace("-", "_"): name for name, _ in _PATTERNS}

_CONFIDENCE: dict[str, float] = {
    "iso": 1.0,
    "month-day-year": 1.0,
    "day-month-year": 1.0,
    "month-day": 0.8,
    "day-month": 0.8,
    "yesterday": 0.8,
    "weekday": 0.8,
    "month-year": 0.6,
    "last-period": 0.5,
    "in-month": 0.5,
    "in-year": 0.4,
}
_MIN_YEAR, _MAX_YEAR = 1000, 9998
_AHEAD_DAYS = 31  # how far after the reference a day without a year may lie


@dataclass(frozen=True, slots=True)
class EventDate:
    """A resolved date: the days ``first`` to ``last``, how sure, and the words it came from."""

    first: date
    last: date
    precision: Precision
    confidence: float
    phrase: str

    def distance_days(self, other: EventDate) -> int:
        """Days between the two periods (0 where they overlap)."""
        return days_between(
            (self.first.toordinal(), self.last.toordinal()),
            (other.first.toordinal(), other.last.toordinal()),
        )


def days_between(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Days between two periods given as (first, last) day ordinals (0 where they overlap)."""
    if a[1] < b[0]:
        return b[0] - a[1]
    if b[1] < a[0]:
        return a[0] - b[1]
    return 0


def find_dates(text: str, reference: date | None = None) -> list[EventDate]:
    """Every date phrase of ``text`` that resolves, in text order (see the module's notes)."""
    return list(_resolved(text, reference))


def _resolved(text: str, reference: date | None) -> Iterator[EventDate]:
    if not _HINT.search(text):
        return  # most sentences name no date: one cheap scan says so
    for match in _ANY.finditer(text):
        form = match.lastgroup
        if form is None:
            continue
        prefix = form + "__"
        parts = {
            key[len(prefix) :]: value
            for key, value in match.groupdict().items()
            if value is not None and key.startswith(prefix)
        }
        if any(not parts[k][0].isupper() for k in ("month", "weekday") if k in parts):
            continue  # "may", "march" and "sunday" in lower case are not dates in news text
        name = _FORMS[form]
        try:
            period = _period(name, parts, reference)
        except (ValueError, OverflowError):
            continue  # February 30, a year past the calendar: no date
        if period is not None:
            first, last, precision = period
            yield EventDate(first, last, precision, _CONFIDENCE[name], match.group(0))


def _period(
    name: str, parts: dict[str, str], reference: date | None
) -> tuple[date, date, Precision] | None:
    if name == "iso":
        return _day(int(parts["year"]), int(parts["mnum"]), int(parts["dnum"]))
    if name in ("month-day-year", "day-month-year"):
        return _day(int(parts["year"]), _MONTHS[parts["month"].lower()], int(parts["day"]))
    if name == "month-year":
        return _month(int(parts["year"]), _MONTHS[parts["month"].lower()])
    if name == "in-year":
        year = int(parts["year"])
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        return date(year, 1, 1), date(year, 12, 31), "year"
    if reference is None:
        return None
    if name in ("month-day", "day-month"):
        month, day = _MONTHS[parts["month"].lower()], int(parts["day"])
        # The latest such day up to a month after the reference: news tells the recent
        # past, and the coming days ("by May 9" said on April 27 is this year's May).
        candidates = [
            when
            for year in (reference.year - 1, reference.year, reference.year + 1)
            if _MIN_YEAR <= year <= _MAX_YEAR
            and (when := _valid_day(year, month, day))
            and (when - reference).days <= _AHEAD_DAYS
        ]
        if not candidates:
            return None
        nearest = max(candidates)
        return nearest, nearest, "day"
    if name == "yesterday":
        back = 1 if parts["word"].lower() == "yesterday" else 0
        moment = reference - timedelta(days=back)
        return moment, moment, "day"
    if name == "weekday":
        wanted = _WEEKDAYS[parts["weekday"].lower()]
        back = (reference.weekday() - wanted) % 7
        if parts.get("last") and back == 0:
            back = 7
        moment = reference - timedelta(days=back)
        return moment, moment, "day"
    if name == "last-period":
        period = parts["period"].lower()
        if period == "week":
            return reference - timedelta(days=13), reference - timedelta(days=7), "week"
        if period == "month":
            year, month = (
                (reference.year, reference.month - 1)
                if reference.month > 1
                else (reference.year - 1, 12)
            )
            return _month(year, month)
        return _year(reference.year - 1)
    if name == "in-month":
        month = _MONTHS[parts["month"].lower()]
        year = reference.year if month <= reference.month else reference.year - 1
        return _month(year, month)
    return None


def _day(year: int, month: int, day: int) -> tuple[date, date, Precision] | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    when = date(year, month, day)
    return when, when, "day"


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None  # February 29 of a common year


def _month(year: int, month: int) -> tuple[date, date, Precision] | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1), "month"


def _year(year: int) -> tuple[date, date, Precision] | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    return date(year, 1, 1), date(year, 12, 31), "year"


__all__ = ["EventDate", "Precision", "days_between", "find_dates"]
