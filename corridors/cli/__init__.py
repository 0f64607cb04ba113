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
runs it too). It is the error boundary: every failure becomes one line on stderr
naming the file (line, field) or option and the fix, with a distinct exit code
(:data:`~corridors._errors.EXIT_CODES`, listed in README.md); ``-vv`` shows the
traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from corridors.cli.common import describe, guard, logger

__all__ = ["main"]


class _Boundary(click.Group):
    """The command group behind the error boundary (also for option checks and imports)."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the chosen command; failures become one line and an exit code."""
        return guard(lambda: super(_Boundary, self).invoke(ctx), ctx)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Run the command line; a usage error is one line too (click prints three)."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except getattr(click.exceptions, "NoArgsIsHelpError", ()) as error:
            error.show()  # no command given: the help
            sys.exit(error.exit_code)
        except click.UsageError as error:
            where = f" ({error.ctx.command_path} -h lists the options)" if error.ctx else ""
            message = " ".join(error.format_message().split())
            click.echo(f"Error: {message}{where}", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort as error:
            if isinstance(error.__cause__, KeyboardInterrupt):
                message, code = describe(error.__cause__)
                click.echo(f"Error: {message}", err=True)
                sys.exit(code)
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=_Boundary, context_settings={"help_option_names": ["-h", "--help"]})
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
