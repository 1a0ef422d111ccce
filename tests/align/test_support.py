"""Claims below the sentence: units, anchors, support and many-to-many groups.

The fixtures are invented (the country of Lumeria, its president Oren Tal,
the minister Karla Voss): nothing here comes from the seeds.
"""

from __future__ import annotations

import numpy as np

from synopsis.align import align_claims
from synopsis.align.support import SupportScorer, anchors, claim_units, extend_claims
from synopsis.config import AlignSettings
from synopsis.records import Article, ClaimGroup, Sentence, Story

MEETING = "Minister Karla Voss met President Oren Tal in Lumeria on Friday"
SENTENCES = {
    "a": [
        f"{MEETING}, as part of a visit in which officials warned of a downward spiral.",
        "Voss said the harbour tunnel under the Bay of Kessin will cost 40 million euros.",
        "Farmers in the north protested against the new grain tariffs for a third day.",
    ],
    "b": [
        "In a tense visit, Karla Voss travelled to Lumeria to meet President Oren Tal "
        "and other senior officials.",
        "The harbour tunnel under the Bay of Kessin will cost 90 million euros, Voss said.",
    ],
    "c": [
        "President Oren Tal said the two nations should be partners rather than rivals "
        "as he met Karla Voss in Lumeria on Friday.",
        "Tal told Voss that grain tariffs would stay in place until the spring harvest.",
    ],
}


def article(article_id: str) -> Article:
    texts = SENTENCES[article_id]
    sentences = [Sentence(article_id, n, 0, 0, 0, t) for n, t in enumerate(texts)]
    return Article(article_id, " ".join(texts), article_id, sentences=sentences)


def vectors() -> dict[str, np.ndarray]:
    """Every pair of sentences at cosine 0.45: past the cosine guard, far from whole alignment."""
    out = {}
    axis = 1
    for article_id, texts in SENTENCES.items():
        rows = np.zeros((len(texts), 16), np.float32)
        rows[:, 0] = np.sqrt(0.45)
        for row in rows:
            row[axis] = np.sqrt(0.55)
            axis += 1
        out[article_id] = rows
    return out


STORY = Story("s", ["a", "b", "c"], source_groups=[["a"], ["b"], ["c"]])
ARTICLES = {a: article(a) for a in SENTENCES}


def test_units_split_quotes_clauses_and_leading_phrases() -> None:
    units = claim_units(
        "“Overall, the ties between the two nations are starting to improve,” Tal told "
        "Voss at the start of about 5.5 hours of talks."
    )
    assert "Overall, the ties between the two nations are starting to improve" in units
    assert "Tal told Voss at the start of about 5.5 hours of talks" in units
    units = claim_units(
        "While the talks were difficult, both sides acknowledged the growing risks "
        "in their relationship."
    )
    assert units == ("both sides acknowledged the growing risks in their relationship",)
    assert "met Karla Voss in Lumeria on Friday" in claim_units(SENTENCES["c"][0])
    assert claim_units("The company has suspended all sailings on the route.") == ()


def test_anchors_drop_possessives_reporting_words_and_split_compounds() -> None:
    found = anchors("Tal told Voss that Lumeria-Kessin ties are strong, Tal's aide said.")
    assert {"tal", "voss", "lumeria-kessin", "lumeria", "kessin", "ties"} <= found.words
    assert not {"told", "said", "tal's"} & found.words
    assert anchors("She met him").words == anchors("She meets him").words == {"meet"}
    assert anchors("about five and a half hours").numbers == {5.0}


def test_containment_credits_the_smaller_claim_and_refuses_conflicts() -> None:
    texts = [s for texts in SENTENCES.values() for s in texts]
    scorer = SupportScorer(texts, AlignSettings(), articles=3)
    inside = scorer.containment(MEETING, SENTENCES["c"][0])
    assert inside >= AlignSettings().support_threshold
    assert scorer.containment(SENTENCES["c"][0], MEETING) < inside  # not symmetric
    assert scorer.containment(SENTENCES["a"][1], SENTENCES["b"][1]) == 0.0  # 40 vs 90 million
    denied = "Minister Karla Voss never met President Oren Tal in Lumeria on Friday"
    assert scorer.containment(denied, MEETING) == 0.0
    assert scorer.held(MEETING, SENTENCES["c"][0])  # distinctive anchors in common


def test_extension_joins_one_claim_across_outlets_and_keeps_others_apart() -> None:
    settings = AlignSettings(claim_threshold=0.99)
    claims = align_claims(STORY, ARTICLES, vectors(), settings)
    by_first = {(c.sentences[0].article_id, c.sentences[0].index): c for c in claims}
    meeting = next(c for c in claims if ("c", 0) in {(s.article_id, s.index) for s in c.sentences})
    assert {(s.article_id, s.index) for s in meeting.sentences} == {("a", 0), ("b", 0), ("c", 0)}
    assert meeting.independent_support == 3
    for claim in claims:  # the tunnel's two costs and the tariffs are other claims
        keys = {(s.article_id, s.index) for s in claim.sentences}
        assert not ({("a", 1), ("b", 1)} <= keys)
        assert not ({("a", 0), ("c", 1)} <= keys)
    assert ("a", 2) in by_first and by_first[("a", 2)].independent_support == 1
    plain = align_claims(STORY, ARTICLES, vectors(), AlignSettings(0.99, many_to_many=False))
    assert max(c.independent_support for c in plain) == 1


def test_a_sentence_supports_several_claims_one_sentence_per_article() -> None:
    texts = {
        "a": [
            "Tal met Voss in Lumeria on Friday for about five hours of talks, "
            "which ended with a deal on grain tariffs."
        ],
        "b": ["Voss spent more than five hours with Tal in Lumeria on Friday."],
        "c": ["Their deal keeps the grain tariffs until the spring harvest."],
    }
    articles = {
        a: Article(a, t[0], a, sentences=[Sentence(a, 0, 0, 0, 0, t[0])]) for a, t in texts.items()
    }
    same = {a: np.ones((1, 4), np.float32) / 2 for a in texts}
    groups = [
        ClaimGroup(f"g{n}", [articles[a].sentences[0]], independent_support=1)
        for n, a in enumerate(texts)
    ]
    story = Story("s", list(texts), source_groups=[[a] for a in texts])
    claims = extend_claims(story, groups, same, None, AlignSettings())
    for claim in claims:
        assert len(claim.articles) == len(set(claim.articles))
    holding_a = [c for c in claims if "a" in c.articles and len(c.articles) > 1]
    assert {tuple(c.articles) for c in holding_a} >= {("a", "b"), ("a", "c")}


def test_a_claim_is_shown_by_a_sentence_that_states_it_whole() -> None:
    from synopsis.summary import representative, summarize

    whole = ARTICLES["b"].sentences[0]
    part = ARTICLES["a"].sentences[0]  # states the meeting as part of saying more
    claim = ClaimGroup("m", [part, whole], 0.5, 2, support=frozenset({("a", 0)}))
    assert claim.own == [whole]
    shown = representative(claim, vectors()["b"][0], vectors(), {"a": 0, "b": 1})
    assert shown is whole
    # a second claim the same sentence shows is one line, not two
    twin = ClaimGroup("t", [whole, ARTICLES["c"].sentences[0]], 0.4, 2)
    story = Story("s", ["a", "b", "c"], source_groups=[["a"], ["b"], ["c"]])
    summary = summarize(story, [claim, twin], ARTICLES, vectors())
    assert len(summary.facts) == 1 and len(summary.lines) == 1


def test_a_denied_clause_conflicts_with_what_the_other_side_asserts() -> None:
    texts = [s for texts in SENTENCES.values() for s in texts]
    scorer = SupportScorer(texts, AlignSettings(), articles=3)
    refrained = (
        "Despite its close partnership with Kessin, Lumeria has refrained from selling "
        "grain to the northern rebels in the border war"
    )
    helped = "It says Lumeria helped the northern rebels continue the border war."
    assert anchors(refrained).denied >= {"lumeria", "rebel", "war"}
    assert scorer.score(refrained, _unit(), helped, _unit()) == 0.0
    assert scorer.containment(helped, refrained) == 0.0
    # a denial in a clause the other side does not state, or inside a condition, is no conflict
    talks = "Tal and Voss held five hours of talks in Lumeria, but no deal on grain was reached"
    assert not anchors("Tal and Voss held five hours of talks in Lumeria").denied
    assert "talk" not in anchors(talks).denied
    assert scorer.containment("Tal and Voss held five hours of talks in Lumeria", talks) > 0.5
    banned = "The grain exporter is banned if its owner does not sell it to Lumeria"
    assert not anchors(banned).denied
    # both sides denying is agreement
    assert (
        scorer.containment(
            "Voss did not meet President Oren Tal in Lumeria", "Voss never met Oren Tal in Lumeria"
        )
        > 0.5
    )


def _unit() -> np.ndarray:
    vector = np.zeros(4, np.float32)
    vector[0] = 1.0
    return vector
