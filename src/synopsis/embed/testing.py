"""Test doubles for the :class:`~synopsis.Embedder` interface, shipped beside it.

They are deterministic, fast, picklable (so worker processes can rebuild
them) and need no model, for tests of anything that encodes:

- :class:`HashedWordsEmbedder`: a hashed bag of lowercased words, so texts
  that share words are similar and others are not;
- :class:`CountingEmbedder`: a tiny encoder that records every text it was
  asked to encode, for tests of caching.
"""

from __future__ import annotations

import multiprocessing
import os
import zlib
from collections.abc import Sequence

import numpy as np

from ..types import Matrix
from . import normalise_rows


class HashedWordsEmbedder:
    """A hashed bag of lowercased words, L2-normalised (``dim`` buckets, CRC-32).

    ``crash_on``: a worker process encoding a text that holds this string
    dies outright (``os._exit``), as a segfault would — for tests of what
    happens to a pool whose worker dies. The main process encodes it.
    """

    def __init__(self, dim: int = 64, name: str = "hash-words", crash_on: str = "") -> None:
        if dim < 1:
            raise ValueError(f"dim must be at least 1, got {dim!r}")
        self.dim = dim
        self.name = name
        self.crash_on = crash_on

    def encode(self, texts: Sequence[str]) -> Matrix:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            if self.crash_on and self.crash_on in text and multiprocessing.parent_process():
                os._exit(3)
            for word in text.lower().split():
                rows[row, zlib.crc32(word.encode("utf-8")) % self.dim] += 1.0
        return normalise_rows(rows)


class CountingEmbedder:
    """A four-dimensional encoder that records what it was asked to encode in ``seen``."""

    name = "counting"
    dim = 4

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> Matrix:
        self.seen.extend(texts)
        rows = np.array([[len(t), t.count("a") + 1, 1, 0] for t in texts], dtype=np.float32)
        return normalise_rows(rows.reshape(len(texts), self.dim))


__all__ = ["CountingEmbedder", "HashedWordsEmbedder"]
