"""``python -m synopsis``: the command line."""

from .cli import main

main()
