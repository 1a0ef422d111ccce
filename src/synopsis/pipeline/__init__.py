"""The pipeline: the stages run in order, over a batch or a stream, on an executor.

- :mod:`.stages`: the steps — prepare one article (the one guard that turns a
  bad article into a failure), prepare a chunk, digest one story (align →
  summary → compare, the one story path);
- :mod:`.executors`: where the steps run — :class:`InProcess`, or a
  :class:`WorkerPool` of processes; :mod:`.dask`: on a Dask cluster (not
  imported here: it needs the ``dask`` extra);
- :mod:`.batch`: :class:`Pipeline`, inputs in, a report out;
- :mod:`.stream`: :class:`StoryStream`, the cheap path that keeps stories
  current over a stream of raw articles.
"""

from __future__ import annotations

from .batch import InputItem, Pipeline, Prepared, Progress
from .executors import Executor, InProcess, WorkerPool
from .stages import digest_story, prepare_articles

__all__ = [
    "Executor",
    "InProcess",
    "InputItem",
    "Pipeline",
    "Prepared",
    "Progress",
    "WorkerPool",
    "digest_story",
    "prepare_articles",
]
