"""Run the ``corridors`` command with ``python -m corridors.cli``."""

import sys

try:
    from corridors.cli import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load
    sys.stderr.write("Error: interrupted (Ctrl-C); existing outputs were left as they were\n")
    sys.exit(130)

main(prog_name="corridors")
