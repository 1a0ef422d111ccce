"""Copy detection: which articles are not independent of each other.

One entry point, :func:`find_copies`, runs each detector (one module per
algorithm) and merges their links, strongest kind first: ``exact`` (same
normalised body), ``near-duplicate`` (MinHash LSH on word shingles: Jaccard,
or containment of a cut or extended copy), then,
when sentence vectors are given, ``rewrite`` and ``translation`` (sentence
alignment with embeddings) on the candidate pairs that MinHash LSH and vector
search propose. :func:`source_groups` turns links into groups of dependent
articles, so support is counted per independent source.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from ..config import CopySettings
from ..records import Article, CopyLink
from .candidates import (
    HashedTexts,
    MinHasher,
    band_candidates,
    mean_vectors,
    vector_candidates,
)
from .containment import find_contained_copies
from .exact import find_exact_copies
from .groups import source_groups
from .near_duplicate import NearDuplicateIndex, find_near_duplicates
from .origin import likely_origin
from .rewrite import aligned_link, detect_rewrite
from .sentence_alignment import Matrix, align_sentences
from .translation import detect_translation, languages_differ

__all__ = [
    "NearDuplicateIndex",
    "align_sentences",
    "detect_rewrite",
    "detect_translation",
    "find_aligned_pairs",
    "find_copies",
    "find_exact_copies",
    "find_near_duplicates",
    "likely_origin",
    "source_groups",
]


def find_copies(
    articles: Sequence[Article],
    settings: CopySettings | None = None,
    sentence_vectors: Mapping[str, Matrix] | None = None,
    involving: Collection[str] | None = None,
    hashed: HashedTexts | None = None,
) -> list[CopyLink]:
    """Every copy link among ``articles``, one per pair, of the strongest kind that holds.

    ``involving`` (article ids) limits the work to pairs with at least one
    article in it: an ingest passes its new articles and their stored
    candidates, and no two stored articles are compared again.

    ``sentence_vectors`` (a row per sentence of ``article.sentences``, as
    :meth:`~synopsis.pipeline.Pipeline.prepare` computes them) enable the
    ``rewrite`` and ``translation`` detectors and give every link its aligned
    sentences as evidence. Without them only exact and near-duplicate copies
    are found.

    ``hashed`` holds the articles' word sets and signatures (a row per
    article, made with ``settings``) where the caller has them, as an ingest
    does from its candidate lookup; otherwise they are computed here.
    """
    settings = settings or CopySettings()
    if hashed is None:
        hasher = MinHasher(settings.num_perm, settings.seed, settings.shingle_words)
        hashed = hasher.hash_texts(a.text for a in articles)  # shared by the detectors below
    elif len(hashed.sets) != len(articles) or hashed.shingles.shape[1:] != (settings.num_perm,):
        raise ValueError(
            f"hashed has {len(hashed.sets)} rows of {hashed.shingles.shape[1:]} values; "
            f"find_copies needs one per article ({len(articles)}) of {settings.num_perm}"
        )
    links = find_exact_copies(articles, involving)
    linked = {(link.a, link.b) for link in links}
    for link in find_near_duplicates(articles, settings, involving, hashed):
        if (link.a, link.b) not in linked:
            links.append(link)
            linked.add((link.a, link.b))
    links.extend(find_contained_copies(articles, settings, linked, involving, hashed))
    if sentence_vectors:
        by_id = {a.id: a for a in articles}
        links = [_with_evidence(link, by_id, sentence_vectors, settings) for link in links]
        links.extend(
            _find_aligned_copies(articles, sentence_vectors, settings, linked, involving, hashed)
        )
    order = {article.id: i for i, article in enumerate(articles)}
    return sorted(links, key=lambda link: (order[link.a], order[link.b]))


def _find_aligned_copies(
    articles: Sequence[Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: CopySettings,
    linked: set[tuple[str, str]],
    involving: Collection[str] | None,
    hashed: HashedTexts,
) -> list[CopyLink]:
    usable_at = [
        n
        for n, a in enumerate(articles)
        if a.sentences and len(sentence_vectors.get(a.id, ())) == len(a.sentences)
    ]
    if len(usable_at) < 2:
        return []
    usable = [articles[n] for n in usable_at]
    matrices = [sentence_vectors[a.id] for a in usable]
    signatures = hashed.subset(usable_at)
    candidates = band_candidates(signatures.shingles, settings.candidate_shingle_threshold)
    candidates |= band_candidates(signatures.words, settings.candidate_word_threshold)
    candidates |= vector_candidates(
        mean_vectors(matrices, matrices[0].shape[1]),
        settings.candidate_neighbours,
        settings.candidate_similarity,
    )
    pairs = [(usable[i], usable[j]) for i, j in sorted(candidates)]
    if involving is not None:
        pairs = [(a, b) for a, b in pairs if a.id in involving or b.id in involving]
    return find_aligned_pairs(pairs, sentence_vectors, settings, linked)


def find_aligned_pairs(
    pairs: Iterable[tuple[Article, Article]],
    sentence_vectors: Mapping[str, Matrix],
    settings: CopySettings | None = None,
    linked: set[tuple[str, str]] | None = None,
) -> list[CopyLink]:
    """The rewrite and translation links among candidate ``pairs`` (the earlier article first).

    Pairs already in ``linked`` (either way round) are skipped, and each
    link found is added to it. Both articles need a sentence vector per sentence.
    """
    settings = settings or CopySettings()
    linked = set() if linked is None else linked
    found: list[CopyLink] = []
    for a, b in pairs:
        if (a.id, b.id) in linked or (b.id, a.id) in linked:
            continue
        va, vb = sentence_vectors.get(a.id), sentence_vectors.get(b.id)
        if va is None or vb is None or len(va) != len(a.sentences) or len(vb) != len(b.sentences):
            continue
        detect = detect_translation if languages_differ(a, b) else detect_rewrite
        link = detect(a, b, va, vb, settings)
        if link is not None:
            found.append(link)
            linked.add((a.id, b.id))
    return found


def _with_evidence(
    link: CopyLink,
    by_id: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: CopySettings,
) -> CopyLink:
    """``link`` with its aligned sentences as evidence, where both articles have vectors."""
    a, b = by_id[link.a], by_id[link.b]
    va, vb = sentence_vectors.get(a.id), sentence_vectors.get(b.id)
    if va is None or vb is None or len(va) != len(a.sentences) or len(vb) != len(b.sentences):
        return link
    alignment = align_sentences(va, vb, settings.sentence_match)
    evidence = aligned_link(a, b, alignment, link.kind).evidence
    return replace(link, evidence=evidence)
