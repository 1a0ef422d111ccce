"""Comparing the sources of a story: who said what, names, figures, conflicts, unique details."""
