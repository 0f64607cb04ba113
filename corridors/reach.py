"""Hinterland reach: what a place reaches, isochrones, port hinterlands, accessibility.

All functions search the compiled state graph (:mod:`corridors.engine`), so reach
follows the same rules as routes: transfers cost handling time and fees, borders
cost dwell and gauge changes, planned links are left out unless asked for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridors import _validate as v
from corridors._errors import DataError
from corridors._voronoi import two_nearest
from corridors.costs import MODES
from corridors.engine import (
    EDGE_CROSSING,
    EDGE_LINK,
    EDGE_TRANSFER,
    CompiledGraph,
    SearchResult,
    check_weight,
    compile_network,
    search,
)
from corridors.network import LAND_MODES, Network
from corridors.routing import od_matrix, restrictions

__all__ = [
    "Hinterlands",
    "accessibility",
    "hinterlands",
    "isochrones",
    "reach",
    "sea_ports",
]

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


def sea_ports(net: Network) -> list[str]:
    """Return the ports that serve the sea mode (sea ports, and river ports with sea service).

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    list of str
        Port ids, sorted.
    """
    places = net.places
    serves_sea = places["modes"].str.split(";").map(lambda modes: "sea" in modes)
    return sorted(places.index[(places["kind"] == "port") & serves_sea])


@dataclasses.dataclass(frozen=True)
class Hinterlands:
    """Port hinterlands (see :func:`hinterlands`).

    Parameters
    ----------
    places
        GeoDataFrame indexed by place id: ``name``, ``kind``, ``country``,
        ``best_port``, ``best_value``, ``runner_up``, ``runner_up_value``,
        ``margin`` (runner-up minus best, in the weight's unit), ``margin_share``
        (margin / best: small means contestable), ``weight`` (the place's
        demand weight) and point geometry.
    ports
        GeoDataFrame indexed by port id: ``name``, ``country``, ``places`` (number
        of places in its catchment), ``weight`` (their total demand weight),
        ``mean_value`` (weighted mean best value) and the catchment polygon (convex
        hull of the port and its places, buffered 20 km).
    weight
        The weight compared (``generalized`` by default), whose unit the values carry.
    """

    places: gpd.GeoDataFrame
    ports: gpd.GeoDataFrame
    weight: str


def hinterlands(
    net: Network,
    ports: str | Iterable[str] | None = None,
    places: str | Iterable[str] = "park",
    *,
    weight: str = "generalized",
    market: str | None = None,
    place_weight: str | pd.Series | None = None,
    land_modes: Iterable[str] = LAND_MODES,
    include_planned: bool = False,
) -> Hinterlands:
    """Assign each place to the port that serves it best, and each port its catchment.

    A place's value for a port is the best land route (rail / road) to the port.
    With a `market`, it is that land route, plus the port's handling, plus the best
    sea route from the port to the market: the port is judged by where the cargo
    ends up, not by the first leg.

    Two Dijkstra runs answer every place and port, however many ports (see
    :mod:`corridors._voronoi`): one from all ports at once partitions the network by
    best port, a second one seeded at the partition's borders gives the runner-up.

    Parameters
    ----------
    net
        The network.
    ports
        Candidate ports (default: :func:`sea_ports`).
    places
        The places served (a kind, default ``"park"``, or a list).
    weight
        ``time``, ``distance``, ``cost`` or ``generalized`` (default).
    market
        A destination port beyond the sea leg (e.g. ``"Busan"``, ``"Niigata"``).
    place_weight
        Demand weight of each place: a column of ``net.places`` (e.g. ``"area_km2"``)
        or a Series indexed by place id; default 1 each (missing values count 1).
    land_modes
        Modes allowed between a place and its port.
    include_planned
        Use planned links and places.

    Returns
    -------
    Hinterlands
        ``.places`` (best port, runner-up, margin) and ``.ports`` (catchments).

    Raises
    ------
    DataError
        If no port is given. (A place that reaches no port gets ``best_port`` None.)
    """
    _check(weight, "from")
    port_ids = sea_ports(net) if ports is None else net.select(ports)
    place_ids = net.select(places)
    if not port_ids:
        raise DataError("hinterlands needs at least one port")
    offsets = np.zeros(len(port_ids))
    if market is not None:
        beyond = _port_to_market(net, port_ids, net.resolve(market), weight, include_planned)
        offsets = beyond.reindex(port_ids).fillna(np.inf).to_numpy(dtype=float)
    graph = compile_network(net)
    index = graph.place_index
    mask = graph.edge_mask(
        restrictions(net, modes=list(land_modes), include_planned=include_planned)
    )
    best_all, value_all, second_all, second_value_all = two_nearest(
        graph, mask, weight, np.array([index[p] for p in port_ids]), offsets, reverse=True
    )
    rows = np.array([index[p] for p in place_ids], dtype=np.int64)
    best, best_value = best_all[rows], value_all[rows]
    second, second_value = second_all[rows], second_value_all[rows]
    reachable = best >= 0
    demand = _place_weights(net, place_ids, place_weight)
    out = net.places.loc[place_ids, ["name", "kind", "country", "geometry"]].copy()
    names = np.array(port_ids, dtype=object)
    out["best_port"] = np.where(reachable, names[np.maximum(best, 0)], None)
    out["best_value"] = np.where(reachable, best_value, np.nan)
    has_second = second >= 0
    out["runner_up"] = np.where(has_second, names[np.maximum(second, 0)], None)
    out["runner_up_value"] = np.where(has_second, second_value, np.nan)
    out["margin"] = out["runner_up_value"] - out["best_value"]
    out["margin_share"] = out["margin"] / out["best_value"].where(out["best_value"] > 0)
    out["weight"] = demand
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=net.crs)
    return Hinterlands(out, _catchments(net, out, port_ids), weight)


def _port_to_market(
    net: Network, ports: list[str], market: str, weight: str, include_planned: bool
) -> pd.Series:
    """Return, per port, its land-to-sea handling plus its best sea route to the market.

    The market itself needs neither: cargo that reaches it by land is there.
    """
    sea = od_matrix(
        net, ports, [market], weight=weight, modes=["sea"], include_planned=include_planned
    )[market]
    graph = compile_network(net)
    index = graph.place_index
    to_sea = (graph.edge_kind == EDGE_TRANSFER) & (
        graph.state_mode[graph.edge_dst] == MODES.index("sea")
    )
    handling = {}
    for port in ports:
        transfer = to_sea & (graph.state_place[graph.edge_src] == index[port])
        handling[port] = 0.0
        if port != market and transfer.any():
            handling[port] = graph.weight(weight)[transfer].min()
    return sea + pd.Series(handling)


def _place_weights(
    net: Network, place_ids: list[str], place_weight: str | pd.Series | None
) -> np.ndarray:
    if place_weight is None:
        return np.ones(len(place_ids))
    if isinstance(place_weight, str):
        if place_weight not in net.places.columns:
            hint = v.close_matches(place_weight, net.places.columns, n=3)
            raise DataError(
                f"place_weight = {place_weight!r} is not a place column; "
                f"close: {', '.join(hint) or '-'}"
            )
        series = pd.to_numeric(net.places[place_weight], errors="coerce")
    else:
        series = place_weight
    return series.reindex(place_ids).fillna(1.0).to_numpy(dtype=float)


def _catchments(net: Network, places: gpd.GeoDataFrame, port_ids: list[str]) -> gpd.GeoDataFrame:
    projected = places.to_crs(AREA_CRS)
    port_points = net.places.loc[port_ids].to_crs(AREA_CRS).geometry
    groups = {port: frame for port, frame in projected.groupby("best_port")}
    names, countries = net.places["name"], net.places["country"]
    rows = []
    for port in port_ids:
        members = groups.get(port, projected.iloc[:0])
        coords = np.vstack(
            [
                shapely.get_coordinates(port_points[port]),
                shapely.get_coordinates(members.geometry.values),
            ]
        )
        shape = shapely.multipoints(coords)
        weights = members["weight"]
        rows.append({
            "id": port,
            "name": names[port],
            "country": countries[port],
            "places": len(members),
            "weight": float(weights.sum()),
            "mean_value": float(np.average(members["best_value"], weights=weights))
            if len(members) else np.nan,
            "geometry": shape.convex_hull.buffer(20_000.0),
        })  # fmt: skip
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=AREA_CRS).to_crs(net.crs)
    return frame.set_index("id")


def accessibility(
    net: Network,
    origins: str | Iterable[str],
    opportunities: str | Iterable[str],
    *,
    kind: Literal["gravity", "cumulative"] = "gravity",
    weight: str = "time",
    beta: float = 0.05,
    threshold: float = 48.0,
    mass: str | pd.Series | None = None,
    modes: Iterable[str] | None = None,
    include_planned: bool = False,
) -> pd.Series:
    r"""Return an accessibility index per origin.

    Gravity: :math:`A_i = \sum_j M_j \, e^{-\beta c_{ij}}`. Cumulative
    opportunities: :math:`A_i = \sum_j M_j \, [c_{ij} \le T]`. Here
    :math:`c_{ij}` is the best weight from origin *i* to opportunity *j*
    (hours for ``time``), :math:`M_j` the opportunity's mass, :math:`\beta` the
    decay per unit of weight and *T* the threshold. Unreachable opportunities add 0.

    Parameters
    ----------
    net
        The network.
    origins, opportunities
        Kinds of place or lists of places (e.g. ``"park"`` and ``"port"``).
    kind
        ``"gravity"`` or ``"cumulative"``.
    weight
        ``time`` (default), ``distance``, ``cost`` or ``generalized``.
    beta
        Decay rate per unit of weight for ``gravity`` (e.g. 0.05 per hour).
    threshold
        Largest weight counted for ``cumulative`` (e.g. 48 hours).
    mass
        Opportunity mass: a column of ``net.places`` (e.g. ``"throughput"``; missing
        values count 0) or a Series indexed by place id; default 1 each.
    modes, include_planned
        As for :func:`corridors.route`.

    Returns
    -------
    pandas.Series
        Indexed by origin id, named ``accessibility``.

    References
    ----------
    .. [1] Hansen, W. G. (1959). How accessibility shapes land use. Journal of the
       American Institute of Planners 25(2), 73-76.
    """
    if kind not in ("gravity", "cumulative"):
        raise DataError(f"kind = {kind!r}; expected 'gravity' or 'cumulative'")
    if beta < 0 or threshold < 0:
        raise DataError(f"beta = {beta}, threshold = {threshold}; expected values >= 0")
    costs = od_matrix(
        net, origins, opportunities, weight=weight, modes=modes, include_planned=include_planned
    )
    if mass is None:
        masses = np.ones(costs.shape[1])
    elif isinstance(mass, str):
        if mass not in net.places.columns:
            raise DataError(f"mass = {mass!r} is not a place column")
        masses = pd.to_numeric(net.places.loc[costs.columns, mass], errors="coerce")
        masses = masses.fillna(0.0).to_numpy(dtype=float)
    else:
        masses = mass.reindex(costs.columns).fillna(0.0).to_numpy(dtype=float)
    c = costs.to_numpy()
    reached = np.isfinite(c)
    if kind == "gravity":
        terms = np.where(reached, np.exp(-beta * np.where(reached, c, 0.0)), 0.0)
    else:
        terms = (reached & (np.where(reached, c, np.inf) <= threshold)).astype(float)
    return pd.Series(terms @ masses, index=costs.index, name="accessibility")
