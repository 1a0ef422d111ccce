"""synopsis: many news reports of the same events, one trustworthy, cited story.

The public API is small::

    import synopsis
    report = synopsis.digest(["articles/"], summary_words=120)
    print(report.to_markdown())

Everything listed in ``__all__`` is stable; modules not re-exported here are
private and may change.
"""

from __future__ import annotations

from .align import ClaimScorer
from .api import digest
from .config import Settings
from .embed import Embedder, load_embedder
from .errors import (
    ConfigError,
    EmbedderError,
    FetchError,
    InputError,
    NotFoundError,
    SchemaError,
    StoreError,
    SynopsisError,
    UnsupportedInputError,
    UploadError,
)
from .pipeline import Pipeline
from .records import (
    Article,
    Citation,
    CitedLine,
    ClaimGroup,
    Conflict,
    ConflictValue,
    CopyKind,
    CopyLink,
    Digest,
    Entity,
    Fact,
    Failure,
    Figure,
    Mention,
    Quote,
    QuoteGroup,
    RankedLine,
    Removal,
    RemovalKind,
    Sentence,
    Skip,
    Story,
    StoryListing,
    SummaryLine,
    UniqueDetail,
)
from .report import SCHEMA, Report
from .version import __version__

__all__ = [
    "SCHEMA",
    "Article",
    "Citation",
    "CitedLine",
    "ClaimGroup",
    "ClaimScorer",
    "ConfigError",
    "Conflict",
    "ConflictValue",
    "CopyKind",
    "CopyLink",
    "Digest",
    "Embedder",
    "EmbedderError",
    "Entity",
    "Fact",
    "Failure",
    "FetchError",
    "Figure",
    "InputError",
    "Mention",
    "NotFoundError",
    "Pipeline",
    "Quote",
    "QuoteGroup",
    "RankedLine",
    "Removal",
    "RemovalKind",
    "Report",
    "SchemaError",
    "Sentence",
    "Settings",
    "Skip",
    "StoreError",
    "Story",
    "StoryListing",
    "SummaryLine",
    "SynopsisError",
    "UniqueDetail",
    "UnsupportedInputError",
    "UploadError",
    "__version__",
    "digest",
    "load_embedder",
]
