import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import demo_truths as truths
from synopsis.cli import app

runner = CliRunner()

GOOD = (
    "Harbour reopens\n\nThe harbour of Brennstad reopened on Monday after a week of repairs, "
    "the port authority said. Ships queued outside the breakwater overnight.\n"
)


@pytest.fixture()
def mixed_folder(tmp_path: Path) -> Path:
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 300)
    return tmp_path


def test_digest_exit_code_1_lists_failures_and_digests_the_rest(mixed_folder: Path) -> None:
    result = runner.invoke(app, ["digest", "-q", "--format", "json", str(mixed_folder)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    failed = {Path(f["input"]).name: f["reason"] for f in data["failures"]}
    assert set(failed) == {"empty.txt", "binary.txt"}
    assert all(failed.values())
    assert [a["title"] for a in data["articles"]] == ["Harbour reopens"]
    assert "empty.txt" in result.stderr and "binary.txt" in result.stderr


def test_digest_markdown_to_file(mixed_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "digest.md"
    result = runner.invoke(app, ["digest", "-q", str(mixed_folder / "good.txt"), "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text()
    assert text.startswith("# synopsis digest") and "The harbour of Brennstad reopened" in text


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["digest", "--format", "pdf", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["digest", "--summary-words", "0", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["nonsense"]).exit_code == 2


def test_missing_path_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    result = runner.invoke(
        app, ["digest", "-q", str(tmp_path / "good.txt"), str(tmp_path / "missing.txt")]
    )
    assert result.exit_code == 1
    assert "missing.txt" in result.stderr


def test_demo_prints_markdown_and_writes_html(tmp_path: Path) -> None:
    html = tmp_path / "demo.html"
    result = runner.invoke(app, ["demo", "-q", "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# synopsis digest")
    assert "independent source" in result.stdout
    page = html.read_text()
    assert "<html" in page and "Aurelia Star" in page


def test_ingest_stories_show_round_trip(tmp_path: Path) -> None:
    from synopsis.demo import corpus_path

    db = tmp_path / "news.db"
    first = runner.invoke(app, ["ingest", "-q", "--db", str(db), str(corpus_path())])
    assert first.exit_code == 0, first.output
    assert f"{truths.ARTICLE_COUNT} added" in first.stderr
    again = runner.invoke(app, ["ingest", "-q", "--db", str(db), str(corpus_path())])
    assert f"0 added, {truths.ARTICLE_COUNT} unchanged" in again.stderr
    listing = runner.invoke(app, ["stories", "--db", str(db), "--format", "json"])
    stories = json.loads(listing.stdout)
    assert len(stories) == len(truths.ALL_STORIES)
    main = max(stories, key=lambda s: s["articles"])
    shown = runner.invoke(app, ["show", main["id"], "--db", str(db), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["stories"][0]["id"] == main["id"]
    assert data["stories"][0]["independent_sources"] == main["independent_sources"]
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for line in data["stories"][0]["summary"]:
        assert line["text"] in texts[line["article"]]


def test_show_unknown_story_and_missing_db(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["stories", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0
    assert "no such store" in str(missing.exception) or "no such store" in missing.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("synopsis ")


def test_the_command_line_prepares_on_every_core_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from synopsis.cli import _settings
    from synopsis.config import Settings

    monkeypatch.delenv("SYNOPSIS_PIPELINE__WORKERS", raising=False)
    assert Settings().pipeline.workers == 1  # the library stays in one process
    assert _settings(None).pipeline.workers == 0  # the command line: one per core
    assert _settings(None, 1).pipeline.workers == 1
    monkeypatch.setenv("SYNOPSIS_PIPELINE__WORKERS", "3")
    assert _settings(None).pipeline.workers == 3
    assert _settings(None, 2).pipeline.workers == 2
    result = runner.invoke(app, ["digest", "-q", "--workers", "-1", "x.txt"])
    assert result.exit_code == 2


def test_python_dash_m_runs_the_command_line_once() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "synopsis", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.count("Usage:") == 1
    source = (Path(__file__).resolve().parents[1] / "src/synopsis/__main__.py").read_text()
    assert 'if __name__ == "__main__":' in source  # spawned workers import it again


# --- hostile paths and outputs (issue 13) ----------------------------------------------------


def _flat(text: str) -> str:
    """``text`` without the line breaks and box drawing rich wraps messages in."""
    return " ".join(text.replace("│", " ").split())


def _no_work(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record any run of the pipeline, so a test can show none started."""
    from synopsis.pipeline import Pipeline

    runs: list[object] = []
    monkeypatch.setattr(Pipeline, "run", lambda self, *a, **k: runs.append(a))
    return runs


def test_digest_refuses_an_output_it_cannot_write_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 5: ``-o /missing/dir/x.json`` did all the work, then died with a traceback."""
    (tmp_path / "good.txt").write_text(GOOD)
    runs = _no_work(monkeypatch)
    for output, problem in (
        (tmp_path / "missing" / "dir" / "x.json", "does not exist"),
        (tmp_path, "is a folder"),
        (tmp_path / "good.txt" / "x.json", "does not exist"),
    ):
        result = runner.invoke(app, ["digest", "-q", str(tmp_path / "good.txt"), "-o", str(output)])
        assert result.exit_code == 2, result.output
        assert problem in _flat(result.output) and "--output" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert runs == []


def test_demo_refuses_an_html_path_it_cannot_write_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _no_work(monkeypatch)
    result = runner.invoke(app, ["demo", "-q", "--html", str(tmp_path / "no" / "demo.html")])
    assert result.exit_code == 2
    assert "does not exist" in _flat(result.output) and "--html" in result.output
    assert runs == []


def test_a_write_that_fails_anyway_is_an_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "good.txt").write_text(GOOD)

    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    out = tmp_path / "x.md"
    result = runner.invoke(
        app, ["digest", "-q", "--workers", "1", str(tmp_path / "good.txt"), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and "No space left on device" in _flat(result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unreadable_paths_are_listed_failures_and_the_rest_is_processed(tmp_path: Path) -> None:
    """Finding 6: one unreadable path stopped the run (a traceback, the rest unprocessed)."""
    import os

    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    too_long = tmp_path / ("n" * 300 + ".txt")  # the system refuses the name
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    missing = tmp_path / "missing.txt"
    bad = [too_long, dangling, loop, folder, fifo, missing]
    result = runner.invoke(
        app,
        ["digest", "-q", "--workers", "1", "--format", "json", str(good), *map(str, bad)],
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert [a["title"] for a in data["articles"]] == ["Harbour reopens"]
    reasons = {f["input"]: f["reason"] for f in data["failures"]}
    assert reasons == {
        str(too_long): "file name too long",
        str(dangling): f"broken symbolic link (to {tmp_path / 'nowhere.txt'})",
        str(loop): "symbolic link loop",
        str(folder): "no supported files in folder",
        str(fifo): "not a regular file",
        str(missing): "file not found",
    }
    for path in bad:
        assert str(path) in _flat(result.stderr).replace(" ", "") or path.name[:40] in result.stderr


def test_file_names_utf8_cannot_hold_are_written_escaped(tmp_path: Path) -> None:
    import os

    folder = os.fsencode(tmp_path)
    name = os.path.join(folder, b"caf\xe9.txt")  # Latin-1 bytes: not UTF-8
    with open(name, "wb") as handle:
        handle.write(GOOD.encode())
    with open(os.path.join(folder, b"empty\xff.txt"), "wb"):
        pass
    out = tmp_path / "out.json"
    result = runner.invoke(
        app, ["digest", "-q", "--workers", "1", "-f", "json", "-o", str(out), str(tmp_path)]
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [a["title"] for a in data["articles"]] == ["Harbour reopens"]
    assert data["failures"][0]["reason"] == "empty file"
    assert "\\udcff" in result.stderr
