"""``corridors info``, ``places`` and ``links``: what a network holds."""

from __future__ import annotations

import json
from pathlib import Path

import click

from corridors.cli.common import (
    check_corridor,
    emit,
    format_opt,
    handle_errors,
    load_network,
    network_opt,
    output_opt,
)
from corridors.costs import MODES, PLACE_KINDS
from corridors.io import STATUSES

__all__ = ["COMMANDS", "info", "links", "places"]


@click.command()
@network_opt
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def info(network_path: Path | None, as_json: bool) -> None:
    """Summarize a network: counts by kind, mode, country and corridor; km by mode."""
    summary = load_network(network_path).summary()
    if as_json:
        click.echo(json.dumps(summary, indent=1, ensure_ascii=False))
        return
    click.echo(f"{summary['name']}: {summary['places']} places, {summary['links']} links")
    sections = [
        ("Places by kind", summary["places_by_kind"], ""),
        ("Places by country", summary["places_by_country"], ""),
        ("Links by mode", summary["links_by_mode"], ""),
        ("Length by mode", summary["km_by_mode"], " km"),
        ("Links by status", summary["links_by_status"], ""),
        ("Links by corridor", summary["links_by_corridor"], ""),
    ]
    for title, counts, unit in sections:
        click.echo(f"\n{title}:")
        width = max((len(str(k)) for k in counts), default=0)
        for key, count in counts.items():
            value = f"{count:,.0f}" if isinstance(count, float) else f"{count}"
            click.echo(f"  {key!s:<{width}}  {value:>9}{unit}")


PLACE_SHOWN = ["name", "kind", "country", "modes", "status", "lon", "lat"]
LINK_SHOWN = ["from", "to", "mode", "length_km", "time_h", "cost_usd_teu", "status", "corridors"]


@click.command()
@network_opt
@click.option(
    "--kind",
    type=click.Choice(PLACE_KINDS, case_sensitive=False),
    help="Only places of this kind.",
)
@click.option("--country", help="Only places in this country (ISO alpha-2, e.g. RU).")
@click.option("--all-columns", is_flag=True, help="Show every column.")
@format_opt
@output_opt
@handle_errors
def places(
    network_path: Path | None,
    kind: str | None,
    country: str | None,
    all_columns: bool,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """List places, optionally of one kind or country."""
    frame = load_network(network_path).places.drop(columns="geometry")
    if kind:
        frame = frame[frame["kind"] == kind.lower()]
    if country:
        frame = frame[frame["country"] == country.upper()]
    emit(frame if all_columns else frame[PLACE_SHOWN], as_json, as_csv, output)


@click.command()
@network_opt
@click.option(
    "--mode", type=click.Choice(MODES, case_sensitive=False), help="Only links of this mode."
)
@click.option("--corridor", help="Only links of this corridor (e.g. Primorye-2).")
@click.option(
    "--status",
    type=click.Choice(STATUSES, case_sensitive=False),
    help="Only links with this status.",
)
@click.option("--all-columns", is_flag=True, help="Show every column.")
@format_opt
@output_opt
@handle_errors
def links(
    network_path: Path | None,
    mode: str | None,
    corridor: str | None,
    status: str | None,
    all_columns: bool,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """List links, optionally of one mode, corridor or status."""
    net = load_network(network_path)
    frame = net.links.drop(columns=["geometry", "via"])
    if mode:
        frame = frame[frame["mode"] == mode.lower()]
    if corridor:
        check_corridor(corridor, frame["corridors"], net.corridors)
        wanted = corridor.casefold()
        frame = frame[
            frame["corridors"]
            .fillna("")
            .map(lambda text: wanted in {c.casefold() for c in text.split(";")})
        ]
    if status:
        frame = frame[frame["status"] == status.lower()]
    shown = frame if all_columns else frame[LINK_SHOWN]
    emit(shown.round({"length_km": 1, "time_h": 2, "cost_usd_teu": 0}), as_json, as_csv, output)


COMMANDS = [info, places, links]
