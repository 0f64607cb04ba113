"""What a place reaches (or who reaches it), and isochrone bands around it.

Searches run on the compiled state graph (:mod:`corridors.engine`), so reach
follows the same rules as routes: transfers cost handling time and fees, borders
cost dwell and gauge changes, planned links are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridors._errors import DataError
from corridors.costs import MODES
from corridors.engine import (
    EDGE_CROSSING,
    EDGE_LINK,
    CompiledGraph,
    SearchResult,
    check_weight,
    compile_network,
    search,
)
from corridors.network import LAND_MODES, Network
from corridors.routing import restrictions

__all__ = ["AREA_CRS", "isochrones", "reach"]


#: Projected CRS for buffering (Lambert azimuthal equal-area centred on the region), metres.
AREA_CRS = "+proj=laea +lat_0=43 +lon_0=125 +datum=WGS84 +units=m"


def _check(weight: str, direction: str) -> None:
    check_weight(weight)
    if direction not in ("from", "to"):
        raise DataError(f"direction = {direction!r}; expected 'from' or 'to'")


def _search_from(
    net: Network,
    origin: str | Iterable[str],
    *,
    weight: str,
    direction: str,
    limit: float,
    modes: Iterable[str] | None,
    include_planned: bool,
    include_suspended: bool,
) -> tuple[CompiledGraph, SearchResult, np.ndarray]:
    """Search from (or to) the origin places together; return the graph, result and edge mask."""
    origins = net.select(origin)
    limits = restrictions(
        net, modes=modes, include_planned=include_planned, include_suspended=include_suspended
    )
    graph = compile_network(net)
    index = graph.place_index
    mask = graph.edge_mask(limits)
    result = search(
        graph,
        [[index[o] for o in origins]],
        weight=weight,
        mask=mask,
        limit=limit,
        reverse=direction == "to",
    )
    return graph, result, mask


def reach(
    net: Network,
    origin: str | Iterable[str],
    *,
    max_hours: float | None = None,
    max_cost: float | None = None,
    weight: str = "time",
    direction: Literal["from", "to"] = "from",
    modes: Iterable[str] | None = None,
    include_planned: bool = False,
    include_suspended: bool = False,
) -> gpd.GeoDataFrame:
    """Return the places reached from (or reaching) `origin` within a time or cost budget.

    Parameters
    ----------
    net
        The network.
    origin
        A place, several places searched together (e.g. a port cluster), or a kind.
    max_hours
        Keep places whose best route takes at most this many hours.
    max_cost
        Keep places whose best route costs at most this many USD per TEU.
    weight
        What the best route minimizes: ``time``, ``distance``, ``cost`` or ``generalized``.
    direction
        ``"from"``: places the origin reaches; ``"to"``: places that reach the origin.
    modes, include_planned, include_suspended
        As for :func:`corridors.route`.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by place id, sorted by the weight, with columns ``name``, ``kind``,
        ``country``, ``origin`` (the origin place the route starts or ends at),
        ``time_h``, ``distance_km``, ``cost_usd_teu``, ``generalized_usd_teu``,
        ``mode`` (mode of arrival, or of departure for ``direction="to"``),
        ``crossings`` (``;``-joined border crossings passed) and point geometry.
        The origin places themselves are included at zero.

    Examples
    --------
    >>> import corridors
    >>> net = corridors.load_gtr()
    >>> r = corridors.reach(net, "Zarubino", max_hours=36, modes=["rail", "road"])
    >>> "hunchun" in r.index
    True
    """
    _check(weight, direction)
    limit = np.inf
    if weight == "time" and max_hours is not None:
        limit = max_hours
    if weight == "cost" and max_cost is not None:
        limit = max_cost
    graph, result, _ = _search_from(
        net,
        origin,
        weight=weight,
        direction=direction,
        limit=limit,
        modes=modes,
        include_planned=include_planned,
        include_suspended=include_suspended,
    )
    frame = _reached_places(net, graph, result)
    if max_hours is not None:
        frame = frame[frame["time_h"] <= max_hours + 1e-9]
    if max_cost is not None:
        frame = frame[frame["cost_usd_teu"] <= max_cost + 1e-9]
    return frame


def _reached_places(net: Network, graph: CompiledGraph, result: SearchResult) -> gpd.GeoDataFrame:
    """Per place, the totals of its best state's path (one origin row)."""
    dist = result.dist[0]
    time_h, root = result.path_sums(0, graph.time_h)
    distance_km, _ = result.path_sums(0, graph.distance_km)
    cost, _ = result.path_sums(0, graph.cost_usd)
    crossings = _crossings_per_state(graph, result)
    rows = []
    for place in range(graph.n_places):
        state = result.best_state(0, place)
        if state < 0:
            continue
        rows.append({
            "id": graph.place_ids[place],
            "origin": graph.place_ids[graph.state_place[root[state]]],
            "weight_value": float(dist[state]),
            "time_h": float(time_h[state]),
            "distance_km": float(distance_km[state]),
            "cost_usd_teu": float(cost[state]),
            "mode": MODES[graph.state_mode[state]],
            "crossings": ";".join(crossings[state]),
        })  # fmt: skip
    frame = pd.DataFrame(rows).set_index("id").sort_values("weight_value", kind="stable")
    frame["generalized_usd_teu"] = frame["cost_usd_teu"] + graph.value_of_time * frame["time_h"]
    places = net.places.loc[frame.index, ["name", "kind", "country", "geometry"]]
    columns = [
        "name",
        "kind",
        "country",
        "origin",
        "time_h",
        "distance_km",
        "cost_usd_teu",
        "generalized_usd_teu",
        "mode",
        "crossings",
    ]
    out = places.join(frame)[[*columns, "geometry"]]
    return gpd.GeoDataFrame(out, geometry="geometry", crs=net.crs)


def _crossings_per_state(graph: CompiledGraph, result: SearchResult) -> list[tuple[str, ...]]:
    """Border crossings on each state's best path, in travel order (tree walk in dist order)."""
    pred, dist = result.pred[0], result.dist[0]
    edges = result.entry_edges(0)
    reached = np.flatnonzero(np.isfinite(dist))
    depth, _ = result.path_sums(0, np.ones(len(graph.edge_src)))  # parents come first
    crossings: list[tuple[str, ...]] = [()] * len(pred)
    for state in reached[np.argsort(depth[reached], kind="stable")]:
        parent, edge = pred[state], edges[state]
        if parent < 0:
            continue
        before = crossings[parent]
        if graph.edge_kind[edge] == EDGE_CROSSING:
            name = graph.place_ids[graph.state_place[state]]
            before = (name, *before) if result.reverse else (*before, name)
        crossings[state] = before
    return crossings


def isochrones(
    net: Network,
    origin: str | Iterable[str],
    *,
    bands: Iterable[float] = (12, 24, 48, 72),
    weight: str = "time",
    buffer_km: float = 15.0,
    modes: Iterable[str] | None = None,
    include_planned: bool = False,
    clip_to_land: bool = True,
) -> gpd.GeoDataFrame:
    """Return isochrone polygons: the area reachable within each band of the weight.

    Each polygon is the union of the reached places and the reached parts of link
    geometry (a link reached part-way is cut at the exact fraction reachable in
    the band), buffered by `buffer_km`. Land-mode parts are clipped to land (GSHHG
    coastline); sea and air parts are not. Disks of `buffer_km` around places *not*
    reached within the band are cut out, so the polygon contains exactly the places
    reached.

    Parameters
    ----------
    net
        The network.
    origin
        A place or several places (searched together).
    bands
        Upper bounds of the bands, in the weight's unit (hours for ``time``).
    weight
        ``time``, ``distance``, ``cost`` or ``generalized``.
    buffer_km
        Half-width of the reached corridors, in km.
    modes, include_planned
        As for :func:`corridors.route`.
    clip_to_land
        Clip land-mode corridors to land.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per band, largest first (draw in that order), with columns ``band``
        (upper bound), ``places`` (number of places reached) and polygon geometry
        (EPSG:4326). Bands are cumulative: the 24 h polygon contains the 12 h one.
    """
    _check(weight, "from")
    bands = sorted(float(b) for b in bands)
    if not bands or bands[0] <= 0:
        raise DataError(f"bands = {bands}; expected positive band limits")
    graph, result, mask = _search_from(
        net,
        origin,
        weight=weight,
        direction="from",
        limit=bands[-1],
        modes=modes,
        include_planned=include_planned,
        include_suspended=False,
    )
    mask = mask & (graph.edge_kind == EDGE_LINK)
    values = graph.weight(weight)
    dist = result.dist[0]
    place_dist = result.place_dist()[0]
    points = gpd.GeoSeries(net.places.loc[graph.place_ids].geometry.values, crs=net.crs).to_crs(
        AREA_CRS
    )
    land = None
    if clip_to_land:
        from corridors import basemap

        land = basemap.land().to_crs(AREA_CRS).union_all()
    rows = []
    for band in bands:
        shapes = _band_segments(net, graph, mask, values, dist, band)
        reached = place_dist <= band + 1e-9
        polygon = _band_polygon(shapes, points[reached], land, buffer_km * 1000.0)
        polygon = _cut_out(polygon, points[reached], points[~reached], buffer_km * 1000.0)
        rows.append({"band": band, "places": int(reached.sum()), "geometry": polygon})
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=AREA_CRS).to_crs(net.crs)
    return frame.iloc[::-1].reset_index(drop=True)


def _band_segments(
    net: Network,
    graph: CompiledGraph,
    mask: np.ndarray,
    values: np.ndarray,
    dist: np.ndarray,
    band: float,
) -> dict[str, list]:
    """Reached pieces of link geometry within `band`, by land / other modes."""
    out: dict[str, list] = {"land": [], "other": []}
    edges = np.flatnonzero(
        mask & np.isfinite(dist[graph.edge_src]) & (dist[graph.edge_src] <= band)
    )
    for edge in edges:
        start = dist[graph.edge_src[edge]]
        length = values[edge]
        fraction = 1.0 if length <= 0 else min(1.0, (band - start) / length)
        if fraction <= 0:
            continue
        src = graph.place_ids[graph.state_place[graph.edge_src[edge]]]
        dst = graph.place_ids[graph.state_place[graph.edge_dst[edge]]]
        link = graph.link_ids[graph.edge_link[edge]]
        line = net.graph.edges[src, dst, link]["geometry"]
        piece = (
            line if fraction >= 1.0 else shapely.ops.substring(line, 0, fraction, normalized=True)
        )
        key = "land" if MODES[graph.state_mode[graph.edge_src[edge]]] in LAND_MODES else "other"
        out[key].append(piece)
    return out


def _band_polygon(
    shapes: dict[str, list], points: gpd.GeoSeries, land: object, radius_m: float
) -> shapely.Geometry:
    parts = []
    for key, pieces in shapes.items():
        if not pieces:
            continue
        buffered = gpd.GeoSeries(pieces, crs="EPSG:4326").to_crs(AREA_CRS).buffer(radius_m)
        area = buffered.union_all()
        if key == "land" and land is not None:
            area = area.intersection(land)
        parts.append(area)
    parts.append(points.buffer(radius_m).union_all())
    return shapely.union_all(parts)


def _cut_out(
    polygon: shapely.Geometry, reached: gpd.GeoSeries, unreached: gpd.GeoSeries, radius_m: float
) -> shapely.Geometry:
    """Remove a disk around each unreached place, never reaching a reached place."""
    if not len(unreached):
        return polygon
    radii = np.full(len(unreached), radius_m)
    if len(reached):
        nearest = np.array([reached.distance(p).min() for p in unreached])
        radii = np.minimum(radii, nearest / 2.0)
    disks = [p.buffer(r) for p, r in zip(unreached, radii, strict=True) if r > 0]
    return polygon.difference(shapely.union_all(disks)) if disks else polygon
