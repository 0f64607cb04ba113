"""``corridors route``, ``od``, ``reach``, ``hinterland`` and ``access`` commands."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from corridors.cli.common import (
    HOURS,
    USD,
    by_opt,
    format_opt,
    handle_errors,
    load_network,
    map_opt,
    modes_opt,
    network_opt,
    output_opt,
    place_spec,
    planned_opt,
    port_spec,
    season_opt,
    split_list,
)
from corridors.cli.output import dumps, emit, meta, table_opts
from corridors.cli.restrict import suspended_opt
from corridors.engine import WEIGHTS

__all__ = ["COMMANDS"]

LEG_SHOWN = ["kind", "from", "to", "mode", "distance_km", "time_h", "cost_usd_teu", "dwell_h"]


@click.command()
@network_opt
@click.argument("orig")
@click.argument("dest")
@by_opt("time")
@modes_opt
@click.option("--avoid", help="Places not to pass through, comma-separated.")
@planned_opt
@season_opt
@click.option(
    "--alternatives",
    "k",
    type=click.IntRange(1, 10),
    default=1,
    help="Show this many distinct routes.",
)
@suspended_opt
@table_opts
@handle_errors
def route(
    network_path: Path | None,
    orig: str,
    dest: str,
    weight: str,
    modes: str | None,
    avoid: str | None,
    include_planned: bool,
    season: str | None,
    k: int,
    include_suspended: bool,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Print the best route from ORIG to DEST, leg by leg, with its totals.

    --csv prints (and -o writes) the legs of every route, numbered by ``route``;
    --json prints each route's totals with its legs.
    """
    from corridors.routing import alternatives

    net = load_network(network_path)
    options = {
        "weight": weight.lower(),
        "modes": split_list(modes),
        "avoid": split_list(avoid),
        "include_planned": include_planned,
        "include_suspended": include_suspended,
        "season": season,
    }
    routes = alternatives(net, orig, dest, k=k, **options)
    if output is not None or as_csv:
        legs = pd.concat(
            [
                r.legs.reset_index(drop=True).assign(route=n, leg=range(1, len(r.legs) + 1))
                for n, r in enumerate(routes, start=1)
            ],
            ignore_index=True,
        ).set_index(["route", "leg"])
        record = meta(net, "route", orig=orig, dest=dest, alternatives=k, **options)
        emit(legs, False, as_csv, output, record)
        if as_csv:
            return
    if as_json:
        payload = [{**r.summary(), "legs": r.legs.to_dict(orient="records")} for r in routes]
        click.echo(dumps(payload))
        return
    names = net.places["name"]
    for number, found in enumerate(routes, start=1):
        title = f"Route {number}" if len(routes) > 1 else "Route"
        click.echo(
            f"{title}: {names[found.orig]} → {names[found.dest]} (best by {weight}; "
            f"{found.cargo} by {', '.join(found.modes)})"
        )
        legs = found.legs[LEG_SHOWN].copy()
        legs["from"] = legs["from"].map(names)
        legs["to"] = legs["to"].map(names)
        with pd.option_context("display.width", 200):
            click.echo(
                legs.round(
                    {"distance_km": 1, "time_h": 1, "cost_usd_teu": 0, "dwell_h": 1}
                ).to_string(index=False)
            )
        click.echo(
            f"Total: {found.time_h:.1f} h, {found.distance_km:,.0f} km, "
            f"{found.cost_usd_teu:,.0f} USD/TEU (generalized {found.generalized_usd_teu:,.0f}); "
            f"crossings: {', '.join(names[c] for c in found.crossings) or 'none'}\n"
        )


@click.command()
@network_opt
@click.option(
    "--from",
    "origins",
    default="park",
    show_default=True,
    help="Origins: a kind of place (park, port, ...) or comma-separated places.",
)
@click.option(
    "--to",
    "destinations",
    default="port",
    show_default=True,
    help="Destinations: a kind of place or comma-separated places (port: sea ports with ships).",
)
@by_opt("time")
@modes_opt
@planned_opt
@suspended_opt
@season_opt
@format_opt
@output_opt
@handle_errors
def od(
    network_path: Path | None,
    origins: str,
    destinations: str,
    weight: str,
    modes: str | None,
    include_planned: bool,
    include_suspended: bool,
    season: str | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Print the origin-destination matrix of the best weight (NaN: unreachable)."""
    from corridors.routing import od_matrix

    net = load_network(network_path)
    frame = od_matrix(
        net,
        place_spec(origins),
        port_spec(net, destinations, include_planned=include_planned, season=season),
        weight=weight.lower(),
        modes=split_list(modes),
        include_planned=include_planned,
        include_suspended=include_suspended,
        season=season,
    )
    record = meta(net, "od", origins=origins, destinations=destinations, weight=weight.lower(),
                  modes=split_list(modes), include_planned=include_planned,
                  include_suspended=include_suspended, season=season)  # fmt: skip
    if not (as_json or as_csv or output):
        unit = WEIGHTS[weight.lower()]
        click.echo(f"Best {weight.lower()} ({unit}); modes {frame.attrs['modes']}")
    emit(frame.round(2), as_json, as_csv, output, record)


@click.command()
@network_opt
@click.argument("places")
@click.option("--hours", type=HOURS, help="Time budget in hours.")
@click.option("--cost", type=USD, help="Cost budget in USD per TEU.")
@by_opt("time")
@click.option(
    "--direction",
    type=click.Choice(["from", "to"]),
    default="from",
    show_default=True,
    help="'to': places that reach PLACES instead.",
)
@modes_opt
@planned_opt
@suspended_opt
@season_opt
@map_opt
@format_opt
@output_opt
@handle_errors
def reach(
    network_path: Path | None,
    places: str,
    hours: float | None,
    cost: float | None,
    weight: str,
    direction: str,
    modes: str | None,
    include_planned: bool,
    include_suspended: bool,
    season: str | None,
    map_path: Path | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """List the places PLACES (comma-separated) reach within a time or cost budget.

    With --map, draws isochrones from PLACES: bands of a third, two thirds and all of
    --hours (default 12, 24, 48 and 72 h).
    """
    from corridors.reach import reach as reach_places

    net = load_network(network_path)
    origins = split_list(places) or []
    frame = reach_places(
        net,
        origins,
        max_hours=hours,
        max_cost=cost,
        weight=weight.lower(),
        direction=direction,
        modes=split_list(modes),
        include_planned=include_planned,
        include_suspended=include_suspended,
        season=season,
    )
    if map_path is not None:
        from corridors import maps
        from corridors.reach import isochrones

        bands = (hours / 3, 2 * hours / 3, hours) if hours else (12, 24, 48, 72)
        iso = isochrones(net, origins, bands=bands, modes=split_list(modes),
                         include_planned=include_planned)  # fmt: skip
        maps.save(maps.plot_isochrones(net, iso, origin=origins), map_path)
    shown = frame.drop(columns="geometry").round(
        {"time_h": 1, "distance_km": 0, "cost_usd_teu": 0, "generalized_usd_teu": 0}
    )
    record = meta(net, "reach", places=origins, hours=hours, cost=cost, weight=weight.lower(),
                  direction=direction, modes=split_list(modes),
                  include_planned=include_planned,
                  include_suspended=include_suspended)  # fmt: skip
    emit(shown, as_json, as_csv, output, record)


@click.command()
@network_opt
@click.option("--ports", help="Candidate ports, comma-separated (default: all sea ports).")
@click.option(
    "--places",
    "places",
    default="park",
    show_default=True,
    help="Places served: a kind or comma-separated places.",
)
@by_opt("generalized")
@click.option("--market", help="Judge ports by the cost to this market beyond the sea leg.")
@planned_opt
@season_opt
@map_opt
@format_opt
@output_opt
@handle_errors
def hinterland(
    network_path: Path | None,
    ports: str | None,
    places: str,
    weight: str,
    market: str | None,
    include_planned: bool,
    season: str | None,
    map_path: Path | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Print each place's best port, runner-up and margin (how contestable it is)."""
    from corridors.reach import hinterlands

    net = load_network(network_path)
    result = hinterlands(
        net,
        split_list(ports),
        place_spec(places),
        weight=weight.lower(),
        market=market,
        include_planned=include_planned,
        season=season,
    )
    if map_path is not None:
        from corridors import maps

        maps.save(maps.plot_hinterlands(net, result), map_path)
    shown = result.places.drop(columns="geometry").round(
        {"best_value": 1, "runner_up_value": 1, "margin": 1, "margin_share": 3}
    )
    record = meta(net, "hinterland", ports=split_list(ports), places=places,
                  weight=weight.lower(), market=market,
                  include_planned=include_planned)  # fmt: skip
    emit(shown, as_json, as_csv, output, record)


@click.command()
@network_opt
@click.option(
    "--from",
    "origins",
    default="park",
    show_default=True,
    help="Origins: a kind of place or comma-separated places.",
)
@click.option(
    "--to",
    "opportunities",
    default="port",
    show_default=True,
    help="Opportunities: a kind of place or comma-separated places (port: sea ports with ships).",
)
@click.option(
    "--kind",
    type=click.Choice(["gravity", "cumulative"]),
    default="gravity",
    show_default=True,
    help="Gravity (exp(-beta c)) or cumulative (c <= threshold).",
)
@click.option(
    "--beta",
    type=float,
    default=0.05,
    show_default=True,
    help="Decay per unit of weight (gravity).",
)
@click.option(
    "--threshold",
    type=float,
    default=48.0,
    show_default=True,
    help="Largest weight counted (cumulative).",
)
@by_opt("time")
@modes_opt
@season_opt
@format_opt
@output_opt
@handle_errors
def access(
    network_path: Path | None,
    origins: str,
    opportunities: str,
    kind: str,
    beta: float,
    threshold: float,
    weight: str,
    modes: str | None,
    season: str | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Print an accessibility index per origin (e.g. each park's access to ports)."""
    from corridors.reach import accessibility

    net = load_network(network_path)
    series = accessibility(
        net,
        place_spec(origins),
        port_spec(net, opportunities, season=season),
        kind=kind,
        weight=weight.lower(),
        beta=beta,
        threshold=threshold,
        modes=split_list(modes),
        season=season,
    )
    record = meta(net, "access", origins=origins, opportunities=opportunities, kind=kind,
                  beta=beta, threshold=threshold, weight=weight.lower(),
                  modes=split_list(modes), season=season)  # fmt: skip
    if not (as_json or as_csv or output):
        click.echo(f"{kind} accessibility by {weight.lower()}; modes {series.attrs['modes']}")
    frame = series.sort_values(ascending=False).round(4).to_frame()
    emit(frame, as_json, as_csv, output, record)


COMMANDS = [route, od, reach, hinterland, access]
