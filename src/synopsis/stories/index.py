"""A nearest-neighbour index over the centroids of the open stories (usearch HNSW).

Only stories that can still attract articles (inside the time window) are in
the index, so it stays the size of the window, not of the archive. Small
indexes are searched exactly, which also keeps results independent of the
order the graph was built in; past ``exact_limit`` stories the HNSW graph is
searched approximately.

Each key carries a label: the story's id and the time (POSIX seconds) of its
last article, so a clusterer can close expired stories and load the state
of the stories a search finds without holding every story. The index saves
itself beside a store (:meth:`StoryIndex.save`, :meth:`StoryIndex.restore`),
with a JSON sidecar for the labels and what the caller wants kept with them.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from usearch.index import Index

from .representation import Vector

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoryLabel:
    """What the index keeps of a story beside its centroid."""

    story_id: str
    until: float | None  # the last article's time, POSIX seconds; None when undated


class StoryIndex:
    """Story centroids by integer key; ``search`` returns the closest keys, best first."""

    def __init__(self, dim: int, exact_limit: int, connectivity: int = 16) -> None:
        if dim < 1 or exact_limit < 0:
            raise ValueError(
                f"a story index needs dim >= 1 and exact_limit >= 0, got {dim}, {exact_limit}"
            )
        self.dim = dim
        self.exact_limit = exact_limit
        self._connectivity = connectivity
        self._index = Index(ndim=dim, metric="cos", dtype="f16", connectivity=connectivity)
        self._labels: dict[int, StoryLabel] = {}

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: int) -> bool:
        return key in self._index

    def put(self, key: int, centroid: Vector, label: StoryLabel | None = None) -> None:
        """Add the story ``key`` or replace its centroid (and its label, if given)."""
        if key in self._index:
            self._index.remove(key)
        self._index.add(key, np.asarray(centroid, dtype=np.float32))
        if label is not None:
            self._labels[key] = label

    def remove(self, key: int) -> None:
        if key in self._index:
            self._index.remove(key)
        self._labels.pop(key, None)

    def label(self, key: int) -> StoryLabel | None:
        return self._labels.get(key)

    def labels(self) -> dict[int, StoryLabel]:
        """Every labelled key's label (a copy)."""
        return dict(self._labels)

    def search(self, vector: Vector, count: int) -> list[int]:
        if not len(self._index):
            return []
        matches = self._index.search(
            np.asarray(vector, dtype=np.float32),
            min(count, len(self._index)),
            exact=len(self._index) <= self.exact_limit,
        )
        return [int(key) for key in matches.keys]

    @property
    def memory_bytes(self) -> int:
        return int(self._index.memory_usage)

    # -- on disk ----------------------------------------------------------------

    def save(self, path: Path, extra: dict[str, Any]) -> None:
        """Write the index and a sidecar (labels and ``extra``), each atomically by a rename."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        self._index.save(str(temporary))
        sidecar = {
            "extra": extra,
            "dim": self.dim,
            "labels": [[k, label.story_id, label.until] for k, label in self._labels.items()],
        }
        state_path = path.with_suffix(".json")
        state_temporary = state_path.with_name(f"{state_path.name}.{os.getpid()}.tmp")
        state_temporary.write_text(json.dumps(sidecar), encoding="utf-8")
        # The sidecar goes last: a reader that finds it finds the index it describes,
        # and one that finds the old sidecar beside a new index sees them disagree.
        os.replace(temporary, path)
        os.replace(state_temporary, state_path)

    @classmethod
    def restore(
        cls, path: Path, exact_limit: int, connectivity: int = 16
    ) -> tuple[StoryIndex, dict[str, Any]] | None:
        """The index saved at ``path`` and its ``extra``; ``None`` if missing or unreadable."""
        state_path = path.with_suffix(".json")
        if not path.is_file() or not state_path.is_file():
            return None
        try:
            sidecar = json.loads(state_path.read_text(encoding="utf-8"))
            dim = int(sidecar["dim"])
            labels = {
                int(key): StoryLabel(str(story_id), None if until is None else float(until))
                for key, story_id, until in sidecar["labels"]
            }
            extra = dict(sidecar["extra"])
            restored = Index.restore(str(path))
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            logger.warning("%s: unreadable story index, rebuilding it (%s)", path, exc)
            return None
        if (
            restored is None
            or restored.ndim != dim
            or len(restored) != len(labels)
            or any(key not in restored for key in labels)
        ):
            logger.warning("%s: story index does not match its sidecar, rebuilding it", path)
            return None
        index = cls(dim, exact_limit, connectivity)
        index._index, index._labels = restored, labels
        return index, extra


__all__ = ["StoryIndex", "StoryLabel"]
