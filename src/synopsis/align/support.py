"""Claims below the sentence: which sentences of other sources *support* a claim.

Whole-sentence alignment (:mod:`.claims`) joins sentences that say the same
thing as a whole. News sentences often state several claims at once ("Wang
told Blinken at the start of about 5.5 hours of talks that relations are
beginning to stabilize"), and another outlet states one of them with less
detail or inside a sentence about something else. Here:

- :func:`claim_units` splits a sentence into its claim units: a long quote
  apart from its reporting frame, clauses at ";", dashes and clause-opening
  conjunctions ("…, but", "…, which", "as he …");
- :func:`anchors` reads what a unit is about: its content words (stemmed,
  possessives and reporting verbs left out), numbers and denied clauses;
- :class:`SupportScorer` decides whether a sentence states a unit: either
  the two are the same claim for the "same claim" scorer
  (:class:`~.scorer.ClaimScorer`, unit against unit), or the unit's anchors,
  weighed by their rarity in the story, are contained in the other sentence
  (partial overlap: the smaller claim inside the bigger sentence), with at
  least ``min_shared`` distinctive anchors in common, no disagreeing number
  and nothing one side denies that the other asserts;
- :func:`extend_claims` makes alignment many to many: each claim group takes,
  from every article not yet in it, the sentence that best supports one of
  its sentences' units (one sentence per article and group; a sentence may
  support several groups), and groups that turn out to state the same claim
  (each holds the other's own sentences) are merged.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz.fuzz import ratio

from ..config import AlignSettings, ClaimSettings
from ..records import ClaimGroup, Sentence, Story
from ..text.numbers import COUNT_WORDS
from ..text.stopwords import english_stop_words
from ..types import Encode, Matrix
from .scorer import ClaimScorer

_QUOTE = re.compile(r"[“\"‘]([^“”\"]{8,}?)[”\"’]|(?<!\w)'([^'\"“”]{8,}?)'(?!\w)")
_LONG_QUOTE_WORDS = 6
"""A quote of at least this many words is a claim unit of its own."""
_CLAUSE = re.compile(
    r"\s*(?:;|\s[—–]\s|,\s+(?:but|while|which|who|seeking|adding|telling|saying|as|although|"
    r"even as|despite|including|such as|if|unless)\b|\s+(?:such\s+as|if|unless)\b|"
    r"\s+as\s+(?:he|she|they|it)\b|\s+but\s+also\b)\s*",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^((?:while|although|though|despite|as|after|before|when|during|earlier|later|in)\b[^,]{8,}?),\s+",
    re.IGNORECASE,
)
"""A leading subordinate clause or adverbial ("While the talks were difficult, …")."""
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
_MIN_UNIT_WORDS = 4
"""Content words a clause needs to be a claim unit (shorter ones stay with their neighbour)."""
_REPORTING = frozenset(
    {
        "said",
        "say",
        "says",
        "saying",
        "told",
        "tell",
        "telling",
        "tells",
        "asked",
        "ask",
        "added",
        "adding",
        "according",
        "noted",
        "stated",
        "reported",
        "replied",
        "also",
    }
)
"""Words of the reporting frame: they say who speaks, not what is claimed."""
_IRREGULAR = {
    "met": "meet",
    "spoke": "speak",
    "spent": "spend",
    "held": "hold",
    "made": "make",
    "sale": "sell",
    "sold": "sell",
}
_SUFFIXES = ("ship", "ing", "ed", "es", "s", "ly")
_NEGATION = frozenset({"not", "no", "never", "nor", "none", "neither", "nobody"})
_DENIAL = re.compile(r"^(?:refrain|refus|den(?:y|ie)|fail)\w*$")
"""Verbs that deny what their clause says ("China has refrained from supplying weapons")."""
_NEGATION_CLAUSE = re.compile(
    r"[,;:()]|\s[—–-]\s|\s(?=(?:but|while|whereas|although|though|if|unless|until|whether)\b)",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"^\s*(?:if|unless|until|whether)\b", re.IGNORECASE)
"""A negation inside a condition ("banned if its owner does not sell it") denies nothing."""
_NEGATION_OVERLAP = 2
"""Words a denied clause must share with the other side's asserted words to conflict."""
_NUMBER_WORDS = COUNT_WORDS
_SMALL_NUMBER = 3.0
_NUMBER_TOLERANCE = 0.15  # "about 5.5 hours" and "five hours" state one figure
_NAME_SIMILARITY = 80.0  # "Antony"/"Anthony", "Blingen"/"Blinken"


def claim_units(text: str) -> tuple[str, ...]:
    """The claim units of sentence ``text`` below the whole sentence (none when it is one unit).

    Units are only compared, never shown: the sentence that holds a unit is
    what a claim group cites, verbatim.
    """
    parts: list[str] = []
    frame: list[str] = []
    last = 0
    for match in _QUOTE.finditer(text):
        quoted = match.group(1) or match.group(2) or ""
        if len(quoted.split()) >= _LONG_QUOTE_WORDS:
            parts.append(quoted)
            frame.append(text[last : match.start()])
            last = match.end()
    frame.append(text[last:])
    for piece in frame:
        clauses: list[str] = []
        leading = _LEADING.match(piece.lstrip(" “\"‘'"))
        pieces = _CLAUSE.split(piece)
        if leading:
            rest = piece.lstrip(" “\"‘'")[leading.end() :]
            pieces = [leading.group(1), *_CLAUSE.split(rest)]
        for clause in pieces:
            clause = clause.strip(" ,.;:“”\"‘’'")
            if not clause:
                continue
            if clauses and len(_content(clause)) < _MIN_UNIT_WORDS:
                clauses[-1] = f"{clauses[-1]} {clause}"
            else:
                clauses.append(clause)
        parts.extend(clauses)
    whole = text.strip(" ,.;:“”\"‘’'")
    units = [
        p.strip(" ,.;:“”\"‘’'")
        for p in parts
        if len(_content(p)) >= _MIN_UNIT_WORDS and p.strip(" ,.;:“”\"‘’'") != whole
    ]
    return tuple(dict.fromkeys(units))


def _content(text: str) -> list[str]:
    """The anchors of ``text`` (words and numbers) as a list, to count them."""
    found = anchors(text)
    return [*found.words, *map(str, found.numbers)]


@dataclass(frozen=True, slots=True)
class Anchors:
    """What a claim is about: content words (stemmed), numbers, and the words of its
    clauses that deny what they say (``denied``: a clause with "not", "never",
    "refrained from"…, outside a condition)."""

    words: frozenset[str]
    numbers: frozenset[float]
    denied: frozenset[str] = frozenset()

    @property
    def asserted(self) -> frozenset[str]:
        """The words said without a denial."""
        return self.words - self.denied


@lru_cache(maxsize=65536)
def anchors(text: str) -> Anchors:
    """The anchors of ``text`` (cached: units and sentences repeat across calls)."""
    words: set[str] = set()
    numbers: set[float] = set()
    denied: set[str] = set()
    for clause in _NEGATION_CLAUSE.split(text):
        clause_words, negated = _clause_anchors(clause, numbers)
        words |= clause_words
        if negated and not _CONDITIONAL.match(clause):
            denied |= clause_words
    return Anchors(frozenset(words), frozenset(numbers), frozenset(denied))


def _clause_anchors(clause: str, numbers: set[float]) -> tuple[set[str], bool]:
    """The content words of one clause (its numbers go to ``numbers``) and whether it denies."""
    stop = english_stop_words()
    words: set[str] = set()
    negated = False
    for token in _tokens(clause):
        lower = token.casefold()
        if _NUMBER.fullmatch(token):
            head, _, tail = lower.replace(",", "").partition(".")
            numbers.add(float(f"{head}.{tail.partition('.')[0]}" if tail else head))
            continue
        lower = _POSSESSIVE.sub("", lower)
        if lower in _NUMBER_WORDS:
            numbers.add(_NUMBER_WORDS[lower])
            continue
        if lower in _NEGATION or lower.endswith("n't") or _DENIAL.match(lower):
            negated = True
        if lower in stop or lower in _REPORTING or (len(lower) < 3 and not token[0].isupper()):
            continue
        words.add(_stem(lower))
    return words, negated


def _tokens(text: str) -> list[str]:
    """Words and numbers; a hyphenated compound ("US-China") also gives its parts."""
    tokens: list[str] = []
    for token in _WORD.findall(text):
        tokens.append(token)
        if "-" in token:
            tokens.extend(part for part in token.split("-") if part)
    return tokens


def _stem(word: str) -> str:
    word = _IRREGULAR.get(word, word)
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def anchor_weights(texts: Sequence[str]) -> dict[str, float]:
    """Inverse sentence frequencies of the anchor words of ``texts`` (the story's sentences)."""
    frequencies: Counter[str] = Counter()
    for text in texts:
        frequencies.update(anchors(text).words)
    count = len(texts)
    return {w: math.log((count + 1) / (df + 1)) + 1.0 for w, df in frequencies.items()}


def _numbers_agree(a: frozenset[float], b: frozenset[float]) -> bool:
    return any(abs(x - y) <= _NUMBER_TOLERANCE * max(abs(x), abs(y)) for x in a for y in b)


def _conflict(first: Anchors, second: Anchors) -> bool:
    """Numbers that disagree, or what one side denies the other asserts.

    A denial conflicts when the denied clause shares at least
    ``_NEGATION_OVERLAP`` words with what the other side says without one:
    "China has refrained from supplying weapons for Russia's war" against
    "China helped Moscow continue its war against Ukraine". A denial in a
    clause the other side does not state ("…, but no agreement was reached")
    or inside a condition ("TikTok is banned if its owner does not sell it")
    is no conflict.
    """
    if first.numbers and second.numbers and not _numbers_agree(first.numbers, second.numbers):
        return True
    return (
        len(first.denied & second.asserted) >= _NEGATION_OVERLAP
        or len(second.denied & first.asserted) >= _NEGATION_OVERLAP
    )


class SupportScorer:
    """Whether one sentence states a claim unit of another, within one story.

    ``texts`` are the story's sentences: they weigh anchor words by rarity
    (a word most sentences use, the story's main actor, weighs little) and set
    which anchors are distinctive: used by at most ``distinct_share`` of the
    sentences, and never by fewer than ``articles`` + 1 (a claim every article
    states once must keep its words distinctive).
    """

    def __init__(
        self,
        texts: Sequence[str],
        settings: AlignSettings | None = None,
        claims: ClaimSettings | None = None,
        *,
        articles: int = 1,
    ) -> None:
        self.settings = settings or AlignSettings()
        self.weights = anchor_weights(texts)
        self.unseen = math.log(len(texts) + 1) + 1.0
        distinct_df = max(articles + 1.0, self.settings.support_distinct_share * len(texts))
        self.distinct = math.log((len(texts) + 1) / (distinct_df + 1)) + 1.0
        self.same = ClaimScorer(claims).in_context(texts)

    def weight(self, word: str) -> float:
        return self.weights.get(word, self.unseen)

    def containment(self, unit: str, sentence: str) -> float:
        """How much of ``unit``'s anchor weight ``sentence`` holds (0 on a conflict).

        A conflict is a number of the unit that no number of the sentence
        agrees with (both stating numbers), or a clause of one that denies
        what the other asserts (see :func:`_conflict`).
        Too few distinctive shared anchors also give 0.
        """
        u, s = anchors(unit), anchors(sentence)
        if _conflict(u, s):
            return 0.0
        if not u.words:
            return 0.0
        shared = self._shared(u.words, s.words)
        distinctive = sum(1 for w in shared if self.weight(w) >= self.distinct)
        number_weight = self.distinct if u.numbers else 0.0
        held = sum(self.weight(w) for w in shared)
        if u.numbers and s.numbers:
            held += number_weight
            # "two" or "three" agree by chance; a larger figure is a distinctive anchor
            distinctive += any(x > _SMALL_NUMBER for x in u.numbers & s.numbers) or any(
                x > _SMALL_NUMBER and y > _SMALL_NUMBER for x in u.numbers for y in s.numbers
            )
        if distinctive < self.settings.support_min_shared:
            return 0.0
        return held / (sum(self.weight(w) for w in u.words) + number_weight)

    def held(self, unit: str, sentence: str) -> frozenset[str]:
        """The distinctive anchors of ``unit`` that ``sentence`` holds (spelling variants count)."""
        words, others = anchors(unit).words, anchors(sentence).words
        return frozenset(w for w in self._shared(words, others) if self.weight(w) >= self.distinct)

    def _shared(self, words: frozenset[str], others: frozenset[str]) -> set[str]:
        shared = set(words & others)
        for word in words - others:
            if len(word) >= 5 and any(
                other[0] == word[0] and ratio(word, other) >= _NAME_SIMILARITY
                for other in others
                if len(other) >= 5
            ):
                shared.add(word)
        return shared

    def supports(self, unit: str, sentence: str, cosine: float) -> bool:
        """True when ``sentence`` states the claim ``unit`` (``cosine`` of their vectors)."""
        if cosine < self.settings.support_min_cosine:
            return False
        return self.containment(unit, sentence) >= self.settings.support_threshold

    def score(self, unit: str, unit_vector: Matrix, other: str, other_vector: Matrix) -> float:
        """How well the two state one claim: the larger of the "same claim"
        probability and the containment either way (the containment counts
        only where it passes; 0 otherwise)."""
        cosine = float(unit_vector @ other_vector)
        if cosine < self.settings.support_min_cosine:
            return 0.0
        first, second = anchors(unit), anchors(other)
        if _conflict(first, second):
            return 0.0  # a figure conflict is for the conflict finders, not support
        best = self.same.probability(unit, other, cosine)
        if best >= self.settings.support_same_claim:
            return best
        contained = max(self.containment(unit, other), self.containment(other, unit))
        if contained >= self.settings.support_threshold:
            return max(best, contained)
        return 0.0


@dataclass(frozen=True, slots=True)
class _Unit:
    sentence: Sentence
    text: str
    row: int
    whole: bool


def extend_claims(
    story: Story,
    claims: Sequence[ClaimGroup],
    sentence_vectors: Mapping[str, Matrix],
    encode: Encode | None = None,
    settings: AlignSettings | None = None,
    claim_settings: ClaimSettings | None = None,
) -> list[ClaimGroup]:
    """``claims`` with the sentences of other articles that support them (many to many).

    ``encode`` gives the clause units their own vectors; without it a unit
    uses its sentence's vector.
    """
    settings = settings or AlignSettings()
    sentences = [s for c in claims for s in c.sentences]
    if len(story.article_ids) < 2 or not sentences:
        return list(claims)
    units, vectors = _units(sentences, sentence_vectors, encode)
    scorer = SupportScorer(
        [s.text for s in sentences], settings, claim_settings, articles=len(story.article_ids)
    )
    by_sentence: dict[tuple[str, int], list[_Unit]] = {}
    for unit in units:
        by_sentence.setdefault(_key(unit.sentence), []).append(unit)
    cosines = vectors @ vectors.T
    scores: dict[tuple[int, tuple[str, int]], float] = {}

    def unit_score(unit: _Unit, sentence: Sentence) -> float:
        """How well ``sentence`` (any of its units) states ``unit`` (0: it does not)."""
        key = (unit.row, _key(sentence))
        if key not in scores:
            best = 0.0
            for other in by_sentence[_key(sentence)]:
                if cosines[unit.row, other.row] >= settings.support_min_cosine:
                    score = scorer.score(
                        unit.text, vectors[unit.row], other.text, vectors[other.row]
                    )
                    best = max(best, score)
            scores[key] = best
        return scores[key]

    candidates: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        candidates.setdefault(sentence.article_id, []).append(sentence)
    source_of = {a: n for n, group in enumerate(story.source_groups) for a in group}
    extended: list[tuple[list[Sentence], list[Sentence]]] = []
    for claim in claims:
        own = list(claim.sentences)
        missing = [a for a in story.article_ids if a not in {s.article_id for s in own}]
        extended.append(
            (
                own,
                _supporters(
                    own, missing, candidates, by_sentence, unit_score, source_of, scorer.held
                ),
            )
        )
    merged = _merge_duplicates(extended, source_of)
    total = np.sum(vectors[[u.row for u in units if u.whole]], axis=0)
    norm = float(np.linalg.norm(total))
    centroid = (total / norm if norm else total).astype(np.float32)
    return [
        _group(story, n, members, own, sentence_vectors, source_of, centroid)
        for n, (members, own) in enumerate(merged)
    ]


def _units(
    sentences: Sequence[Sentence], sentence_vectors: Mapping[str, Matrix], encode: Encode | None
) -> tuple[list[_Unit], Matrix]:
    """Every sentence as a unit (its own vector), then its clause units (encoded, if possible)."""
    units: list[_Unit] = []
    rows: list[Matrix] = []
    clauses: list[tuple[Sentence, str, int]] = []
    for sentence in sentences:
        own = len(rows)
        units.append(_Unit(sentence, sentence.text, own, True))
        rows.append(np.asarray(sentence_vectors[sentence.article_id][sentence.index], np.float32))
        clauses.extend((sentence, text, own) for text in claim_units(sentence.text))
    if clauses:
        if encode is not None:
            encoded = np.asarray(encode([text for _, text, _ in clauses]), np.float32)
        else:  # without an encoder a clause has its sentence's vector
            encoded = np.vstack([rows[own] for _, _, own in clauses])
        for (sentence, text, _), row in zip(clauses, encoded, strict=True):
            units.append(_Unit(sentence, text, len(rows), False))
            rows.append(row)
    return units, np.vstack(rows).astype(np.float32)


def _supporters(
    own: Sequence[Sentence],
    missing: Sequence[str],
    candidates: Mapping[str, Sequence[Sentence]],
    by_sentence: Mapping[tuple[str, int], Sequence[_Unit]],
    unit_score: Callable[[_Unit, Sentence], float],
    source_of: Mapping[str, int],
    held: Callable[[str, str], frozenset[str]],
) -> list[Sentence]:
    """The sentences of the ``missing`` articles that state the claim of ``own``.

    A group's sentences may state several claims; its support goes through
    one of them, so that a group never joins two claims: the unit (of any of
    its sentences) that most other sources state, with the units of its other
    sentences that state the same thing.
    """
    if not missing:
        return []
    best: tuple[int, float] = (0, 0.0)
    chosen: dict[str, tuple[float, Sentence]] = {}
    for sentence in own:
        for unit in _claim_units_of(by_sentence[_key(sentence)]):
            found = _best_per_article(unit, missing, candidates, unit_score)
            if not found:
                continue
            rank = (len({source_of.get(a, -1) for a in found}), sum(v for v, _ in found.values()))
            if rank > best:
                best, chosen = rank, found
                primary = unit
    if not chosen:
        return []
    for sentence in own:
        if sentence is primary.sentence:
            continue
        for unit in _claim_units_of(by_sentence[_key(sentence)]):
            if unit_score(primary, sentence) <= 0.0 or unit_score(unit, primary.sentence) <= 0.0:
                continue
            for article, (value, supporter) in _best_per_article(
                unit, missing, candidates, unit_score
            ).items():
                if article not in chosen or value > chosen[article][0]:
                    chosen[article] = (value, supporter)
    kept: set[str] = set()
    common: frozenset[str] | None = None
    for article in sorted(chosen, key=lambda a: -chosen[a][0]):
        anchors_held = held(primary.text, chosen[article][1].text)
        if common is None or common & anchors_held:
            common = anchors_held if common is None else common & anchors_held
            kept.add(article)
    return [chosen[a][1] for a in missing if a in kept]


def _claim_units_of(units: Sequence[_Unit]) -> Sequence[_Unit]:
    """The units a sentence states claims by: its clauses, or itself when it has none."""
    clauses = [u for u in units if not u.whole]
    return clauses or units


def _best_per_article(
    unit: _Unit,
    missing: Sequence[str],
    candidates: Mapping[str, Sequence[Sentence]],
    unit_score: Callable[[_Unit, Sentence], float],
) -> dict[str, tuple[float, Sentence]]:
    found: dict[str, tuple[float, Sentence]] = {}
    for article in missing:
        for candidate in candidates.get(article, ()):
            value = unit_score(unit, candidate)
            if value > found.get(article, (0.0, candidate))[0]:
                found[article] = (value, candidate)
    return found


def _merge_duplicates(
    extended: Sequence[tuple[list[Sentence], list[Sentence]]], source_of: Mapping[str, int]
) -> list[tuple[list[Sentence], set[tuple[str, int]]]]:
    """Groups with their support, merged where two state one claim.

    Two groups state one claim when one holds (as its own or as support)
    every sentence the other was aligned with, and the two have sentences of
    at least two source groups in common. A merged group keeps its
    aligned sentences (its own: one of them shows it) and one supporting
    sentence for each article it lacks.
    """
    parent = list(range(len(extended)))

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    holds = [{_key(s) for s in own + added} for own, added in extended]
    owner: dict[tuple[str, int], list[int]] = {}
    for number, (own, _) in enumerate(extended):
        for sentence in own:
            owner.setdefault(_key(sentence), []).append(number)
    for number, (_, added) in enumerate(extended):
        for sentence in added:
            for other in owner.get(_key(sentence), ()):
                if other == number:
                    continue
                theirs = {_key(s) for s in extended[other][0]}
                common = {source_of.get(a, -1) for a, _ in holds[number] & holds[other]}
                if theirs <= holds[number] and len(common) >= 2:
                    parent[find(other)] = find(number)
    members: dict[int, list[Sentence]] = {}
    order: list[int] = []
    for number in range(len(extended)):
        root = find(number)
        if root not in members:
            members[root] = []
            order.append(root)
    for number, (own, _) in enumerate(extended):
        members[find(number)].extend(own)
    for number, (_, added) in enumerate(extended):
        group = members[find(number)]
        present = {s.article_id for s in group}
        for sentence in added:
            if sentence.article_id not in present:
                group.append(sentence)
                present.add(sentence.article_id)
    own_keys: dict[int, set[tuple[str, int]]] = {root: set() for root in order}
    for number, (own, _) in enumerate(extended):
        own_keys[find(number)].update(_key(s) for s in own)
    return [(_dedupe(members[root]), own_keys[root]) for root in order]


def _dedupe(sentences: Sequence[Sentence]) -> list[Sentence]:
    seen: set[str] = set()
    kept: list[Sentence] = []
    for sentence in sentences:
        if sentence.article_id not in seen:
            seen.add(sentence.article_id)
            kept.append(sentence)
    return kept


def _key(sentence: Sentence) -> tuple[str, int]:
    return sentence.article_id, sentence.index


def _group(
    story: Story,
    number: int,
    members: Sequence[Sentence],
    own: set[tuple[str, int]],
    sentence_vectors: Mapping[str, Matrix],
    source_of: Mapping[str, int],
    story_centroid: Matrix,
) -> ClaimGroup:
    order = {a: n for n, a in enumerate(story.article_ids)}
    ordered = sorted(members, key=lambda s: (order.get(s.article_id, 0), s.index))
    whole = [s for s in ordered if _key(s) in own] or ordered
    total = np.sum(np.vstack([sentence_vectors[s.article_id][s.index] for s in whole]), axis=0)
    norm = float(np.linalg.norm(total))
    sources = {source_of.get(s.article_id, -1 - i) for i, s in enumerate(ordered)}
    return ClaimGroup(
        id=f"{story.id}-c{number}",
        sentences=ordered,
        centrality=float((total / norm if norm else total) @ story_centroid),
        independent_support=len(sources),
        support=frozenset(_key(s) for s in ordered if _key(s) not in own),
    )


__all__ = [
    "Anchors",
    "SupportScorer",
    "anchor_weights",
    "anchors",
    "claim_units",
    "extend_claims",
]
