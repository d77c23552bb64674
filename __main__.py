"""``python -m valuate``: the same as the ``valuate`` command."""
from .cli import main

main()
