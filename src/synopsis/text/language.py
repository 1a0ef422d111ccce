"""Language identification with py3langid (numpy only, fast)."""

from __future__ import annotations

from dataclasses import replace

import py3langid

from ..records import Article

_SAMPLE_CHARS = 2000
_MIN_CHARS = 20


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or ``None`` if there is too little text."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.strip()) < _MIN_CHARS:
        return None
    code, _score = py3langid.classify(sample)
    return str(code)


def identify_language(article: Article) -> Article:
    """The article with ``language`` set, unless the input already named one."""
    if article.language:
        return article
    return replace(article, language=detect_language(article.text))
