"""synopsis eval claims: the scorer beside USE and TF-IDF cosine baselines, same run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.errors import InputError
from synopsis.evaluation.claims import best_threshold, evaluate_claims, read_pairs

PAIRS = [
    ("The ferry sank off Marrendal on Monday.", "On Monday the ferry sank off Marrendal.", 1),
    ("At least 14 people died in the fire.", "The fire killed at least 14 people.", 1),
    ("The mayor opened the bridge.", "The bridge was opened by the mayor.", 1),
    ("Quillsoft will cut 600 jobs.", "Quillsoft plans to cut 600 jobs.", 1),
    ("The court found Lindqvist guilty.", "Dock workers began a strike over pay.", 0),
    ("Astronomers observed the comet.", "The central bank raised its rates.", 0),
    ("The striker scored twice.", "The striker did not score.", 0),
]


def write(tmp_path: Path, rows: list[object]) -> Path:
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_bad_lines_name_the_line_and_field(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"pairs\.jsonl:2: field 'label' must be 0 or 1"):
        read_pairs(write(tmp_path, [{"s1": "a", "s2": "b", "label": 1}, {"s1": "a", "s2": "b"}]))
    with pytest.raises(InputError, match="no sentence pairs"):
        read_pairs(write(tmp_path, []))


def test_best_threshold_maximises_accuracy() -> None:
    values = np.array([0.1, 0.2, 0.6, 0.7, 0.9])
    labels = np.array([False, False, True, False, True])
    threshold, decided = best_threshold(values, labels)
    assert threshold == 0.6 and list(decided) == [False, False, True, True, True]


def test_evaluation_reports_the_scorer_beside_both_baselines(tmp_path: Path) -> None:
    rows = [{"s1": a, "s2": b, "label": label} for a, b, label in PAIRS]
    result = evaluate_claims(read_pairs(write(tmp_path, rows)), HashedWordsEmbedder(dim=256))
    data = result.to_dict()
    assert set(data["baselines"]) == {"use-cosine", "tfidf-cosine"}
    for scores in [data["synopsis"], *data["baselines"].values()]:
        assert {"accuracy", "precision", "recall", "f1", "pairs_per_second"} <= set(scores)
        assert 0.0 <= scores["accuracy"] <= 1.0 and scores["pairs_per_second"] > 0
    assert "threshold" not in data["synopsis"]  # nothing fitted on the evaluated file
    assert data["pairs"] == 7 and data["positives"] == 4


def test_the_command_prints_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import synopsis.embed
    from synopsis.cli import app

    monkeypatch.setattr(synopsis.embed, "load_embedder", lambda settings: HashedWordsEmbedder())
    rows = [{"s1": a, "s2": b, "label": label} for a, b, label in PAIRS]
    result = CliRunner().invoke(app, ["eval", "claims", str(write(tmp_path, rows)), "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) >= {"synopsis", "baselines"}
    bad = CliRunner().invoke(app, ["eval", "claims", str(tmp_path / "missing.jsonl")])
    assert bad.exit_code == 2
