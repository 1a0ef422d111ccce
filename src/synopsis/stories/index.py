"""A nearest-neighbour index over the centroids of the open stories (usearch HNSW).

Only stories that can still attract articles (inside the time window) are in
the index, so it stays the size of the window, not of the archive. Small
indexes are searched exactly, which also keeps results independent of the
order the graph was built in; past ``exact_limit`` stories the HNSW graph is
searched approximately.
"""

from __future__ import annotations

import numpy as np
from usearch.index import Index

from .representation import Vector


class StoryIndex:
    """Story centroids by integer key; ``search`` returns the closest keys, best first."""

    def __init__(self, dim: int, exact_limit: int, connectivity: int = 16) -> None:
        self.dim = dim
        self.exact_limit = exact_limit
        self._index = Index(ndim=dim, metric="cos", dtype="f16", connectivity=connectivity)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: int) -> bool:
        return key in self._index

    def put(self, key: int, centroid: Vector) -> None:
        """Add the story ``key`` or replace its centroid."""
        if key in self._index:
            self._index.remove(key)
        self._index.add(key, np.asarray(centroid, dtype=np.float32))

    def remove(self, key: int) -> None:
        if key in self._index:
            self._index.remove(key)

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


__all__ = ["StoryIndex"]
