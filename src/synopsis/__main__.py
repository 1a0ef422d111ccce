"""``python -m synopsis``: the command line."""

from .cli import main

if __name__ == "__main__":  # worker processes import this module again: run once
    main()
