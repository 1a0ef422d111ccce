"""The stories a web server shows: reports computed once per story version, then cached.

Computing a story's report re-runs alignment and the digest, far too slow to
do per request. :class:`StoryService` computes it once per *version* of the
story (a digest of what the report depends on: the story's article list and
last change, the settings and this code's cache format), keeps it in the
store's report cache (so other server processes and restarts reuse it) and in
a small in-process LRU, together with the claim groups the side-by-side reader
colours sentences by. Rendered pages are cached the same way, keyed by the
version, so a story page that has not changed is served without rendering.

Nothing a read does waits for an ingest: the store reads through connections
of its own (an ingest's write transaction does not hold them up), a report is
computed under a lock of its story only, and ingests take a lock of their own.
Uploads are encoded at once, each in its own thread, and those that are
waiting when an ingest is stored are stored together, as one ingest, so a
burst of uploads does not queue one whole ingest per upload.
Over a read-only store (or when the store is busy) a computed report is kept
in this process only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from ..archive import Archive, IngestResult, PreparedIngest
from ..config import FetchSettings, Settings, WebSettings
from ..errors import StoreError
from ..pipeline import InputItem
from ..records import Article, StoryListing
from ..store import StoryRow
from ..version import __version__

logger = logging.getLogger(__name__)

CACHE_FORMAT = "web-1"
"""Bump when what is cached per story changes shape, so old cache rows are recomputed."""

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """A thread-safe least-recently-used mapping holding at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


@dataclass(frozen=True, slots=True)
class StoryData:
    """What the web shows of one story at one version.

    ``report`` is the ``synopsis.report/1`` dictionary and ``report_json`` its
    JSON (served as is by the API). ``claims`` lists each claim group as
    ``(article id, sentence index)`` pairs; ``sentences[article]`` holds the
    ``(start, end)`` span of each sentence in the article's cleaned text.
    """

    id: str
    version: str
    report: dict[str, Any]
    report_json: bytes
    claims: list[list[tuple[str, int]]]
    sentences: dict[str, list[tuple[int, int]]]

    @property
    def story(self) -> dict[str, Any]:
        stories = self.report.get("stories") or [{}]
        return dict(stories[0])

    @property
    def articles(self) -> dict[str, dict[str, Any]]:
        return {str(a["id"]): a for a in self.report.get("articles", [])}

    @property
    def conflict_count(self) -> int:
        return len(self.story.get("conflicts") or [])


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Search and filters of the story list."""

    query: str = ""
    language: str = ""
    min_sources: int = 0
    with_conflicts: bool = False

    def accepts(self, item: StoryListing) -> bool:
        if self.query and self.query.casefold() not in item.title.casefold():
            return False
        if self.language and self.language not in item.languages:
            return False
        if item.independent_sources < self.min_sources:
            return False
        return not (self.with_conflicts and not item.conflicts)


class StoryService:
    """Stories, articles and ingest for the web, over one :class:`Archive`.

    Safe to share between the server's threads. A story's report is computed
    once, under a lock of that story (readers of other stories go on); ingests
    are stored one batch at a time under a lock of their own, which no read
    takes; cached reads take no lock at all, and the store's reads never wait
    for a write.
    """

    def __init__(self, archive: Archive, settings: Settings | None = None) -> None:
        self.archive = archive
        self.settings = settings or archive.settings
        web = self.settings.web
        self._fingerprint = _settings_fingerprint(self.settings)
        self._ingesting = threading.Lock()
        self._queue: list[_Ticket] = []
        self._queue_guard = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}
        self._computing_guard = threading.Lock()
        self._stories: LruCache[str, StoryData] = LruCache(web.page_cache_entries)
        self._pages: LruCache[tuple[str, ...], bytes] = LruCache(web.page_cache_entries)
        self._listing: tuple[str, list[tuple[StoryListing, str]]] | None = None

    @property
    def web(self) -> WebSettings:
        return self.settings.web

    # -- stories ---------------------------------------------------------------

    def live_row(self, story_id: str) -> StoryRow:
        """The story ``story_id``, or the live story it was merged into."""
        row = self.archive.store.get_story(story_id)
        seen = {row.id}
        while row.merged_into and row.merged_into not in seen:
            row = self.archive.store.get_story(row.merged_into)
            seen.add(row.id)
        return row

    def version(self, row: StoryRow) -> str:
        """A digest of everything the story's report depends on."""
        key = "\n".join(
            [
                CACHE_FORMAT,
                __version__,
                self._fingerprint,
                row.id,
                row.updated.isoformat(),
                *row.article_ids,
            ]
        )
        return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()

    def story(self, story_id: str) -> StoryData:
        """The report (and reader alignment) of the live story ``story_id``, cached."""
        row = self.live_row(story_id)
        version = self.version(row)
        cached = self._stories.get(row.id)
        if cached is not None and cached.version == version:
            return cached
        with self._story_lock(row.id):
            cached = self._stories.get(row.id)
            if cached is not None and cached.version == version:
                return cached
            stored = self.archive.store.cached_report(row.id, version)
            if stored is not None:
                data = _story_data_from_json(row.id, version, stored)
            else:
                data = self._compute(row, version)
                self._keep(data)
            self._stories.put(row.id, data)
            return data

    def _story_lock(self, story_id: str) -> threading.Lock:
        """The lock under which story ``story_id``'s report is computed, once."""
        with self._computing_guard:
            lock = self._computing.get(story_id)
            if lock is None:
                lock = self._computing[story_id] = threading.Lock()
            return lock

    def _keep(self, data: StoryData) -> None:
        """Cache ``data`` in the store for other processes; best effort, never fails a read."""
        store = self.archive.store
        if store.read_only:
            return
        payload = {"report": data.report, "claims": data.claims, "sentences": data.sentences}
        try:
            store.cache_report(data.id, data.version, json.dumps(payload, ensure_ascii=False))
        except StoreError as exc:  # busy past the store's timeout, or the story merged away
            logger.warning("story %s: report not cached in the store: %s", data.id, exc)

    def _compute(self, row: StoryRow, version: str) -> StoryData:
        """The story's report, with the claim groups and sentence spans of the same run."""
        computed = self.archive.story_report(row.id)
        report = computed.to_dict()
        claims: list[list[tuple[str, int]]] = []
        sentences: dict[str, list[tuple[int, int]]] = {}
        if computed.digests:
            digest = computed.digests[0]
            claims = [[(s.article_id, s.index) for s in group.sentences] for group in digest.claims]
            sentences = {a.id: [(s.start, s.end) for s in a.sentences] for a in computed.articles}
        return StoryData(
            id=row.id,
            version=version,
            report=report,
            report_json=_json_bytes(report),
            claims=claims,
            sentences=sentences,
        )

    def listing(self, filters: StoryFilter | None = None) -> list[StoryListing]:
        """The live stories, most recently updated first, filtered.

        The list is rebuilt only when some story changed; the conflict count
        of a story is known once this process has computed its report.
        """
        filters = filters or StoryFilter()
        token = self.archive.store.stories_changed()
        cached = self._listing
        if cached is None or cached[0] != token:
            cached = (token, self._build_listing())
            self._listing = cached
        items = []
        for item, version in cached[1]:
            data = self._stories.get(item.id)
            if data is not None and data.version == version:
                item = replace(item, conflicts=data.conflict_count)
            if filters.accepts(item):
                items.append(item)
        return items

    def _build_listing(self) -> list[tuple[StoryListing, str]]:
        rows = {row.id: row for row in self.archive.store.list_stories()}
        return [
            (listing, self.version(rows[listing.id]) if listing.id in rows else "")
            for listing in self.archive.stories()
        ]

    def page(self, key: Sequence[str], render: Callable[[], str]) -> bytes:
        """A rendered page from the cache, rendering (and caching) it on a miss.

        ``key`` must hold every input of the page, the story version included.
        """
        cache_key = tuple(key)
        cached = self._pages.get(cache_key)
        if cached is None:
            cached = render().encode("utf-8")
            self._pages.put(cache_key, cached)
        return cached

    # -- articles --------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        return self.archive.store.get_article(article_id)

    def story_of(self, article_id: str) -> str | None:
        return self.archive.store.story_of(article_id)

    def ingest(self, items: Iterable[InputItem]) -> tuple[IngestResult, dict[str, str | None]]:
        """Ingest ``items``; also says which story each added or known article is in.

        Each call reads, cleans and encodes its own items in its own thread,
        at once with the others. Storing them is done for every call that is
        waiting at that moment together, as one ingest (one copy detection,
        one transaction): uploads that arrive while an ingest is being stored
        wait for one more, however many they are, rather than one each.
        """
        ticket = _Ticket(self.archive.prepare_ingest(list(items)))
        with self._queue_guard:
            self._queue.append(ticket)
        with self._ingesting:
            if not ticket.done.is_set():  # nobody stored it yet: store everything waiting
                with self._queue_guard:
                    batch, self._queue = self._queue, []
                try:
                    results = self.archive.finish_ingest([t.prepared for t in batch])
                except BaseException as exc:
                    for waiting in batch:
                        waiting.error = exc
                        waiting.done.set()
                    raise
                for waiting, stored in zip(batch, results, strict=True):
                    waiting.result = stored
                    waiting.done.set()
        if ticket.error is not None:
            raise ticket.error
        result = ticket.result
        assert result is not None
        placed = {
            article_id: self.archive.store.story_of(article_id)
            for article_id in [*result.added, *result.unchanged]
        }
        return result, placed


@dataclass(slots=True)
class _Ticket:
    """One caller's prepared ingest, waiting to be stored with the others."""

    prepared: PreparedIngest
    done: threading.Event = field(default_factory=threading.Event)
    result: IngestResult | None = None
    error: BaseException | None = None


def _settings_fingerprint(settings: Settings) -> str:
    # The web section (which holds the token) and the fetch section do not change reports.
    return repr(replace(settings, web=WebSettings(), fetch=FetchSettings()))


def _json_bytes(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _story_data_from_json(story_id: str, version: str, text: str) -> StoryData:
    data = json.loads(text)
    report = data["report"]
    return StoryData(
        id=story_id,
        version=version,
        report=report,
        report_json=_json_bytes(report),
        claims=[[(str(a), int(i)) for a, i in group] for group in data.get("claims", [])],
        sentences={
            str(a): [(int(s), int(e)) for s, e in spans]
            for a, spans in data.get("sentences", {}).items()
        },
    )


__all__ = [
    "CACHE_FORMAT",
    "LruCache",
    "StoryData",
    "StoryFilter",
    "StoryService",
]
