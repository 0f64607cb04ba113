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
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from corridors import _validate as v
from corridors._errors import DataError
from corridors.engine import (
    CompiledGraph,
    check_weight,
    compile_network,
    kernel,
    search,
    tree_sums,
)
from corridors.engine.repair import Trees, repair
from corridors.network import Network
from corridors.parallel import map_chunks, task_threads
from corridors.resilience.elements import _element_edges, _link_places, od_pairs
from corridors.routing import restrictions

__all__ = ["criticality", "route_usage"]


@dataclasses.dataclass(frozen=True)
class _Problem:
    """Everything a criticality task needs, shipped once per task chunk."""

    graph: CompiledGraph
    weight: str
    mask: np.ndarray
    csr: kernel.Csr
    csr_t: kernel.Csr
    places: kernel.PlaceQueries
    origins: np.ndarray
    pair_row: np.ndarray
    pair_dest: np.ndarray
    pair_demand: np.ndarray
    base: np.ndarray
    trees: Trees
    element_edges: dict[str, np.ndarray]
    element_pairs: dict[str, np.ndarray]
    element_place: dict[str, int]
    detour_ends: dict[str, tuple[int, int, int]]
    threads: int | None


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
    the pairs that used it are recomputed, and only below the failed edges of
    their origin's shortest-path tree: a compiled search (:mod:`corridors.engine.kernel`)
    seeded from the unchanged states around that subtree, confined to it, stops
    once the pairs' destinations are settled. Equals brute force (remove the
    element, recompute all pairs).

    References
    ----------
    .. [1] Deltares (2023). RA2CE: Resilience Assessment and Adaptation for Critical
       infrastructurE, single- and multi-link redundancy analyses.
    """
    check_weight(weight)
    problem = _prepare(
        net, od_pairs(net, od), weight, elements, candidates, detour, include_planned
    )
    problem = dataclasses.replace(problem, threads=task_threads(executor))
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
    rows = [_tree(result.pred[r], result.dist[r]) for r in range(len(origins))]
    entry = (
        np.vstack([result.entry_edges(r) for r in range(len(origins))])
        if len(origins)
        else np.empty((0, graph.n_states), dtype=np.int64)
    )
    best = np.array(
        [result.best_state(int(r), int(d)) for r, d in zip(pair_row, pair_dest, strict=True)],
        dtype=np.int64,
    )
    element_pairs = _element_pairs(graph, edges_of, rows, entry, pair_row, best)
    order = np.full((len(rows), graph.n_states), -1, dtype=np.int64)
    for r, tree in enumerate(rows):
        order[r, : len(tree.order)] = tree.order
    trees = Trees(
        order=order,
        tin=np.array([t.tin for t in rows]).reshape(len(rows), graph.n_states),
        size=np.array([t.size for t in rows]).reshape(len(rows), graph.n_states),
        entry=entry,
        dist=result.dist,
    )
    detour_ends = {}
    if detour and elements == "links":
        link_of = {graph.link_ids[i]: i for i in range(len(graph.link_ids))}
        from_place, to_place = _link_places(graph)
        detour_ends = {
            e: (int(from_place[link_of[e]]), int(to_place[link_of[e]]), link_of[e])
            for e in edges_of
        }
    csr = kernel.csr(graph, weight, mask)
    return _Problem(
        graph=graph, weight=weight, mask=mask,
        csr=csr, csr_t=kernel.csr(graph, weight, mask, reverse=True),
        places=kernel.PlaceQueries.prepare(graph, csr, mask),
        origins=origins, pair_row=pair_row, pair_dest=pair_dest,
        pair_demand=pairs["demand"].to_numpy(dtype=float), base=base, trees=trees,
        element_edges=edges_of,
        element_pairs=element_pairs,
        element_place={e: index[e] for e in edges_of} if elements != "links" else {},
        detour_ends=detour_ends,
        threads=None,
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


def _evaluate(problem: _Problem, elements: Sequence[str]) -> list[dict[str, float]]:
    """Criticality statistics of each element (a task; module-level for pickling).

    Every (element, origin) whose pairs used the element is one repair query of
    :func:`corridors.engine.repair.repair`; the statistics are sums per element.
    """
    names = list(elements)
    pairs_of = [problem.element_pairs[e] for e in names]
    owner = np.repeat(np.arange(len(names)), [len(p) for p in pairs_of])
    pair = np.concatenate([*pairs_of, np.empty(0, dtype=np.int64)]).astype(np.int64)
    rows = problem.pair_row[pair]
    key = owner * max(len(problem.origins), 1) + rows
    order = np.argsort(key, kind="stable")
    owner, pair, rows, key = owner[order], pair[order], rows[order], key[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
    starts = problem.graph.place_state_start
    dests = problem.pair_dest[pair]
    counts = starts[dests + 1] - starts[dests]
    pair_start = np.r_[0, np.cumsum(counts)]
    dest_states = np.repeat(starts[dests] - pair_start[:-1], counts) + np.arange(pair_start[-1])
    edges_of = [problem.element_edges[e] for e in names]
    group_ptr = np.r_[0, np.cumsum([len(x) for x in edges_of])].astype(np.int64)
    group_edges = np.concatenate([*edges_of, np.empty(0, dtype=np.int64)]).astype(np.int64)
    values = repair(
        problem.csr, problem.csr_t, problem.graph.edge_dst, problem.trees,
        rows[first], owner[first], group_ptr, group_edges,
        pair_start[np.r_[first, len(pair)]], dest_states, threads=problem.threads,
    )  # fmt: skip
    after = np.minimum.reduceat(values, pair_start[:-1]) if len(pair) else np.empty(0)
    failed_place = np.array([problem.element_place.get(e, -1) for e in names], dtype=np.int64)
    after[problem.origins[rows] == failed_place[owner]] = np.inf  # the failed place is the origin
    stats = _pair_stats(problem, owner, pair, after, len(names))
    out = [dict(zip(stats, values, strict=True)) for values in zip(*stats.values(), strict=True)]
    _add_detours(problem, names, out)
    return out


def _add_detours(problem: _Problem, elements: Sequence[str], out: list[dict]) -> None:
    """Add the best alternative between each link's ends (one batch of kernel searches)."""
    chosen = [i for i, e in enumerate(elements) if e in problem.detour_ends]
    if not chosen:
        return
    ends = np.array([problem.detour_ends[elements[i]] for i in chosen], dtype=np.int64)
    graph, csr = problem.graph, problem.csr
    queries = problem.places(ends[:, 0], ends[:, 1], ends[:, 2])
    extra = np.vstack([graph.time_h[csr.edge], graph.distance_km[csr.edge]])
    answers = kernel.run(csr, queries, extra=extra, first=True, threads=problem.threads)
    best = kernel.best_of(answers, queries)
    for i, row in zip(chosen, best, strict=True):
        found = row >= 0
        out[i].update(
            detour_value=float(answers.value[row]) if found else np.nan,
            detour_time_h=float(answers.sums[row, 0]) if found else np.nan,
            detour_distance_km=float(answers.sums[row, 1]) if found else np.nan,
        )


def _pair_stats(
    problem: _Problem, owner: np.ndarray, pair: np.ndarray, after: np.ndarray, n: int
) -> dict[str, list]:
    """Sum the pairs' losses per element (`owner`: element of each pair)."""
    demand = problem.pair_demand[pair]
    lost = ~np.isfinite(after)
    delta = np.where(lost, 0.0, after - problem.base[pair])
    worst = np.zeros(n)
    np.maximum.at(worst, owner, delta)
    return {
        "pairs_using": np.bincount(owner, minlength=n).astype(int).tolist(),
        "demand_using": np.bincount(owner, weights=demand, minlength=n).tolist(),
        "pairs_disconnected": np.bincount(owner, weights=lost, minlength=n).astype(int).tolist(),
        "demand_disconnected": np.bincount(owner, weights=demand * lost, minlength=n).tolist(),
        "delta_total": np.bincount(owner, weights=demand * delta, minlength=n).tolist(),
        "delta_max": worst.tolist(),
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
        place_names = net.places["name"]
        ends = place_names.reindex(info["from"]).to_numpy(dtype=object) + " – "
        info.insert(0, "name", ends + place_names.reindex(info["to"]).to_numpy(dtype=object))
    else:
        info = net.places.loc[names, ["name", "kind", "country", "countries", "geometry"]]
    frame = info.join(stats)
    frame = frame.sort_values(
        ["pairs_disconnected", "delta_total"], ascending=False, kind="stable"
    )
    out = gpd.GeoDataFrame(frame, geometry="geometry", crs=net.crs)
    out.attrs["modes"] = restrictions(net).mode_text  # what the OD pairs are routed by
    return out
