"""``corridors import-osm`` and ``corridors merge``: OpenStreetMap networks on the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from corridors.cli.common import handle_errors, logger

__all__ = ["COMMANDS", "import_osm", "merge"]


@click.command("import-osm")
@click.argument("source")
@click.option(
    "--modes",
    default="rail,road",
    show_default=True,
    help="Land modes to import, comma-separated (rail, road).",
)
@click.option(
    "--places",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Places table to snap onto the network (e.g. data/gtr/places.csv).",
)
@click.option(
    "--countries",
    default=None,
    help="Node countries: an ISO code (CN) or a polygon file with a 'country' column "
    "(default: the nearest place's country).",
)
@click.option(
    "--snap-km",
    type=click.FloatRange(min=0, min_open=True),
    default=5.0,
    show_default=True,
    help="Largest distance (km) from a place to the node it is joined to.",
)
@click.option("--no-simplify", is_flag=True, help="Keep every OSM node.")
@click.option(
    "--online",
    is_flag=True,
    help="Allow downloading: SOURCE may then be a place name or 'W,S,E,N' (Overpass).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="GeoPackage to write (atomically).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the snapping report to this CSV file.",
)
@handle_errors
def import_osm(
    source: str,
    modes: str,
    places: Path | None,
    countries: str | None,
    snap_km: float,
    no_simplify: bool,
    online: bool,
    output: Path,
    report: Path | None,
) -> None:
    """Import OSM rail/road ways from SOURCE (.osm.pbf, .osm, .osm.bz2, .osm.gz) into a network."""
    from corridors.io import write_geopackage
    from corridors.osm import from_osm

    target: str | tuple[float, float, float, float] = source
    parts = source.split(",")
    if online and len(parts) == 4 and not Path(source).exists():
        try:
            target = tuple(float(p) for p in parts)  # type: ignore[assignment]
        except ValueError:
            target = source
    net = from_osm(
        target,
        modes=[m.strip() for m in modes.split(",") if m.strip()],
        places=places,
        countries=countries,
        snap_km=snap_km,
        simplify=not no_simplify,
        online=online,
    )
    write_geopackage(net, output)
    summary = _snapping(net, report, "no places given")
    click.echo(
        f"wrote {output}: {net.graph.number_of_nodes()} places, {len(net.link_ids())} links; "
        f"snapping (place x mode): {summary}"
    )
    info = net.graph.graph
    click.echo(f"countries from the {info['osm_countries']}")
    if info["osm_gauges"]:
        gauges = ", ".join(f"{g} mm ({n})" for g, n in sorted(info["osm_gauges"].items()))
        click.echo(f"rail ways by gauge tag: {gauges}")
    if info["osm_clipped"]:
        click.echo(f"{info['osm_clipped']} ways cut at the extract's edge")
    if info["osm_skipped"]:
        skipped = ", ".join(f"{why} ({n})" for why, n in list(info["osm_skipped"].items())[:6])
        click.echo(f"ways left out: {skipped}")


@click.command("merge")
@click.argument("base")
@click.argument("detailed", type=click.Path(path_type=Path))
@click.option(
    "--region",
    default=None,
    help="W,S,E,N (degrees) whose base land links are replaced "
    "(default: the convex hull of the detailed network).",
)
@click.option(
    "--snap-km",
    type=click.FloatRange(min=0, min_open=True),
    default=5.0,
    show_default=True,
    help="Largest distance (km) from a base place to the OSM node it is joined to.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="GeoPackage to write (atomically).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the snapping report to this CSV file.",
)
@handle_errors
def merge(
    base: str,
    detailed: Path,
    region: str | None,
    snap_km: float,
    output: Path,
    report: Path | None,
) -> None:
    """Replace BASE's land links inside a region by the OSM network DETAILED.

    BASE is a network folder, .gpkg or .graphml, or 'gtr' for the built-in Greater
    Tumen network; DETAILED a network written by import-osm.
    """
    from corridors._errors import DataError
    from corridors.datasets import load_gtr
    from corridors.io import read_network, write_geopackage
    from corridors.osm import merge as merge_networks

    box = None
    if region is not None:
        try:
            box = tuple(float(p) for p in region.split(","))
        except ValueError:
            box = ()
        if len(box) != 4:
            raise DataError(f"--region {region!r}; expected W,S,E,N in degrees")
    coarse = load_gtr() if base == "gtr" else read_network(base)
    net = merge_networks(coarse, read_network(detailed), region=box, snap_km=snap_km)
    write_geopackage(net, output)
    summary = _snapping(net, report, "no base place inside")
    click.echo(
        f"wrote {output}: {net.graph.number_of_nodes()} places, {len(net.link_ids())} links "
        f"(base {len(coarse.link_ids())}); snapping (place x mode): {summary}"
    )


def _snapping(net: Any, report: Path | None, empty: str) -> str:
    """Write `net`'s snapping report to `report` (CSV, if given); return its one-line count.

    Parameters
    ----------
    net
        A network from :func:`corridors.osm.from_osm` or :func:`corridors.osm.merge`.
    report
        ``--report`` file, or None.
    empty
        What the count says when no place was snapped.
    """
    from corridors.provenance import write_csv

    snaps = net.graph.graph["snap_report"]
    if report is not None:
        write_csv(snaps, report, None, index=False)
        logger.info("wrote %s", report)
    counts = snaps["status"].value_counts().to_dict()
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or empty


COMMANDS = [import_osm, merge]
