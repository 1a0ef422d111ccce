"""Crash safety of ingest (issue 13): killed at any point, or two at once, nothing is lost.

Every ingest here runs in a subprocess of its own (``synopsis`` from the same
source as the tests), over a generated corpus, with the fake encoder
(:class:`~synopsis.embed.testing.HashedWordsEmbedder`), so a run takes about a
second and needs no model. The store is inspected with plain :mod:`sqlite3`,
so the checks do not depend on the code under test.

Kills are SIGKILL to the ingest's process group (it may have worker
processes), at the moment the first articles become visible in the store,
and at seeded random delays after the interpreter is ready. Two writers are
interleaved with SIGSTOP/SIGCONT at the points where the order matters (the
second has read what it must add, the first is storing its stories), each
paused only outside a write transaction, so neither waits on a frozen lock.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

INGEST = """
import json, sys
from synopsis.archive import Archive
from synopsis.config import Settings
from synopsis.embed.testing import HashedWordsEmbedder

db, corpus, ready = sys.argv[1:4]
with open(corpus, encoding="utf-8") as lines:
    records = [json.loads(line) for line in lines]
open(ready, "w").close()
with Archive.open(db, Settings(), embedder=HashedWordsEmbedder()) as archive:
    result = archive.ingest(records)
print(json.dumps({"added": len(result.added), "stories": len(result.stories)}), flush=True)
"""

Stories = dict[str, list[str]]


def make_corpus(topics: int = 40, per_topic: int = 4, seed: int = 13) -> list[dict[str, Any]]:
    """News-like records: ``topics`` events whose vocabularies overlap with their
    neighbours', reported ``per_topic`` times each (every fourth report a reprint
    of an earlier one, so copy links are found), shuffled."""
    rng = random.Random(seed)
    syllables = "ka lo mi ren tur vas del on pri sto gam bel nor quin zed har".split()

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))

    common = [word() for _ in range(60)]
    pool = [word() for _ in range(topics * 15 + 15)]
    base = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    records: list[dict[str, Any]] = []
    for topic in range(topics):
        vocabulary = pool[topic * 15 : topic * 15 + 30]  # half shared with the next topic
        start = base + timedelta(days=topic // 2)
        bodies: list[str] = []
        for n in range(per_topic):
            if n % 4 == 3:
                body = bodies[rng.randrange(len(bodies))]
            else:
                sentences = [
                    " ".join(
                        rng.choice(vocabulary if rng.random() < 0.5 else common)
                        for _ in range(rng.randint(8, 13))
                    ).capitalize()
                    + "."
                    for _ in range(rng.randint(5, 8))
                ]
                body = " ".join(sentences[:3]) + "\n\n" + " ".join(sentences[3:])
            bodies.append(body)
            published = start + timedelta(hours=5 * n + rng.randint(0, 3))
            records.append(
                {
                    "id": f"t{topic}-{n}",
                    "title": " ".join(rng.sample(vocabulary, 5)).capitalize(),
                    "outlet": f"Outlet {rng.randrange(9)}",
                    "published": published.isoformat(),
                    "language": "en",
                    "text": body,
                }
            )
    rng.shuffle(records)
    return records


@dataclass(frozen=True)
class Reference:
    """One uninterrupted ingest of the corpus: its stories and how long it took."""

    corpus: Path
    ids: frozenset[str]
    stories: Stories
    seconds: float


_LAUNCHES = itertools.count()


def launch(db: Path, corpus: Path) -> subprocess.Popen[str]:
    """An ingest of ``corpus`` into ``db``, in a process group of its own.

    Its last argument is a file it creates once it is ready to ingest.
    """
    flag = db.parent / f"{db.name}.{next(_LAUNCHES)}.ready"
    return subprocess.Popen(
        [sys.executable, "-c", INGEST, str(db), str(corpus), str(flag)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def ready(child: subprocess.Popen[str]) -> subprocess.Popen[str]:
    """``child`` once its interpreter has imported synopsis and is about to ingest."""
    flag = Path(child.args[-1])  # type: ignore[index]
    wait_for(lambda: flag.exists() or child.poll() is not None)
    assert flag.exists(), child.communicate()[1]
    return child


def start(db: Path, corpus: Path) -> subprocess.Popen[str]:
    return ready(launch(db, corpus))


def finish(child: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def ingest(db: Path, corpus: Path) -> dict[str, Any]:
    return finish(start(db, corpus))


def count(db: Path, table: str) -> int:
    """Rows in ``table`` of the store ``db`` as committed now; 0 before the table exists."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def stories_of(db: Path) -> Stories:
    """Live story id -> its article ids (sorted)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT s.id, sa.article_id FROM stories s JOIN story_articles sa "
            "ON sa.story_id = s.id WHERE s.merged_into IS NULL"
        ).fetchall()
    stories: Stories = {}
    for story_id, article_id in rows:
        stories.setdefault(story_id, []).append(article_id)
    return {story_id: sorted(ids) for story_id, ids in stories.items()}


def check_store(db: Path, ids: frozenset[str]) -> None:
    """Integrity ok, every article once, each in exactly one live story."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        total, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT id) FROM articles"
        ).fetchone()
        assert total == distinct == len(ids), "duplicate or missing articles"
        assert {row[0] for row in conn.execute("SELECT id FROM articles")} == ids
        members = conn.execute(
            "SELECT sa.article_id FROM story_articles sa JOIN stories s ON s.id = sa.story_id "
            "WHERE s.merged_into IS NULL"
        ).fetchall()
    placed = [row[0] for row in members]
    assert len(placed) == len(set(placed)), "an article is in two stories"
    assert set(placed) == ids, f"articles in no story: {sorted(ids - set(placed))[:5]}"


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def pause_outside_a_write(child: subprocess.Popen[str], db: Path) -> None:
    """SIGSTOP ``child`` at a moment it holds no write lock on ``db`` (else others would wait)."""
    for _ in range(2000):
        os.kill(child.pid, signal.SIGSTOP)
        os.waitpid(child.pid, os.WUNTRACED)  # it is stopped now
        probe = sqlite3.connect(db, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return
        except sqlite3.OperationalError:  # it was inside a write: let it finish that one
            os.kill(child.pid, signal.SIGCONT)
            time.sleep(0.001)
        finally:
            probe.close()
    raise AssertionError("the process never left its write transaction")


def resume(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        os.kill(child.pid, signal.SIGCONT)


def stories_token(db: Path) -> tuple[int, str]:
    """Changes whenever a story is saved."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        total, updated = conn.execute("SELECT COUNT(*), MAX(updated) FROM stories").fetchone()
    return int(total), str(updated)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    folder = tmp_path_factory.mktemp("crash")
    records = make_corpus()
    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = folder / "reference.db"
    child = start(db, corpus)
    began = time.perf_counter()
    finish(child)
    seconds = time.perf_counter() - began
    ids = frozenset(r["id"] for r in records)
    check_store(db, ids)
    stories = stories_of(db)
    assert 5 <= len(stories) < len(ids)  # a corpus with real grouping decisions
    return Reference(corpus, ids, stories, seconds)


def test_an_ingest_killed_at_any_point_is_finished_by_the_next(
    reference: Reference, tmp_path: Path
) -> None:
    """SIGKILL, then a re-run: the stories of an uninterrupted run, nothing lost or doubled."""
    rng = random.Random(20260313)
    points: list[float | None] = [None]  # None: as soon as articles are visible in the store
    points += [rng.uniform(0.0, reference.seconds) for _ in range(5)]
    for n, point in enumerate(points):
        db = tmp_path / f"killed-{n}.db"
        child = start(db, reference.corpus)
        if point is None:
            wait_for(
                lambda db=db, child=child: count(db, "articles") > 0 or child.poll() is not None
            )
        else:
            time.sleep(point)
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate(timeout=60)
        at_kill = {t: count(db, t) for t in ("articles", "stories", "copies", "vectors")}
        ingest(db, reference.corpus)
        where = f"kill {n} at {'first articles' if point is None else f'{point:.2f} s'} {at_kill}"
        check_store(db, reference.ids)
        assert stories_of(db) == reference.stories, where


def test_two_writers_give_the_stories_of_one_writer(reference: Reference, tmp_path: Path) -> None:
    """Two ingests of the same input at once: the stories of one.

    The second writer reads what it must add before the first has stored
    anything, and places articles after the first has begun storing its
    stories; then the first finishes, then the second.
    """
    db = tmp_path / "two.db"
    second = start(db, reference.corpus)
    wait_for(lambda: count(db, "vectors") > 0 or second.poll() is not None)  # it is encoding
    assert second.poll() is None
    pause_outside_a_write(second, db)
    first = start(db, reference.corpus)
    try:
        wait_for(lambda: count(db, "stories") > 0 or first.poll() is not None)
        if first.poll() is None:
            pause_outside_a_write(first, db)  # halfway through storing its stories, if it does that
        token = stories_token(db)
        resume(second)
        wait_for(lambda: stories_token(db) != token or second.poll() is not None)
        if second.poll() is None:
            pause_outside_a_write(second, db)  # it has begun storing stories of its own
        resume(first)
        early = finish(first)
    finally:
        resume(first)
        resume(second)
    late = finish(second)
    check_store(db, reference.ids)
    assert stories_of(db) == reference.stories
    assert (early["added"], late["added"]) == (len(reference.ids), 0)


def test_two_writers_started_together_give_the_stories_of_one_writer(
    reference: Reference, tmp_path: Path
) -> None:
    db = tmp_path / "together.db"
    children = [launch(db, reference.corpus) for _ in range(2)]
    results = [finish(ready(child)) for child in children]
    check_store(db, reference.ids)
    assert stories_of(db) == reference.stories
    assert sorted(r["added"] for r in results) == [0, len(reference.ids)]
