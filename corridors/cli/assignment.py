"""The ``assign`` command: equilibrium assignment of an OD demand table."""

from __future__ import annotations

from pathlib import Path

import click

from corridors.cli.common import (
    format_opt,
    handle_errors,
    load_network,
    logger,
    map_opt,
    modes_opt,
    network_opt,
    output_opt,
    planned_opt,
    split_list,
)
from corridors.cli.output import emit, meta

__all__ = ["COMMANDS", "assign"]

_TABLES = ("bottlenecks", "links", "places", "od", "gaps")


@click.command()
@network_opt
@click.argument("demand", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--unit",
    type=click.Choice(["TEU/year", "TEU/day"]),
    default="TEU/year",
    show_default=True,
    help="Unit of the demand column.",
)
@click.option(
    "--by",
    "weight",
    type=click.Choice(["generalized", "time"], case_sensitive=False),
    default="generalized",
    show_default=True,
    help="What shipments minimize: generalized cost (USD/TEU) or time (h).",
)
@click.option(
    "--algorithm",
    type=click.Choice(["bfw", "cfw", "fw"]),
    default="bfw",
    show_default=True,
    help="Bi-conjugate, conjugate or plain Frank-Wolfe.",
)
@click.option("--rgap", type=click.FloatRange(min=0), default=1e-4, show_default=True,
              help="Stop at this relative gap.")  # fmt: skip
@click.option("--max-iter", type=click.IntRange(min=1), default=500, show_default=True,
              help="Most iterations (all-or-nothing loadings).")  # fmt: skip
@click.option(
    "--table",
    type=click.Choice(_TABLES),
    default="bottlenecks",
    show_default=True,
    help="Which result to print.",
)
@modes_opt
@planned_opt
@map_opt
@format_opt
@output_opt
@handle_errors
def assign(
    network_path: Path | None,
    demand: Path | None,
    unit: str,
    weight: str,
    algorithm: str,
    rgap: float,
    max_iter: int,
    table: str,
    modes: str | None,
    include_planned: bool,
    map_path: Path | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Assign DEMAND (CSV: orig, dest, demand) at user equilibrium with capacities and queues.

    Without DEMAND, the built-in gravity estimate of park <-> sea-port containers
    (data/gtr/demand.toml, TEU/year) is assigned. Prints the capacitated links,
    crossings and ports by volume/capacity (or --table links, places, od, gaps);
    volumes are TEU/day, delays hours.
    """
    from corridors.assignment import equilibrium, gravity_demand, read_demand

    net = load_network(network_path)
    if demand is None:
        table_in = gravity_demand(net)
        unit = "TEU/year"
        logger.info("no DEMAND given: the built-in gravity estimate (%d OD rows)", len(table_in))
    else:
        table_in = read_demand(demand, net)
    result = equilibrium(
        net,
        table_in,
        unit=unit,
        weight=weight.lower(),
        algorithm=algorithm,
        rgap=rgap,
        max_iter=max_iter,
        modes=split_list(modes),
        include_planned=include_planned,
    )
    state = "converged" if result.converged else "NOT converged"
    click.echo(
        f"equilibrium {state}: relative gap {result.relative_gap:.2e} after "
        f"{result.iterations} iterations ({algorithm})",
        err=True,
    )
    frames = {
        "bottlenecks": result.bottlenecks.set_index("element"),
        "links": result.links.drop(columns="geometry"),
        "places": result.places[
            result.places[["volume_crossing", "volume_transfer"]].sum(axis=1) > 0
        ],
        "od": result.od.set_index(["orig", "dest"]),
        "gaps": result.history.set_index("iteration"),
    }
    record = meta(net, "assign", demand=str(demand) if demand else "built-in gravity estimate",
                  unit=unit, weight=weight.lower(), algorithm=algorithm, rgap=rgap,
                  max_iter=max_iter, modes=split_list(modes), include_planned=include_planned,
                  table=table)  # fmt: skip
    emit(frames[table].round(4), as_json, as_csv, output, record)
    if map_path is not None:
        from corridors.maps import plot_flows, save

        save(plot_flows(net, result, title="Equilibrium flows and bottlenecks"), map_path)
        logger.info("wrote %s", map_path)


COMMANDS = [assign]
