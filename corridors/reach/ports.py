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
from corridors.engine import EDGE_LINK, Restrictions, compile_network
from corridors.network import LAND_MODES, Network
from corridors.reach.reachable import AREA_CRS, _check
from corridors.reach.voronoi import two_nearest
from corridors.routing import od_matrix, restrictions

__all__ = ["Hinterlands", "hinterlands", "sea_ports", "usable_sea_ports"]


def sea_ports(
    net: Network,
    *,
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    closed_links: Iterable[str] | None = None,
    include_planned: bool = False,
    include_suspended: bool = False,
    season: str | None = None,
) -> list[str]:
    """Return the ports that have ships: at least one sea link usable under the restrictions.

    The one rule for every port question (parks × ports, hinterlands, access, the
    report's best port, closures): a port whose sea lanes are all suspended,
    planned, closed or out of season is no sea port, and a river port counts only
    where it has links on the water.

    Parameters
    ----------
    net
        The network.
    modes, avoid, closed_links, include_planned, include_suspended, season
        As for :func:`corridors.routing.restrictions` (sea must be among the modes).

    Returns
    -------
    list of str
        Port ids, sorted.
    """
    limits = restrictions(
        net,
        modes=modes,
        avoid=avoid,
        closed_links=closed_links,
        include_planned=include_planned,
        include_suspended=include_suspended,
        season=season,
    )
    return usable_sea_ports(net, limits)


def usable_sea_ports(net: Network, limits: Restrictions) -> list[str]:
    """Return the ports with at least one sea link usable under `limits` (see :func:`sea_ports`).

    Parameters
    ----------
    net
        The network.
    limits
        Resolved restrictions.

    Returns
    -------
    list of str
        Port ids, sorted.
    """
    graph = compile_network(net)
    sea = graph.edge_mask(limits) & (graph.edge_kind == EDGE_LINK)
    sea &= graph.edge_mode == MODES.index("sea")
    ends = np.unique(np.r_[graph.edge_src[sea], graph.edge_dst[sea]])
    ids = graph.place_ids[np.unique(graph.state_place[ends])]
    kinds = net.places.loc[ids, "kind"].to_numpy() if len(ids) else np.array([])
    return sorted(ids[kinds == "port"].tolist())


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
    season: str | None = None,
) -> Hinterlands:
    """Assign each place to the port that serves it best, and each port its catchment.

    A place's value for a port is the best land route (rail / road) to the port.
    With a `market`, it is that land route, plus the best sea route from the port
    to the market with loading and discharge: the port is judged by where the
    cargo ends up, not by the first leg. The candidate ports are the sea ports
    with ships (:func:`sea_ports`) under the same restrictions.

    Two Dijkstra runs answer every place and port, however many ports (see
    :mod:`corridors.reach.voronoi`): one from all ports at once partitions the network by
    best port, a second one seeded at the partition's borders gives the runner-up.

    Parameters
    ----------
    net
        The network.
    ports
        Candidate ports (default: :func:`sea_ports`; given ports without a usable
        sea link are dropped too).
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
        Modes allowed between a place and its port (rail and road; air is not
        containerised freight).
    include_planned
        Use planned links and places.
    season
        Also use the links of this season (see :func:`corridors.routing.restrictions`).

    Returns
    -------
    Hinterlands
        ``.places`` (best port, runner-up, margin) and ``.ports`` (catchments).

    Raises
    ------
    DataError
        If no port is given, or `land_modes` names air or sea. (A place that reaches
        no port gets ``best_port`` None.)
    """
    _check(weight, "from")
    land_modes = list(land_modes)
    wrong = [m for m in land_modes if m not in LAND_MODES]
    if wrong:
        raise DataError(
            f"land_modes = {land_modes}: {', '.join(wrong)} is not a land mode of "
            "containerised freight; hinterlands take rail and road to the port (ask for "
            "air cargo with corridors.route or od_matrix and modes=[..., 'air'])"
        )
    with_ships = usable_sea_ports(
        net, restrictions(net, include_planned=include_planned, season=season)
    )
    port_ids = with_ships if ports is None else [p for p in net.select(ports) if p in with_ships]
    place_ids = net.select(places)
    if not port_ids:
        raise DataError("hinterlands needs at least one sea port with a usable sea link")
    offsets = np.zeros(len(port_ids))
    if market is not None:
        beyond = _port_to_market(net, port_ids, net.resolve(market), weight, include_planned)
        offsets = beyond.reindex(port_ids).fillna(np.inf).to_numpy(dtype=float)
    graph = compile_network(net)
    index = graph.place_index
    mask = graph.edge_mask(
        restrictions(net, modes=land_modes, include_planned=include_planned, season=season)
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
    out.attrs["modes"] = ", ".join(land_modes) + ("; sea to the market" if market else "")
    return Hinterlands(out, _catchments(net, out, port_ids), weight)


def _port_to_market(
    net: Network, ports: list[str], market: str, weight: str, include_planned: bool
) -> pd.Series:
    """Return, per port, its best sea route to the market, loading and discharge included.

    The market itself needs none: cargo that reaches it by land is there.
    """
    return od_matrix(
        net, ports, [market], weight=weight, modes=["sea"], include_planned=include_planned
    )[market]


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
