"""All-or-nothing assignment: OD demand loaded onto its best routes at free-flow costs.

:func:`assign` and :class:`Assignment` are also importable from :mod:`corridors.routing`;
flows that compete for capacity are in :mod:`corridors.assignment`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from corridors.engine import (
    EDGE_CROSSING,
    EDGE_DISCHARGE,
    EDGE_LINK,
    EDGE_LOADING,
    EDGE_TRANSFER,
    EDGE_TRANSSHIPMENT,
    CompiledGraph,
    check_weight,
    compile_network,
    search,
)
from corridors.network import Network

__all__ = ["Assignment", "assign"]


@dataclasses.dataclass(frozen=True)
class Assignment:
    """Result of an all-or-nothing assignment (see :func:`assign`).

    Parameters
    ----------
    links
        GeoDataFrame indexed by link id: ``from``, ``to``, ``mode``,
        ``volume_forward`` (from → to), ``volume_backward``, ``volume`` (both), geometry.
    places
        DataFrame indexed by place id: ``name``, ``kind``, ``volume_through`` (volume
        of routes visiting the place), ``volume_crossing`` (border crossings: volume
        crossing), ``volume_transfer`` (volume changing mode there).
    routes
        One row per OD row: ``orig``, ``dest``, ``demand``, ``reachable``, ``time_h``,
        ``distance_km``, ``cost_usd_teu``, ``generalized_usd_teu``, ``crossings``,
        ``places`` (``" > "``-joined).
    """

    links: gpd.GeoDataFrame
    places: pd.DataFrame
    routes: pd.DataFrame


def assign(
    net: Network,
    demand: pd.DataFrame,
    *,
    weight: str = "generalized",
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    include_planned: bool = False,
    include_suspended: bool = False,
    season: str | None = None,
) -> Assignment:
    """Assign OD demand all-or-nothing to its best routes (free-flow costs).

    For flows that compete for capacity see
    :func:`corridors.assignment.equilibrium`.

    Parameters
    ----------
    net
        The network.
    demand
        OD table with columns ``orig``, ``dest`` (place ids or names) and ``demand``
        (TEU or tonnes per period; the unit carries through to the volumes).
    weight
        The weight routes minimize (default ``generalized``).
    modes, avoid, include_planned, include_suspended, season
        As for :func:`route`.

    Returns
    -------
    Assignment
        Link volumes per direction, volumes through places, crossings and
        transfers, and each flow's route. Flows with no route get
        ``reachable = False`` and add no volume.

    Raises
    ------
    DataError
        If `demand` lacks a column (a ``volume`` column is refused with the advice
        to rename it), names an unknown place or has a negative or non-numeric demand.
    """
    from corridors.assignment.demand import check_demand
    from corridors.routing import restrictions

    check_weight(weight)
    table = check_demand(net, demand)
    limits = restrictions(
        net,
        modes=modes,
        avoid=avoid,
        include_planned=include_planned,
        include_suspended=include_suspended,
        season=season,
    )
    orig_ids, dest_ids, volumes = table["orig"], table["dest"], table["demand"]
    graph = compile_network(net)
    index = graph.place_index
    mask = graph.edge_mask(limits)
    prepared = graph.matrix(weight, mask)
    unique_origins = sorted(set(orig_ids))
    result = search(
        graph, [index[o] for o in unique_origins], weight=weight, mask=mask, prepared=prepared
    )
    row_of = {o: i for i, o in enumerate(unique_origins)}
    edge_volume = np.zeros(len(graph.edge_src))
    place_through = np.zeros(graph.n_places)
    records = []
    for orig, dest, volume in zip(orig_ids, dest_ids, volumes, strict=True):
        state = result.best_state(row_of[orig], index[dest]) if orig != dest else -1
        if state < 0:
            records.append(
                {"orig": orig, "dest": dest, "demand": volume, "reachable": orig == dest}
            )
            continue
        edges = np.asarray(result.edge_path(row_of[orig], state), dtype=np.int64)
        edge_volume[edges] += volume
        visited = graph.state_place[graph.edge_dst[edges]]
        stops = [index[orig], *visited[np.r_[True, visited[1:] != visited[:-1]]].tolist()]
        place_through[stops] += volume
        records.append(_flow_record(graph, orig, dest, volume, edges, stops))
    return Assignment(
        links=_link_volumes(net, graph, edge_volume),
        places=_place_volumes(net, graph, edge_volume, place_through),
        routes=pd.DataFrame(
            records,
            columns=[
                "orig",
                "dest",
                "demand",
                "reachable",
                "time_h",
                "distance_km",
                "cost_usd_teu",
                "generalized_usd_teu",
                "crossings",
                "places",
            ],
        ),
    )


def _flow_record(
    graph: CompiledGraph, orig: str, dest: str, volume: float, edges: np.ndarray, stops: list[int]
) -> dict[str, object]:
    """One assigned flow's totals, from its edge path (no per-leg tables)."""
    time_h = float(graph.time_h[edges].sum())
    cost = float(graph.cost_usd[edges].sum())
    crossings = graph.state_place[graph.edge_src[edges[graph.edge_kind[edges] == EDGE_CROSSING]]]
    return {
        "orig": orig,
        "dest": dest,
        "demand": volume,
        "reachable": True,
        "time_h": time_h,
        "distance_km": float(graph.distance_km[edges].sum()),
        "cost_usd_teu": cost,
        "generalized_usd_teu": cost + graph.value_of_time * time_h,
        "crossings": ";".join(graph.place_ids[crossings]),
        "places": " > ".join(graph.place_ids[stops]),
    }


def _link_volumes(net: Network, graph: CompiledGraph, edge_volume: np.ndarray) -> gpd.GeoDataFrame:
    is_link = graph.edge_kind == EDGE_LINK
    n_links = len(graph.link_ids)
    forward = np.bincount(
        graph.edge_link[is_link & ~graph.edge_reversed],
        weights=edge_volume[is_link & ~graph.edge_reversed],
        minlength=n_links,
    )
    backward = np.bincount(
        graph.edge_link[is_link & graph.edge_reversed],
        weights=edge_volume[is_link & graph.edge_reversed],
        minlength=n_links,
    )
    links = net.links.loc[graph.link_ids, ["from", "to", "mode", "geometry"]].copy()
    links["volume_forward"] = forward
    links["volume_backward"] = backward
    links["volume"] = forward + backward
    return links


def _place_volumes(
    net: Network, graph: CompiledGraph, edge_volume: np.ndarray, through: np.ndarray
) -> pd.DataFrame:
    places = graph.state_place[graph.edge_src]
    crossing = np.bincount(
        places, weights=edge_volume * (graph.edge_kind == EDGE_CROSSING), minlength=graph.n_places
    )
    changes = np.isin(
        graph.edge_kind, (EDGE_TRANSFER, EDGE_LOADING, EDGE_DISCHARGE, EDGE_TRANSSHIPMENT)
    )
    transfer = np.bincount(places, weights=edge_volume * changes, minlength=graph.n_places)
    frame = net.places.loc[graph.place_ids, ["name", "kind"]].copy()
    frame["volume_through"] = through
    frame["volume_crossing"] = crossing
    frame["volume_transfer"] = transfer
    return pd.DataFrame(frame)
