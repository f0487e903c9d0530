"""``python -m footnoted``: the command line, as the ``footnoted`` console script runs it."""

from footnoted.cli import main

main()
