"""Input files: which are read (by :mod:`.formats`), folder expansion, loading bytes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from ..records import Failure
from .formats import suffix_of, suffixes

SUPPORTED_EXTENSIONS: tuple[str, ...] = suffixes()
"""File extensions synopsis reads (matched case-insensitively), from :data:`.formats.FORMATS`."""


class InputFile(NamedTuple):
    """A file to read and the name it is reported under."""

    path: Path
    name: str


def file_format(path: Path) -> str | None:
    """The supported extension of ``path`` (``".warc.gz"``, ``".txt"``…), else ``None``."""
    return suffix_of(path)


def unsupported_reason(path: Path) -> str:
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    if not path.suffix:
        return f"unsupported format: no file extension (supported: {supported})"
    return f"unsupported format '{path.suffix}' (supported: {supported})"


def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files that ``paths`` name, folders expanded.

    Folders are expanded recursively in sorted order, skipping hidden files and
    folders (``.git``) and keeping only files with a supported extension. A
    path that is not a folder is returned as given, whatever its extension and
    whether or not it exists: reading it reports what is wrong with it.
    """
    return [
        entry.path
        for given in paths
        for entry in expand_input(given)
        if isinstance(entry, InputFile)
    ]


def expand_input(given: str | os.PathLike[str]) -> Iterator[InputFile | Failure]:
    """The files of one path input, or failures for folders that give none."""
    name = os.fspath(given)
    path = Path(name)
    if not path.is_dir():
        yield InputFile(path, name)
        return
    found = False
    for entry in _walk_folder(path, seen=set()):
        found = found or isinstance(entry, InputFile)
        yield entry
    if not found:
        yield Failure(name, "no supported files in folder")


def _walk_folder(folder: Path, seen: set[Path]) -> Iterator[InputFile | Failure]:
    real = folder.resolve()
    if real in seen:  # a symlink loop
        return
    seen.add(real)
    try:
        entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    except OSError as exc:
        yield Failure(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk_folder(entry, seen)
        elif entry.is_file() and file_format(entry) is not None:
            yield InputFile(entry, str(entry))


def load_bytes(path: Path, name: str, max_bytes: int) -> bytes | Failure:
    """The contents of ``path``, or a failure: missing, unreadable, too large, empty."""
    try:
        if not path.is_file():
            return Failure(name, "file not found" if not path.exists() else "not a regular file")
        size = path.stat().st_size
        if size > max_bytes:
            return _too_large(name, size, max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return Failure(name, "file not found")
    except PermissionError:
        return Failure(name, "permission denied")
    except OSError as exc:
        return Failure(name, f"cannot read file: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return _too_large(name, len(data), max_bytes)
    if not data:
        return Failure(name, "empty file")
    return data


def _too_large(name: str, size: int, max_bytes: int) -> Failure:
    return Failure(name, f"file too large ({size:,} bytes; the limit is {max_bytes:,})")
