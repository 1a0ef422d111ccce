"""The array and callable aliases shared across synopsis, defined once.

* :data:`Vector`: one embedding or feature vector, a float32 array.
* :data:`Matrix`: a float32 array of such vectors, one row each.
* :data:`Encode`: texts in, their embeddings out (one float32 row per text).

They are aliases, not new types: any ``numpy.ndarray`` of float32 is both a
``Vector`` and a ``Matrix`` to numpy's typing; the names say what shape the
code expects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

Vector: TypeAlias = npt.NDArray[np.float32]
"""A 1-D float32 array: one embedding or feature vector."""

Matrix: TypeAlias = npt.NDArray[np.float32]
"""A 2-D float32 array: one vector per row."""

Encode: TypeAlias = Callable[[Sequence[str]], Matrix]
"""Texts in, their embeddings out: one float32 row per text, in order."""

__all__ = ["Encode", "Matrix", "Vector"]
