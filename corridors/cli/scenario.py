"""``corridors scenario run | compare | check``: scenario files from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from corridors.cli.common import handle_errors, logger
from corridors.engine import WEIGHTS

__all__ = ["COMMANDS", "scenario"]

_by_opt = click.option(
    "--by",
    "weight",
    type=click.Choice(list(WEIGHTS), case_sensitive=False),
    default="generalized",
    show_default=True,
    help="What routes minimize: time (h), distance (km), cost or generalized (USD/TEU).",
)
_no_critical_opt = click.option(
    "--no-criticality",
    "skip_critical",
    is_flag=True,
    help="Skip the comparison of critical links and crossings (faster).",
)
_file_arg = click.Path(exists=True, dir_okay=False, path_type=Path)


def _write_tables(tables: dict, out: Path) -> None:
    """Write each table to ``out/<name>.csv`` (a stage folder, switched in as a whole)."""
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=frame.index.name is not None)
        logger.info("wrote %s.csv", name)


@click.group()
def scenario() -> None:
    """Apply scenario files (TOML) to a network and compare the results."""


@scenario.command()
@click.argument("file", type=_file_arg)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the comparison tables (CSV) into this folder.",
)
@click.option(
    "--map",
    "with_map",
    is_flag=True,
    help="Also draw the changes to OUT/scenario_map.png (needs --out).",
)
@_by_opt
@_no_critical_opt
@handle_errors
def run(file: Path, out: Path | None, with_map: bool, weight: str, skip_critical: bool) -> None:
    """Apply FILE to its base network, compare with the base and print a summary."""
    from corridors import scenario as sc

    if with_map and out is None:
        raise click.BadParameter(
            "--map writes into the --out folder; give --out DIR", param_hint="--map"
        )
    loaded = sc.load(file)
    base = loaded.base_network()
    changed = sc.apply(base, loaded)
    comparison = sc.compare(base, changed, weight=weight.lower(), critical=not skip_critical)
    click.echo(comparison.summary())
    if out is None:
        return
    from corridors.io.folders import replaced_folder

    with replaced_folder(out) as stage:  # the tables (and map) of one run replace the last
        _write_tables(comparison.to_tables(), stage)
        if with_map:
            _write_map(base, changed, comparison, stage / "scenario_map.png", loaded.name)
    click.echo(f"Tables written to {out}")
    if with_map:
        click.echo(f"Map written to {out / 'scenario_map.png'}")


def _write_map(base: Any, changed: Any, comparison: Any, path: Path, title: str) -> None:
    """Draw the scenario's changes with :func:`corridors.maps.plot_scenario` (atomic save)."""
    import matplotlib.pyplot as plt

    from corridors import maps

    ax = maps.plot_scenario(base, changed, comparison, title=title)
    try:
        maps.save(ax, path)
    finally:
        plt.close(ax.figure)


@scenario.command(name="compare")
@click.argument("first", type=_file_arg)
@click.argument("second", type=_file_arg)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the comparison tables (CSV) into this folder.",
)
@_by_opt
@_no_critical_opt
@handle_errors
def compare_cmd(
    first: Path, second: Path, out: Path | None, weight: str, skip_critical: bool
) -> None:
    """Compare scenario SECOND with scenario FIRST (each applied to its own base)."""
    from corridors import scenario as sc

    a, b = sc.load(first), sc.load(second)
    comparison = sc.compare(
        a.network(), b.network(), weight=weight.lower(), critical=not skip_critical
    )
    click.echo(comparison.summary())
    if out is not None:
        _write_tables(comparison.to_tables(), out)
        click.echo(f"Tables written to {out}")


@scenario.command()
@click.argument("file", type=_file_arg)
@handle_errors
def check(file: Path) -> None:
    """Check FILE against its base network without applying it; list its steps."""
    from corridors import scenario as sc

    loaded = sc.load(file)
    click.echo(f"{file}: ok - {loaded.name!r}, base {loaded.base}, {len(loaded.steps)} steps")
    for step in loaded.steps:
        keys = ", ".join(f"{k} = {x!r}" for k, x in step.values.items())
        click.echo(f"  {step.number}. {step.action}: {keys}")


COMMANDS = [scenario]
