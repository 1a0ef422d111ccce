import json
from pathlib import Path

import pytest

from synopsis.config import StorySettings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.errors import InputError
from synopsis.evaluation.metrics import PairErrors, bcubed, pair_errors
from synopsis.evaluation.stories import evaluate_stories, read_gold


def test_bcubed_known_values() -> None:
    perfect = bcubed(["x", "x", "y"], [1, 1, 2])
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    # one cluster of everything: precision (2/3 + 2/3 + 1/3) / 3, recall 1
    lumped = bcubed(["x", "x", "y"], [1, 1, 1])
    assert lumped.precision == pytest.approx(5 / 9)
    assert lumped.recall == 1.0
    assert lumped.f1 == pytest.approx(2 * (5 / 9) / (5 / 9 + 1))
    singles = bcubed(["x", "x", "y"], [1, 2, 3])
    assert singles.precision == 1.0 and singles.recall == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="2 gold labels but 1"):
        bcubed(["x", "y"], [1])


def test_pair_errors_tell_false_merges_from_false_splits() -> None:
    assert pair_errors(["x", "x", "y"], [1, 1, 2]) == PairErrors(0, 0, 0)
    # everything in one cluster: the two x–y pairs are false merges
    lumped = pair_errors(["x", "x", "y"], [1, 1, 1])
    assert (lumped.merged, lumped.split, lumped.merge_share) == (2, 0, 1.0)
    # two whole events merged, and one of them also split
    errors = pair_errors(["x", "x", "y", "y", "y"], [1, 1, 1, 1, 2])
    assert (errors.merged, errors.split, errors.merged_clusters) == (4, 2, 1)
    assert errors.merge_share == pytest.approx(4 / 6)
    assert pair_errors(["x", "y"], [1, 1]).merged_clusters == 0  # one stray article each
    with pytest.raises(ValueError, match="2 gold labels but 1"):
        pair_errors(["x", "y"], [1])


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


BRIDGE = "The mayor of Marrendal opened the Kalde bridge on Monday after four years of works."
FLOOD = "Floods in Ostervik forced 300 families from their homes as the river Lune rose."


def test_read_gold_flat_and_grouped(tmp_path: Path) -> None:
    flat = _write(
        tmp_path / "flat.jsonl",
        [
            {"id": "a", "title": "Bridge", "text": BRIDGE, "story": "s1"},
            {"text": FLOOD, "story": 2},
        ],
    )
    gold = read_gold(flat)
    assert [(g.article.id, g.story) for g in gold] == [("a", "s1"), ("line-2", "2")]
    grouped = _write(
        tmp_path / "grouped.jsonl",
        [{"event": "e1", "articles": [{"title": "Bridge", "text": BRIDGE}, {"title": "Bridge"}]}],
    )
    gold = read_gold(grouped, field="event")
    assert [(g.article.id, g.story, g.article.text) for g in gold] == [
        ("e1/0", "e1", BRIDGE),
        ("e1/1", "e1", ""),
    ]


def test_read_gold_names_the_line_and_field(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.jsonl", [{"id": "a", "text": BRIDGE, "story": "s"}, {"id": "b"}])
    with pytest.raises(InputError, match=r"bad.jsonl:2: field 'story'"):
        read_gold(bad)
    empty = _write(tmp_path / "empty.jsonl", [{"id": "a", "story": "s"}])
    with pytest.raises(InputError, match=r"empty.jsonl:1: needs a 'title' or a 'text'"):
        read_gold(empty)


def test_evaluate_stories_scores_synopsis_beside_two_baselines(tmp_path: Path) -> None:
    rows = []
    for n in range(4):
        rows.append(
            {
                "id": f"b{n}",
                "title": "Marrendal opens Kalde bridge",
                "text": BRIDGE,
                "story": "bridge",
            }
        )
        rows.append(
            {
                "id": f"f{n}",
                "title": "Ostervik floods: 300 families leave",
                "text": FLOOD,
                "story": "flood",
            }
        )
    path = _write(tmp_path / "gold.jsonl", rows)
    result = evaluate_stories(
        path, HashedWordsEmbedder(name="words"), StorySettings(term_buckets=1 << 12)
    )
    assert (result.articles, result.gold_stories, result.failures) == (8, 2, 0)
    methods = {s.method: s for s in result.scores}
    assert list(methods) == ["synopsis", "tfidf-average-link", "hdbscan"]
    assert methods["synopsis"].f1 == 1.0 and methods["synopsis"].stories == 2
    assert methods["synopsis"].ari == 1.0 and methods["synopsis"].v_measure == 1.0
    assert methods["tfidf-average-link"].given_story_count
    assert methods["tfidf-average-link"].stories == 2
    assert not methods["hdbscan"].given_story_count
    assert methods["synopsis"].errors == PairErrors(0, 0, 0)
    assert result.second_look is not None and result.second_look.articles == 8
    encoded = result.to_dict()
    assert encoded["methods"][0]["bcubed_f1"] == 1.0
    assert encoded["methods"][0]["merged_pairs"] == 0
    assert set(encoded["second_look"]) == {"articles", "looked", "changed", "splits"}
    assert json.loads(json.dumps(encoded)) == encoded


def test_eval_stories_command_prints_json_and_a_table(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from synopsis.cli import app

    rows = [
        {"id": f"{kind}{n}", "title": title, "text": text, "story": kind}
        for n in range(3)
        for kind, title, text in (
            ("b", "Marrendal opens Kalde bridge", BRIDGE),
            ("f", "Ostervik floods", FLOOD),
        )
    ]
    path = _write(tmp_path / "gold.jsonl", rows)
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "stories", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [m["method"] for m in data["methods"]] == [
        "synopsis",
        "tfidf-average-link",
        "hdbscan",
    ]
    assert data["articles"] == 6 and data["gold_stories"] == 2
    assert data["second_look"]["articles"] == 6
    printed = runner.invoke(app, ["eval", "stories", str(path)])
    assert printed.exit_code == 0, printed.output
    assert "merges" in printed.stdout and "second look:" in printed.stdout
    table = runner.invoke(app, ["eval", "stories", str(path), "--field", "nope"])
    assert table.exit_code == 2
    assert "field 'nope'" in table.output


def test_ingest_checks_window_days(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from synopsis.cli import app

    result = CliRunner().invoke(
        app, ["ingest", "-q", "--db", str(tmp_path / "x.db"), "--window-days", "0", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "window_days" in result.output
