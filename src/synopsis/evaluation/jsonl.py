"""The JSON-lines files the evaluations read: one object a line, a bad line named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError


def json_lines(path: str | Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(line number, "file:line", object)`` for each non-blank line of ``path``.

    An unreadable file, a line that is not JSON or not an object raises
    :class:`InputError` naming the file or the line.
    """
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise InputError(str(source), f"cannot read: {reason}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not JSON: {exc.msg}") from exc
        if not isinstance(row, dict):
            raise InputError(where, "expected a JSON object")
        yield number, where, row


__all__ = ["json_lines"]
