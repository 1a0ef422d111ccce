"""The pipeline: stages run in order over a batch or a stream, on an executor."""

from __future__ import annotations

from .batch import InputItem, Pipeline, Prepared, Progress

__all__ = ["InputItem", "Pipeline", "Prepared", "Progress"]
