"""All of synopsis's settings, with checked defaults, in one place.

Settings are plain frozen dataclasses: build them in code, or from a mapping
(``Settings.from_mapping``) read from environment variables or a file. Every
value is checked when the object is made, and a bad one raises
:class:`~synopsis.errors.ConfigError` naming the setting.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .errors import ConfigError


def _check_fraction(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ConfigError(name, f"must be between 0 and 1, got {value!r}")


def _check_positive(name: str, value: int) -> None:
    if value <= 0:
        raise ConfigError(name, f"must be a positive integer, got {value!r}")


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How inputs are read."""

    max_file_bytes: int = 20_000_000
    min_text_chars: int = 20

    def __post_init__(self) -> None:
        _check_positive("read.max_file_bytes", self.max_file_bytes)
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
    seed: int = 1

    def __post_init__(self) -> None:
        _check_positive("copies.shingle_words", self.shingle_words)
        if self.num_perm < 16:
            raise ConfigError("copies.num_perm", f"must be at least 16, got {self.num_perm!r}")
        _check_fraction("copies.near_duplicate_threshold", self.near_duplicate_threshold)


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Story clustering."""

    join_threshold: float = 0.55
    window_days: float = 14.0
    lead_sentences: int = 8

    def __post_init__(self) -> None:
        _check_fraction("stories.join_threshold", self.join_threshold)
        if self.window_days <= 0:
            raise ConfigError("stories.window_days", f"must be positive, got {self.window_days!r}")
        _check_positive("stories.lead_sentences", self.lead_sentences)


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """Claim alignment across the articles of a story."""

    claim_threshold: float = 0.72
    min_sentence_words: int = 5

    def __post_init__(self) -> None:
        _check_fraction("align.claim_threshold", self.claim_threshold)
        _check_positive("align.min_sentence_words", self.min_sentence_words)


@dataclass(frozen=True, slots=True)
class DigestSettings:
    """The summary and facts of a digest."""

    summary_words: int = 150
    redundancy_threshold: float = 0.8
    max_facts: int = 20

    def __post_init__(self) -> None:
        _check_positive("digest.summary_words", self.summary_words)
        _check_fraction("digest.redundancy_threshold", self.redundancy_threshold)
        _check_positive("digest.max_facts", self.max_facts)


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of synopsis. Build with keyword arguments or ``from_mapping``."""

    read: ReadSettings = field(default_factory=ReadSettings)
    embed: EmbedSettings = field(default_factory=EmbedSettings)
    copies: CopySettings = field(default_factory=CopySettings)
    stories: StorySettings = field(default_factory=StorySettings)
    align: AlignSettings = field(default_factory=AlignSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)

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
                converted[name] = _convert(f"{section}.{name}", raw, getattr(current, name))
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


def _convert(name: str, raw: Any, default: Any) -> Any:
    kind = type(default)
    if isinstance(raw, kind) and not (kind is int and isinstance(raw, bool)):
        return raw
    try:
        if kind is bool:
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(name, f"expected {kind.__name__}, got {raw!r}") from exc
