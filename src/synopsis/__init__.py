"""synopsis: many news reports of the same events, one trustworthy, cited story.

The public API is small::

    import synopsis
    report = synopsis.digest(["articles/"], summary_words=120)
    print(report.to_markdown())

Everything listed in ``__all__`` is stable; modules not re-exported here are
private and may change.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import digest
from .config import Settings
from .embed import Embedder, load_embedder
from .errors import (
    ConfigError,
    EmbedderError,
    InputError,
    NotFoundError,
    SchemaError,
    StoreError,
    SynopsisError,
    UnsupportedInputError,
)
from .pipeline import Pipeline
from .records import (
    Article,
    Citation,
    ClaimGroup,
    CopyKind,
    CopyLink,
    Digest,
    Fact,
    Failure,
    Removal,
    RemovalKind,
    Sentence,
    Skip,
    Story,
    SummaryLine,
)
from .report import SCHEMA, Report

__all__ = [
    "SCHEMA",
    "Article",
    "Citation",
    "ClaimGroup",
    "ConfigError",
    "CopyKind",
    "CopyLink",
    "Digest",
    "Embedder",
    "EmbedderError",
    "Fact",
    "Failure",
    "InputError",
    "NotFoundError",
    "Pipeline",
    "Removal",
    "RemovalKind",
    "Report",
    "SchemaError",
    "Sentence",
    "Settings",
    "Skip",
    "StoreError",
    "Story",
    "SummaryLine",
    "SynopsisError",
    "UnsupportedInputError",
    "__version__",
    "digest",
    "load_embedder",
]
