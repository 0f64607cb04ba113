"""``corridors criticality``, ``redundancy``, ``close``, ``closure-matrix``, ``failures``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from corridors.cli.common import (
    by_opt,
    emit,
    format_opt,
    handle_errors,
    load_network,
    map_opt,
    network_opt,
    output_opt,
    parallel_opts,
)

__all__ = ["COMMANDS"]


def od_opt(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--od FILE`` (OD pairs CSV: orig, dest and optionally demand)."""
    return click.option(
        "--od",
        "od_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="OD pairs CSV (orig, dest[, demand]); default parks x ports.",
    )(function)


def _read_od(path: Path | None) -> Any:
    if path is None:
        return None
    import pandas as pd

    return pd.read_csv(path)


def _progress(ctx: click.Context) -> bool | None:
    return False if ctx.obj and ctx.obj.get("quiet") else None


@click.command()
@network_opt
@click.option(
    "--elements",
    type=click.Choice(["links", "crossings", "places"]),
    default="links",
    show_default=True,
    help="What fails.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Show the N most critical.",
)
@od_opt
@by_opt("generalized")
@map_opt
@parallel_opts
@format_opt
@output_opt
@click.pass_context
@handle_errors
def criticality(
    ctx: click.Context,
    network_path: Path | None,
    elements: str,
    top: int,
    od_path: Path | None,
    weight: str,
    map_path: Path | None,
    workers: int,
    scheduler: str | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Rank links, crossings or places by what their failure costs the OD pairs."""
    from corridors.parallel import executor_from_options
    from corridors.resilience import criticality as rank

    net = load_network(network_path)
    with executor_from_options(workers, scheduler) as executor:
        frame = rank(
            net,
            _read_od(od_path),
            weight=weight.lower(),
            elements=elements,
            executor=executor,
            progress=_progress(ctx),
        )
    if map_path is not None:
        from corridors import maps

        maps.save(maps.plot_criticality(net, frame), map_path)
    shown = frame.drop(columns="geometry").head(top)
    emit(shown.round(2), as_json, as_csv, output)


@click.command()
@network_opt
@by_opt("time")
@click.option("--paths", is_flag=True, help="Add each alternative's link ids (alt_path).")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    help="Show only the N links whose alternative adds most (no alternative first).",
)
@format_opt
@output_opt
@handle_errors
def redundancy(
    network_path: Path | None,
    weight: str,
    paths: bool,
    top: int | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Best alternative between each link's ends when the link fails (one row per link)."""
    from corridors.resilience import redundancy as alternatives

    frame = alternatives(load_network(network_path), weight=weight.lower(), paths=paths)
    if top is not None:
        frame = frame.sort_values(
            ["has_alternative", "difference"], ascending=[True, False], kind="stable"
        ).head(top)
    emit(frame.round(4), as_json, as_csv, output)


@click.command()
@network_opt
@click.argument("pairs", nargs=-1, required=True)
@click.option("--modes", help="Close only these modes at the crossings (e.g. rail).")
@by_opt("generalized")
@od_opt
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@output_opt
@handle_errors
def close(
    network_path: Path | None,
    pairs: tuple[str, ...],
    modes: str | None,
    weight: str,
    od_path: Path | None,
    as_json: bool,
    output: Path | None,
) -> None:
    """Close every crossing between the country PAIRS (e.g. CN-RU CN-MN); show the impact."""
    from corridors.resilience import close_borders, impact

    net = load_network(network_path)
    closed = net
    for pair in pairs:
        closed = close_borders(closed, pair, modes=modes.split(",") if modes else None)
    result = impact(net, closed, _read_od(od_path), weight=weight.lower())
    if output is not None:
        emit(result.pairs.set_index(["orig", "dest"]), False, False, output)
    summary = dict(result.summary)
    if as_json:
        click.echo(json.dumps(summary, indent=1, default=str))
        return
    cut = summary.pop("places_cut_off")
    for key, value in summary.items():
        click.echo(f"{key:<24} {value:,.1f}" if isinstance(value, float) else f"{key:<24} {value}")
    click.echo(f"{'places_cut_off':<24} {', '.join(cut) or 'none'}")
    click.echo("\nTraffic shifted (volume of OD demand through crossings and ports):")
    click.echo(result.shifted.round(1).to_string())


@click.command("close-region")
@network_opt
@click.option("--point", help="Centre of a circular failure: LON,LAT in degrees.")
@click.option(
    "--radius-km",
    type=click.FloatRange(min=0, min_open=True),
    help="Radius of the circular failure (km).",
)
@click.option(
    "--polygon",
    "polygon_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="GeoJSON / GeoPackage whose shapes fail together (e.g. a flooded area).",
)
@by_opt("generalized")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@output_opt
@handle_errors
def close_region(
    network_path: Path | None,
    point: str | None,
    radius_km: float | None,
    polygon_path: Path | None,
    weight: str,
    as_json: bool,
    output: Path | None,
) -> None:
    """Close every place and link in a region (a storm, a flood); show the impact."""
    from corridors.resilience import close_region as close
    from corridors.resilience import impact

    centre = None
    if point:
        try:
            lon, lat = (float(x) for x in point.split(","))
        except ValueError:
            raise click.BadParameter(
                f"{point!r}; expected LON,LAT such as 130.36,42.87", param_hint="--point"
            ) from None
        centre = (lon, lat)
    net = load_network(network_path)
    failed = close(
        net, point=centre, radius_km=radius_km, polygon=str(polygon_path) if polygon_path else None
    )
    result = impact(net, failed, weight=weight.lower())
    if output is not None:
        emit(result.pairs.set_index(["orig", "dest"]), False, False, output)
    closed = sorted(p for p, d in failed.graph.nodes(data=True) if d["closed"])
    summary = {**result.summary, "places_closed": closed}
    if as_json:
        click.echo(json.dumps(summary, indent=1, default=str))
        return
    for key, value in summary.items():
        shown = ", ".join(value) or "none" if isinstance(value, list) else value
        click.echo(f"{key:<24} {shown:,.1f}" if isinstance(shown, float) else f"{key:<24} {shown}")


@click.command("closure-matrix")
@network_opt
@by_opt("generalized")
@format_opt
@output_opt
@handle_errors
def closure_matrix(
    network_path: Path | None, weight: str, as_json: bool, as_csv: bool, output: Path | None
) -> None:
    """Close each country pair's crossings in turn and tabulate the impact."""
    from corridors.resilience import closure_matrix as tabulate

    emit(
        tabulate(load_network(network_path), weight=weight.lower()).round(2),
        as_json,
        as_csv,
        output,
    )


@click.command()
@network_opt
@click.option("--runs", type=click.IntRange(min=1), default=100, show_default=True)
@click.option(
    "--strategy",
    type=click.Choice(["random", "degree", "betweenness", "criticality"]),
    default="random",
    show_default=True,
)
@click.option(
    "--elements",
    type=click.Choice(["links", "crossings", "places"]),
    default="links",
    show_default=True,
)
@click.option(
    "--fractions",
    default="0.01,0.02,0.05,0.1,0.2",
    show_default=True,
    help="Shares of elements removed, comma-separated.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--region-km",
    type=click.FloatRange(min=0, min_open=True),
    help="Correlated failures instead: each run closes everything within this radius (km) "
    "of a random place.",
)
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the degradation curves (PNG, SVG or PDF).",
)
@parallel_opts
@format_opt
@output_opt
@click.pass_context
@handle_errors
def failures(
    ctx: click.Context,
    network_path: Path | None,
    runs: int,
    strategy: str,
    elements: str,
    fractions: str,
    seed: int,
    region_km: float | None,
    plot_path: Path | None,
    workers: int,
    scheduler: str | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Simulate random or targeted failures; print percentile bands per share removed.

    With --region-km, each run instead closes everything near a random place and the
    table has one row per run.
    """
    from corridors.parallel import executor_from_options
    from corridors.resilience import simulate_failures, summarize_failures

    try:
        shares = [float(f) for f in fractions.split(",") if f.strip()]
    except ValueError:
        raise click.BadParameter(
            f"{fractions!r}; expected numbers like 0.05,0.1", param_hint="--fractions"
        ) from None
    net = load_network(network_path)
    if region_km is not None:
        from corridors.resilience import simulate_region_failures

        with executor_from_options(workers, scheduler) as executor:
            runs_table = simulate_region_failures(
                net,
                runs=runs,
                radius_km=region_km,
                seed=seed,
                executor=executor,
                progress=_progress(ctx),
            )
        emit(runs_table.set_index("run").round(4), as_json, as_csv, output)
        return
    with executor_from_options(workers, scheduler) as executor:
        curves = simulate_failures(
            net,
            runs=runs,
            strategy=strategy,
            elements=elements,
            fractions=shares,
            seed=seed,
            executor=executor,
            progress=_progress(ctx),
        )
    if plot_path is not None:
        from corridors import maps

        maps.save(maps.plot_failure_curves(curves), plot_path)
    emit(summarize_failures(curves).round(4), as_json, as_csv, output)


COMMANDS = [criticality, redundancy, close, close_region, closure_matrix, failures]
