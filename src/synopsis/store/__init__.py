"""The article store: articles, stories, copy links and cached vectors.

:class:`Store` is the interface; :class:`SQLiteStore` the implementation;
:func:`open_store` opens one from a path or URL::

    from synopsis.store import open_store

    with open_store("synopsis.db") as store:
        result = store.add_articles(articles)
"""

from __future__ import annotations

from .base import AddResult, Store, StoryRow, open_store
from .sqlite import MIGRATIONS, SCHEMA_VERSION, Migration, SQLiteStore

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AddResult",
    "Migration",
    "SQLiteStore",
    "Store",
    "StoryRow",
    "open_store",
]
