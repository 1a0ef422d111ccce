"""Renderers: a report as Markdown, HTML or JSON."""
