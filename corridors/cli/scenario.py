"""``corridors scenario run | compare | check``: scenario files from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from corridors.cli.common import assignment_opt, handle_errors, logger, modes_opt, split_list
from corridors.cli.restrict import routing_view, suspended_opt
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


def _write_tables(tables: dict, out: Path, record: dict[str, Any]) -> None:
    """Write each table to ``out/<name>.csv`` with its provenance sidecar.

    `out` is a stage folder switched in as a whole (:func:`corridors.io.folders.replaced_folder`)
    or a plain folder.
    """
    from corridors.provenance import write_csv

    for name, frame in tables.items():
        write_csv(frame, out / f"{name}.csv", record, index=frame.index.name is not None)
        logger.info("wrote %s.csv", name)


def _compare(
    base: Any,
    changed: Any,
    modes: list[str] | None,
    include_suspended: bool,
    weight: str,
    skip_critical: bool,
    season: str | None,
    assignment: str,
) -> Any:
    """Compare `changed` with `base` under one ``--modes`` / ``--include-suspended`` view.

    The options of ``scenario run`` and ``scenario compare`` go to
    :func:`corridors.scenario.compare` the same way in both.
    """
    from corridors import scenario as sc

    return sc.compare(
        routing_view(base, modes, include_suspended),
        routing_view(changed, modes, include_suspended),
        weight=weight.lower(),
        critical=not skip_critical,
        season=season,
        assignment=assignment,
    )


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
@modes_opt
@suspended_opt
@_no_critical_opt
@assignment_opt
@handle_errors
def run(
    file: Path,
    out: Path | None,
    with_map: bool,
    weight: str,
    modes: str | None,
    include_suspended: bool,
    skip_critical: bool,
    assignment: str,
) -> None:
    """Apply FILE to its base network, compare with the base and print a summary.

    --modes and --include-suspended apply to both networks alike.
    """
    from corridors import scenario as sc
    from corridors.cli.output import meta

    if with_map and out is None:
        raise click.BadParameter(
            "--map writes into the --out folder; give --out DIR", param_hint="--map"
        )
    loaded = sc.load(file)
    base = loaded.base_network()
    changed = sc.apply(base, loaded)
    chosen = split_list(modes)
    comparison = _compare(
        base, changed, chosen, include_suspended, weight, skip_critical, loaded.season, assignment
    )
    click.echo(comparison.summary())
    if out is None:
        return
    record = meta(base, "scenario run", scenario=loaded, weight=weight.lower(), modes=chosen,
                  include_suspended=include_suspended, criticality=not skip_critical,
                  assignment=assignment)  # fmt: skip
    from corridors.io.folders import replaced_folder

    with replaced_folder(out) as stage:  # the tables (and map) of one run replace the last
        _write_tables(comparison.to_tables(), stage, record)
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
@modes_opt
@suspended_opt
@_no_critical_opt
@assignment_opt
@handle_errors
def compare_cmd(
    first: Path,
    second: Path,
    out: Path | None,
    weight: str,
    modes: str | None,
    include_suspended: bool,
    skip_critical: bool,
    assignment: str,
) -> None:
    """Compare scenario SECOND with scenario FIRST (each applied to its own base)."""
    from corridors import scenario as sc
    from corridors.cli.output import meta

    a, b = sc.load(first), sc.load(second)
    chosen = split_list(modes)
    first_net = a.network()
    comparison = _compare(
        first_net,
        b.network(),
        chosen,
        include_suspended,
        weight,
        skip_critical,
        b.season or a.season,
        assignment,
    )
    click.echo(comparison.summary())
    if out is not None:
        record = meta(first_net, "scenario compare", scenario=b, first=a.name, second=b.name,
                      weight=weight.lower(), modes=chosen,
                      include_suspended=include_suspended, assignment=assignment)  # fmt: skip
        _write_tables(comparison.to_tables(), out, record)
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
