"""Run the ``corridors`` command with ``python -m corridors.cli``."""

from corridors.cli import main

main(prog_name="corridors")
