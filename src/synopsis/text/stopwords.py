"""English stop words: scikit-learn's list, without scikit-learn's import cost.

Importing anything from scikit-learn loads the whole package (about 1.3 s on
two cores), which would double the cold start of ``synopsis digest`` for one
frozenset of words. The list is read from scikit-learn's own source file
instead; if that file ever moves, the regular import is used.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """scikit-learn's ``ENGLISH_STOP_WORDS``."""
    try:
        return _read_from_source()
    except (OSError, SyntaxError, ValueError, LookupError):
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS)


def _read_from_source() -> frozenset[str]:
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    if spec is None or spec.origin is None:
        raise LookupError("scikit-learn is not installed")
    source = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "ENGLISH_STOP_WORDS" for t in node.targets)
            and isinstance(node.value, ast.Call)
            and node.value.args
        ):
            words = ast.literal_eval(node.value.args[0])
            return frozenset(str(word) for word in words)
    raise LookupError(f"ENGLISH_STOP_WORDS not found in {source}")
