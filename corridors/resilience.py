"""Resilience to link failure: critical elements, border closures, failure simulations.

Criticality is computed exactly but only where it can change: when an element
(a link, a place or a border crossing) fails, only the OD pairs whose best route
used it can get worse; every other pair keeps its best route. So each element
is re-searched only from the origins of the pairs that used it, on the compiled
arrays with the element's edges set to infinity (a mask, not a copy of the
network). The result equals brute force (remove the element, recompute every
OD pair), which the tests check against networkx.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from typing import Any, Literal, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse import csgraph

from corridors import _validate as v
from corridors._errors import DataError
from corridors.engine import (
    WEIGHT_COLUMNS,
    CompiledGraph,
    check_weight,
    compile_network,
    search,
    tree_sums,
)
from corridors.network import Network
from corridors.parallel import map_chunks
from corridors.routing import Assignment, assign, restrictions

__all__ = [
    "Impact",
    "close_borders",
    "close_region",
    "closure_matrix",
    "criticality",
    "impact",
    "od_pairs",
    "route_usage",
    "simulate_failures",
    "simulate_region_failures",
    "summarize_failures",
]

ELEMENTS = ("links", "places", "crossings")


# ---------------------------------------------------------------- OD pairs


def od_pairs(net: Network, od: pd.DataFrame | tuple | None = None) -> pd.DataFrame:
    """Return the OD pairs an analysis weighs: ``orig``, ``dest``, ``demand``.

    Parameters
    ----------
    net
        The network.
    od
        ``None``: every park to every port, demand 1. A tuple ``(origins,
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
        od = ("park", "port")
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


# ---------------------------------------------------------------- criticality


@dataclasses.dataclass(frozen=True)
class _Problem:
    """Everything a criticality task needs, shipped once per task chunk."""

    graph: CompiledGraph
    weight: str
    mask: np.ndarray
    matrix: sp.csr_array
    edge_of_entry: np.ndarray
    entry_of_edge: np.ndarray
    parallel: np.ndarray
    matrix_t: sp.csr_array
    entry_of_edge_t: np.ndarray
    origins: np.ndarray
    pair_row: np.ndarray
    pair_dest: np.ndarray
    pair_demand: np.ndarray
    base: np.ndarray
    dist: np.ndarray
    entry: np.ndarray
    trees: list[_Tree]
    element_edges: dict[str, np.ndarray]
    element_pairs: dict[str, np.ndarray]
    element_place: dict[str, int]
    detour_ends: dict[str, tuple[int, int]]


def _entry_maps(
    graph: CompiledGraph, mask: np.ndarray, edge_of_entry: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Map each edge to its CSR entry, and flag edges that share their state pair."""
    entry_of_edge = np.full(len(graph.edge_src), -1, dtype=np.int64)
    entry_of_edge[edge_of_entry] = np.arange(len(edge_of_entry))
    edges = np.flatnonzero(mask)
    keys = graph.edge_src[edges] * graph.n_states + graph.edge_dst[edges]
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    parallel = np.zeros(len(graph.edge_src), dtype=bool)
    parallel[edges] = counts[inverse] > 1
    return entry_of_edge, parallel


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


def _group(keys: np.ndarray, values: np.ndarray, n_keys: int) -> list[np.ndarray]:
    """Split `values` by integer `keys` in ``0 .. n_keys - 1`` (negative keys dropped)."""
    keep = keys >= 0
    order = np.argsort(keys[keep], kind="stable")
    keys, values = keys[keep][order], values[keep][order]
    bounds = np.searchsorted(keys, np.arange(n_keys + 1))
    return [values[bounds[i] : bounds[i + 1]] for i in range(n_keys)]


@dataclasses.dataclass(frozen=True)
class _Tree:
    """One origin's shortest-path tree in DFS preorder: a subtree is a slice of `order`.

    Parameters
    ----------
    order
        Reached states in preorder.
    tin
        Position of each state in `order` (-1: unreached).
    size
        Number of states in each state's subtree (itself included).
    """

    order: np.ndarray
    tin: np.ndarray
    size: np.ndarray

    def subtree(self, state: int) -> np.ndarray:
        """Return the states below `state` (itself included), in preorder."""
        return self.order[self.tin[state] : self.tin[state] + self.size[state]]


def _tree(pred: np.ndarray, dist: np.ndarray) -> _Tree:
    """Return the shortest-path tree of one search row, in DFS preorder with subtree sizes."""
    n = len(pred)
    children = np.flatnonzero(pred >= 0)
    roots = np.flatnonzero(np.isfinite(dist) & (pred < 0))
    rows = np.r_[pred[children], np.full(len(roots), n)]
    cols = np.r_[children, roots]
    tree = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n + 1))
    order = csgraph.depth_first_order(tree, n, directed=True, return_predecessors=False)[1:]
    tin = np.full(n, -1, dtype=np.int64)
    tin[order] = np.arange(len(order))
    depth, _ = tree_sums(pred, (pred >= 0).astype(float))
    size = np.ones(n, dtype=np.int64)
    by_depth = children[np.argsort(-depth[children], kind="stable")]
    levels = np.flatnonzero(np.diff(depth[by_depth])) + 1
    for level in np.split(by_depth, levels):  # deepest first: children add to parents
        np.add.at(size, pred[level], size[level])
    return _Tree(order, tin, size)


def criticality(
    net: Network,
    od: pd.DataFrame | tuple | None = None,
    *,
    weight: str = "generalized",
    elements: Literal["links", "places", "crossings"] = "links",
    candidates: Iterable[str] | None = None,
    detour: bool = True,
    include_planned: bool = False,
    executor: Executor | None = None,
    progress: bool | None = False,
) -> gpd.GeoDataFrame:
    """Rank links, places or border crossings by what their failure costs.

    Parameters
    ----------
    net
        The network.
    od
        OD pairs and their demand (see :func:`od_pairs`); default every park to
        every port, demand 1.
    weight
        ``time`` (h), ``distance`` (km), ``cost`` or ``generalized`` (USD/TEU).
    elements
        ``"links"`` (a link fails in both directions), ``"places"`` or
        ``"crossings"`` (a place fails with all its links and transfers).
    candidates
        Only these element ids (default: all of the kind).
    detour
        For links: also find the best alternative between the link's own ends
        (RA2CE's single-link redundancy).
    include_planned
        Use planned links and places.
    executor
        Where to run (see :mod:`corridors.parallel`); results do not depend on it.
    progress
        Progress bar: ``True``, ``False`` or ``None`` (only on a terminal).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by element id, most critical first (by ``pairs_disconnected``, then
        ``delta_total``), with columns ``name``, ``kind`` (``link`` / place kind),
        ``mode`` (links), ``pairs_using`` and ``demand_using`` (pairs whose best
        route used the element), ``pairs_disconnected`` and ``demand_disconnected``
        (left with no route), ``delta_total`` (increase of Σ demand × weight over the
        pairs still connected, in the weight's unit), ``delta_max`` (worst single
        pair), and for links ``detour_value`` (best alternative between the link's
        ends, in the weight's unit), ``detour_time_h``, ``detour_distance_km``
        (NaN: no alternative); geometry of the element.

    Notes
    -----
    Exact: a pair whose best route avoids the element keeps its value, so only
    the pairs that used it are recomputed (from their origins, in one Dijkstra
    call per element). Equals brute force (remove the element, recompute all pairs).

    References
    ----------
    .. [1] Deltares (2023). RA2CE: Resilience Assessment and Adaptation for Critical
       infrastructurE, single- and multi-link redundancy analyses.
    """
    check_weight(weight)
    problem = _prepare(
        net, od_pairs(net, od), weight, elements, candidates, detour, include_planned
    )
    names = sorted(problem.element_edges)
    rows = map_chunks(
        _evaluate,
        problem,
        names,
        executor=executor,
        progress=progress,
        description=f"criticality of {elements}",
    )
    return _criticality_frame(net, elements, names, rows)


def route_usage(
    net: Network,
    od: pd.DataFrame | tuple | None = None,
    *,
    weight: str = "generalized",
    elements: Literal["links", "places", "crossings"] = "links",
    include_planned: bool = False,
) -> pd.Series:
    """Count the OD pairs whose best route uses each element.

    Parameters
    ----------
    net
        The network.
    od
        OD pairs (see :func:`od_pairs`); default parks × ports.
    weight
        ``time``, ``distance``, ``cost`` or ``generalized``.
    elements
        ``links``, ``places`` or ``crossings``.
    include_planned
        Use planned links and places.

    Returns
    -------
    pandas.Series
        Pairs using each usable element (0 for unused ones), indexed by element id.
    """
    problem = _prepare(net, od_pairs(net, od), weight, elements, None, False, include_planned)
    counts = {e: len(p) for e, p in problem.element_pairs.items()}
    return pd.Series(counts, name="pairs_using").sort_index()


def _prepare(
    net: Network,
    pairs: pd.DataFrame,
    weight: str,
    elements: str,
    candidates: Iterable[str] | None,
    detour: bool,
    include_planned: bool,
) -> _Problem:
    graph = compile_network(net)
    mask = graph.edge_mask(restrictions(net, include_planned=include_planned))
    matrix, edge_of_entry = graph.matrix(weight, mask)
    entry_of_edge, parallel = _entry_maps(graph, mask, edge_of_entry)
    index = graph.place_index
    origins = np.array(sorted({index[o] for o in pairs["orig"]}), dtype=np.int64)
    row_of = {p: r for r, p in enumerate(origins)}
    pair_row = np.array([row_of[index[o]] for o in pairs["orig"]], dtype=np.int64)
    pair_dest = np.array([index[d] for d in pairs["dest"]], dtype=np.int64)
    edges_of = _element_edges(graph, elements, net)
    if candidates is not None:
        wanted = [net.resolve(c) if elements != "links" else c for c in candidates]
        unknown = [c for c in wanted if c not in edges_of]
        if unknown:
            hint = v.close_matches(unknown[0], edges_of, n=3)
            raise DataError(f"unknown {elements} {unknown[0]!r}; close: {', '.join(hint) or '-'}")
        edges_of = {c: edges_of[c] for c in wanted}
    usable = {e: edges[mask[edges]] for e, edges in edges_of.items()}
    edges_of = {e: edges for e, edges in usable.items() if len(edges)}
    result = search(graph, origins, weight=weight, mask=mask, prepared=(matrix, edge_of_entry))
    base = result.place_dist()[pair_row, pair_dest]
    trees = [_tree(result.pred[r], result.dist[r]) for r in range(len(origins))]
    entry = (
        np.vstack([result.entry_edges(r) for r in range(len(origins))])
        if len(origins)
        else np.empty((0, graph.n_states), dtype=np.int64)
    )
    best = np.array(
        [result.best_state(int(r), int(d)) for r, d in zip(pair_row, pair_dest, strict=True)],
        dtype=np.int64,
    )
    element_pairs = _element_pairs(graph, edges_of, trees, entry, pair_row, best)
    detour_ends = {}
    if detour and elements == "links":
        links = net.links
        detour_ends = {
            e: (index[links.loc[e, "from"]], index[links.loc[e, "to"]]) for e in edges_of
        }
    matrix_t, edge_of_entry_t = graph.matrix(weight, mask, reverse=True)
    entry_of_edge_t = np.full(len(graph.edge_src), -1, dtype=np.int64)
    entry_of_edge_t[edge_of_entry_t] = np.arange(len(edge_of_entry_t))
    return _Problem(
        graph=graph, weight=weight, mask=mask, matrix=matrix,
        edge_of_entry=edge_of_entry, entry_of_edge=entry_of_edge, parallel=parallel,
        matrix_t=matrix_t, entry_of_edge_t=entry_of_edge_t, origins=origins,
        pair_row=pair_row, pair_dest=pair_dest,
        pair_demand=pairs["demand"].to_numpy(dtype=float), base=base, dist=result.dist,
        entry=entry, trees=trees,
        element_edges=edges_of,
        element_pairs=element_pairs,
        element_place={e: index[e] for e in edges_of} if elements != "links" else {},
        detour_ends=detour_ends,
    )  # fmt: skip


def _element_pairs(
    graph: CompiledGraph,
    edges_of: dict[str, np.ndarray],
    trees: list[_Tree],
    entry: np.ndarray,
    pair_row: np.ndarray,
    best: np.ndarray,
) -> dict[str, np.ndarray]:
    """Pairs whose best route uses each element: destinations below its tree edges."""
    names = list(edges_of)
    owner = np.concatenate(
        [np.full(len(edges_of[e]), i) for i, e in enumerate(names)]
        or [np.empty(0, dtype=np.int64)]
    )
    edges = np.concatenate([edges_of[e] for e in names] or [np.empty(0, dtype=np.int64)])
    heads = graph.edge_dst[edges]
    found: list[list[np.ndarray]] = [[] for _ in names]
    for row, tree in enumerate(trees):
        pairs = np.flatnonzero((pair_row == row) & (best >= 0))
        if not len(pairs):
            continue
        position = tree.tin[best[pairs]]
        order = np.argsort(position, kind="stable")
        pairs, position = pairs[order], position[order]
        in_tree = entry[row, heads] == edges  # the elements' edges that are tree edges
        start = tree.tin[heads[in_tree]]
        lo = np.searchsorted(position, start)
        hi = np.searchsorted(position, start + tree.size[heads[in_tree]])
        for element, a, b in zip(owner[in_tree], lo, hi, strict=True):
            if b > a:
                found[element].append(pairs[a:b])
    return {
        e: np.unique(np.concatenate(p)) if p else np.empty(0, dtype=np.int64)
        for e, p in zip(names, found, strict=True)
    }


@dataclasses.dataclass(frozen=True)
class _Failure:
    """The graph with one element's edges removed (forward and transposed CSR)."""

    edges: np.ndarray
    mask: np.ndarray
    matrix: sp.csr_array
    edge_of_entry: np.ndarray
    matrix_t: sp.csr_array


def _fail(problem: _Problem, edges: np.ndarray) -> _Failure:
    mask = problem.mask.copy()
    mask[edges] = False
    if problem.parallel[edges].any():  # a parallel edge takes over: rebuild the matrices
        matrix, edge_of_entry = problem.graph.matrix(problem.weight, mask)
        matrix_t, _ = problem.graph.matrix(problem.weight, mask, reverse=True)
        return _Failure(edges, mask, matrix, edge_of_entry, matrix_t)

    def without(matrix: sp.csr_array, entry_of_edge: np.ndarray) -> sp.csr_array:
        data = matrix.data.copy()
        entries = entry_of_edge[edges]
        data[entries[entries >= 0]] = np.inf  # csgraph treats infinite weights as absent
        return sp.csr_array((data, matrix.indices, matrix.indptr), shape=matrix.shape)

    return _Failure(
        edges,
        mask,
        without(problem.matrix, problem.entry_of_edge),
        problem.edge_of_entry,
        without(problem.matrix_t, problem.entry_of_edge_t),
    )


def _gather(matrix: sp.csr_array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entry positions of `rows` in a CSR matrix, and the row of each position."""
    starts, stops = matrix.indptr[rows], matrix.indptr[rows + 1]
    counts = stops - starts
    offsets = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts)
    return offsets + np.arange(counts.sum()), np.repeat(rows, counts)


def _repair(problem: _Problem, row: int, failure: _Failure) -> tuple[np.ndarray, np.ndarray]:
    """Return the new best weights of the states whose best path used the failed edges.

    Only the subtrees below failed tree edges can change. Each of their states
    starts from its best entry from outside the subtree (unchanged weights), then
    Dijkstra runs on the subtree alone.

    Returns
    -------
    states : numpy.ndarray
        The states that changed (sorted), and
    values : numpy.ndarray
        their new best weights (``inf``: unreachable).
    """
    graph, dist = problem.graph, problem.dist[row]
    heads = graph.edge_dst[failure.edges]
    heads = heads[problem.entry[row, heads] == failure.edges]
    if not len(heads):
        return np.empty(0, dtype=np.int64), np.empty(0)
    tree = problem.trees[row]
    states = np.unique(np.concatenate([tree.subtree(h) for h in np.unique(heads)]))
    inside = np.zeros(graph.n_states, dtype=bool)
    inside[states] = True
    local = np.full(graph.n_states, -1, dtype=np.int64)
    local[states] = np.arange(len(states))
    positions, targets = _gather(failure.matrix_t, states)  # edges into the subtree
    sources = failure.matrix_t.indices[positions]
    outside = ~inside[sources]
    start = np.full(len(states), np.inf)
    np.minimum.at(
        start,
        local[targets[outside]],
        dist[sources[outside]] + failure.matrix_t.data[positions[outside]],
    )
    positions, origins = _gather(failure.matrix, states)  # edges within the subtree
    heads_all = failure.matrix.indices[positions]
    within = inside[heads_all]
    k = len(states)
    seeded = np.flatnonzero(np.isfinite(start))
    rows = np.r_[local[origins[within]], np.full(len(seeded), k)]
    cols = np.r_[local[heads_all[within]], seeded]
    data = np.r_[failure.matrix.data[positions[within]], start[seeded]]
    sub = sp.csr_array((data, (rows, cols)), shape=(k + 1, k + 1))
    values = csgraph.dijkstra(sub, directed=True, indices=k)[:k]
    return states, values


def _after(
    problem: _Problem, pairs: np.ndarray, failure: _Failure, place: int | None
) -> np.ndarray:
    """Best weight of each affected pair once the element has failed."""
    starts = problem.graph.place_state_start
    after = np.empty(len(pairs))
    for row in np.unique(problem.pair_row[pairs]):
        chosen = np.flatnonzero(problem.pair_row[pairs] == row)
        if place is not None and problem.origins[row] == place:
            after[chosen] = np.inf  # the failed place is the origin
            continue
        states, values = _repair(problem, int(row), failure)
        dist = problem.dist[row].copy()
        dist[states] = values
        per_place = np.minimum.reduceat(dist, starts[:-1])  # as SearchResult.place_dist
        after[chosen] = per_place[problem.pair_dest[pairs[chosen]]]
    return after


def _evaluate(problem: _Problem, elements: Sequence[str]) -> list[dict[str, float]]:
    """Criticality statistics of each element (a task; module-level for pickling)."""
    out = []
    for element in elements:
        pairs = problem.element_pairs[element]
        ends = problem.detour_ends.get(element)
        row: dict[str, float] = {
            "pairs_using": len(pairs),
            "demand_using": float(problem.pair_demand[pairs].sum()),
        }
        if not len(pairs) and ends is None:
            out.append(row)
            continue
        failure = _fail(problem, problem.element_edges[element])
        if len(pairs):
            after = _after(problem, pairs, failure, problem.element_place.get(element))
            row.update(_pair_stats(problem, pairs, after))
        if ends is not None:
            result = search(
                problem.graph,
                [ends[0]],
                weight=problem.weight,
                mask=failure.mask,
                prepared=(failure.matrix, failure.edge_of_entry),
            )
            row.update(_detour(problem.graph, result, 0, ends[1]))
        out.append(row)
    return out


def _pair_stats(problem: _Problem, pairs: np.ndarray, after: np.ndarray) -> dict[str, float]:
    demand = problem.pair_demand[pairs]
    lost = ~np.isfinite(after)
    delta = np.where(lost, 0.0, after - problem.base[pairs])
    return {
        "pairs_disconnected": int(lost.sum()),
        "demand_disconnected": float(demand[lost].sum()),
        "delta_total": float((demand * delta).sum()),
        "delta_max": float(delta.max(initial=0.0)),
    }


def _detour(graph: CompiledGraph, result: Any, row: int, dest: int) -> dict[str, float]:
    state = result.best_state(row, dest)
    if state < 0:
        return {"detour_value": np.nan, "detour_time_h": np.nan, "detour_distance_km": np.nan}
    edges = result.edge_path(row, state)
    return {
        "detour_value": float(result.dist[row, state]),
        "detour_time_h": float(graph.time_h[edges].sum()),
        "detour_distance_km": float(graph.distance_km[edges].sum()),
    }


def _criticality_frame(
    net: Network, elements: str, names: list[str], rows: list[dict[str, float]]
) -> gpd.GeoDataFrame:
    columns = [
        "pairs_using",
        "demand_using",
        "pairs_disconnected",
        "demand_disconnected",
        "delta_total",
        "delta_max",
    ]
    if elements == "links":
        columns += ["detour_value", "detour_time_h", "detour_distance_km"]
    stats = pd.DataFrame(rows, index=pd.Index(names, name="id")).reindex(columns=columns)
    for column in ("pairs_disconnected", "demand_disconnected", "delta_total", "delta_max"):
        stats[column] = stats[column].fillna(0.0)
    stats["pairs_using"] = stats["pairs_using"].astype(int)
    stats["pairs_disconnected"] = stats["pairs_disconnected"].astype(int)
    if elements == "links":
        info = net.links.loc[names, ["from", "to", "mode", "corridors", "geometry"]].copy()
        info.insert(0, "kind", "link")
        info.insert(
            0,
            "name",
            [
                f"{net.places.loc[a, 'name']} – {net.places.loc[b, 'name']}"
                for a, b in zip(info["from"], info["to"], strict=True)
            ],
        )
    else:
        info = net.places.loc[names, ["name", "kind", "country", "countries", "geometry"]]
    frame = info.join(stats)
    frame = frame.sort_values(
        ["pairs_disconnected", "delta_total"], ascending=False, kind="stable"
    )
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=net.crs)


# ---------------------------------------------------------------- closures


def close_borders(
    net: Network,
    countries: Sequence[str] | str | None = ("CN", "RU"),
    *,
    crossings: Iterable[str] | None = None,
    modes: Iterable[str] | None = None,
) -> Network:
    """Return a copy of `net` with border crossings closed (the base is unchanged).

    Parameters
    ----------
    net
        The network.
    countries
        Two country codes (``("CN", "RU")`` or ``"CN-RU"``): close every crossing
        between them. ``None`` with `crossings`: close only those.
    crossings
        Crossings to close (ids or names), on top of those of `countries`.
    modes
        Close only these modes at the crossings (their links there are closed);
        default: the whole crossing.

    Returns
    -------
    Network
        The new network; closed crossings have ``closed = True`` (or their links
        of the given modes do).

    Raises
    ------
    DataError
        If the country pair has no crossing, or a place is not a border crossing.
    """
    closed = _crossings_between(net, countries) if countries is not None else []
    for crossing in net.select(list(crossings)) if crossings else []:
        if net.graph.nodes[crossing]["kind"] != "border":
            raise DataError(
                f"{crossing!r} is a {net.graph.nodes[crossing]['kind']}, not a "
                "border crossing (kind = border)"
            )
        closed.append(crossing)
    chosen = restrictions(net, modes=modes).modes if modes is not None else None  # checked
    out = net.copy()
    for crossing in closed:
        served = set(out.graph.nodes[crossing]["modes"].split(";"))
        if chosen is None:
            out.close_place(crossing, where="close_borders")
        elif chosen & served:
            out.close_place(crossing, modes=sorted(chosen & served), where="close_borders")
    return out


def _crossings_between(net: Network, countries: Sequence[str] | str) -> list[str]:
    """Crossings joining two countries (``"CN-RU"`` or a pair); raise if there are none."""
    pair = countries if isinstance(countries, str) else "-".join(countries)
    found = net.crossings_between(pair)
    if not found:
        joined = sorted(set(net.places.loc[net.places["kind"] == "border", "countries"]))
        raise DataError(
            f"no border crossing joins {pair.upper()}; crossings join {', '.join(joined)}"
        )
    return found


def close_region(
    net: Network,
    *,
    point: tuple[float, float] | None = None,
    radius_km: float | None = None,
    polygon: shapely.Geometry | str | None = None,
) -> Network:
    """Return a copy of `net` with every place and link in a region closed.

    A correlated failure: a flood, a storm, a closed province.

    Parameters
    ----------
    net
        The network.
    point, radius_km
        A circle: (lon, lat) in degrees and its radius in km.
    polygon
        A shapely (multi)polygon in EPSG:4326, or the path of a GeoJSON /
        GeoPackage file whose geometries are united.

    Returns
    -------
    Network
        Places inside are closed; links whose geometry enters the region are closed.

    Raises
    ------
    DataError
        Unless exactly one of `point` + `radius_km` or `polygon` is given.
    """
    region = _region(point, radius_km, polygon)
    out = net.copy()
    places = out.places
    inside = places.index[places.geometry.intersects(region)]
    for place in inside:
        out.graph.nodes[place]["closed"] = True
    for _, _, data in out.graph.edges(data=True):
        if data["geometry"].intersects(region):
            data["closed"] = True
    out.touch()
    return out


def _region(
    point: tuple[float, float] | None,
    radius_km: float | None,
    polygon: shapely.Geometry | str | None,
) -> shapely.Geometry:
    if (point is None) == (polygon is None) or (point is not None and not radius_km):
        raise DataError("give either point=(lon, lat) with radius_km > 0, or polygon")
    if polygon is not None:
        if isinstance(polygon, str):
            frame = gpd.read_file(polygon)
            if frame.crs is not None and frame.crs != "EPSG:4326":
                frame = frame.to_crs("EPSG:4326")
            return frame.union_all()
        return polygon
    lon, lat = point  # type: ignore[misc]
    local = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    circle = gpd.GeoSeries([shapely.Point(0, 0).buffer(radius_km * 1000.0, 64)], crs=local)
    return circle.to_crs("EPSG:4326").iloc[0]


# ---------------------------------------------------------------- impact


@dataclasses.dataclass(frozen=True)
class Impact:
    """What a changed network does to OD pairs (see :func:`impact`).

    Parameters
    ----------
    pairs
        One row per OD pair: ``orig``, ``dest``, ``demand``, ``before``, ``after``
        (in the weight's unit; NaN: no route), ``change``, ``newly_unreachable``,
        ``crossing_before``, ``crossing_after`` (``;``-joined), ``corridor_before``,
        ``corridor_after`` (corridors of the route's longest link).
    summary
        ``pairs``, ``pairs_disconnected``, ``places_cut_off`` (origins that reached
        a destination before and none after: isolated islands), ``mean_delay``,
        ``max_delay`` (over pairs connected in both), ``extra_cost_per_period``
        (Σ demand × change over those pairs), ``weight``.
    shifted
        Volume through each border crossing and port, before and after
        (assignment of the pairs' demand): ``name``, ``kind``, ``before``,
        ``after``, ``change``.
    before, after
        The assignments of the pairs' demand on each network (link volumes for maps).
    """

    pairs: pd.DataFrame
    summary: dict[str, Any]
    shifted: pd.DataFrame
    before: Assignment | None = None
    after: Assignment | None = None


class _Routes(NamedTuple):
    """One network's best routes for the OD pairs (see :func:`_route_labels`)."""

    labels: pd.DataFrame
    through: pd.Series
    kinds: pd.DataFrame
    assignment: Assignment


def _route_labels(net: Network, weight: str, pairs: pd.DataFrame) -> _Routes:
    """Per pair: best value, crossings and main corridor; per place: volume through it."""
    flows = pairs[["orig", "dest"]].assign(volume=pairs["demand"])
    result = assign(net, flows, weight=weight)
    routes = result.routes
    labels = pd.DataFrame({
        "value": routes[WEIGHT_COLUMNS[weight]].where(routes["reachable"]),
        "crossing": routes["crossings"].astype(object).fillna(""),
        "corridor": [_main_corridor(net, p) if isinstance(p, str) else ""
                     for p in routes["places"]],
    })  # fmt: skip
    volumes = result.places
    through = volumes["volume_crossing"].where(
        volumes["kind"] == "border", volumes["volume_through"]
    )
    return _Routes(labels, through.rename("volume"), volumes[["name", "kind"]], result)


def _main_corridor(net: Network, places_path: str) -> str:
    stops = places_path.split(" > ")
    best, length = "", -1.0
    for a, b in itertools.pairwise(stops):
        for data in net.graph[a][b].values() if net.graph.has_edge(a, b) else ():
            if data.get("corridors") and data["length"] > length:
                best, length = str(data["corridors"]).split(";")[0], data["length"]
    return best


def impact(
    base: Network,
    changed: Network,
    od: pd.DataFrame | tuple | None = None,
    *,
    weight: str = "generalized",
) -> Impact:
    """Compare every OD pair's best route on `base` and on `changed`.

    Parameters
    ----------
    base, changed
        The network before and after (e.g. from :func:`close_borders`).
    od
        OD pairs and their demand (see :func:`od_pairs`); default parks × ports.
    weight
        ``time``, ``distance``, ``cost`` or ``generalized`` (default).

    Returns
    -------
    Impact
        Per-pair table, summary and shifted volumes.
    """
    check_weight(weight)
    pairs = od_pairs(base, od)
    return _impact(pairs, _route_labels(base, weight, pairs), changed, weight)


def _impact(
    pairs: pd.DataFrame,
    base_labels: _Routes,
    changed: Network,
    weight: str,
) -> Impact:
    """Impact on `changed` given the base's route labels (computed once by callers)."""
    before, through_before, kinds, assigned_before = base_labels
    after, through_after, _, assigned_after = _route_labels(changed, weight, pairs)
    table = pairs.copy()
    table["before"], table["after"] = before["value"].to_numpy(), after["value"].to_numpy()
    table["change"] = table["after"] - table["before"]
    table["newly_unreachable"] = table["before"].notna() & table["after"].isna()
    table["crossing_before"] = before["crossing"].to_numpy()
    table["crossing_after"] = np.where(table["after"].notna(), after["crossing"], "")
    table["corridor_before"] = before["corridor"].to_numpy()
    table["corridor_after"] = np.where(table["after"].notna(), after["corridor"], "")
    both = table["before"].notna() & table["after"].notna()
    reached_before = table[table["before"].notna()].groupby("orig").size()
    reached_after = table[table["after"].notna()].groupby("orig").size()
    cut_off = sorted(set(reached_before.index) - set(reached_after.index))
    summary = {
        "weight": weight,
        "pairs": len(table),
        "pairs_disconnected": int(table["newly_unreachable"].sum()),
        "places_cut_off": cut_off,
        "mean_delay": float(table.loc[both, "change"].mean()) if both.any() else 0.0,
        "max_delay": float(table.loc[both, "change"].max()) if both.any() else 0.0,
        "extra_cost_per_period": float(
            (table.loc[both, "change"] * table.loc[both, "demand"]).sum()
        ),
    }
    shifted = kinds.assign(before=through_before, after=through_after)
    shifted = shifted[shifted["kind"].isin(["border", "port"])]
    shifted = shifted.assign(change=shifted["after"] - shifted["before"])
    shifted = shifted[(shifted["before"] != 0) | (shifted["after"] != 0)]
    return Impact(table, summary, shifted.sort_values("change"), assigned_before, assigned_after)


def closure_matrix(
    net: Network,
    od: pd.DataFrame | tuple | None = None,
    *,
    weight: str = "generalized",
) -> pd.DataFrame:
    """Close each country pair's crossings in turn and tabulate the impact.

    Parameters
    ----------
    net
        The network.
    od
        OD pairs and their demand (see :func:`od_pairs`); default parks × ports.
    weight
        ``time``, ``distance``, ``cost`` or ``generalized``.

    Returns
    -------
    pandas.DataFrame
        Indexed by country pair (``CN-RU``), columns ``crossings`` (number closed),
        ``pairs_disconnected``, ``places_cut_off`` (number), ``mean_delay``,
        ``max_delay``, ``extra_cost_per_period`` (weight units × demand).
    """
    check_weight(weight)
    borders = net.places[net.places["kind"] == "border"]
    pairs = od_pairs(net, od)
    base_labels = _route_labels(net, weight, pairs)  # the base routes, once for all closures
    rows = {}
    for pair in sorted(set(borders["countries"])):
        result = _impact(pairs, base_labels, close_borders(net, pair), weight).summary
        rows[pair] = {
            "crossings": int((borders["countries"] == pair).sum()),
            "pairs_disconnected": result["pairs_disconnected"],
            "places_cut_off": len(result["places_cut_off"]),
            "mean_delay": result["mean_delay"],
            "max_delay": result["max_delay"],
            "extra_cost_per_period": result["extra_cost_per_period"],
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("countries")


# ---------------------------------------------------------------- failure simulations


STRATEGIES = ("random", "degree", "betweenness", "criticality")


@dataclasses.dataclass(frozen=True)
class _Simulation:
    graph: CompiledGraph
    weight: str
    mask: np.ndarray
    origins: np.ndarray
    dests: np.ndarray
    element_edges: list[np.ndarray]
    order: np.ndarray | None
    fractions: tuple[float, ...]
    seed: int
    base_inverse: float
    base_pairs: int


def simulate_failures(
    net: Network,
    *,
    runs: int = 100,
    strategy: Literal["random", "degree", "betweenness", "criticality"] = "random",
    elements: Literal["links", "places", "crossings"] = "links",
    fractions: Sequence[float] = (0.01, 0.02, 0.05, 0.1, 0.2),
    od: tuple | None = None,
    weight: str = "generalized",
    seed: int = 0,
    executor: Executor | None = None,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Remove growing shares of elements and measure how the network degrades.

    Each run draws one order of failure (``random``: a random permutation; the
    targeted strategies fail elements from the most to the least important, by
    degree, betweenness on the network, or criticality, ties broken at random)
    and removes its first ``fraction × n`` elements for each fraction.

    Parameters
    ----------
    net
        The network.
    runs
        Number of runs (each with its own random draw).
    strategy
        ``random``, ``degree``, ``betweenness`` or ``criticality``.
    elements
        ``links``, ``places`` or ``crossings``.
    fractions
        Shares of elements removed (0–1).
    od
        ``(origins, destinations)`` kinds or lists (default parks × ports).
    weight
        Weight of the mean cost (default ``generalized``, USD/TEU).
    seed
        Random seed: results are identical for a seed whatever the executor.
    executor
        Where to run (see :mod:`corridors.parallel`).
    progress
        Progress bar: ``True``, ``False`` or ``None`` (only on a terminal).

    Returns
    -------
    pandas.DataFrame
        One row per (run, fraction): ``run``, ``fraction``, ``removed`` (elements),
        ``connected_share`` (OD pairs still connected / connected at the start),
        ``efficiency`` (mean of 1 / weight over pairs, relative to the start: 1 is
        intact, 0 is nothing connected) and ``mean_value`` (mean weight of the pairs
        still connected, in the weight's unit).
    """
    if strategy not in STRATEGIES:
        raise DataError(f"strategy = {strategy!r}; expected one of {', '.join(STRATEGIES)}")
    if any(not 0 <= f <= 1 for f in fractions):
        raise DataError(f"fractions = {list(fractions)}; expected shares between 0 and 1")
    simulation = _prepare_simulation(net, strategy, elements, tuple(fractions), od, weight, seed)
    rows = map_chunks(
        _simulate_runs,
        simulation,
        list(range(runs)),
        executor=executor,
        progress=progress,
        description="failure runs",
    )
    return pd.DataFrame([r for run in rows for r in run])


def _prepare_simulation(
    net: Network,
    strategy: str,
    elements: str,
    fractions: tuple,
    od: tuple | None,
    weight: str,
    seed: int,
) -> _Simulation:
    graph = compile_network(net)
    mask = graph.edge_mask(restrictions(net))
    edges_of = _element_edges(graph, elements, net)
    names = [e for e in sorted(edges_of) if mask[edges_of[e]].any()]
    origins_spec, dests_spec = od or ("park", "port")
    index = graph.place_index
    origins = np.array([index[p] for p in net.select(origins_spec)])
    dests = np.array([index[p] for p in net.select(dests_spec)])
    order = None
    if strategy != "random":
        score = _importance(net, strategy, elements, names, weight, od)
        order = np.argsort(-np.asarray(score), kind="stable")
    simulation = _Simulation(
        graph,
        weight,
        mask,
        origins,
        dests,
        [edges_of[e] for e in names],
        order,
        fractions,
        seed,
        1.0,
        1,
    )
    inverse, connected, _ = _measure(simulation, mask)
    return dataclasses.replace(simulation, base_inverse=inverse, base_pairs=connected)


def _importance(
    net: Network,
    strategy: str,
    elements: str,
    names: list[str],
    weight: str,
    od: tuple | None,
) -> list[float]:
    import networkx as nx

    if strategy == "criticality":
        crit = criticality(net, od, weight=weight, elements=elements, detour=False)
        return [
            float(crit.loc[n, "pairs_disconnected"] * 1e9 + crit.loc[n, "delta_total"])
            for n in names
        ]
    simple = nx.Graph(net.graph)
    if strategy == "degree":
        degree = dict(simple.degree())
        if elements == "links":
            links = net.links
            return [degree[links.loc[n, "from"]] + degree[links.loc[n, "to"]] for n in names]
        return [degree[n] for n in names]
    if elements == "links":
        between = nx.edge_betweenness_centrality(simple, weight="length")
        links = net.links
        return [
            between.get(
                (links.loc[n, "from"], links.loc[n, "to"]),
                between.get((links.loc[n, "to"], links.loc[n, "from"]), 0.0),
            )
            for n in names
        ]
    between = nx.betweenness_centrality(simple, weight="length")
    return [between[n] for n in names]


def _measure(simulation: _Simulation, mask: np.ndarray) -> tuple[float, int, float]:
    graph = simulation.graph
    result = search(graph, simulation.origins, weight=simulation.weight, mask=mask)
    values = result.place_dist(simulation.dests)
    same = simulation.origins[:, None] == simulation.dests[None, :]
    values = values[~same]
    finite = np.isfinite(values) & (values > 0)
    inverse = float((1.0 / values[finite]).sum())
    connected = int(np.isfinite(values).sum())
    mean = float(values[np.isfinite(values)].mean()) if connected else np.nan
    return inverse, connected, mean


def _simulate_runs(simulation: _Simulation, runs: Sequence[int]) -> list[list[dict]]:
    """Run failure simulations (a task; module-level for pickling)."""
    out = []
    n = len(simulation.element_edges)
    for run in runs:
        rng = np.random.default_rng([simulation.seed, run])
        if simulation.order is None:
            order = rng.permutation(n)
        else:
            jitter = rng.random(n) * 1e-9  # break ties at random, keep the ranking
            ranks = np.empty(n)
            ranks[simulation.order] = np.arange(n)
            order = np.argsort(ranks + jitter, kind="stable")
        rows = []
        for fraction in simulation.fractions:
            removed = round(fraction * n)
            mask = simulation.mask.copy()
            for element in order[:removed]:
                mask[simulation.element_edges[element]] = False
            inverse, connected, mean = _measure(simulation, mask)
            rows.append({
                "run": run,
                "fraction": fraction,
                "removed": removed,
                "connected_share": connected / max(simulation.base_pairs, 1),
                "efficiency": inverse / simulation.base_inverse if simulation.base_inverse
                else 0.0,
                "mean_value": mean,
            })  # fmt: skip
        out.append(rows)
    return out


@dataclasses.dataclass(frozen=True)
class _Storms:
    net: Network
    radius_km: float
    centres: np.ndarray
    pairs: pd.DataFrame
    base_labels: _Routes
    weight: str


def simulate_region_failures(
    net: Network,
    *,
    runs: int = 100,
    radius_km: float = 100.0,
    od: tuple | None = None,
    weight: str = "generalized",
    seed: int = 0,
    executor: Executor | None = None,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Monte Carlo of correlated failures: everything within `radius_km` of a random place fails.

    Each run draws a centre among the network's places (uniformly) and closes every
    place and link within `radius_km` of it (a flood, a storm, a closed district), as
    :func:`close_region` does, then measures the OD pairs.

    Parameters
    ----------
    net
        The network.
    runs
        Number of runs.
    radius_km
        Radius of each failure, in km.
    od
        ``(origins, destinations)`` kinds or lists (default parks × ports).
    weight
        Weight of the mean value (default ``generalized``, USD/TEU).
    seed
        Random seed: results are identical for a seed whatever the executor.
    executor
        Where to run (see :mod:`corridors.parallel`).
    progress
        Progress bar: ``True``, ``False`` or ``None`` (only on a terminal).

    Returns
    -------
    pandas.DataFrame
        One row per run: ``run``, ``centre`` (place id), ``places_closed``,
        ``links_closed``, ``connected_share`` (pairs still connected / connected
        before), ``pairs_disconnected``, ``mean_delay`` (over pairs connected in both,
        in the weight's unit).
    """
    if radius_km <= 0:
        raise DataError(f"radius_km = {radius_km}; expected a positive radius in km")
    places = np.array(sorted(net.graph.nodes), dtype=object)
    centres = np.array([places[np.random.default_rng([seed, run]).integers(len(places))]
                        for run in range(runs)], dtype=object)  # fmt: skip
    check_weight(weight)
    pairs = od_pairs(net, od)
    storms = _Storms(net, radius_km, centres, pairs, _route_labels(net, weight, pairs), weight)
    rows = map_chunks(
        _storm_runs,
        storms,
        list(range(runs)),
        executor=executor,
        progress=progress,
        description="regional failures",
    )
    return pd.DataFrame(rows)


def _storm_runs(storms: _Storms, runs: Sequence[int]) -> list[dict[str, Any]]:
    """Close a region around each run's centre and measure the impact (a task)."""
    net = storms.net
    out = []
    for run in runs:
        centre = storms.centres[run]
        point = net.places.loc[centre, "geometry"]
        failed = close_region(net, point=(point.x, point.y), radius_km=storms.radius_km)
        summary = _impact(storms.pairs, storms.base_labels, failed, storms.weight)
        table = summary.pairs
        connected_before = int(table["before"].notna().sum())
        out.append({
            "run": run,
            "centre": centre,
            "places_closed": sum(bool(d["closed"]) for _, d in failed.graph.nodes(data=True)),
            "links_closed": len({k for _, _, k, d in failed.graph.edges(keys=True, data=True)
                                 if d["closed"]}),
            "connected_share": float(table["after"].notna().sum()) / max(connected_before, 1),
            "pairs_disconnected": summary.summary["pairs_disconnected"],
            "mean_delay": summary.summary["mean_delay"],
        })  # fmt: skip
    return out


def summarize_failures(
    curves: pd.DataFrame, percentiles: Sequence[float] = (5, 50, 95)
) -> pd.DataFrame:
    """Summarize failure runs into percentile bands per fraction removed.

    Parameters
    ----------
    curves
        The output of :func:`simulate_failures`.
    percentiles
        Percentiles to report (0–100).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``fraction``; columns ``<measure>_p<q>`` for ``connected_share``,
        ``efficiency`` and ``mean_value``, and ``<measure>_mean``.
    """
    measures = ["connected_share", "efficiency", "mean_value"]
    grouped = curves.groupby("fraction")[measures]
    parts = [grouped.mean().add_suffix("_mean")]
    for q in percentiles:
        parts.append(grouped.quantile(q / 100.0).add_suffix(f"_p{q:g}"))
    return pd.concat(parts, axis=1)
