"""All-or-nothing loading of an OD matrix on shortest-path trees.

One :func:`scipy.sparse.csgraph.dijkstra` call finds the shortest-path tree of
every origin; the demand is then pushed up all trees at once, one tree level per
vectorised step (deepest level first), so no path is ever walked in Python.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

__all__ = ["AonResult", "FlowGraph", "Loader"]

_DENSE_PAIRS = 1 << 24  # node pairs up to which flows are summed per pair in a dense array


@dataclasses.dataclass(frozen=True)
class FlowGraph:
    """A directed graph with zones, as assignment sees it.

    Parameters
    ----------
    n_nodes
        Number of nodes (``0 .. n_nodes - 1``).
    src, dst
        Tail and head node of each edge. Parallel edges are allowed: a search uses
        the cheapest at the current costs.
    origin_node, dest_node
        Node where each zone's trips start and end (a centroid, or a virtual node
        joined to the zone's states by zero-cost edges).
    """

    n_nodes: int
    src: np.ndarray
    dst: np.ndarray
    origin_node: np.ndarray
    dest_node: np.ndarray

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.src)

    @property
    def n_zones(self) -> int:
        """Number of zones."""
        return len(self.origin_node)


@dataclasses.dataclass(frozen=True)
class AonResult:
    """One all-or-nothing loading.

    Parameters
    ----------
    flow
        Flow per edge.
    od_cost
        ``n_zones × n_zones`` shortest-path costs (``inf``: no path; rows of zones
        with no demand are NaN: not searched).
    unassigned
        ``n_zones × n_zones`` demand that found no path (it adds no flow).
    """

    flow: np.ndarray
    od_cost: np.ndarray
    unassigned: np.ndarray


class Loader:
    """All-or-nothing loader of one graph (prepares the CSR layout once).

    Parameters
    ----------
    graph
        The graph with its zones.
    """

    def __init__(self, graph: FlowGraph) -> None:
        self.graph = graph
        n = graph.n_nodes
        order = np.lexsort((graph.dst, graph.src))
        src, dst = graph.src[order], graph.dst[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        self._order = order
        self._starts = np.flatnonzero(first)
        self._group = np.cumsum(first) - 1
        self._parallel = len(self._starts) < len(order)
        pair_src, self._pair_dst = src[first], dst[first]
        self._indptr = np.concatenate(([0], np.cumsum(np.bincount(pair_src, minlength=n))))
        self._keys = pair_src * n + self._pair_dst
        self._unique_dests = len(np.unique(graph.dest_node)) == graph.n_zones

    def _matrix(self, cost: np.ndarray) -> tuple[sp.csr_array, np.ndarray]:
        """CSR of the cheapest edge between each node pair, and which edge that is."""
        sorted_cost = cost[self._order]
        if not self._parallel:
            chosen, values = self._order, sorted_cost
        else:
            values = np.minimum.reduceat(sorted_cost, self._starts)
            at_min = np.flatnonzero(sorted_cost <= values[self._group])
            keep = np.ones(len(at_min), dtype=bool)
            keep[1:] = self._group[at_min[1:]] != self._group[at_min[:-1]]
            chosen = self._order[at_min[keep]]
        n = self.graph.n_nodes
        matrix = sp.csr_array((values, self._pair_dst, self._indptr), shape=(n, n))
        return matrix, chosen

    def load(self, cost: np.ndarray, demand: np.ndarray) -> AonResult:
        """Load `demand` all-or-nothing on the shortest paths at edge costs `cost`.

        Parameters
        ----------
        cost
            Non-negative cost per edge.
        demand
            ``n_zones × n_zones`` trips (origin zone by row).

        Returns
        -------
        AonResult
            Edge flows, shortest-path costs and the demand with no path.
        """
        graph = self.graph
        n, n_zones = graph.n_nodes, graph.n_zones
        matrix, chosen = self._matrix(cost)
        rows = np.flatnonzero((demand > 0).any(axis=1))
        od_cost = np.full((n_zones, n_zones), np.nan)
        unassigned = np.zeros((n_zones, n_zones))
        flow = np.zeros(graph.n_edges)
        if not len(rows):
            return AonResult(flow, od_cost, unassigned)
        dist, pred = csgraph.dijkstra(
            matrix, directed=True, indices=graph.origin_node[rows], return_predecessors=True
        )
        reach = dist[:, graph.dest_node]
        od_cost[rows] = reach
        trips = demand[rows]
        lost = (trips > 0) & ~np.isfinite(reach)
        unassigned[rows] = np.where(lost, trips, 0.0)
        trips = np.where(lost, 0.0, trips)
        k = len(rows)
        acc = np.zeros((k, n))
        if self._unique_dests:
            acc[:, graph.dest_node] = trips
        else:
            np.add.at(acc, (np.arange(k)[:, None], graph.dest_node[None, :]), trips)
        flow_in = _push_up(acc.ravel(), pred)
        has = np.flatnonzero((pred.ravel() >= 0) & (flow_in > 0))
        keys = pred.ravel()[has].astype(np.int64) * n + has % n  # (parent, node) of tree edges
        if n * n <= _DENSE_PAIRS:  # sum over trees per node pair first, then map pairs to edges
            per_pair = np.bincount(keys, weights=flow_in[has], minlength=n * n)
            flow = np.bincount(chosen, weights=per_pair[self._keys], minlength=graph.n_edges)
        else:
            edges = chosen[np.searchsorted(self._keys, keys)]
            flow = np.bincount(edges, weights=flow_in[has], minlength=graph.n_edges)
        return AonResult(flow, od_cost, unassigned)


def _push_up(acc: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Sum each node's demand into its ancestors, over all trees at once.

    Each node's depth in its tree comes from pointer jumping (list ranking:
    ``log2(depth)`` vectorised rounds); a stable sort by depth (a radix sort of
    small integers) lists the nodes level by level, and the levels push their
    sums to their parents, deepest first, one ``np.add.at`` each.

    Parameters
    ----------
    acc
        Demand ending at each (tree, node), flattened (tree-major).
    pred
        ``k × n`` predecessors from csgraph (negative: root or unreached).

    Returns
    -------
    numpy.ndarray
        Per (tree, node), flattened: the flow on the tree edge into it (the
        demand of its subtree; at roots the demand of the whole tree).
    """
    k, n = pred.shape
    size = k * n
    itype = np.int32 if size < np.iinfo(np.int32).max else np.int64
    offsets = np.arange(k, dtype=itype) * itype(n)
    linked = pred >= 0
    parent = np.where(linked, pred.astype(itype, copy=False) + offsets[:, None], itype(size))
    ancestor = np.append(parent.ravel(), itype(size))  # `size`: a sentinel above every root
    depth = np.append(linked.ravel().astype(np.int32), np.int32(0))
    while True:  # depth[v] += depth[ancestor[v]]; ancestor[v] = ancestor[ancestor[v]]
        depth += depth[ancestor]
        ancestor = ancestor[ancestor]
        if (ancestor == size).all():
            break
    depth = depth[:-1]
    small = np.int16 if depth.max() < np.iinfo(np.int16).max else np.int32
    order = np.argsort(depth.astype(small), kind="stable")  # level by level
    bounds = np.searchsorted(depth[order], np.arange(depth.max() + 2))
    parent = parent.ravel()
    for level in range(len(bounds) - 2, 0, -1):  # deepest level first; roots stay
        nodes = order[bounds[level] : bounds[level + 1]]
        np.add.at(acc, parent[nodes], acc[nodes])
    return acc
