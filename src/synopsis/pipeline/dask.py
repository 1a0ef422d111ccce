"""Chunks of articles prepared on a Dask cluster: the executor protocol over ``distributed``.

:class:`DaskExecutor` runs the same steps as :class:`~.executors.WorkerPool`
(``step(chunk, embedder)`` from :mod:`.stages`) on the workers of a
``dask.distributed`` cluster: the one whose scheduler listens at a given
address (``tcp://host:8786``), or a ``LocalCluster`` of worker processes on
this machine that the executor starts and closes. Nothing else changes: the
pipeline asks for this executor instead of another
(``PipelineSettings.executor = "dask"``), and no stage knows where it runs.

What runs where. The workers clean, segment, identify the language of and
encode each chunk, each with its own encoder, built once per worker process
from a picklable recipe (:func:`~synopsis.embed.embedder_recipe`) and kept
on the worker (a worker plugin). Results come back to the calling process
in input order, with at most ``ahead`` chunks in flight, so a batch of any
size is never submitted at once. There, in the client, copy detection and
story assignment run as they always do: articles join stories one at a
time, in publication order, against the clusterer of this process, so the
stories and copy links are exactly those of a run in one process (wherever
the workers' encoder, on one thread, rounds as the caller's does: one on
several threads, or on another kind of CPU, may differ in the last bits). That is
also what this costs: the client finds copies and assigns stories serially,
so a cluster shortens the preparing, not the rest (see
``benchmarks/dask_scale.py``).

Failures. A bad article is a :class:`~synopsis.records.Failure` made by the
step itself (:func:`~.stages.prepare_articles`), on the worker as anywhere.
A worker that dies takes its chunks with it; Dask runs them again on another
worker, up to its ``distributed.scheduler.allowed-failures`` times, then
gives up on the chunk: :meth:`DaskExecutor.map` raises
:class:`DaskWorkersLost` (a :class:`~concurrent.futures.BrokenExecutor`,
so the batch pipeline prepares the rest here, with a warning), as it does
when the connection to the scheduler is lost. A scheduler that cannot be
reached, or that has no worker, is a :class:`~synopsis.errors.ConfigError`
naming ``pipeline.scheduler``.

This is the only module that imports Dask, and it is imported only when the
Dask executor is asked for; without the ``dask`` extra, importing it raises
a :class:`~synopsis.errors.ConfigError` saying how to install it.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, CancelledError
from typing import Any, TypeVar

from ..closing import Closeable
from ..embed import Embedder
from ..errors import ConfigError
from ..records import Article
from ..types import Matrix
from .executors import Step, default_workers

try:
    from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin, get_worker
    from distributed.comm.core import CommClosedError
except ImportError as exc:  # the optional extra is not installed
    raise ConfigError(
        "pipeline.executor",
        f"the Dask executor needs Dask ({exc}): pip install 'synopsis[dask]'",
    ) from exc

R = TypeVar("R")

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 30.0
"""Seconds to wait for a scheduler to answer, and for its first worker to join."""


class DaskWorkersLost(BrokenExecutor):
    """The cluster lost chunks for good: workers died on them too often, or the scheduler went."""


class DaskExecutor(Closeable):
    """Runs chunks on a Dask cluster's workers, up to ``ahead`` chunks in flight.

    With ``scheduler`` (an address such as ``"tcp://10.0.0.5:8786"``) it
    runs on that cluster, which it leaves running; without, it starts a
    ``LocalCluster`` of ``workers`` processes (one thread each, listening on
    the loopback only; default one per core) and closes it in
    :meth:`close`. Each worker builds its encoder with ``recipe`` (a
    picklable callable) on first use and keeps it; on a shared cluster the
    encoder stays on the workers after :meth:`close`, for the next run with
    the same recipe. ``ahead`` defaults to four chunks per worker thread.
    The cluster is reached on first use (or :meth:`start`) and left in
    :meth:`close`; the next call reaches it again. A ``LocalCluster`` starts
    its workers with ``spawn``: a script that uses one must guard its entry
    point (``if __name__ == "__main__":``).
    """

    def __init__(
        self,
        recipe: Callable[[], Embedder],
        *,
        scheduler: str | None = None,
        workers: int | None = None,
        ahead: int | None = None,
        timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers!r}")
        if ahead is not None and ahead < 1:
            raise ValueError(f"ahead must be at least 1, got {ahead!r}")
        if scheduler is not None and workers is not None:
            raise ValueError("workers sizes a LocalCluster: give a scheduler or workers, not both")
        self.recipe = recipe
        self.scheduler = scheduler
        self.workers = workers or default_workers()
        self.ahead = ahead
        self.timeout = timeout
        self.plugin = encoder_plugin_name(recipe)
        self.client: Client | None = None
        self.cluster: LocalCluster | None = None

    def _connect(self) -> Client:
        """The client, connected to the cluster (started here if it is ours), the plugin set."""
        if self.client is not None:
            return self.client
        try:
            client = self._local_client() if self.scheduler is None else self._remote_client()
            self.client = client
            client.register_plugin(EncoderPlugin(self.recipe), name=self.plugin)
        except BaseException:  # nothing half-started is left running
            self.close()
            raise
        return client

    def _local_client(self) -> Client:
        """A client of a new LocalCluster on the loopback, which this executor owns."""
        self.cluster = LocalCluster(
            n_workers=self.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # its HTTP server on the loopback too
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.WARNING,
        )
        return Client(self.cluster, set_as_default=False)

    def _remote_client(self) -> Client:
        """A client of the scheduler at ``self.scheduler``, once it has a worker."""
        try:
            client = Client(self.scheduler, timeout=self.timeout, set_as_default=False)
        except OSError as exc:  # refused, unreachable or timed out
            raise ConfigError(
                "pipeline.scheduler",
                f"cannot reach the Dask scheduler at {self.scheduler}: {exc}",
            ) from exc
        try:
            client.wait_for_workers(1, timeout=self.timeout)
        except TimeoutError as exc:
            client.close()
            raise ConfigError(
                "pipeline.scheduler",
                f"no Dask worker joined the scheduler at {self.scheduler} within "
                f"{self.timeout:g} s (start some: dask worker {self.scheduler})",
            ) from exc
        return client

    def start(self) -> list[str]:
        """Reach the cluster (start it, if it is ours); the addresses of its workers."""
        return sorted(self._connect().nthreads())

    def map(self, step: Step[R], chunks: Iterable[Sequence[Article]]) -> Iterator[R]:
        client = self._connect()
        ahead = self.ahead or 4 * max(1, sum(client.nthreads().values()))
        pending: deque[tuple[Future[R], str]] = deque()
        source = iter(chunks)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < ahead:
                    chunk = next(source, None)
                    if chunk is None:
                        exhausted = True
                    else:
                        articles = list(chunk)
                        future = client.submit(
                            _run_on_worker, step, articles, self.plugin, pure=False
                        )
                        pending.append((future, articles[0].source if articles else "(empty)"))
                if not pending:
                    return
                yield self._result(*pending.popleft())
        finally:  # done, failed, or abandoned by the caller: nothing left queued
            if pending and self.client is not None:
                self.client.cancel([future for future, _ in pending])

    def _result(self, future: Future[R], first: str) -> R:
        """The chunk's result; a chunk the cluster lost for good raises :class:`DaskWorkersLost`."""
        try:
            return future.result()
        except KilledWorker as exc:
            raise DaskWorkersLost(
                f"Dask workers died preparing the chunk that starts with {first!r} as many "
                f"times as the scheduler allows ({exc})"
            ) from exc
        except (CommClosedError, CancelledError) as exc:
            where = self.scheduler or "this machine"
            raise DaskWorkersLost(f"lost the Dask scheduler ({where}): {exc!r}") from exc

    def close(self) -> None:
        """Leave the cluster, closing it if it is ours."""
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


class EncoderPlugin(WorkerPlugin):
    """A worker's encoder: built with ``recipe`` when first asked for, then kept.

    It is built in the task's thread, not when the plugin is set up (which
    runs on the worker's event loop), so an encoder that takes long to load
    holds up no heartbeat, and one that fails to load fails the tasks that
    need it, with its own error. The worker's threads share it, one encoding
    at a time; numerical libraries are kept to one thread per worker process.
    Registered again under the same name (another run with the same
    recipe), it keeps the encoder already built.
    """

    idempotent = True

    def __init__(self, recipe: Callable[[], Embedder]) -> None:
        self.recipe = recipe
        self._embedder: Embedder | None = None
        self._lock: threading.Lock | None = None
        self._threads: Any = None

    def setup(self, worker: Any) -> None:
        self._lock = threading.Lock()

    def teardown(self, worker: Any) -> None:
        self._embedder = None
        if self._threads is not None:
            self._threads.restore_original_limits()
            self._threads = None

    def embedder(self) -> Embedder:
        """The worker's encoder, built on first use."""
        if self._lock is None:  # pragma: no cover - setup runs before any task
            self._lock = threading.Lock()
        with self._lock:
            if self._embedder is None:
                try:
                    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

                    self._threads = threadpool_limits(limits=1)
                except ImportError:  # pragma: no cover - comes with scikit-learn
                    pass
                self._embedder = OneAtATime(self.recipe())
            return self._embedder


class OneAtATime:
    """An encoder shared by a worker's threads, encoding for one of them at a time."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._lock = threading.Lock()
        self.name = embedder.name
        self.dim = embedder.dim

    def encode(self, texts: Sequence[str]) -> Matrix:
        with self._lock:
            return self._embedder.encode(texts)


def encoder_plugin_name(recipe: Callable[[], Embedder]) -> str:
    """The worker plugin's name for ``recipe``: the same for the same recipe, in any run."""
    try:
        digest = hashlib.blake2b(pickle.dumps(recipe), digest_size=8).hexdigest()
    except Exception as exc:  # pickle raises many kinds: any of them means "cannot send"
        raise ConfigError(
            "pipeline.executor",
            f"the encoder cannot be sent to Dask workers: its recipe does not pickle ({exc})",
        ) from exc
    return f"synopsis-encoder-{digest}"


def _run_on_worker(step: Step[R], articles: list[Article], plugin: str) -> R:
    """A task: ``step`` over one chunk with this worker's encoder."""
    worker = get_worker()
    encoder = worker.plugins.get(plugin)
    if not isinstance(encoder, EncoderPlugin):
        raise RuntimeError(f"Dask worker {worker.address} has no {plugin!r} plugin")
    return step(articles, encoder.embedder())


__all__ = ["CONNECT_TIMEOUT", "DaskExecutor", "DaskWorkersLost", "EncoderPlugin"]
