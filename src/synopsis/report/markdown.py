"""A report as Markdown: readable in a terminal, safe to render on a web page.

Article content is escaped (``<``, ``[``, ``*`` …) so a title cannot become a
link, an image or raw HTML when the Markdown is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .layout import SHOWN_FACTS

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str | None) -> str:
    """``text`` with Markdown's special characters backslash-escaped, on one line."""
    if not text:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _date(value: str | None) -> str:
    return value[:10] if value else "undated"


def _span(story: dict[str, Any]) -> str:
    first, last = story.get("first_published"), story.get("last_published")
    if not first:
        return "undated"
    return _date(first) if _date(first) == _date(last) else f"{_date(first)} to {_date(last)}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _speaker(line: Mapping[str, Any]) -> str:
    """ " — Wang Yi" after a line that leaves its speaker to a pronoun."""
    speaker = line.get("speaker")
    return f" — {escape(str(speaker))}" if speaker else ""


def render_markdown(data: Mapping[str, Any]) -> str:
    """The report (its ``synopsis.report/1`` dict) as Markdown."""
    articles = {a["id"]: a for a in data["articles"]}
    lines = [
        "# synopsis digest",
        "",
        f"{_plural(len(data['articles']), 'article')} · "
        f"{_plural(len(data['stories']), 'story', 'stories')}"
        + (f" · {_plural(len(data['failures']), 'input')} failed" if data["failures"] else "")
        + (f" · {len(data['skipped'])} skipped" if data["skipped"] else ""),
        "",
    ]
    for number, story in enumerate(data["stories"], start=1):
        lines.extend(_story(number, story, articles, data["copies"]))
    if data["failures"] or data["skipped"]:
        lines.extend(["## Inputs not processed", ""])
        lines.extend(f"- failed: `{f['input']}`: {escape(f['reason'])}" for f in data["failures"])
        lines.extend(f"- skipped: `{s['input']}`: {escape(s['reason'])}" for s in data["skipped"])
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _story(
    number: int,
    story: dict[str, Any],
    articles: dict[str, dict[str, Any]],
    copies: list[dict[str, Any]],
) -> list[str]:
    marker = {article_id: n for n, article_id in enumerate(story["articles"], start=1)}
    languages = sorted({articles[a]["language"] or "?" for a in story["articles"]})
    lines = [
        f"## {number}. {escape(story['title']) or 'Untitled story'}",
        "",
        f"*{_plural(len(story['articles']), 'article')} · "
        f"{_plural(story['independent_sources'], 'independent source')} · {_span(story)} · "
        f"{', '.join(languages)}* — story `{story['id']}`",
        "",
        *(
            [f"*Story decisions: {escape('; '.join(story['decisions']))}*", ""]
            if story.get("decisions")
            else []
        ),
        "### Summary",
        "",
    ]
    for line in story["summary"]:
        cites = "".join(f"[{marker[a]}]" for a in line["citations"])
        lines.append(f"- {escape(line['text'])}{_speaker(line)} {cites}")
    lines.append("")
    if story["facts"]:
        lines.extend(["### Facts", "", "| fact | sources | independent |", "|---|---|---|"])
        for fact in story["facts"][:SHOWN_FACTS]:
            cites = " ".join(f"[{marker[a]}]" for a in fact["citations"])
            text = escape(fact["text"]) + _speaker(fact)
            lines.append(f"| {text} | {cites} | {fact['independent_support']} |")
        lines.append("")
        if len(story["facts"]) > SHOWN_FACTS:
            more = len(story["facts"]) - SHOWN_FACTS
            lines.extend(
                [
                    f"*{_plural(more, 'more fact')}, less supported: all are in the JSON "
                    "and HTML reports.*",
                    "",
                ]
            )
    lines.extend(_comparison(story, marker))
    lines.extend(["### Sources", ""])
    group_of = {a: n for n, group in enumerate(story["source_groups"], start=1) for a in group}
    for article_id in story["articles"]:
        article = articles[article_id]
        name = escape(article["outlet"]) or escape(article["path"]) or article_id
        title = f" — {escape(article['title'])}" if article["title"] else ""
        where = f" <{article['url']}>" if _is_web_url(article["url"]) else ""
        lines.append(
            f"{marker[article_id]}. **{name}**{title} ({_date(article['published'])}, "
            f"{article['language'] or '?'}; source group {group_of.get(article_id, '?')}){where}"
        )
        for link in copies:
            other = (
                link["b"]
                if link["a"] == article_id
                else link["a"]
                if link["b"] == article_id
                else None
            )
            if other in marker:
                lines.append(f"   - {link['kind']} of [{marker[other]}] ({link['score']:.2f})")
        if article["removed"]:
            kinds = sorted({r["kind"] for r in article["removed"]})
            lines.append(
                f"   - cleaning removed {len(article['removed'])} paragraph(s): {', '.join(kinds)}"
            )
        if article.get("quality"):
            flags = ", ".join(f"{q['kind']} ({q['count']})" for q in article["quality"])
            lines.append(f"   - quality: {flags}")
    lines.append("")
    return lines


_MAX_FIGURES = 15
_MAX_ENTITIES = 15
_MAX_QUOTES = 12
_FIGURE_ORDER = ("money", "percent", "duration", "distance", "speed", "temperature", "count")


def _cites(citations: list[str], marker: dict[str, int]) -> str:
    return "".join(f"[{marker[a]}]" for a in citations if a in marker)


def _comparison(story: dict[str, Any], marker: dict[str, int]) -> list[str]:
    """Conflicts, quotes, names, figures and unique details: sections a reader can scan."""
    lines: list[str] = []
    conflicts = story.get("conflicts") or []
    if conflicts:
        lines.extend(["### Where the sources disagree", ""])
        for conflict in conflicts:
            values = " vs ".join(
                f"**{escape(v['value'])}** {_cites(v['citations'], marker)}"
                for v in conflict["values"]
            )
            lines.append(f"- {conflict['kind']}: {escape(conflict['about'])} — {values}")
        lines.append("")
    quotes = [q for q in story.get("quotes") or [] if q.get("speaker") or len(q["citations"]) > 1]
    if quotes:
        lines.extend(["### Who said what", ""])
        for quote in quotes[:_MAX_QUOTES]:
            speakers = ", ".join(escape(s) for s in quote["speakers"]) or "speaker unclear"
            lines.append(
                f"- “{escape(quote['text'])}” — {speakers} {_cites(quote['citations'], marker)}"
            )
        lines.append("")
    entities = [
        e
        for e in story.get("entities") or []
        if e["variants"] or (e["type"] == "person" and e["mentions"] > 1)
    ]
    if entities:
        lines.extend(["### Names", ""])
        for entity in entities[:_MAX_ENTITIES]:
            variants = (
                f" (also written {', '.join(escape(v) for v in entity['variants'])})"
                if entity["variants"]
                else ""
            )
            lines.append(
                f"- {escape(entity['name'])}, {entity['type']}{variants} "
                f"{_cites(entity['citations'], marker)}"
            )
        lines.append("")
    figures = [f for f in story.get("figures") or [] if f["kind"] in _FIGURE_ORDER]
    figures.sort(key=lambda f: (_FIGURE_ORDER.index(f["kind"]), -len(f["citations"])))
    if figures:
        lines.extend(["### Figures", ""])
        for figure in figures[:_MAX_FIGURES]:
            lines.append(
                f"- {escape(figure['value'])} ({figure['kind']}) "
                f"{_cites(figure['citations'], marker)}"
            )
        lines.append("")
    unique = story.get("unique") or []
    if unique:
        lines.extend(["### Reported by one source only", ""])
        lines.extend(f"- {escape(u['text'])} {_cites(u['citations'], marker)}" for u in unique)
        lines.append("")
    return lines


def _is_web_url(url: str | None) -> bool:
    return (
        bool(url) and str(url).lower().startswith(("http://", "https://")) and " " not in str(url)
    )
