"""The demo corpus that ships with synopsis: a fictional event told by several outlets.

The corpus (``corpus/``) is entirely invented: the country of Kaldemark, the
port of Marrendal, the ferry Aurelia Star and everyone quoted are fictional.
It holds ``articles.jsonl`` (one article per line), one scraped HTML page and
one plain-text article; ``tests/demo_truths.py`` in the source tree records
what is true of it (which articles are copies, which figures conflict, ...).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def corpus_path() -> Path:
    """The folder holding the demo corpus files."""
    folder = resources.files("synopsis.demo") / "corpus"
    # Editable installs and wheels both unpack to the file system, so the
    # traversable is a real directory; ``Path(str(...))`` turns it into one.
    path = Path(str(folder))
    if not path.is_dir():
        raise FileNotFoundError(f"demo corpus folder not found: {path}")
    return path


__all__ = ["corpus_path"]
