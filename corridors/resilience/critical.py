"""Critical elements: what each link, place or crossing's failure costs the OD pairs.

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
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from corridors import _validate as v
from corridors._errors import DataError
from corridors.engine import CompiledGraph, check_weight, compile_network, search, tree_sums
from corridors.network import Network
from corridors.parallel import map_chunks
from corridors.resilience.elements import _element_edges, od_pairs
from corridors.routing import restrictions

__all__ = ["criticality", "route_usage"]


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
