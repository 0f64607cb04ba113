"""The ``corridors`` command: parse, call one public function, print or write.

The command line lives in this package, one module per command group:

- :mod:`~corridors.cli.common`: options and helpers every command shares
  (``--network``, ``--json``/``--csv``, ``-o``, ``--by``, place specs, errors);
- :mod:`~corridors.cli.network`: ``info``, ``places``, ``links``;
- :mod:`~corridors.cli.routing`: ``route``, ``od``, ``reach``, ``hinterland``, ``access``;
- :mod:`~corridors.cli.resilience`: ``criticality``, ``close``, ``close-region``,
  ``closure-matrix``, ``failures``;
- :mod:`~corridors.cli.scenario`: ``scenario run | compare | check``;
- :mod:`~corridors.cli.assignment`: ``assign`` (equilibrium with capacities and queues);
- :mod:`~corridors.cli.report`: ``report``;
- :mod:`~corridors.cli.validate`: ``validate`` (the model against observed trips);
- :mod:`~corridors.cli.osm`: ``import-osm``.

:func:`main` is the group (the ``corridors`` entry point; ``python -m corridors.cli``
runs it too). A :class:`~corridors._errors.CorridorsError` becomes one line on
stderr and exit code 1; ``-vv`` shows the traceback.
"""

from __future__ import annotations

import logging
import sys

import click

from corridors.cli.common import logger

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv: debug).")
@click.option("-q", "--quiet", count=True, help="Fewer messages; no progress bars.")
@click.version_option(package_name="corridors")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: int) -> None:
    """Multimodal transport corridors of the Greater Tumen Region.

    Routes, hinterlands, resilience and maps on a network of parks, ports,
    border crossings and rail / road / sea / air links.
    """
    level = max(logging.DEBUG, logging.WARNING - 10 * verbose + 10 * quiet)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    logger.setLevel(level)
    ctx.obj = {"quiet": quiet > 0, "verbose": verbose}


def _register() -> None:
    """Add the commands defined in the command-group modules."""
    from corridors.cli import (
        assignment,
        network,
        osm,
        report,
        resilience,
        routing,
        scenario,
        validate,
    )

    for module in (network, routing, resilience, scenario, assignment, report, validate, osm):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
