"""The ``synopsis`` command line (typer + rich).

Exit codes: 0 every input was processed; 1 some inputs failed (each listed on
stderr with its reason, the rest processed); 2 usage error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
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

from .config import Settings
from .errors import SynopsisError
from .pipeline import Pipeline
from .pipeline import Progress as ProgressCallback
from .readers import describe as describe_formats
from .readers import is_url
from .report import Report
from .version import __version__

if TYPE_CHECKING:
    from .follow import PollRun

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


@contextmanager
def usage_errors(console: Console) -> Iterator[None]:
    """A :class:`SynopsisError` inside becomes a one-line error and exit code 2."""
    try:
        yield
    except SynopsisError as exc:
        console.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from exc


@eval_app.command("stories")
def eval_stories(
    path: Annotated[Path, typer.Argument(help="JSON lines: articles with a gold story each.")],
    field: Annotated[
        str, typer.Option("--field", help="The field holding the gold story.")
    ] = "story",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, not a table.")] = False,
) -> None:
    """B-cubed, ARI, V-measure of synopsis's stories beside TF-IDF average-link and HDBSCAN."""
    import json

    from .embed import load_embedder
    from .evaluation.stories import evaluate_stories

    console = Console(stderr=True)
    settings = _settings(None)
    with usage_errors(console):
        result = evaluate_stories(path, load_embedder(settings.embed), settings.stories, field)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    table = Table(
        title=f"Stories of {result.articles} articles, {result.gold_stories} gold stories"
    )
    columns = ("method", "B³ P", "B³ R", "B³ F1", "ARI", "V", "stories", "merges", "articles/s")
    for column in columns:
        table.add_column(column, justify="left" if column == "method" else "right")
    for score in result.scores:
        table.add_row(
            score.method + (" (given gold count)" if score.given_story_count else ""),
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
            f"{score.ari:.3f}",
            f"{score.v_measure:.3f}",
            str(score.stories),
            f"{score.errors.merge_share:.0%}",
            f"{score.articles_per_second:.0f}",
        )
    console = Console()
    console.print(table)
    console.print(
        "merges: the share of wrongly placed article pairs that are false merges "
        "(the rest are splits)"
    )
    synopsis = result.scores[0]
    console.print(
        f"synopsis: {synopsis.errors.merged} merged and {synopsis.errors.split} split pairs; "
        f"{synopsis.errors.merged_clusters} stories hold two or more gold stories"
    )
    if result.second_look is not None:
        look = result.second_look
        changed = ", ".join(f"{n} {kind}" for kind, n in sorted(look.changed.items())) or "none"
        console.print(
            f"second look: {look.looked} of {look.articles} articles "
            f"({look.looked / max(look.articles, 1):.0%}); decisions changed: {changed}; "
            f"{look.splits} stories split"
        )


@eval_app.command("claims")
def eval_claims(
    path: Annotated[Path, typer.Argument(help="JSON lines of sentence pairs: s1, s2, label.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, not a table.")] = False,
) -> None:
    """Accuracy, P, R, F1 of the same-claim scorer beside USE and TF-IDF cosine baselines."""
    import json

    from .embed import load_embedder
    from .evaluation.claims import evaluate_claims, read_pairs

    console = Console(stderr=True)
    settings = _settings(None)
    with usage_errors(console):
        pairs = read_pairs(path)
        result = evaluate_claims(pairs, load_embedder(settings.embed), settings.claims)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    table = Table(title=f"Same claim? {result.pairs} sentence pairs, {result.positives} positive")
    for column in ("system", "accuracy", "precision", "recall", "F1", "pairs/s", "threshold"):
        table.add_column(column, justify="left" if column == "system" else "right")
    rows = [("synopsis", result.synopsis), *result.baselines.items()]
    for name, scores in rows:
        table.add_row(
            name,
            f"{scores.accuracy:.3f}",
            f"{scores.precision:.3f}",
            f"{scores.recall:.3f}",
            f"{scores.f1:.3f}",
            f"{scores.pairs_per_second:.0f}",
            "configured" if scores.threshold is None else f"{scores.threshold:.3f} (best on file)",
        )
    Console().print(table)
    console.print("Baseline thresholds are the best on this file; synopsis's are configured.")


@eval_app.command("summary")
def eval_summary(
    path: Annotated[Path, typer.Argument(help="NeuS-style JSON lines: articles + reference.")],
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", help="Only the first N events.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """ROUGE-1/2/L of the synopsis summary beside Lead and LexRank, same budgets, same run."""
    from .evaluation.summary import METRICS, evaluate_summaries, read_events

    console = Console(stderr=True)
    with usage_errors(console):
        events = read_events(path, limit)
        with progress_bars(console, enabled=not quiet) as update:
            result = evaluate_summaries(
                events,
                Pipeline(_settings(None)),
                progress=lambda done, total: update("summaries", done, total),
            )
    table = Table(title=f"Summaries of {result.events} events at the reference's word count")
    table.add_column("system")
    for metric in METRICS:
        table.add_column(f"ROUGE-{metric[5:]} F1", justify="right")
    for system, scores in result.scores.items():
        table.add_row(system, *(f"{getattr(scores, m):.4f}" for m in METRICS))
    out = Console()
    out.print(table)
    out.print(
        f"synopsis / LexRank ROUGE-2: {result.ratio('synopsis', 'lexrank'):.3f}   "
        f"synopsis / Lead ROUGE-2: {result.ratio('synopsis', 'lead'):.3f}"
    )


DEFAULT_DB = "synopsis.db"
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
    text = printable(text)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    _write(output, text, console)
    console.print(f"wrote {printable(str(output))}", highlight=False)


def printable(text: str) -> str:
    """``text`` with what UTF-8 cannot hold escaped (``\\udcff``: a file name's stray byte)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def check_output(path: Path, option: str) -> None:
    """Refuse (usage error, exit 2) an output file that cannot be written, before any work.

    The folder it goes in must exist and be writable, and it must not be a folder.
    """
    folder = path.parent
    try:
        if path.is_dir():
            problem = "is a folder, not a file"
        elif not folder.is_dir():
            problem = f"its folder {printable(str(folder))!r} does not exist"
        elif not os.access(folder, os.W_OK | os.X_OK):
            problem = f"its folder {printable(str(folder))!r} is not writable"
        elif path.exists() and not os.access(path, os.W_OK):
            problem = "is not writable"
        else:
            return
    except OSError as exc:
        problem = f"cannot be written: {exc.strerror or exc}"
    raise typer.BadParameter(f"{printable(str(path))!r} {problem}", param_hint=option)


def _write(output: Path, text: str, console: Console) -> None:
    """Write the result, or say why it could not be (exit 2), without a traceback."""
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        console.print(
            f"[red]error:[/red] cannot write {printable(str(output))}: {exc.strerror or exc}",
            highlight=False,
        )
        raise typer.Exit(EXIT_USAGE) from exc


def _report_failures(report: Report, console: Console) -> int:
    for failure in report.failures:
        line = escape(printable(f"{failure.input}: {failure.reason}"))
        console.print(f"[red]failed[/red] {line}", highlight=False)
    for skip in report.skipped:
        line = escape(printable(f"{skip.input}: {skip.reason}"))
        console.print(f"[yellow]skipped[/yellow] {line}", highlight=False)
    return EXIT_FAILURES if report.failures else EXIT_OK


def _settings(
    summary_words: int | None,
    workers: int | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
) -> Settings:
    """Settings from the environment and the options.

    The command line prepares large batches on every core unless told
    otherwise (``--workers`` or ``SYNOPSIS_PIPELINE__WORKERS``), or on a
    Dask cluster (``--executor``, ``--scheduler``), which is checked to be
    installed before any work.
    """
    if workers is None and "SYNOPSIS_PIPELINE__WORKERS" not in os.environ:
        workers = 0
    try:
        settings = (
            Settings.from_env()
            .with_summary_words(summary_words)
            .with_workers(workers)
            .with_executor(executor, scheduler)
        )
        if settings.pipeline.executor == "dask":
            import_module("synopsis.pipeline.dask")  # a ConfigError without the extra
    except SynopsisError as exc:
        raise typer.BadParameter(str(exc)) from exc
    return settings


PathsArgument = Annotated[
    list[str],
    typer.Argument(
        help=f"Files or folders of articles ({describe_formats()}), or http(s) URLs of "
        "article pages or RSS/Atom feeds (each entry's page is fetched).",
        metavar="PATH|URL...",
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]
WordsOption = Annotated[
    int | None, typer.Option("--summary-words", min=1, help="Word budget of each story summary.")
]
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="SYNOPSIS_DB",
        help="The store: a SQLite file (or sqlite:///path) or a postgresql://user@host/db URL.",
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-j",
        min=0,
        help="Processes preparing a large batch (0: one per core, the default; 1: none).",
    ),
]
ExecutorOption = Annotated[
    str | None,
    typer.Option(
        "--executor",
        help="Where a large batch is prepared: 'local' (--workers processes here, the default), "
        "'dask' (the Dask cluster at --scheduler, else one started here, a worker per core) "
        "or 'dask:N' (a Dask cluster of N worker processes started here). "
        "Needs pip install 'synopsis[dask]'.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="The Dask scheduler's address (tcp://host:8786); implies --executor dask.",
    ),
]


@app.command()
def digest(
    paths: PathsArgument,
    fmt: FormatOption = Format.md,
    output: OutputOption = None,
    summary_words: WordsOption = None,
    quiet: QuietOption = False,
    workers: WorkersOption = None,
    executor: ExecutorOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Digest articles in one shot (no database): stories with cited summaries."""
    console = _stderr()
    if output is not None:
        check_output(output, "--output")
    pipeline = Pipeline(_settings(summary_words, workers, executor, scheduler))
    with progress_bars(console, enabled=not quiet) as progress:
        report = pipeline.run(paths, progress)
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
    check_output(output, "--html")
    pipeline = Pipeline(_settings(None))
    with progress_bars(console, enabled=not quiet) as progress:
        report = pipeline.run([str(corpus_path())], progress)
    sys.stdout.write(printable(report.to_markdown()))
    _write(output, printable(report.to_html()), console)
    console.print(f"HTML report: {printable(str(output.resolve()))}", highlight=False)
    raise typer.Exit(_report_failures(report, console))


@app.command()
def ingest(
    paths: PathsArgument,
    db: DbOption = DEFAULT_DB,
    quiet: QuietOption = False,
    workers: WorkersOption = None,
    executor: ExecutorOption = None,
    scheduler: SchedulerOption = None,
    window_days: Annotated[
        float | None,
        typer.Option(
            "--window-days", help="Stories quiet for this many days stop attracting articles."
        ),
    ] = None,
) -> None:
    """Add articles to the store and keep its stories current."""
    from dataclasses import replace

    from .archive import Archive

    console = _stderr()
    settings = _settings(None, workers, executor, scheduler)
    if window_days is not None:
        try:
            settings = replace(settings, stories=replace(settings.stories, window_days=window_days))
        except SynopsisError as exc:
            raise typer.BadParameter(str(exc), param_hint="--window-days") from exc
    with (
        Archive.open(db, settings) as archive,
        progress_bars(console, not quiet) as progress,
    ):
        result = archive.ingest(paths, progress)
    console.print(
        f"{len(result.added)} added, {len(result.unchanged)} unchanged, "
        f"{len(result.failures)} failed, {len(result.skipped)} skipped; "
        f"{len(result.stories)} stories updated"
        + (f" ({len(result.resumed)} left by an interrupted ingest)" if result.resumed else "")
    )
    for failure in result.failures:
        console.print(f"[red]failed[/red] {failure.input}: {failure.reason}", highlight=False)
    for skip in result.skipped:
        console.print(f"[yellow]skipped[/yellow] {skip.input}: {skip.reason}", highlight=False)
    raise typer.Exit(EXIT_FAILURES if result.failures else EXIT_OK)


@app.command()
def follow(
    feeds: Annotated[
        list[str] | None,
        typer.Argument(
            help="Feed URLs, or files listing them (one a line, # comments); "
            "none: the feeds the store follows.",
            metavar="[FEEDS.txt|URL]...",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    every: Annotated[
        str | None,
        typer.Option(
            "--every", help="How often each feed is polled: 90s, 15m, 1h … (default 15m)."
        ),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll the feeds once and exit.")] = False,
) -> None:
    """Follow feeds: poll them, fetch only what is new, keep the store's stories current.

    Feeds and their state (validators, last and next poll, errors) live in
    the store, so a restart resumes where the last run stopped. Ctrl-C stops
    between requests; nothing stored is lost and nothing stored is fetched again.
    """
    import threading
    from dataclasses import replace

    from .archive import Archive
    from .follow import Follower, parse_interval, read_feed_list

    console = _stderr()
    settings = _settings(None)
    if every is not None:
        try:
            settings = replace(
                settings, follow=replace(settings.follow, every=parse_interval(every))
            )
        except (ValueError, SynopsisError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--every") from exc
    urls: list[str] = []
    with usage_errors(console):
        for item in feeds or []:
            urls.extend([item] if is_url(item) else read_feed_list(item))
    stop = threading.Event()
    with Archive.open(db, settings) as archive:
        follower = Follower(archive)
        for url in follower.follow(urls):
            console.print(f"following {printable(url)}", highlight=False)
        if not archive.store.feeds():
            console.print("[red]no feeds to follow[/red]: give feed URLs or a file listing them")
            raise typer.Exit(EXIT_USAGE)
        try:
            follower.run(once=once, stop=stop, on_poll=lambda run: _print_poll(run, console))
        except KeyboardInterrupt:
            stop.set()
            console.print("stopped; the next run resumes from the store", highlight=False)


def _print_poll(run: PollRun, console: Console) -> None:
    when = run.started.strftime("%Y-%m-%d %H:%M:%S")
    if not run.feeds:
        console.print(f"{when}: no feed due", highlight=False)
        return
    unchanged = sum(f.status == "not modified" for f in run.feeds)
    failed = [f for f in run.feeds if f.status == "failed"]
    console.print(
        f"{when}: {len(run.feeds)} feeds polled ({unchanged} not modified, {len(failed)} failed); "
        f"{run.new} new articles, {run.stories} stories updated",
        highlight=False,
    )
    for feed in run.feeds:
        if feed.new or feed.page_failures:
            console.print(
                f"  {printable(feed.url)}: {feed.new} new"
                + (f", {feed.page_failures} pages not fetched" if feed.page_failures else ""),
                highlight=False,
            )
    for feed in failed:
        console.print(
            f"  [red]failed[/red] {printable(feed.url)}: {printable(feed.error or '')}",
            highlight=False,
        )
    for failure in run.ingest.failures:
        console.print(
            f"  [red]failed[/red] {printable(failure.input)}: {printable(failure.reason)}",
            highlight=False,
        )


@app.command("feeds")
def feeds_command(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = Format.md,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Stop following this feed URL.")
    ] = None,
) -> None:
    """List the followed feeds with their health: last poll, new articles, errors."""
    import json

    from .archive import Archive
    from .follow.health import feed_health

    console = _stderr()
    with Archive.open(db, _settings(None), create=False) as archive:
        for url in remove or []:
            if archive.store.remove_feed(url):
                console.print(f"no longer following {printable(url)}", highlight=False)
            else:
                console.print(f"[yellow]not followed[/yellow]: {printable(url)}", highlight=False)
        health = feed_health(archive.store)
    if fmt is Format.json:
        sys.stdout.write(json.dumps([h.to_dict() for h in health], indent=2) + "\n")
        return
    table = Table("feed", "last poll", "status", "new", "articles", "errors", "next poll")
    table.columns[0].overflow = "fold"  # a feed is known by its URL: wrap it, never cut it
    for item in health:
        feed = item.feed
        table.add_row(
            printable(feed.url),
            _when(feed.last_polled),
            printable(feed.last_status or "never polled")
            + (f": {printable(feed.last_error)}" if feed.last_error else ""),
            str(feed.last_new),
            str(feed.articles),
            str(feed.errors),
            _when(feed.next_poll),
        )
    Console().print(table)
    failures = [f for item in health for f in item.failures]
    if failures:
        pages = Table("page", "feed", "tried", "last try", "reason", title="Pages not fetched")
        pages.columns[0].overflow = pages.columns[1].overflow = "fold"
        for failure in failures:
            pages.add_row(
                printable(failure.url),
                printable(failure.feed or ""),
                str(failure.attempts),
                _when(failure.at),
                printable(failure.reason),
            )
        Console().print(pages)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


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


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    public_reads: Annotated[
        bool, typer.Option("--public-reads", help="Let any client read, not only this machine.")
    ] = False,
) -> None:
    """Serve the web UI and REST API over the store (writes need SYNOPSIS_TOKEN)."""
    import os
    from dataclasses import replace

    import uvicorn

    from .web.middleware import server_options

    settings = _settings(None)
    try:
        web = replace(
            settings.web,
            db=db,
            host=host,
            port=port,
            public_reads=public_reads or settings.web.public_reads,
        )
    except SynopsisError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if workers == 1:
        from .web import create_app

        uvicorn.run(
            create_app(replace(settings, web=web)), host=host, port=port, **server_options(web)
        )
        return
    # Worker processes build their app from the environment (uvicorn needs an import string).
    os.environ["SYNOPSIS_WEB__DB"] = web.db
    os.environ["SYNOPSIS_WEB__PUBLIC_READS"] = str(web.public_reads)
    uvicorn.run(
        "synopsis.web:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **server_options(web, importable=True),
    )


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
