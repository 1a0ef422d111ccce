"""Record files: JSON Lines, JSON and CSV; every record follows :func:`draft_from_record`.

A bad record is a failure named ``file:N`` (N: the line for JSONL and CSV, the
record number from 1 for JSON); the file's other records still load.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..records import Failure, Skip
from .decoding import Decoded, decode_or_fail
from .fields import FIELD_NAMES, Draft, Outcome, draft_from_record, type_name


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
        document = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        yield Failure(source, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
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
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Failure(name, f"line is not valid JSON: {exc.msg} (column {exc.colno})")
    return _with_encoding(draft_from_record(record, name, path), decoded)


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
