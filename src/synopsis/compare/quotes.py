"""Direct quotes, who said them, and the same quote across sources.

Quotes are found between straight or curly quotation marks inside a
paragraph; pieces of one quote broken by a speech tag ("…,” he said. “…”) are
joined. The speaker is read from the words around the quote: the name next to
a speech verb ("said Commander Petra Lindqvist", "Oskarsen told reporters"),
a pronoun (the last person named before the quote), a title ("asked the
Chinese president": the person the story names with that title) or a lone
surname (the one person of the article, else of the story, who bears it;
left ambiguous when several do).

The same quote in several sources (reprinted, shortened, translated) forms a
:class:`~synopsis.records.QuoteGroup`: joined when one wording holds most of
the other's words in order, or when their multilingual vectors are close.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from ..config import QuoteSettings
from ..records import Article, Quote, QuoteGroup, Story
from ..types import Encode as Encode
from .entities import TITLE_WORDS, NameIndex

_PAIRS = re.compile(r"“([^“”]+)”|\"([^\"]+)\"|«([^«»]+)»|“([^“”]+)$")
_CUES = (
    "said|says|say|told|tells|tell|added|adds|asked|asks|replied|replies|stated|states|"
    "declared|declares|warned|warns|explained|explains|insisted|insists|noted|notes|wrote|"
    "writes|announced|announces|stressed|stresses|emphasized|emphasised|urged|urges|"
    "continued|recalled|remarked|argued|argues|acknowledged|admitted|promised|vowed|"
    "telling|saying|adding|asking|according to"
)
_CUE = re.compile(rf"\b(?:{_CUES})\b", re.IGNORECASE)
_NAME = r"(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][\w'’.-]*(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]*))*"
_TITLE_PHRASE = r"(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:" + "|".join(sorted(TITLE_WORDS)) + r")\b"
_SPEAKER = rf"(?P<speaker>\b(?:he|she|He|She)\b|{_TITLE_PHRASE}|{_NAME})"
_AFTER_CUE_FIRST = re.compile(rf"^[\s,.;:—–-]*(?:{_CUES})\s+{_SPEAKER}")
_AFTER_SPEAKER_FIRST = re.compile(
    rf"^[\s,.;:—–-]*(?:[a-z][\w-]*\s+){{0,3}}?{_SPEAKER}(?:,[^,“”\"]{{1,80}},)?\s+(?:{_CUES})\b"
)
_OBJECT = re.compile(r"\b(?:told|tells|tell|telling|asked|asks|with|met|to)\s+$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z“\"‘])")
_WORD = re.compile(r"[\w']+")
_MAX_GAP_WORDS = 8
"""A speech tag between two pieces of one quote is at most this long."""


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int
    text: str


def extract_quotes(
    article: Article, names: NameIndex | None, settings: QuoteSettings
) -> list[Quote]:
    """The direct quotes of ``article``, each with its speaker when the text gives one."""
    quotes: list[Quote] = []
    starts = [s.start for s in article.sentences]
    offset = 0
    for paragraph in article.text.split("\n\n"):
        base = article.text.find(paragraph, offset)
        offset = base + len(paragraph)
        pieces = [
            _Piece(base + m.start() + 1, base + m.end() - 1, next(g for g in m.groups() if g))
            for m in _PAIRS.finditer(paragraph)
        ]
        for run in _runs(article.text, pieces):
            parts = tuple(p.text.strip().rstrip(",").strip() for p in run)
            if sum(len(_WORD.findall(p)) for p in parts) < settings.min_words:
                continue
            sentence_at = bisect.bisect_right(starts, run[0].start) - 1
            sentence = article.sentences[max(sentence_at, 0)].index if article.sentences else 0
            speaker, entity, candidates = _speaker(article, run, base, offset, names)
            quotes.append(Quote(article.id, sentence, parts, speaker, entity, candidates))
    return quotes


def _runs(text: str, pieces: Sequence[_Piece]) -> list[list[_Piece]]:
    """Pieces of one quote: consecutive pieces separated only by a short speech tag."""
    runs: list[list[_Piece]] = []
    for piece in pieces:
        if runs:
            previous = runs[-1][-1]
            gap = text[previous.end + 1 : piece.start - 1]
            if (
                len(gap.split()) <= _MAX_GAP_WORDS
                and _CUE.search(gap)
                and "\n" not in gap
                # “A,” he said. “B.”: the first piece breaks off mid-quote and the
                # speech tag is all that stands between the pieces.
                and (previous.text.rstrip().endswith((",", "?", "!", "—", "-")) or gap[:1] == ",")
                and gap.rstrip().endswith((".", ",", ":"))
            ):
                runs[-1].append(piece)
                continue
        runs.append([piece])
    return runs


def _speaker(
    article: Article,
    run: Sequence[_Piece],
    paragraph_start: int,
    paragraph_end: int,
    names: NameIndex | None,
) -> tuple[str | None, str | None, tuple[str, ...]]:
    text = article.text
    contexts: list[tuple[str, int, bool]] = []
    for left, right in itertools.pairwise(run):
        contexts.append((text[left.end + 1 : right.start - 1], left.end + 1, True))
    after_end = text.find("“", run[-1].end + 1, paragraph_end)
    straight = text.find('"', run[-1].end + 1, paragraph_end)
    ends = [e for e in (after_end, straight) if e >= 0]
    after = text[run[-1].end + 1 : min(ends) if ends else paragraph_end]
    closed = run[-1].text.rstrip().endswith(".") and after.lstrip()[:1].isupper()
    if not closed:  # “….” She said …: a new sentence, not this quote's speech tag
        contexts.append((after, run[-1].end + 1, True))
    before_start = max(paragraph_start, run[0].start - 300)
    before = text[before_start : run[0].start - 1]
    boundaries = list(_SENTENCE_END.finditer(before))
    if boundaries:
        before_start += boundaries[-1].end()
        before = before[boundaries[-1].end() :]
    contexts.append((before, before_start, False))
    for context, start, is_after in contexts:
        found = _find_speaker(context, is_after)
        if found is None:
            continue
        expression, position = found
        if names is None:
            return expression, None, ()
        entity, candidates = names.resolve(expression, article.id, start + position)
        if entity is not None and names.entity(entity).type != "person":
            continue
        if entity is None and not candidates:
            continue
        return expression, entity, candidates
    return None, None, ()


def _find_speaker(context: str, after: bool) -> tuple[str, int] | None:
    """The speaker expression of a speech tag, and its offset in ``context``."""
    if after:
        clause = re.split(r"(?<=[.!?;])\s", context, maxsplit=1)[0]
        for pattern in (_AFTER_CUE_FIRST, _AFTER_SPEAKER_FIRST):
            match = pattern.match(clause)
            if match and _plausible(match.group("speaker")):
                return _trim_title(match.group("speaker")), match.start("speaker")
        return None
    cues = list(_CUE.finditer(context))
    if not cues:
        return None
    cue = cues[-1]
    if cue.group(0).lower() == "according to":
        match = re.match(rf"\s+{_SPEAKER}", context[cue.end() :])
        if match and _plausible(match.group("speaker")):
            return _trim_title(match.group("speaker")), cue.end() + match.start("speaker")
        return None
    head = context[: cue.start()]
    best: tuple[str, int] | None = None
    for match in re.finditer(_SPEAKER, head):
        if _OBJECT.search(head[: match.start()]):
            continue  # "Wang told Blinken, adding that …": Blinken is spoken to
        if _plausible(match.group("speaker")):
            best = (_trim_title(match.group("speaker")), match.start("speaker"))
    return best


_NOT_SPEAKERS = frozenset(
    """
    The A An In On At It This That But And Or If When While As After Before During Earlier
    Later Meanwhile However Despite Speaking Asked According Overall Still Yet So Then
    There Here We I You They Their His Her Our Its Friday Monday Tuesday Wednesday Thursday
    Saturday Sunday Beijing.-
    """.split()
)


def _plausible(expression: str) -> bool:
    first = expression.split()[0]
    return first not in _NOT_SPEAKERS or expression in ("He", "She")


def _trim_title(expression: str) -> str:
    """ "Commander Petra Lindqvist" → "Petra Lindqvist"; titles alone are kept."""
    if expression.split()[0].lower() in ("the", "a", "an"):
        return expression
    words = expression.split()
    while len(words) > 1 and words[0].lower().strip(".,") in TITLE_WORDS:
        words = words[1:]
    return " ".join(words).rstrip(",.")


def group_quotes(
    story: Story,
    quotes: Sequence[Quote],
    encode: Encode | None,
    settings: QuoteSettings,
    names: NameIndex | None = None,
) -> list[QuoteGroup]:
    """The same quote across sources, as groups (in order of first appearance)."""
    if not quotes:
        return []
    words = [_tokens(q.text) for q in quotes]
    word_sets = [set(w) for w in words]
    size = len(quotes)
    if encode is not None:
        vectors = np.asarray(encode([q.text for q in quotes]), dtype=np.float32)
        cosine = vectors @ vectors.T
    else:
        cosine = np.zeros((size, size), dtype=np.float32)
    similar = cosine >= settings.vector_threshold
    strength: list[tuple[float, int, int]] = []
    for i in range(size):
        for j in range(i + 1, size):
            lexical = 0.0
            if len(word_sets[i] & word_sets[j]) >= 3:  # cheap filter before aligning
                lexical = overlap(words[i], words[j])
            if lexical >= settings.overlap_threshold:
                similar[i, j] = similar[j, i] = True
            if similar[i, j]:
                strength.append((max(lexical, float(cosine[i, j])), i, j))
    # Complete link: two groups merge only if every pair across them is similar,
    # so that a chain of near neighbours never joins two different quotes.
    group_of = list(range(size))
    clusters: dict[int, list[int]] = {n: [n] for n in range(size)}
    for _, i, j in sorted(strength, reverse=True):
        a, b = group_of[i], group_of[j]
        if a == b or not all(similar[x, y] for x in clusters[a] for y in clusters[b]):
            continue
        for n in clusters[b]:
            group_of[n] = a
        clusters[a].extend(clusters.pop(b))

    def find(i: int) -> int:
        return group_of[i]

    members: dict[int, list[Quote]] = {}
    for n, quote in enumerate(quotes):
        members.setdefault(find(n), []).append(quote)
    order = {a: n for n, a in enumerate(story.article_ids)}
    groups: list[QuoteGroup] = []
    for number, group in enumerate(
        sorted(
            members.values(), key=lambda g: min((order.get(q.article, 0), q.sentence) for q in g)
        )
    ):
        group.sort(key=lambda q: (order.get(q.article, 0), q.sentence))
        speakers = [
            names.entity(q.speaker_entity).name if names is not None else q.speaker or ""
            for q in group
            if q.speaker_entity is not None
        ]
        shown = max(
            group, key=lambda q: (len({x.article for x in group if x.text == q.text}), len(q.text))
        )
        counts = {s: speakers.count(s) for s in speakers}
        groups.append(
            QuoteGroup(
                id=f"{story.id}-q{number}",
                quotes=tuple(group),
                text=shown.text,
                speaker=max(counts, key=lambda s: (counts[s], s)) if counts else None,
                speakers=tuple(dict.fromkeys(speakers)),
            )
        )
    return groups


def _tokens(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of the shorter wording's words found, in order, in the longer one."""
    if not a or not b:
        return 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 3:
        return 0.0
    matcher = SequenceMatcher(None, short, long, autojunk=False)
    blocks = matcher.get_matching_blocks()
    if max(block.size for block in blocks) < 3:
        return 0.0
    return sum(block.size for block in blocks) / len(short)


__all__ = ["extract_quotes", "group_quotes", "overlap"]
