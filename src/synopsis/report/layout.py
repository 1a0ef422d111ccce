"""What every renderer of a report shows before a "show all" (Markdown, HTML, the web)."""

SHOWN_FACTS = 20
"""Facts shown before the rest are folded away (the JSON report always lists every one)."""

__all__ = ["SHOWN_FACTS"]
