"""Record files: JSON Lines, JSON and CSV; every record follows :func:`draft_from_record`.

A bad record is a failure named ``file:N`` (N: the line for JSONL and CSV, the
record number from 1 for JSON); the file's other records still load. JSON
nested deeper than :data:`MAX_JSON_DEPTH` is refused before it is parsed
(:func:`load_json`), and a CSV file must open with a header row naming at
least one article field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..records import Failure, Skip
from .decoding import Decoded, decode_or_fail
from .fields import FIELD_NAMES, Draft, Outcome, draft_from_record, type_name

MAX_JSON_DEPTH = 100
"""The deepest nesting of arrays and objects a JSON document may have (records need two or
three levels; Python's parser gives up near a thousand, with a ``RecursionError``)."""

_JSON_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')
_KNOWN_FIELDS = frozenset(name for names in FIELD_NAMES.values() for name in names)


class JSONTooDeep(ValueError):
    """A JSON document nested deeper than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"nested too deeply (more than {limit} levels of arrays and objects)")
        self.limit = limit


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON ``text`` nests arrays and objects more than ``limit`` deep.

    A linear scan of the brackets outside strings; it does not check the
    JSON, so invalid text is left for the parser to report.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _JSON_STRING_OR_BRACKET.finditer(text):
        char = match.group()[0]
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def load_json(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads(text)``, refusing documents nested deeper than ``limit``.

    Raises :class:`JSONTooDeep` (a ``ValueError``) for those, and
    ``json.JSONDecodeError`` for invalid JSON, never ``RecursionError``.
    """
    if isinstance(text, bytes | bytearray):  # as json.loads decodes bytes
        text = bytes(text).decode(json.detect_encoding(text), "surrogatepass")
    if json_depth_exceeds(text, limit):
        raise JSONTooDeep(limit)
    try:
        return json.loads(text)
    except RecursionError as exc:  # a deep stack already: the parser ran out of it first
        raise JSONTooDeep(limit) from exc


def read_jsonl(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    decoded = decode_or_fail(data, source)
    if isinstance(decoded, Failure):
        yield decoded
        return
    for number, line in enumerate(decoded.text.split("\n"), start=1):
        if line.strip():
            yield _record_from_json_line(line, f"{source}:{number}", path, decoded)


def read_json(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    decoded = decode_or_fail(data, source)
    if isinstance(decoded, Failure):
        yield decoded
        return
    try:
        document = load_json(decoded.text)
    except json.JSONDecodeError as exc:
        yield Failure(source, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        return
    except JSONTooDeep as exc:
        yield Failure(source, f"not read: the JSON is {exc}")
        return
    records = _json_records(document, source)
    if isinstance(records, Failure | Skip):
        yield records
        return
    for name, record in records:
        yield _with_encoding(draft_from_record(record, name, path), decoded)


def read_csv(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    decoded = decode_or_fail(data, source)
    if isinstance(decoded, Failure):
        yield decoded
        return
    _allow_fields_up_to(len(decoded.text))
    reader = csv.DictReader(io.StringIO(decoded.text, newline=""))
    rows = 0
    try:
        header = _header_problem(reader)
        if header is not None:
            yield Failure(source, header)
            return
        for line, row in _rows_with_lines(reader):
            rows += 1
            record = _csv_record(row)
            yield _with_encoding(draft_from_record(record, f"{source}:{line}", path), decoded)
    except csv.Error as exc:
        yield Failure(f"{source}:{reader.line_num}", f"not valid CSV: {exc}")
        return
    if not rows:
        yield Skip(source, "no records in file")


def _record_from_json_line(line: str, name: str, path: str, decoded: Decoded) -> Outcome:
    try:
        record = load_json(line)
    except json.JSONDecodeError as exc:
        return Failure(name, f"line is not valid JSON: {exc.msg} (column {exc.colno})")
    except JSONTooDeep as exc:
        return Failure(name, f"line not read: its JSON is {exc}")
    return _with_encoding(draft_from_record(record, name, path), decoded)


def _header_problem(reader: csv.DictReader[str]) -> str | None:
    """Why the first row is not a header, or ``None`` when it names an article field.

    A file whose first row names none of the fields (``text``, ``title``, ``id``
    or a synonym) has no header: its first row would be taken for one and lost.
    """
    names = reader.fieldnames  # reads the first row
    if names is None:
        return None  # an empty file: no records
    if any(name.strip().lower() in _KNOWN_FIELDS for name in names if isinstance(name, str)):
        return None
    shown = ", ".join(repr(_short(name)) for name in names[:3])
    more = ", …" if len(names) > 3 else ""
    return (
        f"no header row: the first row ({shown}{more}) names none of the article fields; "
        "a CSV file must start with a header such as 'id,title,text' "
        f"(fields: {', '.join(sorted(_KNOWN_FIELDS))})"
    )


def _short(text: str, chars: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _json_records(document: Any, source: str) -> list[tuple[str, Any]] | Failure | Skip:
    """``(name, record)`` for each record of a JSON document: a list, ``{"articles": […]}``
    or a single article object."""
    if isinstance(document, Mapping) and "articles" in document and not _is_article(document):
        document = document["articles"]
        if not isinstance(document, list):
            return Failure(source, f"field 'articles' must be an array, got {type_name(document)}")
    if isinstance(document, Mapping):
        return [(source, document)]
    if not isinstance(document, list):
        return Failure(
            source, f"JSON must be an object or an array of objects, got {type_name(document)}"
        )
    if not document:
        return Skip(source, "no records in file")
    return [(f"{source}:{number}", record) for number, record in enumerate(document, start=1)]


def _is_article(document: Mapping[str, Any]) -> bool:
    names = {key.strip().lower() for key in document if isinstance(key, str)}
    return not names.isdisjoint(FIELD_NAMES["text"])


def _rows_with_lines(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str | Any, Any]]]:
    """Each row with the line it starts on."""
    if reader.fieldnames is None:  # reads the header row
        return
    line = reader.line_num
    for row in reader:
        yield line + 1, row
        line = reader.line_num


def _csv_record(row: dict[str | Any, str | Any]) -> dict[str, Any]:
    """A CSV row as a record; values beyond the header go to ``extra_values``."""
    record = {key: value for key, value in row.items() if key is not None}
    extra = row.get(None)
    if extra:
        record["extra_values"] = extra
    return record


def _with_encoding(outcome: Draft | Failure, decoded: Decoded) -> Draft | Failure:
    if isinstance(outcome, Draft):
        outcome.metadata.setdefault("encoding", decoded.encoding)
    return outcome


def _allow_fields_up_to(chars: int) -> None:
    """Raise the csv module's field size limit (131,072) to fit a whole file's text."""
    if csv.field_size_limit() < chars:
        csv.field_size_limit(chars)
