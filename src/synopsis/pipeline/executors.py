"""Where the per-article steps run: in this process, or in a pool of worker processes.

A *step* is a picklable function ``step(chunk, embedder) -> result`` over a
chunk of articles (see :mod:`.stages`); an :class:`Executor` maps it over
chunks and hands the results back in input order. Steps know nothing of
where they run, so the batch pipeline, the archive's ingest and the story
stream change only their executor to use more cores:

- :class:`InProcess` runs each chunk here, when it is asked for;
- :class:`WorkerPool` runs chunks in ``workers`` processes, each holding its
  own encoder built once from a recipe (see
  :func:`~synopsis.embed.embedder_recipe`), keeping several chunks in flight.

:class:`~.dask.DaskExecutor` (in :mod:`.dask`, imported only when asked for)
is the same protocol over a Dask cluster's workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

from ..closing import Closeable
from ..embed import Embedder
from ..records import Article

R = TypeVar("R")

Step = Callable[[Sequence[Article], Embedder], R]
"""A per-chunk step: prepares ``chunk`` with ``embedder`` and returns its result."""


class Executor(Protocol):
    """Runs a step over chunks of articles somewhere, handing results back in input order."""

    def map(self, step: Step[R], chunks: Iterable[Sequence[Article]]) -> Iterator[R]: ...

    def close(self) -> None: ...


class InProcess(Closeable):
    """Runs each chunk in this process with ``embedder``, lazily."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def map(self, step: Step[R], chunks: Iterable[Sequence[Article]]) -> Iterator[R]:
        for chunk in chunks:
            yield step(chunk, self.embedder)

    def close(self) -> None:
        return None


class WorkerPool(Closeable):
    """Runs chunks in ``workers`` processes, up to ``ahead`` chunks in flight.

    Each worker builds its encoder once with ``recipe`` (a picklable
    callable) and keeps its numerical libraries to one thread, so
    ``workers`` processes use about ``workers`` cores. Processes start on
    first use (or :meth:`start`) and live until :meth:`close`. A worker that
    dies takes the pool with it: the error is raised and the next call
    starts fresh processes. Workers are started with ``spawn``, so a script
    that uses them must guard its entry point (``if __name__ == "__main__":``).
    """

    def __init__(
        self,
        workers: int,
        recipe: Callable[[], Embedder],
        ahead: int | None = None,
        start_method: str = "spawn",
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers!r}")
        self.workers = workers
        self.recipe = recipe
        self.ahead = ahead or 4 * workers
        self.start_method = start_method
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=_start_worker,
                initargs=(self.recipe,),
            )
        return self._pool

    def start(self, timeout: float = 300.0) -> list[int]:
        """Start every worker and wait until each has its encoder; their process ids."""
        pool = self._executor()
        seen: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < self.workers and time.monotonic() < deadline:
            pings = [pool.submit(_ping, 0.05) for _ in range(self.workers)]
            seen.update(p.result(timeout=max(deadline - time.monotonic(), 1.0)) for p in pings)
        return sorted(seen)

    def map(self, step: Step[R], chunks: Iterable[Sequence[Article]]) -> Iterator[R]:
        pool = self._executor()
        pending: deque[Future[R]] = deque()
        source = iter(chunks)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < self.ahead:
                    chunk = next(source, None)
                    if chunk is None:
                        exhausted = True
                    else:
                        pending.append(pool.submit(_run_in_worker, step, list(chunk)))
                if not pending:
                    return
                yield pending.popleft().result()
        finally:  # done, failed, or abandoned by the caller: nothing left queued
            for future in pending:
                future.cancel()
            if _broken(pool):
                self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _broken(pool: ProcessPoolExecutor) -> bool:
    return bool(getattr(pool, "_broken", False))


# A worker process's encoder, built once by its initializer (one per process).
_WORKER: dict[str, Any] = {}


def _start_worker(recipe: Callable[[], Embedder]) -> None:
    """A worker's initializer: one BLAS/OpenMP thread, the encoder built once."""
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

        _WORKER["threads"] = threadpool_limits(limits=1)
    except ImportError:  # pragma: no cover - comes with scikit-learn
        pass
    _WORKER["embedder"] = recipe()


def _run_in_worker(step: Step[R], articles: list[Article]) -> R:
    return step(articles, _WORKER["embedder"])


def _ping(pause: float) -> int:
    time.sleep(pause)
    return os.getpid()


def default_workers() -> int:
    """The cores this process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


__all__ = ["Executor", "InProcess", "Step", "WorkerPool", "default_workers"]
