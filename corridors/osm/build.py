"""``from_osm``: a corridor network from an OSM extract (the steps are in :mod:`corridors.osm`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd

from corridors._errors import DataError
from corridors.costs import Parameters
from corridors.io import Record
from corridors.network import LAND_MODES, Network
from corridors.osm.countries import Locator, boundary_polygons, country_locator, extract_locator
from corridors.osm.fetch import extract_from_graph, fetch
from corridors.osm.layer import build_layer
from corridors.osm.reader import Extract, read_extract
from corridors.osm.snap import (
    OSM_LICENCE,
    _build,
    _check_clashes,
    _default_params,
    _place_records,
    _snap,
    _unique_names,
    snap_places,
)

__all__ = ["from_osm"]

logger = logging.getLogger(__name__)


def _check_modes(modes: Iterable[str]) -> tuple[str, ...]:
    """Return the land modes asked for, refusing others."""
    modes = tuple(modes)
    bad = [m for m in modes if m not in LAND_MODES]
    if bad or not modes:
        raise DataError(
            f"modes = {','.join(modes)!r}; expected one or more of rail, road "
            "(OpenStreetMap gives land networks only)"
        )
    return modes


def _extract(
    source: str | os.PathLike[str] | tuple[float, float, float, float],
    modes: tuple[str, ...],
    *,
    online: bool,
    timeout_s: float,
) -> tuple[Extract, str]:
    """Read a local extract (streaming), or query Overpass when asked; return it and its label."""
    if isinstance(source, tuple | list):
        query = tuple(float(c) for c in source)
        graph = fetch(query, online=online, timeout_s=timeout_s)
        return extract_from_graph(graph, str(query)), str(query)
    path = Path(source)
    if not path.exists() and online and isinstance(source, str):
        return extract_from_graph(fetch(source, online=True, timeout_s=timeout_s), source), source
    if not path.exists():
        raise DataError(
            f"{path}: file not found; expected a local OSM extract (.osm.pbf, .osm, "
            ".osm.bz2, .osm.gz), or pass online=True to query OpenStreetMap for a bounding "
            "box or place name"
        )
    return read_extract(path, modes), path.name


def _locator(
    ex: Extract,
    countries: str | os.PathLike[str] | gpd.GeoDataFrame | None,
    places: Sequence[Record],
) -> tuple[Locator, str]:
    """Return the country lookup: the extract's boundaries if any, else the user's (say which)."""
    polygons = boundary_polygons(ex.boundaries) if ex.boundaries else None
    if polygons is None:
        return country_locator(countries, places)
    basis = f"admin_level=2 boundary relations in the extract ({', '.join(polygons['country'])})"
    fallback = None
    if countries is not None or any("country" in r.values for r in places):
        fallback, rest = country_locator(countries, places)
        basis += f"; nodes outside them: {rest}"
    return extract_locator(polygons, fallback), basis


def from_osm(
    source: str | os.PathLike[str] | tuple[float, float, float, float],
    *,
    modes: Iterable[str] = ("rail", "road"),
    places: str | os.PathLike[str] | Sequence[Record] | None = None,
    countries: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
    params: Parameters | None = None,
    snap_km: float = 5.0,
    simplify: bool = True,
    online: bool = False,
    timeout_s: float = 10.0,
    name: str | None = None,
) -> Network:
    """Build a corridor network (lengths m, speeds km/h) from OpenStreetMap rail and roads.

    The choices (node kinds, countries, border crossings, gauges, speeds) are listed in
    the package notes of :mod:`corridors.osm`.

    Parameters
    ----------
    source
        A local extract: ``.osm.pbf``, ``.osm``, ``.osm.bz2`` or ``.osm.gz`` (the format
        is read from the file's first bytes); with ``online=True`` also a bounding box
        ``(west, south, east, north)`` or a place name (Overpass, through osmnx).
    modes
        Land modes to import: ``rail``, ``road`` or both.
    places
        The user's places (a table path such as ``data/gtr/places.csv``, or records):
        snapped to the network, and used for nodes' countries when neither the extract
        nor `countries` gives them.
    countries
        Node countries when the extract holds no ``admin_level=2`` boundary relation:
        an ISO code for the whole extract, or a polygon table (GeoDataFrame or file)
        with a ``country`` column.
    params
        Parameters (default: the built-in network's ``data/gtr/params.toml``).
    snap_km
        Largest distance (km) from a place to the node it is joined to, and from an
        inserted border crossing to the user crossing whose attributes it takes.
    simplify
        Merge chains of segments between kept nodes (stations, named nodes, crossings,
        junctions, ends, attribute changes; loops split at their middle).
    online
        Allow downloading (Overpass). Off by default.
    timeout_s
        HTTP timeout (seconds) when online.
    name
        Network name (default: the file name).

    Returns
    -------
    Network
        OSM nodes ``<mode>_<osmid>`` (kinds ``terminal``, ``city``, ``border``), links
        with OSM lengths, tags and freight speeds, the snapped places with their access
        links. ``net.graph.graph`` holds ``snap_report`` (see :func:`snap_places`),
        ``osm_skipped`` (ways left out, by reason), ``osm_clipped`` (ways cut at the
        extract's edge), ``osm_countries`` (what the countries came from) and
        ``osm_gauges`` (rail ways by tagged gauge).

    Raises
    ------
    DataError
        If the file is missing or unreadable, holds no usable way, or countries cannot
        be set.
    OSMFetchError
        If ``online=True`` and the data could not be downloaded.

    Examples
    --------
    >>> from pathlib import Path
    >>> extract = Path(__file__).parents[2] / "tests" / "data" / "osm" / "border.osm"
    >>> net = from_osm(extract, countries="CN", modes=["road"])
    >>> sorted({d["mode"] for _, _, d in net.graph.edges(data=True)})
    ['road']
    """
    modes = _check_modes(modes)
    records = _place_records(places)
    ex, label = _extract(source, modes, online=online, timeout_s=timeout_s)
    locate, basis = _locator(ex, countries, records)
    logger.info("%s: node countries from the %s", label, basis)
    origin = f"{OSM_LICENCE}, {label}"
    place_recs: list[Record] = []
    link_recs: list[Record] = []
    clipped = 0
    gauges: dict[str, int] = {}
    for mode in modes:
        layer = build_layer(
            ex,
            mode,
            locate=locate,
            places=records,
            snap_km=snap_km,
            simplify=simplify,
            source=origin,
        )
        place_recs += layer.places
        link_recs += layer.links
        clipped += layer.clipped_ways
        gauges.update(layer.gauges)
    skipped = ex.skipped
    del ex
    if clipped:
        logger.warning(
            "%s: %d ways cut at the extract's edge (they reference nodes not in the file)",
            label,
            clipped,
        )
    if not link_recs:
        found = ", ".join(f"{why} ({n})" for why, n in list(skipped.items())[:5]) or "none"
        raise DataError(
            f"{label}: no {' or '.join(modes)} ways found (ways left out: {found}); "
            "expected railway=rail or highway=motorway..service ways"
        )
    _check_clashes(records, {r.values["id"] for r in place_recs})
    net = _build(
        _unique_names(place_recs, set()),
        link_recs,
        params or _default_params(),
        name=name or label,
    )
    info = {
        "source": origin,
        "osm_skipped": skipped,
        "osm_clipped": clipped,
        "osm_countries": basis,
        "osm_gauges": gauges,
    }
    net.graph.graph.update(info)
    if records:
        net, _ = snap_places(net, records, snap_km=snap_km)
        net.graph.graph.update(info)
    else:
        net.graph.graph["snap_report"] = _snap({}, [], snap_km, origin)[1]
    return net
