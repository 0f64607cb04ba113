"""The ``corridors report`` command: every analysis on a network, written to a folder."""

from __future__ import annotations

from pathlib import Path

import click

from corridors.cli.common import handle_errors, load_network, logger, network_opt

__all__ = ["COMMANDS", "report"]


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder: maps/, tables/, corridors.gpkg, report.md, report.html.",
)
@network_opt
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    help="Scenario file or name in data/scenarios (repeatable; default: the examples).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@handle_errors
def report(
    ctx: click.Context,
    out_dir: Path,
    network_path: Path | None,
    scenarios: tuple[str, ...],
    quiet: bool,
) -> None:
    """Run every analysis and write maps, tables, a GeoPackage and a report to --out.

    Sections that fail are named in the report and on stderr; the others are
    still written, and the earlier outputs of a failed section are kept. The exit
    code is 1 if any section failed.
    """
    from corridors.report import run_report

    quiet = quiet or bool((ctx.obj or {}).get("quiet"))
    net = load_network(network_path)
    path = run_report(net, out_dir, scenarios=scenarios or None, progress=not quiet)
    failed = [
        line
        for line in path.with_suffix(".md").read_text("utf-8").splitlines()
        if line.startswith("**This section failed:**")
    ]
    logger.info("wrote %s", path)
    if not quiet:
        click.echo(f"report: {path}")
    if failed:
        raise click.ClickException(f"{len(failed)} report section(s) failed; see {path}")


COMMANDS = [report]
