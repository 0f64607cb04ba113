"""What the resilience analyses fail and measure: OD pairs, and each element's edges.

An element is a link, a place or a border crossing; :func:`_element_edges` maps
each to the edges of the compiled graph it owns (a link's both directions, or
every edge touching a place), so that failing it is a mask over those edges.
:func:`od_pairs` builds the origin-destination pairs every analysis measures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridors._errors import DataError
from corridors.engine import EDGE_LINK, CompiledGraph
from corridors.network import Network
from corridors.reach import sea_ports

__all__ = ["ELEMENTS", "od_pairs"]

ELEMENTS = ("links", "places", "crossings")


# ---------------------------------------------------------------- OD pairs


def od_pairs(net: Network, od: pd.DataFrame | tuple | None = None) -> pd.DataFrame:
    """Return the OD pairs an analysis weighs: ``orig``, ``dest``, ``demand``.

    Parameters
    ----------
    net
        The network.
    od
        ``None``: every park to every sea port with ships (:func:`corridors.reach.sea_ports`),
        demand 1. A tuple ``(origins,
        destinations)`` of kinds or place lists: all pairs, demand 1. A DataFrame
        with ``orig`` and ``dest`` (ids or names) and optionally ``demand``,
        ``weight`` or ``volume`` (the first found is the demand).

    Returns
    -------
    pandas.DataFrame
        One row per pair with distinct ends; columns ``orig``, ``dest`` (place ids)
        and ``demand`` (≥ 0).

    Raises
    ------
    DataError
        If the table lacks columns or has a negative or non-numeric demand.
    """
    if od is None:
        od = (net.select("park"), sea_ports(net))
    if isinstance(od, tuple):
        origins, dests = (net.select(x) for x in od)
        frame = pd.DataFrame([(o, d) for o in origins for d in dests], columns=["orig", "dest"])
        frame["demand"] = 1.0
    else:
        missing = [c for c in ("orig", "dest") if c not in od.columns]
        if missing:
            raise DataError(
                f"OD table lacks columns {missing}; expected orig, dest and "
                f"optionally demand (found {list(od.columns)})"
            )
        column = next((c for c in ("demand", "weight", "volume") if c in od.columns), None)
        frame = pd.DataFrame({
            "orig": [net.resolve(o) for o in od["orig"]],
            "dest": [net.resolve(d) for d in od["dest"]],
            "demand": 1.0 if column is None else pd.to_numeric(od[column], errors="coerce"),
        })  # fmt: skip
        bad = frame.index[~(frame["demand"] >= 0)]
        if len(bad):
            raise DataError(
                f"OD table row {bad[0]}: {column} = {od[column].iloc[bad[0]]!r}; "
                "expected a number >= 0"
            )
    return frame[frame["orig"] != frame["dest"]].reset_index(drop=True)


def _element_edges(graph: CompiledGraph, elements: str, net: Network) -> dict[str, np.ndarray]:
    """Edges of each element: a link's (both directions), or all edges touching a place."""
    if elements not in ELEMENTS:
        raise DataError(f"elements = {elements!r}; expected one of {', '.join(ELEMENTS)}")
    if elements == "links":
        groups = _group(graph.edge_link, np.arange(len(graph.edge_src)), len(graph.link_ids))
        return dict(zip(graph.link_ids, groups, strict=True))
    src_place = graph.state_place[graph.edge_src]
    dst_place = graph.state_place[graph.edge_dst]
    edges = np.arange(len(graph.edge_src))
    touching = src_place != dst_place  # a link edge touches two places, others one
    owners = np.r_[src_place, dst_place[touching]]
    groups = _group(owners, np.r_[edges, edges[touching]], graph.n_places)
    places = range(graph.n_places)
    if elements == "crossings":
        kinds = net.places["kind"]
        places = [p for p in places if kinds[graph.place_ids[p]] == "border"]
    return {graph.place_ids[p]: np.sort(groups[p]) for p in places}


def _link_places(graph: CompiledGraph) -> tuple[np.ndarray, np.ndarray]:
    """Place index at each link's ``from`` and ``to`` end, in ``graph.link_ids`` order."""
    forward = np.flatnonzero((graph.edge_kind == EDGE_LINK) & ~graph.edge_reversed)
    ends = np.zeros((2, len(graph.link_ids)), dtype=np.int64)
    ends[0, graph.edge_link[forward]] = graph.state_place[graph.edge_src[forward]]
    ends[1, graph.edge_link[forward]] = graph.state_place[graph.edge_dst[forward]]
    return ends[0], ends[1]


def _group(keys: np.ndarray, values: np.ndarray, n_keys: int) -> list[np.ndarray]:
    """Split `values` by integer `keys` in ``0 .. n_keys - 1`` (negative keys dropped)."""
    keep = keys >= 0
    order = np.argsort(keys[keep], kind="stable")
    keys, values = keys[keep][order], values[keep][order]
    bounds = np.searchsorted(keys, np.arange(n_keys + 1))
    return [values[bounds[i] : bounds[i + 1]] for i in range(n_keys)]
