"""The open stories' index kept beside a store, so an ingest need not load every open story.

An ingest saves its clusterer's :class:`~synopsis.stories.index.StoryIndex`
(centroids and labels of the open stories) with the clock it reached and the
store's story revision, a token the ingest writes into the store with the
stories. The next ingest restores it only if the store's revision is still
that token (no other writer changed the stories since) and it was made with
the same encoder and window; otherwise the clusterer is rebuilt from the open
stories in the store, as before, and saved again. A cache, then: losing it or
finding it unreadable costs one rebuild, never a wrong story.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from pathlib import Path

from ..config import StorySettings
from .index import StoryIndex

logger = logging.getLogger(__name__)

REVISION_META = "stories.revision"
"""The store ``meta`` key of the story revision (a token written with each story assignment)."""


class SavedStoryIndex:
    """The saved open-story index of one store, for one encoder and story settings.

    ``folder`` is the store's :meth:`~synopsis.store.Store.index_folder`
    (``None``: nowhere to keep it, so nothing is saved or restored).
    """

    def __init__(self, folder: Path | None, model: str, settings: StorySettings) -> None:
        if not model:
            raise ValueError("the encoder's model name must not be empty")
        self.settings = settings
        self.fingerprint = json.dumps([1, model, settings.window_days])
        digest = hashlib.blake2b(self.fingerprint.encode("utf-8"), digest_size=6).hexdigest()
        self.path = None if folder is None else folder / f"stories-{digest}.usearch"

    def restore(self, revision: str | None) -> tuple[StoryIndex, datetime | None] | None:
        """The saved index and clock if they are of the store's ``revision``, else ``None``."""
        if self.path is None or revision is None:
            return None
        restored = StoryIndex.restore(self.path, self.settings.exact_search_limit)
        if restored is None:
            return None
        index, extra = restored
        if extra.get("revision") != revision or extra.get("fingerprint") != self.fingerprint:
            return None
        clock = extra.get("clock")
        try:
            return index, None if clock is None else datetime.fromisoformat(str(clock))
        except ValueError:
            logger.warning("%s: unreadable clock %r, rebuilding the story index", self.path, clock)
            return None

    def save(self, index: StoryIndex, clock: datetime | None, revision: str) -> None:
        """Keep ``index`` as of ``revision``; a failure to write is logged, not raised."""
        if self.path is None:
            return
        extra = {
            "revision": revision,
            "fingerprint": self.fingerprint,
            "clock": None if clock is None else clock.isoformat(),
        }
        try:
            index.save(self.path, extra)
        except (OSError, RuntimeError) as exc:
            logger.warning("%s: could not save the story index (%s)", self.path, exc)


__all__ = ["REVISION_META", "SavedStoryIndex"]
