"""Merging a detailed OSM network into a coarse one (e.g. the built-in network)."""

from __future__ import annotations

import shapely

from corridors._errors import DataError
from corridors.io import Record
from corridors.network import Network
from corridors.osm.snap import (
    _build,
    _check_clashes,
    _graph_records,
    _name_keys,
    _osm_source,
    _snap,
    _unique_names,
)

__all__ = ["merge"]


def _region(
    region: tuple[float, float, float, float] | shapely.Geometry | None, detailed: Network
) -> shapely.Geometry:
    """Return the merge region: a bbox or polygon, or the detailed network's convex hull."""
    if region is None:
        points = [(d["x"], d["y"]) for _, d in detailed.graph.nodes(data=True)]
        return shapely.MultiPoint(points).convex_hull
    if isinstance(region, shapely.Geometry):
        return region
    if len(region) != 4:
        raise DataError(f"region = {region!r}; expected (west, south, east, north) in degrees")
    return shapely.box(*region)


def merge(
    base: Network,
    detailed: Network,
    *,
    region: tuple[float, float, float, float] | shapely.Geometry | None = None,
    snap_km: float = 5.0,
) -> Network:
    """Replace the base network's land links inside a region by a detailed OSM network.

    Base links of the detailed network's modes (rail / road) whose two ends lie in
    `region` are dropped; everything else is kept (places, sea and air links, land
    links leaving the region, modes the detailed network lacks). The detailed network's
    OSM nodes and links are added (its own snapped places and access links are not),
    and every base place inside the region is snapped to them (:func:`snap_places`).

    Parameters
    ----------
    base
        The coarse network, e.g. :func:`corridors.load_gtr`.
    detailed
        A network from :func:`from_osm`.
    region
        ``(west, south, east, north)`` in degrees or a shapely polygon (lon/lat);
        default: the convex hull of the detailed network's nodes.
    snap_km
        Largest distance (km) from a base place to the OSM node it is joined to.

    Returns
    -------
    Network
        A new network with the base's parameters and corridors;
        ``G.graph["snap_report"]`` reports the snapping of the base places in the region.

    Raises
    ------
    DataError
        If the result is inconsistent (e.g. a base place id equals an OSM node id).
    """
    area = _region(region, detailed)
    modes = {d["mode"] for _, _, d in detailed.graph.edges(data=True)}
    places, links = _graph_records(base)
    inside = {
        r.values["id"]
        for r in places
        if area.covers(shapely.Point(r.values["lon"], r.values["lat"]))
    }
    kept_links = [
        r
        for r in links
        if not (r.values["mode"] in modes and {r.values["from"], r.values["to"]} <= inside)
    ]
    d_places, d_links = _graph_records(detailed)
    osm_ids = {r.values["id"] for r in d_places if "osm_role" in r.values}
    osm_links = [r for r in d_links if {r.values["from"], r.values["to"]} <= osm_ids]
    _check_clashes(places, osm_ids)
    taken = {key for r in places for key in _name_keys(r.values)}
    osm_places = _unique_names(
        [_strip_suffix(r) for r in d_places if r.values["id"] in osm_ids], taken
    )
    nodes = {n: d for n, d in detailed.graph.nodes(data=True) if n in osm_ids}
    source = _osm_source(nodes)
    inside_places = [r for r in places if r.values["id"] in inside]
    access, report = _snap(nodes, inside_places, snap_km, source, base.params)
    net = _build(
        [*places, *osm_places],
        [*kept_links, *osm_links, *access],
        base,
        name=f"{base.name} + {detailed.name}",
    )
    net.graph.graph.update(
        snap_report=report, merge_region=area.wkt, source=base.graph.graph.get("source", "tables")
    )
    return net


def _strip_suffix(record: Record) -> Record:
    """Undo a `` (OSM node <id>)`` name suffix so that names are re-made against the base."""
    values = dict(record.values)
    suffix = f" (OSM node {values['id']})"
    if values["name"].endswith(suffix):
        values["name"] = values["name"][: -len(suffix)]
    return Record(record.where, values, record.source)
