"""All of synopsis's settings, with checked defaults, in one place.

Settings are plain frozen dataclasses: build them in code, or from a mapping
(``Settings.from_mapping``) read from environment variables or a file. Every
value is checked when the object is made, and a bad one raises
:class:`~synopsis.errors.ConfigError` naming the setting.
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .errors import ConfigError
from .version import __version__


def _check_fraction(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ConfigError(name, f"must be between 0 and 1, got {value!r}")


def _check_positive(name: str, value: int) -> None:
    if value <= 0:
        raise ConfigError(name, f"must be a positive integer, got {value!r}")


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How inputs are read, and the bounds that keep hostile inputs from running away.

    ``max_file_bytes`` caps a file (and each WARC record's payload, once
    decompressed). ``max_article_chars`` caps an article's text: a longer one
    is a failure, since the later stages grow faster than its length (the
    longest real article in the ECB+, NeuS and AEB data holds about 53,000).
    A WARC archive is read for at most ``max_warc_records`` records, each
    record's headers within ``max_warc_header_bytes``, and a gzipped one
    decompresses to at most ``max_decompression_ratio`` times the bytes
    read (never less than ``max_file_bytes``). Each bound reached is a failure
    naming the input.
    """

    max_file_bytes: int = 20_000_000
    min_text_chars: int = 20
    max_article_chars: int = 100_000
    max_warc_records: int = 50_000
    max_warc_header_bytes: int = 1_000_000
    max_decompression_ratio: int = 100

    def __post_init__(self) -> None:
        _check_positive("read.max_file_bytes", self.max_file_bytes)
        for name in (
            "max_article_chars",
            "max_warc_records",
            "max_warc_header_bytes",
            "max_decompression_ratio",
        ):
            _check_positive(f"read.{name}", getattr(self, name))
        if self.min_text_chars < 1:
            raise ConfigError(
                "read.min_text_chars", f"must be at least 1, got {self.min_text_chars!r}"
            )


@dataclass(frozen=True, slots=True)
class EmbedSettings:
    """Which sentence encoder to use.

    ``model`` is ``"use-multilingual"`` (the packaged multilingual Universal
    Sentence Encoder), ``"onnx:PATH"`` (a sentence-transformers style ONNX
    export; ``tokenizer`` names its ``tokenizer.json`` when that is not beside
    it) or ``"sentence-transformers:NAME_OR_PATH"``.
    """

    model: str = "use-multilingual"
    tokenizer: str = ""
    threads: int = 2
    batch_size: int = 64

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("embed.model", "must name a model")
        _check_positive("embed.threads", self.threads)
        _check_positive("embed.batch_size", self.batch_size)


@dataclass(frozen=True, slots=True)
class CopySettings:
    """Copy detection: MinHash near-duplicates."""

    shingle_words: int = 5
    num_perm: int = 128
    near_duplicate_threshold: float = 0.5
    # A cut or extended copy: this share of the smaller article's shingles is in the other.
    near_duplicate_containment: float = 0.8
    seed: int = 1
    # Rewrites and translations: sentence alignment with embeddings, on candidates only.
    sentence_match: float = 0.75
    translation_sentence_match: float = 0.72
    rewrite_min_share: float = 0.6
    rewrite_min_order: float = 0.8
    rewrite_min_sentences: int = 3
    rewrite_short_similarity: float = 0.85
    candidate_neighbours: int = 10
    candidate_similarity: float = 0.5
    candidate_shingle_threshold: float = 0.3
    candidate_word_threshold: float = 0.4
    # Stored articles sharing a band key that one new article is verified against, the
    # closest by sketch first: enough to join the copy group it belongs to, and bounded
    # as the store (and a much-copied story's group) grows.
    candidate_limit: int = 24

    def __post_init__(self) -> None:
        _check_positive("copies.shingle_words", self.shingle_words)
        if self.num_perm < 16:
            raise ConfigError("copies.num_perm", f"must be at least 16, got {self.num_perm!r}")
        _check_fraction("copies.near_duplicate_threshold", self.near_duplicate_threshold)
        _check_fraction("copies.near_duplicate_containment", self.near_duplicate_containment)
        for name in (
            "sentence_match",
            "translation_sentence_match",
            "rewrite_min_share",
            "rewrite_min_order",
            "rewrite_short_similarity",
            "candidate_similarity",
            "candidate_shingle_threshold",
            "candidate_word_threshold",
        ):
            _check_fraction(f"copies.{name}", getattr(self, name))
        _check_positive("copies.rewrite_min_sentences", self.rewrite_min_sentences)
        _check_positive("copies.candidate_neighbours", self.candidate_neighbours)
        _check_positive("copies.candidate_limit", self.candidate_limit)


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Story clustering (see :mod:`synopsis.stories`); thresholds tuned on ECB+ dev only.

    ``join_threshold`` applies to the blended average-linkage score
    ``vector_weight * mean vector cosine + (1 - vector_weight) * mean term
    cosine`` between an article and a story's members; ``vector_threshold``
    to the mean vector cosine alone (articles without terms, or in another
    language than the story). Two open stories merge when their score passes
    the threshold by ``merge_margin``. ``window_days``: a story that has
    had no article for that long stops attracting articles (ECB+ gold
    stories run for weeks, some for months; 60 days keeps most of them
    whole while the index stays a fraction of the archive).
    ``signal_sentences`` is the lead the cheap path encodes as one text;
    ``candidates`` how many nearest open stories are scored; up to
    ``exact_search_limit`` open stories the index is searched exactly.

    The second look (see :mod:`synopsis.stories.clusterer`): two event
    dates of at least ``event_date_confidence`` more than
    ``event_window_days`` apart never share a story; a story whose figures
    conflict with an article's ("23 pirates" vs "26 pirates") scores
    ``figure_penalty`` lower for it; where the two best stories are within
    ``close_call_margin``, each gains ``signature_weight`` times the share
    of the article's places and actors it names. A story of
    ``split_min_members`` to ``split_max_members`` articles splits in two
    when the average linkage between its two halves falls below
    ``split_threshold``; it keeps each member's vector and ``member_terms``
    heaviest terms for that while it is open. Fitted with the thresholds
    above on ECB+ dev (``benchmarks/fit_stories.py``), checked on NeuS val.
    """

    join_threshold: float = 0.28
    window_days: float = 60.0
    lead_sentences: int = 8
    vector_weight: float = 0.3
    vector_threshold: float = 0.55
    merge_margin: float = 0.0
    candidates: int = 10
    profile_terms: int = 160
    term_buckets: int = 1 << 20
    signal_sentences: int = 3
    exact_search_limit: int = 2048
    event_window_days: float = 30.0
    event_date_confidence: float = 0.9
    figure_penalty: float = 0.05
    close_call_margin: float = 0.05
    signature_weight: float = 0.2
    split_threshold: float = 0.33
    split_min_members: int = 5
    split_max_members: int = 32
    member_terms: int = 64

    def __post_init__(self) -> None:
        _check_fraction("stories.join_threshold", self.join_threshold)
        if self.window_days <= 0:
            raise ConfigError("stories.window_days", f"must be positive, got {self.window_days!r}")
        _check_positive("stories.lead_sentences", self.lead_sentences)
        _check_fraction("stories.vector_weight", self.vector_weight)
        _check_fraction("stories.vector_threshold", self.vector_threshold)
        _check_fraction("stories.merge_margin", self.merge_margin)
        for name in (
            "candidates",
            "profile_terms",
            "signal_sentences",
            "exact_search_limit",
            "split_min_members",
            "split_max_members",
            "member_terms",
        ):
            _check_positive(f"stories.{name}", getattr(self, name))
        if self.event_window_days < 0:
            raise ConfigError(
                "stories.event_window_days", f"must not be negative, got {self.event_window_days!r}"
            )
        for name in (
            "event_date_confidence",
            "figure_penalty",
            "close_call_margin",
            "signature_weight",
            "split_threshold",
        ):
            _check_fraction(f"stories.{name}", getattr(self, name))
        if self.split_min_members < 4:
            raise ConfigError(
                "stories.split_min_members",
                f"must be at least 4 (two halves of two), got {self.split_min_members!r}",
            )
        if not 1 << 10 <= self.term_buckets <= 1 << 24:
            raise ConfigError(
                "stories.term_buckets",
                f"must be between 1024 and 16777216, got {self.term_buckets!r}",
            )


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """Claim alignment across the articles of a story."""

    claim_threshold: float = 0.72
    min_sentence_words: int = 5
    many_to_many: bool = True
    # Support below the sentence (synopsis.align.support). Set on the five seed
    # reports and the demo corpus (no labelled data for partial overlap exists
    # in ../shared/data; MSRP labels whole-sentence equivalence): a sentence
    # supports a claim unit when it holds at least ``support_threshold`` of the
    # unit's anchor weight, shares ``support_min_shared`` distinctive anchors
    # (words in at most ``support_distinct_share`` of the story's sentences)
    # and the two vectors reach ``support_min_cosine``.
    support_threshold: float = 0.5
    support_min_shared: int = 2
    support_distinct_share: float = 0.08
    support_min_cosine: float = 0.3
    support_same_claim: float = 0.6

    def __post_init__(self) -> None:
        _check_fraction("align.claim_threshold", self.claim_threshold)
        _check_positive("align.min_sentence_words", self.min_sentence_words)
        _check_fraction("align.support_threshold", self.support_threshold)
        _check_positive("align.support_min_shared", self.support_min_shared)
        _check_fraction("align.support_distinct_share", self.support_distinct_share)
        _check_fraction("align.support_min_cosine", self.support_min_cosine)
        _check_fraction("align.support_same_claim", self.support_same_claim)


@dataclass(frozen=True, slots=True)
class ClaimSettings:
    """The "same claim" scorer (:class:`synopsis.align.scorer.ClaimScorer`).

    ``weights`` and ``bias`` are a logistic model over the scorer's features
    (``synopsis.align.scorer.FEATURES``), fitted with
    ``python benchmarks/fit_claims.py`` on ../shared/data/msrp-train.jsonl
    (4,045 news sentence pairs, labelled paraphrase or not) with the default
    encoder. ``same_claim`` is the decision threshold for "the two state one
    claim" (MSRP's equivalence). Sentences in different languages are judged
    by their cosine: 0.5 at ``cross_lingual_cosine``.
    """

    # Fitted on msrp-train.jsonl (benchmarks/fit_claims.py; 5-fold cross-validated
    # accuracy 0.734, F1 0.819): cosine, word overlap, word Jaccard, rarity-weighted
    # overlap, name overlap, names missing, numbers agree, numbers differ, negation
    # differs, length ratio.
    weights: tuple[float, ...] = (
        5.7214,
        -1.4737,
        2.5439,
        0.8731,
        -0.3201,
        0.2979,
        -0.2505,
        -0.8536,
        -0.9879,
        0.5104,
    )
    bias: float = -4.4532
    same_claim: float = 0.5
    cross_lingual_cosine: float = 0.72

    def __post_init__(self) -> None:
        _check_fraction("claims.same_claim", self.same_claim)
        _check_fraction("claims.cross_lingual_cosine", self.cross_lingual_cosine)


@dataclass(frozen=True, slots=True)
class DigestSettings:
    """The summary and facts of a digest."""

    summary_words: int = 150
    redundancy_threshold: float = 0.8

    def __post_init__(self) -> None:
        _check_positive("digest.summary_words", self.summary_words)
        _check_fraction("digest.redundancy_threshold", self.redundancy_threshold)


@dataclass(frozen=True, slots=True)
class QuoteSettings:
    """Direct quotes and the grouping of one quote across sources."""

    min_words: int = 3
    overlap_threshold: float = 0.7
    vector_threshold: float = 0.8

    def __post_init__(self) -> None:
        _check_positive("quotes.min_words", self.min_words)
        _check_fraction("quotes.overlap_threshold", self.overlap_threshold)
        _check_fraction("quotes.vector_threshold", self.vector_threshold)


@dataclass(frozen=True, slots=True)
class CompareSettings:
    """Entities, figures, conflicts and unique details of a story."""

    ner: bool = True
    ner_model: str = "en_core_web_sm"
    max_entities: int = 30
    max_unique: int = 8
    unique_threshold: float = 0.6
    wording_max_words: int = 2

    def __post_init__(self) -> None:
        if self.ner and not self.ner_model.strip():
            raise ConfigError("compare.ner_model", "must name a spaCy model")
        _check_positive("compare.max_entities", self.max_entities)
        _check_positive("compare.max_unique", self.max_unique)
        _check_fraction("compare.unique_threshold", self.unique_threshold)
        _check_positive("compare.wording_max_words", self.wording_max_words)


EXECUTORS = ("local", "dask")
"""The executors a pipeline can prepare articles on (``PipelineSettings.executor``)."""

# A Dask scheduler's address: an optional protocol, then a host and port ("tcp://10.0.0.5:8786").
_SCHEDULER_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?[^\s/]+")


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """Where the per-article work runs (see :mod:`synopsis.pipeline.executors`).

    ``executor`` is ``"local"`` (the default) or ``"dask"``. Locally,
    ``workers`` processes prepare articles (clean, segment, encode) in
    chunks of ``chunk`` articles; ``1`` (the library's default) prepares
    them in this process and ``0`` uses one process per core (the command
    line's default). Workers are started with ``spawn``: a script that asks
    for them must guard its entry point (``if __name__ == "__main__":``); if
    they cannot start or die, the rest of the batch is prepared here. A batch
    of fewer than ``parallel_min_articles`` articles is always prepared here,
    where starting workers (each loads its own encoder) would cost more than
    it saves.

    ``"dask"`` prepares the chunks on a Dask cluster instead (see
    :mod:`synopsis.pipeline.dask`; ``pip install 'synopsis[dask]'``): the
    one whose scheduler listens at ``scheduler`` (``"tcp://host:8786"``), or
    without one a cluster of ``dask_workers`` worker processes on this
    machine (``0``: one per core), started for the batch and closed after it.
    """

    workers: int = 1
    chunk: int = 32
    parallel_min_articles: int = 96
    executor: str = "local"
    scheduler: str | None = None
    dask_workers: int = 0

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ConfigError(
                "pipeline.workers", f"must be 0 (one per core) or more, got {self.workers!r}"
            )
        _check_positive("pipeline.chunk", self.chunk)
        _check_positive("pipeline.parallel_min_articles", self.parallel_min_articles)
        if self.executor not in EXECUTORS:
            raise ConfigError(
                "pipeline.executor",
                f"must be one of {', '.join(map(repr, EXECUTORS))}, got {self.executor!r}",
            )
        if self.dask_workers < 0:
            raise ConfigError(
                "pipeline.dask_workers",
                f"must be 0 (one per core) or more, got {self.dask_workers!r}",
            )
        if self.scheduler is None:
            return
        if self.executor != "dask":
            raise ConfigError(
                "pipeline.scheduler",
                f"is a Dask scheduler's address; set it only with executor 'dask', "
                f"not {self.executor!r}",
            )
        if not _SCHEDULER_ADDRESS.fullmatch(self.scheduler):
            raise ConfigError(
                "pipeline.scheduler",
                "must be a Dask scheduler's address like 'tcp://host:8786', "
                f"got {self.scheduler!r}",
            )
        if self.dask_workers:
            raise ConfigError(
                "pipeline.dask_workers",
                "sizes a cluster started on this machine; not used with pipeline.scheduler",
            )


USER_AGENT = f"synopsis/{__version__} (+https://github.com/synopsis-news/synopsis; news digest bot)"
"""The default ``User-Agent`` of every request synopsis sends (``fetch.user_agent``)."""


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How URLs are fetched (:class:`synopsis.fetch.Fetcher`): the web's from-url, feeds.

    Only public addresses are fetched (every address a host resolves to, on
    every redirect) unless ``allow_private_urls`` is set. Each step (connect,
    each read) has ``timeout`` seconds and a whole response
    ``response_timeout``; a body over ``max_bytes`` (compressed or not) is
    refused; at most ``max_redirects`` redirects are followed. A timeout, a
    failed connection, a 5xx or a 429 is tried again up to ``retries``
    times, after ``backoff`` seconds doubled each time, or after the
    server's ``Retry-After`` when it asks for at most ``max_retry_wait``
    seconds (a longer wait is a failure, not a shorter one).

    Per host, at most ``per_host_concurrency`` requests are in flight and
    they start at most ``per_host_rate`` a second. With ``robots``, each
    site's robots.txt is read (at most once per ``robots_ttl`` seconds) and
    what it disallows for ``user_agent`` is never requested.
    """

    allow_private_urls: bool = False
    timeout: float = 10.0
    response_timeout: float = 30.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 0.5
    max_retry_wait: float = 30.0
    per_host_concurrency: int = 2
    per_host_rate: float = 2.0
    robots: bool = True
    robots_ttl: float = 3600.0
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        for name in ("timeout", "response_timeout", "per_host_rate"):
            value = getattr(self, name)
            if value <= 0:
                raise ConfigError(f"fetch.{name}", f"must be positive, got {value!r}")
        for name in ("max_redirects", "retries", "backoff", "max_retry_wait", "robots_ttl"):
            value = getattr(self, name)
            if value < 0:
                raise ConfigError(f"fetch.{name}", f"must not be negative, got {value!r}")
        _check_positive("fetch.max_bytes", self.max_bytes)
        _check_positive("fetch.per_host_concurrency", self.per_host_concurrency)
        agent = self.user_agent.strip()
        if not agent or not agent.isprintable():
            raise ConfigError(
                "fetch.user_agent",
                f"must be one line of printable text naming the bot, got {self.user_agent!r}",
            )


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The web server (``synopsis serve``).

    Reads are open to loopback clients only unless ``public_reads`` is set;
    writes always need the bearer ``token`` (falling back to the
    ``SYNOPSIS_TOKEN`` environment variable) and are refused when none is set.
    Articles added by URL are fetched under the ``fetch`` section's rules
    (:class:`FetchSettings`).

    Slow clients (see :class:`synopsis.web.middleware.SlowClientGuard`): a
    request's headers must arrive within ``header_timeout`` seconds and
    ``max_header_bytes``, its body within ``body_timeout`` seconds of them;
    a kept-alive connection idle for ``keep_alive_timeout`` seconds closes.
    """

    db: str = "synopsis.db"
    host: str = "127.0.0.1"
    port: int = 8000
    token: str = field(default="", repr=False)
    public_reads: bool = False
    max_upload_bytes: int = 5_000_000
    max_articles_per_request: int = 200
    page_cache_entries: int = 512
    page_size: int = 50
    header_timeout: float = 10.0
    body_timeout: float = 60.0
    keep_alive_timeout: float = 5.0
    max_header_bytes: int = 65_536

    def __post_init__(self) -> None:
        for name in ("header_timeout", "body_timeout", "keep_alive_timeout"):
            value = getattr(self, name)
            if value <= 0:
                raise ConfigError(f"web.{name}", f"must be positive, got {value!r}")
        _check_positive("web.max_header_bytes", self.max_header_bytes)
        if not self.db.strip():
            raise ConfigError("web.db", "must name a store file")
        if not self.host.strip():
            raise ConfigError("web.host", "must name a host")
        if not 1 <= self.port <= 65535:
            raise ConfigError("web.port", f"must be between 1 and 65535, got {self.port!r}")
        _check_positive("web.max_upload_bytes", self.max_upload_bytes)
        _check_positive("web.max_articles_per_request", self.max_articles_per_request)
        _check_positive("web.page_cache_entries", self.page_cache_entries)
        _check_positive("web.page_size", self.page_size)


@dataclass(frozen=True, slots=True)
class FollowSettings:
    """Following feeds (``synopsis follow``): how often, how many at once, how patiently.

    A feed is polled every ``every`` seconds; one whose polls fail waits
    twice as long after each failure in a row, at most ``max_backoff``
    seconds. ``feed_workers`` feeds and ``page_workers`` entry pages are
    fetched at once (the fetcher's per-host limits still apply); new articles
    are ingested ``batch`` at a time; a page that failed ``max_attempts``
    times is not asked for again.
    """

    every: float = 900.0
    max_backoff: float = 86_400.0
    feed_workers: int = 4
    page_workers: int = 8
    batch: int = 200
    max_attempts: int = 3

    def __post_init__(self) -> None:
        for name in ("every", "max_backoff"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"follow.{name}", "must be a positive number of seconds")
        for name in ("feed_workers", "page_workers", "batch", "max_attempts"):
            _check_positive(f"follow.{name}", getattr(self, name))


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of synopsis. Build with keyword arguments or ``from_mapping``."""

    read: ReadSettings = field(default_factory=ReadSettings)
    embed: EmbedSettings = field(default_factory=EmbedSettings)
    copies: CopySettings = field(default_factory=CopySettings)
    stories: StorySettings = field(default_factory=StorySettings)
    align: AlignSettings = field(default_factory=AlignSettings)
    claims: ClaimSettings = field(default_factory=ClaimSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    quotes: QuoteSettings = field(default_factory=QuoteSettings)
    compare: CompareSettings = field(default_factory=CompareSettings)
    pipeline: PipelineSettings = field(default_factory=PipelineSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    web: WebSettings = field(default_factory=WebSettings)
    follow: FollowSettings = field(default_factory=FollowSettings)

    def with_workers(self, workers: int | None) -> Settings:
        """These settings with ``workers`` preparing processes (``None`` keeps them)."""
        if workers is None:
            return self
        return replace(self, pipeline=replace(self.pipeline, workers=workers))

    def with_executor(self, executor: str | None, scheduler: str | None = None) -> Settings:
        """These settings with another executor (``None`` for both keeps them).

        ``executor`` is ``"local"``, ``"dask"`` or ``"dask:N"`` (a Dask
        cluster of ``N`` worker processes on this machine); a ``scheduler``
        address means ``"dask"`` on that cluster. ``"local"`` and ``"dask:N"``
        drop a scheduler set elsewhere (e.g. in the environment).
        """
        if executor is None and scheduler is None:
            return self
        name, colon, count = (executor or "dask").partition(":")
        values: dict[str, Any] = {"executor": name}
        if colon:
            if name != "dask" or not count.strip().isdigit():
                raise ConfigError(
                    "pipeline.executor",
                    f"expected 'local', 'dask' or 'dask:N' (N worker processes), got {executor!r}",
                )
            values["dask_workers"] = int(count)
        if scheduler is not None:
            values["scheduler"] = scheduler.strip() or None
        elif name == "local" or colon:
            values["scheduler"] = None
        return replace(self, pipeline=replace(self.pipeline, **values))

    def with_summary_words(self, words: int | None) -> Settings:
        """These settings with another summary budget (``None`` keeps it)."""
        if words is None:
            return self
        return replace(self, digest=replace(self.digest, summary_words=words))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Build from ``{"section.name": value}`` or ``{"section": {"name": value}}``.

        Unknown sections or names raise :class:`ConfigError`; values are
        converted to the type of the default.
        """
        nested: dict[str, dict[str, Any]] = {}
        for key, value in values.items():
            if isinstance(value, Mapping):
                for name, inner in value.items():
                    nested.setdefault(key, {})[name] = inner
            else:
                section, _, name = key.partition(".")
                if not name:
                    raise ConfigError(key, "expected 'section.name'")
                nested.setdefault(section, {})[name] = value
        defaults = cls()
        sections: dict[str, Any] = {}
        for section, overrides in nested.items():
            current = getattr(defaults, section, None)
            if current is None or section not in {f.name for f in fields(cls)}:
                raise ConfigError(section, "unknown settings section")
            known = {f.name: f for f in fields(current)}
            converted: dict[str, Any] = {}
            for name, raw in overrides.items():
                if name not in known:
                    raise ConfigError(f"{section}.{name}", "unknown setting")
                converted[name] = _convert(
                    f"{section}.{name}", raw, getattr(current, name), _optional(current, name)
                )
            sections[section] = replace(current, **converted)
        return replace(defaults, **sections)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``SYNOPSIS_<SECTION>__<NAME>`` environment variables."""
        environ = os.environ if environ is None else environ
        values = {
            key[len("SYNOPSIS_") :].lower().replace("__", "."): value
            for key, value in environ.items()
            if key.startswith("SYNOPSIS_") and "__" in key
        }
        return cls.from_mapping(values)


def _optional(section: object, name: str) -> type | None:
    """The type of a setting that may be ``None`` (``str | None``: ``str``), else ``None``."""
    hint = typing.get_type_hints(type(section))[name]
    if typing.get_origin(hint) not in (typing.Union, types.UnionType):
        return None
    kinds = [kind for kind in typing.get_args(hint) if kind is not type(None)]
    return kinds[0] if len(kinds) == 1 and isinstance(kinds[0], type) else None


def _convert(name: str, raw: Any, default: Any, optional: type | None = None) -> Any:
    """``raw`` as the type of ``default`` (of ``optional``, where ``None`` is allowed too).

    For a setting that may be ``None``, ``None`` or a blank string is ``None``.
    """
    if optional is not None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        default = optional()
    kind = type(default)
    if isinstance(raw, kind) and not (kind is int and isinstance(raw, bool)):
        return raw
    try:
        if kind is bool:
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(name, f"expected {kind.__name__}, got {raw!r}") from exc
