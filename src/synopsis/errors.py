"""The exceptions synopsis raises, all in one place.

::

    SynopsisError                 base of everything synopsis raises on purpose
    ├── ConfigError               a setting is out of range or of the wrong kind
    ├── InputError                one input (file, record, URL) cannot be read
    │   ├── UnsupportedInputError the input's format is not one synopsis reads
    │   ├── UploadError           a web request's body is not an upload the server takes
    │   └── FetchError            a URL cannot or may not be fetched
    ├── StoreError                the article store cannot do what was asked
    │   ├── SchemaError           the store's schema is newer than this code
    │   └── NotFoundError         no story or article has the requested id
    └── EmbedderError             the sentence encoder cannot be loaded or run

Every error carries the object that failed (``.input``, ``.setting``, ``.key``)
so callers can report it without parsing the message. The web server answers
:class:`NotFoundError` with 404 and :class:`InputError` (so uploads and fetches
too) with 422; :class:`UploadError` and :class:`FetchError` are also
:class:`ValueError`, as they were before they joined this tree.
"""

from __future__ import annotations


class SynopsisError(Exception):
    """Base class of every error synopsis raises on purpose."""


class ConfigError(SynopsisError, ValueError):
    """A setting is out of range or of the wrong kind."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting


class InputError(SynopsisError):
    """One input cannot be read; ``input`` names it (a path, URL or record)."""

    def __init__(self, input: str, reason: str) -> None:
        super().__init__(f"{input}: {reason}")
        self.input = input
        self.reason = reason


class UnsupportedInputError(InputError):
    """The input's format is not one synopsis reads."""


class UploadError(InputError, ValueError):
    """A web request's body is not an upload the server takes.

    ``str()`` is the reason alone (the API answers it as the error's detail);
    ``input`` is ``"request body"`` unless given.
    """

    def __init__(self, reason: str, input: str = "request body") -> None:
        super().__init__(input, reason)

    def __str__(self) -> str:
        return self.reason


class FetchError(InputError, ValueError):
    """A URL cannot or may not be fetched (see :mod:`synopsis.fetch`).

    ``str()`` is the reason alone, which names the URL (the API answers it as
    the error's detail); ``input`` is the URL asked for when the raiser knows
    it, else ``"url"``.
    """

    def __init__(self, reason: str, input: str = "url") -> None:
        super().__init__(input, reason)

    def __str__(self) -> str:
        return self.reason


class StoreError(SynopsisError):
    """The article store cannot do what was asked."""


class SchemaError(StoreError):
    """The store was written by a newer synopsis than this one."""


class NotFoundError(StoreError, KeyError):
    """No story, article or followed feed has the requested id (a feed's is its URL)."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"no {kind} with id {key!r}")
        self.kind = kind
        self.key = key

    def __str__(self) -> str:
        return f"no {self.kind} with id {self.key!r}"


class EmbedderError(SynopsisError):
    """The sentence encoder cannot be loaded or run."""
