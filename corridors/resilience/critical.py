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
    EDGE_LINK,
    CompiledGraph,
    check_weight,
    compile_network,
    kernel,
    search,
    tree_sums,
)
from corridors.network import Network
from corridors.parallel import map_chunks, task_threads
from corridors.resilience.elements import _element_edges, od_pairs
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
        forward = np.flatnonzero((graph.edge_kind == EDGE_LINK) & ~graph.edge_reversed)
        link_of = {graph.link_ids[i]: i for i in range(len(graph.link_ids))}
        ends = np.zeros((len(graph.link_ids), 2), dtype=np.int64)
        ends[graph.edge_link[forward], 0] = graph.state_place[graph.edge_src[forward]]
        ends[graph.edge_link[forward], 1] = graph.state_place[graph.edge_dst[forward]]
        detour_ends = {
            e: (int(ends[link_of[e], 0]), int(ends[link_of[e], 1]), link_of[e]) for e in edges_of
        }
    return _Problem(
        graph=graph, weight=weight, mask=mask,
        csr=kernel.csr(graph, weight, mask), csr_t=kernel.csr(graph, weight, mask, reverse=True),
        origins=origins, pair_row=pair_row, pair_dest=pair_dest,
        pair_demand=pairs["demand"].to_numpy(dtype=float), base=base, dist=result.dist,
        entry=entry, trees=trees,
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


#: Most allowed states gathered for one batch of repair searches (bounds a task's memory).
_BATCH_STATES = 4_000_000


@dataclasses.dataclass
class _Repairs:
    """Repair searches of a chunk, gathered into batches for the compiled kernel.

    Each search repairs one origin's tree after one element failed; for each
    affected pair it keeps the destination's states (`dest_states`, ragged per
    pair), whether each lies in the repaired subtree, and its target row.
    """

    problem: _Problem
    inside: np.ndarray
    local: np.ndarray
    sources: list[np.ndarray] = dataclasses.field(default_factory=list)
    values: list[np.ndarray] = dataclasses.field(default_factory=list)
    targets: list[np.ndarray] = dataclasses.field(default_factory=list)
    banned: list[np.ndarray] = dataclasses.field(default_factory=list)
    allowed: list[np.ndarray] = dataclasses.field(default_factory=list)
    meta: list[tuple[int, np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]] = (
        dataclasses.field(default_factory=list)
    )
    size: int = 0

    def add(
        self, element: int, positions: np.ndarray, pairs: np.ndarray, row: int, edges: np.ndarray
    ) -> None:
        """Queue the repair of origin `row` for `pairs` (at `positions`) after `edges` failed."""
        problem, graph = self.problem, self.problem.graph
        heads = graph.edge_dst[edges]
        heads = np.unique(heads[problem.entry[row, heads] == edges])
        if not len(heads):
            return
        tree = problem.trees[row]
        states = np.unique(np.concatenate([tree.subtree(h) for h in heads]))
        self.inside[states] = True
        self.local[states] = np.arange(len(states))
        starts = graph.place_state_start
        dests = problem.pair_dest[pairs]
        counts = starts[dests + 1] - starts[dests]
        dest_states = np.repeat(starts[dests] - np.cumsum(np.r_[0, counts[:-1]]), counts)
        dest_states = dest_states + np.arange(counts.sum())
        in_tree = self.inside[dest_states]
        targets = np.unique(dest_states[in_tree])
        target_row = np.full(len(dest_states), -1, dtype=np.int64)
        target_row[in_tree] = np.searchsorted(targets, dest_states[in_tree])
        seeds, start = self._seeds(row, states, edges)
        self.inside[states] = False
        if len(targets):
            csr = problem.csr
            entries = csr.entry_of_edge[edges]
            self.sources.append(seeds)
            self.values.append(start)
            self.targets.append(targets)
            self.banned.append(entries[entries >= 0])
            self.allowed.append(states)
            self.size += len(states)
        self.meta.append((element, positions, row, counts, dest_states, target_row))

    def _seeds(
        self, row: int, states: np.ndarray, edges: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best entry of each subtree state from outside the subtree (unchanged values)."""
        csr_t, dist = self.problem.csr_t, self.problem.dist[row]
        lo, hi = csr_t.indptr[states], csr_t.indptr[states + 1]
        counts = hi - lo
        positions = np.repeat(lo - np.cumsum(np.r_[0, counts[:-1]]), counts)
        positions = positions + np.arange(counts.sum())
        heads = np.repeat(states, counts)
        tails = csr_t.indices[positions]
        keep = ~self.inside[tails] & ~np.isin(csr_t.edge[positions], edges)
        start = np.full(len(states), np.inf)
        np.minimum.at(
            start, self.local[heads[keep]], dist[tails[keep]] + csr_t.weight[positions[keep]]
        )
        seeded = np.flatnonzero(np.isfinite(start))
        return states[seeded], start[seeded]

    def flush(self, after: dict[int, np.ndarray]) -> None:
        """Run the queued searches; write each pair's new best value into `after`."""
        problem = self.problem
        values = np.empty(0)
        t_ptr = np.zeros(1, dtype=np.int64)
        if self.sources:
            queries = kernel.Queries.build(
                self.sources,
                self.targets,
                source_values=self.values,
                banned=self.banned,
                allowed=self.allowed,
            )
            values = kernel.run(problem.csr, queries, threads=problem.threads).value
            t_ptr = queries.target_ptr
        query = 0
        for element, positions, row, counts, dest_states, target_row in self.meta:
            base = problem.dist[row, dest_states]
            if (target_row >= 0).any():
                offset = t_ptr[query]
                query += 1
                new = values[offset + np.maximum(target_row, 0)]
                base = np.where(target_row >= 0, new, base)
            bounds = np.r_[0, np.cumsum(counts)[:-1]]
            after[element][positions] = np.minimum.reduceat(base, bounds)
        self.sources, self.values, self.targets = [], [], []
        self.banned, self.allowed, self.meta, self.size = [], [], [], 0


def _evaluate(problem: _Problem, elements: Sequence[str]) -> list[dict[str, float]]:
    """Criticality statistics of each element (a task; module-level for pickling)."""
    n = problem.graph.n_states
    repairs = _Repairs(problem, np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64))
    after: dict[int, np.ndarray] = {}
    for index, element in enumerate(elements):
        pairs = problem.element_pairs[element]
        if not len(pairs):
            continue
        after[index] = problem.base[pairs].copy()
        edges = problem.element_edges[element]
        place = problem.element_place.get(element)
        rows = problem.pair_row[pairs]
        for row in np.unique(rows):
            positions = np.flatnonzero(rows == row)
            if place is not None and problem.origins[row] == place:
                after[index][positions] = np.inf  # the failed place is the origin
                continue
            repairs.add(index, positions, pairs[positions], int(row), edges)
            if repairs.size > _BATCH_STATES:
                repairs.flush(after)
    repairs.flush(after)
    out = []
    for index, element in enumerate(elements):
        pairs = problem.element_pairs[element]
        row: dict[str, float] = {
            "pairs_using": len(pairs),
            "demand_using": float(problem.pair_demand[pairs].sum()),
        }
        if len(pairs):
            row.update(_pair_stats(problem, pairs, after[index]))
        out.append(row)
    _add_detours(problem, elements, out)
    return out


def _add_detours(problem: _Problem, elements: Sequence[str], out: list[dict]) -> None:
    """Add the best alternative between each link's ends (one batch of kernel searches)."""
    chosen = [i for i, e in enumerate(elements) if e in problem.detour_ends]
    if not chosen:
        return
    ends = np.array([problem.detour_ends[elements[i]] for i in chosen], dtype=np.int64)
    graph, csr = problem.graph, problem.csr
    queries = kernel.place_queries(graph, csr, problem.mask, ends[:, 0], ends[:, 1], ends[:, 2])
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
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=net.crs)
