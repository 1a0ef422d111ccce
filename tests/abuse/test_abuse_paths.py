"""Paths that are not plain readable files: links, loops, pipes, folders, odd and refused names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from synopsis.readers import read_inputs


@pytest.mark.timeout(20)  # a pipe opened for reading would block: the guard against a hang
def test_links_loops_pipes_and_folders_are_failures_with_reasons(
    tmp_path: Path, good: Path, abuse: Any
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(abuse.GOOD_TEXT.replace("Monday", "Tuesday"))
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "loop.md").symlink_to(folder / "loop.md")
    (folder / "ping.txt").symlink_to(folder / "pong.txt")
    (folder / "pong.txt").symlink_to(folder / "ping.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "parent").symlink_to(folder)  # a folder linked into itself: walked once
    (folder / "device.txt").symlink_to("/dev/zero")
    explicit = [
        tmp_path / "nowhere.txt",
        folder / "dangling.txt",
        folder / "loop.md",
        folder / "pipe.txt",
        Path("/dev/zero"),
        Path(str(folder / "good.txt") + "/below.txt"),  # a file taken for a folder
        tmp_path / ("x" * 5_000 + ".txt"),  # a name the system refuses
    ]
    with abuse.bounded(seconds=10, megabytes=100):
        result = read_inputs([folder, *explicit, good])
    abuse.good_read(result, good)
    reasons = {f.input: f.reason for f in result.failures}
    assert reasons[str(folder / "dangling.txt")].startswith("broken symbolic link (to ")
    assert reasons[str(folder / "loop.md")] == "symbolic link loop"
    assert reasons[str(folder / "ping.txt")] == "symbolic link loop"
    assert reasons[str(folder / "pipe.txt")] == "not a regular file"
    assert reasons[str(folder / "device.txt")] == "not a regular file"
    assert reasons[str(tmp_path / "nowhere.txt")] == "file not found"
    assert reasons["/dev/zero"] == "not a regular file"
    assert reasons[str(folder / "good.txt") + "/below.txt"].startswith("file not found")
    assert reasons[str(tmp_path / ("x" * 5_000 + ".txt"))] == "file name too long"
    walked = [a.source for a in result.articles]
    assert walked.count(str(folder / "good.txt")) == 1  # not again through the looped folder
    for name in explicit:
        abuse.accounted(result, name)


def test_a_folder_named_like_a_file_is_walked(tmp_path: Path, good: Path, abuse: Any) -> None:
    folder = tmp_path / "story.txt"
    folder.mkdir()
    (folder / "inside.txt").write_text(abuse.GOOD_TEXT.replace("Monday", "Friday"))
    empty = tmp_path / "empty.json"
    empty.mkdir()
    result = read_inputs([folder, empty, good])
    abuse.good_read(result, good)
    assert result.articles[0].source == str(folder / "inside.txt")
    assert abuse.failure_reasons(result, empty) == ["no supported files in folder"]


@pytest.mark.timeout(60)
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_files_and_folders_are_failures_for_real(good: Path) -> None:
    """Tests run as root, which reads anything: the reading runs as ``nobody``."""
    top = Path(tempfile.mkdtemp(prefix="synopsis-abuse-"))
    try:
        top.chmod(0o755)
        readable = top / "readable.txt"
        readable.write_text(good.read_text())
        readable.chmod(0o644)
        secret = top / "secret.txt"
        secret.write_text(good.read_text().replace("Monday", "Sunday"))
        secret.chmod(0o000)
        locked = top / "locked"
        locked.mkdir()
        (locked / "inside.txt").write_text(good.read_text())
        locked.chmod(0o000)
        script = (
            "import json, os, sys\n"
            "from synopsis.readers import read_inputs\n"
            "if os.geteuid() == 0:\n"
            "    os.setgid(65534)\n"
            "    os.setuid(65534)\n"
            "r = read_inputs(sys.argv[1:])\n"
            "print(json.dumps({'articles': [a.source for a in r.articles],"
            " 'failures': {f.input: f.reason for f in r.failures}}))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(top), str(secret), str(locked / "inside.txt")],
            capture_output=True,
            text=True,
            timeout=50,
        )
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["articles"] == [str(readable)]
        assert out["failures"] == {
            str(locked): "cannot read folder: Permission denied",
            str(secret): "permission denied",
            str(locked / "inside.txt"): "permission denied",
        }
    finally:
        for path in (top / "locked",):
            path.chmod(0o755)
        subprocess.run(["rm", "-rf", str(top)], check=False)


@pytest.mark.parametrize(
    "name",
    [
        "with spaces in it.txt",
        "ünïcödé – “quoted”.txt",
        "-leading-dash.txt",
        "--option-like.md",
        "new\nline.txt",
        "tab\there.txt",
        "[bold]markup[red].txt",
        "dots...txt",
        "中文新闻.txt",
        "emoji-📰.txt",
    ],
)
def test_odd_file_names_are_read(tmp_path: Path, name: str, abuse: Any) -> None:
    path = tmp_path / name
    path.write_text(abuse.GOOD_TEXT, encoding="utf-8")
    result = read_inputs([tmp_path])
    assert [a.source for a in result.articles] == [str(path)]
    assert [a.title for a in read_inputs([path]).articles] == [abuse.GOOD_TITLE]


def test_names_that_are_not_utf8_are_read(tmp_path: Path, abuse: Any) -> None:
    folder = os.fsencode(tmp_path)
    raw = os.path.join(folder, b"latin-\xe9.txt")
    with open(raw, "wb") as handle:
        handle.write(abuse.GOOD_TEXT.encode())
    result = read_inputs([tmp_path, os.fsdecode(raw)])
    assert [a.title for a in result.articles] == [abuse.GOOD_TITLE]
    assert result.skipped[0].reason.startswith("same article as")


def test_hidden_files_are_passed_over_but_named_ones_read(tmp_path: Path, abuse: Any) -> None:
    (tmp_path / ".hidden.txt").write_text(abuse.GOOD_TEXT)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(abuse.GOOD_TEXT)
    result = read_inputs([tmp_path])
    assert [(f.input, f.reason) for f in result.failures] == [
        (str(tmp_path), "no supported files in folder")
    ]
    explicit = read_inputs([tmp_path / ".hidden.txt"])
    assert [a.title for a in explicit.articles] == [abuse.GOOD_TITLE]
