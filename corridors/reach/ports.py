"""Port hinterlands: the best and runner-up port of every place, and the ports' catchments."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridors import _validate as v
from corridors._errors import DataError
from corridors.costs import MODES
from corridors.engine import EDGE_TRANSFER, compile_network
from corridors.network import LAND_MODES, Network
from corridors.reach.reachable import AREA_CRS, _check
from corridors.reach.voronoi import two_nearest
from corridors.routing import od_matrix, restrictions

__all__ = ["Hinterlands", "hinterlands", "sea_ports"]


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
    :mod:`corridors.reach.voronoi`): one from all ports at once partitions the network by
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
