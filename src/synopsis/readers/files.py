"""Input files: which are read (by :mod:`.formats`), folder expansion, loading bytes.

No path makes reading raise or wait: a missing file, a broken or looping
symbolic link, a folder or a pipe given as a file, a name the system refuses
(too long) each become a failure with its reason.
"""

from __future__ import annotations

import errno
import os
import stat
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
    try:
        is_folder = path.is_dir()
    except OSError as exc:  # a name too long, a folder on the way that cannot be searched
        yield Failure(name, _os_reason(exc))
        return
    if not is_folder:
        yield InputFile(path, name)
        return
    found = False
    for entry in _walk_folder(path, seen=set()):
        found = found or isinstance(entry, InputFile)
        yield entry
    if not found:
        yield Failure(name, "no supported files in folder")


def _walk_folder(folder: Path, seen: set[Path]) -> Iterator[InputFile | Failure]:
    try:
        real = folder.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        yield Failure(str(folder), f"cannot read folder: {_os_reason(exc)}")
        return
    if real in seen:  # a folder linked back into itself: already walked
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
        try:
            is_folder, is_file = entry.is_dir(), entry.is_file()
        except OSError as exc:
            yield Failure(str(entry), _os_reason(exc))
            continue
        if is_folder:
            yield from _walk_folder(entry, seen)
        elif file_format(entry) is not None:
            # A broken link, a pipe or a device with a readable name is reported, not passed over.
            yield (
                InputFile(entry, str(entry))
                if is_file
                else Failure(str(entry), path_problem(entry) or "not a regular file")
            )


def path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file, or ``None`` when it is a regular file.

    Never raises and never opens the file (a pipe would block).
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return f"broken symbolic link (to {_link_target(path)})"
        return _os_reason(exc)
    except ValueError:  # a NUL byte in the name
        return "file not found"
    if stat.S_ISDIR(info.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    return None


def load_bytes(path: Path, name: str, max_bytes: int) -> bytes | Failure:
    """The contents of ``path``, or a failure: missing, unreadable, too large, empty.

    The file is opened without blocking and checked to be a regular file once
    open, so a pipe put in its place after the check cannot make reading wait.
    """
    problem = path_problem(path)
    if problem is not None:
        return Failure(name, problem)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return Failure(name, "not a regular file")
            if info.st_size > max_bytes:
                return _too_large(name, info.st_size, max_bytes)
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return Failure(name, _os_reason(exc))
    if len(data) > max_bytes:
        return _too_large(name, len(data), max_bytes)
    if not data:
        return Failure(name, "empty file")
    return data


def _os_reason(exc: BaseException) -> str:
    """A short reason for an error of the file system."""
    if isinstance(exc, RuntimeError):
        return "symbolic link loop"
    if not isinstance(exc, OSError):
        return str(exc)
    if exc.errno == errno.ENOENT:
        return "file not found"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    if exc.errno == errno.ENOTDIR:
        return "file not found (a part of the path is not a folder)"
    return f"cannot read file: {exc.strerror or exc}"


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _too_large(name: str, size: int, max_bytes: int) -> Failure:
    return Failure(name, f"file too large ({size:,} bytes; the limit is {max_bytes:,})")
