"""The article store: articles, stories, copy links and cached vectors.

:class:`Store` is the interface; :class:`SQLiteStore` and
:class:`~synopsis.store.postgres.PostgresStore` (imported from its module,
which needs psycopg) implement it; :func:`open_store` opens one from a path
or URL::

    from synopsis.store import open_store

    with open_store("synopsis.db") as store:
        result = store.add_articles(articles)

The modules, each importing only those listed after it::

    open.py      open_store and BACKENDS, the table of URL scheme -> opener
    postgres.py  PostgresStore: the same over psycopg 3 (imported only when used)
    sqlite.py    SQLiteStore: connections, locking, transactions, migrations, queries
    codec.py     record <-> row conversion shared by every backend
    schema.py    DDL, SCHEMA_VERSION and MIGRATIONS (imports no other store module)
    base.py      the Store protocol and its records AddResult, StoryRow
    urls.py      store URLs with their passwords masked (imports nothing)
"""

from __future__ import annotations

from .base import AddResult, Store, StoryRow
from .open import BACKENDS, open_store
from .schema import MIGRATIONS, SCHEMA_VERSION, Migration
from .sqlite import ReadOnlyStoreError, SQLiteStore

__all__ = [
    "BACKENDS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AddResult",
    "Migration",
    "ReadOnlyStoreError",
    "SQLiteStore",
    "Store",
    "StoryRow",
    "open_store",
]
