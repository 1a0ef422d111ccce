"""The ``synopsis`` command line (typer + rich).

Exit codes: 0 every input was processed; 1 some inputs failed (each listed on
stderr with its reason, the rest processed); 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from . import __version__
from .config import Settings
from .errors import SynopsisError
from .pipeline import Pipeline
from .pipeline import Progress as ProgressCallback
from .report import Report

app = typer.Typer(
    name="synopsis",
    help="Many news reports of the same events, one trustworthy, cited story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

eval_app = typer.Typer(
    help="Measure synopsis on gold data, side by side with baselines.", no_args_is_help=True
)
app.add_typer(eval_app, name="eval")

DEFAULT_DB = Path("synopsis.db")
EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2

_STAGE_LABELS = {
    "read": "Reading inputs",
    "clean": "Cleaning",
    "embed": "Embedding sentences",
    "copies": "Finding copies",
    "stories": "Grouping stories",
    "digest": "Writing digests",
    "store": "Storing",
}


class Format(StrEnum):
    md = "md"
    html = "html"
    json = "json"


def _stderr() -> Console:
    return Console(stderr=True)


@contextmanager
def progress_bars(console: Console, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A progress callback drawing one rich bar per pipeline stage on stderr."""
    if not enabled:
        yield lambda stage, done, total: None
        return
    bars = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(_STAGE_LABELS.get(stage, stage), total=total or None)
        bars.update(tasks[stage], completed=done, total=total or None)

    with bars:
        yield update


def render(report: Report, fmt: Format) -> str:
    if fmt is Format.json:
        return report.to_json() + "\n"
    if fmt is Format.html:
        return report.to_html()
    return report.to_markdown()


def _emit(text: str, output: Path | None, console: Console) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {output}")


def _report_failures(report: Report, console: Console) -> int:
    for failure in report.failures:
        console.print(f"[red]failed[/red] {failure.input}: {failure.reason}", highlight=False)
    for skip in report.skipped:
        console.print(f"[yellow]skipped[/yellow] {skip.input}: {skip.reason}", highlight=False)
    return EXIT_FAILURES if report.failures else EXIT_OK


def _settings(summary_words: int | None) -> Settings:
    try:
        return Settings.from_env().with_summary_words(summary_words)
    except SynopsisError as exc:
        raise typer.BadParameter(str(exc)) from exc


PathsArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Files or folders of articles (txt, md, html, jsonl, json, csv, rss, warc)."
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]
WordsOption = Annotated[
    int | None, typer.Option("--summary-words", min=1, help="Word budget of each story summary.")
]
DbOption = Annotated[Path, typer.Option("--db", help="The SQLite store.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]


@app.command()
def digest(
    paths: PathsArgument,
    fmt: FormatOption = Format.md,
    output: OutputOption = None,
    summary_words: WordsOption = None,
    quiet: QuietOption = False,
) -> None:
    """Digest articles in one shot (no database): stories with cited summaries."""
    console = _stderr()
    pipeline = Pipeline(_settings(summary_words))
    with progress_bars(console, enabled=not quiet) as progress:
        report = pipeline.run([str(p) for p in paths], progress)
    _emit(render(report, fmt), output, console)
    raise typer.Exit(_report_failures(report, console))


@app.command()
def demo(
    output: Annotated[Path, typer.Option("--html", help="Where to write the HTML report.")] = Path(
        "synopsis-demo.html"
    ),
    quiet: QuietOption = False,
) -> None:
    """Digest the demo corpus that ships with synopsis; print Markdown, write HTML."""
    from .demo import corpus_path

    console = _stderr()
    pipeline = Pipeline(_settings(None))
    with progress_bars(console, enabled=not quiet) as progress:
        report = pipeline.run([str(corpus_path())], progress)
    sys.stdout.write(report.to_markdown())
    output.write_text(report.to_html(), encoding="utf-8")
    console.print(f"HTML report: {output.resolve()}")
    raise typer.Exit(_report_failures(report, console))


@app.command()
def ingest(paths: PathsArgument, db: DbOption = DEFAULT_DB, quiet: QuietOption = False) -> None:
    """Add articles to the store and keep its stories current."""
    from .archive import Archive

    console = _stderr()
    with (
        Archive.open(db, _settings(None)) as archive,
        progress_bars(console, not quiet) as progress,
    ):
        result = archive.ingest([str(p) for p in paths], progress)
    console.print(
        f"{len(result.added)} added, {len(result.unchanged)} unchanged, "
        f"{len(result.failures)} failed, {len(result.skipped)} skipped; "
        f"{len(result.stories)} stories updated"
    )
    for failure in result.failures:
        console.print(f"[red]failed[/red] {failure.input}: {failure.reason}", highlight=False)
    for skip in result.skipped:
        console.print(f"[yellow]skipped[/yellow] {skip.input}: {skip.reason}", highlight=False)
    raise typer.Exit(EXIT_FAILURES if result.failures else EXIT_OK)


@app.command()
def stories(db: DbOption = DEFAULT_DB, fmt: FormatOption = Format.md) -> None:
    """List the stories in the store."""
    import json

    from .archive import Archive

    with Archive.open(db, _settings(None), create=False) as archive:
        rows = archive.stories()
    if fmt is Format.json:
        sys.stdout.write(json.dumps([row.to_dict() for row in rows], indent=2) + "\n")
        return
    table = Table("story", "articles", "sources", "first", "last", "title")
    for row in rows:
        table.add_row(
            row.id,
            str(row.articles),
            str(row.independent_sources),
            row.first_published[:10] if row.first_published else "",
            row.last_published[:10] if row.last_published else "",
            row.title,
        )
    Console().print(table)


@app.command()
def show(
    story: Annotated[str, typer.Argument(help="A story id (see 'synopsis stories').")],
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = Format.md,
    output: OutputOption = None,
    summary_words: WordsOption = None,
) -> None:
    """Show the cited digest of one stored story."""
    from .archive import Archive

    console = _stderr()
    with Archive.open(db, _settings(summary_words), create=False) as archive:
        report = archive.story_report(story)
    _emit(render(report, fmt), output, console)


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"synopsis {__version__}")
        raise typer.Exit(EXIT_OK)


def main() -> None:
    """Console entry point: run the app, turning synopsis errors into exit code 2."""
    try:
        app()
    except SynopsisError as exc:
        _stderr().print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(EXIT_USAGE)


__all__ = ["app", "main"]
