"""What is true of the demo corpus (``src/synopsis/demo/corpus/``).

This module holds no tests; other tests import it. Everything in the corpus is
fictional: the country of Kaldemark, the port of Marrendal, the ferry Aurelia
Star, the outlets and every person quoted.

The corpus holds 15 articles in three files:

* ``articles.jsonl``: 13 articles, one JSON object per line, each with an
  ``id`` (the ids below);
* :data:`MESSY_PAGE_FILE`: a scraped HTML page (no id of its own: the reader
  derives one), a main-story article surrounded by junk;
* :data:`TXT_FILE`: a plain-text article (title line, blank line, paragraphs)
  belonging to the football story.

Articles are named here by their jsonl ``id`` or, for the two files without
one, by their file name; :func:`article_key` maps a read article to that name.

The main story: on Friday 13 March 2026 at about 6:40 p.m. local time the
Sundline Ferries vessel Aurelia Star capsized in strong winds in Halvik Sound,
about 3 km from Marrendal harbour, on its 50-minute crossing to the island of
Teglholm. 231 people were on board (212 passengers, 19 crew); 14 died, 9 are
missing, 208 were rescued. The ferry was licensed for 210 (about 10 percent
over). The government set up a EUR 42 million emergency fund.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

# --------------------------------------------------------------------------
# Files and article keys
# --------------------------------------------------------------------------

JSONL_FILE = "articles.jsonl"
"""The file holding the 13 articles that carry an ``id``."""

MESSY_PAGE_FILE = "evening-post-aurelia-star-divers-search-capsized-ferry.html"
"""The scraped HTML page (outlet Evening Post Kaldemark), part of the main story."""

TXT_FILE = "goal-line-weekly-reinholt-ostervik.txt"
"""The plain-text article (Goal Line Weekly), part of the football story."""

CORPUS_FILES = frozenset({JSONL_FILE, MESSY_PAGE_FILE, TXT_FILE})
"""Every file in the corpus folder."""

JSONL_IDS = frozenset(
    {
        "wire-1",
        "copy-1",
        "copy-2",
        "spin-1",
        "summary-1",
        "indep-1",
        "es-1",
        "sport-1",
        "sport-3",
        "pharma-1",
        "pharma-2",
        "tech-1",
        "tech-2",
    }
)
"""The ``id`` of every line of ``articles.jsonl``."""

ARTICLE_COUNT = 15
"""Articles in the corpus: 13 jsonl lines, the HTML page and the text file."""


def article_key(article_id: str, path: str | None) -> str:
    """The name this module uses for an article read from the corpus.

    Articles from ``articles.jsonl`` are named by their id; the HTML page and
    the text file (which carry no id) by their file name.
    """
    if path and not str(path).endswith(".jsonl"):
        name = PurePath(str(path)).name
        if name in (MESSY_PAGE_FILE, TXT_FILE):
            return name
    return article_id


# --------------------------------------------------------------------------
# Stories
# --------------------------------------------------------------------------

WIRE_ID = "wire-1"
"""The wire-agency original (Nordpress), 13 paragraphs, 505 words."""

COPY1_ID = "copy-1"
"""Kaldemark Daily Record reprint of the wire: new dateline, three words changed
("strong" -> "heavy", "shortly" -> "soon", "schoolteacher" -> "teacher"), last
paragraph dropped."""

COPY2_ID = "copy-2"
"""Harbour Times Online reprint of the wire: curly quotes and apostrophes, an
en dash in the dateline, "harbour" -> "port" once, "percent" -> "per cent",
and a "Reporting by ...; Editing by ..." paragraph added at the end."""

SPIN_ID = "spin-1"
"""NewsFlashHub content-farm spin of the wire: same sentence order, synonyms
swapped ("said" -> "stated", "killed" -> "slain", "officials" -> "authorities",
"people" -> "individuals", "about" -> "approximately", ...). Direct quotes are
kept word for word and credited to the same people."""

SUMMARY_ID = "summary-1"
"""Radio Kaldemark News: a short independent report (139 words)."""

INDEPENDENT_ID = "indep-1"
"""The Marrendal Courier: independent report (367 words) holding the planted
figure conflict, misattributed quote and misspelled name."""

TRANSLATION_ID = "es-1"
"""Diario del Norte: Spanish translation of the wire's first 7 paragraphs."""

MAIN_STORY_IDS = frozenset(
    {WIRE_ID, COPY1_ID, COPY2_ID, SPIN_ID, SUMMARY_ID, INDEPENDENT_ID, TRANSLATION_ID}
)
"""The jsonl ids of the main story (the HTML page is :data:`MESSY_PAGE_FILE`)."""

MAIN_STORY = MAIN_STORY_IDS | {MESSY_PAGE_FILE}
"""Every main-story article: 8, one of them in Spanish."""

MAIN_STORY_ENGLISH = MAIN_STORY - {TRANSLATION_ID}
"""The main-story articles in English (7)."""

FOOTBALL_STORY = frozenset({"sport-1", "sport-3", TXT_FILE})
"""Ostervik United appoint Tomas Reinholt head coach (3 articles, one a .txt)."""

RECALL_STORY = frozenset({"pharma-1", "pharma-2"})
"""Brenova Pharma recalls 1.2 million packs of Cardiline (2 articles)."""

LAYOFF_STORY = frozenset({"tech-1", "tech-2"})
"""Quillsoft cuts 600 jobs (2 articles)."""

UNRELATED_STORIES: list[frozenset[str]] = [FOOTBALL_STORY, RECALL_STORY, LAYOFF_STORY]
"""The stories unrelated to the ferry, as article keys (ids or file names)."""

UNRELATED_STORY_IDS: list[frozenset[str]] = [s - {TXT_FILE} for s in UNRELATED_STORIES]
"""The same stories restricted to jsonl ids."""

ALL_STORIES: list[frozenset[str]] = [MAIN_STORY, *UNRELATED_STORIES]
"""The true partition of the 15 articles into 4 stories."""

LANGUAGES = {key: "en" for story in ALL_STORIES for key in story} | {TRANSLATION_ID: "es"}
"""Language of every article."""

# --------------------------------------------------------------------------
# Copies
# --------------------------------------------------------------------------

NEAR_DUPLICATE_PAIRS = frozenset(
    {
        frozenset({WIRE_ID, COPY1_ID}),
        frozenset({WIRE_ID, COPY2_ID}),
        frozenset({COPY1_ID, COPY2_ID}),
    }
)
"""Near-verbatim reprints: word 5-shingle Jaccard well above 0.6."""

SHINGLE_JACCARD = {
    frozenset({WIRE_ID, COPY1_ID}): 0.852,
    frozenset({WIRE_ID, COPY2_ID}): 0.941,
    frozenset({COPY1_ID, COPY2_ID}): 0.800,
    frozenset({WIRE_ID, SPIN_ID}): 0.143,
    frozenset({WIRE_ID, SUMMARY_ID}): 0.008,
    frozenset({WIRE_ID, INDEPENDENT_ID}): 0.016,
}
"""Exact Jaccard of word 5-shingles (lowercased ``\\w+`` tokens) of the jsonl
``text`` fields, to 3 decimals. MinHash estimates should land near these."""

SPIN_PAIR = (WIRE_ID, SPIN_ID)
"""A rewrite: same story and sentence order, few shared shingles (Jaccard 0.143)."""

TRANSLATION_PAIR = (WIRE_ID, TRANSLATION_ID)
"""``es-1`` translates the wire's paragraphs 1-7 into Spanish."""

INDEPENDENT_IDS = frozenset({SUMMARY_ID, INDEPENDENT_ID, MESSY_PAGE_FILE})
"""Main-story articles written independently (not copies of the wire). The
messy page and the summary reuse some of the wire's direct quotes verbatim,
as independent reports do."""

# --------------------------------------------------------------------------
# Planted conflicts (all in the independent report, indep-1)
# --------------------------------------------------------------------------

FIGURE_CONFLICT: dict[str, Any] = dict(
    article_a=WIRE_ID,
    value_a="€42 million",
    article_b=INDEPENDENT_ID,
    value_b="€24 million",
    sentence_a=(
        "Interior Minister Halvard Oskarsen announced a €42 million emergency fund to pay for "
        "the search, for funerals and for support to survivors and the families of the dead."
    ),
    sentence_b=(
        "Interior Minister Halvard Oskarson said the government would provide €24 million in "
        "emergency funding for the search operation, funerals and survivors' support."
    ),
    amount_a=42_000_000,
    amount_b=24_000_000,
    currency="EUR",
    subject="the government's emergency fund",
    agreeing_with_a=(
        COPY1_ID,
        COPY2_ID,
        SPIN_ID,
        SUMMARY_ID,
        TRANSLATION_ID,
        MESSY_PAGE_FILE,
    ),
)
"""The one planted figure conflict. Every other main-story article that gives
the fund says EUR 42 million ("€42 million", "42 million euros" on the messy
page, "42 millones de euros" in es-1)."""

MISATTRIBUTED_QUOTE: dict[str, Any] = dict(
    quote="We will not stop searching while there is any chance of finding people alive",
    speaker_wire="Petra Lindqvist",
    speaker_wire_title="Commander, Kaldemark Coast Guard",
    speaker_other="Ingrid Vasstrand",
    speaker_other_title="Prime Minister",
    article_wire=WIRE_ID,
    article_other=INDEPENDENT_ID,
    correct_in=(WIRE_ID, COPY1_ID, COPY2_ID, SPIN_ID, MESSY_PAGE_FILE),
)
"""The one planted misattribution: the wire (and its copies, the spin and the
messy page) credit these words to Commander Petra Lindqvist; indep-1 credits
them to Prime Minister Ingrid Vasstrand. es-1 has the Spanish translation
("No dejaremos de buscar mientras exista alguna posibilidad de encontrar
personas con vida"), also credited to Lindqvist."""

MISSPELLED_NAME: dict[str, Any] = dict(
    correct="Halvard Oskarsen",
    variant="Halvard Oskarson",
    correct_surname="Oskarsen",
    variant_surname="Oskarson",
    article=INDEPENDENT_ID,
    occurrences_in_article=2,
)
"""The one planted misspelling: indep-1 writes "Interior Minister Halvard
Oskarson" and later "Oskarson said"; it never uses the correct spelling.
Every other article spells it "Oskarsen"."""

# --------------------------------------------------------------------------
# Quotes and people (consistent everywhere except the planted items above)
# --------------------------------------------------------------------------

WIRE_QUOTES: list[dict[str, str]] = [
    dict(
        quote="We will not stop searching while there is any chance of finding people alive",
        speaker="Petra Lindqvist",
    ),
    dict(
        quote=(
            "This is one of the darkest nights our country has known at sea, and the government "
            "will spare no expense to find every missing person and to learn why this happened"
        ),
        speaker="Halvard Oskarsen",
    ),
    dict(
        quote=(
            "We are cooperating fully with the investigators, and our thoughts are with every "
            "family affected by this tragedy"
        ),
        speaker="Mattias Brekke",
    ),
    dict(
        quote="The ship leaned once, then it leaned again and did not come back up",
        speaker="Anneli Rask",
    ),
]
"""The wire's four direct quotes (without the closing comma) and their speakers.
The copies and the spin repeat all four, credited to the same people; the
messy page repeats the Lindqvist and Rask quotes (same speakers) and the
fragment "spare no expense" (Oskarsen)."""

OTHER_QUOTES: list[dict[str, str]] = [
    dict(quote="No family will be left to carry this alone", speaker="Halvard Oskarsen"),
    dict(
        quote=(
            "Everybody here knows someone who was on that boat, or someone who should have been"
        ),
        speaker="Sigrun Halle",
    ),
    dict(
        quote=(
            "A ferry of that age and design has very little margin when it is overloaded and "
            "the wind catches it broadside"
        ),
        speaker="Erik Dahlberg",
    ),
]
"""Quotes found only in indep-1 (the first is credited there to the misspelled
"Oskarson")."""

MAIN_STORY_PEOPLE = {
    "Halvard Oskarsen": "Interior Minister",
    "Ingrid Vasstrand": "Prime Minister",
    "Petra Lindqvist": "Commander, Kaldemark Coast Guard, leading the rescue",
    "Mattias Brekke": "chief executive of Sundline Ferries",
    "Anneli Rask": "survivor, 34, schoolteacher from Teglholm",
    "Sigrun Halle": "Mayor of Marrendal (indep-1 only)",
    "Erik Dahlberg": "professor of naval architecture, Kaldemark Maritime Academy (indep-1 only)",
    "Karin Aasland": "Evening Post reporter (byline of the messy page)",
    "Nils Aaberg": "Nordpress photographer (caption credit on the messy page)",
    "Lena Vik": "reporter (credit line of copy-2)",
    "Paul Hartigan": "editor (credit line of copy-2)",
}
"""Canonical spellings; every article uses these exactly (except the planted
"Halvard Oskarson" in indep-1)."""

UNRELATED_PEOPLE = {
    "Tomas Reinholt": "new Ostervik United head coach, 46",
    "Karl Udby": "dismissed Ostervik United coach",
    "Viktor Sand": "Ostervik United chairman",
    "Lisbet Moen": "supporters' club secretary",
    "Helene Morck": "head of inspections, Kaldemark Medicines Agency",
    "Johan Ekdal": "Brenova Pharma chief executive",
    "Rasmus Tveit": "Quillsoft chief executive",
    "Maja Sorensen": "Kaldemark Technical Workers' Union representative",
}
"""People in the unrelated stories (no conflicts planted there)."""

MAIN_STORY_FACTS: dict[str, Any] = dict(
    date="2026-03-13",
    time_local="6:40 p.m.",
    dead=14,
    missing=9,
    on_board=231,
    passengers=212,
    crew=19,
    rescued=208,
    licensed_capacity=210,
    over_capacity_percent=10,
    hospitalised=27,
    critical=4,
    search_hours=11,
    vessels=6,
    helicopters=2,
    distance_km=3,
    crossing_minutes=50,
    gusts_kmh=85,
    water_celsius=4,
    fund_eur=42_000_000,
    mourning_days=3,
    findings_within_days=30,
    built=1996,
    on_route_since=2011,
)
"""The figures of the main story; every article agrees with these except the
planted :data:`FIGURE_CONFLICT`."""

UNIQUE_DETAIL: dict[str, str] = dict(
    article=SUMMARY_ID,
    sentence=(
        "The ferry had passed its most recent safety inspection in October 2025, according to "
        "the public register kept by the Kaldemark Maritime Authority."
    ),
)
"""A detail only the short summary reports."""

# --------------------------------------------------------------------------
# Figures that agree (must NOT be reported as conflicts)
# --------------------------------------------------------------------------

AGREEING_FIGURES: list[dict[str, str]] = [
    dict(
        a=WIRE_ID,
        expr_a="At least 14 people were killed",
        b=SUMMARY_ID,
        expr_b="14 people are confirmed dead",
        note="deaths: 14",
    ),
    dict(
        a=WIRE_ID,
        expr_a="At least 14 people were killed",
        b=INDEPENDENT_ID,
        expr_b="recovered 14 bodies",
        note="deaths: 14",
    ),
    dict(
        a=WIRE_ID,
        expr_a="At least 14 people were killed",
        b=MESSY_PAGE_FILE,
        expr_b="14 are known to have died",
        note="deaths: 14",
    ),
    dict(
        a=WIRE_ID,
        expr_a="At least 14 people were killed",
        b=SPIN_ID,
        expr_b="At least 14 individuals were slain",
        note="deaths: 14",
    ),
    dict(
        a=WIRE_ID,
        expr_a="nine are missing",
        b=INDEPENDENT_ID,
        expr_b="nine people still missing",
        note="missing: 9 (spelled out)",
    ),
    dict(
        a=WIRE_ID,
        expr_a="carrying 231 people",
        b=INDEPENDENT_ID,
        expr_b="more than 230 people on board",
        note="231 is more than 230",
    ),
    dict(
        a=WIRE_ID,
        expr_a="Rescuers pulled 208 people",
        b=MESSY_PAGE_FILE,
        expr_b="more than 200 were rescued",
        note="208 is more than 200",
    ),
    dict(
        a=WIRE_ID,
        expr_a="Rescuers pulled 208 people",
        b=INDEPENDENT_ID,
        expr_b="208 survivors were brought ashore",
        note="rescued: 208",
    ),
    dict(
        a=WIRE_ID,
        expr_a="about 10 percent over",
        b=COPY2_ID,
        expr_b="about 10 per cent over",
        note="percent vs per cent",
    ),
    dict(
        a=WIRE_ID,
        expr_a="about 10 percent over",
        b=MESSY_PAGE_FILE,
        expr_b="about 10 percent more than",
        note="over capacity: 10 percent",
    ),
    dict(
        a=WIRE_ID,
        expr_a="€42 million",
        b=MESSY_PAGE_FILE,
        expr_b="42 million euros",
        note="same amount, other notation",
    ),
    dict(
        a=WIRE_ID,
        expr_a="€42 million",
        b=TRANSLATION_ID,
        expr_b="42 millones de euros",
        note="same amount, in Spanish",
    ),
    dict(
        a=WIRE_ID,
        expr_a="about 3 kilometres",
        b=SUMMARY_ID,
        expr_b="roughly three kilometres",
        note="digits vs words, both qualified",
    ),
    dict(
        a=WIRE_ID,
        expr_a="85 kilometres per hour",
        b=INDEPENDENT_ID,
        expr_b="85 km/h",
        note="unit spelled vs abbreviated",
    ),
    dict(
        a=WIRE_ID,
        expr_a="gusts of up to 85 kilometres per hour",
        b=SPIN_ID,
        expr_b="gusts of as much as 85 kilometres per hour",
        note="qualifier reworded",
    ),
    dict(
        a=WIRE_ID,
        expr_a="for 11 hours",
        b=MESSY_PAGE_FILE,
        expr_b="an 11-hour overnight search",
        note="hyphenated duration",
    ),
    dict(
        a=WIRE_ID,
        expr_a="about 50 minutes",
        b=MESSY_PAGE_FILE,
        expr_b="the 50-minute crossing",
        note="hyphenated duration",
    ),
    dict(
        a=WIRE_ID, expr_a="her two children", b=SPIN_ID, expr_b="her 2 kids", note="words vs digits"
    ),
    dict(
        a=WIRE_ID,
        expr_a="four of them in critical condition",
        b=SPIN_ID,
        expr_b="4 of them in vital condition",
        note="words vs digits",
    ),
    dict(
        a=WIRE_ID,
        expr_a="three days of national mourning",
        b=SPIN_ID,
        expr_b="3 days of nationwide grieving",
        note="words vs digits",
    ),
    dict(
        a=WIRE_ID,
        expr_a="at around 6:40 p.m.",
        b=INDEPENDENT_ID,
        expr_b="shortly after 6:40 p.m.",
        note="time: both approximate",
    ),
    dict(
        a=WIRE_ID,
        expr_a="at around 6:40 p.m.",
        b=TRANSLATION_ID,
        expr_b="hacia las 18.40",
        note="12-hour vs 24-hour clock",
    ),
    dict(
        a="pharma-1",
        expr_a="About 85,000 patients",
        b="pharma-2",
        expr_b="Around 85,000 people",
        note="same qualified figure",
    ),
    dict(
        a="tech-1",
        expr_a="about 8 percent of its workforce of 7,500",
        b="tech-2",
        expr_b="about 8 percent of staff",
        note="600 of 7,500 is 8 percent",
    ),
]
"""Pairs of figure expressions (exact substrings of the two articles' texts)
that agree within qualifiers or notation."""

# --------------------------------------------------------------------------
# The messy HTML page
# --------------------------------------------------------------------------

MESSY_PAGE_META = dict(
    title="Aurelia Star: divers search capsized ferry as Kaldemark mourns 14 dead",
    outlet="Evening Post Kaldemark",
    published="2026-03-15T08:10:00+01:00",
    url="https://evening-post.example/news/2026/03/15/aurelia-star-divers-search-capsized-ferry",
    author="Karin Aasland",
)
"""Metadata: ``<h1>`` (``<title>`` adds " | Evening Post"), ``og:site_name``,
``article:published_time``, ``<link rel="canonical">``."""

MESSY_PAGE_JUNK: dict[str, str] = {
    "Updated 15 March 2026, 09:42": "timestamp",
    (
        "Rescue boats search Halvik Sound near Marrendal on Saturday morning. "
        "Photo: Nils Aaberg/Nordpress"
    ): "caption",
    "See also: Kaldemark's worst disasters at sea, from the Selma Brandt to the Aurelia Star": (
        "link-bait"
    ),
    "Read more: What we know so far about the Aurelia Star disaster": "link-bait",
    "Sign up for our newsletter": "share-widget",
    "Get the day's top stories from Kaldemark in your inbox every morning.": "share-widget",
    "#AureliaStar #Marrendal #FerryDisaster": "hashtags",
    "Share on Facebook": "share-widget",
    "Share on X": "share-widget",
    "Related articles": "link-bait",
    "What we know so far about the Aurelia Star disaster": "link-bait",
    "Families wait on the quay as hope fades in Marrendal": "link-bait",
    "Kaldemark's worst disasters at sea, from the Selma Brandt to the Aurelia Star": "link-bait",
    "Leave a comment": "comment-form",
    "Your email address will not be published. Required fields are marked *": "comment-form",
    "Post comment": "comment-form",
}
"""Junk inside the page's ``<article>``, each line mapped to the
``RemovalKind`` value a cleaner should give it. All of it survives
``trafilatura.extract`` (which prefixes the three "Related articles" list items
with "- "); the cleaned text must contain none of these strings. (The top
share bar, ``<figcaption>``, byline, nav, sidebar and footer are dropped by
trafilatura already.)"""

MESSY_PAGE_DUPLICATED: list[tuple[str, str]] = [
    (
        "Commander Petra Lindqvist, who is leading the coast guard's operation, said: "
        '"We will not stop searching while there is any chance of finding people alive."',
        "Commander Petra Lindqvist, who is leading the coast guard’s operation, said: "
        "“We will not stop searching while there is any chance of finding people alive.”",
    ),
    (
        '"The ship leaned once, then it leaned again and did not come back up," said Anneli '
        "Rask, 34, a schoolteacher from Teglholm who survived with her two children.",
        "“The ship leaned once, then it leaned again and did not come back up,” said Anneli "
        "Rask, 34, a schoolteacher from Teglholm who survived with her two children.",
    ),
    (
        "Sundline Ferries' chief executive, Mattias Brekke, said the company was cooperating "
        "fully with investigators and had suspended all sailings on the route.",
        "Sundline Ferries’ chief executive, Mattias Brekke, said the company was cooperating "
        "fully with investigators and had suspended all sailings on the route.",
    ),
]
"""Body paragraphs that appear twice: (first occurrence, straight quotes;
later occurrence, curly quotes). After cleaning exactly one of each pair
should remain (up to quote normalisation)."""

MESSY_PAGE_ONE_LINE = "The sea was calm by Saturday night."
"""A legitimate one-sentence paragraph: must survive cleaning."""

MESSY_PAGE_SEE_ALSO_SENTENCE = (
    "Investigators will also examine the ferry's safety card, which tells passengers to "
    '"see also" the muster plan posted at each stairwell but, according to survivors, says '
    "nothing about where the lifejackets are stored."
)
"""A real paragraph containing the words "see also": must survive cleaning."""

MESSY_PAGE_MUST_KEEP: list[str] = [MESSY_PAGE_ONE_LINE, MESSY_PAGE_SEE_ALSO_SENTENCE]
"""Paragraphs a cleaner must not remove although they look like junk."""

MESSY_PAGE_PARAGRAPHS: list[str] = [
    "Divers returned to the overturned hull of the Aurelia Star on Sunday morning as the "
    "search for nine people still missing in Halvik Sound entered its third day.",
    "The Sundline Ferries vessel capsized at around 6:40 p.m. on Friday, about 3 kilometres "
    "from Marrendal harbour, while making the 50-minute crossing to the island of Teglholm. "
    "There were 231 people on board; 14 are known to have died and more than 200 were "
    "rescued.",
    "Coast guard crews, backed by six vessels and two helicopters, brought most of the "
    "survivors ashore during an 11-hour overnight search before divers reached the hull at dawn "
    "on Saturday.",
    MESSY_PAGE_DUPLICATED[0][0],
    "The ferry was licensed for 210 people, so it was carrying about 10 percent more than its "
    "permitted capacity when it went over.",
    MESSY_PAGE_DUPLICATED[1][0],
    "The government has promised 42 million euros for the search, for funerals and for the "
    "families of the victims. Interior Minister Halvard Oskarsen said the state would "
    '"spare no expense" to find the missing and to establish what went wrong.',
    MESSY_PAGE_ONE_LINE,
    MESSY_PAGE_DUPLICATED[2][0],
    MESSY_PAGE_SEE_ALSO_SENTENCE,
    "A spokeswoman for Marrendal General Hospital said 27 people had been admitted, four of "
    "them in critical condition.",
    "The Kaldemark Maritime Accident Board expects to publish preliminary findings within 30 "
    "days. The three days of national mourning declared by Prime Minister Ingrid Vasstrand "
    "begin today.",
]
"""The article's real body, in order, as an ideal cleaner leaves it (first
occurrence of each duplicate kept): 12 paragraphs."""
