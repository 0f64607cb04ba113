"""``corridors validate``: the model against observed trips, with the error of each."""

from __future__ import annotations

from pathlib import Path

import click

from corridors.cli.common import handle_errors, load_network, logger, network_opt
from corridors.cli.output import emit, meta, table_opts

__all__ = ["COMMANDS", "validate"]


@click.command()
@network_opt
@click.option(
    "--observed",
    "observed_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Observed trips CSV (default: data/gtr/observed.csv).",
)
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw model against observed times to this PNG/SVG/PDF.",
)
@click.option("--all-columns", is_flag=True, help="Show every column (route, notes, factors).")
@table_opts
@handle_errors
def validate(
    network_path: Path | None,
    observed_path: Path | None,
    plot_path: Path | None,
    all_columns: bool,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Route every observed trip and print model against observed, with the error.

    Errors are model / observed - 1 (0.10 = the model is 10 % high); distances in
    km, times in hours, costs in USD per TEU. Port-to-port trips (scope) are compared
    with the model's sailing from quay to quay, the others door to door. A last line
    sums up the fit.
    """
    from corridors.observed import FIT_COLUMNS, compare_observed, fit_summary

    net = load_network(network_path)
    table = compare_observed(net, observed_path)
    shown = (
        table if all_columns else table[[*FIT_COLUMNS, "worst_factor"]]
    )  # --all-columns: every one
    digits = {c: 2 if c.startswith(("err_", "worst")) else 1 for c in shown.columns}
    record = meta(net, "validate", observed=str(observed_path) if observed_path else None)
    emit(shown.round(digits), as_json, as_csv, output, record)
    if plot_path is not None:
        from corridors import maps

        maps.save(maps.plot_observed(table, quantity="time"), plot_path)
        logger.info("wrote %s", plot_path)
    if not (as_json or as_csv):
        s = fit_summary(table)
        click.echo(
            f"\n{s['trips']} trips: distance median |error| {s['median_abs_err_distance']:.1%} "
            f"({s['n_distance']} observed, {s['within_10pct_distance']:.0%} within 10 %); "
            f"time median |error| {s['median_abs_err_time']:.1%} ({s['n_time']} observed); "
            f"worse than a factor of 2: {', '.join(s['beyond_factor_2']) or 'none'}"
            + (f"; unexplained: {', '.join(s['unexplained'])}" if s["unexplained"] else "")
        )


COMMANDS = [validate]
