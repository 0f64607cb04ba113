"""``corridors criticality``, ``redundancy``, ``close``, ``closure-matrix``, ``failures``."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from corridors.cli.common import (
    KM,
    assignment_opt,
    by_opt,
    confirm_size,
    format_opt,
    handle_errors,
    load_network,
    logger,
    map_opt,
    map_path_check,
    modes_opt,
    network_opt,
    output_opt,
    parallel_opts,
    parse_fractions,
    parse_point,
    split_list,
    yes_opt,
)
from corridors.cli.output import dumps, emit, meta
from corridors.cli.restrict import routing_view, suspended_opt

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
    record = meta(net, "criticality", elements=elements, top=top, weight=weight.lower(),
                  od=str(od_path) if od_path else None)  # fmt: skip
    emit(shown.round(2), as_json, as_csv, output, record)


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

    net = load_network(network_path)
    frame = alternatives(net, weight=weight.lower(), paths=paths)
    if top is not None:
        frame = frame.sort_values(
            ["has_alternative", "difference"], ascending=[True, False], kind="stable"
        ).head(top)
    record = meta(net, "redundancy", weight=weight.lower(), paths=paths, top=top)
    emit(frame.round(4), as_json, as_csv, output, record)


@click.command()
@network_opt
@click.argument("pairs", nargs=-1, required=True)
@click.option("--modes", help="Close only these modes at the crossings (e.g. rail).")
@click.option(
    "--route-modes", help="Modes the re-routed pairs may use, comma-separated (default all)."
)
@suspended_opt
@by_opt("generalized")
@od_opt
@assignment_opt
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the per-pair table as CSV.")
@output_opt
@handle_errors
def close(
    network_path: Path | None,
    pairs: tuple[str, ...],
    modes: str | None,
    route_modes: str | None,
    include_suspended: bool,
    weight: str,
    od_path: Path | None,
    assignment: str,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Close every crossing between the country PAIRS (e.g. CN-RU CN-MN); show the impact.

    -o writes the per-pair table (before, after, change, crossings and corridors used).
    """
    from corridors.resilience import close_borders

    net = load_network(network_path)
    closed = net
    for pair in pairs:
        closed = close_borders(closed, pair, modes=modes.split(",") if modes else None)
    allowed = split_list(route_modes)
    result = _impact(
        net,
        closed,
        allowed,
        include_suspended,
        od=_read_od(od_path),
        weight=weight.lower(),
        assignment=assignment,
    )
    record = meta(net, "close", pairs=list(pairs), closed_modes=modes, route_modes=allowed,
                  include_suspended=include_suspended, weight=weight.lower(),
                  od=str(od_path) if od_path else None, assignment=assignment)  # fmt: skip
    if _pairs(result, as_csv, output, record):
        return
    summary = dict(result.summary)
    if as_json:
        summary["isolated_islands"] = result.islands.reset_index().to_dict(orient="records")
        click.echo(dumps(summary))
        return
    cut = summary.pop("places_cut_off")
    for key, value in summary.items():
        click.echo(f"{key:<24} {value:,.1f}" if isinstance(value, float) else f"{key:<24} {value}")
    click.echo(f"{'places_cut_off':<24} {', '.join(cut) or 'none'}")
    click.echo(f"(delays in {summary['unit']}; modes {summary['modes']})")
    if len(result.islands):
        click.echo("\nIsolated islands (parks with no surface route to any sea port):")
        for park, row in result.islands.iterrows():
            click.echo(f"  {row['name']} ({park}, {row['country']}): {row['cut_off_by']}")
    click.echo("\nTraffic shifted (volume of OD demand through crossings and ports):")
    click.echo(result.shifted.round(1).to_string())


def _impact(
    net: Any, changed: Any, modes: list[str] | None, include_suspended: bool, **options: Any
) -> Any:
    """Return :func:`corridors.resilience.impact` of `changed` on `net`, both seen alike.

    `modes` and `include_suspended` restrict both networks the same way
    (:func:`~corridors.cli.restrict.routing_view`); `options` go to ``impact``.
    """
    from corridors.resilience import impact

    return impact(
        routing_view(net, modes, include_suspended),
        routing_view(changed, modes, include_suspended),
        **options,
    )


def _pairs(result: Any, as_csv: bool, output: Path | None, record: dict[str, Any]) -> bool:
    """Write (``-o``) and print (``--csv``) an impact's per-pair table.

    Returns
    -------
    bool
        True when ``--csv`` printed the table, so nothing else is printed.
    """
    if output is not None or as_csv:
        emit(result.pairs.set_index(["orig", "dest"]), False, as_csv, output, record)
    return as_csv


@click.command("close-region")
@network_opt
@click.option("--point", help="Centre of a circular failure: LON,LAT in degrees.")
@click.option("--radius-km", type=KM, help="Radius of the circular failure (km).")
@click.option(
    "--polygon",
    "polygon_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="GeoJSON / GeoPackage whose shapes fail together (e.g. a flooded area).",
)
@by_opt("generalized")
@modes_opt
@suspended_opt
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the per-pair table as CSV.")
@output_opt
@handle_errors
def close_region(
    network_path: Path | None,
    point: str | None,
    radius_km: float | None,
    polygon_path: Path | None,
    weight: str,
    modes: str | None,
    include_suspended: bool,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Close every place and link in a region (a storm, a flood); show the impact.

    -o writes the per-pair table (before, after, change, crossings and corridors used).
    """
    from corridors.resilience import close_region as close

    centre = parse_point(point) if point else None
    net = load_network(network_path)
    failed = close(
        net, point=centre, radius_km=radius_km, polygon=str(polygon_path) if polygon_path else None
    )
    allowed = split_list(modes)
    result = _impact(net, failed, allowed, include_suspended, weight=weight.lower())
    record = meta(net, "close-region", point=centre, radius_km=radius_km,
                  polygon=str(polygon_path) if polygon_path else None, weight=weight.lower(),
                  modes=allowed, include_suspended=include_suspended)  # fmt: skip
    if _pairs(result, as_csv, output, record):
        return
    closed = sorted(p for p, d in failed.graph.nodes(data=True) if d["closed"])
    summary = {**result.summary, "places_closed": closed}
    if as_json:
        click.echo(dumps(summary))
        return
    for key, value in summary.items():
        shown = ", ".join(value) or "none" if isinstance(value, list) else value
        click.echo(f"{key:<24} {shown:,.1f}" if isinstance(shown, float) else f"{key:<24} {shown}")


@click.command("closure-matrix")
@network_opt
@by_opt("generalized")
@assignment_opt
@format_opt
@output_opt
@handle_errors
def closure_matrix(
    network_path: Path | None,
    weight: str,
    assignment: str,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Close each country pair's crossings in turn and tabulate the impact."""
    from corridors.resilience import closure_matrix as tabulate

    net = load_network(network_path)
    record = meta(net, "closure-matrix", weight=weight.lower(), assignment=assignment)
    table = tabulate(net, weight=weight.lower(), assignment=assignment)
    emit(table.round(2), as_json, as_csv, output, record)


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
    type=KM,
    help="Correlated failures instead: each run closes everything within this radius (km) "
    "of a random place.",
)
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=map_path_check,
    help="Also draw the degradation curves (PNG, SVG or PDF).",
)
@assignment_opt
@parallel_opts
@yes_opt
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
    assignment: str,
    workers: int,
    scheduler: str | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
    yes: bool,
) -> None:
    """Simulate random or targeted failures; print means, confidence intervals and bands.

    Per share removed: the mean over runs with its 95 % confidence interval
    (``_ci_low``/``_ci_high``) and percentile bands of each measure; pairs cut off
    are counted in ``pairs_cut_off``. -o also writes every run to ``<stem>_runs.csv``.
    With --region-km, each run instead closes everything near a random place and the
    table has one row per run.
    """
    from corridors.parallel import executor_from_options
    from corridors.resilience import simulate_failures, summarize_failures

    shares = parse_fractions(fractions)
    if region_km is None:
        confirm_size(runs * len(shares), f"--runs {runs} x {len(shares)} fractions", yes)
    else:
        confirm_size(runs, f"--runs {runs}", yes)
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
                assignment=assignment,
            )
        record = meta(
            net, "failures", seed=seed, runs=runs, region_km=region_km, weight="generalized"
        )
        emit(runs_table.set_index("run").round(4), as_json, as_csv, output, record)
        return
    with (
        executor_from_options(workers, scheduler) as executor,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always", UserWarning)
        curves = simulate_failures(
            net,
            runs=runs,
            strategy=strategy,
            elements=elements,
            fractions=shares,
            seed=seed,
            executor=executor,
            progress=_progress(ctx),
            assignment=assignment,
        )
    if plot_path is not None:
        from corridors import maps

        maps.save(maps.plot_failure_curves(curves), plot_path)
    notes = [str(w.message) for w in caught]
    for note in notes:
        logger.warning("%s", note)
    record = meta(net, "failures", seed=seed, runs=runs, strategy=strategy, elements=elements,
                  fractions=shares, weight="generalized", warnings=notes)  # fmt: skip
    if output is not None:
        from corridors.provenance import write_csv

        runs_path = output.with_name(f"{output.stem}_runs.csv")
        write_csv(curves.round(6), runs_path, record, index=False)
    emit(summarize_failures(curves).round(4), as_json, as_csv, output, record)


COMMANDS = [criticality, redundancy, close, close_region, closure_matrix, failures]
